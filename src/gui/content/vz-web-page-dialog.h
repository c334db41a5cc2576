/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_WEB_PAGE_DIALOG (vz_web_page_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzWebPageDialog, vz_web_page_dialog, VZ, WEB_PAGE_DIALOG, AdwMessageDialog)

/*
 * VzWebPageDialog: asks for the name and the address of a web page to add
 * to the content library. "add" is offered once both have a character
 * other than white space; "cancel" does nothing.
 *
 * Signal: "chosen" (const char *name, const char *url), white space around
 * them taken off.
 */
VzWebPageDialog *vz_web_page_dialog_new     (GtkWindow       *parent);
GtkEditable     *vz_web_page_dialog_get_name (VzWebPageDialog *self);
GtkEditable     *vz_web_page_dialog_get_url  (VzWebPageDialog *self);

G_END_DECLS
