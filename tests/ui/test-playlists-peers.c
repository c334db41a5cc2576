/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vz-test-process.h"
#include "playlists-peer.h"

/*
 * Two people on one playlist, each in an app instance of their own: this
 * test's window, and the peer (playlists-peer.h), a second copy of this
 * program in a process of its own, on the same X display and the same
 * real server. A reorder in one instance shows in the other; a reorder the
 * test makes while the peer's own move waits to be sent (offline) shows in
 * the peer as this order, then its move on top, and so it lands on the
 * server and in the test's window once the peer is back.
 */

#define PEER_WAIT_S 60

/* The peer, as it last told. */
typedef struct {
  GSubprocess *process;
  int          pid;
  char        *session_id;
  char        *order;
  guint        pending;
  guint        sent;     /* commands */
  guint        done;     /* of them, carried out */
  gboolean     ended;    /* its output closed: it exited */
  const char  *want;
} Peer;

static void
on_peer_line (const char *line,
              gpointer    data)
{
  Peer *peer = data;
  g_auto(GStrv) words = g_strsplit (line != NULL ? line : "", " ", 3);

  if (line == NULL)
    peer->ended = TRUE;
  else if (g_str_equal (words[0], "peer") && g_strv_length (words) == 3)
    {
      peer->pid = atoi (words[1]);
      peer->session_id = g_strdup (words[2]);
    }
  else if (g_str_equal (words[0], "order") && words[1] != NULL)
    {
      g_free (peer->order);
      peer->order = g_strdup (words[1]);
    }
  else if (g_str_equal (words[0], "pending") && words[1] != NULL)
    peer->pending = (guint) atoi (words[1]);
  else if (g_str_equal (words[0], "done"))
    peer->done++;
  else
    g_error ("The peer said “%s”", line);
}

static gboolean
peer_ready (gpointer data)
{
  Peer *peer = data;

  return peer->session_id != NULL && peer->order != NULL;
}

static gboolean
peer_shows (gpointer data)
{
  Peer *peer = data;

  return g_strcmp0 (peer->order, peer->want) == 0;
}

static gboolean
peer_settled (gpointer data)
{
  return peer_shows (data) && ((Peer *) data)->pending == 0;
}

static gboolean
peer_did_all (gpointer data)
{
  return ((Peer *) data)->done == ((Peer *) data)->sent;
}

static gboolean
peer_exited (gpointer data)
{
  return ((Peer *) data)->ended;
}

typedef struct {
  Condition  condition;
  Peer      *peer;
} PeerWait;

static gboolean
peer_met_or_gone (gpointer data)
{
  PeerWait *wait = data;

  return wait->peer->ended || wait->condition (wait->peer);
}

/* Waits until @condition holds for @peer, failing the test, with what
 * the peer last told, if it does not within PEER_WAIT_S or it exits. */
static void
peer_wait (Peer       *peer,
           Condition   condition,
           const char *what)
{
  PeerWait wait = { condition, peer };

  wait_for (peer_met_or_gone, &wait, PEER_WAIT_S);
  if (condition (peer))
    return;
  if (peer->ended)
    g_error ("The other app instance (pid %d) exited before it could %s (it last showed %s, %u changes pending)",
             peer->pid, what, peer->order, peer->pending);
  g_error ("The other app instance (pid %d) did not %s within %d s (it shows %s, %u changes pending)",
           peer->pid, what, PEER_WAIT_S, peer->order, peer->pending);
}

static void
peer_send (Peer       *peer,
           const char *command)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (peer->process);
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("carry out “%s”", command);

  peer->sent++;
  g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  peer_wait (peer, peer_did_all, what);
}

/* Waits until @condition holds for this window (@own), failing the test,
 * with what it shows and what the server has, if it does not within
 * PEER_WAIT_S. */
static void
own_wait (Fixture    *own,
          Condition   condition,
          const char *what)
{
  g_autofree char *shown = NULL;
  g_autofree char *stored = NULL;

  if (wait_for (condition, own, PEER_WAIT_S))
    return;
  shown = shown_order (own);
  stored = server_order (own);
  g_error ("This window did not see %s within %d s: it shows %s with %u changes pending, the server has %s", what,
           PEER_WAIT_S, shown, vz_sync_engine_get_pending_count (own->engine), stored);
}

/* Both windows, and the server, show @order, and nothing waits to be sent. */
static void
assert_everywhere (Fixture    *own,
                   Peer       *peer,
                   const char *order)
{
  g_autofree char *what = g_strdup_printf ("show %s with nothing pending", order);

  peer->want = own->want = order;
  own_wait (own, shown_order_is, order);
  peer_wait (peer, peer_settled, what);
  own_wait (own, server_order_is, "the server's order");
  own_wait (own, nothing_pending, "its changes sent");
}

static gboolean
peer_pending_one (gpointer data)
{
  return peer_shows (data) && ((Peer *) data)->pending == 1;
}

static void
test_peers (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autofree char *peer_outbox = g_build_filename (outbox_root, "peer", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *own_session = NULL;
  Fixture own = { 0 };
  Peer peer = { .pending = G_MAXUINT };
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  own.server = vz_test_server_start (NULL);
  own.token = vz_test_server_login (own.server);
  a = create_content (&own, "A");
  b = create_content (&own, "B");
  c = create_content (&own, "C");
  d = create_content (&own, "D");
  {
    const char *items[] = { a, b, c, d, NULL };

    own.playlist_id = create_playlist (&own, "Morning", items);
  }
  open_peer (&own, own.server->url, monitor, outbox_root, 0);

  /* The peer: this program again, dying with the test however it ends. */
  g_assert_nonnull (self);
  g_assert_cmpint (g_mkdir_with_parents (peer_outbox, 0700), ==, 0);
  {
    const char *argv[] = { self, "--peer", own.server->url, own.playlist_id, peer_outbox, NULL };

    peer.process = vz_test_spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  vz_test_read_lines (g_subprocess_get_stdout_pipe (peer.process), on_peer_line, &peer);
  peer_wait (&peer, peer_ready, "open the playlist");

  /* Two processes, each with a realtime link of its own to the server. */
  g_assert_cmpint (peer.pid, ==, atoi (g_subprocess_get_identifier (peer.process)));
  g_assert_cmpint (peer.pid, !=, getpid ());
  g_assert_true (realtime_linked (&own));
  own_session = session_id (&own);
  g_assert_nonnull (own_session);
  g_assert_cmpstr (peer.session_id, !=, own_session);
  g_test_message ("This instance: pid %d, realtime session %s; the other: pid %d, realtime session %s",
                  (int) getpid (), own_session, peer.pid, peer.session_id);
  peer.want = "A|B|C|D";
  peer_wait (&peer, peer_settled, "show the playlist");

  /* A dragged below C here: the peer follows. */
  drag_row (&own, row_named (&own, "A"), row_named (&own, "C"), 0.75);
  assert_everywhere (&own, &peer, "B|C|A|D");

  /* B down one with Alt+Down in the peer: this window follows. */
  peer_send (&peer, "keys B alt+Down");
  assert_everywhere (&own, &peer, "C|B|A|D");

  /* The peer goes offline and moves A to the top: pending there. */
  peer_send (&peer, "offline");
  peer_send (&peer, "keys A alt+Home");
  peer.want = "A|C|B|D";
  peer_wait (&peer, peer_pending_one, "show its move offline");

  /* Meanwhile D is dragged above B here: the server has this order. */
  drag_row (&own, row_named (&own, "D"), row_named (&own, "B"), 0.25);
  own.want = "C|D|B|A";
  own_wait (&own, shown_order_is, own.want);
  own_wait (&own, server_order_is, "the server's order");
  own_wait (&own, nothing_pending, "its changes sent");
  /* Its playlist:updated reaches the peer while the peer's move waits to
   * be sent: the peer shows this order (C D B A), then its move on top. */
  peer.want = "A|C|D|B";
  peer_wait (&peer, peer_pending_one, "show the other order with its move on top");

  /* Back online, its move lands on the server on this order: the same
   * everywhere. */
  peer_send (&peer, "online");
  assert_everywhere (&own, &peer, "A|C|D|B");

  peer_send (&peer, "quit");
  peer_wait (&peer, peer_exited, "exit");
  g_assert_true (g_subprocess_wait_check (peer.process, NULL, NULL));
  g_clear_object (&peer.process);
  g_free (peer.session_id);
  g_free (peer.order);
  own.want = NULL;
  fixture_close (&own);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/playlists/peers", test_peers);
}

int
main (int   argc,
      char *argv[])
{
  if (peer_wanted (argc, argv))
    return peer_main (argc, argv);
  return pl_test_main (argc, argv, "ui-playlists-peers", add_tests);
}
