/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-media-check.h"
#include "vz-server-error.h"

#define HEAD_BYTES 4096
#define TAIL_BYTES 1024
#define MIB        ((guint64) 1024 * 1024)

struct _VzMediaCheck
{
  guint8         head[HEAD_BYTES];
  gsize          head_len;
  guint8         tail[TAIL_BYTES];   /* a ring: the last TAIL_BYTES bytes */
  gsize          tail_pos;
  guint64        size;
  VzMediaFormat  format;
  gboolean       decided;
  gboolean       matroska;           /* EBML, but not WebM */

  /* MP4 and MOV: the top-level boxes, walked as they stream by. */
  gboolean       walking;
  gboolean       box_damaged;
  guint64        box_next;           /* where the next box header starts */
  guint8         box_header[16];
  guint          box_header_len;
  guint          box_header_need;    /* 8, or 16 for a 64-bit size */
};

VzMediaCheck *
vz_media_check_new (void)
{
  VzMediaCheck *self = g_new0 (VzMediaCheck, 1);

  self->box_header_need = 8;
  return self;
}

void
vz_media_check_free (VzMediaCheck *self)
{
  g_free (self);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint64
read_be64 (const guint8 *p)
{
  return ((guint64) read_be32 (p) << 32) | read_be32 (p + 4);
}

static guint32
read_le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static gboolean
head_has (VzMediaCheck *self,
          gsize         offset,
          const char   *magic,
          gsize         len)
{
  return self->head_len >= offset + len && memcmp (self->head + offset, magic, len) == 0;
}

static VzMediaFormat
sniff (VzMediaCheck *self)
{
  static const char * const mov_atoms[] = { "moov", "mdat", "wide", "free", "skip", "pnot" };
  gsize window = MIN (self->head_len, (gsize) VZ_MEDIA_SNIFF_BYTES);

  if (head_has (self, 0, "\xff\xd8\xff", 3))
    return VZ_MEDIA_JPEG;
  if (head_has (self, 0, "\x89PNG\r\n\x1a\n", 8))
    return VZ_MEDIA_PNG;
  if (head_has (self, 0, "GIF87a", 6) || head_has (self, 0, "GIF89a", 6))
    return VZ_MEDIA_GIF;
  if (head_has (self, 0, "RIFF", 4) && head_has (self, 8, "WEBP", 4))
    return VZ_MEDIA_WEBP;
  if (head_has (self, 0, "%PDF-", 5))
    return VZ_MEDIA_PDF;
  if (head_has (self, 4, "ftyp", 4))
    return head_has (self, 8, "qt  ", 4) ? VZ_MEDIA_MOV : VZ_MEDIA_MP4;
  for (guint i = 0; i < G_N_ELEMENTS (mov_atoms); i++)
    if (head_has (self, 4, mov_atoms[i], 4))
      return VZ_MEDIA_MOV;
  if (head_has (self, 0, "\x1a\x45\xdf\xa3", 4))
    {
      /* The EBML header names its document type within its first bytes. */
      if (memmem (self->head, window, "webm", 4) != NULL)
        return VZ_MEDIA_WEBM;
      self->matroska = memmem (self->head, window, "matroska", 8) != NULL;
    }
  return VZ_MEDIA_UNKNOWN;
}

static void
decide (VzMediaCheck *self)
{
  if (self->decided)
    return;
  self->decided = TRUE;
  self->format = sniff (self);
  self->walking = self->format == VZ_MEDIA_MP4 || self->format == VZ_MEDIA_MOV;
}

/* Follows the chain of top-level boxes through @data, which starts at file
 * offset @start. */
static void
walk_boxes (VzMediaCheck *self,
            const guint8 *data,
            gsize         length,
            guint64       start)
{
  guint64 end = start + length;

  while (self->walking && self->box_next + self->box_header_len < end)
    {
      guint64 at = self->box_next + self->box_header_len;
      guint32 size32;
      guint64 size;

      while (self->box_header_len < self->box_header_need && at < end)
        self->box_header[self->box_header_len++] = data[at++ - start];
      if (self->box_header_len < self->box_header_need)
        return;

      size32 = read_be32 (self->box_header);
      if (size32 == 1 && self->box_header_need == 8)
        {
          self->box_header_need = 16;
          continue;
        }
      if (size32 == 0)
        {
          /* The last box, running to the end of the file. */
          self->walking = FALSE;
          return;
        }
      size = size32 == 1 ? read_be64 (self->box_header + 8) : size32;
      if (size < self->box_header_need || size > G_MAXUINT64 - self->box_next)
        {
          self->box_damaged = TRUE;
          self->walking = FALSE;
          return;
        }
      self->box_next += size;
      self->box_header_len = 0;
      self->box_header_need = 8;
    }
}

void
vz_media_check_feed (VzMediaCheck *self,
                     const guint8 *data,
                     gsize         length)
{
  guint64 start;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);

  start = self->size;
  if (self->head_len < HEAD_BYTES)
    {
      gsize n = MIN (length, HEAD_BYTES - self->head_len);

      memcpy (self->head + self->head_len, data, n);
      self->head_len += n;
    }
  if (length >= TAIL_BYTES)
    {
      memcpy (self->tail, data + length - TAIL_BYTES, TAIL_BYTES);
      self->tail_pos = 0;
    }
  else
    {
      for (gsize i = 0; i < length; i++)
        {
          self->tail[self->tail_pos] = data[i];
          self->tail_pos = (self->tail_pos + 1) % TAIL_BYTES;
        }
    }
  self->size += length;

  if (!self->decided && self->head_len >= VZ_MEDIA_SNIFF_BYTES)
    {
      decide (self);
      /* The boxes from the start of the file, which the head holds. */
      if (self->walking)
        walk_boxes (self, self->head, self->head_len, 0);
      if (self->walking && self->size > self->head_len)
        walk_boxes (self, data + (self->head_len - start), (gsize) (self->size - self->head_len), self->head_len);
      return;
    }
  if (self->walking)
    walk_boxes (self, data, length, start);
}

guint64
vz_media_check_size (VzMediaCheck *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}

VzMediaFormat
vz_media_check_format (VzMediaCheck *self)
{
  g_return_val_if_fail (self != NULL, VZ_MEDIA_UNKNOWN);
  return self->decided ? self->format : VZ_MEDIA_UNKNOWN;
}

/* The last bytes of the file, in order (at most TAIL_BYTES). */
static gsize
copy_tail (VzMediaCheck *self,
           guint8       *out)
{
  gsize n = (gsize) MIN (self->size, (guint64) TAIL_BYTES);

  for (gsize i = 0; i < n; i++)
    out[i] = self->tail[(self->tail_pos + TAIL_BYTES - n + i) % TAIL_BYTES];
  return n;
}

/* An EBML variable-length integer at @p (within @end): its length, and its
 * value without the length marker (or with it, for element ids). */
static gsize
read_vint (const guint8 *p,
           const guint8 *end,
           gboolean      keep_marker,
           guint64      *value,
           gboolean     *unknown)
{
  gsize len = 1;
  guint64 v;
  gboolean all_ones;

  if (p >= end || *p == 0)
    return 0;
  while (!(*p & (0x80 >> (len - 1))))
    len++;
  if (p + len > end)
    return 0;
  v = keep_marker ? *p : (*p & (0xff >> len));
  all_ones = (*p & (0xff >> len)) == (0xff >> len);
  for (gsize i = 1; i < len; i++)
    {
      v = (v << 8) | p[i];
      all_ones = all_ones && p[i] == 0xff;
    }
  *value = v;
  if (unknown != NULL)
    *unknown = all_ones;
  return len;
}

/* FALSE when the WebM segment is declared longer than the file. */
static gboolean
webm_whole (VzMediaCheck *self)
{
  const guint8 *p = self->head;
  const guint8 *end = self->head + self->head_len;
  guint64 id, size;
  gboolean unknown;
  gsize n;

  if ((n = read_vint (p, end, TRUE, &id, NULL)) == 0 || id != 0x1a45dfa3)
    return TRUE;
  p += n;
  if ((n = read_vint (p, end, FALSE, &size, NULL)) == 0 || size > (guint64) (end - p - n))
    return TRUE;
  p += n + size;
  if ((n = read_vint (p, end, TRUE, &id, NULL)) == 0 || id != 0x18538067)
    return TRUE;
  p += n;
  if ((n = read_vint (p, end, FALSE, &size, &unknown)) == 0 || unknown)
    return TRUE;   /* a live-written segment does not say its size */
  p += n;
  return self->size >= (guint64) (p - self->head) + size;
}

gboolean
vz_media_check_finish (VzMediaCheck  *self,
                       GError       **error)
{
  guint8 tail[TAIL_BYTES];
  gsize tail_len;
  const char *cut_short = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->size == 0)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "The file is empty.");
      return FALSE;
    }
  if (!self->decided)
    {
      /* Shorter than the sniffing window: the head holds all of it. */
      decide (self);
      if (self->walking)
        walk_boxes (self, self->head, self->head_len, 0);
    }
  if (self->format == VZ_MEDIA_UNKNOWN)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           self->matroska
                             ? "Matroska (MKV) video is not accepted: send it as MP4, WebM or MOV."
                             : "The file is not an image, video or PDF this server accepts: its content is "
                               "none of JPEG, PNG, GIF or WebP images, MP4, WebM or MOV videos, or PDF documents.");
      return FALSE;
    }

  tail_len = copy_tail (self, tail);
  switch (self->format)
    {
    case VZ_MEDIA_PNG:
      if (memmem (tail, tail_len, "IEND", 4) == NULL)
        cut_short = "The PNG image is cut short: it has no end chunk.";
      break;
    case VZ_MEDIA_PDF:
      if (memmem (tail, tail_len, "%%EOF", 5) == NULL)
        cut_short = "The PDF document is cut short: it has no end-of-file marker.";
      break;
    case VZ_MEDIA_WEBP:
      if (self->head_len < 12 || self->size < (guint64) read_le32 (self->head + 4) + 8)
        cut_short = "The WebP image is cut short: it is shorter than its header says.";
      break;
    case VZ_MEDIA_MP4:
    case VZ_MEDIA_MOV:
      if (self->box_damaged)
        cut_short = "The video file is damaged: one of its boxes has an impossible size.";
      else if (self->walking && (self->box_next != self->size || self->box_header_len != 0))
        cut_short = "The video file is cut short: it ends inside one of its boxes.";
      break;
    case VZ_MEDIA_WEBM:
      if (!webm_whole (self))
        cut_short = "The video file is cut short: it is shorter than its segment says.";
      break;
    case VZ_MEDIA_JPEG:
      /* 0xFF 0xD9 is only ever the end marker: coded data stuffs every 0xFF. */
      if (memmem (tail, tail_len, "\xff\xd9", 2) == NULL)
        cut_short = "The JPEG image is cut short: it has no end marker.";
      break;
    case VZ_MEDIA_GIF:
    case VZ_MEDIA_UNKNOWN:
    default:
      /* Told by decoding it (the thumbnail). */
      break;
    }
  if (cut_short != NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, cut_short);
      return FALSE;
    }
  return TRUE;
}

const char *
vz_media_format_kind (VzMediaFormat format)
{
  switch (format)
    {
    case VZ_MEDIA_JPEG:
    case VZ_MEDIA_PNG:
    case VZ_MEDIA_GIF:
    case VZ_MEDIA_WEBP:
      return "image";
    case VZ_MEDIA_MP4:
    case VZ_MEDIA_WEBM:
    case VZ_MEDIA_MOV:
      return "video";
    case VZ_MEDIA_PDF:
      return "pdf";
    case VZ_MEDIA_UNKNOWN:
    default:
      return NULL;
    }
}

static const struct {
  VzMediaFormat  format;
  const char    *mime;
  const char    *description;
} formats[] = {
  { VZ_MEDIA_JPEG, "image/jpeg",      "a JPEG image" },
  { VZ_MEDIA_PNG,  "image/png",       "a PNG image" },
  { VZ_MEDIA_GIF,  "image/gif",       "a GIF image" },
  { VZ_MEDIA_WEBP, "image/webp",      "a WebP image" },
  { VZ_MEDIA_MP4,  "video/mp4",       "an MP4 video" },
  { VZ_MEDIA_WEBM, "video/webm",      "a WebM video" },
  { VZ_MEDIA_MOV,  "video/quicktime", "a QuickTime (MOV) video" },
  { VZ_MEDIA_PDF,  "application/pdf", "a PDF document" },
};

const char *
vz_media_format_mime (VzMediaFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return formats[i].mime;
  return "application/octet-stream";
}

const char *
vz_media_format_describe (VzMediaFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return formats[i].description;
  return "a file of unknown type";
}

VzMediaFormat
vz_media_format_from_mime (const char *mime_type)
{
  if (mime_type == NULL)
    return VZ_MEDIA_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (formats[i].mime, mime_type) == 0)
      return formats[i].format;
  return VZ_MEDIA_UNKNOWN;
}

guint64
vz_media_format_limit (VzMediaFormat format)
{
  const char *kind = vz_media_format_kind (format);

  if (g_strcmp0 (kind, "image") == 0)
    return 10 * MIB;
  if (g_strcmp0 (kind, "pdf") == 0)
    return 50 * MIB;
  return 100 * MIB;
}
