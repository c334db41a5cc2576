/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <math.h>

G_BEGIN_DECLS

/* Lenient readers for JSON the engine itself built or a peer sent: a member
 * of the wrong type reads as absent (NULL), never as an error. */
static inline const char *
_vz_json_string (JsonObject *obj,
                 const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A number member (integer or real) as a double; NAN when absent or not a number. */
static inline gdouble
_vz_json_number (JsonObject *obj,
                 const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return (gdouble) json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return NAN;
}

static inline JsonObject *
_vz_json_object (JsonObject *obj,
                 const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static inline JsonArray *
_vz_json_array (JsonObject *obj,
                const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A string node, or a JSON null for NULL (transfer full). */
static inline JsonNode *
_vz_json_string_node (const char *value)
{
  return value != NULL ? json_node_init_string (json_node_alloc (), value) : json_node_new (JSON_NODE_NULL);
}

G_END_DECLS
