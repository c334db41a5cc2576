/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-realtime-interop"

#include <signal.h>
#include <string.h>

#include "vz-api-error.h"
#include "vz-realtime-client.h"
#include "vz-test-server.h"

#include "realtime-test-util.h"

/*
 * VzRealtimeClient against the official Socket.IO server from npm
 * (sio-server.js), one fresh server process per test.
 */

#define WAIT_TIMEOUT_S 15

typedef struct {
  GSubprocess      *process;
  GDataInputStream *stdout_lines;
  GOutputStream    *stdin_pipe;
  GQueue            lines;        /* lines printed by the server, not consumed yet */
  GCancellable     *cancellable;
  guint16           port;
  gboolean          eof;
} NodeServer;

static void read_next_line (NodeServer *server);

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NodeServer *server = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      server->eof = TRUE;
      return;
    }
  g_queue_push_tail (&server->lines, line);
  read_next_line (server);
}

static void
read_next_line (NodeServer *server)
{
  g_data_input_stream_read_line_async (server->stdout_lines, G_PRIORITY_DEFAULT, server->cancellable,
                                       line_read_cb, server);
}

/* Waits for (and consumes) the first server line starting with @prefix; returns it. */
static char *
server_wait_line (NodeServer *server,
                  const char *prefix)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timeout_flag_cb, &timed_out);

  for (;;)
    {
      for (GList *l = server->lines.head; l != NULL; l = l->next)
        if (g_str_has_prefix (l->data, prefix))
          {
            char *line = l->data;
            g_queue_delete_link (&server->lines, l);
            if (!timed_out)
              g_source_remove (id);
            return line;
          }
      if (timed_out || server->eof)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (id);
  g_error ("The node server never printed a line starting with “%s”", prefix);
  return NULL;
}

static guint
server_count_lines (NodeServer *server,
                    const char *prefix)
{
  guint n = 0;

  for (GList *l = server->lines.head; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, prefix))
      n++;
  return n;
}

static void
server_command (NodeServer *server,
                const char *command)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autofree char *done = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  const char *space = strchr (command, ' ');

  g_output_stream_write_all (server->stdin_pipe, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("DONE %.*s", space != NULL ? (int) (space - command) : (int) strlen (command), command);
  done = server_wait_line (server, expected);
}

static NodeServer *
node_server_start (guint16             port,
                   const char * const *extra)
{
  const char *srcdir = g_getenv ("VIZORA_TESTS_SRCDIR");
  g_autofree char *script = NULL;
  g_autofree char *port_str = g_strdup_printf ("%u", port);
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  NodeServer *server = g_new0 (NodeServer, 1);

  g_assert_nonnull (srcdir);
  vz_test_require_node ();
  script = g_build_filename (srcdir, "interop", "client", "sio-server.js", NULL);
  g_ptr_array_add (argv, (char *) "node");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, port_str);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  server->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                       &error);
  g_assert_no_error (error);
  server->stdin_pipe = g_subprocess_get_stdin_pipe (server->process);
  server->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  server->cancellable = g_cancellable_new ();
  g_queue_init (&server->lines);
  read_next_line (server);

  line = server_wait_line (server, "PORT ");
  server->port = (guint16) g_ascii_strtoull (line + 5, NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
  return server;
}

static void
node_server_stop (NodeServer *server)
{
  if (server == NULL)
    return;
  g_cancellable_cancel (server->cancellable);
  /* SIGCONT first in case a test left it stopped. */
  g_subprocess_send_signal (server->process, SIGCONT);
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->stdout_lines);
  g_clear_object (&server->process);
  g_clear_object (&server->cancellable);
  g_queue_clear_full (&server->lines, g_free);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NodeServer, node_server_stop)

/* ---- client side bookkeeping ---- */

typedef struct {
  VzRealtimeClient *client;
  guint             connected;
  guint             disconnected;
  guint             auth_failed;
  char             *auth_message;
  GPtrArray        *events;        /* "name payload-json" */
  gint64            seq_next;      /* next expected `seq` index, -1 on disorder */
  guint             seq_count;
  gsize             pad_chars;     /* of the `seq` events' pads, all told */
  gboolean          answer_acks;
  guint             flag_connected;
} Fixture;

static void
on_connected (VzRealtimeClient *client,
              Fixture          *fx)
{
  fx->connected++;
}

static void
on_disconnected (VzRealtimeClient *client,
                 GError           *reason,
                 Fixture          *fx)
{
  fx->disconnected++;
}

static void
on_auth_failed (VzRealtimeClient *client,
                const char       *message,
                Fixture          *fx)
{
  fx->auth_failed++;
  g_free (fx->auth_message);
  fx->auth_message = g_strdup (message);
}

static void
on_event (VzRealtimeClient *client,
          const char       *name,
          JsonNode         *payload,
          gint64            ack_id,
          Fixture          *fx)
{
  g_autofree char *json = json_to_string (payload, FALSE);
  JsonArray *args = vz_realtime_client_get_current_args (client);

  g_assert_nonnull (args);
  g_ptr_array_add (fx->events, g_strdup_printf ("%s %s %u", name, json, json_array_get_length (args)));
  if (ack_id >= 0 && fx->answer_acks)
    {
      g_autoptr(JsonNode) answer = json_from_string ("{\"answer\":42}", NULL);
      vz_realtime_client_ack (client, ack_id, answer);
    }
}

static void
on_seq (VzRealtimeClient *client,
        const char       *name,
        JsonNode         *payload,
        gint64            ack_id,
        Fixture          *fx)
{
  JsonObject *obj = json_node_get_object (payload);
  gint64 i = json_object_get_int_member (obj, "i");

  g_assert_cmpstr (name, ==, "seq");
  if (json_object_has_member (obj, "pad"))
    fx->pad_chars += strlen (json_object_get_string_member (obj, "pad"));
  if (fx->seq_next >= 0)
    fx->seq_next = i == fx->seq_next ? i + 1 : -1;
  fx->seq_count++;
}

static void
fixture_init (Fixture    *fx,
              NodeServer *server,
              const char *token)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);

  memset (fx, 0, sizeof *fx);
  fx->events = g_ptr_array_new_with_free_func (g_free);
  fx->client = vz_realtime_client_new (url);
  vz_realtime_client_set_token (fx->client, token);
  g_signal_connect (fx->client, "connected", G_CALLBACK (on_connected), fx);
  g_signal_connect (fx->client, "disconnected", G_CALLBACK (on_disconnected), fx);
  g_signal_connect (fx->client, "auth-failed", G_CALLBACK (on_auth_failed), fx);
  g_signal_connect (fx->client, "event", G_CALLBACK (on_event), fx);
  g_signal_connect (fx->client, "event::seq", G_CALLBACK (on_seq), fx);
}

static void
fixture_clear (Fixture *fx)
{
  gpointer weak = fx->client;

  vz_realtime_client_stop (fx->client);
  /* Cancelled HTTP requests hold a reference until their callbacks run on the
   * next iterations; after that nothing may keep the client alive. */
  g_object_add_weak_pointer (weak, &weak);
  g_object_unref (fx->client);
  assert_finalized_within (&weak, 5);
  g_ptr_array_unref (fx->events);
  g_free (fx->auth_message);
}

static gboolean
wait_until (Fixture  *fx,
            guint    *counter,
            guint     at_least)
{
  return wait_for_count (counter, at_least, WAIT_TIMEOUT_S);
}

static void
spin_for_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static const char *
find_event (Fixture    *fx,
            const char *prefix)
{
  for (guint i = 0; i < fx->events->len; i++)
    if (g_str_has_prefix (fx->events->pdata[i], prefix))
      return fx->events->pdata[i];
  return NULL;
}

static void
connect_and_wait (Fixture    *fx,
                  NodeServer *server)
{
  g_autofree char *line = NULL;

  vz_realtime_client_start (fx->client);
  g_assert_cmpint (vz_realtime_client_get_state (fx->client), ==, VZ_REALTIME_STATE_CONNECTING);
  g_assert_true (wait_until (fx, &fx->connected, 1));
  g_assert_cmpint (vz_realtime_client_get_state (fx->client), ==, VZ_REALTIME_STATE_CONNECTED);
  line = server_wait_line (server, "CONNECTED ");
}

/* ---- tests ---- */

static void
test_handshake (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autofree char *line = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *transport = NULL;
  g_autofree char *expected = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  vz_realtime_client_start (fx.client);
  g_assert_true (wait_until (&fx, &fx.connected, 1));
  line = server_wait_line (server, "CONNECTED ");
  g_object_get (fx.client, "session-id", &session_id, "transport", &transport, NULL);
  g_assert_nonnull (session_id);
  g_assert_cmpstr (transport, ==, "websocket");
  /* The Socket.IO id the server gave this socket is the one we were told. */
  expected = g_strdup_printf ("CONNECTED %s websocket", session_id);
  g_assert_cmpstr (line, ==, expected);
  g_assert_null (vz_realtime_client_get_last_error (fx.client));
  g_assert_cmpuint (fx.auth_failed, ==, 0);

  /* A clean stop says goodbye: the server sees a client-side disconnect. */
  vz_realtime_client_stop (fx.client);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_DISCONNECTED);
  g_assert_cmpuint (fx.disconnected, ==, 1);
  g_free (line);
  line = server_wait_line (server, "DISCONNECTED ");
  g_assert_cmpstr (line, ==, "DISCONNECTED client namespace disconnect");
  fixture_clear (&fx);
}

static void
test_auth_failure (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autofree char *line = NULL;
  Fixture fx;

  fixture_init (&fx, server, "wrong-token");
  vz_realtime_client_start (fx.client);
  g_assert_true (wait_until (&fx, &fx.auth_failed, 1));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_AUTH_FAILED);
  g_assert_nonnull (fx.auth_message);
  g_assert_cmpstr (vz_realtime_client_get_last_error (fx.client), ==, fx.auth_message);
  g_assert_cmpuint (fx.connected, ==, 0);
  line = server_wait_line (server, "AUTHFAIL");

  /* No retries with credentials the server refused: wait longer than the
   * largest first backoff delay (1.5 s) and count attempts. */
  spin_for_ms (2500);
  g_assert_cmpuint (server_count_lines (server, "AUTHFAIL"), ==, 0);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_AUTH_FAILED);

  /* New credentials, new start: it connects. */
  vz_realtime_client_set_token (fx.client, "good-token");
  vz_realtime_client_start (fx.client);
  g_assert_true (wait_until (&fx, &fx.connected, 1));
  fixture_clear (&fx);
}

static void
test_server_events (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);

  server_command (server, "emit device:status [{\"deviceId\":\"d-1\",\"status\":\"online\"}]");
  server_command (server, "emit two-args [1,\"x\"]");
  server_command (server, "emit no-args");
  server_command (server, "emit unicode [\"h\\u00e9 \\ud83d\\ude00\"]");
  while (fx.events->len < 4)
    g_assert_true (wait_until (&fx, &fx.events->len, 4));
  g_assert_cmpstr (fx.events->pdata[0], ==, "device:status {\"deviceId\":\"d-1\",\"status\":\"online\"} 1");
  g_assert_cmpstr (fx.events->pdata[1], ==, "two-args 1 2");
  g_assert_cmpstr (fx.events->pdata[2], ==, "no-args null 0");
  g_assert_cmpstr (fx.events->pdata[3], ==, "unicode \"h\xc3\xa9 \xf0\x9f\x98\x80\" 1");

  /* A burst arrives complete and in order, through the detailed signal. */
  server_command (server, "burst 5000");
  g_assert_true (wait_until (&fx, &fx.seq_count, 5000));
  g_assert_cmpint (fx.seq_next, ==, 5000);
  fixture_clear (&fx);
}

/* Long events are parsed in a worker thread; the short ones after each
 * wait for it, so that they all come in the order they were sent, over
 * either transport. */
static void
test_long_events_in_order (gconstpointer data)
{
  const char *polling_only[] = { "--polling-only", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, GPOINTER_TO_INT (data) ? polling_only : NULL);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);
  /* 70,000 characters: over the 64 KiB parsed in a worker, and ten of
   * them still under the 1 MB a long-polling answer may carry. */
  server_command (server, "mixed 20 70000");
  g_assert_true (wait_until (&fx, &fx.seq_count, 20));
  g_assert_cmpint (fx.seq_next, ==, 20);
  g_assert_cmpuint (fx.pad_chars, ==, 10 * 70000);

  /* Then short ones alone, handled at once again. */
  fx.seq_next = 0;
  fx.seq_count = 0;
  server_command (server, "burst 500");
  g_assert_true (wait_until (&fx, &fx.seq_count, 500));
  g_assert_cmpint (fx.seq_next, ==, 500);
  g_assert_cmpuint (fx.disconnected, ==, 0);
  fixture_clear (&fx);
}

static void
ack_ready_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static JsonNode *
emit_with_ack_sync (Fixture     *fx,
                    const char  *event,
                    const char  *payload_json,
                    guint        timeout_ms,
                    GError     **error)
{
  g_autoptr(JsonNode) payload = payload_json != NULL ? json_from_string (payload_json, NULL) : NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timeout_flag_cb, &timed_out);

  vz_realtime_client_emit_with_ack_async (fx->client, event, payload, timeout_ms, NULL, ack_ready_cb, &result);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  return vz_realtime_client_emit_with_ack_finish (fx->client, result, error);
}

static void
test_client_emit (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autoptr(JsonNode) payload = json_from_string ("{\"organizationId\":\"org-1\"}", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *answer_json = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  /* Not connected yet: nothing is sent, nothing is queued. */
  g_assert_false (vz_realtime_client_emit (fx.client, "early", payload));
  answer = emit_with_ack_sync (&fx, "early", NULL, 1000, &error);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NETWORK);
  g_clear_error (&error);

  connect_and_wait (&fx, server);
  g_assert_true (vz_realtime_client_emit (fx.client, "hello", payload));
  line = server_wait_line (server, "EVENT hello ");
  g_assert_cmpstr (line, ==, "EVENT hello [{\"organizationId\":\"org-1\"}]");
  g_free (line);
  g_assert_true (vz_realtime_client_emit (fx.client, "bare", NULL));
  line = server_wait_line (server, "EVENT bare ");
  g_assert_cmpstr (line, ==, "EVENT bare []");

  answer = emit_with_ack_sync (&fx, "join:organization", "{\"organizationId\":\"org-1\"}", 5000, &error);
  g_assert_no_error (error);
  answer_json = json_to_string (answer, FALSE);
  g_assert_cmpstr (answer_json, ==, "[{\"ok\":true,\"echo\":{\"organizationId\":\"org-1\"}}]");
  g_clear_pointer (&answer, json_node_unref);

  /* The server never acks "noack": the timeout fires, and the link stays up. */
  answer = emit_with_ack_sync (&fx, "noack", "{}", 300, &error);
  g_assert_null (answer);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_CONNECTED);

  /* Cancelled while waiting. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) result = NULL;

    vz_realtime_client_emit_with_ack_async (fx.client, "noack", NULL, 0, cancellable, ack_ready_cb, &result);
    spin_for_ms (50);
    g_assert_null (result);
    g_cancellable_cancel (cancellable);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (vz_realtime_client_emit_with_ack_finish (fx.client, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  /* The link drops while an ack is pending: it fails at once, not at its timeout. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    vz_realtime_client_emit_with_ack_async (fx.client, "noack", NULL, 60000, NULL, ack_ready_cb, &result);
    g_free (line);
    line = server_wait_line (server, "EVENT noack");
    server_command (server, "kick");
    g_assert_true (wait_until (&fx, &fx.disconnected, 1));
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (vz_realtime_client_emit_with_ack_finish (fx.client, result, &error));
    g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NETWORK);
    /* A server-side disconnect is a lost link like any other: back with backoff. */
    g_assert_true (wait_until (&fx, &fx.connected, 2));
  }
  fixture_clear (&fx);
}

static void
test_server_ack_request (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autofree char *line = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  fx.answer_acks = TRUE;
  connect_and_wait (&fx, server);
  server_command (server, "ask command {\"type\":\"reload\"}");
  line = server_wait_line (server, "ACKED ");
  g_assert_cmpstr (line, ==, "ACKED [{\"answer\":42}]");
  g_assert_nonnull (find_event (&fx, "command {\"type\":\"reload\"}"));
  fixture_clear (&fx);
}

static void
test_ping_pong (void)
{
  const char *args[] = { "--ping-interval", "300", "--ping-timeout", "200", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, args);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);
  /* Seven intervals: the server would drop us after one missed pong. */
  spin_for_ms (2100);
  g_assert_cmpuint (server_count_lines (server, "HEARTBEAT"), >=, 5);
  g_assert_cmpuint (server_count_lines (server, "DISCONNECTED"), ==, 0);
  g_assert_cmpuint (fx.disconnected, ==, 0);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_CONNECTED);
  fixture_clear (&fx);
}

static void
test_dead_link (void)
{
  const char *args[] = { "--ping-interval", "300", "--ping-timeout", "200", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, args);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);

  /* A frozen process keeps its sockets open but answers nothing: only the
   * ping watchdog can notice. */
  g_subprocess_send_signal (server->process, SIGSTOP);
  g_assert_true (wait_until (&fx, &fx.disconnected, 1));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_RECONNECTING);
  g_assert_nonnull (strstr (vz_realtime_client_get_last_error (fx.client), "stopped answering"));

  g_subprocess_send_signal (server->process, SIGCONT);
  g_assert_true (wait_until (&fx, &fx.connected, 2));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_CONNECTED);
  fixture_clear (&fx);
}

static void
test_server_restart (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  guint16 port = server->port;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);

  /* server:shutdown, then the process exits. */
  server_command (server, "shutdown");
  g_assert_true (wait_until (&fx, &fx.disconnected, 1));
  g_assert_nonnull (find_event (&fx, "server:shutdown {\"reconnect\":true}"));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_RECONNECTING);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_pointer (&server, node_server_stop);

  /* Down for a while: attempts fail and back off, state stays RECONNECTING. */
  spin_for_ms (1500);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_RECONNECTING);
  g_assert_cmpuint (fx.connected, ==, 1);

  server = node_server_start (port, NULL);
  g_assert_true (wait_until (&fx, &fx.connected, 2));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_CONNECTED);

  /* And it works after the restart. */
  server_command (server, "emit after-restart [true]");
  g_assert_true (wait_until (&fx, &fx.events->len, 2));
  g_assert_nonnull (find_event (&fx, "after-restart true"));
  fixture_clear (&fx);
}

static void
test_session_expired (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);
  server_command (server, "expire");
  g_assert_true (wait_until (&fx, &fx.auth_failed, 1));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_AUTH_FAILED);
  g_assert_cmpstr (fx.auth_message, ==, "Your session was revoked. Sign in again.");
  g_assert_cmpuint (fx.disconnected, ==, 1);
  spin_for_ms (2000);
  g_assert_cmpuint (fx.connected, ==, 1);
  fixture_clear (&fx);
}

/* A CONNECT refused for connecting too often: the client waits the
 * retryAfter the server gave (3 s), not its own first backoff (about 1 s). */
static void
test_rate_limited_connect (void)
{
  const char *extra[] = { "--rate-limit-first", "1:3", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, extra);
  g_autofree char *refused = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  vz_realtime_client_start (fx.client);
  refused = server_wait_line (server, "RATELIMITED");
  spin_for_ms (2500);
  g_assert_cmpuint (fx.connected, ==, 0);
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_RECONNECTING);
  g_assert_cmpstr (vz_realtime_client_get_last_error (fx.client), ==,
                   "The server asked to wait 3 seconds before connecting again.");
  g_assert_true (wait_until (&fx, &fx.connected, 1));
  g_assert_cmpint (vz_realtime_client_get_state (fx.client), ==, VZ_REALTIME_STATE_CONNECTED);
  fixture_clear (&fx);
}

/* Valid packets that make no sense here are ignored, never fatal. */
static void
test_odd_but_valid_from_server (void)
{
  static const char *odd[] = {
    "3999[\"nobody asked\"]",            /* ack for an id we never used */
    "2/elsewhere,[\"x\",1]",              /* another namespace */
    "0{\"sid\":\"again\"}",             /* a second CONNECT */
    "0{\"sid\":5}",
    "2[\"session:expired-not\",[]]",
    "2[\"\",{}]",                         /* an empty event name */
  };
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autofree char *session_id = NULL;
  g_autofree char *after = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);
  g_object_get (fx.client, "session-id", &session_id, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      g_autofree char *command = g_strconcat ("raw ", odd[i], NULL);
      server_command (server, command);
    }
  server_command (server, "emit marker [1]");
  g_assert_true (wait_until (&fx, &fx.events->len, 3));
  g_assert_nonnull (find_event (&fx, "marker 1 1"));
  g_assert_nonnull (find_event (&fx, "session:expired-not [] 1"));
  g_assert_nonnull (find_event (&fx, " {} 1"));
  g_assert_cmpuint (fx.disconnected, ==, 0);
  g_assert_cmpuint (fx.connected, ==, 1);
  g_object_get (fx.client, "session-id", &after, NULL);
  g_assert_cmpstr (after, ==, session_id);
  fixture_clear (&fx);
}

static void
test_malformed_from_server (void)
{
  static const char *garbage[] = {
    "2[\"unterminated",
    "2{\"not\":\"an array\"}",
    "9",
    "2[12,\"x\"]",
    "3",
  };
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  connect_and_wait (&fx, server);
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autofree char *command = g_strconcat ("raw ", garbage[i], NULL);

      server_command (server, command);
      g_assert_true (wait_until (&fx, &fx.disconnected, i + 1));
      g_assert_nonnull (strstr (vz_realtime_client_get_last_error (fx.client), "malformed"));
      /* Dropped, then back: a bad frame is not fatal. */
      g_assert_true (wait_until (&fx, &fx.connected, i + 2));
    }
  fixture_clear (&fx);
}

static void
test_polling_only (void)
{
  const char *args[] = { "--polling-only", "--ping-interval", "400", "--ping-timeout", "300", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, args);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *transport = NULL;
  g_autofree char *line = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  vz_realtime_client_start (fx.client);
  g_assert_true (wait_until (&fx, &fx.connected, 1));
  g_object_get (fx.client, "transport", &transport, NULL);
  g_assert_cmpstr (transport, ==, "polling");
  line = server_wait_line (server, "CONNECTED ");
  g_assert_true (g_str_has_suffix (line, " polling"));

  server_command (server, "burst 2000");
  g_assert_true (wait_until (&fx, &fx.seq_count, 2000));
  g_assert_cmpint (fx.seq_next, ==, 2000);

  answer = emit_with_ack_sync (&fx, "join:organization", "{\"organizationId\":\"o\"}", 5000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);

  /* Several ping intervals over long-polling keep the session. */
  spin_for_ms (1500);
  g_assert_cmpuint (fx.disconnected, ==, 0);
  g_assert_cmpuint (server_count_lines (server, "HEARTBEAT"), >=, 2);
  fixture_clear (&fx);
}

static void
on_bye_drop_client (VzRealtimeClient *client,
                    const char       *name,
                    JsonNode         *payload,
                    gint64            ack_id,
                    gpointer          user_data)
{
  gpointer *weak = user_data;

  /* The owner lets go of the client from inside its own signal. */
  g_object_add_weak_pointer (G_OBJECT (client), weak);
  g_object_unref (client);
}

static void
test_unref_in_handler (void)
{
  g_autoptr(NodeServer) server = node_server_start (0, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  VzRealtimeClient *client = vz_realtime_client_new (url);
  gpointer weak = client;

  vz_realtime_client_set_token (client, "good-token");
  g_signal_connect (client, "event::bye", G_CALLBACK (on_bye_drop_client), &weak);
  vz_realtime_client_start (client);
  g_free (server_wait_line (server, "CONNECTED "));
  server_command (server, "emit bye [1]");
  server_command (server, "emit after [2]");
  assert_finalized_within (&weak, WAIT_TIMEOUT_S);
  /* The server sees the socket go away; nothing is left running here. */
  g_free (server_wait_line (server, "DISCONNECTED "));
  spin_for_ms (200);
}

/* A server mounted somewhere else than /socket.io/ (property "path"). */
static void
test_custom_path (void)
{
  const char *args[] = { "--path", "/rt/live", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, args);
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  g_object_set (fx.client, "path", "/rt/live", NULL);
  connect_and_wait (&fx, server);
  fixture_clear (&fx);
}

/* A proxy in the way cuts every upgrade request without an HTTP answer. */
static void
test_upgrade_dropped (void)
{
  const char *args[] = { "--drop-upgrades", NULL };
  g_autoptr(NodeServer) server = node_server_start (0, args);
  g_autofree char *transport = NULL;
  g_autofree char *line = NULL;
  Fixture fx;

  fixture_init (&fx, server, "good-token");
  vz_realtime_client_start (fx.client);
  g_assert_true (wait_until (&fx, &fx.connected, 1));
  g_object_get (fx.client, "transport", &transport, NULL);
  g_assert_cmpstr (transport, ==, "polling");
  line = server_wait_line (server, "CONNECTED ");
  g_assert_true (g_str_has_suffix (line, " polling"));
  server_command (server, "emit device:status [{\"deviceId\":\"d-2\",\"status\":\"offline\"}]");
  g_assert_true (wait_until (&fx, &fx.events->len, 1));
  g_assert_cmpstr (fx.events->pdata[0], ==, "device:status {\"deviceId\":\"d-2\",\"status\":\"offline\"} 1");
  fixture_clear (&fx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/realtime-interop/handshake", test_handshake);
  g_test_add_func ("/realtime-interop/auth-failure", test_auth_failure);
  g_test_add_func ("/realtime-interop/server-events", test_server_events);
  g_test_add_data_func ("/realtime-interop/long-events-in-order/websocket", GINT_TO_POINTER (FALSE),
                        test_long_events_in_order);
  g_test_add_data_func ("/realtime-interop/long-events-in-order/polling", GINT_TO_POINTER (TRUE),
                        test_long_events_in_order);
  g_test_add_func ("/realtime-interop/client-emit", test_client_emit);
  g_test_add_func ("/realtime-interop/server-ack-request", test_server_ack_request);
  g_test_add_func ("/realtime-interop/ping-pong", test_ping_pong);
  g_test_add_func ("/realtime-interop/dead-link", test_dead_link);
  g_test_add_func ("/realtime-interop/server-restart", test_server_restart);
  g_test_add_func ("/realtime-interop/session-expired", test_session_expired);
  g_test_add_func ("/realtime-interop/rate-limited-connect", test_rate_limited_connect);
  g_test_add_func ("/realtime-interop/odd-but-valid-from-server", test_odd_but_valid_from_server);
  g_test_add_func ("/realtime-interop/malformed-from-server", test_malformed_from_server);
  g_test_add_func ("/realtime-interop/polling-only", test_polling_only);
  g_test_add_func ("/realtime-interop/upgrade-dropped", test_upgrade_dropped);
  g_test_add_func ("/realtime-interop/unref-in-handler", test_unref_in_handler);
  g_test_add_func ("/realtime-interop/custom-path", test_custom_path);

  return g_test_run ();
}
