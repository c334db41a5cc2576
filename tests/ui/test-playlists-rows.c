/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include "vz-gui.h"
#include "vz-playlist-private.h"
#include "vz-playlist-item-row.h"
#include "vz-ui-test-util.h"

/*
 * The playlist editor's item rows as the list view uses them, with the
 * app's style sheet: a row given another item keeps its size and its few
 * widgets, and a row made among the others costs no more styles than one
 * made after them.
 */

static VzPlaylistItem *
item_from_json (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  VzPlaylistItem *item = _vz_playlist_item_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return item;
}

static gboolean
is_text (GtkWidget     *widget,
         gconstpointer  text)
{
  if (VZ_IS_POPOVER_BUTTON (widget))
    return g_strcmp0 (vz_popover_button_get_text (VZ_POPOVER_BUTTON (widget)), text) == 0;
  return GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0;
}

static void
measure_row (GtkWidget *row,
             int        sizes[4])
{
  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, -1, &sizes[0], &sizes[1], NULL, NULL);
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, &sizes[2], &sizes[3], NULL, NULL);
}

/*
 * The list view gives its rows item after item (after a drop up to 176 of
 * the 200 it keeps): a row shows the new item's texts at a size that does not
 * depend on them, so it is repainted and not measured and laid out again.
 */
static void
test_row_size_steady (void)
{
  g_autoptr(VzPlaylistItem) short_item =
    item_from_json ("{\"id\":\"i1\",\"contentId\":\"c1\",\"order\":0,\"duration\":5,"
                    "\"content\":{\"id\":\"c1\",\"name\":\"A\",\"type\":\"image\"}}");
  g_autoptr(VzPlaylistItem) long_item =
    item_from_json ("{\"id\":\"i2\",\"contentId\":\"c2\",\"order\":1,\"duration\":35999,"
                    "\"content\":{\"id\":\"c2\",\"name\":\"The spring opening of the harbour front, "
                    "with the mayor's welcome and the timetable\",\"type\":\"video\"}}");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row = vz_playlist_item_row_new ();
  GtkWidget *duration_button;
  GtkWidget *menu_button;
  guint children = 0;
  int before[4], after[4];

  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_present (GTK_WINDOW (window));
  vz_playlist_item_row_set_item (VZ_PLAYLIST_ITEM_ROW (row), short_item);
  measure_row (row, before);
  g_assert_nonnull (ui_find_widget (row, is_text, "A"));
  g_assert_nonnull (ui_find_widget (row, is_text, "0:05"));

  vz_playlist_item_row_set_item (VZ_PLAYLIST_ITEM_ROW (row), long_item);
  measure_row (row, after);
  g_assert_nonnull (ui_find_widget (row, is_text, vz_playlist_item_get_content_name (long_item)));
  g_assert_nonnull (ui_find_widget (row, is_text, "9:59:59"));
  /* Its two buttons draw their text and icon: one widget each. */
  duration_button = GTK_WIDGET (vz_playlist_item_row_get_duration_button (VZ_PLAYLIST_ITEM_ROW (row)));
  menu_button = GTK_WIDGET (vz_playlist_item_row_get_menu_button (VZ_PLAYLIST_ITEM_ROW (row)));
  g_assert_null (gtk_widget_get_first_child (duration_button));
  g_assert_null (gtk_widget_get_first_child (menu_button));
  /* It draws its drag handle and the type's icon, and holds its parts
   * without a box: the thumbnail, the two texts, the two buttons. */
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      g_assert_false (GTK_IS_IMAGE (child));
      g_assert_false (GTK_IS_BOX (child));
      children++;
    }
  g_assert_cmpuint (children, ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (before); i++)
    g_assert_cmpint (after[i], ==, before[i]);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_frame (guint *frames)
{
  (*frames)++;
}

static gboolean
frame_drawn (gpointer data)
{
  return *(guint *) data > 0;
}

/* The styles GTK computes from @item's insertion into @store at @position
 * (none: nothing inserted) to the end of the next frame drawn. */
static gint64
styles_to_next_frame (GtkWidget      *list,
                      GListStore     *store,
                      guint           position,
                      VzPlaylistItem *item)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (list);
  guint frames = 0;
  gulong handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  gint64 before = ui_styles_computed ();

  if (item != NULL)
    g_list_store_insert (store, position, item);
  gtk_widget_queue_draw (list);
  g_assert_true (wait_for (frame_drawn, &frames, 30));
  g_signal_handler_disconnect (clock, handler);
  return ui_styles_computed () - before;
}

/* Until a frame restyles nothing (the window made active, its first
 * frames): what is counted next is the insertion's alone. */
static void
wait_for_styles_settled (GtkWidget  *list,
                         GListStore *store)
{
  guint frames = 0;

  while (styles_to_next_frame (list, store, 0, NULL) > 0)
    g_assert_cmpuint (++frames, <, 100);
}

/* An item of content @name (an image or a video), with its number @n in
 * its ids. */
static VzPlaylistItem *
numbered_item (guint       n,
               const char *name,
               const char *type)
{
  g_autofree char *json =
    g_strdup_printf ("{\"id\":\"i%u\",\"contentId\":\"c%u\",\"order\":%u,\"duration\":%u,"
                     "\"content\":{\"id\":\"c%u\",\"name\":\"%s\",\"type\":\"%s\"}}",
                     n, n, n, 5 + n, n, name, type);

  return item_from_json (json);
}

/* Each cost is measured this many times and the least kept: GTK at times
 * restyles every row once of its own accord (in a new process's first
 * seconds, at no fixed frame), which is no insertion's cost. */
#define MEASURES 3

/*
 * A row the list makes among its others (a move that brings a new row in,
 * a scroll that needs one more) costs what a row made after them costs:
 * in GTK 4.8 the rows after it would otherwise have every widget restyled.
 */
static void
test_new_row_among_others (void)
{
  g_autoptr(GListStore) store = g_list_store_new (VZ_TYPE_PLAYLIST_ITEM);
  GtkListItemFactory *factory;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list;
  gint64 at_end = G_MAXINT64, among = G_MAXINT64;

  vz_gui_init ();  /* the app's resources and style sheet, as the editor has them */
  factory = gtk_builder_list_item_factory_new_from_resource (NULL, "/cloud/vizora/Desktop/vz-playlist-item.ui");
  g_assert_true (ui_count_styles ());
  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *name = g_strdup_printf ("Item %u", i);
      g_autoptr(VzPlaylistItem) item = numbered_item (i, name, i % 2 == 0 ? "image" : "video");

      g_list_store_append (store, item);
    }
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store)))), factory);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 700);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_styles_settled (list, store);
  g_assert_nonnull (ui_find_widget (list, is_text, "Item 0"));
  for (guint i = 0; i < MEASURES; i++)
    {
      g_autofree char *last_name = g_strdup_printf ("Last %u", i);
      g_autofree char *second_name = g_strdup_printf ("Second %u", i);
      g_autoptr(VzPlaylistItem) last = numbered_item (100 + i, last_name, "image");
      g_autoptr(VzPlaylistItem) second = numbered_item (200 + i, second_name, "video");
      gint64 after_all, made_second;

      after_all = styles_to_next_frame (list, store, g_list_model_get_n_items (G_LIST_MODEL (store)), last);
      wait_for_styles_settled (list, store);
      made_second = styles_to_next_frame (list, store, 1, second);
      g_assert_nonnull (ui_find_widget (list, is_text, second_name));
      wait_for_styles_settled (list, store);
      g_test_message ("styles computed: a row made after the others %" G_GINT64_FORMAT
                      ", one made second of %u %" G_GINT64_FORMAT, after_all,
                      g_list_model_get_n_items (G_LIST_MODEL (store)), made_second);
      at_end = MIN (at_end, after_all);
      among = MIN (among, made_second);
    }
  /* Without the care taken, the 32 rows after it: some 190 more. */
  g_assert_cmpint (among, <=, at_end + 6);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  ui_init_x11 (&argc, &argv);
  g_test_add_func ("/ui/playlists/row-size-steady", test_row_size_steady);
  g_test_add_func ("/ui/playlists/new-row-among-others", test_new_row_among_others);

  return g_test_run ();
}
