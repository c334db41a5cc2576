/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-vizoractl-health"

#include <sqlite3.h>
#include <string.h>

#include "vz-test-run.h"
#include "vz-test-server.h"

/*
 * vizoractl alerts and proof-of-play, the real binary against the real
 * vizora-server: the alert list, `alerts --watch` printing an alert that a
 * simulated screen's fault raises (vizora-sim --fault overheat), and proof of
 * play as a table, JSON and CSV, with what the commands refuse. Listed
 * notifications and impressions are written into the server's database as
 * the server would have.
 */
static VzTestServer *server;
static char *token;
static char *display_id;

static void
db_exec (const char *sql)
{
  g_autofree char *path = g_build_filename (server->data_dir, "vizora.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static GSubprocessLauncher *
cli_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", token, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

/* vizoractl --server URL ARGS… (NULL-terminated), signed in. */
#define run_cli(run, ...) vz_test_run_vizoractl ((run), server->url, token, __VA_ARGS__)

static void
test_alerts_list (void)
{
  g_auto(VzTestRun) table = { 0, };
  g_auto(VzTestRun) json = { 0, };
  g_auto(VzTestRun) extra = { 0, };
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  db_exec ("INSERT INTO notifications (id, organization_id, type, title, message, severity, device_id, device_name,"
           " metric, value, threshold, resolved_at, created_at, updated_at)"
           " SELECT 'n-old', id, 'device_health', 'High CPU usage', 'busy', 'warning', 'd1', 'Lobby', 'cpuUsage',"
           " 95, 90, 2000, 1000, 2000 FROM organizations;"
           "INSERT INTO notifications (id, organization_id, type, title, message, severity, device_id, device_name,"
           " metric, value, threshold, created_at, updated_at)"
           " SELECT 'n-new', id, 'device_offline', 'Screen offline', 'silent', 'critical', 'd2', 'Gate', 'offline',"
           " 130, 120, 3000, 3000 FROM organizations;");

  run_cli (&table, "alerts", NULL);
  g_assert_cmpint (table.status, ==, 0);
  lines = g_strsplit (table.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "TIME"));
  g_assert_nonnull (strstr (lines[0], "SEVERITY"));
  /* Newest first; open and resolved said in words. */
  g_assert_nonnull (strstr (lines[1], "critical"));
  g_assert_nonnull (strstr (lines[1], "Gate"));
  g_assert_nonnull (strstr (lines[1], "open"));
  g_assert_nonnull (strstr (lines[2], "warning"));
  g_assert_nonnull (strstr (lines[2], "resolved"));

  run_cli (&json, "alerts", "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 2);

  /* --count is for --watch. */
  run_cli (&extra, "alerts", "--count", "1", NULL);
  g_assert_cmpint (extra.status, ==, 2);
  db_exec ("DELETE FROM notifications");
}

/* Reads @stream's lines into @lines until one contains @needle (fails after 60 s). */
static char *
read_until (GDataInputStream *stream,
            const char       *needle)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;
      char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("vizoractl ended before printing “%s”", needle);
      if (strstr (line, needle) != NULL)
        return line;
      g_free (line);
    }
  g_error ("vizoractl never printed “%s”", needle);
}

/* An overheating simulated screen: `alerts --watch --count 1` prints its alert once and ends. */
static void
test_alerts_watch (void)
{
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = g_build_filename (server->data_dir, "sim-state", NULL);
  g_autoptr(GSubprocessLauncher) sim_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *alert = NULL;
  g_autofree char *rest = NULL;

  cli = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VIZORACTL_BIN"), "--server", server->url,
                                     "alerts", "--watch", "--count", "1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli));
  g_free (read_until (out, "Watching for alerts"));

  g_subprocess_launcher_setenv (sim_launcher, "XDG_STATE_HOME", state, TRUE);
  sim = g_subprocess_launcher_spawn (sim_launcher, &error, vz_test_require_bin ("VIZORA_SIM_BIN"),
                                     "--server", server->url, "--email", VZ_TEST_EMAIL, "--password", VZ_TEST_PASSWORD,
                                     "--screens", "1", "--seed", "5", "--fault", "overheat", NULL);
  g_assert_no_error (error);

  alert = read_until (out, "critical");
  g_assert_nonnull (strstr (alert, "°C"));
  g_assert_nonnull (strstr (alert, "open"));
  /* The same alert's notification:new is not printed again; --count 1 ends it. */
  rest = g_data_input_stream_read_upto (out, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (cli, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_force_exit (sim);
  g_subprocess_wait (sim, NULL, NULL);
}

static void
test_proof_of_play (void)
{
  /* The plays are put at noon of yesterday (UTC), so that the day asked for holds both whatever the
   * hour the test runs at. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) day_before = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) noon = g_date_time_new_utc (g_date_time_get_year (day_before),
                                                   g_date_time_get_month (day_before),
                                                   g_date_time_get_day_of_month (day_before), 12, 0, 0);
  g_autofree char *day = g_date_time_format (noon, "%Y-%m-%d");
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO content (id, organization_id, name, type, url, created_at, updated_at)"
    " SELECT 'c-1', id, 'Poster, big', 'url', 'https://example.com/p', 0, 0 FROM organizations;"
    "INSERT INTO content_impressions (organization_id, display_id, content_id, playlist_id, duration, completion,"
    " played_at, received_at) SELECT id, '%s', 'c-1', NULL, 10, 100, %" G_GINT64_FORMAT ", 0 FROM organizations;"
    "INSERT INTO content_impressions (organization_id, display_id, content_id, playlist_id, duration, completion,"
    " played_at, received_at) SELECT id, '%s', 'c-1', NULL, 8, 80, %" G_GINT64_FORMAT ", 0 FROM organizations;",
    display_id, g_date_time_to_unix (noon) * 1000 - 60000, display_id, g_date_time_to_unix (noon) * 1000 - 120000);
  g_auto(VzTestRun) table = { 0, };
  g_auto(VzTestRun) csv = { 0, };
  g_auto(VzTestRun) json = { 0, };
  g_auto(GStrv) lines = NULL;

  db_exec (sql);

  run_cli (&table, "proof-of-play", "--from", day, "--to", day, NULL);
  g_assert_cmpint (table.status, ==, 0);
  lines = g_strsplit (table.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "TIME"));
  g_assert_nonnull (strstr (lines[1], "Poster, big"));
  g_assert_nonnull (strstr (lines[1], "Player"));
  g_assert_nonnull (strstr (lines[1], "100"));
  g_assert_nonnull (strstr (lines[2], "80"));
  g_assert_cmpstr (lines[3], ==, "2 plays.");
  g_clear_pointer (&lines, g_strfreev);

  run_cli (&csv, "proof-of-play", "--from", day, "--to", day, "--csv", NULL);
  g_assert_cmpint (csv.status, ==, 0);
  lines = g_strsplit (csv.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "timestamp,contentId,contentName"));
  g_assert_nonnull (strstr (lines[1], ",\"Poster, big\","));
  g_assert_true (g_str_has_suffix (lines[1], ",8,80"));
  g_assert_true (g_str_has_suffix (lines[2], ",10,100"));

  run_cli (&json, "proof-of-play", "--from", day, "--to", day, "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  g_assert_true (g_str_has_prefix (json.out, "[{"));

  /* Refused before asking the server. */
  {
    const char *bad[][6] = {
      { "proof-of-play", "--from", day, NULL },
      { "proof-of-play", "--from", "2026-02-30", "--to", day, NULL },
      { "proof-of-play", "--from", "yesterday", "--to", day, NULL },
      { "proof-of-play", "--from", "2026-06-02", "--to", "2026-06-01", NULL },
      { "proof-of-play", "--from", day, "--to", day, "--csv" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_auto(VzTestRun) run = { 0, };

        if (i == 4)
          run_cli (&run, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], bad[i][5], "--json", NULL);
        else
          run_cli (&run, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], bad[i][5], NULL);
        g_assert_cmpint (run.status, ==, 2);
        g_assert_nonnull (strstr (run.err, "proof-of-play"));
      }
  }

  /* Over the server's bound of 366 days: its sentence, and a failure. */
  {
    g_auto(VzTestRun) run = { 0, };

    run_cli (&run, "proof-of-play", "--from", "2020-01-01", "--to", day, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "366"));
  }
}

int
main (int argc, char *argv[])
{
  const char *args[] = { "--heartbeat-interval", "1", NULL };
  g_autofree char *device_token = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  server = vz_test_server_start (args);
  token = vz_test_server_login (server);
  display_id = vz_test_server_pair_screen (server, token, "Player", &device_token);

  g_test_add_func ("/vizoractl/alerts/list", test_alerts_list);
  g_test_add_func ("/vizoractl/alerts/watch", test_alerts_watch);
  g_test_add_func ("/vizoractl/proof-of-play", test_proof_of_play);
  status = g_test_run ();

  g_free (token);
  g_free (display_id);
  vz_test_server_free (server);
  return status;
}
