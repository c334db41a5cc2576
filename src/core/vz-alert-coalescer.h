/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vz-notification.h"

G_BEGIN_DECLS

/*
 * VzAlertCoalescer: turns alerts as they come into the few desktop
 * notifications a person can read. It keeps no clock of its own: every call
 * says what time it is (monotonic µs), so it is the same under test as in
 * the app, where a timer calls flush() at next_deadline().
 *
 * An alert waits for the window (2 s in the app) that its first one opened;
 * then the alerts of that window come out as batches: one per alert when
 * there are few, one per sort of alert ("7 screens went offline") when one
 * sort has several, and one summary for the whole window ("40 new alerts on
 * 12 screens") when there would be more than three batches. A burst of any
 * size is thus at most three notifications per window. An alert that
 * resolves before its window closes is never told.
 */

typedef struct {
  const char *id;           /* the notification's id */
  const char *kind;         /* its type: "device_offline", "device_health"… */
  const char *metric;       /* nullable: "temperature", "cpuUsage"… */
  VzSeverity  severity;
  const char *device_id;    /* nullable */
  const char *screen_name;  /* nullable: the screen's name for people */
  const char *title;        /* the server's title */
  const char *message;      /* nullable: the server's message */
} VzAlertInfo;

typedef struct {
  char       *id;           /* for g_application_send_notification(): one
                             * alert: "alert-<id>"; a sort: "alerts-<sort>";
                             * the summary: "alerts" */
  VzSeverity  severity;     /* the highest of its alerts */
  char       *title;
  char       *body;
  char       *device_id;    /* the one screen all its alerts are about, else NULL */
  GStrv       alert_ids;    /* the notifications it tells of */
} VzAlertBatch;

void          vz_alert_batch_free (VzAlertBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzAlertBatch, vz_alert_batch_free)

#define VZ_TYPE_ALERT_COALESCER (vz_alert_coalescer_get_type ())
G_DECLARE_FINAL_TYPE (VzAlertCoalescer, vz_alert_coalescer, VZ, ALERT_COALESCER, GObject)

VzAlertCoalescer *vz_alert_coalescer_new           (gint64            window_us);
/* Adds an alert at @now; an id already waiting is not added twice. */
void              vz_alert_coalescer_add           (VzAlertCoalescer *self,
                                                    const VzAlertInfo *info,
                                                    gint64            now);
/* The alert @id is over: TRUE when it was still waiting (and now never
 * comes out). */
gboolean          vz_alert_coalescer_forget        (VzAlertCoalescer *self,
                                                    const char       *id);
guint             vz_alert_coalescer_get_n_waiting (VzAlertCoalescer *self);
/* When flush() has something to give (monotonic µs), 0 when nothing waits. */
gint64            vz_alert_coalescer_next_deadline (VzAlertCoalescer *self);
/* The batches (VzAlertBatch *, transfer full) of the window, once it has
 * closed at @now; an empty array before. */
GPtrArray        *vz_alert_coalescer_flush         (VzAlertCoalescer *self,
                                                    gint64            now);

/*
 * Quiet hours from @start to @end (minutes after midnight, 0–1439, local
 * time): is @minute (the same) inside them? @start after @end wraps past
 * midnight (22:00–07:00); @start equal to @end means none.
 */
gboolean          vz_quiet_hours_contain           (int               start,
                                                    int               end,
                                                    int               minute);

G_END_DECLS
