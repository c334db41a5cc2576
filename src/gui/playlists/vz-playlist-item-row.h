/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-playlist-item.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_ITEM_ROW (vz_playlist_item_row_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistItemRow, vz_playlist_item_row, VZ, PLAYLIST_ITEM_ROW, GtkListBoxRow)

/*
 * VzPlaylistItemRow: one item in the playlist editor: the content's type
 * icon, its name and the item's duration in a spin button, and a menu.
 * The row is a drag source of its VzPlaylistItem.
 *
 * Its verbs name the editor's actions (which the row finds among its
 * ancestors): row.move-up (Alt+Up), row.move-down (Alt+Down), row.move-top,
 * row.move-bottom and row.remove become editor.move-item (s item id,
 * u position) and editor.remove-item (s); a duration typed or stepped
 * becomes editor.set-duration (s, u seconds).
 *
 * Property: "item" (VzPlaylistItem, construct-only).
 */
GtkWidget      *vz_playlist_item_row_new      (VzPlaylistItem    *item);
VzPlaylistItem *vz_playlist_item_row_get_item (VzPlaylistItemRow *self);
GtkSpinButton  *vz_playlist_item_row_get_duration_button (VzPlaylistItemRow *self);

G_END_DECLS
