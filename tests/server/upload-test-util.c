/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem */
#define G_LOG_DOMAIN "test-server-upload"

#include <string.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>

#include "upload-test-util.h"

#define BLOCK (64 * 1024)

static GString *
form_head (const TestUpload *upload)
{
  GString *head = g_string_new (NULL);

  if (upload->name != NULL)
    g_string_append_printf (head, "--" TEST_BOUNDARY "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
                                  "%s\r\n", upload->name);
  if (upload->extra_part != NULL)
    g_string_append (head, upload->extra_part);
  if (upload->no_file)
    return head;
  g_string_append (head, "--" TEST_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"");
  if (upload->filename != NULL)
    g_string_append_printf (head, "; filename=\"%s\"", upload->filename);
  g_string_append (head, "\r\n");
  if (upload->part_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", upload->part_type);
  g_string_append (head, "\r\n");
  return head;
}

typedef struct {
  GOutputStream *out;
  gboolean       chunked;
  guint64        sent;
  guint64        hang_up_after;
  gboolean       failed;       /* the server stopped reading (it answered early) */
} Writer;

/* FALSE once the body should stop (hang-up point reached, or the peer is gone). */
static gboolean
write_body (Writer       *writer,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  if (writer->failed)
    return FALSE;
  if (writer->hang_up_after > 0 && writer->sent + len > writer->hang_up_after)
    len = (gsize) (writer->hang_up_after - writer->sent);
  if (len == 0)
    return writer->hang_up_after == 0 || writer->sent < writer->hang_up_after;
  if (writer->chunked)
    {
      g_autofree char *size = g_strdup_printf ("%zx\r\n", len);

      if (!g_output_stream_write_all (writer->out, size, strlen (size), NULL, NULL, &error))
        goto failed;
    }
  if (!g_output_stream_write_all (writer->out, data, len, NULL, NULL, &error) ||
      (writer->chunked && !g_output_stream_write_all (writer->out, "\r\n", 2, NULL, NULL, &error)))
    goto failed;
  writer->sent += len;
  return writer->hang_up_after == 0 || writer->sent < writer->hang_up_after;

failed:
  g_debug ("The server stopped reading the upload: %s", error->message);
  writer->failed = TRUE;
  return FALSE;
}

/* The length of the whole answer in @all, headers and body, when its
 * headers are in and say the body's length; else 0. */
static gsize
answer_length (GByteArray *all)
{
  const guint8 *end_of_headers = all->len > 0 ? memmem (all->data, all->len, "\r\n\r\n", 4) : NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  gsize headers_len;

  if (end_of_headers == NULL)
    return 0;
  headers_len = (gsize) (end_of_headers - all->data) + 4;
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (!soup_headers_parse_response ((const char *) all->data, (int) headers_len, headers, NULL, NULL, NULL) ||
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return 0;
  return headers_len + (gsize) soup_message_headers_get_content_length (headers);
}

/* Reads the answer: up to the end of its body when its headers say the
 * body's length, else until the server closes the connection. A server
 * that refused a body goes on reading the rest of it for a while before it
 * closes (see vz_listener_refuse()); a client that has sent it all and
 * waited for the close would wait out that time. */
static TestResponse *
read_response (GInputStream *in)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (BLOCK);
  TestResponse *response = g_new0 (TestResponse, 1);
  const guint8 *end_of_headers;
  gsize headers_len, whole = 0;
  guint status = 0;

  while (whole == 0 || all->len < whole)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (in, buffer, BLOCK, NULL, &error);

      if (n <= 0)
        break;
      g_byte_array_append (all, buffer, (guint) n);
      whole = answer_length (all);
    }
  end_of_headers = all->len > 0 ? memmem (all->data, all->len, "\r\n\r\n", 4) : NULL;
  if (end_of_headers == NULL)
    {
      /* The server closed the connection without an answer. */
      response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      response->raw = g_bytes_new (NULL, 0);
      return response;
    }
  headers_len = (gsize) (end_of_headers - all->data) + 4;
  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_assert_true (soup_headers_parse_response ((const char *) all->data, (int) headers_len, response->headers,
                                              NULL, &status, NULL));
  response->status = status;
  response->raw = g_bytes_new (all->data + headers_len, all->len - headers_len);
  if (all->len > headers_len)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, (const char *) all->data + headers_len,
                                      (gssize) (all->len - headers_len), NULL))
        response->body = json_node_ref (json_parser_get_root (parser));
    }
  return response;
}

TestResponse *
test_upload (VzTestServer     *server,
             const TestUpload *upload)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) head = form_head (upload);
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *block = g_malloc (BLOCK);
  const char *tail = upload->no_closing ? "" : upload->no_file ? "--" TEST_BOUNDARY "--\r\n"
                                                                 : "\r\n--" TEST_BOUNDARY "--\r\n";
  gsize data_len = upload->no_file ? 0 : upload->data_len;
  guint64 length = head->len + data_len + strlen (tail);
  Writer writer = { 0, };
  gboolean more;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);

  g_string_append_printf (request, "POST /api/v1/content/upload HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", server->port);
  if (upload->token != NULL)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n", upload->token);
  g_string_append (request, "Content-Type: multipart/form-data; boundary=" TEST_BOUNDARY "\r\n");
  if (upload->chunked)
    g_string_append (request, "Transfer-Encoding: chunked\r\n");
  else
    g_string_append_printf (request, "Content-Length: %" G_GUINT64_FORMAT "\r\n",
                            upload->declared_length > 0 ? upload->declared_length : length);
  g_string_append (request, "Connection: close\r\n\r\n");

  writer.out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  writer.chunked = upload->chunked;
  writer.hang_up_after = upload->hang_up_after;
  g_assert_true (g_output_stream_write_all (writer.out, request->str, request->len, NULL, NULL, &error));

  more = write_body (&writer, (const guint8 *) head->str, head->len);
  if (upload->source == NULL)
    more = more && write_body (&writer, upload->data, data_len);
  else
    while (more)
      {
        gsize n = upload->source (block, BLOCK, upload->source_data);

        if (n == 0)
          break;
        more = write_body (&writer, block, n);
      }
  if (more)
    more = write_body (&writer, (const guint8 *) tail, strlen (tail));
  if (more && upload->chunked && !writer.failed)
    g_output_stream_write_all (writer.out, "0\r\n\r\n", 5, NULL, NULL, NULL);

  if (upload->hang_up_after > 0)
    {
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      /* The server is storing the upload before it is cut off. */
      while (test_count_files (server, "media/uploads") == 0 && g_get_monotonic_time () < deadline)
        g_usleep (10 * 1000);
      g_assert_cmpuint (test_count_files (server, "media/uploads"), >, 0);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return NULL;
    }
  return read_response (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
}

guint
test_count_files (VzTestServer *server,
                  const char   *dir)
{
  g_autofree char *path = g_build_filename (server->data_dir, dir, NULL);
  g_autoptr(GDir) handle = g_dir_open (path, 0, NULL);
  guint count = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    count++;
  return count;
}

gboolean
test_wait_uploads_empty (VzTestServer *server,
                         guint         seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (test_count_files (server, "media/uploads") > 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20 * 1000);
    }
  return TRUE;
}

GBytes *
test_make_png (int   width,
               int   height,
               guint seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint32 base = seed * 2654435761u;
  gchar *buffer = NULL;
  gsize size = 0;

  /* Four quadrants of colours that depend on @seed: a picture, not noise. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3;
        guint32 colour = base ^ (guint32) ((x * 2 / width) * 0x00ff00 + (y * 2 / height) * 0xff0000);

        p[0] = (guint8) (colour >> 16);
        p[1] = (guint8) (colour >> 8);
        p[2] = (guint8) colour;
      }
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

void
test_mp4_head (guint8  *head,
               guint64  size)
{
  guint32 mdat = (guint32) (size - 16);

  g_assert_cmpuint (size - 16, <=, G_MAXUINT32);
  memcpy (head, "\0\0\0\x10" "ftypisom\0\0\0\0", 16);
  head[16] = (guint8) (mdat >> 24);
  head[17] = (guint8) (mdat >> 16);
  head[18] = (guint8) (mdat >> 8);
  head[19] = (guint8) mdat;
  memcpy (head + 20, "mdat", 4);
}

GBytes *
test_make_webm (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vz-webm-XXXXXX", NULL);
  g_autofree char *location = g_build_filename (dir, "clip.webm", NULL);
  g_autofree char *description = g_strdup_printf ("videotestsrc num-buffers=30 ! "
                                                  "video/x-raw,width=640,height=360,framerate=15/1 ! "
                                                  "vp8enc deadline=1 ! webmmux ! filesink location=\"%s\"",
                                                  location);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  char *contents = NULL;
  gsize len = 0;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_true (g_file_get_contents (location, &contents, &len, NULL));
  g_unlink (location);
  g_rmdir (dir);
  return g_bytes_new_take (contents, len);
}
