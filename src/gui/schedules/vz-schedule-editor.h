/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-date-row.h"
#include "vz-schedule-record.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_SCHEDULE_EDITOR (vz_schedule_editor_get_type ())
G_DECLARE_FINAL_TYPE (VzScheduleEditor, vz_schedule_editor, VZ, SCHEDULE_EDITOR, AdwWindow)

/*
 * VzScheduleEditor: a new schedule, or one to change: its name, playlist,
 * screen or group, weekdays, time window (past midnight allowed), dates,
 * priority and whether it is active. While one edits it says, in words,
 * where the schedule shares time with others that reach the same screens
 * and which of them plays there ("Weekdays 08:00–12:00: Breakfast (priority
 * 5) wins over Lunch (priority 3)"), and what is wrong with the values
 * (the end date before the start…), beside the form.
 *
 * Saving a new one is a request to the server (it gives the id); changing
 * one goes through the sync engine (optimistic, undoable). Duplicate and
 * Delete act on the schedule being changed.
 *
 * Widget actions: editor.save, editor.duplicate, editor.delete.
 * Signal: "created" (VzSchedule *): the server made one (saved or duplicated).
 */
VzScheduleEditor *vz_schedule_editor_new      (GtkWindow        *parent,
                                               VzSyncEngine     *engine,
                                               VzSchedule       *schedule);
/* Fills a new schedule's screen (or group), weekdays and window. */
void              vz_schedule_editor_prefill  (VzScheduleEditor *self,
                                               const char       *display_id,
                                               const char       *group_id,
                                               guint8            days,
                                               int               start_minute,
                                               int               end_minute);

/* For tests: the form's rows, and what it says. */
GtkEditable      *vz_schedule_editor_get_name_entry (VzScheduleEditor *self);
VzDateRow        *vz_schedule_editor_get_date_row   (VzScheduleEditor *self,
                                                     gboolean          end);
GtkSpinButton    *vz_schedule_editor_get_priority   (VzScheduleEditor *self);
/* The toggle of @weekday (0 = Sunday). */
GtkToggleButton  *vz_schedule_editor_get_day        (VzScheduleEditor *self,
                                                     guint             weekday);
AdwComboRow      *vz_schedule_editor_get_playlist_row (VzScheduleEditor *self);
/* The conflicts in words, one line each after the count; the problems,
 * one line each ("" when none). */
const char       *vz_schedule_editor_get_conflicts  (VzScheduleEditor *self);
const char       *vz_schedule_editor_get_problems   (VzScheduleEditor *self);
/* The weekdays, the window (-1: all day) as the form holds them. */
void              vz_schedule_editor_get_when       (VzScheduleEditor *self,
                                                     guint8           *days,
                                                     int              *start_minute,
                                                     int              *end_minute);

G_END_DECLS
