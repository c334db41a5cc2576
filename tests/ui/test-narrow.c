/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-narrow"

#include "config.h"

#include <adwaita.h>

#include "vz-test-server.h"
#include "vz-window.h"
#include "vz-window-private.h"
#include "vz-devices-page-private.h"
#include "vz-device-detail-private.h"
#include "vz-ui-test-util.h"

/*
 * The window at the widths people use, 360 px (a phone), 600 px and
 * 1280 px, resized as a window manager does and driven with real clicks:
 * which columns show, that nothing scrolls sideways, the detail as a page
 * of its own with a way back, and one header bar at a time.
 */

static char *outbox_dir;

typedef UiFleet Fixture;

static gboolean
is_mapped_header_bar (GtkWidget     *widget,
                      gconstpointer  data)
{
  return ADW_IS_HEADER_BAR (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
is_mapped_button_with_icon (GtkWidget     *widget,
                            gconstpointer  icon)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0;
}

static gboolean
is_moving_leaflet (GtkWidget     *widget,
                   gconstpointer  data)
{
  return ADW_IS_LEAFLET (widget) && adw_leaflet_get_child_transition_running (ADW_LEAFLET (widget));
}

/* A leaflet with a widget of its own (the shadow it draws over a sliding
 * page) before one of its pages. */
static gboolean
is_leaflet_with_own_widget_first (GtkWidget     *widget,
                                  gconstpointer  data)
{
  gboolean own_seen = FALSE;

  if (!ADW_IS_LEAFLET (widget))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      gboolean page = adw_leaflet_get_page (ADW_LEAFLET (widget), child) != NULL;

      if (page && own_seen)
        return TRUE;
      own_seen = own_seen || !page;
    }
  return FALSE;
}

static gboolean
is_leaflet_with_own_widget (GtkWidget     *widget,
                            gconstpointer  data)
{
  if (!ADW_IS_LEAFLET (widget))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (adw_leaflet_get_page (ADW_LEAFLET (widget), child) == NULL)
      return TRUE;
  return FALSE;
}

/* The window's leaflets (its own and the Devices page's) keep their
 * shadow after their pages: libadwaita restyles it at each
 * allocation, and in GTK 4.8 that restyles whatever follows it. */
static void
assert_leaflet_pages_first (Fixture *fixture)
{
  g_assert_cmpuint (ui_count_widgets (GTK_WIDGET (fixture->window), is_leaflet_with_own_widget, NULL), >=, 2);
  g_assert_cmpuint (ui_count_widgets (GTK_WIDGET (fixture->window), is_leaflet_with_own_widget_first, NULL), ==, 0);
}

static GtkWidget *
header_bar (Fixture *fixture)
{
  GtkWidget *header = ui_find_widget (GTK_WIDGET (fixture->window), is_mapped_header_bar, NULL);

  g_assert_nonnull (header);
  return header;
}

static AdwWindowTitle *
header_title (Fixture *fixture)
{
  return ADW_WINDOW_TITLE (adw_header_bar_get_title_widget (ADW_HEADER_BAR (header_bar (fixture))));
}

/* The header bar's Back button, NULL while it is not shown. */
static GtkWidget *
back_button (Fixture *fixture)
{
  return ui_find_widget (header_bar (fixture), is_mapped_button_with_icon, "go-previous-symbolic");
}

/* No transition runs, the columns fit the width and the frame shows it. */
static gboolean
layout_settled (gpointer data)
{
  Fixture *fixture = data;

  return ui_count_widgets (GTK_WIDGET (fixture->window), is_moving_leaflet, NULL) == 0 &&
         fixture->page->fit_columns_id == 0 && fixture->page->detail_page_id == 0;
}

static void
settle (Fixture *fixture)
{
  /* A frame or two after the last change: the fit of the columns runs
   * after the allocation that reported the width. */
  spin (250);
  g_assert_true (wait_for (layout_settled, fixture, 10));
  spin (100);
}

/* The columns shown, by title, joined by "|". */
static char *
visible_columns (Fixture *fixture)
{
  GListModel *columns = gtk_column_view_get_columns (_vz_devices_page_get_column_view (fixture->page));
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_visible (column))
        g_string_append_printf (titles, "%s%s", titles->len > 0 ? "|" : "",
                                gtk_column_view_column_get_title (column));
    }
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

/* The list never scrolls sideways: its content is no wider than its view. */
static void
assert_no_sideways_scrolling (Fixture *fixture)
{
  GtkColumnView *view = _vz_devices_page_get_column_view (fixture->page);
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_cmpfloat (gtk_adjustment_get_page_size (hadjustment), >, 0);
  if (gtk_adjustment_get_upper (hadjustment) > gtk_adjustment_get_page_size (hadjustment))
    g_error ("The list scrolls sideways: %g px of content in %g px (columns %s)",
             gtk_adjustment_get_upper (hadjustment), gtk_adjustment_get_page_size (hadjustment),
             visible_columns (fixture));
  /* The rows use the room they have. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), ==, gtk_adjustment_get_page_size (hadjustment));
}

static void
assert_one_header_bar (Fixture *fixture)
{
  guint n = ui_count_widgets (GTK_WIDGET (fixture->window), is_mapped_header_bar, NULL);

  if (n != 1)
    g_error ("%u header bars show at %d px", n, gtk_widget_get_width (ui_window_content (GTK_WINDOW (fixture->window))));
}

/* Nothing asked for more room than 360 px (the window would have grown). */
static void
assert_still_narrow (Fixture *fixture)
{
  GtkWidget *content = ui_window_content (GTK_WINDOW (fixture->window));
  int minimum = 0;

  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (content), ==, 360);
}

static void
assert_columns (Fixture    *fixture,
                const char *expected)
{
  g_autofree char *shown = visible_columns (fixture);
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (fixture->page));
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));

  if (g_strcmp0 (shown, expected) != 0)
    g_error ("The columns shown are %s, not %s, in a list of %d px (page %g, content %g)", shown, expected,
             gtk_widget_get_width (view), gtk_adjustment_get_page_size (hadjustment),
             gtk_adjustment_get_upper (hadjustment));
}

static gboolean
showing_detail_page (Fixture *fixture)
{
  gboolean showing = FALSE;

  g_object_get (fixture->page, "showing-detail-page", &showing, NULL);
  return showing;
}

typedef struct {
  GtkWidget *view;
  GtkWidget *label;   /* the topmost so far */
  float      y;
} TopmostName;

/* Keeps the mapped name cell nearest the top of the list. */
static gboolean
is_higher_name (GtkWidget     *widget,
                gconstpointer  data)
{
  TopmostName *top = (TopmostName *) data;
  graphene_point_t at;

  if (!GTK_IS_LABEL (widget) || !gtk_widget_has_css_class (widget, "vz-cell-name") ||
      !gtk_widget_get_mapped (widget) ||
      !gtk_widget_compute_point (widget, top->view, &GRAPHENE_POINT_INIT (0, 0), &at) ||
      (top->label != NULL && at.y >= top->y))
    return FALSE;
  top->label = widget;
  top->y = at.y;
  return TRUE;
}

static gboolean
is_name_cell (GtkWidget     *widget,
              gconstpointer  name)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "vz-cell-name") &&
         gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), name) == 0;
}

/* Ctrl+clicks the row of the screen @name. */
static void
add_to_selection (Fixture    *fixture,
                  const char *name)
{
  GtkWidget *cell = ui_find_widget (GTK_WIDGET (_vz_devices_page_get_column_view (fixture->page)),
                                    is_name_cell, name);

  g_assert_nonnull (cell);
  x_click (cell, "ctrl", 1);
}

/* Opens the first row's screen as a person does: a click on it. */
static void
open_first_screen (Fixture *fixture)
{
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (fixture->page));
  TopmostName top = { view, NULL, 0 };

  ui_count_widgets (view, is_higher_name, &top);
  g_assert_nonnull (top.label);
  x_click (top.label, NULL, 1);
}

static void
test_widths (void)
{
  const char *names[] = { "Lobby Left", "Cafeteria Menu Board", "Warehouse Door 12", NULL };
  Fixture fixture = { 0 };
  VzDeviceDetail *detail;
  g_autofree char *screen_name = NULL;

  ui_fleet_open (&fixture, names, outbox_dir);
  detail = _vz_devices_page_get_detail (fixture.page);

  /* 1280 px: the sidebar, and every column beside it. */
  x_resize (GTK_WINDOW (fixture.window), 1280, 720);
  settle (&fixture);
  assert_columns (&fixture, "Name|Status|Location|Group|Playlist|Last Seen");
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  g_assert_null (back_button (&fixture));
  g_assert_cmpstr (adw_window_title_get_title (header_title (&fixture)), ==, "Devices");
  assert_leaflet_pages_first (&fixture);

  /* A screen opened there sits beside the list, which keeps what fits. */
  open_first_screen (&fixture);
  settle (&fixture);
  g_assert_nonnull (vz_device_detail_get_display (detail));
  screen_name = g_strdup (vz_display_get_display_name (vz_device_detail_get_display (detail)));
  g_assert_false (showing_detail_page (&fixture));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  g_assert_true (gtk_widget_get_mapped (detail->header));
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  {
    g_autofree char *shown = visible_columns (&fixture);
    g_assert_true (g_str_has_prefix (shown, "Name|Status|"));
  }

  /* 600 px: the sidebar stays; the list keeps a name and a status, and the
   * screen is a page of its own, named in the header bar, with a way back. */
  x_resize (GTK_WINDOW (fixture.window), 600, 720);
  settle (&fixture);
  g_assert_true (showing_detail_page (&fixture));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (_vz_devices_page_get_column_view (fixture.page))));
  g_assert_false (gtk_widget_get_mapped (detail->header));
  g_assert_cmpstr (adw_window_title_get_title (header_title (&fixture)), ==, screen_name);
  assert_one_header_bar (&fixture);
  g_assert_nonnull (back_button (&fixture));
  x_click (back_button (&fixture), NULL, 1);
  settle (&fixture);
  g_assert_false (showing_detail_page (&fixture));
  g_assert_cmpstr (adw_window_title_get_title (header_title (&fixture)), ==, "Devices");
  assert_columns (&fixture, "Name|Status");
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);

  /* 360 px: the same rows; the sidebar is a page of its own too. */
  x_resize (GTK_WINDOW (fixture.window), 360, 720);
  settle (&fixture);
  assert_columns (&fixture, "Name|Status");
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  assert_still_narrow (&fixture);

  /* Several screens chosen (these two and the one opened before): what
   * acts on them fits too. */
  add_to_selection (&fixture, "Lobby Left");
  add_to_selection (&fixture, "Warehouse Door 12");
  settle (&fixture);
  g_assert_cmpuint (fixture.page->n_selected, ==, 3);
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  assert_still_narrow (&fixture);

  open_first_screen (&fixture);
  settle (&fixture);
  g_assert_true (showing_detail_page (&fixture));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  g_assert_cmpstr (adw_window_title_get_title (header_title (&fixture)), ==, screen_name);
  assert_one_header_bar (&fixture);
  assert_still_narrow (&fixture);

  /* Back leads to the list, then to the sidebar. */
  x_click (back_button (&fixture), NULL, 1);
  settle (&fixture);
  g_assert_false (showing_detail_page (&fixture));
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  assert_still_narrow (&fixture);
  g_assert_nonnull (back_button (&fixture));
  x_click (back_button (&fixture), NULL, 1);
  settle (&fixture);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (fixture.page)));
  g_assert_null (back_button (&fixture));
  assert_one_header_bar (&fixture);
  assert_still_narrow (&fixture);

  /* Wide again: every column comes back. */
  x_resize (GTK_WINDOW (fixture.window), 1280, 720);
  settle (&fixture);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture.page)));
  assert_columns (&fixture, "Name|Status|Location|Group|Playlist|Last Seen");
  assert_no_sideways_scrolling (&fixture);
  assert_one_header_bar (&fixture);
  /* Folding and unfolding did not put them back before. */
  assert_leaflet_pages_first (&fixture);

  ui_fleet_close (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/ui/narrow/widths", test_widths);

  outbox_dir = g_dir_make_tmp ("vizora-ui-narrow-XXXXXX", NULL);
  g_assert_nonnull (outbox_dir);
  status = g_test_run ();
  vz_test_remove_tree (outbox_dir);
  g_free (outbox_dir);
  return status;
}
