/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-start"

#include "config.h"

#include <adwaita.h>
#include <signal.h>
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
 * and then the fleet, never on the welcome page first. The empty fleet says
 * what to do with buttons, and Add Simulated Screens… starts the simulator
 * supervised, its password never on a command line or on the page.
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

typedef struct {
  VzWindow *window;
  guint     rows;
} FleetWanted;

/* The fleet is shown, loaded, with @rows screens or more (0: the empty page). */
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
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) >= want->rows;
}

static void
straight_to_fleet (VzApplication *app,
                   gpointer       data)
{
  Start *start = data;
  FleetWanted want = { ui_app_window (app), start->rows };

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


/* Every mapped label under @widget that contains @text, added to @out. */
static void
labels_containing (GtkWidget  *widget,
                   const char *text,
                   GPtrArray  *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    g_ptr_array_add (out, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    labels_containing (child, text, out);
}

static void
assert_no_label_contains (GtkWidget  *window,
                          const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  labels_containing (window, text, found);
  if (found->len > 0)
    g_error ("The window shows “%s”", (const char *) g_ptr_array_index (found, 0));
}

/* The empty fleet of this computer: two buttons say what to do, and no
 * command line with a password. */
static GtkWidget *
assert_empty_fleet_buttons (VzWindow *window)
{
  VzDevicesPage *page = vz_window_get_devices_page (window);
  GtkWidget *empty = _vz_devices_page_get_state_widget (page, "empty");
  GtkWidget *pair = ui_find_action_button (empty, "devices.pair");
  GtkWidget *simulate = ui_find_action_button (empty, "devices.add-simulated");

  g_assert_true (gtk_widget_get_mapped (empty));
  g_assert_nonnull (pair);
  g_assert_true (gtk_widget_get_mapped (pair) && gtk_widget_is_sensitive (pair));
  g_assert_nonnull (simulate);
  g_assert_true (gtk_widget_get_mapped (simulate) && gtk_widget_is_sensitive (simulate));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (simulate)), ==, "Add _Simulated Screens…");
  assert_no_label_contains (GTK_WIDGET (window), "--password");
  assert_no_label_contains (GTK_WIDGET (window), "vizora-sim");
  return simulate;
}

static void
empty_fleet (VzApplication *app,
             gpointer       data)
{
  straight_to_fleet (app, data);
  assert_empty_fleet_buttons (ui_app_window (app));
}

/* The environment variable @name of process @pid, or NULL. */
static char *
process_env (GPid        pid,
             const char *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/environ", (int) pid);
  g_autofree char *contents = NULL;
  gsize len = 0;
  gsize name_len = strlen (name);

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  for (gsize i = 0; i < len; i += strlen (contents + i) + 1)
    if (strncmp (contents + i, name, name_len) == 0 && contents[i + name_len] == '=')
      return g_strdup (contents + i + name_len + 1);
  return NULL;
}

typedef struct {
  VzWindow *window;
  guint     online;
} OnlineWanted;

static gboolean
screens_online (gpointer data)
{
  OnlineWanted *want = data;
  g_autoptr(GPtrArray) statuses = visible_cells (vz_window_get_devices_page (want->window), "vz-cell-status");

  if (statuses->len != want->online)
    return FALSE;
  for (guint i = 0; i < statuses->len; i++)
    if (g_strcmp0 (g_ptr_array_index (statuses, i), "Online") != 0)
      return FALSE;
  return TRUE;
}

static GPid simulator_pid;

/* The simulator has filed the tokens of @data screens under the user
 * state dir, to resume them when it starts again. */
static gboolean
tokens_filed (gpointer data)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "vizora-sim", NULL);
  g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
  const char *name;
  guint tokens = 0;

  while (files != NULL && (name = g_dir_read_name (files)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      for (const char *p = contents; (p = strstr (p, "token=")) != NULL; p++)
        tokens++;
    }
  return tokens == GPOINTER_TO_UINT (data);
}

static gboolean
simulator_replaced (gpointer data)
{
  GPid pid = vz_test_child_pid ("vizora-sim", NULL);

  return pid != 0 && pid != simulator_pid;
}

/* Adds @screens simulated screens through the page's button and dialog. */
static void
add_simulated (VzWindow *window,
               guint     screens)
{
  GtkWidget *button = ui_find_action_button (GTK_WIDGET (vz_window_get_devices_page (window)),
                                             "devices.add-simulated");
  AdwMessageDialog *dialog;
  GtkWidget *count;

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  spin (100);
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Add Simulated Screens");
  count = ui_find_descendant (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (count);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (count), screens);
  adw_message_dialog_response (dialog, "add");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
simulated_screens (VzApplication *app,
                   gpointer       data)
{
  VzWindow *window = ui_app_window (app);
  OnlineWanted three = { window, 3 };
  OnlineWanted five = { window, 5 };
  g_autofree char *cmdline = NULL;
  g_autofree char *password = NULL;

  straight_to_fleet (app, data);
  assert_empty_fleet_buttons (window);
  g_assert_cmpuint (vz_test_child_pid ("vizora-sim", NULL), ==, 0);

  /* Three, as picked in the dialog: they pair and come online. */
  add_simulated (window, 3);
  g_assert_true (wait_for (screens_online, &three, 90));

  /* The simulator got the password through its environment, and neither
   * its command line nor the window shows it. */
  simulator_pid = vz_test_child_pid ("vizora-sim", &cmdline);
  g_assert_cmpint (simulator_pid, !=, 0);
  g_assert_nonnull (strstr (cmdline, "--screens 3"));
  g_assert_null (strstr (cmdline, "--password"));
  password = process_env (simulator_pid, "VIZORA_PASSWORD");
  g_assert_nonnull (password);
  g_assert_cmpuint (strlen (password), >=, 8);
  g_assert_null (strstr (cmdline, password));
  assert_no_label_contains (GTK_WIDGET (window), password);

  /* Supervised: killed, it is started again and its screens come back. */
  /* (once it has filed its screens' tokens, a second after they pair) */
  g_assert_true (wait_for (tokens_filed, GUINT_TO_POINTER (3), 10));
  g_assert_cmpint (kill (simulator_pid, SIGKILL), ==, 0);
  g_assert_true (wait_for (simulator_replaced, NULL, 30));
  g_assert_true (wait_for (screens_online, &three, 90));

  /* Two more: the same three and two new ones. */
  simulator_pid = vz_test_child_pid ("vizora-sim", NULL);
  add_simulated (window, 2);
  g_assert_true (wait_for (simulator_replaced, NULL, 30));
  g_clear_pointer (&cmdline, g_free);
  vz_test_child_pid ("vizora-sim", &cmdline);
  g_assert_nonnull (strstr (cmdline, "--screens 5"));
  g_assert_true (wait_for (screens_online, &five, 90));
  assert_no_label_contains (GTK_WIDGET (window), password);
}

static gboolean
no_simulator (gpointer data)
{
  return vz_test_child_pid ("vizora-sim", NULL) == 0;
}

/* --local: the fleet server on this computer starts, then its (empty)
 * fleet, which offers its two ways to screens. */
static void
test_local_straight (void)
{
  Start start = { 0, 0, 0 };

  reset_settings ();
  app_run_full ((const char *[]) { "--local", NULL }, watch_windows, empty_fleet, &start);
  g_assert_cmpuint (start.window_maps, ==, 1);
  g_assert_cmpuint (start.welcome_maps, ==, 0);
  reset_settings ();
}

/* The empty fleet on this computer; Add Simulated Screens… and what the
 * simulator it starts looks like from outside; it goes when the app quits. */
static void
test_add_simulated (void)
{
  Start start = { 0, 0, 0 };

  reset_settings ();
  app_run_full ((const char *[]) { "--local", NULL }, watch_windows, simulated_screens, &start);
  g_assert_cmpuint (start.welcome_maps, ==, 0);
  g_assert_true (wait_for (no_simulator, NULL, 10));
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
  g_assert_null (vz_window_get_sync_engine (ui_app_window (app)));
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
  g_test_add_func ("/ui/start/add-simulated", test_add_simulated);
  g_test_add_func ("/ui/start/demo", test_demo_straight);

  status = g_test_run ();
  vz_test_remove_tree (home);
  return status;
}
