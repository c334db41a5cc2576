/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-actions"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-application.h"
#include "vz-window-private.h"
#include "vz-pair-dialog.h"
#include "vz-devices-page-private.h"
#include "vz-device-detail.h"
#include "vz-entity.h"
#include "vz-health-page.h"
#include "vz-schedule-editor.h"
#include "vz-ui-test-util.h"

/*
 * The app actions as the desktop calls them: the app owns its id on the
 * session bus, and `gapplication action` (a separate process, through
 * org.freedesktop.Application.ActivateAction) asks for about,
 * pair-screen, open-screen and show-alerts. What they do is read off the
 * windows, against the real server. Asked for before the fleet is read,
 * pair-screen and open-screen wait for it. The pages other than Devices are
 * made when first shown, by whichever verb shows them.
 */

#define BUS_APP_ID "cloud.vizora.Desktop.ActionsTest"

typedef struct {
  VzTestServer *server;
  char         *token;
  char         *screen;   /* the id of the one screen */
} Fleet;

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error))
    g_error ("gapplication action failed: %s", error->message);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Runs `gapplication action BUS_APP_ID @action [@parameter]`, the main loop
 * going on meanwhile so that the app can answer it. */
static void
gapplication_action (const char *action,
                     const char *parameter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) caller = NULL;
  gboolean done = FALSE;

  caller = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                             "gapplication", "action", BUS_APP_ID, action, parameter, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (caller, NULL, called_cb, &done);
  g_assert_true (wait_for (is_true, &done, 30));
}

static gboolean
pair_dialog_shown (gpointer data)
{
  GtkWidget *dialog = ui_find_toplevel (VZ_TYPE_PAIR_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

typedef struct {
  VzWindow   *window;
  const char *screen;
} ScreenWanted;

/* The Devices page shows @screen in its detail pane, its row the one chosen. */
static gboolean
screen_shown (gpointer data)
{
  ScreenWanted *want = data;
  VzDevicesPage *page = vz_window_get_devices_page (want->window);
  VzDisplay *shown = vz_device_detail_get_display (_vz_devices_page_get_detail (page));
  g_autoptr(GtkBitset) chosen = NULL;
  g_autoptr(VzDisplay) row = NULL;

  if (!gtk_widget_get_mapped (GTK_WIDGET (page)) || shown == NULL ||
      g_strcmp0 (vz_entity_get_id (VZ_ENTITY (shown)), want->screen) != 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (_vz_devices_page_get_detail (page))))
    return FALSE;
  chosen = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (page->selection));
  if (gtk_bitset_get_size (chosen) != 1)
    return FALSE;
  row = g_list_model_get_item (G_LIST_MODEL (page->selection), gtk_bitset_get_nth (chosen, 0));
  return row == shown;
}

/* Read off the window's own fields: vz_window_get_health_page() would make
 * the page if it was not yet. */
static gboolean
health_shown (gpointer data)
{
  VzWindow *window = data;

  return window->health_page != NULL && gtk_widget_get_mapped (GTK_WIDGET (window->health_page)) &&
         vz_health_page_get_sync_engine (window->health_page) == vz_window_get_sync_engine (window);
}

static gboolean
schedule_editor_shown (gpointer data)
{
  GtkWidget *editor = ui_find_toplevel (VZ_TYPE_SCHEDULE_EDITOR);

  return editor != NULL && gtk_widget_get_mapped (editor);
}

static void
close_toplevel (GType type)
{
  GtkWidget *window = ui_find_toplevel (type);

  g_assert_nonnull (window);
  gtk_window_close (GTK_WINDOW (window));
  spin (100);
  g_assert_null (ui_find_toplevel (type));
}

/* On the welcome page: About says the app is not connected, and a pairing
 * asked for now waits for the fleet, then opens by itself. */
static void
before_the_fleet (VzApplication *app,
                  gpointer       data)
{
  Fleet *fleet = data;
  VzWindow *window = ui_app_window (app);
  ScreenWanted want = { window, fleet->screen };
  g_autofree char *want_arg = g_variant_print (g_variant_new_string (fleet->screen), FALSE);
  GtkWidget *about;

  gapplication_action ("about", NULL);
  g_assert_true (wait_for (ui_about_says, (gpointer) "Not connected", 10));
  about = ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  /* Found installed or not: the app's resources carry it. */
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (about)), APP_ID));
  g_assert_nonnull (adw_about_window_get_developers (ADW_ABOUT_WINDOW (about)));
  close_toplevel (ADW_TYPE_ABOUT_WINDOW);

  gapplication_action ("pair-screen", NULL);
  gapplication_action ("open-screen", want_arg);
  spin (500);
  g_assert_null (ui_find_toplevel (VZ_TYPE_PAIR_DIALOG));
  g_assert_null (vz_window_get_sync_engine (window));

  g_signal_emit_by_name (vz_window_get_welcome_page (window), "connect-remote",
                         fleet->server->url, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_assert_true (wait_for (ui_fleet_shown, window, 30));
  g_assert_true (wait_for (pair_dialog_shown, NULL, 10));
  g_assert_true (wait_for (screen_shown, &want, 10));
  close_toplevel (VZ_TYPE_PAIR_DIALOG);

  /* Once, not again at the next fleet. */
  spin (300);
  g_assert_null (ui_find_toplevel (VZ_TYPE_PAIR_DIALOG));
}

static void
test_before_the_fleet (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  Fleet fleet = { vz_test_server_start (NULL), NULL, NULL };

  fleet.token = vz_test_server_login (fleet.server);
  fleet.screen = vz_test_server_pair_screen (fleet.server, fleet.token, "Lobby", NULL);
  g_settings_reset (settings, "connection-mode");
  app_run_on_bus (BUS_APP_ID, NULL, NULL, before_the_fleet, &fleet);
  g_settings_reset (settings, "connection-mode");
  g_free (fleet.screen);
  g_free (fleet.token);
  vz_test_server_free (fleet.server);
}

/* With the fleet shown: About names the server's address and version, as
 * the server tells it; pair-screen opens the pairing on the Devices page. */
static void
with_the_fleet (VzApplication *app,
                gpointer       data)
{
  Fleet *fleet = data;
  VzWindow *window = ui_app_window (app);
  g_autofree char *server_line = g_strdup_printf ("%s, version %s", fleet->server->url, PACKAGE_VERSION);
  ScreenWanted want = { window, fleet->screen };
  g_autofree char *want_arg = g_variant_print (g_variant_new_string (fleet->screen), FALSE);

  g_assert_true (wait_for (ui_fleet_shown, window, 30));

  gapplication_action ("about", NULL);
  g_assert_true (wait_for (ui_about_says, server_line, 10));
  g_assert_nonnull (strstr (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW))),
                            server_line));
  close_toplevel (ADW_TYPE_ABOUT_WINDOW);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "playlists");
  gapplication_action ("pair-screen", NULL);
  g_assert_true (wait_for (pair_dialog_shown, NULL, 10));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_devices_page (window))));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (ui_find_toplevel (VZ_TYPE_PAIR_DIALOG))) == GTK_WINDOW (window));
  close_toplevel (VZ_TYPE_PAIR_DIALOG);

  /* A notification's Open Screen, from another page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "content");
  gapplication_action ("open-screen", want_arg);
  g_assert_true (wait_for (screen_shown, &want, 10));

  gapplication_action ("open-screen", "'no-such-screen'");
  g_assert_true (wait_for (ui_toast_says, (gpointer) "This screen is not in the fleet any more.", 10));

  /* Only the pages shown so far are made: Health is made by show-alerts,
   * which shows it following the window's engine. */
  g_assert_nonnull (window->playlists_page);
  g_assert_nonnull (window->content_page);
  g_assert_null (window->health_page);
  g_assert_null (window->schedules_page);
  g_assert_null (window->analytics_page);
  gapplication_action ("show-alerts", NULL);
  g_assert_true (wait_for (health_shown, window, 10));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "health");

  /* A page's verb from elsewhere makes its page first: New Schedule. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-schedule", NULL);
  g_assert_nonnull (window->schedules_page);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "schedules");
  g_assert_true (wait_for (schedule_editor_shown, NULL, 10));
  close_toplevel (VZ_TYPE_SCHEDULE_EDITOR);
}

static void
test_with_the_fleet (void)
{
  Fleet fleet = { vz_test_server_start (NULL), NULL, NULL };
  const char *args[] = { "--server", NULL, NULL };

  fleet.token = vz_test_server_login (fleet.server);
  g_free (vz_test_server_pair_screen (fleet.server, fleet.token, "Atrium", NULL));
  fleet.screen = vz_test_server_pair_screen (fleet.server, fleet.token, "Lobby", NULL);
  args[1] = fleet.server->url;
  g_setenv ("VIZORA_TOKEN", fleet.token, TRUE);
  app_run_on_bus (BUS_APP_ID, args, NULL, with_the_fleet, &fleet);
  g_unsetenv ("VIZORA_TOKEN");
  g_free (fleet.screen);
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
  home = ui_own_data_home ("actions");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/actions/before-the-fleet", test_before_the_fleet);
  g_test_add_func ("/ui/actions/with-the-fleet", test_with_the_fleet);

  status = g_test_run ();
  vz_test_remove_tree (home);
  return status;
}
