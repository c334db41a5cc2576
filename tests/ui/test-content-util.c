/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-content"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vz-content-cell.h"
#include "vz-test-server.h"
#include "test-content-util.h"

char *outbox_root;
char *files_dir;

gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
engine_loaded (gpointer data)
{
  return vz_sync_engine_get_loaded (data) && !vz_sync_engine_get_loading (data);
}

void
fixture_open (Fixture         *fx,
              VzTestMonitor   *monitor)
{
  if (fx->server == NULL)
    {
      fx->server = vz_test_server_start (NULL);
      fx->token = vz_test_server_login (fx->server);
    }
  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 960, 700);
  fx->page = vz_window_get_content_page (fx->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "content"));
  g_assert_true (wait_for (mapped, fx->page, 10));
  g_assert_true (wait_for (engine_loaded, fx->engine, 30));
}

void
fixture_close (Fixture *fx)
{
  /* The pointer leaves the buttons it clicked (their tooltips' delay) and
   * the window before the window goes: GTK 4.8 otherwise removes a delay's
   * source twice when the window is destroyed under a pointer that was just
   * over a button with a tooltip. */
  {
    const char *argv[] = { "xdotool", "mousemove", "--sync", "1279", "799", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  }
  spin (700);
  ui_close_window (fx->window);
  vz_sync_engine_stop (fx->engine);
  g_clear_object (&fx->engine);
  g_free (fx->token);
  vz_test_server_free (fx->server);
}

char *
write_bytes (const char *name,
             const void *data,
             gsize       size)
{
  char *path = g_build_filename (files_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

char *
write_png (const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 40);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (files_dir, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  return path;
}

char *
write_pdf (const char *name)
{
  static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

  return write_bytes (name, pdf, strlen (pdf));
}

/* An MP4 of @size bytes as the server checks one: an ftyp box, then one
 * mdat box to the end of the file (zeros: a sparse file). */
char *
write_mp4 (const char *name,
           goffset     size)
{
  char *path = g_build_filename (files_dir, name, NULL);
  FILE *file = fopen (path, "wb");
  guint8 head[24] = { 0, 0, 0, 0x10, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 0 };
  guint32 mdat = (guint32) (size - 16);

  head[16] = (guint8) (mdat >> 24);
  head[17] = (guint8) (mdat >> 16);
  head[18] = (guint8) (mdat >> 8);
  head[19] = (guint8) mdat;
  memcpy (head + 20, "mdat", 4);
  g_assert_nonnull (file);
  g_assert_cmpint (fwrite (head, 1, sizeof head, file), ==, sizeof head);
  g_assert_cmpint (ftruncate (fileno (file), size), ==, 0);
  g_assert_cmpint (fclose (file), ==, 0);
  return path;
}

void
upload_paths (Fixture            *fx,
              const char * const *paths)
{
  g_autoptr(GStrvBuilder) uris = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *uri = g_filename_to_uri (paths[i], NULL, NULL);

      g_assert_nonnull (uri);
      g_strv_builder_add (uris, uri);
    }
  list = g_strv_builder_end (uris);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->page), "content.upload-files", "^as", list));
}

gint64
server_total (Fixture *fx)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (fx->server, "GET", "/content", fx->token, NULL, 200, &keep);

  return json_object_get_int_member (json_object_get_object_member (data, "meta"), "total");
}

gboolean
server_total_is (gpointer data)
{
  Fixture *fx = data;

  return server_total (fx) == fx->want;
}

gboolean
shown_count_is (gpointer data)
{
  Fixture *fx = data;

  return g_list_model_get_n_items (vz_content_page_get_shown (fx->page)) == (guint) fx->want;
}

gboolean
uploads_listed_is (gpointer data)
{
  Fixture *fx = data;

  return g_list_model_get_n_items (vz_content_page_get_uploads (fx->page)) == (guint) fx->want;
}

gboolean
match_action_button (GtkWidget     *widget,
                     gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0 &&
         gtk_widget_get_mapped (widget);
}

gboolean
match_dropdown (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_DROP_DOWN (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), data) == 0;
}

gboolean
match_cell_named (GtkWidget     *widget,
                  gconstpointer  data)
{
  VzContent *content;

  if (!VZ_IS_CONTENT_CELL (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  content = vz_content_cell_get_content (VZ_CONTENT_CELL (widget));
  return content != NULL && g_strcmp0 (vz_content_get_name (content), data) == 0;
}

gboolean
match_label_class (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, data) && gtk_widget_get_mapped (widget);
}

/* The words of @name's cell's badge of @css_class, as shown. */
const char *
cell_badge (Fixture    *fx,
            const char *name,
            const char *css_class)
{
  GtkWidget *cell = ui_find_widget (GTK_WIDGET (fx->page), match_cell_named, name);
  GtkWidget *label;

  g_assert_nonnull (cell);
  label = ui_find_widget (cell, match_label_class, css_class);
  return label != NULL ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

JsonObject *
server_content (Fixture    *fx,
                const char *id,
                JsonNode  **keep)
{
  g_autofree char *path = g_strdup_printf ("/content/%s", id);
  g_autoptr(JsonNode) body = NULL;
  guint status = vz_test_server_request (fx->server, "GET", path, fx->token, NULL, &body);
  JsonNode *data;

  if (status == 404)
    return NULL;
  g_assert_cmpuint (status, ==, 200);
  data = json_object_get_member (json_node_get_object (body), "data");
  *keep = g_steal_pointer (&body);
  return json_node_get_object (data);
}

typedef struct {
  Fixture    *fx;
  const char *id;
  const char *member;   /* NULL: the content is gone */
  const char *want;     /* a string member's value; "tag:<id>" a tag it carries, "!tag:<id>" one it does not */
} ServerQuery;

static gboolean
server_says (gpointer data)
{
  ServerQuery *q = data;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *content = server_content (q->fx, q->id, &keep);

  if (q->member == NULL)
    return content == NULL;
  if (content == NULL)
    return FALSE;
  if (g_str_has_prefix (q->want, "tag:") || g_str_has_prefix (q->want, "!tag:"))
    {
      gboolean want = q->want[0] != '!';
      const char *tag_id = strchr (q->want, ':') + 1;
      JsonArray *tags = json_object_get_array_member (content, "tags");
      gboolean has = FALSE;

      for (guint i = 0; i < json_array_get_length (tags); i++)
        {
          JsonObject *tag = json_array_get_object_element (tags, i);

          if (json_object_has_member (tag, "tag"))
            tag = json_object_get_object_member (tag, "tag");
          has |= g_strcmp0 (json_object_get_string_member (tag, "id"), tag_id) == 0;
        }
      return has == want;
    }
  if (json_object_get_member (content, q->member) != NULL &&
      json_node_get_value_type (json_object_get_member (content, q->member)) == G_TYPE_INT64)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (content, q->member));

      return g_strcmp0 (number, q->want) == 0;
    }
  return g_strcmp0 (json_object_get_string_member_with_default (content, q->member, NULL), q->want) == 0;
}

void
expect_server (Fixture    *fx,
               const char *id,
               const char *member,
               const char *want)
{
  ServerQuery q = { fx, id, member, want };

  if (!wait_for (server_says, &q, 20))
    g_error ("The server never said %s = %s for %s", member, want, id);
}

gboolean
cell_shown (gpointer data)
{
  CellQuery *query = data;

  return ui_find_widget (GTK_WIDGET (query->fx->page), match_cell_named, query->name) != NULL;
}

void
expect_cell (Fixture    *fx,
             const char *name,
             gboolean    shown)
{
  CellQuery query = { fx, name };

  if (shown)
    {
      g_assert_true (wait_for (cell_shown, &query, 10));
      return;
    }
  for (guint i = 0; i < 100 && cell_shown (&query); i++)
    spin (50);
  g_assert_false (cell_shown (&query));
}

gboolean
match_button_label (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0 &&
         gtk_widget_get_mapped (widget);
}

static gboolean
something_selected (gpointer data)
{
  return vz_content_page_get_selected (data) != NULL;
}

void
click_cell (Fixture    *fx,
            const char *name)
{
  GtkWidget *cell = ui_find_widget (GTK_WIDGET (fx->page), match_cell_named, name);

  g_assert_nonnull (cell);
  /* A click as soon as the grid shows the cell can come before the cell
   * takes clicks. */
  spin (500);
  x_click (cell, NULL, 1);
  g_assert_true (wait_for (something_selected, fx->page, 5));
  g_assert_cmpstr (vz_content_get_name (vz_content_page_get_selected (fx->page)), ==, name);
}

typedef struct {
  Fixture    *fx;
  const char *action;
} ButtonQuery;

static gboolean
action_button_shown (gpointer data)
{
  ButtonQuery *q = data;

  return ui_find_widget (GTK_WIDGET (q->fx->page), match_action_button, q->action) != NULL;
}

void
click_action (Fixture    *fx,
              const char *action)
{
  ButtonQuery q = { fx, action };

  g_assert_true (wait_for (action_button_shown, &q, 5));
  spin (400);   /* the action bar slides in */
  x_click (ui_find_widget (GTK_WIDGET (fx->page), match_action_button, action), NULL, 1);
}

gboolean
no_pending (gpointer data)
{
  return vz_sync_engine_get_pending_count (data) == 0;
}

int
content_test_main (int          argc,
                   char        *argv[],
                   const char  *name,
                   void       (*add_tests) (void))
{
  g_autofree char *outbox_template = g_strdup_printf ("vz-%s-XXXXXX", name);
  g_autofree char *files_template = g_strdup_printf ("vz-%s-files-XXXXXX", name);
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  ui_init_x11 (&argc, &argv);

  outbox_root = g_dir_make_tmp (outbox_template, NULL);
  files_dir = g_dir_make_tmp (files_template, NULL);
  add_tests ();
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  vz_test_remove_tree (files_dir);
  g_clear_pointer (&outbox_root, g_free);
  g_clear_pointer (&files_dir, g_free);
  return status;
}
