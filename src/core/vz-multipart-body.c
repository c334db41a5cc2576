/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-multipart-body"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-multipart-body.h"

struct _VzMultipartBody
{
  GInputStream  parent_instance;

  GBytes       *head;         /* fields and the file part's header */
  GInputStream *file;
  GBytes       *tail;         /* the closing boundary */
  goffset       file_size;
  goffset       file_read;
  gsize         head_done;
  gsize         tail_done;
  char         *content_type;
};

G_DEFINE_FINAL_TYPE (VzMultipartBody, vz_multipart_body, G_TYPE_INPUT_STREAM)

/* Quotes in a header's parameter are escaped as browsers do (%22), and
 * line breaks would end the header: they go too. */
static void
append_quoted (GString    *out,
               const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (out, "%22");
      else if (*p == '\r' || *p == '\n')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gsize
copy_part (GBytes *bytes,
           gsize  *done,
           void   *buffer,
           gsize   count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize n = MIN (count, size - *done);

  memcpy (buffer, data + *done, n);
  *done += n;
  return n;
}

static gssize
vz_multipart_body_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  VzMultipartBody *self = VZ_MULTIPART_BODY (stream);
  gssize n;

  if (self->head_done < g_bytes_get_size (self->head))
    return copy_part (self->head, &self->head_done, buffer, count);

  if (self->file_read < self->file_size)
    {
      n = g_input_stream_read (self->file, buffer, MIN ((goffset) count, self->file_size - self->file_read),
                               cancellable, error);
      if (n < 0)
        return -1;
      if (n == 0)
        {
          /* The file shrank while it was sent: the length told is a lie now. */
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                               _("The file became shorter while it was being uploaded."));
          return -1;
        }
      self->file_read += n;
      return n;
    }

  return copy_part (self->tail, &self->tail_done, buffer, count);
}

static gboolean
vz_multipart_body_close (GInputStream  *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return TRUE;
}

static void
vz_multipart_body_finalize (GObject *object)
{
  VzMultipartBody *self = VZ_MULTIPART_BODY (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  g_clear_object (&self->file);
  g_clear_pointer (&self->content_type, g_free);

  G_OBJECT_CLASS (vz_multipart_body_parent_class)->finalize (object);
}

static void
vz_multipart_body_class_init (VzMultipartBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = vz_multipart_body_finalize;
  stream_class->read_fn = vz_multipart_body_read;
  stream_class->close_fn = vz_multipart_body_close;
}

static void
vz_multipart_body_init (VzMultipartBody *self)
{
}

VzMultipartBody *
vz_multipart_body_new (GInputStream       *file,
                       goffset             file_size,
                       const char         *field_name,
                       const char         *file_name,
                       const char         *content_type,
                       const char * const *fields)
{
  VzMultipartBody *self;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *boundary = g_strconcat ("vizora-", uuid, NULL);
  GString *head = g_string_new (NULL);

  g_return_val_if_fail (G_IS_INPUT_STREAM (file), NULL);
  g_return_val_if_fail (file_size >= 0, NULL);
  g_return_val_if_fail (field_name != NULL && file_name != NULL, NULL);

  self = g_object_new (VZ_TYPE_MULTIPART_BODY, NULL);
  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      g_string_append_printf (head, "--%s\r\nContent-Disposition: form-data; name=", boundary);
      append_quoted (head, fields[i]);
      g_string_append_printf (head, "\r\n\r\n%s\r\n", fields[i + 1]);
    }
  g_string_append_printf (head, "--%s\r\nContent-Disposition: form-data; name=", boundary);
  append_quoted (head, field_name);
  g_string_append (head, "; filename=");
  append_quoted (head, file_name);
  g_string_append_printf (head, "\r\nContent-Type: %s\r\n\r\n",
                          content_type != NULL ? content_type : "application/octet-stream");

  self->head = g_string_free_to_bytes (head);
  self->tail = g_bytes_new_take (g_strdup_printf ("\r\n--%s--\r\n", boundary), strlen (boundary) + 8);
  self->file = g_object_ref (file);
  self->file_size = file_size;
  self->content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  return self;
}

const char *
vz_multipart_body_get_content_type (VzMultipartBody *self)
{
  g_return_val_if_fail (VZ_IS_MULTIPART_BODY (self), NULL);
  return self->content_type;
}

goffset
vz_multipart_body_get_length (VzMultipartBody *self)
{
  g_return_val_if_fail (VZ_IS_MULTIPART_BODY (self), 0);
  return (goffset) (g_bytes_get_size (self->head) + self->file_size + g_bytes_get_size (self->tail));
}
