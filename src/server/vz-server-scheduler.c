/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include "vz-server-private.h"

/*
 * The schedule evaluator at work: every screen, its groups and every
 * schedule are held in a VzScheduleIndex, kept up to date as they change.
 * At each minute boundary (on the server's clock) and at once after a
 * change, the index says which screens now play something else: those
 * screens get `playlist:update` and the dashboards `schedule:executed`.
 */

static const char *
screen_organization (VzServer   *self,
                     const char *display_id)
{
  VzDeviceState *state = _vz_server_device_lookup (self, display_id);

  return state != NULL ? state->organization_id : self->organization_id;
}

static void
emit_executed (VzServer   *self,
               const char *display_id,
               const char *schedule_id,
               const char *playlist_id,
               const char *action,
               gint64      now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *timestamp = _vz_format_time (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scheduleId");
  json_builder_add_string_value (builder, schedule_id);
  json_builder_set_member_name (builder, "displayId");
  json_builder_add_string_value (builder, display_id);
  _vz_builder_add_string_or_null (builder, "playlistId", playlist_id);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, timestamp);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  _vz_server_emit_to_organization (self, screen_organization (self, display_id), "schedule:executed", payload);
}

typedef struct {
  VzServer   *server;
  gint64      now;       /* ms */
  GHashTable *updates;   /* playlist id ("" for none) → GPtrArray of screen ids to send it to */
} Tick;

static void
apply_change (const VzScheduleChange *change,
              gpointer                user_data)
{
  Tick *tick = user_data;
  VzServer *self = tick->server;

  g_debug ("Screen %s: schedule %s → %s, playlist %s → %s", change->display_id,
           change->before_schedule_id ? change->before_schedule_id : "none",
           change->schedule_id ? change->schedule_id : "none",
           change->before_playlist_id ? change->before_playlist_id : "none",
           change->playlist_id ? change->playlist_id : "none");

  if (g_strcmp0 (change->before_playlist_id, change->playlist_id) != 0)
    {
      const char *key = change->playlist_id != NULL ? change->playlist_id : "";
      GPtrArray *screens = g_hash_table_lookup (tick->updates, key);

      /* Sent after the tick, each playlist's payload made once for all its screens. */
      if (screens == NULL)
        {
          screens = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (tick->updates, g_strdup (key), screens);
        }
      g_ptr_array_add (screens, g_strdup (change->display_id));
    }

  if (g_strcmp0 (change->before_schedule_id, change->schedule_id) == 0)
    return;
  if (change->before_schedule_id != NULL)
    emit_executed (self, change->display_id, change->before_schedule_id, change->before_playlist_id,
                   "ended", tick->now);
  if (change->schedule_id != NULL)
    emit_executed (self, change->display_id, change->schedule_id, change->playlist_id,
                   "started", tick->now);
}

static void
run_tick (VzServer *self,
          gint64    now)
{
  g_autoptr(GHashTable) updates = NULL;
  Tick tick = { self, now, NULL };
  GHashTableIter iter;
  const char *playlist_id;
  GPtrArray *screens;

  if (self->schedule_index == NULL)
    return;
  updates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  tick.updates = updates;
  self->schedule_minute = now / 60000;
  vz_schedule_index_tick (self->schedule_index, now / 1000, apply_change, &tick);

  g_hash_table_iter_init (&iter, updates);
  while (g_hash_table_iter_next (&iter, (gpointer *) &playlist_id, (gpointer *) &screens))
    _vz_server_send_playlist_to_screens (self, screen_organization (self, screens->pdata[0]),
                                         *playlist_id != '\0' ? playlist_id : NULL, screens);
}

static gboolean tick_cb (gpointer user_data);

static void
arm_timer (VzServer *self,
           gint64    now)
{
  /* Just past the next minute boundary; with a clock file the clock can
   * jump, so look at it every second. */
  gint64 delay = 60000 - now % 60000 + 5;

  if (self->clock_file != NULL)
    delay = MIN (delay, 1000);
  g_clear_handle_id (&self->schedule_source, g_source_remove);
  self->schedule_source = g_timeout_add ((guint) delay, tick_cb, self);
}

static gboolean
tick_cb (gpointer user_data)
{
  VzServer *self = user_data;
  gint64 now = _vz_now_ms ();

  self->schedule_source = 0;
  if (now / 60000 != self->schedule_minute)
    run_tick (self, now);
  arm_timer (self, now);
  return G_SOURCE_REMOVE;
}

/* Reads @display_id's zone, default playlist and groups into the index, or
 * takes the screen out when it is gone. */
static gboolean
load_screen (VzServer    *self,
             const char  *display_id,
             GError     **error)
{
  g_autoptr(VzStmt) display = NULL;
  g_autoptr(VzStmt) groups = NULL;
  g_autoptr(GPtrArray) group_ids = g_ptr_array_new_with_free_func (g_free);

  display = vz_db_prepare (self->db, "SELECT timezone, current_playlist_id FROM displays WHERE id = ?1", error);
  if (display == NULL)
    return FALSE;
  sqlite3_bind_text (display, 1, display_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (display) != SQLITE_ROW)
    {
      g_autoptr(GPtrArray) rules = vz_schedule_index_dup_screen_rules (self->schedule_index, display_id);
      g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func (g_free);

      /* Its own schedules went with it. */
      for (guint i = 0; rules != NULL && i < rules->len; i++)
        {
          const VzScheduleRule *rule = g_ptr_array_index (rules, i);

          if (g_strcmp0 (rule->display_id, display_id) == 0)
            g_ptr_array_add (own, g_strdup (rule->id));
        }
      for (guint i = 0; i < own->len; i++)
        vz_schedule_index_remove_rule (self->schedule_index, own->pdata[i]);
      vz_schedule_index_remove_screen (self->schedule_index, display_id);
      return TRUE;
    }
  vz_schedule_index_set_screen (self->schedule_index, display_id, vz_stmt_text (display, 0),
                                vz_stmt_text (display, 1));

  groups = vz_db_prepare (self->db, "SELECT group_id FROM display_group_members WHERE display_id = ?1", error);
  if (groups == NULL)
    return FALSE;
  sqlite3_bind_text (groups, 1, display_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (groups) == SQLITE_ROW)
    g_ptr_array_add (group_ids, g_strdup (vz_stmt_text (groups, 0)));
  g_ptr_array_add (group_ids, NULL);
  vz_schedule_index_set_screen_groups (self->schedule_index, display_id,
                                       (const char * const *) group_ids->pdata);
  return TRUE;
}

static gboolean
load_schedule (VzServer    *self,
               const char  *schedule_id,
               GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, "SELECT " VZ_SCHEDULE_RULE_COLUMNS " FROM schedules s WHERE s.id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    vz_schedule_index_set_rule (self->schedule_index, _vz_schedule_rule_from_row (stmt, 0));
  else
    vz_schedule_index_remove_rule (self->schedule_index, schedule_id);
  return TRUE;
}

/* Everything again: the screens (what each played is kept), their groups
 * and every schedule. */
static gboolean
load_all (VzServer  *self,
          GError   **error)
{
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) known = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  GHashTableIter iter;
  gpointer list;

  stmt = vz_db_prepare (self->db, "SELECT display_id, group_id FROM display_group_members", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GPtrArray *ids = g_hash_table_lookup (groups, vz_stmt_text (stmt, 0));

      if (ids == NULL)
        {
          ids = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (groups, g_strdup (vz_stmt_text (stmt, 0)), ids);
        }
      g_ptr_array_add (ids, g_strdup (vz_stmt_text (stmt, 1)));
    }
  vz_stmt_release (g_steal_pointer (&stmt));
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &list))
    g_ptr_array_add (list, NULL);

  stmt = vz_db_prepare (self->db, "SELECT id, timezone, current_playlist_id FROM displays", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *display_id = vz_stmt_text (stmt, 0);
      GPtrArray *ids = g_hash_table_lookup (groups, display_id);

      vz_schedule_index_set_screen (self->schedule_index, display_id, vz_stmt_text (stmt, 1),
                                    vz_stmt_text (stmt, 2));
      vz_schedule_index_set_screen_groups (self->schedule_index, display_id,
                                           ids != NULL ? (const char * const *) ids->pdata : NULL);
      g_hash_table_add (present, g_strdup (display_id));
    }
  vz_stmt_release (g_steal_pointer (&stmt));

  known = vz_schedule_index_dup_screen_ids (self->schedule_index);
  for (guint i = 0; i < known->len; i++)
    if (!g_hash_table_contains (present, known->pdata[i]))
      vz_schedule_index_remove_screen (self->schedule_index, known->pdata[i]);

  vz_schedule_index_remove_all_rules (self->schedule_index);
  stmt = vz_db_prepare (self->db, "SELECT " VZ_SCHEDULE_RULE_COLUMNS " FROM schedules s", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    vz_schedule_index_set_rule (self->schedule_index, _vz_schedule_rule_from_row (stmt, 0));
  return TRUE;
}

void
_vz_server_scheduler_start (VzServer *self)
{
  g_autoptr(GError) error = NULL;
  gint64 now = _vz_now_ms ();

  self->schedule_index = vz_schedule_index_new ();
  if (!load_all (self, &error))
    g_message ("Could not read the schedules: %s", error->message);
  run_tick (self, now);
  arm_timer (self, now);
}

void
_vz_server_scheduler_stop (VzServer *self)
{
  g_clear_handle_id (&self->schedule_source, g_source_remove);
  g_clear_pointer (&self->schedule_index, vz_schedule_index_free);
}

void
_vz_server_scheduler_schedule_changed (VzServer   *self,
                                       const char *schedule_id)
{
  g_autoptr(GError) error = NULL;

  if (self->schedule_index == NULL)
    return;
  if (!load_schedule (self, schedule_id, &error))
    g_message ("Could not read a changed schedule: %s", error->message);
  run_tick (self, _vz_now_ms ());
}

void
_vz_server_scheduler_screens_changed (VzServer            *self,
                                      const char * const  *display_ids,
                                      guint                n_display_ids)
{
  g_autoptr(GError) error = NULL;

  if (self->schedule_index == NULL)
    return;
  for (guint i = 0; i < n_display_ids; i++)
    if (!load_screen (self, display_ids[i], &error))
      {
        g_message ("Could not read a changed screen: %s", error->message);
        g_clear_error (&error);
      }
  run_tick (self, _vz_now_ms ());
}

void
_vz_server_scheduler_screen_changed (VzServer   *self,
                                     const char *display_id)
{
  _vz_server_scheduler_screens_changed (self, &display_id, 1);
}

void
_vz_server_scheduler_reload (VzServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->schedule_index == NULL)
    return;
  if (!load_all (self, &error))
    g_message ("Could not read the schedules: %s", error->message);
  run_tick (self, _vz_now_ms ());
}

gboolean
_vz_server_scheduler_playing (VzServer    *self,
                              const char  *display_id,
                              const char **schedule_id,
                              const char **playlist_id)
{
  if (self->schedule_index == NULL)
    return FALSE;
  return vz_schedule_index_get_playing (self->schedule_index, display_id, schedule_id, playlist_id);
}

GPtrArray *
_vz_server_scheduler_screens_playing (VzServer   *self,
                                      const char *organization_id,
                                      const char *playlist_id)
{
  GPtrArray *screens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = NULL;

  if (self->schedule_index == NULL)
    return screens;
  ids = vz_schedule_index_dup_screen_ids (self->schedule_index);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *playing = NULL;

      if (vz_schedule_index_get_playing (self->schedule_index, ids->pdata[i], NULL, &playing) &&
          g_strcmp0 (playing, playlist_id) == 0 &&
          g_strcmp0 (screen_organization (self, ids->pdata[i]), organization_id) == 0)
        g_ptr_array_add (screens, g_strdup (ids->pdata[i]));
    }
  return screens;
}

/* --- GET /displays/:id/schedule [local] ------------------------------------ */

/* The longest range one answer covers. */
#define SCHEDULE_RANGE_MAX_MS ((gint64) 42 * 24 * 3600 * 1000)

static gboolean
query_time (VzRequest   *req,
            const char  *name,
            gint64      *ms,
            GError     **error)
{
  const char *text = g_hash_table_lookup (req->query, name);

  if (text == NULL)
    return TRUE;
  if (!_vz_parse_time (text, ms))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "%s must be a valid ISO 8601 date string", name);
      return FALSE;
    }
  return TRUE;
}

/* @sql names one row's name by its id (?1); NULL when there is none. */
static char *
lookup_name (VzServer   *self,
             const char *sql,
             const char *id)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  if (id == NULL)
    return NULL;
  stmt = vz_db_prepare (self->db, sql, &error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW ? g_strdup (vz_stmt_text (stmt, 0)) : NULL;
}

static void
add_span (VzServer             *self,
          JsonBuilder          *builder,
          const VzScheduleSpan *span)
{
  g_autofree char *start = _vz_format_time (span->start * 1000);
  g_autofree char *end = _vz_format_time (span->end * 1000);
  g_autofree char *schedule_name = NULL;
  g_autofree char *playlist_name = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, span->rule != NULL ? "schedule" : "default");
  json_builder_set_member_name (builder, "schedule");
  if (span->rule != NULL)
    {
      schedule_name = lookup_name (self, "SELECT name FROM schedules WHERE id = ?1", span->rule->id);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, span->rule->id);
      _vz_builder_add_string_or_null (builder, "name", schedule_name);
      json_builder_set_member_name (builder, "priority");
      json_builder_add_int_value (builder, span->rule->priority);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  _vz_builder_add_string_or_null (builder, "playlistId", span->playlist_id);
  json_builder_set_member_name (builder, "playlist");
  playlist_name = lookup_name (self, "SELECT name FROM playlists WHERE id = ?1", span->playlist_id);
  if (span->playlist_id != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, span->playlist_id);
      _vz_builder_add_string_or_null (builder, "name", playlist_name);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

gboolean
_vz_route_displays_schedule (VzServer   *self,
                             VzRequest  *req,
                             GError    **error)
{
  static const char * const keys[] = { "from", "to", NULL };
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  GTimeZone *tz = NULL;
  const char *default_playlist = NULL;
  gint64 from = req->now, to;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_server_check_owned (self, req->organization_id, "displays",
                               _vz_is_uuid (req->params[0]) ? req->params[0] : "-",
                               "Display not found", error) ||
      !query_time (req, "from", &from, error))
    return FALSE;
  to = from + (gint64) 7 * 24 * 3600 * 1000;
  if (!query_time (req, "to", &to, error))
    return FALSE;
  if (to <= from)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "to must be after from");
      return FALSE;
    }
  if (to - from > SCHEDULE_RANGE_MAX_MS)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "The range from from to to must not be longer than 42 days");
      return FALSE;
    }
  if (self->schedule_index == NULL ||
      !vz_schedule_index_lookup_screen (self->schedule_index, req->params[0], &tz, &default_playlist))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Display not found");
      return FALSE;
    }

  rules = vz_schedule_index_dup_screen_rules (self->schedule_index, req->params[0]);
  /* Whole seconds, the range rounded outwards. */
  spans = vz_schedule_spans (rules, default_playlist, tz, from / 1000, (to + 999) / 1000);
  from_text = _vz_format_time (from);
  to_text = _vz_format_time (to);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "displayId");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_set_member_name (builder, "timezone");
  json_builder_add_string_value (builder, g_time_zone_get_identifier (tz));
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from_text);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to_text);
  json_builder_set_member_name (builder, "spans");
  json_builder_begin_array (builder);
  for (guint i = 0; i < spans->len; i++)
    add_span (self, builder, &g_array_index (spans, VzScheduleSpan, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}
