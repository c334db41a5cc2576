/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-device-detail-private.h"
#include "vz-playlist-resource.h"
#include "vz-playlist-screens-dialog.h"
#include "vz-screen-choice.h"
#include "vz-screen-choice-row.h"
#include "vz-window-private.h"
#include "test-playlists-util.h"

/*
 * Giving screens a playlist from the Devices page, against the real
 * vizora-server with real clicks (xdotool through Xvfb): the screen's pane
 * chooses one from its Playlist row; the bulk bar's Assign Playlist… gives
 * one to every selected screen as one change, one toast and one Undo that
 * gives each screen its own back. What the server holds is read over HTTP.
 */

typedef struct {
  Fixture        fx;
  VzDevicesPage *devices;
  const char    *ids[4];        /* the screens: Lobby, Hall, Desk */
  const char    *want_ids[4];   /* the playlist each should have (NULL: none) */
  char          *alpha;         /* a content item, and two playlists of it */
  char          *morning;
  char          *evening;
  GPtrArray     *owned_ids;     /* of char*, what ids holds */
} Assign;

static const char *screen_names[] = { "Lobby", "Hall", "Desk" };

/* The server with Alpha, the playlists Morning and Evening of it, and the
 * screens Lobby, Hall and Desk, none of which plays anything yet. */
static void
assign_start (Assign *a)
{
  Fixture *fx = &a->fx;
  const char *items[] = { NULL, NULL };

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  a->alpha = create_content (fx, "Alpha");
  items[0] = a->alpha;
  a->morning = create_playlist (fx, "Morning", items);
  a->evening = create_playlist (fx, "Evening", items);
  a->owned_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (screen_names); i++)
    {
      g_ptr_array_add (a->owned_ids, vz_test_server_pair_screen (fx->server, fx->token, screen_names[i], NULL));
      a->ids[i] = g_ptr_array_index (a->owned_ids, i);
    }
}

static void
assign_close (Assign *a)
{
  a->fx.want = NULL;
  fixture_close (&a->fx);
  g_clear_pointer (&a->alpha, g_free);
  g_clear_pointer (&a->morning, g_free);
  g_clear_pointer (&a->evening, g_free);
  g_clear_pointer (&a->owned_ids, g_ptr_array_unref);
}

/* Whether every screen has the playlist want_ids names, on the server. */
static gboolean
server_playlists_are (gpointer data)
{
  Assign *a = data;

  for (guint i = 0; a->ids[i] != NULL; i++)
    {
      g_autoptr(JsonNode) keep = NULL;
      g_autofree char *path = g_strdup_printf ("/displays/%s", a->ids[i]);
      JsonObject *display = vz_test_server_data (a->fx.server, "GET", path, a->fx.token, NULL, 200, &keep);
      JsonNode *node = json_object_get_member (display, "currentPlaylistId");
      const char *has = node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_get_string (node) : NULL;

      if (g_strcmp0 (has, a->want_ids[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The Playlist cells, in the list's order (by name: Desk, Hall, Lobby), "|" between. */
static char *
playlist_cells (Assign *a)
{
  g_autoptr(GPtrArray) cells = visible_cells (a->devices, "vz-cell-playlist");

  g_ptr_array_add (cells, NULL);
  return g_strjoinv ("|", (char **) cells->pdata);
}

static gboolean
playlist_cells_are (gpointer data)
{
  Assign *a = data;
  g_autofree char *cells = playlist_cells (a);

  return g_strcmp0 (cells, a->fx.want) == 0;
}

static void
wait_cells (Assign     *a,
            const char *cells)
{
  a->fx.want = cells;
  if (!wait_for (playlist_cells_are, a, 20))
    {
      g_autofree char *shown = playlist_cells (a);

      g_assert_cmpstr (shown, ==, cells);
    }
}

static gboolean
is_label (GtkWidget     *widget,
          gconstpointer  text)
{
  return gtk_widget_get_mapped (widget) && GTK_IS_LABEL (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_name_cell (GtkWidget     *widget,
              gconstpointer  name)
{
  return is_label (widget, name) && gtk_widget_has_css_class (widget, "vz-cell-name");
}

/* The name the row shows for its selected choice. */
static const char *
row_choice (AdwComboRow *row)
{
  GObject *item = adw_combo_row_get_selected_item (row);

  if (VZ_IS_PLAYLIST (item))
    return vz_playlist_get_name (VZ_PLAYLIST (item));
  if (GTK_IS_STRING_OBJECT (item))
    return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  return NULL;
}

static gboolean
row_choice_is (gpointer data)
{
  Assign *a = data;
  VzDeviceDetail *detail = _vz_devices_page_get_detail (a->devices);

  return g_strcmp0 (row_choice (_vz_device_detail_get_playlist_row (detail)), a->fx.want) == 0;
}

static gboolean
choice_shown (gpointer data)
{
  gpointer *want = data;

  return ui_find_widget (want[0], is_label, want[1]) != NULL;
}

static gboolean
row_shows (gpointer data)
{
  gpointer *want = data;

  return g_strcmp0 (row_choice (want[0]), want[1]) == 0;
}

/* Opens the combo row's list with a click and clicks @name in it; the row
 * shows it then. */
static void
choose_in_row (AdwComboRow *row,
               const char  *name)
{
  GtkWidget *choice;

  gpointer want[] = { row, (gpointer) name };

  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, row, 10));
  x_click (GTK_WIDGET (row), NULL, 1);
  g_assert_true (wait_for (choice_shown, want, 10));
  choice = ui_find_widget (GTK_WIDGET (row), is_label, name);
  g_assert_nonnull (choice);
  x_click (choice, NULL, 1);
  if (!wait_for (row_shows, want, 10))
    g_assert_cmpstr (row_choice (row), ==, name);
}

static gboolean
engine_has_playlist (gpointer data)
{
  Fixture *fx = data;

  return vz_store_lookup (vz_sync_engine_get_playlists (fx->engine), fx->want) != NULL;
}

static gboolean
engine_lacks_playlist (gpointer data)
{
  return !engine_has_playlist (data);
}

static gboolean
dialog_gone (gpointer data)
{
  return ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static void
test_assign (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Assign assign = { 0 };
  Assign *a = &assign;
  Fixture *fx = &a->fx;
  const char *alpha, *morning, *evening;
  g_autofree char *night = NULL;
  VzDeviceDetail *detail;
  AdwComboRow *row;
  AdwMessageDialog *dialog;
  AdwComboRow *dialog_row;

  assign_start (a);
  alpha = a->alpha;
  morning = a->morning;
  evening = a->evening;

  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1280, 800);
  a->devices = vz_window_get_devices_page (fx->window);
  wait_cells (a, "No playlist|No playlist|No playlist");
  g_assert_true (server_playlists_are (a));
  /* Mapped, laid out and drawn: where the pointer goes is what shows. */
  spin (500);

  /* The pane's Playlist row: a click on the row, a click on "Morning". */
  x_click (ui_find_widget (GTK_WIDGET (_vz_devices_page_get_column_view (a->devices)), is_name_cell, "Lobby"),
           NULL, 1);
  detail = _vz_devices_page_get_detail (a->devices);
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, detail, 10));
  g_assert_cmpstr (vz_display_get_nickname (vz_device_detail_get_display (detail)), ==, "Lobby");
  row = _vz_device_detail_get_playlist_row (detail);
  fx->want = "No playlist";
  g_assert_true (wait_for (row_choice_is, a, 10));
  choose_in_row (row, "Morning");
  a->want_ids[0] = morning;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  wait_toast (fx, "Changed the playlist of “Lobby”");
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* A playlist made elsewhere moves the row's choices (newest first): the
   * row stays on the screen's playlist and nothing is sent. */
  {
    const char *items[] = { alpha, NULL };

    night = create_playlist (fx, "Night", items);
  }
  fx->want = night;
  g_assert_true (wait_for (engine_has_playlist, fx, 20));
  spin (300);
  fx->want = "Morning";
  g_assert_true (row_choice_is (a));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 0);
  g_assert_true (server_playlists_are (a));

  /* With the pane closed (Escape) the list has room for the Playlist column. */
  x_keys (GTK_WINDOW (fx->window), "Escape");
  wait_cells (a, "No playlist|No playlist|Morning");

  /* Assign Playlist… for the three: one change, one toast, one Undo. */
  g_assert_true (gtk_selection_model_select_range (gtk_column_view_get_model (_vz_devices_page_get_column_view (a->devices)),
                                                   0, 3, TRUE));
  g_assert_true (wait_for ((Condition) vz_bulk_bar_get_revealed, _vz_devices_page_get_bulk_bar (a->devices), 10));
  {
    g_autofree char *verb = vz_bulk_bar_dup_verb (_vz_devices_page_get_bulk_bar (a->devices),
                                                  "devices.assign-playlist");
    GtkWidget *button = ui_find_action_button (GTK_WIDGET (_vz_devices_page_get_bulk_bar (a->devices)),
                                               "devices.assign-playlist");

    g_assert_cmpstr (verb, ==, "Assign a Playlist to 3 Screens…");
    g_assert_nonnull (button);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, verb);
    if (gtk_widget_get_mapped (button))
      x_click (button, NULL, 1);
    else
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a->devices), "devices.assign-playlist", NULL));
  }
  g_assert_true (wait_for (ui_toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10));
  dialog = ADW_MESSAGE_DIALOG ((GtkWindow *) ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Assign a Playlist to 3 Screens");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "assign"), ==, "_Assign to 3 Screens");
  dialog_row = ADW_COMBO_ROW (ui_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW));
  g_assert_nonnull (dialog_row);
  /* They play different playlists: the first of the list is offered. */
  {
    g_autoptr(VzPlaylist) first = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_playlists (fx->engine)), 0);

    g_assert_cmpstr (row_choice (dialog_row), ==, vz_playlist_get_name (first));
  }
  choose_in_row (dialog_row, "Evening");
  g_assert_cmpstr (row_choice (dialog_row), ==, "Evening");
  adw_message_dialog_response (dialog, "assign");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (dialog_gone, NULL, 5));

  wait_toast (fx, "Changed the playlist of 3 screens");
  wait_cells (a, "Evening|Evening|Evening");
  a->want_ids[0] = a->want_ids[1] = a->want_ids[2] = evening;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  fx->want = "Evening";
  g_assert_true (wait_for (row_choice_is, a, 10));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* One Undo gives each its own back: Lobby its Morning, the others none. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL));
  wait_cells (a, "No playlist|No playlist|Morning");
  a->want_ids[0] = morning;
  a->want_ids[1] = a->want_ids[2] = NULL;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  fx->want = "Morning";
  g_assert_true (wait_for (row_choice_is, a, 10));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* "No playlist" in the pane takes it away. The click that leaves the
   * selection of three for Lobby alone is tried again if a busy machine let
   * it land while the rows were still moving after the Undo. */
  for (guint attempt = 0; attempt < 3 && !gtk_widget_get_mapped (GTK_WIDGET (row)); attempt++)
    {
      x_click (ui_find_widget (GTK_WIDGET (_vz_devices_page_get_column_view (a->devices)), is_name_cell, "Lobby"),
               NULL, 1);
      wait_for ((Condition) gtk_widget_get_mapped, row, 5);
    }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
  spin (300);
  choose_in_row (row, "No playlist");
  a->want_ids[0] = NULL;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* The screen's playlist deleted elsewhere: the row's list loses the
   * choice it showed, which is not a choice of another playlist. */
  choose_in_row (row, "Night");
  a->want_ids[0] = night;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  g_assert_true (wait_for (nothing_pending, fx, 20));
  {
    g_autofree char *path = g_strdup_printf ("/playlists/%s", night);

    g_assert_cmpuint (vz_test_server_request (fx->server, "DELETE", path, fx->token, NULL, NULL), ==, 200);
  }
  fx->want = night;
  g_assert_true (wait_for (engine_lacks_playlist, fx, 20));
  spin (500);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 0);
  a->want_ids[0] = NULL;
  g_assert_true (server_playlists_are (a));
  /* Until the app reads the screen again it knows no such playlist. */
  if (g_strcmp0 (vz_display_get_current_playlist_id (vz_device_detail_get_display (detail)), night) == 0)
    g_assert_null (row_choice (row));
  vz_sync_engine_refresh (fx->engine);
  fx->want = "No playlist";
  g_assert_true (wait_for (row_choice_is, a, 20));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 0);
  x_keys (GTK_WINDOW (fx->window), "Escape");
  wait_cells (a, "No playlist|No playlist|No playlist");

  assign_close (a);
}

/* The dialog's screens, "name: detail [x]" in the order shown, "|" between. */
static char *
dialog_choices (VzPlaylistScreensDialog *dialog)
{
  GListModel *choices = vz_playlist_screens_dialog_get_choices (dialog);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(VzScreenChoice) choice = g_list_model_get_item (choices, i);

      g_string_append_printf (out, "%s%s: %s%s", i > 0 ? "|" : "", vz_screen_choice_get_name (choice),
                              vz_screen_choice_get_detail (choice), vz_screen_choice_get_chosen (choice) ? " [x]" : "");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_choice_row (GtkWidget     *widget,
               gconstpointer  name)
{
  VzScreenChoice *choice;

  if (!VZ_IS_SCREEN_CHOICE_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  choice = vz_screen_choice_row_get_choice (VZ_SCREEN_CHOICE_ROW (widget));
  return choice != NULL && g_strcmp0 (vz_screen_choice_get_name (choice), name) == 0;
}

static GtkWidget *
choice_check (VzPlaylistScreensDialog *dialog,
              const char              *name)
{
  GtkWidget *row = ui_find_widget (GTK_WIDGET (vz_playlist_screens_dialog_get_list (dialog)), is_choice_row, name);

  return row != NULL ? GTK_WIDGET (vz_screen_choice_row_get_check (VZ_SCREEN_CHOICE_ROW (row))) : NULL;
}

static gboolean
screen_choice_shown (gpointer data)
{
  gpointer *want = data;

  return choice_check (want[0], want[1]) != NULL;
}

static gboolean
screen_choice_hidden (gpointer data)
{
  return !screen_choice_shown (data);
}

static gboolean
choices_are (gpointer data)
{
  gpointer *want = data;
  g_autofree char *shown = dialog_choices (want[0]);

  return g_strcmp0 (shown, want[1]) == 0;
}

static void
wait_choices (VzPlaylistScreensDialog *dialog,
              const char              *text)
{
  gpointer want[] = { dialog, (gpointer) text };

  if (!wait_for (choices_are, want, 10))
    {
      g_autofree char *shown = dialog_choices (dialog);

      g_assert_cmpstr (shown, ==, text);
    }
}

static gboolean
screens_dialog_up (gpointer data)
{
  GtkWidget *dialog = ui_find_toplevel (VZ_TYPE_PLAYLIST_SCREENS_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

static gboolean
screens_dialog_gone (gpointer data)
{
  return ui_find_toplevel (VZ_TYPE_PLAYLIST_SCREENS_DIALOG) == NULL;
}

static gboolean
label_ends_with (GtkWidget     *widget,
                 gconstpointer  text)
{
  return gtk_widget_get_mapped (widget) && GTK_IS_LABEL (widget) &&
         g_str_has_suffix (gtk_label_get_label (GTK_LABEL (widget)), text);
}

static gboolean
details_say (gpointer data)
{
  Fixture *fx = data;

  return ui_find_widget (GTK_WIDGET (fx->editor), label_ends_with, fx->want) != NULL;
}

/* The editor's details line ends with @text ("on 2 screens"). */
static void
wait_details (Fixture    *fx,
              const char *text)
{
  fx->want = text;
  g_assert_true (wait_for (details_say, fx, 20));
}

/* The playlist's Screens…: every screen with a check for those that play the
 * playlist, searchable; Apply gives it to the ticked ones and none to the
 * others that played it, as one change with one Undo. Real clicks and keys. */
static void
test_editor_screens (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Assign assign = { 0 };
  Assign *a = &assign;
  Fixture *fx = &a->fx;
  const char *morning, *evening;
  VzPlaylistScreensDialog *dialog;
  GtkWidget *button;

  assign_start (a);
  morning = a->morning;
  evening = a->evening;
  /* Lobby plays Morning, Hall Evening, Desk nothing. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/displays/%s", a->ids[i]);
      g_autofree char *body = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", i == 0 ? morning : evening);

      g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", path, fx->token, body, NULL), ==, 200);
    }
  a->want_ids[0] = morning;
  a->want_ids[1] = evening;
  g_assert_true (server_playlists_are (a));

  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1280, 800);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  fx->want = morning;
  g_assert_true (wait_for (engine_has_playlist, fx, 20));
  vz_playlists_page_select (fx->page, morning);
  wait_details (fx, "on 1 screen");
  spin (300);

  button = ui_find_action_button (GTK_WIDGET (fx->page), "playlists.choose-screens");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Choose the screens that play this playlist");
  x_click (button, NULL, 1);
  g_assert_true (wait_for (screens_dialog_up, NULL, 10));
  dialog = VZ_PLAYLIST_SCREENS_DIALOG (ui_find_toplevel (VZ_TYPE_PLAYLIST_SCREENS_DIALOG));
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, dialog, 10));
  /* By name, each with what it plays now; Lobby ticked. */
  wait_choices (dialog, "Desk: plays no playlist|Hall: plays “Evening”|Lobby: plays “Morning” [x]");
  {
    gpointer want[] = { dialog, (gpointer) "Desk" };

    g_assert_true (wait_for (screen_choice_shown, want, 10));
  }
  g_assert_true (ui_find_widget (GTK_WIDGET (dialog), is_label, "1 of 3 screens will play this playlist") != NULL);
  spin (300);

  /* The search narrows the list; a click ticks Hall. */
  gtk_editable_set_text (vz_playlist_screens_dialog_get_search (dialog), "hal");
  {
    gpointer want[] = { dialog, (gpointer) "Desk" };

    g_assert_true (wait_for (screen_choice_hidden, want, 10));
  }
  {
    gpointer want[] = { dialog, (gpointer) "Hall" };

    g_assert_true (wait_for (screen_choice_shown, want, 10));
  }
  spin (200);
  x_click (choice_check (dialog, "Hall"), NULL, 1);
  wait_choices (dialog, "Desk: plays no playlist|Hall: plays “Evening” [x]|Lobby: plays “Morning” [x]");
  gtk_editable_set_text (vz_playlist_screens_dialog_get_search (dialog), "");
  {
    gpointer want[] = { dialog, (gpointer) "Lobby" };

    g_assert_true (wait_for (screen_choice_shown, want, 10));
  }
  spin (200);
  /* A click unticks Lobby; Desk by the keyboard (focused, Space). */
  x_click (choice_check (dialog, "Lobby"), NULL, 1);
  gtk_widget_grab_focus (choice_check (dialog, "Desk"));
  x_keys (GTK_WINDOW (dialog), "space");
  wait_choices (dialog, "Desk: plays no playlist [x]|Hall: plays “Evening” [x]|Lobby: plays “Morning”");
  g_assert_true (ui_find_widget (GTK_WIDGET (dialog), is_label, "2 of 3 screens will play this playlist") != NULL);
  save_screenshot ("playlist-screens.png");
  /* Nothing is sent before Apply. */
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 0);
  g_assert_true (server_playlists_are (a));

  x_click (ui_find_action_button (GTK_WIDGET (dialog), "screens.apply"), NULL, 1);
  g_assert_true (wait_for (screens_dialog_gone, NULL, 10));
  wait_toast (fx, "Changed the playlist of 3 screens");
  wait_details (fx, "on 2 screens");
  a->want_ids[0] = NULL;
  a->want_ids[1] = a->want_ids[2] = morning;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* One Undo gives each its own back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL));
  wait_details (fx, "on 1 screen");
  a->want_ids[0] = morning;
  a->want_ids[1] = evening;
  a->want_ids[2] = NULL;
  g_assert_true (wait_for (server_playlists_are, a, 20));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* Cancel sends nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->page), "playlists.choose-screens", NULL));
  g_assert_true (wait_for (screens_dialog_up, NULL, 10));
  dialog = VZ_PLAYLIST_SCREENS_DIALOG (ui_find_toplevel (VZ_TYPE_PLAYLIST_SCREENS_DIALOG));
  wait_choices (dialog, "Desk: plays no playlist|Hall: plays “Evening”|Lobby: plays “Morning” [x]");
  {
    g_autoptr(VzScreenChoice) desk = g_list_model_get_item (vz_playlist_screens_dialog_get_choices (dialog), 0);

    vz_screen_choice_set_chosen (desk, TRUE);
  }
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, dialog, 10));
  x_keys (GTK_WINDOW (dialog), "Escape");
  g_assert_true (wait_for (screens_dialog_gone, NULL, 10));
  spin (300);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 0);
  g_assert_true (server_playlists_are (a));
  wait_details (fx, "on 1 screen");

  assign_close (a);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/playlists/assign", test_assign);
  g_test_add_func ("/ui/playlists/editor-screens", test_editor_screens);
}

int
main (int   argc,
      char *argv[])
{
  return pl_test_main (argc, argv, "ui-playlists-assign", add_tests);
}
