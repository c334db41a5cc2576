/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-content-upload"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "upload-test-util.h"
#include "vz-content-resource.h"
#include "vz-content-download.h"
#include "vz-content-thumbnails.h"
#include "vz-content-upload.h"
#include "vz-tag-resource.h"
#include "vz-session.h"
#include "vz-test-run.h"
#include "vz-test-server.h"

#if defined(__SANITIZE_ADDRESS__)
#define VZ_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VZ_TEST_UNDER_ASAN 1
#endif
#endif
#ifndef VZ_TEST_UNDER_ASAN
#define VZ_TEST_UNDER_ASAN 0
#endif


/*
 * Uploads and the content and playlist commands against the real
 * vizora-server: the core's streamed upload (progress, cancel, the checks
 * made before sending, the server's refusals), and vizoractl upload,
 * playlists and playlist show|reorder, the real binary.
 */

static VzTestServer *server;
static char *token;
static char *dir;

static JsonObject *
rest (const char *method,
      const char *path,
      const char *json,
      guint       expected)
{
  g_autoptr(JsonNode) body = NULL;
  guint status = vz_test_server_request (server, method, path, token, json, &body);
  JsonNode *data;

  if (status != expected)
    g_error ("%s %s: %u, not %u", method, path, status, expected);
  data = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_object_get_member (json_node_get_object (body), "data") : NULL;
  return data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_object_ref (json_node_get_object (data)) : NULL;
}

static gint64
content_total (void)
{
  g_autoptr(JsonObject) list = rest ("GET", "/content", NULL, 200);

  return json_object_get_int_member (json_object_get_object_member (list, "meta"), "total");
}

static char *
write_file (const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

/* A PDF of @size bytes: its header, zeros (a sparse file), its end marker. */
static char *
write_pdf (const char *name,
           goffset     size)
{
  char *path = g_build_filename (dir, name, NULL);
  FILE *file = fopen (path, "wb");
  static const char head[] = "%PDF-1.4\n";
  static const char tail[] = "\n%%EOF\n";

  g_assert_nonnull (file);
  g_assert_cmpint (fwrite (head, 1, strlen (head), file), ==, strlen (head));
  g_assert_cmpint (fseeko (file, size - (goffset) strlen (tail), SEEK_SET), ==, 0);
  g_assert_cmpint (fwrite (tail, 1, strlen (tail), file), ==, strlen (tail));
  g_assert_cmpint (fclose (file), ==, 0);
  return path;
}

typedef struct {
  VzSession    *session;
  VzSyncEngine *engine;
} App;

static void
app_init (App *app)
{
  app->session = vz_session_new (server->url);
  vz_api_client_set_access_token (vz_session_get_api_client (app->session), token);
  app->engine = vz_sync_engine_new (app->session);
}

static void
app_clear (App *app)
{
  g_clear_object (&app->engine);
  g_clear_object (&app->session);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (App, app_clear)

typedef struct {
  guint         calls;
  goffset       sent;
  goffset       total;
  goffset       cancel_after;
  GCancellable *cancellable;
} Progress;

static void
on_progress (goffset  sent,
             goffset  total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpint (sent, >=, progress->sent);
  g_assert_cmpint (sent, <=, total);
  progress->calls++;
  progress->sent = sent;
  progress->total = total;
  if (progress->cancel_after > 0 && sent > progress->cancel_after)
    g_cancellable_cancel (progress->cancellable);
}

static VzContent *
upload_with_key (App         *app,
                 const char  *path,
                 const char  *name,
                 const char  *key,
                 Progress    *progress,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  vz_sync_engine_upload_content_async (app->engine, file, name, key, progress != NULL ? on_progress : NULL, progress,
                                       NULL, progress != NULL ? progress->cancellable : NULL, vz_test_keep_result,
                                       &result);
  return vz_sync_engine_upload_content_finish (app->engine, vz_test_wait_result (&result), error);
}

static VzContent *
upload (App         *app,
        const char  *path,
        const char  *name,
        Progress    *progress,
        GError     **error)
{
  return upload_with_key (app, path, name, NULL, progress, error);
}

/* ------------------------------------------------------------------------ */

static void
test_picture (void)
{
  g_auto(App) app = { 0 };
  g_autoptr(GBytes) png = test_make_png (64, 48, 7);
  g_autofree char *path = write_file ("poster.png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  g_autofree char *content_path = NULL;
  Progress progress = { 0 };

  app_init (&app);
  content = upload (&app, path, "Spring poster", &progress, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_content_get_name (content), ==, "Spring poster");
  g_assert_cmpstr (vz_content_get_content_type (content), ==, "image");
  g_assert_cmpint (vz_content_get_file_size (content), ==, g_bytes_get_size (png));
  g_assert_true (vz_store_lookup (vz_sync_engine_get_content (app.engine), vz_entity_get_id (VZ_ENTITY (content))) ==
                 (gpointer) content);
  /* The whole request went out, the file and its form around it. */
  g_assert_cmpuint (progress.calls, >, 0);
  g_assert_cmpint (progress.sent, ==, progress.total);
  g_assert_cmpint (progress.total, >, (goffset) g_bytes_get_size (png));

  content_path = g_strdup_printf ("/content/%s", vz_entity_get_id (VZ_ENTITY (content)));
  on_server = rest ("GET", content_path, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (on_server, "name"), ==, "Spring poster");
}

/* The same upload sent again with its Idempotency-Key (its first answer
 * was lost) gets the first answer back: one row on the server, not two. */
static void
test_same_key (void)
{
  g_auto(App) app = { 0 };
  g_autoptr(GBytes) png = test_make_png (32, 32, 3);
  g_autofree char *path = write_file ("again.png", png);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) first = NULL;
  g_autoptr(VzContent) again = NULL;
  g_autoptr(VzContent) other = NULL;
  gint64 before = content_total ();

  app_init (&app);
  first = upload_with_key (&app, path, "Once", key, NULL, &error);
  g_assert_no_error (error);
  again = upload_with_key (&app, path, "Once", key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (again)), ==, vz_entity_get_id (VZ_ENTITY (first)));
  g_assert_cmpint (content_total (), ==, before + 1);

  /* Without the key the same file is new content (stored once on disk). */
  other = upload (&app, path, "Twice", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (other)), !=, vz_entity_get_id (VZ_ENTITY (first)));
  g_assert_cmpint (content_total (), ==, before + 2);
}

static GBytes *
load_thumbnail (VzContentThumbnails *thumbnails,
                const char          *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  vz_content_thumbnails_load_async (thumbnails, url, NULL, vz_test_keep_result, &result);
  bytes = vz_content_thumbnails_load_finish (thumbnails, vz_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return bytes;
}

/* Thumbnails come through the session (its token) once, then from memory;
 * a cache with no room asks every time. */
static void
test_thumbnails (void)
{
  g_auto(App) app = { 0 };
  g_autoptr(GBytes) png = test_make_png (120, 80, 5);
  g_autofree char *path = write_file ("thumbnailed.png", png);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  g_autoptr(VzContentThumbnails) thumbnails = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) uncached = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();

  app_init (&app);
  content = upload (&app, path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vz_content_get_thumbnail (content));

  thumbnails = vz_content_thumbnails_new (app.session);
  first = load_thumbnail (thumbnails, vz_content_get_thumbnail (content));
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, first, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vz_content_thumbnails_get_requests (thumbnails), ==, 1);
  g_assert_cmpuint (vz_content_thumbnails_get_cached_bytes (thumbnails), ==, g_bytes_get_size (first));
  again = load_thumbnail (thumbnails, vz_content_get_thumbnail (content));
  g_assert_true (g_bytes_equal (first, again));
  g_assert_cmpuint (vz_content_thumbnails_get_requests (thumbnails), ==, 1);

  g_object_set (thumbnails, "cache-limit", (guint64) 0, NULL);
  g_assert_cmpuint (vz_content_thumbnails_get_cached_bytes (thumbnails), ==, 0);
  uncached = load_thumbnail (thumbnails, vz_content_get_thumbnail (content));
  g_assert_cmpuint (vz_content_thumbnails_get_requests (thumbnails), ==, 2);

  /* The views of one session share one cache while any holds it. */
  {
    g_autoptr(VzContentThumbnails) page = vz_content_thumbnails_for_session (app.session);
    g_autoptr(VzContentThumbnails) editor = vz_content_thumbnails_for_session (app.session);
    g_autoptr(GBytes) shown = NULL;
    g_autoptr(GBytes) cached = NULL;
    GWeakRef gone;

    g_assert_true (page == editor);
    g_assert_false (page == thumbnails);
    shown = load_thumbnail (page, vz_content_get_thumbnail (content));
    cached = vz_content_thumbnails_lookup (editor, vz_content_get_thumbnail (content));
    g_assert_nonnull (cached);
    g_assert_true (g_bytes_equal (cached, shown));
    g_assert_cmpuint (vz_content_thumbnails_get_requests (editor), ==, 1);

    /* Once the last view lets go, the cache goes with it. */
    g_weak_ref_init (&gone, page);
    g_clear_object (&page);
    g_clear_object (&editor);
    g_assert_null (g_weak_ref_get (&gone));
    g_weak_ref_clear (&gone);
    page = vz_content_thumbnails_for_session (app.session);
    g_assert_cmpuint (vz_content_thumbnails_get_requests (page), ==, 0);
  }
}

static void
test_refusals (void)
{
  g_auto(App) app = { 0 };
  g_autoptr(GBytes) text = g_bytes_new_static ("These are notes, not a picture.\n", 32);
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autofree char *notes = write_file ("notes.txt", text);
  g_autofree char *empty = write_file ("empty.png", nothing);
  g_autofree char *big = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  gint64 before = content_total ();
  FILE *file;

  app_init (&app);

  /* The server's own sentence, after the file's name. */
  content = upload (&app, notes, NULL, NULL, &error);
  g_assert_null (content);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_true (g_str_has_prefix (error->message, "“notes.txt” was not uploaded: "));
  g_assert_nonnull (strstr (error->message, "not an image, video or PDF"));
  g_clear_error (&error);

  /* Refused here, before any request. */
  content = upload (&app, empty, NULL, NULL, &error);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "“empty.png” is empty.");
  g_clear_error (&error);

  big = g_build_filename (dir, "huge.png", NULL);
  file = fopen (big, "wb");
  g_assert_nonnull (file);
  g_assert_cmpint (fwrite ("\x89PNG\r\n\x1a\n", 1, 8, file), ==, 8);
  g_assert_cmpint (fseeko (file, 11 * 1024 * 1024 - 1, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc (0, file), ==, 0);
  g_assert_cmpint (fclose (file), ==, 0);
  content = upload (&app, big, NULL, NULL, &error);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==, "“huge.png” is 11.0\u00a0MiB; files of its type may be at most 10.0\u00a0MiB.");
  g_clear_error (&error);

  g_assert_cmpint (content_total (), ==, before);
}

static void
test_cancel (void)
{
  g_auto(App) app = { 0 };
  g_autofree char *path = write_pdf ("manual.pdf", 40 * 1024 * 1024);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  gint64 before = content_total ();
  Progress progress = { .cancel_after = 2 * 1024 * 1024, .cancellable = cancellable };

  app_init (&app);
  content = upload (&app, path, NULL, &progress, &error);
  g_assert_null (content);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (progress.sent, <, progress.total);
  /* The server keeps nothing of it. */
  g_assert_true (test_wait_uploads_empty (server, 10));
  g_assert_cmpint (content_total (), ==, before);
}

typedef struct {
  VzContent  *content;
  const char *tag;
} TagWait;

static gboolean
shows_tag (gpointer data)
{
  TagWait *wait = data;

  return vz_content_has_tag (wait->content, wait->tag);
}

/* A web page, a tag made for it, the page tagged, then archived. */
static void
test_tags_and_archive (void)
{
  g_auto(App) app = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) page = NULL;
  g_autoptr(VzTag) tag = NULL;
  const char *page_ids[2] = { NULL, NULL };
  const char *tag_ids[2] = { NULL, NULL };
  TagWait wait;

  app_init (&app);
  vz_sync_engine_add_web_content_async (app.engine, "Menu", "url", "https://example.test/menu", 20, NULL,
                                        vz_test_keep_result, &result);
  page = vz_sync_engine_add_web_content_finish (app.engine, vz_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_content_get_content_type (page), ==, "url");
  g_assert_cmpint (vz_content_get_duration (page), ==, 20);
  g_clear_object (&result);

  vz_sync_engine_create_tag_async (app.engine, "Lobby", "#3584e4", NULL, vz_test_keep_result, &result);
  tag = vz_sync_engine_create_tag_finish (app.engine, vz_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_tag_get_name (tag), ==, "Lobby");
  g_assert_true (vz_store_lookup (vz_sync_engine_get_tags (app.engine), vz_entity_get_id (VZ_ENTITY (tag))) ==
                 (gpointer) tag);
  g_clear_object (&result);

  page_ids[0] = vz_entity_get_id (VZ_ENTITY (page));
  tag_ids[0] = vz_entity_get_id (VZ_ENTITY (tag));
  vz_sync_engine_tag_content_async (app.engine, page_ids, tag_ids, "add", NULL, vz_test_keep_result, &result);
  g_assert_true (vz_sync_engine_content_request_finish (app.engine, vz_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* The library is read again: the page shows its tag, the tag its use. */
  wait.content = page;
  wait.tag = tag_ids[0];
  while (!shows_tag (&wait))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vz_content_get_tag_names (page)[0], ==, "Lobby");

  vz_sync_engine_archive_content_async (app.engine, page_ids[0], NULL, vz_test_keep_result, &result);
  g_assert_true (vz_sync_engine_content_request_finish (app.engine, vz_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_content_get_status (page), ==, "archived");
}

/* An upload that lands while the first read of the library is still out
 * (the server's answers to reads, written at once, arrive a second late)
 * stays in the library when that read's older list arrives without it. */
static void
test_upload_during_first_read (void)
{
  g_autofree char *fault_dir = g_dir_make_tmp ("vizora-slow-XXXXXX", NULL);
  g_autofree char *fault = g_build_filename (fault_dir, "fault", NULL);
  g_autofree char *flag = g_strconcat ("--fault-file=", fault, NULL);
  const char *args[] = { flag, NULL };
  VzTestServer *slow = vz_test_server_start (args);
  g_autofree char *slow_token = vz_test_server_login (slow);
  g_autoptr(VzSession) session = vz_session_new (slow->url);
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GBytes) png = test_make_png (40, 30, 11);
  g_autofree char *path = write_file ("during-read.png", png);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  VzContent *listed;

  vz_api_client_set_access_token (vz_session_get_api_client (session), slow_token);
  engine = vz_sync_engine_new (session);
  g_file_set_contents (fault, "slow 50 GET", -1, &error);
  g_assert_no_error (error);
  vz_sync_engine_start (engine);
  g_assert_true (vz_sync_engine_get_loading (engine));

  vz_sync_engine_upload_content_async (engine, file, "During the read", NULL, NULL, NULL, NULL, NULL,
                                       vz_test_keep_result, &result);
  content = vz_sync_engine_upload_content_finish (engine, vz_test_wait_result (&result), &error);
  g_assert_no_error (error);
  /* The read is still out: its lists were written before the upload. */
  g_assert_false (vz_sync_engine_get_loaded (engine));

  while (!vz_sync_engine_get_loaded (engine))
    g_main_context_iteration (NULL, TRUE);
  listed = vz_store_lookup (vz_sync_engine_get_content (engine), vz_entity_get_id (VZ_ENTITY (content)));
  g_assert_nonnull (listed);
  g_assert_cmpstr (vz_content_get_name (listed), ==, "During the read");

  vz_sync_engine_stop (engine);
  g_clear_object (&engine);
  vz_test_server_free (slow);
  vz_test_remove_tree (fault_dir);
}

/* A preview's download whose sign-in token has expired renews the token
 * with the session's refresh cookie and fetches the file, as every other
 * request does; without it the preview said "HTTP 401". */
static void
test_download_after_token_expired (void)
{
  const char *args[] = { "--access-token-ttl", "2", NULL };
  VzTestServer *short_lived = vz_test_server_start (args);
  g_autoptr(VzSession) session = vz_session_new (short_lived->url);
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GBytes) png = test_make_png (24, 24, 5);
  g_autofree char *path = write_file ("expiring.png", png);
  g_autofree char *copy_path = g_build_filename (dir, "expiring-copy.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  g_autofree char *first_token = NULL;
  g_autofree char *fetched = NULL;
  gsize fetched_len;
  gint64 until;

  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_keep_result, &result);
  g_assert_true (vz_session_login_finish (session, vz_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  engine = vz_sync_engine_new (session);
  vz_sync_engine_upload_content_async (engine, file, "Expiring", NULL, NULL, NULL, NULL, NULL,
                                       vz_test_keep_result, &result);
  content = vz_sync_engine_upload_content_finish (engine, vz_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  first_token = g_strdup (vz_session_get_access_token (session));
  until = g_get_monotonic_time () + 2500 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (20 * 1000);

  vz_content_download_async (session, content, copy, NULL, vz_test_keep_result, &result);
  g_assert_true (vz_content_download_finish (vz_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_session_get_access_token (session), !=, first_token);
  g_assert_true (g_file_get_contents (copy_path, &fetched, &fetched_len, NULL));
  g_assert_cmpmem (fetched, fetched_len, g_bytes_get_data (png, NULL), g_bytes_get_size (png));

  g_clear_object (&engine);
  vz_test_server_free (short_lived);
}

/* ------------------------------------------------------------------------ */
/* vizoractl                                                                */

static void
run_cli (VzTestRun *run,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) vz_test_require_bin ("VIZORACTL_BIN"));
  g_ptr_array_add (argv, "--server");
  g_ptr_array_add (argv, server->url);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", token, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "VIZORA_SERVER");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  vz_test_run (run, launcher, (const char * const *) argv->pdata);
}

/* vizoractl streams a 45 MB file: its memory stays far below the file. */
static void
test_cli_upload (void)
{
  g_autofree char *path = write_pdf ("catalogue.pdf", 45 * 1024 * 1024);
  g_autoptr(GBytes) png = test_make_png (32, 32, 3);
  g_autofree char *picture = write_file ("logo.png", png);
  g_autoptr(JsonNode) line = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(VzTestRun) run = { 0 };
  g_auto(VzTestRun) two = { 0 };
  struct rusage usage;

  run_cli (&run, "upload", "--json", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  line = json_from_string (run.out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "type"), ==, "pdf");
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  /* ru_maxrss is in KiB: under the 45 MiB of the file, which vizoractl
   * would need on top of its own (about 10 MiB) if it held the file whole.
   * Under AddressSanitizer the figure is the sanitizer's as much as the
   * program's (shadow memory, and freed blocks kept in quarantine to catch
   * their use: 31 to 43 MiB for the same upload), so it is only shown. */
  g_test_message ("vizoractl's peak memory: %ld KiB", usage.ru_maxrss);
#if VZ_TEST_UNDER_ASAN
  g_test_message ("Not checked under AddressSanitizer");
#else
  g_assert_cmpint (usage.ru_maxrss, <, 30 * 1024);
#endif

  /* Several files; one the server refuses: the others still go, exit 1. */
  run_cli (&two, "upload", picture, "/nonexistent/nothing.png", NULL);
  g_assert_cmpint (two.status, ==, 1);
  g_test_message ("%s", two.out);
  g_assert_true (g_str_has_prefix (two.out, "Uploaded “logo.png” as “logo"));
  g_assert_nonnull (strstr (two.err, "“nothing.png” cannot be read"));
}

static void
test_cli_playlists (void)
{
  g_autoptr(GString) items = g_string_new (NULL);
  g_autoptr(JsonObject) playlist = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_auto(VzTestRun) list = { 0 };
  g_auto(VzTestRun) show = { 0 };
  g_auto(VzTestRun) reorder = { 0 };
  g_auto(VzTestRun) partial = { 0 };
  g_auto(VzTestRun) same = { 0 };
  const char *id;
  JsonArray *shown;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\":\"Page %c\",\"type\":\"url\",\"url\":\"https://example.test/%u\"}",
                                               'A' + i, i);
      g_autoptr(JsonObject) content = rest ("POST", "/content", json, 201);

      g_string_append_printf (items, "%s{\"contentId\":\"%s\",\"duration\":%u}", i > 0 ? "," : "",
                              json_object_get_string_member (content, "id"), 20 + i);
    }
  body = g_strdup_printf ("{\"name\":\"Lobby loop\",\"items\":[%s]}", items->str);
  playlist = rest ("POST", "/playlists", body, 201);
  id = json_object_get_string_member (playlist, "id");

  run_cli (&list, "playlists", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "Lobby loop"));
  g_assert_nonnull (strstr (list.out, "1:03"));    /* 20 + 21 + 22 s */

  run_cli (&show, "playlist", "show", id, NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_true (strstr (show.out, "Page A") < strstr (show.out, "Page B"));
  g_assert_true (strstr (show.out, "Page B") < strstr (show.out, "Page C"));

  /* By the numbers show prints: C, A, B. */
  run_cli (&reorder, "playlist", "reorder", id, "3", "1", "2", NULL);
  g_assert_cmpint (reorder.status, ==, 0);
  g_assert_cmpstr (reorder.out, ==, "Reordered “Lobby loop”.\n");
  path = g_strdup_printf ("/playlists/%s", id);
  after = rest ("GET", path, NULL, 200);
  shown = json_object_get_array_member (after, "items");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (shown, 0),
                                                                                 "content"), "name"), ==, "Page C");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (shown, 2),
                                                                                 "content"), "name"), ==, "Page B");

  /* Every item exactly once, else a sentence and no change. */
  run_cli (&partial, "playlist", "reorder", id, "1", NULL);
  g_assert_cmpint (partial.status, ==, 2);
  g_assert_nonnull (strstr (partial.err, "every item of the playlist exactly once"));
  run_cli (&same, "playlist", "reorder", id, "1", "2", "3", NULL);
  g_assert_cmpint (same.status, ==, 0);
  g_assert_cmpstr (same.out, ==, "The playlist is already in this order.\n");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  dir = g_dir_make_tmp ("vizora-upload-XXXXXX", NULL);

  g_test_add_func ("/content-upload/picture", test_picture);
  g_test_add_func ("/content-upload/same-key", test_same_key);
  g_test_add_func ("/content-upload/thumbnails", test_thumbnails);
  g_test_add_func ("/content-upload/refusals", test_refusals);
  g_test_add_func ("/content-upload/cancel", test_cancel);
  g_test_add_func ("/content-upload/tags-and-archive", test_tags_and_archive);
  g_test_add_func ("/content-upload/cli-upload", test_cli_upload);
  g_test_add_func ("/content-upload/cli-playlists", test_cli_playlists);
  /* These start servers of their own, which count in RUSAGE_CHILDREN once
   * they are reaped: after cli-upload, which measures vizoractl by it. */
  g_test_add_func ("/content-upload/during-first-read", test_upload_during_first_read);
  g_test_add_func ("/content-upload/download-after-token-expired", test_download_after_token_expired);
  status = g_test_run ();

  vz_test_remove_tree (dir);
  g_free (dir);
  g_free (token);
  vz_test_server_free (server);
  return status;
}
