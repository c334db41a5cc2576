/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

typedef enum {
  VZ_SEVERITY_INFO,
  VZ_SEVERITY_WARNING,
  VZ_SEVERITY_CRITICAL,
} VzSeverity;

#define VZ_TYPE_SEVERITY (vz_severity_get_type ())
GType       vz_severity_get_type    (void);
/* "info", "warning", "critical"; anything else reads as info. */
VzSeverity  vz_severity_from_string (const char *str);
const char *vz_severity_to_string   (VzSeverity  severity);
/* Translated, for people: "Information", "Warning", "Critical". */
const char *vz_severity_to_label    (VzSeverity  severity);
/* A symbolic icon that says the same as the word (never colour alone). */
const char *vz_severity_icon_name   (VzSeverity  severity);

#define VZ_TYPE_NOTIFICATION (vz_notification_get_type ())
G_DECLARE_FINAL_TYPE (VzNotification, vz_notification, VZ, NOTIFICATION, VzEntity)

/*
 * VzNotification: one of the server's notifications (vizora-api.md,
 * "Health, notifications, analytics"): {id, type, title, message, severity,
 * read, dismissedAt, metadata{deviceId?, metric?, value?, threshold?},
 * createdAt}. A health alert is a notification whose metadata names a
 * screen. The local server says an alert is over with metadata.resolved
 * (true) or metadata.resolvedAt (a date).
 *
 * Properties (read-only, notify on real change): "id" (VzEntity), "kind"
 * (the notification's type: "device_offline"…), "title", "message",
 * "severity" (VzSeverity), "read" (gboolean), "dismissed-at" (string,
 * nullable), "dismissed" (gboolean), "resolved" (gboolean), "device-id",
 * "metric" (strings, nullable), "value", "threshold" (gdouble, NAN when not
 * said), "created-at" (string, ISO-8601).
 */
const char *vz_notification_get_kind          (VzNotification *self);
const char *vz_notification_get_title         (VzNotification *self);
const char *vz_notification_get_message       (VzNotification *self);
VzSeverity  vz_notification_get_severity      (VzNotification *self);
gboolean    vz_notification_get_read          (VzNotification *self);
const char *vz_notification_get_dismissed_at  (VzNotification *self);
gboolean    vz_notification_get_dismissed     (VzNotification *self);
gboolean    vz_notification_get_resolved      (VzNotification *self);
const char *vz_notification_get_device_id     (VzNotification *self);
const char *vz_notification_get_metric        (VzNotification *self);
gdouble     vz_notification_get_value         (VzNotification *self);
gdouble     vz_notification_get_threshold     (VzNotification *self);
const char *vz_notification_get_created_at    (VzNotification *self);
/* createdAt as wall-clock µs (g_get_real_time's scale); 0 when not said. */
gint64      vz_notification_get_created_time  (VzNotification *self);

/* Shown at once by the read and dismiss requests (vz-notification-resource.h). */
void        vz_notification_set_read          (VzNotification *self,
                                               gboolean        read);
void        vz_notification_set_dismissed_at  (VzNotification *self,
                                               const char     *dismissed_at);

G_END_DECLS
