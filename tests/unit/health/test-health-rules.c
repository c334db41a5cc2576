/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-health-rules"

#include <math.h>

#include "vz-health-rules.h"

/*
 * The health rules on their own: thresholds (just over raises, at the
 * threshold does not), CPU's three beats in a row, resolving when the
 * condition ends, never raising an open alert twice, unknown readings, and
 * the offline rule's silence.
 */

static VzHealthSample
sample (double cpu,
        double memory,
        double disk,
        double temperature)
{
  return (VzHealthSample) { cpu, memory, disk, temperature };
}

static const VzHealthSample calm = { 20, 40, 50, 45 };

static guint
beat (VzHealthState   *state,
      VzHealthSample   s,
      VzHealthChange  *changes)
{
  return vz_health_rules_heartbeat (state, &s, changes);
}

static void
test_thresholds (void)
{
  static const struct {
    VzHealthRule     rule;
    VzHealthSample   at;      /* exactly at the threshold: no alert */
    VzHealthSample   over;    /* just over: an alert */
    double           value;
    double           threshold;
    VzHealthSeverity severity;
  } cases[] = {
    { VZ_HEALTH_RULE_MEMORY, { 20, 90, 50, 45 }, { 20, 90.1, 50, 45 }, 90.1, 90, VZ_HEALTH_WARNING },
    { VZ_HEALTH_RULE_DISK, { 20, 40, 95, 45 }, { 20, 40, 95.1, 45 }, 95.1, 95, VZ_HEALTH_CRITICAL },
    { VZ_HEALTH_RULE_TEMPERATURE, { 20, 40, 50, 80 }, { 20, 40, 50, 80.5 }, 80.5, 80, VZ_HEALTH_CRITICAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VzHealthState state = { 0, };
      VzHealthChange changes[VZ_HEALTH_N_RULES];

      g_assert_cmpuint (vz_health_rules_heartbeat (&state, &cases[i].at, changes), ==, 0);
      g_assert_cmpuint (state.open, ==, 0);
      g_assert_cmpuint (vz_health_rules_heartbeat (&state, &cases[i].over, changes), ==, 1);
      g_assert_cmpint (changes[0].rule, ==, cases[i].rule);
      g_assert_true (changes[0].raise);
      g_assert_cmpfloat (changes[0].value, ==, cases[i].value);
      g_assert_cmpfloat (changes[0].threshold, ==, cases[i].threshold);
      g_assert_cmpint (vz_health_rule_severity (cases[i].rule), ==, cases[i].severity);
      g_assert_true (vz_health_state_is_open (&state, cases[i].rule));
    }
  g_assert_cmpint (vz_health_rule_severity (VZ_HEALTH_RULE_CPU), ==, VZ_HEALTH_WARNING);
  g_assert_cmpint (vz_health_rule_severity (VZ_HEALTH_RULE_OFFLINE), ==, VZ_HEALTH_CRITICAL);
}

static void
test_cpu_consecutive (void)
{
  VzHealthState state = { 0, };
  VzHealthChange changes[VZ_HEALTH_N_RULES];

  /* Two beats over, one under: the count starts again. */
  g_assert_cmpuint (beat (&state, sample (95, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (97, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (90, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (91, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (92, 40, 50, 45), changes), ==, 0);
  g_assert_false (vz_health_state_is_open (&state, VZ_HEALTH_RULE_CPU));

  /* The third in a row raises it, with the third reading. */
  g_assert_cmpuint (beat (&state, sample (93.5, 40, 50, 45), changes), ==, 1);
  g_assert_cmpint (changes[0].rule, ==, VZ_HEALTH_RULE_CPU);
  g_assert_true (changes[0].raise);
  g_assert_cmpfloat (changes[0].value, ==, 93.5);
  g_assert_cmpfloat (changes[0].threshold, ==, 90);

  /* A beat with no CPU reading neither resolves nor counts. */
  g_assert_cmpuint (beat (&state, sample (NAN, 40, 50, 45), changes), ==, 0);
  g_assert_true (vz_health_state_is_open (&state, VZ_HEALTH_RULE_CPU));

  /* The first beat under resolves it. */
  g_assert_cmpuint (beat (&state, sample (30, 40, 50, 45), changes), ==, 1);
  g_assert_cmpint (changes[0].rule, ==, VZ_HEALTH_RULE_CPU);
  g_assert_false (changes[0].raise);
  g_assert_cmpfloat (changes[0].value, ==, 30);
  g_assert_false (vz_health_state_is_open (&state, VZ_HEALTH_RULE_CPU));

  /* And it takes three beats over again to raise it again. */
  g_assert_cmpuint (beat (&state, sample (99, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (99, 40, 50, 45), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (99, 40, 50, 45), changes), ==, 1);
}

static void
test_no_duplicates (void)
{
  VzHealthState state = { 0, };
  VzHealthChange changes[VZ_HEALTH_N_RULES];
  VzHealthChange change;

  /* Everything over at once: one alert per rule, once (CPU at the third beat). */
  g_assert_cmpuint (beat (&state, sample (99, 99, 99, 99), changes), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (changes[i].raise && changes[i].rule != VZ_HEALTH_RULE_CPU);
  g_assert_cmpuint (beat (&state, sample (99, 99, 99, 99), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (99, 99, 99, 99), changes), ==, 1);
  g_assert_true (changes[0].raise && changes[0].rule == VZ_HEALTH_RULE_CPU);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (beat (&state, sample (99, 99, 99, 99), changes), ==, 0);

  /* An alert read back from storage is open: not raised again. */
  state = (VzHealthState) { 0, };
  vz_health_state_set_open (&state, VZ_HEALTH_RULE_TEMPERATURE);
  vz_health_state_set_open (&state, VZ_HEALTH_RULE_OFFLINE);
  g_assert_cmpuint (beat (&state, sample (20, 40, 50, 85), changes), ==, 1);
  g_assert_cmpint (changes[0].rule, ==, VZ_HEALTH_RULE_OFFLINE);
  g_assert_false (changes[0].raise);
  g_assert_true (vz_health_state_is_open (&state, VZ_HEALTH_RULE_TEMPERATURE));

  /* Offline: raised once however long the silence lasts. */
  state = (VzHealthState) { 0, };
  g_assert_true (vz_health_rules_link (&state, FALSE, 121, 120, &change));
  g_assert_false (vz_health_rules_link (&state, FALSE, 500, 120, &change));
  g_assert_false (vz_health_rules_link (&state, FALSE, 86400, 120, &change));
}

static void
test_resolve (void)
{
  VzHealthState state = { 0, };
  VzHealthChange changes[VZ_HEALTH_N_RULES];
  gboolean seen[VZ_HEALTH_N_RULES] = { FALSE, };
  guint n;

  for (guint i = 0; i < 3; i++)
    beat (&state, sample (99, 95, 97, 90), changes);
  g_assert_cmpuint (state.open, ==, (1u << VZ_HEALTH_RULE_CPU) | (1u << VZ_HEALTH_RULE_MEMORY) |
                                    (1u << VZ_HEALTH_RULE_DISK) | (1u << VZ_HEALTH_RULE_TEMPERATURE));

  /* Only the memory ends. */
  n = beat (&state, sample (99, 60, 97, 90), changes);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (changes[0].rule, ==, VZ_HEALTH_RULE_MEMORY);
  g_assert_false (changes[0].raise);

  /* The rest end together. */
  n = beat (&state, calm, changes);
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < n; i++)
    {
      g_assert_false (changes[i].raise);
      seen[changes[i].rule] = TRUE;
    }
  g_assert_true (seen[VZ_HEALTH_RULE_CPU] && seen[VZ_HEALTH_RULE_DISK] && seen[VZ_HEALTH_RULE_TEMPERATURE]);
  g_assert_cmpuint (state.open, ==, 0);
  g_assert_cmpuint (beat (&state, calm, changes), ==, 0);
}

static void
test_unknown_readings (void)
{
  VzHealthState state = { 0, };
  VzHealthChange changes[VZ_HEALTH_N_RULES];

  g_assert_cmpuint (beat (&state, sample (NAN, NAN, NAN, NAN), changes), ==, 0);
  /* A disk reading above 100 is not a share of the disk: no rule applies. */
  g_assert_cmpuint (beat (&state, sample (NAN, NAN, 5e9, NAN), changes), ==, 0);
  g_assert_cmpuint (beat (&state, sample (NAN, NAN, NAN, 81), changes), ==, 1);
  g_assert_cmpuint (beat (&state, sample (NAN, NAN, NAN, NAN), changes), ==, 0);
  g_assert_true (vz_health_state_is_open (&state, VZ_HEALTH_RULE_TEMPERATURE));
}

static void
test_offline (void)
{
  VzHealthState state = { 0, };
  VzHealthChange changes[VZ_HEALTH_N_RULES];
  VzHealthChange change;

  /* Never heard from, or not silent long enough: nothing. */
  g_assert_false (vz_health_rules_link (&state, FALSE, -1, 120, &change));
  g_assert_false (vz_health_rules_link (&state, FALSE, 60, 120, &change));
  g_assert_false (vz_health_rules_link (&state, FALSE, 120, 120, &change));
  g_assert_false (vz_health_rules_link (&state, TRUE, 0, 120, &change));

  g_assert_true (vz_health_rules_link (&state, FALSE, 120.5, 120, &change));
  g_assert_cmpint (change.rule, ==, VZ_HEALTH_RULE_OFFLINE);
  g_assert_true (change.raise);
  g_assert_cmpfloat (change.value, ==, 120.5);
  g_assert_cmpfloat (change.threshold, ==, 120);
  g_assert_cmpstr (vz_health_rule_metric (change.rule), ==, "offline");

  /* Back online: resolved, once. */
  g_assert_true (vz_health_rules_link (&state, TRUE, 0, 120, &change));
  g_assert_false (change.raise);
  g_assert_false (vz_health_rules_link (&state, TRUE, 0, 120, &change));

  /* A heartbeat ends it too. */
  g_assert_true (vz_health_rules_link (&state, FALSE, 300, 120, &change));
  g_assert_cmpuint (beat (&state, calm, changes), ==, 1);
  g_assert_cmpint (changes[0].rule, ==, VZ_HEALTH_RULE_OFFLINE);
  g_assert_false (changes[0].raise);
}

static void
test_names (void)
{
  for (guint i = 0; i < VZ_HEALTH_N_RULES; i++)
    {
      VzHealthRule rule;

      g_assert_true (vz_health_rule_from_metric (vz_health_rule_metric ((VzHealthRule) i), &rule));
      g_assert_cmpint (rule, ==, i);
    }
  {
    VzHealthRule rule;

    g_assert_false (vz_health_rule_from_metric ("networkLatency", &rule));
    g_assert_false (vz_health_rule_from_metric (NULL, &rule));
  }
  g_assert_cmpstr (vz_health_severity_name (VZ_HEALTH_CRITICAL), ==, "critical");
  g_assert_cmpstr (vz_health_severity_name (VZ_HEALTH_WARNING), ==, "warning");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/health-rules/thresholds", test_thresholds);
  g_test_add_func ("/health-rules/cpu-consecutive", test_cpu_consecutive);
  g_test_add_func ("/health-rules/no-duplicates", test_no_duplicates);
  g_test_add_func ("/health-rules/resolve", test_resolve);
  g_test_add_func ("/health-rules/unknown-readings", test_unknown_readings);
  g_test_add_func ("/health-rules/offline", test_offline);
  g_test_add_func ("/health-rules/names", test_names);

  return g_test_run ();
}
