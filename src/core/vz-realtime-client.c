/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-realtime"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vz-api-error.h"
#include "vz-backoff.h"
#include "vz-engineio.h"
#include "vz-realtime-client-private.h"
#include "vz-socketio.h"
#include "vz-soup-private.h"
#include "vz-timer.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

/* The platform allows at most 10 connects a minute per token. */
#define CONNECT_LIMIT         10
#define CONNECT_WINDOW_MS     60000
/* Until the open packet says otherwise (Engine.IO's default). */
#define HANDSHAKE_TIMEOUT_MS  20000

G_DEFINE_FINAL_TYPE (VzRealtimeClient, vz_realtime_client, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (VzRealtimeState, vz_realtime_state,
  G_DEFINE_ENUM_VALUE (VZ_REALTIME_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (VZ_REALTIME_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VZ_REALTIME_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (VZ_REALTIME_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (VZ_REALTIME_STATE_AUTH_FAILED, "auth-failed"))

enum {
  PROP_0,
  PROP_URL,
  PROP_PATH,
  PROP_STATE,
  PROP_LAST_ERROR,
  PROP_SESSION_ID,
  PROP_TRANSPORT,
  PROP_SOUP_SESSION,
  N_PROPS
};

enum {
  SIGNAL_CONNECTED,
  SIGNAL_DISCONNECTED,
  SIGNAL_EVENT,
  SIGNAL_AUTH_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_attempt   (VzRealtimeClient *self);
static void link_lost_full    (VzRealtimeClient *self,
                               GError           *error,
                               gboolean          auth_failed);

/*
 * "event" is emitted hundreds of thousands of times a second in the benchmark:
 * a hand-written marshaller (with a va_list variant, which lets GSignal skip
 * building GValues for C handlers) instead of the libffi-based generic one.
 */
typedef void (*EventFunc) (gpointer    data1,
                           const char *name,
                           JsonNode   *payload,
                           gint64      ack_id,
                           gpointer    data2);

static void
marshal_event (GClosure     *closure,
               GValue       *return_value,
               guint         n_param_values,
               const GValue *param_values,
               gpointer      invocation_hint,
               gpointer      marshal_data)
{
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  EventFunc callback;

  g_return_if_fail (n_param_values == 4);

  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = g_value_peek_pointer (param_values + 0);
    }
  else
    {
      data1 = g_value_peek_pointer (param_values + 0);
      data2 = closure->data;
    }
  callback = (EventFunc) (marshal_data ? marshal_data : cc->callback);
  callback (data1,
            g_value_get_string (param_values + 1),
            g_value_get_boxed (param_values + 2),
            g_value_get_int64 (param_values + 3),
            data2);
}

static void
marshal_event_va (GClosure *closure,
                  GValue   *return_value,
                  gpointer  instance,
                  va_list   args,
                  gpointer  marshal_data,
                  int       n_params,
                  GType    *param_types)
{
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  EventFunc callback;
  const char *name;
  JsonNode *payload;
  gint64 ack_id;
  va_list args_copy;

  /* Both strings and boxed are passed with G_SIGNAL_TYPE_STATIC_SCOPE: no copies. */
  G_VA_COPY (args_copy, args);
  name = va_arg (args_copy, const char *);
  payload = va_arg (args_copy, JsonNode *);
  ack_id = va_arg (args_copy, gint64);
  va_end (args_copy);

  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = instance;
    }
  else
    {
      data1 = instance;
      data2 = closure->data;
    }
  callback = (EventFunc) (marshal_data ? marshal_data : cc->callback);
  callback (data1, name, payload, ack_id, data2);
}

/* ---- state ---- */

static void
set_state (VzRealtimeClient *self,
           VzRealtimeState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_string (VzRealtimeClient  *self,
            char             **field,
            const char        *value,
            guint              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_last_error (VzRealtimeClient *self,
                const char       *message)
{
  set_string (self, &self->last_error, message, PROP_LAST_ERROR);
}

static void
set_session_id (VzRealtimeClient *self,
                const char       *session_id)
{
  set_string (self, &self->session_id, session_id, PROP_SESSION_ID);
}

void
_vz_realtime_client_set_transport (VzRealtimeClient    *self,
                                   VzRealtimeTransport  transport)
{
  if (self->transport == transport)
    return;
  self->transport = transport;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORT]);
}

char *
_vz_realtime_client_build_uri (VzRealtimeClient *self,
                               const char       *transport)
{
  GString *uri = g_string_new (self->url);
  const char *path = self->path != NULL ? self->path : "/socket.io/";

  while (uri->len > 0 && uri->str[uri->len - 1] == '/')
    g_string_truncate (uri, uri->len - 1);
  if (path[0] != '/')
    g_string_append_c (uri, '/');
  g_string_append (uri, path);
  if (uri->str[uri->len - 1] != '/')
    g_string_append_c (uri, '/');
  g_string_append_printf (uri, "?EIO=%d&transport=%s", VZ_EIO_PROTOCOL, transport);
  if (self->eio_sid != NULL)
    {
      g_autofree char *sid = g_uri_escape_string (self->eio_sid, NULL, FALSE);
      g_string_append_printf (uri, "&sid=%s", sid);
    }
  if (g_str_equal (transport, "polling"))
    g_string_append_printf (uri, "&t=%" G_GUINT64_FORMAT, self->poll_counter++);
  return g_string_free (uri, FALSE);
}

/* ---- watchdog ---- */

static void
watchdog_cb (gpointer user_data)
{
  VzRealtimeClient *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->opened)
    error = g_error_new (VZ_API_ERROR, VZ_API_ERROR_TIMEOUT,
                         _("The server stopped answering (no sign of life for %u seconds)."),
                         (self->ping_interval + self->ping_timeout + 999) / 1000);
  else
    error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_TIMEOUT,
                                 _("The server accepted the connection but never started the session."));
  _vz_realtime_client_link_lost (self, error);
}

/* Re-armed by every ping: a VzTimer, so that thousands of connections add no
 * sources to the main loop. */
static void
watchdog_arm (VzRealtimeClient *self,
              guint             timeout_ms)
{
  vz_timer_arm (self->watchdog, timeout_ms);
}

/* ---- Socket.IO session ---- */

void
_vz_realtime_client_fail_auth (VzRealtimeClient *self,
                               const char       *message)
{
  g_autoptr(GError) error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_AUTH_INVALID, message);

  link_lost_full (self, error, TRUE);
}

void
_vz_realtime_client_connected (VzRealtimeClient *self,
                               const char       *sid)
{
  set_session_id (self, sid);
  vz_timer_disarm (self->connect_timeout);
  vz_backoff_reset (self->backoff);
  set_last_error (self, NULL);
  set_state (self, VZ_REALTIME_STATE_CONNECTED);
  g_debug ("Connected over %s", self->transport == TRANSPORT_WEBSOCKET ? "WebSocket" : "long-polling");
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

void
_vz_realtime_client_emit_event (VzRealtimeClient *self,
                                GQuark            detail,
                                const char       *name,
                                JsonNode         *payload,
                                gint64            ack_id)
{
  g_signal_emit (self, signals[SIGNAL_EVENT], detail, name, payload, ack_id);
}

/* ---- Engine.IO ---- */

static void
send_connect (VzRealtimeClient *self)
{
  g_autoptr(JsonNode) auth = NULL;
  g_autofree char *text = NULL;
  JsonObject *object = json_object_new ();
  gsize len;

  if (self->token != NULL)
    json_object_set_string_member (object, "token", self->token);
  auth = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  text = vz_sio_encode_connect (NULL, auth, &len);
  _vz_realtime_client_send_packet (self, text, len);
  /* The token is now inside text: wipe it rather than leave it in freed memory. */
  memset (text, 0, len);
}

static void
handle_open (VzRealtimeClient *self,
             const char       *data,
             gsize             len)
{
  VzEioHandshake handshake;
  g_autoptr(GError) error = NULL;

  if (!vz_eio_handshake_parse (data, len, &handshake, &error))
    {
      g_autoptr(GError) lost = g_error_new (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                            _("The server's realtime handshake was not understood. %s"), error->message);
      _vz_realtime_client_link_lost (self, lost);
      return;
    }

  self->opened = TRUE;
  self->ping_interval = handshake.ping_interval;
  self->ping_timeout = handshake.ping_timeout;
  self->max_payload = handshake.max_payload;
  if (self->transport == TRANSPORT_POLLING)
    {
      g_free (self->eio_sid);
      self->eio_sid = g_strdup (handshake.sid);
    }
  /* maxPayload is what the server accepts; what it sends is not bounded by
   * it, so ours never goes below Engine.IO's default. */
  self->incoming_limit = MAX (handshake.max_payload, VZ_EIO_DEFAULT_MAX_PAYLOAD);
  if (self->ws != NULL)
    soup_websocket_connection_set_max_incoming_payload_size (self->ws, self->incoming_limit);
  vz_eio_handshake_clear (&handshake);

  watchdog_arm (self, self->ping_interval + self->ping_timeout);
  send_connect (self);
}

/* Returns FALSE when the link was torn down while handling it. */
gboolean
_vz_realtime_client_handle_eio_packet (VzRealtimeClient  *self,
                                       const VzEioPacket *packet)
{
  GCancellable *attempt = self->cancellable;

  if (!self->opened && packet->type != VZ_EIO_PACKET_OPEN)
    {
      g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                                    _("The server did not start the realtime session properly."));
      _vz_realtime_client_link_lost (self, lost);
      return FALSE;
    }

  switch (packet->type)
    {
    case VZ_EIO_PACKET_MESSAGE:
      _vz_realtime_client_handle_socketio (self, packet->data, packet->len);
      break;

    case VZ_EIO_PACKET_PING:
      watchdog_arm (self, self->ping_interval + self->ping_timeout);
      _vz_realtime_client_send_packet (self, "3", 1);
      break;

    case VZ_EIO_PACKET_OPEN:
      if (self->opened)
        {
          g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                                        _("The server started the realtime session twice."));
          _vz_realtime_client_link_lost (self, lost);
          return FALSE;
        }
      handle_open (self, packet->data, packet->len);
      break;

    case VZ_EIO_PACKET_CLOSE:
      {
        g_autoptr(GError) lost = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                                      _("The server closed the realtime connection."));
        _vz_realtime_client_link_lost (self, lost);
        return FALSE;
      }

    case VZ_EIO_PACKET_PONG:
    case VZ_EIO_PACKET_UPGRADE:
    case VZ_EIO_PACKET_NOOP:
    default:
      break;
    }
  /* Any handler above may have ended this attempt (auth failure, shutdown, stop from a signal handler). */
  return self->cancellable == attempt && attempt != NULL && !g_cancellable_is_cancelled (attempt);
}

/* ---- connection lifecycle ---- */

static void
teardown_link (VzRealtimeClient *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  _vz_realtime_client_clear_incoming (self);
  vz_timer_disarm (self->watchdog);
  vz_timer_disarm (self->connect_timeout);
  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }
  g_clear_pointer (&self->eio_sid, g_free);
  g_string_truncate (self->outgoing, 0);
  self->post_in_flight = FALSE;
  self->opened = FALSE;
  _vz_realtime_client_set_transport (self, TRANSPORT_NONE);
  set_session_id (self, NULL);
}

static void
connect_timeout_cb (gpointer user_data)
{
  VzRealtimeClient *self = user_data;
  g_autoptr(GError) error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_TIMEOUT,
                                                 _("The realtime server did not accept the connection in time."));

  _vz_realtime_client_link_lost (self, error);
}

static void
reconnect_cb (gpointer user_data)
{
  VzRealtimeClient *self = user_data;

  connect_attempt (self);
}

/* Ends the current attempt or connection; then either schedules the next
 * attempt with backoff or, for an auth failure, stays down. */
static void
link_lost_full (VzRealtimeClient *self,
                GError           *error,
                gboolean          auth_failed)
{
  gboolean was_connected = self->state == VZ_REALTIME_STATE_CONNECTED;

  /* Several signals (error, then closed) can report the same loss. */
  if (self->cancellable == NULL)
    return;

  g_object_ref (self);
  teardown_link (self);
  if (error != NULL)
    {
      set_last_error (self, error->message);
      g_debug ("Realtime link lost: %s", error->message);
    }

  if (auth_failed)
    {
      self->running = FALSE;
      set_state (self, VZ_REALTIME_STATE_AUTH_FAILED);
    }
  else if (self->running)
    {
      /* Drawn once: MAX() would advance the backoff twice. */
      guint delay = vz_backoff_next_delay (self->backoff);

      delay = MAX (delay, self->server_wait_ms);

      set_state (self, VZ_REALTIME_STATE_RECONNECTING);
      vz_timer_arm (self->reconnect, delay);
    }
  self->server_wait_ms = 0;

  /* Last: ack callbacks may run right here and call back into the client,
   * which by now is in its new state. */
  _vz_realtime_client_fail_all_pending_acks (self);
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
  if (auth_failed && error != NULL)
    g_signal_emit (self, signals[SIGNAL_AUTH_FAILED], 0, error->message);
  g_object_unref (self);
}

void
_vz_realtime_client_link_lost (VzRealtimeClient *self,
                               GError           *error)
{
  link_lost_full (self, error, FALSE);
}

static void
connect_attempt (VzRealtimeClient *self)
{
  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  self->opened = FALSE;
  self->max_payload = VZ_EIO_DEFAULT_MAX_PAYLOAD;
  self->incoming_limit = VZ_EIO_DEFAULT_MAX_PAYLOAD;
  /* Until the open packet arrives, a silent server is caught by this deadline. */
  watchdog_arm (self, HANDSHAKE_TIMEOUT_MS);
  /* Pings keep the watchdog quiet even when the server never answers our
   * CONNECT: the Socket.IO handshake has its own deadline. */
  vz_timer_arm (self->connect_timeout, HANDSHAKE_TIMEOUT_MS);
  _vz_realtime_client_start_websocket (self);
}

/* ---- GObject ---- */

static void
vz_realtime_client_dispose (GObject *object)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (object);

  self->running = FALSE;
  vz_timer_disarm (self->reconnect);
  teardown_link (self);
  _vz_realtime_client_fail_all_pending_acks (self);
  if (self->session != NULL && !self->shared_session)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->backoff);

  G_OBJECT_CLASS (vz_realtime_client_parent_class)->dispose (object);
}

static void
vz_realtime_client_finalize (GObject *object)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (object);

  g_free (self->url);
  g_free (self->path);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->last_error);
  g_free (self->session_id);
  g_free (self->eio_sid);
  if (self->outgoing != NULL)
    g_string_free (self->outgoing, TRUE);
  g_hash_table_unref (self->pending_acks);
  g_hash_table_unref (self->quarks);
  vz_timer_free (self->watchdog);
  vz_timer_free (self->connect_timeout);
  vz_timer_free (self->reconnect);

  G_OBJECT_CLASS (vz_realtime_client_parent_class)->finalize (object);
}

static void
vz_realtime_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_TRANSPORT:
      g_value_set_string (value, self->transport == TRANSPORT_WEBSOCKET ? "websocket" :
                                 self->transport == TRANSPORT_POLLING ? "polling" : NULL);
      break;
    case PROP_SOUP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_realtime_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_PATH:
      {
        const char *path = g_value_get_string (value);
        if (path == NULL)
          path = "/socket.io/";
        set_string (self, &self->path, path, PROP_PATH);
      }
      break;
    case PROP_SOUP_SESSION:
      self->session = g_value_dup_object (value);
      self->shared_session = self->session != NULL;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_realtime_client_constructed (GObject *object)
{
  VzRealtimeClient *self = VZ_REALTIME_CLIENT (object);

  G_OBJECT_CLASS (vz_realtime_client_parent_class)->constructed (object);

  /* A long-poll GET and a POST run side by side, plus a WebSocket attempt. */
  if (self->session == NULL)
    self->session = SOUP_SESSION (vz_realtime_client_new_shared_session (self->url, 4));
}

static void
vz_realtime_client_class_init (VzRealtimeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vz_realtime_client_constructed;
  object_class->dispose = vz_realtime_client_dispose;
  object_class->finalize = vz_realtime_client_finalize;
  object_class->get_property = vz_realtime_client_get_property;
  object_class->set_property = vz_realtime_client_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, "/socket.io/",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VZ_TYPE_REALTIME_STATE, VZ_REALTIME_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "websocket", "polling", or NULL between connections. */
  properties[PROP_TRANSPORT] =
    g_param_spec_string ("transport", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Many clients may share one session (a simulator's thousands of screens):
   * libsoup keeps sources in the main context for every session that has
   * sent a request, and each turn of the loop walks them all. NULL: a
   * session of the client's own. */
  properties[PROP_SOUP_SESSION] =
    g_param_spec_object ("soup-session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, marshal_event, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_INT64);
  g_signal_set_va_marshaller (signals[SIGNAL_EVENT], G_TYPE_FROM_CLASS (klass), marshal_event_va);
  signals[SIGNAL_AUTH_FAILED] =
    g_signal_new ("auth-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vz_realtime_client_init (VzRealtimeClient *self)
{
  self->path = g_strdup ("/socket.io/");
  self->state = VZ_REALTIME_STATE_DISCONNECTED;
  self->max_payload = VZ_EIO_DEFAULT_MAX_PAYLOAD;
  self->incoming_limit = VZ_EIO_DEFAULT_MAX_PAYLOAD;
  self->outgoing = g_string_new (NULL);
  self->pending_acks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                              (GDestroyNotify) _vz_realtime_pending_ack_free);
  self->quarks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watchdog = vz_timer_new (watchdog_cb, self);
  self->connect_timeout = vz_timer_new (connect_timeout_cb, self);
  self->reconnect = vz_timer_new (reconnect_cb, self);
  self->backoff = vz_backoff_new ();
  vz_backoff_set_rate_limit (self->backoff, CONNECT_LIMIT, CONNECT_WINDOW_MS);
}

/* ---- public API ---- */

VzRealtimeClient *
vz_realtime_client_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (VZ_TYPE_REALTIME_CLIENT, "url", url, NULL);
}

GObject *
vz_realtime_client_new_shared_session (const char *url,
                                       guint       max_connections)
{
  SoupSession *session;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  /* No timeouts: the Engine.IO pings and the client's own deadlines time the link. */
  session = soup_session_new_with_options ("max-conns-per-host", max_connections,
                                           "max-conns", MAX (max_connections, 10),
                                           "timeout", 0,
                                           "idle-timeout", 0,
                                           NULL);
  _vz_soup_session_direct_for_loopback (session, url);
  return G_OBJECT (session);
}

void
vz_realtime_client_set_token (VzRealtimeClient *self,
                              const char       *token)
{
  g_return_if_fail (VZ_IS_REALTIME_CLIENT (self));

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

void
vz_realtime_client_start (VzRealtimeClient *self)
{
  guint delay;

  g_return_if_fail (VZ_IS_REALTIME_CLIENT (self));

  if (self->running)
    return;
  self->running = TRUE;
  vz_backoff_reset (self->backoff);
  set_last_error (self, NULL);
  set_state (self, VZ_REALTIME_STATE_CONNECTING);
  /* Stop + start loops (network flapping, token refreshes) count against the
   * platform's connect limit like reconnects do. */
  delay = vz_backoff_claim_attempt (self->backoff);
  if (delay == 0)
    connect_attempt (self);
  else
    vz_timer_arm (self->reconnect, delay);
}

void
vz_realtime_client_stop (VzRealtimeClient *self)
{
  gboolean was_connected;

  g_return_if_fail (VZ_IS_REALTIME_CLIENT (self));

  was_connected = self->state == VZ_REALTIME_STATE_CONNECTED;
  self->running = FALSE;
  vz_timer_disarm (self->reconnect);
  /* Tell the server we leave on purpose, so it does not wait for a timeout. */
  if (was_connected && self->transport == TRANSPORT_WEBSOCKET)
    _vz_realtime_client_send_packet (self, "41", 2);
  g_object_ref (self);
  teardown_link (self);
  _vz_realtime_client_fail_all_pending_acks (self);
  set_state (self, VZ_REALTIME_STATE_DISCONNECTED);
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, NULL);
  g_object_unref (self);
}

VzRealtimeState
vz_realtime_client_get_state (VzRealtimeClient *self)
{
  g_return_val_if_fail (VZ_IS_REALTIME_CLIENT (self), VZ_REALTIME_STATE_DISCONNECTED);
  return self->state;
}

const char *
vz_realtime_client_get_last_error (VzRealtimeClient *self)
{
  g_return_val_if_fail (VZ_IS_REALTIME_CLIENT (self), NULL);
  return self->last_error;
}

JsonArray *
vz_realtime_client_get_current_args (VzRealtimeClient *self)
{
  g_return_val_if_fail (VZ_IS_REALTIME_CLIENT (self), NULL);
  return self->current_args;
}
