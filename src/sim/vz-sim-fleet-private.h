/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-api-client.h"
#include "vz-sim-fleet.h"
#include "vz-sim-shard.h"

G_BEGIN_DECLS

/* Pairings under way at once. Each takes a handful of round trips (code,
 * completion, status, realtime handshake), so enough of them must overlap to
 * pair 10,000 screens within a minute; the bound keeps the server's queue of
 * new connections short. */
#define MAX_PAIRING_IN_FLIGHT  128
/* libsoup sends one session's GET requests to a host one after the other, so
 * each shard spreads its screens' pairing-status checks over several REST
 * clients (the POSTs of one client do run side by side). */
#define PUBLIC_CLIENTS         8
/* Screens whose realtime links share one SoupSession. Sharing spares the
 * loop the two sources libsoup keeps per session; but a session walks its
 * whole queue of requests each time it runs it, so a session for all of a
 * shard's screens, all connecting at once (a restarted simulator resuming
 * its fleet), would take time in the square of the queue. Each session
 * allows three connections a screen (a WebSocket handshake, or a long poll
 * and a POST when a screen falls back to polling), so that screens on
 * long polls never hold up the others' handshakes. */
#define SCREENS_PER_SESSION    32

/*
 * The screens live in shards: each shard's thread creates, drives and drops
 * its screens, their realtime links and its own REST client for their pairing
 * requests. The fleet (admin sign-in, pairing completion, the queue of
 * screens waiting to pair, the tokens file) stays in the main thread; the two
 * sides reach each other with calls (Call) run in the other's context.
 */
typedef struct {
  VzSimFleet   *fleet;        /* unowned: the fleet ends its shards before it goes */
  guint         index;
  VzSimShard   *thread;
  GPtrArray    *inits;        /* ScreenInit*, read-only once the thread runs */
  char         *start_token;  /* the admin's, for public_api; taken by the thread */
  /* Owned by the shard's thread: */
  VzApiClient  *public_api[PUBLIC_CLIENTS];
  GPtrArray    *realtime_sessions;  /* the realtime links', SCREENS_PER_SESSION screens each */
  GPtrArray    *screens;
  GRand        *rand;
  GSource      *tick;
  gboolean      stopped;
  GArray       *start_faults; /* FaultOrder: the fleet's, as they were at the start */
  /* Read by the main thread. */
  gint          online;       /* atomic */
} Shard;

typedef struct {
  VzSimFault fault;
  guint      count;
} FaultOrder;

typedef struct {
  Shard      *shard;
  FaultOrder  order;
} FaultCall;

typedef struct {
  char     *name;
  char     *identifier;
  guint32   seed;
  gboolean  manual;
  char     *token;            /* kept from an earlier run, or NULL */
  char     *display;
} ScreenInit;

struct _VzSimFleet {
  GObject       parent_instance;

  char         *server_url;   /* origin */
  char         *api_url;
  char         *email;
  char         *password;
  guint         n_screens;
  guint         n_unpaired;
  double        churn;
  guint32       seed;

  GMainContext *context;      /* the main thread's */
  VzApiClient  *admin_api;
  GPtrArray    *shards;       /* Shard* */
  GQueue        waiting;      /* automatic screens not yet asking for a code */
  guint         in_flight;
  GCancellable *cancellable;
  gboolean      stopped;

  /* Device tokens from earlier runs, so that a restarted simulator resumes its
   * screens instead of failing to pair them again ("already paired"). One file
   * per organization, under the user state dir. */
  GKeyFile     *state;
  char         *state_path;
  guint         save_id;

  GArray       *faults;       /* FaultOrder given before the shards started */

  /* Automatic screens refused a pairing code: identifiers to look up among
   * the server's displays (pending), and all ever looked up (checked). */
  GHashTable   *refused_pending;
  GHashTable   *refused_checked;
  gboolean      refused_lookup;   /* a lookup is under way */
};

/* Calls between the threads: @func runs in the other side's context. */
typedef struct Call Call;
typedef void (*CallFunc) (Call *call);

struct Call {
  CallFunc     func;
  VzSimFleet  *fleet;         /* owned in calls to the main thread, else unowned */
  VzSimScreen *screen;        /* owned */
  char        *code;
  char        *identifier;
  char        *token;
  char        *display;
  gboolean     manual;
};

/* vz-sim-fleet.c: the main thread */
gboolean  _vz_sim_fleet_screen_is_manual    (VzSimScreen *screen);
Shard    *_vz_sim_fleet_screen_shard        (VzSimScreen *screen);
Call     *_vz_sim_fleet_call_new            (CallFunc     func,
                                             VzSimFleet  *fleet,
                                             VzSimScreen *screen);
void      _vz_sim_fleet_call_main           (Call *call);
void      _vz_sim_fleet_main_add_waiting    (Call *call);
void      _vz_sim_fleet_main_paired         (Call *call);
void      _vz_sim_fleet_main_unpaired       (Call *call);
void      _vz_sim_fleet_main_refused        (Call *call);
void      _vz_sim_fleet_shard_call_complete (Call *call);
void      _vz_sim_fleet_complete_pairing    (VzSimFleet  *self,
                                             VzSimScreen *screen,
                                             const char  *code);

/* vz-sim-fleet-shards.c: a shard's thread */
gboolean  _vz_sim_fleet_shard_fault_cb         (gpointer user_data);
gboolean  _vz_sim_fleet_shard_start_cb         (gpointer user_data);
void      _vz_sim_fleet_admin_token_changed_cb (VzApiClient *admin_api,
                                                GParamSpec  *pspec,
                                                gpointer     user_data);
gboolean  _vz_sim_fleet_shard_stop_cb          (gpointer user_data);
gboolean  _vz_sim_fleet_shard_teardown_cb      (gpointer user_data);
void      _vz_sim_fleet_shard_start_pairing    (Call *call);
void      _vz_sim_fleet_shard_poll_now         (Call *call);
void      _vz_sim_fleet_shard_stop_screen      (Call *call);
void      _vz_sim_fleet_shard_retry_complete   (Call *call);

G_END_DECLS
