/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-engine"

#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "sync-engine-fixture.h"
#include "vz-core-test-util.h"

/*
 * Changes through the sync engine against the real vizora-server: screens
 * and groups changed, deleted in chunks, paired and sent commands.
 */

static void
test_update_display (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Before", NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/displays/%s", id);
  VzDisplay *display;
  JsonObject *server_copy;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  display = vz_store_lookup (vz_sync_engine_get_displays (fixture->engine), id);

  json_object_set_string_member (changes, "name", "After");
  json_object_set_string_member (changes, "location", "Hall B");
  json_object_set_string_member (changes, "orientation", "portrait");
  vz_sync_engine_update_display_async (fixture->engine, id, changes, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Shown at once, as pending; then committed. */
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "After");
  g_assert_true (vz_entity_get_pending (VZ_ENTITY (display)));
  wait_committed (fixture);
  g_assert_false (vz_entity_get_pending (VZ_ENTITY (display)));

  /* The store holds the server's answer, and so does the server. */
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "After");
  g_assert_cmpstr (vz_display_get_location (display), ==, "Hall B");
  g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  server_copy = json_object_get_object_member (json_node_get_object (body), "data");
  g_assert_cmpstr (json_object_get_string_member (server_copy, "nickname"), ==, "After");
  g_assert_cmpstr (json_object_get_string_member (server_copy, "location"), ==, "Hall B");

  /* Nothing changed: nothing is sent (updatedAt on the server stays). */
  {
    const char *before = json_object_get_string_member (server_copy, "updatedAt");
    g_autoptr(JsonNode) again = NULL;

    vz_sync_engine_update_display_async (fixture->engine, id, changes, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_clear_object (&result);
    wait_committed (fixture);
    vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &again);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (again), "data"),
                                                    "updatedAt"), ==, before);
  }

  /* Bad input: the server's words come back. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();

    g_autoptr(GError) refused = NULL;
    VzOutbox *outbox;
    gulong handler = g_signal_connect (fixture->engine, "change-failed", G_CALLBACK (store_failure), &refused);

    /* Queued and shown at once; the server refuses it; it rolls back with the server's words. */
    json_object_set_string_member (bad, "orientation", "upside-down");
    vz_sync_engine_update_display_async (fixture->engine, id, bad, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    wait_until (fixture, one_failed, 20000);
    g_signal_handler_disconnect (fixture->engine, handler);
    g_assert_error (refused, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
    g_assert_cmpuint (strlen (refused->message), >, 0);
    g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");

    /* The failed change waits in the list until discarded. */
    outbox = vz_sync_engine_get_outbox (fixture->engine);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 1);
    {
      g_autoptr(VzMutation) failed = g_list_model_get_item (G_LIST_MODEL (outbox), 0);

      g_assert_true (vz_sync_engine_discard_change (fixture->engine, vz_mutation_get_id (failed), &error));
      g_assert_no_error (error);
    }
    wait_committed (fixture);
    g_assert_cmpstr (vz_display_get_orientation (display), ==, "portrait");
  }

  /* A key that is not a screen field is refused before anything is sent. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();

    json_object_set_string_member (bad, "status", "online");
    vz_sync_engine_update_display_async (fixture->engine, id, bad, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_false (vz_sync_engine_update_display_finish (fixture->engine, result, &error));
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  }
}

static void
test_groups (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 3, "Grouped");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) lobby = NULL;
  g_autoptr(VzDisplayGroup) hall = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  const char *both[] = { ids[0], ids[1], NULL };

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  vz_sync_engine_create_group_async (fixture->engine, "  Lobby  ", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  lobby = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_group_get_name (lobby), ==, "Lobby");
  g_assert_true (vz_store_lookup (vz_sync_engine_get_groups (fixture->engine),
                                  vz_entity_get_id (VZ_ENTITY (lobby))) == (gpointer) lobby);
  g_clear_object (&result);

  vz_sync_engine_create_group_async (fixture->engine, "Hall", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  hall = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  vz_sync_engine_add_displays_to_group_async (fixture->engine, both, vz_entity_get_id (VZ_ENTITY (lobby)),
                                              NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_add_displays_to_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Shown at once; the group's own count follows the server's answer. */
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Lobby");
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[2])));
  wait_group_count (lobby, 2);

  /* Move one screen to another group. */
  vz_sync_engine_set_display_group_async (fixture->engine, ids[1], vz_entity_get_id (VZ_ENTITY (hall)),
                                          NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_set_display_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Hall");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Hall");
  wait_group_count (lobby, 1);
  wait_group_count (hall, 1);

  /* And out of any group. */
  vz_sync_engine_set_display_group_async (fixture->engine, ids[1], NULL, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_set_display_group_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  wait_committed (fixture);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  wait_group_count (hall, 0);

  /* A re-read keeps membership (it comes from the group list). */
  vz_sync_engine_refresh (fixture->engine);
  vz_test_spin (300);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
}

/* Screen groups are a kind of record like screens: renamed and deleted
 * through the same optimistic, undoable path, with no code of their own in
 * the engine; screens follow their group's name and its removal. */
static void
test_group_kind (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 2, "Kind");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;
  g_autoptr(JsonObject) rename = json_object_new ();
  g_autoptr(JsonObject) location = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  VzStore *groups = vz_sync_engine_get_store (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP);
  const char *group_ids[2] = { NULL, NULL };
  const char *gid;

  g_assert_true (groups == vz_sync_engine_get_groups (fixture->engine));
  g_assert_null (vz_sync_engine_get_store (fixture->engine, "no-such-kind"));
  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  vz_sync_engine_create_group_async (fixture->engine, "Lobby", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  group = vz_sync_engine_create_group_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  gid = vz_entity_get_id (VZ_ENTITY (group));
  path = g_strdup_printf ("/display-groups/%s", gid);
  vz_sync_engine_add_displays_to_group_async (fixture->engine, (const char * const *) ids, gid,
                                              NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_add_displays_to_group_finish (fixture->engine, result, &error));
  g_clear_object (&result);
  wait_committed (fixture);
  wait_group_count (group, 2);

  /* A field a group does not have is refused in words. */
  json_object_set_string_member (location, "location", "Level 2");
  vz_sync_engine_update_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, gid, location,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_update_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "“location” cannot be changed on a group.");
  g_clear_error (&error);
  g_clear_object (&result);

  /* Renamed: at once on the group and on its screens, then on the server. */
  json_object_set_string_member (rename, "name", "Front Hall");
  vz_sync_engine_update_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, gid, rename,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_update_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_group_get_name (group), ==, "Front Hall");
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->engine), ==, "Renamed “Lobby” to “Front Hall”");
  wait_committed (fixture);
  g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Front Hall");
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "name"), ==, "Front Hall");
  g_clear_pointer (&body, json_node_unref);

  /* Undone: the server has the old name again. */
  vz_sync_engine_undo_async (fixture->engine, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (vz_display_group_get_name (group), ==, "Lobby");
  wait_committed (fixture);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "name"), ==, "Lobby");
  g_clear_pointer (&body, json_node_unref);

  /* Deleted: gone from the store at once, its screens show no group, the
   * server no longer has it; Undo makes it again with its screens. */
  group_ids[0] = gid;
  vz_sync_engine_delete_async (fixture->engine, VZ_RESOURCE_DISPLAY_GROUP, group_ids,
                               NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (vz_store_lookup (groups, gid));
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[0])));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->engine), ==, "Deleted “Lobby”");
  wait_committed (fixture);
  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, NULL), ==, 404);
  g_assert_null (vz_display_get_group_id (vz_store_lookup (displays, ids[1])));
  vz_sync_engine_undo_async (fixture->engine, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_undo_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_committed (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (groups)), ==, 1);
  {
    g_autoptr(VzDisplayGroup) back = g_list_model_get_item (G_LIST_MODEL (groups), 0);
    g_autofree char *back_path = g_strdup_printf ("/display-groups/%s", vz_entity_get_id (VZ_ENTITY (back)));
    JsonObject *row;

    g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (back)), !=, gid);
    g_assert_cmpstr (vz_display_group_get_name (back), ==, "Lobby");
    wait_group_count (back, 2);
    g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[0])), ==, "Lobby");
    g_assert_cmpstr (vz_display_get_group_name (vz_store_lookup (displays, ids[1])), ==, "Lobby");
    g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", back_path, fixture->token, NULL, &body), ==, 200);
    row = json_object_get_object_member (json_node_get_object (body), "data");
    g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Lobby");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "displays")), ==, 2);
    g_clear_pointer (&body, json_node_unref);
  }

  /* A kind the catalogue does not have is refused, not guessed. */
  vz_sync_engine_delete_async (fixture->engine, "no-such-kind", group_ids, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_delete_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
}

static void
test_bulk_delete_chunks (Fixture       *fixture,
                         gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 130, "Bulk");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  const char *keep = ids[129];

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 130);

  /* 129 ids: more than the server takes at once (100), so two calls. */
  ids[129] = NULL;
  vz_sync_engine_delete_displays_async (fixture->engine, (const char * const *) ids, NULL,
                                        vz_test_store_result, &result);
  vz_test_wait_result (&result, 20000);
  ids[129] = (char *) keep;
  g_assert_true (vz_sync_engine_delete_displays_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);
  g_assert_nonnull (vz_store_lookup (displays, keep));
  wait_committed (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 1);

  g_assert_cmpuint (vz_test_server_request (fixture->server, "GET", "/displays?page=1&limit=100",
                                            fixture->token, NULL, &body), ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     json_object_get_object_member (json_node_get_object (body), "data"), "meta"), "total"), ==, 1);
  g_clear_object (&result);

  /* An empty selection is a mistake said in words, not a request. */
  {
    const char *none[] = { NULL };

    vz_sync_engine_delete_displays_async (fixture->engine, none, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_false (vz_sync_engine_delete_displays_finish (fixture->engine, result, &error));
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  }
}

static void
test_pair_and_commands (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(VzDisplay) display = NULL;
  g_autofree char *code = NULL;
  guint status;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);

  status = vz_test_server_request (fixture->server, "POST", "/devices/pairing/request", NULL,
                                   "{\"deviceIdentifier\":\"engine-pair-1\"}", &request);
  g_assert_cmpuint (status, ==, 201);
  code = g_ascii_strdown (json_object_get_string_member (json_object_get_object_member (
                            json_node_get_object (request), "data"), "code"), -1);

  /* Typed in lower case by a person: still accepted. */
  vz_sync_engine_pair_display_async (fixture->engine, code, "Reception", "Front desk", NULL,
                                     vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  display = vz_sync_engine_pair_display_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Reception");
  g_assert_cmpstr (vz_display_get_location (display), ==, "Front desk");
  g_assert_true (vz_store_lookup (vz_sync_engine_get_displays (fixture->engine),
                                  vz_entity_get_id (VZ_ENTITY (display))) == (gpointer) display);
  g_clear_object (&result);

  /* The same code again: the server's reason, as a sentence. */
  vz_sync_engine_pair_display_async (fixture->engine, code, NULL, NULL, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_null (vz_sync_engine_pair_display_finish (fixture->engine, result, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == VZ_API_ERROR);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Commands: an unknown one never reaches the server. */
  vz_sync_engine_send_command_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)), "explode",
                                     NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_send_command_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_clear_object (&result);

  vz_sync_engine_send_command_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)), "reload",
                                     NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  /* Accepted or refused (the screen is offline), never a crash or a hang;
   * a refusal carries the server's sentence. */
  if (!vz_sync_engine_send_command_finish (fixture->engine, result, &error))
    {
      g_assert_true (error->domain == VZ_API_ERROR);
      g_assert_cmpuint (strlen (error->message), >, 0);
      g_clear_error (&error);
    }
  g_clear_object (&result);

  /* A screenshot of an offline screen: 409 per the contract. */
  vz_sync_engine_request_screenshot_async (fixture->engine, vz_entity_get_id (VZ_ENTITY (display)),
                                           NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_sync_engine_request_screenshot_finish (fixture->engine, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/sync-engine/update-display", test_update_display);
  ADD ("/core/sync-engine/groups", test_groups);
  ADD ("/core/sync-engine/group-kind", test_group_kind);
  ADD ("/core/sync-engine/bulk-delete-chunks", test_bulk_delete_chunks);
  ADD ("/core/sync-engine/pair-and-commands", test_pair_and_commands);
#undef ADD

  return g_test_run ();
}
