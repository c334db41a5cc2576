/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-editor"

#include "config.h"

#include "vz-content.h"
#include "vz-playlist-editor-private.h"
#include "vz-playlist-item-row.h"

/*
 * Reordering by drag and drop. Each item row is a drag source of its
 * VzPlaylistItem (vz-playlist-item-row.c); the list view is the drop
 * target. While an item is over the list, the list row under the pointer
 * shows a line above or below it (the half of the row the pointer is in),
 * and near the top or bottom edge of the visible part the list scrolls,
 * faster the closer the pointer is to the edge; the line follows the rows
 * that scroll under the pointer. The drop is one move through the engine,
 * to the place the line showed.
 *
 * The list view makes rows only for the items in sight and gives a row
 * the next item as it scrolls, so the place is kept as a position in the
 * list (drop_position), never as a row.
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

/* The line on @row (a list row: our row's parent), above or below it. */
static void
show_drop_line (VzPlaylistEditor *self,
                GtkWidget        *row,
                gboolean          after)
{
  if (row == self->drop_row && after == self->drop_after)
    return;
  clear_drop_line (self);
  if (row == NULL)
    return;
  self->drop_row = g_object_ref (row);
  self->drop_after = after;
  gtk_widget_add_css_class (row, after ? "vz-drop-after" : "vz-drop-before");
}

/* The row whose allocation holds @y (the list's coordinates), out of
 * sight too: the list keeps rows beyond what shows. */
static GtkWidget *
row_at_y (VzPlaylistEditor *self,
          double            y)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;

      if (row != NULL && VZ_IS_PLAYLIST_ITEM_ROW (row) && gtk_widget_get_child_visible (child) &&
          vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row)) != NULL &&
          gtk_widget_compute_bounds (child, GTK_WIDGET (self->list), &bounds) &&
          y >= bounds.origin.y && y < bounds.origin.y + bounds.size.height)
        return row;
    }
  return NULL;
}

/* Where an item dropped at the pointer's @x, @y (the list's coordinates)
 * goes, and the line that shows it. */
static void
update_drop_place (VzPlaylistEditor *self,
                   double            x,
                   double            y)
{
  GtkWidget *row = row_at_y (self, y);
  guint n = self->playlist != NULL ? vz_playlist_get_item_count (self->playlist) : 0;
  graphene_rect_t bounds;
  gboolean after = FALSE;

  self->drop_x = x;
  self->drop_y = y;
  if (row != NULL && vz_playlist_item_row_get_position (VZ_PLAYLIST_ITEM_ROW (row)) < n &&
      gtk_widget_compute_bounds (row, GTK_WIDGET (self->list), &bounds))
    {
      after = y > bounds.origin.y + bounds.size.height / 2;
      self->drop_position = vz_playlist_item_row_get_position (VZ_PLAYLIST_ITEM_ROW (row)) + (after ? 1 : 0);
    }
  else
    {
      /* Below the last row (or an empty list): after the last item. */
      row = n > 0 ? vz_playlist_editor_get_row (self, n - 1) : NULL;
      after = TRUE;
      self->drop_position = n;
    }
  show_drop_line (self, row != NULL ? gtk_widget_get_parent (row) : NULL, after);
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

/* Other rows are under the pointer once the list scrolled, which stays
 * still. After the frame's layout they are where the list put them and
 * show the items it gave them (it hands a row the next item as it
 * scrolls), so the place and the line are found again then. */
static void
after_layout (GdkFrameClock    *clock,
              VzPlaylistEditor *self)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (self->scroll_speed != 0)
    update_drop_place (self, self->drop_x, self->drop_y);
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
  if (self->layout_clock != NULL)
    {
      g_clear_signal_handler (&self->layout_handler, self->layout_clock);
      g_clear_object (&self->layout_clock);
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
    {
      self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick, NULL, NULL);
      self->layout_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
      if (self->layout_clock != NULL)
        {
          g_object_ref (self->layout_clock);
          self->layout_handler = g_signal_connect_object (self->layout_clock, "layout", G_CALLBACK (after_layout),
                                                          self, G_CONNECT_AFTER);
        }
    }
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
  graphene_point_t in_list = GRAPHENE_POINT_INIT ((float) x, (float) y);
  graphene_point_t in_scroller;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (gtk_widget_compute_point (GTK_WIDGET (self->list), GTK_WIDGET (self->scroller), &in_list, &in_scroller))
    follow_edges (self, in_scroller.y);
  update_drop_place (self, x, y);

  if (self->playlist == NULL)
    return 0;
  /* Content is copied in, anywhere (an empty playlist too); an item moves
   * to a place between rows. */
  if (drop_holds_content (target))
    return GDK_ACTION_COPY;
  return vz_playlist_get_item_count (self->playlist) > 0 ? GDK_ACTION_MOVE : 0;
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
  guint to;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  /* The line shows where it goes: take it as shown (the pointer's place
   * decides when there is none yet). */
  stop_scrolling (self);
  if (self->drop_row == NULL)
    update_drop_place (self, x, y);
  to = self->drop_position;
  clear_drop_line (self);
  if (self->playlist == NULL)
    return FALSE;
  if (G_VALUE_HOLDS (value, VZ_TYPE_CONTENT) && g_value_get_object (value) != NULL)
    {
      _vz_playlist_editor_add_content (self, g_value_get_object (value), to);
      return TRUE;
    }
  if (!G_VALUE_HOLDS (value, VZ_TYPE_PLAYLIST_ITEM))
    return FALSE;
  item = g_value_get_object (value);
  /* An item of another playlist (another window) is not moved here. */
  if (item == NULL || vz_playlist_find_item (self->playlist, vz_playlist_item_get_id (item), &from) != item)
    return FALSE;
  /* The line is between rows; the item leaves its own place first. */
  if (to > from)
    to--;
  if (to != from)
    _vz_playlist_editor_move_item (self, vz_playlist_item_get_id (item), to);
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
