/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vz-schedule.h"

G_BEGIN_DECLS

/*
 * Where a week's schedules go in the week view (7 days × 24 h of wall clock,
 * Monday first), and which of them play, decided by the shared evaluator.
 * No GTK here: the view draws what this computes, and the benchmark times
 * both apart.
 *
 * A rule gives one piece for each day its window opens on within the
 * week's dates; a window past midnight gives two, the evening and the next
 * morning (in the next day's column). Pieces of one day that share time
 * stand side by side: each has a lane among the lanes of its cluster.
 */

typedef struct
{
  guint   rule;          /* index in the rules */
  guint   column;        /* 0 = Monday … 6 = Sunday */
  int     start_minute;  /* 0–1439 */
  int     end_minute;    /* exclusive, 1–1440 */
  int     open_minute;   /* the window as the rule says it: start, and */
  int     close_minute;  /* end (past 1440 when it runs into the next day) */
  guint   lane;
  guint   n_lanes;
  /* The minutes of the piece in which its rule is the one that plays:
   * won_start..won_end, the first and last of them (-1: none), and
   * whether it plays throughout. */
  int     won_start;
  int     won_end;
  gboolean wins_all;
  gboolean continued;    /* the morning part of a window past midnight */
} VzWeekPiece;

typedef struct
{
  gint32     first_day;  /* the Monday, days since 1970-01-01 */
  GArray    *pieces;     /* VzWeekPiece, by column, then start */
} VzWeekLayout;

/* The Monday of the week that holds @day (days since 1970-01-01). */
gint32        vz_week_monday        (gint32            day);
/* Weekday of @day: 0 = Sunday … 6 = Saturday. */
guint         vz_week_weekday       (gint32            day);

/*
 * Lays out @rules (VzScheduleRule *) in the week that starts on Monday
 * @first_day, and marks where each plays among them, in @tz. Inactive rules
 * are laid out too (they never play).
 */
VzWeekLayout *vz_week_layout_new    (GPtrArray        *rules,
                                     GTimeZone        *tz,
                                     gint32            first_day);
void          vz_week_layout_free   (VzWeekLayout     *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzWeekLayout, vz_week_layout_free)

G_END_DECLS
