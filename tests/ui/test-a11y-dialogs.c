/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-a11y-dialogs"

#include "config.h"

#include <adwaita.h>

#include "a11y-test-util.h"
#include "vz-devices-page-private.h"
#include "vz-pending-popover.h"
#include "vz-playlist-editor.h"
#include "vz-preferences-window.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-welcome-page.h"
#include "vz-window-private.h"

/*
 * The dialogs, windows and popovers as a screen reader reads them, through
 * AT-SPI (a11y-tree.py, python3-pyatspi): each is opened as a person opens
 * it (its action, on the page that offers it), and no button, toggle,
 * entry, check box, drop-down, menu button, spin button or switch in it is
 * without a name. The pair screen, add to group, set the location, assign a
 * playlist, delete and reboot confirmations, the
 * groups window and its new group, the new playlist, the content picker, the
 * web page, the schedule editor, the main menu, the accounts switcher, and
 * the pending changes with a change in it, which says its state in words;
 * and the welcome page, where an account is added.
 * Against the real server with three screens and a playlist.
 */

static char *outbox_dir;

typedef struct {
  UiFleet   fleet;
  char     *token;
} Fixture;

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* A toplevel that was not there before: the one the action opened. */
typedef struct {
  GList     *before;
  GtkWidget *found;
} NewWindow;

static gboolean
new_window_mapped (gpointer data)
{
  NewWindow *want = data;
  g_autoptr(GList) now = gtk_window_list_toplevels ();

  for (GList *l = now; l != NULL; l = l->next)
    if (g_list_find (want->before, l->data) == NULL && gtk_widget_get_mapped (l->data))
      {
        want->found = l->data;
        return TRUE;
      }
  return FALSE;
}

static void
audit (const char *what)
{
  g_autoptr(JsonNode) tree = NULL;

  /* Let it settle: sizes, rows and the words bound to them. */
  spin (500);
  tree = read_tree ();
  assert_controls_named (tree, what);
}

/* Runs @action (on @widget, with @parameter or none) and audits the window
 * it opens, then closes that window. */
static void
audit_window (GtkWidget  *widget,
              const char *action,
              const char *what)
{
  NewWindow want = { gtk_window_list_toplevels (), NULL };

  g_assert_true (gtk_widget_activate_action (widget, action, NULL));
  if (!wait_for (new_window_mapped, &want, 20))
    g_error ("%s opened no window", action);
  g_list_free (want.before);
  audit (what);
  gtk_window_destroy (GTK_WINDOW (want.found));
  spin (300);
}

static gboolean
can_press (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_is_sensitive (data);
}

static void
show_page (Fixture    *f,
           const char *name,
           GtkWidget  *page)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->fleet.window), "win.show-page", "s", name));
  g_assert_true (wait_for (widget_mapped, page, 10));
}

/* Adds each shown menu button to @data, a GPtrArray. */
static gboolean
add_menu_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add ((GPtrArray *) data, widget);
  return FALSE;
}

/* The popover of each menu button @root shows. */
static void
audit_menus (GtkWidget  *root,
             const char *where)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  ui_count_widgets (root, add_menu_button, buttons);
  g_assert_cmpuint (buttons->len, >, 0);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkMenuButton *button = buttons->pdata[i];
      const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
      g_autofree char *what = g_strdup_printf ("popover of the menu button “%s” on the %s",
                                               tooltip != NULL ? tooltip : "", where);
      GtkPopover *popover;

      gtk_menu_button_popup (button);
      popover = gtk_menu_button_get_popover (button);
      g_assert_nonnull (popover);
      g_assert_true (wait_for (widget_mapped, popover, 10));
      audit (what);
      gtk_menu_button_popdown (button);
      spin (300);
    }
}

static gboolean
is_pending_popover (GtkWidget     *widget,
                    gconstpointer  data)
{
  return VZ_IS_PENDING_POPOVER (widget);
}

/* A row of the pending changes whose state is said in words. */
static gboolean
is_state_word (JsonObject    *node,
               gconstpointer  data)
{
  const char *const *words = data;
  const char *text = json_object_get_string_member (node, "text");

  return g_str_equal (node_role (node), "label") && text != NULL && g_strv_contains (words, text);
}

static void
test_dialogs (void)
{
  const char *names[] = { "Atrium", "Boardroom", "Canteen", NULL };
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(JsonNode) keep = NULL;
  GtkWidget *window;
  GtkWidget *devices;
  GtkSelectionModel *rows;

  ui_fleet_open (&f->fleet, names, outbox_dir);
  window = GTK_WIDGET (f->fleet.window);
  devices = GTK_WIDGET (f->fleet.page);
  f->token = vz_test_server_login (f->fleet.server);
  vz_test_server_data (f->fleet.server, "POST", "/playlists", f->token, "{\"name\":\"Morning Loop\"}", 201, &keep);

  /* The Devices page's dialogs, for all its screens. */
  audit_window (window, "win.pair", "pair screen dialog");
  rows = GTK_SELECTION_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (f->fleet.page)));
  gtk_selection_model_select_all (rows);
  spin (300);
  audit_window (devices, "devices.add-to-group", "add to group dialog");
  audit_window (devices, "devices.set-location", "set location dialog");
  audit_window (devices, "devices.assign-playlist", "assign playlist dialog");
  audit_window (devices, "devices.reboot", "reboot confirmation");
  audit_window (devices, "devices.delete", "delete confirmation");
  gtk_selection_model_unselect_all (rows);
  audit_window (window, "win.manage-groups", "groups window");

  /* The menus: the main menu, the accounts, the connection, the page's. */
  audit_menus (window, "Devices page");

  /* Playlists: a new one, and content to add to the one chosen. */
  show_page (f, "playlists", GTK_WIDGET (vz_window_get_playlists_page (f->fleet.window)));
  spin (500);
  audit_window (window, "win.new-playlist", "new playlist dialog");
  {
    GtkWidget *editor = ui_find_descendant (GTK_WIDGET (vz_window_get_playlists_page (f->fleet.window)),
                                            VZ_TYPE_PLAYLIST_EDITOR);
    GtkWidget *add = ui_find_action_button (editor, "editor.add-content");
    GtkWidget *row = ui_find_descendant (GTK_WIDGET (vz_window_get_playlists_page (f->fleet.window)),
                                         GTK_TYPE_LIST_BOX_ROW);

    /* Once a playlist is chosen. */
    g_assert_nonnull (row);
    gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (row)), GTK_LIST_BOX_ROW (row));
    g_assert_true (wait_for (can_press, add, 20));
    audit_window (editor, "editor.add-content", "content picker");
  }

  /* Content: a web page. */
  show_page (f, "content", GTK_WIDGET (vz_window_get_content_page (f->fleet.window)));
  audit_window (GTK_WIDGET (vz_window_get_content_page (f->fleet.window)), "content.add-web-page",
                "web page dialog");

  /* Schedules: the editor of a new one. */
  show_page (f, "schedules", GTK_WIDGET (vz_window_get_schedules_page (f->fleet.window)));
  audit_window (window, "win.new-schedule", "schedule editor");

  /* The pending changes with a change that waits: the server is gone, and
   * a screen's delete is held. Its row says its state in words. */
  show_page (f, "devices", devices);
  vz_test_server_kill (f->fleet.server);
  {
    NewWindow want = { gtk_window_list_toplevels (), NULL };
    GtkWidget *popover;
    g_autoptr(JsonNode) tree = NULL;
    g_autoptr(GPtrArray) states = NULL;
    const char *state_words[] = { "Waiting", "Sending…", "Failed", "Conflict", NULL };

    gtk_selection_model_select_item (rows, 0, TRUE);
    g_assert_true (gtk_widget_activate_action (devices, "devices.delete", NULL));
    g_assert_true (wait_for (new_window_mapped, &want, 20));
    g_list_free (want.before);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (want.found), "delete");
    spin (500);

    g_assert_true (gtk_widget_activate_action (window, "win.show-pending", NULL));
    popover = ui_find_widget (window, is_pending_popover, NULL);
    g_assert_nonnull (popover);
    g_assert_true (wait_for (widget_mapped, popover, 10));
    spin (1000);
    tree = read_tree ();
    assert_controls_named (tree, "pending changes");
    states = window_nodes (tree, is_state_word, state_words);
    if (states->len == 0)
      g_error ("No change in the pending changes says its state in words");
    gtk_popover_popdown (GTK_POPOVER (popover));
  }

  g_free (f->token);
  ui_fleet_close (&f->fleet);
}

/* The welcome page, where an account is added: its choices and its forms
 * (the stack keeps them all in the tree). */
static void
test_welcome (void)
{
  VzWindow *window = vz_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (widget_mapped, vz_window_get_welcome_page (window), 10));
  vz_welcome_page_show_choices (vz_window_get_welcome_page (window));
  audit ("welcome page");
  ui_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  a11y_init (&argc, &argv);

  outbox_dir = g_dir_make_tmp ("vz-ui-a11y-dialogs-XXXXXX", NULL);
  g_test_add_func ("/ui/a11y/dialogs", test_dialogs);
  g_test_add_func ("/ui/a11y/welcome", test_welcome);

  status = g_test_run ();
  vz_test_remove_tree (outbox_dir);
  g_free (outbox_dir);
  return status;
}
