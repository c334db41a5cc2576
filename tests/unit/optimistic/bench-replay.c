/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-replay"

#include <string.h>
#include <glib/gstdio.h>

#include "vz-outbox-sender.h"
#include "vz-test-server.h"

/*
 * Replay rate of the outbox sender against the real local server on
 * loopback: SCREENS screens, CHANGES queued changes each (every one with
 * Idempotency-Key and If-Match, later ones rebased on the commit before
 * them), sent with the sender's default concurrency. A benchmark, not a
 * test: run it by hand (see the report line it prints):
 *
 *   VIZORA_SERVER_BIN=_build/src/server/vizora-server \
 *     _build/tests/unit/optimistic/bench-replay [SCREENS [CHANGES]]
 */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
on_committed (VzOutboxSender *sender,
              VzMutation     *m,
              JsonNode       *answer,
              gboolean        replayed,
              guint          *committed)
{
  (*committed)++;
}

static void
on_failed (VzOutboxSender *sender,
           VzMutation     *m,
           GError         *error,
           guint          *failed)
{
  g_printerr ("failed: %s\n", error->message);
  (*failed)++;
}

int
main (int   argc,
      char *argv[])
{
  guint screens = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200;
  guint changes = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 10;
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-bench-replay-XXXXXX", NULL);
  g_autofree char *journal = g_build_filename (dir, "outbox.journal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(VzApiClient) api = NULL;
  g_autoptr(VzOutboxSender) sender = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  guint committed = 0, failed = 0, total;
  gint64 start, end;
  double seconds;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  outbox = vz_outbox_new (journal, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < screens; s++)
    {
      g_autofree char *name = g_strdup_printf ("Bench %u", s);
      g_autofree char *id = vz_test_server_pair_screen (server, token, name, NULL);
      g_autofree char *path = g_strdup_printf ("/displays/%s", id);
      g_autoptr(JsonNode) body = NULL;
      const char *updated_at;

      g_assert_cmpuint (vz_test_server_request (server, "GET", path, token, NULL, &body), ==, 200);
      updated_at = json_object_get_string_member (json_object_get_object_member (json_node_get_object (body),
                                                                                 "data"), "updatedAt");
      for (guint c = 0; c < changes; c++)
        {
          g_autoptr(JsonObject) patch = json_object_new ();
          g_autofree char *location = g_strdup_printf ("Room %u", c);
          g_autoptr(JsonNode) request = NULL;

          json_object_set_string_member (patch, "location", location);
          request = json_node_init_object (json_node_alloc (), patch);
          g_ptr_array_add (batch, vz_mutation_new ("display", id, VZ_MUTATION_OP_UPDATE, "PATCH", path, request,
                                                   updated_at, patch, NULL));
        }
    }
  total = batch->len;
  vz_outbox_enqueue_batch_async (outbox, batch, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vz_outbox_enqueue_batch_finish (outbox, result, &error));
  g_assert_no_error (error);

  api = vz_api_client_new (server->api_url);
  vz_api_client_set_access_token (api, token);
  sender = vz_outbox_sender_new (api, outbox, NULL, NULL);
  g_signal_connect (sender, "committed", G_CALLBACK (on_committed), &committed);
  g_signal_connect (sender, "failed", G_CALLBACK (on_failed), &failed);

  start = g_get_monotonic_time ();
  vz_outbox_sender_set_online (sender, TRUE);
  while (committed + failed < total)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  seconds = (double) (end - start) / G_USEC_PER_SEC;

  g_print ("replay: %u changes (%u screens x %u), %u committed, %u failed, %.2f s, %.0f changes/s, "
           "max in flight %u\n",
           total, screens, changes, committed, failed, seconds, committed / seconds,
           vz_outbox_sender_get_max_in_flight (sender));

  g_signal_handlers_disconnect_by_data (sender, &committed);
  g_signal_handlers_disconnect_by_data (sender, &failed);
  g_object_run_dispose (G_OBJECT (sender));
  g_clear_object (&sender);
  g_clear_object (&outbox);
  {
    g_autofree char *lock = g_strconcat (journal, ".lock", NULL);

    g_remove (journal);
    g_remove (lock);
    g_rmdir (dir);
  }
  return failed == 0 ? 0 : 1;
}
