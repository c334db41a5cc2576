/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-resource"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-content-resource.h"
#include "vz-json-private.h"
#include "vz-playlist-private.h"
#include "vz-playlist-resource.h"
#include "vz-sync-engine-private.h"
#include "vz-tag-resource.h"
#include "vz-sync-words.h"

static const VzResourceField content_fields[] = {
  { "name", "name", "name", N_("name") },
  { "duration", "duration", "duration", N_("duration") },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Edits: tags, archive                                                     */

static JsonArray *
array_member (JsonObject *obj,
              const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A tag of the contract's content record, {tag: {id, name, color}}, or a
 * plain {id, name, color}: its own object. */
static JsonObject *
tag_object (JsonNode *node)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *inner = _vz_json_object (obj, "tag");

  return inner != NULL ? inner : obj;
}

/* tags: args {"operation": "add"|"remove", "tags": [{id, name, color}]};
 * values the same, naming only the tags that change; previous the other
 * operation on those tags. */
static gboolean
tags_build (VzEntity    *record,
            JsonObject  *args,
            JsonObject **changes,
            JsonObject **previous,
            GError     **error)
{
  const char *operation = _vz_json_string (args, "operation");
  JsonArray *tags = array_member (args, "tags");
  gboolean add = g_strcmp0 (operation, "add") == 0;
  g_autoptr(JsonArray) changing = json_array_new ();

  if ((!add && g_strcmp0 (operation, "remove") != 0) || tags == NULL)
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                           _("A change of tags adds or removes a list of tags."));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonObject *tag = tag_object (json_array_get_element (tags, i));
      const char *id = _vz_json_string (tag, "id");

      if (id != NULL && vz_content_has_tag (VZ_CONTENT (record), id) != add)
        json_array_add_object_element (changing, json_object_ref (tag));
    }
  if (json_array_get_length (changing) == 0)
    {
      *changes = NULL;
      return TRUE;
    }
  *changes = json_object_new ();
  json_object_set_string_member (*changes, "operation", add ? "add" : "remove");
  json_object_set_array_member (*changes, "tags", json_array_ref (changing));
  *previous = json_object_new ();
  json_object_set_string_member (*previous, "operation", add ? "remove" : "add");
  json_object_set_array_member (*previous, "tags", g_steal_pointer (&changing));
  return TRUE;
}

static void
tags_apply (JsonObject *record,
            JsonObject *values)
{
  gboolean add = g_strcmp0 (_vz_json_string (values, "operation"), "add") == 0;
  JsonArray *tags = array_member (values, "tags");
  JsonArray *had = array_member (record, "tags");
  g_autoptr(JsonArray) now = json_array_new ();
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      const char *id = _vz_json_string (tag_object (json_array_get_element (tags, i)), "id");

      if (id != NULL)
        g_hash_table_add (named, (gpointer) id);
    }
  for (guint i = 0; had != NULL && i < json_array_get_length (had); i++)
    {
      JsonNode *node = json_array_get_element (had, i);
      const char *id = _vz_json_string (tag_object (node), "id");

      if (id != NULL && g_hash_table_contains (named, id))
        {
          if (add)
            g_hash_table_remove (named, id);   /* already there */
          else
            continue;
        }
      json_array_add_element (now, json_node_copy (node));
    }
  for (guint i = 0; add && tags != NULL && i < json_array_get_length (tags); i++)
    {
      JsonObject *tag = tag_object (json_array_get_element (tags, i));
      const char *id = _vz_json_string (tag, "id");

      if (id != NULL && g_hash_table_contains (named, id))
        {
          JsonObject *wrapper = json_object_new ();

          json_object_set_object_member (wrapper, "tag", json_object_ref (tag));
          json_array_add_object_element (now, wrapper);
        }
    }
  json_object_set_array_member (record, "tags", g_steal_pointer (&now));
}

static void
tags_request (VzEntity    *record,
              JsonObject  *values,
              JsonObject  *after,
              char       **method,
              char       **path,
              JsonNode   **body)
{
  JsonArray *tags = array_member (values, "tags");
  JsonObject *obj = json_object_new ();
  JsonArray *contents = json_array_new ();
  JsonArray *ids = json_array_new ();

  json_array_add_string_element (contents, vz_entity_get_id (record));
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      const char *id = _vz_json_string (tag_object (json_array_get_element (tags, i)), "id");

      if (id != NULL)
        json_array_add_string_element (ids, id);
    }
  json_object_set_array_member (obj, "contentIds", contents);
  json_object_set_array_member (obj, "tagIds", ids);
  json_object_set_string_member (obj, "operation", _vz_json_string (values, "operation"));
  *method = g_strdup ("POST");
  *path = g_strdup ("/content/bulk/tags");
  *body = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
}

/* archive, restore: values {"archived": bool}. */
static gboolean
archive_build_to (VzEntity    *record,
                  gboolean     archived,
                  JsonObject **changes,
                  JsonObject **previous)
{
  gboolean was = g_strcmp0 (vz_content_get_status (VZ_CONTENT (record)), "archived") == 0;

  if (was == archived)
    {
      *changes = NULL;
      return TRUE;
    }
  *changes = json_object_new ();
  json_object_set_boolean_member (*changes, "archived", archived);
  *previous = json_object_new ();
  json_object_set_boolean_member (*previous, "archived", was);
  return TRUE;
}

static gboolean
archive_build (VzEntity    *record,
               JsonObject  *args,
               JsonObject **changes,
               JsonObject **previous,
               GError     **error)
{
  return archive_build_to (record, TRUE, changes, previous);
}

static gboolean
restore_build (VzEntity    *record,
               JsonObject  *args,
               JsonObject **changes,
               JsonObject **previous,
               GError     **error)
{
  return archive_build_to (record, FALSE, changes, previous);
}

static void
archive_apply (JsonObject *record,
               JsonObject *values)
{
  if (json_object_has_member (values, "archived"))
    json_object_set_string_member (record, "status",
                                   json_object_get_boolean_member (values, "archived") ? "archived" : "active");
}

/* Archiving is POST /content/:id/archive; the way back is PATCH
 * {"status": "active"} ([local]: the Vizora platform has no way back, and
 * refuses it with its own sentence). */
static void
archive_request (VzEntity    *record,
                 JsonObject  *values,
                 JsonObject  *after,
                 char       **method,
                 char       **path,
                 JsonNode   **body)
{
  g_autofree char *item = vz_resource_item_path (&vz_content_resource, vz_entity_get_id (record));

  if (json_object_get_boolean_member_with_default (values, "archived", TRUE))
    {
      *method = g_strdup ("POST");
      *path = g_strconcat (item, "/archive", NULL);
      *body = NULL;
    }
  else
    {
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "status", "active");
      *method = g_strdup ("PATCH");
      *path = g_steal_pointer (&item);
      *body = json_node_init_object (json_node_alloc (), obj);
      json_object_unref (obj);
    }
}

static const VzResourceEdit content_edits[] = {
  { .name = VZ_CONTENT_EDIT_TAGS, .build = tags_build, .apply = tags_apply, .request = tags_request,
    .did = N_("Changed the tags of “%s”"), .todo = N_("Change the tags of “%s”") },
  { .name = VZ_CONTENT_EDIT_ARCHIVE, .build = archive_build, .apply = archive_apply, .request = archive_request,
    .did = N_("Archived “%s”"), .todo = N_("Archive “%s”") },
  { .name = VZ_CONTENT_EDIT_RESTORE, .build = restore_build, .apply = archive_apply, .request = archive_request,
    .did = N_("Restored “%s” from the archive"), .todo = N_("Restore “%s” from the archive") },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Made again after a delete                                                */

/* A web page or HTML by its address comes back as it was; an uploaded
 * file's bytes left the server with it. */
static JsonObject *
content_restore_body (JsonObject  *saved,
                      GError     **error)
{
  static const char * const members[] = { "name", "type", "url", "duration", NULL };
  const char *type = _vz_json_string (saved, "type");
  const char *name = _vz_json_string (saved, "name");
  JsonObject *body;

  if (g_strcmp0 (type, "url") != 0 && g_strcmp0 (type, "html") != 0)
    {
      g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                   _("The server no longer has the file of “%s”: upload it again."), name != NULL ? name : "");
      return NULL;
    }
  /* Lists do not carry the address; only a record read whole does. */
  if (_vz_json_string (saved, "url") == NULL)
    {
      g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                   _("The address of “%s” was not known here: add the web page again."), name != NULL ? name : "");
      return NULL;
    }
  body = json_object_new ();
  vz_resource_copy_members (saved, body, members);
  return body;
}

/* The server takes the items that played it out of their playlists: they
 * go back where they were. */
static const VzResourceRestore content_restore = {
  .body = content_restore_body,
  .holder_kind = VZ_RESOURCE_PLAYLIST,
  .held = _vz_playlist_held_content,
  .hold_again = _vz_playlist_hold_content_again,
};

const VzResource vz_content_resource = {
  .name = VZ_RESOURCE_CONTENT,
  .collection = "/content",
  .snapshot_member = "content",
  .entity_type = vz_content_get_type,
  .fields = content_fields,
  .edits = content_edits,
  .restore = &content_restore,
  .words = &vz_content_words,
  .optional = TRUE,
  .admin_delete = TRUE,
};

VzStore *
vz_sync_engine_get_content (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_CONTENT);
}

void
vz_sync_engine_add_web_content_async (VzSyncEngine        *self,
                                      const char          *name,
                                      const char          *type,
                                      const char          *url,
                                      guint                duration,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (name != NULL && type != NULL && url != NULL);

  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "type", type);
  json_object_set_string_member (body, "url", url);
  if (duration > 0)
    json_object_set_int_member (body, "duration", duration);
  vz_sync_engine_create_async (self, VZ_RESOURCE_CONTENT, body, cancellable, callback, user_data);
}

VzContent *
vz_sync_engine_add_web_content_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return (VzContent *) vz_sync_engine_create_finish (self, result, error);
}

/* archive, tag: the server's answer shows, or the lists are read again. */
static void
on_content_request (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  VzKind *content = _vz_sync_engine_kind (self, VZ_RESOURCE_CONTENT);
  VzKind *tags = _vz_sync_engine_kind (self, VZ_RESOURCE_TAG);

  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_get_task_data (task) != NULL && JSON_NODE_HOLDS_OBJECT (payload) &&
      _vz_json_string (json_node_get_object (payload), "id") != NULL)
    _vz_sync_engine_upsert (self, content, json_node_get_object (payload));
  else
    {
      _vz_sync_engine_reread_kind (self, content);
      _vz_sync_engine_reread_kind (self, tags);
    }
  g_task_return_boolean (task, TRUE);
}

static GTask *
content_task (VzSyncEngine        *self,
              gpointer             tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  return _vz_sync_engine_can_write (self, task) ? task : NULL;
}

void
vz_sync_engine_archive_content_async (VzSyncEngine        *self,
                                      const char          *content_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *item = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (content_id != NULL);

  if ((task = content_task (self, vz_sync_engine_archive_content_async, cancellable, callback, user_data)) == NULL)
    return;
  /* Its answer is the archived record. */
  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  item = vz_resource_item_path (&vz_content_resource, content_id);
  path = g_strconcat (item, "/archive", NULL);
  vz_api_client_request_async (self->api, "POST", path, NULL, cancellable, on_content_request, task);
}

void
vz_sync_engine_tag_content_async (VzSyncEngine        *self,
                                  const char * const  *content_ids,
                                  const char * const  *tag_ids,
                                  const char          *operation,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  JsonArray *contents = json_array_new ();
  JsonArray *tags = json_array_new ();
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (content_ids != NULL && tag_ids != NULL && operation != NULL);

  for (guint i = 0; content_ids[i] != NULL; i++)
    json_array_add_string_element (contents, content_ids[i]);
  for (guint i = 0; tag_ids[i] != NULL; i++)
    json_array_add_string_element (tags, tag_ids[i]);
  json_object_set_array_member (obj, "contentIds", contents);
  json_object_set_array_member (obj, "tagIds", tags);
  json_object_set_string_member (obj, "operation", operation);
  body = json_node_init_object (json_node_alloc (), obj);
  if ((task = content_task (self, vz_sync_engine_tag_content_async, cancellable, callback, user_data)) == NULL)
    return;
  vz_api_client_request_async (self->api, "POST", "/content/bulk/tags", body, cancellable, on_content_request, task);
}

gboolean
vz_sync_engine_content_request_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_edit_content_tags_async (VzSyncEngine        *self,
                                        const char          *content_id,
                                        const char          *operation,
                                        const char * const  *tag_ids,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(JsonObject) args = json_object_new ();
  JsonArray *tags = json_array_new ();
  VzStore *store;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (content_id != NULL && operation != NULL && tag_ids != NULL);

  store = vz_sync_engine_get_tags (self);
  for (guint i = 0; tag_ids[i] != NULL; i++)
    {
      VzTag *tag = store != NULL ? (VzTag *) vz_store_lookup (store, tag_ids[i]) : NULL;
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "id", tag_ids[i]);
      json_object_set_string_member (obj, "name", tag != NULL ? vz_tag_get_name (tag) : "");
      if (tag != NULL && vz_tag_get_color (tag) != NULL)
        json_object_set_string_member (obj, "color", vz_tag_get_color (tag));
      json_array_add_object_element (tags, obj);
    }
  json_object_set_string_member (args, "operation", operation);
  json_object_set_array_member (args, "tags", tags);
  vz_sync_engine_edit_async (self, VZ_RESOURCE_CONTENT, content_id, VZ_CONTENT_EDIT_TAGS, args,
                             cancellable, callback, user_data);
}
