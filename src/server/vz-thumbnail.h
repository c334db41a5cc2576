/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Thumbnails of uploaded content, as PNG files VZ_THUMBNAIL_WIDTH pixels
 * wide: images are decoded with gdk-pixbuf (scaled while decoding where the
 * loader can; never more than 40 megapixels decoded whole), videos give a frame taken with GStreamer, and what cannot be
 * decoded gets an icon of its type. Every function here blocks: they are
 * for a worker thread. Each writes @dest through a temporary file in the
 * same folder, renamed when complete.
 */

#define VZ_THUMBNAIL_WIDTH 320

typedef struct {
  int     width;       /* of the original, 0 when unknown */
  int     height;
  double  duration;    /* seconds (videos), 0 when unknown */
} VzMediaInfo;

/* Thumbnail of the image at @path (@mime_type names its format). Fails with
 * G_IO_ERROR_NOT_SUPPORTED when gdk-pixbuf has no loader for the format or
 * the picture is too large to decode safely, and with a gdk-pixbuf error
 * when the data is damaged or cut short. */
gboolean  vz_thumbnail_from_image  (const char   *path,
                                    const char   *mime_type,
                                    const char   *dest,
                                    VzMediaInfo  *info,
                                    GError      **error);
/* A frame of the video at @path, taken within @timeout_ms. Fails when no
 * GStreamer plugin decodes it or time runs out. */
gboolean  vz_thumbnail_from_video  (const char   *path,
                                    const char   *dest,
                                    guint         timeout_ms,
                                    VzMediaInfo  *info,
                                    GError      **error);
/* The icon of content type @kind ("image", "video", "pdf", "url", "html"). */
gboolean  vz_thumbnail_icon        (const char   *kind,
                                    const char   *dest,
                                    GError      **error);

G_END_DECLS
