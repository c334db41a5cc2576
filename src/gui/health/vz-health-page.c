/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-health-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-alert-row.h"
#include "vz-chart.h"
#include "vz-display-health.h"
#include "vz-display-figures.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-health-page-private.h"
#include "vz-health-ranking.h"
#include "vz-metrics-history.h"
#include "vz-preferences-window.h"
#include "vz-notification-resource.h"
#include "vz-screen-health-row.h"

/* A singular and plural pair for ngettext, in a table (xgettext: NP_:1,2). */
#define NP_(singular, plural) { singular, plural }

G_DEFINE_FINAL_TYPE (VzHealthPage, vz_health_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_PERIOD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
screen_name (VzHealthPage *self,
             const char   *display_id)
{
  VzStore *screens = _vz_health_page_displays (self);
  VzDisplay *display = display_id != NULL && screens != NULL ? vz_store_lookup (screens, display_id) : NULL;

  return display != NULL ? vz_display_get_display_name (display) : NULL;
}

/* ---- the alerts ---- */

static gboolean
alert_shown (gpointer item,
             gpointer user_data)
{
  VzHealthPage *self = user_data;
  VzNotification *alert = item;
  guint severity = gtk_drop_down_get_selected (self->severity_dropdown);

  if (vz_notification_get_dismissed (alert))
    return FALSE;
  if (gtk_toggle_button_get_active (self->unread_toggle) && vz_notification_get_read (alert))
    return FALSE;
  if (severity == 1 && vz_notification_get_severity (alert) < VZ_SEVERITY_WARNING)
    return FALSE;
  if (severity == 2 && vz_notification_get_severity (alert) < VZ_SEVERITY_CRITICAL)
    return FALSE;
  return TRUE;
}

static int
newest_first (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  gint64 ta = vz_notification_get_created_time ((VzNotification *) a);
  gint64 tb = vz_notification_get_created_time ((VzNotification *) b);

  if (ta != tb)
    return ta > tb ? -1 : 1;
  return g_strcmp0 (vz_entity_get_id ((VzEntity *) a), vz_entity_get_id ((VzEntity *) b));
}

static GtkWidget *
create_alert_row (gpointer item,
                  gpointer user_data)
{
  VzHealthPage *self = user_data;

  return vz_alert_row_new (item, screen_name (self, vz_notification_get_device_id (item)));
}

static void
set_count (GtkLabel  *label,
           GtkWidget *card,
           guint      count,
           const char *word)
{
  g_autofree char *text = vz_gui_format_count (count);
  /* Translators: a count card read aloud: "3 Offline" */
  g_autofree char *accessible = g_strdup_printf (C_("health count", "%'u %s"), count, word);

  gtk_label_set_label (label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
set_more (GtkLabel *label,
          guint     shown,
          guint     total,
          const char * const forms[2])
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (label), total > shown);
  if (total <= shown)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, forms[0], forms[1], total), shown, total);
  gtk_label_set_label (label, text);
}

static void
refresh (VzHealthPage *self)
{
  VzStore *alerts = self->engine != NULL ? vz_sync_engine_get_notifications (self->engine) : NULL;
  guint online, offline, warning, critical, n;
  static const char * const alerts_more[2] = NP_ ("Showing the newest %'u of %'u alert",
                                                 "Showing the newest %'u of %'u alerts");
  static const char * const screens_more[2] = NP_ ("Showing the %'u least healthy of %'u screen",
                                                  "Showing the %'u least healthy of %'u screens");

  g_assert (VZ_IS_HEALTH_PAGE (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;

  if (self->alerts_dirty)
    _vz_health_page_collect_open_alerts (self, alerts);
  _vz_health_page_update_ranking (self);
  online = vz_health_ranking_count_online (self->ranking);
  offline = vz_health_ranking_count (self->ranking, VZ_HEALTH_OFFLINE);
  warning = vz_health_ranking_count (self->ranking, VZ_HEALTH_WARNING);
  critical = vz_health_ranking_count (self->ranking, VZ_HEALTH_CRITICAL);
  n = vz_health_ranking_get_n_screens (self->ranking);
  set_count (self->online_count, self->online_card, online, _("Online"));
  set_count (self->offline_count, self->offline_card, offline, _("Offline"));
  set_count (self->warning_count, self->warning_card, warning, _("Warning"));
  set_count (self->critical_count, self->critical_card, critical, _("Critical"));

  _vz_health_page_update_shown_screens (self);
  set_more (self->screens_more_label, SCREENS_SHOWN, n, screens_more);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->screens_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (VZ_IS_SCREEN_HEALTH_ROW (row))
      {
        VzDisplayHealth health;

        _vz_health_page_assess (self, vz_screen_health_row_get_display (VZ_SCREEN_HEALTH_ROW (row)), &health);
        vz_screen_health_row_show (VZ_SCREEN_HEALTH_ROW (row), &health);
        vz_display_health_clear (&health);
      }

  if (!self->alerts_dirty)
    return;
  self->alerts_dirty = FALSE;
  gtk_filter_list_model_set_model (self->alerts_filtered, G_LIST_MODEL (alerts));
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->alerts_filtered), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (gtk_sort_list_model_get_sorter (self->alerts_sorted), GTK_SORTER_CHANGE_DIFFERENT);
  set_more (self->alerts_more_label, ALERTS_SHOWN,
            g_list_model_get_n_items (G_LIST_MODEL (self->alerts_filtered)), alerts_more);

  if (alerts != NULL)
    {
      guint unread = vz_notifications_count_unread (alerts);
      g_autofree char *heading = unread > 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Alerts (%'u unread)", "Alerts (%'u unread)", unread), unread)
        : g_strdup (_("Alerts"));

      gtk_label_set_label (self->alerts_heading, heading);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  VzHealthPage *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (VzHealthPage *self)
{
  g_assert (VZ_IS_HEALTH_PAGE (self));

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, refresh_cb, self);
}

static void
queue_refresh_all (VzHealthPage *self)
{
  g_assert (VZ_IS_HEALTH_PAGE (self));

  self->reassess_all = TRUE;
  self->alerts_dirty = TRUE;
  queue_refresh (self);
}

static void
queue_refresh_alerts (VzHealthPage *self)
{
  g_assert (VZ_IS_HEALTH_PAGE (self));

  self->alerts_dirty = TRUE;
  queue_refresh (self);
}

static void
on_displays_changed (VzHealthPage *self,
                     guint         position,
                     guint         removed,
                     guint         added)
{
  g_assert (VZ_IS_HEALTH_PAGE (self));

  self->prune |= removed > 0;
  self->reassess_all = TRUE;
  queue_refresh (self);
}

static void
on_filter_changed (VzHealthPage *self)
{
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->alerts_filtered), GTK_FILTER_CHANGE_DIFFERENT);
  queue_refresh_alerts (self);
}

/* ---- a screen's charts ---- */

static void
fill_chart (VzChart *chart,
            GArray  *samples,
            gsize    offset,
            const char *period)
{
  g_autofree VzChartPoint *points = g_new (VzChartPoint, MAX (samples->len, 1));

  for (guint i = 0; i < samples->len; i++)
    {
      const VzMetricSample *s = &g_array_index (samples, VzMetricSample, i);

      points[i].time = s->time;
      points[i].value = G_STRUCT_MEMBER (gdouble, s, offset);
    }
  vz_chart_set_period (chart, period);
  vz_chart_set_points (chart, points, samples->len);
}

static void
metrics_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VzHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = vz_metrics_history_read_finish (result, &error);
  const char *period = self->week ? _("over the last 7 days") : _("over the last 24 hours");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (samples == NULL)
    {
      gtk_label_set_label (self->charts_status,
                           g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND)
                           ? _("This server keeps no history of the screens’ figures.")
                           : error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->charts_status), TRUE);
      samples = g_array_new (FALSE, FALSE, sizeof (VzMetricSample));
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->charts_status), FALSE);
  fill_chart (self->cpu_chart, samples, G_STRUCT_OFFSET (VzMetricSample, cpu), period);
  fill_chart (self->memory_chart, samples, G_STRUCT_OFFSET (VzMetricSample, memory), period);
  fill_chart (self->disk_chart, samples, G_STRUCT_OFFSET (VzMetricSample, disk), period);
  fill_chart (self->temperature_chart, samples, G_STRUCT_OFFSET (VzMetricSample, temperature), period);
}

static void
read_metrics (VzHealthPage *self)
{
  gint64 now = g_get_real_time ();

  g_assert (VZ_IS_HEALTH_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->engine == NULL || self->screen_id == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  vz_metrics_history_read_async (vz_sync_engine_get_session (self->engine), self->screen_id,
                                 now - (self->week ? 7 * G_TIME_SPAN_DAY : G_TIME_SPAN_DAY), now,
                                 self->cancellable, metrics_read_cb, g_object_ref (self));
}

static void
show_screen_header (VzHealthPage *self)
{
  VzDisplay *display = self->screen_id != NULL && _vz_health_page_displays (self) != NULL
                       ? vz_store_lookup (_vz_health_page_displays (self), self->screen_id) : NULL;
  VzDisplayHealth health;
  g_autofree char *reason = NULL;

  if (display == NULL)
    return;
  _vz_health_page_assess (self, display, &health);
  gtk_label_set_label (self->screen_title, vz_display_get_display_name (display));
  /* Translators: "Critical, health score 30: Temperature 86 °C, over 80 °C" */
  reason = g_strdup_printf (_("%s, health score %u: %s"), vz_health_level_to_label (health.level), health.score,
                            health.reason);
  gtk_label_set_label (self->screen_reason, reason);
  vz_display_health_clear (&health);
}

gboolean
vz_health_page_show_screen (VzHealthPage *self,
                            const char   *display_id)
{
  g_return_val_if_fail (VZ_IS_HEALTH_PAGE (self), FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  if (_vz_health_page_displays (self) == NULL || vz_store_lookup (_vz_health_page_displays (self), display_id) == NULL)
    return FALSE;
  g_free (self->screen_id);
  self->screen_id = g_strdup (display_id);
  show_screen_header (self);
  gtk_stack_set_visible_child_name (self->stack, "screen");
  read_metrics (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->day_toggle));
  return TRUE;
}

const char *
vz_health_page_get_screen_id (VzHealthPage *self)
{
  g_return_val_if_fail (VZ_IS_HEALTH_PAGE (self), NULL);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "screen") == 0 ? self->screen_id : NULL;
}

static void
on_screen_row_activated (VzHealthPage  *self,
                         GtkListBoxRow *row)
{
  VzDisplay *display = vz_screen_health_row_get_display (VZ_SCREEN_HEALTH_ROW (row));

  vz_health_page_show_screen (self, vz_entity_get_id (VZ_ENTITY (display)));
}

static void
set_period (VzHealthPage *self,
            const char   *period)
{
  gboolean week = g_strcmp0 (period, "week") == 0;

  if (self->week == week)
    return;
  self->week = week;
  read_metrics (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD]);
}

/* ---- actions ---- */

static void
alert_request_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_notification_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
  queue_refresh_alerts (self);
}

static void
health_read_alert (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  if (self->engine == NULL)
    return;
  vz_sync_engine_read_notification_async (self->engine, g_variant_get_string (parameter, NULL), NULL,
                                          alert_request_cb, g_object_ref (self));
  queue_refresh_alerts (self);
}

static void
health_dismiss_alert (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  if (self->engine == NULL)
    return;
  vz_sync_engine_dismiss_notification_async (self->engine, g_variant_get_string (parameter, NULL), NULL,
                                             alert_request_cb, g_object_ref (self));
  queue_refresh_alerts (self);
}

static void
health_read_all (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  if (self->engine == NULL)
    return;
  vz_sync_engine_read_all_notifications_async (self->engine, NULL, alert_request_cb, g_object_ref (self));
  queue_refresh_alerts (self);
}

static void
health_show_screen (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  vz_health_page_show_screen (VZ_HEALTH_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
health_refresh (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  queue_refresh_all (VZ_HEALTH_PAGE (widget));
}

static void
health_back (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  gtk_stack_set_visible_child_name (self->stack, "overview");
}

static void
health_show_in_devices (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  if (self->screen_id != NULL)
    gtk_widget_activate_action (widget, "app.open-screen", "s", self->screen_id);
}

static void
health_preferences (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  vz_preferences_window_present (widget, "notifications");
}

/* ---- the engine ---- */

typedef struct {
  VzHealthPage *page;
  char         *display_id;
} FiguresRead;

static void
figures_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FiguresRead *read = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_display_figures_read_finish (result, &error))
    g_debug ("The figures of %s could not be read: %s", read->display_id, error->message);
  else
    {
      _vz_health_page_mark_screen_dirty (read->page, read->display_id);
      queue_refresh (read->page);
    }
  g_hash_table_remove (read->page->reading, read->display_id);
  g_object_unref (read->page);
  g_free (read->display_id);
  g_free (read);
}

/* An alert names a screen: its figures (which the list and the status
 * events do not carry) are read again, so that its score tells why. */
static void
read_figures (VzHealthPage *self,
              const char   *display_id)
{
  VzStore *screens = _vz_health_page_displays (self);
  VzDisplay *display = screens != NULL ? vz_store_lookup (screens, display_id) : NULL;
  FiguresRead *read;

  g_assert (VZ_IS_HEALTH_PAGE (self));

  if (display == NULL || !g_hash_table_add (self->reading, g_strdup (display_id)))
    return;
  read = g_new0 (FiguresRead, 1);
  read->page = g_object_ref (self);
  read->display_id = g_strdup (display_id);
  vz_display_figures_read_async (vz_sync_engine_get_session (self->engine), display, self->life,
                                 figures_read_cb, read);
}

static void
on_realtime_event (VzHealthPage *self,
                   const char   *name,
                   JsonNode     *payload)
{
  JsonObject *obj = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  JsonObject *metadata = obj != NULL && json_object_has_member (obj, "metadata") &&
                         JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "metadata"))
                         ? json_object_get_object_member (obj, "metadata") : NULL;
  JsonNode *device = metadata != NULL ? json_object_get_member (metadata, "deviceId") : NULL;
  JsonNode *status_device = obj != NULL ? json_object_get_member (obj, "deviceId") : NULL;

  if (g_str_equal (name, "health:alert") && device != NULL && json_node_get_value_type (device) == G_TYPE_STRING)
    read_figures (self, json_node_get_string (device));
  /* A status names its screen: that one is placed again. Alerts change the
   * screens whose open alerts they change; anything else may change any. */
  if ((g_str_equal (name, "device:status") || g_str_equal (name, "device:status-update")) &&
      status_device != NULL && JSON_NODE_HOLDS_VALUE (status_device) &&
      json_node_get_value_type (status_device) == G_TYPE_STRING)
    {
      _vz_health_page_mark_screen_dirty (self, json_node_get_string (status_device));
      queue_refresh (self);
    }
  else if (g_str_has_prefix (name, "health:") || g_str_has_prefix (name, "notification:"))
    queue_refresh_alerts (self);
  else
    queue_refresh_all (self);
  if (self->screen_id != NULL)
    show_screen_header (self);
}

static void
vz_health_page_map (GtkWidget *widget)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (widget);

  GTK_WIDGET_CLASS (vz_health_page_parent_class)->map (widget);
  if (self->stale)
    refresh (self);
}

static void
vz_health_page_dispose (GObject *object)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->life);
  g_clear_object (&self->life);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->alerts_list != NULL)
    gtk_list_box_bind_model (self->alerts_list, NULL, NULL, NULL, NULL);
  if (self->screens_list != NULL)
    gtk_list_box_bind_model (self->screens_list, NULL, NULL, NULL, NULL);
  g_signal_group_set_target (self->engine_signals, NULL);
  g_signal_group_set_target (self->displays_signals, NULL);
  g_signal_group_set_target (self->alerts_signals, NULL);
  g_clear_object (&self->engine);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_HEALTH_PAGE);

  g_clear_object (&self->alerts_slice);
  g_clear_object (&self->alerts_sorted);
  g_clear_object (&self->alerts_filtered);
  g_clear_object (&self->screens_shown);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->displays_signals);
  g_clear_object (&self->alerts_signals);

  G_OBJECT_CLASS (vz_health_page_parent_class)->dispose (object);
}

static void
vz_health_page_finalize (GObject *object)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (object);

  g_clear_pointer (&self->ranking, vz_health_ranking_free);
  g_clear_pointer (&self->dirty_screens, g_hash_table_unref);
  g_clear_pointer (&self->open_alerts, g_hash_table_unref);
  g_clear_pointer (&self->reading, g_hash_table_unref);
  g_clear_pointer (&self->screen_id, g_free);

  G_OBJECT_CLASS (vz_health_page_parent_class)->finalize (object);
}

static void
vz_health_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_PERIOD:
      g_value_set_string (value, self->week ? "week" : "day");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_health_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VzHealthPage *self = VZ_HEALTH_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_health_page_set_sync_engine (self, g_value_get_object (value));
      break;
    case PROP_PERIOD:
      set_period (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_health_page_class_init (VzHealthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_CHART);

  object_class->dispose = vz_health_page_dispose;
  object_class->finalize = vz_health_page_finalize;
  object_class->get_property = vz_health_page_get_property;
  object_class->set_property = vz_health_page_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "day" (the last 24 hours) or "week" (the last 7 days): what the
   * charts show, the action health.period. */
  properties[PROP_PERIOD] =
    g_param_spec_string ("period", NULL, NULL, "day",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->map = vz_health_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, online_count);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, offline_count);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, warning_count);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, critical_count);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, online_card);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, offline_card);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, warning_card);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, critical_card);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, alerts_heading);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, severity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, unread_toggle);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, counts_box);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, alerts_list);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, alerts_more_label);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, screens_list);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, screens_more_label);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, screen_title);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, screen_reason);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, day_toggle);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, charts_status);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, cpu_chart);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, memory_chart);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, disk_chart);
  gtk_widget_class_bind_template_child (widget_class, VzHealthPage, temperature_chart);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_screen_row_activated);

  gtk_widget_class_install_action (widget_class, "health.read-alert", "s", health_read_alert);
  gtk_widget_class_install_action (widget_class, "health.dismiss-alert", "s", health_dismiss_alert);
  gtk_widget_class_install_action (widget_class, "health.read-all", NULL, health_read_all);
  gtk_widget_class_install_action (widget_class, "health.show-screen", "s", health_show_screen);
  gtk_widget_class_install_action (widget_class, "health.back", NULL, health_back);
  gtk_widget_class_install_action (widget_class, "health.refresh", NULL, health_refresh);
  gtk_widget_class_install_property_action (widget_class, "health.period", "period");
  gtk_widget_class_install_action (widget_class, "health.show-in-devices", NULL, health_show_in_devices);
  gtk_widget_class_install_action (widget_class, "health.preferences", NULL, health_preferences);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "health.back", NULL);
}

static void
vz_health_page_init (VzHealthPage *self)
{
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->counts_box));
  /* An alert's buttons are reached with Right from its row. */
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->alerts_list));
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->screens_list));

  self->ranking = vz_health_ranking_new ();
  self->dirty_screens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->open_alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->reading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->life = g_cancellable_new ();

  filter = gtk_custom_filter_new (alert_shown, self, NULL);
  self->alerts_filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (filter));
  sorter = gtk_custom_sorter_new (newest_first, NULL, NULL);
  self->alerts_sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->alerts_filtered)),
                                                 GTK_SORTER (sorter));
  self->alerts_slice = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (self->alerts_sorted)), 0, ALERTS_SHOWN);
  gtk_list_box_bind_model (self->alerts_list, G_LIST_MODEL (self->alerts_slice), create_alert_row, self, NULL);

  self->screens_shown = g_list_store_new (VZ_TYPE_DISPLAY);
  gtk_list_box_bind_model (self->screens_list, G_LIST_MODEL (self->screens_shown), _vz_health_page_create_screen_row,
                           self, NULL);

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_object (self->engine_signals, "realtime-event", G_CALLBACK (on_realtime_event), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "notify::loaded", G_CALLBACK (queue_refresh_all), self,
                                 G_CONNECT_SWAPPED);
  self->displays_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_object (self->displays_signals, "items-changed", G_CALLBACK (on_displays_changed), self,
                                 G_CONNECT_SWAPPED);
  self->alerts_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_object (self->alerts_signals, "items-changed", G_CALLBACK (queue_refresh_alerts), self,
                                 G_CONNECT_SWAPPED);
}

GtkWidget *
vz_health_page_new (void)
{
  return g_object_new (VZ_TYPE_HEALTH_PAGE, NULL);
}

void
vz_health_page_set_sync_engine (VzHealthPage *self,
                                VzSyncEngine *engine)
{
  g_return_if_fail (VZ_IS_HEALTH_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_signal_group_set_target (self->engine_signals, engine);
  g_signal_group_set_target (self->displays_signals, engine != NULL ? vz_sync_engine_get_displays (engine) : NULL);
  g_signal_group_set_target (self->alerts_signals,
                             engine != NULL ? vz_sync_engine_get_notifications (engine) : NULL);
  if (engine == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_stack_set_visible_child_name (self->stack, "overview");
    }
  vz_health_ranking_clear (self->ranking);
  g_hash_table_remove_all (self->dirty_screens);
  self->reassess_all = TRUE;
  self->alerts_dirty = TRUE;
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

VzSyncEngine *
vz_health_page_get_sync_engine (VzHealthPage *self)
{
  g_return_val_if_fail (VZ_IS_HEALTH_PAGE (self), NULL);
  return self->engine;
}
