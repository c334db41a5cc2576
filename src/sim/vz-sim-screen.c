/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-realtime-client.h"
#include "vz-sim-render.h"
#include "vz-sim-screen.h"

#define HEARTBEAT_INTERVAL_S   15
/* What a server may ask for in nextHeartbeatIn, in seconds. */
#define HEARTBEAT_MIN_S        1
#define HEARTBEAT_MAX_S        300
#define ITEM_DEFAULT_S         10
#define PAIRING_POLL_S         2
#define RETRY_S                5
#define ACK_TIMEOUT_MS         10000
#define SCREENSHOT_WIDTH       640
#define SCREENSHOT_HEIGHT      360
#define SIM_APP_VERSION        "vizora-sim " PACKAGE_VERSION

struct _VzSimScreen {
  GObject            parent_instance;

  char              *server_url;
  VzApiClient       *api;            /* public endpoints only: pairing */
  GObject           *realtime_session;
  char              *name;
  char              *device_identifier;
  GRand             *rand;
  guint32            seed;
  VzSimScreenState   state;

  char              *code;
  char              *device_token;
  char              *display_id;
  VzRealtimeClient  *realtime;
  GCancellable      *cancellable;

  gint64             next_beat;      /* monotonic µs of the next heartbeat; 0 when not online */
  guint              poll_id;
  guint              poll_interval;  /* seconds between pairing-status checks */
  guint              retry_id;
  guint              away_id;
  gint64             booted_at;      /* monotonic µs: uptime counts from here */

  /* Drifting metrics, in the units of the heartbeat. */
  double             cpu;
  double             memory;
  double             disk;
  double             temperature;
  double             latency;
  guint              heartbeat_interval;  /* seconds, as the server last asked */
  VzSimFault         faults;

  /* The playlist being played: items, the one on screen, since when. */
  char              *playlist_id;
  char              *content_id;     /* the item on screen, NULL when none */
  GArray            *items;          /* PlayItem */
  guint              item_index;
  gint64             item_started;   /* monotonic µs */
  gboolean           loop;
};

typedef struct {
  char  *content_id;
  guint  duration;                   /* seconds */
} PlayItem;

static void
play_item_clear (PlayItem *item)
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
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_realtime (VzSimScreen *self);
static void request_code (VzSimScreen *self);
static void forget_pairing (VzSimScreen *self, const char *why);

static void
report (VzSimScreen *self,
        const char  *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
report (VzSimScreen *self,
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

static char *
iso_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static double
drift (GRand  *rand,
       double  value,
       double  step,
       double  low,
       double  high)
{
  value += g_rand_double_range (rand, -step, step);
  return CLAMP (value, low, high);
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_get_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* ---- heartbeat ------------------------------------------------------------ */

static JsonNode *
build_heartbeat (VzSimScreen *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  /* Healthy screens stay under every threshold of the server's health
   * rules; the faults push a reading over its threshold. */
  self->cpu = drift (self->rand, self->cpu, 6, 2, 85);
  self->memory = drift (self->rand, self->memory, 2, 10, 88);
  /* Disks fill slowly and are only cleared by a person. */
  {
    /* Drawn once: MIN() evaluates its arguments twice. */
    double grown = self->disk + g_rand_double_range (self->rand, 0, 0.05);

    self->disk = MIN (grown, 92);
  }
  self->temperature = drift (self->rand, self->temperature, 0.8, 30, 75);
  if (self->faults & VZ_SIM_FAULT_CPU_SPIKE)
    self->cpu = g_rand_double_range (self->rand, 93, 99);
  if (self->faults & VZ_SIM_FAULT_MEMORY_LEAK)
    self->memory = g_rand_double_range (self->rand, 92, 98);
  if (self->faults & VZ_SIM_FAULT_DISK_FULL)
    self->disk = g_rand_double_range (self->rand, 96.5, 99.5);
  if (self->faults & VZ_SIM_FAULT_OVERHEAT)
    self->temperature = g_rand_double_range (self->rand, 85, 92);
  self->latency = drift (self->rand, self->latency, 8, 3, 400);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cpuUsage");
  json_builder_add_double_value (b, round (self->cpu * 10) / 10);
  json_builder_set_member_name (b, "memoryUsage");
  json_builder_add_double_value (b, round (self->memory * 10) / 10);
  json_builder_set_member_name (b, "diskUsage");
  json_builder_add_double_value (b, round (self->disk * 10) / 10);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, round (self->temperature * 10) / 10);
  json_builder_set_member_name (b, "networkLatency");
  json_builder_add_int_value (b, (gint64) self->latency);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "currentContent");
  json_builder_begin_object (b);
  if (self->content_id != NULL)
    {
      json_builder_set_member_name (b, "contentId");
      json_builder_add_string_value (b, self->content_id);
    }
  if (self->playlist_id != NULL)
    {
      json_builder_set_member_name (b, "playlistId");
      json_builder_add_string_value (b, self->playlist_id);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "uptime");
  json_builder_add_int_value (b, (g_get_monotonic_time () - self->booted_at) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "appVersion");
  json_builder_add_string_value (b, SIM_APP_VERSION);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/* The ack's data.nextHeartbeatIn (ms) sets the pace of the next heartbeats. */
static void
follow_heartbeat_ack (VzSimScreen *self,
                      JsonNode    *ack)
{
  JsonArray *args = JSON_NODE_HOLDS_ARRAY (ack) ? json_node_get_array (ack) : NULL;
  JsonNode *first = args != NULL && json_array_get_length (args) > 0 ? json_array_get_element (args, 0) : NULL;
  JsonObject *data = first != NULL && JSON_NODE_HOLDS_OBJECT (first)
                     ? object_get_object (json_node_get_object (first), "data") : NULL;
  JsonNode *next = data != NULL ? json_object_get_member (data, "nextHeartbeatIn") : NULL;
  double ms;
  guint seconds;

  if (next == NULL || !JSON_NODE_HOLDS_VALUE (next) ||
      (json_node_get_value_type (next) != G_TYPE_INT64 && json_node_get_value_type (next) != G_TYPE_DOUBLE))
    return;
  ms = json_node_get_double (next);
  if (!isfinite (ms))
    return;
  seconds = (guint) CLAMP (round (ms / 1000), HEARTBEAT_MIN_S, HEARTBEAT_MAX_S);
  if (seconds == self->heartbeat_interval)
    return;
  self->heartbeat_interval = seconds;
  if (self->next_beat > 0)
    self->next_beat = MIN (self->next_beat, g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC);
}

static void
heartbeat_acked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VzSimScreen) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ack = vz_realtime_client_emit_with_ack_finish (VZ_REALTIME_CLIENT (source), result, &error);

  if (ack == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      self->state == VZ_SIM_SCREEN_ONLINE)
    report (self, "heartbeat not acknowledged: %s", error->message);
  if (ack != NULL)
    follow_heartbeat_ack (self, ack);
}

static void
send_heartbeat (VzSimScreen *self)
{
  g_autoptr(JsonNode) payload = NULL;

  if (self->realtime == NULL || self->state != VZ_SIM_SCREEN_ONLINE)
    return;

  self->next_beat = g_get_monotonic_time () + (gint64) self->heartbeat_interval * G_USEC_PER_SEC;
  payload = build_heartbeat (self);
  vz_realtime_client_emit_with_ack_async (self->realtime, "heartbeat", payload, ACK_TIMEOUT_MS,
                                          self->cancellable, heartbeat_acked_cb, g_object_ref (self));
}

/* ---- commands ------------------------------------------------------------- */

static void
screenshot_acked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VzSimScreen) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ack = vz_realtime_client_emit_with_ack_finish (VZ_REALTIME_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ack == NULL)
    report (self, "screenshot not acknowledged: %s", error->message);
}

static void
send_screenshot (VzSimScreen *self,
                 const char  *request_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ts = iso_now ();
  g_autofree char *detail = g_strdup_printf ("Vizora simulated screen · %s", ts);
  g_autoptr(GBytes) png = NULL;
  g_autofree char *base64 = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) payload = NULL;
  gsize len;
  const guint8 *data;

  png = vz_sim_render_screenshot (self->name, detail, SCREENSHOT_WIDTH, SCREENSHOT_HEIGHT, self->seed, &error);
  if (png == NULL)
    {
      report (self, "could not take a screenshot: %s", error->message);
      return;
    }
  data = g_bytes_get_data (png, &len);
  base64 = g_base64_encode (data, len);

  /* The platform's device gateway takes bare base64 (no data: URL) in imageData. */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requestId");
  json_builder_add_string_value (b, request_id);
  json_builder_set_member_name (b, "imageData");
  json_builder_add_string_value (b, base64);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, SCREENSHOT_WIDTH);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, SCREENSHOT_HEIGHT);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, ts);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);

  vz_realtime_client_emit_with_ack_async (self->realtime, "screenshot:response", payload, ACK_TIMEOUT_MS,
                                          self->cancellable, screenshot_acked_cb, g_object_ref (self));
  report (self, "sent a screenshot (%" G_GSIZE_FORMAT " bytes)", len);
}


static void
handle_command (VzSimScreen *self,
                JsonObject  *command,
                gint64       ack_id)
{
  const char *type = object_get_string (command, "type");
  JsonObject *payload = object_get_object (command, "payload");
  gboolean known = TRUE;

  if (type == NULL)
    type = "(none)";

  if (ack_id >= 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) reply = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "success");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      reply = json_builder_get_root (b);
      vz_realtime_client_ack (self->realtime, ack_id, reply);
    }

  if (strcmp (type, "screenshot") == 0)
    {
      const char *request_id = object_get_string (payload, "requestId");

      if (request_id == NULL)
        request_id = object_get_string (command, "requestId");
      report (self, "screenshot requested");
      if (request_id != NULL)
        send_screenshot (self, request_id);
      else
        report (self, "the screenshot request carried no requestId; nothing sent");
      return;
    }

  if (strcmp (type, "reload") == 0)
    report (self, "reloading its content");
  else if (strcmp (type, "clear_cache") == 0)
    report (self, "clearing its cache");
  else if (strcmp (type, "push_content") == 0)
    report (self, "showing pushed content");
  else if (strcmp (type, "restart") != 0 && strcmp (type, "reboot") != 0)
    known = FALSE;

  if (!known)
    {
      report (self, "ignoring unknown command \"%s\"", type);
      return;
    }

  if (strcmp (type, "restart") == 0)
    vz_sim_screen_go_away (self, g_rand_int_range (self->rand, 3, 8), "restarting");
  else if (strcmp (type, "reboot") == 0)
    vz_sim_screen_go_away (self, g_rand_int_range (self->rand, 10, 20), "rebooting");
}

/* An item's seconds on screen: the server resolves them ("duration"); an
 * older server may leave them to the content's own, else 10. */
static guint
item_duration (JsonObject *item)
{
  JsonObject *sources[] = { item, object_get_object (item, "content") };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      JsonNode *node = sources[i] != NULL ? json_object_get_member (sources[i], "duration") : NULL;
      double seconds;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
        continue;
      seconds = json_node_get_double (node);
      if (isfinite (seconds) && seconds >= 1)
        return (guint) MIN (seconds, 86400);
    }
  return ITEM_DEFAULT_S;
}

static void
show_item (VzSimScreen *self,
           guint        index,
           gint64       now)
{
  PlayItem *item = &g_array_index (self->items, PlayItem, index);

  self->item_index = index;
  self->item_started = now;
  g_free (self->content_id);
  self->content_id = g_strdup (item->content_id);
}

/* A playlist:update: {playlist: {id, loopPlaylist, items[{contentId, duration, content}]} | null}.
 * Playing starts over from the first item. */
static void
apply_playlist (VzSimScreen *self,
                JsonObject  *message)
{
  JsonObject *playlist = object_get_object (message, "playlist");
  JsonNode *items = playlist != NULL ? json_object_get_member (playlist, "items") : NULL;
  JsonNode *loop = playlist != NULL ? json_object_get_member (playlist, "loopPlaylist") : NULL;
  const char *id = object_get_string (playlist, "id");

  g_clear_pointer (&self->playlist_id, g_free);
  g_clear_pointer (&self->content_id, g_free);
  g_array_set_size (self->items, 0);
  if (id == NULL)
    {
      report (self, "has no playlist now");
      return;
    }
  self->playlist_id = g_strdup (id);
  self->loop = loop == NULL || !JSON_NODE_HOLDS_VALUE (loop) || json_node_get_value_type (loop) != G_TYPE_BOOLEAN ||
               json_node_get_boolean (loop);
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
    {
      JsonArray *array = json_node_get_array (items);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *content_id = object_get_string (object, "contentId");
          PlayItem item;

          if (content_id == NULL)
            continue;
          item.content_id = g_strdup (content_id);
          item.duration = item_duration (object);
          g_array_append_val (self->items, item);
        }
    }
  if (self->items->len > 0)
    show_item (self, 0, g_get_monotonic_time ());
  report (self, "now plays playlist %s (%u items)", id, self->items->len);
}

/* The item on screen ran its time: say so (proof of play), show the next. */
static void
finish_item (VzSimScreen *self,
             gint64       now)
{
  PlayItem *item = &g_array_index (self->items, PlayItem, self->item_index);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *timestamp = iso_now ();
  guint next = self->item_index + 1;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "contentId");
  json_builder_add_string_value (b, item->content_id);
  json_builder_set_member_name (b, "playlistId");
  json_builder_add_string_value (b, self->playlist_id);
  json_builder_set_member_name (b, "duration");
  json_builder_add_int_value (b, item->duration);
  json_builder_set_member_name (b, "completionPercentage");
  json_builder_add_int_value (b, 100);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, timestamp);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  /* Fire and forget, as a player does: a lost impression is not retried. */
  vz_realtime_client_emit (self->realtime, "content:impression", payload);

  if (next < self->items->len)
    show_item (self, next, now);
  else if (self->loop)
    show_item (self, 0, now);
  else
    self->item_started = G_MAXINT64;   /* the last item stays on screen */
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
      handle_command (self, object, ack_id);
      return;
    }
  if (strcmp (name, "screenshot:request") == 0)
    {
      const char *request_id = object_get_string (object, "requestId");
      if (ack_id >= 0)
        vz_realtime_client_ack (self->realtime, ack_id, NULL);
      if (request_id != NULL)
        send_screenshot (self, request_id);
      return;
    }
  if (ack_id >= 0)
    vz_realtime_client_ack (self->realtime, ack_id, NULL);

  if (strcmp (name, "playlist:update") == 0)
    apply_playlist (self, object);
  else if (strcmp (name, "device:revoked") == 0)
    forget_pairing (self, "was removed from the fleet");
  else if (strcmp (name, "server:shutdown") == 0)
    report (self, "heard that the server is shutting down");
}

static void
realtime_connected_cb (VzRealtimeClient *client,
                       gpointer          user_data)
{
  VzSimScreen *self = user_data;

  set_state (self, VZ_SIM_SCREEN_ONLINE);
  report (self, "online");
  /* The first heartbeat goes out at once, the next ones from vz_sim_screen_tick(). */
  send_heartbeat (self);
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
  report (self, "lost its connection (%s); reconnecting",
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
  report (self, "%s; it asks for a new pairing code", why);
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
          report (self, "its pairing code %s is no longer valid (%s); asking for a new one",
                  self->code, error->message);
          request_code (self);
          return;
        }
      g_debug ("%s: pairing status check failed: %s", self->name, error->message);
      self->poll_id = g_timeout_add_seconds (self->poll_interval, poll_timeout_cb, self);
      return;
    }

  object = JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  status = object_get_string (object, "status");
  if (g_strcmp0 (status, "paired") == 0 && object_get_string (object, "deviceToken") != NULL)
    {
      g_free (self->device_token);
      self->device_token = g_strdup (object_get_string (object, "deviceToken"));
      g_free (self->display_id);
      self->display_id = g_strdup (object_get_string (object, "deviceId"));
      report (self, "paired as display %s", self->display_id != NULL ? self->display_id : "(unknown id)");
      g_signal_emit (self, signals[PAIRED], 0);
      connect_realtime (self);
      return;
    }
  if (status != NULL && strcmp (status, "pending") != 0)
    {
      report (self, "its pairing code %s is %s; asking for a new one", self->code, status);
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

  code = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? object_get_string (json_node_get_object (data), "code") : NULL;
  if (code == NULL)
    {
      report (self, "could not get a pairing code (%s); trying again in %d s",
              error != NULL ? error->message : "the answer had no code", RETRY_S);
      self->retry_id = g_timeout_add_seconds (RETRY_S, retry_request_cb, self);
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

static gboolean
come_back_cb (gpointer user_data)
{
  VzSimScreen *self = user_data;

  self->away_id = 0;
  self->booted_at = g_get_monotonic_time ();
  report (self, "is back");
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
}

static void
vz_sim_screen_init (VzSimScreen *self)
{
  self->cancellable = g_cancellable_new ();
  self->booted_at = g_get_monotonic_time ();
  self->poll_interval = PAIRING_POLL_S;
  self->heartbeat_interval = HEARTBEAT_INTERVAL_S;
  self->items = g_array_new (FALSE, FALSE, sizeof (PlayItem));
  g_array_set_clear_func (self->items, (GDestroyNotify) play_item_clear);
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
  report (self, "%s, back in %u s", why, seconds);
  if (self->realtime != NULL)
    vz_realtime_client_stop (self->realtime);
  g_clear_handle_id (&self->away_id, g_source_remove);
  self->away_id = g_timeout_add_seconds (seconds, come_back_cb, self);
}

static const char *
fault_name (VzSimFault fault)
{
  switch (fault)
    {
    case VZ_SIM_FAULT_OVERHEAT:    return "overheating";
    case VZ_SIM_FAULT_DISK_FULL:   return "disk full";
    case VZ_SIM_FAULT_CPU_SPIKE:   return "CPU spiking";
    case VZ_SIM_FAULT_MEMORY_LEAK: return "leaking memory";
    case VZ_SIM_FAULT_DROP:        return "dropped";
    case VZ_SIM_FAULT_NONE:
    default:                       return "healthy";
    }
}

void
vz_sim_screen_set_fault (VzSimScreen *self,
                         VzSimFault   fault)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));

  if (self->state == VZ_SIM_SCREEN_STOPPED)
    return;
  if (fault == VZ_SIM_FAULT_NONE)
    {
      VzSimFault had = self->faults;

      if (had == VZ_SIM_FAULT_NONE)
        return;
      self->faults = VZ_SIM_FAULT_NONE;
      /* Back to plausible readings; the disk was cleared by someone. */
      if (had & VZ_SIM_FAULT_CPU_SPIKE)
        self->cpu = g_rand_double_range (self->rand, 8, 45);
      if (had & VZ_SIM_FAULT_MEMORY_LEAK)
        self->memory = g_rand_double_range (self->rand, 25, 70);
      if (had & VZ_SIM_FAULT_DISK_FULL)
        self->disk = g_rand_double_range (self->rand, 15, 75);
      if (had & VZ_SIM_FAULT_OVERHEAT)
        self->temperature = g_rand_double_range (self->rand, 38, 62);
      report (self, "fault cleared");
      if ((had & VZ_SIM_FAULT_DROP) && self->state == VZ_SIM_SCREEN_AWAY)
        {
          g_clear_handle_id (&self->away_id, g_source_remove);
          come_back_cb (self);
        }
      else if (self->next_beat > 0)
        self->next_beat = g_get_monotonic_time ();
      return;
    }

  self->faults |= fault;
  report (self, "fault: %s", fault_name (fault));
  /* The next heartbeat goes now, so that the fault shows at once; a
   * dropped screen sends it and then falls silent (a server reports only
   * screens it heard from). */
  if (self->next_beat > 0)
    self->next_beat = g_get_monotonic_time ();
  else if (fault == VZ_SIM_FAULT_DROP && self->state == VZ_SIM_SCREEN_AWAY)
    g_clear_handle_id (&self->away_id, g_source_remove);
}

VzSimFault
vz_sim_screen_get_faults (VzSimScreen *self)
{
  g_return_val_if_fail (VZ_IS_SIM_SCREEN (self), VZ_SIM_FAULT_NONE);
  return self->faults;
}

void
vz_sim_screen_tick (VzSimScreen *self,
                    gint64       now)
{
  g_return_if_fail (VZ_IS_SIM_SCREEN (self));

  if (self->state != VZ_SIM_SCREEN_ONLINE)
    return;
  /* The tick comes once a second: an item ends at the first tick after its time. */
  if (self->items->len > 0 && self->item_started != G_MAXINT64 &&
      now - self->item_started >= (gint64) g_array_index (self->items, PlayItem, self->item_index).duration * G_USEC_PER_SEC)
    finish_item (self, now);
  if (now >= self->next_beat)
    {
      send_heartbeat (self);
      if (self->faults & VZ_SIM_FAULT_DROP)
        {
          /* Off the air until the fault is cleared: no timer brings it back. */
          vz_sim_screen_go_away (self, 1, "dropped on request");
          g_clear_handle_id (&self->away_id, g_source_remove);
        }
    }
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
