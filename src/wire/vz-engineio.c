/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-wire"

#include "config.h"

#include <string.h>

#include "vz-engineio.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

gboolean
vz_eio_packet_parse (const char   *text,
                     gsize         len,
                     gsize         max_payload,
                     VzEioPacket  *packet,
                     GError      **error)
{
  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (packet != NULL, FALSE);

  if (len == 0)
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TRUNCATED,
                           "The server sent an empty Engine.IO packet.");
      return FALSE;
    }
  if (max_payload > 0 && len > max_payload)
    {
      g_set_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TOO_LARGE,
                   "An Engine.IO packet of %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT " bytes.",
                   len, max_payload);
      return FALSE;
    }
  if (text[0] == 'b')
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_UNSUPPORTED,
                           "Binary Engine.IO packets are not supported.");
      return FALSE;
    }
  if (text[0] < '0' || text[0] > '6')
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_TYPE,
                           "An Engine.IO packet has an unknown type.");
      return FALSE;
    }
  /* memchr is vectorized: a NUL check costs far less than the JSON parse after it. */
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_EMBEDDED_NUL,
                           "An Engine.IO text packet contains a NUL byte.");
      return FALSE;
    }

  packet->type = (VzEioPacketType) (text[0] - '0');
  packet->data = text + 1;
  packet->len = len - 1;
  return TRUE;
}

void
vz_eio_payload_iter_init (VzEioPayloadIter *iter,
                          const char       *text,
                          gsize             len,
                          gsize             max_payload)
{
  g_return_if_fail (iter != NULL);
  g_return_if_fail (text != NULL || len == 0);

  /* cursor NULL marks the end: an empty body holds no packets. */
  iter->cursor = len > 0 ? text : NULL;
  iter->end = text + len;
  iter->max_payload = max_payload;
}

gboolean
vz_eio_payload_iter_next (VzEioPayloadIter  *iter,
                          VzEioPacket       *packet,
                          GError           **error)
{
  const char *sep;
  gsize len;

  g_return_val_if_fail (iter != NULL, FALSE);
  g_return_val_if_fail (packet != NULL, FALSE);

  if (iter->cursor == NULL)
    return FALSE;

  if (iter->max_payload > 0 && (gsize) (iter->end - iter->cursor) > iter->max_payload)
    {
      iter->cursor = NULL;
      g_set_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TOO_LARGE,
                   "An Engine.IO polling payload exceeds the limit of %" G_GSIZE_FORMAT " bytes.",
                   iter->max_payload);
      return FALSE;
    }
  /* The limit applies to the whole payload, checked once above. */
  iter->max_payload = 0;

  sep = memchr (iter->cursor, VZ_EIO_RECORD_SEPARATOR, iter->end - iter->cursor);
  len = (sep != NULL ? sep : iter->end) - iter->cursor;
  if (!vz_eio_packet_parse (iter->cursor, len, 0, packet, error))
    {
      iter->cursor = NULL;
      return FALSE;
    }
  /* After a separator another packet must follow: a trailing separator makes
   * the next call parse an empty packet and fail, as engine.io-parser does. */
  iter->cursor = sep != NULL ? sep + 1 : NULL;
  return TRUE;
}

char *
vz_eio_packet_encode (VzEioPacketType  type,
                      const char      *data,
                      gssize           len)
{
  char *out;

  g_return_val_if_fail (type <= VZ_EIO_PACKET_NOOP, NULL);

  if (data == NULL)
    len = 0;
  else if (len < 0)
    len = strlen (data);

  out = g_malloc (len + 2);
  out[0] = (char) ('0' + type);
  if (len > 0)
    memcpy (out + 1, data, len);
  out[len + 1] = '\0';
  return out;
}

void
vz_eio_payload_append (GString    *payload,
                       const char *packet_text,
                       gssize      len)
{
  g_return_if_fail (payload != NULL);
  g_return_if_fail (packet_text != NULL);

  if (payload->len > 0)
    g_string_append_c (payload, VZ_EIO_RECORD_SEPARATOR);
  g_string_append_len (payload, packet_text, len);
}

static gboolean
get_positive_int (JsonObject *object,
                  const char *name,
                  gint64      max,
                  gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out > 0 && *out <= max;
}

gboolean
vz_eio_handshake_parse (const char      *data,
                        gsize            len,
                        VzEioHandshake  *handshake,
                        GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *sid;
  JsonNode *upgrades;
  gint64 interval, timeout, max_payload;
  GPtrArray *names;

  g_return_val_if_fail (handshake != NULL, FALSE);

  memset (handshake, 0, sizeof *handshake);

  root = vz_wire_json_parse (data, len, &local_error);
  if (root == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_PAYLOAD,
                           "The server's Engine.IO handshake is not a JSON object.");
      return FALSE;
    }
  object = json_node_get_object (root);

  sid = json_object_get_member (object, "sid");
  if (sid == NULL || json_node_get_value_type (sid) != G_TYPE_STRING ||
      *json_node_get_string (sid) == '\0')
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_PAYLOAD,
                           "The server's Engine.IO handshake has no session id.");
      return FALSE;
    }
  /* Bounded so that interval + timeout cannot overflow a guint of milliseconds. */
  if (!get_positive_int (object, "pingInterval", G_MAXINT32 / 2, &interval) ||
      !get_positive_int (object, "pingTimeout", G_MAXINT32 / 2, &timeout))
    {
      g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_PAYLOAD,
                           "The server's Engine.IO handshake has no valid ping interval or timeout.");
      return FALSE;
    }
  if (json_object_has_member (object, "maxPayload"))
    {
      if (!get_positive_int (object, "maxPayload", G_MAXSIZE > G_MAXINT64 ? G_MAXINT64 : (gint64) G_MAXSIZE,
                             &max_payload))
        {
          g_set_error_literal (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_PAYLOAD,
                               "The server's Engine.IO handshake has an invalid maximum payload size.");
          return FALSE;
        }
    }
  else
    max_payload = VZ_EIO_DEFAULT_MAX_PAYLOAD;

  names = g_ptr_array_new ();
  upgrades = json_object_get_member (object, "upgrades");
  if (upgrades != NULL && JSON_NODE_HOLDS_ARRAY (upgrades))
    {
      JsonArray *array = json_node_get_array (upgrades);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (json_node_get_value_type (element) == G_TYPE_STRING)
            g_ptr_array_add (names, g_strdup (json_node_get_string (element)));
        }
    }
  g_ptr_array_add (names, NULL);

  handshake->sid = g_strdup (json_node_get_string (sid));
  handshake->upgrades = (char **) g_ptr_array_free (names, FALSE);
  handshake->ping_interval = (guint) interval;
  handshake->ping_timeout = (guint) timeout;
  handshake->max_payload = (gsize) max_payload;
  return TRUE;
}

char *
vz_eio_handshake_encode (const VzEioHandshake *handshake)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GString *out;

  g_return_val_if_fail (handshake != NULL, NULL);
  g_return_val_if_fail (handshake->sid != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sid");
  json_builder_add_string_value (builder, handshake->sid);
  json_builder_set_member_name (builder, "upgrades");
  json_builder_begin_array (builder);
  for (guint i = 0; handshake->upgrades != NULL && handshake->upgrades[i] != NULL; i++)
    json_builder_add_string_value (builder, handshake->upgrades[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "pingInterval");
  json_builder_add_int_value (builder, handshake->ping_interval);
  json_builder_set_member_name (builder, "pingTimeout");
  json_builder_add_int_value (builder, handshake->ping_timeout);
  json_builder_set_member_name (builder, "maxPayload");
  json_builder_add_int_value (builder, (gint64) handshake->max_payload);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  out = g_string_new ("0");
  vz_wire_json_append (out, root);
  return g_string_free (out, FALSE);
}

void
vz_eio_handshake_clear (VzEioHandshake *handshake)
{
  g_return_if_fail (handshake != NULL);

  g_clear_pointer (&handshake->sid, g_free);
  g_clear_pointer (&handshake->upgrades, g_strfreev);
  handshake->ping_interval = 0;
  handshake->ping_timeout = 0;
  handshake->max_payload = 0;
}
