/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include "vz-sim-shard.h"

/* Walking the sources and polling costs about 1 µs per descriptor per turn;
 * turns spaced by 4 µs per descriptor of the whole fleet keep that to about a
 * quarter of a core for all the shards together, however busy. */
#define TURN_US_PER_FD  4
#define MAX_TURN_US     50000

struct _VzSimShard {
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  guint         n_shards;
};

typedef struct {
  gint64 last_turn;
  guint  n_shards;
} PollState;

/* Per thread: each shard polls from its own. */
static GPrivate poll_state_key;

static gint
spaced_poll (GPollFD *fds,
             guint    n_fds,
             gint     timeout_ms)
{
  PollState *state = g_private_get (&poll_state_key);
  gint64 gap = MIN ((gint64) n_fds * state->n_shards * TURN_US_PER_FD, MAX_TURN_US);
  gint64 wait = state->last_turn + gap - g_get_monotonic_time ();
  gint ret;

  /* Also when something is ready already (a timeout of 0): libsoup keeps idle
   * sources ready while its requests are under way. */
  if (wait > 0)
    {
      g_usleep (wait);
      if (timeout_ms > 0)
        timeout_ms = MAX (0, timeout_ms - (gint) (wait / 1000));
    }
  ret = g_poll (fds, n_fds, timeout_ms);
  state->last_turn = g_get_monotonic_time ();
  return ret;
}

static gpointer
shard_thread (gpointer user_data)
{
  VzSimShard *shard = user_data;
  PollState state = { 0, shard->n_shards };

  g_private_set (&poll_state_key, &state);
  g_main_context_push_thread_default (shard->context);
  g_main_loop_run (shard->loop);
  /* What is left (cancelled requests finishing, objects let go) runs out here. */
  while (g_main_context_iteration (shard->context, FALSE))
    ;
  g_main_context_pop_thread_default (shard->context);
  g_private_set (&poll_state_key, NULL);
  return NULL;
}

VzSimShard *
vz_sim_shard_new (const char *name,
                  guint       n_shards)
{
  VzSimShard *shard = g_new0 (VzSimShard, 1);

  shard->n_shards = MAX (n_shards, 1);
  shard->context = g_main_context_new ();
  g_main_context_set_poll_func (shard->context, spaced_poll);
  shard->loop = g_main_loop_new (shard->context, FALSE);
  shard->thread = g_thread_new (name, shard_thread, shard);
  return shard;
}

void
vz_sim_shard_invoke (VzSimShard     *shard,
                     GSourceFunc     func,
                     gpointer        data,
                     GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[vizora-sim] shard call");
  g_source_attach (source, shard->context);
  g_source_unref (source);
}

typedef struct {
  VzSimShard  *shard;
  GSourceFunc  teardown;
  gpointer     data;
} Teardown;

static gboolean
teardown_cb (gpointer user_data)
{
  Teardown *t = user_data;

  t->teardown (t->data);
  g_main_loop_quit (t->shard->loop);
  return G_SOURCE_REMOVE;
}

void
vz_sim_shard_free (VzSimShard  *shard,
                   GSourceFunc  teardown,
                   gpointer     data)
{
  Teardown t = { shard, teardown, data };

  if (shard == NULL)
    return;

  vz_sim_shard_invoke (shard, teardown_cb, &t, NULL);
  g_thread_join (shard->thread);
  g_main_loop_unref (shard->loop);
  g_main_context_unref (shard->context);
  g_free (shard);
}
