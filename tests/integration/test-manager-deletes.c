/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-manager-deletes"

#include "server-test-util.h"
#include "vz-content-resource.h"
#include "vz-optimistic-client.h"
#include "vz-playlist-item.h"
#include "vz-playlist-resource.h"

/*
 * What a manager may not delete, through the sync engine against the real
 * vizora-server. The Vizora platform leaves deleting content and playlists
 * and removing a playlist's item to administrators (@Roles('admin') on
 * those routes), as the local server does: a manager's engine refuses them
 * at once, saying why, and nothing changes here or on the server; what a
 * manager may do (a reorder) still goes, and an administrator's removal
 * goes too.
 */

#define MANAGER_EMAIL "manager@deletes.test"
#define MANAGER_PASSWORD "manager-password-1"

static const char delete_refused[] =
  "Only an administrator can delete this. Your role (manager) may add and change, not delete.";
static const char remove_refused[] =
  "Only an administrator can remove an item from a playlist. "
  "Your role (manager) may add items, reorder them and change how long they play.";

typedef struct {
  VzTestServer *server;
  char         *token;
  char         *playlist_id;
} Fleet;

/* The ids of @playlist_id's items as @client shows them, in order. */
static GStrv
shown_item_ids (Client     *client,
                const char *playlist_id)
{
  VzPlaylist *playlist = vz_store_lookup (vz_sync_engine_get_playlists (client->engine), playlist_id);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GListModel *items;

  g_assert_nonnull (playlist);
  items = vz_playlist_get_items (playlist);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      g_strv_builder_add (ids, vz_playlist_item_get_id (item));
    }
  return g_strv_builder_end (ids);
}

static void
expect_refused (GError     *error,
                const char *sentence)
{
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==, sentence);
}

/* @client's delete of @id (of @kind) is refused at once. */
static void
expect_delete_refused (Client     *client,
                       const char *kind,
                       const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_delete_async (client->engine, kind, (const char * const[]) { id, NULL }, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_delete_finish (client->engine, result, &error));
  expect_refused (error, delete_refused);
}

typedef struct {
  Fleet      *fleet;
  const char *want;
} OrderQuery;

static gboolean
server_order_is (gpointer data)
{
  OrderQuery *q = data;
  g_autofree char *order = playlist_order_on_server (q->fleet->server, q->fleet->token, q->fleet->playlist_id);

  return g_strcmp0 (order, q->want) == 0;
}

static void
test_manager_deletes (void)
{
  Fleet fleet = { 0 };
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *body = NULL;
  g_autofree char *manager_token = NULL;
  g_auto(GStrv) items = NULL;
  g_auto(GStrv) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Client *manager;
  Client *admin;
  OrderQuery reordered = { &fleet, "B A" };
  OrderQuery removed = { &fleet, "A" };

  fleet.server = vz_test_server_start (NULL);
  fleet.token = vz_test_server_login (fleet.server);
  a = vz_test_server_create (fleet.server, fleet.token, "/content",
                             "{\"name\":\"A\",\"type\":\"url\",\"url\":\"https://example.test/a\"}");
  b = vz_test_server_create (fleet.server, fleet.token, "/content",
                             "{\"name\":\"B\",\"type\":\"url\",\"url\":\"https://example.test/b\"}");
  body = g_strdup_printf ("{\"name\":\"Morning\",\"items\":[{\"contentId\":\"%s\"},{\"contentId\":\"%s\"}]}", a, b);
  fleet.playlist_id = vz_test_server_create (fleet.server, fleet.token, "/playlists", body);
  test_add_user (fleet.server, MANAGER_EMAIL, MANAGER_PASSWORD, "manager");
  manager_token = test_login_as (fleet.server, MANAGER_EMAIL, MANAGER_PASSWORD);

  manager = client_new (fleet.server, manager_token, TRUE);
  g_assert_cmpstr (vz_session_get_role (manager->session), ==, "manager");
  items = shown_item_ids (manager, fleet.playlist_id);
  g_assert_cmpuint (g_strv_length (items), ==, 2);

  /* Removing an item: refused at once, the item stays, nothing is queued. */
  vz_sync_engine_remove_playlist_item_async (manager->engine, fleet.playlist_id, items[0], NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_playlist_edit_finish (manager->engine, result, &error));
  expect_refused (error, remove_refused);
  g_clear_error (&error);
  g_clear_object (&result);
  after = shown_item_ids (manager, fleet.playlist_id);
  g_assert_cmpstrv (after, items);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (manager->engine), ==, 0);
  g_assert_null (vz_sync_engine_get_undo_label (manager->engine));

  /* Deleting the playlist or content: the same. */
  expect_delete_refused (manager, VZ_RESOURCE_PLAYLIST, fleet.playlist_id);
  expect_delete_refused (manager, VZ_RESOURCE_CONTENT, a);
  g_assert_nonnull (vz_store_lookup (vz_sync_engine_get_playlists (manager->engine), fleet.playlist_id));
  g_assert_nonnull (vz_store_lookup (vz_sync_engine_get_content (manager->engine), a));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (manager->engine), ==, 0);
  g_assert_true (server_order_is (&(OrderQuery) { &fleet, "A B" }));

  /* A reorder is a manager's to make: it lands. */
  vz_sync_engine_reorder_playlist_async (manager->engine, fleet.playlist_id,
                                         (const char * const[]) { items[1], items[0], NULL },
                                         NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_playlist_edit_finish (manager->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_until (server_order_is, &reordered, 20000);
  client_free (manager);

  /* An administrator's removal goes to the server. */
  admin = client_new (fleet.server, fleet.token, TRUE);
  vz_sync_engine_remove_playlist_item_async (admin->engine, fleet.playlist_id, items[1], NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_playlist_edit_finish (admin->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_until (server_order_is, &removed, 20000);
  client_free (admin);

  g_free (fleet.playlist_id);
  g_free (fleet.token);
  vz_test_server_free (fleet.server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  vz_test_require_bin ("VIZORA_SERVER_BIN");
  g_test_add_func ("/manager-deletes/refused-here", test_manager_deletes);
  return g_test_run ();
}
