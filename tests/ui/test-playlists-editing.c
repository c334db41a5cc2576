/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-content-page.h"
#include "vz-content-upload.h"
#include "vz-playlist-resource.h"
#include "vz-playlist-name-dialog.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "vz-pending-popover-private.h"
#include "vz-window-private.h"
#include "test-playlists-util.h"

/*
 * The Playlists page's verbs against the real vizora-server, with real
 * clicks, keys and drags (xdotool through Xvfb): New Playlist…, Rename…,
 * Duplicate, Delete (and its Undo while offline), Loop, an item's
 * duration, Alt+Home and Alt+End, the list scrolling while an item is held
 * near its edge, and content dragged in from the Content page of another
 * window. What the server holds is read back over HTTP each time.
 */

/* ---- the server ---- */

static JsonObject *
server_playlist (Fixture     *fx,
                 const char  *id,
                 JsonNode   **keep)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", id);

  return vz_test_server_data (fx->server, "GET", path, fx->token, NULL, 200, keep);
}

/* The id of the playlist named @name on the server, or NULL (transfer full). */
static char *
server_playlist_named (Fixture    *fx,
                       const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (fx->server, "GET", "/playlists", fx->token, NULL, 200, &keep);
  JsonArray *list = json_object_get_array_member (data, "data");

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *playlist = json_array_get_object_element (list, i);

      if (g_strcmp0 (json_object_get_string_member (playlist, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (playlist, "id"));
    }
  return NULL;
}

static gboolean
server_has_named (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *id = server_playlist_named (fx, fx->want);

  return id != NULL;
}

static gboolean
server_lacks_named (gpointer data)
{
  return !server_has_named (data);
}

static gboolean
server_loop_is (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *playlist = server_playlist (fx, fx->playlist_id, &keep);

  return json_object_get_boolean_member (playlist, "loop") == GPOINTER_TO_INT (fx->want);
}

/* The item of content @name's own duration on the server (0: none of its own). */
static gint64
server_item_duration (Fixture    *fx,
                      const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonArray *items = json_object_get_array_member (server_playlist (fx, fx->playlist_id, &keep), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonNode *duration = json_object_get_member (item, "duration");

      if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (item, "content"), "name"),
                     name) == 0)
        return duration != NULL && !JSON_NODE_HOLDS_NULL (duration) ? json_node_get_int (duration) : 0;
    }
  return -1;
}

static gboolean
beta_lasts_25 (gpointer data)
{
  return server_item_duration (data, "Beta") == 25;
}

static gboolean
two_pending (gpointer data)
{
  return vz_sync_engine_get_pending_count (((Fixture *) data)->engine) == 2;
}

static gboolean
row_shows_thumbnail (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *row = item_row (fx, GPOINTER_TO_UINT (fx->want));

  return row != NULL && vz_playlist_item_row_shows_thumbnail (VZ_PLAYLIST_ITEM_ROW (row));
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* A small PNG picture in a file of its own (transfer full). */
static GFile *
write_png (const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 40);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vz-playlists-png-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  return g_file_new_for_path (path);
}

/* ---- the page ---- */

static gboolean
editor_shows (gpointer data)
{
  Fixture *fx = data;
  VzPlaylist *playlist = vz_playlist_editor_get_playlist (fx->editor);

  return playlist != NULL && g_strcmp0 (vz_playlist_get_name (playlist), fx->want) == 0;
}

static gboolean
list_has_row (Fixture    *fx,
              const char *name)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (vz_playlists_page_get_list (fx->page), i)) != NULL; i++)
    if (g_strcmp0 (vz_playlist_get_name (vz_playlist_row_get_playlist (VZ_PLAYLIST_ROW (row))), name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
list_has (gpointer data)
{
  Fixture *fx = data;

  return list_has_row (fx, fx->want);
}

static gboolean
list_lacks (gpointer data)
{
  return !list_has (data);
}

static gboolean
shown (gpointer data)
{
  return data != NULL && gtk_widget_get_mapped (data);
}

static gboolean
toplevel_gone (gpointer data)
{
  return ui_find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

/* Clicks the page's button for @action. */
static void
click_action (Fixture    *fx,
              const char *action)
{
  GtkWidget *button = ui_find_action_button (GTK_WIDGET (fx->page), action);

  g_assert_nonnull (button);
  g_assert_true (wait_for (shown, button, 10));
  g_assert_true (gtk_widget_is_sensitive (button));
  x_click (button, NULL, 1);
  spin (300);
}

/* In the name dialog: a click in the name, all of it replaced by @name
 * as typed, then Enter. */
static void
type_name (const char *name)
{
  VzPlaylistNameDialog *dialog = VZ_PLAYLIST_NAME_DIALOG (ui_find_toplevel (VZ_TYPE_PLAYLIST_NAME_DIALOG));

  g_assert_nonnull (dialog);
  g_assert_true (wait_for (shown, vz_playlist_name_dialog_get_name (dialog), 10));
  /* A busy machine may still be laying the dialog out: the click waits
   * until the field stays where it is (a click where it was lands on a
   * button and closes the dialog). */
  for (guint tries = 0; tries < 25; tries++)
    {
      int x0, y0, x1, y1;

      point_on (GTK_WIDGET (vz_playlist_name_dialog_get_name (dialog)), 0.5, &x0, &y0);
      spin (200);
      point_on (GTK_WIDGET (vz_playlist_name_dialog_get_name (dialog)), 0.5, &x1, &y1);
      if (x0 == x1 && y0 == y1)
        break;
    }
  x_click (GTK_WIDGET (vz_playlist_name_dialog_get_name (dialog)), NULL, 1);
  x_keys (GTK_WINDOW (dialog), "ctrl+a BackSpace");
  {
    const char *args[] = { "type", "--delay", "30", name, NULL };

    pl_xdotool (args);
  }
  spin (200);
  g_assert_cmpstr (gtk_editable_get_text (vz_playlist_name_dialog_get_name (dialog)), ==, name);
  x_keys (GTK_WINDOW (dialog), "Return");
  g_assert_true (wait_for (toplevel_gone, GSIZE_TO_POINTER (VZ_TYPE_PLAYLIST_NAME_DIALOG), 5));
}

static void
open_fixture (Fixture       *fx,
              VzTestMonitor *monitor,
              int            height)
{
  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1100, height);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  g_assert_true (wait_for (shown, fx->page, 10));
}

/* ---- tests ---- */

/*
 * New Playlist…, Rename…, Duplicate and Delete, each from its button with
 * real clicks and typing. Deleting while offline is undone before it is
 * sent: the playlist comes back and the server never loses it.
 */
static void
test_manage (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL, *beta = NULL;
  g_autofree char *copy_id = NULL;
  AdwMessageDialog *dialog;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  beta = create_content (fx, "Beta");
  {
    const char *items[] = { alpha, beta, NULL };

    fx->playlist_id = create_playlist (fx, "Morning", items);
  }
  open_fixture (fx, monitor, 760);
  fx->want = "Morning: 2 items · 0:20 · 0 screens";
  g_assert_true (wait_for (list_reads, fx, 30));
  spin (300);

  /* New Playlist… */
  click_action (fx, "playlists.new");
  type_name ("Lunch");
  fx->want = "Lunch";
  g_assert_true (wait_for (server_has_named, fx, 20));
  g_assert_true (wait_for (editor_shows, fx, 20));
  g_assert_true (wait_for (list_has, fx, 10));

  /* Rename… starts with the name, and is one undoable change. */
  click_action (fx, "playlists.rename");
  {
    VzPlaylistNameDialog *named = VZ_PLAYLIST_NAME_DIALOG (ui_find_toplevel (VZ_TYPE_PLAYLIST_NAME_DIALOG));

    g_assert_nonnull (named);
    g_assert_cmpstr (gtk_editable_get_text (vz_playlist_name_dialog_get_name (named)), ==, "Lunch");
    g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (named), "create"), ==, "_Rename");
  }
  type_name ("Dinner");
  wait_toast (fx, "Renamed “Lunch” to “Dinner”");
  fx->want = "Dinner";
  g_assert_true (wait_for (server_has_named, fx, 20));
  g_assert_true (wait_for (editor_shows, fx, 10));
  fx->want = "Lunch";
  g_assert_true (wait_for (server_lacks_named, fx, 20));

  /* Duplicate: a copy with the same items, chosen in the editor. */
  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "Alpha|Beta";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  click_action (fx, "playlists.duplicate");
  fx->want = "Morning (Copy)";
  g_assert_true (wait_for (server_has_named, fx, 20));
  g_assert_true (wait_for (editor_shows, fx, 20));
  fx->want = "Alpha|Beta";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  wait_toast (fx, "Made “Morning (Copy)”");
  copy_id = server_playlist_named (fx, "Morning (Copy)");
  {
    g_autoptr(JsonNode) keep = NULL;

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (server_playlist (fx, copy_id, &keep),
                                                                           "items")), ==, 2);
  }

  /* Delete while offline, then Undo before it is sent: it comes back, and
   * the server still has it once the app is online again. */
  vz_test_monitor_set_available (monitor, FALSE);
  spin (500);
  click_action (fx, "playlists.delete");
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Morning (Copy)”?");
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog));
  fx->want = "Morning (Copy)";
  g_assert_true (wait_for (list_lacks, fx, 10));
  g_assert_null (vz_playlist_editor_get_playlist (fx->editor));
  /* Undo once the change is queued (its toast says so), as a person would. */
  wait_toast (fx, "Deleted “Morning (Copy)”");
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fx->engine), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL));
  fx->want = "Morning (Copy)";
  g_assert_true (wait_for (list_has, fx, 10));
  vz_test_monitor_set_available (monitor, TRUE);
  g_assert_true (wait_for (nothing_pending, fx, 30));
  spin (1000);
  g_assert_true (server_has_named (fx));

  /* Deleted for good. */
  vz_playlists_page_select (fx->page, copy_id);
  g_assert_true (wait_for (editor_shows, fx, 10));
  click_action (fx, "playlists.delete");
  dialog = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog));
  fx->want = "Morning (Copy)";
  g_assert_true (wait_for (server_lacks_named, fx, 30));
  g_assert_true (wait_for (list_lacks, fx, 10));

  fx->want = NULL;
  fixture_close (fx);
}

/*
 * The editor's own controls with real input: the Loop switch, an item's
 * duration typed into the spin button its duration button opens, and
 * Alt+Home, Alt+End on the focused item.
 */
static gboolean
is_label (GtkWidget     *widget,
          gconstpointer  label)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), label) == 0;
}

static gboolean
focus_on_first_row (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *row = item_row (fx, 0);

  return row != NULL && gtk_widget_has_focus (row);
}

/* Whether GTK restyles @widget when an ancestor's state changes (GTK 4.8
 * prints what a style depends on; "parent-state" is that). */
static gboolean
style_follows_ancestors_state (GtkWidget *widget)
{
  g_autofree char *text = NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  text = gtk_style_context_to_string (gtk_widget_get_style_context (widget), GTK_STYLE_CONTEXT_PRINT_SHOW_CHANGE);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_nonnull (strstr (text, "state"));
  return strstr (text, "parent-state") != NULL;
}

static void
test_items (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL, *beta = NULL, *gamma = NULL;
  GtkWidget *loop_switch;
  VzPopoverButton *duration_button;
  VzPopoverButton *menu_button;
  GtkWidget *menu;
  GtkWidget *move_top;
  GtkSpinButton *spin_button;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean looping;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  beta = create_content (fx, "Beta");
  gamma = create_content (fx, "Gamma");
  {
    const char *items[] = { alpha, beta, gamma, NULL };

    fx->playlist_id = create_playlist (fx, "Morning", items);
  }
  open_fixture (fx, monitor, 760);
  fx->want = "Morning";
  g_assert_true (wait_for (list_has, fx, 30));
  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 30));
  spin (500);

  /* Loop: the switch shows the server's, a click turns it over, another back. */
  loop_switch = ui_find_descendant (GTK_WIDGET (fx->editor), GTK_TYPE_SWITCH);
  g_assert_nonnull (loop_switch);
  looping = gtk_switch_get_active (GTK_SWITCH (loop_switch));
  fx->want = GINT_TO_POINTER (looping);
  g_assert_true (server_loop_is (fx));
  x_click (loop_switch, NULL, 1);
  fx->want = GINT_TO_POINTER (!looping);
  g_assert_true (wait_for (server_loop_is, fx, 20));
  g_assert_true (vz_playlist_get_loop (vz_playlist_editor_get_playlist (fx->editor)) == !looping);
  wait_toast (fx, "Changed the looping of “Morning”");
  g_assert_true (wait_for (nothing_pending, fx, 20));
  x_click (loop_switch, NULL, 1);
  fx->want = GINT_TO_POINTER (looping);
  g_assert_true (wait_for (server_loop_is, fx, 20));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (loop_switch)) == looping);
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* Beta's duration: its button shows 0:10 and opens the spin button (made
   * then, none before), 25 s typed in, Enter takes it and closes it. */
  duration_button = vz_playlist_item_row_get_duration_button (VZ_PLAYLIST_ITEM_ROW (item_row (fx, 1)));
  g_assert_cmpstr (vz_popover_button_get_text (duration_button), ==, "0:10");
  g_assert_null (vz_playlist_item_row_get_duration_editor (VZ_PLAYLIST_ITEM_ROW (item_row (fx, 1))));
  x_click (GTK_WIDGET (duration_button), NULL, 1);
  spin (300);
  spin_button = vz_playlist_item_row_get_duration_editor (VZ_PLAYLIST_ITEM_ROW (item_row (fx, 1)));
  g_assert_nonnull (spin_button);
  g_assert_true (wait_for ((GSourceFunc) gtk_widget_get_mapped, spin_button, 10));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_button), ==, 10);
  x_keys (GTK_WINDOW (fx->window), "ctrl+a 2 5 Return");
  g_assert_true (wait_for (beta_lasts_25, fx, 20));
  g_assert_cmpuint (vz_playlist_get_total_duration (vz_playlist_editor_get_playlist (fx->editor)), ==, 45);
  g_assert_cmpstr (vz_popover_button_get_text (duration_button), ==, "0:25");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (spin_button)));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* Alt+Home on Gamma: first; Alt+End on it (the focus went with it): last. */
  gtk_widget_grab_focus (item_row (fx, 2));
  spin (200);
  x_keys (GTK_WINDOW (fx->window), "alt+Home");
  fx->want = "Gamma|Alpha|Beta";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 20));
  spin (300);
  g_assert_true (gtk_widget_has_focus (item_row (fx, 0)));
  x_keys (GTK_WINDOW (fx->window), "alt+End");
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 20));

  /* Beta's item menu: made by the click that opens it (none before), its
   * button checked while it shows; Move to Top clicked in it: Beta first,
   * on screen and on the server, the menu closed (or gone with the row the
   * list let go), the focus on Beta's row. */
  menu_button = vz_playlist_item_row_get_menu_button (VZ_PLAYLIST_ITEM_ROW (item_row (fx, 1)));
  g_assert_null (vz_popover_button_get_popover (menu_button));
  x_click (GTK_WIDGET (menu_button), NULL, 1);
  g_assert_nonnull (vz_popover_button_get_popover (menu_button));
  menu = GTK_WIDGET (vz_popover_button_get_popover (menu_button));
  g_assert_true (GTK_IS_POPOVER_MENU (menu));
  g_assert_true (wait_for ((GSourceFunc) gtk_widget_get_mapped, menu, 10));
  g_assert_true (gtk_widget_get_state_flags (GTK_WIDGET (menu_button)) & GTK_STATE_FLAG_CHECKED);
  g_object_add_weak_pointer (G_OBJECT (menu_button), (gpointer *) &menu_button);
  g_object_add_weak_pointer (G_OBJECT (menu), (gpointer *) &menu);
  move_top = ui_find_widget (menu, is_label, "Move to _Top");
  g_assert_nonnull (move_top);
  x_click (move_top, NULL, 1);
  fx->want = "Beta|Alpha|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 20));
  g_assert_true (menu == NULL || !gtk_widget_get_mapped (menu));
  g_assert_true (menu_button == NULL ||
                 !(gtk_widget_get_state_flags (GTK_WIDGET (menu_button)) & GTK_STATE_FLAG_CHECKED));
  g_assert_true (wait_for (focus_on_first_row, fx, 10));
  g_clear_weak_pointer (&menu);
  g_clear_weak_pointer (&menu_button);

  /* The focus moving between rows changes the state of every ancestor of
   * both: the rows' buttons keep their styles (else they would be restyled
   * in each of the list's 200 rows). */
  for (guint i = 0; i < 3; i++)
    {
      VzPlaylistItemRow *row = VZ_PLAYLIST_ITEM_ROW (item_row (fx, i));

      g_assert_false (style_follows_ancestors_state (GTK_WIDGET (vz_playlist_item_row_get_duration_button (row))));
      g_assert_false (style_follows_ancestors_state (GTK_WIDGET (vz_playlist_item_row_get_menu_button (row))));
    }

  /* A picture added: its row shows the thumbnail the server made; the web
   * pages' rows keep their type icon. */
  {
    g_autoptr(GFile) png = write_png ("poster.png");
    g_autoptr(VzContent) poster = NULL;

    vz_sync_engine_upload_content_async (fx->engine, png, "Poster", NULL, NULL, NULL, NULL, NULL,
                                         got_result, &result);
    g_assert_true (wait_for (has_result, &result, 30));
    poster = vz_sync_engine_upload_content_finish (fx->engine, result, NULL);
    g_clear_object (&result);
    g_assert_nonnull (poster);
    g_assert_nonnull (vz_content_get_thumbnail (poster));
    vz_sync_engine_add_playlist_item_async (fx->engine, fx->playlist_id, vz_entity_get_id (VZ_ENTITY (poster)), 0,
                                            NULL, NULL, NULL);
    fx->want = "Beta|Alpha|Gamma|Poster";
    g_assert_true (wait_for (shown_order_is, fx, 10));
    fx->want = GUINT_TO_POINTER (3);
    g_assert_true (wait_for (row_shows_thumbnail, fx, 20));
    g_assert_false (vz_playlist_item_row_shows_thumbnail (VZ_PLAYLIST_ITEM_ROW (item_row (fx, 0))));
    g_assert_true (wait_for (nothing_pending, fx, 20));
    {
      g_autoptr(GFile) dir = g_file_get_parent (png);

      vz_test_remove_tree (g_file_peek_path (dir));
    }
  }

  fx->want = NULL;
  fixture_close (fx);
}

typedef struct {
  GtkAdjustment *adjustment;
  double         px;
} Scrolled;

static gboolean
scrolled_by (gpointer data)
{
  Scrolled *scrolled = data;

  return gtk_adjustment_get_value (scrolled->adjustment) >= scrolled->px;
}

/*
 * An item held near the bottom edge of a long list scrolls it; let go
 * there, it lands below what showed when the drag began, on screen and on
 * the server.
 */
static void
test_auto_scroll (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func (g_free);
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  DropLine line = { 0 };
  Scrolled scrolled = { 0 };
  guint landed = 0;
  guint shown_at_first;
  int x0, y0, x1, y1;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Item %02u", i);

      g_ptr_array_add (contents, create_content (fx, name));
    }
  g_ptr_array_add (contents, NULL);
  fx->playlist_id = create_playlist (fx, "Long", (const char * const *) contents->pdata);
  open_fixture (fx, monitor, 600);
  fx->want = "Long";
  g_assert_true (wait_for (list_has, fx, 30));
  vz_playlists_page_select (fx->page, fx->playlist_id);
  g_assert_true (wait_for (nothing_pending, fx, 10));
  fx->want = GUINT_TO_POINTER (40);
  g_assert_true (wait_for (editor_holds, fx, 30));
  spin (500);
  {
    g_autofree char *order = shown_order (fx);

    g_assert_true (g_str_has_prefix (order, "Item 00|Item 01|"));
    g_assert_false (g_str_has_suffix (order, "Item 39"));
  }
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (vz_playlist_editor_get_list (fx->editor)),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment) * 2);

  shown_at_first = (guint) (gtk_adjustment_get_page_size (adjustment) /
                             gtk_widget_get_height (gtk_widget_get_parent (item_row (fx, 0))));
  g_test_message ("%u rows in sight at first, %.0f px of %.0f, rows of %d px", shown_at_first,
                  gtk_adjustment_get_page_size (adjustment), gtk_adjustment_get_upper (adjustment),
                  gtk_widget_get_height (gtk_widget_get_parent (item_row (fx, 0))));

  /* From Item 00's name to 10 px above the list's visible bottom, held
   * there until the list has scrolled three rows (a busy machine draws few
   * frames a second); the line that shows where it lands is watched on
   * every frame drawn. */
  point_on (item_row (fx, 0), 0.5, &x0, &y0);
  x0 -= gtk_widget_get_width (item_row (fx, 0)) / 4;
  point_on (GTK_WIDGET (scroller), 1.0 - 10.0 / gtk_widget_get_height (GTK_WIDGET (scroller)), &x1, &y1);
  watch_drop_line (fx, &line);
  scrolled.adjustment = adjustment;
  scrolled.px = 3.0 * gtk_widget_get_height (gtk_widget_get_parent (item_row (fx, 0)));
  g_assert_true (drag_points_until (GTK_WIDGET (fx->window), x0, y0, x0, y1, scrolled_by, &scrolled, 60000));
  unwatch_drop_line (fx, &line);
  spin (300);
  landed = model_position (fx, "Item 00");
  g_test_message ("Item 00 landed at %u (the line last showed place %u, %u of %u frames with a line), "
                  "the list scrolled to %.0f of %.0f px", landed, line.gap, line.frames, line.painted,
                  gtk_adjustment_get_value (adjustment), gtk_adjustment_get_upper (adjustment));
  /* Where the line showed (it is between rows: the item left place 0 first). */
  g_assert_cmpuint (line.frames, >, 0);
  g_assert_cmpuint (landed, ==, line.gap - 1);
  /* Below the rows that showed when the drag began, and in view: the list
   * stays where it was scrolled to. */
  g_assert_cmpuint (landed, >, shown_at_first);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  fx->want = GUINT_TO_POINTER (landed);
  g_assert_true (wait_for (row_in_view, fx, 10));
  {
    g_autofree char *order = model_order (fx);

    fx->want = order;
    if (!wait_for (server_order_is, fx, 30))
      {
        g_autofree char *on_server = server_order (fx);

        g_test_message ("pending %u, failed %u, last toast %s", vz_sync_engine_get_pending_count (fx->engine),
                        vz_sync_engine_get_failed_count (fx->engine), _vz_window_get_last_toast (fx->window));
        g_assert_cmpstr (on_server, ==, order);
      }
  }

  fx->want = NULL;
  fixture_close (fx);
}

/* The Content page's cell named @name. */
static gboolean
is_content_cell (GtkWidget     *widget,
                 gconstpointer  name)
{
  return gtk_widget_get_mapped (widget) && GTK_IS_LABEL (widget) &&
         gtk_widget_has_css_class (widget, "vz-content-name") &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), name) == 0;
}

static void
move_x_window (GtkWidget *window,
               int        x)
{
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));
  g_autofree char *at = g_strdup_printf ("%d", x);
  const char *args[] = { "windowmove", "--sync", xid, at, "0", NULL };

  pl_xdotool (args);
  spin (300);
}

/*
 * Content dragged from the Content page of one window onto the playlist
 * editor of another: dropped on the upper half of the second item, it goes
 * in before it, on screen and on the server, as one change that one Undo
 * takes back.
 */
static void
test_content_drag (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *alpha = NULL, *beta = NULL, *gamma = NULL, *delta = NULL;
  VzWindow *library;
  GtkWidget *cell;
  int x0, y0, x1, y1;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  alpha = create_content (fx, "Alpha");
  beta = create_content (fx, "Beta");
  gamma = create_content (fx, "Gamma");
  delta = create_content (fx, "Delta");
  {
    const char *items[] = { alpha, beta, gamma, NULL };

    fx->playlist_id = create_playlist (fx, "Morning", items);
  }
  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 620, 700);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  fx->want = "Morning";
  g_assert_true (wait_for (list_has, fx, 30));
  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 30));

  /* The library in a second window beside it. */
  library = ui_open_window (fx->engine, 620, 700);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "win.show-page", "s", "content"));
  g_assert_true (wait_for (shown, vz_window_get_content_page (library), 10));
  spin (500);
  move_x_window (GTK_WIDGET (library), 0);
  move_x_window (GTK_WIDGET (fx->window), 650);
  cell = ui_find_widget (GTK_WIDGET (library), is_content_cell, "Delta");
  g_assert_nonnull (cell);

  /* From the cell (in the library's window) to the upper quarter of Beta's
   * row, both as points of the library's X window. */
  point_on (cell, 0.5, &x0, &y0);
  point_on (item_row (fx, 1), 0.25, &x1, &y1);
  x1 -= gtk_widget_get_width (item_row (fx, 1)) / 4;
  x1 += 650;
  vz_test_monitor_set_available (monitor, FALSE);
  drag_points (GTK_WIDGET (library), x0, y0, x1, y1, 300);

  fx->want = "Alpha|Delta|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  /* Offline, it waits as one change in the pending-changes list (two
   * requests: the server adds last, then it moves). */
  g_assert_true (wait_for (two_pending, fx, 10));
  {
    VzPendingPopover *popover = _vz_window_get_pending_popover (fx->window);
    GListModel *entries = G_LIST_MODEL (gtk_list_view_get_model (_vz_pending_popover_get_list_view (popover)));
    g_autoptr(VzMutation) entry = NULL;
    g_autofree char *described = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
    entry = g_list_model_get_item (entries, 0);
    described = vz_sync_engine_describe_change (fx->engine, entry);
    g_assert_cmpstr (described, ==, "Add an item to “Morning”");
    g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Change Waiting");
  }
  vz_test_monitor_set_available (monitor, TRUE);
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 30));
  wait_toast (fx, "Added an item to “Morning”");

  /* It was one change: one Undo takes it out, on the server too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL));
  fx->want = "Alpha|Beta|Gamma";
  g_assert_true (wait_for (shown_order_is, fx, 10));
  g_assert_true (wait_for (server_order_is, fx, 30));
  g_assert_true (wait_for (nothing_pending, fx, 30));
  g_assert_false (vz_sync_engine_get_can_undo (fx->engine));

  ui_close_window (library);
  fx->want = NULL;
  fixture_close (fx);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/playlists/manage", test_manage);
  g_test_add_func ("/ui/playlists/items", test_items);
  g_test_add_func ("/ui/playlists/auto-scroll", test_auto_scroll);
  g_test_add_func ("/ui/playlists/content-drag", test_content_drag);
}

int
main (int   argc,
      char *argv[])
{
  return pl_test_main (argc, argv, "ui-playlists-editing", add_tests);
}
