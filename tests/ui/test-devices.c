/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-devices"

#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-password.h"

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-application.h"
#include "vz-window.h"
#include "vz-devices-page-private.h"
#include "vz-pair-dialog-private.h"
#include "vz-device-detail-private.h"
#include "vz-welcome-page-private.h"
#include "vz-window-private.h"
#include "vz-pending-popover-private.h"
#include "vz-snapshot.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "devices-test-util.h"

/*
 * The Devices page as a person sees it, fed by the real vizora-server and
 * vizora-sim: rows appear with names and "Online", turn "Offline" when the
 * screens go away; the empty state; the pairing dialog's validation and a
 * real pairing through it.
 */

/* ---- live status ---- */

typedef struct {
  VzDevicesPage *page;
  const char    *status;   /* every row must say this */
  guint          rows;
} RowsWanted;

static gboolean
rows_show_status (gpointer data)
{
  RowsWanted *want = data;
  g_autoptr(GPtrArray) statuses = visible_cells (want->page, "vz-cell-status");
  g_autoptr(GPtrArray) names = visible_cells (want->page, "vz-cell-name");

  if (statuses->len != want->rows || names->len != want->rows)
    return FALSE;
  for (guint i = 0; i < statuses->len; i++)
    if (g_strcmp0 (g_ptr_array_index (statuses, i), want->status) != 0)
      return FALSE;
  return TRUE;
}

static void
test_live_status (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) store_names = g_ptr_array_new_with_free_func (g_free);
  VzWindow *window;
  VzDevicesPage *page;
  GListModel *displays;
  RowsWanted online = { NULL, "Online", 3 };
  RowsWanted offline = { NULL, "Offline", 3 };

  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  online.page = offline.page = page;

  sim = vz_test_server_start_sim (server, "3", "7");

  /* Three rows, each with a name and "Online" in its status cell. */
  g_assert_true (wait_for (rows_show_status, &online, 60));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "list");
  /* An admin may pair (the viewer test checks the opposite). */
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (window), "win.pair")));

  /* The names on screen are the screens' names, sorted as the Name header says. */
  displays = G_LIST_MODEL (vz_sync_engine_get_displays (engine));
  g_assert_cmpuint (g_list_model_get_n_items (displays), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (displays, i);
      g_assert_nonnull (vz_display_get_display_name (display));
      g_assert_cmpstr (vz_display_get_display_name (display), !=, "");
      g_ptr_array_add (store_names, g_strdup (vz_display_get_display_name (display)));
    }
  g_ptr_array_sort (store_names, (GCompareFunc) g_utf8_collate);
  names = visible_cells (page, "vz-cell-name");
  g_assert_cmpuint (names->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (store_names, g_ptr_array_index (names, i), g_str_equal, NULL));

  /* Showing only offline screens: none yet, and the page says so. */
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 2);
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "no-results");

  /* The screens vanish: they turn up under "Offline" (the filter follows live
   * status changes) and their cells say so, without a reload. */
  g_subprocess_force_exit (sim);
  /* SIGKILL: the screens get no chance to say goodbye. */
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  g_assert_true (wait_for (rows_show_status, &offline, 60));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "list");
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 0);
  g_assert_true (wait_for (rows_show_status, &offline, 10));
  g_assert_cmpuint (g_list_model_get_n_items (displays), ==, 3);

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- sorting ---- */

static VzDisplay *
display_named (const char *id,
               const char *nickname)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(GError) error = NULL;
  VzEntity *display;

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "nickname", nickname);
  json_object_set_string_member (obj, "status", "online");
  json_object_set_string_member (obj, "lastHeartbeat", "2026-01-01T00:00:00.000Z");
  json_object_set_string_member (obj, "updatedAt", "2026-01-01T00:00:00.000Z");
  display = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);
  g_assert_no_error (error);
  return VZ_DISPLAY (display);
}

/* The names of @model's screens, in its order, joined by "|". */
static char *
names_in_order (GListModel *model)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", vz_display_get_display_name (display));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/*
 * Names sort as people read them ("Lobby 9" before "Lobby 10", case aside,
 * in any script: "écran 3" before "Écran 20"), and screens that tie on status or last seen follow their names, whatever
 * order the store holds them in.
 */
static void
test_sort_order (void)
{
  GtkWidget *page = g_object_ref_sink (vz_devices_page_new ());
  GtkColumnView *column_view = _vz_devices_page_get_column_view (VZ_DEVICES_PAGE (page));
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_autoptr(GListStore) store = g_list_store_new (VZ_TYPE_DISPLAY);
  const char *names[] = { "Écran 20", "Lobby 10", "Lobby 9", "écran 3", "lobby 2", "Lobby 010b" };
  GtkSortListModel *sorted;
  g_autofree char *order = NULL;
  guint sorted_by = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("screen-%u", i);
      g_autoptr(VzDisplay) display = display_named (id, names[i]);

      g_list_store_append (store, display);
    }
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                    g_object_ref (gtk_column_view_get_sorter (column_view)));

  /* By name, the page's first order. */
  order = names_in_order (G_LIST_MODEL (sorted));
  g_assert_cmpstr (order, ==, "lobby 2|Lobby 9|Lobby 10|Lobby 010b|écran 3|Écran 20");

  /* By status and by last seen: all tie, so the name decides. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (g_strcmp0 (title, "Status") != 0 && g_strcmp0 (title, "Last Seen") != 0)
        continue;
      gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);
      g_free (order);
      order = names_in_order (G_LIST_MODEL (sorted));
      g_assert_cmpstr (order, ==, "lobby 2|Lobby 9|Lobby 10|Lobby 010b|écran 3|Écran 20");
      sorted_by++;
    }

  g_assert_cmpuint (sorted_by, ==, 2);

  g_object_unref (sorted);
  g_object_unref (page);
}

/* ---- empty state ---- */

static gboolean
page_in_state (gpointer data)
{
  VzDevicesPage *page = data;

  return g_strcmp0 (_vz_devices_page_get_state (page), g_object_get_data (G_OBJECT (page), "want")) == 0;
}

static void
test_empty_state (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  GtkWidget *empty;

  g_object_set_data (G_OBJECT (page), "want", (gpointer) "empty");
  g_assert_true (wait_for (page_in_state, page, 30));

  empty = _vz_devices_page_get_state_widget (page, "empty");
  g_assert_true (ADW_IS_STATUS_PAGE (empty));
  g_assert_true (gtk_widget_get_mapped (empty));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty)), ==, "No Screens Yet");
  /* The way out of the empty state is right there and works. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.pair", NULL));
  spin (100);

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- error state ---- */

static void
test_error_state (void)
{
  /* Nothing listens on the discard port: the first read cannot succeed. */
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");
  g_autoptr(VzSyncEngine) engine = vz_sync_engine_new (session);
  VzWindow *window;
  VzDevicesPage *page;
  GtkWidget *error_page;
  const char *description;

  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  window = open_window (engine);
  page = vz_window_get_devices_page (window);

  g_object_set_data (G_OBJECT (page), "want", (gpointer) "error");
  g_assert_true (wait_for (page_in_state, page, 30));
  error_page = _vz_devices_page_get_state_widget (page, "error");
  g_assert_true (gtk_widget_get_mapped (error_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (error_page)), ==, "Cannot Load Screens");
  /* The reason in words, as the engine put it. */
  description = adw_status_page_get_description (ADW_STATUS_PAGE (error_page));
  g_assert_nonnull (description);
  g_assert_cmpstr (description, ==, vz_sync_engine_get_last_error (engine));
  /* "Try Again" is there and does something. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.retry", NULL));

  vz_sync_engine_stop (engine);
  close_window (window);
}

/* ---- welcome ---- */

typedef struct {
  char  *url;
  char  *email;
  guint  demo;
  guint  remote_count;
  guint  local_count;
} Chosen;

static void
on_connect_remote (VzWelcomePage *page,
                   const char    *url,
                   const char    *email,
                   const char    *password,
                   Chosen        *chosen)
{
  g_free (chosen->url);
  g_free (chosen->email);
  chosen->url = g_strdup (url);
  chosen->email = g_strdup (email);
  chosen->remote_count++;
}

static void
on_start_local (VzWelcomePage *page,
                guint          demo,
                Chosen        *chosen)
{
  chosen->demo = demo;
  chosen->local_count++;
}

static void
sign_in_with (VzWelcomePage *page,
              const char    *url,
              const char    *email)
{
  vz_welcome_page_show_sign_in (page, NULL, NULL);
  gtk_editable_set_text (_vz_welcome_page_get_url_row (page), url);
  gtk_editable_set_text (_vz_welcome_page_get_email_row (page), email);
  gtk_editable_set_text (_vz_welcome_page_get_password_row (page), "secret");
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (page), "clicked");
}

static void
test_welcome (void)
{
  VzWindow *window = vz_window_new (NULL);
  VzWelcomePage *page = vz_window_get_welcome_page (window);
  Chosen chosen = { NULL, NULL, 0, 0, 0 };

  g_signal_connect (page, "connect-remote", G_CALLBACK (on_connect_remote), &chosen);
  g_signal_connect (page, "start-local", G_CALLBACK (on_start_local), &chosen);
  gtk_window_present (GTK_WINDOW (window));
  vz_welcome_page_show_choices (page);
  g_assert_cmpstr (_vz_welcome_page_get_page (page), ==, "choices");

  /* What people type becomes a server origin. */
  sign_in_with (page, " vizora.example.com/ ", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 1);
  g_assert_cmpstr (chosen.url, ==, "https://vizora.example.com");
  g_assert_cmpstr (chosen.email, ==, "ops@example.com");

  sign_in_with (page, "fleet.lan:3000", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_cmpstr (chosen.url, ==, "http://fleet.lan:3000");

  /* What cannot be a server or an account is said under the form, and nothing is sent. */
  sign_in_with (page, "ftp://files.example.com", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_nonnull (strstr (_vz_welcome_page_get_error (page), "server’s address"));

  sign_in_with (page, "https://vizora.example.com", "ops");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_nonnull (strstr (_vz_welcome_page_get_error (page), "email address"));

  /* A failure reported back lands under the same form, in the app's words. */
  vz_welcome_page_show_error (page, "The email address or the password is wrong.");
  g_assert_cmpstr (_vz_welcome_page_get_error (page), ==, "The email address or the password is wrong.");

  /* This computer, with the demo screens chosen last time. */
  vz_welcome_page_set_demo_screens (page, 7);
  vz_welcome_page_show_local (page);
  g_assert_null (_vz_welcome_page_get_error (page));
  g_signal_emit_by_name (find_button_with_label (GTK_WIDGET (page), "Start"), "clicked");
  g_assert_cmpuint (chosen.local_count, ==, 1);
  g_assert_cmpuint (chosen.demo, ==, 7);

  g_free (chosen.url);
  g_free (chosen.email);
  close_window (window);
}

/* ---- window size ---- */

static void
test_window_size (void)
{
  VzWindow *window = vz_window_new (NULL);
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  spin (100);
  /* Closing is when the size is saved. */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  ui_assert_released (window);

  window = vz_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  /* Without an engine the window welcomes. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (vz_window_get_welcome_page (window))));
  close_window (window);
}

/* ---- pairing ---- */

typedef struct {
  VzPairDialog *dialog;
  VzDisplay    *paired;
} PairWatch;

static void
on_paired (VzPairDialog *dialog,
           VzDisplay    *display,
           PairWatch    *watch)
{
  g_set_object (&watch->paired, display);
}

static gboolean
dialog_has_message (gpointer data)
{
  return _vz_pair_dialog_get_message (data) != NULL;
}

static gboolean
pair_finished (gpointer data)
{
  return ((PairWatch *) data)->paired != NULL;
}

static char *
request_pairing_code (VzTestServer *server)
{
  g_autoptr(JsonNode) body = NULL;
  JsonObject *data;
  guint status;

  status = vz_test_server_request (server, "POST", "/devices/pairing/request", NULL,
                                   "{\"deviceIdentifier\":\"ui-test-screen-0001\"}", &body);
  g_assert_cmpuint (status, ==, 201);
  data = json_object_get_object_member (json_node_get_object (body), "data");
  return g_strdup (json_object_get_string_member (data, "code"));
}

static void
type_text (AdwEntryRow *row,
           const char  *text)
{
  GtkEditable *editable = GTK_EDITABLE (row);
  int position = gtk_editable_get_position (editable);

  /* Inserting at the cursor is what a keyboard does. */
  position = (int) g_utf8_strlen (gtk_editable_get_text (editable), -1);
  gtk_editable_insert_text (editable, text, -1, &position);
}

static void
test_pair_dialog (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autofree char *code = NULL;
  PairWatch watch = { NULL, NULL };
  VzPairDialog *dialog;
  AdwEntryRow *code_row;

  dialog = vz_pair_dialog_new (engine);
  /* Held here so that its end can be checked after it closes itself. */
  g_object_ref (dialog);
  g_signal_connect (dialog, "paired", G_CALLBACK (on_paired), &watch);
  gtk_window_present (GTK_WINDOW (dialog));
  code_row = _vz_pair_dialog_get_code_row (dialog);

  /* Lowercase is taken as uppercase; a 1 is refused with the reason. */
  type_text (code_row, "ab1");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "AB");
  g_assert_nonnull (_vz_pair_dialog_get_message (dialog));
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "digit 1"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (code_row), "error"));
  g_assert_false (_vz_pair_dialog_can_pair (dialog));

  /* An O is refused too, and so is any symbol. */
  type_text (code_row, "O");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "letter O"));
  type_text (code_row, "#");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "“#”"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "AB");

  /* Good characters clear the complaint; six make the code complete. */
  type_text (code_row, "cd-e2");
  g_assert_null (_vz_pair_dialog_get_message (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "ABCDE2");
  g_assert_true (_vz_pair_dialog_can_pair (dialog));
  type_text (code_row, "Z");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "ABCDE2");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "6 characters"));

  /* A code nobody asked for: the real server says 404, the dialog says it in words. */
  gtk_editable_set_text (GTK_EDITABLE (code_row), "");
  type_text (code_row, "ZZZZZZ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL));
  g_assert_true (wait_for (dialog_has_message, dialog, 30));
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "No screen is waiting with the code ZZZZZZ"));
  g_assert_null (watch.paired);

  /* A real screen's code pairs it and the fleet gets it. */
  code = request_pairing_code (server);
  gtk_editable_set_text (GTK_EDITABLE (code_row), "");
  type_text (code_row, code);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, code);
  g_assert_null (_vz_pair_dialog_get_message (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL));
  g_assert_true (wait_for (pair_finished, &watch, 30));
  g_assert_true (wait_for (store_has_rows, engine, 30));
  g_clear_object (&watch.paired);

  /* Pairing closed the dialog; nothing else may keep it. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  ui_assert_released (dialog);
  vz_sync_engine_stop (engine);
}

/* ---- detail pane ---- */

static void
test_detail_rename (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Lobby Right" };
  ServerWanted on_server = { server, token, id, "Lobby Right" };
  AdwEntryRow *name_row;
  g_autoptr(GPtrArray) groups = NULL;
  gpointer no_group;

  g_assert_true (wait_for (name_cell_shows, &before, 30));

  /* Activating the row opens the pane on that screen. */
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_nonnull (vz_device_detail_get_display (detail));
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (vz_device_detail_get_display (detail))), ==, id);
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, detail, 10));

  /* A screen without a group says so in the same words in the list and in the pane. */
  groups = visible_cells (page, "vz-cell-group");
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (groups, 0), ==, "No group");
  no_group = adw_combo_row_get_selected_item (detail->group_row);
  g_assert_true (GTK_IS_STRING_OBJECT (no_group));
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (no_group)), ==, "No group");

  /* Renaming there goes through the engine to the server, and the list cell follows. */
  name_row = ADW_ENTRY_ROW (_vz_device_detail_get_name_row (detail));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Lobby Left");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Lobby Right");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_true (wait_for (name_cell_shows, &after, 30));
  g_assert_true (wait_for (server_has_name, &on_server, 30));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- screenshot ---- */

static gboolean
screenshot_settled (gpointer data)
{
  const char *state = _vz_device_detail_get_screenshot_state (data);

  return g_strcmp0 (state, "picture") == 0 || g_strcmp0 (state, "error") == 0;
}

static void
test_screenshot (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  RowsWanted online = { page, "Online", 1 };
  RowsWanted offline = { page, "Offline", 1 };
  GdkPaintable *picture;

  sim = vz_test_server_start_sim (server, "1", NULL);
  g_assert_true (wait_for (rows_show_status, &online, 60));

  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  spin (300);

  /* Request → spinner → the picture the screen took, shown in the pane. */
  g_signal_emit_by_name (_vz_device_detail_get_screenshot_button (detail), "clicked");
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "waiting");
  g_assert_true (wait_for (screenshot_settled, detail, 40));
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "picture");
  picture = _vz_device_detail_get_screenshot (detail);
  g_assert_nonnull (picture);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (picture), >, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (picture), >, 0);

  /* An offline screen cannot take one: the pane says so in words. */
  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  g_assert_true (wait_for (rows_show_status, &offline, 60));
  g_signal_emit_by_name (_vz_device_detail_get_screenshot_button (detail), "clicked");
  g_assert_true (wait_for (screenshot_settled, detail, 40));
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "error");
  g_assert_nonnull (strstr (_vz_device_detail_get_screenshot_error (detail), "offline"));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- figures in the detail pane ---- */

static gboolean
figures_known (gpointer data)
{
  VzDeviceDetail *detail = data;

  return g_strcmp0 (_vz_device_detail_get_figure (detail, "cpu"), "Unknown") != 0 &&
         g_strcmp0 (_vz_device_detail_get_figure (detail, "temperature"), "Unknown") != 0 &&
         g_strcmp0 (_vz_device_detail_get_figure (detail, "uptime"), "Unknown") != 0;
}

static void
test_detail_figures (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  RowsWanted online = { page, "Online", 1 };
  const char *temperature;

  /* The screen arrives after the first read, so the store has no figures
   * for it: live status events carry none. */
  sim = vz_test_server_start_sim (server, "1", NULL);
  g_assert_true (wait_for (rows_show_status, &online, 60));

  /* Opening the pane reads the screen; its heartbeat figures show, in words
   * people read ("42 %", "38 °C"), and keep coming every 15 s. */
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_true (wait_for (figures_known, detail, 40));
  g_assert_true (g_str_has_suffix (_vz_device_detail_get_figure (detail, "cpu"), "%"));
  temperature = _vz_device_detail_get_figure (detail, "temperature");
  g_assert_true (g_str_has_suffix (temperature, "°C"));
  g_assert_false (g_str_has_prefix (temperature, "-"));

  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  close_window (window);
  vz_sync_engine_stop (engine);
}

/* A screen that never sent a heartbeat has no figures: each reads
 * "Unknown", never the -1 that stands for it. */
static void
test_detail_unknown_figures (void)
{
  static const char * const figures[] = { "cpu", "memory", "disk", "temperature", "uptime" };
  Lobby lobby = { NULL };
  VzDeviceDetail *detail;

  lobby_open (&lobby);
  detail = _vz_devices_page_get_detail (lobby.page);
  g_signal_emit_by_name (_vz_devices_page_get_column_view (lobby.page), "activate", 0);
  g_assert_true (vz_device_detail_get_display (detail) != NULL);
  /* The pane's own read of the screen has come back by then. */
  spin (1000);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    g_assert_cmpstr (_vz_device_detail_get_figure (detail, figures[i]), ==, "Unknown");

  lobby_close (&lobby);
}

/* ---- viewer ---- */

#define VIEWER_EMAIL "viewer@example.test"
#define VIEWER_PASSWORD "just looking, thanks"

/* The server has no route to add people yet: the test writes the row the
 * way the server's own first start does, with the server's password hash. */
static void
add_viewer (VzTestServer *server)
{
  g_autofree char *db_path = g_build_filename (server->data_dir, "vizora.db", NULL);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  hash = vz_password_hash (VIEWER_PASSWORD, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name,"
                                       " role, is_active, created_at, updated_at)"
                                       " SELECT ?1, organization_id, ?2, ?3, 'Vera', 'Viewer', 'viewer', 1, ?4, ?4"
                                       " FROM users LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  {
    g_autofree char *id = g_uuid_string_random ();
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  }
  sqlite3_bind_text (stmt, 2, VIEWER_EMAIL, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gboolean
detail_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_viewer (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSession) session = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  NameWanted shown = { NULL, "Lobby Left" };
  VzWindow *window;
  VzDevicesPage *page;
  VzDeviceDetail *detail;
  GtkWidget *name_row;

  add_viewer (server);
  session = vz_session_new (server->url);
  sign_in (session, VIEWER_EMAIL, VIEWER_PASSWORD);
  g_assert_cmpstr (vz_session_get_role (session), ==, "viewer");
  g_assert_false (vz_session_can_write (session));

  engine = vz_sync_engine_new (session);
  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  detail = _vz_devices_page_get_detail (page);
  shown.page = page;
  g_assert_true (wait_for (name_cell_shows, &shown, 30));

  /* A viewer sees everything and can change nothing. */
  assert_button_insensitive (GTK_WIDGET (window), "win.pair");
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (page))));
  spin (50);
  assert_button_insensitive (GTK_WIDGET (page), "devices.delete");
  assert_button_insensitive (GTK_WIDGET (page), "devices.add-to-group");

  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_true (wait_for (detail_is_mapped, detail, 10));
  name_row = _vz_device_detail_get_name_row (detail);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Lobby Left");
  g_assert_false (gtk_widget_is_sensitive (name_row));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (_vz_device_detail_get_screenshot_button (detail))));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- bulk actions ---- */

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
groups_show (gpointer data)
{
  NameWanted *want = data;
  g_autoptr(GPtrArray) groups = visible_cells (want->page, "vz-cell-group");

  if (groups->len != 2)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (g_ptr_array_index (groups, i), want->name) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
two_rows (gpointer data)
{
  g_autoptr(GPtrArray) names = visible_cells (data, "vz-cell-name");

  return names->len == 2;
}

static gboolean
page_is_empty (gpointer data)
{
  return g_strcmp0 (_vz_devices_page_get_state (data), "empty") == 0;
}

/* The toast after an Undo that could not be done: a reason, not "Undone". */
static gboolean
toast_says_cannot (gpointer data)
{
  const char *toast = _vz_window_get_last_toast (data);

  return toast != NULL && !g_str_has_prefix (toast, "Undone") && strstr (toast, "cannot") != NULL;
}

static gboolean
toast_says_deleted_two (gpointer data)
{
  return g_strcmp0 (_vz_window_get_last_toast (data), "Deleted 2 screens") == 0;
}

static gboolean
server_has_no_screens (gpointer data)
{
  ServerWanted *want = data;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *page;

  if (vz_test_server_request (want->server, "GET", "/displays", want->token, NULL, &body) != 200)
    return FALSE;
  page = json_object_get_object_member (json_node_get_object (body), "data");
  return json_array_get_length (json_object_get_array_member (page, "data")) == 0;
}

static void
test_bulk_actions (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id1 = vz_test_server_pair_screen (server, token, "Hall A", NULL);
  g_autofree char *id2 = vz_test_server_pair_screen (server, token, "Hall B", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(JsonNode) body = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  GtkSelectionModel *rows = gtk_column_view_get_model (_vz_devices_page_get_column_view (page));
  NameWanted grouped = { page, "Second Floor" };
  ServerWanted on_server = { server, token, NULL, NULL };
  AdwMessageDialog *dialog;
  GtkWidget *name_row;
  JsonObject *data;

  g_assert_true (wait_for (two_rows, page, 30));

  /* Both screens into a group made on the spot. */
  gtk_selection_model_select_all (rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.add-to-group", NULL));
  spin (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Add 2 Screens to a Group");
  /* No group exists yet, so the dialog offers a new one and waits for a name. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  name_row = find_widget_of_type (adw_message_dialog_get_extra_child (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Second Floor");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  /* What the button does: answer, then close. */
  adw_message_dialog_response (dialog, "add");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (groups_show, &grouped, 30));

  g_assert_cmpuint (vz_test_server_request (server, "GET", "/display-groups", token, NULL, &body), ==, 200);
  data = json_object_get_object_member (json_node_get_object (body), "data");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data, "data")), ==, 1);
  g_clear_pointer (&body, json_node_unref);

  /* Then both deleted, after the confirmation names the count. */
  spin (100);
  gtk_selection_model_select_all (rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.delete", NULL));
  spin (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  /* It asks in the words of the toast that follows, Undo included. */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 2 screens?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Undo brings them back"));
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (toast_says_deleted_two, window, 10));
  /* The rows go at once; the server follows when the queued delete lands. */
  g_assert_true (wait_for (page_is_empty, page, 30));
  g_assert_true (wait_for (server_has_no_screens, &on_server, 30));

  /* A delete that reached the server cannot be taken back; Undo says why. */
  g_assert_true (wait_for (engine_can_undo, engine, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (wait_for (toast_says_cannot, window, 10));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "empty");

  close_window (window);
  vz_sync_engine_stop (engine);
}

int
main (int   argc,
      char *argv[])
{
  devices_test_init (&argc, &argv);
  g_test_add_func ("/ui/devices/live-status", test_live_status);
  g_test_add_func ("/ui/devices/empty-state", test_empty_state);
  g_test_add_func ("/ui/devices/sort-order", test_sort_order);
  g_test_add_func ("/ui/devices/error-state", test_error_state);
  g_test_add_func ("/ui/devices/viewer", test_viewer);
  g_test_add_func ("/ui/devices/bulk-actions", test_bulk_actions);
  g_test_add_func ("/ui/window/size", test_window_size);
  g_test_add_func ("/ui/window/welcome", test_welcome);
  g_test_add_func ("/ui/devices/pair-dialog", test_pair_dialog);
  g_test_add_func ("/ui/devices/detail-rename", test_detail_rename);
  g_test_add_func ("/ui/devices/screenshot", test_screenshot);
  g_test_add_func ("/ui/devices/detail-figures", test_detail_figures);
  g_test_add_func ("/ui/devices/detail-unknown-figures", test_detail_unknown_figures);
  return devices_test_run ();
}
