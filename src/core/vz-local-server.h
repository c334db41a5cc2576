/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_LOCAL_SERVER_ERROR (vz_local_server_error_quark ())
GQuark vz_local_server_error_quark (void);

typedef enum {
  VZ_LOCAL_SERVER_ERROR_NOT_FOUND,   /* the vizora-server / vizora-sim program is not installed */
  VZ_LOCAL_SERVER_ERROR_FAILED,      /* it exited or printed something unexpected */
} VzLocalServerError;

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
 * search) with --screens N against this server and the admin credentials.
 *
 * Properties: "data-dir", "port" (construct-only, 0 = any free port),
 * "url" (nullable until started), "running" (gboolean).
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
void           vz_local_server_stop             (VzLocalServer        *self);

G_END_DECLS
