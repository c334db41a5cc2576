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
  return GTK_WIDGET (gtk_list_box_get_row_at_index (vz_playlist_editor_get_list (fx->editor), (int) index));
}

/* The names the editor's rows show, in order, "|" between. */
char *
shown_order (Fixture *fx)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *row;

  for (guint i = 0; (row = item_row (fx, i)) != NULL; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "|" : "",
                            vz_playlist_item_get_content_name (vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row))));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
shown_order_is (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *order = shown_order (fx);

  return g_strcmp0 (order, fx->want) == 0;
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

void
drag_points (GtkWidget *window,
             int        x0,
             int        y0,
             int        x1,
             int        y1,
             guint      hold_ms)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
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
  /* Held still, the pointer still moves a little now and then, as a hand's does. */
  for (guint held = 0; held < hold_ms + 200; held += 100)
    {
      g_ptr_array_add (args, g_strdup ("sleep"));
      g_ptr_array_add (args, g_strdup ("0.1"));
      add_move (args, xid, x1 + (held / 100) % 2, y1);
    }
  g_ptr_array_add (args, g_strdup ("mouseup"));
  g_ptr_array_add (args, g_strdup ("1"));
  g_ptr_array_add (args, NULL);

  /* xdotool sleeps between the moves while GTK must answer the X server's
   * drag protocol: run it beside the main loop. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) process = NULL;

    process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error (error);
    while (g_subprocess_get_identifier (process) != NULL)
      g_main_context_iteration (NULL, FALSE), g_usleep (2000);
    g_assert_true (g_subprocess_get_successful (process));
  }
  spin (300);
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
