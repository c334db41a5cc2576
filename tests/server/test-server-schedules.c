/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-schedules"

#include <string.h>

#include "server-test-util.h"

/* Schedules against the real vizora-server: every route, bad input, the
 * conflict check and what a screen plays when (docs/schedules.md). */

static VzTestServer *shared;
static char *token;
static char *screen;      /* a paired screen, in Asia/Tokyo */
static char *group;       /* a group with the screen in it */

#define BREAKFAST "11111111-1111-4111-8111-111111111111"
#define LUNCH     "22222222-2222-4222-8222-222222222222"

static JsonObject *
expect_created (TestResponse *response)
{
  return test_expect_object (response, 201);
}

static TestResponse *
request (const char *method,
         const char *path,
         const char *body)
{
  return test_http (shared, method, path, token, NULL, body, body != NULL ? -1 : 0);
}

/* Creates a schedule from its JSON; returns its id. */
static char *
create_schedule_json (const char *body)
{
  g_autoptr(TestResponse) response = request ("POST", "/schedules", body);

  return g_strdup (json_object_get_string_member (expect_created (response), "id"));
}

/* As create_schedule_json(), from a JSON text with %s for the screen's id. */
static char *
create_schedule (const char *format)
{
  g_autofree char *body = g_strdup_printf (format, screen);

  return create_schedule_json (body);
}

/* As create_schedule_json(), from a JSON text with %s for the group's id. */
static char *
create_group_schedule (const char *format)
{
  g_autofree char *body = g_strdup_printf (format, group);

  return create_schedule_json (body);
}

static void
delete_schedule (const char *id)
{
  g_autofree char *path = g_strconcat ("/schedules/", id, NULL);
  g_autoptr(TestResponse) response = request ("DELETE", path, NULL);

  test_expect_object (response, 200);
}

static void
assert_days (JsonObject *object,
             const char *member,
             const char *expected)
{
  JsonArray *days = json_object_get_array_member (object, member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (days); i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? "," : "", json_array_get_int_element (days, i));
  g_assert_cmpstr (text->str, ==, expected);
}

static void
test_crud (void)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\" <i>Breakfast</i> \",\"description\":\"Mornings\","
                                           "\"startDate\":\"2026-04-01\",\"endDate\":\"2026-04-30T00:00:00.000Z\","
                                           "\"startTime\":480,\"endTime\":720,\"daysOfWeek\":[5,1,2,3,4,1],"
                                           "\"priority\":5,\"playlistId\":\"%s\",\"displayId\":\"%s\"}",
                                           BREAKFAST, screen);
  g_autoptr(TestResponse) created = request ("POST", "/schedules", body);
  JsonObject *schedule = expect_created (created);
  g_autofree char *id = g_strdup (json_object_get_string_member (schedule, "id"));
  g_autofree char *path = g_strconcat ("/schedules/", id, NULL);
  g_autofree char *display_path = g_strconcat ("/displays/", screen, NULL);
  g_autoptr(TestResponse) get = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(TestResponse) display = NULL;
  g_autoptr(TestResponse) patched = NULL;
  g_autoptr(TestResponse) copy = NULL;
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) gone = NULL;
  g_autofree char *copy_id = NULL;
  JsonObject *data;
  JsonArray *items;

  g_assert_cmpstr (json_object_get_string_member (schedule, "name"), ==, "Breakfast");
  g_assert_cmpstr (json_object_get_string_member (schedule, "description"), ==, "Mornings");
  g_assert_cmpstr (json_object_get_string_member (schedule, "startDate"), ==, "2026-04-01T00:00:00.000Z");
  g_assert_cmpstr (json_object_get_string_member (schedule, "endDate"), ==, "2026-04-30T00:00:00.000Z");
  g_assert_cmpint (json_object_get_int_member (schedule, "startTime"), ==, 480);
  g_assert_cmpint (json_object_get_int_member (schedule, "endTime"), ==, 720);
  assert_days (schedule, "daysOfWeek", "1,2,3,4,5");
  g_assert_cmpint (json_object_get_int_member (schedule, "priority"), ==, 5);
  g_assert_true (json_object_get_boolean_member (schedule, "isActive"));
  g_assert_cmpstr (json_object_get_string_member (schedule, "playlistId"), ==, BREAKFAST);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (schedule, "playlist"), "name"),
                   ==, "Breakfast menu");
  g_assert_cmpstr (json_object_get_string_member (schedule, "displayId"), ==, screen);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (schedule, "displayGroupId")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (schedule, "displayGroup")));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (schedule, "display"), "nickname"),
                   ==, "Tokyo lobby");

  get = request ("GET", path, NULL);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (get, 200), "id"), ==, id);

  /* The playlist counts the schedules that play it. */
  {
    g_autoptr(TestResponse) playlist = request ("GET", "/playlists/" BREAKFAST, NULL);
    JsonObject *counts = json_object_get_object_member (test_expect_object (playlist, 200), "_count");

    g_assert_cmpint (json_object_get_int_member (counts, "schedules"), ==, 1);
  }

  /* Listed, and filtered by screen, group and state. */
  list = request ("GET", "/schedules?page=1&limit=100", NULL);
  data = test_expect_object (list, 200);
  items = json_object_get_array_member (data, "data");
  g_assert_cmpuint (json_array_get_length (items), >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "meta"), "total"), ==,
                   json_array_get_length (items));
  {
    g_autofree char *by_screen = g_strdup_printf ("/schedules?displayId=%s&isActive=true", screen);
    g_autofree char *by_group = g_strdup_printf ("/schedules?displayGroupId=%s", group);
    g_autoptr(TestResponse) mine = request ("GET", by_screen, NULL);
    g_autoptr(TestResponse) groups = request ("GET", by_group, NULL);
    g_autoptr(TestResponse) inactive = request ("GET", "/schedules?isActive=false", NULL);

    items = json_object_get_array_member (test_expect_object (mine, 200), "data");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    items = json_object_get_array_member (test_expect_object (groups, 200), "data");
    g_assert_cmpuint (json_array_get_length (items), ==, 0);
    items = json_object_get_array_member (test_expect_object (inactive, 200), "data");
    g_assert_cmpuint (json_array_get_length (items), ==, 0);
  }

  /* The screen's detail names its own schedules. */
  display = request ("GET", display_path, NULL);
  items = json_object_get_array_member (test_expect_object (display, 200), "schedules");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "id"), ==, id);

  /* Moving it to a group clears the screen; null times make it all day. */
  {
    g_autofree char *change = g_strdup_printf ("{\"displayGroupId\":\"%s\",\"startTime\":null,\"endTime\":null,"
                                               "\"endDate\":null,\"isActive\":false,\"name\":\"Early\"}", group);

    patched = request ("PATCH", path, change);
  }
  data = test_expect_object (patched, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Early");
  g_assert_cmpstr (json_object_get_string_member (data, "displayGroupId"), ==, group);
  g_assert_null (json_object_get_string_member (data, "displayId"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (data, "startTime")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (data, "endDate")));
  g_assert_false (json_object_get_boolean_member (data, "isActive"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (data, "displayGroup"), "id"),
                   ==, group);
  g_assert_cmpstr (json_object_get_string_member (data, "updatedAt"), !=,
                   json_object_get_string_member (data, "createdAt"));

  /* A copy: "(Copy)", inactive, the same window. */
  {
    g_autofree char *dup_path = g_strconcat (path, "/duplicate", NULL);

    copy = request ("POST", dup_path, NULL);
  }
  data = expect_created (copy);
  copy_id = g_strdup (json_object_get_string_member (data, "id"));
  g_assert_cmpstr (copy_id, !=, id);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Early (Copy)");
  g_assert_false (json_object_get_boolean_member (data, "isActive"));
  assert_days (data, "daysOfWeek", "1,2,3,4,5");
  g_assert_cmpstr (json_object_get_string_member (data, "displayGroupId"), ==, group);

  deleted = request ("DELETE", path, NULL);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (deleted, 200), "id"), ==, id);
  gone = request ("GET", path, NULL);
  g_assert_cmpstr (test_expect_error (gone, 404), ==, "Schedule not found");
  delete_schedule (copy_id);
}

typedef struct {
  const char *body;     /* %1$s: screen, %2$s: group */
  guint       status;
  const char *message;  /* the first message */
} BadCase;

static void
test_bad_input (void)
{
  static const BadCase cases[] = {
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"startTime\":1440}", 400, "startTime must not be greater than 1439" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"endTime\":-1}", 400, "endTime must not be less than 0" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"startTime\":8.5}", 400, "startTime must be an integer number" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"startTime\":\"08:00\"}", 400, "startTime must be an integer number" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1,7],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "each value in daysOfWeek must not be greater than 6" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[-1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "each value in daysOfWeek must not be less than 0" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "daysOfWeek must contain at least 1 elements" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":\"Monday\",\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "daysOfWeek must be an array" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[\"1\"],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "each value in daysOfWeek must be an integer number" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"displayGroupId\":\"%2$s\"}", 400, "Cannot specify both displayId and displayGroupId" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\"}",
      400, "Either displayId or displayGroupId must be provided" },
    { "{\"name\":\"x\",\"startDate\":\"2026-04-02\",\"endDate\":\"2026-04-01\",\"daysOfWeek\":[1],"
      "\"playlistId\":\"" BREAKFAST "\",\"displayId\":\"%1$s\"}", 400, "endDate must not be before startDate" },
    { "{\"name\":\"x\",\"startDate\":\"2026-02-30\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "startDate must be a valid ISO 8601 date string" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"endDate\":42,\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "endDate must be a valid ISO 8601 date string" },
    { "{\"name\":\"x\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\",\"displayId\":\"%1$s\"}",
      400, "startDate should not be empty" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"priority\":\"high\"}", 400, "priority must be an integer number" },
    { "{\"name\":\"   \",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\"}", 400, "name should not be empty" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"%1$s\",\"colour\":\"red\"}", 400, "property colour should not exist" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"no-such-playlist\","
      "\"displayId\":\"%1$s\"}", 404, "Playlist not found" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayId\":\"00000000-0000-4000-8000-000000000000\"}", 404, "Display not found" },
    { "{\"name\":\"x\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],\"playlistId\":\"" BREAKFAST "\","
      "\"displayGroupId\":\"no-such-group\"}", 404, "Display group not found" },
  };
  g_autofree char *id = create_schedule ("{\"name\":\"Valid\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],"
                                         "\"playlistId\":\"" BREAKFAST "\",\"displayId\":\"%s\"}");
  g_autofree char *path = g_strconcat ("/schedules/", id, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(TestResponse) response = NULL;

      body = g_strdup_printf (cases[i].body, screen, group);
      response = request ("POST", "/schedules", body);
      g_test_message ("case %u: %s", i, body);
      g_assert_cmpstr (test_expect_error (response, cases[i].status), ==, cases[i].message);
    }

  /* A change is checked against what it changes: no end before the start,
   * not neither target, an existing playlist. */
  {
    static const BadCase changes[] = {
      { "{\"endDate\":\"2025-12-31\"}", 400, "endDate must not be before startDate" },
      { "{\"displayId\":null}", 400, "Either displayId or displayGroupId must be provided" },
      { "{\"playlistId\":\"no-such-playlist\"}", 404, "Playlist not found" },
      { "{\"startDate\":null}", 400, "startDate must be a valid ISO 8601 date string" },
      { "{\"isActive\":\"yes\"}", 400, "isActive must be a boolean value" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
      {
        g_autoptr(TestResponse) response = request ("PATCH", path, changes[i].body);

        g_assert_cmpstr (test_expect_error (response, changes[i].status), ==, changes[i].message);
      }
  }

  /* Unknown ids, a bad query, an old version. */
  {
    g_autoptr(TestResponse) missing = request ("PATCH", "/schedules/nope", "{\"name\":\"y\"}");
    g_autoptr(TestResponse) bad_query = request ("GET", "/schedules?isActive=maybe", NULL);
    g_autoptr(TestResponse) unknown_key = request ("GET", "/schedules?colour=red", NULL);
    g_autofree char *if_match = test_if_match_header ("2020-01-01T00:00:00.000Z");
    const char *headers[] = { if_match, NULL };
    g_autoptr(TestResponse) stale = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"y\"}", -1);

    g_assert_cmpstr (test_expect_error (missing, 404), ==, "Schedule not found");
    g_assert_cmpstr (test_expect_error (bad_query, 400), ==, "isActive must be true or false");
    test_expect_error (unknown_key, 400);
    test_expect_error (stale, 412);
  }

  /* Viewers read, never write. */
  {
    g_autofree char *viewer = NULL;
    g_autoptr(TestResponse) read = NULL;
    g_autoptr(TestResponse) write = NULL;

    test_add_user (shared, "schedules-viewer@example.test", "viewer password", "viewer");
    viewer = test_login_as (shared, "schedules-viewer@example.test", "viewer password");
    read = test_http (shared, "GET", path, viewer, NULL, NULL, 0);
    test_expect_object (read, 200);
    write = test_http (shared, "PATCH", path, viewer, NULL, "{\"name\":\"y\"}", -1);
    test_expect_error (write, 403);
  }
  delete_schedule (id);
}

static JsonArray *
conflicts_of (TestResponse *response)
{
  JsonObject *data = test_expect_object (response, 200);

  g_assert_cmpint (json_object_get_boolean_member (data, "hasConflicts"), ==,
                   json_array_get_length (json_object_get_array_member (data, "conflicts")) > 0);
  return json_object_get_array_member (data, "conflicts");
}

static void
test_conflicts (void)
{
  g_autofree char *lunch = NULL;
  g_autofree char *late = NULL;
  g_autofree char *body = NULL;
  g_autoptr(TestResponse) response = NULL;
  JsonArray *conflicts;
  JsonObject *conflict, *overlap;

  /* Lunch on the screen's group, every day 11:00–14:00, priority 3. */
  lunch = create_group_schedule ("{\"name\":\"Lunch\",\"startDate\":\"2026-01-01\","
                                 "\"daysOfWeek\":[0,1,2,3,4,5,6],\"startTime\":660,\"endTime\":840,"
                                 "\"priority\":3,\"playlistId\":\"" LUNCH "\",\"displayGroupId\":\"%s\"}");
  /* An inactive one is no conflict. */
  late = create_schedule ("{\"name\":\"Late\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],"
                          "\"startTime\":600,\"endTime\":700,\"isActive\":false,"
                          "\"playlistId\":\"" LUNCH "\",\"displayId\":\"%s\"}");

  /* Breakfast on weekdays 08:00–12:00, priority 5, proposed for the screen. */
  body = g_strdup_printf ("{\"displayId\":\"%s\",\"daysOfWeek\":[1,2,3,4,5],\"startTime\":480,\"endTime\":720,"
                          "\"startDate\":\"2026-01-01\",\"priority\":5}", screen);
  response = request ("POST", "/schedules/check-conflicts", body);
  conflicts = conflicts_of (response);
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  conflict = json_array_get_object_element (conflicts, 0);
  g_assert_cmpstr (json_object_get_string_member (conflict, "id"), ==, lunch);
  g_assert_cmpstr (json_object_get_string_member (conflict, "name"), ==, "Lunch");
  g_assert_cmpint (json_object_get_int_member (conflict, "priority"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (conflict, "startTime"), ==, 660);
  assert_days (conflict, "daysOfWeek", "0,1,2,3,4,5,6");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (conflict, "playlist"), "name"),
                   ==, "Lunch menu");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (conflict, "overlaps")), ==, 1);
  overlap = json_array_get_object_element (json_object_get_array_member (conflict, "overlaps"), 0);
  assert_days (overlap, "daysOfWeek", "1,2,3,4,5");
  g_assert_cmpint (json_object_get_int_member (overlap, "startMinute"), ==, 660);
  g_assert_cmpint (json_object_get_int_member (overlap, "endMinute"), ==, 720);
  g_assert_true (json_object_get_boolean_member (overlap, "proposedWins"));

  /* With a lower priority the proposed one loses; proposed for the group,
   * the screen's own schedules count too. */
  g_clear_pointer (&response, test_response_free);
  g_free (body);
  body = g_strdup_printf ("{\"displayGroupId\":\"%s\",\"daysOfWeek\":[1],\"startTime\":1380,\"endTime\":720,"
                          "\"priority\":1,\"excludeScheduleId\":\"%s\"}", group, lunch);
  response = request ("POST", "/schedules/check-conflicts", body);
  conflicts = conflicts_of (response);
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 0);
  g_clear_pointer (&response, test_response_free);
  g_free (body);
  body = g_strdup_printf ("{\"displayGroupId\":\"%s\",\"daysOfWeek\":[0],\"startTime\":1380,\"endTime\":720,"
                          "\"priority\":1}", group);
  response = request ("POST", "/schedules/check-conflicts", body);
  conflicts = conflicts_of (response);
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  /* Sunday 23:00 to Monday 12:00 meets Monday's lunch from 11:00. */
  overlap = json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (conflicts, 0),
                                                                         "overlaps"), 0);
  assert_days (overlap, "daysOfWeek", "1");
  g_assert_cmpint (json_object_get_int_member (overlap, "startMinute"), ==, 660);
  g_assert_false (json_object_get_boolean_member (overlap, "proposedWins"));

  /* Another date range: no conflict. */
  g_clear_pointer (&response, test_response_free);
  g_free (body);
  body = g_strdup_printf ("{\"displayId\":\"%s\",\"daysOfWeek\":[1],\"startDate\":\"2025-01-01\","
                          "\"endDate\":\"2025-12-31\"}", screen);
  response = request ("POST", "/schedules/check-conflicts", body);
  g_assert_cmpuint (json_array_get_length (conflicts_of (response)), ==, 0);

  /* Bad input. */
  {
    g_autoptr(TestResponse) no_days = request ("POST", "/schedules/check-conflicts", "{\"startTime\":1}");
    g_autoptr(TestResponse) bad_time = request ("POST", "/schedules/check-conflicts",
                                                "{\"daysOfWeek\":[1],\"endTime\":99999}");

    g_assert_cmpstr (test_expect_error (no_days, 400), ==, "daysOfWeek should not be empty");
    g_assert_cmpstr (test_expect_error (bad_time, 400), ==, "endTime must not be greater than 1439");
  }
  delete_schedule (lunch);
  delete_schedule (late);
}

/* What the screen in Tokyo plays on Monday 6 April 2026. */
static void
test_display_schedule (void)
{
  g_autofree char *breakfast = NULL;
  g_autofree char *lunch = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s/schedule?from=2026-04-05T15:00:00.000Z"
                                           "&to=2026-04-06T15:00:00.000Z", screen);
  g_autoptr(TestResponse) response = NULL;
  JsonObject *data, *span;
  JsonArray *spans;

  breakfast = create_schedule ("{\"name\":\"Breakfast\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1,2,3,4,5],"
                               "\"startTime\":480,\"endTime\":720,\"priority\":5,"
                               "\"playlistId\":\"" BREAKFAST "\",\"displayId\":\"%s\"}");
  lunch = create_group_schedule ("{\"name\":\"Lunch\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],"
                                 "\"startTime\":660,\"endTime\":840,\"priority\":3,"
                                 "\"playlistId\":\"" LUNCH "\",\"displayGroupId\":\"%s\"}");

  response = request ("GET", path, NULL);
  data = test_expect_object (response, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "timezone"), ==, "Asia/Tokyo");
  spans = json_object_get_array_member (data, "spans");
  /* Default (none assigned), breakfast 08:00–12:00, lunch to 14:00, default. */
  g_assert_cmpuint (json_array_get_length (spans), ==, 4);
  span = json_array_get_object_element (spans, 0);
  g_assert_cmpstr (json_object_get_string_member (span, "source"), ==, "default");
  g_assert_null (json_object_get_string_member (span, "playlistId"));
  g_assert_cmpstr (json_object_get_string_member (span, "start"), ==, "2026-04-05T15:00:00.000Z");
  span = json_array_get_object_element (spans, 1);
  g_assert_cmpstr (json_object_get_string_member (span, "source"), ==, "schedule");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (span, "schedule"), "name"),
                   ==, "Breakfast");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (span, "playlist"), "name"),
                   ==, "Breakfast menu");
  g_assert_cmpstr (json_object_get_string_member (span, "start"), ==, "2026-04-05T23:00:00.000Z");
  g_assert_cmpstr (json_object_get_string_member (span, "end"), ==, "2026-04-06T03:00:00.000Z");
  span = json_array_get_object_element (spans, 2);
  g_assert_cmpstr (json_object_get_string_member (span, "playlistId"), ==, LUNCH);
  g_assert_cmpstr (json_object_get_string_member (span, "end"), ==, "2026-04-06T05:00:00.000Z");
  span = json_array_get_object_element (spans, 3);
  g_assert_cmpstr (json_object_get_string_member (span, "end"), ==, "2026-04-06T15:00:00.000Z");

  /* A change of time zone moves it at once: Los Angeles is 16 hours behind. */
  {
    g_autofree char *display_path = g_strconcat ("/displays/", screen, NULL);
    g_autoptr(TestResponse) moved = request ("PATCH", display_path, "{\"timezone\":\"America/Los_Angeles\"}");
    g_autoptr(TestResponse) back = NULL;
    g_autoptr(TestResponse) again = NULL;

    test_expect_object (moved, 200);
    again = request ("GET", path, NULL);
    spans = json_object_get_array_member (test_expect_object (again, 200), "spans");
    /* Sunday 08:00 to Monday 08:00 PDT: no weekday morning in it. */
    g_assert_cmpuint (json_array_get_length (spans), ==, 1);
    back = request ("PATCH", display_path, "{\"timezone\":\"Asia/Tokyo\"}");
    test_expect_object (back, 200);
  }

  /* Bad ranges and screens. */
  {
    g_autofree char *reversed = g_strdup_printf ("/displays/%s/schedule?from=2026-04-06T00:00:00Z&to=2026-04-05T00:00:00Z", screen);
    g_autofree char *too_long = g_strdup_printf ("/displays/%s/schedule?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", screen);
    g_autofree char *garbled = g_strdup_printf ("/displays/%s/schedule?from=yesterday", screen);
    g_autoptr(TestResponse) r1 = request ("GET", reversed, NULL);
    g_autoptr(TestResponse) r2 = request ("GET", too_long, NULL);
    g_autoptr(TestResponse) r3 = request ("GET", garbled, NULL);
    g_autoptr(TestResponse) r4 = request ("GET", "/displays/00000000-0000-4000-8000-000000000000/schedule", NULL);
    g_autoptr(TestResponse) r5 = request ("GET", "/displays/not-a-uuid/schedule", NULL);

    g_assert_cmpstr (test_expect_error (r1, 400), ==, "to must be after from");
    test_expect_error (r2, 400);
    g_assert_cmpstr (test_expect_error (r3, 400), ==, "from must be a valid ISO 8601 date string");
    g_assert_cmpstr (test_expect_error (r4, 404), ==, "Display not found");
    g_assert_cmpstr (test_expect_error (r5, 404), ==, "Display not found");
  }

  /* Leaving the group takes the group's schedule away. */
  {
    g_autofree char *members = g_strdup_printf ("/display-groups/%s/displays", group);
    g_autofree char *ids = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", screen);
    g_autoptr(TestResponse) left = request ("DELETE", members, ids);
    g_autoptr(TestResponse) after = NULL;
    g_autoptr(TestResponse) joined = NULL;

    test_expect_object (left, 200);
    after = request ("GET", path, NULL);
    spans = json_object_get_array_member (test_expect_object (after, 200), "spans");
    g_assert_cmpuint (json_array_get_length (spans), ==, 3);
    joined = request ("POST", members, ids);
    test_expect_object (joined, 201);
  }
  delete_schedule (breakfast);
  delete_schedule (lunch);
}

/* A playlist that is deleted takes its schedules with it. */
static void
test_playlist_deleted (void)
{
  g_autoptr(TestResponse) created = request ("POST", "/playlists", "{\"name\":\"Short-lived\"}");
  g_autofree char *playlist = g_strdup (json_object_get_string_member (test_expect_object (created, 201), "id"));
  g_autofree char *playlist_path = g_strconcat ("/playlists/", playlist, NULL);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Soon gone\",\"startDate\":\"2026-01-01\",\"daysOfWeek\":[1],"
                                           "\"playlistId\":\"%s\",\"displayGroupId\":\"%s\"}", playlist, group);
  g_autofree char *id = create_schedule_json (body);
  g_autofree char *path = g_strconcat ("/schedules/", id, NULL);
  g_autoptr(TestResponse) deleted = request ("DELETE", playlist_path, NULL);
  g_autoptr(TestResponse) gone = NULL;

  test_expect_object (deleted, 200);
  gone = request ("GET", path, NULL);
  g_assert_cmpstr (test_expect_error (gone, 404), ==, "Schedule not found");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *device_token = NULL;
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) zone = NULL;
  g_autoptr(TestResponse) joined = NULL;
  g_autofree char *path = NULL;
  g_autofree char *members = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);
  screen = vz_test_server_pair_screen (shared, token, "Tokyo lobby", &device_token);
  path = g_strconcat ("/displays/", screen, NULL);
  zone = request ("PATCH", path, "{\"timezone\":\"Asia/Tokyo\"}");
  test_expect_object (zone, 200);
  created = request ("POST", "/display-groups", "{\"name\":\"Lobbies\"}");
  group = g_strdup (json_object_get_string_member (test_expect_object (created, 201), "id"));
  members = g_strdup_printf ("/display-groups/%s/displays", group);
  {
    g_autofree char *ids = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", screen);

    joined = request ("POST", members, ids);
    test_expect_object (joined, 201);
  }
  test_db_exec (shared, "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                        " SELECT '" BREAKFAST "', id, 'Breakfast menu', 0, 0 FROM organizations");
  test_db_exec (shared, "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                        " SELECT '" LUNCH "', id, 'Lunch menu', 0, 0 FROM organizations");

  g_test_add_func ("/server/schedules/crud", test_crud);
  g_test_add_func ("/server/schedules/bad-input", test_bad_input);
  g_test_add_func ("/server/schedules/conflicts", test_conflicts);
  g_test_add_func ("/server/schedules/display-schedule", test_display_schedule);
  g_test_add_func ("/server/schedules/playlist-deleted", test_playlist_deleted);

  status = g_test_run ();
  g_free (screen);
  g_free (group);
  g_free (token);
  vz_test_server_free (shared);
  return status;
}
