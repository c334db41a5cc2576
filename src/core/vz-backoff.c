/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-core"

#include "config.h"

#include <math.h>

#include "vz-backoff.h"

struct _VzBackoff
{
  GObject parent_instance;

  guint   initial_delay;
  double  factor;
  guint   max_delay;
  double  jitter_min;
  double  jitter_max;
  guint   attempt;

  GRand              *rand;
  VzBackoffRandomFunc random_func;
  gpointer            random_data;
  GDestroyNotify      random_destroy;

  VzBackoffClockFunc  clock_func;
  gpointer            clock_data;
  GDestroyNotify      clock_destroy;

  /* Rate limit: ring of the last max_attempts attempt times (µs). */
  guint   rate_max;
  gint64  rate_window;
  gint64 *rate_times;
  guint   rate_count;
  guint   rate_head;
};

G_DEFINE_FINAL_TYPE (VzBackoff, vz_backoff, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INITIAL_DELAY,
  PROP_FACTOR,
  PROP_MAX_DELAY,
  PROP_JITTER_MIN,
  PROP_JITTER_MAX,
  PROP_ATTEMPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vz_backoff_finalize (GObject *object)
{
  VzBackoff *self = VZ_BACKOFF (object);

  if (self->random_destroy != NULL)
    self->random_destroy (self->random_data);
  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->rate_times, g_free);

  G_OBJECT_CLASS (vz_backoff_parent_class)->finalize (object);
}

static void
vz_backoff_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VzBackoff *self = VZ_BACKOFF (object);

  switch (prop_id)
    {
    case PROP_INITIAL_DELAY: g_value_set_uint (value, self->initial_delay); break;
    case PROP_FACTOR:        g_value_set_double (value, self->factor); break;
    case PROP_MAX_DELAY:     g_value_set_uint (value, self->max_delay); break;
    case PROP_JITTER_MIN:    g_value_set_double (value, self->jitter_min); break;
    case PROP_JITTER_MAX:    g_value_set_double (value, self->jitter_max); break;
    case PROP_ATTEMPT:       g_value_set_uint (value, self->attempt); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_backoff_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VzBackoff *self = VZ_BACKOFF (object);

  /* All construct-only: a policy does not change under a running sequence. */
  switch (prop_id)
    {
    case PROP_INITIAL_DELAY: self->initial_delay = g_value_get_uint (value); break;
    case PROP_FACTOR:        self->factor = g_value_get_double (value); break;
    case PROP_MAX_DELAY:     self->max_delay = g_value_get_uint (value); break;
    case PROP_JITTER_MIN:    self->jitter_min = g_value_get_double (value); break;
    case PROP_JITTER_MAX:    self->jitter_max = g_value_get_double (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_backoff_constructed (GObject *object)
{
  VzBackoff *self = VZ_BACKOFF (object);

  G_OBJECT_CLASS (vz_backoff_parent_class)->constructed (object);

  if (self->jitter_max < self->jitter_min)
    {
      double t = self->jitter_max;
      self->jitter_max = self->jitter_min;
      self->jitter_min = t;
    }
  if (self->max_delay < self->initial_delay)
    self->max_delay = self->initial_delay;
}

static void
vz_backoff_class_init (VzBackoffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_backoff_finalize;
  object_class->get_property = vz_backoff_get_property;
  object_class->set_property = vz_backoff_set_property;
  object_class->constructed = vz_backoff_constructed;

  properties[PROP_INITIAL_DELAY] =
    g_param_spec_uint ("initial-delay", NULL, NULL, 1, G_MAXUINT, 1000, flags);
  properties[PROP_FACTOR] =
    g_param_spec_double ("factor", NULL, NULL, 1.0, 100.0, 2.0, flags);
  properties[PROP_MAX_DELAY] =
    g_param_spec_uint ("max-delay", NULL, NULL, 1, G_MAXUINT, 30000, flags);
  properties[PROP_JITTER_MIN] =
    g_param_spec_double ("jitter-min", NULL, NULL, 0.0, 10.0, 0.5, flags);
  properties[PROP_JITTER_MAX] =
    g_param_spec_double ("jitter-max", NULL, NULL, 0.0, 10.0, 1.5, flags);
  properties[PROP_ATTEMPT] =
    g_param_spec_uint ("attempt", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_backoff_init (VzBackoff *self)
{
  self->initial_delay = 1000;
  self->factor = 2.0;
  self->max_delay = 30000;
  self->jitter_min = 0.5;
  self->jitter_max = 1.5;
}

VzBackoff *
vz_backoff_new (void)
{
  return g_object_new (VZ_TYPE_BACKOFF, NULL);
}

VzBackoff *
vz_backoff_new_full (guint  initial_delay_ms,
                     double factor,
                     guint  max_delay_ms,
                     double jitter_min,
                     double jitter_max)
{
  g_return_val_if_fail (initial_delay_ms > 0, NULL);
  g_return_val_if_fail (factor >= 1.0, NULL);

  return g_object_new (VZ_TYPE_BACKOFF,
                       "initial-delay", initial_delay_ms,
                       "factor", factor,
                       "max-delay", max_delay_ms,
                       "jitter-min", jitter_min,
                       "jitter-max", jitter_max,
                       NULL);
}

void
vz_backoff_set_seed (VzBackoff *self,
                     guint32    seed)
{
  g_return_if_fail (VZ_IS_BACKOFF (self));

  g_clear_pointer (&self->rand, g_rand_free);
  self->rand = g_rand_new_with_seed (seed);
}

void
vz_backoff_set_random_func (VzBackoff          *self,
                            VzBackoffRandomFunc func,
                            gpointer            user_data,
                            GDestroyNotify      destroy)
{
  g_return_if_fail (VZ_IS_BACKOFF (self));

  if (self->random_destroy != NULL)
    self->random_destroy (self->random_data);
  self->random_func = func;
  self->random_data = user_data;
  self->random_destroy = destroy;
}

void
vz_backoff_set_clock_func (VzBackoff          *self,
                           VzBackoffClockFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (VZ_IS_BACKOFF (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock_func = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
}

void
vz_backoff_set_rate_limit (VzBackoff *self,
                           guint      max_attempts,
                           guint      window_ms)
{
  g_return_if_fail (VZ_IS_BACKOFF (self));

  g_clear_pointer (&self->rate_times, g_free);
  self->rate_max = window_ms > 0 ? max_attempts : 0;
  self->rate_window = (gint64) window_ms * 1000;
  self->rate_count = 0;
  self->rate_head = 0;
  if (self->rate_max > 0)
    self->rate_times = g_new0 (gint64, self->rate_max);
}

static double
next_random (VzBackoff *self)
{
  if (self->random_func != NULL)
    {
      /* Drawn once: CLAMP() evaluates its argument up to three times. */
      double r = self->random_func (self->random_data);

      return CLAMP (r, 0.0, 1.0);
    }
  if (self->rand != NULL)
    return g_rand_double (self->rand);
  return g_random_double ();
}

static gint64
now_us (VzBackoff *self)
{
  return self->clock_func != NULL ? self->clock_func (self->clock_data) : g_get_monotonic_time ();
}

/* Records an attempt wanted @delay_ms from now; returns the delay the rate
 * limit allows (≥ @delay_ms). */
static double
rate_limit (VzBackoff *self,
            double     delay_ms)
{
  gint64 now, at;

  if (self->rate_max == 0)
    return delay_ms;

  now = now_us (self);
  at = now + (gint64) delay_ms * 1000;
  /* The ring is full: the oldest recorded attempt must leave the window first. */
  if (self->rate_count == self->rate_max)
    {
      gint64 oldest = self->rate_times[self->rate_head];
      if (at < oldest + self->rate_window)
        at = oldest + self->rate_window;
    }
  self->rate_times[self->rate_head] = at;
  self->rate_head = (self->rate_head + 1) % self->rate_max;
  self->rate_count = MIN (self->rate_count + 1, self->rate_max);
  return (double) ((at - now + 999) / 1000);
}

guint
vz_backoff_claim_attempt (VzBackoff *self)
{
  double delay;

  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0);

  /* Not inside MIN(): it would record the attempt twice. */
  delay = rate_limit (self, 0);
  return (guint) MIN (delay, (double) G_MAXUINT);
}

guint
vz_backoff_next_delay (VzBackoff *self)
{
  double base, delay;

  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0);

  /* pow() of a large attempt count is inf, which MIN() turns into the cap. */
  base = MIN ((double) self->max_delay, self->initial_delay * pow (self->factor, self->attempt));
  delay = base * (self->jitter_min + (self->jitter_max - self->jitter_min) * next_random (self));
  delay = rate_limit (self, MIN (delay, (double) self->max_delay));

  if (self->attempt < G_MAXUINT)
    {
      self->attempt++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT]);
    }
  return (guint) MIN (delay, (double) G_MAXUINT);
}

void
vz_backoff_reset (VzBackoff *self)
{
  g_return_if_fail (VZ_IS_BACKOFF (self));

  if (self->attempt == 0)
    return;
  self->attempt = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT]);
}

guint
vz_backoff_get_attempt (VzBackoff *self)
{
  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0);
  return self->attempt;
}

guint
vz_backoff_get_initial_delay (VzBackoff *self)
{
  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0);
  return self->initial_delay;
}

double
vz_backoff_get_factor (VzBackoff *self)
{
  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0.0);
  return self->factor;
}

guint
vz_backoff_get_max_delay (VzBackoff *self)
{
  g_return_val_if_fail (VZ_IS_BACKOFF (self), 0);
  return self->max_delay;
}
