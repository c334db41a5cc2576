/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gio/gio.h>

#include "vz-engineio.h"
#include "vz-socketio.h"
#include "vz-wire-error.h"
#include "vz-hub-private.h"
#include "vz-listener.h"
#include "vz-password.h"

/*
 * One Engine.IO session per peer. A peer starts on WebSocket, or on HTTP
 * long-polling and may upgrade to WebSocket (probe dance). Once the peer's
 * Socket.IO CONNECT on "/" is authenticated it gets a socket id and lands in
 * the lookup tables (socket id, subject, device, organization room; the
 * rooms and subjects in vz-hub-rooms.c).
 *
 * Timers are not per peer: with 10,000 peers a GSource each would make every
 * main-loop iteration walk 10,000 sources. Every kind of deadline has a fixed
 * duration, so each kind is a FIFO already sorted by expiry; one GSource wakes
 * up for the earliest head. Entries are invalidated lazily by a serial
 * (vz-hub-deadlines.c).
 *
 * For the same reason WebSocket peers do not use SoupWebsocketConnection (one
 * GSource per connection, so every wake-up of the main loop polls and checks
 * all of them): after libsoup's handshake the hub takes the socket and speaks
 * RFC 6455 itself, with all sockets in one epoll set behind a single GSource.
 * Output is buffered per peer and written once per main-loop turn, so a burst
 * of events costs one write per peer, not one per event.
 */

#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DEFAULT_PING_INTERVAL_MS 25000
#define DEFAULT_PING_TIMEOUT_MS  20000
/* A polling peer that lets this much pile up between two GETs is not keeping up. */
#define POLL_BUFFER_LIMIT        (8 * 1024 * 1024)


G_DEFINE_FINAL_TYPE (VzHub, vz_hub, G_TYPE_OBJECT)

static void peer_handle_packet (VzHubPeer *peer, const char *text, gsize len);

void
vz_hub_principal_clear (VzHubPrincipal *principal)
{
  if (principal == NULL)
    return;
  g_clear_pointer (&principal->organization_id, g_free);
  g_clear_pointer (&principal->subject_id, g_free);
  g_clear_pointer (&principal->session_id, g_free);
}

/* ---- small helpers -------------------------------------------------------- */

/* Session ids guard long-polling sessions, so they must not be guessable:
 * without random bytes from the kernel there is no id (NULL), and the caller
 * refuses the connection. */
char *
_vz_hub_random_id (void)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint8 bytes[15];
  g_autoptr(GError) error = NULL;
  GString *out;

  if (!vz_random_bytes_try (bytes, sizeof bytes, &error))
    {
      g_debug ("Refusing a realtime connection: no session id without random bytes. %s", error->message);
      return NULL;
    }
  out = g_string_sized_new (21);

  for (gsize i = 0; i < sizeof bytes; i += 3)
    {
      guint32 v = ((guint32) bytes[i] << 16) | ((guint32) bytes[i + 1] << 8) | bytes[i + 2];
      g_string_append_c (out, alphabet[(v >> 18) & 63]);
      g_string_append_c (out, alphabet[(v >> 12) & 63]);
      g_string_append_c (out, alphabet[(v >> 6) & 63]);
      g_string_append_c (out, alphabet[v & 63]);
    }
  return g_string_free (out, FALSE);
}

char *
_vz_hub_iso_timestamp_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

const char *
_vz_hub_peer_name (VzHubPeer *peer)
{
  return peer->socket_id != NULL ? peer->socket_id : peer->eio_sid;
}

VzHubPeer *
_vz_hub_peer_ref (VzHubPeer *peer)
{
  g_atomic_int_inc (&peer->ref_count);
  return peer;
}

void
_vz_hub_peer_unref (VzHubPeer *peer)
{
  if (!g_atomic_int_dec_and_test (&peer->ref_count))
    return;

  g_assert (peer->ws == NULL && peer->probe_ws == NULL && peer->poll_msg == NULL);
  g_free (peer->eio_sid);
  g_free (peer->socket_id);
  if (peer->poll_buf != NULL)
    g_string_free (peer->poll_buf, TRUE);
  vz_hub_principal_clear (&peer->principal);
  g_clear_pointer (&peer->pending_acks, g_hash_table_unref);
  g_free (peer);
}

/* ---- sending -------------------------------------------------------------- */

void
_vz_hub_poll_msg_forget (VzHubPeer *peer)
{
  SoupServerMessage *msg = peer->poll_msg;

  if (msg == NULL)
    return;
  g_clear_signal_handler (&peer->poll_finished_id, msg);
  g_clear_signal_handler (&peer->poll_disconnected_id, msg);
  peer->poll_msg = NULL;
  g_object_unref (msg);
}

/* Answers the waiting long-poll GET with @body. */
static void
poll_respond (VzHubPeer  *peer,
              const char *body,
              gsize       len)
{
  SoupServerMessage *msg = g_object_ref (peer->poll_msg);

  _vz_hub_poll_msg_forget (peer);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY, body, len);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

static void
poll_flush (VzHubPeer *peer)
{
  if (peer->poll_msg == NULL || peer->poll_buf == NULL || peer->poll_buf->len == 0)
    return;
  poll_respond (peer, peer->poll_buf->str, peer->poll_buf->len);
  g_string_truncate (peer->poll_buf, 0);
}

/* @frame is one complete Engine.IO packet. */
void
_vz_hub_peer_send (VzHubPeer  *peer,
                   const char *frame,
                   gsize       len)
{
  if (peer->state == PEER_CLOSED || peer->state == PEER_CLOSING)
    return;

  if (peer->websocket)
    {
      if (peer->ws != NULL)
        _vz_hub_link_send_text (peer->ws, frame, len);
      return;
    }

  if (peer->poll_buf->len + len > POLL_BUFFER_LIMIT)
    {
      g_message ("Dropping realtime peer %s: it does not fetch its packets (polling)", _vz_hub_peer_name (peer));
      _vz_hub_peer_close (peer, "too much unread", FALSE);
      return;
    }
  vz_eio_payload_append (peer->poll_buf, frame, (gssize) len);
  poll_flush (peer);
}

void
_vz_hub_peer_send_event (VzHubPeer  *peer,
                         const char *event,
                         JsonNode   *payload)
{
  gsize len;
  g_autofree char *frame = vz_sio_encode_event (NULL, VZ_SIO_NO_ACK, event, payload, &len);

  _vz_hub_peer_send (peer, frame, len);
}

/* ---- closing -------------------------------------------------------------- */

static void
probe_drop (VzHubPeer *peer)
{
  VzHubLink *probe = g_steal_pointer (&peer->probe_ws);

  peer->upgrading = FALSE;
  if (probe != NULL)
    _vz_hub_link_shutdown (peer->hub, probe, 1000);
}

/*
 * Takes the peer out of every table, fails its pending acks and tells the
 * server's logic. @graceful on polling leaves the queued packets (plus an
 * Engine.IO close) for the next GET so that a CONNECT_ERROR still arrives.
 */
void
_vz_hub_peer_close (VzHubPeer  *peer,
                    const char *reason,
                    gboolean    graceful)
{
  g_autoptr(VzHubPeer) hold = NULL;
  VzHub *self = peer->hub;
  VzHubPeerState previous = peer->state;
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GPtrArray) acks = NULL;

  if (previous == PEER_CLOSED)
    return;
  if (previous == PEER_CLOSING && graceful)
    return;

  hold = _vz_hub_peer_ref (peer);
  g_debug ("Closing realtime peer %s: %s", _vz_hub_peer_name (peer), reason);

  if (graceful && !peer->websocket && peer->poll_msg == NULL)
    {
      /* Keep the session until the client fetches the close packet. */
      vz_eio_payload_append (peer->poll_buf, "1", 1);
      peer->state = PEER_CLOSING;
      _vz_hub_peer_arm (peer, DEADLINE_CLOSING);
    }
  else
    {
      peer->state = PEER_CLOSED;
    }

  if (previous == PEER_CLOSING)
    peer->state = PEER_CLOSED;

  /* Tables: only the first transition out of OPEN/CONNECTED does this. */
  if (previous == PEER_OPEN || previous == PEER_CONNECTED)
    {
      if (previous == PEER_CONNECTED)
        {
          self->connected_count--;
          g_hash_table_remove (self->sockets, peer->socket_id);
          _vz_hub_room_leave (self, peer);
          _vz_hub_subject_remove (self, peer);
          if (peer->principal.kind == VZ_HUB_PEER_DEVICE &&
              g_hash_table_lookup (self->devices, peer->principal.subject_id) == peer)
            g_hash_table_remove (self->devices, peer->principal.subject_id);
        }

      for (guint kind = 0; kind < N_DEADLINES; kind++)
        if (kind != DEADLINE_CLOSING)
          _vz_hub_peer_disarm (peer, kind);

      probe_drop (peer);

      if (peer->websocket && peer->ws != NULL)
        _vz_hub_link_shutdown (self, g_steal_pointer (&peer->ws), 1000);
      else if (peer->poll_msg != NULL)
        {
          vz_eio_payload_append (peer->poll_buf, "1", 1);
          poll_flush (peer);
        }

      /* Fail the acks after the tables are consistent: callbacks may call back in. */
      acks = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_iter_init (&iter, peer->pending_acks);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_ptr_array_add (acks, value);
          g_hash_table_iter_steal (&iter);
          g_free (key);   /* stealing hands the key back too */
        }
      for (guint i = 0; i < acks->len; i++)
        {
          VzHubPendingAck *ack = g_ptr_array_index (acks, i);
          ack->func (self, NULL, ack->data);
        }

      if (previous == PEER_CONNECTED && self->handlers.peer_disconnected != NULL)
        self->handlers.peer_disconnected (self, peer->socket_id, &peer->principal, self->user_data);
    }

  if (peer->state == PEER_CLOSED)
    {
      _vz_hub_poll_msg_forget (peer);
      g_hash_table_remove (self->sessions, peer->eio_sid);
      peer->hub = NULL;
    }
}

/* A peer broke the protocol: say so in the log (never the bytes, they may hold a token) and drop it. */
void
_vz_hub_peer_fail (VzHubPeer  *peer,
                   const char *reason)
{
  if (peer->state == PEER_CLOSED)
    return;
  g_message ("Dropping realtime peer %s: %s", _vz_hub_peer_name (peer), reason);
  _vz_hub_peer_close (peer, reason, FALSE);
}

/* ---- Engine.IO ------------------------------------------------------------ */

void
_vz_hub_peer_dispatch_packet (VzHubPeer         *peer,
                              const VzEioPacket *packet)
{
  if (peer->state != PEER_OPEN && peer->state != PEER_CONNECTED)
    return;

  switch (packet->type)
    {
    case VZ_EIO_PACKET_PONG:
      _vz_hub_peer_disarm (peer, DEADLINE_PONG);
      _vz_hub_peer_arm (peer, DEADLINE_PING);
      break;
    case VZ_EIO_PACKET_PING:
      /* Engine.IO 4 clients do not ping; answer anyway rather than fail. */
      {
        g_autofree char *pong = vz_eio_packet_encode (VZ_EIO_PACKET_PONG, packet->data, (gssize) packet->len);
        _vz_hub_peer_send (peer, pong, strlen (pong));
      }
      break;
    case VZ_EIO_PACKET_MESSAGE:
      _vz_hub_handle_message (peer, packet->data, packet->len);
      break;
    case VZ_EIO_PACKET_CLOSE:
      _vz_hub_peer_close (peer, "it closed the connection", FALSE);
      break;
    case VZ_EIO_PACKET_NOOP:
    case VZ_EIO_PACKET_UPGRADE:
      break;
    case VZ_EIO_PACKET_OPEN:
    default:
      _vz_hub_peer_fail (peer, "it sent an OPEN packet, which only servers send");
      break;
    }
}

static void
peer_handle_packet (VzHubPeer  *peer,
                    const char *text,
                    gsize       len)
{
  VzEioPacket packet;
  g_autoptr(GError) error = NULL;

  if (peer->state != PEER_OPEN && peer->state != PEER_CONNECTED)
    return;

  if (!vz_eio_packet_parse (text, len, peer->hub->max_payload, &packet, &error))
    {
      g_autofree char *reason = g_strdup_printf ("it sent a malformed Engine.IO packet (%s)", error->message);
      _vz_hub_peer_fail (peer, reason);
      return;
    }
  _vz_hub_peer_dispatch_packet (peer, &packet);
}

/* The upgrade probe of a polling peer: "2probe" → "3probe", then "5" switches over. */
static void
probe_message (VzHubPeer  *peer,
               VzHubLink  *link,
               const char *data,
               gsize       len)
{
  g_autoptr(VzHubPeer) hold G_GNUC_UNUSED = _vz_hub_peer_ref (peer);

  if (peer->state != PEER_OPEN && peer->state != PEER_CONNECTED)
    return;

  if (len == 6 && memcmp (data, "2probe", 6) == 0)
    {
      _vz_hub_link_send_text (link, "3probe", 6);
      peer->upgrading = TRUE;
      /* Release the pending GET so that the client can pause polling. */
      if (peer->poll_msg != NULL)
        {
          if (peer->poll_buf->len > 0)
            poll_flush (peer);
          else
            poll_respond (peer, "6", 1);
        }
      return;
    }

  if (len == 1 && data[0] == '5' && peer->upgrading)
    {
      g_autoptr(GString) queued = NULL;

      peer->ws = g_steal_pointer (&peer->probe_ws);
      peer->ws->probe = FALSE;
      peer->upgrading = FALSE;
      if (peer->poll_msg != NULL)
        poll_respond (peer, "6", 1);
      queued = g_steal_pointer (&peer->poll_buf);
      peer->poll_buf = g_string_new (NULL);
      peer->websocket = TRUE;
      g_debug ("VzHubPeer %s upgraded to WebSocket", _vz_hub_peer_name (peer));

      /* Whatever was queued for polling goes out first, in order. */
      if (queued->len > 0)
        {
          VzEioPayloadIter iter;
          VzEioPacket packet;

          vz_eio_payload_iter_init (&iter, queued->str, queued->len, 0);
          while (vz_eio_payload_iter_next (&iter, &packet, NULL))
            {
              g_autofree char *frame = vz_eio_packet_encode (packet.type, packet.data, (gssize) packet.len);
              _vz_hub_peer_send (peer, frame, strlen (frame));
            }
        }
      return;
    }

  g_debug ("VzHubPeer %s sent an unexpected frame during the upgrade; dropping the probe", _vz_hub_peer_name (peer));
  probe_drop (peer);
}

void
_vz_hub_link_message (VzHubLink  *link,
                      const char *data,
                      gsize       len)
{
  VzHubPeer *peer = link->peer;
  g_autoptr(VzHubPeer) hold = NULL;

  if (peer == NULL || link->closed)
    return;
  if (!g_utf8_validate_len (data, len, NULL))
    {
      _vz_hub_link_fail (link, "it sent a text frame that is not UTF-8");
      return;
    }
  hold = _vz_hub_peer_ref (peer);
  if (link->probe)
    probe_message (peer, link, data, len);
  else
    peer_handle_packet (peer, data, len);
}

/* The link ended: by a protocol violation (logged as such) or because the peer went away. */
static void
link_end (VzHubLink  *link,
          const char *reason,
          gboolean    violation)
{
  VzHubPeer *peer = link->peer;
  g_autoptr(VzHubPeer) hold = NULL;

  if (link->closed || peer == NULL)
    return;
  hold = _vz_hub_peer_ref (peer);

  if (link->probe)
    {
      g_debug ("Upgrade probe of peer %s ended: %s", _vz_hub_peer_name (peer), reason);
      probe_drop (peer);
      return;
    }
  if (violation)
    _vz_hub_peer_fail (peer, reason);
  else
    _vz_hub_peer_close (peer, reason, FALSE);
}

void
_vz_hub_link_fail (VzHubLink  *link,
                   const char *reason)
{
  gboolean violation = strcmp (reason, "the WebSocket closed") != 0 &&
                       strcmp (reason, "it closed the WebSocket") != 0 &&
                       strcmp (reason, "the WebSocket broke") != 0 &&
                       strcmp (reason, "the connection broke while writing") != 0;

  link_end (link, reason, violation);
}

/* A new session, or NULL when no session id can be drawn. */
VzHubPeer *
_vz_hub_open_peer (VzHub *self)
{
  char *sid = _vz_hub_random_id ();
  VzHubPeer *peer;

  if (sid == NULL)
    return NULL;
  peer = g_new0 (VzHubPeer, 1);
  peer->ref_count = 1;
  peer->hub = self;
  peer->eio_sid = sid;
  peer->state = PEER_OPEN;
  peer->poll_buf = g_string_new (NULL);
  peer->pending_acks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_hash_table_insert (self->sessions, peer->eio_sid, peer);
  return peer;
}

char *
_vz_hub_open_packet (VzHub     *self,
                     VzHubPeer *peer,
                     gboolean   websocket)
{
  static char *upgrades_polling[] = { (char *) "websocket", NULL };
  static char *upgrades_none[] = { NULL };
  VzEioHandshake hs;

  /* Like engine.io: a WebSocket session has nothing to upgrade to. */
  hs.sid = peer->eio_sid;
  hs.upgrades = websocket ? upgrades_none : upgrades_polling;
  hs.ping_interval = self->ping_interval_ms;
  hs.ping_timeout = self->ping_timeout_ms;
  hs.max_payload = self->max_payload;
  return vz_eio_handshake_encode (&hs);
}

void
_vz_hub_peer_start_timers (VzHubPeer *peer)
{
  _vz_hub_peer_arm (peer, DEADLINE_PING);
  _vz_hub_peer_arm (peer, DEADLINE_CONNECT);
}

/* ---- GObject -------------------------------------------------------------- */

static void
hub_close_all (VzHub      *self,
               const char *reason,
               gboolean    graceful)
{
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) _vz_hub_peer_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (peers, _vz_hub_peer_ref (value));
  for (guint i = 0; i < peers->len; i++)
    {
      VzHubPeer *peer = g_ptr_array_index (peers, i);

      /* A polling peer already closing is finished off when nothing may linger. */
      _vz_hub_peer_close (peer, reason, graceful && peer->state != PEER_CLOSING);
    }
}

static void
vz_hub_dispose (GObject *object)
{
  VzHub *self = VZ_HUB (object);

  hub_close_all (self, "the hub is going away", FALSE);

  /* What the closes queued goes out now, while the sockets still exist. */
  if (self->flush_id != 0)
    {
      _vz_hub_cancel_flush (self);
      _vz_hub_flush_cb (self);
      _vz_hub_cancel_flush (self);
    }
  if (self->epoll_source != NULL)
    {
      g_source_destroy (self->epoll_source);
      g_clear_pointer (&self->epoll_source, g_source_unref);
    }
  if (self->epoll_fd >= 0)
    {
      close (self->epoll_fd);
      self->epoll_fd = -1;
    }

  _vz_hub_deadlines_clear (self);

  G_OBJECT_CLASS (vz_hub_parent_class)->dispose (object);
}

static void
vz_hub_finalize (GObject *object)
{
  VzHub *self = VZ_HUB (object);

  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->sockets);
  g_hash_table_unref (self->devices);
  g_hash_table_unref (self->subjects);
  g_hash_table_unref (self->sign_ins);
  g_hash_table_unref (self->rooms);
  /* Every link was closed in dispose: the dead list holds them all, and
   * the dirty list at most some of the same. */
  for (guint i = 0; i < self->dead_links->len; i++)
    _vz_hub_link_free (g_ptr_array_index (self->dead_links, i));
  g_ptr_array_unref (self->dirty_links);
  g_ptr_array_unref (self->dead_links);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (vz_hub_parent_class)->finalize (object);
}

static void
vz_hub_class_init (VzHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_hub_dispose;
  object_class->finalize = vz_hub_finalize;
}

static void
vz_hub_init (VzHub *self)
{
  self->ping_interval_ms = DEFAULT_PING_INTERVAL_MS;
  self->ping_timeout_ms = DEFAULT_PING_TIMEOUT_MS;
  self->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  self->max_payload = VZ_EIO_DEFAULT_MAX_PAYLOAD;

  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _vz_hub_peer_unref);
  self->sockets = g_hash_table_new (g_str_hash, g_str_equal);
  self->devices = g_hash_table_new (g_str_hash, g_str_equal);
  self->subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->sign_ins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _vz_hub_room_free);

  self->dirty_links = g_ptr_array_new ();
  self->dead_links = g_ptr_array_new ();
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    g_error ("Could not create an epoll set for the realtime hub: %s", g_strerror (errno));
  self->context = g_main_context_ref_thread_default ();
  self->epoll_source = g_unix_fd_source_new (self->epoll_fd, G_IO_IN);
  g_source_set_callback (self->epoll_source, G_SOURCE_FUNC (_vz_hub_epoll_cb), self, NULL);
  g_source_set_static_name (self->epoll_source, "[vizora] hub sockets");
  g_source_attach (self->epoll_source, self->context);

  _vz_hub_deadlines_init (self);
}

/* ---- public API ----------------------------------------------------------- */

VzHub *
vz_hub_new (const VzHubHandlers *handlers,
            gpointer             user_data)
{
  VzHub *self;

  g_return_val_if_fail (handlers != NULL, NULL);

  self = g_object_new (VZ_TYPE_HUB, NULL);
  self->handlers = *handlers;
  self->user_data = user_data;
  return self;
}

void
vz_hub_attach (VzHub      *self,
               SoupServer *server,
               const char *path)
{
  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (path != NULL);

  soup_server_add_early_handler (server, path, _vz_hub_early_cb, g_object_ref (self), g_object_unref);
  soup_server_add_handler (server, path, _vz_hub_http_cb, g_object_ref (self), g_object_unref);
}

void
vz_hub_set_ping (VzHub *self,
                 guint  ping_interval_ms,
                 guint  ping_timeout_ms)
{
  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (ping_interval_ms > 0 && ping_timeout_ms > 0);

  /* Timers already running keep their time (each deadline queue stays sorted
   * because its duration is fixed); set this before peers connect. */
  self->ping_interval_ms = ping_interval_ms;
  self->ping_timeout_ms = ping_timeout_ms;
}

void
vz_hub_set_connect_timeout (VzHub *self,
                            guint  connect_timeout_ms)
{
  g_return_if_fail (VZ_IS_HUB (self));
  g_return_if_fail (connect_timeout_ms > 0);

  /* Like the ping times: set before peers connect. */
  self->connect_timeout_ms = connect_timeout_ms;
}

void
vz_hub_shutdown (VzHub *self)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *frame = NULL;
  gsize len;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (VZ_IS_HUB (self));

  self->shut_down = TRUE;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reconnect");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  frame = vz_sio_encode_event (NULL, VZ_SIO_NO_ACK, "server:shutdown", payload, &len);

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _vz_hub_peer_send (value, frame, len);

  hub_close_all (self, "the server is shutting down", TRUE);
}

guint
vz_hub_get_peer_count (VzHub *self)
{
  g_return_val_if_fail (VZ_IS_HUB (self), 0);

  return self->connected_count;
}
