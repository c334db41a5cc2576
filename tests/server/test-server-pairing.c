/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "test-server-pairing"

#include <stdlib.h>
#include <string.h>

#include "server-test-util.h"
#include "vz-db.h"
#include "vz-password.h"

/*
 * The public side of pairing: requests are limited per client (unless a
 * signed-in admin or manager asks on a screen's behalf), their metadata is
 * capped, and a screen's device token is never stored, not even for the
 * moment between completing a code and the screen collecting its token; a
 * database from before (schema 1, which kept the token) is converted.
 */

static char *
pairing_body (const char *identifier)
{
  return g_strdup_printf ("{\"deviceIdentifier\":\"%s\"}", identifier);
}

static guint
request_from (VzTestServer *server,
              const char   *local_address,
              const char   *token,
              guint        *retry_after)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *body = pairing_body (identifier);
  g_autoptr(TestResponse) response = test_http_from (server, local_address, "POST", "/devices/pairing/request",
                                                     token, NULL, body, -1);

  if (retry_after != NULL)
    {
      const char *header = soup_message_headers_get_one (response->headers, "Retry-After");

      *retry_after = header != NULL ? (guint) g_ascii_strtoull (header, NULL, 10) : 0;
    }
  if (response->status == 429)
    g_assert_nonnull (strstr (test_expect_error (response, 429), "Too many pairing requests"));
  return response->status;
}

static void
test_rate_per_client (void)
{
  const char *args[] = { "--pairing-rate", "5", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *admin = vz_test_server_login (server);
  g_autofree char *viewer = NULL;
  guint retry_after = 0;

  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (request_from (server, NULL, NULL, NULL), ==, 201);
  g_assert_cmpuint (request_from (server, NULL, NULL, &retry_after), ==, 429);
  g_assert_cmpuint (retry_after, >=, 1);
  g_assert_cmpuint (retry_after, <=, 60);
  /* Bodies refused for their shape count as well: the limit comes first. */
  {
    g_autoptr(TestResponse) garbage = test_http (server, "POST", "/devices/pairing/request", NULL, NULL, "{}", -1);

    test_expect_error (garbage, 429);
  }

  /* Another client has its own allowance. */
  g_assert_cmpuint (request_from (server, "127.0.0.2", NULL, NULL), ==, 201);

  /* On a signed-in admin's behalf, as the simulator pairs thousands: not
   * counted. A viewer may not pair, so a viewer's token changes nothing. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (request_from (server, NULL, admin, NULL), ==, 201);
  test_add_user (server, "viewer@example.test", "viewer password", "viewer");
  viewer = test_login_as (server, "viewer@example.test", "viewer password");
  g_assert_cmpuint (request_from (server, NULL, viewer, NULL), ==, 429);
  g_assert_cmpuint (request_from (server, NULL, "not a token", NULL), ==, 429);
}

static void
test_metadata_cap (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *admin = vz_test_server_login (server);

  /* {"k":"…"} is 8 bytes around the value: 2048 in all is the most. */
  for (guint n = 2039; n <= 2041; n++)
    {
      g_autofree char *value = g_strnfill (n, 'x');
      g_autofree char *identifier = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"deviceIdentifier\":\"%s\",\"metadata\":{\"k\":\"%s\"}}",
                                               identifier, value);
      g_autoptr(TestResponse) response = test_http (server, "POST", "/devices/pairing/request", admin, NULL,
                                                    body, -1);

      if (n + 8 <= 2048)
        test_expect_object (response, 201);
      else
        g_assert_nonnull (strstr (test_expect_error (response, 400), "at most 2048 bytes"));
    }
}

/* Whether @needle is anywhere in the database's files. */
static gboolean
stored_anywhere (VzTestServer *server,
                 const char   *needle)
{
  static const char * const files[] = { "vizora.db", "vizora.db-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (server->data_dir, files[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (path, &contents, &length, NULL) &&
          memmem (contents, length, needle, strlen (needle)) != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
query_text (VzTestServer *server,
            const char   *sql)
{
  sqlite3 *db = test_open_db (server, TRUE);
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* Requests a code and completes it; returns the code. */
static char *
complete_code (VzTestServer *server,
               const char   *admin,
               char        **display_id)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *body = pairing_body (identifier);
  g_autoptr(TestResponse) request = test_http (server, "POST", "/devices/pairing/request", NULL, NULL, body, -1);
  g_autofree char *code = g_strdup (json_object_get_string_member (test_expect_object (request, 201), "code"));
  g_autofree char *complete_body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  g_autoptr(TestResponse) complete = test_http (server, "POST", "/devices/pairing/complete", admin, NULL,
                                                complete_body, -1);

  g_assert_cmpuint (complete->status, ==, 201);
  *display_id = g_strdup (json_object_get_string_member (json_object_get_object_member (
                            json_node_get_object (complete->body), "display"), "id"));
  return g_steal_pointer (&code);
}

/* Collects the token; checks that only its digest is kept, with the screen. */
static char *
collect_token (VzTestServer *server,
               const char   *code,
               const char   *display_id)
{
  g_autofree char *path = g_strconcat ("/devices/pairing/status/", code, NULL);
  g_autoptr(TestResponse) status = test_http (server, "GET", path, NULL, NULL, NULL, 0);
  JsonObject *data = test_expect_object (status, 200);
  g_autofree char *token = g_strdup (json_object_get_string_member (data, "deviceToken"));
  g_autofree char *expected = vz_token_digest (token);
  g_autofree char *sql = g_strdup_printf ("SELECT device_token_digest FROM displays WHERE id = '%s'", display_id);
  g_autofree char *digest = query_text (server, sql);
  g_autoptr(TestResponse) again = test_http (server, "GET", path, NULL, NULL, NULL, 0);

  g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "paired");
  g_assert_cmpstr (json_object_get_string_member (data, "deviceId"), ==, display_id);
  g_assert_cmpstr (digest, ==, expected);
  g_assert_false (stored_anywhere (server, token));
  /* Handed out once. */
  test_expect_error (again, 404);
  return g_steal_pointer (&token);
}

static void
test_token_never_stored (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *admin = vz_test_server_login (server);
  g_autofree char *display_id = NULL;
  g_autofree char *code = complete_code (server, admin, &display_id);
  g_autofree char *sql = g_strdup_printf ("SELECT device_token_digest FROM displays WHERE id = '%s'", display_id);
  g_autofree char *before = query_text (server, sql);
  g_autofree char *column = query_text (server, "SELECT name FROM pragma_table_info('pairing_requests')"
                                                " WHERE name LIKE '%token%'");
  g_autofree char *token = NULL;

  /* Completed, not yet collected: there is no token anywhere yet. */
  g_assert_null (before);
  g_assert_null (column);
  token = collect_token (server, code, display_id);
  g_assert_cmpuint (strlen (token), >=, 32);
}

static void
test_schema_1_converted (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *admin = vz_test_server_login (server);
  g_autofree char *display_id = NULL;
  g_autofree char *code = complete_code (server, admin, &display_id);
  g_autofree char *plain_digest = vz_token_digest ("plaintext-device-token-of-schema-one");
  g_autofree char *downgrade = NULL;
  g_autofree char *version = NULL;
  g_autofree char *column = NULL;
  g_autofree char *token = NULL;

  /* Back to schema 1 as an older build left it: the completed code holds
   * the screen's token in plain text, the screen its digest. */
  vz_test_server_kill (server);
  downgrade = g_strdup_printf ("DROP TABLE metric_pending; DROP TABLE metric_chunks; DROP TABLE metric_series;"
                               "CREATE TABLE display_metrics (display_id TEXT, ts INTEGER);"
                               "DROP TABLE notifications; DROP TABLE schedules; DROP TABLE content_impressions; DROP TABLE playlist_items; DROP TABLE playlists;"
                               "DROP TABLE content_tags; DROP TABLE tags; DROP TABLE content;"
                               "DROP INDEX displays_playlist;"
                               "DROP INDEX pairing_requests_open;"
                               "ALTER TABLE pairing_requests ADD COLUMN device_token TEXT;"
                               "UPDATE pairing_requests SET device_token = 'plaintext-device-token-of-schema-one'"
                               " WHERE code = '%s';"
                               "UPDATE displays SET device_token_digest = '%s' WHERE id = '%s';"
                               "PRAGMA user_version = 1;", code, plain_digest, display_id);
  test_db_exec (server, downgrade);
  test_db_exec (server, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true (stored_anywhere (server, "plaintext-device-token-of-schema-one"));

  vz_test_server_restart (server);
  version = query_text (server, "PRAGMA user_version");
  column = query_text (server, "SELECT name FROM pragma_table_info('pairing_requests') WHERE name LIKE '%token%'");
  g_assert_cmpint (atoi (version), ==, VZ_DB_SCHEMA_VERSION);
  g_assert_null (column);
  g_assert_false (stored_anywhere (server, "plaintext-device-token-of-schema-one"));

  /* The screen still collects a token (a new one) with its code. */
  token = collect_token (server, code, display_id);
  g_assert_cmpstr (token, !=, "plaintext-device-token-of-schema-one");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pairing/rate-per-client", test_rate_per_client);
  g_test_add_func ("/server/pairing/metadata-cap", test_metadata_cap);
  g_test_add_func ("/server/pairing/token-never-stored", test_token_never_stored);
  g_test_add_func ("/server/pairing/schema-1-converted", test_schema_1_converted);
  return g_test_run ();
}
