/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-playlist.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * "Screens" for a playlist: every screen, searchable, with a check for
 * those that play it. Apply makes the ticked ones play it and the others
 * that played it play none, as one change (one toast, one Undo).
 */
#define VZ_TYPE_PLAYLIST_SCREENS_DIALOG (vz_playlist_screens_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VzPlaylistScreensDialog, vz_playlist_screens_dialog, VZ, PLAYLIST_SCREENS_DIALOG, AdwWindow)

VzPlaylistScreensDialog *vz_playlist_screens_dialog_new        (VzSyncEngine            *engine,
                                                                VzPlaylist              *playlist,
                                                                GtkWindow               *parent);
/* The screens, in the order shown (by name), before the search narrows them. */
GListModel              *vz_playlist_screens_dialog_get_choices (VzPlaylistScreensDialog *self);
GtkEditable             *vz_playlist_screens_dialog_get_search  (VzPlaylistScreensDialog *self);
GtkListView             *vz_playlist_screens_dialog_get_list    (VzPlaylistScreensDialog *self);

G_END_DECLS
