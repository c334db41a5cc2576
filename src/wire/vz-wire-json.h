/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A strict RFC 8259 JSON reader that builds json-glib nodes directly from a
 * length-delimited buffer. It exists because it is the realtime hot path:
 * JsonParser copies its input and tokenizes through a general scanner, which
 * costs several times more per event. Nesting deeper than
 * VZ_WIRE_JSON_MAX_DEPTH is refused so a peer cannot exhaust the stack.
 */
#define VZ_WIRE_JSON_MAX_DEPTH 64

typedef enum {
  VZ_WIRE_JSON_NONE                    = 0,
  /* A "\ud800" escape without its other half is refused instead of read as
   * U+FFFD: for text a person typed, which must arrive as it was sent. */
  VZ_WIRE_JSON_REFUSE_LONE_SURROGATES  = 1 << 0,
} VzWireJsonFlags;

/* Returns a new node (transfer full) or NULL with VZ_WIRE_ERROR_BAD_JSON.
 * A lone surrogate escape reads as U+FFFD (JavaScript peers send them). */
JsonNode *vz_wire_json_parse     (const char  *text,
                                  gsize        len,
                                  GError     **error);
JsonNode *vz_wire_json_parse_full (const char      *text,
                                   gsize            len,
                                   VzWireJsonFlags  flags,
                                   GError         **error);
/* Serializes compactly (no spaces), appending to @out. */
void      vz_wire_json_append    (GString     *out,
                                  JsonNode    *node);
/* Appends @s (UTF-8) as a quoted, escaped JSON string. */
void      vz_wire_json_append_string (GString    *out,
                                      const char *s);

G_END_DECLS
