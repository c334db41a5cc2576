/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-metrics"

#include <math.h>
#include <string.h>

#include "server-test-util.h"
#include "vz-metrics-codec.h"

/*
 * GET /displays/:id/metrics?from=&to= against the real vizora-server, and
 * the history's life: raw hours stay raw for a day, older hours become
 * 5-minute averages (at the server's start and every minute), days older
 * than a week go. History is written into the server's database in its
 * compact form (vz-metrics-codec.c), as if recorded earlier; live heartbeats
 * are in test-server-realtime and test-health-interop.
 */

static VzTestServer *shared;
static char *token;
static char *display_id;

/* An ISO time @seconds before now. */
static char *
ago (gint64 seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, (double) -seconds);

  return g_date_time_format_iso8601 (then);
}

/* The ISO time of @unix_seconds. */
static char *
iso_at (gint64 unix_seconds)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format_iso8601 (then);
}

static void
insert_chunk (sqlite3 *db,
              int      resolution,
              gint64   start,
              guint    step,
              gint64   first,
              gint64   every,
              guint    n,
              double   cpu)
{
  VzMetricsEncoder encoder = { NULL, };
  sqlite3_stmt *stmt = NULL;

  vz_metrics_encoder_init (&encoder, start, step);
  for (guint i = 0; i < n; i++)
    {
      VzMetricsPoint point = { first + i * every, { cpu + (i % 2), 50, 60, 45 } };

      g_assert_true (vz_metrics_encoder_append (&encoder, &point));
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metric_chunks (series, resolution, start, samples)"
                                           " SELECT key, ?1, ?2, ?3 FROM metric_series WHERE display_id = ?4", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, resolution);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_blob (stmt, 3, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, display_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  vz_metrics_encoder_clear (&encoder);
}

static gint64
count_chunks (int resolution)
{
  sqlite3 *db = test_open_db (shared, TRUE);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM metric_chunks WHERE resolution = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, resolution);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static JsonArray *
get_points (const char   *query,
            TestResponse **keep)
{
  g_autofree char *path = g_strdup_printf ("/displays/%s/metrics%s", display_id, query);

  *keep = test_http (shared, "GET", path, token, NULL, NULL, 0);
  return json_node_get_array (test_expect_data (*keep, 200));
}

static void
test_history (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 hour = now - now % 3600;
  gint64 old_hour = hour - 30 * 3600;
  gint64 day = now - now % 86400;
  sqlite3 *db = test_open_db (shared, FALSE);
  g_autoptr(TestResponse) r1 = NULL;
  g_autoptr(TestResponse) r2 = NULL;
  g_autoptr(TestResponse) r3 = NULL;
  g_autoptr(TestResponse) r4 = NULL;
  g_autofree char *from_old = iso_at (old_hour - 60);
  g_autofree char *to_old = iso_at (old_hour + 3600);
  g_autofree char *q_old = g_strdup_printf ("?from=%s&to=%s", from_old, to_old);
  g_autofree char *from_recent = iso_at (hour - 3 * 3600);
  g_autofree char *q_recent = g_strdup_printf ("?from=%s", from_recent);
  g_autofree char *q_recent_5m = g_strdup_printf ("?from=%s&resolution=5m", from_recent);
  JsonArray *points;

  /* Stop the server while the history is written behind its back. */
  vz_test_server_kill (shared);
  sqlite3_exec (db, "INSERT INTO metric_series (display_id) SELECT id FROM displays", NULL, NULL, NULL);
  /* Two hours ago: 240 heartbeats, kept raw. */
  insert_chunk (db, 0, hour - 2 * 3600, 1, hour - 2 * 3600, 15, 240, 20);
  /* 30 hours ago: raw, due to become 12 five-minute averages. */
  insert_chunk (db, 0, old_hour, 1, old_hour, 15, 240, 40);
  /* Ten days ago: a day of buckets, due to go. */
  insert_chunk (db, 1, day - 10 * 86400, 300, day - 10 * 86400, 300, 288, 10);
  /* Three hours ago: an hour a stopped server left unfinished (pending), due
   * to join the finished hours, deflated. */
  {
    VzMetricsEncoder encoder = { NULL, };
    sqlite3_stmt *stmt = NULL;

    vz_metrics_encoder_init (&encoder, hour - 3 * 3600, 1);
    for (guint i = 0; i < 100; i++)
      {
        VzMetricsPoint point = { hour - 3 * 3600 + i * 15, { 30, 50, 60, 45 } };

        vz_metrics_encoder_append (&encoder, &point);
      }
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metric_pending (series, start, samples)"
                                             " SELECT key, ?1, ?2 FROM metric_series WHERE display_id = ?3",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, hour - 3 * 3600);
    sqlite3_bind_blob (stmt, 2, encoder.bytes->data, (int) encoder.bytes->len, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, display_id, -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
    vz_metrics_encoder_clear (&encoder);
  }
  sqlite3_close (db);
  vz_test_server_restart (shared);
  g_free (token);
  token = vz_test_server_login (shared);

  /* At the start, the old hour was averaged (into a day stored deflated)
   * and the old day dropped. */
  g_assert_cmpint (count_chunks (0), ==, 2);
  g_assert_cmpint (count_chunks (1), ==, 1);
  {
    sqlite3 *check = test_open_db (shared, TRUE);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (check, "SELECT deflated FROM metric_chunks WHERE resolution = 1", -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
    sqlite3_close (check);
  }

  points = get_points (q_old, &r1);
  g_assert_cmpuint (json_array_get_length (points), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      JsonObject *point = json_array_get_object_element (points, i);
      gint64 ms;

      {
        g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (json_object_get_string_member (point, "timestamp"), NULL);

        ms = g_date_time_to_unix (t);
      }
      g_assert_cmpint (ms, ==, old_hour + i * 300);
      /* 20 readings alternating 40 and 41. */
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (point, "cpuUsage"), 40.5, 0.051);
      g_assert_cmpint (json_object_get_int_member (point, "memoryUsage"), ==, 50);
    }

  /* The recent hours are raw: every heartbeat; or averaged when asked. */
  points = get_points (q_recent, &r2);
  g_assert_cmpuint (json_array_get_length (points), ==, 240 + 100);
  points = get_points (q_recent_5m, &r3);
  g_assert_cmpuint (json_array_get_length (points), ==, 12 + 5);

  /* The default is the last 24 hours. */
  points = get_points ("", &r4);
  g_assert_cmpuint (json_array_get_length (points), ==, 340);
}

static void
test_refused (void)
{
  g_autofree char *base = g_strconcat ("/displays/", display_id, "/metrics", NULL);
  g_autofree char *now = ago (0);
  g_autofree char *hour = ago (3600);
  g_autofree char *eight_days = ago (8 * 86400);
  g_autofree char *after = g_strdup_printf ("%s?from=%s&to=%s", base, now, hour);
  g_autofree char *too_long = g_strdup_printf ("%s?from=%s&to=%s", base, eight_days, now);
  g_autofree char *mixed = g_strdup_printf ("%s?hours=2&from=%s", base, hour);
  g_autofree char *bad_from = g_strdup_printf ("%s?from=yesterday", base);
  g_autofree char *bad_to = g_strdup_printf ("%s?to=12", base);
  g_autofree char *hours_zero = g_strdup_printf ("%s?hours=0", base);
  g_autofree char *hours_big = g_strdup_printf ("%s?hours=169", base);
  g_autofree char *resolution = g_strdup_printf ("%s?resolution=1h", base);
  g_autofree char *unknown_key = g_strdup_printf ("%s?step=5", base);
  const struct {
    const char *path;
    guint       status;
  } cases[] = {
    { after, 400 },
    { too_long, 400 },
    { mixed, 400 },
    { bad_from, 400 },
    { bad_to, 400 },
    { hours_zero, 400 },
    { hours_big, 400 },
    { resolution, 400 },
    { unknown_key, 400 },
    { "/displays/00000000-0000-4000-8000-000000000000/metrics", 404 },
    { "/displays/not-a-uuid/metrics", 404 },
    { "/displays/11111111-1111-4111-8111-111111111111/metrics", 404 },   /* another organization's */
  };

  test_db_exec (shared,
                "INSERT OR IGNORE INTO organizations (id, name, created_at, updated_at) VALUES ('other-org', 'Other', 0, 0);"
                "INSERT OR IGNORE INTO displays (id, organization_id, device_identifier, created_at, updated_at)"
                " VALUES ('11111111-1111-4111-8111-111111111111', 'other-org', 'other-screen', 0, 0);");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "GET", cases[i].path, token, NULL, NULL, 0);

      g_test_message ("%s", cases[i].path);
      test_expect_error (response, cases[i].status);
    }

  /* Within bounds: a week apart, or hours up to a week. */
  {
    g_autofree char *seven = ago (7 * 86400);
    g_autofree char *week = g_strdup_printf ("%s?from=%s&to=%s", base, seven, now);
    g_autofree char *hours = g_strdup_printf ("%s?hours=168", base);
    g_autoptr(TestResponse) a = test_http (shared, "GET", week, token, NULL, NULL, 0);
    g_autoptr(TestResponse) b = test_http (shared, "GET", hours, token, NULL, NULL, 0);

    test_expect_data (a, 200);
    test_expect_data (b, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *device_token = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);
  display_id = vz_test_server_pair_screen (shared, token, "Charted", &device_token);

  g_test_add_func ("/server/metrics/refused", test_refused);
  g_test_add_func ("/server/metrics/history", test_history);
  status = g_test_run ();

  g_free (token);
  g_free (display_id);
  vz_test_server_free (shared);
  return status;
}
