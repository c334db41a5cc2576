/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-snapshot-read"

#include <string.h>

#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-display-resource.h"
#include "vz-notification-resource.h"
#include "vz-session.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "test-snapshot-util.h"

/*
 * VzSnapshot reading a saved fleet: damaged files are refused in words and
 * never crash, a cancelled read gives nothing, records decode as stand-ins
 * that count as the whole record, the age reads in words; and the sync
 * engine shows the saved fleet, dated, when the server cannot be reached at
 * its start, until live data replaces it.
 */

static void
test_missing_and_damaged (void)
{
  const struct { const char *contents; gssize length; } cases[] = {
    { "", 0 },
    { "{\"format\":\"vizora-snapshot\",\"version\":1,\"savedAt\":\"2026-01-01T00:00:00Z\",\"displays\":[{\"id\":", -1 },
    { "[1,2,3]", -1 },
    { "{\"format\":\"something-else\",\"version\":1}", -1 },
    { "{\"format\":\"vizora-snapshot\",\"version\":99,\"savedAt\":\"2026-01-01T00:00:00Z\",\"displays\":[],\"groups\":[]}", -1 },
    { "{\"format\":\"vizora-snapshot\",\"version\":\"1\"}", -1 },
    { "{\"format\":\"vizora-snapshot\",\"version\":1,\"savedAt\":\"yesterday\",\"displays\":[],\"groups\":[]}", -1 },
    { "{\"format\":\"vizora-snapshot\",\"version\":1,\"savedAt\":\"2026-01-01T00:00:00Z\",\"displays\":{},\"groups\":[]}", -1 },
    { "\xff\xfe\x00garbage", 10 },
  };
  g_autofree char *path = fresh_path ("damaged");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) none = NULL;

  none = vz_snapshot_load (snapshot, &error);
  g_assert_null (none);
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) taken = NULL;

      g_file_set_contents (path, cases[i].contents, cases[i].length, &error);
      g_assert_no_error (error);
      taken = vz_snapshot_load (snapshot, &error);
      g_assert_null (taken);
      g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "cannot be used"));
      g_clear_error (&error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 0);
    }

  /* A well-formed file whose entries are partly nonsense: the good ones load. */
  g_file_set_contents (path,
                       "{\"format\":\"vizora-snapshot\",\"version\":1,\"savedAt\":\"2026-01-01T10:42:00Z\","
                       "\"displays\":[7,{\"id\":\"a\",\"nickname\":\"Lobby\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\"},"
                       "{\"id\":\"b\",\"nickname\":42},{\"nickname\":\"no id\"}],\"groups\":[null]}",
                       -1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GDateTime) taken = vz_snapshot_load (snapshot, &error);
    VzDisplay *lobby;

    g_assert_no_error (error);
    g_assert_nonnull (taken);
    g_assert_cmpint (g_date_time_get_hour (taken), ==, 10);
    lobby = vz_store_lookup (displays, "a");
    g_assert_nonnull (lobby);
    g_assert_cmpstr (vz_display_get_nickname (lobby), ==, "Lobby");
    g_assert_null (vz_store_lookup (displays, "b"));
  }
}

static void
test_describe_age (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) taken = g_date_time_new (utc, 2026, 3, 4, 10, 42, 0);
  g_autoptr(GDateTime) later = g_date_time_add_hours (taken, 2);
  g_autoptr(GDateTime) soon = g_date_time_add_seconds (taken, 20);
  g_autoptr(GDateTime) days = g_date_time_add_days (taken, 3);
  g_autofree char *two_hours = vz_snapshot_describe_age (taken, later);
  g_autofree char *just_now = vz_snapshot_describe_age (taken, soon);
  g_autofree char *three_days = vz_snapshot_describe_age (taken, days);

  /* TZ=UTC in the test environment: local time is UTC. */
  g_assert_cmpstr (two_hours, ==, "Showing the fleet as of 10:42 (2 hours ago)");
  g_assert_cmpstr (just_now, ==, "Showing the fleet as of 10:42 (just now)");
  g_assert_cmpstr (three_days, ==, "Showing the fleet as of 4 Mar 10:42 (3 days ago)");
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *counter)
{
  (*counter)++;
}

static void
wait_until (gboolean (*done) (VzSyncEngine *), VzSyncEngine *engine)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (engine))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_snapshot_time (VzSyncEngine *engine)
{
  return vz_sync_engine_get_snapshot_time (engine) != NULL;
}

static gboolean
is_live (VzSyncEngine *engine)
{
  return vz_sync_engine_get_loaded (engine) && vz_sync_engine_get_snapshot_time (engine) == NULL;
}

/* How many screens and alerts the stores held when the saved fleet was
 * first shown. */
typedef struct {
  guint displays;
  guint alerts;
} FirstShown;

static void
on_first_shown (VzSyncEngine *engine,
                GParamSpec   *pspec,
                FirstShown   *first)
{
  if (vz_sync_engine_get_snapshot_time (engine) == NULL || first->displays > 0)
    return;
  first->displays = g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine)));
  first->alerts = g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_notifications (engine)));
}

static gboolean
has_saved_alerts (VzSyncEngine *engine)
{
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_notifications (engine))) == 3;
}

/* Three alerts, one of them read, in @engine's store. */
static void
add_saved_alerts (VzSyncEngine *engine)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) alert = json_object_new ();
      g_autofree char *alert_id = g_strdup_printf ("alert-%u", i);
      g_autoptr(GError) error = NULL;

      json_object_set_string_member (alert, "id", alert_id);
      json_object_set_string_member (alert, "type", "device_offline");
      json_object_set_string_member (alert, "title", "Screen offline");
      json_object_set_string_member (alert, "message", "“Foyer” has sent no heartbeat for 120 seconds.");
      json_object_set_string_member (alert, "severity", "critical");
      json_object_set_boolean_member (alert, "read", i == 0);
      json_object_set_string_member (alert, "createdAt", "2026-12-05T00:00:00.000Z");
      json_object_set_string_member (alert, "updatedAt", "2026-12-05T00:00:00.000Z");
      g_assert_nonnull (vz_store_upsert_json (vz_sync_engine_get_notifications (engine), alert, &error));
      g_assert_no_error (error);
    }
}

/* Signs @session in, runs an engine with @outbox until its read lands, lets
 * @before_stop (nullable) add to its stores and stops it: the engine saves
 * the fleet beside @outbox. */
static void
save_engine_fleet (VzSession   *session,
                   const char  *outbox,
                   void       (*before_stop) (VzSyncEngine *engine))
{
  g_autofree char *snapshot_path = vz_snapshot_path_beside (outbox);
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, store_result, &result);
  g_assert_true (vz_session_login_finish (session, wait_for (&result), &error));
  g_assert_no_error (error);

  engine = vz_sync_engine_new (session);
  vz_sync_engine_set_outbox_path (engine, outbox);
  vz_sync_engine_start (engine);
  wait_until (vz_sync_engine_get_loaded, engine);
  g_assert_null (vz_sync_engine_get_snapshot_time (engine));
  if (before_stop != NULL)
    before_stop (engine);
  vz_sync_engine_stop (engine);
  while (!g_file_test (snapshot_path, G_FILE_TEST_EXISTS))
    g_main_context_iteration (NULL, TRUE);
}

/* The engine saves the fleet it read, and shows it (dated) when the server
 * cannot be reached at the next start: the screens first, then the alerts
 * (no first page shows them, and 10,000 take as long to read as 10,000
 * screens); live data replaces it when it can. */
static void
test_engine_offline_start (void)
{
  g_autoptr(VzTestServer) own = vz_test_server_start (NULL);
  g_autofree char *own_token = vz_test_server_login (own);
  g_autofree char *outbox = g_build_filename (test_tmpdir, "engine", "outbox.journal", NULL);
  g_autofree char *id = vz_test_server_pair_screen (own, own_token, "Foyer", NULL);
  g_autoptr(VzSession) session = vz_session_new (own->url);
  g_autoptr(VzSyncEngine) offline = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  VzDisplay *foyer;
  guint notifies = 0;
  FirstShown first = { 0 };

  save_engine_fleet (session, outbox, add_saved_alerts);

  /* Next start: the server is gone. */
  vz_test_server_kill (own);
  offline = vz_sync_engine_new (session);
  g_signal_connect (offline, "notify::snapshot-time", G_CALLBACK (on_notify_count), &notifies);
  g_signal_connect (offline, "notify::snapshot-time", G_CALLBACK (on_first_shown), &first);
  vz_sync_engine_set_outbox_path (offline, outbox);
  vz_sync_engine_start (offline);
  wait_until (has_snapshot_time, offline);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpint (g_date_time_compare (vz_sync_engine_get_snapshot_time (offline), before), >=, 0);
  g_assert_false (vz_sync_engine_get_loaded (offline));
  foyer = vz_store_lookup (vz_sync_engine_get_displays (offline), id);
  g_assert_nonnull (foyer);
  g_assert_cmpstr (vz_display_get_nickname (foyer), ==, "Foyer");
  g_assert_cmpuint (first.displays, ==, 1);
  g_assert_cmpuint (first.alerts, ==, 0);
  wait_until (has_saved_alerts, offline);
  g_assert_cmpuint (vz_notifications_count_unread (vz_sync_engine_get_notifications (offline)), ==, 2);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_false (vz_sync_engine_get_loaded (offline));

  /* Back: live data, and the date goes away. */
  vz_test_server_restart (own);
  vz_sync_engine_refresh (offline);
  wait_until (is_live, offline);
  g_assert_cmpuint (notifies, ==, 2);
  g_assert_true (vz_store_lookup (vz_sync_engine_get_displays (offline), id) == foyer);
  vz_sync_engine_stop (offline);
}

/* A read whose caller no longer wants it (a live read landed first) stops
 * and says so, and gives nothing to apply. */
static void
test_read_cancelled (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("cancelled");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) read = NULL;
  g_autoptr(GHashTable) lists = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;

  fill_large (displays);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  vz_snapshot_read_async (snapshot, cancellable, store_result, &read);
  taken = vz_snapshot_read_finish (snapshot, wait_for (&read), &lists, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (taken);
  g_assert_null (lists);
  g_clear_object (&read);
  g_clear_error (&error);

  /* Not cancelled, the same file reads whole. */
  vz_snapshot_read_async (snapshot, NULL, store_result, &read);
  taken = vz_snapshot_read_finish (snapshot, wait_for (&read), &lists, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (taken);
  g_assert_cmpuint (((GPtrArray *) g_hash_table_lookup (lists, "displays"))->len, ==, N_LARGE);
}

/* A read for a caller gives each record that decoded as a stand-in (its id
 * and updatedAt) with its entity beside it, and the stand-in counts as the
 * whole record wherever it goes: a store that holds the record already takes
 * the saved values, vz_store_record_whole() gives the record back, and a
 * caller that does not take the entities gets whole records. */
static void
test_stand_ins (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) holding = vz_store_new (VZ_TYPE_DISPLAY);
  g_autofree char *path = fresh_path ("stand-ins");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GPtrArray) older = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GAsyncResult) read = NULL;
  g_autoptr(GHashTable) lists = NULL;
  g_autoptr(GHashTable) decoded = NULL;
  g_autoptr(GHashTable) whole_lists = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GDateTime) taken_again = NULL;
  g_autoptr(JsonObject) whole = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *old = json_object_new ();
  GPtrArray *list;
  JsonObject *stub;
  VzDisplay *held;

  fill_large (displays);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);

  vz_snapshot_read_async (snapshot, NULL, store_result, &read);
  taken = vz_snapshot_read_finish (snapshot, wait_for (&read), &lists, &decoded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (taken);
  list = g_hash_table_lookup (lists, "displays");
  g_assert_cmpuint (list->len, ==, N_LARGE);
  g_assert_cmpuint (g_hash_table_size (decoded), ==, N_LARGE);
  stub = g_ptr_array_index (list, 7);
  g_assert_cmpstr (json_object_get_string_member (stub, "id"), ==, "screen-00007");
  g_assert_cmpstr (json_object_get_string_member (stub, "updatedAt"), ==, "2026-11-25T10:00:00.000Z");
  g_assert_cmpuint (json_object_get_size (stub), ==, 2);
  whole = vz_store_record_whole (decoded, stub);
  g_assert_cmpstr (json_object_get_string_member (whole, "nickname"), ==, "Screen 7 – Café \"Nord\" \\ 東京");
  g_assert_cmpstr (json_object_get_string_member (whole, "location"), ==,
                   "Building A, floor 2, north wing, by the windows");

  /* A store that shows an older version of a record takes the saved one. */
  json_object_set_string_member (old, "id", "screen-00007");
  json_object_set_string_member (old, "nickname", "Old name");
  json_object_set_string_member (old, "updatedAt", "2026-11-20T10:00:00.000Z");
  g_ptr_array_add (older, old);
  g_assert_true (vz_store_replace_all (holding, older, &error));
  g_assert_no_error (error);
  held = vz_store_lookup (holding, "screen-00007");
  g_assert_true (vz_store_replace_all_decoded (holding, list, decoded, &error));
  g_assert_no_error (error);
  g_assert_true (vz_store_lookup (holding, "screen-00007") == held);
  g_assert_cmpstr (vz_display_get_nickname (held), ==, "Screen 7 – Café \"Nord\" \\ 東京");
  g_assert_cmpstr (vz_display_get_location (held), ==, "Building A, floor 2, north wing, by the windows");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (holding)), ==, N_LARGE);
  g_assert_cmpstr (vz_display_get_nickname (vz_store_lookup (holding, "screen-02999")), ==,
                   "Screen 2999 – Café \"Nord\" \\ 東京");

  /* Without the entities, the records come whole. */
  g_clear_object (&read);
  vz_snapshot_read_async (snapshot, NULL, store_result, &read);
  taken_again = vz_snapshot_read_finish (snapshot, wait_for (&read), &whole_lists, NULL, &error);
  g_assert_no_error (error);
  list = g_hash_table_lookup (whole_lists, "displays");
  g_assert_cmpuint (list->len, ==, N_LARGE);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (list, 7), "nickname"), ==,
                   "Screen 7 – Café \"Nord\" \\ 東京");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (list, 7), "status"), ==, "online");
}

int
main (int   argc,
      char *argv[])
{
  snapshot_test_init (&argc, &argv);

  g_test_add_func ("/snapshot/missing-and-damaged", test_missing_and_damaged);
  g_test_add_func ("/snapshot/read-cancelled", test_read_cancelled);
  g_test_add_func ("/snapshot/describe-age", test_describe_age);
  g_test_add_func ("/snapshot/engine-offline-start", test_engine_offline_start);
  g_test_add_func ("/snapshot/stand-ins", test_stand_ins);

  return snapshot_test_run ();
}
