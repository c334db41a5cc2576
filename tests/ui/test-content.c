/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-content"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "vz-content-cell.h"
#include "vz-content-edit-dialog.h"
#include "vz-content-preview.h"
#include "vz-upload.h"
#include "vz-upload-row.h"
#include "vz-window-private.h"
#include "test-content-util.h"

/*
 * The Content page's uploads against the real vizora-server, with real
 * pointer events (xdotool through Xvfb): files dragged from another
 * program's window (vz-drag-source, a separate process offering a
 * GdkFileList) onto the page are uploaded; the files the chooser gives
 * (content.upload-files: the native chooser itself is the portal's or
 * GTK's own dialog and is not driven here); Cancel mid-upload leaves
 * nothing on the server; a file the server refuses shows its words.
 */

/* ---- the server ---- */

static gboolean
server_has_name (Fixture    *fx,
                 const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (fx->server, "GET", "/content", fx->token, NULL, 200, &keep);
  JsonArray *items = json_object_get_array_member (data, "data");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "name"), name) == 0)
      return TRUE;
  return FALSE;
}

/* Files the server is still receiving, under its data dir. */
static guint
server_unfinished_uploads (Fixture *fx)
{
  g_autofree char *path = g_build_filename (fx->server->data_dir, "media", "uploads", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
no_unfinished_uploads (gpointer data)
{
  return server_unfinished_uploads (data) == 0;
}

/* ---- the page ---- */

static VzUpload *
first_upload (Fixture *fx)
{
  g_autoptr(VzUpload) upload = g_list_model_get_item (vz_content_page_get_uploads (fx->page), 0);

  return upload;
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (GTK_REVEALER (data));
}

static gboolean
match_upload_row (GtkWidget     *widget,
                  gconstpointer  data)
{
  return VZ_IS_UPLOAD_ROW (widget) && vz_upload_row_get_upload (VZ_UPLOAD_ROW (widget)) == data;
}

/* The button of @upload's row that runs @action, as a person sees it. */
static GtkWidget *
row_button (Fixture    *fx,
            VzUpload   *upload,
            const char *action)
{
  GtkWidget *row = ui_find_widget (GTK_WIDGET (fx->page), match_upload_row, upload);

  g_assert_nonnull (row);
  g_assert_true (wait_for (mapped, row, 5));
  /* Where a person would click: once the list has slid in and settled. */
  g_assert_true (wait_for (revealed, gtk_widget_get_ancestor (row, GTK_TYPE_REVEALER), 5));
  spin (200);
  return ui_find_widget (row, match_action_button, action);
}

static gboolean
upload_sent_some (gpointer data)
{
  VzUpload *upload = data;

  return vz_upload_get_sent (upload) > 0;
}

static gboolean
upload_failed (gpointer data)
{
  return vz_upload_get_state (data) == VZ_UPLOAD_STATE_FAILED;
}

static gboolean
row_label_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data)) && gtk_widget_get_child_visible (GTK_WIDGET (data));
}

static gboolean
match_error_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "vz-upload-error");
}

static gboolean
cell_shows_thumbnail (gpointer data)
{
  CellQuery *query = data;
  GtkWidget *cell = ui_find_widget (GTK_WIDGET (query->fx->page), match_cell_named, query->name);

  return cell != NULL && vz_content_cell_shows_thumbnail (VZ_CONTENT_CELL (cell));
}

/* ---- real input ---- */

static void
xdotool_beside_loop (GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  /* GTK must answer the X server's drag protocol while xdotool moves. */
  while (g_subprocess_get_identifier (process) != NULL)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_true (g_subprocess_get_successful (process));
}

static char *
xdotool_output (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strstrip (out);
}

static char *
window_xid (GtkWindow *window)
{
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));
}

static void
add (GPtrArray  *args,
     const char *arg)
{
  g_ptr_array_add (args, g_strdup (arg));
}

/* Presses the button in the middle of the other program's window @source,
 * carries the files over to the middle of the page's grid in steps, as a
 * hand does, and lets go there. */
static void
drag_files_onto_page (Fixture    *fx,
                      const char *source)
{
  g_autofree char *target = window_xid (GTK_WINDOW (fx->window));
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *grid = ui_find_descendant (GTK_WIDGET (fx->page), GTK_TYPE_GRID_VIEW);
  graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (grid) / 2.f, gtk_widget_get_height (grid) / 2.f);
  graphene_point_t at;
  double dx, dy;
  const guint steps = 15;

  g_assert_true (gtk_widget_compute_point (grid, GTK_WIDGET (fx->window), &middle, &at));
  gtk_native_get_surface_transform (GTK_NATIVE (fx->window), &dx, &dy);

  add (args, "mousemove"); add (args, "--window"); add (args, source); add (args, "120"); add (args, "120");
  add (args, "mousedown"); add (args, "1");
  /* Past the drag threshold inside the source first. */
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *x = g_strdup_printf ("%u", 120 + i * 8);

      add (args, "sleep"); add (args, "0.05");
      add (args, "mousemove"); add (args, "--window"); add (args, source); add (args, x); add (args, "120");
    }
  for (guint i = 1; i <= steps; i++)
    {
      g_autofree char *x = g_strdup_printf ("%d", (int) ((at.x + dx) * i / steps));
      g_autofree char *y = g_strdup_printf ("%d", (int) ((at.y + dy) * i / steps));

      add (args, "sleep"); add (args, "0.05");
      add (args, "mousemove"); add (args, "--window"); add (args, target); add (args, x); add (args, y);
    }
  add (args, "sleep"); add (args, "0.3");
  add (args, "mouseup"); add (args, "1");
  xdotool_beside_loop (args);
}


/* ---- edits ---- */

/* Ctrl+Z once the change landed: its inverse goes to the server. */
static void
undo (Fixture *fx)
{
  g_assert_true (wait_for (no_pending, fx->engine, 20));
  x_keys (GTK_WINDOW (fx->window), "ctrl+z");
}

static gboolean
preview_shows (gpointer data)
{
  GtkWidget *preview = ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW);

  return preview != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (vz_content_preview_get_stack (VZ_CONTENT_PREVIEW (preview))),
                    data) == 0;
}

static gboolean
no_preview (gpointer data)
{
  return ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW) == NULL;
}

/* ---- tests ---- */

/*
 * Two files dragged together from another program's window onto the page
 * are uploaded: both land on the server and in the grid.
 */
static void
test_drop_files (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *png = write_png ("dropped-poster.png");
  g_autofree char *pdf = write_pdf ("dropped-menu.pdf");
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "vz-drag-source", NULL);
  g_autofree char *target = NULL;
  g_autofree char *source = NULL;
  g_autofree char *ready = NULL;
  g_autoptr(GSubprocess) dragger = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open (fx, monitor);
  fx->want = 0;
  g_assert_true (wait_for (shown_count_is, fx, 30));

  /* The app on the right, the other program on the left, side by side. */
  target = window_xid (GTK_WINDOW (fx->window));
  {
    const char *argv[] = { "xdotool", "windowmove", "--sync", target, "300", "0", NULL };

    g_free (xdotool_output (argv));
  }
  dragger = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, png, pdf, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (dragger));
  ready = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ready, ==, "ready");
  {
    const char *argv[] = { "xdotool", "search", "--sync", "--onlyvisible", "--name", "^vz-drag-source$", NULL };

    source = xdotool_output (argv);
  }
  {
    const char *argv[] = { "xdotool", "windowmove", "--sync", source, "0", "0", NULL };

    g_free (xdotool_output (argv));
  }
  spin (300);

  drag_files_onto_page (fx, source);

  fx->want = 2;
  g_assert_true (wait_for (server_total_is, fx, 30));
  g_assert_true (server_has_name (fx, "dropped-poster"));
  g_assert_true (server_has_name (fx, "dropped-menu"));
  g_assert_true (wait_for (shown_count_is, fx, 10));
  fx->want = 0;
  g_assert_true (wait_for (uploads_listed_is, fx, 10));

  g_subprocess_force_exit (dragger);
  g_subprocess_wait (dragger, NULL, NULL);
  fixture_close (fx);
}

/* The files the chooser gives (content.upload-files, what its Upload
 * button leads to) go up, several at once; the list of uploads empties. */
static void
test_chooser_files (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *png = write_png ("chosen-poster.png");
  g_autofree char *pdf = write_pdf ("chosen-menu.pdf");
  g_autofree char *mp4 = write_mp4 ("chosen-clip.mp4", 1024 * 1024);
  const char *paths[] = { png, pdf, mp4, NULL };
  VzContentPreview *preview;
  GFile *played;
  g_autoptr(GFileInfo) info = NULL;

  fixture_open (fx, monitor);
  fx->want = 0;
  g_assert_true (wait_for (shown_count_is, fx, 30));

  upload_paths (fx, paths);
  fx->want = 3;
  g_assert_true (wait_for (server_total_is, fx, 30));
  g_assert_true (server_has_name (fx, "chosen-poster"));
  g_assert_true (wait_for (shown_count_is, fx, 10));
  fx->want = 0;
  g_assert_true (wait_for (uploads_listed_is, fx, 10));

  /* The picture's cell shows its thumbnail from the server; the PDF's a
   * badge in words (not a colour alone). */
  {
    CellQuery query = { fx, "chosen-poster" };

    g_assert_true (wait_for (cell_shows_thumbnail, &query, 20));
  }
  g_assert_cmpstr (cell_badge (fx, "chosen-poster", "vz-content-type"), ==, "Image");
  g_assert_cmpstr (cell_badge (fx, "chosen-menu", "vz-content-type"), ==, "PDF");

  /* Preview: the picture, downloaded with the token and shown. */
  click_cell (fx, "chosen-poster");
  click_action (fx, "content.preview");
  g_assert_true (wait_for (preview_shows, (gpointer) "picture", 20));
  preview = VZ_CONTENT_PREVIEW (ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW));
  g_assert_nonnull (gtk_picture_get_paintable (vz_content_preview_get_picture (preview)));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (gtk_picture_get_paintable (vz_content_preview_get_picture (preview))),
                   ==, 64);
  x_keys (GTK_WINDOW (preview), "Escape");
  g_assert_true (wait_for (no_preview, NULL, 10));

  /* The video plays in GtkVideo from its downloaded copy, the whole file. */
  click_cell (fx, "chosen-clip");
  click_action (fx, "content.preview");
  g_assert_true (wait_for (preview_shows, (gpointer) "video", 20));
  preview = VZ_CONTENT_PREVIEW (ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW));
  played = gtk_video_get_file (vz_content_preview_get_video (preview));
  g_assert_nonnull (played);
  info = g_file_query_info (played, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  g_assert_cmpint (g_file_info_get_size (info), ==, 1024 * 1024);
  x_keys (GTK_WINDOW (preview), "Escape");
  g_assert_true (wait_for (no_preview, NULL, 10));

  fixture_close (fx);
}

/*
 * Cancel, clicked while the upload is under way, stops it: the row goes,
 * and the server keeps nothing (no content, no unfinished file). The
 * server is stopped (SIGSTOP) while the file goes, so that the upload is
 * certainly mid-stream when the click comes, whatever the machine's speed.
 */
static void
test_cancel_upload (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *mp4 = write_mp4 ("long-clip.mp4", 40 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (mp4);
  VzUpload *upload;
  GtkWidget *cancel;

  fixture_open (fx, monitor);
  fx->want = 0;
  g_assert_true (wait_for (shown_count_is, fx, 30));

  g_subprocess_send_signal (fx->server->process, SIGSTOP);
  vz_content_page_upload_files (fx->page, &file, 1);
  upload = first_upload (fx);
  g_assert_nonnull (upload);
  g_assert_true (wait_for (upload_sent_some, upload, 10));
  spin (300);
  g_assert_cmpint (vz_upload_get_state (upload), ==, VZ_UPLOAD_STATE_SENDING);
  g_assert_cmpfloat (vz_upload_get_fraction (upload), <, 1.0);

  cancel = row_button (fx, upload, "upload.cancel");
  g_assert_nonnull (cancel);
  x_click (cancel, NULL, 1);
  fx->want = 0;
  g_assert_true (wait_for (uploads_listed_is, fx, 10));
  g_subprocess_send_signal (fx->server->process, SIGCONT);

  g_assert_true (wait_for (no_unfinished_uploads, fx, 20));
  fx->want = 0;
  g_assert_true (server_total_is (fx));
  g_assert_true (shown_count_is (fx));

  fixture_close (fx);
}

/* A file whose bytes are no picture, video or PDF (the wrong magic) is
 * refused by the server: its row says so in the server's words until
 * dismissed. */
static void
test_refused_file (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  static const char text[] = "These are notes, not a picture, whatever the name says.\n"
                             "They go on for a while so that the server reads enough of them.\n";
  g_autofree char *path = write_bytes ("notes.png", text, strlen (text));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  VzUpload *upload;
  GtkWidget *row, *label, *dismiss;

  fixture_open (fx, monitor);
  fx->want = 0;
  g_assert_true (wait_for (shown_count_is, fx, 30));

  vz_content_page_upload_files (fx->page, &file, 1);
  upload = first_upload (fx);
  g_assert_true (wait_for (upload_failed, upload, 30));
  row = ui_find_widget (GTK_WIDGET (fx->page), match_upload_row, upload);
  label = ui_find_widget (row, match_error_label, NULL);
  g_assert_true (wait_for (row_label_mapped, label, 10));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "“notes.png” was not uploaded: "));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)),
                            "The file is not an image, video or PDF this server accepts"));
  g_assert_nonnull (row_button (fx, upload, "upload.retry"));

  dismiss = row_button (fx, upload, "upload.cancel");
  x_click (dismiss, NULL, 1);
  fx->want = 0;
  g_assert_true (wait_for (uploads_listed_is, fx, 10));
  g_assert_true (server_total_is (fx));

  fixture_close (fx);
}


static gboolean
toast_says_removed (gpointer data)
{
  Fixture *fx = data;
  const char *toast = _vz_window_get_last_toast (fx->window);

  return toast != NULL && strstr (toast, "taken out of 1 playlist item") != NULL;
}

static void
xdotool_type (const char *text)
{
  const char *argv[] = { "xdotool", "type", "--delay", "30", text, NULL };

  g_free (xdotool_output (argv));
  spin (200);
}

/*
 * Edits of the selected content, each from the page as a person makes
 * them (clicks, keys), each shown and on the server, each undone with
 * Ctrl+Z: name and duration, a tag, archive (the Archived filter shows it),
 * and delete (asked first: Enter keeps it; the Delete button deletes it and
 * the playlist item that played it).
 */
static void
test_edits (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *id = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *playlist_body = NULL;
  g_autofree char *has_tag = NULL;
  g_autofree char *lacks_tag = NULL;
  VzContentEditDialog *edit;
  AdwMessageDialog *confirm;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  id = vz_test_server_create (fx->server, fx->token, "/content",
                              "{\"name\":\"Lobby welcome\",\"type\":\"url\",\"url\":\"https://example.com/w\"}");
  tag = vz_test_server_create (fx->server, fx->token, "/tags", "{\"name\":\"Lobby\",\"color\":\"#3584e4\"}");
  playlist_body = g_strdup_printf ("{\"name\":\"Morning\",\"items\":[{\"contentId\":\"%s\"}]}", id);
  playlist = vz_test_server_create (fx->server, fx->token, "/playlists", playlist_body);
  has_tag = g_strdup_printf ("tag:%s", tag);
  lacks_tag = g_strdup_printf ("!tag:%s", tag);
  fixture_open (fx, monitor);
  expect_cell (fx, "Lobby welcome", TRUE);

  /* Name and duration: Edit…, type, Enter. */
  click_cell (fx, "Lobby welcome");
  click_action (fx, "content.edit");
  spin (300);
  edit = VZ_CONTENT_EDIT_DIALOG (ui_find_toplevel (VZ_TYPE_CONTENT_EDIT_DIALOG));
  g_assert_nonnull (edit);
  x_keys (GTK_WINDOW (edit), "ctrl+a");
  xdotool_type ("Hall welcome");
  gtk_spin_button_set_value (vz_content_edit_dialog_get_duration (edit), 25);
  x_keys (GTK_WINDOW (edit), "Return");
  expect_cell (fx, "Hall welcome", TRUE);
  expect_server (fx, id, "name", "Hall welcome");
  expect_server (fx, id, "duration", "25");
  g_assert_cmpstr (_vz_window_get_last_toast (fx->window), ==, "Changed “Lobby welcome”");
  undo (fx);
  expect_cell (fx, "Lobby welcome", TRUE);
  expect_server (fx, id, "name", "Lobby welcome");
  expect_server (fx, id, "duration", "10");

  /* Preview of a web page: its address. */
  click_cell (fx, "Lobby welcome");
  click_action (fx, "content.preview");
  g_assert_true (wait_for (preview_shows, (gpointer) "web", 10));
  g_assert_cmpstr (vz_content_preview_get_text (VZ_CONTENT_PREVIEW (ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW))), ==,
                   "https://example.com/w");
  x_keys (GTK_WINDOW (ui_find_toplevel (VZ_TYPE_CONTENT_PREVIEW)), "Escape");
  g_assert_true (wait_for (no_preview, NULL, 10));

  /* A tag: the tags menu's "Add “Lobby”"; the Lobby filter shows it. */
  click_cell (fx, "Lobby welcome");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->page), "content.add-tag", "s", tag));
  expect_server (fx, id, "tags", has_tag);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_widget (GTK_WIDGET (fx->page), match_dropdown, "Show content with one tag")), 1);
  expect_cell (fx, "Lobby welcome", TRUE);
  undo (fx);
  expect_server (fx, id, "tags", lacks_tag);
  expect_cell (fx, "Lobby welcome", FALSE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_widget (GTK_WIDGET (fx->page), match_dropdown, "Show content with one tag")), 0);
  expect_cell (fx, "Lobby welcome", TRUE);

  /* Archive: the cell leaves the grid; the Archived filter shows it with
   * its badge; Ctrl+Z brings it back. */
  click_cell (fx, "Lobby welcome");
  click_action (fx, "content.archive");
  expect_server (fx, id, "status", "archived");
  expect_cell (fx, "Lobby welcome", FALSE);
  x_click (ui_find_widget (GTK_WIDGET (fx->page), match_button_label, "_Archived"), NULL, 1);
  expect_cell (fx, "Lobby welcome", TRUE);
  g_assert_cmpstr (cell_badge (fx, "Lobby welcome", "vz-content-archived"), ==, "Archived");
  undo (fx);
  expect_server (fx, id, "status", "active");
  expect_cell (fx, "Lobby welcome", FALSE);
  x_click (ui_find_widget (GTK_WIDGET (fx->page), match_button_label, "_Archived"), NULL, 1);
  expect_cell (fx, "Lobby welcome", TRUE);

  /* Delete asks first, saying what goes with it; Enter does not delete. */
  click_cell (fx, "Lobby welcome");
  click_action (fx, "content.delete");
  spin (300);
  confirm = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "1 playlist item"));
  x_keys (GTK_WINDOW (confirm), "Return");
  spin (500);
  g_assert_null (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  expect_server (fx, id, "name", "Lobby welcome");

  click_action (fx, "content.delete");
  spin (300);
  confirm = ADW_MESSAGE_DIALOG (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  x_click (ui_find_widget (GTK_WIDGET (confirm), match_button_label, "_Delete"), NULL, 1);
  expect_cell (fx, "Lobby welcome", FALSE);
  expect_server (fx, id, NULL, NULL);
  g_assert_true (wait_for (toast_says_removed, fx, 20));

  fixture_close (fx);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/content/drop-files", test_drop_files);
  g_test_add_func ("/ui/content/chooser-files", test_chooser_files);
  g_test_add_func ("/ui/content/cancel-upload", test_cancel_upload);
  g_test_add_func ("/ui/content/refused-file", test_refused_file);
  g_test_add_func ("/ui/content/edits", test_edits);
}

int
main (int   argc,
      char *argv[])
{
  return content_test_main (argc, argv, "ui-content", add_tests);
}
