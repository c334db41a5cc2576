/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "vz-session.h"
#include "vz-store.h"
#include "vz-realtime-client.h"
#include "vz-circuit-breaker.h"
#include "vz-mutation.h"
#include "vz-outbox.h"
#include "vz-outbox-sender.h"
#include "vz-retry-policy.h"

G_BEGIN_DECLS

typedef enum {
  VZ_CONNECTION_STATE_OFFLINE,       /* no network, or stopped */
  VZ_CONNECTION_STATE_CONNECTING,    /* initial read / first connect */
  VZ_CONNECTION_STATE_ONLINE,
  VZ_CONNECTION_STATE_RECONNECTING,  /* link lost, backing off */
  VZ_CONNECTION_STATE_UNAVAILABLE,   /* server refuses (auth) or circuit open */
} VzConnectionState;

#define VZ_TYPE_CONNECTION_STATE (vz_connection_state_get_type ())
GType vz_connection_state_get_type (void);
/* "Online", "Connecting…", "Offline", "Reconnecting…", "Server unavailable" */
const char *vz_connection_state_to_label (VzConnectionState state);

#define VZ_TYPE_SYNC_ENGINE (vz_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (VzSyncEngine, vz_sync_engine, VZ, SYNC_ENGINE, GObject)

/*
 * VzSyncEngine: keeps one store per kind of record in step with the server
 * (architecture.md, "The data path"). start() reads every kind's list page
 * by page (the kinds of vz_resource_catalogue(), described in vz-resource.h:
 * the engine itself knows no kind by name), connects the realtime client,
 * holds events that arrive before the read finishes and applies them after
 * it, and re-reads after every reconnect. It is also the one place the UI
 * and vizoractl go through to change anything.
 *
 * The engine is one object in several files, by concern:
 *   vz-sync-engine.c               the object, its properties, start/stop
 *   vz-sync-engine-read.c          reading, live events
 *   vz-sync-engine-snapshot.c      the saved fleet: saved while live, shown when the
 *                                  server cannot be read
 *   vz-sync-engine-edits.c         the changes a person makes (update, delete, links,
 *                                  a kind's own edits, creating)
 *   vz-sync-engine-kind-edits.c    a kind's edits shown, merged, sent, landed, undone
 *   vz-sync-engine-changes.c       the optimistic layer: show, queue, commit, roll back
 *   vz-sync-engine-conflicts.c     the merge after a 412, keep mine or theirs, retry, discard
 *   vz-sync-engine-undo.c          undo
 *   vz-sync-engine-redo.c          redo
 *   vz-sync-engine-availability.c  connection state, breaker, sign-in
 * Kind-specific requests (pairing a screen, creating a group, a playlist's
 * items) live with their kind: vz-display-resource.h,
 * vz-display-group-resource.h, vz-content-resource.h, vz-tag-resource.h,
 * vz-playlist-resource.h.
 *
 * Properties: "session", "connection-state" (VzConnectionState),
 * "loading" (gboolean: initial read in progress), "loaded" (gboolean: at least
 * one full read done), "last-error" (string for people, nullable),
 * "realtime-client", "network-monitor" (construct-only, default: the system's;
 * one given here is always consulted, even for a server on this machine).
 *
 * Signals:
 *   "realtime-event"   (const char *name, JsonNode *payload)  every event, after the stores saw it;
 *                      detailed by the event's name ("realtime-event::screenshot:ready")
 */
VzSyncEngine     *vz_sync_engine_new                 (VzSession    *session);
VzSession        *vz_sync_engine_get_session         (VzSyncEngine *self);
VzRealtimeClient *vz_sync_engine_get_realtime_client (VzSyncEngine *self);
void              vz_sync_engine_start               (VzSyncEngine *self);
void              vz_sync_engine_stop                (VzSyncEngine *self);
/* stop(), then completes once the last fleet seen is on disk: nothing of
 * this engine writes into the account's folder after that but the outbox's
 * writer, which ends when the engine is dropped (vz-account-list.h). */
void              vz_sync_engine_stop_async          (VzSyncEngine        *self,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          vz_sync_engine_stop_finish         (VzSyncEngine        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
VzConnectionState vz_sync_engine_get_connection_state (VzSyncEngine *self);
gboolean          vz_sync_engine_get_loading         (VzSyncEngine *self);
gboolean          vz_sync_engine_get_loaded          (VzSyncEngine *self);
const char       *vz_sync_engine_get_last_error      (VzSyncEngine *self);
/* Re-read every list now (pull to refresh, after reconnect). */
void              vz_sync_engine_refresh             (VzSyncEngine *self);

/* The store of the kind named @kind ("display"; vz-resource.h), or NULL
 * for a kind the catalogue does not have (transfer none). */
VzStore          *vz_sync_engine_get_store           (VzSyncEngine *self,
                                                      const char   *kind);

/*
 * Changes (the optimistic layer, architecture.md "Write"), for every kind.
 *
 * update, delete, link and move do not wait for the server. Each builds
 * VzMutations (the request, the values before, the record's updatedAt as
 * base, the mutation id as Idempotency-Key), applies them to the store at
 * once (in place; only changed properties notify; deleted records leave the
 * store), marks the records "pending" and writes them durably to the
 * account's outbox. Their finish returns TRUE once the change is durably
 * QUEUED, or an error when it could not be (nothing was applied then: the
 * store is as before). A bulk action is one outbox batch and one undo entry.
 * Without an open outbox (before start(), or while it opens) the change
 * waits for it. A change that changes nothing succeeds at once.
 *
 * The final outcome arrives by signal:
 *   "change-committed" (VzMutation *m)       the server applied it; the store
 *                                            holds the server's answer
 *   "change-failed"    (VzMutation *m, GError *error)  refused for good: the
 *                      store is rolled back (deleted records come back in
 *                      their place), @m stays in the outbox as failed (retry
 *                      or discard), error->message is the server's sentence
 *   "change-conflict"  (VzMutation *m, const char *sentence)  a colleague
 *                      changed the same field: the store keeps showing the
 *                      user's value, the record's "conflict" is TRUE, resolve
 *                      with resolve_conflict()
 *   "change-queued"    (VzMutation *m, const char *label)  durably queued,
 *                      once per user action (@m is its first mutation; an
 *                      undo's inverse says so too); @label is the toast text
 *                      ("Renamed “Lobby” to “Hall”")
 */
/* @changes: request members of the kind's changeable fields (string or null) */
void      vz_sync_engine_update_async  (VzSyncEngine        *self,
                                        const char          *kind,
                                        const char          *id,
                                        JsonObject          *changes,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  vz_sync_engine_update_finish (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/* The same @changes on several records, as one action: one outbox batch (a
 * refusal takes back the rest of it), one toast, one undo entry. Records
 * already gone and records that already hold the values are skipped. */
void      vz_sync_engine_update_many_async  (VzSyncEngine        *self,
                                             const char          *kind,
                                             const char * const  *ids,
                                             JsonObject          *changes,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  vz_sync_engine_update_many_finish (VzSyncEngine        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Like vz_sync_engine_update_many_async(), with changes of their own for
 * each record: @changes[i] for @ids[i]. */
void      vz_sync_engine_update_each_async  (VzSyncEngine        *self,
                                             const char          *kind,
                                             const char * const  *ids,
                                             JsonObject * const  *changes,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  vz_sync_engine_update_each_finish (VzSyncEngine        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Records already gone are skipped; the kind's bulk request takes 100 ids. */
void      vz_sync_engine_delete_async  (VzSyncEngine        *self,
                                        const char          *kind,
                                        const char * const  *ids,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  vz_sync_engine_delete_finish (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/* Links the records to @target_id, a record of the kind's linked kind
 * (screens join a group); a record that shows another link keeps showing it. */
void      vz_sync_engine_link_async    (VzSyncEngine        *self,
                                        const char          *kind,
                                        const char * const  *ids,
                                        const char          *target_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  vz_sync_engine_link_finish   (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/* Moves one record from the link it shows to @target_id (NULL: none). */
void      vz_sync_engine_move_async    (VzSyncEngine        *self,
                                        const char          *kind,
                                        const char          *id,
                                        const char          *target_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  vz_sync_engine_move_finish   (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* An edit the kind describes (VzResourceEdit, vz-resource.h: a playlist's
 * "reorder" with {"order": [item ids]}) on record @id, with the edit's
 * @args. Optimistic, queued and undoable like an update; a newer version
 * of the record from the server (a read, an event) shows with the edits
 * still queued here applied on top of it. */
void      vz_sync_engine_edit_async    (VzSyncEngine        *self,
                                        const char          *kind,
                                        const char          *id,
                                        const char          *edit,
                                        JsonObject          *args,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  vz_sync_engine_edit_finish   (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* One step of vz_sync_engine_edit_steps_async(): an edit the kind describes
 * with its values already made: what it does and what undoes it, in the
 * edit's shape, without "edit" (both borrowed). */
typedef struct {
  const char *edit;
  JsonObject *changes;
  JsonObject *previous;
} VzEditStep;

/* Several edits of record @id as one change a person made (a playlist item
 * added at a place: added, then moved there): shown at once in order,
 * written to the outbox together, sent in order (one the server refuses
 * takes back the ones not sent yet), one entry in undo (undone newest
 * first) and one toast in the first step's words. Finish with
 * vz_sync_engine_edit_finish(). */
void      vz_sync_engine_edit_steps_async (VzSyncEngine        *self,
                                           const char          *kind,
                                           const char          *id,
                                           const VzEditStep    *steps,
                                           guint                n_steps,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Creates a record: POST @body to the kind's create path, a direct request
 * (the server gives the id; not queued). Finish returns the new record, in
 * the kind's store (transfer full). */
void      vz_sync_engine_create_async  (VzSyncEngine        *self,
                                        const char          *kind,
                                        JsonObject          *body,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The same with @path instead of the kind's create path (a copy of a
 * record: "/schedules/<id>/duplicate"); finish with create_finish(). */
void      vz_sync_engine_create_at_async (VzSyncEngine        *self,
                                          const char          *kind,
                                          const char          *path,
                                          JsonObject          *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
VzEntity *vz_sync_engine_create_finish (VzSyncEngine        *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* ---------------------------------------------------------------------- */
/* Pending changes, undo, conflicts, availability                           */

/*
 * Properties of the optimistic layer (all read-only, notify on real change):
 *   "outbox"           VzOutbox (nullable until open): the pending-changes
 *                      list, a GListModel of VzMutation in queue order, each
 *                      with its "state" and "last-error"
 *   "outbox-path"      string, read-write (before start): the journal; by
 *                      default vz_outbox_path_for_account ("<server-url>
 *                      <user-id>") (one space between), opened when the engine
 *                      starts signed in. An offline start (no /auth/me) sets
 *                      it from the saved account before start().
 *   "pending-count"    guint: changes not yet applied by the server
 *   "failed-count"     guint: of them, refused by the server (need the user)
 *   "conflict-count"   guint: of them, in conflict with another change (need the user)
 *   "can-undo"         gboolean
 *   "undo-label"       string, nullable: what undo() would revert
 *   "can-redo"         gboolean
 *   "redo-label"       string, nullable: what redo() would apply again
 *   "availability"     string, nullable: the circuit breaker's sentence while
 *                      the server is considered down ("The server is not
 *                      answering. Vizora will try again in 40 seconds.")
 *   "status-label"     string: the header's text, e.g. "Online",
 *                      "Offline · 3 pending", "Online · 1 pending · 1 failed"
 *   "if-match-supported" gboolean, read-write: send If-Match (the local
 *                      fleet server's 412) or read before every write (the
 *                      Vizora platform); default TRUE for a server on this
 *                      computer (loopback url), FALSE elsewhere
 * Every VzEntity in the stores has "pending" (a change not yet applied by the
 * server) and "conflict" (a change waiting for keep-mine / keep-theirs).
 */
/*
 * "undo-window" (guint seconds, read-write, default 0, at most 3600): how long
 * a delete waits in the outbox before it is sent (its "not-before" time,
 * vz-outbox.h), for Undo to take it back without the server ever seeing it.
 * The app binds it to its setting of the same name (10 s: the delete toast
 * stays as long); 0 sends deletes at once (vizoractl, which offers no undo).
 */
guint             vz_sync_engine_get_undo_window     (VzSyncEngine *self);
void              vz_sync_engine_set_undo_window     (VzSyncEngine *self,
                                                      guint         seconds);
/*
 * "snapshot-time" (GDateTime, nullable, read-only): when the server cannot be
 * read at start, the stores show the last fleet seen for this account (saved
 * beside the outbox, see vz-snapshot.h) with the changes still queued on top,
 * and this says when it was taken ("Showing the fleet as of 10:42 (2 hours
 * ago)": vz_snapshot_describe_age()); NULL while the stores hold live data.
 * The fleet is saved at most every 30 s while live, and on stop().
 */
GDateTime        *vz_sync_engine_get_snapshot_time   (VzSyncEngine *self);
/*
 * "last-contact" (gint64, read-only): wall-clock µs (g_get_real_time) of the
 * last moment the server was known to answer: a full read that landed, the
 * moment the engine went online, or the moment it stopped being online
 * (for a link that died of silence, up to the ping timeout later than the
 * last word heard). 0 before any contact. While the state is not online,
 * what the stores show is as of this time ("last known").
 */
gint64            vz_sync_engine_get_last_contact    (VzSyncEngine *self);
VzOutbox         *vz_sync_engine_get_outbox          (VzSyncEngine *self);
const char       *vz_sync_engine_get_outbox_path     (VzSyncEngine *self);
void              vz_sync_engine_set_outbox_path     (VzSyncEngine *self,
                                                      const char   *path);
guint             vz_sync_engine_get_pending_count   (VzSyncEngine *self);
guint             vz_sync_engine_get_failed_count    (VzSyncEngine *self);
guint             vz_sync_engine_get_conflict_count  (VzSyncEngine *self);
gboolean          vz_sync_engine_get_can_undo        (VzSyncEngine *self);
const char       *vz_sync_engine_get_undo_label      (VzSyncEngine *self);
gboolean          vz_sync_engine_get_can_redo        (VzSyncEngine *self);
const char       *vz_sync_engine_get_redo_label      (VzSyncEngine *self);
const char       *vz_sync_engine_get_availability    (VzSyncEngine *self);
char             *vz_sync_engine_dup_status_label    (VzSyncEngine *self);
VzCircuitBreaker *vz_sync_engine_get_circuit_breaker (VzSyncEngine *self);
VzRetryPolicy    *vz_sync_engine_get_retry_policy    (VzSyncEngine *self);
VzOutboxSender   *vz_sync_engine_get_sender          (VzSyncEngine *self);  /* NULL until the outbox is open */
/* Follows the app's settings (cloud.vizora.Desktop: retry-attempts,
 * retry-initial-delay, retry-factor, retry-max-delay, breaker-failure-threshold,
 * breaker-cooldown, breaker-success-threshold, undo-window, send-offline-changes) from now on. */
void              vz_sync_engine_bind_settings       (VzSyncEngine *self,
                                                      GSettings    *settings);
/*
 * "send-offline-changes" (gboolean, read-write, default TRUE): the changes
 * queued while the server could not be reached (or left from an earlier run)
 * are sent once it can be. FALSE: when the server can be reached again and
 * such changes wait, the engine is "holding" (gboolean, read-only): nothing
 * is sent, changes made meanwhile queue behind them, until
 * vz_sync_engine_send_held() (or the setting turned back on, or nothing left
 * to send: discarded, failed or in conflict). Changes made while the server
 * answers are sent at once either way.
 */
gboolean          vz_sync_engine_get_send_offline_changes (VzSyncEngine *self);
void              vz_sync_engine_set_send_offline_changes (VzSyncEngine *self,
                                                           gboolean      send);
gboolean          vz_sync_engine_get_holding         (VzSyncEngine *self);
/* Sends the changes held back now (nothing when not holding). */
void              vz_sync_engine_send_held           (VzSyncEngine *self);
gboolean          vz_sync_engine_get_if_match_supported (VzSyncEngine *self);
void              vz_sync_engine_set_if_match_supported (VzSyncEngine *self,
                                                         gboolean      supported);

/* A line for the pending-changes list: "Rename “Lobby” to “Hall”",
 * "Delete 3 screens"… (transfer full). A request of a bulk action that
 * is in the outbox with others of it is described with them, as one:
 * "Change the location of 40 screens". */
char             *vz_sync_engine_describe_change     (VzSyncEngine *self,
                                                      VzMutation   *mutation);

/* Pending-changes popover actions, by mutation id. retry: a failed change is
 * applied again (optimistically) and sent again. discard: the change leaves
 * the outbox and the store is rolled back. VZ_OUTBOX_ERROR_NOT_FOUND when the
 * id is not queued (any more). */
gboolean          vz_sync_engine_retry_change        (VzSyncEngine *self,
                                                      const char   *mutation_id,
                                                      GError      **error);
gboolean          vz_sync_engine_discard_change      (VzSyncEngine *self,
                                                      const char   *mutation_id,
                                                      GError      **error);

typedef enum {
  VZ_CONFLICT_KEEP_MINE,    /* send my values over the colleague's */
  VZ_CONFLICT_KEEP_THEIRS,  /* drop my change, show the server's values */
} VzConflictResolution;

#define VZ_TYPE_CONFLICT_RESOLUTION (vz_conflict_resolution_get_type ())
GType vz_conflict_resolution_get_type (void);

/* The server's current values of the conflicting fields (wire names, e.g.
 * {"name": "Reception"}), for "Theirs: …" in the list; NULL when @mutation_id
 * is not in conflict (transfer none). */
JsonObject       *vz_sync_engine_get_conflict_theirs (VzSyncEngine *self,
                                                      const char   *mutation_id);
gboolean          vz_sync_engine_resolve_conflict    (VzSyncEngine        *self,
                                                      const char          *mutation_id,
                                                      VzConflictResolution resolution,
                                                      GError             **error);

/*
 * Undo the newest change still in the history (at least 50 kept). A change
 * still pending is discarded and rolled back at once (finish returns once
 * the discard is on disk: a delete waiting out its undo window is then never
 * sent, whatever happens to the app); a committed change gets its inverse
 * queued (optimistically applied, sent like any change; finish returns once
 * it is queued). A committed delete is undone by making the records again
 * from the copy the delete kept, where the kind can (VzResourceRestore): the
 * record shows again at once and takes the server's new id once made; the
 * records that named it (a playlist's screens) are pointed at it again.
 * Where it cannot (a paired screen, an uploaded file the server let go), the
 * history entry says so as soon as the delete landed ("Can no longer be
 * undone: …", "undo-label"), and undoing it fails with
 * VZ_MUTATION_ERROR_NOT_INVERTIBLE and the sentence, and leaves the history.
 * A change that is being sent when Undo is asked for is reverted once it
 * has landed (nothing if it fails); that Undo can then be redone.
 */
void              vz_sync_engine_undo_async          (VzSyncEngine        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          vz_sync_engine_undo_finish         (VzSyncEngine        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/*
 * Redo what the newest Undo took back, as one change of its own: it shows at
 * once and goes through the outbox like any change (it waits there offline).
 * What Undo discarded before it was sent is queued again as it was; what
 * Undo reverted with an inverse has that inverse taken back (discarded if
 * still pending, reverted in turn if committed; a record Undo made again is
 * deleted again). The result is an entry in the undo history again, under
 * the same label; where Undo's inverse is being sent, the change comes
 * again once the inverse has landed, and is in the undo history from then.
 * A new change empties the redo history; so does a change of Undo's that
 * fails. Fails with VZ_MUTATION_ERROR_NOT_INVERTIBLE when
 * there is nothing to redo.
 */
void              vz_sync_engine_redo_async          (VzSyncEngine        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          vz_sync_engine_redo_finish         (VzSyncEngine        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
