/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-outbox-sender.h"

G_BEGIN_DECLS

struct _VzOutboxSender
{
  GObject           parent_instance;

  VzApiClient      *api;
  VzOutbox         *outbox;
  VzRetryPolicy    *policy;
  VzCircuitBreaker *breaker;
  GCancellable     *cancellable;

  gboolean          online;
  gboolean          if_match_supported;
  gboolean          auth_paused;     /* 401 after the client's own refresh */
  guint             max_in_flight;
  guint             busy;            /* mutations between mark_sending and an outcome */
  GHashTable       *active;          /* mutation id → VzMutation*: those busy ones */

  GHashTable       *bases;           /* mutation id → rebased updatedAt */
  GHashTable       *rounds;          /* mutation id → attempts since the last requeue (GUINT_TO_POINTER) */
  GHashTable       *rebases;         /* mutation id → rebases in a row */
  GHashTable       *entity_bases;    /* entity id → EntityBase: where its commits moved it */

  guint             pump_id;
  guint             breaker_wait_id;
  guint             stall_id;        /* the server is away: a pause before trying again */

  VzOutboxSenderMergeFunc merge_func;
  gpointer                merge_data;
  GDestroyNotify          merge_destroy;
  VzOutboxSenderPrepareFunc prepare_func;
  gpointer                  prepare_data;
  GDestroyNotify            prepare_destroy;
};

/* One change on its way: a request's or a retry timer's hold on it. */
typedef struct {
  VzOutboxSender *self;      /* owned */
  VzMutation     *mutation;  /* owned */
  guint           retry_id;
} Send;

/* After a commit the entity has a new updatedAt: later changes that were
 * made on top of this one (same base) follow it, or they would meet their
 * own change in a 412. One record per entity, "from" the base those changes
 * carry "to" the latest commit, so this is O(1) per commit however many
 * changes of the entity are queued. */
typedef struct {
  char *from;
  char *to;
} EntityBase;

/* vz-outbox-sender.c: sending and the send loop */
Send     *_vz_outbox_sender_send_new        (VzOutboxSender *self,
                                             VzMutation     *m);
void      _vz_outbox_sender_send_free       (Send           *send);
void      _vz_outbox_sender_set_busy        (VzOutboxSender *self,
                                             guint           busy);
void      _vz_outbox_sender_emit_failed     (VzOutboxSender *self,
                                             VzMutation     *m,
                                             const GError   *error);
void      _vz_outbox_sender_emit_conflict   (VzOutboxSender *self,
                                             VzMutation     *m,
                                             JsonNode       *current);
gboolean  _vz_outbox_sender_is_gone         (GError         *error);
void      _vz_outbox_sender_schedule_pump   (VzOutboxSender *self);
void      _vz_outbox_sender_send_mutation   (VzOutboxSender *self,
                                             VzMutation     *m);
void      _vz_outbox_sender_send_request    (VzOutboxSender *self,
                                             VzMutation     *m);

/* vz-outbox-sender-outcomes.c: what an answer leads to */
void      _vz_outbox_sender_forget          (VzOutboxSender *self,
                                             const char     *id);
void      _vz_outbox_sender_finish_one      (VzOutboxSender *self,
                                             VzMutation     *m);
void      _vz_outbox_sender_entity_base_free (EntityBase    *eb);
void      _vz_outbox_sender_follow_commit   (VzOutboxSender *self,
                                             VzMutation     *m,
                                             const char     *old_base,
                                             JsonNode       *answer);
void      _vz_outbox_sender_handle_failure  (VzOutboxSender *self,
                                             VzMutation     *m,
                                             GError         *error,
                                             guint           retry_after);
JsonNode *_vz_outbox_sender_read_record     (VzOutboxSender *self,
                                             VzMutation     *m,
                                             GObject        *source,
                                             GAsyncResult   *result);
void      _vz_outbox_sender_read_current    (VzOutboxSender *self,
                                             VzMutation     *m,
                                             gboolean        before_write);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Send, _vz_outbox_sender_send_free)

G_END_DECLS
