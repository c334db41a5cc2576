/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  VZ_CIRCUIT_STATE_CLOSED,     /* calls go through */
  VZ_CIRCUIT_STATE_OPEN,       /* calls fail fast until "retry-at" */
  VZ_CIRCUIT_STATE_HALF_OPEN,  /* one probe at a time; successes close, a failure reopens */
} VzCircuitState;

#define VZ_TYPE_CIRCUIT_STATE (vz_circuit_state_get_type ())
GType vz_circuit_state_get_type (void);

/* Monotonic time in microseconds, like g_get_monotonic_time(). */
typedef gint64 (*VzCircuitClockFunc) (gpointer user_data);

#define VZ_TYPE_CIRCUIT_BREAKER (vz_circuit_breaker_get_type ())
G_DECLARE_FINAL_TYPE (VzCircuitBreaker, vz_circuit_breaker, VZ, CIRCUIT_BREAKER, GObject)

/*
 * VzCircuitBreaker: one per server. Stops calling a server that keeps
 * failing, so that a dead server costs nothing and is not hammered, then
 * probes it carefully.
 *
 *   closed     --("breaker-failure-threshold" failures in a row)--> open
 *   open       --("breaker-cooldown" seconds, on the next allow())--> half-open
 *   half-open  --(a failure)--> open (a new cooldown)
 *   half-open  --("breaker-success-threshold" successes in a row)--> closed
 *
 * In half-open only one call (the probe) is let through at a time: the next
 * one waits until the probe's outcome is recorded. A success in closed
 * resets the failure count. The state machine runs no timers: time is read
 * from the clock (injectable, so tests never sleep) when allow() is called;
 * a caller that wants to probe as soon as possible schedules its own timeout
 * at "retry-at".
 *
 * Properties (notify on real change):
 *   "state"                      VzCircuitState, read-only
 *   "retry-at"                   gint64, read-only: monotonic µs at which the
 *                                open breaker lets a probe through (0 unless open)
 *   "breaker-failure-threshold"  guint ≥ 1, default 5
 *   "breaker-cooldown"           double seconds, default 60
 *   "breaker-success-threshold"  guint ≥ 1, default 2
 * The last three are named like the GSettings keys, for g_settings_bind().
 */

VzCircuitBreaker *vz_circuit_breaker_new               (void);

/* Replaces the clock (default g_get_monotonic_time). */
void              vz_circuit_breaker_set_clock         (VzCircuitBreaker   *self,
                                                        VzCircuitClockFunc  func,
                                                        gpointer            user_data,
                                                        GDestroyNotify      destroy);

/*
 * Asks to make a call now. TRUE: go ahead, then report its outcome with
 * record_success() or record_failure(). FALSE: fail fast, with
 * VZ_API_ERROR_CIRCUIT_OPEN and the sentence of vz_circuit_breaker_describe().
 * An open breaker whose cooldown is over turns half-open here and lets this
 * call through as its probe.
 */
gboolean          vz_circuit_breaker_allow             (VzCircuitBreaker   *self,
                                                        GError            **error);
void              vz_circuit_breaker_record_success    (VzCircuitBreaker   *self);
/* Only failures that say the server is unwell should be recorded (network,
 * timeout, 5xx, 429); a 404 or a 412 is the server working fine. */
void              vz_circuit_breaker_record_failure    (VzCircuitBreaker   *self);
/* Back to closed with clean counts (e.g. the user switched servers). */
void              vz_circuit_breaker_reset             (VzCircuitBreaker   *self);

VzCircuitState    vz_circuit_breaker_get_state         (VzCircuitBreaker   *self);
gint64            vz_circuit_breaker_get_retry_at      (VzCircuitBreaker   *self);
/* Consecutive failures counted so far in closed state. */
guint             vz_circuit_breaker_get_failures      (VzCircuitBreaker   *self);

guint             vz_circuit_breaker_get_failure_threshold (VzCircuitBreaker *self);
void              vz_circuit_breaker_set_failure_threshold (VzCircuitBreaker *self,
                                                            guint             threshold);
double            vz_circuit_breaker_get_cooldown          (VzCircuitBreaker *self);
void              vz_circuit_breaker_set_cooldown          (VzCircuitBreaker *self,
                                                            double            seconds);
guint             vz_circuit_breaker_get_success_threshold (VzCircuitBreaker *self);
void              vz_circuit_breaker_set_success_threshold (VzCircuitBreaker *self,
                                                            guint             threshold);

/*
 * A sentence for people about the server's availability, read at the
 * clock's current time, or NULL when the breaker is closed:
 *   open:      "The server is not answering. Vizora will try again in 40 seconds."
 *   half-open: "The server is not answering. Vizora is trying again now."
 */
char             *vz_circuit_breaker_describe          (VzCircuitBreaker   *self);

G_END_DECLS
