/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's optimistic layer: a change shows at once, is written to
 * the outbox, and commits, rolls back or waits for a conflict's decision;
 * for every kind of record alike (vz-resource.h). */

#include <glib/gi18n-lib.h>

#include "vz-merge.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

#define BULK_CHUNK 100

#define properties _vz_sync_engine_properties
#define signals _vz_sync_engine_signals

void
_vz_sync_engine_return_error (GTask  *task,
                              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A request with nothing left to do succeeds at once. */
void
_vz_sync_engine_return_done (GTask *task)
{
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

gboolean
_vz_sync_engine_can_write (VzSyncEngine *self,
                           GTask        *task)
{
  if (vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT &&
      !vz_session_can_write (self->session))
    {
      _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN,
                                                               _("Your role (viewer) may only look, not change anything.")));
      return FALSE;
    }
  return TRUE;
}

static const char *
string_of (JsonObject *obj,
           const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_of (JsonObject *obj,
           const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonNode *
string_node (const char *value)
{
  return value != NULL ? json_node_init_string (json_node_alloc (), value) : json_node_new (JSON_NODE_NULL);
}

static gboolean
is_link_op (VzMutation *m)
{
  VzMutationOp op = vz_mutation_get_operation (m);

  return op == VZ_MUTATION_OP_LINK || op == VZ_MUTATION_OP_UNLINK;
}

/* ------------------------------------------------------------------------ */
/* What is queued, shown on top of the server's records                     */

gboolean
_vz_sync_engine_has_pending (VzSyncEngine *self,
                             const char   *id)
{
  return self->outbox != NULL &&
         (vz_outbox_peek_for_entity (self->outbox, id) != NULL || g_hash_table_contains (self->enqueuing_ids, id));
}

/* Copies @obj with the changes of the still-queued updates of its record on
 * top (server state, then the pending changes). */
JsonObject *
_vz_sync_engine_overlay_pending (VzSyncEngine *self,
                                 VzKind       *kind,
                                 JsonObject   *obj,
                                 const char   *id)
{
  g_autoptr(GPtrArray) pending = vz_outbox_list_for_entity (self->outbox, id);
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (obj);

  /* Changes on their way into the journal come last in line. */
  if (g_hash_table_contains (self->enqueuing_ids, id))
    for (guint i = 0; i < self->enqueuing->len; i++)
      if (vz_mutation_touches (g_ptr_array_index (self->enqueuing, i), id))
        g_ptr_array_add (pending, g_ptr_array_index (self->enqueuing, i));

  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (obj, l->data)));

  for (guint i = 0; i < pending->len; i++)
    {
      VzMutation *m = g_ptr_array_index (pending, i);
      JsonObject *changes = vz_mutation_get_changes (m);
      g_autoptr(GList) keys = NULL;

      /* A failed change was rolled back: it does not show. */
      if (changes == NULL || vz_mutation_get_operation (m) != VZ_MUTATION_OP_UPDATE ||
          g_strcmp0 (vz_mutation_get_entity_kind (m), kind->resource->name) != 0 ||
          vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        continue;
      keys = json_object_get_members (changes);
      for (GList *l = keys; l != NULL; l = l->next)
        json_object_set_member (copy, vz_resource_member_for (kind->resource, l->data),
                                json_node_copy (json_object_get_member (changes, l->data)));
    }
  return copy;
}

static void
track_enqueuing (VzSyncEngine *self,
                 VzMutation   *m,
                 gboolean      add)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);

  if (add)
    g_ptr_array_add (self->enqueuing, g_object_ref (m));
  else
    g_ptr_array_remove (self->enqueuing, m);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->enqueuing_ids, ids[i]));

      if (add)
        g_hash_table_replace (self->enqueuing_ids, g_strdup (ids[i]), GUINT_TO_POINTER (n + 1));
      else if (n <= 1)
        g_hash_table_remove (self->enqueuing_ids, ids[i]);
      else
        g_hash_table_replace (self->enqueuing_ids, g_strdup (ids[i]), GUINT_TO_POINTER (n - 1));
    }
}

static void
show_update (VzKind     *kind,
             VzMutation *m,
             JsonObject *values)
{
  VzEntity *record = vz_store_lookup (kind->store, vz_mutation_get_entity_id (m));
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(GList) keys = NULL;
  g_autoptr(GError) error = NULL;

  if (record == NULL || values == NULL)
    return;
  keys = json_object_get_members (values);
  for (GList *l = keys; l != NULL; l = l->next)
    json_object_set_member (obj, vz_resource_member_for (kind->resource, l->data),
                            json_node_copy (json_object_get_member (values, l->data)));
  if (!vz_entity_update_from_json (record, obj, &error))
    g_debug ("A queued change does not fit its record: %s", error->message);
}

static void
show_links (VzSyncEngine *self,
            VzKind       *kind,
            VzMutation   *m,
            JsonObject   *values)
{
  const VzResourceLink *link = kind->resource->link;
  VzKind *linked = link != NULL ? _vz_sync_engine_kind (self, link->kind) : NULL;
  JsonObject *links = object_of (values, "links");
  const char * const *ids = vz_mutation_get_entity_ids (m);

  if (linked == NULL || links == NULL)
    return;
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      VzEntity *record = vz_store_lookup (kind->store, ids[i]);
      const char *target = string_of (links, ids[i]);

      if (record != NULL && json_object_has_member (links, ids[i]))
        link->set (record, target, target != NULL ? vz_store_lookup (linked->store, target) : NULL);
    }
}

static void
show_delete (VzSyncEngine *self,
             VzKind       *kind,
             VzMutation   *m,
             gboolean      forward)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      if (forward)
        {
          VzEntity *record = vz_store_lookup (kind->store, ids[i]);
          VzRemoved *removed;

          if (record == NULL || g_hash_table_contains (kind->removed, ids[i]))
            continue;
          removed = g_new0 (VzRemoved, 1);
          removed->entity = g_object_ref (record);
          removed->position = vz_store_get_position (kind->store, record);
          g_hash_table_insert (kind->removed, g_strdup (ids[i]), removed);
          vz_store_remove (kind->store, ids[i]);
        }
      else
        {
          VzRemoved *removed = g_hash_table_lookup (kind->removed, ids[i]);

          if (removed == NULL)
            continue;
          vz_store_insert (kind->store, removed->entity, removed->position);
          g_hash_table_remove (kind->removed, ids[i]);
        }
    }
}

/* Records of other kinds may show this kind's records (a screen shows its
 * group): they follow when one of them comes or goes. */
static gboolean
is_linked_to (VzSyncEngine *self,
              VzKind       *kind)
{
  for (guint i = 0; i < self->kinds->len; i++)
    {
      const VzResourceLink *link = ((VzKind *) g_ptr_array_index (self->kinds, i))->resource->link;

      if (link != NULL && g_strcmp0 (link->kind, kind->resource->name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Shows @m on the stores: its new values (forward) or its old ones. */
void
_vz_sync_engine_show_mutation (VzSyncEngine *self,
                               VzMutation   *m,
                               gboolean      forward)
{
  VzKind *kind = _vz_sync_engine_kind_of (self, m);
  JsonObject *values = forward ? vz_mutation_get_changes (m) : vz_mutation_get_previous (m);

  if (kind == NULL)
    return;
  switch (vz_mutation_get_operation (m))
    {
    case VZ_MUTATION_OP_UPDATE:
      show_update (kind, m, values);
      break;
    case VZ_MUTATION_OP_LINK:
    case VZ_MUTATION_OP_UNLINK:
      show_links (self, kind, m, values);
      break;
    case VZ_MUTATION_OP_DELETE:
      show_delete (self, kind, m, forward);
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* "pending" and "conflict" of one record, from the outbox. O(its changes). */
static void
refresh_record (VzSyncEngine *self,
                VzKind       *kind,
                const char   *id)
{
  VzEntity *record = kind != NULL ? vz_store_lookup (kind->store, id) : NULL;
  VzMutation *first;
  gboolean pending, conflict = FALSE;

  if (record == NULL)
    return;
  pending = g_hash_table_contains (self->enqueuing_ids, id);
  /* Only the first in line is ever sent, so only it can be failed or in
   * conflict: O(1) unless a failed one has others waiting behind it. */
  first = self->outbox != NULL ? vz_outbox_peek_for_entity (self->outbox, id) : NULL;
  if (first != NULL)
    {
      VzMutationState state = vz_mutation_get_state (first);

      conflict = state == VZ_MUTATION_STATE_CONFLICT;
      if (state != VZ_MUTATION_STATE_FAILED)
        pending = TRUE;
      else if (!pending)
        {
          g_autoptr(GPtrArray) queued = vz_outbox_list_for_entity (self->outbox, id);

          pending = queued->len > 1;
        }
    }
  vz_entity_set_pending (record, pending);
  vz_entity_set_conflict (record, conflict);
}

static void
refresh_flags (VzSyncEngine *self,
               VzMutation   *m)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);
  VzKind *kind = _vz_sync_engine_kind_of (self, m);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    refresh_record (self, kind, ids[i]);
}

/* After a read, or once the outbox is open: queued deletes and links show
 * again (updates already came with the read, on top of the server's
 * records), every record touched is flagged. @links_only: after a linked
 * kind's list was read again, only links. */
void
_vz_sync_engine_show_pending (VzSyncEngine *self,
                              gboolean      links_only)
{
  g_autoptr(GHashTable) touched = NULL;
  guint n;

  if (self->outbox == NULL)
    return;
  /* Each record once, however many changes it has (100,000 queued changes
   * of one screen stay linear). The outbox keeps the ids alive. */
  touched = g_hash_table_new (g_str_hash, g_str_equal);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);
      const char * const *ids = vz_mutation_get_entity_ids (m);

      if (vz_mutation_get_state (m) != VZ_MUTATION_STATE_FAILED &&
          (is_link_op (m) || (!links_only && vz_mutation_get_operation (m) == VZ_MUTATION_OP_DELETE)))
        _vz_sync_engine_show_mutation (self, m, TRUE);
      if (!links_only)
        for (guint j = 0; ids != NULL && ids[j] != NULL; j++)
          g_hash_table_insert (touched, (gpointer) ids[j], _vz_sync_engine_kind_of (self, m));
    }
  for (guint i = 0; i < self->enqueuing->len; i++)
    {
      VzMutation *m = g_ptr_array_index (self->enqueuing, i);

      if (is_link_op (m) || (!links_only && vz_mutation_get_operation (m) == VZ_MUTATION_OP_DELETE))
        _vz_sync_engine_show_mutation (self, m, TRUE);
    }
  {
    GHashTableIter iter;
    gpointer id, kind;

    g_hash_table_iter_init (&iter, touched);
    while (g_hash_table_iter_next (&iter, &id, &kind))
      refresh_record (self, kind, id);
  }
}

/* ------------------------------------------------------------------------ */
/* The outbox and the sender                                                */

static void
set_count (VzSyncEngine *self,
           guint        *field,
           guint         value,
           guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
}

static gboolean
needs_user (VzMutationState state)
{
  return state == VZ_MUTATION_STATE_FAILED || state == VZ_MUTATION_STATE_CONFLICT;
}

static void
on_outbox_added (VzOutbox     *outbox,
                 VzMutation   *m,
                 VzSyncEngine *self)
{
  set_count (self, &self->pending_count, vz_outbox_get_count (outbox), PROP_PENDING_COUNT);
  if (needs_user (vz_mutation_get_state (m)))
    set_count (self, &self->failed_count, self->failed_count + 1, PROP_FAILED_COUNT);
}

/* Disk full or an I/O error under the journal: the latest state changes
 * are not on disk. Say so; the outbox fails the next flush by itself. */
static void
on_journal_error (VzOutbox     *outbox,
                  GError       *error,
                  VzSyncEngine *self)
{
  _vz_sync_engine_set_last_error (self, error->message);
}

static void
roll_back (VzSyncEngine *self,
           VzMutation   *m)
{
  const char *id = vz_mutation_get_id (m);
  const char * const *ids = vz_mutation_get_entity_ids (m);

  if (!g_hash_table_add (self->rolled_back, g_strdup (id)))
    return;
  _vz_sync_engine_show_mutation (self, m, FALSE);
  /* Later changes of the same records still show on top. */
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) later = vz_outbox_list_for_entity (self->outbox, ids[i]);

      for (guint j = 0; j < later->len; j++)
        {
          VzMutation *next = g_ptr_array_index (later, j);

          if (next != m && vz_mutation_get_state (next) != VZ_MUTATION_STATE_FAILED &&
              vz_mutation_get_operation (next) != VZ_MUTATION_OP_DELETE)
            _vz_sync_engine_show_mutation (self, next, TRUE);
        }
    }
  vz_undo_stack_forget_mutation (self->undo, id);
}

static void
on_outbox_removed (VzOutbox        *outbox,
                   VzMutation      *m,
                   VzOutboxRemoval  why,
                   VzSyncEngine    *self)
{
  const char *id = vz_mutation_get_id (m);

  set_count (self, &self->pending_count, vz_outbox_get_count (outbox), PROP_PENDING_COUNT);
  if (needs_user (vz_mutation_get_state (m)))
    set_count (self, &self->failed_count, self->failed_count - MIN (self->failed_count, 1), PROP_FAILED_COUNT);

  /* A discarded change that still shows is taken back; a committed one
   * was answered by "committed", which already showed the server's truth. */
  if (why == VZ_OUTBOX_REMOVAL_DISCARDED)
    roll_back (self, m);
  else if (vz_mutation_get_operation (m) == VZ_MUTATION_OP_DELETE)
    {
      VzKind *kind = _vz_sync_engine_kind_of (self, m);
      const char * const *ids = vz_mutation_get_entity_ids (m);

      /* A read under way may have been answered before the delete: it
       * must not bring the records back. */
      for (guint i = 0; kind != NULL && ids != NULL && ids[i] != NULL; i++)
        {
          if (self->reading)
            g_hash_table_add (kind->gone, g_strdup (ids[i]));
          g_hash_table_remove (kind->removed, ids[i]);
        }
    }
  g_hash_table_remove (self->rolled_back, id);
  g_hash_table_remove (self->theirs, id);
  g_hash_table_remove (self->current, id);
  refresh_flags (self, m);
}

static void
on_outbox_state (VzOutbox        *outbox,
                 VzMutation      *m,
                 VzMutationState  old_state,
                 VzSyncEngine    *self)
{
  VzMutationState state = vz_mutation_get_state (m);

  if (needs_user (old_state) && !needs_user (state))
    set_count (self, &self->failed_count, self->failed_count - MIN (self->failed_count, 1), PROP_FAILED_COUNT);
  else if (!needs_user (old_state) && needs_user (state))
    set_count (self, &self->failed_count, self->failed_count + 1, PROP_FAILED_COUNT);

  /* A failed change shows again when the user retries it. */
  if (old_state == VZ_MUTATION_STATE_FAILED && state == VZ_MUTATION_STATE_QUEUED &&
      g_hash_table_remove (self->rolled_back, vz_mutation_get_id (m)))
    _vz_sync_engine_show_mutation (self, m, TRUE);
  refresh_flags (self, m);
}

static void
on_sender_committed (VzOutboxSender *sender,
                     VzMutation     *m,
                     JsonNode       *answer,
                     gboolean        replayed,
                     VzSyncEngine   *self)
{
  VzKind *kind = _vz_sync_engine_kind_of (self, m);
  JsonObject *obj = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;

  if (replayed)
    g_debug ("Change %s had already landed; the server repeated its answer", vz_mutation_get_id (m));
  if (kind != NULL && vz_mutation_get_operation (m) == VZ_MUTATION_OP_UPDATE && obj != NULL)
    {
      const char *id = string_of (obj, "id");

      _vz_sync_engine_upsert (self, kind, obj);
      if (self->reading && id != NULL)
        g_hash_table_replace (kind->fresh, g_strdup (id), json_object_ref (obj));
      /* A record others show by name (a group) was renamed. */
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
    }
  else if (kind != NULL && is_link_op (m))
    {
      /* Member lists and counts are the server's to compute. */
      VzKind *linked = _vz_sync_engine_kind (self, kind->resource->link->kind);

      if (linked != NULL)
        _vz_sync_engine_reread_kind (self, linked);
    }

  refresh_flags (self, m);
  g_signal_emit (self, signals[SIGNAL_CHANGE_COMMITTED], 0, m);

  /* Undo asked for while the request was under way: now it is committed,
   * its inverse goes. */
  if (g_hash_table_remove (self->undo_after_commit, vz_mutation_get_id (m)))
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);

      g_ptr_array_add (one, g_object_ref (m));
      _vz_sync_engine_queue_inverse (self, one, NULL);
    }
}

static void
on_sender_failed (VzOutboxSender *sender,
                  VzMutation     *m,
                  GError         *error,
                  VzSyncEngine   *self)
{
  const char *batch = vz_mutation_get_batch_id (m);

  roll_back (self, m);
  g_hash_table_remove (self->undo_after_commit, vz_mutation_get_id (m));

  /* A bulk action is one: what of it has not gone yet goes back too. */
  if (batch != NULL)
    {
      g_autoptr(GPtrArray) siblings = vz_outbox_list_batch (self->outbox, batch);

      for (guint i = 0; i < siblings->len; i++)
        {
          VzMutation *other = g_ptr_array_index (siblings, i);

          if (other != m && vz_mutation_get_state (other) == VZ_MUTATION_STATE_QUEUED)
            vz_outbox_discard (self->outbox, vz_mutation_get_id (other), NULL);
        }
    }
  refresh_flags (self, m);
  g_signal_emit (self, signals[SIGNAL_CHANGE_FAILED], 0, m, error);
}

static void
on_sender_conflict (VzOutboxSender *sender,
                    VzMutation     *m,
                    JsonNode       *current,
                    VzSyncEngine   *self)
{
  refresh_flags (self, m);
  g_signal_emit (self, signals[SIGNAL_CHANGE_CONFLICT], 0, m, vz_mutation_get_last_error (m));
}

/*
 * A 412, or a read before writing that found a newer record: fields the user
 * did not touch take the server's value (through the upsert below); fields
 * both sides changed are a conflict (vz-merge.h).
 */
static gboolean
merge_change (VzOutboxSender  *sender,
              VzMutation      *m,
              JsonObject      *current,
              char           **sentence,
              gpointer         user_data)
{
  VzSyncEngine *self = user_data;
  VzKind *kind = _vz_sync_engine_kind_of (self, m);
  g_autoptr(JsonObject) theirs = NULL;
  VzEntity *record;

  if (kind == NULL)
    return TRUE;
  if (string_of (current, "id") != NULL)
    _vz_sync_engine_upsert (self, kind, current);
  theirs = vz_merge_conflicts (kind->resource, m, current);
  if (theirs == NULL || json_object_get_size (theirs) == 0)
    return TRUE;

  record = vz_store_lookup (kind->store, vz_mutation_get_entity_id (m));
  *sentence = vz_words_conflict (kind->resource, record != NULL ? vz_resource_title (kind->resource, record) : NULL);
  g_hash_table_replace (self->theirs, g_strdup (vz_mutation_get_id (m)), json_object_ref (theirs));
  g_hash_table_replace (self->current, g_strdup (vz_mutation_get_id (m)), json_object_ref (current));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Opening the outbox                                                       */

typedef void (*DeferredFunc) (VzSyncEngine *self, GTask *task);

typedef struct {
  DeferredFunc  func;
  GTask        *task;
} Deferred;

void
_vz_sync_engine_run_deferred (VzSyncEngine *self,
                              const GError *error)
{
  Deferred *deferred;

  while ((deferred = g_queue_pop_head (&self->deferred)) != NULL)
    {
      if (error != NULL)
        _vz_sync_engine_return_error (deferred->task, g_error_copy (error));
      else
        deferred->func (self, deferred->task);
      g_free (deferred);
    }
}

static void
on_outbox_opened (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new_finish (result, &error);
  guint n, failed = 0;

  if (outbox == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->opening = FALSE;
  if (outbox == NULL)
    {
      g_autoptr(GError) sentence =
        g_error_new (VZ_OUTBOX_ERROR, error->domain == VZ_OUTBOX_ERROR ? error->code : VZ_OUTBOX_ERROR_IO,
                     _("Changes cannot be saved on this computer: %s"), error->message);

      _vz_sync_engine_set_last_error (self, sentence->message);
      _vz_sync_engine_run_deferred (self, sentence);
      return;
    }

  self->outbox = g_steal_pointer (&outbox);
  g_signal_connect_object (self->outbox, "mutation-added", G_CALLBACK (on_outbox_added), self, 0);
  g_signal_connect_object (self->outbox, "mutation-removed", G_CALLBACK (on_outbox_removed), self, 0);
  g_signal_connect_object (self->outbox, "mutation-state-changed", G_CALLBACK (on_outbox_state), self, 0);
  g_signal_connect_object (self->outbox, "journal-error", G_CALLBACK (on_journal_error), self, 0);

  self->sender = vz_outbox_sender_new (self->api, self->outbox, self->policy, self->breaker);
  vz_outbox_sender_set_if_match_supported (self->sender, self->if_match_supported);
  vz_outbox_sender_set_merge_func (self->sender, merge_change, self, NULL);
  g_signal_connect_object (self->sender, "committed", G_CALLBACK (on_sender_committed), self, 0);
  g_signal_connect_object (self->sender, "failed", G_CALLBACK (on_sender_failed), self, 0);
  g_signal_connect_object (self->sender, "conflict", G_CALLBACK (on_sender_conflict), self, 0);

  /* What was queued in an earlier run shows again (failed ones were rolled
   * back then and stay so). */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);

      if (needs_user (vz_mutation_get_state (m)))
        failed++;
      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        g_hash_table_add (self->rolled_back, g_strdup (vz_mutation_get_id (m)));
      else if (!is_link_op (m) && vz_mutation_get_operation (m) != VZ_MUTATION_OP_DELETE)
        _vz_sync_engine_show_mutation (self, m, TRUE);
    }
  _vz_sync_engine_show_pending (self, FALSE);
  set_count (self, &self->pending_count, n, PROP_PENDING_COUNT);
  set_count (self, &self->failed_count, failed, PROP_FAILED_COUNT);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX]);
  _vz_sync_engine_update_sender (self);
  _vz_sync_engine_run_deferred (self, NULL);
}

void
_vz_sync_engine_open_outbox (VzSyncEngine *self)
{
  g_autofree char *user_id = NULL;

  if (self->outbox != NULL || self->opening)
    return;
  if (self->outbox_path == NULL)
    {
      g_autofree char *account = NULL;

      g_object_get (self->session, "user-id", &user_id, NULL);
      if (user_id == NULL)
        return;  /* opened once signed in */
      account = g_strdup_printf ("%s %s", vz_session_get_server_url (self->session), user_id);
      self->outbox_path = vz_outbox_path_for_account (account);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_PATH]);
    }
  _vz_sync_engine_snapshot_ensure (self);
  self->opening = TRUE;
  vz_outbox_new_async (self->outbox_path, VZ_OUTBOX_OPEN_SALVAGE, G_PRIORITY_DEFAULT,
                       self->life, on_outbox_opened, g_object_ref (self));
}

/* Runs @func now when the outbox is open, else once it is. */
static void
when_outbox_ready (VzSyncEngine *self,
                   GTask        *task,
                   DeferredFunc  func)
{
  Deferred *deferred;

  if (self->outbox != NULL)
    {
      func (self, task);
      return;
    }
  deferred = g_new0 (Deferred, 1);
  deferred->func = func;
  deferred->task = task;
  g_queue_push_tail (&self->deferred, deferred);
  if (self->started)
    _vz_sync_engine_open_outbox (self);
}

/* ------------------------------------------------------------------------ */
/* Queueing                                                                 */

/* The mutations a change built, applied when the outbox takes them. */
typedef struct {
  GPtrArray *mutations;
  char      *label;
  gboolean   undoable;    /* FALSE for an inverse (undo itself) */
} Queued;

static void
queued_free (Queued *queued)
{
  g_ptr_array_unref (queued->mutations);
  g_free (queued->label);
  g_free (queued);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  Queued *queued = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (queued->mutations->len == 1)
    ok = vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error);
  else
    ok = vz_outbox_enqueue_batch_finish (VZ_OUTBOX (source), result, &error);
  for (guint i = 0; i < queued->mutations->len; i++)
    track_enqueuing (self, g_ptr_array_index (queued->mutations, i), FALSE);

  if (!ok)
    {
      /* Never on disk, so never shown as queued: take it back. */
      for (guint i = queued->mutations->len; i > 0; i--)
        roll_back (self, g_ptr_array_index (queued->mutations, i - 1));
      for (guint i = 0; i < queued->mutations->len; i++)
        refresh_flags (self, g_ptr_array_index (queued->mutations, i));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < queued->mutations->len; i++)
    refresh_flags (self, g_ptr_array_index (queued->mutations, i));
  if (queued->undoable)
    vz_undo_stack_push (self->undo, queued->mutations, queued->label);
  /* One toast per user action, however many requests it became. */
  g_signal_emit (self, signals[SIGNAL_CHANGE_QUEUED], 0, g_ptr_array_index (queued->mutations, 0), queued->label);
  g_task_return_boolean (task, TRUE);
}

/* With the outbox open: show the mutations at once, then write them. */
static void
queue_now (VzSyncEngine *self,
           GTask        *task)
{
  Queued *queued = g_task_get_task_data (task);

  for (guint i = 0; i < queued->mutations->len; i++)
    {
      VzMutation *m = g_ptr_array_index (queued->mutations, i);
      VzKind *kind = _vz_sync_engine_kind_of (self, m);
      const char * const *ids = vz_mutation_get_entity_ids (m);

      _vz_sync_engine_show_mutation (self, m, TRUE);
      track_enqueuing (self, m, TRUE);
      for (guint j = 0; kind != NULL && ids != NULL && ids[j] != NULL; j++)
        {
          VzEntity *record = vz_store_lookup (kind->store, ids[j]);

          if (record != NULL)
            vz_entity_set_pending (record, TRUE);
        }
    }

  if (queued->mutations->len == 1)
    vz_outbox_enqueue_async (self->outbox, g_ptr_array_index (queued->mutations, 0), NULL, on_enqueued, task);
  else
    {
      g_autofree char *batch = g_uuid_string_random ();

      for (guint i = 0; i < queued->mutations->len; i++)
        vz_mutation_set_batch_id (g_ptr_array_index (queued->mutations, i), batch);
      vz_outbox_enqueue_batch_async (self->outbox, queued->mutations, NULL, on_enqueued, task);
    }
}

void
_vz_sync_engine_queue (VzSyncEngine *self,
                       GTask        *task,
                       GPtrArray    *mutations,
                       const char   *label,
                       gboolean      undoable)
{
  Queued *queued = g_new0 (Queued, 1);

  queued->mutations = g_ptr_array_ref (mutations);
  queued->label = g_strdup (label);
  queued->undoable = undoable;
  g_task_set_task_data (task, queued, (GDestroyNotify) queued_free);
  when_outbox_ready (self, task, queue_now);
}

static char *
describe_action (VzSyncEngine *self,
                 VzKind       *kind,
                 GPtrArray    *mutations)
{
  return vz_words_describe_action (kind->resource, mutations, _vz_sync_engine_words_lookup, self);
}

/* ------------------------------------------------------------------------ */
/* The changes                                                              */

/* The kind a change names, or NULL once the task has been answered. */
static VzKind *
kind_for (VzSyncEngine *self,
          GTask        *task,
          const char   *name)
{
  VzKind *kind = _vz_sync_engine_kind (self, name);

  if (kind == NULL)
    _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                     _("Vizora does not know records of the kind “%s”."), name));
  return kind;
}

/* The record a change names, or NULL once the task has been answered. */
static VzEntity *
record_for (GTask      *task,
            VzKind     *kind,
            const char *id)
{
  VzEntity *record = vz_store_lookup (kind->store, id);

  if (record == NULL)
    _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                                             vz_words_translate (kind->resource->words->gone)));
  return record;
}

static GTask *
change_task (VzSyncEngine        *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!_vz_sync_engine_can_write (self, task))
    return NULL;
  return task;
}

static gboolean
change_finish (VzSyncEngine  *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_update_async (VzSyncEngine        *self,
                             const char          *kind_name,
                             const char          *id,
                             JsonObject          *changes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (changes != NULL);

  task = change_task (self, vz_sync_engine_update_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL)
    return;

  /* Only what really differs goes out: an unchanged field sent along could
   * overwrite a colleague's change to it. */
  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      const VzResourceField *field = vz_resource_find_field (kind->resource, key);
      JsonNode *value = json_object_get_member (changes, key);
      g_autofree char *current = NULL;
      const char *wanted;

      if (field == NULL)
        {
          _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                           vz_words_translate (kind->resource->words->not_changeable),
                                                           key));
          return;
        }
      if (JSON_NODE_HOLDS_NULL (value))
        wanted = NULL;
      else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        wanted = json_node_get_string (value);
      else
        {
          _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                           _("The new value for “%s” must be text."), key));
          return;
        }
      current = vz_resource_dup_field (kind->resource, field, record);
      if (g_strcmp0 (wanted, current) != 0)
        {
          json_object_set_member (patch, key, json_node_copy (value));
          json_object_set_member (previous, key, string_node (current));
        }
    }

  if (json_object_get_size (patch) == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  path = vz_resource_item_path (kind->resource, id);
  body = json_node_init_object (json_node_alloc (), patch);
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (mutations, vz_mutation_new (kind->resource->name, id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                                               vz_entity_get_updated_at (record), patch, previous));
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_update_finish (VzSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return change_finish (self, result, vz_sync_engine_update_async, error);
}

/* FALSE once the task has been answered with the reason. */
static gboolean
check_ids (GTask              *task,
           VzKind             *kind,
           const char * const *ids)
{
  if (ids != NULL && ids[0] != NULL)
    return TRUE;
  _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                           vz_words_translate (kind->resource->words->none_selected)));
  return FALSE;
}

static JsonNode *
ids_body (const char         *member,
          const char * const *ids,
          guint               n)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, ids[i]);
  json_object_set_array_member (obj, member, array);
  return json_node_init_object (json_node_alloc (), obj);
}

static GStrv
ids_copy (const char * const *ids,
          guint               n)
{
  GStrv copy = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    copy[i] = g_strdup (ids[i]);
  return copy;
}

void
vz_sync_engine_delete_async (VzSyncEngine        *self,
                             const char          *kind_name,
                             const char * const  *ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(GPtrArray) known = NULL;
  g_autofree char *label = NULL;
  const VzResource *resource;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);

  task = change_task (self, vz_sync_engine_delete_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL || !check_ids (task, kind, ids))
    return;
  resource = kind->resource;

  /* Records already gone (here or on the way out) are not deleted twice. */
  known = g_ptr_array_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    if (vz_store_lookup (kind->store, ids[i]) != NULL)
      g_ptr_array_add (known, (gpointer) ids[i]);
  if (known->len == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  /* One request per BULK_CHUNK ids, or per record without a bulk request. */
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint done = 0; done < known->len;)
    {
      guint n = resource->bulk_delete_path != NULL ? MIN (BULK_CHUNK, known->len - done) : 1;
      const char * const *chunk = (const char * const *) known->pdata + done;
      g_auto(GStrv) chunk_ids = ids_copy (chunk, n);
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *path = NULL;

      if (resource->bulk_delete_path != NULL)
        body = ids_body (resource->ids_member, chunk, n);
      else
        path = vz_resource_item_path (resource, chunk[0]);
      g_ptr_array_add (mutations, g_object_new (VZ_TYPE_MUTATION,
                                                "entity-kind", resource->name,
                                                "entity-ids", chunk_ids,
                                                "operation", VZ_MUTATION_OP_DELETE,
                                                "method", body != NULL ? "POST" : "DELETE",
                                                "path", body != NULL ? resource->bulk_delete_path : path,
                                                "body", body,
                                                NULL));
      done += n;
    }
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_delete_finish (VzSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return change_finish (self, result, vz_sync_engine_delete_async, error);
}

/* ------------------------------------------------------------------------ */
/* Links                                                                    */

VzMutation *
_vz_sync_engine_link_mutation (const VzResource   *resource,
                               const char * const *ids,
                               guint               n_ids,
                               const char         *target_id,
                               gboolean            link,
                               JsonObject         *shown_after,
                               JsonObject         *shown_before)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) copy = ids_copy (ids, n_ids);

  g_assert (resource->link != NULL);

  resource->link->request (ids, n_ids, target_id, link, &method, &path, &body);
  json_object_set_string_member (changes, "target", target_id);
  json_object_set_object_member (changes, "links", json_object_ref (shown_after));
  json_object_set_object_member (previous, "links", json_object_ref (shown_before));
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", resource->name,
                       "entity-ids", copy,
                       "operation", link ? VZ_MUTATION_OP_LINK : VZ_MUTATION_OP_UNLINK,
                       "method", method,
                       "path", path,
                       "body", body,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}

/* The kind's linked kind and the target in it, or NULL once the task has
 * been answered with the reason. */
static VzKind *
linked_for (VzSyncEngine *self,
            GTask        *task,
            VzKind       *kind,
            const char   *target_id)
{
  VzKind *linked = kind->resource->link != NULL ? _vz_sync_engine_kind (self, kind->resource->link->kind) : NULL;

  if (linked == NULL)
    {
      _vz_sync_engine_return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                                       _("Records of the kind “%s” cannot be linked."),
                                                       kind->resource->name));
      return NULL;
    }
  if (target_id != NULL && record_for (task, linked, target_id) == NULL)
    return NULL;
  return linked;
}

void
vz_sync_engine_link_async (VzSyncEngine        *self,
                           const char          *kind_name,
                           const char * const  *ids,
                           const char          *target_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *label = NULL;
  VzKind *kind;
  GTask *task;
  guint n_ids;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (target_id != NULL);

  task = change_task (self, vz_sync_engine_link_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL || !check_ids (task, kind, ids) ||
      linked_for (self, task, kind, target_id) == NULL)
    return;

  n_ids = g_strv_length ((GStrv) ids);
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint done = 0; done < n_ids; done += BULK_CHUNK)
    {
      guint n = MIN (BULK_CHUNK, n_ids - done);
      g_autoptr(JsonObject) after = json_object_new ();
      g_autoptr(JsonObject) before = json_object_new ();

      /* A record shows its first link: one without a link shows this one. */
      for (guint i = done; i < done + n; i++)
        {
          VzEntity *record = vz_store_lookup (kind->store, ids[i]);
          const char *old = record != NULL ? kind->resource->link->get (record) : NULL;

          json_object_set_member (before, ids[i], string_node (old));
          json_object_set_member (after, ids[i], string_node (old != NULL ? old : target_id));
        }
      g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids + done, n, target_id, TRUE,
                                                                 after, before));
    }
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_link_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return change_finish (self, result, vz_sync_engine_link_async, error);
}

void
vz_sync_engine_move_async (VzSyncEngine        *self,
                           const char          *kind_name,
                           const char          *id,
                           const char          *target_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  g_autofree char *label = NULL;
  const char *ids[] = { id, NULL };
  const char *old;
  VzEntity *record;
  VzKind *kind;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind_name != NULL);
  g_return_if_fail (id != NULL);

  task = change_task (self, vz_sync_engine_move_async, cancellable, callback, user_data);
  if (task == NULL || (kind = kind_for (self, task, kind_name)) == NULL ||
      (record = record_for (task, kind, id)) == NULL ||
      linked_for (self, task, kind, target_id) == NULL)
    return;

  old = kind->resource->link->get (record);
  if (g_strcmp0 (old, target_id) == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }

  /* First leave the old link, then join the new one. */
  json_object_set_member (after, id, string_node (target_id));
  json_object_set_member (before, id, string_node (old));
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  if (old != NULL)
    g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids, 1, old, FALSE, after, before));
  if (target_id != NULL)
    g_ptr_array_add (mutations, _vz_sync_engine_link_mutation (kind->resource, ids, 1, target_id, TRUE,
                                                               after, before));
  label = describe_action (self, kind, mutations);
  _vz_sync_engine_queue (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_move_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return change_finish (self, result, vz_sync_engine_move_async, error);
}

/* ------------------------------------------------------------------------ */
/* Pending changes: retry, discard, conflicts                               */

static gboolean
no_outbox (GError **error)
{
  g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_FOUND,
                       _("There are no pending changes yet."));
  return FALSE;
}

gboolean
vz_sync_engine_retry_change (VzSyncEngine  *self,
                             const char    *mutation_id,
                             GError       **error)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (self->outbox == NULL)
    return no_outbox (error);
  if (!vz_outbox_retry (self->outbox, mutation_id, error))
    return FALSE;
  vz_outbox_sender_kick (self->sender);
  return TRUE;
}

gboolean
vz_sync_engine_discard_change (VzSyncEngine  *self,
                               const char    *mutation_id,
                               GError       **error)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (self->outbox == NULL)
    return no_outbox (error);
  /* The removal handler rolls the store back. */
  return vz_outbox_discard (self->outbox, mutation_id, error);
}

JsonObject *
vz_sync_engine_get_conflict_theirs (VzSyncEngine *self,
                                    const char   *mutation_id)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);

  return g_hash_table_lookup (self->theirs, mutation_id);
}

gboolean
vz_sync_engine_resolve_conflict (VzSyncEngine         *self,
                                 const char           *mutation_id,
                                 VzConflictResolution  resolution,
                                 GError              **error)
{
  VzMutation *m;
  JsonObject *theirs;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (self->outbox == NULL)
    return no_outbox (error);
  m = vz_outbox_lookup (self->outbox, mutation_id);
  theirs = g_hash_table_lookup (self->theirs, mutation_id);
  if (m == NULL || vz_mutation_get_state (m) != VZ_MUTATION_STATE_CONFLICT || theirs == NULL)
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE,
                           _("This change is not waiting for a decision."));
      return FALSE;
    }

  if (resolution == VZ_CONFLICT_KEEP_MINE)
    {
      /* Mine goes over theirs: sent again on the version just read. */
      vz_outbox_sender_rebase (self->sender, m, string_of (theirs, "updatedAt"));
      g_hash_table_remove (self->theirs, mutation_id);
      g_hash_table_remove (self->current, mutation_id);
      if (!vz_outbox_retry (self->outbox, mutation_id, error))
        return FALSE;
      vz_outbox_sender_kick (self->sender);
      return TRUE;
    }
  else
    {
      JsonObject *server = g_hash_table_lookup (self->current, mutation_id);
      g_autoptr(JsonObject) current = server != NULL ? json_object_ref (server) : NULL;
      VzKind *kind = _vz_sync_engine_kind_of (self, m);

      if (!vz_outbox_discard (self->outbox, mutation_id, error))
        return FALSE;
      /* The rollback showed the values from before; the server's are newer
       * (with whatever else is still queued here on top). */
      if (current != NULL && kind != NULL)
        _vz_sync_engine_upsert (self, kind, current);
      return TRUE;
    }
}
