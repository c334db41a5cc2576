/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-screenshot-loader"

#include <libsoup/soup.h>
#include <string.h>

#include "vz-screenshot-loader.h"
#include "vz-session.h"
#include "vz-test-server.h"
#include "vz-core-test-util.h"

/* One real server for the whole file: starting one per test costs seconds. */
static VzTestServer *server;

/* A 1×1 PNG. */
#define PNG_BASE64 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

static GBytes *
fetch (VzSession    *session,
       const char   *url,
       gsize         max_bytes,
       GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_screenshot_loader_fetch_async (session, url, max_bytes, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 20000);
  return vz_screenshot_loader_fetch_finish (result, error);
}

static void
assert_refused (VzSession         *session,
                const char        *url,
                gsize              max_bytes,
                VzScreenshotError  code,
                const char        *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = fetch (session, url, max_bytes, &error);

  g_assert_null (bytes);
  g_assert_error (error, VZ_SCREENSHOT_ERROR, (gint) code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

/* A session that holds a token of the test server's admin. */
static VzSession *
signed_in_session (void)
{
  VzSession *session = vz_session_new (server->url);
  g_autofree char *token = vz_test_server_login (server);

  vz_api_client_set_access_token (vz_session_get_api_client (session), token);
  return session;
}

/* ---- data: URLs ---- */

static void
test_data_url (void)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) svg = NULL;
  g_autofree guchar *expected = NULL;
  g_autoptr(GString) huge = NULL;
  gsize expected_size;

  expected = g_base64_decode (PNG_BASE64, &expected_size);
  bytes = fetch (session, "data:image/png;base64," PNG_BASE64, VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, expected_size);

  /* The type is case-insensitive, and percent-encoding is allowed too. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = fetch (session, "DATA:Image/PNG;Base64," PNG_BASE64, VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, expected_size);
  svg = fetch (session, "data:image/svg+xml,%3Csvg%2F%3E", VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg), "<svg/>", 6);

  /* The limit holds exactly: the 1×1 PNG passes at its own size, not one byte less. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = fetch (session, "data:image/png;base64," PNG_BASE64, expected_size, &error);
  g_assert_no_error (error);
  assert_refused (session, "data:image/png;base64," PNG_BASE64, expected_size - 1,
                  VZ_SCREENSHOT_ERROR_TOO_LARGE, NULL);

  /* Oversized is refused by the length of the text, before it is decoded:
   * text that is both too long and damaged is called too large, and a
   * picture over the real limit is refused in words. */
  huge = g_string_new ("data:image/png;base64,");
  for (gsize i = 0; i < (VZ_SCREENSHOT_MAX_BYTES / 3 + 1) * 4; i++)
    g_string_append_c (huge, i % 97 == 0 ? '*' : 'A');
  assert_refused (session, huge->str, VZ_SCREENSHOT_MAX_BYTES, VZ_SCREENSHOT_ERROR_TOO_LARGE,
                  "The screenshot is larger than 33.6\xc2\xa0" "MB, too large to show.");
  assert_refused (session, "data:image/svg+xml,%3Csvg%2F%3E%3Csvg%2F%3E", 4, VZ_SCREENSHOT_ERROR_TOO_LARGE, NULL);

  /* Damaged base64 is not passed on as a shorter picture. */
  assert_refused (session, "data:image/png;base64,iVBOR*w0KGgo=", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that arrived damaged.");
  assert_refused (session, "data:image/png;base64,iVBORw0KGgo", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that arrived damaged.");
  assert_refused (session, "data:image/png;base64,iVBO=w0K", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that arrived damaged.");
  assert_refused (session, "data:image/png;base64", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that arrived damaged.");
  assert_refused (session, "data:image/svg+xml,%3Csvg%ZZ", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that arrived damaged.");

  /* Only pictures: another type, no type (text/plain), or nothing at all. */
  assert_refused (session, "data:text/html;base64,PGgxPmhpPC9oMT4=", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that is not a picture.");
  assert_refused (session, "data:;base64," PNG_BASE64, VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that is not a picture.");
  assert_refused (session, "data:image/png;base64,", VZ_SCREENSHOT_MAX_BYTES,
                  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE, "The screen sent a screenshot that is not a picture.");
}

static void
test_address (void)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  static const char * const refused[] = {
    "ftp://127.0.0.1/shot.png",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "http:///no-host.png",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (session, refused[i], VZ_SCREENSHOT_MAX_BYTES, VZ_SCREENSHOT_ERROR_ADDRESS,
                    "The screen sent a screenshot address that cannot be opened.");
}

static void
test_cancelled (void)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_cancellable_cancel (cancellable);
  vz_screenshot_loader_fetch_async (session, "/api/v1/health", VZ_SCREENSHOT_MAX_BYTES, cancellable,
                                    vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  bytes = vz_screenshot_loader_fetch_finish (result, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the real server ---- */

/* Asks the screen for a screenshot and returns the address the server keeps. */
static char *
take_screenshot (const char *token,
                 const char *display_id)
{
  g_autofree char *path = g_strconcat ("/displays/", display_id, "/screenshot", NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint status;

  status = vz_test_server_request (server, "POST", path, token, NULL, NULL);
  g_assert_cmpuint (status / 100, ==, 2);
  for (;;)
    {
      g_autoptr(JsonNode) body = NULL;
      JsonNode *data;

      status = vz_test_server_request (server, "GET", path, token, NULL, &body);
      g_assert_cmpuint (status, ==, 200);
      data = json_object_get_member (json_node_get_object (body), "data");
      if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
        return g_strdup (json_object_get_string_member (json_node_get_object (data), "url"));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      vz_test_spin (200);
    }
}

static void
test_server (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  g_autoptr(GSubprocess) sim = vz_test_server_start_sim (server, "1", NULL);
  const char *token = vz_api_client_get_access_token (vz_session_get_api_client (session));
  g_autofree char *display_id = vz_test_server_wait_online_display (server, token);
  g_autofree char *url = take_screenshot (token, display_id);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *me_text = NULL;
  const guchar *data;
  gsize size;

  /* The picture the screen took, as the server stores it. */
  g_assert_true (g_str_has_prefix (url, server->url));
  bytes = fetch (session, url, VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 8);
  /* The simulator sends PNG and the server keeps the bytes it got. */
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);

  /* A relative address resolves against the server's origin. */
  again = fetch (session, url + strlen (server->url), VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, again));

  /* The limit holds for downloads: the server's Content-Length refuses it. */
  assert_refused (session, url, size - 1, VZ_SCREENSHOT_ERROR_TOO_LARGE, NULL);

  /* The server's own sentence says why a picture is missing. */
  missing = g_strconcat ("/api/v1/media/screenshots/", "0123456789abcdef0123456789abcdef", ".png", NULL);
  assert_refused (session, missing, VZ_SCREENSHOT_MAX_BYTES, VZ_SCREENSHOT_ERROR_DOWNLOAD,
                  "The screenshot could not be downloaded. This picture does not exist (any more).");

  /* The server gets the session's token: /auth/me answers only with it. */
  me = fetch (session, "/api/v1/auth/me", VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  me_text = g_strndup (g_bytes_get_data (me, NULL), g_bytes_get_size (me));
  g_assert_nonnull (strstr (me_text, VZ_TEST_EMAIL));

  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
}

/* ---- another host (a storage service) ---- */

#define STREAM_CHUNK (64 * 1024)
#define STREAM_TOTAL (48 * 1024 * 1024)

typedef struct {
  char  *authorization;   /* of the last request */
  gsize  written;         /* of the endless answer */
} Storage;

static void
on_wrote_chunk (SoupServerMessage *msg,
                gpointer           user_data)
{
  Storage *storage = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  static char chunk[STREAM_CHUNK];

  if (storage->written >= STREAM_TOTAL)
    {
      soup_message_body_complete (body);
      return;
    }
  storage->written += sizeof chunk;
  soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, sizeof chunk);
}

/* /small: a PNG with its length; /stream: chunked, no length, 48 MB. */
static void
storage_handler (SoupServer        *soup_server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Storage *storage = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  g_free (storage->authorization);
  storage->authorization = g_strdup (soup_message_headers_get_one (request, "Authorization"));

  if (g_str_equal (path, "/small"))
    {
      gsize size;
      guchar *png = g_base64_decode (PNG_BASE64, &size);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_TAKE, (char *) png, size);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (response, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (response, "image/png", NULL);
  storage->written = 0;
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), storage);
  on_wrote_chunk (msg, storage);
}

static void
test_other_host (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  g_autoptr(SoupServer) soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autofree char *small = NULL;
  g_autofree char *stream = NULL;
  Storage storage = { NULL, 0 };
  GSList *uris;
  int port;

  soup_server_add_handler (soup_server, NULL, storage_handler, &storage, NULL);
  soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup_server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  small = g_strdup_printf ("http://127.0.0.1:%d/small", port);
  stream = g_strdup_printf ("http://127.0.0.1:%d/stream", port);

  /* Another host gets the picture asked for, and never the token. */
  bytes = fetch (session, small, VZ_SCREENSHOT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 8);
  g_assert_nonnull (vz_api_client_get_access_token (vz_session_get_api_client (session)));
  g_assert_null (storage.authorization);

  /* Without a Content-Length, the limit is applied while the body arrives:
   * a 48 MB answer is refused at 256 KB, long before it has all been sent. */
  assert_refused (session, stream, 256 * 1024, VZ_SCREENSHOT_ERROR_TOO_LARGE,
                  "The screenshot is larger than 262.1\xc2\xa0kB, too large to show.");
  g_assert_cmpuint (storage.written, <, STREAM_TOTAL);

  /* Under the limit, the same stream arrives whole. */
  whole = fetch (session, stream, STREAM_TOTAL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (whole), ==, STREAM_TOTAL);

  g_free (storage.authorization);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = vz_test_server_start (NULL);

  g_test_add_func ("/core/screenshot-loader/data-url", test_data_url);
  g_test_add_func ("/core/screenshot-loader/address", test_address);
  g_test_add_func ("/core/screenshot-loader/cancelled", test_cancelled);
  g_test_add_func ("/core/screenshot-loader/server", test_server);
  g_test_add_func ("/core/screenshot-loader/other-host", test_other_host);

  ret = g_test_run ();
  vz_test_server_free (server);
  return ret;
}
