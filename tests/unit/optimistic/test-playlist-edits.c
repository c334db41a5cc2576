/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-playlist-edits"

#include <string.h>
#include <glib/gstdio.h>

#include "vz-content-resource.h"
#include "vz-display-resource.h"
#include "vz-optimistic-client.h"
#include "vz-playlist-resource.h"
#include "vz-sync-engine-private.h"

/*
 * A playlist's edits through the sync engine against the real vizora-server:
 * a reorder is one optimistic, undoable change; it waits in the outbox while
 * offline; a colleague's newer order (a read after reconnecting, or their
 * playlist:updated) merges with it: their order, then our moves.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *playlist_id;
  char         *content_ids[5];   /* A, B, C, D, E */
  char         *fault_dir;
  char         *fault_file;
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

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GString) items = g_string_new (NULL);
  g_autofree char *body = NULL;
  g_autofree char *arg = NULL;
  const char *args[] = { NULL, NULL };

  fixture->fault_dir = g_dir_make_tmp ("vizora-fault-XXXXXX", NULL);
  fixture->fault_file = g_build_filename (fixture->fault_dir, "fault", NULL);
  arg = g_strdup_printf ("--fault-file=%s", fixture->fault_file);
  args[0] = arg;
  fixture->server = vz_test_server_start (args);
  fixture->token = vz_test_server_login (fixture->server);

  for (guint i = 0; i < G_N_ELEMENTS (fixture->content_ids); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\":\"%c\",\"type\":\"url\",\"url\":\"https://example.test/%c\","
                                               "\"duration\":10}", 'A' + i, 'a' + i);
      fixture->content_ids[i] = vz_test_server_create (fixture->server, fixture->token, "/content", json);
    }
  /* The playlist starts with A B C D; E is in the library only. */
  for (guint i = 0; i < 4; i++)
    g_string_append_printf (items, "%s{\"contentId\":\"%s\"}", i > 0 ? "," : "", fixture->content_ids[i]);
  body = g_strdup_printf ("{\"name\":\"Morning\",\"items\":[%s]}", items->str);
  fixture->playlist_id = vz_test_server_create (fixture->server, fixture->token, "/playlists", body);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->playlist_id, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->content_ids); i++)
    g_clear_pointer (&fixture->content_ids[i], g_free);
  vz_test_server_free (fixture->server);
  remove_tree (fixture->fault_dir);
  g_free (fixture->fault_dir);
  g_free (fixture->fault_file);
}

static VzPlaylist *
playlist_of (Client     *client,
             const char *id)
{
  VzPlaylist *playlist = vz_store_lookup (vz_sync_engine_get_playlists (client->engine), id);

  g_assert_nonnull (playlist);
  return playlist;
}

/* The content names in the order the client shows: "A B C D". */
static char *
shown_order (Client     *client,
             const char *id)
{
  return playlist_order_shown (playlist_of (client, id));
}

static char *
server_order (Fixture *fixture)
{
  return playlist_order_on_server (fixture->server, fixture->token, fixture->playlist_id);
}

/* The server's item ids in order, as a JSON array's text. */
static char *
server_item_ids_json (Fixture    *fixture,
                      const char *names)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", fixture->playlist_id);
  g_autoptr(JsonObject) playlist = rest (fixture, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (playlist, "items");
  g_auto(GStrv) wanted = g_strsplit (names, " ", -1);
  GString *out = g_string_new ("[");

  for (guint w = 0; wanted[w] != NULL; w++)
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (g_str_equal (json_object_get_string_member (json_object_get_object_member (item, "content"), "name"),
                         wanted[w]))
          g_string_append_printf (out, "%s\"%s\"", w > 0 ? "," : "", json_object_get_string_member (item, "id"));
      }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* A colleague's reorder to @names (content names, " " between), straight
 * to the server. */
static void
their_reorder (Fixture    *fixture,
               const char *names)
{
  g_autofree char *theirs = server_item_ids_json (fixture, names);
  g_autofree char *body = g_strdup_printf ("{\"itemIds\":%s}", theirs);
  g_autofree char *path = g_strdup_printf ("/playlists/%s/reorder", fixture->playlist_id);
  g_autoptr(JsonObject) answer = rest (fixture, "POST", path, body, 200);
}

static const char *
item_id_at (Client     *client,
            const char *playlist_id,
            guint       position)
{
  g_autoptr(VzPlaylistItem) item = g_list_model_get_item (vz_playlist_get_items (playlist_of (client, playlist_id)),
                                                          position);

  return vz_playlist_item_get_id (item);
}

static void
finish_edit (Client       *client,
             GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  wait_until (result_ready, result, 10000);
  g_assert_true (vz_sync_engine_playlist_edit_finish (client->engine, *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

static void
move_item (Client     *client,
           const char *playlist_id,
           guint       from,
           guint       to)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_sync_engine_move_playlist_item_async (client->engine, playlist_id, item_id_at (client, playlist_id, from), to,
                                           NULL, store_result, &result);
  finish_edit (client, &result);
}

typedef struct {
  Client     *client;
  const char *playlist_id;
  const char *order;
} OrderWait;

static gboolean
shows_order (gpointer data)
{
  OrderWait *wait = data;
  g_autofree char *order = shown_order (wait->client, wait->playlist_id);

  return g_str_equal (order, wait->order);
}

static void
wait_shown (Client     *client,
            const char *playlist_id,
            const char *order)
{
  OrderWait wait = { client, playlist_id, order };

  wait_until (shows_order, &wait, 15000);
}

/* ------------------------------------------------------------------------ */

static void
test_read (Fixture       *fixture,
           gconstpointer  data)
{
  VzPlaylist *playlist;
  VzContent *content;
  g_autofree char *order = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  playlist = playlist_of (fixture->a, fixture->playlist_id);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A B C D");
  g_assert_cmpstr (vz_playlist_get_name (playlist), ==, "Morning");
  g_assert_cmpuint (vz_playlist_get_item_count (playlist), ==, 4);
  /* Items made with the playlist play for their content's 10 s. */
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 40);
  content = vz_store_lookup (vz_sync_engine_get_content (fixture->a->engine), fixture->content_ids[4]);
  g_assert_nonnull (content);
  g_assert_cmpstr (vz_content_get_name (content), ==, "E");
  g_assert_cmpstr (vz_content_get_content_type (content), ==, "url");
}

static void
test_reorder_commits_and_undoes (Fixture       *fixture,
                                 gconstpointer  data)
{
  VzPlaylist *playlist;
  g_autofree char *order = NULL;
  g_autofree char *on_server = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  playlist = playlist_of (fixture->a, fixture->playlist_id);

  /* A below C: shown at once, one change, one toast. */
  move_item (fixture->a, fixture->playlist_id, 0, 2);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "B C A D");
  g_assert_cmpstr (fixture->a->last_label, ==, "Reordered “Morning”");
  g_assert_cmpuint (fixture->a->queued, ==, 1);

  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (playlist)));
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "B C A D");

  /* Undo queues the way back, which the server gets too. */
  undo_now (fixture->a);
  g_clear_pointer (&order, g_free);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A B C D");
  wait_committed (fixture->a, 2);
  g_clear_pointer (&on_server, g_free);
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "A B C D");
}

static gboolean
is_offline (gpointer data)
{
  Client *client = data;

  return vz_sync_engine_get_connection_state (client->engine) == VZ_CONNECTION_STATE_OFFLINE;
}

static void
test_reorder_offline_then_merged (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *on_server = NULL;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);

  /* Offline: the move waits in the outbox. */
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  wait_until (is_offline, fixture->a, 5000);
  move_item (fixture->a, fixture->playlist_id, 0, 2);          /* A below C */
  spin (300);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  g_assert_cmpuint (fixture->a->committed, ==, 0);

  /* Meanwhile a colleague turns the list round. */
  their_reorder (fixture, "D C B A");

  /* Back online: their order, with our move on top (A right after C). */
  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  wait_shown (fixture->a, fixture->playlist_id, "D C A B");
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "D C A B");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static gboolean
fault_taken (gpointer data)
{
  Fixture *fixture = data;

  return !g_file_test (fixture->fault_file, G_FILE_TEST_EXISTS);
}

/* Their playlist:updated arrives while our reorder waits to be sent again. */
static void
test_reorder_merges_their_event (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *on_server = NULL;
  VzRetryPolicy *policy;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  policy = vz_sync_engine_get_retry_policy (fixture->a->engine);
  vz_retry_policy_set_initial_delay (policy, 4.0);
  vz_retry_policy_set_max_delay (policy, 4.0);
  vz_retry_policy_set_jitter (policy, 1.0, 1.0);

  /* Our first try meets a 503; the change stays queued for another try. */
  g_assert_true (g_file_set_contents (fixture->fault_file, "503 1 POST", -1, NULL));
  move_item (fixture->a, fixture->playlist_id, 3, 0);          /* D first */
  wait_until (fault_taken, fixture, 10000);
  spin (500);
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);

  /* A colleague moves B to the end; their event reaches us first. */
  their_reorder (fixture, "A C D B");
  wait_shown (fixture->a, fixture->playlist_id, "D A C B");

  /* Our retry sends the merged order. */
  wait_committed (fixture->a, 1);
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "D A C B");
  wait_shown (fixture->a, fixture->playlist_id, "D A C B");
}

static gboolean
echoes_skipped (gpointer data)
{
  Client *client = data;

  return _vz_sync_engine_get_echoes_skipped (client->engine) >= client->committed;
}

/*
 * Our own change comes back twice, as the answer and as the server's
 * playlist:updated: the event carries what shows already and is not applied
 * again. A colleague's change of the same shape (their reorder; a content
 * item renamed, which leaves the playlist's own version as it was) carries
 * another record and applies. Our next move, made without reading the
 * playlist first, goes on top of what they made.
 */
static void
test_own_echo_skipped (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *on_server = NULL;
  g_autofree char *content_path = g_strdup_printf ("/content/%s", fixture->content_ids[0]);
  g_autoptr(JsonObject) renamed = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  move_item (fixture->a, fixture->playlist_id, 0, 2);          /* A below C */
  wait_committed (fixture->a, 1);
  wait_until (echoes_skipped, fixture->a, 10000);
  spin (300);
  g_assert_cmpuint (_vz_sync_engine_get_echoes_skipped (fixture->a->engine), ==, 1);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "B C A D");

  /* Their reorder: the same event, another record. */
  their_reorder (fixture, "D A C B");
  wait_shown (fixture->a, fixture->playlist_id, "D A C B");

  /* Content renamed: the playlist's updatedAt stays, its items change. */
  renamed = rest (fixture, "PATCH", content_path, "{\"name\":\"Z\"}", 200);
  wait_shown (fixture->a, fixture->playlist_id, "D Z C B");
  g_assert_cmpuint (_vz_sync_engine_get_echoes_skipped (fixture->a->engine), ==, 1);

  /* Ours again, on top of theirs (B first). */
  move_item (fixture->a, fixture->playlist_id, 3, 0);
  wait_committed (fixture->a, 2);
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "B D Z C");
  wait_until (echoes_skipped, fixture->a, 10000);
  spin (300);
  g_assert_cmpuint (_vz_sync_engine_get_echoes_skipped (fixture->a->engine), ==, 2);
  g_clear_pointer (&order, g_free);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "B D Z C");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

typedef struct {
  Client     *client;
  const char *playlist_id;
  guint       events;       /* playlist:updated about it, as the engine applied them */
  gboolean    shown_after;  /* it showed after the last of them */
  gsize       longest;      /* characters of the longest */
} LongEvents;

static void
on_long_playlist_event (VzSyncEngine *engine,
                        const char   *name,
                        JsonNode     *payload,
                        LongEvents   *seen)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;

  if (g_strcmp0 (name, "playlist:updated") != 0 || obj == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (obj, "playlistId", NULL), seen->playlist_id) != 0)
    return;
  seen->events++;
  if (json_object_has_member (obj, "playlist"))
    {
      g_autofree char *text = json_to_string (payload, FALSE);

      seen->longest = MAX (seen->longest, strlen (text));
    }
  seen->shown_after = vz_store_lookup (vz_sync_engine_get_playlists (engine), seen->playlist_id) != NULL;
}

static gboolean
three_long_events (gpointer data)
{
  return ((LongEvents *) data)->events >= 3;
}

/*
 * The playlist:updated of a long playlist (over the 64 KiB the realtime
 * client parses in a worker thread) applies in the order the server sent
 * it with the short events after it: a colleague reorders the long
 * playlist, renames it, then deletes it (a short event); applied out of
 * order, the reorder's record would bring the deleted playlist back.
 */
static void
test_long_events_in_order (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GString) items = g_string_new (NULL);
  g_autofree char *body = NULL;
  g_autofree char *long_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *reorder_path = NULL;
  g_autoptr(GString) reversed = g_string_new ("{\"itemIds\":[");
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) renamed = NULL;
  JsonArray *answer_items;
  LongEvents seen = { 0 };
  guint n;

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (items, "%s{\"contentId\":\"%s\",\"duration\":%u}", i > 0 ? "," : "",
                            fixture->content_ids[i % 4], 5 + i % 7);
  body = g_strdup_printf ("{\"name\":\"Long\",\"items\":[%s]}", items->str);
  long_id = vz_test_server_create (fixture->server, fixture->token, "/playlists", body);
  path = g_strdup_printf ("/playlists/%s", long_id);
  reorder_path = g_strdup_printf ("/playlists/%s/reorder", long_id);
  answer = rest (fixture, "GET", path, NULL, 200);
  answer_items = json_object_get_array_member (answer, "items");
  n = json_array_get_length (answer_items);
  g_assert_cmpuint (n, ==, 400);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (reversed, "%s\"%s\"", i > 0 ? "," : "",
                            json_object_get_string_member (json_array_get_object_element (answer_items, n - 1 - i),
                                                           "id"));
  g_string_append (reversed, "]}");

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  g_assert_nonnull (playlist_of (fixture->a, long_id));
  seen.client = fixture->a;
  seen.playlist_id = long_id;
  g_signal_connect (fixture->a->engine, "realtime-event", G_CALLBACK (on_long_playlist_event), &seen);

  g_clear_pointer (&answer, json_object_unref);
  answer = rest (fixture, "POST", reorder_path, reversed->str, 200);
  renamed = rest (fixture, "PATCH", path, "{\"name\":\"Long, renamed\"}", 200);
  g_clear_pointer (&answer, json_object_unref);
  answer = rest (fixture, "DELETE", path, NULL, 200);
  wait_until (three_long_events, &seen, 20000);
  g_assert_cmpuint (seen.events, ==, 3);
  g_assert_cmpuint (seen.longest, >, 64 * 1024);
  g_assert_false (seen.shown_after);
  g_assert_null (vz_store_lookup (vz_sync_engine_get_playlists (fixture->a->engine), long_id));
  g_signal_handlers_disconnect_by_data (fixture->a->engine, &seen);
}

/* E put in before B, as content dropped between A and B puts it. */
static void
add_e_at_1 (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_sync_engine_add_playlist_item_at_async (fixture->a->engine, fixture->playlist_id, fixture->content_ids[4], 0, 1,
                                             NULL, store_result, &result);
  finish_edit (fixture->a, &result);
}

static gboolean
can_undo (VzSyncEngine *engine)
{
  gboolean can = FALSE;

  g_object_get (engine, "can-undo", &can, NULL);
  return can;
}

/*
 * Content added at a place is one change: shown there at once, one toast,
 * one entry in undo (the add and the move to the place go out together),
 * on the server at that place; one Undo takes it out again, there too.
 */
static void
test_add_at_is_one_change (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *on_server = NULL;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  g_assert_false (can_undo (fixture->a->engine));

  add_e_at_1 (fixture);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A E B C D");
  g_assert_cmpuint (fixture->a->queued, ==, 1);
  g_assert_cmpstr (fixture->a->last_label, ==, "Added an item to “Morning”");

  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "A E B C D");
  /* The item has the server's id now. */
  g_assert_false (g_str_has_prefix (item_id_at (fixture->a, fixture->playlist_id, 1), VZ_PLAYLIST_LOCAL_ITEM_PREFIX));

  /* One Undo, and nothing left to undo: it was one step. */
  undo_now (fixture->a);
  g_assert_false (can_undo (fixture->a->engine));
  wait_shown (fixture->a, fixture->playlist_id, "A B C D");
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_clear_pointer (&on_server, g_free);
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "A B C D");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

/*
 * Offline, the add at a place waits in the outbox as one batch; a
 * colleague's newer order meanwhile is kept, with ours on top (E right
 * after A, where it was dropped), on the server too once back online.
 * Undone while still offline, nothing of it is ever sent.
 */
static void
test_add_at_offline (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *on_server = NULL;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  wait_until (is_offline, fixture->a, 5000);

  /* Undone before it is sent: it never reaches the server. */
  add_e_at_1 (fixture);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A E B C D");
  undo_now (fixture->a);
  wait_shown (fixture->a, fixture->playlist_id, "A B C D");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);

  /* Again, kept this time: both requests wait, as one batch. */
  add_e_at_1 (fixture);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 2);
  {
    g_autoptr(VzMutation) first = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (fixture->a->engine)), 0);
    g_autoptr(VzMutation) second = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (fixture->a->engine)), 1);

    g_assert_nonnull (vz_mutation_get_batch_id (first));
    g_assert_cmpstr (vz_mutation_get_batch_id (first), ==, vz_mutation_get_batch_id (second));
  }

  /* Meanwhile a colleague turns the list round. */
  their_reorder (fixture, "D C B A");

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  wait_shown (fixture->a, fixture->playlist_id, "D C B A E");
  on_server = server_order (fixture);
  g_assert_cmpstr (on_server, ==, "D C B A E");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static gboolean
no_local_items (gpointer data)
{
  Fixture *fixture = data;
  GListModel *items = vz_playlist_get_items (playlist_of (fixture->a, fixture->playlist_id));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      if (g_str_has_prefix (vz_playlist_item_get_id (item), "local:"))
        return FALSE;
    }
  return TRUE;
}

static void
test_items_and_fields (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) loop = json_object_new ();
  g_autoptr(JsonObject) on_server = NULL;
  g_autofree char *path = g_strdup_printf ("/playlists/%s", fixture->playlist_id);
  g_autofree char *order = NULL;
  g_autofree char *server = NULL;
  VzPlaylist *playlist;
  const char *b_id;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  playlist = playlist_of (fixture->a, fixture->playlist_id);

  /* Add E: it shows at once with its name, then takes the server's id. */
  vz_sync_engine_add_playlist_item_async (fixture->a->engine, fixture->playlist_id, fixture->content_ids[4], 12,
                                          NULL, store_result, &result);
  finish_edit (fixture->a, &result);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A B C D E");
  g_assert_true (g_str_has_prefix (item_id_at (fixture->a, fixture->playlist_id, 4), "local:"));
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 52);
  wait_committed (fixture->a, 1);
  wait_until (no_local_items, fixture, 10000);
  server = server_order (fixture);
  g_assert_cmpstr (server, ==, "A B C D E");

  /* Undo of the add removes the item the server made. */
  undo_now (fixture->a);
  wait_committed (fixture->a, 2);
  g_clear_pointer (&server, g_free);
  server = server_order (fixture);
  g_assert_cmpstr (server, ==, "A B C D");

  /* B plays 45 s; then B leaves. */
  b_id = item_id_at (fixture->a, fixture->playlist_id, 1);
  vz_sync_engine_set_playlist_item_duration_async (fixture->a->engine, fixture->playlist_id, b_id, 45,
                                                   NULL, store_result, &result);
  finish_edit (fixture->a, &result);
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 75);
  vz_sync_engine_remove_playlist_item_async (fixture->a->engine, fixture->playlist_id, b_id,
                                             NULL, store_result, &result);
  finish_edit (fixture->a, &result);
  g_clear_pointer (&order, g_free);
  order = shown_order (fixture->a, fixture->playlist_id);
  g_assert_cmpstr (order, ==, "A C D");
  wait_committed (fixture->a, 4);
  g_clear_pointer (&server, g_free);
  server = server_order (fixture);
  g_assert_cmpstr (server, ==, "A C D");

  /* loop is a field like any other, a boolean (the server makes playlists
   * that loop). */
  g_assert_true (vz_playlist_get_loop (playlist));
  json_object_set_boolean_member (loop, "loop", FALSE);
  vz_sync_engine_update_async (fixture->a->engine, VZ_RESOURCE_PLAYLIST, fixture->playlist_id, loop,
                               NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (vz_playlist_get_loop (playlist));
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed the looping of “Morning”");
  wait_committed (fixture->a, 5);
  on_server = rest (fixture, "GET", path, NULL, 200);
  g_assert_false (json_object_get_boolean_member (on_server, "loop"));
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static void
test_assign_to_screens (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *first = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autofree char *second = vz_test_server_pair_screen (fixture->server, fixture->token, "Hall", NULL);
  const char *ids[] = { first, second, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", second);
  g_autoptr(JsonObject) on_server = NULL;
  VzPlaylist *playlist;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  playlist = playlist_of (fixture->a, fixture->playlist_id);
  g_assert_cmpuint (vz_playlist_get_screen_count (playlist), ==, 0);

  vz_sync_engine_assign_playlist_async (fixture->a->engine, ids, fixture->playlist_id, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_assign_playlist_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vz_playlist_get_screen_count (playlist), ==, 2);
  g_assert_cmpuint (fixture->a->queued, ==, 1);
  wait_committed (fixture->a, 2);
  on_server = rest (fixture, "GET", path, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (on_server, "currentPlaylistId"), ==, fixture->playlist_id);

  /* One undo takes both back. */
  undo_now (fixture->a);
  g_assert_cmpuint (vz_playlist_get_screen_count (playlist), ==, 0);
  wait_committed (fixture->a, 4);
  g_clear_pointer (&on_server, json_object_unref);
  on_server = rest (fixture, "GET", path, NULL, 200);
  g_assert_true (json_object_get_null_member (on_server, "currentPlaylistId"));
}

/* The playlist of each screen on the server ("-" for none), " " between. */
static char *
server_screens (Fixture            *fixture,
                const char * const *ids,
                const char         *morning,
                const char         *evening)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/displays/%s", ids[i]);
      g_autoptr(JsonObject) display = rest (fixture, "GET", path, NULL, 200);
      const char *plays = json_object_get_null_member (display, "currentPlaylistId") ? NULL :
                          json_object_get_string_member (display, "currentPlaylistId");

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                              plays == NULL ? "-" : g_strcmp0 (plays, morning) == 0 ? "Morning" :
                              g_strcmp0 (plays, evening) == 0 ? "Evening" : plays);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
set_screens (Client             *client,
             const char         *playlist_id,
             const char * const *ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_set_playlist_screens_async (client->engine, playlist_id, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_set_playlist_screens_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

/* The screens that play a playlist, chosen as a whole: the chosen ones get
 * it (from another playlist or none), the others that played it get none;
 * one change, one Undo; the same choice again changes nothing. */
static void
test_screens_chosen (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *lobby = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autofree char *hall = vz_test_server_pair_screen (fixture->server, fixture->token, "Hall", NULL);
  g_autofree char *desk = vz_test_server_pair_screen (fixture->server, fixture->token, "Desk", NULL);
  g_autofree char *evening = vz_test_server_create (fixture->server, fixture->token, "/playlists",
                                                    "{\"name\":\"Evening\"}");
  g_autofree char *lobby_body = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", fixture->playlist_id);
  g_autofree char *hall_body = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", evening);
  g_autofree char *lobby_path = g_strdup_printf ("/displays/%s", lobby);
  g_autofree char *hall_path = g_strdup_printf ("/displays/%s", hall);
  const char *all[] = { lobby, hall, desk, NULL };
  const char *chosen[] = { hall, desk, NULL };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  VzPlaylist *morning, *other;

  g_assert_cmpuint (vz_test_server_request (fixture->server, "PATCH", lobby_path, fixture->token, lobby_body, NULL), ==, 200);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "PATCH", hall_path, fixture->token, hall_body, NULL), ==, 200);
  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  morning = playlist_of (fixture->a, fixture->playlist_id);
  other = playlist_of (fixture->a, evening);
  before = server_screens (fixture, all, fixture->playlist_id, evening);
  g_assert_cmpstr (before, ==, "Morning Evening -");
  g_assert_cmpuint (vz_playlist_get_screen_count (morning), ==, 1);
  g_assert_cmpuint (vz_playlist_get_screen_count (other), ==, 1);

  /* Hall and Desk chosen, Lobby not: shown at once, one change of three screens. */
  set_screens (fixture->a, fixture->playlist_id, chosen);
  g_assert_cmpuint (vz_playlist_get_screen_count (morning), ==, 2);
  g_assert_cmpuint (vz_playlist_get_screen_count (other), ==, 0);
  g_assert_cmpuint (fixture->a->queued, ==, 1);
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed the playlist of 3 screens");
  wait_committed (fixture->a, 3);
  after = server_screens (fixture, all, fixture->playlist_id, evening);
  g_assert_cmpstr (after, ==, "- Morning Morning");

  /* The same choice again: nothing to send. */
  set_screens (fixture->a, fixture->playlist_id, chosen);
  g_assert_cmpuint (fixture->a->queued, ==, 1);

  /* One Undo gives each its own back. */
  undo_now (fixture->a);
  g_assert_cmpuint (vz_playlist_get_screen_count (morning), ==, 1);
  g_assert_cmpuint (vz_playlist_get_screen_count (other), ==, 1);
  wait_committed (fixture->a, 6);
  undone = server_screens (fixture, all, fixture->playlist_id, evening);
  g_assert_cmpstr (undone, ==, "Morning Evening -");

  /* None chosen: the screen that played it plays none. */
  set_screens (fixture->a, fixture->playlist_id, NULL);
  wait_committed (fixture->a, 7);
  g_clear_pointer (&after, g_free);
  after = server_screens (fixture, all, fixture->playlist_id, evening);
  g_assert_cmpstr (after, ==, "- Evening -");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/playlist-edits/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("read", test_read);
  ADD ("reorder-commits-and-undoes", test_reorder_commits_and_undoes);
  ADD ("reorder-offline-then-merged", test_reorder_offline_then_merged);
  ADD ("reorder-merges-their-event", test_reorder_merges_their_event);
  ADD ("own-echo-skipped", test_own_echo_skipped);
  ADD ("long-events-in-order", test_long_events_in_order);
  ADD ("add-at-is-one-change", test_add_at_is_one_change);
  ADD ("add-at-offline", test_add_at_offline);
  ADD ("items-and-fields", test_items_and_fields);
  ADD ("assign-to-screens", test_assign_to_screens);
  ADD ("screens-chosen", test_screens_chosen);
#undef ADD

  return g_test_run ();
}
