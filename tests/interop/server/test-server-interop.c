/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-interop"

#include <string.h>

#include "vz-test-server.h"
#include "node-peer.h"

/*
 * The official socket.io-client against the real vizora-server: a dashboard
 * signs in over REST and watches, a paired screen connects with its device
 * token and heartbeats, and the dashboard sees the screen's status change.
 */

/* Waits for a device:status event about @display_id with @status. */
static void
expect_status (NodePeer   *dashboard,
               const char *display_id,
               const char *status)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      JsonObject *line = node_peer_wait (dashboard, "event", "device:status", 500);
      JsonObject *payload;
      gboolean match;

      if (line == NULL)
        continue;
      payload = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
      match = g_strcmp0 (json_object_get_string_member_with_default (payload, "deviceId", ""), display_id) == 0 &&
              g_strcmp0 (json_object_get_string_member_with_default (payload, "status", ""), status) == 0;
      if (match)
        {
          g_assert_true (json_object_has_member (payload, "lastSeen"));
          g_assert_true (json_object_has_member (payload, "timestamp"));
        }
      json_object_unref (line);
      if (match)
        return;
    }
  g_error ("the dashboard never heard that %s is %s", display_id, status);
}

static void
test_dashboard_and_screen (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NodePeer) dashboard = NULL;
  g_autoptr(NodePeer) upgraded = NULL;
  g_autoptr(NodePeer) screen = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *line;
  JsonArray *batch;
  guint status;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);

  /* A dashboard on WebSocket only: the batch arrives right after connect. */
  dashboard = node_peer_spawn (server->url, "plain", token, "websocket");
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 10000));
  line = node_peer_expect (dashboard, "event", "device:status:batch", 10000);
  batch = json_array_get_array_element (json_object_get_array_member (line, "args"), 0);
  g_assert_cmpuint (json_array_get_length (batch), ==, 0);
  json_object_unref (line);

  /* Pair a screen through the real flow and connect it as a device. */
  display_id = vz_test_server_pair_screen (server, token, "Interop Lobby", &device_token);
  g_assert_nonnull (display_id);
  g_assert_nonnull (device_token);
  screen = node_peer_spawn (server->url, "plain", device_token, "websocket");
  json_object_unref (node_peer_expect (screen, "connect", NULL, 10000));
  node_peer_command (screen, "{\"op\":\"emit-ack\",\"name\":\"heartbeat\",\"payload\":{\"metrics\":"
                             "{\"cpuUsage\":12.5,\"memoryUsage\":40,\"diskUsage\":30,\"temperature\":48,"
                             "\"networkLatency\":20},\"currentContent\":{},\"uptime\":5,\"appVersion\":\"interop\"}}");
  line = node_peer_expect (screen, "ack", "heartbeat", 10000);
  g_assert_true (json_object_get_null_member (line, "error"));
  {
    JsonObject *ack = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
    g_assert_true (json_object_get_boolean_member (ack, "success"));
    g_assert_true (json_object_has_member (json_object_get_object_member (ack, "data"), "nextHeartbeatIn"));
  }
  json_object_unref (line);
  expect_status (dashboard, display_id, "online");

  /* A second dashboard with the client's default transports (polling, then upgrade). */
  upgraded = node_peer_spawn (server->url, "plain", token, NULL);
  line = node_peer_expect (upgraded, "open", NULL, 10000);
  g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==, "polling");
  json_object_unref (line);
  json_object_unref (node_peer_expect (upgraded, "upgrade", NULL, 10000));
  line = node_peer_expect (upgraded, "event", "device:status:batch", 10000);
  batch = json_array_get_array_element (json_object_get_array_member (line, "args"), 0);
  g_assert_cmpuint (json_array_get_length (batch), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, 0), "deviceId"), ==, display_id);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, 0), "status"), ==, "online");
  json_object_unref (line);

  /* join:organization with the own organization is acknowledged. */
  status = vz_test_server_request (server, "GET", "/auth/me", token, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  {
    JsonObject *user = json_object_get_object_member (json_object_get_object_member (json_node_get_object (body), "data"), "user");
    g_autofree char *command = g_strdup_printf ("{\"op\":\"emit-ack\",\"name\":\"join:organization\","
                                                "\"payload\":{\"organizationId\":\"%s\"}}",
                                                json_object_get_string_member (user, "organizationId"));
    node_peer_command (dashboard, command);
  }
  line = node_peer_expect (dashboard, "ack", "join:organization", 10000);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (line, "args"), 0),
                                                 "success"));
  json_object_unref (line);

  /* A screenshot request reaches the screen as a command carrying the request id. */
  g_clear_pointer (&body, json_node_unref);
  path = g_strdup_printf ("/displays/%s/screenshot", display_id);
  status = vz_test_server_request (server, "POST", path, token, NULL, &body);
  g_assert_cmpuint (status / 100, ==, 2);
  line = node_peer_expect (screen, "event", "command", 10000);
  {
    JsonObject *command = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
    g_assert_cmpstr (json_object_get_string_member (command, "type"), ==, "screenshot");
    g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (command, "payload"), "requestId"));
  }
  json_object_unref (line);

  /* The screen goes away: every dashboard hears it. */
  g_clear_pointer (&screen, node_peer_free);
  expect_status (dashboard, display_id, "offline");
  expect_status (upgraded, display_id, "offline");

  /* The server stops: dashboards are told before the link closes. */
  g_clear_pointer (&server, vz_test_server_free);
  json_object_unref (node_peer_expect (dashboard, "event", "server:shutdown", 10000));
  json_object_unref (node_peer_expect (dashboard, "disconnect", NULL, 10000));
  json_object_unref (node_peer_expect (upgraded, "event", "server:shutdown", 10000));
}

static void
test_auth_failure (void)
{
  g_autoptr(VzTestServer) server = NULL;
  const char *transports[] = { "websocket", "polling" };

  server = vz_test_server_start (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
    {
      g_autoptr(NodePeer) peer = node_peer_spawn (server->url, "plain", "not-a-token", transports[i]);
      JsonObject *line = node_peer_expect (peer, "connect_error", NULL, 10000);

      g_assert_cmpstr (json_object_get_string_member (line, "message"), ==, "auth_invalid");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (line, "data"), "code"),
                       ==, "AUTH_INVALID");
      json_object_unref (line);
    }
}

static void
test_reconnect_after_restart (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autoptr(NodePeer) dashboard = NULL;
  g_autofree char *token = NULL;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  dashboard = node_peer_spawn (server->url, "reconnect", token, "websocket");
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 10000));
  json_object_unref (node_peer_expect (dashboard, "event", "device:status:batch", 10000));

  /* The official client, told the server is going away, comes back on its own. */
  vz_test_server_restart (server);
  json_object_unref (node_peer_expect (dashboard, "event", "server:shutdown", 10000));
  json_object_unref (node_peer_expect (dashboard, "disconnect", NULL, 10000));
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 20000));
  json_object_unref (node_peer_expect (dashboard, "event", "device:status:batch", 10000));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-interop/dashboard-and-screen", test_dashboard_and_screen);
  g_test_add_func ("/server-interop/auth-failure", test_auth_failure);
  g_test_add_func ("/server-interop/reconnect-after-restart", test_reconnect_after_restart);

  return g_test_run ();
}
