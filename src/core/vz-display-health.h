/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display.h"
#include "vz-notification.h"

G_BEGIN_DECLS

typedef enum {
  VZ_HEALTH_OK,
  VZ_HEALTH_WARNING,
  VZ_HEALTH_CRITICAL,
  VZ_HEALTH_OFFLINE,
} VzHealthLevel;

/*
 * A screen's health from what the app knows of it: its status and its last
 * heartbeat figures, judged by the local server's rules (vizora-api.md:
 * offline, CPU or memory over 90 % a warning, disk over 95 % or a
 * temperature over 80 °C critical). @score runs from 100 (nothing wrong)
 * down to 0 (offline); @reason says why in words ("Temperature 86 °C, over
 * 80 °C"), translated, "No problems" when there is nothing to say.
 */
typedef struct {
  VzHealthLevel level;
  guint         score;
  char         *reason;
} VzDisplayHealth;

void      vz_display_health_assess (VzDisplay       *display,
                                    VzDisplayHealth *out);
/* The same, with the screen's open alerts (@alerts, @n_alerts; neither
 * resolved nor dismissed): an alert the figures do not show yet (they come
 * with a read of the screen) counts by its severity, its title the reason. */
void      vz_display_health_assess_full (VzDisplay             *display,
                                         VzNotification * const *alerts,
                                         guint                  n_alerts,
                                         VzDisplayHealth       *out);
void      vz_display_health_clear  (VzDisplayHealth *health);
/* "Healthy", "Warning", "Critical", "Offline" (translated). */
const char *vz_health_level_to_label (VzHealthLevel level);

/*
 * A metric's reading for people: "42 %", "61 °C", or "Unknown" when
 * there is none (NAN, or the record's -1 for "not said"). @metric is
 * "cpuUsage", "memoryUsage", "diskUsage" or "temperature" (transfer full).
 */
char     *vz_metric_format          (const char      *metric,
                                     gdouble          value);
/* "CPU", "Memory", "Disk", "Temperature" (translated). */
const char *vz_metric_label         (const char      *metric);

G_END_DECLS
