/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-media-check"

#include <string.h>

#include "vz-media-check.h"
#include "vz-server-error.h"

/*
 * The format of a file comes from its first bytes, whatever its name; a file
 * cut short is told apart where its format says how long it must be.
 */

/* Runs @data through a check in pieces of @step bytes. */
static VzMediaCheck *
check_in_pieces (const guint8 *data,
                 gsize         len,
                 gsize         step)
{
  VzMediaCheck *check = vz_media_check_new ();

  for (gsize at = 0; at < len; at += step)
    vz_media_check_feed (check, data + at, MIN (step, len - at));
  return check;
}

/* The check's verdict on @data, the same for every way of cutting it. */
static VzMediaFormat
verdict (GByteArray  *data,
         GError     **error)
{
  const gsize steps[] = { 1, 5, 64, 1000, 1 << 20 };
  VzMediaFormat format = VZ_MEDIA_UNKNOWN;
  g_autofree char *first_message = NULL;
  gboolean first_ok = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(VzMediaCheck) check = check_in_pieces (data->data, data->len, steps[i]);
      g_autoptr(GError) local_error = NULL;
      gboolean ok = vz_media_check_finish (check, &local_error);

      g_assert_cmpuint (vz_media_check_size (check), ==, data->len);
      if (i == 0)
        {
          format = vz_media_check_format (check);
          first_ok = ok;
          first_message = local_error != NULL ? g_strdup (local_error->message) : NULL;
        }
      else
        {
          g_assert_cmpint (vz_media_check_format (check), ==, format);
          g_assert_cmpint (ok, ==, first_ok);
          g_assert_cmpstr (local_error != NULL ? local_error->message : NULL, ==, first_message);
        }
    }
  if (!first_ok)
    g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, first_message);
  return format;
}

static GByteArray *
bytes_of (const char *text,
          gsize       len,
          gsize       padding)
{
  GByteArray *array = g_byte_array_new ();

  g_byte_array_append (array, (const guint8 *) text, (guint) len);
  for (gsize i = 0; i < padding; i++)
    g_byte_array_append (array, (const guint8 *) "\x42", 1);
  return array;
}

static void
append_be32 (GByteArray *array,
             guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, b, 4);
}

/* An ISO box: 32-bit size, type, then @payload filler bytes. */
static void
append_box (GByteArray *array,
            const char *type,
            guint32     payload)
{
  append_be32 (array, 8 + payload);
  g_byte_array_append (array, (const guint8 *) type, 4);
  for (guint32 i = 0; i < payload; i++)
    g_byte_array_append (array, (const guint8 *) "\0", 1);
}

static void
assert_format (GByteArray    *data,
               VzMediaFormat  expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (verdict (data, &error), ==, expected);
  g_assert_no_error (error);
}

static void
assert_refused (GByteArray *data,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;

  verdict (data, &error);
  g_assert_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_magic (void)
{
  g_autoptr(GByteArray) jpeg = bytes_of ("\xff\xd8\xff\xe0", 4, 100);
  g_autoptr(GByteArray) png = bytes_of ("\x89PNG\r\n\x1a\n", 8, 100);
  g_autoptr(GByteArray) gif = bytes_of ("GIF89a", 6, 3);
  g_autoptr(GByteArray) pdf = bytes_of ("%PDF-1.7\n", 9, 10);
  g_autoptr(GByteArray) webp = bytes_of ("RIFF\x0c\0\0\0WEBPVP8 ", 16, 4);
  g_autoptr(GByteArray) text = bytes_of ("hello, this is not a picture at all, just some words in a file", 62, 10);
  g_autoptr(GByteArray) empty = g_byte_array_new ();
  g_autoptr(GByteArray) mp4 = g_byte_array_new ();
  g_autoptr(GByteArray) mov = g_byte_array_new ();

  g_byte_array_append (png, (const guint8 *) "\0\0\0\0IEND\xae\x42\x60\x82", 12);
  g_byte_array_append (jpeg, (const guint8 *) "\xff\xd9", 2);
  g_byte_array_append (pdf, (const guint8 *) "\n%%EOF\n", 7);
  append_box (mp4, "ftyp", 8);
  memcpy (mp4->data + 8, "isom", 4);
  append_box (mp4, "mdat", 200);
  append_box (mov, "ftyp", 8);
  memcpy (mov->data + 8, "qt  ", 4);
  append_box (mov, "moov", 20);

  assert_format (jpeg, VZ_MEDIA_JPEG);
  assert_format (png, VZ_MEDIA_PNG);
  assert_format (gif, VZ_MEDIA_GIF);
  assert_format (pdf, VZ_MEDIA_PDF);
  assert_format (webp, VZ_MEDIA_WEBP);
  assert_format (mp4, VZ_MEDIA_MP4);
  assert_format (mov, VZ_MEDIA_MOV);
  assert_refused (text, "not an image, video or PDF");
  assert_refused (empty, "empty");

  g_assert_cmpstr (vz_media_format_kind (VZ_MEDIA_GIF), ==, "image");
  g_assert_cmpstr (vz_media_format_kind (VZ_MEDIA_MOV), ==, "video");
  g_assert_cmpstr (vz_media_format_kind (VZ_MEDIA_PDF), ==, "pdf");
  g_assert_cmpuint (vz_media_format_limit (VZ_MEDIA_PNG), ==, 10 * 1024 * 1024);
  g_assert_cmpuint (vz_media_format_limit (VZ_MEDIA_WEBM), ==, 100 * 1024 * 1024);
  g_assert_cmpuint (vz_media_format_limit (VZ_MEDIA_PDF), ==, 50 * 1024 * 1024);
  g_assert_cmpint (vz_media_format_from_mime ("VIDEO/QuickTime"), ==, VZ_MEDIA_MOV);
  g_assert_cmpint (vz_media_format_from_mime ("application/octet-stream"), ==, VZ_MEDIA_UNKNOWN);
}

/* The format is known as soon as the sniffing window is in. */
static void
test_early (void)
{
  g_autoptr(VzMediaCheck) check = vz_media_check_new ();
  g_autofree guint8 *zeros = g_malloc0 (VZ_MEDIA_SNIFF_BYTES);

  vz_media_check_feed (check, (const guint8 *) "%PDF-1.4", 8);
  g_assert_cmpint (vz_media_check_format (check), ==, VZ_MEDIA_UNKNOWN);
  vz_media_check_feed (check, zeros, VZ_MEDIA_SNIFF_BYTES);
  g_assert_cmpint (vz_media_check_format (check), ==, VZ_MEDIA_PDF);
}

static void
test_cut_short (void)
{
  g_autoptr(GByteArray) mp4 = g_byte_array_new ();
  g_autoptr(GByteArray) large = g_byte_array_new ();
  g_autoptr(GByteArray) bad_box = g_byte_array_new ();
  g_autoptr(GByteArray) png = bytes_of ("\x89PNG\r\n\x1a\n", 8, 300);
  g_autoptr(GByteArray) pdf = bytes_of ("%PDF-1.7\n", 9, 300);
  g_autoptr(GByteArray) jpeg = bytes_of ("\xff\xd8\xff\xe0", 4, 3000);
  g_autoptr(GByteArray) webp = bytes_of ("RIFF\x00\x01\0\0WEBPVP8 ", 16, 100);
  static const guint8 large_size[8] = { 0, 0, 0, 0, 0, 0, 0, 16 + 40 };

  append_box (mp4, "ftyp", 8);
  append_box (mp4, "mdat", 5000);
  assert_format (mp4, VZ_MEDIA_MP4);
  g_byte_array_set_size (mp4, mp4->len - 1);
  assert_refused (mp4, "cut short");
  /* A header cut in two is cut short too. */
  g_byte_array_set_size (mp4, 16 + 4);
  assert_refused (mp4, "cut short");

  /* A box with a 64-bit size, whole and then short by a byte. */
  append_box (large, "ftyp", 8);
  append_be32 (large, 1);
  g_byte_array_append (large, (const guint8 *) "mdat", 4);
  g_byte_array_append (large, large_size, 8);
  for (guint i = 0; i < 40; i++)
    g_byte_array_append (large, (const guint8 *) "\1", 1);
  assert_format (large, VZ_MEDIA_MP4);
  g_byte_array_set_size (large, large->len - 1);
  assert_refused (large, "cut short");

  append_box (bad_box, "ftyp", 8);
  append_be32 (bad_box, 3);
  g_byte_array_append (bad_box, (const guint8 *) "mdat", 4);
  for (guint i = 0; i < 80; i++)
    g_byte_array_append (bad_box, (const guint8 *) "\1", 1);
  assert_refused (bad_box, "impossible size");

  assert_refused (png, "no end chunk");
  assert_refused (jpeg, "no end marker");
  assert_refused (pdf, "no end-of-file marker");
  assert_refused (webp, "shorter than its header says");
}

static void
test_webm (void)
{
  /* EBML header (DocType webm), then a Segment of 100 bytes. */
  static const guint8 head[] = {
    0x1a, 0x45, 0xdf, 0xa3, 0x8b,                  /* EBML, size 11 */
    0x42, 0x82, 0x84, 'w', 'e', 'b', 'm',          /* DocType "webm" */
    0x42, 0x87, 0x81, 0x02,                        /* DocTypeVersion 2 */
    0x18, 0x53, 0x80, 0x67, 0x80 | 100,            /* Segment, size 100 */
  };
  static const guint8 live[] = {
    0x1a, 0x45, 0xdf, 0xa3, 0x87,
    0x42, 0x82, 0x84, 'w', 'e', 'b', 'm',
    0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   /* unknown size */
  };
  static const guint8 mkv[] = {
    0x1a, 0x45, 0xdf, 0xa3, 0x8b,
    0x42, 0x82, 0x88, 'm', 'a', 't', 'r', 'o', 's', 'k', 'a',
  };
  g_autoptr(GByteArray) whole = bytes_of ((const char *) head, sizeof head, 100 + 60);
  g_autoptr(GByteArray) cut = bytes_of ((const char *) head, sizeof head, 99 + 60 - 60);
  g_autoptr(GByteArray) streamed = bytes_of ((const char *) live, sizeof live, 70);
  g_autoptr(GByteArray) matroska = bytes_of ((const char *) mkv, sizeof mkv, 100);

  assert_format (whole, VZ_MEDIA_WEBM);
  assert_refused (cut, "shorter than its segment says");
  assert_format (streamed, VZ_MEDIA_WEBM);
  assert_refused (matroska, "Matroska");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media-check/magic", test_magic);
  g_test_add_func ("/media-check/early", test_early);
  g_test_add_func ("/media-check/cut-short", test_cut_short);
  g_test_add_func ("/media-check/webm", test_webm);
  return g_test_run ();
}
