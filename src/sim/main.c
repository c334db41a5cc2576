/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "vz-password-input.h"
#include "vz-sim-fleet.h"

typedef struct {
  GMainLoop  *loop;
  VzSimFleet *fleet;
  int         status;
} Sim;

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
  fleet = vz_sim_fleet_new (server != NULL ? server : "http://127.0.0.1:3000", email, password,
                            (guint) screens, (guint) unpaired, churn, (guint32) seed);
  sim.loop = loop;
  sim.fleet = fleet;

  g_unix_signal_add (SIGTERM, signal_cb, &sim);
  g_unix_signal_add (SIGINT, signal_cb, &sim);
  vz_sim_fleet_start_async (fleet, NULL, started_cb, &sim);
  g_main_loop_run (loop);

  vz_sim_fleet_stop (fleet);
  explicit_bzero (password, strlen (password));
  return sim.status;
}
