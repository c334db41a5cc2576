/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-optimistic"

#include <glib/gstdio.h>

#include "vz-optimistic-client.h"
#include "vz-playlist-item.h"

/* ------------------------------------------------------------------------ */
/* Waiting                                                                  */

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
wait_until (CheckFunc check,
            gpointer  data,
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint waker = g_timeout_add (20, wake_up, NULL);

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms", timeout_ms);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

static gboolean
expired_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, expired_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* ------------------------------------------------------------------------ */
/* One person at one app                                                    */

static void
on_queued (VzSyncEngine *engine,
           VzMutation   *m,
           const char   *label,
           Client       *client)
{
  client->queued++;
  g_free (client->last_label);
  client->last_label = g_strdup (label);
}

void
on_committed (VzSyncEngine *engine,
              VzMutation   *m,
              Client       *client)
{
  client->committed++;
}

static void
on_failed (VzSyncEngine *engine,
           VzMutation   *m,
           GError       *error,
           Client       *client)
{
  client->failed++;
  g_free (client->failed_message);
  client->failed_message = g_strdup (error->message);
}

static void
on_conflict (VzSyncEngine *engine,
             VzMutation   *m,
             const char   *sentence,
             Client       *client)
{
  client->conflicts++;
  g_free (client->conflict_id);
  client->conflict_id = g_strdup (vz_mutation_get_id (m));
  g_assert_nonnull (sentence);
}

gboolean
client_loaded (gpointer data)
{
  Client *client = data;

  return vz_sync_engine_get_loaded (client->engine) && vz_sync_engine_get_outbox (client->engine) != NULL;
}

gboolean
client_outbox_empty (gpointer data)
{
  Client *client = data;

  return vz_sync_engine_get_pending_count (client->engine) == 0;
}

/* A new engine for @client, on the journal in client->dir, started. */
static void
client_start_engine (Client *client)
{
  g_autofree char *path = g_build_filename (client->dir, "outbox.journal", NULL);

  if (client->monitor != NULL)
    client->engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", client->session,
                                   "network-monitor", client->monitor, NULL);
  else
    client->engine = vz_sync_engine_new (client->session);

  vz_sync_engine_set_outbox_path (client->engine, path);
  g_signal_connect (client->engine, "change-queued", G_CALLBACK (on_queued), client);
  g_signal_connect (client->engine, "change-committed", G_CALLBACK (on_committed), client);
  g_signal_connect (client->engine, "change-failed", G_CALLBACK (on_failed), client);
  g_signal_connect (client->engine, "change-conflict", G_CALLBACK (on_conflict), client);

  vz_sync_engine_start (client->engine);
  wait_until (client_loaded, client, 20000);
}

Client *
client_open (VzTestServer *server,
             const char   *token,
             gboolean      own_monitor,
             const char   *dir)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->session = vz_session_new (server->url);
  vz_session_resume_async (client->session, token, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_session_resume_finish (client->session, result, &error));
  g_assert_no_error (error);

  if (own_monitor)
    client->monitor = vz_test_monitor_new (TRUE);
  if (dir != NULL)
    client->dir = g_strdup (dir);
  else
    client->dir = g_dir_make_tmp ("vizora-optimistic-XXXXXX", &error);
  g_assert_no_error (error);
  client_start_engine (client);
  return client;
}

Client *
client_new (VzTestServer *server,
            const char   *token,
            gboolean      own_monitor)
{
  return client_open (server, token, own_monitor, NULL);
}

/* Stops the engine and waits until it is gone (its outbox released). */
static void
client_drop_engine (Client *client)
{
  gpointer weak = client->engine;
  gint64 deadline;

  vz_sync_engine_stop (client->engine);
  g_signal_handlers_disconnect_by_data (client->engine, client);
  g_object_add_weak_pointer (weak, &weak);
  g_object_unref (g_steal_pointer (&client->engine));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_null (weak);
}

void
client_restart (Client *client)
{
  client_drop_engine (client);
  client_start_engine (client);
}

void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

void
client_free (Client *client)
{
  client_drop_engine (client);
  g_clear_object (&client->session);
  g_clear_object (&client->monitor);
  remove_tree (client->dir);
  g_free (client->dir);
  g_free (client->failed_message);
  g_free (client->conflict_id);
  g_free (client->last_label);
  g_free (client);
}

typedef struct {
  Client *client;
  guint   count;
} Count;

static gboolean
committed_reached (gpointer data)
{
  Count *want = data;

  return want->client->committed >= want->count;
}

void
wait_committed (Client *client,
                guint   count)
{
  Count want = { client, count };

  wait_until (committed_reached, &want, 20000);
}


void
undo_now (Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_undo_async (client->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

void
client_update (Client     *client,
               const char *kind,
               const char *id,
               const char *json)
{
  g_autoptr(JsonNode) changes = json_from_string (json, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_update_async (client->engine, kind, id, json_node_get_object (changes), NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

JsonObject *
rest_data (VzTestServer *server,
           const char   *token,
           const char   *method,
           const char   *path,
           const char   *json,
           guint         expected)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *obj = vz_test_server_data (server, method, path, token, json, expected, &keep);

  return obj != NULL ? json_object_ref (obj) : NULL;
}

char *
playlist_order_shown (VzPlaylist *playlist)
{
  GListModel *items = vz_playlist_get_items (playlist);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", vz_playlist_item_get_content_name (item));
    }
  return g_string_free (out, FALSE);
}

char *
playlist_order_on_server (VzTestServer *server,
                          const char   *token,
                          const char   *playlist_id)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", playlist_id);
  g_autoptr(JsonObject) playlist = rest_data (server, token, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (playlist, "items");
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *content = json_object_get_object_member (item, "content");

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", json_object_get_string_member (content, "name"));
    }
  return g_string_free (out, FALSE);
}
