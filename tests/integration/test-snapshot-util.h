/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-snapshot.h"
#include "vz-store.h"

G_BEGIN_DECLS

/*
 * What the snapshot tests share: a folder of their own, a saved fleet of
 * screens and groups as the sync engine makes it, and a large fleet.
 */

/* The folder each program's tests save under (made by snapshot_test_init()). */
extern char *test_tmpdir;

/* The screens fill_large() makes: about 2 MB of text, several of the writer's chunks. */
#define N_LARGE 3000

/* g_test_init(), and test_tmpdir made. */
void          snapshot_test_init  (int           *argc,
                                   char        ***argv);
/* Runs the tests, then removes test_tmpdir with all the tests made in it;
 * the tests' status. */
int           snapshot_test_run   (void);

/* A snapshot at @path of @displays and @groups (transfer full). */
VzSnapshot   *fleet_snapshot_new  (const char    *path,
                                   VzStore       *displays,
                                   VzStore       *groups);
/* Runs the main loop until *@result is set by store_result(); *@result. */
gpointer      wait_for            (GAsyncResult **result);
/* A GAsyncReadyCallback that keeps @result in *@user_data (a GAsyncResult **). */
void          store_result        (GObject       *source,
                                   GAsyncResult  *result,
                                   gpointer       user_data);
/* snapshot.json in a folder @name of test_tmpdir (transfer full). */
char         *fresh_path          (const char    *name);
/* N_LARGE screens, "screen-00000" on, with long names in many scripts. */
void          fill_large          (VzStore       *displays);

G_END_DECLS
