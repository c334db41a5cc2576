/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's optimistic layer: a change shows at once, is written to
 * the outbox, and commits, rolls back or waits for a conflict's decision;
 * for every kind of record alike (vz-resource.h). */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

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

gboolean
_vz_sync_engine_can_admin (VzSyncEngine *self,
                           GTask        *task,
                           const char   *sentence)
{
  /* Managers may add and change but not delete (the platform's
   * @Roles('admin') on deletes); an administrator, or a role not known
   * yet (the saved fleet before a sign-in), is left to the server. */
  if (vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT &&
      g_strcmp0 (vz_session_get_role (self->session), "manager") == 0)
    {
      _vz_sync_engine_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN, sentence));
      return FALSE;
    }
  return TRUE;
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
 * top (server state, then the pending changes), up to and with @until when
 * it is not NULL. */
JsonObject *
_vz_sync_engine_overlay_pending (VzSyncEngine *self,
                                 VzKind       *kind,
                                 JsonObject   *obj,
                                 const char   *id,
                                 VzMutation   *until)
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
      if (changes == NULL || g_strcmp0 (vz_mutation_get_entity_kind (m), kind->resource->name) != 0 ||
          vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        continue;
      /* An edit goes on top of the newer record as it is now. */
      if (vz_mutation_get_operation (m) == VZ_MUTATION_OP_EDIT)
        _vz_sync_engine_overlay_edit (self, kind, copy, m);
      else if (vz_mutation_get_operation (m) == VZ_MUTATION_OP_UPDATE)
        {
          keys = json_object_get_members (changes);
          for (GList *l = keys; l != NULL; l = l->next)
            json_object_set_member (copy, vz_resource_member_for (kind->resource, l->data),
                                    json_node_copy (json_object_get_member (changes, l->data)));
        }
      if (m == until)
        break;
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
  JsonObject *links = _vz_json_object (values, "links");
  const char * const *ids = vz_mutation_get_entity_ids (m);

  if (linked == NULL || links == NULL)
    return;
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      VzEntity *record = vz_store_lookup (kind->store, ids[i]);
      const char *target = _vz_json_string (links, ids[i]);

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
      /* A record others show by name (a group) renamed, or named back. */
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
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
    case VZ_MUTATION_OP_EDIT:
      _vz_sync_engine_show_edit (self, kind, m, forward);
      break;
    case VZ_MUTATION_OP_CREATE:
      _vz_sync_engine_show_create (self, kind, m, forward);
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
      break;
    default:
      g_assert_not_reached ();
    }
  _vz_sync_engine_rederive (self, kind);
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

/* What a read does not show by itself: a queued delete or create, or a link. */
static gboolean
shows_after_read (VzMutation *m,
                  gboolean    links_only)
{
  VzMutationOp op = vz_mutation_get_operation (m);

  return is_link_op (m) || (!links_only && (op == VZ_MUTATION_OP_DELETE || op == VZ_MUTATION_OP_CREATE));
}

/* After a read, or once the outbox is open: queued deletes, creates and
 * links show again (updates already came with the read, on top of the
 * server's records), every record touched is flagged. @links_only: after a
 * linked kind's list was read again, only links. */
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

      if (vz_mutation_get_state (m) != VZ_MUTATION_STATE_FAILED && shows_after_read (m, links_only))
        _vz_sync_engine_show_mutation (self, m, TRUE);
      if (!links_only)
        for (guint j = 0; ids != NULL && ids[j] != NULL; j++)
          g_hash_table_insert (touched, (gpointer) ids[j], _vz_sync_engine_kind_of (self, m));
    }
  for (guint i = 0; i < self->enqueuing->len; i++)
    {
      VzMutation *m = g_ptr_array_index (self->enqueuing, i);

      if (shows_after_read (m, links_only))
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
  /* Nothing left to hold back ends the holding. */
  if (self->holding)
    _vz_sync_engine_update_sender (self);
}

/* Failed changes and conflicts wait for the user, each counted on its own. */
static void
count_state (VzSyncEngine    *self,
             VzMutationState  state,
             int              delta)
{
  guint *field;
  guint prop;

  if (state == VZ_MUTATION_STATE_FAILED)
    {
      field = &self->failed_count;
      prop = PROP_FAILED_COUNT;
    }
  else if (state == VZ_MUTATION_STATE_CONFLICT)
    {
      field = &self->conflict_count;
      prop = PROP_CONFLICT_COUNT;
    }
  else
    return;
  set_count (self, field, delta > 0 ? *field + 1 : *field - MIN (*field, 1), prop);
}

static void
on_outbox_added (VzOutbox     *outbox,
                 VzMutation   *m,
                 VzSyncEngine *self)
{
  set_count (self, &self->pending_count, vz_outbox_get_count (outbox), PROP_PENDING_COUNT);
  count_state (self, vz_mutation_get_state (m), 1);
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
  vz_undo_stack_forget_mutation (self->redo, id);
}

static void
on_outbox_removed (VzOutbox        *outbox,
                   VzMutation      *m,
                   VzOutboxRemoval  why,
                   VzSyncEngine    *self)
{
  const char *id = vz_mutation_get_id (m);

  set_count (self, &self->pending_count, vz_outbox_get_count (outbox), PROP_PENDING_COUNT);
  count_state (self, vz_mutation_get_state (m), -1);

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
      if (kind != NULL)
        _vz_sync_engine_delete_landed (self, kind, m);
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

  if (old_state != state)
    {
      count_state (self, old_state, -1);
      count_state (self, state, 1);
    }

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
      _vz_sync_engine_landed (self, kind, obj, NULL);
      /* A record others show by name (a group) was renamed. */
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
      _vz_sync_engine_rederive (self, kind);
    }
  else if (kind != NULL && vz_mutation_get_operation (m) == VZ_MUTATION_OP_EDIT)
    {
      _vz_sync_engine_edit_committed (self, kind, m, answer);
      /* The events about the record that waited for this answer apply now:
       * its echo is what shows already. */
      _vz_sync_engine_answer_came (self, m);
    }
  else if (kind != NULL && vz_mutation_get_operation (m) == VZ_MUTATION_OP_CREATE)
    {
      _vz_sync_engine_create_committed (self, kind, m, answer);
      if (is_linked_to (self, kind))
        _vz_sync_engine_relink (self);
      _vz_sync_engine_rederive (self, kind);
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

  /* Undo or Redo asked for while the request was under way. */
  _vz_sync_engine_reversal_landed (self, m, TRUE);
}

static void
on_sender_failed (VzOutboxSender *sender,
                  VzMutation     *m,
                  GError         *error,
                  VzSyncEngine   *self)
{
  const char *batch = vz_mutation_get_batch_id (m);

  roll_back (self, m);
  _vz_sync_engine_reversal_landed (self, m, FALSE);

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

/* One try had no success: the events about its record do not wait for
 * another. */
static void
on_sender_refused (VzOutboxSender *sender,
                   VzMutation     *m,
                   GError         *error,
                   VzSyncEngine   *self)
{
  _vz_sync_engine_answer_came (self, m);
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
  guint n, failed = 0, conflicts = 0;

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
  vz_outbox_sender_set_merge_func (self->sender, _vz_sync_engine_merge_change, self, NULL);
  vz_outbox_sender_set_prepare_func (self->sender, _vz_sync_engine_prepare_request, self, NULL);
  g_signal_connect_object (self->sender, "committed", G_CALLBACK (on_sender_committed), self, 0);
  g_signal_connect_object (self->sender, "failed", G_CALLBACK (on_sender_failed), self, 0);
  g_signal_connect_object (self->sender, "conflict", G_CALLBACK (on_sender_conflict), self, 0);
  g_signal_connect_object (self->sender, "refused", G_CALLBACK (on_sender_refused), self, 0);

  /* What was queued in an earlier run shows again (failed ones were rolled
   * back then and stay so). */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);

      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        failed++;
      else if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_CONFLICT)
        conflicts++;
      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        g_hash_table_add (self->rolled_back, g_strdup (vz_mutation_get_id (m)));
      else if (!is_link_op (m) && vz_mutation_get_operation (m) != VZ_MUTATION_OP_DELETE)
        _vz_sync_engine_show_mutation (self, m, TRUE);
    }
  _vz_sync_engine_show_pending (self, FALSE);
  set_count (self, &self->pending_count, n, PROP_PENDING_COUNT);
  set_count (self, &self->failed_count, failed, PROP_FAILED_COUNT);
  set_count (self, &self->conflict_count, conflicts, PROP_CONFLICT_COUNT);

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
    {
      /* A new change: what was undone before it cannot come back on top. */
      _vz_sync_engine_forget_redo (self);
      vz_undo_stack_push (self->undo, queued->mutations, queued->label);
    }
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
