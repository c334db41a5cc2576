/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-server-private.h"

/* Schedules: CRUD, duplicate and the conflict check (docs/schedules.md). */

#define SCHEDULE_COLUMNS \
  "s.id, s.organization_id, s.name, s.description, s.start_date, s.end_date, s.start_time," \
  " s.end_time, s.days_of_week, s.priority, s.is_active, s.playlist_id, s.display_id," \
  " s.display_group_id, s.created_at, s.updated_at, p.name, d.nickname, g.name"
#define SCHEDULE_FROM \
  " FROM schedules s JOIN playlists p ON p.id = s.playlist_id" \
  " LEFT JOIN displays d ON d.id = s.display_id" \
  " LEFT JOIN display_groups g ON g.id = s.display_group_id"

enum {
  COL_ID, COL_ORG, COL_NAME, COL_DESCRIPTION, COL_START_DATE, COL_END_DATE, COL_START_TIME,
  COL_END_TIME, COL_DAYS, COL_PRIORITY, COL_ACTIVE, COL_PLAYLIST, COL_DISPLAY, COL_GROUP,
  COL_CREATED, COL_UPDATED, COL_PLAYLIST_NAME, COL_DISPLAY_NAME, COL_GROUP_NAME,
};

/* The widest priority a schedule takes: any 32-bit integer, as Postgres'. */
#define PRIORITY_LIMIT G_GINT64_CONSTANT (2147483647)

/* The members of a schedule; @required for those a new one must have. */
#define SCHEDULE_FIELDS(required) \
  { "name", VZ_FIELD_STRING, required, 255 }, \
  { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 }, \
  { "startDate", VZ_FIELD_ANY, required, 0 }, \
  { "endDate", VZ_FIELD_ANY, FALSE, 0 }, \
  { "startTime", VZ_FIELD_ANY, FALSE, 0 }, \
  { "endTime", VZ_FIELD_ANY, FALSE, 0 }, \
  { "daysOfWeek", VZ_FIELD_ARRAY, required, 0 }, \
  { "priority", VZ_FIELD_ANY, FALSE, 0 }, \
  { "isActive", VZ_FIELD_BOOLEAN, FALSE, 0 }, \
  { "playlistId", VZ_FIELD_STRING, required, 128 }, \
  { "displayId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 }, \
  { "displayGroupId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 },

static const VzFieldSpec create_spec[] = { SCHEDULE_FIELDS (TRUE) };
static const VzFieldSpec update_spec[] = { SCHEDULE_FIELDS (FALSE) };

/* --- rows ------------------------------------------------------------------ */

static void
add_day (JsonBuilder *builder,
         const char  *name,
         VzStmt      *stmt,
         int          column)
{
  json_builder_set_member_name (builder, name);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = _vz_format_time (sqlite3_column_int64 (stmt, column) * 86400000);

      json_builder_add_string_value (builder, text);
    }
}

void
_vz_builder_add_nullable_int (JsonBuilder *builder,
                              const char  *name,
                              VzStmt      *stmt,
                              int          column)
{
  json_builder_set_member_name (builder, name);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, column));
}

void
_vz_builder_add_days_of_week (JsonBuilder *builder,
                              const char  *name,
                              guint8       days)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (int day = 0; day < 7; day++)
    if (days & (1u << day))
      json_builder_add_int_value (builder, day);
  json_builder_end_array (builder);
}

void
_vz_builder_add_reference (JsonBuilder *builder,
                           const char  *member,
                           const char  *name_member,
                           VzStmt      *stmt,
                           int          id_column,
                           int          name_column)
{
  json_builder_set_member_name (builder, member);
  if (sqlite3_column_type (stmt, id_column) == SQLITE_NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, id_column);
  _vz_builder_add_column_string (builder, name_member, stmt, name_column);
  json_builder_end_object (builder);
}

static gboolean
add_schedule_row (VzServer    *self,
                  JsonBuilder *builder,
                  VzStmt      *stmt,
                  GError     **error)
{
  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "organizationId", stmt, COL_ORG);
  _vz_builder_add_column_string (builder, "name", stmt, COL_NAME);
  _vz_builder_add_column_string (builder, "description", stmt, COL_DESCRIPTION);
  add_day (builder, "startDate", stmt, COL_START_DATE);
  add_day (builder, "endDate", stmt, COL_END_DATE);
  _vz_builder_add_nullable_int (builder, "startTime", stmt, COL_START_TIME);
  _vz_builder_add_nullable_int (builder, "endTime", stmt, COL_END_TIME);
  _vz_builder_add_days_of_week (builder, "daysOfWeek", (guint8) sqlite3_column_int (stmt, COL_DAYS));
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, COL_PRIORITY));
  json_builder_set_member_name (builder, "isActive");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_ACTIVE) != 0);
  _vz_builder_add_column_string (builder, "playlistId", stmt, COL_PLAYLIST);
  _vz_builder_add_column_string (builder, "displayId", stmt, COL_DISPLAY);
  _vz_builder_add_column_string (builder, "displayGroupId", stmt, COL_GROUP);
  _vz_builder_add_column_time (builder, "createdAt", stmt, COL_CREATED);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);
  _vz_builder_add_reference (builder, "playlist", "name", stmt, COL_PLAYLIST, COL_PLAYLIST_NAME);
  _vz_builder_add_reference (builder, "display", "nickname", stmt, COL_DISPLAY, COL_DISPLAY_NAME);
  _vz_builder_add_reference (builder, "displayGroup", "name", stmt, COL_GROUP, COL_GROUP_NAME);
  return TRUE;
}

VzScheduleRule *
_vz_schedule_rule_from_row (VzStmt *stmt,
                            int     first_column)
{
  /* Columns from @first_column: id, playlist_id, display_id, display_group_id,
   * start_date, end_date, start_time, end_time, days_of_week, priority,
   * is_active, created_at. */
  VzScheduleRule *rule = vz_schedule_rule_new (vz_stmt_text (stmt, first_column),
                                               vz_stmt_text (stmt, first_column + 1));
  int c = first_column + 2;

  if (!vz_stmt_is_null (stmt, c))
    vz_schedule_rule_set_display (rule, vz_stmt_text (stmt, c));
  else
    vz_schedule_rule_set_group (rule, vz_stmt_text (stmt, c + 1));
  rule->start_day = sqlite3_column_int (stmt, c + 2);
  rule->end_day = vz_stmt_is_null (stmt, c + 3) ? VZ_SCHEDULE_NO_END_DAY : sqlite3_column_int (stmt, c + 3);
  rule->start_time = vz_stmt_is_null (stmt, c + 4) ? VZ_SCHEDULE_NO_TIME : sqlite3_column_int (stmt, c + 4);
  rule->end_time = vz_stmt_is_null (stmt, c + 5) ? VZ_SCHEDULE_NO_TIME : sqlite3_column_int (stmt, c + 5);
  rule->days = (guint8) sqlite3_column_int (stmt, c + 6);
  rule->priority = sqlite3_column_int (stmt, c + 7);
  rule->is_active = sqlite3_column_int (stmt, c + 8) != 0;
  rule->created_at = sqlite3_column_int64 (stmt, c + 9) * 1000;
  return rule;
}

/* Ids are the server's UUIDs, but any short string is looked up (and missed). */
static gboolean
valid_schedule_id (const char *schedule_id)
{
  return schedule_id != NULL && *schedule_id != '\0' && strlen (schedule_id) <= 128;
}

static const VzRowKind schedule_kind = {
  "SELECT " SCHEDULE_COLUMNS SCHEDULE_FROM " WHERE s.id = ?1 AND s.organization_id = ?2",
  COL_UPDATED, valid_schedule_id, "schedule", "Schedule not found",
};

/* The schedule as GET /schedules/:id answers it (transfer full), or NULL. */
static JsonNode *
schedule_json (VzServer   *self,
               const char *organization_id,
               const char *schedule_id,
               GError    **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &schedule_kind, organization_id, schedule_id, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_schedule_row (self, builder, stmt, error);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* [local] schedule:updated {scheduleId, action, schedule?, updatedAt} to the
 * organization's dashboards, so that other clients follow a change without
 * reading the list again (docs/schedules.md). @schedule: the record as
 * GET /schedules/:id answers it, NULL for "deleted". */
static void
announce_schedule (VzServer   *self,
                   const char *organization_id,
                   const char *schedule_id,
                   const char *action,
                   JsonNode   *schedule)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) event = NULL;
  g_autofree char *now = _vz_format_time (_vz_now_ms ());

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scheduleId");
  json_builder_add_string_value (builder, schedule_id);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action);
  if (schedule != NULL)
    {
      json_builder_set_member_name (builder, "schedule");
      json_builder_add_value (builder, json_node_ref (schedule));
    }
  json_builder_set_member_name (builder, "updatedAt");
  json_builder_add_string_value (builder, now);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);
  _vz_server_emit_to_organization (self, organization_id, "schedule:updated", event);
}

/* Answers with the schedule; tells the dashboards about it when @action
 * (created, updated) is not NULL. */
static gboolean
reply_schedule (VzServer   *self,
                VzRequest  *req,
                const char *schedule_id,
                guint       status,
                const char *action,
                GError    **error)
{
  JsonNode *schedule = schedule_json (self, req->organization_id, schedule_id, error);

  if (schedule == NULL)
    return FALSE;
  if (action != NULL)
    announce_schedule (self, req->organization_id, schedule_id, action, schedule);
  _vz_reply_data (req, status, schedule);
  return TRUE;
}

/* --- input ---------------------------------------------------------------- */

typedef struct {
  char    *name;
  char    *description;
  gint32   start_day;
  gint32   end_day;        /* VZ_SCHEDULE_NO_END_DAY: none */
  int      start_time;     /* VZ_SCHEDULE_NO_TIME: none */
  int      end_time;
  guint8   days;
  gint64   priority;
  gboolean is_active;
  char    *playlist_id;
  char    *display_id;
  char    *group_id;
} ScheduleInput;

static void
schedule_input_clear (ScheduleInput *input)
{
  g_free (input->name);
  g_free (input->description);
  g_free (input->playlist_id);
  g_free (input->display_id);
  g_free (input->group_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScheduleInput, schedule_input_clear)

static void
add_problem_printf (VzRequest  *req,
                    const char *format,
                    ...) G_GNUC_PRINTF (2, 3);

static void
add_problem_printf (VzRequest  *req,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  _vz_request_add_problem (req, message);
}

/* An integer within @min..@max, or a problem named after @name. */
static gboolean
node_integer (VzRequest  *req,
              JsonNode   *node,
              const char *name,
              gint64      min,
              gint64      max,
              gint64     *value)
{
  double number;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
      !isfinite (number = json_node_get_double (node)) || number != floor (number))
    {
      add_problem_printf (req, "%s must be an integer number", name);
      return FALSE;
    }
  if (number < (double) min)
    {
      add_problem_printf (req, "%s must not be less than %" G_GINT64_FORMAT, name, min);
      return FALSE;
    }
  if (number > (double) max)
    {
      add_problem_printf (req, "%s must not be greater than %" G_GINT64_FORMAT, name, max);
      return FALSE;
    }
  *value = (gint64) number;
  return TRUE;
}

void
_vz_schedule_read_time (VzRequest  *req,
                        const char *name,
                        int        *time)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, name) : NULL;
  gint64 value;

  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_NULL (node))
    *time = VZ_SCHEDULE_NO_TIME;
  else if (node_integer (req, node, name, 0, VZ_SCHEDULE_MINUTES_PER_DAY - 1, &value))
    *time = (int) value;
}

/* A date member: a calendar day; null clears it when @nullable. */
void
_vz_schedule_read_day (VzRequest  *req,
                       const char *name,
                       gboolean   nullable,
                       gint32     *day)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, name) : NULL;
  gint32 value;

  if (node == NULL)
    return;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    *day = VZ_SCHEDULE_NO_END_DAY;
  else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
           !vz_schedule_parse_day (json_node_get_string (node), &value) ||
           value < -719162 || value > 2932896)
    add_problem_printf (req, "%s must be a valid ISO 8601 date string", name);
  else
    *day = value;
}

void
_vz_schedule_read_days_of_week (VzRequest *req,
                                guint8    *days)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, "daysOfWeek") : NULL;
  JsonArray *array;
  guint8 mask = 0;

  if (node == NULL)
    return;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;  /* _vz_request_check_body() says so */
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      _vz_request_add_problem (req, "daysOfWeek must contain at least 1 elements");
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 day;

      if (!node_integer (req, json_array_get_element (array, i), "each value in daysOfWeek", 0, 6, &day))
        return;
      mask |= (guint8) (1u << day);
    }
  *days = mask;
}

void
_vz_schedule_read_priority (VzRequest *req,
                            gint64    *priority)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, "priority") : NULL;

  if (node != NULL)
    node_integer (req, node, "priority", -PRIORITY_LIMIT - 1, PRIORITY_LIMIT, priority);
}

/* Reads the body over @input (a new schedule's defaults, or the row a PATCH
 * changes), checking every member; then the rules between members and the
 * rows they name. */
static gboolean
read_input (VzServer          *self,
            VzRequest         *req,
            const VzFieldSpec *spec,
            guint              n_spec,
            ScheduleInput     *input,
            GError           **error)
{
  gboolean has_display = _vz_request_has_member (req, "displayId");
  gboolean has_group = _vz_request_has_member (req, "displayGroupId");

  _vz_schedule_read_day (req, "startDate", FALSE, &input->start_day);
  _vz_schedule_read_day (req, "endDate", TRUE, &input->end_day);
  _vz_schedule_read_time (req, "startTime", &input->start_time);
  _vz_schedule_read_time (req, "endTime", &input->end_time);
  _vz_schedule_read_days_of_week (req, &input->days);
  _vz_schedule_read_priority (req, &input->priority);
  if (!_vz_request_check_body (req, spec, n_spec, error))
    return FALSE;

  if (_vz_request_has_member (req, "name"))
    {
      g_autofree char *name = NULL;

      if (!_vz_request_patch_name (req, &name, error))
        return FALSE;
      g_free (input->name);
      input->name = g_steal_pointer (&name);
    }
  if (_vz_request_has_member (req, "description"))
    {
      g_free (input->description);
      input->description = _vz_request_dup_string (req, "description");
    }
  if (_vz_request_has_member (req, "isActive"))
    input->is_active = json_object_get_boolean_member (req->body, "isActive");
  if (_vz_request_has_member (req, "playlistId"))
    {
      g_free (input->playlist_id);
      input->playlist_id = _vz_request_dup_string (req, "playlistId");
    }

  /* Naming one target clears the other, as the platform does. */
  if (has_display && has_group && !JSON_NODE_HOLDS_NULL (json_object_get_member (req->body, "displayId")) &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (req->body, "displayGroupId")))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "Cannot specify both displayId and displayGroupId");
      return FALSE;
    }
  if (has_display)
    {
      g_free (input->display_id);
      input->display_id = _vz_request_dup_string (req, "displayId");
      if (input->display_id != NULL)
        g_clear_pointer (&input->group_id, g_free);
    }
  if (has_group)
    {
      g_free (input->group_id);
      input->group_id = _vz_request_dup_string (req, "displayGroupId");
      if (input->group_id != NULL)
        g_clear_pointer (&input->display_id, g_free);
    }
  if (input->display_id == NULL && input->group_id == NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "Either displayId or displayGroupId must be provided");
      return FALSE;
    }
  if (input->end_day != VZ_SCHEDULE_NO_END_DAY && input->end_day < input->start_day)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "endDate must not be before startDate");
      return FALSE;
    }

  return _vz_server_check_owned (self, req->organization_id, "displays", input->display_id,
                                 "Display not found", error) &&
         _vz_server_check_owned (self, req->organization_id, "display_groups", input->group_id,
                                 "Display group not found", error) &&
         _vz_server_check_owned (self, req->organization_id, "playlists", input->playlist_id,
                                 "Playlist not found", error);
}

gboolean
_vz_server_check_owned (VzServer    *self,
                        const char  *organization_id,
                        const char  *table,
                        const char  *id,
                        const char  *not_found,
                        GError     **error)
{
  g_autoptr(VzStmt) stmt = NULL;

  if (id == NULL)
    return TRUE;
  /* The table name comes from the callers' literals, never from a request. */
  if (g_str_equal (table, "displays"))
    stmt = vz_db_prepare (self->db, "SELECT 1 FROM displays WHERE id = ?1 AND organization_id = ?2", error);
  else if (g_str_equal (table, "display_groups"))
    stmt = vz_db_prepare (self->db, "SELECT 1 FROM display_groups WHERE id = ?1 AND organization_id = ?2", error);
  else if (g_str_equal (table, "playlists"))
    stmt = vz_db_prepare (self->db, "SELECT 1 FROM playlists WHERE id = ?1 AND organization_id = ?2", error);
  else
    g_assert_not_reached ();
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, not_found);
      return FALSE;
    }
  return TRUE;
}

static void
bind_input (VzStmt              *stmt,
            const ScheduleInput *input)
{
  sqlite3_bind_text (stmt, 3, input->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, input->description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, input->start_day);
  if (input->end_day == VZ_SCHEDULE_NO_END_DAY)
    sqlite3_bind_null (stmt, 6);
  else
    sqlite3_bind_int (stmt, 6, input->end_day);
  if (input->start_time == VZ_SCHEDULE_NO_TIME)
    sqlite3_bind_null (stmt, 7);
  else
    sqlite3_bind_int (stmt, 7, input->start_time);
  if (input->end_time == VZ_SCHEDULE_NO_TIME)
    sqlite3_bind_null (stmt, 8);
  else
    sqlite3_bind_int (stmt, 8, input->end_time);
  sqlite3_bind_int (stmt, 9, input->days);
  sqlite3_bind_int64 (stmt, 10, input->priority);
  sqlite3_bind_int (stmt, 11, input->is_active);
  sqlite3_bind_text (stmt, 12, input->playlist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, input->display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 14, input->group_id, -1, SQLITE_TRANSIENT);
}

static gboolean
insert_schedule (VzServer            *self,
                 VzRequest           *req,
                 const char          *id,
                 const ScheduleInput *input,
                 GError             **error)
{
  g_autoptr(VzStmt) insert = vz_db_prepare (self->db,
                                            "INSERT INTO schedules (id, organization_id, name, description, start_date,"
                                            " end_date, start_time, end_time, days_of_week, priority, is_active,"
                                            " playlist_id, display_id, display_group_id, created_at, updated_at)"
                                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
                                            error);

  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  bind_input (insert, input);
  sqlite3_bind_int64 (insert, 15, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;
  _vz_server_scheduler_schedule_changed (self, id);
  return TRUE;
}

gint64
_vz_server_count_playlist_schedules (VzServer   *self,
                                     const char *playlist_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, "SELECT COUNT(*) FROM schedules WHERE playlist_id = ?1", &error);

  if (stmt == NULL)
    {
      g_message ("Could not count a playlist's schedules: %s", error->message);
      return 0;
    }
  sqlite3_bind_text (stmt, 1, playlist_id, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

gboolean
_vz_server_add_display_schedules (VzServer    *self,
                                  JsonBuilder *builder,
                                  const char  *display_id,
                                  GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT " SCHEDULE_COLUMNS SCHEDULE_FROM " WHERE s.display_id = ?1"
                                          " ORDER BY s.priority DESC, s.created_at DESC, s.id DESC",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, display_id, -1, SQLITE_TRANSIENT);
  json_builder_set_member_name (builder, "schedules");
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_schedule_row (self, builder, stmt, error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

/* --- routes --------------------------------------------------------------- */

typedef struct {
  const char *display_id;
  const char *group_id;
  int         is_active;   /* -1: any */
} ScheduleFilters;

#define SCHEDULE_FILTER \
  " WHERE s.organization_id = ?1" \
  " AND (?4 IS NULL OR s.display_id = ?4)" \
  " AND (?5 IS NULL OR s.display_group_id = ?5)" \
  " AND (?6 < 0 OR s.is_active = ?6)"

static void
bind_filters (VzStmt   *stmt,
              gpointer  data)
{
  ScheduleFilters *filters = data;

  sqlite3_bind_text (stmt, 4, filters->display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, filters->group_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, filters->is_active);
}

gboolean
_vz_route_schedules_list (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  static const char * const keys[] = { "page", "limit", "displayId", "displayGroupId", "isActive", NULL };
  ScheduleFilters filters = { NULL, NULL, -1 };
  const char *active;
  guint page, limit;

  if (!_vz_request_check_query (req, keys, error) || !_vz_request_pagination (req, &page, &limit, error))
    return FALSE;
  filters.display_id = g_hash_table_lookup (req->query, "displayId");
  filters.group_id = g_hash_table_lookup (req->query, "displayGroupId");
  active = g_hash_table_lookup (req->query, "isActive");
  if (active != NULL)
    {
      if (!g_str_equal (active, "true") && !g_str_equal (active, "false"))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "isActive must be true or false");
          return FALSE;
        }
      filters.is_active = g_str_equal (active, "true");
    }
  return _vz_reply_rows (self, req, page, limit,
                         "SELECT COUNT(*) FROM schedules s" SCHEDULE_FILTER,
                         "SELECT " SCHEDULE_COLUMNS SCHEDULE_FROM SCHEDULE_FILTER
                         " ORDER BY s.priority DESC, s.created_at DESC, s.id DESC LIMIT ?2 OFFSET ?3",
                         bind_filters, &filters, add_schedule_row, error);
}

gboolean
_vz_route_schedules_get (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  static const char * const no_keys[] = { NULL };

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  return reply_schedule (self, req, req->params[0], 200, NULL, error);
}

gboolean
_vz_route_schedules_create (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  g_auto(ScheduleInput) input = { NULL, };
  g_autofree char *id = g_uuid_string_random ();

  input.end_day = VZ_SCHEDULE_NO_END_DAY;
  input.start_time = input.end_time = VZ_SCHEDULE_NO_TIME;
  input.is_active = TRUE;
  if (!read_input (self, req, create_spec, G_N_ELEMENTS (create_spec), &input, error) ||
      !insert_schedule (self, req, id, &input, error))
    return FALSE;
  return reply_schedule (self, req, id, 201, "created", error);
}

/* The row req->params[0] for a change, read into @input. */
static gboolean
read_current (VzServer      *self,
              VzRequest     *req,
              ScheduleInput *input,
              gint64        *updated_at,
              GError       **error)
{
  g_autoptr(VzStmt) current = _vz_select_for_change (self, req, &schedule_kind, error);

  if (current == NULL)
    return FALSE;
  input->name = g_strdup (vz_stmt_text (current, COL_NAME));
  input->description = g_strdup (vz_stmt_text (current, COL_DESCRIPTION));
  input->start_day = sqlite3_column_int (current, COL_START_DATE);
  input->end_day = vz_stmt_is_null (current, COL_END_DATE) ? VZ_SCHEDULE_NO_END_DAY
                                                           : sqlite3_column_int (current, COL_END_DATE);
  input->start_time = vz_stmt_is_null (current, COL_START_TIME) ? VZ_SCHEDULE_NO_TIME
                                                                : sqlite3_column_int (current, COL_START_TIME);
  input->end_time = vz_stmt_is_null (current, COL_END_TIME) ? VZ_SCHEDULE_NO_TIME
                                                            : sqlite3_column_int (current, COL_END_TIME);
  input->days = (guint8) sqlite3_column_int (current, COL_DAYS);
  input->priority = sqlite3_column_int64 (current, COL_PRIORITY);
  input->is_active = sqlite3_column_int (current, COL_ACTIVE) != 0;
  input->playlist_id = g_strdup (vz_stmt_text (current, COL_PLAYLIST));
  input->display_id = g_strdup (vz_stmt_text (current, COL_DISPLAY));
  input->group_id = g_strdup (vz_stmt_text (current, COL_GROUP));
  *updated_at = sqlite3_column_int64 (current, COL_UPDATED);
  return TRUE;
}

static gboolean
same_input (const ScheduleInput *a,
            const ScheduleInput *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->description, b->description) == 0 &&
         a->start_day == b->start_day && a->end_day == b->end_day &&
         a->start_time == b->start_time && a->end_time == b->end_time && a->days == b->days &&
         a->priority == b->priority && a->is_active == b->is_active &&
         g_strcmp0 (a->playlist_id, b->playlist_id) == 0 &&
         g_strcmp0 (a->display_id, b->display_id) == 0 && g_strcmp0 (a->group_id, b->group_id) == 0;
}

static ScheduleInput
input_copy (const ScheduleInput *input)
{
  ScheduleInput copy = *input;

  copy.name = g_strdup (input->name);
  copy.description = g_strdup (input->description);
  copy.playlist_id = g_strdup (input->playlist_id);
  copy.display_id = g_strdup (input->display_id);
  copy.group_id = g_strdup (input->group_id);
  return copy;
}

gboolean
_vz_route_schedules_patch (VzServer   *self,
                           VzRequest  *req,
                           GError    **error)
{
  g_auto(ScheduleInput) before = { NULL, };
  g_auto(ScheduleInput) input = { NULL, };
  g_autoptr(VzStmt) update = NULL;
  const char *action = NULL;
  gint64 updated_at;

  if (!read_current (self, req, &before, &updated_at, error))
    return FALSE;
  input = input_copy (&before);
  if (!read_input (self, req, update_spec, G_N_ELEMENTS (update_spec), &input, error))
    return FALSE;

  if (!same_input (&before, &input))
    {
      update = vz_db_prepare (self->db,
                              "UPDATE schedules SET name = ?3, description = ?4, start_date = ?5, end_date = ?6,"
                              " start_time = ?7, end_time = ?8, days_of_week = ?9, priority = ?10, is_active = ?11,"
                              " playlist_id = ?12, display_id = ?13, display_group_id = ?14, updated_at = ?2"
                              " WHERE id = ?1",
                              error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 2, _vz_next_updated_at (req, updated_at));
      bind_input (update, &input);
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
      _vz_server_scheduler_schedule_changed (self, req->params[0]);
      action = "updated";
    }
  return reply_schedule (self, req, req->params[0], 200, action, error);
}

gboolean
_vz_route_schedules_delete (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  current = _vz_select_for_change (self, req, &schedule_kind, error);
  if (current == NULL)
    return FALSE;
  /* The answer is the schedule as it was, as the platform's. */
  json_builder_begin_object (builder);
  add_schedule_row (self, builder, current, error);
  json_builder_end_object (builder);
  vz_stmt_release (g_steal_pointer (&current));

  drop = vz_db_prepare (self->db, "DELETE FROM schedules WHERE id = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, req->params[0], -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error))
    return FALSE;
  _vz_server_scheduler_schedule_changed (self, req->params[0]);
  announce_schedule (self, req->organization_id, req->params[0], "deleted", NULL);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_schedules_duplicate (VzServer   *self,
                               VzRequest  *req,
                               GError    **error)
{
  g_auto(ScheduleInput) input = { NULL, };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;
  gint64 updated_at;

  if (!_vz_request_check_body (req, NULL, 0, error) ||
      !read_current (self, req, &input, &updated_at, error))
    return FALSE;
  /* The platform's "(Copy)", cut to the 255 characters a name may have. */
  name = g_strdup_printf ("%s (Copy)", input.name);
  if (g_utf8_strlen (name, -1) > 255)
    *g_utf8_offset_to_pointer (name, 255) = '\0';
  g_free (input.name);
  input.name = g_steal_pointer (&name);
  /* A copy starts inactive, so it changes nothing until it is edited. */
  input.is_active = FALSE;
  if (!insert_schedule (self, req, id, &input, error))
    return FALSE;
  return reply_schedule (self, req, id, 201, "created", error);
}
