/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-redo"

/*
 * Redo against the real vizora-server: what Undo took back comes again as a
 * change through the outbox (shown at once, sent, waiting offline and across
 * a restart), and is in the undo history again under the same words. A
 * rename, a reorder and a delete, each committed or still pending when it
 * was undone; a new change empties the redo history.
 */

#include <signal.h>

#include "vz-display-resource.h"
#include "vz-optimistic-client.h"
#include "vz-outbox.h"
#include "vz-playlist-resource.h"

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *screen_id;
  char         *playlist_id;
} Fixture;

static JsonObject *
rest (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *json,
      guint       expected)
{
  return rest_data (fixture->server, fixture->token, method, path, json, expected);
}

/* Lobby, and Morning playing A B C. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GString) items = g_string_new (NULL);
  g_autoptr(JsonObject) playlist = NULL;
  g_autofree char *body = NULL;

  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->screen_id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\":\"%c\",\"type\":\"url\",\"url\":\"https://example.test/%c\","
                                               "\"duration\":10}", 'A' + i, 'a' + i);
      g_autoptr(JsonObject) content = rest (fixture, "POST", "/content", json, 201);

      g_string_append_printf (items, "%s{\"contentId\":\"%s\"}", i > 0 ? "," : "",
                              json_object_get_string_member (content, "id"));
    }
  body = g_strdup_printf ("{\"name\":\"Morning\",\"items\":[%s]}", items->str);
  playlist = rest (fixture, "POST", "/playlists", body, 201);
  fixture->playlist_id = g_strdup (json_object_get_string_member (playlist, "id"));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->screen_id, g_free);
  g_clear_pointer (&fixture->playlist_id, g_free);
  vz_test_server_free (fixture->server);
}

static void
redo_now (Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_redo_async (client->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_redo_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

static gboolean
settled (gpointer data)
{
  Client *client = data;
  VzOutboxSender *sender = vz_sync_engine_get_sender (client->engine);

  return vz_sync_engine_get_pending_count (client->engine) == 0 &&
         (sender == NULL || vz_outbox_sender_get_in_flight (sender) == 0);
}

static gboolean
is_offline (gpointer data)
{
  return vz_sync_engine_get_connection_state (((Client *) data)->engine) == VZ_CONNECTION_STATE_OFFLINE;
}

static char *
server_name (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s", fixture->screen_id);
  g_autoptr(JsonObject) screen = rest (fixture, "GET", path, NULL, 200);

  return g_strdup (json_object_get_string_member (screen, "nickname"));
}

static const char *
shown_name (Fixture *fixture)
{
  VzDisplay *screen = vz_store_lookup (vz_sync_engine_get_displays (fixture->a->engine), fixture->screen_id);

  g_assert_nonnull (screen);
  return vz_display_get_nickname (screen);
}

static void
assert_names (Fixture    *fixture,
              const char *expected)
{
  g_autofree char *on_server = NULL;

  wait_until (settled, fixture->a, 10000);
  on_server = server_name (fixture);
  g_assert_cmpstr (on_server, ==, expected);
  g_assert_cmpstr (shown_name (fixture), ==, expected);
}

static void
rename_screen (Fixture    *fixture,
               const char *name)
{
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\"}", name);

  client_update (fixture->a, VZ_RESOURCE_DISPLAY, fixture->screen_id, json);
}

/* ------------------------------------------------------------------------ */

/* Undo sent the way back; Redo sends the rename again, and can be undone
 * again, under the same words. */
static void
test_rename_committed (Fixture       *fixture,
                       gconstpointer  data)
{
  VzSyncEngine *engine;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  engine = fixture->a->engine;
  g_assert_false (vz_sync_engine_get_can_redo (engine));

  rename_screen (fixture, "Hall");
  assert_names (fixture, "Hall");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (engine), ==, "Renamed “Lobby” to “Hall”");

  undo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Lobby");
  g_assert_true (vz_sync_engine_get_can_redo (engine));
  g_assert_false (vz_sync_engine_get_can_undo (engine));
  g_assert_cmpstr (vz_sync_engine_get_redo_label (engine), ==, "Renamed “Lobby” to “Hall”");
  assert_names (fixture, "Lobby");

  redo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Hall");
  g_assert_false (vz_sync_engine_get_can_redo (engine));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (engine), ==, "Renamed “Lobby” to “Hall”");
  assert_names (fixture, "Hall");

  /* And round again. */
  undo_now (fixture->a);
  assert_names (fixture, "Lobby");
  redo_now (fixture->a);
  assert_names (fixture, "Hall");
  g_assert_cmpuint (fixture->a->failed, ==, 0);

  /* A new change: nothing to redo after it. */
  undo_now (fixture->a);
  assert_names (fixture, "Lobby");
  g_assert_true (vz_sync_engine_get_can_redo (engine));
  rename_screen (fixture, "Foyer");
  g_assert_false (vz_sync_engine_get_can_redo (engine));
  assert_names (fixture, "Foyer");
}

/* Offline: the rename never went, Undo discards it, Redo queues it again;
 * it waits across a restart and goes once the server answers. */
static void
test_rename_offline (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *on_server = NULL;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  wait_until (is_offline, fixture->a, 5000);

  rename_screen (fixture, "Hall");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  undo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Lobby");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);

  redo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Hall");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  g_assert_true (vz_sync_engine_get_can_undo (fixture->a->engine));

  client_restart (fixture->a);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  on_server = server_name (fixture);
  g_assert_cmpstr (on_server, ==, "Lobby");

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 1);
  assert_names (fixture, "Hall");
}

/* Committed, then offline: Undo's way back waits in the outbox; Redo takes
 * it back, so nothing is sent and the rename stands. */
static void
test_rename_inverse_pending (Fixture       *fixture,
                             gconstpointer  data)
{
  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  rename_screen (fixture, "Hall");
  assert_names (fixture, "Hall");

  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  wait_until (is_offline, fixture->a, 5000);
  undo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Lobby");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);

  redo_now (fixture->a);
  g_assert_cmpstr (shown_name (fixture), ==, "Hall");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Renamed “Lobby” to “Hall”");

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  spin (500);
  assert_names (fixture, "Hall");

  /* Undo again reverts the committed rename once more. */
  undo_now (fixture->a);
  assert_names (fixture, "Lobby");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

/* The server process stopped (SIGSTOP) or running again: a request sent
 * meanwhile stays under way until it runs. */
static void
server_pause (Fixture  *fixture,
              gboolean  paused)
{
  const char *pid = g_subprocess_get_identifier (fixture->server->process);

  g_assert_nonnull (pid);
  g_assert_cmpint (kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), paused ? SIGSTOP : SIGCONT), ==, 0);
}

static gboolean
server_has_lobby (gpointer data)
{
  g_autofree char *name = server_name (data);

  return g_strcmp0 (name, "Lobby") == 0;
}

static gboolean
server_has_hall (gpointer data)
{
  g_autofree char *name = server_name (data);

  return g_strcmp0 (name, "Hall") == 0;
}

static gboolean
one_in_flight (gpointer data)
{
  VzOutboxSender *sender = vz_sync_engine_get_sender (((Client *) data)->engine);

  return sender != NULL && vz_outbox_sender_get_in_flight (sender) == 1;
}

/* Undo while the rename is on its way: once it lands its inverse goes,
 * and that Undo can be redone like any other. */
static void
test_undo_in_flight (Fixture       *fixture,
                     gconstpointer  data)
{
  VzSyncEngine *engine;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  engine = fixture->a->engine;
  server_pause (fixture, TRUE);
  rename_screen (fixture, "Hall");
  wait_until (one_in_flight, fixture->a, 10000);
  undo_now (fixture->a);
  g_assert_false (vz_sync_engine_get_can_redo (engine));
  server_pause (fixture, FALSE);

  /* The rename lands, then its inverse is queued and sent. */
  wait_committed (fixture->a, 1);
  wait_until (server_has_lobby, fixture, 10000);
  assert_names (fixture, "Lobby");
  g_assert_true (vz_sync_engine_get_can_redo (engine));
  g_assert_cmpstr (vz_sync_engine_get_redo_label (engine), ==, "Renamed “Lobby” to “Hall”");
  g_assert_false (vz_sync_engine_get_can_undo (engine));

  redo_now (fixture->a);
  assert_names (fixture, "Hall");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (engine), ==, "Renamed “Lobby” to “Hall”");
  undo_now (fixture->a);
  assert_names (fixture, "Lobby");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

/* Redo while Undo's way back is on its way: once it lands the rename goes
 * again, and is in the undo history again, so Undo still works after. */
static void
test_redo_in_flight (Fixture       *fixture,
                     gconstpointer  data)
{
  VzSyncEngine *engine;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  engine = fixture->a->engine;
  rename_screen (fixture, "Hall");
  assert_names (fixture, "Hall");

  server_pause (fixture, TRUE);
  undo_now (fixture->a);
  wait_until (one_in_flight, fixture->a, 10000);
  redo_now (fixture->a);
  server_pause (fixture, FALSE);

  /* The rename, Undo's way back, then the rename again. */
  wait_committed (fixture->a, 3);
  wait_until (server_has_hall, fixture, 10000);
  assert_names (fixture, "Hall");
  g_assert_true (vz_sync_engine_get_can_undo (engine));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (engine), ==, "Renamed “Lobby” to “Hall”");
  g_assert_false (vz_sync_engine_get_can_redo (engine));

  undo_now (fixture->a);
  assert_names (fixture, "Lobby");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static VzPlaylist *
playlist_of (Fixture *fixture)
{
  VzPlaylist *playlist = vz_store_lookup (vz_sync_engine_get_playlists (fixture->a->engine), fixture->playlist_id);

  g_assert_nonnull (playlist);
  return playlist;
}

static char *
shown_order (Fixture *fixture)
{
  return playlist_order_shown (playlist_of (fixture));
}

static char *
server_order (Fixture *fixture)
{
  return playlist_order_on_server (fixture->server, fixture->token, fixture->playlist_id);
}

static void
assert_order (Fixture    *fixture,
              const char *expected)
{
  g_autofree char *shown = NULL;
  g_autofree char *on_server = NULL;

  wait_until (settled, fixture->a, 10000);
  shown = shown_order (fixture);
  on_server = server_order (fixture);
  g_assert_cmpstr (shown, ==, expected);
  g_assert_cmpstr (on_server, ==, expected);
}

static void
test_reorder (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylistItem) first = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  first = g_list_model_get_item (vz_playlist_get_items (playlist_of (fixture)), 0);
  vz_sync_engine_move_playlist_item_async (fixture->a->engine, fixture->playlist_id,
                                           vz_playlist_item_get_id (first), 2, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_playlist_edit_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  assert_order (fixture, "B C A");

  undo_now (fixture->a);
  assert_order (fixture, "A B C");
  g_assert_cmpstr (vz_sync_engine_get_redo_label (fixture->a->engine), ==, "Reordered “Morning”");

  redo_now (fixture->a);
  {
    g_autofree char *shown = shown_order (fixture);

    g_assert_cmpstr (shown, ==, "B C A");
  }
  assert_order (fixture, "B C A");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static guint
server_status (Fixture    *fixture,
               const char *path)
{
  return vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, NULL);
}

static void
delete_playlist (Fixture *fixture)
{
  const char *ids[] = { fixture->playlist_id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_delete_async (fixture->a->engine, VZ_RESOURCE_PLAYLIST, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
}

static guint
n_playlists (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_playlists (fixture->a->engine)));
}

/* In the undo window: Undo keeps it from the server, Redo queues it again,
 * to wait out the window once more. */
static void
test_delete_in_window (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", fixture->playlist_id);
  VzOutbox *outbox;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  vz_sync_engine_set_undo_window (fixture->a->engine, 30);
  outbox = vz_sync_engine_get_outbox (fixture->a->engine);

  delete_playlist (fixture);
  g_assert_cmpuint (n_playlists (fixture), ==, 0);
  undo_now (fixture->a);
  g_assert_cmpuint (n_playlists (fixture), ==, 1);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);

  redo_now (fixture->a);
  g_assert_cmpuint (n_playlists (fixture), ==, 0);
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Deleted “Morning”");
  g_assert_cmpuint (server_status (fixture, path), ==, 200);

  vz_sync_engine_set_undo_window (fixture->a->engine, 0);
  undo_now (fixture->a);
  g_assert_cmpuint (n_playlists (fixture), ==, 1);
  redo_now (fixture->a);
  wait_committed (fixture->a, 1);
  wait_until (settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, path), ==, 404);
  g_assert_cmpuint (n_playlists (fixture), ==, 0);
}

static gboolean
has_one_playlist (gpointer data)
{
  Fixture *fixture = data;

  return n_playlists (fixture) == 1 && settled (fixture->a);
}

/* Sent at once: Undo makes it again (a new id), Redo deletes that one. */
static void
test_delete_committed (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VzPlaylist) restored = NULL;
  g_autofree char *path = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  delete_playlist (fixture);
  wait_committed (fixture->a, 1);
  wait_until (settled, fixture->a, 10000);

  undo_now (fixture->a);
  wait_until (has_one_playlist, fixture, 10000);
  restored = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_playlists (fixture->a->engine)), 0);
  g_assert_cmpstr (vz_playlist_get_name (restored), ==, "Morning");
  path = g_strdup_printf ("/playlists/%s", vz_entity_get_id (VZ_ENTITY (restored)));
  g_assert_cmpuint (server_status (fixture, path), ==, 200);
  g_assert_true (vz_sync_engine_get_can_redo (fixture->a->engine));

  redo_now (fixture->a);
  g_assert_cmpuint (n_playlists (fixture), ==, 0);
  wait_until (settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, path), ==, 404);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Deleted “Morning”");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/redo/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("rename-committed", test_rename_committed);
  ADD ("rename-offline", test_rename_offline);
  ADD ("rename-inverse-pending", test_rename_inverse_pending);
  ADD ("undo-in-flight", test_undo_in_flight);
  ADD ("redo-in-flight", test_redo_in_flight);
  ADD ("reorder", test_reorder);
  ADD ("delete-in-window", test_delete_in_window);
  ADD ("delete-committed", test_delete_committed);

  return g_test_run ();
}
