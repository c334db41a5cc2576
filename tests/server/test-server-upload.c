/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-upload"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "upload-test-util.h"

/*
 * POST /content/upload, GET /content/:id/file (with Range) and
 * GET /content/:id/thumbnail against the real vizora-server: good files of
 * each kind, the same file twice, and every bad upload, each leaving nothing
 * half-written on disk and the server answering afterwards.
 */

static VzTestServer *shared;

/* GStreamer registers thousands of quarks, and past 2,048 GLib leaves its
 * first quark array behind on purpose: allocated while libglib loads, which
 * tests/lsan.supp names (leak:_dl_init). The default fast unwinder cannot see
 * that far back, so this test (under AddressSanitizer) unwinds fully. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
static char *token;
static char *device_token;

static const char pdf_text[] =
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
  "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
  "trailer << /Root 1 0 R >>\n%%EOF\n";

static JsonObject *
upload_ok (const TestUpload  *upload,
           TestResponse     **keep)
{
  *keep = test_upload (shared, upload);
  return test_expect_object (*keep, 201);
}

static void
assert_server_alive (void)
{
  g_autoptr(TestResponse) health = test_http (shared, "GET", "/health", NULL, NULL, NULL, 0);

  g_assert_cmpuint (health->status, ==, 200);
}

/* A bad upload: @status with a message that says @fragment, and no file left behind. */
static void
expect_refused (const TestUpload *upload,
                guint             status,
                const char       *fragment)
{
  guint files_before = test_count_files (shared, "media/content");
  g_autoptr(TestResponse) response = test_upload (shared, upload);
  const char *message = test_expect_error (response, status);

  if (strstr (message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", message, fragment);
  g_assert_true (test_wait_uploads_empty (shared, 5));
  g_assert_cmpuint (test_count_files (shared, "media/content"), ==, files_before);
  assert_server_alive ();
}

static GdkPixbuf *
pixbuf_from (TestResponse *response)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (response->raw, &len);

  g_assert_true (gdk_pixbuf_loader_write (loader, data, len, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* GET @url (absolute) with @auth and @range (NULL: none). */
static TestResponse *
fetch (const char *url,
       const char *auth,
       const char *range)
{
  g_autofree char *header = range != NULL ? g_strconcat ("Range: ", range, NULL) : NULL;
  const char *headers[] = { header, NULL };

  return test_http (shared, "GET", url, auth, range != NULL ? headers : NULL, NULL, 0);
}

static void
test_image (void)
{
  g_autoptr(GBytes) png = test_make_png (640, 480, 1);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) file = NULL;
  g_autoptr(TestResponse) thumbnail = NULL;
  g_autoptr(TestResponse) detail = NULL;
  g_autoptr(GdkPixbuf) picture = NULL;
  g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  g_autofree char *stored = NULL;
  g_autofree char *detail_path = NULL;
  g_autofree char *file_url = NULL;
  g_autofree char *thumbnail_url = NULL;
  TestUpload upload = { .token = token, .filename = "Lobby Poster.png", .part_type = "image/png" };
  JsonObject *data, *content, *metadata;
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  data = upload_ok (&upload, &created);
  content = json_object_get_object_member (data, "content");
  g_assert_cmpstr (json_object_get_string_member (data, "fileHash"), ==, hash);
  g_assert_cmpstr (json_object_get_string_member (content, "name"), ==, "Lobby Poster");
  g_assert_cmpstr (json_object_get_string_member (content, "type"), ==, "image");
  g_assert_cmpstr (json_object_get_string_member (content, "mimeType"), ==, "image/png");
  g_assert_cmpint (json_object_get_int_member (content, "fileSize"), ==, (gint64) len);
  g_assert_cmpint (json_object_get_int_member (content, "duration"), ==, 10);
  metadata = json_object_get_object_member (content, "metadata");
  g_assert_cmpint (json_object_get_int_member (metadata, "width"), ==, 640);
  g_assert_cmpint (json_object_get_int_member (metadata, "height"), ==, 480);
  g_assert_cmpstr (json_object_get_string_member (metadata, "originalName"), ==, "Lobby Poster.png");

  /* Stored by its hash, nothing left in the uploads folder. */
  stored = g_build_filename (shared->data_dir, "media", "content", hash, NULL);
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (test_count_files (shared, "media/uploads"), ==, 0);

  /* The addresses are absolute, and serve the bytes and a 320-pixel PNG. */
  file_url = g_strdup (json_object_get_string_member (content, "url"));
  thumbnail_url = g_strdup (json_object_get_string_member (content, "thumbnail"));
  g_assert_true (g_str_has_prefix (file_url, shared->url));
  g_assert_true (g_str_has_suffix (file_url, "/file"));
  g_assert_true (g_str_has_suffix (thumbnail_url, "/thumbnail"));
  file = fetch (file_url, token, NULL);
  g_assert_cmpuint (file->status, ==, 200);
  g_assert_true (g_bytes_equal (file->raw, png));
  g_assert_cmpstr (soup_message_headers_get_content_type (file->headers, NULL), ==, "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (file->headers, "Accept-Ranges"), ==, "bytes");
  thumbnail = fetch (thumbnail_url, token, NULL);
  g_assert_cmpuint (thumbnail->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (thumbnail->headers, NULL), ==, "image/png");
  picture = pixbuf_from (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (picture), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (picture), ==, 240);

  /* The list and the detail show the same item. */
  detail_path = g_strconcat ("/content/", json_object_get_string_member (content, "id"), NULL);
  detail = test_http (shared, "GET", detail_path, token, NULL, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (detail, 200), "thumbnail"), ==, thumbnail_url);
}

static void
test_name_field (void)
{
  g_autoptr(GBytes) png = test_make_png (40, 30, 2);
  g_autoptr(TestResponse) created = NULL;
  TestUpload upload = { .token = token, .filename = "x.png", .name = "Menu <b>board</b>" };
  JsonObject *content;
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  content = json_object_get_object_member (upload_ok (&upload, &created), "content");
  g_assert_cmpstr (json_object_get_string_member (content, "name"), ==, "Menu board");
}

/* The same bytes twice: two content items, one file. */
static void
test_dedup (void)
{
  g_autoptr(GBytes) png = test_make_png (64, 64, 3);
  g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  g_autofree char *stored = g_build_filename (shared->data_dir, "media", "content", hash, NULL);
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) second = NULL;
  g_autoptr(TestResponse) delete_first = NULL;
  g_autoptr(TestResponse) delete_second = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  TestUpload upload = { .token = token, .filename = "same.png" };
  guint files;
  JsonObject *a, *b;
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  a = upload_ok (&upload, &first);
  files = test_count_files (shared, "media/content");
  b = upload_ok (&upload, &second);
  g_assert_cmpstr (json_object_get_string_member (a, "fileHash"), ==, hash);
  g_assert_cmpstr (json_object_get_string_member (b, "fileHash"), ==, hash);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (a, "content"), "id"), !=,
                   json_object_get_string_member (json_object_get_object_member (b, "content"), "id"));
  g_assert_cmpuint (test_count_files (shared, "media/content"), ==, files);
  g_assert_cmpuint (test_count_files (shared, "media/uploads"), ==, 0);

  /* The file stays while any content uses it. */
  first_path = g_strconcat ("/content/", json_object_get_string_member (json_object_get_object_member (a, "content"), "id"), NULL);
  second_path = g_strconcat ("/content/", json_object_get_string_member (json_object_get_object_member (b, "content"), "id"), NULL);
  delete_first = test_http (shared, "DELETE", first_path, token, NULL, NULL, 0);
  test_expect_data (delete_first, 200);
  g_assert_true (g_file_test (stored, G_FILE_TEST_EXISTS));
  delete_second = test_http (shared, "DELETE", second_path, token, NULL, NULL, 0);
  test_expect_data (delete_second, 200);
  g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));
}

static void
test_video (void)
{
  g_autoptr(GBytes) webm = test_make_webm ();
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) thumbnail = NULL;
  g_autoptr(GdkPixbuf) picture = NULL;
  TestUpload upload = { .token = token, .filename = "clip.webm", .part_type = "video/webm" };
  JsonObject *content;
  gsize len;
  guint8 *p;

  upload.data = g_bytes_get_data (webm, &len);
  upload.data_len = len;
  content = json_object_get_object_member (upload_ok (&upload, &created), "content");
  g_assert_cmpstr (json_object_get_string_member (content, "type"), ==, "video");
  g_assert_cmpstr (json_object_get_string_member (content, "mimeType"), ==, "video/webm");
  g_assert_cmpint (json_object_get_int_member (content, "duration"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (content, "metadata"), "width"), ==, 640);

  thumbnail = fetch (json_object_get_string_member (content, "thumbnail"), token, NULL);
  g_assert_cmpuint (thumbnail->status, ==, 200);
  picture = pixbuf_from (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (picture), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (picture), ==, 180);
  /* A frame of the test pattern: its top-left bar is light grey, not the
   * dark background of the video icon. */
  p = gdk_pixbuf_get_pixels (picture) + 20 * gdk_pixbuf_get_rowstride (picture) + 10 * gdk_pixbuf_get_n_channels (picture);
  g_assert_cmpuint (p[0], >, 150);
  g_assert_cmpuint (p[1], >, 150);
}

/* A PDF, and a video no plugin decodes: their thumbnails are type icons. */
static void
test_icons (void)
{
  g_autoptr(TestResponse) pdf = NULL;
  g_autoptr(TestResponse) mp4 = NULL;
  g_autoptr(TestResponse) pdf_thumb = NULL;
  g_autoptr(TestResponse) mp4_thumb = NULL;
  g_autoptr(GdkPixbuf) pdf_picture = NULL;
  g_autoptr(GdkPixbuf) mp4_picture = NULL;
  static const guint8 noise[] = "\0\0\0\x10" "ftypisom\0\0\0\0" "\0\0\0\x30" "mdat"
                                "these forty bytes are not any kind of video";
  TestUpload upload = { .token = token, .filename = "menu.pdf",
                        .data = (const guint8 *) pdf_text, .data_len = sizeof pdf_text - 1 };
  JsonObject *content;

  content = json_object_get_object_member (upload_ok (&upload, &pdf), "content");
  g_assert_cmpstr (json_object_get_string_member (content, "type"), ==, "pdf");
  pdf_thumb = fetch (json_object_get_string_member (content, "thumbnail"), token, NULL);
  pdf_picture = pixbuf_from (pdf_thumb);
  g_assert_cmpint (gdk_pixbuf_get_width (pdf_picture), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (pdf_picture), ==, 180);

  upload.filename = "broken.mp4";
  upload.data = noise;
  upload.data_len = 16 + 0x30;
  g_assert_cmpuint (sizeof noise - 1, >=, upload.data_len);
  content = json_object_get_object_member (upload_ok (&upload, &mp4), "content");
  g_assert_cmpstr (json_object_get_string_member (content, "type"), ==, "video");
  mp4_thumb = fetch (json_object_get_string_member (content, "thumbnail"), token, NULL);
  mp4_picture = pixbuf_from (mp4_thumb);
  g_assert_cmpint (gdk_pixbuf_get_width (mp4_picture), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (mp4_picture), ==, 180);
  g_assert_cmpint (json_object_get_int_member (content, "duration"), ==, 10);
}

/* The content at @url (the file @bytes of @len, served as @mime_type)
 * in pieces: a Range request gets 206 with its Content-Range and just
 * those bytes, of the same type. */
static void
expect_piece (const char   *url,
              const char   *range,
              const guint8 *bytes,
              gsize         len,
              const char   *mime_type,
              gsize         start,
              gsize         end)
{
  g_autoptr(TestResponse) piece = fetch (url, token, range);
  g_autofree char *expect = g_strdup_printf ("bytes %zu-%zu/%zu", start, end, len);
  gsize got;

  g_assert_cmpuint (piece->status, ==, 206);
  g_assert_cmpstr (soup_message_headers_get_one (piece->headers, "Content-Range"), ==, expect);
  g_assert_cmpstr (soup_message_headers_get_content_type (piece->headers, NULL), ==, mime_type);
  g_assert_cmpint (soup_message_headers_get_content_length (piece->headers), ==, (goffset) (end - start + 1));
  g_assert_cmpmem (g_bytes_get_data (piece->raw, &got), got, bytes + start, end - start + 1);
}

/* Every kind of single range on @url, which serves @file as @mime_type. */
static void
expect_ranges (const char *url,
               GBytes     *file,
               const char *mime_type)
{
  g_autoptr(TestResponse) beyond = NULL;
  g_autofree char *open_range = NULL;
  g_autofree char *middle_range = NULL;
  g_autofree char *beyond_range = NULL;
  g_autofree char *expect_beyond = NULL;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (file, &len);

  g_assert_cmpuint (len, >, 200);

  /* The first bytes. */
  expect_piece (url, "bytes=0-99", bytes, len, mime_type, 0, 99);

  /* The last 50 (a suffix range). */
  expect_piece (url, "bytes=-50", bytes, len, mime_type, len - 50, len - 1);

  /* From an offset to the end. */
  open_range = g_strdup_printf ("bytes=%zu-", len - 10);
  expect_piece (url, open_range, bytes, len, mime_type, len - 10, len - 1);

  /* A piece from the middle, as a player seeking asks for one. */
  middle_range = g_strdup_printf ("bytes=%zu-%zu", len / 2, len / 2 + 99);
  expect_piece (url, middle_range, bytes, len, mime_type, len / 2, len / 2 + 99);

  /* Past the end: 416 with the size. */
  beyond_range = g_strdup_printf ("bytes=%zu-", len);
  beyond = fetch (url, token, beyond_range);
  test_expect_error (beyond, 416);
  expect_beyond = g_strdup_printf ("bytes */%zu", len);
  g_assert_cmpstr (soup_message_headers_get_one (beyond->headers, "Content-Range"), ==, expect_beyond);
}

static void
test_range (void)
{
  g_autoptr(GBytes) png = test_make_png (300, 200, 4);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) several = NULL;
  TestUpload upload = { .token = token, .filename = "ranges.png" };
  const char *url;
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  url = json_object_get_string_member (json_object_get_object_member (upload_ok (&upload, &created), "content"),
                                       "url");
  expect_ranges (url, png, "image/png");

  /* Several ranges: the whole file, as the RFC allows. */
  several = fetch (url, token, "bytes=0-1,5-6");
  g_assert_cmpuint (several->status, ==, 200);
  g_assert_true (g_bytes_equal (several->raw, png));
}

/* A real video (VP8 in WebM, as a player fetches it in pieces): the same
 * ranges, served as video/webm, and the whole file without a Range. */
static void
test_range_video (void)
{
  g_autoptr(GBytes) webm = test_make_webm ();
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) whole = NULL;
  TestUpload upload = { .token = token, .filename = "seek.webm", .part_type = "video/webm" };
  JsonObject *content;
  const char *url;
  gsize len;

  upload.data = g_bytes_get_data (webm, &len);
  upload.data_len = len;
  content = json_object_get_object_member (upload_ok (&upload, &created), "content");
  g_assert_cmpstr (json_object_get_string_member (content, "type"), ==, "video");
  url = json_object_get_string_member (content, "url");
  expect_ranges (url, webm, "video/webm");

  whole = fetch (url, token, NULL);
  g_assert_cmpuint (whole->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (whole->headers, NULL), ==, "video/webm");
  g_assert_cmpstr (soup_message_headers_get_one (whole->headers, "Accept-Ranges"), ==, "bytes");
  g_assert_true (g_bytes_equal (whole->raw, webm));
}

/* Screens fetch files with their device token; nobody fetches without one. */
static void
test_file_auth (void)
{
  g_autoptr(GBytes) png = test_make_png (32, 32, 5);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) anonymous = NULL;
  g_autoptr(TestResponse) wrong = NULL;
  g_autoptr(TestResponse) screen = NULL;
  g_autoptr(TestResponse) screen_thumb = NULL;
  g_autoptr(TestResponse) screen_list = NULL;
  g_autoptr(TestResponse) missing = NULL;
  TestUpload upload = { .token = token, .filename = "auth.png" };
  JsonObject *content;
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  content = json_object_get_object_member (upload_ok (&upload, &created), "content");

  anonymous = fetch (json_object_get_string_member (content, "url"), NULL, NULL);
  test_expect_error (anonymous, 401);
  wrong = fetch (json_object_get_string_member (content, "url"), "not-a-token", NULL);
  test_expect_error (wrong, 401);
  screen = fetch (json_object_get_string_member (content, "url"), device_token, NULL);
  g_assert_cmpuint (screen->status, ==, 200);
  g_assert_true (g_bytes_equal (screen->raw, png));
  screen_thumb = fetch (json_object_get_string_member (content, "thumbnail"), device_token, NULL);
  g_assert_cmpuint (screen_thumb->status, ==, 200);
  /* The device token opens the media, not the rest of the API. */
  screen_list = test_http (shared, "GET", "/content", device_token, NULL, NULL, 0);
  test_expect_error (screen_list, 401);
  missing = test_http (shared, "GET", "/content/3f6c3b1e-0000-4000-8000-000000000000/file", token, NULL, NULL, 0);
  test_expect_error (missing, 404);
}

/* A file of @size bytes made as it is sent: @head, then zeros. */
typedef struct {
  const guint8 *head;
  gsize         head_len;
  guint64       size;
  guint64       given;
} Generated;

static gsize
generated_source (guint8   *buffer,
                  gsize     size,
                  gpointer  user_data)
{
  Generated *file = user_data;
  gsize n = (gsize) MIN ((guint64) size, file->size - file->given);

  memset (buffer, 0, n);
  if (file->given < file->head_len)
    memcpy (buffer, file->head + file->given, MIN (n, file->head_len - (gsize) file->given));
  file->given += n;
  return n;
}

/* Over the limit of their kinds, refused as they pass: a PDF over the
 * contract's 50 MB, and an MP4 over its 100 MB (the form still under the
 * largest body taken, so the file's own limit is what refuses it). Neither
 * leaves anything on disk. */
static void
test_over_limit (void)
{
  static const char pdf_head[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  guint8 mp4_head[TEST_MP4_HEAD];
  Generated pdf = { (const guint8 *) pdf_head, sizeof pdf_head - 1, (guint64) 50 * 1024 * 1024 + 1, 0 };
  Generated mp4 = { mp4_head, TEST_MP4_HEAD, (guint64) 100 * 1024 * 1024 + 4096, 0 };
  TestUpload upload = { .token = token, .filename = "catalogue.pdf", .source = generated_source, .source_data = &pdf };

  upload.data_len = pdf.size;
  expect_refused (&upload, 413, "The file is larger than the 50 MB allowed for pdf files.");

  test_mp4_head (mp4_head, mp4.size);
  upload.filename = "feature.mp4";
  upload.source_data = &mp4;
  upload.data_len = mp4.size;
  expect_refused (&upload, 413, "The file is larger than the 100 MB allowed for video files.");
  g_assert_cmpuint (test_count_files (shared, "media/uploads"), ==, 0);
}

static void
test_bad_uploads (void)
{
  g_autoptr(GBytes) png = test_make_png (50, 50, 6);
  g_autofree guint8 *text = (guint8 *) g_strnfill (500, 'x');
  g_autofree guint8 *big = NULL;
  TestUpload upload = { .token = token, .filename = "bad" };
  gsize len;
  const guint8 *png_data = g_bytes_get_data (png, &len);

  /* Empty. */
  upload.data = (const guint8 *) "";
  upload.data_len = 0;
  expect_refused (&upload, 400, "The file is empty");

  /* Wrong magic. */
  upload.data = text;
  upload.data_len = 500;
  expect_refused (&upload, 400, "not an image, video or PDF");

  /* Mislabelled: a PNG sent as an MP4 video. */
  upload.data = png_data;
  upload.data_len = len;
  upload.part_type = "video/mp4";
  expect_refused (&upload, 400, "sent as video/mp4, but its content is a PNG image");
  upload.part_type = NULL;

  /* A PNG cut short (the form itself is whole). */
  upload.data_len = len - 20;
  expect_refused (&upload, 400, "PNG image is cut short");

  /* The form cut short: no closing boundary. */
  upload.data_len = len;
  upload.no_closing = TRUE;
  expect_refused (&upload, 400, "ended before its closing boundary");
  upload.no_closing = FALSE;

  /* Over the limit of its kind: an image of 10 MB and a bit, refused as it passes. */
  big = g_malloc0 (10 * 1024 * 1024 + 100);
  memcpy (big, png_data, 64);
  upload.data = big;
  upload.data_len = 10 * 1024 * 1024 + 100;
  expect_refused (&upload, 413, "larger than the 10 MB allowed for image files");

  /* A length over any limit is refused before a byte of body. */
  upload.data = png_data;
  upload.data_len = len;
  upload.declared_length = (guint64) 200 * 1024 * 1024;
  upload.hang_up_after = 0;
  expect_refused (&upload, 413, "larger than the 100 MB");
  upload.declared_length = 0;

  /* No file, another field, not a form, no token. */
  {
    TestUpload no_file = { .token = token, .name = "Only a name", .no_file = TRUE };
    g_autoptr(TestResponse) plain = NULL;
    g_autoptr(TestResponse) anonymous = NULL;
    const char *json_headers[] = { "Content-Type: application/json", NULL };

    upload.extra_part = "--" TEST_BOUNDARY "\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\nx\r\n";
    expect_refused (&upload, 400, "property folder should not exist");
    upload.extra_part = NULL;

    expect_refused (&no_file, 400, "The form has no file");
    plain = test_http (shared, "POST", "/content/upload", token, json_headers, "{}", -1);
    g_assert_nonnull (strstr (test_expect_error (plain, 400), "multipart/form-data"));
    upload.token = NULL;
    anonymous = test_upload (shared, &upload);
    test_expect_error (anonymous, 401);
    upload.token = token;
  }
  g_assert_true (test_wait_uploads_empty (shared, 5));
}

/* The same file in a chunked body (no Content-Length) is taken too. */
static void
test_chunked (void)
{
  g_autoptr(GBytes) png = test_make_png (60, 40, 7);
  g_autoptr(TestResponse) created = NULL;
  TestUpload upload = { .token = token, .filename = "chunked.png", .chunked = TRUE };
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  upload_ok (&upload, &created);
}

/* A peer that hangs up half-way: no temporary file stays, the server goes on. */
static void
test_cut_off (void)
{
  g_autofree guint8 *video = g_malloc0 (4 * 1024 * 1024);
  TestUpload upload = { .token = token, .filename = "cut.mp4" };
  guint files = test_count_files (shared, "media/content");

  test_mp4_head (video, 4 * 1024 * 1024);
  upload.data = video;
  upload.data_len = 4 * 1024 * 1024;
  upload.hang_up_after = 1024 * 1024;
  g_assert_null (test_upload (shared, &upload));
  g_assert_true (test_wait_uploads_empty (shared, 5));
  g_assert_cmpuint (test_count_files (shared, "media/content"), ==, files);
  assert_server_alive ();
}

/* A part header of a megabyte is refused at 16 KiB; the server lives on. */
static void
test_gigantic_header (void)
{
  g_autofree char *filler = g_strnfill (1024 * 1024, 'a');
  g_autofree char *part = g_strconcat ("--" TEST_BOUNDARY "\r\nContent-Disposition: form-data; name=\"note\"; x=\"",
                                       filler, "\"\r\n\r\nx\r\n", NULL);
  TestUpload upload = { .token = token, .filename = "x.png", .extra_part = part,
                        .data = (const guint8 *) "", .data_len = 0 };

  expect_refused (&upload, 400, "headers longer than the 16 KiB allowed");
}

/* At start the server removes stored files no content uses (an upload
 * stored but not recorded when the server stopped) and keeps the others. */
static void
test_sweep_at_start (void)
{
  g_autoptr(GBytes) png = test_make_png (20, 20, 8);
  g_autoptr(TestResponse) created = NULL;
  g_autofree char *orphan = g_build_filename (shared->data_dir, "media", "content",
                                              "0000000000000000000000000000000000000000000000000000000000000000", NULL);
  g_autofree char *left = g_build_filename (shared->data_dir, "media", "uploads", "upload-LEFT01", NULL);
  g_autofree char *kept = NULL;
  TestUpload upload = { .token = token, .filename = "kept.png" };
  gsize len;

  upload.data = g_bytes_get_data (png, &len);
  upload.data_len = len;
  kept = g_build_filename (shared->data_dir, "media", "content",
                           json_object_get_string_member (upload_ok (&upload, &created), "fileHash"), NULL);
  g_assert_true (g_file_set_contents (orphan, "no content uses this", -1, NULL));
  g_assert_true (g_file_set_contents (left, "half an upload", -1, NULL));

  vz_test_server_restart (shared);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (left, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
}

typedef struct {
  guint  blocks;     /* left to send */
  guint  pause_ms;   /* before each block */
  guint  stall_at;   /* the block before which it pauses for 3 s, 0: never */
} Slow;

static gsize
slow_source (guint8   *buffer,
             gsize     size,
             gpointer  user_data)
{
  Slow *slow = user_data;
  gsize n = MIN (size, (gsize) 16 * 1024);

  if (slow->blocks == 0)
    return 0;
  g_usleep ((slow->stall_at == slow->blocks ? 3000 : slow->pause_ms) * (gulong) 1000);
  memset (buffer, 0, n);
  if (slow->blocks == 10)
    memcpy (buffer, "%PDF-1.4\n", 9);
  else if (slow->blocks == 1)
    memcpy (buffer + n - 7, "%%EOF\n", 6);
  slow->blocks--;
  return n;
}

/* With a request timeout of 2 s, an upload that takes 3 s but keeps moving
 * is taken; one that stalls for 3 s is cut off, and leaves nothing behind. */
static void
test_slow_upload (void)
{
  const char *args[] = { "--request-timeout", "2", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *slow_token = vz_test_server_login (server);
  g_autoptr(TestResponse) moving = NULL;
  g_autoptr(TestResponse) stalled = NULL;
  Slow steady = { 10, 300, 0 };
  Slow stalling = { 10, 50, 7 };
  TestUpload upload = { .token = slow_token, .filename = "slow.pdf", .source = slow_source,
                        .data_len = 10 * 16 * 1024 };

  upload.source_data = &steady;
  moving = test_upload (server, &upload);
  test_expect_object (moving, 201);

  upload.source_data = &stalling;
  stalled = test_upload (server, &upload);
  g_assert_cmpuint (stalled->status, ==, 0);
  g_assert_true (test_wait_uploads_empty (server, 5));
  g_assert_cmpuint (test_count_files (server, "media/content"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);
  g_free (vz_test_server_pair_screen (shared, token, "Lobby", &device_token));

  g_test_add_func ("/server/upload/image", test_image);
  g_test_add_func ("/server/upload/name-field", test_name_field);
  g_test_add_func ("/server/upload/dedup", test_dedup);
  g_test_add_func ("/server/upload/video", test_video);
  g_test_add_func ("/server/upload/icons", test_icons);
  g_test_add_func ("/server/upload/range", test_range);
  g_test_add_func ("/server/upload/range-video", test_range_video);
  g_test_add_func ("/server/upload/file-auth", test_file_auth);
  g_test_add_func ("/server/upload/bad", test_bad_uploads);
  g_test_add_func ("/server/upload/over-limit", test_over_limit);
  g_test_add_func ("/server/upload/chunked", test_chunked);
  g_test_add_func ("/server/upload/cut-off", test_cut_off);
  g_test_add_func ("/server/upload/gigantic-header", test_gigantic_header);
  g_test_add_func ("/server/upload/slow", test_slow_upload);
  g_test_add_func ("/server/upload/sweep-at-start", test_sweep_at_start);
  status = g_test_run ();

  g_free (device_token);
  g_free (token);
  vz_test_server_free (shared);
  return status;
}
