/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-devices-page-private.h"
#include "vz-simulate-dialog.h"

/*
 * An empty fleet says what to do with buttons: Pair Screen…, and for the
 * fleet server this app runs, Add Simulated Screens…, which starts them
 * with the server's own account (the password never on a command line).
 * A fleet server on this computer that the app did not start gets a line
 * on how to run the simulator there, again without a password in it.
 */

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL &&
         (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"));
}

/* The fleet server this app runs, when it is the one the page shows. */
static VzLocalServer *
local_fleet (VzDevicesPage *self)
{
  const char *url;

  if (self->engine == NULL || self->local_server == NULL)
    return NULL;
  url = vz_session_get_server_url (vz_sync_engine_get_session (self->engine));
  if (url == NULL || g_strcmp0 (url, vz_local_server_get_url (self->local_server)) != 0)
    return NULL;
  return self->local_server;
}

void
_vz_devices_page_update_simulated (VzDevicesPage *self)
{
  VzLocalServer *server = local_fleet (self);
  VzSession *session = self->engine != NULL ? vz_sync_engine_get_session (self->engine) : NULL;
  gboolean loopback = session != NULL && url_is_loopback (vz_session_get_server_url (session));

  g_assert (VZ_IS_DEVICES_PAGE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.add-simulated",
                                 server != NULL && _vz_devices_page_can_write (self));
  gtk_widget_set_visible (self->simulate_button, server != NULL);
  g_signal_group_set_target (self->simulator_signals, server != NULL ? vz_local_server_get_simulator (server) : NULL);

  if (server == NULL && loopback)
    {
      g_autofree char *hint = NULL;

      /* Translators: the password is read from the environment; never put one here. */
      hint = g_strdup_printf (_("No screen at hand? Simulated screens work like real ones. Run "
                                "vizora-sim --server %s --email %s with your password in the "
                                "VIZORA_PASSWORD environment variable."),
                              vz_session_get_server_url (session), vz_session_get_user_email (session));
      gtk_label_set_label (self->simulator_hint, hint);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->simulator_hint), server == NULL && loopback);
}

static void
on_simulator_error (VzDevicesPage *self,
                    GParamSpec    *pspec,
                    VzSimulator   *simulator)
{
  const char *error = vz_simulator_get_error (simulator);

  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (error != NULL)
    vz_gui_toast (GTK_WIDGET (self), error);
}

/* The simulator is made with the first screens: follow it from then on. */
static void
on_added (VzDevicesPage *self,
          guint          screens)
{
  _vz_devices_page_update_simulated (self);
}

static void
devices_add_simulated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  VzLocalServer *server = local_fleet (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  VzSimulateDialog *dialog;

  if (server == NULL)
    return;
  dialog = vz_simulate_dialog_new (server, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  g_signal_connect_object (dialog, "added", G_CALLBACK (on_added), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_vz_devices_page_simulated_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "devices.add-simulated", NULL, devices_add_simulated);
}

void
_vz_devices_page_simulated_init (VzDevicesPage *self)
{
  self->simulator_signals = g_signal_group_new (VZ_TYPE_SIMULATOR);
  g_signal_group_connect_swapped (self->simulator_signals, "notify::error", G_CALLBACK (on_simulator_error), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.add-simulated", FALSE);
}

void
_vz_devices_page_simulated_dispose (VzDevicesPage *self)
{
  g_clear_object (&self->simulator_signals);
}
