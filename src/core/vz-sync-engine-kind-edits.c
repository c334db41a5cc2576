/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* Edits a kind describes (VzResourceEdit, vz-resource.h), for every kind
 * alike: how one shows on its record, goes on top of the server's newer
 * version, is sent as the record is by the time it goes, lands, and is
 * undone. Building one is vz-sync-engine-edits.c. */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

static const VzResourceEdit *
edit_of (VzKind     *kind,
         VzMutation *m)
{
  return vz_resource_find_edit (kind->resource, _vz_json_string (vz_mutation_get_changes (m), "edit"));
}

/* ------------------------------------------------------------------------ */
/* Ids the server gave to what was made here                                */

static JsonNode *
resolve_node (GHashTable *aliases,
              JsonNode   *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &member, &value))
          json_object_set_member (copy, member, resolve_node (aliases, value));
        return json_node_init_object (json_node_alloc (), copy);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, resolve_node (aliases, json_array_get_element (array, i)));
        return json_node_init_array (json_node_alloc (), copy);
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *server = g_hash_table_lookup (aliases, json_node_get_string (node));

          if (server != NULL)
            return json_node_init_string (json_node_alloc (), server);
        }
      return json_node_copy (node);
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* @values with every local id the server has named since replaced by the
 * server's (transfer full). */
static JsonObject *
resolved (VzSyncEngine *self,
          JsonObject   *values)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  if (values == NULL)
    return NULL;
  if (g_hash_table_size (self->aliases) == 0)
    return json_object_ref (values);
  node = json_node_init_object (json_node_alloc (), values);
  copy = resolve_node (self->aliases, node);
  return json_object_ref (json_node_get_object (copy));
}

static void
apply_values (VzSyncEngine         *self,
              const VzResourceEdit *edit,
              JsonObject           *record,
              JsonObject           *values)
{
  g_autoptr(JsonObject) values_now = resolved (self, values);

  if (values_now != NULL)
    edit->apply (record, values_now);
}

/* ------------------------------------------------------------------------ */
/* Showing                                                                  */

void
_vz_sync_engine_show_edit (VzSyncEngine *self,
                           VzKind       *kind,
                           VzMutation   *m,
                           gboolean      forward)
{
  const VzResourceEdit *edit = edit_of (kind, m);
  VzEntity *record = vz_store_lookup (kind->store, vz_mutation_get_entity_id (m));
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;

  if (edit == NULL || record == NULL)
    return;
  values = resolved (self, forward ? vz_mutation_get_changes (m) : vz_mutation_get_previous (m));
  if (values == NULL)
    return;
  if (edit->show != NULL)
    {
      edit->show (record, values);
      return;
    }
  json = vz_resource_record_json (record);
  edit->apply (json, values);
  if (!vz_entity_update_from_json (record, json, &error))
    g_debug ("A queued edit does not fit its record: %s", error->message);
}

void
_vz_sync_engine_overlay_edit (VzSyncEngine *self,
                              VzKind       *kind,
                              JsonObject   *record,
                              VzMutation   *m)
{
  const VzResourceEdit *edit = edit_of (kind, m);

  if (edit != NULL)
    apply_values (self, edit, record, vz_mutation_get_changes (m));
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                  */

/* A change queued on a record that Undo brought back, made before the
 * server gave it its new id: it goes to the new one. */
static VzOutboxSenderPrepare
renamed_request (VzSyncEngine  *self,
                 VzMutation    *m,
                 char         **method,
                 char         **path,
                 JsonNode     **body)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);
  g_autofree char *new_path = g_strdup (vz_mutation_get_path (m));
  gboolean renamed = FALSE;

  if (g_hash_table_size (self->aliases) == 0)
    return VZ_OUTBOX_SENDER_PREPARE_AS_IS;
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      const char *server = g_hash_table_lookup (self->aliases, ids[i]);
      g_autofree char *escaped_old = NULL;
      g_autofree char *escaped_new = NULL;
      g_auto(GStrv) parts = NULL;

      if (server == NULL)
        continue;
      escaped_old = g_uri_escape_string (ids[i], NULL, FALSE);
      escaped_new = g_uri_escape_string (server, NULL, FALSE);
      parts = g_strsplit (new_path, escaped_old, -1);
      g_free (new_path);
      new_path = g_strjoinv (escaped_new, parts);
      renamed = TRUE;
    }
  if (!renamed)
    return VZ_OUTBOX_SENDER_PREPARE_AS_IS;
  *method = g_strdup (vz_mutation_get_method (m));
  *path = g_steal_pointer (&new_path);
  *body = vz_mutation_get_body (m) != NULL ? resolve_node (self->aliases, vz_mutation_get_body (m)) : NULL;
  return VZ_OUTBOX_SENDER_PREPARE_MADE;
}

/* The sender's hook: an edit's request is made from the record as the
 * server has it when the change goes (read first: a colleague may have
 * changed it meanwhile, and the platform does not say so) with our changes
 * up to this one on top, and with the ids the server has given since. */
VzOutboxSenderPrepare
_vz_sync_engine_prepare_request (VzOutboxSender  *sender,
                                 VzMutation      *m,
                                 JsonObject      *current,
                                 char           **method,
                                 char           **path,
                                 JsonNode       **body,
                                 gpointer         user_data)
{
  VzSyncEngine *self = user_data;
  VzKind *kind;
  const VzResourceEdit *edit;
  VzEntity *record;
  const char *id = vz_mutation_get_entity_id (m);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) values = NULL;

  if (vz_mutation_get_operation (m) != VZ_MUTATION_OP_EDIT || (kind = _vz_sync_engine_kind_of (self, m)) == NULL ||
      (edit = edit_of (kind, m)) == NULL)
    return renamed_request (self, m, method, path, body);
  /* The server's record as last shown serves while the realtime link that
   * would have announced any change since is up; else it is read again. */
  if (current == NULL && edit->read_first && (current = _vz_sync_engine_kept_record (self, kind, id)) == NULL)
    {
      *path = vz_resource_item_path (kind->resource, id);
      return VZ_OUTBOX_SENDER_PREPARE_READ;
    }
  /* Their version, with what is queued here on top, is what shows. */
  else if (current != NULL && current != _vz_sync_engine_kept_record (self, kind, id) &&
           g_strcmp0 (_vz_json_string (current, "id"), id) == 0)
    _vz_sync_engine_upsert (self, kind, current);
  if ((record = vz_store_lookup (kind->store, id)) == NULL)
    return VZ_OUTBOX_SENDER_PREPARE_AS_IS;
  _vz_sync_engine_await_answer (self, kind, m);
  /* As it will be once this change landed: theirs, then ours up to it. */
  if (current != NULL)
    after = _vz_sync_engine_overlay_pending (self, kind, current, id, m);
  values = resolved (self, vz_mutation_get_changes (m));
  edit->request (record, values, after, method, path, body);
  return VZ_OUTBOX_SENDER_PREPARE_MADE;
}

/* ------------------------------------------------------------------------ */
/* Landing                                                                  */

static void
on_record_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  VzKind *kind = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (payload == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading a %s again failed: %s", kind->resource->name, error->message);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (payload))
    {
      _vz_sync_engine_upsert (self, kind, json_node_get_object (payload));
      _vz_sync_engine_rederive (self, kind);
    }
}

void
_vz_sync_engine_reread_record (VzSyncEngine *self,
                               VzKind       *kind,
                               const char   *id)
{
  g_autofree char *path = vz_resource_item_path (kind->resource, id);
  GTask *task = g_task_new (self, self->cancellable, NULL, NULL);

  g_task_set_source_tag (task, _vz_sync_engine_reread_record);
  g_task_set_task_data (task, kind, NULL);
  vz_api_client_request_async (self->api, "GET", path, NULL, self->cancellable, on_record_read, task);
}

/* The record in the server's answer: the answer itself (a reorder answers
 * with the playlist) or one of its members (an item's answer may carry its
 * playlist), else NULL. */
static JsonObject *
record_in_answer (JsonObject *answer,
                  const char *id)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (answer == NULL)
    return NULL;
  if (g_strcmp0 (_vz_json_string (answer, "id"), id) == 0)
    return answer;
  json_object_iter_init (&iter, answer);
  while (json_object_iter_next (&iter, &member, &value))
    if (JSON_NODE_HOLDS_OBJECT (value) && g_strcmp0 (_vz_json_string (json_node_get_object (value), "id"), id) == 0)
      return json_node_get_object (value);
  return NULL;
}

/* The server's answer shows when it carries the record; else the record is
 * read again. */
void
_vz_sync_engine_edit_committed (VzSyncEngine *self,
                                VzKind       *kind,
                                VzMutation   *m,
                                JsonNode     *answer)
{
  const VzResourceEdit *edit = edit_of (kind, m);
  const char *id = vz_mutation_get_entity_id (m);
  JsonObject *obj = record_in_answer (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer)
                                                                                        : NULL, id);
  const char *local_id = NULL, *server_id = NULL;

  if (edit != NULL && edit->named != NULL && answer != NULL &&
      edit->named (vz_mutation_get_changes (m), answer, &local_id, &server_id) &&
      local_id != NULL && server_id != NULL)
    g_hash_table_replace (self->aliases, g_strdup (local_id), g_strdup (server_id));

  if (obj != NULL)
    _vz_sync_engine_landed (self, kind, obj, NULL);
  else if (vz_store_lookup (kind->store, id) != NULL)
    _vz_sync_engine_reread_record (self, kind, id);
}

/* ------------------------------------------------------------------------ */
/* Building and undoing                                                     */

/* The mutation of an edit whose values are @changes (undone by @previous),
 * both with "edit" set. */
VzMutation *
_vz_sync_engine_edit_mutation (VzSyncEngine         *self,
                               VzKind               *kind,
                               const VzResourceEdit *edit,
                               VzEntity             *record,
                               JsonObject           *changes,
                               JsonObject           *previous)
{
  g_autoptr(JsonObject) values = resolved (self, changes);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  const char *ids[] = { vz_entity_get_id (record), NULL };

  vz_resource_edit_request (edit, record, values, &method, &path, &body);
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", kind->resource->name,
                       "entity-ids", ids,
                       "operation", VZ_MUTATION_OP_EDIT,
                       "method", method,
                       "path", path,
                       "body", body,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}

/* A committed edit is undone by the same edit with its values swapped. */
VzMutation *
_vz_sync_engine_inverse_edit (VzSyncEngine  *self,
                              VzKind        *kind,
                              VzMutation    *m,
                              GError       **error)
{
  const VzResourceEdit *edit = edit_of (kind, m);
  VzEntity *record = vz_store_lookup (kind->store, vz_mutation_get_entity_id (m));
  JsonObject *previous = vz_mutation_get_previous (m);

  if (edit == NULL || previous == NULL)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           _("This change cannot be undone."));
      return NULL;
    }
  if (record == NULL)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           vz_words_translate (kind->resource->words->gone));
      return NULL;
    }
  return _vz_sync_engine_edit_mutation (self, kind, edit, record, previous, vz_mutation_get_changes (m));
}
