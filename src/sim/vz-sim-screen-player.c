/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-sim-render.h"
#include "vz-sim-screen-private.h"

/*
 * What a paired, online simulated screen does: heartbeats with drifting
 * metrics (and the faults that push them over the server's thresholds),
 * the commands it is sent, and playing its playlist item by item with a
 * content:impression for each. Pairing and the connection are in
 * vz-sim-screen.c.
 */

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
  json_builder_add_string_value (b, VZ_SIM_APP_VERSION);
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
                     ? _vz_sim_object_get_object (json_node_get_object (first), "data") : NULL;
  JsonNode *next = data != NULL ? json_object_get_member (data, "nextHeartbeatIn") : NULL;
  double ms;
  guint seconds;

  if (next == NULL || !JSON_NODE_HOLDS_VALUE (next) ||
      (json_node_get_value_type (next) != G_TYPE_INT64 && json_node_get_value_type (next) != G_TYPE_DOUBLE))
    return;
  ms = json_node_get_double (next);
  if (!isfinite (ms))
    return;
  seconds = (guint) CLAMP (round (ms / 1000), VZ_SIM_HEARTBEAT_MIN_S, VZ_SIM_HEARTBEAT_MAX_S);
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
    _vz_sim_screen_report (self, "heartbeat not acknowledged: %s", error->message);
  if (ack != NULL)
    follow_heartbeat_ack (self, ack);
}

void
_vz_sim_screen_send_heartbeat (VzSimScreen *self)
{
  g_autoptr(JsonNode) payload = NULL;

  if (self->realtime == NULL || self->state != VZ_SIM_SCREEN_ONLINE)
    return;

  self->next_beat = g_get_monotonic_time () + (gint64) self->heartbeat_interval * G_USEC_PER_SEC;
  payload = build_heartbeat (self);
  vz_realtime_client_emit_with_ack_async (self->realtime, "heartbeat", payload, VZ_SIM_ACK_TIMEOUT_MS,
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
    _vz_sim_screen_report (self, "screenshot not acknowledged: %s", error->message);
}

void
_vz_sim_screen_send_screenshot (VzSimScreen *self,
                 const char  *request_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ts = _vz_sim_iso_now ();
  g_autofree char *detail = g_strdup_printf ("Vizora simulated screen · %s", ts);
  g_autoptr(GBytes) png = NULL;
  g_autofree char *base64 = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) payload = NULL;
  gsize len;
  const guint8 *data;

  png = vz_sim_render_screenshot (self->name, detail, VZ_SIM_SCREENSHOT_WIDTH, VZ_SIM_SCREENSHOT_HEIGHT, self->seed, &error);
  if (png == NULL)
    {
      _vz_sim_screen_report (self, "could not take a screenshot: %s", error->message);
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
  json_builder_add_int_value (b, VZ_SIM_SCREENSHOT_WIDTH);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, VZ_SIM_SCREENSHOT_HEIGHT);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, ts);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);

  vz_realtime_client_emit_with_ack_async (self->realtime, "screenshot:response", payload, VZ_SIM_ACK_TIMEOUT_MS,
                                          self->cancellable, screenshot_acked_cb, g_object_ref (self));
  _vz_sim_screen_report (self, "sent a screenshot (%" G_GSIZE_FORMAT " bytes)", len);
}

void
_vz_sim_screen_handle_command (VzSimScreen *self,
                JsonObject  *command,
                gint64       ack_id)
{
  const char *type = _vz_sim_object_get_string (command, "type");
  JsonObject *payload = _vz_sim_object_get_object (command, "payload");
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
      const char *request_id = _vz_sim_object_get_string (payload, "requestId");

      if (request_id == NULL)
        request_id = _vz_sim_object_get_string (command, "requestId");
      _vz_sim_screen_report (self, "screenshot requested");
      if (request_id != NULL)
        _vz_sim_screen_send_screenshot (self, request_id);
      else
        _vz_sim_screen_report (self, "the screenshot request carried no requestId; nothing sent");
      return;
    }

  if (strcmp (type, "reload") == 0)
    _vz_sim_screen_report (self, "reloading its content");
  else if (strcmp (type, "clear_cache") == 0)
    _vz_sim_screen_report (self, "clearing its cache");
  else if (strcmp (type, "push_content") == 0)
    _vz_sim_screen_report (self, "showing pushed content");
  else if (strcmp (type, "restart") != 0 && strcmp (type, "reboot") != 0)
    known = FALSE;

  if (!known)
    {
      _vz_sim_screen_report (self, "ignoring unknown command \"%s\"", type);
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
  JsonObject *sources[] = { item, _vz_sim_object_get_object (item, "content") };

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
  return VZ_SIM_ITEM_DEFAULT_S;
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
void
_vz_sim_screen_apply_playlist (VzSimScreen *self,
                JsonObject  *message)
{
  JsonObject *playlist = _vz_sim_object_get_object (message, "playlist");
  JsonNode *items = playlist != NULL ? json_object_get_member (playlist, "items") : NULL;
  JsonNode *loop = playlist != NULL ? json_object_get_member (playlist, "loopPlaylist") : NULL;
  const char *id = _vz_sim_object_get_string (playlist, "id");

  g_clear_pointer (&self->playlist_id, g_free);
  g_clear_pointer (&self->content_id, g_free);
  g_array_set_size (self->items, 0);
  if (id == NULL)
    {
      _vz_sim_screen_report (self, "has no playlist now");
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
          const char *content_id = _vz_sim_object_get_string (object, "contentId");
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
  _vz_sim_screen_report (self, "now plays playlist %s (%u items)", id, self->items->len);
}

/* The item on screen ran its time: say so (proof of play), show the next. */
static void
finish_item (VzSimScreen *self,
             gint64       now)
{
  PlayItem *item = &g_array_index (self->items, PlayItem, self->item_index);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *timestamp = _vz_sim_iso_now ();
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
      _vz_sim_screen_report (self, "fault cleared");
      if ((had & VZ_SIM_FAULT_DROP) && self->state == VZ_SIM_SCREEN_AWAY)
        {
          g_clear_handle_id (&self->away_id, g_source_remove);
          _vz_sim_screen_come_back_cb (self);
        }
      else if (self->next_beat > 0)
        self->next_beat = g_get_monotonic_time ();
      return;
    }

  self->faults |= fault;
  _vz_sim_screen_report (self, "fault: %s", fault_name (fault));
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
      _vz_sim_screen_send_heartbeat (self);
      if (self->faults & VZ_SIM_FAULT_DROP)
        {
          /* Off the air until the fault is cleared: no timer brings it back. */
          vz_sim_screen_go_away (self, 1, "dropped on request");
          g_clear_handle_id (&self->away_id, g_source_remove);
        }
    }
}
