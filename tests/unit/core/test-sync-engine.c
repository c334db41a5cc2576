/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-engine"

#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-core-test-util.h"

typedef struct {
  VzTestServer *server;
  char         *token;
  VzSession    *session;
  VzSyncEngine *engine;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->session = vz_session_new (fixture->server->url);
  vz_session_resume_async (fixture->session, fixture->token, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_resume_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  fixture->engine = vz_sync_engine_new (fixture->session);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gpointer weak = fixture->engine;
  gint64 deadline;

  vz_sync_engine_stop (fixture->engine);
  /* Reads cancelled by stop() still report back (and hold the engine) until
   * the main loop runs them; after that nothing may keep it alive. */
  g_object_add_weak_pointer (weak, &weak);
  g_object_unref (g_steal_pointer (&fixture->engine));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_null (weak);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->token, g_free);
  vz_test_server_free (fixture->server);
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates until check() holds; fails the test after @timeout_ms. */
static void
wait_until (Fixture  *fixture,
            gboolean (*check) (Fixture *),
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint waker = g_timeout_add (20, wake_up, NULL);

  while (!check (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms", timeout_ms);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

static gboolean
engine_loaded (Fixture *fixture)
{
  return vz_sync_engine_get_loaded (fixture->engine);
}

static gboolean
engine_online (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_ONLINE;
}

static void
wait_loaded (Fixture *fixture)
{
  wait_until (fixture, engine_loaded, 20000);
}

static gboolean
nothing_pending (Fixture *fixture)
{
  return vz_sync_engine_get_pending_count (fixture->engine) == 0;
}

static gboolean
one_failed (Fixture *fixture)
{
  return vz_sync_engine_get_failed_count (fixture->engine) == 1;
}

/* Changes finish once durably queued; the server has them once nothing is pending. */
static void
wait_committed (Fixture *fixture)
{
  wait_until (fixture, nothing_pending, 20000);
}

/* Member counts are the server's to compute: the engine reads them again after a
 * membership change commits. */
static void
wait_group_count (VzDisplayGroup *group,
                  guint           expected)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint waker = g_timeout_add (20, wake_up, NULL);

  while (vz_display_group_get_display_count (group) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The group still counts %u screens, not %u",
                 vz_display_group_get_display_count (group), expected);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

static void
store_failure (VzSyncEngine *engine,
               VzMutation   *mutation,
               GError       *error,
               gpointer      user_data)
{
  GError **out = user_data;

  g_clear_error (out);
  *out = g_error_copy (error);
}

static char **
pair_screens (Fixture *fixture,
              guint    n,
              const char *prefix)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %03u", prefix, i);

      g_ptr_array_add (ids, vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL));
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* ------------------------------------------------------------------------ */

static void
test_initial_read (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 150, "Initial");
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);

  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);
  vz_sync_engine_start (fixture->engine);
  g_assert_true (vz_sync_engine_get_loading (fixture->engine));
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_CONNECTING);

  wait_loaded (fixture);
  g_assert_false (vz_sync_engine_get_loading (fixture->engine));
  g_assert_null (vz_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 150);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      VzDisplay *display = vz_store_lookup (displays, ids[i]);
      g_autofree char *name = g_strdup_printf ("Initial %03u", i);

      g_assert_nonnull (display);
      g_assert_cmpstr (vz_display_get_nickname (display), ==, name);
    }

  /* And the realtime link comes up: the header can say "Online". */
  wait_until (fixture, engine_online, 10000);
}

typedef struct {
  Fixture *fixture;
  guint    events;
  gboolean loaded_when_seen;
} EventLog;

static void
on_realtime_event (VzSyncEngine *engine,
                   const char   *name,
                   JsonNode     *payload,
                   EventLog     *log)
{
  if (strcmp (name, "device:status") != 0)
    return;
  log->events++;
  /* Held events are handed on only after the stores were filled. */
  log->loaded_when_seen = vz_sync_engine_get_loaded (engine);
}

static JsonNode *
status_event (const char *id,
              const char *status,
              const char *last_seen)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  json_object_set_string_member (obj, "deviceId", id);
  json_object_set_string_member (obj, "status", status);
  json_object_set_string_member (obj, "lastSeen", last_seen);
  json_object_set_string_member (obj, "timestamp", last_seen);
  return json_node_init_object (json_node_alloc (), obj);
}

static void
test_event_during_read (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 3, "Held");
  VzRealtimeClient *realtime;
  VzStore *displays;
  g_autoptr(JsonNode) first = status_event (ids[1], "error", "2026-11-25T10:00:00.000Z");
  g_autoptr(JsonNode) second = status_event (ids[1], "idle", "2026-11-25T10:00:05.000Z");
  g_autoptr(JsonNode) unknown = status_event ("not-a-known-screen", "online", "2026-11-25T10:00:05.000Z");
  g_autoptr(JsonNode) garbage = json_from_string ("{\"deviceId\":5,\"status\":[]}", NULL);
  EventLog log = { fixture, 0, FALSE };
  VzDisplay *display;

  /* No live link for this one: the server's own status batch on connect
   * would (rightly) override the injected events and race with them. */
  g_clear_object (&fixture->engine);
  vz_session_set_realtime_url (fixture->session, "http://127.0.0.1:1");
  fixture->engine = vz_sync_engine_new (fixture->session);
  realtime = vz_sync_engine_get_realtime_client (fixture->engine);
  displays = vz_sync_engine_get_displays (fixture->engine);

  g_signal_connect (fixture->engine, "realtime-event", G_CALLBACK (on_realtime_event), &log);
  vz_sync_engine_start (fixture->engine);
  g_assert_true (vz_sync_engine_get_loading (fixture->engine));

  /* The client's "event" signal fires while the list read is in flight
   * (nothing has been answered yet: the main loop has not run). The server
   * lists the screen as offline; the later events must win, in order. */
  g_signal_emit_by_name (realtime, "event", "device:status", first, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status", garbage, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status-update", second, (gint64) -1);
  g_assert_cmpuint (log.events, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 0);

  wait_loaded (fixture);
  display = vz_store_lookup (displays, ids[1]);
  g_assert_nonnull (display);
  g_assert_cmpint (vz_display_get_status (display), ==, VZ_DISPLAY_STATUS_IDLE);
  g_assert_cmpint (g_date_time_get_second (vz_display_get_last_heartbeat (display)), ==, 5);
  g_assert_cmpuint (log.events, >=, 2);
  g_assert_true (log.loaded_when_seen);
  /* The other screens keep what the server said. */
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[0])), !=, VZ_DISPLAY_STATUS_IDLE);
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[0])), !=, VZ_DISPLAY_STATUS_ERROR);

  /* Once loaded, an event applies at once. */
  {
    g_autoptr(JsonNode) now = status_event (ids[2], "error", "2026-11-25T11:00:00.000Z");

    g_signal_emit_by_name (realtime, "event", "device:status", now, (gint64) -1);
    g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[2])), ==, VZ_DISPLAY_STATUS_ERROR);
  }
  /* A malformed batch is skipped without harm. */
  g_signal_emit_by_name (realtime, "event", "device:status:batch", garbage, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status", unknown, (gint64) -1);
}

typedef struct {
  guint status;
  guint any;
} NotifyCount;

static void
on_display_notify (GObject     *object,
                   GParamSpec  *pspec,
                   NotifyCount *count)
{
  count->any++;
  if (strcmp (pspec->name, "status") == 0)
    count->status++;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static VzDisplay *watched;

static gboolean
watched_online (Fixture *fixture)
{
  return vz_display_get_status (watched) == VZ_DISPLAY_STATUS_ONLINE;
}

static gboolean
watched_offline (Fixture *fixture)
{
  return vz_display_get_status (watched) == VZ_DISPLAY_STATUS_OFFLINE;
}

static void
test_status_in_place (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *device_token = NULL;
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Live", &device_token);
  g_autoptr(VzRealtimeClient) screen = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  NotifyCount count = { 0, 0 };
  guint structure_changes = 0;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);

  watched = vz_store_lookup (displays, id);
  g_assert_nonnull (watched);
  g_assert_cmpint (vz_display_get_status (watched), !=, VZ_DISPLAY_STATUS_ONLINE);
  g_object_ref (watched);
  g_signal_connect (watched, "notify", G_CALLBACK (on_display_notify), &count);
  g_signal_connect (displays, "items-changed", G_CALLBACK (on_items_changed), &structure_changes);

  /* The screen itself comes online through the real server. */
  screen = vz_realtime_client_new (fixture->server->url);
  vz_realtime_client_set_token (screen, device_token);
  vz_realtime_client_start (screen);
  wait_until (fixture, watched_online, 10000);

  /* The same object changed in place: the list did not move. */
  g_assert_true (vz_store_lookup (displays, id) == (gpointer) watched);
  g_assert_cmpuint (count.status, ==, 1);
  g_assert_cmpuint (structure_changes, ==, 0);
  g_assert_nonnull (vz_display_get_last_heartbeat (watched));

  /* And offline again when it goes away. */
  vz_realtime_client_stop (screen);
  wait_until (fixture, watched_offline, 10000);
  g_assert_cmpuint (count.status, ==, 2);
  g_assert_cmpuint (structure_changes, ==, 0);

  g_signal_handlers_disconnect_by_data (watched, &count);
  g_signal_handlers_disconnect_by_data (displays, &structure_changes);
  g_clear_object (&watched);
}

static const char *late_id;

static gboolean
late_screen_known (Fixture *fixture)
{
  return vz_store_lookup (vz_sync_engine_get_displays (fixture->engine), late_id) != NULL;
}

static void
test_unknown_screen_rereads (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *device_token = NULL;
  g_autofree char *id = NULL;
  g_autoptr(VzRealtimeClient) screen = NULL;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (fixture->engine))), ==, 0);

  /* Paired behind the engine's back; its first status makes the engine look. */
  id = vz_test_server_pair_screen (fixture->server, fixture->token, "Late", &device_token);
  late_id = id;
  screen = vz_realtime_client_new (fixture->server->url);
  vz_realtime_client_set_token (screen, device_token);
  vz_realtime_client_start (screen);
  wait_until (fixture, late_screen_known, 10000);
  vz_realtime_client_stop (screen);
}

/* ------------------------------------------------------------------------ */
/* Changes                                                                  */

static void
test_update_display (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Before", NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);
  VzDisplay *display;
  JsonObject *server_copy;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  display = vz_store_lookup (vz_sync_engine_get_displays (fixture->engine), id);

  json_object_set_string_member (changes, "name", "After");
  json_object_set_string_member (changes, "location", "Hall B");
  json_object_set_string_member (changes, "orientation", "portrait");
  vz_sync_engine_update_display_async (fixture->engine, id, changes, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Shown at once, as pending; then committed. */
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "After");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));
  wait_committed (fixture);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));

  /* The store holds the server's answer, and so does the server. */
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "After");
  g_assert_cmpstr (vz_display_get_location (display), ==, "Hall B");
  g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  server_copy = json_object_get_object_member (json_node_get_object (body), "data");
  g_assert_cmpstr (json_object_get_string_member (server_copy, "nickname"), ==, "After");
  g_assert_cmpstr (json_object_get_string_member (server_copy, "location"), ==, "Hall B");

  /* Nothing changed: nothing is sent (updatedAt on the server stays). */
  {
    const char *before = json_object_get_string_member (server_copy, "updatedAt");
    g_autoptr(JsonNode) again = NULL;

    vz_sync_engine_update_display_async (fixture->engine, id, changes, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_clear_object (&result);
    wait_committed (fixture);
    vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &again);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (again), "data"),
                                                    "updatedAt"), ==, before);
  }

  /* Bad input: the server's words come back. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();

    g_autoptr(GError) refused = NULL;
    VzOutbox *outbox;
    gulong handler = g_signal_connect (fixture->engine, "change-failed", G_CALLBACK (store_failure), &refused);

    /* Queued and shown at once; the server refuses it; it rolls back with the server's words. */
    json_object_set_string_member (bad, "orientation", "upside-down");
    vz_sync_engine_update_display_async (fixture->engine, id, bad, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    wait_until (fixture, one_failed, 20000);
    g_signal_handler_disconnect (fixture->engine, handler);
    g_assert_error (refused, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
    g_assert_cmpuint (strlen (refused->message), >, 0);
    g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");

    /* The failed change waits in the list until discarded. */
    outbox = vz_sync_engine_get_outbox (fixture->engine);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 1);
    {
      g_autoptr(VzMutation) failed = g_list_model_get_item (G_LIST_MODEL (outbox), 0);

      g_assert_true (vz_sync_engine_discard_change (fixture->engine, vz_mutation_get_id (failed), &error));
      g_assert_no_error (error);
    }
    wait_committed (fixture);
    g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");
  }

  /* A key that is not a screen field is refused before anything is sent. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();

    json_object_set_string_member (bad, "status", "online");
    vz_sync_engine_update_display_async (fixture->engine, id, bad, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_false (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  }
}

static void
test_groups (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 3, "Grouped");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) lobby = NULL;
  g_autoptr(VzDisplayGroup) hall = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  const char *both[] = { ids[0], ids[1], NULL };

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  vz_sync_engine_create_group_async (fixture->engine, "  Lobby  ", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  lobby = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_group_get_name (lobby), ==, "Lobby");
  g_assert_true (vz_store_lookup (vz_sync_engine_get_groups (fixture->engine),
                                  vz_entity_get_id (VZ_ENTITY (lobby))) == (gpointer) lobby);
  g_clear_object (&result);

  vz_sync_engine_create_group_async (fixture->engine, "Hall", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  hall = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  vz_sync_engine_add_displays_to_group_async (fixture->engine, both, vz_entity_get_id (VZ_ENTITY (lobby)),
                                              NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_add_displays_to_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Shown at once; the group's own count follows the server's answer. */
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Lobby");
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[2])));
  wait_group_count (lobby, 2);

  /* Move one screen to another group. */
  vz_sync_engine_set_display_group_async (fixture->engine, ids[1], vz_entity_get_id (VZ_ENTITY (hall)),
                                          NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_set_display_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Hall");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Hall");
  wait_group_count (lobby, 1);
  wait_group_count (hall, 1);

  /* And out of any group. */
  vz_sync_engine_set_display_group_async (fixture->engine, ids[1], NULL, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_set_display_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  wait_committed (fixture);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  wait_group_count (hall, 0);

  /* A re-read keeps membership (it comes from the group list). */
  vz_sync_engine_refresh (fixture->engine);
  vz_test_spin (300);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
}

/* Screen groups are a kind of record like screens: renamed and deleted
 * through the same optimistic, undoable path, with no code of their own in
 * the engine; screens follow their group's name and its removal. */
static void
test_group_kind (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 2, "Kind");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;
  g_autoptr(JsonObject) rename = json_object_new ();
  g_autoptr(JsonObject) location = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  VzStore *groups = vz_sync_engine_get_store (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP);
  const char *group_ids[2] = { NULL, NULL };
  const char *gid;

  g_assert_true (groups == vz_sync_engine_get_groups (fixture->engine));
  g_assert_null (vz_sync_engine_get_store (fixture->engine, "no-such-kind"));
  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  vz_sync_engine_create_group_async (fixture->engine, "Lobby", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  group = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  gid = vz_entity_get_id (VZ_ENTITY (group));
  path = g_strdup_printf ("/display-groups/%s", gid);
  vz_sync_engine_add_displays_to_group_async (fixture->engine, (const char * const *) ids, gid,
                                              NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_add_displays_to_group_finish (fixture->engine, result, &error));
  g_clear_object (&result);
  wait_committed (fixture);
  wait_group_count (group, 2);

  /* A field a group does not have is refused in words. */
  json_object_set_string_member (location, "location", "Level 2");
  vz_sync_engine_update_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, gid, location,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_update_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "“location” cannot be changed on a group.");
  g_clear_error (&error);
  g_clear_object (&result);

  /* Renamed: at once on the group and on its screens, then on the server. */
  json_object_set_string_member (rename, "name", "Front Hall");
  vz_sync_engine_update_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, gid, rename,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_update_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_group_get_name (group), ==, "Front Hall");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->engine), ==, "Renamed “Lobby” to “Front Hall”");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Front Hall");
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "name"), ==, "Front Hall");
  g_clear_pointer (&body, json_node_unref);

  /* Undone: the server has the old name again. */
  vz_sync_engine_undo_async (fixture->engine, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_group_get_name (group), ==, "Lobby");
  wait_committed (fixture);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "name"), ==, "Lobby");
  g_clear_pointer (&body, json_node_unref);

  /* Deleted: gone from the store at once, its screens show no group, the
   * server no longer has it; Undo makes it again with its screens. */
  group_ids[0] = gid;
  vz_sync_engine_delete_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, group_ids,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (vz_store_lookup (groups, gid));
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[0])));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->engine), ==, "Deleted “Lobby”");
  wait_committed (fixture);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, NULL), ==, 404);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  vz_sync_engine_undo_async (fixture->engine, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_committed (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (groups)), ==, 1);
  {
    g_autoptr(VzDisplayGroup) back = g_list_model_get_item (G_LIST_MODEL (groups), 0);
    g_autofree char *back_path = g_strdup_printf ("/display-groups/%s", vz_entity_get_id (VZ_ENTITY (back)));
    JsonObject *row;

    g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (back)), !=, gid);
    g_assert_cmpstr (vz_display_group_get_name (back), ==, "Lobby");
    wait_group_count (back, 2);
    g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
    g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Lobby");
    g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", back_path, fixture->token, NULL, &body), ==, 200);
    row = json_object_get_object_member (json_node_get_object (body), "data");
    g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Lobby");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "displays")), ==, 2);
    g_clear_pointer (&body, json_node_unref);
  }

  /* A kind the catalogue does not have is refused, not guessed. */
  vz_sync_engine_delete_async (fixture->engine, "no-such-kind", group_ids, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_delete_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
}

static void
test_bulk_delete_chunks (Fixture       *fixture,
                         gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 130, "Bulk");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  const char *keep = ids[129];

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 130);

  /* 129 ids: more than the server takes at once (100), so two calls. */
  ids[129] = NULL;
  vz_sync_engine_delete_displays_async (fixture->engine, (const char * const *) ids, NULL,
                                        vz_test_store_result, &result);
  vz_test_wait_result (&result, 20000);
  ids[129] = (char *) keep;
  g_assert_true (vz_sync_engine_delete_displays_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);
  g_assert_nonnull (vz_store_lookup (displays, keep));
  wait_committed (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);

  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", "/displays?page=1&limit=100",
                                            fixture->token, NULL, &body), ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     json_object_get_object_member (json_node_get_object (body), "data"), "meta"), "total"), ==, 1);
  g_clear_object (&result);

  /* An empty selection is a mistake said in words, not a request. */
  {
    const char *none[] = { NULL };

    vz_sync_engine_delete_displays_async (fixture->engine, none, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_false (vz_sync_engine_delete_displays_finish (fixture->engine, result, &error));
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  }
}

static void
test_pair_and_commands (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(VzDisplay) display = NULL;
  g_autofree char *code = NULL;
  guint status;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  status = vz_test_server_request (fixture->server, "POST", "/devices/pairing/request", NULL,
                                   "{\"deviceIdentifier\":\"engine-pair-1\"}", &request);
  g_assert_cmpuint (status, ==, 201);
  code = g_ascii_strdown (json_object_get_string_member (json_object_get_object_member (
                            json_node_get_object (request), "data"), "code"), -1);

  /* Typed in lower case by a person: still accepted. */
  vz_sync_engine_pair_display_async (fixture->engine, code, "Reception", "Front desk", NULL,
                                     vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  display = vz_sync_engine_pair_display_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Reception");
  g_assert_cmpstr (vz_display_get_location (display), ==, "Front desk");
  g_assert_true (vz_store_lookup (vz_sync_engine_get_displays (fixture->engine),
                                  vz_entity_get_id (VZ_ENTITY (display))) == (gpointer) display);
  g_clear_object (&result);

  /* The same code again: the server's reason, as a sentence. */
  vz_sync_engine_pair_display_async (fixture->engine, code, NULL, NULL, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_null (vz_sync_engine_pair_display_finish (fixture->engine, result, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == VZ_API_ERROR);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Commands: an unknown one never reaches the server. */
  vz_sync_engine_send_command_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)), "explode",
                                     NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_send_command_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_clear_object (&result);

  vz_sync_engine_send_command_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)), "reload",
                                     NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  /* Accepted or refused (the screen is offline), never a crash or a hang;
   * a refusal carries the server's sentence. */
  if (!vz_sync_engine_send_command_finish (fixture->engine, result, &error))
    {
      g_assert_true (error->domain == VZ_API_ERROR);
      g_assert_cmpuint (strlen (error->message), >, 0);
      g_clear_error (&error);
    }
  g_clear_object (&result);

  /* A screenshot of an offline screen: 409 per the contract. */
  vz_sync_engine_request_screenshot_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)),
                                           NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_request_screenshot_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT);
}

static void
test_stop_and_states (Fixture       *fixture,
                      gconstpointer  data)
{
  g_assert_cmpstr (vz_connection_state_to_label (VZ_CONNECTION_STATE_ONLINE), ==, "Online");
  g_assert_cmpstr (vz_connection_state_to_label (VZ_CONNECTION_STATE_UNAVAILABLE), ==, "Server unavailable");

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);
  vz_sync_engine_stop (fixture->engine);
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);

  /* Started again, it reads and connects again. */
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
}

static void
test_reread_after_reconnect (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  gint64 deadline;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);

  /* The server goes away; a screen is added behind the engine's back while
   * the link is down (the restarted server sends nothing about it). */
  vz_test_server_kill (fixture->server);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_ONLINE)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_RECONNECTING);
  vz_test_server_restart (fixture->server);
  id = vz_test_server_pair_screen (fixture->server, fixture->token, "Added while away", NULL);
  late_id = id;

  /* Reconnecting re-reads the lists: the screen shows up. */
  wait_until (fixture, late_screen_known, 40000);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpstr (vz_display_get_nickname (vz_store_lookup (displays, id)), ==, "Added while away");
}

static gboolean
engine_offline (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_OFFLINE;
}

static void
test_network_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  gint64 started, went_down, contact;

  g_clear_object (&fixture->engine);
  fixture->engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", fixture->session,
                                  "network-monitor", monitor, NULL);
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), ==, 0);
  started = g_get_real_time ();
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), >=, started);

  /* Down: "Offline" at once, before any timeout could notice; what the
   * stores show is as of the moment the engine stopped being online. */
  went_down = g_get_real_time ();
  vz_test_monitor_set_available (monitor, FALSE);
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);
  contact = vz_sync_engine_get_last_contact (fixture->engine);
  g_assert_cmpint (contact, >=, went_down);
  g_assert_cmpint (contact, <=, g_get_real_time ());
  vz_test_spin (200);
  g_assert_true (engine_offline (fixture));
  /* It stays the time of the last contact while nothing answers. */
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), ==, contact);

  /* Route changes while down change nothing. */
  vz_test_monitor_set_available (monitor, FALSE);
  g_assert_true (engine_offline (fixture));

  /* Back: online again without waiting out a backoff. */
  vz_test_monitor_set_available (monitor, TRUE);
  wait_until (fixture, engine_online, 5000);
}

static gboolean
engine_unavailable (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_UNAVAILABLE;
}

static gboolean
session_signed_out (Fixture *fixture)
{
  return !vz_session_get_signed_in (fixture->session);
}

static void
test_refused_token (Fixture       *fixture,
                    gconstpointer  data)
{
  /* A token the server never issued, and no refresh cookie: the engine says
   * the server is unavailable (sign in again) instead of retrying forever. */
  vz_api_client_set_access_token (vz_session_get_api_client (fixture->session), "never-issued");
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_unavailable, 10000);
  /* The REST side tried one refresh; its refusal signs the session out. */
  wait_until (fixture, session_signed_out, 10000);
  g_assert_true (engine_unavailable (fixture));
  g_assert_false (vz_sync_engine_get_loaded (fixture->engine));
  g_assert_nonnull (vz_sync_engine_get_last_error (fixture->engine));

  /* Signing in again on the same session brings the same engine back. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    vz_session_login_async (fixture->session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_session_login_finish (fixture->session, result, &error));
    g_assert_no_error (error);
  }
  wait_until (fixture, engine_online, 15000);
  g_assert_true (vz_sync_engine_get_loaded (fixture->engine));
  g_assert_null (vz_sync_engine_get_last_error (fixture->engine));
}

static gboolean
engine_not_online (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) != VZ_CONNECTION_STATE_ONLINE;
}

static void
count_token_change (VzApiClient *client,
                    guint       *count)
{
  (*count)++;
}

static void
test_expired_token_reconnect (void)
{
  const char *args[] = { "--access-token-ttl", "2", NULL };
  Fixture fixture_storage = { 0, };
  Fixture *fixture = &fixture_storage;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = NULL;
  guint token_changes = 0;

  /* Access tokens live two seconds here; the engine must keep the link up
   * across a server restart by refreshing through REST. */
  fixture->server = vz_test_server_start (args);
  fixture->session = vz_session_new (fixture->server->url);
  vz_session_login_async (fixture->session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  fixture->engine = vz_sync_engine_new (fixture->session);
  g_signal_connect (vz_session_get_api_client (fixture->session), "token-changed",
                    G_CALLBACK (count_token_change), &token_changes);

  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
  old_token = g_strdup (vz_session_get_access_token (fixture->session));

  vz_test_spin (2500);
  vz_test_server_restart (fixture->server);
  wait_until (fixture, engine_not_online, 10000);
  /* Back online by itself, on a fresh token. */
  wait_until (fixture, engine_online, 30000);
  g_assert_cmpuint (token_changes, >=, 1);
  g_assert_cmpstr (vz_session_get_access_token (fixture->session), !=, old_token);
  g_assert_true (vz_session_get_signed_in (fixture->session));

  fixture->token = NULL;
  fixture_teardown (fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/sync-engine/initial-read", test_initial_read);
  ADD ("/core/sync-engine/event-during-read", test_event_during_read);
  ADD ("/core/sync-engine/status-in-place", test_status_in_place);
  ADD ("/core/sync-engine/unknown-screen-rereads", test_unknown_screen_rereads);
  ADD ("/core/sync-engine/reread-after-reconnect", test_reread_after_reconnect);
  ADD ("/core/sync-engine/network-down", test_network_down);
  ADD ("/core/sync-engine/refused-token", test_refused_token);
  ADD ("/core/sync-engine/update-display", test_update_display);
  ADD ("/core/sync-engine/groups", test_groups);
  ADD ("/core/sync-engine/group-kind", test_group_kind);
  ADD ("/core/sync-engine/bulk-delete-chunks", test_bulk_delete_chunks);
  ADD ("/core/sync-engine/pair-and-commands", test_pair_and_commands);
  ADD ("/core/sync-engine/stop-and-states", test_stop_and_states);
#undef ADD
  g_test_add_func ("/core/sync-engine/expired-token-reconnect", test_expired_token_reconnect);

  return g_test_run ();
}
