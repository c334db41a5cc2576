/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_TYPE_SERVER (vz_server_get_type ())
G_DECLARE_FINAL_TYPE (VzServer, vz_server, VZ, SERVER, GObject)

/*
 * VzServer: the local fleet server. REST under /api/v1 and realtime under
 * /socket.io/ on one SoupServer, SQLite in its data dir.
 *
 * Construct properties:
 *   "data-dir"            string, required
 *   "listen-host"         string, default "127.0.0.1"
 *   "listen-port"         guint, default 3000; 0 picks a free port
 *   "admin-email"         string (nullable): admin to create/update on start
 *   "admin-password"      string (nullable): random when creating without one
 *   "access-token-ttl"    guint seconds, default 900
 *   "max-displays"        guint, screens per organization, default 100000
 *   "offline-timeout"     guint seconds without a heartbeat before offline, default 120
 *   "fault-file"          string (nullable), a testing aid, off by default: while
 *                         this file exists and says "503 N", "500 N" or "drop N",
 *                         the next N API requests (never /health) answer that
 *                         status with an error body, or lose their connection
 *                         ("drop"); "503 N PATCH" counts only PATCH requests
 *                         (any method); the file is removed once read. Lets tests
 *                         of retry and circuit breaking use the real server.
 *   "clock-file"          string (nullable), a testing aid, off by default, refused
 *                         unless the server listens on a loopback address: the
 *                         server's clock (token expiry, timestamps, throttling)
 *                         runs as many milliseconds ahead of the real one as the
 *                         file says, read at every reading of the clock (no file:
 *                         the real clock). Lets tests of expiry move time instead
 *                         of sleeping.
 *   "header-timeout"      guint seconds a connection gets to send its request
 *                         headers, default 10
 *   "request-timeout"     guint seconds for the body once the headers are in,
 *                         and for taking the answer, default 60
 *   "max-connections"     guint, open connections in all, default 0: from the
 *                         descriptor limit
 *   "max-connections-per-address"  guint, from one remote client address,
 *                         default 1024 (0: no cap)
 *   "max-connections-per-loopback-address"  guint, from one loopback address
 *                         (127.0.0.0/8, ::1), default 16384: room for a simulator
 *                         with 10,000 screens and the dashboards beside it on the
 *                         same computer, still bounded (0: no cap)
 *   "ping-interval", "ping-timeout"  guint seconds, realtime pings, default 25 and 20
 *   "connect-timeout"     guint seconds a realtime session gets to sign in, default 10
 */
#define VZ_SERVER_DEFAULT_PORT              3000
#define VZ_SERVER_DEFAULT_ACCESS_TOKEN_TTL  900
#define VZ_SERVER_DEFAULT_MAX_DISPLAYS      100000
#define VZ_SERVER_DEFAULT_OFFLINE_TIMEOUT   120
#define VZ_SERVER_DEFAULT_HEADER_TIMEOUT    10
#define VZ_SERVER_DEFAULT_REQUEST_TIMEOUT   60
#define VZ_SERVER_DEFAULT_MAX_PER_ADDRESS   1024
#define VZ_SERVER_DEFAULT_MAX_PER_LOOPBACK  16384
#define VZ_SERVER_DEFAULT_PING_INTERVAL     25
/* Seconds between a screen's heartbeats, told in every heartbeat ack. */
#define VZ_SERVER_DEFAULT_HEARTBEAT_INTERVAL 15
#define VZ_SERVER_DEFAULT_PING_TIMEOUT      20
#define VZ_SERVER_DEFAULT_CONNECT_TIMEOUT   10
/* Sign-in throttling: failures allowed per account and per client before
 * each attempt waits, and the first wait (docs/sign-in-throttling.md). */
#define VZ_SERVER_DEFAULT_SIGN_IN_ACCOUNT_FREE   10
#define VZ_SERVER_DEFAULT_SIGN_IN_CLIENT_FREE    20
#define VZ_SERVER_DEFAULT_SIGN_IN_FIRST_DELAY_MS 1000
/* Public pairing requests per minute per client. */
#define VZ_SERVER_DEFAULT_PAIRING_RATE           60
/* Realtime connects per minute per token (the contract's figure). */
#define VZ_SERVER_DEFAULT_CONNECT_RATE           10

VzServer   *vz_server_new       (const char  *data_dir);
/* Opens (and migrates) the database, creates the organization and admin on
 * first start, binds the address and starts serving on the thread-default
 * main context. */
gboolean    vz_server_start     (VzServer    *self,
                                 GError     **error);
/* http://HOST:PORT once started. */
const char *vz_server_get_url   (VzServer    *self);
guint16     vz_server_get_port  (VzServer    *self);
/* Tells realtime peers, stops listening, flushes pending state, closes the database. */
void        vz_server_stop      (VzServer    *self);

G_END_DECLS
