/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-tab-walk"

#include "config.h"

#include <adwaita.h>
#include <signal.h>

#include "tab-walk-util.h"
#include "vz-alert-row.h"
#include "vz-preferences-window.h"
#include "vz-test-process.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * Every control can be reached with the keyboard: on each page of the
 * window (Devices, Content, Playlists, Schedules, Health, Analytics) and
 * each page of the Preferences window, real Tab presses (xdotool through
 * Xvfb) walk the focus once around the window, then real Shift+Tab presses
 * walk it back, and each reaches every control that is shown and every
 * list, the same stops both ways; a list of items is one Tab stop both
 * ways, and the controls of its rows (the Health page's alerts: Mark as
 * Read, Dismiss) are reached with Right from the row (tab-walk-util.h).
 * Against the real server, with screens and playlists in it, and on the
 * Health page an alert raised by a simulated screen that overheats
 * (vizora-sim --fault overheat).
 */

static char *outbox_dir;

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
walk_page (VzWindow   *window,
           const char *name,
           GtkWidget  *page)
{
  g_autofree char *what = g_strdup_printf ("%s page", name);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", name));
  g_assert_true (wait_for (widget_mapped, page, 20));
  tab_walk_check (GTK_WINDOW (window), GTK_WIDGET (window), what);
}

static gboolean
alert_listed (gpointer page)
{
  GtkWidget *row = ui_find_descendant (page, VZ_TYPE_ALERT_ROW);

  return row != NULL && gtk_widget_get_mapped (row);
}

static void
test_every_control (void)
{
  const char *names[] = { "Atrium", "Boardroom", NULL };
  UiFleet fleet = { 0 };
  g_autofree char *token = NULL;
  const char *playlists[] = { "Morning Loop", "Evening News" };
  const char *preferences[] = { "general", "notifications", "accounts" };
  GtkWidget *health;
  g_autoptr(GSubprocess) sim = NULL;

  ui_fleet_open (&fleet, names, outbox_dir);
  token = vz_test_server_login (fleet.server);
  for (guint i = 0; i < G_N_ELEMENTS (playlists); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", playlists[i]);
      g_autoptr(JsonNode) keep = NULL;

      vz_test_server_data (fleet.server, "POST", "/playlists", token, body, 201, &keep);
    }

  walk_page (fleet.window, "devices", GTK_WIDGET (fleet.page));
  walk_page (fleet.window, "content", GTK_WIDGET (vz_window_get_content_page (fleet.window)));
  walk_page (fleet.window, "playlists", GTK_WIDGET (vz_window_get_playlists_page (fleet.window)));
  walk_page (fleet.window, "schedules", GTK_WIDGET (vz_window_get_schedules_page (fleet.window)));
  walk_page (fleet.window, "analytics", GTK_WIDGET (vz_window_get_analytics_page (fleet.window)));

  for (guint i = 0; i < G_N_ELEMENTS (preferences); i++)
    {
      VzPreferencesWindow *prefs = vz_preferences_window_present (GTK_WIDGET (fleet.window), preferences[i]);
      g_autofree char *what = g_strdup_printf ("Preferences window's %s page", preferences[i]);

      g_assert_true (wait_for (widget_mapped, prefs, 20));
      tab_walk_check (GTK_WINDOW (prefs), GTK_WIDGET (prefs), what);
      gtk_window_destroy (GTK_WINDOW (prefs));
    }

  /* The Health page with an alert in its list: a screen overheats. The
   * simulator is then held still (SIGSTOP), so that no heartbeat changes
   * the page during the walk. */
  health = GTK_WIDGET (vz_window_get_health_page (fleet.window));
  sim = vz_test_spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                       (const char *[]) { vz_test_require_bin ("VIZORA_SIM_BIN"), "--server", fleet.server->url,
                                          "--email", VZ_TEST_EMAIL, "--password", VZ_TEST_PASSWORD,
                                          "--screens", "1", "--seed", "7", "--fault", "overheat", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.window), "win.show-page", "s", "health"));
  if (!wait_for (alert_listed, health, 120))
    g_error ("No alert was listed on the Health page within 120 s of a screen overheating");
  g_subprocess_send_signal (sim, SIGSTOP);
  walk_page (fleet.window, "health", health);
  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));

  ui_fleet_close (&fleet);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_init_x11 (&argc, &argv);

  outbox_dir = g_dir_make_tmp ("vz-ui-tab-walk-XXXXXX", NULL);
  g_test_add_func ("/ui/tab-walk/every-control", test_every_control);

  status = g_test_run ();
  vz_test_remove_tree (outbox_dir);
  g_free (outbox_dir);
  return status;
}
