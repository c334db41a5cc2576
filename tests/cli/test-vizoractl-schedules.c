/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-vizoractl-schedules"

#include <string.h>

#include "vz-test-run.h"
#include "vz-test-server.h"

/*
 * vizoractl schedules and schedule check, the real binary against the real
 * vizora-server: a screen "Lobby" in the group "Ground floor", Breakfast
 * for the screen (weekdays 08:00–12:00, priority 5) and Lunch for the
 * group (every day 11:00–14:00, priority 3).
 */
static VzTestServer *server;
static char *token;
static char *lobby_id;
static char *group_id;
static char *breakfast_id;

static JsonObject *
rest (const char *method,
      const char *path,
      const char *json,
      guint       expected)
{
  g_autoptr(JsonNode) keep = NULL;

  return json_object_ref (vz_test_server_data (server, method, path, token, json, expected, &keep));
}

static char *
created_id (const char *path,
            const char *json)
{
  g_autoptr(JsonObject) obj = rest ("POST", path, json, 201);

  return g_strdup (json_object_get_string_member (obj, "id"));
}

/* vizoractl --server URL ARGS… (NULL-terminated), signed in. */
#define run_cli(run, ...) vz_test_run_vizoractl ((run), server->url, token, __VA_ARGS__)

static void
test_list (void)
{
  g_auto(VzTestRun) table = { 0, };
  g_auto(VzTestRun) json = { 0, };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  run_cli (&table, "schedules", NULL);
  g_assert_cmpint (table.status, ==, 0);
  lines = g_strsplit (table.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "NAME"));
  g_assert_nonnull (strstr (lines[0], "PRIORITY"));
  /* Highest priority first. */
  g_assert_true (g_str_has_prefix (lines[1], "Breakfast"));
  g_assert_nonnull (strstr (lines[1], "Weekdays"));
  g_assert_nonnull (strstr (lines[1], "08:00–12:00"));
  g_assert_nonnull (strstr (lines[1], "Morning"));
  g_assert_nonnull (strstr (lines[1], "Lobby"));
  g_assert_nonnull (strstr (lines[1], breakfast_id));
  g_assert_true (g_str_has_prefix (lines[2], "Lunch"));
  g_assert_nonnull (strstr (lines[2], "Every day"));
  g_assert_nonnull (strstr (lines[2], "11:00–14:00"));
  g_assert_nonnull (strstr (lines[2], "group Ground floor"));

  run_cli (&json, "schedules", "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  root = json_from_string (json.out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
}

/* A new schedule between the two: Breakfast wins over it, it wins over Lunch. */
static void
test_check_display (void)
{
  g_auto(VzTestRun) run = { 0, };

  run_cli (&run, "schedule", "check", "--display", lobby_id, "--days", "weekdays", "--from", "10:00", "--to", "13:00",
           "--priority", "4", "--name", "Brunch", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==,
                   "Shares time with 2 other schedules:\n"
                   "  Weekdays 10:00–12:00: Breakfast (priority 5) wins over Brunch (priority 4)\n"
                   "  Weekdays 11:00–13:00: Brunch (priority 4) wins over Lunch (priority 3)\n");
}

/* For the group: its own schedule and its member's; past midnight and a
 * tie (the new one is the newest and wins). */
static void
test_check_group (void)
{
  g_auto(VzTestRun) run = { 0, };
  g_auto(VzTestRun) quiet = { 0, };

  run_cli (&run, "schedule", "check", "--group", group_id, "--days", "mon,fri", "--from", "13:30", "--to", "00:30",
           "--priority", "3", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==,
                   "Shares time with 1 other schedule:\n"
                   "  Monday, Friday 13:30–14:00: The new schedule (priority 3) wins over Lunch (priority 3)\n");

  run_cli (&quiet, "schedule", "check", "--group", group_id, "--days", "sat", "--from", "15:00", "--to", "16:00", NULL);
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpstr (quiet.out, ==, "No other schedule plays there at that time.\n");
}

/* Editing Breakfast: it is left out, keeps its name and age. */
static void
test_check_edit (void)
{
  g_auto(VzTestRun) run = { 0, };

  run_cli (&run, "schedule", "check", "--display", lobby_id, "--days", "1-5", "--from", "08:00", "--to", "12:00",
           "--priority", "2", "--exclude", breakfast_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==,
                   "Shares time with 1 other schedule:\n"
                   "  Weekdays 11:00–12:00: Lunch (priority 3) wins over Breakfast (priority 2)\n");
}

static void
test_check_usage (void)
{
  static const char * const bad[][8] = {
    { "--display", "x", "--group", "y", NULL },
    { "--days", "weekdays", NULL },
    { "--display", "x", "--days", "someday", NULL },
    { "--display", "x", "--from", "08:00", NULL },
    { "--display", "x", "--from", "8", "--to", "9:00", NULL },
    { "--display", "x", "--from", "24:30", "--to", "09:00", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(VzTestRun) run = { 0, };

      run_cli (&run, "schedule", "check", bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], bad[i][5], NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "vizoractl schedule check: "));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *morning_id = NULL;
  g_autofree char *noon_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *members = NULL;
  g_autofree char *lunch_id = NULL;
  g_autoptr(JsonObject) group = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  morning_id = created_id ("/playlists", "{\"name\":\"Morning\"}");
  noon_id = created_id ("/playlists", "{\"name\":\"Noon\"}");
  lobby_id = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  group_id = created_id ("/display-groups", "{\"name\":\"Ground floor\"}");
  members = g_strdup_printf ("/display-groups/%s/displays", group_id);
  body = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", lobby_id);
  group = rest ("POST", members, body, 201);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"name\":\"Breakfast\",\"playlistId\":\"%s\",\"displayId\":\"%s\",\"daysOfWeek\":[1,2,3,4,5],"
                          "\"startTime\":480,\"endTime\":720,\"startDate\":\"2026-01-01\",\"priority\":5}",
                          morning_id, lobby_id);
  breakfast_id = created_id ("/schedules", body);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"name\":\"Lunch\",\"playlistId\":\"%s\",\"displayGroupId\":\"%s\","
                          "\"daysOfWeek\":[0,1,2,3,4,5,6],\"startTime\":660,\"endTime\":840,"
                          "\"startDate\":\"2026-01-01\",\"priority\":3}", noon_id, group_id);
  lunch_id = created_id ("/schedules", body);

  g_test_add_func ("/cli/schedules/list", test_list);
  g_test_add_func ("/cli/schedules/check-display", test_check_display);
  g_test_add_func ("/cli/schedules/check-group", test_check_group);
  g_test_add_func ("/cli/schedules/check-edit", test_check_edit);
  g_test_add_func ("/cli/schedules/check-usage", test_check_usage);
  status = g_test_run ();

  g_free (token);
  g_free (lobby_id);
  g_free (group_id);
  g_free (breakfast_id);
  vz_test_server_free (server);
  return status;
}
