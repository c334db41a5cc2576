/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-throttle"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "server-test-util.h"
#include "vz-server-private.h"

/*
 * Sign-in throttling. The shape of the waits (growth, caps, the clean-client
 * rule, forgetting) is driven through the throttle itself with explicit
 * times; the real server on loopback then shows that it holds under a
 * concurrent storm and that a client that has not failed still gets in.
 * Loopback has a whole /8: 127.0.0.2 and up are other clients.
 */

#define WRONG_BODY "{\"email\":\"" VZ_TEST_EMAIL "\",\"password\":\"not the password\"}"
#define RIGHT_BODY "{\"email\":\"" VZ_TEST_EMAIL "\",\"password\":\"" VZ_TEST_PASSWORD "\"}"

/* --- the throttle with explicit times ------------------------------------ */

static VzServer *
throttle_new (void)
{
  VzServer *server = g_object_new (VZ_TYPE_SERVER, "data-dir", "/nonexistent", NULL);

  _vz_server_throttle_init (server);
  return server;
}

/* The wait after @n counted failures with @free of them free, as
 * docs/sign-in-throttling.md gives it. */
static gint64
documented_wait (guint  n,
                 guint  free_attempts,
                 gint64 cap)
{
  if (n < free_attempts)
    return 0;
  return MIN ((gint64) 1000 << MIN (n - free_attempts, 30), cap);
}

static void
test_waits_grow_and_cap (void)
{
  g_autoptr(VzServer) server = throttle_new ();
  gint64 now = 1000000;

  /* Ten failures on the account are free, the tenth starts the wait. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.1", now), ==, 0);
  for (guint n = 10; n < 34; n++)
    {
      gint64 wait = _vz_sign_in_take (server, "admin@x", "10.0.0.1", now);

      /* The longer of the account's wait and the client's own (which starts
       * after its 20 free failures and is capped at an hour). */
      g_assert_cmpint (wait, ==, MAX (documented_wait (n, 10, VZ_SIGN_IN_ACCOUNT_MAX_DELAY_MS),
                                      documented_wait (n, 20, VZ_SIGN_IN_CLIENT_MAX_DELAY_MS)));
      /* Refused attempts do not count: asking again changes nothing. */
      g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.1", now + wait - 1), ==, 1);
      now += wait;
      g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.1", now), ==, 0);
    }
  /* Capped: an account under attack gets at most one guess per 15 minutes
   * from addresses that already failed, and such an address one an hour. */
  g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.2", now), ==, 0);
  g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.2", now), ==, VZ_SIGN_IN_ACCOUNT_MAX_DELAY_MS);
  g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.1", now), ==, VZ_SIGN_IN_CLIENT_MAX_DELAY_MS);
}

static void
test_clean_client_gets_in (void)
{
  g_autoptr(VzServer) server = throttle_new ();
  gint64 now = 1000000;
  gint64 wait;

  for (guint i = 0; i < 15; i++)
    _vz_sign_in_take (server, "admin@x", "10.0.0.1", now + i);
  wait = _vz_sign_in_take (server, "admin@x", "10.0.0.1", now + 15);
  g_assert_cmpint (wait, >, 0);

  /* The admin, at a desk that never failed, is evaluated at once... */
  g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.9", now + 15), ==, 0);
  /* ...and with the right password the account's failures are forgotten. */
  _vz_sign_in_succeeded (server, "admin@x", "10.0.0.9");
  g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.9", now + 16), ==, 0);
  /* The guessing address keeps its own record: 10 failures, 10 to go. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (_vz_sign_in_take (server, "other@x", "10.0.0.1", now + 16), ==, 0);
  g_assert_cmpint (_vz_sign_in_take (server, "other@x", "10.0.0.1", now + 16), ==, 1000);

  /* A day without failures, and everything is forgotten. */
  now += VZ_SIGN_IN_FORGET_MS + VZ_SIGN_IN_CLIENT_MAX_DELAY_MS;
  _vz_server_throttle_maintenance (server, now);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (_vz_sign_in_take (server, "admin@x", "10.0.0.1", now), ==, 0);
}

static void
test_spraying_many_accounts (void)
{
  g_autoptr(VzServer) server = throttle_new ();
  gint64 now = 1000000;

  /* One guess at each of many accounts: the client's own count stops it. */
  for (guint i = 0; i < 19; i++)
    {
      g_autofree char *account = g_strdup_printf ("user%u@x", i);

      g_assert_cmpint (_vz_sign_in_take (server, account, "10.0.0.1", now), ==, 0);
    }
  g_assert_cmpint (_vz_sign_in_take (server, "user19@x", "10.0.0.1", now), ==, 0);
  g_assert_cmpint (_vz_sign_in_take (server, "user20@x", "10.0.0.1", now), ==, 1000);
  g_assert_cmpint (_vz_sign_in_take (server, "user20@x", "10.0.0.1", now + 1000), ==, 0);
  g_assert_cmpint (_vz_sign_in_take (server, "user21@x", "10.0.0.1", now + 1000), ==, 2000);
}

/* --- raw HTTP over pre-opened connections -------------------------------- */

typedef struct {
  guint  status;
  guint  retry_after;   /* 0 when absent */
  char  *text;
} RawResponse;

static void
raw_response_clear (RawResponse *response)
{
  g_clear_pointer (&response->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RawResponse, raw_response_clear)

static GSocketConnection *
raw_connect (VzTestServer *server,
             const char   *local_address)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  if (local_address != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local_address);
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new (address, 0);

      g_socket_client_set_local_address (client, local);
    }
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
raw_send_login (GSocketConnection *connection,
                const char        *body)
{
  g_autofree char *request = g_strdup_printf ("POST /api/v1/auth/login HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\n"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n"
                                              "Connection: close\r\n"
                                              "\r\n%s", strlen (body), body);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
raw_read (GSocketConnection *connection,
          RawResponse       *response)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *retry;
  char buffer[4096];
  gssize n;

  /* The server closes after every answer. */
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (text, buffer, n);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text->str, "HTTP/1.1 "));
  response->status = (guint) g_ascii_strtoull (text->str + 9, NULL, 10);
  retry = strstr (text->str, "\r\nRetry-After: ");
  response->retry_after = retry != NULL ? (guint) g_ascii_strtoull (retry + 15, NULL, 10) : 0;
  response->text = g_string_free (g_steal_pointer (&text), FALSE);
}

static void
raw_login (VzTestServer *server,
           const char   *local_address,
           const char   *body,
           RawResponse  *response)
{
  g_autoptr(GSocketConnection) connection = raw_connect (server, local_address);

  raw_send_login (connection, body);
  raw_read (connection, response);
}

/* 300 wrong passwords sent at once over connections opened beforehand: only
 * the account's free attempts are evaluated, every other one is refused with
 * 429 and Retry-After without its hash being checked. The right password
 * then works at once from a client that has not failed, but not from the
 * guessing one. */
static void
test_storm (void)
{
  /* A first wait of a minute: the refusals below cannot outlast it. */
  const char *args[] = { "--sign-in-limits", "10,20,60000", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(RawResponse) same = { 0, };
  g_auto(RawResponse) fresh = { 0, };
  g_auto(RawResponse) after = { 0, };
  guint evaluated = 0;
  guint refused = 0;

  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (connections, raw_connect (server, NULL));
  for (guint i = 0; i < connections->len; i++)
    raw_send_login (g_ptr_array_index (connections, i), WRONG_BODY);
  for (guint i = 0; i < connections->len; i++)
    {
      g_auto(RawResponse) response = { 0, };

      raw_read (g_ptr_array_index (connections, i), &response);
      if (response.status == 401)
        evaluated++;
      else if (response.status == 429)
        {
          refused++;
          g_assert_cmpuint (response.retry_after, >=, 1);
          g_assert_nonnull (strstr (response.text, "Too many sign-in attempts"));
        }
      else
        g_error ("the storm got %s", response.text);
    }
  g_assert_cmpuint (evaluated, ==, 10);
  g_assert_cmpuint (refused, ==, 300 - evaluated);

  raw_login (server, NULL, RIGHT_BODY, &same);
  g_assert_cmpuint (same.status, ==, 429);
  g_assert_cmpuint (same.retry_after, >=, 1);

  raw_login (server, "127.0.0.2", RIGHT_BODY, &fresh);
  g_assert_cmpuint (fresh.status, ==, 201);
  g_assert_nonnull (strstr (fresh.text, "access_token"));

  /* The owner got in, so the account's failures no longer hold back the
   * storming address (its own ten stay below its free twenty). */
  raw_login (server, NULL, RIGHT_BODY, &after);
  g_assert_cmpuint (after.status, ==, 201);
}

/* Over HTTP, on the server's clock (moved by the test, nothing sleeps): an
 * attempt inside a wait is refused with the wait left, one after it is
 * evaluated, and each wait doubles until the account's cap of 15 minutes.
 * The client's own waits are out of the way (1000 free failures). */
static void
test_waits_over_http (void)
{
  g_autofree char *clock = NULL;
  int clock_fd = g_file_open_tmp ("vz-test-clock-XXXXXX", &clock, NULL);
  const char *args[] = { "--sign-in-limits", "10,1000,1000", "--clock-file", clock, NULL };
  g_autoptr(VzTestServer) server = NULL;
  gint64 ahead_ms = 0;
  guint expected = 1;

  g_assert_cmpint (clock_fd, >=, 0);
  close (clock_fd);
  server = vz_test_server_start (args);
  for (guint i = 0; i < 10; i++)
    {
      g_auto(RawResponse) response = { 0, };

      raw_login (server, NULL, WRONG_BODY, &response);
      g_assert_cmpuint (response.status, ==, 401);
    }
  for (guint i = 0; i < 12; i++)
    {
      g_auto(RawResponse) refused = { 0, };
      g_auto(RawResponse) evaluated = { 0, };
      g_autofree char *ahead = NULL;

      raw_login (server, NULL, RIGHT_BODY, &refused);
      g_assert_cmpuint (refused.status, ==, 429);
      g_assert_cmpuint (refused.retry_after, ==, expected);

      /* A second later than the wait, on the server's clock. */
      ahead_ms += (gint64) (expected + 1) * 1000;
      ahead = g_strdup_printf ("%" G_GINT64_FORMAT, ahead_ms);
      g_assert_true (g_file_set_contents (clock, ahead, -1, NULL));
      raw_login (server, NULL, WRONG_BODY, &evaluated);
      g_assert_cmpuint (evaluated.status, ==, 401);
      expected = MIN (expected * 2, 15 * 60);
    }
  g_unlink (clock);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/throttle/waits-grow-and-cap", test_waits_grow_and_cap);
  g_test_add_func ("/server/throttle/clean-client-gets-in", test_clean_client_gets_in);
  g_test_add_func ("/server/throttle/spraying-many-accounts", test_spraying_many_accounts);
  g_test_add_func ("/server/throttle/storm", test_storm);
  g_test_add_func ("/server/throttle/waits-over-http", test_waits_over_http);
  return g_test_run ();
}
