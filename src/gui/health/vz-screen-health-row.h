/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-display-health.h"

G_BEGIN_DECLS

#define VZ_TYPE_SCREEN_HEALTH_ROW (vz_screen_health_row_get_type ())
G_DECLARE_FINAL_TYPE (VzScreenHealthRow, vz_screen_health_row, VZ, SCREEN_HEALTH_ROW, GtkListBoxRow)

/*
 * VzScreenHealthRow: a screen's health score (0–100), its level as an icon
 * and a word, and the reason in words, as the page judged it (it knows the
 * screen's open alerts); when the screen's figures change the row asks for
 * a new judgement with the action health.refresh. Activating it opens the
 * screen's charts (the page's concern).
 */
GtkWidget *vz_screen_health_row_new         (VzDisplay         *display);
void       vz_screen_health_row_show        (VzScreenHealthRow *self,
                                             const VzDisplayHealth *health);
VzDisplay *vz_screen_health_row_get_display (VzScreenHealthRow *self);

/* The icon that says a health level (with its word, never colour alone). */
const char *vz_health_level_icon_name       (int                level);

G_END_DECLS
