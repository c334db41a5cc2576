/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-api-client.h"
#include "vz-circuit-breaker.h"
#include "vz-outbox.h"
#include "vz-retry-policy.h"

G_BEGIN_DECLS

#define VZ_TYPE_OUTBOX_SENDER (vz_outbox_sender_get_type ())
G_DECLARE_FINAL_TYPE (VzOutboxSender, vz_outbox_sender, VZ, OUTBOX_SENDER, GObject)

/*
 * VzOutboxSender: replays a VzOutbox against the server, knowing nothing of
 * entity types (the mutations carry their requests). The sync engine owns
 * one; tests drive one directly.
 *
 * While "online" it takes the oldest sendable mutations (strictly FIFO per
 * entity, different entities in parallel, at most "max-in-flight" requests
 * at once) and sends each with `Idempotency-Key: <mutation id>` and, on
 * PATCH/DELETE, `If-Match: "<base updatedAt>"`. Every request first asks the
 * circuit breaker; while it is open nothing is sent and the sender waits for
 * its retry time (a timer, no polling). Failures go through the retry policy:
 *
 *   success            mark_done, "committed" (the server's answer)
 *   network, timeout,  retried after the policy's backoff (Retry-After wins);
 *   5xx, 429           once the attempts are used up: when the server could
 *                      not be reached at all the turn is given back (requeue,
 *                      last-error says why) and the sender pauses for the
 *                      policy's longest delay (the change waits for the
 *                      server); after answers (5xx, 429, timeout) mark_failed
 *                      + "failed", for the user to retry
 *   401                the API client already refreshed once: the session is
 *                      over; the turn is given back and nothing more is sent
 *                      until the access token changes
 *   412 / 409          the current entity is read (GET on the mutation's
 *                      path) and handed to the merge function: a rebase sends
 *                      again with the server's updatedAt as the new base, a
 *                      conflict is mark_conflict + "conflict"
 *   other 4xx          mark_failed + "failed" with the server's sentence
 *
 * "if-match-supported" FALSE (a server without 412 semantics, such as the
 * Vizora platform) makes the sender read before every PATCH/DELETE instead:
 * a changed updatedAt goes to the merge function exactly like a 412.
 *
 * Rebased bases live in memory only: after a restart the mutation meets a
 * 412 again and is merged again, which gives the same answer.
 *
 * Properties:
 *   "api-client", "outbox", "retry-policy", "circuit-breaker"  construct-only
 *   "online"              gboolean, read-write: the engine's view of the link
 *   "max-in-flight"       guint 1–64, default 6
 *   "if-match-supported"  gboolean, default TRUE
 *   "in-flight"           guint, read-only: requests under way
 *
 * Signals:
 *   "committed" (VzMutation *m, JsonNode *answer, gboolean replayed): the
 *               server applied @m; @answer is its payload (may be a JSON
 *               null); @replayed: the server answered from its Idempotency-Key
 *               record (the change had landed before, e.g. before a crash)
 *   "failed"    (VzMutation *m, GError *error): given up for good; @m is in
 *               state failed with the same sentence in its last-error
 *   "conflict"  (VzMutation *m, JsonNode *current): @m is in state conflict;
 *               @current is the server's entity as read
 *   "refused"   (VzMutation *m, GError *error): one try of @m had no success
 *               (emitted before what becomes of it: another try, "failed",
 *               a conflict, or its turn given back)
 */

/*
 * Decides what a precondition failure means. @current is the entity as the
 * server has it now. Return TRUE to rebase (send again on @current's
 * updatedAt), FALSE for a real conflict with a sentence in *@sentence.
 */
typedef gboolean (*VzOutboxSenderMergeFunc) (VzOutboxSender  *sender,
                                             VzMutation      *mutation,
                                             JsonObject      *current,
                                             char           **sentence,
                                             gpointer         user_data);

/*
 * The request to send for @m now, when it is not the one @m carries (a
 * change whose request depends on the record as the server has it by the
 * time it goes: a playlist's whole new order). Return AS_IS to send @m's
 * own; MADE with *method, *path and *body (nullable) set (transfer full);
 * READ with *path set: the sender reads that record first (GET; a failure
 * is handled as the change's own) and asks again with it as @current.
 * @current is NULL the first time.
 */
typedef enum {
  VZ_OUTBOX_SENDER_PREPARE_AS_IS,
  VZ_OUTBOX_SENDER_PREPARE_MADE,
  VZ_OUTBOX_SENDER_PREPARE_READ,
} VzOutboxSenderPrepare;

typedef VzOutboxSenderPrepare (*VzOutboxSenderPrepareFunc) (VzOutboxSender  *sender,
                                                            VzMutation      *mutation,
                                                            JsonObject      *current,
                                                            char           **method,
                                                            char           **path,
                                                            JsonNode       **body,
                                                            gpointer         user_data);

VzOutboxSender *vz_outbox_sender_new                (VzApiClient      *api,
                                                     VzOutbox         *outbox,
                                                     VzRetryPolicy    *policy,
                                                     VzCircuitBreaker *breaker);

VzOutbox       *vz_outbox_sender_get_outbox         (VzOutboxSender   *self);
gboolean        vz_outbox_sender_get_online         (VzOutboxSender   *self);
void            vz_outbox_sender_set_online         (VzOutboxSender   *self,
                                                     gboolean          online);
guint           vz_outbox_sender_get_max_in_flight  (VzOutboxSender   *self);
void            vz_outbox_sender_set_max_in_flight  (VzOutboxSender   *self,
                                                     guint             max_in_flight);
gboolean        vz_outbox_sender_get_if_match_supported (VzOutboxSender *self);
void            vz_outbox_sender_set_if_match_supported (VzOutboxSender *self,
                                                         gboolean        supported);
guint           vz_outbox_sender_get_in_flight      (VzOutboxSender   *self);

void            vz_outbox_sender_set_merge_func     (VzOutboxSender          *self,
                                                     VzOutboxSenderMergeFunc  func,
                                                     gpointer                 user_data,
                                                     GDestroyNotify           destroy);

void            vz_outbox_sender_set_prepare_func   (VzOutboxSender            *self,
                                                     VzOutboxSenderPrepareFunc  func,
                                                     gpointer                   user_data,
                                                     GDestroyNotify             destroy);

/* Looks for work now: after the breaker's clock moved (tests), after the
 * user retried a change, after a sign-in. Cheap when there is nothing. */
void            vz_outbox_sender_kick               (VzOutboxSender   *self);

/* The If-Match value @m is sent with (its rebased base, else its own), or
 * NULL. */
const char     *vz_outbox_sender_get_base           (VzOutboxSender   *self,
                                                     VzMutation       *m);
/* Sends @m (and the later mutations of its entities that shared its base)
 * on @updated_at from now on: keep-mine, or a commit that moved the
 * entity's updatedAt under queued changes. */
void            vz_outbox_sender_rebase             (VzOutboxSender   *self,
                                                     VzMutation       *m,
                                                     const char       *updated_at);

G_END_DECLS
