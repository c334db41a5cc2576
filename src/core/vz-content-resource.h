/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-content.h"
#include "vz-resource.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * The content library (kind "content", GET /content) as a kind of record
 * (its tags: vz-tag-resource.h). Renaming content and its
 * duration are fields (vz_sync_engine_update_async() with {"name"} or
 * {"duration": seconds}); deleting is vz_sync_engine_delete_async().
 * The Vizora platform pushes no content changes: a reconnect re-reads.
 * Uploading is vz-content-upload.h.
 */
extern const VzResource vz_content_resource;

#define VZ_RESOURCE_CONTENT "content"

/* The library (a VzStore of VzContent; transfer none). */
VzStore   *vz_sync_engine_get_content          (VzSyncEngine        *self);
/* POST /content {name, type: "url", url, duration?}: a web page (@type
 * "url") or HTML (@type "html") by address. Direct: finish returns the new
 * content (transfer full). @duration 0: the server's default. */
void       vz_sync_engine_add_web_content_async  (VzSyncEngine        *self,
                                                  const char          *name,
                                                  const char          *type,
                                                  const char          *url,
                                                  guint                duration,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
VzContent *vz_sync_engine_add_web_content_finish (VzSyncEngine        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/*
 * Edits of content (vz_sync_engine_edit_async(), optimistic, queued and
 * undoable like a rename):
 *   VZ_CONTENT_EDIT_TAGS     args {"operation": "add"|"remove", "tags":
 *                            [{id, name, color}]}: POST /content/bulk/tags
 *                            for this content (use
 *                            vz_sync_engine_edit_content_tags_async())
 *   VZ_CONTENT_EDIT_ARCHIVE  args {}: POST /content/:id/archive
 *   VZ_CONTENT_EDIT_RESTORE  args {}: PATCH /content/:id {"status":
 *                            "active"} ([local]: the Vizora platform has no
 *                            way back from the archive and refuses it)
 * Undoing an archive that landed restores it the same way.
 */
#define VZ_CONTENT_EDIT_TAGS    "tags"
#define VZ_CONTENT_EDIT_ARCHIVE "archive"
#define VZ_CONTENT_EDIT_RESTORE "restore"

/* The tags edit of @content_id with @tag_ids (names and colours from the
 * tag store); finish with vz_sync_engine_edit_finish(). */
void       vz_sync_engine_edit_content_tags_async (VzSyncEngine        *self,
                                                   const char          *content_id,
                                                   const char          *operation,
                                                   const char * const  *tag_ids,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);

/* POST /content/:id/archive, direct and not undoable (the page archives
 * with VZ_CONTENT_EDIT_ARCHIVE); the content shows the server's answer
 * ("status" "archived"). */
void       vz_sync_engine_archive_content_async  (VzSyncEngine        *self,
                                                  const char          *content_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* POST /content/bulk/tags {contentIds, tagIds, operation}: @operation is
 * "add", "remove" or "replace", on many content at once. Direct and not
 * undoable (the page tags with VZ_CONTENT_EDIT_TAGS); the content and the
 * tags (their counts) are read again once it landed. */
void       vz_sync_engine_tag_content_async      (VzSyncEngine        *self,
                                                  const char * const  *content_ids,
                                                  const char * const  *tag_ids,
                                                  const char          *operation,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* Finishes either of the two above. */
gboolean   vz_sync_engine_content_request_finish (VzSyncEngine        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
