/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chaos-http"
#define _GNU_SOURCE  /* prlimit */

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "chaos-net.h"
#include "vz-listener.h"
#include "vz-test-server.h"

/*
 * The HTTP side of the real vizora-server under abuse on loopback: idle and
 * half-sent requests, connection caps, running out of descriptors and
 * recovering, and a burst of parallel requests. Timeouts are set short
 * through the server's options, so nothing here sleeps for long.
 */

static GPid
server_pid (VzTestServer *server)
{
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
}

static guint
health (VzTestServer *server,
        int           timeout_ms)
{
  return chaos_http (server->port, "GET", "/api/v1/health", NULL, NULL, timeout_ms);
}

/* /health within 5 s, asked again while the answer is not 200. */
static guint
health_soon (VzTestServer *server)
{
  gint64 start = g_get_monotonic_time ();
  guint status = 0;

  while (status != 200 && g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC)
    {
      status = health (server, 2000);
      if (status != 200)
        g_usleep (50 * 1000);
    }
  return status;
}

/* Connections that send nothing, half the headers, a trickle of header bytes,
 * or half the announced body are all closed by the server once the header
 * (1 s) or request (1 s) timeout passes; none is closed much earlier. */
static void
test_idle_and_half_sent_closed (void)
{
  const char *args[] = { "--header-timeout", "1", "--request-timeout", "1", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  static const char half_headers[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  static const char half_body[] =
    "PATCH /api/v1/displays/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Content-Length: 100\r\n\r\n{\"name\":";
  int idle = chaos_connect (server->port);
  int headers = chaos_connect (server->port);
  int body = chaos_connect (server->port);
  int trickle = chaos_connect (server->port);
  gint64 start = g_get_monotonic_time ();
  gboolean trickle_closed = FALSE;

  g_assert_cmpint (idle, >=, 0);
  g_assert_cmpint (headers, >=, 0);
  g_assert_cmpint (body, >=, 0);
  g_assert_cmpint (trickle, >=, 0);
  g_assert_true (chaos_send (headers, half_headers, strlen (half_headers)));
  g_assert_true (chaos_send (body, half_body, strlen (half_body)));

  /* One header byte every 200 ms: each byte is progress, but the headers
   * never complete; only a deadline for the whole header ends it. */
  for (guint i = 0; i < 30 && !trickle_closed; i++)
    {
      trickle_closed = !chaos_send (trickle, "X", 1) || chaos_wait_closed (trickle, 200);
    }
  g_assert_true (trickle_closed);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 800 * 1000);

  g_assert_true (chaos_wait_closed (idle, 3000));
  g_assert_true (chaos_wait_closed (headers, 3000));
  g_assert_true (chaos_wait_closed (body, 3000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  close (idle);
  close (headers);
  close (body);
  close (trickle);

  g_assert_cmpuint (health (server, 5000), ==, 200);
}

/* Reads the first bytes the server sends on @fd: "HTTP/1.1 503" for a
 * connection over a cap, nothing (a timeout) for one that was taken. */
static gboolean
refused_busy (int fd)
{
  g_autoptr(GString) answer = chaos_read_all (fd, 300, 64);

  return g_str_has_prefix (answer->str, "HTTP/1.1 503");
}

/* At most 6 connections from one (loopback) address and 10 in all: the next
 * one is answered 503 and closed; once some close, new ones are taken again. */
static void
test_connection_caps (void)
{
  const char *args[] = { "--max-connections", "10", "--max-connections-per-loopback-address", "6",
                         "--header-timeout", "30", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  int from_one[6];
  int from_two[4];
  int extra;

  for (guint i = 0; i < G_N_ELEMENTS (from_one); i++)
    {
      from_one[i] = chaos_connect (server->port);
      g_assert_cmpint (from_one[i], >=, 0);
    }
  extra = chaos_connect (server->port);
  g_assert_true (refused_busy (extra));
  close (extra);

  /* Another client address still gets in, up to the total cap. */
  for (guint i = 0; i < G_N_ELEMENTS (from_two); i++)
    {
      from_two[i] = chaos_connect_from ("127.0.0.2", server->port);
      g_assert_cmpint (from_two[i], >=, 0);
      g_assert_false (refused_busy (from_two[i]));
    }
  extra = chaos_connect_from ("127.0.0.3", server->port);
  g_assert_true (refused_busy (extra));
  close (extra);

  for (guint i = 0; i < G_N_ELEMENTS (from_one); i++)
    close (from_one[i]);
  for (guint i = 0; i < G_N_ELEMENTS (from_two); i++)
    close (from_two[i]);
  /* A slot is free once the server has seen the hang-up: within a few turns. */
  g_assert_cmpuint (health_soon (server), ==, 200);
}

/* With its default limits the server takes more than 1,024 connections from
 * 127.0.0.1 (the per-address cap for remote clients): a simulator on the same
 * computer brings thousands of screens from there. The last one is answered. */
static void
test_loopback_room (void)
{
  const char *args[] = { "--header-timeout", "60", NULL };
  g_autoptr(VzTestServer) server = NULL;
  static const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  enum { N = 1100 };
  int fds[N];
  g_autoptr(GString) answer = NULL;
  struct rlimit limit;

  chaos_raise_fd_limit ();
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < N + 100)
    {
      g_test_skip ("the descriptor limit is too low for 1,100 connections");
      return;
    }
  server = vz_test_server_start (args);
  for (guint i = 0; i < N; i++)
    {
      fds[i] = chaos_connect (server->port);
      g_assert_cmpint (fds[i], >=, 0);
    }
  g_assert_true (chaos_send (fds[N - 1], request, strlen (request)));
  answer = chaos_read_all (fds[N - 1], 10000, 256);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
  for (guint i = 0; i < N; i++)
    close (fds[i]);
  g_assert_cmpuint (health_soon (server), ==, 200);
}

/* The per-address cap for remote clients stays; loopback has its own. */
static void
test_cap_for_address (void)
{
  const VzListenerLimits limits = {
    .header_timeout_ms = 1000, .request_timeout_ms = 1000,
    .max_per_address = 1024, .max_per_loopback = 16384,
  };
  static const struct {
    const char *address;
    guint       cap;
  } cases[] = {
    { "10.0.0.7", 1024 }, { "192.168.1.20", 1024 }, { "2001:db8::1", 1024 }, { "::ffff:127.0.0.1", 1024 },
    { "127.0.0.1", 16384 }, { "127.0.0.2", 16384 }, { "::1", 16384 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);

      g_assert_nonnull (address);
      g_assert_cmpuint (vz_listener_limits_cap_for (&limits, address), ==, cases[i].cap);
    }
}

/* With its descriptor limit lowered under it, the server runs out of
 * descriptors while idle peers hold them; once they leave, it accepts again
 * (without a timeout doing the work: the header timeout is long here). */
static void
test_descriptor_exhaustion_recovers (void)
{
  const char *args[] = { "--header-timeout", "60", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  GPid pid = server_pid (server);
  /* 20 taken, 8 left waiting in the backlog (old servers had room for 11 there). */
  enum { N_IDLE = 28 };
  int idle[N_IDLE];
  struct rlimit low;

  /* Room for 20 more descriptors than the server has open now. */
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, NULL, &low), ==, 0);
  low.rlim_cur = chaos_count_fds (pid) + 20;
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &low, NULL), ==, 0);

  for (guint i = 0; i < N_IDLE; i++)
    {
      idle[i] = chaos_connect (server->port);
      g_assert_cmpint (idle[i], >=, 0);
    }
  /* Out of descriptors: a request waits in the backlog, unanswered. */
  g_assert_cmpuint (health (server, 1500), ==, 0);
  g_assert_cmpuint (chaos_count_fds (pid), <=, low.rlim_cur);

  for (guint i = 0; i < N_IDLE; i++)
    close (idle[i]);
  g_assert_cmpuint (health_soon (server), ==, 200);
}

/* 1,000 requests at once, each on its own connection: all answered. */
static void
test_parallel_requests (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  enum { N = 1000 };
  double latencies[N];
  guint answered = chaos_parallel_get (server->port, "/api/v1/health", NULL, N, 30000, latencies);
  double slowest = 0;

  for (guint i = 0; i < N; i++)
    slowest = MAX (slowest, latencies[i]);
  g_test_message ("%u of %d answered; slowest %.0f ms", answered, N, slowest);
  g_assert_cmpuint (answered, ==, N);
  /* A backlog of 10 made the last ones wait for SYN retries (1 s, 3 s, 7 s …). */
  g_assert_cmpfloat (slowest, <, 10000);
}

/* Every route the server has, a few it has not, and the realtime endpoint. */
static const struct {
  const char *method;
  const char *path;
} body_targets[] = {
  { "GET", "/health" },
  { "POST", "/nowhere" },
  { "GET", "/api/v1/health" },
  { "POST", "/api/v1/nowhere" },
  { "POST", "/api/v1/auth/login" },
  { "POST", "/api/v1/auth/refresh" },
  { "GET", "/api/v1/auth/me" },
  { "POST", "/api/v1/auth/logout" },
  { "POST", "/api/v1/devices/pairing/request" },
  { "GET", "/api/v1/devices/pairing/status/ABC123" },
  { "POST", "/api/v1/devices/pairing/complete" },
  { "GET", "/api/v1/devices/pairing/active" },
  { "GET", "/api/v1/displays" },
  { "POST", "/api/v1/displays/bulk/delete" },
  { "POST", "/api/v1/displays/bulk/assign-group" },
  { "GET", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "PATCH", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "DELETE", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "POST", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41/screenshot" },
  { "GET", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41/screenshot" },
  { "GET", "/api/v1/displays/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41/metrics" },
  { "GET", "/api/v1/display-groups" },
  { "POST", "/api/v1/display-groups" },
  { "GET", "/api/v1/display-groups/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "PATCH", "/api/v1/display-groups/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "DELETE", "/api/v1/display-groups/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41" },
  { "POST", "/api/v1/display-groups/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41/displays" },
  { "DELETE", "/api/v1/display-groups/0b5c1e9a-4a57-4c1e-9a8e-0c6f3e2b7d41/displays" },
  { "POST", "/api/v1/fleet/commands" },
  { "GET", "/api/v1/media/screenshots/x.png" },
  { "POST", "/socket.io/?EIO=4&transport=polling" },
  { "GET", "/socket.io/?EIO=4&transport=polling" },
};

/* A 2 GiB Content-Length and 24 MiB chunked bodies (with no sign-in) to
 * every route: each is refused after at most a few MiB, and the server's
 * peak resident memory grows by far less than one body. */
static void
test_oversize_bodies_bounded (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  GPid pid = server_pid (server);
  const gsize body = 24 * 1024 * 1024;
  gsize peak_before;
  gsize peak_after;

  /* Warm up what a first request allocates (route tables, TLS of libsoup…). */
  g_assert_cmpuint (health (server, 5000), ==, 200);
  peak_before = chaos_peak_rss_kib (pid);

  for (guint i = 0; i < G_N_ELEMENTS (body_targets); i++)
    {
      for (guint chunked = 0; chunked <= 1; chunked++)
        {
          gsize sent = 0;
          guint status = chaos_send_body (server->port, body_targets[i].method, body_targets[i].path, chunked,
                                          chunked ? 0 : G_GUINT64_CONSTANT (2) << 30, body, &sent);

          g_test_message ("%s %s %s: %u after %zu KiB", body_targets[i].method, body_targets[i].path,
                          chunked ? "chunked" : "2 GiB announced", status, sent / 1024);
          /* Refused, not read to the end: the body stops going out. */
          g_assert_cmpuint (sent, <, body);
          g_assert_true (status == 0 || status == 400 || status == 404 || status == 413);
        }
    }
  peak_after = chaos_peak_rss_kib (pid);
  g_test_message ("server peak RSS %zu KiB before, %zu KiB after", peak_before, peak_after);
  g_assert_cmpuint (peak_after, <, peak_before + 16 * 1024);
  g_assert_cmpuint (health (server, 5000), ==, 200);
}

/* Time zones are names from the zone database, never paths: a FIFO, a
 * device and a way out of the zone folder are refused at once (opening the
 * FIFO used to block the whole server), real names are taken. */
static void
test_timezone_never_a_path (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *display_id = vz_test_server_pair_screen (server, token, "Zone screen", NULL);
  g_autofree char *path = g_strconcat ("/api/v1/displays/", display_id, NULL);
  g_autofree char *fifo = g_build_filename (server->data_dir, "zone-fifo", NULL);
  g_autofree char *relative = g_strconcat ("../../../../../../../..", fifo, NULL);
  const char *refused[] = { fifo, relative, "/dev/zero", "Europe/../../../etc/passwd", "Europe//Berlin",
                            "Europe/Berlin/", "./UTC", "Mars/Olympus", "Europe/Ber lin", "" };
  const char *taken[] = { "Europe/Berlin", "America/Port-au-Prince", "Etc/GMT+5", "UTC" };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"timezone\":\"%s\"}", refused[i]);

      g_test_message ("timezone “%s”", refused[i]);
      g_assert_cmpuint (chaos_http (server->port, "PATCH", path, token, body, 5000), ==, 400);
    }
  for (guint i = 0; i < G_N_ELEMENTS (taken); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"timezone\":\"%s\"}", taken[i]);

      g_test_message ("timezone “%s”", taken[i]);
      g_assert_cmpuint (chaos_http (server->port, "PATCH", path, token, body, 5000), ==, 200);
    }
  g_assert_cmpuint (health (server, 5000), ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  chaos_raise_fd_limit ();

  g_test_add_func ("/chaos/http/idle-and-half-sent-closed", test_idle_and_half_sent_closed);
  g_test_add_func ("/chaos/http/connection-caps", test_connection_caps);
  g_test_add_func ("/chaos/http/loopback-room", test_loopback_room);
  g_test_add_func ("/chaos/http/cap-for-address", test_cap_for_address);
  g_test_add_func ("/chaos/http/descriptor-exhaustion-recovers", test_descriptor_exhaustion_recovers);
  g_test_add_func ("/chaos/http/parallel-requests", test_parallel_requests);
  g_test_add_func ("/chaos/http/oversize-bodies-bounded", test_oversize_bodies_bounded);
  g_test_add_func ("/chaos/http/timezone-never-a-path", test_timezone_never_a_path);
  return g_test_run ();
}
