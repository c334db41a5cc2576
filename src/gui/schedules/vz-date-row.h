/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_DATE_ROW (vz_date_row_get_type ())
G_DECLARE_FINAL_TYPE (VzDateRow, vz_date_row, VZ, DATE_ROW, AdwActionRow)

/*
 * VzDateRow: a row that holds a day, chosen in a calendar. Its suffix is a
 * menu button showing the day in the locale's own way ("%x"); it opens a
 * popover with a GtkCalendar and, when "none-label" is set, a check button
 * of that name ("No end date") for no day at all. Keyboard: Enter or Space
 * on the row opens it; in the calendar the arrows move the day, Enter
 * closes it, Escape too.
 *
 * Properties: "date" (string "YYYY-MM-DD" or NULL: none), "none-label"
 * (string, nullable: the row always holds a day).
 */

GtkWidget      *vz_date_row_new            (void);
/* "YYYY-MM-DD", or NULL when the row holds none. */
const char     *vz_date_row_get_date       (VzDateRow  *self);
/* @date: "YYYY-MM-DD", or NULL (only with a "none-label"). Anything else
 * is refused. */
void            vz_date_row_set_date       (VzDateRow  *self,
                                            const char *date);
const char     *vz_date_row_get_none_label (VzDateRow  *self);
void            vz_date_row_set_none_label (VzDateRow  *self,
                                            const char *label);

/* For tests: the menu button, the calendar, the "none" check button. */
GtkMenuButton  *vz_date_row_get_button     (VzDateRow  *self);
GtkCalendar    *vz_date_row_get_calendar   (VzDateRow  *self);
GtkCheckButton *vz_date_row_get_none_check (VzDateRow  *self);

G_END_DECLS
