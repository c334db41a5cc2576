/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-select"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-application.h"
#include "vz-display-resource.h"
#include "vz-window.h"
#include "vz-window-private.h"
#include "vz-devices-page-private.h"
#include "vz-location-dialog.h"
#include "vz-ui-test-util.h"

/*
 * Choosing screens on the Devices page as a person does, with real pointer
 * and key events (xdotool, through the X server under Xvfb) on a real window
 * fed by the real vizora-server: a click opens a screen, Ctrl+click and
 * Shift+click select several, selection mode makes a click toggle a row,
 * Escape leaves it; the bulk bar counts. Then what the bar does to the
 * selected screens: one location for all of them and one Undo, on the
 * server; commands and what the toast says of them; Reboot and Delete ask
 * first, and Enter means Cancel.
 */

static char *outbox_root;

typedef struct {
  VzTestServer  *server;
  char          *token;
  VzSyncEngine  *engine;
  VzWindow      *window;
  VzDevicesPage *page;
  guint          rows;
} Fleet;

static gboolean
rows_shown (gpointer data)
{
  Fleet *fleet = data;
  g_autoptr(GPtrArray) names = visible_cells (fleet->page, "vz-cell-name");

  return g_strcmp0 (_vz_devices_page_get_state (fleet->page), "list") == 0 && names->len == fleet->rows;
}

static void
fleet_open (Fleet *fleet)
{
  fleet->engine = ui_start_engine (fleet->server->url, NULL, outbox_root);
  fleet->window = ui_open_window (fleet->engine, 1200, 700);
  fleet->page = vz_window_get_devices_page (fleet->window);
  g_assert_true (wait_for (rows_shown, fleet, 30));
  /* Mapped, laid out and drawn: where the pointer goes is what shows. */
  spin (500);
}

static void
fleet_close (Fleet *fleet)
{
  ui_close_window (fleet->window);
  vz_sync_engine_stop (fleet->engine);
  g_clear_object (&fleet->engine);
  g_free (fleet->token);
  vz_test_server_free (fleet->server);
}

/* ---- real input ---- */

/* The screen as a PNG at $VZ_TEST_SCREENSHOT_DIR/@name, when that is set. */
static void
save_screenshot (const char *name)
{
  const char *dir = g_getenv ("VZ_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  }
  g_test_message ("screenshot: %s", path);
}

/* Matches for ui_find_widget(): only what a person can see (and click). */
static gboolean
is_name_cell (GtkWidget     *widget,
              gconstpointer  name)
{
  return gtk_widget_get_mapped (widget) && GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "vz-cell-name") &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), name) == 0;
}

static gboolean
is_select_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return gtk_widget_get_mapped (widget) && GTK_IS_TOGGLE_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "selection-mode-symbolic") == 0;
}

static void
click_row (Fleet      *fleet,
           const char *name,
           const char *modifiers)
{
  GtkWidget *cell = ui_find_widget (GTK_WIDGET (_vz_devices_page_get_column_view (fleet->page)), is_name_cell, name);

  g_assert_nonnull (cell);
  x_click (cell, modifiers, 1);
}

/* ---- what the page shows ---- */

/* The names of the selected rows, in list order, joined by ", ". */
static char *
selected_names (Fleet *fleet)
{
  GtkSelectionModel *model = gtk_column_view_get_model (_vz_devices_page_get_column_view (fleet->page));
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  GString *names = g_string_new (NULL);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (model), position);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, vz_display_get_display_name (display));
    }
  return g_string_free (names, FALSE);
}

typedef struct {
  Fleet      *fleet;
  const char *names;
} Selection;

static gboolean
selection_is (gpointer data)
{
  Selection *want = data;
  g_autofree char *names = selected_names (want->fleet);

  return g_strcmp0 (names, want->names) == 0;
}

/* The selection becomes @expected (the names, in list order) once the
 * events have been taken in; a loaded machine may take a while. */
static void
assert_selected (Fleet      *fleet,
                 const char *expected)
{
  Selection want = { fleet, expected };

  if (!wait_for (selection_is, &want, 10))
    {
      g_autofree char *names = selected_names (fleet);

      g_assert_cmpstr (names, ==, expected);
    }
}

static const char *
detail_name (Fleet *fleet)
{
  VzDisplay *display = vz_device_detail_get_display (_vz_devices_page_get_detail (fleet->page));

  return display != NULL && gtk_widget_get_visible (GTK_WIDGET (_vz_devices_page_get_detail (fleet->page)))
         ? vz_display_get_display_name (display) : NULL;
}

static gboolean
detail_is (gpointer data)
{
  Selection *want = data;

  return g_strcmp0 (detail_name (want->fleet), want->names) == 0;
}

/* The detail pane shows the screen named @name (after the events are in). */
static void
assert_detail (Fleet      *fleet,
               const char *name)
{
  Selection want = { fleet, name };

  if (!wait_for (detail_is, &want, 10))
    g_assert_cmpstr (detail_name (fleet), ==, name);
}

static gboolean
in_selection_mode (gpointer data)
{
  return vz_devices_page_get_selection_mode (data);
}

static gboolean
not_in_selection_mode (gpointer data)
{
  return !vz_devices_page_get_selection_mode (data);
}

/* The bar is out, says @count selected and names it on its buttons. */
static void
assert_bar_counts (Fleet *fleet,
                   guint  count)
{
  VzBulkBar *bar = _vz_devices_page_get_bulk_bar (fleet->page);
  g_autofree char *label = g_strdup_printf ("%u selected", count);
  g_autofree char *restart = g_strdup_printf (count == 1 ? "Restart %u Screen" : "Restart %u Screens", count);
  g_autofree char *delete = g_strdup_printf (count == 1 ? "Delete %u Screen…" : "Delete %u Screens…", count);
  GtkWidget *button;

  g_assert_true (vz_bulk_bar_get_revealed (bar));
  g_assert_cmpstr (vz_bulk_bar_get_label (bar), ==, label);
  /* Whether the buttons or the menu show depends on the room there is;
   * both say the same. */
  button = ui_find_action_button (GTK_WIDGET (bar), "devices.restart");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, restart);
  button = ui_find_action_button (GTK_WIDGET (bar), "devices.delete");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, delete);
  g_assert_true (gtk_widget_is_sensitive (button) == (count > 0));
  {
    g_autofree char *verb = vz_bulk_bar_dup_verb (bar, "devices.restart");

    g_assert_cmpstr (verb, ==, restart);
  }
}

static void
count_checks (GtkWidget *widget,
              guint     *shown,
              guint     *ticked)
{
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_widget_get_mapped (widget))
    {
      *shown += 1;
      *ticked += gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)) ? 1 : 0;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_checks (child, shown, ticked);
}

static gboolean
bar_hidden (gpointer data)
{
  Fleet *fleet = data;

  return !vz_bulk_bar_get_revealed (_vz_devices_page_get_bulk_bar (fleet->page));
}

/* ---- tests ---- */

/*
 * A plain click opens the screen and selects it alone; Ctrl+click adds a
 * screen, Shift+click a range (Ctrl+Shift adds the range); a plain click
 * again leaves only that screen. In selection mode (the header's toggle) a
 * click toggles a row and its check box; Escape leaves the mode.
 */
static void
test_pointer_selection (void)
{
  Fleet fleet = { 0 };
  GtkWidget *toggle;

  fleet.server = vz_test_server_start (NULL);
  fleet.token = vz_test_server_login (fleet.server);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);
      g_autofree char *id = vz_test_server_pair_screen (fleet.server, fleet.token, name, NULL);
    }
  fleet.rows = 5;
  fleet_open (&fleet);

  click_row (&fleet, "Screen 1", NULL);
  assert_selected (&fleet, "Screen 1");
  assert_detail (&fleet, "Screen 1");
  g_assert_true (bar_hidden (&fleet));

  click_row (&fleet, "Screen 3", "ctrl");
  assert_selected (&fleet, "Screen 1, Screen 3");
  assert_bar_counts (&fleet, 2);
  save_screenshot ("select-ctrl-click.png");
  /* Choosing several does not move the detail pane. */
  assert_detail (&fleet, "Screen 1");

  click_row (&fleet, "Screen 5", "shift");
  assert_selected (&fleet, "Screen 3, Screen 4, Screen 5");
  assert_bar_counts (&fleet, 3);

  click_row (&fleet, "Screen 1", "ctrl+shift");
  assert_selected (&fleet, "Screen 1, Screen 2, Screen 3, Screen 4, Screen 5");
  assert_bar_counts (&fleet, 5);

  click_row (&fleet, "Screen 4", "ctrl");
  assert_selected (&fleet, "Screen 1, Screen 2, Screen 3, Screen 5");
  assert_bar_counts (&fleet, 4);

  /* A plain click leaves no multi-selection behind. */
  click_row (&fleet, "Screen 2", NULL);
  assert_selected (&fleet, "Screen 2");
  assert_detail (&fleet, "Screen 2");
  g_assert_true (wait_for (bar_hidden, &fleet, 5));

  /* The keyboard still moves and opens rows (the cells leave that to the
   * row too); a double click opens one. */
  x_keys (GTK_WINDOW (fleet.window), "Down Return");
  assert_selected (&fleet, "Screen 3");
  assert_detail (&fleet, "Screen 3");
  g_assert_true (bar_hidden (&fleet));
  x_click (ui_find_widget (GTK_WIDGET (_vz_devices_page_get_column_view (fleet.page)), is_name_cell, "Screen 5"),
           NULL, 2);
  assert_selected (&fleet, "Screen 5");
  assert_detail (&fleet, "Screen 5");

  /* Selection mode, for touch. */
  toggle = ui_find_widget (GTK_WIDGET (fleet.window), is_select_button, NULL);
  g_assert_nonnull (toggle);
  x_click (toggle, NULL, 1);
  g_assert_true (wait_for (in_selection_mode, fleet.page, 10));
  assert_selected (&fleet, "");
  assert_bar_counts (&fleet, 0);
  click_row (&fleet, "Screen 4", NULL);
  click_row (&fleet, "Screen 1", NULL);
  assert_selected (&fleet, "Screen 1, Screen 4");
  assert_bar_counts (&fleet, 2);
  save_screenshot ("select-mode.png");
  {
    guint shown = 0, ticked = 0;

    /* Every row shows a box; the selected ones are ticked. */
    count_checks (GTK_WIDGET (_vz_devices_page_get_column_view (fleet.page)), &shown, &ticked);
    g_assert_cmpuint (shown, ==, 5);
    g_assert_cmpuint (ticked, ==, 2);
  }
  /* A second tap takes a row out again. */
  click_row (&fleet, "Screen 4", NULL);
  assert_selected (&fleet, "Screen 1");
  assert_bar_counts (&fleet, 1);
  /* The detail pane stayed where the double click put it. */
  assert_detail (&fleet, "Screen 5");

  /* Escape leaves selection mode, and the selection with it. */
  x_keys (GTK_WINDOW (fleet.window), "Escape");
  g_assert_true (wait_for (not_in_selection_mode, fleet.page, 10));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  assert_selected (&fleet, "");
  g_assert_true (wait_for (bar_hidden, &fleet, 5));

  fleet_close (&fleet);
}

/* ---- the bulk bar's verbs ---- */

static gboolean
dialog_gone (gpointer data)
{
  return (GtkWindow *) ui_find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

/* The screen's location as the server has it ("" for none). */
static char *
server_location (Fleet      *fleet,
                 const char *id)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);
  g_autoptr(JsonNode) body = NULL;
  JsonObject *data;

  g_assert_cmpuint (vz_test_server_request (fleet->server, "GET", path, fleet->token, NULL, &body), ==, 200);
  data = json_object_get_object_member (json_node_get_object (body), "data");
  if (!json_object_has_member (data, "location") || json_object_get_null_member (data, "location"))
    return g_strdup ("");
  return g_strdup (json_object_get_string_member (data, "location"));
}

typedef struct {
  Fleet       *fleet;
  GPtrArray   *ids;
  const char **locations;   /* one per id */
} Locations;

static gboolean
server_has_locations (gpointer data)
{
  Locations *want = data;

  for (guint i = 0; i < want->ids->len; i++)
    {
      g_autofree char *location = server_location (want->fleet, g_ptr_array_index (want->ids, i));

      if (g_strcmp0 (location, want->locations[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

static const char *
last_toast (Fleet *fleet)
{
  return _vz_window_get_last_toast (fleet->window);
}

static gboolean
toast_is (gpointer data)
{
  Fleet *fleet = ((gpointer *) data)[0];

  return g_strcmp0 (last_toast (fleet), ((gpointer *) data)[1]) == 0;
}

static void
wait_toast (Fleet      *fleet,
            const char *text)
{
  gpointer data[] = { fleet, (gpointer) text };

  if (!wait_for (toast_is, data, 20))
    g_assert_cmpstr (last_toast (fleet), ==, text);
}

static void
select_rows (Fleet *fleet,
             guint  n)
{
  GtkSelectionModel *model = gtk_column_view_get_model (_vz_devices_page_get_column_view (fleet->page));

  g_assert_true (gtk_selection_model_select_range (model, 0, n, TRUE));
}

static gboolean
set_location_button_shown (gpointer data)
{
  GtkWidget *button = ui_find_action_button (GTK_WIDGET (_vz_devices_page_get_bulk_bar (data)), "devices.set-location");

  return button != NULL && gtk_widget_get_mapped (button) && gtk_widget_get_height (button) > 0;
}

static gboolean
hall_shown (gpointer data)
{
  g_autoptr(GPtrArray) cells = visible_cells (data, "vz-cell-location");

  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (g_ptr_array_index (cells, i), "Hall") == 0)
      return TRUE;
  return FALSE;
}

/* As a click on the dialog's button: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

/* A confirmation Enter cancels, whose destructive button says what. */
static AdwMessageDialog *
confirmation (const char *response,
              const char *label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG ((GtkWindow *) ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, response), ==, label);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, response), ==, ADW_RESPONSE_DESTRUCTIVE);
  return dialog;
}

/*
 * One location for three screens (one of them somewhere else before) is one
 * change on the server and one Undo that gives each its own back. Reload
 * goes to every selected screen and the toast says which could not get it.
 * Reboot and Delete ask first: Enter (a real key press) cancels, and the
 * destructive button names the count.
 */
static void
test_bulk_actions (void)
{
  Fleet fleet = { 0 };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) sim = NULL;
  const char *before[] = { "", "", "" };
  const char *roof[] = { "Roof", "Roof", "Roof" };
  Locations want = { &fleet, ids, roof };
  VzLocationDialog *location_dialog;
  AdwMessageDialog *dialog;
  GtkSelectionModel *model;

  fleet.server = vz_test_server_start (NULL);
  fleet.token = vz_test_server_login (fleet.server);
  /* Two screens that run (the simulator), one paired that never connected. */
  sim = vz_test_server_start_sim (fleet.server, "2", "7");
  g_free (vz_test_server_wait_online_display (fleet.server, fleet.token));
  g_free (vz_test_server_pair_screen (fleet.server, fleet.token, "Unplugged", NULL));
  fleet.rows = 3;
  fleet_open (&fleet);
  model = gtk_column_view_get_model (_vz_devices_page_get_column_view (fleet.page));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_ptr_array_add (ids, g_strdup (vz_entity_get_id (VZ_ENTITY (display))));
    }
  {
    g_autofree char *path = g_strdup_printf ("/displays/%s", (char *) g_ptr_array_index (ids, 1));

    g_assert_cmpuint (vz_test_server_request (fleet.server, "PATCH", path, fleet.token,
                                              "{\"location\":\"Hall\"}", NULL), ==, 200);
    before[1] = "Hall";
    /* The app knows it before it changes anything (else it is a colleague's
     * change met as a conflict). */
    vz_sync_engine_refresh (fleet.engine);
    g_assert_true (wait_for (hall_shown, fleet.page, 20));
  }

  /* Set Location: one change, on the server, and one Undo. */
  select_rows (&fleet, 3);
  assert_bar_counts (&fleet, 3);
  /* With the whole width for the list, the verbs are buttons, not a menu. */
  g_assert_true (wait_for (set_location_button_shown, fleet.page, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.page), "devices.set-location", NULL));
  location_dialog = VZ_LOCATION_DIALOG ((GtkWindow *) ui_find_toplevel (VZ_TYPE_LOCATION_DIALOG));
  g_assert_nonnull (location_dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (location_dialog)), ==,
                   "Set the Location of 3 Screens");
  gtk_editable_set_text (vz_location_dialog_get_entry (location_dialog), "  Roof ");
  respond (ADW_MESSAGE_DIALOG (location_dialog), "set");
  g_assert_true (wait_for (dialog_gone, GSIZE_TO_POINTER (VZ_TYPE_LOCATION_DIALOG), 5));
  wait_toast (&fleet, "Changed the location of 3 screens");
  if (!wait_for (server_has_locations, &want, 20))
    {
      for (guint i = 0; i < 3; i++)
        g_test_message ("%s: %s", (char *) g_ptr_array_index (ids, i), server_location (&fleet, g_ptr_array_index (ids, i)));
      g_test_message ("pending %u failed %u conflicts %u toast %s", vz_sync_engine_get_pending_count (fleet.engine),
                      vz_sync_engine_get_failed_count (fleet.engine), vz_sync_engine_get_conflict_count (fleet.engine),
                      last_toast (&fleet));
      g_assert_not_reached ();
    }
  {
    g_autoptr(GPtrArray) cells = visible_cells (fleet.page, "vz-cell-location");

    g_assert_cmpuint (cells->len, ==, 3);
    for (guint i = 0; i < cells->len; i++)
      g_assert_cmpstr (g_ptr_array_index (cells, i), ==, "Roof");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.window), "win.undo", NULL));
  want.locations = before;
  g_assert_true (wait_for (server_has_locations, &want, 20));
  g_assert_false (vz_sync_engine_get_can_undo (fleet.engine));

  /* Reload: one request per screen; the one never connected does not get it. */
  select_rows (&fleet, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.page), "devices.reload", NULL));
  wait_toast (&fleet, "Reload sent to 3 screens; 1 is not connected and does not get it");

  /* Reboot asks; Enter cancels. */
  select_rows (&fleet, 2);
  assert_bar_counts (&fleet, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.page), "devices.reboot", NULL));
  dialog = confirmation ("reboot", "_Reboot 2 Screens");
  spin (500);
  x_keys (GTK_WINDOW (dialog), "Return");
  g_assert_true (wait_for (dialog_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5));
  spin (500);
  g_assert_cmpstr (last_toast (&fleet), ==, "Reload sent to 3 screens; 1 is not connected and does not get it");

  /* Said yes to: two screens reboot. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.page), "devices.reboot", NULL));
  dialog = confirmation ("reboot", "_Reboot 2 Screens");
  respond (dialog, "reboot");
  wait_toast (&fleet, "Reboot sent to 2 screens");

  /* Delete asks the same way. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fleet.page), "devices.delete", NULL));
  dialog = confirmation ("delete", "_Delete 2 Screens");
  respond (dialog, "cancel");
  g_assert_true (wait_for (dialog_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (fleet.engine))), ==, 3);

  g_subprocess_force_exit (sim);
  fleet_close (&fleet);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  home = ui_own_data_home ("select");
  ui_init_x11 (&argc, &argv);

  outbox_root = g_dir_make_tmp ("vz-ui-select-XXXXXX", NULL);

  g_test_add_func ("/ui/select/pointer", test_pointer_selection);
  g_test_add_func ("/ui/select/bulk-actions", test_bulk_actions);

  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  vz_test_remove_tree (home);
  g_free (outbox_root);
  return status;
}
