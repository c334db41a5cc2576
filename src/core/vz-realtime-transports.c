/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-realtime"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-engineio.h"
#include "vz-realtime-client-private.h"
#include "vz-soup-private.h"
#include "vz-wire-error.h"

static void
malformed_frame (VzRealtimeClient *self,
                 GError           *error)
{
  g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                        _("The server sent a malformed message. %s"), error->message);
  _vz_realtime_client_link_lost (self, lost);
}

/* ---- WebSocket transport ---- */

static void
ws_message_cb (SoupWebsocketConnection *ws,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  VzRealtimeClient *self = user_data;
  g_autoptr(GError) error = NULL;
  VzEioPacket packet;
  gsize len;
  const char *text = g_bytes_get_data (message, &len);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      error = g_error_new_literal (VZ_WIRE_ERROR, VZ_WIRE_ERROR_UNSUPPORTED, _("Binary frames are not supported."));
      malformed_frame (self, error);
      return;
    }
  if (!vz_eio_packet_parse (text, len, self->incoming_limit, &packet, &error))
    {
      malformed_frame (self, error);
      return;
    }
  /* A signal handler may drop the last reference to the client. */
  g_object_ref (self);
  _vz_realtime_client_handle_eio_packet (self, &packet);
  g_object_unref (self);
}

static void
ws_error_cb (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  VzRealtimeClient *self = user_data;
  g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                        _("The realtime connection failed (%s)."), error->message);

  _vz_realtime_client_link_lost (self, lost);
}

static void
ws_closed_cb (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  VzRealtimeClient *self = user_data;
  g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                                _("The realtime connection to the server was closed."));

  _vz_realtime_client_link_lost (self, lost);
}

void
_vz_realtime_client_start_polling (VzRealtimeClient *self);

static gboolean
websocket_refused (GError *error)
{
  /* Nobody there, or a name that does not resolve, or TLS that fails:
   * long-polling would meet the same fate, so just back off. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    return FALSE;
  /* Otherwise something answered but would not upgrade: the server allows
   * only polling (an HTTP error), or a proxy that does not pass WebSocket
   * answered with an error or just closed the connection. */
  return TRUE;
}

/* libsoup asks only about a certificate that failed verification: it is
 * refused, and the reasons kept to say so. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       VzRealtimeClient     *self)
{
  self->tls_errors = errors;
  return FALSE;
}

/* The WebSocket's certificate was refused: in words, as the REST client
 * says it. */
static void
certificate_refused (VzRealtimeClient *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *text = vz_api_error_describe_certificate (self->tls_errors,
                                                             uri != NULL ? g_uri_get_host (uri) : self->url);
  g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE, text);

  _vz_realtime_client_link_lost (self, lost);
}

static void
ws_connect_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VzRealtimeClient) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ws == NULL)
    {
      if (self->tls_errors != 0)
        {
          certificate_refused (self);
          return;
        }
      if (websocket_refused (error))
        {
          g_debug ("WebSocket refused (%s); trying long-polling", error->message);
          _vz_realtime_client_start_polling (self);
          return;
        }
      {
        g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                              _("Could not reach the realtime server (%s)."), error->message);
        _vz_realtime_client_link_lost (self, lost);
      }
      return;
    }

  self->ws = ws;
  soup_websocket_connection_set_max_incoming_payload_size (ws, VZ_EIO_DEFAULT_MAX_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (ws, 0);
  g_signal_connect (ws, "message", G_CALLBACK (ws_message_cb), self);
  g_signal_connect (ws, "error", G_CALLBACK (ws_error_cb), self);
  g_signal_connect (ws, "closed", G_CALLBACK (ws_closed_cb), self);
}

void
_vz_realtime_client_start_websocket (VzRealtimeClient *self)
{
  g_autofree char *uri = _vz_realtime_client_build_uri (self, "websocket");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);

  if (msg == NULL)
    {
      g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                            _("The realtime address “%s” is not a valid URL."), self->url);
      _vz_realtime_client_link_lost (self, lost);
      return;
    }
  _vz_realtime_client_set_transport (self, TRANSPORT_WEBSOCKET);
  self->tls_errors = 0;
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, ws_connect_cb, g_object_ref (self));
}

/* ---- long-polling transport ---- */

/* Ends a long-polling request, a GET (@is_send FALSE) or a POST. Returns the
 * answer's body, or NULL when the request was cancelled or the link was lost
 * (already reported). */
static GBytes *
poll_finish (VzRealtimeClient *self,
             GObject          *source,
             GAsyncResult     *result,
             gboolean          is_send)
{
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lost = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  if (is_send)
    self->post_in_flight = FALSE;
  if (body == NULL)
    lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                        is_send ? _("Sending to the realtime server failed (%s).")
                                : _("Receiving from the realtime server failed (%s)."),
                        error->message);
  else if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                        _("The realtime server answered with HTTP status %u."),
                        soup_message_get_status (msg));
  if (lost == NULL)
    return g_steal_pointer (&body);
  _vz_realtime_client_link_lost (self, lost);
  return NULL;
}

static void
poll_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VzRealtimeClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  VzEioPayloadIter iter;
  VzEioPacket packet;
  guint n_packets = 0;
  const char *text;
  gsize len;

  if ((body = poll_finish (self, source, result, FALSE)) == NULL)
    return;

  text = g_bytes_get_data (body, &len);
  vz_eio_payload_iter_init (&iter, text, len, 0);
  while (vz_eio_payload_iter_next (&iter, &packet, &error))
    {
      n_packets++;
      /* FALSE: the attempt ended (or the client was stopped) meanwhile. */
      if (!_vz_realtime_client_handle_eio_packet (self, &packet))
        return;
    }
  /* Engine.IO holds a poll until it has something to say: an empty answer
   * would make this loop spin, so it counts as a broken link. */
  if (error == NULL && n_packets == 0)
    error = g_error_new_literal (VZ_WIRE_ERROR, VZ_WIRE_ERROR_TRUNCATED,
                                 _("The server answered a poll with nothing."));
  if (error != NULL)
    {
      malformed_frame (self, error);
      return;
    }
  _vz_realtime_client_poll_once (self);
}

void
_vz_realtime_client_poll_once (VzRealtimeClient *self)
{
  g_autofree char *uri = _vz_realtime_client_build_uri (self, "polling");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    poll_cb, g_object_ref (self));
}

static void
post_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VzRealtimeClient) self = user_data;
  g_autoptr(GBytes) body = NULL;

  if ((body = poll_finish (self, source, result, TRUE)) == NULL)
    return;
  _vz_realtime_client_post_outgoing (self);
}

/* One POST at a time (Engine.IO refuses overlapping ones); packets queued
 * meanwhile go out together in the next. */
void
_vz_realtime_client_post_outgoing (VzRealtimeClient *self)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize len;

  if (self->post_in_flight || self->outgoing->len == 0 || self->eio_sid == NULL)
    return;

  uri = _vz_realtime_client_build_uri (self, "polling");
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  len = self->outgoing->len;
  body = g_bytes_new_take (g_string_free (g_steal_pointer (&self->outgoing), FALSE), len);
  self->outgoing = g_string_new (NULL);
  soup_message_set_request_body_from_bytes (msg, "text/plain;charset=UTF-8", body);
  self->post_in_flight = TRUE;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    post_cb, g_object_ref (self));
}

void
_vz_realtime_client_start_polling (VzRealtimeClient *self)
{
  _vz_realtime_client_set_transport (self, TRANSPORT_POLLING);
  g_clear_pointer (&self->eio_sid, g_free);
  g_string_truncate (self->outgoing, 0);
  self->post_in_flight = FALSE;
  /* The first GET answers with the open packet; handle_open then starts the loop. */
  _vz_realtime_client_poll_once (self);
}
