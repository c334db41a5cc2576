/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-realtime-client"

#include <stdlib.h>

#include "vz-realtime-client.h"

/*
 * Ours: VzRealtimeClient counting `device:status` events through the
 * detailed "event" signal, as the sync engine listens; exits at COUNT.
 *   bench-realtime-client URL [COUNT]
 */

typedef struct {
  guint      count;
  guint      target;
  GMainLoop *loop;
} Counter;

static void
on_status (VzRealtimeClient *client,
           const char       *name,
           JsonNode         *payload,
           gint64            ack_id,
           Counter          *counter)
{
  if (++counter->count == counter->target)
    g_main_loop_quit (counter->loop);
}

static void
on_auth_failed (VzRealtimeClient *client,
                const char       *message,
                Counter          *counter)
{
  g_printerr ("%s\n", message);
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VzRealtimeClient) client = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Counter counter = { 0, 200000, loop };

  if (argc < 2)
    {
      g_printerr ("usage: %s URL [COUNT]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    counter.target = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  client = vz_realtime_client_new (argv[1]);
  vz_realtime_client_set_token (client, "bench-token");
  g_signal_connect (client, "event::device:status", G_CALLBACK (on_status), &counter);
  g_signal_connect (client, "auth-failed", G_CALLBACK (on_auth_failed), &counter);
  vz_realtime_client_start (client);
  g_main_loop_run (loop);
  vz_realtime_client_stop (client);
  return counter.count == counter.target ? 0 : 1;
}
