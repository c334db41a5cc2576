/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-api-client"

#include <libsoup/soup.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-session.h"
#include "vz-test-server.h"
#include "vz-core-test-util.h"

/* One real server for the whole file: starting one per test costs seconds. */
static VzTestServer *server;

static VzSession *
signed_in_session (void)
{
  VzSession *session = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_assert_no_error (error);
  return session;
}

static JsonNode *
request (VzApiClient  *client,
         const char   *method,
         const char   *path,
         const char   *json_body,
         GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (json_body != NULL)
    body = json_from_string (json_body, NULL);
  vz_api_client_request_async (client, method, path, body, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  return vz_api_client_request_finish (client, result, error);
}

/* The message the real server put in its error body, joined the documented way. */
static char *
raw_server_message (const char *method,
                    const char *path,
                    const char *token,
                    const char *json_body,
                    guint       expected_status)
{
  g_autoptr(JsonNode) body = NULL;
  JsonNode *message;
  guint status;

  status = vz_test_server_request (server, method, path, token, json_body, &body);
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_nonnull (body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
  /* Errors are not enveloped. */
  g_assert_false (json_object_has_member (json_node_get_object (body), "success"));
  message = json_object_get_member (json_node_get_object (body), "message");
  g_assert_nonnull (message);
  if (JSON_NODE_HOLDS_ARRAY (message))
    {
      JsonArray *array = json_node_get_array (message);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (joined, "%s%s", i > 0 ? "; " : "", json_array_get_string_element (array, i));
      return g_string_free (g_steal_pointer (&joined), FALSE);
    }
  return g_strdup (json_node_get_string (message));
}

static void
test_session_login (void)
{
  g_autoptr(VzSession) session = signed_in_session ();

  g_assert_true (vz_session_get_signed_in (session));
  g_assert_cmpstr (vz_session_get_user_email (session), ==, VZ_TEST_EMAIL);
  g_assert_cmpstr (vz_session_get_role (session), ==, "admin");
  g_assert_true (vz_session_can_write (session));
  g_assert_nonnull (vz_session_get_organization_id (session));
  g_assert_nonnull (vz_session_get_user_name (session));
  g_assert_nonnull (vz_session_get_access_token (session));
  g_assert_cmpstr (vz_session_get_realtime_url (session), ==, server->url);
  vz_session_set_realtime_url (session, "http://127.0.0.1:1");
  g_assert_cmpstr (vz_session_get_realtime_url (session), ==, "http://127.0.0.1:1");
}

static void
test_session_wrong_password (void)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_login_async (session, VZ_TEST_EMAIL, "wrong password", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_session_login_finish (session, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The email address or password is not correct.");
  g_assert_false (vz_session_get_signed_in (session));
  g_assert_null (vz_session_get_access_token (session));
}

static void
test_session_resume_and_logout (void)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(VzSession) bad = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_resume_async (session, token, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_resume_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_true (vz_session_get_signed_in (session));
  g_assert_cmpstr (vz_session_get_user_email (session), ==, VZ_TEST_EMAIL);
  g_assert_nonnull (vz_session_get_organization_name (session));
  g_clear_object (&result);

  vz_session_resume_async (bad, "not-a-token", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_session_resume_finish (bad, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_false (vz_session_get_signed_in (bad));
  g_clear_error (&error);
  g_clear_object (&result);

  vz_session_logout_async (session, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_logout_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_false (vz_session_get_signed_in (session));
  g_assert_null (vz_session_get_access_token (session));
  g_assert_null (vz_session_get_user_email (session));
}

static void
test_envelope (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) health = NULL;
  JsonObject *obj;

  list = request (client, "GET", "/displays?page=1&limit=5", NULL, &error);
  g_assert_no_error (error);
  /* `data` was unwrapped: what is left is the paginated list. */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (list));
  obj = json_node_get_object (list);
  g_assert_true (json_object_has_member (obj, "data"));
  g_assert_true (json_object_has_member (obj, "meta"));
  g_assert_false (json_object_has_member (obj, "success"));

  health = request (client, "GET", "/health", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"), ==, "ok");
}

static void
test_pairing_complete_exception (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) pairing = NULL;
  g_autoptr(JsonNode) done = NULL;
  g_autofree char *body = NULL;
  const char *code;
  JsonObject *display;

  pairing = request (client, "POST", "/devices/pairing/request",
                     "{\"deviceIdentifier\":\"api-client-test-1\",\"nickname\":\"Hall\"}", &error);
  g_assert_no_error (error);
  code = json_object_get_string_member (json_node_get_object (pairing), "code");
  g_assert_cmpuint (strlen (code), ==, 6);

  body = g_strdup_printf ("{\"code\":\"%s\",\"nickname\":\"Hall screen\"}", code);
  done = request (client, "POST", "/devices/pairing/complete", body, &error);
  g_assert_no_error (error);
  /* No `data` here: the whole body is the answer. */
  g_assert_true (json_object_get_boolean_member (json_node_get_object (done), "success"));
  display = json_object_get_object_member (json_node_get_object (done), "display");
  g_assert_nonnull (display);
  g_assert_cmpstr (json_object_get_string_member (display, "nickname"), ==, "Hall screen");
}

static void
test_error_not_found (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  const char *path = "/displays/00000000-0000-4000-8000-000000000000";
  g_autofree char *expected = raw_server_message ("GET", path, vz_session_get_access_token (session), NULL, 404);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = request (client, "GET", path, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND);
  /* The server's own words reach the user. */
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_error_validation (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  const char *body = "{\"name\":42,\"unknownField\":true}";
  g_autofree char *expected =
    raw_server_message ("POST", "/display-groups", vz_session_get_access_token (session), body, 400);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = request (client, "POST", "/display-groups", body, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, expected);
  /* Two complaints in the server's `message` array, both kept. */
  g_assert_nonnull (strstr (error->message, "; "));
}

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

static void
test_error_unauthorized (void)
{
  g_autoptr(VzApiClient) client = vz_api_client_new (server->api_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint unauthorized = 0, token_changed = 0;

  g_signal_connect (client, "unauthorized", G_CALLBACK (count_signal), &unauthorized);
  g_signal_connect (client, "token-changed", G_CALLBACK (count_signal), &token_changed);

  /* No token at all: a plain 401, no refresh is attempted. */
  node = request (client, "GET", "/displays", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (unauthorized, ==, 0);
  g_clear_error (&error);

  /* A bad token and no refresh cookie: the refresh fails, we are told once. */
  vz_api_client_set_access_token (client, "expired.or.forged");
  node = request (client, "GET", "/displays", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Your session has expired. Please sign in again.");
  g_assert_cmpuint (unauthorized, ==, 1);
  g_assert_cmpuint (token_changed, ==, 0);
}

static void
test_refresh_single_flight (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  g_autofree char *old_token = g_strdup (vz_api_client_get_access_token (client));
  GAsyncResult *results[6] = { NULL, };
  guint token_changed = 0, unauthorized = 0;

  g_signal_connect (client, "token-changed", G_CALLBACK (count_signal), &token_changed);
  g_signal_connect (client, "unauthorized", G_CALLBACK (count_signal), &unauthorized);

  /* The access token goes bad; six requests hit 401 at once. Refresh tokens
   * rotate and a replayed one revokes the family, so a second refresh would
   * fail: every request succeeding proves the refresh was shared. */
  vz_api_client_set_access_token (client, "forged-expired-token");
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    vz_api_client_request_async (client, "GET", "/auth/me", NULL, NULL, vz_test_store_result, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      vz_test_wait_result (&results[i], 10000);
      node = vz_api_client_request_finish (client, results[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (node);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (token_changed, ==, 1);
  g_assert_cmpuint (unauthorized, ==, 0);
  g_assert_nonnull (vz_api_client_get_access_token (client));
  g_assert_cmpstr (vz_api_client_get_access_token (client), !=, "forged-expired-token");
  g_assert_cmpstr (vz_api_client_get_access_token (client), !=, old_token);

  /* And a second expiry later refreshes again with the rotated cookie. */
  vz_api_client_set_access_token (client, "forged-again");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = request (client, "GET", "/auth/me", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (token_changed, ==, 2);
  }
}

typedef struct {
  GThread *thread;
  guint    pages;
  guint    records;
} PageLog;

/* Puts an object holding only the record's id in each slot. */
static void
mark_page (GPtrArray *records,
           gpointer   user_data)
{
  PageLog *log = user_data;

  g_assert_true (g_thread_self () == log->thread);
  log->pages++;
  log->records += records->len;
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (records, i);
      JsonObject *mark = json_object_new ();

      json_object_set_string_member (mark, "marked", json_object_get_string_member (obj, "id"));
      g_ptr_array_index (records, i) = mark;
      json_object_unref (obj);
    }
}

static void
test_list_all (void)
{
  g_autoptr(VzSession) session = signed_in_session ();
  VzApiClient *client = vz_session_get_api_client (session);
  const char *token = vz_session_get_access_token (session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) first = NULL;
  gint64 total;
  guint status;

  /* Enough screens for three pages of 100. */
  status = vz_test_server_request (server, "GET", "/displays?page=1&limit=1", token, NULL, &first);
  g_assert_cmpuint (status, ==, 200);
  total = json_object_get_int_member (json_object_get_object_member (
            json_object_get_object_member (json_node_get_object (first), "data"), "meta"), "total");
  for (gint64 i = total; i < 230; i++)
    {
      g_autofree char *name = g_strdup_printf ("List screen %03" G_GINT64_FORMAT, i);
      g_autofree char *id = vz_test_server_pair_screen (server, token, name, NULL);

      g_assert_nonnull (id);
    }

  /* The order the server gives page by page, read one at a time. */
  for (guint page = 1; ; page++)
    {
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *path = g_strdup_printf ("/displays?page=%u&limit=100", page);
      JsonArray *items;

      status = vz_test_server_request (server, "GET", path, token, NULL, &body);
      g_assert_cmpuint (status, ==, 200);
      items = json_object_get_array_member (json_object_get_object_member (json_node_get_object (body), "data"), "data");
      if (json_array_get_length (items) == 0)
        break;
      for (guint i = 0; i < json_array_get_length (items); i++)
        g_ptr_array_add (expected, g_strdup (json_object_get_string_member (
                                              json_array_get_object_element (items, i), "id")));
    }
  g_assert_cmpuint (expected->len, >=, 230);

  vz_api_client_list_all_async (client, "/displays", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 20000);
  all = vz_api_client_list_all_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, expected->len);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (all, i), "id"), ==,
                     g_ptr_array_index (expected, i));

  /* Each page is given to the page function as it arrives, on this
   * thread; what it puts in a page's slots is what the list returns. */
  {
    g_autoptr(GAsyncResult) paged = NULL;
    g_autoptr(GPtrArray) marked = NULL;
    PageLog log = { g_thread_self (), 0, 0 };

    vz_api_client_list_all_full_async (client, "/displays", mark_page, &log, NULL, vz_test_store_result, &paged);
    vz_test_wait_result (&paged, 20000);
    marked = vz_api_client_list_all_finish (client, paged, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (log.pages, ==, (expected->len + 99) / 100);
    g_assert_cmpuint (log.records, ==, expected->len);
    g_assert_cmpuint (marked->len, ==, expected->len);
    for (guint i = 0; i < marked->len; i++)
      {
        JsonObject *obj = g_ptr_array_index (marked, i);

        g_assert_cmpuint (json_object_get_size (obj), ==, 1);
        g_assert_cmpstr (json_object_get_string_member (obj, "marked"), ==, g_ptr_array_index (expected, i));
      }
  }

  /* The same, cancelled at once: a cancelled error, nothing else. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) cancelled = NULL;
    g_autoptr(GError) cancel_error = NULL;
    g_autoptr(GPtrArray) none = NULL;

    vz_api_client_list_all_async (client, "/displays", cancellable, vz_test_store_result, &cancelled);
    g_cancellable_cancel (cancellable);
    vz_test_wait_result (&cancelled, 10000);
    none = vz_api_client_list_all_finish (client, cancelled, &cancel_error);
    g_assert_null (none);
    g_assert_error (cancel_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

static void
test_network_error (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(VzApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago and is closed now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u/api/v1", port);
  client = vz_api_client_new (url);

  node = request (client, "GET", "/displays", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Could not reach the server at 127.0.0.1:"));
}

/*
 * Hostile answers the real server never gives (it is correct): an HTML page,
 * a body with the wrong shape, an endless body. These come from a bare
 * SoupServer on loopback, standing in for a misconfigured proxy.
 */
static void
hostile_handler (SoupServer        *soup_server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  if (g_str_has_suffix (path, "/html"))
    {
      soup_server_message_set_status (msg, 502, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>Bad gateway</body></html>", 37);
    }
  else if (g_str_has_suffix (path, "/html-ok"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html></html>", 13);
    }
  else if (g_str_has_suffix (path, "/no-envelope"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[1,2,3]", 7);
    }
  else if (g_str_has_suffix (path, "/huge"))
    {
      gsize size = 17 * 1024 * 1024;
      char *body = g_malloc (size);

      memset (body, ' ', size);
      body[0] = '[';
      body[size - 1] = ']';
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, size);
    }
  else if (g_str_has_suffix (path, "/rate"))
    {
      soup_server_message_set_status (msg, 429, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "7");
    }
  else if (g_str_has_suffix (path, "/needs-auth"))
    soup_server_message_set_status (msg, 401, NULL);
  else if (g_str_has_suffix (path, "/auth/refresh"))
    soup_server_message_set_status (msg, 503, NULL);
  else if (g_str_has_suffix (path, "/bad-list"))
    {
      const char *body = "{\"success\":true,\"data\":{\"data\":[1],\"meta\":{\"totalPages\":1}}}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
test_hostile_answers (void)
{
  g_autoptr(SoupServer) soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzApiClient) client = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  static const struct {
    const char *path;
    VzApiError  code;
    const char *message;
  } cases[] = {
    { "/html", VZ_API_ERROR_SERVER, "The server ran into a problem (HTTP 502). Try again later." },
    { "/html-ok", VZ_API_ERROR_INVALID_RESPONSE, "The server’s answer could not be read. Is this a Vizora server?" },
    { "/no-envelope", VZ_API_ERROR_INVALID_RESPONSE, "The server’s answer was not in the expected form. Is this a Vizora server?" },
    { "/huge", VZ_API_ERROR_INVALID_RESPONSE, "The server’s answer was larger than 16.8\xc2\xa0" "MB, so it was not read." },
    { "/rate", VZ_API_ERROR_RATE_LIMITED, "Too many requests. Try again in 7 seconds." },
    { "/missing", VZ_API_ERROR_NOT_FOUND, "The server does not know this item. It may have been deleted." },
  };

  soup_server_add_handler (soup_server, NULL, hostile_handler, NULL, NULL);
  soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup_server);
  url = g_strdup_printf ("http://127.0.0.1:%d/api/v1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  client = vz_api_client_new (url);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) node = request (client, "GET", cases[i].path, NULL, &local_error);

      g_assert_null (node);
      g_assert_error (local_error, VZ_API_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (local_error->message, ==, cases[i].message);
    }

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) list = NULL;

    vz_api_client_list_all_async (client, "/bad-list", NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    list = vz_api_client_list_all_finish (client, result, &error);
    g_assert_null (list);
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
    g_clear_error (&error);
  }

  /* A refresh that fails for want of a server is not a sign-out. */
  {
    g_autoptr(JsonNode) node = NULL;
    guint unauthorized = 0;

    g_signal_connect (client, "unauthorized", G_CALLBACK (count_signal), &unauthorized);
    vz_api_client_set_access_token (client, "some-token");
    node = request (client, "GET", "/needs-auth", NULL, &error);
    g_assert_null (node);
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_SERVER);
    g_assert_cmpuint (unauthorized, ==, 0);
    g_assert_cmpstr (vz_api_client_get_access_token (client), ==, "some-token");
  }
  soup_server_disconnect (soup_server);
}

/*
 * A recording proxy in front of the real server: it forwards every request
 * unchanged and notes the Cookie and Authorization headers we sent, so the
 * test can prove what went over the wire.
 */
typedef struct {
  SoupSession *session;
  char        *target;
  GPtrArray   *log;     /* "METHOD PATH|cookie|authorization" */
} Proxy;

static void
on_forwarded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  SoupMessage *upstream = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_server_message_set_status (msg, soup_message_get_status (upstream), NULL);
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (upstream));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0)
      soup_message_headers_append (soup_server_message_get_response_headers (msg), name, value);
  if (body != NULL)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

static void
proxy_handler (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  g_autofree char *target = g_strconcat (proxy->target, g_uri_get_path (uri),
                                         g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ? g_uri_get_query (uri) : "",
                                         NULL);
  g_autoptr(SoupMessage) upstream = soup_message_new (soup_server_message_get_method (msg), target);
  g_autoptr(GBytes) request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_ptr_array_add (proxy->log, g_strdup_printf ("%s %s|%s|%s", soup_server_message_get_method (msg),
                                                g_uri_get_path (uri),
                                                soup_message_headers_get_one (in, "Cookie") ?: "",
                                                soup_message_headers_get_one (in, "Authorization") ?: ""));

  soup_message_headers_iter_init (&iter, in);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Host") != 0 && g_ascii_strcasecmp (name, "Content-Length") != 0 &&
        g_ascii_strcasecmp (name, "Connection") != 0)
      soup_message_headers_append (soup_message_get_request_headers (upstream), name, value);
  if (g_bytes_get_size (request_body) > 0)
    soup_message_set_request_body_from_bytes (upstream, soup_message_headers_get_content_type (in, NULL), request_body);

  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy->session, upstream, G_PRIORITY_DEFAULT, NULL,
                                    on_forwarded, g_object_ref (msg));
}

static void
test_auth_cookie_never_sent (void)
{
  g_autoptr(SoupServer) soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  Proxy proxy = { soup_session_new (), server->url, g_ptr_array_new_with_free_func (g_free) };
  gboolean refresh_had_cookie = FALSE;
  guint token_changed = 0;
  GSList *uris;

  soup_server_add_handler (soup_server, NULL, proxy_handler, &proxy, NULL);
  soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup_server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  session = vz_session_new (url);
  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_assert_no_error (error);
  g_signal_connect (vz_session_get_api_client (session), "token-changed", G_CALLBACK (count_signal), &token_changed);

  /* Expire the token: the refresh answer sets both cookies. */
  vz_api_client_set_access_token (vz_session_get_api_client (session), "expired-token");
  {
    g_autoptr(JsonNode) me = request (vz_session_get_api_client (session), "GET", "/auth/me", NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (me);
  }
  g_assert_cmpuint (token_changed, ==, 1);
  /* And one more request after it, with the new token. */
  {
    g_autoptr(JsonNode) list = request (vz_session_get_api_client (session), "GET", "/displays", NULL, &error);

    g_assert_no_error (error);
  }

  g_assert_cmpuint (proxy.log->len, >=, 5);
  for (guint i = 0; i < proxy.log->len; i++)
    {
      const char *line = g_ptr_array_index (proxy.log, i);

      /* Never, on any request. */
      g_assert_null (strstr (line, "vizora_auth_token"));
      if (g_str_has_prefix (line, "POST /api/v1/auth/refresh|"))
        refresh_had_cookie = strstr (line, "vizora_refresh_token=") != NULL;
      /* Everything after sign-in carries the Bearer token. */
      if (!g_str_has_prefix (line, "POST /api/v1/auth/login|"))
        g_assert_nonnull (strstr (line, "|Bearer "));
    }
  g_assert_true (refresh_had_cookie);
  /* The last request used the refreshed token. */
  g_assert_nonnull (strstr (g_ptr_array_index (proxy.log, proxy.log->len - 1),
                            vz_api_client_get_access_token (vz_session_get_api_client (session))));

  soup_server_disconnect (soup_server);
  g_ptr_array_unref (proxy.log);
  g_object_unref (proxy.session);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = vz_test_server_start (NULL);

  g_test_add_func ("/core/session/login", test_session_login);
  g_test_add_func ("/core/session/wrong-password", test_session_wrong_password);
  g_test_add_func ("/core/session/resume-and-logout", test_session_resume_and_logout);
  g_test_add_func ("/core/api-client/envelope", test_envelope);
  g_test_add_func ("/core/api-client/pairing-complete-exception", test_pairing_complete_exception);
  g_test_add_func ("/core/api-client/error-not-found", test_error_not_found);
  g_test_add_func ("/core/api-client/error-validation", test_error_validation);
  g_test_add_func ("/core/api-client/error-unauthorized", test_error_unauthorized);
  g_test_add_func ("/core/api-client/refresh-single-flight", test_refresh_single_flight);
  g_test_add_func ("/core/api-client/list-all", test_list_all);
  g_test_add_func ("/core/api-client/network-error", test_network_error);
  g_test_add_func ("/core/api-client/hostile-answers", test_hostile_answers);
  g_test_add_func ("/core/api-client/auth-cookie-never-sent", test_auth_cookie_never_sent);

  ret = g_test_run ();
  vz_test_server_free (server);
  return ret;
}
