/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-circuit-breaker"

#include "vz-api-error.h"
#include "vz-circuit-breaker.h"

/* Time only moves when the test says so: nothing here sleeps. */
typedef struct {
  gint64 now;
} FakeClock;

static gint64
fake_now (gpointer user_data)
{
  return ((FakeClock *) user_data)->now;
}

static void
advance (FakeClock *clock,
         double     seconds)
{
  clock->now += (gint64) (seconds * G_USEC_PER_SEC);
}

static VzCircuitBreaker *
new_breaker (FakeClock *clock)
{
  VzCircuitBreaker *breaker = vz_circuit_breaker_new ();

  clock->now = 1000 * G_USEC_PER_SEC;
  vz_circuit_breaker_set_clock (breaker, fake_now, clock, NULL);
  return breaker;
}

static void
fail_n (VzCircuitBreaker *breaker,
        guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
      vz_circuit_breaker_record_failure (breaker);
    }
}

static void
test_breaker_opens_after_five (void)
{
  FakeClock clock;
  g_autoptr(VzCircuitBreaker) breaker = new_breaker (&clock);
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  g_assert_null (vz_circuit_breaker_describe (breaker));

  /* Four failures, a success: the count starts over. */
  fail_n (breaker, 4);
  g_assert_cmpuint (vz_circuit_breaker_get_failures (breaker), ==, 4);
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpuint (vz_circuit_breaker_get_failures (breaker), ==, 0);
  fail_n (breaker, 4);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);

  fail_n (breaker, 1);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, clock.now + 60 * G_USEC_PER_SEC);

  /* Open: fail fast, and say when it will try again. */
  g_assert_false (vz_circuit_breaker_allow (breaker, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CIRCUIT_OPEN);
  g_assert_cmpstr (error->message, ==, "The server is not answering. Vizora will try again in 60 seconds.");
  g_clear_error (&error);

  advance (&clock, 20);
  sentence = vz_circuit_breaker_describe (breaker);
  g_assert_cmpstr (sentence, ==, "The server is not answering. Vizora will try again in 40 seconds.");
  g_clear_pointer (&sentence, g_free);

  advance (&clock, 39.5);
  g_assert_false (vz_circuit_breaker_allow (breaker, &error));
  g_assert_cmpstr (error->message, ==, "The server is not answering. Vizora will try again in 1 second.");
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);
}

static void
test_breaker_half_open_closes_after_two (void)
{
  FakeClock clock;
  g_autoptr(VzCircuitBreaker) breaker = new_breaker (&clock);
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  fail_n (breaker, 5);
  advance (&clock, 60);

  /* The cooldown is over: one probe goes through, the next call waits. */
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_HALF_OPEN);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, 0);
  g_assert_false (vz_circuit_breaker_allow (breaker, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CIRCUIT_OPEN);
  g_assert_cmpstr (error->message, ==, "The server is not answering. Vizora is trying again now.");
  sentence = vz_circuit_breaker_describe (breaker);
  g_assert_cmpstr (sentence, ==, error->message);

  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_HALF_OPEN);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));

  /* Closed again with a clean count: five more failures to open. */
  fail_n (breaker, 4);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
}

static void
test_breaker_half_open_failure_reopens (void)
{
  FakeClock clock;
  g_autoptr(VzCircuitBreaker) breaker = new_breaker (&clock);

  fail_n (breaker, 5);
  advance (&clock, 61);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  vz_circuit_breaker_record_success (breaker);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  vz_circuit_breaker_record_failure (breaker);

  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, clock.now + 60 * G_USEC_PER_SEC);
  g_assert_false (vz_circuit_breaker_allow (breaker, NULL));

  /* Late outcomes of calls started before it opened change nothing. */
  vz_circuit_breaker_record_success (breaker);
  vz_circuit_breaker_record_failure (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, clock.now + 60 * G_USEC_PER_SEC);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_breaker_notify (void)
{
  FakeClock clock;
  g_autoptr(VzCircuitBreaker) breaker = new_breaker (&clock);
  guint state_n = 0, retry_at_n = 0;

  g_signal_connect (breaker, "notify::state", G_CALLBACK (count_notify), &state_n);
  g_signal_connect (breaker, "notify::retry-at", G_CALLBACK (count_notify), &retry_at_n);

  fail_n (breaker, 4);
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpuint (state_n, ==, 0);
  fail_n (breaker, 5);
  g_assert_cmpuint (state_n, ==, 1);
  g_assert_cmpuint (retry_at_n, ==, 1);
  /* Refused calls while open change nothing. */
  g_assert_false (vz_circuit_breaker_allow (breaker, NULL));
  g_assert_cmpuint (state_n, ==, 1);

  advance (&clock, 60);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  g_assert_cmpuint (state_n, ==, 2);
  g_assert_cmpuint (retry_at_n, ==, 2);
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpuint (state_n, ==, 2);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpuint (state_n, ==, 3);

  vz_circuit_breaker_reset (breaker);
  g_assert_cmpuint (state_n, ==, 3);
}

static void
test_breaker_settings (void)
{
  FakeClock clock;
  g_autoptr(VzCircuitBreaker) breaker = new_breaker (&clock);
  g_autofree char *sentence = NULL;
  gint64 opened;

  /* The GSettings key names, as g_settings_bind() would set them. */
  g_object_set (breaker,
                "breaker-failure-threshold", 2,
                "breaker-cooldown", 300.0,
                "breaker-success-threshold", 1,
                NULL);
  fail_n (breaker, 2);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);
  opened = clock.now;
  sentence = vz_circuit_breaker_describe (breaker);
  g_assert_cmpstr (sentence, ==, "The server is not answering. Vizora will try again in 5 minutes.");

  /* A new cooldown applies from when it opened. */
  vz_circuit_breaker_set_cooldown (breaker, 10.0);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, opened + 10 * G_USEC_PER_SEC);
  advance (&clock, 10);
  g_assert_true (vz_circuit_breaker_allow (breaker, NULL));
  vz_circuit_breaker_record_success (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);

  /* Lowering the threshold under the count already reached opens it. */
  vz_circuit_breaker_set_failure_threshold (breaker, 5);
  fail_n (breaker, 3);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  vz_circuit_breaker_set_failure_threshold (breaker, 3);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);

  vz_circuit_breaker_reset (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), ==, 0);
  g_assert_cmpuint (vz_circuit_breaker_get_failures (breaker), ==, 0);
}

static void
test_breaker_default_clock (void)
{
  g_autoptr(VzCircuitBreaker) breaker = vz_circuit_breaker_new ();
  gint64 before = g_get_monotonic_time ();

  for (guint i = 0; i < 5; i++)
    vz_circuit_breaker_record_failure (breaker);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), >=, before + 60 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_circuit_breaker_get_retry_at (breaker), <=, g_get_monotonic_time () + 60 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/circuit-breaker/opens-after-five", test_breaker_opens_after_five);
  g_test_add_func ("/circuit-breaker/half-open-closes-after-two", test_breaker_half_open_closes_after_two);
  g_test_add_func ("/circuit-breaker/half-open-failure-reopens", test_breaker_half_open_failure_reopens);
  g_test_add_func ("/circuit-breaker/notify", test_breaker_notify);
  g_test_add_func ("/circuit-breaker/settings", test_breaker_settings);
  g_test_add_func ("/circuit-breaker/default-clock", test_breaker_default_clock);

  return g_test_run ();
}
