/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VZ_TYPE_SCHEDULE_BLOCK (vz_schedule_block_get_type ())
G_DECLARE_FINAL_TYPE (VzScheduleBlock, vz_schedule_block, VZ, SCHEDULE_BLOCK, GtkWidget)

/*
 * VzScheduleBlock: one piece of a schedule in the week view, drawn as a
 * box in its playlist's colour with the schedule's and the playlist's names
 * written in it (the colour is never the only sign), a bold border and
 * "Plays" where it is the schedule that plays, and dimmed when the
 * schedule is off. Focusable; Enter, Space or a click activate it (the
 * week view opens the schedule then). Its accessible label says all of it
 * in words.
 *
 * Signal: "activate".
 */

typedef enum {
  VZ_BLOCK_LOSES,     /* another schedule plays all of its time */
  VZ_BLOCK_WINS,      /* it plays all of its time */
  VZ_BLOCK_WINS_PART, /* it plays some of its time */
  VZ_BLOCK_OFF,       /* the schedule is not active */
} VzBlockState;

GtkWidget   *vz_schedule_block_new         (void);
/* @title: the schedule's name; @subtitle: the playlist's name; @when:
 * "08:00–12:00"; @note: "Plays", "Plays 10:00–12:00"… (nullable); @label:
 * all of it for the accessible label. @won_from/@won_to: the part that
 * plays, as fractions of the block's height. */
void         vz_schedule_block_set         (VzScheduleBlock *self,
                                            const char      *schedule_id,
                                            const char      *title,
                                            const char      *subtitle,
                                            const char      *when,
                                            const char      *note,
                                            const char      *label,
                                            guint            colour,
                                            VzBlockState     state,
                                            double           won_from,
                                            double           won_to);
const char  *vz_schedule_block_get_schedule_id (VzScheduleBlock *self);
/* What the accessible label says. */
const char  *vz_schedule_block_get_label   (VzScheduleBlock *self);
VzBlockState vz_schedule_block_get_state   (VzScheduleBlock *self);
/* The fill of @colour (an index into the week view's palette). */
void         vz_schedule_block_colour      (guint            colour,
                                            GdkRGBA         *fill);

G_END_DECLS
