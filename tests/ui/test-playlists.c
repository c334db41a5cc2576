/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-content-page.h"
#include "vz-content-picker.h"
#include "vz-web-page-dialog.h"
#include "vz-playlist-editor.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "vz-playlists-page.h"
#include "vz-window.h"
#include "vz-window-private.h"
#include "vz-ui-test-util.h"
#include "test-playlists-util.h"

/*
 * The Playlists page against the real vizora-server, with real pointer and
 * key events (xdotool through Xvfb): the list with its counts, an item
 * dragged to another place (and back with Undo), Alt+Down, adding content
 * from the picker and removing an item. What the server holds is read back
 * over HTTP each time.
 */

typedef struct {
  VzDevicesPage *page;
  const char    *name;
} CellWanted;

static gboolean
playlist_cell_is (gpointer data)
{
  CellWanted *want = data;
  g_autoptr(GPtrArray) cells = visible_cells (want->page, "vz-cell-playlist");

  return cells->len == 1 && g_strcmp0 (g_ptr_array_index (cells, 0), want->name) == 0;
}

static gboolean
picker_lists_one (gpointer data)
{
  VzContentPicker *picker = data;
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (vz_content_picker_get_list (picker)));

  return g_list_model_get_n_items (model) == 1;
}

/* The row at the place fx->want holds has the keyboard focus. */
static gboolean
focus_on_wanted_row (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *row = item_row (fx, GPOINTER_TO_UINT (fx->want));

  return row != NULL && gtk_widget_has_focus (row);
}

static void
test_playlists_page (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL, *beta = NULL, *gamma = NULL, *delta = NULL;
  g_autofree char *evening = NULL;
  g_autofree char *screen = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *screen_path = NULL;
  VzContentPicker *picker;
  DropLine line = { 0 };

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  beta = create_content (fx, "Beta");
  gamma = create_content (fx, "Gamma");
  delta = create_content (fx, "Delta");
  {
    const char *morning_items[] = { alpha, beta, gamma, NULL };
    const char *evening_items[] = { delta, NULL };

    gint64 morning_done;

    fx->playlist_id = create_playlist (fx, "Morning", morning_items);
    /* The server keeps when each was made to the millisecond: two made in
     * the same one would have no newest. */
    morning_done = g_get_real_time () / 1000;
    while (g_get_real_time () / 1000 <= morning_done)
      g_usleep (200);
    evening = create_playlist (fx, "Evening", evening_items);
  }
  /* One screen plays Morning. */
  screen = vz_test_server_pair_screen (fx->server, fx->token, "Lobby", NULL);
  screen_path = g_strdup_printf ("/displays/%s", screen);
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", fx->playlist_id);
  g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", screen_path, fx->token, assign, NULL), ==, 200);

  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1200, 800);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);

  /* The screen's Playlist cell names its playlist. */
  {
    CellWanted lobby = { vz_window_get_devices_page (fx->window), "Morning" };

    g_autofree char *path = g_strdup_printf ("/playlists/%s", fx->playlist_id);

    g_assert_true (wait_for (playlist_cell_is, &lobby, 30));
    /* And follows a rename made elsewhere. */
    g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", path, fx->token, "{\"name\":\"Breakfast\"}", NULL),
                      ==, 200);
    lobby.name = "Breakfast";
    g_assert_true (wait_for (playlist_cell_is, &lobby, 30));
    g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", path, fx->token, "{\"name\":\"Morning\"}", NULL),
                      ==, 200);
    lobby.name = "Morning";
    g_assert_true (wait_for (playlist_cell_is, &lobby, 30));
  }

  /* The sidebar lists the pages, each a row of its list. */
  {
    GtkListBox *sidebar = _vz_window_get_sidebar (fx->window);
    const char *pages[] = { "devices", "playlists", "content", "schedules", "health", "analytics" };

    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (sidebar), "navigation-sidebar"));
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (sidebar, (int) i);

        g_assert_nonnull (row);
        g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (row)), ==, pages[i]);
        g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
      }
    g_assert_null (gtk_list_box_get_row_at_index (sidebar, G_N_ELEMENTS (pages)));
  }

  /* The sidebar's Playlists row shows the page. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (fx->page)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, fx->page, 10));

  /* Newest first, with counts, the total duration (each item plays the
   * content's 10 s) and the screens that play it. */
  fx->want = "Evening: 1 item · 0:10 · 0 screens|Morning: 3 items · 0:30 · 1 screen";
  g_assert_true (wait_for (list_reads, fx, 30));

  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  spin (500);
  save_screenshot ("playlists-page.png");

  /* The first item dragged onto the lower half of the third: the line
   * shows below it, and it goes there. */
  watch_drop_line (fx, &line);
  drag_row (fx, item_row (fx, 0), item_row (fx, 2), 0.75);
  unwatch_drop_line (fx, &line);
  g_assert_cmpuint (line.frames, >, 0);
  g_assert_cmpuint (line.gap, ==, 3);
  g_assert_false (drop_line_at (fx, &line.gap));
  fx->want = "Beta|Gamma|Alpha";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  /* The keyboard focus went with it to its new place. */
  fx->want = GUINT_TO_POINTER (2);
  g_assert_true (wait_for (focus_on_wanted_row, fx, 10));

  /* Undo puts it back, on the server too. */
  g_assert_true (wait_for (nothing_pending, fx, 30));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL));
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 30));

  /* Alt+Down on the focused item moves it one down; the focus stays on it. */
  gtk_widget_grab_focus (item_row (fx, 0));
  spin (200);
  {
    const char *args[] = { "key", "alt+Down", NULL };

    pl_xdotool (args);
  }
  fx->want = "Beta|Alpha|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  fx->want = GUINT_TO_POINTER (1);
  g_assert_true (wait_for (focus_on_wanted_row, fx, 10));

  /* Added from the picker, found by a search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->editor), "editor.add-content", NULL));
  g_assert_true (wait_for (ui_toplevel_shown, GSIZE_TO_POINTER (VZ_TYPE_CONTENT_PICKER), 10));
  picker = VZ_CONTENT_PICKER (ui_find_toplevel (VZ_TYPE_CONTENT_PICKER));
  g_assert_nonnull (picker);
  gtk_editable_set_text (vz_content_picker_get_search (picker), "delt");
  g_assert_true (wait_for (picker_lists_one, picker, 5));
  g_signal_emit_by_name (vz_content_picker_get_list (picker), "activate", 0);
  fx->want = "Beta|Alpha|Gamma|Delta";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_null (ui_find_toplevel (VZ_TYPE_CONTENT_PICKER));

  /* Removed with the row's menu verb. */
  g_assert_true (wait_for (nothing_pending, fx, 30));
  g_assert_true (gtk_widget_activate_action (item_row (fx, 0), "row.remove", NULL));
  fx->want = "Alpha|Gamma|Delta";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));

  fixture_close (fx);
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Out of sight once the leaflet's slide has ended. */
static gboolean
unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

/*
 * At 360 px the window shows the sidebar or the page, and the page shows
 * the list or the editor, with a way back; nothing makes the window wider.
 */
static void
test_playlists_narrow (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL;
  GtkWidget *list;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  {
    const char *items[] = { alpha, NULL };

    fx->playlist_id = create_playlist (fx, "Morning", items);
  }
  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 800, 720);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  list = GTK_WIDGET (vz_playlists_page_get_list (fx->page));
  g_assert_true (wait_for (mapped, ui_window_content (GTK_WINDOW (fx->window)), 10));
  x_resize (GTK_WINDOW (fx->window), 360, 720);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  fx->want = "Morning: 1 item · 0:10 · 0 screens";
  g_assert_true (wait_for (list_reads, fx, 30));
  g_assert_true (wait_for (mapped, list, 10));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (fx->editor)));

  vz_playlists_page_select (fx->page, fx->playlist_id);
  g_assert_true (wait_for (mapped, fx->editor, 10));
  g_assert_true (wait_for (unmapped, list, 10));
  fx->want = "Alpha";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  spin (300);
  save_screenshot ("playlists-narrow.png");
  g_assert_cmpint (gtk_widget_get_width (ui_window_content (GTK_WINDOW (fx->window))), ==, 360);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->page), "playlists.back", NULL));
  g_assert_true (wait_for (mapped, list, 10));

  fixture_close (fx);
}

static gboolean
shown_count_is (gpointer data)
{
  Fixture *fx = data;
  VzContentPage *page = vz_window_get_content_page (fx->window);

  return g_list_model_get_n_items (vz_content_page_get_shown (page)) == GPOINTER_TO_UINT (fx->want);
}

static gboolean
server_has_content (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data_object = vz_test_server_data (fx->server, "GET", "/content?search=Weather", fx->token, NULL, 200,
                                                 &keep);
  JsonArray *items = json_object_get_array_member (data_object, "data");

  return items != NULL && json_array_get_length (items) == 1 &&
         g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, 0), "name"),
                    "Weather") == 0;
}

/*
 * The Content page: the library in a grid, narrowed by a search; a web page
 * added from its dialog lands on the server and in the grid.
 */
static void
test_content_page (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL, *beta = NULL;
  VzContentPage *page;
  VzWebPageDialog *dialog;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  beta = create_content (fx, "Beta");
  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1200, 800);
  page = vz_window_get_content_page (fx->window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "content"));
  g_assert_true (wait_for (mapped, page, 10));
  fx->want = GUINT_TO_POINTER (2);
  g_assert_true (wait_for (shown_count_is, fx, 30));

  gtk_editable_set_text (vz_content_page_get_search (page), "alp");
  fx->want = GUINT_TO_POINTER (1);
  g_assert_true (wait_for (shown_count_is, fx, 5));
  gtk_editable_set_text (vz_content_page_get_search (page), "");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "content.add-web-page", NULL));
  g_assert_true (wait_for (ui_toplevel_shown, GSIZE_TO_POINTER (VZ_TYPE_WEB_PAGE_DIALOG), 10));
  dialog = VZ_WEB_PAGE_DIALOG (ui_find_toplevel (VZ_TYPE_WEB_PAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  gtk_editable_set_text (vz_web_page_dialog_get_name (dialog), "Weather");
  gtk_editable_set_text (vz_web_page_dialog_get_url (dialog), "https://example.com/weather");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (server_has_content, fx, 30));
  fx->want = GUINT_TO_POINTER (3);
  g_assert_true (wait_for (shown_count_is, fx, 30));
  spin (300);
  save_screenshot ("content-page.png");

  fx->want = NULL;
  fixture_close (fx);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/playlists/page", test_playlists_page);
  g_test_add_func ("/ui/playlists/narrow", test_playlists_narrow);
  g_test_add_func ("/ui/content/page", test_content_page);
}

int
main (int   argc,
      char *argv[])
{
  return pl_test_main (argc, argv, "ui-playlists", add_tests);
}
