/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-outbox.h"
#include "vz-outbox-journal-private.h"

G_BEGIN_DECLS

/*
 * Blocks until the writer of every finalized outbox of this process has
 * written what was queued and released its journal. Finalizing does not
 * wait (the main loop must not); this runs at exit, and lets a caller that
 * reads a closed journal's file see it complete.
 */
void _vz_outbox_wait_for_writers (void);

/* A mutation's place in the queue of one of its entities. */
typedef struct {
  const char *entity_id;    /* owned by the mutation */
  GQueue *queue;
  GList *link;
} VzOutboxEntityLink;

/* One queued mutation as the outbox tracks it. */
typedef struct {
  VzMutation *mutation;
  guint64 seq;              /* queue order, for the sendable set */
  GSequenceIter *iter;      /* position in the model */
  VzOutboxEntityLink *links; /* one per distinct entity id */
  guint n_entities;
  gboolean sendable;
} VzOutboxEntry;

struct _VzOutbox
{
  GObject parent_instance;

  char *path;
  VzOutboxOpenFlags flags;
  GMainContext *context;
  int lock_fd;

  GSequence *items;         /* VzOutboxEntry*, queue order */
  GHashTable *by_id;        /* id → VzOutboxEntry* */
  GHashTable *by_entity;    /* entity id → GQueue* of VzOutboxEntry* */
  GTree *sendable;          /* entry → entry, ordered by seq */
  GHashTable *pending_ids;  /* ids of enqueues not yet durable */
  guint64 next_seq;

  /* Changes first in line whose not-before time has not come (vz-outbox-hold.c) */
  GHashTable *held;         /* VzOutboxEntry* set */
  GSource *hold_timer;      /* fires at the earliest not-before */
  gint64 hold_due;          /* when hold_timer fires (clock µs), 0: none */
  VzOutboxClockFunc clock;
  gpointer clock_data;
  GDestroyNotify clock_destroy;

  VzOutboxJournal *journal;
};

VzOutboxEntry *_vz_outbox_insert_entry (VzOutbox       *self,
                                        VzMutation     *mutation);
VzMutation    *_vz_outbox_unlink_entry (VzOutbox       *self,
                                        VzOutboxEntry  *entry,
                                        GPtrArray      *now_sendable);

gboolean       _vz_outbox_update_sendable (VzOutbox      *self,
                                           VzOutboxEntry *entry);
void           _vz_outbox_emit_sendable   (VzOutbox      *self,
                                           GPtrArray     *now_sendable);

/* vz-outbox-hold.c: TRUE when @entry's not-before time has not come (it
 * is then kept, and the timer set, to be looked at again at that time). */
gboolean       _vz_outbox_hold         (VzOutbox       *self,
                                        VzOutboxEntry  *entry);
/* @entry leaves the outbox: no longer held. */
void           _vz_outbox_release      (VzOutbox       *self,
                                        VzOutboxEntry  *entry);
void           _vz_outbox_hold_init    (VzOutbox       *self);
void           _vz_outbox_hold_clear   (VzOutbox       *self);

/* Apply a state change or a removal in memory, journal it, then tell
 * listeners (vz-outbox.c, for the state API in vz-outbox-states.c). */
void           _vz_outbox_change_state (VzOutbox        *self,
                                        VzOutboxEntry   *entry,
                                        VzMutationState  state,
                                        guint            attempts,
                                        const char      *last_error);
void           _vz_outbox_remove_entry (VzOutbox        *self,
                                        VzOutboxEntry   *entry,
                                        VzOutboxRemoval  why);

/* Reads the journal at self->path into the outbox's indexes and the
 * journal's live records (vz-outbox-load.c). */
gboolean       _vz_outbox_load_journal (VzOutbox       *self,
                                        GCancellable   *cancellable,
                                        GError        **error);

G_END_DECLS
