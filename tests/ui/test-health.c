/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-health"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "node-peer.h"
#include "vz-alert-row.h"
#include "vz-chart.h"
#include "vz-device-detail-private.h"
#include "vz-health-page.h"
#include "vz-screen-health-row.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * The Health page against the real server: a screen (the official
 * socket.io-client, sending the heartbeats the test chooses) overheats, the
 * server raises an alert, and the page counts it, lists it (severity in
 * words), scores the screen with the reason, marks it read and dismisses it
 * on the server, shows it resolved, and charts the screen's readings with a
 * summary in words and read-outs by keyboard. Two simulated screens
 * (vizora-sim) keep it company.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  char         *display_id;
  char         *hall_id;
  char         *device_token;
  NodePeer     *screen;
  GSubprocess  *sim;
  VzSyncEngine *engine;
  VzWindow     *window;
  VzHealthPage *page;
  guint         beats;
  gint64        last_beat;
  char         *outbox_dir;
} Fixture;

static void
heartbeat (Fixture *f,
           double   temperature)
{
  g_autofree char *command = g_strdup_printf ("{\"op\":\"emit-ack\",\"name\":\"heartbeat\",\"payload\":{\"metrics\":"
                                              "{\"cpuUsage\":20,\"memoryUsage\":30,\"diskUsage\":40,"
                                              "\"temperature\":%g,\"networkLatency\":10},\"uptime\":%u}}",
                                              temperature, ++f->beats);
  gint64 since = g_get_monotonic_time () - f->last_beat;

  /* The server keeps at most one reading every 5 s in the history. */
  if (f->last_beat != 0 && since < 5500 * G_TIME_SPAN_MILLISECOND)
    spin ((guint) ((5500 * G_TIME_SPAN_MILLISECOND - since) / 1000));
  f->last_beat = g_get_monotonic_time ();
  node_peer_command (f->screen, command);
  json_object_unref (node_peer_expect (f->screen, "ack", "heartbeat", 10000));
}

static GPtrArray *
labels (GtkWidget  *widget,
        const char *css_class)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  collect_labels (widget, css_class, out);
  return out;
}

static char *
joined (GtkWidget  *widget,
        const char *css_class)
{
  g_autoptr(GPtrArray) texts = labels (widget, css_class);

  g_ptr_array_add (texts, NULL);
  return g_strjoinv ("|", (char **) texts->pdata);
}

typedef struct {
  GtkWidget  *widget;
  const char *css_class;
  const char *text;
} Shows;

/* The labels with the class, joined by "|", hold @text. */
static gboolean
shows (gpointer data)
{
  Shows *want = data;
  g_autofree char *all = joined (want->widget, want->css_class);

  return strstr (all, want->text) != NULL;
}

static void
assert_shows (GtkWidget  *widget,
              const char *css_class,
              const char *text)
{
  Shows want = { widget, css_class, text };

  if (!wait_for (shows, &want, 30))
    {
      g_autofree char *all = joined (widget, css_class);

      g_error ("Expected “%s” among the %s labels, found “%s”", text, css_class, all);
    }
}

static gboolean
no_alert_rows (gpointer data)
{
  return ui_find_descendant (data, VZ_TYPE_ALERT_ROW) == NULL;
}

static JsonObject *
server_notification (Fixture    *f,
                     const char *id,
                     JsonNode  **keep)
{
  JsonObject *page = vz_test_server_data (f->server, "GET", "/notifications?limit=100", f->token, NULL, 200, keep);
  JsonArray *items = json_object_get_array_member (page, "data");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return item;
    }
  /* Dismissed notifications are not listed. */
  return NULL;
}

typedef struct {
  Fixture    *f;
  const char *id;
  const char *member;
} ServerSays;

static gboolean
server_read (gpointer data)
{
  ServerSays *want = data;
  g_autoptr(JsonNode) keep = NULL;

  JsonObject *item = server_notification (want->f, want->id, &keep);

  return item != NULL && json_object_get_boolean_member (item, "read");
}

static gboolean
server_dismissed (gpointer data)
{
  ServerSays *want = data;
  g_autoptr(JsonNode) keep = NULL;
  return server_notification (want->f, want->id, &keep) == NULL;
}

static gboolean
is_unread_toggle (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Unread") == 0;
}

static gboolean
is_chart (GtkWidget     *widget,
          gconstpointer  data)
{
  return VZ_IS_CHART (widget);
}

static gboolean
chart_has_points (gpointer data)
{
  return vz_chart_get_n_points (data) >= 2;
}

static VzChart *temperature_chart;

static gboolean
summary_says (gpointer data)
{
  return strstr (vz_chart_get_summary (temperature_chart), data) != NULL;
}

static gboolean
engine_loaded (gpointer data)
{
  return vz_sync_engine_get_loaded (data);
}

static void
fixture_start (Fixture *f)
{
  vz_test_require_node ();
  f->server = vz_test_server_start (NULL);
  f->token = vz_test_server_login (f->server);
  f->display_id = vz_test_server_pair_screen (f->server, f->token, "Lobby", &f->device_token);
  f->hall_id = vz_test_server_pair_screen (f->server, f->token, "Hall", NULL);
  f->screen = node_peer_spawn (f->server->url, "plain", f->device_token, "websocket");
  json_object_unref (node_peer_expect (f->screen, "connect", NULL, 10000));
  heartbeat (f, 45);
  f->sim = vz_test_server_start_sim (f->server, "2", "7");

  f->outbox_dir = g_dir_make_tmp ("vz-ui-health-XXXXXX", NULL);
  f->engine = ui_start_engine (f->server->url, NULL, f->outbox_dir);
  f->window = ui_open_window (f->engine, 1000, 900);
  f->page = vz_window_get_health_page (f->window);
  g_assert_true (wait_for (engine_loaded, f->engine, 30));
}

static void
fixture_stop (Fixture *f)
{
  ui_close_window (f->window);
  vz_sync_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_subprocess_force_exit (f->sim);
  g_clear_object (&f->sim);
  g_clear_pointer (&f->screen, node_peer_free);
  g_clear_pointer (&f->server, vz_test_server_free);
  vz_test_remove_tree (f->outbox_dir);
  g_free (f->outbox_dir);
  g_free (f->token);
  g_free (f->display_id);
  g_free (f->hall_id);
  g_free (f->device_token);
}

static void
test_health_page (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  GtkWidget *page;
  GtkWidget *row;
  VzDeviceDetail *detail;
  g_autofree char *alert_id = NULL;
  ServerSays says = { f, NULL, NULL };
  VzChart *chart;

  fixture_start (f);
  page = GTK_WIDGET (f->page);

  /* Alt+5, pressed on the keyboard, shows the page. */
  x_keys (GTK_WINDOW (f->window), "alt+5");
  g_assert_true (gtk_widget_get_mapped (page));
  /* Online, offline, warning, critical: Lobby and the two simulated
   * screens are online; Hall never came. */
  assert_shows (page, "vz-health-count", "3|0|0|0");
  assert_shows (page, "vz-health-reason", "Waiting for pairing");

  /* Lobby overheats: the server's alert comes, is counted and listed. */
  heartbeat (f, 86);
  assert_shows (page, "vz-alert-severity", "Critical");
  assert_shows (page, "vz-alert-detail", "Lobby");
  assert_shows (page, "vz-health-count", "3|0|0|1");
  /* The least healthy screen comes first, with its score and why. */
  assert_shows (page, "vz-health-name", "Lobby|");
  assert_shows (page, "vz-health-level", "Critical");
  assert_shows (page, "vz-health-reason", "Temperature 86 °C, over 80 °C");
  row = ui_find_descendant (page, VZ_TYPE_ALERT_ROW);
  g_assert_nonnull (row);
  alert_id = g_strdup (vz_entity_get_id (VZ_ENTITY (vz_alert_row_get_notification (VZ_ALERT_ROW (row)))));
  says.id = alert_id;

  /* Mark it read, with a click: the server has it read. */
  x_click (ui_find_action_button (row, "health.read-alert"), NULL, 1);
  g_assert_true (wait_for (server_read, &says, 30));
  g_assert_nonnull (ui_find_descendant (page, VZ_TYPE_ALERT_ROW));
  g_assert_true (vz_notification_get_read (vz_alert_row_get_notification (VZ_ALERT_ROW (row))));

  /* Unread only: nothing left to show. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (ui_find_widget (page, is_unread_toggle, NULL)), TRUE);
  g_assert_true (wait_for (no_alert_rows, page, 10));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (ui_find_widget (page, is_unread_toggle, NULL)), FALSE);
  assert_shows (page, "vz-alert-severity", "Critical");

  /* It cools down: the alert shows resolved, the screen healthy again. */
  heartbeat (f, 50);
  assert_shows (page, "vz-alert-detail", "Resolved");
  assert_shows (page, "vz-health-count", "3|0|0|0");

  /* Dismissed, it leaves the feed and the server knows. */
  row = ui_find_descendant (page, VZ_TYPE_ALERT_ROW);
  x_click (ui_find_action_button (row, "health.dismiss-alert"), NULL, 1);
  g_assert_true (wait_for (no_alert_rows, page, 10));
  g_assert_true (wait_for (server_dismissed, &says, 30));

  /* Lobby's charts: its readings (the server's history), summed up in
   * words, read out by key; the week's too. */
  g_assert_true (gtk_widget_activate_action (page, "health.show-screen", "s", f->display_id));
  g_assert_cmpstr (vz_health_page_get_screen_id (f->page), ==, f->display_id);
  chart = VZ_CHART (ui_find_widget (page, is_chart, NULL));
  g_assert_true (wait_for (chart_has_points, chart, 30));
  /* The first chart is the CPU's; the temperature's is the last. */
  for (GtkWidget *w = GTK_WIDGET (chart); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (VZ_IS_CHART (w))
      chart = VZ_CHART (w);
  temperature_chart = chart;
  g_assert_nonnull (strstr (vz_chart_get_summary (chart), "Temperature over the last 24 hours: latest 50 °C"));
  g_assert_nonnull (strstr (vz_chart_get_summary (chart), "highest 86 °C"));
  gtk_widget_grab_focus (GTK_WIDGET (chart));
  x_keys (GTK_WINDOW (f->window), "End");
  g_assert_nonnull (vz_chart_get_readout (chart));
  g_assert_nonnull (strstr (vz_chart_get_readout (chart), "50 °C"));
  gtk_widget_activate_action (page, "health.period", "s", "week");
  g_assert_true (wait_for (summary_says, (gpointer) "over the last 7 days", 30));
  gtk_widget_activate_action (page, "health.back", NULL);

  /* The Devices detail: a reading, and "Unknown" (never -1) for none. */
  g_assert_true (vz_window_show_screen (f->window, f->display_id));
  detail = _vz_devices_page_get_detail (vz_window_get_devices_page (f->window));
  assert_shows (GTK_WIDGET (detail->temperature_label), "numeric", "50 °C");
  g_assert_true (vz_window_show_screen (f->window, f->hall_id));
  assert_shows (GTK_WIDGET (detail->temperature_label), "numeric", "Unknown");
  assert_shows (GTK_WIDGET (detail->cpu_label), "numeric", "Unknown");

  fixture_stop (f);
}

/* The chart alone: a week of five-minute readings, in words and by key. */
static void
test_chart (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = vz_chart_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzChartPoint));
  /* Wednesday 2 December 2026, 00:00 UTC, minus 7 days. */
  gint64 start = (gint64) 1796169600 * G_USEC_PER_SEC - 7 * G_TIME_SPAN_DAY;

  for (guint i = 0; i < 7 * 288; i++)
    {
      VzChartPoint p = { start + i * 5 * G_TIME_SPAN_MINUTE, 40 + (i % 288) / 12.0 };

      /* A gap of an hour: no readings, never a sentinel. */
      if (i >= 1000 && i < 1012)
        p.value = NAN;
      g_array_append_val (points, p);
    }
  vz_chart_set_title (VZ_CHART (chart), "Temperature");
  vz_chart_set_period (VZ_CHART (chart), "over the last 7 days");
  vz_chart_set_unit (VZ_CHART (chart), "°C");
  vz_chart_set_points (VZ_CHART (chart), (VzChartPoint *) points->data, points->len);
  g_assert_cmpuint (vz_chart_get_n_points (VZ_CHART (chart)), ==, 2016);
  g_assert_cmpstr (vz_chart_get_summary (VZ_CHART (chart)), ==,
                   "Temperature over the last 7 days: latest 64 °C, average 52 °C, lowest 40 °C at Wed 00:00, "
                   "highest 64 °C at Wed 23:55");

  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 200);
  gtk_window_present (GTK_WINDOW (window));
  spin (300);
  gtk_widget_grab_focus (chart);
  g_assert_true (gtk_widget_has_focus (chart));
  /* Home, then Right, on the keyboard: the first readings, read out. */
  x_keys (GTK_WINDOW (window), "Home");
  g_assert_cmpstr (vz_chart_get_readout (VZ_CHART (chart)), ==, "Wed 00:00 · 40 °C");
  x_keys (GTK_WINDOW (window), "Right");
  g_assert_cmpstr (vz_chart_get_readout (VZ_CHART (chart)), ==, "Wed 00:05 · 40 °C");
  /* A reading that was not there reads "Unknown". */
  vz_chart_select (VZ_CHART (chart), 1005);
  g_assert_nonnull (strstr (vz_chart_get_readout (VZ_CHART (chart)), "Unknown"));
  /* The pointer over its middle reads out the reading under it. */
  x_click (chart, NULL, 1);
  g_assert_nonnull (vz_chart_get_readout (VZ_CHART (chart)));

  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

int
main (int   argc,
      char *argv[])
{
  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/health/page", test_health_page);
  g_test_add_func ("/ui/health/chart", test_chart);

  return g_test_run ();
}
