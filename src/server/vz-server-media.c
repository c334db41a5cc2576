/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vz-server-private.h"
#include "vz-thumbnail.h"

/*
 * The media store: uploaded files by their SHA-256 under media/content, a
 * PNG thumbnail of each under media/thumbnails, type icons under
 * media/icons, and uploads still arriving under media/uploads. Files are
 * served from here with Range requests, in pieces as the connection takes
 * them, never read whole into memory.
 */

#define SEND_BLOCK (64 * 1024)

static const char * const media_folders[] = { "content", "thumbnails", "icons", "uploads" };

gboolean
_vz_server_media_start (VzServer  *self,
                        GError   **error)
{
  g_autofree char *uploads = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (guint i = 0; i < G_N_ELEMENTS (media_folders); i++)
    {
      g_autofree char *path = g_build_filename (self->media_dir, media_folders[i], NULL);

      if (g_mkdir_with_parents (path, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                       "Cannot create the media folder %s: %s", path, g_strerror (saved));
          return FALSE;
        }
    }

  /* Uploads cut off by a crash or a kill: nothing half-written is kept. */
  uploads = _vz_server_media_upload_dir (self);
  dir = g_dir_open (uploads, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (uploads, name, NULL);

      if (g_unlink (path) != 0)
        g_message ("Could not remove the unfinished upload %s: %s", path, g_strerror (errno));
      else
        g_debug ("Removed the unfinished upload %s", path);
    }
  return TRUE;
}

char *
_vz_server_media_file_path (VzServer   *self,
                            const char *hash)
{
  return g_build_filename (self->media_dir, "content", hash, NULL);
}

char *
_vz_server_media_thumbnail_path (VzServer   *self,
                                 const char *hash)
{
  g_autofree char *name = g_strconcat (hash, ".png", NULL);

  return g_build_filename (self->media_dir, "thumbnails", name, NULL);
}

char *
_vz_server_media_upload_dir (VzServer *self)
{
  return g_build_filename (self->media_dir, "uploads", NULL);
}

void
_vz_server_media_release (VzServer   *self,
                          const char *hash)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *thumbnail = NULL;

  if (hash == NULL || self->db == NULL)
    return;
  stmt = vz_db_prepare (self->db, "SELECT EXISTS (SELECT 1 FROM content WHERE file_hash = ?1)", &error);
  if (stmt == NULL)
    {
      g_message ("Could not check whether a file is still used: %s", error->message);
      return;
    }
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0)
    return;

  file = _vz_server_media_file_path (self, hash);
  thumbnail = _vz_server_media_thumbnail_path (self, hash);
  if (g_unlink (file) != 0 && errno != ENOENT)
    g_message ("Could not remove %s: %s", file, g_strerror (errno));
  if (g_unlink (thumbnail) != 0 && errno != ENOENT)
    g_message ("Could not remove %s: %s", thumbnail, g_strerror (errno));
}

void
_vz_builder_add_column_media_url (VzServer    *self,
                                  JsonBuilder *builder,
                                  const char  *name,
                                  VzStmt      *stmt,
                                  int          column)
{
  const char *value = vz_stmt_text (stmt, column);
  g_autofree char *url = NULL;

  /* Stored as a path: the server's address may change between runs. */
  if (value != NULL && g_str_has_prefix (value, VZ_API_PREFIX "/"))
    value = url = g_strconcat (self->url, value, NULL);
  _vz_builder_add_string_or_null (builder, name, value);
}

void
_vz_server_media_sweep (VzServer *self)
{
  g_autofree char *folder = g_build_filename (self->media_dir, "content", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  for (guint i = 0; i < names->len; i++)
    _vz_server_media_release (self, g_ptr_array_index (names, i));
}

/* --- ranges -------------------------------------------------------------- */

typedef enum {
  RANGE_NONE,           /* no Range header, or one this server ignores: the whole file */
  RANGE_ONE,
  RANGE_UNSATISFIABLE,
} RangeResult;

/* One "bytes=" range of a file of @size bytes (RFC 9110 §14.1.2). Several
 * ranges, or a header that does not parse, are ignored (the whole file is
 * sent), as the RFC allows. */
static RangeResult
parse_range (const char *header,
             goffset     size,
             goffset    *start,
             goffset    *end)
{
  g_autofree char *value = NULL;
  char *spec, *dash, *rest;
  guint64 first, last;

  if (header == NULL)
    return RANGE_NONE;
  value = g_strstrip (g_strdup (header));
  if (g_ascii_strncasecmp (value, "bytes=", 6) != 0 || strchr (value, ',') != NULL)
    return RANGE_NONE;
  spec = g_strstrip (value + 6);
  dash = strchr (spec, '-');
  if (dash == NULL)
    return RANGE_NONE;
  *dash = '\0';
  rest = dash + 1;
  g_strstrip (spec);
  g_strstrip (rest);

  if (*spec == '\0')
    {
      /* bytes=-N: the last N bytes. */
      if (!g_ascii_string_to_unsigned (rest, 10, 0, G_MAXINT64, &last, NULL))
        return RANGE_NONE;
      if (last == 0 || size == 0)
        return RANGE_UNSATISFIABLE;
      *start = size - (goffset) MIN (last, (guint64) size);
      *end = size - 1;
      return RANGE_ONE;
    }
  if (!g_ascii_string_to_unsigned (spec, 10, 0, G_MAXINT64, &first, NULL))
    return RANGE_NONE;
  if (*rest == '\0')
    last = G_MAXINT64;
  else if (!g_ascii_string_to_unsigned (rest, 10, 0, G_MAXINT64, &last, NULL) || last < first)
    return RANGE_NONE;
  if (first >= (guint64) size)
    return RANGE_UNSATISFIABLE;
  *start = (goffset) first;
  *end = (goffset) MIN (last, (guint64) size - 1);
  return RANGE_ONE;
}

/* --- sending ------------------------------------------------------------- */

typedef struct {
  GInputStream *in;
  goffset       left;
} FileSend;

static void
file_send_free (gpointer  data,
                GClosure *closure)
{
  FileSend *send = data;

  g_clear_object (&send->in);
  g_free (send);
}

/* Hands the next piece of the file to libsoup, or ends the body. */
static void
send_next (SoupServerMessage *msg,
           FileSend          *send)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (send->left == 0)
    {
      soup_message_body_complete (body);
      return;
    }
  bytes = g_input_stream_read_bytes (send->in, (gsize) MIN (send->left, (goffset) SEND_BLOCK), NULL, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_autoptr(GIOStream) stream = NULL;

      /* The file shrank or failed under us: the promised length cannot be
       * kept, so the connection ends short and the client sees it. */
      g_message ("Could not read a media file while sending it: %s",
                 error != NULL ? error->message : "it ended early");
      send->left = 0;
      stream = soup_server_message_steal_connection (msg);
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      return;
    }
  send->left -= (goffset) g_bytes_get_size (bytes);
  soup_message_body_append_bytes (body, bytes);
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  send_next (msg, user_data);
}

/* Answers @req with the file at @path, honouring a Range header. */
static gboolean
serve_file (VzRequest   *req,
            const char  *path,
            const char  *mime_type,
            const char  *etag,
            GError     **error)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (req->msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", etag);
  const char *if_range;
  goffset size, start = 0, end = 0;
  RangeResult range;
  FileSend *send;

  in = g_file_read (file, NULL, &local_error);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &local_error);
  if (info == NULL)
    {
      g_message ("The media file %s cannot be read: %s", path, local_error->message);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND,
                           "The file of this content is missing on the server.");
      return FALSE;
    }
  size = g_file_info_get_size (info);

  range = parse_range (soup_message_headers_get_one (request_headers, "Range"), size, &start, &end);
  /* A Range for another version of the file gets the whole file. */
  if_range = soup_message_headers_get_one (request_headers, "If-Range");
  if (if_range != NULL && !g_str_equal (if_range, quoted))
    range = RANGE_NONE;

  _vz_server_close_after_reply (req->msg);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "ETag", quoted);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");

  if (range == RANGE_UNSATISFIABLE)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, size);
      g_autofree char *message = g_strdup_printf ("The requested range is outside the file, which has %"
                                                  G_GOFFSET_FORMAT " bytes.", size);

      soup_message_headers_replace (headers, "Content-Range", content_range);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_RANGE, message);
      return FALSE;
    }
  if (range == RANGE_NONE)
    {
      start = 0;
      end = size - 1;
    }
  else if (!g_seekable_seek (G_SEEKABLE (in), start, G_SEEK_SET, NULL, &local_error))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot seek in %s: %s", path,
                   local_error->message);
      return FALSE;
    }

  soup_server_message_set_status (req->msg, range == RANGE_ONE ? 206 : 200, NULL);
  soup_message_headers_set_content_type (headers, mime_type, NULL);
  soup_message_headers_set_content_length (headers, end - start + 1);
  if (range == RANGE_ONE)
    soup_message_headers_set_content_range (headers, start, end, size);
  req->reply_status = range == RANGE_ONE ? 206 : 200;

  send = g_new0 (FileSend, 1);
  send->in = G_INPUT_STREAM (g_steal_pointer (&in));
  send->left = size > 0 ? end - start + 1 : 0;
  soup_message_body_set_accumulate (soup_server_message_get_response_body (req->msg), FALSE);
  g_signal_connect_data (req->msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), send, file_send_free, 0);
  vz_listener_time_by_progress (req->msg);
  send_next (req->msg, send);
  return TRUE;
}

/* --- routes -------------------------------------------------------------- */

/* The type, MIME type and hash of the content a media route names (a
 * request that takes no query). */
static gboolean
lookup_media (VzServer   *self,
              VzRequest  *req,
              char      **type,
              char      **mime_type,
              char      **hash,
              GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) stmt = NULL;
  const char *id = req->params[0];

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  if (strlen (id) > 128)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found");
      return FALSE;
    }
  stmt = vz_db_prepare (self->db,
                        "SELECT type, mime_type, file_hash FROM content WHERE id = ?1 AND organization_id = ?2",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found");
      return FALSE;
    }
  *type = g_strdup (vz_stmt_text (stmt, 0));
  *mime_type = g_strdup (vz_stmt_text (stmt, 1));
  *hash = g_strdup (vz_stmt_text (stmt, 2));
  return TRUE;
}

gboolean
_vz_route_content_file (VzServer   *self,
                        VzRequest  *req,
                        GError    **error)
{
  g_autofree char *type = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;

  if (!lookup_media (self, req, &type, &mime_type, &hash, error))
    return FALSE;
  if (hash == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND,
                   "Content of type %s has no file on the server: it is shown from its url.", type);
      return FALSE;
    }
  path = _vz_server_media_file_path (self, hash);
  return serve_file (req, path, mime_type != NULL ? mime_type : "application/octet-stream", hash, error);
}

/* The icon of content type @type, made the first time it is asked for. */
static char *
icon_path (VzServer    *self,
           const char  *type,
           GError     **error)
{
  g_autofree char *name = g_strconcat (type, ".png", NULL);
  g_autofree char *path = g_build_filename (self->media_dir, "icons", name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !vz_thumbnail_icon (type, path, error))
    return NULL;
  return g_steal_pointer (&path);
}

gboolean
_vz_route_content_thumbnail (VzServer   *self,
                             VzRequest  *req,
                             GError    **error)
{
  g_autofree char *type = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;

  if (!lookup_media (self, req, &type, &mime_type, &hash, error))
    return FALSE;
  if (hash != NULL)
    {
      path = _vz_server_media_thumbnail_path (self, hash);
      etag = g_strconcat ("thumbnail-", hash, NULL);
    }
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) icon_error = NULL;

      g_clear_pointer (&path, g_free);
      path = icon_path (self, type, &icon_error);
      if (path == NULL)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot make the %s icon: %s", type,
                       icon_error->message);
          return FALSE;
        }
      g_free (etag);
      etag = g_strconcat ("icon-", type, NULL);
    }
  return serve_file (req, path, "image/png", etag, error);
}
