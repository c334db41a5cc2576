/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdarg.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Waiting for one async result in a test, and what a program a test ran
 * said (its exit status, standard output and standard error).
 */

/* A GAsyncReadyCallback keeping the result in *(GAsyncResult **) user_data. */
void          vz_test_keep_result (GObject       *source,
                                   GAsyncResult  *result,
                                   gpointer       user_data);
/* Runs the main context until vz_test_keep_result() kept the result. */
GAsyncResult *vz_test_wait_result (GAsyncResult **result);

typedef struct {
  int   status;
  char *out;
  char *err;
} VzTestRun;

/* Runs @launcher's program with @argv to its end, keeping what it said. */
void          vz_test_run         (VzTestRun            *run,
                                   GSubprocessLauncher  *launcher,
                                   const char * const   *argv);
void          vz_test_run_clear   (VzTestRun            *run);

/* Runs $VIZORACTL_BIN --server @server_url ARGS… (NULL-terminated) from
 * @launcher (its environment as the caller set it) to its end in the C.UTF-8
 * locale, keeping what it said. */
void          vz_test_run_vizoractl_valist (VzTestRun           *run,
                                            GSubprocessLauncher *launcher,
                                            const char          *server_url,
                                            va_list              args);
/* The same from a launcher of its own, with VIZORA_TOKEN=@token. */
void          vz_test_run_vizoractl (VzTestRun          *run,
                                     const char         *server_url,
                                     const char         *token,
                                     ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VzTestRun, vz_test_run_clear)

G_END_DECLS
