/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-metrics-codec"

#include <math.h>

#include "vz-metrics-codec.h"

/*
 * The metrics history's chunk encoding on its own: points come back as they
 * went in (to a tenth), unknown readings stay unknown, a chunk continues
 * after a restart, damaged bytes are refused, it is compact, and buckets
 * average what they hold.
 */

static void
assert_reading (double got,
                double want)
{
  if (isnan (want))
    g_assert_true (isnan (got));
  else
    g_assert_cmpfloat_with_epsilon (got, want, 0.051);
}

static void
test_round_trip (void)
{
  const VzMetricsPoint in[] = {
    { 1000, { 12.5, 40, 70.3, 51 } },
    { 1015, { 99.9, 40.04, NAN, -12.3 } },
    { 1015, { NAN, NAN, NAN, NAN } },
    { 1030, { 0, 100, 5e9, 199.9 } },
    { 4000, { 3.1, 41, 70.3, 50 } },
  };
  VzMetricsEncoder encoder = { NULL, };
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  const VzMetricsPoint before = { 999, { 1, 1, 1, 1 } };

  vz_metrics_encoder_init (&encoder, 1000, 1);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    g_assert_true (vz_metrics_encoder_append (&encoder, &in[i]));
  /* Time does not go back. */
  g_assert_false (vz_metrics_encoder_append (&encoder, &before));
  g_assert_false (vz_metrics_encoder_append (&encoder, &in[0]));
  g_assert_cmpuint (encoder.count, ==, G_N_ELEMENTS (in));

  g_assert_true (vz_metrics_decode (encoder.bytes->data, encoder.bytes->len, 1000, 1, out));
  g_assert_cmpuint (out->len, ==, G_N_ELEMENTS (in));
  for (guint i = 0; i < out->len; i++)
    {
      VzMetricsPoint *p = &g_array_index (out, VzMetricsPoint, i);

      g_assert_cmpint (p->time, ==, in[i].time);
      for (guint r = 0; r < VZ_METRICS_N_READINGS; r++)
        assert_reading (p->readings[r], in[i].readings[r]);
    }
  vz_metrics_encoder_clear (&encoder);
}

static void
test_step_and_resume (void)
{
  VzMetricsEncoder encoder = { NULL, };
  VzMetricsEncoder resumed = { NULL, };
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  const VzMetricsPoint a = { 86400 + 300, { 10, 20, 30, 40 } };
  const VzMetricsPoint b = { 86400 + 1000, { 11, 21, 31, 41 } };   /* rounded down to 900 */
  const VzMetricsPoint c = { 86400 + 1200, { 12, 22, 32, 42 } };

  vz_metrics_encoder_init (&encoder, 86400, 300);
  g_assert_true (vz_metrics_encoder_append (&encoder, &a));
  g_assert_true (vz_metrics_encoder_append (&encoder, &b));

  /* A new process continues the chunk it finds. */
  g_assert_true (vz_metrics_encoder_resume (&resumed, 86400, 300, encoder.bytes->data, encoder.bytes->len));
  g_assert_cmpuint (resumed.count, ==, 2);
  g_assert_true (vz_metrics_encoder_append (&resumed, &c));
  g_assert_true (vz_metrics_decode (resumed.bytes->data, resumed.bytes->len, 86400, 300, out));
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpint (g_array_index (out, VzMetricsPoint, 1).time, ==, 86400 + 900);
  g_assert_cmpint (g_array_index (out, VzMetricsPoint, 2).time, ==, 86400 + 1200);
  assert_reading (g_array_index (out, VzMetricsPoint, 2).readings[3], 42);

  vz_metrics_encoder_clear (&encoder);
  vz_metrics_encoder_clear (&resumed);
}

static void
test_damaged (void)
{
  VzMetricsEncoder encoder = { NULL, };
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  const VzMetricsPoint p = { 10, { 1, 2, 3, 4 } };
  const guint8 endless[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80 };

  vz_metrics_encoder_init (&encoder, 0, 1);
  vz_metrics_encoder_append (&encoder, &p);
  vz_metrics_encoder_append (&encoder, &p);
  /* Cut in the middle of a point: nothing is kept of it. */
  g_assert_false (vz_metrics_decode (encoder.bytes->data, encoder.bytes->len - 1, 0, 1, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_false (vz_metrics_decode (endless, sizeof endless, 0, 1, out));
  g_assert_false (vz_metrics_encoder_resume (&encoder, 0, 1, endless, sizeof endless));
  g_assert_cmpuint (encoder.count, ==, 0);
  g_assert_cmpuint (encoder.bytes->len, ==, 0);
  vz_metrics_encoder_clear (&encoder);
}

/* An hour of 15-s heartbeats with readings that drift takes five bytes a point. */
static void
test_compact (void)
{
  VzMetricsEncoder encoder = { NULL, };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  VzMetricsPoint p = { 0, { 30, 50, 60, 50 } };

  vz_metrics_encoder_init (&encoder, 0, 1);
  for (guint i = 0; i < 240; i++)
    {
      p.time = i * 15;
      for (guint r = 0; r < VZ_METRICS_N_READINGS; r++)
        p.readings[r] = CLAMP (p.readings[r] + g_rand_double_range (rand, -0.6, 0.6), 0, 100);
      vz_metrics_encoder_append (&encoder, &p);
    }
  g_test_message ("%u bytes for 240 points", encoder.bytes->len);
  /* The first point holds whole readings, not differences: a few bytes more. */
  g_assert_cmpuint (encoder.bytes->len, <=, 240 * 5 + 8);
  vz_metrics_encoder_clear (&encoder);
}

static void
test_downsample (void)
{
  const VzMetricsPoint in[] = {
    { 600, { 10, NAN, 1, 1 } },
    { 615, { 20, NAN, 2, 1 } },
    { 899, { 30, NAN, 3, 1 } },
    { 900, { 50, 5, NAN, 1 } },
    { 1500, { 70, 7, 7, 1 } },
  };
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  VzMetricsPoint *b;

  vz_metrics_downsample (in, G_N_ELEMENTS (in), 300, out);
  g_assert_cmpuint (out->len, ==, 3);
  b = &g_array_index (out, VzMetricsPoint, 0);
  g_assert_cmpint (b->time, ==, 600);
  assert_reading (b->readings[0], 20);
  g_assert_true (isnan (b->readings[1]));
  assert_reading (b->readings[2], 2);
  b = &g_array_index (out, VzMetricsPoint, 1);
  g_assert_cmpint (b->time, ==, 900);
  assert_reading (b->readings[0], 50);
  g_assert_true (isnan (b->readings[2]));
  g_assert_cmpint (g_array_index (out, VzMetricsPoint, 2).time, ==, 1500);
}

/* Windows with a point are counted once each, also across gaps, and
 * agree with the buckets that downsampling makes of the same points. */
static void
test_count_windows (void)
{
  const gint64 times[] = { 3600, 3610, 3899, 3900, 4500, 4799, 7199 };
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      VzMetricsPoint point = { times[i], { 1, NAN, NAN, NAN } };

      g_array_append_val (points, point);
    }
  g_assert_cmpuint (vz_metrics_count_windows (NULL, 0, 300), ==, 0);
  /* 3600, 3900, 4500, 6900 */
  g_assert_cmpuint (vz_metrics_count_windows ((VzMetricsPoint *) (gpointer) points->data, points->len, 300), ==, 4);
  vz_metrics_downsample ((VzMetricsPoint *) (gpointer) points->data, points->len, 300, buckets);
  g_assert_cmpuint (buckets->len, ==, 4);
  g_assert_cmpuint (vz_metrics_count_windows ((VzMetricsPoint *) (gpointer) buckets->data, buckets->len, 300), ==, 4);
  /* Negative times round down as the buckets do. */
  g_array_index (points, VzMetricsPoint, 0).time = -1;
  g_assert_cmpuint (vz_metrics_count_windows ((VzMetricsPoint *) (gpointer) points->data, 1, 300), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics-codec/round-trip", test_round_trip);
  g_test_add_func ("/metrics-codec/step-and-resume", test_step_and_resume);
  g_test_add_func ("/metrics-codec/damaged", test_damaged);
  g_test_add_func ("/metrics-codec/compact", test_compact);
  g_test_add_func ("/metrics-codec/downsample", test_downsample);
  g_test_add_func ("/metrics-codec/count-windows", test_count_windows);

  return g_test_run ();
}
