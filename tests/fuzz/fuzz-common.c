/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "vz-engineio.h"
#include "vz-socketio.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

/* The levels fuzz_init() made fatal. */
static GLogLevelFlags fatal_levels;

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  /* Only what aborts is worth printing: libFuzzer's report follows it. */
  if ((log_level & (fatal_levels | G_LOG_FLAG_FATAL)) == 0)
    return G_LOG_WRITER_HANDLED;
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  /* g_log() would stop on a breakpoint trap after this (its default handler
   * passes the level here without the fatal flag), which libFuzzer does not
   * take for a crash: abort, so that it keeps the input. */
  abort ();
}

void
fuzz_init (FuzzLogMode mode)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      fatal_levels = G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL;
      if (mode == FUZZ_LOG_WARNINGS_FATAL)
        fatal_levels |= G_LOG_LEVEL_WARNING;
      g_log_set_always_fatal (fatal_levels);
      g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}

static char *scratch_dir;

static void
remove_scratch_dir (void)
{
  const char *argv[] = { "rm", "-rf", scratch_dir, NULL };

  if (scratch_dir != NULL)
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, NULL, NULL);
}

const char *
fuzz_scratch_dir (void)
{
  if (scratch_dir == NULL)
    {
      /* tmpfs: the targets that go through files write one per input. */
      const char *base = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *template = g_build_filename (base, "vizora-fuzz-XXXXXX", NULL);

      scratch_dir = g_mkdtemp (g_steal_pointer (&template));
      if (scratch_dir == NULL)
        g_error ("Cannot create a scratch folder in %s: %s", base, g_strerror (errno));
      atexit (remove_scratch_dir);
    }
  return scratch_dir;
}

char *
fuzz_fresh_dir (const char *name)
{
  char *path = g_build_filename (fuzz_scratch_dir (), name, NULL);
  GDir *dir = g_dir_open (path, 0, NULL);

  /* The targets that reuse a folder keep only files in it. */
  if (dir != NULL)
    {
      const char *entry;

      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          if (g_unlink (child) != 0)
            g_error ("Cannot remove %s: %s", child, g_strerror (errno));
        }
      g_dir_close (dir);
    }
  else if (g_mkdir (path, 0700) != 0)
    g_error ("Cannot create %s: %s", path, g_strerror (errno));
  return path;
}

void
fuzz_write_file (const char *path,
                 const void *data,
                 gsize       size)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, size > 0 ? data : "", (gssize) size, &error))
    g_error ("Cannot write %s: %s", path, error->message);
}

void
fuzz_drain_main_context (void)
{
  /* Bounded: a source that re-arms itself at once must not hang the target. */
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

char *
fuzz_json_text (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  vz_wire_json_append (out, node);
  return g_string_free (out, FALSE);
}

static gboolean
json_number (JsonNode *node,
             double   *value)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

gboolean
fuzz_json_equal (JsonNode *a,
                 JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;

  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      {
        double x, y;

        if (json_node_get_value_type (a) == G_TYPE_INT64 && json_node_get_value_type (b) == G_TYPE_INT64)
          return json_node_get_int (a) == json_node_get_int (b);
        if (json_number (a, &x) && json_number (b, &y))
          return x == y;
        if (json_node_get_value_type (a) != json_node_get_value_type (b))
          return FALSE;
        if (json_node_get_value_type (a) == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
          return json_node_get_boolean (a) == json_node_get_boolean (b);
        return FALSE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);
        guint n = json_array_get_length (x);

        if (json_array_get_length (y) != n)
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!fuzz_json_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a);
        JsonObject *y = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        json_object_iter_init (&iter, x);
        while (json_object_iter_next (&iter, &name, &member))
          if (!fuzz_json_equal (member, json_object_get_member (y, name)))
            return FALSE;
        return TRUE;
      }

    default:
      return FALSE;
    }
}

/* The packet-specific encoders the hub and the client use must write what
 * the generic encoder writes for the same packet. */
static void
check_dedicated_encoder (const VzSioPacket *packet,
                         const char        *frame)
{
  g_autofree char *other = NULL;
  JsonArray *array;

  switch (packet->type)
    {
    case VZ_SIO_PACKET_CONNECT:
      if (packet->ack_id == VZ_SIO_NO_ACK)
        other = vz_sio_encode_connect (packet->nsp, packet->data, NULL);
      break;
    case VZ_SIO_PACKET_EVENT:
      array = json_node_get_array (packet->data);
      if (json_array_get_length (array) <= 2)
        other = vz_sio_encode_event (packet->nsp, packet->ack_id, vz_sio_packet_get_event (packet),
                                     vz_sio_packet_get_arg (packet, 0), NULL);
      break;
    case VZ_SIO_PACKET_ACK:
      array = json_node_get_array (packet->data);
      if (json_array_get_length (array) <= 1)
        other = vz_sio_encode_ack (packet->nsp, packet->ack_id,
                                   json_array_get_length (array) == 1 ? json_array_get_element (array, 0) : NULL,
                                   NULL);
      break;
    case VZ_SIO_PACKET_DISCONNECT:
    case VZ_SIO_PACKET_CONNECT_ERROR:
    case VZ_SIO_PACKET_BINARY_EVENT:
    case VZ_SIO_PACKET_BINARY_ACK:
    default:
      break;
    }
  if (other != NULL)
    g_assert_cmpstr (other, ==, frame);
}

void
fuzz_check_socketio (const char *text,
                     gsize       len)
{
  g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
  g_auto(VzSioPacket) again = VZ_SIO_PACKET_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *frame = NULL;
  g_autofree char *frame_again = NULL;
  gsize frame_len = 0;
  VzEioPacket eio;

  if (!vz_sio_packet_parse (text, len, &packet, &error))
    {
      /* A refusal says why, and leaves nothing allocated behind. */
      g_assert_nonnull (error);
      g_assert_true (error->domain == VZ_WIRE_ERROR);
      g_assert_null (packet.nsp);
      g_assert_null (packet.data);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (packet.type != VZ_SIO_PACKET_BINARY_EVENT && packet.type != VZ_SIO_PACKET_BINARY_ACK);
  g_assert_true (packet.ack_id == VZ_SIO_NO_ACK || (packet.ack_id >= 0 && packet.ack_id <= VZ_SIO_MAX_ACK_ID));
  if (packet.type == VZ_SIO_PACKET_EVENT)
    g_assert_nonnull (vz_sio_packet_get_event (&packet));

  frame = vz_sio_packet_encode (&packet, &frame_len);
  /* One Engine.IO text packet: no NUL, and no record separator that would
   * split it in two inside a polling payload. */
  g_assert_cmpuint (frame_len, ==, strlen (frame));
  g_assert_null (memchr (frame, VZ_EIO_RECORD_SEPARATOR, frame_len));

  g_assert_true (vz_eio_packet_parse (frame, frame_len, 0, &eio, &error));
  g_assert_no_error (error);
  g_assert_cmpint (eio.type, ==, VZ_EIO_PACKET_MESSAGE);
  if (!vz_sio_packet_parse (eio.data, eio.len, &again, &error))
    g_error ("The encoding of a packet that parsed does not parse: %s: %s", frame, error->message);
  g_assert_cmpint (again.type, ==, packet.type);
  g_assert_cmpstr (again.nsp, ==, packet.nsp);
  g_assert_cmpint (again.ack_id, ==, packet.ack_id);
  g_assert_true (fuzz_json_equal (again.data, packet.data));

  frame_again = vz_sio_packet_encode (&again, NULL);
  g_assert_cmpstr (frame_again, ==, frame);
  check_dedicated_encoder (&packet, frame);
}
