/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-test-process"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vz-test-process.h"

void
vz_test_child_setup (gpointer user_data)
{
  /* Runs in the child between fork and exec. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
vz_test_spawn (GSubprocessFlags    flags,
               const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, vz_test_child_setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("%s could not be started: %s", argv[0], error->message);
  return process;
}

typedef struct {
  GDataInputStream *in;
  VzTestLineFunc    func;
  gpointer          data;
} Lines;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Lines *lines = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (lines->in, result, NULL, NULL);

  lines->func (line, lines->data);
  if (line != NULL)
    g_data_input_stream_read_line_async (lines->in, G_PRIORITY_DEFAULT, NULL, on_line, lines);
  else
    {
      g_object_unref (lines->in);
      g_free (lines);
    }
}

void
vz_test_read_lines (GInputStream   *in,
                    VzTestLineFunc  func,
                    gpointer        data)
{
  Lines *lines = g_new (Lines, 1);

  *lines = (Lines) { g_data_input_stream_new (in), func, data };
  g_data_input_stream_read_line_async (lines->in, G_PRIORITY_DEFAULT, NULL, on_line, lines);
}

GPid
vz_test_child_pid (const char  *program,
                   char       **cmdline_out)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *me = g_strdup_printf ("%d", (int) getpid ());
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmdline_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *cmdline = NULL;
      g_auto(GStrv) fields = NULL;
      char *comm_end;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "PID (COMM) STATE PPID …": the name may hold spaces, so split after it. */
      comm_end = strrchr (stat, ')');
      if (comm_end == NULL)
        continue;
      fields = g_strsplit (comm_end + 2, " ", 3);
      /* A zombie has exited already: its parent has not reaped it yet. */
      if (g_strv_length (fields) < 2 || !g_str_equal (fields[1], me) || g_str_equal (fields[0], "Z") ||
          !g_file_get_contents (cmdline_path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, program) != NULL)
        {
          if (cmdline_out != NULL)
            *cmdline_out = g_steal_pointer (&cmdline);
          return (GPid) g_ascii_strtoll (name, NULL, 10);
        }
    }
  return 0;
}

double
vz_test_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

GSocketListener *
vz_test_take_port (guint16 port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();

  for (guint i = 0; i < 400; i++)
    {
      if (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                         NULL, NULL, NULL))
        return g_steal_pointer (&listener);
      g_usleep (5000);
    }
  g_error ("Port %u did not come free", port);
}
