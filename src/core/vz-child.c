/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-child"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "vz-child-private.h"

/* After SIGTERM, a child gets this long to close its database cleanly. */
#define STOP_GRACE_MS 3000

void
_vz_child_setup (gpointer user_data)
{
  /* Runs in the child between fork and exec. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
stop_grace_timeout (gpointer user_data)
{
  GSubprocess *process = user_data;

  if (g_subprocess_get_identifier (process) != NULL)
    g_subprocess_force_exit (process);
  return G_SOURCE_REMOVE;
}

static void
on_child_exited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GSource *grace = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  /* Safe whether or not the grace period already ran out. */
  g_source_destroy (grace);
  g_source_unref (grace);
}

void
_vz_child_terminate (GSubprocess **process)
{
  if (*process == NULL)
    return;

  if (g_subprocess_get_identifier (*process) != NULL)
    {
      GSource *grace = g_timeout_source_new (STOP_GRACE_MS);

      g_subprocess_send_signal (*process, SIGTERM);
      /* Not waited for here: dispose must not block the main loop. The
       * grace timeout keeps its own reference and forces the exit if needed. */
      g_source_set_callback (grace, stop_grace_timeout, g_object_ref (*process), g_object_unref);
      g_source_attach (grace, NULL);
      g_subprocess_wait_async (*process, NULL, on_child_exited, grace);
    }
  g_clear_object (process);
}
