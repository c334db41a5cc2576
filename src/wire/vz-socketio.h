/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Socket.IO protocol 5 (Socket.IO v4) codec, carried in Engine.IO MESSAGE
 * packets. Text form: <type digit>[<attachments>-][/<nsp>,][<ack id>][<JSON>].
 * No I/O; used by the realtime client and by the server hub alike.
 */

typedef enum {
  VZ_SIO_PACKET_CONNECT       = 0,
  VZ_SIO_PACKET_DISCONNECT    = 1,
  VZ_SIO_PACKET_EVENT         = 2,
  VZ_SIO_PACKET_ACK           = 3,
  VZ_SIO_PACKET_CONNECT_ERROR = 4,
  VZ_SIO_PACKET_BINARY_EVENT  = 5,
  VZ_SIO_PACKET_BINARY_ACK    = 6,
} VzSioPacketType;

#define VZ_SIO_NO_ACK          ((gint64) -1)
/* Largest ack id accepted: JavaScript's Number.MAX_SAFE_INTEGER. */
#define VZ_SIO_MAX_ACK_ID      G_GINT64_CONSTANT (9007199254740991)

typedef struct {
  VzSioPacketType  type;
  char            *nsp;      /* NULL for the main namespace "/" (no allocation on the hot path) */
  gint64           ack_id;   /* VZ_SIO_NO_ACK when absent */
  JsonNode        *data;     /* owned; NULL when the packet carries no JSON */
} VzSioPacket;

#define VZ_SIO_PACKET_INIT { VZ_SIO_PACKET_CONNECT, NULL, VZ_SIO_NO_ACK, NULL }

/*
 * Parses the Socket.IO text (the Engine.IO MESSAGE data, after the '4').
 * Validates the payload's shape per type, as socket.io-parser does: CONNECT data
 * is an object or absent; DISCONNECT has none; EVENT is a non-empty array whose
 * first element is a string; ACK is an array; CONNECT_ERROR is an object or a
 * string. Binary packets fail with VZ_WIRE_ERROR_UNSUPPORTED. On failure
 * @packet is left cleared.
 */
gboolean     vz_sio_packet_parse         (const char      *text,
                                          gsize            len,
                                          VzSioPacket     *packet,
                                          GError         **error);
void         vz_sio_packet_clear         (VzSioPacket     *packet);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VzSioPacket, vz_sio_packet_clear)

/* For EVENT packets that parsed: the event name, and the arguments after it (NULL if none). */
const char  *vz_sio_packet_get_event     (const VzSioPacket *packet);
JsonNode    *vz_sio_packet_get_arg       (const VzSioPacket *packet,
                                          guint              index);

/*
 * Encoders. Each returns a complete Engine.IO MESSAGE frame ("4" + Socket.IO
 * text), ready to send as a WebSocket text frame or to append to a polling
 * payload; @out_len (nullable) receives its length. @nsp NULL or "/" is the
 * main namespace.
 */
char        *vz_sio_packet_encode        (const VzSioPacket *packet,
                                          gsize             *out_len);
/* 40 / 40{…}: the client's CONNECT with its auth object, or the server's {"sid"}. */
char        *vz_sio_encode_connect       (const char      *nsp,
                                          JsonNode        *data,
                                          gsize           *out_len);
/* 44{"message":…,"data":…}; @data nullable. */
char        *vz_sio_encode_connect_error (const char      *nsp,
                                          const char      *message,
                                          JsonNode        *data,
                                          gsize           *out_len);
/* 42[<id>]["event",payload]; @payload NULL sends the event with no argument. */
char        *vz_sio_encode_event         (const char      *nsp,
                                          gint64           ack_id,
                                          const char      *event,
                                          JsonNode        *payload,
                                          gsize           *out_len);
/* 43<id>[payload]; @payload NULL sends an empty argument list. */
char        *vz_sio_encode_ack           (const char      *nsp,
                                          gint64           ack_id,
                                          JsonNode        *payload,
                                          gsize           *out_len);

G_END_DECLS
