/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-mutation.h"

G_BEGIN_DECLS

#define VZ_OUTBOX_ERROR (vz_outbox_error_quark ())
GQuark vz_outbox_error_quark (void);

typedef enum {
  VZ_OUTBOX_ERROR_IO,             /* the journal could not be read, written or synced */
  VZ_OUTBOX_ERROR_NOT_AN_OUTBOX,  /* the file is something else (wrong magic or version) */
  VZ_OUTBOX_ERROR_CORRUPT,        /* a damaged record before the end of the journal */
  VZ_OUTBOX_ERROR_BUSY,           /* another process has the journal open */
  VZ_OUTBOX_ERROR_NOT_FOUND,      /* no queued change with that id */
  VZ_OUTBOX_ERROR_INVALID_STATE,  /* the change is not in a state that allows this */
  VZ_OUTBOX_ERROR_DUPLICATE,      /* a change with that id is already queued */
  VZ_OUTBOX_ERROR_TOO_LARGE,      /* a change (or batch) over the journal's 64 MiB record limit */
} VzOutboxError;

typedef enum {
  VZ_OUTBOX_OPEN_NONE = 0,
  /* When the journal is damaged before its end, keep the good records in
   * front of the damage instead of failing: the damaged file is first saved
   * next to it as "<path>.damaged-<unix time>", then the journal is cut
   * back to the good prefix. Without this flag such a journal fails with
   * VZ_OUTBOX_ERROR_CORRUPT and the file is left exactly as it was, so the
   * app can tell the user and ask before anything is dropped. */
  VZ_OUTBOX_OPEN_SALVAGE = 1 << 0,
} VzOutboxOpenFlags;

/* Why a mutation left the outbox ("mutation-removed" signal). */
typedef enum {
  VZ_OUTBOX_REMOVAL_COMMITTED,    /* vz_outbox_mark_done(): the server applied it */
  VZ_OUTBOX_REMOVAL_DISCARDED,    /* vz_outbox_discard(): the user (or a rollback) dropped it */
} VzOutboxRemoval;

#define VZ_TYPE_OUTBOX_REMOVAL (vz_outbox_removal_get_type ())
GType vz_outbox_removal_get_type (void);

#define VZ_TYPE_OUTBOX (vz_outbox_get_type ())
G_DECLARE_FINAL_TYPE (VzOutbox, vz_outbox, VZ, OUTBOX, GObject)

/*
 * VzOutbox: the durable queue of changes not yet applied by the server, one
 * per account, kept in an append-only journal file. It is a GListModel of
 * VzMutation in queue order, so the pending-changes list binds to it directly.
 *
 * Durability: vz_outbox_enqueue_async() completes only after the mutation's
 * record is written and fdatasync()ed. A writer thread does the I/O with
 * group commit: everything queued since its last sync goes out in one write()
 * and one fdatasync(), then all those enqueues complete together on the
 * main context of the thread that created the outbox. The mutation appears
 * in the model (and "mutation-added" fires) right before its task completes,
 * never before it is durable. State changes and removals (the mark_*(),
 * retry() and discard() calls) take effect in memory at once and are
 * journaled by the same writer in order, without making the caller wait;
 * vz_outbox_flush_async() waits until everything so far is durable. The
 * writer syncs them at once (milliseconds); a crash in that window loses
 * only the latest state changes: a committed change is then sent again
 * (with the same Idempotency-Key) and a discarded one comes back, so call
 * flush after a discard the user must not see again.
 *
 * Only one process may have a journal open (the app and vizoractl share the
 * account's queue): a lock file "<path>.lock" is held while the outbox lives.
 * Finalizing does not wait for the writer: it writes what is still queued,
 * then releases the lock. Opening the same journal again in this process
 * waits for that (in the worker thread with vz_outbox_new_async()), and so
 * does the process at exit.
 *
 * Sending order: strictly FIFO per entity id (a mutation that touches several
 * entities waits until it is first in line for each of them); different
 * entities go in parallel. A mutation is *sendable* when it is queued and
 * first in line for all its entities. A failed or conflicting mutation stays
 * first in line and so holds back later changes of the same entities until it
 * is retried or discarded: nothing overtakes a change that did not land.
 *
 * The sender's loop:
 *   m = vz_outbox_peek_sendable (outbox);      // oldest sendable, or NULL
 *   vz_outbox_mark_sending (outbox, id, …);    // attempts + 1; no longer sendable
 *   … request with Idempotency-Key: id, If-Match: "<base-updated-at>" …
 *   success:                vz_outbox_mark_done (outbox, id, …)
 *   retry later (transient): vz_outbox_mark_sending() again for the next
 *                           attempt, or vz_outbox_requeue() to give the turn
 *                           back (e.g. while the circuit breaker is open)
 *   permanent failure:      vz_outbox_mark_failed (outbox, id, sentence, …)
 *   412 / 409:              vz_outbox_mark_conflict (outbox, id, sentence, …)
 * and "mutation-sendable" tells it when something new can go. Mutations that
 * were "sending" when the process died come back as "queued".
 *
 * Properties:
 *   "path"   string, construct-only: the journal file
 *   "flags"  VzOutboxOpenFlags (as guint), construct-only
 *   "count"  guint: mutations in the outbox (same as g_list_model_get_n_items)
 *
 * Signals (all on the creating thread's main context):
 *   "mutation-added"         (VzMutation *m): durable and in the model
 *   "mutation-removed"       (VzMutation *m, VzOutboxRemoval why): out of the
 *                            model (committed: nothing to do; discarded: the
 *                            optimistic layer rolls it back)
 *   "mutation-state-changed" (VzMutation *m, VzMutationState old_state)
 *   "mutation-sendable"      (VzMutation *m): @m just became sendable
 *   "journal-error"          (GError *error): a write or sync of the journal
 *                            failed (disk full, I/O error); the enqueues in
 *                            it fail with the same error, state changes and
 *                            removals in it are not on disk. The sentence
 *                            says what happened, for the app to show.
 *
 * Journal format (little-endian):
 *   file header, 16 bytes: "VZOUTBOX", u32 version (1), u32 flags (0)
 *   records, each: u8 'V', u8 'Z', u8 kind, u8 0, u32 payload length,
 *                  u32 CRC-32 (IEEE 802.3, as zlib's crc32()) of the 8 header
 *                  bytes before it and the payload, then the payload:
 *     kind 'A' add     the mutation's JSON (vz_mutation_to_json())
 *     kind 'U' update  {"id", "state", "attempts", "lastError"?}
 *     kind 'R' remove  {"id", "reason": "committed"|"discarded"}
 *     kind 'B' batch   nested add records, each framed like a record but
 *                      with the magic "vz" (lowercase, so that a scan for
 *                      records after damage never stops inside a batch);
 *                      the batch's own CRC makes a bulk action all or nothing
 * A record that is torn or damaged at the very end of the journal (short
 * header or payload, bad CRC, bad JSON, no valid record after it) is what a
 * crash mid-write leaves: loading drops it, cuts the file back to the last
 * good record and logs a message (not a warning) naming the bytes dropped. Damage with a
 * valid record after it is not a crash artefact and is reported
 * (VZ_OUTBOX_ERROR_CORRUPT, see VZ_OUTBOX_OPEN_SALVAGE). When removed and
 * superseded records outweigh the live ones the journal is compacted: the live
 * set is written to "<path>.tmp", synced, renamed over the journal and the
 * directory synced, by the writer thread.
 */

/* The journal's usual place for an account:
 * <user data dir>/vizora-desktop/accounts/<key>/outbox.journal, where <key>
 * is derived from @account_id (any string: a user id, "email@server") so
 * that it is always one safe file name. */
char         *vz_outbox_path_for_account   (const char           *account_id);

/* Opens (creating it and its folder when missing) and loads the journal.
 * Blocks on I/O: prefer vz_outbox_new_async() on the main thread. */
VzOutbox     *vz_outbox_new                (const char           *path,
                                            VzOutboxOpenFlags     flags,
                                            GCancellable         *cancellable,
                                            GError              **error);
/* Loads in a worker thread; the outbox then belongs to the calling thread. */
void          vz_outbox_new_async          (const char           *path,
                                            VzOutboxOpenFlags     flags,
                                            int                   io_priority,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
VzOutbox     *vz_outbox_new_finish         (GAsyncResult         *result,
                                            GError              **error);

const char   *vz_outbox_get_path           (VzOutbox             *self);
guint         vz_outbox_get_count          (VzOutbox             *self);
/* The queued mutation with that id, or NULL (transfer none). O(1). */
VzMutation   *vz_outbox_lookup             (VzOutbox             *self,
                                            const char           *id);

/*
 * Appends @mutation (which must be in state queued, with an id not in the
 * outbox) and completes once it is durable. The outbox keeps a reference.
 * If @cancellable is already cancelled nothing is written and the task fails
 * with G_IO_ERROR_CANCELLED; once accepted, the write is never abandoned half
 * way (a queued change the caller believes lost would be worse), so later
 * cancellation is not honoured: discard the mutation instead.
 * Fails with VZ_OUTBOX_ERROR_IO (a sentence saying the change could not be
 * saved, and why) when the write or sync fails; the journal is then cut back
 * so later records stay readable.
 */
void          vz_outbox_enqueue_async      (VzOutbox             *self,
                                            VzMutation           *mutation,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      vz_outbox_enqueue_finish     (VzOutbox             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/*
 * Appends several mutations as one record (a bulk action): after a crash
 * either all of them are in the outbox or none is, and they appear in the
 * model together. Every mutation is checked first (queued, new id); one bad
 * mutation fails the whole batch and nothing is written. Otherwise as
 * vz_outbox_enqueue_async(). Setting the same "batch-id" on them is up to
 * the caller (it is what vz_outbox_list_batch() finds later).
 */
void          vz_outbox_enqueue_batch_async (VzOutbox            *self,
                                             GPtrArray           *mutations,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      vz_outbox_enqueue_batch_finish (VzOutbox           *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* Completes once every record journaled before the call is durable; fails
 * with the writer's error if one of them could not be written. */
void          vz_outbox_flush_async        (VzOutbox             *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      vz_outbox_flush_finish       (VzOutbox             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The oldest sendable mutation (transfer none), or NULL. O(log n). */
VzMutation   *vz_outbox_peek_sendable      (VzOutbox             *self);
/* Whether @id is sendable now. */
gboolean      vz_outbox_is_sendable        (VzOutbox             *self,
                                            const char           *id);
guint         vz_outbox_get_n_sendable     (VzOutbox             *self);

/* queued (and sendable) or sending → sending, attempts + 1. */
gboolean      vz_outbox_mark_sending       (VzOutbox             *self,
                                            const char           *id,
                                            GError              **error);
/* sending → removed (committed). */
gboolean      vz_outbox_mark_done          (VzOutbox             *self,
                                            const char           *id,
                                            GError              **error);
/* sending → queued, attempts kept, @last_error (nullable) recorded: a
 * transient failure that gives the turn back. */
gboolean      vz_outbox_requeue            (VzOutbox             *self,
                                            const char           *id,
                                            const char           *last_error,
                                            GError              **error);
/* sending → failed, with a sentence for people. */
gboolean      vz_outbox_mark_failed        (VzOutbox             *self,
                                            const char           *id,
                                            const char           *last_error,
                                            GError              **error);
/* sending → conflict, with a sentence for people. */
gboolean      vz_outbox_mark_conflict      (VzOutbox             *self,
                                            const char           *id,
                                            const char           *last_error,
                                            GError              **error);
/* failed or conflict → queued, attempts back to 0, last error cleared: the
 * user asked to try again. */
gboolean      vz_outbox_retry              (VzOutbox             *self,
                                            const char           *id,
                                            GError              **error);
/* Any state → removed (discarded). A request in flight for it may still land;
 * the sender's later mark_*() then fails with VZ_OUTBOX_ERROR_NOT_FOUND. */
gboolean      vz_outbox_discard            (VzOutbox             *self,
                                            const char           *id,
                                            GError              **error);

/*
 * Held changes: a mutation whose "not-before" time (vz_mutation_get_not_before)
 * has not come is not sendable, even when first in line; at that time it
 * becomes sendable ("mutation-sendable") by itself. Its record in the
 * journal carries the time, so after a restart it waits out the rest of it,
 * or goes at once when the time passed meanwhile. Discarding it before then
 * means it is never sent.
 *
 * The clock is wall-clock µs (g_get_real_time) unless replaced; after
 * moving a replaced clock, release_due() looks at the held changes again
 * (the timer does so by itself on the real clock).
 */
typedef gint64 (*VzOutboxClockFunc) (gpointer user_data);

void          vz_outbox_set_clock          (VzOutbox             *self,
                                            VzOutboxClockFunc     func,
                                            gpointer              user_data,
                                            GDestroyNotify        destroy);
void          vz_outbox_release_due        (VzOutbox             *self);
/* Changes first in line that wait for their not-before time. */
guint         vz_outbox_get_n_held         (VzOutbox             *self);

/* The first mutation in line for @entity_id, whatever its state, or NULL
 * (transfer none). O(1). */
VzMutation   *vz_outbox_peek_for_entity    (VzOutbox             *self,
                                            const char           *entity_id);
/* Every mutation touching @entity_id, in queue order (transfer container):
 * what to replay over a fresh server state when a live event arrives for an
 * entity with pending changes. O(changes of that entity). */
GPtrArray    *vz_outbox_list_for_entity    (VzOutbox             *self,
                                            const char           *entity_id);

/* The queued mutations of one batch in queue order (transfer container). */
GPtrArray    *vz_outbox_list_batch         (VzOutbox             *self,
                                            const char           *batch_id);

G_END_DECLS
