/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sim-faults"

#include <string.h>

#include "node-peer.h"
#include "server-test-util.h"

/*
 * The simulator misbehaving on request, end to end: vizora-sim's --fault and
 * its standard-input commands make the real server's health rules fire, and
 * an official socket.io-client dashboard hears `health:alert` and
 * `notification:new` for them; `fault clear` resolves them. The server asks
 * for a heartbeat every second and calls a screen offline after 5 s of
 * silence, so that every rule shows within seconds.
 */

typedef struct {
  VzTestServer  *server;
  char          *token;
  NodePeer      *dashboard;
  GSubprocess   *sim;
  GOutputStream *sim_in;
} Fixture;

static void
fixture_start (Fixture            *f,
               const char * const *sim_args)
{
  const char *server_args[] = { "--heartbeat-interval", "1", "--offline-timeout", "5", NULL };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  vz_test_require_node ();
  f->server = vz_test_server_start (server_args);
  f->token = vz_test_server_login (f->server);
  f->dashboard = node_peer_spawn (f->server->url, "plain", f->token, "websocket");
  json_object_unref (node_peer_expect (f->dashboard, "connect", NULL, 10000));

  g_ptr_array_add (argv, (char *) vz_test_require_bin ("VIZORA_SIM_BIN"));
  g_ptr_array_add (argv, "--server");
  g_ptr_array_add (argv, f->server->url);
  g_ptr_array_add (argv, "--email");
  g_ptr_array_add (argv, VZ_TEST_EMAIL);
  g_ptr_array_add (argv, "--password");
  g_ptr_array_add (argv, VZ_TEST_PASSWORD);
  for (guint i = 0; sim_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) sim_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  /* The simulator keeps its screens' tokens under the user state dir: keep the test's apart. */
  state = g_build_filename (f->server->data_dir, "sim-state", NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
  f->sim = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  f->sim_in = g_subprocess_get_stdin_pipe (f->sim);
}

static void
fixture_clear (Fixture *f)
{
  if (f->sim != NULL)
    {
      g_subprocess_force_exit (f->sim);
      g_subprocess_wait (f->sim, NULL, NULL);
    }
  g_clear_object (&f->sim);
  g_clear_pointer (&f->dashboard, node_peer_free);
  g_clear_pointer (&f->server, vz_test_server_free);
  g_free (f->token);
}

static void
sim_command (Fixture    *f,
             const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  g_output_stream_write_all (f->sim_in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (f->sim_in, NULL, &error);
  g_assert_no_error (error);
}

static JsonObject *
event_payload (JsonObject *line)
{
  return json_array_get_object_element (json_object_get_array_member (line, "args"), 0);
}

/* Waits for @n new alerts of @metric (each a `health:alert` followed by its
 * `notification:new`) about distinct screens; returns their ids. */
static GPtrArray *
expect_alerts (Fixture    *f,
               const char *metric,
               const char *severity,
               guint       n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) screens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (ids->len < n)
    {
      g_autoptr(JsonObject) line = node_peer_expect (f->dashboard, "event", "health:alert", 30000);
      JsonObject *alert = event_payload (line);
      JsonObject *metadata = json_object_get_object_member (alert, "metadata");

      g_assert_false (json_object_has_member (metadata, "resolvedAt"));
      g_assert_cmpstr (json_object_get_string_member (metadata, "metric"), ==, metric);
      g_assert_cmpstr (json_object_get_string_member (alert, "severity"), ==, severity);
      g_assert_true (g_hash_table_add (screens, g_strdup (json_object_get_string_member (metadata, "deviceId"))));
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (alert, "id")));
      {
        g_autoptr(JsonObject) fresh = node_peer_expect (f->dashboard, "event", "notification:new", 10000);

        g_assert_cmpstr (json_object_get_string_member (event_payload (fresh), "id"), ==,
                         json_object_get_string_member (alert, "id"));
      }
    }
  return ids;
}

/* Waits until every alert of @ids was announced resolved. */
static void
expect_resolved (Fixture   *f,
                 GPtrArray *ids)
{
  g_autoptr(GHashTable) waiting = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (waiting, g_ptr_array_index (ids, i));
  while (g_hash_table_size (waiting) > 0)
    {
      g_autoptr(JsonObject) line = node_peer_expect (f->dashboard, "event", "health:alert", 30000);
      JsonObject *alert = event_payload (line);

      if (json_object_has_member (json_object_get_object_member (alert, "metadata"), "resolvedAt"))
        g_hash_table_remove (waiting, json_object_get_string_member (alert, "id"));
    }
}

/* --fault at the start, then the commands at run time. */
static void
test_faults (void)
{
  const char *args[] = { "--screens", "3", "--seed", "11", "--fault", "overheat", NULL };
  Fixture f = { 0, };
  g_autoptr(GPtrArray) hot = NULL;
  g_autoptr(GPtrArray) cpu = NULL;
  g_autoptr(GPtrArray) full = NULL;
  g_autoptr(GPtrArray) memory = NULL;
  g_autoptr(GPtrArray) dropped = NULL;

  fixture_start (&f, args);

  /* One screen overheats: critical, once. */
  hot = expect_alerts (&f, "temperature", "critical", 1);

  /* Two screens spike (a warning after three heartbeats over), one fills its disk. */
  sim_command (&f, "fault cpu-spike 2");
  cpu = expect_alerts (&f, "cpuUsage", "warning", 2);
  sim_command (&f, "fault disk-full");
  full = expect_alerts (&f, "diskUsage", "critical", 1);
  sim_command (&f, "fault memory-leak:3");
  memory = expect_alerts (&f, "memoryUsage", "warning", 3);

  /* All clear: every alert resolves. */
  sim_command (&f, "fault clear");
  g_ptr_array_extend_and_steal (hot, g_steal_pointer (&cpu));
  g_ptr_array_extend_and_steal (hot, g_steal_pointer (&full));
  g_ptr_array_extend_and_steal (hot, g_steal_pointer (&memory));
  g_assert_cmpuint (hot->len, ==, 7);
  expect_resolved (&f, hot);

  /* A screen drops: offline after 5 s of silence; back when cleared, with a
   * device_online notification. */
  sim_command (&f, "fault drop");
  dropped = expect_alerts (&f, "offline", "critical", 1);
  sim_command (&f, "fault clear");
  expect_resolved (&f, dropped);
  {
    g_autoptr(JsonObject) line = node_peer_expect (f.dashboard, "event", "notification:new", 30000);

    g_assert_cmpstr (json_object_get_string_member (event_payload (line), "type"), ==, "device_online");
  }

  /* A command it does not know changes nothing. */
  sim_command (&f, "fault meltdown");
  test_iterate_for (2000);
  g_assert_null (node_peer_wait (f.dashboard, "event", "health:alert", 0));

  /* The REST feed holds the eight alerts and the return. */
  {
    g_autoptr(TestResponse) list = test_http (f.server, "GET", "/notifications?limit=100", f.token, NULL, NULL, 0);

    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (test_expect_object (list, 200), "meta"),
                                                 "total"), ==, 9);
  }

  fixture_clear (&f);
}

/* Bad --fault values are refused before anything starts. */
static void
test_bad_fault_option (void)
{
  const char *bad[] = { "meltdown", "drop:0", "drop:x", "overheat:", "cpu-spike:100001" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                                     &error, vz_test_require_bin ("VIZORA_SIM_BIN"),
                                                     "--email", "a@b.c", "--password", "x", "--fault", bad[i], NULL);
      g_autofree char *err = NULL;

      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (sim, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (sim), ==, 2);
      g_assert_nonnull (strstr (err, "--fault"));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim-faults/faults", test_faults);
  g_test_add_func ("/sim-faults/bad-fault-option", test_bad_fault_option);

  return g_test_run ();
}
