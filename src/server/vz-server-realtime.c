/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-password.h"
#include "vz-server-health-private.h"

/*
 * The server's side of realtime: live screen state (in memory, written
 * behind to SQLite once a second), status changes announced to the
 * organization, the 120 s silence sweep, and the VzHubHandlers the realtime
 * hub calls for authentication, connects, disconnects and events.
 */

static void
device_state_free (VzDeviceState *state)
{
  g_free (state->id);
  g_free (state->organization_id);
  g_free (state->current_content_id);
  g_free (state->current_playlist_id);
  _vz_server_metrics_free (state->history);
  g_free (state);
}

static VzDeviceState *
device_state_new (const char *id,
                  const char *organization_id,
                  const char *status)
{
  VzDeviceState *state = g_new0 (VzDeviceState, 1);

  state->id = g_strdup (id);
  state->organization_id = g_strdup (organization_id);
  state->status = g_intern_string (status != NULL ? status : "offline");
  state->cpu_usage = state->memory_usage = state->disk_usage = state->temperature = NAN;
  state->uptime = -1;
  return state;
}

static gboolean
flush_cb (gpointer user_data)
{
  VzServer *self = user_data;

  self->flush_source = 0;
  _vz_server_devices_flush (self);
  return G_SOURCE_REMOVE;
}

void
_vz_server_schedule_flush (VzServer *self)
{
  if (self->flush_source == 0 && self->running)
    self->flush_source = g_timeout_add (1000, flush_cb, self);
}

static void
mark_dirty (VzServer      *self,
            VzDeviceState *state)
{
  if (!state->dirty)
    {
      state->dirty = TRUE;
      g_hash_table_add (self->dirty, g_strdup (state->id));
    }
  _vz_server_schedule_flush (self);
}

static JsonNode *
status_event (VzDeviceState *state,
              gint64         now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deviceId");
  json_builder_add_string_value (builder, state->id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, state->status);
  _vz_builder_add_time_or_null (builder, "lastSeen", state->last_heartbeat);
  _vz_builder_add_time_or_null (builder, "timestamp", now);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
set_status (VzServer      *self,
            VzDeviceState *state,
            const char    *status,
            gint64         now)
{
  const char *interned = g_intern_string (status);
  g_autoptr(JsonNode) event = NULL;

  if (state->status == interned)
    return;
  state->status = interned;
  if (g_str_equal (status, "online"))
    g_hash_table_insert (self->online, state->id, state);
  else
    g_hash_table_remove (self->online, state->id);
  mark_dirty (self, state);

  event = status_event (state, now);
  _vz_server_emit_to_organization (self, state->organization_id, "device:status", event);
  _vz_server_health_link (self, state, now);
}

gboolean
_vz_server_devices_load (VzServer  *self,
                         GError   **error)
{
  g_autoptr(VzStmt) reset = NULL;
  g_autoptr(VzStmt) stmt = NULL;

  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) device_state_free);
  self->online = g_hash_table_new (g_str_hash, g_str_equal);
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* No screen is connected to a process that just started. */
  reset = vz_db_prepare (self->db, "UPDATE displays SET status = 'offline' WHERE status = 'online'", error);
  if (reset == NULL || !vz_db_step_done (self->db, reset, error))
    return FALSE;

  stmt = vz_db_prepare (self->db,
                        "SELECT id, organization_id, status, last_heartbeat, cpu_usage, memory_usage, disk_usage,"
                        " temperature, uptime FROM displays",
                        error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      VzDeviceState *state = device_state_new (vz_stmt_text (stmt, 0), vz_stmt_text (stmt, 1), vz_stmt_text (stmt, 2));

      state->last_heartbeat = sqlite3_column_int64 (stmt, 3);
      if (!vz_stmt_is_null (stmt, 4) || !vz_stmt_is_null (stmt, 5) ||
          !vz_stmt_is_null (stmt, 6) || !vz_stmt_is_null (stmt, 7))
        {
          state->has_metrics = TRUE;
          state->cpu_usage = vz_stmt_is_null (stmt, 4) ? NAN : sqlite3_column_double (stmt, 4);
          state->memory_usage = vz_stmt_is_null (stmt, 5) ? NAN : sqlite3_column_double (stmt, 5);
          state->disk_usage = vz_stmt_is_null (stmt, 6) ? NAN : sqlite3_column_double (stmt, 6);
          state->temperature = vz_stmt_is_null (stmt, 7) ? NAN : sqlite3_column_double (stmt, 7);
        }
      state->uptime = vz_stmt_is_null (stmt, 8) ? -1 : sqlite3_column_int64 (stmt, 8);
      g_hash_table_insert (self->devices, state->id, state);
    }
  return TRUE;
}

VzDeviceState *
_vz_server_device_lookup (VzServer   *self,
                          const char *display_id)
{
  if (self->devices == NULL || display_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->devices, display_id);
}

guint
_vz_server_device_count (VzServer *self)
{
  return self->devices != NULL ? g_hash_table_size (self->devices) : 0;
}

void
_vz_server_device_added (VzServer   *self,
                         const char *organization_id,
                         const char *display_id,
                         const char *status)
{
  VzDeviceState *state = device_state_new (display_id, organization_id, status);

  g_hash_table_remove (self->online, display_id);
  g_hash_table_replace (self->devices, state->id, state);
  _vz_server_scheduler_screen_changed (self, display_id);
}

void
_vz_server_device_removed (VzServer   *self,
                           const char *display_id)
{
  VzDeviceState *state = _vz_server_device_lookup (self, display_id);

  if (state != NULL)
    _vz_server_health_device_removed (self, state->organization_id, display_id);
  g_hash_table_remove (self->online, display_id);
  g_hash_table_remove (self->dirty, display_id);
  g_hash_table_remove (self->devices, display_id);
  _vz_server_scheduler_screen_changed (self, display_id);
}

void
_vz_server_devices_flush (VzServer *self)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *id;

  if (self->db == NULL || self->dirty == NULL ||
      (g_hash_table_size (self->dirty) == 0 && !_vz_server_impressions_pending (self)))
    return;

  /* One transaction for every change of the last second. */
  if (!vz_db_begin (self->db, &error))
    goto fail;

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      VzDeviceState *state = g_hash_table_lookup (self->devices, id);
      g_autoptr(VzStmt) update = NULL;

      if (state == NULL)
        continue;

      update = vz_db_prepare (self->db,
                              "UPDATE displays SET status = ?2, last_heartbeat = ?3, cpu_usage = ?4, memory_usage = ?5,"
                              " disk_usage = ?6, temperature = ?7, uptime = ?8 WHERE id = ?1",
                              &error);
      if (update == NULL)
        goto fail;
      sqlite3_bind_text (update, 1, state->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, state->status, -1, SQLITE_STATIC);
      if (state->last_heartbeat > 0)
        sqlite3_bind_int64 (update, 3, state->last_heartbeat);
      else
        sqlite3_bind_null (update, 3);
      vz_stmt_bind_number (update, 4, state->cpu_usage);
      vz_stmt_bind_number (update, 5, state->memory_usage);
      vz_stmt_bind_number (update, 6, state->disk_usage);
      vz_stmt_bind_number (update, 7, state->temperature);
      if (state->uptime >= 0)
        sqlite3_bind_int64 (update, 8, state->uptime);
      else
        sqlite3_bind_null (update, 8);
      if (!vz_db_step_done (self->db, update, &error))
        goto fail;

      if (!_vz_server_metrics_flush (self, state, FALSE, &error))
        goto fail;
      state->dirty = FALSE;
    }

  if (!_vz_server_impressions_flush (self, &error) || !vz_db_commit (self->db, &error))
    goto fail;
  g_hash_table_remove_all (self->dirty);
  _vz_server_impressions_written (self);
  return;

fail:
  vz_db_rollback (self->db);
  /* Kept dirty: the next flush tries again. */
  g_message ("Could not save screen status: %s", error != NULL ? error->message : "unknown error");
  _vz_server_schedule_flush (self);
}

/* Sign-in sessions end by themselves too (their refresh token runs out, the
 * account goes): their sockets are told and closed at the next sweep. */
static void
sweep_sessions (VzServer *self,
                gint64    now)
{
  g_autoptr(GHashTable) sessions = NULL;
  GHashTableIter iter;
  const char *session_id;

  if (self->hub == NULL || self->db == NULL)
    return;
  sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  vz_hub_collect_sessions (self->hub, sessions);
  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, (gpointer *) &session_id, NULL))
    if (!_vz_server_session_alive (self, session_id, now))
      _vz_server_end_session (self, session_id, "expired");
}

static gboolean
sweep_cb (gpointer user_data)
{
  VzServer *self = user_data;
  g_autoptr(GPtrArray) silent = g_ptr_array_new ();
  gint64 now = _vz_now_ms ();
  gint64 limit = now - (gint64) self->offline_timeout * 1000;
  GHashTableIter iter;
  VzDeviceState *state;

  /* Only screens that are online can fall silent: the walk is over those. */
  g_hash_table_iter_init (&iter, self->online);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    if (state->last_heartbeat < limit)
      g_ptr_array_add (silent, state);
  for (guint i = 0; i < silent->len; i++)
    set_status (self, g_ptr_array_index (silent, i), "offline", now);
  _vz_server_health_sweep (self, now);
  sweep_sessions (self, now);

  return G_SOURCE_CONTINUE;
}

/* A plausible reading, else NAN: a screen's bad number must not poison the fleet view. */
static double
metric (JsonObject *metrics,
        const char *name,
        double      min,
        double      max)
{
  double value;

  if (!_vz_json_number (metrics, name, &value) || value < min || value > max)
    return NAN;
  return value;
}

static void
apply_heartbeat (VzServer      *self,
                 VzDeviceState *state,
                 JsonObject    *payload,
                 gint64         now)
{
  JsonObject *metrics = _vz_json_object (payload, "metrics");
  double uptime;

  state->last_heartbeat = now;
  if (metrics != NULL)
    {
      state->has_metrics = TRUE;
      state->cpu_usage = metric (metrics, "cpuUsage", 0, 100);
      state->memory_usage = metric (metrics, "memoryUsage", 0, 100);
      state->disk_usage = metric (metrics, "diskUsage", 0, 1e15);
      state->temperature = metric (metrics, "temperature", -100, 200);
      _vz_server_metrics_record (self, state, now);
    }
  if (_vz_json_number (payload, "uptime", &uptime) && uptime >= 0 && uptime < 1e12)
    state->uptime = (gint64) uptime;
  if (payload != NULL && json_object_has_member (payload, "currentContent"))
    {
      JsonObject *current = _vz_json_object (payload, "currentContent");
      const char *content_id = current != NULL ? _vz_json_string (current, "contentId") : NULL;
      const char *playlist_id = current != NULL ? _vz_json_string (current, "playlistId") : NULL;

      /* Ids only, as the screen said them; what they name is looked up when read. */
      g_free (state->current_content_id);
      state->current_content_id = content_id != NULL && strlen (content_id) <= 128 ? g_strdup (content_id) : NULL;
      g_free (state->current_playlist_id);
      state->current_playlist_id = playlist_id != NULL && strlen (playlist_id) <= 128 ? g_strdup (playlist_id) : NULL;
    }

  mark_dirty (self, state);
  set_status (self, state, "online", now);
  _vz_server_health_heartbeat (self, state, now);
}

static JsonNode *
ack_envelope (gboolean    success,
              const char *error_message,
              JsonNode   *data)   /* transfer full, nullable */
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = _vz_format_time (_vz_now_ms ());

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, success);
  if (data != NULL)
    {
      json_builder_set_member_name (builder, "data");
      json_builder_add_value (builder, data);
    }
  if (error_message != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error_message);
    }
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, now);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
heartbeat_ack (VzServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nextHeartbeatIn");
  json_builder_add_int_value (builder, (gint64) self->heartbeat_interval * 1000);
  json_builder_set_member_name (builder, "commands");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return ack_envelope (TRUE, NULL, json_builder_get_root (builder));
}

static JsonNode *
status_batch (VzServer   *self,
              const char *organization_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = _vz_now_ms ();

  /* The database order is at most a second behind; the values come from memory. */
  _vz_server_devices_flush (self);
  json_builder_begin_array (builder);
  stmt = vz_db_prepare (self->db,
                        "SELECT id FROM displays WHERE organization_id = ?1"
                        " ORDER BY last_heartbeat IS NULL, last_heartbeat DESC LIMIT ?2",
                        &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, organization_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, VZ_STATUS_BATCH_MAX);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          VzDeviceState *state = _vz_server_device_lookup (self, vz_stmt_text (stmt, 0));

          if (state != NULL)
            json_builder_add_value (builder, status_event (state, now));
        }
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}


static gboolean
hub_authenticate (VzHub          *hub,
                  const char     *token,
                  VzHubPrincipal *principal,
                  gpointer        user_data)
{
  VzServer *self = user_data;
  g_autofree char *user_id = NULL;
  g_autofree char *organization_id = NULL;
  g_autofree char *session_id = NULL;

  if (self->db == NULL || token == NULL || *token == '\0' || strlen (token) > 512)
    return FALSE;

  if (_vz_server_lookup_access_token (self, token, &user_id, &organization_id, NULL, &session_id))
    {
      principal->kind = VZ_HUB_PEER_DASHBOARD;
      principal->organization_id = g_steal_pointer (&organization_id);
      principal->subject_id = g_steal_pointer (&user_id);
      principal->session_id = g_steal_pointer (&session_id);
      return TRUE;
    }

  if (!_vz_server_lookup_device_token (self, token, &principal->subject_id, &principal->organization_id))
    return FALSE;
  principal->kind = VZ_HUB_PEER_DEVICE;
  return TRUE;
}

/* As the platform does, a screen that connects is sent what it should play
 * at once; it has nothing to play when no playlist is assigned or scheduled. */
static void
send_current_playlist (VzServer             *self,
                       VzHub                *hub,
                       const char           *socket_id,
                       const VzHubPrincipal *principal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  const char *playlist_id = NULL;

  /* Its own playlist, or the one an active schedule plays on it. */
  if (!_vz_server_scheduler_playing (self, principal->subject_id, NULL, &playlist_id) || playlist_id == NULL)
    return;

  payload = _vz_server_device_playlist (self, principal->organization_id, playlist_id, &error);
  if (payload == NULL)
    {
      g_message ("Could not send a screen its playlist: %s", error->message);
      return;
    }
  vz_hub_emit_to_socket (hub, socket_id, "playlist:update", payload);
}

static void
hub_peer_connected (VzHub                *hub,
                    const char           *socket_id,
                    const VzHubPrincipal *principal,
                    gpointer              user_data)
{
  VzServer *self = user_data;

  if (!self->running)
    return;

  if (principal->kind == VZ_HUB_PEER_DASHBOARD)
    {
      g_autoptr(JsonNode) batch = status_batch (self, principal->organization_id);

      vz_hub_emit_to_socket (hub, socket_id, "device:status:batch", batch);
    }
  else
    {
      VzDeviceState *state = _vz_server_device_lookup (self, principal->subject_id);
      gint64 now = _vz_now_ms ();

      if (state == NULL)
        return;
      state->connections++;
      state->last_heartbeat = now;
      mark_dirty (self, state);
      set_status (self, state, "online", now);
      send_current_playlist (self, hub, socket_id, principal);
    }
}

static void
hub_peer_disconnected (VzHub                *hub,
                       const char           *socket_id,
                       const VzHubPrincipal *principal,
                       gpointer              user_data)
{
  VzServer *self = user_data;
  VzDeviceState *state;

  if (!self->running || principal->kind != VZ_HUB_PEER_DEVICE)
    return;
  state = _vz_server_device_lookup (self, principal->subject_id);
  if (state == NULL)
    return;
  if (state->connections > 0)
    state->connections--;
  /* A screen reconnecting may open its new socket before the old one is
   * noticed gone: only the last socket going away makes it offline. */
  if (state->connections == 0)
    set_status (self, state, "offline", _vz_now_ms ());
}

static JsonNode *
hub_peer_event (VzHub                *hub,
                const char           *socket_id,
                const VzHubPrincipal *principal,
                const char           *event,
                JsonArray            *args,
                gpointer              user_data)
{
  VzServer *self = user_data;
  JsonObject *payload = NULL;
  VzDeviceState *state;

  if (!self->running || principal->kind != VZ_HUB_PEER_DEVICE)
    return NULL;
  state = _vz_server_device_lookup (self, principal->subject_id);
  if (state == NULL)
    return ack_envelope (FALSE, "This screen is no longer paired.", NULL);

  if (args != NULL && json_array_get_length (args) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (args, 0)))
    payload = json_array_get_object_element (args, 0);

  if (g_str_equal (event, "heartbeat"))
    {
      apply_heartbeat (self, state, payload, _vz_now_ms ());
      return heartbeat_ack (self);
    }

  if (g_str_equal (event, "screenshot:response"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonBuilder) builder = NULL;

      if (payload == NULL)
        return ack_envelope (FALSE, "The screenshot response must be an object.", NULL);
      if (!_vz_server_store_screenshot (self, principal->organization_id, principal->subject_id, payload, &error))
        return ack_envelope (FALSE, error->message, NULL);
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "saved");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      return ack_envelope (TRUE, NULL, json_builder_get_root (builder));
    }

  if (g_str_equal (event, "content:impression"))
    {
      g_autoptr(GError) error = NULL;

      if (!_vz_server_record_impression (self, principal->organization_id, principal->subject_id, payload, &error))
        return ack_envelope (FALSE, error->message, NULL);
      return ack_envelope (TRUE, NULL, NULL);
    }

  return ack_envelope (FALSE, "Unknown event.", NULL);
}

/* The contract's 10 connects a minute per token, counted by its digest. */
static gboolean
hub_admit (VzHub                *hub,
           const char           *token,
           const VzHubPrincipal *principal,
           guint                *retry_after_s,
           gpointer              user_data)
{
  VzServer *self = user_data;
  g_autofree char *digest = vz_token_digest (token);
  gint64 wait = _vz_rate_take (&self->connect_rate, digest, _vz_now_ms ());

  *retry_after_s = (guint) ((wait + 999) / 1000);
  if (wait > 0)
    g_debug ("A realtime peer connected too often with one token; refused for %u s", *retry_after_s);
  return wait == 0;
}

static const VzHubHandlers hub_handlers = {
  .admit = hub_admit,
  .authenticate = hub_authenticate,
  .peer_connected = hub_peer_connected,
  .peer_disconnected = hub_peer_disconnected,
  .peer_event = hub_peer_event,
};


void
_vz_server_realtime_start (VzServer *self)
{
  guint interval = CLAMP (self->offline_timeout / 4, 1, 10);

  self->hub = vz_hub_new (&hub_handlers, self);
  vz_hub_set_ping (self->hub, self->ping_interval * 1000, self->ping_timeout * 1000);
  vz_hub_set_connect_timeout (self->hub, self->connect_timeout * 1000);
  vz_hub_attach (self->hub, self->soup, "/socket.io/");
  self->sweep_source = g_timeout_add_seconds (interval, sweep_cb, self);
}

void
_vz_server_realtime_stop (VzServer *self)
{
  g_clear_handle_id (&self->sweep_source, g_source_remove);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->hub != NULL)
    vz_hub_shutdown (self->hub);
  g_clear_object (&self->hub);
}

gboolean
_vz_server_device_connected (VzServer   *self,
                             const char *display_id)
{
  return self->hub != NULL && vz_hub_device_is_connected (self->hub, display_id);
}

static void
device_ack_cb (VzHub     *hub,
               JsonArray *ack_args,
               gpointer   user_data)
{
  /* The answer has already gone to whoever asked; a missing ack only means
   * the screen went away or is slow, which its status will show. */
  if (ack_args == NULL)
    g_debug ("A screen did not acknowledge a command in time");
}

gboolean
_vz_server_send_to_device (VzServer   *self,
                           const char *display_id,
                           const char *event,
                           JsonNode   *payload)
{
  /* Screens answer `command` with an ack callback; emitting without asking for
   * one would leave them calling an undefined callback. */
  return self->hub != NULL && vz_hub_emit_to_device (self->hub, display_id, event, payload, device_ack_cb, NULL);
}

void
_vz_server_emit_to_organization (VzServer   *self,
                                 const char *organization_id,
                                 const char *event,
                                 JsonNode   *payload)
{
  if (self->hub != NULL && self->running)
    vz_hub_emit_to_organization (self->hub, organization_id, event, payload);
}

/* {reason}: what a peer is told before it is cut off. */
static JsonNode *
reason_payload (const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
_vz_server_revoke_device (VzServer   *self,
                          const char *display_id)
{
  g_autoptr(JsonNode) payload = NULL;

  if (self->hub == NULL)
    return;
  payload = reason_payload ("deleted");
  vz_hub_disconnect_subject (self->hub, display_id, "device:revoked", payload);
}

void
_vz_server_end_session (VzServer   *self,
                        const char *session_id,
                        const char *reason)
{
  g_autoptr(JsonNode) payload = NULL;

  if (self->hub == NULL || session_id == NULL)
    return;
  payload = reason_payload (reason);
  vz_hub_disconnect_session (self->hub, session_id, "session:expired", payload);
}
