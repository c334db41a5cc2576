/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-playlist-editor"

/*
 * The playlist editor with 2,000 items, in a real window under Xvfb, on
 * the sync engine signed in to the real vizora-server (docs/bench-playlist.md).
 * Not a test:
 *   xvfb-run -a -s "-screen 0 1280x800x24" meson test -C BUILD --benchmark --suite bench-playlist -v
 *
 * Reorder: 40 moves of one item dropped among the rows in view (where a
 * drop can land), then 40 to a random place (as the item menu's Move to
 * Top/Bottom does: the view follows the item there, making new rows), each
 * made as a drop makes it (_vz_playlist_editor_move_item(), what the list's
 * drop handler calls), each landing on the server before the next. Timed from the call
 * to the items model reporting the move's removal, its second change (the store), and to the end
 * of the first frame drawn after it (GdkFrameClock "after-paint": the view);
 * the main thread's CPU time (CLOCK_THREAD_CPUTIME_ID) over the same span,
 * and apart: the store's part plus that frame's (before- to after-paint),
 * and what else the main thread did between the two (the server's answers
 * to the move arriving while the frame waits: on a loaded machine frames
 * come late, and more of that lands in the span). Then the frame after it,
 * in which (or after which) the keyboard focus goes to the item's row, and
 * the slowest of the frames after that until 50 ms after the move landed on
 * the server (its toast, the header's indicator).
 *
 * Scroll: the list scrolled down from its top, 120 px a frame, for 300 frames (or to its bottom);
 * each frame's time from "before-paint" to "after-paint" (wall and main
 * thread CPU).
 *
 * Both count the list's rows made or given another item in the frame, and
 * the styles GTK computed from the style sheets in it (its CSS work: a
 * restyle of many widgets shows there). With VZ_BENCH_SLOW_MS=N in the environment, each
 * move (its frame or the next) and scroll frame of N ms of main-thread CPU or more is printed on its
 * own line, with what it did.
 *
 * The load average (/proc/loadavg) before and after says how busy the
 * machine was.
 */

#include "config.h"

#include <string.h>
#include <time.h>

#include "vz-playlist-editor-private.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-resource.h"
#include "vz-playlists-page.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

#define ITEMS 2000
#define MOVES 40
#define SCROLL_STEP 120.0
/* Frames of scrolling measured at most (2,000 rows are about 850 frames;
 * a loaded machine with software GL draws a few a second). */
#define SCROLL_FRAMES 300

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static char *
load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (text, " ", 4);
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

/* The list's rows made or given another item since it was last asked (each
 * row is marked with the item it showed); @created (nullable): set to how
 * many of them are new widgets, not marked before. */
static gint64
rows_made (GtkListView *list,
           gint64      *created)
{
  static GQuark shown;
  gint64 made = 0;

  if (created != NULL)
    *created = 0;
  if (shown == 0)
    shown = g_quark_from_static_string ("bench-shown");
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      gpointer item;

      if (row == NULL || !VZ_IS_PLAYLIST_ITEM_ROW (row))
        continue;
      item = vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row));
      if (g_object_get_qdata (G_OBJECT (row), shown) == item)
        continue;
      if (created != NULL && g_object_get_qdata (G_OBJECT (row), shown) == NULL)
        (*created)++;
      g_object_set_qdata (G_OBJECT (row), shown, item);
      made++;
    }
  return made;
}

/* VZ_BENCH_SLOW_MS: frames of this much main-thread CPU or more are printed
 * one by one; 0 when unset. */
static gint64
slow_us (void)
{
  const char *ms = g_getenv ("VZ_BENCH_SLOW_MS");

  return ms != NULL ? (gint64) (g_ascii_strtod (ms, NULL) * 1000) : 0;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_spread (const char *what,
              gint64     *values,
              guint       n)
{
  qsort (values, n, sizeof values[0], compare_gint64);
  g_print ("%-34s median %6.2f ms  p90 %6.2f ms  slowest %6.2f ms  (n=%u)\n", what,
           values[n / 2] / 1000.0, values[n * 9 / 10] / 1000.0, values[n - 1] / 1000.0, n);
}

static void
print_counts (const char *what,
              gint64     *values,
              guint       n)
{
  qsort (values, n, sizeof values[0], compare_gint64);
  g_print ("%-34s median %6" G_GINT64_FORMAT "     p90 %6" G_GINT64_FORMAT "     most    %6" G_GINT64_FORMAT
           "     (n=%u)\n", what, values[n / 2], values[n * 9 / 10], values[n - 1], n);
}

/* ---- reorder ---- */

typedef struct {
  gint64 started;
  gint64 cpu_started;
  gint64 stored;     /* the model's second change of the move */
  gint64 cpu_stored;
  gint64 cpu_frame;  /* the start of the first frame after it */
  gint64 cpu_laid;   /* the end of its layout phase */
  gint64 cpu_painted; /* the end of its paint phase (snapshot and render) */
  gint64 shown;      /* the end of that frame */
  gint64 cpu_shown;
  GtkListView *list;
  gint64 made;       /* rows made or given another item by the frame */
  gint64 created;    /* of them, new widgets */
  gint64 cpu_next;   /* the frame after it (the focus moves to the item's row in it or after), its start */
  gint64 cpu_next_laid;
  gint64 cpu_next_painted;
  gint64 cpu_next_done;
  gint64 made_next;
  gint64 styles_started; /* ui_styles_computed () at the call, the store, the frame, its end, the next frame, its end */
  gint64 styles_stored;
  gint64 styles_frame;
  gint64 styles_shown;
  gint64 styles_next;
  gint64 styles_next_done;
  gint64 cpu_later_start;  /* a frame after the next one, until the move landed: its start */
  gint64 cpu_later_max;    /* the slowest of them (the toast, the header) */
} Move;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Move       *move)
{
  /* A move is an insertion then a removal: the removal finishes it. */
  if (removed > 0 && move->stored == 0 && move->started != 0)
    {
      move->stored = g_get_monotonic_time ();
      move->cpu_stored = thread_cpu_us ();
      move->styles_stored = ui_styles_computed ();
    }
}

static void
on_before_paint_move (GdkFrameClock *clock,
                      Move          *move)
{
  if (move->stored != 0 && move->cpu_frame == 0)
    {
      move->cpu_frame = thread_cpu_us ();
      move->styles_frame = ui_styles_computed ();
    }
  else if (move->cpu_next_done != 0)
    {
      move->cpu_later_start = thread_cpu_us ();
    }
  else if (move->shown != 0 && move->cpu_next == 0)
    {
      move->cpu_next = thread_cpu_us ();
      move->styles_next = ui_styles_computed ();
    }
}

/* Connected after GTK's own handlers of these phases: they run when its
 * work in the phase is done. */
static void
on_layout_move (GdkFrameClock *clock,
                Move          *move)
{
  if (move->cpu_frame != 0 && move->cpu_laid == 0)
    move->cpu_laid = thread_cpu_us ();
  else if (move->cpu_next != 0 && move->cpu_next_laid == 0)
    move->cpu_next_laid = thread_cpu_us ();
}

static void
on_paint_move (GdkFrameClock *clock,
               Move          *move)
{
  if (move->cpu_laid != 0 && move->cpu_painted == 0)
    move->cpu_painted = thread_cpu_us ();
  else if (move->cpu_next_laid != 0 && move->cpu_next_painted == 0)
    move->cpu_next_painted = thread_cpu_us ();
}

static void
on_after_paint_move (GdkFrameClock *clock,
                     Move          *move)
{
  if (move->cpu_frame != 0 && move->shown == 0)
    {
      move->shown = g_get_monotonic_time ();
      move->cpu_shown = thread_cpu_us ();
      move->styles_shown = ui_styles_computed ();
      move->made = rows_made (move->list, &move->created);
    }
  else if (move->cpu_next_done != 0 && move->cpu_later_start != 0)
    {
      gint64 cpu = thread_cpu_us () - move->cpu_later_start;

      move->cpu_later_max = MAX (move->cpu_later_max, cpu);
    }
  else if (move->cpu_next != 0 && move->cpu_next_done == 0)
    {
      move->cpu_next_done = thread_cpu_us ();
      move->styles_next_done = ui_styles_computed ();
      move->made_next = rows_made (move->list, NULL);
    }
}

/* The place of a row shown whole in the list's view, at random. */
static guint
in_view_position (GtkListView *list,
                  GRand       *rand)
{
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (guint));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      guint position;

      /* The list keeps rows out of sight too, hidden where they last were. */
      if (row == NULL || !VZ_IS_PLAYLIST_ITEM_ROW (row) || !gtk_widget_get_child_visible (child) ||
          !gtk_widget_compute_bounds (row, GTK_WIDGET (list), &bounds) ||
          bounds.origin.y < 0 || bounds.origin.y + bounds.size.height > gtk_widget_get_height (GTK_WIDGET (list)))
        continue;
      position = vz_playlist_item_row_get_position (VZ_PLAYLIST_ITEM_ROW (row));
      g_array_append_val (places, position);
    }
  g_assert_cmpuint (places->len, >, 0);
  return g_array_index (places, guint, g_rand_int_range (rand, 0, (gint32) places->len));
}

static gboolean
move_shown (gpointer data)
{
  return ((Move *) data)->shown != 0;
}

static gboolean
move_next_shown (gpointer data)
{
  return ((Move *) data)->cpu_next_done != 0;
}

static gboolean
nothing_pending (gpointer data)
{
  return vz_sync_engine_get_pending_count (data) == 0;
}

/* ---- scroll ---- */

typedef struct {
  GtkAdjustment *adjustment;
  GtkListView   *list;
  GArray        *made;        /* of gint64, rows made or given another item per frame */
  GArray        *created;     /* of gint64, of them new widgets */
  GArray        *styles;      /* of gint64, styles computed per frame */
  gint64         styles_started;
  gint64         frame_started;
  gint64         cpu_started;
  GArray        *wall;        /* of gint64, µs per frame */
  GArray        *cpu;
  gboolean       done;
} Scroll;

static void
on_before_paint (GdkFrameClock *clock,
                 Scroll        *scroll)
{
  scroll->frame_started = g_get_monotonic_time ();
  scroll->cpu_started = thread_cpu_us ();
  scroll->styles_started = ui_styles_computed ();
}

static void
on_after_paint_scroll (GdkFrameClock *clock,
                       Scroll        *scroll)
{
  gint64 wall = g_get_monotonic_time () - scroll->frame_started;
  gint64 cpu = thread_cpu_us () - scroll->cpu_started;
  gint64 styles = ui_styles_computed () - scroll->styles_started;
  gint64 created;
  gint64 made = rows_made (scroll->list, &created);

  if (scroll->frame_started == 0 || scroll->done)
    return;
  g_array_append_val (scroll->wall, wall);
  g_array_append_val (scroll->cpu, cpu);
  g_array_append_val (scroll->made, made);
  g_array_append_val (scroll->created, created);
  g_array_append_val (scroll->styles, styles);
  if (slow_us () > 0 && cpu >= slow_us ())
    g_print ("  slow scroll frame %u: %.2f ms CPU, %.2f ms wall, %" G_GINT64_FORMAT " rows made or rebound (%"
             G_GINT64_FORMAT " of them new), %" G_GINT64_FORMAT " styles computed, at %.0f px\n",
             scroll->cpu->len, cpu / 1000.0, wall / 1000.0, made, created, styles,
             gtk_adjustment_get_value (scroll->adjustment));
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Scroll *scroll = data;
  GtkAdjustment *adjustment = scroll->adjustment;
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (gtk_adjustment_get_value (adjustment) >= bottom || scroll->wall->len >= SCROLL_FRAMES)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (adjustment, MIN (bottom, gtk_adjustment_get_value (adjustment) + SCROLL_STEP));
  return G_SOURCE_CONTINUE;
}

static gboolean
scroll_done (gpointer data)
{
  return ((Scroll *) data)->done;
}

static gboolean
rows_built (gpointer data)
{
  return vz_playlist_editor_get_row (data, 0) != NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GString) body = g_string_new ("{\"name\":\"Long\",\"items\":[");
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *playlist_id = NULL;
  g_autofree char *outbox = g_dir_make_tmp ("vz-bench-playlist-XXXXXX", NULL);
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (2000);
  gint64 to_store[MOVES], to_view[MOVES], cpu[MOVES], cpu_store[MOVES], cpu_view[MOVES], cpu_between[MOVES];
  gint64 cpu_layout[MOVES], cpu_paint[MOVES], made[MOVES], created[MOVES], cpu_next[MOVES], made_next[MOVES];
  gint64 styles[MOVES], styles_next[MOVES], cpu_later[MOVES];
  const char *content_id;
  VzSyncEngine *engine;
  VzWindow *window;
  VzPlaylistsPage *page;
  VzPlaylistEditor *editor;
  VzPlaylist *playlist;
  GtkListView *list;
  GdkFrameClock *clock;
  Move move = { 0 };
  Scroll scroll = { 0 };
  gint64 started;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_init ();
  adw_init ();
  load_before = load_average ();

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  g_assert_cmpuint (vz_test_server_request (server, "POST", "/content", token,
                                            "{\"name\":\"Page\",\"type\":\"url\",\"url\":\"https://example.test/\"}",
                                            &answer), ==, 201);
  content_id = json_object_get_string_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                              "id");
  for (guint i = 0; i < ITEMS; i++)
    g_string_append_printf (body, "%s{\"contentId\":\"%s\",\"duration\":%u}", i > 0 ? "," : "", content_id, 5 + i % 50);
  g_string_append (body, "]}");
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpuint (vz_test_server_request (server, "POST", "/playlists", token, body->str, &answer), ==, 201);
  playlist_id = g_strdup (json_object_get_string_member (json_object_get_object_member (json_node_get_object (answer),
                                                                                          "data"), "id"));

  engine = ui_start_engine (server->url, NULL, outbox);
  window = ui_open_window (engine, 1100, 800);
  page = vz_window_get_playlists_page (window);
  editor = vz_playlists_page_get_editor (page);
  list = vz_playlist_editor_get_list (editor);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "playlists"));
  while (vz_store_lookup (vz_sync_engine_get_playlists (engine), playlist_id) == NULL)
    g_main_context_iteration (NULL, TRUE);
  spin (300);
  started = g_get_monotonic_time ();
  vz_playlists_page_select (page, playlist_id);
  g_assert_true (wait_for (rows_built, editor, 300));
  g_print ("the playlist of %u items opened (its first rows made) in %.2f s\n", ITEMS,
           (g_get_monotonic_time () - started) / 1e6);
  spin (2000);
  playlist = vz_playlist_editor_get_playlist (editor);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (list));
  rows_made (list, NULL);
  if (!ui_count_styles ())
    g_print ("(styles computed are not counted: GTK has no GtkCssStaticStyle type)\n");

  /* Reorder. */
  g_signal_connect (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (on_items_changed), &move);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint_move), &move);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout_move), &move);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint_move), &move);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_move), &move);
  for (guint set = 0; set < 2; set++)
    {
      for (guint i = 0; i < MOVES; i++)
        {
          guint from = g_rand_int_range (rand, 0, ITEMS);
          guint to = g_rand_int_range (rand, 0, ITEMS);
          g_autoptr(VzPlaylistItem) item = g_list_model_get_item (vz_playlist_get_items (playlist), from);

          /* A drop lands where the pointer is: among the rows in view. */
          if (set == 0)
            to = in_view_position (list, rand);
          if (to == from)
            to = (from + 1) % ITEMS;
          memset (&move, 0, sizeof move);
          move.list = list;
          move.cpu_started = thread_cpu_us ();
          move.styles_started = ui_styles_computed ();
          move.started = g_get_monotonic_time ();
          _vz_playlist_editor_move_item (editor, vz_playlist_item_get_id (item), to);
          g_assert_true (wait_for (move_shown, &move, 10));
          g_assert_true (wait_for (move_next_shown, &move, 10));
          to_store[i] = move.stored - move.started;
          to_view[i] = move.shown - move.started;
          cpu[i] = move.cpu_shown - move.cpu_started;
          cpu_store[i] = move.cpu_stored - move.cpu_started;
          /* The store and the frame that shows it; what ran between them (the
           * server's answers to this move read in the meantime) apart. */
          cpu_view[i] = cpu_store[i] + (move.cpu_shown - move.cpu_frame);
          cpu_between[i] = move.cpu_frame - move.cpu_stored;
          cpu_layout[i] = move.cpu_laid - move.cpu_frame;
          cpu_paint[i] = move.cpu_painted - move.cpu_laid;
          made[i] = move.made;
          created[i] = move.created;
          cpu_next[i] = move.cpu_next_done - move.cpu_next;
          made_next[i] = move.made_next;
          styles[i] = (move.styles_stored - move.styles_started) + (move.styles_shown - move.styles_frame);
          styles_next[i] = move.styles_next_done - move.styles_next;
          if (slow_us () > 0 && (cpu_view[i] >= slow_us () || cpu_next[i] >= slow_us ()))
            g_print ("  slow move %u → %u: store and frame %.2f ms CPU (layout %.2f, paint %.2f), %" G_GINT64_FORMAT
                     " rows made or rebound (%" G_GINT64_FORMAT " of them new), %" G_GINT64_FORMAT
                     " styles computed; the next frame %.2f ms (layout %.2f, paint %.2f), %" G_GINT64_FORMAT
                     " rows, %" G_GINT64_FORMAT " styles\n", from, to, cpu_view[i] / 1000.0, cpu_layout[i] / 1000.0,
                     cpu_paint[i] / 1000.0, made[i], created[i], styles[i], cpu_next[i] / 1000.0,
                     (move.cpu_next_laid - move.cpu_next) / 1000.0, (move.cpu_next_painted - move.cpu_next_laid) / 1000.0,
                     made_next[i], styles_next[i]);
          /* Each lands before the next, as drops a person makes do. */
          g_assert_true (wait_for (nothing_pending, engine, 30));
          spin (50);
          cpu_later[i] = move.cpu_later_max;
          if (slow_us () > 0 && cpu_later[i] >= slow_us ())
            g_print ("  slow later frame of move %u → %u: %.2f ms\n", from, to, cpu_later[i] / 1000.0);
        }
      g_print ("reorder of one item in %u (%u moves), %s:\n", ITEMS, MOVES,
               set == 0 ? "dropped among the rows in view" : "to a random place (the view follows the item there)");
      print_spread ("  drop to store updated", to_store, MOVES);
      print_spread ("  drop to view drawn", to_view, MOVES);
      print_spread ("  main-thread CPU, drop to store", cpu_store, MOVES);
      print_spread ("  main-thread CPU, drop to drawn", cpu, MOVES);
      print_spread ("  of it: the store and the frame", cpu_view, MOVES);
      print_spread ("  of it: between them", cpu_between, MOVES);
      print_spread ("  the frame's layout", cpu_layout, MOVES);
      print_spread ("  the frame's paint", cpu_paint, MOVES);
      print_counts ("  rows made or rebound by the frame", made, MOVES);
      print_counts ("  of them new widgets", created, MOVES);
      print_counts ("  styles computed, store and frame", styles, MOVES);
      print_spread ("  the next frame (the focus)", cpu_next, MOVES);
      print_counts ("  rows rebound by the next frame", made_next, MOVES);
      print_counts ("  styles computed by the next frame", styles_next, MOVES);
      print_spread ("  slowest later frame (toast, header)", cpu_later, MOVES);
    }
  g_signal_handlers_disconnect_by_data (clock, &move);
  g_signal_handlers_disconnect_by_data (vz_playlist_get_items (playlist), &move);

  /* Scroll. */
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (list),
                                                                                                       GTK_TYPE_SCROLLED_WINDOW)));
  scroll.wall = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.made = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.created = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.styles = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.list = list;
  gtk_adjustment_set_value (scroll.adjustment, 0);
  spin (500);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &scroll);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_scroll), &scroll);
  rows_made (list, NULL);
  started = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (GTK_WIDGET (list), scroll_tick, &scroll, NULL);
  g_assert_true (wait_for (scroll_done, &scroll, 300));
  g_signal_handlers_disconnect_by_data (clock, &scroll);
  {
    guint n = scroll.wall->len;
    guint over = 0;

    for (guint i = 0; i < n; i++)
      over += g_array_index (scroll.wall, gint64, i) >= 16000;
    g_print ("scroll from the top (%.0f of %.0f px, %.0f px a frame): %u frames in %.2f s, %u of them 16 ms or more\n",
             gtk_adjustment_get_value (scroll.adjustment), gtk_adjustment_get_upper (scroll.adjustment), SCROLL_STEP, n,
             (g_get_monotonic_time () - started) / 1e6, over);
    print_spread ("  frame, before- to after-paint", (gint64 *) scroll.wall->data, n);
    print_spread ("  main-thread CPU per frame", (gint64 *) scroll.cpu->data, n);
    print_counts ("  rows made or rebound per frame", (gint64 *) scroll.made->data, n);
    print_counts ("  of them new widgets", (gint64 *) scroll.created->data, n);
    print_counts ("  styles computed per frame", (gint64 *) scroll.styles->data, n);
  }
  load_after = load_average ();
  g_print ("load average before: %s, after: %s (2 CPUs)\n", load_before, load_after);

  g_array_unref (scroll.wall);
  g_array_unref (scroll.cpu);
  g_array_unref (scroll.made);
  g_array_unref (scroll.created);
  g_array_unref (scroll.styles);
  ui_close_window (window);
  vz_sync_engine_stop (engine);
  g_object_unref (engine);
  vz_test_remove_tree (outbox);
  return 0;
}
