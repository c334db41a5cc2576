/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-analytics"

#include <string.h>

#include "server-test-util.h"
#include "vz-test-clock.h"
#include "vz-metrics-codec.h"

/*
 * The analytics routes against the real vizora-server: the summary, the
 * availability per day from the metrics history, content performance and
 * proof of play (pages, filters, CSV) from impressions, what they refuse,
 * and that another organization's rows never show. Impressions and history
 * are written into the server's database as screens would have left them.
 */

static VzTestServer *shared;
static char *token;
static char *screen_a;
static char *screen_b;
static gint64 now_ms;

#define DAY_MS ((gint64) 24 * 3600 * 1000)

static void
add_impression (const char *organization,
                const char *display,
                const char *content,
                const char *playlist,
                double      completion,
                gint64      played_at)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO content_impressions (organization_id, display_id, content_id,"
                                          " playlist_id, duration, completion, played_at, received_at)"
                                          " SELECT %s, '%s', '%s', %s%s%s, 10, %g, %" G_GINT64_FORMAT ", 0 %s",
                                          organization != NULL ? "'other-org'" : "id", display, content,
                                          playlist ? "'" : "", playlist ? playlist : "NULL", playlist ? "'" : "",
                                          completion, played_at,
                                          organization != NULL ? "" : "FROM organizations WHERE id <> 'other-org'");

  test_db_exec (shared, sql);
}

static void
seed (void)
{
  test_db_exec (shared,
                "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ('other-org', 'Other', 0, 0);"
                "INSERT INTO content (id, organization_id, name, type, url, created_at, updated_at)"
                " SELECT 'c-poster', id, '=Poster, \"big\"', 'url', 'https://example.com/p', 0, 0 FROM organizations"
                " WHERE id <> 'other-org';"
                "INSERT INTO content (id, organization_id, name, type, url, created_at, updated_at)"
                " SELECT 'c-clip', id, 'Clip', 'url', 'https://example.com/c', 0, 0 FROM organizations"
                " WHERE id <> 'other-org';"
                "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                " SELECT 'pl-1', id, 'Main', 0, 0 FROM organizations WHERE id <> 'other-org';"
                "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                " SELECT 'pl-empty', id, 'Empty', 0, 0 FROM organizations WHERE id <> 'other-org';"
                "INSERT INTO playlist_items (id, playlist_id, content_id, position, created_at)"
                " VALUES ('it-1', 'pl-1', 'c-clip', 0, 0);"
                "UPDATE displays SET created_at = 0;");
  /* Poster three times (completions 100, 80, 90), the clip once, a deleted
   * item once, one poster play 20 days ago, and the other organization's. */
  add_impression (NULL, screen_a, "c-poster", "pl-1", 100, now_ms - 3600 * 1000);
  add_impression (NULL, screen_b, "c-poster", "pl-1", 80, now_ms - 2 * 3600 * 1000);
  add_impression (NULL, screen_a, "c-poster", NULL, 90, now_ms - 2 * DAY_MS);
  add_impression (NULL, screen_a, "c-clip", "pl-1", 50, now_ms - 3 * DAY_MS);
  add_impression (NULL, screen_b, "c-gone", NULL, 100, now_ms - 4 * DAY_MS);
  add_impression (NULL, screen_a, "c-poster", NULL, 100, now_ms - 20 * DAY_MS);
  add_impression ("other", "x-screen", "x-content", NULL, 100, now_ms - 3600 * 1000);
}

static JsonNode *
get_data (const char   *path,
          TestResponse **keep)
{
  *keep = test_http (shared, "GET", path, token, NULL, NULL, 0);
  return test_expect_data (*keep, 200);
}

static void
test_summary (void)
{
  g_autoptr(TestResponse) week = NULL;
  g_autoptr(TestResponse) month = NULL;
  JsonObject *w = json_node_get_object (get_data ("/analytics/summary?range=week", &week));
  JsonObject *m = json_node_get_object (get_data ("/analytics/summary", &month));

  g_assert_cmpint (json_object_get_int_member (w, "totalDevices"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (w, "onlineDevices"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (w, "uptimePercent"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (w, "totalContent"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (w, "totalPlaylists"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (w, "activePlaylists"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (w, "totalImpressions"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (m, "totalImpressions"), ==, 6);
}

static void
test_content_performance (void)
{
  g_autoptr(TestResponse) response = NULL;
  JsonArray *items = json_node_get_array (get_data ("/analytics/content-performance?range=week", &response));
  JsonObject *first, *second, *third;

  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  first = json_array_get_object_element (items, 0);
  second = json_array_get_object_element (items, 1);
  third = json_array_get_object_element (items, 2);
  g_assert_cmpstr (json_object_get_string_member (first, "contentId"), ==, "c-poster");
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "=Poster, \"big\"");
  g_assert_cmpint (json_object_get_int_member (first, "impressions"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (first, "averageCompletion"), ==, 90);
  /* Ties by id: c-clip, then the deleted c-gone. */
  g_assert_cmpstr (json_object_get_string_member (second, "title"), ==, "Clip");
  g_assert_cmpint (json_object_get_int_member (second, "averageCompletion"), ==, 50);
  g_assert_cmpstr (json_object_get_string_member (third, "title"), ==, "Unknown");
}

/* The seconds a part about "today" may take, under the sanitizers and load:
 * each starts at least this long before midnight (UTC), so that the server
 * answers on the day the part read. */
#define DAY_PART_S 120

static void
test_availability (void)
{
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 now_s = vz_test_clock_clear_of_midnight (utc, DAY_PART_S);
  gint64 today = now_s - now_s % 86400;
  VzMetricsEncoder encoder = { NULL, };
  sqlite3 *db = test_open_db (shared, FALSE);
  sqlite3_stmt *stmt = NULL;
  JsonArray *days;
  JsonObject *yesterday;

  /* Screen A sent heartbeats through all of yesterday; screen B never. */
  vz_metrics_encoder_init (&encoder, today - 86400, 300);
  for (guint i = 0; i < 288; i++)
    {
      VzMetricsPoint point = { today - 86400 + i * 300, { 10, 20, 30, 40 } };

      vz_metrics_encoder_append (&encoder, &point);
    }
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO metric_series (display_id) SELECT id FROM displays"
                                     " WHERE organization_id <> 'other-org'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metric_chunks (series, resolution, start, samples)"
                                           " SELECT key, 1, ?1, ?2 FROM metric_series WHERE display_id = ?3",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, today - 86400);
  sqlite3_bind_blob (stmt, 2, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, screen_a, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  vz_metrics_encoder_clear (&encoder);

  days = json_node_get_array (get_data ("/analytics/device-metrics?range=week", &response));
  g_assert_cmpuint (json_array_get_length (days), ==, 7);
  yesterday = json_array_get_object_element (days, 5);
  {
    g_autoptr(GDateTime) day = g_date_time_new_from_unix_utc (today - 86400);
    g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

    g_assert_cmpstr (json_object_get_string_member (yesterday, "date"), ==, date);
  }
  /* Half the screens, all day. */
  g_assert_cmpfloat (json_object_get_double_member (yesterday, "availabilityEstimate"), ==, 50);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (days, 4),
                                                    "availabilityEstimate"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (days, 6),
                                                    "availabilityEstimate"), ==, 0);

  /* Screens made twenty minutes ago (or at midnight, when today is younger)
   * count only the windows since then: screen B beating in each of them is
   * as available as it could be, A never, so today reads half, not a few
   * percent of the whole day. */
  /* The count goes by five-minute windows: the screens are made and the
   * server asked within the same window as the clock read here. The last
   * window of a day ends at midnight, so the day does not turn either. */
  now_s = g_get_real_time () / G_USEC_PER_SEC;
  if (300 - now_s % 300 < 30)
    {
      g_usleep ((300 - now_s % 300 + 1) * G_USEC_PER_SEC);
      now_s = g_get_real_time () / G_USEC_PER_SEC;
    }
  {
    gint64 created = MAX (now_s - 1200, now_s - now_s % 86400);
    guint windows = (guint) (now_s / 300 - created / 300 + 1);
    g_autofree char *update = g_strdup_printf ("UPDATE displays SET created_at = %" G_GINT64_FORMAT
                                               " WHERE organization_id <> 'other-org'", created * 1000);
    g_autoptr(TestResponse) again = NULL;

    db = test_open_db (shared, FALSE);
    g_assert_cmpint (sqlite3_exec (db, update, NULL, NULL, NULL), ==, SQLITE_OK);
    vz_metrics_encoder_init (&encoder, created, 300);
    for (guint i = 0; i < windows; i++)
      {
        VzMetricsPoint point = { created + i * 300, { 10, 20, 30, 40 } };

        vz_metrics_encoder_append (&encoder, &point);
      }
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metric_chunks (series, resolution, start, samples)"
                                             " SELECT key, 1, ?1, ?2 FROM metric_series WHERE display_id = ?3",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, created);
    sqlite3_bind_blob (stmt, 2, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, screen_b, -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    vz_metrics_encoder_clear (&encoder);

    /* That history was written behind the server's back, without its
     * count of windows: the server counts it before it answers. */
    days = json_node_get_array (get_data ("/analytics/device-metrics?range=week", &again));
    /* The days before the screens were made have nothing to say. */
    g_assert_cmpuint (json_array_get_length (days), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (days, 0),
                                                      "availabilityEstimate"), ==, 50);
  }
}

/* Puts @n five-minute buckets of history from @start into the database
 * for @display, behind the server's back. */
static void
write_buckets (VzTestServer *server,
               const char   *display,
               gint64        start,
               guint         n)
{
  VzMetricsEncoder encoder = { NULL, };
  sqlite3 *db = test_open_db (server, FALSE);
  sqlite3_stmt *stmt = NULL;

  vz_metrics_encoder_init (&encoder, start, 300);
  for (guint i = 0; i < n; i++)
    {
      VzMetricsPoint point = { start + i * 300, { 10, 20, 30, 40 } };

      vz_metrics_encoder_append (&encoder, &point);
    }
  g_assert_cmpint (sqlite3_exec (db, "INSERT OR IGNORE INTO metric_series (display_id) SELECT id FROM displays",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metric_chunks (series, resolution, start, samples)"
                                           " SELECT key, 1, ?1, ?2 FROM metric_series WHERE display_id = ?3",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_blob (stmt, 2, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, display, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  vz_metrics_encoder_clear (&encoder);
}

static double
yesterday_availability (VzTestServer *server,
                        const char   *access_token)
{
  g_autoptr(TestResponse) response = test_http (server, "GET", "/analytics/device-metrics?range=week", access_token,
                                                NULL, NULL, 0);
  JsonArray *days = json_node_get_array (test_expect_data (response, 200));

  g_assert_cmpuint (json_array_get_length (days), ==, 7);
  return json_object_get_double_member (json_array_get_object_element (days, 5), "availabilityEstimate");
}

static gint64
uncounted_chunks (VzTestServer *server)
{
  sqlite3 *db = test_open_db (server, TRUE);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM metric_chunks WHERE up IS NULL", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Chunks carry their count of windows: one written without it (as an older
 * server wrote them) is counted before the next answer and keeps its count
 * across a restart; removing a screen removes its counts. */
static void
test_availability_counted (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *access_token = vz_test_server_login (server);
  g_autofree char *device_a = NULL, *device_b = NULL;
  g_autofree char *a = vz_test_server_pair_screen (server, access_token, "Alpha", &device_a);
  g_autofree char *b = vz_test_server_pair_screen (server, access_token, "Beta", &device_b);
  g_autofree char *path = g_strdup_printf ("/displays/%s", a);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 now_s = vz_test_clock_clear_of_midnight (utc, DAY_PART_S);
  gint64 yesterday = now_s - now_s % 86400 - 86400;

  test_db_exec (server, "UPDATE displays SET created_at = 0");
  /* A all day yesterday, B not: half. */
  write_buckets (server, a, yesterday, 288);
  g_assert_cmpint (uncounted_chunks (server), ==, 1);
  g_assert_cmpfloat (yesterday_availability (server, access_token), ==, 50);
  g_assert_cmpint (uncounted_chunks (server), ==, 0);

  /* B's morning appears: it is counted too. */
  write_buckets (server, b, yesterday, 144);
  g_assert_cmpfloat (yesterday_availability (server, access_token), ==, 75);
  vz_test_server_restart (server);
  g_assert_cmpint (uncounted_chunks (server), ==, 0);
  g_assert_cmpfloat (yesterday_availability (server, access_token), ==, 75);

  /* Without A, yesterday is B's half day. */
  g_assert_cmpuint (vz_test_server_request (server, "DELETE", path, access_token, NULL, &body), ==, 200);
  g_assert_cmpfloat (yesterday_availability (server, access_token), ==, 50);
}

typedef struct {
  VzTestServer *server;
  const char   *token;
  TestResponse *response;
  gint          done;
} AvailabilityCall;

static gpointer
availability_thread (gpointer user_data)
{
  AvailabilityCall *call = user_data;

  call->response = test_http (call->server, "GET", "/analytics/device-metrics?range=week", call->token, NULL, NULL, 0);
  g_atomic_int_set (&call->done, 1);
  return NULL;
}

/* A database whose chunks carry no counts (as an older server left it) is
 * counted in slices after the start: meanwhile the server answers other
 * requests, and an availability request waits for the counts and is right. */
static void
test_availability_counting_answers (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *access_token = vz_test_server_login (server);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 now_s = vz_test_clock_clear_of_midnight (utc, DAY_PART_S);
  gint64 today = now_s - now_s % 86400;
  gint64 hour = now_s - now_s % 3600;
  VzMetricsEncoder encoder = { NULL, };
  VzMetricsEncoder buckets = { NULL, };
  AvailabilityCall call = { server, access_token, NULL, 0 };
  g_autoptr(GThread) thread = NULL;
  guint answered_meanwhile = 0;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  JsonArray *days;

  /* 4,000 screens, each with 6 days of buckets and the 22 raw hours before
   * the last one: 12 windows with a heartbeat in each chunk. */
  db = test_open_db (server, FALSE);
  g_assert_cmpint (sqlite3_exec (db,
                                 "BEGIN;"
                                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)"
                                 " INSERT INTO displays (id, organization_id, device_identifier, created_at, updated_at)"
                                 " SELECT 'bulk-' || i, o.id, 'bulk-' || i, 0, 0 FROM n, organizations o;"
                                 "INSERT INTO metric_series (display_id) SELECT id FROM displays;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  vz_metrics_encoder_init (&encoder, 0, 1);
  vz_metrics_encoder_init (&buckets, 0, 300);
  for (guint i = 0; i < 12; i++)
    {
      VzMetricsPoint point = { i * 300, { 10, 20, 30, 40 } };

      vz_metrics_encoder_append (&encoder, &point);
      vz_metrics_encoder_append (&buckets, &point);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "WITH RECURSIVE h(k, r, t) AS (SELECT 1, 0, ?2 - 3600"
                                       "  UNION ALL SELECT k + 1, CASE WHEN k < 22 THEN 0 ELSE 1 END,"
                                       "  CASE WHEN k < 22 THEN ?2 - 3600 * (k + 1) ELSE ?3 - 86400 * (k - 21) END"
                                       "  FROM h WHERE k < 28)"
                                       " INSERT INTO metric_chunks (series, resolution, start, samples)"
                                       " SELECT s.key, h.r, h.t, CASE h.r WHEN 0 THEN ?1 ELSE ?4 END FROM metric_series s, h",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, hour);
  sqlite3_bind_int64 (stmt, 3, today);
  sqlite3_bind_blob (stmt, 4, buckets.bytes->data, (int) buckets.bytes->len, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  vz_metrics_encoder_clear (&encoder);
  vz_metrics_encoder_clear (&buckets);
  g_assert_cmpint (uncounted_chunks (server), ==, 4000 * 28);

  vz_test_server_restart (server);
  thread = g_thread_new ("availability", availability_thread, &call);
  while (!g_atomic_int_get (&call.done))
    {
      g_autoptr(TestResponse) other = test_http (server, "GET", "/displays?limit=1", access_token, NULL, NULL, 0);

      test_expect_data (other, 200);
      if (!g_atomic_int_get (&call.done))
        answered_meanwhile++;
    }
  g_thread_join (g_steal_pointer (&thread));
  g_test_message ("%u requests answered while the history was counted", answered_meanwhile);
  g_assert_cmpuint (answered_meanwhile, >, 0);

  /* Every day before yesterday: 12 windows of 288 a screen. */
  days = json_node_get_array (test_expect_data (call.response, 200));
  g_assert_cmpuint (json_array_get_length (days), ==, 7);
  for (guint d = 0; d < 5; d++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (days, d),
                                                      "availabilityEstimate"), ==, 4.2);
  g_assert_cmpint (uncounted_chunks (server), ==, 0);
  test_response_free (call.response);
}

/* The ids of a proof-of-play page's rows, comma-separated; *@total from meta. */
static char *
pop_contents (const char *query,
              gint64     *total)
{
  g_autofree char *path = g_strconcat ("/analytics/proof-of-play", query, NULL);
  g_autoptr(TestResponse) response = test_http (shared, "GET", path, token, NULL, NULL, 0);
  JsonObject *page = test_expect_object (response, 200);
  JsonArray *rows = json_object_get_array_member (page, "data");
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (json_array_get_object_element (rows, i),
                                                                    "contentId"));
  g_ptr_array_add (ids, NULL);
  *total = json_object_get_int_member (json_object_get_object_member (page, "meta"), "total");
  return g_strjoinv (",", (char **) ids->pdata);
}

static void
test_proof_of_play (void)
{
  gint64 total = 0;
  g_autofree char *all = pop_contents ("", &total);
  g_autofree char *paged = NULL;
  g_autofree char *by_display = NULL;
  g_autofree char *by_playlist = NULL;
  g_autofree char *by_content = NULL;
  g_autofree char *dated = NULL;
  g_autofree char *query = NULL;

  /* The last 30 days by default, newest first; not the other organization's. */
  g_assert_cmpstr (all, ==, "c-poster,c-poster,c-poster,c-clip,c-gone,c-poster");
  g_assert_cmpint (total, ==, 6);
  paged = pop_contents ("?limit=2&page=2", &total);
  g_assert_cmpstr (paged, ==, "c-poster,c-clip");
  query = g_strdup_printf ("?displayId=%s", screen_b);
  by_display = pop_contents (query, &total);
  g_assert_cmpstr (by_display, ==, "c-poster,c-gone");
  by_playlist = pop_contents ("?playlistId=pl-1", &total);
  g_assert_cmpint (total, ==, 3);
  by_content = pop_contents ("?contentId=c-clip", &total);
  g_assert_cmpstr (by_content, ==, "c-clip");
  {
    g_autoptr(GDateTime) day = g_date_time_new_from_unix_utc (now_ms / 1000 - 4 * 86400);
    g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");
    g_autofree char *q = g_strdup_printf ("?dateFrom=%s&dateTo=%s", date, date);

    /* A date is the whole day. */
    dated = pop_contents (q, &total);
    g_assert_cmpstr (dated, ==, "c-gone");
  }

  /* The row's shape. */
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", "/analytics/proof-of-play?limit=1", token, NULL, NULL, 0);
    JsonObject *row = json_array_get_object_element (json_object_get_array_member (test_expect_object (response, 200),
                                                                                   "data"), 0);

    g_assert_nonnull (json_object_get_string_member (row, "id"));
    g_assert_cmpstr (json_object_get_string_member (row, "displayId"), ==, screen_a);
    g_assert_cmpstr (json_object_get_string_member (row, "playlistId"), ==, "pl-1");
    g_assert_cmpint (json_object_get_int_member (row, "duration"), ==, 10);
    g_assert_cmpint (json_object_get_int_member (row, "completionPercentage"), ==, 100);
    g_assert_nonnull (json_object_get_string_member (row, "timestamp"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "content"), "name"), ==,
                     "=Poster, \"big\"");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "display"), "nickname"), ==,
                     "Alpha");
  }
}

static void
test_csv (void)
{
  g_autoptr(TestResponse) response = test_http (shared, "GET", "/analytics/proof-of-play.csv?contentId=c-poster",
                                                token, NULL, NULL, 0);
  gsize len;
  const char *body = g_bytes_get_data (response->raw, &len);
  g_autofree char *text = g_strndup (body, len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (response->headers, NULL), "text/csv"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (response->headers, "Content-Disposition"), "attachment"));
  g_assert_cmpstr (lines[0], ==, "timestamp,contentId,contentName,displayId,displayName,playlistId,duration_sec,"
                                 "completion_percent");
  /* Four rows in the last 30 days, oldest first, then the final newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[5], ==, "");
  /* Quoted for the comma and quotes, and a leading = made harmless. */
  g_assert_nonnull (strstr (lines[1], ",c-poster,\"'=Poster, \"\"big\"\"\","));
  g_assert_true (g_str_has_suffix (lines[1], ",Alpha,,10,100"));
  g_assert_true (g_str_has_suffix (lines[2], ",Alpha,,10,90"));
  g_assert_true (g_str_has_suffix (lines[3], ",Beta,pl-1,10,80"));
  g_assert_true (g_str_has_suffix (lines[4], ",pl-1,10,100"));
}

static void
test_refused (void)
{
  static const struct {
    const char *path;
    guint       status;
  } cases[] = {
    { "/analytics/summary?range=decade", 400 },
    { "/analytics/summary?days=7", 400 },
    { "/analytics/device-metrics?range=", 400 },
    { "/analytics/content-performance?range=week&top=3", 400 },
    { "/analytics/proof-of-play?limit=501", 400 },
    { "/analytics/proof-of-play?limit=0", 400 },
    { "/analytics/proof-of-play?page=0", 400 },
    { "/analytics/proof-of-play?dateFrom=yesterday", 400 },
    { "/analytics/proof-of-play?dateTo=2026-13-40", 400 },
    { "/analytics/proof-of-play?dateFrom=2026-06-02&dateTo=2026-06-01", 400 },
    { "/analytics/proof-of-play?dateFrom=2020-01-01&dateTo=2026-01-01", 400 },
    { "/analytics/proof-of-play?tz=UTC", 400 },
    { "/analytics/proof-of-play.csv?page=1", 400 },
    { "/analytics/proof-of-play.csv?dateFrom=2026-06-02&dateTo=2026-06-01", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "GET", cases[i].path, token, NULL, NULL, 0);

      g_test_message ("%s", cases[i].path);
      test_expect_error (response, cases[i].status);
    }

  /* Viewers see the summary only, as on the platform; nobody sees anything without a token. */
  {
    const char *manager_only[] = { "/analytics/device-metrics", "/analytics/content-performance",
                                   "/analytics/proof-of-play", "/analytics/proof-of-play.csv" };
    g_autofree char *viewer = NULL;
    g_autoptr(TestResponse) summary = NULL;

    test_add_user (shared, "viewer@example.test", "viewer password", "viewer");
    viewer = test_login_as (shared, "viewer@example.test", "viewer password");
    summary = test_http (shared, "GET", "/analytics/summary", viewer, NULL, NULL, 0);
    test_expect_data (summary, 200);
    for (guint i = 0; i < G_N_ELEMENTS (manager_only); i++)
      {
        g_autoptr(TestResponse) refused = test_http (shared, "GET", manager_only[i], viewer, NULL, NULL, 0);
        g_autoptr(TestResponse) anonymous = test_http (shared, "GET", manager_only[i], NULL, NULL, NULL, 0);

        test_expect_error (refused, 403);
        test_expect_error (anonymous, 401);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *device_a = NULL;
  g_autofree char *device_b = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);
  screen_a = vz_test_server_pair_screen (shared, token, "Alpha", &device_a);
  screen_b = vz_test_server_pair_screen (shared, token, "Beta", &device_b);
  now_ms = g_get_real_time () / 1000;
  seed ();

  g_test_add_func ("/server/analytics/summary", test_summary);
  g_test_add_func ("/server/analytics/content-performance", test_content_performance);
  g_test_add_func ("/server/analytics/availability", test_availability);
  g_test_add_func ("/server/analytics/availability-counted", test_availability_counted);
  g_test_add_func ("/server/analytics/availability-counting-answers", test_availability_counting_answers);
  g_test_add_func ("/server/analytics/proof-of-play", test_proof_of_play);
  g_test_add_func ("/server/analytics/csv", test_csv);
  g_test_add_func ("/server/analytics/refused", test_refused);
  status = g_test_run ();

  g_free (token);
  g_free (screen_a);
  g_free (screen_b);
  vz_test_server_free (shared);
  return status;
}
