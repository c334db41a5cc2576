/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-entities"

#include <string.h>

#include "vz-api-error.h"
#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-entity-private.h"
#include "vz-notification.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *full_display =
  "{\"id\":\"3f0c7f0e-9a57-4a43-9c1b-9d7c7a0e0001\",\"organizationId\":\"org1\","
  "\"deviceIdentifier\":\"sim-0001\",\"nickname\":\"Lobby\",\"description\":null,"
  "\"location\":\"Ground floor\",\"status\":\"online\",\"orientation\":\"landscape\","
  "\"resolution\":\"1920x1080\",\"timezone\":\"Europe/Berlin\","
  "\"lastHeartbeat\":\"2026-11-25T10:00:00.000Z\",\"isDisabled\":false,"
  "\"currentPlaylistId\":null,\"createdAt\":\"2026-11-01T00:00:00.000Z\","
  "\"updatedAt\":\"2026-11-25T10:00:00.000Z\",\"pairedAt\":\"2026-11-01T00:01:00.000Z\","
  "\"tags\":[],\"metrics\":{\"cpuUsage\":12.5,\"memoryUsage\":40,\"diskUsage\":70.25,"
  "\"temperature\":51,\"uptime\":3600}}";

typedef struct {
  GHashTable *counts;  /* property name → count */
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           NotifyLog  *log)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
notify_count (NotifyLog  *log,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

static void
test_display_decode (void)
{
  g_autoptr(JsonObject) obj = parse_object (full_display);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) display = NULL;
  GDateTime *heartbeat;

  display = VZ_DISPLAY (vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error));
  g_assert_no_error (error);
  g_assert_nonnull (display);

  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (display)), ==, "3f0c7f0e-9a57-4a43-9c1b-9d7c7a0e0001");
  /* updatedAt is kept verbatim: it goes back to the server in If-Match. */
  g_assert_cmpstr (vz_entity_get_updated_at (VZ_ENTITY (display)), ==, "2026-11-25T10:00:00.000Z");
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  g_assert_cmpstr (vz_display_get_display_name (display), ==, "Lobby");
  g_assert_cmpstr (vz_display_get_device_identifier (display), ==, "sim-0001");
  g_assert_null (vz_display_get_description (display));
  g_assert_cmpstr (vz_display_get_location (display), ==, "Ground floor");
  g_assert_cmpstr (vz_display_get_orientation (display), ==, "landscape");
  g_assert_cmpstr (vz_display_get_resolution (display), ==, "1920x1080");
  g_assert_cmpstr (vz_display_get_timezone (display), ==, "Europe/Berlin");
  g_assert_cmpint (vz_display_get_status (display), ==, VZ_DISPLAY_STATUS_ONLINE);
  g_assert_false (vz_display_get_is_disabled (display));
  g_assert_null (vz_display_get_current_playlist_id (display));
  g_assert_cmpfloat (vz_display_get_cpu_usage (display), ==, 12.5);
  g_assert_cmpfloat (vz_display_get_memory_usage (display), ==, 40);
  g_assert_cmpfloat (vz_display_get_disk_usage (display), ==, 70.25);
  g_assert_cmpfloat (vz_display_get_temperature (display), ==, 51);
  g_assert_cmpint (vz_display_get_uptime (display), ==, 3600);
  g_assert_null (vz_display_get_group_id (display));

  heartbeat = vz_display_get_last_heartbeat (display);
  g_assert_nonnull (heartbeat);
  g_assert_cmpint (g_date_time_get_hour (heartbeat), ==, 10);
  g_assert_cmpint (g_date_time_get_year (heartbeat), ==, 2026);
}

static void
test_display_status_strings (void)
{
  g_assert_cmpint (vz_display_status_from_string ("online"), ==, VZ_DISPLAY_STATUS_ONLINE);
  g_assert_cmpint (vz_display_status_from_string ("offline"), ==, VZ_DISPLAY_STATUS_OFFLINE);
  g_assert_cmpint (vz_display_status_from_string ("pairing"), ==, VZ_DISPLAY_STATUS_PAIRING);
  g_assert_cmpint (vz_display_status_from_string ("error"), ==, VZ_DISPLAY_STATUS_ERROR);
  g_assert_cmpint (vz_display_status_from_string ("idle"), ==, VZ_DISPLAY_STATUS_IDLE);
  g_assert_cmpint (vz_display_status_from_string ("exploded"), ==, VZ_DISPLAY_STATUS_UNKNOWN);
  g_assert_cmpint (vz_display_status_from_string (NULL), ==, VZ_DISPLAY_STATUS_UNKNOWN);
  g_assert_cmpstr (vz_display_status_to_string (VZ_DISPLAY_STATUS_IDLE), ==, "idle");
  g_assert_cmpstr (vz_display_status_to_label (VZ_DISPLAY_STATUS_PAIRING), ==, "Waiting for pairing");

  /* The enum is registered, so GTK expressions and bindings can use it. */
  {
    g_autoptr(GEnumClass) klass = g_type_class_ref (VZ_TYPE_DISPLAY_STATUS);
    GEnumValue *value = g_enum_get_value (klass, VZ_DISPLAY_STATUS_OFFLINE);

    g_assert_nonnull (value);
    g_assert_cmpstr (value->value_nick, ==, "offline");
  }
}

static void
test_display_notify_only_changes (void)
{
  g_autoptr(JsonObject) obj = parse_object (full_display);
  g_autoptr(JsonObject) same = parse_object (full_display);
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) display = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  NotifyLog log = { counts };

  display = VZ_DISPLAY (vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error));
  g_assert_no_error (error);
  g_signal_connect (display, "notify", G_CALLBACK (on_notify), &log);

  /* The very same JSON again: not one notification. */
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (display), same, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* A partial update (as from an event) touching two members. */
  changed = parse_object ("{\"status\":\"offline\",\"nickname\":\"Lobby east\","
                          "\"location\":\"Ground floor\",\"updatedAt\":\"2026-11-25T10:05:00.000Z\"}");
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (display), changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notify_count (&log, "status"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "nickname"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "display-name"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "updated-at"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "location"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "cpu-usage"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "last-heartbeat"), ==, 0);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 4);
  /* Members absent from a partial update are left alone. */
  g_assert_cmpstr (vz_display_get_timezone (display), ==, "Europe/Berlin");
  g_assert_cmpfloat (vz_display_get_cpu_usage (display), ==, 12.5);

  /* apply_status: same status is silent, a new heartbeat notifies once. */
  g_hash_table_remove_all (counts);
  vz_display_apply_status (display, VZ_DISPLAY_STATUS_OFFLINE, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  vz_display_apply_status (display, VZ_DISPLAY_STATUS_ONLINE, "2026-11-25T10:06:00.000Z");
  g_assert_cmpuint (notify_count (&log, "status"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "last-heartbeat"), ==, 1);
  g_assert_cmpint (g_date_time_get_minute (vz_display_get_last_heartbeat (display)), ==, 6);
  vz_display_apply_status (display, VZ_DISPLAY_STATUS_ONLINE, "2026-11-25T10:06:00.000Z");
  g_assert_cmpuint (notify_count (&log, "status"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "last-heartbeat"), ==, 1);

  /* Group: set by the sync engine. */
  g_hash_table_remove_all (counts);
  vz_display_set_group (display, "g1", "Lobby screens");
  vz_display_set_group (display, "g1", "Lobby screens");
  g_assert_cmpuint (notify_count (&log, "group-id"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "group-name"), ==, 1);

  /* metrics: null → every figure unknown. */
  g_hash_table_remove_all (counts);
  g_clear_pointer (&changed, json_object_unref);
  changed = parse_object ("{\"metrics\":null}");
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (display), changed, &error));
  g_assert_cmpfloat (vz_display_get_cpu_usage (display), ==, -1);
  g_assert_cmpint (vz_display_get_uptime (display), ==, -1);
  g_assert_cmpuint (notify_count (&log, "cpu-usage"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "uptime"), ==, 1);
}

/* An uptime no gint64 holds, or below zero, is unknown (-1): the cast was
 * undefined behaviour (found by fuzzing the snapshot reader). */
static void
test_display_uptime_out_of_range (void)
{
  static const char *uptimes[] = { "1e300", "-1e300", "9.3e18", "-5", "8.6e65" };

  for (guint i = 0; i < G_N_ELEMENTS (uptimes); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"d1\",\"metrics\":{\"uptime\":%s}}", uptimes[i]);
      g_autoptr(JsonObject) obj = parse_object (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(VzEntity) display = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);

      g_assert_no_error (error);
      g_assert_cmpint (vz_display_get_uptime (VZ_DISPLAY (display)), ==, -1);
    }
}

static void
test_display_wrong_types (void)
{
  static const struct {
    const char *json;
    const char *member;
  } cases[] = {
    { "{\"id\":\"d1\",\"nickname\":42}", "nickname" },
    { "{\"id\":\"d1\",\"status\":true}", "status" },
    { "{\"id\":\"d1\",\"isDisabled\":\"no\"}", "isDisabled" },
    { "{\"id\":\"d1\",\"metrics\":[1,2]}", "metrics" },
    { "{\"id\":\"d1\",\"metrics\":{\"cpuUsage\":\"high\"}}", "cpuUsage" },
    { "{\"id\":\"d1\",\"location\":{\"floor\":1}}", "location" },
    { "{\"id\":\"d1\",\"updatedAt\":17}", "updatedAt" },
    { "{\"id\":\"d1\",\"groups\":\"g1\"}", "groups" },
    { "{\"id\":\"d1\",\"groups\":[5]}", "groups" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) obj = parse_object (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(VzEntity) entity = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);

      g_assert_null (entity);
      g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].member));
      /* A sentence: capital letter, full stop. */
      g_assert_true (g_ascii_isupper (error->message[0]));
      g_assert_true (g_str_has_suffix (error->message, "."));
    }

  /* No id, empty id, id of the wrong type. */
  {
    const char *bad_ids[] = { "{}", "{\"id\":\"\"}", "{\"id\":7}", "{\"id\":null}" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
      {
        g_autoptr(JsonObject) obj = parse_object (bad_ids[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(VzEntity) entity = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);

        g_assert_null (entity);
        g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
      }
  }
}

static void
test_display_bad_update_changes_nothing (void)
{
  g_autoptr(JsonObject) obj = parse_object (full_display);
  g_autoptr(JsonObject) bad = parse_object ("{\"nickname\":\"New\",\"status\":\"offline\",\"metrics\":{\"cpuUsage\":[]}}");
  g_autoptr(JsonObject) other = parse_object ("{\"id\":\"another\",\"nickname\":\"New\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) display = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  NotifyLog log = { counts };

  display = VZ_DISPLAY (vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error));
  g_assert_no_error (error);
  g_signal_connect (display, "notify", G_CALLBACK (on_notify), &log);

  g_assert_false (vz_entity_update_from_json (VZ_ENTITY (display), bad, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
  g_assert_cmpint (vz_display_get_status (display), ==, VZ_DISPLAY_STATUS_ONLINE);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* An answer for a different id must not be merged into this object. */
  g_assert_false (vz_entity_update_from_json (VZ_ENTITY (display), other, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Lobby");
}

static void
test_display_name_fallback (void)
{
  g_autoptr(JsonObject) obj = parse_object ("{\"id\":\"d1\",\"deviceIdentifier\":\"hw-77\",\"nickname\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzEntity) entity = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_get_display_name (VZ_DISPLAY (entity)), ==, "hw-77");
  g_assert_cmpint (vz_display_get_status (VZ_DISPLAY (entity)), ==, VZ_DISPLAY_STATUS_UNKNOWN);
  g_assert_cmpfloat (vz_display_get_cpu_usage (VZ_DISPLAY (entity)), ==, -1);
}

static void
test_group_decode (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"g1\",\"name\":\"Lobby\",\"description\":\"Front\",\"_count\":{\"displays\":2},"
    "\"displays\":[{\"displayId\":\"d1\"},{\"displayId\":\"d2\"}]}");
  g_autoptr(JsonObject) renamed = parse_object ("{\"id\":\"g1\",\"name\":\"Lobby\",\"description\":\"Back\"}");
  g_autoptr(JsonObject) bad = parse_object ("{\"id\":\"g1\",\"displays\":[true]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  NotifyLog log = { counts };
  const char * const *ids;

  group = VZ_DISPLAY_GROUP (vz_entity_new_from_json (VZ_TYPE_DISPLAY_GROUP, obj, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_display_group_get_name (group), ==, "Lobby");
  g_assert_cmpstr (vz_display_group_get_description (group), ==, "Front");
  g_assert_cmpuint (vz_display_group_get_display_count (group), ==, 2);
  ids = vz_display_group_get_display_ids (group);
  g_assert_cmpuint (g_strv_length ((GStrv) ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "d1");
  g_assert_cmpstr (ids[1], ==, "d2");

  g_signal_connect (group, "notify", G_CALLBACK (on_notify), &log);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (group), renamed, &error));
  g_assert_cmpuint (notify_count (&log, "description"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "name"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "display-count"), ==, 0);
  /* No member list in the update: the members are kept. */
  g_assert_cmpuint (g_strv_length ((GStrv) vz_display_group_get_display_ids (group)), ==, 2);

  g_assert_false (vz_entity_update_from_json (VZ_ENTITY (group), bad, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
}

static void
test_api_error_status (void)
{
  g_assert_cmpint (vz_api_error_from_status (400), ==, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpint (vz_api_error_from_status (413), ==, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpint (vz_api_error_from_status (401), ==, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (vz_api_error_from_status (403), ==, VZ_API_ERROR_FORBIDDEN);
  g_assert_cmpint (vz_api_error_from_status (404), ==, VZ_API_ERROR_NOT_FOUND);
  g_assert_cmpint (vz_api_error_from_status (409), ==, VZ_API_ERROR_CONFLICT);
  g_assert_cmpint (vz_api_error_from_status (412), ==, VZ_API_ERROR_PRECONDITION_FAILED);
  g_assert_cmpint (vz_api_error_from_status (429), ==, VZ_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (vz_api_error_from_status (500), ==, VZ_API_ERROR_SERVER);
  g_assert_cmpint (vz_api_error_from_status (599), ==, VZ_API_ERROR_SERVER);
  g_assert_cmpint (vz_api_error_from_status (418), ==, VZ_API_ERROR_BAD_REQUEST);
}

/*
 * Every member of a full record replaced by every JSON type in turn, at the
 * top level and inside `metrics` and `groups`: each variant either decodes or
 * fails with a sentence, never crashes or warns (warnings are fatal here).
 */
static void
mutate_all (GType       type,
            const char *json)
{
  static const char *values[] = { "null", "0", "-1", "1.5e300", "true", "\"x\"", "\"\"", "[]", "[1,\"a\"]",
                                  "{}", "{\"id\":3}", "[{\"displayGroup\":null}]", "[{\"displayGroup\":{\"id\":7}}]" };
  g_autoptr(JsonObject) original = parse_object (json);
  g_autoptr(GList) members = json_object_get_members (original);
  guint decoded = 0, refused = 0;

  for (GList *l = members; l != NULL; l = l->next)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        /* Parsed afresh: json_node_copy() would share the object. */
        g_autoptr(JsonObject) copy = parse_object (json);
        g_autoptr(GError) error = NULL;
        g_autoptr(VzEntity) entity = NULL;
        g_autoptr(VzEntity) updated = NULL;

        json_object_set_member (copy, l->data, json_from_string (values[v], NULL));
        entity = vz_entity_new_from_json (type, copy, &error);
        if (entity == NULL)
          {
            g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
            g_assert_true (g_str_has_suffix (error->message, "."));
            refused++;
          }
        else
          decoded++;

        /* The same as an update over a good object: all or nothing. */
        g_clear_error (&error);
        updated = vz_entity_new_from_json (type, original, &error);
        g_assert_no_error (error);
        if (!vz_entity_update_from_json (updated, copy, &error))
          g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
      }
  g_test_message ("%u variants decoded, %u refused", decoded, refused);
  g_assert_cmpuint (decoded, >, 0);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_mutations (void)
{
  g_autofree char *with_groups = g_strdup_printf ("%.*s,\"groups\":[{\"displayGroup\":{\"id\":\"g\",\"name\":\"G\"}}]}",
                                                  (int) strlen (full_display) - 1, full_display);

  mutate_all (VZ_TYPE_DISPLAY, full_display);
  mutate_all (VZ_TYPE_DISPLAY, with_groups);
  mutate_all (VZ_TYPE_DISPLAY, "{\"id\":\"d\",\"metrics\":{\"cpuUsage\":1,\"memoryUsage\":2,\"diskUsage\":3,"
                               "\"temperature\":4,\"uptime\":5}}");
  mutate_all (VZ_TYPE_DISPLAY_GROUP, "{\"id\":\"g1\",\"name\":\"Lobby\",\"description\":\"Front\","
                                     "\"_count\":{\"displays\":2},\"displays\":[{\"displayId\":\"d1\"},\"d2\"]}");
}

/* Shared strings (vz-entity-private.h) ----------------------------------- */

static VzEntity *
decode (GType       type,
        const char *json)
{
  g_autoptr(JsonObject) obj = parse_object (json);
  g_autoptr(GError) error = NULL;
  VzEntity *entity = vz_entity_new_from_json (type, obj, &error);

  g_assert_no_error (error);
  return entity;
}

static void
update (VzEntity   *entity,
        const char *json)
{
  g_autoptr(JsonObject) obj = parse_object (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (vz_entity_update_from_json (entity, obj, &error));
  g_assert_no_error (error);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

#define SCREEN(id, tz) \
  "{\"id\":\"" id "\",\"updatedAt\":\"2026-12-03T22:58:06.305Z\",\"nickname\":\"Lobby " id "\"," \
  "\"timezone\":\"" tz "\",\"orientation\":\"landscape\",\"createdAt\":\"2026-12-03T22:58:06.305Z\"," \
  "\"pairedAt\":\"2026-12-03T22:58:06.305Z\",\"lastHeartbeat\":\"2026-12-03T23:35:49.697Z\",\"status\":\"online\"," \
  "\"groups\":[{\"displayGroup\":{\"id\":\"g-1\",\"name\":\"Lobby screens\"}}]}"

/* Many screens with the same values hold one copy of each; each screen
 * still changes on its own, notifies only real changes, and the copies go
 * when the last screen holding them does. */
static void
test_screens_share_and_update (void)
{
  guint before = _vz_shared_strings_count ();
  g_autoptr(VzEntity) a = decode (VZ_TYPE_DISPLAY, SCREEN ("d-1", "Europe/Berlin"));
  g_autoptr(VzEntity) b = decode (VZ_TYPE_DISPLAY, SCREEN ("d-2", "Europe/Berlin"));
  VzDisplay *da = VZ_DISPLAY (a), *db = VZ_DISPLAY (b);
  guint timezone_notes = 0, any_notes = 0;
  guint shared;

  g_assert_cmpstr (vz_display_get_timezone (da), ==, "Europe/Berlin");
  g_assert_true (vz_display_get_timezone (da) == vz_display_get_timezone (db));
  g_assert_true (vz_display_get_orientation (da) == vz_display_get_orientation (db));
  g_assert_true (vz_display_get_group_id (da) == vz_display_get_group_id (db));
  g_assert_true (vz_entity_get_updated_at (a) == vz_entity_get_updated_at (b));
  /* The time zone, the orientation, one time (updated, created, paired),
   * the heartbeat, the group's id and name: 6 strings for both screens. */
  shared = _vz_shared_strings_count ();
  g_assert_cmpuint (shared - before, ==, 6);

  g_signal_connect (a, "notify::timezone", G_CALLBACK (count_notify), &timezone_notes);
  g_signal_connect (a, "notify", G_CALLBACK (count_notify), &any_notes);
  /* The same values again: nothing changes, nothing is said. */
  update (a, SCREEN ("d-1", "Europe/Berlin"));
  g_assert_cmpuint (any_notes, ==, 0);

  update (a, "{\"id\":\"d-1\",\"timezone\":\"America/Chicago\"}");
  g_assert_cmpuint (timezone_notes, ==, 1);
  g_assert_cmpstr (vz_display_get_timezone (da), ==, "America/Chicago");
  g_assert_cmpstr (vz_display_get_timezone (db), ==, "Europe/Berlin");
  g_assert_cmpuint (_vz_shared_strings_count (), ==, shared + 1);

  update (b, "{\"id\":\"d-2\",\"timezone\":\"America/Chicago\"}");
  g_assert_true (vz_display_get_timezone (da) == vz_display_get_timezone (db));
  /* Nobody holds "Europe/Berlin" any more. */
  g_assert_cmpuint (_vz_shared_strings_count (), ==, shared);

  vz_display_set_group (db, NULL, NULL);
  g_assert_null (vz_display_get_group_id (db));
  g_assert_cmpstr (vz_display_get_group_id (da), ==, "g-1");

  g_clear_object (&a);
  g_clear_object (&b);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before);
}

#define ALERT(id, device) \
  "{\"id\":\"" id "\",\"updatedAt\":\"2026-12-03T22:56:34.072Z\",\"type\":\"device_offline\"," \
  "\"title\":\"Screen offline\",\"message\":\"A screen went offline.\",\"severity\":\"warning\"," \
  "\"read\":false,\"dismissedAt\":null,\"createdAt\":\"2026-12-03T22:56:34.072Z\"," \
  "\"metadata\":{\"deviceId\":\"" device "\",\"metric\":null,\"value\":null,\"threshold\":null," \
  "\"resolved\":false,\"resolvedAt\":null}}"

static void
test_alerts_share_and_update (void)
{
  guint before = _vz_shared_strings_count ();
  g_autoptr(VzEntity) a = decode (VZ_TYPE_NOTIFICATION, ALERT ("n-1", "d-1"));
  g_autoptr(VzEntity) b = decode (VZ_TYPE_NOTIFICATION, ALERT ("n-2", "d-1"));
  VzNotification *na = VZ_NOTIFICATION (a), *nb = VZ_NOTIFICATION (b);
  guint dismissed_notes = 0;
  g_autoptr(GString) saved = g_string_new (NULL);
  g_autoptr(VzEntity) again = NULL;

  g_assert_true (vz_notification_get_title (na) == vz_notification_get_title (nb));
  g_assert_true (vz_notification_get_device_id (na) == vz_notification_get_device_id (nb));
  g_assert_true (vz_notification_get_created_at (na) == vz_entity_get_updated_at (b));
  g_assert_cmpint (vz_notification_get_created_time (na), ==, vz_notification_get_created_time (nb));

  g_signal_connect (a, "notify::dismissed", G_CALLBACK (count_notify), &dismissed_notes);
  vz_notification_set_dismissed_at (na, "2026-12-04T01:00:00Z");
  vz_notification_set_dismissed_at (na, "2026-12-04T01:00:00Z");
  g_assert_cmpuint (dismissed_notes, ==, 1);
  g_assert_true (vz_notification_get_dismissed (na));
  g_assert_false (vz_notification_get_dismissed (nb));

  /* Written and read back (the saved fleet): the same record. */
  vz_entity_to_json (a, saved);
  again = decode (VZ_TYPE_NOTIFICATION, saved->str);
  g_assert_cmpstr (vz_notification_get_dismissed_at (VZ_NOTIFICATION (again)), ==, "2026-12-04T01:00:00Z");
  g_assert_true (vz_notification_get_device_id (VZ_NOTIFICATION (again)) == vz_notification_get_device_id (na));

  vz_notification_set_dismissed_at (na, NULL);
  g_assert_false (vz_notification_get_dismissed (na));
  g_clear_object (&a);
  g_clear_object (&b);
  g_clear_object (&again);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before);
}

/* Records decoded in one thread while another frees its own, as the
 * snapshot does: the counts stay right. */
static gpointer
churn (gpointer data)
{
  const char *tz = data;

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"d-%u\",\"timezone\":\"%s\",\"location\":\"Hall %u\"}",
                                               i, tz, i % 7);
      g_autoptr(JsonObject) obj = parse_object (json);
      g_autoptr(VzEntity) entity = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, NULL);

      g_assert_nonnull (entity);
      g_assert_cmpstr (vz_display_get_timezone (VZ_DISPLAY (entity)), ==, tz);
    }
  return NULL;
}

static void
test_threads (void)
{
  guint before = _vz_shared_strings_count ();
  GThread *one = g_thread_new ("one", churn, (gpointer) "UTC");
  GThread *two = g_thread_new ("two", churn, (gpointer) "UTC");
  GThread *three = g_thread_new ("three", churn, (gpointer) "Asia/Tokyo");

  g_thread_join (one);
  g_thread_join (two);
  g_thread_join (three);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before);
}

/* A string first decoded in a worker, then by the thread that owns the
 * main context: that thread keeps a copy made in its own heap, which then
 * stands for the string; later workers share that copy. */
static gpointer
decode_in_worker (gpointer data)
{
  g_autoptr(JsonObject) obj = parse_object (data);

  return vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, NULL);
}

static VzEntity *
decode_in_thread (const char *json)
{
  return g_thread_join (g_thread_new ("worker", decode_in_worker, (gpointer) json));
}

static void
test_worker_strings_copied (void)
{
  const char *json = "{\"id\":\"d-1\",\"timezone\":\"Pacific/Chatham\"}";
  guint before = _vz_shared_strings_count ();
  g_autoptr(VzEntity) from_worker = NULL;
  g_autoptr(VzEntity) own = NULL;
  g_autoptr(VzEntity) own_again = NULL;
  g_autoptr(VzEntity) later_worker = NULL;
  const char *worker_tz;

  g_assert_true (g_main_context_acquire (NULL));

  from_worker = decode_in_thread (json);
  worker_tz = vz_display_get_timezone (VZ_DISPLAY (from_worker));
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before + 1);

  own = decode (VZ_TYPE_DISPLAY, json);
  g_assert_cmpstr (vz_display_get_timezone (VZ_DISPLAY (own)), ==, "Pacific/Chatham");
  g_assert_true (vz_display_get_timezone (VZ_DISPLAY (own)) != worker_tz);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before + 1);

  own_again = decode (VZ_TYPE_DISPLAY, json);
  g_assert_true (vz_display_get_timezone (VZ_DISPLAY (own_again)) == vz_display_get_timezone (VZ_DISPLAY (own)));

  later_worker = decode_in_thread (json);
  g_assert_true (vz_display_get_timezone (VZ_DISPLAY (later_worker)) == vz_display_get_timezone (VZ_DISPLAY (own)));

  /* The worker's block goes with its last field; the copy stays counted. */
  g_clear_object (&from_worker);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before + 1);
  g_assert_cmpstr (vz_display_get_timezone (VZ_DISPLAY (own)), ==, "Pacific/Chatham");

  g_clear_object (&own);
  g_clear_object (&own_again);
  g_clear_object (&later_worker);
  g_assert_cmpuint (_vz_shared_strings_count (), ==, before);
  g_main_context_release (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/display/decode", test_display_decode);
  g_test_add_func ("/core/display/status-strings", test_display_status_strings);
  g_test_add_func ("/core/display/notify-only-changes", test_display_notify_only_changes);
  g_test_add_func ("/core/display/wrong-types", test_display_wrong_types);
  g_test_add_func ("/core/display/uptime-out-of-range", test_display_uptime_out_of_range);
  g_test_add_func ("/core/display/bad-update-changes-nothing", test_display_bad_update_changes_nothing);
  g_test_add_func ("/core/display/name-fallback", test_display_name_fallback);
  g_test_add_func ("/core/display-group/decode", test_group_decode);
  g_test_add_func ("/core/api-error/status", test_api_error_status);
  g_test_add_func ("/core/entities/mutations", test_mutations);
  g_test_add_func ("/core/shared-strings/screens", test_screens_share_and_update);
  g_test_add_func ("/core/shared-strings/alerts", test_alerts_share_and_update);
  g_test_add_func ("/core/shared-strings/threads", test_threads);
  g_test_add_func ("/core/shared-strings/worker-copies", test_worker_strings_copied);

  return g_test_run ();
}
