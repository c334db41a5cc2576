/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-schedule.h"

G_BEGIN_DECLS

/*
 * A fleet's schedules indexed by screen and by group, for deciding what
 * every screen plays each minute without scanning every schedule for every
 * screen: a group's winner is decided once per time zone among its members,
 * and each screen then weighs its own schedules against its groups' winners.
 * The index remembers what each screen played at the last tick and reports
 * the screens whose schedule or playlist changed.
 */
typedef struct _VzScheduleIndex VzScheduleIndex;

typedef struct
{
  const char *display_id;
  /* Before and after: the schedule that played (NULL: none, the default)
   * and the playlist (NULL: nothing to play). */
  const char *before_schedule_id;
  const char *before_playlist_id;
  const char *schedule_id;
  const char *playlist_id;
} VzScheduleChange;

typedef void (*VzScheduleChangeFunc) (const VzScheduleChange *change,
                                      gpointer                user_data);

VzScheduleIndex *vz_schedule_index_new  (void);
void             vz_schedule_index_free (VzScheduleIndex *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzScheduleIndex, vz_schedule_index_free)

/* Adds @rule (transfer full), replacing the rule with the same id. */
void     vz_schedule_index_set_rule    (VzScheduleIndex *self,
                                        VzScheduleRule  *rule);
gboolean vz_schedule_index_remove_rule (VzScheduleIndex *self,
                                        const char      *id);
const VzScheduleRule *vz_schedule_index_get_rule (VzScheduleIndex *self,
                                                  const char      *id);
void     vz_schedule_index_remove_all_rules (VzScheduleIndex *self);

/*
 * Adds or changes a screen: its IANA time zone (NULL or unknown: UTC) and
 * its default playlist. A new screen counts as playing its default until a
 * tick says otherwise.
 */
void     vz_schedule_index_set_screen  (VzScheduleIndex *self,
                                        const char      *display_id,
                                        const char      *time_zone,
                                        const char      *default_playlist_id);
/* The groups @display_id belongs to (NULL-terminated), replacing the last. */
void     vz_schedule_index_set_screen_groups (VzScheduleIndex    *self,
                                              const char         *display_id,
                                              const char * const *group_ids);
gboolean vz_schedule_index_remove_screen (VzScheduleIndex *self,
                                          const char      *display_id);
guint    vz_schedule_index_get_n_screens (VzScheduleIndex *self);
/* The ids of the screens (borrowed strings); free with g_ptr_array_unref(). */
GPtrArray *vz_schedule_index_dup_screen_ids (VzScheduleIndex *self);

/* The rules that reach @display_id (its own and its groups'), borrowed;
 * NULL for an unknown screen. Free the array with g_ptr_array_unref(). */
GPtrArray  *vz_schedule_index_dup_screen_rules (VzScheduleIndex *self,
                                                const char      *display_id);
/* The screen's zone (borrowed) and default playlist; FALSE if unknown. */
gboolean    vz_schedule_index_lookup_screen (VzScheduleIndex  *self,
                                             const char       *display_id,
                                             GTimeZone       **out_tz,
                                             const char      **out_default_playlist_id);

/* What @display_id played at the last tick (a new screen: its default):
 * the schedule (NULL: none) and the playlist (NULL: nothing), borrowed.
 * FALSE for an unknown screen. */
gboolean vz_schedule_index_get_playing (VzScheduleIndex  *self,
                                        const char       *display_id,
                                        const char      **out_schedule_id,
                                        const char      **out_playlist_id);

/* What @display_id plays at @instant, as vz_schedule_decide() decides. */
const VzScheduleRule *vz_schedule_index_decide (VzScheduleIndex *self,
                                                const char      *display_id,
                                                gint64           instant);

/*
 * Decides every screen at @instant, remembers the result, and calls @func
 * for each screen whose schedule or playlist differs from what it played at
 * the last tick. Returns the number of changes.
 */
guint    vz_schedule_index_tick (VzScheduleIndex      *self,
                                 gint64                instant,
                                 VzScheduleChangeFunc  func,
                                 gpointer              user_data);

G_END_DECLS
