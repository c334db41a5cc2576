/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-simulator"

#include <signal.h>
#include <string.h>

#include "vz-simulator.h"
#include "vz-test-server.h"
#include "vz-core-test-util.h"

/*
 * VzSimulator runs the real vizora-sim: against the real server, its
 * password in its environment and not on its command line, started again
 * when killed, stopped on request; against an address where nothing
 * listens, left stopped after five quick exits with the simulator's own
 * sentence.
 */

/* The contents of /proc/@pid/@what with NULs as spaces, or NULL. */
static char *
proc_text (GPid        pid,
           const char *what)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, what);
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return contents;
}

/* @pid has exited (gone, or a zombie its parent has not reaped). */
static gboolean
process_gone (GPid pid)
{
  g_autofree char *stat = proc_text (pid, "stat");
  const char *state = stat != NULL ? strrchr (stat, ')') : NULL;

  return state == NULL || state[2] == 'Z';
}

static void
spin_until (gboolean (*condition) (gpointer),
            gpointer   data,
            guint      timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (20000);
    }
  g_assert_true (condition (data));
}

static gboolean
has_new_pid (gpointer data)
{
  VzSimulator *sim = data;
  GPid old = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sim), "old-pid"));

  return vz_simulator_get_pid (sim) != 0 && vz_simulator_get_pid (sim) != old;
}

static gboolean
old_pid_gone (gpointer data)
{
  return process_gone (GPOINTER_TO_INT (data));
}

static void
test_supervised (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSimulator) sim = vz_simulator_new (vz_test_require_bin ("VIZORA_SIM_BIN"), server->url,
                                                 VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *environ_text = NULL;
  GPid pid;

  g_assert_cmpuint (vz_simulator_get_screens (sim), ==, 0);
  g_assert_cmpint (vz_simulator_get_pid (sim), ==, 0);
  g_assert_true (vz_simulator_start (sim, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vz_simulator_get_screens (sim), ==, 2);
  pid = vz_simulator_get_pid (sim);
  g_assert_cmpint (pid, !=, 0);

  /* Anyone may read a command line; only its own user the environment. */
  cmdline = proc_text (pid, "cmdline");
  g_assert_nonnull (cmdline);
  g_assert_nonnull (strstr (cmdline, "--screens 2"));
  g_assert_null (strstr (cmdline, VZ_TEST_PASSWORD));
  g_assert_null (strstr (cmdline, "--password"));
  environ_text = proc_text (pid, "environ");
  g_assert_nonnull (strstr (environ_text, "VIZORA_PASSWORD=" VZ_TEST_PASSWORD " "));

  /* Killed: started again, with the same screens. */
  g_object_set_data (G_OBJECT (sim), "old-pid", GINT_TO_POINTER (pid));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  spin_until (has_new_pid, sim, 10);
  g_assert_cmpuint (vz_simulator_get_restart_count (sim), ==, 1);
  g_assert_cmpuint (vz_simulator_get_screens (sim), ==, 2);
  g_assert_null (vz_simulator_get_error (sim));

  /* More screens: a new child in place of the old. */
  pid = vz_simulator_get_pid (sim);
  g_object_set_data (G_OBJECT (sim), "old-pid", GINT_TO_POINTER (pid));
  g_assert_true (vz_simulator_start (sim, 3, &error));
  g_assert_no_error (error);
  spin_until (old_pid_gone, GINT_TO_POINTER (pid), 10);
  g_clear_pointer (&cmdline, g_free);
  cmdline = proc_text (vz_simulator_get_pid (sim), "cmdline");
  g_assert_nonnull (strstr (cmdline, "--screens 3"));

  /* Stopped on request: gone, and not started again. */
  pid = vz_simulator_get_pid (sim);
  vz_simulator_stop (sim);
  g_assert_cmpuint (vz_simulator_get_screens (sim), ==, 0);
  g_assert_cmpint (vz_simulator_get_pid (sim), ==, 0);
  spin_until (old_pid_gone, GINT_TO_POINTER (pid), 10);
  g_assert_cmpuint (vz_simulator_get_restart_count (sim), ==, 1);
}

static gboolean
has_error (gpointer data)
{
  return vz_simulator_get_error (data) != NULL;
}

static void
test_gives_up (void)
{
  /* Nothing listens on the discard port: every start fails at sign-in. */
  g_autoptr(VzSimulator) sim = vz_simulator_new (vz_test_require_bin ("VIZORA_SIM_BIN"), "http://127.0.0.1:9",
                                                 VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_autoptr(GError) error = NULL;

  g_assert_true (vz_simulator_start (sim, 1, &error));
  g_assert_no_error (error);
  spin_until (has_error, sim, 60);
  g_assert_cmpuint (vz_simulator_get_restart_count (sim), ==, 4);
  g_assert_cmpuint (vz_simulator_get_screens (sim), ==, 0);
  g_assert_cmpint (vz_simulator_get_pid (sim), ==, 0);
  g_assert_true (g_str_has_prefix (vz_simulator_get_error (sim), "The simulated screens stopped: vizora-sim: "));
  g_assert_nonnull (strstr (vz_simulator_get_error (sim), "sign in"));

  /* A new start begins a new series. */
  g_assert_true (vz_simulator_start (sim, 1, &error));
  g_assert_null (vz_simulator_get_error (sim));
  vz_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/simulator/supervised", test_supervised);
  g_test_add_func ("/simulator/gives-up", test_gives_up);

  return g_test_run ();
}
