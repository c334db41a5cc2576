/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-peers"

#include "vz-optimistic-client.h"
#include "vz-schedule-resource.h"

/*
 * Two people on the schedules of one organization: two sync engines (each
 * with its session, realtime link, queue of changes and network) against
 * the real vizora-server. What one creates, changes, duplicates and deletes
 * shows in the other from the server's [local] schedule:updated, without
 * reading the list again; a change the second has queued while offline
 * stays on top of the first's, and both land.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *one;
  Client       *two;
  char         *playlist_id;
  char         *screen_id;
} Fixture;

typedef struct {
  VzStore    *store;
  const char *id;
  const char *name;      /* NULL: any */
  gint64      priority;  /* -1: any */
} Expect;

/* The schedule @e names: by id, or without one by name. */
static VzSchedule *
find (Expect *e)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (e->store));

  if (e->id != NULL)
    return vz_store_lookup (e->store, e->id);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (e->store), i);

      if (g_strcmp0 (vz_schedule_get_name (schedule), e->name) == 0)
        return schedule;
    }
  return NULL;
}

static gboolean
shows (gpointer data)
{
  Expect *e = data;
  VzSchedule *schedule = find (e);

  return schedule != NULL && (e->name == NULL || g_strcmp0 (vz_schedule_get_name (schedule), e->name) == 0) &&
         (e->priority < 0 || vz_schedule_get_priority (schedule) == e->priority);
}

static gboolean
gone (gpointer data)
{
  Expect *e = data;

  return vz_store_lookup (e->store, e->id) == NULL;
}

typedef struct {
  CheckFunc  check;
  Expect    *expect;
  gboolean   applied;
} Watch;

static void
on_schedule_updated (VzSyncEngine *engine,
                     const char   *name,
                     JsonNode     *payload,
                     Watch        *watch)
{
  if (watch->check (watch->expect))
    watch->applied = TRUE;
}

static gboolean
applied (gpointer data)
{
  return ((Watch *) data)->applied;
}

/* Watches the schedule:updated events reaching @client (from before the
 * change they are to bring) for one that leaves its store as @check wants. */
static gulong
watch_events (Client    *client,
              Watch     *watch,
              CheckFunc  check,
              Expect    *expect)
{
  *watch = (Watch) { check, expect, FALSE };
  return g_signal_connect (client->engine, "realtime-event::schedule:updated", G_CALLBACK (on_schedule_updated),
                           watch);
}

/* Waits until such an event came: the event itself applied the change (the
 * engine signals after its stores saw the event), not a read of the list. */
static void
wait_applied (Client *client,
              Watch  *watch,
              gulong  handler)
{
  wait_until (applied, watch, 10000);
  g_signal_handler_disconnect (client->engine, handler);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) playlist = NULL;

  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  playlist = rest_data (fixture->server, fixture->token, "POST", "/playlists", "{\"name\":\"Morning\"}", 201);
  fixture->playlist_id = g_strdup (json_object_get_string_member (playlist, "id"));
  fixture->screen_id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  fixture->one = client_new (fixture->server, fixture->token, TRUE);
  fixture->two = client_new (fixture->server, fixture->token, TRUE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->one, client_free);
  g_clear_pointer (&fixture->two, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->playlist_id, g_free);
  g_clear_pointer (&fixture->screen_id, g_free);
  vz_test_server_free (fixture->server);
}

static gboolean
online (gpointer data)
{
  Client *client = data;

  return vz_sync_engine_get_connection_state (client->engine) == VZ_CONNECTION_STATE_ONLINE;
}

static void
test_peers (Fixture       *fixture,
            gconstpointer  data)
{
  VzStore *two_store = vz_sync_engine_get_schedules (fixture->two->engine);
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSchedule) made = NULL;
  g_autoptr(VzSchedule) copy = NULL;
  const char *ids[2] = { NULL, NULL };
  Expect e = { two_store, NULL, "Breakfast", 5 };
  Watch watch;
  gulong handler;

  wait_until (online, fixture->one, 20000);
  wait_until (online, fixture->two, 20000);

  /* Made by the first, inactive (so no schedule:executed names it). */
  body = g_strdup_printf ("{\"name\":\"Breakfast\",\"playlistId\":\"%s\",\"displayId\":\"%s\","
                          "\"daysOfWeek\":[1,2,3,4,5],\"startTime\":480,\"endTime\":720,"
                          "\"startDate\":\"2026-01-01\",\"priority\":5,\"isActive\":false}",
                          fixture->playlist_id, fixture->screen_id);
  request = json_node_dup_object (json_from_string (body, NULL));
  handler = watch_events (fixture->two, &watch, shows, &e);
  vz_sync_engine_create_schedule_async (fixture->one->engine, request, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  made = vz_sync_engine_create_schedule_finish (fixture->one->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_applied (fixture->two, &watch, handler);
  id = g_strdup (vz_entity_get_id (VZ_ENTITY (made)));
  path = g_strdup_printf ("/schedules/%s", id);
  e.id = id;
  g_assert_cmpstr (vz_schedule_get_playlist_name (vz_store_lookup (two_store, id)), ==, "Morning");
  g_assert_cmpstr (vz_schedule_get_display_name (vz_store_lookup (two_store, id)), ==, "Lobby");

  /* Changed by the first. */
  e.name = "Early breakfast";
  handler = watch_events (fixture->two, &watch, shows, &e);
  client_update (fixture->one, VZ_RESOURCE_SCHEDULE, id, "{\"name\":\"Early breakfast\"}");
  wait_applied (fixture->two, &watch, handler);

  /* The second, offline, raises the priority: queued there. Meanwhile the
   * first renames it again: the second shows their name with its own
   * priority on top. */
  vz_test_monitor_set_available (fixture->two->monitor, FALSE);
  spin (300);
  client_update (fixture->two, VZ_RESOURCE_SCHEDULE, id, "{\"priority\":9}");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->two->engine), ==, 1);
  e.name = "Brunch";
  e.priority = 9;
  handler = watch_events (fixture->two, &watch, shows, &e);
  client_update (fixture->one, VZ_RESOURCE_SCHEDULE, id, "{\"name\":\"Brunch\"}");
  wait_applied (fixture->two, &watch, handler);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->two->engine), ==, 1);

  /* Back online, its change lands on theirs; the first follows. */
  e.store = vz_sync_engine_get_schedules (fixture->one->engine);
  handler = watch_events (fixture->one, &watch, shows, &e);
  vz_test_monitor_set_available (fixture->two->monitor, TRUE);
  wait_applied (fixture->one, &watch, handler);
  wait_until (client_outbox_empty, fixture->two, 20000);
  on_server = rest_data (fixture->server, fixture->token, "GET", path, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (on_server, "name"), ==, "Brunch");
  g_assert_cmpint (json_object_get_int_member (on_server, "priority"), ==, 9);

  /* Duplicated by the first. */
  {
    Expect c = { two_store, NULL, "Brunch (Copy)", 9 };

    handler = watch_events (fixture->two, &watch, shows, &c);
    vz_sync_engine_duplicate_schedule_async (fixture->one->engine, id, NULL, store_result, &result);
    wait_until (result_ready, &result, 10000);
    copy = vz_sync_engine_create_schedule_finish (fixture->one->engine, result, &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    wait_applied (fixture->two, &watch, handler);
    g_assert_true (find (&c) != NULL);
    g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (find (&c))), ==, vz_entity_get_id (VZ_ENTITY (copy)));
  }

  /* Deleted by the first: gone from the second, the copy stays. */
  e.store = two_store;
  ids[0] = id;
  handler = watch_events (fixture->two, &watch, gone, &e);
  vz_sync_engine_delete_async (fixture->one->engine, VZ_RESOURCE_SCHEDULE, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (fixture->one->engine, result, &error));
  g_assert_no_error (error);
  wait_applied (fixture->two, &watch, handler);
  g_assert_nonnull (vz_store_lookup (two_store, vz_entity_get_id (VZ_ENTITY (copy))));

  wait_until (client_outbox_empty, fixture->one, 20000);
  g_assert_cmpuint (fixture->one->conflicts + fixture->two->conflicts, ==, 0);
  g_assert_cmpuint (fixture->one->failed + fixture->two->failed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/schedule-peers/live", Fixture, NULL, fixture_setup, test_peers, fixture_teardown);
  return g_test_run ();
}
