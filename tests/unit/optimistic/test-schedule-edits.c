/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-edits"

#include "vz-optimistic-client.h"
#include "vz-schedule-resource.h"

/*
 * Schedules through the sync engine against the real vizora-server: read
 * with their playlist and screen, changed optimistically and undoably,
 * deleted, created, duplicated, and told by `schedule:executed` where they
 * play.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *morning_id;
  char         *evening_id;
  char         *screen_id;
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

static char *
create_playlist (Fixture    *fixture,
                 const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);
  return vz_test_server_create (fixture->server, fixture->token, "/playlists", body);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->morning_id = create_playlist (fixture, "Morning");
  fixture->evening_id = create_playlist (fixture, "Evening");
  fixture->screen_id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->morning_id, g_free);
  g_clear_pointer (&fixture->evening_id, g_free);
  g_clear_pointer (&fixture->screen_id, g_free);
  vz_test_server_free (fixture->server);
}

static char *
create_breakfast (Fixture *fixture)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Breakfast\",\"playlistId\":\"%s\",\"displayId\":\"%s\","
                                           "\"daysOfWeek\":[1,2,3,4,5],\"startTime\":480,\"endTime\":720,"
                                           "\"startDate\":\"2026-01-01\",\"priority\":5,\"isActive\":true}",
                                           fixture->morning_id, fixture->screen_id);
  return vz_test_server_create (fixture->server, fixture->token, "/schedules", body);
}

static JsonObject *
server_schedule (Fixture    *fixture,
                 const char *id)
{
  g_autofree char *path = g_strdup_printf ("/schedules/%s", id);

  return rest (fixture, "GET", path, NULL, 200);
}

static void
update (Client     *client,
        const char *id,
        const char *json)
{
  client_update (client, VZ_RESOURCE_SCHEDULE, id, json);
}

static void
test_read_change_undo_delete (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *id = create_breakfast (fixture);
  const char *ids[] = { id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  g_autofree char *path = g_strdup_printf ("/schedules/%s", id);
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *change = NULL;
  VzStore *schedules;
  VzSchedule *schedule;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  schedules = vz_sync_engine_get_schedules (fixture->a->engine);
  g_assert_nonnull (schedules);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (schedules)), ==, 1);
  schedule = vz_store_lookup (schedules, id);
  g_assert_nonnull (schedule);
  g_assert_cmpstr (vz_schedule_get_name (schedule), ==, "Breakfast");
  g_assert_cmpstr (vz_schedule_get_playlist_name (schedule), ==, "Morning");
  g_assert_cmpstr (vz_schedule_get_display_name (schedule), ==, "Lobby");
  g_assert_cmphex (vz_schedule_get_days (schedule), ==, 0x3e);
  g_assert_cmpstr (vz_schedule_get_start_date (schedule), ==, "2026-01-01");
  rules = vz_schedule_rules_for_display (schedules, fixture->screen_id, NULL);
  g_assert_cmpuint (rules->len, ==, 1);
  g_assert_cmpint (((VzScheduleRule *) rules->pdata[0])->start_time, ==, 480);

  /* A field: shown at once, then on the server; undo takes it back. */
  update (fixture->a, id, "{\"priority\":7}");
  g_assert_cmpint (vz_schedule_get_priority (schedule), ==, 7);
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed the priority of “Breakfast”");
  wait_committed (fixture->a, 1);
  on_server = server_schedule (fixture, id);
  g_assert_cmpint (json_object_get_int_member (on_server, "priority"), ==, 7);

  undo_now (fixture->a);
  g_assert_cmpint (vz_schedule_get_priority (schedule), ==, 5);
  wait_committed (fixture->a, 2);
  g_clear_pointer (&on_server, json_object_unref);
  on_server = server_schedule (fixture, id);
  g_assert_cmpint (json_object_get_int_member (on_server, "priority"), ==, 5);

  /* The window and the playlist: null is "no start", a new playlist shows
   * its name once the server answers. */
  update (fixture->a, id, "{\"startTime\":null,\"endTime\":null}");
  g_assert_cmpint (vz_schedule_get_start_time (schedule), ==, VZ_SCHEDULE_NO_TIME);
  change = g_strdup_printf ("{\"playlistId\":\"%s\"}", fixture->evening_id);
  update (fixture->a, id, change);
  wait_committed (fixture->a, 4);
  g_clear_pointer (&on_server, json_object_unref);
  on_server = server_schedule (fixture, id);
  g_assert_true (json_object_get_null_member (on_server, "startTime"));
  g_assert_cmpstr (json_object_get_string_member (on_server, "playlistId"), ==, fixture->evening_id);
  g_assert_cmpstr (vz_schedule_get_playlist_name (schedule), ==, "Evening");

  vz_sync_engine_delete_async (fixture->a->engine, VZ_RESOURCE_SCHEDULE, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_assert_null (vz_store_lookup (schedules, id));
  g_assert_cmpstr (fixture->a->last_label, ==, "Deleted “Breakfast”");
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, NULL), ==, 404);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
  g_assert_cmpuint (fixture->a->conflicts, ==, 0);
}

static void
edit_when (Client     *client,
           const char *id,
           const char *json)
{
  g_autoptr(JsonNode) args = json_from_string (json, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_edit_async (client->engine, VZ_RESOURCE_SCHEDULE, id, VZ_SCHEDULE_EDIT_WHEN,
                             json_node_get_object (args), NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_edit_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

/* The weekdays, dates and screen or group (the "when" edit): shown at once
 * with the group's name, on the server, and undone back to the screen. */
static void
test_when (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *id = create_breakfast (fixture);
  g_autoptr(JsonObject) group = rest (fixture, "POST", "/display-groups", "{\"name\":\"Floor\"}", 201);
  const char *group_id = json_object_get_string_member (group, "id");
  g_autofree char *args = g_strdup_printf ("{\"daysOfWeek\":[0,6],\"startDate\":\"2026-02-01\","
                                           "\"endDate\":\"2026-03-01\",\"displayGroupId\":\"%s\","
                                           "\"displayGroup\":{\"id\":\"%s\",\"name\":\"Floor\"}}",
                                           group_id, group_id);
  g_autoptr(JsonObject) on_server = NULL;
  VzSchedule *schedule;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  schedule = vz_store_lookup (vz_sync_engine_get_schedules (fixture->a->engine), id);
  g_assert_nonnull (schedule);

  edit_when (fixture->a, id, args);
  g_assert_cmphex (vz_schedule_get_days (schedule), ==, 0x41);
  g_assert_cmpstr (vz_schedule_get_group_id (schedule), ==, group_id);
  g_assert_cmpstr (vz_schedule_get_group_name (schedule), ==, "Floor");
  g_assert_null (vz_schedule_get_display_id (schedule));
  g_assert_cmpstr (vz_schedule_get_end_date (schedule), ==, "2026-03-01");
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed when “Breakfast” plays");
  wait_committed (fixture->a, 1);
  on_server = server_schedule (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (on_server, "displayGroupId"), ==, group_id);
  g_assert_true (json_object_get_null_member (on_server, "displayId"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (on_server, "daysOfWeek")), ==, 2);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (on_server, "endDate"), "2026-03-01"));
  g_assert_cmpstr (vz_schedule_get_group_name (schedule), ==, "Floor");

  undo_now (fixture->a);
  g_assert_cmphex (vz_schedule_get_days (schedule), ==, 0x3e);
  g_assert_cmpstr (vz_schedule_get_display_id (schedule), ==, fixture->screen_id);
  g_assert_null (vz_schedule_get_group_id (schedule));
  g_assert_null (vz_schedule_get_end_date (schedule));
  wait_committed (fixture->a, 2);
  g_clear_pointer (&on_server, json_object_unref);
  on_server = server_schedule (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (on_server, "displayId"), ==, fixture->screen_id);
  g_assert_true (json_object_get_null_member (on_server, "displayGroupId"));
  g_assert_true (json_object_get_null_member (on_server, "endDate"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (on_server, "daysOfWeek")), ==, 5);
  g_assert_cmpstr (vz_schedule_get_display_name (schedule), ==, "Lobby");
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

static gboolean
is_online (gpointer data)
{
  Client *client = data;

  return vz_sync_engine_get_connection_state (client->engine) == VZ_CONNECTION_STATE_ONLINE;
}

static gboolean
plays (gpointer data)
{
  return vz_schedule_get_playing_count (data) == 1;
}

static gboolean
plays_nowhere (gpointer data)
{
  return vz_schedule_get_playing_count (data) == 0;
}

static VzSchedule *
finish_create (Client        *client,
               GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;
  VzSchedule *schedule;

  wait_until (result_ready, result, 10000);
  schedule = vz_sync_engine_create_schedule_finish (client->engine, *result, &error);
  g_assert_no_error (error);
  g_assert_true (VZ_IS_SCHEDULE (schedule));
  g_clear_object (result);
  return schedule;
}

/* Made here, it starts at once (every day, all day): the server's
 * schedule:executed marks it playing on the screen; switched off, it ends. */
static void
test_create_executed_duplicate (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonArray) days = json_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VzSchedule) always = NULL;
  g_autoptr(VzSchedule) copy = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  VzStore *schedules;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  wait_until (is_online, fixture->a, 20000);
  schedules = vz_sync_engine_get_schedules (fixture->a->engine);

  for (int d = 0; d < 7; d++)
    json_array_add_int_element (days, d);
  json_object_set_string_member (body, "name", "Always");
  json_object_set_string_member (body, "playlistId", fixture->evening_id);
  json_object_set_string_member (body, "displayId", fixture->screen_id);
  json_object_set_array_member (body, "daysOfWeek", json_array_ref (days));
  json_object_set_string_member (body, "startDate", "2020-01-01");
  json_object_set_int_member (body, "priority", 2);
  json_object_set_boolean_member (body, "isActive", TRUE);
  vz_sync_engine_create_schedule_async (fixture->a->engine, body, NULL, store_result, &result);
  always = finish_create (fixture->a, &result);
  g_assert_true (vz_store_lookup (schedules, vz_entity_get_id (VZ_ENTITY (always))) == always);
  g_assert_cmpstr (vz_schedule_get_playlist_name (always), ==, "Evening");
  g_assert_cmphex (vz_schedule_get_days (always), ==, VZ_SCHEDULE_EVERY_DAY);
  wait_until (plays, always, 10000);
  g_assert_true (vz_schedule_is_playing_on (always, fixture->screen_id));

  vz_sync_engine_duplicate_schedule_async (fixture->a->engine, vz_entity_get_id (VZ_ENTITY (always)),
                                           NULL, store_result, &result);
  copy = finish_create (fixture->a, &result);
  g_assert_cmpstr (vz_schedule_get_name (copy), ==, "Always (Copy)");
  g_assert_false (vz_schedule_get_is_active (copy));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (schedules)), ==, 2);
  on_server = server_schedule (fixture, vz_entity_get_id (VZ_ENTITY (copy)));
  g_assert_cmpstr (json_object_get_string_member (on_server, "name"), ==, "Always (Copy)");

  update (fixture->a, vz_entity_get_id (VZ_ENTITY (always)), "{\"isActive\":false}");
  g_assert_false (vz_schedule_get_is_active (always));
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed the state of “Always”");
  wait_until (plays_nowhere, always, 10000);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

/* Schedules made by someone else before the app started are read. */
static void
test_reads_both (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *first = create_breakfast (fixture);
  g_autofree char *second = create_breakfast (fixture);

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_schedules (fixture->a->engine))), ==, 2);
  g_assert_nonnull (vz_store_lookup (vz_sync_engine_get_schedules (fixture->a->engine), first));
  g_assert_nonnull (vz_store_lookup (vz_sync_engine_get_schedules (fixture->a->engine), second));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/schedule-edits/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("read-change-undo-delete", test_read_change_undo_delete);
  ADD ("create-executed-duplicate", test_create_executed_duplicate);
  ADD ("reads-both", test_reads_both);
  ADD ("when", test_when);
#undef ADD

  return g_test_run ();
}
