/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-simulator.h"

G_BEGIN_DECLS

#define VZ_LOCAL_SERVER_ERROR (vz_local_server_error_quark ())
GQuark vz_local_server_error_quark (void);

typedef enum {
  VZ_LOCAL_SERVER_ERROR_NOT_FOUND,   /* the vizora-server / vizora-sim program is not installed */
  VZ_LOCAL_SERVER_ERROR_FAILED,      /* it exited or printed something unexpected */
} VzLocalServerError;

typedef enum {
  VZ_LOCAL_SERVER_STATE_STOPPED,     /* not started, or stopped on purpose */
  VZ_LOCAL_SERVER_STATE_STARTING,    /* the first start, until it listens */
  VZ_LOCAL_SERVER_STATE_RUNNING,
  VZ_LOCAL_SERVER_STATE_RESTARTING,  /* it stopped by itself; started again after a backoff */
  VZ_LOCAL_SERVER_STATE_FAILED,      /* it would not start, or stopped too often: left stopped */
} VzLocalServerState;

#define VZ_TYPE_LOCAL_SERVER_STATE (vz_local_server_state_get_type ())
GType vz_local_server_state_get_type (void);

#define VZ_TYPE_LOCAL_SERVER (vz_local_server_get_type ())
G_DECLARE_FINAL_TYPE (VzLocalServer, vz_local_server, VZ, LOCAL_SERVER, GObject)

/*
 * VzLocalServer: runs `vizora-server` as a child process ("This computer").
 * The program is $VIZORA_SERVER_BIN if set, else next to the running
 * executable, else from PATH. Data lives in @data_dir (default: user data
 * dir/vizora-desktop/server). It listens on 127.0.0.1 with port 0 unless a
 * port is given, and start_async completes once the child printed
 * "listening on http://HOST:PORT". Admin credentials are read from
 * <data-dir>/admin.txt. The child (and any simulator) is stopped on dispose.
 *
 * Simulated screens: start_demo() runs `vizora-sim` ($VIZORA_SIM_BIN, same
 * search) with --screens N against this server and the admin credentials,
 * supervised (a VzSimulator: its password in its environment, never on its
 * command line); add_simulated_screens() runs N more than it ran.
 *
 * Supervision: once started, a server that exits without being asked to is
 * started again on the same port (so at the same url) after a backoff
 * (0.5 s, 1 s, 2 s… with jitter, up to 30 s), state "restarting" meanwhile.
 * When it stops within 10 s of its start 5 times in a row it is left
 * stopped, state "failed"; vz_local_server_restart() tries again. Its error
 * output is read into a ring of its last 20 lines ("error-output"), which
 * says why.
 *
 * Properties: "data-dir", "port" (construct-only, 0 = any free port),
 * "url" (nullable until started; kept while restarting or failed),
 * "running" (gboolean: state is running), "state" (VzLocalServerState),
 * "restart-count" (guint: starts after an exit, since start_async),
 * "error-output" (string, nullable: the last lines, newline-separated).
 * Both children get PR_SET_PDEATHSIG: they stop even if the app is killed.
 */
VzLocalServer *vz_local_server_new              (const char           *data_dir);
void           vz_local_server_start_async      (VzLocalServer        *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean       vz_local_server_start_finish     (VzLocalServer        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
const char    *vz_local_server_get_url          (VzLocalServer        *self);  /* http://127.0.0.1:PORT */
const char    *vz_local_server_get_admin_email    (VzLocalServer      *self);
const char    *vz_local_server_get_admin_password (VzLocalServer      *self);
gboolean       vz_local_server_start_demo       (VzLocalServer        *self,
                                                 guint                 screens,
                                                 GError              **error);
gboolean       vz_local_server_add_simulated_screens (VzLocalServer   *self,
                                                      guint            screens,
                                                      GError         **error);
/* (transfer none) (nullable): NULL until screens were simulated */
VzSimulator   *vz_local_server_get_simulator    (VzLocalServer        *self);
/* Ends the children (SIGTERM, SIGKILL after a grace period) without waiting
 * for them: a start_async() that follows, of this or of another
 * VzLocalServer, "starting" meanwhile, waits until the stopped server has
 * exited (it may still hold the port and the database); a stop() during
 * that wait ends the start, cancelled. */
void           vz_local_server_stop             (VzLocalServer        *self);

VzLocalServerState vz_local_server_get_state    (VzLocalServer        *self);
guint          vz_local_server_get_restart_count (VzLocalServer       *self);
/* (transfer full) (nullable) */
char          *vz_local_server_dup_error_output (VzLocalServer        *self);
const char    *vz_local_server_get_data_dir     (VzLocalServer        *self);
/* After "failed": starts the server again at once, a new series of tries. */
void           vz_local_server_restart          (VzLocalServer        *self);

G_END_DECLS
