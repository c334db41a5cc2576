/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-resource"

#include <glib/gi18n-lib.h>

#include "vz-content-resource.h"
#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-tag-resource.h"
#include "vz-sync-words.h"

static const VzResourceField content_fields[] = {
  { "name", "name", "name", N_("name") },
  { "duration", "duration", "duration", N_("duration") },
  { NULL }
};

const VzResource vz_content_resource = {
  .name = VZ_RESOURCE_CONTENT,
  .collection = "/content",
  .snapshot_member = "content",
  .entity_type = vz_content_get_type,
  .fields = content_fields,
  .words = &vz_content_words,
  .optional = TRUE,
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
