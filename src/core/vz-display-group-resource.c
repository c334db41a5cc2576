/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display-group-resource"

#include <glib/gi18n-lib.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

static const VzResourceField group_fields[] = {
  { "name", "name", "name", N_("name") },
  { "description", "description", "description", N_("description") },
  { NULL }
};

/* A deleted group comes back with its name and description; its screens
 * join it again. */
static JsonObject *
group_restore_body (JsonObject  *saved,
                    GError     **error)
{
  static const char * const members[] = { "name", "description", NULL };
  JsonObject *body = json_object_new ();

  vz_resource_copy_members (saved, body, members);
  return body;
}

static GStrv
group_members (JsonObject *saved)
{
  JsonNode *node = json_object_get_member (saved, "displays");
  JsonArray *members = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; members != NULL && i < json_array_get_length (members); i++)
    {
      JsonNode *element = json_array_get_element (members, i);
      JsonObject *member = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonNode *id = member != NULL ? json_object_get_member (member, "displayId") : NULL;

      if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
        g_strv_builder_add (ids, json_node_get_string (id));
    }
  return g_strv_builder_end (ids);
}

static const VzResourceRestore group_restore = {
  .body = group_restore_body,
  .linked_kind = VZ_RESOURCE_DISPLAY,
  .linked = group_members,
};

/* Groups have no bulk delete and no events of their own: a group changes
 * when a person changes it, and is read again after a membership change. */
const VzResource vz_display_group_resource = {
  .name = VZ_RESOURCE_DISPLAY_GROUP,
  .collection = "/display-groups",
  .snapshot_member = "groups",
  .entity_type = vz_display_group_get_type,
  .fields = group_fields,
  .restore = &group_restore,
  .words = &vz_display_group_words,
  .admin_delete = TRUE,
};

VzStore *
vz_sync_engine_get_groups (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_DISPLAY_GROUP);
}

static void
on_group_created (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *obj;
  VzDisplayGroup *group = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if ((obj = (JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL)) != NULL)
    group = _vz_sync_engine_landed (self, _vz_sync_engine_kind (self, VZ_RESOURCE_DISPLAY_GROUP), obj, &error);
  if (group == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                             _("The server created the group but did not send it back."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (group), g_object_unref);
}

void
vz_sync_engine_create_group_async (VzSyncEngine        *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *trimmed = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_create_group_async);

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0')
    {
      _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                               _("A group needs a name.")));
      return;
    }
  json_object_set_string_member (obj, "name", trimmed);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/display-groups", body, cancellable, on_group_created, task);
}

VzDisplayGroup *
vz_sync_engine_create_group_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_create_group_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

