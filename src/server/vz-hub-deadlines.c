/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include "vz-hub-private.h"

/*
 * The hub's deadlines: pings, pong and connect timeouts, the last fetch of a
 * closing polling peer, and acknowledgements. Every kind has a fixed
 * duration, so each kind is a FIFO already sorted by expiry, and one GSource
 * wakes up for the earliest head. A peer's timer is invalidated lazily by
 * bumping its serial of that kind.
 */

#define ACK_TIMEOUT_MS      10000

static void hub_rearm_timer (VzHub *self);

static guint
deadline_duration_ms (VzHub             *self,
                      VzHubDeadlineKind  kind)
{
  switch (kind)
    {
    case DEADLINE_PING:    return self->ping_interval_ms;
    case DEADLINE_PONG:    return self->ping_timeout_ms;
    case DEADLINE_CLOSING: return self->ping_timeout_ms;
    case DEADLINE_CONNECT: return self->connect_timeout_ms;
    case DEADLINE_ACK:     return ACK_TIMEOUT_MS;
    case N_DEADLINES:
    default:               g_assert_not_reached ();
    }
}

/* Arms the peer's timer of @kind (replacing the previous one) or, for acks, one ack. */
void
_vz_hub_deadline_add (VzHub             *self,
                      VzHubPeer         *peer,
                      VzHubDeadlineKind  kind,
                      guint64            token)
{
  VzHubDeadline *d = g_new (VzHubDeadline, 1);
  gboolean was_empty = g_queue_is_empty (&self->deadlines[kind]);

  d->deadline = g_get_monotonic_time () + (gint64) deadline_duration_ms (self, kind) * 1000;
  d->peer = _vz_hub_peer_ref (peer);
  d->token = token;
  g_queue_push_tail (&self->deadlines[kind], d);
  if (was_empty)
    hub_rearm_timer (self);
}

void
_vz_hub_peer_arm (VzHubPeer         *peer,
                  VzHubDeadlineKind  kind)
{
  peer->serial[kind]++;
  _vz_hub_deadline_add (peer->hub, peer, kind, peer->serial[kind]);
}

void
_vz_hub_peer_disarm (VzHubPeer         *peer,
                     VzHubDeadlineKind  kind)
{
  peer->serial[kind]++;
}

static void
deadline_free (VzHubDeadline *d)
{
  _vz_hub_peer_unref (d->peer);
  g_free (d);
}

static void
deadline_fire (VzHub             *self,
               VzHubDeadlineKind  kind,
               VzHubDeadline     *d)
{
  VzHubPeer *peer = d->peer;

  if (peer->state == PEER_CLOSED)
    return;

  if (kind == DEADLINE_ACK)
    {
      VzHubPendingAck *ack;
      gint64 id = (gint64) d->token;

      ack = g_hash_table_lookup (peer->pending_acks, &id);
      if (ack != NULL)
        {
          VzHubAckFunc func = ack->func;
          gpointer data = ack->data;

          g_hash_table_remove (peer->pending_acks, &id);
          g_debug ("VzHubPeer %s did not acknowledge event %" G_GINT64_FORMAT " in time", _vz_hub_peer_name (peer), id);
          func (self, NULL, data);
        }
      return;
    }

  if (d->token != peer->serial[kind])
    return;

  switch (kind)
    {
    case DEADLINE_PING:
      _vz_hub_peer_send (peer, "2", 1);
      if (peer->state != PEER_CLOSED)
        _vz_hub_peer_arm (peer, DEADLINE_PONG);
      break;
    case DEADLINE_PONG:
      _vz_hub_peer_close (peer, "it did not answer the ping in time", FALSE);
      break;
    case DEADLINE_CONNECT:
      if (peer->state == PEER_OPEN)
        _vz_hub_peer_close (peer, "it did not join the namespace in time", TRUE);
      break;
    case DEADLINE_CLOSING:
      _vz_hub_peer_close (peer, "it never fetched its last packets", FALSE);
      break;
    case DEADLINE_ACK:
    case N_DEADLINES:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
hub_timer_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  VzHub *self = user_data;
  gint64 now = g_get_monotonic_time ();

  g_object_ref (self);
  for (guint kind = 0; kind < N_DEADLINES; kind++)
    {
      VzHubDeadline *d;

      while ((d = g_queue_peek_head (&self->deadlines[kind])) != NULL && d->deadline <= now)
        {
          g_queue_pop_head (&self->deadlines[kind]);
          deadline_fire (self, kind, d);
          deadline_free (d);
        }
    }
  if (self->timer != NULL)
    hub_rearm_timer (self);
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs hub_timer_funcs = {
  NULL, NULL, hub_timer_dispatch, NULL, NULL, NULL,
};

static void
hub_rearm_timer (VzHub *self)
{
  gint64 earliest = -1;

  if (self->timer == NULL)
    return;

  for (guint kind = 0; kind < N_DEADLINES; kind++)
    {
      VzHubDeadline *d = g_queue_peek_head (&self->deadlines[kind]);

      if (d != NULL && (earliest < 0 || d->deadline < earliest))
        earliest = d->deadline;
    }
  g_source_set_ready_time (self->timer, earliest);
}

void
_vz_hub_deadlines_init (VzHub *self)
{
  for (guint kind = 0; kind < N_DEADLINES; kind++)
    g_queue_init (&self->deadlines[kind]);
  self->timer = g_source_new (&hub_timer_funcs, sizeof (GSource));
  g_source_set_callback (self->timer, NULL, self, NULL);
  g_source_set_static_name (self->timer, "[vizora] hub deadlines");
  g_source_set_ready_time (self->timer, -1);
  g_source_attach (self->timer, self->context);
}

void
_vz_hub_deadlines_clear (VzHub *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  for (guint kind = 0; kind < N_DEADLINES; kind++)
    {
      VzHubDeadline *d;
      while ((d = g_queue_pop_head (&self->deadlines[kind])) != NULL)
        deadline_free (d);
    }
}
