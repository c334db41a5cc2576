/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/* Display groups: CRUD and membership. */

#define GROUP_COLUMNS "g.id, g.organization_id, g.name, g.description, g.created_at, g.updated_at"

static const VzFieldSpec create_spec[] = {
  { "name", VZ_FIELD_STRING, TRUE, 255 },
  { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 },
};

static const VzFieldSpec update_spec[] = {
  { "name", VZ_FIELD_STRING, FALSE, 255 },
  { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 },
};

static const VzFieldSpec members_spec[] = {
  { "displayIds", VZ_FIELD_STRING_ARRAY, TRUE, 0 },
};

static gboolean
add_group_members (VzServer    *self,
                   JsonBuilder *builder,
                   VzStmt      *stmt,
                   gboolean     detail,
                   GError     **error)
{
  g_autoptr(VzStmt) members = NULL;
  const char *id = vz_stmt_text (stmt, 0);
  guint count = 0;

  _vz_builder_add_column_string (builder, "id", stmt, 0);
  _vz_builder_add_column_string (builder, "organizationId", stmt, 1);
  _vz_builder_add_column_string (builder, "name", stmt, 2);
  _vz_builder_add_column_string (builder, "description", stmt, 3);
  _vz_builder_add_column_time (builder, "createdAt", stmt, 4);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, 5);

  members = vz_db_prepare (self->db,
                           "SELECT d.id, d.nickname, d.device_identifier, d.status, d.location"
                           " FROM display_group_members m JOIN displays d ON d.id = m.display_id"
                           " WHERE m.group_id = ?1 ORDER BY m.created_at, d.id",
                           error);
  if (members == NULL)
    return FALSE;
  sqlite3_bind_text (members, 1, id, -1, SQLITE_TRANSIENT);

  json_builder_set_member_name (builder, "displays");
  json_builder_begin_array (builder);
  while (sqlite3_step (members) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "displayId", members, 0);
      if (detail)
        {
          VzDeviceState *state = _vz_server_device_lookup (self, vz_stmt_text (members, 0));

          json_builder_set_member_name (builder, "display");
          json_builder_begin_object (builder);
          _vz_builder_add_column_string (builder, "id", members, 0);
          _vz_builder_add_column_string (builder, "nickname", members, 1);
          _vz_builder_add_column_string (builder, "deviceIdentifier", members, 2);
          _vz_builder_add_string_or_null (builder, "status",
                                          state != NULL ? state->status : vz_stmt_text (members, 3));
          _vz_builder_add_column_string (builder, "location", members, 4);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
      count++;
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "_count");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "displays");
  json_builder_add_int_value (builder, count);
  json_builder_end_object (builder);
  return TRUE;
}

#define GROUP_COL_UPDATED 5

/* Ids are the server's UUIDs, but any short string is looked up (and missed). */
static gboolean
valid_group_id (const char *group_id)
{
  return group_id != NULL && *group_id != '\0' && strlen (group_id) <= 128;
}

static const VzRowKind group_kind = {
  "SELECT " GROUP_COLUMNS " FROM display_groups g WHERE g.id = ?1 AND g.organization_id = ?2",
  GROUP_COL_UPDATED, valid_group_id, "group", "Display group not found",
};

static gboolean
reply_group (VzServer   *self,
             VzRequest  *req,
             const char *group_id,
             guint       status,
             GError    **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &group_kind, req->organization_id, group_id, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return FALSE;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (!add_group_members (self, builder, stmt, TRUE, error))
    return FALSE;
  json_builder_end_object (builder);
  _vz_reply_data (req, status, json_builder_get_root (builder));
  return TRUE;
}

static gboolean
touch_group (VzServer    *self,
             VzRequest   *req,
             const char  *group_id,
             GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "UPDATE display_groups SET updated_at = MAX(?2, updated_at + 1) WHERE id = ?1",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, group_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, req->now);
  return vz_db_step_done (self->db, stmt, error);
}

/* The screens whose groups changed play what their schedules now say. */
static void
screens_changed (VzServer  *self,
                 JsonArray *display_ids)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (display_ids); i++)
    g_ptr_array_add (ids, (gpointer) json_array_get_string_element (display_ids, i));
  _vz_server_scheduler_screens_changed (self, (const char * const *) ids->pdata, ids->len);
}

/* Every id must name a screen of the organization, else nothing changes. */
static gboolean
check_displays_exist (VzServer    *self,
                      VzRequest   *req,
                      JsonArray   *ids,
                      GError     **error)
{
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      const char *id = json_array_get_string_element (ids, i);
      g_autoptr(VzStmt) stmt = NULL;

      if (!_vz_is_uuid (id))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "One or more displays not found");
          return FALSE;
        }
      stmt = vz_db_prepare (self->db, "SELECT 1 FROM displays WHERE id = ?1 AND organization_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "One or more displays not found");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_vz_server_group_add_displays (VzServer    *self,
                               VzRequest   *req,
                               const char  *group_id,
                               JsonArray   *display_ids,
                               guint       *added,
                               GError     **error)
{
  g_autoptr(VzStmt) group = _vz_select_owned_row (self, &group_kind, req->organization_id, group_id, error);

  *added = 0;
  if (group == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&group));

  if (!check_displays_exist (self, req, display_ids, error))
    return FALSE;

  if (!vz_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (display_ids); i++)
    {
      g_autoptr(VzStmt) insert = vz_db_prepare (self->db,
                                                "INSERT OR IGNORE INTO display_group_members (group_id, display_id, created_at)"
                                                " VALUES (?1, ?2, ?3)",
                                                error);

      if (insert == NULL)
        goto fail;
      sqlite3_bind_text (insert, 1, group_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, json_array_get_string_element (display_ids, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert, 3, req->now);
      if (!vz_db_step_done (self->db, insert, error))
        goto fail;
      *added += (guint) vz_db_changes (self->db);
    }
  if ((*added > 0 && !touch_group (self, req, group_id, error)) || !vz_db_commit (self->db, error))
    goto fail;
  if (*added > 0)
    screens_changed (self, display_ids);
  return TRUE;

fail:
  vz_db_rollback (self->db);
  *added = 0;
  return FALSE;
}

/* A list row shows the members' ids only; the group itself shows them whole. */
static gboolean
add_group_row (VzServer    *self,
               JsonBuilder *builder,
               VzStmt      *stmt,
               GError     **error)
{
  return add_group_members (self, builder, stmt, FALSE, error);
}

gboolean
_vz_route_groups_list (VzServer   *self,
                       VzRequest  *req,
                       GError    **error)
{
  return _vz_reply_list (self, req,
                         "SELECT COUNT(*) FROM display_groups WHERE organization_id = ?1",
                         "SELECT " GROUP_COLUMNS " FROM display_groups g WHERE g.organization_id = ?1"
                         " ORDER BY g.created_at DESC, g.id DESC LIMIT ?2 OFFSET ?3",
                         add_group_row, error);
}

gboolean
_vz_route_groups_create (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;

  if (!_vz_request_check_body (req, create_spec, G_N_ELEMENTS (create_spec), error))
    return FALSE;
  name = _vz_request_dup_string (req, "name");
  description = _vz_request_dup_string (req, "description");

  insert = vz_db_prepare (self->db,
                          "INSERT INTO display_groups (id, organization_id, name, description, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 5, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;
  return reply_group (self, req, id, 201, error);
}

gboolean
_vz_route_groups_get (VzServer   *self,
                      VzRequest  *req,
                      GError    **error)
{
  static const char * const no_keys[] = { NULL };

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  return reply_group (self, req, req->params[0], 200, error);
}

gboolean
_vz_route_groups_patch (VzServer   *self,
                        VzRequest  *req,
                        GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_name = NULL;
  g_autofree char *description = NULL;
  gint64 updated_at;
  gboolean changed = FALSE;

  if (!_vz_request_check_body (req, update_spec, G_N_ELEMENTS (update_spec), error))
    return FALSE;
  current = _vz_select_for_change (self, req, &group_kind, error);
  if (current == NULL)
    return FALSE;
  updated_at = sqlite3_column_int64 (current, GROUP_COL_UPDATED);
  name = g_strdup (vz_stmt_text (current, 2));
  description = g_strdup (vz_stmt_text (current, 3));
  vz_stmt_release (g_steal_pointer (&current));

  if (!_vz_request_patch_name (req, &new_name, error))
    return FALSE;
  if (new_name != NULL)
    _vz_apply_change (&name, g_steal_pointer (&new_name), &changed);
  if (_vz_request_has_member (req, "description"))
    _vz_apply_change (&description, _vz_request_dup_string (req, "description"), &changed);

  if (changed)
    {
      update = vz_db_prepare (self->db,
                              "UPDATE display_groups SET name = ?2, description = ?3, updated_at = ?4 WHERE id = ?1",
                              error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 3, description, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 4, _vz_next_updated_at (req, updated_at));
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
    }
  return reply_group (self, req, req->params[0], 200, error);
}

gboolean
_vz_route_groups_delete (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  current = _vz_select_for_change (self, req, &group_kind, error);
  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));

  drop = vz_db_prepare (self->db, "DELETE FROM display_groups WHERE id = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, req->params[0], -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error))
    return FALSE;
  /* Its members and its schedules went with it. */
  _vz_server_scheduler_reload (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_groups_add (VzServer   *self,
                      VzRequest  *req,
                      GError    **error)
{
  guint added;

  if (!_vz_request_check_body (req, members_spec, G_N_ELEMENTS (members_spec), error))
    return FALSE;
  if (!_vz_server_group_add_displays (self, req, req->params[0], _vz_request_get_array (req, "displayIds"),
                                      &added, error))
    return FALSE;
  return reply_group (self, req, req->params[0], 201, error);
}

gboolean
_vz_route_groups_remove (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  g_autoptr(VzStmt) group = NULL;
  JsonArray *ids;
  gint64 removed = 0;

  if (!_vz_request_check_body (req, members_spec, G_N_ELEMENTS (members_spec), error))
    return FALSE;
  group = _vz_select_owned_row (self, &group_kind, req->organization_id, req->params[0], error);
  if (group == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&group));
  ids = _vz_request_get_array (req, "displayIds");

  if (!vz_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      g_autoptr(VzStmt) drop = vz_db_prepare (self->db,
                                              "DELETE FROM display_group_members WHERE group_id = ?1 AND display_id = ?2",
                                              error);

      if (drop == NULL)
        goto fail;
      sqlite3_bind_text (drop, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (drop, 2, json_array_get_string_element (ids, i), -1, SQLITE_TRANSIENT);
      if (!vz_db_step_done (self->db, drop, error))
        goto fail;
      removed += vz_db_changes (self->db);
    }
  if ((removed > 0 && !touch_group (self, req, req->params[0], error)) || !vz_db_commit (self->db, error))
    goto fail;
  if (removed > 0)
    screens_changed (self, ids);
  return reply_group (self, req, req->params[0], 200, error);

fail:
  vz_db_rollback (self->db);
  return FALSE;
}
