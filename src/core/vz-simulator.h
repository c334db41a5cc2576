/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_TYPE_SIMULATOR (vz_simulator_get_type ())
G_DECLARE_FINAL_TYPE (VzSimulator, vz_simulator, VZ, SIMULATOR, GObject)

/*
 * VzSimulator: simulated screens on this computer, `vizora-sim` (@program)
 * run as a child with --screens N against a server as an account. The
 * password reaches it through its environment (VIZORA_PASSWORD), which only
 * its own user can read, never its command line, which every user can
 * (/proc/PID/cmdline).
 *
 * Supervised: a simulator that exits without being asked to is started
 * again after a backoff (0.5 s, 1 s, 2 s… up to 30 s), and its screens come
 * back as they were (it keeps their tokens); after 5 exits in a row within
 * 10 s of their start it is left stopped, and "error" says why (the last
 * line of its error output). stop() and dispose end it (SIGTERM, then
 * SIGKILL), and it gets SIGTERM when the app dies.
 *
 * Properties (read-only): "screens" (guint: how many it runs; 0 stopped),
 * "restart-count" (guint), "error" (string, nullable).
 */
VzSimulator *vz_simulator_new               (const char   *program,
                                             const char   *server_url,
                                             const char   *email,
                                             const char   *password);
/* Runs @screens screens, in place of what ran before (the first ones are
 * the same screens). */
gboolean     vz_simulator_start             (VzSimulator  *self,
                                             guint         screens,
                                             GError      **error);
void         vz_simulator_stop              (VzSimulator  *self);
guint        vz_simulator_get_screens       (VzSimulator  *self);
guint        vz_simulator_get_restart_count (VzSimulator  *self);
const char  *vz_simulator_get_error         (VzSimulator  *self);
/* The child's process id while one runs, else 0. */
GPid         vz_simulator_get_pid           (VzSimulator  *self);

G_END_DECLS
