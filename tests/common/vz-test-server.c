/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-test-server"

#include "vz-test-server.h"
#include "vz-test-process.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

/*
 * The public struct is the first member so that tests see the documented
 * fields, while the helper keeps what it needs to restart the same server.
 */
typedef struct {
  VzTestServer       pub;
  GStrv              extra_args;
  GDataInputStream  *stdout_stream;
  SoupSession       *session;
} VzTestServerReal;

void
vz_test_require_node (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  const char *modules = g_getenv ("VIZORA_NODE_MODULES");
  const char *packages[] = { "socket.io", "socket.io-client" };

  if (node == NULL)
    g_error ("node is not installed: this test runs the official Socket.IO peers from npm "
             "under node (tools/install-deps installs it).");
  if (modules == NULL || *modules == '\0')
    g_error ("VIZORA_NODE_MODULES is not set; run the tests through `meson test`.");
  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      g_autofree char *path = g_build_filename (modules, packages[i], "package.json", NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("The npm package %s is missing from %s (tools/install-deps installs it).",
                 packages[i], modules);
    }
}

const char *
vz_test_require_bin (const char *variable)
{
  const char *bin = g_getenv (variable);

  /* Running a test outside meson without the variable is a setup mistake,
   * not a bug of the program: say so plainly. */
  if (bin == NULL || *bin == '\0')
    g_error ("%s is not set; run the tests through `meson test`.", variable);
  if (!g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("%s (%s) is missing, though meson builds it with the tests: the build is incomplete.",
             variable, bin);
  return bin;
}

static void
stop_process (VzTestServerReal *real,
              int               signum)
{
  if (real->pub.process != NULL)
    {
      g_subprocess_send_signal (real->pub.process, signum);
      g_subprocess_wait (real->pub.process, NULL, NULL);
      g_clear_object (&real->pub.process);
    }
  g_clear_object (&real->stdout_stream);
}

/* Spawns the server on @port (0: any) and waits for its "listening on" line.
 * Returns FALSE if it exited first (e.g. the old port was taken). */
static gboolean
spawn_server (VzTestServerReal *real,
              guint16           port,
              GError          **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;
  const char *rest;
  const char *colon;
  guint64 parsed_port;

  g_ptr_array_add (argv, g_strdup (vz_test_require_bin ("VIZORA_SERVER_BIN")));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (real->pub.data_dir));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", port));
  g_ptr_array_add (argv, g_strdup ("--admin-email"));
  g_ptr_array_add (argv, g_strdup (VZ_TEST_EMAIL));
  for (guint i = 0; real->extra_args != NULL && real->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (real->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  /* stderr is inherited so that server diagnostics land in the test log. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, vz_test_child_setup, NULL, NULL);
  /* As the README says: the password stays out of the process list. */
  g_subprocess_launcher_setenv (launcher, "VIZORA_ADMIN_PASSWORD", VZ_TEST_PASSWORD, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (process == NULL)
    return FALSE;

  stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, error);
  if (line == NULL)
    {
      g_subprocess_wait (process, NULL, NULL);
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "vizora-server exited before it was listening (status %d)",
                     g_subprocess_get_status (process));
      return FALSE;
    }

  if (!g_str_has_prefix (line, "listening on http://"))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "vizora-server printed “%s” instead of its listening line", line);
      return FALSE;
    }

  rest = line + strlen ("listening on ");
  colon = strrchr (rest, ':');
  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &parsed_port, error))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No port in “%s”", line);
      return FALSE;
    }

  g_free (real->pub.url);
  g_free (real->pub.api_url);
  real->pub.port = (guint16) parsed_port;
  real->pub.url = g_strdup_printf ("http://127.0.0.1:%u", real->pub.port);
  real->pub.api_url = g_strconcat (real->pub.url, "/api/v1", NULL);
  real->pub.process = g_steal_pointer (&process);
  /* Keep the pipe open: closing it would make a later write kill the server. */
  real->stdout_stream = g_steal_pointer (&stream);
  return TRUE;
}

VzTestServer *
vz_test_server_start (const char * const *extra_args)
{
  VzTestServerReal *real = g_new0 (VzTestServerReal, 1);
  g_autoptr(GError) error = NULL;

  real->extra_args = g_strdupv ((char **) extra_args);
  real->pub.data_dir = g_dir_make_tmp ("vizora-test-XXXXXX", &error);
  g_assert_no_error (error);

  real->session = soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 8, NULL);

  spawn_server (real, 0, &error);
  g_assert_no_error (error);
  return &real->pub;
}

void
vz_test_server_restart (VzTestServer *server)
{
  VzTestServerReal *real = (VzTestServerReal *) server;
  g_autoptr(GError) error = NULL;
  guint16 old_port = server->port;

  g_return_if_fail (server != NULL);

  stop_process (real, SIGTERM);
  /* Connections to the old process are dead; drop them from the pool. */
  g_clear_object (&real->session);
  real->session = soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 8, NULL);

  if (!spawn_server (real, old_port, &error))
    {
      g_clear_error (&error);
      spawn_server (real, 0, &error);
    }
  g_assert_no_error (error);
}

void
vz_test_server_kill (VzTestServer *server)
{
  VzTestServerReal *real = (VzTestServerReal *) server;

  g_return_if_fail (server != NULL);
  stop_process (real, SIGKILL);
}

void
vz_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            vz_test_remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

void
vz_test_server_free (VzTestServer *server)
{
  VzTestServerReal *real = (VzTestServerReal *) server;

  if (server == NULL)
    return;

  stop_process (real, SIGTERM);
  g_clear_object (&real->session);
  if (server->data_dir != NULL)
    vz_test_remove_tree (server->data_dir);
  g_free (server->data_dir);
  g_free (server->url);
  g_free (server->api_url);
  g_strfreev (real->extra_args);
  g_free (real);
}

guint
vz_test_server_request (VzTestServer  *server,
                        const char    *method,
                        const char    *path,
                        const char    *access_token,
                        const char    *json_body,
                        JsonNode     **body)
{
  VzTestServerReal *real = (VzTestServerReal *) server;
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (server != NULL, 0);
  g_return_val_if_fail (method != NULL && path != NULL, 0);

  if (body != NULL)
    *body = NULL;

  uri = g_strconcat (server->api_url, path, NULL);
  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);

  if (access_token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", access_token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }

  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = soup_session_send_and_read (real->session, msg, NULL, &error);
  g_assert_no_error (error);

  data = g_bytes_get_data (response, &size);
  if (body != NULL && size > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, (gssize) size, NULL))
        *body = json_node_ref (json_parser_get_root (parser));
    }

  return soup_message_get_status (msg);
}

static JsonObject *
expect_data (guint        status,
             guint        expected,
             JsonNode    *body,
             const char  *what)
{
  JsonObject *root;

  if (status != expected)
    g_error ("%s: expected HTTP %u, got %u", what, expected, status);
  g_assert_nonnull (body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
  root = json_node_get_object (body);
  g_assert_true (json_object_get_boolean_member_with_default (root, "success", FALSE));
  return root;
}

char *
vz_test_server_login (VzTestServer *server)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *request = NULL;
  JsonObject *root;
  JsonObject *data;
  guint status;

  g_return_val_if_fail (server != NULL, NULL);

  request = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  status = vz_test_server_request (server, "POST", "/auth/login", NULL, request, &body);
  /* NestJS answers a POST with 201; accept 200 as well. */
  root = expect_data (status, status == 200 ? 200 : 201, body, "login");
  data = json_object_get_object_member (root, "data");
  g_assert_nonnull (data);
  g_assert_nonnull (json_object_get_string_member_with_default (data, "access_token", NULL));
  return g_strdup (json_object_get_string_member (data, "access_token"));
}

static char *
json_string_body (const char *first_key,
                  ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *key;
  va_list ap;

  json_builder_begin_object (builder);
  va_start (ap, first_key);
  for (key = first_key; key != NULL; key = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);

      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  va_end (ap);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

char *
vz_test_server_pair_screen (VzTestServer  *server,
                            const char    *access_token,
                            const char    *nickname,
                            char         **device_token)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *request = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *status_path = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) body2 = NULL;
  g_autoptr(JsonNode) body3 = NULL;
  g_autofree char *code = NULL;
  g_autofree char *display_id = NULL;
  JsonObject *root;
  JsonObject *data;
  guint status;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  request = json_string_body ("deviceIdentifier", identifier, "nickname", nickname, NULL);
  /* On the admin's behalf, as the simulator does: not counted against the
   * per-client limit on public pairing requests. */
  status = vz_test_server_request (server, "POST", "/devices/pairing/request", access_token, request, &body);
  /* The platform answers 200 or 201 for creation; accept both. */
  root = expect_data (status, status == 201 ? 201 : 200, body, "pairing request");
  data = json_object_get_object_member (root, "data");
  code = g_strdup (json_object_get_string_member (data, "code"));
  g_assert_cmpuint (strlen (code), ==, 6);

  complete = json_string_body ("code", code, "nickname", nickname, NULL);
  status = vz_test_server_request (server, "POST", "/devices/pairing/complete", access_token, complete, &body2);
  root = expect_data (status, status == 201 ? 201 : 200, body2, "pairing complete");
  data = json_object_get_object_member (root, "display");
  g_assert_nonnull (data);
  display_id = g_strdup (json_object_get_string_member (data, "id"));

  status_path = g_strconcat ("/devices/pairing/status/", code, NULL);
  status = vz_test_server_request (server, "GET", status_path, NULL, NULL, &body3);
  root = expect_data (status, 200, body3, "pairing status");
  data = json_object_get_object_member (root, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "paired");
  g_assert_cmpstr (json_object_get_string_member (data, "deviceId"), ==, display_id);

  if (device_token != NULL)
    *device_token = g_strdup (json_object_get_string_member (data, "deviceToken"));
  return g_steal_pointer (&display_id);
}

JsonObject *
vz_test_server_data (VzTestServer *server,
                     const char   *method,
                     const char   *path,
                     const char   *access_token,
                     const char   *json_body,
                     guint         status,
                     JsonNode    **keep)
{
  guint got;

  g_clear_pointer (keep, json_node_unref);
  got = vz_test_server_request (server, method, path, access_token, json_body, keep);
  if (got != status)
    g_error ("%s %s answered %u, not %u", method, path, got, status);
  return json_object_get_object_member (json_node_get_object (*keep), "data");
}

char *
vz_test_server_create (VzTestServer *server,
                       const char   *access_token,
                       const char   *path,
                       const char   *json_body)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (server, "POST", path, access_token, json_body, 201, &keep);

  return g_strdup (json_object_get_string_member (data, "id"));
}

GSubprocess *
vz_test_server_start_sim (VzTestServer *server,
                          const char   *screens,
                          const char   *seed)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *sim_bin = vz_test_require_bin ("VIZORA_SIM_BIN");
  GSubprocess *sim;

  g_return_val_if_fail (server != NULL && screens != NULL, NULL);

  g_ptr_array_add (argv, (char *) sim_bin);
  g_ptr_array_add (argv, "--server");
  g_ptr_array_add (argv, server->url);
  g_ptr_array_add (argv, "--email");
  g_ptr_array_add (argv, VZ_TEST_EMAIL);
  g_ptr_array_add (argv, "--password");
  g_ptr_array_add (argv, VZ_TEST_PASSWORD);
  g_ptr_array_add (argv, "--screens");
  g_ptr_array_add (argv, (char *) screens);
  if (seed != NULL)
    {
      g_ptr_array_add (argv, "--seed");
      g_ptr_array_add (argv, (char *) seed);
    }
  g_ptr_array_add (argv, NULL);

  /* Like the server, it dies with the test: a failed test must not leave it
   * holding the inherited stderr open for the harness to wait on. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, vz_test_child_setup, NULL, NULL);
  sim = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return sim;
}

char *
vz_test_server_wait_online_display (VzTestServer *server,
                                    const char   *access_token)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_return_val_if_fail (server != NULL && access_token != NULL, NULL);

  for (;;)
    {
      g_autoptr(JsonNode) body = NULL;
      guint status = vz_test_server_request (server, "GET", "/displays", access_token, NULL, &body);
      JsonObject *root = expect_data (status, 200, body, "display list");
      JsonArray *items = json_object_get_array_member (json_object_get_object_member (root, "data"), "data");

      if (json_array_get_length (items) > 0)
        {
          JsonObject *first = json_array_get_object_element (items, 0);

          if (g_strcmp0 (json_object_get_string_member (first, "status"), "online") == 0)
            return g_strdup (json_object_get_string_member (first, "id"));
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }
}
