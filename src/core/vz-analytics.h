/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-session.h"

G_BEGIN_DECLS

/*
 * The analytics routes (vizora-api.md, "Health, notifications, analytics"),
 * read on request: they are reports of the past, not records the sync
 * engine keeps live.
 */
typedef enum {
  VZ_ANALYTICS_SUMMARY,             /* {totalDevices, onlineDevices, …, uptimePercent, totalImpressions} */
  VZ_ANALYTICS_DEVICE_METRICS,      /* [{date, availabilityEstimate}] */
  VZ_ANALYTICS_CONTENT_PERFORMANCE, /* [{contentId?, title, impressions, averageCompletion}] */
} VzAnalyticsReport;

/* @range: "week", "month" or "year". finish gives the payload (transfer full). */
void      vz_analytics_read_async            (VzSession           *session,
                                              VzAnalyticsReport    report,
                                              const char          *range,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode *vz_analytics_read_finish           (GAsyncResult        *result,
                                              GError             **error);

/* The query of a proof-of-play request: dateFrom and dateTo (the first
 * day's start and the last day's end, UTC) and, when not NULL, displayId
 * (transfer full). */
char     *vz_analytics_proof_query           (GDate               *from,
                                              GDate               *to,
                                              const char          *display_id);

/* One page of GET /analytics/proof-of-play (@limit ≤ 500): finish gives
 * {data: [...], meta: {page, limit, total, totalPages}} (transfer full). */
void      vz_analytics_proof_of_play_async   (VzSession           *session,
                                              GDate               *from,
                                              GDate               *to,
                                              guint                page,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode *vz_analytics_proof_of_play_finish  (GAsyncResult        *result,
                                              GError             **error);

/* GET /analytics/proof-of-play.csv for the days: finish gives the file's
 * bytes (transfer full). */
void      vz_analytics_proof_csv_async       (VzSession           *session,
                                              GDate               *from,
                                              GDate               *to,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GBytes   *vz_analytics_proof_csv_finish      (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
