/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-schedule-editor.h"

G_BEGIN_DECLS

/* What the form says, read and checked (vz-schedule-editor-check.c). */
typedef struct
{
  char     *name;
  char     *playlist_id;
  char     *display_id;
  char     *group_id;
  guint8    days;
  int       start_time;  /* VZ_SCHEDULE_NO_TIME: all day */
  int       end_time;
  char     *start_date;  /* "YYYY-MM-DD", NULL: open */
  char     *end_date;
  int       priority;
  gboolean  is_active;
  GString  *problems;    /* one sentence a line; empty: none */
} VzScheduleDraft;

struct _VzScheduleEditor
{
  AdwWindow        parent_instance;

  VzSyncEngine    *engine;
  VzSchedule      *schedule;     /* NULL: a new one */
  GCancellable    *cancellable;
  GListModel      *playlists;
  GListModel      *targets;
  VzScheduleDraft  draft;
  gboolean         filling;
  gboolean         saving;

  /* template children */
  GtkWidget       *save_button;
  AdwEntryRow     *name_row;
  AdwComboRow     *playlist_row;
  AdwComboRow     *target_row;
  GtkToggleButton *day_mon;
  GtkToggleButton *day_tue;
  GtkToggleButton *day_wed;
  GtkToggleButton *day_thu;
  GtkToggleButton *day_fri;
  GtkToggleButton *day_sat;
  GtkToggleButton *day_sun;
  AdwExpanderRow  *window_row;
  AdwEntryRow     *start_time_row;
  AdwEntryRow     *end_time_row;
  VzDateRow       *start_date_row;
  VzDateRow       *end_date_row;
  GtkSpinButton   *priority_spin;
  GtkSwitch       *active_switch;
  GtkLabel        *problems_label;
  GtkLabel        *conflicts_label;
  GtkWidget       *record_box;
};

/* The day toggles, Sunday first (index = weekday). */
GtkToggleButton *_vz_schedule_editor_day        (VzScheduleEditor *self,
                                                 guint             weekday);
/* Reads the form into self->draft, with its problems. */
void             _vz_schedule_editor_read       (VzScheduleEditor *self);
/* The draft's conflicts with the schedules reaching the same screens, in
 * words (transfer full). */
char            *_vz_schedule_editor_conflicts  (VzScheduleEditor *self);
/* The window in words for the Time row ("22:00–02:00, into the next day"). */
char            *_vz_schedule_editor_window_words (VzScheduleEditor *self);
void             _vz_schedule_draft_clear       (VzScheduleDraft  *draft);
/* "08:00" from 480; minutes from "8:00" or "08:00" (-1: not a time). */
char            *_vz_schedule_format_time       (int               minute);
int              _vz_schedule_parse_time        (const char       *text);

G_END_DECLS
