/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * VzHub: the realtime half of vizora-server. Engine.IO 4 + Socket.IO v4 over
 * WebSocket (and Engine.IO long-polling) on one SoupServer path, per-organization
 * rooms, acks, ping/pong with a dead-peer timeout. It knows nothing of SQLite:
 * the server's logic answers through VzHubHandlers.
 */

typedef enum {
  VZ_HUB_PEER_DASHBOARD,   /* a signed-in user (dashboard / desktop app / vizoractl) */
  VZ_HUB_PEER_DEVICE,      /* a paired screen, authenticated by its device token */
} VzHubPeerKind;

typedef struct {
  VzHubPeerKind  kind;
  char          *organization_id;
  char          *subject_id;      /* user id, or display id for devices */
  char          *session_id;      /* a dashboard's sign-in session, or NULL */
} VzHubPrincipal;

void vz_hub_principal_clear (VzHubPrincipal *principal);

typedef struct _VzHub VzHub;

typedef struct {
  /* Fills @principal and returns TRUE for a valid token (user access token or device token). */
  gboolean  (*authenticate)      (VzHub *hub, const char *token, VzHubPrincipal *principal, gpointer user_data);
  /* After CONNECT is acknowledged (dashboards are already in room org:<organizationId>). */
  void      (*peer_connected)    (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal, gpointer user_data);
  /*
   * A device whose newer socket replaced this one is still connected here:
   * vz_hub_device_is_connected() returns TRUE for it, so do not mark it offline.
   */
  void      (*peer_disconnected) (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal, gpointer user_data);
  /*
   * An event from a peer (`heartbeat`, `content:impression`, `screenshot:response`, …;
   * `join:organization` is handled by the hub itself). @args is the argument array
   * without the event name. Returns the ack's argument (transfer full), or NULL for
   * none; the hub sends it only if the peer asked for an ack (NULL then sends an
   * empty ack, so that the peer's callback never hangs).
   */
  JsonNode *(*peer_event)        (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal,
                                  const char *event, JsonArray *args, gpointer user_data);
  /*
   * Optional, after @token was accepted: FALSE refuses this CONNECT for now
   * (too many with this token), and the peer is told so in a CONNECT_ERROR
   * {message:"rate_limited", data:{code:"RATE_LIMITED", retryAfter: seconds}}.
   */
  gboolean  (*admit)             (VzHub *hub, const char *token, const VzHubPrincipal *principal,
                                  guint *retry_after_s, gpointer user_data);
} VzHubHandlers;

typedef void (*VzHubAckFunc) (VzHub *hub, JsonArray *ack_args /* NULL on timeout or disconnect */, gpointer user_data);

#define VZ_TYPE_HUB (vz_hub_get_type ())
G_DECLARE_FINAL_TYPE (VzHub, vz_hub, VZ, HUB, GObject)

VzHub   *vz_hub_new                  (const VzHubHandlers *handlers,
                                      gpointer             user_data);
/* Adds the WebSocket and polling handlers under @path ("/socket.io/"). */
void     vz_hub_attach               (VzHub               *self,
                                      SoupServer          *server,
                                      const char          *path);
void     vz_hub_set_ping             (VzHub               *self,
                                      guint                ping_interval_ms,
                                      guint                ping_timeout_ms);
/* How long a new session may take to join "/" (default 10 s). */
void     vz_hub_set_connect_timeout  (VzHub               *self,
                                      guint                connect_timeout_ms);
/*
 * Emitting never takes ownership of @payload (transfer none; NULL sends the
 * event without an argument). An event is encoded once per call, however many
 * peers receive it.
 */
/* To every dashboard in room org:<organization_id>. */
void     vz_hub_emit_to_organization (VzHub               *self,
                                      const char          *organization_id,
                                      const char          *event,
                                      JsonNode            *payload);
void     vz_hub_emit_to_socket       (VzHub               *self,
                                      const char          *socket_id,
                                      const char          *event,
                                      JsonNode            *payload);
/* To the connected device with this display id; FALSE if it is not connected.
 * With @ack_func the event asks for an ack (timeout 10 s → ack_func (NULL)). */
gboolean vz_hub_emit_to_device       (VzHub               *self,
                                      const char          *display_id,
                                      const char          *event,
                                      JsonNode            *payload,
                                      VzHubAckFunc         ack_func,
                                      gpointer             ack_data);
gboolean vz_hub_device_is_connected  (VzHub               *self,
                                      const char          *display_id);
/* Closes every socket of this device / user (revoked, deleted, session expired)
 * after sending @event (may be NULL) with @payload. */
void     vz_hub_disconnect_subject   (VzHub               *self,
                                      const char          *subject_id,
                                      const char          *event,
                                      JsonNode            *payload);
/* Closes every socket of this sign-in session (VzHubPrincipal.session_id)
 * after sending @event (may be NULL) with @payload. */
void     vz_hub_disconnect_session   (VzHub               *self,
                                      const char          *session_id,
                                      const char          *event,
                                      JsonNode            *payload);
/* Adds the sign-in sessions that have sockets here to @sessions (a set of
 * strings, g_hash_table_add'ed as copies). */
void     vz_hub_collect_sessions     (VzHub               *self,
                                      GHashTable          *sessions);
/* Sends `server:shutdown {reconnect:true}` to everyone and closes. */
void     vz_hub_shutdown             (VzHub               *self);
/* Sockets that completed the Socket.IO CONNECT (dashboards and devices). */
guint    vz_hub_get_peer_count       (VzHub               *self);

G_END_DECLS
