/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-thumbnail"

#include <string.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>

#include "vz-test-server.h"
#include "vz-thumbnail.h"

/*
 * Thumbnails from real files: a PNG made with gdk-pixbuf, a WebM video made
 * with GStreamer (videotestsrc ! vp8enc ! webmmux), and the icons.
 */

static char *workdir;

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

static char *
work_path (const char *name)
{
  return g_build_filename (workdir, name, NULL);
}

static void
assert_png_size (const char *path,
                 int         width,
                 int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
}

/* A 640 × 480 picture: left half red, right half blue. */
static char *
make_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GError) error = NULL;
  char *path = work_path ("picture.png");

  gdk_pixbuf_fill (pixbuf, 0xff0000ff);
  for (int y = 0; y < 480; y++)
    for (int x = 320; x < 640; x++)
      {
        guint8 *p = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3;

        p[0] = 0;
        p[1] = 0;
        p[2] = 0xff;
      }
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static void
test_image (void)
{
  g_autofree char *png = make_png ();
  g_autofree char *dest = work_path ("picture-thumb.png");
  g_autoptr(GdkPixbuf) thumb = NULL;
  g_autoptr(GError) error = NULL;
  VzMediaInfo info = { 0, };
  guint8 *p;

  g_assert_true (vz_thumbnail_from_image (png, "image/png", dest, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 640);
  g_assert_cmpint (info.height, ==, 480);
  assert_png_size (dest, 320, 240);

  /* The picture, scaled: red on the left, blue on the right. */
  thumb = gdk_pixbuf_new_from_file (dest, NULL);
  p = gdk_pixbuf_get_pixels (thumb) + 120 * gdk_pixbuf_get_rowstride (thumb) + 40 * gdk_pixbuf_get_n_channels (thumb);
  g_assert_cmpuint (p[0], >, 200);
  g_assert_cmpuint (p[2], <, 50);
  p = gdk_pixbuf_get_pixels (thumb) + 120 * gdk_pixbuf_get_rowstride (thumb) + 280 * gdk_pixbuf_get_n_channels (thumb);
  g_assert_cmpuint (p[0], <, 50);
  g_assert_cmpuint (p[2], >, 200);
}

static void
test_image_damaged (void)
{
  g_autofree char *png = make_png ();
  g_autofree char *cut = work_path ("damaged.png");
  g_autofree char *dest = work_path ("cut-thumb.png");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  VzMediaInfo info = { 0, };
  gsize len;

  /* The signature, then bytes that are no PNG chunk. */
  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  memset (contents + 8, 0xff, len - 8);
  g_assert_true (g_file_set_contents (cut, contents, (gssize) len, NULL));
  g_assert_false (vz_thumbnail_from_image (cut, "image/png", dest, &info, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  /* No loader for a type: not supported, not damaged. */
  g_clear_error (&error);
  g_assert_false (vz_thumbnail_from_image (png, "image/x-vizora-nothing", dest, &info, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }
  return ~crc;
}

static void
put_be32 (guint8  *p,
          guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

/* A PNG of a few bytes that claims to be 20,000 × 20,000 pixels (1.6 GB
 * decoded): not decoded, so an icon stands in. */
static void
test_image_too_large (void)
{
  g_autofree char *path = work_path ("huge.png");
  g_autofree char *dest = work_path ("huge-thumb.png");
  g_autoptr(GError) error = NULL;
  guint8 png[8 + 25 + 12 + 12] = "\x89PNG\r\n\x1a\n";
  VzMediaInfo info = { 0, };

  put_be32 (png + 8, 13);
  memcpy (png + 12, "IHDR", 4);
  put_be32 (png + 16, 20000);
  put_be32 (png + 20, 20000);
  png[24] = 8;     /* bit depth */
  png[25] = 2;     /* RGB */
  put_be32 (png + 29, crc32_of (png + 12, 17));
  /* An empty IDAT: libpng reports the header when the data begins. */
  put_be32 (png + 33, 0);
  memcpy (png + 37, "IDAT", 4);
  put_be32 (png + 41, crc32_of ((const guint8 *) "IDAT", 4));
  put_be32 (png + 45, 0);
  memcpy (png + 49, "IEND", 4);
  put_be32 (png + 53, crc32_of ((const guint8 *) "IEND", 4));
  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));

  g_assert_false (vz_thumbnail_from_image (path, "image/png", dest, &info, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpint (info.width, ==, 20000);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

/* Two seconds of test pattern, 640 × 360, as VP8 in WebM. */
static char *
make_webm (void)
{
  g_autofree char *location = work_path ("clip.webm");
  g_autofree char *description = g_strdup_printf ("videotestsrc num-buffers=30 ! "
                                                  "video/x-raw,width=640,height=360,framerate=15/1 ! "
                                                  "vp8enc deadline=1 ! webmmux ! filesink location=\"%s\"",
                                                  location);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_steal_pointer (&location);
}

static void
test_video (void)
{
  g_autofree char *webm = make_webm ();
  g_autofree char *dest = work_path ("clip-thumb.png");
  g_autoptr(GError) error = NULL;
  VzMediaInfo info = { 0, };

  g_assert_true (vz_thumbnail_from_video (webm, dest, 20000, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 640);
  g_assert_cmpint (info.height, ==, 360);
  g_assert_cmpfloat_with_epsilon (info.duration, 2.0, 0.2);
  assert_png_size (dest, 320, 180);
}

static void
test_video_undecodable (void)
{
  g_autofree char *path = work_path ("noise.mp4");
  g_autofree char *dest = work_path ("noise-thumb.png");
  g_autoptr(GError) error = NULL;
  VzMediaInfo info = { 0, };
  gint64 started = g_get_monotonic_time ();
  static const char noise[] = "\0\0\0\x10" "ftypisom\0\0\0\0" "\0\0\x10\0mdat garbage that is no video at all";

  g_assert_true (g_file_set_contents (path, noise, sizeof noise, NULL));
  g_assert_false (vz_thumbnail_from_video (path, dest, 10000, &info, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 11 * G_USEC_PER_SEC);
}

static void
test_icons (void)
{
  const char * const kinds[] = { "image", "video", "pdf", "url", "html" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strconcat ("icon-", kinds[i], ".png", NULL);
      g_autofree char *dest = work_path (name);
      g_autoptr(GError) error = NULL;

      g_assert_true (vz_thumbnail_icon (kinds[i], dest, &error));
      g_assert_no_error (error);
      assert_png_size (dest, VZ_THUMBNAIL_WIDTH, 180);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("vz-thumbnail-XXXXXX", NULL);
  g_assert_nonnull (workdir);

  g_test_add_func ("/thumbnail/image", test_image);
  g_test_add_func ("/thumbnail/image-damaged", test_image_damaged);
  g_test_add_func ("/thumbnail/image-too-large", test_image_too_large);
  g_test_add_func ("/thumbnail/video", test_video);
  g_test_add_func ("/thumbnail/video-undecodable", test_video_undecodable);
  g_test_add_func ("/thumbnail/icons", test_icons);
  status = g_test_run ();

  vz_test_remove_tree (workdir);
  g_free (workdir);
  return status;
}
