/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-tab-walk"

#include "config.h"

#include <adwaita.h>

#include "vz-preferences-window.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * Every control can be reached with the keyboard: on each page of the
 * window (Devices, Content, Playlists, Schedules, Health, Analytics) and
 * each page of the Preferences window, real Tab presses (xdotool through
 * Xvfb) walk the focus once around the window, and every control that is
 * shown is reached: each mapped, sensitive widget that takes the focus
 * (buttons, toggles, entries, switches, drop-downs, menu buttons and the
 * like), each list. A list of items (a list view, a column view, a list or
 * flow box whose rows hold nothing of their own to operate) is one Tab
 * stop: Tab leaves it at once, whatever row has the focus. Against the real
 * server, with screens and playlists in it.
 *
 * The widgets are read in the process: GTK 4.8 tells AT-SPI no "showing"
 * state, and keeps the stale size of a page its stack hides, so through
 * AT-SPI the hidden pages' controls cannot be told from the shown ones.
 */

static char *outbox_dir;

/* ---- what there is to reach ---- */

static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

/* Neither @widget nor what holds it keeps the focus out (can-focus). */
static gboolean
focus_allowed (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_can_focus (w))
      return FALSE;
  return gtk_widget_is_sensitive (widget);
}

static gboolean
takes_focus (GtkWidget *widget)
{
  return gtk_widget_get_focusable (widget) && focus_allowed (widget) && is_shown (widget);
}

/* A list of items, whose rows are one Tab stop: the list views, and the
 * list and flow boxes whose rows hold no control of their own. */
static gboolean
holds_controls (GtkWidget *widget,
                GtkWidget *list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      gboolean row = gtk_widget_get_parent (child) == list;

      if ((!row && takes_focus (child)) || holds_controls (child, list))
        return TRUE;
    }
  return FALSE;
}

/* Whether @list has items to go to (an empty table has only its titles). */
static gboolean
has_items (GtkWidget *list)
{
  GListModel *model = NULL;

  if (GTK_IS_LIST_BOX (list))
    return gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0) != NULL;
  if (GTK_IS_FLOW_BOX (list))
    return gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (list), 0) != NULL;
  if (GTK_IS_LIST_VIEW (list))
    model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  else if (GTK_IS_COLUMN_VIEW (list))
    model = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (list)));
  else if (GTK_IS_GRID_VIEW (list))
    model = G_LIST_MODEL (gtk_grid_view_get_model (GTK_GRID_VIEW (list)));
  return model != NULL && g_list_model_get_n_items (model) > 0;
}

static gboolean
is_item_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) || GTK_IS_COLUMN_VIEW (widget) || GTK_IS_GRID_VIEW (widget))
    return TRUE;
  return (GTK_IS_LIST_BOX (widget) || GTK_IS_FLOW_BOX (widget)) && !holds_controls (widget, widget);
}

static GtkWidget *
item_list_of (GtkWidget *widget)
{
  GtkWidget *found = NULL;

  /* The outermost: a column view holds a list view of its own. */
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (is_item_list (w))
      found = w;
  return found;
}

/* The window's own buttons (minimize, close), which GTK keeps out of the
 * Tab order: the window manager's keys do what they do. */
static gboolean
in_window_controls (GtkWidget *widget)
{
  return gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) != NULL;
}

/* What Tab must reach under @widget: each widget that takes the focus
 * outside item lists, and each shown item list with something focusable. */
static void
collect_stops (GtkWidget *widget,
               GPtrArray *controls,
               GPtrArray *lists)
{
  if (!gtk_widget_get_mapped (widget) || in_window_controls (widget))
    return;
  if (is_item_list (widget))
    {
      if (is_shown (widget) && focus_allowed (widget) && has_items (widget))
        g_ptr_array_add (lists, widget);
      return;
    }
  if (takes_focus (widget))
    g_ptr_array_add (controls, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_stops (child, controls, lists);
}

/* "GtkButton “Pair Screen” in VzDevicesPage > GtkBox > GtkBox": the widget
 * with its words, and the widgets around it. */
static char *
describe (GtkWidget *widget)
{
  const char *words = gtk_widget_get_tooltip_text (widget);
  GString *out = g_string_new (G_OBJECT_TYPE_NAME (widget));
  guint n = 0;

  if (words == NULL && GTK_IS_BUTTON (widget))
    words = gtk_button_get_label (GTK_BUTTON (widget));
  if (words == NULL && GTK_IS_BUTTON (widget))
    words = gtk_button_get_icon_name (GTK_BUTTON (widget));
  if (words == NULL && GTK_IS_EDITABLE (widget))
    words = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (words == NULL && ADW_IS_PREFERENCES_ROW (widget))
    words = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  g_string_append_printf (out, " “%s” in", words != NULL ? words : "");
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL && n < 5; w = gtk_widget_get_parent (w), n++)
    g_string_append_printf (out, "%s %s", n > 0 ? " <" : "", G_OBJECT_TYPE_NAME (w));
  return g_string_free (out, FALSE);
}

/* ---- the walk ---- */

static gboolean
reached (GtkWidget *target,
         GPtrArray *focus)
{
  for (guint i = 0; i < focus->len; i++)
    if (focus->pdata[i] == target || gtk_widget_is_ancestor (focus->pdata[i], target))
      return TRUE;
  return FALSE;
}

/* Presses Tab until the focus is back where the first press put it, and
 * checks the walk against what @window shows. */
static void
walk_around (GtkWindow  *window,
             const char *what)
{
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  g_autoptr(GPtrArray) focus = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new (NULL);
  GtkWidget *first;
  GtkWidget *run_list = NULL;

  x_keys (window, "Tab");
  first = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (first);
  g_ptr_array_add (focus, g_object_ref (first));
  do
    {
      x_keys (window, "Tab");
      g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (window)));
      g_ptr_array_add (focus, g_object_ref (gtk_root_get_focus (GTK_ROOT (window))));
    }
  while (focus->pdata[focus->len - 1] != first && focus->len < 150);
  if (focus->pdata[focus->len - 1] != first)
    g_error ("Tab did not come back to the %s in 150 presses on the %s", describe (first), what);

  /* What the window shows once the walk is done: a page may still have
   * been settling (a first playlist chosen) as it began. */
  collect_stops (GTK_WIDGET (window), controls, lists);
  g_assert_cmpuint (controls->len, >, 0);

  for (guint i = 0; i < focus->len; i++)
    {
      g_autofree char *stop = describe (focus->pdata[i]);
      GtkWidget *list = item_list_of (focus->pdata[i]);

      g_string_append_printf (path, "\n  %s", stop);
      /* One Tab out of a list: never two stops in a row within one. */
      if (list != NULL && list == run_list)
        g_string_append_printf (problems, "\n  Tab moved within the %s instead of leaving it", G_OBJECT_TYPE_NAME (list));
      run_list = list;
    }
  for (guint i = 0; i < controls->len; i++)
    if (!reached (controls->pdata[i], focus))
      {
        g_autofree char *control = describe (controls->pdata[i]);

        g_string_append_printf (problems, "\n  Tab never reaches the %s", control);
      }
  for (guint i = 0; i < lists->len; i++)
    if (!reached (lists->pdata[i], focus))
      {
        g_autofree char *list = describe (lists->pdata[i]);

        g_string_append_printf (problems, "\n  Tab never reaches the %s", list);
      }
  g_test_message ("%s: %u controls and %u lists, reached in %u Tab presses:%s", what, controls->len, lists->len,
                  focus->len, path->str);
  if (problems->len > 0)
    g_error ("On the %s:%s\n(the focus went:%s)", what, problems->str, path->str);
}

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
  g_assert_true (wait_for (widget_mapped, page, 30));
  spin (500);
  walk_around (GTK_WINDOW (window), what);
}

static void
test_every_control (void)
{
  const char *names[] = { "Atrium", "Boardroom", NULL };
  UiFleet fleet = { 0 };
  g_autofree char *token = NULL;
  const char *playlists[] = { "Morning Loop", "Evening News" };
  const char *preferences[] = { "general", "notifications", "accounts" };

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
  walk_page (fleet.window, "health", GTK_WIDGET (vz_window_get_health_page (fleet.window)));
  walk_page (fleet.window, "analytics", GTK_WIDGET (vz_window_get_analytics_page (fleet.window)));

  for (guint i = 0; i < G_N_ELEMENTS (preferences); i++)
    {
      VzPreferencesWindow *prefs = vz_preferences_window_present (GTK_WIDGET (fleet.window), preferences[i]);
      g_autofree char *what = g_strdup_printf ("Preferences window's %s page", preferences[i]);

      g_assert_true (wait_for (widget_mapped, prefs, 30));
      spin (500);
      walk_around (GTK_WINDOW (prefs), what);
      gtk_window_destroy (GTK_WINDOW (prefs));
      spin (200);
    }

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
