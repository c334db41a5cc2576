/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-backoff.h"
#include "vz-session-private.h"
#include "vz-sync-engine.h"
#include "vz-snapshot.h"
#include "vz-undo-stack.h"

/* Events held during a read beyond this are dropped for one more read: the
 * read is fresher than the events, and memory must stay bounded. */
#define MAX_HELD_EVENTS   50000
/* Statuses for screens we do not know yet (paired elsewhere a moment ago)
 * usually come in bursts: one re-read for the lot. */
#define UNKNOWN_REREAD_MS 500
#define BULK_CHUNK        100

/* Undo keeps at least this many user actions (issue: ≥ 50). */
#define UNDO_HISTORY      100

G_DEFINE_ENUM_TYPE (VzConflictResolution, vz_conflict_resolution,
  G_DEFINE_ENUM_VALUE (VZ_CONFLICT_KEEP_MINE, "keep-mine"),
  G_DEFINE_ENUM_VALUE (VZ_CONFLICT_KEEP_THEIRS, "keep-theirs"))

G_DEFINE_ENUM_TYPE (VzConnectionState, vz_connection_state,
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (VZ_CONNECTION_STATE_UNAVAILABLE, "unavailable"))

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

typedef struct {
  char     *name;
  JsonNode *payload;
} HeldEvent;

static void
held_event_free (HeldEvent *event)
{
  g_free (event->name);
  json_node_unref (event->payload);
  g_free (event);
}

struct _VzSyncEngine
{
  GObject            parent_instance;

  VzSession         *session;
  VzApiClient       *api;            /* the session's */
  VzRealtimeClient  *realtime;
  VzStore           *displays;
  VzStore           *groups;
  GNetworkMonitor   *monitor;
  VzBackoff         *read_backoff;
  GCancellable      *cancellable;    /* reads; replaced on every stop */

  GQueue             held;           /* HeldEvent*, while a read is in flight */
  gboolean           drop_held;      /* overflowed: the next read replaces them */

  guint              retry_id;
  guint              unknown_id;

  char              *last_error;
  VzConnectionState  state;
  gboolean           started;
  gboolean           loading;
  gboolean           loaded;
  gboolean           reading;
  gboolean           read_again;
  gboolean           read_failed;
  gboolean           auth_failed;
  gboolean           ever_connected;
  gboolean           network_matters; /* FALSE for loopback servers */
  gboolean           token_checked;   /* realtime auth failed: REST asked once */
  gboolean           network_was_up;
  guint              read_generation;

  /* The optimistic layer */
  GCancellable      *life;           /* cancelled on dispose only */
  char              *outbox_path;
  VzOutbox          *outbox;         /* NULL until opened */
  gboolean           opening;
  GQueue             deferred;       /* Deferred*: changes waiting for the outbox */
  VzOutboxSender    *sender;
  VzRetryPolicy     *policy;
  VzCircuitBreaker  *breaker;
  VzUndoStack       *undo;
  GHashTable        *removed;        /* display id → Removed*: deleted here, not yet on the server */
  GHashTable        *rolled_back;    /* mutation ids whose effect is not shown */
  GHashTable        *theirs;         /* mutation id → JsonObject: the server's side of a conflict */
  GHashTable        *current;        /* mutation id → JsonObject: the whole record read then */
  GHashTable        *undo_after_commit; /* mutation ids undone while in flight */
  GHashTable        *fresh;          /* display id → JsonObject: committed while a read was out */
  GHashTable        *gone;           /* display ids whose delete committed while a read was out */
  GPtrArray         *enqueuing;      /* VzMutation*: shown, not yet durable (not in the outbox model) */
  GHashTable        *enqueuing_ids;  /* entity id → count of those */
  guint              groups_generation; /* the newest group list asked for */
  guint              pending_count;
  guint              failed_count;
  char              *availability;
  guint              breaker_timer;
  gboolean           if_match_supported;

  /* The last fleet seen (vz-snapshot.h), for an offline start */
  VzSnapshot        *snapshot;       /* NULL until the outbox path is known */
  GDateTime         *snapshot_time;  /* the stores show that snapshot; NULL: live */
  gboolean           snapshot_reading;
};

G_DEFINE_FINAL_TYPE (VzSyncEngine, vz_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CONNECTION_STATE,
  PROP_LOADING,
  PROP_LOADED,
  PROP_LAST_ERROR,
  PROP_REALTIME_CLIENT,
  PROP_NETWORK_MONITOR,
  PROP_OUTBOX,
  PROP_OUTBOX_PATH,
  PROP_PENDING_COUNT,
  PROP_FAILED_COUNT,
  PROP_CAN_UNDO,
  PROP_UNDO_LABEL,
  PROP_AVAILABILITY,
  PROP_STATUS_LABEL,
  PROP_IF_MATCH_SUPPORTED,
  PROP_SNAPSHOT_TIME,
  N_PROPS
};

enum {
  SCREENSHOT_READY,
  REALTIME_EVENT,
  CHANGE_QUEUED,
  CHANGE_COMMITTED,
  CHANGE_FAILED,
  CHANGE_CONFLICT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct _Removed Removed;

static void       start_read            (VzSyncEngine *self);
static void       removed_free          (Removed      *removed);
static void       run_deferred          (VzSyncEngine *self,
                                         const GError *error);
static void       open_outbox           (VzSyncEngine *self);
static void       on_signed_in          (VzSession    *session,
                                         GParamSpec   *pspec,
                                         VzSyncEngine *self);
static void       on_breaker_state      (VzCircuitBreaker *breaker,
                                         GParamSpec       *pspec,
                                         VzSyncEngine     *self);
static void       on_undo_notify        (VzUndoStack  *undo,
                                         GParamSpec   *pspec,
                                         VzSyncEngine *self);
static void       update_sender         (VzSyncEngine *self);
static GPtrArray *overlay_list          (VzSyncEngine *self,
                                         GPtrArray    *objects);
static void       show_pending_on_read  (VzSyncEngine *self);
static gboolean   breaker_allows        (VzSyncEngine *self);
static void       breaker_outcome       (VzSyncEngine *self,
                                         const GError *error);

/* ------------------------------------------------------------------------ */
/* State                                                                    */

static void
set_last_error (VzSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_boolean (VzSyncEngine *self,
             gboolean     *field,
             gboolean      value,
             guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
network_available (VzSyncEngine *self)
{
  return !self->network_matters || g_network_monitor_get_network_available (self->monitor);
}

static void
update_state (VzSyncEngine *self)
{
  VzConnectionState state;
  VzRealtimeState rt = vz_realtime_client_get_state (self->realtime);

  update_sender (self);
  if (!self->started || !network_available (self))
    state = VZ_CONNECTION_STATE_OFFLINE;
  else if (self->auth_failed || rt == VZ_REALTIME_STATE_AUTH_FAILED ||
           vz_circuit_breaker_get_state (self->breaker) == VZ_CIRCUIT_STATE_OPEN)
    state = VZ_CONNECTION_STATE_UNAVAILABLE;
  else if (self->read_failed && self->snapshot_time != NULL)
    /* Working from the saved fleet: the server could not be read at all. */
    state = VZ_CONNECTION_STATE_OFFLINE;
  else if (self->read_failed || rt == VZ_REALTIME_STATE_RECONNECTING)
    state = self->loaded ? VZ_CONNECTION_STATE_RECONNECTING : VZ_CONNECTION_STATE_CONNECTING;
  else if (!self->loaded || rt != VZ_REALTIME_STATE_CONNECTED)
    state = VZ_CONNECTION_STATE_CONNECTING;
  else
    state = VZ_CONNECTION_STATE_ONLINE;

  if (state == self->state)
    return;
  g_debug ("Connection state: %s", vz_connection_state_to_label (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                   */

static const char *
member_string (JsonObject *obj,
               const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static guint
member_uint (JsonObject *obj,
             const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return (guint) CLAMP (json_node_get_int (node), 0, G_MAXUINT);
}

static gboolean
on_unknown_reread (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  self->unknown_id = 0;
  start_read (self);
  return G_SOURCE_REMOVE;
}

static void
apply_status (VzSyncEngine *self,
              JsonNode     *node)
{
  JsonObject *obj;
  const char *id, *status;
  VzDisplay *display;

  /* Whatever a peer sends, a malformed status is skipped, never fatal. */
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  obj = json_node_get_object (node);
  id = member_string (obj, "deviceId");
  status = member_string (obj, "status");
  if (id == NULL || status == NULL)
    return;

  display = vz_store_lookup (self->displays, id);
  if (display == NULL)
    {
      /* Deleted here, the server does not know yet: not a new screen. */
      if (g_hash_table_contains (self->removed, id))
        return;
      if (self->unknown_id == 0)
        self->unknown_id = g_timeout_add (UNKNOWN_REREAD_MS, on_unknown_reread, self);
      return;
    }
  vz_display_apply_status (display, vz_display_status_from_string (status),
                           member_string (obj, "lastSeen"));
}

static void
dispatch_event (VzSyncEngine *self,
                const char   *name,
                JsonNode     *payload)
{
  if (strcmp (name, "device:status") == 0 || strcmp (name, "device:status-update") == 0)
    apply_status (self, payload);
  else if (strcmp (name, "device:status:batch") == 0)
    {
      if (payload != NULL && JSON_NODE_HOLDS_ARRAY (payload))
        {
          JsonArray *array = json_node_get_array (payload);

          for (guint i = 0; i < json_array_get_length (array); i++)
            apply_status (self, json_array_get_element (array, i));
        }
    }
  else if (strcmp (name, "screenshot:ready") == 0)
    {
      if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
        {
          JsonObject *obj = json_node_get_object (payload);
          const char *device_id = member_string (obj, "deviceId");
          const char *url = member_string (obj, "url");

          if (device_id != NULL && url != NULL)
            g_signal_emit (self, signals[SCREENSHOT_READY], 0, device_id, url,
                           member_uint (obj, "width"), member_uint (obj, "height"));
        }
    }

  g_signal_emit (self, signals[REALTIME_EVENT], g_quark_try_string (name), name, payload);
}

static void
on_realtime_event (VzRealtimeClient *client,
                   const char       *name,
                   JsonNode         *payload,
                   gint64            ack_id,
                   VzSyncEngine     *self)
{
  if (name == NULL)
    return;

  if (!self->reading)
    {
      dispatch_event (self, name, payload);
      return;
    }

  /* A read is in flight: applying now would be undone by the older list
   * that is about to land. Hold, and apply in order after it. */
  if (self->drop_held)
    return;
  if (self->held.length >= MAX_HELD_EVENTS)
    {
      g_queue_clear_full (&self->held, (GDestroyNotify) held_event_free);
      self->drop_held = TRUE;
      self->read_again = TRUE;
      return;
    }
  {
    HeldEvent *event = g_new (HeldEvent, 1);

    event->name = g_strdup (name);
    event->payload = payload != NULL ? json_node_ref (payload) : json_node_new (JSON_NODE_NULL);
    g_queue_push_tail (&self->held, event);
  }
}

static void
flush_held (VzSyncEngine *self)
{
  HeldEvent *event;

  while ((event = g_queue_pop_head (&self->held)) != NULL)
    {
      dispatch_event (self, event->name, event->payload);
      held_event_free (event);
    }
}

static void
on_realtime_connected (VzRealtimeClient *client,
                       VzSyncEngine     *self)
{
  self->auth_failed = FALSE;
  /* Whatever changed while we were away is only in the lists. */
  if (self->ever_connected)
    start_read (self);
  /* The server is back: queued changes go now, not after a pause. */
  if (self->sender != NULL)
    vz_outbox_sender_kick (self->sender);
  self->ever_connected = TRUE;
  update_state (self);
}

static void
on_token_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzSyncEngine) self = user_data;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GError) error = NULL;

  /* A refresh on the way changed the token, which restarts the link.
   * Without one the refusal stands, and so does the state. */
  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    g_debug ("Checking the sign-in after a realtime refusal: %s", error->message);
}

static void
on_realtime_state (VzRealtimeClient *client,
                   GParamSpec       *pspec,
                   VzSyncEngine     *self)
{
  if (vz_realtime_client_get_state (client) == VZ_REALTIME_STATE_AUTH_FAILED)
    {
      const char *why = vz_realtime_client_get_last_error (client);

      set_last_error (self, why != NULL ? why : _("The server no longer accepts this sign-in."));

      /* Access tokens are short-lived (15 minutes on the platform) and the
       * realtime link cannot refresh them; one REST call can. Once per token,
       * so a server that refuses for another reason is not hammered. */
      if (self->started && !self->token_checked)
        {
          self->token_checked = TRUE;
          vz_api_client_request_async (self->api, "GET", "/auth/me", NULL, self->cancellable,
                                       on_token_checked, g_object_ref (self));
        }
    }
  update_state (self);
}

/* Both a refresh and a new sign-in on the same session land here. */
static void
on_access_token (VzApiClient  *api,
                 GParamSpec   *pspec,
                 VzSyncEngine *self)
{
  const char *token = vz_api_client_get_access_token (api);

  vz_realtime_client_set_token (self->realtime, token);
  self->token_checked = FALSE;
  if (token == NULL || !self->started)
    {
      update_state (self);
      return;
    }

  if (self->auth_failed)
    {
      self->auth_failed = FALSE;
      if (!self->loaded || self->read_failed)
        start_read (self);
    }
  if (vz_realtime_client_get_state (self->realtime) == VZ_REALTIME_STATE_AUTH_FAILED)
    vz_realtime_client_start (self->realtime);
  update_state (self);
}

static void
on_unauthorized (VzApiClient  *api,
                 VzSyncEngine *self)
{
  /* The refresh was refused: nothing will work until someone signs in again. */
  self->auth_failed = TRUE;
  set_last_error (self, _("Your session has expired. Please sign in again."));
  update_state (self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    VzSyncEngine    *self)
{
  gboolean was_up = self->network_was_up;

  /* Monitors report every route change; only a real transition matters. */
  self->network_was_up = available;
  if (!self->started || !self->network_matters)
    return;

  if (available && !was_up)
    {
      /* Back: reconnect at once instead of waiting out the backoff. */
      if (vz_realtime_client_get_state (self->realtime) != VZ_REALTIME_STATE_CONNECTED)
        {
          vz_realtime_client_stop (self->realtime);
          vz_realtime_client_set_token (self->realtime, vz_api_client_get_access_token (self->api));
          vz_realtime_client_start (self->realtime);
        }
      g_clear_handle_id (&self->retry_id, g_source_remove);
      start_read (self);
    }
  update_state (self);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

static void
apply_membership (VzSyncEngine *self)
{
  g_autoptr(GHashTable) group_of = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_groups = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  guint n_displays = g_list_model_get_n_items (G_LIST_MODEL (self->displays));

  /* A screen in several groups shows the first one the server lists. */
  for (guint i = 0; i < n_groups; i++)
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (self->groups), i);
      const char * const *ids = vz_display_group_get_display_ids (group);

      for (guint j = 0; ids[j] != NULL; j++)
        if (!g_hash_table_contains (group_of, ids[j]))
          g_hash_table_insert (group_of, (gpointer) ids[j], group);
    }

  for (guint i = 0; i < n_displays; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (self->displays), i);
      VzDisplayGroup *group = g_hash_table_lookup (group_of, vz_entity_get_id (VZ_ENTITY (display)));

      if (group != NULL)
        vz_display_set_group (display, vz_entity_get_id (VZ_ENTITY (group)), vz_display_group_get_name (group));
      else
        vz_display_set_group (display, NULL, NULL);
    }
}

typedef struct {
  GPtrArray *displays;
  GPtrArray *groups;
  GError    *error;
  guint      pending;
  guint      generation;
  guint      groups_generation;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_pointer (&data->displays, g_ptr_array_unref);
  g_clear_pointer (&data->groups, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static gboolean
on_retry_read (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  self->retry_id = 0;
  start_read (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* Snapshot: the last fleet seen, shown when the server cannot be read      */

static void
set_snapshot_time (VzSyncEngine *self,
                   GDateTime    *taken)
{
  if (self->snapshot_time == taken ||
      (self->snapshot_time != NULL && taken != NULL && g_date_time_equal (self->snapshot_time, taken)))
    return;
  g_clear_pointer (&self->snapshot_time, g_date_time_unref);
  self->snapshot_time = taken != NULL ? g_date_time_ref (taken) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT_TIME]);
}

static void
snapshot_on_event (VzSyncEngine *self,
                   const char   *name,
                   JsonNode     *payload,
                   gpointer      user_data)
{
  /* In-place changes (statuses, renames) never emit items-changed. O(1). */
  if (self->snapshot != NULL)
    vz_snapshot_mark_dirty (self->snapshot);
}

static void
snapshot_on_commit (VzSyncEngine *self,
                    VzMutation   *m,
                    gpointer      user_data)
{
  if (self->snapshot != NULL)
    vz_snapshot_mark_dirty (self->snapshot);
}

/* The snapshot lives beside the account's outbox journal. */
static void
snapshot_ensure (VzSyncEngine *self)
{
  g_autofree char *path = NULL;

  if (self->snapshot != NULL || self->outbox_path == NULL)
    return;
  path = vz_snapshot_path_beside (self->outbox_path);
  self->snapshot = vz_snapshot_new (path, self->displays, self->groups);
  /* Until a full read lands the stores hold nothing worth saving. */
  vz_snapshot_set_paused (self->snapshot, !self->loaded || self->snapshot_time != NULL);
  if (self->loaded && self->snapshot_time == NULL)
    vz_snapshot_mark_dirty (self->snapshot);
  g_signal_connect (self, "realtime-event", G_CALLBACK (snapshot_on_event), NULL);
  g_signal_connect (self, "change-committed", G_CALLBACK (snapshot_on_commit), NULL);
}

static void
on_snapshot_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzSyncEngine) self = user_data;
  g_autoptr(GPtrArray) displays = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;

  self->snapshot_reading = FALSE;
  taken = vz_snapshot_read_finish (VZ_SNAPSHOT (source), result, &displays, &groups, &error);
  if (taken == NULL)
    {
      /* A damaged snapshot only costs the offline view. */
      if (!g_error_matches (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s", error->message);
      return;
    }
  /* A live read landed meanwhile: it wins. */
  if (self->loaded)
    return;

  /* As a server read is shown: groups, then screens with what is still
   * queued here on top. Records that do not decode are skipped. */
  vz_store_replace_all (self->groups, groups, NULL);
  shown = overlay_list (self, displays);
  vz_store_replace_all (self->displays, shown, NULL);
  apply_membership (self);
  show_pending_on_read (self);
  set_snapshot_time (self, taken);
  update_state (self);
}

/* The server could not be read: show the last fleet seen, once. */
static void
snapshot_offer (VzSyncEngine *self,
                const GError *error)
{
  if (self->loaded || self->snapshot_time != NULL || self->snapshot_reading ||
      g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN))
    return;
  snapshot_ensure (self);
  if (self->snapshot == NULL)
    return;
  self->snapshot_reading = TRUE;
  vz_snapshot_read_async (self->snapshot, self->life, on_snapshot_read, g_object_ref (self));
}

/* A full read landed: the stores are live again and worth saving. */
static void
snapshot_live (VzSyncEngine *self)
{
  set_snapshot_time (self, NULL);
  snapshot_ensure (self);
  if (self->snapshot == NULL)
    return;
  vz_snapshot_set_paused (self->snapshot, FALSE);
  vz_snapshot_mark_dirty (self->snapshot);
}

/* Saves what the stores hold now (the document is built before this
 * returns), then stops saving until the next good read. */
static void
snapshot_stop (VzSyncEngine *self)
{
  if (self->snapshot == NULL)
    return;
  vz_snapshot_flush_async (self->snapshot, NULL, NULL, NULL);
  vz_snapshot_set_paused (self->snapshot, TRUE);
}

GDateTime *
vz_sync_engine_get_snapshot_time (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->snapshot_time;
}

static void
read_finished (VzSyncEngine *self,
               ReadData     *data)
{
  g_autoptr(GError) decode_error = NULL;

  /* Cancelled by stop(), or overtaken by a stop() and start(): a newer read
   * may already be under way and owns the state. */
  if (data->generation != self->read_generation ||
      (data->error != NULL && g_error_matches (data->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    return;

  self->reading = FALSE;
  breaker_outcome (self, data->error);

  if (data->error != NULL)
    {

      g_debug ("Reading the lists failed: %s", data->error->message);
      set_last_error (self, data->error->message);
      self->read_failed = TRUE;
      if (g_error_matches (data->error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED) ||
          g_error_matches (data->error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN))
        self->auth_failed = TRUE;
      else if (self->started && self->retry_id == 0)
        self->retry_id = g_timeout_add (vz_backoff_next_delay (self->read_backoff), on_retry_read, self);

      /* Without a good read the held events have nothing to apply to, and the
       * next read supersedes them anyway. */
      g_queue_clear_full (&self->held, (GDestroyNotify) held_event_free);
      self->drop_held = FALSE;
      update_state (self);
      snapshot_offer (self, data->error);
      return;
    }

  /* Decoding problems in single records do not block the rest. A group
   * list asked for after this read began (a membership change committed)
   * is newer: this one is not applied over it. */
  if (data->groups_generation == self->groups_generation &&
      !vz_store_replace_all (self->groups, data->groups, &decode_error))
    {
      g_debug ("Some groups could not be read: %s", decode_error->message);
      g_clear_error (&decode_error);
    }
  {
    /* Server state, then what is still queued here on top of it. */
    g_autoptr(GPtrArray) displays = overlay_list (self, data->displays);

    if (!vz_store_replace_all (self->displays, displays, &decode_error))
      g_debug ("Some screens could not be read: %s", decode_error->message);
  }
  apply_membership (self);
  show_pending_on_read (self);
  g_hash_table_remove_all (self->fresh);
  g_hash_table_remove_all (self->gone);

  self->read_failed = FALSE;
  vz_backoff_reset (self->read_backoff);
  set_last_error (self, NULL);
  set_boolean (self, &self->loaded, TRUE, PROP_LOADED);
  set_boolean (self, &self->loading, FALSE, PROP_LOADING);
  snapshot_live (self);
  /* A session restored from the saved sign-in is confirmed once the server
   * answers with its token: the app is online by itself. */
  if (vz_session_get_state (self->session) == VZ_SESSION_STATE_SAVED)
    vz_session_resume_async (self->session, vz_api_client_get_access_token (self->api),
                             NULL, NULL, NULL);

  /* The stores are complete: what arrived meanwhile applies on top, in order. */
  flush_held (self);
  self->drop_held = FALSE;
  update_state (self);

  if (self->read_again)
    {
      self->read_again = FALSE;
      start_read (self);
    }
}

/* Both lists of a read land here: the first error is the one kept, and the
 * read finishes when the last list has come. */
static void
read_list_done (GObject       *source,
                GAsyncResult  *result,
                GTask         *task,
                GPtrArray    **list)
{
  VzSyncEngine *self = g_task_get_source_object (task);
  ReadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (list == &data->displays || list == &data->groups);

  *list = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  if (*list == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending == 0)
    read_finished (self, data);
}

static void
on_displays_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *data = g_task_get_task_data (task);

  read_list_done (source, result, task, &data->displays);
}

static void
on_groups_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *data = g_task_get_task_data (task);

  read_list_done (source, result, task, &data->groups);
}

static void
start_read (VzSyncEngine *self)
{
  GTask *task;
  ReadData *data;

  if (!self->started)
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->unknown_id, g_source_remove);
  /* A server that keeps failing is not asked again until the breaker lets
   * a probe through; it calls back then. */
  if (!breaker_allows (self))
    {
      update_state (self);
      return;
    }
  self->reading = TRUE;
  if (!self->loaded)
    set_boolean (self, &self->loading, TRUE, PROP_LOADING);

  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, start_read);
  data = g_new0 (ReadData, 1);
  data->pending = 2;
  data->generation = ++self->read_generation;
  data->groups_generation = ++self->groups_generation;
  /* What commits from now on may be newer than what this read returns. */
  g_hash_table_remove_all (self->fresh);
  g_hash_table_remove_all (self->gone);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  vz_api_client_list_all_async (self->api, "/displays", self->cancellable,
                                on_displays_read, g_object_ref (task));
  vz_api_client_list_all_async (self->api, "/display-groups", self->cancellable,
                                on_groups_read, task);
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
  g_signal_connect_object (self->realtime, "event", G_CALLBACK (on_realtime_event), self, 0);
  g_signal_connect_object (self->realtime, "connected", G_CALLBACK (on_realtime_connected), self, 0);
  g_signal_connect_object (self->realtime, "notify::state", G_CALLBACK (on_realtime_state), self, 0);
  g_signal_connect_object (self->api, "notify::access-token", G_CALLBACK (on_access_token), self, 0);
  g_signal_connect_object (self->api, "unauthorized", G_CALLBACK (on_unauthorized), self, 0);

  /* A server on this machine is reachable whatever the network does. A
   * monitor handed in at construction is authoritative, though: that is how
   * an embedder (or a test) says what the network is doing. */
  if (self->monitor != NULL)
    self->network_matters = TRUE;
  else
    {
      self->network_matters = !_vz_url_is_loopback (vz_session_get_server_url (self->session)) ||
                              !_vz_url_is_loopback (vz_session_get_realtime_url (self->session));
      self->monitor = g_object_ref (g_network_monitor_get_default ());
    }
  self->network_was_up = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self, 0);
  g_signal_connect_object (self->session, "notify::signed-in", G_CALLBACK (on_signed_in), self, 0);

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
  g_queue_clear_full (&self->held, (GDestroyNotify) held_event_free);
  g_clear_object (&self->realtime);
  g_clear_object (&self->monitor);

  g_cancellable_cancel (self->life);
  g_clear_handle_id (&self->breaker_timer, g_source_remove);
  if (self->deferred.length > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The change was not queued: Vizora is closing."));

      run_deferred (self, error);
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
  g_clear_object (&self->displays);
  g_clear_object (&self->groups);
  g_clear_object (&self->read_backoff);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_object (&self->life);
  g_clear_object (&self->policy);
  g_clear_object (&self->breaker);
  g_clear_object (&self->undo);
  g_clear_pointer (&self->outbox_path, g_free);
  g_clear_pointer (&self->snapshot_time, g_date_time_unref);
  g_clear_pointer (&self->availability, g_free);
  g_clear_pointer (&self->removed, g_hash_table_unref);
  g_clear_pointer (&self->rolled_back, g_hash_table_unref);
  g_clear_pointer (&self->theirs, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);
  g_clear_pointer (&self->fresh, g_hash_table_unref);
  g_clear_pointer (&self->gone, g_hash_table_unref);
  g_clear_pointer (&self->enqueuing, g_ptr_array_unref);
  g_clear_pointer (&self->enqueuing_ids, g_hash_table_unref);
  g_clear_pointer (&self->undo_after_commit, g_hash_table_unref);

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
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, vz_undo_stack_get_can_undo (self->undo));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, vz_undo_stack_get_undo_label (self->undo));
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

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, VZ_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL, VZ_TYPE_CONNECTION_STATE,
                       VZ_CONNECTION_STATE_OFFLINE, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_REALTIME_CLIENT] =
    g_param_spec_object ("realtime-client", NULL, NULL, VZ_TYPE_REALTIME_CLIENT, ro);
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTBOX] = g_param_spec_object ("outbox", NULL, NULL, VZ_TYPE_OUTBOX, ro);
  properties[PROP_OUTBOX_PATH] =
    g_param_spec_string ("outbox-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING_COUNT] = g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_FAILED_COUNT] = g_param_spec_uint ("failed-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, ro);
  properties[PROP_AVAILABILITY] = g_param_spec_string ("availability", NULL, NULL, NULL, ro);
  properties[PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL, ro);
  properties[PROP_IF_MATCH_SUPPORTED] =
    g_param_spec_boolean ("if-match-supported", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SNAPSHOT_TIME] = g_param_spec_boxed ("snapshot-time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SCREENSHOT_READY] =
    g_signal_new ("screenshot-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  /* Detailed by event name, like the realtime client's "event". */
  signals[REALTIME_EVENT] =
    g_signal_new ("realtime-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, JSON_TYPE_NODE);
  signals[CHANGE_QUEUED] =
    g_signal_new ("change-queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_STRING);
  signals[CHANGE_COMMITTED] =
    g_signal_new ("change-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  signals[CHANGE_FAILED] =
    g_signal_new ("change-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_ERROR);
  signals[CHANGE_CONFLICT] =
    g_signal_new ("change-conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VZ_TYPE_MUTATION, G_TYPE_STRING);
}

static void
vz_sync_engine_init (VzSyncEngine *self)
{
  self->displays = vz_store_new (VZ_TYPE_DISPLAY);
  self->groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  self->read_backoff = vz_backoff_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->held);
  self->state = VZ_CONNECTION_STATE_OFFLINE;

  self->life = g_cancellable_new ();
  g_queue_init (&self->deferred);
  self->policy = vz_retry_policy_new ();
  self->breaker = vz_circuit_breaker_new ();
  self->undo = vz_undo_stack_new (UNDO_HISTORY);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) removed_free);
  self->rolled_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->theirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->enqueuing = g_ptr_array_new_with_free_func (g_object_unref);
  self->enqueuing_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->undo_after_commit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect_object (self->breaker, "notify::state", G_CALLBACK (on_breaker_state), self, 0);
  g_signal_connect_object (self->undo, "notify", G_CALLBACK (on_undo_notify), self, 0);
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
vz_sync_engine_get_displays (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->displays;
}

VzStore *
vz_sync_engine_get_groups (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->groups;
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
  start_read (self);
  /* Reads go on while the journal opens; changes wait for it. */
  if (self->outbox_path != NULL || vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT)
    open_outbox (self);
  /* Started from the saved sign-in, the server has not answered yet: show
   * the saved fleet now rather than after a read that may take its whole
   * timeout to fail. A read that lands replaces it. */
  if (vz_session_get_state (self->session) == VZ_SESSION_STATE_SAVED)
    snapshot_offer (self, NULL);
  update_state (self);
}

void
vz_sync_engine_stop (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;
  self->started = FALSE;
  vz_realtime_client_stop (self->realtime);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->unknown_id, g_source_remove);
  g_queue_clear_full (&self->held, (GDestroyNotify) held_event_free);
  self->reading = FALSE;
  self->read_again = FALSE;
  self->drop_held = FALSE;
  set_boolean (self, &self->loading, FALSE, PROP_LOADING);
  update_state (self);
  snapshot_stop (self);
}

void
vz_sync_engine_refresh (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  start_read (self);
}

/* ------------------------------------------------------------------------ */
/* Changes                                                                  */

static JsonNode *
ids_body (const char * const *ids,
          guint               n,
          const char         *extra_member,
          const char         *extra_value)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, ids[i]);
  json_object_set_array_member (obj, "displayIds", array);
  if (extra_member != NULL)
    json_object_set_string_member (obj, extra_member, extra_value);
  return json_node_init_object (json_node_alloc (), obj);
}

static JsonObject *
payload_object (JsonNode *payload)
{
  return payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A request with nothing left to do succeeds at once. */
static void
return_done (GTask *task)
{
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The screen a request names, or NULL once the task has been answered with
 * the reason. */
static VzDisplay *
lookup_display_for (VzSyncEngine *self,
                    GTask        *task,
                    const char   *display_id)
{
  VzDisplay *display = vz_store_lookup (self->displays, display_id);

  if (display == NULL)
    return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                             _("This screen no longer exists.")));
  return display;
}

/* FALSE once the task has been answered with the reason. */
static gboolean
group_exists_for (VzSyncEngine *self,
                  GTask        *task,
                  const char   *group_id)
{
  if (vz_store_lookup (self->groups, group_id) != NULL)
    return TRUE;
  return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                           _("This group no longer exists.")));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The optimistic layer                                                     */

/* A display deleted optimistically: kept to put back on rollback. */
struct _Removed {
  VzEntity *entity;
  guint     position;
};

static void
removed_free (Removed *removed)
{
  g_object_unref (removed->entity);
  g_free (removed);
}

static gboolean
is_group_op (VzMutation *m)
{
  const char *op = vz_mutation_get_operation (m);

  return g_str_equal (op, "leave-group") || g_str_equal (op, "join-group") ||
         g_str_equal (op, "assign-group") || g_str_equal (op, "remove-from-group");
}

static gboolean
is_delete_op (VzMutation *m)
{
  const char *op = vz_mutation_get_operation (m);

  return g_str_equal (op, "bulk-delete") || g_str_equal (op, "delete");
}

/* PATCH keys are the wire's; the display's JSON says "nickname" for "name". */
static const char *
json_member_for (const char *key)
{
  return strcmp (key, "name") == 0 ? "nickname" : key;
}

static const char *
string_of (JsonObject *obj,
           const char *member)
{
  return obj != NULL ? member_string (obj, member) : NULL;
}

static const char *
group_name_of (VzSyncEngine *self,
               const char   *group_id)
{
  VzDisplayGroup *group = group_id != NULL ? vz_store_lookup (self->groups, group_id) : NULL;

  return group != NULL ? vz_display_group_get_name (group) : NULL;
}

/* Copies @obj with the changes of the still-queued update mutations of its
 * entity on top (server state, then the pending changes). */
static JsonObject *
overlay_pending (VzSyncEngine *self,
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
      if (changes == NULL || !g_str_equal (vz_mutation_get_operation (m), "update") ||
          vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        continue;
      keys = json_object_get_members (changes);
      for (GList *l = keys; l != NULL; l = l->next)
        json_object_set_member (copy, json_member_for (l->data),
                                json_node_copy (json_object_get_member (changes, l->data)));
    }
  return copy;
}

static gboolean
has_pending (VzSyncEngine *self,
             const char   *id)
{
  return self->outbox != NULL &&
         (vz_outbox_peek_for_entity (self->outbox, id) != NULL || g_hash_table_contains (self->enqueuing_ids, id));
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

/* The server's version of a display, with what is still queued here on top. */
static void
upsert_display (VzSyncEngine *self,
                JsonObject   *obj)
{
  g_autoptr(GError) error = NULL;
  const char *id = member_string (obj, "id");

  if (id == NULL || g_hash_table_contains (self->removed, id))
    return;
  if (has_pending (self, id))
    {
      g_autoptr(JsonObject) copy = overlay_pending (self, obj, id);

      vz_store_upsert_json (self->displays, copy, &error);
    }
  else
    vz_store_upsert_json (self->displays, obj, &error);
  if (error != NULL)
    g_debug ("The server's screen could not be shown: %s", error->message);
}

static void
set_group_of (VzSyncEngine *self,
              const char   *display_id,
              const char   *group_id)
{
  VzDisplay *display = vz_store_lookup (self->displays, display_id);

  if (display != NULL)
    vz_display_set_group (display, group_id, group_name_of (self, group_id));
}

static JsonObject *
object_member (JsonObject *obj,
               const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Shows @m on the stores: its new values (forward) or its old ones. */
static void
show_mutation (VzSyncEngine *self,
               VzMutation   *m,
               gboolean      forward)
{
  const char *op = vz_mutation_get_operation (m);
  const char * const *ids = vz_mutation_get_entity_ids (m);
  JsonObject *values = forward ? vz_mutation_get_changes (m) : vz_mutation_get_previous (m);

  if (g_str_equal (op, "update"))
    {
      VzEntity *display = vz_store_lookup (self->displays, vz_mutation_get_entity_id (m));
      g_autoptr(JsonObject) obj = json_object_new ();
      g_autoptr(GList) keys = NULL;
      g_autoptr(GError) error = NULL;

      if (display == NULL || values == NULL)
        return;
      keys = json_object_get_members (values);
      for (GList *l = keys; l != NULL; l = l->next)
        json_object_set_member (obj, json_member_for (l->data),
                                json_node_copy (json_object_get_member (values, l->data)));
      if (!vz_entity_update_from_json (display, obj, &error))
        g_debug ("A queued change does not fit the screen: %s", error->message);
    }
  else if (g_str_equal (op, "leave-group") || g_str_equal (op, "join-group"))
    set_group_of (self, vz_mutation_get_entity_id (m), string_of (values, "groupId"));
  else if (g_str_equal (op, "assign-group") || g_str_equal (op, "remove-from-group"))
    {
      /* values: {"groups": {display id: group id or null}} */
      JsonObject *groups = object_member (values, "groups");

      for (guint i = 0; groups != NULL && ids[i] != NULL; i++)
        if (json_object_has_member (groups, ids[i]))
          set_group_of (self, ids[i], string_of (groups, ids[i]));
    }
  else if (is_delete_op (m))
    {
      for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
        {
          if (forward)
            {
              VzEntity *display = vz_store_lookup (self->displays, ids[i]);
              Removed *removed;

              if (display == NULL || g_hash_table_contains (self->removed, ids[i]))
                continue;
              removed = g_new0 (Removed, 1);
              removed->entity = g_object_ref (display);
              removed->position = vz_store_get_position (self->displays, display);
              g_hash_table_insert (self->removed, g_strdup (ids[i]), removed);
              vz_store_remove (self->displays, ids[i]);
            }
          else
            {
              Removed *removed = g_hash_table_lookup (self->removed, ids[i]);

              if (removed == NULL)
                continue;
              vz_store_insert (self->displays, removed->entity, removed->position);
              g_hash_table_remove (self->removed, ids[i]);
            }
        }
    }
}

/* "pending" and "conflict" of one entity, from the outbox. O(its changes). */
static void
refresh_entity (VzSyncEngine *self,
                const char   *id)
{
  VzEntity *entity = vz_store_lookup (self->displays, id);
  VzMutation *first;
  gboolean pending, conflict = FALSE;

  if (entity == NULL)
    return;
  pending = g_hash_table_contains (self->enqueuing_ids, id);
  /* Only the first in line is ever sent, so only it can be failed or in
   * conflict: O(1) unless a failed one has others waiting behind it. */
  first = vz_outbox_peek_for_entity (self->outbox, id);
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
  vz_entity_set_pending (entity, pending);
  vz_entity_set_conflict (entity, conflict);
}

static void
refresh_flags (VzSyncEngine *self,
               VzMutation   *m)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    refresh_entity (self, ids[i]);
}

/* For walks over the whole queue: each entity once, however many changes
 * it has (100,000 queued changes of one screen stay linear). */
static void
collect_entities (GHashTable *set,
                  VzMutation *m)
{
  const char * const *ids = vz_mutation_get_entity_ids (m);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (set, (gpointer) ids[i]);
}

static void
refresh_collected (VzSyncEngine *self,
                   GHashTable   *set)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    refresh_entity (self, id);
}

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
  set_last_error (self, error->message);
}

static void
roll_back (VzSyncEngine *self,
           VzMutation   *m)
{
  const char *id = vz_mutation_get_id (m);

  if (!g_hash_table_add (self->rolled_back, g_strdup (id)))
    return;
  show_mutation (self, m, FALSE);
  /* Later changes of the same screens still show on top. */
  {
    const char * const *ids = vz_mutation_get_entity_ids (m);

    for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
      {
        g_autoptr(GPtrArray) later = vz_outbox_list_for_entity (self->outbox, ids[i]);

        for (guint j = 0; j < later->len; j++)
          {
            VzMutation *next = g_ptr_array_index (later, j);

            if (next != m && vz_mutation_get_state (next) != VZ_MUTATION_STATE_FAILED &&
                !is_delete_op (next))
              show_mutation (self, next, TRUE);
          }
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
    {
      roll_back (self, m);
      vz_undo_stack_forget_mutation (self->undo, id);
    }
  else if (is_delete_op (m))
    {
      const char * const *ids = vz_mutation_get_entity_ids (m);

      /* A read under way may have been answered before the delete: it
       * must not bring the screens back. */
      for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
        {
          if (self->reading)
            g_hash_table_add (self->gone, g_strdup (ids[i]));
          g_hash_table_remove (self->removed, ids[i]);
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
    show_mutation (self, m, TRUE);
  refresh_flags (self, m);
}

static void     reload_groups_only (VzSyncEngine *self);
static gboolean queue_inverse      (VzSyncEngine *self,
                                    GPtrArray    *mutations,
                                    GTask        *task);

static void
on_sender_committed (VzOutboxSender *sender,
                     VzMutation     *m,
                     JsonNode       *answer,
                     gboolean        replayed,
                     VzSyncEngine   *self)
{
  JsonObject *obj = payload_object (answer);

  if (replayed)
    g_debug ("Change %s had already landed; the server repeated its answer", vz_mutation_get_id (m));
  if (g_str_equal (vz_mutation_get_operation (m), "update") && obj != NULL)
    {
      const char *id = member_string (obj, "id");

      upsert_display (self, obj);
      if (self->reading && id != NULL)
        g_hash_table_replace (self->fresh, g_strdup (id), json_object_ref (obj));
    }
  else if (is_group_op (m))
    reload_groups_only (self);

  refresh_flags (self, m);
  g_signal_emit (self, signals[CHANGE_COMMITTED], 0, m);

  /* Undo asked for while the request was under way: now it is committed,
   * its inverse goes. */
  if (g_hash_table_remove (self->undo_after_commit, vz_mutation_get_id (m)))
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);

      g_ptr_array_add (one, g_object_ref (m));
      queue_inverse (self, one, NULL);
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
  g_signal_emit (self, signals[CHANGE_FAILED], 0, m, error);
}

static void
on_sender_conflict (VzOutboxSender *sender,
                    VzMutation     *m,
                    JsonNode       *current,
                    VzSyncEngine   *self)
{
  refresh_flags (self, m);
  g_signal_emit (self, signals[CHANGE_CONFLICT], 0, m, vz_mutation_get_last_error (m));
}

static gboolean
json_values_equal (JsonNode *a,
                   JsonNode *b)
{
  gboolean a_null = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_null = b == NULL || JSON_NODE_HOLDS_NULL (b);

  if (a_null || b_null)
    return a_null && b_null;
  return json_node_equal (a, b);
}

/*
 * A 412: which fields did both sides change? Fields the user did not touch
 * take the server's value (through the upsert below); a field the server
 * has at the user's old value, or already at the new one, is no conflict.
 */
static gboolean
merge_display (VzOutboxSender  *sender,
               VzMutation      *m,
               JsonObject      *current,
               char           **sentence,
               gpointer         user_data)
{
  VzSyncEngine *self = user_data;
  JsonObject *changes = vz_mutation_get_changes (m);
  JsonObject *previous = vz_mutation_get_previous (m);
  g_autoptr(JsonObject) theirs = json_object_new ();
  g_autoptr(GList) keys = NULL;
  VzDisplay *display = vz_store_lookup (self->displays, vz_mutation_get_entity_id (m));

  if (g_str_equal (vz_mutation_get_entity_kind (m), "display") && member_string (current, "id") != NULL)
    upsert_display (self, current);

  if (changes == NULL)
    return TRUE;

  keys = json_object_get_members (changes);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *server = json_object_get_member (current, json_member_for (key));
      JsonNode *mine = json_object_get_member (changes, key);
      JsonNode *before = previous != NULL ? json_object_get_member (previous, key) : NULL;

      if (json_values_equal (server, before) || json_values_equal (server, mine))
        continue;
      json_object_set_member (theirs, key, server != NULL ? json_node_copy (server) : json_node_new (JSON_NODE_NULL));
    }

  if (json_object_get_size (theirs) == 0)
    return TRUE;

  {
    const char *name = display != NULL ? vz_display_get_display_name (display) : NULL;

    *sentence = name != NULL
      ? g_strdup_printf (_("Someone else changed “%s” in the meantime. Keep your change or theirs?"), name)
      : g_strdup (_("Someone else changed this screen in the meantime. Keep your change or theirs?"));
  }
  json_object_set_string_member (theirs, "updatedAt", member_string (current, "updatedAt"));
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

static void
run_deferred (VzSyncEngine *self,
              const GError *error)
{
  Deferred *deferred;

  while ((deferred = g_queue_pop_head (&self->deferred)) != NULL)
    {
      if (error != NULL)
        return_error (deferred->task, g_error_copy (error));
      else
        deferred->func (self, deferred->task);
      g_free (deferred);
    }
}

static void
update_sender (VzSyncEngine *self)
{
  VzRealtimeState rt;
  gboolean online;

  if (self->sender == NULL)
    return;
  /* Online: the realtime link is up, or (a server whose realtime side is
   * unreachable, e.g. behind a proxy) the last read worked and the link is
   * not in the middle of losing the server. */
  rt = vz_realtime_client_get_state (self->realtime);
  online = self->started && network_available (self) && !self->auth_failed &&
           (rt == VZ_REALTIME_STATE_CONNECTED ||
            (self->loaded && !self->read_failed && rt != VZ_REALTIME_STATE_RECONNECTING));
  vz_outbox_sender_set_online (self->sender, online);
}

static void
on_outbox_opened (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new_finish (result, &error);
  g_autoptr(GHashTable) touched = NULL;
  guint n, failed = 0;

  if (outbox == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->opening = FALSE;
  if (outbox == NULL)
    {
      g_autoptr(GError) sentence =
        g_error_new (VZ_OUTBOX_ERROR, error->domain == VZ_OUTBOX_ERROR ? error->code : VZ_OUTBOX_ERROR_IO,
                     _("Changes cannot be saved on this computer: %s"), error->message);

      set_last_error (self, sentence->message);
      run_deferred (self, sentence);
      return;
    }

  self->outbox = g_steal_pointer (&outbox);
  g_signal_connect_object (self->outbox, "mutation-added", G_CALLBACK (on_outbox_added), self, 0);
  g_signal_connect_object (self->outbox, "mutation-removed", G_CALLBACK (on_outbox_removed), self, 0);
  g_signal_connect_object (self->outbox, "mutation-state-changed", G_CALLBACK (on_outbox_state), self, 0);
  g_signal_connect_object (self->outbox, "journal-error", G_CALLBACK (on_journal_error), self, 0);

  self->sender = vz_outbox_sender_new (self->api, self->outbox, self->policy, self->breaker);
  vz_outbox_sender_set_if_match_supported (self->sender, self->if_match_supported);
  vz_outbox_sender_set_merge_func (self->sender, merge_display, self, NULL);
  g_signal_connect_object (self->sender, "committed", G_CALLBACK (on_sender_committed), self, 0);
  g_signal_connect_object (self->sender, "failed", G_CALLBACK (on_sender_failed), self, 0);
  g_signal_connect_object (self->sender, "conflict", G_CALLBACK (on_sender_conflict), self, 0);

  /* What was queued in an earlier run shows again (failed ones were rolled
   * back then and stay so). */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  touched = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);

      if (needs_user (vz_mutation_get_state (m)))
        failed++;
      if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_FAILED)
        g_hash_table_add (self->rolled_back, g_strdup (vz_mutation_get_id (m)));
      else
        show_mutation (self, m, TRUE);
      /* The outbox keeps the mutation (and its ids) alive. */
      collect_entities (touched, m);
    }
  refresh_collected (self, touched);
  set_count (self, &self->pending_count, n, PROP_PENDING_COUNT);
  set_count (self, &self->failed_count, failed, PROP_FAILED_COUNT);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX]);
  update_sender (self);
  run_deferred (self, NULL);
}

static void
open_outbox (VzSyncEngine *self)
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
  snapshot_ensure (self);
  self->opening = TRUE;
  vz_outbox_new_async (self->outbox_path, VZ_OUTBOX_OPEN_SALVAGE, G_PRIORITY_DEFAULT,
                       self->life, on_outbox_opened, g_object_ref (self));
}

static void
on_signed_in (VzSession    *session,
              GParamSpec   *pspec,
              VzSyncEngine *self)
{
  if (vz_session_get_signed_in (session) && self->started)
    open_outbox (self);
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
    open_outbox (self);
}

/* ------------------------------------------------------------------------ */
/* Queueing                                                                 */

/* The mutations a change op built, applied when the outbox takes them. */
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
  g_signal_emit (self, signals[CHANGE_QUEUED], 0, g_ptr_array_index (queued->mutations, 0), queued->label);
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
      const char * const *ids = vz_mutation_get_entity_ids (m);

      show_mutation (self, m, TRUE);
      track_enqueuing (self, m, TRUE);
      for (guint j = 0; ids != NULL && ids[j] != NULL; j++)
        {
          VzEntity *entity = vz_store_lookup (self->displays, ids[j]);

          if (entity != NULL)
            vz_entity_set_pending (entity, TRUE);
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

static void
queue_mutations (VzSyncEngine *self,
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
display_path (const char *display_id)
{
  g_autofree char *escaped = g_uri_escape_string (display_id, NULL, FALSE);

  return g_strdup_printf ("/displays/%s", escaped);
}

static char *
group_members_path (const char *group_id)
{
  g_autofree char *escaped = g_uri_escape_string (group_id, NULL, FALSE);

  return g_strdup_printf ("/display-groups/%s/displays", escaped);
}

static JsonNode *
string_node (const char *value)
{
  return value != NULL ? json_node_init_string (json_node_alloc (), value) : json_node_new (JSON_NODE_NULL);
}

/* ------------------------------------------------------------------------ */
/* Words                                                                    */

static const char *
field_label (const char *key)
{
  if (strcmp (key, "description") == 0)
    return _("description");
  if (strcmp (key, "location") == 0)
    return _("location");
  if (strcmp (key, "orientation") == 0)
    return _("orientation");
  if (strcmp (key, "timezone") == 0)
    return _("time zone");
  if (strcmp (key, "currentPlaylistId") == 0)
    return _("playlist");
  return _("name");
}

static char *
describe (VzSyncEngine *self,
          VzMutation   *m,
          gboolean      done)
{
  const char *op = vz_mutation_get_operation (m);
  const char * const *ids = vz_mutation_get_entity_ids (m);
  guint n = ids != NULL ? g_strv_length ((GStrv) ids) : 0;
  JsonObject *changes = vz_mutation_get_changes (m);
  JsonObject *previous = vz_mutation_get_previous (m);
  VzDisplay *display = n > 0 ? vz_store_lookup (self->displays, ids[0]) : NULL;
  const char *name;

  if (display == NULL && n > 0 && g_hash_table_lookup (self->removed, ids[0]) != NULL)
    display = VZ_DISPLAY (((Removed *) g_hash_table_lookup (self->removed, ids[0]))->entity);
  name = display != NULL ? vz_display_get_display_name (display) : _("a screen");

  if (g_str_equal (op, "update") && changes != NULL)
    {
      if (json_object_get_size (changes) == 1 && json_object_has_member (changes, "name"))
        {
          const char *old = string_of (previous, "name");
          const char *new = string_of (changes, "name");

          if (old == NULL && display != NULL)
            old = vz_display_get_device_identifier (display);
          return done ? g_strdup_printf (_("Renamed “%s” to “%s”"), old ? old : "", new ? new : "")
                      : g_strdup_printf (_("Rename “%s” to “%s”"), old ? old : "", new ? new : "");
        }
      if (json_object_get_size (changes) == 1)
        {
          g_autoptr(GList) keys = json_object_get_members (changes);

          return done ? g_strdup_printf (_("Changed the %s of “%s”"), field_label (keys->data), name)
                      : g_strdup_printf (_("Change the %s of “%s”"), field_label (keys->data), name);
        }
      return done ? g_strdup_printf (_("Changed “%s”"), name) : g_strdup_printf (_("Change “%s”"), name);
    }
  if (is_delete_op (m))
    {
      if (n == 1)
        return done ? g_strdup_printf (_("Deleted “%s”"), name) : g_strdup_printf (_("Delete “%s”"), name);
      return done ? g_strdup_printf (ngettext ("Deleted %u screen", "Deleted %u screens", n), n)
                  : g_strdup_printf (ngettext ("Delete %u screen", "Delete %u screens", n), n);
    }
  if (g_str_equal (op, "join-group") || g_str_equal (op, "leave-group"))
    {
      const char *group = group_name_of (self, string_of (changes, "groupId"));

      if (group == NULL)
        return done ? g_strdup_printf (_("Took “%s” out of its group"), name)
                    : g_strdup_printf (_("Take “%s” out of its group"), name);
      return done ? g_strdup_printf (_("Moved “%s” to “%s”"), name, group)
                  : g_strdup_printf (_("Move “%s” to “%s”"), name, group);
    }
  if (g_str_equal (op, "assign-group"))
    {
      const char *group = group_name_of (self, string_of (vz_mutation_get_body (m) != NULL &&
                                                          JSON_NODE_HOLDS_OBJECT (vz_mutation_get_body (m))
                                                          ? json_node_get_object (vz_mutation_get_body (m)) : NULL,
                                                          "displayGroupId"));

      return done ? g_strdup_printf (ngettext ("Added %u screen to “%s”", "Added %u screens to “%s”", n),
                                     n, group ? group : _("the group"))
                  : g_strdup_printf (ngettext ("Add %u screen to “%s”", "Add %u screens to “%s”", n),
                                     n, group ? group : _("the group"));
    }
  if (g_str_equal (op, "remove-from-group"))
    return done ? g_strdup_printf (ngettext ("Took %u screen out of the group", "Took %u screens out of the group", n), n)
                : g_strdup_printf (ngettext ("Take %u screen out of the group", "Take %u screens out of the group", n), n);
  return g_strdup (_("A change"));
}

static char *
describe_all (VzSyncEngine *self,
              GPtrArray    *mutations)
{
  guint n = 0;

  /* A bulk action split into requests still reads as one. */
  if (mutations->len > 1 && is_delete_op (g_ptr_array_index (mutations, 0)))
    {
      for (guint i = 0; i < mutations->len; i++)
        n += g_strv_length ((GStrv) vz_mutation_get_entity_ids (g_ptr_array_index (mutations, i)));
      return g_strdup_printf (ngettext ("Deleted %u screen", "Deleted %u screens", n), n);
    }
  return describe (self, g_ptr_array_index (mutations, mutations->len - 1), TRUE);
}

/* ------------------------------------------------------------------------ */
/* update_display                                                           */

static const char *
current_value (VzDisplay  *display,
               const char *key,
               gboolean   *known)
{
  *known = TRUE;
  if (strcmp (key, "name") == 0)
    return vz_display_get_nickname (display);
  if (strcmp (key, "description") == 0)
    return vz_display_get_description (display);
  if (strcmp (key, "location") == 0)
    return vz_display_get_location (display);
  if (strcmp (key, "orientation") == 0)
    return vz_display_get_orientation (display);
  if (strcmp (key, "timezone") == 0)
    return vz_display_get_timezone (display);
  if (strcmp (key, "currentPlaylistId") == 0)
    return vz_display_get_current_playlist_id (display);
  *known = FALSE;
  return NULL;
}

static gboolean
can_write (VzSyncEngine *self,
           GTask        *task)
{
  if (vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT &&
      !vz_session_can_write (self->session))
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN,
                                               _("Your role (viewer) may only look, not change anything.")));
      return FALSE;
    }
  return TRUE;
}

void
vz_sync_engine_update_display_async (VzSyncEngine        *self,
                                     const char          *display_id,
                                     JsonObject          *changes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  VzDisplay *display;
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  g_autoptr(JsonNode) body = NULL;
  VzMutation *m;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);
  g_return_if_fail (changes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_update_display_async);
  if (!can_write (self, task))
    return;

  display = lookup_display_for (self, task, display_id);
  if (display == NULL)
    return;

  /* Only what really differs goes out: an unchanged field sent along could
   * overwrite a colleague's change to it. */
  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (changes, key);
      const char *wanted;
      gboolean known;
      const char *current = current_value (display, key, &known);

      if (!known)
        {
          return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                           _("“%s” cannot be changed on a screen."), key));
          return;
        }
      if (JSON_NODE_HOLDS_NULL (value))
        wanted = NULL;
      else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        wanted = json_node_get_string (value);
      else
        {
          return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                           _("The new value for “%s” must be text."), key));
          return;
        }
      if (g_strcmp0 (wanted, current) != 0)
        {
          json_object_set_member (patch, key, json_node_copy (value));
          json_object_set_member (previous, key, string_node (current));
        }
    }

  if (json_object_get_size (patch) == 0)
    {
      return_done (task);
      return;
    }

  path = display_path (display_id);
  body = json_node_init_object (json_node_alloc (), patch);
  m = vz_mutation_new ("display", display_id, "update", "PATCH", path, body,
                       vz_entity_get_updated_at (VZ_ENTITY (display)), patch, previous);
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (mutations, m);
  label = describe (self, m, TRUE);
  queue_mutations (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_update_display_finish (VzSyncEngine  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* set_display_group                                                        */

static VzMutation *
membership_mutation (const char *display_id,
                     const char *operation,
                     const char *method,
                     const char *group_id,
                     const char *new_group,
                     const char *old_group)
{
  const char *ids[] = { display_id, NULL };
  g_autoptr(JsonNode) body = ids_body (ids, 1, NULL, NULL);
  g_autofree char *path = group_members_path (group_id);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();

  json_object_set_member (changes, "groupId", string_node (new_group));
  json_object_set_member (previous, "groupId", string_node (old_group));
  return vz_mutation_new ("display", display_id, operation, method, path, body, NULL, changes, previous);
}

static GPtrArray *
group_move (const char *display_id,
            const char *old_group,
            const char *new_group)
{
  GPtrArray *mutations = g_ptr_array_new_with_free_func (g_object_unref);

  /* First leave the old group, then join the new one. */
  if (old_group != NULL)
    g_ptr_array_add (mutations, membership_mutation (display_id, "leave-group", "DELETE", old_group,
                                                     new_group, old_group));
  if (new_group != NULL)
    g_ptr_array_add (mutations, membership_mutation (display_id, "join-group", "POST", new_group,
                                                     new_group, old_group));
  return mutations;
}

void
vz_sync_engine_set_display_group_async (VzSyncEngine        *self,
                                        const char          *display_id,
                                        const char          *group_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  VzDisplay *display;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_set_display_group_async);
  if (!can_write (self, task))
    return;

  display = lookup_display_for (self, task, display_id);
  if (display == NULL)
    return;
  if (group_id != NULL && !group_exists_for (self, task, group_id))
    return;
  if (g_strcmp0 (vz_display_get_group_id (display), group_id) == 0)
    {
      return_done (task);
      return;
    }

  mutations = group_move (display_id, vz_display_get_group_id (display), group_id);
  label = describe (self, g_ptr_array_index (mutations, mutations->len - 1), TRUE);
  queue_mutations (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_set_display_group_finish (VzSyncEngine  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Bulk actions: requests of at most 100 ids, one outbox batch              */

static gboolean
check_ids (VzSyncEngine        *self,
           GTask               *task,
           const char * const  *ids)
{
  if (ids == NULL || ids[0] == NULL)
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                               _("No screens were selected.")));
      return FALSE;
    }
  return can_write (self, task);
}

void
vz_sync_engine_delete_displays_async (VzSyncEngine        *self,
                                      const char * const  *display_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autoptr(GPtrArray) known = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_delete_displays_async);
  if (!check_ids (self, task, display_ids))
    return;

  /* Screens already gone (here or on the way out) are not deleted twice. */
  known = g_ptr_array_new ();
  for (guint i = 0; display_ids[i] != NULL; i++)
    if (vz_store_lookup (self->displays, display_ids[i]) != NULL)
      g_ptr_array_add (known, (gpointer) display_ids[i]);
  if (known->len == 0)
    {
      return_done (task);
      return;
    }

  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint done = 0; done < known->len; done += BULK_CHUNK)
    {
      guint n = MIN (BULK_CHUNK, known->len - done);
      g_autoptr(JsonNode) body = ids_body ((const char * const *) known->pdata + done, n, NULL, NULL);
      g_auto(GStrv) chunk = g_new0 (char *, n + 1);
      VzMutation *m;

      for (guint i = 0; i < n; i++)
        chunk[i] = g_strdup (g_ptr_array_index (known, done + i));
      m = g_object_new (VZ_TYPE_MUTATION,
                        "entity-kind", "display",
                        "entity-ids", chunk,
                        "operation", "bulk-delete",
                        "method", "POST",
                        "path", "/displays/bulk/delete",
                        "body", body,
                        NULL);
      g_ptr_array_add (mutations, m);
    }
  label = describe_all (self, mutations);
  if (mutations->len == 1)
    {
      g_free (label);
      label = describe (self, g_ptr_array_index (mutations, 0), TRUE);
    }
  queue_mutations (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_delete_displays_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Bulk add-to-group, or its inverse (remove those that were not members). */
static VzMutation *
bulk_group_mutation (const char * const *ids,
                     guint               n,
                     const char         *group_id,
                     gboolean            add,
                     JsonObject         *changes,
                     JsonObject         *previous)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) chunk = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    chunk[i] = g_strdup (ids[i]);
  if (add)
    {
      body = ids_body (ids, n, "displayGroupId", group_id);
      path = g_strdup ("/displays/bulk/assign-group");
    }
  else
    {
      body = ids_body (ids, n, NULL, NULL);
      path = group_members_path (group_id);
    }
  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", "display",
                       "entity-ids", chunk,
                       "operation", add ? "assign-group" : "remove-from-group",
                       "method", add ? "POST" : "DELETE",
                       "path", path,
                       "body", body,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}

void
vz_sync_engine_add_displays_to_group_async (VzSyncEngine        *self,
                                            const char * const  *display_ids,
                                            const char          *group_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;
  g_autoptr(GPtrArray) mutations = NULL;
  g_autofree char *label = NULL;
  guint n_ids;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (group_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_add_displays_to_group_async);
  if (!check_ids (self, task, display_ids))
    return;
  if (!group_exists_for (self, task, group_id))
    return;

  n_ids = g_strv_length ((GStrv) display_ids);
  mutations = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint done = 0; done < n_ids; done += BULK_CHUNK)
    {
      guint n = MIN (BULK_CHUNK, n_ids - done);
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonObject) previous = json_object_new ();
      JsonObject *new_groups = json_object_new ();
      JsonObject *old_groups = json_object_new ();

      /* A screen shows its first group: one without a group shows this one. */
      for (guint i = done; i < done + n; i++)
        {
          VzDisplay *display = vz_store_lookup (self->displays, display_ids[i]);
          const char *old = display != NULL ? vz_display_get_group_id (display) : NULL;

          json_object_set_member (old_groups, display_ids[i], string_node (old));
          json_object_set_member (new_groups, display_ids[i], string_node (old != NULL ? old : group_id));
        }
      json_object_set_object_member (changes, "groups", new_groups);
      json_object_set_object_member (previous, "groups", old_groups);
      g_ptr_array_add (mutations, bulk_group_mutation (display_ids + done, n, group_id, TRUE, changes, previous));
    }
  label = describe (self, g_ptr_array_index (mutations, 0), TRUE);
  if (mutations->len > 1)
    {
      g_free (label);
      label = g_strdup_printf (ngettext ("Added %u screen to “%s”", "Added %u screens to “%s”", n_ids),
                               n_ids, group_name_of (self, group_id));
    }
  queue_mutations (self, task, mutations, label, TRUE);
}

gboolean
vz_sync_engine_add_displays_to_group_finish (VzSyncEngine  *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Undo                                                                     */

/* Builds the changes that revert committed @mutations and queues them. */
static gboolean
build_inverse (VzSyncEngine  *self,
               GPtrArray     *mutations,
               GPtrArray     *out,
               GError       **error)
{
  for (guint i = mutations->len; i > 0; i--)
    {
      VzMutation *m = g_ptr_array_index (mutations, i - 1);
      const char *op = vz_mutation_get_operation (m);

      if (is_delete_op (m))
        {
          g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                               _("A deleted screen cannot come back: pair it again to use it."));
          return FALSE;
        }
      if (g_str_equal (op, "update"))
        {
          VzEntity *display = vz_store_lookup (self->displays, vz_mutation_get_entity_id (m));
          VzMutation *inverse;

          if (display == NULL)
            {
              g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                   _("This screen no longer exists."));
              return FALSE;
            }
          inverse = vz_mutation_new_inverse (m, vz_entity_get_updated_at (display), error);
          if (inverse == NULL)
            return FALSE;
          g_ptr_array_add (out, inverse);
        }
      else if (g_str_equal (op, "join-group"))
        {
          /* The move is undone by the opposite move, once (the pair shares it). */
          const char *id = vz_mutation_get_entity_id (m);
          g_autoptr(GPtrArray) back = group_move (id, string_of (vz_mutation_get_changes (m), "groupId"),
                                                  string_of (vz_mutation_get_previous (m), "groupId"));

          for (guint j = 0; j < back->len; j++)
            g_ptr_array_add (out, g_object_ref (g_ptr_array_index (back, j)));
        }
      else if (g_str_equal (op, "leave-group"))
        {
          /* A pure leave (no join in the same action) moves back in. */
          gboolean paired = FALSE;

          for (guint j = 0; j < mutations->len; j++)
            if (g_str_equal (vz_mutation_get_operation (g_ptr_array_index (mutations, j)), "join-group"))
              paired = TRUE;
          if (!paired)
            {
              g_autoptr(GPtrArray) back = group_move (vz_mutation_get_entity_id (m), NULL,
                                                      string_of (vz_mutation_get_previous (m), "groupId"));

              for (guint j = 0; j < back->len; j++)
                g_ptr_array_add (out, g_object_ref (g_ptr_array_index (back, j)));
            }
        }
      else if (g_str_equal (op, "assign-group"))
        {
          JsonNode *body = vz_mutation_get_body (m);
          const char *group_id = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                                 ? member_string (json_node_get_object (body), "displayGroupId") : NULL;
          JsonObject *old_groups = object_member (vz_mutation_get_previous (m), "groups");
          JsonObject *new_groups = object_member (vz_mutation_get_changes (m), "groups");
          const char * const *ids = vz_mutation_get_entity_ids (m);
          g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

          /* Only screens that were not in the group before leave it. */
          for (guint j = 0; ids != NULL && ids[j] != NULL; j++)
            if (string_of (old_groups, ids[j]) == NULL)
              g_ptr_array_add (fresh, (gpointer) ids[j]);
          if (group_id == NULL || fresh->len == 0)
            continue;
          /* Shown forward, the inverse puts the old groups back. */
          g_ptr_array_add (out, bulk_group_mutation ((const char * const *) fresh->pdata, fresh->len, group_id,
                                                     FALSE,
                                                     old_groups != NULL ? vz_mutation_get_previous (m) : NULL,
                                                     new_groups != NULL ? vz_mutation_get_changes (m) : NULL));
        }
    }
  return TRUE;
}

static gboolean
queue_inverse (VzSyncEngine *self,
               GPtrArray    *mutations,
               GTask        *task)
{
  g_autoptr(GPtrArray) inverse = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  GTask *queue_task;

  if (!build_inverse (self, mutations, inverse, &error))
    {
      if (task != NULL)
        return_error (task, g_steal_pointer (&error));
      else
        g_signal_emit (self, signals[CHANGE_FAILED], 0, g_ptr_array_index (mutations, 0), error);
      return FALSE;
    }
  if (inverse->len == 0)
    {
      if (task != NULL)
        return_done (task);
      return TRUE;
    }
  label = describe_all (self, inverse);
  queue_task = task != NULL ? task : g_task_new (self, NULL, NULL, NULL);
  queue_mutations (self, queue_task, inverse, label, FALSE);
  return TRUE;
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

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_undo_async);

  mutations = vz_undo_stack_pop (self->undo, NULL);
  if (mutations == NULL)
    {
      return_error (task, g_error_new_literal (VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                                               _("There is nothing to undo.")));
      return;
    }

  /* Newest first: a pending change is taken back before what it built on. */
  committed = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = mutations->len; i > 0; i--)
    {
      VzMutation *m = g_ptr_array_index (mutations, i - 1);
      const char *id = vz_mutation_get_id (m);

      if (self->outbox != NULL && vz_outbox_lookup (self->outbox, id) == m)
        {
          if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING)
            /* Already on its way: once it lands, its inverse follows. */
            g_hash_table_add (self->undo_after_commit, g_strdup (id));
          else
            vz_outbox_discard (self->outbox, id, NULL);
        }
      else if (!g_hash_table_contains (self->rolled_back, id))
        g_ptr_array_insert (committed, 0, g_object_ref (m));
    }

  if (committed->len == 0)
    {
      return_done (task);
      return;
    }
  queue_inverse (self, committed, task);
}

gboolean
vz_sync_engine_undo_finish (VzSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
      vz_outbox_sender_rebase (self->sender, m, member_string (theirs, "updatedAt"));
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

      if (!vz_outbox_discard (self->outbox, mutation_id, error))
        return FALSE;
      /* The rollback showed the values from before; the server's are newer
       * (with whatever else is still queued here on top). */
      if (current != NULL)
        upsert_display (self, current);
      return TRUE;
    }
}

/* ------------------------------------------------------------------------ */
/* Groups after a membership change                                         */

static void
reapply_group_changes (VzSyncEngine *self)
{
  guint n;

  if (self->outbox == NULL ||
      (vz_outbox_get_count (self->outbox) == 0 && self->enqueuing->len == 0))
    return;
  /* The queue is walked once; it holds only what is not yet on the server. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);

      if (is_group_op (m) && vz_mutation_get_state (m) != VZ_MUTATION_STATE_FAILED)
        show_mutation (self, m, TRUE);
    }
  for (guint i = 0; i < self->enqueuing->len; i++)
    if (is_group_op (g_ptr_array_index (self->enqueuing, i)))
      show_mutation (self, g_ptr_array_index (self->enqueuing, i), TRUE);
}

static void
on_groups_only (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  groups = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  /* A list asked for later is newer than this one: let it speak. */
  if (GPOINTER_TO_UINT (g_task_get_task_data (task)) != self->groups_generation)
    return;
  if (groups == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Re-reading the groups failed: %s", error->message);
      return;
    }
  {
    g_autoptr(GError) decode_error = NULL;

    if (!vz_store_replace_all (self->groups, groups, &decode_error))
      g_debug ("Some groups could not be read: %s", decode_error->message);
  }
  apply_membership (self);
  reapply_group_changes (self);
}

/* Member lists and counts are the server's to compute: read them again. */
static void
reload_groups_only (VzSyncEngine *self)
{
  GTask *task = g_task_new (self, self->cancellable, NULL, NULL);

  g_task_set_source_tag (task, reload_groups_only);
  g_task_set_task_data (task, GUINT_TO_POINTER (++self->groups_generation), NULL);
  vz_api_client_list_all_async (self->api, "/display-groups", self->cancellable,
                                on_groups_only, task);
}

/* ------------------------------------------------------------------------ */
/* Words and counts for the UI                                              */

char *
vz_sync_engine_describe_change (VzSyncEngine *self,
                                VzMutation   *mutation)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (VZ_IS_MUTATION (mutation), NULL);

  return describe (self, mutation, FALSE);
}

/* create_group */

static void
on_group_created (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *obj;
  VzDisplayGroup *group = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if ((obj = payload_object (payload)) != NULL)
    group = vz_store_upsert_json (self->groups, obj, &error);
  if (group == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                             _("The server created the group but did not send it back."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (group), g_object_unref);
}

void
vz_sync_engine_create_group_async (VzSyncEngine        *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *trimmed = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_create_group_async);

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0')
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                               _("A group needs a name.")));
      return;
    }
  json_object_set_string_member (obj, "name", trimmed);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/display-groups", body, cancellable, on_group_created, task);
}

VzDisplayGroup *
vz_sync_engine_create_group_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* pair_display */

static void
on_paired_display_read (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  VzDisplay *display = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *obj;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  /* The pairing is done either way; the full record only adds detail. */
  if (payload != NULL && (obj = payload_object (payload)) != NULL)
    {
      VzDisplay *full = vz_store_upsert_json (self->displays, obj, &error);

      if (full != NULL)
        display = full;
    }
  if (error != NULL)
    g_debug ("Reading the new screen failed: %s", error->message);
  g_task_return_pointer (task, g_object_ref (display), g_object_unref);
}

static void
on_paired (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  JsonObject *obj, *display_obj = NULL;
  JsonNode *node;
  VzDisplay *display = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* {success, display{…}} (the documented exception), or enveloped data. */
  if ((obj = payload_object (payload)) != NULL)
    {
      node = json_object_get_member (obj, "display");
      display_obj = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : obj;
      display = vz_store_upsert_json (self->displays, display_obj, &error);
    }
  if (display == NULL)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The screen was paired, but the server did not describe it. "
                                 "It will appear after the next refresh."));
      start_read (self);
      return;
    }

  g_task_set_task_data (task, g_object_ref (display), g_object_unref);
  escaped = g_uri_escape_string (vz_entity_get_id (VZ_ENTITY (display)), NULL, FALSE);
  path = g_strdup_printf ("/displays/%s", escaped);
  vz_api_client_request_async (self->api, "GET", path, NULL, g_task_get_cancellable (task),
                               on_paired_display_read, g_object_ref (task));
}

void
vz_sync_engine_pair_display_async (VzSyncEngine        *self,
                                   const char          *code,
                                   const char          *nickname,
                                   const char          *location,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *normalized = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_pair_display_async);

  /* People type codes in lower case and with spaces; the server wants six
   * upper-case characters. */
  normalized = g_ascii_strup (code, -1);
  g_strstrip (normalized);
  json_object_set_string_member (obj, "code", normalized);
  if (nickname != NULL && *nickname != '\0')
    json_object_set_string_member (obj, "nickname", nickname);
  if (location != NULL && *location != '\0')
    json_object_set_string_member (obj, "location", location);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/devices/pairing/complete", body, cancellable,
                               on_paired, task);
}

VzDisplay *
vz_sync_engine_pair_display_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* send_command, request_screenshot: fire and report. */

static void
on_simple_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
vz_sync_engine_send_command_async (VzSyncEngine        *self,
                                   const char          *display_id,
                                   const char          *command,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  JsonObject *target;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);
  g_return_if_fail (command != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_send_command_async);

  if (strcmp (command, "reload") != 0 && strcmp (command, "restart") != 0 && strcmp (command, "reboot") != 0)
    {
      return_error (task, g_error_new (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                       _("“%s” is not a command a screen understands."), command));
      return;
    }

  target = json_object_new ();
  json_object_set_string_member (target, "type", "device");
  json_object_set_string_member (target, "id", display_id);
  json_object_set_string_member (obj, "command", command);
  json_object_set_object_member (obj, "target", target);
  body = json_node_init_object (json_node_alloc (), obj);
  vz_api_client_request_async (self->api, "POST", "/fleet/commands", body, cancellable, on_simple_done, task);
}

gboolean
vz_sync_engine_send_command_finish (VzSyncEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_request_screenshot_async (VzSyncEngine        *self,
                                         const char          *display_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_request_screenshot_async);
  escaped = g_uri_escape_string (display_id, NULL, FALSE);
  path = g_strdup_printf ("/displays/%s/screenshot", escaped);
  vz_api_client_request_async (self->api, "POST", path, NULL, cancellable, on_simple_done, task);
}

gboolean
vz_sync_engine_request_screenshot_finish (VzSyncEngine  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Reads and the breaker                                                    */

static GPtrArray *
overlay_list (VzSyncEngine *self,
              GPtrArray    *objects)
{
  GPtrArray *out;

  if (g_hash_table_size (self->removed) == 0 && g_hash_table_size (self->fresh) == 0 &&
      g_hash_table_size (self->gone) == 0 &&
      self->enqueuing->len == 0 &&
      (self->outbox == NULL || vz_outbox_get_count (self->outbox) == 0))
    return g_ptr_array_ref (objects);

  /* Only screens with queued changes are copied: O(pending), plus the walk
   * replace_all() makes anyway. */
  out = g_ptr_array_new_full (objects->len, (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (objects, i);
      const char *id = member_string (obj, "id");
      JsonObject *newer = id != NULL ? g_hash_table_lookup (self->fresh, id) : NULL;

      if (id != NULL && (g_hash_table_contains (self->removed, id) || g_hash_table_contains (self->gone, id)))
        continue;
      /* Our own commit landed after the server wrote this list: the
       * answer we got is the later version (ISO-8601 UTC sorts as text). */
      if (newer != NULL && g_strcmp0 (member_string (newer, "updatedAt"), member_string (obj, "updatedAt")) > 0)
        obj = newer;
      if (id != NULL && has_pending (self, id))
        g_ptr_array_add (out, overlay_pending (self, obj, id));
      else
        g_ptr_array_add (out, json_object_ref (obj));
    }
  return out;
}

/* After a full read: queued deletes from an earlier run take their screens
 * away again, group changes show again, every touched screen is flagged. */
static void
show_pending_on_read (VzSyncEngine *self)
{
  g_autoptr(GHashTable) touched = NULL;
  guint n;

  if (self->outbox == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->outbox));
  touched = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (self->outbox), i);

      if (vz_mutation_get_state (m) != VZ_MUTATION_STATE_FAILED &&
          (is_delete_op (m) || is_group_op (m)))
        show_mutation (self, m, TRUE);
      collect_entities (touched, m);
    }
  refresh_collected (self, touched);
  for (guint i = 0; i < self->enqueuing->len; i++)
    {
      VzMutation *m = g_ptr_array_index (self->enqueuing, i);

      if (is_delete_op (m) || is_group_op (m))
        show_mutation (self, m, TRUE);
    }
}

static gboolean
is_unwell (const GError *error)
{
  if (error->domain == VZ_API_ERROR)
    return error->code == VZ_API_ERROR_NETWORK || error->code == VZ_API_ERROR_TIMEOUT ||
           error->code == VZ_API_ERROR_SERVER || error->code == VZ_API_ERROR_RATE_LIMITED ||
           error->code == VZ_API_ERROR_INVALID_RESPONSE;
  return (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED) ||
         error->domain == G_RESOLVER_ERROR;
}

static gboolean
breaker_allows (VzSyncEngine *self)
{
  if (vz_circuit_breaker_allow (self->breaker, NULL))
    return TRUE;

  if (self->retry_id == 0 && self->started)
    {
      gint64 wait_ms = 1000;

      /* Open: when the probe may go. Half-open: someone else's probe is
       * out; look again shortly. */
      if (vz_circuit_breaker_get_state (self->breaker) == VZ_CIRCUIT_STATE_OPEN)
        wait_ms = CLAMP ((vz_circuit_breaker_get_retry_at (self->breaker) - g_get_monotonic_time ()) / 1000,
                         1000, (gint64) (vz_circuit_breaker_get_cooldown (self->breaker) * 1000));
      self->retry_id = g_timeout_add ((guint) wait_ms, on_retry_read, self);
    }
  return FALSE;
}

static void
breaker_outcome (VzSyncEngine *self,
                 const GError *error)
{
  if (error == NULL)
    vz_circuit_breaker_record_success (self->breaker);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (is_unwell (error))
    vz_circuit_breaker_record_failure (self->breaker);
  else
    vz_circuit_breaker_record_success (self->breaker);
}

static void
refresh_availability (VzSyncEngine *self)
{
  g_autofree char *sentence = vz_circuit_breaker_describe (self->breaker);

  if (g_strcmp0 (sentence, self->availability) == 0)
    return;
  g_free (self->availability);
  self->availability = g_steal_pointer (&sentence);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABILITY]);
}

/* "… try again in 40 seconds" counts down while the breaker is open. */
static gboolean
on_availability_tick (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  refresh_availability (self);
  return G_SOURCE_CONTINUE;
}

static void
on_breaker_state (VzCircuitBreaker *breaker,
                  GParamSpec       *pspec,
                  VzSyncEngine     *self)
{
  refresh_availability (self);
  if (vz_circuit_breaker_get_state (breaker) == VZ_CIRCUIT_STATE_OPEN)
    {
      if (self->breaker_timer == 0 && !g_cancellable_is_cancelled (self->life))
        self->breaker_timer = g_timeout_add_seconds (1, on_availability_tick, self);
    }
  else
    g_clear_handle_id (&self->breaker_timer, g_source_remove);
  if (vz_circuit_breaker_get_state (breaker) == VZ_CIRCUIT_STATE_CLOSED)
    {
      /* The server answers again: what waited goes now. */
      if (self->sender != NULL)
        vz_outbox_sender_kick (self->sender);
      if (self->started && (self->read_failed || !self->loaded) && !self->reading)
        start_read (self);
    }
  update_state (self);
}

static void
on_undo_notify (VzUndoStack  *undo,
                GParamSpec   *pspec,
                VzSyncEngine *self)
{
  if (g_str_equal (pspec->name, "can-undo"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  else if (g_str_equal (pspec->name, "undo-label"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
}

/* ------------------------------------------------------------------------ */
/* Optimistic layer: accessors                                              */

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_PATH]);
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

const char *
vz_sync_engine_get_availability (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->availability;
}

char *
vz_sync_engine_dup_status_label (VzSyncEngine *self)
{
  GString *label;
  guint waiting;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);

  label = g_string_new (vz_connection_state_to_label (self->state));
  waiting = self->pending_count - MIN (self->pending_count, self->failed_count);
  if (waiting > 0)
    {
      g_string_append (label, " · ");
      g_string_append_printf (label, ngettext ("%u pending", "%u pending", waiting), waiting);
    }
  if (self->failed_count > 0)
    {
      g_string_append (label, " · ");
      g_string_append_printf (label, ngettext ("%u failed", "%u failed", self->failed_count), self->failed_count);
    }
  return g_string_free (label, FALSE);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IF_MATCH_SUPPORTED]);
}

VzOutboxSender *
vz_sync_engine_get_sender (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), NULL);
  return self->sender;
}
