/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-local-server"

/* The local server: the object and its properties, the simulated screens,
 * and stop(). */

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-local-server-private.h"

/* Restarts wait 0.5 s, 1 s, 2 s… up to 30 s (with jitter). */
#define RESTART_INITIAL_MS  500
#define RESTART_MAX_MS      30000

G_DEFINE_QUARK (vz-local-server-error-quark, vz_local_server_error)
G_DEFINE_ENUM_TYPE (VzLocalServerState, vz_local_server_state,
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_RESTARTING, "restarting"),
                    G_DEFINE_ENUM_VALUE (VZ_LOCAL_SERVER_STATE_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (VzLocalServer, vz_local_server, G_TYPE_OBJECT)

GParamSpec *_vz_local_server_properties[N_PROPS];

#define properties _vz_local_server_properties

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
      g_autofree char *program = _vz_local_server_find_program ("VIZORA_SIM_BIN", "vizora-sim", "src/sim");

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
  _vz_local_server_unwatch (self);
  if (self->sim != NULL)
    vz_simulator_stop (self->sim);
  g_clear_object (&self->sim);
  _vz_local_server_terminate (self);
  g_clear_object (&self->server_stdout);
  g_clear_pointer (&self->url, g_free);
  if (was_running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  _vz_local_server_set_state (self, VZ_LOCAL_SERVER_STATE_STOPPED);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_local_server_dispose (GObject *object)
{
  VzLocalServer *self = VZ_LOCAL_SERVER (object);

  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
  _vz_local_server_unwatch (self);
  g_clear_object (&self->sim);
  _vz_local_server_terminate (self);
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
