/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-snapshot.h"

G_BEGIN_DECLS

/*
 * VzSnapshot is one object in three files: vz-snapshot.c (the object, its
 * properties and sections), vz-snapshot-write.c (saving: the throttle and
 * the writing thread) and vz-snapshot-read.c (reading, decoding and loading).
 */

#define SNAPSHOT_FORMAT   "vizora-snapshot"
#define SNAPSHOT_VERSION  1

struct _VzSnapshot
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *sections;      /* VzSnapshotSection*, in the order they were added */
  guint      interval;
  GDateTime *saved_at;
  gboolean   dirty;
  gboolean   paused;

  gint64     last_save;     /* monotonic µs of the last save started, 0 never */
  guint      save_source;   /* the throttle's timer */
  gboolean   saving;        /* a write is under way; changes meanwhile stay dirty */
  GPtrArray *waiters;       /* flush tasks for the next write (one write at a time,
                               so an older document never lands over a newer one) */
};

/* One kind of record: its list's member in the document, and its store. */
typedef struct {
  char    *member;
  VzStore *store;
} VzSnapshotSection;

/* vz-snapshot.c: the properties, notified on real change. */
void _vz_snapshot_set_saved_at (VzSnapshot *self,
                                GDateTime  *taken);
void _vz_snapshot_set_dirty    (VzSnapshot *self,
                                gboolean    dirty);
/* Emits "saved" (@error nullable). */
void _vz_snapshot_emit_saved   (VzSnapshot   *self,
                                const GError *error);

/* What reading a snapshot gives: the lists of records by member, each
 * record's decoded entity, and the time it was saved. */
typedef struct {
  GStrv       members;   /* the sections to read */
  GType      *types;     /* their stores' entity types */
  GStrv       skipped;   /* the sections only checked (nullable) */
  GHashTable *lists;     /* member → GPtrArray of JsonObject* */
  GHashTable *decoded;   /* JsonObject* → the VzEntity it decodes to */
  GDateTime  *taken;
} VzSnapshotRead;

/* vz-snapshot-read.c: reads @path (any thread): the lists of @members,
 * and of @skipped (nullable) only whether they are sound. */
VzSnapshotRead *_vz_snapshot_read_document (const char         *path,
                                            const char * const *members,
                                            const GType        *types,
                                            const char * const *skipped,
                                            GCancellable       *cancellable,
                                            GError            **error);
void            _vz_snapshot_read_free     (VzSnapshotRead     *data);
/* Runs @task's read of @path in a thread of its own (any thread). */
void            _vz_snapshot_read_in_thread (GTask *task);

/* vz-snapshot-prefetch.c: whether a read of @path (with the sections of
 * @members and @types, @skipped checked only) started early takes @task,
 * returning the saved fleet to it now or when it is read (main thread). */
gboolean _vz_snapshot_prefetch_claim (const char         *path,
                                      const char * const *members,
                                      const GType        *types,
                                      const char * const *skipped,
                                      GTask              *task);

/* Registers an early read whose file is not known yet (NULL when one is
 * registered already); _vz_snapshot_prefetch_run() then reads @path (NULL:
 * there is none) in the calling thread, hands it over and frees @handle. */
gpointer _vz_snapshot_prefetch_begin (void);
void     _vz_snapshot_prefetch_run   (gpointer    handle,
                                      const char *path);
/* The early read that nobody took is not wanted (the server's data came
 * first): it stops, and what it read is freed in its thread. */
void     _vz_snapshot_prefetch_discard (void);
/* Waits until the early read in progress has read its file (tests). */
gboolean _vz_snapshot_prefetch_wait_read (guint timeout_ms);

/* vz-snapshot-write.c: arms the throttle's timer for the next save, unless
 * one is armed, a save is under way or saving is paused. */
void _vz_snapshot_schedule     (VzSnapshot *self);

G_END_DECLS
