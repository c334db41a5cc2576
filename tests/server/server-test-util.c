/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "server-test"

#include "server-test-util.h"

#include <string.h>

#include "vz-password.h"

void
test_response_free (TestResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->raw, g_bytes_unref);
  g_free (response);
}

TestResponse *
test_http (VzTestServer       *server,
           const char         *method,
           const char         *path,
           const char         *token,
           const char * const *headers,
           const char         *body,
           gssize              body_len)
{
  return test_http_from (server, NULL, method, path, token, headers, body, body_len);
}

TestResponse *
test_http_from (VzTestServer       *server,
                const char         *local_address,
                const char         *method,
                const char         *path,
                const char         *token,
                const char * const *headers,
                const char         *body,
                gssize              body_len)
{
  g_autoptr(GInetAddress) address = local_address != NULL ? g_inet_address_new_from_string (local_address) : NULL;
  g_autoptr(GInetSocketAddress) local = address != NULL ? G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, 0))
                                                        : NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, "local-address", local, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  TestResponse *response;
  SoupMessageHeaders *request_headers;
  const char *data;
  gsize size;

  uri = g_str_has_prefix (path, "http") ? g_strdup (path) : g_strconcat (server->api_url, path, NULL);
  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (request_headers, "Authorization", auth);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = NULL;

      g_assert_nonnull (colon);
      name = g_strndup (headers[i], colon - headers[i]);
      soup_message_headers_append (request_headers, name, colon + 1 + (colon[1] == ' '));
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len < 0 ? strlen (body) : (gsize) body_len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = g_new0 (TestResponse, 1);
  response->raw = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  data = g_bytes_get_data (response->raw, &size);
  if (size > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, (gssize) size, NULL))
        response->body = json_node_ref (json_parser_get_root (parser));
    }
  return response;
}

/* The value of cookie @name among the response's Set-Cookie headers, or NULL. */
char *
test_response_cookie (TestResponse *response,
                      const char   *name,
                      char        **attributes)
{
  SoupMessageHeadersIter iter;
  const char *header_name, *value;
  g_autofree char *prefix = g_strconcat (name, "=", NULL);

  soup_message_headers_iter_init (&iter, response->headers);
  while (soup_message_headers_iter_next (&iter, &header_name, &value))
    {
      if (g_ascii_strcasecmp (header_name, "Set-Cookie") == 0 && g_str_has_prefix (value, prefix))
        {
          const char *start = value + strlen (prefix);
          const char *end = strchr (start, ';');

          if (attributes != NULL)
            *attributes = g_strdup (end != NULL ? end : "");
          return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
        }
    }
  return NULL;
}

JsonNode *
test_expect_data (TestResponse *response,
                  guint         status)
{
  JsonObject *root;

  if (response->status != status)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (response->raw, NULL), g_bytes_get_size (response->raw));
      g_error ("expected HTTP %u, got %u: %s", status, response->status, text);
    }
  g_assert_nonnull (response->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->body));
  root = json_node_get_object (response->body);
  g_assert_true (json_object_get_boolean_member (root, "success"));
  g_assert_true (json_object_has_member (root, "data"));
  return json_object_get_member (root, "data");
}

JsonObject *
test_expect_object (TestResponse *response,
                    guint         status)
{
  JsonNode *data = test_expect_data (response, status);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (data));
  return json_node_get_object (data);
}

const char *
test_expect_error (TestResponse *response,
                   guint         status)
{
  JsonObject *root;
  JsonNode *message;

  if (response->status != status)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (response->raw, NULL), g_bytes_get_size (response->raw));
      g_error ("expected HTTP %u, got %u: %s", status, response->status, text);
    }
  g_assert_nonnull (response->body);
  root = json_node_get_object (response->body);
  /* Errors are not enveloped: exactly statusCode, message, error. */
  g_assert_false (json_object_has_member (root, "success"));
  g_assert_cmpint (json_object_get_int_member (root, "statusCode"), ==, status);
  g_assert_nonnull (json_object_get_string_member (root, "error"));
  g_assert_cmpuint (json_object_get_size (root), ==, 3);
  message = json_object_get_member (root, "message");
  if (JSON_NODE_HOLDS_ARRAY (message))
    {
      g_assert_cmpuint (json_array_get_length (json_node_get_array (message)), >, 0);
      return json_array_get_string_element (json_node_get_array (message), 0);
    }
  g_assert_nonnull (json_node_get_string (message));
  g_assert_cmpstr (json_node_get_string (message), !=, "");
  return json_node_get_string (message);
}

sqlite3 *
test_open_db (VzTestServer *server,
              gboolean      readonly)
{
  g_autofree char *path = g_build_filename (server->data_dir, "vizora.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

void
test_db_exec (VzTestServer *server,
              const char   *sql)
{
  sqlite3 *db = test_open_db (server, FALSE);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("SQL failed: %s: %s", sql, message);
  sqlite3_close (db);
}

void
test_add_user (VzTestServer *server,
               const char   *email,
               const char   *password,
               const char   *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = vz_password_hash (password, &error);
  g_autofree char *id = g_uuid_string_random ();
  sqlite3 *db = test_open_db (server, FALSE);
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO users (id, organization_id, email, password_hash, role, created_at, updated_at)"
                                       " SELECT ?1, id, ?2, ?3, ?4, 0, 0 FROM organizations LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, role, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

char *
test_login_as (VzTestServer *server,
               const char   *email,
               const char   *password)
{
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  JsonObject *data;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  response = test_http (server, "POST", "/auth/login", NULL, NULL, body, -1);
  data = test_expect_object (response, 201);
  return g_strdup (json_object_get_string_member (data, "access_token"));
}

char *
test_if_match_header (const char *version)
{
  g_assert_nonnull (version);
  return g_strdup_printf ("If-Match: \"%s\"", version);
}
