/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST_ITEM (vz_playlist_item_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylistItem, vz_playlist_item, VZ, PLAYLIST_ITEM, GObject)

/*
 * VzPlaylistItem: one entry of a playlist (`items[]` of GET /playlists:
 * {id, contentId, order, duration, content{id, name, type, thumbnail,
 * duration}}). Items live in their VzPlaylist's "items" model and are
 * updated in place when the playlist changes.
 *
 * Properties (read-only, notify on real change):
 *   "id"                  string: the item's id (a playlist may hold the
 *                         same content twice, as two items). An item added
 *                         here and not yet on the server has an id that
 *                         starts with "local:"
 *   "content-id"          string
 *   "position"            gint: the server's `order` (0-based), -1 when not said
 *   "duration"            gint: seconds set on the item, -1 when it plays for
 *                         the content's own duration
 *   "content-name", "content-type", "content-thumbnail"  strings, nullable
 *   "content-duration"    gint: the content's seconds, -1 when not said
 *   "effective-duration"  guint: what it plays for: the item's duration, else
 *                         the content's, else 10 seconds
 */
const char *vz_playlist_item_get_id                 (VzPlaylistItem *self);
const char *vz_playlist_item_get_content_id         (VzPlaylistItem *self);
gint        vz_playlist_item_get_position           (VzPlaylistItem *self);
gint        vz_playlist_item_get_duration           (VzPlaylistItem *self);
const char *vz_playlist_item_get_content_name       (VzPlaylistItem *self);
const char *vz_playlist_item_get_content_type       (VzPlaylistItem *self);
const char *vz_playlist_item_get_content_thumbnail  (VzPlaylistItem *self);
gint        vz_playlist_item_get_content_duration   (VzPlaylistItem *self);
guint       vz_playlist_item_get_effective_duration (VzPlaylistItem *self);

G_END_DECLS
