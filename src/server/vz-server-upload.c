/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vz-media-check.h"
#include "vz-multipart.h"
#include "vz-server-private.h"
#include "vz-thumbnail.h"

/*
 * POST /content/upload. The request body is never gathered in memory: from
 * the early handler on, libsoup hands each piece to the multipart reader,
 * whose file part goes through the format check and SHA-256 into a
 * temporary file under media/uploads. A problem found on the way (not an
 * accepted format, a type that contradicts the content, over the limit of
 * its kind) is answered at once, without reading the rest. When the body is
 * complete the route checks that the file is whole, makes its thumbnail on a
 * worker thread, and moves it to media/content/<sha256> (or drops it, when
 * that file is already there), then adds the content row.
 *
 * The temporary file belongs to the upload, which lives as long as the
 * message: a peer that goes away mid-body, a refusal, or a failure removes
 * it, so nothing half-written stays on disk.
 */

#define NAME_MAX_CHARS   255
#define TEXT_FIELD_MAX   1024
#define VIDEO_TIMEOUT_MS 15000

typedef struct {
  VzServer          *server;          /* owned */
  SoupServerMessage *msg;             /* unowned: the upload is the message's data */
  VzMultipart       *multipart;
  gulong             chunk_id;
  guint64            body_seen;
  gboolean           refused;

  /* the part being read */
  gboolean           in_file;
  GString           *text;            /* a text field, else NULL */

  /* the file */
  gboolean           have_file;
  gboolean           file_done;
  VzMediaCheck      *check;
  VzMediaFormat      declared;
  char              *declared_type;
  GChecksum         *sha256;
  int                fd;
  char              *temp_path;
  char              *filename;

  char              *name;            /* the "name" field, sanitized */
} Upload;

static void
upload_discard_file (Upload *upload)
{
  if (upload->fd >= 0)
    {
      close (upload->fd);
      upload->fd = -1;
    }
  if (upload->temp_path != NULL)
    {
      if (g_unlink (upload->temp_path) != 0 && errno != ENOENT)
        g_message ("Could not remove the unfinished upload %s: %s", upload->temp_path, g_strerror (errno));
      g_clear_pointer (&upload->temp_path, g_free);
    }
}

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  upload_discard_file (upload);
  g_clear_pointer (&upload->multipart, vz_multipart_free);
  g_clear_pointer (&upload->check, vz_media_check_free);
  g_clear_pointer (&upload->sha256, g_checksum_free);
  if (upload->text != NULL)
    g_string_free (upload->text, TRUE);
  g_free (upload->declared_type);
  g_free (upload->filename);
  g_free (upload->name);
  g_clear_object (&upload->server);
  g_free (upload);
}

/* --- the form's parts ------------------------------------------------------ */

/* The file's name without folders, as text (255 characters at most). */
static char *
clean_filename (const char *filename)
{
  g_autofree char *valid = NULL;
  g_autofree char *base = NULL;
  g_autofree char *clean = NULL;
  const char *slash;

  if (filename == NULL)
    return NULL;
  valid = g_utf8_make_valid (filename, -1);
  slash = strrchr (valid, '/');
  if (slash == NULL)
    slash = strrchr (valid, '\\');
  base = g_strdup (slash != NULL ? slash + 1 : valid);
  clean = _vz_sanitize_text (base);
  if (*clean == '\0')
    return NULL;
  if (g_utf8_strlen (clean, -1) > NAME_MAX_CHARS)
    *g_utf8_offset_to_pointer (clean, NAME_MAX_CHARS) = '\0';
  return g_steal_pointer (&clean);
}

static gboolean
open_temp_file (Upload  *upload,
                GError **error)
{
  g_autofree char *dir = _vz_server_media_upload_dir (upload->server);

  upload->temp_path = g_build_filename (dir, "upload-XXXXXX", NULL);
  upload->fd = g_mkstemp_full (upload->temp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (upload->fd < 0)
    {
      int saved = errno;

      g_message ("Cannot create a file for an upload in %s: %s", dir, g_strerror (saved));
      g_clear_pointer (&upload->temp_path, g_free);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot store the upload.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
part_begin (gpointer     user_data,
            const char  *name,
            const char  *filename,
            const char  *content_type,
            GError     **error)
{
  Upload *upload = user_data;

  if (g_str_equal (name, "file"))
    {
      if (upload->have_file)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "Only one file can be uploaded at a time: the form has more than one file field.");
          return FALSE;
        }
      if (!open_temp_file (upload, error))
        return FALSE;
      upload->have_file = TRUE;
      upload->in_file = TRUE;
      upload->check = vz_media_check_new ();
      upload->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
      upload->filename = clean_filename (filename);
      if (content_type != NULL)
        {
          g_auto(GStrv) words = g_strsplit (content_type, ";", 2);

          upload->declared_type = g_strstrip (g_strdup (words[0]));
          upload->declared = vz_media_format_from_mime (upload->declared_type);
        }
      return TRUE;
    }
  if (g_str_equal (name, "name"))
    {
      if (upload->name != NULL || upload->text != NULL)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "The form has more than one name field.");
          return FALSE;
        }
      upload->text = g_string_new (NULL);
      return TRUE;
    }
  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
               "property %s should not exist", name);
  return FALSE;
}

/* Refuses what the first bytes and the size so far already rule out. */
static gboolean
check_file_so_far (Upload  *upload,
                   GError **error)
{
  guint64 size = vz_media_check_size (upload->check);
  VzMediaFormat format = vz_media_check_format (upload->check);
  guint64 limit;

  if (format == VZ_MEDIA_UNKNOWN)
    {
      /* Not one of the accepted formats: say which (the check knows). */
      if (size >= VZ_MEDIA_SNIFF_BYTES)
        return vz_media_check_finish (upload->check, error);
      return TRUE;
    }
  if (upload->declared != VZ_MEDIA_UNKNOWN && upload->declared != format)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "The file is sent as %s, but its content is %s.",
                   upload->declared_type, vz_media_format_describe (format));
      return FALSE;
    }
  limit = vz_media_format_limit (format);
  if (size > limit)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_TOO_LARGE,
                   "The file is larger than the %" G_GUINT64_FORMAT " MB allowed for %s files.",
                   limit / (1024 * 1024), vz_media_format_kind (format));
      return FALSE;
    }
  return TRUE;
}

static gboolean
part_data (gpointer       user_data,
           const guint8  *data,
           gsize          length,
           GError       **error)
{
  Upload *upload = user_data;
  gsize written = 0;

  if (upload->text != NULL)
    {
      if (upload->text->len + length > TEXT_FIELD_MAX)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "name must be shorter than or equal to %u characters", NAME_MAX_CHARS);
          return FALSE;
        }
      g_string_append_len (upload->text, (const char *) data, (gssize) length);
      return TRUE;
    }
  g_assert (upload->in_file);

  vz_media_check_feed (upload->check, data, length);
  if (!check_file_so_far (upload, error))
    return FALSE;
  g_checksum_update (upload->sha256, data, (gssize) length);
  while (written < length)
    {
      gssize n = write (upload->fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_message ("Cannot write the upload %s: %s", upload->temp_path, g_strerror (saved));
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot store the upload.");
          return FALSE;
        }
      written += (gsize) n;
    }
  return TRUE;
}

static gboolean
part_end (gpointer   user_data,
          GError   **error)
{
  Upload *upload = user_data;

  if (upload->text != NULL)
    {
      gsize length = upload->text->len;
      g_autofree char *value = g_string_free (g_steal_pointer (&upload->text), FALSE);

      if (strlen (value) != length || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "name must be valid UTF-8 text");
          return FALSE;
        }
      upload->name = _vz_sanitize_text (value);
      if (g_utf8_strlen (upload->name, -1) > NAME_MAX_CHARS)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "name must be shorter than or equal to %u characters", NAME_MAX_CHARS);
          return FALSE;
        }
      return TRUE;
    }
  upload->in_file = FALSE;
  upload->file_done = TRUE;
  return vz_media_check_finish (upload->check, error) && check_file_so_far (upload, error);
}

static const VzMultipartCallbacks form_callbacks = { part_begin, part_data, part_end };

/* --- the early stage --------------------------------------------------------- */

static void
upload_refuse (Upload       *upload,
               const GError *error)
{
  guint status = vz_server_error_to_status (error);

  upload->refused = TRUE;
  upload_discard_file (upload);
  g_clear_signal_handler (&upload->chunk_id, upload->msg);
  if (status == 500)
    _vz_server_refuse (upload->msg, 500, "Something went wrong on the server. Try again later.");
  else
    _vz_server_refuse (upload->msg, status, error->message);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  upload->body_seen += length;
  if (upload->body_seen > VZ_UPLOAD_MAX_BODY)
    g_set_error (&error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_TOO_LARGE,
                 "The upload is larger than the 100 MB allowed for video files.");
  else
    vz_multipart_feed (upload->multipart, data, length, &error);
  if (error != NULL)
    {
      /* Refusing drops libsoup's hold on the message, which holds the upload. */
      SoupServerMessage *hold = g_object_ref (msg);

      g_debug ("Refusing an upload: %s", error->message);
      upload_refuse (upload, error);
      g_object_unref (hold);
    }
}

void
_vz_server_upload_begin (VzServer          *self,
                         SoupServerMessage *msg)
{
  g_autoptr(VzRequest) req = g_rc_box_new0 (VzRequest);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type;
  Upload *upload;

  /* Who is sending, before a byte of the file is read or stored. */
  req->msg = g_object_ref (msg);
  req->now = _vz_now_ms ();
  if (!_vz_server_authenticate_request (self, req, &error))
    {
      _vz_server_refuse (msg, vz_server_error_to_status (error), error->message);
      return;
    }
  if (g_str_equal (req->role, "viewer"))
    {
      _vz_server_refuse (msg, SOUP_STATUS_FORBIDDEN, "Your role (viewer) may only look, not change anything.");
      return;
    }

  content_type = soup_message_headers_get_content_type (headers, &params);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "multipart/form-data") != 0 ||
      params == NULL || g_hash_table_lookup (params, "boundary") == NULL)
    {
      _vz_server_refuse (msg, SOUP_STATUS_BAD_REQUEST,
                         "An upload is sent as multipart/form-data, with the file in a field named file.");
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > VZ_UPLOAD_MAX_BODY)
    {
      _vz_server_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                         "The upload is larger than the 100 MB allowed for video files.");
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->server = g_object_ref (self);
  upload->msg = msg;
  upload->fd = -1;
  upload->multipart = vz_multipart_new (g_hash_table_lookup (params, "boundary"), &form_callbacks, upload);
  if (upload->multipart == NULL)
    {
      upload_free (upload);
      _vz_server_refuse (msg, SOUP_STATUS_BAD_REQUEST,
                         "The boundary of the multipart/form-data must be 1 to 70 characters long.");
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), "vz-upload", upload, upload_free);
  vz_listener_time_by_progress (msg);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  upload->chunk_id = g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), upload);
}

/* --- storing ------------------------------------------------------------------ */

typedef struct {
  VzMediaFormat  format;
  char          *temp_path;     /* owned by the task from here on */
  char          *file_path;
  char          *thumbnail_path;
  VzMediaInfo    info;
} Store;

static void
store_free (Store *store)
{
  if (store->temp_path != NULL)
    g_unlink (store->temp_path);
  g_free (store->temp_path);
  g_free (store->file_path);
  g_free (store->thumbnail_path);
  g_free (store);
}

/* The thumbnail of the stored or incoming file; images that do not decode
 * are refused. */
static gboolean
make_thumbnail (Store       *store,
                const char  *source,
                GError     **error)
{
  const char *kind = vz_media_format_kind (store->format);
  g_autoptr(GError) local_error = NULL;

  if (g_str_equal (kind, "image"))
    {
      if (vz_thumbnail_from_image (source, vz_media_format_mime (store->format), store->thumbnail_path,
                                   &store->info, &local_error))
        return TRUE;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "The image could not be read; it may be cut short or damaged (%s).", local_error->message);
          return FALSE;
        }
    }
  else if (g_str_equal (kind, "video"))
    {
      if (vz_thumbnail_from_video (source, store->thumbnail_path, VIDEO_TIMEOUT_MS, &store->info, &local_error))
        return TRUE;
    }
  if (local_error != NULL)
    g_debug ("No thumbnail from %s, using an icon: %s", source, local_error->message);
  g_clear_error (&local_error);
  if (!vz_thumbnail_icon (kind, store->thumbnail_path, &local_error))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot write a thumbnail: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Store *store = task_data;
  GError *error = NULL;

  if (g_file_test (store->file_path, G_FILE_TEST_EXISTS))
    {
      /* The same bytes were uploaded before: keep one copy. */
      if (!g_file_test (store->thumbnail_path, G_FILE_TEST_EXISTS) &&
          !make_thumbnail (store, store->file_path, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!make_thumbnail (store, store->temp_path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_rename (store->temp_path, store->file_path) != 0)
    {
      int saved = errno;

      g_message ("Cannot move an upload to %s: %s", store->file_path, g_strerror (saved));
      g_task_return_new_error (task, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot store the upload.");
      return;
    }
  g_clear_pointer (&store->temp_path, g_free);
  g_task_return_boolean (task, TRUE);
}

/* The metadata column of an uploaded file. */
static char *
metadata_json (Upload      *upload,
               const Store *store)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (upload->filename != NULL)
    {
      json_builder_set_member_name (builder, "originalName");
      json_builder_add_string_value (builder, upload->filename);
    }
  if (store->info.width > 0 && store->info.height > 0)
    {
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, store->info.width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, store->info.height);
    }
  if (store->info.duration > 0)
    {
      json_builder_set_member_name (builder, "videoDuration");
      json_builder_add_double_value (builder, store->info.duration);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return _vz_json_to_string (root);
}

/* The name of the new content: the name field, else the file's name
 * without its extension, else a word for its kind. */
static char *
content_name (Upload        *upload,
              VzMediaFormat  format)
{
  const char *kind = vz_media_format_kind (format);

  if (upload->name != NULL && *upload->name != '\0')
    return g_strdup (upload->name);
  if (upload->filename != NULL)
    {
      g_autofree char *name = g_strdup (upload->filename);
      char *dot = strrchr (name, '.');

      if (dot != NULL && dot != name)
        *dot = '\0';
      return g_steal_pointer (&name);
    }
  if (g_str_equal (kind, "image"))
    return g_strdup ("Untitled image");
  if (g_str_equal (kind, "video"))
    return g_strdup ("Untitled video");
  return g_strdup ("Untitled document");
}

static gboolean
insert_content (VzServer    *self,
                VzRequest   *req,
                Upload      *upload,
                const Store *store,
                const char  *id,
                const char  *hash,
                GError     **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *name = content_name (upload, store->format);
  g_autofree char *metadata = metadata_json (upload, store);
  g_autofree char *file_url = g_strconcat (VZ_API_PREFIX "/content/", id, "/file", NULL);
  g_autofree char *thumbnail_url = g_strconcat (VZ_API_PREFIX "/content/", id, "/thumbnail", NULL);
  gint64 duration = VZ_CONTENT_DEFAULT_DURATION;

  if (store->info.duration > 0)
    duration = CLAMP ((gint64) ceil (store->info.duration), 1, VZ_DURATION_MAX);

  insert = vz_db_prepare (self->db,
                          "INSERT INTO content (id, organization_id, name, type, url, mime_type, file_hash,"
                          " file_size, duration, thumbnail, status, metadata, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'active', ?11, ?12, ?12)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, vz_media_format_kind (store->format), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, file_url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, vz_media_format_mime (store->format), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 8, (gint64) vz_media_check_size (upload->check));
  sqlite3_bind_int64 (insert, 9, duration);
  sqlite3_bind_text (insert, 10, thumbnail_url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 11, metadata, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 12, req->now);
  return vz_db_step_done (self->db, insert, error);
}

static void
stored_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VzRequest) req = user_data;
  VzServer *self = req->server;
  Upload *upload = g_object_get_data (G_OBJECT (req->msg), "vz-upload");
  Store *store = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *id = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *key;
  JsonNode *content;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    goto fail;
  if (!self->running || self->db == NULL)
    return;   /* the server stopped: nobody to answer */
  g_assert (upload != NULL);
  if (!g_file_test (store->file_path, G_FILE_TEST_EXISTS))
    {
      /* Deleted with the last content that used it while this one was stored. */
      g_set_error_literal (&error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                           "The same file was being deleted while this upload was stored: upload it again.");
      goto fail;
    }

  id = g_uuid_string_random ();
  hash = g_strdup (g_checksum_get_string (upload->sha256));
  /* The row and the record of the Idempotency-Key commit together: a client
   * that sends the same upload again (its answer was lost) gets this answer
   * back instead of a second row. */
  if (!vz_db_begin (self->db, &error))
    goto fail;
  if (!insert_content (self, req, upload, store, id, hash, &error))
    goto rollback;
  content = _vz_server_content_json (self, req->organization_id, id, &error);
  if (content == NULL)
    goto rollback;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "content");
  json_builder_add_value (builder, content);
  json_builder_set_member_name (builder, "fileHash");
  json_builder_add_string_value (builder, hash);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  if ((key = _vz_request_idempotency_key (req)) != NULL)
    {
      g_autofree char *text = _vz_json_to_string (answer);

      _vz_server_idempotency_store (self, req, key, 201, text);
    }
  if (!vz_db_commit (self->db, &error))
    goto rollback;
  _vz_reply_json (req, 201, g_steal_pointer (&answer));
  return;

rollback:
  vz_db_rollback (self->db);
fail:
  if (self->running)
    _vz_reply_error (req, error);
}

gboolean
_vz_route_content_upload (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  Upload *upload = g_object_get_data (G_OBJECT (req->msg), "vz-upload");
  g_autoptr(GTask) task = NULL;
  Store *store;
  const char *hash;

  if (upload == NULL || upload->refused)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "The upload was not read as a stream");
      return FALSE;
    }
  if (!vz_multipart_finish (upload->multipart, error))
    {
      upload_discard_file (upload);
      return FALSE;
    }
  if (!upload->have_file)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "The form has no file: send it in a field named file.");
      return FALSE;
    }
  g_assert (upload->file_done);
  if (fdatasync (upload->fd) != 0 || close (upload->fd) != 0)
    {
      int saved = errno;

      upload->fd = -1;
      g_message ("Cannot write the upload %s: %s", upload->temp_path, g_strerror (saved));
      upload_discard_file (upload);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Cannot store the upload.");
      return FALSE;
    }
  upload->fd = -1;

  hash = g_checksum_get_string (upload->sha256);
  store = g_new0 (Store, 1);
  store->format = vz_media_check_format (upload->check);
  store->temp_path = g_steal_pointer (&upload->temp_path);
  store->file_path = _vz_server_media_file_path (self, hash);
  store->thumbnail_path = _vz_server_media_thumbnail_path (self, hash);

  _vz_request_pause (req);
  task = g_task_new (NULL, self->cancellable, stored_cb, _vz_request_ref (req));
  g_task_set_source_tag (task, _vz_route_content_upload);
  g_task_set_task_data (task, store, (GDestroyNotify) store_free);
  g_task_run_in_thread (task, store_thread);
  return TRUE;
}
