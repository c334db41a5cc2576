/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-mutation"

#include "outbox-test-util.h"
#include "vz-mutation.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
to_string (VzMutation *m)
{
  g_autoptr(JsonNode) node = vz_mutation_to_json (m);

  return json_to_string (node, FALSE);
}

static void
test_mutation_defaults (void)
{
  g_autoptr(VzMutation) m = test_make_rename ("d-1", "Lobby", "Hall");
  g_autoptr(VzMutation) other = test_make_rename ("d-1", "Lobby", "Hall");
  gint64 now = g_get_real_time ();

  g_assert_true (g_uuid_string_is_valid (vz_mutation_get_id (m)));
  g_assert_cmpstr (vz_mutation_get_id (m), !=, vz_mutation_get_id (other));
  g_assert_cmpstr (vz_mutation_get_entity_kind (m), ==, "display");
  g_assert_cmpstr (vz_mutation_get_entity_id (m), ==, "d-1");
  g_assert_cmpuint (g_strv_length ((char **) vz_mutation_get_entity_ids (m)), ==, 1);
  g_assert_cmpstr (vz_mutation_get_method (m), ==, "PATCH");
  g_assert_cmpstr (vz_mutation_get_path (m), ==, "/displays/d-1");
  g_assert_cmpint (vz_mutation_get_state (m), ==, VZ_MUTATION_STATE_QUEUED);
  g_assert_cmpuint (vz_mutation_get_attempts (m), ==, 0);
  g_assert_null (vz_mutation_get_last_error (m));
  g_assert_null (vz_mutation_get_batch_id (m));
  g_assert_cmpint (vz_mutation_get_created_at (m), <=, now);
  g_assert_cmpint (vz_mutation_get_created_at (m), >, now - 60 * G_USEC_PER_SEC);
  g_assert_true (vz_mutation_touches (m, "d-1"));
  g_assert_false (vz_mutation_touches (m, "d-2"));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_mutation_notify_only_on_change (void)
{
  g_autoptr(VzMutation) m = test_make_rename ("d-1", "Lobby", "Hall");
  guint state_n = 0, error_n = 0, attempts_n = 0;

  g_signal_connect (m, "notify::state", G_CALLBACK (count_notify), &state_n);
  g_signal_connect (m, "notify::last-error", G_CALLBACK (count_notify), &error_n);
  g_signal_connect (m, "notify::attempts", G_CALLBACK (count_notify), &attempts_n);

  vz_mutation_set_state (m, VZ_MUTATION_STATE_QUEUED);
  vz_mutation_set_state (m, VZ_MUTATION_STATE_SENDING);
  vz_mutation_set_state (m, VZ_MUTATION_STATE_SENDING);
  vz_mutation_set_last_error (m, NULL);
  vz_mutation_set_last_error (m, "The server is down.");
  vz_mutation_set_last_error (m, "The server is down.");
  vz_mutation_set_attempts (m, 0);
  vz_mutation_set_attempts (m, 2);

  g_assert_cmpuint (state_n, ==, 1);
  g_assert_cmpuint (error_n, ==, 1);
  g_assert_cmpuint (attempts_n, ==, 1);
}

static void
test_mutation_round_trip (void)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = parse ("{\"displayIds\":[\"a\",\"b\"],\"groupId\":\"g-2\"}");
  const char *ids[] = { "a", "b", NULL };
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(VzMutation) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  json_object_set_string_member (changes, "groupId", "g-2");
  json_object_set_null_member (previous, "groupId");
  m = g_object_new (VZ_TYPE_MUTATION,
                    "entity-kind", "display",
                    "entity-ids", ids,
                    "operation", VZ_MUTATION_OP_UPDATE,
                    "method", "POST",
                    "path", "/displays/bulk/assign-group",
                    "body", body,
                    "changes", changes,
                    "previous", previous,
                    "batch-id", "batch-7",
                    NULL);
  vz_mutation_set_state (m, VZ_MUTATION_STATE_FAILED);
  vz_mutation_set_attempts (m, 3);
  vz_mutation_set_last_error (m, "Ünïcode \"quotes\" and\nnewlines survive.");

  node = vz_mutation_to_json (m);
  back = vz_mutation_new_from_json (node, &error);
  g_assert_no_error (error);

  first = to_string (m);
  second = to_string (back);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (vz_mutation_get_id (back), ==, vz_mutation_get_id (m));
  g_assert_cmpstr (vz_mutation_get_entity_id (back), ==, "a");
  g_assert_true (vz_mutation_touches (back, "b"));
  g_assert_cmpstr (vz_mutation_get_batch_id (back), ==, "batch-7");
  g_assert_cmpint (vz_mutation_get_state (back), ==, VZ_MUTATION_STATE_FAILED);
  g_assert_cmpuint (vz_mutation_get_attempts (back), ==, 3);
  g_assert_cmpstr (vz_mutation_get_last_error (back), ==, "Ünïcode \"quotes\" and\nnewlines survive.");
  g_assert_cmpint (vz_mutation_get_created_at (back), ==, vz_mutation_get_created_at (m));
  g_assert_null (vz_mutation_get_base_updated_at (back));
  g_assert_true (json_node_equal (vz_mutation_get_body (back), body));
}

static void
test_mutation_wrong_types (void)
{
  g_autoptr(VzMutation) good = test_make_rename ("d-1", "Lobby", "Hall");
  g_autoptr(JsonNode) good_node = vz_mutation_to_json (good);
  /* Text, because json_node_copy() shares the object it holds. */
  g_autofree char *template = json_to_string (good_node, FALSE);
  /* Each case replaces one member with a wrong type, or removes it. */
  static const struct { const char *member; const char *value; const char *named; } cases[] = {
    { "id", "42" }, { "id", NULL }, { "id", "\"\"" },
    { "entityKind", "[]" }, { "entityKind", NULL },
    { "entityIds", "\"d-1\"" }, { "entityIds", "[1]" }, { "entityIds", NULL },
    { "operation", "true" },
    { "request", "\"PATCH /x\"" }, { "request", NULL },
    { "request", "{\"method\":1,\"path\":\"/x\"}", "method" },
    { "request", "{\"method\":\"PATCH\"}", "path" },
    { "baseUpdatedAt", "12" },
    { "changes", "[]" }, { "previous", "\"x\"" },
    { "batchId", "{}" },
    { "createdAt", "\"yesterday\"" }, { "createdAt", "1.5" }, { "createdAt", "-5" },
    { "createdAt", NULL },
    { "attempts", "-1" }, { "attempts", "\"3\"" }, { "attempts", "1e30" },
    { "attempts", "99999999999" },
    { "state", "\"lost\"" }, { "state", "0" }, { "state", NULL },
    { "lastError", "[\"a\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (template);
      g_autoptr(GError) error = NULL;
      g_autoptr(VzMutation) m = NULL;
      JsonObject *obj = json_node_get_object (node);

      if (cases[i].value == NULL)
        json_object_remove_member (obj, cases[i].member);
      else
        json_object_set_member (obj, cases[i].member, parse (cases[i].value));

      m = vz_mutation_new_from_json (node, &error);
      g_assert_null (m);
      g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID);
      /* The sentence names the member at fault. */
      g_assert_nonnull (strstr (error->message, cases[i].named ? cases[i].named : cases[i].member));
    }

  /* Not an object at all. */
  {
    const char *texts[] = { "[]", "null", "\"mutation\"", "3" };

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr(JsonNode) node = parse (texts[i]);
        g_autoptr(GError) error = NULL;

        g_assert_null (vz_mutation_new_from_json (node, &error));
        g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID);
      }
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (vz_mutation_new_from_json (NULL, &error));
      g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID);
    }
  }

  /* Optional members may be null. */
  {
    g_autoptr(JsonNode) node = parse (template);
    g_autoptr(GError) error = NULL;
    g_autoptr(VzMutation) m = NULL;
    JsonObject *obj = json_node_get_object (node);

    json_object_set_null_member (obj, "baseUpdatedAt");
    json_object_set_null_member (obj, "changes");
    json_object_set_null_member (obj, "lastError");
    m = vz_mutation_new_from_json (node, &error);
    g_assert_no_error (error);
    g_assert_null (vz_mutation_get_base_updated_at (m));
    g_assert_null (vz_mutation_get_changes (m));
  }
}

static void
test_mutation_inverse (void)
{
  g_autoptr(VzMutation) m = test_make_rename ("d-1", "Lobby", "Hall");
  g_autoptr(VzMutation) inverse = NULL;
  g_autoptr(VzMutation) back = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body;

  vz_mutation_set_batch_id (m, "b-1");
  inverse = vz_mutation_new_inverse (m, "2026-11-25T10:05:00.000Z", &error);
  g_assert_no_error (error);

  g_assert_cmpstr (vz_mutation_get_id (inverse), !=, vz_mutation_get_id (m));
  g_assert_cmpstr (vz_mutation_get_entity_id (inverse), ==, "d-1");
  g_assert_cmpstr (vz_mutation_get_method (inverse), ==, "PATCH");
  g_assert_cmpstr (vz_mutation_get_path (inverse), ==, "/displays/d-1");
  g_assert_cmpstr (vz_mutation_get_base_updated_at (inverse), ==, "2026-11-25T10:05:00.000Z");
  g_assert_null (vz_mutation_get_batch_id (inverse));
  g_assert_cmpint (vz_mutation_get_state (inverse), ==, VZ_MUTATION_STATE_QUEUED);
  g_assert_cmpstr (json_object_get_string_member (vz_mutation_get_changes (inverse), "name"), ==, "Hall");
  g_assert_cmpstr (json_object_get_string_member (vz_mutation_get_previous (inverse), "name"), ==, "Lobby");
  body = json_node_get_object (vz_mutation_get_body (inverse));
  g_assert_cmpstr (json_object_get_string_member (body, "name"), ==, "Hall");

  /* Undoing the undo gives the original change back. */
  back = vz_mutation_new_inverse (inverse, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (vz_mutation_get_body (back), vz_mutation_get_body (m)));
}

static void
test_mutation_inverse_keeps_addressing (void)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = parse ("{\"displayIds\":[\"a\",\"b\"],\"groupId\":\"g-2\"}");
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(VzMutation) inverse = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *inv_body;

  json_object_set_string_member (changes, "groupId", "g-2");
  json_object_set_null_member (previous, "groupId");
  m = vz_mutation_new ("display", "a", VZ_MUTATION_OP_UPDATE, "POST", "/displays/bulk/assign-group",
                       body, NULL, changes, previous);
  inverse = vz_mutation_new_inverse (m, NULL, &error);
  g_assert_no_error (error);

  inv_body = json_node_get_object (vz_mutation_get_body (inverse));
  g_assert_true (json_object_has_member (inv_body, "displayIds"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (inv_body, "displayIds")), ==, 2);
  g_assert_true (json_object_get_null_member (inv_body, "groupId"));
}

static void
test_mutation_not_invertible (void)
{
  g_autoptr(VzMutation) del = vz_mutation_new ("display", "d-1", VZ_MUTATION_OP_DELETE, "DELETE",
                                               "/displays/d-1", NULL, NULL, NULL, NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(VzMutation) unknown_before = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (vz_mutation_new_inverse (del, NULL, &error));
  g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE);
  g_clear_error (&error);

  json_object_set_string_member (changes, "location", "Floor 2");
  unknown_before = vz_mutation_new ("display", "d-1", VZ_MUTATION_OP_UPDATE, "PATCH", "/displays/d-1",
                                    NULL, NULL, changes, NULL);
  g_assert_null (vz_mutation_new_inverse (unknown_before, NULL, &error));
  g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE);
  g_assert_nonnull (strstr (error->message, "location"));
}

/* Journals written before links had a kind-neutral form still load: their
 * words and their shown values are read as today's. */
static void
test_mutation_reads_older_links (void)
{
  static const struct { const char *operation; const char *changes; VzMutationOp op; } cases[] = {
    { "join-group", "{\"groupId\":\"g-2\"}", VZ_MUTATION_OP_LINK },
    { "leave-group", "{\"groupId\":null}", VZ_MUTATION_OP_UNLINK },
    { "assign-group", "{\"groups\":{\"d-1\":\"g-2\"}}", VZ_MUTATION_OP_LINK },
    { "remove-from-group", "{\"groups\":{\"d-1\":null}}", VZ_MUTATION_OP_UNLINK },
    { "bulk-delete", "null", VZ_MUTATION_OP_DELETE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("{\"id\":\"m-%u\",\"entityKind\":\"display\",\"entityIds\":[\"d-1\"],"
                         "\"operation\":\"%s\",\"request\":{\"method\":\"POST\",\"path\":\"/x\"},"
                         "\"changes\":%s,\"createdAt\":1,\"attempts\":0,\"state\":\"queued\"}",
                         i, cases[i].operation, cases[i].changes);
      g_autoptr(JsonNode) node = parse (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(VzMutation) m = vz_mutation_new_from_json (node, &error);
      JsonObject *changes;

      g_assert_no_error (error);
      g_assert_cmpint (vz_mutation_get_operation (m), ==, cases[i].op);
      changes = vz_mutation_get_changes (m);
      if (cases[i].op == VZ_MUTATION_OP_DELETE)
        continue;
      g_assert_true (json_object_has_member (changes, "links"));
      g_assert_true (json_object_has_member (json_object_get_object_member (changes, "links"), "d-1"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mutation/defaults", test_mutation_defaults);
  g_test_add_func ("/mutation/notify-only-on-change", test_mutation_notify_only_on_change);
  g_test_add_func ("/mutation/round-trip", test_mutation_round_trip);
  g_test_add_func ("/mutation/reads-older-links", test_mutation_reads_older_links);
  g_test_add_func ("/mutation/wrong-types", test_mutation_wrong_types);
  g_test_add_func ("/mutation/inverse", test_mutation_inverse);
  g_test_add_func ("/mutation/inverse-keeps-addressing", test_mutation_inverse_keeps_addressing);
  g_test_add_func ("/mutation/not-invertible", test_mutation_not_invertible);

  return g_test_run ();
}
