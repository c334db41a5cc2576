/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-groups"

#include <string.h>

#include "server-test-util.h"

/* Display groups and membership against the real vizora-server. */

static VzTestServer *shared;
static char *token;

static JsonObject *
create_group (const char   *body,
              TestResponse **keep)
{
  *keep = test_http (shared, "POST", "/display-groups", token, NULL, body, -1);
  return test_expect_object (*keep, 201);
}

/* _count.displays, which every group answer carries. */
static gint64
member_count (JsonObject *group)
{
  return json_object_get_int_member (json_object_get_object_member (group, "_count"), "displays");
}

static gboolean
array_has_display (JsonArray  *displays,
                   const char *id)
{
  for (guint i = 0; i < json_array_get_length (displays); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (displays, i), "displayId"), id))
      return TRUE;
  return FALSE;
}

static void
test_crud (void)
{
  g_autoptr(TestResponse) created = NULL;
  JsonObject *group = create_group ("{\"name\":\" <b>Entrance</b> \",\"description\":\"Doors\"}", &created);
  g_autofree char *id = g_strdup (json_object_get_string_member (group, "id"));
  g_autofree char *path = g_strconcat ("/display-groups/", id, NULL);
  g_autoptr(TestResponse) get = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(TestResponse) patched = NULL;
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) gone = NULL;
  JsonObject *data;
  JsonArray *items;
  gboolean found = FALSE;

  g_assert_cmpstr (json_object_get_string_member (group, "name"), ==, "Entrance");
  g_assert_cmpstr (json_object_get_string_member (group, "description"), ==, "Doors");
  g_assert_cmpint (member_count (group), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (group, "displays")), ==, 0);

  get = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (get, 200), "id"), ==, id);

  list = test_http (shared, "GET", "/display-groups?page=1&limit=100", token, NULL, NULL, 0);
  data = test_expect_object (list, 200);
  g_assert_true (json_object_has_member (json_object_get_object_member (data, "meta"), "totalPages"));
  items = json_object_get_array_member (data, "data");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        {
          found = TRUE;
          g_assert_true (json_object_has_member (item, "_count"));
          g_assert_true (json_object_has_member (item, "displays"));
        }
    }
  g_assert_true (found);

  patched = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Main entrance\",\"description\":null}", -1);
  data = test_expect_object (patched, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Main entrance");
  g_assert_true (json_object_get_null_member (data, "description"));

  deleted = test_http (shared, "DELETE", path, token, NULL, NULL, 0);
  data = test_expect_object (deleted, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  gone = test_http (shared, "GET", path, token, NULL, NULL, 0);
  test_expect_error (gone, 404);
}

static void
test_bad_input (void)
{
  const char *bodies[] = {
    "{}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":7}", "{\"name\":\"x\",\"color\":\"red\"}",
    "{\"name\":\"x\",\"description\":5}", "{\"name\"", "[\"x\"]",
  };
  g_autofree char *long_name = g_strnfill (300, 'g');
  g_autofree char *long_body = g_strdup_printf ("{\"name\":\"%s\"}", long_name);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "POST", "/display-groups", token, NULL, bodies[i], -1);
      test_expect_error (response, 400);
    }
  {
    g_autoptr(TestResponse) response = test_http (shared, "POST", "/display-groups", token, NULL, long_body, -1);
    test_expect_error (response, 400);
  }
  {
    const char *missing[] = { "/display-groups/nope", "/display-groups/00000000-0000-4000-8000-000000000000" };

    for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
      {
        g_autoptr(TestResponse) get = test_http (shared, "GET", missing[i], token, NULL, NULL, 0);
        g_autoptr(TestResponse) patch = test_http (shared, "PATCH", missing[i], token, NULL, "{\"name\":\"x\"}", -1);
        g_autoptr(TestResponse) drop = test_http (shared, "DELETE", missing[i], token, NULL, NULL, 0);

        test_expect_error (get, 404);
        test_expect_error (patch, 404);
        test_expect_error (drop, 404);
      }
  }
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", "/display-groups?limit=500", token, NULL, NULL, 0);
    test_expect_error (response, 400);
  }
}

static void
test_membership (void)
{
  g_autoptr(TestResponse) created = NULL;
  JsonObject *group = create_group ("{\"name\":\"Kitchen\"}", &created);
  g_autofree char *id = g_strdup (json_object_get_string_member (group, "id"));
  g_autofree char *members_path = g_strconcat ("/display-groups/", id, "/displays", NULL);
  g_autofree char *a = vz_test_server_pair_screen (shared, token, "Fridge", NULL);
  g_autofree char *b = vz_test_server_pair_screen (shared, token, "Oven", NULL);
  g_autofree char *both = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\"]}", a, b);
  g_autofree char *only_a = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", a);
  g_autofree char *with_unknown = g_strdup_printf ("{\"displayIds\":[\"%s\",\"00000000-0000-4000-8000-000000000000\"]}", b);
  g_autofree char *display_path = g_strconcat ("/displays/", b, NULL);
  g_autoptr(TestResponse) added = NULL;
  g_autoptr(TestResponse) twice = NULL;
  g_autoptr(TestResponse) unknown = NULL;
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(TestResponse) detail = NULL;
  JsonObject *data;
  JsonArray *displays;
  JsonArray *groups;

  added = test_http (shared, "POST", members_path, token, NULL, both, -1);
  data = test_expect_object (added, 201);
  displays = json_object_get_array_member (data, "displays");
  g_assert_cmpint (member_count (data), ==, 2);
  g_assert_true (array_has_display (displays, a));
  g_assert_true (array_has_display (displays, b));
  /* The detail names each member. */
  g_assert_nonnull (json_object_get_object_member (json_array_get_object_element (displays, 0), "display"));

  /* Adding again is harmless. */
  twice = test_http (shared, "POST", members_path, token, NULL, both, -1);
  g_assert_cmpint (member_count (test_expect_object (twice, 201)), ==, 2);

  /* All or nothing: one unknown id rejects the request. */
  unknown = test_http (shared, "POST", members_path, token, NULL, with_unknown, -1);
  test_expect_error (unknown, 404);

  /* The display's detail lists its groups. */
  detail = test_http (shared, "GET", display_path, token, NULL, NULL, 0);
  groups = json_object_get_array_member (test_expect_object (detail, 200), "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (groups, 0),
                                                                                 "displayGroup"), "name"), ==, "Kitchen");

  removed = test_http (shared, "DELETE", members_path, token, NULL, only_a, -1);
  data = test_expect_object (removed, 200);
  displays = json_object_get_array_member (data, "displays");
  g_assert_false (array_has_display (displays, a));
  g_assert_true (array_has_display (displays, b));

  {
    const char *bad[] = { "{}", "{\"displayIds\":[]}", "{\"displayIds\":[3]}", "{\"displayIds\":\"x\"}" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(TestResponse) r1 = test_http (shared, "POST", members_path, token, NULL, bad[i], -1);
        g_autoptr(TestResponse) r2 = test_http (shared, "DELETE", members_path, token, NULL, bad[i], -1);

        test_expect_error (r1, 400);
        test_expect_error (r2, 400);
      }
  }
  {
    g_autoptr(TestResponse) r = test_http (shared, "POST", "/display-groups/missing/displays", token, NULL, only_a, -1);
    test_expect_error (r, 404);
  }
}

static void
test_bulk_assign_group (void)
{
  g_autoptr(TestResponse) created = NULL;
  JsonObject *group = create_group ("{\"name\":\"Bulk\"}", &created);
  g_autofree char *id = g_strdup (json_object_get_string_member (group, "id"));
  g_autofree char *path = g_strconcat ("/display-groups/", id, NULL);
  g_autofree char *a = vz_test_server_pair_screen (shared, token, "Bulk 1", NULL);
  g_autofree char *b = vz_test_server_pair_screen (shared, token, "Bulk 2", NULL);
  g_autofree char *body = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\"],\"displayGroupId\":\"%s\"}", a, b, id);
  g_autofree char *missing_group = g_strdup_printf ("{\"displayIds\":[\"%s\"],\"displayGroupId\":\"nope\"}", a);
  g_autoptr(TestResponse) first = test_http (shared, "POST", "/displays/bulk/assign-group", token, NULL, body, -1);
  g_autoptr(TestResponse) again = test_http (shared, "POST", "/displays/bulk/assign-group", token, NULL, body, -1);
  g_autoptr(TestResponse) bad = test_http (shared, "POST", "/displays/bulk/assign-group", token, NULL, missing_group, -1);
  g_autoptr(TestResponse) detail = test_http (shared, "GET", path, token, NULL, NULL, 0);

  g_assert_cmpint (json_object_get_int_member (test_expect_object (first, 201), "added"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (test_expect_object (again, 201), "added"), ==, 0);
  test_expect_error (bad, 404);
  g_assert_cmpint (member_count (test_expect_object (detail, 200)), ==, 2);
}

static void
test_group_if_match (void)
{
  g_autoptr(TestResponse) created = NULL;
  JsonObject *group = create_group ("{\"name\":\"Versioned\"}", &created);
  g_autofree char *path = g_strconcat ("/display-groups/", json_object_get_string_member (group, "id"), NULL);
  g_autofree char *header = test_if_match_header (json_object_get_string_member (group, "updatedAt"));
  const char *headers[] = { header, NULL };
  g_autoptr(TestResponse) first = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"V2\"}", -1);
  g_autoptr(TestResponse) stale = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"V3\"}", -1);
  g_autoptr(TestResponse) stale_delete = test_http (shared, "DELETE", path, token, headers, NULL, 0);
  const char *star[] = { "If-Match: *", NULL };
  g_autoptr(TestResponse) any = test_http (shared, "DELETE", path, token, star, NULL, 0);

  test_expect_data (first, 200);
  test_expect_error (stale, 412);
  test_expect_error (stale_delete, 412);
  test_expect_data (any, 200);
}

static void
test_deleting_display_leaves_group (void)
{
  g_autoptr(TestResponse) created = NULL;
  JsonObject *group = create_group ("{\"name\":\"Shrinking\"}", &created);
  g_autofree char *id = g_strdup (json_object_get_string_member (group, "id"));
  g_autofree char *path = g_strconcat ("/display-groups/", id, NULL);
  g_autofree char *members_path = g_strconcat (path, "/displays", NULL);
  g_autofree char *a = vz_test_server_pair_screen (shared, token, "Temporary", NULL);
  g_autofree char *body = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", a);
  g_autofree char *display_path = g_strconcat ("/displays/", a, NULL);
  g_autoptr(TestResponse) added = test_http (shared, "POST", members_path, token, NULL, body, -1);
  g_autoptr(TestResponse) drop = NULL;
  g_autoptr(TestResponse) after = NULL;

  test_expect_data (added, 201);
  drop = test_http (shared, "DELETE", display_path, token, NULL, NULL, 0);
  test_expect_data (drop, 200);
  after = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpint (member_count (test_expect_object (after, 200)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/groups/crud", test_crud);
  g_test_add_func ("/server/groups/bad-input", test_bad_input);
  g_test_add_func ("/server/groups/membership", test_membership);
  g_test_add_func ("/server/groups/bulk-assign", test_bulk_assign_group);
  g_test_add_func ("/server/groups/if-match", test_group_if_match);
  g_test_add_func ("/server/groups/display-deleted", test_deleting_display_leaves_group);

  result = g_test_run ();
  g_free (token);
  vz_test_server_free (shared);
  return result;
}
