/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vz-schedule.h"

G_BEGIN_DECLS

/*
 * Schedules in words, for the app's editor and vizoractl (every string
 * translated; transfer full). Weekdays follow VzScheduleRule.days (bit d =
 * weekday d, 0 = Sunday), times are minutes after local midnight.
 */

/* "Every day", "Weekdays", "Weekends", "Monday", "Monday, Wednesday,
 * Friday"; "No day" for 0. */
char *vz_schedule_describe_days     (guint8                   days);
/* "08:00–12:00", "22:00–02:00" (@end past 1440: the next day), "all day"
 * for the whole day (0 to 1440, or start == end). */
char *vz_schedule_describe_window   (int                      start_minute,
                                     int                      end_minute);
/* A rule's own window: "all day" without times. */
char *vz_schedule_describe_rule_window (const VzScheduleRule *rule);
/* "Weekdays 08:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)"
 * for one overlap of @proposed (named @proposed_name) with
 * @overlap->other (named @other_name). */
char *vz_schedule_describe_overlap  (const VzScheduleRule    *proposed,
                                     const char              *proposed_name,
                                     const VzScheduleOverlap *overlap,
                                     const char              *other_name);
/* "Shares time with 1 other schedule:", "Shares time with 3 other
 * schedules:", or "No other schedule plays there at that time." for 0. */
char *vz_schedule_describe_conflict_count (guint          n_schedules);

G_END_DECLS
