/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-groups"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-window.h"
#include "vz-window-private.h"
#include "vz-devices-page-private.h"
#include "vz-device-detail-private.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-group-name-dialog.h"
#include "vz-group-row.h"
#include "vz-groups-window-private.h"
#include "vz-ui-test-util.h"

/*
 * Screen groups made, renamed and deleted from the app, against the real
 * vizora-server: the Groups window (from the main menu) and the Group row of
 * a screen's detail, which offers "New Group…" before any group exists.
 */

static char *outbox_root;

/* Names @name in the New Group dialog now up, and creates it. */
static void
create_in_dialog (const char *name)
{
  AdwMessageDialog *dialog;
  GtkWidget *name_row;

  spin (100);
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (VZ_TYPE_GROUP_NAME_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Group");
  /* A group needs a name: Create waits for one. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  name_row = ui_find_descendant (adw_message_dialog_get_extra_child (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "create"));
  /* What the button does: answer, then close. */
  adw_message_dialog_response (dialog, "create");
  gtk_window_close (GTK_WINDOW (dialog));
}

/* ---- what the server has ---- */

typedef struct {
  VzTestServer *server;
  const char   *token;
  const char   *name;      /* a group of this name */
  guint         members;   /* with this many screens */
} GroupWanted;

/* The group named @name on the server, or NULL. */
static JsonObject *
server_group (GroupWanted *want,
              JsonNode   **body)
{
  JsonArray *groups;

  if (vz_test_server_request (want->server, "GET", "/display-groups", want->token, NULL, body) != 200)
    return NULL;
  groups = json_object_get_array_member (json_object_get_object_member (json_node_get_object (*body), "data"), "data");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), want->name) == 0)
        return group;
    }
  return NULL;
}

static gboolean
server_has_group (gpointer data)
{
  GroupWanted *want = data;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *group = server_group (want, &body);
  JsonArray *members;

  if (group == NULL)
    return FALSE;
  members = json_object_get_array_member (group, "displays");
  return members != NULL && json_array_get_length (members) == want->members;
}

static gboolean
server_lacks_group (gpointer data)
{
  g_autoptr(JsonNode) body = NULL;

  return server_group (data, &body) == NULL && body != NULL;
}

/* ---- what the app shows ---- */

typedef struct {
  VzDevicesPage *page;
  const char    *group;   /* every row's Group cell reads this */
  guint          rows;
} CellsWanted;

static gboolean
group_cells_read (gpointer data)
{
  CellsWanted *want = data;
  g_autoptr(GPtrArray) cells = visible_cells (want->page, "vz-cell-group");

  if (cells->len != want->rows)
    return FALSE;
  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (g_ptr_array_index (cells, i), want->group) != 0)
      return FALSE;
  return TRUE;
}

/* The rows of the Groups window's list, "name (title)" joined by "|". */
static char *
group_rows (VzGroupsWindow *groups)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (_vz_groups_window_get_list (groups)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (!VZ_IS_GROUP_ROW (row) || !gtk_widget_get_mapped (row))
        continue;
      g_string_append_printf (text, "%s%s (%s)", text->len > 0 ? "|" : "",
                              gtk_editable_get_text (GTK_EDITABLE (row)),
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  VzGroupsWindow *groups;
  const char     *rows;
} RowsWanted;

static gboolean
group_rows_read (gpointer data)
{
  RowsWanted *want = data;
  g_autofree char *rows = group_rows (want->groups);

  return g_strcmp0 (rows, want->rows) == 0;
}

static GtkWidget *
group_row_named (VzGroupsWindow *groups,
                 const char     *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (_vz_groups_window_get_list (groups)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (VZ_IS_GROUP_ROW (row) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), name) == 0)
      return row;
  return NULL;
}

static gboolean
toast_is (gpointer data)
{
  VzGroupsWindow *groups = data;

  return g_strcmp0 (_vz_groups_window_get_last_toast (groups), g_object_get_data (G_OBJECT (groups), "want")) == 0;
}

static gboolean
window_label_is (gpointer data)
{
  return g_strcmp0 (_vz_window_get_connection_label (data), g_object_get_data (G_OBJECT (data), "want")) == 0;
}

/* Presses the delete button of the row of @name and answers the
 * confirmation, after checking it says what happens. */
static void
delete_group (VzGroupsWindow *groups,
              const char     *name,
              const char     *body_has)
{
  GtkWidget *row = group_row_named (groups, name);
  GtkWidget *button;
  AdwMessageDialog *dialog;
  g_autofree char *heading = g_strdup_printf ("Delete “%s”?", name);

  g_assert_nonnull (row);
  button = ui_find_action_button (row, "groups.delete");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_signal_emit_by_name (button, "clicked");
  spin (100);
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), body_has));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Undo brings the group back"));
  /* No destructive default: Enter cancels. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
nothing_pending (gpointer data)
{
  return vz_sync_engine_get_pending_count (data) == 0;
}

/*
 * From the main menu's Manage Groups: the groups with their screen counts; a
 * new group named in a dialog; a group renamed in place (and back with the
 * toast's Undo), the screens' Group cells following; a group deleted after a
 * confirmation in the words of its toast, brought back by Undo while the
 * delete waits for the network, and then deleted for good.
 */
static void
test_manage_groups (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id1 = vz_test_server_pair_screen (server, token, "Hall A", NULL);
  g_autofree char *id2 = vz_test_server_pair_screen (server, token, "Hall B", NULL);
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *members = NULL;
  g_autofree char *path = NULL;
  VzWindow *window;
  VzDevicesPage *page;
  VzGroupsWindow *groups;
  const char *group_id;
  GroupWanted hall = { server, token, "Hall", 2 };
  GroupWanted main_hall = { server, token, "Main Hall", 2 };
  GroupWanted lobby = { server, token, "Lobby", 0 };
  CellsWanted in_hall = { NULL, "Hall", 2 };
  CellsWanted in_main_hall = { NULL, "Main Hall", 2 };
  CellsWanted in_none = { NULL, "No group", 2 };
  RowsWanted rows = { NULL, NULL };

  g_assert_cmpuint (vz_test_server_request (server, "POST", "/display-groups", token, "{\"name\":\"Hall\"}", &body),
                    ==, 201);
  group_id = json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"), "id");
  path = g_strdup_printf ("/display-groups/%s/displays", group_id);
  members = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\"]}", id1, id2);
  g_assert_cmpuint (vz_test_server_request (server, "POST", path, token, members, NULL), ==, 201);

  engine = ui_start_engine (server->url, monitor, outbox_root);
  window = ui_open_window (engine, 1200, 800);
  page = vz_window_get_devices_page (window);
  in_hall.page = in_main_hall.page = in_none.page = page;
  g_assert_true (wait_for (group_cells_read, &in_hall, 30));

  /* The main menu names the verb; it opens the groups. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.manage-groups", NULL));
  spin (200);
  groups = VZ_GROUPS_WINDOW (ui_find_toplevel (VZ_TYPE_GROUPS_WINDOW));
  g_assert_nonnull (groups);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (groups)) == GTK_WINDOW (window));
  rows.groups = groups;
  rows.rows = "Hall (2 screens)";
  g_assert_true (wait_for (group_rows_read, &rows, 10));

  /* New. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (groups), "groups.new", NULL));
  create_in_dialog ("Lobby");
  g_assert_true (wait_for (server_has_group, &lobby, 30));
  rows.rows = "Hall (2 screens)|Lobby (0 screens)";
  if (!wait_for (group_rows_read, &rows, 10))
    {
      rows.rows = "Lobby (0 screens)|Hall (2 screens)";
      g_assert_true (wait_for (group_rows_read, &rows, 1));
    }

  /* Renamed in place: the server, the row and every Group cell follow. */
  {
    GtkWidget *row = group_row_named (groups, "Hall");

    g_assert_nonnull (row);
    gtk_editable_set_text (GTK_EDITABLE (row), "Main Hall");
    g_signal_emit_by_name (row, "apply");
  }
  g_object_set_data (G_OBJECT (groups), "want", (gpointer) "Renamed “Hall” to “Main Hall”");
  g_assert_true (wait_for (toast_is, groups, 10));
  g_assert_true (wait_for (server_has_group, &main_hall, 30));
  g_assert_true (wait_for (group_cells_read, &in_main_hall, 30));

  /* The toast's Undo: the old name, on the server too. */
  g_assert_true (wait_for (nothing_pending, engine, 30));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (groups), "groups.undo", NULL));
  g_assert_true (wait_for (server_has_group, &hall, 30));
  g_assert_true (wait_for (group_cells_read, &in_hall, 30));
  g_assert_nonnull (group_row_named (groups, "Hall"));

  /* Renamed while the network is away: the cells follow at once, before
   * the server hears; Undo takes the queued rename back. */
  g_assert_true (wait_for (nothing_pending, engine, 30));
  vz_test_monitor_set_available (monitor, FALSE);
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Offline");
  g_assert_true (wait_for (window_label_is, window, 10));
  {
    GtkWidget *row = group_row_named (groups, "Hall");

    g_assert_nonnull (row);
    gtk_editable_set_text (GTK_EDITABLE (row), "Hall East");
    g_signal_emit_by_name (row, "apply");
  }
  in_main_hall.group = "Hall East";
  g_assert_true (wait_for (group_cells_read, &in_main_hall, 5));
  g_assert_true (server_has_group (&hall));
  /* (Undo is offered once the rename is queued: its toast says so.) */
  g_object_set_data (G_OBJECT (groups), "want", (gpointer) "Renamed “Hall” to “Hall East”");
  g_assert_true (wait_for (toast_is, groups, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (groups), "groups.undo", NULL));
  g_assert_true (wait_for (group_cells_read, &in_hall, 5));
  g_assert_true (wait_for (nothing_pending, engine, 10));

  /* Deleted while the network is away: gone from the list and the cells at
   * once, queued; Undo brings it back before the server ever hears. */
  delete_group (groups, "Hall", "Its 2 screens stay paired and show “No group”.");
  rows.rows = "Lobby (0 screens)";
  g_assert_true (wait_for (group_rows_read, &rows, 10));
  g_assert_true (wait_for (group_cells_read, &in_none, 10));
  /* The toast says what the confirmation asked. */
  g_object_set_data (G_OBJECT (groups), "want", (gpointer) "Deleted “Hall”");
  if (!wait_for (toast_is, groups, 10))
    g_error ("The toast says “%s”", _vz_groups_window_get_last_toast (groups));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (groups), "groups.undo", NULL));
  g_assert_true (wait_for (group_cells_read, &in_hall, 10));
  g_assert_nonnull (group_row_named (groups, "Hall"));
  vz_test_monitor_set_available (monitor, TRUE);
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Online");
  g_assert_true (wait_for (window_label_is, window, 30));
  g_assert_true (server_has_group (&hall));

  /* Deleted for good. */
  delete_group (groups, "Hall", "Its 2 screens stay paired");
  g_assert_true (wait_for (server_lacks_group, &hall, 30));
  g_assert_true (wait_for (group_cells_read, &in_none, 30));
  g_assert_null (group_row_named (groups, "Hall"));

  gtk_window_destroy (GTK_WINDOW (groups));
  ui_close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- the Group row of a screen's detail ---- */

static const char *
choice_name (gpointer item)
{
  if (VZ_IS_DISPLAY_GROUP (item))
    return vz_display_group_get_name (item);
  return gtk_string_object_get_string (item);
}

typedef struct {
  VzDeviceDetail *detail;
  const char     *name;
} ChoiceWanted;

static gboolean
group_row_shows (gpointer data)
{
  ChoiceWanted *want = data;
  gpointer item = adw_combo_row_get_selected_item (want->detail->group_row);

  return item != NULL && g_strcmp0 (choice_name (item), want->name) == 0;
}

/*
 * A screen's Group row works before any group exists: it offers "No group"
 * and "New Group…", which asks for a name, makes the group and puts the
 * screen in it; cancelled, the row goes back to where the screen is.
 */
static void
test_detail_new_group (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Kiosk", NULL);
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autoptr(VzSyncEngine) engine = ui_start_engine (server->url, monitor, outbox_root);
  VzWindow *window = ui_open_window (engine, 1200, 800);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  GListModel *choices;
  AdwMessageDialog *dialog;
  CellsWanted in_none = { page, "No group", 1 };
  CellsWanted in_front = { page, "Front Desk", 1 };
  GroupWanted front = { server, token, "Front Desk", 1 };
  ChoiceWanted shows_none = { detail, "No group" };
  ChoiceWanted shows_front = { detail, "Front Desk" };

  g_assert_true (wait_for (group_cells_read, &in_none, 30));
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, detail->group_row, 10));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (detail->group_row)));

  /* No group exists: the row still has somewhere to go. */
  choices = adw_combo_row_get_model (detail->group_row);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 2);
  {
    g_autoptr(GObject) first = g_list_model_get_item (choices, 0);
    g_autoptr(GObject) last = g_list_model_get_item (choices, 1);

    g_assert_cmpstr (choice_name (first), ==, "No group");
    g_assert_cmpstr (choice_name (last), ==, "New Group…");
  }
  g_assert_true (group_row_shows (&shows_none));

  /* Changed minds: the row shows "No group" again, nothing was made. */
  adw_combo_row_set_selected (detail->group_row, 1);
  spin (100);
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (VZ_TYPE_GROUP_NAME_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (group_row_shows, &shows_none, 5));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_groups (engine))), ==, 0);

  /* Named: made on the server with the screen in it; the pane and the
   * list say so. */
  adw_combo_row_set_selected (detail->group_row, 1);
  create_in_dialog ("Front Desk");
  g_assert_true (wait_for (server_has_group, &front, 30));
  g_assert_true (wait_for (group_cells_read, &in_front, 30));
  g_assert_true (wait_for (group_row_shows, &shows_front, 10));
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 3);

  /* And back out of it, with "No group". */
  adw_combo_row_set_selected (detail->group_row, 0);
  front.members = 0;
  g_assert_true (wait_for (server_has_group, &front, 30));
  g_assert_true (wait_for (group_cells_read, &in_none, 30));

  ui_close_window (window);
  vz_sync_engine_stop (engine);
  (void) id;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  outbox_root = g_dir_make_tmp ("vz-ui-groups-XXXXXX", NULL);

  g_test_add_func ("/ui/groups/manage", test_manage_groups);
  g_test_add_func ("/ui/groups/detail-new-group", test_detail_new_group);

  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
