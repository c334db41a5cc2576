/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VZ_WIRE_ERROR (vz_wire_error_quark ())
GQuark vz_wire_error_quark (void);

/*
 * Every way a peer's bytes can fail to be a valid Engine.IO / Socket.IO packet.
 * The GError message is a sentence naming what was wrong; it never quotes the
 * offending bytes, which may carry a token.
 */
typedef enum {
  VZ_WIRE_ERROR_TRUNCATED,      /* input ended before the packet was complete (empty frame included) */
  VZ_WIRE_ERROR_TOO_LARGE,      /* longer than the negotiated maxPayload */
  VZ_WIRE_ERROR_BAD_TYPE,       /* unknown Engine.IO or Socket.IO packet type */
  VZ_WIRE_ERROR_BAD_JSON,       /* the JSON part does not parse, or nests too deeply */
  VZ_WIRE_ERROR_BAD_PAYLOAD,    /* valid JSON of the wrong shape for the packet type */
  VZ_WIRE_ERROR_BAD_ACK_ID,     /* ack id too long or out of range */
  VZ_WIRE_ERROR_BAD_NAMESPACE,  /* namespace not terminated by ',' or not starting with '/' */
  VZ_WIRE_ERROR_EMBEDDED_NUL,   /* a NUL byte inside a text frame */
  VZ_WIRE_ERROR_UNSUPPORTED,    /* binary packets ('b' base64, Socket.IO attachments) */
} VzWireError;

G_END_DECLS
