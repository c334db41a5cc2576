/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-playlists"

#include <string.h>

#include "server-test-util.h"

/* Playlists, their items, reordering and assignment to screens against the real vizora-server. */

static VzTestServer *shared;
static char *token;

static char *
create_content (const char *name,
                gint64      duration)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\","
                                           "\"duration\":%" G_GINT64_FORMAT "}", name, name, duration);
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/content", token, NULL, body, -1);

  return g_strdup (json_object_get_string_member (test_expect_object (created, 201), "id"));
}

/* The answer's data object, kept alive by the response the caller frees. */
static JsonObject *
call (const char    *method,
      const char    *path,
      const char    *body,
      guint          status,
      TestResponse **keep)
{
  *keep = test_http (shared, method, path, token, NULL, body, body != NULL ? -1 : 0);
  return test_expect_object (*keep, status);
}

static const char *
call_error (const char *method,
            const char *path,
            const char *body,
            guint       status)
{
  /* The message outlives the response: tests compare it right away. */
  static char *message;
  g_autoptr(TestResponse) response = test_http (shared, method, path, token, NULL, body, body != NULL ? -1 : 0);

  g_free (message);
  message = g_strdup (test_expect_error (response, status));
  return message;
}

static JsonObject *
item_at (JsonObject *playlist,
         guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (playlist, "items"), i);
}

static const char *
item_content (JsonObject *playlist,
              guint       i)
{
  return json_object_get_string_member (item_at (playlist, i), "contentId");
}

static char *
item_id (JsonObject *playlist,
         guint       i)
{
  return g_strdup (json_object_get_string_member (item_at (playlist, i), "id"));
}

static void
test_crud (void)
{
  g_autofree char *a = create_content ("crud-a", 12);
  g_autofree char *b = create_content ("crud-b", 20);
  g_autofree char *body = g_strdup_printf ("{\"name\":\" Morning \",\"description\":\"Breakfast\",\"items\":"
                                           "[{\"contentId\":\"%s\",\"duration\":5},{\"contentId\":\"%s\"}]}", a, b);
  g_autoptr(TestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", body, 201, &r1);
  g_autofree char *id = g_strdup (json_object_get_string_member (playlist, "id"));
  g_autofree char *path = g_strconcat ("/playlists/", id, NULL);
  g_autofree char *dup_path = g_strconcat (path, "/duplicate", NULL);
  g_autofree char *replace = g_strdup_printf ("{\"name\":\"Noon\",\"loop\":false,\"items\":[{\"contentId\":\"%s\"}]}", b);
  JsonObject *data;
  JsonObject *item;
  JsonArray *list;
  gboolean found = FALSE;

  g_assert_cmpstr (json_object_get_string_member (playlist, "name"), ==, "Morning");
  g_assert_cmpstr (json_object_get_string_member (playlist, "description"), ==, "Breakfast");
  g_assert_true (json_object_get_boolean_member (playlist, "loop"));
  g_assert_false (json_object_get_boolean_member (playlist, "isDefault"));
  g_assert_cmpint (json_object_get_int_member (playlist, "itemCount"), ==, 2);
  /* 5 s of its own, then b's own 20 s. */
  g_assert_cmpint (json_object_get_int_member (playlist, "totalDuration"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (playlist, "_count"), "schedules"), ==, 0);
  item = item_at (playlist, 1);
  g_assert_cmpstr (json_object_get_string_member (item, "playlistId"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (item, "contentId"), ==, b);
  g_assert_cmpint (json_object_get_int_member (item, "order"), ==, 1);
  g_assert_true (json_object_get_null_member (item, "duration"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "content"), "name"), ==, "crud-b");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (item, "content"), "duration"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "content"), "type"), ==, "url");

  data = call ("GET", path, NULL, 200, &r2);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 2);

  list = json_object_get_array_member (call ("GET", "/playlists?limit=100", NULL, 200, &r3), "data");
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "id"), id))
      {
        found = TRUE;
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, i), "totalDuration"), ==, 25);
      }
  g_assert_true (found);

  /* An items member replaces the whole list. */
  data = call ("PATCH", path, replace, 200, &r4);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Noon");
  g_assert_false (json_object_get_boolean_member (data, "loop"));
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 1);
  g_assert_cmpstr (item_content (data, 0), ==, b);
  g_assert_cmpint (json_object_get_int_member (data, "totalDuration"), ==, 20);

  data = call ("POST", dup_path, NULL, 201, &r5);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Noon (Copy)");
  g_assert_cmpstr (json_object_get_string_member (data, "id"), !=, id);
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 1);
  g_assert_cmpstr (item_content (data, 0), ==, b);
  g_assert_false (json_object_get_boolean_member (data, "loop"));
  g_assert_cmpstr (json_object_get_string_member (item_at (data, 0), "id"), !=,
                   json_object_get_string_member (item_at (json_object_get_object_member (json_node_get_object (r4->body),
                                                                                           "data"), 0), "id"));

  data = call ("DELETE", path, NULL, 200, &r6);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_cmpstr (call_error ("GET", path, NULL, 404), ==, "Playlist not found");
}

static void
test_items (void)
{
  g_autofree char *a = create_content ("items-a", 10);
  g_autofree char *b = create_content ("items-b", 10);
  g_autoptr(TestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", "{\"name\":\"Items\"}", 201, &r1);
  g_autofree char *path = g_strconcat ("/playlists/", json_object_get_string_member (playlist, "id"), NULL);
  g_autofree char *items_path = g_strconcat (path, "/items", NULL);
  g_autofree char *add_a = g_strdup_printf ("{\"contentId\":\"%s\"}", a);
  g_autofree char *add_b = g_strdup_printf ("{\"contentId\":\"%s\",\"duration\":86400}", b);
  g_autofree char *first = NULL;
  g_autofree char *first_path = NULL;
  JsonObject *data;

  g_assert_cmpint (json_object_get_int_member (playlist, "itemCount"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (playlist, "totalDuration"), ==, 0);

  /* Added items default to 30 s and go last. */
  data = call ("POST", items_path, add_a, 201, &r2);
  g_assert_cmpint (json_object_get_int_member (data, "duration"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (data, "order"), ==, 0);
  first = g_strdup (json_object_get_string_member (data, "id"));
  first_path = g_strconcat (items_path, "/", first, NULL);
  data = call ("POST", items_path, add_b, 201, &r3);
  g_assert_cmpint (json_object_get_int_member (data, "order"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "playlist"), "totalDuration"), ==, 86430);

  data = call ("PATCH", first_path, "{\"duration\":1}", 200, &r4);
  g_assert_cmpint (json_object_get_int_member (data, "duration"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "playlist"), "totalDuration"), ==, 86401);

  data = call ("DELETE", first_path, NULL, 200, &r5);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, first);
  data = json_object_get_object_member (data, "playlist");
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 1);
  /* The order closes up. */
  g_assert_cmpint (json_object_get_int_member (item_at (data, 0), "order"), ==, 0);
  g_assert_cmpstr (call_error ("DELETE", first_path, NULL, 404), ==, "Playlist item not found");
  g_assert_cmpstr (call_error ("PATCH", first_path, "{\"duration\":5}", 404), ==, "Playlist item not found");

  /* Durations out of range, wrong types, unknown content. */
  {
    const char *bad[] = { "{\"duration\":0}", "{\"duration\":86401}", "{\"duration\":1.5}", "{\"duration\":\"9\"}",
                          "{\"duration\":-1}", "{}", "{\"duration\":5,\"order\":2}" };
    g_autofree char *second = item_id (data, 0);
    g_autofree char *second_path = g_strconcat (items_path, "/", second, NULL);

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      call_error ("PATCH", second_path, bad[i], 400);
    g_assert_nonnull (strstr (call_error ("PATCH", second_path, "{\"duration\":0}", 400), "duration must not be less than 1"));
    g_assert_nonnull (strstr (call_error ("PATCH", second_path, "{\"duration\":86401}", 400), "not be greater than 86400"));
  }
  {
    g_autofree char *zero = g_strdup_printf ("{\"contentId\":\"%s\",\"duration\":0}", a);
    g_autofree char *huge = g_strdup_printf ("{\"contentId\":\"%s\",\"duration\":100000}", a);

    call_error ("POST", items_path, zero, 400);
    call_error ("POST", items_path, huge, 400);
    call_error ("POST", items_path, "{}", 400);
    call_error ("POST", items_path, "{\"contentId\":5}", 400);
    g_assert_nonnull (strstr (call_error ("POST", items_path, "{\"contentId\":\"nope\"}", 404), "Content not found: nope"));
    call_error ("POST", "/playlists/nope/items", add_a, 404);
  }
  data = call ("GET", path, NULL, 200, &r6);
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 1);
}

static void
test_reorder (void)
{
  g_autofree char *a = create_content ("order-a", 10);
  g_autofree char *b = create_content ("order-b", 10);
  g_autofree char *c = create_content ("order-c", 10);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Order\",\"items\":[{\"contentId\":\"%s\"},{\"contentId\":\"%s\"},"
                                           "{\"contentId\":\"%s\"}]}", a, b, c);
  g_autoptr(TestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", body, 201, &r1);
  g_autofree char *path = g_strconcat ("/playlists/", json_object_get_string_member (playlist, "id"), "/reorder", NULL);
  g_autofree char *get_path = g_strconcat ("/playlists/", json_object_get_string_member (playlist, "id"), NULL);
  g_autofree char *i0 = item_id (playlist, 0);
  g_autofree char *i1 = item_id (playlist, 1);
  g_autofree char *i2 = item_id (playlist, 2);
  g_autofree char *good = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\",\"%s\"]}", i1, i2, i0);
  g_autofree char *omits = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\"]}", i1, i0);
  g_autofree char *twice = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\",\"%s\"]}", i1, i1, i0);
  g_autofree char *extra = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\",\"%s\",\"%s\"]}", i1, i2, i0, i0);
  g_autofree char *foreign = g_strdup_printf ("{\"itemIds\":[\"%s\",\"%s\",\"someone-else\"]}", i1, i2);
  g_autofree char *not_strings = g_strdup_printf ("{\"itemIds\":[\"%s\",7,\"%s\"]}", i1, i2);
  const char *updated_before = json_object_get_string_member (playlist, "updatedAt");
  JsonObject *data;

  data = call ("POST", path, good, 200, &r2);
  g_assert_cmpstr (item_content (data, 0), ==, b);
  g_assert_cmpstr (item_content (data, 1), ==, c);
  g_assert_cmpstr (item_content (data, 2), ==, a);
  g_assert_cmpint (json_object_get_int_member (item_at (data, 2), "order"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (data, "updatedAt"), !=, updated_before);

  g_assert_nonnull (strstr (call_error ("POST", path, omits, 400), "leaves out 1"));
  g_assert_nonnull (strstr (call_error ("POST", path, twice, 400), "more than once"));
  g_assert_nonnull (strstr (call_error ("POST", path, extra, 400), "more than once"));
  g_assert_nonnull (strstr (call_error ("POST", path, foreign, 404), "someone-else"));
  call_error ("POST", path, not_strings, 400);
  call_error ("POST", path, "{\"itemIds\":[]}", 400);
  call_error ("POST", path, "{\"itemIds\":\"x\"}", 400);
  call_error ("POST", path, "{}", 400);
  call_error ("POST", "/playlists/nope/reorder", good, 404);
  {
    /* Bodies over the routes' limits: 512 KiB for a whole list, 16 KiB for one item. */
    g_autofree char *filler = g_strnfill (520 * 1024, 'x');
    g_autofree char *huge = g_strdup_printf ("{\"itemIds\":[\"%s\"]}", filler);
    g_autofree char *items_path = g_strconcat (get_path, "/items", NULL);
    g_autofree char *big_item = g_strdup_printf ("{\"contentId\":\"%.*s\"}", 17 * 1024, filler);

    call_error ("POST", path, huge, 413);
    call_error ("POST", items_path, big_item, 413);
  }

  /* Nothing of a refused reorder stayed. */
  data = call ("GET", get_path, NULL, 200, &r3);
  g_assert_cmpstr (item_content (data, 0), ==, b);
  g_assert_cmpstr (item_content (data, 1), ==, c);
  g_assert_cmpstr (item_content (data, 2), ==, a);
}

static void
test_bad_input (void)
{
  g_autofree char *long_name = g_strnfill (300, 'p');
  g_autofree char *long_body = g_strdup_printf ("{\"name\":\"%s\"}", long_name);
  const char *bodies[] = {
    "{}", "{\"name\":\"\"}", "{\"name\":\"  \"}", "{\"name\":3}", "{\"name\":\"x\",\"loop\":\"yes\"}",
    "{\"name\":\"x\",\"items\":{}}", "{\"name\":\"x\",\"items\":[5]}", "{\"name\":\"x\",\"items\":[{}]}",
    "{\"name\":\"x\",\"items\":[{\"contentId\":\"c\",\"colour\":1}]}", "{\"name\":\"x\",\"owner\":\"me\"}",
    "{\"name\"", "[1]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    call_error ("POST", "/playlists", bodies[i], 400);
  call_error ("POST", "/playlists", long_body, 400);
  g_assert_nonnull (strstr (call_error ("POST", "/playlists", "{\"name\":\"x\",\"items\":[{\"contentId\":\"nope\"}]}", 404),
                            "Content not found"));
  {
    g_autofree char *a = create_content ("bad-dur", 10);
    g_autofree char *bad_duration = g_strdup_printf ("{\"name\":\"x\",\"items\":[{\"contentId\":\"%s\",\"duration\":0}]}", a);

    g_assert_nonnull (strstr (call_error ("POST", "/playlists", bad_duration, 400), "items.duration"));
  }
  {
    const char *missing[] = { "/playlists/nope", "/playlists/00000000-0000-4000-8000-000000000000" };

    for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
      {
        g_autofree char *dup = g_strconcat (missing[i], "/duplicate", NULL);

        call_error ("GET", missing[i], NULL, 404);
        call_error ("PATCH", missing[i], "{\"name\":\"x\"}", 404);
        call_error ("DELETE", missing[i], NULL, 404);
        call_error ("POST", dup, NULL, 404);
      }
  }
  call_error ("GET", "/playlists?limit=101", NULL, 400);
  call_error ("GET", "/playlists?sort=name", NULL, 400);
  {
    /* Over the route's body limit. */
    GString *big = g_string_new ("{\"name\":\"big\",\"items\":[");

    while (big->len < 600 * 1024)
      g_string_append (big, "{\"contentId\":\"00000000-0000-4000-8000-000000000000\"},");
    g_string_append (big, "{\"contentId\":\"x\"}]}");
    call_error ("POST", "/playlists", big->str, 413);
    g_string_free (big, TRUE);
  }
  {
    /* More items than a playlist may hold. */
    GString *many = g_string_new ("{\"name\":\"many\",\"items\":[");

    for (guint i = 0; i <= 5000; i++)
      g_string_append_printf (many, "%s{\"contentId\":\"c\"}", i > 0 ? "," : "");
    g_string_append (many, "]}");
    g_assert_nonnull (strstr (call_error ("POST", "/playlists", many->str, 400), "no more than 5000"));
    g_string_free (many, TRUE);
  }
}

static void
test_assign (void)
{
  g_autofree char *a = create_content ("assign-a", 10);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Lobby loop\",\"items\":[{\"contentId\":\"%s\"}]}", a);
  g_autoptr(TestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL, r7 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", body, 201, &r1);
  const char *playlist_id = json_object_get_string_member (playlist, "id");
  g_autofree char *screen_a = vz_test_server_pair_screen (shared, token, "Assign A", NULL);
  g_autofree char *screen_b = vz_test_server_pair_screen (shared, token, "Assign B", NULL);
  g_autofree char *path_a = g_strconcat ("/displays/", screen_a, NULL);
  g_autofree char *path_b = g_strconcat ("/displays/", screen_b, NULL);
  g_autofree char *assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", playlist_id);
  g_autofree char *bulk = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\",\"%s\"],\"playlistId\":\"%s\"}",
                                           screen_a, screen_b, screen_a, playlist_id);
  g_autofree char *bulk_unknown = g_strdup_printf ("{\"displayIds\":[\"%s\",\"00000000-0000-4000-8000-000000000000\"],"
                                                   "\"playlistId\":\"%s\"}", screen_a, playlist_id);
  g_autofree char *bulk_clear = g_strdup_printf ("{\"displayIds\":[\"%s\"],\"playlistId\":null}", screen_b);
  g_autofree char *playlist_path = g_strconcat ("/playlists/", playlist_id, NULL);
  JsonObject *data;

  data = call ("PATCH", path_a, assign, 200, &r2);
  g_assert_cmpstr (json_object_get_string_member (data, "currentPlaylistId"), ==, playlist_id);
  /* [local] A screen that never heartbeat has said nothing about what it shows. */
  g_assert_true (json_object_get_null_member (data, "currentContent"));
  g_assert_cmpstr (call_error ("PATCH", path_a, "{\"currentPlaylistId\":\"nope\"}", 404), ==, "Playlist not found");

  data = call ("POST", "/displays/bulk/assign-playlist", bulk, 201, &r3);
  g_assert_cmpint (json_object_get_int_member (data, "updated"), ==, 2);
  data = call ("GET", path_b, NULL, 200, &r4);
  g_assert_cmpstr (json_object_get_string_member (data, "currentPlaylistId"), ==, playlist_id);
  call_error ("POST", "/displays/bulk/assign-playlist", bulk_unknown, 404);
  call_error ("POST", "/displays/bulk/assign-playlist", "{\"displayIds\":[],\"playlistId\":\"x\"}", 400);
  call_error ("POST", "/displays/bulk/assign-playlist", "{\"displayIds\":[\"x\"]}", 400);
  {
    g_autofree char *unknown_playlist = g_strdup_printf ("{\"displayIds\":[\"%s\"],\"playlistId\":\"nope\"}", screen_a);

    call_error ("POST", "/displays/bulk/assign-playlist", unknown_playlist, 404);
  }

  /* [local] null unassigns. */
  data = call ("POST", "/displays/bulk/assign-playlist", bulk_clear, 201, &r5);
  g_assert_cmpint (json_object_get_int_member (data, "updated"), ==, 1);

  /* Deleting the playlist leaves its screens without one. */
  data = call ("DELETE", playlist_path, NULL, 200, &r6);
  g_assert_cmpint (json_object_get_int_member (data, "unassignedDisplays"), ==, 1);
  data = call ("GET", path_a, NULL, 200, &r7);
  g_assert_true (json_object_get_null_member (data, "currentPlaylistId"));
}

static void
test_content_delete_removes_items (void)
{
  g_autofree char *a = create_content ("gone-a", 10);
  g_autofree char *b = create_content ("gone-b", 10);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Gone\",\"items\":[{\"contentId\":\"%s\"},{\"contentId\":\"%s\"},"
                                           "{\"contentId\":\"%s\"}]}", a, b, a);
  g_autoptr(TestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", body, 201, &r1);
  g_autofree char *path = g_strconcat ("/playlists/", json_object_get_string_member (playlist, "id"), NULL);
  g_autofree char *content_path = g_strconcat ("/content/", a, NULL);
  JsonObject *data;

  data = call ("DELETE", content_path, NULL, 200, &r2);
  g_assert_cmpint (json_object_get_int_member (data, "removedFromPlaylists"), ==, 2);
  data = call ("GET", path, NULL, 200, &r3);
  g_assert_cmpint (json_object_get_int_member (data, "itemCount"), ==, 1);
  g_assert_cmpstr (item_content (data, 0), ==, b);
  g_assert_cmpint (json_object_get_int_member (item_at (data, 0), "order"), ==, 0);
}

static void
test_roles_and_if_match (void)
{
  g_autoptr(TestResponse) r1 = NULL;
  JsonObject *playlist = call ("POST", "/playlists", "{\"name\":\"Guarded\"}", 201, &r1);
  g_autofree char *path = g_strconcat ("/playlists/", json_object_get_string_member (playlist, "id"), NULL);
  g_autofree char *header = test_if_match_header (json_object_get_string_member (playlist, "updatedAt"));
  const char *headers[] = { header, NULL };
  g_autofree char *viewer = NULL;
  g_autofree char *manager = NULL;

  test_add_user (shared, "viewer@playlists.test", "viewer-password-1", "viewer");
  test_add_user (shared, "manager@playlists.test", "manager-password-1", "manager");
  viewer = test_login_as (shared, "viewer@playlists.test", "viewer-password-1");
  manager = test_login_as (shared, "manager@playlists.test", "manager-password-1");
  {
    g_autoptr(TestResponse) read = test_http (shared, "GET", path, viewer, NULL, NULL, 0);
    g_autoptr(TestResponse) write = test_http (shared, "PATCH", path, viewer, NULL, "{\"name\":\"x\"}", -1);
    g_autoptr(TestResponse) create = test_http (shared, "POST", "/playlists", viewer, NULL, "{\"name\":\"v\"}", -1);
    g_autoptr(TestResponse) manager_rename = test_http (shared, "PATCH", path, manager, NULL, "{\"name\":\"M\"}", -1);
    g_autoptr(TestResponse) manager_delete = test_http (shared, "DELETE", path, manager, NULL, NULL, 0);

    test_expect_data (read, 200);
    test_expect_error (write, 403);
    test_expect_error (create, 403);
    test_expect_data (manager_rename, 200);
    test_expect_error (manager_delete, 403);
  }
  {
    /* The rename above moved the version on. */
    g_autoptr(TestResponse) stale = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"Late\"}", -1);
    g_autoptr(TestResponse) stale_delete = test_http (shared, "DELETE", path, token, headers, NULL, 0);

    test_expect_error (stale, 412);
    test_expect_error (stale_delete, 412);
  }
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/playlists/crud", test_crud);
  g_test_add_func ("/server/playlists/items", test_items);
  g_test_add_func ("/server/playlists/reorder", test_reorder);
  g_test_add_func ("/server/playlists/bad-input", test_bad_input);
  g_test_add_func ("/server/playlists/assign", test_assign);
  g_test_add_func ("/server/playlists/content-deleted", test_content_delete_removes_items);
  g_test_add_func ("/server/playlists/roles-if-match", test_roles_and_if_match);

  result = g_test_run ();
  g_free (token);
  vz_test_server_free (shared);
  return result;
}
