/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-schedule.h"

G_BEGIN_DECLS

#define _VZ_SECONDS_PER_DAY 86400

/*
 * One local calendar day of a time zone, with what it takes to turn its
 * wall-clock minutes (and those of the day after, for windows past
 * midnight) into instants. On the days and nights without an offset change
 * that is a subtraction; the others go through the zone.
 */
typedef struct
{
  GTimeZone *tz;      /* borrowed */
  gint32     day;     /* days since 1970-01-01 */
  guint8     weekday; /* 0 = Sunday */
  gboolean   linear;  /* one offset over this day and the next */
  gint32     offset;  /* seconds east of UTC, when linear */
} VzZoneDay;

void     _vz_zone_day_init   (VzZoneDay *zd,
                              GTimeZone *tz,
                              gint32     day);
/* The instant of wall-clock @minute after the day's midnight (may pass 1440
 * into the next day): the first of two in a repeated hour, the end of the
 * gap for a time that a clock change skips. */
gint64   _vz_zone_day_instant (const VzZoneDay *zd,
                               int              minute);
/* The local calendar day that holds @instant. */
gint32   _vz_zone_local_day  (GTimeZone *tz,
                              gint64     instant);

/* Whether @rule plays on the window it opens on @zd's day, and that window. */
gboolean _vz_rule_window     (const VzScheduleRule *rule,
                              const VzZoneDay      *zd,
                              gint64               *out_start,
                              gint64               *out_end);

/* The instant's local day and the day before: the two whose windows can
 * hold it, since a window lasts at most a day. */
void     _vz_zone_days_around (VzZoneDay  days[2],
                               GTimeZone *tz,
                               gint64     instant);
gboolean _vz_rule_is_on      (const VzScheduleRule *rule,
                              const VzZoneDay       days[2],
                              gint64                instant);

G_END_DECLS
