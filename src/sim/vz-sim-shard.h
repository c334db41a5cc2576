/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * VzSimShard: a thread with a main context of its own, for a share of the
 * simulator's screens. Every main-loop turn walks all the sources and polls
 * all the sockets of its context, so one loop for 10,000 screens pays for
 * 10,000 sockets on every event; a shard pays for its own share, and the
 * shards can use several cores. Turns are also spaced by the number of
 * descriptors of the whole fleet (its shards' descriptors times @n_shards;
 * TURN_US_PER_FD each, at most MAX_TURN_US), so that a busy shard handles the
 * events of many sockets in one turn instead of one turn per event, and all
 * the shards together spend a bounded share of a core on their loops.
 *
 * Objects used in a shard are created, used and dropped in its thread
 * (libsoup sessions and VzTimers belong to the context they were made in);
 * other threads reach them with vz_sim_shard_invoke().
 */
typedef struct _VzSimShard VzSimShard;

/* Starts the thread; @name names it; @n_shards is how many the fleet has. */
VzSimShard   *vz_sim_shard_new         (const char     *name,
                                        guint           n_shards);
/* Runs @func (@data) in the shard's thread, soon; @notify frees @data
 * there (or in the caller of free(), when the shard ends first). */
void          vz_sim_shard_invoke      (VzSimShard     *shard,
                                        GSourceFunc     func,
                                        gpointer        data,
                                        GDestroyNotify  notify);
/* Runs @teardown (@data) in the shard's thread, stops its loop, lets what was
 * pending there run out, and joins the thread. */
void          vz_sim_shard_free        (VzSimShard     *shard,
                                        GSourceFunc     teardown,
                                        gpointer        data);

G_END_DECLS
