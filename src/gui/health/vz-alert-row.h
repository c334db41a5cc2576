/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-notification.h"

G_BEGIN_DECLS

#define VZ_TYPE_ALERT_ROW (vz_alert_row_get_type ())
G_DECLARE_FINAL_TYPE (VzAlertRow, vz_alert_row, VZ, ALERT_ROW, GtkListBoxRow)

/*
 * VzAlertRow: one alert in the Health page's feed: its severity as an icon
 * and a word (never colour alone), its title (bold while unread), the
 * screen and the time, the message, and buttons for health.read-alert and
 * health.dismiss-alert with the alert's id.
 */
GtkWidget      *vz_alert_row_new              (VzNotification *alert,
                                               const char     *screen_name);
VzNotification *vz_alert_row_get_notification (VzAlertRow     *self);

G_END_DECLS
