/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * VzBackoff: exponential backoff with jitter, plus an optional rate limit.
 *
 * Attempt n (from 0) waits min (max-delay, min (max-delay, initial × factor^n) × j)
 * with j uniform in [jitter-min, jitter-max]; the defaults are the platform's
 * reconnect policy: 1 s, ×2, 30 s cap, j in [0.5, 1.5]. Jitter is applied under
 * the cap so that many clients at the cap still spread out.
 *
 * With a rate limit (at most N attempts in any window of W ms), a delay is
 * stretched until the attempt fits the window, which keeps a link that
 * connects and drops at once from hammering the server even though every
 * good connect resets the exponent.
 *
 * Randomness and time are injectable so that sequences are tested without
 * sleeping: a seed (GRand) or a function returning a double in [0, 1), and a
 * clock returning monotonic microseconds.
 */

typedef double (*VzBackoffRandomFunc) (gpointer user_data);
typedef gint64 (*VzBackoffClockFunc)  (gpointer user_data);

#define VZ_TYPE_BACKOFF (vz_backoff_get_type ())
G_DECLARE_FINAL_TYPE (VzBackoff, vz_backoff, VZ, BACKOFF, GObject)

/* The reconnect defaults: 1000 ms, ×2, 30000 ms, jitter [0.5, 1.5], no rate limit. */
VzBackoff *vz_backoff_new              (void);
VzBackoff *vz_backoff_new_full         (guint               initial_delay_ms,
                                        double              factor,
                                        guint               max_delay_ms,
                                        double              jitter_min,
                                        double              jitter_max);

void       vz_backoff_set_seed         (VzBackoff          *self,
                                        guint32             seed);
void       vz_backoff_set_random_func  (VzBackoff          *self,
                                        VzBackoffRandomFunc func,
                                        gpointer            user_data,
                                        GDestroyNotify      destroy);
void       vz_backoff_set_clock_func   (VzBackoff          *self,
                                        VzBackoffClockFunc  func,
                                        gpointer            user_data,
                                        GDestroyNotify      destroy);
/* At most @max_attempts attempts in any @window_ms; 0 attempts turns the limit off. */
void       vz_backoff_set_rate_limit   (VzBackoff          *self,
                                        guint               max_attempts,
                                        guint               window_ms);

/* The delay before the next attempt, in ms; counts the attempt. */
guint      vz_backoff_next_delay       (VzBackoff          *self);
/* For an attempt outside the backoff sequence (a first connect, a user's
 * retry): 0 when the rate limit allows one now, else the ms until it does.
 * Counts against the rate limit only; the exponent is left alone. */
guint      vz_backoff_claim_attempt    (VzBackoff          *self);
/* Back to the initial delay (after a good connect). The rate-limit history stays. */
void       vz_backoff_reset            (VzBackoff          *self);
guint      vz_backoff_get_attempt      (VzBackoff          *self);

guint      vz_backoff_get_initial_delay (VzBackoff         *self);
double     vz_backoff_get_factor        (VzBackoff         *self);
guint      vz_backoff_get_max_delay     (VzBackoff         *self);

G_END_DECLS
