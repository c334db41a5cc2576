/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define VZ_TYPE_LISTENER (vz_listener_get_type ())
G_DECLARE_FINAL_TYPE (VzListener, vz_listener, VZ, LISTENER, GObject)

/*
 * VzListener: the listening socket of a SoupServer, with the limits libsoup
 * 3.2 does not have. It accepts connections itself and hands them to the
 * server with soup_server_accept_iostream():
 *   - the backlog is the system's (net.core.somaxconn), not GLib's 10;
 *   - running out of descriptors (EMFILE, ENFILE) pauses accepting and
 *     retries with a growing delay, instead of stopping for good;
 *   - connections are capped in total and per client address, with a cap of
 *     its own for loopback addresses (a simulator on the same computer
 *     brings thousands of screens from 127.0.0.1); the ones over a cap get a
 *     503 and are closed at once;
 *   - a connection must deliver its request headers within the header
 *     timeout, then its body, and later take its answer, within the request
 *     timeout each (for messages timed by progress: with no pause that
 *     long). Connections a handler holds (a paused request, a long poll)
 *     and those upgraded to WebSocket are the handler's to time out.
 * Every answer ends its connection (libsoup keeps connections alive only for
 * its own listeners), so there is no idle keep-alive state to time out.
 */
typedef struct {
  guint header_timeout_ms;
  guint request_timeout_ms;
  guint max_connections;       /* 0: from the descriptor limit */
  guint max_per_address;       /* from one remote address; 0: no cap */
  guint max_per_loopback;      /* from one loopback address; 0: no cap */
} VzListenerLimits;

/* The connections allowed from @address under @limits (0: no cap). */
guint       vz_listener_limits_cap_for (const VzListenerLimits *limits,
                                        GInetAddress           *address);

VzListener *vz_listener_new           (SoupServer             *server,
                                       GInetSocketAddress     *address,
                                       const VzListenerLimits *limits,
                                       GError                **error);
guint16     vz_listener_get_port      (VzListener             *self);
/* Open connections accepted by this listener and not yet closed. */
guint       vz_listener_get_n_open    (VzListener             *self);
guint       vz_listener_get_max_connections (VzListener       *self);
/* Stops accepting and closes the listening socket; open connections stay
 * with the server. */
void        vz_listener_close         (VzListener             *self);

/* Answers @msg with @status and @body right away and ends its connection
 * without handing the request body to libsoup (to be called from an early
 * handler or a "got-chunk" handler). The answer is written without
 * blocking; the rest of the body is read and dropped for a short while (up
 * to 4 MiB, 2 s), so that clients that read only after sending see it. */
void        vz_listener_refuse        (SoupServerMessage      *msg,
                                       guint                   status,
                                       const char             *content_type,
                                       const char             *body);
/* From now on @msg's deadline counts from the last piece of its body read
 * or of its answer written, not from its headers: a large upload or file
 * may take longer than the request timeout as long as it keeps moving. For
 * requests already signed in (a stalled peer still times out). */
void        vz_listener_time_by_progress (SoupServerMessage   *msg);
/* Caps the body libsoup buffers for @msg at @max bytes (call from an early
 * handler). A larger Content-Length is refused at once; a chunked body is
 * refused as soon as it passes @max. Refusing answers 413 with @too_large
 * (application/json) through vz_listener_refuse(). */
void        vz_listener_limit_body    (SoupServerMessage      *msg,
                                       gsize                   max,
                                       const char             *too_large);

G_END_DECLS
