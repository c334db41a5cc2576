/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-week-view"

/*
 * The Schedules page's week view of one screen with N schedules
 * (docs/bench-schedule.md, "The week view"): the real VzScheduleWeek in a
 * window under X (Xvfb), its store filled with N schedules of that screen
 * (random weekdays, windows, some past midnight or all day, priorities,
 * 20 playlists). Times, each over R runs:
 *   layout    rules from the store, the evaluator's week, lanes, the blocks'
 *             words (what a change to a schedule costs before drawing)
 *   snapshot  the view's render nodes with every block drawn anew (a frame
 *             after the schedules changed)
 *   redraw    the same with the blocks' nodes kept (a frame after the time
 *             line moved)
 *   render    the renderer turning the first of them into pixels
 *   frame     snapshot and render of the same run together (CPU only)
 * as wall-clock time and as the CPU time of the thread that does it all
 * (on a loaded machine the second is the figure to read).
 * Usage: bench-week-view [--schedules N] [--runs R]
 */

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vz-schedule-record.h"
#include "vz-schedule-week.h"

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static VzStore *
fill_store (guint n)
{
  VzStore *store = vz_store_new (VZ_TYPE_SCHEDULE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) json = g_string_new (NULL);
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(GError) error = NULL;
      guint playlist = (guint) g_rand_int_range (rand, 0, 20);
      guint kind = (guint) g_rand_int_range (rand, 0, 10);
      int start = g_rand_int_range (rand, 0, 96) * 15;
      int end = (start + g_rand_int_range (rand, 2, 40) * 15) % 1440;
      gboolean first = TRUE;

      g_string_printf (json, "{\"id\":\"schedule-%u\",\"name\":\"Schedule %u\",\"playlistId\":\"playlist-%u\","
                       "\"playlist\":{\"id\":\"playlist-%u\",\"name\":\"Playlist %u\"},\"displayId\":\"screen-1\","
                       "\"display\":{\"id\":\"screen-1\",\"nickname\":\"Lobby\"},\"daysOfWeek\":[",
                       i, i, playlist, playlist, playlist);
      for (guint d = 0; d < 7; d++)
        if (g_rand_int_range (rand, 0, 100) < 45 || (d == 6 && first))
          {
            g_string_append_printf (json, first ? "%u" : ",%u", d);
            first = FALSE;
          }
      g_string_append (json, "],");
      if (kind == 0)
        g_string_append (json, "\"startTime\":null,\"endTime\":null,");
      else
        g_string_append_printf (json, "\"startTime\":%d,\"endTime\":%d,", start, end);
      g_string_append_printf (json, "\"startDate\":\"2020-01-01\",\"priority\":%d,\"isActive\":%s,"
                              "\"createdAt\":\"2026-01-%02uT00:00:00.000Z\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\"}",
                              g_rand_int_range (rand, 0, 10), kind == 9 ? "false" : "true", 1 + i % 28);
      object = json_node_dup_object (json_from_string (json->str, &error));
      g_assert_no_error (error);
      vz_store_upsert_json (store, object, &error);
      g_assert_no_error (error);
    }
  return store;
}

/* CPU time of this thread, in ms. */
static double
thread_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

typedef struct {
  gint64 wall;
  double cpu;
} Mark;

static Mark
mark (void)
{
  return (Mark) { g_get_monotonic_time (), thread_ms () };
}

/* Adds the time since @from to @wall and @cpu. */
static void
since (Mark    from,
       GArray *wall,
       GArray *cpu)
{
  double w = (g_get_monotonic_time () - from.wall) / 1000.0;
  double c = thread_ms () - from.cpu;

  g_array_append_val (wall, w);
  g_array_append_val (cpu, c);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *ms)
{
  double sum = 0;

  g_array_sort (ms, compare_doubles);
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  printf ("%-9s median %6.2f ms  mean %6.2f ms  p95 %6.2f ms  min %6.2f ms  max %6.2f ms\n", what,
          g_array_index (ms, double, ms->len / 2), sum / ms->len,
          g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100)),
          g_array_index (ms, double, 0), g_array_index (ms, double, ms->len - 1));
}

static GskRenderNode *
snapshot_week (GtkWidget *week,
               gboolean   anew)
{
  GPtrArray *blocks = vz_schedule_week_get_blocks (VZ_SCHEDULE_WEEK (week));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  if (anew)
    for (guint i = 0; i < blocks->len; i++)
      gtk_widget_queue_draw (g_ptr_array_index (blocks, i));
  GTK_WIDGET_GET_CLASS (week)->snapshot (week, snapshot);
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

int
main (int   argc,
      char *argv[])
{
  guint n = 200, runs = 50;
  g_autoptr(VzStore) store = NULL;
  g_autoptr(GArray) layout = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) anew = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) render = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) anew_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) kept_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) render_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *window, *week;
  GskRenderer *renderer;
  double load[3] = { 0 };

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--schedules"))
        n = (guint) atoi (argv[i + 1]);
      else if (g_str_equal (argv[i], "--runs"))
        runs = (guint) MAX (atoi (argv[i + 1]), 1);
    }
  adw_init ();

  store = fill_store (n);
  window = gtk_window_new ();
  week = vz_schedule_week_new ();
  gtk_window_set_child (GTK_WINDOW (window), week);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 1092);
  gtk_window_present (GTK_WINDOW (window));
  vz_schedule_week_set_target (VZ_SCHEDULE_WEEK (week), store, "screen-1", NULL, "Europe/Berlin");
  spin (500);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GskRenderNode) again = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      Mark t = mark ();

      vz_schedule_week_rebuild (VZ_SCHEDULE_WEEK (week));
      since (t, layout, layout_cpu);
      /* Allocated as GTK would before the next frame. */
      gtk_widget_size_allocate (week, &(GtkAllocation) { 0, 0, gtk_widget_get_width (week),
                                                         gtk_widget_get_height (week) }, -1);
      t = mark ();
      node = snapshot_week (week, TRUE);
      since (t, anew, anew_cpu);
      t = mark ();
      texture = gsk_renderer_render_texture (renderer, node, NULL);
      since (t, render, render_cpu);
      {
        double frame = g_array_index (anew_cpu, double, r) + g_array_index (render_cpu, double, r);

        g_array_append_val (frame_cpu, frame);
      }
      t = mark ();
      again = snapshot_week (week, FALSE);
      since (t, kept, kept_cpu);
    }

  if (getloadavg (load, 3) < 0)
    load[0] = load[1] = load[2] = -1;
  printf ("week view: %u schedules, %u blocks, %d × %d px, renderer %s, %u runs, load average %.2f %.2f %.2f\n",
          n, vz_schedule_week_get_blocks (VZ_SCHEDULE_WEEK (week))->len, gtk_widget_get_width (week),
          gtk_widget_get_height (week), G_OBJECT_TYPE_NAME (renderer), runs, load[0], load[1], load[2]);
  printf ("wall-clock:\n");
  report ("layout", layout);
  report ("snapshot", anew);
  report ("redraw", kept);
  report ("render", render);
  printf ("CPU of the thread:\n");
  report ("layout", layout_cpu);
  report ("snapshot", anew_cpu);
  report ("redraw", kept_cpu);
  report ("render", render_cpu);
  report ("frame", frame_cpu);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
