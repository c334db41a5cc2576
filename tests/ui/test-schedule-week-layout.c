/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-week-layout"

#include "vz-schedule-week-layout.h"

/*
 * Where the week view puts schedules (no window needed): the pieces of a
 * window past midnight, the Sunday evening of the week before running into
 * Monday, pieces side by side where they share time, dates, and which one
 * plays where, as the shared evaluator decides.
 */

/* 2026-11-30, a Monday. */
static gint32
monday (void)
{
  gint32 day = 0;

  g_assert_true (vz_schedule_parse_day ("2026-11-30", &day));
  return day;
}

static VzScheduleRule *
rule (const char *id,
      guint8      days,
      int         start,
      int         end,
      int         priority)
{
  VzScheduleRule *r = vz_schedule_rule_new (id, "playlist");

  vz_schedule_rule_set_display (r, "screen");
  r->days = days;
  r->start_time = start;
  r->end_time = end;
  r->priority = priority;
  r->created_at = 1;
  return r;
}

/* The pieces as "rule:column:start-end:lane/lanes:won_start-won_end", " " between. */
static char *
describe (VzWeekLayout *layout,
          GPtrArray    *rules)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < layout->pieces->len; i++)
    {
      const VzWeekPiece *p = &g_array_index (layout->pieces, VzWeekPiece, i);

      g_string_append_printf (text, "%s%s:%u:%d-%d:%u/%u:%d-%d%s", i > 0 ? " " : "",
                              ((VzScheduleRule *) g_ptr_array_index (rules, p->rule))->id, p->column,
                              p->start_minute, p->end_minute, p->lane, p->n_lanes, p->won_start, p->won_end,
                              p->wins_all ? "!" : "");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_weekday (void)
{
  g_assert_cmpuint (vz_week_weekday (monday ()), ==, 1);
  g_assert_cmpint (vz_week_monday (monday () + 6), ==, monday ());
  g_assert_cmpint (vz_week_monday (monday () + 7), ==, monday () + 7);
  g_assert_cmpint (vz_week_monday (monday () - 1), ==, monday () - 7);
}

static void
test_past_midnight (void)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(VzWeekLayout) layout = NULL;
  g_autofree char *text = NULL;

  /* Friday and Sunday 22:00–02:00: Friday's runs into Saturday; Sunday's
   * into the next Monday, and the Sunday before runs into this Monday. */
  g_ptr_array_add (rules, rule ("late", (1 << 5) | (1 << 0), 22 * 60, 2 * 60, 1));
  layout = vz_week_layout_new (rules, tz, monday ());
  text = describe (layout, rules);
  g_assert_cmpstr (text, ==,
                   "late:0:0-120:0/1:0-120! late:4:1320-1440:0/1:1320-1440! late:5:0-120:0/1:0-120! "
                   "late:6:1320-1440:0/1:1320-1440!");
  g_assert_true (g_array_index (layout->pieces, VzWeekPiece, 0).continued);
  g_assert_cmpint (g_array_index (layout->pieces, VzWeekPiece, 0).close_minute, ==, 1440 + 120);
}

static void
test_overlap_and_winner (void)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(VzWeekLayout) layout = NULL;
  g_autofree char *text = NULL;
  VzScheduleRule *off;

  /* Monday: Breakfast 08–12 (5) over Lunch 10–14 (3); Tea 15–16 alone;
   * an inactive one laid out but never playing; one whose dates end
   * before the week does not show. */
  g_ptr_array_add (rules, rule ("lunch", 1 << 1, 10 * 60, 14 * 60, 3));
  g_ptr_array_add (rules, rule ("breakfast", 1 << 1, 8 * 60, 12 * 60, 5));
  g_ptr_array_add (rules, rule ("tea", 1 << 1, 15 * 60, 16 * 60, 1));
  off = rule ("off", 1 << 1, 15 * 60, 15 * 60 + 30, 9);
  off->is_active = FALSE;
  g_ptr_array_add (rules, off);
  g_ptr_array_add (rules, rule ("over", 1 << 1, 0, 0, 9));
  ((VzScheduleRule *) g_ptr_array_index (rules, 4))->end_day = monday () - 1;
  layout = vz_week_layout_new (rules, tz, monday ());
  text = describe (layout, rules);
  g_assert_cmpstr (text, ==,
                   "breakfast:0:480-720:0/2:480-720! lunch:0:600-840:1/2:720-840 "
                   "tea:0:900-960:0/2:900-960! off:0:900-930:1/2:-1--1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/schedule-week/weekday", test_weekday);
  g_test_add_func ("/schedule-week/past-midnight", test_past_midnight);
  g_test_add_func ("/schedule-week/overlap-and-winner", test_overlap_and_winner);
  return g_test_run ();
}
