/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-content.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_PREVIEW (vz_content_preview_get_type ())
G_DECLARE_FINAL_TYPE (VzContentPreview, vz_content_preview, VZ, CONTENT_PREVIEW, AdwWindow)

/*
 * VzContentPreview: a window that shows one content item as its screens
 * would: a picture, a video in GtkVideo (with its controls), and a web page
 * or HTML by its address, with a button that opens it in the browser.
 *
 * GtkVideo's media file plays a GFile and cannot send the server an
 * Authorization header, so pictures and videos are first downloaded
 * (vz_content_download_async(), streamed) into a private temporary file,
 * which the window removes when it closes.
 *
 * Its stack's visible child tells where it is: "loading", "picture",
 * "video", "web", "error".
 */
VzContentPreview *vz_content_preview_new         (GtkWindow        *parent,
                                                  VzSyncEngine     *engine,
                                                  VzContent        *content);
GtkStack         *vz_content_preview_get_stack   (VzContentPreview *self);
GtkPicture       *vz_content_preview_get_picture (VzContentPreview *self);
GtkVideo         *vz_content_preview_get_video   (VzContentPreview *self);
/* The words the "web" and "error" pages show. */
const char       *vz_content_preview_get_text    (VzContentPreview *self);

G_END_DECLS
