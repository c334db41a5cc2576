/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* Conflicts and the pending-changes list: the merge after a 412, keep
 * mine or theirs, retry and discard. */

#include <glib/gi18n-lib.h>

#include "vz-json-private.h"
#include "vz-merge.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

/*
 * A 412, or a read before writing that found a newer record: fields the user
 * did not touch take the server's value (through the upsert below); fields
 * both sides changed are a conflict (vz-merge.h).
 */
gboolean
_vz_sync_engine_merge_change (VzOutboxSender  *sender,
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
  if (_vz_json_string (current, "id") != NULL)
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
      vz_outbox_sender_rebase (self->sender, m, _vz_json_string (theirs, "updatedAt"));
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
