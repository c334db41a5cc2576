/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * VzTimer: a one-shot deadline without a GSource of its own. Every main-loop
 * turn walks all the sources of the context, so ten thousand connections that
 * each keep a ping watchdog and ack deadlines as sources make every turn ten
 * thousand times dearer. The VzTimers of a main context share one source on
 * it, whose ready time follows the earliest deadline; the deadlines are kept
 * in order, so arming, re-arming and disarming cost O(log n) and a turn costs
 * nothing per timer.
 *
 * A timer belongs to the thread-default main context of the thread that
 * creates it, fires there, and is armed, disarmed and freed from that thread
 * only; timers of different threads are independent. Timers fire in deadline
 * order, each once per arming, no earlier than their deadline. A timer is
 * disarmed when its function runs, which may arm it again or free it (or any
 * other timer).
 */
typedef struct _VzTimer VzTimer;
typedef void (*VzTimerFunc) (gpointer user_data);

VzTimer  *vz_timer_new       (VzTimerFunc  func,
                              gpointer     user_data);
/* Disarms and frees. */
void      vz_timer_free      (VzTimer     *timer);
/* (Re)starts the timer: it fires @timeout_ms from now. */
void      vz_timer_arm       (VzTimer     *timer,
                              guint        timeout_ms);
void      vz_timer_disarm    (VzTimer     *timer);
gboolean  vz_timer_is_armed  (VzTimer     *timer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzTimer, vz_timer_free)

G_END_DECLS
