/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-upload"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-content-resource.h"
#include "vz-content-upload.h"
#include "vz-json-private.h"
#include "vz-multipart-body.h"
#include "vz-sync-engine-private.h"

/* Enough of the start of a file to tell its type the way the server does. */
#define SNIFF_BYTES 4096
#define MB (G_GINT64_CONSTANT (1024) * 1024)

typedef struct {
  GFile                *file;
  char                 *name;
  char                 *file_name;     /* for people and the part's filename */
  char                 *content_type;  /* MIME */
  char                 *key;           /* Idempotency-Key */
  GFileInputStream     *stream;
  goffset               size;
  goffset               total;         /* of the request */
  guint8                sniff[SNIFF_BYTES];
  VzUploadProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_destroy;
} Upload;

static void
upload_free (Upload *upload)
{
  g_clear_object (&upload->file);
  g_free (upload->name);
  g_free (upload->file_name);
  g_free (upload->content_type);
  g_free (upload->key);
  g_clear_object (&upload->stream);
  if (upload->progress_destroy != NULL)
    upload->progress_destroy (upload->progress_data);
  g_free (upload);
}

goffset
vz_content_upload_limit (const char *content_type)
{
  static const struct { const char *type; goffset limit; } limits[] = {
    { "image/jpeg", 10 * MB },
    { "image/png", 10 * MB },
    { "image/gif", 10 * MB },
    { "image/webp", 10 * MB },
    { "video/mp4", 100 * MB },
    { "video/webm", 100 * MB },
    { "video/quicktime", 100 * MB },
    { "application/pdf", 50 * MB },
  };

  for (guint i = 0; content_type != NULL && i < G_N_ELEMENTS (limits); i++)
    if (strcmp (limits[i].type, content_type) == 0)
      return limits[i].limit;
  return 0;
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* "“clip.mov” was not uploaded: <why>" for a refusal; others as they are. */
static GError *
about_file (Upload *upload,
            GError *error)
{
  GError *said;

  if (error->domain != VZ_API_ERROR || error->code != VZ_API_ERROR_BAD_REQUEST)
    return error;
  said = g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST, _("“%s” was not uploaded: %s"),
                      upload->file_name, error->message);
  g_error_free (error);
  return said;
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  JsonObject *obj, *content;
  VzContent *record = NULL;
  VzStore *store = vz_sync_engine_get_content (self);

  if (payload == NULL)
    {
      g_task_return_error (task, about_file (upload, error));
      return;
    }
  /* {content, fileHash}, or the content itself. */
  obj = JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  content = _vz_json_object (obj, "content");
  if (content == NULL)
    content = obj;
  if (content != NULL && store != NULL)
    record = _vz_sync_engine_landed (self, _vz_sync_engine_kind (self, VZ_RESOURCE_CONTENT), content, &error);
  if (record == NULL)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("“%s” was uploaded, but the server did not describe it. "
                                 "It will appear after the next refresh."), upload->file_name);
      return;
    }
  g_task_return_pointer (task, g_object_ref (record), g_object_unref);
}

/* Every attempt reads the file from its start. */
static GInputStream *
make_body (gpointer   data,
           char     **content_type,
           goffset   *length,
           GError   **error)
{
  Upload *upload = data;
  const char *fields[] = { "name", upload->name, NULL };
  VzMultipartBody *body;

  if (!g_seekable_seek (G_SEEKABLE (upload->stream), 0, G_SEEK_SET, NULL, error))
    return NULL;
  body = vz_multipart_body_new (G_INPUT_STREAM (upload->stream), upload->size, "file", upload->file_name,
                                upload->content_type, upload->name != NULL ? fields : NULL);
  *content_type = g_strdup (vz_multipart_body_get_content_type (body));
  *length = upload->total = vz_multipart_body_get_length (body);
  return G_INPUT_STREAM (body);
}

static void
on_progress (goffset  sent,
             gpointer data)
{
  Upload *upload = data;

  if (upload->progress != NULL)
    upload->progress (MIN (sent, upload->total), upload->total, upload->progress_data);
}

static void
on_sniffed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  gboolean uncertain = TRUE;
  g_autofree char *guessed = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *limit_text = NULL;
  goffset limit;

  if (n < 0)
    {
      fail (task, error);
      return;
    }
  guessed = g_content_type_guess (upload->file_name, upload->sniff, (gsize) n, &uncertain);
  g_free (upload->content_type);
  upload->content_type = g_content_type_get_mime_type (guessed);
  limit = vz_content_upload_limit (upload->content_type);
  if (limit > 0 && upload->size > limit)
    {
      size_text = g_format_size_full (upload->size, G_FORMAT_SIZE_IEC_UNITS);
      limit_text = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);
      fail (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                               _("“%s” is %s; files of its type may be at most %s."),
                               upload->file_name, size_text, limit_text));
      return;
    }
  {
    const char *headers[] = { "Idempotency-Key", upload->key, NULL };

    vz_api_client_send_stream_async (vz_session_get_api_client (vz_sync_engine_get_session (self)),
                                     "POST", "/content/upload", make_body, on_progress, upload, NULL, headers,
                                     g_task_get_cancellable (task), on_uploaded, task);
  }
}

static void
on_info (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GFileInfo) info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source), result, &error);

  if (info == NULL)
    {
      fail (task, error);
      return;
    }
  upload->size = g_file_info_get_size (info);
  if (upload->size == 0)
    {
      fail (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST, _("“%s” is empty."), upload->file_name));
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (upload->stream), upload->sniff, sizeof upload->sniff,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_sniffed, task);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;

  upload->stream = g_file_read_finish (G_FILE (source), result, &error);
  if (upload->stream == NULL)
    {
      GError *said = g_error_new (error->domain, error->code, _("“%s” cannot be read: %s"),
                                  upload->file_name, error->message);

      g_error_free (error);
      fail (task, said);
      return;
    }
  g_file_input_stream_query_info_async (upload->stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_PRIORITY_DEFAULT,
                                        g_task_get_cancellable (task), on_info, task);
}

void
vz_sync_engine_upload_content_async (VzSyncEngine         *self,
                                     GFile                *file,
                                     const char           *name,
                                     const char           *idempotency_key,
                                     VzUploadProgressFunc  progress,
                                     gpointer              progress_data,
                                     GDestroyNotify        progress_destroy,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  GTask *task;
  Upload *upload;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_upload_content_async);
  upload = g_new0 (Upload, 1);
  upload->file = g_object_ref (file);
  upload->name = name != NULL && *name != '\0' ? g_strdup (name) : NULL;
  upload->file_name = g_file_get_basename (file);
  upload->key = idempotency_key != NULL && *idempotency_key != '\0' ? g_strdup (idempotency_key)
                                                                    : g_uuid_string_random ();
  upload->progress = progress;
  upload->progress_data = progress_data;
  upload->progress_destroy = progress_destroy;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  if (!_vz_sync_engine_can_write (self, task))
    return;
  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, on_opened, task);
}

VzContent *
vz_sync_engine_upload_content_finish (VzSyncEngine  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_upload_content_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
