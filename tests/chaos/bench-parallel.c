/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-parallel"

/*
 * Benchmark (not a test): N requests at once against the real vizora-server
 * on loopback, each on its own connection, as after a restart when every
 * dashboard and screen comes back together. Reports p50, p99 and the slowest
 * answer per round, for /api/v1/health (no sign-in) and for a signed-in
 * GET /api/v1/displays (token lookup and a database read).
 *
 *   bench-parallel [--requests N] [--rounds N] [--health-only]
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chaos-net.h"
#include "vz-test-server.h"

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* User + system CPU seconds of @pid so far. */
static double
cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (paren = strrchr (stat, ')')) == NULL)
    return 0;
  /* After the name: state is field 3, utime 14 and stime 15 of the line. */
  fields = g_strsplit (paren + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static char *
format_ms (double ms)
{
  return ms == G_MAXDOUBLE ? g_strdup ("  (none)  ") : g_strdup_printf ("%7.1f ms", ms);
}

static void
round_once (VzTestServer *server,
            const char   *label,
            const char   *path,
            const char   *token,
            guint         n)
{
  g_autofree double *latencies = g_new0 (double, n);
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
  double cpu0 = cpu_seconds (pid);
  double self0 = cpu_seconds (getpid ());
  guint answered = chaos_parallel_get (server->port, path, token, n, 120000, latencies);
  double cpu = cpu_seconds (pid) - cpu0;
  double self_cpu = cpu_seconds (getpid ()) - self0;
  g_autofree char *p50 = NULL;
  g_autofree char *p99 = NULL;
  g_autofree char *slowest = NULL;

  /* Unanswered requests sort last (as +infinity): they count against p99. */
  for (guint i = 0; i < n; i++)
    if (latencies[i] < 0)
      latencies[i] = G_MAXDOUBLE;
  qsort (latencies, n, sizeof (double), compare_double);
  p50 = format_ms (latencies[n / 2]);
  p99 = format_ms (latencies[(n * 99) / 100 - 1]);
  slowest = format_ms (latencies[n - 1]);
  g_print ("%-28s %u/%u answered  p50 %s  p99 %s  max %s  CPU server %.2f s, client %.2f s\n",
           label, answered, n, p50, p99, slowest, cpu, self_cpu);
}

int
main (int   argc,
      char *argv[])
{
  int requests = 1000;
  int rounds = 5;
  gboolean health_only = FALSE;
  const GOptionEntry entries[] = {
    { "health-only", 0, 0, G_OPTION_ARG_NONE, &health_only, "Only /api/v1/health (no sign-in needed)", NULL },
    { "requests", 0, 0, G_OPTION_ARG_INT, &requests, "Requests at once (default 1000)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds of each kind (default 5)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || requests < 100 || rounds < 1)
    {
      g_printerr ("bench-parallel: %s\n", error != NULL ? error->message : "--requests must be at least 100");
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);
  chaos_raise_fd_limit ();

  server = vz_test_server_start (NULL);
  if (!health_only)
    token = vz_test_server_login (server);
  for (int r = 0; r < rounds; r++)
    {
      round_once (server, "GET /api/v1/health", "/api/v1/health", NULL, (guint) requests);
      if (!health_only)
        round_once (server, "GET /api/v1/displays (auth)", "/api/v1/displays", token, (guint) requests);
    }
  return 0;
}
