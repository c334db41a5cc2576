/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-outbox"

#include <stdio.h>
#include <string.h>

#include "outbox-journal-test-util.h"

/* ------------------------------------------------------------------------ */

static void
test_outbox_create_empty (Fixture       *f,
                          gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;
  g_autofree char *mode_check = NULL;
  GStatBuf st;

  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (outbox)) == VZ_TYPE_MUTATION);
  g_assert_null (vz_outbox_peek_sendable (outbox));
  g_assert_cmpstr (vz_outbox_get_path (outbox), ==, f->path);
  test_close (outbox);

  bytes = read_file (f->path);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, FILE_HEADER);
  records = split_records (bytes);
  g_assert_cmpuint (records->len, ==, 0);

  /* Other people's changes are nobody else's business. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_outbox_journal_encoding (Fixture       *f,
                              gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(VzMutation) m = test_make_rename ("d-1", "Lobby", "Hall");
  g_autofree char *id = g_strdup (vz_mutation_get_id (m));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(JsonObject) add = NULL;
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(JsonObject) removal = NULL;
  g_autoptr(GError) error = NULL;

  test_enqueue_one (outbox, m);
  g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
  g_assert_no_error (error);
  g_assert_true (vz_outbox_mark_failed (outbox, id, "The name is too long.", &error));
  g_assert_no_error (error);
  g_assert_true (vz_outbox_discard (outbox, id, &error));
  g_assert_no_error (error);
  test_flush (outbox);

  /* Everything up to the flush is on disk while the outbox is still open. */
  bytes = read_file (f->path);
  records = split_records (bytes);
  g_assert_cmpuint (records->len, ==, 4);

  g_assert_cmpint (g_array_index (records, Record, 0).kind, ==, 'A');
  add = record_payload (bytes, &g_array_index (records, Record, 0));
  g_assert_cmpstr (json_object_get_string_member (add, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (add, "entityKind"), ==, "display");
  g_assert_cmpstr (json_object_get_string_member (add, "state"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (add, "request"), "method"), ==, "PATCH");

  g_assert_cmpint (g_array_index (records, Record, 1).kind, ==, 'U');
  update = record_payload (bytes, &g_array_index (records, Record, 1));
  g_assert_cmpstr (json_object_get_string_member (update, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (update, "state"), ==, "sending");
  g_assert_cmpint (json_object_get_int_member (update, "attempts"), ==, 1);

  failed = record_payload (bytes, &g_array_index (records, Record, 2));
  g_assert_cmpstr (json_object_get_string_member (failed, "state"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (failed, "lastError"), ==, "The name is too long.");

  g_assert_cmpint (g_array_index (records, Record, 3).kind, ==, 'R');
  removal = record_payload (bytes, &g_array_index (records, Record, 3));
  g_assert_cmpstr (json_object_get_string_member (removal, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (removal, "reason"), ==, "discarded");

  test_close (outbox);
}

static void
test_outbox_crc_reference (void)
{
  /* The standard check value, so reference_crc32() itself is known good. */
  g_assert_cmphex (reference_crc32 (0, (const guint8 *) "123456789", 9), ==, 0xCBF43926);
}

static void
test_outbox_reopen_same_order (Fixture       *f,
                               gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (60, 7);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *sent_id, *failed_id, *conflict_id, *discarded_id, *requeued_id;

  test_enqueue_all (outbox, list);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 60);
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      g_assert_true (m == g_ptr_array_index (list, i));
    }

  /* A mix of states, each of which must survive the restart. */
  sent_id = vz_mutation_get_id (g_ptr_array_index (list, 0));
  failed_id = vz_mutation_get_id (g_ptr_array_index (list, 1));
  conflict_id = vz_mutation_get_id (g_ptr_array_index (list, 2));
  discarded_id = vz_mutation_get_id (g_ptr_array_index (list, 10));
  requeued_id = vz_mutation_get_id (g_ptr_array_index (list, 3));
  g_assert_true (vz_outbox_mark_sending (outbox, sent_id, &error));
  g_assert_true (vz_outbox_mark_sending (outbox, failed_id, &error));
  g_assert_true (vz_outbox_mark_sending (outbox, failed_id, &error));
  g_assert_true (vz_outbox_mark_failed (outbox, failed_id, "The server refused the name.", &error));
  g_assert_true (vz_outbox_mark_sending (outbox, conflict_id, &error));
  g_assert_true (vz_outbox_mark_conflict (outbox, conflict_id, "Someone else renamed it.", &error));
  g_assert_true (vz_outbox_mark_sending (outbox, requeued_id, &error));
  g_assert_true (vz_outbox_requeue (outbox, requeued_id, "The network went away.", &error));
  g_assert_true (vz_outbox_discard (outbox, discarded_id, &error));
  g_assert_no_error (error);

  before = snapshot (outbox);
  g_assert_cmpuint (before->len, ==, 59);
  test_close (outbox);

  outbox = test_open (f->path);
  after = snapshot (outbox);
  g_assert_cmpuint (after->len, ==, 59);

  /* Only "sending" changes on the way: nothing is in flight after a restart. */
  g_assert_cmpint (vz_mutation_get_state (vz_outbox_lookup (outbox, sent_id)), ==, VZ_MUTATION_STATE_QUEUED);
  g_assert_cmpuint (vz_mutation_get_attempts (vz_outbox_lookup (outbox, sent_id)), ==, 1);
  g_assert_true (vz_outbox_is_sendable (outbox, sent_id));
  g_assert_cmpint (vz_mutation_get_state (vz_outbox_lookup (outbox, failed_id)), ==, VZ_MUTATION_STATE_FAILED);
  g_assert_cmpuint (vz_mutation_get_attempts (vz_outbox_lookup (outbox, failed_id)), ==, 2);
  g_assert_cmpstr (vz_mutation_get_last_error (vz_outbox_lookup (outbox, failed_id)), ==, "The server refused the name.");
  g_assert_cmpint (vz_mutation_get_state (vz_outbox_lookup (outbox, conflict_id)), ==, VZ_MUTATION_STATE_CONFLICT);
  g_assert_cmpint (vz_mutation_get_state (vz_outbox_lookup (outbox, requeued_id)), ==, VZ_MUTATION_STATE_QUEUED);
  g_assert_cmpstr (vz_mutation_get_last_error (vz_outbox_lookup (outbox, requeued_id)), ==, "The network went away.");
  g_assert_null (vz_outbox_lookup (outbox, discarded_id));

  vz_mutation_set_state (vz_outbox_lookup (outbox, sent_id), VZ_MUTATION_STATE_SENDING);
  g_ptr_array_unref (after);
  after = snapshot (outbox);
  assert_same_texts (before, after);
  test_close (outbox);
}

/* Three changes, closed; returns the journal and its records. */
static GBytes *
journal_with_three (Fixture     *f,
                    GPtrArray  **out_ids,
                    GArray     **out_records)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (3, 3);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GBytes *bytes;

  test_enqueue_all (outbox, list);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (ids, g_strdup (vz_mutation_get_id (g_ptr_array_index (list, i))));
  test_close (outbox);

  bytes = read_file (f->path);
  *out_records = split_records (bytes);
  g_assert_cmpuint ((*out_records)->len, ==, 3);
  *out_ids = ids;
  return bytes;
}

static void
assert_ids (VzOutbox  *outbox,
            GPtrArray *ids,
            guint      n)
{
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      g_assert_cmpstr (vz_mutation_get_id (m), ==, g_ptr_array_index (ids, i));
    }
}


static void
test_outbox_torn_last_record (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GBytes) bytes = journal_with_three (f, &ids, &records);
  const guint8 *full = g_bytes_get_data (bytes, NULL);
  Record *last = &g_array_index (records, Record, 2);

  /* A crash can cut the last write anywhere: try every length of it. */
  for (gsize k = 0; k < last->length; k++)
    {
      VzOutbox *outbox;
      g_autoptr(GBytes) repaired = NULL;

      write_file (f->path, full, last->offset + k);
      /* Cut before the record began: nothing to drop, nothing to say. */
      outbox = k > 0 ? open_dropping_tail (f->path, k) : test_open (f->path);

      assert_ids (outbox, ids, 2);
      test_close (outbox);

      /* Cut back to the last good record, so later appends stay readable. */
      repaired = read_file (f->path);
      g_assert_cmpuint (g_bytes_get_size (repaired), ==, last->offset);
    }

  /* After the repair the journal takes new records as usual. */
  {
    VzOutbox *outbox = test_open (f->path);
    g_autoptr(VzMutation) m = test_make_rename ("d-9", "New", "Old");
    g_autoptr(GBytes) again = NULL;
    g_autoptr(GArray) again_records = NULL;

    test_enqueue_one (outbox, m);
    test_close (outbox);
    again = read_file (f->path);
    again_records = split_records (again);
    g_assert_cmpuint (again_records->len, ==, 3);

    outbox = test_open (f->path);
    g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 3);
    g_assert_nonnull (vz_outbox_lookup (outbox, vz_mutation_get_id (m)));
    test_close (outbox);
  }
}

static void
test_outbox_bad_crc_last_record (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GBytes) bytes = journal_with_three (f, &ids, &records);
  gsize len;
  const guint8 *full = g_bytes_get_data (bytes, &len);
  Record *last = &g_array_index (records, Record, 2);
  /* One flipped bit in the payload, then one in the stored CRC. */
  gsize positions[] = { last->offset + RECORD_HEADER + 20, last->offset + 9 };

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (full, len);
      VzOutbox *outbox;

      copy[positions[i]] ^= 0x04;
      write_file (f->path, copy, len);
      outbox = open_dropping_tail (f->path, last->length);
      assert_ids (outbox, ids, 2);
      test_close (outbox);
    }
}

static void
test_outbox_bad_json_last_record (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GBytes) bytes = journal_with_three (f, &ids, &records);
  const guint8 *full = g_bytes_get_data (bytes, NULL);
  Record *last = &g_array_index (records, Record, 2);
  g_autoptr(GByteArray) forged = g_byte_array_new ();
  const char *payloads[] = { "{\"id\": ", "[1,2,3]", "{\"id\":\"nobody\",\"state\":\"queued\",\"attempts\":0}" };
  const char kinds[] = { 'A', 'A', 'U' };

  /* Records with a valid CRC whose content is wrong: cut JSON, not a
   * mutation, an update for a change that does not exist. */
  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      guint8 header[RECORD_HEADER] = { 'V', 'Z', (guint8) kinds[i], 0 };
      guint32 plen = (guint32) strlen (payloads[i]);
      guint32 crc;
      VzOutbox *outbox;

      g_byte_array_set_size (forged, 0);
      g_byte_array_append (forged, full, last->offset + last->length);
      put_le32 (header + 4, plen);
      crc = reference_crc32 (0, header, 8);
      crc = reference_crc32 (crc, (const guint8 *) payloads[i], plen);
      put_le32 (header + 8, crc);
      g_byte_array_append (forged, header, RECORD_HEADER);
      g_byte_array_append (forged, (const guint8 *) payloads[i], plen);
      write_file (f->path, forged->data, forged->len);

      outbox = open_dropping_tail (f->path, RECORD_HEADER + plen);
      assert_ids (outbox, ids, 3);
      test_close (outbox);
    }
}

static void
test_outbox_corrupt_middle (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GBytes) bytes = journal_with_three (f, &ids, &records);
  gsize len;
  const guint8 *full = g_bytes_get_data (bytes, &len);
  Record *second = &g_array_index (records, Record, 1);
  g_autofree guint8 *copy = g_memdup2 (full, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) untouched = NULL;
  g_autofree char *where = g_strdup_printf ("byte %" G_GSIZE_FORMAT, second->offset);
  g_autofree char *damaged_copy = NULL;
  VzOutbox *outbox;

  copy[second->offset + RECORD_HEADER + 5] ^= 0x20;
  write_file (f->path, copy, len);

  /* Damage with good records after it is not a torn write: an error. */
  outbox = vz_outbox_new (f->path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_null (outbox);
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "the 1 change saved before that point is intact"));

  /* ...and nothing on disk was touched. */
  untouched = read_file (f->path);
  g_assert_cmpmem (g_bytes_get_data (untouched, NULL), g_bytes_get_size (untouched), copy, len);

  /* The lock was released by the failed open. */
  g_clear_error (&error);
  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_WARNING, "*damaged at byte*kept the 1 changes*");
  outbox = vz_outbox_new (f->path, VZ_OUTBOX_OPEN_SALVAGE, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  assert_ids (outbox, ids, 1);
  test_close (outbox);

  /* The damaged original is kept aside, byte for byte. */
  {
    g_autoptr(GDir) dir = NULL;
    g_autofree char *folder = g_path_get_dirname (f->path);
    const char *name;

    dir = g_dir_open (folder, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "outbox.journal.damaged-"))
        damaged_copy = g_build_filename (folder, name, NULL);
  }
  g_assert_nonnull (damaged_copy);
  {
    g_autoptr(GBytes) saved = read_file (damaged_copy);

    g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), copy, len);
  }
  g_unlink (damaged_copy);

  /* The salvaged journal opens cleanly afterwards. */
  outbox = test_open (f->path);
  assert_ids (outbox, ids, 1);
  test_close (outbox);
}

static void
test_outbox_random_damage (Fixture       *f,
                           gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (40, 40);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *full;

  test_enqueue_all (outbox, list);
  for (guint i = 0; i < 10; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (list, i));

      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (i % 2 ? vz_outbox_mark_done (outbox, id, &error)
                           : vz_outbox_mark_conflict (outbox, id, "Changed.", &error));
    }
  {
    g_autoptr(GPtrArray) batch = make_renames (5, 5);

    g_assert_null (test_enqueue_batch (outbox, batch));
  }
  g_assert_no_error (error);
  test_close (outbox);
  bytes = read_file (f->path);
  full = g_bytes_get_data (bytes, &len);

  /* Flipped bytes, zeroed runs and cuts anywhere: the journal either opens
   * (dropping a damaged tail) or fails with a sentence, and never crashes. */
  for (guint round = 0; round < 300; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (full, len);
      gsize copy_len = len;
      g_autoptr(GError) open_error = NULL;
      gsize at = (gsize) g_test_rand_int_range (0, (gint32) len);

      switch (round % 3)
        {
        case 0:
          copy[at] ^= (guint8) g_test_rand_int_range (1, 256);
          break;
        case 1:
          {
            /* Drawn once: MIN() evaluates its arguments twice. */
            gsize run = (gsize) g_test_rand_int_range (1, 64);

            memset (copy + at, 0, MIN (len - at, run));
          }
          break;
        default:
          copy_len = at;
          break;
        }
      write_file (f->path, copy, copy_len);

      outbox = vz_outbox_new (f->path, VZ_OUTBOX_OPEN_NONE, NULL, &open_error);
      if (outbox != NULL)
        {
          g_assert_no_error (open_error);
          /* Cutting off removals brings committed changes back (sent
           * again, the Idempotency-Key makes that harmless); nothing is
           * ever invented. */
          g_assert_cmpuint (vz_outbox_get_count (outbox), <=, 45);
          test_close (outbox);
        }
      else
        g_assert_true (g_error_matches (open_error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT) ||
                       g_error_matches (open_error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_AN_OUTBOX));
    }
}

static void
test_outbox_not_an_outbox (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (f->path);
  g_autoptr(GError) error = NULL;
  VzOutbox *outbox;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  write_file (f->path, (const guint8 *) "{\"this is\": \"a settings file\"}", 30);
  outbox = vz_outbox_new (f->path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_null (outbox);
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_AN_OUTBOX);
}

static void
test_outbox_busy (Fixture       *f,
                  gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GError) error = NULL;
  VzOutbox *second;

  second = vz_outbox_new (f->path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_BUSY);
  test_close (outbox);

  /* Closing releases the lock. */
  outbox = test_open (f->path);
  test_close (outbox);
}

static void
new_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  VzOutbox **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vz_outbox_new_finish (result, &error);
  g_assert_no_error (error);
}

static void
on_added_in_this_thread (VzOutbox   *outbox,
                         VzMutation *m,
                         guint      *added)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*added)++;
}

static void
test_outbox_open_async (Fixture       *f,
                        gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = make_renames (20, 4);
  guint added = 0;

  test_enqueue_all (outbox, list);
  test_close (outbox);

  outbox = NULL;
  vz_outbox_new_async (f->path, VZ_OUTBOX_OPEN_NONE, G_PRIORITY_DEFAULT, NULL, new_done, &outbox);
  while (outbox == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 20);

  /* Loaded in a thread, but it completes on this thread's context. */
  g_signal_connect (outbox, "mutation-added", G_CALLBACK (on_added_in_this_thread), &added);
  {
    g_autoptr(VzMutation) m = test_make_rename ("x", "y", "z");

    test_enqueue_one (outbox, m);
  }
  g_assert_cmpuint (added, ==, 1);
  test_close (outbox);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/outbox/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/outbox/crc-reference", test_outbox_crc_reference);
  ADD ("create-empty", test_outbox_create_empty);
  ADD ("journal-encoding", test_outbox_journal_encoding);
  ADD ("reopen-same-order", test_outbox_reopen_same_order);
  ADD ("torn-last-record", test_outbox_torn_last_record);
  ADD ("bad-crc-last-record", test_outbox_bad_crc_last_record);
  ADD ("bad-json-last-record", test_outbox_bad_json_last_record);
  ADD ("corrupt-middle", test_outbox_corrupt_middle);
  ADD ("random-damage", test_outbox_random_damage);
  ADD ("not-an-outbox", test_outbox_not_an_outbox);
  ADD ("busy", test_outbox_busy);
  ADD ("open-async", test_outbox_open_async);

#undef ADD

  return g_test_run ();
}
