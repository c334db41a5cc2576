/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-offline-hold"

#include "vz-display-resource.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "vz-optimistic-client.h"

/*
 * "send-offline-changes" against the real vizora-server on a loopback port:
 * off, the changes made while the server could not be reached wait when it
 * can be again, with those made meanwhile behind them, until they are sent;
 * changes made while it answers go at once; the setting (GSettings, memory
 * backend) reaches the engine at once.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  fixture->a = client_new (fixture->server, fixture->token, FALSE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->id, g_free);
  vz_test_server_free (fixture->server);
}

static void
rename_screen (Fixture    *fixture,
               const char *name)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (changes, "name", name);
  vz_sync_engine_update_display_async (fixture->a->engine, fixture->id, changes, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
}

/* The screen's name as the server has it (transfer full). */
static char *
server_name (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s", fixture->id);
  g_autoptr(JsonObject) data = rest_data (fixture->server, fixture->token, "GET", path, NULL, 200);

  return g_strdup (json_object_get_string_member (data, "nickname"));
}

static gboolean
holding (gpointer data)
{
  return vz_sync_engine_get_holding (((Client *) data)->engine);
}

static gboolean
online (gpointer data)
{
  return vz_sync_engine_get_connection_state (((Client *) data)->engine) == VZ_CONNECTION_STATE_ONLINE;
}

/* Down, a change; up again: it waits, and one made now waits behind it;
 * Send sends both, in order. */
static void
test_held_until_sent (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *before = server_name (fixture);
  g_autofree char *after = NULL;

  vz_sync_engine_set_send_offline_changes (fixture->a->engine, FALSE);
  vz_test_server_kill (fixture->server);
  rename_screen (fixture, "Made offline");
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));

  vz_test_server_restart (fixture->server);
  wait_until (holding, fixture->a, 20000);
  wait_until (online, fixture->a, 20000);
  rename_screen (fixture, "Made online, behind it");
  /* Reachable, nothing sent. */
  spin (2000);
  g_assert_true (vz_sync_engine_get_holding (fixture->a->engine));
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 2);
  after = server_name (fixture);
  g_assert_cmpstr (after, ==, before);

  vz_sync_engine_send_held (fixture->a->engine);
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_free (after);
  after = server_name (fixture);
  g_assert_cmpstr (after, ==, "Made online, behind it");

  /* Online all along: a change goes at once. */
  rename_screen (fixture, "Made online");
  wait_committed (fixture->a, 3);
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));
}

/* Held, then the setting turned back on: they go by themselves. And with
 * the setting on (the default), nothing is ever held. */
static void
test_setting_releases (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autofree char *after = NULL;

  vz_sync_engine_bind_settings (fixture->a->engine, settings);
  g_assert_true (vz_sync_engine_get_send_offline_changes (fixture->a->engine));
  g_settings_set_boolean (settings, "send-offline-changes", FALSE);
  g_assert_false (vz_sync_engine_get_send_offline_changes (fixture->a->engine));

  vz_test_server_kill (fixture->server);
  rename_screen (fixture, "Held");
  vz_test_server_restart (fixture->server);
  wait_until (holding, fixture->a, 20000);
  spin (500);
  g_assert_cmpuint (fixture->a->committed, ==, 0);

  g_settings_reset (settings, "send-offline-changes");
  g_assert_true (vz_sync_engine_get_send_offline_changes (fixture->a->engine));
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));
  wait_committed (fixture->a, 1);
  after = server_name (fixture);
  g_assert_cmpstr (after, ==, "Held");

  vz_test_server_kill (fixture->server);
  rename_screen (fixture, "Sent by itself");
  vz_test_server_restart (fixture->server);
  wait_committed (fixture->a, 2);
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));
}

/* Held, and the held change discarded: nothing left to hold back. */
static void
test_discard_ends_hold (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_set_send_offline_changes (fixture->a->engine, FALSE);
  vz_test_server_kill (fixture->server);
  rename_screen (fixture, "Thought better of it");
  vz_test_server_restart (fixture->server);
  wait_until (holding, fixture->a, 20000);

  m = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (fixture->a->engine)), 0);
  g_assert_true (vz_sync_engine_discard_change (fixture->a->engine, vz_mutation_get_id (m), &error));
  g_assert_no_error (error);
  g_assert_false (vz_sync_engine_get_holding (fixture->a->engine));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  vz_test_require_bin ("VIZORA_SERVER_BIN");

#define ADD(path, func) \
  g_test_add ("/offline-hold/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("held-until-sent", test_held_until_sent);
  ADD ("setting-releases", test_setting_releases);
  ADD ("discard-ends-hold", test_discard_ends_hold);
#undef ADD

  return g_test_run ();
}
