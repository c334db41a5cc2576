/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-notify"

#include <adwaita.h>
#include <string.h>

#include "vz-alert-row.h"
#include "vz-device-detail-private.h"
#include "vz-health-page.h"
#include "vz-notification-resource.h"
#include "vz-test-process.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * End to end: a simulated screen overheats (vizora-sim --fault overheat),
 * the real server raises the alert, the real app lists it on the Health
 * page and tells of it on the desktop: the notification reaches a real
 * notification server (Debian's notification-daemon) on this test's private
 * session bus, seen on the bus with dbus-monitor (the Notify call's summary
 * and body). Clicking its bubble (a real click through the X server) makes
 * the daemon send ActionInvoked, and the app opens that screen.
 */

#define BUS_APP_ID "cloud.vizora.Desktop.NotifyTest"
#define NOTIFICATION_DAEMON "/usr/lib/notification-daemon/notification-daemon"

typedef struct {
  VzTestServer *server;
  char         *token;
  GSubprocess  *sim;
  GSubprocess  *daemon;
  GSubprocess  *monitor;
  GString      *seen;       /* what dbus-monitor printed so far */
  GDataInputStream *lines;
  GCancellable *reading;     /* the monitor's lines; cancelled at the end */
  char         *screen_id;
  char         *alert_title;
  char         *alert_id;
  VzApplication *app;
} Fixture;

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                                     NULL);

  /* NULL also once cancelled: @f may be gone then. */
  if (line == NULL)
    return;
  g_string_append (f->seen, line);
  g_string_append_c (f->seen, '\n');
  g_data_input_stream_read_line_async (f->lines, G_PRIORITY_DEFAULT, f->reading, on_line, f);
}

static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

typedef struct {
  Fixture    *f;
  const char *text;
} Seen;

static gboolean
monitor_saw (gpointer data)
{
  Seen *want = data;

  return strstr (want->f->seen->str, want->text) != NULL;
}

static void
assert_monitor_saw (Fixture    *f,
                    const char *text)
{
  Seen want = { f, text };

  if (!wait_for (monitor_saw, &want, 30))
    g_error ("dbus-monitor did not see “%s”; it saw:\n%s", text, f->seen->str);
}

static void
start_notification_server (Fixture *f)
{
  gboolean owned = FALSE;
  guint watch;

  if (!g_file_test (NOTIFICATION_DAEMON, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("This test needs Debian's notification-daemon (%s): tools/install-deps installs it",
             NOTIFICATION_DAEMON);
  f->daemon = vz_test_spawn (G_SUBPROCESS_FLAGS_NONE, (const char *[]) { NOTIFICATION_DAEMON, NULL });
  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            on_name_appeared, NULL, &owned, NULL);
  g_assert_true (wait_for (is_true, &owned, 20));
  g_bus_unwatch_name (watch);

  /* Every Notify call and every signal of the notification server. */
  f->monitor = vz_test_spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              (const char *[]) { "dbus-monitor", "--session",
                                                 "type='method_call',interface='org.freedesktop.Notifications'",
                                                 "type='signal',interface='org.freedesktop.Notifications'", NULL });
  f->seen = g_string_new (NULL);
  f->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->monitor));
  f->reading = g_cancellable_new ();
  g_data_input_stream_read_line_async (f->lines, G_PRIORITY_DEFAULT, f->reading, on_line, f);
  /* dbus-monitor says it became a monitor once it is one: the bus took its
   * name back. */
  assert_monitor_saw (f, "member=NameLost");
}

static void
on_name_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Ends the notification server while the app still runs, and waits until
 * the app has heard it go. GLib 2.74's freedesktop backend holds itself
 * through each notification it still knows; when the server's name
 * vanishes it frees them, and if the app has already let go of it then,
 * its dispose frees the same list again, recursing until the stack
 * overflows (in whichever app's main loop hears the name vanish). Going
 * while the app runs is what a desktop's notification server restarting
 * looks like. */
static void
stop_notification_server (Fixture *f)
{
  gboolean gone = FALSE;
  guint watch;

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            NULL, on_name_vanished, &gone, NULL);
  g_subprocess_force_exit (f->daemon);
  g_assert_true (wait_for (is_true, &gone, 20));
  g_bus_unwatch_name (watch);
  /* The backend's own watcher hears it in the same round or the next. */
  spin (200);
}

static GSubprocess *
start_overheating_screen (VzTestServer *server)
{
  return vz_test_spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                        (const char *[]) { vz_test_require_bin ("VIZORA_SIM_BIN"), "--server", server->url,
                                           "--email", VZ_TEST_EMAIL, "--password", VZ_TEST_PASSWORD,
                                           "--screens", "1", "--seed", "7", "--fault", "overheat", NULL });
}

static VzWindow *
app_window (VzApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  return windows != NULL ? VZ_WINDOW (windows->data) : NULL;
}

static gboolean
fleet_shown (gpointer data)
{
  VzWindow *window = app_window (data);
  VzSyncEngine *engine = window != NULL ? vz_window_get_sync_engine (window) : NULL;

  return engine != NULL && vz_sync_engine_get_loaded (engine);
}

/* The Health page lists a critical temperature alert. */
static gboolean
alert_listed (gpointer data)
{
  Fixture *f = data;
  GtkWidget *row = ui_find_descendant (GTK_WIDGET (vz_window_get_health_page (app_window (f->app))),
                                       VZ_TYPE_ALERT_ROW);
  VzNotification *alert = row != NULL ? vz_alert_row_get_notification (VZ_ALERT_ROW (row)) : NULL;

  if (alert == NULL || vz_notification_get_severity (alert) != VZ_SEVERITY_CRITICAL ||
      g_strcmp0 (vz_notification_get_metric (alert), "temperature") != 0)
    return FALSE;
  g_free (f->screen_id);
  f->screen_id = g_strdup (vz_notification_get_device_id (alert));
  g_free (f->alert_title);
  f->alert_title = g_strdup (vz_notification_get_title (alert));
  g_free (f->alert_id);
  f->alert_id = g_strdup (vz_entity_get_id (VZ_ENTITY (alert)));
  return TRUE;
}

static gboolean
alert_resolved (gpointer data)
{
  Fixture *f = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (app_window (f->app));
  VzNotification *alert = vz_store_lookup (vz_sync_engine_get_notifications (engine), f->alert_id);

  return alert != NULL && vz_notification_get_resolved (alert);
}

static guint
count_seen (Fixture    *f,
            const char *text)
{
  guint n = 0;

  for (const char *at = strstr (f->seen->str, text); at != NULL; at = strstr (at + 1, text))
    n++;
  return n;
}

typedef struct {
  Fixture *f;
  guint    before;   /* Notify calls seen before */
} Again;

static gboolean
notified_again (gpointer data)
{
  Again *want = data;

  return count_seen (want->f, "member=Notify") > want->before;
}

/* A command on the simulator's standard input ("fault clear"). */
static void
sim_say (Fixture    *f,
         const char *command)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (f->sim), command, strlen (command), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (g_subprocess_get_stdin_pipe (f->sim), NULL, &error);
  g_assert_no_error (error);
}

static char *
notification_bubble (void)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char *[]) { "xdotool", "search", "--onlyvisible", "--name", "^Notification$", NULL },
                     NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error))
    g_error ("xdotool: %s", error->message);
  if (out == NULL || *out == '\0')
    return NULL;
  out[strcspn (out, "\n")] = '\0';
  return g_steal_pointer (&out);
}

static gboolean
bubble_shown (gpointer data)
{
  g_autofree char *window = notification_bubble ();

  return window != NULL;
}

static gboolean
screen_opened (gpointer data)
{
  Fixture *f = data;
  VzWindow *window = app_window (f->app);
  VzDevicesPage *page = window != NULL ? vz_window_get_devices_page (window) : NULL;
  VzDeviceDetail *detail = page != NULL ? _vz_devices_page_get_detail (page) : NULL;

  return detail != NULL && gtk_widget_get_mapped (GTK_WIDGET (detail)) && detail->display != NULL &&
         g_strcmp0 (vz_entity_get_id (VZ_ENTITY (detail->display)), f->screen_id) == 0;
}

static void
overheat (VzApplication *app,
          gpointer       data)
{
  Fixture *f = data;
  VzWindow *window;
  g_autofree char *bubble = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GError) error = NULL;
  guint notifies;

  f->app = app;
  g_assert_true (wait_for (fleet_shown, app, 30));
  window = app_window (app);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "health");

  /* The screen comes while the app watches, already too hot: the alert is
   * news (alerts already there when the app starts are listed, not told). */
  f->sim = start_overheating_screen (f->server);

  /* The server hears the screen overheat and the app lists the alert. */
  g_assert_true (wait_for (alert_listed, f, 60));

  /* The desktop notification reaches the notification server. */
  summary = g_strdup_printf ("string \"%s\"", f->alert_title);
  assert_monitor_saw (f, "member=Notify");
  assert_monitor_saw (f, summary);
  assert_monitor_saw (f, "°C");

  /* Another page shows; a click on the bubble opens the screen. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "playlists");
  g_assert_true (wait_for (bubble_shown, NULL, 10));
  bubble = notification_bubble ();
  g_spawn_sync (NULL, (char *[]) { "xdotool", "mousemove", "--window", bubble, "200", "40", "click", "1", NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_monitor_saw (f, "member=ActionInvoked");
  g_assert_true (wait_for (screen_opened, f, 20));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_devices_page (window))));

  /* The screen cools down: the server resolves the alert (its bubble was
   * clicked away already). It overheats again: a new alert, told again.
   * When it cools down this time, the server resolves the alert and the
   * app withdraws its notification from the notification server. */
  sim_say (f, "fault clear\n");
  g_assert_true (wait_for (alert_resolved, f, 60));
  notifies = count_seen (f, "member=Notify");
  sim_say (f, "fault overheat\n");
  g_assert_true (wait_for (notified_again, &(Again) { f, notifies }, 60));
  g_assert_cmpint (count_seen (f, "member=CloseNotification"), ==, 0);
  sim_say (f, "fault clear\n");
  assert_monitor_saw (f, "member=CloseNotification");
  g_assert_cmpint (count_seen (f, "member=CloseNotification"), ==, 1);
  stop_notification_server (f);
}

static void
fixture_stop (Fixture *f)
{
  g_cancellable_cancel (f->reading);
  spin (100);
  g_clear_object (&f->reading);
  if (f->sim != NULL)
    g_subprocess_force_exit (f->sim);
  g_subprocess_force_exit (f->monitor);
  g_subprocess_force_exit (f->daemon);
  g_clear_object (&f->lines);
  g_clear_object (&f->sim);
  g_clear_object (&f->monitor);
  g_clear_object (&f->daemon);
  g_string_free (f->seen, TRUE);
  vz_test_server_free (f->server);
  g_free (f->token);
  g_free (f->screen_id);
  g_free (f->alert_title);
  g_free (f->alert_id);
}

static void
test_overheat (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  const char *args[] = { "--server", NULL, NULL };

  start_notification_server (f);
  f->server = vz_test_server_start (NULL);
  f->token = vz_test_server_login (f->server);

  args[1] = f->server->url;
  g_setenv ("VIZORA_TOKEN", f->token, TRUE);
  app_run_on_bus (BUS_APP_ID, args, NULL, overheat, f);
  g_unsetenv ("VIZORA_TOKEN");

  fixture_stop (f);
}

static gboolean
no_window (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static gboolean
health_page_shown (gpointer data)
{
  VzWindow *window = app_window (data);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_health_page (window)));
}

/* With run-in-background, closing the window leaves the app running: a
 * screen that overheats then still reaches the notification server, and
 * app.show-alerts (a notification's action) brings a window back. */
static void
background (VzApplication *app,
            gpointer       data)
{
  Fixture *f = data;
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_assert_true (wait_for (fleet_shown, app, 30));
  g_assert_false (vz_application_get_in_background (app));
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  gtk_window_close (GTK_WINDOW (app_window (app)));
  g_assert_true (wait_for (no_window, app, 10));
  g_assert_true (wait_for ((Condition) vz_application_get_in_background, app, 10));

  /* No window: the alert is told all the same. */
  g_assert_cmpuint (count_seen (f, "member=Notify"), ==, 0);
  f->sim = start_overheating_screen (f->server);
  assert_monitor_saw (f, "member=Notify");
  assert_monitor_saw (f, "°C");
  g_assert_true (no_window (app));

  /* Still here: the action is answered. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-alerts", NULL);
  g_assert_true (wait_for (health_page_shown, app, 20));
  /* Its notification is still on the desktop. */
  stop_notification_server (f);
  g_settings_reset (settings, "run-in-background");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_background (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  const char *args[] = { "--server", NULL, NULL };

  start_notification_server (f);
  f->server = vz_test_server_start (NULL);
  f->token = vz_test_server_login (f->server);
  args[1] = f->server->url;
  g_setenv ("VIZORA_TOKEN", f->token, TRUE);
  app_run_on_bus (BUS_APP_ID, args, NULL, background, f);
  g_unsetenv ("VIZORA_TOKEN");
  fixture_stop (f);
}

static gboolean
did_not_quit (gpointer data)
{
  g_error ("The app kept running after its window closed, with run-in-background off");
  return G_SOURCE_REMOVE;
}

/* With run-in-background off (the default), closing the window quits:
 * g_application_run() returns. */
static void
close_quits (VzApplication *app,
             gpointer       data)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_assert_true (wait_for (fleet_shown, app, 30));
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));
  gtk_window_close (GTK_WINDOW (app_window (app)));
  *(guint *) data = g_timeout_add_seconds (20, did_not_quit, NULL);
}

static void
test_close_quits (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  const char *args[] = { "--server", server->url, NULL };
  guint watchdog = 0;

  g_setenv ("VIZORA_TOKEN", token, TRUE);
  app_run_on_bus (BUS_APP_ID, args, NULL, close_quits, &watchdog);
  g_unsetenv ("VIZORA_TOKEN");
  g_assert_cmpuint (watchdog, !=, 0);
  g_source_remove (watchdog);
}

int
main (int   argc,
      char *argv[])
{
  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/e2e/overheat/notify-and-open", test_overheat);
  /* Another app runs after window-closed in this process: its main loop
   * would hear the notification server go if window-closed left it to
   * fixture_stop (see stop_notification_server). */
  g_test_add_func ("/e2e/background/window-closed", test_background);
  g_test_add_func ("/e2e/background/off-close-quits", test_close_quits);

  return g_test_run ();
}
