/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-schedule.h"

/* The instant of an ISO-8601 date-time with its offset written out. */
static inline gint64
at (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static inline gint32
day_of (const char *iso)
{
  gint32 day = 0;

  g_assert_true (vz_schedule_parse_day (iso, &day));
  return day;
}

static inline GTimeZone *
zone (const char *name)
{
  GTimeZone *tz = g_time_zone_new_identifier (name);

  g_assert_nonnull (tz);
  return tz;
}

/* A screen's schedule: @days a weekday mask, times in minutes or
 * VZ_SCHEDULE_NO_TIME. */
static inline VzScheduleRule *
rule_new (const char *id,
          const char *playlist_id,
          guint8      days,
          int         start_time,
          int         end_time,
          int         priority)
{
  VzScheduleRule *rule = vz_schedule_rule_new (id, playlist_id);

  vz_schedule_rule_set_display (rule, "screen-1");
  rule->days = days;
  rule->start_time = start_time;
  rule->end_time = end_time;
  rule->priority = priority;
  return rule;
}

#define DAY(d) ((guint8) (1u << (d)))
#define SUN DAY (0)
#define MON DAY (1)
#define TUE DAY (2)
#define WED DAY (3)
#define THU DAY (4)
#define FRI DAY (5)
#define SAT DAY (6)
#define WEEKDAYS (MON | TUE | WED | THU | FRI)
#define HM(h, m) ((h) * 60 + (m))

void schedule_add_dst_tests (void);
