/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One reading: @time in wall-clock µs, @value NAN when there was none (the
 * line breaks there). */
typedef struct {
  gint64  time;
  gdouble value;
} VzChartPoint;

typedef enum {
  VZ_CHART_STYLE_LINE,
  VZ_CHART_STYLE_BARS,
} VzChartStyle;

#define VZ_TYPE_CHART_STYLE (vz_chart_style_get_type ())
GType vz_chart_style_get_type (void);

#define VZ_TYPE_CHART (vz_chart_get_type ())
G_DECLARE_FINAL_TYPE (VzChart, vz_chart, VZ, CHART, GtkWidget)

/*
 * VzChart: a small chart of one series drawn on GtkSnapshot, as a line
 * (a screen's CPU over 24 hours) or as bars (availability per day).
 *
 * The pointer over it shows a read-out of the nearest reading ("14:35 ·
 * 62 °C"); so do Left and Right (Home, End) when it has the focus, which it
 * takes from the keyboard. Its accessible description is a summary in
 * words of the whole series ("CPU over the last 24 hours: latest 40 %,
 * average 35 %, lowest 10 % at 03:00, highest 92 % at 14:35"), and the
 * read-out is announced as its label changes.
 *
 * Properties: "title" (string: "CPU"), "period" (string: "over the last 24
 * hours"), "unit" (string: "%" or "°C"), "style" (VzChartStyle), "minimum",
 * "maximum" (gdouble: the value axis; NAN: from the data), "summary"
 * (string, read-only: the words above), "readout" (string, read-only,
 * nullable: the read-out shown now).
 */
GtkWidget  *vz_chart_new            (void);
/* Copies @points (sorted by time). */
void        vz_chart_set_points     (VzChart            *self,
                                     const VzChartPoint *points,
                                     guint               n_points);
guint       vz_chart_get_n_points   (VzChart            *self);
const char *vz_chart_get_summary    (VzChart            *self);
const char *vz_chart_get_readout    (VzChart            *self);
/* Shows the read-out of reading @index (-1: none), as hovering it would. */
void        vz_chart_select         (VzChart            *self,
                                     int                 index);
void        vz_chart_set_title      (VzChart            *self,
                                     const char         *title);
void        vz_chart_set_period     (VzChart            *self,
                                     const char         *period);
void        vz_chart_set_unit       (VzChart            *self,
                                     const char         *unit);
void        vz_chart_set_style      (VzChart            *self,
                                     VzChartStyle        style);
void        vz_chart_set_range      (VzChart            *self,
                                     gdouble             minimum,
                                     gdouble             maximum);
/* A value with the chart's unit: "62 °C", "40 %", "Unknown" (transfer full). */
char       *vz_chart_format_value   (VzChart            *self,
                                     gdouble             value);

G_END_DECLS
