/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

/*
 * The wire JSON reader (every realtime message, the outbox journal): it
 * accepts or refuses with a sentence, never reads past its input; what it
 * accepts encodes to text that reads back as the same value, and encoding
 * that again gives the same text (decode → encode → decode is a fixed point).
 */

static guint
depth_of (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        deepest = MAX (deepest, depth_of (json_array_get_element (array, i)));
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_assert_true (g_utf8_validate (name, -1, NULL));
          deepest = MAX (deepest, depth_of (member));
        }
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);

  node = vz_wire_json_parse ((const char *) data, size, &error);

  /* The server's stricter reading refuses more, never less, and what it
   * accepts reads the same. */
  {
    g_autoptr(GError) strict_error = NULL;
    g_autoptr(JsonNode) strict = vz_wire_json_parse_full ((const char *) data, size,
                                                          VZ_WIRE_JSON_NO_LONE_SURROGATES, &strict_error);

    if (strict != NULL)
      g_assert_true (node != NULL && fuzz_json_equal (strict, node));
    else
      g_assert_error (strict_error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
  }

  if (node == NULL)
    {
      g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
      return 0;
    }
  g_assert_no_error (error);
  /* The limit the reader promises, and text that is valid UTF-8. */
  g_assert_cmpuint (depth_of (node), <=, VZ_WIRE_JSON_MAX_DEPTH);

  text = fuzz_json_text (node);
  again = vz_wire_json_parse (text, strlen (text), &error);
  if (again == NULL)
    g_error ("The encoding of a value that parsed does not parse: %s: %s", text, error->message);
  g_assert_true (fuzz_json_equal (node, again));

  text_again = fuzz_json_text (again);
  g_assert_cmpstr (text_again, ==, text);
  return 0;
}
