/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-devices"

/*
 * The Devices page with a large fleet (docs/bench-devices.md): the real
 * application, run in this process as main.c runs it, started from a saved
 * sign-in to a running vizora-server, under Xvfb. One measurement per
 * process (run-devices-bench.py runs them all and gathers the figures):
 *
 *   --mode launch   from the process's start (exec): the first frame with
 *                   rows, the moment the fleet's data has arrived (the sync
 *                   engine "loaded"), and the first frame that shows all the
 *                   screens with live status (the page live, no row "last
 *                   known")
 *   --mode snapshot the same start with the server stopped: from exec to the
 *                   first frame with the saved fleet's rows (the app shows
 *                   its snapshot when the server cannot be reached; a launch
 *                   run before saved it)
 *   --mode scroll   the list from top to bottom with the mouse wheel (xdotool
 *                   clicks of button 5 at --rate steps a second): the app's
 *                   CPU time (user + sys) over the wall time
 *   --mode storm    1,000 device:status changes a second for --seconds,
 *                   handed to the engine as its realtime client hands them
 *                   over after decoding: each frame's time from the frame
 *                   clock's "before-paint" to "after-paint", and the gaps
 *                   between frames
 *   --mode rss      resident memory once the fleet is shown and settled
 *
 * With VZ_BENCH_FRAMES set, every frame before the first with rows is
 * printed (when it ended, its time and the main thread's CPU in it).
 *
 * The account is saved first (as "Stay signed in" does; not for
 * --mode snapshot, which uses the one saved before); the app then starts from
 * it with --server URL, like a person's second start. Screen statuses are whatever the
 * server says (run vizora-sim for online ones).
 */

#include "config.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sys/resource.h>
#include <gdk/x11/gdkx.h>

#include "vz-display.h"
#include "vz-display-resource.h"
#include "vz-entity.h"
#include "vz-memory.h"
#include "vz-realtime-client.h"
#include "vz-session.h"
#include "vz-renderer.h"
#include "vz-snapshot.h"
#include "vz-test-process.h"
#include "vz-ui-test-util.h"

/* As main.c starts the app. */
VZ_MEMORY_SLICES_FROM_MALLOC_AT_START

static char   *mode = NULL;
static char   *server_url = NULL;
static char   *email = NULL;
static int     expected = 10000;
static int     rate = 40;
static int     seconds = 10;

/* ---- clocks ---------------------------------------------------------------- */

/* Milliseconds since this process was exec()ed: /proc/self/stat's start time
 * (clock ticks since boot) against CLOCK_BOOTTIME. */
static double
since_exec_ms (void)
{
  static double start_ms = -1;
  struct timespec now;

  if (start_ms < 0)
    {
      g_autofree char *stat = NULL;
      const char *after;
      unsigned long long ticks = 0;

      g_assert_true (g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL));
      after = strrchr (stat, ')');
      /* Field 22 (starttime); after ") " come fields 3 onwards. */
      g_assert_cmpint (sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                               &ticks), ==, 1);
      start_ms = ticks * 1000.0 / sysconf (_SC_CLK_TCK);
    }
  clock_gettime (CLOCK_BOOTTIME, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6 - start_ms;
}

/* CPU time of the calling (main) thread, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* ---- what the page shows ---------------------------------------------------- */

typedef struct {
  VzWindow      *window;
  VzDevicesPage *page;
  VzSyncEngine  *engine;
  GtkColumnView *view;

  double         first_rows_ms;   /* a frame with rows (the list's first screenful) */
  double         all_rows_ms;     /* a frame with a row for every screen in the list */
  gint64         all_rows_cpu_us;
  double         loaded_ms;       /* the server's data arrived */
  double         live_rows_ms;    /* a frame with every screen, live */
  double         first_frame_after_data_ms;
  guint          first_rows_count;
  double         first_frame_ms;      /* the window's first frame */
  gint64         first_frame_cpu_us;
  double         snapshot_shown_ms;   /* the engine has put the saved fleet in its stores */
  gint64         snapshot_shown_cpu_us;
  gint64         first_rows_cpu_us;   /* the main thread's CPU time from exec then */
  double         first_rows_process_cpu_s;   /* the process's, all threads */
  gint64         loaded_cpu_us;   /* the main thread's CPU time then */
  gint64         live_rows_cpu_us;

  /* storm */
  gboolean       recording;
  gint64         frame_start;
  gint64         frame_start_cpu;
  gint64         last_frame_start;
  GArray        *frame_us;        /* before-paint → after-paint */
  GArray        *frame_cpu_us;    /* the main thread's CPU time in it */
  GArray        *gap_us;          /* before-paint → next before-paint */
} Bench;

static guint
rows_in_view (Bench *bench)
{
  GtkSelectionModel *model = gtk_column_view_get_model (bench->view);

  return model != NULL && gtk_widget_get_mapped (GTK_WIDGET (bench->page)) ?
         g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
}

/* Every visible status cell says a live status (none "last known"). */
static gboolean
statuses_live (Bench *bench)
{
  g_autoptr(GPtrArray) statuses = visible_cells (bench->page, "vz-cell-status");

  if (statuses->len == 0 || !vz_devices_page_get_live (bench->page))
    return FALSE;
  for (guint i = 0; i < statuses->len; i++)
    if (strstr (g_ptr_array_index (statuses, i), "·") != NULL)
      return FALSE;
  return TRUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->recording && bench->last_frame_start != 0)
    {
      gint64 gap = now - bench->last_frame_start;
      g_array_append_val (bench->gap_us, gap);
    }
  bench->frame_start = now;
  bench->frame_start_cpu = thread_cpu_us ();
  bench->last_frame_start = now;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();
  guint rows;

  if (bench->recording && bench->frame_start != 0)
    {
      gint64 took = now - bench->frame_start;
      gint64 cpu = thread_cpu_us () - bench->frame_start_cpu;

      g_array_append_val (bench->frame_us, took);
      g_array_append_val (bench->frame_cpu_us, cpu);
    }
  if (g_getenv ("VZ_BENCH_FRAMES") != NULL && bench->first_rows_ms == 0)
    g_print ("frame: ended %.0f ms after exec (main thread CPU %.0f ms); took %.1f ms (CPU %.1f ms)\n",
             since_exec_ms (), thread_cpu_us () / 1000.0, (now - bench->frame_start) / 1000.0,
             (thread_cpu_us () - bench->frame_start_cpu) / 1000.0);
  if (bench->first_frame_ms == 0)
    {
      bench->first_frame_ms = since_exec_ms ();
      bench->first_frame_cpu_us = thread_cpu_us ();
    }
  if (bench->live_rows_ms > 0)
    return;
  if (bench->loaded_ms > 0 && bench->first_frame_after_data_ms == 0)
    bench->first_frame_after_data_ms = since_exec_ms ();
  rows = rows_in_view (bench);
  if (rows > 0 && bench->first_rows_ms == 0)
    {
      bench->first_rows_ms = since_exec_ms ();
      bench->first_rows_count = rows;
      bench->first_rows_cpu_us = thread_cpu_us ();
      bench->first_rows_process_cpu_s = cpu_seconds ();
    }
  if (rows == (guint) expected && expected > 0 && bench->all_rows_ms == 0)
    {
      bench->all_rows_ms = since_exec_ms ();
      bench->all_rows_cpu_us = thread_cpu_us ();
    }
  if (rows == (guint) expected && bench->loaded_ms > 0 &&
      (expected == 0 ? vz_devices_page_get_live (bench->page) : statuses_live (bench)))
    {
      bench->live_rows_ms = since_exec_ms ();
      bench->live_rows_cpu_us = thread_cpu_us ();
    }
}

static void
loaded_cb (VzSyncEngine *engine,
           GParamSpec   *pspec,
           Bench        *bench)
{
  if (vz_sync_engine_get_loaded (engine) && bench->loaded_ms == 0)
    {
      bench->loaded_ms = since_exec_ms ();
      bench->loaded_cpu_us = thread_cpu_us ();
    }
}

static void
snapshot_time_cb (VzSyncEngine *engine,
                  GParamSpec   *pspec,
                  Bench        *bench)
{
  if (vz_sync_engine_get_snapshot_time (engine) != NULL && bench->snapshot_shown_ms == 0)
    {
      bench->snapshot_shown_ms = since_exec_ms ();
      bench->snapshot_shown_cpu_us = thread_cpu_us ();
    }
}

/* The window's frame clock from its first frame on; the engine as soon as
 * the window has one. */
static void
window_realized_cb (GtkWidget *widget,
                    Bench     *bench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), bench);
}

static void
engine_changed_cb (VzWindow   *window,
                   GParamSpec *pspec,
                   Bench      *bench)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  if (engine == NULL || engine == bench->engine)
    return;
  bench->engine = engine;
  g_signal_connect (engine, "notify::loaded", G_CALLBACK (loaded_cb), bench);
  g_signal_connect (engine, "notify::snapshot-time", G_CALLBACK (snapshot_time_cb), bench);
  loaded_cb (engine, NULL, bench);
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 Bench          *bench)
{
  if (!VZ_IS_WINDOW (window) || bench->window != NULL)
    return;
  bench->window = VZ_WINDOW (window);
  bench->page = vz_window_get_devices_page (bench->window);
  bench->view = _vz_devices_page_get_column_view (bench->page);
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), bench);
  g_signal_connect (window, "notify::sync-engine", G_CALLBACK (engine_changed_cb), bench);
  engine_changed_cb (bench->window, NULL, bench);
}

static void
setup_phase (VzApplication *app,
             gpointer       data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), data);
}

static gboolean
fleet_live (gpointer data)
{
  return ((Bench *) data)->live_rows_ms > 0;
}

static gboolean
fleet_rows (gpointer data)
{
  return ((Bench *) data)->all_rows_ms > 0;
}

/* ---- the measurements ------------------------------------------------------- */

static void
measure_snapshot (Bench *bench)
{
  g_print ("first frame: %.0f ms after exec (main thread CPU %.0f ms)\n", bench->first_frame_ms,
           bench->first_frame_cpu_us / 1000.0);
  g_print ("saved fleet in the stores: %.0f ms after exec (main thread CPU %.0f ms)\n", bench->snapshot_shown_ms,
           bench->snapshot_shown_cpu_us / 1000.0);
  g_print ("first frame with the saved fleet's rows (a list of %u): %.0f ms after exec; main thread CPU %.0f ms, "
           "process CPU %.0f ms\n", bench->first_rows_count, bench->first_rows_ms,
           bench->first_rows_cpu_us / 1000.0, bench->first_rows_process_cpu_s * 1000);
  g_print ("first frame with all %d in the list: %.0f ms after exec; main thread CPU %.0f ms\n", expected,
           bench->all_rows_ms, bench->all_rows_cpu_us / 1000.0);
  g_print ("RESULT snapshot first_rows_ms=%.0f first_rows=%u cpu_ms=%.0f process_cpu_ms=%.0f "
           "first_frame_ms=%.0f first_frame_cpu_ms=%.0f stores_ms=%.0f stores_cpu_ms=%.0f "
           "all_rows_ms=%.0f all_rows_cpu_ms=%.0f\n",
           bench->first_rows_ms, bench->first_rows_count, bench->first_rows_cpu_us / 1000.0,
           bench->first_rows_process_cpu_s * 1000, bench->first_frame_ms, bench->first_frame_cpu_us / 1000.0,
           bench->snapshot_shown_ms, bench->snapshot_shown_cpu_us / 1000.0,
           bench->all_rows_ms, bench->all_rows_cpu_us / 1000.0);
}

static void
measure_launch (Bench *bench)
{
  g_print ("first frame with rows: %.0f ms after exec (%u rows)\n", bench->first_rows_ms, bench->first_rows_count);
  g_print ("data arrived (engine loaded): %.0f ms after exec\n", bench->loaded_ms);
  g_print ("first frame after the data: %.0f ms after exec\n", bench->first_frame_after_data_ms);
  g_print ("all %d rows shown with live status: %.0f ms after exec, %.0f ms after the data "
           "(main thread CPU in between: %.0f ms)\n",
           expected, bench->live_rows_ms, bench->live_rows_ms - bench->loaded_ms,
           (bench->live_rows_cpu_us - bench->loaded_cpu_us) / 1000.0);
  g_print ("RESULT launch first_rows_ms=%.0f loaded_ms=%.0f live_rows_ms=%.0f beyond_data_ms=%.0f "
           "beyond_data_cpu_ms=%.0f first_frame_after_data_ms=%.0f first_rows=%u\n",
           bench->first_rows_ms, bench->loaded_ms, bench->live_rows_ms,
           bench->live_rows_ms - bench->loaded_ms, (bench->live_rows_cpu_us - bench->loaded_cpu_us) / 1000.0,
           bench->first_frame_after_data_ms, bench->first_rows_count);
}

static GtkAdjustment *
list_adjustment (Bench *bench)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench->view));
}

static gboolean
at_bottom (gpointer data)
{
  GtkAdjustment *adj = list_adjustment (data);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >= gtk_adjustment_get_upper (adj) - 1;
}

static void
measure_scroll (Bench *bench)
{
  GtkAdjustment *adj = list_adjustment (bench);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (bench->window));
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *delay = g_strdup_printf ("%d", 1000 / MAX (rate, 1));
  graphene_point_t center;
  double upper, step, c0, t0, cpu, wall;
  guint steps;
  GSubprocess *xdotool;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (bench->view), GTK_WIDGET (bench->window),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (bench->view)) / 2.0,
                                                                 gtk_widget_get_height (GTK_WIDGET (bench->view)) / 2.0),
                                           &center));
  gtk_adjustment_set_value (adj, 0);
  spin (500);
  upper = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  /* GtkScrolledWindow's step for one wheel notch. */
  step = pow (gtk_adjustment_get_page_size (adj), 2.0 / 3.0);
  steps = (guint) ceil (upper / step) + 20;
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  x = g_strdup_printf ("%d", (int) center.x);
  y = g_strdup_printf ("%d", (int) center.y);
  g_print ("scrolling %.0f px in about %u wheel steps at %d a second\n", upper, steps, rate);

  {
    const char *argv[] = { "xdotool", "mousemove", "--window", xid, x, y, NULL };

    xdotool = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (xdotool, NULL, &error));
    g_object_unref (xdotool);
    spin (300);
  }
  c0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  /* Rounds of 50 steps (a step may scroll less than GtkScrolledWindow's
   * nominal one), until the bottom is reached or twice the steps are spent. */
  for (guint done = 0; !at_bottom (bench) && done < 2 * steps; done += 50)
    {
      const char *argv[] = { "xdotool", "click", "--repeat", "50", "--delay", delay, "5", NULL };

      xdotool = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
      g_assert_no_error (error);
      while (!at_bottom (bench) && g_subprocess_get_identifier (xdotool) != NULL)
        g_main_context_iteration (NULL, TRUE);
      g_subprocess_force_exit (xdotool);
      g_object_unref (xdotool);
    }
  cpu = cpu_seconds () - c0;
  wall = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("reached the bottom: %s; %.1f s, app CPU %.2f s = %.0f %% of one core\n",
           at_bottom (bench) ? "yes" : "NO", wall, cpu, 100 * cpu / wall);
  g_print ("RESULT scroll bottom=%d wall_s=%.1f cpu_s=%.2f core_pct=%.0f steps=%u rate=%d\n",
           at_bottom (bench), wall, cpu, 100 * cpu / wall, steps, rate);
}

typedef struct {
  Bench     *bench;
  GPtrArray *targets;   /* display ids */
  gint64     start;
  guint      sent;
  guint      total;
} Storm;

/* Each change newer than the last (the engine drops an event older than
 * what it holds), each screen's status flipping. */
static JsonNode *
status_change (Storm *storm)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add (now, storm->sent);   /* µs apart, always increasing */
  g_autofree char *base = g_date_time_format (at, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *stamp = g_strdup_printf ("%s.%06dZ", base, g_date_time_get_microsecond (at));
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "deviceId", g_ptr_array_index (storm->targets, storm->sent % storm->targets->len));
  json_object_set_string_member (obj, "status", (storm->sent / storm->targets->len) % 2 ? "online" : "offline");
  json_object_set_string_member (obj, "lastSeen", stamp);
  json_object_set_string_member (obj, "timestamp", stamp);
  return json_node_init_object (json_node_alloc (), obj);
}

static gboolean
storm_tick (gpointer data)
{
  Storm *storm = data;
  gint64 due = (g_get_monotonic_time () - storm->start) / 1000;   /* one an ms: 1,000 a second */
  VzRealtimeClient *client = vz_sync_engine_get_realtime_client (storm->bench->engine);

  due = MIN (due, (gint64) storm->total);
  while (storm->sent < due)
    {
      g_autoptr(JsonNode) payload = status_change (storm);

      g_signal_emit_by_name (client, "event", "device:status", payload, (gint64) -1);
      storm->sent++;
    }
  return storm->sent < storm->total ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_distribution (const char *what,
                    GArray     *values)
{
  guint over = 0;

  g_array_sort (values, compare_gint64);
  for (guint i = 0; i < values->len; i++)
    if (g_array_index (values, gint64, i) >= 16000)
      over++;
  g_print ("%s: %u, median %.1f ms, p99 %.1f ms, max %.1f ms, %u of 16 ms or more\n", what, values->len,
           g_array_index (values, gint64, values->len / 2) / 1000.0,
           g_array_index (values, gint64, values->len * 99 / 100) / 1000.0,
           g_array_index (values, gint64, values->len - 1) / 1000.0, over);
}

static void
measure_storm (Bench *bench)
{
  VzStore *displays = vz_sync_engine_get_displays (bench->engine);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (displays));
  Storm storm = { bench, g_ptr_array_new_with_free_func (g_free), 0, 0, (guint) seconds * 1000 };
  GtkSelectionModel *model = gtk_column_view_get_model (bench->view);
  double c0, t0;
  guint over = 0;
  guint cpu_over = 0;

  /* Half the changes for the rows on screen (the first ones of the list as
   * sorted), half spread over the whole fleet. */
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GObject) item = i % 2 == 0 ? g_list_model_get_item (G_LIST_MODEL (model), (i / 2) % 30)
                                           : g_list_model_get_item (G_LIST_MODEL (displays), (i * 7919) % n);

      g_ptr_array_add (storm.targets, g_strdup (vz_entity_get_id (VZ_ENTITY (item))));
    }
  gtk_adjustment_set_value (list_adjustment (bench), 0);
  spin (1000);

  bench->frame_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->frame_cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->gap_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->last_frame_start = 0;
  bench->recording = TRUE;
  c0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  storm.start = g_get_monotonic_time ();
  g_timeout_add (4, storm_tick, &storm);
  while (storm.sent < storm.total)
    g_main_context_iteration (NULL, TRUE);
  bench->recording = FALSE;

  g_print ("%u status changes in %.1f s; app CPU %.0f %% of one core\n", storm.sent,
           (g_get_monotonic_time () - t0) / 1e6, 100 * (cpu_seconds () - c0) / ((g_get_monotonic_time () - t0) / 1e6));
  print_distribution ("frames (before-paint to after-paint)", bench->frame_us);
  print_distribution ("main-thread CPU time in each frame", bench->frame_cpu_us);
  print_distribution ("gaps between frame starts", bench->gap_us);
  for (guint i = 0; i < bench->frame_us->len; i++)
    over += g_array_index (bench->frame_us, gint64, i) >= 16000;
  for (guint i = 0; i < bench->frame_cpu_us->len; i++)
    cpu_over += g_array_index (bench->frame_cpu_us, gint64, i) >= 16000;
  g_print ("RESULT storm frames=%u cpu_p99_ms=%.1f cpu_max_ms=%.1f cpu_over_16=%u frame_p99_ms=%.1f frame_max_ms=%.1f "
           "frames_over_16=%u gap_median_ms=%.1f gap_max_ms=%.1f\n",
           bench->frame_us->len,
           g_array_index (bench->frame_cpu_us, gint64, bench->frame_cpu_us->len * 99 / 100) / 1000.0,
           g_array_index (bench->frame_cpu_us, gint64, bench->frame_cpu_us->len - 1) / 1000.0, cpu_over,
           g_array_index (bench->frame_us, gint64, bench->frame_us->len * 99 / 100) / 1000.0,
           g_array_index (bench->frame_us, gint64, bench->frame_us->len - 1) / 1000.0, over,
           g_array_index (bench->gap_us, gint64, bench->gap_us->len / 2) / 1000.0,
           g_array_index (bench->gap_us, gint64, bench->gap_us->len - 1) / 1000.0);
  g_array_unref (bench->frame_us);
  g_array_unref (bench->frame_cpu_us);
  g_array_unref (bench->gap_us);
  g_ptr_array_unref (storm.targets);
}

/* malloc_info()'s heaps: what the main thread's arena and the worker
 * threads' arenas hold in use and free, and the blocks mapped on their own. */
static void
print_arenas (void)
{
  g_autofree char *xml = NULL;
  size_t len = 0;
  FILE *stream = open_memstream (&xml, &len);
  double in_use[2] = { 0, 0 }, free_mib[2] = { 0, 0 }, mmapped = 0;
  const char *heap;
  guint n_threads = 0;

  g_assert_nonnull (stream);
  malloc_info (0, stream);
  fclose (stream);
  for (heap = strstr (xml, "<heap nr=\""); heap != NULL; heap = strstr (heap + 1, "<heap nr=\""))
    {
      const char *end = strstr (heap, "</heap>");
      const char *fast = strstr (heap, "<total type=\"fast\"");
      const char *rest = strstr (heap, "<total type=\"rest\"");
      const char *current = strstr (heap, "<system type=\"current\"");
      unsigned long long fast_size = 0, rest_size = 0, system = 0;
      guint which = g_str_has_prefix (heap, "<heap nr=\"0\"") ? 0 : 1;

      g_assert_true (end != NULL && fast != NULL && rest != NULL && current != NULL);
      g_assert_true (fast < end && rest < end && current < end);
      sscanf (fast, "<total type=\"fast\" count=\"%*u\" size=\"%llu\"", &fast_size);
      sscanf (rest, "<total type=\"rest\" count=\"%*u\" size=\"%llu\"", &rest_size);
      sscanf (current, "<system type=\"current\" size=\"%llu\"", &system);
      in_use[which] += (system - fast_size - rest_size) / 1048576.0;
      free_mib[which] += (fast_size + rest_size) / 1048576.0;
      n_threads += which;
    }
  heap = strstr (xml, "<total type=\"mmap\"");
  if (heap != NULL)
    {
      unsigned long long size = 0;

      sscanf (heap, "<total type=\"mmap\" count=\"%*u\" size=\"%llu\"", &size);
      mmapped = size / 1048576.0;
    }
  g_print ("arenas: main %.1f MiB in use, %.1f free; %u of threads %.1f MiB in use, %.1f free; mmapped %.1f MiB\n",
           in_use[0], free_mib[0], n_threads, in_use[1], free_mib[1], mmapped);
}

static void
measure_rss (Bench *bench)
{
  /* Let the first frames, the snapshot save and the allocator settle. */
  struct mallinfo2 heap;
  double rss;

  spin (5000);
  rss = vz_test_rss_mib ();
  heap = mallinfo2 ();
  print_arenas ();
  /* How much of it the allocator holds free (freed, not given back to the
   * system): what is left after malloc_trim() is what the app uses. */
  malloc_trim (0);
  /* What the allocator has handed out and not had back (small blocks and
   * mmapped ones): the rest of the resident memory is the libraries, the
   * renderer's buffers and the free memory the allocator keeps. The saved
   * fleet shown before the server's data (snapshot_ms 0: it was not) says
   * which way the start went. */
  g_print ("RESULT rss rows=%u rss_mib=%.1f rss_trimmed_mib=%.1f heap_in_use_mib=%.1f snapshot_ms=%.0f loaded_ms=%.0f\n",
           rows_in_view (bench), rss, vz_test_rss_mib (), (heap.uordblks + heap.hblkhd) / 1048576.0,
           bench->snapshot_shown_ms, bench->loaded_ms);
}

/* Why a wait may have been in vain: the app never started from the saved
 * sign-in (it reads the token from the Secret Service). */
static const char *
not_signed_in (Bench *bench)
{
  if (bench->window == NULL)
    return "; no window was opened";
  if (bench->engine == NULL)
    return "; the app did not start from the saved sign-in (is a Secret Service with an unlocked keyring "
           "on this session bus? run-devices-bench.py starts one)";
  return "";
}

static void
bench_phase (VzApplication *app,
             gpointer       data)
{
  Bench *bench = data;

  if (g_str_equal (mode, "snapshot"))
    {
      if (!wait_for (fleet_rows, bench, 60))
        g_error ("The saved fleet was not shown with %d rows within 60 s (rows: %u)%s", expected,
                 bench->view != NULL ? rows_in_view (bench) : 0, not_signed_in (bench));
      measure_snapshot (bench);
      return;
    }
  if (!wait_for (fleet_live, bench, 180))
    g_error ("The fleet was not shown live with %d rows within 180 s (rows: %u, loaded: %s)%s", expected,
             bench->view != NULL ? rows_in_view (bench) : 0, bench->loaded_ms > 0 ? "yes" : "no",
             not_signed_in (bench));

  if (g_str_equal (mode, "launch"))
    measure_launch (bench);
  else if (g_str_equal (mode, "scroll"))
    measure_scroll (bench);
  else if (g_str_equal (mode, "storm"))
    measure_storm (bench);
  else if (g_str_equal (mode, "rss"))
    measure_rss (bench);
  /* The saved fleet, for the next start. */
  vz_sync_engine_stop (bench->engine);
  spin (2000);
}

/* ---- the saved sign-in ------------------------------------------------------- */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vz_session_save_finish (VZ_SESSION (source), result, &error));
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
save_account (const char *password)
{
  g_autoptr(VzSession) session = vz_session_new (server_url);
  gboolean saved = FALSE;

  sign_in (session, email, password);
  vz_session_save_async (session, NULL, saved_cb, &saved);
  g_assert_true (wait_for (flag_set, &saved, 30));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *password = NULL;
  const GOptionEntry entries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "launch, snapshot, scroll, storm or rss", "MODE" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_url, "The running vizora-server", "URL" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Administrator (password: VIZORA_PASSWORD)", "EMAIL" },
    { "screens", 0, 0, G_OPTION_ARG_INT, &expected, "Screens the server holds (default 10000)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Wheel steps a second (scroll; default 40)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of the storm (default 10)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Devices page benchmark");
  g_autoptr(GError) error = NULL;
  Bench bench = { 0, };

  /* As main.c starts the app. */
  vz_memory_use_malloc_for_slices (argv);
  since_exec_ms ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || mode == NULL || server_url == NULL ||
      email == NULL || g_getenv ("VIZORA_PASSWORD") == NULL)
    {
      g_printerr ("bench-devices: %s\n", error != NULL ? error->message
                                                       : "--mode, --server, --email and VIZORA_PASSWORD are needed");
      return 2;
    }
  password = g_strdup (g_getenv ("VIZORA_PASSWORD"));
  /* GTK starts with the application (its startup), after the saved fleet's
   * read has begun, as in main.c. */
  vz_renderer_prepare ();
  if (!g_str_equal (mode, "snapshot"))
    save_account (password);
  /* As `vizora-desktop --server URL` starts: from the saved sign-in. */
  app_run_full ((const char *[]) { "--server", server_url, NULL }, setup_phase, bench_phase, &bench);
  return 0;
}
