/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-replay"

#include <glib/gstdio.h>
#include <stdio.h>

#include "vz-api-client.h"
#include "vz-circuit-breaker.h"
#include "vz-mutation.h"
#include "vz-outbox.h"
#include "vz-outbox-sender.h"
#include "vz-retry-policy.h"
#include "vz-test-server.h"

/*
 * Replay benchmark (docs/bench-replay.md). 10,000 changes are queued durably
 * while the local server is down (enqueue rate, each change fdatasync()ed
 * before it is reported, by group commit), then the server comes back and a
 * VzOutboxSender replays the whole queue to it over loopback (replay rate:
 * first request to last commit, every change with its Idempotency-Key, each
 * answered by the real vizora-server and written to its SQLite file).
 *
 *   meson test -C BUILD --benchmark --suite bench-replay -v
 *   BENCH_REPLAY_CHANGES=N BENCH_REPLAY_IN_FLIGHT=K to vary the run.
 */

#define N_SCREENS 100

typedef struct {
  guint  done;
  guint  failed;
  guint  target;
} Counts;

static void
on_added (VzOutbox   *outbox,
          VzMutation *m,
          Counts     *counts)
{
  counts->done++;
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error))
    g_error ("enqueue failed: %s", error->message);
}

static void
on_committed (VzOutboxSender *sender,
              VzMutation     *m,
              JsonNode       *answer,
              gboolean        replayed,
              Counts         *counts)
{
  counts->done++;
}

static void
on_failed (VzOutboxSender *sender,
           VzMutation     *m,
           GError         *error,
           Counts         *counts)
{
  g_printerr ("change failed: %s\n", error->message);
  counts->failed++;
}

static VzMutation *
make_change (const char *display,
             guint       i)
{
  g_autofree char *path = g_strconcat ("/displays/", display, NULL);
  g_autofree char *location = g_strdup_printf ("Replayed %u", i);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (changes, "location", location);
  json_node_set_object (body, changes);
  return vz_mutation_new ("display", display, VZ_MUTATION_OP_UPDATE, "PATCH", path, body, NULL, changes, NULL);
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    return (guint) value;
  return fallback;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-bench-replay-XXXXXX", NULL);
  g_autofree char *journal = g_build_filename (dir, "outbox.journal", NULL);
  g_autoptr(GPtrArray) displays = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(VzApiClient) api = NULL;
  g_autoptr(VzOutboxSender) sender = NULL;
  g_autoptr(GError) error = NULL;
  guint n_changes = env_uint ("BENCH_REPLAY_CHANGES", 10000);
  guint in_flight = env_uint ("BENCH_REPLAY_IN_FLIGHT", 6);
  gulong handler;
  gint64 t0, t1;
  Counts counts = { 0, };
  double enqueue_s, replay_s;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  for (guint i = 0; i < N_SCREENS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bench %u", i);
      g_ptr_array_add (displays, vz_test_server_pair_screen (server, token, name, NULL));
    }

  /* The server goes away; the changes are made and queued regardless. */
  vz_test_server_kill (server);
  outbox = vz_outbox_new (journal, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_no_error (error);
  handler = g_signal_connect (outbox, "mutation-added", G_CALLBACK (on_added), &counts);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n_changes; i++)
    {
      g_autoptr(VzMutation) m = make_change (displays->pdata[i % N_SCREENS], i);
      vz_outbox_enqueue_async (outbox, m, NULL, on_enqueued, NULL);
    }
  while (counts.done < n_changes)
    g_main_context_iteration (NULL, TRUE);
  t1 = g_get_monotonic_time ();
  enqueue_s = (t1 - t0) / 1e6;
  g_signal_handler_disconnect (outbox, handler);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, n_changes);

  /* Back online: replay everything. */
  vz_test_server_restart (server);
  api = vz_api_client_new (server->api_url);
  vz_api_client_set_access_token (api, token);
  sender = vz_outbox_sender_new (api, outbox, NULL, NULL);
  vz_outbox_sender_set_max_in_flight (sender, in_flight);
  counts.done = 0;
  g_signal_connect (sender, "committed", G_CALLBACK (on_committed), &counts);
  g_signal_connect (sender, "failed", G_CALLBACK (on_failed), &counts);

  t0 = g_get_monotonic_time ();
  vz_outbox_sender_set_online (sender, TRUE);
  while (counts.done + counts.failed < n_changes)
    g_main_context_iteration (NULL, TRUE);
  t1 = g_get_monotonic_time ();
  replay_s = (t1 - t0) / 1e6;
  vz_outbox_sender_set_online (sender, FALSE);

  printf ("changes:           %u over %u screens\n", n_changes, N_SCREENS);
  printf ("durable enqueue:   %.3f s, %.0f changes/s (server down, each fdatasync()ed before reported)\n",
          enqueue_s, n_changes / enqueue_s);
  printf ("replay:            %.3f s, %.0f changes/s (max-in-flight %u, loopback, real vizora-server)\n",
          replay_s, n_changes / replay_s, in_flight);
  printf ("failed:            %u\n", counts.failed);
  fflush (stdout);

  g_assert_cmpuint (counts.failed, ==, 0);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  g_clear_object (&sender);
  g_clear_object (&outbox);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return 0;
}
