/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-session.h"

G_BEGIN_DECLS

/* One heartbeat's figures; NAN where the screen said nothing. */
typedef struct {
  gint64  time;         /* wall-clock µs */
  gdouble cpu;
  gdouble memory;
  gdouble disk;
  gdouble temperature;
} VzMetricSample;

/*
 * A screen's heartbeat history ([local] GET /displays/:id/metrics?from=&to=
 * → [{timestamp, cpuUsage, memoryUsage, diskUsage, temperature}]: raw for
 * 24 hours, five-minute averages for seven days). finish gives a GArray of
 * VzMetricSample sorted by time (transfer full); a server without the route
 * answers VZ_API_ERROR_NOT_FOUND.
 */
void     vz_metrics_history_read_async  (VzSession           *session,
                                         const char          *display_id,
                                         gint64               from,
                                         gint64               to,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GArray  *vz_metrics_history_read_finish (GAsyncResult        *result,
                                         GError             **error);

/* The same from the answer's payload: entries without a readable timestamp
 * are skipped, figures that are not numbers are NAN. */
GArray  *vz_metrics_history_parse       (JsonNode            *payload);

G_END_DECLS
