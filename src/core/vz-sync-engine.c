/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-backoff.h"
#include "vz-sync-engine.h"

/* Events held during a read beyond this are dropped for one more read: the
 * read is fresher than the events, and memory must stay bounded. */
#define MAX_HELD_EVENTS   50000
/* Statuses for screens we do not know yet (paired elsewhere a moment ago)
 * usually come in bursts: one re-read for the lot. */
#define UNKNOWN_REREAD_MS 500
#define BULK_CHUNK        100

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
  N_PROPS
};

enum {
  SCREENSHOT_READY,
  REALTIME_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_read (VzSyncEngine *self);

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

  if (!self->started || !network_available (self))
    state = VZ_CONNECTION_STATE_OFFLINE;
  else if (self->auth_failed || rt == VZ_REALTIME_STATE_AUTH_FAILED)
    state = VZ_CONNECTION_STATE_UNAVAILABLE;
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
      return;
    }

  /* Decoding problems in single records do not block the rest. */
  if (!vz_store_replace_all (self->groups, data->groups, &decode_error))
    {
      g_debug ("Some groups could not be read: %s", decode_error->message);
      g_clear_error (&decode_error);
    }
  if (!vz_store_replace_all (self->displays, data->displays, &decode_error))
    g_debug ("Some screens could not be read: %s", decode_error->message);
  apply_membership (self);

  self->read_failed = FALSE;
  vz_backoff_reset (self->read_backoff);
  set_last_error (self, NULL);
  set_boolean (self, &self->loaded, TRUE, PROP_LOADED);
  set_boolean (self, &self->loading, FALSE, PROP_LOADING);

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

static void
on_displays_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  ReadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->displays = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  if (data->displays == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending == 0)
    read_finished (self, data);
}

static void
on_groups_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  ReadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->groups = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  if (data->groups == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending == 0)
    read_finished (self, data);
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
  self->reading = TRUE;
  if (!self->loaded)
    set_boolean (self, &self->loading, TRUE, PROP_LOADING);

  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, start_read);
  data = g_new0 (ReadData, 1);
  data->pending = 2;
  data->generation = ++self->read_generation;
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  vz_api_client_list_all_async (self->api, "/displays", self->cancellable,
                                on_displays_read, g_object_ref (task));
  vz_api_client_list_all_async (self->api, "/display-groups", self->cancellable,
                                on_groups_read, task);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static gboolean
is_loopback_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

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
      self->network_matters = !is_loopback_url (vz_session_get_server_url (self->session)) ||
                              !is_loopback_url (vz_session_get_realtime_url (self->session));
      self->monitor = g_object_ref (g_network_monitor_get_default ());
    }
  self->network_was_up = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self, 0);
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

/* After a change of membership, the groups are read again: their member
 * lists and counts are the server's to compute. */
static void
on_groups_reloaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  groups = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  if (groups != NULL)
    {
      g_autoptr(GError) decode_error = NULL;

      if (!vz_store_replace_all (self->groups, groups, &decode_error))
        g_debug ("Some groups could not be read: %s", decode_error->message);
      apply_membership (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The change itself went through; only our copy is stale. */
      g_debug ("Re-reading the groups failed: %s", error->message);
      start_read (self);
    }
  g_task_return_boolean (task, TRUE);
}

static void
reload_groups (GTask *task)
{
  VzSyncEngine *self = g_task_get_source_object (task);

  vz_api_client_list_all_async (self->api, "/display-groups", g_task_get_cancellable (task),
                                on_groups_reloaded, task);
}

/* update_display */

static void
on_display_patched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *obj;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if ((obj = payload_object (payload)) == NULL || vz_store_upsert_json (self->displays, obj, &error) == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                             _("The server saved the change but did not send the screen back."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

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
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);
  g_return_if_fail (changes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_update_display_async);

  display = vz_store_lookup (self->displays, display_id);
  if (display == NULL)
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                               _("This screen no longer exists.")));
      return;
    }

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
        json_object_set_member (patch, key, json_node_copy (value));
    }

  if (json_object_get_size (patch) == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  escaped = g_uri_escape_string (display_id, NULL, FALSE);
  path = g_strdup_printf ("/displays/%s", escaped);
  body = json_node_init_object (json_node_alloc (), patch);
  vz_api_client_request_async (self->api, "PATCH", path, body, cancellable, on_display_patched, task);
}

gboolean
vz_sync_engine_update_display_finish (VzSyncEngine  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* set_display_group */

typedef struct {
  char *display_id;
  char *old_group_id;
  char *new_group_id;
} GroupMove;

static void
group_move_free (GroupMove *move)
{
  g_free (move->display_id);
  g_free (move->old_group_id);
  g_free (move->new_group_id);
  g_free (move);
}

static void group_move_step (GTask *task);

static void
on_group_move_step (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  group_move_step (g_steal_pointer (&task));
}

static void
group_move_step (GTask *task)
{
  VzSyncEngine *self = g_task_get_source_object (task);
  GroupMove *move = g_task_get_task_data (task);
  const char *ids[] = { move->display_id, NULL };
  g_autoptr(JsonNode) body = ids_body (ids, 1, NULL, NULL);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  /* First leave the old group, then join the new one, then re-read. */
  if (move->old_group_id != NULL)
    {
      escaped = g_uri_escape_string (move->old_group_id, NULL, FALSE);
      path = g_strdup_printf ("/display-groups/%s/displays", escaped);
      g_clear_pointer (&move->old_group_id, g_free);
      vz_api_client_request_async (self->api, "DELETE", path, body, g_task_get_cancellable (task),
                                   on_group_move_step, task);
    }
  else if (move->new_group_id != NULL)
    {
      escaped = g_uri_escape_string (move->new_group_id, NULL, FALSE);
      path = g_strdup_printf ("/display-groups/%s/displays", escaped);
      g_clear_pointer (&move->new_group_id, g_free);
      vz_api_client_request_async (self->api, "POST", path, body, g_task_get_cancellable (task),
                                   on_group_move_step, task);
    }
  else
    reload_groups (task);
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
  GroupMove *move;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (display_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sync_engine_set_display_group_async);

  display = vz_store_lookup (self->displays, display_id);
  if (display == NULL)
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                               _("This screen no longer exists.")));
      return;
    }
  if (group_id != NULL && vz_store_lookup (self->groups, group_id) == NULL)
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND,
                                               _("This group no longer exists.")));
      return;
    }
  if (g_strcmp0 (vz_display_get_group_id (display), group_id) == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  move = g_new0 (GroupMove, 1);
  move->display_id = g_strdup (display_id);
  move->old_group_id = g_strdup (vz_display_get_group_id (display));
  move->new_group_id = g_strdup (group_id);
  g_task_set_task_data (task, move, (GDestroyNotify) group_move_free);
  group_move_step (task);
}

gboolean
vz_sync_engine_set_display_group_finish (VzSyncEngine  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Bulk operations: chunks of at most 100 ids, one after the other. */

typedef struct {
  GStrv  ids;
  guint  n_ids;
  guint  done;        /* ids already sent and accepted */
  guint  chunk;       /* size of the chunk in flight */
  char  *path;
  char  *extra_member;
  char  *extra_value;
  gboolean remove_from_store;
} Bulk;

static void
bulk_free (Bulk *bulk)
{
  g_strfreev (bulk->ids);
  g_free (bulk->path);
  g_free (bulk->extra_member);
  g_free (bulk->extra_value);
  g_free (bulk);
}

static void bulk_next (GTask *task);

static void
on_bulk_chunk (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  Bulk *bulk = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      /* Earlier chunks went through: show that, and re-read the truth. */
      if (bulk->done > 0)
        reload_groups (g_object_ref (task));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (bulk->remove_from_store)
    for (guint i = bulk->done; i < bulk->done + bulk->chunk; i++)
      vz_store_remove (self->displays, bulk->ids[i]);
  bulk->done += bulk->chunk;
  bulk_next (g_steal_pointer (&task));
}

static void
bulk_next (GTask *task)
{
  VzSyncEngine *self = g_task_get_source_object (task);
  Bulk *bulk = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;

  if (bulk->done >= bulk->n_ids)
    {
      reload_groups (task);
      return;
    }

  bulk->chunk = MIN (BULK_CHUNK, bulk->n_ids - bulk->done);
  body = ids_body ((const char * const *) bulk->ids + bulk->done, bulk->chunk,
                   bulk->extra_member, bulk->extra_value);
  vz_api_client_request_async (self->api, "POST", bulk->path, body, g_task_get_cancellable (task),
                               on_bulk_chunk, task);
}

static void
bulk_start (VzSyncEngine        *self,
            gpointer             source_tag,
            const char * const  *ids,
            const char          *path,
            const char          *extra_member,
            const char          *extra_value,
            gboolean             remove_from_store,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Bulk *bulk;

  g_task_set_source_tag (task, source_tag);
  if (ids == NULL || ids[0] == NULL)
    {
      return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                                               _("No screens were selected.")));
      return;
    }

  bulk = g_new0 (Bulk, 1);
  bulk->ids = g_strdupv ((GStrv) ids);
  bulk->n_ids = g_strv_length (bulk->ids);
  bulk->path = g_strdup (path);
  bulk->extra_member = g_strdup (extra_member);
  bulk->extra_value = g_strdup (extra_value);
  bulk->remove_from_store = remove_from_store;
  g_task_set_task_data (task, bulk, (GDestroyNotify) bulk_free);
  bulk_next (task);
}

void
vz_sync_engine_delete_displays_async (VzSyncEngine        *self,
                                      const char * const  *display_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  bulk_start (self, vz_sync_engine_delete_displays_async, display_ids, "/displays/bulk/delete",
              NULL, NULL, TRUE, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_delete_displays_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sync_engine_add_displays_to_group_async (VzSyncEngine        *self,
                                            const char * const  *display_ids,
                                            const char          *group_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (group_id != NULL);

  bulk_start (self, vz_sync_engine_add_displays_to_group_async, display_ids, "/displays/bulk/assign-group",
              "displayGroupId", group_id, FALSE, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_add_displays_to_group_finish (VzSyncEngine  *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
