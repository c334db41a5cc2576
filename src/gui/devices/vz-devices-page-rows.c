/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include "vz-devices-page-private.h"

/*
 * The rows a fleet's first frame shows.
 *
 * GTK 4.8's column view makes a row for up to 200 items around the place it
 * shows, each with a widget per column, also when only 20 fit in the window:
 * filling an empty list with a large fleet made 200 rows, about 1,400
 * widgets, before its first frame. When the list fills from empty, it
 * shows only its first screenful (a slice of the sorted, filtered fleet) for
 * that first frame, and the whole fleet from the next frame on, when GTK
 * makes the other rows. The fleet's counts and the rows' order are the
 * whole fleet's from the start; only the rows below the window wait a frame.
 */

/* Rows of the first frame: a screenful at the smallest row height, at least. */
#define FIRST_ROWS_MIN       40
#define SMALLEST_ROW_HEIGHT  24

static void
stop_waiting (VzDevicesPage *self)
{
  if (self->rows_tick_id != 0 && self->column_view != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->column_view), self->rows_tick_id);
  self->rows_tick_id = 0;
}

static void
show_all_rows (VzDevicesPage *self)
{
  stop_waiting (self);
  if (gtk_slice_list_model_get_size (self->rows) != G_MAXUINT)
    gtk_slice_list_model_set_size (self->rows, G_MAXUINT);
}

/* The first tick comes with the frame that draws the first rows, the
 * second with the frame after it. */
static gboolean
rows_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  VzDevicesPage *self = user_data;

  if (++self->rows_ticks < 2)
    return G_SOURCE_CONTINUE;
  self->rows_tick_id = 0;
  show_all_rows (self);
  return G_SOURCE_REMOVE;
}

static guint
first_rows (VzDevicesPage *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->column_view));

  return MAX (FIRST_ROWS_MIN, (guint) MAX (height, 0) / SMALLEST_ROW_HEIGHT + 1);
}

static void
on_rows_changed (VzDevicesPage *self,
                 guint          position,
                 guint          removed,
                 guint          added,
                 GListModel    *rows)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    {
      /* Empty: the next filling shows its first screenful first. */
      stop_waiting (self);
      gtk_slice_list_model_set_size (self->rows, first_rows (self));
      return;
    }
  if (gtk_slice_list_model_get_size (self->rows) == G_MAXUINT || self->rows_tick_id != 0)
    return;
  /* No frame to spare when the list is not on screen. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    {
      show_all_rows (self);
      return;
    }
  self->rows_ticks = 0;
  self->rows_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), rows_tick_cb, self, NULL);
}

void
_vz_devices_page_show_all_rows (VzDevicesPage *self)
{
  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  show_all_rows (self);
}

GtkSelectionModel *
_vz_devices_page_rows_init (VzDevicesPage *self)
{
  self->rows = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (self->filter_model)), 0, FIRST_ROWS_MIN);
  g_signal_connect_object (self->rows, "items-changed", G_CALLBACK (on_rows_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  /* A list taken off the screen meanwhile shows every row. */
  g_signal_connect_object (self->column_view, "unmap", G_CALLBACK (show_all_rows), self, G_CONNECT_SWAPPED);
  return GTK_SELECTION_MODEL (gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->rows))));
}

/* Before the column view goes; the models go after it. */
void
_vz_devices_page_rows_dispose (VzDevicesPage *self)
{
  stop_waiting (self);
}
