/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-local-server"

/* The local server's start: the child spawned once no server this process
 * ended still runs, its first line read for its address, and the sign-in
 * details it leaves in admin.txt. */

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-local-server-private.h"

/* Longer than any first start (database creation, migrations) takes. */
#define START_TIMEOUT_S 30

#define properties _vz_local_server_properties

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
      _vz_local_server_unwatch (self);
      _vz_local_server_terminate (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, VZ_LOCAL_SERVER_ERROR, VZ_LOCAL_SERVER_ERROR_FAILED,
                                 _("The local server did not leave its sign-in details in %s."), path);
      return;
    }
  if (!parse_admin_file (self, contents, length, path, &error))
    {
      _vz_local_server_unwatch (self);
      _vz_local_server_terminate (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
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
  _vz_local_server_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_RUNNING);
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
      _vz_local_server_unwatch (self);
      _vz_local_server_terminate (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
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

      _vz_local_server_unwatch (self);
      _vz_local_server_terminate (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
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
      _vz_local_server_unwatch (self);
      _vz_local_server_terminate (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
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
                                       _vz_local_server_on_drain_line, NULL);
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

  if (!_vz_local_server_spawn (self, self->port, &error))
    {
      _vz_local_server_unwatch (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_FAILED);
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
  GSubprocess *old = _vz_local_server_first_stopping ();

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
      _vz_local_server_unwatch (self);
      _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
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

  _vz_local_server_unwatch (self);
  self->watch = g_cancellable_new ();
  self->restart_count = 0;
  self->quick_failures = 0;
  vz_backoff_reset (self->backoff);
  g_queue_clear_full (&self->error_lines, g_free);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_STARTING);
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
