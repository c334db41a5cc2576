/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "vz-engineio.h"
#include "vz-hub-private.h"
#include "vz-listener.h"

/* ---- HTTP ----------------------------------------------------------------- */

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               int                code,
               const char        *message)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":%d,\"message\":\"%s\"}", code, message);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
poll_msg_gone_cb (SoupServerMessage *msg,
                  gpointer           user_data)
{
  VzHubPeer *peer = user_data;

  if (peer->poll_msg == msg)
    _vz_hub_poll_msg_forget (peer);
}

static void
handle_poll_get (VzHub             *self,
                 VzHubPeer         *peer,
                 SoupServerMessage *msg)
{
  if (peer->poll_msg != NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, 3, "Bad request");
      _vz_hub_peer_fail (peer, "it sent two long-poll requests at once");
      return;
    }

  if (peer->poll_buf->len > 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                        peer->poll_buf->str, peer->poll_buf->len);
      g_string_truncate (peer->poll_buf, 0);
      if (peer->state == PEER_CLOSING)
        _vz_hub_peer_close (peer, "its last packets were delivered", FALSE);
      return;
    }

  if (peer->state == PEER_CLOSING || peer->upgrading)
    {
      /* Nothing to wait for: let the client move on at once. */
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_STATIC, "6", 1);
      return;
    }

  /* A status now, or libsoup would go on to treat the request as a WebSocket handshake. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  peer->poll_msg = g_object_ref (msg);
  peer->poll_finished_id = g_signal_connect (msg, "finished", G_CALLBACK (poll_msg_gone_cb), peer);
  peer->poll_disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (poll_msg_gone_cb), peer);
  soup_server_message_pause (msg);
}

static void
handle_poll_post (VzHub             *self,
                  VzHubPeer         *peer,
                  SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  VzEioPayloadIter iter;
  VzEioPacket packet;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzHubPeer) hold G_GNUC_UNUSED = _vz_hub_peer_ref (peer);

  if (len > self->max_payload)
    {
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, 3, "Bad request");
      _vz_hub_peer_fail (peer, "it posted more than maxPayload");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "ok", 2);

  vz_eio_payload_iter_init (&iter, data, len, self->max_payload);
  while (peer->state == PEER_OPEN || peer->state == PEER_CONNECTED)
    {
      if (!vz_eio_payload_iter_next (&iter, &packet, &error))
        {
          if (error != NULL)
            {
              g_autofree char *reason = g_strdup_printf ("it posted a malformed payload (%s)", error->message);
              _vz_hub_peer_fail (peer, reason);
            }
          break;
        }
      _vz_hub_peer_dispatch_packet (peer, &packet);
    }
}

static void hub_accept_websocket (VzHub *self, SoupServerMessage *msg, const char *sid);

/* Answers at once and closes, leaving the request body unread. */
static void
refuse_error (SoupServerMessage *msg,
              guint              status,
              int                code,
              const char        *message)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":%d,\"message\":\"%s\"}", code, message);

  vz_listener_refuse (msg, status, "application/json", body);
}

/*
 * Runs on the headers, before libsoup reads a body: a POST must say its
 * length, at most maxPayload; other requests carry no body. What is refused
 * here is never read.
 */
void
_vz_hub_early_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  VzHub *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      vz_listener_limit_body (msg, 0, "{\"code\":3,\"message\":\"Bad request\"}");
      return;
    }
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      refuse_error (msg, SOUP_STATUS_BAD_REQUEST, 3, "Bad request");
      return;
    }
  if ((guint64) soup_message_headers_get_content_length (headers) > self->max_payload)
    refuse_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, 3, "Bad request");
}

static const char *
query_get (GHashTable *query,
           const char *key)
{
  return query != NULL ? g_hash_table_lookup (query, key) : NULL;
}

void
_vz_hub_http_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  VzHub *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *eio = query_get (query, "EIO");
  const char *transport = query_get (query, "transport");
  const char *sid = query_get (query, "sid");
  VzHubPeer *peer = NULL;

  if (g_strcmp0 (eio, "4") != 0)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, 5, "Unsupported protocol version");
      return;
    }
  if (g_strcmp0 (transport, "websocket") != 0 && g_strcmp0 (transport, "polling") != 0)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, 0, "Transport unknown");
      return;
    }
  if (sid != NULL)
    {
      peer = g_hash_table_lookup (self->sessions, sid);
      if (peer == NULL)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, 1, "Session ID unknown");
          return;
        }
    }
  else if (self->shut_down)
    {
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, 4, "Forbidden");
      return;
    }

  if (strcmp (transport, "websocket") == 0)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

      if (strcmp (method, "GET") != 0 ||
          !soup_message_headers_header_contains (headers, "Upgrade", "websocket"))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, 3, "Bad request");
          return;
        }
      if (peer != NULL && (peer->websocket || peer->probe_ws != NULL || peer->state == PEER_CLOSING))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, 3, "Bad request");
          return;
        }
      hub_accept_websocket (self, msg, sid);
      return;
    }

  /* Polling. */
  if (peer == NULL)
    {
      g_autofree char *open = NULL;

      if (strcmp (method, "GET") != 0)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, 2, "Bad handshake method");
          return;
        }
      peer = _vz_hub_open_peer (self);
      if (peer == NULL)
        {
          respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, 3, "No session id available");
          return;
        }
      open = _vz_hub_open_packet (self, peer, FALSE);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY, open, strlen (open));
      _vz_hub_peer_start_timers (peer);
      g_debug ("New polling session %s", peer->eio_sid);
      return;
    }

  if (peer->websocket)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, 3, "Bad request");
      return;
    }

  if (strcmp (method, "GET") == 0)
    handle_poll_get (self, peer, msg);
  else if (strcmp (method, "POST") == 0)
    handle_poll_post (self, peer, msg);
  else
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, 2, "Bad handshake method");
}

typedef struct {
  VzHub    *hub;
  char     *sid;     /* NULL for a new session, else the polling session to upgrade */
  gboolean  taken;
} Handshake;

static void
handshake_free (gpointer data,
                GClosure *closure)
{
  Handshake *hs = data;

  g_object_unref (hs->hub);
  g_free (hs->sid);
  g_free (hs);
}

/* The 101 went out: take the socket from libsoup. */
static void
handshake_done_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  Handshake *hs = user_data;
  VzHub *self = hs->hub;
  g_autoptr(GIOStream) stream = NULL;
  VzHubLink *link;
  VzHubPeer *peer;

  if (hs->taken)
    return;
  hs->taken = TRUE;
  stream = soup_server_message_steal_connection (msg);

  /* hs lives until the message goes away; the 101 is written only once. */
  if (stream == NULL)
    return;
  link = _vz_hub_link_new (self, stream);
  if (link == NULL)
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  if (hs->sid != NULL)
    {
      peer = g_hash_table_lookup (self->sessions, hs->sid);
      if (peer == NULL || peer->websocket || peer->probe_ws != NULL ||
          (peer->state != PEER_OPEN && peer->state != PEER_CONNECTED))
        {
          _vz_hub_link_shutdown (self, link, 1008);
          return;
        }
      link->peer = peer;
      link->probe = TRUE;
      peer->probe_ws = link;
      _vz_hub_link_read (self, link);
      return;
    }

  {
    g_autofree char *open = NULL;

    peer = _vz_hub_open_peer (self);
    if (peer == NULL)
      {
        _vz_hub_link_shutdown (self, link, 1011);
        return;
      }
    link->peer = peer;
    peer->websocket = TRUE;
    peer->ws = link;
    open = _vz_hub_open_packet (self, peer, TRUE);
    _vz_hub_link_send_text (link, open, strlen (open));
    _vz_hub_peer_start_timers (peer);
    g_debug ("New WebSocket session %s", peer->eio_sid);
    /* Bytes the client sent right after the handshake may already sit in libsoup's buffer. */
    _vz_hub_link_read (self, link);
  }
}

static void
hub_accept_websocket (VzHub             *self,
                      SoupServerMessage *msg,
                      const char        *sid)
{
  Handshake *hs;

  /* No extensions: permessage-deflate would compress every broadcast once per peer. */
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;

  hs = g_new0 (Handshake, 1);
  hs->hub = g_object_ref (self);
  hs->sid = g_strdup (sid);
  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (handshake_done_cb), hs, handshake_free, 0);
}
