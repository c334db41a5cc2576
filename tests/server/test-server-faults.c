/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-faults"

#include <glib/gstdio.h>
#include <string.h>

#include "server-test-util.h"

/*
 * The server's testing aid --fault-file (5xx bursts and dropped connections
 * for the retry and circuit-breaker tests), and the Idempotency-Key record
 * that commits in the same transaction as the change it answers.
 */

static VzTestServer *shared;
static char *token;
static char *fault_path;

static void
write_fault (const char *order)
{
  g_autofree char *tmp = g_strconcat (fault_path, ".tmp", NULL);
  g_autoptr(GError) error = NULL;

  /* Renamed into place so the server never reads half an order. */
  g_file_set_contents (tmp, order, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, fault_path), ==, 0);
}

static void
test_burst_of_503 (void)
{
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) health = NULL;
  g_autoptr(TestResponse) root_health = NULL;
  g_autoptr(TestResponse) second = NULL;
  g_autoptr(TestResponse) after = NULL;
  g_autofree char *root_url = g_strconcat (shared->url, "/health", NULL);

  write_fault ("503 2\n");
  first = test_http (shared, "GET", "/displays", token, NULL, NULL, 0);
  g_assert_nonnull (strstr (test_expect_error (first, 503), "temporarily unavailable"));
  /* The order is read once and the file removed. */
  g_assert_false (g_file_test (fault_path, G_FILE_TEST_EXISTS));

  /* Health checks are never failed: they tell the client when to come back. */
  health = test_http (shared, "GET", "/health", NULL, NULL, NULL, 0);
  test_expect_data (health, 200);
  root_health = test_http (shared, "GET", root_url, NULL, NULL, NULL, 0);
  test_expect_data (root_health, 200);

  second = test_http (shared, "PATCH", "/displays/00000000-0000-4000-8000-000000000000", token, NULL,
                      "{\"name\":\"x\"}", -1);
  test_expect_error (second, 503);

  after = test_http (shared, "GET", "/displays", token, NULL, NULL, 0);
  test_expect_data (after, 200);
}

static void
test_burst_of_500_on_writes (void)
{
  g_autofree char *id = vz_test_server_pair_screen (shared, token, "Faulty", NULL);
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) failed = NULL;
  g_autoptr(TestResponse) get = NULL;
  g_autoptr(TestResponse) ok = NULL;

  write_fault ("500 1");
  failed = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Never\"}", -1);
  test_expect_error (failed, 500);

  /* An injected failure changes nothing. */
  get = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (get, 200), "nickname"), ==, "Faulty");

  ok = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Later\"}", -1);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (ok, 200), "nickname"), ==, "Later");
}

static void
test_drop_connection (void)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strconcat (shared->api_url, "/displays", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestResponse) after = NULL;

  write_fault ("drop 1");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  /* No answer at all: the client sees a network error, not a status. */
  g_assert_nonnull (error);
  g_assert_null (bytes);

  after = test_http (shared, "GET", "/displays", token, NULL, NULL, 0);
  test_expect_data (after, 200);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* "slow N": the next N answers are made at once and sent a second late; a
 * client that hangs up while it waits leaves nothing behind. */
static void
test_slow_answers (void)
{
  g_autofree char *id = vz_test_server_pair_screen (shared, token, "Slow", NULL);
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) late = NULL;
  g_autoptr(TestResponse) changed = NULL;
  g_autoptr(TestResponse) prompt = NULL;
  gint64 start;

  write_fault ("slow 2");
  start = g_get_monotonic_time ();
  late = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1000 * 1000);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (late, 200), "nickname"), ==, "Slow");

  /* A change answered late was made at once, once. */
  start = g_get_monotonic_time ();
  changed = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Slower\"}", -1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1000 * 1000);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (changed, 200), "nickname"), ==, "Slower");

  start = g_get_monotonic_time ();
  prompt = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (prompt, 200), "nickname"), ==, "Slower");

  /* Hung up on while it waits: the server answers the next one as usual. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *uri = g_strconcat (shared->api_url, path, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
    g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TestResponse) after = NULL;

    write_fault ("slow 1");
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    {
      g_autoptr(GCancellable) cancel = g_cancellable_new ();
      GThread *canceller = g_thread_new ("canceller", cancel_soon, cancel);

      bytes = soup_session_send_and_read (session, msg, cancel, &error);
      g_thread_join (canceller);
    }
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (bytes);
    g_usleep (1200 * 1000);
    after = test_http (shared, "GET", path, token, NULL, NULL, 0);
    test_expect_data (after, 200);
  }
}

static void
test_method_aimed (void)
{
  g_autofree char *id = vz_test_server_pair_screen (shared, token, "Aimed", NULL);
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) read = NULL;
  g_autoptr(TestResponse) write = NULL;
  g_autoptr(TestResponse) read_again = NULL;
  g_autoptr(TestResponse) write_again = NULL;

  /* Only changes fail; reads (and a sign-in check) go through. */
  write_fault ("503 1 PATCH");
  read = test_http (shared, "GET", path, token, NULL, NULL, 0);
  test_expect_data (read, 200);
  write = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"No\"}", -1);
  test_expect_error (write, 503);
  read_again = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (read_again, 200), "nickname"), ==, "Aimed");
  write_again = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Yes\"}", -1);
  test_expect_data (write_again, 200);
}

static void
test_bad_order_is_ignored (void)
{
  const char *orders[] = { "404 3", "503", "503 many", "drop -1", "", "503 0", "\xff\xfe 2", "503 2 BREW", "503 2 GET x", "slow", "slow 0" };

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autoptr(TestResponse) response = NULL;

      write_fault (orders[i]);
      response = test_http (shared, "GET", "/displays", token, NULL, NULL, 0);
      test_expect_data (response, 200);
      g_assert_false (g_file_test (fault_path, G_FILE_TEST_EXISTS));
    }
}

static void
test_off_without_the_flag (void)
{
  g_autoptr(VzTestServer) plain = vz_test_server_start (NULL);
  g_autofree char *plain_token = vz_test_server_login (plain);
  g_autofree char *stray = g_build_filename (plain->data_dir, "fault", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TestResponse) response = NULL;

  /* A file with the usual name does nothing to a server not told about it. */
  g_file_set_contents (stray, "503 5", -1, &error);
  g_assert_no_error (error);
  response = test_http (plain, "GET", "/displays", plain_token, NULL, NULL, 0);
  test_expect_data (response, 200);
  g_assert_true (g_file_test (stray, G_FILE_TEST_EXISTS));
}

static gint64
count_keys (const char *key)
{
  sqlite3 *db = test_open_db (shared, TRUE);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM idempotency_keys WHERE key = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* A refused change leaves no key behind (its retry must really run), a
 * delete that went through is answered again on replay instead of a 404,
 * and a bulk request (a transaction of its own) nests inside the key's. */
static void
test_idempotency_keys (void)
{
  g_autofree char *a = vz_test_server_pair_screen (shared, token, "Key A", NULL);
  g_autofree char *b = vz_test_server_pair_screen (shared, token, "Key B", NULL);
  g_autofree char *path = g_strconcat ("/displays/", a, NULL);
  g_autofree char *key_patch = g_uuid_string_random ();
  g_autofree char *key_delete = g_uuid_string_random ();
  g_autofree char *key_bulk = g_uuid_string_random ();
  g_autofree char *h_patch = g_strconcat ("Idempotency-Key: ", key_patch, NULL);
  g_autofree char *h_delete = g_strconcat ("Idempotency-Key: ", key_delete, NULL);
  g_autofree char *h_bulk = g_strconcat ("Idempotency-Key: ", key_bulk, NULL);
  const char *stale[] = { h_patch, "If-Match: \"2001-01-01T00:00:00.000Z\"", NULL };
  const char *patch_headers[] = { h_patch, NULL };
  const char *delete_headers[] = { h_delete, NULL };
  const char *bulk_headers[] = { h_bulk, NULL };
  g_autofree char *bulk_body = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", b);
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) applied = NULL;
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) deleted_again = NULL;
  g_autoptr(TestResponse) bulk = NULL;
  g_autoptr(TestResponse) bulk_again = NULL;
  g_autoptr(TestResponse) other_request = NULL;

  refused = test_http (shared, "PATCH", path, token, stale, "{\"name\":\"Stale\"}", -1);
  test_expect_error (refused, 412);
  g_assert_cmpint (count_keys (key_patch), ==, 0);

  applied = test_http (shared, "PATCH", path, token, patch_headers, "{\"name\":\"Fresh\"}", -1);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (applied, 200), "nickname"), ==, "Fresh");
  g_assert_cmpint (count_keys (key_patch), ==, 1);

  /* The same key on another request is a client bug, said as such. */
  other_request = test_http (shared, "DELETE", path, token, patch_headers, NULL, 0);
  g_assert_nonnull (strstr (test_expect_error (other_request, 409), "Idempotency-Key"));

  deleted = test_http (shared, "DELETE", path, token, delete_headers, NULL, 0);
  test_expect_data (deleted, 200);
  deleted_again = test_http (shared, "DELETE", path, token, delete_headers, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (deleted_again, 200), "id"), ==, a);
  g_assert_cmpstr (soup_message_headers_get_one (deleted_again->headers, "Idempotent-Replayed"), ==, "true");

  bulk = test_http (shared, "POST", "/displays/bulk/delete", token, bulk_headers, bulk_body, -1);
  g_assert_cmpint (json_object_get_int_member (test_expect_object (bulk, 201), "deleted"), ==, 1);
  bulk_again = test_http (shared, "POST", "/displays/bulk/delete", token, bulk_headers, bulk_body, -1);
  g_assert_cmpint (json_object_get_int_member (test_expect_object (bulk_again, 201), "deleted"), ==, 1);
  g_assert_cmpint (count_keys (key_bulk), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *flag = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("vizora-fault-XXXXXX", NULL);
  g_assert_nonnull (dir);
  fault_path = g_build_filename (dir, "fault", NULL);
  flag = g_strconcat ("--fault-file=", fault_path, NULL);
  {
    const char *args[] = { flag, NULL };
    shared = vz_test_server_start (args);
  }
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/faults/503-burst", test_burst_of_503);
  g_test_add_func ("/server/faults/500-on-writes", test_burst_of_500_on_writes);
  g_test_add_func ("/server/faults/drop", test_drop_connection);
  g_test_add_func ("/server/faults/method-aimed", test_method_aimed);
  g_test_add_func ("/server/faults/slow", test_slow_answers);
  g_test_add_func ("/server/faults/bad-order", test_bad_order_is_ignored);
  g_test_add_func ("/server/faults/off-without-flag", test_off_without_the_flag);
  g_test_add_func ("/server/idempotency/keys", test_idempotency_keys);
  status = g_test_run ();

  vz_test_server_free (shared);
  g_unlink (fault_path);
  g_rmdir (dir);
  g_free (token);
  g_free (fault_path);
  return status;
}
