/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-thumbnail"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video-info.h>

#include "vz-thumbnail.h"

/* Pictures with more pixels than this are not decoded: a few kilobytes of
 * PNG can claim a picture of gigabytes. JPEG decodes straight to a fraction
 * of its size (down to an eighth each way); the other loaders decode the
 * whole picture (4 bytes a pixel) before it is scaled. */
#define MAX_PIXELS       ((gint64) 40 * 1000 * 1000)
#define MAX_JPEG_PIXELS  ((gint64) 64 * MAX_PIXELS)
#define READ_BLOCK  (64 * 1024)
#define ICON_WIDTH  VZ_THUMBNAIL_WIDTH
#define ICON_HEIGHT 180

/* --- writing ------------------------------------------------------------- */

static gboolean
save_png (GdkPixbuf   *pixbuf,
          const char  *dest,
          GError     **error)
{
  g_autofree char *temp = g_strconcat (dest, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot write a thumbnail next to %s: %s", dest, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (!gdk_pixbuf_save (pixbuf, temp, "png", error, NULL))
    {
      g_unlink (temp);
      return FALSE;
    }
  if (g_rename (temp, dest) != 0)
    {
      int saved = errno;
      g_unlink (temp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot put the thumbnail %s in place: %s", dest, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* @pixbuf at VZ_THUMBNAIL_WIDTH pixels wide (never wider), upright. */
static GdkPixbuf *
fit_width (GdkPixbuf *pixbuf)
{
  g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  int width = gdk_pixbuf_get_width (upright);
  int height = gdk_pixbuf_get_height (upright);

  if (width <= VZ_THUMBNAIL_WIDTH)
    return g_steal_pointer (&upright);
  return gdk_pixbuf_scale_simple (upright, VZ_THUMBNAIL_WIDTH,
                                  MAX (1, (int) ((gint64) height * VZ_THUMBNAIL_WIDTH / width)),
                                  GDK_INTERP_BILINEAR);
}

/* --- images -------------------------------------------------------------- */

typedef struct {
  VzMediaInfo *info;
  gint64       max_pixels;
  gboolean     too_large;
} ImageLoad;

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  ImageLoad *load = user_data;

  load->info->width = width;
  load->info->height = height;
  if (width <= 0 || height <= 0 || (gint64) width * height > load->max_pixels)
    {
      load->too_large = TRUE;
      return;
    }
  /* Loaders that can (JPEG) decode at the smaller size straight away. */
  if (width > VZ_THUMBNAIL_WIDTH)
    gdk_pixbuf_loader_set_size (loader, VZ_THUMBNAIL_WIDTH,
                                MAX (1, (int) ((gint64) height * VZ_THUMBNAIL_WIDTH / width)));
}

gboolean
vz_thumbnail_from_image (const char   *path,
                         const char   *mime_type,
                         const char   *dest,
                         VzMediaInfo  *info,
                         GError      **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  ImageLoad load = { info, MAX_PIXELS, FALSE };
  GdkPixbuf *pixbuf;
  gboolean closed;

  g_return_val_if_fail (path != NULL && mime_type != NULL && dest != NULL && info != NULL, FALSE);

  loader = gdk_pixbuf_loader_new_with_mime_type (mime_type, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "No image loader for %s is installed: %s", mime_type, local_error->message);
      return FALSE;
    }
  if (g_str_equal (mime_type, "image/jpeg"))
    load.max_pixels = MAX_JPEG_PIXELS;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &load);

  file = g_file_new_for_path (path);
  in = G_INPUT_STREAM (g_file_read (file, NULL, error));
  if (in == NULL)
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return FALSE;
    }
  buffer = g_malloc (READ_BLOCK);
  for (;;)
    {
      gssize n = g_input_stream_read (in, buffer, READ_BLOCK, NULL, error);

      if (n < 0)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return FALSE;
        }
      if (n == 0 || load.too_large)
        break;
      if (!gdk_pixbuf_loader_write (loader, buffer, (gsize) n, &local_error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          if (load.too_large)
            break;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  closed = gdk_pixbuf_loader_close (loader, load.too_large ? NULL : &local_error);
  if (load.too_large)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The picture is %d × %d pixels, too large to decode for a thumbnail",
                   info->width, info->height);
      return FALSE;
    }
  if (!closed)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE, "It holds no picture");
      return FALSE;
    }
  thumbnail = fit_width (pixbuf);
  return save_png (thumbnail, dest, error);
}

/* --- videos -------------------------------------------------------------- */

static gpointer
init_gstreamer (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    {
      g_message ("GStreamer could not start; videos get an icon for a thumbnail: %s", error->message);
      return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

/* Waits for the pipeline to settle (preroll, or a seek done) until @deadline. */
static gboolean
wait_settled (GstBus      *bus,
              gint64       deadline,
              GError     **error)
{
  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      g_autoptr(GstMessage) message = NULL;

      if (left <= 0 ||
          (message = gst_bus_timed_pop_filtered (bus, (GstClockTime) left * GST_USECOND,
                                                 GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR |
                                                 GST_MESSAGE_EOS)) == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No frame came in time");
          return FALSE;
        }
      switch (GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_ASYNC_DONE:
          return TRUE;
        case GST_MESSAGE_ERROR:
          {
            g_autoptr(GError) gst_error = NULL;

            gst_message_parse_error (message, &gst_error, NULL);
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s", gst_error->message);
            return FALSE;
          }
        case GST_MESSAGE_EOS:
        default:
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The video has no frame");
          return FALSE;
        }
    }
}

static void
video_size (GstElement  *playbin,
            VzMediaInfo *info)
{
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstStructure *structure;

  g_signal_emit_by_name (playbin, "get-video-pad", 0, &pad);
  if (pad == NULL || (caps = gst_pad_get_current_caps (pad)) == NULL || gst_caps_get_size (caps) == 0)
    return;
  structure = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (structure, "width", &info->width);
  gst_structure_get_int (structure, "height", &info->height);
}

static GdkPixbuf *
pixbuf_from_sample (GstSample  *sample,
                    GError    **error)
{
  GstVideoInfo video;
  GstMapInfo map;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  int stride;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&video, caps) ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The frame could not be read");
      return NULL;
    }
  stride = GST_VIDEO_INFO_PLANE_STRIDE (&video, 0);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, GST_VIDEO_INFO_WIDTH (&video),
                           GST_VIDEO_INFO_HEIGHT (&video));
  if (pixbuf != NULL && map.size >= (gsize) stride * GST_VIDEO_INFO_HEIGHT (&video))
    {
      guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
      int row = gdk_pixbuf_get_rowstride (pixbuf);

      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&video); y++)
        memcpy (pixels + (gsize) y * row, map.data + (gsize) y * stride, (gsize) GST_VIDEO_INFO_WIDTH (&video) * 3);
    }
  else
    g_clear_object (&pixbuf);
  gst_buffer_unmap (buffer, &map);
  if (pixbuf == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The frame could not be read");
  return g_steal_pointer (&pixbuf);
}

static gboolean
take_frame (GstElement   *playbin,
            GstElement   *sink,
            const char   *dest,
            gint64        deadline,
            VzMediaInfo  *info,
            GError      **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  gint64 duration = 0;
  gint64 left;

  if (gst_element_set_state (playbin, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                   gst_error != NULL ? gst_error->message : "The video could not be opened");
      return FALSE;
    }
  if (!wait_settled (bus, deadline, error))
    return FALSE;

  video_size (playbin, info);
  if (gst_element_query_duration (playbin, GST_FORMAT_TIME, &duration) && duration > 0)
    info->duration = (double) duration / GST_SECOND;
  /* The very first frame is often black: take one a little way in. */
  if (duration > GST_SECOND &&
      gst_element_seek_simple (playbin, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT,
                               MIN (duration / 10, 3 * GST_SECOND)))
    {
      g_autoptr(GError) seek_error = NULL;

      if (!wait_settled (bus, deadline, &seek_error))
        g_debug ("Seeking for a thumbnail failed, using the first frame: %s", seek_error->message);
    }

  left = deadline - g_get_monotonic_time ();
  if (left > 0)
    sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), (GstClockTime) left * GST_USECOND);
  if (sample == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No frame came in time");
      return FALSE;
    }
  pixbuf = pixbuf_from_sample (sample, error);
  if (pixbuf == NULL)
    return FALSE;
  thumbnail = fit_width (pixbuf);
  return save_png (thumbnail, dest, error);
}

gboolean
vz_thumbnail_from_video (const char   *path,
                         const char   *dest,
                         guint         timeout_ms,
                         VzMediaInfo  *info,
                         GError      **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autoptr(GstElement) playbin = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autofree char *uri = NULL;
  GstElement *video_sink;
  GstElement *audio_sink;
  gint64 deadline;
  gboolean ok;

  g_return_val_if_fail (path != NULL && dest != NULL && info != NULL, FALSE);

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  if (!GPOINTER_TO_INT (g_once (&once, init_gstreamer, NULL)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "GStreamer could not start");
      return FALSE;
    }
  uri = g_filename_to_uri (path, NULL, error);
  if (uri == NULL)
    return FALSE;
  playbin = gst_element_factory_make ("playbin", NULL);
  video_sink = gst_parse_bin_from_description ("videoconvert ! videoscale ! "
                                               "video/x-raw,format=RGB,pixel-aspect-ratio=1/1 ! "
                                               "appsink name=frame sync=false max-buffers=1",
                                               TRUE, NULL);
  audio_sink = gst_element_factory_make ("fakesink", NULL);
  if (playbin == NULL || video_sink == NULL || audio_sink == NULL)
    {
      if (video_sink != NULL)
        gst_object_unref (gst_object_ref_sink (video_sink));
      if (audio_sink != NULL)
        gst_object_unref (gst_object_ref_sink (audio_sink));
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "GStreamer's playbin, videoconvert, videoscale or appsink is not installed "
                           "(they come with gst-plugins-base)");
      return FALSE;
    }
  gst_object_ref_sink (playbin);
  sink = gst_bin_get_by_name (GST_BIN (video_sink), "frame");
  /* Video only (GST_PLAY_FLAG_VIDEO): no audio decoding, no subtitles. */
  g_object_set (playbin, "uri", uri, "video-sink", video_sink, "audio-sink", audio_sink, "flags", 0x1, NULL);

  ok = take_frame (playbin, sink, dest, deadline, info, error);
  gst_element_set_state (playbin, GST_STATE_NULL);
  return ok;
}

/* --- icons --------------------------------------------------------------- */

typedef struct {
  guint8 r, g, b;
} Rgb;

static void
put (GdkPixbuf *pixbuf,
     int        x,
     int        y,
     Rgb        colour)
{
  guint8 *p;

  if (x < 0 || y < 0 || x >= gdk_pixbuf_get_width (pixbuf) || y >= gdk_pixbuf_get_height (pixbuf))
    return;
  p = gdk_pixbuf_get_pixels (pixbuf) + (gsize) y * gdk_pixbuf_get_rowstride (pixbuf)
      + (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);
  p[0] = colour.r;
  p[1] = colour.g;
  p[2] = colour.b;
}

static void
fill_rect (GdkPixbuf *pixbuf,
           int        x0,
           int        y0,
           int        width,
           int        height,
           Rgb        colour)
{
  for (int y = y0; y < y0 + height; y++)
    for (int x = x0; x < x0 + width; x++)
      put (pixbuf, x, y, colour);
}

static double
edge (double ax, double ay, double bx, double by, double px, double py)
{
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

static void
fill_triangle (GdkPixbuf *pixbuf,
               const int  p[6],
               Rgb        colour)
{
  int x0 = MIN (p[0], MIN (p[2], p[4])), x1 = MAX (p[0], MAX (p[2], p[4]));
  int y0 = MIN (p[1], MIN (p[3], p[5])), y1 = MAX (p[1], MAX (p[3], p[5]));

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double a = edge (p[0], p[1], p[2], p[3], x, y);
        double b = edge (p[2], p[3], p[4], p[5], x, y);
        double c = edge (p[4], p[5], p[0], p[1], x, y);

        if ((a >= 0 && b >= 0 && c >= 0) || (a <= 0 && b <= 0 && c <= 0))
          put (pixbuf, x, y, colour);
      }
}

/* A disc, or a ring when @inner > 0. */
static void
fill_ring (GdkPixbuf *pixbuf,
           int        cx,
           int        cy,
           int        outer,
           int        inner,
           Rgb        colour)
{
  for (int y = cy - outer; y <= cy + outer; y++)
    for (int x = cx - outer; x <= cx + outer; x++)
      {
        int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);

        if (d2 <= outer * outer && d2 >= inner * inner)
          put (pixbuf, x, y, colour);
      }
}

gboolean
vz_thumbnail_icon (const char  *kind,
                   const char  *dest,
                   GError     **error)
{
  static const Rgb white = { 0xff, 0xff, 0xff };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  int cx = ICON_WIDTH / 2, cy = ICON_HEIGHT / 2;

  g_return_val_if_fail (kind != NULL && dest != NULL, FALSE);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, ICON_WIDTH, ICON_HEIGHT);
  if (g_str_equal (kind, "video"))
    {
      const int play[6] = { cx - 28, cy - 36, cx - 28, cy + 36, cx + 38, cy };

      fill_rect (pixbuf, 0, 0, ICON_WIDTH, ICON_HEIGHT, (Rgb) { 0x1e, 0x29, 0x3b });
      fill_ring (pixbuf, cx, cy, 60, 54, white);
      fill_triangle (pixbuf, play, white);
    }
  else if (g_str_equal (kind, "pdf"))
    {
      const Rgb red = { 0x99, 0x1b, 0x1b };
      const int fold[6] = { cx + 16, cy - 60, cx + 40, cy - 36, cx + 16, cy - 36 };
      const int cut[6] = { cx + 16, cy - 60, cx + 40, cy - 60, cx + 40, cy - 36 };

      fill_rect (pixbuf, 0, 0, ICON_WIDTH, ICON_HEIGHT, red);
      fill_rect (pixbuf, cx - 40, cy - 60, 80, 120, white);
      fill_triangle (pixbuf, cut, red);
      fill_triangle (pixbuf, fold, (Rgb) { 0xfc, 0xa5, 0xa5 });
      for (int i = 0; i < 4; i++)
        fill_rect (pixbuf, cx - 28, cy - 16 + i * 16, i == 3 ? 32 : 56, 6, (Rgb) { 0xcb, 0xd5, 0xe1 });
    }
  else if (g_str_equal (kind, "image"))
    {
      const int far[6] = { cx - 70, cy + 45, cx - 10, cy - 25, cx + 50, cy + 45 };
      const int near[6] = { cx - 10, cy + 45, cx + 35, cy - 5, cx + 80, cy + 45 };

      fill_rect (pixbuf, 0, 0, ICON_WIDTH, ICON_HEIGHT, (Rgb) { 0x0f, 0x76, 0x6e });
      fill_ring (pixbuf, cx + 45, cy - 40, 16, 0, (Rgb) { 0xfd, 0xe0, 0x47 });
      fill_triangle (pixbuf, far, white);
      fill_triangle (pixbuf, near, (Rgb) { 0xcc, 0xfb, 0xf1 });
    }
  else
    {
      /* Web pages and HTML: a globe. */
      fill_rect (pixbuf, 0, 0, ICON_WIDTH, ICON_HEIGHT, (Rgb) { 0x1d, 0x4e, 0xd8 });
      fill_ring (pixbuf, cx, cy, 60, 54, white);
      fill_rect (pixbuf, cx - 57, cy - 3, 114, 6, white);
      fill_rect (pixbuf, cx - 3, cy - 57, 6, 114, white);
      for (int y = -57; y <= 57; y++)
        {
          int half = (int) lround (28.0 * sqrt (1.0 - (double) (y * y) / (57.0 * 57.0)));

          fill_rect (pixbuf, cx - half - 3, cy + y, 6, 1, white);
          fill_rect (pixbuf, cx + half - 3, cy + y, 6, 1, white);
        }
    }
  return save_png (pixbuf, dest, error);
}
