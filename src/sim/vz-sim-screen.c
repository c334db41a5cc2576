/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <string.h>

#include "vz-sim-screen-private.h"

void
_vz_sim_play_item_clear (PlayItem *item)
{
  g_clear_pointer (&item->content_id, g_free);
}

G_DEFINE_FINAL_TYPE (VzSimScreen, vz_sim_screen, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (VzSimScreenState, vz_sim_screen_state,
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_PAIRING, "pairing"),
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_AWAY, "away"),
  G_DEFINE_ENUM_VALUE (VZ_SIM_SCREEN_STOPPED, "stopped"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_DEVICE_IDENTIFIER,
  PROP_STATE,
  N_PROPS
};

enum {
  REPORT,
  CODE_READY,
  PAIRED,
  UNPAIRED,
  CODE_REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_realtime (VzSimScreen *self);
static void request_code (VzSimScreen *self);
static void forget_pairing (VzSimScreen *self, const char *why);

void
_vz_sim_screen_report (VzSimScreen *self,
                       const char  *format,
                       ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[REPORT], 0, line);
}

static void
set_state (VzSimScreen      *self,
           VzSimScreenState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

char *
_vz_sim_iso_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

const char *
_vz_sim_object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
_vz_sim_object_get_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
realtime_event_cb (VzRealtimeClient *client,
                   const char       *name,
                   JsonNode         *payload,
                   gint64            ack_id,
                   gpointer          user_data)
{
  VzSimScreen *self = user_data;
  JsonObject *object = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;

  if (strcmp (name, "command") == 0)
    {
      _vz_sim_screen_handle_command (self, object, ack_id);
      return;
    }
  if (strcmp (name, "screenshot:request") == 0)
    {
      const char *request_id = _vz_sim_object_get_string (object, "requestId");
      if (ack_id >= 0)
        vz_realtime_client_ack (self->realtime, ack_id, NULL);
      if (request_id != NULL)
        _vz_sim_screen_send_screenshot (self, request_id);
      return;
    }
  if (ack_id >= 0)
    vz_realtime_client_ack (self->realtime, ack_id, NULL);

  if (strcmp (name, "playlist:update") == 0)
    _vz_sim_screen_apply_playlist (self, object);
  else if (strcmp (name, "device:revoked") == 0)
    forget_pairing (self, "was removed from the fleet");
  else if (strcmp (name, "server:shutdown") == 0)
    _vz_sim_screen_report (self, "heard that the server is shutting down");
}

static void
realtime_connected_cb (VzRealtimeClient *client,
                       gpointer          user_data)
{
  VzSimScreen *self = user_data;

  set_state (self, VZ_SIM_SCREEN_ONLINE);
  _vz_sim_screen_report (self, "online");
  /* The first heartbeat goes out at once, the next ones from vz_sim_screen_tick(). */
  _vz_sim_screen_send_heartbeat (self);
}

static void
realtime_disconnected_cb (VzRealtimeClient *client,
                          GError           *reason,
                          gpointer          user_data)
{
  VzSimScreen *self = user_data;

  if (self->state != VZ_SIM_SCREEN_ONLINE)
    return;
  set_state (self, VZ_SIM_SCREEN_CONNECTING);
  _vz_sim_screen_report (self, "lost its connection (%s); reconnecting",
          reason != NULL ? reason->message : "closed");
}

static void
realtime_auth_failed_cb (VzRealtimeClient *client,
                         const char       *message,
                         gpointer          user_data)
{
  VzSimScreen *self = user_data;

  g_autofree char *why = g_strdup_printf ("the server refused its device token (%s)", message);

  forget_pairing (self, why);
}

/* Like a real screen whose token stopped working: back to showing a pairing code. */
static void
forget_pairing (VzSimScreen *self,
                const char  *why)
{
  if (self->state == VZ_SIM_SCREEN_STOPPED)
    return;
  _vz_sim_screen_report (self, "%s; it asks for a new pairing code", why);
  set_state (self, VZ_SIM_SCREEN_IDLE);
  if (self->realtime != NULL)
    vz_realtime_client_stop (self->realtime);
  g_clear_pointer (&self->device_token, g_free);
  g_clear_pointer (&self->display_id, g_free);
  g_signal_emit (self, signals[UNPAIRED], 0);
  request_code (self);
}

static void
connect_realtime (VzSimScreen *self)
{
  if (self->realtime == NULL)
    {
      self->realtime = g_object_new (VZ_TYPE_REALTIME_CLIENT, "url", self->server_url,
                                     "soup-session", self->realtime_session, NULL);
      g_signal_connect_object (self->realtime, "connected", G_CALLBACK (realtime_connected_cb), self, 0);
      g_signal_connect_object (self->realtime, "disconnected", G_CALLBACK (realtime_disconnected_cb), self, 0);
      g_signal_connect_object (self->realtime, "auth-failed", G_CALLBACK (realtime_auth_failed_cb), self, 0);
      g_signal_connect_object (self->realtime, "event", G_CALLBACK (realtime_event_cb), self, 0);
    }
  vz_realtime_client_set_token (self->realtime, self->device_token);
  set_state (self, VZ_SIM_SCREEN_CONNECTING);
  vz_realtime_client_start (self->realtime);
}

/* ---- pairing -------------------------------------------------------------- */

static void poll_status (VzSimScreen *self);

static gboolean
retry_request_cb (gpointer user_data)
{
  VzSimScreen *self = user_data;

  self->retry_id = 0;
  request_code (self);
  return G_SOURCE_REMOVE;
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  VzSimScreen *self = user_data;

  self->poll_id = 0;
  poll_status (self);
  return G_SOURCE_REMOVE;
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VzSimScreen) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  JsonObject *object;
  const char *status;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state != VZ_SIM_SCREEN_PAIRING)
    return;

  if (data == NULL)
    {
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND) ||
          g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST))
        {
          _vz_sim_screen_report (self, "its pairing code %s is no longer valid (%s); asking for a new one",
                  self->code, error->message);
          request_code (self);
          return;
        }
      g_debug ("%s: pairing status check failed: %s", self->name, error->message);
      self->poll_id = g_timeout_add_seconds (self->poll_interval, poll_timeout_cb, self);
      return;
    }

  object = JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  status = _vz_sim_object_get_string (object, "status");
  if (g_strcmp0 (status, "paired") == 0 && _vz_sim_object_get_string (object, "deviceToken") != NULL)
    {
      g_free (self->device_token);
      self->device_token = g_strdup (_vz_sim_object_get_string (object, "deviceToken"));
      g_free (self->display_id);
      self->display_id = g_strdup (_vz_sim_object_get_string (object, "deviceId"));
      _vz_sim_screen_report (self, "paired as display %s", self->display_id != NULL ? self->display_id : "(unknown id)");
      g_signal_emit (self, signals[PAIRED], 0);
      connect_realtime (self);
      return;
    }
  if (status != NULL && strcmp (status, "pending") != 0)
    {
      _vz_sim_screen_report (self, "its pairing code %s is %s; asking for a new one", self->code, status);
      request_code (self);
      return;
    }
  self->poll_id = g_timeout_add_seconds (self->poll_interval, poll_timeout_cb, self);
}

static void
poll_status (VzSimScreen *self)
{
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;

  if (self->code == NULL || self->state != VZ_SIM_SCREEN_PAIRING)
    return;
  escaped = g_uri_escape_string (self->code, NULL, FALSE);
  path = g_strdup_printf ("/devices/pairing/status/%s", escaped);
  vz_api_client_request_async (self->api, "GET", path, NULL, self->cancellable, status_cb, g_object_ref (self));
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzSimScreen) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  const char *code;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state == VZ_SIM_SCREEN_STOPPED)
    return;

  code = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? _vz_sim_object_get_string (json_node_get_object (data), "code") : NULL;
  if (code == NULL)
    {
      _vz_sim_screen_report (self, "could not get a pairing code (%s); trying again in %d s",
              error != NULL ? error->message : "the answer had no code", VZ_SIM_RETRY_S);
      self->retry_id = g_timeout_add_seconds (VZ_SIM_RETRY_S, retry_request_cb, self);
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST))
        g_signal_emit (self, signals[CODE_REFUSED], 0, error->message);
      return;
    }

  g_free (self->code);
  self->code = g_strdup (code);
  set_state (self, VZ_SIM_SCREEN_PAIRING);
  g_signal_emit (self, signals[CODE_READY], 0, self->code);
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add_seconds (self->poll_interval, poll_timeout_cb, self);
}

static void
request_code (VzSimScreen *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_state (self, VZ_SIM_SCREEN_IDLE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "deviceIdentifier");
  json_builder_add_string_value (b, self->device_identifier);
  json_builder_set_member_name (b, "nickname");
  json_builder_add_string_value (b, self->name);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  vz_api_client_request_async (self->api, "POST", "/devices/pairing/request", body, self->cancellable,
                               request_cb, g_object_ref (self));
}

/* ---- away and back -------------------------------------------------------- */

gboolean
_vz_sim_screen_come_back_cb (gpointer user_data)
{
  VzSimScreen *self = user_data;

  self->away_id = 0;
  self->booted_at = g_get_monotonic_time ();
  _vz_sim_screen_report (self, "is back");
  connect_realtime (self);
  return G_SOURCE_REMOVE;
}

/* ---- GObject -------------------------------------------------------------- */

static void
vz_sim_screen_dispose (GObject *object)
{
  VzSimScreen *self = VZ_SIM_SCREEN (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->away_id, g_source_remove);
  if (self->realtime != NULL)
    {
      vz_realtime_client_stop (self->realtime);
      g_clear_object (&self->realtime);
    }
  g_clear_object (&self->api);
  g_clear_object (&self->realtime_session);

  G_OBJECT_CLASS (vz_sim_screen_parent_class)->dispose (object);
}

static void
vz_sim_screen_finalize (GObject *object)
{
  VzSimScreen *self = VZ_SIM_SCREEN (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self->server_url);
  g_free (self->name);
  g_free (self->device_identifier);
  g_free (self->code);
  g_free (self->device_token);
  g_free (self->display_id);
  g_free (self->playlist_id);
  g_free (self->content_id);
  g_clear_pointer (&self->items, g_array_unref);

  G_OBJECT_CLASS (vz_sim_screen_parent_class)->finalize (object);
}

static void
vz_sim_screen_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VzSimScreen *self = VZ_SIM_SCREEN (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DEVICE_IDENTIFIER:
      g_value_set_string (value, self->device_identifier);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sim_screen_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VzSimScreen *self = VZ_SIM_SCREEN (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_DEVICE_IDENTIFIER:
      self->device_identifier = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sim_screen_class_init (VzSimScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_sim_screen_dispose;
  object_class->finalize = vz_sim_screen_finalize;
  object_class->get_property = vz_sim_screen_get_property;
  object_class->set_property = vz_sim_screen_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DEVICE_IDENTIFIER] =
    g_param_spec_string ("device-identifier", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VZ_TYPE_SIM_SCREEN_STATE, VZ_SIM_SCREEN_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REPORT] = g_signal_new ("report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CODE_READY] = g_signal_new ("code-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[PAIRED] = g_signal_new ("paired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[UNPAIRED] = g_signal_new ("unpaired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CODE_REFUSED] = g_signal_new ("code-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vz_sim_screen_init (VzSimScreen *self)
{
  self->cancellable = g_cancellable_new ();
  self->booted_at = g_get_monotonic_time ();
  self->poll_interval = VZ_SIM_PAIRING_POLL_S;
  self->heartbeat_interval = VZ_SIM_HEARTBEAT_INTERVAL_S;
  self->items = g_array_new (FALSE, FALSE, sizeof (PlayItem));
  g_array_set_clear_func (self->items, (GDestroyNotify) _vz_sim_play_item_clear);
}

/* ---- public API ----------------------------------------------------------- */

VzSimScreen *
vz_sim_screen_new (const char  *server_url,
                   VzApiClient *public_api,
                   GObject     *realtime_session,
                   const char  *name,
                   const char  *device_identifier,
                   guint32      seed)
{
  VzSimScreen *self;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (VZ_IS_API_CLIENT (public_api), NULL);
  g_return_val_if_fail (G_IS_OBJECT (realtime_session), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (device_identifier != NULL, NULL);

  self = g_object_new (VZ_TYPE_SIM_SCREEN,
                       "name", name,
                       "device-identifier", device_identifier,
                       NULL);
  self->server_url = g_strdup (server_url);
  self->api = g_object_ref (public_api);
  self->realtime_session = g_object_ref (realtime_session);
  self->seed = seed;
  self->rand = g_rand_new_with_seed (seed);

  /* Every screen starts from its own plausible point. */
  self->cpu = g_rand_double_range (self->rand, 8, 45);
  self->memory = g_rand_double_range (self->rand, 25, 70);
  self->disk = g_rand_double_range (self->rand, 15, 75);
  self->temperature = g_rand_double_range (self->rand, 38, 62);
  self->latency = g_rand_double_range (self->rand, 8, 90);
  return self;
}

const char *
vz_sim_screen_get_name (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), NULL);
  return self->name;
}

VzSimScreenState
vz_sim_screen_get_state (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), VZ_SIM_SCREEN_STOPPED);
  return self->state;
}

const char *
vz_sim_screen_get_code (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), NULL);
  return self->code;
}

const char *
vz_sim_screen_get_device_identifier (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), NULL);
  return self->device_identifier;
}

const char *
vz_sim_screen_get_device_token (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), NULL);
  return self->device_token;
}

const char *
vz_sim_screen_get_display_id (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), NULL);
  return self->display_id;
}

void
vz_sim_screen_resume (VzSimScreen *self,
                      const char  *device_token,
                      const char  *display_id)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));
  g_return_if_fail (device_token != NULL);
  g_return_if_fail (self->state == VZ_SIM_SCREEN_IDLE);

  g_free (self->device_token);
  self->device_token = g_strdup (device_token);
  g_free (self->display_id);
  self->display_id = g_strdup (display_id);
  connect_realtime (self);
}

void
vz_sim_screen_start_pairing (VzSimScreen *self)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));
  g_return_if_fail (self->state == VZ_SIM_SCREEN_IDLE);

  request_code (self);
}

void
vz_sim_screen_set_poll_interval (VzSimScreen *self,
                                 guint        seconds)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));
  g_return_if_fail (seconds > 0);

  self->poll_interval = seconds;
}

void
vz_sim_screen_poll_now (VzSimScreen *self)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));

  if (self->state != VZ_SIM_SCREEN_PAIRING)
    return;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  poll_status (self);
}

void
vz_sim_screen_go_away (VzSimScreen *self,
                       guint        seconds,
                       const char  *why)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));

  if (self->state != VZ_SIM_SCREEN_ONLINE && self->state != VZ_SIM_SCREEN_CONNECTING)
    return;

  set_state (self, VZ_SIM_SCREEN_AWAY);
  _vz_sim_screen_report (self, "%s, back in %u s", why, seconds);
  if (self->realtime != NULL)
    vz_realtime_client_stop (self->realtime);
  g_clear_handle_id (&self->away_id, g_source_remove);
  self->away_id = g_timeout_add_seconds (seconds, _vz_sim_screen_come_back_cb, self);
}

void
vz_sim_screen_stop (VzSimScreen *self)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));

  if (self->state == VZ_SIM_SCREEN_STOPPED)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->away_id, g_source_remove);
  /* The state first: stopping the link reports a disconnect we caused ourselves. */
  set_state (self, VZ_SIM_SCREEN_STOPPED);
  if (self->realtime != NULL)
    vz_realtime_client_stop (self->realtime);
}
