/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "outbox-enqueue"

#include <stdio.h>
#include <stdlib.h>

#include "vz-mutation.h"
#include "vz-outbox.h"

/*
 * outbox-enqueue JOURNAL N DISPLAY_ID...
 *
 * Queues N display changes through the outbox ({"location":"step-<i>"},
 * round robin over the screens), keeping up to 64 enqueues in flight so that
 * group commit has work to batch, and prints each change's id on its own line
 * the moment its enqueue completes (that is, once it is durable). The kill -9
 * test kills it in the middle; the replay benchmark times it. On the last
 * line it prints "done <seconds>" (time from the first enqueue to the last
 * completion).
 *
 * OUTBOX_ENQUEUE_PACE_MS=K issues 4 changes every K ms instead of as fast as
 * possible, so that a kill after the first few hundred reports reliably lands
 * in the middle of the run (still with several enqueues in flight).
 */

#define IN_FLIGHT 64

typedef struct {
  VzOutbox   *outbox;
  char      **displays;
  guint       n_displays;
  guint       total;
  guint       next;
  guint       completed;
  gint64      started;
  guint       pace_ms;
  GMainLoop  *loop;
} Run;

static void enqueue_next (Run *run);

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VzMutation) m = user_data;
  Run *run = g_object_get_data (G_OBJECT (m), "run");
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error))
    {
      g_printerr ("outbox-enqueue: %s\n", error->message);
      exit (1);
    }
  /* One write per line: the parent may kill us between any two. */
  printf ("%s\n", vz_mutation_get_id (m));
  fflush (stdout);

  if (++run->completed == run->total)
    {
      printf ("done %.6f\n", (g_get_monotonic_time () - run->started) / 1e6);
      fflush (stdout);
      g_main_loop_quit (run->loop);
      return;
    }
  if (run->pace_ms == 0)
    enqueue_next (run);
}

static void
enqueue_one (Run *run)
{
  const char *display = run->displays[run->next % run->n_displays];
  g_autofree char *path = g_strconcat ("/displays/", display, NULL);
  g_autofree char *location = g_strdup_printf ("step-%u", run->next);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  VzMutation *m;

  json_object_set_string_member (changes, "location", location);
  json_node_set_object (body, changes);
  m = vz_mutation_new ("display", display, VZ_MUTATION_OP_UPDATE, "PATCH", path, body, NULL, changes, NULL);
  g_object_set_data (G_OBJECT (m), "run", run);
  run->next++;
  vz_outbox_enqueue_async (run->outbox, m, NULL, on_enqueued, m);
}

static void
enqueue_next (Run *run)
{
  while (run->next < run->total && run->next - run->completed < IN_FLIGHT)
    enqueue_one (run);
}

static gboolean
on_pace (gpointer user_data)
{
  Run *run = user_data;

  for (guint i = 0; i < 4 && run->next < run->total; i++)
    enqueue_one (run);
  return run->next < run->total ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint64 total;
  Run run = { 0, };

  if (argc < 4 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT32, &total, NULL))
    {
      g_printerr ("usage: outbox-enqueue JOURNAL N DISPLAY_ID...\n");
      return 2;
    }

  outbox = vz_outbox_new (argv[1], VZ_OUTBOX_OPEN_NONE, NULL, &error);
  if (outbox == NULL)
    {
      g_printerr ("outbox-enqueue: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.outbox = outbox;
  run.displays = argv + 3;
  run.n_displays = (guint) argc - 3;
  run.total = (guint) total;
  run.loop = loop;
  run.started = g_get_monotonic_time ();
  if (g_getenv ("OUTBOX_ENQUEUE_PACE_MS") != NULL)
    run.pace_ms = (guint) g_ascii_strtoull (g_getenv ("OUTBOX_ENQUEUE_PACE_MS"), NULL, 10);
  if (run.pace_ms > 0)
    g_timeout_add (run.pace_ms, on_pace, &run);
  else
    enqueue_next (&run);
  g_main_loop_run (loop);
  return 0;
}
