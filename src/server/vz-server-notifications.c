/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>

#include "vz-server-health-private.h"

/*
 * Notifications of an organization: what the health rules raise, and screens
 * coming back. The routes follow the platform's: the list (newest first,
 * without dismissed ones, filtered by read state and severity), the unread
 * count, marking one or all read, and dismissing one. An alert's metadata
 * names the screen, the metric, the reading and the threshold, and
 * resolvedAt once its condition ended.
 */

#define DAY_MS ((gint64) 24 * 3600 * 1000)
#define DISMISSED_KEEP_MS (30 * DAY_MS)
#define KEEP_MS           (90 * DAY_MS)

#define NOTIFICATION_COLUMNS \
  "id, organization_id, type, title, message, severity, read, dismissed_at, device_id, device_name, metric," \
  " value, threshold, resolved_at, created_at, updated_at"

enum {
  COL_ID,
  COL_ORGANIZATION,
  COL_TYPE,
  COL_TITLE,
  COL_MESSAGE,
  COL_SEVERITY,
  COL_READ,
  COL_DISMISSED,
  COL_DEVICE,
  COL_DEVICE_NAME,
  COL_METRIC,
  COL_VALUE,
  COL_THRESHOLD,
  COL_RESOLVED,
  COL_CREATED,
  COL_UPDATED,
};

char *
_vz_server_notification_add (VzServer                 *self,
                             const VzNotificationSpec *spec,
                             gint64                    now,
                             GError                  **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *id = g_uuid_string_random ();

  insert = vz_db_prepare (self->db,
                          "INSERT INTO notifications (id, organization_id, type, title, message, severity, device_id,"
                          " device_name, metric, value, threshold, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                          error);
  if (insert == NULL)
    return NULL;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, spec->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, spec->type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, spec->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 5, spec->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, spec->severity, -1, SQLITE_TRANSIENT);
  vz_stmt_bind_text_or_null (insert, 7, spec->device_id);
  vz_stmt_bind_text_or_null (insert, 8, spec->device_name);
  vz_stmt_bind_text_or_null (insert, 9, spec->metric);
  vz_stmt_bind_number (insert, 10, spec->value);
  vz_stmt_bind_number (insert, 11, spec->threshold);
  sqlite3_bind_int64 (insert, 12, now);
  if (!vz_db_step_done (self->db, insert, error))
    return NULL;
  return g_steal_pointer (&id);
}

static void
add_number_column (JsonBuilder *builder,
                   const char  *name,
                   VzStmt      *stmt,
                   int          column)
{
  if (!vz_stmt_is_null (stmt, column))
    _vz_builder_add_reading (builder, name, sqlite3_column_double (stmt, column));
}

static void
add_string_column (JsonBuilder *builder,
                   const char  *name,
                   VzStmt      *stmt,
                   int          column)
{
  if (!vz_stmt_is_null (stmt, column))
    _vz_builder_add_column_string (builder, name, stmt, column);
}

/* The members of the notification the row @stmt is on, into an open object. */
static void
add_notification (JsonBuilder *builder,
                  VzStmt      *stmt)
{
  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "organizationId", stmt, COL_ORGANIZATION);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_null_value (builder);
  _vz_builder_add_column_string (builder, "type", stmt, COL_TYPE);
  _vz_builder_add_column_string (builder, "title", stmt, COL_TITLE);
  _vz_builder_add_column_string (builder, "message", stmt, COL_MESSAGE);
  _vz_builder_add_column_string (builder, "severity", stmt, COL_SEVERITY);
  json_builder_set_member_name (builder, "read");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_READ) != 0);
  _vz_builder_add_column_time (builder, "dismissedAt", stmt, COL_DISMISSED);

  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  add_string_column (builder, "deviceId", stmt, COL_DEVICE);
  add_string_column (builder, "deviceName", stmt, COL_DEVICE_NAME);
  add_string_column (builder, "metric", stmt, COL_METRIC);
  add_number_column (builder, "value", stmt, COL_VALUE);
  add_number_column (builder, "threshold", stmt, COL_THRESHOLD);
  if (!vz_stmt_is_null (stmt, COL_RESOLVED))
    _vz_builder_add_column_time (builder, "resolvedAt", stmt, COL_RESOLVED);
  json_builder_end_object (builder);

  _vz_builder_add_column_time (builder, "createdAt", stmt, COL_CREATED);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);
}

static gboolean
add_notification_row (VzServer    *self,
                      JsonBuilder *builder,
                      VzStmt      *stmt,
                      GError     **error)
{
  add_notification (builder, stmt);
  return TRUE;
}

JsonNode *
_vz_server_notification_node (VzServer    *self,
                              const char  *id,
                              GError     **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  stmt = vz_db_prepare (self->db, "SELECT " NOTIFICATION_COLUMNS " FROM notifications WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Notification not found");
      return NULL;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_notification (builder, stmt);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
_vz_server_notification_announce (VzServer   *self,
                                  const char *organization_id,
                                  JsonNode   *notification,
                                  gboolean    is_new,
                                  gboolean    health)
{
  if (health)
    _vz_server_emit_to_organization (self, organization_id, "health:alert", notification);
  if (is_new)
    {
      g_autoptr(JsonNode) event = json_node_copy (notification);
      g_autofree char *now = _vz_format_time (_vz_now_ms ());

      json_object_set_string_member (json_node_get_object (event), "timestamp", now);
      _vz_server_emit_to_organization (self, organization_id, "notification:new", event);
    }
}

void
_vz_server_notifications_maintenance (VzServer *self,
                                      gint64    now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) prune = NULL;

  if (self->db == NULL)
    return;
  prune = vz_db_prepare (self->db,
                         "DELETE FROM notifications WHERE (dismissed_at IS NOT NULL AND dismissed_at < ?1)"
                         " OR (created_at < ?2 AND (metric IS NULL OR resolved_at IS NOT NULL))",
                         &error);
  if (prune != NULL)
    {
      sqlite3_bind_int64 (prune, 1, now - DISMISSED_KEEP_MS);
      sqlite3_bind_int64 (prune, 2, now - KEEP_MS);
      vz_db_step_done (self->db, prune, &error);
    }
  if (error != NULL)
    g_message ("Could not forget old notifications: %s", error->message);
}

/* --- routes ------------------------------------------------------------- */

#define NOTIFICATION_FILTER \
  " WHERE organization_id = ?1 AND dismissed_at IS NULL" \
  " AND (?4 IS NULL OR read = ?4)" \
  " AND (?5 IS NULL OR severity = ?5)"

typedef struct {
  int         read;       /* -1: either */
  const char *severity;
} NotificationFilters;

static void
bind_filters (VzStmt   *stmt,
              gpointer  data)
{
  NotificationFilters *filters = data;

  if (filters->read >= 0)
    sqlite3_bind_int (stmt, 4, filters->read);
  else
    sqlite3_bind_null (stmt, 4);
  vz_stmt_bind_text_or_null (stmt, 5, filters->severity);
}

gboolean
_vz_route_notifications_list (VzServer   *self,
                              VzRequest  *req,
                              GError    **error)
{
  static const char * const keys[] = { "page", "limit", "read", "severity", NULL };
  static const char * const booleans[] = { "true", "false", NULL };
  static const char * const severities[] = { "info", "warning", "critical", NULL };
  NotificationFilters filters = { -1, NULL };
  const char *read;
  guint page, limit;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_request_pagination (req, &page, &limit, error) ||
      !_vz_request_check_choice (req, "read", booleans, error) ||
      !_vz_request_check_choice (req, "severity", severities, error))
    return FALSE;
  read = g_hash_table_lookup (req->query, "read");
  filters.severity = g_hash_table_lookup (req->query, "severity");
  if (read != NULL)
    filters.read = g_str_equal (read, "true");
  return _vz_reply_rows (self, req, page, limit,
                         "SELECT COUNT(*) FROM notifications" NOTIFICATION_FILTER,
                         "SELECT " NOTIFICATION_COLUMNS " FROM notifications" NOTIFICATION_FILTER
                         " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
                         bind_filters, &filters, add_notification_row, error);
}

gboolean
_vz_route_notifications_unread (VzServer   *self,
                                VzRequest  *req,
                                GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) count = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  count = vz_db_prepare (self->db,
                         "SELECT COUNT(*) FROM notifications"
                         " WHERE organization_id = ?1 AND read = 0 AND dismissed_at IS NULL",
                         error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_text (count, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, sqlite3_step (count) == SQLITE_ROW ? sqlite3_column_int64 (count, 0) : 0);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

/* Runs @sql (id ?1, organization ?2, time ?3) on the organization's
 * notification named in the path, which must not be dismissed, and answers
 * it as it is then. */
static gboolean
change_notification (VzServer    *self,
                     VzRequest   *req,
                     const char  *sql,
                     GError     **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) update = NULL;
  JsonNode *node;

  if (!_vz_request_check_query (req, no_keys, error) ||
      !_vz_request_check_body (req, NULL, 0, error))
    return FALSE;
  if (!_vz_is_row_id (req->params[0]))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Notification not found");
      return FALSE;
    }
  update = vz_db_prepare (self->db, sql, error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 3, req->now);
  if (!vz_db_step_done (self->db, update, error))
    return FALSE;
  if (vz_db_changes (self->db) == 0)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Notification not found");
      return FALSE;
    }
  node = _vz_server_notification_node (self, req->params[0], error);
  if (node == NULL)
    return FALSE;
  _vz_reply_data (req, 200, node);
  return TRUE;
}

gboolean
_vz_route_notifications_read (VzServer   *self,
                              VzRequest  *req,
                              GError    **error)
{
  /* Reading again changes nothing, and says so by keeping updatedAt. */
  return change_notification (self, req,
                              "UPDATE notifications SET read = 1,"
                              " updated_at = CASE WHEN read = 1 THEN updated_at ELSE MAX(?3, updated_at + 1) END"
                              " WHERE id = ?1 AND organization_id = ?2 AND dismissed_at IS NULL",
                              error);
}

gboolean
_vz_route_notifications_dismiss (VzServer   *self,
                                 VzRequest  *req,
                                 GError    **error)
{
  return change_notification (self, req,
                              "UPDATE notifications SET dismissed_at = ?3, updated_at = MAX(?3, updated_at + 1)"
                              " WHERE id = ?1 AND organization_id = ?2 AND dismissed_at IS NULL",
                              error);
}

gboolean
_vz_route_notifications_read_all (VzServer   *self,
                                  VzRequest  *req,
                                  GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) update = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!_vz_request_check_query (req, no_keys, error) ||
      !_vz_request_check_body (req, NULL, 0, error))
    return FALSE;
  update = vz_db_prepare (self->db,
                          "UPDATE notifications SET read = 1, updated_at = MAX(?2, updated_at + 1)"
                          " WHERE organization_id = ?1 AND read = 0 AND dismissed_at IS NULL",
                          error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_text (update, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 2, req->now);
  if (!vz_db_step_done (self->db, update, error))
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "updated");
  json_builder_add_int_value (builder, vz_db_changes (self->db));
  json_builder_end_object (builder);
  /* As the platform: 200, not 201, since nothing is created. */
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}
