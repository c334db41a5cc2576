/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include <gio/gio.h>

#include "vz-hub-private.h"
#include "vz-socketio.h"

/* ---- public API: events to peers, and ending their connections ------------ */

void
vz_hub_emit_to_organization (VzHub      *self,
                             const char *organization_id,
                             const char *event,
                             JsonNode   *payload)
{
  VzHubRoom *room;
  g_autofree char *frame = NULL;
  gsize len;

  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (organization_id != NULL);
  g_return_if_fail (event != NULL);

  room = g_hash_table_lookup (self->rooms, organization_id);
  if (room == NULL || room->members->len == 0)
    return;

  /* Encoded once; every member gets the same bytes. A send may close a
   * member (a failed write): the room then keeps a hole until we are done. */
  frame = vz_sio_encode_event (NULL, VZ_SIO_NO_ACK, event, payload, &len);
  room->emitting++;
  for (guint i = 0; i < room->members->len; i++)
    {
      VzHubPeer *member = g_ptr_array_index (room->members, i);

      if (member != NULL)
        _vz_hub_peer_send (member, frame, len);
    }
  room->emitting--;
  if (room->emitting == 0 && room->holes)
    _vz_hub_room_compact (self, room);
}

void
vz_hub_emit_to_socket (VzHub      *self,
                       const char *socket_id,
                       const char *event,
                       JsonNode   *payload)
{
  VzHubPeer *peer;

  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (socket_id != NULL);
  g_return_if_fail (event != NULL);

  peer = g_hash_table_lookup (self->sockets, socket_id);
  if (peer != NULL)
    _vz_hub_peer_send_event (peer, event, payload);
}

gboolean
vz_hub_emit_to_device (VzHub        *self,
                       const char   *display_id,
                       const char   *event,
                       JsonNode     *payload,
                       VzHubAckFunc  ack_func,
                       gpointer      ack_data)
{
  VzHubPeer *peer;
  gint64 ack_id = VZ_SIO_NO_ACK;
  g_autofree char *frame = NULL;
  gsize len;

  g_return_val_if_fail (VZ_IS_HUB (self), FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  peer = g_hash_table_lookup (self->devices, display_id);
  if (peer == NULL)
    return FALSE;

  if (ack_func != NULL)
    {
      VzHubPendingAck *ack = g_new (VzHubPendingAck, 1);
      gint64 *key = g_new (gint64, 1);

      ack_id = peer->next_ack_id++;
      ack->func = ack_func;
      ack->data = ack_data;
      *key = ack_id;
      g_hash_table_insert (peer->pending_acks, key, ack);
      _vz_hub_deadline_add (self, peer, DEADLINE_ACK, (guint64) ack_id);
    }

  frame = vz_sio_encode_event (NULL, ack_id, event, payload, &len);
  _vz_hub_peer_send (peer, frame, len);
  return TRUE;
}

gboolean
vz_hub_device_is_connected (VzHub      *self,
                            const char *display_id)
{
  g_return_val_if_fail (VZ_IS_HUB (self), FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  return g_hash_table_contains (self->devices, display_id);
}

/* Tells each peer of @list @event, then closes it. */
static void
disconnect_list (GPtrArray  *list,
                 const char *event,
                 JsonNode   *payload)
{
  g_autoptr(GPtrArray) peers = NULL;

  if (list == NULL)
    return;

  /* Closing edits the list we would be walking. */
  peers = g_ptr_array_new_with_free_func ((GDestroyNotify) _vz_hub_peer_unref);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (peers, _vz_hub_peer_ref (g_ptr_array_index (list, i)));

  for (guint i = 0; i < peers->len; i++)
    {
      VzHubPeer *peer = g_ptr_array_index (peers, i);

      if (event != NULL)
        _vz_hub_peer_send_event (peer, event, payload);
      _vz_hub_peer_close (peer, "the server ended its session", TRUE);
    }
}

void
vz_hub_disconnect_subject (VzHub      *self,
                           const char *subject_id,
                           const char *event,
                           JsonNode   *payload)
{
  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (subject_id != NULL);

  disconnect_list (g_hash_table_lookup (self->subjects, subject_id), event, payload);
}

void
vz_hub_disconnect_session (VzHub      *self,
                           const char *session_id,
                           const char *event,
                           JsonNode   *payload)
{
  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (session_id != NULL);

  disconnect_list (g_hash_table_lookup (self->sign_ins, session_id), event, payload);
}

void
vz_hub_collect_sessions (VzHub      *self,
                         GHashTable *sessions)
{
  GHashTableIter iter;
  const char *session_id;

  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (sessions != NULL);

  g_hash_table_iter_init (&iter, self->sign_ins);
  while (g_hash_table_iter_next (&iter, (gpointer *) &session_id, NULL))
    g_hash_table_add (sessions, g_strdup (session_id));
}
