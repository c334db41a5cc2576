/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-start"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-test-process.h"
#include "vz-application.h"
#include "vz-window.h"
#include "vz-devices-page-private.h"
#include "vz-display-resource.h"
#include "vz-ui-test-util.h"

/*
 * The application as started from the command line, with the fleet server
 * on this computer: --local and --demo open straight on the start under way
 * and then the fleet, never on the welcome page first.
 */

typedef struct {
  guint welcome_maps;   /* times the welcome page was mapped */
  guint window_maps;
  guint rows;           /* the fleet to wait for */
} Start;

static void
on_welcome_mapped (GtkWidget *welcome,
                   Start     *start)
{
  start->welcome_maps++;
}

static void
on_window_mapped (GtkWidget *window,
                  Start     *start)
{
  start->window_maps++;
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 Start          *start)
{
  g_assert_true (VZ_IS_WINDOW (window));
  /* Before it is shown: the first frame counts too. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_signal_connect (vz_window_get_welcome_page (VZ_WINDOW (window)), "map",
                    G_CALLBACK (on_welcome_mapped), start);
  g_signal_connect (window, "map", G_CALLBACK (on_window_mapped), start);
}

static void
watch_windows (VzApplication *app,
               gpointer       data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), data);
}

static VzWindow *
app_window (VzApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  return VZ_WINDOW (windows->data);
}

typedef struct {
  VzWindow *window;
  guint     rows;
} FleetWanted;

/* The fleet is shown, loaded, with @rows screens (0: the empty page). */
static gboolean
fleet_shown (gpointer data)
{
  FleetWanted *want = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (want->window);
  VzDevicesPage *page = vz_window_get_devices_page (want->window);

  if (engine == NULL || !vz_sync_engine_get_loaded (engine) || !gtk_widget_get_mapped (GTK_WIDGET (page)))
    return FALSE;
  if (want->rows == 0)
    return g_strcmp0 (_vz_devices_page_get_state (page), "empty") == 0;
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) == want->rows;
}

static void
straight_to_fleet (VzApplication *app,
                   gpointer       data)
{
  Start *start = data;
  FleetWanted want = { app_window (app), start->rows };

  g_assert_cmpuint (start->window_maps, ==, 1);
  g_assert_true (wait_for (fleet_shown, &want, 90));
  /* From the first frame to the fleet, the welcome page never showed. */
  g_assert_cmpuint (start->welcome_maps, ==, 0);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "demo-screens");
}

/* --local: the fleet server on this computer starts, then its (empty) fleet. */
static void
test_local_straight (void)
{
  Start start = { 0, 0, 0 };

  reset_settings ();
  app_run_full ((const char *[]) { "--local", NULL }, watch_windows, straight_to_fleet, &start);
  g_assert_cmpuint (start.window_maps, ==, 1);
  g_assert_cmpuint (start.welcome_maps, ==, 0);
  reset_settings ();
}

/* --demo 2: the same, with two simulated screens in the fleet. */
static void
test_demo_straight (void)
{
  Start start = { 0, 0, 2 };

  reset_settings ();
  app_run_full ((const char *[]) { "--demo", "2", NULL }, watch_windows, straight_to_fleet, &start);
  g_assert_cmpuint (start.welcome_maps, ==, 0);
  reset_settings ();
}

/* Without a fleet to open, the welcome page is what the window shows. */
static void
welcome_shown (VzApplication *app,
               gpointer       data)
{
  Start *start = data;

  spin (200);
  g_assert_cmpuint (start->welcome_maps, ==, 1);
  g_assert_null (vz_window_get_sync_engine (app_window (app)));
}

static void
test_no_fleet_welcomes (void)
{
  Start start = { 0, 0, 0 };

  reset_settings ();
  app_run_full (NULL, watch_windows, welcome_shown, &start);
  g_assert_cmpuint (start.welcome_maps, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *state_home = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  /* The fleet server on this computer keeps its data under the user data
   * dir, the simulator its screens' tokens under the state dir: this
   * test's own. */
  home = g_dir_make_tmp ("vz-ui-start-home-XXXXXX", NULL);
  data_home = g_build_filename (home, "data", NULL);
  state_home = g_build_filename (home, "state", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/ui/start/no-fleet-welcomes", test_no_fleet_welcomes);
  g_test_add_func ("/ui/start/local", test_local_straight);
  g_test_add_func ("/ui/start/demo", test_demo_straight);

  status = g_test_run ();
  vz_test_remove_tree (home);
  return status;
}
