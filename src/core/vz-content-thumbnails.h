/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-session.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_THUMBNAILS (vz_content_thumbnails_get_type ())
G_DECLARE_FINAL_TYPE (VzContentThumbnails, vz_content_thumbnails, VZ, CONTENT_THUMBNAILS, GObject)

/* A thumbnail is a small picture; anything bigger is not one. */
#define VZ_CONTENT_THUMBNAIL_MAX_BYTES ((gsize) 2 * 1024 * 1024)

/*
 * VzContentThumbnails: the content library's thumbnails (GET
 * /content/:id/thumbnail, the "thumbnail" URL of VzContent) as encoded bytes,
 * fetched through the session's API client (its token, its one refresh on
 * 401) when a view asks for them, and kept in memory up to "cache-limit"
 * bytes, the least recently used going first. Several views asking for the
 * same thumbnail at once share one request.
 *
 * Properties: "session" (construct-only), "cache-limit" (guint64 bytes,
 * default 16 MiB), "cached-bytes" (guint64, read-only).
 */
VzContentThumbnails *vz_content_thumbnails_new          (VzSession           *session);
/* The one cache of @session that every view shares while any holds it
 * (transfer full): the Content page and the playlist editor fetch a
 * thumbnail once between them. */
VzContentThumbnails *vz_content_thumbnails_for_session  (VzSession           *session);
/* The bytes when they are in memory now (transfer full), else NULL. */
GBytes              *vz_content_thumbnails_lookup       (VzContentThumbnails *self,
                                                         const char          *url);
void                 vz_content_thumbnails_load_async   (VzContentThumbnails *self,
                                                         const char          *url,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GBytes              *vz_content_thumbnails_load_finish  (VzContentThumbnails *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
guint64              vz_content_thumbnails_get_cached_bytes (VzContentThumbnails *self);
/* How many requests went to the server so far (for tests). */
guint                vz_content_thumbnails_get_requests (VzContentThumbnails *self);

G_END_DECLS
