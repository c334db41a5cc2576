/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-wire"

#include <string.h>

#include "vz-engineio.h"
#include "vz-socketio.h"
#include "vz-wire-error.h"
#include "vz-wire-json.h"

static char *
to_json (JsonNode *node)
{
  GString *out = g_string_new (NULL);
  vz_wire_json_append (out, node);
  return g_string_free (out, FALSE);
}

/* ---- JSON reader ---- */

static void
test_json_round_trip (void)
{
  static const char *cases[] = {
    "null", "true", "false", "0", "-1", "123456789012345678", "0.1", "-2.5e-07",
    "\"\"", "\"a\\\"b\\\\c\\n\\t\\u0001\"", "[]", "{}", "[1,[2,[3]],{\"a\":{}}]",
    "{\"deviceId\":\"6f1c\",\"status\":\"online\",\"n\":3,\"x\":null,\"ok\":true}",
    "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = vz_wire_json_parse (cases[i], strlen (cases[i]), &error);
      g_autofree char *back = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (node);
      back = to_json (node);
      g_assert_cmpstr (back, ==, cases[i]);
    }
}

static void
test_json_values (void)
{
  g_autoptr(GError) error = NULL;
  const char *text = " { \"a\" : [ 1 , 2.5 , \"\\u00e9\\ud83d\\ude00\\/\" ] , \"a\" : 7 , \"big\": 12345678901234567890 } ";
  g_autoptr(JsonNode) node = vz_wire_json_parse (text, strlen (text), &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (node);
  /* Later duplicates win, as with JSON.parse. */
  g_assert_cmpint (json_object_get_int_member (object, "a"), ==, 7);
  g_assert_cmpfloat (json_object_get_double_member (object, "big"), >, 1.2e19);

  g_clear_pointer (&node, json_node_unref);
  text = "[\"\\u00e9\\ud83d\\ude00\\/\", \"\\ud800x\"]";
  node = vz_wire_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==, "\xc3\xa9\xf0\x9f\x98\x80/");
  /* A lone surrogate becomes U+FFFD instead of invalid UTF-8. */
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 1), ==, "\xef\xbf\xbdx");
}

/* -0 is written 0, as JSON.stringify does: "-0" would read back as the
 * integer 0 and encode differently the second time (found by fuzzing). */
static void
test_json_negative_zero (void)
{
  const char *text = "[-0.0,-0,0e5,-0E-3,0.0]";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = vz_wire_json_parse (text, strlen (text), &error);
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  first = to_json (node);
  g_assert_cmpstr (first, ==, "[0,0,0,0,0]");
  again = vz_wire_json_parse (first, strlen (first), &error);
  g_assert_no_error (error);
  second = to_json (again);
  g_assert_cmpstr (second, ==, first);
}

static void
test_json_malformed (void)
{
  static const char *cases[] = {
    "", " ", "{", "[", "[1,", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "[1,]",
    "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u00zz\"", "\"a\nb\"", "tru", "nul", "falsey", "01x",
    "-", "1.", "1e", "1e+", ".5", "+1", "1 2", "\"\\u0000\"", "\"\xff\xfe\"", "[\"\xc3\"]",
    "1e400", "\x01", "'a'", "{'a':1}", "{\"a\":'b'}", "{} {}", "{}{}", "[] 1", "\"a\\u0000b\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = vz_wire_json_parse (cases[i], strlen (cases[i]), &error);

      g_assert_null (node);
      g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
      g_assert_true (g_str_has_suffix (error->message, "."));
    }
}

static void
test_json_lone_surrogates (void)
{
  static const char *lone[] = {
    "\"\\ud800\"", "\"\\ud800x\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "{\"a\":\"\\uDBFF\"}",
  };
  static const char *fine[][2] = {
    { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
    { "\"\\ufffd\"", "\xef\xbf\xbd" },
    { "\"\\uffff\"", "\xef\xbf\xbf" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lone); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) lenient = vz_wire_json_parse (lone[i], strlen (lone[i]), &error);
      g_autoptr(JsonNode) strict = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (lenient);
      strict = vz_wire_json_parse_full (lone[i], strlen (lone[i]), VZ_WIRE_JSON_NO_LONE_SURROGATES, &error);
      g_assert_null (strict);
      g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
      g_assert_nonnull (strstr (error->message, "surrogate"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = vz_wire_json_parse_full (fine[i][0], strlen (fine[i][0]),
                                                          VZ_WIRE_JSON_NO_LONE_SURROGATES, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (node), ==, fine[i][1]);
    }
}

static void
test_json_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < VZ_WIRE_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < VZ_WIRE_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  node = vz_wire_json_parse (deep->str, deep->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  /* 100,000 brackets would blow the stack of a naive recursive parser. */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  node = vz_wire_json_parse (deep->str, deep->len, &error);
  g_assert_null (node);
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
}

static void
test_json_length_delimited (void)
{
  g_autoptr(GError) error = NULL;
  /* The reader must stop at len, not at a NUL: "12" inside "123". */
  g_autoptr(JsonNode) node = vz_wire_json_parse ("123", 2, &error);

  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (node), ==, 12);
}

/* What a streamed parse hands out, one line per element. */
static gboolean
collect_element (const char  *member,
                 JsonNode    *element,
                 gpointer     user_data,
                 GError     **error)
{
  GString *seen = user_data;
  g_autofree char *text = json_to_string (element, FALSE);

  json_node_unref (element);
  g_string_append_printf (seen, "%s %s\n", member, text);
  return TRUE;
}

/* Stops at the third element, as a cancelled read does. */
static gboolean
stop_at_third (const char  *member,
               JsonNode    *element,
               gpointer     user_data,
               GError     **error)
{
  guint *count = user_data;

  json_node_unref (element);
  if (++*count < 3)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
  return FALSE;
}

static void
test_json_streamed (void)
{
  const char *members[] = { "a", "b", "c", NULL };
  const char *text = "{\"v\":1,\"a\":[{\"x\":[1,2]},3,[4]],\"n\":{\"a\":[5]},"
                     "\"b\":\"not a list\",\"c\":[],\"d\":[6]}";
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = vz_wire_json_parse_streamed (text, strlen (text), members, collect_element, seen, &error);
  g_autofree char *rest = NULL;
  guint count = 0;

  /* The top-level lists named go out element by element, in order, nested
   * arrays whole; a member of that name deeper down, a value that is not a
   * list and other lists stay in the document, the lists streamed empty. */
  g_assert_no_error (error);
  g_assert_cmpstr (seen->str, ==, "a {\"x\":[1,2]}\na 3\na [4]\n");
  rest = json_to_string (root, FALSE);
  g_assert_cmpstr (rest, ==, "{\"v\":1,\"a\":[],\"n\":{\"a\":[5]},\"b\":\"not a list\",\"c\":[],\"d\":[6]}");

  /* The function's error ends the parse with it. */
  g_clear_pointer (&root, json_node_unref);
  text = "{\"a\":[1,2,3,4,5]}";
  root = vz_wire_json_parse_streamed (text, strlen (text), members, stop_at_third, &count, &error);
  g_assert_null (root);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count, ==, 3);
  g_clear_error (&error);

  /* A document broken after some elements went out is still refused. */
  g_string_truncate (seen, 0);
  text = "{\"a\":[1,2,{\"x\":}]}";
  root = vz_wire_json_parse_streamed (text, strlen (text), members, collect_element, seen, &error);
  g_assert_null (root);
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
  g_assert_cmpstr (seen->str, ==, "a 1\na 2\n");
}

static void
test_json_streamed_skipping (void)
{
  static const char *broken[] = {
    "", " ", "{", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "[1,]", "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "tru",
    "falsey", "01x", "1.", "1e+", "+1", "\"\\u0000\"", "\"\xff\xfe\"", "1e400", "'a'", "{} {}", "[] 1",
  };
  const char *streamed[] = { "a", NULL };
  const char *skipped[] = { "b", "c", NULL };
  const char *text = "{\"v\":1,\"a\":[1,{\"b\":[2]}],\"b\":[{\"x\":[true,null,\"\\u00e9\",-1.5e3]},4],"
                     "\"c\":\"not a list\",\"d\":[5]}";
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = vz_wire_json_parse_streamed_skipping (text, strlen (text), streamed, skipped,
                                                                    collect_element, seen, &error);
  g_autofree char *rest = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *opening = NULL;
  g_autofree char *closing = NULL;

  /* Nothing of a list skipped goes out; it stays in the document, empty;
   * a member of that name that is no list stays whole. */
  g_assert_no_error (error);
  g_assert_cmpstr (seen->str, ==, "a 1\na {\"b\":[2]}\n");
  rest = json_to_string (root, FALSE);
  g_assert_cmpstr (rest, ==, "{\"v\":1,\"a\":[],\"b\":[],\"c\":\"not a list\",\"d\":[5]}");

  /* A list skipped is refused for what a list read is refused for. */
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *document = g_strdup_printf ("{\"a\":[1],\"b\":[1,%s]}", broken[i]);
      g_autoptr(JsonNode) whole = vz_wire_json_parse (document, strlen (document), NULL);
      g_autoptr(JsonNode) checked = NULL;

      g_assert_null (whole);
      checked = vz_wire_json_parse_streamed_skipping (document, strlen (document), streamed, skipped,
                                                      collect_element, seen, &error);
      g_assert_null (checked);
      g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
      g_clear_error (&error);
    }
  /* Nesting too deep, too. */
  opening = g_strnfill (VZ_WIRE_JSON_MAX_DEPTH, '[');
  closing = g_strnfill (VZ_WIRE_JSON_MAX_DEPTH, ']');
  deep = g_strdup_printf ("{\"b\":%s%s}", opening, closing);
  g_clear_pointer (&root, json_node_unref);
  root = vz_wire_json_parse_streamed_skipping (deep, strlen (deep), streamed, skipped, collect_element, seen, &error);
  g_assert_null (root);
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON);
}

/* ---- Engine.IO ---- */

static void
test_eio_parse (void)
{
  g_autoptr(GError) error = NULL;
  VzEioPacket packet;

  g_assert_true (vz_eio_packet_parse ("2", 1, 0, &packet, &error));
  g_assert_no_error (error);
  g_assert_cmpint (packet.type, ==, VZ_EIO_PACKET_PING);
  g_assert_cmpuint (packet.len, ==, 0);

  g_assert_true (vz_eio_packet_parse ("3probe", 6, 100, &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_EIO_PACKET_PONG);
  g_assert_cmpuint (packet.len, ==, 5);
  g_assert_true (memcmp (packet.data, "probe", 5) == 0);

  g_assert_true (vz_eio_packet_parse ("42[\"a\"]", 7, 100, &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_EIO_PACKET_MESSAGE);
  g_assert_cmpuint (packet.len, ==, 6);

  for (int t = 0; t <= 6; t++)
    {
      char frame[2] = { (char) ('0' + t), 0 };
      g_assert_true (vz_eio_packet_parse (frame, 1, 0, &packet, &error));
      g_assert_cmpint (packet.type, ==, t);
    }
}

static void
test_eio_malformed (void)
{
  struct { const char *text; gsize len; gsize max; VzWireError code; } cases[] = {
    { "", 0, 0, VZ_WIRE_ERROR_TRUNCATED },
    { "7", 1, 0, VZ_WIRE_ERROR_BAD_TYPE },
    { "x", 1, 0, VZ_WIRE_ERROR_BAD_TYPE },
    { "\x1e", 1, 0, VZ_WIRE_ERROR_BAD_TYPE },
    { "bAAAA", 5, 0, VZ_WIRE_ERROR_UNSUPPORTED },
    { "4abc", 4, 3, VZ_WIRE_ERROR_TOO_LARGE },
    { "42[\"a\0\"]", 8, 0, VZ_WIRE_ERROR_EMBEDDED_NUL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      VzEioPacket packet;

      g_assert_false (vz_eio_packet_parse (cases[i].text, cases[i].len, cases[i].max, &packet, &error));
      g_assert_error (error, VZ_WIRE_ERROR, (gint) cases[i].code);
    }
}

static void
test_eio_payload (void)
{
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ping = vz_eio_packet_encode (VZ_EIO_PACKET_PING, NULL, -1);
  g_autofree char *msg = vz_eio_packet_encode (VZ_EIO_PACKET_MESSAGE, "2[\"x\",1]", -1);
  VzEioPayloadIter iter;
  VzEioPacket packet;
  guint n = 0;

  g_assert_cmpstr (ping, ==, "2");
  g_assert_cmpstr (msg, ==, "42[\"x\",1]");
  vz_eio_payload_append (payload, msg, -1);
  vz_eio_payload_append (payload, ping, -1);
  vz_eio_payload_append (payload, msg, -1);
  g_assert_cmpstr (payload->str, ==, "42[\"x\",1]\x1e" "2\x1e" "42[\"x\",1]");

  vz_eio_payload_iter_init (&iter, payload->str, payload->len, 0);
  while (vz_eio_payload_iter_next (&iter, &packet, &error))
    {
      g_assert_cmpint (packet.type, ==, n == 1 ? VZ_EIO_PACKET_PING : VZ_EIO_PACKET_MESSAGE);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);

  /* Empty body: no packets, no error. */
  vz_eio_payload_iter_init (&iter, "", 0, 0);
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_no_error (error);

  /* Trailing separator: one packet, then an error. */
  vz_eio_payload_iter_init (&iter, "2\x1e", 2, 0);
  g_assert_true (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TRUNCATED);
  g_clear_error (&error);

  /* Empty packet in the middle. */
  vz_eio_payload_iter_init (&iter, "2\x1e\x1e" "3", 4, 0);
  g_assert_true (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_no_error (error);

  /* Oversized payload. */
  vz_eio_payload_iter_init (&iter, payload->str, payload->len, 5);
  g_assert_false (vz_eio_payload_iter_next (&iter, &packet, &error));
  g_assert_error (error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_TOO_LARGE);
}

static void
test_eio_handshake (void)
{
  g_autoptr(GError) error = NULL;
  VzEioHandshake hs = { 0 };
  VzEioHandshake back = { 0 };
  const char *upgrades[] = { "websocket", NULL };
  g_autofree char *text = NULL;
  const char *bad[] = {
    "", "[]", "{}", "{\"sid\":\"\",\"pingInterval\":1,\"pingTimeout\":1}",
    "{\"sid\":\"a\",\"pingInterval\":0,\"pingTimeout\":1}",
    "{\"sid\":\"a\",\"pingInterval\":\"25\",\"pingTimeout\":1}",
    "{\"sid\":\"a\",\"pingInterval\":99999999999,\"pingTimeout\":1}",
    "{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":-5}",
    "{\"sid\":7,\"pingInterval\":1,\"pingTimeout\":1}",
  };

  hs.sid = (char *) "abc123";
  hs.upgrades = (char **) upgrades;
  hs.ping_interval = 25000;
  hs.ping_timeout = 20000;
  hs.max_payload = 1000000;
  text = vz_eio_handshake_encode (&hs);
  g_assert_cmpstr (text, ==, "0{\"sid\":\"abc123\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");

  g_assert_true (vz_eio_handshake_parse (text + 1, strlen (text + 1), &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.sid, ==, "abc123");
  g_assert_cmpstrv (back.upgrades, upgrades);
  g_assert_cmpuint (back.ping_interval, ==, 25000);
  g_assert_cmpuint (back.ping_timeout, ==, 20000);
  g_assert_cmpuint (back.max_payload, ==, 1000000);
  vz_eio_handshake_clear (&back);
  g_assert_null (back.sid);

  /* maxPayload is optional (older servers). */
  text = (g_free (text), g_strdup ("{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200}"));
  g_assert_true (vz_eio_handshake_parse (text, strlen (text), &back, &error));
  g_assert_cmpuint (back.max_payload, ==, VZ_EIO_DEFAULT_MAX_PAYLOAD);
  g_assert_cmpuint (g_strv_length (back.upgrades), ==, 0);
  vz_eio_handshake_clear (&back);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vz_eio_handshake_parse (bad[i], strlen (bad[i]), &back, &error));
      g_assert_nonnull (error);
      g_assert_null (back.sid);
      g_clear_error (&error);
    }
}

/* ---- Socket.IO ---- */

static void
test_sio_parse (void)
{
  g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
  g_autoptr(GError) error = NULL;
  const char *text;

  text = "2[\"device:status\",{\"deviceId\":\"d1\",\"status\":\"online\"},2]";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_no_error (error);
  g_assert_cmpint (packet.type, ==, VZ_SIO_PACKET_EVENT);
  g_assert_null (packet.nsp);
  g_assert_cmpint (packet.ack_id, ==, VZ_SIO_NO_ACK);
  g_assert_cmpstr (vz_sio_packet_get_event (&packet), ==, "device:status");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (vz_sio_packet_get_arg (&packet, 0)), "status"), ==, "online");
  g_assert_cmpint (json_node_get_int (vz_sio_packet_get_arg (&packet, 1)), ==, 2);
  g_assert_null (vz_sio_packet_get_arg (&packet, 2));
  vz_sio_packet_clear (&packet);

  text = "2/admin,17[\"x\"]";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpstr (packet.nsp, ==, "/admin");
  g_assert_cmpint (packet.ack_id, ==, 17);
  g_assert_null (vz_sio_packet_get_arg (&packet, 0));
  vz_sio_packet_clear (&packet);

  text = "3/,9007199254740991[]";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_SIO_PACKET_ACK);
  g_assert_null (packet.nsp);
  g_assert_cmpint (packet.ack_id, ==, VZ_SIO_MAX_ACK_ID);
  vz_sio_packet_clear (&packet);

  text = "0";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_SIO_PACKET_CONNECT);
  g_assert_null (packet.data);
  vz_sio_packet_clear (&packet);

  text = "0{\"sid\":\"s1\"}";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (packet.data), "sid"), ==, "s1");
  vz_sio_packet_clear (&packet);

  text = "4{\"message\":\"auth_invalid\",\"data\":{\"code\":\"AUTH_INVALID\"}}";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_SIO_PACKET_CONNECT_ERROR);
  vz_sio_packet_clear (&packet);

  text = "4\"Invalid namespace\"";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  vz_sio_packet_clear (&packet);

  text = "1/admin";
  g_assert_true (vz_sio_packet_parse (text, strlen (text), &packet, &error));
  g_assert_cmpint (packet.type, ==, VZ_SIO_PACKET_DISCONNECT);
  g_assert_cmpstr (packet.nsp, ==, "/admin");
}

static void
test_sio_malformed (void)
{
  struct { const char *text; gsize len; VzWireError code; } cases[] = {
    { "", 0, VZ_WIRE_ERROR_TRUNCATED },
    { "7", 1, VZ_WIRE_ERROR_BAD_TYPE },
    { "a[]", 3, VZ_WIRE_ERROR_BAD_TYPE },
    { "51-[\"x\",{\"_placeholder\":true,\"num\":0}]", 37, VZ_WIRE_ERROR_UNSUPPORTED },
    { "6", 1, VZ_WIRE_ERROR_UNSUPPORTED },
    { "2[\"x\"", 5, VZ_WIRE_ERROR_BAD_JSON },
    { "2{\"x\":1}", 8, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "2[]", 3, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "2[1,2]", 6, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "2\"x\"", 4, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "2", 1, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "3[]", 3, VZ_WIRE_ERROR_BAD_ACK_ID },
    { "31{}", 4, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "0[]", 3, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "0\"x\"", 4, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "1{}", 3, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "4", 1, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "4[1]", 4, VZ_WIRE_ERROR_BAD_PAYLOAD },
    { "212345678901234567[\"x\"]", 24, VZ_WIRE_ERROR_BAD_ACK_ID },
    { "29999999999999999[\"x\"]", 22, VZ_WIRE_ERROR_BAD_ACK_ID },
    { "2/ad\xffmin,[\"x\"]", 13, VZ_WIRE_ERROR_BAD_NAMESPACE },
    /* A record separator in the namespace would split the connect error
     * that echoes it in two inside a polling payload (found by fuzzing). */
    { "0/a\x1e" "40,{}", 9, VZ_WIRE_ERROR_BAD_NAMESPACE },
    { "0/a\tb", 5, VZ_WIRE_ERROR_BAD_NAMESPACE },
    { "2[\"x\"] trailing", 15, VZ_WIRE_ERROR_BAD_JSON },
    { "2[\"x\",\"\0\"]", 10, VZ_WIRE_ERROR_BAD_JSON },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (vz_sio_packet_parse (cases[i].text, cases[i].len, &packet, &error));
      g_assert_error (error, VZ_WIRE_ERROR, (gint) cases[i].code);
      g_assert_null (packet.data);
      g_assert_null (packet.nsp);
    }
}

static void
check_round_trip (const char *frame,
                  gsize       len)
{
  g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;
  VzEioPacket eio;
  gsize again_len;

  g_assert_true (vz_eio_packet_parse (frame, len, 0, &eio, &error));
  g_assert_cmpint (eio.type, ==, VZ_EIO_PACKET_MESSAGE);
  g_assert_true (vz_sio_packet_parse (eio.data, eio.len, &packet, &error));
  g_assert_no_error (error);
  again = vz_sio_packet_encode (&packet, &again_len);
  g_assert_cmpstr (again, ==, frame);
  g_assert_cmpuint (again_len, ==, len);
}

static void
test_sio_encode (void)
{
  g_autoptr(JsonNode) payload = json_from_string ("{\"token\":\"t\\\"k\"}", NULL);
  g_autoptr(JsonNode) data = json_from_string ("{\"code\":\"AUTH_INVALID\"}", NULL);
  g_autoptr(JsonNode) sid = json_from_string ("{\"sid\":\"abc\"}", NULL);
  gsize len;
  char *s;

  s = vz_sio_encode_connect (NULL, payload, &len);
  g_assert_cmpstr (s, ==, "40{\"token\":\"t\\\"k\"}");
  g_assert_cmpuint (len, ==, strlen (s));
  check_round_trip (s, len);
  g_free (s);

  s = vz_sio_encode_connect ("/", NULL, NULL);
  g_assert_cmpstr (s, ==, "40");
  check_round_trip (s, 2);
  g_free (s);

  s = vz_sio_encode_connect (NULL, sid, &len);
  g_assert_cmpstr (s, ==, "40{\"sid\":\"abc\"}");
  g_free (s);

  s = vz_sio_encode_connect_error (NULL, "auth_invalid", data, &len);
  g_assert_cmpstr (s, ==, "44{\"message\":\"auth_invalid\",\"data\":{\"code\":\"AUTH_INVALID\"}}");
  check_round_trip (s, len);
  g_free (s);

  s = vz_sio_encode_event (NULL, VZ_SIO_NO_ACK, "device:status", data, &len);
  g_assert_cmpstr (s, ==, "42[\"device:status\",{\"code\":\"AUTH_INVALID\"}]");
  check_round_trip (s, len);
  g_free (s);

  s = vz_sio_encode_event ("/admin", 12, "join:organization", NULL, &len);
  g_assert_cmpstr (s, ==, "42/admin,12[\"join:organization\"]");
  check_round_trip (s, len);
  g_free (s);

  s = vz_sio_encode_ack (NULL, 5, data, &len);
  g_assert_cmpstr (s, ==, "435[{\"code\":\"AUTH_INVALID\"}]");
  check_round_trip (s, len);
  g_free (s);

  s = vz_sio_encode_ack (NULL, 0, NULL, &len);
  g_assert_cmpstr (s, ==, "430[]");
  check_round_trip (s, len);
  g_free (s);
}

/*
 * Random mutations of valid frames must give either a packet or an error,
 * never a crash, a warning or a leak (the test runs with fatal warnings).
 */
static void
test_fuzz (void)
{
  static const char *seeds[] = {
    "42[\"device:status\",{\"deviceId\":\"2b1c6a4e-8f0e-4c1e-9d2a-6f3b7e9a0c11\",\"status\":\"online\",\"lastSeen\":\"2026-01-01T00:00:00.000Z\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}]",
    "43/admin,12[{\"success\":true,\"data\":{\"nextHeartbeatIn\":15000,\"commands\":[]}}]",
    "44{\"message\":\"auth_invalid\",\"data\":{\"code\":\"AUTH_INVALID\"}}",
    "40{\"sid\":\"abc\"}",
    "0{\"sid\":\"x\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
    "42[\"a\",[1.5e3,-0,true,false,null,\"\\u00e9\\ud83d\\ude00\"]]",
  };
  static const char interesting[] = "[]{}\",:\\/0123456789-+.eE\x1e\x00\xff\xc3 abtnu";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  guint ok = 0, failed = 0;

  for (guint round = 0; round < 200000; round++)
    {
      const char *seed = seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))];
      g_autoptr(GString) frame = g_string_new (seed);
      guint mutations = g_rand_int_range (rand, 1, 5);
      g_autoptr(GError) error = NULL;
      VzEioPacket eio;

      for (guint m = 0; m < mutations && frame->len > 0; m++)
        {
          guint pos = g_rand_int_range (rand, 0, frame->len);
          char c = interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: frame->str[pos] = c; break;
            case 1: g_string_insert_c (frame, pos, c); break;
            case 2: g_string_erase (frame, pos, 1); break;
            default: g_string_truncate (frame, pos); break;
            }
        }

      if (!vz_eio_packet_parse (frame->str, frame->len, 4096, &eio, &error))
        {
          g_assert_nonnull (error);
          failed++;
          continue;
        }
      if (eio.type == VZ_EIO_PACKET_OPEN)
        {
          VzEioHandshake hs;
          if (vz_eio_handshake_parse (eio.data, eio.len, &hs, &error))
            {
              vz_eio_handshake_clear (&hs);
              ok++;
            }
          else
            {
              g_assert_nonnull (error);
              failed++;
            }
        }
      else if (eio.type == VZ_EIO_PACKET_MESSAGE)
        {
          g_auto(VzSioPacket) packet = VZ_SIO_PACKET_INIT;
          if (vz_sio_packet_parse (eio.data, eio.len, &packet, &error))
            {
              g_autofree char *again = vz_sio_packet_encode (&packet, NULL);
              g_auto(VzSioPacket) reparsed = VZ_SIO_PACKET_INIT;

              g_assert_no_error (error);
              /* What we accept, we can write back in a form we accept again. */
              g_assert_true (vz_sio_packet_parse (again + 1, strlen (again + 1), &reparsed, &error));
              g_assert_no_error (error);
              g_assert_cmpint (reparsed.type, ==, packet.type);
              g_assert_cmpint (reparsed.ack_id, ==, packet.ack_id);
              ok++;
            }
          else
            {
              g_assert_nonnull (error);
              g_assert_null (packet.data);
              failed++;
            }
        }
      else
        ok++;
    }
  g_test_message ("fuzz: %u accepted, %u rejected", ok, failed);
  g_assert_cmpuint (ok, >, 0);
  g_assert_cmpuint (failed, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/json/round-trip", test_json_round_trip);
  g_test_add_func ("/wire/json/values", test_json_values);
  g_test_add_func ("/wire/json/malformed", test_json_malformed);
  g_test_add_func ("/wire/json/negative-zero", test_json_negative_zero);
  g_test_add_func ("/wire/json/depth", test_json_depth);
  g_test_add_func ("/wire/json/lone-surrogates", test_json_lone_surrogates);
  g_test_add_func ("/wire/json/length-delimited", test_json_length_delimited);
  g_test_add_func ("/wire/json/streamed", test_json_streamed);
  g_test_add_func ("/wire/json/streamed-skipping", test_json_streamed_skipping);
  g_test_add_func ("/wire/eio/parse", test_eio_parse);
  g_test_add_func ("/wire/eio/malformed", test_eio_malformed);
  g_test_add_func ("/wire/eio/payload", test_eio_payload);
  g_test_add_func ("/wire/eio/handshake", test_eio_handshake);
  g_test_add_func ("/wire/sio/parse", test_sio_parse);
  g_test_add_func ("/wire/sio/malformed", test_sio_malformed);
  g_test_add_func ("/wire/sio/encode", test_sio_encode);
  g_test_add_func ("/wire/fuzz", test_fuzz);

  return g_test_run ();
}
