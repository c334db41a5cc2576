/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_NAME_DIALOG (vz_playlist_name_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistNameDialog, vz_playlist_name_dialog, VZ, PLAYLIST_NAME_DIALOG, AdwMessageDialog)

/*
 * VzPlaylistNameDialog: asks for the name of a new playlist, or a new
 * name for one. "create" is
 * offered once the name has a character other than white space; "cancel"
 * does nothing.
 *
 * Signal: "named" (const char *name): Create was chosen, with this name
 * (white space around it taken off).
 */
VzPlaylistNameDialog *vz_playlist_name_dialog_new      (GtkWindow            *parent);
/* The same for a playlist called @name: it starts with that name, and
 * "create" reads Rename. */
VzPlaylistNameDialog *vz_playlist_name_dialog_new_for_rename (GtkWindow        *parent,
                                                              const char       *name);
GtkEditable          *vz_playlist_name_dialog_get_name (VzPlaylistNameDialog *self);

G_END_DECLS
