/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-content.h"
#include "vz-content-thumbnails.h"
#include "vz-playlist-editor.h"

G_BEGIN_DECLS

struct _VzPlaylistEditor
{
  GtkWidget          parent_instance;

  VzSyncEngine      *engine;
  VzPlaylist        *playlist;
  GCancellable      *cancellable;
  GSignalGroup      *playlist_signals;
  GSignalGroup      *items_signals;
  char              *focus_item_id;   /* the item whose row takes the focus once it shows */
  guint              focus_position;  /* where that item went */
  guint              focus_tries;
  guint              focus_tick_id;
  gboolean           updating;        /* widgets follow the playlist, not the user */

  /* the rows' thumbnails (vz-playlist-editor-thumbnails.c) */
  VzContentThumbnails *thumbnails;
  GHashTable        *textures;        /* url → GdkTexture */

  /* dragging (vz-playlist-editor-dnd.c) */
  GtkWidget         *drop_row;        /* the list row that shows the drop line */
  gboolean           drop_after;
  guint              drop_position;   /* where a drop now would put the item */
  double             drop_x;          /* the pointer, in the list's coordinates */
  double             drop_y;
  double             scroll_speed;    /* pixels per frame; 0: not scrolling */
  guint              scroll_tick_id;
  GdkFrameClock     *layout_clock;    /* while scrolling: the line is placed after its layout */
  gulong             layout_handler;

  /* template children */
  GtkStack          *stack;
  GtkLabel          *name_label;
  GtkLabel          *details_label;
  GtkSwitch         *loop_switch;
  GtkScrolledWindow *scroller;
  GtkListView       *list;
  GtkNoSelection    *selection;
  GtkLabel          *empty_label;
};

/* The drop target on the item list and the auto-scroll (vz-playlist-editor-dnd.c). */
void _vz_playlist_editor_init_dnd   (VzPlaylistEditor *self);
void _vz_playlist_editor_stop_dnd   (VzPlaylistEditor *self);
/* Moves @item_id to @position through the engine, focusing its row after. */
void _vz_playlist_editor_move_item  (VzPlaylistEditor *self,
                                     const char       *item_id,
                                     guint             position);

/* Adds @content to the playlist at @position (G_MAXUINT: last). */
void _vz_playlist_editor_add_content (VzPlaylistEditor *self,
                                      VzContent        *content,
                                      guint             position);

/* The rows' thumbnails (vz-playlist-editor-thumbnails.c): read through
 * @session's API client, decoded off the main thread, kept as textures. */
void        _vz_playlist_editor_set_thumbnails        (VzPlaylistEditor    *self,
                                                       VzSession           *session);
void        _vz_playlist_editor_clear_thumbnails      (VzPlaylistEditor    *self);
/* (transfer none) (nullable): a thumbnail already read. */
GdkTexture *_vz_playlist_editor_lookup_thumbnail      (VzPlaylistEditor    *self,
                                                       const char          *url);
void        _vz_playlist_editor_load_thumbnail_async  (VzPlaylistEditor    *self,
                                                       const char          *url,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GdkTexture *_vz_playlist_editor_load_thumbnail_finish (VzPlaylistEditor    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
