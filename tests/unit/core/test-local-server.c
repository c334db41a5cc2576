/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-local-server"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <unistd.h>

#include "vz-local-server.h"
#include "vz-test-server.h"
#include "vz-test-process.h"
#include "vz-session.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-sync-engine.h"
#include "vz-core-test-util.h"

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
port_open (const char *url)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, NULL);
  return connection != NULL;
}

/* Signs in to @url with @local's admin details (from admin.txt). */
static VzSession *
sign_in (VzLocalServer *local,
         const char    *url)
{
  g_autoptr(VzSession) session = vz_session_new (url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_login_async (session, vz_local_server_get_admin_email (local),
                          vz_local_server_get_admin_password (local), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&session);
}

static void
test_start_sign_in_stop (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "nested", "server", NULL);
  g_autoptr(VzLocalServer) local = vz_local_server_new (data_dir);
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 30000);
  g_assert_true (vz_local_server_start_finish (local, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  url = g_strdup (vz_local_server_get_url (local));
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_nonnull (vz_local_server_get_admin_email (local));
  g_assert_nonnull (vz_local_server_get_admin_password (local));

  /* The credentials from admin.txt really sign in. */
  session = sign_in (local, url);
  g_assert_cmpstr (vz_session_get_role (session), ==, "admin");

  /* A second start while running is refused in words. */
  g_clear_object (&result);
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_local_server_start_finish (local, result, &error));
  g_assert_error (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED);
  g_clear_error (&error);

  vz_local_server_stop (local);
  g_assert_null (vz_local_server_get_url (local));
  /* Stopped means gone: give it the grace period at most. */
  for (guint i = 0; i < 100 && port_open (url); i++)
    vz_test_spin (50);
  g_assert_false (port_open (url));

  remove_tree (dir);
}

static gpointer
write_admin_fifo (gpointer user_data)
{
  static const char contents[] = "email: admin@localhost\npassword: unused\n";
  const char *path = user_data;
  int fd;

  /* Long after the server is up: the app is waiting on the file by then. */
  g_usleep (3 * G_USEC_PER_SEC);
  /* Opening a FIFO for writing waits for its reader. */
  fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, contents, strlen (contents)), ==, (gssize) strlen (contents));
  close (fd);
  return NULL;
}

typedef struct {
  gint64 last;
  gint64 longest_gap;
} Ticks;

static gboolean
tick_cb (gpointer user_data)
{
  Ticks *ticks = user_data;
  gint64 now = g_get_monotonic_time ();

  ticks->longest_gap = MAX (ticks->longest_gap, now - ticks->last);
  ticks->last = now;
  return G_SOURCE_CONTINUE;
}

/*
 * The sign-in details are read off the main loop: with admin.txt a FIFO that
 * is written only seconds later, a synchronous read would freeze the app for
 * those seconds; here the main loop keeps turning (no gap between its ticks
 * near a second) and the start then finishes with the details. A password in
 * the app's own environment does not reach the server either (the server
 * would refuse to start with it but without --admin-email).
 */
static void
test_admin_file_read_async (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  g_autofree char *admin = g_build_filename (dir, "admin.txt", NULL);
  g_autoptr(VzLocalServer) local = vz_local_server_new (dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) writer = NULL;
  Ticks ticks = { g_get_monotonic_time (), 0 };
  guint tick_id;

  g_setenv ("VIZORA_ADMIN_PASSWORD", "meant for another server", TRUE);
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 30000);
  g_assert_true (vz_local_server_start_finish (local, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_local_server_get_admin_email (local), ==, "admin@localhost");
  vz_local_server_stop (local);
  g_unsetenv ("VIZORA_ADMIN_PASSWORD");

  /* The server writes admin.txt on its first start only: from now on the
   * file is ours to replace. */
  g_assert_cmpint (g_unlink (admin), ==, 0);
  g_assert_cmpint (mkfifo (admin, 0600), ==, 0);
  g_clear_object (&local);
  local = vz_local_server_new (dir);
  writer = g_thread_new ("admin-writer", write_admin_fifo, admin);
  ticks.last = g_get_monotonic_time ();
  tick_id = g_timeout_add (20, tick_cb, &ticks);
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 30000);
  g_clear_handle_id (&tick_id, g_source_remove);
  g_thread_join (g_steal_pointer (&writer));

  g_assert_true (vz_local_server_start_finish (local, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_local_server_get_admin_password (local), ==, "unused");
  g_assert_nonnull (vz_local_server_get_url (local));
  g_assert_cmpint (ticks.longest_gap, <, G_USEC_PER_SEC);
  vz_local_server_stop (local);
  remove_tree (dir);
}

static void
test_not_installed (void)
{
  g_autoptr(VzLocalServer) local = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("VIZORA_SERVER_BIN"));
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);

  g_setenv ("VIZORA_SERVER_BIN", "/nonexistent/vizora-server", TRUE);
  local = vz_local_server_new (dir);
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_local_server_start_finish (local, result, &error));
  g_assert_error (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "The local fleet server could not be started"));
  g_setenv ("VIZORA_SERVER_BIN", saved, TRUE);

  /* Demo screens need a running server first. */
  g_clear_error (&error);
  g_assert_false (vz_local_server_start_demo (local, 3, &error));
  g_assert_error (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED);
  remove_tree (dir);
}

static void
test_child_dies_with_parent (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);

  /* A child test process starts the server and is then killed with SIGKILL:
   * no dispose runs, yet the server must go (PR_SET_PDEATHSIG). */
  if (g_test_subprocess ())
    {
      g_autoptr(VzLocalServer) local = vz_local_server_new (g_getenv ("VZ_TEST_DATA_DIR"));
      g_autoptr(GAsyncResult) result = NULL;

      vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
      vz_test_wait_result (&result, 30000);
      g_assert_true (vz_local_server_start_finish (local, result, NULL));
      g_print ("URL %s\n", vz_local_server_get_url (local));
      fflush (stdout);
      for (;;)
        g_usleep (G_USEC_PER_SEC);
    }

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_autoptr(GSubprocess) parent = NULL;
    g_autoptr(GDataInputStream) out = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *line = NULL;
    const char *url;

    g_subprocess_launcher_setenv (launcher, "VZ_TEST_DATA_DIR", dir, TRUE);
    parent = g_subprocess_launcher_spawn (launcher, &error, g_test_get_filename (G_TEST_BUILT, "test-local-server", NULL),
                                          "-p", "/core/local-server/child-dies-with-parent",
                                          "--GTestSubprocess", NULL);
    g_assert_no_error (error);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (parent));
    while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL &&
           strstr (line, "URL ") == NULL)
      g_clear_pointer (&line, g_free);
    g_assert_nonnull (line);
    url = strstr (line, "URL ") + 4;
    g_assert_true (port_open (url));

    g_subprocess_send_signal (parent, SIGKILL);
    g_subprocess_wait (parent, NULL, NULL);
    for (guint i = 0; i < 100 && port_open (url); i++)
      g_usleep (50000);
    g_assert_false (port_open (url));
  }
  remove_tree (dir);
}

typedef struct {
  char   *device_id;
  char   *url;
  guint   width;
} Shot;

static void
on_screenshot_ready (VzSyncEngine *engine,
                     const char   *name,
                     JsonNode     *payload,
                     Shot         *shot)
{
  VzScreenshotReady ready;

  g_assert_cmpstr (name, ==, VZ_SCREENSHOT_READY_EVENT);
  g_assert_true (vz_screenshot_ready_parse (payload, &ready));
  g_free (shot->device_id);
  g_free (shot->url);
  shot->device_id = g_strdup (ready.device_id);
  shot->url = g_strdup (ready.url);
  shot->width = ready.width;
}

static guint
count_online (VzStore *store)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (store), i);

      n += vz_display_get_status (display) == VZ_DISPLAY_STATUS_ONLINE;
    }
  return n;
}

static char *
child_cmdline (const char *program)
{
  char *cmdline = NULL;

  vz_test_child_pid (program, &cmdline);
  return cmdline;
}

static GPid
server_pid (void)
{
  GPid pid = vz_test_child_pid ("vizora-server", NULL);

  g_assert_cmpint (pid, >, 0);
  return pid;
}

static gboolean
in_state (VzLocalServer      *local,
          VzLocalServerState  state,
          guint               timeout_ms)
{
  for (guint waited = 0; vz_local_server_get_state (local) != state && waited < timeout_ms; waited += 20)
    vz_test_spin (20);
  return vz_local_server_get_state (local) == state;
}

static void
start_local (VzLocalServer *local)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 30000);
  g_assert_true (vz_local_server_start_finish (local, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_RUNNING);
}

static void
on_state_notify (VzLocalServer *local,
                 GParamSpec    *pspec,
                 GPtrArray     *states)
{
  g_ptr_array_add (states, GINT_TO_POINTER (vz_local_server_get_state (local)));
}

/*
 * A server killed with SIGKILL (no chance to say anything) is started again
 * by itself, on the same address: "restarting", then "running", one
 * restart counted, a new process, and the old sign-in works against it.
 */
static void
test_restart_after_kill (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  g_autoptr(VzLocalServer) local = vz_local_server_new (dir);
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  g_autoptr(VzSession) session = NULL;
  g_autofree char *url = NULL;
  GPid first, second;

  start_local (local);
  url = g_strdup (vz_local_server_get_url (local));
  first = server_pid ();
  g_signal_connect (local, "notify::state", G_CALLBACK (on_state_notify), states);

  g_assert_cmpint (kill (first, SIGKILL), ==, 0);
  g_assert_true (in_state (local, VZ_LOCAL_SERVER_STATE_RESTARTING, 10000));
  g_assert_false (vz_local_server_get_state (local) == VZ_LOCAL_SERVER_STATE_RUNNING);
  g_assert_true (in_state (local, VZ_LOCAL_SERVER_STATE_RUNNING, 30000));

  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (states, 0)), ==, VZ_LOCAL_SERVER_STATE_RESTARTING);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (states, 1)), ==, VZ_LOCAL_SERVER_STATE_RUNNING);
  g_assert_cmpuint (vz_local_server_get_restart_count (local), ==, 1);
  g_assert_cmpstr (vz_local_server_get_url (local), ==, url);
  g_assert_true (port_open (url));
  second = server_pid ();
  g_assert_cmpint (second, !=, first);

  session = sign_in (local, url);

  /* A stop on purpose is not a failure: nothing is restarted. */
  g_signal_handlers_disconnect_by_func (local, on_state_notify, states);
  vz_local_server_stop (local);
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_STOPPED);
  for (guint i = 0; i < 100 && port_open (url); i++)
    vz_test_spin (50);
  g_assert_false (port_open (url));
  vz_test_spin (1500);
  g_assert_false (port_open (url));
  g_assert_null (child_cmdline ("vizora-server"));
  g_assert_cmpuint (vz_local_server_get_restart_count (local), ==, 1);

  remove_tree (dir);
}

/* A port no one listens on now. */
static guint16
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/*
 * A start right after a stop, on the same port: the stopped child still has
 * the port (and the database) until it exits, and the new one waits for
 * that, whether the same VzLocalServer starts again or a new one (as the
 * app does). The old child is held stopped (SIGSTOP), so it lets go only
 * when its grace period ends and it is killed. A stop during that wait
 * ends the start, cancelled, and starts nothing.
 */
static void
test_stop_start_same_port (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  guint16 port = free_port ();
  g_autoptr(VzLocalServer) local = g_object_new (VZ_TYPE_LOCAL_SERVER, "data-dir", dir, "port", port, NULL);
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GPid first, second, third;

  start_local (local);
  url = g_strdup (vz_local_server_get_url (local));
  first = server_pid ();
  g_assert_cmpint (kill (first, SIGSTOP), ==, 0);
  vz_local_server_stop (local);
  start_local (local);
  g_assert_cmpstr (vz_local_server_get_url (local), ==, url);
  second = server_pid ();
  g_assert_cmpint (second, !=, first);
  g_assert_cmpint (kill (first, 0), ==, -1);

  g_assert_cmpint (kill (second, SIGSTOP), ==, 0);
  vz_local_server_stop (local);
  g_clear_object (&local);
  local = g_object_new (VZ_TYPE_LOCAL_SERVER, "data-dir", dir, "port", port, NULL);
  start_local (local);
  g_assert_cmpstr (vz_local_server_get_url (local), ==, url);
  g_assert_true (port_open (url));
  third = server_pid ();
  g_assert_cmpint (third, !=, second);
  g_assert_cmpint (kill (second, 0), ==, -1);
  session = sign_in (local, url);

  g_assert_cmpint (kill (third, SIGSTOP), ==, 0);
  vz_local_server_stop (local);
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_STARTING);
  vz_local_server_stop (local);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_local_server_start_finish (local, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_STOPPED);
  /* The held child is killed after its grace period; nothing else runs. */
  for (guint i = 0; i < 200 && vz_test_child_pid ("vizora-server", NULL) > 0; i++)
    vz_test_spin (50);
  g_assert_null (child_cmdline ("vizora-server"));
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_STOPPED);

  remove_tree (dir);
}

static GSocketListener *
take_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return vz_test_take_port ((guint16) g_uri_get_port (uri));
}

/*
 * A server that cannot start again (its port taken by another program the
 * moment it died) is tried a few times with growing pauses, then left in
 * "failed", with the server's own words about why in "error-output"; the
 * data folder is where it was. Once the port is free, restart() brings it back.
 */
static void
test_keeps_failing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  g_autoptr(VzLocalServer) local = vz_local_server_new (dir);
  g_autoptr(GSocketListener) squatter = NULL;
  g_autofree char *url = NULL;
  g_autofree char *output = NULL;
  gint64 started;

  start_local (local);
  url = g_strdup (vz_local_server_get_url (local));
  g_assert_null (vz_local_server_dup_error_output (local));

  g_assert_cmpint (kill (server_pid (), SIGKILL), ==, 0);
  squatter = take_port (url);
  started = g_get_monotonic_time ();

  g_assert_true (in_state (local, VZ_LOCAL_SERVER_STATE_FAILED, 60000));
  /* Four tries after the first death, with pauses of about 0.5, 1, 2 and 4 s. */
  g_assert_cmpuint (vz_local_server_get_restart_count (local), ==, 4);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 5 * G_USEC_PER_SEC);
  output = vz_local_server_dup_error_output (local);
  g_assert_nonnull (output);
  g_assert_nonnull (strstr (output, "Address already in use"));
  g_assert_cmpstr (vz_local_server_get_data_dir (local), ==, dir);
  g_assert_null (child_cmdline ("vizora-server"));
  /* Left alone: no more tries. */
  vz_test_spin (1500);
  g_assert_cmpuint (vz_local_server_get_restart_count (local), ==, 4);
  g_assert_cmpint (vz_local_server_get_state (local), ==, VZ_LOCAL_SERVER_STATE_FAILED);

  g_socket_listener_close (squatter);
  vz_local_server_restart (local);
  g_assert_true (in_state (local, VZ_LOCAL_SERVER_STATE_RUNNING, 30000));
  g_assert_cmpuint (vz_local_server_get_restart_count (local), ==, 5);
  g_assert_cmpstr (vz_local_server_get_url (local), ==, url);
  g_assert_true (port_open (url));

  vz_local_server_stop (local);
  remove_tree (dir);
}

static void
test_demo_and_screenshot (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-local-server-XXXXXX", NULL);
  g_autoptr(VzLocalServer) local = vz_local_server_new (dir);
  g_autoptr(VzSession) session = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) first = NULL;
  g_autoptr(GBytes) picture = NULL;
  VzStore *displays;
  Shot shot = { NULL, NULL, 0 };
  gint64 deadline;
  const guint8 *bytes;
  gsize size;

  vz_test_require_bin ("VIZORA_SIM_BIN");
  vz_local_server_start_async (local, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 30000);
  g_assert_true (vz_local_server_start_finish (local, result, &error));
  g_clear_object (&result);
  g_assert_true (vz_local_server_start_demo (local, 3, &error));
  g_assert_no_error (error);
  /* The simulator gets the admin password, but not on its command line,
   * which every user of the computer can read. */
  {
    g_autofree char *cmdline = child_cmdline ("vizora-sim");

    g_assert_nonnull (cmdline);
    g_assert_nonnull (strstr (cmdline, "--email"));
    g_assert_null (strstr (cmdline, vz_local_server_get_admin_password (local)));
    g_assert_null (strstr (cmdline, "--password"));
  }

  session = vz_session_new (vz_local_server_get_url (local));
  vz_session_login_async (session, vz_local_server_get_admin_email (local),
                          vz_local_server_get_admin_password (local), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_clear_object (&result);

  /* The simulated screens pair themselves and come online; the engine
   * learns of them from their statuses alone. */
  engine = vz_sync_engine_new (session);
  g_signal_connect (engine, "realtime-event::" VZ_SCREENSHOT_READY_EVENT, G_CALLBACK (on_screenshot_ready), &shot);
  vz_sync_engine_start (engine);
  displays = vz_sync_engine_get_displays (engine);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (count_online (displays) < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      vz_test_spin (50);
    }

  /* A screenshot, end to end: request → screen → server → screenshot:ready → bytes. */
  first = g_list_model_get_item (G_LIST_MODEL (displays), 0);
  vz_sync_engine_request_screenshot_async (engine, vz_entity_get_id (VZ_ENTITY (first)), NULL,
                                           vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_request_screenshot_finish (engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (shot.url == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      vz_test_spin (50);
    }
  g_assert_cmpstr (shot.device_id, ==, vz_entity_get_id (VZ_ENTITY (first)));
  g_assert_cmpuint (shot.width, >, 0);

  vz_api_client_get_bytes_async (vz_session_get_api_client (session), shot.url, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  picture = vz_api_client_get_bytes_finish (vz_session_get_api_client (session), result, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (picture, &size);
  g_assert_cmpuint (size, >, 8);
  /* The picture the simulator sent: it sends PNG, the server keeps the bytes. */
  g_assert_cmpmem (bytes, 8, "\x89PNG\r\n\x1a\n", 8);

  vz_sync_engine_stop (engine);
  vz_local_server_stop (local);
  g_free (shot.device_id);
  g_free (shot.url);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/local-server/start-sign-in-stop", test_start_sign_in_stop);
  g_test_add_func ("/core/local-server/not-installed", test_not_installed);
  g_test_add_func ("/core/local-server/admin-file-read-async", test_admin_file_read_async);
  g_test_add_func ("/core/local-server/child-dies-with-parent", test_child_dies_with_parent);
  g_test_add_func ("/core/local-server/demo-and-screenshot", test_demo_and_screenshot);
  g_test_add_func ("/core/local-server/restart-after-kill", test_restart_after_kill);
  g_test_add_func ("/core/local-server/keeps-failing", test_keeps_failing);
  g_test_add_func ("/core/local-server/stop-start-same-port", test_stop_start_same_port);

  return g_test_run ();
}
