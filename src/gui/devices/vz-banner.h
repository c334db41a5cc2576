/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VZ_TYPE_BANNER (vz_banner_get_type ())
G_DECLARE_FINAL_TYPE (VzBanner, vz_banner, VZ, BANNER, GtkWidget)

/*
 * VzBanner: a strip across the top of a page that slides in to say
 * something about the whole page ("Cannot reach the server…"), with an
 * optional button that runs an action. The sentence is the whole
 * message, so it never relies on colour or an icon alone.
 *
 * Properties: "title" (string), "button-label" (string, nullable: no
 * button), "action-name" (the button's action), "revealed" (gboolean),
 * "warning" (gboolean: warning colours instead of the accent's), "wrap"
 * (gboolean, TRUE: the sentence wraps; FALSE: one line, ellipsized).
 */
GtkWidget  *vz_banner_new              (void);
const char *vz_banner_get_title        (VzBanner   *self);
void        vz_banner_set_title        (VzBanner   *self,
                                        const char *title);
void        vz_banner_set_button_label (VzBanner   *self,
                                        const char *label);
gboolean    vz_banner_get_revealed     (VzBanner   *self);
void        vz_banner_set_revealed     (VzBanner   *self,
                                        gboolean    revealed);

G_END_DECLS
