/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_LOCATION_DIALOG (vz_location_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzLocationDialog, vz_location_dialog, VZ, LOCATION_DIALOG, AdwMessageDialog)

/*
 * VzLocationDialog: asks for one location for @count screens. Responses
 * "cancel" and "set" (the default: the change is undoable); "set" is
 * enabled once the text differs from what the screens already say.
 */
VzLocationDialog *vz_location_dialog_new          (GtkWindow        *parent,
                                                   guint             count,
                                                   const char       *current);
/* The location as typed, without leading and trailing white space; an
 * empty text is NULL: no location (transfer full). */
char             *vz_location_dialog_dup_location (VzLocationDialog *self);
GtkEditable      *vz_location_dialog_get_entry    (VzLocationDialog *self);

G_END_DECLS
