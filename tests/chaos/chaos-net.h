/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Raw loopback peers for the chaos tests: plain blocking sockets, so that a
 * test can do what well-behaved clients never do (reset a connection with
 * output pending, send half a request, never read), plus a look at the
 * server process from outside (/proc).
 */

/* A TCP connection to 127.0.0.1:@port; -1 when connect() failed. */
int       chaos_connect          (guint16      port);
/* Closes @fd with SO_LINGER 0: the server sees a reset (RST), not a FIN. */
void      chaos_reset            (int          fd);
/* Sends all of @data; FALSE when the connection broke. */
gboolean  chaos_send             (int          fd,
                                  const void  *data,
                                  gsize        len);
/* Reads what arrives within @timeout_ms, until the peer closes or @max bytes. */
GString  *chaos_read_all         (int          fd,
                                  int          timeout_ms,
                                  gsize        max);
/* TRUE when the server closes (EOF or reset) within @timeout_ms; whatever it
 * sends first is read and dropped. */
gboolean  chaos_wait_closed      (int          fd,
                                  int          timeout_ms);
/* One HTTP/1.1 request on a new connection; the status of the answer, or 0
 * when none came within @timeout_ms. @body may be NULL. */
guint     chaos_http             (guint16      port,
                                  const char  *method,
                                  const char  *path,
                                  const char  *token,
                                  const char  *body,
                                  int          timeout_ms);

/* The realtime upgrade: a WebSocket handshake on /socket.io/ (EIO=4). Returns
 * the connected descriptor, the Engine.IO open packet read, or -1. */
int       chaos_ws_open          (guint16      port);
/* One masked frame (opcode 0x1 text, 0x9 ping, ...). */
gboolean  chaos_ws_send          (int          fd,
                                  guint8       opcode,
                                  const char  *data,
                                  gsize        len);
/* The payload of the next text frame within @timeout_ms (control frames are
 * skipped), or NULL. */
char     *chaos_ws_recv_text     (int          fd,
                                  int          timeout_ms);
/* Opens a WebSocket and signs in on "/" with @token; -1 unless the CONNECT
 * was accepted. */
int       chaos_ws_sign_in       (guint16      port,
                                  const char  *token);

/* A connection to 127.0.0.1:@port from the loopback address @source
 * ("127.0.0.2"): another client address without another machine. */
int       chaos_connect_from     (const char  *source,
                                  guint16      port);
/* @n requests of GET @path at once (with @token as Bearer unless NULL), each
 * on its own connection; fills @latencies_ms (n entries, -1 for a request not
 * answered 200 within @timeout_ms) and returns how many were answered 200. */
guint     chaos_parallel_get     (guint16      port,
                                  const char  *path,
                                  const char  *token,
                                  guint        n,
                                  int          timeout_ms,
                                  double      *latencies_ms);
/* Sends @method @path with a body of @size bytes of JSON-ish filler, chunked
 * or with a Content-Length of @announced (which may be larger than what is
 * sent), as fast as the server takes it; stops when the server stops
 * reading. Returns the status of the answer (0: none) and in *@sent how much
 * of the body went out. */
guint     chaos_send_body        (guint16      port,
                                  const char  *method,
                                  const char  *path,
                                  gboolean     chunked,
                                  guint64      announced,
                                  gsize        size,
                                  gsize       *sent);
/* Raises this process's soft descriptor limit to its hard limit. */
void      chaos_raise_fd_limit   (void);

/* From /proc/@pid/status, in KiB: the resident set now, and its peak. */
gsize     chaos_rss_kib          (GPid         pid);
gsize     chaos_peak_rss_kib     (GPid         pid);
/* How many descriptors @pid has open. */
guint     chaos_count_fds        (GPid         pid);

G_END_DECLS
