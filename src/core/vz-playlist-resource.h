/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-playlist.h"
#include "vz-resource.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Playlists as a kind of record (kind "playlist", GET /playlists), and the
 * calls the pages make for them. Renaming, the description and "loop" are
 * fields (vz_sync_engine_update_async() with {"name"}, {"description"},
 * {"loop": true}); deleting is vz_sync_engine_delete_async(). The item
 * changes below are edits (vz_sync_engine_edit_async()): each is shown at
 * once, queued in the outbox while offline, one entry in undo, and merged
 * with a colleague's newer version of the playlist (`playlist:updated` from
 * the local server; a re-read against the Vizora platform): their order,
 * then our pending moves on top.
 *
 * Every finish returns TRUE once the change is durably queued (see
 * vz_sync_engine_update_async() for the signals that follow).
 */
extern const VzResource vz_playlist_resource;

#define VZ_RESOURCE_PLAYLIST "playlist"

/* Edits of a playlist's items (VzResourceEdit names). */
#define VZ_PLAYLIST_EDIT_REORDER       "reorder"
#define VZ_PLAYLIST_EDIT_ADD_ITEM      "add-item"
#define VZ_PLAYLIST_EDIT_REMOVE_ITEM   "remove-item"
#define VZ_PLAYLIST_EDIT_ITEM_DURATION "item-duration"

/* How the id of an item added here starts until the server names it. */
#define VZ_PLAYLIST_LOCAL_ITEM_PREFIX "local:"

/* The playlists (a VzStore of VzPlaylist; transfer none). */
VzStore    *vz_sync_engine_get_playlists                (VzSyncEngine        *self);

/* The whole new order, every item exactly once (POST /playlists/:id/reorder). */
void        vz_sync_engine_reorder_playlist_async       (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char * const  *item_ids,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* One item to @position (0-based, in the order shown; past the end: last),
 * as a drag and drop or Alt+Up/Down does it. The same request as above. */
void        vz_sync_engine_move_playlist_item_async     (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char          *item_id,
                                                         guint                position,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* Appends @content_id; @duration in seconds, 0: the content's own. The
 * item shows at once with an id starting with "local:", and takes the
 * server's id once the server made it. */
void        vz_sync_engine_add_playlist_item_async      (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char          *content_id,
                                                         guint                duration,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* The same at @position (0-based, in the order shown; past the end: last),
 * as content dropped between two items does it: one change, one entry in
 * undo (vz_sync_engine_edit_steps_async(): added, then moved there). */
void        vz_sync_engine_add_playlist_item_at_async   (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char          *content_id,
                                                         guint                duration,
                                                         guint                position,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
void        vz_sync_engine_remove_playlist_item_async   (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char          *item_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* 1–86400 seconds. */
void        vz_sync_engine_set_playlist_item_duration_async (VzSyncEngine    *self,
                                                         const char          *playlist_id,
                                                         const char          *item_id,
                                                         guint                seconds,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* Finishes any of the six above. */
gboolean    vz_sync_engine_playlist_edit_finish         (VzSyncEngine        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Makes @playlist_id (NULL: none) the playlist of each screen
 * (currentPlaylistId): one change per screen, one undo entry. */
void        vz_sync_engine_assign_playlist_async        (VzSyncEngine        *self,
                                                         const char * const  *display_ids,
                                                         const char          *playlist_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean    vz_sync_engine_assign_playlist_finish       (VzSyncEngine        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Makes @display_ids (NULL-terminated; NULL or empty: none) the screens
 * that play @playlist_id: each of them that plays another playlist or none
 * gets it, each other screen that plays it gets none. One change per
 * screen whose playlist changes, one undo entry; nothing when none does. */
void        vz_sync_engine_set_playlist_screens_async   (VzSyncEngine        *self,
                                                         const char          *playlist_id,
                                                         const char * const  *display_ids,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean    vz_sync_engine_set_playlist_screens_finish  (VzSyncEngine        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* POST /playlists {name}: a direct request (the server gives the id);
 * finish returns the new playlist (transfer full). */
void        vz_sync_engine_create_playlist_async        (VzSyncEngine        *self,
                                                         const char          *name,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
VzPlaylist *vz_sync_engine_create_playlist_finish       (VzSyncEngine        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
