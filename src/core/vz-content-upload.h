/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-content.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Uploading a file into the content library: POST /content/upload as
 * multipart/form-data (`file`, and `name` when given), streamed from the
 * disk (vz-multipart-body.h: a 100 MB video never sits in memory whole).
 *
 * The file is checked first where the contract allows: an empty file, or
 * one over the limit of its type (pictures 10 MB, videos 100 MB, PDF 50 MB,
 * the type guessed from its first bytes and name as the server will) fails
 * at once with a sentence and no request. The server decides the rest; its
 * refusals (400, 413) come back with its own sentence, after the file's
 * name ("“clip.mov” was not uploaded: …"), as VZ_API_ERROR_BAD_REQUEST.
 *
 * @progress (nullable) hears the bytes sent so far and the total (both of
 * the whole request, slightly more than the file) in the caller's main
 * context, as they go; @progress_destroy frees @progress_data when the
 * upload is over. Cancelling @cancellable stops the upload mid-stream
 * (G_IO_ERROR_CANCELLED); the server keeps nothing of it.
 *
 * @idempotency_key (nullable: a new one) goes with the request as
 * `Idempotency-Key` ([local]: the local fleet server answers a repeated key
 * with the first upload's answer instead of storing it twice). Pass the
 * same key to send the same upload again after a failure whose outcome is
 * unknown (a connection lost before the answer).
 *
 * Finish returns the new content (transfer full), already in
 * vz_sync_engine_get_content()'s store.
 */
typedef void (*VzUploadProgressFunc) (goffset  sent,
                                      goffset  total,
                                      gpointer user_data);

void       vz_sync_engine_upload_content_async  (VzSyncEngine         *self,
                                                 GFile                *file,
                                                 const char           *name,
                                                 const char           *idempotency_key,
                                                 VzUploadProgressFunc  progress,
                                                 gpointer              progress_data,
                                                 GDestroyNotify        progress_destroy,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
VzContent *vz_sync_engine_upload_content_finish (VzSyncEngine         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* The most the contract takes of a file of @content_type (a MIME type), or
 * 0 when the server does not take that type at all. */
goffset    vz_content_upload_limit              (const char           *content_type);

G_END_DECLS
