/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-analytics"

#include <adwaita.h>
#include <string.h>

#include "node-peer.h"
#include "vz-analytics-page.h"
#include "vz-proof-entry.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"

/*
 * The Analytics page against the real server: a screen (the official
 * socket.io-client) plays a content item twice; the page shows the summary,
 * the content played most and the two plays in the proof-of-play table, and
 * exports them as CSV through the file chooser (a path given in its name
 * entry, its Export button activated): the file holds what the server's
 * proof-of-play rows say, under the CSV header.
 */

static gboolean
plays_shown (gpointer data)
{
  return g_list_model_get_n_items (vz_analytics_page_get_plays (data)) == 2;
}

typedef struct {
  const char *path;
  const char *text;
} Holds;

static gboolean
file_holds (gpointer data)
{
  Holds *want = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (want->path, &text, NULL, NULL) && g_str_equal (text, want->text);
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The CSV the server's proof-of-play rows (newest first) make: the header,
 * then one line a play, oldest first. */
static char *
expected_csv (JsonArray *rows)
{
  GString *out = g_string_new ("timestamp,contentId,contentName,displayId,displayName,playlistId,duration_sec,"
                               "completion_percent\n");

  for (guint i = json_array_get_length (rows); i > 0; i--)
    {
      JsonObject *row = json_array_get_object_element (rows, i - 1);
      JsonObject *content = json_object_get_object_member (row, "content");
      JsonObject *display = json_object_get_object_member (row, "display");

      g_string_append_printf (out, "%s,%s,%s,%s,%s,%s,%g,%g\n",
                              json_object_get_string_member (row, "timestamp"),
                              json_object_get_string_member (row, "contentId"),
                              json_object_get_string_member (content, "name"),
                              json_object_get_string_member (row, "displayId"),
                              json_object_get_string_member (display, "nickname"),
                              json_object_get_string_member_with_default (row, "playlistId", ""),
                              json_object_get_double_member (row, "duration"),
                              json_object_get_double_member (row, "completionPercentage"));
    }
  return g_string_free (out, FALSE);
}

static gboolean
chooser_shown (gpointer data)
{
  return ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

static gboolean
summary_shows (gpointer data)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (data, "vz-analytics-figure", texts);
  return texts->len == 5 && g_str_equal (g_ptr_array_index (texts, 0), "1 of 1") &&
         g_str_equal (g_ptr_array_index (texts, 2), "2");
}

static void
test_analytics_page (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Lobby", &device_token);
  g_autoptr(NodePeer) screen = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *outbox_dir = g_dir_make_tmp ("vz-ui-analytics-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (outbox_dir, "plays.csv", NULL);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *expected = NULL;
  JsonObject *rows;
  g_autoptr(VzProofEntry) entry = NULL;
  JsonObject *content;
  VzSyncEngine *engine;
  VzWindow *window;
  VzAnalyticsPage *page;
  GtkWidget *chooser;
  GtkWidget *export_button;

  vz_test_require_node ();
  content = vz_test_server_data (server, "POST", "/content", token,
                                 "{\"name\":\"Welcome\",\"type\":\"url\",\"url\":\"https://example.com/\"}", 201, &keep);
  screen = node_peer_spawn (server->url, "plain", device_token, "websocket");
  json_object_unref (node_peer_expect (screen, "connect", NULL, 10000));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *command = g_strdup_printf ("{\"op\":\"emit\",\"name\":\"content:impression\",\"payload\":"
                                                  "{\"contentId\":\"%s\",\"duration\":10,\"completionPercentage\":100}}",
                                                  json_object_get_string_member (content, "id"));

      node_peer_command (screen, command);
    }
  test_iterate_for (500);

  engine = ui_start_engine (server->url, NULL, outbox_dir);
  window = ui_open_window (engine, 1000, 900);
  page = vz_window_get_analytics_page (window);
  spin (500);
  x_keys (GTK_WINDOW (window), "alt+6");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));

  /* The table: the two plays, with the screen's and the content's names. */
  g_assert_true (wait_for (plays_shown, page, 30));
  entry = g_list_model_get_item (vz_analytics_page_get_plays (page), 0);
  g_assert_cmpstr (vz_proof_entry_get_screen (entry), ==, "Lobby");
  g_assert_cmpstr (vz_proof_entry_get_content (entry), ==, "Welcome");
  /* Screens online, uptime, impressions, content, playlists. */
  g_assert_true (wait_for (summary_shows, page, 30));

  /* Export: the file chooser asks where, offering a .csv name; its name
   * entry is given a whole path (as one can type there) and its Export
   * button accepts. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "analytics.export-csv", NULL));
  g_assert_true (wait_for (chooser_shown, NULL, 10));
  chooser = ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (strstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ".csv"));
  g_assert_true (wait_for (widget_mapped, chooser, 10));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), csv_path);
  export_button = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_nonnull (export_button);
  g_assert_true (gtk_widget_get_mapped (export_button));
  g_assert_true (gtk_widget_activate (export_button));

  /* The file holds the server's CSV header and its plays, oldest first,
   * as the server lists them. */
  rows = vz_test_server_data (server, "GET", "/analytics/proof-of-play?limit=500", token, NULL, 200, &keep);
  expected = expected_csv (json_object_get_array_member (rows, "data"));
  g_assert_true (wait_for (file_holds, &(Holds) { csv_path, expected }, 30));
  g_assert_false (chooser_shown (NULL));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (g_strstrip (csv), "\n", -1);
  g_assert_cmpstr (lines[0], ==, "timestamp,contentId,contentName,displayId,displayName,playlistId,duration_sec,"
                                 "completion_percent");
  /* The header and the two plays. */
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[1], ",Welcome,"));
  g_assert_nonnull (strstr (lines[1], ",Lobby,"));

  ui_close_window (window);
  vz_sync_engine_stop (engine);
  g_object_unref (engine);
  vz_test_remove_tree (outbox_dir);
}

int
main (int   argc,
      char *argv[])
{
  vz_test_require_bin ("VIZORA_SERVER_BIN");
  ui_init_x11 (&argc, &argv);

  g_test_add_func ("/ui/analytics/page", test_analytics_page);

  return g_test_run ();
}
