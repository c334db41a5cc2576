/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vz-engineio.h"
#include "vz-wire-error.h"

/*
 * One Engine.IO packet (a WebSocket text frame) and the handshake an OPEN
 * packet carries. A packet that parses encodes back to the very same bytes;
 * the size limit refuses exactly what is longer; a handshake that parses
 * encodes to an OPEN packet that parses to the same handshake.
 */

#define SMALL_LIMIT 64

static void
check_handshake (const char *data,
                 gsize       len)
{
  VzEioHandshake handshake;
  VzEioHandshake again;
  VzEioPacket packet;
  g_autoptr(GError) error = NULL;
  g_autofree char *open_packet = NULL;

  if (!vz_eio_handshake_parse (data, len, &handshake, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == VZ_WIRE_ERROR);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (handshake.sid != NULL && handshake.sid[0] != '\0');
  g_assert_nonnull (handshake.upgrades);
  g_assert_cmpuint (handshake.ping_interval, >, 0);
  g_assert_cmpuint (handshake.ping_timeout, >, 0);
  /* The client adds the two to time out a silent server. */
  g_assert_cmpuint ((guint64) handshake.ping_interval + handshake.ping_timeout, <=, G_MAXUINT);
  g_assert_cmpuint (handshake.max_payload, >, 0);

  open_packet = vz_eio_handshake_encode (&handshake);
  g_assert_true (vz_eio_packet_parse (open_packet, strlen (open_packet), 0, &packet, &error));
  g_assert_no_error (error);
  g_assert_cmpint (packet.type, ==, VZ_EIO_PACKET_OPEN);
  if (!vz_eio_handshake_parse (packet.data, packet.len, &again, &error))
    g_error ("An encoded handshake does not parse: %s: %s", open_packet, error->message);
  g_assert_cmpstr (again.sid, ==, handshake.sid);
  g_assert_true (g_strv_equal ((const char * const *) again.upgrades, (const char * const *) handshake.upgrades));
  g_assert_cmpuint (again.ping_interval, ==, handshake.ping_interval);
  g_assert_cmpuint (again.ping_timeout, ==, handshake.ping_timeout);
  g_assert_cmpuint (again.max_payload, ==, handshake.max_payload);
  vz_eio_handshake_clear (&again);
  vz_eio_handshake_clear (&handshake);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) limited_error = NULL;
  g_autofree char *encoded = NULL;
  VzEioPacket packet = { 0, };
  VzEioPacket limited = { 0, };
  gboolean ok, limited_ok;

  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);

  ok = vz_eio_packet_parse (text, size, 0, &packet, &error);
  limited_ok = vz_eio_packet_parse (text, size, SMALL_LIMIT, &limited, &limited_error);

  /* The limit changes the answer only for packets over it, and says so. */
  if (size > SMALL_LIMIT)
    {
      g_assert_false (limited_ok);
      g_assert_error (limited_error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TOO_LARGE);
    }
  else
    g_assert_true (ok == limited_ok);

  if (!ok)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == VZ_WIRE_ERROR);
      /* Whatever the bytes, the handshake reader must cope with them too. */
      check_handshake (text, size);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpint (packet.type, >=, VZ_EIO_PACKET_OPEN);
  g_assert_cmpint (packet.type, <=, VZ_EIO_PACKET_NOOP);
  /* The data is the rest of the frame, in place, with no NUL in it. */
  g_assert_true (packet.data == text + 1);
  g_assert_cmpuint (packet.len, ==, size - 1);
  g_assert_null (memchr (packet.data, '\0', packet.len));

  encoded = vz_eio_packet_encode (packet.type, packet.data, (gssize) packet.len);
  g_assert_cmpuint (strlen (encoded), ==, size);
  g_assert_cmpmem (encoded, size, data, size);

  if (packet.type == VZ_EIO_PACKET_OPEN)
    check_handshake (packet.data, packet.len);
  return 0;
}
