/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-schedule-week.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_SCHEDULES_PAGE (vz_schedules_page_get_type ())
G_DECLARE_FINAL_TYPE (VzSchedulesPage, vz_schedules_page, VZ, SCHEDULES_PAGE, GtkWidget)

/*
 * VzSchedulesPage: the week of one screen or group (chosen at the top;
 * VzScheduleWeek), where a drag across days and hours makes a new
 * schedule, and the list of every schedule, narrowed by screen or group,
 * playlist and state. A schedule opens in VzScheduleEditor.
 *
 * Property: "sync-engine" (VzSyncEngine, nullable).
 * Widget actions: schedules.new, schedules.open (s: id),
 * schedules.duplicate (s), schedules.delete (s), schedules.week-previous,
 * schedules.week-next, schedules.week-today; Delete deletes the schedule
 * selected in the list.
 */
GtkWidget      *vz_schedules_page_new             (void);
void            vz_schedules_page_set_sync_engine (VzSchedulesPage *self,
                                                   VzSyncEngine    *engine);
/* Shows the week of the screen or group @id. */
void            vz_schedules_page_show_target     (VzSchedulesPage *self,
                                                   const char      *id);

/* For tests: the week, the list as shown and its filters (screen or group,
 * playlist, state). */
VzScheduleWeek *vz_schedules_page_get_week        (VzSchedulesPage *self);
GListModel     *vz_schedules_page_get_shown       (VzSchedulesPage *self);
GtkDropDown    *vz_schedules_page_get_filter      (VzSchedulesPage *self,
                                                   const char      *which);
/* Shows "week" or "list". */
void            vz_schedules_page_set_view        (VzSchedulesPage *self,
                                                   const char      *view);

G_END_DECLS
