/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-undo-delete"

/*
 * Undo of a delete, against the real vizora-server. Within the undo window
 * the delete waits in the outbox: Undo takes it back and the server never
 * hears of it; a quit or a crash in the window sends it after the restart,
 * once. After it landed, Undo makes the record again from the copy the
 * delete kept: a playlist with its items and the screens that played it, a
 * schedule with every field, a web page by its address; uploaded content
 * cannot come back, and its Undo entry says so before anyone asks.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "vz-content.h"
#include "vz-content-resource.h"
#include "vz-content-upload.h"
#include "vz-display-resource.h"
#include "vz-optimistic-client.h"
#include "vz-outbox.h"
#include "vz-playlist-resource.h"
#include "vz-schedule-resource.h"

/* A 1×1 PNG. */
#define PIXEL_PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *playlist_id;
  char         *screen_id;
  char         *clip_id;
  char         *page_id;
} Fixture;

static JsonObject *
rest (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *json,
      guint       expected)
{
  return rest_data (fixture->server, fixture->token, method, path, json, expected);
}

static char *
create_web_content (Fixture    *fixture,
                    const char *name)
{
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"https://example.com/%s\","
                                           "\"duration\":12}", name, name);
  return vz_test_server_create (fixture->server, fixture->token, "/content", json);
}

/* Morning: two items (12 s and 45 s), looping off, described, played by
 * the screen Lobby. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *screen_path = NULL;
  g_autoptr(JsonObject) screen = NULL;

  fixture->server = vz_test_server_start (NULL);
  fixture->token = vz_test_server_login (fixture->server);
  fixture->clip_id = create_web_content (fixture, "clip");
  fixture->page_id = create_web_content (fixture, "page");
  body = g_strdup_printf ("{\"name\":\"Morning\",\"description\":\"Before opening\",\"loop\":false,"
                          "\"items\":[{\"contentId\":\"%s\",\"duration\":12},{\"contentId\":\"%s\",\"duration\":45}]}",
                          fixture->page_id, fixture->clip_id);
  fixture->playlist_id = vz_test_server_create (fixture->server, fixture->token, "/playlists", body);
  fixture->screen_id = vz_test_server_pair_screen (fixture->server, fixture->token, "Lobby", NULL);
  screen_path = g_strdup_printf ("/displays/%s", fixture->screen_id);
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", fixture->playlist_id);
  screen = rest (fixture, "PATCH", screen_path, assign, 200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, client_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->playlist_id, g_free);
  g_clear_pointer (&fixture->screen_id, g_free);
  g_clear_pointer (&fixture->clip_id, g_free);
  g_clear_pointer (&fixture->page_id, g_free);
  vz_test_server_free (fixture->server);
}

static guint
server_status (Fixture    *fixture,
               const char *collection,
               const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", collection, id);

  return vz_test_server_request (fixture->server, "GET", path, fixture->token, NULL, NULL);
}

static void
delete_now (Client     *client,
            const char *kind,
            const char *id)
{
  const char *ids[] = { id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_delete_async (client->engine, kind, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (client->engine, result, &error));
  g_assert_no_error (error);
}

static gint64
a_minute_on (gpointer data)
{
  return g_get_real_time () + 60 * G_USEC_PER_SEC;
}

/* The undo window is over (as the outbox's clock says). */
static void
window_over (Client *client)
{
  vz_outbox_set_clock (vz_sync_engine_get_outbox (client->engine), a_minute_on, NULL, NULL);
}

static gboolean
outbox_settled (gpointer data)
{
  Client *client = data;
  VzOutboxSender *sender = vz_sync_engine_get_sender (client->engine);

  return vz_sync_engine_get_pending_count (client->engine) == 0 &&
         (sender == NULL || vz_outbox_sender_get_in_flight (sender) == 0);
}

/* After a restart in the window: the delete goes once the window is over,
 * and once only (nothing is left after another restart). */
static void
assert_sent_once (Fixture *fixture)
{
  window_over (fixture->a);
  wait_committed (fixture->a, 1);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 404);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
  client_restart (fixture->a);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 0);
  g_assert_cmpuint (fixture->a->committed, ==, 1);
}

/* Undo, which cannot: the sentence says why. */
static void
assert_undo_refused (Client     *client,
                     const char *sentence)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_undo_async (client->engine, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_false (vz_sync_engine_undo_finish (client->engine, result, &error));
  g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE);
  g_assert_cmpstr (error->message, ==, sentence);
}

/* ------------------------------------------------------------------------ */

/* Undo in the window: the playlist is back at once, nothing was sent, and
 * nothing is sent after the window either. */
static void
test_window_sends_nothing (Fixture       *fixture,
                           gconstpointer  data)
{
  VzStore *playlists;
  VzOutbox *outbox;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  vz_sync_engine_set_undo_window (fixture->a->engine, 30);
  playlists = vz_sync_engine_get_playlists (fixture->a->engine);
  outbox = vz_sync_engine_get_outbox (fixture->a->engine);

  delete_now (fixture->a, VZ_RESOURCE_PLAYLIST, fixture->playlist_id);
  g_assert_null (vz_store_lookup (playlists, fixture->playlist_id));
  g_assert_cmpstr (fixture->a->last_label, ==, "Deleted “Morning”");
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (fixture->a->engine), ==, 1);
  spin (200);
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 200);

  undo_now (fixture->a);
  g_assert_nonnull (vz_store_lookup (playlists, fixture->playlist_id));
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));

  window_over (fixture->a);
  spin (300);
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 200);
  g_assert_cmpuint (fixture->a->committed, ==, 0);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
}

/* Quit in the window: the delete waits in the journal, still unsent after
 * the restart while the window lasts, then goes once. */
static void
test_quit_then_restart (Fixture       *fixture,
                        gconstpointer  data)
{
  VzStore *playlists;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  vz_sync_engine_set_undo_window (fixture->a->engine, 30);
  delete_now (fixture->a, VZ_RESOURCE_PLAYLIST, fixture->playlist_id);

  client_restart (fixture->a);
  playlists = vz_sync_engine_get_playlists (fixture->a->engine);
  g_assert_null (vz_store_lookup (playlists, fixture->playlist_id));
  g_assert_cmpuint (vz_outbox_get_n_held (vz_sync_engine_get_outbox (fixture->a->engine)), ==, 1);
  spin (200);
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 200);
  assert_sent_once (fixture);
}

/* The app killed (-9) in the window: the restarted app sends it, once. The
 * child is this binary with --crash-child URL TOKEN JOURNAL PLAYLIST. */
static int
crash_child (char **argv)
{
  g_autoptr(VzSession) session = vz_session_new (argv[2]);
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Client client = { 0 };
  const char *ids[] = { argv[5], NULL };

  vz_session_resume_async (session, argv[3], NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_session_resume_finish (session, result, &error));
  g_clear_object (&result);

  engine = vz_sync_engine_new (session);
  client.engine = engine;
  vz_sync_engine_set_outbox_path (engine, argv[4]);
  vz_sync_engine_set_undo_window (engine, 30);
  vz_sync_engine_start (engine);
  wait_until (client_loaded, &client, 20000);

  vz_sync_engine_delete_async (engine, VZ_RESOURCE_PLAYLIST, ids, NULL, store_result, &result);
  wait_until (result_ready, &result, 10000);
  g_assert_true (vz_sync_engine_delete_finish (engine, result, &error));
  printf ("queued\n");
  fflush (stdout);
  /* Killed here, in the window. */
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
test_crash_then_restart (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-undo-crash-XXXXXX", &error);
  g_autofree char *journal = g_build_filename (dir, "outbox.journal", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_path, "--crash-child", fixture->server->url, fixture->token, journal,
                         fixture->playlist_id, NULL };
  g_autoptr(GIOChannel) out = NULL;
  g_autofree char *line = NULL;
  int out_fd, status;
  GPid pid;

  g_assert_no_error (error);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                           &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  g_assert_cmpint (g_io_channel_read_line (out, &line, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
  g_assert_cmpstr (line, ==, "queued\n");
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 200);

  /* The app again, on the same journal. */
  fixture->a = client_open (fixture->server, fixture->token, FALSE, dir);
  g_assert_null (vz_store_lookup (vz_sync_engine_get_playlists (fixture->a->engine), fixture->playlist_id));
  g_assert_cmpuint (vz_outbox_get_n_held (vz_sync_engine_get_outbox (fixture->a->engine)), ==, 1);
  assert_sent_once (fixture);
}

/* ------------------------------------------------------------------------ */

static JsonObject *
only_playlist (Fixture *fixture)
{
  g_autoptr(JsonObject) list = rest (fixture, "GET", "/playlists", NULL, 200);
  JsonArray *rows = json_object_get_array_member (list, "data");

  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  return json_object_ref (json_array_get_object_element (rows, 0));
}

static gboolean
screen_plays (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *path = g_strdup_printf ("/displays/%s", fixture->screen_id);
  g_autoptr(JsonObject) screen = rest (fixture, "GET", path, NULL, 200);
  g_autoptr(JsonObject) playlist = only_playlist (fixture);

  return g_strcmp0 (json_object_get_string_member (screen, "currentPlaylistId"),
                    json_object_get_string_member (playlist, "id")) == 0;
}

static char *
create_schedule (Fixture *fixture)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Breakfast\",\"description\":\"Weekday mornings\","
                                           "\"playlistId\":\"%s\",\"displayId\":\"%s\","
                                           "\"daysOfWeek\":[1,2,3,4,5],\"startTime\":480,\"endTime\":720,"
                                           "\"startDate\":\"2026-01-01\",\"endDate\":\"2026-06-30\","
                                           "\"priority\":5,\"isActive\":false}",
                                           fixture->playlist_id, fixture->screen_id);
  return vz_test_server_create (fixture->server, fixture->token, "/schedules", body);
}

static void
assert_same_schedule (JsonObject *a,
                      JsonObject *b)
{
  static const char * const members[] = {
    "name", "description", "startDate", "endDate", "startTime", "endTime", "daysOfWeek", "priority",
    "isActive", "playlistId", "displayId", "displayGroupId",
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *left = json_to_string (json_object_get_member (a, members[i]), FALSE);
      g_autofree char *right = json_to_string (json_object_get_member (b, members[i]), FALSE);

      g_test_message ("%s: %s", members[i], left);
      g_assert_cmpstr (left, ==, right);
    }
}

/* After the delete landed: Undo makes Morning again, with its description,
 * looping, items in order with their durations, its screen, and its
 * schedule, which the server deleted with it. */
static void
test_playlist_after_landing (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) screen = NULL;
  g_autofree char *screen_path = g_strdup_printf ("/displays/%s", fixture->screen_id);
  g_autofree char *schedule_id = create_schedule (fixture);
  g_autofree char *schedule_path = g_strdup_printf ("/schedules/%s", schedule_id);
  g_autoptr(JsonObject) schedule_before = rest (fixture, "GET", schedule_path, NULL, 200);
  g_autoptr(JsonObject) schedules = NULL;
  JsonObject *schedule_after;
  JsonArray *items;
  VzStore *playlists;
  const char *new_id;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  playlists = vz_sync_engine_get_playlists (fixture->a->engine);
  delete_now (fixture->a, VZ_RESOURCE_PLAYLIST, fixture->playlist_id);
  wait_committed (fixture->a, 1);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/playlists", fixture->playlist_id), ==, 404);
  g_assert_cmpuint (server_status (fixture, "/schedules", schedule_id), ==, 404);
  screen = rest (fixture, "GET", screen_path, NULL, 200);
  g_assert_true (json_object_get_null_member (screen, "currentPlaylistId"));
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Deleted “Morning”");

  /* Back at once (under its old id until the server answers, which may
   * already have happened), then on the server. */
  undo_now (fixture->a);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (playlists)), ==, 1);
  wait_until (outbox_settled, fixture->a, 20000);
  g_assert_cmpuint (fixture->a->failed, ==, 0);

  back = only_playlist (fixture);
  new_id = json_object_get_string_member (back, "id");
  g_assert_cmpstr (new_id, !=, fixture->playlist_id);
  g_assert_cmpstr (json_object_get_string_member (back, "name"), ==, "Morning");
  g_assert_cmpstr (json_object_get_string_member (back, "description"), ==, "Before opening");
  g_assert_false (json_object_get_boolean_member (back, "loop"));
  items = json_object_get_array_member (back, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "contentId"), ==,
                   fixture->page_id);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "duration"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 1), "contentId"), ==,
                   fixture->clip_id);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 1), "duration"), ==, 45);
  wait_until (screen_plays, fixture, 10000);

  /* Its schedule, the same but for the playlist's new id. */
  wait_until (outbox_settled, fixture->a, 20000);
  schedules = rest (fixture, "GET", "/schedules", NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (schedules, "data")), ==, 1);
  schedule_after = json_array_get_object_element (json_object_get_array_member (schedules, "data"), 0);
  g_assert_cmpstr (json_object_get_string_member (schedule_after, "playlistId"), ==, new_id);
  json_object_set_string_member (schedule_before, "playlistId", new_id);
  assert_same_schedule (schedule_before, schedule_after);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_schedules (fixture->a->engine))), ==, 1);
  g_assert_nonnull (vz_store_lookup (vz_sync_engine_get_schedules (fixture->a->engine),
                                     json_object_get_string_member (schedule_after, "id")));
  g_assert_cmpuint (fixture->a->failed, ==, 0);

  /* The store holds it under the server's id, the old one gone. */
  g_assert_null (vz_store_lookup (playlists, fixture->playlist_id));
  g_assert_nonnull (vz_store_lookup (playlists, new_id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (playlists)), ==, 1);
}

/* A schedule comes back with every field it had. */
static void
test_schedule_after_landing (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *id = create_schedule (fixture);
  g_autofree char *path = g_strdup_printf ("/schedules/%s", id);
  g_autoptr(JsonObject) before = rest (fixture, "GET", path, NULL, 200);
  g_autoptr(JsonObject) list = NULL;
  JsonArray *rows;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  delete_now (fixture->a, VZ_RESOURCE_SCHEDULE, id);
  wait_committed (fixture->a, 1);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/schedules", id), ==, 404);

  undo_now (fixture->a);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_schedules (fixture->a->engine))), ==, 1);
  wait_until (outbox_settled, fixture->a, 20000);
  g_assert_cmpuint (fixture->a->failed, ==, 0);

  list = rest (fixture, "GET", "/schedules", NULL, 200);
  rows = json_object_get_array_member (list, "data");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  assert_same_schedule (before, json_array_get_object_element (rows, 0));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_schedules (fixture->a->engine))), ==, 1);
}

static VzContent *
upload_pixel (Client *client)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vizora-undo-upload-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "pixel.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree guchar *png = NULL;
  VzContent *content;
  gsize len;

  g_assert_no_error (error);
  png = g_base64_decode (PIXEL_PNG, &len);
  g_assert_true (g_file_set_contents (path, (const char *) png, (gssize) len, &error));
  vz_sync_engine_upload_content_async (client->engine, file, "Pixel", NULL, NULL, NULL, NULL, NULL,
                                       store_result, &result);
  wait_until (result_ready, &result, 20000);
  content = vz_sync_engine_upload_content_finish (client->engine, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (content);
  g_remove (path);
  g_rmdir (dir);
  return content;
}

static VzContent *
add_site (Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VzContent *content;

  vz_sync_engine_add_web_content_async (client->engine, "Site", "url", "https://example.com/site", 20, NULL,
                                        store_result, &result);
  wait_until (result_ready, &result, 10000);
  content = vz_sync_engine_add_web_content_finish (client->engine, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (content);
  return content;
}

/* An uploaded file cannot come back: once its delete landed, the Undo entry
 * says so in words, and Undo says why instead of doing nothing. Web content
 * comes back. */
static void
test_content_after_landing (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(VzContent) pixel = NULL;
  g_autofree char *pixel_id = NULL;
  g_autoptr(VzContent) site = NULL;
  g_autofree char *site_id = NULL;
  VzStore *library;

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  library = vz_sync_engine_get_content (fixture->a->engine);
  pixel = upload_pixel (fixture->a);
  pixel_id = g_strdup (vz_entity_get_id (VZ_ENTITY (pixel)));

  delete_now (fixture->a, VZ_RESOURCE_CONTENT, pixel_id);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Deleted “Pixel”");
  wait_committed (fixture->a, 1);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/content", pixel_id), ==, 404);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==,
                   "Can no longer be undone: Deleted “Pixel”. The server no longer has the file of “Pixel”: "
                   "upload it again.");
  g_assert_true (vz_sync_engine_get_can_undo (fixture->a->engine));

  assert_undo_refused (fixture->a, "The server no longer has the file of “Pixel”: upload it again.");
  g_assert_null (vz_store_lookup (library, pixel_id));
  g_assert_false (vz_sync_engine_get_can_undo (fixture->a->engine));

  /* A web page is its address: it comes back when it is known here (the
   * list does not say it; the answer to adding one does). */
  delete_now (fixture->a, VZ_RESOURCE_CONTENT, fixture->clip_id);
  wait_committed (fixture->a, 2);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==,
                   "Can no longer be undone: Deleted “clip”. The address of “clip” was not known here: "
                   "add the web page again.");
  assert_undo_refused (fixture->a, "The address of “clip” was not known here: add the web page again.");

  site = add_site (fixture->a);
  site_id = g_strdup (vz_entity_get_id (VZ_ENTITY (site)));
  delete_now (fixture->a, VZ_RESOURCE_CONTENT, site_id);
  wait_committed (fixture->a, 3);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/content", site_id), ==, 404);
  g_assert_cmpstr (vz_sync_engine_get_undo_label (fixture->a->engine), ==, "Deleted “Site”");
  undo_now (fixture->a);
  wait_until (outbox_settled, fixture->a, 20000);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
  {
    g_autoptr(JsonObject) list = rest (fixture, "GET", "/content?search=Site", NULL, 200);
    JsonArray *rows = json_object_get_array_member (list, "data");
    g_autoptr(JsonObject) back = NULL;
    g_autofree char *path = NULL;

    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    path = g_strdup_printf ("/content/%s", json_object_get_string_member (json_array_get_object_element (rows, 0), "id"));
    back = rest (fixture, "GET", path, NULL, 200);
    g_assert_cmpstr (json_object_get_string_member (back, "type"), ==, "url");
    g_assert_cmpstr (json_object_get_string_member (back, "url"), ==, "https://example.com/site");
    g_assert_cmpint (json_object_get_int_member (back, "duration"), ==, 20);
    g_assert_nonnull (vz_store_lookup (library, json_object_get_string_member (back, "id")));
    g_assert_null (vz_store_lookup (library, site_id));
  }
}

typedef struct {
  Fixture    *fixture;
  const char *id;
} Lookup;

static gboolean
evening_known (gpointer data)
{
  Lookup *lookup = data;
  VzEntity *playlist = vz_store_lookup (vz_sync_engine_get_playlists (lookup->fixture->a->engine), lookup->id);

  return playlist != NULL && vz_playlist_get_item_count (VZ_PLAYLIST (playlist)) == 4;
}

/* "contentId:duration" of each item of the playlist on the server, "|"
 * between (duration "-" when the item has none of its own). */
static char *
server_items (Fixture    *fixture,
              const char *playlist_id)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", playlist_id);
  g_autoptr(JsonObject) playlist = rest (fixture, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (playlist, "items");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonNode *duration = json_object_get_member (item, "duration");

      if (i > 0)
        g_string_append_c (text, '|');
      g_string_append (text, json_object_get_string_member (item, "contentId"));
      if (duration != NULL && !JSON_NODE_HOLDS_NULL (duration))
        g_string_append_printf (text, ":%" G_GINT64_FORMAT, json_node_get_int (duration));
      else
        g_string_append (text, ":-");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  Fixture    *fixture;
  const char *playlist_id;
  const char *want;
} ServerItems;

static gboolean
server_items_are (gpointer data)
{
  ServerItems *query = data;
  g_autofree char *items = server_items (query->fixture, query->playlist_id);

  g_test_message ("on the server: %s", items);
  return g_strcmp0 (items, query->want) == 0;
}

/* Web content that a playlist played twice, deleted (the server takes its
 * items out), then Undo after it landed: it comes back, and into the
 * playlist where it was, each item playing as long as it did (the one
 * without a duration of its own played the content's 20 s); a playlist
 * that did not play it stays as it was; the app shows the same order. */
static void
test_content_in_playlists_after_landing (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(VzContent) site = NULL;
  g_autofree char *site_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *evening_id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *want = NULL;
  g_autofree char *morning_want = NULL;
  g_autoptr(JsonObject) evening = NULL;
  g_autoptr(JsonObject) list = NULL;
  const char *new_id;
  VzPlaylist *shown;
  Lookup lookup = { fixture, NULL };
  ServerItems query = { fixture, NULL, NULL };

  fixture->a = client_new (fixture->server, fixture->token, FALSE);
  site = add_site (fixture->a);
  site_id = g_strdup (vz_entity_get_id (VZ_ENTITY (site)));
  body = g_strdup_printf ("{\"name\":\"Evening\",\"items\":[{\"contentId\":\"%s\",\"duration\":12},"
                          "{\"contentId\":\"%s\",\"duration\":30},{\"contentId\":\"%s\",\"duration\":45},"
                          "{\"contentId\":\"%s\"}]}",
                          fixture->page_id, site_id, fixture->clip_id, site_id);
  evening = rest (fixture, "POST", "/playlists", body, 201);
  evening_id = g_strdup (json_object_get_string_member (evening, "id"));
  lookup.id = evening_id;
  vz_sync_engine_refresh (fixture->a->engine);
  wait_until (evening_known, &lookup, 10000);
  before = server_items (fixture, evening_id);
  g_assert_cmpstr (strstr (before, ":-"), !=, NULL);

  delete_now (fixture->a, VZ_RESOURCE_CONTENT, site_id);
  wait_committed (fixture->a, 1);
  wait_until (outbox_settled, fixture->a, 10000);
  g_assert_cmpuint (server_status (fixture, "/content", site_id), ==, 404);
  query.playlist_id = evening_id;
  want = g_strdup_printf ("%s:12|%s:45", fixture->page_id, fixture->clip_id);
  query.want = want;
  g_assert_true (server_items_are (&query));

  undo_now (fixture->a);
  wait_until (outbox_settled, fixture->a, 20000);
  g_assert_cmpuint (fixture->a->failed, ==, 0);
  list = rest (fixture, "GET", "/content?search=Site", NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "data")), ==, 1);
  new_id = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (list, "data"), 0),
                                          "id");
  g_assert_cmpstr (new_id, !=, site_id);

  /* Evening as it was, the new id where the old one stood. */
  g_free (want);
  want = g_strdup_printf ("%s:12|%s:30|%s:45|%s:20", fixture->page_id, new_id, fixture->clip_id, new_id);
  query.want = want;
  wait_until (server_items_are, &query, 10000);
  /* Morning never played it: untouched. */
  morning_want = g_strdup_printf ("%s:12|%s:45", fixture->page_id, fixture->clip_id);
  query.playlist_id = fixture->playlist_id;
  query.want = morning_want;
  g_assert_true (server_items_are (&query));

  /* The app shows the same. */
  shown = VZ_PLAYLIST (vz_store_lookup (vz_sync_engine_get_playlists (fixture->a->engine), evening_id));
  g_assert_nonnull (shown);
  g_assert_cmpuint (vz_playlist_get_item_count (shown), ==, 4);
  {
    GListModel *items = vz_playlist_get_items (shown);
    const char *expected[] = { fixture->page_id, new_id, fixture->clip_id, new_id };

    for (guint i = 0; i < 4; i++)
      {
        g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

        g_assert_cmpstr (vz_playlist_item_get_content_id (item), ==, expected[i]);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 6 && g_str_equal (argv[1], "--crash-child"))
    return crash_child (argv);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/undo-delete/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("window-sends-nothing", test_window_sends_nothing);
  ADD ("quit-then-restart", test_quit_then_restart);
  ADD ("crash-then-restart", test_crash_then_restart);
  ADD ("playlist-after-landing", test_playlist_after_landing);
  ADD ("schedule-after-landing", test_schedule_after_landing);
  ADD ("content-after-landing", test_content_after_landing);
  ADD ("content-in-playlists-after-landing", test_content_in_playlists_after_landing);

#undef ADD

  return g_test_run ();
}
