/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-notification-resource"

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-notification-resource.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

static const VzResourceField notification_fields[] = {
  { NULL }
};

/* health:alert and notification:new: {id, type, title, …} (+ timestamp). */
static VzResourceEventAction
read_notification_event (JsonNode    *payload,
                         JsonObject **record,
                         const char **id)
{
  JsonObject *obj = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;

  if ((*id = _vz_json_string (obj, "id")) == NULL)
    return VZ_RECORD_EVENT_IGNORE;
  *record = obj;
  return VZ_RECORD_EVENT_UPSERT;
}

static const VzResourceEvent notification_events[] = {
  { "health:alert", NULL, read_notification_event },
  { "notification:new", NULL, read_notification_event },
  { NULL }
};

/* Only the deletion words can come up (a notification has no fields and no
 * edits, and the app deletes none); the rest are there for completeness. */
static const VzResourceWords notification_words = {
  .unnamed = N_("a notification"),
  .gone = N_("This notification no longer exists."),
  .none_selected = N_("No notifications were selected."),
  .not_changeable = N_("“%s” cannot be changed on a notification."),
  .no_undelete = N_("A deleted notification cannot come back."),
  .conflict_unnamed = N_("Someone else changed this notification in the meantime."),
  .deleted_n = { N_("Deleted %u notification"), N_("Deleted %u notifications") },
  .delete_n = { N_("Delete %u notification"), N_("Delete %u notifications") },
};

const VzResource vz_notification_resource = {
  .name = VZ_RESOURCE_NOTIFICATION,
  .collection = "/notifications",
  .snapshot_member = "notifications",
  .entity_type = vz_notification_get_type,
  .fields = notification_fields,
  .events = notification_events,
  .words = &notification_words,
  .optional = TRUE,
  /* Alerts are on the Health page. */
  .snapshot_later = TRUE,
};

VzStore *
vz_sync_engine_get_notifications (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_NOTIFICATION);
}

guint
vz_notifications_count_unread (VzStore *store)
{
  guint n, unread = 0;

  g_return_val_if_fail (VZ_IS_STORE (store), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzNotification) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!vz_notification_get_read (item) && !vz_notification_get_dismissed (item))
        unread++;
    }
  return unread;
}

/* ---- the requests ---- */

/* What a request showed at once, to show the old values again on refusal. */
typedef struct {
  GPtrArray *records;      /* VzNotification* shown changed */
  GPtrArray *was_read;     /* GINT_TO_POINTER (gboolean) each */
  GPtrArray *was_dismissed; /* char * (nullable) each */
} Shown;

static void
shown_free (Shown *shown)
{
  g_ptr_array_unref (shown->records);
  g_ptr_array_unref (shown->was_read);
  g_ptr_array_unref (shown->was_dismissed);
  g_free (shown);
}

static Shown *
shown_new (void)
{
  Shown *shown = g_new0 (Shown, 1);

  shown->records = g_ptr_array_new_with_free_func (g_object_unref);
  shown->was_read = g_ptr_array_new ();
  shown->was_dismissed = g_ptr_array_new_with_free_func (g_free);
  return shown;
}

static void
shown_add (Shown          *shown,
           VzNotification *record)
{
  g_ptr_array_add (shown->records, g_object_ref (record));
  g_ptr_array_add (shown->was_read, GINT_TO_POINTER (vz_notification_get_read (record)));
  g_ptr_array_add (shown->was_dismissed, g_strdup (vz_notification_get_dismissed_at (record)));
}

static void
shown_revert (Shown *shown)
{
  for (guint i = 0; i < shown->records->len; i++)
    {
      VzNotification *record = g_ptr_array_index (shown->records, i);

      vz_notification_set_read (record, GPOINTER_TO_INT (g_ptr_array_index (shown->was_read, i)));
      vz_notification_set_dismissed_at (record, g_ptr_array_index (shown->was_dismissed, i));
    }
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  Shown *shown = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  JsonObject *obj;

  if (answer == NULL)
    {
      shown_revert (shown);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The server's version when it sends one ({count} from read-all is not). */
  obj = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  if (_vz_json_string (obj, "id") != NULL &&
      vz_store_upsert_json (vz_sync_engine_get_notifications (self), obj, &error) == NULL)
    g_debug ("The server's answer is not a notification: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
send_request (VzSyncEngine *self,
              GTask        *task,
              const char   *method,
              const char   *path)
{
  vz_api_client_request_async (self->api, method, path, NULL, g_task_get_cancellable (task), on_answer, task);
}

static void
change_one (VzSyncEngine        *self,
            const char          *id,
            gboolean             dismiss,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  GTask *task;
  Shown *shown;
  VzNotification *record;
  g_autofree char *item = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  shown = shown_new ();
  g_task_set_task_data (task, shown, (GDestroyNotify) shown_free);

  record = vz_store_lookup (vz_sync_engine_get_notifications (self), id);
  if (record != NULL)
    {
      shown_add (shown, record);
      if (dismiss)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *stamp = g_date_time_format_iso8601 (now);

          vz_notification_set_read (record, TRUE);
          vz_notification_set_dismissed_at (record, stamp);
        }
      else
        vz_notification_set_read (record, TRUE);
    }
  item = vz_resource_item_path (&vz_notification_resource, id);
  path = g_strconcat (item, dismiss ? "/dismiss" : "/read", NULL);
  send_request (self, task, "PATCH", path);
}

void
vz_sync_engine_read_notification_async (VzSyncEngine        *self,
                                        const char          *id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  change_one (self, id, FALSE, cancellable, callback, user_data, vz_sync_engine_read_notification_async);
}

void
vz_sync_engine_dismiss_notification_async (VzSyncEngine        *self,
                                           const char          *id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  change_one (self, id, TRUE, cancellable, callback, user_data, vz_sync_engine_dismiss_notification_async);
}

void
vz_sync_engine_read_all_notifications_async (VzSyncEngine        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GListModel *store;
  GTask *task;
  Shown *shown;
  guint n;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_read_all_notifications_async);
  shown = shown_new ();
  g_task_set_task_data (task, shown, (GDestroyNotify) shown_free);

  store = G_LIST_MODEL (vz_sync_engine_get_notifications (self));
  n = store != NULL ? g_list_model_get_n_items (store) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzNotification) record = g_list_model_get_item (store, i);

      if (vz_notification_get_read (record))
        continue;
      shown_add (shown, record);
      vz_notification_set_read (record, TRUE);
    }
  send_request (self, task, "POST", "/notifications/read-all");
}

gboolean
vz_sync_engine_notification_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
