/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * VzMediaCheck: what an uploaded file is, read from its bytes as they stream
 * by (never from its name or the type the sender claims). The format comes
 * from the magic bytes at its start; the end is checked where the format
 * says how long the file must be (MP4 and MOV boxes, the WebM segment, the
 * WebP RIFF size) or how it must end (PNG's IEND, PDF's %%EOF), so that a
 * file cut short is told apart from a whole one. It keeps the first 4 KiB and
 * the last 1 KiB, nothing else.
 */

typedef enum {
  VZ_MEDIA_UNKNOWN,
  VZ_MEDIA_JPEG,
  VZ_MEDIA_PNG,
  VZ_MEDIA_GIF,
  VZ_MEDIA_WEBP,
  VZ_MEDIA_MP4,
  VZ_MEDIA_WEBM,
  VZ_MEDIA_MOV,
  VZ_MEDIA_PDF,
} VzMediaFormat;

/* The bytes the format is read from; vz_media_check_format() knows the
 * format once this many arrived (or the file ended). */
#define VZ_MEDIA_SNIFF_BYTES 64

typedef struct _VzMediaCheck VzMediaCheck;

VzMediaCheck  *vz_media_check_new      (void);
void           vz_media_check_free     (VzMediaCheck  *self);
void           vz_media_check_feed     (VzMediaCheck  *self,
                                        const guint8  *data,
                                        gsize          length);
guint64        vz_media_check_size     (VzMediaCheck  *self);
/* VZ_MEDIA_UNKNOWN until VZ_MEDIA_SNIFF_BYTES were fed (or after
 * vz_media_check_finish()), and for files of no accepted format. */
VzMediaFormat  vz_media_check_format   (VzMediaCheck  *self);
/* The file ended: decides the format if it was shorter than the sniffing
 * window, and checks that it is whole. VZ_SERVER_ERROR_INVALID names what is
 * wrong (empty, not an accepted format, cut short). */
gboolean       vz_media_check_finish   (VzMediaCheck  *self,
                                        GError       **error);

/* "image", "video" or "pdf": the content type of the API. */
const char    *vz_media_format_kind    (VzMediaFormat  format);
const char    *vz_media_format_mime    (VzMediaFormat  format);
/* "a PNG image", for sentences. */
const char    *vz_media_format_describe (VzMediaFormat format);
/* The largest file of the format's kind the server takes (bytes). */
guint64        vz_media_format_limit   (VzMediaFormat  format);
/* The format that a MIME type names, or VZ_MEDIA_UNKNOWN. */
VzMediaFormat  vz_media_format_from_mime (const char   *mime_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzMediaCheck, vz_media_check_free)

G_END_DECLS
