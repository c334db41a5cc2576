/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-content.h"
#include "vz-session.h"

G_BEGIN_DECLS

/*
 * Downloads a content item's file (its "url", or GET /content/:id/file for
 * uploaded content that lists none) into @dest, streamed: a 100 MB video
 * never sits in memory. The session's access token goes with it when the
 * file is on the session's server (a file elsewhere, such as a storage
 * service, gets no token). This is how the app shows a video with GtkVideo,
 * whose media file cannot send an Authorization header: it plays the copy.
 * Web pages have no file to download (G_IO_ERROR_NOT_SUPPORTED).
 *
 * Finish: TRUE once @dest holds the whole file; on failure @dest is
 * removed and the error says why in words for people.
 */
void     vz_content_download_async  (VzSession           *session,
                                     VzContent           *content,
                                     GFile               *dest,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean vz_content_download_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
