/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-health-page"

/* The Health page's screens: each screen's open alerts, the ranking kept up
 * to date with the screens that changed, and the list of the least healthy. */

#include "config.h"

#include <string.h>

#include "vz-display-resource.h"
#include "vz-health-page-private.h"
#include "vz-notification-resource.h"
#include "vz-screen-health-row.h"


/* The screen's health with its open alerts. */
void
_vz_health_page_assess (VzHealthPage    *self,
                        VzDisplay       *display,
                        VzDisplayHealth *health)
{
  GPtrArray *alerts = g_hash_table_lookup (self->open_alerts, vz_entity_get_id (VZ_ENTITY (display)));

  vz_display_health_assess_full (display, alerts != NULL ? (VzNotification * const *) alerts->pdata : NULL,
                                 alerts != NULL ? alerts->len : 0, health);
}

GtkWidget *
_vz_health_page_create_screen_row (gpointer item,
                                   gpointer user_data)
{
  VzHealthPage *self = user_data;
  GtkWidget *row = vz_screen_health_row_new (item);
  VzDisplayHealth health;

  _vz_health_page_assess (self, item, &health);
  vz_screen_health_row_show (VZ_SCREEN_HEALTH_ROW (row), &health);
  vz_display_health_clear (&health);
  return row;
}

/* A screen to assess again; past MAX_DIRTY_SCREENS, all of them. */
void
_vz_health_page_mark_screen_dirty (VzHealthPage *self,
                                   const char   *display_id)
{
  if (self->reassess_all)
    return;
  if (g_hash_table_size (self->dirty_screens) >= MAX_DIRTY_SCREENS)
    {
      self->reassess_all = TRUE;
      g_hash_table_remove_all (self->dirty_screens);
      return;
    }
  g_hash_table_add (self->dirty_screens, g_strdup (display_id));
}

static gboolean
same_alerts (GPtrArray *a,
             GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->len == b->len && memcmp (a->pdata, b->pdata, a->len * sizeof (gpointer)) == 0;
}

/* Collects each screen's open alerts; the screens whose alerts changed are
 * to be assessed again. */
void
_vz_health_page_collect_open_alerts (VzHealthPage *self,
                                     VzStore      *alerts)
{
  guint n = alerts != NULL ? g_list_model_get_n_items (G_LIST_MODEL (alerts)) : 0;
  g_autoptr(GHashTable) old = g_steal_pointer (&self->open_alerts);
  GHashTableIter iter;
  const char *key;
  GPtrArray *before;

  self->open_alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzNotification) alert = g_list_model_get_item (G_LIST_MODEL (alerts), i);
      const char *device = vz_notification_get_device_id (alert);
      GPtrArray *list;

      if (device == NULL || vz_notification_get_resolved (alert) || vz_notification_get_dismissed (alert) ||
          vz_notification_get_severity (alert) == VZ_SEVERITY_INFO)
        continue;
      list = g_hash_table_lookup (self->open_alerts, device);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (self->open_alerts, g_strdup (device), list);
        }
      g_ptr_array_add (list, g_object_ref (alert));
    }

  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &before))
    if (!same_alerts (before, g_hash_table_lookup (self->open_alerts, key)))
      _vz_health_page_mark_screen_dirty (self, key);
  g_hash_table_iter_init (&iter, self->open_alerts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (!g_hash_table_contains (old, key))
      _vz_health_page_mark_screen_dirty (self, key);
}

static void
place (VzHealthPage *self,
       VzDisplay    *display)
{
  VzDisplayHealth health;

  _vz_health_page_assess (self, display, &health);
  vz_health_ranking_set (self->ranking, display, &health);
  vz_display_health_clear (&health);
}

static gboolean
still_in_store (VzDisplay *display,
                gpointer   user_data)
{
  return vz_store_lookup (user_data, vz_entity_get_id (VZ_ENTITY (display))) == display;
}

/* Brings the ranking up to what changed: every screen when the fleet
 * changed, else only the screens named by events or whose alerts changed. */
void
_vz_health_page_update_ranking (VzHealthPage *self)
{
  VzStore *screens = _vz_health_page_displays (self);
  GHashTableIter iter;
  const char *id;

  if (screens == NULL)
    vz_health_ranking_clear (self->ranking);
  else if (self->reassess_all)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (screens));

      if (self->prune)
        vz_health_ranking_retain (self->ranking, still_in_store, screens);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (screens), i);

          place (self, display);
        }
    }
  else
    {
      if (self->prune)
        vz_health_ranking_retain (self->ranking, still_in_store, screens);
      g_hash_table_iter_init (&iter, self->dirty_screens);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
        {
          VzDisplay *display = vz_store_lookup (screens, id);

          if (display != NULL)
            place (self, display);
        }
    }
  g_hash_table_remove_all (self->dirty_screens);
  self->reassess_all = FALSE;
  self->prune = FALSE;
}

/* The list shows the first SCREENS_SHOWN of the ranking: only the rows whose
 * screen moved are made again. */
void
_vz_health_page_update_shown_screens (VzHealthPage *self)
{
  g_autoptr(GPtrArray) top = vz_health_ranking_top (self->ranking, SCREENS_SHOWN);
  GListModel *shown = G_LIST_MODEL (self->screens_shown);
  guint n_shown = g_list_model_get_n_items (shown);
  guint first = 0, tail = 0;

  while (first < top->len && first < n_shown)
    {
      g_autoptr(GObject) item = g_list_model_get_item (shown, first);

      if (item != g_ptr_array_index (top, first))
        break;
      first++;
    }
  if (first == top->len && first == n_shown)
    return;
  while (tail < top->len - first && tail < n_shown - first)
    {
      g_autoptr(GObject) item = g_list_model_get_item (shown, n_shown - 1 - tail);

      if (item != g_ptr_array_index (top, top->len - 1 - tail))
        break;
      tail++;
    }
  g_list_store_splice (self->screens_shown, first, n_shown - first - tail,
                       top->pdata + first, top->len - first - tail);
}

