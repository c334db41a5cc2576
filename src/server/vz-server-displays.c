/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "vz-password.h"
#include "vz-server-private.h"

/*
 * Display routes: list/get/patch/delete, bulk delete and assign-group,
 * metrics history, screenshots (request through the hub, store what the
 * screen sends, serve the picture under an unguessable name).
 */

#define DISPLAY_COLUMNS \
  "d.id, d.organization_id, d.device_identifier, d.nickname, d.description, d.location," \
  " d.status, d.orientation, d.resolution, d.timezone, d.last_heartbeat, d.is_disabled," \
  " d.current_playlist_id, d.created_at, d.updated_at, d.paired_at, d.cpu_usage," \
  " d.memory_usage, d.disk_usage, d.temperature, d.uptime, d.metadata"

enum {
  COL_ID, COL_ORG, COL_IDENTIFIER, COL_NICKNAME, COL_DESCRIPTION, COL_LOCATION,
  COL_STATUS, COL_ORIENTATION, COL_RESOLUTION, COL_TIMEZONE, COL_HEARTBEAT, COL_DISABLED,
  COL_PLAYLIST, COL_CREATED, COL_UPDATED, COL_PAIRED, COL_CPU,
  COL_MEMORY, COL_DISK, COL_TEMPERATURE, COL_UPTIME, COL_METADATA,
};

static const char * const orientations[] = {
  "landscape", "portrait", "landscape_flipped", "portrait_flipped", NULL
};

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static double
column_double (VzStmt *stmt,
               int     column)
{
  return vz_stmt_is_null (stmt, column) ? NAN : sqlite3_column_double (stmt, column);
}

static void
add_display_members (VzServer    *self,
                     JsonBuilder *builder,
                     VzStmt      *stmt)
{
  VzDeviceState *state = _vz_server_device_lookup (self, vz_stmt_text (stmt, COL_ID));
  const char *status = state != NULL ? state->status : vz_stmt_text (stmt, COL_STATUS);
  gint64 heartbeat = state != NULL ? state->last_heartbeat
                                   : (vz_stmt_is_null (stmt, COL_HEARTBEAT) ? 0 : sqlite3_column_int64 (stmt, COL_HEARTBEAT));
  gboolean has_metrics = state != NULL ? state->has_metrics : !vz_stmt_is_null (stmt, COL_CPU);

  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "organizationId", stmt, COL_ORG);
  _vz_builder_add_column_string (builder, "deviceIdentifier", stmt, COL_IDENTIFIER);
  _vz_builder_add_column_string (builder, "nickname", stmt, COL_NICKNAME);
  _vz_builder_add_column_string (builder, "description", stmt, COL_DESCRIPTION);
  _vz_builder_add_column_string (builder, "location", stmt, COL_LOCATION);
  _vz_builder_add_string_or_null (builder, "status", status);
  _vz_builder_add_column_string (builder, "orientation", stmt, COL_ORIENTATION);
  _vz_builder_add_column_string (builder, "resolution", stmt, COL_RESOLUTION);
  _vz_builder_add_column_string (builder, "timezone", stmt, COL_TIMEZONE);
  _vz_builder_add_time_or_null (builder, "lastHeartbeat", heartbeat);
  json_builder_set_member_name (builder, "isDisabled");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_DISABLED) != 0);
  _vz_builder_add_column_string (builder, "currentPlaylistId", stmt, COL_PLAYLIST);
  /* [local] What the screen said it shows in its last heartbeat. */
  json_builder_set_member_name (builder, "currentContent");
  if (state != NULL && (state->current_content_id != NULL || state->current_playlist_id != NULL))
    {
      json_builder_begin_object (builder);
      _vz_builder_add_string_or_null (builder, "contentId", state->current_content_id);
      _vz_builder_add_string_or_null (builder, "playlistId", state->current_playlist_id);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  _vz_builder_add_column_time (builder, "createdAt", stmt, COL_CREATED);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);
  _vz_builder_add_column_time (builder, "pairedAt", stmt, COL_PAIRED);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "metrics");
  if (!has_metrics)
    json_builder_add_null_value (builder);
  else
    {
      gint64 uptime;

      json_builder_begin_object (builder);
      if (state != NULL)
        {
          add_number_or_null (builder, "cpuUsage", state->cpu_usage);
          add_number_or_null (builder, "memoryUsage", state->memory_usage);
          add_number_or_null (builder, "diskUsage", state->disk_usage);
          add_number_or_null (builder, "temperature", state->temperature);
          uptime = state->uptime;
        }
      else
        {
          add_number_or_null (builder, "cpuUsage", column_double (stmt, COL_CPU));
          add_number_or_null (builder, "memoryUsage", column_double (stmt, COL_MEMORY));
          add_number_or_null (builder, "diskUsage", column_double (stmt, COL_DISK));
          add_number_or_null (builder, "temperature", column_double (stmt, COL_TEMPERATURE));
          uptime = vz_stmt_is_null (stmt, COL_UPTIME) ? -1 : sqlite3_column_int64 (stmt, COL_UPTIME);
        }
      json_builder_set_member_name (builder, "uptime");
      if (uptime >= 0)
        json_builder_add_int_value (builder, uptime);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
}

static gboolean
add_detail_members (VzServer    *self,
                    JsonBuilder *builder,
                    VzStmt      *stmt,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(VzStmt) groups = NULL;
  const char *metadata = vz_stmt_text (stmt, COL_METADATA);

  json_builder_set_member_name (builder, "metadata");
  if (metadata != NULL && json_parser_load_from_data (parser, metadata, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }

  groups = vz_db_prepare (self->db,
                          "SELECT g.id, g.name FROM display_group_members m JOIN display_groups g ON g.id = m.group_id"
                          " WHERE m.display_id = ?1 ORDER BY g.name",
                          error);
  if (groups == NULL)
    return FALSE;
  sqlite3_bind_text (groups, 1, vz_stmt_text (stmt, COL_ID), -1, SQLITE_TRANSIENT);
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  while (sqlite3_step (groups) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "displayGroup");
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "id", groups, 0);
      _vz_builder_add_column_string (builder, "name", groups, 1);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* The screen's own schedules; its groups' are the groups'. */
  return _vz_server_add_display_schedules (self, builder, vz_stmt_text (stmt, COL_ID), error);
}

static const VzRowKind display_kind = {
  "SELECT " DISPLAY_COLUMNS " FROM displays d WHERE d.id = ?1 AND d.organization_id = ?2",
  COL_UPDATED, _vz_is_uuid, "screen", "Display not found",
};

JsonNode *
_vz_server_display_json (VzServer    *self,
                         const char  *organization_id,
                         const char  *display_id,
                         gboolean     detail,
                         GError     **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &display_kind, organization_id, display_id, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_display_members (self, builder, stmt);
  if (detail && !add_detail_members (self, builder, stmt, error))
    return NULL;
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
add_display_row (VzServer    *self,
                 JsonBuilder *builder,
                 VzStmt      *stmt,
                 GError     **error)
{
  add_display_members (self, builder, stmt);
  return TRUE;
}

gboolean
_vz_route_displays_list (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  return _vz_reply_list (self, req,
                         "SELECT COUNT(*) FROM displays WHERE organization_id = ?1",
                         "SELECT " DISPLAY_COLUMNS " FROM displays d WHERE d.organization_id = ?1"
                         " ORDER BY d.created_at DESC, d.id DESC LIMIT ?2 OFFSET ?3",
                         add_display_row, error);
}

gboolean
_vz_route_displays_get (VzServer   *self,
                        VzRequest  *req,
                        GError    **error)
{
  static const char * const no_keys[] = { NULL };
  JsonNode *node;

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  node = _vz_server_display_json (self, req->organization_id, req->params[0], TRUE, error);
  if (node == NULL)
    return FALSE;
  _vz_reply_data (req, 200, node);
  return TRUE;
}

/* The shape of an IANA zone name (“Europe/Berlin”, “Etc/GMT+5”,
 * “America/Port-au-Prince”): segments of ASCII letters, digits, '_', '-' and
 * '+', each starting with a letter, joined by single slashes. So never an
 * absolute path, never “..”. */
static gboolean
timezone_name_ok (const char *tz)
{
  gboolean segment_start = TRUE;

  if (strlen (tz) > 64)
    return FALSE;
  for (const char *p = tz; *p != '\0'; p++)
    {
      if (segment_start)
        {
          if (!g_ascii_isalpha (*p))
            return FALSE;
          segment_start = FALSE;
        }
      else if (*p == '/')
        segment_start = TRUE;
      else if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '+')
        return FALSE;
    }
  return !segment_start;
}

static gboolean
valid_timezone (const char *tz)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autofree char *path = NULL;
  const char *dir = g_getenv ("TZDIR");
  GStatBuf st;

  if (tz == NULL || !timezone_name_ok (tz))
    return FALSE;
  /* GLib reads the zone from this file, and falls back to UTC (or blocks, on
   * a FIFO) for anything else: check that it is a zone file before GLib
   * opens it. stat() does not open it. */
  path = g_build_filename (dir != NULL ? dir : "/usr/share/zoneinfo", tz, NULL);
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return g_str_equal (tz, "UTC");
  zone = g_time_zone_new_identifier (tz);
  return zone != NULL;
}

gboolean
_vz_route_displays_patch (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "name", VZ_FIELD_STRING, FALSE, 255 },
    { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 },
    { "location", VZ_FIELD_STRING_OR_NULL, FALSE, 255 },
    { "orientation", VZ_FIELD_STRING, FALSE, 32 },
    { "timezone", VZ_FIELD_STRING, FALSE, 64 },
    { "currentPlaylistId", VZ_FIELD_STRING_OR_NULL, FALSE, 128 },
  };
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *description = NULL;
  g_autofree char *location = NULL;
  g_autofree char *orientation = NULL;
  g_autofree char *time_zone = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *name = NULL;
  gint64 updated_at;
  gboolean changed = FALSE;
  JsonNode *node;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;

  current = _vz_select_for_change (self, req, &display_kind, error);
  if (current == NULL)
    return FALSE;

  nickname = g_strdup (vz_stmt_text (current, COL_NICKNAME));
  description = g_strdup (vz_stmt_text (current, COL_DESCRIPTION));
  location = g_strdup (vz_stmt_text (current, COL_LOCATION));
  orientation = g_strdup (vz_stmt_text (current, COL_ORIENTATION));
  time_zone = g_strdup (vz_stmt_text (current, COL_TIMEZONE));
  playlist = g_strdup (vz_stmt_text (current, COL_PLAYLIST));
  updated_at = sqlite3_column_int64 (current, COL_UPDATED);
  vz_stmt_release (g_steal_pointer (&current));

  if (!_vz_request_patch_name (req, &name, error))
    return FALSE;
  if (name != NULL)
    _vz_apply_change (&nickname, g_steal_pointer (&name), &changed);
  if (_vz_request_has_member (req, "description"))
    _vz_apply_change (&description, _vz_request_dup_string (req, "description"), &changed);
  if (_vz_request_has_member (req, "location"))
    _vz_apply_change (&location, _vz_request_dup_string (req, "location"), &changed);
  if (_vz_request_has_member (req, "orientation"))
    {
      g_autofree char *value = _vz_request_dup_string (req, "orientation");

      if (!g_strv_contains (orientations, value))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "orientation must be one of: landscape, portrait, landscape_flipped, portrait_flipped");
          return FALSE;
        }
      _vz_apply_change (&orientation, g_steal_pointer (&value), &changed);
    }
  if (_vz_request_has_member (req, "timezone"))
    {
      g_autofree char *value = _vz_request_dup_string (req, "timezone");

      if (!valid_timezone (value))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "timezone must be the name of a time zone in the IANA database, such as Europe/Berlin.");
          return FALSE;
        }
      _vz_apply_change (&time_zone, g_steal_pointer (&value), &changed);
    }
  if (_vz_request_has_member (req, "currentPlaylistId"))
    {
      g_autofree char *value = _vz_request_dup_string (req, "currentPlaylistId");

      if (value != NULL && !_vz_server_check_playlist (self, req->organization_id, value, error))
        return FALSE;
      _vz_apply_change (&playlist, g_steal_pointer (&value), &changed);
    }

  if (changed)
    {
      update = vz_db_prepare (self->db,
                              "UPDATE displays SET nickname = ?2, description = ?3, location = ?4, orientation = ?5,"
                              " timezone = ?6, current_playlist_id = ?7, updated_at = ?8 WHERE id = ?1",
                              error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, nickname, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 3, description, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 4, location, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 5, orientation, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 6, time_zone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 7, playlist, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 8, _vz_next_updated_at (req, updated_at));
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
      /* A new zone or playlist: what the screen plays is decided again, and
       * sent to it when that changed (an active schedule goes on playing). */
      _vz_server_scheduler_screen_changed (self, req->params[0]);
    }

  node = _vz_server_display_json (self, req->organization_id, req->params[0], TRUE, error);
  if (node == NULL)
    return FALSE;
  _vz_reply_data (req, 200, node);
  return TRUE;
}

static void
remove_screenshot_file (VzServer   *self,
                        const char *file)
{
  g_autofree char *path = NULL;

  if (file == NULL || strchr (file, '/') != NULL)
    return;
  path = g_build_filename (self->media_dir, "screenshots", file, NULL);
  g_unlink (path);
}

/* The picture file a screen of the organization has now (*@file NULL when
 * none), read before the row changes so the old file can be removed after. */
static gboolean
lookup_screenshot_file (VzServer    *self,
                        const char  *organization_id,
                        const char  *display_id,
                        char       **file,
                        GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT screenshot_file FROM displays WHERE id = ?1 AND organization_id = ?2",
                                          error);

  *file = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Display not found");
      return FALSE;
    }
  *file = g_strdup (vz_stmt_text (stmt, 0));
  return TRUE;
}

gboolean
_vz_server_delete_display (VzServer    *self,
                           const char  *organization_id,
                           const char  *display_id,
                           GError     **error)
{
  g_autoptr(VzStmt) drop = NULL;
  g_autofree char *file = NULL;

  if (!lookup_screenshot_file (self, organization_id, display_id, &file, error))
    return FALSE;

  drop = vz_db_prepare (self->db, "DELETE FROM displays WHERE id = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, display_id, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error))
    return FALSE;

  remove_screenshot_file (self, file);
  /* The screen's token died with the row; close its socket too. */
  _vz_server_revoke_device (self, display_id);
  _vz_server_device_removed (self, display_id);
  return TRUE;
}

gboolean
_vz_route_displays_delete (VzServer   *self,
                           VzRequest  *req,
                           GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  current = _vz_select_for_change (self, req, &display_kind, error);
  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));

  if (!_vz_server_delete_display (self, req->organization_id, req->params[0], error))
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

/* A bulk route answers 201 with how many screens it touched: {member: n}. */
static gboolean
reply_bulk_count (VzRequest  *req,
                  const char *member,
                  guint       n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, n);
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_displays_bulk_delete (VzServer   *self,
                                VzRequest  *req,
                                GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "displayIds", VZ_FIELD_STRING_ARRAY, TRUE, 0 },
  };
  JsonArray *ids;
  guint deleted = 0;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  ids = _vz_request_get_array (req, "displayIds");

  if (!vz_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      const char *id = json_array_get_string_element (ids, i);
      g_autoptr(GError) local_error = NULL;

      /* Ids that are not (or no longer) ours are skipped, as the platform does. */
      if (!_vz_is_uuid (id))
        continue;
      if (_vz_server_delete_display (self, req->organization_id, id, &local_error))
        deleted++;
      else if (!g_error_matches (local_error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND))
        {
          vz_db_rollback (self->db);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (!vz_db_commit (self->db, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }

  return reply_bulk_count (req, "deleted", deleted);
}

gboolean
_vz_route_displays_bulk_group (VzServer   *self,
                               VzRequest  *req,
                               GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "displayIds", VZ_FIELD_STRING_ARRAY, TRUE, 0 },
    { "displayGroupId", VZ_FIELD_STRING, TRUE, 128 },
  };
  g_autofree char *group_id = NULL;
  guint added = 0;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  group_id = _vz_request_dup_string (req, "displayGroupId");
  if (!_vz_server_group_add_displays (self, req, group_id, _vz_request_get_array (req, "displayIds"), &added, error))
    return FALSE;

  return reply_bulk_count (req, "added", added);
}

/* --- screenshots -------------------------------------------------------- */

static char *
screenshot_url (VzServer   *self,
                const char *file)
{
  return g_strconcat (self->url, VZ_API_PREFIX "/media/screenshots/", file, NULL);
}

gboolean
_vz_route_screenshot_request (VzServer   *self,
                              VzRequest  *req,
                              GError    **error)
{
  g_autoptr(VzStmt) display = NULL;
  g_autoptr(JsonBuilder) command = json_builder_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *request_id = NULL;

  if (!_vz_request_check_body (req, NULL, 0, error))
    return FALSE;
  display = _vz_select_owned_row (self, &display_kind, req->organization_id, req->params[0], error);
  if (display == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&display));

  if (!_vz_server_device_connected (self, req->params[0]))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                   "The screen is offline, so it cannot take a screenshot now.");
      return FALSE;
    }

  request_id = g_uuid_string_random ();
  json_builder_begin_object (command);
  json_builder_set_member_name (command, "type");
  json_builder_add_string_value (command, "screenshot");
  json_builder_set_member_name (command, "payload");
  json_builder_begin_object (command);
  json_builder_set_member_name (command, "requestId");
  json_builder_add_string_value (command, request_id);
  json_builder_end_object (command);
  json_builder_set_member_name (command, "commandId");
  json_builder_add_string_value (command, request_id);
  json_builder_end_object (command);
  payload = json_builder_get_root (command);

  if (!_vz_server_send_to_device (self, req->params[0], "command", payload))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                   "The screen went offline before it could be asked for a screenshot.");
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requestId");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "pending");
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_screenshot_get (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *url = NULL;

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  if (!_vz_is_uuid (req->params[0]))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Display not found");
      return FALSE;
    }
  stmt = vz_db_prepare (self->db,
                        "SELECT screenshot_file, screenshot_at, screenshot_width, screenshot_height FROM displays"
                        " WHERE id = ?1 AND organization_id = ?2",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->params[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Display not found");
      return FALSE;
    }
  if (vz_stmt_is_null (stmt, 0))
    {
      _vz_reply_data (req, 200, json_node_new (JSON_NODE_NULL));
      return TRUE;
    }

  url = screenshot_url (self, vz_stmt_text (stmt, 0));
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  _vz_builder_add_column_time (builder, "capturedAt", stmt, 1);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, sqlite3_column_int (stmt, 2));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, sqlite3_column_int (stmt, 3));
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

static gboolean
is_base64 (const char *text)
{
  gsize len = 0;
  gsize pad = 0;

  for (const char *p = text; *p != '\0'; p++, len++)
    {
      if (*p == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        return FALSE;
    }
  return len > 0 && pad <= 2 && len % 4 == 0;
}

gboolean
_vz_server_store_screenshot (VzServer    *self,
                             const char  *organization_id,
                             const char  *display_id,
                             JsonObject  *payload,
                             GError     **error)
{
  const char *request_id;
  const char *image;
  const char *timestamp;
  const char *extension;
  gint64 width, height, captured_at;
  double number;
  guchar *bytes;
  gsize size = 0;
  g_autofree guchar *owned = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *old_file = NULL;
  g_autofree char *url = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) event = NULL;
  guint8 random[16];

  request_id = _vz_json_string (payload, "requestId");
  image = _vz_json_string (payload, "imageData");
  timestamp = _vz_json_string (payload, "timestamp");
  width = _vz_json_number (payload, "width", &number) && number < G_MAXINT32 ? (gint64) number : 0;
  height = _vz_json_number (payload, "height", &number) && number < G_MAXINT32 ? (gint64) number : 0;

  if (request_id == NULL || *request_id == '\0' || strlen (request_id) > 128)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "requestId must be a string");
      return FALSE;
    }
  if (image == NULL || strlen (image) > 2 * 1024 * 1024)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "Screenshot data too large (max 2MB)");
      return FALSE;
    }
  if (!is_base64 (image))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "Invalid base64 format");
      return FALSE;
    }
  if (width < 1 || height < 1 || width > 100000 || height > 100000)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "width and height must be positive numbers");
      return FALSE;
    }

  bytes = owned = g_base64_decode (image, &size);
  if (size >= 8 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    extension = "png";
  else if (size >= 3 && memcmp (bytes, "\xff\xd8\xff", 3) == 0)
    extension = "jpg";
  else
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "Invalid image format: only PNG and JPEG are accepted");
      return FALSE;
    }

  if (!lookup_screenshot_file (self, organization_id, display_id, &old_file, error))
    return FALSE;

  /* An unguessable name makes the URL a capability, like the platform's
   * presigned links: whoever was told the URL may fetch the picture. */
  vz_random_bytes (random, sizeof random);
  {
    GString *hex = g_string_sized_new (40);

    for (guint i = 0; i < sizeof random; i++)
      g_string_append_printf (hex, "%02x", random[i]);
    g_string_append_printf (hex, ".%s", extension);
    name = g_string_free (hex, FALSE);
  }

  dir = g_build_filename (self->media_dir, "screenshots", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Failed to save screenshot");
      return FALSE;
    }
  path = g_build_filename (dir, name, NULL);
  if (!g_file_set_contents_full (path, (const char *) bytes, (gssize) size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  captured_at = 0;
  if (timestamp == NULL || !_vz_parse_time (timestamp, &captured_at))
    captured_at = _vz_now_ms ();

  update = vz_db_prepare (self->db,
                          "UPDATE displays SET screenshot_file = ?2, screenshot_at = ?3, screenshot_width = ?4,"
                          " screenshot_height = ?5 WHERE id = ?1",
                          error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_text (update, 1, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 3, captured_at);
  sqlite3_bind_int64 (update, 4, width);
  sqlite3_bind_int64 (update, 5, height);
  if (!vz_db_step_done (self->db, update, error))
    {
      g_unlink (path);
      return FALSE;
    }
  if (old_file != NULL && !g_str_equal (old_file, name))
    remove_screenshot_file (self, old_file);

  url = screenshot_url (self, name);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deviceId");
  json_builder_add_string_value (builder, display_id);
  json_builder_set_member_name (builder, "requestId");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  _vz_builder_add_time_or_null (builder, "capturedAt", captured_at);
  _vz_builder_add_time_or_null (builder, "timestamp", _vz_now_ms ());
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);
  _vz_server_emit_to_organization (self, organization_id, "screenshot:ready", event);
  return TRUE;
}

void
_vz_server_serve_media (VzServer          *self,
                        SoupServerMessage *msg,
                        const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  const char *name;
  const char *type = NULL;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize n = 0;

  if (g_str_has_prefix (path, "screenshots/"))
    {
      name = path + strlen ("screenshots/");
      /* Only names this server made: 32 hex digits and an extension. */
      for (; g_ascii_isxdigit (name[n]) && !g_ascii_isupper (name[n]); n++)
        ;
      if (n == 32 && g_str_equal (name + n, ".png"))
        type = "image/png";
      else if (n == 32 && g_str_equal (name + n, ".jpg"))
        type = "image/jpeg";
    }

  _vz_server_close_after_reply (msg);
  if (type != NULL && (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")))
    {
      file = g_build_filename (self->media_dir, "screenshots", path + strlen ("screenshots/"), NULL);
      if (g_file_get_contents (file, &contents, &length, NULL))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Cache-Control", "private, max-age=31536000, immutable");
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, type, SOUP_MEMORY_TAKE, g_steal_pointer (&contents), length);
          return;
        }
    }

  {
    static const char body[] = "{\"statusCode\":404,\"message\":\"This picture does not exist (any more).\","
                               "\"error\":\"Not Found\"}";

    soup_server_message_set_status (msg, 404, NULL);
    soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                      SOUP_MEMORY_STATIC, body, strlen (body));
  }
}
