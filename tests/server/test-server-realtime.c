/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-realtime"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "server-test-util.h"

/*
 * The server's realtime logic seen from the official socket.io-client (npm):
 * status batch and changes for dashboards, heartbeats and their acks, the
 * silence timeout, screenshots end to end, fleet commands, revocation.
 */

/* A 1×1 PNG. */
#define TINY_PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

typedef struct {
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  GQueue            lines;    /* JsonObject*, read but not yet expected */
  char             *name;
} Peer;

static void
peer_free (Peer *peer)
{
  if (peer->process != NULL)
    {
      g_subprocess_force_exit (peer->process);
      g_subprocess_wait (peer->process, NULL, NULL);
    }
  g_queue_clear_full (&peer->lines, (GDestroyNotify) json_object_unref);
  g_clear_object (&peer->out);
  g_clear_object (&peer->process);
  g_free (peer->name);
  g_free (peer);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static Peer *
peer_spawn (VzTestServer *server,
            const char   *name,
            const char   *token)
{
  g_autofree char *script = g_build_filename (g_getenv ("VIZORA_TESTS_SRCDIR"), "server", "realtime-peer.js", NULL);
  g_autoptr(GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  vz_test_require_node ();
  peer->name = g_strdup (name);
  peer->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                    "node", script, server->url, token, NULL);
  g_assert_no_error (error);
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  peer->in = g_subprocess_get_stdin_pipe (peer->process);
  return peer;
}

typedef struct {
  char     *line;
  gboolean  done;
  GError   *error;
} LineRead;

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &read->error);
  read->done = TRUE;
}

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The next line, or NULL after @timeout_ms. A timed-out read stays pending,
 * so callers fail the test rather than read again. */
static JsonObject *
peer_read (Peer  *peer,
           guint  timeout_ms)
{
  LineRead read = { NULL, FALSE, NULL };
  gboolean expired = FALSE;
  guint timer = g_timeout_add (timeout_ms, deadline_cb, &expired);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &read);
  while (!read.done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!read.done)
    return NULL;
  g_source_remove (timer);
  g_assert_no_error (read.error);
  if (read.line == NULL)
    g_error ("%s: node exited", peer->name);
  if (!json_parser_load_from_data (parser, read.line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_error ("%s: node printed “%s”", peer->name, read.line);
  g_free (read.line);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
line_matches (JsonObject *line,
              const char *ev,
              const char *name)
{
  if (!g_str_equal (json_object_get_string_member (line, "ev"), ev))
    return FALSE;
  return name == NULL || g_strcmp0 (json_object_get_string_member_with_default (line, "name", NULL), name) == 0;
}

/* The first line with @ev (and event @name), reading more as needed; fails after 10 s. */
static JsonObject *
peer_expect (Peer       *peer,
             const char *ev,
             const char *name)
{
  for (GList *l = peer->lines.head; l != NULL; l = l->next)
    if (line_matches (l->data, ev, name))
      {
        JsonObject *found = l->data;
        g_queue_delete_link (&peer->lines, l);
        return found;
      }

  for (;;)
    {
      JsonObject *line = peer_read (peer, 10000);

      if (line == NULL)
        g_error ("%s: no %s %s within 10 s", peer->name, ev, name != NULL ? name : "");
      if (line_matches (line, ev, name))
        return line;
      g_queue_push_tail (&peer->lines, line);
    }
}

/* Waits for the device:status with @status for @device_id, skipping others. */
static JsonObject *
peer_expect_status (Peer       *peer,
                    const char *device_id,
                    const char *status)
{
  for (guint tries = 0; tries < 50; tries++)
    {
      JsonObject *line = peer_expect (peer, "event", "device:status");
      JsonObject *payload = json_object_get_object_member (line, "payload");

      if (g_str_equal (json_object_get_string_member (payload, "deviceId"), device_id) &&
          g_str_equal (json_object_get_string_member (payload, "status"), status))
        return line;
      json_object_unref (line);
    }
  g_error ("%s: no device:status %s for %s", peer->name, status, device_id);
}

static void
peer_command (Peer       *peer,
              const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (json, "\n", NULL);

  g_output_stream_write_all (peer->in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
peer_emit (Peer       *peer,
           const char *event,
           const char *payload_json,
           int         ack_id)
{
  g_autofree char *cmd = ack_id >= 0
    ? g_strdup_printf ("{\"op\":\"emit\",\"name\":\"%s\",\"payload\":%s,\"id\":%d}", event, payload_json, ack_id)
    : g_strdup_printf ("{\"op\":\"emit\",\"name\":\"%s\",\"payload\":%s}", event, payload_json);

  peer_command (peer, cmd);
}

static JsonObject *
peer_expect_ack (Peer *peer)
{
  JsonObject *line = peer_expect (peer, "ack", NULL);
  JsonNode *payload = json_object_get_member (line, "payload");
  JsonObject *ack;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (payload));
  ack = json_object_ref (json_node_get_object (payload));
  json_object_unref (line);
  return ack;
}

static JsonObject *
get_display (VzTestServer *server,
             const char   *token,
             const char   *id)
{
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) response = test_http (server, "GET", path, token, NULL, NULL, 0);

  return json_object_ref (test_expect_object (response, 200));
}

static void
test_realtime_flow (void)
{
  const char * const args[] = { "--offline-timeout", "2", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Realtime", &device_token);
  g_autoptr(Peer) dashboard = NULL;
  g_autoptr(Peer) device = NULL;
  g_autoptr(JsonObject) batch = NULL;
  g_autoptr(JsonObject) online = NULL;
  g_autoptr(JsonObject) ack = NULL;
  g_autoptr(JsonObject) display = NULL;
  JsonArray *items;
  JsonObject *payload;
  gboolean in_batch = FALSE;

  /* A dashboard gets the fleet's statuses right after connecting. */
  dashboard = peer_spawn (server, "dashboard", token);
  json_object_unref (peer_expect (dashboard, "connect", NULL));
  batch = peer_expect (dashboard, "event", "device:status:batch");
  items = json_object_get_array_member (batch, "payload");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "deviceId"), display_id))
        {
          in_batch = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "pairing");
          g_assert_true (json_object_has_member (item, "lastSeen"));
          g_assert_nonnull (json_object_get_string_member (item, "timestamp"));
        }
    }
  g_assert_true (in_batch);

  /* The screen connects: online at once, announced to the organization. */
  device = peer_spawn (server, "device", device_token);
  json_object_unref (peer_expect (device, "connect", NULL));
  online = peer_expect_status (dashboard, display_id, "online");
  payload = json_object_get_object_member (online, "payload");
  g_assert_nonnull (json_object_get_string_member (payload, "lastSeen"));
  g_assert_nonnull (json_object_get_string_member (payload, "timestamp"));

  /* Heartbeat: acked as the platform does, metrics kept. */
  peer_emit (device, "heartbeat",
             "{\"metrics\":{\"cpuUsage\":12.5,\"memoryUsage\":40,\"diskUsage\":70,\"temperature\":51,\"networkLatency\":20},"
             "\"currentContent\":{},\"uptime\":3600,\"appVersion\":\"test\"}", 1);
  ack = peer_expect_ack (device);
  g_assert_true (json_object_get_boolean_member (ack, "success"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (ack, "data"), "nextHeartbeatIn"), ==, 15000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (ack, "data"),
                                                                         "commands")), ==, 0);
  g_assert_nonnull (json_object_get_string_member (ack, "timestamp"));

  display = get_display (server, token, display_id);
  g_assert_cmpstr (json_object_get_string_member (display, "status"), ==, "online");
  g_assert_nonnull (json_object_get_string_member (display, "lastHeartbeat"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (display, "metrics"), "cpuUsage"),
                     ==, 12.5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (display, "metrics"), "uptime"), ==, 3600);
  {
    g_autofree char *path = g_strconcat ("/displays/", display_id, "/metrics", NULL);
    g_autoptr(TestResponse) history = test_http (server, "GET", path, token, NULL, NULL, 0);
    JsonArray *samples = json_node_get_array (test_expect_data (history, 200));

    g_assert_cmpuint (json_array_get_length (samples), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (samples, 0), "temperature"), ==, 51);
  }

  /* Garbage heartbeats are still heartbeats; nonsense numbers are dropped, never stored. */
  {
    g_autoptr(JsonObject) bad_ack = NULL;
    g_autoptr(JsonObject) after = NULL;

    peer_emit (device, "heartbeat", "{\"metrics\":{\"cpuUsage\":\"lots\",\"memoryUsage\":-5,\"temperature\":1e300},\"uptime\":\"x\"}", 2);
    bad_ack = peer_expect_ack (device);
    g_assert_true (json_object_get_boolean_member (bad_ack, "success"));
    after = get_display (server, token, display_id);
    g_assert_true (json_object_get_null_member (json_object_get_object_member (after, "metrics"), "cpuUsage"));
    peer_emit (device, "heartbeat", "[1,2,3]", 3);
    json_object_unref (peer_expect_ack (device));
    peer_emit (device, "no:such:event", "{}", 4);
    json_object_unref (peer_expect_ack (device));
  }

  /* Screenshot: request over REST, command to the screen, picture back, ready event, served. */
  {
    g_autofree char *path = g_strconcat ("/displays/", display_id, "/screenshot", NULL);
    g_autoptr(TestResponse) request = test_http (server, "POST", path, token, NULL, NULL, 0);
    JsonObject *data = test_expect_object (request, 201);
    g_autofree char *request_id = g_strdup (json_object_get_string_member (data, "requestId"));
    g_autoptr(JsonObject) command = NULL;
    g_autoptr(JsonObject) saved = NULL;
    g_autoptr(JsonObject) refused = NULL;
    g_autoptr(JsonObject) ready = NULL;
    g_autoptr(TestResponse) latest = NULL;
    g_autoptr(TestResponse) picture = NULL;
    g_autofree char *response = NULL;
    g_autofree guchar *png = NULL;
    gsize png_len;
    JsonObject *command_payload;
    JsonObject *shot;

    g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "pending");

    command = peer_expect (device, "event", "command");
    command_payload = json_object_get_object_member (command, "payload");
    g_assert_cmpstr (json_object_get_string_member (command_payload, "type"), ==, "screenshot");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (command_payload, "payload"), "requestId"),
                     ==, request_id);

    /* Not an image: refused in the ack, nothing stored. */
    peer_emit (device, "screenshot:response",
               "{\"requestId\":\"x\",\"imageData\":\"aGVsbG8gd29ybGQh\",\"width\":1,\"height\":1}", 5);
    refused = peer_expect_ack (device);
    g_assert_false (json_object_get_boolean_member (refused, "success"));

    response = g_strdup_printf ("{\"requestId\":\"%s\",\"imageData\":\"%s\",\"width\":1,\"height\":1,"
                                "\"timestamp\":\"2026-11-25T10:00:00.000Z\"}", request_id, TINY_PNG);
    peer_emit (device, "screenshot:response", response, 6);
    saved = peer_expect_ack (device);
    g_assert_true (json_object_get_boolean_member (saved, "success"));

    ready = peer_expect (dashboard, "event", "screenshot:ready");
    payload = json_object_get_object_member (ready, "payload");
    g_assert_cmpstr (json_object_get_string_member (payload, "deviceId"), ==, display_id);
    g_assert_cmpstr (json_object_get_string_member (payload, "requestId"), ==, request_id);
    g_assert_cmpstr (json_object_get_string_member (payload, "capturedAt"), ==, "2026-11-25T10:00:00.000Z");

    latest = test_http (server, "GET", path, token, NULL, NULL, 0);
    shot = test_expect_object (latest, 200);
    g_assert_cmpstr (json_object_get_string_member (shot, "url"), ==, json_object_get_string_member (payload, "url"));
    g_assert_cmpint (json_object_get_int_member (shot, "width"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (shot, "capturedAt"), ==, "2026-11-25T10:00:00.000Z");

    /* The URL is a capability: no token needed, like a presigned link. */
    picture = test_http (server, "GET", json_object_get_string_member (shot, "url"), NULL, NULL, NULL, 0);
    g_assert_cmpuint (picture->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (picture->headers, NULL), ==, "image/png");
    png = g_base64_decode (TINY_PNG, &png_len);
    g_assert_cmpmem (g_bytes_get_data (picture->raw, NULL), g_bytes_get_size (picture->raw), png, png_len);
  }

  /* Fleet command to the organization reaches the connected screen. */
  {
    g_autoptr(TestResponse) sent = test_http (server, "POST", "/fleet/commands", token, NULL,
                                              "{\"command\":\"reload\",\"target\":{\"type\":\"organization\",\"id\":\"o\"}}", -1);
    JsonObject *data = test_expect_object (sent, 201);
    g_autoptr(JsonObject) command = NULL;
    JsonObject *command_payload;

    g_assert_cmpint (json_object_get_int_member (data, "devicesOnline"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (data, "devicesDelivered"), ==, 1);
    command = peer_expect (device, "event", "command");
    command_payload = json_object_get_object_member (command, "payload");
    g_assert_cmpstr (json_object_get_string_member (command_payload, "type"), ==, "reload");
    /* Screens acknowledge commands, so the server asks for the ack. */
    g_assert_true (json_object_get_boolean_member (command, "wantsAck"));
    g_assert_cmpstr (json_object_get_string_member (command_payload, "commandId"), ==,
                     json_object_get_string_member (data, "commandId"));
  }

  /* Silence longer than the offline timeout (2 s here, 120 s by default): offline, then back. */
  json_object_unref (peer_expect_status (dashboard, display_id, "offline"));
  {
    g_autoptr(JsonObject) silent = get_display (server, token, display_id);
    g_assert_cmpstr (json_object_get_string_member (silent, "status"), ==, "offline");
  }
  peer_emit (device, "heartbeat", "{}", 7);
  json_object_unref (peer_expect_ack (device));
  json_object_unref (peer_expect_status (dashboard, display_id, "online"));

  /* The socket going away: offline at once. */
  peer_command (device, "{\"op\":\"close\"}");
  json_object_unref (peer_expect_status (dashboard, display_id, "offline"));
  {
    g_autofree char *path = g_strconcat ("/displays/", display_id, "/screenshot", NULL);
    g_autoptr(TestResponse) offline = test_http (server, "POST", path, token, NULL, NULL, 0);
    test_expect_error (offline, 409);
  }
}

static void
test_bad_tokens_and_revocation (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Doomed", &device_token);
  g_autofree char *path = g_strconcat ("/displays/", display_id, NULL);
  g_autoptr(Peer) intruder = peer_spawn (server, "intruder", "not-a-token");
  g_autoptr(Peer) device = NULL;
  g_autoptr(Peer) again = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(JsonObject) refused_again = NULL;
  g_autoptr(TestResponse) drop = NULL;

  refused = peer_expect (intruder, "connect_error", NULL);
  g_assert_cmpstr (json_object_get_string_member (refused, "message"), ==, "auth_invalid");

  device = peer_spawn (server, "device", device_token);
  json_object_unref (peer_expect (device, "connect", NULL));

  /* Deleting the screen revokes its token and closes its socket. */
  drop = test_http (server, "DELETE", path, token, NULL, NULL, 0);
  test_expect_data (drop, 200);
  revoked = peer_expect (device, "event", "device:revoked");
  json_object_unref (peer_expect (device, "disconnect", NULL));

  again = peer_spawn (server, "device-again", device_token);
  refused_again = peer_expect (again, "connect_error", NULL);
  g_assert_cmpstr (json_object_get_string_member (refused_again, "message"), ==, "auth_invalid");
}

typedef struct {
  char *token;
  char *cookie;          /* "Cookie: vizora_refresh_token=…" */
  char *organization_id;
} SignIn;

static void
sign_in_clear (SignIn *sign_in)
{
  g_clear_pointer (&sign_in->token, g_free);
  g_clear_pointer (&sign_in->cookie, g_free);
  g_clear_pointer (&sign_in->organization_id, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignIn, sign_in_clear)

static void
sign_in (VzTestServer *server,
         SignIn       *out)
{
  g_autoptr(TestResponse) login = test_http (server, "POST", "/auth/login", NULL, NULL,
                                             "{\"email\":\"" VZ_TEST_EMAIL "\",\"password\":\"" VZ_TEST_PASSWORD "\"}", -1);
  JsonObject *data = test_expect_object (login, 201);
  g_autofree char *refresh = test_response_cookie (login, "vizora_refresh_token", NULL);

  out->token = g_strdup (json_object_get_string_member (data, "access_token"));
  out->cookie = g_strconcat ("Cookie: vizora_refresh_token=", refresh, NULL);
  out->organization_id = g_strdup (json_object_get_string_member (json_object_get_object_member (data, "user"),
                                                                  "organizationId"));
}

static Peer *
dashboard (VzTestServer *server,
           const char   *name,
           const char   *token)
{
  Peer *peer = peer_spawn (server, name, token);

  json_object_unref (peer_expect (peer, "connect", NULL));
  json_object_unref (peer_expect (peer, "event", "device:status:batch"));
  return peer;
}

/* `session:expired {reason}`, then the server closes the socket. */
static void
expect_session_end (Peer       *peer,
                    const char *reason)
{
  g_autoptr(JsonObject) expired = peer_expect (peer, "event", "session:expired");

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (expired, "payload"), "reason"),
                   ==, reason);
  json_object_unref (peer_expect (peer, "disconnect", NULL));
}

/*
 * A realtime socket lives as long as its sign-in session: logged out (with
 * the bearer token alone), revoked (an old refresh token replayed) or
 * expired (nothing left that could renew it), it is told and closed, while
 * the same user's other session keeps its socket.
 */
static void
test_sessions_end (void)
{
  g_autofree char *clock = NULL;
  int clock_fd = g_file_open_tmp ("vz-test-clock-XXXXXX", &clock, NULL);
  /* Sweeps every second. */
  const char *args[] = { "--offline-timeout", "4", "--clock-file", clock, NULL };
  g_autoptr(VzTestServer) server = (close (clock_fd), vz_test_server_start (args));
  g_auto(SignIn) a = { NULL, };
  g_auto(SignIn) b = { NULL, };
  g_auto(SignIn) c = { NULL, };
  g_autoptr(Peer) pa = NULL;
  g_autoptr(Peer) pb = NULL;
  g_autoptr(Peer) pc = NULL;
  g_autoptr(TestResponse) logout = NULL;
  g_autoptr(TestResponse) refresh_a = NULL;
  g_autoptr(TestResponse) refresh_b = NULL;
  g_autoptr(TestResponse) replay_b = NULL;
  g_autoptr(JsonObject) ack = NULL;
  g_autofree char *join = NULL;

  sign_in (server, &a);
  sign_in (server, &b);
  pa = dashboard (server, "session-a", a.token);
  pb = dashboard (server, "session-b", b.token);

  /* Logged out with the bearer token only: no cookie came along. */
  logout = test_http (server, "POST", "/auth/logout", a.token, NULL, NULL, 0);
  g_assert_cmpuint (logout->status, ==, 201);
  expect_session_end (pa, "logged_out");
  {
    const char *headers[] = { a.cookie, NULL };

    refresh_a = test_http (server, "POST", "/auth/refresh", NULL, headers, NULL, 0);
    test_expect_error (refresh_a, 401);
  }

  /* The other session was not touched: its socket still answers. */
  join = g_strdup_printf ("{\"organizationId\":\"%s\"}", b.organization_id);
  peer_emit (pb, "join:organization", join, 1);
  ack = peer_expect_ack (pb);
  g_assert_true (json_object_get_boolean_member (ack, "success"));

  /* Revoked: a used refresh token comes back. */
  {
    const char *headers[] = { b.cookie, NULL };

    refresh_b = test_http (server, "POST", "/auth/refresh", b.token, headers, NULL, 0);
    test_expect_object (refresh_b, 201);
    replay_b = test_http (server, "POST", "/auth/refresh", NULL, headers, NULL, 0);
    test_expect_error (replay_b, 401);
  }
  expect_session_end (pb, "revoked");

  /* Expired: a month and a day later on the server's clock, nothing is
   * left that could renew it. */
  sign_in (server, &c);
  pc = dashboard (server, "session-c", c.token);
  g_assert_true (g_file_set_contents (clock, "2764800000", -1, NULL));
  expect_session_end (pc, "expired");
  g_unlink (clock);
}

/* The contract's 10 connects a minute per token: the 11th is refused in the
 * Socket.IO way, saying how long to wait; another token is not affected. */
static void
test_connect_rate (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *other = vz_test_server_login (server);
  g_autoptr(Peer) refused = NULL;
  g_autoptr(Peer) fine = NULL;
  g_autoptr(JsonObject) error = NULL;
  JsonObject *data;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("connect-%u", i);
      g_autoptr(Peer) peer = peer_spawn (server, name, token);

      json_object_unref (peer_expect (peer, "connect", NULL));
    }
  refused = peer_spawn (server, "connect-11", token);
  error = peer_expect (refused, "connect_error", NULL);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "rate_limited");
  data = json_object_get_object_member (error, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "code"), ==, "RATE_LIMITED");
  g_assert_cmpint (json_object_get_int_member (data, "retryAfter"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (data, "retryAfter"), <=, 60);

  fine = peer_spawn (server, "other-token", other);
  json_object_unref (peer_expect (fine, "connect", NULL));
}

static void
test_shutdown_announced (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(Peer) dashboard = peer_spawn (server, "dashboard", token);
  g_autoptr(JsonObject) shutdown = NULL;
  g_autoptr(JsonObject) health = NULL;

  json_object_unref (peer_expect (dashboard, "connect", NULL));
  json_object_unref (peer_expect (dashboard, "event", "device:status:batch"));

  /* SIGTERM: peers hear server:shutdown, the database is closed cleanly, and
   * the next process starts on the same data. */
  vz_test_server_restart (server);
  shutdown = peer_expect (dashboard, "event", "server:shutdown");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (shutdown, "payload"), "reconnect"));
  json_object_unref (peer_expect (dashboard, "disconnect", NULL));
  g_free (vz_test_server_login (server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/realtime/flow", test_realtime_flow);
  g_test_add_func ("/server/realtime/tokens-revocation", test_bad_tokens_and_revocation);
  g_test_add_func ("/server/realtime/shutdown", test_shutdown_announced);
  g_test_add_func ("/server/realtime/sessions-end", test_sessions_end);
  g_test_add_func ("/server/realtime/connect-rate", test_connect_rate);

  return g_test_run ();
}
