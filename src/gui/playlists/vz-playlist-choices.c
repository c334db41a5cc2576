/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-choices"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-playlist.h"
#include "vz-playlist-choices.h"

GListModel *
vz_playlist_choices_new (GListModel *playlists)
{
  g_autoptr(GListStore) parts = NULL;
  g_autoptr(GtkStringList) none = NULL;

  g_return_val_if_fail (G_IS_LIST_MODEL (playlists), NULL);

  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  none = gtk_string_list_new ((const char * const[]) { _("No playlist"), NULL });
  g_list_store_append (parts, none);
  g_list_store_append (parts, playlists);
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts))));
}

static char *
choice_name (GObject *item)
{
  if (VZ_IS_PLAYLIST (item))
    return g_strdup (vz_playlist_get_name (VZ_PLAYLIST (item)));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return g_strdup ("");
}

void
vz_playlist_choices_show_names (AdwComboRow *row)
{
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  adw_combo_row_set_expression (row,
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                             G_CALLBACK (choice_name), NULL, NULL));
}

guint
vz_playlist_choices_find (GListModel *choices,
                          const char *playlist_id)
{
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (choices), GTK_INVALID_LIST_POSITION);

  if (playlist_id == NULL || *playlist_id == '\0')
    return 0;
  /* Playlists are tens, not thousands. */
  n = g_list_model_get_n_items (choices);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (choices, i);

      if (VZ_IS_ENTITY (item) && g_strcmp0 (vz_entity_get_id (VZ_ENTITY (item)), playlist_id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

char *
vz_playlist_choices_dup_id (GListModel *choices,
                            guint       position)
{
  g_autoptr(GObject) item = NULL;

  g_return_val_if_fail (G_IS_LIST_MODEL (choices), NULL);

  item = g_list_model_get_item (choices, position);
  return VZ_IS_ENTITY (item) ? g_strdup (vz_entity_get_id (VZ_ENTITY (item))) : NULL;
}
