/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-undo-delete"

#include "config.h"

#include <adwaita.h>

#include "vz-schedule-block.h"
#include "vz-schedule-resource.h"
#include "vz-schedules-page.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window.h"
#include "vz-window-private.h"

/*
 * Undo of a deleted schedule in the app, against the real vizora-server,
 * with real key presses (xdotool through Xvfb). Within the undo window the
 * toast's Undo button brings it back and the server never loses it; once the delete has landed, Ctrl+Z (a real key press) makes it
 * again: the week shows it and the server has it with every field.
 */

static char *outbox_root;

typedef struct {
  VzTestServer    *server;
  char            *token;
  VzSyncEngine    *engine;
  VzWindow        *window;
  VzSchedulesPage *page;
} Fixture;

/* The server's schedules (transfer full). */
static JsonArray *
server_schedules (Fixture *fx)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (fx->server, "GET", "/schedules", fx->token, NULL, 200, &keep);

  return json_array_ref (json_object_get_array_member (data, "data"));
}

static gboolean
server_has_one (gpointer data)
{
  g_autoptr(JsonArray) rows = server_schedules (data);

  return json_array_get_length (rows) == 1;
}

static gboolean
server_has_none (gpointer data)
{
  g_autoptr(JsonArray) rows = server_schedules (data);

  return json_array_get_length (rows) == 0;
}

static gboolean
week_shows_breakfast (gpointer data)
{
  Fixture *fx = data;
  GPtrArray *blocks = vz_schedule_week_get_blocks (vz_schedules_page_get_week (fx->page));

  for (guint i = 0; i < blocks->len; i++)
    if (g_str_has_prefix (vz_schedule_block_get_label (g_ptr_array_index (blocks, i)), "Breakfast,"))
      return TRUE;
  return FALSE;
}

static gboolean
week_lacks_breakfast (gpointer data)
{
  return !week_shows_breakfast (data);
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *fx = data;

  return vz_sync_engine_get_pending_count (fx->engine) == 0;
}

static gboolean
toast_says_undone (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (_vz_window_get_last_toast (fx->window), "Undone: Deleted “Breakfast”") == 0;
}

static const char *
breakfast_id (Fixture *fx)
{
  GListModel *store = G_LIST_MODEL (vz_sync_engine_get_schedules (fx->engine));

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (store, i);

      if (g_strcmp0 (vz_schedule_get_name (schedule), "Breakfast") == 0)
        return g_intern_string (vz_entity_get_id (VZ_ENTITY (schedule)));
    }
  return NULL;
}

static gint64
a_minute_on (gpointer data)
{
  return g_get_real_time () + 60 * G_USEC_PER_SEC;
}

static gboolean
toast_says_deleted (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (_vz_window_get_last_toast (fx->window), "Deleted “Breakfast”") == 0;
}

/* Gone from the week at once; the toast once the delete is on disk. */
static void
delete_breakfast (Fixture *fx)
{
  gtk_widget_activate_action (GTK_WIDGET (fx->page), "schedules.delete", "s", breakfast_id (fx));
  g_assert_true (wait_for (week_lacks_breakfast, fx, 10));
  g_assert_true (wait_for (toast_says_deleted, fx, 10));
}

static void
test_undo_delete (void)
{
  static const char * const fields[] = {
    "name", "description", "startDate", "endDate", "startTime", "endTime", "daysOfWeek", "priority",
    "isActive", "playlistId", "displayId",
  };
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *screen = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *body = NULL;
  g_autofree char *schedule = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) after = NULL;
  VzOutbox *outbox;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  screen = vz_test_server_pair_screen (fx->server, fx->token, "Lobby", NULL);
  playlist = vz_test_server_create (fx->server, fx->token, "/playlists", "{\"name\":\"Morning\"}");
  body = g_strdup_printf ("{\"name\":\"Breakfast\",\"description\":\"Weekday mornings\",\"playlistId\":\"%s\","
                          "\"displayId\":\"%s\",\"daysOfWeek\":[1,2,3,4,5],\"startTime\":480,\"endTime\":720,"
                          "\"startDate\":\"2020-01-01\",\"endDate\":\"2099-12-31\",\"priority\":5}",
                          playlist, screen);
  schedule = vz_test_server_create (fx->server, fx->token, "/schedules", body);
  before = server_schedules (fx);

  fx->engine = ui_start_engine (fx->server->url, NULL, outbox_root);
  /* As the app does from its settings: a delete waits 30 s for Undo. */
  vz_sync_engine_set_undo_window (fx->engine, 30);
  fx->window = ui_open_window (fx->engine, 1280, 800);
  fx->page = vz_window_get_schedules_page (fx->window);
  x_keys (GTK_WINDOW (fx->window), "alt+4");
  g_assert_true (wait_for (week_shows_breakfast, fx, 30));
  outbox = vz_sync_engine_get_outbox (fx->engine);
  g_assert_nonnull (outbox);

  /* In the window: the toast's Undo, clicked, brings it back; nothing was
   * sent, and nothing is once the window is over. */
  delete_breakfast (fx);
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  g_assert_true (wait_for (ui_toast_offers_undo, fx->window, 10));
  /* Activated rather than clicked: the toast goes as its button is
   * released, which GTK 4.8 can count wrongly under a real pointer. */
  g_assert_true (gtk_widget_activate (ui_toast_undo_button (fx->window)));
  g_assert_true (wait_for (week_shows_breakfast, fx, 10));
  g_assert_true (wait_for (nothing_pending, fx, 10));
  vz_outbox_set_clock (outbox, a_minute_on, NULL, NULL);
  spin (500);
  g_assert_true (server_has_one (fx));
  vz_outbox_set_clock (outbox, NULL, NULL, NULL);

  /* After the window: the delete lands, and Ctrl+Z makes it again. */
  delete_breakfast (fx);
  vz_outbox_set_clock (outbox, a_minute_on, NULL, NULL);
  g_assert_true (wait_for (server_has_none, fx, 15));
  g_assert_true (wait_for (nothing_pending, fx, 10));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fx->engine), ==, "Deleted “Breakfast”");
  x_keys (GTK_WINDOW (fx->window), "ctrl+z");
  g_assert_true (wait_for (week_shows_breakfast, fx, 10));
  g_assert_true (wait_for (toast_says_undone, fx, 10));
  g_assert_true (wait_for (server_has_one, fx, 15));
  g_assert_true (wait_for (nothing_pending, fx, 10));

  after = server_schedules (fx);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonObject *old = json_array_get_object_element (before, 0);
      JsonObject *now = json_array_get_object_element (after, 0);
      g_autofree char *left = json_to_string (json_object_get_member (old, fields[i]), FALSE);
      g_autofree char *right = json_to_string (json_object_get_member (now, fields[i]), FALSE);

      g_assert_cmpstr (left, ==, right);
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, 0), "id"), !=, schedule);
  g_assert_cmpstr (breakfast_id (fx), ==,
                   json_object_get_string_member (json_array_get_object_element (after, 0), "id"));

  ui_close_window (fx->window);
  vz_sync_engine_stop (fx->engine);
  g_clear_object (&fx->engine);
  g_free (fx->token);
  vz_test_server_free (fx->server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  ui_init_x11 (&argc, &argv);

  outbox_root = g_dir_make_tmp ("vz-ui-undo-delete-XXXXXX", NULL);
  g_test_add_func ("/ui/undo-delete/schedule", test_undo_delete);
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
