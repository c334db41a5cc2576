/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-outbox-private.h"
#include "vz-wire-json.h"

/* ------------------------------------------------------------------------ */
/* Loading */

typedef struct {
  VzOutbox *self;
  VzOutboxJournal *journal;
  gsize good_end;           /* end of the last record applied */
} Loader;

static gboolean
load_fail (GError     **error,
           const char  *why)
{
  g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, why);
  return FALSE;
}

static gboolean
apply_add (Loader      *loader,
           JsonNode    *node,
           gsize        off,
           guint32      rec_len,
           GError     **error)
{
  g_autoptr(VzMutation) mutation = vz_mutation_new_from_json (node, error);

  if (mutation == NULL)
    return FALSE;
  if (g_hash_table_contains (loader->self->by_id, vz_mutation_get_id (mutation)))
    return load_fail (error, "a change is added twice");

  _vz_outbox_insert_entry (loader->self, mutation);
  _vz_outbox_journal_live_add (loader->journal, vz_mutation_get_id (mutation), off, rec_len, FALSE);
  return TRUE;
}

/* A batch is applied whole or not at all: every nested record is checked
 * and parsed before the first one is added. */
static gboolean
apply_batch (Loader        *loader,
             const guint8  *data,
             gsize          off,
             gsize          payload_len,
             GError       **error)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gsize end = off + RECORD_HEADER_SIZE + payload_len;
  gsize p = off + RECORD_HEADER_SIZE;

  while (p < end)
    {
      char kind;
      gsize nested_len;
      g_autoptr(JsonNode) node = NULL;
      VzMutation *mutation;
      guint32 rec_len;

      if (_vz_outbox_record_parse_full (data, end, p, TRUE, &kind, &nested_len) != RECORD_OK)
        return load_fail (error, "a batch holds a damaged record");
      node = vz_wire_json_parse ((const char *) data + p + RECORD_HEADER_SIZE, nested_len, error);
      if (node == NULL)
        return FALSE;
      mutation = vz_mutation_new_from_json (node, error);
      if (mutation == NULL)
        return FALSE;
      g_ptr_array_add (mutations, mutation);
      if (g_hash_table_contains (loader->self->by_id, vz_mutation_get_id (mutation)) ||
          !g_hash_table_add (ids, (gpointer) vz_mutation_get_id (mutation)))
        return load_fail (error, "a change is added twice");
      rec_len = RECORD_HEADER_SIZE + (guint32) nested_len;
      g_array_append_val (offsets, p);
      g_array_append_val (lengths, rec_len);
      p += rec_len;
    }
  if (mutations->len == 0)
    return load_fail (error, "a batch is empty");

  for (guint i = 0; i < mutations->len; i++)
    {
      VzMutation *mutation = g_ptr_array_index (mutations, i);

      _vz_outbox_insert_entry (loader->self, mutation);
      _vz_outbox_journal_live_add (loader->journal, vz_mutation_get_id (mutation),
                                   (gint64) g_array_index (offsets, gsize, i),
                                   g_array_index (lengths, guint32, i), TRUE);
    }
  return TRUE;
}

/* Updates and removals name a change already loaded by its id. @what says
 * which kind of record it is, for the error. */
static VzOutboxEntry *
named_entry (Loader      *loader,
             JsonNode    *node,
             const char  *what,
             GError     **error)
{
  JsonNode *member;
  VzOutboxEntry *entry;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, "%s is not an object", what);
      return NULL;
    }
  member = json_object_get_member (json_node_get_object (node), "id");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, "%s has no id", what);
      return NULL;
    }
  entry = g_hash_table_lookup (loader->self->by_id, json_node_get_string (member));
  if (entry == NULL)
    g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT,
                 "%s names a change that is not queued", what);
  return entry;
}

static gboolean
apply_update (Loader      *loader,
              JsonNode    *node,
              gsize        off,
              guint32      rec_len,
              GError     **error)
{
  JsonObject *obj;
  JsonNode *member;
  VzOutboxEntry *entry;
  VzMutationState state;
  const char *last_error = NULL;
  gint64 attempts;

  if ((entry = named_entry (loader, node, "an update", error)) == NULL)
    return FALSE;
  obj = json_node_get_object (node);

  member = json_object_get_member (obj, "state");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING ||
      !vz_mutation_state_from_string (json_node_get_string (member), &state))
    return load_fail (error, "an update has no valid state");

  member = json_object_get_member (obj, "attempts");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_INT64 ||
      (attempts = json_node_get_int (member)) < 0 || attempts > G_MAXUINT)
    return load_fail (error, "an update has no valid attempt count");

  member = json_object_get_member (obj, "lastError");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (json_node_get_value_type (member) != G_TYPE_STRING)
        return load_fail (error, "an update has an error that is not text");
      last_error = json_node_get_string (member);
    }

  vz_mutation_set_state (entry->mutation, state);
  vz_mutation_set_attempts (entry->mutation, (guint) attempts);
  vz_mutation_set_last_error (entry->mutation, last_error);
  _vz_outbox_journal_live_update (loader->journal, vz_mutation_get_id (entry->mutation), off, rec_len);
  return TRUE;
}

static gboolean
apply_remove (Loader      *loader,
              JsonNode    *node,
              GError     **error)
{
  VzOutboxEntry *entry;
  g_autofree char *id = NULL;

  if ((entry = named_entry (loader, node, "a removal", error)) == NULL)
    return FALSE;

  id = g_strdup (vz_mutation_get_id (entry->mutation));
  g_object_unref (_vz_outbox_unlink_entry (loader->self, entry, NULL));
  _vz_outbox_journal_live_remove (loader->journal, id);
  return TRUE;
}

static gboolean
apply_record (Loader        *loader,
              const guint8  *data,
              gsize          off,
              char           kind,
              gsize          payload_len,
              GError       **error)
{
  const char *payload = (const char *) data + off + RECORD_HEADER_SIZE;
  guint32 rec_len = RECORD_HEADER_SIZE + (guint32) payload_len;
  g_autoptr(JsonNode) node = NULL;

  if (kind == REC_BATCH)
    return apply_batch (loader, data, off, payload_len, error);

  node = vz_wire_json_parse (payload, payload_len, error);
  if (node == NULL)
    return FALSE;

  switch (kind)
    {
    case REC_ADD:
      return apply_add (loader, node, off, rec_len, error);
    case REC_UPDATE:
      return apply_update (loader, node, off, rec_len, error);
    case REC_REMOVE:
      return apply_remove (loader, node, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
save_damaged_copy (const char    *path,
                   const guint8  *data,
                   gsize          len,
                   char         **out_copy,
                   GError       **error)
{
  g_autofree char *copy = g_strdup_printf ("%s.damaged-%" G_GINT64_FORMAT,
                                           path, g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (copy, (const char *) data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The damaged offline queue “%s” could not be copied aside: %s"),
                   path, local_error->message);
      return FALSE;
    }
  *out_copy = g_steal_pointer (&copy);
  return TRUE;
}

gboolean
_vz_outbox_load_journal (VzOutbox      *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len;
  gsize off;
  Loader loader = { self, self->journal, FILE_HEADER_SIZE };

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (!_vz_outbox_journal_create_file (self->path, error))
        return FALSE;
      self->journal->size = FILE_HEADER_SIZE;
      return TRUE;
    }

  mapped = g_mapped_file_new (self->path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue could not be read: %s"), local_error->message);
      return FALSE;
    }
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  len = g_mapped_file_get_length (mapped);

  /* An empty file is what a crash leaves between creating and renaming
   * on some file systems; it holds nothing to lose. */
  if (len == 0)
    {
      g_clear_pointer (&mapped, g_mapped_file_unref);
      if (!_vz_outbox_journal_create_file (self->path, error))
        return FALSE;
      self->journal->size = FILE_HEADER_SIZE;
      return TRUE;
    }
  if (len < FILE_HEADER_SIZE || memcmp (data, FILE_MAGIC, 8) != 0 ||
      read_u32 (data + 8) != FILE_VERSION)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_AN_OUTBOX,
                   _("The file “%s” is not an offline queue of this version of Vizora."),
                   self->path);
      return FALSE;
    }

  off = FILE_HEADER_SIZE;
  while (off < len)
    {
      char kind = 0;
      gsize payload_len = 0;
      VzOutboxRecordStatus status = _vz_outbox_record_parse (data, len, off, &kind, &payload_len);

      g_clear_error (&local_error);
      if (status == RECORD_OK &&
          apply_record (&loader, data, off, kind, payload_len, &local_error))
        {
          off += RECORD_HEADER_SIZE + payload_len;
          loader.good_end = off;
          if ((self->next_seq & 0xfff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          continue;
        }

      if (!_vz_outbox_record_valid_after (data, len, off))
        {
          /* What a crash in the middle of a write leaves behind: expected,
           * so below warning level (damage with whole records after it is
           * not a torn write, and stays a warning or an error below). */
          g_message ("The offline queue %s ended with an incomplete or damaged record "
                     "(an interrupted write); dropped its last %" G_GSIZE_FORMAT " bytes",
                     self->path, len - off);
          g_clear_pointer (&mapped, g_mapped_file_unref);
          if (!_vz_outbox_journal_truncate_file (self->path, off, error))
            return FALSE;
          break;
        }

      if (self->flags & VZ_OUTBOX_OPEN_SALVAGE)
        {
          g_autofree char *copy = NULL;

          if (!save_damaged_copy (self->path, data, len, &copy, error))
            return FALSE;
          g_warning ("The offline queue %s is damaged at byte %" G_GSIZE_FORMAT "; kept the %u "
                     "changes before it and saved the damaged file as %s",
                     self->path, off, g_sequence_get_length (self->items), copy);
          g_clear_pointer (&mapped, g_mapped_file_unref);
          if (!_vz_outbox_journal_truncate_file (self->path, off, error))
            return FALSE;
          break;
        }

      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The offline queue “%s” is damaged at byte %lu: "
                                "the %u change saved before that point is intact, but what "
                                "follows cannot be read. Nothing was changed on disk.",
                                "The offline queue “%s” is damaged at byte %lu: "
                                "the %u changes saved before that point are intact, but what "
                                "follows cannot be read. Nothing was changed on disk.",
                                g_sequence_get_length (self->items)),
                   /* No G_GSIZE_FORMAT here: xgettext cannot see through it. */
                   self->path, (gulong) off, (guint) g_sequence_get_length (self->items));
      return FALSE;
    }

  self->journal->size = loader.good_end;
  return TRUE;
}
