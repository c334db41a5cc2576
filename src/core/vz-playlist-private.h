/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "vz-playlist.h"
#include "vz-playlist-item.h"

G_BEGIN_DECLS

/* Seconds an item plays for when neither it nor its content says. */
#define VZ_PLAYLIST_DEFAULT_SECONDS 10

/* A new item from one member of `items[]`, or NULL with the reason. */
VzPlaylistItem *_vz_playlist_item_new_from_json (JsonObject     *obj,
                                                 GError        **error);
/* @obj (one member of `items[]`) read as an item would be this item as it
 * is: same id, same values. */
gboolean        _vz_playlist_item_matches_json  (VzPlaylistItem *self,
                                                 JsonObject     *obj);
/* Takes @from's values (same id), notifying what changed. */
void            _vz_playlist_item_assign        (VzPlaylistItem *self,
                                                 VzPlaylistItem *from);
/* Appends the item as the server lists it. */
void            _vz_playlist_item_to_json       (VzPlaylistItem *self,
                                                 const char     *playlist_id,
                                                 GString        *out);

/* The item's own seconds (-1: none), notifying what changed. */
void            _vz_playlist_item_set_duration  (VzPlaylistItem *self,
                                                 gint64          duration);
/* Numbers the item by its place (the server's `order`). */
void            _vz_playlist_item_set_position  (VzPlaylistItem *self,
                                                 gint64          position);

/*
 * A playlist's items changed in place, without the JSON round trip of
 * update_from_json() (a reorder of 2,000 items must show within a frame).
 * Each keeps "item-count" and "total-duration" true.
 */
/* @moves as vz_playlist_moves_apply() does them, each one removal and one
 * insertion in the items model. */
void            _vz_playlist_apply_moves        (VzPlaylist     *self,
                                                 JsonArray      *moves);
/* Puts the item @obj describes (as the server lists one) at @index
 * (clamped), unless its id is there already. */
void            _vz_playlist_insert_item        (VzPlaylist     *self,
                                                 JsonObject     *obj,
                                                 gint64          index);
void            _vz_playlist_remove_item        (VzPlaylist     *self,
                                                 const char     *item_id);
void            _vz_playlist_set_item_duration  (VzPlaylist     *self,
                                                 const char     *item_id,
                                                 gint64          duration);

/*
 * Content deleted and made again (the content kind's VzResourceRestore,
 * vz-playlist-resource.c): where @playlist played @content_id, as
 * [{"index": n, "duration": seconds it played for}] (transfer full; NULL:
 * nowhere), and the
 * edits that put it back there as @new_id ([{"edit", "changes",
 * "previous"}], transfer full).
 */
JsonNode       *_vz_playlist_held_content       (VzEntity       *playlist,
                                                 const char     *content_id);
JsonArray      *_vz_playlist_hold_content_again (VzEntity       *playlist,
                                                 JsonNode       *held,
                                                 const char     *new_id,
                                                 JsonObject     *content);

G_END_DECLS
