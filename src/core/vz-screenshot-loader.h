/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-session.h"

G_BEGIN_DECLS

#define VZ_SCREENSHOT_ERROR (vz_screenshot_error_quark ())
GQuark vz_screenshot_error_quark (void);

/* Every error's message is a sentence for the detail pane. */
typedef enum {
  VZ_SCREENSHOT_ERROR_ADDRESS,        /* no http(s) or data: address */
  VZ_SCREENSHOT_ERROR_TOO_LARGE,      /* over the limit, refused before it was read whole */
  VZ_SCREENSHOT_ERROR_NOT_A_PICTURE,  /* inline data of another type, damaged, or nothing */
  VZ_SCREENSHOT_ERROR_DOWNLOAD,       /* the server or the network failed */
} VzScreenshotError;

/* Screenshots are pictures of one screen; anything bigger is not one. */
#define VZ_SCREENSHOT_MAX_BYTES ((gsize) 32 * 1024 * 1024)

/*
 * Fetches the picture a `screenshot:ready` event names, as encoded bytes
 * (PNG, JPEG…; decoding them is the caller's).
 *
 * @url may be absolute, relative to the session's server (resolved against
 * its origin), or an inline `data:image/…;base64,…` URL. http(s) goes
 * through the session's VzApiClient, so the server gets the access token
 * (and a 401 its one refresh), while any other host (a storage service)
 * gets no token at all.
 *
 * @max_bytes holds for every source: an inline picture is refused by the
 * length of its text before anything is decoded, a download by its
 * Content-Length before the body is read and, without one, as soon as
 * more than @max_bytes have arrived. Pass VZ_SCREENSHOT_MAX_BYTES.
 *
 * finish returns the bytes (transfer full), or a VZ_SCREENSHOT_ERROR
 * (G_IO_ERROR_CANCELLED when cancelled).
 */
void    vz_screenshot_loader_fetch_async  (VzSession           *session,
                                           const char          *url,
                                           gsize                max_bytes,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes *vz_screenshot_loader_fetch_finish (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
