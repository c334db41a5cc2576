/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * One screen in the list of screens a playlist can play on: its id, the
 * name and the line under it the list shows, and whether it is chosen
 * ("chosen", the one property that changes).
 */
#define VZ_TYPE_SCREEN_CHOICE (vz_screen_choice_get_type ())

G_DECLARE_FINAL_TYPE (VzScreenChoice, vz_screen_choice, VZ, SCREEN_CHOICE, GObject)

VzScreenChoice *vz_screen_choice_new         (const char     *id,
                                              const char     *name,
                                              const char     *detail,
                                              gboolean        chosen);
const char     *vz_screen_choice_get_id      (VzScreenChoice *self);
const char     *vz_screen_choice_get_name    (VzScreenChoice *self);
const char     *vz_screen_choice_get_detail  (VzScreenChoice *self);
gboolean        vz_screen_choice_get_chosen  (VzScreenChoice *self);
void            vz_screen_choice_set_chosen  (VzScreenChoice *self,
                                              gboolean        chosen);

G_END_DECLS
