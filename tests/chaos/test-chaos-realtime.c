/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chaos-realtime"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "chaos-net.h"
#include "vz-test-server.h"

/*
 * The realtime side of the real vizora-server under abuse on loopback:
 * peers that reset their connection while the server still has output
 * queued for them (with and without sign-in, while events flow), ping bursts
 * closed unread, and peers that go silent. Every loop is bounded in count and
 * time. After each abuse the server must still be running and answering.
 */

static GPid
server_pid (VzTestServer *server)
{
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
}

/* The server process has not died (a crash leaves a zombie until waited for). */
static void
assert_server_running (VzTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) server_pid (server));
  g_autofree char *stat = NULL;
  const char *paren;

  g_assert_true (g_file_get_contents (path, &stat, NULL, NULL));
  paren = strrchr (stat, ')');
  g_assert_nonnull (paren);
  g_assert_cmpint (paren[2], !=, 'Z');
}

/* The server process is alive and answers /health. */
static void
assert_server_alive (VzTestServer *server)
{
  assert_server_running (server);
  g_assert_cmpuint (chaos_http (server->port, "GET", "/api/v1/health", NULL, NULL, 10000), ==, 200);
}

/* A signed-in realtime peer; a failure to sign in first checks that the
 * server did not die. */
static int
sign_in (VzTestServer *server,
         const char   *token)
{
  int fd = chaos_ws_sign_in (server->port, token);

  if (fd < 0)
    assert_server_running (server);
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

/* Unsigned peers open the realtime socket, ask for answers (WebSocket pings
 * and Engine.IO pings) and vanish: half with a reset, half with a plain close
 * that leaves the answers unread (the kernel then resets too). */
static void
test_ping_bursts_reset (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  const guint rounds = 12;
  const guint peers_per_round = 25;
  char ping[100];

  memset (ping, 'p', sizeof ping);
  for (guint round = 0; round < rounds; round++)
    {
      int fds[25];

      for (guint i = 0; i < peers_per_round; i++)
        {
          fds[i] = chaos_ws_open (server->port);
          g_assert_cmpint (fds[i], >=, 0);
        }
      for (guint i = 0; i < peers_per_round; i++)
        {
          for (guint k = 0; k < 40; k++)
            {
              chaos_ws_send (fds[i], 0x9, ping, sizeof ping);
              chaos_ws_send (fds[i], 0x1, "2", 1);
            }
          if (i % 2 == 0)
            chaos_reset (fds[i]);
          else
            close (fds[i]);
        }
      /* Give the server a few turns of its loop to write into the dead sockets. */
      g_usleep (20 * 1000);
    }
  g_usleep (200 * 1000);
  assert_server_alive (server);
}

/* The contract allows 10 realtime connects a minute per token: tokens are
 * handed out so that none is used more often. */
#define CONNECTS_PER_TOKEN 10

typedef struct {
  GPtrArray *tokens;   /* char* */
  guint      uses;     /* of the last one */
} TokenPool;

static const char *
pool_next (TokenPool *pool,
           char *   (*fresh) (gpointer),
           gpointer   data)
{
  if (pool->tokens->len == 0 || pool->uses == CONNECTS_PER_TOKEN)
    {
      g_ptr_array_add (pool->tokens, fresh (data));
      pool->uses = 0;
    }
  pool->uses++;
  return g_ptr_array_index (pool->tokens, pool->tokens->len - 1);
}

static char *
fresh_dashboard_token (gpointer data)
{
  return vz_test_server_login (data);
}

typedef struct {
  VzTestServer *server;
  char         *access_token;
  guint         screens;
} Pairing;

static char *
fresh_device_token (gpointer data)
{
  Pairing *pairing = data;
  g_autofree char *name = g_strdup_printf ("Chaos screen %u", ++pairing->screens);
  char *device_token = NULL;

  g_free (vz_test_server_pair_screen (pairing->server, pairing->access_token, name, &device_token));
  return device_token;
}

/* Signed-in dashboards sit in their organization's room and never read, while
 * screens connecting and going away make the server broadcast their status to
 * them; half the dashboards are reset and replaced in every round. */
static void
test_reset_while_events_flow (void)
{
  /* Hundreds of connects with one token: far beyond the contract's 10 a minute. */
  const char *args[] = { "--connect-rate", "10000", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *token = vz_test_server_login (server);
  Pairing pairing = { server, token, 0 };
  TokenPool dashboard_tokens = { g_ptr_array_new_with_free_func (g_free), 0 };
  TokenPool device_tokens = { g_ptr_array_new_with_free_func (g_free), 0 };
  enum { N_DASHBOARDS = 24 };
  int dashboards[N_DASHBOARDS];
  const guint rounds = 10;

  for (guint i = 0; i < N_DASHBOARDS; i++)
    dashboards[i] = sign_in (server, pool_next (&dashboard_tokens, fresh_dashboard_token, server));

  for (guint round = 0; round < rounds; round++)
    {
      for (guint k = 0; k < 4; k++)
        {
          /* online, then offline: two device:status events to every dashboard */
          int device = sign_in (server, pool_next (&device_tokens, fresh_device_token, &pairing));

          if ((k + round) % 2 == 0)
            chaos_reset (device);
          else
            close (device);
        }
      for (guint i = round % 2; i < N_DASHBOARDS; i += 2)
        {
          chaos_reset (dashboards[i]);
          dashboards[i] = sign_in (server, pool_next (&dashboard_tokens, fresh_dashboard_token, server));
        }
    }
  for (guint i = 0; i < N_DASHBOARDS; i++)
    chaos_reset (dashboards[i]);
  g_usleep (200 * 1000);
  assert_server_alive (server);
  g_ptr_array_unref (dashboard_tokens.tokens);
  g_ptr_array_unref (device_tokens.tokens);
}

/* A signed-in peer that stops reading and never answers a ping is closed once
 * the ping timeout passes (1 s + 1 s here), and so is a peer that opens the
 * socket and never signs in (the connect timeout). */
static void
test_silent_peers_closed (void)
{
  const char *args[] = { "--ping-interval", "1", "--ping-timeout", "1", "--connect-timeout", "1", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *token = vz_test_server_login (server);
  int silent = sign_in (server, token);
  int unsigned_peer = chaos_ws_open (server->port);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (unsigned_peer, >=, 0);
  g_assert_true (chaos_wait_closed (unsigned_peer, 5000));
  g_assert_true (chaos_wait_closed (silent, 6000));
  /* Not before the ping interval and timeout passed. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * 1000);
  close (silent);
  close (unsigned_peer);
  assert_server_alive (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/chaos/realtime/ping-bursts-reset", test_ping_bursts_reset);
  g_test_add_func ("/chaos/realtime/reset-while-events-flow", test_reset_while_events_flow);
  g_test_add_func ("/chaos/realtime/silent-peers-closed", test_silent_peers_closed);
  return g_test_run ();
}
