/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>

#include "vz-health-rules.h"
#include "vz-server-health-private.h"

/*
 * Alerts: the health rules (vz-health-rules.c) run on every heartbeat and,
 * for the offline rule, on every status change and sweep. What they raise
 * is stored as a notification and announced to the organization's
 * dashboards as `health:alert` and `notification:new`; what they resolve
 * gets its resolvedAt and is announced again as `health:alert`. A screen
 * whose offline alert ends also gets a `device_online` notification, as on
 * the platform. Which alerts are open is kept in each screen's state and
 * read back from the notifications on start, so an open alert is never
 * raised twice, also across restarts.
 */

static char *
device_name (VzServer   *self,
             const char *display_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT COALESCE(NULLIF(nickname, ''), device_identifier) FROM displays"
                                          " WHERE id = ?1",
                                          &error);

  if (stmt == NULL)
    return g_strdup (display_id);
  sqlite3_bind_text (stmt, 1, display_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW || vz_stmt_is_null (stmt, 0))
    return g_strdup (display_id);
  return g_strdup (vz_stmt_text (stmt, 0));
}

static char *
alert_title (VzHealthRule rule)
{
  switch (rule)
    {
    case VZ_HEALTH_RULE_OFFLINE:     return g_strdup ("Screen offline");
    case VZ_HEALTH_RULE_CPU:         return g_strdup ("High CPU usage");
    case VZ_HEALTH_RULE_MEMORY:      return g_strdup ("High memory usage");
    case VZ_HEALTH_RULE_DISK:        return g_strdup ("Disk almost full");
    case VZ_HEALTH_RULE_TEMPERATURE: return g_strdup ("Screen overheating");
    case VZ_HEALTH_N_RULES:
    default:                         break;
    }
  g_assert_not_reached ();
}

static char *
alert_message (const VzHealthChange *change,
               const char           *name)
{
  switch (change->rule)
    {
    case VZ_HEALTH_RULE_OFFLINE:
      return g_strdup_printf ("“%s” has sent no heartbeat for %.0f seconds.", name, change->value);
    case VZ_HEALTH_RULE_CPU:
      return g_strdup_printf ("“%s” has used %.0f %% CPU for %d heartbeats in a row (threshold %.0f %%).",
                              name, change->value, VZ_HEALTH_CPU_BEATS, change->threshold);
    case VZ_HEALTH_RULE_MEMORY:
      return g_strdup_printf ("“%s” uses %.0f %% of its memory (threshold %.0f %%).", name, change->value,
                              change->threshold);
    case VZ_HEALTH_RULE_DISK:
      return g_strdup_printf ("“%s” has used %.0f %% of its disk (threshold %.0f %%).", name, change->value,
                              change->threshold);
    case VZ_HEALTH_RULE_TEMPERATURE:
      return g_strdup_printf ("“%s” is at %.0f °C (threshold %.0f °C).", name, change->value, change->threshold);
    case VZ_HEALTH_N_RULES:
    default:
      break;
    }
  g_assert_not_reached ();
}

/* Stores @spec and tells the dashboards. */
static void
notify (VzServer                 *self,
        const VzNotificationSpec *spec,
        gboolean                  health,
        gint64                    now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = _vz_server_notification_add (self, spec, now, &error);
  g_autoptr(JsonNode) node = NULL;

  if (id != NULL)
    node = _vz_server_notification_node (self, id, &error);
  if (node == NULL)
    {
      g_message ("Could not store a notification: %s", error->message);
      return;
    }
  _vz_server_notification_announce (self, spec->organization_id, node, TRUE, health);
}

static void
raise_alert (VzServer             *self,
             const char           *organization_id,
             const char           *display_id,
             const VzHealthChange *change,
             gint64                now)
{
  g_autofree char *name = device_name (self, display_id);
  g_autofree char *title = alert_title (change->rule);
  g_autofree char *message = alert_message (change, name);
  VzNotificationSpec spec = {
    .organization_id = organization_id,
    .type = change->rule == VZ_HEALTH_RULE_OFFLINE ? "device_offline" : "device_health",
    .severity = vz_health_severity_name (vz_health_rule_severity (change->rule)),
    .title = title,
    .message = message,
    .device_id = display_id,
    .device_name = name,
    .metric = vz_health_rule_metric (change->rule),
    .value = change->value,
    .threshold = change->threshold,
  };

  notify (self, &spec, TRUE, now);
}

/* Resolves the open alerts of @display_id for @metric (NULL: all of them)
 * and announces each; returns how many there were. */
static guint
resolve_alerts (VzServer   *self,
                const char *organization_id,
                const char *display_id,
                const char *metric,
                gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) open = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  open = vz_db_prepare (self->db,
                        "SELECT id FROM notifications WHERE device_id = ?1 AND metric IS NOT NULL"
                        " AND resolved_at IS NULL AND (?2 IS NULL OR metric = ?2)",
                        &error);
  if (open == NULL)
    goto fail;
  sqlite3_bind_text (open, 1, display_id, -1, SQLITE_TRANSIENT);
  if (metric != NULL)
    sqlite3_bind_text (open, 2, metric, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (open, 2);
  while (sqlite3_step (open) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (vz_stmt_text (open, 0)));
  vz_stmt_release (g_steal_pointer (&open));

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(JsonNode) node = NULL;

      update = vz_db_prepare (self->db,
                              "UPDATE notifications SET resolved_at = ?2, updated_at = MAX(?2, updated_at + 1)"
                              " WHERE id = ?1",
                              &error);
      if (update == NULL)
        goto fail;
      sqlite3_bind_text (update, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 2, now);
      if (!vz_db_step_done (self->db, update, &error))
        goto fail;
      vz_stmt_release (g_steal_pointer (&update));
      node = _vz_server_notification_node (self, id, &error);
      if (node == NULL)
        goto fail;
      _vz_server_notification_announce (self, organization_id, node, FALSE, TRUE);
    }
  return ids->len;

fail:
  g_message ("Could not resolve an alert: %s", error->message);
  return 0;
}

static void
apply_change (VzServer             *self,
              VzDeviceState        *state,
              const VzHealthChange *change,
              gint64                now)
{
  if (change->raise)
    {
      raise_alert (self, state->organization_id, state->id, change, now);
      return;
    }
  if (resolve_alerts (self, state->organization_id, state->id, vz_health_rule_metric (change->rule), now) > 0 &&
      change->rule == VZ_HEALTH_RULE_OFFLINE)
    {
      g_autofree char *name = device_name (self, state->id);
      g_autofree char *message = g_strdup_printf ("“%s” is back online.", name);
      VzNotificationSpec spec = {
        .organization_id = state->organization_id,
        .type = "device_online",
        .severity = "info",
        .title = "Screen back online",
        .message = message,
        .device_id = state->id,
        .device_name = name,
        .value = NAN,
        .threshold = NAN,
      };

      notify (self, &spec, FALSE, now);
    }
}

gboolean
_vz_server_health_load (VzServer  *self,
                        GError   **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);

  stmt = vz_db_prepare (self->db,
                        "SELECT device_id, metric FROM notifications"
                        " WHERE metric IS NOT NULL AND resolved_at IS NULL AND device_id IS NOT NULL",
                        error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      VzDeviceState *state = _vz_server_device_lookup (self, vz_stmt_text (stmt, 0));
      VzHealthRule rule;

      if (!vz_health_rule_from_metric (vz_stmt_text (stmt, 1), &rule))
        continue;
      if (state != NULL)
        vz_health_state_set_open (&state->health, rule);
      else
        g_ptr_array_add (orphans, g_strdup (vz_stmt_text (stmt, 0)));
    }
  vz_stmt_release (g_steal_pointer (&stmt));

  /* Alerts of screens deleted while no server ran are over. */
  for (guint i = 0; i < orphans->len; i++)
    {
      g_autoptr(VzStmt) update = vz_db_prepare (self->db,
                                                "UPDATE notifications SET resolved_at = ?2, updated_at = ?2"
                                                " WHERE device_id = ?1 AND resolved_at IS NULL",
                                                error);

      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, g_ptr_array_index (orphans, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 2, _vz_now_ms ());
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
    }
  return TRUE;
}

void
_vz_server_health_heartbeat (VzServer      *self,
                             VzDeviceState *state,
                             gint64         now)
{
  VzHealthChange changes[VZ_HEALTH_N_RULES];
  VzHealthSample sample = {
    .cpu_usage = state->has_metrics ? state->cpu_usage : NAN,
    .memory_usage = state->has_metrics ? state->memory_usage : NAN,
    .disk_usage = state->has_metrics ? state->disk_usage : NAN,
    .temperature = state->has_metrics ? state->temperature : NAN,
  };
  guint n = vz_health_rules_heartbeat (&state->health, &sample, changes);

  for (guint i = 0; i < n; i++)
    apply_change (self, state, &changes[i], now);
}

void
_vz_server_health_link (VzServer      *self,
                        VzDeviceState *state,
                        gint64         now)
{
  VzHealthChange change;
  double silent = state->last_heartbeat > 0 ? (double) (now - state->last_heartbeat) / 1000 : -1;

  if (vz_health_rules_link (&state->health, state->status == g_intern_static_string ("online"), silent,
                            self->offline_timeout, &change))
    apply_change (self, state, &change, now);
}

void
_vz_server_health_sweep (VzServer *self,
                         gint64    now)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  VzDeviceState *state;
  gboolean began;

  if (self->db == NULL || self->devices == NULL)
    return;
  /* Raising many at once (a site losing power) costs one commit. */
  began = vz_db_begin (self->db, &error);
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    _vz_server_health_link (self, state, now);
  if (began && !vz_db_commit (self->db, &error))
    {
      vz_db_rollback (self->db);
      g_message ("Could not store alerts: %s", error->message);
    }
}

void
_vz_server_health_device_removed (VzServer   *self,
                                  const char *organization_id,
                                  const char *display_id)
{
  resolve_alerts (self, organization_id, display_id, NULL, _vz_now_ms ());
}
