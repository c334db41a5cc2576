/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-resource.h"
#include "vz-sync-engine.h"
#include "vz-tag.h"

G_BEGIN_DECLS

/*
 * Content tags as a kind of record (kind "tag", GET /content/tags). The
 * Vizora platform pushes no tag changes: a reconnect re-reads.
 */
extern const VzResource vz_tag_resource;

#define VZ_RESOURCE_TAG "tag"

/* The tags (a VzStore of VzTag; transfer none). */
VzStore   *vz_sync_engine_get_tags             (VzSyncEngine        *self);

/* POST /tags {name, color?} (the local fleet server only: the Vizora
 * platform has no way to create a tag, and answers 404). Finish returns
 * the new tag (transfer full). */
void       vz_sync_engine_create_tag_async       (VzSyncEngine        *self,
                                                  const char          *name,
                                                  const char          *color,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
VzTag     *vz_sync_engine_create_tag_finish      (VzSyncEngine        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
