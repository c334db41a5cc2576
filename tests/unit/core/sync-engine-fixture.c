/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-engine"

#include "sync-engine-fixture.h"
#include "vz-core-test-util.h"

void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->session = vz_session_new (fixture->server->url);
  vz_session_resume_async (fixture->session, fixture->token, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_resume_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  fixture->engine = vz_sync_engine_new (fixture->session);
}

void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gpointer weak = fixture->engine;
  gint64 deadline;

  vz_sync_engine_stop (fixture->engine);
  /* Reads cancelled by stop() still report back (and hold the engine) until
   * the main loop runs them; after that nothing may keep it alive. */
  g_object_add_weak_pointer (weak, &weak);
  g_object_unref (g_steal_pointer (&fixture->engine));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_null (weak);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->token, g_free);
  vz_test_server_free (fixture->server);
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
wait_until (Fixture  *fixture,
            gboolean (*check) (Fixture *),
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint waker = g_timeout_add (20, wake_up, NULL);

  while (!check (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms", timeout_ms);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

gboolean
engine_loaded (Fixture *fixture)
{
  return vz_sync_engine_get_loaded (fixture->engine);
}

gboolean
engine_online (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_ONLINE;
}

void
wait_loaded (Fixture *fixture)
{
  wait_until (fixture, engine_loaded, 20000);
}

gboolean
nothing_pending (Fixture *fixture)
{
  return vz_sync_engine_get_pending_count (fixture->engine) == 0;
}

gboolean
one_failed (Fixture *fixture)
{
  return vz_sync_engine_get_failed_count (fixture->engine) == 1;
}

void
wait_committed (Fixture *fixture)
{
  wait_until (fixture, nothing_pending, 20000);
}

void
wait_group_count (VzDisplayGroup *group,
                  guint           expected)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint waker = g_timeout_add (20, wake_up, NULL);

  while (vz_display_group_get_display_count (group) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The group still counts %u screens, not %u",
                 vz_display_group_get_display_count (group), expected);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

void
store_failure (VzSyncEngine *engine,
               VzMutation   *mutation,
               GError       *error,
               gpointer      user_data)
{
  GError **out = user_data;

  g_clear_error (out);
  *out = g_error_copy (error);
}

char **
pair_screens (Fixture    *fixture,
              guint       n,
              const char *prefix)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %03u", prefix, i);

      g_ptr_array_add (ids, vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL));
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}
