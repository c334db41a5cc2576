/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VZ_TYPE_DURATION_POPOVER (vz_duration_popover_get_type ())
G_DECLARE_FINAL_TYPE (VzDurationPopover, vz_duration_popover, VZ, DURATION_POPOVER, GtkPopover)

/*
 * VzDurationPopover: the editor of a playlist item's seconds on screen, a
 * spin button in a popover. A playlist item row makes it only when its
 * duration button is first opened, so the list's rows stay light.
 *
 * Properties: "seconds" (guint, 1 to 86400). Setting it shows the value
 * without emitting "chosen".
 * Signals: "chosen" (guint seconds): the person typed or stepped a value
 * (Enter also closes the popover).
 */
GtkWidget     *vz_duration_popover_new             (void);
guint          vz_duration_popover_get_seconds     (VzDurationPopover *self);
void           vz_duration_popover_set_seconds     (VzDurationPopover *self,
                                                    guint              seconds);
GtkSpinButton *vz_duration_popover_get_spin_button (VzDurationPopover *self);

G_END_DECLS
