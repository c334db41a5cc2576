/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-entity.h"
#include "vz-schedule.h"

G_BEGIN_DECLS

#define VZ_TYPE_SCHEDULE (vz_schedule_get_type ())
G_DECLARE_FINAL_TYPE (VzSchedule, vz_schedule, VZ, SCHEDULE, VzEntity)

/*
 * VzSchedule: a schedule as the app reads it (GET /schedules; vizora-api.md,
 * "Schedules"). Its file is vz-schedule-record.h because vz-schedule.h is
 * the evaluator's (src/schedule), which this one turns into rules.
 *
 * Properties (read-only, notify on real change):
 *   "id", "updated-at"          (VzEntity)
 *   "name", "description"       strings (description nullable)
 *   "playlist-id", "playlist-name"
 *   "display-id", "display-name"  the screen it is for, or NULL
 *   "group-id", "group-name"      the group it is for, or NULL
 *   "days"                      guint: bit d = weekday d, 0 = Sunday
 *   "start-time", "end-time"    int: minutes after local midnight, -1: none
 *   "start-date", "end-date"    strings "YYYY-MM-DD", nullable: open
 *   "priority"                  int
 *   "is-active"                 gboolean
 *   "created-at"                string, nullable
 *   "playing-count"             guint: screens it plays on now, as the
 *                               server's `schedule:executed` told
 */
const char     *vz_schedule_get_name          (VzSchedule *self);
const char     *vz_schedule_get_description   (VzSchedule *self);
const char     *vz_schedule_get_playlist_id   (VzSchedule *self);
const char     *vz_schedule_get_playlist_name (VzSchedule *self);
const char     *vz_schedule_get_display_id    (VzSchedule *self);
const char     *vz_schedule_get_display_name  (VzSchedule *self);
const char     *vz_schedule_get_group_id      (VzSchedule *self);
const char     *vz_schedule_get_group_name    (VzSchedule *self);
guint8          vz_schedule_get_days          (VzSchedule *self);
int             vz_schedule_get_start_time    (VzSchedule *self);
int             vz_schedule_get_end_time      (VzSchedule *self);
const char     *vz_schedule_get_start_date    (VzSchedule *self);
const char     *vz_schedule_get_end_date      (VzSchedule *self);
int             vz_schedule_get_priority      (VzSchedule *self);
gboolean        vz_schedule_get_is_active     (VzSchedule *self);
const char     *vz_schedule_get_created_at    (VzSchedule *self);
guint           vz_schedule_get_playing_count (VzSchedule *self);
gboolean        vz_schedule_is_playing_on     (VzSchedule *self,
                                               const char *display_id);

/* Records what `schedule:executed` said: @display_id started (@playing) or
 * ended playing this schedule. Set by the sync engine
 * (vz-schedule-resource.c). */
void            vz_schedule_set_playing_on    (VzSchedule *self,
                                               const char *display_id,
                                               gboolean    playing);

/* The schedule as a rule for the evaluator (vz-schedule.h), with its id,
 * playlist, screen or group, window, days, dates, priority, age and state
 * (transfer full). */
VzScheduleRule *vz_schedule_to_rule           (VzSchedule *self);

G_END_DECLS
