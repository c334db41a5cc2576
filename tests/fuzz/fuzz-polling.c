/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vz-engineio.h"
#include "vz-wire-error.h"

/*
 * An Engine.IO long-polling body: packets separated by 0x1e. When the whole
 * body reads, putting its packets back together gives the same bytes; a body
 * over the size limit is refused before any packet; the MESSAGE packets go
 * on to the Socket.IO reader, as the hub and the client do with them.
 */

#define SMALL_LIMIT 256

static guint
count_separators (const char *text,
                  gsize       len)
{
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    if (text[i] == VZ_EIO_RECORD_SEPARATOR)
      n++;
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rebuilt = g_string_new (NULL);
  VzEioPayloadIter iter;
  VzEioPacket packet;
  guint n_packets = 0;

  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);

  vz_eio_payload_iter_init (&iter, text, size, 0);
  while (vz_eio_payload_iter_next (&iter, &packet, &error))
    {
      g_autofree char *encoded = NULL;

      g_assert_no_error (error);
      g_assert_true (packet.data > text && packet.data + packet.len <= text + size);
      g_assert_null (memchr (packet.data, VZ_EIO_RECORD_SEPARATOR, packet.len));
      g_assert_null (memchr (packet.data, '\0', packet.len));

      encoded = vz_eio_packet_encode (packet.type, packet.data, (gssize) packet.len);
      vz_eio_payload_append (rebuilt, encoded, (gssize) strlen (encoded));
      if (packet.type == VZ_EIO_PACKET_MESSAGE)
        fuzz_check_socketio (packet.data, packet.len);
      n_packets++;
    }

  if (error == NULL)
    {
      /* Read to the end: nothing was dropped, added or reordered. */
      g_assert_cmpuint (n_packets, ==, size == 0 ? 0 : count_separators (text, size) + 1);
      g_assert_cmpmem (rebuilt->str, rebuilt->len, data, size);
    }
  else
    g_assert_true (error->domain == VZ_WIRE_ERROR);
  /* Once finished or failed, the iterator stays finished. */
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, NULL));

  /* With a limit, a body over it fails at once, without a packet. */
  g_clear_error (&error);
  vz_eio_payload_iter_init (&iter, text, size, SMALL_LIMIT);
  if (size > SMALL_LIMIT)
    {
      g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
      g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TOO_LARGE);
    }
  return 0;
}
