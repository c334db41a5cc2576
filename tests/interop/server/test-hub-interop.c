/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-hub-interop"

#include <string.h>
#include <libsoup/soup.h>

#include "vz-hub.h"
#include "node-peer.h"

/*
 * The official socket.io-client (node) against our VzHub, hosted here on a
 * loopback SoupServer with handlers that accept a few fixed tokens. Raw
 * libsoup peers check what the client never does: protocol errors, silence.
 */

typedef struct {
  SoupServer *server;
  VzHub      *hub;
  char       *url;
  GPtrArray  *events;        /* "socket-id event args-json" */
  guint       connected;
  guint       disconnected;
  JsonArray  *device_ack;    /* last ack from emit_to_device */
  gboolean    device_ack_called;
} Fixture;

static gboolean
test_authenticate (VzHub          *hub,
                   const char     *token,
                   VzHubPrincipal *principal,
                   gpointer        user_data)
{
  static const struct { const char *token; VzHubPeerKind kind; const char *org; const char *subject; } known[] = {
    { "dash-A",  VZ_HUB_PEER_DASHBOARD, "org-A", "user-1" },
    { "dash-A2", VZ_HUB_PEER_DASHBOARD, "org-A", "user-2" },
    { "dash-B",  VZ_HUB_PEER_DASHBOARD, "org-B", "user-3" },
    { "dev-1",   VZ_HUB_PEER_DEVICE,    "org-A", "display-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (token, known[i].token) == 0)
      {
        principal->kind = known[i].kind;
        principal->organization_id = g_strdup (known[i].org);
        principal->subject_id = g_strdup (known[i].subject);
        return TRUE;
      }
  return FALSE;
}

static void
test_connected (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal, gpointer user_data)
{
  Fixture *f = user_data;
  f->connected++;
}

static void
test_disconnected (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal, gpointer user_data)
{
  Fixture *f = user_data;
  f->disconnected++;
}

static JsonNode *
test_event (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal,
            const char *event, JsonArray *args, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), args);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonBuilder) b = NULL;

  g_ptr_array_add (f->events, g_strdup_printf ("%s %s %s", principal->subject_id, event, text));
  if (strcmp (event, "echo") != 0)
    return NULL;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  if (json_array_get_length (args) > 0)
    json_builder_add_value (b, json_node_copy (json_array_get_element (args, 0)));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  static const VzHubHandlers handlers = {
    test_authenticate, test_connected, test_disconnected, test_event,
  };
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->events = g_ptr_array_new_with_free_func (g_free);
  f->server = soup_server_new ("server-header", "vizora-test", NULL);
  f->hub = vz_hub_new (&handlers, f);
  vz_hub_attach (f->hub, f->server, "/socket.io/");
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  vz_hub_shutdown (f->hub);
  soup_server_disconnect (f->server);
  g_clear_object (&f->hub);
  g_clear_object (&f->server);
  g_clear_pointer (&f->device_ack, json_array_unref);
  g_ptr_array_unref (f->events);
  g_free (f->url);
}

static JsonNode *
json_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static char *
args_text (JsonObject *line)
{
  return json_to_string (json_object_get_member (line, "args"), FALSE);
}

static gboolean
has_event (Fixture *f, const char *prefix)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->events, i), prefix))
      return TRUE;
  return FALSE;
}

static void
wait_for_event (Fixture *f, const char *prefix)
{
  for (int i = 0; i < 300 && !has_event (f, prefix); i++)
    test_iterate_for (10);
  g_assert_true (has_event (f, prefix));
}

/* Events both ways, acks both ways, rooms, on the given transports. */
static void
exercise_dashboard (Fixture *f, const char *transports, gboolean expect_upgrade)
{
  g_autoptr(NodePeer) a = node_peer_spawn (f->url, "plain", "dash-A", transports);
  g_autoptr(NodePeer) b = node_peer_spawn (f->url, "plain", "dash-B", transports);
  g_autoptr(JsonNode) status = json_from ("{\"deviceId\":\"display-1\",\"status\":\"online\","
                                          "\"lastSeen\":\"2026-01-01T00:00:00.000Z\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}");
  g_autoptr(JsonNode) marker = json_from ("{\"n\":2}");
  JsonObject *line;
  g_autofree char *text = NULL;
  g_autofree char *socket_id = NULL;

  line = node_peer_expect (a, "open", NULL, 10000);
  g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==,
                   transports != NULL ? transports : "polling");
  json_object_unref (line);
  line = node_peer_expect (a, "connect", NULL, 10000);
  socket_id = g_strdup (json_object_get_string_member (line, "id"));
  if (transports != NULL)
    g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==, transports);
  json_object_unref (line);
  json_object_unref (node_peer_expect (b, "connect", NULL, 10000));
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 2);

  if (expect_upgrade)
    {
      line = node_peer_expect (a, "upgrade", NULL, 10000);
      g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==, "websocket");
      json_object_unref (line);
    }

  /* Server → dashboards: only the organization's room hears it. */
  vz_hub_emit_to_organization (f->hub, "org-A", "device:status", status);
  vz_hub_emit_to_organization (f->hub, "org-B", "marker", marker);
  line = node_peer_expect (a, "event", "device:status", 5000);
  text = args_text (line);
  g_assert_cmpstr (text, ==, "[{\"deviceId\":\"display-1\",\"status\":\"online\","
                   "\"lastSeen\":\"2026-01-01T00:00:00.000Z\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}]");
  g_assert_false (json_object_get_boolean_member (line, "ack"));
  json_object_unref (line);
  json_object_unref (node_peer_expect (b, "event", "marker", 5000));
  g_assert_cmpuint (node_peer_count (b, "event"), ==, 0);   /* B never saw device:status */

  /* To one socket by its id. */
  vz_hub_emit_to_socket (f->hub, socket_id, "direct", marker);
  json_object_unref (node_peer_expect (a, "event", "direct", 5000));

  /* Client → server, fire and forget, then with an ack answered by the handler. */
  node_peer_command (a, "{\"op\":\"emit\",\"name\":\"note\",\"payload\":{\"x\":1}}");
  wait_for_event (f, "user-1 note [{\"x\":1}]");
  node_peer_command (a, "{\"op\":\"emit-ack\",\"name\":\"echo\",\"payload\":{\"x\":2}}");
  line = node_peer_expect (a, "ack", "echo", 5000);
  g_assert_true (json_object_get_null_member (line, "error"));
  g_clear_pointer (&text, g_free);
  text = args_text (line);
  g_assert_cmpstr (text, ==, "[{\"success\":true,\"data\":{\"x\":2}}]");
  json_object_unref (line);

  /* join:organization: acked, allowed for the own organization only. */
  node_peer_command (a, "{\"op\":\"emit-ack\",\"name\":\"join:organization\",\"payload\":{\"organizationId\":\"org-A\"}}");
  line = node_peer_expect (a, "ack", "join:organization", 5000);
  {
    JsonObject *reply = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
    g_assert_true (json_object_get_boolean_member (reply, "success"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "data"), "organizationId"),
                     ==, "org-A");
  }
  json_object_unref (line);
  node_peer_command (a, "{\"op\":\"emit-ack\",\"name\":\"join:organization\",\"payload\":{\"organizationId\":\"org-B\"}}");
  line = node_peer_expect (a, "ack", "join:organization", 5000);
  {
    JsonObject *reply = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
    g_assert_false (json_object_get_boolean_member (reply, "success"));
  }
  json_object_unref (line);
  json_object_unref (node_peer_expect (a, "event", "error", 5000));

  /* Joining twice did not put A in the room twice, nor into B's room. */
  vz_hub_emit_to_organization (f->hub, "org-A", "once", marker);
  vz_hub_emit_to_organization (f->hub, "org-B", "only-b", marker);
  json_object_unref (node_peer_expect (a, "event", "once", 5000));
  json_object_unref (node_peer_expect (b, "event", "only-b", 5000));
  test_iterate_for (100);
  g_assert_cmpuint (node_peer_count (a, "event"), ==, 0);

  node_peer_command (a, "{\"op\":\"close\"}");
  json_object_unref (node_peer_expect (a, "closed", NULL, 5000));
  for (int i = 0; i < 200 && vz_hub_get_peer_count (f->hub) != 1; i++)
    test_iterate_for (10);
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 1);
  g_assert_cmpuint (f->disconnected, ==, 1);
}

static void
test_websocket (Fixture *f, gconstpointer data)
{
  exercise_dashboard (f, "websocket", FALSE);
}

static void
test_polling_upgrade (Fixture *f, gconstpointer data)
{
  exercise_dashboard (f, NULL, TRUE);
}

static void
test_polling_only (Fixture *f, gconstpointer data)
{
  exercise_dashboard (f, "polling", FALSE);
}

static void
check_auth_failure (Fixture *f, const char *token, const char *transports)
{
  g_autoptr(NodePeer) peer = node_peer_spawn (f->url, "plain", token, transports);
  JsonObject *line = node_peer_expect (peer, "connect_error", NULL, 10000);

  g_assert_cmpstr (json_object_get_string_member (line, "message"), ==, "auth_invalid");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (line, "data"), "code"),
                   ==, "AUTH_INVALID");
  json_object_unref (line);
  g_assert_cmpuint (node_peer_count (peer, "connect"), ==, 0);
}

static void
test_auth_failure (Fixture *f, gconstpointer data)
{
  check_auth_failure (f, "wrong-token", "websocket");
  check_auth_failure (f, "wrong-token", "polling");
  check_auth_failure (f, "", NULL);
  g_assert_cmpuint (f->connected, ==, 0);
  /* The hub forgot the refused sessions. */
  test_iterate_for (200);
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 0);
}

static void
device_ack_cb (VzHub *hub, JsonArray *ack_args, gpointer user_data)
{
  Fixture *f = user_data;

  f->device_ack_called = TRUE;
  g_clear_pointer (&f->device_ack, json_array_unref);
  if (ack_args != NULL)
    f->device_ack = json_array_ref (ack_args);
}

static void
test_device (Fixture *f, gconstpointer data)
{
  g_autoptr(NodePeer) dev = node_peer_spawn (f->url, "plain", "dev-1", "websocket");
  g_autoptr(NodePeer) dash = node_peer_spawn (f->url, "plain", "dash-A", "websocket");
  g_autoptr(JsonNode) command = json_from ("{\"type\":\"reload\",\"payload\":{}}");
  g_autoptr(JsonNode) revoked = json_from ("{\"reason\":\"deleted\"}");
  g_autoptr(JsonNode) status = json_from ("{\"deviceId\":\"display-1\",\"status\":\"online\"}");
  JsonObject *line;
  g_autofree char *text = NULL;

  json_object_unref (node_peer_expect (dev, "connect", NULL, 10000));
  json_object_unref (node_peer_expect (dash, "connect", NULL, 10000));
  g_assert_true (vz_hub_device_is_connected (f->hub, "display-1"));
  g_assert_false (vz_hub_device_is_connected (f->hub, "display-2"));
  g_assert_false (vz_hub_emit_to_device (f->hub, "display-2", "command", command, NULL, NULL));

  /* Devices are not in the organization's dashboard room. */
  vz_hub_emit_to_organization (f->hub, "org-A", "device:status", status);
  json_object_unref (node_peer_expect (dash, "event", "device:status", 5000));

  /* Server → device with an ack; the client answers it. */
  g_assert_true (vz_hub_emit_to_device (f->hub, "display-1", "command", command, device_ack_cb, f));
  line = node_peer_expect (dev, "event", "command", 5000);
  g_assert_true (json_object_get_boolean_member (line, "ack"));
  json_object_unref (line);
  for (int i = 0; i < 300 && !f->device_ack_called; i++)
    test_iterate_for (10);
  g_assert_nonnull (f->device_ack);
  {
    g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), f->device_ack);
    text = json_to_string (node, FALSE);
  }
  g_assert_cmpstr (text, ==, "[{\"success\":true,\"echo\":{\"type\":\"reload\",\"payload\":{}}}]");
  g_assert_cmpuint (node_peer_count (dev, "event"), ==, 0);

  /* A device's heartbeat reaches the handler, and its ack comes back (empty: the handler gave none). */
  node_peer_command (dev, "{\"op\":\"emit-ack\",\"name\":\"heartbeat\",\"payload\":{\"metrics\":{\"cpuUsage\":5}}}");
  line = node_peer_expect (dev, "ack", "heartbeat", 5000);
  g_assert_true (json_object_get_null_member (line, "error"));
  json_object_unref (line);
  g_assert_true (has_event (f, "display-1 heartbeat [{\"metrics\":{\"cpuUsage\":5}}]"));

  /* The same screen connecting again replaces its old socket without going offline in between. */
  {
    g_autoptr(NodePeer) again = node_peer_spawn (f->url, "plain", "dev-1", "websocket");
    guint disconnected = f->disconnected;

    json_object_unref (node_peer_expect (again, "connect", NULL, 10000));
    json_object_unref (node_peer_expect (dev, "disconnect", NULL, 5000));
    g_assert_true (vz_hub_device_is_connected (f->hub, "display-1"));
    g_assert_cmpuint (f->disconnected, ==, disconnected + 1);
    g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 2);
    g_clear_pointer (&dev, node_peer_free);
    dev = g_steal_pointer (&again);
  }

  /* Revoking: the event first, then the socket closes. */
  vz_hub_disconnect_subject (f->hub, "display-1", "device:revoked", revoked);
  json_object_unref (node_peer_expect (dev, "event", "device:revoked", 5000));
  line = node_peer_expect (dev, "disconnect", NULL, 5000);
  json_object_unref (line);
  g_assert_false (vz_hub_device_is_connected (f->hub, "display-1"));
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 1);
}

static void
test_ping_keeps_alive (Fixture *f, gconstpointer data)
{
  g_autoptr(NodePeer) ws = NULL;
  g_autoptr(NodePeer) poll = NULL;
  JsonObject *line;

  vz_hub_set_ping (f->hub, 150, 150);
  ws = node_peer_spawn (f->url, "plain", "dash-A", "websocket");
  poll = node_peer_spawn (f->url, "plain", "dash-A2", "polling");
  json_object_unref (node_peer_expect (ws, "connect", NULL, 10000));
  json_object_unref (node_peer_expect (poll, "connect", NULL, 10000));

  /* Well past pingInterval + pingTimeout several times over. */
  test_iterate_for (1500);
  g_assert_cmpuint (node_peer_count (ws, "ping"), >=, 5);
  g_assert_cmpuint (node_peer_count (poll, "ping"), >=, 5);
  g_assert_cmpuint (node_peer_count (ws, "disconnect"), ==, 0);
  g_assert_cmpuint (node_peer_count (poll, "disconnect"), ==, 0);
  node_peer_command (ws, "{\"op\":\"state\"}");
  line = node_peer_expect (ws, "state", NULL, 5000);
  g_assert_true (json_object_get_boolean_member (line, "connected"));
  json_object_unref (line);
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 2);
  g_assert_cmpuint (f->disconnected, ==, 0);
}

static void
test_shutdown (Fixture *f, gconstpointer data)
{
  g_autoptr(NodePeer) ws = node_peer_spawn (f->url, "plain", "dash-A", "websocket");
  g_autoptr(NodePeer) poll = node_peer_spawn (f->url, "plain", "dash-B", "polling");
  JsonObject *line;
  g_autofree char *text = NULL;

  json_object_unref (node_peer_expect (ws, "connect", NULL, 10000));
  json_object_unref (node_peer_expect (poll, "connect", NULL, 10000));
  /* Let the polling client park its next GET so that the shutdown reaches it at once. */
  test_iterate_for (200);

  vz_hub_shutdown (f->hub);
  line = node_peer_expect (ws, "event", "server:shutdown", 5000);
  text = args_text (line);
  g_assert_cmpstr (text, ==, "[{\"reconnect\":true}]");
  json_object_unref (line);
  json_object_unref (node_peer_expect (ws, "disconnect", NULL, 5000));
  json_object_unref (node_peer_expect (poll, "event", "server:shutdown", 5000));
  json_object_unref (node_peer_expect (poll, "disconnect", NULL, 5000));
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 0);
  g_assert_cmpuint (f->disconnected, ==, 2);
}

/* ---- raw peers: what the official client never does ------------------------ */

typedef struct {
  SoupWebsocketConnection *ws;
  GPtrArray               *frames;
  gboolean                 closed;
} RawPeer;

static void
raw_message_cb (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer user_data)
{
  RawPeer *raw = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  g_ptr_array_add (raw->frames, g_strndup (data, len));
}

static void
raw_closed_cb (SoupWebsocketConnection *ws, gpointer user_data)
{
  RawPeer *raw = user_data;
  raw->closed = TRUE;
}

static void
raw_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RawPeer *raw = user_data;
  g_autoptr(GError) error = NULL;

  raw->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  g_signal_connect (raw->ws, "message", G_CALLBACK (raw_message_cb), raw);
  g_signal_connect (raw->ws, "closed", G_CALLBACK (raw_closed_cb), raw);
}

static RawPeer *
raw_connect (Fixture *f, SoupSession *session)
{
  RawPeer *raw = g_new0 (RawPeer, 1);
  g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=4&transport=websocket", f->url);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  raw->frames = g_ptr_array_new_with_free_func (g_free);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        raw_connected_cb, raw);
  for (int i = 0; i < 500 && raw->frames->len == 0; i++)
    test_iterate_for (10);
  g_assert_cmpuint (raw->frames->len, >=, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (raw->frames, 0), "0{\"sid\":"));
  return raw;
}

static void
raw_free (RawPeer *raw)
{
  if (raw->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (raw->ws, raw);
      if (soup_websocket_connection_get_state (raw->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (raw->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (raw->ws);
    }
  g_ptr_array_unref (raw->frames);
  g_free (raw);
}

static void
raw_wait_closed (RawPeer *raw, guint timeout_ms)
{
  for (guint i = 0; i < timeout_ms / 10 && !raw->closed; i++)
    test_iterate_for (10);
  g_assert_true (raw->closed);
}

typedef struct {
  GBytes   *body;
  gboolean  done;
} HttpResult;

static void
http_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HttpResult *r = user_data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  r->done = TRUE;
}

/* The server runs in this thread: wait for the answer with the main loop turning. */
static char *
http_get (SoupSession *session, SoupMessage *msg)
{
  HttpResult r = { NULL, FALSE };
  char *text;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, http_done_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (r.body);
  text = g_strndup (g_bytes_get_data (r.body, NULL), g_bytes_get_size (r.body));
  g_bytes_unref (r.body);
  return text;
}

static void
test_protocol_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(NodePeer) witness = NULL;
  RawPeer *raw;
  const char *garbage[] = { "4garbage", "9", "42[\"x\"]", "40{\"token\":", "4" "5-[\"bin\",{\"_placeholder\":true,\"num\":0}]" };

  /* Engine.IO 3 is refused with Engine.IO's own error body. */
  {
    g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=3&transport=polling", f->url);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autofree char *body = http_get (session, msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 400);
    g_assert_cmpstr (body, ==, "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
  }
  /* An unknown session id, and an unknown transport. */
  {
    g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=4&transport=polling&sid=nope", f->url);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autofree char *body = http_get (session, msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 400);
    g_assert_cmpstr (body, ==, "{\"code\":1,\"message\":\"Session ID unknown\"}");
  }
  {
    g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=4&transport=carrier-pigeon", f->url);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autofree char *body = http_get (session, msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 400);
    g_assert_cmpstr (body, ==, "{\"code\":0,\"message\":\"Transport unknown\"}");
  }

  /* Polling: a POST over maxPayload is refused on its headers; a malformed payload ends the session. */
  {
    g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=4&transport=polling", f->url);
    g_autoptr(SoupMessage) open = soup_message_new ("GET", url);
    g_autofree char *open_body = http_get (session, open);
    g_autoptr(JsonNode) handshake = json_from (open_body + 1);
    const char *sid = json_object_get_string_member (json_node_get_object (handshake), "sid");
    g_autofree char *session_url = g_strdup_printf ("%s&sid=%s", url, sid);
    g_autofree char *big = g_malloc0 (1000002);
    g_autoptr(SoupMessage) huge = soup_message_new ("POST", session_url);
    g_autoptr(SoupMessage) bad = soup_message_new ("POST", session_url);
    g_autoptr(SoupMessage) after = soup_message_new ("GET", session_url);
    g_autoptr(GBytes) big_bytes = NULL;
    g_autoptr(GBytes) bad_bytes = g_bytes_new_static ("4\x1e\x1e" "9zz", 7);
    g_autofree char *reply = NULL;

    g_assert_true (g_str_has_prefix (open_body, "0{"));
    memset (big, '4', 1000001);
    big_bytes = g_bytes_new_take (g_steal_pointer (&big), 1000001);
    soup_message_set_request_body_from_bytes (huge, "text/plain;charset=UTF-8", big_bytes);
    g_free (http_get (session, huge));
    g_assert_cmpuint (soup_message_get_status (huge), ==, 413);

    soup_message_set_request_body_from_bytes (bad, "text/plain;charset=UTF-8", bad_bytes);
    g_free (http_get (session, bad));
    reply = http_get (session, after);
    g_assert_cmpuint (soup_message_get_status (after), ==, 400);
    g_assert_cmpstr (reply, ==, "{\"code\":1,\"message\":\"Session ID unknown\"}");
  }

  /* Each malformed frame closes that peer, and only that peer. */
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      raw = raw_connect (f, session);
      soup_websocket_connection_send_text (raw->ws, garbage[i]);
      raw_wait_closed (raw, 3000);
      raw_free (raw);
    }

  /* A binary frame, and a frame over maxPayload. */
  raw = raw_connect (f, session);
  soup_websocket_connection_send_binary (raw->ws, "4", 1);
  raw_wait_closed (raw, 3000);
  raw_free (raw);
  {
    gsize big = 1000001;
    g_autofree char *huge = g_malloc (big + 1);

    memset (huge, 'a', big);
    huge[0] = '4';
    huge[big] = '\0';
    raw = raw_connect (f, session);
    soup_websocket_connection_send_text (raw->ws, huge);
    raw_wait_closed (raw, 3000);
    raw_free (raw);
  }

  /* The hub still serves well-behaved clients. */
  witness = node_peer_spawn (f->url, "plain", "dash-A", "websocket");
  json_object_unref (node_peer_expect (witness, "connect", NULL, 10000));
  g_assert_cmpuint (f->connected, ==, 1);
}

static void
test_silent_peers (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  RawPeer *mute;
  RawPeer *lurker;
  RawPeer *device;
  g_autoptr(JsonNode) command = json_from ("{\"type\":\"reload\"}");
  gint64 start;

  vz_hub_set_ping (f->hub, 100, 100);

  /* Joins the namespace but never answers a ping: dropped after interval + timeout. */
  start = g_get_monotonic_time ();
  mute = raw_connect (f, session);
  soup_websocket_connection_send_text (mute->ws, "40{\"token\":\"dash-A\"}");
  for (int i = 0; i < 300 && f->connected == 0; i++)
    test_iterate_for (10);
  g_assert_cmpuint (f->connected, ==, 1);
  raw_wait_closed (mute, 3000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_cmpuint (f->disconnected, ==, 1);
  g_assert_true (g_ptr_array_find_with_equal_func (mute->frames, "2", g_str_equal, NULL));
  raw_free (mute);

  /* Answers pings but never sends CONNECT: dropped after 10 s. Meanwhile a
   * device that answers pings but never acks lets an ack time out. */
  vz_hub_set_ping (f->hub, 1000, 1000);
  lurker = raw_connect (f, session);
  device = raw_connect (f, session);
  soup_websocket_connection_send_text (device->ws, "40{\"token\":\"dev-1\"}");
  for (int i = 0; i < 300 && !vz_hub_device_is_connected (f->hub, "display-1"); i++)
    test_iterate_for (10);
  g_assert_true (vz_hub_emit_to_device (f->hub, "display-1", "command", command, device_ack_cb, f));
  start = g_get_monotonic_time ();
  while ((!lurker->closed || !f->device_ack_called) && g_get_monotonic_time () - start < 15 * G_USEC_PER_SEC)
    {
      RawPeer *both[] = { lurker, device };

      test_iterate_for (50);
      for (guint p = 0; p < G_N_ELEMENTS (both); p++)
        for (guint i = 0; i < both[p]->frames->len; i++)
          if (strcmp (g_ptr_array_index (both[p]->frames, i), "2") == 0)
            {
              g_ptr_array_remove_index (both[p]->frames, i);
              soup_websocket_connection_send_text (both[p]->ws, "3");
              break;
            }
      if (f->device_ack_called)
        {
          /* Timed out: called with NULL after the 10 s, the device still connected. */
          g_assert_null (f->device_ack);
          g_assert_cmpint (g_get_monotonic_time () - start, >=, 9 * G_USEC_PER_SEC);
          g_assert_true (vz_hub_device_is_connected (f->hub, "display-1"));
        }
    }
  g_assert_true (lurker->closed);
  g_assert_true (f->device_ack_called);
  g_assert_false (device->closed);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 9 * G_USEC_PER_SEC);
  raw_free (lurker);
  raw_free (device);
}

/* ---- hand-made WebSocket frames: fragmentation and control frames --------- */

typedef struct {
  GSocketConnection *conn;
  GSocket           *socket;
  GByteArray        *in;
  gboolean           eof;
} Tcp;

static void
tcp_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Tcp *tcp = user_data;

  tcp->conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, NULL);
  g_assert_nonnull (tcp->conn);
}

/* Reads what is there (non-blocking) while the loop turns. */
static void
tcp_pump (Tcp *tcp, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end && !tcp->eof)
    {
      guint8 buf[4096];
      gssize n = g_socket_receive_with_blocking (tcp->socket, (char *) buf, sizeof buf, FALSE, NULL, NULL);

      if (n > 0)
        g_byte_array_append (tcp->in, buf, (guint) n);
      else if (n == 0)
        tcp->eof = TRUE;
      else
        g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    }
}

static void
tcp_send (Tcp *tcp, const void *data, gsize len)
{
  g_assert_true (g_socket_send_with_blocking (tcp->socket, data, len, TRUE, NULL, NULL) == (gssize) len);
}

static void
tcp_send_frame (Tcp *tcp, gboolean fin, guint8 opcode, const char *payload, gsize len, gboolean masked)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 head[2] = { (guint8) ((fin ? 0x80 : 0) | opcode), (guint8) ((masked ? 0x80 : 0) | len) };
  const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };

  g_assert_cmpuint (len, <, 126);
  g_byte_array_append (frame, head, 2);
  if (masked)
    g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = (guint8) payload[i] ^ (masked ? mask[i & 3] : 0);
      g_byte_array_append (frame, &b, 1);
    }
  tcp_send (tcp, frame->data, frame->len);
}

/* Pops the next complete server frame; FALSE if none arrived in time. */
static gboolean
tcp_next_frame (Tcp *tcp, guint8 *opcode, char **payload)
{
  for (int i = 0; i < 1000; i++)
    {
      if (tcp->in->len >= 2)
        {
          guint64 len = tcp->in->data[1] & 0x7f;
          gsize header = 2;

          g_assert_cmpuint (tcp->in->data[1] & 0x80, ==, 0);   /* servers never mask */
          if (len == 126 && tcp->in->len >= 4)
            len = ((guint64) tcp->in->data[2] << 8) | tcp->in->data[3], header = 4;
          if (len < 126 || header == 4)
            if (tcp->in->len >= header + len)
              {
                *opcode = tcp->in->data[0] & 0x0f;
                *payload = g_strndup ((char *) tcp->in->data + header, len);
                g_byte_array_remove_range (tcp->in, 0, (guint) (header + len));
                return TRUE;
              }
        }
      if (tcp->eof)
        return FALSE;
      tcp_pump (tcp, 10);
    }
  return FALSE;
}

static Tcp *
tcp_open (Fixture *f)
{
  Tcp *tcp = g_new0 (Tcp, 1);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  const char *request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  guint8 opcode;
  g_autofree char *open = NULL;
  const char *end;

  tcp->in = g_byte_array_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1", (guint16) g_uri_get_port (uri), NULL,
                                         tcp_connected_cb, tcp);
  while (tcp->conn == NULL)
    g_main_context_iteration (NULL, TRUE);
  tcp->socket = g_socket_connection_get_socket (tcp->conn);
  tcp_send (tcp, request, strlen (request));
  for (int i = 0; i < 1000; i++)
    {
      tcp_pump (tcp, 10);
      if (tcp->in->len > 0 && g_strstr_len ((char *) tcp->in->data, tcp->in->len, "\r\n\r\n") != NULL)
        break;
    }
  g_assert_cmpuint (tcp->in->len, >, 0);
  g_assert_true (g_str_has_prefix ((char *) tcp->in->data, "HTTP/1.1 101"));
  end = g_strstr_len ((char *) tcp->in->data, tcp->in->len, "\r\n\r\n");
  g_byte_array_remove_range (tcp->in, 0, (guint) (end + 4 - (char *) tcp->in->data));
  g_assert_true (tcp_next_frame (tcp, &opcode, &open));
  g_assert_cmpuint (opcode, ==, 1);
  g_assert_true (g_str_has_prefix (open, "0{\"sid\":"));
  return tcp;
}

static void
tcp_free (Tcp *tcp)
{
  g_io_stream_close (G_IO_STREAM (tcp->conn), NULL, NULL);
  g_object_unref (tcp->conn);
  g_byte_array_unref (tcp->in);
  g_free (tcp);
}

static void
test_websocket_framing (Fixture *f, gconstpointer data)
{
  Tcp *tcp = tcp_open (f);
  guint8 opcode;
  char *payload = NULL;
  const char connect_a[] = "40{\"token\":";
  const char connect_b[] = "\"dash-A\"}";
  const guint8 huge[] = { 0x81, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4 };

  /* A fragmented CONNECT, with a ping between the fragments (control frames may interleave). */
  tcp_send_frame (tcp, FALSE, 0x1, connect_a, strlen (connect_a), TRUE);
  tcp_send_frame (tcp, TRUE, 0x9, "hi", 2, TRUE);
  tcp_send_frame (tcp, TRUE, 0x0, connect_b, strlen (connect_b), TRUE);
  g_assert_true (tcp_next_frame (tcp, &opcode, &payload));
  g_assert_cmpuint (opcode, ==, 0xA);
  g_assert_cmpstr (payload, ==, "hi");
  g_clear_pointer (&payload, g_free);
  g_assert_true (tcp_next_frame (tcp, &opcode, &payload));
  g_assert_cmpuint (opcode, ==, 1);
  g_assert_true (g_str_has_prefix (payload, "40{\"sid\":"));
  g_clear_pointer (&payload, g_free);

  /* An event in three fragments. */
  tcp_send_frame (tcp, FALSE, 0x1, "42[\"no", 6, TRUE);
  tcp_send_frame (tcp, FALSE, 0x0, "te\",{\"x\"", 8, TRUE);
  tcp_send_frame (tcp, TRUE, 0x0, ":9}]", 4, TRUE);
  wait_for_event (f, "user-1 note [{\"x\":9}]");

  /* A close frame is answered with a close frame, and the peer is gone. */
  tcp_send_frame (tcp, TRUE, 0x8, "\x03\xe8", 2, TRUE);
  while (tcp_next_frame (tcp, &opcode, &payload) && opcode != 0x8)
    g_clear_pointer (&payload, g_free);
  g_assert_cmpuint (opcode, ==, 0x8);
  g_clear_pointer (&payload, g_free);
  for (int i = 0; i < 200 && f->disconnected == 0; i++)
    test_iterate_for (10);
  g_assert_cmpuint (f->disconnected, ==, 1);
  tcp_free (tcp);

  /* An unmasked frame, and a header announcing a terabyte: both just end the connection. */
  tcp = tcp_open (f);
  tcp_send_frame (tcp, TRUE, 0x1, "40", 2, FALSE);
  tcp_pump (tcp, 2000);
  g_assert_true (tcp->eof);
  tcp_free (tcp);
  tcp = tcp_open (f);
  tcp_send (tcp, huge, sizeof huge);
  tcp_pump (tcp, 2000);
  g_assert_true (tcp->eof);
  tcp_free (tcp);
  g_assert_cmpuint (vz_hub_get_peer_count (f->hub), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/hub/websocket", Fixture, NULL, fixture_set_up, test_websocket, fixture_tear_down);
  g_test_add ("/hub/polling-upgrade", Fixture, NULL, fixture_set_up, test_polling_upgrade, fixture_tear_down);
  g_test_add ("/hub/polling-only", Fixture, NULL, fixture_set_up, test_polling_only, fixture_tear_down);
  g_test_add ("/hub/auth-failure", Fixture, NULL, fixture_set_up, test_auth_failure, fixture_tear_down);
  g_test_add ("/hub/device", Fixture, NULL, fixture_set_up, test_device, fixture_tear_down);
  g_test_add ("/hub/ping", Fixture, NULL, fixture_set_up, test_ping_keeps_alive, fixture_tear_down);
  g_test_add ("/hub/shutdown", Fixture, NULL, fixture_set_up, test_shutdown, fixture_tear_down);
  g_test_add ("/hub/protocol-errors", Fixture, NULL, fixture_set_up, test_protocol_errors, fixture_tear_down);
  g_test_add ("/hub/silent-peers", Fixture, NULL, fixture_set_up, test_silent_peers, fixture_tear_down);
  g_test_add ("/hub/websocket-framing", Fixture, NULL, fixture_set_up, test_websocket_framing, fixture_tear_down);

  return g_test_run ();
}
