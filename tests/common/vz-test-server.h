/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A real vizora-server ($VIZORA_SERVER_BIN) on 127.0.0.1, port 0, with a fresh
 * temporary data dir, for tests. Credentials are fixed: VZ_TEST_EMAIL / VZ_TEST_PASSWORD.
 */
#define VZ_TEST_EMAIL    "admin@example.test"
#define VZ_TEST_PASSWORD "correct horse battery staple"

typedef struct {
  GSubprocess *process;
  char        *url;        /* http://127.0.0.1:PORT */
  char        *api_url;    /* url + "/api/v1" */
  char        *data_dir;
  guint16      port;
} VzTestServer;

/* Starts and waits for "listening on …" (fails the test on error). extra_args may be NULL. */
VzTestServer *vz_test_server_start         (const char * const *extra_args);
/* Same data dir, new process (same port when possible): for restart tests. */
void          vz_test_server_restart       (VzTestServer *server);
void          vz_test_server_kill          (VzTestServer *server);    /* SIGKILL, wait */
void          vz_test_server_free          (VzTestServer *server);    /* stop + remove the data dir */
/* POST /auth/login synchronously; returns the access token. */
char         *vz_test_server_login         (VzTestServer *server);
/* Pairs one screen through the real pairing flow (request → complete → status);
 * returns the display id and stores the device token in *device_token. */
char         *vz_test_server_pair_screen   (VzTestServer *server,
                                            const char   *access_token,
                                            const char   *nickname,
                                            char        **device_token);
/* Runs one HTTP request synchronously; returns the status and the parsed body in *body (may be NULL). */
guint         vz_test_server_request       (VzTestServer *server,
                                            const char   *method,
                                            const char   *path,         /* under /api/v1 */
                                            const char   *access_token, /* nullable */
                                            const char   *json_body,    /* nullable */
                                            JsonNode    **body);

/* vz_test_server_request() that fails the test unless the answer has
 * @status; returns its "data" object, which lives as long as *@keep (whose
 * earlier value is freed first). */
JsonObject   *vz_test_server_data          (VzTestServer *server,
                                            const char   *method,
                                            const char   *path,
                                            const char   *access_token,
                                            const char   *json_body,
                                            guint         status,
                                            JsonNode    **keep);

/* POSTs @json_body to @path, fails the test unless the server answers 201,
 * and returns the new record's id. */
char         *vz_test_server_create        (VzTestServer *server,
                                            const char   *access_token,
                                            const char   *path,
                                            const char   *json_body);

/* $VIZORA_SIM_BIN with @screens screens signed in to @server as the admin;
 * @seed (or NULL) fixes the screens' names. Stop it with g_subprocess_force_exit. */
GSubprocess  *vz_test_server_start_sim     (VzTestServer *server,
                                            const char   *screens,
                                            const char   *seed);

/* Fails the test, saying what is missing, unless node and the npm peers
 * (socket.io and socket.io-client in $VIZORA_NODE_MODULES) are installed. */
void          vz_test_require_node         (void);
/* The program meson built that the environment variable @variable names
 * (VIZORA_SERVER_BIN, VIZORA_SIM_BIN, VIZORACTL_BIN); fails the test,
 * saying so, when it is not there. */
const char   *vz_test_require_bin          (const char   *variable);

/* Removes @path and everything under it (symbolic links, not their targets). */
void          vz_test_remove_tree          (const char   *path);

/* Waits (GET /displays, at most 60 s) until the first screen is online;
 * returns its id. */
char         *vz_test_server_wait_online_display (VzTestServer *server,
                                                  const char   *access_token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzTestServer, vz_test_server_free)

G_END_DECLS
