/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_EDIT_DIALOG (vz_content_edit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzContentEditDialog, vz_content_edit_dialog, VZ, CONTENT_EDIT_DIALOG, AdwMessageDialog)

/*
 * VzContentEditDialog: a content item's name and how long it plays
 * (seconds, 1–86400). "save" is offered while the name has a character
 * other than white space.
 *
 * Signal: "chosen" (const char *name, guint duration).
 */
VzContentEditDialog *vz_content_edit_dialog_new          (GtkWindow           *parent,
                                                          const char          *name,
                                                          guint                duration);
GtkEditable         *vz_content_edit_dialog_get_name     (VzContentEditDialog *self);
GtkSpinButton       *vz_content_edit_dialog_get_duration (VzContentEditDialog *self);

G_END_DECLS
