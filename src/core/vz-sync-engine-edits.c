/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The changes a person makes, for every kind of record: each is checked,
 * built into mutations (the requests, the values before, the base) and
 * queued by the optimistic layer (vz-sync-engine-changes.c). */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-merge.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

#define BULK_CHUNK 100

static char *
describe_action (VzSyncEngine *self,
                 VzKind       *kind,
                 GPtrArray    *mutations)
{
  return vz_words_describe_action (kind->resource, mutations, TRUE, _vz_sync_engine_words_lookup, self);
}

/* ------------------------------------------------------------------------ */
/* The changes                                                              */

/* The kind a change names, or NULL once the task has been answered. */
static VzKind *
kind_for (VzSyncEngine *self,
          GTask        *task,
          const char   *name)
{
  VzKind *kind = _vz_sync_engine_kind (self, name);

  if (kind == NULL)
    _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                     _("Vizora does not know records of the kind “%s”."), name));
  return kind;
}

/* The record a change names, or NULL once the task has been answered. */
static VzEntity *
record_for (GTask      *task,
            VzKind     *kind,
            const char *id)
{
  VzEntity *record = vz_store_lookup (kind->store, id);

  if (record == NULL)
    _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                                             vz_words_translate (kind->resource->words->gone)));
  return record;
}

static GTask *
change_task (VzSyncEngine        *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!_vz_sync_engine_can_write (self, task))
    return NULL;
  return task;
}

static gboolean
change_finish (VzSyncEngine  *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* FALSE once the task has been answered with the reason. */
static gboolean
check_ids (GTask              *task,
           VzKind             *kind,
           const char * const *ids)
{
  if (ids != NULL && ids[0] != NULL)
    return TRUE;
  _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                           vz_words_translate (kind->resource->words->none_selected)));
  return FALSE;
}

/* The mutation that brings @record to @changes, NULL when nothing differs;
 * FALSE with @error when @changes names what cannot change. @based: sent
 * with the record's updatedAt, so that a colleague's change in between is
 * a conflict rather than overwritten. */
static gboolean
build_update (VzKind      *kind,
              VzEntity    *record,
              JsonObject  *changes,
              gboolean     based,
              VzMutation **out,
              GError     **error)
{
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  const char *id = vz_entity_get_id (record);

  *out = NULL;

  /* Only what really differs goes out: an unchanged field sent along could
   * overwrite a colleague's change to it. */
  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      const VzResourceField *field = vz_resource_find_field (kind->resource, key);
      JsonNode *value = json_object_get_member (changes, key);
      g_autoptr(JsonNode) current = NULL;

      if (field == NULL)
        {
          g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                       vz_words_translate (kind->resource->words->not_changeable), key);
          return FALSE;
        }
      if (!vz_resource_field_fits (kind->resource, field, record, value))
        {
          g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                       _("The new value for “%s” is not of the right kind."), key);
          return FALSE;
        }
      current = vz_resource_dup_field_node (kind->resource, field, record);
      if (!vz_merge_same_value (value, current))
        {
          json_object_set_member (patch, key, json_node_copy (value));
          json_object_set_member (previous, key, g_steal_pointer (&current));
        }
    }

  if (json_object_get_size (patch) == 0)
    return TRUE;

  path = vz_resource_item_path (kind->resource, id);
  body = json_node_init_object (json_node_alloc (), patch);
  *out = vz_mutation_new (kind->resource->name, id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                          based ? vz_entity_get_updated_at (record) : NULL, patch, previous);
  return TRUE;
}

/* Adds @record's mutation (if anything differs) to @mutations; FALSE once
 * the task has been answered with the reason it cannot. */
static gboolean
add_update (GTask      *task,
            VzKind     *kind,
            VzEntity   *record,
            JsonObject *changes,
            GPtrArray  *mutations)
{
  g_autoptr(GError) error = NULL;
  VzMutation *mutation;

  if (!build_update (kind, record, changes, TRUE, &mutation, &error))
    {
      _vz_sync_engine_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (mutation != NULL)
    g_ptr_array_add (mutations, mutation);
  return TRUE;
}

/* Queues @mutations as one action, or answers at once when there are none. */
static void
queue_updates (VzSyncEngine *self,
               GTask        *task,
               VzKind       *kind,
               GPtrArray    *mutations)
{
  g_autofree char *label = NULL;

  if (mutations->len == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

void
vz_sync_engine_update_async (VzSyncEngine        *self,
                             const char          *kind_name,
                             const char          *id,
                             JsonObject          *changes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (changes != NULL);

  task = change_task (self, vz_sync_engine_update_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL)
    return;

  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  if (add_update (task, kind, record, changes, mutations))
    queue_updates (self, task, kind, mutations);
}

gboolean
vz_sync_engine_update_finish (VzSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return change_finish (self, result, vz_sync_engine_update_async, error);
}

/* The updates of the records @ids names, as one action: each gets
 * @each[i], or @all when @each is NULL. */
static void
update_records (VzSyncEngine        *self,
                GTask               *task,
                const char          *kind_name,
                const char * const  *ids,
                JsonObject * const  *each,
                JsonObject          *all)
{
  g_autoptr(GPtrArray) mutations = NULL;
  VzKind *kind;

  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL || !check_ids (task, kind, ids))
    return;

  /* Records already gone are skipped, as a bulk delete skips them. */
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      VzEntity *record = vz_store_lookup (kind->store, ids[i]);

      if (record != NULL && !add_update (task, kind, record, each != NULL ? each[i] : all, mutations))
        return;
    }
  queue_updates (self, task, kind, mutations);
}

void
vz_sync_engine_update_many_async (VzSyncEngine        *self,
                                  const char          *kind_name,
                                  const char * const  *ids,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (changes != NULL);

  update_records (self, change_task (self, vz_sync_engine_update_many_async, cancellable, callback, user_data),
                  kind_name, ids, NULL, changes);
}

void
vz_sync_engine_update_each_async (VzSyncEngine        *self,
                                  const char          *kind_name,
                                  const char * const  *ids,
                                  JsonObject * const  *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (changes != NULL);

  update_records (self, change_task (self, vz_sync_engine_update_each_async, cancellable, callback, user_data),
                  kind_name, ids, changes, NULL);
}

gboolean
vz_sync_engine_update_each_finish (VzSyncEngine  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return change_finish (self, result, vz_sync_engine_update_each_async, error);
}

void
_vz_sync_engine_point_at (VzSyncEngine       *self,
                          const char         *kind_name,
                          const char * const *ids,
                          const char         *key,
                          const char         *target)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonObject) changes = json_object_new ();
  VzKind *kind = kind_name != NULL ? _vz_sync_engine_kind (self, kind_name) : NULL;
  GTask *task;

  if (kind == NULL)
    return;
  json_object_set_string_member (changes, key, target);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      VzEntity *record = vz_store_lookup (kind->store, ids[i]);
      g_autoptr(GError) error = NULL;
      VzMutation *mutation = NULL;

      /* A record gone since is skipped, as a bulk change skips it. */
      if (record == NULL)
        continue;
      /* The server changed them when it deleted what they named: what we
       * set now is decided, not a change on top of theirs. */
      if (!build_update (kind, record, changes, FALSE, &mutation, &error))
        g_debug ("%s %s cannot name %s again: %s", kind_name, ids[i], target, error->message);
      else if (mutation != NULL)
        g_ptr_array_add (mutations, mutation);
    }
  if (mutations->len == 0)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, _vz_sync_engine_point_at);
  _vz_sync_engine_queue (self, task, mutations, NULL, FALSE);
}

gboolean
vz_sync_engine_update_many_finish (VzSyncEngine  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return change_finish (self, result, vz_sync_engine_update_many_async, error);
}

static JsonNode *
ids_body (const char         *member,
          const char * const *ids,
          guint               n)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, ids[i]);
  json_object_set_array_member (obj, member, array);
  return json_node_init_object (json_node_alloc (), obj);
}

static GStrv
ids_copy (const char * const *ids,
          guint               n)
{
  GStrv copy = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    copy[i] = g_strdup (ids[i]);
  return copy;
}

void
_vz_sync_engine_delete_mutations (VzSyncEngine       *self,
                                  VzKind             *kind,
                                  const char * const *ids,
                                  guint               n_ids,
                                  GPtrArray          *out)
{
  const VzResource *resource = kind->resource;
  gint64 not_before = 0;

  /* It waits out the undo window in the outbox: Undo until then means
   * the server never hears of it. */
  if (self->undo_window > 0)
    not_before = g_get_real_time () + (gint64) self->undo_window * G_USEC_PER_SEC;

  /* One request per BULK_CHUNK ids, or per record without a bulk request. */
  for (guint done = 0; done < n_ids;)
    {
      guint n = resource->bulk_delete_path != NULL ? MIN (BULK_CHUNK, n_ids - done) : 1;
      const char * const *chunk = ids + done;
      g_auto(GStrv) chunk_ids = ids_copy (chunk, n);
      g_autoptr(JsonObject) saved = _vz_sync_engine_saved_copies (self, kind, chunk, n);
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *path = NULL;

      if (resource->bulk_delete_path != NULL)
        body = ids_body (resource->ids_member, chunk, n);
      else
        path = vz_resource_item_path (resource, chunk[0]);
      g_ptr_array_add (out, g_object_new (VZ_TYPE_MUTATION,
                                          "entity-kind", resource->name,
                                          "entity-ids", chunk_ids,
                                          "operation", VZ_MUTATION_OP_DELETE,
                                          "method", body != NULL ? "POST" : "DELETE",
                                          "path", body != NULL ? resource->bulk_delete_path : path,
                                          "body", body,
                                          "previous", saved,
                                          "not-before", not_before,
                                          NULL));
      done += n;
    }
}

void
vz_sync_engine_delete_async (VzSyncEngine        *self,
                             const char          *kind_name,
                             const char * const  *ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(GPtrArray) known = NULL;
  g_autofree char *label = NULL;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);

  task = change_task (self, vz_sync_engine_delete_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL || !check_ids (task, kind, ids))
    return;
  if (kind->resource->admin_delete &&
      !_vz_sync_engine_can_admin (self, task, _("Only an administrator can delete this. "
                                                "Your role (manager) may add and change, not delete.")))
    return;

  /* Records already gone (here or on the way out) are not deleted twice. */
  known = g_ptr_array_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    if (vz_store_lookup (kind->store, ids[i]) != NULL)
      g_ptr_array_add (known, (gpointer) ids[i]);
  if (known->len == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  _vz_sync_engine_delete_mutations (self, kind, (const char * const *) known->pdata, known->len, mutations);
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_delete_finish (VzSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return change_finish (self, result, vz_sync_engine_delete_async, error);
}

/* ------------------------------------------------------------------------ */
/* Links                                                                    */

VzMutation *
_vz_sync_engine_link_mutation (const VzResource   *resource,
                               const char * const *ids,
                               guint               n_ids,
                               const char         *target_id,
                               gboolean            link,
                               JsonObject         *shown_after,
                               JsonObject         *shown_before)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) copy = ids_copy (ids, n_ids);

  g_assert (resource->link != NULL);

  resource->link->request (ids, n_ids, target_id, link, &method, &path, &body);
  json_object_set_string_member (changes, "target", target_id);
  json_object_set_object_member (changes, "links", json_object_ref (shown_after));
  json_object_set_object_member (previous, "links", json_object_ref (shown_before));
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", resource->name,
                       "entity-ids", copy,
                       "operation", link ? VZ_MUTATION_OP_LINK : VZ_MUTATION_OP_UNLINK,
                       "method", method,
                       "path", path,
                       "body", body,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}

/* The kind's linked kind and the target in it, or NULL once the task has
 * been answered with the reason. */
static VzKind *
linked_for (VzSyncEngine *self,
            GTask        *task,
            VzKind       *kind,
            const char   *target_id)
{
  VzKind *linked = kind->resource->link != NULL ? _vz_sync_engine_kind (self, kind->resource->link->kind) : NULL;

  if (linked == NULL)
    {
      _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                       _("Records of the kind “%s” cannot be linked."),
                                                       kind->resource->name));
      return NULL;
    }
  if (target_id != NULL && record_for (task, linked, target_id) == NULL)
    return NULL;
  return linked;
}

/* The link mutations that add @ids (of @kind) to @target_id, one per
 * BULK_CHUNK; a record without a link shows the new one. */
static GPtrArray *
link_mutations (VzKind             *kind,
                const char * const *ids,
                const char         *target_id)
{
  GPtrArray *mutations = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_ids = g_strv_length ((GStrv) ids);

  for (guint done = 0; done < n_ids; done += BULK_CHUNK)
    {
      guint n = MIN (BULK_CHUNK, n_ids - done);
      g_autoptr(JsonObject) after = json_object_new ();
      g_autoptr(JsonObject) before = json_object_new ();

      for (guint i = done; i < done + n; i++)
        {
          VzEntity *record = vz_store_lookup (kind->store, ids[i]);
          const char *old = record != NULL ? kind->resource->link->get (record) : NULL;

          json_object_set_member (before, ids[i], _vz_json_string_node (old));
          json_object_set_member (after, ids[i], _vz_json_string_node (old != NULL ? old : target_id));
        }
      g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids + done, n, target_id, TRUE,
                                                                 after, before));
    }
  return mutations;
}

void
_vz_sync_engine_link_again (VzSyncEngine       *self,
                            const char         *kind_name,
                            const char * const *ids,
                            const char         *target)
{
  VzKind *kind = kind_name != NULL ? _vz_sync_engine_kind (self, kind_name) : NULL;
  g_autoptr(GPtrArray) present = g_ptr_array_new ();
  g_autoptr(GPtrArray) mutations = NULL;
  GTask *task;

  if (kind == NULL || kind->resource->link == NULL)
    return;
  /* Records gone since are left out. */
  for (guint i = 0; ids[i] != NULL; i++)
    if (vz_store_lookup (kind->store, ids[i]) != NULL)
      g_ptr_array_add (present, (gpointer) ids[i]);
  if (present->len == 0)
    return;
  g_ptr_array_add (present, NULL);
  mutations = link_mutations (kind, (const char * const *) present->pdata, target);
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, _vz_sync_engine_link_again);
  _vz_sync_engine_queue (self, task, mutations, NULL, FALSE);
}

void
vz_sync_engine_link_async (VzSyncEngine        *self,
                           const char          *kind_name,
                           const char * const  *ids,
                           const char          *target_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *label = NULL;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (target_id != NULL);

  task = change_task (self, vz_sync_engine_link_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL || !check_ids (task, kind, ids) ||
      linked_for (self, task, kind, target_id) == NULL)
    return;

  /* A record shows its first link: one without a link shows this one. */
  mutations = link_mutations (kind, ids, target_id);
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_link_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return change_finish (self, result, vz_sync_engine_link_async, error);
}

void
vz_sync_engine_move_async (VzSyncEngine        *self,
                           const char          *kind_name,
                           const char          *id,
                           const char          *target_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  g_autofree char *label = NULL;
  const char *ids[] = { id, NULL };
  const char *old;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);

  task = change_task (self, vz_sync_engine_move_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL ||
      linked_for (self, task, kind, target_id) == NULL)
    return;

  old = kind->resource->link->get (record);
  if (g_strcmp0 (old, target_id) == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  /* First leave the old link, then join the new one. */
  json_object_set_member (after, id, _vz_json_string_node (target_id));
  json_object_set_member (before, id, _vz_json_string_node (old));
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  if (old != NULL)
    g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids, 1, old, FALSE, after, before));
  if (target_id != NULL)
    g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids, 1, target_id, TRUE,
                                                               after, before));
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_move_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return change_finish (self, result, vz_sync_engine_move_async, error);
}

/* ------------------------------------------------------------------------ */
/* A kind's own edits, new records                                          */

void
vz_sync_engine_edit_async (VzSyncEngine        *self,
                           const char          *kind_name,
                           const char          *id,
                           const char          *edit_name,
                           JsonObject          *args,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(GError) error = NULL;
  const VzResourceEdit *edit;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (edit_name != NULL);
  g_return_if_fail (args != NULL);

  task = change_task (self, vz_sync_engine_edit_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL)
    return;
  edit = vz_resource_find_edit (kind->resource, edit_name);
  if (edit == NULL)
    {
      _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                       vz_words_translate (kind->resource->words->not_changeable),
                                                       edit_name));
      return;
    }
  if (edit->admin_only != NULL && !_vz_sync_engine_can_admin (self, task, vz_words_translate (edit->admin_only)))
    return;
  if (!vz_resource_build_edit (edit, record, args, &changes, &previous, &error))
    {
      _vz_sync_engine_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (changes == NULL)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (mutations, _vz_sync_engine_edit_mutation (self, kind, edit, record, changes, previous));
  queue_updates (self, task, kind, mutations);
}

/* A copy of @values (its members shared) with "edit" set to @name. */
static JsonObject *
named_values (JsonObject *values,
              const char *name)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, values);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (copy, member, json_node_ref (value));
  json_object_set_string_member (copy, "edit", name);
  return copy;
}

void
vz_sync_engine_edit_steps_async (VzSyncEngine        *self,
                                 const char          *kind_name,
                                 const char          *id,
                                 const VzEditStep    *steps,
                                 guint                n_steps,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *label = NULL;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (steps != NULL && n_steps > 0);
  for (guint i = 0; i < n_steps; i++)
    g_return_if_fail (steps[i].edit != NULL && steps[i].changes != NULL && steps[i].previous != NULL);

  /* Answered as an edit is: vz_sync_engine_edit_finish(). */
  task = change_task (self, vz_sync_engine_edit_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL)
    return;

  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_steps; i++)
    {
      const VzResourceEdit *edit = vz_resource_find_edit (kind->resource, steps[i].edit);
      g_autoptr(JsonObject) changes = NULL;
      g_autoptr(JsonObject) previous = NULL;

      if (edit == NULL)
        {
          _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                           vz_words_translate (kind->resource->words->not_changeable),
                                                           steps[i].edit));
          return;
        }
      changes = named_values (steps[i].changes, edit->name);
      previous = named_values (steps[i].previous, edit->name);
      g_ptr_array_add (mutations, _vz_sync_engine_edit_mutation (self, kind, edit, record, changes, previous));
    }
  label = vz_words_describe_change (kind->resource, g_ptr_array_index (mutations, 0), TRUE,
                                    _vz_sync_engine_words_lookup, self);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_edit_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return change_finish (self, result, vz_sync_engine_edit_async, error);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzKind *kind = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  VzEntity *record = NULL;

  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (payload))
    record = _vz_sync_engine_landed (g_task_get_source_object (task), kind, json_node_get_object (payload), &error);
  if (record == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                             _("The server made it but did not send it back. It will appear after the next refresh."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (record), g_object_unref);
}

static void
create (VzSyncEngine        *self,
        const char          *kind_name,
        const char          *path,
        JsonObject          *body,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr(JsonNode) node = NULL;
  VzKind *kind;
  GTask *task;

  g_assert (VZ_IS_SYNC_ENGINE (self));

  task = change_task (self, vz_sync_engine_create_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL)
    return;
  g_task_set_task_data (task, kind, NULL);
  node = json_node_init_object (json_node_alloc (), body);
  if (path == NULL)
    path = kind->resource->create_path != NULL ? kind->resource->create_path : kind->resource->collection;
  vz_api_client_request_async (self->api, "POST", path, node, cancellable, on_created, task);
}

void
vz_sync_engine_create_async (VzSyncEngine        *self,
                             const char          *kind_name,
                             JsonObject          *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (body != NULL);

  create (self, kind_name, NULL, body, cancellable, callback, user_data);
}

void
vz_sync_engine_create_at_async (VzSyncEngine        *self,
                                const char          *kind_name,
                                const char          *path,
                                JsonObject          *body,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (body != NULL);

  create (self, kind_name, path, body, cancellable, callback, user_data);
}

VzEntity *
vz_sync_engine_create_finish (VzSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_create_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
