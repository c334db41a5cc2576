/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-resource"

/* Which screens play a playlist: their currentPlaylistId, changed as one
 * action of display updates (one outbox batch, one toast, one Undo). */

#include "vz-display.h"
#include "vz-display-resource.h"
#include "vz-json-private.h"
#include "vz-playlist-resource.h"

void
vz_sync_engine_assign_playlist_async (VzSyncEngine        *self,
                                      const char * const  *display_ids,
                                      const char          *playlist_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_member (changes, "currentPlaylistId", _vz_json_string_node (playlist_id));
  vz_sync_engine_update_many_async (self, VZ_RESOURCE_DISPLAY, display_ids, changes, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_assign_playlist_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return vz_sync_engine_update_many_finish (self, result, error);
}

void
vz_sync_engine_set_playlist_screens_async (VzSyncEngine        *self,
                                           const char          *playlist_id,
                                           const char * const  *display_ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_null_terminated (0, NULL, TRUE);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_null_terminated (0, (GDestroyNotify) json_object_unref, TRUE);
  g_autoptr(JsonObject) play = json_object_new ();
  g_autoptr(JsonObject) stop = json_object_new ();
  GListModel *displays;
  guint n;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (playlist_id != NULL);

  for (guint i = 0; display_ids != NULL && display_ids[i] != NULL; i++)
    g_hash_table_add (chosen, (gpointer) display_ids[i]);
  json_object_set_string_member (play, "currentPlaylistId", playlist_id);
  json_object_set_null_member (stop, "currentPlaylistId");

  /* Only the screens whose playlist changes: a chosen one that plays
   * another (or none), and one that plays this but is not chosen. */
  displays = G_LIST_MODEL (vz_sync_engine_get_displays (self));
  n = g_list_model_get_n_items (displays);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (displays, i);
      const char *id = vz_entity_get_id (VZ_ENTITY (display));
      gboolean plays = g_strcmp0 (vz_display_get_current_playlist_id (display), playlist_id) == 0;
      gboolean wanted = g_hash_table_contains (chosen, id);

      if (plays == wanted)
        continue;
      g_ptr_array_add (ids, (gpointer) id);
      g_ptr_array_add (changes, json_object_ref (wanted ? play : stop));
    }
  if (ids->len == 0)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, vz_sync_engine_update_each_async);
      g_task_return_boolean (task, TRUE);
      return;
    }
  vz_sync_engine_update_each_async (self, VZ_RESOURCE_DISPLAY, (const char * const *) ids->pdata,
                                    (JsonObject * const *) changes->pdata, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_set_playlist_screens_finish (VzSyncEngine  *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return vz_sync_engine_update_each_finish (self, result, error);
}
