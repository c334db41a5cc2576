/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-optimistic"

#include <string.h>
#include <glib/gstdio.h>

#include "vz-outbox-sender.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-undo-stack.h"
#include "optimistic-fixture.h"

/*
 * The optimistic layer against the real vizora-server on a loopback port:
 * changes show at once, are queued durably, reach the server once, roll back
 * with the server's words, meet a colleague's change as a conflict, undo.
 */

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */

static void
test_rename_commits (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autofree char *status = NULL;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  display = display_of (fixture->a, id);
  g_assert_nonnull (display);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));

  json_object_set_string_member (changes, "name", "Hall");
  vz_sync_engine_update_display_async (fixture->a->engine, id, changes, NULL, store_result, &result);
  /* At once, before any answer: the row shows the new name, pending. */
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Hall");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));

  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->a->queued, ==, 1);
  g_assert_cmpstr (fixture->a->last_label, ==, "Renamed “Lobby” to “Hall”");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Renamed “Lobby” to “Hall”");
  g_assert_true (vz_sync_engine_get_can_undo (fixture->a->engine));

  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Hall");
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Hall");
  /* The server's answer replaced the optimistic value: same version. */
  g_assert_cmpstr (vz_entity_get_updated_at (VZ_ENTITY (display)), ==,
                   json_object_get_string_member (copy, "updatedAt"));
  status = vz_sync_engine_dup_status_label (fixture->a->engine);
  g_assert_false (strstr (status, "pending"));
}

static void
test_refused_rolls_back (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GError) error = NULL;
  VzOutbox *outbox;
  g_autoptr(VzMutation) m = NULL;
  const char *before;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  display = display_of (fixture->a, id);
  before = vz_display_get_orientation (display);
  g_assert_cmpstr (before, !=, "upside-down");

  change (fixture->a, id, "orientation", "upside-down");
  g_assert_cmpstr (vz_display_get_orientation (display), ==, "upside-down");

  while (fixture->a->failed == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Rolled back, with the server's own words. */
  g_assert_cmpstr (vz_display_get_orientation (display), !=, "upside-down");
  g_assert_nonnull (fixture->a->failed_message);
  g_assert_true (strstr (fixture->a->failed_message, "orientation") != NULL);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  /* Nothing to undo: the change did not happen. */
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));

  /* It stays in the list as failed, for retry or discard. */
  outbox = vz_sync_engine_get_outbox (fixture->a->engine);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 1);
  m = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
  g_assert_cmpint (vz_mutation_get_state (m), ==, VZ_MUTATION_STATE_FAILED);
  g_assert_cmpstr (vz_mutation_get_last_error (m), ==, fixture->a->failed_message);
  g_assert_cmpuint (vz_sync_engine_get_failed_count (fixture->a->engine), ==, 1);

  /* A retry shows it again and meets the same refusal. */
  g_assert_true (vz_sync_engine_retry_change (fixture->a->engine, vz_mutation_get_id (m), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_orientation (display), ==, "upside-down");
  while (fixture->a->failed < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vz_display_get_orientation (display), !=, "upside-down");

  g_assert_true (vz_sync_engine_discard_change (fixture->a->engine, vz_mutation_get_id (m), &error));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
  g_assert_cmpuint (vz_sync_engine_get_failed_count (fixture->a->engine), ==, 0);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "orientation"), !=, "upside-down");
}

static void
test_bulk_delete_batch (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(GStrv) ids = g_new0 (char *, 4);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VzStore *displays;
  const char *doomed[3];
  guint position;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);

      ids[i] = vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL);
    }
  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  displays = vz_sync_engine_get_displays (fixture->a->engine);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 3);

  /* Offline first: the delete waits; discarding it puts the rows back. */
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  position = vz_store_get_position (displays, VZ_ENTITY (display_of (fixture->a, ids[0])));
  doomed[0] = ids[0];
  doomed[1] = ids[1];
  doomed[2] = NULL;
  vz_sync_engine_delete_displays_async (fixture->a->engine, doomed, NULL, store_result, &result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_displays_finish (fixture->a->engine, result, &error));
  g_clear_object (&result);
  g_assert_cmpstr (fixture->a->last_label, ==, "Deleted 2 screens");
  {
    g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (fixture->a->engine)), 0);
    g_autofree char *line = vz_sync_engine_describe_change (fixture->a->engine, m);

    g_assert_cmpstr (line, ==, "Delete 2 screens");
    g_assert_cmpuint (g_strv_length ((GStrv) vz_mutation_get_entity_ids (m)), ==, 2);
    g_assert_true (vz_sync_engine_discard_change (fixture->a->engine, vz_mutation_get_id (m), &error));
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 3);
  g_assert_cmpuint (vz_store_get_position (displays, VZ_ENTITY (display_of (fixture->a, ids[0]))), ==, position);

  /* A re-read while a delete is pending does not bring the screens back. */
  vz_sync_engine_delete_displays_async (fixture->a->engine, doomed, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_displays_finish (fixture->a->engine, result, &error));
  g_clear_object (&result);
  vz_sync_engine_refresh (fixture->a->engine);
  spin (500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);

  /* Online: the batch commits. */
  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_null (server_display (fixture, ids[0]));
  g_assert_null (server_display (fixture, ids[1]));
  {
    g_autoptr(JsonObject) kept = server_display (fixture, ids[2]);

    g_assert_nonnull (kept);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);

  /* A committed delete cannot be undone, and says so. */
  vz_sync_engine_undo_async (fixture->a->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_undo_finish (fixture->a->engine, result, &error));
  g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE);
  g_assert_true (strstr (error->message, "pair it again") != NULL);
}

static void
test_bulk_delete_chunks_one_batch (Fixture       *fixture,
                                   gconstpointer  data)
{
  guint n = 130;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzMutation) first = NULL;
  g_autoptr(VzMutation) second = NULL;
  VzOutbox *outbox;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bulk %03u", i);

      g_ptr_array_add (ids, vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL));
    }
  g_ptr_array_add (ids, NULL);
  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);

  vz_sync_engine_delete_displays_async (fixture->a->engine, (const char * const *) ids->pdata, NULL,
                                        store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_displays_finish (fixture->a->engine, result, &error));
  g_assert_cmpstr (fixture->a->last_label, ==, "Deleted 130 screens");

  /* Two requests (the server takes 100 ids at once), one batch. */
  outbox = vz_sync_engine_get_outbox (fixture->a->engine);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
  second = g_list_model_get_item (G_LIST_MODEL (outbox), 1);
  g_assert_nonnull (vz_mutation_get_batch_id (first));
  g_assert_cmpstr (vz_mutation_get_batch_id (first), ==, vz_mutation_get_batch_id (second));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (fixture->a->engine))), ==, 0);

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  {
    g_autoptr(JsonNode) body = NULL;

    g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", "/displays?page=1&limit=10",
                                              fixture->token, NULL, &body), ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                       json_object_get_object_member (json_node_get_object (body), "data"), "meta"), "total"), ==, 0);
  }
}

static void
test_offline_applied_once (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autofree char *status = NULL;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  display = display_of (fixture->a, id);

  vz_test_server_kill (fixture->server);
  change (fixture->a, id, "name", "Queued while down");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  status = vz_sync_engine_dup_status_label (fixture->a->engine);
  g_assert_true (strstr (status, "1 pending") != NULL);

  /* No hot loop while the server is gone: the change just waits. */
  spin (1500);
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);

  vz_test_server_restart (fixture->server);
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  spin (300);
  g_assert_cmpuint (fixture->a->committed, ==, 1);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Queued while down");
}

typedef struct {
  guint    committed;
  gboolean replayed;
  char    *updated_at;
} SenderLog;

static void
on_sender_committed (VzOutboxSender *sender,
                     VzMutation     *m,
                     JsonNode       *answer,
                     gboolean        replayed,
                     SenderLog      *log)
{
  log->committed++;
  log->replayed = replayed;
  g_free (log->updated_at);
  log->updated_at = g_strdup (json_object_get_string_member (json_node_get_object (answer), "updatedAt"));
}

static gboolean
sender_log_committed (gpointer data)
{
  return ((SenderLog *) data)->committed > 0;
}

/* The request landed but the process died before mark_done: the change is
 * sent again after the restart, and the server answers from its
 * Idempotency-Key record instead of applying it twice. */
static void
test_replay_after_crash (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autofree char *dir = g_dir_make_tmp ("vizora-replay-XXXXXX", NULL);
  g_autofree char *journal = g_build_filename (dir, "outbox.journal", NULL);
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);
  g_autofree char *quoted = NULL;
  g_autofree char *first_updated_at = NULL;
  g_autoptr(JsonObject) before = server_display (fixture, id);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SenderLog log = { 0 };

  json_object_set_string_member (patch, "name", "Once");
  json_object_set_string_member (previous, "name", "Lobby");
  body = json_node_init_object (json_node_alloc (), patch);
  m = vz_mutation_new ("display", id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                       json_object_get_string_member (before, "updatedAt"), patch, previous);

  /* 1. Queued durably, as the app does. */
  {
    g_autoptr(VzOutbox) outbox = vz_outbox_new (journal, VZ_OUTBOX_OPEN_NONE, NULL, &error);

    g_assert_no_error (error);
    vz_outbox_enqueue_async (outbox, m, NULL, store_result, &result);
    wait_until (result_ready, &result, 10000);
    g_assert_true (vz_outbox_enqueue_finish (outbox, result, &error));
    g_clear_object (&result);
  }

  /* 2. Sent with its key, applied, and then the "crash": no mark_done. */
  {
    g_autoptr(VzApiClient) api = vz_api_client_new (fixture->server->api_url);
    g_autoptr(JsonNode) answer = NULL;
    const char *headers[5] = { "Idempotency-Key", vz_mutation_get_id (m), "If-Match", NULL, NULL };
    gboolean replayed = TRUE;

    quoted = g_strdup_printf ("\"%s\"", vz_mutation_get_base_updated_at (m));
    headers[3] = quoted;
    vz_api_client_set_access_token (api, fixture->token);
    vz_api_client_request_full_async (api, "PATCH", path, body, headers, NULL, store_result, &result);
    wait_until (result_ready, &result, 10000);
    answer = vz_api_client_request_full_finish (api, result, NULL, &replayed, &error);
    g_assert_no_error (error);
    g_assert_false (replayed);
    first_updated_at = g_strdup (json_object_get_string_member (json_node_get_object (answer), "updatedAt"));
    g_clear_object (&result);
  }

  /* 3. The app starts again with that journal. */
  {
    Client *client = g_new0 (Client, 1);
    g_autoptr(GAsyncResult) resumed = NULL;

    client->session = vz_session_new (fixture->server->url);
    vz_session_resume_async (client->session, fixture->token, NULL, store_result, &resumed);
    wait_until (result_ready, &resumed, 10000);
    g_assert_true (vz_session_resume_finish (client->session, resumed, &error));
    client->engine = vz_sync_engine_new (client->session);
    client->dir = g_steal_pointer (&dir);
    vz_sync_engine_set_outbox_path (client->engine, journal);
    vz_sync_engine_start (client->engine);
    fixture->a = client;
    while (vz_sync_engine_get_sender (client->engine) == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_signal_connect (vz_sync_engine_get_sender (client->engine), "committed",
                      G_CALLBACK (on_sender_committed), &log);
    wait_until (sender_log_committed, &log, 20000);
    g_signal_handlers_disconnect_by_data (vz_sync_engine_get_sender (client->engine), &log);
    wait_until (client_loaded, client, 20000);
  }

  /* Answered from the record: same version, applied once. */
  g_assert_true (log.replayed);
  g_assert_cmpstr (log.updated_at, ==, first_updated_at);
  after = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (after, "nickname"), ==, "Once");
  g_assert_cmpstr (json_object_get_string_member (after, "updatedAt"), ==, first_updated_at);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
  g_free (log.updated_at);
}

static gboolean
conflict_seen (gpointer data)
{
  return ((Client *) data)->conflicts > 0;
}

static void
test_two_clients (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GError) error = NULL;
  Client *b;
  VzDisplay *mine;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  b = client_new (fixture->server, fixture->token, TRUE);
  mine = display_of (b, id);

  /* 1. Different fields: both kept. B is offline while A changes. */
  vz_test_monitor_set_available (b->monitor, FALSE);
  change (b, id, "location", "Hall B");
  change (fixture->a, id, "name", "Reception");
  wait_committed (fixture->a, 1);
  vz_test_monitor_set_available (b->monitor, TRUE);
  wait_committed (b, 1);
  wait_until (client_outbox_empty, b, 10000);
  g_assert_cmpuint (b->conflicts, ==, 0);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Reception");
  g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "Hall B");
  g_assert_cmpstr (vz_display_get_nickname (mine), ==, "Reception");
  g_assert_cmpstr (vz_display_get_location (mine), ==, "Hall B");
  g_clear_pointer (&copy, json_object_unref);

  /* 2. The same field: a conflict, resolved "keep mine". */
  vz_test_monitor_set_available (b->monitor, FALSE);
  change (b, id, "name", "Mine");
  change (fixture->a, id, "name", "Theirs");
  wait_committed (fixture->a, 2);
  vz_test_monitor_set_available (b->monitor, TRUE);
  wait_until (conflict_seen, b, 20000);
  g_assert_true (vz_entity_get_conflict (VZ_ENTITY (mine)));
  g_assert_cmpstr (vz_display_get_nickname (mine), ==, "Mine");
  /* A conflict is counted as one, not as a failure. */
  g_assert_cmpuint (vz_sync_engine_get_conflict_count (b->engine), ==, 1);
  g_assert_cmpuint (vz_sync_engine_get_failed_count (b->engine), ==, 0);
  {
    g_autofree char *status = vz_sync_engine_dup_status_label (b->engine);

    g_assert_nonnull (strstr (status, " · 1 conflict"));
    g_assert_null (strstr (status, "failed"));
    g_assert_null (strstr (status, "pending"));
  }
  {
    JsonObject *theirs = vz_sync_engine_get_conflict_theirs (b->engine, b->conflict_id);

    g_assert_nonnull (theirs);
    g_assert_cmpstr (json_object_get_string_member (theirs, "name"), ==, "Theirs");
  }
  /* Nothing was lost meanwhile: the server still has theirs. */
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Theirs");
  g_clear_pointer (&copy, json_object_unref);

  /* A re-read while the conflict waits keeps showing my value. */
  vz_sync_engine_refresh (b->engine);
  spin (500);
  g_assert_cmpstr (vz_display_get_nickname (mine), ==, "Mine");

  g_assert_true (vz_sync_engine_resolve_conflict (b->engine, b->conflict_id, VZ_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  wait_committed (b, 2);
  wait_until (client_outbox_empty, b, 10000);
  g_assert_false (vz_entity_get_conflict (VZ_ENTITY (mine)));
  g_assert_cmpuint (vz_sync_engine_get_conflict_count (b->engine), ==, 0);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Mine");
  g_clear_pointer (&copy, json_object_unref);

  /* 3. Again, resolved "keep theirs". A first reads what B kept (else A
   * would, rightly, meet B's value as a conflict of its own). */
  b->conflicts = 0;
  vz_sync_engine_refresh (fixture->a->engine);
  while (g_strcmp0 (vz_display_get_nickname (display_of (fixture->a, id)), "Mine") != 0)
    g_main_context_iteration (NULL, TRUE);
  vz_test_monitor_set_available (b->monitor, FALSE);
  change (b, id, "name", "Mine again");
  change (fixture->a, id, "name", "Theirs again");
  wait_committed (fixture->a, 3);
  vz_test_monitor_set_available (b->monitor, TRUE);
  wait_until (conflict_seen, b, 20000);
  g_assert_true (vz_sync_engine_resolve_conflict (b->engine, b->conflict_id, VZ_CONFLICT_KEEP_THEIRS, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_nickname (mine), ==, "Theirs again");
  g_assert_false (vz_entity_get_conflict (VZ_ENTITY (mine)));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (b->engine), ==, 0);
  spin (300);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Theirs again");

  client_free (b);
}

static void
test_undo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  display = display_of (fixture->a, id);

  /* Undo of a pending change: cancelled and rolled back, never sent. */
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  change (fixture->a, id, "name", "Never");
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Never");
  vz_sync_engine_undo_async (fixture->a->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));
  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  spin (500);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Lobby");
  g_clear_pointer (&copy, json_object_unref);

  /* Undo of a committed change: the inverse reaches the server. */
  change (fixture->a, id, "name", "Hall");
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  vz_sync_engine_undo_async (fixture->a->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Lobby");
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));
}

/* A re-read (or an event) while a rename is pending shows the server's
 * state with the pending rename on top. */
static void
test_reread_keeps_pending (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  display = display_of (fixture->a, id);

  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  change (fixture->a, id, "name", "Pending name");
  /* A colleague changes another field meanwhile. */
  server_patch (fixture, id, "{\"location\":\"Roof\"}");
  vz_sync_engine_refresh (fixture->a->engine);
  while (g_strcmp0 (vz_display_get_location (display), "Roof") != 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Pending name");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Pending name");
  g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "Roof");
}

/* Two quick renames of one screen (the second made on top of the first,
 * same base): strictly in order, the second follows the first's commit
 * instead of meeting it as a conflict; undo takes back only the last. */
static void
test_chained_changes (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, TRUE);
  display = display_of (fixture->a, id);
  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  change (fixture->a, id, "name", "First");
  change (fixture->a, id, "location", "Ground floor");
  change (fixture->a, id, "name", "Second");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 3);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Renamed “First” to “Second”");

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 3);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_cmpuint (fixture->a->conflicts, ==, 0);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Second");
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Second");
  g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "Ground floor");
  g_clear_pointer (&copy, json_object_unref);

  undo_now (fixture->a);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "First");
  wait_committed (fixture->a, 4);
  wait_until (client_outbox_empty, fixture->a, 10000);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "First");
  g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "Ground floor");
}

/* The app goes away with a change queued (its engine is gone; the journal
 * stays) and comes back: the change shows again as pending, then lands. */
static void
test_restart_keeps_queue (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) copy = NULL;
  Client *client;
  gpointer weak;
  VzDisplay *display;

  fixture->a = client = client_new (fixture->server, fixture->token, TRUE);
  path = g_strdup (vz_sync_engine_get_outbox_path (client->engine));
  vz_test_monitor_set_available (client->monitor, FALSE);
  change (client, id, "name", "Queued before quitting");
  g_assert_cmpuint (client->committed, ==, 0);

  /* Quit: the engine and its outbox go away. */
  vz_sync_engine_stop (client->engine);
  g_signal_handlers_disconnect_by_data (client->engine, client);
  weak = client->engine;
  g_object_add_weak_pointer (weak, &weak);
  g_clear_object (&client->engine);
  while (weak != NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Start again on the same journal, online. */
  vz_test_monitor_set_available (client->monitor, TRUE);
  client->engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", client->session,
                                 "network-monitor", client->monitor, "outbox-path", path, NULL);
  g_signal_connect (client->engine, "change-committed", G_CALLBACK (on_committed), client);
  vz_sync_engine_start (client->engine);
  wait_until (client_loaded, client, 20000);
  display = display_of (client, id);
  g_assert_nonnull (display);
  wait_committed (client, 1);
  wait_until (client_outbox_empty, client, 10000);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Queued before quitting");
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Queued before quitting");
}

/* The journal cannot be opened (another process holds this account's
 * queue): reads work, a change is refused with a sentence and nothing of it
 * shows; once the journal is free the next change is queued as usual. */
static void
test_outbox_busy (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autofree char *dir = g_dir_make_tmp ("vizora-busy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "outbox.journal", NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) holder = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_autoptr(JsonObject) copy = NULL;
  Client *client = g_new0 (Client, 1);
  VzDisplay *display;

  g_assert_no_error (error);
  client->session = vz_session_new (fixture->server->url);
  vz_session_resume_async (client->session, fixture->token, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_session_resume_finish (client->session, result, &error));
  g_clear_object (&result);
  client->dir = g_steal_pointer (&dir);
  client->engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", client->session, "outbox-path", path, NULL);
  g_signal_connect (client->engine, "change-committed", G_CALLBACK (on_committed), client);
  fixture->a = client;

  vz_sync_engine_start (client->engine);
  while (!vz_sync_engine_get_loaded (client->engine))
    g_main_context_iteration (NULL, TRUE);
  display = display_of (client, id);

  json_object_set_string_member (changes, "name", "Not saved");
  vz_sync_engine_update_display_async (client->engine, id, changes, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_update_display_finish (client->engine, result, &error));
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, "Changes cannot be saved on this computer"));
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));
  g_assert_null (vz_sync_engine_get_outbox (client->engine));
  g_clear_error (&error);
  g_clear_object (&result);

  /* The other holder lets go: the next change opens it and goes. */
  g_clear_object (&holder);
  json_object_set_string_member (changes, "name", "Saved");
  vz_sync_engine_update_display_async (client->engine, id, changes, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (client->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Saved");
  wait_committed (client, 1);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Saved");
}

static void
test_read_before_write (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  Client *b;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  b = client_new (fixture->server, fixture->token, TRUE);
  vz_outbox_sender_set_if_match_supported (vz_sync_engine_get_sender (b->engine), FALSE);

  vz_test_monitor_set_available (b->monitor, FALSE);
  change (b, id, "name", "Mine");
  change (fixture->a, id, "name", "Theirs");
  wait_committed (fixture->a, 1);
  vz_test_monitor_set_available (b->monitor, TRUE);
  wait_until (conflict_seen, b, 20000);
  g_assert_cmpstr (vz_display_get_nickname (display_of (b, id)), ==, "Mine");
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "Theirs");
  client_free (b);
}

/* ------------------------------------------------------------------------ */
/* Undo history on its own                                                  */

static void
test_undo_stack (void)
{
  g_autoptr(VzUndoStack) stack = vz_undo_stack_new (50);
  g_autoptr(GPtrArray) popped = NULL;
  g_autofree char *label = NULL;
  char *first_id = NULL;

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *text = g_strdup_printf ("Change %u", i);
      VzMutation *m = vz_mutation_new ("display", "d1", VZ_MUTATION_OP_UPDATE, "PATCH", "/displays/d1",
                                       NULL, NULL, NULL, NULL);

      if (i == 59)
        first_id = g_strdup (vz_mutation_get_id (m));
      g_ptr_array_add (one, m);
      vz_undo_stack_push (stack, one, text);
    }
  /* The oldest beyond the limit are forgotten. */
  g_assert_cmpuint (vz_undo_stack_get_n_entries (stack), ==, 50);
  g_assert_cmpstr (vz_undo_stack_get_undo_label (stack), ==, "Change 59");

  /* A rolled-back change leaves the history. */
  g_assert_true (vz_undo_stack_forget_mutation (stack, first_id));
  g_assert_cmpuint (vz_undo_stack_get_n_entries (stack), ==, 49);
  g_assert_cmpstr (vz_undo_stack_get_undo_label (stack), ==, "Change 58");

  popped = vz_undo_stack_pop (stack, &label);
  g_assert_cmpuint (popped->len, ==, 1);
  g_assert_cmpstr (label, ==, "Change 58");
  vz_undo_stack_clear (stack);
  g_assert_false (vz_undo_stack_get_can_undo (stack));
  g_assert_null (vz_undo_stack_pop (stack, NULL));
  g_free (first_id);
}

/* The retry and breaker settings follow GSettings (memory backend here). */
static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");
  g_autoptr(VzSyncEngine) engine = vz_sync_engine_new (session);

  vz_sync_engine_bind_settings (engine, settings);
  g_assert_cmpuint (vz_retry_policy_get_max_attempts (vz_sync_engine_get_retry_policy (engine)), ==, 3);
  g_settings_set_uint (settings, "retry-attempts", 7);
  g_settings_set_double (settings, "retry-max-delay", 12.5);
  g_settings_set_double (settings, "breaker-cooldown", 15.0);
  g_settings_set_uint (settings, "breaker-failure-threshold", 9);
  g_assert_cmpuint (vz_retry_policy_get_max_attempts (vz_sync_engine_get_retry_policy (engine)), ==, 7);
  g_assert_cmpfloat (vz_retry_policy_get_max_delay (vz_sync_engine_get_retry_policy (engine)), ==, 12.5);
  g_assert_cmpfloat (vz_circuit_breaker_get_cooldown (vz_sync_engine_get_circuit_breaker (engine)), ==, 15.0);
  g_assert_cmpuint (vz_circuit_breaker_get_failure_threshold (vz_sync_engine_get_circuit_breaker (engine)), ==, 9);
  /* Deletes wait out the toast's 10 s unless the setting says otherwise. */
  g_assert_cmpuint (vz_sync_engine_get_undo_window (engine), ==, 10);
  g_settings_set_uint (settings, "undo-window", 0);
  g_assert_cmpuint (vz_sync_engine_get_undo_window (engine), ==, 0);
  /* A server on this computer speaks If-Match; the default says so. */
  g_assert_true (vz_sync_engine_get_if_match_supported (engine));
  /* Elsewhere (the platform) it reads before it writes. */
  {
    g_autoptr(VzSession) remote = vz_session_new ("https://vizora.example.com");
    g_autoptr(VzSyncEngine) remote_engine = vz_sync_engine_new (remote);

    g_assert_false (vz_sync_engine_get_if_match_supported (remote_engine));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/optimistic/undo-stack", test_undo_stack);
  g_test_add_func ("/optimistic/settings", test_settings);
#define ADD(path, func) \
  g_test_add ("/optimistic/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("rename-commits", test_rename_commits);
  ADD ("refused-rolls-back", test_refused_rolls_back);
  ADD ("bulk-delete-batch", test_bulk_delete_batch);
  ADD ("bulk-delete-chunks-one-batch", test_bulk_delete_chunks_one_batch);
  ADD ("offline-applied-once", test_offline_applied_once);
  ADD ("replay-after-crash", test_replay_after_crash);
  ADD ("two-clients", test_two_clients);
  ADD ("undo", test_undo);
  ADD ("reread-keeps-pending", test_reread_keeps_pending);
  ADD ("restart-keeps-queue", test_restart_keeps_queue);
  ADD ("chained-changes", test_chained_changes);
  ADD ("outbox-busy", test_outbox_busy);
  ADD ("read-before-write", test_read_before_write);
#undef ADD

  return g_test_run ();
}
