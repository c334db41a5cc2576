/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-playlist-editor.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLISTS_PAGE (vz_playlists_page_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistsPage, vz_playlists_page, VZ, PLAYLISTS_PAGE, GtkWidget)

/*
 * VzPlaylistsPage: the organization's playlists (name, items, total
 * duration, screens that play it) beside the editor of the chosen one; in
 * a narrow window the editor takes the whole page, with a Back button.
 *
 * Property: "sync-engine" (VzSyncEngine, nullable).
 * Widget actions: playlists.new (asks for a name), playlists.delete (the
 * chosen playlist, after a confirmation; undoable while it waits),
 * playlists.back.
 */
GtkWidget        *vz_playlists_page_new             (void);
void              vz_playlists_page_set_sync_engine (VzPlaylistsPage *self,
                                                     VzSyncEngine    *engine);
/* Opens @playlist_id in the editor (NULL: none). */
void              vz_playlists_page_select          (VzPlaylistsPage *self,
                                                     const char      *playlist_id);
/* For tests: the list of VzPlaylistRow and the editor. */
GtkListBox       *vz_playlists_page_get_list        (VzPlaylistsPage *self);
VzPlaylistEditor *vz_playlists_page_get_editor      (VzPlaylistsPage *self);

G_END_DECLS
