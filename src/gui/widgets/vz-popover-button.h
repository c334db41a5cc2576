/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VZ_TYPE_POPOVER_BUTTON (vz_popover_button_get_type ())
G_DECLARE_FINAL_TYPE (VzPopoverButton, vz_popover_button, VZ, POPOVER_BUTTON, GtkButton)

/*
 * VzPopoverButton: a button that opens a popover, for rows a list view has
 * hundreds of. It is one widget: it draws its short text or its symbolic
 * icon itself (a GtkMenuButton is three: the menu button, its toggle button
 * and the child), and its popover is made by a function the first time it
 * opens. It opens on a click and on Space or Enter (GtkButton's "clicked"),
 * shows as checked while the popover is up, and gives the focus back to
 * itself when the popover closes with the focus inside. Its CSS name is
 * vz-popover-button, with the look of Adwaita's flat button (style.css;
 * the class image-button: an icon's narrower padding).
 *
 * Properties: "text" (string, nullable), "icon-name" (string, nullable: a
 * symbolic icon, shown when there is no text), "width-chars" (int: the text's
 * width in digits, so another text does not change the button's size; -1:
 * the text's own).
 */

/* Returns: (transfer full): the popover for @button, not parented yet. */
typedef GtkPopover *(*VzPopoverButtonCreateFunc) (VzPopoverButton *button,
                                                  gpointer         user_data);

GtkWidget  *vz_popover_button_new             (void);
const char *vz_popover_button_get_text        (VzPopoverButton           *self);
void        vz_popover_button_set_text        (VzPopoverButton           *self,
                                               const char                *text);
const char *vz_popover_button_get_icon_name   (VzPopoverButton           *self);
void        vz_popover_button_set_icon_name   (VzPopoverButton           *self,
                                               const char                *icon_name);
int         vz_popover_button_get_width_chars (VzPopoverButton           *self);
void        vz_popover_button_set_width_chars (VzPopoverButton           *self,
                                               int                        width_chars);
void        vz_popover_button_set_create_func (VzPopoverButton           *self,
                                               VzPopoverButtonCreateFunc  func,
                                               gpointer                   user_data);
GtkPopover *vz_popover_button_get_popover     (VzPopoverButton           *self);
void        vz_popover_button_popup           (VzPopoverButton           *self);
void        vz_popover_button_popdown         (VzPopoverButton           *self);

G_END_DECLS
