/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-playlist-item.h"
#include "vz-popover-button.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_ITEM_ROW (vz_playlist_item_row_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistItemRow, vz_playlist_item_row, VZ, PLAYLIST_ITEM_ROW, GtkWidget)

/*
 * VzPlaylistItemRow: one item in the playlist editor's list view: the
 * content's thumbnail (its type icon until the thumbnail is read, or
 * without one), its name, the item's duration on a button that opens a
 * spin button to change it, and a menu. The list view's factory (vz-playlist-item.ui) binds the
 * list item's "item" and "position" to it, so one row shows item after
 * item while the list scrolls. The row is a drag source of its item.
 *
 * Its verbs name the editor's actions (which the row finds among its
 * ancestors): row.move-up (Alt+Up), row.move-down (Alt+Down), row.move-top,
 * row.move-bottom and row.remove become editor.move-item (s item id,
 * u position) and editor.remove-item (s); a duration typed or stepped
 * becomes editor.set-duration (s, u seconds).
 *
 * Properties: "item" (VzPlaylistItem, nullable), "position" (guint: the
 * item's place in the list).
 */
GtkWidget      *vz_playlist_item_row_new      (void);
VzPlaylistItem *vz_playlist_item_row_get_item (VzPlaylistItemRow *self);
void            vz_playlist_item_row_set_item (VzPlaylistItemRow *self,
                                               VzPlaylistItem    *item);
guint           vz_playlist_item_row_get_position (VzPlaylistItemRow *self);
void            vz_playlist_item_row_set_position (VzPlaylistItemRow *self,
                                                   guint              position);
VzPopoverButton *vz_playlist_item_row_get_duration_button (VzPlaylistItemRow *self);
VzPopoverButton *vz_playlist_item_row_get_menu_button     (VzPlaylistItemRow *self);
GtkSpinButton  *vz_playlist_item_row_get_duration_editor (VzPlaylistItemRow *self);
gboolean        vz_playlist_item_row_shows_thumbnail     (VzPlaylistItemRow *self);

G_END_DECLS
