/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VZ_TYPE_BULK_BAR (vz_bulk_bar_get_type ())
G_DECLARE_FINAL_TYPE (VzBulkBar, vz_bulk_bar, VZ, BULK_BAR, GtkWidget)

/*
 * VzBulkBar: the bar under the Devices list while screens are selected. It
 * says how many ("3 selected") and offers what can be done to all of them
 * (devices.reload, .restart, .reboot, .set-location, .add-to-group,
 * .assign-playlist, .delete), each naming the count ("Restart 3 Screens"): as buttons with
 * tooltips when there is room, else as a menu beside the count.
 *
 * Properties: "count" (guint: how many screens the verbs act on),
 * "revealed" (gboolean).
 */
GtkWidget  *vz_bulk_bar_new          (void);
guint       vz_bulk_bar_get_count    (VzBulkBar *self);
void        vz_bulk_bar_set_count    (VzBulkBar *self,
                                      guint      count);
gboolean    vz_bulk_bar_get_revealed (VzBulkBar *self);
void        vz_bulk_bar_set_revealed (VzBulkBar *self,
                                      gboolean   revealed);
/* What the bar says of the count ("3 selected"). */
const char *vz_bulk_bar_get_label    (VzBulkBar *self);
/* What the bar says of @action_name ("devices.restart" → "Restart 3
 * Screens"), as its button's tooltip and its menu item (transfer full). */
char       *vz_bulk_bar_dup_verb     (VzBulkBar  *self,
                                      const char *action_name);

G_END_DECLS
