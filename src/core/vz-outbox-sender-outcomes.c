/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox-sender"

#include <glib/gi18n-lib.h>

#include "vz-outbox-sender-private.h"

/* What becomes of a change once the server answered: committed bases,
 * retries and their backoff, failures, and the conflicts a 412 leads to
 * (reading the record again, merging or rebasing). */

/* A precondition failure answered by a rebase that fails again the same way
 * this often in a row is treated as a conflict, not looped on. */
#define MAX_REBASES            3

/* The server could not be reached at all (no answer, not a bad one). */
static gboolean
is_unreachable (const GError *error)
{
  if (error->domain == VZ_API_ERROR)
    return error->code == VZ_API_ERROR_NETWORK;
  return (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_TIMED_OUT) ||
         error->domain == G_RESOLVER_ERROR;
}

/* A peer's JSON is never trusted to have the right types. */
static const char *
updated_at_of (JsonNode *node)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), "updatedAt");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* ------------------------------------------------------------------------ */
/* Outcomes                                                                 */

void
_vz_outbox_sender_forget (VzOutboxSender *self,
                          const char     *id)
{
  g_hash_table_remove (self->bases, id);
  g_hash_table_remove (self->rounds, id);
  g_hash_table_remove (self->rebases, id);
}

void
_vz_outbox_sender_finish_one (VzOutboxSender *self,
                              VzMutation     *m)
{
  if (!g_hash_table_remove (self->active, vz_mutation_get_id (m)))
    return;
  _vz_outbox_sender_set_busy (self, g_hash_table_size (self->active));
  _vz_outbox_sender_schedule_pump (self);
}

static void
give_up (VzOutboxSender *self,
         VzMutation     *m,
         const GError   *error)
{
  const char *id = vz_mutation_get_id (m);
  g_autoptr(GError) local = NULL;

  if (vz_outbox_mark_failed (self->outbox, id, error->message, &local))
    _vz_outbox_sender_emit_failed (self, m, error);
  else
    g_debug ("Change %s left the queue while it was sent: %s", id, local->message);
  g_hash_table_remove (self->rounds, id);
  _vz_outbox_sender_finish_one (self, m);
}

static void
give_turn_back (VzOutboxSender *self,
                VzMutation     *m,
                const char     *why)
{
  const char *id = vz_mutation_get_id (m);

  g_hash_table_remove (self->rounds, id);
  vz_outbox_requeue (self->outbox, id, why, NULL);
  _vz_outbox_sender_finish_one (self, m);
}

static void
conflict (VzOutboxSender *self,
          VzMutation     *m,
          JsonNode       *current,
          const char     *sentence)
{
  const char *id = vz_mutation_get_id (m);

  g_hash_table_remove (self->rebases, id);
  g_hash_table_remove (self->rounds, id);
  if (vz_outbox_mark_conflict (self->outbox, id, sentence, NULL))
    _vz_outbox_sender_emit_conflict (self, m, current);
  _vz_outbox_sender_finish_one (self, m);
}

void
_vz_outbox_sender_entity_base_free (EntityBase *eb)
{
  g_free (eb->from);
  g_free (eb->to);
  g_free (eb);
}

void
_vz_outbox_sender_follow_commit (VzOutboxSender *self,
                                 VzMutation     *m,
                                 const char     *old_base,
                                 JsonNode       *answer)
{
  const char *updated_at = updated_at_of (answer);
  const char *entity_id = vz_mutation_get_entity_id (m);
  EntityBase *eb;

  if (old_base == NULL || updated_at == NULL || entity_id == NULL)
    return;
  eb = g_hash_table_lookup (self->entity_bases, entity_id);
  if (eb != NULL && g_strcmp0 (eb->to, old_base) == 0)
    {
      g_free (eb->to);
      eb->to = g_strdup (updated_at);
      return;
    }
  eb = g_new0 (EntityBase, 1);
  eb->from = g_strdup (old_base);
  eb->to = g_strdup (updated_at);
  g_hash_table_replace (self->entity_bases, g_strdup (entity_id), eb);
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  Send *send = user_data;
  VzOutboxSender *self = send->self;
  VzMutation *m = send->mutation;

  send->retry_id = 0;
  if (g_cancellable_is_cancelled (self->cancellable))
    return G_SOURCE_REMOVE;
  if (vz_outbox_lookup (self->outbox, vz_mutation_get_id (m)) != m)
    {
      /* Discarded while it waited. */
      _vz_outbox_sender_finish_one (self, m);
      return G_SOURCE_REMOVE;
    }
  if (!self->online || self->auth_paused || !vz_circuit_breaker_allow (self->breaker, NULL))
    {
      give_turn_back (self, m, vz_mutation_get_last_error (m));
      return G_SOURCE_REMOVE;
    }
  if (!vz_outbox_mark_sending (self->outbox, vz_mutation_get_id (m), NULL))
    {
      _vz_outbox_sender_finish_one (self, m);
      return G_SOURCE_REMOVE;
    }
  _vz_outbox_sender_send_mutation (self, m);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stall_over (gpointer user_data)
{
  VzOutboxSender *self = user_data;

  self->stall_id = 0;
  _vz_outbox_sender_schedule_pump (self);
  return G_SOURCE_REMOVE;
}

void
_vz_outbox_sender_handle_failure (VzOutboxSender *self,
                                  VzMutation     *m,
                                  GError         *error,
                                  guint           retry_after)
{
  const char *id = vz_mutation_get_id (m);
  guint round;
  gint64 delay_us = 0;
  VzRetryDecision decision;

  if (vz_api_error_is_unwell (error))
    vz_circuit_breaker_record_failure (self->breaker);
  else
    /* The server answered: it is well, whatever it thought of the change. */
    vz_circuit_breaker_record_success (self->breaker);

  if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED))
    {
      /* The client already refreshed once: only a new sign-in helps. */
      self->auth_paused = TRUE;
      give_turn_back (self, m, error->message);
      return;
    }

  round = GPOINTER_TO_UINT (g_hash_table_lookup (self->rounds, id)) + 1;
  g_hash_table_replace (self->rounds, g_strdup (id), GUINT_TO_POINTER (round));
  decision = vz_retry_policy_decide (self->policy, error, round, TRUE, retry_after, &delay_us);

  switch (decision)
    {
    case VZ_RETRY_DECISION_RETRY:
      {
        Send *send = _vz_outbox_sender_send_new (self, m);

        send->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MAX (delay_us / 1000, 1),
                                             on_retry_timeout, send, (GDestroyNotify) _vz_outbox_sender_send_free);
        return;
      }
    case VZ_RETRY_DECISION_WAIT:
      give_turn_back (self, m, error->message);
      return;
    case VZ_RETRY_DECISION_CONFLICT:
    case VZ_RETRY_DECISION_REFRESH_THEN_RETRY:
    case VZ_RETRY_DECISION_GIVE_UP:
    default:
      break;
    }

  if (is_unreachable (error))
    {
      /* Nobody answered at all: the server is away, which says nothing
       * about the change. It keeps its turn (queued, "waiting for the
       * server to come back") and is looked at again after the longest
       * backoff instead of spinning on it; the breaker counts meanwhile.
       * A server that answers 5xx/429 until the attempts run out fails the
       * change instead, for the user to retry (VzMutationState "failed"). */
      if (self->stall_id == 0)
        self->stall_id = g_timeout_add ((guint) (vz_retry_policy_get_max_delay (self->policy) * 1000),
                                        on_stall_over, self);
      give_turn_back (self, m, error->message);
      return;
    }
  give_up (self, m, error);
}

/* ------------------------------------------------------------------------ */
/* Conflicts                                                                */

static void
merge (VzOutboxSender *self,
       VzMutation     *m,
       JsonNode       *current,
       gboolean        then_send)
{
  const char *id = vz_mutation_get_id (m);
  JsonObject *obj = json_node_get_object (current);
  const char *updated_at = updated_at_of (current);
  g_autofree char *sentence = NULL;
  gboolean rebase = FALSE;
  guint rebases;

  if (self->merge_func != NULL)
    rebase = self->merge_func (self, m, obj, &sentence, self->merge_data);
  if (sentence == NULL && !rebase)
    sentence = g_strdup (_("Someone else changed this since your change was made."));

  rebases = GPOINTER_TO_UINT (g_hash_table_lookup (self->rebases, id)) + 1;
  if (rebase && (updated_at == NULL || rebases > MAX_REBASES))
    {
      rebase = FALSE;
      g_clear_pointer (&sentence, g_free);
      sentence = g_strdup (_("The server keeps refusing this change as out of date."));
    }
  if (!rebase)
    {
      conflict (self, m, current, sentence);
      return;
    }

  g_hash_table_replace (self->rebases, g_strdup (id), GUINT_TO_POINTER (rebases));
  g_hash_table_replace (self->bases, g_strdup (id), g_strdup (updated_at));
  if (then_send)
    _vz_outbox_sender_send_mutation (self, m);
}

typedef struct {
  Send     *send;
  gboolean  before_write;   /* read-before-write, not after a 412 */
} Check;

/* The record a GET for @m answered (an object), or NULL once @m's turn is
 * settled otherwise: it left the queue, the record is gone, or the failure
 * went to the retry policy. */
JsonNode *
_vz_outbox_sender_read_record (VzOutboxSender *self,
                               VzMutation     *m,
                               GObject        *source,
                               GAsyncResult   *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) current = NULL;
  guint retry_after = 0;

  current = vz_api_client_request_full_finish (VZ_API_CLIENT (source), result, &retry_after, NULL, &error);
  if (current == NULL && _vz_outbox_sender_is_gone (error))
    return NULL;
  if (vz_outbox_lookup (self->outbox, vz_mutation_get_id (m)) != m)
    {
      _vz_outbox_sender_finish_one (self, m);
      return NULL;
    }
  if (current == NULL)
    {
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND))
        {
          g_autoptr(GError) gone = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                                        _("Someone else deleted this while your change waited."));

          vz_circuit_breaker_record_success (self->breaker);
          give_up (self, m, gone);
          return NULL;
        }
      _vz_outbox_sender_handle_failure (self, m, error, retry_after);
      return NULL;
    }
  vz_circuit_breaker_record_success (self->breaker);

  if (!JSON_NODE_HOLDS_OBJECT (current))
    {
      g_autoptr(GError) odd = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                                   _("The server sent something unexpected instead of the current record."));
      give_up (self, m, odd);
      return NULL;
    }
  return g_steal_pointer (&current);
}

static void
on_current_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Check *check = user_data;
  g_autoptr(Send) send = check->send;
  VzOutboxSender *self = send->self;
  VzMutation *m = send->mutation;
  gboolean before_write = check->before_write;
  g_autoptr(JsonNode) current = NULL;

  g_free (check);
  current = _vz_outbox_sender_read_record (self, m, source, result);
  if (current == NULL)
    return;

  if (before_write)
    {
      const char *server = updated_at_of (current);

      if (g_strcmp0 (server, vz_outbox_sender_get_base (self, m)) == 0)
        {
          _vz_outbox_sender_send_request (self, m);
          return;
        }
      merge (self, m, current, FALSE);
      /* merge() either marked a conflict or rebased: then write. */
      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING &&
          vz_outbox_lookup (self->outbox, vz_mutation_get_id (m)) == m)
        _vz_outbox_sender_send_request (self, m);
      return;
    }
  merge (self, m, current, TRUE);
}

void
_vz_outbox_sender_read_current (VzOutboxSender *self,
                                VzMutation     *m,
                                gboolean        before_write)
{
  Check *check = g_new0 (Check, 1);

  check->send = _vz_outbox_sender_send_new (self, m);
  check->before_write = before_write;
  vz_api_client_request_full_async (self->api, "GET", vz_mutation_get_path (m), NULL, NULL,
                                    self->cancellable, on_current_read, check);
}
