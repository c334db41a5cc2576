/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-playlist-reorder"

/*
 * A reorder in a playlist of 2,000 items, through the sync engine against
 * the real vizora-server: the time from the call a drop makes
 * (vz_sync_engine_move_playlist_item_async) to the playlist's items model
 * reporting the move, which is when a list view redraws; and the main
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID) for all a move costs it: the
 * store, the request, the server's answer and the realtime event that
 * announces the change (from the call to 100 ms after it landed). Not a test:
 *   meson test -C BUILD --benchmark --suite bench-playlist -v
 * Prints the median and the slowest of 60 moves (docs/benchmarks.md).
 */

#include <time.h>

#include "vz-content-resource.h"
#include "vz-optimistic-client.h"
#include "vz-playlist-resource.h"

#define ITEMS 2000
#define MOVES 60

typedef struct {
  gint64 started;
  gint64 shown;
} Timing;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Timing     *timing)
{
  /* A move is an insertion then a removal: the removal finishes it. */
  if (removed > 0)
    timing->shown = g_get_monotonic_time ();
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
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
  g_autoptr(GRand) rand = g_rand_new_with_seed (2000);
  gint64 took[MOVES];
  gint64 cpu[MOVES];
  Timing timing = { 0 };
  VzPlaylist *playlist;
  Client *client;
  const char *content_id;

  g_test_init (&argc, &argv, NULL);
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

  client = client_new (server, token, FALSE);
  playlist = vz_store_lookup (vz_sync_engine_get_playlists (client->engine), playlist_id);
  g_assert_cmpuint (g_list_model_get_n_items (vz_playlist_get_items (playlist)), ==, ITEMS);
  g_signal_connect (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (on_items_changed), &timing);

  for (guint i = 0; i < MOVES; i++)
    {
      guint from = g_rand_int_range (rand, 0, ITEMS);
      guint to = g_rand_int_range (rand, 0, ITEMS);
      g_autoptr(VzPlaylistItem) item = NULL;
      g_autoptr(GAsyncResult) result = NULL;

      if (to == from)
        to = (from + 1) % ITEMS;
      item = g_list_model_get_item (vz_playlist_get_items (playlist), from);
      timing.shown = 0;
      cpu[i] = thread_cpu_us ();
      timing.started = g_get_monotonic_time ();
      vz_sync_engine_move_playlist_item_async (client->engine, playlist_id, vz_playlist_item_get_id (item), to,
                                               NULL, store_result, &result);
      wait_until (result_ready, &result, 10000);
      g_assert_true (vz_sync_engine_playlist_edit_finish (client->engine, result, NULL));
      g_assert_cmpint (timing.shown, >, 0);
      took[i] = timing.shown - timing.started;
      /* Each lands before the next, as drops a person makes do. */
      wait_committed (client, i + 1);
      /* The realtime event that announces it. */
      spin (100);
      cpu[i] = thread_cpu_us () - cpu[i];
    }

  qsort (took, MOVES, sizeof took[0], compare_gint64);
  g_print ("reorder of one item in %u: median %.2f ms, slowest %.2f ms (%u moves)\n",
           ITEMS, took[MOVES / 2] / 1000.0, took[MOVES - 1] / 1000.0, MOVES);
  qsort (cpu, MOVES, sizeof cpu[0], compare_gint64);
  g_print ("main-thread CPU for all of a move (store, request, answer, event): median %.2f ms, slowest %.2f ms\n",
           cpu[MOVES / 2] / 1000.0, cpu[MOVES - 1] / 1000.0);
  client_free (client);
  return 0;
}
