/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-store.h"

G_BEGIN_DECLS

#define VZ_SNAPSHOT_ERROR (vz_snapshot_error_quark ())
GQuark vz_snapshot_error_quark (void);

typedef enum {
  VZ_SNAPSHOT_ERROR_NONE_SAVED,   /* there is no snapshot yet */
  VZ_SNAPSHOT_ERROR_IO,           /* it could not be read or written */
  VZ_SNAPSHOT_ERROR_CORRUPT,      /* it is not a snapshot, or a damaged one */
} VzSnapshotError;

#define VZ_TYPE_SNAPSHOT (vz_snapshot_get_type ())
G_DECLARE_FINAL_TYPE (VzSnapshot, vz_snapshot, VZ, SNAPSHOT, GObject)

/*
 * VzSnapshot: the last fleet the app saw for one account, kept in a file so
 * that the app opens instantly, and offline, with it (architecture.md, "The
 * data path"). It holds the stores of the kinds of record added to it, each
 * under a member of its own ("displays", "groups"), and writes them as JSON
 * in the wire format (the objects a list read returns, VzEntityClass.to_json),
 * so loading goes through the very decoding a server read uses. A saved
 * fleet without some kind's list (a kind added since) loads it as empty.
 *
 * Saving: vz_snapshot_mark_dirty() (and any insertion or removal in the
 * stores, which the snapshot watches itself) asks for a save; saves are
 * throttled to one per "interval" seconds. The records the stores hold when
 * a save starts are turned into JSON on the owning thread, a chunk of text at
 * a time between main-loop iterations; a worker thread writes each chunk to
 * a new file beside the snapshot (mode 0600) before the next is made, so a
 * save never holds the whole text. The file is fsync()ed and renamed over
 * the snapshot: a crash or a failed write leaves the old snapshot or the new
 * one, never half of one. vz_snapshot_flush_async() saves now if anything
 * changed since the last save (the engine calls it on stop).
 *
 * Loading: vz_snapshot_load_async() reads and parses in a worker thread, then
 * replaces the stores' contents on the owning thread. A file that is not a
 * snapshot, or is damaged, fails with VZ_SNAPSHOT_ERROR_CORRUPT and a
 * sentence; entries that do not decode are skipped.
 *
 * Properties:
 *   "path"        string, construct-only
 *   "interval"    guint seconds ≥ 1, default 30: at most one save per interval
 *   "saved-at"    GDateTime (nullable), read-only: when the snapshot on disk
 *                 was taken (after a load or a save)
 *   "dirty"       gboolean, read-only: changes not saved yet
 *   "paused"      gboolean, read-write, default FALSE: no saves while TRUE
 *                 (the stores show saved, not live, data: saving it again
 *                 would date old data as new); changes still mark it dirty
 *                 and the throttled save resumes when unpaused
 *
 * Signals:
 *   "saved" (GError *error_or_null): a save finished (throttled saves report
 *           here; a failed save is also logged with g_message)
 */

/* <user data dir>/vizora-desktop/accounts/<key>/snapshot.json: the folder of
 * vz_outbox_path_for_account (@account_id), one per account. */
char        *vz_snapshot_path_for_account (const char           *account_id);
/* snapshot.json next to an outbox journal (the engine's "outbox-path"). */
char        *vz_snapshot_path_beside      (const char           *outbox_path);

VzSnapshot  *vz_snapshot_new              (const char           *path);
/* Saves and loads @store as the list @member, after the stores added
 * before it (load order: a kind another kind links to comes first). */
void         vz_snapshot_add_store        (VzSnapshot           *self,
                                           const char           *member,
                                           VzStore              *store);
/* The store saved as @member, or NULL (transfer none). */
VzStore     *vz_snapshot_get_store        (VzSnapshot           *self,
                                           const char           *member);

const char  *vz_snapshot_get_path         (VzSnapshot           *self);
GDateTime   *vz_snapshot_get_saved_at     (VzSnapshot           *self);
gboolean     vz_snapshot_get_dirty        (VzSnapshot           *self);
guint        vz_snapshot_get_interval     (VzSnapshot           *self);
void         vz_snapshot_set_interval     (VzSnapshot           *self,
                                           guint                 seconds);

/* Something in the stores changed in place (a rename, a status): save within
 * the interval. O(1); arms at most one timer. */
void         vz_snapshot_mark_dirty       (VzSnapshot           *self);

/* Saves now when dirty (and not paused); completes once the file is
 * durable. */
void         vz_snapshot_flush_async      (VzSnapshot           *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     vz_snapshot_flush_finish     (VzSnapshot           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* Blocking save, for processes about to exit (vizoractl) and tests. */
gboolean     vz_snapshot_save             (VzSnapshot           *self,
                                           GError              **error);

/* Finishes, in the calling thread, the saves it started that are still
 * under way (their text is made by its main loop, which a process about to
 * exit no longer runs), waiting at most @timeout_ms for their files. */
void         vz_snapshot_wait_for_saves   (guint                 timeout_ms);

gboolean     vz_snapshot_get_paused       (VzSnapshot           *self);
void         vz_snapshot_set_paused       (VzSnapshot           *self,
                                           gboolean              paused);

/* Reads and parses the file in a worker thread without touching the stores:
 * finish gives the wire objects (a GHashTable of member → GPtrArray of
 * JsonObject*, transfer full) for the caller to apply as it applies a server
 * read (e.g. with its pending changes on top), and returns when the snapshot
 * was taken (transfer full), or NULL with an error. @decoded (optional,
 * transfer full) gets the objects decoded in that thread into new entities
 * of their stores' types (JsonObject* → VzEntity*), for
 * vz_store_replace_all_decoded(): such an object is a stand-in that holds
 * only the record's "id" and "updatedAt" (vz_store_record_whole() gives the
 * record). Cancelling @cancellable also stops the thread's parsing and
 * decoding early (G_IO_ERROR_CANCELLED). */
void         vz_snapshot_read_async       (VzSnapshot           *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GDateTime   *vz_snapshot_read_finish      (VzSnapshot           *self,
                                           GAsyncResult         *result,
                                           GHashTable          **lists,
                                           GHashTable          **decoded,
                                           GError              **error);

/* As vz_snapshot_read_async(), for the sections of @members only: the
 * lists finish gives hold no others. The others are still read through, as
 * strictly, so that a damaged file is refused whole whichever part of it
 * is read; reading the rest later gives the sections of the same file when
 * the time finish returns is the same. */
void         vz_snapshot_read_sections_async (VzSnapshot          *self,
                                              const char * const  *members,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/* Frees (transfer full, both nullable) what vz_snapshot_read_finish() gave
 * once it is applied, in a worker thread: a saved fleet's parsed records take
 * a tenth of a second to free. Nothing else may hold their objects. */
void         vz_snapshot_drop_read        (GHashTable           *lists,
                                           GHashTable           *decoded);

/* Fills the stores from the file; finish returns when it was taken
 * (transfer full) or NULL with an error, leaving the stores untouched. */
void         vz_snapshot_load_async       (VzSnapshot           *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GDateTime   *vz_snapshot_load_finish      (VzSnapshot           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* Blocking load (vizoractl, tests). */
GDateTime   *vz_snapshot_load             (VzSnapshot           *self,
                                           GError              **error);

/* "Showing the fleet as of 10:42 (2 hours ago)" for @taken seen at @now
 * (nullable: the current time), in the local time zone (transfer full). */
char        *vz_snapshot_describe_age     (GDateTime            *taken,
                                           GDateTime            *now);

G_END_DECLS
