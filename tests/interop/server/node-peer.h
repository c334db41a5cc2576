/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A node process running hub-client.js (the official socket.io-client), seen
 * from a C test: its JSON lines are collected while the main loop runs, and
 * commands are written to its stdin.
 */
typedef struct _NodePeer NodePeer;

/* @transports: NULL for the client's default (polling, then upgrade), or "websocket" / "polling". */
NodePeer   *node_peer_spawn    (const char *url,
                                const char *scenario,
                                const char *token,
                                const char *transports);
/* Waits (running the default main context) for the first line with "ev" == @ev
 * and, when @name is not NULL, "name" == @name; removes and returns it.
 * Fails the test after @timeout_ms. */
JsonObject *node_peer_expect   (NodePeer   *peer,
                                const char *ev,
                                const char *name,
                                guint       timeout_ms);
/* Like expect, but returns NULL instead of failing when nothing matched in time. */
JsonObject *node_peer_wait     (NodePeer   *peer,
                                const char *ev,
                                const char *name,
                                guint       timeout_ms);
/* Number of received lines with "ev" == @ev (not removed). */
guint       node_peer_count    (NodePeer   *peer,
                                const char *ev);
void        node_peer_command  (NodePeer   *peer,
                                const char *json_line);
void        node_peer_free     (NodePeer   *peer);   /* kills and reaps */

/* Runs the default main context for @ms milliseconds. */
void        test_iterate_for   (guint       ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NodePeer, node_peer_free)

G_END_DECLS
