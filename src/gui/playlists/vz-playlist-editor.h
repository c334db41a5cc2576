/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-playlist.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_EDITOR (vz_playlist_editor_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistEditor, vz_playlist_editor, VZ, PLAYLIST_EDITOR, GtkWidget)

/*
 * VzPlaylistEditor: one playlist's items, in order, with their durations;
 * reordered by dragging a row (a line shows where it lands; the list scrolls
 * when the pointer nears its top or bottom edge) or from the keyboard
 * (Alt+Up/Down, Move to Top/Bottom in the row's menu); content added from a
 * searchable picker; the loop switch. Every change goes through the sync
 * engine: shown at once, queued, undoable.
 *
 * Properties: "sync-engine" (VzSyncEngine, nullable), "playlist"
 * (VzPlaylist, nullable: nothing to edit).
 * Widget actions: editor.add-content, editor.move-item (s item id,
 * u position), editor.remove-item (s), editor.set-duration (s, u seconds).
 */
GtkWidget    *vz_playlist_editor_new             (void);
void          vz_playlist_editor_set_sync_engine (VzPlaylistEditor *self,
                                                  VzSyncEngine     *engine);
VzPlaylist   *vz_playlist_editor_get_playlist    (VzPlaylistEditor *self);
void          vz_playlist_editor_set_playlist    (VzPlaylistEditor *self,
                                                  VzPlaylist       *playlist);
/* The list view of the items (its rows are VzPlaylistItemRow), for tests. */
GtkListView  *vz_playlist_editor_get_list        (VzPlaylistEditor *self);
/* The row that shows the item at @position now, or NULL when it is out of
 * sight (the list view makes rows only for what shows), for tests. */
GtkWidget    *vz_playlist_editor_get_row         (VzPlaylistEditor *self,
                                                  guint             position);

G_END_DECLS
