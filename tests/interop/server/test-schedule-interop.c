/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-interop"

#include <unistd.h>
#include <glib/gstdio.h>

#include "node-peer.h"
#include "server-test-util.h"

/*
 * End to end: a schedule that starts within a minute switches a screen's
 * playlist at the minute boundary, and a dashboard hears it. Both peers are
 * the official socket.io-client; the server's clock is moved with its
 * --clock-file testing aid so that the boundary is seconds away. A
 * dashboard also hears [local] schedule:updated for every change to a
 * schedule, with the schedule as GET /schedules/:id answers it.
 */

static char *
create_playlist (VzTestServer *server,
                 const char   *token,
                 const char   *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);
  g_autoptr(TestResponse) response = test_http (server, "POST", "/playlists", token, NULL, body, -1);

  return g_strdup (json_object_get_string_member (test_expect_object (response, 201), "id"));
}

/* The playlist a `playlist:update` line carries, or NULL for none. */
static const char *
update_playlist_id (JsonObject *line)
{
  JsonObject *payload = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
  JsonNode *playlist = json_object_get_member (payload, "playlist");

  if (playlist == NULL || JSON_NODE_HOLDS_NULL (playlist))
    return NULL;
  return json_object_get_string_member (json_node_get_object (playlist), "id");
}

static JsonObject *
executed_payload (JsonObject *line)
{
  return json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
}

static void
test_schedule_starts_and_ends (void)
{
  g_autofree char *clock = NULL;
  int clock_fd = g_file_open_tmp ("vz-test-clock-XXXXXX", &clock, NULL);
  const char *args[] = { "--clock-file", clock, NULL };
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *display_path = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *body = NULL;
  g_autofree char *schedule_id = NULL;
  g_autofree char *schedule_path = NULL;
  g_autofree char *morning = NULL;
  g_autofree char *all_day = NULL;
  g_autofree char *assign = NULL;
  g_autoptr(NodePeer) dashboard = NULL;
  g_autoptr(NodePeer) screen = NULL;
  g_autoptr(TestResponse) response = NULL;
  JsonObject *line, *payload;
  gint64 now, ahead, minute_of_day;

  g_assert_cmpint (clock_fd, >=, 0);
  close (clock_fd);
  server = vz_test_server_start (args);
  token = vz_test_server_login (server);
  morning = create_playlist (server, token, "Morning");
  all_day = create_playlist (server, token, "All day");

  display_id = vz_test_server_pair_screen (server, token, "Schedule lobby", &device_token);
  display_path = g_strconcat ("/displays/", display_id, NULL);
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", all_day);
  response = test_http (server, "PATCH", display_path, token, NULL, assign, -1);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);

  dashboard = node_peer_spawn (server->url, "plain", token, "websocket");
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 10000));
  screen = node_peer_spawn (server->url, "plain", device_token, "websocket");
  json_object_unref (node_peer_expect (screen, "connect", NULL, 10000));
  /* A screen that connects is sent what it plays now: its own playlist. */
  line = node_peer_expect (screen, "event", "playlist:update", 5000);
  g_assert_cmpstr (update_playlist_id (line), ==, all_day);
  json_object_unref (line);

  /* The server's clock to 5 s before the next minute; the schedule starts
   * at that minute (the screen is in UTC) and runs ten minutes. */
  now = g_get_real_time () / 1000;
  ahead = 60000 - now % 60000 - 5000;
  if (ahead < 0)
    ahead += 60000;
  offset = g_strdup_printf ("%" G_GINT64_FORMAT, ahead);
  g_assert_true (g_file_set_contents (clock, offset, -1, NULL));
  minute_of_day = ((now + ahead) / 60000 + 1) % 1440;
  body = g_strdup_printf ("{\"name\":\"Morning news\",\"startDate\":\"2020-01-01\",\"daysOfWeek\":[0,1,2,3,4,5,6],"
                          "\"startTime\":%" G_GINT64_FORMAT ",\"endTime\":%" G_GINT64_FORMAT ",\"priority\":2,"
                          "\"playlistId\":\"%s\",\"displayId\":\"%s\"}",
                          minute_of_day, (minute_of_day + 10) % 1440, morning, display_id);
  response = test_http (server, "POST", "/schedules", token, NULL, body, -1);
  schedule_id = g_strdup (json_object_get_string_member (test_expect_object (response, 201), "id"));
  schedule_path = g_strconcat ("/schedules/", schedule_id, NULL);
  g_clear_pointer (&response, test_response_free);

  /* Not yet: the minute has not come. */
  g_assert_null (node_peer_wait (dashboard, "event", "schedule:executed", 2000));

  /* At the boundary: the screen gets the morning playlist, the dashboard hears why. */
  line = node_peer_expect (screen, "event", "playlist:update", 15000);
  g_assert_cmpstr (update_playlist_id (line), ==, morning);
  json_object_unref (line);
  line = node_peer_expect (dashboard, "event", "schedule:executed", 5000);
  payload = executed_payload (line);
  g_assert_cmpstr (json_object_get_string_member (payload, "scheduleId"), ==, schedule_id);
  g_assert_cmpstr (json_object_get_string_member (payload, "displayId"), ==, display_id);
  g_assert_cmpstr (json_object_get_string_member (payload, "playlistId"), ==, morning);
  g_assert_cmpstr (json_object_get_string_member (payload, "action"), ==, "started");
  g_assert_true (json_object_has_member (payload, "timestamp"));
  json_object_unref (line);

  /* Switched off: it ends at once and the screen goes back to its own playlist. */
  response = test_http (server, "PATCH", schedule_path, token, NULL, "{\"isActive\":false}", -1);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  line = node_peer_expect (dashboard, "event", "schedule:executed", 5000);
  payload = executed_payload (line);
  g_assert_cmpstr (json_object_get_string_member (payload, "action"), ==, "ended");
  g_assert_cmpstr (json_object_get_string_member (payload, "playlistId"), ==, morning);
  json_object_unref (line);
  line = node_peer_expect (screen, "event", "playlist:update", 5000);
  g_assert_cmpstr (update_playlist_id (line), ==, all_day);
  json_object_unref (line);

  /* On again, then deleted: started and ended once each. */
  response = test_http (server, "PATCH", schedule_path, token, NULL, "{\"isActive\":true}", -1);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  line = node_peer_expect (dashboard, "event", "schedule:executed", 5000);
  g_assert_cmpstr (json_object_get_string_member (executed_payload (line), "action"), ==, "started");
  json_object_unref (line);
  response = test_http (server, "DELETE", schedule_path, token, NULL, NULL, 0);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  line = node_peer_expect (dashboard, "event", "schedule:executed", 5000);
  g_assert_cmpstr (json_object_get_string_member (executed_payload (line), "action"), ==, "ended");
  json_object_unref (line);
  g_assert_null (node_peer_wait (dashboard, "event", "schedule:executed", 1500));

  g_unlink (clock);
}

/* The next schedule:updated, checked for @id and @action; the schedule it
 * carries (NULL for deleted). The line is freed with *@line. */
static JsonObject *
expect_updated (NodePeer    *dashboard,
                const char  *id,
                const char  *action,
                JsonObject **line)
{
  JsonObject *payload;
  JsonNode *schedule;

  g_clear_pointer (line, json_object_unref);
  *line = node_peer_expect (dashboard, "event", "schedule:updated", 5000);
  payload = executed_payload (*line);
  if (id != NULL)
    g_assert_cmpstr (json_object_get_string_member (payload, "scheduleId"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (payload, "action"), ==, action);
  g_assert_true (json_object_has_member (payload, "updatedAt"));
  schedule = json_object_get_member (payload, "schedule");
  if (g_str_equal (action, "deleted"))
    {
      g_assert_null (schedule);
      return NULL;
    }
  g_assert_nonnull (schedule);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (schedule), "id"), ==,
                   json_object_get_string_member (payload, "scheduleId"));
  return json_node_get_object (schedule);
}

static void
test_schedule_updated (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *morning = create_playlist (server, token, "Morning");
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *duplicate = NULL;
  g_autoptr(NodePeer) dashboard = NULL;
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(JsonObject) line = NULL;
  JsonObject *schedule;

  dashboard = node_peer_spawn (server->url, "plain", token, "websocket");
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 10000));

  body = g_strdup_printf ("{\"name\":\"Breakfast\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1,2,3,4,5],"
                          "\"startTime\":480,\"endTime\":720,\"priority\":5,\"isActive\":false,"
                          "\"playlistId\":\"%s\",\"displayId\":\"%s\"}", morning, display_id);
  response = test_http (server, "POST", "/schedules", token, NULL, body, -1);
  id = g_strdup (json_object_get_string_member (test_expect_object (response, 201), "id"));
  path = g_strconcat ("/schedules/", id, NULL);
  g_clear_pointer (&response, test_response_free);
  schedule = expect_updated (dashboard, id, "created", &line);
  g_assert_cmpstr (json_object_get_string_member (schedule, "name"), ==, "Breakfast");
  g_assert_cmpint (json_object_get_int_member (schedule, "startTime"), ==, 480);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (schedule, "playlist"), "name"), ==,
                   "Morning");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (schedule, "display"), "nickname"), ==,
                   "Lobby");

  /* A change that changes nothing says nothing. */
  response = test_http (server, "PATCH", path, token, NULL, "{\"priority\":5}", -1);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  g_assert_null (node_peer_wait (dashboard, "event", "schedule:updated", 1000));

  response = test_http (server, "PATCH", path, token, NULL, "{\"priority\":7,\"name\":\"Brunch\"}", -1);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  schedule = expect_updated (dashboard, id, "updated", &line);
  g_assert_cmpint (json_object_get_int_member (schedule, "priority"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (schedule, "name"), ==, "Brunch");

  duplicate = g_strconcat (path, "/duplicate", NULL);
  response = test_http (server, "POST", duplicate, token, NULL, "{}", -1);
  test_expect_object (response, 201);
  g_clear_pointer (&response, test_response_free);
  schedule = expect_updated (dashboard, NULL, "created", &line);
  g_assert_cmpstr (json_object_get_string_member (schedule, "name"), ==, "Brunch (Copy)");
  g_assert_cmpstr (json_object_get_string_member (schedule, "id"), !=, id);

  response = test_http (server, "DELETE", path, token, NULL, NULL, 0);
  test_expect_object (response, 200);
  g_clear_pointer (&response, test_response_free);
  g_assert_null (expect_updated (dashboard, id, "deleted", &line));

  /* A refused change says nothing either. */
  response = test_http (server, "PATCH", path, token, NULL, "{\"priority\":1}", -1);
  g_assert_cmpuint (response->status, ==, 404);
  g_assert_null (node_peer_wait (dashboard, "event", "schedule:updated", 1000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interop/schedule/starts-and-ends", test_schedule_starts_and_ends);
  g_test_add_func ("/interop/schedule/updated", test_schedule_updated);
  return g_test_run ();
}
