/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-outbox-model"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "outbox-journal-test-util.h"

/*
 * The outbox as the sync engine uses it: one change per entity in order,
 * states and their checks, the list model's signals, batches, compaction,
 * a disk that fails, a change too large, and 100,000 changes. Journals in a
 * temporary folder, real fsync.
 */

static void
test_outbox_duplicate_and_state_checks (Fixture       *f,
                                        gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(VzMutation) m = test_make_rename ("d-1", "A", "B");
  g_autoptr(VzMutation) sending = test_make_rename ("d-2", "A", "B");
  TestWaiter w = { 0 };
  g_autoptr(GError) error = NULL;

  test_enqueue_one (outbox, m);

  w.pending = 2;
  vz_outbox_enqueue_async (outbox, m, NULL, test_enqueue_done, &w);
  vz_mutation_set_state (sending, VZ_MUTATION_STATE_SENDING);
  vz_outbox_enqueue_async (outbox, sending, NULL, test_enqueue_done, &w);
  while (w.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (w.failed, ==, 2);
  g_assert_error (w.first_error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_DUPLICATE);
  g_clear_error (&w.first_error);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 1);

  g_assert_false (vz_outbox_mark_done (outbox, vz_mutation_get_id (m), &error));
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (vz_outbox_mark_failed (outbox, "no-such-id", "x", &error));
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An already cancelled enqueue writes nothing. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(VzMutation) late = test_make_rename ("d-3", "A", "B");

    g_cancellable_cancel (cancellable);
    w.pending = 1;
    w.failed = 0;
    vz_outbox_enqueue_async (outbox, late, cancellable, test_enqueue_done, &w);
    while (w.pending > 0)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (w.first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&w.first_error);
    g_assert_null (vz_outbox_lookup (outbox, vz_mutation_get_id (late)));
  }
  test_close (outbox);
}

typedef struct {
  GString *log;
} SignalLog;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  SignalLog  *log)
{
  g_string_append_printf (log->log, "items(%u,%u,%u) ", position, removed, added);
}

static void
on_sendable (VzOutbox   *outbox,
             VzMutation *m,
             SignalLog  *log)
{
  g_string_append_printf (log->log, "sendable(%s) ",
                          json_object_get_string_member (vz_mutation_get_changes (m), "name"));
}

static void
on_removed (VzOutbox        *outbox,
            VzMutation      *m,
            VzOutboxRemoval  why,
            SignalLog       *log)
{
  g_string_append_printf (log->log, "removed(%s,%s) ",
                          json_object_get_string_member (vz_mutation_get_changes (m), "name"),
                          why == VZ_OUTBOX_REMOVAL_COMMITTED ? "committed" : "discarded");
}

static void
on_state_changed (VzOutbox        *outbox,
                  VzMutation      *m,
                  VzMutationState  old_state,
                  SignalLog       *log)
{
  g_string_append_printf (log->log, "state(%s,%s>%s) ",
                          json_object_get_string_member (vz_mutation_get_changes (m), "name"),
                          vz_mutation_state_to_string (old_state),
                          vz_mutation_state_to_string (vz_mutation_get_state (m)));
}

static const char *
take_log (SignalLog *log)
{
  static char buf[1024];

  g_strlcpy (buf, log->log->str, sizeof buf);
  g_string_truncate (log->log, 0);
  g_strchomp (buf);
  return buf;
}

static void
test_outbox_fifo_per_entity (Fixture       *f,
                             gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  SignalLog log = { g_string_new (NULL) };
  g_autoptr(GError) error = NULL;
  VzMutation *m1, *m2, *m3, *m4, *m5;

  g_ptr_array_add (list, test_make_rename ("A", "m1", "-"));
  g_ptr_array_add (list, test_make_rename ("A", "m2", "-"));
  g_ptr_array_add (list, test_make_rename ("B", "m3", "-"));
  {
    g_autoptr(JsonObject) changes = json_object_new ();

    json_object_set_string_member (changes, "name", "m4");
    /* A bulk request over A and B (B listed twice must not deadlock it). */
    g_ptr_array_add (list, g_object_new (VZ_TYPE_MUTATION,
                                         "entity-kind", "display",
                                         "entity-ids", (const char *[]) { "A", "B", "B", NULL },
                                         "operation", VZ_MUTATION_OP_DELETE, "method", "POST",
                                         "path", "/displays/bulk/delete",
                                         "changes", changes, NULL));
  }
  g_ptr_array_add (list, test_make_rename ("C", "m5", "-"));
  m1 = list->pdata[0]; m2 = list->pdata[1]; m3 = list->pdata[2]; m4 = list->pdata[3]; m5 = list->pdata[4];

  g_signal_connect (outbox, "items-changed", G_CALLBACK (on_items_changed), &log);
  g_signal_connect (outbox, "mutation-sendable", G_CALLBACK (on_sendable), &log);
  g_signal_connect (outbox, "mutation-removed", G_CALLBACK (on_removed), &log);
  g_signal_connect (outbox, "mutation-state-changed", G_CALLBACK (on_state_changed), &log);

  test_enqueue_all (outbox, list);
  /* The writer may group the five in one or more writes; either way only
   * the first in line of each entity became sendable, in order. */
  {
    g_autofree char *events = g_strdup (take_log (&log));
    g_auto(GStrv) words = g_strsplit (events, " ", -1);
    g_autoptr(GString) sendables = g_string_new (NULL);
    guint added = 0;

    for (guint i = 0; words[i] != NULL; i++)
      {
        guint pos, removed, n;

        if (sscanf (words[i], "items(%u,%u,%u)", &pos, &removed, &n) == 3)
          {
            g_assert_cmpuint (pos, ==, added);
            g_assert_cmpuint (removed, ==, 0);
            added += n;
          }
        else
          g_string_append_printf (sendables, "%s ", words[i]);
      }
    g_assert_cmpuint (added, ==, 5);
    g_assert_cmpstr (sendables->str, ==, "sendable(m1) sendable(m3) sendable(m5) ");
  }
  g_assert_cmpuint (vz_outbox_get_n_sendable (outbox), ==, 3);

  g_assert_true (vz_outbox_peek_sendable (outbox) == m1);
  {
    g_autoptr(GPtrArray) for_a = vz_outbox_list_for_entity (outbox, "A");

    g_assert_cmpuint (for_a->len, ==, 3);
    g_assert_true (g_ptr_array_index (for_a, 0) == m1);
    g_assert_true (g_ptr_array_index (for_a, 1) == m2);
    g_assert_true (g_ptr_array_index (for_a, 2) == m4);
  }
  g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m1), &error));
  g_assert_true (vz_outbox_peek_sendable (outbox) == m3);

  /* Strictly in order per entity: m2 waits for m1. */
  g_assert_false (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m2), &error));
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m3), &error));
  g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m5), &error));
  g_assert_null (vz_outbox_peek_sendable (outbox));
  g_assert_cmpstr (take_log (&log), ==, "state(m1,queued>sending) state(m3,queued>sending) state(m5,queued>sending)");

  g_assert_true (vz_outbox_mark_done (outbox, vz_mutation_get_id (m1), &error));
  g_assert_cmpstr (take_log (&log), ==, "items(0,1,0) removed(m1,committed) sendable(m2)");
  g_assert_true (vz_outbox_peek_sendable (outbox) == m2);

  /* A failed change keeps its place and holds back its entity. */
  g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m2), &error));
  g_assert_true (vz_outbox_mark_failed (outbox, vz_mutation_get_id (m2), "Refused.", &error));
  g_assert_true (vz_outbox_mark_done (outbox, vz_mutation_get_id (m3), &error));
  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (m4)));
  g_assert_null (vz_outbox_peek_sendable (outbox));
  g_assert_cmpstr (take_log (&log), ==, "state(m2,queued>sending) state(m2,sending>failed) items(1,1,0) removed(m3,committed)");

  g_assert_false (vz_outbox_mark_sending (outbox, vz_mutation_get_id (m2), &error));
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_true (vz_outbox_retry (outbox, vz_mutation_get_id (m2), &error));
  g_assert_cmpuint (vz_mutation_get_attempts (m2), ==, 0);
  g_assert_null (vz_mutation_get_last_error (m2));
  g_assert_cmpstr (take_log (&log), ==, "state(m2,failed>queued) sendable(m2)");

  g_assert_true (vz_outbox_discard (outbox, vz_mutation_get_id (m2), &error));
  g_assert_cmpstr (take_log (&log), ==, "items(0,1,0) removed(m2,discarded) sendable(m4)");
  g_assert_true (vz_outbox_peek_sendable (outbox) == m4);
  g_assert_no_error (error);

  /* Per entity: m4 is first in line for A and for B; C has only m5. */
  g_assert_true (vz_outbox_peek_for_entity (outbox, "A") == m4);
  g_assert_true (vz_outbox_peek_for_entity (outbox, "B") == m4);
  g_assert_true (vz_outbox_peek_for_entity (outbox, "C") == m5);
  g_assert_null (vz_outbox_peek_for_entity (outbox, "D"));
  {
    g_autoptr(GPtrArray) for_b = vz_outbox_list_for_entity (outbox, "B");
    g_autoptr(GPtrArray) for_d = vz_outbox_list_for_entity (outbox, "D");

    g_assert_cmpuint (for_b->len, ==, 1);
    g_assert_true (g_ptr_array_index (for_b, 0) == m4);
    g_assert_cmpuint (for_d->len, ==, 0);
  }

  /* m5 is still in flight; the model holds m4 then m5. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 2);
  {
    g_autoptr(VzMutation) first = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
    g_autoptr(VzMutation) second = g_list_model_get_item (G_LIST_MODEL (outbox), 1);

    g_assert_true (first == m4);
    g_assert_true (second == m5);
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (outbox), 2));
  }

  g_signal_handlers_disconnect_by_data (outbox, &log);
  g_string_free (log.log, TRUE);
  test_close (outbox);
}

/* A view that only knows what items-changed told it, as a GtkListView would. */
static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, (int) (position + i), g_list_model_get_item (model, position + i));
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
}

static void
test_outbox_model_consistency (Fixture       *f,
                               gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) mirror = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_signal_connect (outbox, "items-changed", G_CALLBACK (mirror_items_changed), mirror);

  /* Random enqueues, batches, sends, commits, failures, retries and
   * discards; after each step the mirror equals the model. */
  for (guint step = 0; step < 400; step++)
    {
      guint n = vz_outbox_get_count (outbox);
      guint action = (guint) g_test_rand_int_range (0, 10);

      if (n == 0 || action < 3)
        {
          g_autoptr(GPtrArray) list = make_renames ((guint) g_test_rand_int_range (1, 4), 8);

          if (action == 0)
            g_assert_null (test_enqueue_batch (outbox, list));
          else
            test_enqueue_all (outbox, list);
        }
      else
        {
          g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox),
                                                           (guint) g_test_rand_int_range (0, (gint32) n));
          g_autofree char *id = g_strdup (vz_mutation_get_id (m));
          VzMutation *next = vz_outbox_peek_sendable (outbox);

          switch (action)
            {
            case 3:
            case 4:
              if (next != NULL)
                {
                  g_autofree char *next_id = g_strdup (vz_mutation_get_id (next));

                  g_assert_true (vz_outbox_mark_sending (outbox, next_id, &error));
                  g_assert_true (vz_outbox_mark_done (outbox, next_id, &error));
                }
              break;
            case 5:
              if (next != NULL)
                {
                  g_autofree char *next_id = g_strdup (vz_mutation_get_id (next));

                  g_assert_true (vz_outbox_mark_sending (outbox, next_id, &error));
                  g_assert_true (vz_outbox_mark_failed (outbox, next_id, "No.", &error));
                }
              break;
            case 6:
              if (vz_mutation_get_state (m) != VZ_MUTATION_STATE_SENDING)
                g_assert_true (vz_outbox_retry (outbox, id, &error));
              break;
            default:
              g_assert_true (vz_outbox_discard (outbox, id, &error));
              break;
            }
          g_assert_no_error (error);
        }

      g_assert_cmpuint (mirror->len, ==, vz_outbox_get_count (outbox));
      for (guint i = 0; i < mirror->len; i++)
        {
          g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

          g_assert_true (m == g_ptr_array_index (mirror, i));
        }
      /* The sendable set is exactly the first queued change of each entity. */
      {
        g_autoptr(GHashTable) first = g_hash_table_new (g_str_hash, g_str_equal);
        guint expected = 0;

        for (guint i = 0; i < mirror->len; i++)
          {
            VzMutation *m = g_ptr_array_index (mirror, i);
            gboolean is_first = !g_hash_table_contains (first, vz_mutation_get_entity_id (m));

            g_hash_table_add (first, (gpointer) vz_mutation_get_entity_id (m));
            g_assert_cmpint (vz_outbox_is_sendable (outbox, vz_mutation_get_id (m)), ==,
                             is_first && vz_mutation_get_state (m) == VZ_MUTATION_STATE_QUEUED);
            if (is_first && vz_mutation_get_state (m) == VZ_MUTATION_STATE_QUEUED)
              expected++;
          }
        g_assert_cmpuint (vz_outbox_get_n_sendable (outbox), ==, expected);
      }
    }

  g_signal_handlers_disconnect_by_data (outbox, mirror);
  {
    g_autoptr(GPtrArray) before = snapshot (outbox);

    test_close (outbox);
    outbox = reopen_same (f->path, before);
  }
  test_close (outbox);
}

static void
test_outbox_batch (Fixture       *f,
                   gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (6, 6);
  g_autoptr(GPtrArray) batch = NULL;

  for (guint i = 0; i < list->len; i += 2)
    vz_mutation_set_batch_id (g_ptr_array_index (list, i), "bulk-1");
  test_enqueue_all (outbox, list);
  test_close (outbox);

  outbox = test_open (f->path);
  batch = vz_outbox_list_batch (outbox, "bulk-1");
  g_assert_cmpuint (batch->len, ==, 3);
  for (guint i = 0; i < batch->len; i++)
    g_assert_cmpstr (vz_mutation_get_id (g_ptr_array_index (batch, i)), ==,
                     vz_mutation_get_id (g_ptr_array_index (list, i * 2)));
  g_clear_pointer (&batch, g_ptr_array_unref);
  test_close (outbox);
}

/* A batch holding something that is not a change is refused before any
 * work starts: nothing is queued, and nothing of the batch stays held. */
static void
test_outbox_batch_bad_item (Fixture       *f,
                            gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  VzMutation *good = test_make_rename ("display-1", "Lobby", "Hall");
  g_autoptr(GObject) not_a_change = g_object_new (G_TYPE_OBJECT, NULL);
  TestWaiter w = { 1, 0, NULL };

  g_ptr_array_add (batch, good);
  g_ptr_array_add (batch, not_a_change);
  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_CRITICAL, "*VZ_IS_MUTATION*");
  vz_outbox_enqueue_batch_async (outbox, batch, NULL, test_batch_done, &w);
  g_test_assert_expected_messages ();

  /* The writer has done whatever it was given; the refused call started
   * nothing that could call back. */
  test_flush (outbox);
  g_assert_cmpuint (w.pending, ==, 1);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  g_ptr_array_set_size (batch, 0);
  g_assert_finalize_object (good);
  test_close (outbox);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *calls)
{
  (*calls)++;
}

static void
test_outbox_batch_record (Fixture       *f,
                          gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) singles = make_renames (2, 2);
  g_autoptr(GPtrArray) batch = make_renames (4, 4);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;
  GError *error = NULL;
  guint calls = 0;

  test_enqueue_all (outbox, singles);
  for (guint i = 0; i < batch->len; i++)
    vz_mutation_set_batch_id (g_ptr_array_index (batch, i), "bulk-9");

  /* The batch appears in the model at once, after the singles. */
  g_signal_connect (outbox, "items-changed", G_CALLBACK (count_items_changed), &calls);
  error = test_enqueue_batch (outbox, batch);
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 1);
  g_signal_handlers_disconnect_by_data (outbox, &calls);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 6);
  for (guint i = 0; i < batch->len; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), 2 + i);

      g_assert_true (m == g_ptr_array_index (batch, i));
    }

  /* One bad member (already queued) refuses the whole batch. */
  {
    g_autoptr(GPtrArray) bad = make_renames (2, 2);

    g_ptr_array_add (bad, g_object_ref (g_ptr_array_index (batch, 0)));
    error = test_enqueue_batch (outbox, bad);
    g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_DUPLICATE);
    g_clear_error (&error);
    g_assert_null (vz_outbox_lookup (outbox, vz_mutation_get_id (g_ptr_array_index (bad, 0))));
  }

  before = snapshot (outbox);
  test_close (outbox);

  /* On disk: two adds, then one batch record holding four. */
  bytes = read_file (f->path);
  records = split_records (bytes);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpint (g_array_index (records, Record, 2).kind, ==, 'B');

  outbox = reopen_same (f->path, before);
  {
    g_autoptr(GPtrArray) listed = vz_outbox_list_batch (outbox, "bulk-9");

    g_assert_cmpuint (listed->len, ==, 4);
  }
  test_close (outbox);
}

static void
test_outbox_torn_batch (Fixture       *f,
                        gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) singles = make_renames (2, 2);
  g_autoptr(GPtrArray) batch = make_renames (3, 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;
  const guint8 *full;
  Record *last;

  test_enqueue_all (outbox, singles);
  g_assert_null (test_enqueue_batch (outbox, batch));
  test_close (outbox);
  bytes = read_file (f->path);
  full = g_bytes_get_data (bytes, NULL);
  records = split_records (bytes);
  last = &g_array_index (records, Record, 2);
  g_assert_cmpint (last->kind, ==, 'B');

  /* Cut anywhere inside the batch, even between its nested records: the
   * whole bulk action goes, never a part of it. */
  for (gsize k = 1; k < last->length; k++)
    {
      write_file (f->path, full, last->offset + k);
      outbox = open_dropping_tail (f->path, k);
      g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 2);
      test_close (outbox);
    }
}

static void
test_outbox_batch_compaction (Fixture       *f,
                              gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) batch = make_renames (400, 400);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (test_enqueue_batch (outbox, batch));
  /* Commit 300 of the 400: the rest must survive compaction on their own. */
  for (guint i = 0; i < 300; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (batch, i * 4 / 3));

      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (vz_outbox_mark_done (outbox, id, &error));
    }
  g_assert_no_error (error);
  before = snapshot (outbox);
  g_assert_cmpuint (before->len, ==, 100);
  test_flush (outbox);
  test_close (outbox);

  /* The batch record was taken apart into plain adds of the live ones. */
  bytes = read_file (f->path);
  records = split_records (bytes);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpint (g_array_index (records, Record, i).kind, !=, 'B');

  outbox = reopen_same (f->path, before);
  test_close (outbox);
}

static void
test_outbox_compaction (Fixture       *f,
                        gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (800, 800);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  gsize full_size, compacted_size;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;

  test_enqueue_all (outbox, list);
  test_flush (outbox);
  {
    g_autoptr(GBytes) full = read_file (f->path);

    full_size = g_bytes_get_size (full);
    g_assert_cmpuint (full_size, >, 64 * 1024);
  }

  /* Commit most, leave a few with a changed state: the removed records then
   * outweigh the live ones. */
  for (guint i = 0; i < 700; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (list, i));

      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (vz_outbox_mark_done (outbox, id, &error));
    }
  for (guint i = 700; i < 720; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (list, i));

      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (vz_outbox_mark_failed (outbox, id, "Refused.", &error));
    }
  g_assert_no_error (error);
  before = snapshot (outbox);
  g_assert_cmpuint (before->len, ==, 100);
  test_flush (outbox);
  /* Finalizing joins the writer, which compacts after the batch. */
  test_close (outbox);

  bytes = read_file (f->path);
  compacted_size = g_bytes_get_size (bytes);
  /* Still a well-formed journal. */
  records = split_records (bytes);
  g_test_message ("journal %" G_GSIZE_FORMAT " bytes before, %" G_GSIZE_FORMAT " after compaction",
                  full_size, compacted_size);
  /* Whenever dead records outweigh live ones the writer compacts, so at
   * most about twice the live records remain (the 100 live ones take
   * about 40 KiB), far less than the 800 written. */
  g_assert_cmpuint (compacted_size, <, full_size / 2);
  {
    g_autofree char *tmp = g_strconcat (f->path, ".tmp", NULL);

    /* The temporary file was renamed over the journal, not left behind. */
    g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  }

  outbox = reopen_same (f->path, before);
  test_close (outbox);
}

static void
count_journal_errors (VzOutbox *outbox,
                      GError   *error,
                      guint    *count)
{
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO);
  (*count)++;
}

static void
test_outbox_write_failure (Fixture       *f,
                           gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) good = make_renames (3, 3);
  g_autoptr(GPtrArray) too_big = make_renames (5, 5);
  g_autoptr(VzMutation) after = test_make_rename ("d-after", "A", "B");
  TestWaiter w = { 0 };
  guint journal_errors = 0;
  struct rlimit saved, limited;
  GStatBuf st;

  test_enqueue_all (outbox, good);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_signal_connect (outbox, "journal-error", G_CALLBACK (count_journal_errors), &journal_errors);

  /* A disk that fills up in the middle of a write: the file size limit
   * makes write() stop part way into the first record (EFBIG instead of
   * ENOSPC), whichever way the writer groups the records. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = (rlim_t) st.st_size + 100;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);

  for (guint i = 0; i < too_big->len; i++)
    {
      w.pending++;
      vz_outbox_enqueue_async (outbox, g_ptr_array_index (too_big, i), NULL, test_enqueue_done, &w);
    }
  while (w.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (journal_errors, >=, 1);

  /* The next flush reports that failure once; the one after is clean. */
  {
    TestFlush flushed = { NULL, FALSE };

    vz_outbox_flush_async (outbox, NULL, test_flush_done, &flushed);
    while (!flushed.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (flushed.error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO);
    g_clear_error (&flushed.error);
    test_flush (outbox);
  }

  /* A state change nobody waits for still reports its failure. */
  journal_errors = 0;
  limited.rlim_cur = (rlim_t) st.st_size + 10;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    TestFlush flushed = { NULL, FALSE };

    g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (g_ptr_array_index (good, 0)), &error));
    g_assert_no_error (error);
    vz_outbox_flush_async (outbox, NULL, test_flush_done, &flushed);
    while (!flushed.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (flushed.error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO);
    g_clear_error (&flushed.error);
    g_assert_cmpuint (journal_errors, ==, 1);
  }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  /* Every one failed, with a sentence, and none of them is queued. */
  g_assert_cmpuint (w.failed, ==, too_big->len);
  g_assert_error (w.first_error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO);
  g_assert_nonnull (strstr (w.first_error->message, "could not be saved"));
  g_clear_error (&w.first_error);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 3);

  /* The part that made it to the file was cut off again: the journal
   * keeps working and reads back without any damage. */
  test_enqueue_one (outbox, after);
  test_close (outbox);

  outbox = test_open (f->path);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 4);
  g_assert_nonnull (vz_outbox_lookup (outbox, vz_mutation_get_id (after)));
  test_close (outbox);
}

static void
test_outbox_too_large (Fixture       *f,
                       gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autofree char *huge = g_malloc (65 * 1024 * 1024 + 1);
  g_autoptr(VzMutation) m = NULL;
  TestWaiter w = { 1, 0, NULL };

  /* Bigger than any record the loader accepts: refused up front, never
   * written as a record that the next start would take for damage. */
  memset (huge, 'x', 65 * 1024 * 1024);
  huge[65 * 1024 * 1024] = '\0';
  json_object_set_string_member (obj, "description", huge);
  json_node_set_object (body, obj);
  m = vz_mutation_new ("display", "d-1", VZ_MUTATION_OP_UPDATE, "PATCH", "/displays/d-1", body, NULL, NULL, NULL);
  vz_outbox_enqueue_async (outbox, m, NULL, test_enqueue_done, &w);
  while (w.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (w.first_error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_TOO_LARGE);
  g_clear_error (&w.first_error);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  test_close (outbox);

  outbox = test_open (f->path);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  test_close (outbox);
}

static void
test_outbox_hundred_thousand (Fixture       *f,
                              gconstpointer  data)
{
  const guint n = 100000;
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (n, 5000);
  g_autoptr(GTimer) timer = g_timer_new ();
  double enqueue_s, load_s;

  test_enqueue_all (outbox, list);
  enqueue_s = g_timer_elapsed (timer, NULL);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, n);
  test_close (outbox);

  g_timer_start (timer);
  outbox = test_open (f->path);
  load_s = g_timer_elapsed (timer, NULL);
  g_test_message ("100,000 changes: enqueued in %.2f s, reopened in %.3f s", enqueue_s, load_s);

  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, n);
  for (guint i = 0; i < n; i += 997)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      g_assert_cmpstr (vz_mutation_get_id (m), ==, vz_mutation_get_id (g_ptr_array_index (list, i)));
    }
  {
    g_autoptr(VzMutation) last = g_list_model_get_item (G_LIST_MODEL (outbox), n - 1);

    g_assert_cmpstr (vz_mutation_get_id (last), ==, vz_mutation_get_id (g_ptr_array_index (list, n - 1)));
  }
  /* One sendable change per entity. */
  g_assert_cmpuint (vz_outbox_get_n_sendable (outbox), ==, 5000);
  test_close (outbox);
}

static void
test_outbox_path_for_account (void)
{
  const char *ids[] = { "7f3c2a9e-1b4d-4c2e-9a61-0d5f8e2b7c14", "admin@vizora.local",
                        "..", ".", "", "a/../../etc", "x\\y" };
  g_autofree char *base = g_build_filename (g_get_user_data_dir (), "vizora-desktop", "accounts", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *path = vz_outbox_path_for_account (ids[i]);
      g_autofree char *folder = g_path_get_dirname (path);
      g_autofree char *parent = g_path_get_dirname (folder);
      g_autofree char *key = g_path_get_basename (folder);
      g_autofree char *name = g_path_get_basename (path);

      /* Always exactly one plain folder under accounts/. */
      g_assert_cmpstr (parent, ==, base);
      g_assert_cmpstr (name, ==, "outbox.journal");
      g_assert_cmpstr (key, !=, ".");
      g_assert_cmpstr (key, !=, "..");
      g_assert_cmpuint (strlen (key), >, 0);
      g_assert_null (strchr (key, '/'));
    }
  {
    g_autofree char *plain = vz_outbox_path_for_account ("7f3c2a9e-1b4d-4c2e-9a61-0d5f8e2b7c14");
    g_autofree char *again = vz_outbox_path_for_account ("admin@vizora.local");
    g_autofree char *same = vz_outbox_path_for_account ("admin@vizora.local");

    g_assert_nonnull (strstr (plain, "/7f3c2a9e-1b4d-4c2e-9a61-0d5f8e2b7c14/"));
    g_assert_cmpstr (again, ==, same);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/outbox/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/outbox/path-for-account", test_outbox_path_for_account);
  ADD ("duplicate-and-state-checks", test_outbox_duplicate_and_state_checks);
  ADD ("fifo-per-entity", test_outbox_fifo_per_entity);
  ADD ("model-consistency", test_outbox_model_consistency);
  ADD ("batch", test_outbox_batch);
  ADD ("batch-bad-item", test_outbox_batch_bad_item);
  ADD ("batch-record", test_outbox_batch_record);
  ADD ("torn-batch", test_outbox_torn_batch);
  ADD ("batch-compaction", test_outbox_batch_compaction);
  ADD ("compaction", test_outbox_compaction);
  ADD ("write-failure", test_outbox_write_failure);
  ADD ("too-large", test_outbox_too_large);
  ADD ("hundred-thousand", test_outbox_hundred_thousand);

#undef ADD

  return g_test_run ();
}
