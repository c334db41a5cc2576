/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include "vz-server-private.h"

/* POST /schedules/check-conflicts: which schedules share time with a proposed
 * one (docs/schedules.md). */

static const VzFieldSpec conflicts_spec[] = {
  { "daysOfWeek", VZ_FIELD_ARRAY, TRUE, 0 },
  { "displayId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 },
  { "displayGroupId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 },
  { "startTime", VZ_FIELD_ANY, FALSE, 0 },
  { "endTime", VZ_FIELD_ANY, FALSE, 0 },
  { "startDate", VZ_FIELD_ANY, FALSE, 0 },
  { "endDate", VZ_FIELD_ANY, FALSE, 0 },
  { "excludeScheduleId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 },
  /* [local] the proposed schedule's priority, so that each overlap says which wins */
  { "priority", VZ_FIELD_ANY, FALSE, 0 },
};

/* The active schedules that reach what @proposed targets: for a screen, its
 * own and its groups'; for a group, the group's, its members' and their
 * other groups'; for neither, the organization's. */
static GPtrArray *
reaching_rules (VzServer    *self,
                VzRequest   *req,
                const char  *display_id,
                const char  *group_id,
                GHashTable  *rows,
                GError     **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT " VZ_SCHEDULE_RULE_COLUMNS ", s.name, s.start_time, s.end_time, s.priority,"
                                          " p.id, p.name, s.created_at"
                                          " FROM schedules s JOIN playlists p ON p.id = s.playlist_id"
                                          " WHERE s.organization_id = ?1 AND s.is_active = 1 AND ("
                                          "  (?2 IS NULL AND ?3 IS NULL)"
                                          "  OR s.display_id = ?2"
                                          "  OR s.display_group_id IN (SELECT group_id FROM display_group_members WHERE display_id = ?2)"
                                          "  OR s.display_group_id = ?3"
                                          "  OR s.display_id IN (SELECT display_id FROM display_group_members WHERE group_id = ?3)"
                                          "  OR s.display_group_id IN (SELECT m2.group_id FROM display_group_members m1"
                                          "     JOIN display_group_members m2 ON m2.display_id = m1.display_id WHERE m1.group_id = ?3))"
                                          " ORDER BY s.priority DESC, s.created_at DESC, s.id DESC",
                                          error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, group_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      VzScheduleRule *rule = _vz_schedule_rule_from_row (stmt, 0);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      /* What a conflict says about the other schedule, as the platform's. */
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "id", stmt, 0);
      _vz_builder_add_column_string (builder, "name", stmt, 12);
      _vz_builder_add_nullable_int (builder, "startTime", stmt, 13);
      _vz_builder_add_nullable_int (builder, "endTime", stmt, 14);
      _vz_builder_add_days_of_week (builder, "daysOfWeek", rule->days);
      json_builder_set_member_name (builder, "priority");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 15));
      _vz_builder_add_reference (builder, "playlist", "name", stmt, 16, 17);
      _vz_builder_add_column_time (builder, "createdAt", stmt, 18);
      json_builder_end_object (builder);
      g_hash_table_insert (rows, g_strdup (rule->id), json_builder_get_root (builder));
      g_ptr_array_add (rules, rule);
    }
  return g_steal_pointer (&rules);
}

/* The proposed schedule's createdAt: the edited one's, else now (the newest). */
static gint64
proposed_created_at (VzServer   *self,
                     VzRequest  *req,
                     const char *exclude_id)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  if (exclude_id == NULL)
    return req->now * 1000;
  stmt = vz_db_prepare (self->db, "SELECT created_at FROM schedules WHERE id = ?1 AND organization_id = ?2", &error);
  if (stmt == NULL)
    return req->now * 1000;
  sqlite3_bind_text (stmt, 1, exclude_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) * 1000 : req->now * 1000;
}

static void
copy_member (JsonObject  *object,
             const char  *name,
             JsonNode    *node,
             gpointer     user_data)
{
  json_object_set_member (user_data, name, json_node_copy (node));
}

gboolean
_vz_route_schedules_conflicts (VzServer   *self,
                               VzRequest  *req,
                               GError    **error)
{
  g_autoptr(VzScheduleRule) proposed = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GArray) overlaps = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *display_id = NULL;
  g_autofree char *group_id = NULL;
  g_autofree char *exclude_id = NULL;
  gint64 priority = 0;

  proposed = vz_schedule_rule_new ("", NULL);
  _vz_schedule_read_day (req, "startDate", FALSE, &proposed->start_day);
  _vz_schedule_read_day (req, "endDate", TRUE, &proposed->end_day);
  _vz_schedule_read_time (req, "startTime", &proposed->start_time);
  _vz_schedule_read_time (req, "endTime", &proposed->end_time);
  _vz_schedule_read_days_of_week (req, &proposed->days);
  _vz_schedule_read_priority (req, &priority);
  if (!_vz_request_check_body (req, conflicts_spec, G_N_ELEMENTS (conflicts_spec), error))
    return FALSE;
  display_id = _vz_request_dup_string (req, "displayId");
  group_id = _vz_request_dup_string (req, "displayGroupId");
  exclude_id = _vz_request_dup_string (req, "excludeScheduleId");
  if (display_id != NULL && group_id != NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "Cannot specify both displayId and displayGroupId");
      return FALSE;
    }
  if (proposed->end_day != VZ_SCHEDULE_NO_END_DAY && proposed->end_day < proposed->start_day)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "endDate must not be before startDate");
      return FALSE;
    }
  g_free (proposed->id);
  proposed->id = g_strdup (exclude_id != NULL ? exclude_id : "");
  proposed->priority = (int) priority;
  proposed->created_at = proposed_created_at (self, req, exclude_id);

  others = reaching_rules (self, req, display_id, group_id, rows, error);
  if (others == NULL)
    return FALSE;
  overlaps = vz_schedule_conflicts (proposed, others);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hasConflicts");
  json_builder_add_boolean_value (builder, overlaps->len > 0);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < overlaps->len;)
    {
      const VzScheduleOverlap *first = &g_array_index (overlaps, VzScheduleOverlap, i);
      JsonObject *row = json_node_get_object (g_hash_table_lookup (rows, first->other->id));
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *conflict = json_object_new ();
      JsonArray *shared = json_array_new ();

      /* The other schedule as the platform says it, and [local] where they
       * overlap and which one wins there. */
      json_object_foreach_member (row, copy_member, conflict);
      for (; i < overlaps->len && g_array_index (overlaps, VzScheduleOverlap, i).other == first->other; i++)
        {
          const VzScheduleOverlap *overlap = &g_array_index (overlaps, VzScheduleOverlap, i);
          JsonObject *item = json_object_new ();
          JsonArray *days = json_array_new ();

          for (int day = 0; day < 7; day++)
            if (overlap->days & (1u << day))
              json_array_add_int_element (days, day);
          json_object_set_array_member (item, "daysOfWeek", days);
          json_object_set_int_member (item, "startMinute", overlap->start_minute);
          json_object_set_int_member (item, "endMinute", overlap->end_minute);
          json_object_set_boolean_member (item, "proposedWins", overlap->proposed_wins);
          json_array_add_object_element (shared, item);
        }
      json_object_set_array_member (conflict, "overlaps", shared);
      json_node_take_object (node, conflict);
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}
