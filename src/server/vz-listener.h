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
 *   - connections are capped in total and per client address; the ones over
 *     a cap get a 503 and are closed at once;
 *   - a connection must deliver its request headers within the header
 *     timeout, then its body, and later take its answer, within the request
 *     timeout each. Connections a handler holds (a paused request, a long
 *     poll) and those upgraded to WebSocket are the handler's to time out.
 * Every answer ends its connection (libsoup keeps connections alive only for
 * its own listeners), so there is no idle keep-alive state to time out.
 */
typedef struct {
  guint header_timeout_ms;
  guint request_timeout_ms;
  guint max_connections;       /* 0: from the descriptor limit */
  guint max_per_address;       /* 0: no per-address cap */
} VzListenerLimits;

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

G_END_DECLS
