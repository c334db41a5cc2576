/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "vz-hub-private.h"
#include "vz-socketio.h"
#include "vz-wire-error.h"

/* ---- Socket.IO ------------------------------------------------------------ */

static void
peer_send_ack (VzHubPeer *peer,
               gint64     ack_id,
               JsonNode  *payload)
{
  gsize len;
  g_autofree char *frame = vz_sio_encode_ack (NULL, ack_id, payload, &len);

  _vz_hub_peer_send (peer, frame, len);
}

static JsonNode *
make_response (gboolean    success,
               const char *error_message,
               JsonNode   *data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ts = _vz_hub_iso_timestamp_now ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, success);
  if (data != NULL)
    {
      json_builder_set_member_name (b, "data");
      json_builder_add_value (b, json_node_ref (data));
    }
  if (error_message != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error_message);
    }
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, ts);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
handle_join_organization (VzHubPeer *peer,
                          JsonArray *args,
                          gint64     ack_id)
{
  VzHub *self = peer->hub;
  JsonNode *arg = json_array_get_length (args) > 0 ? json_array_get_element (args, 0) : NULL;
  const char *org = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (arg != NULL && JSON_NODE_HOLDS_OBJECT (arg))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (arg), "organizationId");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        org = json_node_get_string (member);
    }

  if (org == NULL || *org == '\0')
    {
      reply = make_response (FALSE, "Organization ID required", NULL);
    }
  else if (peer->principal.kind != VZ_HUB_PEER_DASHBOARD ||
           g_strcmp0 (org, peer->principal.organization_id) != 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) error_payload = NULL;

      g_debug ("VzHubPeer %s may not join the room of another organization", _vz_hub_peer_name (peer));
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, "Unauthorized: you do not belong to this organization");
      json_builder_end_object (b);
      error_payload = json_builder_get_root (b);
      _vz_hub_peer_send_event (peer, "error", error_payload);
      reply = make_response (FALSE, "Unauthorized: organization mismatch", NULL);
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) data = NULL;

      _vz_hub_room_join (self, peer, org);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "joined");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "organizationId");
      json_builder_add_string_value (b, org);
      json_builder_end_object (b);
      data = json_builder_get_root (b);
      reply = make_response (TRUE, NULL, data);
    }

  if (ack_id != VZ_SIO_NO_ACK)
    peer_send_ack (peer, ack_id, reply);
}

static void
handle_connect (VzHubPeer   *peer,
                VzSioPacket *packet)
{
  VzHub *self = peer->hub;
  const char *token = NULL;
  VzHubPrincipal principal = { 0, };
  gboolean ok = FALSE;
  guint retry_after = 0;
  gsize len;
  g_autofree char *frame = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) sid_node = NULL;

  if (packet->nsp != NULL && strcmp (packet->nsp, "/") != 0)
    {
      frame = vz_sio_encode_connect_error (packet->nsp, "Invalid namespace", NULL, &len);
      _vz_hub_peer_send (peer, frame, len);
      return;
    }

  if (peer->state != PEER_OPEN)
    {
      _vz_hub_peer_fail (peer, "it sent a second CONNECT for the main namespace");
      return;
    }

  if (packet->data != NULL && JSON_NODE_HOLDS_OBJECT (packet->data))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (packet->data), "token");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        token = json_node_get_string (member);
    }

  if (token != NULL && *token != '\0' && self->handlers.authenticate != NULL)
    ok = self->handlers.authenticate (self, token, &principal, self->user_data);

  if (peer->state != PEER_OPEN)
    {
      vz_hub_principal_clear (&principal);
      return;
    }

  if (!ok || principal.organization_id == NULL || principal.subject_id == NULL)
    {
      g_autoptr(JsonBuilder) eb = json_builder_new ();
      g_autoptr(JsonNode) data = NULL;

      vz_hub_principal_clear (&principal);
      json_builder_begin_object (eb);
      json_builder_set_member_name (eb, "code");
      json_builder_add_string_value (eb, "AUTH_INVALID");
      json_builder_end_object (eb);
      data = json_builder_get_root (eb);
      frame = vz_sio_encode_connect_error (NULL, "auth_invalid", data, &len);
      _vz_hub_peer_send (peer, frame, len);
      _vz_hub_peer_close (peer, token == NULL ? "it sent no token" : "its token was not accepted", TRUE);
      return;
    }

  if (self->handlers.admit != NULL &&
      !self->handlers.admit (self, token, &principal, &retry_after, self->user_data))
    {
      g_autoptr(JsonBuilder) eb = json_builder_new ();
      g_autoptr(JsonNode) data = NULL;

      vz_hub_principal_clear (&principal);
      json_builder_begin_object (eb);
      json_builder_set_member_name (eb, "code");
      json_builder_add_string_value (eb, "RATE_LIMITED");
      json_builder_set_member_name (eb, "retryAfter");
      json_builder_add_int_value (eb, MAX (retry_after, 1));
      json_builder_end_object (eb);
      data = json_builder_get_root (eb);
      frame = vz_sio_encode_connect_error (NULL, "rate_limited", data, &len);
      _vz_hub_peer_send (peer, frame, len);
      _vz_hub_peer_close (peer, "it connected too often with the same token", TRUE);
      return;
    }

  peer->socket_id = _vz_hub_random_id ();
  if (peer->socket_id == NULL)
    {
      vz_hub_principal_clear (&principal);
      _vz_hub_peer_close (peer, "no socket id could be drawn", TRUE);
      return;
    }
  peer->principal = principal;
  peer->state = PEER_CONNECTED;
  _vz_hub_peer_disarm (peer, DEADLINE_CONNECT);

  self->connected_count++;
  g_hash_table_insert (self->sockets, peer->socket_id, peer);
  _vz_hub_subject_add (self, peer);
  if (principal.kind == VZ_HUB_PEER_DASHBOARD)
    _vz_hub_room_join (self, peer, principal.organization_id);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sid");
  json_builder_add_string_value (b, peer->socket_id);
  json_builder_end_object (b);
  sid_node = json_builder_get_root (b);
  frame = vz_sio_encode_connect (NULL, sid_node, &len);
  _vz_hub_peer_send (peer, frame, len);

  g_debug ("VzHubPeer %s connected (%s)", peer->socket_id,
                principal.kind == VZ_HUB_PEER_DEVICE ? "device" : "dashboard");

  if (principal.kind == VZ_HUB_PEER_DEVICE)
    {
      /*
       * One socket per screen: the newest wins. The new one is registered
       * and announced before the old one is closed, so that the server never
       * sees the screen go offline in between, and the old socket's
       * peer_disconnected finds vz_hub_device_is_connected() still TRUE.
       */
      g_autoptr(VzHubPeer) old = g_hash_table_lookup (self->devices, principal.subject_id);

      if (old != NULL)
        _vz_hub_peer_ref (old);
      g_hash_table_replace (self->devices, peer->principal.subject_id, peer);
      if (self->handlers.peer_connected != NULL)
        self->handlers.peer_connected (self, peer->socket_id, &peer->principal, self->user_data);
      if (old != NULL && old != peer)
        _vz_hub_peer_close (old, "the same screen connected again", FALSE);
      return;
    }

  if (peer->state == PEER_CONNECTED && self->handlers.peer_connected != NULL)
    self->handlers.peer_connected (self, peer->socket_id, &peer->principal, self->user_data);
}

static void
handle_event (VzHubPeer   *peer,
              VzSioPacket *packet)
{
  VzHub *self = peer->hub;
  JsonArray *args;
  g_autoptr(JsonNode) name_node = NULL;
  const char *event;
  g_autoptr(JsonNode) result = NULL;

  if (packet->nsp != NULL && strcmp (packet->nsp, "/") != 0)
    {
      g_debug ("VzHubPeer %s sent an event on a namespace it did not join", _vz_hub_peer_name (peer));
      return;
    }
  if (peer->state != PEER_CONNECTED)
    {
      _vz_hub_peer_fail (peer, "it sent an event before joining the namespace");
      return;
    }

  /* The codec checked the shape: a non-empty array led by a string. */
  args = json_node_get_array (packet->data);
  name_node = json_node_ref (json_array_get_element (args, 0));
  event = json_node_get_string (name_node);
  json_array_remove_element (args, 0);

  if (strcmp (event, "join:organization") == 0)
    {
      handle_join_organization (peer, args, packet->ack_id);
      return;
    }

  if (self->handlers.peer_event != NULL)
    result = self->handlers.peer_event (self, peer->socket_id, &peer->principal, event, args, self->user_data);

  /* A peer that asked for an ack always gets one, so its callback never hangs. */
  if (packet->ack_id != VZ_SIO_NO_ACK && peer->state == PEER_CONNECTED)
    peer_send_ack (peer, packet->ack_id, result);
}

static void
handle_ack (VzHubPeer   *peer,
            VzSioPacket *packet)
{
  VzHub *self = peer->hub;
  VzHubPendingAck *ack;
  VzHubAckFunc func;
  gpointer data;

  if (packet->ack_id == VZ_SIO_NO_ACK)
    {
      _vz_hub_peer_fail (peer, "it sent an ack without an id");
      return;
    }
  ack = g_hash_table_lookup (peer->pending_acks, &packet->ack_id);
  if (ack == NULL)
    {
      g_debug ("VzHubPeer %s acknowledged an unknown or expired event", _vz_hub_peer_name (peer));
      return;
    }
  func = ack->func;
  data = ack->data;
  g_hash_table_remove (peer->pending_acks, &packet->ack_id);
  func (self, json_node_get_array (packet->data), data);
}

void
_vz_hub_handle_message (VzHubPeer  *peer,
                        const char *text,
                        gsize       len)
{
  VzSioPacket packet = VZ_SIO_PACKET_INIT;
  g_autoptr(GError) error = NULL;

  if (!vz_sio_packet_parse (text, len, &packet, &error))
    {
      g_autofree char *reason = g_strdup_printf ("it sent a malformed Socket.IO packet (%s)", error->message);
      _vz_hub_peer_fail (peer, reason);
      return;
    }

  switch (packet.type)
    {
    case VZ_SIO_PACKET_CONNECT:
      handle_connect (peer, &packet);
      break;
    case VZ_SIO_PACKET_DISCONNECT:
      _vz_hub_peer_close (peer, "it left the namespace", FALSE);
      break;
    case VZ_SIO_PACKET_EVENT:
      handle_event (peer, &packet);
      break;
    case VZ_SIO_PACKET_ACK:
      handle_ack (peer, &packet);
      break;
    case VZ_SIO_PACKET_CONNECT_ERROR:
    case VZ_SIO_PACKET_BINARY_EVENT:
    case VZ_SIO_PACKET_BINARY_ACK:
    default:
      _vz_hub_peer_fail (peer, "it sent a packet type that only servers send");
      break;
    }

  vz_sio_packet_clear (&packet);
}
