/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-playlist.h"
#include "vz-sync-engine.h"
#include "vz-test-monitor.h"
#include "vz-test-server.h"

G_BEGIN_DECLS

/*
 * One person at one app, for the optimistic layer's tests against the real
 * vizora-server: a signed-in session, a started sync engine with its own
 * outbox journal in a temporary directory, and counts of what it said.
 */
typedef struct {
  VzSession     *session;
  VzSyncEngine  *engine;
  VzTestMonitor *monitor;
  char          *dir;
  guint          queued;
  guint          committed;
  guint          failed;
  guint          conflicts;
  char          *failed_message;
  char          *conflict_id;
  char          *last_label;
} Client;

typedef gboolean (*CheckFunc) (gpointer data);

/* Runs the main context until @check is TRUE (fails after @timeout_ms). */
void      wait_until          (CheckFunc     check,
                               gpointer      data,
                               guint         timeout_ms);
/* Runs the main context for @ms. */
void      spin                (guint         ms);
/* A GAsyncReadyCallback that keeps the result in *(GAsyncResult **) user_data. */
void      store_result        (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data);
gboolean  result_ready        (gpointer      data);

/* Signed in with @token, started, loaded, the outbox open. @own_monitor: a
 * VzTestMonitor (network up) instead of the system's. */
Client   *client_new          (VzTestServer *server,
                               const char   *token,
                               gboolean      own_monitor);
/* The same with the journal in @dir (a new temporary folder when NULL). */
Client   *client_open         (VzTestServer *server,
                               const char   *token,
                               gboolean      own_monitor,
                               const char   *dir);
void      client_free         (Client       *client);
/* Quits the app (the engine stops and goes, the journal stays) and starts it
 * again on the same journal. */
void      client_restart      (Client       *client);
/* "change-committed" handler counting into client->committed (connected by
 * client_new(); for an engine made again by hand). */
void      on_committed        (VzSyncEngine *engine,
                               VzMutation   *m,
                               Client       *client);
/* Waits until the client heard @count commits in all. */
void      wait_committed      (Client       *client,
                               guint         count);
/* Changes the fields @json names on the @kind record @id through the
 * engine, and waits until the change is shown and queued. */
void      client_update       (Client       *client,
                               const char   *kind,
                               const char   *id,
                               const char   *json);
/* Undo, and waits until it is queued (or done). */
void      undo_now            (Client       *client);
gboolean  client_loaded       (gpointer      data);
gboolean  client_outbox_empty (gpointer      data);
void      remove_tree         (const char   *dir);

/* Runs one request on @server as @token, fails the test unless it answers
 * @expected, and returns the answer's "data" object (NULL if none). */
JsonObject *rest_data          (VzTestServer *server,
                                const char   *token,
                                const char   *method,
                                const char   *path,
                                const char   *json,
                                guint         expected);

/* The content names of @playlist's items in the order shown, separated by
 * spaces. */
char       *playlist_order_shown     (VzPlaylist   *playlist);
/* The same for the playlist @playlist_id as @server has it. */
char       *playlist_order_on_server (VzTestServer *server,
                                      const char   *token,
                                      const char   *playlist_id);

G_END_DECLS
