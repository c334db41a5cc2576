/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-resource"

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-schedule-resource.h"
#include "vz-sync-words.h"

static const VzResourceField schedule_fields[] = {
  { "name", "name", "name", N_("name") },
  { "description", "description", "description", N_("description") },
  { "priority", "priority", "priority", N_("priority") },
  { "startTime", "startTime", "start-time", N_("start time") },
  { "endTime", "endTime", "end-time", N_("end time") },
  { "playlistId", "playlistId", "playlist-id", N_("playlist") },
  { "isActive", "isActive", "is-active", N_("state") },
  { NULL }
};

/* schedule:executed {scheduleId, displayId, playlistId, action, timestamp}:
 * 1 when the schedule is not known here (made elsewhere a moment ago). */
static guint
on_executed (const VzResource *resource,
             VzStore          *store,
             GHashTable       *removed,
             const char       *event,
             JsonNode         *payload)
{
  JsonObject *obj = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  const char *id = _vz_json_string (obj, "scheduleId");
  const char *display_id = _vz_json_string (obj, "displayId");
  const char *action = _vz_json_string (obj, "action");
  VzSchedule *schedule;

  if (id == NULL || display_id == NULL || action == NULL)
    return 0;
  schedule = vz_store_lookup (store, id);
  if (schedule == NULL)
    return g_hash_table_contains (removed, id) ? 0 : 1;
  if (g_str_equal (action, "started"))
    vz_schedule_set_playing_on (schedule, display_id, TRUE);
  else if (g_str_equal (action, "ended"))
    vz_schedule_set_playing_on (schedule, display_id, FALSE);
  return 0;
}

static const VzResourceEvent schedule_events[] = {
  { "schedule:executed", on_executed, NULL },
  { NULL }
};

const VzResource vz_schedule_resource = {
  .name = VZ_RESOURCE_SCHEDULE,
  .collection = "/schedules",
  .snapshot_member = "schedules",
  .entity_type = vz_schedule_get_type,
  .fields = schedule_fields,
  .events = schedule_events,
  .words = &vz_schedule_words,
  .optional = TRUE,
};

VzStore *
vz_sync_engine_get_schedules (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_SCHEDULE);
}

void
vz_sync_engine_create_schedule_async (VzSyncEngine        *self,
                                      JsonObject          *body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  vz_sync_engine_create_async (self, VZ_RESOURCE_SCHEDULE, body, cancellable, callback, user_data);
}

void
vz_sync_engine_duplicate_schedule_async (VzSyncEngine        *self,
                                         const char          *schedule_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *item = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (schedule_id != NULL);

  item = vz_resource_item_path (&vz_schedule_resource, schedule_id);
  path = g_strconcat (item, "/duplicate", NULL);
  vz_sync_engine_create_at_async (self, VZ_RESOURCE_SCHEDULE, path, body, cancellable, callback, user_data);
}

VzSchedule *
vz_sync_engine_create_schedule_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return (VzSchedule *) vz_sync_engine_create_finish (self, result, error);
}

GPtrArray *
vz_schedule_rules_for_display (VzStore            *store,
                               const char         *display_id,
                               const char * const *group_ids)
{
  GPtrArray *rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  guint n;

  g_return_val_if_fail (VZ_IS_STORE (store), rules);

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (store), i);
      const char *group = vz_schedule_get_group_id (schedule);

      if ((display_id != NULL && g_strcmp0 (vz_schedule_get_display_id (schedule), display_id) == 0) ||
          (group != NULL && group_ids != NULL && g_strv_contains (group_ids, group)))
        g_ptr_array_add (rules, vz_schedule_to_rule (schedule));
    }
  return rules;
}
