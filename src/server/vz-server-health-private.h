/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Internals of the server's health side, shared by its files: notifications
 * (vz-server-notifications.c), the alerts the health rules raise and resolve
 * (vz-server-health.c), the metrics history (vz-server-metrics.c) and the
 * analytics routes (vz-server-analytics.c). Nothing here is API for other
 * layers.
 */

#include "vz-server-private.h"

G_BEGIN_DECLS

/* --- vz-server-notifications.c ------------------------------------------ */

/* What a new notification says. @device_id, @device_name and @metric are
 * nullable; @value and @threshold are NAN when they do not apply. */
typedef struct {
  const char *organization_id;
  const char *type;              /* device_offline, device_online, device_health, … */
  const char *severity;          /* info, warning, critical */
  const char *title;
  const char *message;
  const char *device_id;
  const char *device_name;
  const char *metric;            /* an alert's rule; NULL for other notifications */
  double      value;
  double      threshold;
} VzNotificationSpec;

/* Stores a notification; returns its id (transfer full), NULL on error. */
char       *_vz_server_notification_add     (VzServer                 *self,
                                             const VzNotificationSpec *spec,
                                             gint64                    now,
                                             GError                  **error);
/* The notification @id as its wire object (transfer full), NULL when it is
 * not there. */
JsonNode   *_vz_server_notification_node    (VzServer                 *self,
                                             const char               *id,
                                             GError                  **error);
/* Tells the dashboards of @organization_id: `notification:new` (with
 * `timestamp`) when @is_new, and `health:alert` when @health. */
void        _vz_server_notification_announce (VzServer                *self,
                                              const char              *organization_id,
                                              JsonNode                *notification,
                                              gboolean                 is_new,
                                              gboolean                 health);
/* Forgets old notifications: dismissed ones after 30 days, the rest after
 * 90 days unless they are alerts still open. */
void        _vz_server_notifications_maintenance (VzServer            *self,
                                                  gint64               now);

gboolean    _vz_route_notifications_list    (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_notifications_unread  (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_notifications_read    (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_notifications_dismiss (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_notifications_read_all (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-metrics.c ------------------------------------------------ */

typedef struct _VzMetricsHistory VzMetricsHistory;

void        _vz_server_metrics_free         (VzMetricsHistory *history);
/* Adds @state's readings at @now to its history (at most one point every 5 s). */
void        _vz_server_metrics_record       (VzServer      *self,
                                             VzDeviceState *state,
                                             gint64         now);
/* Writes what @state's history holds unsaved, inside the caller's
 * transaction: finished hours always, the current one when @force or
 * when enough points wait. */
gboolean    _vz_server_metrics_flush        (VzServer      *self,
                                             VzDeviceState *state,
                                             gboolean       force,
                                             GError       **error);
/* Writes every screen's unsaved history (the server stops). */
void        _vz_server_metrics_flush_all    (VzServer      *self);
/* The points of @series between @from_s and @to_s (seconds), oldest first,
 * appended to @points (VzMetricsPoint): raw ones where the raw hours are
 * kept (averaged into 5-minute buckets when @averaged_raw), buckets before. */
gboolean    _vz_server_metrics_read         (VzServer      *self,
                                             gint64         series,
                                             gint64         from_s,
                                             gint64         to_s,
                                             gboolean       averaged_raw,
                                             GArray        *points,
                                             GError       **error);
/* The samples in @column of the row @stmt is on (transfer full), inflated
 * when the column @deflated_column says so. */
GBytes     *_vz_server_metrics_chunk_samples (VzStmt       *stmt,
                                              int           column,
                                              int           deflated_column);
/* Raw hours older than a day into 5-minute buckets; weeks-old days out. */
void        _vz_server_metrics_maintenance  (VzServer      *self,
                                             gint64         now);
/* @value as a number (an integer when whole), null when NAN. */
void        _vz_builder_add_reading         (JsonBuilder   *builder,
                                             const char    *name,
                                             double         value);
gboolean    _vz_route_displays_metrics      (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-metrics-counts.c ----------------------------------------- */

/* The 5-minute windows that the points of a chunk (@step 1: raw, 300:
 * buckets) fall in; 0 for a chunk that does not decode. */
gint64      _vz_server_metrics_count_samples (const guint8 *data,
                                              gsize         len,
                                              gint64        start,
                                              guint         step);
/* Counts uncounted chunks for a slice of main-loop time (a few ms); TRUE
 * while some are left. */
gboolean    _vz_server_metrics_count_slice  (VzServer      *self,
                                             GError       **error);
/* Starts counting, a slice at a time, when chunks are uncounted. */
void        _vz_server_metrics_counts_start (VzServer      *self);
/* TRUE when chunks are being counted: @req is paused and answered with
 * _vz_server_availability_answer() once they are. */
gboolean    _vz_server_metrics_counts_wait  (VzServer      *self,
                                             VzRequest     *req);
/* Stops counting; waiting requests are dropped (the server stops). */
void        _vz_server_metrics_counts_stop  (VzServer      *self);

/* --- vz-server-health.c ------------------------------------------------- */

/* Reads which alerts are open into the screens' state (after they are loaded). */
gboolean    _vz_server_health_load          (VzServer      *self,
                                             GError       **error);
/* After a heartbeat updated @state's readings. */
void        _vz_server_health_heartbeat     (VzServer      *self,
                                             VzDeviceState *state,
                                             gint64         now);
/* After @state's status changed, and for every screen at each sweep: the
 * offline alert. */
void        _vz_server_health_link          (VzServer      *self,
                                             VzDeviceState *state,
                                             gint64         now);
/* Every screen's offline alert, in one transaction. */
void        _vz_server_health_sweep         (VzServer      *self,
                                             gint64         now);
/* A screen was deleted: its open alerts are resolved. */
void        _vz_server_health_device_removed (VzServer     *self,
                                              const char   *organization_id,
                                              const char   *display_id);

/* --- vz-server-analytics.c ---------------------------------------------- */

/* Availability of the @n_days days up to @now_s (the last is today): per
 * day, the 5-minute windows with a heartbeat of a screen of
 * @organization_id (@up: the sum of the counted chunks' counts) and those
 * its screens existed in (@expected). */
gboolean    _vz_server_availability         (VzServer      *self,
                                             const char    *organization_id,
                                             gint64         now_s,
                                             guint          n_days,
                                             gint64        *up,
                                             gint64        *expected,
                                             GError       **error);
/* Answers GET /analytics/device-metrics @req, which waited for counting. */
void        _vz_server_availability_answer  (VzServer      *self,
                                             VzRequest     *req);
gboolean    _vz_route_analytics_summary     (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_analytics_device_metrics (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_analytics_content_performance (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_analytics_proof_of_play (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_analytics_proof_of_play_csv (VzServer *self, VzRequest *req, GError **error);

G_END_DECLS
