/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-content.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

typedef enum {
  VZ_UPLOAD_STATE_SENDING,
  VZ_UPLOAD_STATE_FAILED,     /* "error" says why; retry() sends it again */
  VZ_UPLOAD_STATE_DONE,       /* "content" is the new content */
  VZ_UPLOAD_STATE_CANCELLED,  /* cancelled while sending, or dismissed after a failure */
} VzUploadState;

#define VZ_TYPE_UPLOAD_STATE (vz_upload_state_get_type ())
GType vz_upload_state_get_type (void);

#define VZ_TYPE_UPLOAD (vz_upload_get_type ())
G_DECLARE_FINAL_TYPE (VzUpload, vz_upload, VZ, UPLOAD, GObject)

/*
 * VzUpload: one file on its way into the content library, as the Content
 * page lists it (vz_sync_engine_upload_content_async() does the work). It
 * keeps its Idempotency-Key from the first attempt on, so sending it again
 * after a failure whose outcome was unknown never stores it twice.
 *
 * Properties (read-only, notify on real change):
 *   "file"           GFile, construct-only
 *   "file-name"      string: what people call the file
 *   "state"          VzUploadState
 *   "fraction"       double 0–1: of the request sent
 *   "progress-text"  string: "12.5 MB of 100.0 MB", "Waiting…", "Uploaded"
 *   "error"          string, nullable: why it failed, in the server's words
 *                    where the server refused it
 *   "content"        VzContent, nullable: the new content once done
 */
VzUpload      *vz_upload_new               (VzSyncEngine *engine,
                                            GFile        *file);
void           vz_upload_start             (VzUpload     *self);
/* Stops it mid-stream (the server keeps nothing of it), or dismisses a
 * failed one: the state becomes CANCELLED. */
void           vz_upload_cancel            (VzUpload     *self);
/* A failed upload goes again, with the same Idempotency-Key. */
void           vz_upload_retry             (VzUpload     *self);
GFile         *vz_upload_get_file          (VzUpload     *self);
const char    *vz_upload_get_file_name     (VzUpload     *self);
VzUploadState  vz_upload_get_state         (VzUpload     *self);
double         vz_upload_get_fraction      (VzUpload     *self);
const char    *vz_upload_get_progress_text (VzUpload     *self);
const char    *vz_upload_get_error         (VzUpload     *self);
VzContent     *vz_upload_get_content       (VzUpload     *self);
goffset        vz_upload_get_sent          (VzUpload     *self);

G_END_DECLS
