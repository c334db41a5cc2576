/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-entity.h"
#include "vz-playlist-item.h"

G_BEGIN_DECLS

#define VZ_TYPE_PLAYLIST (vz_playlist_get_type ())
G_DECLARE_FINAL_TYPE (VzPlaylist, vz_playlist, VZ, PLAYLIST, VzEntity)

/*
 * VzPlaylist: a playlist with its items (GET /playlists; vizora-api.md,
 * "Playlists").
 *
 * "items" is one GListModel of VzPlaylistItem for the playlist's whole life:
 * an update keeps the item objects whose id stays, changes them in place,
 * and reports an item moved from one place to another as one removal and
 * one insertion (rows and their state stay put; a reorder of 2,000 items
 * does not rebuild 2,000 rows).
 *
 * Properties (read-only, notify on real change):
 *   "id", "updated-at"  (VzEntity)
 *   "name", "description" (nullable) strings
 *   "loop"              gboolean: starts over after the last item
 *   "is-default"        gboolean
 *   "created-at"        string, nullable
 *   "items"             GListModel of VzPlaylistItem (never NULL)
 *   "item-count"        guint: the items, or the server's itemCount when the
 *                       record came without its items
 *   "total-duration"    guint seconds: the items' effective durations summed
 *                       (or the server's totalDuration without items)
 *   "schedule-count"    guint: schedules that play it (`_count.schedules`)
 *   "screen-count"      guint: screens whose own playlist it is
 *                       (currentPlaylistId), counted by the sync engine from
 *                       the screens it knows
 */
const char     *vz_playlist_get_name           (VzPlaylist *self);
const char     *vz_playlist_get_description    (VzPlaylist *self);
gboolean        vz_playlist_get_loop           (VzPlaylist *self);
gboolean        vz_playlist_get_is_default     (VzPlaylist *self);
const char     *vz_playlist_get_created_at     (VzPlaylist *self);
GListModel     *vz_playlist_get_items          (VzPlaylist *self);
guint           vz_playlist_get_item_count     (VzPlaylist *self);
guint           vz_playlist_get_total_duration (VzPlaylist *self);
guint           vz_playlist_get_schedule_count (VzPlaylist *self);
guint           vz_playlist_get_screen_count   (VzPlaylist *self);
/* The item with @item_id, or NULL (transfer none). */
VzPlaylistItem *vz_playlist_find_item          (VzPlaylist *self,
                                                const char *item_id,
                                                guint      *position);
/* The items' ids in order (transfer full, NULL-terminated). */
GStrv           vz_playlist_dup_item_ids       (VzPlaylist *self);

/* Set by the sync engine (vz-playlist-resource.c). */
void            vz_playlist_set_screen_count   (VzPlaylist *self,
                                                guint       count);

G_END_DECLS
