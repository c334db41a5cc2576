/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_ALERT_NOTIFIER (vz_alert_notifier_get_type ())
G_DECLARE_FINAL_TYPE (VzAlertNotifier, vz_alert_notifier, VZ, ALERT_NOTIFIER, GObject)

/*
 * VzAlertNotifier: desktop notifications (GNotification) for the alerts
 * that arrive live (`health:alert`, `notification:new`), for as long as the
 * application runs, window or not.
 *
 * An alert is told when its severity reaches the settings' minimum
 * ("notify-min-severity"), once, after the ~2 s a burst takes to arrive
 * (VzAlertCoalescer: "7 screens went offline", never a flood). A
 * notification's default action opens its screen (app.open-screen with the
 * screen's id), or the Health page when it tells of several screens
 * (app.show-alerts). An alert that resolves (the server says so on the
 * alert, or the screen comes back online) withdraws its notification, or
 * is never told when it resolved before its window closed.
 *
 * During the quiet hours ("quiet-hours-enabled", "-start", "-end") nothing
 * is sent: alerts are held. When the quiet hours end, those still open
 * (not resolved, read or dismissed meanwhile) are told, coalesced as one
 * burst; those that were over by then never are.
 *
 * Signal "sent" (const char *id, const char *title, const char *body,
 * const char *screen_id): after each g_application_send_notification().
 * Property "sent-count" (guint, read-only): notifications sent so far.
 */
VzAlertNotifier *vz_alert_notifier_new             (GApplication    *application,
                                                    GSettings       *settings);
void             vz_alert_notifier_set_sync_engine (VzAlertNotifier *self,
                                                    VzSyncEngine    *engine);
guint            vz_alert_notifier_get_sent_count  (VzAlertNotifier *self);
/* The notification (its id for g_application_send_notification) that tells
 * of alert @alert_id now, or NULL. */
const char      *vz_alert_notifier_lookup          (VzAlertNotifier *self,
                                                    const char      *alert_id);
/* Sets the coalescing window (default 2 s); for tests and benchmarks. */
void             vz_alert_notifier_set_window      (VzAlertNotifier *self,
                                                    guint            window_ms);

/* The local time now (transfer full). */
typedef GDateTime *(*VzAlertNotifierClock) (gpointer user_data);
/* Reads the time of day (for the quiet hours) from @clock instead of the
 * system's (NULL: the system's again); for tests. */
void             vz_alert_notifier_set_clock       (VzAlertNotifier      *self,
                                                    VzAlertNotifierClock  clock,
                                                    gpointer              user_data);

G_END_DECLS
