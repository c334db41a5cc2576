/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-optimistic"

#include <string.h>

#include "vz-outbox-sender.h"
#include "optimistic-fixture.h"

/*
 * The circuit breaker in front of the real vizora-server: the sender and the
 * engine's reads share it, it opens on a run of failures (5xx from the
 * server's --fault-file) and closes after a good probe, the test holding
 * its clock.
 */

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

typedef struct {
  VzOutboxSender *sender;
  guint           committed;
} BreakerLog;

static void
on_breaker_committed (VzOutboxSender *sender,
                      VzMutation     *m,
                      JsonNode       *answer,
                      gboolean        replayed,
                      BreakerLog     *log)
{
  log->committed++;
}

static gboolean
breaker_open (gpointer data)
{
  return vz_circuit_breaker_get_state (data) == VZ_CIRCUIT_STATE_OPEN;
}

static gboolean
all_committed (gpointer data)
{
  return ((BreakerLog *) data)->committed == 5;
}

static void
test_breaker (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("vizora-breaker-XXXXXX", NULL);
  g_autofree char *journal = g_build_filename (dir, "outbox.journal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new (journal, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_autoptr(VzApiClient) api = vz_api_client_new (fixture->server->api_url);
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(VzCircuitBreaker) breaker = vz_circuit_breaker_new ();
  g_autoptr(VzOutboxSender) sender = NULL;
  g_autofree char *sentence = NULL;
  g_auto(GStrv) ids = g_new0 (char *, 6);
  BreakerLog log = { 0 };

  g_assert_no_error (error);
  fake_now = (gint64) 1000 * G_USEC_PER_SEC;
  vz_circuit_breaker_set_clock (breaker, fake_clock, NULL, NULL);
  vz_retry_policy_set_max_attempts (policy, 1);
  vz_api_client_set_access_token (api, fixture->token);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);
      g_autofree char *path = NULL;
      g_autoptr(JsonObject) patch = json_object_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(VzMutation) m = NULL;
      g_autoptr(GAsyncResult) result = NULL;

      ids[i] = vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL);
      path = g_strdup_printf ("/displays/%s", ids[i]);
      json_object_set_string_member (patch, "location", "After the outage");
      body = json_node_init_object (json_node_alloc (), patch);
      /* No base: the breaker is the subject here, not If-Match. */
      m = vz_mutation_new ("display", ids[i], VZ_MUTATION_OP_UPDATE, "PATCH", path, body, NULL, patch, NULL);
      vz_outbox_enqueue_async (outbox, m, NULL, store_result, &result);
      wait_until (result_ready, &result, 10000);
      g_assert_true (vz_outbox_enqueue_finish (outbox, result, &error));
    }

  vz_test_server_kill (fixture->server);
  sender = vz_outbox_sender_new (api, outbox, policy, breaker);
  g_signal_connect (sender, "committed", G_CALLBACK (on_breaker_committed), &log);
  vz_outbox_sender_set_online (sender, TRUE);

  /* Five network failures in a row open it. */
  wait_until (breaker_open, breaker, 20000);
  sentence = vz_circuit_breaker_describe (breaker);
  g_assert_true (strstr (sentence, "not answering") != NULL);
  spin (300);
  g_assert_cmpuint (vz_outbox_sender_get_in_flight (sender), ==, 0);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 5);
  g_assert_cmpuint (log.committed, ==, 0);

  /* While open, nothing is sent, even when asked. */
  vz_test_server_restart (fixture->server);
  vz_outbox_sender_kick (sender);
  spin (500);
  g_assert_cmpuint (log.committed, ==, 0);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_OPEN);

  /* After the cooldown a probe goes, succeeds, and the rest follow. */
  fake_now += (gint64) 61 * G_USEC_PER_SEC;
  vz_outbox_sender_kick (sender);
  wait_until (all_committed, &log, 20000);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonObject) copy = server_display (fixture, ids[i]);

      g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "After the outage");
    }

  g_signal_handlers_disconnect_by_data (sender, &log);
  g_object_run_dispose (G_OBJECT (sender));
  g_clear_object (&sender);
  g_clear_object (&outbox);
  remove_tree (dir);
}

/* 5xx from the server: retried, then the change waits (it is not dropped);
 * five failures in a row open the breaker, which the engine reports; after
 * the cooldown a probe commits the change and the breaker closes. */
static void
test_5xx_burst (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GError) error = NULL;
  VzCircuitBreaker *breaker;
  VzRetryPolicy *policy;
  VzDisplay *display;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  display = display_of (fixture->a, id);
  breaker = vz_sync_engine_get_circuit_breaker (fixture->a->engine);
  policy = vz_sync_engine_get_retry_policy (fixture->a->engine);
  fake_now = (gint64) 5000 * G_USEC_PER_SEC;
  vz_circuit_breaker_set_clock (breaker, fake_clock, NULL, NULL);
  vz_retry_policy_set_initial_delay (policy, 0.01);
  vz_retry_policy_set_max_delay (policy, 0.05);

  g_assert_true (g_file_set_contents (fixture->fault_file, "503 5", -1, &error));
  change (fixture->a, id, "name", "During the outage");

  /* Three attempts (the policy's default), then it fails with the server's
   * words and is rolled back, waiting in the list for a retry. */
  while (fixture->a->failed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);
  g_assert_cmpuint (vz_circuit_breaker_get_failures (breaker), ==, 3);
  {
    g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (fixture->a->engine)), 0);

    g_assert_cmpint (vz_mutation_get_state (m), ==, VZ_MUTATION_STATE_FAILED);
    g_assert_true (vz_sync_engine_retry_change (fixture->a->engine, vz_mutation_get_id (m), &error));
    g_assert_no_error (error);
  }

  /* Two more 503s: five in a row open the breaker. */
  wait_until (breaker_open, breaker, 20000);
  g_assert_nonnull (vz_sync_engine_get_availability (fixture->a->engine));
  g_assert_true (strstr (vz_sync_engine_get_availability (fixture->a->engine), "not answering") != NULL);
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->a->engine), ==, VZ_CONNECTION_STATE_UNAVAILABLE);
  spin (300);
  /* While open the retried change waits, showing, and is not sent. */
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  g_assert_cmpuint (fixture->a->failed, ==, 1);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "During the outage");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));

  fake_now += (gint64) 61 * G_USEC_PER_SEC;
  vz_outbox_sender_kick (vz_sync_engine_get_sender (fixture->a->engine));
  wait_committed (fixture->a, 1);
  copy = server_display (fixture, id);
  g_assert_cmpstr (json_object_get_string_member (copy, "nickname"), ==, "During the outage");

  /* The breaker guards reads too: a good read is its second success. */
  vz_sync_engine_refresh (fixture->a->engine);
  while (vz_circuit_breaker_get_state (breaker) != VZ_CIRCUIT_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vz_sync_engine_get_availability (fixture->a->engine));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/optimistic/breaker", Fixture, NULL, fixture_setup, test_breaker, fixture_teardown);
  g_test_add ("/optimistic/5xx-burst", Fixture, "fault", fixture_setup, test_5xx_burst, fixture_teardown);

  return g_test_run ();
}
