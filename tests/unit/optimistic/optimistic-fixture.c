/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-optimistic"

#include "optimistic-fixture.h"

void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  if (g_strcmp0 (data, "fault") == 0)
    {
      g_autofree char *arg = NULL;

      fixture->fault_dir = g_dir_make_tmp ("vizora-fault-XXXXXX", NULL);
      fixture->fault_file = g_build_filename (fixture->fault_dir, "fault", NULL);
      arg = g_strdup_printf ("--fault-file=%s", fixture->fault_file);
      {
        const char *args[] = { arg, NULL };

        fixture->server = vz_test_server_start (args);
      }
    }
  else
    fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
}

void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  vz_test_server_free (fixture->server);
  if (fixture->fault_dir != NULL)
    remove_tree (fixture->fault_dir);
  g_free (fixture->fault_dir);
  g_free (fixture->fault_file);
}

JsonObject *
server_display (Fixture    *fixture,
                const char *id)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);
  g_autoptr(JsonNode) body = NULL;
  guint status;

  status = vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body);
  if (status == 404)
    return NULL;
  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (json_object_get_object_member (json_node_get_object (body), "data"));
}

void
server_patch (Fixture    *fixture,
              const char *id,
              const char *json)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);

  g_assert_cmpuint (vz_test_server_request (fixture->server, "PATCH", path, fixture->token, json, NULL), ==, 200);
}

void
change (Client     *client,
        const char *id,
        const char *key,
        const char *value)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (changes, key, value);
  vz_sync_engine_update_display_async (client->engine, id, changes, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

VzDisplay *
display_of (Client     *client,
            const char *id)
{
  return vz_store_lookup (vz_sync_engine_get_displays (client->engine), id);
}
