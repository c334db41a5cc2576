/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "vz-playlist-item.h"

G_BEGIN_DECLS

/* Seconds an item plays for when neither it nor its content says. */
#define VZ_PLAYLIST_DEFAULT_SECONDS 10

/* A new item from one member of `items[]`, or NULL with the reason. */
VzPlaylistItem *_vz_playlist_item_new_from_json (JsonObject     *obj,
                                                 GError        **error);
/* Takes @from's values (same id), notifying what changed. */
void            _vz_playlist_item_assign        (VzPlaylistItem *self,
                                                 VzPlaylistItem *from);
/* Appends the item as the server lists it. */
void            _vz_playlist_item_to_json       (VzPlaylistItem *self,
                                                 const char     *playlist_id,
                                                 GString        *out);

G_END_DECLS
