/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-availability-counts"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "vz-metrics-codec.h"
#include "vz-server-health-private.h"

/*
 * Availability per day is the sum of the windows each metrics chunk counted
 * when it was written. Here the server's own history code records
 * heartbeats into a real SQLite file (partial hours, gaps, a restart within
 * an hour, raw hours averaged into buckets), and the sums are checked
 * against the computation they replace: reading every screen's history back
 * and counting the 5-minute windows with a point. Then a screen is removed,
 * and the database is turned back into the schema before the counts and
 * migrated again, its chunks counted a slice at a time.
 */

#define DAY_S    ((gint64) 24 * 3600)
#define BUCKET_S 300
#define N_DAYS   7
#define SCREENS  4

typedef struct {
  char          *dir;
  char          *path;
  VzServer      *server;
  VzDeviceState  states[SCREENS];
  char          *organization_id;
} Fixture;

static void
exec (Fixture    *fixture,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  vz_db_exec (fixture->server->db, sql, &error);
  g_assert_no_error (error);
}

static void
open_db (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->server->db = vz_db_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
close_db (Fixture *fixture)
{
  vz_db_close (fixture->server->db);
  g_clear_object (&fixture->server->db);
}

/* What a stop leaves: the history written, nothing in memory. */
static void
forget_histories (Fixture *fixture)
{
  _vz_server_metrics_flush_all (fixture->server);
  for (guint i = 0; i < SCREENS; i++)
    {
      g_clear_pointer (&fixture->states[i].history, _vz_server_metrics_free);
      fixture->states[i].last_sample = 0;
    }
}

/* The availability computation the counts replace: every screen's points
 * read back, each 5-minute window with one counted once, by day. */
static void
read_and_count (Fixture *fixture,
                gint64   now_s,
                gint64  *up)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) screens = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  gint64 first_day = now_s - now_s % DAY_S - (N_DAYS - 1) * DAY_S;

  memset (up, 0, N_DAYS * sizeof *up);
  _vz_server_metrics_flush_all (fixture->server);
  screens = vz_db_prepare (fixture->server->db,
                           "SELECT s.key FROM displays d JOIN metric_series s ON s.display_id = d.id"
                           " WHERE d.organization_id = ?1",
                           &error);
  g_assert_no_error (error);
  sqlite3_bind_text (screens, 1, fixture->organization_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (screens) == SQLITE_ROW)
    {
      gint64 last = -1;

      g_array_set_size (points, 0);
      g_assert_true (_vz_server_metrics_read (fixture->server, sqlite3_column_int64 (screens, 0), first_day, now_s,
                                              FALSE, points, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < points->len; i++)
        {
          gint64 t = g_array_index (points, VzMetricsPoint, i).time;
          gint64 window = t - t % BUCKET_S;

          if (window != last)
            up[(window - first_day) / DAY_S]++;
          last = window;
        }
    }
}

/* The counts' sums equal the windows read back, day by day; returns the
 * week's total. */
static gint64
assert_counts_match (Fixture *fixture,
                     gint64   now_s)
{
  g_autoptr(GError) error = NULL;
  gint64 up[N_DAYS], expected[N_DAYS], read[N_DAYS];
  gint64 total = 0;

  g_assert_true (_vz_server_availability (fixture->server, fixture->organization_id, now_s, N_DAYS, up, expected,
                                          &error));
  g_assert_no_error (error);
  read_and_count (fixture, now_s, read);
  for (guint d = 0; d < N_DAYS; d++)
    {
      g_test_message ("day %u: %" G_GINT64_FORMAT " windows counted, %" G_GINT64_FORMAT " read, of %" G_GINT64_FORMAT,
                      d, up[d], read[d], expected[d]);
      g_assert_cmpint (up[d], ==, read[d]);
      g_assert_cmpint (up[d], <=, expected[d]);
      total += up[d];
    }
  return total;
}

/* Screen 0 beats every 15 s but for a gap of 100 minutes; screen 1 every
 * 97 s (windows with one and with several beats) and not at all on the
 * second day; screen 2 every 15 s for the last 5 hours only; screen 3 every
 * 40 s. */
static gboolean
beats (guint  screen,
       gint64 t,
       gint64 start,
       gint64 end)
{
  gint64 since = t - start;

  switch (screen)
    {
    case 0: return since % 15 == 0 && (since < 20 * 3600 || since >= 20 * 3600 + 6000);
    case 1: return since % 97 == 0 && (since < DAY_S || since >= 2 * DAY_S);
    case 2: return since % 15 == 0 && t >= end - 5 * 3600;
    case 3: return since % 40 == 0;
    default: g_assert_not_reached ();
    }
}

static void
test_counts (void)
{
  g_autoptr(GError) error = NULL;
  Fixture fixture = { NULL, };
  /* 3 days and a bit, starting and ending within an hour, 17:21:10 on the end day. */
  gint64 end = 20462 * DAY_S + 17 * 3600 + 21 * 60 + 10;
  gint64 start = end - 3 * DAY_S - 4321;
  gint64 restart = start + 50 * 3600 + 17 * 60;
  gint64 before_removal, migrated, removed;
  gint64 slices = 0;
  gint64 longest_slice_us = 0;

  fixture.dir = g_dir_make_tmp ("vz-availability-XXXXXX", &error);
  g_assert_no_error (error);
  fixture.path = g_build_filename (fixture.dir, "vizora.db", NULL);
  fixture.server = vz_server_new (fixture.dir);
  fixture.server->devices = g_hash_table_new (g_str_hash, g_str_equal);
  fixture.organization_id = g_strdup ("org-counts");
  open_db (&fixture);
  exec (&fixture, "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ('org-counts', 'Counts', 0, 0)");
  for (guint i = 0; i < SCREENS; i++)
    {
      g_autofree char *sql = NULL;

      fixture.states[i].id = g_strdup_printf ("screen-%u", i);
      fixture.states[i].organization_id = fixture.organization_id;
      sql = g_strdup_printf ("INSERT INTO displays (id, organization_id, device_identifier, created_at, updated_at)"
                             " VALUES ('%s', '%s', '%s', 0, 0)",
                             fixture.states[i].id, fixture.organization_id, fixture.states[i].id);
      exec (&fixture, sql);
      g_hash_table_insert (fixture.server->devices, fixture.states[i].id, &fixture.states[i]);
    }

  for (gint64 t = start; t <= end; t++)
    {
      for (guint i = 0; i < SCREENS; i++)
        if (beats (i, t, start, end))
          {
            VzDeviceState *state = &fixture.states[i];

            state->cpu_usage = 10 + i;
            state->memory_usage = (t / 15) % 7 == 0 ? NAN : 40;
            state->disk_usage = 50;
            state->temperature = NAN;
            _vz_server_metrics_record (fixture.server, state, t * 1000);
          }
      /* The write-behind each second and the maintenance each minute, as a
       * running server does them (here every 10 minutes). */
      if ((t - start) % 600 == 0)
        {
          _vz_server_metrics_flush_all (fixture.server);
          _vz_server_metrics_maintenance (fixture.server, t * 1000);
        }
      if (t == restart)
        forget_histories (&fixture);
    }

  /* Raw hours, days of buckets and the hour under way are all there. */
  {
    g_autoptr(VzStmt) kinds = vz_db_prepare (fixture.server->db,
                                             "SELECT (SELECT COUNT(*) FROM metric_chunks WHERE resolution = 0),"
                                             " (SELECT COUNT(*) FROM metric_chunks WHERE resolution = 1),"
                                             " (SELECT COUNT(*) FROM metric_pending)",
                                             &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (kinds), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (kinds, 0), >, 0);
    g_assert_cmpint (sqlite3_column_int64 (kinds, 1), >, 0);
    g_assert_cmpint (sqlite3_column_int64 (kinds, 2), ==, SCREENS);
  }
  before_removal = assert_counts_match (&fixture, end);
  g_assert_cmpint (before_removal, >, 0);

  /* A removed screen's chunks and counts go with it. */
  exec (&fixture, "DELETE FROM displays WHERE id = 'screen-3'");
  g_hash_table_remove (fixture.server->devices, "screen-3");
  g_clear_pointer (&fixture.states[3].history, _vz_server_metrics_free);
  removed = assert_counts_match (&fixture, end);
  g_assert_cmpint (removed, <, before_removal);

  /* The database as the schema before counts left it, then migrated: the
   * chunks are uncounted until counted, a slice at a time. */
  forget_histories (&fixture);
  exec (&fixture, "DROP INDEX metric_chunks_up; DROP INDEX metric_chunks_uncounted; DROP INDEX metric_pending_uncounted;"
                  "ALTER TABLE metric_chunks DROP COLUMN up; ALTER TABLE metric_pending DROP COLUMN up;"
                  "PRAGMA user_version = 7");
  close_db (&fixture);
  open_db (&fixture);
  {
    gint64 up[N_DAYS], expected[N_DAYS];

    g_assert_true (_vz_server_availability (fixture.server, fixture.organization_id, end, N_DAYS, up, expected,
                                            &error));
    for (guint d = 0; d < N_DAYS; d++)
      g_assert_cmpint (up[d], ==, 0);
  }
  for (;;)
    {
      gint64 t0 = g_get_monotonic_time ();
      gboolean more = _vz_server_metrics_count_slice (fixture.server, &error);

      g_assert_no_error (error);
      longest_slice_us = MAX (longest_slice_us, g_get_monotonic_time () - t0);
      slices++;
      if (!more)
        break;
    }
  g_test_message ("counted in %" G_GINT64_FORMAT " slices, the longest %" G_GINT64_FORMAT " us",
                  slices, longest_slice_us);
  migrated = assert_counts_match (&fixture, end);
  g_assert_cmpint (migrated, ==, removed);

  /* Recording goes on after the migration, into the same hour. */
  for (gint64 t = end + 1; t <= end + 900; t++)
    for (guint i = 0; i < 3; i++)
      if (beats (i, t, start, end + 900))
        _vz_server_metrics_record (fixture.server, &fixture.states[i], t * 1000);
  g_assert_cmpint (assert_counts_match (&fixture, end + 900), >, migrated);

  forget_histories (&fixture);
  close_db (&fixture);
  g_clear_pointer (&fixture.server->devices, g_hash_table_unref);
  g_clear_object (&fixture.server);
  for (guint i = 0; i < SCREENS; i++)
    g_free (fixture.states[i].id);
  g_free (fixture.organization_id);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (fixture.path, suffixes[i], NULL);

        g_unlink (file);
      }
  }
  g_rmdir (fixture.dir);
  g_free (fixture.path);
  g_free (fixture.dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/availability-counts/match-reading", test_counts);
  return g_test_run ();
}
