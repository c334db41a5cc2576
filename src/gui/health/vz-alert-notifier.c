/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-alert-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-alert-coalescer.h"
#include "vz-alert-notifier.h"
#include "vz-display-resource.h"
#include "vz-notification-resource.h"

#define DEFAULT_WINDOW_MS 2000

/* An alert this object has taken in: held through the quiet hours
 * (@held), waiting in the coalescer (no batch yet) or told by the
 * notification @batch_id. */
typedef struct {
  char           *batch_id;
  char           *kind;
  char           *device_id;
  VzNotification *held;
} Tracked;

struct _VzAlertNotifier
{
  GObject           parent_instance;

  GApplication     *application;   /* weak */
  GSettings        *settings;
  VzSyncEngine     *engine;
  GSignalGroup     *engine_signals;
  VzAlertCoalescer *coalescer;
  guint             flush_id;
  GHashTable       *tracked;       /* alert id → Tracked* */
  GHashTable       *batches;       /* batch id → GHashTable (set of alert ids still open) */
  guint             sent_count;
  guint             quiet_end_id;  /* set while alerts are held */
  VzAlertNotifierClock clock;
  gpointer          clock_data;
};

G_DEFINE_FINAL_TYPE (VzAlertNotifier, vz_alert_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SENT_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tracked_free (Tracked *t)
{
  g_free (t->batch_id);
  g_free (t->kind);
  g_free (t->device_id);
  g_clear_object (&t->held);
  g_free (t);
}

static void schedule_flush (VzAlertNotifier *self);
static void schedule_quiet_end (VzAlertNotifier *self);

/* ---- telling ---- */

static GNotificationPriority
priority_of (VzSeverity severity)
{
  return severity == VZ_SEVERITY_CRITICAL ? G_NOTIFICATION_PRIORITY_URGENT : G_NOTIFICATION_PRIORITY_HIGH;
}

static void
send_batch (VzAlertNotifier *self,
            VzAlertBatch    *batch)
{
  g_autoptr(GNotification) notification = g_notification_new (batch->title);
  g_autoptr(GIcon) icon = g_themed_icon_new (vz_severity_icon_name (batch->severity));
  GHashTable *open;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  g_notification_set_body (notification, batch->body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, priority_of (batch->severity));
  if (batch->device_id != NULL)
    {
      g_notification_set_default_action_and_target (notification, "app.open-screen", "s", batch->device_id);
      g_notification_add_button_with_target (notification, _("Open Screen"), "app.open-screen", "s",
                                             batch->device_id);
    }
  else
    g_notification_set_default_action (notification, "app.show-alerts");

  open = g_hash_table_lookup (self->batches, batch->id);
  if (open == NULL)
    {
      open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->batches, g_strdup (batch->id), open);
    }
  for (guint i = 0; batch->alert_ids[i] != NULL; i++)
    {
      Tracked *t = g_hash_table_lookup (self->tracked, batch->alert_ids[i]);

      g_hash_table_add (open, g_strdup (batch->alert_ids[i]));
      if (t != NULL)
        {
          g_free (t->batch_id);
          t->batch_id = g_strdup (batch->id);
        }
    }

  if (self->application != NULL)
    g_application_send_notification (self->application, batch->id, notification);
  self->sent_count++;
  g_debug ("Told “%s”: %s", batch->title, batch->body);
  g_signal_emit (self, signals[SIGNAL_SENT], 0, batch->id, batch->title, batch->body, batch->device_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT_COUNT]);
}

static gboolean
flush_cb (gpointer user_data)
{
  VzAlertNotifier *self = user_data;
  g_autoptr(GPtrArray) batches = NULL;

  self->flush_id = 0;
  batches = vz_alert_coalescer_flush (self->coalescer, g_get_monotonic_time ());
  for (guint i = 0; i < batches->len; i++)
    send_batch (self, g_ptr_array_index (batches, i));
  schedule_flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (VzAlertNotifier *self)
{
  gint64 deadline = vz_alert_coalescer_next_deadline (self->coalescer);
  gint64 wait;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  if (self->flush_id != 0 || deadline == 0)
    return;
  wait = MAX (deadline - g_get_monotonic_time (), 0);
  self->flush_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((wait + 999) / 1000), flush_cb, self, NULL);
}

/* ---- resolving ---- */

static void
resolve (VzAlertNotifier *self,
         const char      *alert_id)
{
  Tracked *t = g_hash_table_lookup (self->tracked, alert_id);
  GHashTable *open;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  if (t == NULL)
    return;
  if (t->held != NULL)
    g_debug ("“%s” was over before the quiet hours were", alert_id);
  else if (t->batch_id == NULL)
    vz_alert_coalescer_forget (self->coalescer, alert_id);
  else if ((open = g_hash_table_lookup (self->batches, t->batch_id)) != NULL)
    {
      g_hash_table_remove (open, alert_id);
      if (g_hash_table_size (open) == 0)
        {
          g_debug ("Withdrew “%s”: its alerts are over", t->batch_id);
          if (self->application != NULL)
            g_application_withdraw_notification (self->application, t->batch_id);
          g_hash_table_remove (self->batches, t->batch_id);
        }
    }
  g_hash_table_remove (self->tracked, alert_id);
}

/* The screen @device_id is back: its offline alerts are over. */
static void
resolve_offline (VzAlertNotifier *self,
                 const char      *device_id)
{
  g_autoptr(GPtrArray) over = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Tracked *t = value;

      if (g_strcmp0 (t->device_id, device_id) == 0 && g_strcmp0 (t->kind, "device_offline") == 0)
        g_ptr_array_add (over, g_strdup (key));
    }
  for (guint i = 0; i < over->len; i++)
    resolve (self, g_ptr_array_index (over, i));
}

/* ---- taking alerts in ---- */

static GDateTime *
now_local (VzAlertNotifier *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_date_time_new_now_local ();
}

/* How long until the quiet hours end (ms), or -1 when it is not quiet. */
static gint64
quiet_remaining_ms (VzAlertNotifier *self)
{
  g_autoptr(GDateTime) now = NULL;
  int start, end, minute, minutes;

  if (!g_settings_get_boolean (self->settings, "quiet-hours-enabled"))
    return -1;
  start = (int) g_settings_get_uint (self->settings, "quiet-hours-start");
  end = (int) g_settings_get_uint (self->settings, "quiet-hours-end");
  now = now_local (self);
  minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);
  if (!vz_quiet_hours_contain (start, end, minute))
    return -1;
  minutes = (end - minute + 24 * 60) % (24 * 60);
  return MAX ((gint64) ((minutes * 60 - g_date_time_get_seconds (now)) * 1000), 0);
}

static gboolean
severe_enough (VzAlertNotifier *self,
               VzSeverity       severity)
{
  g_autofree char *minimum = g_settings_get_string (self->settings, "notify-min-severity");

  if (g_str_equal (minimum, "none"))
    return FALSE;
  if (g_str_equal (minimum, "critical"))
    return severity >= VZ_SEVERITY_CRITICAL;
  return severity >= VZ_SEVERITY_WARNING;
}

static void
enqueue (VzAlertNotifier *self,
         VzNotification  *alert)
{
  const char *device_id = vz_notification_get_device_id (alert);
  VzDisplay *display = NULL;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  if (device_id != NULL && self->engine != NULL)
    display = vz_store_lookup (vz_sync_engine_get_displays (self->engine), device_id);
  vz_alert_coalescer_add (self->coalescer, &(VzAlertInfo) {
                            .id = vz_entity_get_id (VZ_ENTITY (alert)),
                            .kind = vz_notification_get_kind (alert),
                            .metric = vz_notification_get_metric (alert),
                            .severity = vz_notification_get_severity (alert),
                            .device_id = device_id,
                            .screen_name = display != NULL ? vz_display_get_display_name (display) : NULL,
                            .title = vz_notification_get_title (alert),
                            .message = vz_notification_get_message (alert),
                          }, g_get_monotonic_time ());
  schedule_flush (self);
}

/* The quiet hours are over (or were turned off): the alerts that came
 * during them and are still open, unread and severe enough are told now,
 * coalesced as any burst; those that resolved meanwhile are not. */
static void
release_held (VzAlertNotifier *self)
{
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  guint told = 0;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Tracked *t = value;
      g_autoptr(VzNotification) alert = g_steal_pointer (&t->held);

      if (alert == NULL)
        continue;
      if (vz_notification_get_read (alert) || vz_notification_get_resolved (alert) ||
          vz_notification_get_dismissed (alert) || !severe_enough (self, vz_notification_get_severity (alert)))
        g_ptr_array_add (stale, g_strdup (key));
      else
        {
          enqueue (self, alert);
          told++;
        }
    }
  for (guint i = 0; i < stale->len; i++)
    g_hash_table_remove (self->tracked, g_ptr_array_index (stale, i));
  g_debug ("Quiet hours over: telling %u alert(s) still open, dropping %u", told, stale->len);
}

static gboolean
any_held (VzAlertNotifier *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Tracked *) value)->held != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
quiet_end_cb (gpointer user_data)
{
  VzAlertNotifier *self = user_data;

  self->quiet_end_id = 0;
  schedule_quiet_end (self);
  return G_SOURCE_REMOVE;
}

/* Releases the held alerts once it is no longer quiet, or wakes up when
 * the quiet hours end (and looks again then: the clock or the settings may
 * have moved). */
static void
schedule_quiet_end (VzAlertNotifier *self)
{
  gint64 remaining;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  g_clear_handle_id (&self->quiet_end_id, g_source_remove);
  if (!any_held (self))
    return;
  remaining = quiet_remaining_ms (self);
  if (remaining < 0)
    {
      release_held (self);
      return;
    }
  /* A little after the end, so that the clock reads past it then. */
  self->quiet_end_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (remaining + 50, G_MAXINT32 / 2),
                                           quiet_end_cb, self, NULL);
}

static void
take (VzAlertNotifier *self,
      VzNotification  *alert)
{
  const char *id = vz_entity_get_id (VZ_ENTITY (alert));
  const char *device_id = vz_notification_get_device_id (alert);
  const char *kind = vz_notification_get_kind (alert);
  Tracked *t;

  g_assert (VZ_IS_ALERT_NOTIFIER (self));

  if (vz_notification_get_resolved (alert) || vz_notification_get_dismissed (alert))
    {
      resolve (self, id);
      return;
    }
  if (g_strcmp0 (kind, "device_online") == 0 && device_id != NULL)
    resolve_offline (self, device_id);

  /* Told once: the same alert comes as health:alert and notification:new. */
  if (g_hash_table_contains (self->tracked, id) || vz_notification_get_read (alert) ||
      !severe_enough (self, vz_notification_get_severity (alert)))
    return;

  t = g_new0 (Tracked, 1);
  t->kind = g_strdup (kind);
  t->device_id = g_strdup (device_id);
  g_hash_table_insert (self->tracked, g_strdup (id), t);
  if (quiet_remaining_ms (self) >= 0)
    {
      g_debug ("Quiet hours: holding “%s”", vz_notification_get_title (alert));
      t->held = g_object_ref (alert);
      if (self->quiet_end_id == 0)
        schedule_quiet_end (self);
      return;
    }
  enqueue (self, alert);
}

static void
on_realtime_event (VzAlertNotifier *self,
                   const char      *name,
                   JsonNode        *payload,
                   VzSyncEngine    *engine)
{
  JsonObject *obj;
  JsonNode *id_node;
  const char *id;
  VzStore *store;
  g_autoptr(VzNotification) alert = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (name, "health:alert") && !g_str_equal (name, "notification:new"))
    return;
  obj = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  id_node = obj != NULL ? json_object_get_member (obj, "id") : NULL;
  if (id_node == NULL || json_node_get_value_type (id_node) != G_TYPE_STRING)
    return;
  id = json_node_get_string (id_node);
  store = vz_sync_engine_get_notifications (engine);
  /* The store holds it by now, with what earlier versions said. */
  alert = store != NULL ? vz_store_lookup (store, id) : NULL;
  if (alert != NULL)
    g_object_ref (alert);
  else if ((alert = (VzNotification *) vz_entity_new_from_json (VZ_TYPE_NOTIFICATION, obj, &error)) == NULL)
    {
      g_debug ("An alert that cannot be read: %s", error->message);
      return;
    }
  take (self, alert);
}

static void
on_settings_changed (VzAlertNotifier *self,
                     const char      *key)
{
  if (g_str_has_prefix (key, "quiet-hours-") || g_str_equal (key, "notify-min-severity"))
    schedule_quiet_end (self);
}

/* ---- GObject ---- */

static void
vz_alert_notifier_dispose (GObject *object)
{
  VzAlertNotifier *self = VZ_ALERT_NOTIFIER (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->quiet_end_id, g_source_remove);
  if (self->engine_signals != NULL)
    g_signal_group_set_target (self->engine_signals, NULL);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->engine);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (vz_alert_notifier_parent_class)->dispose (object);
}

static void
vz_alert_notifier_finalize (GObject *object)
{
  VzAlertNotifier *self = VZ_ALERT_NOTIFIER (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->coalescer);
  g_clear_pointer (&self->tracked, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);

  G_OBJECT_CLASS (vz_alert_notifier_parent_class)->finalize (object);
}

static void
vz_alert_notifier_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VzAlertNotifier *self = VZ_ALERT_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_SENT_COUNT:
      g_value_set_uint (value, self->sent_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_alert_notifier_class_init (VzAlertNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_alert_notifier_dispose;
  object_class->finalize = vz_alert_notifier_finalize;
  object_class->get_property = vz_alert_notifier_get_property;

  properties[PROP_SENT_COUNT] =
    g_param_spec_uint ("sent-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
vz_alert_notifier_init (VzAlertNotifier *self)
{
  self->coalescer = vz_alert_coalescer_new (DEFAULT_WINDOW_MS * G_TIME_SPAN_MILLISECOND);
  self->tracked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) tracked_free);
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_object (self->engine_signals, "realtime-event", G_CALLBACK (on_realtime_event), self,
                                 G_CONNECT_SWAPPED);
}

VzAlertNotifier *
vz_alert_notifier_new (GApplication *application,
                       GSettings    *settings)
{
  VzAlertNotifier *self;

  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (VZ_TYPE_ALERT_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  return self;
}

void
vz_alert_notifier_set_sync_engine (VzAlertNotifier *self,
                                   VzSyncEngine    *engine)
{
  g_return_if_fail (VZ_IS_ALERT_NOTIFIER (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_signal_group_set_target (self->engine_signals, engine);
}

guint
vz_alert_notifier_get_sent_count (VzAlertNotifier *self)
{
  g_return_val_if_fail (VZ_IS_ALERT_NOTIFIER (self), 0);
  return self->sent_count;
}

const char *
vz_alert_notifier_lookup (VzAlertNotifier *self,
                          const char      *alert_id)
{
  Tracked *t;

  g_return_val_if_fail (VZ_IS_ALERT_NOTIFIER (self), NULL);

  t = alert_id != NULL ? g_hash_table_lookup (self->tracked, alert_id) : NULL;
  return t != NULL ? t->batch_id : NULL;
}

void
vz_alert_notifier_set_window (VzAlertNotifier *self,
                              guint            window_ms)
{
  g_return_if_fail (VZ_IS_ALERT_NOTIFIER (self));

  g_set_object (&self->coalescer, vz_alert_coalescer_new ((gint64) window_ms * G_TIME_SPAN_MILLISECOND));
  g_clear_handle_id (&self->flush_id, g_source_remove);
}

void
vz_alert_notifier_set_clock (VzAlertNotifier      *self,
                             VzAlertNotifierClock  clock,
                             gpointer              user_data)
{
  g_return_if_fail (VZ_IS_ALERT_NOTIFIER (self));

  self->clock = clock;
  self->clock_data = user_data;
  schedule_quiet_end (self);
}
