/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  VZ_REALTIME_STATE_DISCONNECTED,  /* not started, or stopped */
  VZ_REALTIME_STATE_CONNECTING,    /* first connect in progress */
  VZ_REALTIME_STATE_CONNECTED,     /* Socket.IO CONNECT acknowledged */
  VZ_REALTIME_STATE_RECONNECTING,  /* link lost, waiting for the next attempt (backoff) */
  VZ_REALTIME_STATE_AUTH_FAILED,   /* auth_invalid / session:expired: no retries until new credentials */
} VzRealtimeState;

#define VZ_TYPE_REALTIME_STATE (vz_realtime_state_get_type ())
GType vz_realtime_state_get_type (void);

#define VZ_TYPE_REALTIME_CLIENT (vz_realtime_client_get_type ())
G_DECLARE_FINAL_TYPE (VzRealtimeClient, vz_realtime_client, VZ, REALTIME_CLIENT, GObject)

/*
 * VzRealtimeClient: one Socket.IO v4 connection (Engine.IO 4) over a libsoup
 * WebSocket, falling back to Engine.IO HTTP long-polling when WebSocket cannot
 * be had. Answers pings, watches for a dead link (pingInterval + pingTimeout),
 * reconnects with exponential backoff and jitter (reset after a good connect,
 * never a hot loop), and stops retrying on auth failure.
 *
 * @url is the server origin, e.g. "http://127.0.0.1:3000"; the path
 * "/socket.io/" is appended (property "path" changes it).
 *
 * Properties: "url" (construct-only), "soup-session" (construct-only, nullable:
 * a SoupSession shared with other clients, which this one never aborts; the
 * caller sets its limits), "path", "state" (VzRealtimeState),
 * "last-error" (string, a sentence for people, nullable), "session-id",
 * "transport" ("websocket", "polling", or NULL while not linked).
 *
 * Errors (the "disconnected" reason, emit_with_ack) are in VZ_API_ERROR:
 * NETWORK, TIMEOUT (no ping in time, no ack in time), INVALID_RESPONSE
 * (malformed frames), AUTH_INVALID, SERVER (other CONNECT refusals).
 *
 * Signals:
 *   "connected"      ()                       after the namespace CONNECT is acknowledged
 *   "disconnected"   (GError *reason)         link lost (reason may be NULL on a clean stop)
 *   "event"          (const char *name, JsonNode *payload, gint64 ack_id)
 *                    G_SIGNAL_DETAILED: detail is the event name, so
 *                    "event::device:status" connects to one event. payload is the
 *                    first argument (a JSON null node when there is none); the
 *                    complete argument array (every argument after the event
 *                    name) is available through
 *                    vz_realtime_client_get_current_args() during emission.
 *                    ack_id ≥ 0 when the server asked for an ack: answer with
 *                    vz_realtime_client_ack().
 *   "auth-failed"    (const char *message)
 */
VzRealtimeClient *vz_realtime_client_new            (const char        *url);
/* A session for many clients of @url to share (property "soup-session"), set
 * up as a client's own would be, with @max_connections connections at once
 * (WebSocket handshakes and long polls); owned by the thread-default main
 * context of the caller. (transfer full) */
GObject          *vz_realtime_client_new_shared_session (const char    *url,
                                                         guint          max_connections);
/* The CONNECT packet's auth object: {"token": token}. */
void              vz_realtime_client_set_token      (VzRealtimeClient  *self,
                                                     const char        *token);
void              vz_realtime_client_start          (VzRealtimeClient  *self);
void              vz_realtime_client_stop           (VzRealtimeClient  *self);
VzRealtimeState   vz_realtime_client_get_state      (VzRealtimeClient  *self);
const char       *vz_realtime_client_get_last_error (VzRealtimeClient  *self);
JsonArray        *vz_realtime_client_get_current_args (VzRealtimeClient *self);

/* Fire and forget. Returns FALSE when not connected (nothing is queued). */
gboolean          vz_realtime_client_emit           (VzRealtimeClient  *self,
                                                     const char        *event,
                                                     JsonNode          *payload);
/* Emit and wait for the ack; finish returns the ack's argument array as a JSON array node. */
void              vz_realtime_client_emit_with_ack_async  (VzRealtimeClient    *self,
                                                           const char          *event,
                                                           JsonNode            *payload,
                                                           guint                timeout_ms,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
JsonNode         *vz_realtime_client_emit_with_ack_finish (VzRealtimeClient    *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void              vz_realtime_client_ack            (VzRealtimeClient  *self,
                                                     gint64             ack_id,
                                                     JsonNode          *payload);

G_END_DECLS
