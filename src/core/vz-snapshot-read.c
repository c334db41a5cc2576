/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-memory.h"
#include "vz-snapshot-private.h"
#include "vz-wire-json.h"

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

typedef VzSnapshotRead LoadData;

void
_vz_snapshot_read_free (VzSnapshotRead *data)
{
  g_clear_pointer (&data->members, g_strfreev);
  g_clear_pointer (&data->types, g_free);
  g_clear_pointer (&data->skipped, g_strfreev);
  g_clear_pointer (&data->lists, g_hash_table_unref);
  g_clear_pointer (&data->decoded, g_hash_table_unref);
  g_clear_pointer (&data->taken, g_date_time_unref);
  g_free (data);
}

#define load_data_free _vz_snapshot_read_free

static gboolean
corrupt (GError    **error,
         const char *path,
         const char *why)
{
  g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_CORRUPT,
               _("The saved fleet in %s cannot be used: %s"), path, why);
  return FALSE;
}

/* The reading thread's state while the saved fleet's lists stream past. */
typedef struct {
  const char * const *members;
  const GType        *types;
  GPtrArray         **lists;      /* one per member: JsonObject* */
  GHashTable        **ids;        /* one per member: the ids decoded */
  GHashTable         *decoded;    /* JsonObject* → VzEntity* */
  GCancellable       *cancellable;
  guint               count;
} Stream;

/*
 * Each record is decoded into a new entity of its store's type as soon as it
 * is read, here in the reading thread (a new entity is nobody else's until it
 * is handed over; the main thread then only puts it in its store), and only
 * a stand-in of it stays: the records are freed one by one rather than
 * making a tree of the whole fleet first. A record that does not decode,
 * and a later copy of an id, stay whole for the store, which decodes them
 * again (and says why one does not decode, or lets the later copy win).
 * Anything but an object is skipped.
 */
static gboolean
take_record (const char  *member,
             JsonNode    *element,
             gpointer     user_data,
             GError     **error)
{
  Stream *stream = user_data;
  g_autoptr(JsonNode) node = element;
  JsonObject *obj;
  JsonObject *stub = NULL;
  const char *id;
  guint i = 0;

  while (!g_str_equal (stream->members[i], member))
    i++;
  if (++stream->count % 512 == 0 && g_cancellable_set_error_if_cancelled (stream->cancellable, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;

  obj = json_node_get_object (node);
  id = _vz_json_string (obj, "id");
  if (id != NULL)
    stub = vz_store_decode_ahead (stream->types[i], obj, id, stream->ids[i], stream->decoded);
  g_ptr_array_add (stream->lists[i], stub != NULL ? stub : json_object_ref (obj));
  return TRUE;
}

/* Cancelled: its caller wants the saved fleet no longer (a live read
 * landed first), so the rest of the work is not done. */
static gboolean
read_cancelled (GCancellable  *cancellable,
                GError       **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

LoadData *
_vz_snapshot_read_document (const char         *path,
                            const char * const *members,
                            const GType        *types,
                            const char * const *skipped,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  LoadData *data;
  JsonObject *root;
  JsonNode *version;
  const char *format;
  const char *saved_at;
  gsize length;
  Stream stream;
  guint n;
  guint n_skipped = skipped != NULL ? g_strv_length ((char **) skipped) : 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED,
                     _("No fleet was saved for offline use yet."));
      else
        g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                     _("The saved fleet could not be read: %s"), local_error->message);
      return NULL;
    }

  if (read_cancelled (cancellable, error))
    return NULL;

  data = g_new0 (LoadData, 1);
  data->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  data->decoded = vz_store_decoded_new ();
  n = g_strv_length ((char **) members);
  stream.members = members;
  stream.types = types;
  stream.lists = g_new0 (GPtrArray *, n);
  stream.ids = g_new0 (GHashTable *, n);
  stream.decoded = data->decoded;
  stream.cancellable = cancellable;
  stream.count = 0;
  for (guint i = 0; i < n; i++)
    {
      stream.lists[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      stream.ids[i] = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (data->lists, g_strdup (members[i]), stream.lists[i]);
    }

  /* The wire's reader, as for a server read: JsonParser turns a lone
   * surrogate escape into invalid UTF-8 (which then cannot be saved back).
   * The lists skipped are read as strictly, so that a damaged file is
   * refused whole whichever sections are read. */
  document = vz_wire_json_parse_streamed_skipping (contents, length, members, skipped, take_record, &stream,
                                                   &local_error);
  g_clear_pointer (&contents, g_free);
  for (guint i = 0; i < n; i++)
    g_hash_table_unref (stream.ids[i]);
  g_free (stream.ids);
  g_free (stream.lists);
  if (document != NULL && read_cancelled (cancellable, &local_error))
    g_clear_pointer (&document, json_node_unref);
  if (document == NULL)
    {
      load_data_free (data);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        corrupt (error, path, _("it is not valid JSON (the file is damaged)."));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (document))
    {
      load_data_free (data);
      corrupt (error, path, _("it is not a saved fleet."));
      return NULL;
    }
  root = json_node_get_object (document);
  format = _vz_json_string (root, "format");
  version = json_object_get_member (root, "version");
  if (g_strcmp0 (format, SNAPSHOT_FORMAT) != 0 || version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    {
      load_data_free (data);
      corrupt (error, path, _("it is not a saved fleet."));
      return NULL;
    }
  if (json_node_get_int (version) != SNAPSHOT_VERSION)
    {
      load_data_free (data);
      corrupt (error, path, _("it was saved by another version of Vizora."));
      return NULL;
    }

  saved_at = _vz_json_string (root, "savedAt");
  data->taken = saved_at != NULL ? g_date_time_new_from_iso8601 (saved_at, utc) : NULL;
  if (data->taken == NULL)
    {
      load_data_free (data);
      corrupt (error, path, _("parts of it are missing."));
      return NULL;
    }
  /* A kind the saved fleet has no list for (one added since) reads as
   * empty; a list that is not an array is damage. */
  for (guint i = 0; i < n + n_skipped; i++)
    {
      JsonNode *list = json_object_get_member (root, i < n ? members[i] : skipped[i - n]);

      if (list != NULL && !JSON_NODE_HOLDS_ARRAY (list))
        {
          load_data_free (data);
          corrupt (error, path, _("parts of it are missing."));
          return NULL;
        }
    }
  return data;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *request = task_data;
  GError *error = NULL;
  LoadData *data = _vz_snapshot_read_document (g_object_get_data (G_OBJECT (task), "path"),
                                               (const char * const *) request->members, request->types,
                                               (const char * const *) request->skipped, cancellable, &error);

  if (data == NULL)
    {
      /* What a cancelled read had parsed is freed by now. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vz_memory_trim ();
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, data, (GDestroyNotify) load_data_free);
}

static GDateTime *
apply (VzSnapshot *self,
       LoadData   *data)
{
  /* In the order the sections were added (linked kinds first). Entries
   * that do not decode are skipped; the rest of the fleet is still worth
   * seeing. */
  for (guint i = 0; i < self->sections->len; i++)
    {
      VzSnapshotSection *section = g_ptr_array_index (self->sections, i);
      GPtrArray *list = g_hash_table_lookup (data->lists, section->member);
      g_autoptr(GError) decode_error = NULL;

      if (list != NULL && !vz_store_replace_all_decoded (section->store, list, data->decoded, &decode_error))
        g_message ("Some saved records (%s) were skipped: %s", section->member, decode_error->message);
    }

  /* What is on disk is what is in the stores now: nothing to save. */
  g_clear_handle_id (&self->save_source, g_source_remove);
  _vz_snapshot_set_dirty (self, FALSE);
  _vz_snapshot_set_saved_at (self, data->taken);
  return g_date_time_ref (data->taken);
}

/* Takes @data, NULL when the file could not be read (the error is set). */
static GDateTime *
apply_and_free (VzSnapshot *self,
                LoadData   *data)
{
  GDateTime *taken;

  if (data == NULL)
    return NULL;
  taken = apply (self, data);
  load_data_free (data);
  return taken;
}

/* What the reading thread needs of the sections: the members and their
 * stores' entity types of those in @wanted (NULL: all), and the members of
 * the others, to be checked only (NULL when there are none). Copied: the
 * sections stay with the main thread. */
static void
section_members (VzSnapshot          *self,
                 const char * const  *wanted,
                 GStrv               *members,
                 GType              **types,
                 GStrv               *skipped)
{
  g_autoptr(GStrvBuilder) others = g_strv_builder_new ();
  guint n = 0;

  *members = g_new0 (char *, self->sections->len + 1);
  *types = g_new0 (GType, self->sections->len + 1);
  for (guint i = 0; i < self->sections->len; i++)
    {
      VzSnapshotSection *section = g_ptr_array_index (self->sections, i);

      if (wanted != NULL && !g_strv_contains (wanted, section->member))
        {
          g_strv_builder_add (others, section->member);
          continue;
        }
      (*members)[n] = g_strdup (section->member);
      (*types)[n++] = vz_store_get_entity_type (section->store);
    }
  *skipped = n < self->sections->len ? g_strv_builder_end (others) : NULL;
}

/* Loading into the stores and reading for a caller parse the file the same
 * way, off the main loop; they differ in what their finish does. */
static void
read_in_thread (VzSnapshot          *self,
                const char * const  *wanted,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LoadData *request = g_new0 (LoadData, 1);

  section_members (self, wanted, &request->members, &request->types, &request->skipped);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) load_data_free);
  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (self->path), g_free);
  /* The app may have started reading this file before it knew it would. */
  if (!_vz_snapshot_prefetch_claim (self->path, (const char * const *) request->members, request->types,
                                    (const char * const *) request->skipped, task))
    _vz_snapshot_read_in_thread (task);
}

void
_vz_snapshot_read_in_thread (GTask *task)
{
  g_task_run_in_thread (task, load_thread);
}

void
vz_snapshot_load_async (VzSnapshot          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  read_in_thread (self, NULL, vz_snapshot_load_async, cancellable, callback, user_data);
}

GDateTime *
vz_snapshot_load_finish (VzSnapshot    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return apply_and_free (self, g_task_propagate_pointer (G_TASK (result), error));
}

GDateTime *
vz_snapshot_load (VzSnapshot  *self,
                  GError     **error)
{
  g_auto(GStrv) members = NULL;
  g_auto(GStrv) skipped = NULL;
  g_autofree GType *types = NULL;

  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);

  section_members (self, NULL, &members, &types, &skipped);
  return apply_and_free (self, _vz_snapshot_read_document (self->path, (const char * const *) members, types, NULL,
                                                           NULL, error));
}

static void
drop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GHashTable **tables = task_data;

  g_clear_pointer (&tables[0], g_hash_table_unref);
  g_clear_pointer (&tables[1], g_hash_table_unref);
  /* The parsed snapshot was most of the heap a moment ago. */
  vz_memory_trim ();
  g_task_return_boolean (task, TRUE);
}

void
vz_snapshot_drop_read (GHashTable *lists,
                       GHashTable *decoded)
{
  g_autoptr(GTask) task = NULL;
  GHashTable **tables;

  if (lists == NULL && decoded == NULL)
    return;
  /* Freed where nothing else runs: the tables hold the only references to
   * their objects (the stores took the entities they use). */
  tables = g_new0 (GHashTable *, 2);
  tables[0] = lists;
  tables[1] = decoded;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, vz_snapshot_drop_read);
  g_task_set_task_data (task, tables, g_free);
  g_task_run_in_thread (task, drop_thread);
}

/* For a caller that does not take the decoded entities: each stand-in
 * gives way to its record whole. */
static void
whole_records (LoadData *data)
{
  GHashTableIter iter;
  GPtrArray *list;

  g_hash_table_iter_init (&iter, data->lists);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    for (guint i = 0; i < list->len; i++)
      {
        JsonObject *whole = vz_store_record_whole (data->decoded, g_ptr_array_index (list, i));

        json_object_unref (g_ptr_array_index (list, i));
        g_ptr_array_index (list, i) = whole;
      }
}

void
vz_snapshot_read_async (VzSnapshot          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  read_in_thread (self, NULL, vz_snapshot_read_async, cancellable, callback, user_data);
}

void
vz_snapshot_read_sections_async (VzSnapshot          *self,
                                 const char * const  *members,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));
  g_return_if_fail (members != NULL);

  read_in_thread (self, members, vz_snapshot_read_async, cancellable, callback, user_data);
}

GDateTime *
vz_snapshot_read_finish (VzSnapshot    *self,
                         GAsyncResult  *result,
                         GHashTable   **lists,
                         GHashTable   **decoded,
                         GError       **error)
{
  LoadData *data;
  GDateTime *taken;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_snapshot_read_async), NULL);
  g_return_val_if_fail (lists != NULL, NULL);

  data = g_task_propagate_pointer (G_TASK (result), error);
  if (data == NULL)
    return NULL;
  if (decoded != NULL)
    *decoded = g_steal_pointer (&data->decoded);
  else
    whole_records (data);
  *lists = g_steal_pointer (&data->lists);
  taken = g_date_time_ref (data->taken);
  _vz_snapshot_set_saved_at (self, taken);
  load_data_free (data);
  return taken;
}

