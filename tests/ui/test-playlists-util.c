/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <gdk/x11/gdkx.h>

#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "vz-test-server.h"
#include "vz-window-private.h"
#include "test-playlists-util.h"

char *outbox_root;

void
fixture_close (Fixture *fx)
{
  ui_close_window (fx->window);
  vz_sync_engine_stop (fx->engine);
  g_clear_object (&fx->engine);
  g_free (fx->playlist_id);
  g_free (fx->token);
  vz_test_server_free (fx->server);
}


/* ---- the server ---- */

char *
create_content (Fixture    *fx,
                const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\"}",
                                           name, name);
  JsonObject *data = vz_test_server_data (fx->server, "POST", "/content", fx->token, body, 201, &keep);

  return g_strdup (json_object_get_string_member (data, "id"));
}

char *
create_playlist (Fixture            *fx,
                 const char         *name,
                 const char * const *content_ids)
{
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  JsonObject *data;

  g_string_printf (body, "{\"name\":\"%s\",\"items\":[", name);
  for (guint i = 0; content_ids[i] != NULL; i++)
    g_string_append_printf (body, "%s{\"contentId\":\"%s\"}", i > 0 ? "," : "", content_ids[i]);
  g_string_append (body, "]}");
  data = vz_test_server_data (fx->server, "POST", "/playlists", fx->token, body->str, 201, &keep);
  return g_strdup (json_object_get_string_member (data, "id"));
}

/* The content names of the playlist's items on the server, in order, "|" between. */
char *
server_order (Fixture *fx)
{
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *path = g_strdup_printf ("/playlists/%s", fx->playlist_id);
  JsonObject *data = vz_test_server_data (fx->server, "GET", path, fx->token, NULL, 200, &keep);
  JsonArray *items = json_object_get_array_member (data, "items");
  guint n = json_array_get_length (items);
  g_autoptr(GPtrArray) names = g_ptr_array_new_full (n + 1, NULL);

  g_ptr_array_set_size (names, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 order = json_object_get_int_member (item, "order");

      g_assert_cmpint (order, >=, 0);
      g_assert_cmpint (order, <, n);
      names->pdata[order] = (gpointer) json_object_get_string_member (json_object_get_object_member (item, "content"),
                                                                      "name");
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

gboolean
server_order_is (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *order = server_order (fx);

  return g_strcmp0 (order, fx->want) == 0;
}


/* ---- the page ---- */

GtkWidget *
item_row (Fixture *fx,
          guint    index)
{
  return vz_playlist_editor_get_row (fx->editor, index);
}

typedef struct {
  float       y;
  const char *name;
} Shown;

static int
compare_shown (gconstpointer a,
               gconstpointer b)
{
  const Shown *x = a, *y = b;

  return x->y < y->y ? -1 : x->y > y->y;
}

/* The names the editor's rows in sight show, top to bottom, "|" between. */
char *
shown_order (Fixture *fx)
{
  GtkWidget *list = GTK_WIDGET (vz_playlist_editor_get_list (fx->editor));
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (Shown));
  g_autoptr(GString) text = g_string_new (NULL);

  if (!gtk_widget_get_mapped (list))
    return g_strdup ("");
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      VzPlaylistItem *item;

      if (row == NULL || !VZ_IS_PLAYLIST_ITEM_ROW (row) || !gtk_widget_get_child_visible (child) ||
          (item = vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row))) == NULL ||
          !gtk_widget_compute_bounds (row, list, &bounds) ||
          bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= gtk_widget_get_height (list))
        continue;
      g_array_append_val (shown, ((Shown) { bounds.origin.y, vz_playlist_item_get_content_name (item) }));
    }
  g_array_sort (shown, compare_shown);
  for (guint i = 0; i < shown->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", g_array_index (shown, Shown, i).name);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
shown_order_is (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *order = shown_order (fx);

  return g_strcmp0 (order, fx->want) == 0;
}

gboolean
editor_holds (gpointer data)
{
  Fixture *fx = data;
  VzPlaylist *playlist = vz_playlist_editor_get_playlist (fx->editor);

  return playlist != NULL && vz_playlist_get_item_count (playlist) == GPOINTER_TO_UINT (fx->want) &&
         item_row (fx, 0) != NULL;
}

guint
model_position (Fixture    *fx,
                const char *name)
{
  GListModel *items = vz_playlist_get_items (vz_playlist_editor_get_playlist (fx->editor));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (vz_playlist_item_get_content_name (item), name) == 0)
        return i;
    }
  return G_MAXUINT;
}

char *
model_order (Fixture *fx)
{
  GListModel *items = vz_playlist_get_items (vz_playlist_editor_get_playlist (fx->editor));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", vz_playlist_item_get_content_name (item));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
row_in_view (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *list = GTK_WIDGET (vz_playlist_editor_get_list (fx->editor));
  GtkWidget *row = item_row (fx, GPOINTER_TO_UINT (fx->want));
  graphene_rect_t bounds;

  return row != NULL && gtk_widget_compute_bounds (row, list, &bounds) && bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (list);
}

gboolean
drop_line_at (Fixture *fx,
              guint   *gap)
{
  GtkWidget *list = GTK_WIDGET (vz_playlist_editor_get_list (fx->editor));

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      gboolean before = gtk_widget_has_css_class (child, "vz-drop-before");
      gboolean after = gtk_widget_has_css_class (child, "vz-drop-after");

      if (row == NULL || !VZ_IS_PLAYLIST_ITEM_ROW (row) || (!before && !after))
        continue;
      *gap = vz_playlist_item_row_get_position (VZ_PLAYLIST_ITEM_ROW (row)) + (after ? 1 : 0);
      return TRUE;
    }
  return FALSE;
}

static void
on_after_paint (GdkFrameClock *clock,
                DropLine      *line)
{
  line->painted++;
  if (drop_line_at (line->fx, &line->gap))
    line->frames++;
}

void
watch_drop_line (Fixture  *fx,
                 DropLine *line)
{
  line->fx = fx;
  line->clock = gtk_widget_get_frame_clock (GTK_WIDGET (fx->editor));
  line->handler = g_signal_connect (line->clock, "after-paint", G_CALLBACK (on_after_paint), line);
}

void
unwatch_drop_line (Fixture  *fx,
                   DropLine *line)
{
  g_clear_signal_handler (&line->handler, line->clock);
}

/* The playlists' rows, "name: details" joined by "|". */
gboolean
list_reads (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(GString) text = g_string_new (NULL);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (vz_playlists_page_get_list (fx->page), i)) != NULL; i++)
    g_string_append_printf (text, "%s%s: %s", i > 0 ? "|" : "",
                            vz_playlist_get_name (vz_playlist_row_get_playlist (VZ_PLAYLIST_ROW (row))),
                            vz_playlist_row_get_details (VZ_PLAYLIST_ROW (row)));
  return g_strcmp0 (text->str, fx->want) == 0;
}


gboolean
nothing_pending (gpointer data)
{
  Fixture *fx = data;

  return vz_sync_engine_get_pending_count (fx->engine) == 0;
}


/* ---- real input ---- */

void
pl_xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool failed: %s", err);
}

void
point_on (GtkWidget *widget,
          double     fraction,
          int       *x,
          int       *y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t at = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                             (float) (gtk_widget_get_height (widget) * fraction));
  graphene_point_t point;
  double dx, dy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &at, &point));
  gtk_native_get_surface_transform (native, &dx, &dy);
  *x = (int) (point.x + dx);
  *y = (int) (point.y + dy);
}

static void
add_move (GPtrArray  *args,
          const char *xid,
          int         x,
          int         y)
{
  g_ptr_array_add (args, g_strdup ("mousemove"));
  g_ptr_array_add (args, g_strdup ("--window"));
  g_ptr_array_add (args, g_strdup (xid));
  g_ptr_array_add (args, g_strdup_printf ("%d", x));
  g_ptr_array_add (args, g_strdup_printf ("%d", y));
}

/* xdotool sleeps between the moves while GTK must answer the X server's
 * drag protocol: it runs beside the main loop. @args: xdotool's, NULL-ended. */
static void
xdotool_beside_loop (GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  while (g_subprocess_get_identifier (process) != NULL)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_true (g_subprocess_get_successful (process));
}

static char *
x_window_id (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

/* Presses the button at @x0, @y0 and moves the pointer in steps (as a
 * hand does) to @x1, @y1. */
static void
press_and_move (const char *xid,
                int         x0,
                int         y0,
                int         x1,
                int         y1)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const guint steps = 12;

  g_ptr_array_add (args, g_strdup ("xdotool"));
  add_move (args, xid, x0, y0);
  g_ptr_array_add (args, g_strdup ("mousedown"));
  g_ptr_array_add (args, g_strdup ("1"));
  for (guint i = 1; i <= steps; i++)
    {
      g_ptr_array_add (args, g_strdup ("sleep"));
      g_ptr_array_add (args, g_strdup ("0.05"));
      add_move (args, xid, x0 + (x1 - x0) * (int) i / (int) steps, y0 + (y1 - y0) * (int) i / (int) steps);
    }
  g_ptr_array_add (args, NULL);
  xdotool_beside_loop (args);
}

/* Held still, the pointer still moves a little now and then, as a hand's
 * does: @rounds moves 0.1 s apart, then the button is let go when @release. */
static void
hold_at (const char *xid,
         int         x,
         int         y,
         guint       rounds,
         gboolean    release)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("xdotool"));
  for (guint held = 0; held < rounds; held++)
    {
      g_ptr_array_add (args, g_strdup ("sleep"));
      g_ptr_array_add (args, g_strdup ("0.1"));
      add_move (args, xid, x + held % 2, y);
    }
  if (release)
    {
      g_ptr_array_add (args, g_strdup ("mouseup"));
      g_ptr_array_add (args, g_strdup ("1"));
    }
  g_ptr_array_add (args, NULL);
  xdotool_beside_loop (args);
}

void
drag_points (GtkWidget *window,
             int        x0,
             int        y0,
             int        x1,
             int        y1,
             guint      hold_ms)
{
  g_autofree char *xid = x_window_id (window);

  press_and_move (xid, x0, y0, x1, y1);
  hold_at (xid, x1, y1, (hold_ms + 200) / 100, TRUE);
  spin (300);
}

gboolean
drag_points_until (GtkWidget   *window,
                   int          x0,
                   int          y0,
                   int          x1,
                   int          y1,
                   GSourceFunc  until,
                   gpointer     data,
                   guint        max_ms)
{
  g_autofree char *xid = x_window_id (window);
  gint64 end;
  gboolean met;

  press_and_move (xid, x0, y0, x1, y1);
  end = g_get_monotonic_time () + (gint64) max_ms * 1000;
  while (!(met = until (data)) && g_get_monotonic_time () < end)
    hold_at (xid, x1, y1, 2, FALSE);
  hold_at (xid, x1, y1, 2, TRUE);
  spin (300);
  return met;
}

void
drag_row (Fixture   *fx,
          GtkWidget *from,
          GtkWidget *to,
          double     fraction)
{
  int x0, y0, x1, y1;

  point_on (from, 0.5, &x0, &y0);
  point_on (to, fraction, &x1, &y1);
  /* Over the name, away from the spin button and the menu. */
  x0 = x1 = x0 - gtk_widget_get_width (from) / 4;
  drag_points (GTK_WIDGET (fx->window), x0, y0, x1, y1, 0);
}

void
save_screenshot (const char *name)
{
  const char *dir = g_getenv ("VZ_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  }
  g_test_message ("screenshot: %s", path);
}


static gboolean
toast_is (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (_vz_window_get_last_toast (fx->window), fx->want) == 0;
}

void
wait_toast (Fixture    *fx,
            const char *text)
{
  fx->want = text;
  if (!wait_for (toast_is, fx, 20))
    g_assert_cmpstr (_vz_window_get_last_toast (fx->window), ==, text);
}

int
pl_test_main (int          argc,
              char        *argv[],
              const char  *name,
              void       (*add_tests) (void))
{
  g_autofree char *template = g_strdup_printf ("vz-%s-XXXXXX", name);
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  ui_init_x11 (&argc, &argv);

  outbox_root = g_dir_make_tmp (template, NULL);
  add_tests ();
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_clear_pointer (&outbox_root, g_free);
  return status;
}
