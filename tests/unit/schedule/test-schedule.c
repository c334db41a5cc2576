/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "schedule-test-util.h"

static void
test_days (void)
{
  gint32 day = 0;
  g_autofree char *text = NULL;

  g_assert_cmpint (day_of ("1970-01-01"), ==, 0);
  g_assert_cmpint (day_of ("1969-12-31"), ==, -1);
  g_assert_cmpint (day_of ("2026-03-29"), ==, 20541);
  /* A date-time counts by its date in UTC. */
  g_assert_cmpint (day_of ("2026-03-29T23:30:00.000Z"), ==, 20541);
  g_assert_cmpint (day_of ("2026-03-29T23:30:00-05:00"), ==, 20542);
  g_assert_cmpint (day_of ("1969-12-31T23:00:00Z"), ==, -1);
  text = vz_schedule_format_day (20541);
  g_assert_cmpstr (text, ==, "2026-03-29");

  g_assert_false (vz_schedule_parse_day ("2026-02-30", &day));
  g_assert_false (vz_schedule_parse_day ("2026/03/29", &day));
  g_assert_false (vz_schedule_parse_day ("tomorrow", &day));
  g_assert_false (vz_schedule_parse_day ("", &day));
  g_assert_false (vz_schedule_parse_day (NULL, &day));
}

/* 2026-03-30 is a Monday. */
static void
test_tokyo (void)
{
  g_autoptr(GTimeZone) tz = zone ("Asia/Tokyo");
  g_autoptr(VzScheduleRule) rule = rule_new ("a", "p", MON, HM (9, 0), HM (17, 0), 0);

  /* 09:30 on Monday in Tokyo is still Sunday in UTC. */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T00:30:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T23:59:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T07:59:59Z")));
  /* The end is exclusive. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T08:00:00Z")));
  /* Monday 09:30 UTC is Monday 18:30 in Tokyo. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T09:30:00Z")));
}

static void
test_los_angeles (void)
{
  g_autoptr(GTimeZone) tz = zone ("America/Los_Angeles");
  g_autoptr(VzScheduleRule) rule = rule_new ("a", "p", MON, HM (9, 0), HM (17, 0), 0);

  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T16:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T15:59:00Z")));
  /* Monday 23:30 UTC is Monday 16:30 PDT; Tuesday 00:30 UTC is Monday 17:30. */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T23:30:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T00:30:00Z")));
  /* In winter the same window is an hour later in UTC (PST). */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-01-05T16:30:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-01-05T17:00:00Z")));
}

static void
test_kolkata_past_midnight (void)
{
  g_autoptr(GTimeZone) tz = zone ("Asia/Kolkata");
  g_autoptr(VzScheduleRule) rule = rule_new ("night", "p", VZ_SCHEDULE_EVERY_DAY, HM (22, 0),
                                             HM (6, 0), 0);

  /* UTC+05:30: 22:00 IST is 16:30 UTC, 06:00 IST is 00:30 UTC. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T16:29:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T16:30:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-30T20:00:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T00:29:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T00:30:00Z")));
}

/* A window past midnight belongs to the day it starts on: Friday's runs into
 * Saturday morning, and Thursday's (not selected) does not reach Friday. */
static void
test_past_midnight_weekday (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(VzScheduleRule) rule = rule_new ("late", "p", FRI, HM (22, 0), HM (2, 0), 0);

  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T23:00:00Z")));  /* Fri */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-04T01:59:00Z")));  /* Sat */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-04T02:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-04T23:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T01:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T21:59:00Z")));

  /* Saturday's window runs into Sunday, across the end of the week. */
  rule->days = SAT;
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-05T01:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T23:00:00Z")));
}

static void
test_all_day (void)
{
  g_autoptr(GTimeZone) tz = zone ("Asia/Tokyo");
  g_autoptr(VzScheduleRule) rule = rule_new ("sun", "p", SUN, VZ_SCHEDULE_NO_TIME,
                                             VZ_SCHEDULE_NO_TIME, 0);

  /* Sunday 2026-03-29 in Tokyo: 2026-03-28T15:00Z to 2026-03-29T15:00Z. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-28T14:59:59Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-28T15:00:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T14:59:59Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T15:00:00Z")));

  /* Equal start and end, or only one of them, is the whole day too. */
  rule->start_time = rule->end_time = HM (8, 0);
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-28T15:00:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T14:59:59Z")));
  rule->end_time = VZ_SCHEDULE_NO_TIME;
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-28T15:00:00Z")));
}

static void
test_date_range (void)
{
  g_autoptr(GTimeZone) tz = zone ("Asia/Tokyo");
  g_autoptr(VzScheduleRule) rule = rule_new ("april", "p", VZ_SCHEDULE_EVERY_DAY,
                                             VZ_SCHEDULE_NO_TIME, VZ_SCHEDULE_NO_TIME, 0);

  rule->start_day = day_of ("2026-04-01");
  rule->end_day = day_of ("2026-04-03");
  /* The days are the screen's: 1 April starts at 15:00 UTC on 31 March. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T14:59:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T15:00:00Z")));
  /* The end day is included, to its last minute. */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T14:59:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T15:00:00Z")));

  /* A window past midnight that opens on the end day runs to its end; the
   * one that opened the evening before the start day does not play. */
  rule->start_time = HM (22, 0);
  rule->end_time = HM (2, 0);
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-03T16:00:00Z")));  /* 4 Apr 01:00 */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-04-04T14:00:00Z"))); /* 4 Apr 23:00 */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T16:00:00Z"))); /* 1 Apr 01:00 */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-04-01T13:00:00Z")));  /* 1 Apr 22:00 */

  /* Open at either end. */
  rule->start_day = VZ_SCHEDULE_NO_START_DAY;
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-31T16:00:00Z")));
  rule->end_day = VZ_SCHEDULE_NO_END_DAY;
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2030-01-01T14:00:00Z")));
}

static void
test_priority_and_ties (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *low = rule_new ("low", "p-low", VZ_SCHEDULE_EVERY_DAY, HM (8, 0), HM (18, 0), 1);
  VzScheduleRule *high = rule_new ("high", "p-high", WEEKDAYS, HM (12, 0), HM (14, 0), 5);
  VzScheduleRule *twin = rule_new ("twin", "p-twin", WEEKDAYS, HM (12, 0), HM (13, 0), 5);
  gint64 noon = at ("2026-03-30T12:30:00Z");

  low->created_at = 300;
  high->created_at = 100;
  twin->created_at = 200;
  g_ptr_array_add (rules, low);
  g_ptr_array_add (rules, high);
  /* The highest priority wins whatever its age. */
  g_assert_true (vz_schedule_decide (rules, tz, noon) == high);
  g_assert_true (vz_schedule_decide (rules, tz, at ("2026-03-30T09:00:00Z")) == low);
  g_assert_null (vz_schedule_decide (rules, tz, at ("2026-03-30T19:00:00Z")));

  /* Equal priority: the newer wins, wherever it is in the list. */
  g_ptr_array_add (rules, twin);
  g_assert_true (vz_schedule_decide (rules, tz, noon) == twin);
  twin->created_at = 50;
  g_assert_true (vz_schedule_decide (rules, tz, noon) == high);
  /* Equal age too: the id decides, so every evaluator agrees. */
  twin->created_at = 100;
  g_assert_true (vz_schedule_decide (rules, tz, noon) == twin);
  g_assert_true (vz_schedule_rule_beats (twin, high));
  g_assert_false (vz_schedule_rule_beats (high, twin));
}

static void
test_group_against_screen (void)
{
  g_autoptr(GTimeZone) tz = zone ("Europe/Berlin");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *own = rule_new ("own", "p-own", VZ_SCHEDULE_EVERY_DAY, HM (9, 0), HM (17, 0), 3);
  VzScheduleRule *group = rule_new ("group", "p-group", VZ_SCHEDULE_EVERY_DAY, HM (12, 0),
                                    HM (13, 0), 5);
  gint64 noon = at ("2026-06-01T12:15:00+02:00");

  vz_schedule_rule_set_group (group, "lobby");
  g_assert_null (group->display_id);
  own->created_at = 20;
  group->created_at = 10;
  g_ptr_array_add (rules, own);
  g_ptr_array_add (rules, group);
  /* Being the screen's own schedule gives no precedence: priority decides. */
  g_assert_true (vz_schedule_decide (rules, tz, noon) == group);
  g_assert_true (vz_schedule_decide (rules, tz, at ("2026-06-01T13:00:00+02:00")) == own);
  /* At equal priority the newer wins, the screen's here. */
  group->priority = 3;
  g_assert_true (vz_schedule_decide (rules, tz, noon) == own);
  group->created_at = 30;
  g_assert_true (vz_schedule_decide (rules, tz, noon) == group);
}

static void
test_inactive_ignored (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *base = rule_new ("base", "p-base", VZ_SCHEDULE_EVERY_DAY, VZ_SCHEDULE_NO_TIME,
                                   VZ_SCHEDULE_NO_TIME, 0);
  VzScheduleRule *off = rule_new ("off", "p-off", VZ_SCHEDULE_EVERY_DAY, VZ_SCHEDULE_NO_TIME,
                                  VZ_SCHEDULE_NO_TIME, 10);
  gint64 now = at ("2026-03-30T12:00:00Z");
  g_autoptr(GArray) spans = NULL;

  off->is_active = FALSE;
  g_ptr_array_add (rules, base);
  g_ptr_array_add (rules, off);
  g_assert_true (vz_schedule_decide (rules, tz, now) == base);
  g_assert_false (vz_schedule_rule_is_on (off, tz, now));
  spans = vz_schedule_spans (rules, "p-default", tz, now, now + 86400);
  g_assert_cmpuint (spans->len, ==, 1);
  g_assert_true (g_array_index (spans, VzScheduleSpan, 0).rule == base);

  base->is_active = FALSE;
  g_assert_null (vz_schedule_decide (rules, tz, now));
}

#define SPAN(i) (&g_array_index (spans, VzScheduleSpan, (i)))

static void
test_spans_week (void)
{
  g_autoptr(GTimeZone) tz = zone ("America/Los_Angeles");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *breakfast = rule_new ("breakfast", "p-breakfast", WEEKDAYS, HM (8, 0), HM (12, 0), 5);
  VzScheduleRule *lunch = rule_new ("lunch", "p-lunch", VZ_SCHEDULE_EVERY_DAY, HM (11, 0), HM (14, 0), 3);
  /* Sunday 29 March to Sunday 5 April 2026, in Los Angeles (PDT). */
  gint64 from = at ("2026-03-29T00:00:00-07:00");
  gint64 to = at ("2026-04-05T00:00:00-07:00");
  g_autoptr(GArray) spans = NULL;

  g_ptr_array_add (rules, breakfast);
  g_ptr_array_add (rules, lunch);
  spans = vz_schedule_spans (rules, "p-default", tz, from, to);

  /* Sunday: default, lunch, default to Monday 08:00; each weekday:
   * breakfast, lunch (from 12:00), default to the next morning; Saturday:
   * lunch, default. */
  g_assert_cmpuint (spans->len, ==, 3 + 5 * 3 + 2);
  g_assert_cmpint (SPAN (0)->start, ==, from);
  g_assert_null (SPAN (0)->rule);
  g_assert_cmpstr (SPAN (0)->playlist_id, ==, "p-default");
  g_assert_cmpint (SPAN (0)->end, ==, at ("2026-03-29T11:00:00-07:00"));
  g_assert_true (SPAN (1)->rule == lunch);
  g_assert_cmpint (SPAN (1)->end, ==, at ("2026-03-29T14:00:00-07:00"));
  g_assert_null (SPAN (2)->rule);
  g_assert_cmpint (SPAN (2)->end, ==, at ("2026-03-30T08:00:00-07:00"));
  g_assert_true (SPAN (3)->rule == breakfast);
  g_assert_cmpstr (SPAN (3)->playlist_id, ==, "p-breakfast");
  g_assert_cmpint (SPAN (3)->end, ==, at ("2026-03-30T12:00:00-07:00"));
  g_assert_true (SPAN (4)->rule == lunch);
  g_assert_cmpint (SPAN (4)->end, ==, at ("2026-03-30T14:00:00-07:00"));
  g_assert_cmpint (SPAN (spans->len - 1)->end, ==, to);
  for (guint i = 1; i < spans->len; i++)
    {
      g_assert_cmpint (SPAN (i)->start, ==, SPAN (i - 1)->end);
      g_assert_true (SPAN (i)->rule != SPAN (i - 1)->rule);
    }
}

static void
test_spans_join_days (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  gint64 from = at ("2026-03-29T00:00:00Z");
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GArray) none = NULL;

  /* Sunday to Tuesday all day, and a window from Tuesday night that wins:
   * the days make one span, the night one more across midnight. */
  g_ptr_array_add (rules, rule_new ("weekend", "p1", SUN | MON | TUE, VZ_SCHEDULE_NO_TIME,
                                    VZ_SCHEDULE_NO_TIME, 0));
  g_ptr_array_add (rules, rule_new ("night", "p2", TUE, HM (23, 0), HM (1, 0), 1));
  spans = vz_schedule_spans (rules, NULL, tz, from, from + 7 * 86400);
  g_assert_cmpuint (spans->len, ==, 3);
  g_assert_true (SPAN (0)->rule == g_ptr_array_index (rules, 0));
  g_assert_cmpint (SPAN (0)->end, ==, at ("2026-03-31T23:00:00Z"));
  g_assert_true (SPAN (1)->rule == g_ptr_array_index (rules, 1));
  g_assert_cmpint (SPAN (1)->end, ==, at ("2026-04-01T01:00:00Z"));
  g_assert_null (SPAN (2)->rule);
  g_assert_null (SPAN (2)->playlist_id);
  g_assert_cmpint (SPAN (2)->end, ==, from + 7 * 86400);

  /* When the night one loses, it plays only after the days end. */
  ((VzScheduleRule *) g_ptr_array_index (rules, 1))->priority = -1;
  g_array_unref (spans);
  spans = vz_schedule_spans (rules, NULL, tz, from, from + 7 * 86400);
  g_assert_cmpuint (spans->len, ==, 3);
  g_assert_cmpint (SPAN (0)->end, ==, at ("2026-04-01T00:00:00Z"));
  g_assert_true (SPAN (1)->rule == g_ptr_array_index (rules, 1));
  g_assert_cmpint (SPAN (1)->end, ==, at ("2026-04-01T01:00:00Z"));

  /* A range that starts inside a window starts with it; an empty range is empty. */
  g_array_unref (spans);
  spans = vz_schedule_spans (rules, NULL, tz, at ("2026-04-01T00:30:00Z"), at ("2026-04-01T02:00:00Z"));
  g_assert_cmpuint (spans->len, ==, 2);
  g_assert_true (SPAN (0)->rule == g_ptr_array_index (rules, 1));
  none = vz_schedule_spans (rules, NULL, tz, from, from);
  g_assert_cmpuint (none->len, ==, 0);
}

#define OVERLAP(i) (&g_array_index (overlaps, VzScheduleOverlap, (i)))

static void
test_conflicts (void)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(VzScheduleRule) breakfast = rule_new ("breakfast", "p1", WEEKDAYS, HM (8, 0), HM (12, 0), 5);
  VzScheduleRule *lunch = rule_new ("lunch", "p2", VZ_SCHEDULE_EVERY_DAY, HM (11, 0), HM (14, 0), 3);
  VzScheduleRule *evening = rule_new ("evening", "p3", WEEKDAYS, HM (18, 0), HM (20, 0), 9);
  g_autoptr(GArray) overlaps = NULL;

  g_ptr_array_add (others, lunch);
  g_ptr_array_add (others, evening);
  overlaps = vz_schedule_conflicts (breakfast, others);
  /* "Weekdays 11:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)" */
  g_assert_cmpuint (overlaps->len, ==, 1);
  g_assert_true (OVERLAP (0)->other == lunch);
  g_assert_cmpuint (OVERLAP (0)->days, ==, WEEKDAYS);
  g_assert_cmpint (OVERLAP (0)->start_minute, ==, HM (11, 0));
  g_assert_cmpint (OVERLAP (0)->end_minute, ==, HM (12, 0));
  g_assert_true (OVERLAP (0)->proposed_wins);

  /* Lunch proposed against breakfast: lunch loses. */
  g_array_unref (overlaps);
  g_ptr_array_add (others, vz_schedule_rule_copy (breakfast));
  overlaps = vz_schedule_conflicts (lunch, others);
  g_assert_cmpuint (overlaps->len, ==, 1);
  g_assert_cmpstr (OVERLAP (0)->other->id, ==, "breakfast");
  g_assert_false (OVERLAP (0)->proposed_wins);

  /* The schedule itself (an edit), inactive ones and other dates are no conflict. */
  g_array_unref (overlaps);
  lunch->is_active = FALSE;
  overlaps = vz_schedule_conflicts (breakfast, others);
  g_assert_cmpuint (overlaps->len, ==, 0);
  lunch->is_active = TRUE;
  lunch->end_day = day_of ("2026-03-31");
  breakfast->start_day = day_of ("2026-04-01");
  g_array_unref (overlaps);
  overlaps = vz_schedule_conflicts (breakfast, others);
  g_assert_cmpuint (overlaps->len, ==, 0);
  /* The end day counts: one shared day is enough. */
  lunch->end_day = day_of ("2026-04-01");
  g_array_unref (overlaps);
  overlaps = vz_schedule_conflicts (breakfast, others);
  g_assert_cmpuint (overlaps->len, ==, 1);
}

static void
test_conflicts_past_midnight (void)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(VzScheduleRule) late = rule_new ("late", "p1", FRI | SAT, HM (22, 0), HM (2, 0), 1);
  VzScheduleRule *saturday = rule_new ("saturday", "p2", SAT, VZ_SCHEDULE_NO_TIME, VZ_SCHEDULE_NO_TIME, 1);
  VzScheduleRule *sunday = rule_new ("sunday", "p3", SUN, HM (0, 30), HM (1, 0), 1);
  g_autoptr(GArray) overlaps = NULL;

  late->created_at = 10;
  saturday->created_at = 5;
  sunday->created_at = 20;
  g_ptr_array_add (others, saturday);
  g_ptr_array_add (others, sunday);
  overlaps = vz_schedule_conflicts (late, others);
  /* With Saturday: Friday night's window after midnight and Saturday's own
   * window to midnight; with Sunday: Saturday night's, across the week's end. */
  g_assert_cmpuint (overlaps->len, ==, 3);
  g_assert_true (OVERLAP (0)->other == saturday);
  g_assert_cmpuint (OVERLAP (0)->days, ==, SAT);
  g_assert_cmpint (OVERLAP (0)->start_minute, ==, 0);
  g_assert_cmpint (OVERLAP (0)->end_minute, ==, HM (2, 0));
  g_assert_true (OVERLAP (0)->proposed_wins);
  g_assert_cmpuint (OVERLAP (1)->days, ==, SAT);
  g_assert_cmpint (OVERLAP (1)->start_minute, ==, HM (22, 0));
  g_assert_cmpint (OVERLAP (1)->end_minute, ==, HM (24, 0));
  g_assert_true (OVERLAP (2)->other == sunday);
  g_assert_cmpuint (OVERLAP (2)->days, ==, SUN);
  g_assert_cmpint (OVERLAP (2)->start_minute, ==, HM (0, 30));
  g_assert_cmpint (OVERLAP (2)->end_minute, ==, HM (1, 0));
  g_assert_false (OVERLAP (2)->proposed_wins);
}

static void
test_conflicts_join_midnight (void)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(VzScheduleRule) late = rule_new ("late", "p1", MON, HM (22, 0), HM (2, 0), 1);
  g_autoptr(VzScheduleRule) always = rule_new ("always", "p1", VZ_SCHEDULE_EVERY_DAY,
                                               VZ_SCHEDULE_NO_TIME, VZ_SCHEDULE_NO_TIME, 1);
  g_autoptr(GArray) overlaps = NULL;

  /* Monday night is one overlap of four hours, not two pieces. */
  g_ptr_array_add (others, rule_new ("days", "p2", MON | TUE, VZ_SCHEDULE_NO_TIME,
                                     VZ_SCHEDULE_NO_TIME, 1));
  overlaps = vz_schedule_conflicts (late, others);
  g_assert_cmpuint (overlaps->len, ==, 1);
  g_assert_cmpuint (OVERLAP (0)->days, ==, MON);
  g_assert_cmpint (OVERLAP (0)->start_minute, ==, HM (22, 0));
  g_assert_cmpint (OVERLAP (0)->end_minute, ==, HM (26, 0));

  /* Whole days stay days: every day, all day. */
  g_array_unref (overlaps);
  g_ptr_array_add (others, rule_new ("every", "p2", VZ_SCHEDULE_EVERY_DAY, VZ_SCHEDULE_NO_TIME,
                                     VZ_SCHEDULE_NO_TIME, 1));
  g_ptr_array_remove_index (others, 0);
  overlaps = vz_schedule_conflicts (always, others);
  g_assert_cmpuint (overlaps->len, ==, 1);
  g_assert_cmpuint (OVERLAP (0)->days, ==, VZ_SCHEDULE_EVERY_DAY);
  g_assert_cmpint (OVERLAP (0)->start_minute, ==, 0);
  g_assert_cmpint (OVERLAP (0)->end_minute, ==, VZ_SCHEDULE_MINUTES_PER_DAY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule/days", test_days);
  g_test_add_func ("/schedule/zone/tokyo", test_tokyo);
  g_test_add_func ("/schedule/zone/los-angeles", test_los_angeles);
  g_test_add_func ("/schedule/zone/kolkata-past-midnight", test_kolkata_past_midnight);
  g_test_add_func ("/schedule/past-midnight-weekday", test_past_midnight_weekday);
  g_test_add_func ("/schedule/all-day", test_all_day);
  g_test_add_func ("/schedule/date-range", test_date_range);
  g_test_add_func ("/schedule/priority-and-ties", test_priority_and_ties);
  g_test_add_func ("/schedule/group-against-screen", test_group_against_screen);
  g_test_add_func ("/schedule/inactive-ignored", test_inactive_ignored);
  g_test_add_func ("/schedule/spans/week", test_spans_week);
  g_test_add_func ("/schedule/spans/join-days", test_spans_join_days);
  g_test_add_func ("/schedule/conflicts/words", test_conflicts);
  g_test_add_func ("/schedule/conflicts/past-midnight", test_conflicts_past_midnight);
  g_test_add_func ("/schedule/conflicts/join-midnight", test_conflicts_join_midnight);
  schedule_add_dst_tests ();

  return g_test_run ();
}
