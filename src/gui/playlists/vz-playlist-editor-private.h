/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-content.h"
#include "vz-playlist-editor.h"

G_BEGIN_DECLS

struct _VzPlaylistEditor
{
  GtkWidget          parent_instance;

  VzSyncEngine      *engine;
  VzPlaylist        *playlist;
  GCancellable      *cancellable;
  GSignalGroup      *playlist_signals;
  char              *focus_item_id;   /* the row to focus once it is built anew */
  gboolean           updating;        /* widgets follow the playlist, not the user */

  /* dragging (vz-playlist-editor-dnd.c) */
  GtkWidget         *drop_row;        /* the row that shows the drop line */
  gboolean           drop_after;
  double             scroll_speed;    /* pixels per frame; 0: not scrolling */
  guint              scroll_tick_id;

  /* template children */
  GtkStack          *stack;
  GtkLabel          *name_label;
  GtkLabel          *details_label;
  GtkSwitch         *loop_switch;
  GtkScrolledWindow *scroller;
  GtkListBox        *list;
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

G_END_DECLS
