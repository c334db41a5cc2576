/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-device-now"

#include <adwaita.h>

#include "vz-devices-page-private.h"
#include "vz-device-detail-private.h"
#include "vz-schedule-resource.h"
#include "vz-test-monitor.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window.h"

/*
 * "What plays here now" in the screen's pane, against the real server: a
 * schedule playing Morning on the screen all the time beats its own
 * Evening; switched off in the app, the pane says Evening plays, by the
 * screen's own choice.
 */

static char *outbox_root;

typedef struct {
  VzDeviceDetail *detail;
  const char     *want;
} NowWanted;

static gboolean
now_reads (gpointer data)
{
  NowWanted *wanted = data;

  return g_strcmp0 (_vz_device_detail_get_now (wanted->detail), wanted->want) == 0;
}

static gboolean
has_rows (gpointer data)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (data));

  return g_list_model_get_n_items (model) > 0;
}

static gboolean
update_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
keep (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_now (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *screen = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  g_autofree char *screen_path = g_strdup_printf ("/displays/%s", screen);
  g_autofree char *assign = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) keep_node = NULL;
  g_autoptr(JsonNode) changes = json_from_string ("{\"isActive\":false}", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  const char *morning, *evening, *always;
  VzWindow *window;
  VzDevicesPage *page;
  NowWanted wanted = { NULL, NULL };

  morning = json_object_get_string_member (vz_test_server_data (server, "POST", "/playlists", token,
                                                                 "{\"name\":\"Morning\"}", 201, &keep_node), "id");
  morning = g_intern_string (morning);
  evening = g_intern_string (json_object_get_string_member (vz_test_server_data (server, "POST", "/playlists", token,
                                                                                  "{\"name\":\"Evening\"}", 201,
                                                                                  &keep_node), "id"));
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", evening);
  g_assert_cmpuint (vz_test_server_request (server, "PATCH", screen_path, token, assign, NULL), ==, 200);
  body = g_strdup_printf ("{\"name\":\"Always\",\"playlistId\":\"%s\",\"displayId\":\"%s\","
                          "\"daysOfWeek\":[0,1,2,3,4,5,6],\"startDate\":\"2020-01-01\",\"priority\":1}",
                          morning, screen);
  always = g_intern_string (json_object_get_string_member (vz_test_server_data (server, "POST", "/schedules", token,
                                                                                 body, 201, &keep_node), "id"));

  engine = ui_start_engine (server->url, monitor, outbox_root);
  window = ui_open_window (engine, 1200, 800);
  page = vz_window_get_devices_page (window);
  wanted.detail = _vz_devices_page_get_detail (page);
  g_assert_true (wait_for (has_rows, _vz_devices_page_get_column_view (page), 30));
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);

  wanted.want = "Morning, by the schedule “Always”\nNext: No change in the next 7 days";
  g_assert_true (wait_for (now_reads, &wanted, 30));

  /* Switched off here: the pane follows once the server says it ended. */
  vz_sync_engine_update_async (engine, VZ_RESOURCE_SCHEDULE, always, json_node_get_object (changes), NULL,
                               keep, &result);
  g_assert_true (wait_for (update_done, &result, 10));
  g_assert_true (vz_sync_engine_update_finish (engine, result, &error));
  g_assert_no_error (error);
  wanted.want = "Evening, the screen’s own playlist\nNext: No change in the next 7 days";
  g_assert_true (wait_for (now_reads, &wanted, 30));

  ui_close_window (window);
  vz_sync_engine_stop (engine);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  outbox_root = g_dir_make_tmp ("vz-ui-device-now-XXXXXX", NULL);
  g_test_add_func ("/ui/devices/playing-now", test_now);
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
