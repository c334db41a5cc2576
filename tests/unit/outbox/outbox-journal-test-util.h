/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What test-outbox and test-outbox-model share: the journal's format read
 * independently of the implementation, the outbox's content as texts, and
 * a fixture with a journal path in a folder that does not exist yet. */

#include <string.h>

#include "outbox-test-util.h"

/* The journal format as documented in vz-outbox.h, read independently of
 * the implementation so that the tests check the format, not themselves. */
#define FILE_HEADER 16
#define RECORD_HEADER 12

typedef struct {
  gsize offset;      /* of the record header */
  gsize length;      /* header + payload */
  char kind;
} Record;

static guint32
reference_crc32 (guint32       crc,
                 const guint8 *data,
                 gsize         len)
{
  /* Bit by bit, straight from the IEEE 802.3 definition. */
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
  return ~crc;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static inline void
put_le32 (guint8  *p,
          guint32  v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

static inline GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static inline void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
}

/* Splits a journal into records, asserting the framing is sound. */
static inline GArray *
split_records (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GArray *records = g_array_new (FALSE, FALSE, sizeof (Record));
  gsize off = FILE_HEADER;

  g_assert_cmpuint (len, >=, FILE_HEADER);
  g_assert_cmpmem (data, 8, "VZOUTBOX", 8);
  g_assert_cmpuint (le32 (data + 8), ==, 1);
  g_assert_cmpuint (le32 (data + 12), ==, 0);

  while (off < len)
    {
      Record rec;
      guint32 payload_len;
      guint32 crc;

      g_assert_cmpuint (len - off, >=, RECORD_HEADER);
      g_assert_cmpint (data[off], ==, 'V');
      g_assert_cmpint (data[off + 1], ==, 'Z');
      g_assert_cmpint (data[off + 3], ==, 0);
      payload_len = le32 (data + off + 4);
      g_assert_cmpuint (len - off - RECORD_HEADER, >=, payload_len);
      crc = reference_crc32 (0, data + off, 8);
      crc = reference_crc32 (crc, data + off + RECORD_HEADER, payload_len);
      g_assert_cmphex (crc, ==, le32 (data + off + 8));

      rec.offset = off;
      rec.length = RECORD_HEADER + payload_len;
      rec.kind = (char) data[off + 2];
      g_array_append_val (records, rec);
      off += rec.length;
    }
  g_assert_cmpuint (off, ==, len);
  return records;
}

static inline JsonObject *
record_payload (GBytes *bytes,
                Record *rec)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  json_parser_load_from_data (parser, (const char *) data + rec->offset + RECORD_HEADER,
                              (gssize) rec->length - RECORD_HEADER, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static inline char *
mutation_text (VzMutation *m)
{
  g_autoptr(JsonNode) node = vz_mutation_to_json (m);

  return json_to_string (node, FALSE);
}

/* The outbox's content as a list of JSON texts, in model order. */
static inline GPtrArray *
snapshot (VzOutbox *outbox)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (outbox));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      g_ptr_array_add (texts, mutation_text (m));
    }
  return texts;
}

static inline void
assert_same_texts (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Reopens the journal at @path and asserts it holds the same changes, in the
 * same order and states, as @before. */
static inline VzOutbox *
reopen_same (const char *path,
             GPtrArray  *before)
{
  VzOutbox *outbox = test_open (path);
  g_autoptr(GPtrArray) after = snapshot (outbox);

  assert_same_texts (before, after);
  return outbox;
}

typedef struct {
  char *dir;
  char *path;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_make_tmpdir ();
  /* A folder that does not exist yet: the outbox creates it. */
  f->path = g_build_filename (f->dir, "accounts", "a-1", "outbox.journal", NULL);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *account = g_build_filename (f->dir, "accounts", "a-1", NULL);
  g_autofree char *accounts = g_build_filename (f->dir, "accounts", NULL);

  test_rm_rf (account);
  test_rm_rf (accounts);
  test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static inline GPtrArray *
make_renames (guint n,
              guint n_entities)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entity = g_strdup_printf ("display-%u", i % n_entities);
      g_autofree char *name = g_strdup_printf ("Screen %u", i);

      g_ptr_array_add (list, test_make_rename (entity, name, "Old name"));
    }
  return list;
}

/* Opens a journal whose tail is damaged, asserting the outbox says how many
 * bytes it dropped to repair it, below warning level: a torn last record is
 * what a crash leaves. */
static inline VzOutbox *
open_dropping_tail (const char *path,
                    gsize       dropped)
{
  g_autofree char *pattern = g_strdup_printf ("*dropped its last %" G_GSIZE_FORMAT " bytes*", dropped);
  VzOutbox *outbox;

  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_MESSAGE, pattern);
  outbox = test_open (path);
  g_test_assert_expected_messages ();
  return outbox;
}
