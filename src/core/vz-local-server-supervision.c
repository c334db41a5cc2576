/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-local-server"

/* The local server's child: found, spawned, its output read and ended; and
 * its supervision: an exit nobody asked for is followed by a start on the
 * same port after a backoff, until it fails quickly too often. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-child-private.h"
#include "vz-local-server-private.h"

/* A server that stops within this long of its start failed "quickly"; this
 * many quick failures in a row and it is left stopped ("failed"). */
#define QUICK_FAILURE_S     10
#define MAX_QUICK_FAILURES  5
/* The last lines the server wrote to its error output. */
#define ERROR_LINES_KEPT    20

#define properties _vz_local_server_properties

/* ------------------------------------------------------------------------ */
/* Children                                                                 */

char *
_vz_local_server_find_program (const char *env_var,
                               const char *name,
                               const char *build_subdir)
{
  const char *from_env = g_getenv (env_var);
  g_autofree char *self_exe = NULL;
  g_autofree char *exe_dir = NULL;
  g_autofree char *candidate = NULL;
  char *in_path;

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      exe_dir = g_path_get_dirname (self_exe);
      candidate = g_build_filename (exe_dir, name, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);

      /* Run from the build tree: the programs sit in their own folders. */
      if (g_str_has_prefix (exe_dir, BUILD_ROOT))
        {
          g_clear_pointer (&candidate, g_free);
          candidate = g_build_filename (BUILD_ROOT, build_subdir, name, NULL);
          if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&candidate);
        }
    }

  in_path = g_find_program_in_path (name);
  if (in_path != NULL)
    return in_path;
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Supervision                                                              */

void
_vz_local_server_set_state (VzLocalServer      *self,
                            VzLocalServerState  state)
{
  gboolean was_running = self->state == VZ_LOCAL_SERVER_STATE_RUNNING;

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_running != (state == VZ_LOCAL_SERVER_STATE_RUNNING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
add_error_line (VzLocalServer *self,
                const char    *line)
{
  g_queue_push_tail (&self->error_lines, g_strdup (line));
  while (self->error_lines.length > ERROR_LINES_KEPT)
    g_free (g_queue_pop_head (&self->error_lines));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_OUTPUT]);
}

static void
on_error_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VzLocalServer *self = user_data;
  g_autofree char *raw = NULL;
  g_autofree char *line = NULL;

  /* NULL at the end of the child's output, and when the watch was cancelled
   * (stop() or dispose: then @self may be gone). */
  raw = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (raw == NULL)
    return;
  line = g_utf8_make_valid (raw, -1);
  g_debug ("vizora-server (error output): %s", line);
  add_error_line (self, line);
  /* Read on so the child never blocks on a full pipe. */
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, self->watch,
                                       on_error_line, self);
}

static char *
find_server_program (void)
{
  return _vz_local_server_find_program ("VIZORA_SERVER_BIN", "vizora-server", "src/server");
}

/* Starts the child on @port (0: any free one); its output is read from
 * self->server_stdout, its error output into the ring of last lines. */
gboolean
_vz_local_server_spawn (VzLocalServer  *self,
                        guint           port,
                        GError        **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *program = NULL;
  g_autofree char *listen = NULL;
  const char *argv[6];

  program = find_server_program ();
  if (program == NULL)
    {
      g_set_error_literal (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_NOT_FOUND,
                           _("The local fleet server (vizora-server) is not installed."));
      return FALSE;
    }

  listen = g_strdup_printf ("127.0.0.1:%u", port);
  argv[0] = program;
  argv[1] = "--data-dir";
  argv[2] = self->data_dir;
  argv[3] = "--listen";
  argv[4] = listen;
  argv[5] = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, _vz_child_setup, NULL, NULL);
  /* The server makes its own admin and writes admin.txt: a password meant
   * for another server must not reach it. */
  g_subprocess_launcher_unsetenv (launcher, "VIZORA_ADMIN_PASSWORD");
  self->child_started = g_get_monotonic_time ();
  self->server = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (self->server == NULL)
    {
      g_set_error (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_NOT_FOUND,
                   _("The local fleet server could not be started: %s"), local_error->message);
      return FALSE;
    }

  g_clear_object (&self->server_stdout);
  self->server_stdout = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->server));
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->server));
  g_data_input_stream_read_line_async (errors, G_PRIORITY_LOW, self->watch, on_error_line, self);
  return TRUE;
}

/* Fleet servers this process ended that have not exited yet (GSubprocess):
 * each may still hold its port and its database, so a start waits for them,
 * whichever VzLocalServer ran them (the app starts the server again with a
 * new one). */
static GPtrArray *stopping_servers;

static void
on_stopping_server_exited (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  g_ptr_array_remove (stopping_servers, source);
}

/* Ends the child without waiting (SIGTERM, SIGKILL after a grace period),
 * remembered among the stopping servers until it has exited. */
void
_vz_local_server_terminate (VzLocalServer *self)
{
  if (self->server != NULL && g_subprocess_get_identifier (self->server) != NULL)
    {
      if (stopping_servers == NULL)
        stopping_servers = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (stopping_servers, g_object_ref (self->server));
      g_subprocess_wait_async (self->server, NULL, on_stopping_server_exited, NULL);
    }
  _vz_child_terminate (&self->server);
}

GSubprocess *
_vz_local_server_first_stopping (void)
{
  for (guint i = 0; stopping_servers != NULL && i < stopping_servers->len; i++)
    {
      GSubprocess *process = g_ptr_array_index (stopping_servers, i);

      if (g_subprocess_get_identifier (process) != NULL)
        return process;
    }
  return NULL;
}

/*
 * The child stopped (@how says in what way) or could not be started again:
 * it is started again after a backoff, unless it failed quickly too many
 * times in a row. A server that ran for a while before it stopped starts a
 * new series.
 */
static gboolean restart_timeout (gpointer user_data);

static void
server_failed (VzLocalServer *self,
               const char    *how)
{
  gint64 ran_for = g_get_monotonic_time () - self->child_started;
  guint delay;

  if (self->state == VZ_LOCAL_SERVER_STATE_RUNNING && ran_for >= QUICK_FAILURE_S * G_USEC_PER_SEC)
    {
      self->quick_failures = 0;
      vz_backoff_reset (self->backoff);
    }
  self->quick_failures++;

  g_clear_object (&self->server);
  g_clear_object (&self->server_stdout);

  if (self->quick_failures >= MAX_QUICK_FAILURES)
    {
      g_message ("The fleet server stopped (%s) %u times in a row soon after starting; "
                 "it is left stopped", how, self->quick_failures);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      return;
    }

  delay = vz_backoff_next_delay (self->backoff);
  g_message ("The fleet server stopped (%s); starting it again in %u ms", how, delay);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_RESTARTING);
  self->restart_id = g_timeout_add (delay, restart_timeout, self);
}

static void
on_server_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VzLocalServer *self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autofree char *how = NULL;

  /* Fails only when the watch was cancelled: stop() or dispose, and then
   * @self may be gone. */
  if (!g_subprocess_wait_finish (process, result, NULL))
    return;
  if (process != self->server)
    return;

  if (g_subprocess_get_if_signaled (process))
    how = g_strdup_printf ("signal %d", g_subprocess_get_term_sig (process));
  else
    how = g_strdup_printf ("exit status %d", g_subprocess_get_exit_status (process));
  server_failed (self, how);
}

void
_vz_local_server_on_drain_line (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (line == NULL)
    return;
  /* Read on so the child never blocks on a full pipe. */
  g_debug ("vizora-server: %s", line);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, NULL,
                                       _vz_local_server_on_drain_line, NULL);
}

static void
on_restart_line (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VzLocalServer *self = user_data;
  g_autofree char *line = NULL;

  /* NULL when the child ended (its exit is watched) or the watch was
   * cancelled (then @self may be gone). */
  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (line == NULL)
    return;

  if (strstr (line, "listening on ") == NULL)
    {
      g_debug ("vizora-server: %s", line);
      g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, self->watch,
                                           on_restart_line, self);
      return;
    }

  g_message ("The fleet server is running again (%s)", line);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_RUNNING);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, NULL,
                                       _vz_local_server_on_drain_line, NULL);
}

static gboolean
restart_timeout (gpointer user_data)
{
  VzLocalServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->restart_id = 0;
  self->restart_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTART_COUNT]);

  /* The same port: the app, the simulator and the account's saved state
   * know the server by its address. */
  if (!_vz_local_server_spawn (self, self->listen_port, &error))
    {
      add_error_line (self, error->message);
      server_failed (self, error->message);
      return G_SOURCE_REMOVE;
    }
  _vz_local_server_watch (self);
  g_data_input_stream_read_line_async (self->server_stdout, G_PRIORITY_DEFAULT, self->watch,
                                       on_restart_line, self);
  return G_SOURCE_REMOVE;
}

void
_vz_local_server_watch (VzLocalServer *self)
{
  g_subprocess_wait_async (self->server, self->watch, on_server_exited, self);
}

/* Stops watching: what follows (a stop, a dispose) is on purpose. */
void
_vz_local_server_unwatch (VzLocalServer *self)
{
  g_cancellable_cancel (self->watch);
  g_clear_object (&self->watch);
  g_clear_handle_id (&self->restart_id, g_source_remove);
}

void
vz_local_server_restart (VzLocalServer *self)
{
  g_return_if_fail (VZ_IS_LOCAL_SERVER (self));

  /* Only a server that ran: one that never started has no address to keep. */
  if (self->state != VZ_LOCAL_SERVER_STATE_FAILED || self->watch == NULL || self->url == NULL)
    return;
  self->quick_failures = 0;
  vz_backoff_reset (self->backoff);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_RESTARTING);
  self->restart_id = g_timeout_add (0, restart_timeout, self);
}
