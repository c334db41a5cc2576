/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedules-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-playlist-resource.h"
#include "vz-schedule-targets.h"

static GListModel *
with_first (const char *first,
            GListModel *a,
            GListModel *b)
{
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);

  if (first != NULL)
    {
      const char * const strings[] = { first, NULL };
      g_autoptr(GtkStringList) extra = gtk_string_list_new (strings);

      g_list_store_append (parts, extra);
    }
  if (a != NULL)
    g_list_store_append (parts, a);
  if (b != NULL)
    g_list_store_append (parts, b);
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
}

GListModel *
vz_schedule_targets_new (VzSyncEngine *engine,
                         const char   *first)
{
  g_return_val_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine), NULL);

  return with_first (first, engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_displays (engine)) : NULL,
                     engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_groups (engine)) : NULL);
}

GListModel *
vz_schedule_playlists_new (VzSyncEngine *engine,
                           const char   *first)
{
  g_return_val_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine), NULL);

  return with_first (first, engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_playlists (engine)) : NULL, NULL);
}

char *
vz_schedule_target_name (GObject *item)
{
  if (VZ_IS_DISPLAY (item))
    return g_strdup (vz_display_get_display_name (VZ_DISPLAY (item)));
  if (VZ_IS_DISPLAY_GROUP (item))
    /* TRANSLATORS: a group of screens in the list of screens and groups */
    return g_strdup_printf (_("Group: %s"), vz_display_group_get_name (VZ_DISPLAY_GROUP (item)));
  if (VZ_IS_PLAYLIST (item))
    return g_strdup (vz_playlist_get_name (VZ_PLAYLIST (item)));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return g_strdup ("");
}

GtkExpression *
vz_schedule_target_expression (void)
{
  return gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (vz_schedule_target_name),
                                      NULL, NULL);
}

const char *
vz_schedule_target_id (GObject  *item,
                       gboolean *group)
{
  if (group != NULL)
    *group = VZ_IS_DISPLAY_GROUP (item);
  if (VZ_IS_ENTITY (item))
    return vz_entity_get_id (VZ_ENTITY (item));
  return NULL;
}

guint
vz_schedule_target_find (GListModel *model,
                         const char *id)
{
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), GTK_INVALID_LIST_POSITION);

  if (id == NULL)
    return GTK_INVALID_LIST_POSITION;
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (vz_schedule_target_id (item, NULL), id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}
