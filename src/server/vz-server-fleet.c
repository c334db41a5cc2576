/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/*
 * Fleet commands: reload / restart / reboot / clear_cache sent as realtime
 * `command {type, payload, commandId}` to every connected screen of a device,
 * group or the whole organization. Screens that are offline miss it: these
 * commands only make sense now, so nothing is queued for later.
 */

static const char * const commands[] = {
  "reload", "restart", "reboot", "clear_cache", "push_content", NULL
};

static const char * const target_types[] = { "device", "group", "organization", NULL };

static gboolean
check_payload (JsonObject  *payload,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (payload);
  double duration;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "contentId") && !g_str_equal (l->data, "duration"))
      {
        g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                     "property payload.%s should not exist", (const char *) l->data);
        return FALSE;
      }
  if (json_object_has_member (payload, "contentId") && _vz_json_string (payload, "contentId") == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "payload.contentId must be a string");
      return FALSE;
    }
  if (json_object_has_member (payload, "duration") &&
      (!_vz_json_number (payload, "duration", &duration) || duration < 0 || duration > 86400))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "payload.duration must be a number of seconds from 0 to 86400");
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
resolve_targets (VzServer    *self,
                 VzRequest   *req,
                 const char  *type,
                 const char  *id,
                 char       **name,
                 GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (g_str_equal (type, "device"))
    {
      g_autoptr(VzStmt) stmt = NULL;

      if (!_vz_is_uuid (id))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Device %s not found in organization", id);
          return NULL;
        }
      stmt = vz_db_prepare (self->db,
                            "SELECT id, COALESCE(nickname, id) FROM displays WHERE id = ?1 AND organization_id = ?2", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Device %s not found in organization", id);
          return NULL;
        }
      g_ptr_array_add (ids, g_strdup (vz_stmt_text (stmt, 0)));
      *name = g_strdup (vz_stmt_text (stmt, 1));
    }
  else if (g_str_equal (type, "group"))
    {
      g_autoptr(VzStmt) group = NULL;
      g_autoptr(VzStmt) members = NULL;

      group = vz_db_prepare (self->db, "SELECT name FROM display_groups WHERE id = ?1 AND organization_id = ?2", error);
      if (group == NULL)
        return NULL;
      sqlite3_bind_text (group, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (group, 2, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (group) != SQLITE_ROW)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Group %s not found in organization", id);
          return NULL;
        }
      *name = g_strdup (vz_stmt_text (group, 0));

      members = vz_db_prepare (self->db, "SELECT display_id FROM display_group_members WHERE group_id = ?1", error);
      if (members == NULL)
        return NULL;
      sqlite3_bind_text (members, 1, id, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (members) == SQLITE_ROW)
        g_ptr_array_add (ids, g_strdup (vz_stmt_text (members, 0)));
    }
  else
    {
      GHashTableIter iter;
      VzDeviceState *state;

      /* The live table already holds every screen: no query needed. */
      g_hash_table_iter_init (&iter, self->devices);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
        if (g_str_equal (state->organization_id, req->organization_id))
          g_ptr_array_add (ids, g_strdup (state->id));
      *name = g_strdup ("All Devices");
    }
  return g_steal_pointer (&ids);
}

gboolean
_vz_route_fleet_commands (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "command", VZ_FIELD_STRING, TRUE, 32 },
    { "target", VZ_FIELD_OBJECT, TRUE, 0 },
    { "payload", VZ_FIELD_OBJECT, FALSE, 0 },
  };
  g_autofree char *command = NULL;
  g_autofree char *command_id = g_uuid_string_random ();
  g_autofree char *target_name = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GList) target_members = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) event = NULL;
  JsonObject *target;
  JsonObject *payload;
  const char *type;
  const char *id;
  guint online = 0, delivered = 0;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;

  command = _vz_request_dup_string (req, "command");
  if (!g_strv_contains (commands, command))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "command must be one of: reload, restart, reboot, clear_cache, push_content");
      return FALSE;
    }

  target = _vz_json_object (req->body, "target");
  target_members = json_object_get_members (target);
  for (GList *l = target_members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "type") && !g_str_equal (l->data, "id"))
      {
        g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                     "property target.%s should not exist", (const char *) l->data);
        return FALSE;
      }
  type = _vz_json_string (target, "type");
  id = _vz_json_string (target, "id");
  if (type == NULL || !g_strv_contains (target_types, type))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "target.type must be one of: device, group, organization");
      return FALSE;
    }
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "target.id must be a non-empty string");
      return FALSE;
    }

  payload = _vz_json_object (req->body, "payload");
  if (payload != NULL && !check_payload (payload, error))
    return FALSE;
  if (g_str_equal (command, "push_content"))
    {
      /* This server has no content library yet, so no contentId can exist. */
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found");
      return FALSE;
    }

  ids = resolve_targets (self, req, type, id, &target_name, error);
  if (ids == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, command);
  json_builder_set_member_name (builder, "payload");
  if (payload != NULL)
    json_builder_add_value (builder, json_node_copy (json_object_get_member (req->body, "payload")));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "commandId");
  json_builder_add_string_value (builder, command_id);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *display_id = g_ptr_array_index (ids, i);

      if (!_vz_server_device_connected (self, display_id))
        continue;
      online++;
      if (_vz_server_send_to_device (self, display_id, "command", event))
        delivered++;
    }

  g_clear_object (&builder);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "commandId");
  json_builder_add_string_value (builder, command_id);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  json_builder_set_member_name (builder, "target");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, target_name);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "devicesTargeted");
  json_builder_add_int_value (builder, ids->len);
  json_builder_set_member_name (builder, "devicesOnline");
  json_builder_add_int_value (builder, online);
  json_builder_set_member_name (builder, "devicesQueued");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "devicesDelivered");
  json_builder_add_int_value (builder, delivered);
  json_builder_set_member_name (builder, "devicesFailed");
  json_builder_add_int_value (builder, online - delivered);
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;
}
