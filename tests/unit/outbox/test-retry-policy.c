/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-retry-policy"

#include <gio/gio.h>

#include "vz-api-error.h"
#include "vz-retry-policy.h"

/* Exponential base of retry @n with the defaults, in ms: 1 s × 2^(n-1), 30 s cap. */
static gint64
default_base_ms (guint n)
{
  gint64 base = 1000;

  for (guint i = 1; i < n && base < 30000; i++)
    base *= 2;
  return MIN (base, 30000);
}

static double
fixed_random (gpointer user_data)
{
  return *(double *) user_data;
}

static void
test_retry_defaults (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  double jitter_min, jitter_max;

  g_assert_cmpuint (vz_retry_policy_get_max_attempts (policy), ==, 3);
  g_assert_cmpfloat (vz_retry_policy_get_initial_delay (policy), ==, 1.0);
  g_assert_cmpfloat (vz_retry_policy_get_factor (policy), ==, 2.0);
  g_assert_cmpfloat (vz_retry_policy_get_max_delay (policy), ==, 30.0);
  g_object_get (policy, "jitter-min", &jitter_min, "jitter-max", &jitter_max, NULL);
  g_assert_cmpfloat (jitter_min, ==, 0.5);
  g_assert_cmpfloat (jitter_max, ==, 1.5);
}

static void
test_retry_jitter_extremes (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  double r = 0.0;
  /* Lowest jitter: half the base. Highest: one and a half, under the cap. */
  static const gint64 low_ms[] = { 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000 };
  static const gint64 high_ms[] = { 1500, 3000, 6000, 12000, 24000, 30000, 30000, 30000 };

  vz_retry_policy_set_random_func (policy, fixed_random, &r, NULL);
  for (guint n = 1; n <= G_N_ELEMENTS (low_ms); n++)
    {
      r = 0.0;
      g_assert_cmpint (vz_retry_policy_next_delay (policy, n), ==, low_ms[n - 1] * 1000);
      r = 0.999999999;
      g_assert_cmpint (vz_retry_policy_next_delay (policy, n), <=, high_ms[n - 1] * 1000);
      g_assert_cmpint (vz_retry_policy_next_delay (policy, n), >=, high_ms[n - 1] * 1000 - 1000);
    }
}

static void
test_retry_seeded_bounds (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(VzRetryPolicy) twin = vz_retry_policy_new ();

  for (guint seed = 1; seed <= 20; seed++)
    {
      gint64 lowest = G_MAXINT64, highest = 0;

      vz_retry_policy_set_seed (policy, seed);
      vz_retry_policy_set_seed (twin, seed);
      for (guint i = 0; i < 200; i++)
        {
          guint n = 1 + i % 8;
          gint64 base_us = default_base_ms (n) * 1000;
          gint64 d = vz_retry_policy_next_delay (policy, n);

          /* Same seed, same sequence: failures can be replayed. */
          g_assert_cmpint (vz_retry_policy_next_delay (twin, n), ==, d);
          g_assert_cmpint (d, >=, base_us / 2);
          g_assert_cmpint (d, <=, MIN (base_us * 3 / 2, 30 * G_USEC_PER_SEC));
          if (n == 1)
            {
              lowest = MIN (lowest, d);
              highest = MAX (highest, d);
            }
        }
      /* The jitter really spreads over its range (25 draws of retry 1). */
      g_assert_cmpint (highest - lowest, >, 300 * 1000);
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_retry_settings (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  double r = 0.0;
  guint notified = 0;

  g_signal_connect (policy, "notify", G_CALLBACK (count_notify), &notified);
  /* The GSettings key names, as g_settings_bind() would set them. */
  g_object_set (policy,
                "retry-attempts", 5,
                "retry-initial-delay", 2.0,
                "retry-factor", 3.0,
                "retry-max-delay", 60.0,
                NULL);
  g_assert_cmpuint (notified, ==, 4);
  g_object_set (policy, "retry-attempts", 5, "retry-factor", 3.0, NULL);
  g_assert_cmpuint (notified, ==, 4);

  vz_retry_policy_set_random_func (policy, fixed_random, &r, NULL);
  vz_retry_policy_set_jitter (policy, 1.0, 1.0);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 1), ==, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 2), ==, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 3), ==, 18 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 4), ==, 54 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 5), ==, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_next_delay (policy, 500), ==, 60 * G_USEC_PER_SEC);

  /* Out-of-range settings are clamped, never trusted. */
  vz_retry_policy_set_max_attempts (policy, 0);
  g_assert_cmpuint (vz_retry_policy_get_max_attempts (policy), ==, 1);
  vz_retry_policy_set_factor (policy, 0.1);
  g_assert_cmpfloat (vz_retry_policy_get_factor (policy), ==, 1.0);
}

static GError *
api_error (VzApiError code)
{
  return g_error_new_literal (VZ_API_ERROR, code, "Something went wrong.");
}

static void
test_retry_classify (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  static const struct { guint status; VzRetryDecision decision; } statuses[] = {
    { 500, VZ_RETRY_DECISION_RETRY }, { 502, VZ_RETRY_DECISION_RETRY },
    { 503, VZ_RETRY_DECISION_RETRY }, { 504, VZ_RETRY_DECISION_RETRY },
    { 429, VZ_RETRY_DECISION_RETRY }, { 408, VZ_RETRY_DECISION_RETRY },
    { 401, VZ_RETRY_DECISION_REFRESH_THEN_RETRY },
    { 409, VZ_RETRY_DECISION_CONFLICT }, { 412, VZ_RETRY_DECISION_CONFLICT },
    { 400, VZ_RETRY_DECISION_GIVE_UP }, { 403, VZ_RETRY_DECISION_GIVE_UP },
    { 404, VZ_RETRY_DECISION_GIVE_UP }, { 413, VZ_RETRY_DECISION_GIVE_UP },
    { 422, VZ_RETRY_DECISION_GIVE_UP }, { 418, VZ_RETRY_DECISION_GIVE_UP },
  };
  static const struct { GQuark (*domain) (void); int code; VzRetryDecision decision; } others[] = {
    { vz_api_error_quark, VZ_API_ERROR_NETWORK, VZ_RETRY_DECISION_RETRY },
    { vz_api_error_quark, VZ_API_ERROR_TIMEOUT, VZ_RETRY_DECISION_RETRY },
    { vz_api_error_quark, VZ_API_ERROR_CIRCUIT_OPEN, VZ_RETRY_DECISION_WAIT },
    { vz_api_error_quark, VZ_API_ERROR_AUTH_INVALID, VZ_RETRY_DECISION_GIVE_UP },
    { g_io_error_quark, G_IO_ERROR_CANCELLED, VZ_RETRY_DECISION_GIVE_UP },
    { g_io_error_quark, G_IO_ERROR_TIMED_OUT, VZ_RETRY_DECISION_RETRY },
    { g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, VZ_RETRY_DECISION_RETRY },
    { g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, VZ_RETRY_DECISION_RETRY },
    { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, VZ_RETRY_DECISION_GIVE_UP },
    { g_resolver_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, VZ_RETRY_DECISION_RETRY },
    { g_file_error_quark, G_FILE_ERROR_NOENT, VZ_RETRY_DECISION_GIVE_UP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = api_error (vz_api_error_from_status (statuses[i].status));

      g_assert_cmpint (vz_retry_policy_classify (policy, error), ==, statuses[i].decision);
    }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (others[i].domain (), others[i].code, "x");

      g_assert_cmpint (vz_retry_policy_classify (policy, error), ==, others[i].decision);
    }
}

static void
test_retry_decide_sequence (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(GError) network = api_error (VZ_API_ERROR_NETWORK);
  gint64 delay = -1;

  vz_retry_policy_set_seed (policy, 42);

  /* 3 attempts in all: two retries, then give up. */
  g_assert_cmpint (vz_retry_policy_decide (policy, network, 1, FALSE, 0, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, >=, 500000);
  g_assert_cmpint (delay, <=, 1500000);
  g_assert_cmpint (vz_retry_policy_decide (policy, network, 2, FALSE, 0, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, >=, 1000000);
  g_assert_cmpint (delay, <=, 3000000);
  g_assert_cmpint (vz_retry_policy_decide (policy, network, 3, FALSE, 0, &delay), ==, VZ_RETRY_DECISION_GIVE_UP);
  g_assert_cmpint (delay, ==, 0);

  vz_retry_policy_set_max_attempts (policy, 5);
  g_assert_cmpint (vz_retry_policy_decide (policy, network, 4, FALSE, 0, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, >=, 4000000);
  g_assert_cmpint (delay, <=, 12000000);
  g_assert_cmpint (vz_retry_policy_decide (policy, network, 5, FALSE, 0, NULL), ==, VZ_RETRY_DECISION_GIVE_UP);
}

static void
test_retry_after (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(GError) limited = api_error (vz_api_error_from_status (429));
  g_autoptr(GError) unavailable = api_error (vz_api_error_from_status (503));
  gint64 delay = 0;

  /* The server's Retry-After replaces the backoff, even above the cap. */
  g_assert_cmpint (vz_retry_policy_decide (policy, limited, 1, FALSE, 7, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, ==, 7 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_decide (policy, limited, 2, FALSE, 120, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, ==, 120 * G_USEC_PER_SEC);
  g_assert_cmpint (vz_retry_policy_decide (policy, unavailable, 1, FALSE, 3, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, ==, 3 * G_USEC_PER_SEC);
  /* An absurd value is bounded to a day. */
  g_assert_cmpint (vz_retry_policy_decide (policy, limited, 1, FALSE, G_MAXUINT, &delay), ==, VZ_RETRY_DECISION_RETRY);
  g_assert_cmpint (delay, ==, (gint64) 24 * 3600 * G_USEC_PER_SEC);
  /* It does not buy more attempts. */
  g_assert_cmpint (vz_retry_policy_decide (policy, limited, 3, FALSE, 7, &delay), ==, VZ_RETRY_DECISION_GIVE_UP);
}

static void
test_retry_unauthorized_once (void)
{
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(GError) unauthorized = api_error (vz_api_error_from_status (401));
  g_autoptr(GError) conflict = api_error (vz_api_error_from_status (412));
  g_autoptr(GError) forbidden = api_error (vz_api_error_from_status (403));
  gint64 delay = -1;

  g_assert_cmpint (vz_retry_policy_decide (policy, unauthorized, 1, FALSE, 0, &delay), ==,
                   VZ_RETRY_DECISION_REFRESH_THEN_RETRY);
  g_assert_cmpint (delay, ==, 0);
  g_assert_cmpint (vz_retry_policy_decide (policy, unauthorized, 2, TRUE, 0, &delay), ==,
                   VZ_RETRY_DECISION_GIVE_UP);
  g_assert_cmpint (vz_retry_policy_decide (policy, conflict, 1, FALSE, 0, &delay), ==,
                   VZ_RETRY_DECISION_CONFLICT);
  g_assert_cmpint (vz_retry_policy_decide (policy, forbidden, 1, FALSE, 30, &delay), ==,
                   VZ_RETRY_DECISION_GIVE_UP);
  g_assert_cmpint (delay, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/retry-policy/defaults", test_retry_defaults);
  g_test_add_func ("/retry-policy/jitter-extremes", test_retry_jitter_extremes);
  g_test_add_func ("/retry-policy/seeded-bounds", test_retry_seeded_bounds);
  g_test_add_func ("/retry-policy/settings", test_retry_settings);
  g_test_add_func ("/retry-policy/classify", test_retry_classify);
  g_test_add_func ("/retry-policy/decide-sequence", test_retry_decide_sequence);
  g_test_add_func ("/retry-policy/retry-after", test_retry_after);
  g_test_add_func ("/retry-policy/unauthorized-once", test_retry_unauthorized_once);

  return g_test_run ();
}
