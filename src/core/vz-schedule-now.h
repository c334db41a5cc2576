/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display.h"
#include "vz-store.h"

G_BEGIN_DECLS

/*
 * What a screen plays now and what comes next, in words, decided by the
 * shared evaluator from the schedules the app has read (the screen's own
 * and its groups'), in the screen's time zone:
 *   *now:  "Morning, by the schedule “Breakfast”", "Morning, the screen’s
 *          own playlist", "Nothing to play"
 *   *next: "Lunch from 12:00 (the schedule “Lunch”)", "Morning from Mon
 *          08:00 (the screen’s own playlist)", "No change in the next 7 days"
 * @schedules (VzSchedule), @groups (VzDisplayGroup) and @playlists
 * (VzPlaylist, for names) may be NULL. @instant: Unix seconds.
 */
void vz_schedule_describe_now (VzStore   *schedules,
                               VzStore   *groups,
                               VzStore   *playlists,
                               VzDisplay *display,
                               gint64     instant,
                               char     **now,
                               char     **next);

G_END_DECLS
