/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-playlist-interop"

#include <sqlite3.h>
#include <string.h>

#include "vz-test-server.h"
#include "node-peer.h"

/*
 * Playlists live, with the official socket.io-client on both ends: a
 * dashboard hears `playlist:updated` for every change, a screen gets
 * `playlist:update` when it is assigned one, when the playlist changes, when
 * it connects, and {playlist:null} when its playlist is deleted; its
 * `content:impression` is stored.
 */

static char *
create_content (VzTestServer *server,
                const char   *token,
                const char   *name)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\","
                                           "\"duration\":7}", name, name);

  return g_strdup (json_object_get_string_member (vz_test_server_data (server, "POST", "/content", token, json, 201, &body), "id"));
}

/* The first argument of the next event @name (the line is freed with *@line). */
static JsonObject *
expect_event (NodePeer    *peer,
              const char  *name,
              JsonObject **line)
{
  g_clear_pointer (line, json_object_unref);
  *line = node_peer_expect (peer, "event", name, 10000);
  return json_array_get_object_element (json_object_get_array_member (*line, "args"), 0);
}

/* Waits for playlist:updated with @action about @playlist_id. */
static JsonObject *
expect_updated (NodePeer    *dashboard,
                const char  *playlist_id,
                const char  *action,
                JsonObject **line)
{
  for (;;)
    {
      JsonObject *payload = expect_event (dashboard, "playlist:updated", line);

      if (g_strcmp0 (json_object_get_string_member (payload, "playlistId"), playlist_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (payload, "action"), action) == 0)
        {
          g_assert_true (json_object_has_member (payload, "updatedAt"));
          return payload;
        }
    }
}

static const char *
device_item_content (JsonObject *update,
                     guint       i)
{
  JsonArray *items = json_object_get_array_member (json_object_get_object_member (update, "playlist"), "items");

  return json_object_get_string_member (json_array_get_object_element (items, i), "contentId");
}

static gint64
count_impressions (VzTestServer *server,
                   const char   *display_id)
{
  g_autofree char *path = g_build_filename (server->data_dir, "vizora.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM content_impressions WHERE display_id = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, display_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static void
test_live_playlists (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Playlist screen", &device_token);
  g_autofree char *a = create_content (server, token, "live-a");
  g_autofree char *b = create_content (server, token, "live-b");
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Live\",\"items\":[{\"contentId\":\"%s\"},{\"contentId\":\"%s\"}]}", a, b);
  g_autoptr(NodePeer) dashboard = NULL;
  g_autoptr(NodePeer) screen = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *playlist_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *reorder = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *display_path = g_strconcat ("/displays/", display_id, NULL);
  g_autofree char *impression = NULL;
  g_autofree char *version = NULL;
  JsonObject *line = NULL;
  JsonObject *payload;
  JsonObject *data;
  gint64 deadline;

  vz_test_require_node ();
  dashboard = node_peer_spawn (server->url, "plain", token, "websocket");
  json_object_unref (node_peer_expect (dashboard, "connect", NULL, 10000));
  screen = node_peer_spawn (server->url, "plain", device_token, "websocket");
  json_object_unref (node_peer_expect (screen, "connect", NULL, 10000));

  /* Created: the dashboard gets the whole playlist. */
  data = vz_test_server_data (server, "POST", "/playlists", token, body, 201, &created);
  playlist_id = g_strdup (json_object_get_string_member (data, "id"));
  path = g_strconcat ("/playlists/", playlist_id, NULL);
  payload = expect_updated (dashboard, playlist_id, "created", &line);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "playlist"), "itemCount"), ==, 2);

  /* Assigned: the screen is sent what to play, with durations resolved. */
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", playlist_id);
  vz_test_server_data (server, "PATCH", display_path, token, assign, 200, &response);
  payload = expect_event (screen, "playlist:update", &line);
  g_assert_true (json_object_get_boolean_member (line, "ack"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "playlist"), "id"), ==, playlist_id);
  g_assert_cmpstr (device_item_content (payload, 0), ==, a);
  g_assert_cmpstr (device_item_content (payload, 1), ==, b);
  {
    JsonObject *first = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (payload, "playlist"),
                                                                                     "items"), 0);

    g_assert_cmpint (json_object_get_int_member (first, "duration"), ==, 7);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "content"), "url"), ==,
                     "https://example.com/live-a");
  }

  /* Reordered: both hear it. */
  {
    JsonArray *items = json_object_get_array_member (data, "items");

    reorder = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\"]}",
                               json_object_get_string_member (json_array_get_object_element (items, 1), "id"),
                               json_object_get_string_member (json_array_get_object_element (items, 0), "id"));
  }
  {
    g_autofree char *reorder_path = g_strconcat (path, "/reorder", NULL);

    vz_test_server_data (server, "POST", reorder_path, token, reorder, 200, &response);
  }
  payload = expect_updated (dashboard, playlist_id, "reordered", &line);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json_object_get_object_member (payload, "playlist"), "items"), 0),
                     "contentId"), ==, b);
  payload = expect_event (screen, "playlist:update", &line);
  g_assert_cmpstr (device_item_content (payload, 0), ==, b);

  /* Renamed: updated. */
  vz_test_server_data (server, "PATCH", path, token, "{\"name\":\"Live 2\"}", 200, &response);
  payload = expect_updated (dashboard, playlist_id, "updated", &line);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "playlist"), "name"), ==, "Live 2");
  json_object_unref (node_peer_expect (screen, "event", "playlist:update", 10000));

  /* A screen that connects again is sent its playlist at once. */
  g_clear_pointer (&screen, node_peer_free);
  screen = node_peer_spawn (server->url, "plain", device_token, "websocket");
  json_object_unref (node_peer_expect (screen, "connect", NULL, 10000));
  payload = expect_event (screen, "playlist:update", &line);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "playlist"), "name"), ==, "Live 2");
  g_assert_cmpstr (json_object_get_string_member (payload, "source"), ==, "currentPlaylist");
  version = g_strdup (json_object_get_string_member (payload, "version"));

  /* Impressions are acknowledged and stored; bad ones are refused. */
  impression = g_strdup_printf ("{\"op\":\"emit-ack\",\"name\":\"content:impression\",\"payload\":"
                                "{\"contentId\":\"%s\",\"playlistId\":\"%s\",\"duration\":7,\"completionPercentage\":100}}",
                                b, playlist_id);
  node_peer_command (screen, impression);
  g_clear_pointer (&line, json_object_unref);
  line = node_peer_expect (screen, "ack", "content:impression", 10000);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (line, "args"), 0),
                                                 "success"));
  {
    /* Unknown content, out-of-range numbers, a clock far off, not an object: refused, nothing stored. */
    g_autofree char *bad_duration = g_strdup_printf ("{\"contentId\":\"%s\",\"duration\":-1}", b);
    g_autofree char *bad_completion = g_strdup_printf ("{\"contentId\":\"%s\",\"completionPercentage\":101}", b);
    g_autofree char *future = g_strdup_printf ("{\"contentId\":\"%s\",\"timestamp\":\"2999-01-01T00:00:00Z\"}", b);
    g_autofree char *bad_time = g_strdup_printf ("{\"contentId\":\"%s\",\"timestamp\":\"yesterday\"}", b);
    g_autofree char *bad_playlist = g_strdup_printf ("{\"contentId\":\"%s\",\"playlistId\":5}", b);
    const char *bad[] = { "{\"contentId\":\"nope\"}", "{}", "\"text\"", bad_duration, bad_completion, future, bad_time,
                          bad_playlist };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *command = g_strdup_printf ("{\"op\":\"emit-ack\",\"name\":\"content:impression\",\"payload\":%s}",
                                                    bad[i]);
        JsonObject *ack;

        node_peer_command (screen, command);
        g_clear_pointer (&line, json_object_unref);
        line = node_peer_expect (screen, "ack", "content:impression", 10000);
        ack = json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
        g_assert_false (json_object_get_boolean_member (ack, "success"));
        g_assert_nonnull (json_object_get_string_member (ack, "error"));
      }
  }
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_impressions (server, display_id) < 1 && g_get_monotonic_time () < deadline)
    test_iterate_for (200);
  g_assert_cmpint (count_impressions (server, display_id), ==, 1);

  /* Content it plays changes: screens get the new duration, with a newer
   * version, and dashboards the new playlist. */
  {
    g_autofree char *content_path = g_strconcat ("/content/", b, NULL);
    JsonArray *items;

    vz_test_server_data (server, "PATCH", content_path, token, "{\"duration\":9}", 200, &response);
    payload = expect_updated (dashboard, playlist_id, "updated", &line);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "playlist"), "totalDuration"), ==, 16);
    payload = expect_event (screen, "playlist:update", &line);
    items = json_object_get_array_member (json_object_get_object_member (payload, "playlist"), "items");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "duration"), ==, 9);
    g_assert_cmpstr (json_object_get_string_member (payload, "version"), >, version);

    /* Deleted: it leaves the playlist, and both are told. */
    vz_test_server_data (server, "DELETE", content_path, token, NULL, 200, &response);
    payload = expect_updated (dashboard, playlist_id, "updated", &line);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "playlist"), "itemCount"), ==, 1);
    payload = expect_event (screen, "playlist:update", &line);
    g_assert_cmpstr (device_item_content (payload, 0), ==, a);
  }

  /* Deleted: the dashboard hears it and the screen has nothing to play. */
  vz_test_server_data (server, "DELETE", path, token, NULL, 200, &response);
  payload = expect_updated (dashboard, playlist_id, "deleted", &line);
  g_assert_false (json_object_has_member (payload, "playlist"));
  payload = expect_event (screen, "playlist:update", &line);
  g_assert_true (json_object_get_null_member (payload, "playlist"));

  g_clear_pointer (&line, json_object_unref);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/playlist-interop/live", test_live_playlists);

  return g_test_run ();
}
