/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "schedule-test-util.h"

/*
 * Days with a clock change, on the wall clock: a time the clock skips
 * starts at the end of the gap, a time it repeats means its first
 * occurrence, and a window is one stretch of time from its start to its end.
 */

static void
assert_one_span (GPtrArray  *rules,
                 GTimeZone  *tz,
                 const char *from,
                 const char *to,
                 const char *expected_start,
                 const char *expected_end)
{
  g_autoptr(GArray) spans = vz_schedule_spans (rules, "default", tz, at (from), at (to));
  const VzScheduleSpan *span;

  g_assert_cmpuint (spans->len, ==, 3);
  span = &g_array_index (spans, VzScheduleSpan, 1);
  g_assert_true (span->rule == g_ptr_array_index (rules, 0));
  g_assert_cmpint (span->start, ==, at (expected_start));
  g_assert_cmpint (span->end, ==, at (expected_end));
  g_assert_null (g_array_index (spans, VzScheduleSpan, 0).rule);
  g_assert_null (g_array_index (spans, VzScheduleSpan, 2).rule);
}

static gboolean
never_plays (VzScheduleRule *rule,
             GTimeZone      *tz,
             const char     *from,
             const char     *to)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();
  g_autoptr(GArray) spans = NULL;

  g_ptr_array_add (rules, rule);
  spans = vz_schedule_spans (rules, "default", tz, at (from), at (to));
  return spans->len == 1 && g_array_index (spans, VzScheduleSpan, 0).rule == NULL;
}

/* Berlin, Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC. */
static void
test_berlin_spring (void)
{
  g_autoptr(GTimeZone) tz = zone ("Europe/Berlin");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *rule = rule_new ("a", "p", SUN, HM (2, 30), HM (4, 0), 0);
  g_autoptr(VzScheduleRule) skipped = rule_new ("b", "p", SUN, HM (2, 0), HM (2, 30), 0);

  g_ptr_array_add (rules, rule);
  /* 02:30 does not exist that night: the window starts at 03:00 CEST. */
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T00:59:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T01:00:00Z")));
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T01:59:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-03-29T02:00:00Z")));
  assert_one_span (rules, tz, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
                   "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00");

  /* A window wholly inside the skipped hour does not play. */
  g_assert_true (never_plays (skipped, tz, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z"));
  g_assert_false (vz_schedule_rule_is_on (skipped, tz, at ("2026-03-29T01:00:00Z")));

  /* Half in it: 01:30 CET to 03:00 CEST, half an hour. */
  rule->start_time = HM (1, 30);
  rule->end_time = HM (2, 30);
  assert_one_span (rules, tz, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
                   "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z");

  /* The whole day is 23 hours long. */
  rule->start_time = rule->end_time = VZ_SCHEDULE_NO_TIME;
  assert_one_span (rules, tz, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
                   "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00");

  /* Saturday 23:00 to Sunday 03:00 past midnight: three hours. */
  rule->days = SAT;
  rule->start_time = HM (23, 0);
  rule->end_time = HM (3, 0);
  assert_one_span (rules, tz, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
                   "2026-03-28T22:00:00Z", "2026-03-29T01:00:00Z");
}

/* Berlin, Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC,
 * so 02:00–03:00 comes twice. */
static void
test_berlin_autumn (void)
{
  g_autoptr(GTimeZone) tz = zone ("Europe/Berlin");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *rule = rule_new ("a", "p", SUN, HM (2, 30), HM (2, 45), 0);

  g_ptr_array_add (rules, rule);
  /* The first 02:30, in summer time, only. */
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-10-25T02:35:00+02:00")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-10-25T02:35:00+01:00")));
  assert_one_span (rules, tz, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
                   "2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00");

  /* From the first 02:30 to 03:30: the window runs through the repeated hour. */
  rule->end_time = HM (3, 30);
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-10-25T02:35:00+01:00")));
  assert_one_span (rules, tz, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
                   "2026-10-25T02:30:00+02:00", "2026-10-25T03:30:00+01:00");

  /* The whole day is 25 hours long. */
  rule->start_time = rule->end_time = VZ_SCHEDULE_NO_TIME;
  assert_one_span (rules, tz, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
                   "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00");
}

/* New York, Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00 UTC. */
static void
test_new_york_spring (void)
{
  g_autoptr(GTimeZone) tz = zone ("America/New_York");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *rule = rule_new ("a", "p", SUN, HM (1, 30), HM (3, 30), 0);
  g_autoptr(VzScheduleRule) skipped = rule_new ("b", "p", SUN, HM (2, 15), HM (2, 45), 0);

  g_ptr_array_add (rules, rule);
  assert_one_span (rules, tz, "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z",
                   "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00");
  g_assert_true (never_plays (skipped, tz, "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z"));

  /* A window that starts in the gap starts when the clock reads 03:00. */
  rule->start_time = HM (2, 30);
  rule->end_time = HM (5, 0);
  assert_one_span (rules, tz, "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z",
                   "2026-03-08T03:00:00-04:00", "2026-03-08T05:00:00-04:00");
}

/* New York, Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST at 06:00 UTC,
 * so 01:00–02:00 comes twice. */
static void
test_new_york_autumn (void)
{
  g_autoptr(GTimeZone) tz = zone ("America/New_York");
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  VzScheduleRule *rule = rule_new ("a", "p", SUN, HM (1, 0), HM (1, 30), 0);

  g_ptr_array_add (rules, rule);
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-11-01T01:10:00-04:00")));
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-11-01T01:10:00-05:00")));
  assert_one_span (rules, tz, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
                   "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00");

  /* Saturday night to the first 01:30: it does not start again at the
   * second 01:00. */
  rule->days = SAT;
  rule->start_time = HM (22, 0);
  assert_one_span (rules, tz, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
                   "2026-10-31T22:00:00-04:00", "2026-11-01T01:30:00-04:00");
  g_assert_false (vz_schedule_rule_is_on (rule, tz, at ("2026-11-01T01:10:00-05:00")));

  /* From the first 01:30 to 03:00 EST: two and a half hours. */
  rule->days = SUN;
  rule->start_time = HM (1, 30);
  rule->end_time = HM (3, 0);
  g_assert_true (vz_schedule_rule_is_on (rule, tz, at ("2026-11-01T01:15:00-05:00")));
  assert_one_span (rules, tz, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
                   "2026-11-01T05:30:00Z", "2026-11-01T08:00:00Z");

  rule->start_time = rule->end_time = VZ_SCHEDULE_NO_TIME;
  assert_one_span (rules, tz, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
                   "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00");
}

void
schedule_add_dst_tests (void)
{
  g_test_add_func ("/schedule/dst/berlin-spring", test_berlin_spring);
  g_test_add_func ("/schedule/dst/berlin-autumn", test_berlin_autumn);
  g_test_add_func ("/schedule/dst/new-york-spring", test_new_york_spring);
  g_test_add_func ("/schedule/dst/new-york-autumn", test_new_york_autumn);
}
