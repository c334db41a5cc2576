/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display-resource"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-display-group.h"
#include "vz-display-resource.h"
#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

/* ------------------------------------------------------------------------ */
/* The description                                                          */

static const VzResourceField display_fields[] = {
  { "name", "nickname", "nickname", N_("name") },
  { "description", "description", "description", N_("description") },
  { "location", "location", "location", N_("location") },
  { "orientation", "orientation", "orientation", N_("orientation") },
  { "timezone", "timezone", "timezone", N_("time zone") },
  { "currentPlaylistId", "currentPlaylistId", "current-playlist-id", N_("playlist") },
  { NULL }
};

/* One `device:status` {deviceId, status, lastSeen}: 1 when the screen is
 * not known here (paired elsewhere a moment ago), else 0. Whatever a peer
 * sends, a malformed status is skipped, never fatal. */
static guint
apply_status (VzStore    *store,
              GHashTable *removed,
              JsonNode   *node)
{
  JsonObject *obj;
  const char *id, *status;
  VzDisplay *display;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  obj = json_node_get_object (node);
  id = _vz_json_string (obj, "deviceId");
  status = _vz_json_string (obj, "status");
  if (id == NULL || status == NULL)
    return 0;

  display = vz_store_lookup (store, id);
  if (display == NULL)
    /* Deleted here, the server does not know yet: not a new screen. */
    return g_hash_table_contains (removed, id) ? 0 : 1;
  vz_display_apply_status (display, vz_display_status_from_string (status), _vz_json_string (obj, "lastSeen"));
  return 0;
}

static guint
on_status (const VzResource *resource,
           VzStore          *store,
           GHashTable       *removed,
           const char       *event,
           JsonNode         *payload)
{
  return apply_status (store, removed, payload);
}

/* device:status:batch, right after connecting: [{deviceId, status, …}] */
static guint
on_status_batch (const VzResource *resource,
                 VzStore          *store,
                 GHashTable       *removed,
                 const char       *event,
                 JsonNode         *payload)
{
  JsonArray *array;
  guint unknown = 0;

  if (payload == NULL || !JSON_NODE_HOLDS_ARRAY (payload))
    return 0;
  array = json_node_get_array (payload);
  for (guint i = 0; i < json_array_get_length (array); i++)
    unknown += apply_status (store, removed, json_array_get_element (array, i));
  return unknown;
}

static const VzResourceEvent display_events[] = {
  { "device:status", on_status },
  { "device:status-update", on_status },   /* the older name */
  { "device:status:batch", on_status_batch },
  { NULL }
};

static const char *
group_of (VzEntity *record)
{
  return vz_display_get_group_id (VZ_DISPLAY (record));
}

static void
set_group (VzEntity   *record,
           const char *group_id,
           VzEntity   *group)
{
  vz_display_set_group (VZ_DISPLAY (record), group_id,
                        group != NULL ? vz_display_group_get_name (VZ_DISPLAY_GROUP (group)) : NULL);
}

/* POST (join) or DELETE (leave) /display-groups/<id>/displays {displayIds} */
static void
group_request (const char * const *ids,
               guint               n_ids,
               const char         *group_id,
               gboolean            join,
               char              **method,
               char              **path,
               JsonNode          **body)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autofree char *escaped = g_uri_escape_string (group_id, NULL, FALSE);
  JsonArray *array = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_string_element (array, ids[i]);
  json_object_set_array_member (obj, "displayIds", array);
  *method = g_strdup (join ? "POST" : "DELETE");
  *path = g_strdup_printf ("/display-groups/%s/displays", escaped);
  *body = json_node_init_object (json_node_alloc (), obj);
}

/* A screen in several groups shows the first one the server lists. */
static void
derive_groups (VzStore *displays,
               VzStore *groups)
{
  g_autoptr(GHashTable) group_of_display = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_groups = g_list_model_get_n_items (G_LIST_MODEL (groups));
  guint n_displays = g_list_model_get_n_items (G_LIST_MODEL (displays));

  for (guint i = 0; i < n_groups; i++)
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (groups), i);
      const char * const *ids = vz_display_group_get_display_ids (group);

      for (guint j = 0; ids[j] != NULL; j++)
        if (!g_hash_table_contains (group_of_display, ids[j]))
          g_hash_table_insert (group_of_display, (gpointer) ids[j], group);
    }

  for (guint i = 0; i < n_displays; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (displays), i);
      VzDisplayGroup *group = g_hash_table_lookup (group_of_display, vz_entity_get_id (VZ_ENTITY (display)));

      if (group != NULL)
        vz_display_set_group (display, vz_entity_get_id (VZ_ENTITY (group)), vz_display_group_get_name (group));
      else
        vz_display_set_group (display, NULL, NULL);
    }
}

static const VzResourceLink display_link = {
  .kind = "display-group",
  .get = group_of,
  .set = set_group,
  .request = group_request,
  .derive = derive_groups,
};

const VzResource vz_display_resource = {
  .name = VZ_RESOURCE_DISPLAY,
  .collection = "/displays",
  .snapshot_member = "displays",
  .entity_type = vz_display_get_type,
  .fields = display_fields,
  .bulk_delete_path = "/displays/bulk/delete",
  .ids_member = "displayIds",
  .events = display_events,
  .link = &display_link,
  .words = &vz_display_words,
  .admin_delete = TRUE,
};

/* ------------------------------------------------------------------------ */
/* Typed changes                                                            */

VzStore *
vz_sync_engine_get_displays (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_DISPLAY);
}

void
vz_sync_engine_update_display_async (VzSyncEngine        *self,
                                     const char          *display_id,
                                     JsonObject          *changes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  vz_sync_engine_update_async (self, VZ_RESOURCE_DISPLAY, display_id, changes, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_update_display_finish (VzSyncEngine  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return vz_sync_engine_update_finish (self, result, error);
}

void
vz_sync_engine_set_display_group_async (VzSyncEngine        *self,
                                        const char          *display_id,
                                        const char          *group_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  vz_sync_engine_move_async (self, VZ_RESOURCE_DISPLAY, display_id, group_id, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_set_display_group_finish (VzSyncEngine  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return vz_sync_engine_move_finish (self, result, error);
}

void
vz_sync_engine_delete_displays_async (VzSyncEngine        *self,
                                      const char * const  *display_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  vz_sync_engine_delete_async (self, VZ_RESOURCE_DISPLAY, display_ids, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_delete_displays_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return vz_sync_engine_delete_finish (self, result, error);
}

void
vz_sync_engine_add_displays_to_group_async (VzSyncEngine        *self,
                                            const char * const  *display_ids,
                                            const char          *group_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  vz_sync_engine_link_async (self, VZ_RESOURCE_DISPLAY, display_ids, group_id, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_add_displays_to_group_finish (VzSyncEngine  *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return vz_sync_engine_link_finish (self, result, error);
}

/* ------------------------------------------------------------------------ */
/* Direct requests                                                          */

static void
on_paired_display_read (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  VzDisplay *display = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *obj;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  /* The pairing is done either way; the full record only adds detail. */
  if (payload != NULL && (obj = (JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL)) != NULL)
    {
      VzDisplay *full = _vz_sync_engine_landed (self, _vz_sync_engine_kind (self, VZ_RESOURCE_DISPLAY), obj, &error);

      if (full != NULL)
        display = full;
    }
  if (error != NULL)
    g_debug ("Reading the new screen failed: %s", error->message);
  g_task_return_pointer (task, g_object_ref (display), g_object_unref);
}

static void
on_paired (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  JsonObject *obj, *display_obj = NULL;
  JsonNode *node;
  VzDisplay *display = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* {success, display{…}} (the documented exception), or enveloped data. */
  if ((obj = (JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL)) != NULL)
    {
      node = json_object_get_member (obj, "display");
      display_obj = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : obj;
      display = _vz_sync_engine_landed (self, _vz_sync_engine_kind (self, VZ_RESOURCE_DISPLAY), display_obj, &error);
    }
  if (display == NULL)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The screen was paired, but the server did not describe it. "
                                 "It will appear after the next refresh."));
      vz_sync_engine_refresh (self);
      return;
    }

  g_task_set_task_data (task, g_object_ref (display), g_object_unref);
  escaped = g_uri_escape_string (vz_entity_get_id (VZ_ENTITY (display)), NULL, FALSE);
  path = g_strdup_printf ("/displays/%s", escaped);
  vz_api_client_request_async (self->api, "GET", path, NULL, g_task_get_cancellable (task),
                               on_paired_display_read, g_object_ref (task));
}

void
vz_sync_engine_pair_display_async (VzSyncEngine        *self,
                                   const char          *code,
                                   const char          *nickname,
                                   const char          *location,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *normalized = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_pair_display_async);

  /* People type codes in lower case and with spaces; the server wants six
   * upper-case characters. */
  normalized = g_ascii_strup (code, -1);
  g_strstrip (normalized);
  json_object_set_string_member (obj, "code", normalized);
  if (nickname != NULL && *nickname != '\0')
    json_object_set_string_member (obj, "nickname", nickname);
  if (location != NULL && *location != '\0')
    json_object_set_string_member (obj, "location", location);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/devices/pairing/complete", body, cancellable,
                               on_paired, task);
}

VzDisplay *
vz_sync_engine_pair_display_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_pair_display_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* send_command, request_screenshot: fire and report. */

static void
on_simple_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
vz_sync_engine_send_command_async (VzSyncEngine        *self,
                                   const char          *display_id,
                                   const char          *command,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  JsonObject *target;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);
  g_return_if_fail (command != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_send_command_async);

  if (strcmp (command, "reload") != 0 && strcmp (command, "restart") != 0 && strcmp (command, "reboot") != 0)
    {
      _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                       _("“%s” is not a command a screen understands."), command));
      return;
    }

  target = json_object_new ();
  json_object_set_string_member (target, "type", "device");
  json_object_set_string_member (target, "id", display_id);
  json_object_set_string_member (obj, "command", command);
  json_object_set_object_member (obj, "target", target);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/fleet/commands", body, cancellable, on_simple_done, task);
}

gboolean
vz_sync_engine_send_command_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_send_command_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_request_screenshot_async (VzSyncEngine        *self,
                                         const char          *display_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_request_screenshot_async);
  escaped = g_uri_escape_string (display_id, NULL, FALSE);
  path = g_strdup_printf ("/displays/%s/screenshot", escaped);
  vz_api_client_request_async (self->api, "POST", path, NULL, cancellable, on_simple_done, task);
}

gboolean
vz_sync_engine_request_screenshot_finish (VzSyncEngine  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_request_screenshot_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static guint
member_uint (JsonObject *obj,
             const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return (guint) CLAMP (json_node_get_int (node), 0, G_MAXUINT);
}

gboolean
vz_screenshot_ready_parse (JsonNode          *payload,
                           VzScreenshotReady *out)
{
  JsonObject *obj;

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return FALSE;
  obj = json_node_get_object (payload);
  out->device_id = _vz_json_string (obj, "deviceId");
  out->url = _vz_json_string (obj, "url");
  out->width = member_uint (obj, "width");
  out->height = member_uint (obj, "height");
  return out->device_id != NULL && out->url != NULL;
}
