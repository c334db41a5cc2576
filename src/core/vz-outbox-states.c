/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-outbox-private.h"

/* A queued change's life after it was enqueued: sent, done, failed, in
 * conflict, retried or discarded, and the per-entity views the sync engine
 * reads while it merges. */

static VzOutboxEntry *
lookup_entry (VzOutbox    *self,
              const char  *id,
              GError     **error)
{
  VzOutboxEntry *entry = g_hash_table_lookup (self->by_id, id);

  if (entry == NULL)
    g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_FOUND,
                         _("This change is no longer in the offline queue."));
  return entry;
}

static gboolean
wrong_state (GError     **error,
             const char  *sentence)
{
  g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE, sentence);
  return FALSE;
}

gboolean
vz_outbox_mark_sending (VzOutbox    *self,
                        const char  *id,
                        GError     **error)
{
  VzOutboxEntry *entry;
  VzMutationState state;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  state = vz_mutation_get_state (entry->mutation);
  if (state == VZ_MUTATION_STATE_QUEUED && !entry->sendable)
    return wrong_state (error, _("This change has to wait until the earlier changes to the same "
                                 "item have been applied."));
  if (state != VZ_MUTATION_STATE_QUEUED && state != VZ_MUTATION_STATE_SENDING)
    return wrong_state (error, _("This change failed or is in conflict: it has to be retried "
                                 "or discarded first."));

  _vz_outbox_change_state (self, entry, VZ_MUTATION_STATE_SENDING,
                           vz_mutation_get_attempts (entry->mutation) + 1,
                           vz_mutation_get_last_error (entry->mutation));
  return TRUE;
}

static VzOutboxEntry *
lookup_sending (VzOutbox    *self,
                const char  *id,
                GError     **error)
{
  VzOutboxEntry *entry = lookup_entry (self, id, error);

  if (entry != NULL && vz_mutation_get_state (entry->mutation) != VZ_MUTATION_STATE_SENDING)
    {
      wrong_state (error, _("This change is not being sent."));
      return NULL;
    }
  return entry;
}

/* A send that ended without committing: the change goes back to the queue or
 * stays as failed or in conflict, keeping the attempts it used. */
static gboolean
end_sending (VzOutbox         *self,
             const char       *id,
             VzMutationState   state,
             const char       *last_error,
             GError          **error)
{
  VzOutboxEntry *entry;

  if ((entry = lookup_sending (self, id, error)) == NULL)
    return FALSE;
  _vz_outbox_change_state (self, entry, state, vz_mutation_get_attempts (entry->mutation), last_error);
  return TRUE;
}

gboolean
vz_outbox_mark_done (VzOutbox    *self,
                     const char  *id,
                     GError     **error)
{
  VzOutboxEntry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_sending (self, id, error)) == NULL)
    return FALSE;
  _vz_outbox_remove_entry (self, entry, VZ_OUTBOX_REMOVAL_COMMITTED);
  return TRUE;
}

gboolean
vz_outbox_requeue (VzOutbox    *self,
                   const char  *id,
                   const char  *last_error,
                   GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_QUEUED, last_error, error);
}

gboolean
vz_outbox_mark_failed (VzOutbox    *self,
                       const char  *id,
                       const char  *last_error,
                       GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_FAILED, last_error, error);
}

gboolean
vz_outbox_mark_conflict (VzOutbox    *self,
                         const char  *id,
                         const char  *last_error,
                         GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_CONFLICT, last_error, error);
}

gboolean
vz_outbox_retry (VzOutbox    *self,
                 const char  *id,
                 GError     **error)
{
  VzOutboxEntry *entry;
  VzMutationState state;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  state = vz_mutation_get_state (entry->mutation);
  /* Asking again for a change that is already waiting is harmless. */
  if (state == VZ_MUTATION_STATE_QUEUED)
    return TRUE;
  if (state == VZ_MUTATION_STATE_SENDING)
    return wrong_state (error, _("This change is being sent right now."));

  _vz_outbox_change_state (self, entry, VZ_MUTATION_STATE_QUEUED, 0, NULL);
  return TRUE;
}

gboolean
vz_outbox_discard (VzOutbox    *self,
                   const char  *id,
                   GError     **error)
{
  VzOutboxEntry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  _vz_outbox_remove_entry (self, entry, VZ_OUTBOX_REMOVAL_DISCARDED);
  return TRUE;
}

GPtrArray *
vz_outbox_list_batch (VzOutbox   *self,
                      const char *batch_id)
{
  GPtrArray *result;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  /* A scan: this runs on a user's undo or rollback, not per event. */
  result = g_ptr_array_new ();
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      VzOutboxEntry *entry = g_sequence_get (iter);

      if (g_strcmp0 (vz_mutation_get_batch_id (entry->mutation), batch_id) == 0)
        g_ptr_array_add (result, entry->mutation);
    }
  return result;
}

VzMutation *
vz_outbox_peek_for_entity (VzOutbox   *self,
                           const char *entity_id)
{
  GQueue *queue;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (entity_id != NULL, NULL);

  queue = g_hash_table_lookup (self->by_entity, entity_id);
  return queue != NULL ? ((VzOutboxEntry *) queue->head->data)->mutation : NULL;
}

GPtrArray *
vz_outbox_list_for_entity (VzOutbox   *self,
                           const char *entity_id)
{
  GPtrArray *result;
  GQueue *queue;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (entity_id != NULL, NULL);

  result = g_ptr_array_new ();
  queue = g_hash_table_lookup (self->by_entity, entity_id);
  if (queue != NULL)
    for (GList *l = queue->head; l != NULL; l = l->next)
      g_ptr_array_add (result, ((VzOutboxEntry *) l->data)->mutation);
  return result;
}
