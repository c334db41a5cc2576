/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-schedule"

#include "vz-schedule-index.h"
#include "vz-schedule-private.h"

typedef struct
{
  GTimeZone *tz;
  guint      tick;    /* the tick days[] was worked out for */
  VzZoneDay  days[2];
} Zone;

typedef struct
{
  const Zone           *zone;
  const VzScheduleRule *best;
} Memo;

/* The schedules of one screen or one group. */
typedef struct
{
  GPtrArray *rules;     /* VzScheduleRule *, borrowed from the index */
  guint      memo_tick;
  GArray    *memo;      /* Memo: a group's winner per zone at memo_tick */
} Target;

typedef struct
{
  char      *id;
  Zone      *zone;
  char      *default_playlist_id;
  Target    *own;
  GPtrArray *groups;    /* Target * */
  char      *schedule_id;
  char      *playlist_id;
} Screen;

struct _VzScheduleIndex
{
  GHashTable *rules;    /* id → VzScheduleRule (owned) */
  GHashTable *displays; /* display id → Target */
  GHashTable *groups;   /* group id → Target */
  GHashTable *zones;    /* zone name → Zone */
  GHashTable *screens;  /* display id → Screen */
  guint       tick;
};

static void
target_free (Target *target)
{
  g_ptr_array_unref (target->rules);
  g_array_unref (target->memo);
  g_free (target);
}

static void
zone_free (Zone *zone)
{
  g_time_zone_unref (zone->tz);
  g_free (zone);
}

static void
screen_free (Screen *screen)
{
  g_free (screen->id);
  g_free (screen->default_playlist_id);
  g_ptr_array_unref (screen->groups);
  g_free (screen->schedule_id);
  g_free (screen->playlist_id);
  g_free (screen);
}

VzScheduleIndex *
vz_schedule_index_new (void)
{
  VzScheduleIndex *self = g_new0 (VzScheduleIndex, 1);

  self->rules = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) vz_schedule_rule_free);
  self->displays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) target_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) target_free);
  self->zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) zone_free);
  self->screens = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) screen_free);
  self->tick = 1;
  return self;
}

void
vz_schedule_index_free (VzScheduleIndex *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->screens);
  g_hash_table_unref (self->displays);
  g_hash_table_unref (self->groups);
  g_hash_table_unref (self->zones);
  g_hash_table_unref (self->rules);
  g_free (self);
}

static Target *
ensure_target (GHashTable *table,
               const char *id)
{
  Target *target = g_hash_table_lookup (table, id);

  if (target == NULL)
    {
      target = g_new0 (Target, 1);
      target->rules = g_ptr_array_new ();
      target->memo = g_array_new (FALSE, FALSE, sizeof (Memo));
      g_hash_table_insert (table, g_strdup (id), target);
    }
  return target;
}

static Target *
rule_target (VzScheduleIndex      *self,
             const VzScheduleRule *rule)
{
  if (rule->display_id != NULL)
    return ensure_target (self->displays, rule->display_id);
  if (rule->group_id != NULL)
    return ensure_target (self->groups, rule->group_id);
  return NULL;
}

gboolean
vz_schedule_index_remove_rule (VzScheduleIndex *self,
                               const char      *id)
{
  VzScheduleRule *rule;
  Target *target;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  rule = g_hash_table_lookup (self->rules, id);
  if (rule == NULL)
    return FALSE;
  target = rule_target (self, rule);
  if (target != NULL)
    g_ptr_array_remove_fast (target->rules, rule);
  g_hash_table_remove (self->rules, id);
  return TRUE;
}

void
vz_schedule_index_set_rule (VzScheduleIndex *self,
                            VzScheduleRule  *rule)
{
  Target *target;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rule != NULL && rule->id != NULL);

  vz_schedule_index_remove_rule (self, rule->id);
  g_hash_table_insert (self->rules, rule->id, rule);
  target = rule_target (self, rule);
  if (target != NULL)
    g_ptr_array_add (target->rules, rule);
}

const VzScheduleRule *
vz_schedule_index_get_rule (VzScheduleIndex *self,
                            const char      *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->rules, id);
}

static void
clear_target_rules (gpointer key,
                    gpointer value,
                    gpointer user_data)
{
  Target *target = value;

  g_ptr_array_set_size (target->rules, 0);
}

void
vz_schedule_index_remove_all_rules (VzScheduleIndex *self)
{
  g_return_if_fail (self != NULL);

  g_hash_table_foreach (self->displays, clear_target_rules, NULL);
  g_hash_table_foreach (self->groups, clear_target_rules, NULL);
  g_hash_table_remove_all (self->rules);
}

static Zone *
ensure_zone (VzScheduleIndex *self,
             const char      *name)
{
  Zone *zone;

  if (name == NULL || *name == '\0')
    name = "UTC";
  zone = g_hash_table_lookup (self->zones, name);
  if (zone == NULL)
    {
      zone = g_new0 (Zone, 1);
      zone->tz = g_time_zone_new_identifier (name);
      if (zone->tz == NULL)
        {
          g_debug ("Time zone “%s” is unknown; its screens are evaluated in UTC", name);
          zone->tz = g_time_zone_new_utc ();
        }
      g_hash_table_insert (self->zones, g_strdup (name), zone);
    }
  return zone;
}

void
vz_schedule_index_set_screen (VzScheduleIndex *self,
                              const char      *display_id,
                              const char      *time_zone,
                              const char      *default_playlist_id)
{
  Screen *screen;

  g_return_if_fail (self != NULL);
  g_return_if_fail (display_id != NULL);

  screen = g_hash_table_lookup (self->screens, display_id);
  if (screen == NULL)
    {
      screen = g_new0 (Screen, 1);
      screen->id = g_strdup (display_id);
      screen->own = ensure_target (self->displays, display_id);
      screen->groups = g_ptr_array_new ();
      screen->playlist_id = g_strdup (default_playlist_id);
      g_hash_table_insert (self->screens, screen->id, screen);
    }
  screen->zone = ensure_zone (self, time_zone);
  g_free (screen->default_playlist_id);
  screen->default_playlist_id = g_strdup (default_playlist_id);
}

void
vz_schedule_index_set_screen_groups (VzScheduleIndex    *self,
                                     const char         *display_id,
                                     const char * const *group_ids)
{
  Screen *screen;

  g_return_if_fail (self != NULL);
  g_return_if_fail (display_id != NULL);

  screen = g_hash_table_lookup (self->screens, display_id);
  g_return_if_fail (screen != NULL);

  g_ptr_array_set_size (screen->groups, 0);
  for (guint i = 0; group_ids != NULL && group_ids[i] != NULL; i++)
    g_ptr_array_add (screen->groups, ensure_target (self->groups, group_ids[i]));
}

gboolean
vz_schedule_index_remove_screen (VzScheduleIndex *self,
                                 const char      *display_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  return g_hash_table_remove (self->screens, display_id);
}

guint
vz_schedule_index_get_n_screens (VzScheduleIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->screens);
}

GPtrArray *
vz_schedule_index_dup_screen_ids (VzScheduleIndex *self)
{
  GPtrArray *ids;
  GHashTableIter iter;
  const char *id;

  g_return_val_if_fail (self != NULL, NULL);

  ids = g_ptr_array_sized_new (g_hash_table_size (self->screens));
  g_hash_table_iter_init (&iter, self->screens);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_ptr_array_add (ids, (gpointer) id);
  return ids;
}

GPtrArray *
vz_schedule_index_dup_screen_rules (VzScheduleIndex *self,
                                    const char      *display_id)
{
  Screen *screen;
  GPtrArray *rules;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (display_id != NULL, NULL);

  screen = g_hash_table_lookup (self->screens, display_id);
  if (screen == NULL)
    return NULL;
  rules = g_ptr_array_new ();
  g_ptr_array_extend (rules, screen->own->rules, NULL, NULL);
  for (guint i = 0; i < screen->groups->len; i++)
    {
      Target *group = g_ptr_array_index (screen->groups, i);

      g_ptr_array_extend (rules, group->rules, NULL, NULL);
    }
  return rules;
}

gboolean
vz_schedule_index_lookup_screen (VzScheduleIndex  *self,
                                 const char       *display_id,
                                 GTimeZone       **out_tz,
                                 const char      **out_default_playlist_id)
{
  Screen *screen;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  screen = g_hash_table_lookup (self->screens, display_id);
  if (screen == NULL)
    return FALSE;
  if (out_tz != NULL)
    *out_tz = screen->zone->tz;
  if (out_default_playlist_id != NULL)
    *out_default_playlist_id = screen->default_playlist_id;
  return TRUE;
}

gboolean
vz_schedule_index_get_playing (VzScheduleIndex  *self,
                               const char       *display_id,
                               const char      **out_schedule_id,
                               const char      **out_playlist_id)
{
  Screen *screen;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  screen = g_hash_table_lookup (self->screens, display_id);
  if (screen == NULL)
    return FALSE;
  if (out_schedule_id != NULL)
    *out_schedule_id = screen->schedule_id;
  if (out_playlist_id != NULL)
    *out_playlist_id = screen->playlist_id;
  return TRUE;
}

static const VzScheduleRule *
best_in (const Target         *target,
         const Zone           *zone,
         gint64                instant,
         const VzScheduleRule *best)
{
  for (guint i = 0; i < target->rules->len; i++)
    {
      const VzScheduleRule *rule = g_ptr_array_index (target->rules, i);

      if ((best == NULL || vz_schedule_rule_beats (rule, best))
          && _vz_rule_is_on (rule, zone->days, instant))
        best = rule;
    }
  return best;
}

static const VzScheduleRule *
group_best (Target     *group,
            const Zone *zone,
            guint       tick,
            gint64      instant)
{
  Memo memo;

  if (group->memo_tick != tick)
    {
      g_array_set_size (group->memo, 0);
      group->memo_tick = tick;
    }
  for (guint i = 0; i < group->memo->len; i++)
    if (g_array_index (group->memo, Memo, i).zone == zone)
      return g_array_index (group->memo, Memo, i).best;

  memo.zone = zone;
  memo.best = best_in (group, zone, instant, NULL);
  g_array_append_val (group->memo, memo);
  return memo.best;
}

/* Each call is a new tick: zone days and group winners are worked out again
 * the first time a screen needs them. */
static const VzScheduleRule *
screen_decide (VzScheduleIndex *self,
               Screen          *screen,
               gint64           instant)
{
  const VzScheduleRule *best;

  if (screen->zone->tick != self->tick)
    {
      _vz_zone_days_around (screen->zone->days, screen->zone->tz, instant);
      screen->zone->tick = self->tick;
    }
  best = best_in (screen->own, screen->zone, instant, NULL);
  for (guint i = 0; i < screen->groups->len; i++)
    {
      const VzScheduleRule *rule = group_best (g_ptr_array_index (screen->groups, i),
                                               screen->zone, self->tick, instant);

      if (rule != NULL && (best == NULL || vz_schedule_rule_beats (rule, best)))
        best = rule;
    }
  return best;
}

const VzScheduleRule *
vz_schedule_index_decide (VzScheduleIndex *self,
                          const char      *display_id,
                          gint64           instant)
{
  Screen *screen;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (display_id != NULL, NULL);

  screen = g_hash_table_lookup (self->screens, display_id);
  if (screen == NULL)
    return NULL;
  self->tick++;
  return screen_decide (self, screen, instant);
}

guint
vz_schedule_index_tick (VzScheduleIndex      *self,
                        gint64                instant,
                        VzScheduleChangeFunc  func,
                        gpointer              user_data)
{
  GHashTableIter iter;
  Screen *screen;
  guint changes = 0;

  g_return_val_if_fail (self != NULL, 0);

  self->tick++;
  g_hash_table_iter_init (&iter, self->screens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &screen))
    {
      const VzScheduleRule *rule = screen_decide (self, screen, instant);
      const char *schedule_id = rule != NULL ? rule->id : NULL;
      const char *playlist_id = rule != NULL ? rule->playlist_id : screen->default_playlist_id;
      VzScheduleChange change;

      if (g_strcmp0 (schedule_id, screen->schedule_id) == 0
          && g_strcmp0 (playlist_id, screen->playlist_id) == 0)
        continue;

      change.display_id = screen->id;
      change.before_schedule_id = screen->schedule_id;
      change.before_playlist_id = screen->playlist_id;
      change.schedule_id = schedule_id;
      change.playlist_id = playlist_id;
      if (func != NULL)
        func (&change, user_data);
      changes++;

      g_free (screen->schedule_id);
      screen->schedule_id = g_strdup (schedule_id);
      g_free (screen->playlist_id);
      screen->playlist_id = g_strdup (playlist_id);
    }
  return changes;
}
