/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* Deleted records made again, for every kind that can be (VzResourceRestore,
 * vz-resource.h): the copy a delete keeps, what a landed delete's Undo
 * entry then says, the create that Undo queues, how it shows and lands, and
 * the records of other kinds pointed at the new record afterwards. */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

/* The ids of @referrer's kind whose field names @id, as a JSON array, or
 * NULL when there are none; with @records (for a cascade) their saved
 * copies. */
static JsonArray *
referring_ids (VzSyncEngine             *self,
               const VzResourceReferrer *referrer,
               const char               *id,
               JsonArray               **records)
{
  VzKind *kind = _vz_sync_engine_kind (self, referrer->kind);
  const VzResourceField *field = kind != NULL ? vz_resource_find_field (kind->resource, referrer->key) : NULL;
  JsonArray *ids = NULL;
  guint n;

  *records = NULL;
  if (field == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (kind->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzEntity) record = g_list_model_get_item (G_LIST_MODEL (kind->store), i);
      g_autofree char *value = vz_resource_dup_field (kind->resource, field, record);

      if (g_strcmp0 (value, id) != 0)
        continue;
      if (ids == NULL)
        ids = json_array_new ();
      json_array_add_string_element (ids, vz_entity_get_id (record));
      if (referrer->cascade && kind->resource->restore != NULL)
        {
          if (*records == NULL)
            *records = json_array_new ();
          json_array_add_object_element (*records, vz_resource_record_json (record));
        }
    }
  return ids;
}

/* What the records of the restore's holder kind held of @id (a playlist's
 * items of a content item): [{"id": holder id, "held": …}], or NULL. */
static JsonArray *
held_by (VzSyncEngine            *self,
         const VzResourceRestore *restore,
         const char              *id)
{
  VzKind *kind = restore->holder_kind != NULL ? _vz_sync_engine_kind (self, restore->holder_kind) : NULL;
  JsonArray *holders = NULL;
  guint n;

  if (kind == NULL || restore->held == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (kind->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzEntity) holder = g_list_model_get_item (G_LIST_MODEL (kind->store), i);
      JsonNode *held = restore->held (holder, id);
      JsonObject *one;

      if (held == NULL)
        continue;
      one = json_object_new ();
      json_object_set_string_member (one, "id", vz_entity_get_id (holder));
      json_object_set_member (one, "held", held);
      if (holders == NULL)
        holders = json_array_new ();
      json_array_add_object_element (holders, one);
    }
  return holders;
}

JsonObject *
_vz_sync_engine_saved_copies (VzSyncEngine       *self,
                              VzKind             *kind,
                              const char * const *ids,
                              guint               n_ids)
{
  const VzResourceRestore *restore = kind->resource->restore;
  g_autoptr(JsonObject) records = NULL;
  JsonObject *previous;

  if (restore == NULL)
    return NULL;
  records = json_object_new ();
  for (guint i = 0; i < n_ids; i++)
    {
      VzEntity *record = vz_store_lookup (kind->store, ids[i]);
      JsonObject *saved;
      JsonArray *referrers;
      JsonArray *holders;

      if (record == NULL)
        continue;
      saved = json_object_new ();
      referrers = json_array_new ();
      json_object_set_object_member (saved, "record", vz_resource_record_json (record));
      for (guint j = 0; restore->referrers != NULL && restore->referrers[j].kind != NULL; j++)
        {
          JsonArray *copies = NULL;
          JsonArray *referring = referring_ids (self, &restore->referrers[j], ids[i], &copies);
          JsonObject *one;

          if (referring == NULL)
            continue;
          one = json_object_new ();
          json_object_set_string_member (one, "kind", restore->referrers[j].kind);
          json_object_set_string_member (one, "key", restore->referrers[j].key);
          json_object_set_array_member (one, "ids", referring);
          if (copies != NULL)
            json_object_set_array_member (one, "records", copies);
          json_array_add_object_element (referrers, one);
        }
      json_object_set_array_member (saved, "referrers", referrers);
      holders = held_by (self, restore, ids[i]);
      if (holders != NULL)
        json_object_set_array_member (saved, "holders", holders);
      json_object_set_object_member (records, ids[i], saved);
    }
  previous = json_object_new ();
  json_object_set_object_member (previous, "records", g_steal_pointer (&records));
  return previous;
}

/* What @m kept of the record @id, or NULL. */
static JsonObject *
saved_copy (VzMutation *m,
            const char *id)
{
  return _vz_json_object (_vz_json_object (vz_mutation_get_previous (m), "records"), id);
}

/* The body that makes the record @id of the landed delete @m again
 * (transfer full), or NULL with the reason it cannot be made again. */
static JsonObject *
restore_body (VzKind      *kind,
              VzMutation  *m,
              const char  *id,
              GError     **error)
{
  const VzResourceRestore *restore = kind->resource->restore;
  JsonObject *record = _vz_json_object (saved_copy (m, id), "record");
  g_autoptr(GError) local_error = NULL;
  JsonObject *body;

  if (restore == NULL || record == NULL)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           vz_words_translate (kind->resource->words->no_undelete));
      return NULL;
    }
  body = restore->body (record, &local_error);
  if (body == NULL)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                             vz_words_translate (kind->resource->words->no_undelete));
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE, local_error->message);
    }
  return body;
}

void
_vz_sync_engine_delete_landed (VzSyncEngine *self,
                               VzKind       *kind,
                               VzMutation   *m)
{
  const VzResourceRestore *restore = kind->resource->restore;
  const char * const *ids = vz_mutation_get_entity_ids (m);
  const char *label = vz_undo_stack_lookup_label (self->undo, vz_mutation_get_id (m));
  g_autofree char *stale = NULL;

  /* The server changed the records that named it (a screen no longer
   * plays a deleted playlist): they show what it did. */
  for (guint i = 0; restore != NULL && restore->referrers != NULL && restore->referrers[i].kind != NULL; i++)
    {
      VzKind *referring = _vz_sync_engine_kind (self, restore->referrers[i].kind);

      if (referring != NULL)
        _vz_sync_engine_reread_kind (self, referring);
    }
  if (label == NULL)
    return;
  /* Undo's entry says so at once when Undo can no longer bring it back. */
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = restore_body (kind, m, ids[i], &error);

      if (body == NULL)
        {
          stale = vz_words_cannot_undo (label, error->message);
          vz_undo_stack_relabel (self->undo, vz_mutation_get_id (m), stale);
          return;
        }
    }
}

/* The create that makes @record (of @kind, made with @body) again;
 * @referrers (nullable) what to do once it is made. */
static VzMutation *
create_mutation (VzKind     *kind,
                 JsonObject *record,
                 JsonObject *body,
                 JsonNode   *referrers,
                 JsonNode   *holders)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
  const char *one[] = { _vz_json_string (record, "id"), NULL };

  json_object_set_object_member (changes, "record", json_object_ref (record));
  if (referrers != NULL && JSON_NODE_HOLDS_ARRAY (referrers))
    json_object_set_member (changes, "referrers", json_node_copy (referrers));
  if (holders != NULL && JSON_NODE_HOLDS_ARRAY (holders))
    json_object_set_member (changes, "holders", json_node_copy (holders));
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", kind->resource->name,
                       "entity-ids", one,
                       "operation", VZ_MUTATION_OP_CREATE,
                       "method", "POST",
                       "path", kind->resource->create_path != NULL ? kind->resource->create_path
                                                                   : kind->resource->collection,
                       "body", node,
                       "changes", changes,
                       NULL);
}

gboolean
_vz_sync_engine_restore_mutations (VzSyncEngine  *self,
                                   VzKind        *kind,
                                   VzMutation    *m,
                                   GPtrArray     *out,
                                   GError       **error)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      JsonObject *saved = saved_copy (m, ids[i]);
      g_autoptr(JsonObject) body = restore_body (kind, m, ids[i], error);

      if (body == NULL)
        return FALSE;
      g_ptr_array_add (out, create_mutation (kind, _vz_json_object (saved, "record"), body,
                                             json_object_get_member (saved, "referrers"),
                                             json_object_get_member (saved, "holders")));
    }
  return TRUE;
}

/* The records the server deleted with the one made again as @new_id (a
 * playlist's schedules), made again naming it (through @key). */
static void
restore_cascade (VzSyncEngine *self,
                 const char   *kind_name,
                 const char   *key,
                 JsonArray    *records,
                 const char   *new_id)
{
  VzKind *kind = kind_name != NULL ? _vz_sync_engine_kind (self, kind_name) : NULL;
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func (g_object_unref);
  GTask *task;

  if (kind == NULL || kind->resource->restore == NULL || key == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      g_autoptr(JsonObject) record = NULL;
      g_autoptr(JsonObject) body = NULL;
      g_autoptr(GError) error = NULL;

      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node) || _vz_json_string (json_node_get_object (node), "id") == NULL)
        continue;
      /* A copy: the saved one belongs to the change. */
      record = json_object_new ();
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (record, member, json_node_copy (value));
      json_object_set_string_member (record, vz_resource_member_for (kind->resource, key), new_id);
      body = kind->resource->restore->body (record, &error);
      if (body == NULL)
        {
          g_debug ("A %s deleted with its %s cannot be made again: %s", kind_name, key, error->message);
          continue;
        }
      g_ptr_array_add (mutations, create_mutation (kind, record, body, NULL, NULL));
    }
  if (mutations->len == 0)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, restore_cascade);
  _vz_sync_engine_queue (self, task, mutations, NULL, FALSE);
}

/* What @holder_id held of the record made again as @new_id, put back (the
 * holder's own edits, queued as part of the Undo: no toast, no entry). */
static void
hold_again (VzSyncEngine            *self,
            const VzResourceRestore *restore,
            const char              *holder_id,
            JsonNode                *held,
            const char              *new_id,
            JsonObject              *made)
{
  VzKind *kind = restore->holder_kind != NULL ? _vz_sync_engine_kind (self, restore->holder_kind) : NULL;
  VzEntity *holder = kind != NULL && holder_id != NULL ? vz_store_lookup (kind->store, holder_id) : NULL;
  g_autoptr(JsonArray) steps = NULL;
  g_autoptr(GPtrArray) mutations = NULL;
  GTask *task;

  if (holder == NULL || held == NULL || restore->hold_again == NULL)
    {
      g_debug ("A %s that held a record made again is gone", restore->holder_kind);
      return;
    }
  steps = restore->hold_again (holder, held, new_id, made);
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; steps != NULL && i < json_array_get_length (steps); i++)
    {
      JsonNode *node = json_array_get_element (steps, i);
      JsonObject *step = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const VzResourceEdit *edit = vz_resource_find_edit (kind->resource, _vz_json_string (step, "edit"));
      JsonObject *changes = _vz_json_object (step, "changes");
      JsonObject *previous = _vz_json_object (step, "previous");

      if (edit == NULL || changes == NULL || previous == NULL)
        continue;
      g_ptr_array_add (mutations, _vz_sync_engine_edit_mutation (self, kind, edit, holder, changes, previous));
    }
  if (mutations->len == 0)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, hold_again);
  _vz_sync_engine_queue (self, task, mutations, NULL, FALSE);
}

/* The record comes back at once under its old id, the one the person knew;
 * the server's answer gives it its new one. */
void
_vz_sync_engine_show_create (VzSyncEngine *self,
                             VzKind       *kind,
                             VzMutation   *m,
                             gboolean      forward)
{
  const char *id = vz_mutation_get_entity_id (m);
  JsonObject *record = _vz_json_object (vz_mutation_get_changes (m), "record");
  g_autoptr(GError) error = NULL;

  if (id == NULL || record == NULL)
    return;
  if (!forward)
    {
      vz_store_remove (kind->store, id);
      return;
    }
  if (vz_store_lookup (kind->store, id) != NULL)
    return;
  if (vz_store_upsert_json (kind->store, record, &error) == NULL)
    g_debug ("A record to make again does not fit its kind: %s", error->message);
}

gboolean
_vz_sync_engine_is_restoring (VzSyncEngine *self,
                              const char   *id)
{
  g_autoptr(GPtrArray) pending = NULL;

  if (self->outbox == NULL)
    return FALSE;
  pending = vz_outbox_list_for_entity (self->outbox, id);
  /* Those on their way into the journal too. */
  for (guint i = 0; i < self->enqueuing->len; i++)
    if (vz_mutation_touches (g_ptr_array_index (self->enqueuing, i), id))
      g_ptr_array_add (pending, g_ptr_array_index (self->enqueuing, i));
  for (guint i = 0; i < pending->len; i++)
    if (vz_mutation_get_operation (g_ptr_array_index (pending, i)) == VZ_MUTATION_OP_CREATE)
      return TRUE;
  return FALSE;
}

void
_vz_sync_engine_create_committed (VzSyncEngine *self,
                                  VzKind       *kind,
                                  VzMutation   *m,
                                  JsonNode     *answer)
{
  const VzResourceRestore *restore = kind->resource->restore;
  JsonObject *obj = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *new_id = _vz_json_string (obj, "id");
  const char *old_id = vz_mutation_get_entity_id (m);
  JsonArray *referrers = _vz_json_array (vz_mutation_get_changes (m), "referrers");
  JsonArray *holders = _vz_json_array (vz_mutation_get_changes (m), "holders");

  if (new_id == NULL)
    {
      /* Made, but not said as what: the list shows it. */
      vz_store_remove (kind->store, old_id);
      _vz_sync_engine_reread_kind (self, kind);
      return;
    }
  if (g_strcmp0 (old_id, new_id) != 0)
    {
      vz_store_remove (kind->store, old_id);
      g_hash_table_replace (self->aliases, g_strdup (old_id), g_strdup (new_id));
    }
  _vz_sync_engine_upsert (self, kind, obj);
  if (self->reading)
    g_hash_table_replace (kind->fresh, g_strdup (new_id), json_object_ref (obj));

  /* Those that were linked to it (a group's screens) join it again. */
  if (restore->linked != NULL)
    {
      g_auto(GStrv) linked = restore->linked (_vz_json_object (vz_mutation_get_changes (m), "record"));

      if (linked != NULL && linked[0] != NULL)
        _vz_sync_engine_link_again (self, restore->linked_kind, (const char * const *) linked, new_id);
    }

  /* The playlists that played it hold it again, where they did. */
  for (guint i = 0; holders != NULL && i < json_array_get_length (holders); i++)
    {
      JsonNode *node = json_array_get_element (holders, i);
      JsonObject *holder = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      hold_again (self, restore, _vz_json_string (holder, "id"),
                  holder != NULL ? json_object_get_member (holder, "held") : NULL, new_id, obj);
    }

  /* The screens that played it play it again. */
  for (guint i = 0; referrers != NULL && i < json_array_get_length (referrers); i++)
    {
      JsonNode *node = json_array_get_element (referrers, i);
      JsonObject *referrer = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *ids = _vz_json_array (referrer, "ids");
      const char *key = _vz_json_string (referrer, "key");
      g_autoptr(GPtrArray) strv = g_ptr_array_new ();

      for (guint j = 0; ids != NULL && j < json_array_get_length (ids); j++)
        {
          JsonNode *element = json_array_get_element (ids, j);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_ptr_array_add (strv, (gpointer) json_node_get_string (element));
        }
      g_ptr_array_add (strv, NULL);
      if (_vz_json_array (referrer, "records") != NULL)
        restore_cascade (self, _vz_json_string (referrer, "kind"), key, _vz_json_array (referrer, "records"), new_id);
      else if (key != NULL && strv->len > 1)
        _vz_sync_engine_point_at (self, _vz_json_string (referrer, "kind"), (const char * const *) strv->pdata,
                                  key, new_id);
    }
}
