/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-devices-page-private.h"
#include "vz-device-detail-private.h"

/*
 * The page at every width. The list keeps the columns that fit beside each
 * other and drops the others, least needed first, so it never scrolls
 * sideways: a narrow list shows a screen's name and status. The detail sits
 * beside the list while both fit (the page's AdwLeaflet) and is a page of
 * its own otherwise; then the header bar above the page names the screen and
 * leads back, and the pane's own title row hides, so one header bar shows.
 * And the list is one stop on the way Tab takes through the window.
 */

/* ---- columns ---- */

/*
 * Optional columns have a fixed width (users may resize them, which sets
 * another), so what one adds to the list's minimum width is known while it
 * is hidden. A hidden column keeps its width in optional_widths and has a
 * fixed width of 0: GTK 4.8 counts hidden columns in the view's minimum
 * width, which would leave the room they free unused.
 */
static void
hide_column (VzDevicesPage *self,
             guint          i)
{
  GtkColumnViewColumn *column = self->optional_columns[i];

  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->optional_widths[i] = MAX (gtk_column_view_column_get_fixed_width (column), 0);
  gtk_column_view_column_set_visible (column, FALSE);
  gtk_column_view_column_set_fixed_width (column, 0);
}

static void
show_column (VzDevicesPage *self,
             guint          i)
{
  GtkColumnViewColumn *column = self->optional_columns[i];

  g_assert (VZ_IS_DEVICES_PAGE (self));

  gtk_column_view_column_set_fixed_width (column, self->optional_widths[i]);
  gtk_column_view_column_set_visible (column, TRUE);
}

/*
 * The list's width is known during its allocation (the horizontal
 * adjustment's page size), when columns cannot change: that would change the
 * size requests being allocated. So the fit runs after it, as GNOME
 * Software's shell adapts to its width.
 */
static gboolean
fit_columns (gpointer user_data)
{
  VzDevicesPage *self = user_data;
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));
  int available;
  int needed = 0;
  int slack;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->fit_columns_id = 0;

  /* Also while the list is hidden behind the detail: it gets the width it
   * will show at without a change of the adjustment when it shows again. */
  if (hadjustment == NULL)
    return G_SOURCE_REMOVE;
  available = (int) gtk_adjustment_get_page_size (hadjustment);
  if (available <= 0)
    return G_SOURCE_REMOVE;

  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &needed, NULL, NULL, NULL);
  slack = available - needed;
  g_debug ("Columns of %d px in %d px", needed, available);

  /* Too wide: the least needed shown columns go. */
  for (guint i = 0; i < VZ_DEVICES_PAGE_N_OPTIONAL_COLUMNS && slack < 0; i++)
    {
      if (!gtk_column_view_column_get_visible (self->optional_columns[i]))
        continue;
      hide_column (self, i);
      slack += self->optional_widths[i];
    }

  /* Room to spare: hidden columns come back, most needed first, while the
   * next one fits. */
  for (guint i = VZ_DEVICES_PAGE_N_OPTIONAL_COLUMNS; i-- > 0;)
    {
      if (gtk_column_view_column_get_visible (self->optional_columns[i]))
        continue;
      if (slack < self->optional_widths[i])
        break;
      show_column (self, i);
      slack -= self->optional_widths[i];
    }

  return G_SOURCE_REMOVE;
}

static void
queue_fit_columns (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (self->fit_columns_id == 0)
    self->fit_columns_id = g_idle_add (fit_columns, self);
}

/* ---- the list as one Tab stop ---- */

/*
 * GTK 4.8's list views move the focus from row to row on Tab, which makes
 * a fleet of thousands a trap for the keyboard. The arrows move between
 * rows; Tab and Shift+Tab go on to the widget after or before the list: the
 * window looks for it while the list takes no focus.
 */
static gboolean
leave_list (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  VzDevicesPage *self = user_data;
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkRoot *root = gtk_widget_get_root (view);

  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (root == NULL)
    return FALSE;

  gtk_widget_set_can_focus (view, FALSE);
  gtk_widget_child_focus (GTK_WIDGET (root), g_variant_get_int32 (args));
  gtk_widget_set_can_focus (view, TRUE);
  return TRUE;
}

static void
add_leave_list_shortcut (GtkShortcutController *controller,
                         GtkShortcutTrigger    *trigger,
                         GtkDirectionType       direction,
                         VzDevicesPage         *self)
{
  GtkShortcut *shortcut;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  shortcut = gtk_shortcut_new (trigger, gtk_callback_action_new (leave_list, self, NULL));
  gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (direction));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static void
make_list_one_tab_stop (VzDevicesPage *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);

  g_assert (VZ_IS_DEVICES_PAGE (self));

  /* Ahead of the rows, which would take Tab for themselves. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  add_leave_list_shortcut (shortcuts,
                           gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Tab, 0),
                                                        gtk_keyval_trigger_new (GDK_KEY_KP_Tab, 0)),
                           GTK_DIR_TAB_FORWARD, self);
  add_leave_list_shortcut (shortcuts,
                           gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Tab, GDK_SHIFT_MASK),
                                                        gtk_keyval_trigger_new (GDK_KEY_ISO_Left_Tab,
                                                                                GDK_SHIFT_MASK)),
                           GTK_DIR_TAB_BACKWARD, self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), controller);
}

/* ---- the detail as a page of its own ---- */

static gboolean
update_detail_page (gpointer user_data)
{
  VzDevicesPage *self = user_data;
  gboolean showing;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->detail_page_id = 0;

  showing = adw_leaflet_get_folded (self->leaflet) &&
            adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->detail);

  gtk_widget_set_visible (self->detail->header, !showing);

  if (showing != self->showing_detail_page)
    {
      self->showing_detail_page = showing;
      _vz_devices_page_notify_header (self, TRUE);
    }
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is allocated: what follows from that (a header
 * bar above the page, the pane's title row) changes after the allocation,
 * not in the middle of it. */
static void
queue_update_detail_page (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (self->detail_page_id == 0)
    self->detail_page_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_detail_page, self, NULL);
}

static void
on_header_text_changed (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  _vz_devices_page_notify_header (self, FALSE);
}

const char *
_vz_devices_page_get_title (VzDevicesPage *self)
{
  if (self->showing_detail_page)
    return adw_window_title_get_title (self->detail->title);
  return _("Devices");
}

const char *
_vz_devices_page_get_subtitle (VzDevicesPage *self)
{
  if (self->showing_detail_page)
    return adw_window_title_get_subtitle (self->detail->title);
  return self->summary_label;
}

void
_vz_devices_page_adaptive_init (VzDevicesPage *self)
{
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->column_view));

  g_signal_connect_object (hadjustment, "changed", G_CALLBACK (queue_fit_columns), self, G_CONNECT_SWAPPED);
  make_list_one_tab_stop (self);

  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (queue_update_detail_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child", G_CALLBACK (queue_update_detail_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->detail->title, "notify::title", G_CALLBACK (on_header_text_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->detail->title, "notify::subtitle", G_CALLBACK (on_header_text_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::summary-label", G_CALLBACK (on_header_text_changed), NULL);
}

void
_vz_devices_page_adaptive_dispose (VzDevicesPage *self)
{
  g_clear_handle_id (&self->fit_columns_id, g_source_remove);
  g_clear_handle_id (&self->detail_page_id, g_source_remove);
}
