/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-content"

#include <string.h>

#include "server-test-util.h"

/* Content records (web pages and HTML by address) against the real vizora-server. */

static VzTestServer *shared;
static char *token;

static char *
create_content (const char *body)
{
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/content", token, NULL, body, -1);

  return g_strdup (json_object_get_string_member (test_expect_object (created, 201), "id"));
}

/* The ids of the items of a list answer, in order, as one space-separated string. */
static char *
list_ids (const char *path)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", path, token, NULL, NULL, 0);
  JsonArray *items = json_object_get_array_member (test_expect_object (response, 200), "data");
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      if (i > 0)
        g_string_append_c (ids, ' ');
      g_string_append (ids, json_object_get_string_member (json_array_get_object_element (items, i), "id"));
    }
  return g_string_free (ids, FALSE);
}

static void
test_crud (void)
{
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/content", token, NULL,
                                               "{\"name\":\" <i>Menu</i> board \",\"type\":\"url\","
                                               "\"url\":\"https://example.com/menu\",\"duration\":25}", -1);
  JsonObject *item = test_expect_object (created, 201);
  g_autofree char *id = g_strdup (json_object_get_string_member (item, "id"));
  g_autofree char *path = g_strconcat ("/content/", id, NULL);
  g_autofree char *archive_path = g_strconcat (path, "/archive", NULL);
  g_autoptr(TestResponse) get = NULL;
  g_autoptr(TestResponse) patched = NULL;
  g_autoptr(TestResponse) same = NULL;
  g_autoptr(TestResponse) archived = NULL;
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) gone = NULL;
  JsonObject *data;

  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "Menu board");
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "url");
  g_assert_cmpstr (json_object_get_string_member (item, "url"), ==, "https://example.com/menu");
  g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "active");
  g_assert_cmpint (json_object_get_int_member (item, "duration"), ==, 25);
  g_assert_true (json_object_get_null_member (item, "thumbnail"));
  g_assert_true (json_object_get_null_member (item, "fileSize"));
  g_assert_true (json_object_get_null_member (item, "folderId"));
  g_assert_nonnull (json_object_get_object_member (item, "metadata"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (item, "tags")), ==, 0);
  g_assert_true (json_object_has_member (item, "createdAt"));
  g_assert_true (json_object_has_member (item, "mimeType"));

  get = test_http (shared, "GET", path, token, NULL, NULL, 0);
  data = test_expect_object (get, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (data, "url"), ==, "https://example.com/menu");

  patched = test_http (shared, "PATCH", path, token, NULL,
                       "{\"name\":\"Menu\",\"duration\":40,\"url\":\"http://example.com/menu2\","
                       "\"metadata\":{\"zoom\":2}}", -1);
  data = test_expect_object (patched, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Menu");
  g_assert_cmpint (json_object_get_int_member (data, "duration"), ==, 40);
  g_assert_cmpstr (json_object_get_string_member (data, "url"), ==, "http://example.com/menu2");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "metadata"), "zoom"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (data, "updatedAt"), !=,
                   json_object_get_string_member (item, "updatedAt"));

  /* A PATCH that changes nothing keeps the version. */
  same = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Menu\"}", -1);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (same, 200), "updatedAt"), ==,
                   json_object_get_string_member (data, "updatedAt"));

  archived = test_http (shared, "POST", archive_path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (archived, 200), "status"), ==, "archived");
  /* [local]: back from the archive (the app's Undo of an archive). */
  {
    g_autoptr(TestResponse) restored = test_http (shared, "PATCH", path, token, NULL, "{\"status\":\"active\"}", -1);

    g_assert_cmpstr (json_object_get_string_member (test_expect_object (restored, 200), "status"), ==, "active");
  }

  deleted = test_http (shared, "DELETE", path, token, NULL, NULL, 0);
  data = test_expect_object (deleted, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (data, "count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (data, "removedFromPlaylists"), ==, 0);
  gone = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpstr (test_expect_error (gone, 404), ==, "Content not found");
}

static void
test_list_filters (void)
{
  g_autofree char *web = create_content ("{\"name\":\"Weather 50%_off\",\"type\":\"url\",\"url\":\"https://example.com/w\"}");
  g_autofree char *html = create_content ("{\"name\":\"weather widget\",\"type\":\"html\",\"url\":\"https://example.com/h.html\"}");
  g_autofree char *other = create_content ("{\"name\":\"Traffic\",\"type\":\"url\",\"url\":\"https://example.com/t\"}");
  g_autofree char *archive_path = g_strconcat ("/content/", other, "/archive", NULL);
  g_autoptr(TestResponse) archived = test_http (shared, "POST", archive_path, token, NULL, NULL, 0);
  g_autofree char *by_search = NULL;
  g_autofree char *by_type = NULL;
  g_autofree char *literal = NULL;
  g_autofree char *by_status = NULL;
  g_autofree char *everything = NULL;
  g_autoptr(TestResponse) page = NULL;
  JsonObject *meta;

  test_expect_data (archived, 200);

  /* Search ignores case; % and _ match themselves. */
  by_search = list_ids ("/content?search=WEATHER&limit=100");
  g_assert_true (strstr (by_search, web) != NULL && strstr (by_search, html) != NULL);
  g_assert_true (strstr (by_search, other) == NULL);
  literal = list_ids ("/content?search=50%25_&limit=100");
  g_assert_cmpstr (literal, ==, web);
  by_type = list_ids ("/content?type=html&search=weather");
  g_assert_cmpstr (by_type, ==, html);
  by_status = list_ids ("/content?status=archived&limit=100");
  g_assert_true (strstr (by_status, other) != NULL && strstr (by_status, web) == NULL);
  everything = list_ids ("/content?limit=100");
  g_assert_true (strstr (everything, other) != NULL && strstr (everything, web) != NULL);

  {
    /* Newest first. */
    g_autoptr(TestResponse) list = test_http (shared, "GET", "/content?limit=100", token, NULL, NULL, 0);
    JsonArray *items = json_object_get_array_member (test_expect_object (list, 200), "data");

    for (guint i = 1; i < json_array_get_length (items); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i - 1), "createdAt"), >=,
                       json_object_get_string_member (json_array_get_object_element (items, i), "createdAt"));
  }

  page = test_http (shared, "GET", "/content?limit=1&page=2", token, NULL, NULL, 0);
  meta = json_object_get_object_member (test_expect_object (page, 200), "meta");
  g_assert_cmpint (json_object_get_int_member (meta, "page"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (meta, "limit"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (meta, "total"), >=, 3);
  {
    /* A list item leaves the detail's members out. */
    g_autoptr(TestResponse) list = test_http (shared, "GET", "/content?type=html&search=weather", token, NULL, NULL, 0);
    JsonArray *items = json_object_get_array_member (test_expect_object (list, 200), "data");
    JsonObject *row = json_array_get_object_element (items, 0);

    g_assert_true (json_object_has_member (row, "tags"));
    g_assert_true (json_object_has_member (row, "fileSize"));
    g_assert_true (json_object_has_member (row, "duration"));
    g_assert_false (json_object_has_member (row, "metadata"));
  }

  /* Tag filter: only content that carries every named tag. */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO tags (id, organization_id, name, created_at)"
                                            " SELECT 'tag-a', id, 'A', 0 FROM organizations;"
                                            "INSERT INTO tags (id, organization_id, name, created_at)"
                                            " SELECT 'tag-b', id, 'B', 0 FROM organizations;"
                                            "INSERT INTO content_tags VALUES ('%s', 'tag-a', 0), ('%s', 'tag-b', 0),"
                                            " ('%s', 'tag-a', 0);", web, web, html);
    g_autofree char *both = NULL;
    g_autofree char *one = NULL;
    g_autoptr(TestResponse) detail = NULL;
    g_autofree char *path = g_strconcat ("/content/", web, NULL);
    JsonArray *tags;

    test_db_exec (shared, sql);
    both = list_ids ("/content?tagIds=tag-a,tag-b");
    g_assert_cmpstr (both, ==, web);
    one = list_ids ("/content?tagIds=tag-a&limit=100");
    g_assert_true (strstr (one, web) != NULL && strstr (one, html) != NULL && strstr (one, other) == NULL);
    detail = test_http (shared, "GET", path, token, NULL, NULL, 0);
    tags = json_object_get_array_member (test_expect_object (detail, 200), "tags");
    g_assert_cmpuint (json_array_get_length (tags), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (tags, 0),
                                                                                   "tag"), "name"), ==, "A");
  }
}

static void
test_bad_input (void)
{
  static const struct {
    const char *body;
    const char *message;   /* a part of the message, or NULL */
  } bodies[] = {
    { "{}", "should not be empty" },
    { "{\"type\":\"url\",\"url\":\"https://a.example\"}", "name should not be empty" },
    { "{\"name\":\"  \",\"type\":\"url\",\"url\":\"https://a.example\"}", "name should not be empty" },
    { "{\"name\":\"x\",\"type\":\"url\"}", "url should not be empty" },
    { "{\"name\":\"x\",\"type\":\"movie\",\"url\":\"https://a.example\"}", "type must be one of" },
    { "{\"name\":\"x\",\"type\":\"image\",\"url\":\"https://a.example/a.png\"}", "uploading" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"ftp://a.example\"}", "http://" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"javascript:alert(1)\"}", "http://" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://\"}", "http://" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"duration\":0}", "duration must not be less than 1" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"duration\":86401}", "not be greater than 86400" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"duration\":2.5}", "integer" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"duration\":\"10\"}", "duration" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"metadata\":[]}", "metadata must be an object" },
    { "{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example\",\"status\":\"active\"}", "property status should not exist" },
    { "{\"name\":7,\"type\":\"url\",\"url\":\"https://a.example\"}", "name must be a string" },
    { "{\"name\"", NULL },
    { "[1]", NULL },
  };
  g_autofree char *id = create_content ("{\"name\":\"Target\",\"type\":\"url\",\"url\":\"https://example.com/\"}");
  g_autofree char *path = g_strconcat ("/content/", id, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "POST", "/content", token, NULL, bodies[i].body, -1);
      const char *message = test_expect_error (response, 400);

      if (bodies[i].message != NULL && strstr (message, bodies[i].message) == NULL)
        g_error ("%s answered \"%s\", not \"%s\"", bodies[i].body, message, bodies[i].message);
    }

  {
    const char *patches[] = { "{\"name\":\"\"}", "{\"duration\":-5}", "{\"duration\":1e9}", "{\"url\":\"file:///etc/passwd\"}",
                              "{\"type\":\"html\"}", "{\"status\":\"gone\"}", "{\"status\":null}",
                              "{\"name\":null}" };

    for (guint i = 0; i < G_N_ELEMENTS (patches); i++)
      {
        g_autoptr(TestResponse) response = test_http (shared, "PATCH", path, token, NULL, patches[i], -1);

        test_expect_error (response, 400);
      }
  }
  {
    /* An uploaded file's address is not a field to edit. */
    g_autofree char *sql = g_strdup_printf ("INSERT INTO content (id, organization_id, name, type, url, duration,"
                                            " created_at, updated_at) SELECT 'upload-1', id, 'Logo', 'image',"
                                            " '/media/x', 10, 1, 1 FROM organizations");
    g_autoptr(TestResponse) response = NULL;

    test_db_exec (shared, sql);
    response = test_http (shared, "PATCH", "/content/upload-1", token, NULL, "{\"url\":\"https://example.com/x.png\"}", -1);
    g_assert_nonnull (strstr (test_expect_error (response, 400), "cannot be changed"));
  }
  {
    const char *queries[] = { "/content?type=movie", "/content?status=deleted", "/content?limit=101", "/content?page=0",
                              "/content?folder=x", "/content/x?expand=1" };

    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        g_autoptr(TestResponse) response = test_http (shared, "GET", queries[i], token, NULL, NULL, 0);

        test_expect_error (response, 400);
      }
  }
  {
    g_autofree char *long_search = g_strnfill (121, 's');
    g_autofree char *query = g_strconcat ("/content?search=", long_search, NULL);
    g_autoptr(TestResponse) response = test_http (shared, "GET", query, token, NULL, NULL, 0);

    test_expect_error (response, 400);
  }
  {
    /* Bodies over the route's limit are refused before they are read. */
    g_autofree char *filler = g_strnfill (20000, 'x');
    g_autofree char *big = g_strdup_printf ("{\"name\":\"x\",\"type\":\"url\",\"url\":\"https://a.example/%s\"}", filler);
    g_autoptr(TestResponse) response = test_http (shared, "POST", "/content", token, NULL, big, -1);

    test_expect_error (response, 413);
  }
  {
    const char *missing[] = { "/content/nope", "/content/00000000-0000-4000-8000-000000000000" };

    for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
      {
        g_autofree char *archive = g_strconcat (missing[i], "/archive", NULL);
        g_autoptr(TestResponse) get = test_http (shared, "GET", missing[i], token, NULL, NULL, 0);
        g_autoptr(TestResponse) patch = test_http (shared, "PATCH", missing[i], token, NULL, "{\"name\":\"x\"}", -1);
        g_autoptr(TestResponse) drop = test_http (shared, "DELETE", missing[i], token, NULL, NULL, 0);
        g_autoptr(TestResponse) arch = test_http (shared, "POST", archive, token, NULL, NULL, 0);

        test_expect_error (get, 404);
        test_expect_error (patch, 404);
        test_expect_error (drop, 404);
        test_expect_error (arch, 404);
      }
  }
}

static void
test_roles (void)
{
  g_autofree char *id = create_content ("{\"name\":\"Roles\",\"type\":\"url\",\"url\":\"https://example.com/\"}");
  g_autofree char *path = g_strconcat ("/content/", id, NULL);
  g_autofree char *viewer = NULL;
  g_autofree char *manager = NULL;

  test_add_user (shared, "viewer@content.test", "viewer-password-1", "viewer");
  test_add_user (shared, "manager@content.test", "manager-password-1", "manager");
  viewer = test_login_as (shared, "viewer@content.test", "viewer-password-1");
  manager = test_login_as (shared, "manager@content.test", "manager-password-1");
  {
    g_autoptr(TestResponse) read = test_http (shared, "GET", path, viewer, NULL, NULL, 0);
    g_autoptr(TestResponse) write = test_http (shared, "PATCH", path, viewer, NULL, "{\"name\":\"x\"}", -1);
    g_autoptr(TestResponse) create = test_http (shared, "POST", "/content", viewer, NULL,
                                                "{\"name\":\"v\",\"type\":\"url\",\"url\":\"https://example.com/\"}", -1);
    g_autoptr(TestResponse) manager_delete = test_http (shared, "DELETE", path, manager, NULL, NULL, 0);
    g_autoptr(TestResponse) manager_patch = test_http (shared, "PATCH", path, manager, NULL, "{\"name\":\"Managed\"}", -1);
    g_autoptr(TestResponse) anonymous = test_http (shared, "GET", "/content", NULL, NULL, NULL, 0);

    test_expect_data (read, 200);
    test_expect_error (write, 403);
    test_expect_error (create, 403);
    test_expect_error (manager_delete, 403);
    test_expect_data (manager_patch, 200);
    test_expect_error (anonymous, 401);
  }
}

static void
test_if_match (void)
{
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/content", token, NULL,
                                               "{\"name\":\"Versioned\",\"type\":\"html\",\"url\":\"https://example.com/v\"}", -1);
  JsonObject *item = test_expect_object (created, 201);
  g_autofree char *path = g_strconcat ("/content/", json_object_get_string_member (item, "id"), NULL);
  g_autofree char *header = test_if_match_header (json_object_get_string_member (item, "updatedAt"));
  const char *headers[] = { header, NULL };
  g_autoptr(TestResponse) first = test_http (shared, "PATCH", path, token, headers, "{\"duration\":12}", -1);
  g_autoptr(TestResponse) stale = test_http (shared, "PATCH", path, token, headers, "{\"duration\":13}", -1);
  g_autoptr(TestResponse) stale_delete = test_http (shared, "DELETE", path, token, headers, NULL, 0);

  test_expect_data (first, 200);
  test_expect_error (stale, 412);
  test_expect_error (stale_delete, 412);
}

/* Deleting content takes it out of the playlists that use it, and says how often. */
static void
test_delete_used_content (void)
{
  g_autofree char *id = create_content ("{\"name\":\"Used\",\"type\":\"url\",\"url\":\"https://example.com/u\"}");
  g_autofree char *keep = create_content ("{\"name\":\"Kept\",\"type\":\"url\",\"url\":\"https://example.com/k\"}");
  g_autofree char *path = g_strconcat ("/content/", id, NULL);
  g_autofree char *sql = g_strdup_printf ("INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                                          " SELECT 'pl-a', id, 'A', 1, 1 FROM organizations;"
                                          "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                                          " SELECT 'pl-b', id, 'B', 1, 1 FROM organizations;"
                                          "INSERT INTO playlist_items (id, playlist_id, content_id, position, created_at) VALUES"
                                          " ('i1', 'pl-a', '%s', 0, 1), ('i2', 'pl-a', '%s', 1, 1), ('i3', 'pl-a', '%s', 2, 1),"
                                          " ('i4', 'pl-b', '%s', 0, 1);", id, keep, id, id);
  g_autoptr(TestResponse) deleted = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  test_db_exec (shared, sql);
  deleted = test_http (shared, "DELETE", path, token, NULL, NULL, 0);
  g_assert_cmpint (json_object_get_int_member (test_expect_object (deleted, 200), "removedFromPlaylists"), ==, 3);

  db = test_open_db (shared, TRUE);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT group_concat(id) FROM playlist_items WHERE playlist_id IN ('pl-a','pl-b')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "i2");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM playlists WHERE updated_at > 1", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/content/crud", test_crud);
  g_test_add_func ("/server/content/list-filters", test_list_filters);
  g_test_add_func ("/server/content/bad-input", test_bad_input);
  g_test_add_func ("/server/content/roles", test_roles);
  g_test_add_func ("/server/content/if-match", test_if_match);
  g_test_add_func ("/server/content/delete-used", test_delete_used_content);

  result = g_test_run ();
  g_free (token);
  vz_test_server_free (shared);
  return result;
}
