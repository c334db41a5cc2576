/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "vz-session.h"
#include "vz-store.h"
#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-realtime-client.h"

G_BEGIN_DECLS

typedef enum {
  VZ_CONNECTION_STATE_OFFLINE,       /* no network, or stopped */
  VZ_CONNECTION_STATE_CONNECTING,    /* initial read / first connect */
  VZ_CONNECTION_STATE_ONLINE,
  VZ_CONNECTION_STATE_RECONNECTING,  /* link lost, backing off */
  VZ_CONNECTION_STATE_UNAVAILABLE,   /* server refuses (auth) or circuit open */
} VzConnectionState;

#define VZ_TYPE_CONNECTION_STATE (vz_connection_state_get_type ())
GType vz_connection_state_get_type (void);
/* "Online", "Connecting…", "Offline", "Reconnecting…", "Server unavailable" */
const char *vz_connection_state_to_label (VzConnectionState state);

#define VZ_TYPE_SYNC_ENGINE (vz_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (VzSyncEngine, vz_sync_engine, VZ, SYNC_ENGINE, GObject)

/*
 * VzSyncEngine: keeps the stores in step with the server (architecture.md,
 * "The data path"). start() reads every list page by page, connects the
 * realtime client, holds events that arrive before the read finishes and
 * applies them after it, and re-reads after every reconnect. It is also the
 * one place the UI and vizoractl go through to change anything.
 *
 * Properties: "session", "connection-state" (VzConnectionState),
 * "loading" (gboolean: initial read in progress), "loaded" (gboolean: at least
 * one full read done), "last-error" (string for people, nullable),
 * "realtime-client", "network-monitor" (construct-only, default: the system's;
 * one given here is always consulted, even for a server on this machine).
 *
 * Signals:
 *   "screenshot-ready" (const char *device_id, const char *url, guint width, guint height)
 *   "realtime-event"   (const char *name, JsonNode *payload)  every event, after the stores saw it
 */
VzSyncEngine     *vz_sync_engine_new                 (VzSession    *session);
VzSession        *vz_sync_engine_get_session         (VzSyncEngine *self);
VzRealtimeClient *vz_sync_engine_get_realtime_client (VzSyncEngine *self);
void              vz_sync_engine_start               (VzSyncEngine *self);
void              vz_sync_engine_stop                (VzSyncEngine *self);
VzConnectionState vz_sync_engine_get_connection_state (VzSyncEngine *self);
gboolean          vz_sync_engine_get_loading         (VzSyncEngine *self);
gboolean          vz_sync_engine_get_loaded          (VzSyncEngine *self);
const char       *vz_sync_engine_get_last_error      (VzSyncEngine *self);
/* Re-read every list now (pull to refresh, after reconnect). */
void              vz_sync_engine_refresh             (VzSyncEngine *self);

VzStore          *vz_sync_engine_get_displays        (VzSyncEngine *self);  /* of VzDisplay */
VzStore          *vz_sync_engine_get_groups          (VzSyncEngine *self);  /* of VzDisplayGroup */

/*
 * Changes. Each is a GTask; finish returns TRUE or a VZ_API_ERROR with a
 * sentence for people. On success the stores already hold the server's answer.
 */
/* changes: any of name, description, location, orientation, timezone, currentPlaylistId */
void      vz_sync_engine_update_display_async  (VzSyncEngine *self, const char *display_id, JsonObject *changes,
                                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_update_display_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* group_id NULL removes the display from its current group */
void      vz_sync_engine_set_display_group_async  (VzSyncEngine *self, const char *display_id, const char *group_id,
                                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_set_display_group_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* 1–100 ids: POST /displays/bulk/delete */
void      vz_sync_engine_delete_displays_async  (VzSyncEngine *self, const char * const *display_ids,
                                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_delete_displays_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* 1–100 ids: POST /displays/bulk/assign-group */
void      vz_sync_engine_add_displays_to_group_async  (VzSyncEngine *self, const char * const *display_ids, const char *group_id,
                                                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_add_displays_to_group_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* POST /display-groups; finish returns the new group (transfer full) */
void            vz_sync_engine_create_group_async  (VzSyncEngine *self, const char *name,
                                                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
VzDisplayGroup *vz_sync_engine_create_group_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* POST /devices/pairing/complete; finish returns the new display (transfer full) */
void       vz_sync_engine_pair_display_async  (VzSyncEngine *self, const char *code, const char *nickname, const char *location,
                                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
VzDisplay *vz_sync_engine_pair_display_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* command: "reload" | "restart" | "reboot"; POST /fleet/commands with target device */
void      vz_sync_engine_send_command_async  (VzSyncEngine *self, const char *display_id, const char *command,
                                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_send_command_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);
/* POST /displays/:id/screenshot; the picture arrives as "screenshot-ready". */
void      vz_sync_engine_request_screenshot_async  (VzSyncEngine *self, const char *display_id,
                                                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  vz_sync_engine_request_screenshot_finish (VzSyncEngine *self, GAsyncResult *result, GError **error);

G_END_DECLS
