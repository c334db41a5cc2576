/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox-sender"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-outbox-sender.h"

#define DEFAULT_MAX_IN_FLIGHT  6
/* A precondition failure answered by a rebase that fails again the same way
 * this often in a row is treated as a conflict, not looped on. */
#define MAX_REBASES            3
/* However the breaker's clock reads, never look again sooner than this. */
#define MIN_BREAKER_WAIT_MS    1000

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

G_DEFINE_FINAL_TYPE (VzOutboxSender, vz_outbox_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_OUTBOX,
  PROP_RETRY_POLICY,
  PROP_CIRCUIT_BREAKER,
  PROP_ONLINE,
  PROP_MAX_IN_FLIGHT,
  PROP_IF_MATCH_SUPPORTED,
  PROP_IN_FLIGHT,
  N_PROPS
};

enum {
  COMMITTED,
  FAILED,
  CONFLICT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  VzOutboxSender *self;      /* owned */
  VzMutation     *mutation;  /* owned */
  guint           retry_id;
} Send;

static void send_mutation (VzOutboxSender *self, VzMutation *m);
static void schedule_pump (VzOutboxSender *self);

static Send *
send_new (VzOutboxSender *self,
          VzMutation     *m)
{
  Send *send = g_new0 (Send, 1);

  send->self = g_object_ref (self);
  send->mutation = g_object_ref (m);
  return send;
}

static void
send_free (Send *send)
{
  g_clear_object (&send->mutation);
  g_clear_object (&send->self);
  g_free (send);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Send, send_free)

static void
set_busy (VzOutboxSender *self,
          guint           busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_FLIGHT]);
}

static gboolean
is_gone (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

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

static gboolean
uses_if_match (VzMutation *m)
{
  const char *method = vz_mutation_get_method (m);

  return g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE");
}

/* ------------------------------------------------------------------------ */
/* Outcomes                                                                 */

static void
forget (VzOutboxSender *self,
        const char     *id)
{
  g_hash_table_remove (self->bases, id);
  g_hash_table_remove (self->rounds, id);
  g_hash_table_remove (self->rebases, id);
}

static void
finish_one (VzOutboxSender *self,
            VzMutation     *m)
{
  if (!g_hash_table_remove (self->active, vz_mutation_get_id (m)))
    return;
  set_busy (self, g_hash_table_size (self->active));
  schedule_pump (self);
}

static void
give_up (VzOutboxSender *self,
         VzMutation     *m,
         const GError   *error)
{
  const char *id = vz_mutation_get_id (m);
  g_autoptr(GError) local = NULL;

  if (vz_outbox_mark_failed (self->outbox, id, error->message, &local))
    g_signal_emit (self, signals[FAILED], 0, m, error);
  else
    g_debug ("Change %s left the queue while it was sent: %s", id, local->message);
  g_hash_table_remove (self->rounds, id);
  finish_one (self, m);
}

static void
give_turn_back (VzOutboxSender *self,
                VzMutation     *m,
                const char     *why)
{
  const char *id = vz_mutation_get_id (m);

  g_hash_table_remove (self->rounds, id);
  vz_outbox_requeue (self->outbox, id, why, NULL);
  finish_one (self, m);
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
    g_signal_emit (self, signals[CONFLICT], 0, m, current);
  finish_one (self, m);
}

/* After a commit the entity has a new updatedAt: later changes that were
 * made on top of this one (same base) follow it, or they would meet their
 * own change in a 412. One record per entity, "from" the base those changes
 * carry "to" the latest commit, so this is O(1) per commit however many
 * changes of the entity are queued. */
typedef struct {
  char *from;
  char *to;
} EntityBase;

static void
entity_base_free (EntityBase *eb)
{
  g_free (eb->from);
  g_free (eb->to);
  g_free (eb);
}

static void
follow_commit (VzOutboxSender *self,
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
      finish_one (self, m);
      return G_SOURCE_REMOVE;
    }
  if (!self->online || self->auth_paused || !vz_circuit_breaker_allow (self->breaker, NULL))
    {
      give_turn_back (self, m, vz_mutation_get_last_error (m));
      return G_SOURCE_REMOVE;
    }
  if (!vz_outbox_mark_sending (self->outbox, vz_mutation_get_id (m), NULL))
    {
      finish_one (self, m);
      return G_SOURCE_REMOVE;
    }
  send_mutation (self, m);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stall_over (gpointer user_data)
{
  VzOutboxSender *self = user_data;

  self->stall_id = 0;
  schedule_pump (self);
  return G_SOURCE_REMOVE;
}

static void
handle_failure (VzOutboxSender *self,
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
        Send *send = send_new (self, m);

        send->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MAX (delay_us / 1000, 1),
                                             on_retry_timeout, send, (GDestroyNotify) send_free);
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
    send_mutation (self, m);
}

typedef struct {
  Send     *send;
  gboolean  before_write;   /* read-before-write, not after a 412 */
} Check;

static void send_request (VzOutboxSender *self, VzMutation *m);

/* The record a GET for @m answered (an object), or NULL once @m's turn is
 * settled otherwise: it left the queue, the record is gone, or the failure
 * went to the retry policy. */
static JsonNode *
read_record (VzOutboxSender *self,
             VzMutation     *m,
             GObject        *source,
             GAsyncResult   *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) current = NULL;
  guint retry_after = 0;

  current = vz_api_client_request_full_finish (VZ_API_CLIENT (source), result, &retry_after, NULL, &error);
  if (current == NULL && is_gone (error))
    return NULL;
  if (vz_outbox_lookup (self->outbox, vz_mutation_get_id (m)) != m)
    {
      finish_one (self, m);
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
      handle_failure (self, m, error, retry_after);
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
  current = read_record (self, m, source, result);
  if (current == NULL)
    return;

  if (before_write)
    {
      const char *server = updated_at_of (current);

      if (g_strcmp0 (server, vz_outbox_sender_get_base (self, m)) == 0)
        {
          send_request (self, m);
          return;
        }
      merge (self, m, current, FALSE);
      /* merge() either marked a conflict or rebased: then write. */
      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING &&
          vz_outbox_lookup (self->outbox, vz_mutation_get_id (m)) == m)
        send_request (self, m);
      return;
    }
  merge (self, m, current, TRUE);
}

static void
read_current (VzOutboxSender *self,
              VzMutation     *m,
              gboolean        before_write)
{
  Check *check = g_new0 (Check, 1);

  check->send = send_new (self, m);
  check->before_write = before_write;
  vz_api_client_request_full_async (self->api, "GET", vz_mutation_get_path (m), NULL, NULL,
                                    self->cancellable, on_current_read, check);
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                  */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Send) send = user_data;
  VzOutboxSender *self = send->self;
  VzMutation *m = send->mutation;
  const char *id = vz_mutation_get_id (m);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *old_base = NULL;
  guint retry_after = 0;
  gboolean replayed = FALSE;

  answer = vz_api_client_request_full_finish (VZ_API_CLIENT (source), result, &retry_after, &replayed, &error);
  if (answer == NULL && is_gone (error))
    return;

  if (answer != NULL)
    {
      g_autoptr(GError) local = NULL;

      g_debug ("Change %s (%s %s) committed%s", id, vz_mutation_get_method (m), vz_mutation_get_path (m),
               replayed ? " (answer replayed)" : "");

      vz_circuit_breaker_record_success (self->breaker);
      old_base = g_strdup (vz_outbox_sender_get_base (self, m));
      if (!vz_outbox_mark_done (self->outbox, id, &local))
        g_debug ("Change %s was applied after it left the queue: %s", id, local->message);
      follow_commit (self, m, old_base, answer);
      forget (self, id);
      /* Even a change discarded meanwhile landed: the store must learn it. */
      g_signal_emit (self, signals[COMMITTED], 0, m, answer, replayed);
      finish_one (self, m);
      return;
    }

  if (vz_outbox_lookup (self->outbox, id) != m)
    {
      /* Discarded while in flight, and the server refused it anyway. */
      finish_one (self, m);
      return;
    }

  g_debug ("Change %s (%s %s) failed: %s", id, vz_mutation_get_method (m), vz_mutation_get_path (m), error->message);
  if ((g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_PRECONDITION_FAILED) ||
       g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT)) &&
      uses_if_match (m) && vz_outbox_sender_get_base (self, m) != NULL)
    {
      vz_circuit_breaker_record_success (self->breaker);
      read_current (self, m, FALSE);
      return;
    }
  handle_failure (self, m, error, retry_after);
}

static void send_prepared (VzOutboxSender *self, VzMutation *m, JsonObject *current);

/* The record a change's request is made from (VZ_OUTBOX_SENDER_PREPARE_READ). */
static void
on_prepare_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Send) send = user_data;
  VzOutboxSender *self = send->self;
  VzMutation *m = send->mutation;
  g_autoptr(JsonNode) current = read_record (self, m, source, result);

  if (current == NULL)
    return;
  send_prepared (self, m, json_node_get_object (current));
}

static void
send_prepared (VzOutboxSender *self,
               VzMutation     *m,
               JsonObject     *current)
{
  const char *base = vz_outbox_sender_get_base (self, m);
  g_autofree char *quoted = NULL;
  const char *headers[5] = { "Idempotency-Key", vz_mutation_get_id (m), NULL, NULL, NULL };
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  VzOutboxSenderPrepare prepared = VZ_OUTBOX_SENDER_PREPARE_AS_IS;

  if (self->prepare_func != NULL)
    prepared = self->prepare_func (self, m, current, &method, &path, &body, self->prepare_data);
  if (prepared == VZ_OUTBOX_SENDER_PREPARE_READ && current == NULL && path != NULL)
    {
      vz_api_client_request_full_async (self->api, "GET", path, NULL, NULL, self->cancellable,
                                        on_prepare_read, send_new (self, m));
      return;
    }
  if (prepared != VZ_OUTBOX_SENDER_PREPARE_MADE)
    {
      g_clear_pointer (&method, g_free);
      g_clear_pointer (&path, g_free);
      g_clear_pointer (&body, json_node_unref);
      method = g_strdup (vz_mutation_get_method (m));
      path = g_strdup (vz_mutation_get_path (m));
      body = vz_mutation_get_body (m) != NULL ? json_node_ref (vz_mutation_get_body (m)) : NULL;
    }

  if (self->if_match_supported && base != NULL && uses_if_match (m))
    {
      quoted = g_strdup_printf ("\"%s\"", base);
      headers[2] = "If-Match";
      headers[3] = quoted;
    }
  vz_api_client_request_full_async (self->api, method, path, body, headers, self->cancellable,
                                    on_sent, send_new (self, m));
}

static void
send_request (VzOutboxSender *self,
              VzMutation     *m)
{
  send_prepared (self, m, NULL);
}

/* @m is in state sending, counted in busy. */
static void
send_mutation (VzOutboxSender *self,
               VzMutation     *m)
{
  if (!self->if_match_supported && uses_if_match (m) && vz_outbox_sender_get_base (self, m) != NULL)
    read_current (self, m, TRUE);
  else
    send_request (self, m);
}

static gboolean
on_breaker_wait_over (gpointer user_data)
{
  VzOutboxSender *self = user_data;

  self->breaker_wait_id = 0;
  schedule_pump (self);
  return G_SOURCE_REMOVE;
}

static void
pump (VzOutboxSender *self)
{
  if (!self->online || self->auth_paused || self->stall_id != 0 ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  while (self->busy < self->max_in_flight)
    {
      VzMutation *m = vz_outbox_peek_sendable (self->outbox);

      if (m == NULL)
        return;

      if (!vz_circuit_breaker_allow (self->breaker, NULL))
        {
          /* Open: look again when it lets a probe through. Half-open: a
           * probe is out, maybe someone else's (the engine's reads share the
           * breaker), so its outcome may not reach us: look again shortly. */
          if (self->breaker_wait_id == 0)
            {
              gint64 wait_ms = MIN_BREAKER_WAIT_MS;

              if (vz_circuit_breaker_get_state (self->breaker) == VZ_CIRCUIT_STATE_OPEN)
                {
                  gint64 cap_ms = (gint64) (vz_circuit_breaker_get_cooldown (self->breaker) * 1000);

                  wait_ms = (vz_circuit_breaker_get_retry_at (self->breaker) - g_get_monotonic_time ()) / 1000;
                  wait_ms = CLAMP (wait_ms, MIN_BREAKER_WAIT_MS, MAX (cap_ms, MIN_BREAKER_WAIT_MS));
                }
              self->breaker_wait_id = g_timeout_add ((guint) wait_ms, on_breaker_wait_over, self);
            }
          return;
        }

      if (!vz_outbox_mark_sending (self->outbox, vz_mutation_get_id (m), NULL))
        {
          /* Cannot happen for a sendable mutation; do not spin on it. */
          vz_circuit_breaker_record_success (self->breaker);
          return;
        }
      g_hash_table_replace (self->active, g_strdup (vz_mutation_get_id (m)), g_object_ref (m));
      set_busy (self, g_hash_table_size (self->active));
      send_mutation (self, m);
    }
}

static gboolean
on_pump (gpointer user_data)
{
  VzOutboxSender *self = user_data;

  self->pump_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Outbox signals arrive in the middle of outbox calls: the loop runs from
 * the main loop instead, once for any number of them. Not at idle
 * priority: a window that animates (a spinner while changes wait) and
 * draws slower than its frame rate never leaves the main loop idle, and the
 * changes would wait for good. */
static void
schedule_pump (VzOutboxSender *self)
{
  if (self->pump_id == 0 && self->online)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_pump, self, NULL);
}

static void
on_sendable (VzOutbox       *outbox,
             VzMutation     *m,
             VzOutboxSender *self)
{
  schedule_pump (self);
}

static void
on_removed (VzOutbox        *outbox,
            VzMutation      *m,
            VzOutboxRemoval  why,
            VzOutboxSender  *self)
{
  const char *entity_id = vz_mutation_get_entity_id (m);

  forget (self, vz_mutation_get_id (m));
  /* Nothing of the entity left to send: its record is done. */
  if (entity_id != NULL && vz_outbox_peek_for_entity (outbox, entity_id) == NULL)
    g_hash_table_remove (self->entity_bases, entity_id);
}

static void
on_token (VzApiClient    *api,
          GParamSpec     *pspec,
          VzOutboxSender *self)
{
  if (vz_api_client_get_access_token (api) == NULL)
    return;
  self->auth_paused = FALSE;
  schedule_pump (self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_outbox_sender_constructed (GObject *object)
{
  VzOutboxSender *self = VZ_OUTBOX_SENDER (object);

  G_OBJECT_CLASS (vz_outbox_sender_parent_class)->constructed (object);

  g_assert (self->api != NULL && self->outbox != NULL);
  if (self->policy == NULL)
    self->policy = vz_retry_policy_new ();
  if (self->breaker == NULL)
    self->breaker = vz_circuit_breaker_new ();
  g_signal_connect_object (self->outbox, "mutation-sendable", G_CALLBACK (on_sendable), self, 0);
  g_signal_connect_object (self->outbox, "mutation-removed", G_CALLBACK (on_removed), self, 0);
  g_signal_connect_object (self->api, "notify::access-token", G_CALLBACK (on_token), self, 0);
}

static void
vz_outbox_sender_dispose (GObject *object)
{
  VzOutboxSender *self = VZ_OUTBOX_SENDER (object);

  g_cancellable_cancel (self->cancellable);
  /* What was under way goes back in line for the next sender (the outbox
   * lives on): a request that did land is answered from its
   * Idempotency-Key record when it is sent again. */
  if (self->active != NULL && self->outbox != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->active);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        vz_outbox_requeue (self->outbox, key, NULL, NULL);
      g_hash_table_remove_all (self->active);
    }
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->breaker_wait_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);
  if (self->merge_destroy != NULL)
    self->merge_destroy (self->merge_data);
  self->merge_func = NULL;
  self->merge_data = NULL;
  self->merge_destroy = NULL;
  if (self->prepare_destroy != NULL)
    self->prepare_destroy (self->prepare_data);
  self->prepare_func = NULL;
  self->prepare_data = NULL;
  self->prepare_destroy = NULL;

  G_OBJECT_CLASS (vz_outbox_sender_parent_class)->dispose (object);
}

static void
vz_outbox_sender_finalize (GObject *object)
{
  VzOutboxSender *self = VZ_OUTBOX_SENDER (object);

  g_clear_object (&self->api);
  g_clear_object (&self->outbox);
  g_clear_object (&self->policy);
  g_clear_object (&self->breaker);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bases, g_hash_table_unref);
  g_clear_pointer (&self->rounds, g_hash_table_unref);
  g_clear_pointer (&self->rebases, g_hash_table_unref);
  g_clear_pointer (&self->active, g_hash_table_unref);
  g_clear_pointer (&self->entity_bases, g_hash_table_unref);

  G_OBJECT_CLASS (vz_outbox_sender_parent_class)->finalize (object);
}

static void
vz_outbox_sender_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzOutboxSender *self = VZ_OUTBOX_SENDER (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api);
      break;
    case PROP_OUTBOX:
      g_value_set_object (value, self->outbox);
      break;
    case PROP_RETRY_POLICY:
      g_value_set_object (value, self->policy);
      break;
    case PROP_CIRCUIT_BREAKER:
      g_value_set_object (value, self->breaker);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_IF_MATCH_SUPPORTED:
      g_value_set_boolean (value, self->if_match_supported);
      break;
    case PROP_IN_FLIGHT:
      g_value_set_uint (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_sender_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzOutboxSender *self = VZ_OUTBOX_SENDER (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      self->api = g_value_dup_object (value);
      break;
    case PROP_OUTBOX:
      self->outbox = g_value_dup_object (value);
      break;
    case PROP_RETRY_POLICY:
      self->policy = g_value_dup_object (value);
      break;
    case PROP_CIRCUIT_BREAKER:
      self->breaker = g_value_dup_object (value);
      break;
    case PROP_ONLINE:
      vz_outbox_sender_set_online (self, g_value_get_boolean (value));
      break;
    case PROP_MAX_IN_FLIGHT:
      vz_outbox_sender_set_max_in_flight (self, g_value_get_uint (value));
      break;
    case PROP_IF_MATCH_SUPPORTED:
      vz_outbox_sender_set_if_match_supported (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_sender_class_init (VzOutboxSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vz_outbox_sender_constructed;
  object_class->dispose = vz_outbox_sender_dispose;
  object_class->finalize = vz_outbox_sender_finalize;
  object_class->get_property = vz_outbox_sender_get_property;
  object_class->set_property = vz_outbox_sender_set_property;

  properties[PROP_API_CLIENT] = g_param_spec_object ("api-client", NULL, NULL, VZ_TYPE_API_CLIENT, co);
  properties[PROP_OUTBOX] = g_param_spec_object ("outbox", NULL, NULL, VZ_TYPE_OUTBOX, co);
  properties[PROP_RETRY_POLICY] = g_param_spec_object ("retry-policy", NULL, NULL, VZ_TYPE_RETRY_POLICY, co);
  properties[PROP_CIRCUIT_BREAKER] =
    g_param_spec_object ("circuit-breaker", NULL, NULL, VZ_TYPE_CIRCUIT_BREAKER, co);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, rw);
  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL, 1, 64, DEFAULT_MAX_IN_FLIGHT, rw);
  properties[PROP_IF_MATCH_SUPPORTED] = g_param_spec_boolean ("if-match-supported", NULL, NULL, TRUE, rw);
  properties[PROP_IN_FLIGHT] =
    g_param_spec_uint ("in-flight", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, VZ_TYPE_MUTATION, JSON_TYPE_NODE, G_TYPE_BOOLEAN);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_ERROR);
  signals[CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, JSON_TYPE_NODE);
}

static void
vz_outbox_sender_init (VzOutboxSender *self)
{
  self->cancellable = g_cancellable_new ();
  self->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  self->if_match_supported = TRUE;
  self->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rounds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rebases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->entity_bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entity_base_free);
}

VzOutboxSender *
vz_outbox_sender_new (VzApiClient      *api,
                      VzOutbox         *outbox,
                      VzRetryPolicy    *policy,
                      VzCircuitBreaker *breaker)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (VZ_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (policy == NULL || VZ_IS_RETRY_POLICY (policy), NULL);
  g_return_val_if_fail (breaker == NULL || VZ_IS_CIRCUIT_BREAKER (breaker), NULL);

  return g_object_new (VZ_TYPE_OUTBOX_SENDER,
                       "api-client", api,
                       "outbox", outbox,
                       "retry-policy", policy,
                       "circuit-breaker", breaker,
                       NULL);
}

VzOutbox *
vz_outbox_sender_get_outbox (VzOutboxSender *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), NULL);
  return self->outbox;
}

gboolean
vz_outbox_sender_get_online (VzOutboxSender *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), FALSE);
  return self->online;
}

void
vz_outbox_sender_set_online (VzOutboxSender *self,
                             gboolean        online)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));

  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  if (online)
    {
      /* Coming back is news: whatever stalled may go now. */
      g_clear_handle_id (&self->stall_id, g_source_remove);
      schedule_pump (self);
    }
  else
    g_clear_handle_id (&self->pump_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

guint
vz_outbox_sender_get_max_in_flight (VzOutboxSender *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), 0);
  return self->max_in_flight;
}

void
vz_outbox_sender_set_max_in_flight (VzOutboxSender *self,
                                    guint           max_in_flight)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));
  g_return_if_fail (max_in_flight >= 1 && max_in_flight <= 64);

  if (self->max_in_flight == max_in_flight)
    return;
  self->max_in_flight = max_in_flight;
  schedule_pump (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}

gboolean
vz_outbox_sender_get_if_match_supported (VzOutboxSender *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), FALSE);
  return self->if_match_supported;
}

void
vz_outbox_sender_set_if_match_supported (VzOutboxSender *self,
                                         gboolean        supported)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));

  supported = !!supported;
  if (self->if_match_supported == supported)
    return;
  self->if_match_supported = supported;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IF_MATCH_SUPPORTED]);
}

guint
vz_outbox_sender_get_in_flight (VzOutboxSender *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), 0);
  return self->busy;
}

void
vz_outbox_sender_set_prepare_func (VzOutboxSender            *self,
                                   VzOutboxSenderPrepareFunc  func,
                                   gpointer                   user_data,
                                   GDestroyNotify             destroy)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));

  if (self->prepare_destroy != NULL)
    self->prepare_destroy (self->prepare_data);
  self->prepare_func = func;
  self->prepare_data = user_data;
  self->prepare_destroy = destroy;
}

void
vz_outbox_sender_set_merge_func (VzOutboxSender          *self,
                                 VzOutboxSenderMergeFunc  func,
                                 gpointer                 user_data,
                                 GDestroyNotify           destroy)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));

  if (self->merge_destroy != NULL)
    self->merge_destroy (self->merge_data);
  self->merge_func = func;
  self->merge_data = user_data;
  self->merge_destroy = destroy;
}

void
vz_outbox_sender_kick (VzOutboxSender *self)
{
  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));

  g_clear_handle_id (&self->breaker_wait_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);
  schedule_pump (self);
}

const char *
vz_outbox_sender_get_base (VzOutboxSender *self,
                           VzMutation     *m)
{
  const char *base;

  g_return_val_if_fail (VZ_IS_OUTBOX_SENDER (self), NULL);
  g_return_val_if_fail (VZ_IS_MUTATION (m), NULL);

  base = g_hash_table_lookup (self->bases, vz_mutation_get_id (m));
  if (base != NULL)
    return base;
  base = vz_mutation_get_base_updated_at (m);
  if (base != NULL && vz_mutation_get_entity_id (m) != NULL)
    {
      EntityBase *eb = g_hash_table_lookup (self->entity_bases, vz_mutation_get_entity_id (m));

      if (eb != NULL && g_strcmp0 (eb->from, base) == 0)
        return eb->to;
    }
  return base;
}

void
vz_outbox_sender_rebase (VzOutboxSender *self,
                         VzMutation     *m,
                         const char     *updated_at)
{
  g_autofree char *old_base = NULL;
  const char * const *ids;

  g_return_if_fail (VZ_IS_OUTBOX_SENDER (self));
  g_return_if_fail (VZ_IS_MUTATION (m));

  if (updated_at == NULL)
    return;
  old_base = g_strdup (vz_outbox_sender_get_base (self, m));
  ids = vz_mutation_get_entity_ids (m);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) later = vz_outbox_list_for_entity (self->outbox, ids[i]);

      for (guint j = 0; j < later->len; j++)
        {
          VzMutation *next = g_ptr_array_index (later, j);

          if (next != m && g_strcmp0 (vz_outbox_sender_get_base (self, next), old_base) == 0)
            g_hash_table_replace (self->bases, g_strdup (vz_mutation_get_id (next)), g_strdup (updated_at));
        }
    }
  g_hash_table_replace (self->bases, g_strdup (vz_mutation_get_id (m)), g_strdup (updated_at));
  g_hash_table_remove (self->rebases, vz_mutation_get_id (m));
}
