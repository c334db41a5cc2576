/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vz-backoff.h"

G_BEGIN_DECLS

/* What to do after a request failed. */
typedef enum {
  VZ_RETRY_DECISION_RETRY,               /* wait the given delay, then send again */
  VZ_RETRY_DECISION_REFRESH_THEN_RETRY,  /* 401: refresh the token once, then send again at once */
  VZ_RETRY_DECISION_CONFLICT,            /* 409/412: the entity changed; resolve, don't resend */
  VZ_RETRY_DECISION_WAIT,                /* the circuit breaker refused the call: wait for its
                                            probe time; the attempt does not count */
  VZ_RETRY_DECISION_GIVE_UP,             /* permanent (other 4xx, cancelled) or out of attempts */
} VzRetryDecision;

#define VZ_TYPE_RETRY_DECISION (vz_retry_decision_get_type ())
GType vz_retry_decision_get_type (void);

#define VZ_TYPE_RETRY_POLICY (vz_retry_policy_get_type ())
G_DECLARE_FINAL_TYPE (VzRetryPolicy, vz_retry_policy, VZ, RETRY_POLICY, GObject)

/*
 * VzRetryPolicy: which failures are worth another attempt, and how long to
 * wait before it. A pure function of its settings and the inputs: it keeps
 * no per-request state and runs no timers, so the caller (the outbox sender)
 * keeps the attempt count (VzMutation:attempts survives restarts) and
 * schedules the wait itself. Delays come from a VzBackoff built from the
 * settings.
 *
 * Properties (read-write, notify on real change; names match the GSettings
 * keys so that g_settings_bind() works):
 *   "retry-attempts"       guint  ≥ 1, default 3: requests in all, the first included
 *   "retry-initial-delay"  double seconds, default 1.0: wait before the first retry
 *   "retry-factor"         double ≥ 1, default 2.0: growth per retry
 *   "retry-max-delay"      double seconds, default 30.0: cap of any wait
 *   "jitter-min", "jitter-max"  double, defaults 0.5 and 1.5: each wait is the
 *                          exponential base times a uniform factor in
 *                          [jitter-min, jitter-max], never above the cap
 *
 * Classification (vz_retry_policy_classify()):
 *   VZ_API_ERROR NETWORK, TIMEOUT, SERVER (5xx), RATE_LIMITED (429),
 *   INVALID_RESPONSE (a proxy's page instead of ours), GIO network errors
 *   (refused, unreachable, closed, timed out) and resolver errors → RETRY
 *   UNAUTHORIZED (401)                      → REFRESH_THEN_RETRY
 *   CONFLICT (409), PRECONDITION_FAILED (412) → CONFLICT
 *   CIRCUIT_OPEN                            → WAIT
 *   every other 4xx, AUTH_INVALID, G_IO_ERROR_CANCELLED, anything else → GIVE_UP
 */

VzRetryPolicy   *vz_retry_policy_new             (void);

guint            vz_retry_policy_get_max_attempts  (VzRetryPolicy *self);
void             vz_retry_policy_set_max_attempts  (VzRetryPolicy *self,
                                                    guint          attempts);
double           vz_retry_policy_get_initial_delay (VzRetryPolicy *self);
void             vz_retry_policy_set_initial_delay (VzRetryPolicy *self,
                                                    double         seconds);
double           vz_retry_policy_get_factor        (VzRetryPolicy *self);
void             vz_retry_policy_set_factor        (VzRetryPolicy *self,
                                                    double         factor);
double           vz_retry_policy_get_max_delay     (VzRetryPolicy *self);
void             vz_retry_policy_set_max_delay     (VzRetryPolicy *self,
                                                    double         seconds);
void             vz_retry_policy_set_jitter        (VzRetryPolicy *self,
                                                    double         jitter_min,
                                                    double         jitter_max);

/* Randomness for the jitter, for tests: a seed, or a function returning a
 * double in [0, 1). By default the jitter comes from a randomly seeded GRand. */
void             vz_retry_policy_set_seed          (VzRetryPolicy      *self,
                                                    guint32             seed);
void             vz_retry_policy_set_random_func   (VzRetryPolicy      *self,
                                                    VzBackoffRandomFunc func,
                                                    gpointer            user_data,
                                                    GDestroyNotify      destroy);

VzRetryDecision  vz_retry_policy_classify          (VzRetryPolicy *self,
                                                    const GError  *error);

/* Microseconds to wait before retry number @retry (1 = the first retry, so
 * after the first failed attempt). Draws one jitter value. */
gint64           vz_retry_policy_next_delay        (VzRetryPolicy *self,
                                                    guint          retry);

/*
 * The whole step after a failed attempt:
 *   @attempts_made   attempts so far, the failed one included (≥ 1)
 *   @token_refreshed whether this request already used its one token refresh
 *   @retry_after_s   the server's Retry-After in seconds (0 when absent); it
 *                    replaces the backoff delay for a retry, even above the cap
 *                    (the server knows when it will take requests again)
 * Returns the decision; *@out_delay_us (nullable) gets the wait for RETRY,
 * 0 for every other decision. RETRY becomes GIVE_UP once @attempts_made
 * reaches "retry-attempts"; REFRESH_THEN_RETRY becomes GIVE_UP when the
 * token was already refreshed (the session is over: sign in again).
 */
VzRetryDecision  vz_retry_policy_decide            (VzRetryPolicy *self,
                                                    const GError  *error,
                                                    guint          attempts_made,
                                                    gboolean       token_refreshed,
                                                    guint          retry_after_s,
                                                    gint64        *out_delay_us);

G_END_DECLS
