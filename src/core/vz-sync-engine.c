/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-json-private.h"
#include "vz-session-private.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

/* Undo keeps at least this many user actions. */
#define UNDO_HISTORY 100

G_DEFINE_ENUM_TYPE (VzConflictResolution, vz_conflict_resolution,
  G_DEFINE_ENUM_VALUE (VZ_CONFLICT_KEEP_MINE, "keep-mine"),
  G_DEFINE_ENUM_VALUE (VZ_CONFLICT_KEEP_THEIRS, "keep-theirs"))

G_DEFINE_ENUM_TYPE (VzConnectionState, vz_connection_state,
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_UNAVAILABLE, "unavailable"))

G_DEFINE_FINAL_TYPE (VzSyncEngine, vz_sync_engine, G_TYPE_OBJECT)

GParamSpec *_vz_sync_engine_properties[N_PROPS];
guint       _vz_sync_engine_signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* Shared state                                                             */

void
_vz_sync_engine_set_last_error (VzSyncEngine *self,
                                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_LAST_ERROR]);
}

void
_vz_sync_engine_set_boolean (VzSyncEngine        *self,
                             gboolean            *field,
                             gboolean             value,
                             VzSyncEngineProperty prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[prop]);
}

VzKind *
_vz_sync_engine_kind (VzSyncEngine *self,
                      const char   *name)
{
  return name != NULL ? g_hash_table_lookup (self->kinds_by_name, name) : NULL;
}

VzKind *
_vz_sync_engine_kind_of (VzSyncEngine *self,
                         VzMutation   *m)
{
  return _vz_sync_engine_kind (self, vz_mutation_get_entity_kind (m));
}

/* A record in the store, or one deleted here whose delete is still queued
 * (so that words can still name it). */
VzEntity *
_vz_sync_engine_lookup_any (VzSyncEngine *self,
                            VzKind       *kind,
                            const char   *id)
{
  VzEntity *record;
  VzRemoved *removed;

  if (kind == NULL || id == NULL)
    return NULL;
  record = vz_store_lookup (kind->store, id);
  if (record == NULL && (removed = g_hash_table_lookup (kind->removed, id)) != NULL)
    record = removed->entity;
  return record;
}

VzEntity *
_vz_sync_engine_words_lookup (const VzResource *resource,
                              const char       *id,
                              gpointer          user_data)
{
  VzSyncEngine *self = user_data;

  return resource != NULL ? _vz_sync_engine_lookup_any (self, _vz_sync_engine_kind (self, resource->name), id) : NULL;
}

const char *
vz_connection_state_to_label (VzConnectionState state)
{
  switch (state)
    {
    case VZ_CONNECTION_STATE_ONLINE:       return _("Online");
    case VZ_CONNECTION_STATE_CONNECTING:   return _("Connecting…");
    case VZ_CONNECTION_STATE_RECONNECTING: return _("Reconnecting…");
    case VZ_CONNECTION_STATE_UNAVAILABLE:  return _("Server unavailable");
    case VZ_CONNECTION_STATE_OFFLINE:
    default:
      return _("Offline");
    }
}

/* ------------------------------------------------------------------------ */
/* Kinds                                                                    */

static void
removed_free (VzRemoved *removed)
{
  g_object_unref (removed->entity);
  g_free (removed);
}

static void
kind_free (VzKind *kind)
{
  g_clear_object (&kind->store);
  g_clear_pointer (&kind->removed, g_hash_table_unref);
  g_clear_pointer (&kind->fresh, g_hash_table_unref);
  g_clear_pointer (&kind->gone, g_hash_table_unref);
  g_clear_pointer (&kind->seen, g_hash_table_unref);
  g_free (kind);
}

static void
add_kinds (VzSyncEngine *self)
{
  const VzResource * const *catalogue = vz_resource_catalogue ();

  self->kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) kind_free);
  self->kinds_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; catalogue[i] != NULL; i++)
    {
      VzKind *kind = g_new0 (VzKind, 1);

      kind->resource = catalogue[i];
      kind->store = vz_store_new (catalogue[i]->entity_type ());
      kind->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) removed_free);
      kind->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
      kind->gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      _vz_sync_engine_echoes_init_kind (kind);
      g_ptr_array_add (self->kinds, kind);
      g_hash_table_insert (self->kinds_by_name, (gpointer) catalogue[i]->name, kind);
    }
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_sync_engine_constructed (GObject *object)
{
  VzSyncEngine *self = VZ_SYNC_ENGINE (object);

  G_OBJECT_CLASS (vz_sync_engine_parent_class)->constructed (object);

  g_assert (self->session != NULL);
  self->api = vz_session_get_api_client (self->session);
  self->realtime = vz_realtime_client_new (vz_session_get_realtime_url (self->session));
  _vz_sync_engine_read_init (self);
  _vz_sync_engine_availability_init (self);

  /* If-Match is the local fleet server's ([local] in the contract), and it
   * runs on this computer; elsewhere the platform ignores it, and only
   * reading before writing keeps a colleague's change from being overwritten
   * unseen. The app may say otherwise ("if-match-supported"). */
  self->if_match_supported = _vz_url_is_loopback (vz_session_get_server_url (self->session));
}

static void
vz_sync_engine_dispose (GObject *object)
{
  VzSyncEngine *self = VZ_SYNC_ENGINE (object);

  if (self->realtime != NULL)
    vz_realtime_client_stop (self->realtime);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->unknown_id, g_source_remove);
  _vz_sync_engine_clear_held (self);
  _vz_sync_engine_echoes_clear (self);
  g_clear_object (&self->realtime);
  g_clear_object (&self->monitor);

  g_cancellable_cancel (self->life);
  if (self->snapshot_read != NULL)
    g_cancellable_cancel (self->snapshot_read);
  g_clear_handle_id (&self->breaker_timer, g_source_remove);
  if (self->deferred.length > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The change was not queued: Vizora is closing."));

      _vz_sync_engine_run_deferred (self, error);
    }
  if (self->sender != NULL)
    g_object_run_dispose (G_OBJECT (self->sender));
  g_clear_object (&self->sender);
  g_clear_object (&self->outbox);
  g_clear_object (&self->snapshot);

  G_OBJECT_CLASS (vz_sync_engine_parent_class)->dispose (object);
}

static void
vz_sync_engine_finalize (GObject *object)
{
  VzSyncEngine *self = VZ_SYNC_ENGINE (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->kinds_by_name, g_hash_table_unref);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_pointer (&self->handlers, g_hash_table_unref);
  g_clear_object (&self->read_backoff);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_object (&self->life);
  g_clear_object (&self->snapshot_read);
  g_clear_object (&self->policy);
  g_clear_object (&self->breaker);
  g_clear_object (&self->undo);
  g_clear_object (&self->redo);
  g_clear_pointer (&self->redo_origins, g_hash_table_unref);
  g_clear_pointer (&self->outbox_path, g_free);
  g_clear_pointer (&self->snapshot_time, g_date_time_unref);
  g_clear_pointer (&self->availability, g_free);
  g_clear_pointer (&self->rolled_back, g_hash_table_unref);
  g_clear_pointer (&self->theirs, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);
  g_clear_pointer (&self->enqueuing, g_ptr_array_unref);
  g_clear_pointer (&self->enqueuing_ids, g_hash_table_unref);
  g_clear_pointer (&self->undo_after_commit, g_hash_table_unref);
  g_clear_pointer (&self->aliases, g_hash_table_unref);
  g_clear_pointer (&self->awaiting, g_hash_table_unref);

  G_OBJECT_CLASS (vz_sync_engine_parent_class)->finalize (object);
}

static void
vz_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VzSyncEngine *self = VZ_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_REALTIME_CLIENT:
      g_value_set_object (value, self->realtime);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_OUTBOX:
      g_value_set_object (value, self->outbox);
      break;
    case PROP_OUTBOX_PATH:
      g_value_set_string (value, self->outbox_path);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_FAILED_COUNT:
      g_value_set_uint (value, self->failed_count);
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, self->conflict_count);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, vz_undo_stack_get_can_undo (self->undo));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, vz_undo_stack_get_undo_label (self->undo));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, vz_undo_stack_get_can_undo (self->redo));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, vz_undo_stack_get_undo_label (self->redo));
      break;
    case PROP_AVAILABILITY:
      g_value_set_string (value, self->availability);
      break;
    case PROP_STATUS_LABEL:
      g_value_take_string (value, vz_sync_engine_dup_status_label (self));
      break;
    case PROP_IF_MATCH_SUPPORTED:
      g_value_set_boolean (value, self->if_match_supported);
      break;
    case PROP_SNAPSHOT_TIME:
      g_value_set_boxed (value, self->snapshot_time);
      break;
    case PROP_LAST_CONTACT:
      g_value_set_int64 (value, self->last_contact);
      break;
    case PROP_SEND_OFFLINE_CHANGES:
      g_value_set_boolean (value, self->send_offline_changes);
      break;
    case PROP_HOLDING:
      g_value_set_boolean (value, self->holding);
      break;
    case PROP_UNDO_WINDOW:
      g_value_set_uint (value, self->undo_window);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VzSyncEngine *self = VZ_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    case PROP_OUTBOX_PATH:
      vz_sync_engine_set_outbox_path (self, g_value_get_string (value));
      break;
    case PROP_IF_MATCH_SUPPORTED:
      vz_sync_engine_set_if_match_supported (self, g_value_get_boolean (value));
      break;
    case PROP_SEND_OFFLINE_CHANGES:
      vz_sync_engine_set_send_offline_changes (self, g_value_get_boolean (value));
      break;
    case PROP_UNDO_WINDOW:
      vz_sync_engine_set_undo_window (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sync_engine_class_init (VzSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vz_sync_engine_constructed;
  object_class->dispose = vz_sync_engine_dispose;
  object_class->finalize = vz_sync_engine_finalize;
  object_class->get_property = vz_sync_engine_get_property;
  object_class->set_property = vz_sync_engine_set_property;

  _vz_sync_engine_properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, VZ_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  _vz_sync_engine_properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL, VZ_TYPE_CONNECTION_STATE,
                       VZ_CONNECTION_STATE_OFFLINE, ro);
  _vz_sync_engine_properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  _vz_sync_engine_properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  _vz_sync_engine_properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  _vz_sync_engine_properties[PROP_REALTIME_CLIENT] =
    g_param_spec_object ("realtime-client", NULL, NULL, VZ_TYPE_REALTIME_CLIENT, ro);
  _vz_sync_engine_properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  _vz_sync_engine_properties[PROP_OUTBOX] = g_param_spec_object ("outbox", NULL, NULL, VZ_TYPE_OUTBOX, ro);
  _vz_sync_engine_properties[PROP_OUTBOX_PATH] =
    g_param_spec_string ("outbox-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _vz_sync_engine_properties[PROP_PENDING_COUNT] = g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _vz_sync_engine_properties[PROP_FAILED_COUNT] = g_param_spec_uint ("failed-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _vz_sync_engine_properties[PROP_CONFLICT_COUNT] = g_param_spec_uint ("conflict-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _vz_sync_engine_properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  _vz_sync_engine_properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, ro);
  _vz_sync_engine_properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  _vz_sync_engine_properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL, ro);
  _vz_sync_engine_properties[PROP_AVAILABILITY] = g_param_spec_string ("availability", NULL, NULL, NULL, ro);
  _vz_sync_engine_properties[PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL, ro);
  _vz_sync_engine_properties[PROP_IF_MATCH_SUPPORTED] =
    g_param_spec_boolean ("if-match-supported", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _vz_sync_engine_properties[PROP_SNAPSHOT_TIME] = g_param_spec_boxed ("snapshot-time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  _vz_sync_engine_properties[PROP_LAST_CONTACT] =
    g_param_spec_int64 ("last-contact", NULL, NULL, 0, G_MAXINT64, 0, ro);
  _vz_sync_engine_properties[PROP_SEND_OFFLINE_CHANGES] =
    g_param_spec_boolean ("send-offline-changes", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _vz_sync_engine_properties[PROP_HOLDING] = g_param_spec_boolean ("holding", NULL, NULL, FALSE, ro);
  _vz_sync_engine_properties[PROP_UNDO_WINDOW] =
    g_param_spec_uint ("undo-window", NULL, NULL, 0, 3600, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, _vz_sync_engine_properties);

  /* Detailed by event name, like the realtime client's "event". */
  _vz_sync_engine_signals[SIGNAL_REALTIME_EVENT] =
    g_signal_new ("realtime-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, JSON_TYPE_NODE);
  _vz_sync_engine_signals[SIGNAL_CHANGE_QUEUED] =
    g_signal_new ("change-queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_STRING);
  _vz_sync_engine_signals[SIGNAL_CHANGE_COMMITTED] =
    g_signal_new ("change-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  _vz_sync_engine_signals[SIGNAL_CHANGE_FAILED] =
    g_signal_new ("change-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_ERROR);
  _vz_sync_engine_signals[SIGNAL_CHANGE_CONFLICT] =
    g_signal_new ("change-conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_STRING);
}

static void
on_undo_notify (VzUndoStack  *undo,
                GParamSpec   *pspec,
                VzSyncEngine *self)
{
  if (g_str_equal (pspec->name, "can-undo"))
    g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_CAN_UNDO]);
  else if (g_str_equal (pspec->name, "undo-label"))
    g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_UNDO_LABEL]);
}

static void
on_redo_notify (VzUndoStack  *redo,
                GParamSpec   *pspec,
                VzSyncEngine *self)
{
  if (g_str_equal (pspec->name, "can-undo"))
    g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_CAN_REDO]);
  else if (g_str_equal (pspec->name, "undo-label"))
    g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_REDO_LABEL]);
}

static void
vz_sync_engine_init (VzSyncEngine *self)
{
  add_kinds (self);
  self->read_backoff = vz_backoff_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->held);
  g_queue_init (&self->echo_held);
  self->awaiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->state = VZ_CONNECTION_STATE_OFFLINE;
  self->send_offline_changes = TRUE;

  self->life = g_cancellable_new ();
  g_queue_init (&self->deferred);
  self->policy = vz_retry_policy_new ();
  self->breaker = vz_circuit_breaker_new ();
  self->undo = vz_undo_stack_new (UNDO_HISTORY);
  self->redo = vz_undo_stack_new (UNDO_HISTORY);
  self->redo_origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->rolled_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->theirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->enqueuing = g_ptr_array_new_with_free_func (g_object_unref);
  self->enqueuing_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->undo_after_commit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) _vz_reversal_unref);
  self->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect_object (self->undo, "notify", G_CALLBACK (on_undo_notify), self, 0);
  g_signal_connect_object (self->redo, "notify", G_CALLBACK (on_redo_notify), self, 0);
}

VzSyncEngine *
vz_sync_engine_new (VzSession *session)
{
  g_return_val_if_fail (VZ_IS_SESSION (session), NULL);

  return g_object_new (VZ_TYPE_SYNC_ENGINE, "session", session, NULL);
}

VzSession *
vz_sync_engine_get_session (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->session;
}

VzRealtimeClient *
vz_sync_engine_get_realtime_client (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->realtime;
}

VzConnectionState
vz_sync_engine_get_connection_state (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), VZ_CONNECTION_STATE_OFFLINE);
  return self->state;
}

gboolean
vz_sync_engine_get_loading (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return self->loading;
}

gboolean
vz_sync_engine_get_loaded (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return self->loaded;
}

const char *
vz_sync_engine_get_last_error (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

VzStore *
vz_sync_engine_get_store (VzSyncEngine *self,
                          const char   *kind)
{
  VzKind *found;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  found = _vz_sync_engine_kind (self, kind);
  return found != NULL ? found->store : NULL;
}

void
vz_sync_engine_start (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->auth_failed = FALSE;
  self->token_checked = FALSE;
  self->ever_connected = FALSE;

  /* The realtime link comes up while the lists are read; its events are
   * held until the read lands. */
  vz_realtime_client_set_token (self->realtime, vz_api_client_get_access_token (self->api));
  vz_realtime_client_start (self->realtime);
  _vz_sync_engine_start_read (self);
  /* Reads go on while the journal opens; changes wait for it. */
  if (self->outbox_path != NULL || vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT)
    _vz_sync_engine_open_outbox (self);
  /* Started from the saved sign-in, the server has not answered yet: show
   * the saved fleet now rather than after a read that may take its whole
   * timeout to fail. A read that lands replaces it. */
  if (vz_session_get_state (self->session) == VZ_SESSION_STATE_SAVED)
    _vz_sync_engine_snapshot_offer (self, NULL);
  _vz_sync_engine_update_state (self);
}

void
vz_sync_engine_stop (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;
  self->started = FALSE;
  vz_realtime_client_stop (self->realtime);
  _vz_sync_engine_stop_read (self);
  _vz_sync_engine_update_state (self);
  _vz_sync_engine_snapshot_stop (self);
}

static void
stop_flushed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_snapshot_flush_finish (VZ_SNAPSHOT (source), result, &error))
    g_debug ("The last fleet seen could not be saved: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

void
vz_sync_engine_stop_async (VzSyncEngine        *self,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_stop_async);
  vz_sync_engine_stop (self);
  /* This flush waits for the one stop() started. */
  if (self->snapshot != NULL)
    vz_snapshot_flush_async (self->snapshot, NULL, stop_flushed_cb, g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
vz_sync_engine_stop_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_refresh (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  _vz_sync_engine_start_read (self);
}

gint64
vz_sync_engine_get_last_contact (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);
  return self->last_contact;
}

GDateTime *
vz_sync_engine_get_snapshot_time (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->snapshot_time;
}

VzOutbox *
vz_sync_engine_get_outbox (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->outbox;
}

const char *
vz_sync_engine_get_outbox_path (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->outbox_path;
}

void
vz_sync_engine_set_outbox_path (VzSyncEngine *self,
                                const char   *path)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  /* The journal in use stays: switching under queued changes loses them. */
  g_return_if_fail (self->outbox == NULL && !self->opening);

  if (g_strcmp0 (self->outbox_path, path) == 0)
    return;
  g_free (self->outbox_path);
  self->outbox_path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_OUTBOX_PATH]);
}

guint
vz_sync_engine_get_pending_count (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);
  return self->pending_count;
}

guint
vz_sync_engine_get_failed_count (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);
  return self->failed_count;
}

guint
vz_sync_engine_get_conflict_count (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);
  return self->conflict_count;
}

gboolean
vz_sync_engine_get_can_undo (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return vz_undo_stack_get_can_undo (self->undo);
}

const char *
vz_sync_engine_get_undo_label (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return vz_undo_stack_get_undo_label (self->undo);
}

gboolean
vz_sync_engine_get_can_redo (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return vz_undo_stack_get_can_undo (self->redo);
}

const char *
vz_sync_engine_get_redo_label (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return vz_undo_stack_get_undo_label (self->redo);
}

const char *
vz_sync_engine_get_availability (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->availability;
}

char *
vz_sync_engine_dup_status_label (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);

  return vz_words_status_label (vz_connection_state_to_label (self->state),
                                self->pending_count, self->failed_count, self->conflict_count);
}

VzCircuitBreaker *
vz_sync_engine_get_circuit_breaker (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->breaker;
}

VzRetryPolicy *
vz_sync_engine_get_retry_policy (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->policy;
}

void
vz_sync_engine_bind_settings (VzSyncEngine *self,
                              GSettings    *settings)
{
  static const char * const policy_keys[] = {
    "retry-attempts", "retry-initial-delay", "retry-factor", "retry-max-delay",
  };
  static const char * const breaker_keys[] = {
    "breaker-failure-threshold", "breaker-cooldown", "breaker-success-threshold",
  };

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* The properties are named like the keys for exactly this. */
  for (guint i = 0; i < G_N_ELEMENTS (policy_keys); i++)
    g_settings_bind (settings, policy_keys[i], self->policy, policy_keys[i], G_SETTINGS_BIND_GET);
  for (guint i = 0; i < G_N_ELEMENTS (breaker_keys); i++)
    g_settings_bind (settings, breaker_keys[i], self->breaker, breaker_keys[i], G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "send-offline-changes", self, "send-offline-changes", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "undo-window", self, "undo-window", G_SETTINGS_BIND_GET);
}

guint
vz_sync_engine_get_undo_window (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);
  return self->undo_window;
}

void
vz_sync_engine_set_undo_window (VzSyncEngine *self,
                                guint         seconds)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (seconds <= 3600);

  if (self->undo_window == seconds)
    return;
  self->undo_window = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_UNDO_WINDOW]);
}

gboolean
vz_sync_engine_get_if_match_supported (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return self->if_match_supported;
}

void
vz_sync_engine_set_if_match_supported (VzSyncEngine *self,
                                       gboolean      supported)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  supported = !!supported;
  if (self->if_match_supported == supported)
    return;
  self->if_match_supported = supported;
  if (self->sender != NULL)
    vz_outbox_sender_set_if_match_supported (self->sender, supported);
  g_object_notify_by_pspec (G_OBJECT (self), _vz_sync_engine_properties[PROP_IF_MATCH_SUPPORTED]);
}

VzOutboxSender *
vz_sync_engine_get_sender (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->sender;
}

/* The same operation on the same kind (for an edit, the same edit). */
static gboolean
same_change (VzSyncEngine *self,
             VzMutation   *a,
             VzMutation   *b)
{
  return vz_mutation_get_operation (a) == vz_mutation_get_operation (b) &&
         _vz_sync_engine_kind_of (self, a) == _vz_sync_engine_kind_of (self, b) &&
         (vz_mutation_get_operation (a) != VZ_MUTATION_OP_EDIT ||
          g_strcmp0 (_vz_json_string (vz_mutation_get_changes (a), "edit"),
                     _vz_json_string (vz_mutation_get_changes (b), "edit")) == 0);
}

char *
vz_sync_engine_describe_change (VzSyncEngine *self,
                                VzMutation   *mutation)
{
  VzKind *kind;
  const char *batch;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (VZ_IS_MUTATION (mutation), NULL);

  kind = _vz_sync_engine_kind_of (self, mutation);
  batch = vz_mutation_get_batch_id (mutation);
  /* A bulk action that became several requests is one change: the line
   * names what is still to go of it, not its first request alone. */
  if (batch != NULL && self->outbox != NULL)
    {
      g_autoptr(GPtrArray) siblings = vz_outbox_list_batch (self->outbox, batch);
      gboolean alike = siblings->len > 1 && g_ptr_array_find (siblings, mutation, NULL);

      /* Requests of one kind of change over many records ("Add 40 screens
       * to …"); an edit made of different requests reads as its first. */
      for (guint i = 0; alike && i < siblings->len; i++)
        alike = same_change (self, g_ptr_array_index (siblings, i), mutation);
      if (alike)
        return vz_words_describe_action (kind != NULL ? kind->resource : NULL, siblings, FALSE,
                                         _vz_sync_engine_words_lookup, self);
      if (siblings->len > 1)
        mutation = g_ptr_array_index (siblings, 0);
    }
  return vz_words_describe_change (kind != NULL ? kind->resource : NULL, mutation, FALSE,
                                   _vz_sync_engine_words_lookup, self);
}
