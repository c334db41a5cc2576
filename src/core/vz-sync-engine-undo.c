/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's undo: a pending change is discarded, a committed one
 * gets its inverse queued like any change. */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

#define signals _vz_sync_engine_signals

/*
 * A committed link change is undone by the opposite request on the same
 * target: the records that joined leave it (those that already showed it
 * before stay), those that left join it again. Shown before and after swap.
 */
static VzMutation *
inverse_link (const VzResource  *resource,
              VzMutation        *m,
              GError           **error)
{
  gboolean link = vz_mutation_get_operation (m) == VZ_MUTATION_OP_LINK;
  const char *target = _vz_json_string (vz_mutation_get_changes (m), "target");
  JsonObject *after = _vz_json_object (vz_mutation_get_changes (m), "links");
  JsonObject *before = _vz_json_object (vz_mutation_get_previous (m), "links");
  const char * const *ids = vz_mutation_get_entity_ids (m);
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  g_autoptr(JsonObject) new_after = json_object_new ();
  g_autoptr(JsonObject) new_before = json_object_new ();

  if (target == NULL || after == NULL || before == NULL)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           _("This change cannot be undone: it does not say what it linked."));
      return NULL;
    }
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      JsonNode *shown_before = json_object_get_member (before, ids[i]);
      JsonNode *shown_after = json_object_get_member (after, ids[i]);

      if (link && g_strcmp0 (_vz_json_string (before, ids[i]), target) == 0)
        continue;
      g_ptr_array_add (members, (gpointer) ids[i]);
      json_object_set_member (new_after, ids[i],
                              shown_before != NULL ? json_node_copy (shown_before) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (new_before, ids[i],
                              shown_after != NULL ? json_node_copy (shown_after) : json_node_new (JSON_NODE_NULL));
    }
  if (members->len == 0)
    return NULL;
  return _vz_sync_engine_link_mutation (resource, (const char * const *) members->pdata, members->len,
                                        target, !link, new_after, new_before);
}

/* Redo of an Undo that made records again: they go again, under the ids
 * the server gave them. */
static void
delete_again (VzSyncEngine *self,
              VzKind       *kind,
              VzMutation   *m,
              GPtrArray    *out)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);
  g_autoptr(GPtrArray) known = g_ptr_array_new ();

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      const char *id = g_hash_table_lookup (self->aliases, ids[i]);

      if (id == NULL)
        id = ids[i];
      if (vz_store_lookup (kind->store, id) != NULL)
        g_ptr_array_add (known, (gpointer) id);
    }
  if (known->len > 0)
    _vz_sync_engine_delete_mutations (self, kind, (const char * const *) known->pdata, known->len, out);
}

gboolean
_vz_sync_engine_build_inverse (VzSyncEngine  *self,
                               GPtrArray     *mutations,
                               GPtrArray     *out,
                               GHashTable    *origins,
                               gboolean       redo,
                               GError       **error)
{
  for (guint i = mutations->len; i > 0; i--)
    {
      VzMutation *m = g_ptr_array_index (mutations, i - 1);
      VzKind *kind = _vz_sync_engine_kind_of (self, m);
      VzMutation *inverse = NULL;
      VzEntity *record;
      guint first = out->len;

      if (kind == NULL)
        {
          g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                               _("This change cannot be undone."));
          return FALSE;
        }
      switch (vz_mutation_get_operation (m))
        {
        case VZ_MUTATION_OP_DELETE:
          /* Made again from the copy the delete kept, where the kind can. */
          if (!_vz_sync_engine_restore_mutations (self, kind, m, out, error))
            return FALSE;
          break;
        case VZ_MUTATION_OP_CREATE:
          if (redo)
            {
              delete_again (self, kind, m, out);
              break;
            }
          /* Undo itself is not undone: its creates are not in the history. */
          g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                               _("This change cannot be undone."));
          return FALSE;
        case VZ_MUTATION_OP_UPDATE:
          record = vz_store_lookup (kind->store, vz_mutation_get_entity_id (m));
          if (record == NULL)
            {
              g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                   vz_words_translate (kind->resource->words->gone));
              return FALSE;
            }
          inverse = vz_mutation_new_inverse (m, vz_entity_get_updated_at (record), error);
          if (inverse == NULL)
            return FALSE;
          break;
        case VZ_MUTATION_OP_LINK:
        case VZ_MUTATION_OP_UNLINK:
          {
            g_autoptr(GError) local_error = NULL;

            if (kind->resource->link == NULL)
              {
                g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                     _("This change cannot be undone."));
                return FALSE;
              }
            inverse = inverse_link (kind->resource, m, &local_error);
            if (local_error != NULL)
              {
                g_propagate_error (error, g_steal_pointer (&local_error));
                return FALSE;
              }
          }
          break;
        case VZ_MUTATION_OP_EDIT:
          inverse = _vz_sync_engine_inverse_edit (self, kind, m, error);
          if (inverse == NULL)
            return FALSE;
          break;
        default:
          g_assert_not_reached ();
        }
      if (inverse != NULL)
        g_ptr_array_add (out, inverse);
      for (guint j = first; origins != NULL && j < out->len; j++)
        g_hash_table_replace (origins, g_strdup (vz_mutation_get_id (g_ptr_array_index (out, j))),
                              g_object_ref (m));
    }
  return TRUE;
}

/* @copies (nullable): what the same Undo discarded, copied for Redo, which
 * remembers both under @undo_label; nothing is remembered without them. */
static gboolean
queue_inverse (VzSyncEngine *self,
               GPtrArray    *mutations,
               GPtrArray    *copies,
               const char   *undo_label,
               GTask        *task)
{
  g_autoptr(GPtrArray) inverse = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  VzKind *kind;

  if (!_vz_sync_engine_build_inverse (self, mutations, inverse, origins, FALSE, &error))
    {
      if (task != NULL)
        _vz_sync_engine_return_error (task, g_steal_pointer (&error));
      else
        g_signal_emit (self, signals[SIGNAL_CHANGE_FAILED], 0, g_ptr_array_index (mutations, 0), error);
      return FALSE;
    }
  if (copies != NULL)
    _vz_sync_engine_remember_redo (self, inverse, origins, copies, undo_label);
  if (inverse->len == 0)
    {
      if (task != NULL)
        _vz_sync_engine_return_done (task);
      return TRUE;
    }
  kind = _vz_sync_engine_kind_of (self, g_ptr_array_index (inverse, 0));
  label = vz_words_describe_action (kind->resource, inverse, TRUE, _vz_sync_engine_words_lookup, self);
  if (task == NULL)
    {
      task = g_task_new (self, NULL, NULL, NULL);
      g_task_set_source_tag (task, queue_inverse);
    }
  _vz_sync_engine_queue (self, task, inverse, label, FALSE);
  return TRUE;
}

struct _VzReversal {
  guint      ref_count;
  char      *label;
  gboolean   redo;
  guint      waiting;   /* requests under way */
  GPtrArray *landed;    /* VzMutation*: those of them that committed */
};

VzReversal *
_vz_reversal_new (const char *label,
                  gboolean    redo)
{
  VzReversal *reversal = g_new0 (VzReversal, 1);

  reversal->ref_count = 1;
  reversal->label = g_strdup (label);
  reversal->redo = redo;
  reversal->landed = g_ptr_array_new_with_free_func (g_object_unref);
  return reversal;
}

void
_vz_reversal_unref (VzReversal *reversal)
{
  if (reversal == NULL || --reversal->ref_count > 0)
    return;
  g_ptr_array_unref (reversal->landed);
  g_free (reversal->label);
  g_free (reversal);
}

void
_vz_sync_engine_revert_when_landed (VzSyncEngine *self,
                                    VzReversal   *reversal,
                                    const char   *id)
{
  reversal->ref_count++;
  reversal->waiting++;
  g_hash_table_replace (self->undo_after_commit, g_strdup (id), reversal);
}

/* A Redo's reversal reverts Undo's inverses: the result is the change
 * again, and in the undo history again. */
static void
queue_redone (VzSyncEngine *self,
              VzReversal   *reversal)
{
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GTask *task;

  if (!_vz_sync_engine_build_inverse (self, reversal->landed, again, NULL, TRUE, &error))
    {
      g_signal_emit (self, signals[SIGNAL_CHANGE_FAILED], 0, g_ptr_array_index (reversal->landed, 0), error);
      return;
    }
  if (again->len == 0)
    return;
  vz_undo_stack_push (self->undo, again, reversal->label);
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, queue_redone);
  _vz_sync_engine_queue (self, task, again, reversal->label, FALSE);
}

void
_vz_sync_engine_reversal_landed (VzSyncEngine *self,
                                 VzMutation   *m,
                                 gboolean      committed)
{
  VzReversal *reversal;
  gpointer key = NULL, value = NULL;

  if (!g_hash_table_steal_extended (self->undo_after_commit, vz_mutation_get_id (m), &key, &value))
    return;
  g_free (key);
  reversal = value;
  if (committed)
    g_ptr_array_add (reversal->landed, g_object_ref (m));
  if (--reversal->waiting == 0 && reversal->landed->len > 0)
    {
      if (reversal->redo)
        queue_redone (self, reversal);
      else
        {
          g_autoptr(GPtrArray) none = g_ptr_array_new ();

          /* With no copies, Redo remembers the inverses alone. */
          queue_inverse (self, reversal->landed, none, reversal->label, NULL);
        }
    }
  _vz_reversal_unref (reversal);
}

/* The discards are on disk: a crash now cannot bring a taken-back change
 * (a delete waiting out its undo window) back to be sent. */
void
_vz_sync_engine_on_discards_flushed (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_flush_finish (VZ_OUTBOX (source), result, &error))
    {
      _vz_sync_engine_return_error (task, g_steal_pointer (&error));
      return;
    }
  _vz_sync_engine_return_done (task);
}

void
vz_sync_engine_undo_async (VzSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(GPtrArray) committed = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autofree char *label = NULL;
  VzReversal *in_flight = NULL;
  gboolean discarded = FALSE;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_undo_async);

  mutations = vz_undo_stack_pop (self->undo, &label);
  if (mutations == NULL)
    {
      _vz_sync_engine_return_error (task, g_error_new_literal (VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                                               _("There is nothing to undo.")));
      return;
    }

  /* Newest first: a pending change is taken back before what it built on. */
  committed = g_ptr_array_new_with_free_func (g_object_unref);
  copies = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = mutations->len; i > 0; i--)
    {
      VzMutation *m = g_ptr_array_index (mutations, i - 1);
      const char *id = vz_mutation_get_id (m);

      if (self->outbox != NULL && vz_outbox_lookup (self->outbox, id) == m)
        {
          if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING)
            {
              /* Already on its way: once it lands, its inverse follows. */
              if (in_flight == NULL)
                in_flight = _vz_reversal_new (label, FALSE);
              _vz_sync_engine_revert_when_landed (self, in_flight, id);
            }
          else if (vz_outbox_discard (self->outbox, id, NULL))
            {
              /* Redo sends it after all, as it was. */
              g_ptr_array_insert (copies, 0, _vz_sync_engine_fresh_copy (self, m));
              discarded = TRUE;
            }
        }
      else if (!g_hash_table_contains (self->rolled_back, id))
        g_ptr_array_insert (committed, 0, g_object_ref (m));
    }
  _vz_reversal_unref (in_flight);

  if (committed->len == 0)
    _vz_sync_engine_remember_redo (self, NULL, NULL, copies, label);
  if (committed->len == 0 && discarded)
    {
      vz_outbox_flush_async (self->outbox, NULL, _vz_sync_engine_on_discards_flushed, task);
      return;
    }
  if (discarded)
    vz_outbox_flush_async (self->outbox, NULL, NULL, NULL);
  if (committed->len == 0)
    {
      _vz_sync_engine_return_done (task);
      return;
    }
  queue_inverse (self, committed, copies, label, task);
}

gboolean
vz_sync_engine_undo_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_undo_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
