/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-circuit-breaker"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vz-api-error.h"
#include "vz-circuit-breaker.h"

G_DEFINE_ENUM_TYPE (VzCircuitState, vz_circuit_state,
  G_DEFINE_ENUM_VALUE (VZ_CIRCUIT_STATE_CLOSED, "closed"),
  G_DEFINE_ENUM_VALUE (VZ_CIRCUIT_STATE_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (VZ_CIRCUIT_STATE_HALF_OPEN, "half-open"))

struct _VzCircuitBreaker
{
  GObject parent_instance;

  VzCircuitState state;
  guint failures;           /* in a row, while closed */
  guint successes;          /* in a row, while half-open */
  gboolean probe_in_flight; /* half-open lets one call through at a time */
  gint64 opened_at;
  gint64 retry_at;

  guint failure_threshold;
  double cooldown;
  guint success_threshold;

  VzCircuitClockFunc clock_func;
  gpointer clock_data;
  GDestroyNotify clock_destroy;
};

G_DEFINE_FINAL_TYPE (VzCircuitBreaker, vz_circuit_breaker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_RETRY_AT,
  PROP_FAILURE_THRESHOLD,
  PROP_COOLDOWN,
  PROP_SUCCESS_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_us (VzCircuitBreaker *self)
{
  return self->clock_func != NULL ? self->clock_func (self->clock_data) : g_get_monotonic_time ();
}

static void
set_retry_at (VzCircuitBreaker *self,
              gint64            retry_at)
{
  if (self->retry_at == retry_at)
    return;
  self->retry_at = retry_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_AT]);
}

/* Both thresholds count at least one call. TRUE when the value changed. */
static gboolean
set_threshold (VzCircuitBreaker *self,
               guint            *field,
               guint             threshold,
               guint             prop_id)
{
  threshold = MAX (threshold, 1);
  if (*field == threshold)
    return FALSE;
  *field = threshold;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return TRUE;
}

static void
set_state (VzCircuitBreaker *self,
           VzCircuitState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Opening and resetting both start counting afresh. */
static void
clear_counts (VzCircuitBreaker *self)
{
  self->failures = 0;
  self->successes = 0;
  self->probe_in_flight = FALSE;
}

static void
trip (VzCircuitBreaker *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  clear_counts (self);
  self->opened_at = now_us (self);
  set_retry_at (self, self->opened_at + (gint64) (self->cooldown * G_USEC_PER_SEC));
  set_state (self, VZ_CIRCUIT_STATE_OPEN);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
vz_circuit_breaker_finalize (GObject *object)
{
  VzCircuitBreaker *self = VZ_CIRCUIT_BREAKER (object);

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);

  G_OBJECT_CLASS (vz_circuit_breaker_parent_class)->finalize (object);
}

static void
vz_circuit_breaker_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VzCircuitBreaker *self = VZ_CIRCUIT_BREAKER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RETRY_AT:
      g_value_set_int64 (value, self->retry_at);
      break;
    case PROP_FAILURE_THRESHOLD:
      g_value_set_uint (value, self->failure_threshold);
      break;
    case PROP_COOLDOWN:
      g_value_set_double (value, self->cooldown);
      break;
    case PROP_SUCCESS_THRESHOLD:
      g_value_set_uint (value, self->success_threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_circuit_breaker_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VzCircuitBreaker *self = VZ_CIRCUIT_BREAKER (object);

  switch (prop_id)
    {
    case PROP_FAILURE_THRESHOLD:
      vz_circuit_breaker_set_failure_threshold (self, g_value_get_uint (value));
      break;
    case PROP_COOLDOWN:
      vz_circuit_breaker_set_cooldown (self, g_value_get_double (value));
      break;
    case PROP_SUCCESS_THRESHOLD:
      vz_circuit_breaker_set_success_threshold (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_circuit_breaker_class_init (VzCircuitBreakerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vz_circuit_breaker_finalize;
  object_class->get_property = vz_circuit_breaker_get_property;
  object_class->set_property = vz_circuit_breaker_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VZ_TYPE_CIRCUIT_STATE, VZ_CIRCUIT_STATE_CLOSED, ro);
  properties[PROP_RETRY_AT] =
    g_param_spec_int64 ("retry-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_FAILURE_THRESHOLD] =
    g_param_spec_uint ("breaker-failure-threshold", NULL, NULL, 1, G_MAXUINT, 5, rw);
  properties[PROP_COOLDOWN] =
    g_param_spec_double ("breaker-cooldown", NULL, NULL, 0.0, 86400.0, 60.0, rw);
  properties[PROP_SUCCESS_THRESHOLD] =
    g_param_spec_uint ("breaker-success-threshold", NULL, NULL, 1, G_MAXUINT, 2, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_circuit_breaker_init (VzCircuitBreaker *self)
{
  self->state = VZ_CIRCUIT_STATE_CLOSED;
  self->failure_threshold = 5;
  self->cooldown = 60.0;
  self->success_threshold = 2;
}

VzCircuitBreaker *
vz_circuit_breaker_new (void)
{
  return g_object_new (VZ_TYPE_CIRCUIT_BREAKER, NULL);
}

void
vz_circuit_breaker_set_clock (VzCircuitBreaker   *self,
                              VzCircuitClockFunc  func,
                              gpointer            user_data,
                              GDestroyNotify      destroy)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock_func = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
}

gboolean
vz_circuit_breaker_allow (VzCircuitBreaker  *self,
                          GError           **error)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (self->state)
    {
    case VZ_CIRCUIT_STATE_CLOSED:
      return TRUE;

    case VZ_CIRCUIT_STATE_OPEN:
      if (now_us (self) < self->retry_at)
        break;
      g_object_freeze_notify (G_OBJECT (self));
      self->successes = 0;
      self->probe_in_flight = TRUE;
      set_retry_at (self, 0);
      set_state (self, VZ_CIRCUIT_STATE_HALF_OPEN);
      g_object_thaw_notify (G_OBJECT (self));
      return TRUE;

    case VZ_CIRCUIT_STATE_HALF_OPEN:
      if (self->probe_in_flight)
        break;
      self->probe_in_flight = TRUE;
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    {
      g_autofree char *sentence = vz_circuit_breaker_describe (self);

      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_CIRCUIT_OPEN, sentence);
    }
  return FALSE;
}

void
vz_circuit_breaker_record_success (VzCircuitBreaker *self)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  switch (self->state)
    {
    case VZ_CIRCUIT_STATE_CLOSED:
      self->failures = 0;
      break;

    case VZ_CIRCUIT_STATE_HALF_OPEN:
      self->probe_in_flight = FALSE;
      if (++self->successes >= self->success_threshold)
        {
          self->successes = 0;
          self->failures = 0;
          set_state (self, VZ_CIRCUIT_STATE_CLOSED);
        }
      break;

    case VZ_CIRCUIT_STATE_OPEN:
      /* A late answer to a call made before the breaker opened says little
       * about the server now; the probe after the cooldown will tell. */
      break;

    default:
      g_assert_not_reached ();
    }
}

void
vz_circuit_breaker_record_failure (VzCircuitBreaker *self)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  switch (self->state)
    {
    case VZ_CIRCUIT_STATE_CLOSED:
      if (++self->failures >= self->failure_threshold)
        trip (self);
      break;

    case VZ_CIRCUIT_STATE_HALF_OPEN:
      trip (self);
      break;

    case VZ_CIRCUIT_STATE_OPEN:
      /* Late failures of calls started before it opened: the cooldown
       * already runs from the moment it opened. */
      break;

    default:
      g_assert_not_reached ();
    }
}

void
vz_circuit_breaker_reset (VzCircuitBreaker *self)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  g_object_freeze_notify (G_OBJECT (self));
  clear_counts (self);
  set_retry_at (self, 0);
  set_state (self, VZ_CIRCUIT_STATE_CLOSED);
  g_object_thaw_notify (G_OBJECT (self));
}

VzCircuitState
vz_circuit_breaker_get_state (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), VZ_CIRCUIT_STATE_CLOSED);
  return self->state;
}

gint64
vz_circuit_breaker_get_retry_at (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), 0);
  return self->retry_at;
}

guint
vz_circuit_breaker_get_failures (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), 0);
  return self->failures;
}

guint
vz_circuit_breaker_get_failure_threshold (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), 0);
  return self->failure_threshold;
}

void
vz_circuit_breaker_set_failure_threshold (VzCircuitBreaker *self,
                                          guint             threshold)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  if (!set_threshold (self, &self->failure_threshold, threshold, PROP_FAILURE_THRESHOLD))
    return;
  /* A lower threshold applies to the failures already counted. */
  if (self->state == VZ_CIRCUIT_STATE_CLOSED && self->failures >= threshold)
    trip (self);
}

double
vz_circuit_breaker_get_cooldown (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), 0.0);
  return self->cooldown;
}

void
vz_circuit_breaker_set_cooldown (VzCircuitBreaker *self,
                                 double            seconds)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  if (isnan (seconds))
    seconds = 60.0;
  seconds = CLAMP (seconds, 0.0, 86400.0);
  if (self->cooldown == seconds)
    return;
  self->cooldown = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COOLDOWN]);
  /* An open breaker follows the new setting from the time it opened. */
  if (self->state == VZ_CIRCUIT_STATE_OPEN)
    set_retry_at (self, self->opened_at + (gint64) (seconds * G_USEC_PER_SEC));
}

guint
vz_circuit_breaker_get_success_threshold (VzCircuitBreaker *self)
{
  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), 0);
  return self->success_threshold;
}

void
vz_circuit_breaker_set_success_threshold (VzCircuitBreaker *self,
                                          guint             threshold)
{
  g_return_if_fail (VZ_IS_CIRCUIT_BREAKER (self));

  set_threshold (self, &self->success_threshold, threshold, PROP_SUCCESS_THRESHOLD);
}

char *
vz_circuit_breaker_describe (VzCircuitBreaker *self)
{
  gint64 remaining_us;
  gint64 seconds;

  g_return_val_if_fail (VZ_IS_CIRCUIT_BREAKER (self), NULL);

  if (self->state == VZ_CIRCUIT_STATE_CLOSED)
    return NULL;

  remaining_us = self->state == VZ_CIRCUIT_STATE_OPEN ? self->retry_at - now_us (self) : 0;
  if (remaining_us <= 0)
    return g_strdup (_("The server is not answering. Vizora is trying again now."));

  /* Rounded up: "in 0 seconds" would be a lie while it still waits. */
  seconds = (remaining_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  if (seconds < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The server is not answering. Vizora will try again in %d second.",
                                         "The server is not answering. Vizora will try again in %d seconds.",
                                         (gulong) seconds),
                            (int) seconds);
  else
    {
      gint64 minutes = (seconds + 59) / 60;

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The server is not answering. Vizora will try again in %d minute.",
                                           "The server is not answering. Vizora will try again in %d minutes.",
                                           (gulong) minutes),
                              (int) minutes);
    }
}
