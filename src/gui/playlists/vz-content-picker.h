/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-content.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_PICKER (vz_content_picker_get_type ())
G_DECLARE_FINAL_TYPE (VzContentPicker, vz_content_picker, VZ, CONTENT_PICKER, AdwWindow)

/*
 * VzContentPicker: a dialog over @parent listing the content library
 * (@content, a GListModel of VzContent, live), narrowed by a search of the
 * names as one types. Activating an item (a click, Enter) picks it and
 * closes the dialog; Escape closes it without.
 *
 * Property: "content" (GListModel, construct-only).
 * Signal: "picked" (VzContent *content).
 */
VzContentPicker *vz_content_picker_new        (GListModel      *content,
                                               GtkWindow       *parent);
/* For tests: the search entry and the list as shown. */
GtkEditable     *vz_content_picker_get_search (VzContentPicker *self);
GtkListView     *vz_content_picker_get_list   (VzContentPicker *self);

G_END_DECLS
