/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-window.h"
#include "vz-pending-popover.h"

G_BEGIN_DECLS

/* For tests: what the window shows, as a person would see it. */
/* The text of the newest toast (plain, as read), or NULL. */
const char       *_vz_window_get_last_toast        (VzWindow   *self);
/* The header's connection indicator: "Offline · 1 pending". */
const char       *_vz_window_get_connection_label  (VzWindow   *self);
GtkMenuButton    *_vz_window_get_connection_button (VzWindow   *self);
VzPendingPopover *_vz_window_get_pending_popover   (VzWindow   *self);
/* The strip under the header, "availability" or "snapshot": its sentence,
 * or NULL while it is hidden. */
const char       *_vz_window_get_strip             (VzWindow   *self,
                                                    const char *which);

/* The sidebar's list of pages. */
GtkListBox       *_vz_window_get_sidebar            (VzWindow  *self);

/* The main menu's line that names the signed-in person. */
GtkLabel         *_vz_window_get_menu_account_label (VzWindow  *self);

G_END_DECLS
