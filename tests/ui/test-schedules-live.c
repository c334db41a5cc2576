/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-schedules-live"

#include "config.h"

#include <adwaita.h>

#include "vz-device-detail-private.h"
#include "vz-devices-page-private.h"
#include "vz-schedule-block.h"
#include "vz-schedule-resource.h"
#include "vz-schedules-page.h"
#include "vz-test-monitor.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window.h"

/*
 * End to end, on the real clock: a schedule made in the app that starts at
 * the next minute switches a simulated screen (vizora-sim) from its own playlist to the
 * schedule's, and the app shows it as it happens: the week view's block
 * says it plays now (the server's schedule:executed), and the screen's
 * pane says what plays and why. The server's side (playlist:update to the
 * screen, schedule:executed to a socket.io-client dashboard) is
 * tests/interop/server/test-schedule-interop.c.
 */

static char *outbox_root;

typedef struct {
  VzTestServer    *server;
  char            *token;
  char            *screen;
  VzWindow        *window;
  VzSchedulesPage *page;
  VzDeviceDetail  *detail;
  const char      *want;
} Fixture;

static char *
create_playlist (Fixture    *fx,
                 const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\"}",
                                           name, name);
  g_autofree char *content = vz_test_server_create (fx->server, fx->token, "/content", body);
  g_autofree char *playlist = g_strdup_printf ("{\"name\":\"%s\",\"items\":[{\"contentId\":\"%s\"}]}", name, content);

  return vz_test_server_create (fx->server, fx->token, "/playlists", playlist);
}

/* The playlist the screen said it shows in its last heartbeat. */
static gboolean
screen_plays (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", fx->screen);
  JsonObject *display = vz_test_server_data (fx->server, "GET", path, fx->token, NULL, 200, &keep);
  JsonObject *current = json_object_get_null_member (display, "currentContent")
                        ? NULL : json_object_get_object_member (display, "currentContent");

  return current != NULL && g_strcmp0 (json_object_get_string_member (current, "playlistId"), fx->want) == 0;
}

static gboolean
week_has (gpointer data)
{
  Fixture *fx = data;
  GPtrArray *blocks = vz_schedule_week_get_blocks (vz_schedules_page_get_week (fx->page));

  for (guint i = 0; i < blocks->len; i++)
    if (strstr (vz_schedule_block_get_label (g_ptr_array_index (blocks, i)), fx->want) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
pane_reads (gpointer data)
{
  Fixture *fx = data;
  const char *now = _vz_device_detail_get_now (fx->detail);

  return now != NULL && g_str_has_prefix (now, fx->want);
}

static void
keep (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* What the screen, the week and the pane show, for a failure's message. */
static char *
describe (Fixture *fx)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", fx->screen);
  JsonObject *display = vz_test_server_data (fx->server, "GET", path, fx->token, NULL, 200, &keep);
  JsonNode *current = json_object_get_member (display, "currentContent");

  g_string_append_printf (text, "The screen reports playing %s.",
                          current != NULL && JSON_NODE_HOLDS_OBJECT (current)
                            ? json_object_get_string_member_with_default (json_node_get_object (current),
                                                                          "playlistId", "nothing")
                            : "nothing");
  if (fx->page != NULL)
    {
      GPtrArray *blocks = vz_schedule_week_get_blocks (vz_schedules_page_get_week (fx->page));

      g_string_append_printf (text, " The week shows %u blocks:", blocks->len);
      for (guint i = 0; i < blocks->len; i++)
        g_string_append_printf (text, " [%s]", vz_schedule_block_get_label (g_ptr_array_index (blocks, i)));
      g_string_append_c (text, '.');
    }
  if (fx->detail != NULL)
    {
      const char *now = _vz_device_detail_get_now (fx->detail);

      g_string_append_printf (text, " The screen's pane says “%s”.", now != NULL ? now : "");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Waits up to @timeout_s for @condition, else ends the test at once saying
 * what was awaited and what shows (the server and the simulator die with
 * the test). */
static void
expect (Condition   condition,
        Fixture    *fx,
        guint       timeout_s,
        const char *what)
{
  g_autofree char *seen = NULL;

  if (wait_for (condition, fx, timeout_s))
    return;
  seen = describe (fx);
  g_error ("%s: not within %u s (looked for “%s”). %s", what, timeout_s, fx->want, seen);
}

static gboolean
has_rows (gpointer data)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (data));

  return g_list_model_get_n_items (model) > 0;
}

static void
test_live (void)
{
  const char *args[] = { "--heartbeat-interval", "2", NULL };
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autofree char *all_day = NULL;
  g_autofree char *morning = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *window = NULL;
  VzDevicesPage *devices;
  gint64 now, start;
  int minute;

  fx->server = vz_test_server_start (args);
  fx->token = vz_test_server_login (fx->server);
  sim = vz_test_server_start_sim (fx->server, "1", "7");
  fx->screen = vz_test_server_wait_online_display (fx->server, fx->token);
  all_day = create_playlist (fx, "All day");
  morning = create_playlist (fx, "Morning");
  path = g_strdup_printf ("/displays/%s", fx->screen);
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\",\"timezone\":\"UTC\"}", all_day);
  g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", path, fx->token, assign, NULL), ==, 200);
  fx->want = all_day;
  expect (screen_plays, fx, 30, "The simulated screen plays the playlist assigned to it");

  engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (engine, 1280, 800);
  fx->page = vz_window_get_schedules_page (fx->window);
  devices = vz_window_get_devices_page (fx->window);
  fx->detail = _vz_devices_page_get_detail (devices);
  if (!wait_for (has_rows, _vz_devices_page_get_column_view (devices), 30))
    g_error ("The Devices page lists no screen within 30 s");
  g_signal_emit_by_name (_vz_devices_page_get_column_view (devices), "activate", 0);
  gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "schedules");
  vz_schedules_page_show_target (fx->page, fx->screen);

  /* A schedule from a minute at least 45 s away, so that it is made and
   * shown before it starts however slow the machine (the three steps
   * before it starts have 15 s each), for ten minutes, every day, in the
   * screen's zone (UTC). */
  now = g_get_real_time () / G_USEC_PER_SEC;
  /* Not across midnight: the next start would then be told with its day. */
  if (86400 - now % 86400 < 110)
    {
      g_usleep ((86400 - now % 86400 + 1) * G_USEC_PER_SEC);
      now = g_get_real_time () / G_USEC_PER_SEC;
    }
  start = (now / 60 + 1) * 60;
  if (start - now < 45)
    start += 60;
  minute = (int) ((start / 60) % 1440);
  body = g_strdup_printf ("{\"name\":\"Morning news\",\"playlistId\":\"%s\",\"displayId\":\"%s\","
                          "\"daysOfWeek\":[0,1,2,3,4,5,6],\"startTime\":%d,\"endTime\":%d,"
                          "\"startDate\":\"2020-01-01\",\"priority\":2}",
                          morning, fx->screen, minute, (minute + 10) % 1440);
  {
    g_autoptr(JsonNode) request = json_from_string (body, NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(VzSchedule) schedule = NULL;
    g_autoptr(GError) error = NULL;

    vz_sync_engine_create_schedule_async (engine, json_node_get_object (request), NULL, keep, &result);
    if (!wait_for (done, &result, 15))
      g_error ("Creating the schedule through the sync engine got no answer within 15 s");
    schedule = vz_sync_engine_create_schedule_finish (engine, result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (schedule);
  }
  window = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);

  /* Before it starts: the week has it, it does not play yet; the pane
   * says the screen's own playlist plays and this one comes next. */
  fx->want = "Morning news, playlist Morning";
  expect (week_has, fx, 15, "The week view shows the new schedule");
  fx->want = "playing now";
  if (week_has (fx))
    g_error ("The week view says a schedule plays now before any has started. %s", describe (fx));
  {
    g_autofree char *next = g_strdup_printf ("All day, the screen’s own playlist\nNext: Morning from %s", window);

    fx->want = next;
    expect (pane_reads, fx, 15, "The screen's pane says its own playlist plays and the schedule comes next");
  }

  /* At the minute: the simulated screen switches, the week and the pane follow. */
  fx->want = morning;
  expect (screen_plays, fx, 150, "The simulated screen switches to the schedule's playlist at its minute");
  fx->want = "priority 2, plays, playing now";
  expect (week_has, fx, 30, "The week view marks the schedule as playing now");
  fx->want = "Morning, by the schedule “Morning news”";
  expect (pane_reads, fx, 30, "The screen's pane says the schedule's playlist plays");

  ui_close_window (fx->window);
  vz_sync_engine_stop (engine);
  g_subprocess_force_exit (sim);
  g_subprocess_wait (sim, NULL, NULL);
  g_free (fx->screen);
  g_free (fx->token);
  vz_test_server_free (fx->server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  outbox_root = g_dir_make_tmp ("vz-ui-schedules-live-XXXXXX", NULL);
  g_test_add_func ("/ui/schedules/live", test_live);
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
