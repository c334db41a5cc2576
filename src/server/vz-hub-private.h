/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-engineio.h"
#include "vz-hub.h"

G_BEGIN_DECLS

/*
 * The hub's parts:
 * - vz-hub.c: peers, rooms, deadlines, Engine.IO packets and the hub's life;
 * - vz-hub-emit.c: events to peers, and ending their connections;
 * - vz-hub-socketio.c: what a peer says in Socket.IO (CONNECT and its
 *   authentication, events, acks);
 * - vz-hub-http.c: the Engine.IO HTTP endpoint (long-polling, the WebSocket
 *   handshake);
 * - vz-hub-websocket.c: the WebSocket links it speaks RFC 6455 on itself,
 *   all in one epoll set.
 */

typedef enum {
  DEADLINE_PING,      /* time to send the next ping */
  DEADLINE_PONG,      /* the pong did not come back in time */
  DEADLINE_CONNECT,   /* no Socket.IO CONNECT in time (10 s by default) */
  DEADLINE_CLOSING,   /* a closing polling peer never came to fetch its last packets */
  DEADLINE_ACK,       /* an ack the server asked for did not come */
  N_DEADLINES
} VzHubDeadlineKind;

typedef enum {
  PEER_OPEN,          /* Engine.IO open, waiting for the Socket.IO CONNECT */
  PEER_CONNECTED,     /* authenticated on "/" */
  PEER_CLOSING,       /* polling only: last packets wait for the next GET */
  PEER_CLOSED,
} VzHubPeerState;

typedef struct _VzHubPeer VzHubPeer;

/*
 * One WebSocket connection taken over from libsoup after the handshake.
 *
 * Who points at a link: its peer (peer->ws or peer->probe_ws), the epoll set,
 * the hub's dirty list (exactly while link->dirty) and, once closed, the
 * dead list; walks in progress (an epoll batch, a flush) hold pointers too.
 * link_shutdown() is the one way out of the peer and the epoll set: it closes
 * the socket and parks the link on the dead list. hub_reap_links() is the one
 * place that frees a link: at the end of a flush, when no walk is running,
 * and only a closed link that is no longer on the dirty list (a link closed
 * during the flush may have been put on the next turn's list; it waits for
 * that flush to take it off).
 */
typedef struct {
  VzHubPeer          *peer;          /* unowned; the peer owns the link */
  GIOStream     *stream;
  GInputStream  *in;
  GOutputStream *out;
  int            fd;
  GByteArray    *inbuf;         /* bytes read, not yet a complete frame */
  GByteArray    *message;       /* fragments of a message in progress */
  gboolean       fragmented;
  GByteArray    *outbuf;        /* frames not yet written */
  gsize          out_sent;      /* bytes of outbuf already written */
  gboolean       watching_out;  /* EPOLLOUT registered */
  gboolean       dirty;         /* on the hub's flush list */
  gboolean       closed;
  gboolean       probe;         /* the upgrade probe of a polling peer */
} VzHubLink;

typedef struct {
  GPtrArray *members;   /* Peer*, unowned; each peer knows its index */
  char      *organization_id;
  guint      emitting;  /* > 0 while a broadcast walks members */
  gboolean   holes;     /* members left during a broadcast: NULL slots to compact */
} VzHubRoom;

typedef struct {
  VzHubAckFunc func;
  gpointer     data;
} VzHubPendingAck;

typedef struct {
  gint64  deadline;     /* monotonic µs */
  VzHubPeer   *peer;         /* owned ref */
  guint64 token;        /* serial for peer timers, ack id for acks */
} VzHubDeadline;

struct _VzHubPeer {
  gint                     ref_count;
  VzHub                   *hub;           /* unowned; NULL once closed */
  char                    *eio_sid;
  char                    *socket_id;     /* set at CONNECT */
  VzHubPeerState                state;
  gboolean                 websocket;     /* current transport */

  VzHubLink                    *ws;

  /* Polling */
  GString                 *poll_buf;      /* packets waiting for the next GET */
  SoupServerMessage       *poll_msg;      /* a paused long-poll GET */
  gulong                   poll_finished_id;
  gulong                   poll_disconnected_id;
  VzHubLink                    *probe_ws;      /* upgrade in progress */
  gboolean                 upgrading;     /* 3probe sent, waiting for 5 */

  VzHubPrincipal           principal;
  VzHubRoom                    *room;          /* org room for dashboards, unowned */
  guint                    room_index;

  guint64                  serial[N_DEADLINES];
  gint64                   next_ack_id;
  GHashTable              *pending_acks;  /* gint64* → PendingAck* */
};

struct _VzHub {
  GObject        parent_instance;

  VzHubHandlers  handlers;
  gpointer       user_data;

  guint          ping_interval_ms;
  guint          ping_timeout_ms;
  guint          connect_timeout_ms;
  gsize          max_payload;
  gboolean       shut_down;

  GHashTable    *sessions;        /* eio sid → Peer (owned ref) */
  GHashTable    *sockets;         /* socket id → Peer */
  GHashTable    *devices;         /* display id → Peer (newest socket) */
  GHashTable    *subjects;        /* subject id → GPtrArray of Peer */
  GHashTable    *sign_ins;        /* principal's session id → GPtrArray of Peer */
  GHashTable    *rooms;           /* organization id → Room */
  guint          connected_count;

  GQueue         deadlines[N_DEADLINES];
  GSource       *timer;

  GMainContext  *context;         /* where the hub was made; all its sources live there */
  int            epoll_fd;
  GSource       *epoll_source;
  GPtrArray     *dirty_links;     /* Link* with output to write this turn */
  guint          flush_id;
  GPtrArray     *dead_links;      /* closed Link*, freed when nothing walks them */
};

/* vz-hub-websocket.c */
VzHubLink *_vz_hub_link_new       (VzHub     *self,
                                   GIOStream *stream);
void       _vz_hub_link_free      (VzHubLink *link);
void       _vz_hub_link_shutdown  (VzHub     *self,
                                   VzHubLink *link,
                                   gushort    code);
void       _vz_hub_link_read      (VzHub     *self,
                                   VzHubLink *link);
void       _vz_hub_link_send_text (VzHubLink  *link,
                                   const char *text,
                                   gsize       len);
gboolean   _vz_hub_epoll_cb       (int          fd,
                                   GIOCondition condition,
                                   gpointer     user_data);
gboolean   _vz_hub_flush_cb       (gpointer user_data);
void       _vz_hub_cancel_flush   (VzHub *self);
void       _vz_hub_reap_links     (VzHub *self);

/* vz-hub.c: what a link hands up to its peer */
void _vz_hub_link_message (VzHubLink  *link,
                           const char *data,
                           gsize       len);
void _vz_hub_link_fail    (VzHubLink  *link,
                           const char *reason);

/* vz-hub-http.c: the Engine.IO HTTP endpoint (long-polling and the WebSocket handshake) */
void _vz_hub_early_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data);
void _vz_hub_http_cb  (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data);

/* vz-hub.c: peers, for the HTTP endpoint */
char *     _vz_hub_open_packet          (VzHub     *self,
                                         VzHubPeer *peer,
                                         gboolean   websocket);
VzHubPeer *_vz_hub_open_peer            (VzHub *self);
VzHubPeer *_vz_hub_peer_ref             (VzHubPeer *peer);
void       _vz_hub_peer_unref           (VzHubPeer *peer);
void       _vz_hub_peer_close           (VzHubPeer  *peer,
                                         const char *reason,
                                         gboolean    graceful);
void       _vz_hub_peer_fail            (VzHubPeer  *peer,
                                         const char *reason);
void       _vz_hub_peer_dispatch_packet (VzHubPeer         *peer,
                                         const VzEioPacket *packet);
void       _vz_hub_peer_start_timers    (VzHubPeer *peer);
void       _vz_hub_poll_msg_forget      (VzHubPeer *peer);

/* vz-hub-socketio.c: a Socket.IO packet from a peer */
void _vz_hub_handle_message (VzHubPeer  *peer,
                             const char *text,
                             gsize       len);

/* vz-hub.c: peers and sending, for the Socket.IO side */
char *      _vz_hub_iso_timestamp_now (void);
char *      _vz_hub_random_id         (void);
const char *_vz_hub_peer_name         (VzHubPeer *peer);
void        _vz_hub_peer_send         (VzHubPeer  *peer,
                                       const char *frame,
                                       gsize       len);
void        _vz_hub_peer_send_event   (VzHubPeer  *peer,
                                       const char *event,
                                       JsonNode   *payload);

/* vz-hub-deadlines.c: the timers of every peer, one GSource */
void _vz_hub_deadlines_init  (VzHub             *self);
void _vz_hub_deadlines_clear (VzHub             *self);
void _vz_hub_deadline_add    (VzHub             *self,
                              VzHubPeer         *peer,
                              VzHubDeadlineKind  kind,
                              guint64            token);
void _vz_hub_peer_arm        (VzHubPeer         *peer,
                              VzHubDeadlineKind  kind);
void _vz_hub_peer_disarm     (VzHubPeer         *peer,
                              VzHubDeadlineKind  kind);

/* vz-hub-rooms.c: organization rooms and the peers by subject */
void _vz_hub_room_free       (VzHubRoom  *room);
void _vz_hub_room_join       (VzHub      *self,
                              VzHubPeer  *peer,
                              const char *organization_id);
void _vz_hub_room_leave      (VzHub      *self,
                              VzHubPeer  *peer);
void _vz_hub_room_compact    (VzHub      *self,
                              VzHubRoom  *room);
void _vz_hub_subject_add     (VzHub      *self,
                              VzHubPeer  *peer);
void _vz_hub_subject_remove  (VzHub      *self,
                              VzHubPeer  *peer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzHubPeer, _vz_hub_peer_unref)

G_END_DECLS
