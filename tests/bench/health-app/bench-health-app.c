/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* RUSAGE_THREAD */
#define G_LOG_DOMAIN "bench-health-app"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "vz-alert-notifier.h"
#include "vz-chart.h"
#include "vz-notification-resource.h"

/*
 * Two figures of the app's health side (docs/bench-health-app.md):
 *
 * burst: 1,000 `health:alert` events (critical and warning alerts of 400
 * screens, five sorts), arriving 50 to a main-loop iteration as a socket's
 * reads would bring them, are put in the notifications store (as the sync
 * engine does) and handed to VzAlertNotifier through the engine's
 * "realtime-event" signal; its 2 s window then closes. Measured: the
 * notifications sent, and the longest main-loop stall, as the largest gap
 * between two runs of a 1 ms timer.
 *
 * chart: VzChart with a week of five-minute readings of one screen (2,016
 * points) at 900 × 160 px: snapshot and rasterisation (the render node
 * drawn into an image), 200 times, the first just after the readings were
 * set (the series is drawn then), the others with the read-out moved. Each
 * run's wall time, its thread's CPU time, and how often the scheduler took
 * the CPU away during it (involuntary context switches).
 */

#define EVENTS 1000
#define PER_ITERATION 50

typedef struct {
  VzSyncEngine *engine;
  guint         sent;
  guint         next;
  gint64        last_tick;
  gint64        worst_gap;
  gboolean      done;
} Burst;

static gboolean
tick (gpointer data)
{
  Burst *b = data;
  gint64 now = g_get_monotonic_time ();

  if (b->last_tick != 0)
    b->worst_gap = MAX (b->worst_gap, now - b->last_tick);
  b->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
deliver (gpointer data)
{
  Burst *b = data;
  VzStore *store = vz_sync_engine_get_notifications (b->engine);
  static const char * const metrics[] = { "temperature", "cpuUsage", "memoryUsage", "diskUsage" };

  for (guint n = 0; n < PER_ITERATION && b->next < EVENTS; n++, b->next++)
    {
      guint i = b->next;
      g_autofree char *text = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *payload;
      g_autoptr(GError) error = NULL;

      if (i % 5 == 4)
        text = g_strdup_printf ("{\"id\":\"n%u\",\"type\":\"device_offline\",\"title\":\"Screen %u is offline\","
                                "\"message\":\"No heartbeat for 2 minutes\",\"severity\":\"critical\",\"read\":false,"
                                "\"dismissedAt\":null,\"createdAt\":\"2026-12-03T10:00:00Z\","
                                "\"metadata\":{\"deviceId\":\"d%u\"}}", i, i % 400, i % 400);
      else
        text = g_strdup_printf ("{\"id\":\"n%u\",\"type\":\"device_health\",\"title\":\"Screen %u: %s\","
                                "\"message\":\"Over the limit\",\"severity\":\"%s\",\"read\":false,"
                                "\"dismissedAt\":null,\"createdAt\":\"2026-12-03T10:00:00Z\","
                                "\"metadata\":{\"deviceId\":\"d%u\",\"metric\":\"%s\",\"value\":95,\"threshold\":90}}",
                                i, i % 400, metrics[i % 5 % 4], i % 2 ? "warning" : "critical", i % 400,
                                metrics[i % 5 % 4]);
      g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
      payload = json_parser_get_root (parser);
      g_assert_nonnull (vz_store_upsert_json (store, json_node_get_object (payload), &error));
      g_signal_emit_by_name (b->engine, "realtime-event", "health:alert", payload);
    }
  return b->next < EVENTS ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_sent (VzAlertNotifier *notifier,
         const char      *id,
         const char      *title,
         const char      *body,
         const char      *screen,
         Burst           *b)
{
  b->sent++;
  g_print ("  sent %s: %s — %s\n", id, title, body);
}

static gboolean
finish (gpointer data)
{
  ((Burst *) data)->done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
bench_burst (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");
  g_autoptr(VzAlertNotifier) notifier = vz_alert_notifier_new (NULL, settings);
  Burst b = { 0 };
  guint ticker;
  gint64 start, end;

  b.engine = vz_sync_engine_new (session);
  vz_alert_notifier_set_sync_engine (notifier, b.engine);
  g_signal_connect (notifier, "sent", G_CALLBACK (on_sent), &b);

  ticker = g_timeout_add (1, tick, &b);
  start = g_get_monotonic_time ();
  g_idle_add (deliver, &b);
  /* The window is 2 s; the burst is over well before 3 s. */
  g_timeout_add (3000, finish, &b);
  while (!b.done)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  g_source_remove (ticker);

  g_print ("burst: %u health:alert events → %u notifications; longest main-loop stall %.1f ms "
           "(1 ms timer; run %.2f s)\n", EVENTS, b.sent, b.worst_gap / 1000.0, (end - start) / 1e6);
  vz_alert_notifier_set_sync_engine (notifier, NULL);
  g_object_unref (b.engine);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* This thread's CPU time: what the drawing costs, apart from the time the
 * shared machine's other work takes the CPU away. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How often the scheduler has taken the CPU from this thread. */
static long
preemptions (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_nivcsw;
}

static void
bench_chart (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = vz_chart_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzChartPoint));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 160);
  double times[200], cpu[200], snap[200], first_wall = 0, first_cpu = 0;
  double worst_wall = 0, worst_cpu = 0, calm_max = 0;
  long worst_switches = 0;
  guint calm = 0;
  gint64 start = g_get_real_time () - 7 * G_TIME_SPAN_DAY;

  for (guint i = 0; i < 7 * 288; i++)
    {
      VzChartPoint p = { start + i * 5 * G_TIME_SPAN_MINUTE, 45 + 20 * sin (i / 40.0) };

      g_array_append_val (points, p);
    }
  vz_chart_set_title (VZ_CHART (chart), "Temperature");
  vz_chart_set_unit (VZ_CHART (chart), "°C");
  vz_chart_set_points (VZ_CHART (chart), (VzChartPoint *) (void *) points->data, points->len);
  gtk_widget_set_size_request (chart, 900, 160);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  /* The readings again: the first run draws the series, as after a change. */
  vz_chart_set_points (VZ_CHART (chart), (VzChartPoint *) (void *) points->data, points->len);
  vz_chart_select (VZ_CHART (chart), 1000);

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      GskRenderNode *node;
      cairo_t *cr;
      long s0 = preemptions (), switches;
      gint64 t0 = g_get_monotonic_time ();
      double c0 = thread_cpu_ms (), c1;

      /* Every run but the first shows another read-out, as hovering does. */
      if (i > 0)
        vz_chart_select (VZ_CHART (chart), (int) (1000 + i));
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      c1 = thread_cpu_ms ();
      cr = cairo_create (surface);
      if (node != NULL)
        gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
      times[i] = (g_get_monotonic_time () - t0) / 1000.0;
      cpu[i] = thread_cpu_ms () - c0;
      snap[i] = c1 - c0;
      switches = preemptions () - s0;
      if (times[i] > worst_wall)
        {
          worst_wall = times[i];
          worst_cpu = cpu[i];
          worst_switches = switches;
        }
      if (switches == 0)
        {
          calm++;
          calm_max = MAX (calm_max, times[i]);
        }
      if (i == 0)
        {
          first_wall = times[0];
          first_cpu = cpu[0];
        }
      g_clear_pointer (&node, gsk_render_node_unref);
    }
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  qsort (cpu, G_N_ELEMENTS (cpu), sizeof cpu[0], compare_doubles);
  qsort (snap, G_N_ELEMENTS (snap), sizeof snap[0], compare_doubles);
  g_print ("chart: 7 days of one screen (%u points, 900 × 160 px), snapshot + draw (200 runs):\n"
           "  wall time:  median %.2f ms, p95 %.2f ms, max %.2f ms; first run %.2f ms\n"
           "  thread CPU: median %.2f ms, p95 %.2f ms, max %.2f ms; first run %.2f ms\n"
           "  of which snapshot (thread CPU): median %.2f ms, max %.2f ms\n"
           "  slowest run: %.2f ms wall, %.2f ms CPU, preempted %ld times\n"
           "  runs never preempted: %u, their wall max %.2f ms\n",
           points->len, times[100], times[190], times[199], first_wall, cpu[100], cpu[190], cpu[199], first_cpu,
           snap[100], snap[199], worst_wall, worst_cpu, worst_switches, calm, calm_max);

  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *load = NULL;

  gtk_init ();
  adw_init ();
  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("load average at start: %s", load);
  bench_burst ();
  bench_chart ();
  g_clear_pointer (&load, g_free);
  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("load average at end: %s", load);
  return 0;
}
