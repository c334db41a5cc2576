/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-backoff.h"
#include "vz-resource.h"
#include "vz-snapshot.h"
#include "vz-sync-engine.h"
#include "vz-undo-stack.h"

G_BEGIN_DECLS

/* One kind of record as the engine keeps it. */
typedef struct {
  const VzResource *resource;
  VzStore          *store;
  GHashTable       *removed;     /* id → Removed*: deleted here, not yet on the server */
  GHashTable       *fresh;       /* id → JsonObject: committed while a read was out */
  GHashTable       *gone;        /* ids whose delete committed while a read was out */
  guint             generation;  /* the newest list of this kind asked for */
  GHashTable       *seen;        /* id → the last server record shown from an answer or event
                                  * (vz-sync-engine-echoes.c) */
  guint             announced_link; /* the realtime link that announced a change of this kind */
} VzKind;

/* A record deleted optimistically: kept to put back on rollback. */
typedef struct {
  VzEntity *entity;
  guint     position;
} VzRemoved;

struct _VzSyncEngine
{
  GObject            parent_instance;

  VzSession         *session;
  VzApiClient       *api;            /* the session's */
  VzRealtimeClient  *realtime;
  GPtrArray         *kinds;          /* VzKind*, in the catalogue's order */
  GHashTable        *kinds_by_name;  /* resource name → VzKind* */
  GHashTable        *handlers;       /* event name → GPtrArray of Handler* */
  GNetworkMonitor   *monitor;
  VzBackoff         *read_backoff;
  GCancellable      *cancellable;    /* reads; replaced on every stop */

  GQueue             held;           /* HeldEvent*, while a read is in flight */
  gboolean           drop_held;      /* overflowed: the next read replaces them */

  /* Our own changes' echoes (vz-sync-engine-echoes.c) */
  guint              link;           /* realtime connections made */
  gboolean           link_up;
  GHashTable        *awaiting;       /* mutation id → record id: its answer will carry the record */
  GQueue             echo_held;      /* events about awaited records */
  guint              echo_hold_id;
  guint              echoes_skipped;

  guint              retry_id;
  guint              unknown_id;

  char              *last_error;
  VzConnectionState  state;
  gboolean           started;
  gboolean           loading;
  gboolean           loaded;
  gboolean           reading;
  gboolean           read_again;
  gboolean           read_failed;
  gboolean           auth_failed;
  gboolean           ever_connected;
  gboolean           network_matters; /* FALSE for loopback servers */
  gboolean           token_checked;   /* realtime auth failed: REST asked once */
  gboolean           network_was_up;
  guint              read_generation;
  gint64             last_contact;    /* wall-clock µs, 0: never */

  /* The optimistic layer */
  GCancellable      *life;           /* cancelled on dispose only */
  char              *outbox_path;
  VzOutbox          *outbox;         /* NULL until opened */
  gboolean           opening;
  GQueue             deferred;       /* Deferred*: changes waiting for the outbox */
  VzOutboxSender    *sender;
  VzRetryPolicy     *policy;
  VzCircuitBreaker  *breaker;
  VzUndoStack       *undo;
  VzUndoStack       *redo;           /* what Undo took back, as Redo brings it again */
  GHashTable        *redo_origins;   /* id of a mutation in redo → what it took back
                                      * (itself: a copy of a discarded change, not queued) */
  GHashTable        *rolled_back;    /* mutation ids whose effect is not shown */
  GHashTable        *theirs;         /* mutation id → JsonObject: the server's side of a conflict */
  GHashTable        *current;        /* mutation id → JsonObject: the whole record read then */
  GHashTable        *undo_after_commit; /* id of a mutation in flight → VzReversal* that
                                         * reverts it once it has landed */
  GHashTable        *aliases;        /* local id → the id the server gave it (VzResourceEdit.named) */
  GPtrArray         *enqueuing;      /* VzMutation*: shown, not yet durable (not in the outbox model) */
  GHashTable        *enqueuing_ids;  /* record id → count of those */
  guint              pending_count;
  guint              failed_count;
  guint              conflict_count;
  char              *availability;
  guint              breaker_timer;
  gboolean           if_match_supported;
  gboolean           send_offline_changes;
  gboolean           holding;        /* changes made offline wait for send_held() */
  gboolean           was_reachable;  /* the sender could send, last time asked */
  guint              undo_window;     /* seconds a delete waits in the outbox */

  /* The last fleet seen (vz-snapshot.h), for an offline start */
  VzSnapshot        *snapshot;       /* NULL until the outbox path is known */
  GDateTime         *snapshot_time;  /* the stores show that snapshot; NULL: live */
  gboolean           snapshot_reading;
  gboolean           snapshot_reading_later;  /* that read is of the kinds shown later */
  GCancellable      *snapshot_read;  /* that read: cancelled when a live read lands first */
};

typedef enum {
  PROP_0,
  PROP_SESSION,
  PROP_CONNECTION_STATE,
  PROP_LOADING,
  PROP_LOADED,
  PROP_LAST_ERROR,
  PROP_REALTIME_CLIENT,
  PROP_NETWORK_MONITOR,
  PROP_OUTBOX,
  PROP_OUTBOX_PATH,
  PROP_PENDING_COUNT,
  PROP_FAILED_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_CAN_UNDO,
  PROP_UNDO_LABEL,
  PROP_CAN_REDO,
  PROP_REDO_LABEL,
  PROP_AVAILABILITY,
  PROP_STATUS_LABEL,
  PROP_IF_MATCH_SUPPORTED,
  PROP_SNAPSHOT_TIME,
  PROP_LAST_CONTACT,
  PROP_SEND_OFFLINE_CHANGES,
  PROP_HOLDING,
  PROP_UNDO_WINDOW,
  N_PROPS
} VzSyncEngineProperty;

typedef enum {
  SIGNAL_REALTIME_EVENT,
  SIGNAL_CHANGE_QUEUED,
  SIGNAL_CHANGE_COMMITTED,
  SIGNAL_CHANGE_FAILED,
  SIGNAL_CHANGE_CONFLICT,
  N_SIGNALS
} VzSyncEngineSignal;

extern GParamSpec *_vz_sync_engine_properties[N_PROPS];
extern guint       _vz_sync_engine_signals[N_SIGNALS];

/* vz-sync-engine.c */
void       _vz_sync_engine_set_last_error   (VzSyncEngine *self,
                                             const char   *message);
void       _vz_sync_engine_set_boolean      (VzSyncEngine *self,
                                             gboolean     *field,
                                             gboolean      value,
                                             VzSyncEngineProperty prop);
VzKind    *_vz_sync_engine_kind             (VzSyncEngine *self,
                                             const char   *name);
VzKind    *_vz_sync_engine_kind_of          (VzSyncEngine *self,
                                             VzMutation   *m);
VzEntity  *_vz_sync_engine_lookup_any       (VzSyncEngine *self,
                                             VzKind       *kind,
                                             const char   *id);
VzEntity  *_vz_sync_engine_words_lookup     (const VzResource *resource,
                                             const char       *id,
                                             gpointer          user_data);

/* vz-sync-engine-read.c */
void       _vz_sync_engine_read_init        (VzSyncEngine *self);
void       _vz_sync_engine_start_read       (VzSyncEngine *self);
void       _vz_sync_engine_stop_read        (VzSyncEngine *self);
void       _vz_sync_engine_reread_kind      (VzSyncEngine *self,
                                             VzKind       *kind);
void       _vz_sync_engine_relink           (VzSyncEngine *self);
void       _vz_sync_engine_rederive         (VzSyncEngine *self,
                                             VzKind       *changed);
void       _vz_sync_engine_reread_record    (VzSyncEngine *self,
                                             VzKind       *kind,
                                             const char   *id);
void       _vz_sync_engine_upsert           (VzSyncEngine *self,
                                             VzKind       *kind,
                                             JsonObject   *obj);
gpointer   _vz_sync_engine_landed           (VzSyncEngine  *self,
                                             VzKind        *kind,
                                             JsonObject    *obj,
                                             GError       **error);
/* Fills every kind's store from @lists (one per kind, in the kinds' order;
 * NULL: keep that store), with what is queued here on top. @decoded
 * (nullable): entities decoded ahead for objects of @lists. */
void       _vz_sync_engine_apply_lists      (VzSyncEngine  *self,
                                             GPtrArray    **lists,
                                             GHashTable    *decoded);
void       _vz_sync_engine_on_realtime_event (VzRealtimeClient *client,
                                              const char       *name,
                                              JsonNode         *payload,
                                              gint64            ack_id,
                                              VzSyncEngine     *self);
void       _vz_sync_engine_clear_held       (VzSyncEngine *self);
/* Applies an event that carries a record (VzResourceEvent.read). */
void       _vz_sync_engine_apply_record_event (VzSyncEngine          *self,
                                               VzKind                *kind,
                                               const VzResourceEvent *event,
                                               JsonNode              *payload);

/* vz-sync-engine-snapshot.c */
void       _vz_sync_engine_snapshot_ensure  (VzSyncEngine *self);
/* The server could not be read: the last fleet seen is shown, once. */
void       _vz_sync_engine_snapshot_offer   (VzSyncEngine *self,
                                             const GError *error);
/* A full read landed: the stores are live again and worth saving. */
void       _vz_sync_engine_snapshot_live    (VzSyncEngine *self);
void       _vz_sync_engine_snapshot_stop    (VzSyncEngine *self);
/* The stores changed in place (statuses, renames): worth saving again. */
void       _vz_sync_engine_snapshot_mark_dirty (VzSyncEngine *self);

/* vz-sync-engine-echoes.c */
void       _vz_sync_engine_echoes_init_kind (VzKind       *kind);
void       _vz_sync_engine_echoes_clear     (VzSyncEngine *self);
/* @record, the server's, is shown now (with what is queued on top). */
void       _vz_sync_engine_saw_record       (VzSyncEngine *self,
                                             VzKind       *kind,
                                             JsonObject   *record);
/* The stores were filled otherwise (a list read): @kind's (NULL: every
 * kind's) records seen are forgotten. */
void       _vz_sync_engine_forget_seen      (VzSyncEngine *self,
                                             VzKind       *kind);
/* @record is the server's record shown now: an event carrying it is our
 * own change's echo, and is not applied again. */
gboolean   _vz_sync_engine_is_shown_record  (VzSyncEngine *self,
                                             VzKind       *kind,
                                             JsonObject   *record);
/* The realtime link announced a change of @kind. */
void       _vz_sync_engine_announced        (VzSyncEngine *self,
                                             VzKind       *kind);
void       _vz_sync_engine_link_changed     (VzSyncEngine *self,
                                             gboolean      connected);
/* The server's record @id as the engine last showed it, when nothing can
 * have changed it unannounced since (borrowed; NULL: read it). */
JsonObject *_vz_sync_engine_kept_record     (VzSyncEngine *self,
                                             VzKind       *kind,
                                             const char   *id);
/* @m's request is going: events about its record wait for its answer. */
void       _vz_sync_engine_await_answer     (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m);
/* @m was answered (or given back): the events that waited apply. */
void       _vz_sync_engine_answer_came      (VzSyncEngine *self,
                                             VzMutation   *m);
/* Holds an event about record @id while an answer about it is awaited. */
gboolean   _vz_sync_engine_hold_event       (VzSyncEngine          *self,
                                             VzKind                *kind,
                                             const VzResourceEvent *event,
                                             JsonNode              *payload,
                                             const char            *id);
/* Events that carried a record already shown (for tests). */
guint      _vz_sync_engine_get_echoes_skipped (VzSyncEngine *self);

/* vz-sync-engine-changes.c, vz-sync-engine-edits.c */
void       _vz_sync_engine_open_outbox      (VzSyncEngine *self);
void       _vz_sync_engine_run_deferred     (VzSyncEngine *self,
                                             const GError *error);
gboolean   _vz_sync_engine_has_pending      (VzSyncEngine *self,
                                             const char   *id);
JsonObject *_vz_sync_engine_overlay_pending (VzSyncEngine *self,
                                             VzKind       *kind,
                                             JsonObject   *obj,
                                             const char   *id,
                                             VzMutation   *until);
void       _vz_sync_engine_show_mutation    (VzSyncEngine *self,
                                             VzMutation   *m,
                                             gboolean      forward);
void       _vz_sync_engine_show_pending     (VzSyncEngine *self,
                                             gboolean      links_only);
void       _vz_sync_engine_queue            (VzSyncEngine *self,
                                             GTask        *task,
                                             GPtrArray    *mutations,
                                             const char   *label,
                                             gboolean      undoable);
gboolean   _vz_sync_engine_can_write        (VzSyncEngine *self,
                                             GTask        *task);
/* FALSE, with @task answered, when the signed-in role is one the platform
 * refuses an administrator's change to (a manager): @sentence says so. */
gboolean   _vz_sync_engine_can_admin        (VzSyncEngine *self,
                                             GTask        *task,
                                             const char   *sentence);
void       _vz_sync_engine_return_error     (GTask        *task,
                                             GError       *error);
void       _vz_sync_engine_return_done      (GTask        *task);
VzMutation *_vz_sync_engine_link_mutation   (const VzResource   *resource,
                                             const char * const *ids,
                                             guint               n_ids,
                                             const char         *target_id,
                                             gboolean            link,
                                             JsonObject         *shown_after,
                                             JsonObject         *shown_before);

/* vz-sync-engine-kind-edits.c */
void       _vz_sync_engine_show_edit        (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m,
                                             gboolean      forward);
void       _vz_sync_engine_overlay_edit     (VzSyncEngine *self,
                                             VzKind       *kind,
                                             JsonObject   *record,
                                             VzMutation   *m);
void       _vz_sync_engine_edit_committed   (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m,
                                             JsonNode     *answer);
VzOutboxSenderPrepare
           _vz_sync_engine_prepare_request  (VzOutboxSender *sender,
                                             VzMutation     *m,
                                             JsonObject     *current,
                                             char          **method,
                                             char          **path,
                                             JsonNode      **body,
                                             gpointer        user_data);
VzMutation *_vz_sync_engine_edit_mutation   (VzSyncEngine         *self,
                                             VzKind               *kind,
                                             const VzResourceEdit *edit,
                                             VzEntity             *record,
                                             JsonObject           *changes,
                                             JsonObject           *previous);
VzMutation *_vz_sync_engine_inverse_edit    (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m,
                                             GError      **error);

/* vz-sync-engine-edits.c: @key of the records @ids of @kind_name set to
 * @target, queued as part of something else (no toast, no undo entry). */
void       _vz_sync_engine_point_at         (VzSyncEngine       *self,
                                             const char         *kind_name,
                                             const char * const *ids,
                                             const char         *key,
                                             const char         *target);

/* vz-sync-engine-edits.c: the records @ids of @kind_name linked to @target,
 * queued as part of something else (no toast, no undo entry). */
void       _vz_sync_engine_link_again       (VzSyncEngine       *self,
                                             const char         *kind_name,
                                             const char * const *ids,
                                             const char         *target);

/* vz-sync-engine-restore.c */
/* A delete's "previous": the records @ids as they show, with what refers
 * to them; NULL when the kind cannot make a record again. */
JsonObject *_vz_sync_engine_saved_copies    (VzSyncEngine       *self,
                                             VzKind             *kind,
                                             const char * const *ids,
                                             guint               n_ids);
/* A delete reached the server: its Undo entry says when it cannot be
 * undone any more. */
void       _vz_sync_engine_delete_landed    (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m);
/* The creates that undo the landed delete @m, added to @out. */
gboolean   _vz_sync_engine_restore_mutations (VzSyncEngine  *self,
                                              VzKind        *kind,
                                              VzMutation    *m,
                                              GPtrArray     *out,
                                              GError       **error);
void       _vz_sync_engine_show_create      (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m,
                                             gboolean      forward);
/* A create for the record @id is queued here. */
gboolean   _vz_sync_engine_is_restoring     (VzSyncEngine *self,
                                             const char   *id);
void       _vz_sync_engine_create_committed (VzSyncEngine *self,
                                             VzKind       *kind,
                                             VzMutation   *m,
                                             JsonNode     *answer);

/* vz-sync-engine-conflicts.c */
gboolean   _vz_sync_engine_merge_change     (VzOutboxSender  *sender,
                                             VzMutation      *m,
                                             JsonObject      *current,
                                             char           **sentence,
                                             gpointer         user_data);

/* vz-sync-engine-undo.c */
/* An Undo or a Redo that met requests still under way: once the last of
 * them has landed, what landed is reverted as one step, which then goes
 * into the redo history (an Undo's) or the undo history (a Redo's) under
 * @label, as if it had been reverted at once. */
typedef struct _VzReversal VzReversal;

VzReversal *_vz_reversal_new                (const char   *label,
                                             gboolean      redo);
void        _vz_reversal_unref              (VzReversal   *reversal);
/* @reversal waits for the mutation @id, which is being sent. */
void        _vz_sync_engine_revert_when_landed (VzSyncEngine *self,
                                                VzReversal   *reversal,
                                                const char   *id);
/* @m, being sent, committed (@committed) or failed. */
void        _vz_sync_engine_reversal_landed (VzSyncEngine *self,
                                             VzMutation   *m,
                                             gboolean      committed);

/* The changes that revert committed @mutations, newest first, into @out;
 * @origins (nullable): each one's id → the mutation it reverts. @redo: a
 * record Undo made again (a create) is deleted again. */
gboolean   _vz_sync_engine_build_inverse    (VzSyncEngine  *self,
                                             GPtrArray     *mutations,
                                             GPtrArray     *out,
                                             GHashTable    *origins,
                                             gboolean       redo,
                                             GError       **error);

/* A GAsyncReadyCallback for vz_outbox_flush_async() after discards:
 * finishes the GTask @user_data. */
void       _vz_sync_engine_on_discards_flushed (GObject      *source,
                                                GAsyncResult *result,
                                                gpointer      user_data);

/* vz-sync-engine-redo.c */
/* A copy of @m, not queued, with a new id: to send again what was discarded. */
VzMutation *_vz_sync_engine_fresh_copy      (VzSyncEngine *self,
                                             VzMutation   *m);
/* What an Undo took back under @label: @inverses it queued (reverting the
 * committed @origins), copies of the pending changes it discarded. */
void       _vz_sync_engine_remember_redo    (VzSyncEngine *self,
                                             GPtrArray    *inverses,
                                             GHashTable   *origins,
                                             GPtrArray    *copies,
                                             const char   *label);
void       _vz_sync_engine_forget_redo      (VzSyncEngine *self);

/* vz-sync-engine-edits.c: the delete requests for the @kind records @ids
 * (waiting out the undo window), added to @out. */
void       _vz_sync_engine_delete_mutations (VzSyncEngine       *self,
                                             VzKind             *kind,
                                             const char * const *ids,
                                             guint               n_ids,
                                             GPtrArray          *out);

/* vz-sync-engine-availability.c */
void       _vz_sync_engine_availability_init (VzSyncEngine *self);
void       _vz_sync_engine_update_state     (VzSyncEngine *self);
void       _vz_sync_engine_mark_contact     (VzSyncEngine *self);
void       _vz_sync_engine_update_sender    (VzSyncEngine *self);
gboolean   _vz_sync_engine_breaker_allows   (VzSyncEngine *self);
void       _vz_sync_engine_breaker_outcome  (VzSyncEngine *self,
                                             const GError *error);
gboolean   _vz_sync_engine_on_retry_read    (gpointer      user_data);

G_END_DECLS
