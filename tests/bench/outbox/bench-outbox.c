/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-outbox"

/*
 * Outbox benchmark (docs/bench-outbox.md):
 *   1. durable enqueue rate with 10,000 changes already queued, with 1, 32
 *      and 256 enqueues in flight (each change is written and fdatasync()ed
 *      before its enqueue completes; group commit shares the syncs);
 *   2. reopen (load + replay) time of a journal of 100,000 changes, and the
 *      memory it takes;
 *   3. the sender's bookkeeping: peek, mark_sending, mark_done for all
 *      100,000, then the journal compacts.
 * Usage: bench-outbox [--dir DIR] [--count N]   (DIR must be on the disk to measure)
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vz-outbox-private.h"

static guint serial;

static VzMutation *
make_change (void)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *entity = g_strdup_printf ("0b7c6a52-9d1e-4f7a-8c1b-%012u", serial % 10000);
  g_autofree char *path = g_strdup_printf ("/displays/%s", entity);
  g_autofree char *name = g_strdup_printf ("Lobby screen %u", serial);

  serial++;
  json_object_set_string_member (changes, "name", name);
  json_object_set_string_member (changes, "location", "Building B, floor 2");
  json_object_set_string_member (previous, "name", "Lobby screen");
  json_object_set_string_member (previous, "location", "Building B, floor 1");
  json_node_take_object (body, json_object_ref (changes));

  return vz_mutation_new ("display", entity, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                          "2026-11-25T10:00:00.000Z", changes, previous);
}

typedef struct {
  VzOutbox *outbox;
  guint total;
  guint started;
  guint done;
  guint in_flight;
  GArray *latencies;   /* gint64 µs per enqueue */
  GMainLoop *loop;
} Run;

typedef struct {
  Run *run;
  gint64 started_at;
} Call;

static void start_one (Run *run);

static void
enqueued (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  Run *run = call->run;
  g_autoptr(GError) error = NULL;
  gint64 latency = g_get_monotonic_time () - call->started_at;

  if (!vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error))
    g_error ("enqueue failed: %s", error->message);
  g_array_append_val (run->latencies, latency);
  g_free (call);

  run->done++;
  if (run->done == run->total)
    g_main_loop_quit (run->loop);
  else
    start_one (run);
}

static void
start_one (Run *run)
{
  g_autoptr(VzMutation) m = NULL;
  Call *call;

  if (run->started == run->total)
    return;
  m = make_change ();
  call = g_new0 (Call, 1);
  call->run = run;
  call->started_at = g_get_monotonic_time ();
  run->started++;
  vz_outbox_enqueue_async (run->outbox, m, NULL, enqueued, call);
}

static int
compare_i64 (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Enqueues @total changes keeping @in_flight enqueues outstanding. */
static double
run_enqueues (VzOutbox *outbox,
              guint     total,
              guint     in_flight,
              gint64   *p50,
              gint64   *p99)
{
  Run run = { outbox, total, 0, 0, in_flight, g_array_new (FALSE, FALSE, sizeof (gint64)), NULL };
  gint64 start;
  double seconds;

  run.loop = g_main_loop_new (NULL, FALSE);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < in_flight; i++)
    start_one (&run);
  g_main_loop_run (run.loop);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_array_sort (run.latencies, compare_i64);
  *p50 = g_array_index (run.latencies, gint64, run.latencies->len / 2);
  *p99 = g_array_index (run.latencies, gint64, run.latencies->len * 99 / 100);
  g_array_unref (run.latencies);
  g_main_loop_unref (run.loop);
  return seconds;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static VzOutbox *
open_outbox (const char *path)
{
  g_autoptr(GError) error = NULL;
  VzOutbox *outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);

  if (outbox == NULL)
    g_error ("open failed: %s", error->message);
  return outbox;
}

static void
flush_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_flush_finish (VZ_OUTBOX (source), result, &error))
    g_error ("flush failed: %s", error->message);
  g_main_loop_quit (user_data);
}

static void
flush (VzOutbox *outbox)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  vz_outbox_flush_async (outbox, NULL, flush_done, loop);
  g_main_loop_run (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int count = 100000;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the journal (on the disk to measure)", "DIR" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Changes in the reopen test (default 100000)", "N" },
    { NULL }
  };
  static const guint in_flight[] = { 1, 32, 256 };
  VzOutbox *outbox;
  gint64 p50, p99;
  double seconds;
  guint queued;
  gboolean own_dir = FALSE;

  context = g_option_context_new ("- outbox benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (dir == NULL)
    {
      /* Under the build dir rather than /tmp, which may be a tmpfs that
       * never syncs and would flatter the figures. */
      dir = g_build_filename (BUILD_ROOT, "bench-outbox-data", NULL);
      own_dir = TRUE;
    }
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, "outbox.journal", NULL);
  g_unlink (path);

  outbox = open_outbox (path);

  /* 1. 10,000 already queued, then durable enqueues at three depths. */
  seconds = run_enqueues (outbox, 10000, 10000, &p50, &p99);
  printf ("prefill: 10000 changes in %.2f s (all in flight at once)\n", seconds);
  for (guint i = 0; i < G_N_ELEMENTS (in_flight); i++)
    {
      guint n = in_flight[i] == 1 ? 1000 : 10000;

      queued = vz_outbox_get_count (outbox);
      seconds = run_enqueues (outbox, n, in_flight[i], &p50, &p99);
      printf ("durable enqueue, %u already queued, %3u in flight: %6.0f changes/s "
              "(%u in %.2f s; latency p50 %.2f ms, p99 %.2f ms)\n",
              queued, in_flight[i], n / seconds, n, seconds, p50 / 1000.0, p99 / 1000.0);
    }

  /* 2. Fill to @count, close, reopen. */
  queued = vz_outbox_get_count (outbox);
  if ((guint) count > queued)
    run_enqueues (outbox, (guint) count - queued, 1024, &p50, &p99);
  queued = vz_outbox_get_count (outbox);
  g_assert_finalize_object (outbox);
  _vz_outbox_wait_for_writers ();

  {
    GStatBuf st;
    long rss_before = rss_kib ();
    gint64 start = g_get_monotonic_time ();

    outbox = open_outbox (path);
    seconds = (g_get_monotonic_time () - start) / 1e6;
    g_stat (path, &st);
    printf ("reopen: %u changes (%.1f MiB journal) loaded in %.3f s (%.0f changes/s), "
            "+%ld MiB resident\n",
            vz_outbox_get_count (outbox), st.st_size / 1048576.0, seconds,
            vz_outbox_get_count (outbox) / seconds, (rss_kib () - rss_before) / 1024);
    g_assert (vz_outbox_get_count (outbox) == queued);
  }

  /* 3. The sender's bookkeeping for every change (no network). */
  {
    gint64 start = g_get_monotonic_time ();
    VzMutation *m;
    guint n = 0;

    while ((m = vz_outbox_peek_sendable (outbox)) != NULL)
      {
        g_autofree char *id = g_strdup (vz_mutation_get_id (m));

        if (!vz_outbox_mark_sending (outbox, id, &error) ||
            !vz_outbox_mark_done (outbox, id, &error))
          g_error ("%s", error->message);
        n++;
      }
    seconds = (g_get_monotonic_time () - start) / 1e6;
    flush (outbox);
    printf ("drain: %u changes peeked, marked sending and done in %.2f s (%.0f changes/s on the main thread)\n",
            n, seconds, n / seconds);
    g_assert (vz_outbox_get_count (outbox) == 0);
  }
  g_assert_finalize_object (outbox);
  _vz_outbox_wait_for_writers ();
  {
    GStatBuf st;

    g_stat (path, &st);
    printf ("after draining and compaction the journal is %ld bytes\n", (long) st.st_size);
  }

  g_unlink (path);
  {
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);

    g_unlink (lock);
  }
  if (own_dir)
    g_rmdir (dir);
  return 0;
}
