/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Engine.IO protocol 4 codec (no I/O). A WebSocket text frame carries exactly
 * one packet; an HTTP long-polling body carries several, separated by the
 * record separator 0x1e. Decoding never copies: packets point into the input.
 */

#define VZ_EIO_PROTOCOL             4
/* Engine.IO's own default for maxPayload (bytes), used until the open packet says otherwise. */
#define VZ_EIO_DEFAULT_MAX_PAYLOAD  1000000
#define VZ_EIO_RECORD_SEPARATOR     '\x1e'

typedef enum {
  VZ_EIO_PACKET_OPEN    = 0,
  VZ_EIO_PACKET_CLOSE   = 1,
  VZ_EIO_PACKET_PING    = 2,
  VZ_EIO_PACKET_PONG    = 3,
  VZ_EIO_PACKET_MESSAGE = 4,
  VZ_EIO_PACKET_UPGRADE = 5,
  VZ_EIO_PACKET_NOOP    = 6,
} VzEioPacketType;

typedef struct {
  VzEioPacketType  type;
  const char      *data;   /* points into the parsed text, not NUL-terminated */
  gsize            len;
} VzEioPacket;

/*
 * Parses one packet (one WebSocket text frame). Fails on an empty frame, a
 * frame longer than @max_payload (0 = no limit), an unknown type, a NUL byte,
 * or a base64 binary packet ('b…', VZ_WIRE_ERROR_UNSUPPORTED).
 */
gboolean  vz_eio_packet_parse        (const char      *text,
                                      gsize            len,
                                      gsize            max_payload,
                                      VzEioPacket     *packet,
                                      GError         **error);

/* Iterates over the packets of a long-polling payload ("4…\x1e2\x1e4…"). */
typedef struct {
  const char *cursor;
  const char *end;
  gsize       max_payload;
} VzEioPayloadIter;

/* Fails at once (on the first next()) when the whole payload exceeds @max_payload (0 = no limit). */
void      vz_eio_payload_iter_init   (VzEioPayloadIter *iter,
                                      const char       *text,
                                      gsize             len,
                                      gsize             max_payload);
/* TRUE with the next packet; FALSE at the end (error unset) or on a malformed packet (error set). */
gboolean  vz_eio_payload_iter_next   (VzEioPayloadIter *iter,
                                      VzEioPacket      *packet,
                                      GError          **error);

/* "<type digit><data>"; @data may be NULL, @len -1 for NUL-terminated. */
char     *vz_eio_packet_encode       (VzEioPacketType  type,
                                      const char      *data,
                                      gssize           len);
/* Appends one encoded packet to a polling payload, adding the separator when needed. */
void      vz_eio_payload_append      (GString         *payload,
                                      const char      *packet_text,
                                      gssize           len);

/* The open packet's JSON: {"sid","upgrades","pingInterval","pingTimeout","maxPayload"}. */
typedef struct {
  char   *sid;
  char  **upgrades;        /* NULL-terminated, may be empty */
  guint   ping_interval;   /* ms */
  guint   ping_timeout;    /* ms */
  gsize   max_payload;     /* bytes */
} VzEioHandshake;

/* Parses the data of an OPEN packet (without the leading '0'). */
gboolean  vz_eio_handshake_parse     (const char      *data,
                                      gsize            len,
                                      VzEioHandshake  *handshake,
                                      GError         **error);
/* The complete OPEN packet, "0{…}". */
char     *vz_eio_handshake_encode    (const VzEioHandshake *handshake);
void      vz_eio_handshake_clear     (VzEioHandshake  *handshake);

G_END_DECLS
