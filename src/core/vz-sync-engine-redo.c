/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's redo: what an Undo took back comes again, as a change
 * of its own through the outbox, and is in the undo history again. */

#include <glib/gi18n-lib.h>

#include "vz-outbox.h"
#include "vz-sync-engine-private.h"

VzMutation *
_vz_sync_engine_fresh_copy (VzSyncEngine *self,
                            VzMutation   *m)
{
  gint64 not_before = 0;

  /* A delete waits out the undo window again, from now. */
  if (vz_mutation_get_not_before (m) > 0 && self->undo_window > 0)
    not_before = g_get_real_time () + (gint64) self->undo_window * G_USEC_PER_SEC;
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", vz_mutation_get_entity_kind (m),
                       "entity-ids", vz_mutation_get_entity_ids (m),
                       "operation", vz_mutation_get_operation (m),
                       "method", vz_mutation_get_method (m),
                       "path", vz_mutation_get_path (m),
                       "body", vz_mutation_get_body (m),
                       "base-updated-at", vz_mutation_get_base_updated_at (m),
                       "changes", vz_mutation_get_changes (m),
                       "previous", vz_mutation_get_previous (m),
                       "not-before", not_before,
                       NULL);
}

void
_vz_sync_engine_remember_redo (VzSyncEngine *self,
                               GPtrArray    *inverses,
                               GHashTable   *origins,
                               GPtrArray    *copies,
                               const char   *label)
{
  g_autoptr(GPtrArray) entry = g_ptr_array_new ();

  for (guint i = 0; inverses != NULL && i < inverses->len; i++)
    {
      VzMutation *inverse = g_ptr_array_index (inverses, i);
      VzMutation *origin = g_hash_table_lookup (origins, vz_mutation_get_id (inverse));

      g_assert (origin != NULL);
      g_hash_table_replace (self->redo_origins, g_strdup (vz_mutation_get_id (inverse)), g_object_ref (origin));
      g_ptr_array_add (entry, inverse);
    }
  for (guint i = 0; copies != NULL && i < copies->len; i++)
    {
      VzMutation *copy = g_ptr_array_index (copies, i);

      g_hash_table_replace (self->redo_origins, g_strdup (vz_mutation_get_id (copy)), g_object_ref (copy));
      g_ptr_array_add (entry, copy);
    }
  if (entry->len > 0)
    vz_undo_stack_push (self->redo, entry, label);
}

void
_vz_sync_engine_forget_redo (VzSyncEngine *self)
{
  vz_undo_stack_clear (self->redo);
  g_hash_table_remove_all (self->redo_origins);
}

static void
add_once (GPtrArray  *array,
          VzMutation *m)
{
  if (!g_ptr_array_find (array, m, NULL))
    g_ptr_array_add (array, g_object_ref (m));
}

void
vz_sync_engine_redo_async (VzSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) entry = NULL;
  g_autoptr(GPtrArray) committed = NULL;
  g_autoptr(GPtrArray) to_queue = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  VzReversal *in_flight = NULL;
  gboolean discarded = FALSE;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_redo_async);

  entry = vz_undo_stack_pop (self->redo, &label);
  if (entry == NULL)
    {
      _vz_sync_engine_return_error (task, g_error_new_literal (VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                                               _("There is nothing to redo.")));
      return;
    }

  committed = g_ptr_array_new_with_free_func (g_object_unref);
  to_queue = g_ptr_array_new_with_free_func (g_object_unref);
  history = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < entry->len; i++)
    {
      VzMutation *m = g_ptr_array_index (entry, i);
      const char *id = vz_mutation_get_id (m);
      g_autoptr(VzMutation) origin = NULL;
      gpointer key = NULL, value = NULL;

      if (g_hash_table_steal_extended (self->redo_origins, id, &key, &value))
        {
          g_free (key);
          origin = value;
        }
      if (origin == m)
        /* Discarded before it was sent: it goes now. */
        g_ptr_array_add (to_queue, g_object_ref (m));
      else if (self->outbox != NULL && vz_outbox_lookup (self->outbox, id) == m)
        {
          /* Undo's inverse has not gone yet: taking it back is enough,
           * and Undo reverts the original again. */
          if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING)
            {
              if (in_flight == NULL)
                in_flight = _vz_reversal_new (label, TRUE);
              _vz_sync_engine_revert_when_landed (self, in_flight, id);
            }
          else if (vz_outbox_discard (self->outbox, id, NULL))
            {
              discarded = TRUE;
              if (origin != NULL)
                add_once (history, origin);
            }
        }
      else if (!g_hash_table_contains (self->rolled_back, id))
        g_ptr_array_add (committed, g_object_ref (m));
    }
  _vz_reversal_unref (in_flight);

  /* Undo's committed inverses are reverted in turn, before the changes
   * that were discarded go again (they came after them). */
  if (committed->len > 0)
    {
      g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);

      if (!_vz_sync_engine_build_inverse (self, committed, again, NULL, TRUE, &error))
        {
          _vz_sync_engine_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = again->len; i > 0; i--)
        g_ptr_array_insert (to_queue, 0, g_object_ref (g_ptr_array_index (again, i - 1)));
    }
  for (guint i = 0; i < to_queue->len; i++)
    g_ptr_array_add (history, g_object_ref (g_ptr_array_index (to_queue, i)));
  if (history->len > 0)
    vz_undo_stack_push (self->undo, history, label);

  if (to_queue->len > 0)
    {
      if (discarded)
        vz_outbox_flush_async (self->outbox, NULL, NULL, NULL);
      _vz_sync_engine_queue (self, task, to_queue, label, FALSE);
      return;
    }
  if (discarded)
    {
      vz_outbox_flush_async (self->outbox, NULL, _vz_sync_engine_on_discards_flushed, task);
      return;
    }
  _vz_sync_engine_return_done (task);
}

gboolean
vz_sync_engine_redo_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_sync_engine_redo_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
