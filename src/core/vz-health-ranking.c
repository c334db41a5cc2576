/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-health-ranking"

#include "config.h"

#include <string.h>

#include "vz-entity.h"
#include "vz-health-ranking.h"

#define N_LEVELS (VZ_HEALTH_OFFLINE + 1)

typedef struct {
  VzDisplay     *display;
  char          *name;    /* the name @key was made from */
  char          *key;     /* g_utf8_collate_key (name) */
  guint          score;
  VzHealthLevel  level;
  gboolean       online;
  GSequenceIter *iter;
} Entry;

struct _VzHealthRanking
{
  GHashTable *entries;    /* display id (borrowed from the display) → Entry */
  GSequence  *order;      /* Entry*, least healthy first; owns nothing */
  guint       counts[N_LEVELS];
  guint       online;
};

static void
entry_free (Entry *entry)
{
  g_object_unref (entry->display);
  g_free (entry->name);
  g_free (entry->key);
  g_free (entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const Entry *ea = a, *eb = b;
  int order;

  if (ea->score != eb->score)
    return ea->score < eb->score ? -1 : 1;
  if ((order = strcmp (ea->key, eb->key)) != 0)
    return order;
  return strcmp (vz_entity_get_id (VZ_ENTITY (ea->display)), vz_entity_get_id (VZ_ENTITY (eb->display)));
}

VzHealthRanking *
vz_health_ranking_new (void)
{
  VzHealthRanking *self = g_new0 (VzHealthRanking, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->order = g_sequence_new (NULL);
  return self;
}

void
vz_health_ranking_free (VzHealthRanking *self)
{
  if (self == NULL)
    return;
  g_sequence_free (self->order);
  g_hash_table_unref (self->entries);
  g_free (self);
}

void
vz_health_ranking_clear (VzHealthRanking *self)
{
  g_return_if_fail (self != NULL);

  g_sequence_remove_range (g_sequence_get_begin_iter (self->order), g_sequence_get_end_iter (self->order));
  g_hash_table_remove_all (self->entries);
  memset (self->counts, 0, sizeof self->counts);
  self->online = 0;
}

void
vz_health_ranking_set (VzHealthRanking       *self,
                       VzDisplay             *display,
                       const VzDisplayHealth *health)
{
  const char *id, *name;
  VzDisplayStatus status;
  gboolean moved;
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (VZ_IS_DISPLAY (display));
  g_return_if_fail (health != NULL && health->level < N_LEVELS);

  id = vz_entity_get_id (VZ_ENTITY (display));
  g_return_if_fail (id != NULL);
  name = vz_display_get_display_name (display);
  if (name == NULL)
    name = "";
  status = vz_display_get_status (display);

  entry = g_hash_table_lookup (self->entries, id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->display = g_object_ref (display);
      g_hash_table_insert (self->entries, (gpointer) vz_entity_get_id (VZ_ENTITY (display)), entry);
    }
  else
    {
      self->counts[entry->level]--;
      self->online -= entry->online ? 1 : 0;
    }
  if (entry->display != display)
    g_set_object (&entry->display, display);

  moved = entry->iter == NULL || entry->score != health->score;
  if (entry->name == NULL || strcmp (entry->name, name) != 0)
    {
      g_free (entry->name);
      g_free (entry->key);
      entry->name = g_strdup (name);
      entry->key = g_utf8_collate_key (name, -1);
      moved = TRUE;
    }
  entry->score = health->score;
  entry->level = health->level;
  entry->online = status == VZ_DISPLAY_STATUS_ONLINE || status == VZ_DISPLAY_STATUS_IDLE;
  self->counts[entry->level]++;
  self->online += entry->online ? 1 : 0;

  if (entry->iter == NULL)
    entry->iter = g_sequence_insert_sorted (self->order, entry, compare_entries, NULL);
  else if (moved)
    g_sequence_sort_changed (entry->iter, compare_entries, NULL);
}

guint
vz_health_ranking_retain (VzHealthRanking *self,
                          gboolean       (*keep) (VzDisplay *display,
                                                  gpointer   user_data),
                          gpointer         user_data)
{
  GHashTableIter iter;
  Entry *entry;
  guint dropped = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (keep != NULL, 0);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (!keep (entry->display, user_data))
      {
        self->counts[entry->level]--;
        self->online -= entry->online ? 1 : 0;
        g_sequence_remove (entry->iter);
        g_hash_table_iter_remove (&iter);
        dropped++;
      }
  return dropped;
}

gboolean
vz_health_ranking_contains (VzHealthRanking *self,
                            const char      *display_id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return display_id != NULL && g_hash_table_contains (self->entries, display_id);
}

guint
vz_health_ranking_get_n_screens (VzHealthRanking *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->entries);
}

guint
vz_health_ranking_count (VzHealthRanking *self,
                         VzHealthLevel    level)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (level < N_LEVELS, 0);

  return self->counts[level];
}

guint
vz_health_ranking_count_online (VzHealthRanking *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->online;
}

/**
 * vz_health_ranking_top:
 *
 * Returns: (transfer container): the @n least healthy screens, borrowed
 */
GPtrArray *
vz_health_ranking_top (VzHealthRanking *self,
                       guint            n)
{
  GPtrArray *top;

  g_return_val_if_fail (self != NULL, NULL);

  top = g_ptr_array_sized_new (n);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->order);
       top->len < n && !g_sequence_iter_is_end (iter); iter = g_sequence_iter_next (iter))
    g_ptr_array_add (top, ((Entry *) g_sequence_get (iter))->display);
  return top;
}
