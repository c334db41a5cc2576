/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-backoff.h"
#include "vz-local-server.h"

G_BEGIN_DECLS

/*
 * The local server's parts: the object, its properties, the simulated
 * screens and stop() in vz-local-server.c; the start (the child's first
 * line, the sign-in details it leaves) in vz-local-server-start.c; the
 * child itself (found, spawned, ended, its output read) and its
 * supervision (restarts after a backoff, the ring of last error lines) in
 * vz-local-server-supervision.c.
 */

struct _VzLocalServer
{
  GObject           parent_instance;

  char             *data_dir;
  guint             port;
  char             *url;
  char             *admin_email;
  char             *admin_password;

  GSubprocess      *server;
  VzSimulator      *sim;              /* NULL until screens are simulated */
  GDataInputStream *server_stdout;
  guint             start_timeout_id;

  /* Supervision: the child is watched from its first good start until
   * stop(); @watch is cancelled then (and on dispose). */
  VzLocalServerState state;
  GCancellable     *watch;
  VzBackoff        *backoff;
  guint             restart_id;
  guint             listen_port;      /* the port of the first good start */
  guint             restart_count;
  guint             quick_failures;
  gint64            child_started;    /* monotonic µs */
  GQueue            error_lines;      /* char *, oldest first */
};

typedef enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_PORT,
  PROP_URL,
  PROP_RUNNING,
  PROP_STATE,
  PROP_RESTART_COUNT,
  PROP_ERROR_OUTPUT,
  N_PROPS
} VzLocalServerProperty;

extern GParamSpec *_vz_local_server_properties[N_PROPS];

/* vz-local-server-supervision.c */
/* The program @name: $@env_var if set, else beside the running
 * executable (or in @build_subdir of the build tree), else from PATH;
 * NULL when none is found. */
char        *_vz_local_server_find_program   (const char          *env_var,
                                              const char          *name,
                                              const char          *build_subdir);
void         _vz_local_server_set_state      (VzLocalServer       *self,
                                              VzLocalServerState   state);
gboolean     _vz_local_server_spawn          (VzLocalServer       *self,
                                              guint                port,
                                              GError             **error);
void         _vz_local_server_terminate      (VzLocalServer       *self);
/* A fleet server this process ended that has not exited yet, or NULL. */
GSubprocess *_vz_local_server_first_stopping (void);
/* From now on an exit nobody asked for is a failure to recover from. */
void         _vz_local_server_watch          (VzLocalServer       *self);
void         _vz_local_server_unwatch        (VzLocalServer       *self);
/* Reads the child's output on (logged) so that it never blocks on a full pipe. */
void         _vz_local_server_on_drain_line  (GObject             *source,
                                              GAsyncResult        *result,
                                              gpointer             user_data);

G_END_DECLS
