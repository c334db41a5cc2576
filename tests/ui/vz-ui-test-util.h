/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-application.h"
#include "vz-session.h"
#include "vz-sync-engine.h"
#include "vz-devices-page-private.h"

G_BEGIN_DECLS

/* What UI tests share: waiting on the main loop, reading what the page
 * shows as a person would, and running the whole application. */

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; FALSE after @timeout_s. */
gboolean   wait_for      (Condition      condition,
                          gpointer       data,
                          guint          timeout_s);
/* Signs @session in with the real server, running the main loop meanwhile;
 * fails the test if the sign-in is refused. */
void       sign_in       (VzSession     *session,
                          const char    *email,
                          const char    *password);
/* A sync engine signed in to the test server at @server_url as the test
 * admin, with a journal of its own under @outbox_dir, started (transfer full). */
VzSyncEngine *start_signed_in_engine (const char *server_url,
                                      const char *outbox_dir);
/* Runs the main loop for @ms. */
void       spin          (guint          ms);
/* The texts of the mapped labels with @css_class under @widget, in tree
 * order, added to @out. */
void       collect_labels (GtkWidget    *widget,
                           const char   *css_class,
                           GPtrArray    *out);
/* The texts of the page's cells with @css_class ("vz-cell-status"…), row by row. */
GPtrArray *visible_cells (VzDevicesPage *page,
                          const char    *css_class);

/* The real application, run as main.c runs it: @phase runs once the app
 * has activated, then every window is closed and the app quits. Each run is
 * a new start: new session, engine and window. */
typedef void (*AppPhase) (VzApplication *app, gpointer data);
void       app_run       (AppPhase       phase,
                          gpointer       data);

G_END_DECLS
