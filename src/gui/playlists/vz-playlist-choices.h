/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * What a person chooses from to give screens a playlist: "No playlist",
 * then the playlists of a store, as the model of a combo row (the screen's
 * pane, the Devices page's Assign Playlist…).
 */

/* "No playlist", then @playlists (a VzStore of VzPlaylist), following it
 * (transfer full). */
GListModel *vz_playlist_choices_new        (GListModel  *playlists);
/* @row shows each choice by its name. */
void        vz_playlist_choices_show_names (AdwComboRow *row);
/* The position of @playlist_id in @choices (NULL or "": "No playlist"), or
 * GTK_INVALID_LIST_POSITION when the store does not hold it. */
guint       vz_playlist_choices_find       (GListModel  *choices,
                                            const char  *playlist_id);
/* The id of the playlist at @position, NULL for "No playlist" or a
 * position past the end (transfer full). */
char       *vz_playlist_choices_dup_id     (GListModel  *choices,
                                            guint        position);

G_END_DECLS
