/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display.h"
#include "vz-resource.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Screens as a kind of record (kind "display", GET /displays), and the
 * screen-specific requests the app makes through the sync engine.
 */
extern const VzResource vz_display_resource;

#define VZ_RESOURCE_DISPLAY "display"

/* The screens (a VzStore of VzDisplay; transfer none). */
VzStore   *vz_sync_engine_get_displays                (VzSyncEngine        *self);

/* Optimistic changes (vz_sync_engine_update_async() and friends on kind
 * "display"); finish returns once the change is durably queued. */
/* changes: any of name, description, location, orientation, timezone, currentPlaylistId */
void       vz_sync_engine_update_display_async        (VzSyncEngine        *self,
                                                       const char          *display_id,
                                                       JsonObject          *changes,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_update_display_finish       (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Moves a screen to @group_id; NULL takes it out of its group. */
void       vz_sync_engine_set_display_group_async     (VzSyncEngine        *self,
                                                       const char          *display_id,
                                                       const char          *group_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_set_display_group_finish    (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* POST /displays/bulk/delete, 100 ids a request, one outbox batch. */
void       vz_sync_engine_delete_displays_async       (VzSyncEngine        *self,
                                                       const char * const  *display_ids,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_delete_displays_finish      (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Adds the screens to @group_id (100 ids a request, one outbox batch). */
void       vz_sync_engine_add_displays_to_group_async (VzSyncEngine        *self,
                                                       const char * const  *display_ids,
                                                       const char          *group_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_add_displays_to_group_finish (VzSyncEngine       *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* Direct requests: they need the server's answer. */
/* POST /devices/pairing/complete; finish returns the new display (transfer full) */
void       vz_sync_engine_pair_display_async          (VzSyncEngine        *self,
                                                       const char          *code,
                                                       const char          *nickname,
                                                       const char          *location,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
VzDisplay *vz_sync_engine_pair_display_finish         (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* command: "reload" | "restart" | "reboot"; POST /fleet/commands with target device */
void       vz_sync_engine_send_command_async          (VzSyncEngine        *self,
                                                       const char          *display_id,
                                                       const char          *command,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_send_command_finish         (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* POST /displays/:id/screenshot; the picture's address arrives as the
 * realtime event VZ_SCREENSHOT_READY_EVENT, read with vz_screenshot_ready_parse(). */
void       vz_sync_engine_request_screenshot_async    (VzSyncEngine        *self,
                                                       const char          *display_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean   vz_sync_engine_request_screenshot_finish   (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

#define VZ_SCREENSHOT_READY_EVENT "screenshot:ready"

/* A screenshot:ready payload; the strings belong to the payload. */
typedef struct {
  const char *device_id;
  const char *url;
  guint       width;
  guint       height;
} VzScreenshotReady;

/* FALSE when @payload is not a screenshot:ready with a screen and an address. */
gboolean   vz_screenshot_ready_parse                  (JsonNode            *payload,
                                                       VzScreenshotReady   *out);

G_END_DECLS
