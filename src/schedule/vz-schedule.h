/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The schedule evaluator: what a screen plays at an instant, what it plays
 * when over a range, and which schedules overlap a proposed one. Shared by the
 * fleet server and the app's core so both decide the same way; the rules are
 * written out in docs/schedules.md.
 *
 * Instants are Unix seconds (UTC). Calendar days are counted in days since
 * 1970-01-01 and are days in the screen's own time zone.
 */

#define VZ_SCHEDULE_MINUTES_PER_DAY 1440
/* Bit d of VzScheduleRule.days stands for weekday d, 0 = Sunday. */
#define VZ_SCHEDULE_EVERY_DAY 0x7f
/* The bounds of a rule without a start or an end date. */
#define VZ_SCHEDULE_NO_START_DAY G_MININT32
#define VZ_SCHEDULE_NO_END_DAY G_MAXINT32
/* start_time/end_time of a rule without a time window. */
#define VZ_SCHEDULE_NO_TIME (-1)

typedef struct
{
  char    *id;
  char    *playlist_id;
  /* Exactly one of display_id and group_id is set. */
  char    *display_id;
  char    *group_id;
  /* Minutes 0–1439 after local midnight, or VZ_SCHEDULE_NO_TIME. A window
   * without a start or end, or with start == end, is the whole day; start >
   * end runs past midnight. The end is exclusive. */
  int      start_time;
  int      end_time;
  guint8   days;
  /* Inclusive; VZ_SCHEDULE_NO_START_DAY / VZ_SCHEDULE_NO_END_DAY when open. */
  gint32   start_day;
  gint32   end_day;
  int      priority;
  /* Microseconds since the epoch: the newer wins a tie in priority. */
  gint64   created_at;
  gboolean is_active;
} VzScheduleRule;

#define VZ_TYPE_SCHEDULE_RULE (vz_schedule_rule_get_type ())
GType           vz_schedule_rule_get_type (void) G_GNUC_CONST;

VzScheduleRule *vz_schedule_rule_new  (const char           *id,
                                       const char           *playlist_id);
VzScheduleRule *vz_schedule_rule_copy (const VzScheduleRule *rule);
void            vz_schedule_rule_free (VzScheduleRule       *rule);
/* Sets display_id or group_id and clears the other. */
void            vz_schedule_rule_set_display (VzScheduleRule *rule,
                                              const char     *display_id);
void            vz_schedule_rule_set_group   (VzScheduleRule *rule,
                                              const char     *group_id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzScheduleRule, vz_schedule_rule_free)

/* TRUE when @a wins over @b while both are active: the higher priority, then
 * the newer created_at, then (only to be deterministic) the greater id. */
gboolean        vz_schedule_rule_beats (const VzScheduleRule *a,
                                        const VzScheduleRule *b);

/* Reads the calendar day of an ISO-8601 date ("2026-03-29") or date-time
 * ("2026-03-29T00:00:00.000Z", its date in UTC) into days since 1970-01-01. */
gboolean        vz_schedule_parse_day  (const char *iso,
                                        gint32     *out_day);
/* The ISO date ("2026-03-29") of @day; free with g_free(). */
char           *vz_schedule_format_day (gint32      day);

/*
 * Decides the rule that plays at @instant among @rules (VzScheduleRule *: the
 * screen's own and its groups'), evaluated in @tz. Returns the winning rule,
 * borrowed from @rules, or NULL when none is active and the screen's default
 * playlist (its currentPlaylistId) plays.
 */
const VzScheduleRule *vz_schedule_decide (GPtrArray *rules,
                                          GTimeZone *tz,
                                          gint64     instant);

/* TRUE when @rule's window holds @instant in @tz (is_active is honoured). */
gboolean        vz_schedule_rule_is_on (const VzScheduleRule *rule,
                                        GTimeZone            *tz,
                                        gint64                instant);

typedef struct
{
  gint64                start;       /* inclusive */
  gint64                end;         /* exclusive */
  const VzScheduleRule *rule;        /* borrowed; NULL: the default plays */
  const char           *playlist_id; /* the rule's, else the default; may be NULL */
} VzScheduleSpan;

/*
 * What plays when over [@from, @to): contiguous spans in time order that
 * cover the range, a new span wherever the winning rule changes. Returns a
 * GArray of VzScheduleSpan whose pointers borrow from @rules and
 * @default_playlist_id.
 */
GArray         *vz_schedule_spans (GPtrArray  *rules,
                                   const char *default_playlist_id,
                                   GTimeZone  *tz,
                                   gint64      from,
                                   gint64      to);

typedef struct
{
  const VzScheduleRule *other;         /* borrowed from the others */
  guint8                days;          /* the weekdays the overlap starts on */
  int                   start_minute;  /* 0–1439 on those days */
  int                   end_minute;    /* exclusive, up to start_minute + 1440 */
  gboolean              proposed_wins;
} VzScheduleOverlap;

/*
 * Which of @others (VzScheduleRule *) overlap @proposed in the week: the
 * ones that are active, are not @proposed itself (same id), share a date
 * and a time. Each overlap names the weekdays and the wall-clock window
 * they share and which of the two wins there; one other schedule can give
 * several. Ordered by the other's place in @others, then by weekday and
 * time. The caller passes the schedules that reach the same screens (its
 * own and its groups'; for a group, its members' and their groups').
 */
GArray         *vz_schedule_conflicts (const VzScheduleRule *proposed,
                                       GPtrArray            *others);

G_END_DECLS
