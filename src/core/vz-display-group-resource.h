/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display-group.h"
#include "vz-resource.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Screen groups as a kind of record (kind "display-group", GET
 * /display-groups). Renaming and deleting a group are the engine's
 * vz_sync_engine_update_async() and vz_sync_engine_delete_async() on this
 * kind; creating one needs the server's new id and is a direct request.
 */
extern const VzResource vz_display_group_resource;

#define VZ_RESOURCE_DISPLAY_GROUP "display-group"

/* The groups (a VzStore of VzDisplayGroup; transfer none). */
VzStore        *vz_sync_engine_get_groups          (VzSyncEngine        *self);

/* POST /display-groups; finish returns the new group (transfer full) */
void            vz_sync_engine_create_group_async  (VzSyncEngine        *self,
                                                    const char          *name,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
VzDisplayGroup *vz_sync_engine_create_group_finish (VzSyncEngine        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
