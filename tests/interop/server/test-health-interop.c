/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-health-interop"

#include <string.h>

#include "node-peer.h"
#include "server-test-util.h"

/*
 * Alerts end to end, with the official socket.io-client as the dashboard and
 * as the screen: heartbeats over a threshold raise an alert that reaches the
 * dashboard as `health:alert` and `notification:new` (the same
 * notification), is never raised twice while open, and resolves (announced
 * again as `health:alert` with metadata.resolvedAt) when the reading comes
 * back; CPU needs three beats in a row; a screen that falls silent is
 * reported offline and, when it is back, online again. The REST list holds
 * the same notifications.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  char         *device_token;
  char         *display_id;
  NodePeer     *dashboard;
  NodePeer     *screen;
  guint         beats;
} Fixture;

static void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->screen, node_peer_free);
  g_clear_pointer (&f->dashboard, node_peer_free);
  g_clear_pointer (&f->server, vz_test_server_free);
  g_free (f->token);
  g_free (f->device_token);
  g_free (f->display_id);
}

static void
connect_screen (Fixture *f)
{
  f->screen = node_peer_spawn (f->server->url, "plain", f->device_token, "websocket");
  json_object_unref (node_peer_expect (f->screen, "connect", NULL, 10000));
}

static void
fixture_start (Fixture *f)
{
  /* A screen silent for more than 2 s is offline here, so that the offline
   * rule can be seen within the test. */
  const char *args[] = { "--offline-timeout", "2", NULL };

  vz_test_require_node ();
  f->server = vz_test_server_start (args);
  f->token = vz_test_server_login (f->server);
  f->display_id = vz_test_server_pair_screen (f->server, f->token, "Lobby", &f->device_token);
  f->dashboard = node_peer_spawn (f->server->url, "plain", f->token, "websocket");
  json_object_unref (node_peer_expect (f->dashboard, "connect", NULL, 10000));
  connect_screen (f);
}

/* One heartbeat with these readings, acknowledged. */
static void
heartbeat (Fixture *f,
           double   cpu,
           double   memory,
           double   disk,
           double   temperature)
{
  g_autofree char *command = g_strdup_printf ("{\"op\":\"emit-ack\",\"name\":\"heartbeat\",\"payload\":{\"metrics\":"
                                              "{\"cpuUsage\":%g,\"memoryUsage\":%g,\"diskUsage\":%g,"
                                              "\"temperature\":%g,\"networkLatency\":10},\"uptime\":%u}}",
                                              cpu, memory, disk, temperature, ++f->beats);
  g_autoptr(JsonObject) ack = NULL;

  node_peer_command (f->screen, command);
  ack = node_peer_expect (f->screen, "ack", "heartbeat", 10000);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (ack, "args"),
                                                                                0), "success"));
}

/* The payload of the next event @name the dashboard got (freed with *@line). */
static JsonObject *
expect_event (Fixture     *f,
              const char  *name,
              JsonObject **line)
{
  g_clear_pointer (line, json_object_unref);
  *line = node_peer_expect (f->dashboard, "event", name, 10000);
  return json_array_get_object_element (json_object_get_array_member (*line, "args"), 0);
}

/* Expects a new alert: `health:alert` and then `notification:new` with the
 * same notification; returns its id. */
static char *
expect_raised (Fixture    *f,
               const char *type,
               const char *severity,
               const char *metric,
               double      value,
               double      threshold)
{
  g_autoptr(JsonObject) alert_line = NULL;
  g_autoptr(JsonObject) new_line = NULL;
  JsonObject *alert = expect_event (f, "health:alert", &alert_line);
  JsonObject *fresh = expect_event (f, "notification:new", &new_line);
  JsonObject *metadata = json_object_get_object_member (alert, "metadata");

  g_assert_cmpstr (json_object_get_string_member (alert, "type"), ==, type);
  g_assert_cmpstr (json_object_get_string_member (alert, "severity"), ==, severity);
  g_assert_false (json_object_get_boolean_member (alert, "read"));
  g_assert_true (json_object_get_null_member (alert, "dismissedAt"));
  g_assert_nonnull (json_object_get_string_member (alert, "title"));
  g_assert_nonnull (strstr (json_object_get_string_member (alert, "message"), "Lobby"));
  g_assert_nonnull (json_object_get_string_member (alert, "createdAt"));
  g_assert_cmpstr (json_object_get_string_member (metadata, "deviceId"), ==, f->display_id);
  g_assert_cmpstr (json_object_get_string_member (metadata, "deviceName"), ==, "Lobby");
  g_assert_cmpstr (json_object_get_string_member (metadata, "metric"), ==, metric);
  if (value >= 0)
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (metadata, "value"), value, 1e-9);
  else
    g_assert_cmpfloat (json_object_get_double_member (metadata, "value"), >, -value);
  g_assert_cmpfloat (json_object_get_double_member (metadata, "threshold"), ==, threshold);
  g_assert_false (json_object_has_member (metadata, "resolvedAt"));

  g_assert_cmpstr (json_object_get_string_member (fresh, "id"), ==, json_object_get_string_member (alert, "id"));
  g_assert_cmpstr (json_object_get_string_member (fresh, "type"), ==, type);
  g_assert_nonnull (json_object_get_string_member (fresh, "timestamp"));
  return g_strdup (json_object_get_string_member (alert, "id"));
}

/* Runs the loop for @ms and fails if the dashboard heard of an alert or a
 * notification meanwhile. */
static void
expect_quiet (Fixture *f,
              guint    ms)
{
  test_iterate_for (ms);
  g_assert_null (node_peer_wait (f->dashboard, "event", "health:alert", 0));
  g_assert_null (node_peer_wait (f->dashboard, "event", "notification:new", 0));
}

/* Expects the alert @id resolved. */
static void
expect_resolved (Fixture    *f,
                 const char *id)
{
  g_autoptr(JsonObject) line = NULL;
  JsonObject *alert = expect_event (f, "health:alert", &line);

  g_assert_cmpstr (json_object_get_string_member (alert, "id"), ==, id);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (alert, "metadata"), "resolvedAt"));
}

static void
test_thresholds_and_resolve (void)
{
  Fixture f = { 0, };
  g_autofree char *hot = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *disk = NULL;

  fixture_start (&f);

  /* Calm readings: nothing. */
  heartbeat (&f, 20, 40, 50, 45);

  /* Overheating: critical, once, however many beats it lasts. */
  heartbeat (&f, 20, 40, 50, 85);
  hot = expect_raised (&f, "device_health", "critical", "temperature", 85, 80);
  heartbeat (&f, 20, 40, 50, 86);
  heartbeat (&f, 20, 40, 50, 87);
  expect_quiet (&f, 300);
  heartbeat (&f, 20, 40, 50, 60);
  expect_resolved (&f, hot);

  /* CPU: two beats over are not enough; the third is. */
  heartbeat (&f, 95, 40, 50, 45);
  heartbeat (&f, 96, 40, 50, 45);
  expect_quiet (&f, 300);
  heartbeat (&f, 97, 40, 50, 45);
  cpu = expect_raised (&f, "device_health", "warning", "cpuUsage", 97, 90);

  /* Memory (warning) and disk (critical) at once. */
  heartbeat (&f, 97, 95, 50, 45);
  memory = expect_raised (&f, "device_health", "warning", "memoryUsage", 95, 90);
  heartbeat (&f, 97, 95, 99, 45);
  disk = expect_raised (&f, "device_health", "critical", "diskUsage", 99, 95);

  /* All back to normal: each resolves. */
  heartbeat (&f, 20, 40, 50, 45);
  expect_resolved (&f, cpu);
  expect_resolved (&f, memory);
  expect_resolved (&f, disk);

  /* The REST list has the four alerts, newest first, each once, resolved. */
  {
    g_autoptr(TestResponse) list = test_http (f.server, "GET", "/notifications?limit=100", f.token, NULL, NULL, 0);
    JsonObject *page = test_expect_object (list, 200);
    JsonArray *items = json_object_get_array_member (page, "data");
    const char *order[] = { disk, memory, cpu, hot };

    g_assert_cmpuint (json_array_get_length (items), ==, 4);
    for (guint i = 0; i < 4; i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, order[i]);
        g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (item, "metadata"), "resolvedAt"));
      }
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (page, "meta"), "total"), ==, 4);
  }
  {
    g_autoptr(TestResponse) unread = test_http (f.server, "GET", "/notifications/unread-count", f.token, NULL, NULL, 0);

    g_assert_cmpint (json_object_get_int_member (test_expect_object (unread, 200), "count"), ==, 4);
  }

  fixture_clear (&f);
}

static void
test_offline_and_back (void)
{
  Fixture f = { 0, };
  g_autofree char *offline = NULL;
  g_autoptr(JsonObject) line = NULL;
  JsonObject *online;

  fixture_start (&f);
  heartbeat (&f, 20, 40, 50, 45);

  /* The screen goes away: after 2 s of silence, a critical alert. */
  g_clear_pointer (&f.screen, node_peer_free);
  offline = expect_raised (&f, "device_offline", "critical", "offline", -2, 2);

  /* Only once, however long it stays away. */
  expect_quiet (&f, 3000);

  /* Back: the alert resolves and a device_online notification says so. */
  connect_screen (&f);
  expect_resolved (&f, offline);
  online = expect_event (&f, "notification:new", &line);
  g_assert_cmpstr (json_object_get_string_member (online, "type"), ==, "device_online");
  g_assert_cmpstr (json_object_get_string_member (online, "severity"), ==, "info");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (online, "metadata"), "deviceId"), ==,
                   f.display_id);

  fixture_clear (&f);
}

/* An alert still open when the server restarts is not raised again. */
static void
test_open_alert_survives_restart (void)
{
  Fixture f = { 0, };
  g_autofree char *hot = NULL;

  fixture_start (&f);
  heartbeat (&f, 20, 40, 50, 90);
  hot = expect_raised (&f, "device_health", "critical", "temperature", 90, 80);

  g_clear_pointer (&f.screen, node_peer_free);
  g_clear_pointer (&f.dashboard, node_peer_free);
  vz_test_server_restart (f.server);
  g_free (f.token);
  f.token = vz_test_server_login (f.server);
  f.dashboard = node_peer_spawn (f.server->url, "plain", f.token, "websocket");
  json_object_unref (node_peer_expect (f.dashboard, "connect", NULL, 10000));
  connect_screen (&f);

  heartbeat (&f, 20, 40, 50, 91);
  expect_quiet (&f, 500);
  heartbeat (&f, 20, 40, 50, 50);
  expect_resolved (&f, hot);

  fixture_clear (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/health-interop/thresholds-and-resolve", test_thresholds_and_resolve);
  g_test_add_func ("/health-interop/offline-and-back", test_offline_and_back);
  g_test_add_func ("/health-interop/open-alert-survives-restart", test_open_alert_survives_restart);

  return g_test_run ();
}
