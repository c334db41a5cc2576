/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VZ_MUTATION_ERROR (vz_mutation_error_quark ())
GQuark vz_mutation_error_quark (void);

typedef enum {
  VZ_MUTATION_ERROR_INVALID,         /* JSON that is not a mutation (missing or mistyped member) */
  VZ_MUTATION_ERROR_NOT_INVERTIBLE,  /* no inverse can be built (delete, missing previous value) */
} VzMutationError;

/*
 * Where a mutation is in its life. A committed or discarded mutation leaves
 * the outbox, so it has no state of its own here.
 *
 *   queued    waiting its turn (or waiting for the server to come back)
 *   sending   a request for it is in flight (a restart turns it back to queued)
 *   failed    the server refused it for good, or the attempts ran out;
 *             last-error says why; it waits for retry or discard
 *   conflict  the entity changed on the server since the mutation's base;
 *             it waits for the user to resolve it
 */
typedef enum {
  VZ_MUTATION_STATE_QUEUED,
  VZ_MUTATION_STATE_SENDING,
  VZ_MUTATION_STATE_FAILED,
  VZ_MUTATION_STATE_CONFLICT,
} VzMutationState;

#define VZ_TYPE_MUTATION_STATE (vz_mutation_state_get_type ())
GType vz_mutation_state_get_type (void);

/* "queued", "sending", "failed", "conflict" (the journal's words). */
const char *vz_mutation_state_to_string   (VzMutationState  state);
gboolean    vz_mutation_state_from_string (const char      *str,
                                           VzMutationState *out_state);

/*
 * What a mutation does to its records, whatever their kind (the request it
 * carries says how, on the wire):
 *
 *   update  fields of one record change: "changes" and "previous" hold the
 *           changed fields' new and old values, keyed by the request body's
 *           member names
 *   delete  the records leave the fleet (one request may name several)
 *   link    the records join a record of another kind (screens join a
 *           group): "changes" is {"target": id, "links": {record id: link
 *           shown after}}, "previous" {"links": {record id: link shown before}}
 *   unlink  the records leave one: same members
 *   edit    one record changes in a way its kind describes (a playlist's
 *           items reordered): "changes" is {"edit": name, …} and "previous"
 *           {"edit": name, …} the values that undo it (VzResourceEdit)
 *   create  a deleted record is made again (Undo of a delete that reached
 *           the server): the entity id is the old one, until the server
 *           gives the new; "changes" is {"record": the record as it showed,
 *           "referrers": [{"kind", "key", "ids": [...]}]}
 *
 * A delete's "previous" is {"records": {id: {"record": …, "referrers": […]}}}
 * for kinds that can make a record again (VzResourceRestore).
 *
 * The journal keeps the nick ("update", "delete", "link", "unlink", "edit",
 * "create").
 */
typedef enum {
  VZ_MUTATION_OP_UPDATE,
  VZ_MUTATION_OP_DELETE,
  VZ_MUTATION_OP_LINK,
  VZ_MUTATION_OP_UNLINK,
  VZ_MUTATION_OP_EDIT,
  VZ_MUTATION_OP_CREATE,
} VzMutationOp;

#define VZ_TYPE_MUTATION_OP (vz_mutation_op_get_type ())
GType vz_mutation_op_get_type (void);

const char *vz_mutation_op_to_string   (VzMutationOp  op);
/* Also reads the words journals of earlier versions used ("bulk-delete",
 * "join-group", "assign-group", "leave-group", "remove-from-group"). */
gboolean    vz_mutation_op_from_string (const char   *str,
                                        VzMutationOp *out_op);

#define VZ_TYPE_MUTATION (vz_mutation_get_type ())
G_DECLARE_FINAL_TYPE (VzMutation, vz_mutation, VZ, MUTATION, GObject)

/*
 * VzMutation: one change a person made, as the outbox keeps and replays it.
 *
 * It carries the HTTP request it becomes (method, path relative to the REST
 * base such as "/displays/<id>", optional JSON body), so the outbox and the
 * sender replay it without knowing any entity type. The id is a random UUID
 * and doubles as the request's Idempotency-Key; "base-updated-at" is the
 * entity's `updatedAt` the change was based on (sent as If-Match).
 *
 * "changes" holds the fields the user changed (new values) and "previous"
 * the same fields' values before, so the optimistic layer can roll back and
 * vz_mutation_new_inverse() can build the undo. Both are keyed by the
 * request body's member names (the wire names, e.g. "name" for a display's
 * nickname), so the inverse request can be built from them.
 *
 * Entities: "entity-kind" ("display", "display-group", …) and "entity-ids",
 * the entities the request touches: one for a plain update, several for a
 * bulk request. The outbox sends strictly in order per entity id.
 * "entity-id" is the first of them (NULL when there are none, e.g. a create
 * whose id the server has not given yet).
 *
 * Properties:
 *   "id"               string, construct-only (a new UUID when not given)
 *   "entity-kind"      string, construct-only
 *   "entity-id"        string, read-only (first of "entity-ids")
 *   "entity-ids"       GStrv, construct-only
 *   "operation"        VzMutationOp, construct-only
 *   "method"           string, construct-only ("PATCH", "DELETE", "POST", …)
 *   "path"             string, construct-only
 *   "body"             JsonNode (boxed), construct-only, nullable
 *   "base-updated-at"  string, construct-only, nullable
 *   "changes"          JsonObject (boxed), construct-only, nullable
 *   "previous"         JsonObject (boxed), construct-only, nullable
 *   "batch-id"         string, nullable: mutations of one bulk action share it
 *                      and commit or roll back together
 *   "created-at"       gint64, construct-only: wall-clock µs since the epoch
 *                      (now when not given)
 *   "not-before"       gint64, construct-only: wall-clock µs before which the
 *                      change is not sent (0: at once). A delete waits out
 *                      its undo window in the outbox this way, on disk, so
 *                      a quit or crash during the window still sends it
 *                      once afterwards.
 *   "attempts"         guint: requests made so far
 *   "state"            VzMutationState
 *   "last-error"       string, nullable: a sentence for people
 *
 * The mutation keeps references to the body, changes and previous objects it
 * is given: do not change them afterwards.
 *
 * Once a mutation is in a VzOutbox, the outbox owns "state", "attempts" and
 * "last-error" (it journals every change): use the vz_outbox_mark_*()
 * functions, not the setters below, for a queued mutation. JSON objects and
 * nodes returned by getters belong to the mutation and must not be changed.
 */

VzMutation      *vz_mutation_new                 (const char   *entity_kind,
                                                  const char   *entity_id,
                                                  VzMutationOp  operation,
                                                  const char   *method,
                                                  const char   *path,
                                                  JsonNode     *body,
                                                  const char   *base_updated_at,
                                                  JsonObject   *changes,
                                                  JsonObject   *previous);

const char      *vz_mutation_get_id              (VzMutation   *self);
const char      *vz_mutation_get_entity_kind     (VzMutation   *self);
const char      *vz_mutation_get_entity_id       (VzMutation   *self);
const char * const *vz_mutation_get_entity_ids   (VzMutation   *self);
VzMutationOp     vz_mutation_get_operation       (VzMutation   *self);
const char      *vz_mutation_get_method          (VzMutation   *self);
const char      *vz_mutation_get_path            (VzMutation   *self);
JsonNode        *vz_mutation_get_body            (VzMutation   *self);
const char      *vz_mutation_get_base_updated_at (VzMutation   *self);
JsonObject      *vz_mutation_get_changes         (VzMutation   *self);
JsonObject      *vz_mutation_get_previous        (VzMutation   *self);
const char      *vz_mutation_get_batch_id        (VzMutation   *self);
gint64           vz_mutation_get_created_at      (VzMutation   *self);
gint64           vz_mutation_get_not_before      (VzMutation   *self);
guint            vz_mutation_get_attempts        (VzMutation   *self);
VzMutationState  vz_mutation_get_state           (VzMutation   *self);
const char      *vz_mutation_get_last_error      (VzMutation   *self);

/* Before the mutation is enqueued: group it with others of one bulk action. */
void             vz_mutation_set_batch_id        (VzMutation   *self,
                                                  const char   *batch_id);
/* For the outbox (see above). Each notifies only on a real change. */
void             vz_mutation_set_attempts        (VzMutation   *self,
                                                  guint         attempts);
void             vz_mutation_set_state           (VzMutation   *self,
                                                  VzMutationState state);
void             vz_mutation_set_last_error      (VzMutation   *self,
                                                  const char   *last_error);

/* TRUE when @entity_id is one of the mutation's entities. */
gboolean         vz_mutation_touches             (VzMutation   *self,
                                                  const char   *entity_id);

/*
 * JSON form, as stored in the outbox journal:
 *   {"id", "entityKind", "entityIds": [..], "operation",
 *    "request": {"method", "path", "body"?}, "baseUpdatedAt"?, "changes"?,
 *    "previous"?, "batchId"?, "createdAt" (integer µs), "notBefore"? (integer
 *    µs), "attempts", "state", "lastError"?}
 * Optional members may also be null. from_json() checks every member's type
 * and fails with VZ_MUTATION_ERROR_INVALID (never crashes) on anything else.
 */
JsonNode        *vz_mutation_to_json             (VzMutation   *self);
VzMutation      *vz_mutation_new_from_json       (JsonNode     *node,
                                                  GError      **error);

/*
 * The mutation that undoes @self after it was committed: same entity and
 * request, with each changed field set back to its previous value ("changes"
 * and "previous" swap; members of the body that were not changes, such as
 * the id list of a bulk request, stay). @base_updated_at is the entity's
 * `updatedAt` after the commit (the server's answer), nullable.
 *
 * The inverse has a new id, no batch id (set one to undo a batch as one) and
 * is queued. Deletes cannot be inverted (the server has no undelete), nor a
 * change whose previous value of some changed field is unknown:
 * VZ_MUTATION_ERROR_NOT_INVERTIBLE with a sentence.
 */
VzMutation      *vz_mutation_new_inverse         (VzMutation   *self,
                                                  const char   *base_updated_at,
                                                  GError      **error);

G_END_DECLS
