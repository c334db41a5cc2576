/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-schedule"

/*
 * The fleet server's schedule tick (docs/bench-schedule.md): a real VzServer
 * with N screens in 8 time zones, groups of 50 and M schedules in its SQLite
 * file; the CPU of reading them all into its evaluator (as at start), then of
 * each minute's tick with what the server does for the screens that change
 * (their playlist:update payload, schedule:executed), over an hour of minutes
 * moved on with the server's clock file; and of reading everything again.
 * Usage: bench-server-schedule [--screens N] [--schedules M] [--ticks T]
 */

#include <stdio.h>
#include <glib/gstdio.h>

#include "bench-schedule-util.h"
#include "vz-server-private.h"
#include "vz-test-server.h"

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_reset (stmt);
}

/* The same shape of fleet as bench-schedule-tick: half the schedules on groups. */
static void
fill (VzServer *server,
      int       n_screens,
      int       n_schedules)
{
  sqlite3 *db = vz_db_get_handle (server->db);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);
  const char *org = server->organization_id;
  int n_groups = MAX (n_screens / 50, 1);
  sqlite3_stmt *display, *group, *member, *playlist, *schedule;

  exec_or_die (db, "BEGIN");
  display = prepare_or_die (db, "INSERT INTO displays (id, organization_id, device_identifier, nickname, timezone,"
                                " current_playlist_id, created_at, updated_at) VALUES (?1, ?2, ?1, ?1, ?3, 'playlist-0', 0, 0)");
  group = prepare_or_die (db, "INSERT INTO display_groups (id, organization_id, name, created_at, updated_at)"
                              " VALUES (?1, ?2, ?1, 0, 0)");
  member = prepare_or_die (db, "INSERT INTO display_group_members (group_id, display_id, created_at) VALUES (?1, ?2, 0)");
  playlist = prepare_or_die (db, "INSERT INTO playlists (id, organization_id, name, created_at, updated_at)"
                                 " VALUES (?1, ?2, ?1, 0, 0)");
  schedule = prepare_or_die (db, "INSERT INTO schedules (id, organization_id, name, start_date, end_date, start_time,"
                                 " end_time, days_of_week, priority, is_active, playlist_id, display_id,"
                                 " display_group_id, created_at, updated_at)"
                                 " VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)");
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("playlist-%d", i);

      sqlite3_bind_text (playlist, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (playlist, 2, org, -1, SQLITE_TRANSIENT);
      step_or_die (db, playlist);
    }
  for (int i = 0; i < n_groups; i++)
    {
      g_autofree char *id = g_strdup_printf ("group-%d", i);

      sqlite3_bind_text (group, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (group, 2, org, -1, SQLITE_TRANSIENT);
      step_or_die (db, group);
    }
  for (int i = 0; i < n_screens; i++)
    {
      g_autofree char *id = g_strdup_printf ("screen-%d", i);
      g_autofree char *group_id = g_strdup_printf ("group-%d", (i / 50) % n_groups);

      sqlite3_bind_text (display, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (display, 2, org, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (display, 3, bench_zones[i % G_N_ELEMENTS (bench_zones)], -1, SQLITE_STATIC);
      step_or_die (db, display);
      sqlite3_bind_text (member, 1, group_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (member, 2, id, -1, SQLITE_TRANSIENT);
      step_or_die (db, member);
    }
  for (int i = 0; i < n_schedules; i++)
    {
      g_autofree char *id = g_strdup_printf ("schedule-%d", i);
      g_autofree char *playlist_id = g_strdup_printf ("playlist-%d", g_rand_int_range (rand, 0, 200));
      g_autofree char *target = NULL;
      int kind = g_rand_int_range (rand, 0, 100);
      gboolean on_group = g_rand_int_range (rand, 0, 100) < 50;
      int start_time = 15 * g_rand_int_range (rand, 0, 96);

      target = on_group ? g_strdup_printf ("group-%d", g_rand_int_range (rand, 0, n_groups))
                        : g_strdup_printf ("screen-%d", g_rand_int_range (rand, 0, n_screens));
      sqlite3_bind_text (schedule, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (schedule, 2, org, -1, SQLITE_TRANSIENT);
      if (kind % 5 == 1)
        {
          int start_day = 20400 + g_rand_int_range (rand, 0, 300);

          sqlite3_bind_int (schedule, 3, start_day);
          sqlite3_bind_int (schedule, 4, start_day + g_rand_int_range (rand, 0, 120));
        }
      else
        {
          sqlite3_bind_int (schedule, 3, 20000);
          sqlite3_bind_null (schedule, 4);
        }
      if (kind % 10 != 0)
        {
          sqlite3_bind_int (schedule, 5, start_time);
          sqlite3_bind_int (schedule, 6, (start_time + 30 * g_rand_int_range (rand, 1, 21)) % 1440);
        }
      else
        {
          sqlite3_bind_null (schedule, 5);
          sqlite3_bind_null (schedule, 6);
        }
      sqlite3_bind_int (schedule, 7, kind < 50 ? 0x3e : g_rand_int_range (rand, 1, 128));
      sqlite3_bind_int (schedule, 8, g_rand_int_range (rand, 0, 10));
      sqlite3_bind_int (schedule, 9, kind % 20 != 7);
      sqlite3_bind_text (schedule, 10, playlist_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (schedule, 11, on_group ? NULL : target, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (schedule, 12, on_group ? target : NULL, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (schedule, 13, i);
      step_or_die (db, schedule);
    }
  sqlite3_finalize (display);
  sqlite3_finalize (group);
  sqlite3_finalize (member);
  sqlite3_finalize (playlist);
  sqlite3_finalize (schedule);
  exec_or_die (db, "COMMIT");
}

int
main (int   argc,
      char *argv[])
{
  int n_screens = 10000, n_schedules = 5000, n_ticks = 60;
  GOptionEntry entries[] = {
    { "screens", 0, 0, G_OPTION_ARG_INT, &n_screens, "Screens", "N" },
    { "schedules", 0, 0, G_OPTION_ARG_INT, &n_schedules, "Schedules", "M" },
    { "ticks", 0, 0, G_OPTION_ARG_INT, &n_ticks, "Minute ticks to time", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the server's schedule tick");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-bench-schedule-XXXXXX", &error);
  g_autofree char *clock = NULL;
  g_autoptr(VzServer) server = NULL;
  g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t0, load_cost, reload_cost, real_now, ahead;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_assert_no_error (error);
  clock = g_build_filename (dir, "clock", NULL);
  g_assert_true (g_file_set_contents (clock, "0", -1, NULL));
  server = g_object_new (VZ_TYPE_SERVER, "data-dir", dir, "listen-port", 0, "admin-password", "benchmark password",
                         "clock-file", clock, NULL);
  if (!vz_server_start (server, &error))
    g_error ("%s", error->message);
  fill (server, n_screens, n_schedules);

  /* As at start: every screen, group and schedule read, every screen decided
   * (most of them change from nothing to their playlist). */
  t0 = bench_cpu_usec ();
  _vz_server_scheduler_reload (server);
  load_cost = bench_cpu_usec () - t0;

  /* Monday 2026-03-30 06:30 UTC and the hour after it, a minute at a time:
   * each tick as the server makes it (a schedule change with nothing to read
   * decides every screen at the clock's now). */
  real_now = g_get_real_time () / 1000;
  /* The minute before, untimed: the clock jumped there from today. */
  for (int i = -1; i < n_ticks; i++)
    {
      g_autofree char *text = NULL;
      gint64 before, cost;

      ahead = (gint64) 1774852200000 + (gint64) i * 60000 - real_now;
      text = g_strdup_printf ("%" G_GINT64_FORMAT, ahead);
      g_assert_true (g_file_set_contents (clock, text, -1, NULL));
      before = bench_cpu_usec ();
      _vz_server_scheduler_schedule_changed (server, "no-such-schedule");
      cost = bench_cpu_usec () - before;
      if (i >= 0)
        g_array_append_val (costs, cost);
    }
  g_array_sort (costs, bench_compare_gint64);

  /* Everything read again, as after a group or a playlist is deleted: the
   * screens keep what they play, so only the reading costs. */
  t0 = bench_cpu_usec ();
  _vz_server_scheduler_reload (server);
  reload_cost = bench_cpu_usec () - t0;

  printf ("server: %d screens in %zu zones, %d schedules (half on %d groups of 50)\n",
          n_screens, G_N_ELEMENTS (bench_zones), n_schedules, MAX (n_screens / 50, 1));
  printf ("read and decide everything (as at start): %.1f ms of CPU\n", load_cost / 1000.0);
  printf ("minute tick over %d minutes: median %.2f ms, max %.2f ms of CPU\n", n_ticks,
          g_array_index (costs, gint64, costs->len / 2) / 1000.0,
          g_array_index (costs, gint64, costs->len - 1) / 1000.0);
  printf ("read everything again, nothing changed: %.1f ms of CPU\n", reload_cost / 1000.0);

  vz_server_stop (server);
  g_clear_object (&server);
  vz_test_remove_tree (dir);
  return 0;
}
