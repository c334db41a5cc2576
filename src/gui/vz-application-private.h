/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-account-list.h"
#include "vz-alert-notifier.h"
#include "vz-background-portal.h"
#include "vz-application.h"
#include "vz-local-server.h"
#include "vz-session.h"
#include "vz-sync-engine.h"
#include "vz-window.h"

G_BEGIN_DECLS

struct _VzApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  VzAlertNotifier *notifier;       /* desktop notifications, window or not */
  VzBackgroundPortal *portal;      /* leave to run with no window, in a sandbox */
  gboolean        held;            /* running in the background, no window */
  gboolean        quitting;
  VzLocalServer  *local_server;
  VzSession      *session;
  VzSyncEngine   *engine;
  GCancellable   *cancellable;     /* the sign-in or start under way */
  char           *demo_error;      /* told once the window shows the fleet */
  VzSession      *offered;         /* restored from the saved sign-in, behind
                                    * "Open Last Known Fleet" */
  VzSession      *resuming;        /* the saved sign-in being resumed at start */
  guint           resume_grace_id; /* then shown anyway, from the snapshot */
  gboolean        started;
  gboolean        local_port_refused; /* the remembered port was taken: use any */
  VzAccountList  *accounts;        /* every account signed in on this computer */
  char           *return_key;      /* the account shown before Add Account… */

  /* command line */
  gboolean        opt_local;
  char           *opt_server;
  int             opt_demo;        /* -1: not given */
  char           *opt_realtime_url;
};


/* The app's main window, or NULL while it has none. */
VzWindow *_vz_application_get_window  (VzApplication *self);

/* vz-application-actions.c: the app actions that people, the desktop and
 * `gapplication action` call (about, preferences, pair-screen, open-screen,
 * show-alerts), added at startup with the keys of the app's and the
 * window's verbs. */
void      _vz_application_add_actions (VzApplication *self);

/* What is under way (a sign-in, a start) is cancelled; a new cancellable. */
void      _vz_application_reset       (VzApplication *self);
/* Takes the engine off the window and the notifier and stops it; the
 * session stays. @callback (nullable) runs once the engine's last snapshot
 * is on disk (vz_sync_engine_stop_async()). */
void      _vz_application_stop_fleet  (VzApplication       *self,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* Starts the fleet server on this computer and signs in to it. */
void      _vz_application_start_local (VzApplication *self);

/* vz-application.c: the fleet of @session shown, its engine started. */
void       _vz_application_show_fleet        (VzApplication *self,
                                              VzSession     *session);
/* A new session for @server_url, with the app's realtime address. */
VzSession *_vz_application_session_new       (VzApplication *self,
                                              const char    *server_url);
/* Offers the fleet saved for @server_url (nullable: any on this computer)
 * and @email (nullable) on the welcome page, when there is one. */
void       _vz_application_offer_saved_fleet (VzApplication *self,
                                              const char    *server_url,
                                              const char    *email);

/* vz-application-local.c: signs in to the started local fleet server. */
void      _vz_application_start_local_sign_in (VzApplication *self);
/* The welcome page's "start-local" (with its number of demo screens). */
void      _vz_application_on_start_local      (VzApplication *self,
                                               guint          demo_screens,
                                               VzWelcomePage *page);
/* Opens the saved sign-in of @email (nullable) at @server_url: "Signing
 * in…", then the fleet (from its snapshot while the server is away), or the
 * sign-in form when nothing is saved. */
void      _vz_application_open_saved  (VzApplication *self,
                                       const char    *server_url,
                                       const char    *email);

/* vz-application-accounts.c: the accounts on this computer and their verbs
 * (app.switch-account, app.add-account, app.sign-out, app.sign-out-account),
 * added at startup. */
void      _vz_application_accounts_init  (VzApplication *self);
/* @session's fleet is shown: its account is the current one. */
void      _vz_application_accounts_shown (VzApplication *self,
                                          VzSession     *session);

G_END_DECLS
