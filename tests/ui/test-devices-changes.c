/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-devices-changes"

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
 * Changes made on the Devices page as a person makes them, against the real
 * vizora-server: pending marks, Undo, the queue while offline, a change the
 * server refuses, a conflict with a second client, the main menu, and a
 * closed window letting go of the engine.
 */

/* ---- changes: pending, undo, offline, refused ---- */

typedef struct {
  VzWindow  *window;
  VzDisplay *display;
  char      *queued_label;
  char      *name_when_queued;
  guint      pending_icons_when_queued;
  gboolean   pending_when_queued;
  guint      committed;
  guint      failed;
} ChangeWatch;

static void
on_change_queued (VzSyncEngine *engine,
                  VzMutation   *mutation,
                  const char   *label,
                  ChangeWatch  *watch)
{
  g_autoptr(GPtrArray) names = visible_cells (vz_window_get_devices_page (watch->window), "vz-cell-name");

  /* What the person sees the moment the change is reported queued. */
  g_free (watch->queued_label);
  watch->queued_label = g_strdup (label);
  g_free (watch->name_when_queued);
  watch->name_when_queued = names->len == 1 ? g_strdup (g_ptr_array_index (names, 0)) : NULL;
  watch->pending_icons_when_queued =
    count_pending_icons (GTK_WIDGET (_vz_devices_page_get_column_view (vz_window_get_devices_page (watch->window))));
  watch->pending_when_queued = vz_entity_get_pending (VZ_ENTITY (watch->display));
}

static void
on_change_committed (VzSyncEngine *engine,
                     VzMutation   *mutation,
                     ChangeWatch  *watch)
{
  watch->committed++;
}

static void
on_change_failed (VzSyncEngine *engine,
                  VzMutation   *mutation,
                  GError       *error,
                  ChangeWatch  *watch)
{
  watch->failed++;
}

static void
watch_changes (ChangeWatch  *watch,
               VzSyncEngine *engine)
{
  g_signal_connect (engine, "change-queued", G_CALLBACK (on_change_queued), watch);
  g_signal_connect (engine, "change-committed", G_CALLBACK (on_change_committed), watch);
  g_signal_connect (engine, "change-failed", G_CALLBACK (on_change_failed), watch);
}

static void
unwatch_changes (ChangeWatch  *watch,
                 VzSyncEngine *engine)
{
  g_signal_handlers_disconnect_by_data (engine, watch);
  g_free (watch->queued_label);
  g_free (watch->name_when_queued);
}

static gboolean
change_queued (gpointer data)
{
  return ((ChangeWatch *) data)->queued_label != NULL;
}

static gboolean
committed_and_clear (gpointer data)
{
  ChangeWatch *watch = data;
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (vz_window_get_devices_page (watch->window)));

  return watch->committed > 0 && !vz_entity_get_pending (VZ_ENTITY (watch->display)) && count_pending_icons (view) == 0;
}

static VzDisplay *
first_display (VzSyncEngine *engine)
{
  g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_displays (engine)), 0);

  g_assert_nonnull (display);
  return display;  /* the store keeps it */
}

/* The action @accel (e.g. "<Control>z") runs in @widget, from its shortcut
 * controllers, as a key press would find it. */
static char *
action_for_accel (GtkWidget  *widget,
                  const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) &&
              GTK_IS_NAMED_ACTION (action))
            return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }
  return NULL;
}

static gboolean
engine_can_redo (gpointer data)
{
  return vz_sync_engine_get_can_redo (data);
}

/* The primary menu's Undo (0) or Redo (1) item text. */
static char *
history_label (VzWindow *window,
               int       index)
{
  char *label = NULL;

  g_assert_true (g_menu_model_get_item_attribute (G_MENU_MODEL (window->history_section), index,
                                                  G_MENU_ATTRIBUTE_LABEL, "s", &label));
  return label;
}

static void
test_rename_undo (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Lobby Right" };
  ServerWanted renamed = { server, token, id, "Lobby Right" };
  ServerWanted restored = { server, token, id, "Lobby Left" };
  ChangeWatch watch = { window, NULL };

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  watch.display = first_display (engine);
  watch_changes (&watch, engine);
  g_assert_false (vz_sync_engine_get_can_undo (engine));

  /* The moment the rename is queued the row already shows the new name,
   * with the pencil that says it is not saved yet. */
  rename_in_detail (page, "Lobby Right");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (change_queued, &watch, 10));
  g_assert_cmpstr (watch.name_when_queued, ==, "Lobby Right");
  g_assert_true (watch.pending_when_queued);
  g_assert_cmpuint (watch.pending_icons_when_queued, ==, 1);
  /* The toast says what happened, in the engine's words, and offers Undo. */
  g_assert_cmpstr (_vz_window_get_last_toast (window), ==, watch.queued_label);

  /* Saved: the pencil goes, the server has the name. */
  g_assert_true (wait_for (committed_and_clear, &watch, 30));
  g_assert_true (wait_for (server_has_name, &renamed, 10));
  g_assert_true (wait_for (engine_can_undo, engine, 10));

  /* Ctrl+Z: the old name is back on screen at once, then on the server. */
  {
    g_autofree char *action = action_for_accel (GTK_WIDGET (window), "<Control>z");
    g_assert_cmpstr (action, ==, "win.undo");
  }
  watch.committed = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (wait_for (name_cell_shows, &before, 10));
  g_assert_true (wait_for (committed_and_clear, &watch, 30));
  g_assert_true (wait_for (server_has_name, &restored, 10));
  g_assert_nonnull (_vz_window_get_last_toast (window));
  g_assert_true (g_str_has_prefix (_vz_window_get_last_toast (window), "Undone"));

  /* The menu names what Redo would do; a real Ctrl+Shift+Z does it: the
   * new name at once, then on the server, and Undo is offered again. */
  g_assert_true (wait_for (engine_can_redo, engine, 10));
  g_assert_cmpstr (vz_sync_engine_get_redo_label (engine), ==, "Renamed “Lobby Left” to “Lobby Right”");
  {
    g_autofree char *label = history_label (window, 1);

    g_assert_cmpstr (label, ==, "_Redo: Renamed “Lobby Left” to “Lobby Right”");
  }
  watch.committed = 0;
  x_keys (GTK_WINDOW (window), "ctrl+shift+z");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (committed_and_clear, &watch, 30));
  g_assert_true (wait_for (server_has_name, &renamed, 10));
  g_assert_cmpstr (_vz_window_get_last_toast (window), ==, "Redone: Renamed “Lobby Left” to “Lobby Right”");
  g_assert_false (vz_sync_engine_get_can_redo (engine));
  {
    g_autofree char *label = history_label (window, 0);

    g_assert_cmpstr (label, ==, "_Undo: Renamed “Lobby Left” to “Lobby Right”");
  }

  unwatch_changes (&watch, engine);
  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
engine_not_online (gpointer data)
{
  return vz_sync_engine_get_connection_state (data) != VZ_CONNECTION_STATE_ONLINE;
}

static gboolean
popover_in_state (gpointer data)
{
  VzPendingPopover *popover = data;

  return g_strcmp0 (_vz_pending_popover_get_state (popover), g_object_get_data (G_OBJECT (popover), "want")) == 0;
}

/* The texts of the labels with @css_class in the popover's rows. */
static GPtrArray *
popover_texts (VzPendingPopover *popover,
               const char       *css_class)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (GTK_WIDGET (_vz_pending_popover_get_list_view (popover)), css_class, texts);
  return texts;
}

/* The popover's rows are shown in a list that has its size: their states
 * can be read and their places measured. */
static gboolean
popover_rows_shown (gpointer data)
{
  GtkWidget *list = GTK_WIDGET (_vz_pending_popover_get_list_view (data));
  g_autoptr(GPtrArray) states = popover_texts (data, "vz-pending-state");

  return states->len > 0 && gtk_widget_get_width (list) > 0 && gtk_widget_get_height (list) > 0;
}

static void
test_offline_queue (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GPtrArray) descriptions = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autofree char *expected = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Reception" };
  ServerWanted on_server = { server, token, id, "Reception" };
  VzOutbox *outbox;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  /* Nothing waits: the indicator is a label, not a button. */
  g_assert_true (label_says_nothing_pending (window));
  g_assert_false (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));

  /* The server goes away; a rename still shows at once and waits. */
  vz_test_server_kill (server);
  g_assert_true (wait_for (engine_not_online, engine, 30));
  rename_in_detail (page, "Reception");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (label_says_pending, window, 10));
  g_assert_cmpstr (strstr (_vz_window_get_connection_label (window), "Online"), ==, NULL);
  g_assert_true (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));

  /* The popover lists it, in the engine's words. */
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (popover_rows_shown, popover, 10));
  outbox = vz_sync_engine_get_outbox (engine);
  g_assert_nonnull (outbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 1);
  {
    g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
    expected = vz_sync_engine_describe_change (engine, m);
  }
  descriptions = popover_texts (popover, "vz-pending-description");
  g_assert_cmpuint (descriptions->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (descriptions, 0), ==, expected);
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_true (g_strcmp0 (g_ptr_array_index (states, 0), "Waiting") == 0 ||
                 g_strcmp0 (g_ptr_array_index (states, 0), "Sending…") == 0);

  /* The server comes back: the change lands, the list says all is saved. */
  vz_test_server_restart (server);
  g_assert_true (wait_for (server_has_name, &on_server, 90));
  g_assert_true (wait_for (label_says_nothing_pending, window, 30));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "empty");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  gtk_popover_popdown (GTK_POPOVER (popover));

  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
change_failed (gpointer data)
{
  return ((ChangeWatch *) data)->failed > 0;
}

static gboolean
change_failed_twice (gpointer data)
{
  return ((ChangeWatch *) data)->failed > 1;
}

static gboolean
timezone_row_reads (gpointer data)
{
  VzDeviceDetail *detail = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (_vz_device_detail_get_timezone_row (detail))),
                    g_object_get_data (G_OBJECT (detail), "want")) == 0;
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *queued = user_data;
  g_autoptr(GError) error = NULL;

  *queued = vz_sync_engine_update_display_finish (VZ_SYNC_ENGINE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_refused_change (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  NameWanted before = { page, "Lobby Left" };
  ChangeWatch watch = { window, NULL };
  g_autofree char *original = NULL;
  const char *toast;
  gboolean queued = FALSE;
  g_autoptr(VzMutation) failed = NULL;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  watch.display = first_display (engine);
  watch_changes (&watch, engine);
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  spin (300);
  /* A copy: the record lets go of its own string when the value changes. */
  original = g_strdup (vz_display_get_timezone (watch.display));
  g_assert_nonnull (original);

  /* The pane checks what people type; a script or a stale client may not:
   * the engine takes it, the server refuses it. */
  json_object_set_string_member (changes, "timezone", "Mars/Olympus_Mons");
  vz_sync_engine_update_display_async (engine, id, changes, NULL, queued_cb, &queued);
  g_assert_true (wait_for (flag_set, &queued, 10));
  g_assert_true (wait_for (change_failed, &watch, 30));

  /* Rolled back on screen, and the toast says why in the server's words. */
  g_object_set_data_full (G_OBJECT (detail), "want", g_strdup (original), g_free);
  g_assert_true (wait_for (timezone_row_reads, detail, 10));
  g_assert_cmpstr (vz_display_get_timezone (watch.display), ==, original);
  failed = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (engine)), 0);
  g_assert_nonnull (failed);
  g_assert_nonnull (vz_mutation_get_last_error (failed));
  toast = _vz_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_assert_true (g_str_has_prefix (toast, "Couldn’t change the time zone of “Lobby Left”: "));
  g_assert_true (g_str_has_suffix (toast, vz_mutation_get_last_error (failed)));

  /* It stays in the list as failed, with the reason and a way out. */
  g_assert_nonnull (strstr (_vz_window_get_connection_label (window), "1 failed"));
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (popover_rows_shown, popover, 10));
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (states, 0), ==, "Failed");
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Change Failed");
  reasons = popover_texts (popover, "vz-pending-reason");
  g_assert_cmpuint (reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==, vz_mutation_get_last_error (failed));

  /* The row offers Retry and Discard, not the ways out of a conflict.
   * Retry sends it again; the server refuses again, in the same words. */
  g_assert_false (gtk_widget_is_visible (find_button_with_label (GTK_WIDGET (popover), "Keep _Mine")));
  click_row_button (popover, "_Retry", failed);
  g_assert_true (wait_for (change_failed_twice, &watch, 30));
  g_assert_cmpstr (vz_display_get_timezone (watch.display), ==, original);

  click_row_button (popover, "_Discard", failed);
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "empty");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (label_says_nothing_pending, window, 10));
  gtk_popover_popdown (GTK_POPOVER (popover));

  unwatch_changes (&watch, engine);
  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
strip_shows_availability (gpointer data)
{
  VzWindow *window = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  /* Every failed read counts towards the circuit breaker; ask again. */
  if (vz_sync_engine_get_availability (engine) == NULL)
    vz_sync_engine_refresh (engine);
  return _vz_window_get_strip (window, "availability") != NULL;
}

static void
test_unavailable (void)
{
  Lobby lobby = { NULL };
  VzSyncEngine *engine;
  VzWindow *window;
  VzPendingPopover *popover;

  lobby_open (&lobby);
  engine = lobby.engine;
  window = lobby.window;
  popover = _vz_window_get_pending_popover (window);
  g_assert_null (_vz_window_get_strip (window, "availability"));

  /* The server stops answering: once the breaker opens, a strip under the
   * header says so and when the app tries again, and so does the list. */
  vz_test_server_kill (lobby.server);
  g_assert_true (wait_for (strip_shows_availability, window, 60));
  g_assert_cmpstr (_vz_window_get_strip (window, "availability"), ==, vz_sync_engine_get_availability (engine));
  /* Nothing waits, yet the indicator opens the list, which explains. */
  g_assert_true (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  spin (100);
  g_assert_cmpstr (_vz_pending_popover_get_availability (popover), ==, vz_sync_engine_get_availability (engine));
  g_assert_cmpstr (_vz_pending_popover_get_state (popover), ==, "empty");
  gtk_popover_popdown (GTK_POPOVER (popover));

  lobby_close (&lobby);
}

/* ---- the main menu ---- */

/* The main menu's first line (a box of the window's .ui) names the account. */
static void
test_menu_account (void)
{
  Lobby lobby = { NULL };
  GtkLabel *label;

  lobby_open (&lobby);
  label = _vz_window_get_menu_account_label (lobby.window);
  g_assert_nonnull (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_POPOVER_MENU));
  g_assert_nonnull (strstr (gtk_label_get_label (label), VZ_TEST_EMAIL));

  lobby_close (&lobby);
}

/* ---- a closed window ---- */

static gboolean
engine_online (gpointer data)
{
  return !engine_not_online (data);
}

/*
 * Closing destroys the window, but it lives on while someone holds a
 * reference. From the close on, neither it nor its pages follow the engine:
 * the engine's news would otherwise update widgets without a surface (a
 * tooltip there asks a surface that is gone: Gdk-CRITICAL).
 */
static void
test_closed_window_detaches (void)
{
  Lobby lobby = { NULL };
  g_autofree char *label = NULL;
  VzSyncEngine *engine;
  VzWindow *window;
  VzDevicesPage *page;
  VzPendingPopover *popover;

  lobby_open (&lobby);
  engine = lobby.engine;
  window = g_steal_pointer (&lobby.window);
  page = lobby.page;
  popover = _vz_window_get_pending_popover (window);
  g_assert_true (wait_for (engine_online, engine, 30));
  g_assert_true (vz_devices_page_get_sync_engine (page) == engine);
  g_assert_true (vz_pending_popover_get_sync_engine (popover) == engine);
  label = g_strdup (_vz_window_get_connection_label (window));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (vz_window_get_sync_engine (window) == engine);
  g_assert_null (vz_devices_page_get_sync_engine (page));
  g_assert_null (vz_pending_popover_get_sync_engine (popover));

  /* The engine loses its server and says so; the closed window hears none of it. */
  vz_test_server_kill (lobby.server);
  g_assert_true (wait_for (engine_not_online, engine, 60));
  spin (300);
  g_assert_cmpstr (_vz_window_get_connection_label (window), ==, label);

  g_assert_finalize_object (window);
  lobby_close (&lobby);
}

/* ---- conflicts (a second client; this one's network switched off) ---- */

static VzSyncEngine *
start_engine_with_monitor (VzTestServer  *server,
                           VzTestMonitor *monitor)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  VzSyncEngine *engine;

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);

  engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", session, "network-monitor", monitor, NULL);
  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  return engine;
}

static gboolean
label_is (gpointer data)
{
  VzWindow *window = data;

  return g_strcmp0 (_vz_window_get_connection_label (window), g_object_get_data (G_OBJECT (window), "want")) == 0;
}

static gboolean
heading_is (gpointer data)
{
  VzPendingPopover *popover = data;

  return g_strcmp0 (_vz_pending_popover_get_heading (popover), g_object_get_data (G_OBJECT (popover), "heading")) == 0;
}

static guint
count_visible_images (GtkWidget  *widget,
                      const char *css_class)
{
  guint n = 0;

  if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, css_class) &&
      gtk_widget_get_visible (widget) && gtk_widget_get_mapped (gtk_widget_get_parent (widget)))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_visible_images (child, css_class);
  return n;
}

/* A row's conflict mark shows. */
static gboolean
conflict_icon_shown (gpointer view)
{
  return count_visible_images (view, "vz-conflict-icon") > 0;
}

static gboolean
entity_in_conflict (gpointer data)
{
  return vz_entity_get_conflict (data);
}

/* Names long enough to need two lines in the list of changes. */
#define MINE "Mine: the big screen above the reception desk in the north building"
#define THEIRS "Theirs: the big screen above the reception desk in the north building"

/* @widget's bounds in @scroller, which must hold them whole. */
static void
assert_inside (GtkWidget *widget,
               GtkWidget *scroller)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_is_visible (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, scroller, &bounds));
  if (bounds.origin.x < 0 || bounds.origin.y < 0 ||
      bounds.origin.x + bounds.size.width > gtk_widget_get_width (scroller) + 0.5 ||
      bounds.origin.y + bounds.size.height > gtk_widget_get_height (scroller) + 0.5)
    g_error ("A %s at %.0f,%.0f %.0fx%.0f is not all shown in the list (%dx%d)",
             G_OBJECT_TYPE_NAME (widget), bounds.origin.x, bounds.origin.y,
             bounds.size.width, bounds.size.height,
             gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
}

/* The labels of @css_class under @widget: whole in @scroller, wrapped onto
 * several lines, given all the height their lines need. Returns how many. */
static guint
assert_labels_wrap (GtkWidget  *widget,
                    const char *css_class,
                    GtkWidget  *scroller)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      int needed = 0;

      assert_inside (widget, scroller);
      g_assert_false (pango_layout_is_ellipsized (layout));
      g_assert_cmpint (pango_layout_get_line_count (layout), >, 1);
      gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget), &needed, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (widget), >=, needed);
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_labels_wrap (child, css_class, scroller);
  return n;
}

/* The one conflict in @popover's list shows Keep Mine and Keep Theirs and
 * its long texts without scrolling, sideways or down. */
static void
assert_conflict_row_fits (VzPendingPopover *popover)
{
  GtkWidget *list = GTK_WIDGET (_vz_pending_popover_get_list_view (popover));
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (list));

  g_assert_nonnull (scroller);
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), <=, gtk_adjustment_get_page_size (vadjustment) + 0.5);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=, gtk_adjustment_get_page_size (hadjustment) + 0.5);
  assert_inside (find_button_with_label (GTK_WIDGET (popover), "Keep _Mine"), scroller);
  assert_inside (find_button_with_label (GTK_WIDGET (popover), "Keep _Theirs"), scroller);
  g_assert_cmpuint (assert_labels_wrap (list, "vz-pending-description", scroller), ==, 1);
  g_assert_cmpuint (assert_labels_wrap (list, "vz-pending-theirs", scroller), ==, 1);
}

static void
test_conflict (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autoptr(VzSyncEngine) engine = start_engine_with_monitor (server, monitor);
  g_autoptr(VzSyncEngine) colleague = start_engine (server);
  g_autoptr(JsonObject) theirs = json_object_new ();
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) theirs_texts = NULL;
  g_autoptr(VzMutation) conflict = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (page));
  NameWanted before = { page, "Lobby" };
  NameWanted mine = { page, MINE };
  ServerWanted kept = { server, token, id, MINE };
  ChangeWatch watch = { window, NULL };
  gboolean queued = FALSE;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  g_assert_true (wait_for (store_has_rows, colleague, 30));
  watch.display = first_display (engine);

  /* The network goes: the header says so and counts what waits. */
  vz_test_monitor_set_available (monitor, FALSE);
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Offline");
  g_assert_true (wait_for (label_is, window, 10));
  rename_in_detail (page, MINE);
  g_assert_true (wait_for (name_cell_shows, &mine, 10));
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Offline · 1 pending");
  g_assert_true (wait_for (label_is, window, 10));
  g_assert_cmpstr (_vz_device_detail_get_subtitle (_vz_devices_page_get_detail (page)), ==, "Waiting to be saved");
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Change Waiting");

  /* Meanwhile a colleague renames the same screen, and that lands. */
  json_object_set_string_member (theirs, "name", THEIRS);
  vz_sync_engine_update_display_async (colleague, id, theirs, NULL, queued_cb, &queued);
  g_assert_true (wait_for (flag_set, &queued, 10));
  g_assert_true (wait_for (server_has_name, &(ServerWanted) { server, token, id, THEIRS }, 30));

  /* Back online: a conflict, never a silent overwrite. The row keeps my
   * value with a warning; the toast points to the list. */
  vz_test_monitor_set_available (monitor, TRUE);
  g_assert_true (wait_for (entity_in_conflict, watch.display, 30));
  g_assert_cmpstr (vz_display_get_nickname (watch.display), ==, MINE);
  g_assert_true (wait_for (conflict_icon_shown, view, 10));
  g_assert_cmpuint (count_visible_images (view, "vz-conflict-icon"), ==, 1);
  g_assert_cmpuint (count_visible_images (view, "vz-pending-icon"), ==, 0);
  g_assert_nonnull (strstr (_vz_window_get_last_toast (window), "Choose which version to keep"));
  g_assert_nonnull (strstr (_vz_device_detail_get_subtitle (_vz_devices_page_get_detail (page)), "someone else"));
  /* The header counts it as a conflict, not as a failure. */
  g_assert_cmpstr (_vz_window_get_connection_label (window), ==, "Online · 1 conflict");

  /* The list shows both sides and the two ways out. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-pending", NULL);
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (popover_rows_shown, popover, 10));
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (states, 0), ==, "Conflict");
  theirs_texts = popover_texts (popover, "vz-pending-theirs");
  g_assert_cmpuint (theirs_texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (theirs_texts, 0), ==, "Theirs: name “" THEIRS "”");
  g_assert_false (gtk_widget_is_visible (find_button_with_label (GTK_WIDGET (popover), "_Retry")));
  /* The heading says what waits for the person; the row shows both ways
   * out and all of its words at once. */
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Conflict");
  assert_conflict_row_fits (popover);

  /* Keep mine: the server ends with my name, the warning goes. */
  conflict = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (engine)), 0);
  click_row_button (popover, "Keep _Mine", conflict);
  g_assert_true (wait_for (server_has_name, &kept, 30));
  /* Online, a change sent again is not named in the header in its first second. */
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Online");
  g_assert_true (wait_for (label_is, window, 30));
  g_object_set_data (G_OBJECT (popover), "heading", (gpointer) "All Changes Saved");
  if (!wait_for (heading_is, popover, 30))
    g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "All Changes Saved");
  g_assert_false (vz_entity_get_conflict (VZ_ENTITY (watch.display)));
  g_assert_cmpstr (_vz_window_get_connection_label (window), ==, "Online");
  gtk_popover_popdown (GTK_POPOVER (popover));

  close_window (window);
  vz_sync_engine_stop (engine);
  vz_sync_engine_stop (colleague);
}

int
main (int   argc,
      char *argv[])
{
  devices_test_init (&argc, &argv);
  g_test_add_func ("/ui/window/closed-window-detaches", test_closed_window_detaches);
  g_test_add_func ("/ui/window/menu-account", test_menu_account);
  g_test_add_func ("/ui/changes/rename-undo", test_rename_undo);
  g_test_add_func ("/ui/changes/offline-queue", test_offline_queue);
  g_test_add_func ("/ui/changes/refused", test_refused_change);
  g_test_add_func ("/ui/changes/conflict", test_conflict);
  g_test_add_func ("/ui/changes/unavailable", test_unavailable);
  return devices_test_run ();
}
