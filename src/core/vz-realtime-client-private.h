/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "vz-backoff.h"
#include "vz-engineio.h"
#include "vz-realtime-client.h"
#include "vz-timer.h"

G_BEGIN_DECLS

/*
 * The realtime client's parts: Socket.IO and Engine.IO handling and the
 * connection's life in vz-realtime-client.c; the two transports that carry
 * Engine.IO packets (WebSocket, and long-polling where a proxy refuses
 * WebSockets) in vz-realtime-transports.c.
 */

typedef enum {
  TRANSPORT_NONE,
  TRANSPORT_WEBSOCKET,
  TRANSPORT_POLLING,
} VzRealtimeTransport;

/* A Socket.IO packet in line behind one being parsed in a worker thread. */
typedef struct _VzRealtimeIncoming VzRealtimeIncoming;

typedef struct {
  VzRealtimeClient *self;     /* unowned: the client fails every pending ack before it goes */
  GTask            *task;
  gint64            ack_id;
  VzTimer          *timeout;          /* NULL when the ack may take forever */
  gulong            cancel_id;
  GCancellable     *cancellable;
} VzRealtimePendingAck;

struct _VzRealtimeClient
{
  GObject parent_instance;

  char            *url;
  char            *path;
  char            *token;
  VzRealtimeState  state;
  char            *last_error;
  char            *session_id;
  gboolean         running;

  SoupSession     *session;
  GTlsCertificateFlags tls_errors; /* the WebSocket's certificate, refused */
  gboolean         shared_session;  /* given by the creator: never aborted here */
  VzBackoff       *backoff;
  VzTimer         *reconnect;
  guint            server_wait_ms;  /* a refused CONNECT's retryAfter, for the next delay */

  /* One connection attempt; cancelled when it is torn down. */
  GCancellable    *cancellable;
  VzRealtimeTransport        transport;
  gboolean         opened;          /* Engine.IO open packet seen */
  guint            ping_interval;
  guint            ping_timeout;
  gsize            max_payload;     /* the server's limit for what we send */
  gsize            incoming_limit;  /* ours for what it sends */
  VzTimer         *watchdog;
  VzTimer         *connect_timeout;

  SoupWebsocketConnection *ws;

  char            *eio_sid;         /* polling only */
  GString         *outgoing;        /* polling: packets waiting for the next POST */
  gboolean         post_in_flight;
  guint64          poll_counter;

  gint64           next_ack_id;
  GHashTable      *pending_acks;    /* gint64* → PendingAck */

  GHashTable      *quarks;          /* event name → GQuark (only names that have one) */
  JsonArray       *current_args;    /* during "event" emission */
  GQueue           incoming;        /* VzRealtimeIncoming*: packets of this connection
                                     * waiting for one being parsed in a worker */
};

void      _vz_realtime_client_set_transport     (VzRealtimeClient    *self,
                                                 VzRealtimeTransport  transport);
char     *_vz_realtime_client_build_uri         (VzRealtimeClient    *self,
                                                 const char          *transport);
void      _vz_realtime_client_link_lost         (VzRealtimeClient    *self,
                                                 GError              *error);
/* Returns FALSE when the link was torn down while handling the packet. */
gboolean  _vz_realtime_client_handle_eio_packet (VzRealtimeClient    *self,
                                                 const VzEioPacket   *packet);

/* vz-realtime-client.c: the session's state, for the Socket.IO side */
void      _vz_realtime_client_connected         (VzRealtimeClient    *self,
                                                 const char          *sid);
void      _vz_realtime_client_fail_auth         (VzRealtimeClient    *self,
                                                 const char          *message);
void      _vz_realtime_client_emit_event        (VzRealtimeClient    *self,
                                                 GQuark               detail,
                                                 const char          *name,
                                                 JsonNode            *payload,
                                                 gint64               ack_id);
/* vz-realtime-client-socketio.c: a Socket.IO packet (an Engine.IO message) */
void      _vz_realtime_client_handle_socketio   (VzRealtimeClient    *self,
                                                 const char          *text,
                                                 gsize                len);
/* The connection is over: the packets waiting in line are dropped. */
void      _vz_realtime_client_clear_incoming    (VzRealtimeClient    *self);
void      _vz_realtime_pending_ack_free         (VzRealtimePendingAck *pending);
void      _vz_realtime_client_fail_all_pending_acks (VzRealtimeClient *self);
/* @text is a complete Engine.IO packet, NUL-terminated. */
gboolean  _vz_realtime_client_send_packet       (VzRealtimeClient    *self,
                                                 const char          *text,
                                                 gsize                len);

void      _vz_realtime_client_start_websocket   (VzRealtimeClient    *self);
void      _vz_realtime_client_start_polling     (VzRealtimeClient    *self);
void      _vz_realtime_client_poll_once         (VzRealtimeClient    *self);
void      _vz_realtime_client_post_outgoing     (VzRealtimeClient    *self);

G_END_DECLS
