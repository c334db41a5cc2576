/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-simulator"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-backoff.h"
#include "vz-child-private.h"
#include "vz-simulator.h"

/* An exit within this long of the start is a quick one; this many in a row
 * and the simulator is left stopped. */
#define QUICK_FAILURE_S     10
#define MAX_QUICK_FAILURES  5
#define RESTART_INITIAL_MS  500
#define RESTART_MAX_MS      30000

struct _VzSimulator
{
  GObject       parent_instance;

  char         *program;
  char         *server_url;
  char         *email;
  char         *password;

  GSubprocess  *child;
  GCancellable *watch;          /* the child's exit and error output */
  char         *last_error_line;
  guint         screens;
  VzBackoff    *backoff;
  guint         restart_id;
  guint         restart_count;
  guint         quick_failures;
  gint64        child_started;  /* monotonic µs */
  char         *error;
};

G_DEFINE_FINAL_TYPE (VzSimulator, vz_simulator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SCREENS,
  PROP_RESTART_COUNT,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_screens (VzSimulator *self,
             guint        screens)
{
  if (self->screens == screens)
    return;
  self->screens = screens;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREENS]);
}

static void
set_error (VzSimulator *self,
           const char  *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Stops watching and ends the child: what follows is on purpose. */
static void
end_child (VzSimulator *self)
{
  g_cancellable_cancel (self->watch);
  g_clear_object (&self->watch);
  g_clear_handle_id (&self->restart_id, g_source_remove);
  _vz_child_terminate (&self->child);
}

static void
on_error_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VzSimulator *self = user_data;
  g_autofree char *raw = NULL;

  /* NULL at the end of its output, and when the watch was cancelled (then
   * @self may be gone). */
  raw = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (raw == NULL)
    return;
  g_free (self->last_error_line);
  self->last_error_line = g_utf8_make_valid (raw, -1);
  g_debug ("vizora-sim (error output): %s", self->last_error_line);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_LOW, self->watch,
                                       on_error_line, self);
}

static gboolean restart_timeout (gpointer user_data);

static void
on_child_exited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VzSimulator *self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  gint64 ran_for;
  guint delay;

  /* Fails only when the watch was cancelled: then @self may be gone. */
  if (!g_subprocess_wait_finish (process, result, NULL) || process != self->child)
    return;

  ran_for = g_get_monotonic_time () - self->child_started;
  if (ran_for >= QUICK_FAILURE_S * G_USEC_PER_SEC)
    {
      self->quick_failures = 0;
      vz_backoff_reset (self->backoff);
    }
  self->quick_failures++;
  g_clear_object (&self->child);

  if (self->quick_failures >= MAX_QUICK_FAILURES)
    {
      g_autofree char *why = NULL;

      g_message ("The screen simulator stopped %u times in a row soon after starting; it is left stopped",
                 self->quick_failures);
      g_cancellable_cancel (self->watch);
      g_clear_object (&self->watch);
      if (self->last_error_line != NULL)
        why = g_strdup_printf (_("The simulated screens stopped: %s"), self->last_error_line);
      else
        why = g_strdup (_("The simulated screens stopped and would not start again."));
      set_error (self, why);
      set_screens (self, 0);
      return;
    }

  delay = vz_backoff_next_delay (self->backoff);
  g_message ("The screen simulator stopped; starting it again in %u ms", delay);
  self->restart_id = g_timeout_add (delay, restart_timeout, self);
}

static gboolean
spawn (VzSimulator  *self,
       GError      **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autofree char *count = g_strdup_printf ("%u", self->screens);
  const char *argv[] = {
    self->program,
    "--server", self->server_url,
    "--email", self->email,
    "--screens", count,
    NULL
  };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "VIZORA_PASSWORD", self->password, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, _vz_child_setup, NULL, NULL);
  self->child = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (self->child == NULL)
    return FALSE;

  self->child_started = g_get_monotonic_time ();
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->child));
  g_data_input_stream_read_line_async (errors, G_PRIORITY_LOW, self->watch, on_error_line, self);
  g_subprocess_wait_async (self->child, self->watch, on_child_exited, self);
  return TRUE;
}

static gboolean
restart_timeout (gpointer user_data)
{
  VzSimulator *self = user_data;
  g_autoptr(GError) error = NULL;

  self->restart_id = 0;
  self->restart_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTART_COUNT]);
  if (!spawn (self, &error))
    {
      g_autofree char *why = g_strdup_printf (_("The simulated screens stopped: %s"), error->message);

      g_message ("The screen simulator could not be started again: %s", error->message);
      set_error (self, why);
      end_child (self);
      set_screens (self, 0);
    }
  return G_SOURCE_REMOVE;
}

gboolean
vz_simulator_start (VzSimulator  *self,
                    guint         screens,
                    GError      **error)
{
  guint previous;

  g_return_val_if_fail (VZ_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* One simulator at a time: the new one takes over the screens. */
  end_child (self);
  set_error (self, NULL);
  self->quick_failures = 0;
  vz_backoff_reset (self->backoff);
  g_clear_pointer (&self->last_error_line, g_free);
  if (screens == 0)
    {
      set_screens (self, 0);
      return TRUE;
    }

  self->watch = g_cancellable_new ();
  previous = self->screens;
  self->screens = screens;
  if (!spawn (self, error))
    {
      g_prefix_error (error, _("The screen simulator could not be started: "));
      end_child (self);
      self->screens = previous;
      set_screens (self, 0);
      return FALSE;
    }
  if (previous != screens)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREENS]);
  return TRUE;
}

void
vz_simulator_stop (VzSimulator *self)
{
  g_return_if_fail (VZ_IS_SIMULATOR (self));

  end_child (self);
  set_screens (self, 0);
}

guint
vz_simulator_get_screens (VzSimulator *self)
{
  g_return_val_if_fail (VZ_IS_SIMULATOR (self), 0);
  return self->screens;
}

guint
vz_simulator_get_restart_count (VzSimulator *self)
{
  g_return_val_if_fail (VZ_IS_SIMULATOR (self), 0);
  return self->restart_count;
}

const char *
vz_simulator_get_error (VzSimulator *self)
{
  g_return_val_if_fail (VZ_IS_SIMULATOR (self), NULL);
  return self->error;
}

GPid
vz_simulator_get_pid (VzSimulator *self)
{
  const char *id;

  g_return_val_if_fail (VZ_IS_SIMULATOR (self), 0);

  id = self->child != NULL ? g_subprocess_get_identifier (self->child) : NULL;
  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

static void
vz_simulator_dispose (GObject *object)
{
  VzSimulator *self = VZ_SIMULATOR (object);

  end_child (self);
  g_clear_object (&self->backoff);

  G_OBJECT_CLASS (vz_simulator_parent_class)->dispose (object);
}

static void
vz_simulator_finalize (GObject *object)
{
  VzSimulator *self = VZ_SIMULATOR (object);

  g_free (self->program);
  g_free (self->server_url);
  g_free (self->email);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  g_free (self->last_error_line);
  g_free (self->error);

  G_OBJECT_CLASS (vz_simulator_parent_class)->finalize (object);
}

static void
vz_simulator_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VzSimulator *self = VZ_SIMULATOR (object);

  switch (prop_id)
    {
    case PROP_SCREENS:
      g_value_set_uint (value, self->screens);
      break;
    case PROP_RESTART_COUNT:
      g_value_set_uint (value, self->restart_count);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_simulator_class_init (VzSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_simulator_dispose;
  object_class->finalize = vz_simulator_finalize;
  object_class->get_property = vz_simulator_get_property;

  properties[PROP_SCREENS] =
    g_param_spec_uint ("screens", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RESTART_COUNT] =
    g_param_spec_uint ("restart-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_simulator_init (VzSimulator *self)
{
  self->backoff = vz_backoff_new_full (RESTART_INITIAL_MS, 2.0, RESTART_MAX_MS, 0.8, 1.2);
}

VzSimulator *
vz_simulator_new (const char *program,
                  const char *server_url,
                  const char *email,
                  const char *password)
{
  VzSimulator *self;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (VZ_TYPE_SIMULATOR, NULL);
  self->program = g_strdup (program);
  self->server_url = g_strdup (server_url);
  self->email = g_strdup (email);
  self->password = g_strdup (password);
  return self;
}
