/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-snapshot"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "vz-api-client.h"
#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-display-resource.h"
#include "vz-notification-resource.h"
#include "vz-snapshot.h"
#include "vz-store.h"
#include "vz-session.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"

/* A saved fleet of screens and groups, as the sync engine makes it. */
static VzSnapshot *
fleet_snapshot_new (const char *path,
                    VzStore    *displays,
                    VzStore    *groups)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", groups);
  vz_snapshot_add_store (snapshot, "displays", displays);
  return snapshot;
}


/*
 * VzSnapshot with the fleet of a real server: what is saved comes back the
 * same after a restart, damaged files are refused in words and never crash,
 * and saves are throttled.
 */

static VzTestServer *server;
static char *token;
static char *tmpdir;

static gpointer
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GPtrArray *
read_list (const char *path)
{
  g_autoptr(VzApiClient) api = vz_api_client_new (server->api_url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  vz_api_client_set_access_token (api, token);
  vz_api_client_list_all_async (api, path, NULL, store_result, &result);
  items = vz_api_client_list_all_finish (api, wait_for (&result), &error);
  g_assert_no_error (error);
  return items;
}

/* The stores as the sync engine fills them after a read. */
static void
fill_from_server (VzStore *displays,
                  VzStore *groups)
{
  g_autoptr(GPtrArray) display_objects = read_list ("/displays");
  g_autoptr(GPtrArray) group_objects = read_list ("/display-groups");
  g_autoptr(GError) error = NULL;

  vz_store_replace_all (groups, group_objects, &error);
  g_assert_no_error (error);
  vz_store_replace_all (displays, display_objects, &error);
  g_assert_no_error (error);
}

static char *
fresh_path (const char *name)
{
  return g_build_filename (tmpdir, name, "snapshot.json", NULL);
}

static void
assert_same_display (VzDisplay *a,
                     VzDisplay *b)
{
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (a)), ==, vz_entity_get_id (VZ_ENTITY (b)));
  g_assert_cmpstr (vz_entity_get_updated_at (VZ_ENTITY (a)), ==, vz_entity_get_updated_at (VZ_ENTITY (b)));
  g_assert_cmpstr (vz_display_get_nickname (a), ==, vz_display_get_nickname (b));
  g_assert_cmpstr (vz_display_get_location (a), ==, vz_display_get_location (b));
  g_assert_cmpstr (vz_display_get_description (a), ==, vz_display_get_description (b));
  g_assert_cmpstr (vz_display_get_device_identifier (a), ==, vz_display_get_device_identifier (b));
  g_assert_cmpstr (vz_display_get_orientation (a), ==, vz_display_get_orientation (b));
  g_assert_cmpstr (vz_display_get_timezone (a), ==, vz_display_get_timezone (b));
  g_assert_cmpint (vz_display_get_status (a), ==, vz_display_get_status (b));
  g_assert_cmpint (vz_display_get_is_disabled (a), ==, vz_display_get_is_disabled (b));
  g_assert_cmpfloat (vz_display_get_cpu_usage (a), ==, vz_display_get_cpu_usage (b));
  g_assert_cmpint (vz_display_get_uptime (a), ==, vz_display_get_uptime (b));
  if (vz_display_get_last_heartbeat (a) == NULL)
    g_assert_null (vz_display_get_last_heartbeat (b));
  else
    g_assert_true (g_date_time_equal (vz_display_get_last_heartbeat (a), vz_display_get_last_heartbeat (b)));
}

static void
test_round_trip (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) snapshot = NULL;
  g_autoptr(VzSnapshot) reopened = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_path ("round-trip");
  GStatBuf st;
  guint n;

  snapshot = fleet_snapshot_new (path, displays, groups);
  /* Nothing read yet: a flush must not save an empty fleet over a good one. */
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_object (&flushed);

  fill_from_server (displays, groups);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (groups)), ==, 1);
  g_assert_true (vz_snapshot_get_dirty (snapshot));

  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  g_assert_nonnull (vz_snapshot_get_saved_at (snapshot));
  g_assert_false (vz_snapshot_get_dirty (snapshot));

  /* Fleet data is private, and there is no temporary file left over. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A new process: empty stores, filled from the file. */
  reopened = fleet_snapshot_new (path, displays2, groups2);
  vz_snapshot_load_async (reopened, NULL, store_result, &loaded);
  taken = vz_snapshot_load_finish (reopened, wait_for (&loaded), &error);
  g_assert_no_error (error);
  g_assert_nonnull (taken);
  g_assert_cmpint (g_date_time_compare (taken, before), >=, 0);
  g_assert_true (g_date_time_equal (taken, vz_snapshot_get_saved_at (reopened)));
  g_assert_false (vz_snapshot_get_dirty (reopened));

  n = g_list_model_get_n_items (G_LIST_MODEL (displays));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays2)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplay) a = g_list_model_get_item (G_LIST_MODEL (displays), i);
      VzDisplay *b = vz_store_lookup (displays2, vz_entity_get_id (VZ_ENTITY (a)));

      g_assert_nonnull (b);
      assert_same_display (a, b);
    }
  {
    g_autoptr(VzDisplayGroup) a = g_list_model_get_item (G_LIST_MODEL (groups), 0);
    VzDisplayGroup *b = vz_store_lookup (groups2, vz_entity_get_id (VZ_ENTITY (a)));
    const char * const *ids_a = vz_display_group_get_display_ids (a);
    const char * const *ids_b = vz_display_group_get_display_ids (b);

    g_assert_nonnull (b);
    g_assert_cmpstr (vz_display_group_get_name (a), ==, vz_display_group_get_name (b));
    g_assert_cmpuint (vz_display_group_get_display_count (a), ==, vz_display_group_get_display_count (b));
    g_assert_cmpuint (g_strv_length ((char **) ids_a), ==, 2);
    g_assert_true (g_strv_equal (ids_a, ids_b));
  }
}

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

/* Names are people's text: quotes, backslashes, control characters and any
 * script come back exactly. */
static void
test_text_round_trip (void)
{
  const char *names[] = {
    "Quote \" and backslash \\ and slash /", "Tab\tnew\nline\r\x01\x1f", "Café – 東京 – 🖥️", "",
  };
  g_autofree char *path = fresh_path ("text");
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(VzSnapshot) reader = fleet_snapshot_new (path, displays2, groups2);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("id-%u", i);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", names[i]);
      json_object_set_string_member (obj, "location", names[(i + 1) % G_N_ELEMENTS (names)]);
      g_ptr_array_add (objects, obj);
    }
  vz_store_replace_all (displays, objects, &error);
  g_assert_no_error (error);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  taken = vz_snapshot_load (reader, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%u", i);
      VzDisplay *d = vz_store_lookup (displays2, id);

      g_assert_nonnull (d);
      g_assert_cmpstr (vz_display_get_nickname (d), ==, names[i]);
      g_assert_cmpstr (vz_display_get_location (d), ==, names[(i + 1) % G_N_ELEMENTS (names)]);
    }
}

static void
count_saves (VzSnapshot *snapshot,
             GError     *error,
             gpointer    user_data)
{
  g_assert_no_error (error);
  (*(guint *) user_data)++;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_throttled (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("throttled");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  guint saves = 0;

  vz_snapshot_set_interval (snapshot, 1);
  g_signal_connect (snapshot, "saved", G_CALLBACK (count_saves), &saves);

  /* Filling the stores is a burst of changes: one save, at once. */
  fill_from_server (displays, groups);
  g_assert_true (vz_snapshot_get_dirty (snapshot));
  for (guint i = 0; i < 100; i++)
    vz_snapshot_mark_dirty (snapshot);
  g_timeout_add (500, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (saves, ==, 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* More changes within the interval wait for it, then make one more save. */
  for (guint i = 0; i < 100; i++)
    vz_snapshot_mark_dirty (snapshot);
  g_assert_cmpuint (saves, ==, 1);
  g_timeout_add (1500, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (saves, ==, 2);
  g_assert_false (vz_snapshot_get_dirty (snapshot));

  /* Nothing changed: a flush does not write. */
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_cmpuint (saves, ==, 2);
}

static void
test_unwritable (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *blocker = g_build_filename (tmpdir, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "snapshot.json", NULL);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GError) error = NULL;

  /* A file where the folder should be: the save fails in words. */
  g_file_set_contents (blocker, "x", 1, &error);
  g_assert_no_error (error);
  g_assert_false (vz_snapshot_save (snapshot, &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "could not be saved"));
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
  g_autofree char *outbox = g_build_filename (tmpdir, "engine", "outbox.journal", NULL);
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

/* ---- large fleets: the text made and written a chunk at a time ---- */

#define N_LARGE 3000   /* about 2 MB of text: several of the writer's chunks */

static void
fill_large (VzStore *displays)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_LARGE; i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("screen-%05u", i);
      g_autofree char *name = g_strdup_printf ("Screen %u – Café \"Nord\" \\ 東京", i);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", name);
      json_object_set_string_member (obj, "description", "Lobby wall, left of the lifts, above the desk");
      json_object_set_string_member (obj, "location", "Building A, floor 2, north wing, by the windows");
      json_object_set_string_member (obj, "status", i % 3 == 0 ? "offline" : "online");
      json_object_set_string_member (obj, "updatedAt", "2026-11-25T10:00:00.000Z");
      g_ptr_array_add (objects, obj);
    }
  vz_store_replace_all (displays, objects, &error);
  g_assert_no_error (error);
}

static GPtrArray *
folder_entries (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static void
assert_only_snapshot_in_folder (const char *path)
{
  g_autoptr(GPtrArray) names = folder_entries (path);

  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "snapshot.json");
}

/* The document without its first line, which holds the time it was taken. */
static char *
saved_body (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *newline;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  newline = strchr (contents, '\n');
  g_assert_nonnull (newline);
  return g_strdup (newline + 1);
}

static void
assert_loads_large (const char *path)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) reader = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;
  VzDisplay *last;

  taken = vz_snapshot_load (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, N_LARGE);
  last = vz_store_lookup (displays, "screen-02999");
  g_assert_nonnull (last);
  g_assert_cmpstr (vz_display_get_nickname (last), ==, "Screen 2999 – Café \"Nord\" \\ 東京");
}

/* A save in the background writes the very text a blocking save writes,
 * whole, however many chunks it takes. */
static void
test_large_streamed (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("large");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *streamed = NULL;
  g_autofree char *blocking = NULL;

  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);
  streamed = saved_body (path);
  g_assert_cmpuint (strlen (streamed), >, 1024 * 1024);

  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  blocking = saved_body (path);
  g_assert_cmpstr (streamed, ==, blocking);
  assert_only_snapshot_in_folder (path);
}

static void
assert_save_failed (VzSnapshot *snapshot,
                    GError     *error,
                    gpointer    user_data)
{
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "could not be saved"));
  (*(guint *) user_data)++;
}

/* A write that fails halfway (here: the file size limit, as a full disk
 * would) leaves the old snapshot as it was, and no part of the new one. */
static void
test_large_write_fails (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("large-fails");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  guint failures = 0;

  fill_large (displays);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, &error));

  /* Changed, then saved where no file may pass 600 KB: the write fails
   * with EFBIG after the first chunks. */
  vz_store_remove (displays, "screen-00000");
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 600 * 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  g_signal_connect (snapshot, "saved", G_CALLBACK (assert_save_failed), &failures);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_false (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (failures, ==, 1);
  g_assert_true (vz_snapshot_get_dirty (snapshot));

  g_assert_false (vz_snapshot_save (snapshot, &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_clear_error (&error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);
  g_signal_handlers_disconnect_by_func (snapshot, assert_save_failed, &failures);

  g_assert_true (g_file_get_contents (path, &after, NULL, &error));
  g_assert_true (g_str_equal (before, after));
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);
}

/* A save started as the process ends (the engine saves on stop) is finished
 * by vz_snapshot_wait_for_saves(), with no main loop running. */
static void
test_wait_for_saves (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("wait");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;

  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  vz_snapshot_wait_for_saves (120000);
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);

  /* The flush still answers once the main loop runs. */
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
}

/* A file beside @path named @suffix after it, with @text, last written
 * @age_s ago. */
static char *
file_beside (const char *path,
             const char *suffix,
             const char *text,
             gint64      age_s)
{
  char *file = g_strconcat (path, suffix, NULL);
  struct utimbuf times;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, text, -1, &error));
  g_assert_no_error (error);
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  g_assert_cmpint (g_utime (file, &times), ==, 0);
  return file;
}

/* The new file of a save under way in the background, not one of @known:
 * it exists, and something is written to it. */
static char *
save_file_under_way (const char          *path,
                     const char * const  *known)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) names = folder_entries (path);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *file = g_build_filename (dir, name, NULL);
          GStatBuf st;

          if (g_str_has_prefix (name, prefix) && strlen (name) == strlen (prefix) + 6 &&
              !g_strv_contains (known, file) && g_stat (file, &st) == 0 && st.st_size > 0)
            return g_steal_pointer (&file);
        }
      g_usleep (10000);
    }
  g_error ("The save in the background made no new file beside %s within 30 s", path);
}

/*
 * A save killed midway leaves its new file (snapshot.json.XXXXXX) beside
 * the snapshot; the next save removes it. It leaves the new file of a save
 * under way, here or in another process (it holds a lock on it), and one
 * that is only seconds old (a save that is about to lock it), and files of
 * other names.
 */
static void
test_stale_new_files (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("stale");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(VzSnapshot) other = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *young = NULL;
  g_autofree char *held = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *longer = NULL;
  g_autofree char *under_way = NULL;
  g_autoptr(GPtrArray) names = NULL;
  int held_fd, probe_fd, locked, lock_errno;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  stale = file_beside (path, ".Stale1", "{\"format\":\"vizora-snap", 3600);
  young = file_beside (path, ".Young1", "{\"format\":\"vizora-snap", 0);
  held = file_beside (path, ".Held01", "{\"format\":\"vizora-snap", 3600);
  backup = file_beside (path, ".bak", "kept", 3600);
  longer = file_beside (path, ".Stale12", "kept", 3600);
  held_fd = open (held, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (held_fd, >=, 0);
  g_assert_cmpint (flock (held_fd, LOCK_EX | LOCK_NB), ==, 0);

  /* A save in the background, held midway: its text is made by this
   * thread's main loop, which does not run until it is looked at. */
  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  {
    const char *known[] = { stale, young, held, NULL };

    under_way = save_file_under_way (path, known);
  }
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  probe_fd = open (under_way, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (probe_fd, >=, 0);
  locked = flock (probe_fd, LOCK_EX | LOCK_NB);
  lock_errno = errno;
  close (probe_fd);
  g_assert_cmpint (locked, ==, -1);
  g_assert_cmpint (lock_errno, ==, EWOULDBLOCK);

  /* Another save of the same file meanwhile leaves the one under way. */
  g_free (stale);
  stale = file_beside (path, ".Stale1", "{\"format\":\"vizora-snap", 3600);
  other = fleet_snapshot_new (path, displays, groups);
  g_assert_true (vz_snapshot_save (other, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (under_way, G_FILE_TEST_EXISTS));

  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  assert_loads_large (path);
  close (held_fd);

  names = folder_entries (path);
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (young, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (held, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (longer, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (under_way, G_FILE_TEST_EXISTS));
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
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *group_body = NULL;
  g_autoptr(JsonNode) group = NULL;
  g_autofree char *add_body = NULL;
  g_autofree char *add_path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("vizora-snapshot-XXXXXX", NULL);
  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  a = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  b = vz_test_server_pair_screen (server, token, "Hall", NULL);
  g_free (vz_test_server_pair_screen (server, token, "Café <b>", NULL));
  g_assert_cmpuint (vz_test_server_request (server, "POST", "/display-groups", token,
                                            "{\"name\":\"Ground floor\"}", &group), ==, 201);
  add_path = g_strdup_printf ("/display-groups/%s/displays",
                              json_object_get_string_member (json_object_get_object_member (json_node_get_object (group), "data"), "id"));
  add_body = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\"]}", a, b);
  g_assert_cmpuint (vz_test_server_request (server, "POST", add_path, token, add_body, NULL), ==, 201);
  {
    g_autofree char *patch = g_strdup_printf ("/displays/%s", a);
    g_assert_cmpuint (vz_test_server_request (server, "PATCH", patch, token,
                                              "{\"location\":\"Front desk\",\"description\":\"by the door\"}", NULL),
                      ==, 200);
  }

  g_test_add_func ("/snapshot/round-trip", test_round_trip);
  g_test_add_func ("/snapshot/missing-and-damaged", test_missing_and_damaged);
  g_test_add_func ("/snapshot/text-round-trip", test_text_round_trip);
  g_test_add_func ("/snapshot/throttled", test_throttled);
  g_test_add_func ("/snapshot/unwritable", test_unwritable);
  g_test_add_func ("/snapshot/large-streamed", test_large_streamed);
  g_test_add_func ("/snapshot/large-write-fails", test_large_write_fails);
  g_test_add_func ("/snapshot/wait-for-saves", test_wait_for_saves);
  g_test_add_func ("/snapshot/stale-new-files", test_stale_new_files);
  g_test_add_func ("/snapshot/read-cancelled", test_read_cancelled);
  g_test_add_func ("/snapshot/describe-age", test_describe_age);
  g_test_add_func ("/snapshot/engine-offline-start", test_engine_offline_start);
  g_test_add_func ("/snapshot/stand-ins", test_stand_ins);
  status = g_test_run ();

  vz_test_server_free (server);
  g_free (token);
  {
    /* Only what the tests made lives under tmpdir. */
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);
  return status;
}
