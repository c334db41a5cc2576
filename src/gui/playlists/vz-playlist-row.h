/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-playlist.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_ROW (vz_playlist_row_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistRow, vz_playlist_row, VZ, PLAYLIST_ROW, GtkListBoxRow)

/*
 * VzPlaylistRow: one playlist in the Playlists page's list: its name and
 * "3 items · 1:30 · 2 screens", following the playlist as it changes.
 *
 * Property: "playlist" (VzPlaylist, construct-only).
 */
GtkWidget  *vz_playlist_row_new          (VzPlaylist    *playlist);
VzPlaylist *vz_playlist_row_get_playlist (VzPlaylistRow *self);
/* What the row's second line says (for tests, as a person reads it). */
const char *vz_playlist_row_get_details  (VzPlaylistRow *self);

G_END_DECLS
