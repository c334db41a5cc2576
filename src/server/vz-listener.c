/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* accept4 */
#define G_LOG_DOMAIN "vz-listener"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "vz-listener.h"

/*
 * Connections are tracked by their GSocket, held weakly: a socket that
 * closes (g_socket_is_closed) or goes away (weak notify) leaves the table.
 * One timer walks the table for the deadlines; with 10,000 realtime peers that
 * is a few microseconds a tick, where a GSource per connection would make
 * every main-loop turn poll them all.
 */

#define ACCEPT_BATCH        64
#define RETRY_FIRST_MS      50
#define RETRY_MAX_MS        1000
/* Descriptors kept free for the database, media files and logs when the
 * connection cap is derived from the descriptor limit. */
#define RESERVED_FDS        64

typedef struct {
  VzListener *listener;      /* unowned: the listener frees its entries */
  GSocket    *socket;        /* weak; the key of the table */
  char       *address;       /* the client's address, key of per_address */
  gint64      deadline;      /* monotonic µs; 0: none */
} Conn;

struct _VzListener
{
  GObject           parent_instance;

  GWeakRef          server;          /* SoupServer */
  GSocket          *socket;
  guint16           port;
  VzListenerLimits  limits;

  GSource          *accept_source;
  guint             retry_id;
  guint             retry_ms;
  guint             sweep_id;

  GHashTable       *conns;           /* GSocket* → Conn* (owned) */
  GHashTable       *per_address;     /* address → count */
  GSocket          *accepting;       /* the socket soup_server_accept_iostream() is taking */
  gint64            last_cap_sweep;
  guint             refused;         /* since the last report */
  gint64            refused_reported;
};

G_DEFINE_FINAL_TYPE (VzListener, vz_listener, G_TYPE_OBJECT)

static const char busy_answer[] =
  "HTTP/1.1 503 Service Unavailable\r\n"
  "Content-Type: application/json; charset=utf-8\r\n"
  "Connection: close\r\n"
  "Retry-After: 5\r\n"
  "Content-Length: 109\r\n"
  "\r\n"
  "{\"statusCode\":503,\"message\":\"The server has too many open connections. Try again later.\",\"error\":\"Busy\"}";

static void conn_socket_gone_cb (gpointer data, GObject *where_the_socket_was);

/* ---- the table ------------------------------------------------------------ */

static void
conn_free (Conn *conn)
{
  g_free (conn->address);
  g_free (conn);
}

/* Takes @conn out of the table and the address counts, and frees it. */
static void
conn_forget (VzListener *self,
             Conn       *conn,
             gboolean    socket_alive)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->address));

  if (count <= 1)
    g_hash_table_remove (self->per_address, conn->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (count - 1));
  if (socket_alive)
    g_object_weak_unref (G_OBJECT (conn->socket), conn_socket_gone_cb, conn);
  g_hash_table_remove (self->conns, conn->socket);
}

static void
conn_socket_gone_cb (gpointer  data,
                     GObject  *where_the_socket_was)
{
  Conn *conn = data;

  conn_forget (conn->listener, conn, FALSE);
}

static Conn *
conn_lookup (VzListener *self,
             GSocket    *socket)
{
  return socket != NULL ? g_hash_table_lookup (self->conns, socket) : NULL;
}

/* Forgets closed connections; with @enforce also ends those past their deadline. */
static void
sweep (VzListener *self,
       gboolean    enforce)
{
  g_autoptr(GPtrArray) closed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;

      if (g_socket_is_closed (conn->socket))
        g_ptr_array_add (closed, conn);
      else if (enforce && conn->deadline != 0 && now >= conn->deadline)
        {
          g_debug ("Closing a connection from %s: it did not send its request, or take its answer, in time",
                   conn->address);
          conn->deadline = 0;
          /* libsoup still owns the descriptor: a shutdown makes its pending
           * read or write fail, and it closes the connection itself. */
          g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
        }
    }
  for (guint i = 0; i < closed->len; i++)
    conn_forget (self, g_ptr_array_index (closed, i), TRUE);
}

static gboolean
sweep_cb (gpointer user_data)
{
  sweep (user_data, TRUE);
  return G_SOURCE_CONTINUE;
}

/* ---- following a request -------------------------------------------------- */

static Conn *
message_conn (VzListener        *self,
              SoupServerMessage *msg)
{
  return conn_lookup (self, g_object_get_data (G_OBJECT (msg), "vz-listener-socket"));
}

static void
set_deadline (Conn  *conn,
              guint  timeout_ms)
{
  if (conn != NULL)
    conn->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
}

static void
got_headers_cb (SoupServerMessage *msg,
                VzListener        *self)
{
  set_deadline (message_conn (self, msg), self->limits.request_timeout_ms);
}

static void
got_body_cb (SoupServerMessage *msg,
             VzListener        *self)
{
  Conn *conn = message_conn (self, msg);

  /* The handler has the request now: a long poll or a paused answer is its business. */
  if (conn != NULL)
    conn->deadline = 0;
}

static void
wrote_headers_cb (SoupServerMessage *msg,
                  VzListener        *self)
{
  set_deadline (message_conn (self, msg), self->limits.request_timeout_ms);
}

/* A piece of body in or out: a message timed by progress gets its time again. */
static void
progress (VzListener        *self,
          SoupServerMessage *msg)
{
  Conn *conn;

  if (g_object_get_data (G_OBJECT (msg), "vz-listener-progress") == NULL)
    return;
  conn = message_conn (self, msg);
  if (conn != NULL && conn->deadline != 0)
    set_deadline (conn, self->limits.request_timeout_ms);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              VzListener        *self)
{
  progress (self, msg);
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                VzListener        *self)
{
  progress (self, msg);
}

static void
wrote_informational_cb (SoupServerMessage *msg,
                        VzListener        *self)
{
  Conn *conn = message_conn (self, msg);

  /* Switching protocols: the realtime hub takes the socket and its pings time it out. */
  if (conn != NULL && soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    conn->deadline = 0;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    VzListener        *self)
{
  /* Only the first message of a connection we accepted: every answer ends
   * the connection, so there is no second one. */
  if (self->accepting == NULL)
    return;
  g_object_set_data_full (G_OBJECT (msg), "vz-listener-socket",
                          g_object_ref (self->accepting), g_object_unref);
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-body", G_CALLBACK (got_body_cb), self, 0);
  g_signal_connect_object (msg, "wrote-headers", G_CALLBACK (wrote_headers_cb), self, 0);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (wrote_informational_cb), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
  g_signal_connect_object (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), self, 0);
}

/* ---- accepting ------------------------------------------------------------ */

static char *
address_key (const struct sockaddr_storage *addr)
{
  char text[INET6_ADDRSTRLEN] = "";

  if (addr->ss_family == AF_INET)
    inet_ntop (AF_INET, &((const struct sockaddr_in *) addr)->sin_addr, text, sizeof text);
  else if (addr->ss_family == AF_INET6)
    inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) addr)->sin6_addr, text, sizeof text);
  return g_strdup (text);
}

static void
refuse (VzListener *self,
        int         fd,
        const char *address,
        const char *why)
{
  gint64 now = g_get_monotonic_time ();

  /* Best effort: an empty send buffer takes the whole answer. */
  if (send (fd, busy_answer, strlen (busy_answer), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
    g_debug ("Could not tell %s that the server is busy: %s", address, g_strerror (errno));
  close (fd);

  /* A flood is one line in the log every ten seconds, not one per connection. */
  self->refused++;
  if (now - self->refused_reported >= 10 * G_USEC_PER_SEC)
    {
      g_message ("Refused %u connection(s) in the last seconds (the last from %s: %s)",
                 self->refused, address, why);
      self->refused = 0;
      self->refused_reported = now;
    }
}

guint
vz_listener_limits_cap_for (const VzListenerLimits *limits,
                            GInetAddress           *address)
{
  g_return_val_if_fail (limits != NULL, 0);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), 0);

  return g_inet_address_get_is_loopback (address) ? limits->max_per_loopback : limits->max_per_address;
}

static gboolean
over_cap (VzListener *self,
          const char *address,
          guint       per_address_cap,
          const char **why)
{
  guint from_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));

  if (g_hash_table_size (self->conns) < self->limits.max_connections &&
      (per_address_cap == 0 || from_address < per_address_cap))
    return FALSE;

  /* Connections closed since the last sweep still count: forget them first,
   * but not on every refusal of a flood (a sweep walks every connection). */
  if (g_get_monotonic_time () - self->last_cap_sweep >= 100 * 1000)
    {
      self->last_cap_sweep = g_get_monotonic_time ();
      sweep (self, FALSE);
    }
  from_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  if (g_hash_table_size (self->conns) >= self->limits.max_connections)
    {
      *why = "too many open connections";
      return TRUE;
    }
  if (per_address_cap != 0 && from_address >= per_address_cap)
    {
      *why = "too many open connections from that address";
      return TRUE;
    }
  return FALSE;
}

static void
take (VzListener                    *self,
      int                            fd,
      const struct sockaddr_storage *addr,
      socklen_t                      addr_len)
{
  g_autofree char *address = address_key (addr);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(SoupServer) server = g_weak_ref_get (&self->server);
  const char *why = NULL;
  Conn *conn;
  guint count;

  remote = g_socket_address_new_from_native ((gpointer) addr, addr_len);
  if (server == NULL)
    why = "the server is stopping";
  else if (!G_IS_INET_SOCKET_ADDRESS (remote))
    why = "not an internet address";
  else
    over_cap (self, address,
              vz_listener_limits_cap_for (&self->limits,
                                          g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))),
              &why);
  if (why != NULL)
    {
      refuse (self, fd, address, why);
      return;
    }

  socket = g_socket_new_from_fd (fd, &error);
  if (socket == NULL)
    {
      g_message ("Could not take a connection from %s: %s", address, error->message);
      close (fd);
      return;
    }
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  local = g_socket_get_local_address (socket, NULL);
  if (local == NULL)
    {
      g_debug ("A connection from %s went away before it was taken", address);
      return;
    }

  conn = g_new0 (Conn, 1);
  conn->listener = self;
  conn->socket = socket;
  conn->address = g_strdup (address);
  set_deadline (conn, self->limits.header_timeout_ms);
  g_object_weak_ref (G_OBJECT (socket), conn_socket_gone_cb, conn);
  g_hash_table_insert (self->conns, socket, conn);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  g_hash_table_insert (self->per_address, g_steal_pointer (&address), GUINT_TO_POINTER (count + 1));

  connection = g_socket_connection_factory_create_connection (socket);
  self->accepting = socket;
  soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, NULL);
  self->accepting = NULL;
}

static gboolean accept_cb (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
watch_socket (VzListener *self)
{
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_set_static_name (self->accept_source, "[vizora] accept");
  g_source_attach (self->accept_source, g_main_context_get_thread_default ());
}

static gboolean
retry_cb (gpointer user_data)
{
  VzListener *self = user_data;

  self->retry_id = 0;
  watch_socket (self);
  return G_SOURCE_REMOVE;
}

/* Out of descriptors (or kernel memory): the waiting connections stay in the
 * backlog; try again later rather than spin on a socket that stays readable. */
static void
pause_accepting (VzListener *self,
                 int         saved_errno)
{
  self->retry_ms = self->retry_ms == 0 ? RETRY_FIRST_MS : MIN (self->retry_ms * 2, RETRY_MAX_MS);
  g_message ("Cannot accept connections for now (%s); trying again in %u ms",
             g_strerror (saved_errno), self->retry_ms);
  sweep (self, FALSE);
  g_clear_pointer (&self->accept_source, g_source_unref);
  self->retry_id = g_timeout_add (self->retry_ms, retry_cb, self);
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  VzListener *self = user_data;
  g_autoptr(VzListener) hold G_GNUC_UNUSED = g_object_ref (self);

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      struct sockaddr_storage addr;
      socklen_t addr_len = sizeof addr;
      int fd = accept4 (g_socket_get_fd (self->socket), (struct sockaddr *) &addr, &addr_len,
                        SOCK_CLOEXEC | SOCK_NONBLOCK);

      if (fd < 0)
        {
          int saved = errno;

          switch (saved)
            {
            case EAGAIN:
              return G_SOURCE_CONTINUE;
            case EINTR:
            case ECONNABORTED:
            case EPROTO:
            case EPERM:
              continue;   /* that one connection failed, not the listener */
            default:
              pause_accepting (self, saved);
              return G_SOURCE_REMOVE;
            }
        }
      self->retry_ms = 0;
      take (self, fd, &addr, addr_len);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- refusing a request --------------------------------------------------- */

/*
 * After a refusal the client may still be sending the body, and many clients
 * (libsoup among them) read the answer only once they have sent it all:
 * closing at once would make their send fail with a reset instead. So the
 * rest of a body up to DRAIN_MAX bytes, for at most DRAIN_MS, is read and
 * dropped (never kept), and then the connection closes.
 */
#define DRAIN_MAX  (4 * 1024 * 1024)
#define DRAIN_MS   2000

typedef struct {
  GIOStream *stream;
  GSource   *source;
  guint      timeout_id;
  gsize      left;
} Drain;

static void
drain_finish (Drain *drain)
{
  g_source_destroy (drain->source);
  g_source_unref (drain->source);
  g_clear_handle_id (&drain->timeout_id, g_source_remove);
  g_io_stream_close (drain->stream, NULL, NULL);
  g_object_unref (drain->stream);
  g_free (drain);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  Drain *drain = user_data;

  drain->timeout_id = 0;
  drain_finish (drain);
  return G_SOURCE_REMOVE;
}

static gboolean
drain_read_cb (GObject  *pollable,
               gpointer  user_data)
{
  Drain *drain = user_data;
  char buf[16384];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (pollable), buf,
                                                          MIN (sizeof buf, drain->left), NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (n <= 0 || (drain->left -= (gsize) n) == 0)
        {
          drain_finish (drain);
          return G_SOURCE_REMOVE;
        }
    }
}

void
vz_listener_refuse (SoupServerMessage *msg,
                    guint              status,
                    const char        *content_type,
                    const char        *body)
{
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *answer = NULL;
  SoupMessageHeaders *headers;
  GOutputStream *out;
  GInputStream *in;
  goffset length = -1;
  Drain *drain;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (content_type != NULL && body != NULL);

  headers = soup_server_message_get_request_headers (msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (headers);

  /* Taking the connection from libsoup is what keeps it from reading (and
   * buffering) the body it would otherwise read before answering. */
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  answer = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                            "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
                            status, soup_status_get_phrase (status), content_type, strlen (body), body);
  out = g_io_stream_get_output_stream (stream);
  in = g_io_stream_get_input_stream (stream);
  if (!G_IS_POLLABLE_OUTPUT_STREAM (out) || !G_IS_POLLABLE_INPUT_STREAM (in) ||
      g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out), answer, strlen (answer),
                                                  NULL, NULL) < (gssize) strlen (answer) ||
      length > DRAIN_MAX)
    {
      /* A body too long to wait for, or a client that does not read. */
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  drain = g_new0 (Drain, 1);
  drain->stream = g_steal_pointer (&stream);
  drain->left = DRAIN_MAX;
  drain->source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (in), NULL);
  g_source_set_callback (drain->source, G_SOURCE_FUNC (drain_read_cb), drain, NULL);
  g_source_set_static_name (drain->source, "[vizora] drain a refused body");
  g_source_attach (drain->source, g_main_context_get_thread_default ());
  drain->timeout_id = g_timeout_add (DRAIN_MS, drain_timeout_cb, drain);
}

void
vz_listener_time_by_progress (SoupServerMessage *msg)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  g_object_set_data (G_OBJECT (msg), "vz-listener-progress", GINT_TO_POINTER (TRUE));
}

typedef struct {
  gsize  max;
  gsize  seen;
  char  *too_large;
} BodyLimit;

static void
body_limit_free (gpointer  data,
                 GClosure *closure)
{
  BodyLimit *limit = data;

  g_free (limit->too_large);
  g_free (limit);
}

static void
limited_chunk_cb (SoupServerMessage *msg,
                  GBytes            *chunk,
                  gpointer           user_data)
{
  BodyLimit *limit = user_data;

  limit->seen += g_bytes_get_size (chunk);
  if (limit->seen > limit->max)
    {
      g_autofree char *too_large = g_strdup (limit->too_large);

      /* Disconnecting frees @limit; refusing drops libsoup's hold on @msg. */
      g_object_ref (msg);
      g_signal_handlers_disconnect_by_func (msg, limited_chunk_cb, user_data);
      vz_listener_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "application/json; charset=utf-8",
                          too_large);
      g_object_unref (msg);
    }
}

void
vz_listener_limit_body (SoupServerMessage *msg,
                        gsize              max,
                        const char        *too_large)
{
  SoupMessageHeaders *headers;
  BodyLimit *limit;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (too_large != NULL);

  headers = soup_server_message_get_request_headers (msg);
  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_NONE:
      return;
    case SOUP_ENCODING_CONTENT_LENGTH:
      if ((guint64) soup_message_headers_get_content_length (headers) <= max)
        return;   /* libsoup reads no more than the length it was told */
      vz_listener_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "application/json; charset=utf-8",
                          too_large);
      return;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_BYTERANGES:
    default:
      limit = g_new0 (BodyLimit, 1);
      limit->max = max;
      limit->too_large = g_strdup (too_large);
      g_signal_connect_data (msg, "got-chunk", G_CALLBACK (limited_chunk_cb), limit, body_limit_free, 0);
      return;
    }
}

/* ---- GObject -------------------------------------------------------------- */

void
vz_listener_close (VzListener *self)
{
  g_return_if_fail (VZ_IS_LISTENER (self));

  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
}

static void
vz_listener_dispose (GObject *object)
{
  VzListener *self = VZ_LISTENER (object);
  GHashTableIter iter;
  gpointer value;

  vz_listener_close (self);
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;

      g_object_weak_unref (G_OBJECT (conn->socket), conn_socket_gone_cb, conn);
      g_hash_table_iter_remove (&iter);
    }
  g_hash_table_remove_all (self->per_address);

  G_OBJECT_CLASS (vz_listener_parent_class)->dispose (object);
}

static void
vz_listener_finalize (GObject *object)
{
  VzListener *self = VZ_LISTENER (object);

  g_weak_ref_clear (&self->server);
  g_hash_table_unref (self->conns);
  g_hash_table_unref (self->per_address);

  G_OBJECT_CLASS (vz_listener_parent_class)->finalize (object);
}

static void
vz_listener_class_init (VzListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_listener_dispose;
  object_class->finalize = vz_listener_finalize;
}

static void
vz_listener_init (VzListener *self)
{
  g_weak_ref_init (&self->server, NULL);
  self->conns = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) conn_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static guint
connections_from_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return 65536;
  if (limit.rlim_cur <= 2 * RESERVED_FDS)
    return (guint) MAX (limit.rlim_cur / 2, 1);
  return (guint) MIN (limit.rlim_cur - RESERVED_FDS, G_MAXUINT);
}

VzListener *
vz_listener_new (SoupServer              *server,
                 GInetSocketAddress      *address,
                 const VzListenerLimits  *limits,
                 GError                 **error)
{
  g_autoptr(VzListener) self = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  GSocketFamily family;
  guint tick;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);
  g_return_val_if_fail (limits != NULL && limits->header_timeout_ms > 0 && limits->request_timeout_ms > 0, NULL);

  self = g_object_new (VZ_TYPE_LISTENER, NULL);
  g_weak_ref_set (&self->server, server);
  self->limits = *limits;
  if (self->limits.max_connections == 0)
    self->limits.max_connections = connections_from_descriptor_limit ();

  family = g_socket_address_get_family (G_SOCKET_ADDRESS (address));
  self->socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (self->socket == NULL)
    return NULL;
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  /* The kernel caps the backlog at net.core.somaxconn: ask for all of it. */
  g_socket_set_listen_backlog (self->socket, G_MAXINT);
  if (!g_socket_bind (self->socket, G_SOCKET_ADDRESS (address), TRUE, error) ||
      !g_socket_listen (self->socket, error))
    return NULL;
  bound = g_socket_get_local_address (self->socket, error);
  if (bound == NULL)
    return NULL;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  g_signal_connect_object (server, "request-started", G_CALLBACK (request_started_cb), self, 0);
  watch_socket (self);
  tick = CLAMP (MIN (limits->header_timeout_ms, limits->request_timeout_ms) / 4, 50, 1000);
  self->sweep_id = g_timeout_add (tick, sweep_cb, self);
  return g_steal_pointer (&self);
}

guint16
vz_listener_get_port (VzListener *self)
{
  g_return_val_if_fail (VZ_IS_LISTENER (self), 0);
  return self->port;
}

guint
vz_listener_get_n_open (VzListener *self)
{
  g_return_val_if_fail (VZ_IS_LISTENER (self), 0);
  return g_hash_table_size (self->conns);
}

guint
vz_listener_get_max_connections (VzListener *self)
{
  g_return_val_if_fail (VZ_IS_LISTENER (self), 0);
  return self->limits.max_connections;
}
