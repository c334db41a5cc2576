/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-notifications"

#include <string.h>

#include "server-test-util.h"

/*
 * The notifications routes against the real vizora-server: the list (newest
 * first, without dismissed ones, filtered by read state and severity,
 * paginated), the unread count, marking one or all read, dismissing, and
 * what they refuse: bad query values, bodies, unknown ids, dismissed ones,
 * another organization's. The rows are written into the server's database
 * as the health rules would (test-health-interop raises real ones).
 */

static VzTestServer *shared;
static char *token;

/* Adds a notification to the signed-in organization (or to "other-org"
 * with @other) created at @created_at ms. */
static void
add_notification (const char *id,
                  const char *severity,
                  gint64      created_at,
                  gboolean    other)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT OR IGNORE INTO organizations (id, name, created_at, updated_at) VALUES ('other-org', 'Other', 0, 0);"
    "INSERT INTO notifications (id, organization_id, type, title, message, severity, device_id, device_name,"
    " metric, value, threshold, created_at, updated_at)"
    " SELECT '%s', %s, 'device_health', 'Screen overheating', 'Hot', '%s', 'dev-1', 'Lobby', 'temperature', 85.5, 80,"
    " %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "%s",
    id, other ? "'other-org'" : "id", severity, created_at, created_at,
    other ? "" : " FROM organizations WHERE id <> 'other-org'");

  test_db_exec (shared, sql);
}

/* The ids the list @path answers, comma-separated; *@total gets meta.total. */
static char *
list_ids (const char *path,
          gint64     *total)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", path, token, NULL, NULL, 0);
  JsonObject *page = test_expect_object (response, 200);
  JsonArray *items = json_object_get_array_member (page, "data");
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (json_array_get_object_element (items, i), "id"));
  g_ptr_array_add (ids, NULL);
  if (total != NULL)
    *total = json_object_get_int_member (json_object_get_object_member (page, "meta"), "total");
  return g_strjoinv (",", (char **) ids->pdata);
}

static gint64
unread_count (const char *as)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", "/notifications/unread-count", as, NULL, NULL, 0);

  return json_object_get_int_member (test_expect_object (response, 200), "count");
}

static void
test_list_and_filters (void)
{
  g_autofree char *all = NULL;
  g_autofree char *second = NULL;
  gint64 total = 0;

  test_db_exec (shared, "DELETE FROM notifications");
  add_notification ("n1", "critical", 1000, FALSE);
  add_notification ("n2", "warning", 2000, FALSE);
  add_notification ("n3", "info", 3000, FALSE);
  add_notification ("x1", "critical", 4000, TRUE);
  test_db_exec (shared, "UPDATE notifications SET read = 1 WHERE id = 'n2'");

  /* Newest first; the other organization's is never listed. */
  all = list_ids ("/notifications", &total);
  g_assert_cmpstr (all, ==, "n3,n2,n1");
  g_assert_cmpint (total, ==, 3);

  {
    g_autofree char *unread = list_ids ("/notifications?read=false", &total);
    g_autofree char *read = list_ids ("/notifications?read=true", NULL);
    g_autofree char *critical = list_ids ("/notifications?severity=critical", NULL);
    g_autofree char *both = list_ids ("/notifications?severity=warning&read=false", NULL);

    g_assert_cmpstr (unread, ==, "n3,n1");
    g_assert_cmpint (total, ==, 2);
    g_assert_cmpstr (read, ==, "n2");
    g_assert_cmpstr (critical, ==, "n1");
    g_assert_cmpstr (both, ==, "");
  }

  /* Pages. */
  second = list_ids ("/notifications?limit=2&page=2", &total);
  g_assert_cmpstr (second, ==, "n1");
  g_assert_cmpint (total, ==, 3);

  /* The wire shape of one. */
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", "/notifications?severity=critical", token, NULL, NULL, 0);
    JsonObject *page = test_expect_object (response, 200);
    JsonObject *item = json_array_get_object_element (json_object_get_array_member (page, "data"), 0);
    JsonObject *metadata = json_object_get_object_member (item, "metadata");
    JsonObject *meta = json_object_get_object_member (page, "meta");
    const char *members[] = { "id", "type", "title", "message", "severity", "read", "dismissedAt", "metadata",
                              "createdAt", "updatedAt", "organizationId" };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      g_assert_true (json_object_has_member (item, members[i]));
    g_assert_cmpstr (json_object_get_string_member (item, "createdAt"), ==, "1970-01-01T00:00:01.000Z");
    g_assert_cmpstr (json_object_get_string_member (metadata, "deviceId"), ==, "dev-1");
    g_assert_cmpstr (json_object_get_string_member (metadata, "metric"), ==, "temperature");
    g_assert_cmpfloat (json_object_get_double_member (metadata, "value"), ==, 85.5);
    g_assert_cmpint (json_object_get_int_member (metadata, "threshold"), ==, 80);
    g_assert_false (json_object_has_member (metadata, "resolvedAt"));
    g_assert_cmpint (json_object_get_int_member (meta, "page"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (meta, "totalPages"), ==, 1);
  }

  g_assert_cmpint (unread_count (token), ==, 2);
}

static void
test_read_dismiss (void)
{
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) dismissed = NULL;
  JsonObject *item;
  g_autofree char *updated = NULL;
  g_autofree char *left = NULL;

  test_db_exec (shared, "DELETE FROM notifications");
  add_notification ("r1", "critical", 1000, FALSE);
  add_notification ("r2", "warning", 2000, FALSE);
  add_notification ("r3", "warning", 3000, FALSE);
  add_notification ("x2", "warning", 3000, TRUE);
  g_assert_cmpint (unread_count (token), ==, 3);

  /* Read: answered as it is then; reading again changes nothing. */
  first = test_http (shared, "PATCH", "/notifications/r1/read", token, NULL, NULL, 0);
  item = test_expect_object (first, 200);
  g_assert_true (json_object_get_boolean_member (item, "read"));
  updated = g_strdup (json_object_get_string_member (item, "updatedAt"));
  g_assert_cmpstr (updated, !=, "1970-01-01T00:00:01.000Z");
  again = test_http (shared, "PATCH", "/notifications/r1/read", token, NULL, "{}", -1);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (again, 200), "updatedAt"), ==, updated);
  g_assert_cmpint (unread_count (token), ==, 2);

  /* Dismiss: gone from the list and the count, and no longer to be changed. */
  dismissed = test_http (shared, "PATCH", "/notifications/r2/dismiss", token, NULL, NULL, 0);
  g_assert_nonnull (json_object_get_string_member (test_expect_object (dismissed, 200), "dismissedAt"));
  left = list_ids ("/notifications", NULL);
  g_assert_cmpstr (left, ==, "r3,r1");
  g_assert_cmpint (unread_count (token), ==, 1);
  {
    g_autoptr(TestResponse) twice = test_http (shared, "PATCH", "/notifications/r2/dismiss", token, NULL, NULL, 0);
    g_autoptr(TestResponse) read = test_http (shared, "PATCH", "/notifications/r2/read", token, NULL, NULL, 0);

    test_expect_error (twice, 404);
    test_expect_error (read, 404);
  }

  /* Read all: how many changed, 200; then none. */
  {
    g_autoptr(TestResponse) all = test_http (shared, "POST", "/notifications/read-all", token, NULL, NULL, 0);
    g_autoptr(TestResponse) none = test_http (shared, "POST", "/notifications/read-all", token, NULL, NULL, 0);

    g_assert_cmpint (json_object_get_int_member (test_expect_object (all, 200), "updated"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (test_expect_object (none, 200), "updated"), ==, 0);
    g_assert_cmpint (unread_count (token), ==, 0);
  }

  /* The other organization's is untouched by all of it. */
  {
    sqlite3 *db = test_open_db (shared, TRUE);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT read, dismissed_at IS NULL FROM notifications WHERE id = 'x2'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

static void
test_refused (void)
{
  static const struct {
    const char *method;
    const char *path;
    const char *body;
    guint       status;
  } cases[] = {
    { "GET", "/notifications?read=yes", NULL, 400 },
    { "GET", "/notifications?read=", NULL, 400 },
    { "GET", "/notifications?severity=urgent", NULL, 400 },
    { "GET", "/notifications?limit=0", NULL, 400 },
    { "GET", "/notifications?limit=101", NULL, 400 },
    { "GET", "/notifications?limit=ten", NULL, 400 },
    { "GET", "/notifications?page=0", NULL, 400 },
    { "GET", "/notifications?type=device_offline", NULL, 400 },
    { "GET", "/notifications/unread-count?read=false", NULL, 400 },
    { "PATCH", "/notifications/x3/read", NULL, 404 },        /* another organization's */
    { "PATCH", "/notifications/x3/dismiss", NULL, 404 },
    { "PATCH", "/notifications/no-such/read", NULL, 404 },
    { "PATCH", "/notifications/q1/read", "{\"read\":true}", 400 },
    { "PATCH", "/notifications/q1/dismiss", "[1]", 400 },
    { "PATCH", "/notifications/q1/dismiss", "{\"at\":", 400 },
    { "POST", "/notifications/read-all", "{\"ids\":[]}", 400 },
    { "POST", "/notifications/read-all?severity=info", NULL, 400 },
    { "DELETE", "/notifications/q1", NULL, 404 },
  };

  test_db_exec (shared, "DELETE FROM notifications");
  add_notification ("q1", "info", 1000, FALSE);
  add_notification ("x3", "info", 1000, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, cases[i].method, cases[i].path, token, NULL,
                                                    cases[i].body, cases[i].body != NULL ? -1 : 0);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      if (response->status != 405)
        test_expect_error (response, cases[i].status);
    }

  /* Without a token: 401 everywhere. */
  {
    const char *paths[] = { "/notifications", "/notifications/unread-count" };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(TestResponse) response = test_http (shared, "GET", paths[i], NULL, NULL, NULL, 0);

        test_expect_error (response, 401);
      }
  }

  /* Nothing changed by the refusals. */
  g_assert_cmpint (unread_count (token), ==, 1);
}

/* Viewers read the feed and mark it read, as on the platform. */
static void
test_viewer (void)
{
  g_autofree char *viewer = NULL;
  g_autoptr(TestResponse) read = NULL;

  test_db_exec (shared, "DELETE FROM notifications");
  add_notification ("v1", "warning", 1000, FALSE);
  test_add_user (shared, "watcher@example.test", "watcher password", "viewer");
  viewer = test_login_as (shared, "watcher@example.test", "watcher password");
  g_assert_cmpint (unread_count (viewer), ==, 1);
  read = test_http (shared, "PATCH", "/notifications/v1/read", viewer, NULL, NULL, 0);
  test_expect_object (read, 200);
  g_assert_cmpint (unread_count (token), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/notifications/list-and-filters", test_list_and_filters);
  g_test_add_func ("/server/notifications/read-dismiss", test_read_dismiss);
  g_test_add_func ("/server/notifications/refused", test_refused);
  g_test_add_func ("/server/notifications/viewer", test_viewer);
  status = g_test_run ();

  g_free (token);
  vz_test_server_free (shared);
  return status;
}
