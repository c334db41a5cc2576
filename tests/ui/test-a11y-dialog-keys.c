/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-a11y-dialog-keys"

#include "config.h"

#include <adwaita.h>

#include "a11y-test-util.h"
#include "tab-walk-util.h"
#include "vz-account-list.h"
#include "vz-application.h"
#include "vz-content-cell.h"
#include "vz-content-edit-dialog.h"
#include "vz-content-page.h"
#include "vz-content-preview.h"
#include "vz-date-row.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "vz-schedule-editor.h"
#include "vz-simulate-dialog.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window-private.h"

/*
 * The dialogs, windows and popovers that ui-a11y-dialogs does not open,
 * opened as a person opens them (a click, a key, or the action a menu item
 * runs) and used from the keyboard alone: the focus goes into each, AT-SPI
 * (python3-pyatspi) finds a name for each of its controls, Tab and
 * Shift+Tab reach each of them (tab-walk-util.h), and Escape closes it.
 * On a fleet of the real server: the content edit dialog and the content
 * preview, a playlist item's duration popover, the schedule editor's date
 * popovers. In the real app with its fleet server on this computer
 * (--local): the Add Simulated Screens dialog, the shortcuts window, the
 * About window, and the sign-out confirmation, after which the account
 * is still there.
 */

static char *outbox_dir;
static char *home;

/* ---- one popup, from the keyboard ---- */

typedef struct {
  GtkWindow *keys;    /* the window that takes the keys */
  GtkWidget *popup;   /* a window, or a popover in @keys */
} Popup;

static gboolean
focus_inside (gpointer data)
{
  Popup *p = data;

  return gtk_widget_get_mapped (p->popup) && focus_within (p->keys, p->popup);
}

static gboolean
closed (gpointer data)
{
  GtkWidget *popup = *(GtkWidget **) data;

  return popup == NULL || !gtk_widget_get_mapped (popup);
}

/* The focus goes into @popup, each control in it has a name, Tab and
 * Shift+Tab reach them all, and Escape closes it. */
static void
check_popup (GtkWindow  *keys,
             GtkWidget  *popup,
             const char *what)
{
  Popup p = { keys, popup };
  g_autoptr(JsonNode) tree = NULL;

  if (!wait_for (focus_inside, &p, 20))
    g_error ("The focus did not go into the %s (%s; the focus is on %s)", what,
             gtk_widget_get_mapped (popup) ? "shown" : "not shown",
             gtk_root_get_focus (GTK_ROOT (keys)) != NULL
             ? G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (keys))) : "nothing");
  tree = read_tree ();
  assert_controls_named (tree, what);
  tab_walk_check (keys, popup, what);

  g_object_add_weak_pointer (G_OBJECT (popup), (gpointer *) &popup);
  if (!x_key_until (keys, "Escape", closed, &popup, 20))
    g_error ("Escape did not close the %s", what);
  if (popup != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (popup), (gpointer *) &popup);
      /* A popover gives the focus back: Tab goes on from what opened it. */
      if (GTK_IS_POPOVER (popup) && focus_within (keys, popup))
        g_error ("Closed, the %s kept the focus on its hidden %s", what,
                 G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (keys))));
    }
}

/* A shown toplevel of @type that was not there before. */
typedef struct {
  GType      type;
  GtkWidget *found;
} Toplevel;

static gboolean
toplevel_up (gpointer data)
{
  Toplevel *want = data;
  g_autoptr(GList) all = gtk_window_list_toplevels ();

  for (GList *l = all; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, want->type) && gtk_widget_get_mapped (l->data))
      {
        want->found = l->data;
        return TRUE;
      }
  return FALSE;
}

static GtkWidget *
wait_toplevel (GType       type,
               const char *what)
{
  Toplevel want = { type, NULL };

  if (!wait_for (toplevel_up, &want, 20))
    g_error ("The %s did not open", what);
  return want.found;
}

static void
check_window (GType       type,
              const char *what)
{
  GtkWidget *window = wait_toplevel (type, what);

  check_popup (GTK_WINDOW (window), window, what);
}

static gboolean
has_popover (gpointer data)
{
  return vz_popover_button_get_popover (data) != NULL;
}

/* Clicks @button (a row's VzPopoverButton, which makes its popover then)
 * and checks the popover. */
static void
check_row_popover (GtkWindow       *keys,
                   VzPopoverButton *button,
                   const char      *what)
{
  x_click (GTK_WIDGET (button), NULL, 1);
  if (!wait_for (has_popover, button, 20))
    g_error ("A click on its button did not make the %s", what);
  check_popup (keys, GTK_WIDGET (vz_popover_button_get_popover (button)), what);
}

/* ---- on a fleet ---- */

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
is_mapped_of_type (GtkWidget     *widget,
                   gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type)) && gtk_widget_get_mapped (widget);
}

typedef struct {
  GtkWidget *root;
  GType      type;
  GtkWidget *found;
} Under;

static gboolean
found_under (gpointer data)
{
  Under *under = data;

  under->found = ui_find_widget (under->root, is_mapped_of_type, GSIZE_TO_POINTER (under->type));
  return under->found != NULL;
}

/* The first mapped widget of @type under @root, once there is one. */
static GtkWidget *
wait_mapped_under (GtkWidget *root,
                   GType      type)
{
  Under under = { root, type, NULL };

  if (!wait_for (found_under, &under, 30))
    g_error ("No %s was shown within 30 s", g_type_name (type));
  return under.found;
}

static gboolean
content_selected (gpointer page)
{
  return vz_content_page_get_selected (page) != NULL;
}

static gboolean
can_press (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_is_sensitive (data);
}

static void
click_action (GtkWidget  *page,
              const char *action)
{
  GtkWidget *button = ui_find_action_button (page, action);

  g_assert_nonnull (button);
  g_assert_true (wait_for (can_press, button, 20));
  x_click (button, NULL, 1);
}

static void
show_page (VzWindow   *window,
           const char *name,
           GtkWidget  *page)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", name));
  g_assert_true (wait_for (widget_mapped, page, 20));
}

static gboolean
is_duration_button (GtkWidget     *widget,
                    gconstpointer  data)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, VZ_TYPE_PLAYLIST_ITEM_ROW);

  return row != NULL && gtk_widget_get_mapped (widget) &&
         widget == GTK_WIDGET (vz_playlist_item_row_get_duration_button (VZ_PLAYLIST_ITEM_ROW (row)));
}

/* The row's other popover button: its menu. */
static gboolean
is_item_menu_button (GtkWidget     *widget,
                     gconstpointer  data)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, VZ_TYPE_PLAYLIST_ITEM_ROW);

  return row != NULL && VZ_IS_POPOVER_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         widget != GTK_WIDGET (vz_playlist_item_row_get_duration_button (VZ_PLAYLIST_ITEM_ROW (row)));
}

static gboolean
duration_button_shown (gpointer data)
{
  return ui_find_widget (data, is_duration_button, NULL) != NULL;
}

static void
test_fleet (void)
{
  const char *names[] = { "Atrium", NULL };
  UiFleet fleet = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *content = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *body = NULL;
  GtkWindow *window;
  GtkWidget *page, *editor;

  ui_fleet_open (&fleet, names, outbox_dir);
  window = GTK_WINDOW (fleet.window);
  token = vz_test_server_login (fleet.server);
  content = vz_test_server_create (fleet.server, token, "/content",
                                   "{\"name\":\"Lobby welcome\",\"type\":\"url\",\"url\":\"https://example.com/w\"}");
  body = g_strdup_printf ("{\"name\":\"Morning\",\"items\":[{\"contentId\":\"%s\"}]}", content);
  playlist = vz_test_server_create (fleet.server, token, "/playlists", body);
  /* Read again (F5): the server tells no one of new content. */
  x_keys (window, "F5");

  /* Content: an item chosen with a click, then Edit… and Preview. */
  page = GTK_WIDGET (vz_window_get_content_page (fleet.window));
  show_page (fleet.window, "content", page);
  x_click (wait_mapped_under (page, VZ_TYPE_CONTENT_CELL), NULL, 1);
  g_assert_true (wait_for (content_selected, page, 20));
  click_action (page, "content.edit");
  check_window (VZ_TYPE_CONTENT_EDIT_DIALOG, "content edit dialog");
  click_action (page, "content.preview");
  check_window (VZ_TYPE_CONTENT_PREVIEW, "content preview");

  /* Playlists: the chosen playlist's item, its duration. */
  page = GTK_WIDGET (vz_window_get_playlists_page (fleet.window));
  show_page (fleet.window, "playlists", page);
  x_click (wait_mapped_under (page, VZ_TYPE_PLAYLIST_ROW), NULL, 1);
  if (!wait_for (duration_button_shown, page, 30))
    g_error ("The playlist's item showed no duration button within 30 s");
  check_row_popover (window, VZ_POPOVER_BUTTON (ui_find_widget (page, is_duration_button, NULL)),
                     "duration popover");
  check_row_popover (window, VZ_POPOVER_BUTTON (ui_find_widget (page, is_item_menu_button, NULL)), "item menu");

  /* Schedules: a new one's editor, its start and end dates. */
  show_page (fleet.window, "schedules", GTK_WIDGET (vz_window_get_schedules_page (fleet.window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-schedule", NULL));
  editor = wait_toplevel (VZ_TYPE_SCHEDULE_EDITOR, "schedule editor");
  g_assert_true (wait_for (focus_inside, &(Popup) { GTK_WINDOW (editor), editor }, 20));
  for (guint end = 0; end <= 1; end++)
    {
      GtkMenuButton *button;
      GtkWidget *popover;
      const char *what = end ? "end date popover" : "start date popover";

      button = vz_date_row_get_button (vz_schedule_editor_get_date_row (VZ_SCHEDULE_EDITOR (editor),
                                                                                      end));
      popover = GTK_WIDGET (gtk_menu_button_get_popover (button));

      /* Below the fold: Tab to its button, Space opens it. */
      if (!tab_to (GTK_WINDOW (editor), GTK_WIDGET (button)))
        g_error ("Tab never reached the button of the %s", what);
      if (!x_key_until (GTK_WINDOW (editor), "space", widget_mapped, popover, 20))
        g_error ("Space on its button did not open the %s", what);
      check_popup (GTK_WINDOW (editor), popover, what);
    }
  gtk_window_destroy (GTK_WINDOW (editor));

  ui_fleet_close (&fleet);
}

/* ---- in the app, on the fleet of this computer ---- */

static void
local_fleet (VzApplication *app,
             gpointer       data)
{
  VzWindow *window = ui_app_window (app);
  GListModel *accounts = vz_application_get_accounts (app);
  GtkWidget *simulate;

  if (!wait_for (ui_fleet_shown, window, 90))
    g_error ("The fleet of this computer was not shown within 90 s");

  /* Add Simulated Screens…, the empty fleet's button. */
  simulate = ui_find_action_button (GTK_WIDGET (vz_window_get_devices_page (window)), "devices.add-simulated");
  g_assert_nonnull (simulate);
  g_assert_true (wait_for (can_press, simulate, 20));
  x_click (simulate, NULL, 1);
  check_window (VZ_TYPE_SIMULATE_DIALOG, "Add Simulated Screens dialog");

  /* The shortcuts window, with its key. */
  x_keys (GTK_WINDOW (window), "ctrl+question");
  check_window (GTK_TYPE_SHORTCUTS_WINDOW, "shortcuts window");

  /* About and Sign Out, as the main menu runs them. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  check_window (ADW_TYPE_ABOUT_WINDOW, "About window");

  g_assert_nonnull (vz_account_list_get_current (VZ_ACCOUNT_LIST (accounts)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
  check_window (ADW_TYPE_MESSAGE_DIALOG, "sign-out confirmation");
  /* Escape is Cancel: still signed in. */
  g_assert_nonnull (vz_account_list_get_current (VZ_ACCOUNT_LIST (accounts)));
  g_assert_true (ui_fleet_shown (window));
}

static void
test_app (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  app_run_full ((const char *[]) { "--local", NULL }, NULL, local_fleet, NULL);
  g_settings_reset (settings, "connection-mode");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The app's saved sign-ins, outboxes and fleet server on this computer
   * in a folder of the test's own: set before GTK starts, which has GLib
   * read (and keep) the data folder. */
  home = ui_own_data_home ("a11y-dialog-keys");
  a11y_init (&argc, &argv);

  outbox_dir = g_dir_make_tmp ("vz-ui-a11y-dialog-keys-XXXXXX", NULL);
  g_test_add_func ("/ui/a11y/dialog-keys/fleet", test_fleet);
  g_test_add_func ("/ui/a11y/dialog-keys/app", test_app);

  status = g_test_run ();
  vz_test_remove_tree (outbox_dir);
  g_free (outbox_dir);
  vz_test_remove_tree (home);
  g_free (home);
  return status;
}
