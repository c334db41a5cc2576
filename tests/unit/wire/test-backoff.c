/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-backoff"

#include "vz-backoff.h"

typedef struct {
  double value;
} FixedRandom;

static double
fixed_random (gpointer user_data)
{
  return ((FixedRandom *) user_data)->value;
}

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
test_defaults_without_jitter (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new ();
  FixedRandom r = { 0.5 };   /* j = 0.5 + 1.0 × 0.5 = 1.0: the bare exponential sequence */
  const guint expected[] = { 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };

  g_assert_cmpuint (vz_backoff_get_initial_delay (backoff), ==, 1000);
  g_assert_cmpfloat (vz_backoff_get_factor (backoff), ==, 2.0);
  g_assert_cmpuint (vz_backoff_get_max_delay (backoff), ==, 30000);

  vz_backoff_set_random_func (backoff, fixed_random, &r, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpuint (vz_backoff_get_attempt (backoff), ==, i);
      g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, expected[i]);
    }

  vz_backoff_reset (backoff);
  g_assert_cmpuint (vz_backoff_get_attempt (backoff), ==, 0);
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 1000);
}

static void
test_jitter_bounds (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new ();
  FixedRandom r = { 0.0 };

  vz_backoff_set_random_func (backoff, fixed_random, &r, NULL);
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 500);
  r.value = 1.0;
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 3000);   /* 2000 × 1.5 */
  for (guint i = 0; i < 10; i++)
    vz_backoff_next_delay (backoff);
  /* At the cap, jitter still spreads clients out below it but never above. */
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 30000);
  r.value = 0.0;
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 15000);
}

static void
test_seeded_sequence (void)
{
  g_autoptr(VzBackoff) a = vz_backoff_new ();
  g_autoptr(VzBackoff) b = vz_backoff_new ();
  gboolean differs_from_bare = FALSE;

  vz_backoff_set_seed (a, 42);
  vz_backoff_set_seed (b, 42);
  for (guint i = 0; i < 50; i++)
    {
      guint base = MIN (30000u, 1000u << MIN (i, 15u));
      guint da = vz_backoff_next_delay (a);
      guint db = vz_backoff_next_delay (b);

      /* Same seed, same sequence: reproducible in tests. */
      g_assert_cmpuint (da, ==, db);
      g_assert_cmpuint (da, >=, base / 2);
      g_assert_cmpuint (da, <=, MIN (30000u, base * 3 / 2));
      if (da != base)
        differs_from_bare = TRUE;
    }
  g_assert_true (differs_from_bare);
}

static void
test_custom_policy (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new_full (100, 3.0, 1000, 1.0, 1.0);

  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 100);
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 300);
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 900);
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 1000);
  /* Thousands of attempts later the delay is still the cap (no overflow). */
  for (guint i = 0; i < 5000; i++)
    g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 1000);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_attempt_notify (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new ();
  guint notified = 0;

  g_signal_connect (backoff, "notify::attempt", G_CALLBACK (count_notify), &notified);
  vz_backoff_reset (backoff);
  g_assert_cmpuint (notified, ==, 0);   /* no change, no notify */
  vz_backoff_next_delay (backoff);
  g_assert_cmpuint (notified, ==, 1);
  vz_backoff_reset (backoff);
  g_assert_cmpuint (notified, ==, 2);
}

/* A link that connects and drops at once resets the exponent every time:
 * the rate limit alone must keep it to 10 attempts a minute. */
static void
test_rate_limit (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new ();
  FixedRandom r = { 0.5 };
  gint64 now = 1000000000;
  GArray *attempts = g_array_new (FALSE, FALSE, sizeof (gint64));

  vz_backoff_set_random_func (backoff, fixed_random, &r, NULL);
  vz_backoff_set_clock_func (backoff, fake_clock, &now, NULL);
  vz_backoff_set_rate_limit (backoff, 10, 60000);

  for (guint i = 0; i < 40; i++)
    {
      guint delay;

      vz_backoff_reset (backoff);   /* the connect "succeeded" */
      delay = vz_backoff_next_delay (backoff);
      g_assert_cmpuint (delay, >=, 1000);
      now += (gint64) delay * 1000;
      g_array_append_val (attempts, now);
    }
  /* Any 11 consecutive attempts span at least the window. */
  for (guint i = 10; i < attempts->len; i++)
    g_assert_cmpint (g_array_index (attempts, gint64, i) - g_array_index (attempts, gint64, i - 10), >=, 60000 * 1000);
  /* And the first ten were not held back. */
  g_assert_cmpint (g_array_index (attempts, gint64, 9) - 1000000000, ==, 10 * 1000 * 1000);
  g_array_unref (attempts);
}

/* Attempts outside the sequence (stop + start loops) count too. */
static void
test_claim_attempt (void)
{
  g_autoptr(VzBackoff) backoff = vz_backoff_new ();
  FixedRandom r = { 0.5 };
  gint64 now = 5000000;

  vz_backoff_set_random_func (backoff, fixed_random, &r, NULL);
  vz_backoff_set_clock_func (backoff, fake_clock, &now, NULL);
  /* No limit: always now. */
  g_assert_cmpuint (vz_backoff_claim_attempt (backoff), ==, 0);

  vz_backoff_set_rate_limit (backoff, 3, 60000);
  g_assert_cmpuint (vz_backoff_claim_attempt (backoff), ==, 0);
  now += 1000000;
  g_assert_cmpuint (vz_backoff_claim_attempt (backoff), ==, 0);
  now += 1000000;
  g_assert_cmpuint (vz_backoff_claim_attempt (backoff), ==, 0);
  now += 1000000;
  /* The fourth within the minute waits for the first to age out (58 s). */
  g_assert_cmpuint (vz_backoff_claim_attempt (backoff), ==, 57000);
  g_assert_cmpuint (vz_backoff_get_attempt (backoff), ==, 0);
  /* The exponent was untouched; the ring now holds 1 s, 2 s, 63 s (absolute):
   * the next sequence delay (1 s) must wait until 61 s. */
  g_assert_cmpuint (vz_backoff_next_delay (backoff), ==, 58000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backoff/defaults", test_defaults_without_jitter);
  g_test_add_func ("/backoff/jitter-bounds", test_jitter_bounds);
  g_test_add_func ("/backoff/seeded", test_seeded_sequence);
  g_test_add_func ("/backoff/custom", test_custom_policy);
  g_test_add_func ("/backoff/notify", test_attempt_notify);
  g_test_add_func ("/backoff/rate-limit", test_rate_limit);
  g_test_add_func ("/backoff/claim-attempt", test_claim_attempt);

  return g_test_run ();
}
