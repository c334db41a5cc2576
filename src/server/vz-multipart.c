/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vz-multipart.h"
#include "vz-server-error.h"

/*
 * The body is read as if it began with a line break, so that the first
 * boundary line is found by the same delimiter ("\r\n--" boundary) as every
 * other. Data is handed on as soon as it cannot be the start of a delimiter:
 * only the last (delimiter length - 1) bytes wait for the next piece.
 */

typedef enum {
  STATE_PREAMBLE,
  STATE_AFTER_DELIMITER,
  STATE_HEADERS,
  STATE_BODY,
  STATE_DONE,
  STATE_FAILED,
} State;

/* Spaces a sender may put after a boundary before its line break (RFC 2046
 * "transport padding"); more than this is not padding. */
#define MAX_PADDING 256

struct _VzMultipart
{
  VzMultipartCallbacks  callbacks;
  gpointer              user_data;
  char                 *delimiter;     /* "\r\n--" boundary */
  gsize                 delimiter_len;
  GByteArray           *pending;
  State                 state;
  gsize                 preamble;      /* bytes of preamble dropped so far */
  guint                 parts;
};

VzMultipart *
vz_multipart_new (const char                 *boundary,
                  const VzMultipartCallbacks *callbacks,
                  gpointer                    user_data)
{
  VzMultipart *self;
  gsize len;

  g_return_val_if_fail (callbacks != NULL, NULL);

  len = boundary != NULL ? strlen (boundary) : 0;
  if (len < 1 || len > 70)
    return NULL;

  self = g_new0 (VzMultipart, 1);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_len = strlen (self->delimiter);
  self->pending = g_byte_array_sized_new (64 * 1024);
  g_byte_array_append (self->pending, (const guint8 *) "\r\n", 2);
  self->state = STATE_PREAMBLE;
  return self;
}

void
vz_multipart_free (VzMultipart *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->pending);
  g_free (self->delimiter);
  g_free (self);
}

static gssize
find (GByteArray *buffer,
      const char *needle,
      gsize       needle_len)
{
  const guint8 *at = memmem (buffer->data, buffer->len, needle, needle_len);

  return at != NULL ? at - buffer->data : -1;
}

static void
consume (VzMultipart *self,
         gsize        length)
{
  g_byte_array_remove_range (self->pending, 0, (guint) length);
}

static gboolean
fail (VzMultipart  *self,
      GError      **error,
      const char   *message)
{
  self->state = STATE_FAILED;
  g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, message);
  return FALSE;
}

/* Parses one part's header block (without its blank line) and starts the part. */
static gboolean
begin_part (VzMultipart  *self,
            const char   *block,
            gsize         block_len,
            GError      **error)
{
  g_autofree char *text = g_strndup (block, block_len);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) params = NULL;
  const char *disposition = NULL;
  const char *content_type = NULL;
  const char *name;
  const char *filename;
  char *semicolon;

  if (strlen (text) != block_len)
    return fail (self, error, "A part of the form has a NUL byte in its headers.");

  /* Unfold continuation lines into the field before them. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if ((lines[i][0] == ' ' || lines[i][0] == '\t') && fields->len > 0)
        {
          char *last = g_ptr_array_index (fields, fields->len - 1);

          fields->pdata[fields->len - 1] = g_strconcat (last, " ", g_strstrip (lines[i]), NULL);
          g_free (last);
        }
      else if (lines[i][0] != '\0')
        g_ptr_array_add (fields, g_strdup (lines[i]));
    }

  for (guint i = 0; i < fields->len; i++)
    {
      char *field = g_ptr_array_index (fields, i);
      char *colon = strchr (field, ':');

      if (colon == NULL || colon == field)
        return fail (self, error, "A part of the form has a malformed header line.");
      *colon = '\0';
      g_strstrip (field);
      if (g_ascii_strcasecmp (field, "Content-Disposition") == 0)
        disposition = g_strstrip (colon + 1);
      else if (g_ascii_strcasecmp (field, "Content-Type") == 0)
        content_type = g_strstrip (colon + 1);
    }

  if (disposition == NULL)
    return fail (self, error, "A part of the form has no Content-Disposition header naming its field.");
  semicolon = strchr (disposition, ';');
  if (semicolon == NULL ||
      g_ascii_strncasecmp (disposition, "form-data", 9) != 0 ||
      (disposition[9] != ';' && disposition[9] != ' ' && disposition[9] != '\t'))
    return fail (self, error, "A part of the form is not form-data with a field name.");
  params = soup_header_parse_semi_param_list (semicolon + 1);
  name = g_hash_table_lookup (params, "name");
  filename = g_hash_table_lookup (params, "filename");
  if (name == NULL || *name == '\0')
    return fail (self, error, "A part of the form has no field name.");
  if (content_type != NULL && *content_type == '\0')
    content_type = NULL;

  self->parts++;
  return self->callbacks.part_begin (self->user_data, name, filename, content_type, error);
}

static gboolean
emit_data (VzMultipart  *self,
           gsize         length,
           GError      **error)
{
  gboolean ok = TRUE;

  if (length > 0)
    ok = self->callbacks.part_data (self->user_data, self->pending->data, length, error);
  consume (self, length);
  return ok;
}

/* One step of the reader; *@more is FALSE when it needs more bytes. */
static gboolean
step (VzMultipart  *self,
      gboolean     *more,
      GError      **error)
{
  gssize at;
  gsize keep = self->delimiter_len - 1;

  *more = TRUE;
  switch (self->state)
    {
    case STATE_PREAMBLE:
      at = find (self->pending, self->delimiter, self->delimiter_len);
      if (at >= 0)
        {
          consume (self, (gsize) at + self->delimiter_len);
          self->state = STATE_AFTER_DELIMITER;
          return TRUE;
        }
      if (self->pending->len > keep)
        {
          self->preamble += self->pending->len - keep;
          consume (self, self->pending->len - keep);
        }
      if (self->preamble > VZ_MULTIPART_MAX_HEADERS)
        return fail (self, error, "The form data does not begin with the boundary its Content-Type names.");
      *more = FALSE;
      return TRUE;

    case STATE_AFTER_DELIMITER:
      {
        gsize padding = 0;

        while (padding < self->pending->len &&
               (self->pending->data[padding] == ' ' || self->pending->data[padding] == '\t'))
          padding++;
        if (padding > MAX_PADDING)
          return fail (self, error, "A boundary line of the form is followed by something other than a line break.");
        if (self->pending->len < padding + 2)
          {
            *more = FALSE;
            return TRUE;
          }
        if (padding == 0 && memcmp (self->pending->data, "--", 2) == 0)
          {
            self->state = STATE_DONE;
            g_byte_array_set_size (self->pending, 0);
            return TRUE;
          }
        if (memcmp (self->pending->data + padding, "\r\n", 2) != 0)
          return fail (self, error, "A boundary line of the form is followed by something other than a line break.");
        consume (self, padding + 2);
        self->state = STATE_HEADERS;
        return TRUE;
      }

    case STATE_HEADERS:
      if (self->pending->len >= 2 && memcmp (self->pending->data, "\r\n", 2) == 0)
        {
          /* A part without headers has no field name. */
          return fail (self, error, "A part of the form has no Content-Disposition header naming its field.");
        }
      at = find (self->pending, "\r\n\r\n", 4);
      if (at > VZ_MULTIPART_MAX_HEADERS || (at < 0 && self->pending->len > VZ_MULTIPART_MAX_HEADERS))
        return fail (self, error, "A part of the form has headers longer than the 16 KiB allowed.");
      if (at < 0)
        {
          *more = FALSE;
          return TRUE;
        }
      if (!begin_part (self, (const char *) self->pending->data, (gsize) at, error))
        {
          self->state = STATE_FAILED;
          return FALSE;
        }
      consume (self, (gsize) at + 4);
      self->state = STATE_BODY;
      return TRUE;

    case STATE_BODY:
      at = find (self->pending, self->delimiter, self->delimiter_len);
      if (at >= 0)
        {
          if (!emit_data (self, (gsize) at, error) ||
              !self->callbacks.part_end (self->user_data, error))
            {
              self->state = STATE_FAILED;
              return FALSE;
            }
          consume (self, self->delimiter_len);
          self->state = STATE_AFTER_DELIMITER;
          return TRUE;
        }
      *more = FALSE;
      if (self->pending->len > keep && !emit_data (self, self->pending->len - keep, error))
        {
          self->state = STATE_FAILED;
          return FALSE;
        }
      return TRUE;

    case STATE_DONE:
      /* The epilogue is ignored. */
      g_byte_array_set_size (self->pending, 0);
      *more = FALSE;
      return TRUE;

    case STATE_FAILED:
    default:
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "The form data could not be read.");
      return FALSE;
    }
}

gboolean
vz_multipart_feed (VzMultipart   *self,
                   const guint8  *data,
                   gsize          length,
                   GError       **error)
{
  gboolean more = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (self->state == STATE_DONE)
    return TRUE;
  if (length > 0)
    g_byte_array_append (self->pending, data, (guint) length);
  while (more)
    {
      if (!step (self, &more, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
vz_multipart_finish (VzMultipart  *self,
                     GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->state)
    {
    case STATE_DONE:
      return TRUE;
    case STATE_PREAMBLE:
      return fail (self, error, self->preamble == 0 && self->pending->len <= 2
                                  ? "The form data is empty."
                                  : "The form data does not contain the boundary its Content-Type names.");
    case STATE_FAILED:
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "The form data could not be read.");
      return FALSE;
    case STATE_AFTER_DELIMITER:
    case STATE_HEADERS:
    case STATE_BODY:
    default:
      return fail (self, error,
                   "The form data ended before its closing boundary: the upload was cut short.");
    }
}
