/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * This process's children, as /proc shows them, and a port taken from
 * under a server: for tests of what supervises a child.
 */

/* The pid of a living child of this process whose command line contains
 * @program, and (when @cmdline is not NULL) that command line with its
 * arguments separated by spaces; 0 when there is none. */
GPid             vz_test_child_pid (const char  *program,
                                    char       **cmdline);

/* A GSubprocessLauncher child setup: the child gets SIGKILL when the test
 * dies, however it dies. A test that aborts must not leave a server or a
 * simulator behind: the harness would wait for the inherited stderr to
 * close until the timeout, and the next test would meet it. */
void             vz_test_child_setup (gpointer user_data);

/* Starts @argv[0] (a path, or a name looked up in PATH) with @flags, as a
 * child that dies with the test (vz_test_child_setup()); fails the test
 * if it cannot be started. */
GSubprocess     *vz_test_spawn     (GSubprocessFlags     flags,
                                    const char * const  *argv);

/* Hands each line of @in (a child's output), as it comes while the main
 * loop runs, to @func, and then NULL at its end. */
typedef void (*VzTestLineFunc) (const char *line,
                                gpointer    data);
void             vz_test_read_lines (GInputStream   *in,
                                     VzTestLineFunc  func,
                                     gpointer        data);

/* This process's resident memory (VmRSS), in MiB. */
double           vz_test_rss_mib   (void);

/* Listens on 127.0.0.1:@port as soon as it is free (waits up to 2 s, fails
 * the test after that): another program taking a server's port. */
GSocketListener *vz_test_take_port (guint16      port);

G_END_DECLS
