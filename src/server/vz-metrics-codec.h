/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The compact form of a screen's metrics history: a chunk is a run of
 * points after a start time, each point written as the time since the
 * previous one (in units of the chunk's step, in seconds) and four readings
 * (CPU, memory, disk, temperature) in tenths, each as the difference from
 * the previous known reading of its kind. Numbers are zigzag varints, so a
 * heartbeat 15 s after the last one with readings that moved a little takes
 * five bytes. A reading not known is written as 0 and leaves the previous
 * one as the base. No I/O: the server stores chunks as blobs.
 */

#define VZ_METRICS_N_READINGS 4

typedef struct {
  gint64 time;                              /* seconds since the epoch */
  double readings[VZ_METRICS_N_READINGS];   /* cpu, memory, disk, temperature; NAN: not known */
} VzMetricsPoint;

typedef struct {
  GByteArray *bytes;
  gint64      start;                        /* seconds */
  guint       step;                         /* seconds per time unit */
  gint64      last_time;
  gint64      last[VZ_METRICS_N_READINGS];  /* tenths */
  guint       count;
} VzMetricsEncoder;

void      vz_metrics_encoder_init    (VzMetricsEncoder     *encoder,
                                      gint64                start,
                                      guint                 step);
/* Continues a chunk that was written before (@data of @len bytes); FALSE
 * when it does not decode, leaving @encoder empty from @start. */
gboolean  vz_metrics_encoder_resume  (VzMetricsEncoder     *encoder,
                                      gint64                start,
                                      guint                 step,
                                      const guint8         *data,
                                      gsize                 len);
/* Appends @point; FALSE (nothing written) when it is before the last point
 * or the chunk's start. Times are rounded down to the step. */
gboolean  vz_metrics_encoder_append  (VzMetricsEncoder     *encoder,
                                      const VzMetricsPoint *point);
void      vz_metrics_encoder_clear   (VzMetricsEncoder     *encoder);

/* Appends the points of a chunk to @points (of VzMetricsPoint); FALSE when
 * the bytes are not a whole chunk (what was read before stays). */
gboolean  vz_metrics_decode          (const guint8         *data,
                                      gsize                 len,
                                      gint64                start,
                                      guint                 step,
                                      GArray               *points);
/* Averages @points (sorted by time) into buckets of @bucket seconds that
 * start at multiples of @bucket, appended to @out, each at its bucket's
 * start; a reading no point of a bucket knew stays NAN. */
void      vz_metrics_downsample      (const VzMetricsPoint *points,
                                      guint                 n_points,
                                      guint                 bucket,
                                      GArray               *out);
/* How many windows of @window seconds (starting at multiples of @window)
 * hold a point of @points (sorted by time). */
guint     vz_metrics_count_windows   (const VzMetricsPoint *points,
                                      guint                 n_points,
                                      guint                 window);

G_END_DECLS
