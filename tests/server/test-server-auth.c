/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-auth"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "server-test-util.h"

/* Sign-in, tokens, roles and what the server keeps on disk, against the real vizora-server. */

static VzTestServer *shared;

static char *
login_body (const char *email,
            const char *password)
{
  return g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
}

static gboolean
is_iso_ms (const char *text)
{
  return text != NULL && g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", text, 0, 0);
}

static void
test_health (void)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", "/health", NULL, NULL, NULL, 0);
  JsonObject *data = test_expect_object (response, 200);

  g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "ok");
  g_assert_true (is_iso_ms (json_object_get_string_member (data, "timestamp")));
  g_assert_cmpstr (json_object_get_string_member (data, "version"), ==, PACKAGE_VERSION);
}

static void
test_login_ok (void)
{
  g_autofree char *body = login_body (VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_autoptr(TestResponse) response = test_http (shared, "POST", "/auth/login", NULL, NULL, body, -1);
  JsonObject *data = test_expect_object (response, 201);
  JsonObject *user = json_object_get_object_member (data, "user");
  g_autofree char *attributes = NULL;
  g_autofree char *refresh = test_response_cookie (response, "vizora_refresh_token", &attributes);

  g_assert_cmpuint (strlen (json_object_get_string_member (data, "access_token")), >=, 40);
  g_assert_cmpint (json_object_get_int_member (data, "expiresIn"), ==, 900);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (user, "id")));
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, VZ_TEST_EMAIL);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "admin");
  g_assert_true (json_object_has_member (user, "firstName"));
  g_assert_true (json_object_has_member (user, "lastName"));
  g_assert_nonnull (json_object_get_string_member (user, "organizationId"));
  g_assert_false (json_object_has_member (user, "passwordHash"));

  g_assert_nonnull (refresh);
  g_assert_cmpuint (strlen (refresh), >=, 40);
  g_assert_nonnull (strstr (attributes, "HttpOnly"));
}

static void
test_login_bad_input (void)
{
  struct {
    const char *body;
    guint       status;
    const char *message;
  } cases[] = {
    { "{\"email\":\"" VZ_TEST_EMAIL "\",\"password\":\"wrong\"}", 401, "not correct" },
    { "{\"email\":\"nobody@example.test\",\"password\":\"wrong\"}", 401, "not correct" },
    { "{\"email\":\"" VZ_TEST_EMAIL "\"", 400, "not valid JSON" },
    { "[1,2]", 400, "JSON object" },
    { "\"text\"", 400, "JSON object" },
    { "{}", 400, "email should not be empty" },
    { "{\"email\":5,\"password\":\"x\"}", 400, "email must be a string" },
    { "{\"email\":\"a@b.c\",\"password\":\"x\",\"admin\":true}", 400, "property admin should not exist" },
    { "{\"email\":\"   \",\"password\":\"x\"}", 400, "email should not be empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "POST", "/auth/login", NULL, NULL, cases[i].body, -1);
      const char *message = test_expect_error (response, cases[i].status);

      if (strstr (message, cases[i].message) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, message, cases[i].message);
    }

  /* Too long: the platform's length limits answer 400, not a crash or a 500. */
  {
    g_autofree char *long_email = g_strnfill (300, 'a');
    g_autofree char *body = login_body (long_email, "x");
    g_autoptr(TestResponse) response = test_http (shared, "POST", "/auth/login", NULL, NULL, body, -1);

    g_assert_nonnull (strstr (test_expect_error (response, 400), "shorter than or equal to 255"));
  }
}

static void
test_auth_required (void)
{
  const char *paths[] = { "/displays", "/auth/me", "/display-groups", "/devices/pairing/active" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(TestResponse) none = test_http (shared, "GET", paths[i], NULL, NULL, NULL, 0);
      g_autoptr(TestResponse) bad = test_http (shared, "GET", paths[i], "not-a-real-token", NULL, NULL, 0);
      const char * const basic[] = { "Authorization: Basic YWRtaW46YWRtaW4=", NULL };
      g_autoptr(TestResponse) wrong_scheme = test_http (shared, "GET", paths[i], NULL, basic, NULL, 0);

      test_expect_error (none, 401);
      test_expect_error (bad, 401);
      test_expect_error (wrong_scheme, 401);
    }

  /* Unknown routes are 404 with the platform's wording, also unauthenticated. */
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", "/no/such/route", NULL, NULL, NULL, 0);
    g_assert_nonnull (strstr (test_expect_error (response, 404), "Cannot GET"));
  }
}

static void
test_me_and_logout (void)
{
  g_autofree char *token = vz_test_server_login (shared);
  g_autoptr(TestResponse) me = test_http (shared, "GET", "/auth/me", token, NULL, NULL, 0);
  JsonObject *user = json_object_get_object_member (test_expect_object (me, 200), "user");
  JsonObject *organization = json_object_get_object_member (user, "organization");
  g_autoptr(TestResponse) logout = NULL;
  g_autoptr(TestResponse) after = NULL;
  JsonObject *root;

  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, VZ_TEST_EMAIL);
  g_assert_cmpstr (json_object_get_string_member (organization, "id"), ==,
                   json_object_get_string_member (user, "organizationId"));
  g_assert_nonnull (json_object_get_string_member (organization, "name"));

  logout = test_http (shared, "POST", "/auth/logout", token, NULL, NULL, 0);
  g_assert_cmpuint (logout->status, ==, 201);
  root = json_node_get_object (logout->body);
  /* The one route answered with a message instead of data. */
  g_assert_true (json_object_get_boolean_member (root, "success"));
  g_assert_nonnull (json_object_get_string_member (root, "message"));
  g_assert_false (json_object_has_member (root, "data"));

  after = test_http (shared, "GET", "/auth/me", token, NULL, NULL, 0);
  test_expect_error (after, 401);
}

static void
test_expiry_and_refresh (void)
{
  g_autofree char *clock = NULL;
  int clock_fd = g_file_open_tmp ("vz-test-clock-XXXXXX", &clock, NULL);
  const char * const args[] = { "--access-token-ttl", "60", "--clock-file", clock, NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *body = login_body (VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_autoptr(TestResponse) login = test_http (server, "POST", "/auth/login", NULL, NULL, body, -1);
  JsonObject *data = test_expect_object (login, 201);
  g_autofree char *token = g_strdup (json_object_get_string_member (data, "access_token"));
  g_autofree char *refresh1 = test_response_cookie (login, "vizora_refresh_token", NULL);
  g_autofree char *cookie1 = g_strconcat ("Cookie: vizora_refresh_token=", refresh1, NULL);
  const char *headers1[] = { cookie1, NULL };
  g_autoptr(TestResponse) expired = NULL;
  g_autoptr(TestResponse) refreshed = NULL;
  g_autoptr(TestResponse) no_cookie = NULL;
  g_autoptr(TestResponse) me_new = NULL;
  g_autoptr(TestResponse) me_old = NULL;
  g_autoptr(TestResponse) replay = NULL;
  g_autoptr(TestResponse) after_replay = NULL;
  g_autoptr(TestResponse) me_after_replay = NULL;
  g_autofree char *access2 = NULL;
  g_autofree char *refresh2 = NULL;
  g_autofree char *cookie2 = NULL;
  const char *headers2[] = { NULL, NULL };

  g_assert_cmpint (clock_fd, >=, 0);
  close (clock_fd);
  g_assert_cmpint (json_object_get_int_member (data, "expiresIn"), ==, 60);
  /* One second past the token's life on the server's clock. */
  g_assert_true (g_file_set_contents (clock, "61000", -1, NULL));

  expired = test_http (server, "GET", "/auth/me", token, NULL, NULL, 0);
  g_assert_nonnull (strstr (test_expect_error (expired, 401), "expired"));

  no_cookie = test_http (server, "POST", "/auth/refresh", token, NULL, NULL, 0);
  test_expect_error (no_cookie, 401);

  /* Refresh: new access token only as a cookie, refresh token rotated. */
  refreshed = test_http (server, "POST", "/auth/refresh", token, headers1, NULL, 0);
  data = test_expect_object (refreshed, 201);
  g_assert_cmpint (json_object_get_int_member (data, "expiresIn"), ==, 60);
  g_assert_false (json_object_has_member (data, "access_token"));
  access2 = test_response_cookie (refreshed, "vizora_auth_token", NULL);
  refresh2 = test_response_cookie (refreshed, "vizora_refresh_token", NULL);
  g_assert_nonnull (access2);
  g_assert_nonnull (refresh2);
  g_assert_cmpstr (refresh2, !=, refresh1);

  me_new = test_http (server, "GET", "/auth/me", access2, NULL, NULL, 0);
  test_expect_data (me_new, 200);
  me_old = test_http (server, "GET", "/auth/me", token, NULL, NULL, 0);
  test_expect_error (me_old, 401);

  /* Replaying the used refresh token ends the whole family, the rotated one included. */
  replay = test_http (server, "POST", "/auth/refresh", NULL, headers1, NULL, 0);
  test_expect_error (replay, 401);
  cookie2 = g_strconcat ("Cookie: vizora_refresh_token=", refresh2, NULL);
  headers2[0] = cookie2;
  after_replay = test_http (server, "POST", "/auth/refresh", NULL, headers2, NULL, 0);
  test_expect_error (after_replay, 401);
  me_after_replay = test_http (server, "GET", "/auth/me", access2, NULL, NULL, 0);
  test_expect_error (me_after_replay, 401);
  g_unlink (clock);
}

/* The clock file moves the server's clock: a server reachable from other
 * computers refuses to start with it. */
static void
test_clock_file_loopback_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-clock-XXXXXX", &error);
  g_autofree char *clock = g_build_filename (dir, "clock", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;

  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              vz_test_require_bin ("VIZORA_SERVER_BIN"), "--data-dir", dir,
                              "--listen", "0.0.0.0:0", "--clock-file", clock, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, "only for a server listening on a loopback address"));
  vz_test_remove_tree (dir);
}

static void
test_viewer_reads_only (void)
{
  g_autofree char *token = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(TestResponse) create = NULL;
  g_autoptr(TestResponse) pair = NULL;
  g_autoptr(TestResponse) command = NULL;
  g_autoptr(TestResponse) bulk = NULL;

  test_add_user (shared, "viewer@example.test", "viewer password", "viewer");
  token = test_login_as (shared, "viewer@example.test", "viewer password");

  list = test_http (shared, "GET", "/displays", token, NULL, NULL, 0);
  test_expect_data (list, 200);

  create = test_http (shared, "POST", "/display-groups", token, NULL, "{\"name\":\"Nope\"}", -1);
  test_expect_error (create, 403);
  pair = test_http (shared, "POST", "/devices/pairing/complete", token, NULL, "{\"code\":\"ABCDEF\"}", -1);
  test_expect_error (pair, 403);
  command = test_http (shared, "POST", "/fleet/commands", token, NULL,
                       "{\"command\":\"reload\",\"target\":{\"type\":\"organization\",\"id\":\"x\"}}", -1);
  test_expect_error (command, 403);
  bulk = test_http (shared, "POST", "/displays/bulk/delete", token, NULL,
                    "{\"displayIds\":[\"00000000-0000-4000-8000-000000000000\"]}", -1);
  test_expect_error (bulk, 403);
}

static void
test_manager_cannot_delete (void)
{
  g_autofree char *token = NULL;
  g_autofree char *admin = vz_test_server_login (shared);
  g_autoptr(TestResponse) group = NULL;
  g_autoptr(TestResponse) drop = NULL;
  g_autoptr(TestResponse) patch = NULL;
  g_autofree char *path = NULL;

  test_add_user (shared, "manager@example.test", "manager password", "manager");
  token = test_login_as (shared, "manager@example.test", "manager password");

  group = test_http (shared, "POST", "/display-groups", token, NULL, "{\"name\":\"Managed\"}", -1);
  path = g_strconcat ("/display-groups/", json_object_get_string_member (test_expect_object (group, 201), "id"), NULL);
  patch = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Managed too\"}", -1);
  test_expect_data (patch, 200);
  drop = test_http (shared, "DELETE", path, token, NULL, NULL, 0);
  test_expect_error (drop, 403);

  {
    g_autoptr(TestResponse) admin_drop = test_http (shared, "DELETE", path, admin, NULL, NULL, 0);
    test_expect_data (admin_drop, 200);
  }
}

static void
test_secrets_not_stored_in_clear (void)
{
  g_autofree char *body = login_body (VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_autoptr(TestResponse) login = test_http (shared, "POST", "/auth/login", NULL, NULL, body, -1);
  const char *token = json_object_get_string_member (test_expect_object (login, 201), "access_token");
  g_autofree char *refresh = test_response_cookie (login, "vizora_refresh_token", NULL);
  sqlite3 *db = test_open_db (shared, TRUE);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *db_bytes = NULL;
  g_autofree char *path = g_build_filename (shared->data_dir, "vizora.db", NULL);
  g_autofree char *wal_path = g_build_filename (shared->data_dir, "vizora.db-wal", NULL);
  g_autofree char *wal_bytes = NULL;
  gsize db_len = 0, wal_len = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT password_hash FROM users WHERE email = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, VZ_TEST_EMAIL, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), "$y$"));
  g_assert_null (strstr ((const char *) sqlite3_column_text (stmt, 0), VZ_TEST_PASSWORD));
  sqlite3_finalize (stmt);

  /* Tokens are kept only as SHA-256 digests. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM access_tokens WHERE digest = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, token, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* Nowhere in the files either (the WAL holds the newest pages). */
  g_assert_true (g_file_get_contents (path, &db_bytes, &db_len, NULL));
  g_file_get_contents (wal_path, &wal_bytes, &wal_len, NULL);
  g_assert_null (g_strstr_len (db_bytes, db_len, VZ_TEST_PASSWORD));
  g_assert_null (g_strstr_len (db_bytes, db_len, token));
  g_assert_null (g_strstr_len (db_bytes, db_len, refresh));
  if (wal_bytes != NULL)
    {
      g_assert_null (g_strstr_len (wal_bytes, wal_len, VZ_TEST_PASSWORD));
      g_assert_null (g_strstr_len (wal_bytes, wal_len, token));
      g_assert_null (g_strstr_len (wal_bytes, wal_len, refresh));
    }
}

static void
test_first_start_admin_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-admin-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *admin_path = g_build_filename (data_dir, "admin.txt", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) reply = NULL;
  struct stat st;

  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("VIZORA_SERVER_BIN"), "--data-dir", data_dir,
                              "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));

  g_assert_cmpint (stat (admin_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (admin_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "email: "));
  g_assert_true (g_str_has_prefix (lines[1], "password: "));
  g_assert_cmpuint (strlen (lines[1] + 10), >=, 16);
  g_assert_cmpstr (lines[2], ==, "");

  /* The written credentials work. */
  url = g_strconcat (line + strlen ("listening on "), "/api/v1/auth/login", NULL);
  body = login_body (lines[0] + 7, lines[1] + 10);
  msg = soup_message_new ("POST", url);
  request = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);

  /* SIGTERM is a clean stop. */
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
}

static void
test_restart_keeps_data (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(TestResponse) create = test_http (server, "POST", "/display-groups", token, NULL,
                                              "{\"name\":\"Survives restarts\"}", -1);
  g_autofree char *id = g_strdup (json_object_get_string_member (test_expect_object (create, 201), "id"));
  g_autofree char *path = g_strconcat ("/display-groups/", id, NULL);
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Kept", NULL);
  g_autofree char *display_path = g_strconcat ("/displays/", display_id, NULL);
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) display = NULL;

  vz_test_server_restart (server);

  /* Sessions survive too: the token from before still works. */
  again = test_http (server, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (again, 200), "name"), ==, "Survives restarts");
  display = test_http (server, "GET", display_path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (display, 200), "nickname"), ==, "Kept");
  g_free (vz_test_server_login (server));
}

static void
test_idempotency_key (void)
{
  g_autofree char *token = vz_test_server_login (shared);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *header = g_strconcat ("Idempotency-Key: ", key, NULL);
  const char *headers[] = { header, NULL };
  g_autoptr(TestResponse) first = test_http (shared, "POST", "/display-groups", token, headers,
                                             "{\"name\":\"Once only\"}", -1);
  g_autoptr(TestResponse) second = test_http (shared, "POST", "/display-groups", token, headers,
                                              "{\"name\":\"Once only\"}", -1);
  g_autoptr(TestResponse) other_route = test_http (shared, "POST", "/fleet/commands", token, headers,
                                                   "{\"command\":\"reload\",\"target\":{\"type\":\"organization\",\"id\":\"o\"}}", -1);
  g_autoptr(TestResponse) list = test_http (shared, "GET", "/display-groups?limit=100", token, NULL, NULL, 0);
  JsonArray *items;
  guint named = 0;

  g_assert_cmpstr (json_object_get_string_member (test_expect_object (first, 201), "id"), ==,
                   json_object_get_string_member (test_expect_object (second, 201), "id"));
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Idempotent-Replayed"), ==, "true");
  test_expect_error (other_route, 409);

  items = json_object_get_array_member (test_expect_object (list, 200), "data");
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (items, i), "name"), "Once only"))
      named++;
  g_assert_cmpuint (named, ==, 1);
}

static guint
count_descriptors (VzTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (server->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Clients that hang up must not leave sockets behind in the server: once
 * it has seen every client go, it holds no more descriptors than before. */
static void
test_no_descriptor_leak (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint before, after;

  before = count_descriptors (shared);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "GET", i % 2 ? "/health" : "/no-such-thing", NULL, NULL, NULL, 0);
      g_assert_cmpuint (response->status, ==, i % 2 ? 200 : 404);
    }
  /* The server closes its end when it reads the client's hang-up, which
   * can come after the client has its response. */
  while ((after = count_descriptors (shared)) > before && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (after, <=, before);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);

  g_test_add_func ("/server/auth/health", test_health);
  g_test_add_func ("/server/auth/login", test_login_ok);
  g_test_add_func ("/server/auth/login-bad-input", test_login_bad_input);
  g_test_add_func ("/server/auth/required", test_auth_required);
  g_test_add_func ("/server/auth/me-logout", test_me_and_logout);
  g_test_add_func ("/server/auth/clock-file-loopback-only", test_clock_file_loopback_only);
  g_test_add_func ("/server/auth/expiry-refresh-rotation", test_expiry_and_refresh);
  g_test_add_func ("/server/auth/viewer-reads-only", test_viewer_reads_only);
  g_test_add_func ("/server/auth/manager-cannot-delete", test_manager_cannot_delete);
  g_test_add_func ("/server/auth/secrets-hashed", test_secrets_not_stored_in_clear);
  g_test_add_func ("/server/auth/first-start-admin-file", test_first_start_admin_file);
  g_test_add_func ("/server/auth/restart-keeps-data", test_restart_keeps_data);
  g_test_add_func ("/server/auth/idempotency-key", test_idempotency_key);
  g_test_add_func ("/server/auth/no-descriptor-leak", test_no_descriptor_leak);

  result = g_test_run ();
  vz_test_server_free (shared);
  return result;
}
