/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-background-portal"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "vz-background-portal.h"
#include "vz-gui.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST "org.freedesktop.portal.Request"

struct _VzBackgroundPortal
{
  GObject          parent_instance;

  GApplication    *application;   /* weak */
  GSettings       *settings;
  char            *info_path;
  GDBusConnection *bus;
  GCancellable    *cancellable;
  guint            response_id;   /* the Request's Response, while one is out */
  char            *request_path;
  char            *refusal;
};

G_DEFINE_FINAL_TYPE (VzBackgroundPortal, vz_background_portal, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REFUSAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
vz_background_portal_is_sandboxed (const char *info_path)
{
  g_return_val_if_fail (info_path != NULL, FALSE);

  return g_file_test (info_path, G_FILE_TEST_IS_REGULAR);
}

static void
set_refusal (VzBackgroundPortal *self,
             const char         *refusal)
{
  GtkWindow *window;

  if (g_strcmp0 (refusal, self->refusal) == 0)
    return;
  g_free (self->refusal);
  self->refusal = g_strdup (refusal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
  if (refusal == NULL)
    return;
  g_message ("%s", refusal);
  window = GTK_IS_APPLICATION (self->application)
           ? gtk_application_get_active_window (GTK_APPLICATION (self->application)) : NULL;
  if (window != NULL)
    vz_gui_toast (GTK_WIDGET (window), refusal);
}

static void
could_not_ask (VzBackgroundPortal *self,
               const GError       *error)
{
  /* Translators: %s says why the desktop could not be asked */
  g_autofree char *refusal = g_strdup_printf (_("Vizora Desktop could not ask the desktop to let it run in the "
                                                "background (%s): notifications about screens may stop when "
                                                "its window closes."), error->message);

  set_refusal (self, refusal);
}

static void
stop_waiting (VzBackgroundPortal *self)
{
  if (self->response_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->response_id);
  self->response_id = 0;
  g_clear_pointer (&self->request_path, g_free);
}

static void
on_response (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  VzBackgroundPortal *self = user_data;
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean allowed = FALSE;

  g_assert (VZ_IS_BACKGROUND_PORTAL (self));

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      g_variant_get (parameters, "(u@a{sv})", &response, &results);
      g_variant_lookup (results, "background", "b", &allowed);
    }
  stop_waiting (self);
  g_debug ("The background portal answered %u (background %s)", response, allowed ? "allowed" : "not allowed");
  if (response == 0 && allowed)
    set_refusal (self, NULL);
  else
    set_refusal (self, _("The desktop did not allow Vizora Desktop to run in the background: notifications about "
                         "screens stop when its window closes. Allow it in the system’s settings for apps."));
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzBackgroundPortal) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  const char *handle = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      stop_waiting (self);
      could_not_ask (self, error);
      return;
    }
  g_variant_get (reply, "(&o)", &handle);
  /* Older portals make up their own path: follow the one they give. */
  if (self->request_path != NULL && !g_str_equal (handle, self->request_path))
    {
      stop_waiting (self);
      self->request_path = g_strdup (handle);
      self->response_id = g_dbus_connection_signal_subscribe (self->bus, PORTAL_NAME, PORTAL_REQUEST, "Response",
                                                              handle, NULL, G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                                              on_response, self, NULL);
    }
}

/* Asks the portal, once the setting is on; the answer comes as the
 * Request's Response signal, subscribed to before asking so that it cannot
 * come first. */
static void
request (VzBackgroundPortal *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  GVariantBuilder options;

  g_assert (VZ_IS_BACKGROUND_PORTAL (self));

  if (!g_settings_get_boolean (self->settings, "run-in-background") ||
      !vz_background_portal_is_sandboxed (self->info_path) || self->response_id != 0)
    return;
  if (self->bus == NULL && (self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error)) == NULL)
    {
      could_not_ask (self, error);
      return;
    }

  token = g_strdup_printf ("vizora%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (self->bus) + 1);
  g_strdelimit (sender, ".", '_');
  self->request_path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  self->response_id = g_dbus_connection_signal_subscribe (self->bus, PORTAL_NAME, PORTAL_REQUEST, "Response",
                                                          self->request_path, NULL, G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                                          on_response, self, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("To tell you of screens that go dark while the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_debug ("Asking the background portal (%s)", self->request_path);
  g_dbus_connection_call (self->bus, PORTAL_NAME, PORTAL_PATH, PORTAL_BACKGROUND, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, request_cb, g_object_ref (self));
}

static void
on_setting_changed (VzBackgroundPortal *self)
{
  if (g_settings_get_boolean (self->settings, "run-in-background"))
    request (self);
  else
    set_refusal (self, NULL);
}

static void
vz_background_portal_dispose (GObject *object)
{
  VzBackgroundPortal *self = VZ_BACKGROUND_PORTAL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->bus != NULL)
    stop_waiting (self);
  g_clear_object (&self->bus);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (vz_background_portal_parent_class)->dispose (object);
}

static void
vz_background_portal_finalize (GObject *object)
{
  VzBackgroundPortal *self = VZ_BACKGROUND_PORTAL (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->info_path);
  g_free (self->request_path);
  g_free (self->refusal);

  G_OBJECT_CLASS (vz_background_portal_parent_class)->finalize (object);
}

static void
vz_background_portal_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VzBackgroundPortal *self = VZ_BACKGROUND_PORTAL (object);

  switch (prop_id)
    {
    case PROP_REFUSAL:
      g_value_set_string (value, self->refusal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_background_portal_class_init (VzBackgroundPortalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_background_portal_dispose;
  object_class->finalize = vz_background_portal_finalize;
  object_class->get_property = vz_background_portal_get_property;

  properties[PROP_REFUSAL] =
    g_param_spec_string ("refusal", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_background_portal_init (VzBackgroundPortal *self)
{
  self->cancellable = g_cancellable_new ();
}

VzBackgroundPortal *
vz_background_portal_new (GApplication *application,
                          GSettings    *settings,
                          const char   *info_path)
{
  VzBackgroundPortal *self;

  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (info_path != NULL, NULL);

  self = g_object_new (VZ_TYPE_BACKGROUND_PORTAL, NULL);
  g_set_weak_pointer (&self->application, application);
  self->settings = g_object_ref (settings);
  self->info_path = g_strdup (info_path);
  g_signal_connect_object (settings, "changed::run-in-background", G_CALLBACK (on_setting_changed), self,
                           G_CONNECT_SWAPPED);
  request (self);
  return self;
}

const char *
vz_background_portal_get_refusal (VzBackgroundPortal *self)
{
  g_return_val_if_fail (VZ_IS_BACKGROUND_PORTAL (self), NULL);
  return self->refusal;
}
