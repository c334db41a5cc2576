/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-metrics-history"

#include <glib/gstdio.h>
#include <math.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "vz-metrics-codec.h"
#include "vz-server-health-private.h"

/*
 * The metrics history of many screens over days, written by the server's own
 * code (vz-server-metrics.c) into a real SQLite file, and its size on disk
 * (docs/bench-health.md). Each screen heartbeats every 15 s with readings
 * that drift as vizora-sim's do; the write-behind writes each hour, and the
 * server's maintenance turns raw hours older than a day into 5-minute buckets
 * and drops days older than a week, as a running server does every minute.
 *
 * Then the week's availability is summed as the analytics route does, three
 * times, from the windows each chunk counted when it was written; then the
 * counts are taken away (a database an older server wrote) and counted
 * again, a slice at a time, as a server does after it migrates one.
 *
 *   bench-metrics-history [--screens N] [--days D] [--keep DIR]
 *   bench-metrics-history --read DIR     (the figures of a kept database,
 *                                         migrated and counted if it is older)
 */

#define BEAT_S 15
#define BUCKET_BEAT_S 300

typedef struct {
  double cpu, memory, disk, temperature;
} Readings;

static double
drift (GRand  *rand,
       double  value,
       double  step,
       double  low,
       double  high)
{
  return CLAMP (value + g_rand_double_range (rand, -step, step), low, high);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* This thread's CPU time in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

static gint64
count (VzDb       *db,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
}

/* Counts the windows of chunks that carry no count yet (a database an older
 * server wrote), a slice at a time as the running server does between
 * requests: the slices, their total and the longest one. */
static void
measure_counting (VzServer *server)
{
  g_autoptr(GError) error = NULL;
  gint64 uncounted = count (server->db, "SELECT (SELECT COUNT(*) FROM metric_chunks WHERE up IS NULL)"
                                        " + (SELECT COUNT(*) FROM metric_pending WHERE up IS NULL)");
  gint64 t0 = g_get_monotonic_time (), longest = 0, longest_cpu = 0;
  double cpu0 = cpu_seconds ();
  guint slices = 0;
  gboolean more = uncounted > 0;

  while (more)
    {
      gint64 s0 = g_get_monotonic_time ();
      gint64 c0 = thread_cpu_us ();

      more = _vz_server_metrics_count_slice (server, &error);
      g_assert_no_error (error);
      longest = MAX (longest, g_get_monotonic_time () - s0);
      longest_cpu = MAX (longest_cpu, thread_cpu_us () - c0);
      slices++;
    }
  g_print ("counting %" G_GINT64_FORMAT " uncounted chunks: %u slices, %.0f ms wall, %.0f ms CPU,"
           " longest slice %.1f ms wall, %.1f ms CPU\n",
           uncounted, slices, (g_get_monotonic_time () - t0) / 1e3, (cpu_seconds () - cpu0) * 1e3, longest / 1e3,
           longest_cpu / 1e3);
}

/* The week's availability as the analytics route counts it (a sum of the
 * chunks' counts), three times. */
static void
measure_availability (VzServer   *server,
                      const char *organization_id,
                      gint64      now_s)
{
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GError) error = NULL;
      gint64 up[7], expected[7];
      gint64 t0 = g_get_monotonic_time ();
      double cpu0 = cpu_seconds ();

      g_assert_true (_vz_server_availability (server, organization_id, now_s, 7, up, expected, &error));
      g_assert_no_error (error);
      g_print ("availability of 7 days, request %u: %.1f ms wall, %.1f ms CPU; days:", round + 1,
               (g_get_monotonic_time () - t0) / 1e3, (cpu_seconds () - cpu0) * 1e3);
      for (guint d = 0; d < 7; d++)
        g_print (" %.1f%%", expected[d] > 0 ? 100.0 * up[d] / expected[d] : 0);
      g_print ("\n");
    }
}

/* --read: the figures of a database an earlier run kept. */
static int
read_kept (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzServer) server = vz_server_new (dir);
  g_autofree char *path = g_build_filename (dir, "vizora.db", NULL);
  g_autofree char *org = NULL;

  server->db = vz_db_open (path, &error);
  g_assert_no_error (error);
  server->devices = g_hash_table_new (g_str_hash, g_str_equal);
  {
    g_autoptr(VzStmt) stmt = vz_db_prepare (server->db, "SELECT id FROM organizations LIMIT 1", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    org = g_strdup (vz_stmt_text (stmt, 0));
  }
  g_print ("screens %" G_GINT64_FORMAT ", database file %.1f MB\n", count (server->db, "SELECT COUNT(*) FROM displays"),
           file_size (path) / 1e6);
  measure_counting (server);
  measure_availability (server, org, g_get_real_time () / G_USEC_PER_SEC);
  g_clear_pointer (&server->devices, g_hash_table_unref);
  vz_db_close (server->db);
  g_clear_object (&server->db);
  return 0;
}

int
main (int argc, char *argv[])
{
  int screens = 10000;
  int days = 7;
  gboolean coarse_before = FALSE;
  g_autofree char *keep = NULL;
  g_autofree char *kept = NULL;
  const GOptionEntry entries[] = {
    { "read", 0, 0, G_OPTION_ARG_FILENAME, &kept, "Only measure the database an earlier --keep left in DIR", "DIR" },
    { "screens", 0, 0, G_OPTION_ARG_INT, &screens, "Screens (default 10000)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of heartbeats (default 7)", "D" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the database into DIR and keep it", "DIR" },
    { "coarse-before", 0, 0, G_OPTION_ARG_NONE, &coarse_before,
      "Beat once every 5 minutes in the hours that end as buckets (all but the last 25)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— metrics history size");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  VzDeviceState *states;
  Readings *readings;
  g_autofree char *org = g_uuid_string_random ();
  gint64 start_s, end_s, coarse_until, t0 = g_get_monotonic_time ();

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || screens < 1 || days < 1)
    {
      g_printerr ("bench-metrics-history: %s\n", error != NULL ? error->message : "bad numbers");
      return 2;
    }
  if (kept != NULL)
    return read_kept (kept);
  dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("vz-bench-metrics-XXXXXX", &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, "vizora.db", NULL);
  g_unlink (path);

  server = vz_server_new (dir);
  server->db = vz_db_open (path, &error);
  g_assert_no_error (error);
  server->devices = g_hash_table_new (g_str_hash, g_str_equal);

  /* An organization and its screens, as pairing leaves them. */
  {
    g_autoptr(VzStmt) insert = NULL;

    vz_db_begin (server->db, &error);
    insert = vz_db_prepare (server->db, "INSERT INTO organizations (id, name, created_at, updated_at)"
                                        " VALUES (?1, 'Bench', 0, 0)", &error);
    sqlite3_bind_text (insert, 1, org, -1, SQLITE_TRANSIENT);
    vz_db_step_done (server->db, insert, &error);
    g_assert_no_error (error);
  }
  states = g_new0 (VzDeviceState, screens);
  readings = g_new0 (Readings, screens);
  for (int i = 0; i < screens; i++)
    {
      g_autoptr(VzStmt) insert = vz_db_prepare (server->db,
                                                "INSERT INTO displays (id, organization_id, device_identifier,"
                                                " created_at, updated_at) VALUES (?1, ?2, ?1, 0, 0)",
                                                &error);

      states[i].id = g_uuid_string_random ();
      states[i].organization_id = org;
      sqlite3_bind_text (insert, 1, states[i].id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, org, -1, SQLITE_TRANSIENT);
      vz_db_step_done (server->db, insert, &error);
      g_assert_no_error (error);
      g_hash_table_insert (server->devices, states[i].id, &states[i]);
      readings[i] = (Readings) { g_rand_double_range (rand, 8, 45), g_rand_double_range (rand, 25, 70),
                                 g_rand_double_range (rand, 15, 75), g_rand_double_range (rand, 38, 62) };
    }
  vz_db_commit (server->db, &error);
  g_assert_no_error (error);

  /* Days of heartbeats ending now, an hour at a time. */
  end_s = g_get_real_time () / G_USEC_PER_SEC;
  end_s -= end_s % 3600;
  start_s = end_s - (gint64) days * 24 * 3600;
  coarse_until = coarse_before ? end_s - 25 * 3600 : start_s;
  for (gint64 hour = start_s; hour < end_s; hour += 3600)
    {
      for (int i = 0; i < screens; i++)
        {
          VzDeviceState *state = &states[i];
          Readings *r = &readings[i];
          /* Screens do not beat in step. Hours that end up as 5-minute
           * buckets may be beaten coarsely (--coarse-before): one beat a
           * bucket, its readings drifting as far as twenty beats' would. */
          gboolean coarse = hour < coarse_until;
          gint64 spacing = coarse ? BUCKET_BEAT_S : BEAT_S;
          double scale = coarse ? sqrt ((double) BUCKET_BEAT_S / BEAT_S) : 1;
          gint64 offset = i % BEAT_S;

          for (gint64 t = hour + offset; t < hour + 3600; t += spacing)
            {
              r->cpu = drift (rand, r->cpu, 6 * scale, 2, 85);
              r->memory = drift (rand, r->memory, 2 * scale, 10, 88);
              r->disk = MIN (r->disk + g_rand_double_range (rand, 0, 0.05 * scale * scale), 92);
              r->temperature = drift (rand, r->temperature, 0.8 * scale, 30, 75);
              /* The heartbeat's rounding, as vizora-sim sends them. */
              state->cpu_usage = round (r->cpu * 10) / 10;
              state->memory_usage = round (r->memory * 10) / 10;
              state->disk_usage = round (r->disk * 10) / 10;
              state->temperature = round (r->temperature * 10) / 10;
              _vz_server_metrics_record (server, state, t * 1000);
            }
        }
      /* The write-behind, then the maintenance a running server does each
       * minute, until nothing of the hour is left to do (finished hours to
       * move, hours older than a day to average; at most an hour's ticks). */
      _vz_server_metrics_flush_all (server);
      {
        g_autofree char *left_sql = g_strdup_printf (
          "SELECT (SELECT COUNT(*) FROM metric_pending WHERE start <= %" G_GINT64_FORMAT ")"
          " + (SELECT COUNT(*) FROM metric_chunks WHERE resolution = 0 AND start <= %" G_GINT64_FORMAT ")",
          hour, hour + 3600 - 25 * 3600);
        guint ticks = 0;

        do
          _vz_server_metrics_maintenance (server, (hour + 3600) * 1000);
        while (count (server->db, left_sql) > 0 && ++ticks < 60);
        if (ticks == 60)
          g_print ("hour %" G_GINT64_FORMAT ": maintenance did not catch up in 60 ticks\n", (hour - start_s) / 3600);
      }
      if ((hour - start_s) % (24 * 3600) == 23 * 3600)
        {
          g_autofree char *wal = g_strconcat (path, "-wal", NULL);

          g_print ("day %" G_GINT64_FORMAT ": %.1f MB on disk (+%.1f MB WAL), %.0f s wall, %.0f s CPU\n",
                   (hour - start_s) / (24 * 3600) + 1, file_size (path) / 1e6, file_size (wal) / 1e6,
                   (g_get_monotonic_time () - t0) / 1e6, cpu_seconds ());
        }
    }

  /* What the file holds once the WAL is folded in. */
  vz_db_exec (server->db, "PRAGMA wal_checkpoint(TRUNCATE)", &error);
  g_assert_no_error (error);
  {
    gint64 raw = count (server->db, "SELECT COUNT(*) FROM metric_chunks WHERE resolution = 0");
    gint64 buckets = count (server->db, "SELECT COUNT(*) FROM metric_chunks WHERE resolution = 1");
    gint64 raw_bytes = count (server->db, "SELECT SUM(LENGTH(samples)) FROM metric_chunks WHERE resolution = 0");
    gint64 bucket_bytes = count (server->db, "SELECT SUM(LENGTH(samples)) FROM metric_chunks WHERE resolution = 1");
    gint64 pages = count (server->db, "PRAGMA page_count");
    gint64 free_pages = count (server->db, "PRAGMA freelist_count");
    gint64 page_size = count (server->db, "PRAGMA page_size");

    g_print ("screens %d, days %d\n", screens, days);
    g_print ("raw hours: %" G_GINT64_FORMAT " chunks, %.1f MB of samples (%.2f bytes a heartbeat)\n",
             raw, raw_bytes / 1e6, raw > 0 ? (double) raw_bytes / (screens * 24.0 * 3600 / BEAT_S) : 0);
    g_print ("5-minute days: %" G_GINT64_FORMAT " chunks, %.1f MB of samples\n", buckets, bucket_bytes / 1e6);
    g_print ("database file: %.1f MB (%" G_GINT64_FORMAT " pages of %" G_GINT64_FORMAT " bytes, %" G_GINT64_FORMAT
             " free)\n", file_size (path) / 1e6, pages, page_size, free_pages);
    g_print ("time: %.0f s wall, %.0f s CPU\n", (g_get_monotonic_time () - t0) / 1e6, cpu_seconds ());
  }

  /* Read back as the route does: every heartbeat of the last day, and the
   * 5-minute buckets of the days before, up to the week that is kept. */
  {
    g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
    gint64 day_ago = end_s - 24 * 3600;
    int kept_days = MIN (days, 7);
    guint raw = 0, buckets = 0;

    g_autoptr(VzStmt) series = vz_db_prepare (server->db, "SELECT key FROM metric_series WHERE display_id = ?1", &error);

    g_assert_no_error (error);
    sqlite3_bind_text (series, 1, states[0].id, -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (series), ==, SQLITE_ROW);
    g_assert_true (_vz_server_metrics_read (server, sqlite3_column_int64 (series, 0),
                                            end_s - (gint64) kept_days * 24 * 3600, end_s, FALSE, points,
                                            &error));
    g_assert_no_error (error);
    for (guint i = 0; i < points->len; i++)
      {
        if (g_array_index (points, VzMetricsPoint, i).time >= day_ago)
          raw++;
        else
          buckets++;
      }
    g_print ("screen 1 read back: %u heartbeats in the last day, %u buckets before\n", raw, buckets);
    g_assert_cmpuint (raw, ==, 24 * 3600 / BEAT_S);
    g_assert_cmpuint (buckets, ==, (guint) (kept_days - 1) * 288);
  }

  measure_availability (server, org, end_s + 60);
  /* The same history as an older server left it: no counts. */
  vz_db_exec (server->db, "UPDATE metric_chunks SET up = NULL; UPDATE metric_pending SET up = NULL", &error);
  g_assert_no_error (error);
  measure_counting (server);
  measure_availability (server, org, end_s + 60);

  for (int i = 0; i < screens; i++)
    {
      _vz_server_metrics_free (states[i].history);
      g_free (states[i].id);
    }
  g_free (states);
  g_free (readings);
  g_clear_pointer (&server->devices, g_hash_table_unref);
  vz_db_close (server->db);
  g_clear_object (&server->db);
  if (keep == NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
