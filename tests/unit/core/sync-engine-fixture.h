/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display-group-resource.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"

G_BEGIN_DECLS

/*
 * The fixture of the test-sync-engine* programs: the real vizora-server, its
 * admin signed in, and a sync engine on that session (not started).
 */
typedef struct {
  VzTestServer *server;
  char         *token;
  VzSession    *session;
  VzSyncEngine *engine;
} Fixture;

void      fixture_setup     (Fixture        *fixture,
                             gconstpointer   data);
/* Stops the engine and fails unless nothing holds it after. */
void      fixture_teardown  (Fixture        *fixture,
                             gconstpointer   data);
/* Iterates until check() holds; fails the test after @timeout_ms. */
void      wait_until        (Fixture        *fixture,
                             gboolean      (*check) (Fixture *),
                             guint           timeout_ms);
gboolean  engine_loaded     (Fixture        *fixture);
gboolean  engine_online     (Fixture        *fixture);
void      wait_loaded       (Fixture        *fixture);
gboolean  nothing_pending   (Fixture        *fixture);
gboolean  one_failed        (Fixture        *fixture);
/* Changes finish once durably queued; the server has them once nothing is pending. */
void      wait_committed    (Fixture        *fixture);
/* Member counts are the server's to compute: the engine reads them again
 * after a membership change commits. */
void      wait_group_count  (VzDisplayGroup *group,
                             guint           expected);
/* A "change-failed" handler keeping a copy of the error in *(GError **) user_data. */
void      store_failure     (VzSyncEngine   *engine,
                             VzMutation     *mutation,
                             GError         *error,
                             gpointer        user_data);
/* @n new screens named "@prefix 000"…, paired; a NULL-terminated array of their ids. */
char    **pair_screens      (Fixture        *fixture,
                             guint           n,
                             const char     *prefix);

G_END_DECLS
