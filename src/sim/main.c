/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "vz-password-input.h"
#include "vz-sim-fleet.h"

typedef struct {
  GMainLoop        *loop;
  VzSimFleet       *fleet;
  int               status;
  GDataInputStream *commands;  /* standard input, one command a line */
  GCancellable     *reading;
  gboolean          read_pending;
} Sim;

#define FAULT_USAGE "fault overheat|disk-full|cpu-spike|memory-leak|drop [COUNT], or fault clear"

static void read_command (Sim *sim);

/* "fault NAME[:COUNT] [COUNT]" or "fault clear", from standard input. */
static void
run_command (Sim        *sim,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit_set (line, " \t", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  VzSimFault fault;
  guint count;
  guint64 n;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_ptr_array_add (args, words[i]);
  if (args->len == 0)
    return;
  if (g_str_equal (g_ptr_array_index (args, 0), "fault") && args->len == 2 &&
      g_str_equal (g_ptr_array_index (args, 1), "clear"))
    {
      vz_sim_fleet_set_fault (sim->fleet, VZ_SIM_FAULT_NONE, 0);
      g_print ("faults cleared\n");
      return;
    }
  if (g_str_equal (g_ptr_array_index (args, 0), "fault") && (args->len == 2 || args->len == 3) &&
      vz_sim_fault_parse (g_ptr_array_index (args, 1), &fault, &count) &&
      (args->len == 2 || g_ascii_string_to_unsigned (g_ptr_array_index (args, 2), 10, 1, 100000, &n, NULL)))
    {
      if (args->len == 3)
        count = (guint) n;
      vz_sim_fleet_set_fault (sim->fleet, fault, count);
      g_print ("fault %s on the first %u screen(s)\n", (const char *) g_ptr_array_index (args, 1), count);
      return;
    }
  g_print ("unknown command “%s”; try: " FAULT_USAGE "\n", line);
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Sim *sim = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  sim->read_pending = FALSE;
  /* End of input (or /dev/null): the screens go on without commands. */
  if (line == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Standard input: %s", error->message);
      return;
    }
  run_command (sim, line);
  read_command (sim);
}

static void
read_command (Sim *sim)
{
  if (g_cancellable_is_cancelled (sim->reading))
    return;
  sim->read_pending = TRUE;
  g_data_input_stream_read_line_async (sim->commands, G_PRIORITY_DEFAULT, sim->reading, command_cb, sim);
}

static gboolean
quit_cb (gpointer user_data)
{
  Sim *sim = user_data;

  g_main_loop_quit (sim->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  Sim *sim = user_data;

  g_print ("stopping %u online screen(s)\n", vz_sim_fleet_get_online (sim->fleet));
  fflush (stdout);
  vz_sim_fleet_stop (sim->fleet);
  /* Give the close frames a moment to leave, so that the server sees clean disconnects. */
  g_timeout_add (300, quit_cb, sim);
  return G_SOURCE_REMOVE;
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Sim *sim = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sim_fleet_start_finish (VZ_SIM_FLEET (source), result, &error))
    {
      g_printerr ("vizora-sim: %s\n", error->message);
      sim->status = 1;
      g_main_loop_quit (sim->loop);
      return;
    }
  g_print ("signed in; screens are pairing\n");
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *server = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;
  g_autofree char *password_file = NULL;
  int screens = 5;
  int unpaired = 0;
  double churn = 0;
  int seed = 1;
  g_auto(GStrv) faults = NULL;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "Vizora server URL (default http://127.0.0.1:3000)", "URL" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Admin e-mail used to pair the screens", "E" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password,
      "Admin password (visible to other users in the process list: prefer --password-file or VIZORA_PASSWORD)", "P" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "Read the admin password from the first line of FILE (- for standard input)", "FILE" },
    { "screens", 0, 0, G_OPTION_ARG_INT, &screens, "Screens paired automatically (default 5)", "N" },
    { "unpaired", 0, 0, G_OPTION_ARG_INT, &unpaired, "Screens that only show a pairing code for a person", "K" },
    { "churn", 0, 0, G_OPTION_ARG_DOUBLE, &churn, "Chance per screen per minute of dropping off for a while (0–1)", "RATE" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed for names, identifiers and metrics (default 1)", "S" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Make the first COUNT screens (default 1) misbehave: overheat, disk-full, cpu-spike, memory-leak or drop "
      "(silent until cleared); repeatable", "FAULT[:COUNT]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(VzSimFleet) fleet = NULL;
  Sim sim = { 0, };

  setlocale (LC_ALL, "");
  /* Lines are read live by people and tests. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  context = g_option_context_new ("— simulated signage screens for a Vizora server");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "While running, commands on standard input, one a line:\n"
                                    "  fault FAULT [COUNT]   as --fault, at once (a fault shows in a heartbeat sent then)\n"
                                    "  fault clear           every screen back to health; dropped screens come back\n");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vizora-sim: %s\n", error->message);
      return 2;
    }
  if (password == NULL)
    {
      password = vz_password_input_read (password_file, &error);
      if (error != NULL)
        {
          g_printerr ("vizora-sim: %s\n", error->message);
          return 2;
        }
    }
  if (email == NULL || password == NULL)
    {
      g_printerr ("vizora-sim: --email and a password (--password-file FILE, the environment variable "
                  "VIZORA_PASSWORD, or --password) are needed to pair the screens.\n");
      return 2;
    }
  if (screens < 0 || unpaired < 0 || screens + unpaired > 100000)
    {
      g_printerr ("vizora-sim: --screens and --unpaired take a number from 0 to 100000.\n");
      return 2;
    }
  if (churn < 0 || churn > 1)
    {
      g_printerr ("vizora-sim: --churn is a probability per minute, from 0 to 1.\n");
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      VzSimFault fault;
      guint count;

      if (!vz_sim_fault_parse (faults[i], &fault, &count))
        {
          g_printerr ("vizora-sim: --fault takes overheat, disk-full, cpu-spike, memory-leak or drop, "
                      "with :COUNT (1 to 100000) if more than one screen, not “%s”.\n", faults[i]);
          return 2;
        }
    }
  fleet = vz_sim_fleet_new (server != NULL ? server : "http://127.0.0.1:3000", email, password,
                            (guint) screens, (guint) unpaired, churn, (guint32) seed);
  sim.loop = loop;
  sim.fleet = fleet;
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      VzSimFault fault;
      guint count;

      vz_sim_fault_parse (faults[i], &fault, &count);
      vz_sim_fleet_set_fault (fleet, fault, count);
    }
  {
    g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);

    sim.commands = g_data_input_stream_new (in);
    sim.reading = g_cancellable_new ();
  }
  read_command (&sim);

  g_unix_signal_add (SIGTERM, signal_cb, &sim);
  g_unix_signal_add (SIGINT, signal_cb, &sim);
  vz_sim_fleet_start_async (fleet, NULL, started_cb, &sim);
  g_main_loop_run (loop);

  vz_sim_fleet_stop (fleet);
  /* Tokens that screens received just before the stop, still on their way to
   * the tokens file, get there. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* The pending read ends before its stream goes. */
  g_cancellable_cancel (sim.reading);
  while (sim.read_pending)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&sim.commands);
  g_clear_object (&sim.reading);
  explicit_bzero (password, strlen (password));
  return sim.status;
}
