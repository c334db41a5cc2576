/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-tags"

#include <string.h>

#include "server-test-util.h"

/*
 * Tags against the real vizora-server: POST /tags, GET /content/tags with
 * counts, POST /content/bulk/tags (add, remove, replace), the tags of a
 * content item, and the ?tagIds filter of the content list.
 */

static VzTestServer *shared;
static char *token;

static char *
create_content (const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\"}",
                                           name, name);
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/content", token, NULL, body, -1);

  return g_strdup (json_object_get_string_member (test_expect_object (created, 201), "id"));
}

static char *
create_tag (const char *body)
{
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/tags", token, NULL, body, -1);
  JsonObject *tag = test_expect_object (created, 201);

  g_assert_cmpint (json_object_get_int_member (tag, "contentCount"), ==, 0);
  return g_strdup (json_object_get_string_member (tag, "id"));
}

/* The tag names of content @id, sorted, comma-separated. */
static char *
tag_names (const char *id)
{
  g_autofree char *path = g_strconcat ("/content/", id, NULL);
  g_autoptr(TestResponse) response = test_http (shared, "GET", path, token, NULL, NULL, 0);
  JsonArray *tags = json_object_get_array_member (test_expect_object (response, 200), "tags");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonObject *tag = json_object_get_object_member (json_array_get_object_element (tags, i), "tag");

      g_assert_true (json_object_has_member (tag, "id"));
      g_assert_true (json_object_has_member (tag, "color"));
      g_ptr_array_add (names, (gpointer) json_object_get_string_member (tag, "name"));
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* contentCount of the tag named @name in GET /content/tags (-1: not listed). */
static gint64
listed_count (const char *name)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", "/content/tags", token, NULL, NULL, 0);
  JsonArray *tags = json_node_get_array (test_expect_data (response, 200));

  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonObject *tag = json_array_get_object_element (tags, i);

      if (g_str_equal (json_object_get_string_member (tag, "name"), name))
        return json_object_get_int_member (tag, "contentCount");
    }
  return -1;
}

static JsonObject *
bulk (const char    *body,
      guint          status,
      TestResponse **keep)
{
  *keep = test_http (shared, "POST", "/content/bulk/tags", token, NULL, body, -1);
  return status == 200 ? test_expect_object (*keep, 200) : NULL;
}

static void
test_create (void)
{
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/tags", token, NULL,
                                               "{\"name\":\" Lobby \",\"color\":\"#0af\"}", -1);
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) bad_color = NULL;
  g_autoptr(TestResponse) empty = NULL;
  g_autoptr(TestResponse) unknown = NULL;
  g_autoptr(TestResponse) plain = NULL;
  JsonObject *tag = test_expect_object (created, 201);
  const char *colour;

  g_assert_cmpstr (json_object_get_string_member (tag, "name"), ==, "Lobby");
  g_assert_cmpstr (json_object_get_string_member (tag, "color"), ==, "#00AAFF");
  g_assert_cmpint (json_object_get_int_member (tag, "contentCount"), ==, 0);
  g_assert_cmpint (listed_count ("Lobby"), ==, 0);

  /* Names are unique whatever their case. */
  again = test_http (shared, "POST", "/tags", token, NULL, "{\"name\":\"LOBBY\"}", -1);
  g_assert_nonnull (strstr (test_expect_error (again, 409), "“Lobby” already exists"));
  bad_color = test_http (shared, "POST", "/tags", token, NULL, "{\"name\":\"x\",\"color\":\"blue\"}", -1);
  g_assert_nonnull (strstr (test_expect_error (bad_color, 400), "hexadecimal"));
  empty = test_http (shared, "POST", "/tags", token, NULL, "{\"name\":\"  \"}", -1);
  test_expect_error (empty, 400);
  unknown = test_http (shared, "POST", "/tags", token, NULL, "{\"name\":\"y\",\"weight\":1}", -1);
  g_assert_nonnull (strstr (test_expect_error (unknown, 400), "weight should not exist"));

  /* Without a colour one is chosen. */
  plain = test_http (shared, "POST", "/tags", token, NULL, "{\"name\":\"Plain\"}", -1);
  colour = json_object_get_string_member (test_expect_object (plain, 201), "color");
  g_assert_true (colour != NULL && colour[0] == '#' && strlen (colour) == 7);
}

static void
test_bulk (void)
{
  g_autofree char *one = create_content ("one");
  g_autofree char *two = create_content ("two");
  g_autofree char *three = create_content ("three");
  g_autofree char *red = create_tag ("{\"name\":\"Red\"}");
  g_autofree char *blue = create_tag ("{\"name\":\"Blue\"}");
  g_autofree char *body = NULL;
  g_autofree char *names = NULL;
  g_autofree char *path = g_strconcat ("/content/", one, NULL);
  g_autoptr(TestResponse) before = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_autoptr(TestResponse) added = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(TestResponse) replaced = NULL;
  g_autoptr(TestResponse) cleared = NULL;
  g_autofree char *version_before = g_strdup (json_object_get_string_member (test_expect_object (before, 200),
                                                                             "updatedAt"));
  JsonObject *answer;

  /* Add both tags to one and two. */
  body = g_strdup_printf ("{\"contentIds\":[\"%s\",\"%s\"],\"tagIds\":[\"%s\",\"%s\"],\"operation\":\"add\"}",
                          one, two, red, blue);
  answer = bulk (body, 200, &added);
  g_assert_cmpint (json_object_get_int_member (answer, "count"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "content")), ==, 2);
  names = tag_names (one);
  g_assert_cmpstr (names, ==, "Blue,Red");
  g_assert_cmpint (listed_count ("Red"), ==, 2);
  g_assert_cmpint (listed_count ("Blue"), ==, 2);

  /* The change made a new version of the item. */
  {
    g_autoptr(TestResponse) after = test_http (shared, "GET", path, token, NULL, NULL, 0);

    g_assert_cmpstr (json_object_get_string_member (test_expect_object (after, 200), "updatedAt"), >,
                     version_before);
  }

  /* Adding what is there changes nothing. */
  answer = bulk (body, 200, &again);
  g_assert_cmpint (json_object_get_int_member (answer, "count"), ==, 0);

  /* Remove Red from one (and from three, which has none). */
  g_free (body);
  body = g_strdup_printf ("{\"contentIds\":[\"%s\",\"%s\"],\"tagIds\":[\"%s\"],\"operation\":\"remove\"}",
                          one, three, red);
  answer = bulk (body, 200, &removed);
  g_assert_cmpint (json_object_get_int_member (answer, "count"), ==, 1);
  g_free (names);
  names = tag_names (one);
  g_assert_cmpstr (names, ==, "Blue");
  g_assert_cmpint (listed_count ("Red"), ==, 1);

  /* The filter: content with every named tag. */
  {
    g_autofree char *both = g_strdup_printf ("/content?tagIds=%s,%s&limit=100", red, blue);
    g_autofree char *only_blue = g_strdup_printf ("/content?tagIds=%s&limit=100", blue);
    g_autoptr(TestResponse) with_both = test_http (shared, "GET", both, token, NULL, NULL, 0);
    g_autoptr(TestResponse) with_blue = test_http (shared, "GET", only_blue, token, NULL, NULL, 0);
    JsonArray *items = json_object_get_array_member (test_expect_object (with_both, 200), "data");

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "id"), ==, two);
    items = json_object_get_array_member (test_expect_object (with_blue, 200), "data");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
  }

  /* Replace: three gets exactly Red; replacing with no tags clears two. */
  g_free (body);
  body = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[\"%s\"],\"operation\":\"replace\"}", three, red);
  bulk (body, 200, &replaced);
  g_free (names);
  names = tag_names (three);
  g_assert_cmpstr (names, ==, "Red");
  g_free (body);
  body = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[],\"operation\":\"replace\"}", two);
  answer = bulk (body, 200, &cleared);
  g_assert_cmpint (json_object_get_int_member (answer, "count"), ==, 1);
  g_free (names);
  names = tag_names (two);
  g_assert_cmpstr (names, ==, "");
  g_assert_cmpint (listed_count ("Blue"), ==, 1);
  g_assert_cmpint (listed_count ("Red"), ==, 1);
}

static void
test_bulk_refused (void)
{
  g_autofree char *item = create_content ("refused");
  g_autofree char *tag = create_tag ("{\"name\":\"Green\"}");
  g_autofree char *unknown_content = g_strdup_printf ("{\"contentIds\":[\"nope\"],\"tagIds\":[\"%s\"],"
                                                      "\"operation\":\"add\"}", tag);
  g_autofree char *unknown_tag = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[\"nope\"],"
                                                  "\"operation\":\"add\"}", item);
  g_autofree char *bad_operation = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[\"%s\"],"
                                                    "\"operation\":\"toggle\"}", item, tag);
  g_autofree char *no_tags = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[],\"operation\":\"add\"}", item);
  g_autofree char *extra = g_strdup_printf ("{\"contentIds\":[\"%s\"],\"tagIds\":[\"%s\"],\"operation\":\"add\","
                                            "\"force\":true}", item, tag);
  g_autofree char *names = NULL;
  g_autoptr(TestResponse) r1 = NULL;
  g_autoptr(TestResponse) r2 = NULL;
  g_autoptr(TestResponse) r3 = NULL;
  g_autoptr(TestResponse) r4 = NULL;
  g_autoptr(TestResponse) r5 = NULL;
  g_autoptr(TestResponse) r6 = NULL;

  bulk (unknown_content, 404, &r1);
  g_assert_nonnull (strstr (test_expect_error (r1, 404), "Content not found: nope"));
  bulk (unknown_tag, 404, &r2);
  g_assert_nonnull (strstr (test_expect_error (r2, 404), "Tag not found: nope"));
  bulk (bad_operation, 400, &r3);
  g_assert_nonnull (strstr (test_expect_error (r3, 400), "add, remove, replace"));
  bulk (no_tags, 400, &r4);
  g_assert_nonnull (strstr (test_expect_error (r4, 400), "tagIds must contain at least 1"));
  bulk (extra, 400, &r5);
  g_assert_nonnull (strstr (test_expect_error (r5, 400), "force should not exist"));
  bulk ("{\"contentIds\":\"x\",\"tagIds\":[],\"operation\":\"replace\"}", 400, &r6);
  g_assert_nonnull (strstr (test_expect_error (r6, 400), "contentIds must be an array"));
  /* Nothing of a refused request was applied. */
  names = tag_names (item);
  g_assert_cmpstr (names, ==, "");
}

static void
test_roles (void)
{
  g_autofree char *viewer = NULL;
  g_autoptr(TestResponse) create = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(TestResponse) bulk_tags = NULL;
  g_autoptr(TestResponse) anonymous = NULL;

  test_add_user (shared, "viewer@example.test", "viewer password 123", "viewer");
  viewer = test_login_as (shared, "viewer@example.test", "viewer password 123");
  create = test_http (shared, "POST", "/tags", viewer, NULL, "{\"name\":\"Nope\"}", -1);
  test_expect_error (create, 403);
  bulk_tags = test_http (shared, "POST", "/content/bulk/tags", viewer, NULL,
                         "{\"contentIds\":[\"a\"],\"tagIds\":[\"b\"],\"operation\":\"add\"}", -1);
  test_expect_error (bulk_tags, 403);
  list = test_http (shared, "GET", "/content/tags", viewer, NULL, NULL, 0);
  test_expect_data (list, 200);
  anonymous = test_http (shared, "GET", "/content/tags", NULL, NULL, NULL, 0);
  test_expect_error (anonymous, 401);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/tags/create", test_create);
  g_test_add_func ("/server/tags/bulk", test_bulk);
  g_test_add_func ("/server/tags/bulk-refused", test_bulk_refused);
  g_test_add_func ("/server/tags/roles", test_roles);
  status = g_test_run ();

  g_free (token);
  vz_test_server_free (shared);
  return status;
}
