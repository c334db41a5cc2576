/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-local-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-backoff.h"
#include "vz-child-private.h"
#include "vz-local-server.h"

/* Longer than any first start (database creation, migrations) takes. */
#define START_TIMEOUT_S 30
/* A server that stops within this long of its start failed "quickly"; this
 * many quick failures in a row and it is left stopped ("failed"). */
#define QUICK_FAILURE_S     10
#define MAX_QUICK_FAILURES  5
/* Restarts wait 0.5 s, 1 s, 2 s… up to 30 s (with jitter). */
#define RESTART_INITIAL_MS  500
#define RESTART_MAX_MS      30000
/* The last lines the server wrote to its error output. */
#define ERROR_LINES_KEPT    20

G_DEFINE_QUARK (vz-local-server-error-quark, vz_local_server_error)
G_DEFINE_ENUM_TYPE (VzLocalServerState, vz_local_server_state,
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_RESTARTING, "restarting"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_FAILED, "failed"))

struct _VzLocalServer
{
  GObject           parent_instance;

  char             *data_dir;
  guint             port;
  char             *url;
  char             *admin_email;
  char             *admin_password;

  GSubprocess      *server;
  VzSimulator      *sim;              /* NULL until screens are simulated */
  GDataInputStream *server_stdout;
  guint             start_timeout_id;

  /* Supervision: the child is watched from its first good start until
   * stop(); @watch is cancelled then (and on dispose). */
  VzLocalServerState state;
  GCancellable     *watch;
  VzBackoff        *backoff;
  guint             restart_id;
  guint             listen_port;      /* the port of the first good start */
  guint             restart_count;
  guint             quick_failures;
  gint64            child_started;    /* monotonic µs */
  GQueue            error_lines;      /* char *, oldest first */
};

G_DEFINE_FINAL_TYPE (VzLocalServer, vz_local_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_PORT,
  PROP_URL,
  PROP_RUNNING,
  PROP_STATE,
  PROP_RESTART_COUNT,
  PROP_ERROR_OUTPUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Children                                                                 */

static char *
find_program (const char *env_var,
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

static void
set_state (VzLocalServer      *self,
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
  return find_program ("VIZORA_SERVER_BIN", "vizora-server", "src/server");
}

/* Starts the child on @port (0: any free one); its output is read from
 * self->server_stdout, its error output into the ring of last lines. */
static gboolean
spawn_server (VzLocalServer  *self,
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
static void
terminate_server (VzLocalServer *self)
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

static GSubprocess *
first_stopping_server (void)
{
  for (guint i = 0; stopping_servers != NULL && i < stopping_servers->len; i++)
    {
      GSubprocess *process = g_ptr_array_index (stopping_servers, i);

      if (g_subprocess_get_identifier (process) != NULL)
        return process;
    }
  return NULL;
}

static void watch_server (VzLocalServer *self);

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
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      return;
    }

  delay = vz_backoff_next_delay (self->backoff);
  g_message ("The fleet server stopped (%s); starting it again in %u ms", how, delay);
  set_state (self, VZ_LOCAL_SERVER_STATE_RESTARTING);
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

static void
on_drain_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data);

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
  set_state (self, VZ_LOCAL_SERVER_STATE_RUNNING);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, NULL,
                                       on_drain_line, NULL);
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
  if (!spawn_server (self, self->listen_port, &error))
    {
      add_error_line (self, error->message);
      server_failed (self, error->message);
      return G_SOURCE_REMOVE;
    }
  watch_server (self);
  g_data_input_stream_read_line_async (self->server_stdout, G_PRIORITY_DEFAULT, self->watch,
                                       on_restart_line, self);
  return G_SOURCE_REMOVE;
}

static void
watch_server (VzLocalServer *self)
{
  g_subprocess_wait_async (self->server, self->watch, on_server_exited, self);
}

/* Stops watching: what follows (a stop, a dispose) is on purpose. */
static void
unwatch (VzLocalServer *self)
{
  g_cancellable_cancel (self->watch);
  g_clear_object (&self->watch);
  g_clear_handle_id (&self->restart_id, g_source_remove);
}

/* ------------------------------------------------------------------------ */
/* Start                                                                    */

/* Takes the email and password from the contents of admin.txt (wiped). */
static gboolean
parse_admin_file (VzLocalServer  *self,
                  char           *contents,
                  gsize           length,
                  const char     *path,
                  GError        **error)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;

  lines = g_strsplit (contents, "\n", -1);
  explicit_bzero (contents, length);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *sep = strchr (lines[i], ':');

      if (sep == NULL)
        continue;
      *sep = '\0';
      g_strstrip (lines[i]);
      if (g_ascii_strcasecmp (lines[i], "email") == 0)
        email = g_strdup (g_strstrip (sep + 1));
      else if (g_ascii_strcasecmp (lines[i], "password") == 0)
        password = g_strdup (g_strstrip (sep + 1));
    }
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));

  if (email == NULL || *email == '\0' || password == NULL || *password == '\0')
    {
      if (password != NULL)
        explicit_bzero (password, strlen (password));
      g_set_error (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                   _("The sign-in details in %s could not be read."), path);
      return FALSE;
    }

  g_free (self->admin_email);
  self->admin_email = g_steal_pointer (&email);
  if (self->admin_password != NULL)
    explicit_bzero (self->admin_password, strlen (self->admin_password));
  g_free (self->admin_password);
  self->admin_password = g_steal_pointer (&password);
  return TRUE;
}

static void
on_drain_line (GObject      *source,
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
                                       on_drain_line, NULL);
}

static void
on_admin_file_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzLocalServer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = g_file_get_path (G_FILE (source));
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      unwatch (self);
      terminate_server (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                                 _("The local server did not leave its sign-in details in %s."), path);
      return;
    }
  if (!parse_admin_file (self, contents, length, path, &error))
    {
      unwatch (self);
      terminate_server (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_free (self->url);
  self->url = g_strdup (g_task_get_task_data (task));
  {
    g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);

    self->listen_port = uri != NULL && g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : self->port;
  }
  /* From now on an exit nobody asked for is a failure to recover from. */
  watch_server (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  set_state (self, VZ_LOCAL_SERVER_STATE_RUNNING);
  g_task_return_boolean (task, TRUE);
}

static void
on_start_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzLocalServer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  GCancellable *cancellable;
  const char *url;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_handle_id (&self->start_timeout_id, g_source_remove);
      unwatch (self);
      terminate_server (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  if (line != NULL && strstr (line, "listening on ") == NULL)
    {
      g_debug ("vizora-server: %s", line);
      g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT,
                                           cancellable, on_start_line, g_steal_pointer (&task));
      return;
    }

  /* From here on the start is decided one way or the other. */
  g_clear_handle_id (&self->start_timeout_id, g_source_remove);

  if (line == NULL)
    {
      const char *last = g_queue_peek_tail (&self->error_lines);

      unwatch (self);
      terminate_server (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      if (last != NULL)
        g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                                 _("The local fleet server stopped before it was ready: %s"), last);
      else
        g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                                 _("The local fleet server stopped before it was ready."));
      return;
    }

  url = strstr (line, "listening on ") + strlen ("listening on ");
  g_strstrip ((char *) url);
  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      unwatch (self);
      terminate_server (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                               _("The local fleet server gave an address that cannot be used."));
      return;
    }

  /* The sign-in details are read without blocking the main loop; the start
   * finishes once they are in. */
  path = g_build_filename (self->data_dir, "admin.txt", NULL);
  file = g_file_new_for_path (path);
  g_task_set_task_data (task, g_strdup (url), g_free);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, NULL,
                                       on_drain_line, NULL);
  g_file_load_contents_async (file, cancellable, on_admin_file_loaded, g_steal_pointer (&task));
}

static gboolean
on_start_timeout (gpointer user_data)
{
  GTask *task = user_data;
  VzLocalServer *self = g_task_get_source_object (task);

  self->start_timeout_id = 0;
  if (!g_task_get_completed (task) && self->url == NULL)
    {
      /* Killing the child ends the read with EOF, which reports the failure. */
      g_debug ("vizora-server did not get ready in %d s", START_TIMEOUT_S);
      if (self->server != NULL)
        g_subprocess_force_exit (self->server);
    }
  return G_SOURCE_REMOVE;
}

/* Starts the child for a start_async() (@task, taken). */
static void
start_child (GTask *task)
{
  VzLocalServer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!spawn_server (self, self->port, &error))
    {
      unwatch (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  self->start_timeout_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, START_TIMEOUT_S, on_start_timeout,
                                                       g_object_ref (task), g_object_unref);
  g_data_input_stream_read_line_async (self->server_stdout, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       on_start_line, task);
}

static void on_stopped_child_exited (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data);

/* Starts the child for a start_async() (@task, taken) once no fleet server
 * this process ended is still running; waited for without blocking the
 * main loop, each up to its grace period. */
static void
start_when_stopped (GTask *task)
{
  VzLocalServer *self = g_task_get_source_object (task);
  GSubprocess *old = first_stopping_server ();

  if (old == NULL)
    start_child (task);
  else
    g_subprocess_wait_async (old, self->watch, on_stopped_child_exited, task);
}

static void
on_stopped_child_exited (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  VzLocalServer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Fails only when the watch was cancelled: stop() came meanwhile. */
  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      unwatch (self);
      set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
      g_object_unref (task);
      return;
    }
  start_when_stopped (task);
}

void
vz_local_server_start_async (VzLocalServer       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_LOCAL_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_local_server_start_async);

  if (self->server != NULL || self->restart_id != 0 || self->state == VZ_LOCAL_SERVER_STATE_STARTING)
    {
      g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                               _("The local fleet server is already running."));
      return;
    }

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                               _("The folder %s for the local fleet could not be created: %s."),
                               self->data_dir, g_strerror (saved));
      return;
    }

  unwatch (self);
  self->watch = g_cancellable_new ();
  self->restart_count = 0;
  self->quick_failures = 0;
  vz_backoff_reset (self->backoff);
  g_queue_clear_full (&self->error_lines, g_free);
  set_state (self, VZ_LOCAL_SERVER_STATE_STARTING);
  start_when_stopped (g_steal_pointer (&task));
}

gboolean
vz_local_server_start_finish (VzLocalServer  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
vz_local_server_start_demo (VzLocalServer  *self,
                            guint           screens,
                            GError        **error)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->url == NULL)
    {
      g_set_error_literal (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                           _("Start the local fleet server before adding demo screens."));
      return FALSE;
    }

  if (self->sim == NULL)
    {
      g_autofree char *program = find_program ("VIZORA_SIM_BIN", "vizora-sim", "src/sim");

      if (program == NULL)
        {
          g_set_error_literal (error, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_NOT_FOUND,
                               _("The screen simulator (vizora-sim) is not installed."));
          return FALSE;
        }
      self->sim = vz_simulator_new (program, self->url, self->admin_email, self->admin_password);
    }
  return vz_simulator_start (self->sim, screens, error);
}

gboolean
vz_local_server_add_simulated_screens (VzLocalServer  *self,
                                       guint           screens,
                                       GError        **error)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), FALSE);
  g_return_val_if_fail (screens > 0, FALSE);

  return vz_local_server_start_demo (self,
                                     (self->sim != NULL ? vz_simulator_get_screens (self->sim) : 0) + screens,
                                     error);
}

VzSimulator *
vz_local_server_get_simulator (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);
  return self->sim;
}

void
vz_local_server_stop (VzLocalServer *self)
{
  gboolean was_running;

  g_return_if_fail (VZ_IS_LOCAL_SERVER (self));

  was_running = self->url != NULL;
  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
  unwatch (self);
  if (self->sim != NULL)
    vz_simulator_stop (self->sim);
  g_clear_object (&self->sim);
  terminate_server (self);
  g_clear_object (&self->server_stdout);
  g_clear_pointer (&self->url, g_free);
  if (was_running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_local_server_dispose (GObject *object)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
  unwatch (self);
  g_clear_object (&self->sim);
  terminate_server (self);
  g_clear_object (&self->server_stdout);
  g_clear_object (&self->backoff);

  G_OBJECT_CLASS (vz_local_server_parent_class)->dispose (object);
}

static void
vz_local_server_finalize (GObject *object)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->admin_email, g_free);
  if (self->admin_password != NULL)
    explicit_bzero (self->admin_password, strlen (self->admin_password));
  g_clear_pointer (&self->admin_password, g_free);
  g_queue_clear_full (&self->error_lines, g_free);
  G_OBJECT_CLASS (vz_local_server_parent_class)->finalize (object);
}

static void
vz_local_server_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->state == VZ_LOCAL_SERVER_STATE_RUNNING);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RESTART_COUNT:
      g_value_set_uint (value, self->restart_count);
      break;
    case PROP_ERROR_OUTPUT:
      g_value_take_string (value, vz_local_server_dup_error_output (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_local_server_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_local_server_constructed (GObject *object)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  G_OBJECT_CLASS (vz_local_server_parent_class)->constructed (object);

  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_data_dir (), "vizora-desktop", "server", NULL);
}

static void
vz_local_server_class_init (VzLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vz_local_server_constructed;
  object_class->dispose = vz_local_server_dispose;
  object_class->finalize = vz_local_server_finalize;
  object_class->get_property = vz_local_server_get_property;
  object_class->set_property = vz_local_server_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VZ_TYPE_LOCAL_SERVER_STATE, VZ_LOCAL_SERVER_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RESTART_COUNT] =
    g_param_spec_uint ("restart-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR_OUTPUT] =
    g_param_spec_string ("error-output", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_local_server_init (VzLocalServer *self)
{
  self->state = VZ_LOCAL_SERVER_STATE_STOPPED;
  self->backoff = vz_backoff_new_full (RESTART_INITIAL_MS, 2.0, RESTART_MAX_MS, 0.8, 1.2);
  g_queue_init (&self->error_lines);
}

VzLocalServer *
vz_local_server_new (const char *data_dir)
{
  return g_object_new (VZ_TYPE_LOCAL_SERVER, "data-dir", data_dir, NULL);
}

const char *
vz_local_server_get_url (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);
  return self->url;
}

const char *
vz_local_server_get_admin_email (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);
  return self->admin_email;
}

const char *
vz_local_server_get_admin_password (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);
  return self->admin_password;
}

VzLocalServerState
vz_local_server_get_state (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), VZ_LOCAL_SERVER_STATE_STOPPED);
  return self->state;
}

guint
vz_local_server_get_restart_count (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), 0);
  return self->restart_count;
}

char *
vz_local_server_dup_error_output (VzLocalServer *self)
{
  GString *out;

  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);

  if (g_queue_is_empty (&self->error_lines))
    return NULL;
  out = g_string_new (NULL);
  for (GList *l = self->error_lines.head; l != NULL; l = l->next)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, l->data);
    }
  return g_string_free (out, FALSE);
}

const char *
vz_local_server_get_data_dir (VzLocalServer *self)
{
  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (self), NULL);
  return self->data_dir;
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
  set_state (self, VZ_LOCAL_SERVER_STATE_RESTARTING);
  self->restart_id = g_timeout_add (0, restart_timeout, self);
}
