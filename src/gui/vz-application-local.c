/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-application-private.h"
#include "vz-window.h"

/*
 * The fleet server on this computer: started by the app (on the port of its
 * last start, so that its account, outbox and snapshot are found again),
 * signed in to with its own account, and what the app says when it cannot.
 */

static void
local_failed (VzApplication *self,
              const char    *message)
{
  VzWindow *window = _vz_application_get_window (self);
  g_autofree char *url = NULL;
  guint16 port = 0;

  if (self->local_server != NULL)
    vz_local_server_stop (self->local_server);
  g_clear_object (&self->local_server);

  if (window == NULL)
    return;
  vz_window_show_welcome (window);
  vz_welcome_page_show_local (vz_window_get_welcome_page (window));
  vz_welcome_page_show_error (vz_window_get_welcome_page (window), message);
  /* The fleet server keeps its port from one start to the next: the fleet
   * saved for that address, not the newest of every account on a loopback
   * address (another account's fleet); before any start, any of them. */
  g_settings_get (self->settings, "local-port", "q", &port);
  if (port != 0)
    url = g_strdup_printf ("http://127.0.0.1:%u", (guint) port);
  _vz_application_offer_saved_fleet (self, url, NULL);
}

static void
local_signed_in_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VzApplication) self = user_data;
  VzSession *session = VZ_SESSION (source);
  g_autoptr(GError) error = NULL;

  if (!vz_session_login_finish (session, result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("The fleet server on this computer started, but signing in to it failed: %s"),
                              error->message);
      local_failed (self, text);
      return;
    }

  g_settings_set_string (self->settings, "connection-mode", "local");
  _vz_application_show_fleet (self, session);
}

/* The account's outbox, snapshot and saved sign-in are keyed by the server's
 * address: the local server keeps its port from one start to the next, so
 * changes queued in one session are found (and sent) in the next. */
static void
remember_local_port (VzApplication *self,
                     const char    *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  int port = uri != NULL ? g_uri_get_port (uri) : -1;

  if (port > 0 && port <= G_MAXUINT16)
    g_settings_set (self->settings, "local-port", "q", (guint16) port);
}


static void
local_started_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzApplication) self = user_data;
  VzLocalServer *server = VZ_LOCAL_SERVER (source);
  g_autoptr(GError) error = NULL;
  guint demo;

  if (!vz_local_server_start_finish (server, result, &error))
    {
      guint port = 0;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The port of the last start may have been taken by another program
       * meanwhile: try once more on any free port. */
      g_object_get (server, "port", &port, NULL);
      if (port != 0 && !self->local_port_refused)
        {
          g_debug ("The fleet server could not use port %u again: %s", port, error->message);
          self->local_port_refused = TRUE;
          _vz_application_start_local (self);
          return;
        }
      /* VzLocalServer's sentences already say what failed to start. */
      local_failed (self, error->message);
      return;
    }
  remember_local_port (self, vz_local_server_get_url (server));

  demo = g_settings_get_uint (self->settings, "demo-screens");
  if (demo > 0)
    {
      g_autoptr(GError) demo_error = NULL;

      /* The fleet is useful without its demo screens: say so, carry on. */
      if (!vz_local_server_start_demo (server, demo, &demo_error))
        {
          g_free (self->demo_error);
          self->demo_error = g_strdup_printf (_("The demo screens could not start: %s"), demo_error->message);
        }
    }

  _vz_application_start_local_sign_in (self);
}

void
_vz_application_start_local_sign_in (VzApplication *self)
{
  g_autoptr(VzSession) session = NULL;
  VzWindow *window = _vz_application_get_window (self);

  if (window != NULL)
    vz_window_show_busy (window, _("Signing in to the fleet server on this computer…"));

  session = _vz_application_session_new (self, vz_local_server_get_url (self->local_server));
  vz_session_set_remember (session, TRUE);
  vz_session_login_async (session,
                          vz_local_server_get_admin_email (self->local_server),
                          vz_local_server_get_admin_password (self->local_server),
                          self->cancellable,
                          local_signed_in_cb,
                          g_object_ref (self));
}

void
_vz_application_start_local (VzApplication *self)
{
  VzWindow *window = _vz_application_get_window (self);

  _vz_application_reset (self);
  if (window != NULL)
    vz_window_show_busy (window, _("Starting the fleet server on this computer…"));

  if (self->local_server != NULL)
    vz_local_server_stop (self->local_server);
  g_clear_object (&self->local_server);
  {
    guint16 port = 0;

    g_settings_get (self->settings, "local-port", "q", &port);
    self->local_server = g_object_new (VZ_TYPE_LOCAL_SERVER,
                                       "port", self->local_port_refused ? 0u : (guint) port,
                                       NULL);
  }
  vz_local_server_start_async (self->local_server, self->cancellable, local_started_cb, g_object_ref (self));
}

void
_vz_application_on_start_local (VzApplication *self,
                guint          demo_screens,
                VzWelcomePage *page)
{
  g_settings_set_uint (self->settings, "demo-screens", demo_screens);
  _vz_application_start_local (self);
}
