/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedules"

#include "vz-api-error.h"
#include "vz-core-test-util.h"
#include "vz-resource.h"
#include "vz-playlist.h"
#include "vz-schedule-now.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-words.h"
#include "vz-store.h"

/* A schedule as GET /schedules lists it. */
#define BREAKFAST \
  "{\"id\":\"s1\",\"organizationId\":\"o\",\"name\":\"Breakfast\",\"description\":null," \
  "\"startDate\":\"2026-04-01T00:00:00.000Z\",\"endDate\":null,\"startTime\":480,\"endTime\":720," \
  "\"daysOfWeek\":[1,2,3,4,5],\"priority\":5,\"isActive\":true,\"playlistId\":\"p1\"," \
  "\"displayId\":\"d1\",\"displayGroupId\":null,\"createdAt\":\"2026-03-30T09:15:00.250Z\"," \
  "\"updatedAt\":\"2026-03-30T09:15:00.250Z\",\"playlist\":{\"id\":\"p1\",\"name\":\"Morning\"}," \
  "\"display\":{\"id\":\"d1\",\"nickname\":\"Lobby\"},\"displayGroup\":null}"

static VzSchedule *
schedule_new (const char *json)
{
  g_autoptr(JsonObject) obj = vz_test_parse_object (json);
  g_autoptr(GError) error = NULL;
  VzEntity *entity = vz_entity_new_from_json (VZ_TYPE_SCHEDULE, obj, &error);

  g_assert_no_error (error);
  return VZ_SCHEDULE (entity);
}

static void
test_read (void)
{
  g_autoptr(VzSchedule) schedule = schedule_new (BREAKFAST);

  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (schedule)), ==, "s1");
  g_assert_cmpstr (vz_entity_get_title (VZ_ENTITY (schedule)), ==, "Breakfast");
  g_assert_null (vz_schedule_get_description (schedule));
  g_assert_cmpstr (vz_schedule_get_playlist_id (schedule), ==, "p1");
  g_assert_cmpstr (vz_schedule_get_playlist_name (schedule), ==, "Morning");
  g_assert_cmpstr (vz_schedule_get_display_id (schedule), ==, "d1");
  g_assert_cmpstr (vz_schedule_get_display_name (schedule), ==, "Lobby");
  g_assert_null (vz_schedule_get_group_id (schedule));
  g_assert_cmphex (vz_schedule_get_days (schedule), ==, 0x3e);
  g_assert_cmpint (vz_schedule_get_start_time (schedule), ==, 480);
  g_assert_cmpint (vz_schedule_get_end_time (schedule), ==, 720);
  g_assert_cmpstr (vz_schedule_get_start_date (schedule), ==, "2026-04-01");
  g_assert_null (vz_schedule_get_end_date (schedule));
  g_assert_cmpint (vz_schedule_get_priority (schedule), ==, 5);
  g_assert_true (vz_schedule_get_is_active (schedule));
  g_assert_cmpstr (vz_schedule_get_created_at (schedule), ==, "2026-03-30T09:15:00.250Z");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names notified, sorted (a frozen object notifies in no set order). */
static char *
sorted_names (GPtrArray *names)
{
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A partial record (an optimistic change) changes only what it names and
 * notifies only real changes; a new playlist id drops the old name. */
static void
test_partial_update (void)
{
  g_autoptr(VzSchedule) schedule = schedule_new (BREAKFAST);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *notified = NULL;
  g_autoptr(JsonObject) changes = vz_test_parse_object ("{\"priority\":5,\"startTime\":null,\"playlistId\":\"p2\","
                                                "\"isActive\":false}");
  g_autoptr(GError) error = NULL;

  g_signal_connect (schedule, "notify", G_CALLBACK (count_notify), names);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (schedule), changes, &error));
  g_assert_no_error (error);
  notified = sorted_names (names);
  g_assert_cmpstr (notified, ==, "is-active playlist-id playlist-name start-time");
  g_assert_cmpint (vz_schedule_get_start_time (schedule), ==, VZ_SCHEDULE_NO_TIME);
  g_assert_cmpint (vz_schedule_get_end_time (schedule), ==, 720);
  g_assert_null (vz_schedule_get_playlist_name (schedule));
  g_assert_cmpstr (vz_schedule_get_name (schedule), ==, "Breakfast");
}

static void
test_malformed (void)
{
  static const char * const bad[] = {
    "{\"id\":\"s\",\"startTime\":1440}",
    "{\"id\":\"s\",\"startTime\":8.5}",
    "{\"id\":\"s\",\"daysOfWeek\":[7]}",
    "{\"id\":\"s\",\"daysOfWeek\":[\"1\"]}",
    "{\"id\":\"s\",\"startDate\":\"tomorrow\"}",
    "{\"id\":\"s\",\"priority\":1.5}",
    "{\"id\":\"s\",\"priority\":\"high\"}",
    "{\"id\":\"s\",\"isActive\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) obj = vz_test_parse_object (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(VzEntity) entity = vz_entity_new_from_json (VZ_TYPE_SCHEDULE, obj, &error);

      g_assert_null (entity);
      g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
    }
}

/* What the snapshot saves reads back as the same schedule. */
static void
test_json_round_trip (void)
{
  g_autoptr(VzSchedule) schedule = schedule_new (BREAKFAST);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) again = g_string_new (NULL);
  g_autoptr(VzSchedule) copy = NULL;

  vz_entity_to_json (VZ_ENTITY (schedule), text);
  copy = schedule_new (text->str);
  vz_entity_to_json (VZ_ENTITY (copy), again);
  g_assert_cmpstr (text->str, ==, again->str);
  g_assert_cmpstr (vz_schedule_get_display_name (copy), ==, "Lobby");
  g_assert_cmphex (vz_schedule_get_days (copy), ==, 0x3e);
  g_assert_cmpint (vz_schedule_get_start_time (copy), ==, 480);
  g_assert_cmpstr (vz_schedule_get_start_date (copy), ==, "2026-04-01");
  g_assert_cmpstr (vz_schedule_get_created_at (copy), ==, "2026-03-30T09:15:00.250Z");
}

static gint64
instant (const char *iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

/* The rule decides as the schedule says: weekdays 08:00–12:00 from 1 April. */
static void
test_to_rule (void)
{
  g_autoptr(VzSchedule) schedule = schedule_new (BREAKFAST);
  g_autoptr(VzScheduleRule) rule = vz_schedule_to_rule (schedule);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint32 day;

  g_assert_cmpstr (rule->id, ==, "s1");
  g_assert_cmpstr (rule->playlist_id, ==, "p1");
  g_assert_cmpstr (rule->display_id, ==, "d1");
  g_assert_null (rule->group_id);
  g_assert_cmphex (rule->days, ==, 0x3e);
  g_assert_true (vz_schedule_parse_day ("2026-04-01", &day));
  g_assert_cmpint (rule->start_day, ==, day);
  g_assert_cmpint (rule->end_day, ==, VZ_SCHEDULE_NO_END_DAY);
  g_assert_cmpint (rule->priority, ==, 5);
  g_assert_true (rule->is_active);
  g_assert_cmpint (rule->created_at, ==, instant ("2026-03-30T09:15:00Z") * G_USEC_PER_SEC + 250000);

  /* Wednesday 1 April 2026, 09:00 UTC: on; 12:00: off; Tuesday 31 March: before the start. */
  g_assert_true (vz_schedule_rule_is_on (rule, utc, instant ("2026-04-01T09:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, utc, instant ("2026-04-01T12:00:00Z")));
  g_assert_false (vz_schedule_rule_is_on (rule, utc, instant ("2026-03-31T09:00:00Z")));
  /* Saturday 4 April: not a weekday. */
  g_assert_false (vz_schedule_rule_is_on (rule, utc, instant ("2026-04-04T09:00:00Z")));
}

static VzStore *
fleet_store (void)
{
  VzStore *store = vz_store_new (VZ_TYPE_SCHEDULE);
  const char * const records[] = {
    BREAKFAST,
    "{\"id\":\"s2\",\"name\":\"Lunch\",\"startTime\":660,\"endTime\":840,\"daysOfWeek\":[0,1,2,3,4,5,6],"
    "\"priority\":3,\"isActive\":true,\"playlistId\":\"p2\",\"displayId\":null,\"displayGroupId\":\"g1\","
    "\"createdAt\":\"2026-03-31T00:00:00.000Z\"}",
    "{\"id\":\"s3\",\"name\":\"Elsewhere\",\"daysOfWeek\":[1],\"priority\":9,\"isActive\":true,"
    "\"playlistId\":\"p3\",\"displayId\":\"d2\",\"displayGroupId\":null}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr(JsonObject) obj = vz_test_parse_object (records[i]);
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (vz_store_upsert_json (store, obj, &error));
      g_assert_no_error (error);
    }
  return store;
}

/* A screen's rules are its own and its groups'; the evaluator picks the
 * winner from them. */
static void
test_rules_for_display (void)
{
  g_autoptr(VzStore) store = fleet_store ();
  const char * const groups[] = { "g1", NULL };
  g_autoptr(GPtrArray) own = vz_schedule_rules_for_display (store, "d1", NULL);
  g_autoptr(GPtrArray) all = vz_schedule_rules_for_display (store, "d1", groups);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  const VzScheduleRule *winner;

  g_assert_cmpuint (own->len, ==, 1);
  g_assert_cmpuint (all->len, ==, 2);
  /* Wednesday 11:30: Breakfast (5) over Lunch (3); 12:30: Lunch alone. */
  winner = vz_schedule_decide (all, utc, instant ("2026-04-01T11:30:00Z"));
  g_assert_nonnull (winner);
  g_assert_cmpstr (winner->id, ==, "s1");
  winner = vz_schedule_decide (all, utc, instant ("2026-04-01T12:30:00Z"));
  g_assert_nonnull (winner);
  g_assert_cmpstr (winner->id, ==, "s2");
  g_assert_null (vz_schedule_decide (own, utc, instant ("2026-04-01T12:30:00Z")));
}

/* schedule:executed marks where a schedule plays; an unknown schedule asks
 * for a read, one deleted here does not. */
static void
test_executed_event (void)
{
  g_autoptr(VzStore) store = fleet_store ();
  g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);
  const VzResource *resource = vz_resource_lookup (VZ_RESOURCE_SCHEDULE);
  const VzResourceEvent *event;
  VzSchedule *breakfast = vz_store_lookup (store, "s1");
  JsonNode *payload;

  g_assert_true (resource == &vz_schedule_resource);
  event = &resource->events[0];
  g_assert_cmpstr (event->name, ==, "schedule:executed");

#define EXECUTED(id, action) \
  json_from_string ("{\"scheduleId\":\"" id "\",\"displayId\":\"d1\",\"playlistId\":\"p1\"," \
                    "\"action\":\"" action "\",\"timestamp\":\"2026-04-01T08:00:00.000Z\"}", NULL)
  payload = EXECUTED ("s1", "started");
  g_assert_cmpuint (event->handle (resource, store, removed, event->name, payload), ==, 0);
  json_node_unref (payload);
  g_assert_cmpuint (vz_schedule_get_playing_count (breakfast), ==, 1);
  g_assert_true (vz_schedule_is_playing_on (breakfast, "d1"));

  payload = EXECUTED ("s1", "ended");
  g_assert_cmpuint (event->handle (resource, store, removed, event->name, payload), ==, 0);
  json_node_unref (payload);
  g_assert_cmpuint (vz_schedule_get_playing_count (breakfast), ==, 0);

  /* Before the schedule: kept, and marked when it arrives. */
  payload = EXECUTED ("s9", "started");
  g_assert_cmpuint (event->handle (resource, store, removed, event->name, payload), ==, 1);
  json_node_unref (payload);
  {
    g_autoptr(JsonObject) obj = vz_test_parse_object ("{\"id\":\"s9\",\"name\":\"Late\"}");
    VzSchedule *late = vz_store_upsert_json (store, obj, NULL);

    g_assert_nonnull (late);
    g_assert_true (vz_schedule_is_playing_on (late, "d1"));
  }
  payload = EXECUTED ("s8", "started");
  g_hash_table_add (removed, (gpointer) "s8");
  g_assert_cmpuint (event->handle (resource, store, removed, event->name, payload), ==, 0);
  json_node_unref (payload);

  payload = json_from_string ("[1,2]", NULL);
  g_assert_cmpuint (event->handle (resource, store, removed, event->name, payload), ==, 0);
  json_node_unref (payload);
#undef EXECUTED
}

#define ASSERT_WORDS(call, expected) \
  G_STMT_START { \
    g_autofree char *words_ = (call); \
    g_assert_cmpstr (words_, ==, (expected)); \
  } G_STMT_END

static void
test_words (void)
{
  g_autoptr(VzScheduleRule) breakfast = vz_schedule_rule_new ("s1", "p1");
  g_autoptr(VzScheduleRule) lunch = vz_schedule_rule_new ("s2", "p2");
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  g_autoptr(GArray) overlaps = NULL;

  ASSERT_WORDS (vz_schedule_describe_days (0x7f), "Every day");
  ASSERT_WORDS (vz_schedule_describe_days (0x3e), "Weekdays");
  ASSERT_WORDS (vz_schedule_describe_days (0x41), "Weekends");
  ASSERT_WORDS (vz_schedule_describe_days (0x2a), "Monday, Wednesday, Friday");
  ASSERT_WORDS (vz_schedule_describe_days (0x01), "Sunday");
  ASSERT_WORDS (vz_schedule_describe_days (0x43), "Monday, Saturday, Sunday");
  ASSERT_WORDS (vz_schedule_describe_days (0), "No day");
  ASSERT_WORDS (vz_schedule_describe_window (480, 720), "08:00–12:00");
  ASSERT_WORDS (vz_schedule_describe_window (1320, 1440 + 120), "22:00–02:00");
  ASSERT_WORDS (vz_schedule_describe_window (0, 1440), "all day");
  ASSERT_WORDS (vz_schedule_describe_rule_window (lunch), "all day");
  ASSERT_WORDS (vz_schedule_describe_conflict_count (0), "No other schedule plays there at that time.");
  ASSERT_WORDS (vz_schedule_describe_conflict_count (1), "Shares time with 1 other schedule:");
  ASSERT_WORDS (vz_schedule_describe_conflict_count (2), "Shares time with 2 other schedules:");

  /* The issue's own example, from the evaluator's overlap. */
  breakfast->days = 0x3e;
  breakfast->start_time = 8 * 60;
  breakfast->end_time = 12 * 60;
  breakfast->priority = 5;
  lunch->start_time = 8 * 60;
  lunch->end_time = 14 * 60;
  lunch->priority = 3;
  g_ptr_array_add (others, lunch);
  overlaps = vz_schedule_conflicts (breakfast, others);
  g_assert_cmpuint (overlaps->len, ==, 1);
  ASSERT_WORDS (vz_schedule_describe_overlap (breakfast, "Breakfast", &g_array_index (overlaps, VzScheduleOverlap, 0),
                                              "Lunch"),
                "Weekdays 08:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)");
  breakfast->priority = 1;
  g_clear_pointer (&overlaps, g_array_unref);
  overlaps = vz_schedule_conflicts (breakfast, others);
  ASSERT_WORDS (vz_schedule_describe_overlap (breakfast, NULL, &g_array_index (overlaps, VzScheduleOverlap, 0), "Lunch"),
                "Weekdays 08:00–12:00: Lunch (priority 3) wins over The new schedule (priority 1)");
}

/* What a screen in Berlin plays, by the evaluator, in words. */
static void
test_now (void)
{
  g_autoptr(VzStore) schedules = fleet_store ();
  g_autoptr(VzStore) playlists = vz_store_new (VZ_TYPE_PLAYLIST);
  g_autoptr(JsonObject) lobby_json = vz_test_parse_object ("{\"id\":\"d1\",\"nickname\":\"Lobby\","
                                                           "\"timezone\":\"Europe/Berlin\",\"currentPlaylistId\":\"p0\"}");
  g_autoptr(JsonObject) p0 = vz_test_parse_object ("{\"id\":\"p0\",\"name\":\"Default\"}");
  g_autoptr(JsonObject) p1 = vz_test_parse_object ("{\"id\":\"p1\",\"name\":\"Morning\"}");
  g_autoptr(VzEntity) lobby = vz_entity_new_from_json (VZ_TYPE_DISPLAY, lobby_json, NULL);
  g_autofree char *now = NULL;
  g_autofree char *next = NULL;
  g_autofree char *later = NULL;
  g_autofree char *after = NULL;

  g_assert_nonnull (lobby);
  g_assert_nonnull (vz_store_upsert_json (playlists, p0, NULL));
  g_assert_nonnull (vz_store_upsert_json (playlists, p1, NULL));

  /* Wednesday 1 April 2026, 07:00 UTC is 09:00 in Berlin: Breakfast, then
   * the screen's own at 12:00 Berlin time. */
  vz_schedule_describe_now (schedules, NULL, playlists, VZ_DISPLAY (lobby), instant ("2026-04-01T07:00:00Z"),
                            &now, &next);
  g_assert_cmpstr (now, ==, "Morning, by the schedule “Breakfast”");
  g_assert_cmpstr (next, ==, "Default from 12:00 (the screen’s own playlist)");

  /* Friday 13:00 Berlin: its own until Monday 08:00. */
  vz_schedule_describe_now (schedules, NULL, playlists, VZ_DISPLAY (lobby), instant ("2026-04-03T11:00:00Z"),
                            &later, &after);
  g_assert_cmpstr (later, ==, "Default, the screen’s own playlist");
  g_assert_cmpstr (after, ==, "Morning from Mon 08:00 (the schedule “Breakfast”)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedules/read", test_read);
  g_test_add_func ("/schedules/partial-update", test_partial_update);
  g_test_add_func ("/schedules/malformed", test_malformed);
  g_test_add_func ("/schedules/json-round-trip", test_json_round_trip);
  g_test_add_func ("/schedules/to-rule", test_to_rule);
  g_test_add_func ("/schedules/rules-for-display", test_rules_for_display);
  g_test_add_func ("/schedules/executed-event", test_executed_event);
  g_test_add_func ("/schedules/words", test_words);
  g_test_add_func ("/schedules/now", test_now);

  return g_test_run ();
}
