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

/* Returns a new node (transfer full) or NULL with VZ_WIRE_ERROR_BAD_JSON. */
JsonNode *vz_wire_json_parse     (const char  *text,
                                  gsize        len,
                                  GError     **error);

typedef enum {
  VZ_WIRE_JSON_DEFAULT         = 0,
  /* A \u escape of a lone UTF-16 surrogate is refused. Without this flag it
   * reads as U+FFFD: JavaScript peers can produce such strings, and one odd
   * character must not cost a whole realtime packet. */
  VZ_WIRE_JSON_NO_LONE_SURROGATES = 1 << 0,
} VzWireJsonFlags;

/* As vz_wire_json_parse(), with @flags. */
JsonNode *vz_wire_json_parse_full (const char      *text,
                                   gsize            len,
                                   VzWireJsonFlags  flags,
                                   GError         **error);
/* Takes (transfer full) one element of the array of @member; returns FALSE
 * with @error set to stop the parse with that error. */
typedef gboolean (*VzWireJsonElementFunc) (const char  *member,
                                           JsonNode    *element,
                                           gpointer     user_data,
                                           GError     **error);

/* As vz_wire_json_parse(), for a large document: where the top-level
 * object's member named in @members holds an array, each element goes to
 * @func as soon as it is read, and the array in the returned document is
 * empty. Each element is freed before the next one is read unless @func
 * keeps it, so the whole tree never exists at once. */
JsonNode *vz_wire_json_parse_streamed (const char             *text,
                                       gsize                   len,
                                       const char * const     *members,
                                       VzWireJsonElementFunc   func,
                                       gpointer                user_data,
                                       GError                **error);

/* As vz_wire_json_parse_streamed(), where the arrays of the top-level
 * members named in @skipped (nullable) are checked as strictly but nothing
 * is made of them: they are empty in the returned document and nothing of
 * them goes to @func. A reader that wants some of a document's lists so
 * refuses what a reader of all of them would. */
JsonNode *vz_wire_json_parse_streamed_skipping (const char             *text,
                                                gsize                   len,
                                                const char * const     *members,
                                                const char * const     *skipped,
                                                VzWireJsonElementFunc   func,
                                                gpointer                user_data,
                                                GError                **error);

/* Serializes compactly (no spaces), appending to @out. */
void      vz_wire_json_append    (GString     *out,
                                  JsonNode    *node);
/* Appends @s (UTF-8) as a quoted, escaped JSON string. */
void      vz_wire_json_append_string (GString    *out,
                                      const char *s);

G_END_DECLS
