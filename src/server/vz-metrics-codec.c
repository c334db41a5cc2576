/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>

#include "vz-metrics-codec.h"

/* Tenths beyond this are not readings but noise; they are clamped. */
#define QUANTUM_MAX ((gint64) 1 << 60)

static void
put_varint (GByteArray *bytes,
            guint64     value)
{
  guint8 buffer[10];
  guint n = 0;

  do
    {
      buffer[n] = value & 0x7f;
      value >>= 7;
      if (value != 0)
        buffer[n] |= 0x80;
      n++;
    }
  while (value != 0);
  g_byte_array_append (bytes, buffer, n);
}

static gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*p >= end)
        return FALSE;
      byte = *(*p)++;
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

static guint64
zigzag (gint64 value)
{
  return ((guint64) value << 1) ^ (guint64) (value >> 63);
}

static gint64
unzigzag (guint64 value)
{
  return (gint64) (value >> 1) ^ -(gint64) (value & 1);
}

static gint64
quantize (double value)
{
  return (gint64) CLAMP (round (value * 10), -QUANTUM_MAX, QUANTUM_MAX);
}

void
vz_metrics_encoder_init (VzMetricsEncoder *encoder,
                         gint64            start,
                         guint             step)
{
  g_return_if_fail (encoder != NULL && step > 0);

  if (encoder->bytes == NULL)
    encoder->bytes = g_byte_array_new ();
  else
    g_byte_array_set_size (encoder->bytes, 0);
  encoder->start = start;
  encoder->step = step;
  encoder->last_time = start;
  for (guint i = 0; i < VZ_METRICS_N_READINGS; i++)
    encoder->last[i] = 0;
  encoder->count = 0;
}

gboolean
vz_metrics_encoder_append (VzMetricsEncoder     *encoder,
                           const VzMetricsPoint *point)
{
  gint64 units;

  g_return_val_if_fail (encoder != NULL && encoder->bytes != NULL && point != NULL, FALSE);

  if (point->time < encoder->last_time)
    return FALSE;
  units = (point->time - encoder->last_time) / encoder->step;
  put_varint (encoder->bytes, (guint64) units);
  encoder->last_time += units * encoder->step;
  for (guint i = 0; i < VZ_METRICS_N_READINGS; i++)
    {
      gint64 q;

      if (isnan (point->readings[i]))
        {
          put_varint (encoder->bytes, 0);
          continue;
        }
      q = quantize (point->readings[i]);
      put_varint (encoder->bytes, zigzag (q - encoder->last[i]) + 1);
      encoder->last[i] = q;
    }
  encoder->count++;
  return TRUE;
}

/* Reads one point at *@p after @last_time/@last, updating them. */
static gboolean
read_point (const guint8 **p,
            const guint8  *end,
            guint          step,
            gint64        *last_time,
            gint64        *last,
            VzMetricsPoint *point)
{
  guint64 value;

  if (!get_varint (p, end, &value) || value > (guint64) G_MAXINT32)
    return FALSE;
  *last_time += (gint64) value * step;
  point->time = *last_time;
  for (guint i = 0; i < VZ_METRICS_N_READINGS; i++)
    {
      if (!get_varint (p, end, &value))
        return FALSE;
      if (value == 0)
        {
          point->readings[i] = NAN;
          continue;
        }
      last[i] += unzigzag (value - 1);
      point->readings[i] = (double) last[i] / 10;
    }
  return TRUE;
}

gboolean
vz_metrics_encoder_resume (VzMetricsEncoder *encoder,
                           gint64            start,
                           guint             step,
                           const guint8     *data,
                           gsize             len)
{
  const guint8 *p = data;
  const guint8 *end = data + len;
  guint count = 0;

  vz_metrics_encoder_init (encoder, start, step);
  while (p < end)
    {
      VzMetricsPoint point;

      if (!read_point (&p, end, step, &encoder->last_time, encoder->last, &point))
        {
          vz_metrics_encoder_init (encoder, start, step);
          return FALSE;
        }
      count++;
    }
  g_byte_array_append (encoder->bytes, data, len);
  encoder->count = count;
  return TRUE;
}

void
vz_metrics_encoder_clear (VzMetricsEncoder *encoder)
{
  g_clear_pointer (&encoder->bytes, g_byte_array_unref);
  encoder->count = 0;
}

gboolean
vz_metrics_decode (const guint8 *data,
                   gsize         len,
                   gint64        start,
                   guint         step,
                   GArray       *points)
{
  const guint8 *p = data;
  const guint8 *end = data + len;
  gint64 last_time = start;
  gint64 last[VZ_METRICS_N_READINGS] = { 0, };
  guint before = points->len;

  g_return_val_if_fail (step > 0, FALSE);

  while (p < end)
    {
      VzMetricsPoint point;

      if (!read_point (&p, end, step, &last_time, last, &point))
        {
          g_array_set_size (points, before);
          return FALSE;
        }
      g_array_append_val (points, point);
    }
  return TRUE;
}

void
vz_metrics_downsample (const VzMetricsPoint *points,
                       guint                 n_points,
                       guint                 bucket,
                       GArray               *out)
{
  guint i = 0;

  g_return_if_fail (bucket > 0);

  while (i < n_points)
    {
      gint64 start = points[i].time - (((points[i].time % bucket) + bucket) % bucket);
      double sums[VZ_METRICS_N_READINGS] = { 0, };
      guint counts[VZ_METRICS_N_READINGS] = { 0, };
      VzMetricsPoint average = { start, { 0, } };

      for (; i < n_points && points[i].time < start + bucket; i++)
        for (guint r = 0; r < VZ_METRICS_N_READINGS; r++)
          if (!isnan (points[i].readings[r]))
            {
              sums[r] += points[i].readings[r];
              counts[r]++;
            }
      for (guint r = 0; r < VZ_METRICS_N_READINGS; r++)
        average.readings[r] = counts[r] > 0 ? sums[r] / counts[r] : NAN;
      g_array_append_val (out, average);
    }
}

guint
vz_metrics_count_windows (const VzMetricsPoint *points,
                          guint                 n_points,
                          guint                 window)
{
  gint64 last = G_MININT64;
  guint windows = 0;

  g_return_val_if_fail (window > 0, 0);

  for (guint i = 0; i < n_points; i++)
    {
      gint64 start = points[i].time - (((points[i].time % window) + window) % window);

      if (start != last)
        windows++;
      last = start;
    }
  return windows;
}
