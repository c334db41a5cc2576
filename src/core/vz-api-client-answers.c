/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-api-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-api-client-private.h"
#include "vz-wire-json.h"

/*
 * Reading the server's answers: the envelope around the data, and the
 * error body turned into a sentence for people (the server's own words when
 * it sends some, else words for the status).
 */

static char *
fallback_message (guint       status,
                  const char *retry_after)
{
  switch (vz_api_error_from_status (status))
    {
    case VZ_API_ERROR_BAD_REQUEST:
      if (status == 413)
        return g_strdup (_("The request was too large for the server."));
      return g_strdup_printf (_("The server refused the request (HTTP %u)."), status);
    case VZ_API_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has expired. Please sign in again."));
    case VZ_API_ERROR_FORBIDDEN:
      return g_strdup (_("You are not allowed to do this."));
    case VZ_API_ERROR_NOT_FOUND:
      return g_strdup (_("The server does not know this item. It may have been deleted."));
    case VZ_API_ERROR_CONFLICT:
      return g_strdup (_("This conflicts with the current state on the server."));
    case VZ_API_ERROR_PRECONDITION_FAILED:
      return g_strdup (_("Someone else changed this item in the meantime."));
    case VZ_API_ERROR_RATE_LIMITED:
      if (retry_after != NULL && g_ascii_isdigit (*retry_after))
        return g_strdup_printf (_("Too many requests. Try again in %s seconds."), retry_after);
      return g_strdup (_("Too many requests. Try again in a moment."));
    case VZ_API_ERROR_TIMEOUT:
      return g_strdup (_("The server did not answer in time."));
    case VZ_API_ERROR_SERVER:
      return g_strdup_printf (_("The server ran into a problem (HTTP %u). Try again later."), status);
    case VZ_API_ERROR_NETWORK:
    case VZ_API_ERROR_INVALID_RESPONSE:
    case VZ_API_ERROR_AUTH_INVALID:
    case VZ_API_ERROR_CIRCUIT_OPEN:
    default:
      return g_strdup_printf (_("The server gave an unexpected answer (HTTP %u)."), status);
    }
}

/* The contract's error body: {"statusCode","message": text | [text…],"error"}. */
static char *
server_message (JsonNode *root)
{
  JsonObject *obj;
  JsonNode *message;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  message = json_object_get_member (obj, "message");
  if (message == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (message) && json_node_get_value_type (message) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (message);

      return *text != '\0' ? g_strdup (text) : NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (message))
    {
      JsonArray *array = json_node_get_array (message);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            continue;
          if (joined->len > 0)
            g_string_append (joined, "; ");
          g_string_append (joined, json_node_get_string (item));
        }
      if (joined->len > 0)
        return g_string_free (g_steal_pointer (&joined), FALSE);
    }

  return NULL;
}

JsonNode *
_vz_api_parse_body (GByteArray  *buffer,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  root = vz_wire_json_parse ((const char *) buffer->data, buffer->len, &local_error);
  if (root == NULL)
    {
      /* The parser's detail is for developers; people get a plain sentence. */
      g_debug ("Unparsable answer: %s", local_error->message);
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server’s answer could not be read. Is this a Vizora server?"));
    }
  return root;
}

GError *
_vz_api_status_error (guint        status,
              const char  *retry_after,
              GByteArray  *buffer)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;

  if (buffer != NULL && buffer->len > 0)
    root = vz_wire_json_parse ((const char *) buffer->data, buffer->len, NULL);
  message = server_message (root);
  if (message == NULL)
    message = fallback_message (status, retry_after);

  return g_error_new_literal (VZ_API_ERROR, vz_api_error_from_status (status), message);
}

/* {"success":true,"data":X} → X; the two documented exceptions (pairing
 * complete, logout) carry no `data`, and the whole body is the answer. */
JsonNode *
_vz_api_unwrap_envelope (JsonNode  *root,
                 GError   **error)
{
  JsonObject *obj;
  JsonNode *success, *data;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  obj = json_node_get_object (root);
  success = json_object_get_member (obj, "success");
  if (success == NULL || !JSON_NODE_HOLDS_VALUE (success) ||
      json_node_get_value_type (success) != G_TYPE_BOOLEAN ||
      !json_node_get_boolean (success))
    goto bad;

  data = json_object_get_member (obj, "data");
  if (data != NULL)
    return json_node_ref (data);
  return json_node_ref (root);

bad:
  g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                       _("The server’s answer was not in the expected form. Is this a Vizora server?"));
  return NULL;
}
