/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-realtime-decode"

#include <string.h>

#include "vz-engineio.h"
#include "vz-socketio.h"

/*
 * Decoding cost per `device:status` frame, in isolation from the network:
 * our codec (vz-wire-json reader) against json-glib's JsonParser, reused
 * across packets and created per packet. Prints ns per frame, best of 5.
 *   bench-realtime-decode [COUNT]
 */

static GPtrArray *
make_frames (guint count)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (1767225600 + i / 27);
      g_autofree char *iso = g_date_time_format (at, "%Y-%m-%dT%H:%M:%S.000Z");
      g_ptr_array_add (frames, g_strdup_printf (
        "42[\"device:status\",{\"deviceId\":\"%08x-%04x-4%03x-a%03x-%08x%04x\",\"status\":\"%s\","
        "\"lastSeen\":\"%s\",\"timestamp\":\"%s\"}]",
        g_rand_int (rand), g_rand_int (rand) & 0xffff, g_rand_int (rand) & 0xfff, g_rand_int (rand) & 0xfff,
        g_rand_int (rand), g_rand_int (rand) & 0xffff, g_rand_boolean (rand) ? "online" : "offline", iso, iso));
    }
  return frames;
}

typedef guint (*DecodeFunc) (GPtrArray *frames, JsonParser *parser);

static guint
decode_ours (GPtrArray  *frames,
             JsonParser *unused)
{
  guint ok = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      const char *text = frames->pdata[i];
      g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
      VzEioPacket eio;

      if (vz_eio_packet_parse (text, strlen (text), VZ_EIO_DEFAULT_MAX_PAYLOAD, &eio, NULL) &&
          vz_sio_packet_parse (eio.data, eio.len, &packet, NULL) &&
          vz_sio_packet_get_event (&packet) != NULL)
        ok++;
    }
  return ok;
}

static guint
decode_json_glib (GPtrArray  *frames,
                  JsonParser *shared)
{
  guint ok = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      const char *text = frames->pdata[i];
      g_autoptr(JsonParser) own = shared == NULL ? json_parser_new_immutable () : NULL;
      JsonParser *parser = shared != NULL ? shared : own;
      g_autoptr(JsonNode) root = NULL;

      /* Same work as ours: skip "42", parse, keep the tree, check the shape. */
      if (!json_parser_load_from_data (parser, text + 2, strlen (text) - 2, NULL))
        continue;
      root = json_parser_steal_root (parser);
      if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0 &&
          json_node_get_value_type (json_array_get_element (json_node_get_array (root), 0)) == G_TYPE_STRING)
        ok++;
    }
  return ok;
}

static double
best_ns (DecodeFunc  func,
         GPtrArray  *frames,
         JsonParser *parser)
{
  double best = G_MAXDOUBLE;

  for (int round = 0; round < 5; round++)
    {
      gint64 start = g_get_monotonic_time ();
      guint ok = func (frames, parser);
      double ns = (g_get_monotonic_time () - start) * 1000.0 / frames->len;

      g_assert_cmpuint (ok, ==, frames->len);
      best = MIN (best, ns);
    }
  return best;
}

int
main (int   argc,
      char *argv[])
{
  guint count = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200000;
  g_autoptr(GPtrArray) frames = make_frames (count);
  g_autoptr(JsonParser) reused = json_parser_new_immutable ();
  double ours, glib_reused, glib_new;

  ours = best_ns (decode_ours, frames, NULL);
  glib_reused = best_ns (decode_json_glib, frames, reused);
  glib_new = best_ns (decode_json_glib, frames, NULL);

  g_print ("| decoder (%u frames of ~%zu bytes) | ns per frame |\n|---|---:|\n", count, strlen (frames->pdata[0]));
  g_print ("| vz_sio_packet_parse (vz-wire-json) | %.0f |\n", ours);
  g_print ("| JsonParser, one reused | %.0f |\n", glib_reused);
  g_print ("| JsonParser, one per frame | %.0f |\n", glib_new);
  return 0;
}
