/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-alert-notifier.h"
#include "vz-application-private.h"
#include "vz-background-portal.h"
#include "vz-gui.h"
#include "vz-preferences-window.h"
#include "vz-renderer.h"
#include "vz-snapshot.h"
#include "vz-window.h"

#define VZ_SETTINGS_SCHEMA "cloud.vizora.Desktop"

G_DEFINE_FINAL_TYPE (VzApplication, vz_application, ADW_TYPE_APPLICATION)

static VzWindow *
get_window (VzApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (VZ_IS_WINDOW (window))
    return VZ_WINDOW (window);
  /* Preferences, say, is the active one: the main window is in the list. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (VZ_IS_WINDOW (l->data))
      return VZ_WINDOW (l->data);
  return NULL;
}

VzWindow *
_vz_application_get_window (VzApplication *self)
{
  return get_window (self);
}

void
_vz_application_reset (VzApplication *self)
{
  /* Whatever was under way is superseded, a start's resume too. */
  g_clear_handle_id (&self->resume_grace_id, g_source_remove);
  g_clear_object (&self->resuming);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

/* Sentences for the ways a sign-in fails, with what to do about it. */
static char *
explain_sign_in_error (const GError *error,
                       const char   *server_url)
{
  if (error->domain == VZ_API_ERROR)
    {
      switch (error->code)
        {
        case VZ_API_ERROR_UNAUTHORIZED:
          return g_strdup (_("The email address or the password is wrong."));
        case VZ_API_ERROR_NETWORK:
        case VZ_API_ERROR_TIMEOUT:
          return g_strdup_printf (_("Cannot reach %s. Check the address and your network connection."), server_url);
        case VZ_API_ERROR_INVALID_RESPONSE:
        case VZ_API_ERROR_NOT_FOUND:
          return g_strdup_printf (_("%s does not look like a Vizora server. Check the address."), server_url);
        case VZ_API_ERROR_SERVER:
          return g_strdup_printf (_("The server has a problem right now: %s Try again later."), error->message);
        case VZ_API_ERROR_CERTIFICATE:
          /* The sentence names the certificate's problems. */
          return g_strdup (error->message);
        default:
          /* RATE_LIMITED among them: the session says how long to wait. */
          return g_strdup (error->message);
        }
    }
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return g_strdup_printf (_("Cannot reach %s. Check the address and your network connection."), server_url);

  return g_strdup (error->message);
}

static gboolean
stop_done_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
stop_flushed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  vz_sync_engine_stop_finish (VZ_SYNC_ENGINE (source), result, NULL);
  /* The engine's own task still holds it here: the caller hears once it
   * (and with it the outbox) is gone. At the default priority: at idle
   * priority a window that keeps drawing (the "Signing out…" spinner on a
   * slow renderer) could hold the caller back indefinitely. */
  g_idle_add_full (G_PRIORITY_DEFAULT, stop_done_idle, user_data, NULL);
}

void
_vz_application_stop_fleet (VzApplication       *self,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VzSyncEngine) engine = g_steal_pointer (&self->engine);
  VzWindow *window = get_window (self);

  if (window != NULL)
    vz_window_set_sync_engine (window, NULL);
  if (self->notifier != NULL)
    vz_alert_notifier_set_sync_engine (self->notifier, NULL);
  if (callback == NULL)
    {
      if (engine != NULL)
        vz_sync_engine_stop (engine);
      return;
    }
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, _vz_application_stop_fleet);
  if (engine != NULL)
    vz_sync_engine_stop_async (engine, stop_flushed_cb, g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

/*
 * The token could not be refreshed (revoked, password changed, server data
 * reset): the fleet view would only show errors from now on. On this
 * computer the app signs in again by itself; elsewhere the person does.
 */
static void
on_session_state (VzApplication *self,
                  GParamSpec    *pspec,
                  VzSession     *session)
{
  g_autofree char *mode = NULL;
  g_autofree char *email = NULL;
  VzWindow *window;

  /* Only a refusal ends it: a session restored from the saved sign-in
   * (SAVED) is as good as signed in until the server says otherwise. */
  if (session != self->session || vz_session_get_state (session) != VZ_SESSION_STATE_SIGNED_OUT)
    return;

  window = get_window (self);
  _vz_application_stop_fleet (self, NULL, NULL);

  mode = g_settings_get_string (self->settings, "connection-mode");
  if (g_str_equal (mode, "local") && self->local_server != NULL)
    {
      g_clear_object (&self->session);
      _vz_application_start_local_sign_in (self);
      return;
    }

  email = g_settings_get_string (self->settings, "last-email");
  if (g_str_equal (mode, "local") && window != NULL)
    {
      /* The last known fleet of this computer, whose server could not start:
       * starting it again is the way back. */
      vz_window_show_welcome (window);
      vz_welcome_page_show_local (vz_window_get_welcome_page (window));
      vz_welcome_page_show_error (vz_window_get_welcome_page (window),
                                  _("The saved sign-in to the fleet server on this computer is no longer accepted. Start it again to continue."));
    }
  else if (window != NULL)
    {
      vz_window_show_welcome (window);
      vz_welcome_page_show_sign_in (vz_window_get_welcome_page (window),
                                    vz_session_get_server_url (session), email);
      vz_welcome_page_show_error (vz_window_get_welcome_page (window),
                                  _("Your session has ended, for example because the password was changed. Sign in again to continue."));
    }
  g_clear_object (&self->session);
}

void
_vz_application_show_fleet (VzApplication *self,
                            VzSession     *session)
{
  VzWindow *window = get_window (self);

  if (self->engine != NULL)
    _vz_application_stop_fleet (self, NULL, NULL);

  g_set_object (&self->session, session);
  g_clear_object (&self->offered);
  g_signal_connect_object (session, "notify::state",
                           G_CALLBACK (on_session_state), self, G_CONNECT_SWAPPED);
  self->engine = vz_sync_engine_new (session);
  /* Retry and circuit-breaker figures are the person's settings. */
  vz_sync_engine_bind_settings (self->engine, self->settings);
  vz_sync_engine_start (self->engine);
  vz_alert_notifier_set_sync_engine (self->notifier, self->engine);
  _vz_application_accounts_shown (self, session);

  if (window != NULL)
    {
      vz_window_set_sync_engine (window, self->engine);
      /* The page tells of the fleet server's restarts and failures. */
      vz_devices_page_set_local_server (vz_window_get_devices_page (window), self->local_server);
      if (self->demo_error != NULL)
        {
          vz_window_show_toast (window, self->demo_error);
          g_clear_pointer (&self->demo_error, g_free);
        }
    }
}

VzSession *
_vz_application_session_new (VzApplication *self,
                             const char    *server_url)
{
  VzSession *session = vz_session_new (server_url);
  g_autofree char *realtime_url = g_settings_get_string (self->settings, "realtime-url");

  if (*realtime_url != '\0')
    vz_session_set_realtime_url (session, realtime_url);
  return session;
}

/* ---- the saved sign-in ---- */

static void
offer_restored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VzApplication) self = user_data;
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GError) error = NULL;
  VzWindow *window;

  session = vz_session_restore_saved_finish (result, &error);
  if (session == NULL)
    {
      if (!g_error_matches (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No saved sign-in to offer: %s", error->message);
      return;
    }
  window = get_window (self);
  if (window == NULL)
    return;
  g_set_object (&self->offered, session);
  vz_welcome_page_offer_saved_fleet (vz_window_get_welcome_page (window), TRUE);
}

/* After a failure to reach the server: a fleet saved for it (@server_url
 * NULL: on this computer) is offered as "Open Last Known Fleet". */
void
_vz_application_offer_saved_fleet (VzApplication *self,
                                   const char    *server_url,
                                   const char    *email)
{
  g_clear_object (&self->offered);
  vz_session_restore_saved_async (server_url, email, self->cancellable,
                                  offer_restored_cb, g_object_ref (self));
}

static void
on_open_saved_fleet (VzApplication *self,
                     VzWelcomePage *page)
{
  g_autoptr(VzSession) session = g_steal_pointer (&self->offered);

  if (session == NULL)
    return;
  _vz_application_reset (self);
  /* The engine shows the saved fleet, queues changes and goes online by
   * itself once the server answers the saved token. */
  _vz_application_show_fleet (self, session);
}

/* A server that neither answers nor refuses (a silent network) would keep
 * the window on "Signing in…" for the whole request timeout: the saved fleet
 * shows after this, and the resume goes on behind it. */
#define RESUME_GRACE_SECONDS 3

static gboolean
resume_grace_cb (gpointer user_data)
{
  VzApplication *self = user_data;
  g_autoptr(VzSession) session = NULL;

  self->resume_grace_id = 0;
  /* Otherwise the answer is in and its callback decides. */
  if (self->resuming == NULL || vz_session_get_state (self->resuming) != VZ_SESSION_STATE_SAVED)
    return G_SOURCE_REMOVE;
  session = g_steal_pointer (&self->resuming);
  _vz_application_show_fleet (self, session);
  return G_SOURCE_REMOVE;
}

static void
saved_resumed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzApplication) self = user_data;
  VzSession *session = VZ_SESSION (source);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  VzWindow *window;

  ok = vz_session_resume_finish (session, result, &error);
  /* Shown already after the grace: the session's state tells the rest (a
   * refusal signs out through on_session_state()). */
  if (session != self->resuming)
    return;
  g_clear_object (&self->resuming);
  g_clear_handle_id (&self->resume_grace_id, g_source_remove);

  if (ok)
    {
      _vz_application_show_fleet (self, session);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Unreachable: the saved identity still holds, the fleet opens from the
   * snapshot at once. */
  if (vz_session_get_state (session) == VZ_SESSION_STATE_SAVED)
    {
      _vz_application_show_fleet (self, session);
      return;
    }

  window = get_window (self);
  if (window != NULL)
    {
      g_autofree char *email = g_settings_get_string (self->settings, "last-email");
      g_autofree char *text = g_strdup_printf (_("%s Changes you made are kept and are sent once you sign in."),
                                               error->message);

      vz_window_show_welcome (window);
      vz_welcome_page_show_sign_in (vz_window_get_welcome_page (window),
                                    vz_session_get_server_url (session), email);
      vz_welcome_page_show_error (vz_window_get_welcome_page (window), text);
    }
}

static void
start_restored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VzApplication) self = user_data;
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *realtime_url = NULL;
  VzWindow *window = get_window (self);

  session = vz_session_restore_saved_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (session == NULL)
    {
      g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *email = g_settings_get_string (self->settings, "last-email");

      if (!g_error_matches (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED))
        g_debug ("The saved sign-in could not be read: %s", error->message);
      if (window != NULL)
        {
          vz_window_show_welcome (window);
          vz_welcome_page_show_sign_in (vz_window_get_welcome_page (window), server_url, email);
        }
      return;
    }

  /* An address given on the command line or in the settings wins. */
  realtime_url = g_settings_get_string (self->settings, "realtime-url");
  if (*realtime_url != '\0')
    vz_session_set_realtime_url (session, realtime_url);
  if (window != NULL)
    vz_window_show_busy (window, _("Signing in…"));
  g_set_object (&self->resuming, session);
  g_clear_handle_id (&self->resume_grace_id, g_source_remove);
  self->resume_grace_id = g_timeout_add_seconds (RESUME_GRACE_SECONDS, resume_grace_cb, self);
  vz_session_resume_async (session, vz_session_get_access_token (session), self->cancellable,
                           saved_resumed_cb, g_object_ref (self));
}

/* ---- a Vizora server ---- */

typedef struct {
  VzApplication *self;
  char          *email;
} RemoteSignIn;

static void
remote_sign_in_free (RemoteSignIn *data)
{
  g_clear_object (&data->self);
  g_free (data->email);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RemoteSignIn, remote_sign_in_free)

static void
remote_signed_in_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RemoteSignIn) data = user_data;
  VzApplication *self = data->self;
  VzSession *session = VZ_SESSION (source);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  VzWindow *window;

  if (data->email != NULL)
    ok = vz_session_login_finish (session, result, &error);
  else
    ok = vz_session_resume_finish (session, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  window = get_window (self);
  if (!ok)
    {
      g_autofree char *text = explain_sign_in_error (error, vz_session_get_server_url (session));

      if (window == NULL)
        return;
      vz_window_show_welcome (window);
      if (data->email == NULL)
        {
          g_autofree char *token_text = g_strdup_printf (_("The access token in VIZORA_TOKEN was not accepted. %s"), text);
          vz_welcome_page_show_sign_in (vz_window_get_welcome_page (window), vz_session_get_server_url (session), NULL);
          vz_welcome_page_show_error (vz_window_get_welcome_page (window), token_text);
        }
      else
        {
          vz_welcome_page_show_error (vz_window_get_welcome_page (window), text);
          if (error->domain != VZ_API_ERROR ||
              error->code == VZ_API_ERROR_NETWORK || error->code == VZ_API_ERROR_TIMEOUT)
            _vz_application_offer_saved_fleet (self, vz_session_get_server_url (session), data->email);
        }
      return;
    }

  g_settings_set_string (self->settings, "connection-mode", "remote");
  g_settings_set_string (self->settings, "server-url", vz_session_get_server_url (session));
  if (data->email != NULL)
    g_settings_set_string (self->settings, "last-email", data->email);

  _vz_application_show_fleet (self, session);
}

static void
on_connect_remote (VzApplication *self,
                   const char    *server_url,
                   const char    *email,
                   const char    *password,
                   VzWelcomePage *page)
{
  g_autoptr(VzSession) session = NULL;
  RemoteSignIn *data;

  _vz_application_reset (self);
  session = _vz_application_session_new (self, server_url);
  vz_session_set_remember (session, TRUE);

  data = g_new0 (RemoteSignIn, 1);
  data->self = g_object_ref (self);
  data->email = g_strdup (email);
  vz_session_login_async (session, email, password, self->cancellable, remote_signed_in_cb, data);
}

static void
resume_remote (VzApplication *self,
               const char    *server_url,
               const char    *token)
{
  g_autoptr(VzSession) session = NULL;
  VzWindow *window = get_window (self);
  RemoteSignIn *data;

  _vz_application_reset (self);
  if (window != NULL)
    vz_window_show_busy (window, _("Signing in…"));

  session = _vz_application_session_new (self, server_url);
  data = g_new0 (RemoteSignIn, 1);
  data->self = g_object_ref (self);
  vz_session_resume_async (session, token, self->cancellable, remote_signed_in_cb, data);
}

/* ---- start ---- */

void
_vz_application_open_saved (VzApplication *self,
                            const char    *server_url,
                            const char    *email)
{
  VzWindow *window = get_window (self);

  _vz_application_reset (self);
  if (window != NULL)
    vz_window_show_busy (window, _("Signing in…"));
  vz_session_restore_saved_async (server_url, email != NULL && *email != '\0' ? email : NULL, self->cancellable,
                                  start_restored_cb, g_object_ref (self));
}

/* The command line's choices, kept as the settings the start follows. */
static void
apply_start_options (VzApplication *self)
{
  if (self->opt_server != NULL)
    {
      g_settings_set_string (self->settings, "connection-mode", "remote");
      g_settings_set_string (self->settings, "server-url", self->opt_server);
    }
  else if (self->opt_local || self->opt_demo >= 0)
    g_settings_set_string (self->settings, "connection-mode", "local");
  if (self->opt_demo >= 0)
    g_settings_set_uint (self->settings, "demo-screens", (guint) self->opt_demo);
  if (self->opt_realtime_url != NULL)
    g_settings_set_string (self->settings, "realtime-url", self->opt_realtime_url);
}

/* Whether the start will open the saved sign-in of a remote server, with
 * the command line's choices over @settings; then its address and the
 * account last used with it. */
static gboolean
starts_from_saved (VzApplication *self,
                   GSettings     *settings,
                   char         **server_url,
                   char         **email)
{
  g_autofree char *mode = NULL;
  g_autofree char *url = NULL;
  const char *token = g_getenv ("VIZORA_TOKEN");

  /* The choices apply_start_options() will keep. */
  if (self->opt_server != NULL)
    {
      mode = g_strdup ("remote");
      url = g_strdup (self->opt_server);
    }
  else
    {
      mode = self->opt_local || self->opt_demo >= 0 ? g_strdup ("local")
                                                    : g_settings_get_string (settings, "connection-mode");
      url = g_settings_get_string (settings, "server-url");
    }
  if (!g_str_equal (mode, "remote") || *url == '\0' || (token != NULL && *token != '\0'))
    return FALSE;
  *server_url = g_steal_pointer (&url);
  *email = g_settings_get_string (settings, "last-email");
  return TRUE;
}

static void
begin (VzApplication *self)
{
  VzWindow *window = get_window (self);
  g_autofree char *mode = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;
  const char *token;

  mode = g_settings_get_string (self->settings, "connection-mode");
  server_url = g_settings_get_string (self->settings, "server-url");
  email = g_settings_get_string (self->settings, "last-email");
  token = g_getenv ("VIZORA_TOKEN");

  if (g_str_equal (mode, "local"))
    _vz_application_start_local (self);
  else if (g_str_equal (mode, "remote") && *server_url != '\0' && token != NULL && *token != '\0')
    resume_remote (self, server_url, token);
  else if (g_str_equal (mode, "remote") && *server_url != '\0')
    /* Stay signed in: the saved sign-in for this server, if any. */
    _vz_application_open_saved (self, server_url, email);
  else if (g_str_equal (mode, "remote"))
    vz_welcome_page_show_sign_in (vz_window_get_welcome_page (window), server_url, email);
  else
    vz_welcome_page_show_choices (vz_window_get_welcome_page (window));
}

/* ---- actions ---- */

static void update_background (VzApplication *self);

static void
app_quit (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  VzApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  self->quitting = TRUE;
  update_background (self);
  /* Closing (not destroying) lets each window save its size. */
  for (GList *l = windows; l != NULL; )
    {
      GList *next = l->next;
      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }
}

/* ---- running in the background ---- */

/* With no window left, the app keeps running (and telling of alerts) when
 * the settings say so; app.quit, or the setting turned off, ends that. */
static void
update_background (VzApplication *self)
{
  gboolean wanted = !self->quitting && self->engine != NULL &&
                    gtk_application_get_windows (GTK_APPLICATION (self)) == NULL &&
                    g_settings_get_boolean (self->settings, "run-in-background");

  if (wanted == self->held)
    return;
  self->held = wanted;
  if (wanted)
    {
      g_debug ("Running in the background");
      g_application_hold (G_APPLICATION (self));
    }
  else
    g_application_release (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = app_quit },
};

/* ---- GApplication ---- */

static int
vz_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  VzApplication *self = VZ_APPLICATION (app);
  const char *server = NULL;
  const char *realtime_url = NULL;
  int demo = -1;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *saved_server = NULL;
  g_autofree char *saved_email = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("vizora-desktop %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->opt_local = g_variant_dict_contains (options, "local");
  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL ||
          (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
           g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0))
        {
          g_printerr (_("--server needs an address like https://vizora.example.com, not “%s”.\n"), server);
          return 2;
        }
      self->opt_server = g_strdup (server);
    }
  if (g_variant_dict_lookup (options, "realtime-url", "&s", &realtime_url))
    self->opt_realtime_url = g_strdup (realtime_url);
  if (g_variant_dict_lookup (options, "demo", "i", &demo))
    {
      if (demo < 0 || demo > 10000)
        {
          g_printerr (_("--demo takes a number of screens from 0 to 10000.\n"));
          return 2;
        }
      self->opt_demo = demo;
    }
  if (self->opt_local && self->opt_server != NULL)
    {
      g_printerr (_("Choose either --local or --server, not both.\n"));
      return 2;
    }

  /* The saved fleet is read from the first moment, while GTK starts, the
   * window is made and the keyring asked. */
  settings = g_settings_new (VZ_SETTINGS_SCHEMA);
  if (starts_from_saved (self, settings, &saved_server, &saved_email))
    vz_session_prefetch_saved_fleet (saved_server, *saved_email != '\0' ? saved_email : NULL);

  return -1;
}

static void
vz_application_startup (GApplication *app)
{
  VzApplication *self = VZ_APPLICATION (app);

  G_APPLICATION_CLASS (vz_application_parent_class)->startup (app);
  vz_renderer_choose (gdk_display_get_default ());

  self->settings = g_settings_new (VZ_SETTINGS_SCHEMA);
  self->notifier = vz_alert_notifier_new (app, self->settings);
  if (self->engine != NULL)
    vz_alert_notifier_set_sync_engine (self->notifier, self->engine);
  g_signal_connect_object (self, "window-removed", G_CALLBACK (update_background), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::run-in-background", G_CALLBACK (update_background), self,
                           G_CONNECT_SWAPPED);
  self->portal = vz_background_portal_new (app, self->settings, "/.flatpak-info");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  _vz_application_add_actions (self);
  _vz_application_accounts_init (self);
  vz_preferences_follow_style (self->settings);
}

static void
vz_application_activate (GApplication *app)
{
  VzApplication *self = VZ_APPLICATION (app);
  VzWindow *window = get_window (self);

  if (!self->started)
    apply_start_options (self);

  if (window == NULL)
    {
      GtkShortcutsWindow *help;

      window = vz_window_new (GTK_APPLICATION (self));
      help = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
      if (help != NULL)
        vz_gui_name_shortcuts_window (help);
      g_signal_connect_object (vz_window_get_welcome_page (window), "connect-remote",
                               G_CALLBACK (on_connect_remote), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_window_get_welcome_page (window), "start-local",
                               G_CALLBACK (_vz_application_on_start_local), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_window_get_welcome_page (window), "open-saved-fleet",
                               G_CALLBACK (on_open_saved_fleet), self, G_CONNECT_SWAPPED);
      /* The local form offers what was chosen last time. */
      vz_welcome_page_set_demo_screens (vz_window_get_welcome_page (window),
                                        g_settings_get_uint (self->settings, "demo-screens"));
      vz_window_set_accounts (window, G_LIST_MODEL (self->accounts));
      if (self->engine != NULL)
        vz_window_set_sync_engine (window, self->engine);
    }

  /* The first state is chosen before the window maps: with --local, --demo
   * or a remembered fleet it opens on the start under way, never on a
   * welcome page that would flash and go. */
  if (!self->started)
    {
      self->started = TRUE;
      begin (self);
    }

  gtk_window_present (GTK_WINDOW (window));
}

typedef struct {
  gboolean settled;
  gboolean abandoned;   /* the app ended first: the callback frees it */
} SignInSettle;

static void
session_settled_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SignInSettle *settle = user_data;

  vz_session_settle_finish (VZ_SESSION (source), result);
  if (settle->abandoned)
    g_free (settle);
  else
    settle->settled = TRUE;
}

static gboolean
settle_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A sign-in still being saved (its account file, its keyring entry) is
 * finished before the app ends, for at most @timeout_s: else quitting right
 * after signing in could lose "stay signed in". */
static void
wait_for_sign_in_saved (VzSession *session,
                        guint      timeout_s)
{
  SignInSettle *settle;
  gboolean late = FALSE;
  guint deadline;

  if (session == NULL)
    return;
  settle = g_new0 (SignInSettle, 1);
  vz_session_settle_async (session, NULL, session_settled_cb, settle);
  deadline = g_timeout_add_seconds (timeout_s, settle_deadline_cb, &late);
  while (!settle->settled && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (deadline);
  if (settle->settled)
    g_free (settle);
  else
    {
      g_message ("The sign-in was still being saved when the app ended.");
      settle->abandoned = TRUE;
    }
}

static void
vz_application_shutdown (GApplication *app)
{
  VzApplication *self = VZ_APPLICATION (app);

  self->quitting = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->resume_grace_id, g_source_remove);
  g_clear_object (&self->resuming);
  if (self->engine != NULL)
    vz_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  /* The fleet as last seen, saved on stop: the main loop that makes its
   * text no longer runs. */
  vz_snapshot_wait_for_saves (10000);
  wait_for_sign_in_saved (self->session, 10);
  if (self->notifier != NULL)
    vz_alert_notifier_set_sync_engine (self->notifier, NULL);
  g_clear_object (&self->session);
  g_clear_object (&self->offered);
  /* The fleet server is a child of the app: it goes when the app goes. */
  if (self->local_server != NULL)
    vz_local_server_stop (self->local_server);
  g_clear_object (&self->local_server);

  G_APPLICATION_CLASS (vz_application_parent_class)->shutdown (app);
}

static void
vz_application_finalize (GObject *object)
{
  VzApplication *self = VZ_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->portal);
  g_clear_object (&self->accounts);
  g_free (self->return_key);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->demo_error);
  g_free (self->opt_server);
  g_free (self->opt_realtime_url);

  G_OBJECT_CLASS (vz_application_parent_class)->finalize (object);
}

static void
vz_application_class_init (VzApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Before AdwApplication's startup looks for style.css in our resources. */
  vz_gui_init ();

  object_class->finalize = vz_application_finalize;
  app_class->handle_local_options = vz_application_handle_local_options;
  app_class->startup = vz_application_startup;
  app_class->activate = vz_application_activate;
  app_class->shutdown = vz_application_shutdown;
}

static const GOptionEntry option_entries[] = {
  { "local", 'l', 0, G_OPTION_ARG_NONE, NULL,
    N_("Manage screens on this computer (starts the local fleet server)"), NULL },
  { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Connect to the Vizora server at URL"), N_("URL") },
  { "realtime-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the live-events service, when it differs from the server"), N_("URL") },
  { "demo", 'd', 0, G_OPTION_ARG_INT, NULL,
    N_("Run N simulated demo screens on the local fleet (implies --local)"), N_("N") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
vz_application_init (VzApplication *self)
{
  self->opt_demo = -1;
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage fleets of digital-signage screens."));
}

VzApplication *
vz_application_new (void)
{
  return g_object_new (VZ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/cloud/vizora/Desktop",
                       NULL);
}

gboolean
vz_application_get_in_background (VzApplication *self)
{
  g_return_val_if_fail (VZ_IS_APPLICATION (self), FALSE);
  return self->held;
}
