/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-schedule-block.h"
#include "vz-store.h"

G_BEGIN_DECLS

#define VZ_TYPE_SCHEDULE_WEEK (vz_schedule_week_get_type ())
G_DECLARE_FINAL_TYPE (VzScheduleWeek, vz_schedule_week, VZ, SCHEDULE_WEEK, GtkWidget)

/*
 * VzScheduleWeek: a week (Monday to Sunday × 24 h of the screen's wall
 * clock) of the schedules that reach one screen (its own and its groups')
 * or of one group's, each piece a VzScheduleBlock: coloured by playlist and
 * named, pieces that share time side by side, the one that plays (decided
 * by the shared evaluator, vz-schedule.h) marked. The current time is a
 * line across today. Dragging across the days and hours asks for a new
 * schedule there; a click or Enter on a block asks to open it.
 *
 * Signals:
 *   "create-requested" (guint days, int start_minute, int end_minute):
 *                      a drag over the weekdays @days (bit d = weekday d,
 *                      0 = Sunday) from @start_minute to @end_minute, in
 *                      quarter hours
 *   "schedule-activated" (const char *schedule_id)
 */
GtkWidget  *vz_schedule_week_new        (void);
/* Shows @schedules' (VzSchedule) that reach the screen @display_id (with
 * the groups @group_ids, NULL-terminated) or, @display_id NULL, the group
 * @group_ids[0]; on @timezone's wall clock (an IANA name; NULL or unknown:
 * UTC). Follows the store's changes. @schedules NULL: empty. */
void        vz_schedule_week_set_target (VzScheduleWeek     *self,
                                         VzStore            *schedules,
                                         const char         *display_id,
                                         const char * const *group_ids,
                                         const char         *timezone);
/* The week shown: @offset weeks after the one holding today. */
void        vz_schedule_week_set_offset (VzScheduleWeek     *self,
                                         int                 offset);
int         vz_schedule_week_get_offset (VzScheduleWeek     *self);
/* "7–13 December 2026" (transfer full). */
char       *vz_schedule_week_dup_title  (VzScheduleWeek     *self);
/* Lays the schedules out again now, instead of on the next idle. */
void        vz_schedule_week_rebuild    (VzScheduleWeek     *self);

/* For tests and the benchmark: the blocks (VzScheduleBlock, in the
 * order of days then time; transfer none), and where @minute of the day in
 * @column (0 = Monday) is, in the widget's coordinates. */
GPtrArray  *vz_schedule_week_get_blocks (VzScheduleWeek     *self);
void        vz_schedule_week_point      (VzScheduleWeek     *self,
                                         guint               column,
                                         int                 minute,
                                         double             *x,
                                         double             *y);

G_END_DECLS
