/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox-sender"

#include "vz-outbox-sender-private.h"

#define DEFAULT_MAX_IN_FLIGHT  6
/* However the breaker's clock reads, never look again sooner than this. */
#define MIN_BREAKER_WAIT_MS    1000

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
  REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

Send *
_vz_outbox_sender_send_new (VzOutboxSender *self,
                            VzMutation     *m)
{
  Send *send = g_new0 (Send, 1);

  send->self = g_object_ref (self);
  send->mutation = g_object_ref (m);
  return send;
}

void
_vz_outbox_sender_send_free (Send *send)
{
  g_clear_object (&send->mutation);
  g_clear_object (&send->self);
  g_free (send);
}

void
_vz_outbox_sender_set_busy (VzOutboxSender *self,
                            guint           busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_FLIGHT]);
}

void
_vz_outbox_sender_emit_failed (VzOutboxSender *self,
                               VzMutation     *m,
                               const GError   *error)
{
  g_signal_emit (self, signals[FAILED], 0, m, error);
}

void
_vz_outbox_sender_emit_conflict (VzOutboxSender *self,
                                 VzMutation     *m,
                                 JsonNode       *current)
{
  g_signal_emit (self, signals[CONFLICT], 0, m, current);
}

gboolean
_vz_outbox_sender_is_gone (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
uses_if_match (VzMutation *m)
{
  const char *method = vz_mutation_get_method (m);

  return g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE");
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
  if (answer == NULL && _vz_outbox_sender_is_gone (error))
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
      _vz_outbox_sender_follow_commit (self, m, old_base, answer);
      _vz_outbox_sender_forget (self, id);
      /* Even a change discarded meanwhile landed: the store must learn it. */
      g_signal_emit (self, signals[COMMITTED], 0, m, answer, replayed);
      _vz_outbox_sender_finish_one (self, m);
      return;
    }

  g_signal_emit (self, signals[REFUSED], 0, m, error);
  if (vz_outbox_lookup (self->outbox, id) != m)
    {
      /* Discarded while in flight, and the server refused it anyway. */
      _vz_outbox_sender_finish_one (self, m);
      return;
    }

  g_debug ("Change %s (%s %s) failed: %s", id, vz_mutation_get_method (m), vz_mutation_get_path (m), error->message);
  if ((g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_PRECONDITION_FAILED) ||
       g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT)) &&
      uses_if_match (m) && vz_outbox_sender_get_base (self, m) != NULL)
    {
      vz_circuit_breaker_record_success (self->breaker);
      _vz_outbox_sender_read_current (self, m, FALSE);
      return;
    }
  _vz_outbox_sender_handle_failure (self, m, error, retry_after);
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
  g_autoptr(JsonNode) current = _vz_outbox_sender_read_record (self, m, source, result);

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
                                        on_prepare_read, _vz_outbox_sender_send_new (self, m));
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
                                    on_sent, _vz_outbox_sender_send_new (self, m));
}

void
_vz_outbox_sender_send_request (VzOutboxSender *self,
                                VzMutation     *m)
{
  send_prepared (self, m, NULL);
}

/* @m is in state sending, counted in busy. */
void
_vz_outbox_sender_send_mutation (VzOutboxSender *self,
                                 VzMutation     *m)
{
  if (!self->if_match_supported && uses_if_match (m) && vz_outbox_sender_get_base (self, m) != NULL)
    _vz_outbox_sender_read_current (self, m, TRUE);
  else
    _vz_outbox_sender_send_request (self, m);
}

static gboolean
on_breaker_wait_over (gpointer user_data)
{
  VzOutboxSender *self = user_data;

  self->breaker_wait_id = 0;
  _vz_outbox_sender_schedule_pump (self);
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
      _vz_outbox_sender_set_busy (self, g_hash_table_size (self->active));
      _vz_outbox_sender_send_mutation (self, m);
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
void
_vz_outbox_sender_schedule_pump (VzOutboxSender *self)
{
  if (self->pump_id == 0 && self->online)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_pump, self, NULL);
}

static void
on_sendable (VzOutbox       *outbox,
             VzMutation     *m,
             VzOutboxSender *self)
{
  _vz_outbox_sender_schedule_pump (self);
}

static void
on_removed (VzOutbox        *outbox,
            VzMutation      *m,
            VzOutboxRemoval  why,
            VzOutboxSender  *self)
{
  const char *entity_id = vz_mutation_get_entity_id (m);

  _vz_outbox_sender_forget (self, vz_mutation_get_id (m));
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
  _vz_outbox_sender_schedule_pump (self);
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
  signals[REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_ERROR);
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
  self->entity_bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) _vz_outbox_sender_entity_base_free);
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
      _vz_outbox_sender_schedule_pump (self);
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
  _vz_outbox_sender_schedule_pump (self);
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
  _vz_outbox_sender_schedule_pump (self);
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
