/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-editor"

#include "config.h"

#include "vz-content.h"
#include "vz-playlist-editor-private.h"
#include "vz-playlist-item-row.h"

/*
 * Reordering by drag and drop. Each item row is a drag source of its
 * VzPlaylistItem (vz-playlist-item-row.c); the list is the drop target.
 * While an item is over the list, the row under the pointer shows a line
 * above or below it (the half of the row the pointer is in), and near the
 * top or bottom edge of the visible part the list scrolls, faster the
 * closer the pointer is to the edge. The drop is one move through the
 * engine, to the place the line showed.
 *
 * The list takes content too (a VzContent, as the Content page's cells
 * offer it): it is added to the playlist at the place the line showed.
 */

/* How close to an edge (pixels) the list starts scrolling, and how fast at
 * most (pixels per frame). */
#define EDGE_SIZE 48.0
#define MAX_SPEED 18.0

static void
clear_drop_line (VzPlaylistEditor *self)
{
  if (self->drop_row == NULL)
    return;
  gtk_widget_remove_css_class (self->drop_row, "vz-drop-before");
  gtk_widget_remove_css_class (self->drop_row, "vz-drop-after");
  g_clear_object (&self->drop_row);
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + self->scroll_speed);
  return G_SOURCE_CONTINUE;
}

static void
stop_scrolling (VzPlaylistEditor *self)
{
  self->scroll_speed = 0;
  if (self->scroll_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
      self->scroll_tick_id = 0;
    }
}

/* @y: the pointer in the scrolled window's coordinates. */
static void
follow_edges (VzPlaylistEditor *self,
              double            y)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self->scroller));

  if (y < EDGE_SIZE)
    self->scroll_speed = -MAX_SPEED * (EDGE_SIZE - MAX (y, 0)) / EDGE_SIZE;
  else if (y > height - EDGE_SIZE)
    self->scroll_speed = MAX_SPEED * (y - (height - EDGE_SIZE)) / EDGE_SIZE;
  else
    self->scroll_speed = 0;

  if (self->scroll_speed == 0)
    stop_scrolling (self);
  else if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick, NULL, NULL);
}

static gboolean
drop_holds_content (GtkDropTarget *target)
{
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);

  return drop != NULL && gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), VZ_TYPE_CONTENT);
}

static GdkDragAction
on_motion (GtkDropTarget    *target,
           double            x,
           double            y,
           VzPlaylistEditor *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (self->list, (int) y);
  graphene_point_t in_list = GRAPHENE_POINT_INIT ((float) x, (float) y);
  graphene_point_t in_scroller;
  graphene_rect_t bounds;
  gboolean after = FALSE;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (gtk_widget_compute_point (GTK_WIDGET (self->list), GTK_WIDGET (self->scroller), &in_list, &in_scroller))
    follow_edges (self, in_scroller.y);

  if (row == NULL)
    {
      /* Below the last row: after it. */
      int n = 0;

      while (gtk_list_box_get_row_at_index (self->list, n) != NULL)
        n++;
      row = n > 0 ? gtk_list_box_get_row_at_index (self->list, n - 1) : NULL;
      after = TRUE;
    }
  else if (gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self->list), &bounds))
    after = y > bounds.origin.y + bounds.size.height / 2;

  if (GTK_WIDGET (row) != self->drop_row || after != self->drop_after)
    {
      clear_drop_line (self);
      if (row != NULL)
        {
          self->drop_row = g_object_ref (GTK_WIDGET (row));
          self->drop_after = after;
          gtk_widget_add_css_class (self->drop_row, after ? "vz-drop-after" : "vz-drop-before");
        }
    }
  /* Content is copied in, anywhere (an empty playlist too); an item moves
   * to a place between rows. */
  if (drop_holds_content (target))
    return self->playlist != NULL ? GDK_ACTION_COPY : 0;
  return row != NULL ? GDK_ACTION_MOVE : 0;
}

static void
on_leave (GtkDropTarget    *target,
          VzPlaylistEditor *self)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  clear_drop_line (self);
  stop_scrolling (self);
}

static gboolean
on_drop (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         VzPlaylistEditor *self)
{
  VzPlaylistItem *item;
  guint from = 0;
  int index;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  /* The line shows where it goes: take it as shown. */
  on_motion (target, x, y, self);
  stop_scrolling (self);
  if (self->playlist != NULL && G_VALUE_HOLDS (value, VZ_TYPE_CONTENT) && g_value_get_object (value) != NULL)
    {
      /* No line: the playlist is empty. */
      index = self->drop_row != NULL
              ? gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->drop_row)) + (self->drop_after ? 1 : 0) : 0;
      clear_drop_line (self);
      _vz_playlist_editor_add_content (self, g_value_get_object (value), (guint) index);
      return TRUE;
    }
  if (self->drop_row == NULL || self->playlist == NULL || !G_VALUE_HOLDS (value, VZ_TYPE_PLAYLIST_ITEM))
    {
      clear_drop_line (self);
      return FALSE;
    }
  item = g_value_get_object (value);
  index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->drop_row)) + (self->drop_after ? 1 : 0);
  clear_drop_line (self);
  /* An item of another playlist (another window) is not moved here. */
  if (item == NULL || vz_playlist_find_item (self->playlist, vz_playlist_item_get_id (item), &from) != item)
    return FALSE;
  /* The line is between rows; the item leaves its own place first. */
  if ((guint) index > from)
    index--;
  if ((guint) index != from)
    _vz_playlist_editor_move_item (self, vz_playlist_item_get_id (item), (guint) index);
  return TRUE;
}

void
_vz_playlist_editor_init_dnd (VzPlaylistEditor *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  GType types[] = { VZ_TYPE_PLAYLIST_ITEM, VZ_TYPE_CONTENT };

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));

  g_signal_connect_object (target, "motion", G_CALLBACK (on_motion), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (on_leave), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->list), GTK_EVENT_CONTROLLER (target));
}

void
_vz_playlist_editor_stop_dnd (VzPlaylistEditor *self)
{
  clear_drop_line (self);
  stop_scrolling (self);
}
