/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-upload.h"

G_BEGIN_DECLS

#define VZ_TYPE_UPLOAD_ROW (vz_upload_row_get_type ())
G_DECLARE_FINAL_TYPE (VzUploadRow, vz_upload_row, VZ, UPLOAD_ROW, GtkListBoxRow)

/*
 * VzUploadRow: one upload in the Content page's list of uploads: the file's
 * name, a progress bar with "12.5 MB of 100.0 MB", Cancel while it goes;
 * after a refusal the server's words, Try Again and Dismiss.
 *
 * Property: "upload" (VzUpload, construct-only).
 * Widget actions: upload.cancel (also dismisses a failed one), upload.retry.
 */
GtkWidget *vz_upload_row_new        (VzUpload    *upload);
VzUpload  *vz_upload_row_get_upload (VzUploadRow *self);

G_END_DECLS
