/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-retry-policy"

#include <gio/gio.h>
#include <math.h>

#include "vz-api-error.h"
#include "vz-retry-policy.h"

G_DEFINE_ENUM_TYPE (VzRetryDecision, vz_retry_decision,
  G_DEFINE_ENUM_VALUE (VZ_RETRY_DECISION_RETRY, "retry"),
  G_DEFINE_ENUM_VALUE (VZ_RETRY_DECISION_REFRESH_THEN_RETRY, "refresh-then-retry"),
  G_DEFINE_ENUM_VALUE (VZ_RETRY_DECISION_CONFLICT, "conflict"),
  G_DEFINE_ENUM_VALUE (VZ_RETRY_DECISION_WAIT, "wait"),
  G_DEFINE_ENUM_VALUE (VZ_RETRY_DECISION_GIVE_UP, "give-up"))

/* A Retry-After beyond a day is a server bug; waiting that long helps nobody. */
#define MAX_RETRY_AFTER_S (24 * 60 * 60)
/* Past this many retries every factor ≥ 1.0 VzBackoff accepts has long
 * reached any cap, so replaying more of the sequence changes nothing. */
#define MAX_REPLAYED_RETRIES 1000

struct _VzRetryPolicy
{
  GObject parent_instance;

  guint max_attempts;
  double initial_delay;
  double factor;
  double max_delay;
  double jitter_min;
  double jitter_max;

  VzBackoff *backoff;         /* rebuilt when a setting changes */
  gboolean replaying;         /* drawing no randomness while fast-forwarding */

  GRand *rand;
  VzBackoffRandomFunc random_func;
  gpointer random_data;
  GDestroyNotify random_destroy;
};

G_DEFINE_FINAL_TYPE (VzRetryPolicy, vz_retry_policy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RETRY_ATTEMPTS,
  PROP_RETRY_INITIAL_DELAY,
  PROP_RETRY_FACTOR,
  PROP_RETRY_MAX_DELAY,
  PROP_JITTER_MIN,
  PROP_JITTER_MAX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
policy_random (gpointer user_data)
{
  VzRetryPolicy *self = user_data;

  if (self->replaying)
    return 0.0;
  if (self->random_func != NULL)
    return self->random_func (self->random_data);
  return g_rand_double (self->rand);
}

static void
rebuild_backoff (VzRetryPolicy *self)
{
  guint initial_ms = (guint) CLAMP (round (self->initial_delay * 1000.0), 1.0, (double) G_MAXUINT);
  guint max_ms = (guint) CLAMP (round (self->max_delay * 1000.0), 1.0, (double) G_MAXUINT);

  g_clear_object (&self->backoff);
  self->backoff = vz_backoff_new_full (initial_ms, self->factor, MAX (max_ms, initial_ms),
                                       self->jitter_min, self->jitter_max);
  /* The backoff lives no longer than the policy: no reference needed. */
  vz_backoff_set_random_func (self->backoff, policy_random, self, NULL);
}

static void
vz_retry_policy_finalize (GObject *object)
{
  VzRetryPolicy *self = VZ_RETRY_POLICY (object);

  g_clear_object (&self->backoff);
  if (self->random_destroy != NULL)
    self->random_destroy (self->random_data);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (vz_retry_policy_parent_class)->finalize (object);
}

static void
vz_retry_policy_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzRetryPolicy *self = VZ_RETRY_POLICY (object);

  switch (prop_id)
    {
    case PROP_RETRY_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_RETRY_INITIAL_DELAY:
      g_value_set_double (value, self->initial_delay);
      break;
    case PROP_RETRY_FACTOR:
      g_value_set_double (value, self->factor);
      break;
    case PROP_RETRY_MAX_DELAY:
      g_value_set_double (value, self->max_delay);
      break;
    case PROP_JITTER_MIN:
      g_value_set_double (value, self->jitter_min);
      break;
    case PROP_JITTER_MAX:
      g_value_set_double (value, self->jitter_max);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_retry_policy_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzRetryPolicy *self = VZ_RETRY_POLICY (object);

  switch (prop_id)
    {
    case PROP_RETRY_ATTEMPTS:
      vz_retry_policy_set_max_attempts (self, g_value_get_uint (value));
      break;
    case PROP_RETRY_INITIAL_DELAY:
      vz_retry_policy_set_initial_delay (self, g_value_get_double (value));
      break;
    case PROP_RETRY_FACTOR:
      vz_retry_policy_set_factor (self, g_value_get_double (value));
      break;
    case PROP_RETRY_MAX_DELAY:
      vz_retry_policy_set_max_delay (self, g_value_get_double (value));
      break;
    case PROP_JITTER_MIN:
      vz_retry_policy_set_jitter (self, g_value_get_double (value), self->jitter_max);
      break;
    case PROP_JITTER_MAX:
      vz_retry_policy_set_jitter (self, self->jitter_min, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_retry_policy_class_init (VzRetryPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vz_retry_policy_finalize;
  object_class->get_property = vz_retry_policy_get_property;
  object_class->set_property = vz_retry_policy_set_property;

  properties[PROP_RETRY_ATTEMPTS] =
    g_param_spec_uint ("retry-attempts", NULL, NULL, 1, G_MAXUINT, 3, flags);
  properties[PROP_RETRY_INITIAL_DELAY] =
    g_param_spec_double ("retry-initial-delay", NULL, NULL, 0.001, 86400.0, 1.0, flags);
  properties[PROP_RETRY_FACTOR] =
    g_param_spec_double ("retry-factor", NULL, NULL, 1.0, 100.0, 2.0, flags);
  properties[PROP_RETRY_MAX_DELAY] =
    g_param_spec_double ("retry-max-delay", NULL, NULL, 0.001, 86400.0, 30.0, flags);
  properties[PROP_JITTER_MIN] =
    g_param_spec_double ("jitter-min", NULL, NULL, 0.0, 10.0, 0.5, flags);
  properties[PROP_JITTER_MAX] =
    g_param_spec_double ("jitter-max", NULL, NULL, 0.0, 10.0, 1.5, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_retry_policy_init (VzRetryPolicy *self)
{
  self->max_attempts = 3;
  self->initial_delay = 1.0;
  self->factor = 2.0;
  self->max_delay = 30.0;
  self->jitter_min = 0.5;
  self->jitter_max = 1.5;
  self->rand = g_rand_new ();
  rebuild_backoff (self);
}

VzRetryPolicy *
vz_retry_policy_new (void)
{
  return g_object_new (VZ_TYPE_RETRY_POLICY, NULL);
}

guint
vz_retry_policy_get_max_attempts (VzRetryPolicy *self)
{
  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), 0);
  return self->max_attempts;
}

void
vz_retry_policy_set_max_attempts (VzRetryPolicy *self,
                                  guint          attempts)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  attempts = MAX (attempts, 1);
  if (self->max_attempts == attempts)
    return;
  self->max_attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_ATTEMPTS]);
}

double
vz_retry_policy_get_initial_delay (VzRetryPolicy *self)
{
  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), 0.0);
  return self->initial_delay;
}

static gboolean
set_double (VzRetryPolicy *self,
            double        *field,
            double         value,
            guint          prop_id)
{
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (properties[prop_id]);

  /* NaN would poison every delay after it; settings can hold anything. */
  if (isnan (value))
    value = spec->default_value;
  value = CLAMP (value, spec->minimum, spec->maximum);
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

/* The delays follow a new curve at once; listeners hear of it after. */
static void
set_curve_setting (VzRetryPolicy *self,
                   double        *field,
                   double         value,
                   guint          prop_id)
{
  if (!set_double (self, field, value, prop_id))
    return;
  rebuild_backoff (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
vz_retry_policy_set_initial_delay (VzRetryPolicy *self,
                                   double         seconds)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  set_curve_setting (self, &self->initial_delay, seconds, PROP_RETRY_INITIAL_DELAY);
}

double
vz_retry_policy_get_factor (VzRetryPolicy *self)
{
  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), 0.0);
  return self->factor;
}

void
vz_retry_policy_set_factor (VzRetryPolicy *self,
                            double         factor)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  set_curve_setting (self, &self->factor, factor, PROP_RETRY_FACTOR);
}

double
vz_retry_policy_get_max_delay (VzRetryPolicy *self)
{
  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), 0.0);
  return self->max_delay;
}

void
vz_retry_policy_set_max_delay (VzRetryPolicy *self,
                               double         seconds)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  set_curve_setting (self, &self->max_delay, seconds, PROP_RETRY_MAX_DELAY);
}

void
vz_retry_policy_set_jitter (VzRetryPolicy *self,
                            double         jitter_min,
                            double         jitter_max)
{
  gboolean min_changed, max_changed;

  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  min_changed = set_double (self, &self->jitter_min, jitter_min, PROP_JITTER_MIN);
  max_changed = set_double (self, &self->jitter_max, jitter_max, PROP_JITTER_MAX);
  if (!min_changed && !max_changed)
    return;
  rebuild_backoff (self);
  if (min_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JITTER_MIN]);
  if (max_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JITTER_MAX]);
}

void
vz_retry_policy_set_seed (VzRetryPolicy *self,
                          guint32        seed)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  g_rand_set_seed (self->rand, seed);
  vz_retry_policy_set_random_func (self, NULL, NULL, NULL);
}

void
vz_retry_policy_set_random_func (VzRetryPolicy      *self,
                                 VzBackoffRandomFunc func,
                                 gpointer            user_data,
                                 GDestroyNotify      destroy)
{
  g_return_if_fail (VZ_IS_RETRY_POLICY (self));

  if (self->random_destroy != NULL)
    self->random_destroy (self->random_data);
  self->random_func = func;
  self->random_data = user_data;
  self->random_destroy = destroy;
}

VzRetryDecision
vz_retry_policy_classify (VzRetryPolicy *self,
                          const GError  *error)
{
  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), VZ_RETRY_DECISION_GIVE_UP);
  g_return_val_if_fail (error != NULL, VZ_RETRY_DECISION_GIVE_UP);

  if (error->domain == VZ_API_ERROR)
    {
      switch ((VzApiError) error->code)
        {
        case VZ_API_ERROR_NETWORK:
        case VZ_API_ERROR_TIMEOUT:
        case VZ_API_ERROR_SERVER:
        case VZ_API_ERROR_RATE_LIMITED:
        /* Usually a proxy or captive portal answering for the server; the
         * Idempotency-Key makes sending again safe. */
        case VZ_API_ERROR_INVALID_RESPONSE:
          return VZ_RETRY_DECISION_RETRY;
        case VZ_API_ERROR_UNAUTHORIZED:
          return VZ_RETRY_DECISION_REFRESH_THEN_RETRY;
        case VZ_API_ERROR_CONFLICT:
        case VZ_API_ERROR_PRECONDITION_FAILED:
          return VZ_RETRY_DECISION_CONFLICT;
        case VZ_API_ERROR_CIRCUIT_OPEN:
          return VZ_RETRY_DECISION_WAIT;
        case VZ_API_ERROR_BAD_REQUEST:
        case VZ_API_ERROR_FORBIDDEN:
        case VZ_API_ERROR_NOT_FOUND:
        case VZ_API_ERROR_AUTH_INVALID:
        default:
          return VZ_RETRY_DECISION_GIVE_UP;
        }
    }

  /* Errors that reached us unmapped, straight from GIO or libsoup's stack. */
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:   /* also BROKEN_PIPE, its alias */
        case G_IO_ERROR_NOT_CONNECTED:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_HOST_NOT_FOUND:
        case G_IO_ERROR_PROXY_FAILED:
          return VZ_RETRY_DECISION_RETRY;
        default:
          return VZ_RETRY_DECISION_GIVE_UP;
        }
    }
  if (error->domain == G_RESOLVER_ERROR)
    return VZ_RETRY_DECISION_RETRY;

  return VZ_RETRY_DECISION_GIVE_UP;
}

gint64
vz_retry_policy_next_delay (VzRetryPolicy *self,
                            guint          retry)
{
  guint ms;

  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), 0);

  /* VzBackoff counts attempts itself; replaying the earlier ones (without
   * drawing randomness) lets the caller keep the count, which has to
   * survive restarts anyway. */
  retry = CLAMP (retry, 1, MAX_REPLAYED_RETRIES);
  vz_backoff_reset (self->backoff);
  self->replaying = TRUE;
  for (guint i = 1; i < retry; i++)
    vz_backoff_next_delay (self->backoff);
  self->replaying = FALSE;
  ms = vz_backoff_next_delay (self->backoff);

  return (gint64) ms * 1000;
}

VzRetryDecision
vz_retry_policy_decide (VzRetryPolicy *self,
                        const GError  *error,
                        guint          attempts_made,
                        gboolean       token_refreshed,
                        guint          retry_after_s,
                        gint64        *out_delay_us)
{
  VzRetryDecision decision;

  g_return_val_if_fail (VZ_IS_RETRY_POLICY (self), VZ_RETRY_DECISION_GIVE_UP);
  g_return_val_if_fail (error != NULL, VZ_RETRY_DECISION_GIVE_UP);

  if (out_delay_us != NULL)
    *out_delay_us = 0;

  decision = vz_retry_policy_classify (self, error);
  switch (decision)
    {
    case VZ_RETRY_DECISION_REFRESH_THEN_RETRY:
      /* A second 401 right after a refresh means the session itself is gone. */
      return token_refreshed ? VZ_RETRY_DECISION_GIVE_UP : decision;

    case VZ_RETRY_DECISION_RETRY:
      if (attempts_made >= self->max_attempts)
        return VZ_RETRY_DECISION_GIVE_UP;
      if (out_delay_us != NULL)
        {
          if (retry_after_s > 0)
            *out_delay_us = (gint64) MIN (retry_after_s, MAX_RETRY_AFTER_S) * G_USEC_PER_SEC;
          else
            *out_delay_us = vz_retry_policy_next_delay (self, MAX (attempts_made, 1));
        }
      return decision;

    case VZ_RETRY_DECISION_CONFLICT:
    case VZ_RETRY_DECISION_WAIT:
    case VZ_RETRY_DECISION_GIVE_UP:
    default:
      return decision;
    }
}
