/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-realtime-floor"

#include <string.h>
#include <libsoup/soup.h>

/*
 * The floor: a libsoup WebSocket that only reads frames. It sends the one
 * CONNECT the server needs before streaming and answers pings, but parses
 * nothing: every frame starting with "42" counts as an event.
 *   bench-realtime-floor URL [COUNT]
 */

typedef struct {
  guint      count;
  guint      target;
  GMainLoop *loop;
  int        status;
} Floor;

static void
on_message (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            Floor                   *floor_)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (len >= 2 && data[0] == '4' && data[1] == '2')
    {
      if (++floor_->count == floor_->target)
        {
          floor_->status = 0;
          g_main_loop_quit (floor_->loop);
        }
    }
  else if (len >= 1 && data[0] == '0')
    soup_websocket_connection_send_text (ws, "40{\"token\":\"bench-token\"}");
  else if (len == 1 && data[0] == '2')
    soup_websocket_connection_send_text (ws, "3");
}

static void
on_closed (SoupWebsocketConnection *ws,
           Floor                   *floor_)
{
  g_main_loop_quit (floor_->loop);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Floor *floor_ = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (ws == NULL)
    {
      g_printerr ("%s\n", error->message);
      g_main_loop_quit (floor_->loop);
      return;
    }
  soup_websocket_connection_set_max_incoming_payload_size (ws, 1000000);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), floor_);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), floor_);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *uri = NULL;
  Floor floor_ = { 0, 200000, loop, 1 };

  if (argc < 2)
    {
      g_printerr ("usage: %s URL [COUNT]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    floor_.target = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  uri = g_strdup_printf ("%s/socket.io/?EIO=4&transport=websocket", argv[1]);
  msg = soup_message_new (SOUP_METHOD_GET, uri);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connected_cb, &floor_);
  g_main_loop_run (loop);
  return floor_.status;
}
