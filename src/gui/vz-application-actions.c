/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-application-private.h"
#include "vz-gui.h"
#include "vz-preferences-window.h"

/*
 * The app actions that come from outside the window as well as from its
 * menu: the desktop (D-Bus activation), `gapplication action` and
 * notifications may call them while the app is not running, so each one
 * brings up the window first and, when it needs the fleet, waits for it.
 */

/* ---- about ---- */

#define SERVER_URL_KEY "vz-server-url"

static void
set_server_line (AdwAboutWindow *about,
                 const char     *line)
{
  g_autofree char *comments = g_strdup_printf ("%s\n\n%s",
                                               _("Manage fleets of digital-signage screens: see every screen live, pair new ones and control what they show."),
                                               line);
  g_autofree char *debug_info = g_strdup_printf ("Vizora %s\nGTK %u.%u.%u\nlibadwaita %u.%u.%u\nGLib %u.%u.%u\n%s\n",
                                                 PACKAGE_VERSION,
                                                 gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
                                                 adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
                                                 glib_major_version, glib_minor_version, glib_micro_version,
                                                 line);

  adw_about_window_set_comments (about, comments);
  adw_about_window_set_debug_info (about, debug_info);
}

static void
server_health_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AdwAboutWindow) about = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GCancellable *cancellable = g_object_get_data (G_OBJECT (about), "vz-cancellable");
  const char *url = g_object_get_data (G_OBJECT (about), SERVER_URL_KEY);
  const char *version = NULL;

  node = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  /* Closed meanwhile: the window is gone, whatever the answer. */
  if (g_cancellable_is_cancelled (cancellable))
    return;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (node), "version");

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        version = json_node_get_string (member);
    }

  if (version != NULL)
    /* Translators: the server's address, then its version */
    line = g_strdup_printf (_("Server: %s, version %s"), url, version);
  else if (node != NULL ||
           g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE) ||
           g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND))
    /* The Vizora platform's health answer names no version. */
    line = g_strdup_printf (_("Server: %s, which does not tell its version"), url);
  else
    {
      g_debug ("The server's version could not be read: %s", error->message);
      line = g_strdup_printf (_("Server: %s, not reachable right now"), url);
    }
  set_server_line (about, line);
}

static void
ask_server_version (AdwAboutWindow *about,
                    VzSession      *session)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *url = vz_session_get_server_url (session);
  g_autofree char *line = g_strdup_printf (_("Server: %s, asking for its version…"), url);

  set_server_line (about, line);
  g_object_set_data_full (G_OBJECT (about), SERVER_URL_KEY, g_strdup (url), g_free);
  g_object_set_data_full (G_OBJECT (about), "vz-cancellable", g_object_ref (cancellable), g_object_unref);
  g_signal_connect_object (about, "destroy", G_CALLBACK (g_cancellable_cancel), cancellable, G_CONNECT_SWAPPED);
  vz_api_client_request_async (vz_session_get_api_client (session), "GET", "/health", NULL, cancellable,
                               server_health_cb, g_object_ref (about));
}

static void
app_about (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  VzApplication *self = user_data;
  VzWindow *window = _vz_application_get_window (self);
  VzSyncEngine *engine = window != NULL ? vz_window_get_sync_engine (window) : NULL;
  VzSession *session = engine != NULL ? vz_sync_engine_get_session (engine) : NULL;
  const char *developers[] = { _("The Vizora Desktop contributors"), NULL };
  const char *built_with[] = {
    "GTK https://gtk.org",
    "libadwaita https://gnome.pages.gitlab.gnome.org/libadwaita/",
    "libsoup https://libsoup.org",
    "JSON-GLib https://gitlab.gnome.org/GNOME/json-glib",
    "SQLite https://sqlite.org",
    "GStreamer https://gstreamer.freedesktop.org",
    NULL
  };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  if (window != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (window));
  adw_about_window_set_application_name (about, _("Vizora"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_developer_name (about, _("The Vizora Desktop contributors"));
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_website (about, "https://github.com/Trivenidigital/Vizora");
  adw_about_window_set_issue_url (about, "https://github.com/Trivenidigital/Vizora/issues");
  adw_about_window_set_developers (about, developers);
  /* Translators: your name and address, one translator a line */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_add_acknowledgement_section (about, _("Built With"), built_with);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The Vizora Desktop contributors");

  if (session != NULL && vz_session_get_state (session) != VZ_SESSION_STATE_SIGNED_OUT)
    ask_server_version (about, session);
  else
    set_server_line (about, _("Server: Not connected"));

  vz_gui_name_about_window (about);
  gtk_window_present (GTK_WINDOW (about));
}

/* ---- waiting for the fleet ---- */

typedef void (*FleetAction) (VzWindow   *window,
                             const char *arg);

static void run_when_fleet_loaded (VzWindow    *window,
                                   FleetAction  action,
                                   const char  *arg);

/* An action asked for before the fleet was read: what to do once it is. */
typedef struct {
  GWeakRef     window;
  FleetAction  action;
  char        *arg;
  gpointer     instance;   /* the window or engine waited on */
  gulong       handler_id;
} Pending;

static void
pending_free (gpointer  data,
              GClosure *closure)
{
  Pending *pending = data;

  g_weak_ref_clear (&pending->window);
  g_free (pending->arg);
  g_free (pending);
}

static void
on_fleet_changed (GObject    *instance,
                  GParamSpec *pspec,
                  Pending    *pending)
{
  g_autoptr(VzWindow) window = g_weak_ref_get (&pending->window);
  FleetAction action = pending->action;
  g_autofree char *arg = g_strdup (pending->arg);

  if (window == NULL)
    return;
  if (VZ_IS_WINDOW (instance) && vz_window_get_sync_engine (window) == NULL)
    return;
  if (VZ_IS_SYNC_ENGINE (instance) && !vz_sync_engine_get_loaded (VZ_SYNC_ENGINE (instance)))
    return;
  /* Frees @pending. */
  g_signal_handler_disconnect (instance, pending->handler_id);
  run_when_fleet_loaded (window, action, arg);
}

static void
wait_on (gpointer     instance,
         const char  *signal,
         VzWindow    *window,
         FleetAction  action,
         const char  *arg)
{
  Pending *pending = g_new0 (Pending, 1);

  g_weak_ref_init (&pending->window, window);
  pending->action = action;
  pending->arg = g_strdup (arg);
  pending->instance = instance;
  pending->handler_id = g_signal_connect_data (instance, signal, G_CALLBACK (on_fleet_changed), pending,
                                               pending_free, G_CONNECT_DEFAULT);
}

/* Runs @action at once when the window shows a fleet that has been read,
 * else once it does: the app may have been started for it, or be signing in. */
static void
run_when_fleet_loaded (VzWindow    *window,
                       FleetAction  action,
                       const char  *arg)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  g_assert (VZ_IS_WINDOW (window));

  if (engine == NULL)
    wait_on (window, "notify::sync-engine", window, action, arg);
  else if (!vz_sync_engine_get_loaded (engine))
    wait_on (engine, "notify::loaded", window, action, arg);
  else
    action (window, arg);
}

/* A window to show something in: the one there is, or a new one (the app
 * may be running in the background, or started by the bus for an action). */
static VzWindow *
ensure_window (VzApplication *self)
{
  g_application_activate (G_APPLICATION (self));
  return _vz_application_get_window (self);
}

/* ---- pair-screen ---- */

static void
pair (VzWindow   *window,
      const char *arg)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "devices");
  if (!vz_session_can_write (vz_sync_engine_get_session (engine)))
    {
      vz_window_show_toast (window, _("Only admins and managers can pair screens."));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pair", NULL);
}

static void
app_pair_screen (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VzWindow *window = ensure_window (user_data);

  if (window != NULL)
    run_when_fleet_loaded (window, pair, NULL);
}

/* ---- open-screen ---- */

static void
open_screen (VzWindow   *window,
             const char *display_id)
{
  if (!vz_window_show_screen (window, display_id))
    vz_window_show_toast (window, _("This screen is not in the fleet any more."));
}

static void
app_open_screen (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VzWindow *window = ensure_window (user_data);

  if (window != NULL)
    run_when_fleet_loaded (window, open_screen, g_variant_get_string (parameter, NULL));
}

/* ---- show-alerts ---- */

static void
app_show_alerts (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VzWindow *window = ensure_window (user_data);

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "health");
}

/* ---- preferences ---- */

static void
app_preferences (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VzWindow *window = _vz_application_get_window (user_data);

  vz_preferences_window_present (window != NULL ? GTK_WIDGET (window) : NULL, NULL);
}

static const GActionEntry actions[] = {
  { .name = "about", .activate = app_about },
  { .name = "preferences", .activate = app_preferences },
  { .name = "pair-screen", .activate = app_pair_screen },
  { .name = "open-screen", .activate = app_open_screen, .parameter_type = "s" },
  { .name = "show-alerts", .activate = app_show_alerts },
};

/* The keys of the app's verbs and of the window's (win.*: installed on
 * VzWindow's class), all named here and in the shortcuts window
 * (gtk/help-overlay.ui), which test-ui-keyboard compares. */
static const struct {
  const char *action;
  const char *keys[3];
} accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
};

void
_vz_application_add_actions (VzApplication *self)
{
  g_assert (VZ_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].keys);
}
