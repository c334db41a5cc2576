/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-preferences"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-application.h"
#include "vz-display-resource.h"
#include "vz-health-page.h"
#include "vz-pending-popover.h"
#include "vz-window-private.h"
#include "vz-preferences-window.h"
#include "vz-retry-policy.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * The Preferences window of the real app, signed in to the real server, from
 * the keyboard (real key presses through the X server): Ctrl+comma opens it;
 * the style chosen there is the app's at once (AdwStyleManager), is kept in
 * GSettings and is the app's style at its next start; the retry figures
 * edited there are the sync engine's at once; the notification rows show
 * and change their keys; with "send offline changes" off, a change made
 * while the server is down waits for Send Now. GSETTINGS_BACKEND=memory: the settings are this
 * process's own.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  char         *screen;
} Fleet;

static GSettings *settings;

static gboolean
preferences_shown (gpointer data)
{
  GtkWidget *window = ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW);

  return window != NULL && gtk_widget_get_mapped (window);
}

static gboolean
preferences_gone (gpointer data)
{
  return !preferences_shown (data);
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
find_row (GtkWidget  *window,
          const char *title)
{
  GtkWidget *row = ui_find_widget (window, is_row_titled, title);

  if (row == NULL)
    g_error ("The Preferences have no row “%s”", title);
  return row;
}

static gboolean
style_is_dark (gpointer data)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static gboolean
setting_is (gpointer data)
{
  const char * const *key_value = data;
  g_autofree char *value = g_settings_get_string (settings, key_value[0]);

  return g_str_equal (value, key_value[1]);
}

static gboolean
max_delay_is (gpointer data)
{
  VzWindow *window = data;
  VzRetryPolicy *policy = vz_sync_engine_get_retry_policy (vz_window_get_sync_engine (window));

  return G_APPROX_VALUE (vz_retry_policy_get_max_delay (policy), 90.0, 1e-9);
}

static gboolean
undo_window_is_45 (gpointer data)
{
  return vz_sync_engine_get_undo_window (vz_window_get_sync_engine (data)) == 45;
}

static GtkWidget *
open_preferences (VzWindow *window)
{
  GtkWidget *preferences;

  x_keys (GTK_WINDOW (window), "ctrl+comma");
  g_assert_true (wait_for (preferences_shown, NULL, 10));
  /* Mapped, then laid out at its size: rows move until then. */
  spin (500);
  preferences = ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  return preferences;
}

static void
edit_with_keys (VzApplication *app,
                gpointer       data)
{
  VzWindow *window = ui_app_window (app);
  const char *dark[] = { "style-variant", "dark" };
  GtkWidget *preferences;
  GtkWidget *row;
  GtkWidget *spin_button;

  g_assert_true (wait_for (ui_fleet_shown, window, 30));
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));

  preferences = open_preferences (window);
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (preferences)), ==, "general");

  /* The style row: its list opens on Enter, the arrows go to Dark. */
  row = find_row (preferences, "_Style");
  gtk_widget_grab_focus (row);
  x_keys (GTK_WINDOW (preferences), "Return");
  spin (300);
  x_keys (GTK_WINDOW (gtk_widget_get_root (row)), "Down Down Return");
  g_assert_true (wait_for (style_is_dark, NULL, 5));
  g_assert_true (wait_for (setting_is, dark, 5));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);

  /* The longest wait between tries, typed in: the engine's at once. */
  row = find_row (preferences, "_Longest Wait Between Tries");
  spin_button = ui_find_descendant (row, GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin_button);
  x_click (spin_button, NULL, 1);
  x_keys (GTK_WINDOW (preferences), "ctrl+a 9 0 Tab");
  g_assert_true (wait_for (max_delay_is, window, 5));
  g_assert_cmpfloat (g_settings_get_double (settings, "retry-max-delay"), ==, 90.0);
  /* And a setting changed elsewhere shows in the row. */
  g_settings_set_uint (settings, "retry-attempts", 7);
  row = find_row (preferences, "_Tries per Request");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (ui_find_descendant (row, GTK_TYPE_SPIN_BUTTON))), ==, 7);
  g_assert_cmpuint (vz_retry_policy_get_max_attempts (vz_sync_engine_get_retry_policy (vz_window_get_sync_engine (window))),
                    ==, 7);

  /* The time to undo a deletion, typed in: the engine holds deletes as long. */
  row = find_row (preferences, "Time to _Undo a Deletion");
  spin_button = ui_find_descendant (row, GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin_button);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin_button)), ==, 10);
  x_click (spin_button, NULL, 1);
  x_keys (GTK_WINDOW (preferences), "ctrl+a 4 5 Tab");
  g_assert_true (wait_for (undo_window_is_45, window, 5));
  g_assert_cmpuint (g_settings_get_uint (settings, "undo-window"), ==, 45);

  /* Escape closes it; Ctrl+comma brings it back, one window. */
  x_keys (GTK_WINDOW (preferences), "Escape");
  g_assert_true (wait_for (preferences_gone, NULL, 5));
  preferences = open_preferences (window);
  x_keys (GTK_WINDOW (preferences), "Escape");
  g_assert_true (wait_for (preferences_gone, NULL, 5));
}

/* The next start: dark from the start, before any window is shown. */
static void
reset_style (VzApplication *app,
             gpointer       data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

static void
started_dark (VzApplication *app,
              gpointer       data)
{
  VzWindow *window = ui_app_window (app);
  VzHealthPage *health = vz_window_get_health_page (window);
  const char *critical[] = { "notify-min-severity", "critical" };
  const char *none[] = { "notify-min-severity", "none" };
  GtkWidget *preferences;
  GtkWidget *row;

  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  g_assert_true (wait_for (ui_fleet_shown, window, 30));

  /* The Health page's Notification Settings: the same window, on its
   * notifications page, whose rows are bound to their keys. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "health");
  gtk_widget_activate_action (GTK_WIDGET (health), "health.preferences", NULL);
  g_assert_true (wait_for (preferences_shown, NULL, 10));
  preferences = ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW);
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (preferences)), ==,
                   "notifications");
  row = find_row (preferences, "_Notify About");
  g_settings_set_string (settings, "notify-min-severity", "critical");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 1);
  g_assert_true (setting_is ((gpointer) critical));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  g_assert_true (setting_is ((gpointer) none));
  row = find_row (preferences, "_Run in Background");
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (ui_find_descendant (row, GTK_TYPE_SWITCH))));
  g_settings_reset (settings, "run-in-background");
  g_settings_reset (settings, "notify-min-severity");

  /* Follow System again, from the general page: light, as Xvfb's desktop
   * prefers no style. */
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "general");
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (preferences, "_Style")), 0);
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_close (GTK_WINDOW (preferences));
}

/* ---- changes made offline, held back ---- */

static void
renamed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vz_sync_engine_update_display_finish (VZ_SYNC_ENGINE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
holding (gpointer data)
{
  return vz_sync_engine_get_holding (data);
}

/* The pending list's Send Now shows. */
static gboolean
send_held_shown (gpointer popover)
{
  GtkWidget *send = ui_find_action_button (popover, "pending.send-held");

  return send != NULL && gtk_widget_get_mapped (send);
}

static gboolean
nothing_pending (gpointer data)
{
  return vz_sync_engine_get_pending_count (data) == 0;
}

static gboolean
switched_off (gpointer data)
{
  return !g_settings_get_boolean (settings, "send-offline-changes");
}

/* The switch turned off in the Preferences: a rename made while the server
 * is down waits when it is back, the window says so, and the list of
 * changes sends it on Send Now. */
static void
offline_changes_wait (VzApplication *app,
                      gpointer       data)
{
  Fleet *fleet = data;
  VzWindow *window = ui_app_window (app);
  VzSyncEngine *engine;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", fleet->screen);
  VzPendingPopover *popover;
  GtkWidget *preferences;
  GtkWidget *toggle;
  GtkWidget *send;
  gboolean renamed = FALSE;

  g_assert_true (wait_for (ui_fleet_shown, window, 30));
  engine = vz_window_get_sync_engine (window);
  g_assert_true (vz_sync_engine_get_send_offline_changes (engine));

  preferences = open_preferences (window);
  toggle = ui_find_descendant (find_row (preferences, "Send _Offline Changes by Themselves"), GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  x_click (toggle, NULL, 1);
  g_assert_true (wait_for (switched_off, NULL, 5));
  g_assert_false (vz_sync_engine_get_send_offline_changes (engine));
  x_keys (GTK_WINDOW (preferences), "Escape");
  g_assert_true (wait_for (preferences_gone, NULL, 5));

  vz_test_server_kill (fleet->server);
  json_object_set_string_member (changes, "name", "Renamed offline");
  vz_sync_engine_update_display_async (engine, fleet->screen, changes, NULL, renamed_cb, &renamed);
  g_assert_true (wait_for (is_true, &renamed, 10));
  vz_test_server_restart (fleet->server);
  g_assert_true (wait_for (holding, engine, 30));
  g_assert_true (wait_for (ui_toast_says, (gpointer) "The changes made offline wait for you to send them.", 5));
  spin (1000);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (engine), ==, 1);

  /* The toast's Review: the list, with Send Now. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-pending", NULL);
  popover = _vz_window_get_pending_popover (window);
  g_assert_true (wait_for (send_held_shown, popover, 10));
  send = ui_find_action_button (GTK_WIDGET (popover), "pending.send-held");
  x_click (send, NULL, 1);
  g_assert_true (wait_for (nothing_pending, engine, 20));
  g_assert_false (gtk_widget_get_mapped (send));

  g_assert_cmpuint (vz_test_server_request (fleet->server, "GET", path, fleet->token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "nickname"), ==, "Renamed offline");
  gtk_popover_popdown (GTK_POPOVER (popover));
  g_settings_reset (settings, "send-offline-changes");
}

static void
test_offline_changes_wait (void)
{
  Fleet fleet = { vz_test_server_start (NULL), NULL, NULL };
  const char *args[] = { "--server", NULL, NULL };

  fleet.token = vz_test_server_login (fleet.server);
  fleet.screen = vz_test_server_pair_screen (fleet.server, fleet.token, "Atrium", NULL);
  args[1] = fleet.server->url;
  g_setenv ("VIZORA_TOKEN", fleet.token, TRUE);
  app_run_full (args, NULL, offline_changes_wait, &fleet);
  g_unsetenv ("VIZORA_TOKEN");
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_free (fleet.screen);
  g_free (fleet.token);
  vz_test_server_free (fleet.server);
}

static void
test_preferences (void)
{
  Fleet fleet = { vz_test_server_start (NULL), NULL, NULL };
  const char *args[] = { "--server", NULL, NULL };
  const char *dark[] = { "style-variant", "dark" };
  const char *follow[] = { "style-variant", "follow" };

  fleet.token = vz_test_server_login (fleet.server);
  g_free (vz_test_server_pair_screen (fleet.server, fleet.token, "Atrium", NULL));
  args[1] = fleet.server->url;
  g_setenv ("VIZORA_TOKEN", fleet.token, TRUE);

  app_run_full (args, NULL, edit_with_keys, &fleet);
  g_assert_true (setting_is ((gpointer) dark));
  app_run_full (args, reset_style, started_dark, &fleet);
  g_assert_true (setting_is ((gpointer) follow));

  g_unsetenv ("VIZORA_TOKEN");
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "retry-attempts");
  g_settings_reset (settings, "retry-max-delay");
  g_settings_reset (settings, "undo-window");
  g_free (fleet.token);
  vz_test_server_free (fleet.server);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  /* The saved sign-ins and outboxes of these runs are this test's own. */
  home = ui_own_data_home ("preferences");
  ui_init_x11 (&argc, &argv);
  settings = g_settings_new ("cloud.vizora.Desktop");

  g_test_add_func ("/ui/preferences/keys-style-retries", test_preferences);
  g_test_add_func ("/ui/preferences/offline-changes-wait", test_offline_changes_wait);

  status = g_test_run ();
  g_clear_object (&settings);
  vz_test_remove_tree (home);
  return status;
}
