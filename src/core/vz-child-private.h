/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The programs the app runs as its children (the fleet server, the screen
 * simulator): how they are started and stopped. */

/* A GSubprocessLauncher child setup: the child gets SIGTERM when the app
 * dies, even by SIGKILL. */
void _vz_child_setup     (gpointer      user_data);
/* SIGTERM to *@process, SIGKILL after a grace period if it is still there,
 * without blocking; clears *@process. */
void _vz_child_terminate (GSubprocess **process);

G_END_DECLS
