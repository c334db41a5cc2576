/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/*
 * VzDb: the server's SQLite file (WAL, busy timeout, foreign keys), its schema
 * migrations (PRAGMA user_version) and a cache of prepared statements keyed by
 * their SQL text, so every query is prepared once and reused.
 */

typedef sqlite3_stmt VzStmt;

/* Resets a cached statement (and its bindings) so it can be reused; what
 * g_autoptr(VzStmt) calls at the end of the scope. */
void vz_stmt_release (VzStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzStmt, vz_stmt_release)

#define VZ_TYPE_DB (vz_db_get_type ())
G_DECLARE_FINAL_TYPE (VzDb, vz_db, VZ, DB, GObject)

/* The schema version this build migrates to. */
#define VZ_DB_SCHEMA_VERSION 9

VzDb       *vz_db_open            (const char  *path,
                                   GError     **error);
const char *vz_db_get_path        (VzDb        *self);
sqlite3    *vz_db_get_handle      (VzDb        *self);
/* A cached, reset statement for @sql. Release it with g_autoptr(VzStmt) or
 * vz_stmt_release(). @sql should be a string literal: it is the cache key. */
VzStmt     *vz_db_prepare         (VzDb        *self,
                                   const char  *sql,
                                   GError     **error);
/* Steps @stmt to completion (for statements that return no rows). */
gboolean    vz_db_step_done       (VzDb        *self,
                                   VzStmt      *stmt,
                                   GError     **error);
/* Runs one or more statements that take no parameters. */
gboolean    vz_db_exec            (VzDb        *self,
                                   const char  *sql,
                                   GError     **error);
gboolean    vz_db_begin           (VzDb        *self,
                                   GError     **error);
gboolean    vz_db_commit          (VzDb        *self,
                                   GError     **error);
/* Never fails visibly: used on error paths that already have an error. */
void        vz_db_rollback        (VzDb        *self);
gint64      vz_db_changes         (VzDb        *self);
void        vz_db_close           (VzDb        *self);

/* Column helpers for the row the statement is on. */
const char *vz_stmt_text          (VzStmt      *stmt,
                                   int          column);   /* NULL for SQL NULL */
gboolean    vz_stmt_is_null       (VzStmt      *stmt,
                                   int          column);
/* Binds @value, or SQL NULL when it is NAN (a number not known). */
void        vz_stmt_bind_number   (VzStmt      *stmt,
                                   int          index,
                                   double       value);
/* Binds @text (copied), or SQL NULL when it is NULL. */
void        vz_stmt_bind_text_or_null (VzStmt  *stmt,
                                       int      index,
                                       const char *text);

G_END_DECLS
