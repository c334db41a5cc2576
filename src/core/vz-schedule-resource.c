/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-resource"

#include <glib/gi18n-lib.h>

#include "vz-display-group.h"
#include "vz-json-private.h"
#include "vz-schedule-edits-private.h"
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

/* What schedule:executed said about schedules the store did not hold yet
 * (the event of a schedule made here can come before the server's answer
 * to the request that made it): schedule id → (display id → playing),
 * applied when the schedule arrives. Kept on the store. */
#define PENDING_KEY "vz-schedule-playing-pending"

static void
apply_marks (VzSchedule *schedule,
             GHashTable *marks)
{
  GHashTableIter iter;
  gpointer display_id, playing;

  g_hash_table_iter_init (&iter, marks);
  while (g_hash_table_iter_next (&iter, &display_id, &playing))
    vz_schedule_set_playing_on (schedule, display_id, GPOINTER_TO_INT (playing));
}

static void
on_items_changed (GListModel *store,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GHashTable *pending)
{
  for (guint i = position; i < position + added && g_hash_table_size (pending) > 0; i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (store, i);
      GHashTable *marks = g_hash_table_lookup (pending, vz_entity_get_id (VZ_ENTITY (schedule)));

      if (marks == NULL)
        continue;
      apply_marks (schedule, marks);
      g_hash_table_remove (pending, vz_entity_get_id (VZ_ENTITY (schedule)));
    }
}

static void
keep_mark (VzStore    *store,
           const char *id,
           const char *display_id,
           gboolean    playing)
{
  GHashTable *pending = g_object_get_data (G_OBJECT (store), PENDING_KEY);
  GHashTable *marks;

  if (pending == NULL)
    {
      pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
      g_object_set_data_full (G_OBJECT (store), PENDING_KEY, pending, (GDestroyNotify) g_hash_table_unref);
      g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), pending);
    }
  marks = g_hash_table_lookup (pending, id);
  if (marks == NULL)
    {
      marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (pending, g_strdup (id), marks);
    }
  g_hash_table_insert (marks, g_strdup (display_id), GINT_TO_POINTER (playing));
}

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
  gboolean playing;

  if (id == NULL || display_id == NULL || action == NULL)
    return 0;
  if (g_str_equal (action, "started"))
    playing = TRUE;
  else if (g_str_equal (action, "ended"))
    playing = FALSE;
  else
    return 0;
  if (g_hash_table_contains (removed, id))
    return 0;
  schedule = vz_store_lookup (store, id);
  if (schedule == NULL)
    {
      keep_mark (store, id, display_id, playing);
      return 1;
    }
  vz_schedule_set_playing_on (schedule, display_id, playing);
  return 0;
}

/* [local] schedule:updated {scheduleId, action: created|updated|deleted,
 * schedule?, updatedAt}: another client's change, applied like a read
 * with the changes still queued here on top. */
static VzResourceEventAction
read_schedule_updated (JsonNode    *payload,
                       JsonObject **record,
                       const char **id)
{
  return vz_resource_read_updated_event (payload, "scheduleId", "schedule", record, id);
}

static const VzResourceEvent schedule_events[] = {
  { "schedule:executed", on_executed, NULL },
  { "schedule:updated", NULL, read_schedule_updated },
  { NULL }
};

/* Every field as it was: the same window, days, dates, priority, state,
 * playlist and screen or group. */
static JsonObject *
schedule_restore_body (JsonObject  *saved,
                       GError     **error)
{
  static const char * const members[] = {
    "name", "description", "startDate", "endDate", "startTime", "endTime", "daysOfWeek", "priority",
    "isActive", "playlistId", "displayId", "displayGroupId", NULL
  };
  JsonObject *body = json_object_new ();

  vz_resource_copy_members (saved, body, members);
  return body;
}

static const VzResourceRestore schedule_restore = {
  .body = schedule_restore_body,
};

const VzResource vz_schedule_resource = {
  .name = VZ_RESOURCE_SCHEDULE,
  .collection = "/schedules",
  .snapshot_member = "schedules",
  .entity_type = vz_schedule_get_type,
  .fields = schedule_fields,
  .events = schedule_events,
  .edits = _vz_schedule_edits,
  .restore = &schedule_restore,
  .words = &vz_schedule_words,
  .optional = TRUE,
  .admin_delete = TRUE,
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

GPtrArray *
vz_schedule_rules_reaching (VzStore    *schedules,
                            VzStore    *groups,
                            const char *display_id,
                            const char *group_id)
{
  g_autoptr(GHashTable) screens = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) reached_groups = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  guint n;

  g_return_val_if_fail (VZ_IS_STORE (schedules), rules);
  g_return_val_if_fail (groups == NULL || VZ_IS_STORE (groups), rules);
  g_return_val_if_fail ((display_id == NULL) != (group_id == NULL), rules);

  if (display_id != NULL)
    g_hash_table_add (screens, (gpointer) display_id);
  if (group_id != NULL)
    {
      VzDisplayGroup *group = groups != NULL ? vz_store_lookup (groups, group_id) : NULL;
      const char * const *members = group != NULL ? vz_display_group_get_display_ids (group) : NULL;

      g_hash_table_add (reached_groups, (gpointer) group_id);
      for (guint i = 0; members != NULL && members[i] != NULL; i++)
        g_hash_table_add (screens, (gpointer) members[i]);
    }
  n = groups != NULL ? g_list_model_get_n_items (G_LIST_MODEL (groups)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (groups), i);
      const char * const *members = vz_display_group_get_display_ids (group);

      for (guint j = 0; members != NULL && members[j] != NULL; j++)
        if (g_hash_table_contains (screens, members[j]))
          {
            g_hash_table_add (reached_groups, (gpointer) vz_entity_get_id (VZ_ENTITY (group)));
            break;
          }
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (schedules));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (schedules), i);
      const char *screen = vz_schedule_get_display_id (schedule);
      const char *group = vz_schedule_get_group_id (schedule);

      if ((screen != NULL && g_hash_table_contains (screens, screen)) ||
          (group != NULL && g_hash_table_contains (reached_groups, group)))
        g_ptr_array_add (rules, vz_schedule_to_rule (schedule));
    }
  return rules;
}
