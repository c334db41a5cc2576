/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "node-peer"

#include "node-peer.h"
#include "vz-test-server.h"

#include <signal.h>
#include <string.h>

struct _NodePeer {
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  GCancellable     *cancellable;
  GQueue            lines;      /* JsonObject* */
  gboolean          eof;
};

static void read_next (NodePeer *peer);

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NodePeer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  g_autoptr(JsonParser) parser = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      peer->eof = TRUE;
      return;
    }

  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, line, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("node: %s", line);
      g_queue_push_tail (&peer->lines, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  else
    {
      /* Not ours (a stray log line): keep it visible in the test log. */
      g_test_message ("node said: %s", line);
    }
  read_next (peer);
}

static void
read_next (NodePeer *peer)
{
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, peer->cancellable,
                                       line_read_cb, peer);
}

NodePeer *
node_peer_spawn (const char *url,
                 const char *scenario,
                 const char *token,
                 const char *transports)
{
  NodePeer *peer = g_new0 (NodePeer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("VIZORA_TESTS_SRCDIR"), "interop", "server",
                                               "hub-client.js", NULL);
  const char *argv[7] = { "node", script, url, scenario, token, transports, NULL };

  vz_test_require_node ();
  peer->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                     &error);
  g_assert_no_error (error);
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  peer->in = g_object_ref (g_subprocess_get_stdin_pipe (peer->process));
  peer->cancellable = g_cancellable_new ();
  g_queue_init (&peer->lines);
  read_next (peer);
  return peer;
}

static gboolean
line_matches (JsonObject *line,
              const char *ev,
              const char *name)
{
  if (g_strcmp0 (json_object_get_string_member_with_default (line, "ev", ""), ev) != 0)
    return FALSE;
  return name == NULL ||
         g_strcmp0 (json_object_get_string_member_with_default (line, "name", ""), name) == 0;
}

static gboolean
flag_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

JsonObject *
node_peer_wait (NodePeer   *peer,
                const char *ev,
                const char *name,
                guint       timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, flag_timeout_cb, &timed_out);
  JsonObject *found = NULL;

  while (found == NULL)
    {
      for (GList *l = peer->lines.head; l != NULL; l = l->next)
        if (line_matches (l->data, ev, name))
          {
            found = l->data;
            g_queue_delete_link (&peer->lines, l);
            break;
          }
      if (found != NULL || timed_out || peer->eof)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (id);
  return found;
}

JsonObject *
node_peer_expect (NodePeer   *peer,
                  const char *ev,
                  const char *name,
                  guint       timeout_ms)
{
  JsonObject *found = node_peer_wait (peer, ev, name, timeout_ms);

  if (found == NULL)
    g_error ("socket.io-client never reported %s%s%s", ev, name ? " " : "", name ? name : "");
  return found;
}

guint
node_peer_count (NodePeer   *peer,
                 const char *ev)
{
  guint n = 0;

  for (GList *l = peer->lines.head; l != NULL; l = l->next)
    if (line_matches (l->data, ev, NULL))
      n++;
  return n;
}

void
node_peer_command (NodePeer   *peer,
                   const char *json_line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (json_line, "\n", NULL);

  g_output_stream_write_all (peer->in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (peer->in, NULL, &error);
  g_assert_no_error (error);
}

void
node_peer_free (NodePeer *peer)
{
  g_cancellable_cancel (peer->cancellable);
  g_subprocess_send_signal (peer->process, SIGKILL);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_queue_clear_full (&peer->lines, (GDestroyNotify) json_object_unref);
  g_clear_object (&peer->in);
  g_clear_object (&peer->out);
  g_clear_object (&peer->process);
  g_clear_object (&peer->cancellable);
  /* Let the cancelled read finish before its user_data goes away. */
  for (int i = 0; i < 10 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_free (peer);
}

void
test_iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
