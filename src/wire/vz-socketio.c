/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-wire"

#include "config.h"

#include <string.h>

#include "vz-socketio.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

/* 9007199254740991 has 16 digits: more can only be out of range. */
#define MAX_ACK_DIGITS 16

static gboolean
fail (GError     **error,
      VzWireError  code,
      const char  *message)
{
  g_set_error_literal (error, VZ_WIRE_ERROR, code, message);
  return FALSE;
}

static gboolean
payload_is_valid (VzSioPacketType  type,
                  JsonNode        *data,
                  GError         **error)
{
  switch (type)
    {
    case VZ_SIO_PACKET_CONNECT:
      if (data != NULL && !JSON_NODE_HOLDS_OBJECT (data))
        return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO connect packet carries data that is not an object.");
      return TRUE;

    case VZ_SIO_PACKET_DISCONNECT:
      if (data != NULL)
        return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO disconnect packet carries unexpected data.");
      return TRUE;

    case VZ_SIO_PACKET_CONNECT_ERROR:
      if (data == NULL ||
          !(JSON_NODE_HOLDS_OBJECT (data) || json_node_get_value_type (data) == G_TYPE_STRING))
        return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO connect error carries neither a message nor an object.");
      return TRUE;

    case VZ_SIO_PACKET_EVENT:
      {
        JsonArray *array;

        if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
          return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO event is not a JSON array.");
        array = json_node_get_array (data);
        if (json_array_get_length (array) == 0 ||
            json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING)
          return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO event does not start with its name.");
        return TRUE;
      }

    case VZ_SIO_PACKET_ACK:
      if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
        return fail (error, VZ_WIRE_ERROR_BAD_PAYLOAD, "A Socket.IO acknowledgement is not a JSON array.");
      return TRUE;

    case VZ_SIO_PACKET_BINARY_EVENT:
    case VZ_SIO_PACKET_BINARY_ACK:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* A namespace is a path. Control characters have no place in one, and the
 * record separator (0x1e) would split the packet that echoes it (a connect
 * error) in two inside a long-polling payload. */
static gboolean
has_control_character (const char *text,
                       gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] < 0x20 || text[i] == 0x7f)
      return TRUE;
  return FALSE;
}

gboolean
vz_sio_packet_parse (const char   *text,
                     gsize         len,
                     VzSioPacket  *packet,
                     GError      **error)
{
  g_autoptr(GError) json_error = NULL;
  VzSioPacketType type;
  gsize i = 1;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (packet != NULL, FALSE);

  packet->type = VZ_SIO_PACKET_CONNECT;
  packet->nsp = NULL;
  packet->ack_id = VZ_SIO_NO_ACK;
  packet->data = NULL;

  if (len == 0)
    return fail (error, VZ_WIRE_ERROR_TRUNCATED, "A Socket.IO packet is empty.");
  if (text[0] < '0' || text[0] > '6')
    return fail (error, VZ_WIRE_ERROR_BAD_TYPE, "A Socket.IO packet has an unknown type.");
  type = (VzSioPacketType) (text[0] - '0');
  if (type == VZ_SIO_PACKET_BINARY_EVENT || type == VZ_SIO_PACKET_BINARY_ACK)
    return fail (error, VZ_WIRE_ERROR_UNSUPPORTED, "Socket.IO packets with binary attachments are not supported.");

  /* Namespace: "/name," (socket.io-parser also accepts it running to the end). */
  if (i < len && text[i] == '/')
    {
      const char *comma = memchr (text + i, ',', len - i);
      gsize end = comma != NULL ? (gsize) (comma - text) : len;

      if (!g_utf8_validate_len (text + i, end - i, NULL) || has_control_character (text + i, end - i))
        return fail (error, VZ_WIRE_ERROR_BAD_NAMESPACE, "A Socket.IO packet names a namespace that is not valid text.");
      if (end - i > 1)
        packet->nsp = g_strndup (text + i, end - i);
      i = comma != NULL ? end + 1 : end;
    }

  if (i < len && g_ascii_isdigit (text[i]))
    {
      gsize start = i;
      gint64 id = 0;

      while (i < len && g_ascii_isdigit (text[i]))
        {
          if (i - start >= MAX_ACK_DIGITS)
            {
              vz_sio_packet_clear (packet);
              return fail (error, VZ_WIRE_ERROR_BAD_ACK_ID, "A Socket.IO packet has an acknowledgement id that is too large.");
            }
          id = id * 10 + (text[i] - '0');
          i++;
        }
      if (id > VZ_SIO_MAX_ACK_ID)
        {
          vz_sio_packet_clear (packet);
          return fail (error, VZ_WIRE_ERROR_BAD_ACK_ID, "A Socket.IO packet has an acknowledgement id that is too large.");
        }
      packet->ack_id = id;
    }
  else if (type == VZ_SIO_PACKET_ACK)
    {
      vz_sio_packet_clear (packet);
      return fail (error, VZ_WIRE_ERROR_BAD_ACK_ID, "A Socket.IO acknowledgement has no id.");
    }

  if (i < len)
    {
      packet->data = vz_wire_json_parse (text + i, len - i, &json_error);
      if (packet->data == NULL)
        {
          vz_sio_packet_clear (packet);
          /* Already a VZ_WIRE_ERROR_BAD_JSON sentence. */
          g_propagate_error (error, g_steal_pointer (&json_error));
          return FALSE;
        }
    }

  if (!payload_is_valid (type, packet->data, error))
    {
      vz_sio_packet_clear (packet);
      return FALSE;
    }
  packet->type = type;
  return TRUE;
}

void
vz_sio_packet_clear (VzSioPacket *packet)
{
  g_return_if_fail (packet != NULL);

  g_clear_pointer (&packet->nsp, g_free);
  g_clear_pointer (&packet->data, json_node_unref);
  packet->ack_id = VZ_SIO_NO_ACK;
  packet->type = VZ_SIO_PACKET_CONNECT;
}

const char *
vz_sio_packet_get_event (const VzSioPacket *packet)
{
  JsonArray *array;

  g_return_val_if_fail (packet != NULL, NULL);

  if (packet->type != VZ_SIO_PACKET_EVENT || packet->data == NULL || !JSON_NODE_HOLDS_ARRAY (packet->data))
    return NULL;
  array = json_node_get_array (packet->data);
  if (json_array_get_length (array) == 0)
    return NULL;
  return json_node_get_string (json_array_get_element (array, 0));
}

JsonNode *
vz_sio_packet_get_arg (const VzSioPacket *packet,
                       guint              index)
{
  JsonArray *array;

  g_return_val_if_fail (packet != NULL, NULL);

  if (packet->type != VZ_SIO_PACKET_EVENT || packet->data == NULL || !JSON_NODE_HOLDS_ARRAY (packet->data))
    return NULL;
  array = json_node_get_array (packet->data);
  if (index + 1 >= json_array_get_length (array))
    return NULL;
  return json_array_get_element (array, index + 1);
}

static GString *
begin (VzSioPacketType  type,
       const char      *nsp,
       gint64           ack_id)
{
  GString *out = g_string_sized_new (128);

  g_string_append_c (out, '4');
  g_string_append_c (out, (char) ('0' + type));
  if (nsp != NULL && strcmp (nsp, "/") != 0)
    {
      g_string_append (out, nsp);
      g_string_append_c (out, ',');
    }
  if (ack_id >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, ack_id);
  return out;
}

static char *
finish (GString *out,
        gsize   *out_len)
{
  if (out_len != NULL)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}

char *
vz_sio_packet_encode (const VzSioPacket *packet,
                      gsize             *out_len)
{
  GString *out;

  g_return_val_if_fail (packet != NULL, NULL);
  g_return_val_if_fail (packet->type <= VZ_SIO_PACKET_BINARY_ACK, NULL);

  out = begin (packet->type, packet->nsp, packet->ack_id);
  if (packet->data != NULL)
    vz_wire_json_append (out, packet->data);
  return finish (out, out_len);
}

char *
vz_sio_encode_connect (const char *nsp,
                       JsonNode   *data,
                       gsize      *out_len)
{
  GString *out = begin (VZ_SIO_PACKET_CONNECT, nsp, VZ_SIO_NO_ACK);

  if (data != NULL)
    vz_wire_json_append (out, data);
  return finish (out, out_len);
}

char *
vz_sio_encode_connect_error (const char *nsp,
                             const char *message,
                             JsonNode   *data,
                             gsize      *out_len)
{
  GString *out;

  g_return_val_if_fail (message != NULL, NULL);

  out = begin (VZ_SIO_PACKET_CONNECT_ERROR, nsp, VZ_SIO_NO_ACK);
  g_string_append (out, "{\"message\":");
  vz_wire_json_append_string (out, message);
  if (data != NULL)
    {
      g_string_append (out, ",\"data\":");
      vz_wire_json_append (out, data);
    }
  g_string_append_c (out, '}');
  return finish (out, out_len);
}

char *
vz_sio_encode_event (const char *nsp,
                     gint64      ack_id,
                     const char *event,
                     JsonNode   *payload,
                     gsize      *out_len)
{
  GString *out;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (ack_id >= VZ_SIO_NO_ACK && ack_id <= VZ_SIO_MAX_ACK_ID, NULL);

  /* Written directly rather than through a JsonArray: the hub encodes once per broadcast. */
  out = begin (VZ_SIO_PACKET_EVENT, nsp, ack_id);
  g_string_append_c (out, '[');
  vz_wire_json_append_string (out, event);
  if (payload != NULL)
    {
      g_string_append_c (out, ',');
      vz_wire_json_append (out, payload);
    }
  g_string_append_c (out, ']');
  return finish (out, out_len);
}

char *
vz_sio_encode_ack (const char *nsp,
                   gint64      ack_id,
                   JsonNode   *payload,
                   gsize      *out_len)
{
  GString *out;

  g_return_val_if_fail (ack_id >= 0 && ack_id <= VZ_SIO_MAX_ACK_ID, NULL);

  out = begin (VZ_SIO_PACKET_ACK, nsp, ack_id);
  g_string_append_c (out, '[');
  if (payload != NULL)
    vz_wire_json_append (out, payload);
  g_string_append_c (out, ']');
  return finish (out, out_len);
}
