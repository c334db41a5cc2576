/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-multipart"

#include <string.h>

#include "vz-multipart.h"
#include "vz-server-error.h"

/*
 * The streaming form reader gives the same parts however the body is cut
 * into pieces, hands data on with at most a boundary's length held back,
 * and names what is wrong with a broken form.
 */

#define BOUNDARY "----vz-boundary-7MA4YWxk"

typedef struct {
  GPtrArray *events;     /* "begin name filename type", "end" */
  GString   *data;       /* every part's data, one after the other */
  gsize      largest;    /* the largest piece of data handed on */
} Recorder;

static gboolean
rec_begin (gpointer user_data, const char *name, const char *filename, const char *content_type, GError **error)
{
  Recorder *rec = user_data;

  g_ptr_array_add (rec->events, g_strdup_printf ("begin %s %s %s", name, filename ? filename : "-",
                                                 content_type ? content_type : "-"));
  return TRUE;
}

static gboolean
rec_data (gpointer user_data, const guint8 *data, gsize length, GError **error)
{
  Recorder *rec = user_data;

  g_assert_cmpuint (length, >, 0);
  rec->largest = MAX (rec->largest, length);
  g_string_append_len (rec->data, (const char *) data, (gssize) length);
  return TRUE;
}

static gboolean
rec_end (gpointer user_data, GError **error)
{
  Recorder *rec = user_data;

  g_ptr_array_add (rec->events, g_strdup ("end"));
  return TRUE;
}

static const VzMultipartCallbacks rec_callbacks = { rec_begin, rec_data, rec_end };

static void
recorder_init (Recorder *rec)
{
  rec->events = g_ptr_array_new_with_free_func (g_free);
  rec->data = g_string_new (NULL);
  rec->largest = 0;
}

static void
recorder_clear (Recorder *rec)
{
  g_ptr_array_unref (rec->events);
  g_string_free (rec->data, TRUE);
}

/* Feeds @body in pieces of @step bytes; returns the error of feed or finish. */
static gboolean
feed_all (Recorder    *rec,
          const char  *body,
          gsize        len,
          gsize        step,
          GError     **error)
{
  g_autoptr(VzMultipart) reader = vz_multipart_new (BOUNDARY, &rec_callbacks, rec);

  g_assert_nonnull (reader);
  for (gsize at = 0; at < len; at += step)
    if (!vz_multipart_feed (reader, (const guint8 *) body + at, MIN (step, len - at), error))
      return FALSE;
  return vz_multipart_finish (reader, error);
}

/* File data with near-misses of the delimiter in it. */
static const char tricky[] = "\x89PNG\r\n--" "----vz-boundary-7MA4YWx" "\r\n-- \r\n\r\n\0tail";

static GString *
good_form (void)
{
  GString *body = g_string_new ("preamble, ignored\r\n");

  g_string_append (body, "--" BOUNDARY "\r\n"
                         "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
                         "Lobby loop\r\n"
                         "--" BOUNDARY "\r\n"
                         "Content-Disposition: form-data; name=\"file\";\r\n"
                         "  filename=\"clip one.png\"\r\n"
                         "Content-Type: image/png\r\n\r\n");
  g_string_append_len (body, tricky, sizeof tricky - 1);
  g_string_append (body, "\r\n--" BOUNDARY "--\r\nepilogue, ignored");
  return body;
}

static void
test_pieces (void)
{
  g_autoptr(GString) body = good_form ();
  const gsize steps[] = { 1, 2, 3, 7, 16, 41, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GError) error = NULL;
      Recorder rec;

      recorder_init (&rec);
      g_assert_true (feed_all (&rec, body->str, body->len, steps[i], &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rec.events->len, ==, 4);
      g_assert_cmpstr (g_ptr_array_index (rec.events, 0), ==, "begin name - -");
      g_assert_cmpstr (g_ptr_array_index (rec.events, 1), ==, "end");
      g_assert_cmpstr (g_ptr_array_index (rec.events, 2), ==, "begin file clip one.png image/png");
      g_assert_cmpstr (g_ptr_array_index (rec.events, 3), ==, "end");
      g_assert_cmpuint (rec.data->len, ==, strlen ("Lobby loop") + sizeof tricky - 1);
      g_assert_cmpmem (rec.data->str, strlen ("Lobby loop"), "Lobby loop", strlen ("Lobby loop"));
      g_assert_cmpmem (rec.data->str + strlen ("Lobby loop"), sizeof tricky - 1, tricky, sizeof tricky - 1);
      recorder_clear (&rec);
    }
}

/* Data is handed on as it comes: a piece is never much more than what was fed. */
static void
test_streams (void)
{
  g_autoptr(VzMultipart) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *block = g_malloc (8192);
  const char *head = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n";
  const char *foot = "\r\n--" BOUNDARY "--\r\n";
  Recorder rec;

  recorder_init (&rec);
  reader = vz_multipart_new (BOUNDARY, &rec_callbacks, &rec);
  memset (block, 'x', 8192);
  g_assert_true (vz_multipart_feed (reader, (const guint8 *) head, strlen (head), &error));
  for (guint i = 0; i < 1024; i++)
    {
      g_assert_true (vz_multipart_feed (reader, block, 8192, &error));
      /* Everything but a delimiter's length is out already. */
      g_assert_cmpuint (rec.data->len + strlen ("\r\n--" BOUNDARY), >=, (gsize) (i + 1) * 8192);
    }
  g_assert_true (vz_multipart_feed (reader, (const guint8 *) foot, strlen (foot), &error));
  g_assert_true (vz_multipart_finish (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rec.data->len, ==, 1024 * 8192);
  g_assert_cmpuint (rec.largest, <=, 8192 + strlen ("\r\n--" BOUNDARY));
  recorder_clear (&rec);
}

static void
expect_error (const char *body,
              gssize      len,
              const char *fragment)
{
  g_autoptr(GError) error = NULL;
  Recorder rec;

  recorder_init (&rec);
  g_assert_false (feed_all (&rec, body, len < 0 ? strlen (body) : (gsize) len, 5, &error));
  g_assert_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
  recorder_clear (&rec);
}

static void
test_broken (void)
{
  g_autoptr(GString) whole = good_form ();

  expect_error ("", 0, "empty");
  expect_error ("no boundary anywhere", -1, "does not contain the boundary");
  /* Cut anywhere before the closing boundary. */
  for (gsize cut = 50; cut < whole->len - strlen ("--\r\nepilogue, ignored"); cut += 13)
    expect_error (whole->str, (gssize) cut, "cut short");
  expect_error ("--" BOUNDARY "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" BOUNDARY "--", -1,
                "no Content-Disposition");
  expect_error ("--" BOUNDARY "\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nx\r\n--" BOUNDARY "--", -1,
                "not form-data");
  expect_error ("--" BOUNDARY "\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nx\r\n--" BOUNDARY "--", -1,
                "no field name");
  expect_error ("--" BOUNDARY "\r\nno colon here\r\n\r\nx\r\n--" BOUNDARY "--", -1, "malformed header");
  expect_error ("--" BOUNDARY "garbage\r\n", -1, "something other than a line break");
  g_assert_null (vz_multipart_new ("", &rec_callbacks, NULL));
  g_assert_null (vz_multipart_new ("0123456789012345678901234567890123456789012345678901234567890123456789x",
                                   &rec_callbacks, NULL));
}

/* A part whose headers never end is refused once they pass 16 KiB, long
 * before the sender is done. */
static void
test_gigantic_header (void)
{
  g_autoptr(VzMultipart) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = g_strnfill (1024, 'a');
  const char *head = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"";
  gsize fed;
  Recorder rec;

  recorder_init (&rec);
  reader = vz_multipart_new (BOUNDARY, &rec_callbacks, &rec);
  g_assert_true (vz_multipart_feed (reader, (const guint8 *) head, strlen (head), &error));
  for (fed = 0; fed < 1024 * 1024; fed += 1024)
    if (!vz_multipart_feed (reader, (const guint8 *) filler, 1024, &error))
      break;
  g_assert_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "headers longer than the 16 KiB"));
  g_assert_cmpuint (fed, <=, VZ_MULTIPART_MAX_HEADERS + 1024);
  g_assert_cmpuint (rec.events->len, ==, 0);
  /* Nothing more is read after an error. */
  g_clear_error (&error);
  g_assert_false (vz_multipart_feed (reader, (const guint8 *) "x", 1, &error));
  recorder_clear (&rec);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/multipart/pieces", test_pieces);
  g_test_add_func ("/multipart/streams", test_streams);
  g_test_add_func ("/multipart/broken", test_broken);
  g_test_add_func ("/multipart/gigantic-header", test_gigantic_header);
  return g_test_run ();
}
