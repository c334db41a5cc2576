/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-optimistic"

#include "vz-display-group-resource.h"
#include "optimistic-fixture.h"

/*
 * Changes of many screens at once against the real vizora-server: one
 * batch, one toast and one Undo that gives each screen its own value back,
 * for a location and for groups.
 */

static gboolean
group_count_is (Fixture    *fixture,
                const char *group_id,
                gint64      count)
{
  g_autofree char *path = g_strdup_printf ("/display-groups/%s", group_id);
  g_autoptr(JsonNode) body = NULL;
  JsonObject *group;

  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  group = json_object_get_object_member (json_node_get_object (body), "data");
  return json_object_get_int_member (json_object_get_object_member (group, "_count"), "displays") == count;
}

/* One location for several screens: one batch, one toast, one undo that
 * gives each screen its own location back, on the server too. */
static void
test_update_many_and_undo (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *before[] = { "Hall", NULL, "Roof" };
  g_auto(GStrv) ids = g_new0 (char *, 4);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VzOutbox *outbox;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);

      ids[i] = vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL);
      if (before[i] != NULL)
        {
          g_autofree char *json = g_strdup_printf ("{\"location\":\"%s\"}", before[i]);

          server_patch (fixture, ids[i], json);
        }
    }
  fixture->a = client_new (fixture->server, fixture->token, TRUE);

  vz_test_monitor_set_available (fixture->a->monitor, FALSE);
  json_object_set_string_member (changes, "location", "Roof");
  vz_sync_engine_update_many_async (fixture->a->engine, VZ_RESOURCE_DISPLAY, (const char * const *) ids, changes,
                                    NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_many_finish (fixture->a->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* The screen already on the roof is left alone. */
  g_assert_cmpuint (fixture->a->queued, ==, 1);
  g_assert_cmpstr (fixture->a->last_label, ==, "Changed the location of 2 screens");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Changed the location of 2 screens");
  outbox = vz_sync_engine_get_outbox (fixture->a->engine);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 2);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (vz_display_get_location (display_of (fixture->a, ids[i])), ==, "Roof");
  /* The pending list names the whole action from any of its requests. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);
      g_autofree char *line = vz_sync_engine_describe_change (fixture->a->engine, m);

      g_assert_cmpstr (line, ==, "Change the location of 2 screens");
    }

  vz_test_monitor_set_available (fixture->a->monitor, TRUE);
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) copy = server_display (fixture, ids[i]);

      g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, "Roof");
    }

  /* One undo step for the whole batch. */
  undo_now (fixture->a);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (vz_display_get_location (display_of (fixture->a, ids[i])), ==, before[i]);
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));
  wait_committed (fixture->a, 4);
  wait_until (client_outbox_empty, fixture->a, 10000);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) copy = server_display (fixture, ids[i]);

      g_assert_cmpstr (json_object_get_string_member (copy, "location"), ==, before[i]);
    }

  /* A field a screen does not have is refused before anything changes. */
  json_object_set_string_member (changes, "colour", "red");
  vz_sync_engine_update_many_async (fixture->a->engine, VZ_RESOURCE_DISPLAY, (const char * const *) ids, changes,
                                    NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_update_many_finish (fixture->a->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (vz_display_get_location (display_of (fixture->a, ids[0])), ==, "Hall");
}

static void
test_groups_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(GStrv) ids = g_new0 (char *, 4);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) lobby = NULL;
  const char *lobby_id;
  const char *both[3];

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);

      ids[i] = vz_test_server_pair_screen (fixture->server, fixture->token, name, NULL);
    }
  fixture->a = client_new (fixture->server, fixture->token, FALSE);

  vz_sync_engine_create_group_async (fixture->a->engine, "Lobby", NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  lobby = vz_sync_engine_create_group_finish (fixture->a->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  lobby_id = vz_entity_get_id (VZ_ENTITY (lobby));

  /* Bulk add: shows at once, commits, the server counts two. */
  both[0] = ids[0];
  both[1] = ids[1];
  both[2] = NULL;
  vz_sync_engine_add_displays_to_group_async (fixture->a->engine, both, lobby_id, NULL, store_result, &result);
  g_assert_cmpstr (vz_display_get_group_name (display_of (fixture->a, ids[0])), ==, "Lobby");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display_of (fixture->a, ids[1]))));
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_add_displays_to_group_finish (fixture->a->engine, result, &error));
  g_clear_object (&result);
  g_assert_cmpstr (fixture->a->last_label, ==, "Added 2 screens to “Lobby”");
  wait_committed (fixture->a, 1);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_true (group_count_is (fixture, lobby_id, 2));

  /* One screen moves in on its own. */
  vz_sync_engine_set_display_group_async (fixture->a->engine, ids[2], lobby_id, NULL, store_result, &result);
  g_assert_cmpstr (vz_display_get_group_name (display_of (fixture->a, ids[2])), ==, "Lobby");
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_set_display_group_finish (fixture->a->engine, result, &error));
  g_clear_object (&result);
  g_assert_cmpstr (fixture->a->last_label, ==, "Moved “Screen 2” to “Lobby”");
  wait_committed (fixture->a, 2);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_true (group_count_is (fixture, lobby_id, 3));

  /* Undo, twice: the move, then the bulk add, both committed already. */
  undo_now (fixture->a);
  g_assert_null (vz_display_get_group_id (display_of (fixture->a, ids[2])));
  wait_committed (fixture->a, 3);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_true (group_count_is (fixture, lobby_id, 2));

  undo_now (fixture->a);
  g_assert_null (vz_display_get_group_id (display_of (fixture->a, ids[0])));
  g_assert_null (vz_display_get_group_id (display_of (fixture->a, ids[1])));
  wait_committed (fixture->a, 4);
  wait_until (client_outbox_empty, fixture->a, 10000);
  g_assert_true (group_count_is (fixture, lobby_id, 0));
  spin (300);
  g_assert_null (vz_display_get_group_id (display_of (fixture->a, ids[0])));
}

/* Against a server without If-Match (the platform), the sender reads before
 * it writes and finds the same conflict. */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/optimistic/groups-and-undo", Fixture, NULL, fixture_setup, test_groups_and_undo, fixture_teardown);
  g_test_add ("/optimistic/update-many-and-undo", Fixture, NULL, fixture_setup, test_update_many_and_undo,
              fixture_teardown);

  return g_test_run ();
}
