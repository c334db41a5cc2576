/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-realtime"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-realtime-client-private.h"
#include "vz-socketio.h"

/*
 * The Socket.IO packets a VzRealtimeClient receives: events (emitted as
 * its "event" signal, and the contract's two control events), answers to
 * the acks it asked for, and the namespace CONNECT and its refusals.
 *
 * Packets of PARSE_IN_THREAD_BYTES or more (a playlist of 2,000 items
 * announced whole is half a megabyte) are parsed in a worker thread, and
 * the packets that come after one wait behind it: listeners see every
 * packet in the order the server sent it. The nodes a worker makes are
 * nobody else's until they are handed over.
 */

#define PARSE_IN_THREAD_BYTES (64 * 1024)

struct _VzRealtimeIncoming {
  GTask       *parsing;   /* unowned; NULL once the packet is parsed */
  VzSioPacket  packet;
  GError      *error;     /* the packet could not be parsed */
};

typedef struct {
  char  *text;
  gsize  len;
} Unparsed;

/* Event names we keep quarks for; beyond this, lookups go to the global table. */
#define QUARK_CACHE_MAX       512

static GQuark
event_quark (VzRealtimeClient *self,
             const char       *name)
{
  GQuark quark = GPOINTER_TO_UINT (g_hash_table_lookup (self->quarks, name));

  if (quark != 0)
    return quark;
  /* try_string, never from_string: a peer must not grow the global quark
   * table with names nobody listens to. A name without a quark has no
   * detailed handler, so detail 0 reaches exactly the right handlers. */
  quark = g_quark_try_string (name);
  if (quark != 0 && g_hash_table_size (self->quarks) < QUARK_CACHE_MAX)
    g_hash_table_insert (self->quarks, g_strdup (name), GUINT_TO_POINTER (quark));
  return quark;
}

/* json-glib's own getters warn on a member of the wrong type; a peer's JSON
 * must never be able to trigger a warning. */
static const char *
get_string_member (JsonNode   *node,
                   const char *name)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

static const char *
connect_error_message (JsonNode *data)
{
  if (data != NULL && json_node_get_value_type (data) == G_TYPE_STRING)
    return json_node_get_string (data);
  return get_string_member (data, "message");
}

static gboolean
connect_error_is_auth (JsonNode   *data,
                       const char *message)
{
  if (message != NULL &&
      (g_str_equal (message, "auth_invalid") || g_str_equal (message, "unauthorized") ||
       g_str_equal (message, "Unauthorized")))
    return TRUE;
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    {
      const char *code = get_string_member (json_object_get_member (json_node_get_object (data), "data"), "code");
      if (g_strcmp0 (code, "AUTH_INVALID") == 0)
        return TRUE;
    }
  return FALSE;
}

/* A refusal for connecting too often ({message:"rate_limited",
 * data:{code:"RATE_LIMITED", retryAfter: seconds}}): how long to wait, at
 * least a second and at most an hour. */
static gboolean
connect_error_retry_after (JsonNode *data,
                           guint    *wait_ms)
{
  JsonNode *inner;
  JsonNode *retry;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return FALSE;
  inner = json_object_get_member (json_node_get_object (data), "data");
  if (g_strcmp0 (get_string_member (inner, "code"), "RATE_LIMITED") != 0)
    return FALSE;
  retry = json_object_get_member (json_node_get_object (inner), "retryAfter");
  if (retry != NULL && JSON_NODE_HOLDS_VALUE (retry) &&
      (json_node_get_value_type (retry) == G_TYPE_INT64 || json_node_get_value_type (retry) == G_TYPE_DOUBLE))
    {
      double seconds = json_node_get_double (retry);

      *wait_ms = (guint) CLAMP (seconds, 1, 3600) * 1000;
    }
  else
    *wait_ms = 60 * 1000;
  return TRUE;
}

static void
handle_event (VzRealtimeClient *self,
              VzSioPacket      *packet)
{
  JsonArray *args = json_node_get_array (packet->data);
  /* Owned copy of the name: dropping element 0 below frees the node holding it. */
  char name_buf[128];
  g_autofree char *name_heap = NULL;
  const char *name_src = json_array_get_string_element (args, 0);
  gsize name_len = strlen (name_src);
  const char *name;
  JsonNode *payload;
  g_autoptr(JsonNode) null_node = NULL;
  JsonArray *saved_args;

  if (name_len < sizeof name_buf)
    {
      memcpy (name_buf, name_src, name_len + 1);
      name = name_buf;
    }
  else
    name = name_heap = g_strdup (name_src);

  /* The argument array without the name, as listeners expect it. */
  json_array_remove_element (args, 0);
  if (json_array_get_length (args) > 0)
    payload = json_array_get_element (args, 0);
  else
    payload = null_node = json_node_init_null (json_node_alloc ());

  saved_args = self->current_args;
  self->current_args = args;
  _vz_realtime_client_emit_event (self, event_quark (self, name), name, payload, packet->ack_id);
  self->current_args = saved_args;

  /* The contract's two control events act after listeners saw them. */
  if (G_UNLIKELY (name[0] == 's'))
    {
      if (g_str_equal (name, "session:expired"))
        {
          const char *reason = get_string_member (payload, "reason");
          g_autofree char *message = NULL;

          if (g_strcmp0 (reason, "password_changed") == 0)
            message = g_strdup (_("Your password was changed. Sign in again."));
          else if (g_strcmp0 (reason, "revoked") == 0)
            message = g_strdup (_("Your session was revoked. Sign in again."));
          else if (g_strcmp0 (reason, "logged_out") == 0)
            message = g_strdup (_("This session was signed out. Sign in again."));
          else
            message = g_strdup (_("Your session has expired. Sign in again."));
          if (self->state == VZ_REALTIME_STATE_CONNECTED)
            _vz_realtime_client_fail_auth (self, message);
        }
      else if (g_str_equal (name, "server:shutdown"))
        {
          g_autoptr(GError) error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                                         _("The server is shutting down; reconnecting when it is back."));
          if (self->state == VZ_REALTIME_STATE_CONNECTED)
            _vz_realtime_client_link_lost (self, error);
        }
    }
}

static void
handle_ack (VzRealtimeClient *self,
            VzSioPacket      *packet)
{
  VzRealtimePendingAck *pending = g_hash_table_lookup (self->pending_acks, &packet->ack_id);
  g_autoptr(GTask) task = NULL;

  /* A late or unknown ack (after a timeout, say) is harmless: ignore it. */
  if (pending == NULL)
    return;
  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (self->pending_acks, &packet->ack_id);
  g_task_return_pointer (task, g_steal_pointer (&packet->data), (GDestroyNotify) json_node_unref);
}

static void
handle_packet (VzRealtimeClient *self,
               VzSioPacket      *packet,
               const GError     *error)
{
  if (error != NULL)
    {
      g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                            _("The server sent a malformed message. %s"), error->message);
      _vz_realtime_client_link_lost (self, lost);
      return;
    }
  /* Only the main namespace is ours. */
  if (packet->nsp != NULL)
    return;

  switch (packet->type)
    {
    case VZ_SIO_PACKET_EVENT:
      if (self->state == VZ_REALTIME_STATE_CONNECTED)
        handle_event (self, packet);
      break;

    case VZ_SIO_PACKET_ACK:
      handle_ack (self, packet);
      break;

    case VZ_SIO_PACKET_CONNECT:
      /* A second CONNECT on a live session means nothing to us. */
      if (self->state != VZ_REALTIME_STATE_CONNECTED)
        _vz_realtime_client_connected (self, get_string_member (packet->data, "sid"));
      break;

    case VZ_SIO_PACKET_CONNECT_ERROR:
      {
        const char *message = connect_error_message (packet->data);

        if (connect_error_is_auth (packet->data, message))
          _vz_realtime_client_fail_auth (self, _("The server did not accept your credentials. Sign in again."));
        else if (connect_error_retry_after (packet->data, &self->server_wait_ms))
          {
            g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_RATE_LIMITED,
                                                  _("The server asked to wait %u seconds before connecting again."),
                                                  self->server_wait_ms / 1000);
            _vz_realtime_client_link_lost (self, lost);
          }
        else
          {
            g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_SERVER,
                                                  _("The server refused the realtime connection: %s."),
                                                  message != NULL ? message : "no reason given");
            _vz_realtime_client_link_lost (self, lost);
          }
      }
      break;

    case VZ_SIO_PACKET_DISCONNECT:
      {
        g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                                      _("The server ended the realtime session."));
        _vz_realtime_client_link_lost (self, lost);
      }
      break;

    case VZ_SIO_PACKET_BINARY_EVENT:
    case VZ_SIO_PACKET_BINARY_ACK:
    default:
      /* Refused by the parser. */
      break;
    }
}

/* ------------------------------------------------------------------------ */
/* Packets parsed in a worker thread, and those waiting behind them         */

static void
incoming_free (VzRealtimeIncoming *incoming)
{
  vz_sio_packet_clear (&incoming->packet);
  g_clear_error (&incoming->error);
  g_free (incoming);
}

static void
unparsed_free (Unparsed *unparsed)
{
  g_free (unparsed->text);
  g_free (unparsed);
}

static void
packet_free (VzSioPacket *packet)
{
  vz_sio_packet_clear (packet);
  g_free (packet);
}

void
_vz_realtime_client_clear_incoming (VzRealtimeClient *self)
{
  g_queue_clear_full (&self->incoming, (GDestroyNotify) incoming_free);
}

/* The packets at the head of the line that are parsed go to their
 * handlers, in the order they came, until one is still being parsed or a
 * handler ended the connection (which cleared the line). */
static void
handle_ready (VzRealtimeClient *self)
{
  GCancellable *attempt = self->cancellable;
  VzRealtimeIncoming *head;

  g_object_ref (self);
  while ((head = g_queue_peek_head (&self->incoming)) != NULL && head->parsing == NULL)
    {
      g_queue_pop_head (&self->incoming);
      handle_packet (self, &head->packet, head->error);
      incoming_free (head);
      if (self->cancellable != attempt || attempt == NULL || g_cancellable_is_cancelled (attempt))
        break;
    }
  g_object_unref (self);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Unparsed *unparsed = task_data;
  VzSioPacket *packet = g_new (VzSioPacket, 1);
  GError *error = NULL;

  *packet = (VzSioPacket) VZ_SIO_PACKET_INIT;
  if (vz_sio_packet_parse (unparsed->text, unparsed->len, packet, &error))
    g_task_return_pointer (task, packet, (GDestroyNotify) packet_free);
  else
    {
      packet_free (packet);
      g_task_return_error (task, error);
    }
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (source);
  g_autoptr(GError) error = NULL;
  VzSioPacket *packet = g_task_propagate_pointer (G_TASK (result), &error);
  VzRealtimeIncoming *incoming = NULL;

  /* Its connection is over: the line it was in was cleared with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  for (GList *l = self->incoming.head; l != NULL && incoming == NULL; l = l->next)
    if (((VzRealtimeIncoming *) l->data)->parsing == G_TASK (result))
      incoming = l->data;
  if (incoming == NULL)
    {
      g_clear_pointer (&packet, packet_free);
      return;
    }
  incoming->parsing = NULL;
  if (packet != NULL)
    {
      incoming->packet = *packet;
      g_free (packet);
    }
  else
    incoming->error = g_steal_pointer (&error);
  handle_ready (self);
}

void
_vz_realtime_client_handle_socketio (VzRealtimeClient *self,
                                     const char       *text,
                                     gsize             len)
{
  VzRealtimeIncoming *incoming;

  /* Nothing waiting, and short: handled at once, as it comes. */
  if (len < PARSE_IN_THREAD_BYTES && self->incoming.length == 0)
    {
      g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
      g_autoptr(GError) error = NULL;

      vz_sio_packet_parse (text, len, &packet, &error);
      handle_packet (self, &packet, error);
      return;
    }

  incoming = g_new0 (VzRealtimeIncoming, 1);
  incoming->packet = (VzSioPacket) VZ_SIO_PACKET_INIT;
  if (len >= PARSE_IN_THREAD_BYTES)
    {
      Unparsed *unparsed = g_new (Unparsed, 1);
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_parsed, NULL);

      unparsed->text = g_strndup (text, len);
      unparsed->len = len;
      g_task_set_source_tag (task, parse_in_thread);
      g_task_set_task_data (task, unparsed, (GDestroyNotify) unparsed_free);
      incoming->parsing = task;
      g_task_run_in_thread (task, parse_in_thread);
    }
  else
    vz_sio_packet_parse (text, len, &incoming->packet, &incoming->error);
  g_queue_push_tail (&self->incoming, incoming);
}
