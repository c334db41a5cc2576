/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "chaos-net"

#include "chaos-net.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

/* connect() that gives up after @timeout_ms: with a full backlog the kernel
 * would retry the SYN for minutes. */
static gboolean
connect_within (int                       fd,
                const struct sockaddr_in *addr,
                int                       timeout_ms)
{
  int flags = fcntl (fd, F_GETFL);
  struct pollfd pfd = { fd, POLLOUT, 0 };
  int error = 0;
  socklen_t len = sizeof error;

  fcntl (fd, F_SETFL, flags | O_NONBLOCK);
  if (connect (fd, (const struct sockaddr *) addr, sizeof *addr) != 0)
    {
      if (errno != EINPROGRESS || poll (&pfd, 1, timeout_ms) != 1 ||
          getsockopt (fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0)
        return FALSE;
    }
  fcntl (fd, F_SETFL, flags);
  return TRUE;
}

static guint parse_status (const GString *answer);

/* Connects @fd to 127.0.0.1:@port; the descriptor, or -1 (and @fd closed). */
static int
connect_loopback (int     fd,
                  guint16 port)
{
  struct sockaddr_in addr = { 0, };
  int one = 1;

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (!connect_within (fd, &addr, 5000))
    {
      close (fd);
      return -1;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

int
chaos_connect (guint16 port)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  return connect_loopback (fd, port);
}

int
chaos_connect_from (const char *source,
                    guint16     port)
{
  struct sockaddr_in local = { 0, };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  local.sin_family = AF_INET;
  g_assert_cmpint (inet_pton (AF_INET, source, &local.sin_addr), ==, 1);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
  return connect_loopback (fd, port);
}

void
chaos_raise_fd_limit (void)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
}

typedef struct {
  int      fd;
  gint64   start;
  gboolean sent;
  GString *answer;
} Parallel;

guint
chaos_parallel_get (guint16     port,
                    const char *path,
                    const char *token,
                    guint       n,
                    int         timeout_ms,
                    double     *latencies_ms)
{
  g_autofree Parallel *reqs = g_new0 (Parallel, n);
  g_autofree struct pollfd *pfds = g_new0 (struct pollfd, n);
  g_autofree char *auth = token != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", token) : g_strdup ("");
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%sConnection: close\r\n\r\n",
                                              path, port, auth);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint open = n;
  guint ok = 0;

  /* All connections start at once (non-blocking connect): the server sees a
   * burst, as from many dashboards and screens after it restarted. */
  for (guint i = 0; i < n; i++)
    {
      struct sockaddr_in addr = { 0, };

      reqs[i].fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      g_assert_cmpint (reqs[i].fd, >=, 0);
      reqs[i].answer = g_string_new (NULL);
      reqs[i].start = g_get_monotonic_time ();
      latencies_ms[i] = -1;
      addr.sin_family = AF_INET;
      addr.sin_port = htons (port);
      addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (connect (reqs[i].fd, (struct sockaddr *) &addr, sizeof addr) != 0 && errno != EINPROGRESS)
        g_error ("connect: %s", g_strerror (errno));
    }

  while (open > 0 && g_get_monotonic_time () < deadline)
    {
      int r;

      for (guint i = 0; i < n; i++)
        {
          pfds[i].fd = reqs[i].fd;
          pfds[i].events = reqs[i].fd < 0 ? 0 : (reqs[i].sent ? POLLIN : POLLOUT);
          pfds[i].revents = 0;
        }
      r = poll (pfds, n, 100);
      if (r <= 0)
        continue;
      for (guint i = 0; i < n; i++)
        {
          Parallel *req = &reqs[i];
          char buf[4096];
          ssize_t got;

          if (req->fd < 0 || pfds[i].revents == 0)
            continue;
          if (!req->sent)
            {
              if (send (req->fd, request, strlen (request), MSG_NOSIGNAL) == (ssize_t) strlen (request))
                req->sent = TRUE;
              else
                {
                  close (req->fd);
                  req->fd = -1;
                  open--;
                }
              continue;
            }
          got = recv (req->fd, buf, sizeof buf, 0);
          if (got > 0)
            {
              g_string_append_len (req->answer, buf, got);
              continue;
            }
          if (got < 0 && errno == EAGAIN)
            continue;
          /* The answer is complete when the server closes. */
          if (parse_status (req->answer) == 200)
            {
              latencies_ms[i] = (g_get_monotonic_time () - req->start) / 1000.0;
              ok++;
            }
          close (req->fd);
          req->fd = -1;
          open--;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      if (reqs[i].fd >= 0)
        close (reqs[i].fd);
      g_string_free (reqs[i].answer, TRUE);
    }
  return ok;
}

void
chaos_reset (int fd)
{
  struct linger linger = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  close (fd);
}

gboolean
chaos_send (int         fd,
            const void *data,
            gsize       len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Reads once when something arrives before @deadline (monotonic µs):
 * > 0 bytes, 0 at EOF, -1 on error, -2 on timeout. */
static gssize
read_some (int    fd,
           void  *buf,
           gsize  len,
           gint64 deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      int r;

      if (left <= 0)
        return -2;
      r = poll (&pfd, 1, (int) MAX (1, left / 1000));
      if (r < 0 && errno == EINTR)
        continue;
      if (r == 0)
        continue;
      r = (int) recv (fd, buf, len, 0);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0 && errno == EAGAIN)
        continue;
      return r;
    }
}

GString *
chaos_read_all (int   fd,
                int   timeout_ms,
                gsize max)
{
  GString *out = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char buf[16384];

  while (out->len < max)
    {
      gssize n = read_some (fd, buf, sizeof buf, deadline);

      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
    }
  return out;
}

gboolean
chaos_wait_closed (int fd,
                   int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char buf[16384];

  for (;;)
    {
      gssize n = read_some (fd, buf, sizeof buf, deadline);

      if (n == -2)
        return FALSE;
      if (n <= 0)
        return TRUE;
    }
}

static guint
parse_status (const GString *answer)
{
  guint64 status = 0;
  char code[4] = { 0, };

  if (answer->len < 12 || !g_str_has_prefix (answer->str, "HTTP/1."))
    return 0;
  memcpy (code, answer->str + 9, 3);
  g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL);
  return (guint) status;
}

guint
chaos_http (guint16     port,
            const char *method,
            const char *path,
            const char *token,
            const char *body,
            int         timeout_ms)
{
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GString) answer = NULL;
  int fd = chaos_connect (port);
  guint status;

  if (fd < 0)
    return 0;
  g_string_append_printf (request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
                          method, path, port);
  if (token != NULL)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n", token);
  if (body != NULL)
    g_string_append_printf (request, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                            strlen (body));
  g_string_append (request, "\r\n");
  if (body != NULL)
    g_string_append (request, body);
  if (!chaos_send (fd, request->str, request->len))
    {
      close (fd);
      return 0;
    }
  answer = chaos_read_all (fd, timeout_ms, 1024 * 1024);
  close (fd);
  status = parse_status (answer);
  return status;
}

/* Sends what the socket takes before @deadline; FALSE when the server
 * stopped taking (closed, reset, or no room until the deadline). */
static gboolean
send_before (int         fd,
             const char *data,
             gsize       len,
             gint64      deadline)
{
  while (len > 0)
    {
      struct pollfd pfd = { fd, POLLOUT, 0 };
      ssize_t n;

      if (poll (&pfd, 1, 100) <= 0)
        {
          if (g_get_monotonic_time () >= deadline)
            return FALSE;
          continue;
        }
      if (pfd.revents & (POLLERR | POLLHUP))
        return FALSE;
      n = send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

guint
chaos_send_body (guint16     port,
                 const char *method,
                 const char *path,
                 gboolean    chunked,
                 guint64     announced,
                 gsize       size,
                 gsize      *sent)
{
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GString) answer = NULL;
  g_autofree char *filler = g_malloc (65536);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int fd = chaos_connect (port);
  gboolean open = TRUE;

  *sent = 0;
  if (fd < 0)
    return 0;
  memset (filler, ' ', 65536);
  g_string_append_printf (head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n",
                          method, path, port);
  if (chunked)
    g_string_append (head, "Transfer-Encoding: chunked\r\n\r\n");
  else
    g_string_append_printf (head, "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n", announced);
  open = send_before (fd, head->str, head->len, deadline);

  while (open && *sent < size)
    {
      gsize n = MIN (65536, size - *sent);

      if (chunked)
        {
          g_autofree char *chunk_head = g_strdup_printf ("%zx\r\n", n);

          open = send_before (fd, chunk_head, strlen (chunk_head), deadline) &&
                 send_before (fd, filler, n, deadline) &&
                 send_before (fd, "\r\n", 2, deadline);
        }
      else
        open = send_before (fd, filler, n, deadline);
      if (open)
        *sent += n;
    }
  if (open && chunked)
    send_before (fd, "0\r\n\r\n", 5, deadline);

  answer = chaos_read_all (fd, 3000, 65536);
  close (fd);
  return parse_status (answer);
}

/* ---- WebSocket ------------------------------------------------------------- */

gboolean
chaos_ws_send (int         fd,
               guint8      opcode,
               const char *data,
               gsize       len)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 header[14];
  gsize header_len = 2;
  guint32 mask = g_random_int ();
  guint8 *m = (guint8 *) &mask;

  header[0] = 0x80 | opcode;
  if (len < 126)
    header[1] = 0x80 | (guint8) len;
  else if (len <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = (guint8) (len >> 8);
      header[3] = (guint8) len;
      header_len = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = (guint8) ((guint64) len >> (56 - 8 * i));
      header_len = 10;
    }
  memcpy (header + header_len, m, 4);
  header_len += 4;
  g_byte_array_append (frame, header, (guint) header_len);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = (guint8) data[i] ^ m[i & 3];
      g_byte_array_append (frame, &b, 1);
    }
  return chaos_send (fd, frame->data, frame->len);
}

/* Exactly @len bytes before @deadline. */
static gboolean
read_exact (int    fd,
            void  *buf,
            gsize  len,
            gint64 deadline)
{
  char *p = buf;

  while (len > 0)
    {
      gssize n = read_some (fd, p, len, deadline);

      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

char *
chaos_ws_recv_text (int fd,
                    int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      guint8 h[2];
      guint64 len;
      g_autofree char *payload = NULL;

      if (!read_exact (fd, h, 2, deadline))
        return NULL;
      len = h[1] & 0x7f;
      if (len == 126)
        {
          guint8 e[2];
          if (!read_exact (fd, e, 2, deadline))
            return NULL;
          len = ((guint64) e[0] << 8) | e[1];
        }
      else if (len == 127)
        {
          guint8 e[8];
          if (!read_exact (fd, e, 8, deadline))
            return NULL;
          len = 0;
          for (int i = 0; i < 8; i++)
            len = (len << 8) | e[i];
        }
      g_assert_cmpuint (len, <, 64 * 1024 * 1024);
      payload = g_malloc (len + 1);
      if (!read_exact (fd, payload, len, deadline))
        return NULL;
      payload[len] = '\0';
      if ((h[0] & 0x0f) == 0x8)
        return NULL;
      if ((h[0] & 0x0f) == 0x1)
        return g_steal_pointer (&payload);
    }
}

int
chaos_ws_open (guint16 port)
{
  g_autofree char *request = NULL;
  GString *head = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autofree char *open = NULL;
  int fd = chaos_connect (port);

  if (fd < 0)
    {
      g_string_free (head, TRUE);
      return -1;
    }
  request = g_strdup_printf ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                             port);
  if (!chaos_send (fd, request, strlen (request)))
    goto fail;
  /* Byte by byte up to the blank line: the frames that follow stay unread. */
  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      char c;

      if (head->len > 4096 || read_some (fd, &c, 1, deadline) != 1)
        goto fail;
      g_string_append_c (head, c);
    }
  if (!g_str_has_prefix (head->str, "HTTP/1.1 101"))
    goto fail;
  open = chaos_ws_recv_text (fd, 10000);
  if (open == NULL || open[0] != '0')
    goto fail;
  g_string_free (head, TRUE);
  return fd;

fail:
  g_string_free (head, TRUE);
  close (fd);
  return -1;
}

int
chaos_ws_sign_in (guint16     port,
                  const char *token)
{
  g_autofree char *connect = g_strdup_printf ("40{\"token\":\"%s\"}", token);
  int fd = chaos_ws_open (port);

  if (fd < 0)
    return -1;
  chaos_ws_send (fd, 0x1, connect, strlen (connect));
  for (;;)
    {
      g_autofree char *text = chaos_ws_recv_text (fd, 10000);

      if (text == NULL || g_str_has_prefix (text, "44"))
        break;
      if (g_str_has_prefix (text, "40"))
        return fd;
    }
  close (fd);
  return -1;
}

/* ---- the server process ---------------------------------------------------- */

static gsize
status_field_kib (GPid        pid,
                  const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], field))
      return (gsize) g_ascii_strtoull (lines[i] + strlen (field), NULL, 10);
  return 0;
}

gsize
chaos_rss_kib (GPid pid)
{
  return status_field_kib (pid, "VmRSS:");
}

gsize
chaos_peak_rss_kib (GPid pid)
{
  return status_field_kib (pid, "VmHWM:");
}

guint
chaos_count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}
