/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-screen-choice.h"

G_BEGIN_DECLS

/* A row of the screens list: a check button with the screen's name and the
 * line under it, its check bound both ways to the choice's "chosen". */
#define VZ_TYPE_SCREEN_CHOICE_ROW (vz_screen_choice_row_get_type ())

G_DECLARE_FINAL_TYPE (VzScreenChoiceRow, vz_screen_choice_row, VZ, SCREEN_CHOICE_ROW, GtkWidget)

VzScreenChoice *vz_screen_choice_row_get_choice (VzScreenChoiceRow *self);
void            vz_screen_choice_row_set_choice (VzScreenChoiceRow *self,
                                                 VzScreenChoice    *choice);
GtkCheckButton *vz_screen_choice_row_get_check  (VzScreenChoiceRow *self);

G_END_DECLS
