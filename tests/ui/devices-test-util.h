/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-devices-page-private.h"
#include "vz-pending-popover-private.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window.h"

G_BEGIN_DECLS

/* The first button under @widget that runs @action, as a person finds it. */
GtkWidget    *find_button                (GtkWidget        *widget,
                                          const char       *action);
gboolean      has_label                  (GtkWidget        *widget,
                                          const char       *text);
/* The first button under @widget that says @text. */
GtkWidget    *find_button_with_label     (GtkWidget        *widget,
                                          const char       *text);
void          click_row_button           (VzPendingPopover *popover,
                                          const char       *label,
                                          VzMutation       *mutation);
void          assert_button_insensitive  (GtkWidget        *root,
                                          const char       *action);
/* Each test's queue of changes lives in its own folder, removed at exit. */
void          use_temporary_outbox       (VzSyncEngine     *engine);
VzSyncEngine *start_engine               (VzTestServer     *server);
VzWindow     *open_window                (VzSyncEngine     *engine);
/* Destroys the window and proves nothing else holds it. */
void          close_window               (VzWindow         *window);

typedef struct {
  VzDevicesPage *page;
  const char    *name;
} NameWanted;

typedef struct {
  VzTestServer  *server;
  char          *token;
  char          *id;
  VzSyncEngine  *engine;
  VzWindow      *window;
  VzDevicesPage *page;
} Lobby;

typedef struct {
  VzTestServer *server;
  const char   *token;
  const char   *id;
  const char   *name;
} ServerWanted;

/* A screen's name shown in the one visible row (NameWanted). */
gboolean      name_cell_shows            (gpointer          data);
/* A server with one screen, "Lobby", and a window that lists it. */
void          lobby_open                 (Lobby            *lobby);
/* Closes the window unless the test did (then lobby->window is NULL). */
void          lobby_close                (Lobby            *lobby);
/* The server has the screen by that name (ServerWanted). */
gboolean      server_has_name            (gpointer          data);
gboolean      store_has_rows             (gpointer          engine);
gboolean      engine_can_undo            (gpointer          engine);
guint         count_pending_icons        (GtkWidget        *widget);
void          rename_in_detail           (VzDevicesPage    *page,
                                          const char       *name);
gboolean      label_says_pending         (gpointer          data);
gboolean      label_says_nothing_pending (gpointer          data);

void          devices_test_init          (int              *argc,
                                          char           ***argv);
/* Runs the tests added, with the temporary folder for their queues. */
int           devices_test_run           (void);

G_END_DECLS
