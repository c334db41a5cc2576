/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-schedule-resource.h"
#include "vz-gui.h"
#include "vz-playlist-choices.h"
#include "vz-device-detail.h"
#include "vz-device-detail-private.h"

#define LAST_SEEN_INTERVAL_S 30

G_DEFINE_FINAL_TYPE (VzDeviceDetail, vz_device_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_DISPLAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char * const _vz_device_detail_orientations[VZ_DEVICE_DETAIL_N_ORIENTATIONS] = {
  "landscape",
  "portrait",
  "landscape_flipped",
  "portrait_flipped",
};

gboolean
_vz_device_detail_can_write (VzDeviceDetail *self)
{
  return self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
}

/* Leaves a field alone while the person is typing in it. */
static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (row)))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") == 0)
    return;
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
update_last_seen (VzDeviceDetail *self)
{
  g_autofree char *text = NULL;

  if (self->display == NULL)
    return;
  text = vz_gui_format_relative_time (vz_display_get_last_heartbeat (self->display), g_get_real_time ());
  gtk_label_set_label (self->last_seen_label, text);
}

void
_vz_device_detail_update_group_selection (VzDeviceDetail *self)
{
  const char *group_id;
  GListModel *groups;
  guint selected = 0;
  guint n;

  if (self->display == NULL || self->engine == NULL)
    return;

  group_id = vz_display_get_group_id (self->display);
  groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  n = g_list_model_get_n_items (groups);

  /* Groups are few (tens), unlike screens. */
  for (guint i = 0; group_id != NULL && i < n; i++)
    {
      g_autoptr(VzEntity) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (vz_entity_get_id (group), group_id) == 0)
        {
          selected = i + 1;
          break;
        }
    }

  if (adw_combo_row_get_selected (self->group_row) != selected)
    adw_combo_row_set_selected (self->group_row, selected);
}

void
_vz_device_detail_refresh (VzDeviceDetail *self)
{
  VzDisplay *d = self->display;
  const char *classes[3] = { "vz-status-dot", NULL, NULL };
  const char *orientation;
  const char *resolution;
  gboolean writable = _vz_device_detail_can_write (self);

  if (d == NULL)
    return;

  self->updating = TRUE;

  adw_window_title_set_title (self->title, vz_display_get_display_name (d));
  /* The pane's subtitle says first whether what it shows is saved yet. */
  if (vz_entity_get_conflict (VZ_ENTITY (d)))
    adw_window_title_set_subtitle (self->title, _("Changed by someone else too: choose in the list of changes"));
  else if (vz_entity_get_pending (VZ_ENTITY (d)))
    adw_window_title_set_subtitle (self->title, _("Waiting to be saved"));
  else
    adw_window_title_set_subtitle (self->title, vz_display_get_location (d) != NULL ? vz_display_get_location (d) : "");

  set_entry_text (self->name_row, vz_display_get_nickname (d));
  set_entry_text (self->location_row, vz_display_get_location (d));
  set_entry_text (self->timezone_row, vz_display_get_timezone (d));

  orientation = vz_display_get_orientation (d);
  for (guint i = 0; i < VZ_DEVICE_DETAIL_N_ORIENTATIONS; i++)
    if (g_strcmp0 (orientation, _vz_device_detail_orientations[i]) == 0 && adw_combo_row_get_selected (self->orientation_row) != i)
      adw_combo_row_set_selected (self->orientation_row, i);

  _vz_device_detail_update_group_selection (self);

  classes[1] = vz_gui_status_css_class (vz_display_get_status (d));
  gtk_widget_set_css_classes (self->status_dot, classes);
  gtk_label_set_label (self->status_label, vz_display_status_to_label (vz_display_get_status (d)));
  update_last_seen (self);

  _vz_device_detail_update_playlist_selection (self);
  resolution = vz_display_get_resolution (d);
  gtk_label_set_label (self->resolution_label, resolution != NULL && *resolution != '\0' ? resolution : _("Unknown"));
  gtk_label_set_label (self->identifier_label, vz_display_get_device_identifier (d) != NULL
                                               ? vz_display_get_device_identifier (d) : "");

  _vz_device_detail_show_figures (self);
  _vz_device_detail_show_now (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_group), writable);
  gtk_widget_set_sensitive (self->commands_box, writable);
  gtk_widget_set_sensitive (self->screenshot_button, writable && !self->waiting_for_screenshot);

  self->updating = FALSE;
}

static void
on_display_notify (VzDeviceDetail *self,
                   GParamSpec     *pspec,
                   VzDisplay      *display)
{
  _vz_device_detail_refresh (self);
}

static void
on_groups_changed (VzDeviceDetail *self)
{
  self->updating = TRUE;
  _vz_device_detail_update_group_selection (self);
  self->updating = FALSE;
}

/* ---- last seen clock ---- */

static gboolean
last_seen_tick (gpointer user_data)
{
  update_last_seen (user_data);
  return G_SOURCE_CONTINUE;
}

static void
vz_device_detail_map (GtkWidget *widget)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (widget);

  GTK_WIDGET_CLASS (vz_device_detail_parent_class)->map (widget);

  update_last_seen (self);
  if (self->last_seen_id == 0)
    self->last_seen_id = g_timeout_add_seconds (LAST_SEEN_INTERVAL_S, last_seen_tick, self);
  _vz_device_detail_update_metrics_timer (self);
}

static void
vz_device_detail_unmap (GtkWidget *widget)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (widget);

  g_clear_handle_id (&self->last_seen_id, g_source_remove);
  g_clear_handle_id (&self->metrics_id, g_source_remove);

  GTK_WIDGET_CLASS (vz_device_detail_parent_class)->unmap (widget);
}

/* ---- GObject ---- */

static void
vz_device_detail_dispose (GObject *object)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->screenshot_cancellable);
  g_cancellable_cancel (self->metrics_cancellable);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->schedules_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->groups_signals);
  g_clear_object (&self->display_signals);
  g_clear_object (&self->display);
  g_clear_object (&self->engine);
  if (self->playlist_row != NULL)
    _vz_device_detail_playlist_follow (self, NULL);

  g_clear_handle_id (&self->screenshot_timeout_id, g_source_remove);
  g_clear_handle_id (&self->last_seen_id, g_source_remove);
  g_clear_handle_id (&self->metrics_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_DEVICE_DETAIL);
  /* The template's top box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  g_clear_object (&self->group_choices);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->screenshot_cancellable);
  g_clear_object (&self->metrics_cancellable);

  G_OBJECT_CLASS (vz_device_detail_parent_class)->dispose (object);
}

static void
vz_device_detail_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_DISPLAY:
      g_value_set_object (value, self->display);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_device_detail_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_device_detail_set_sync_engine (self, g_value_get_object (value));
      break;
    case PROP_DISPLAY:
      vz_device_detail_set_display (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_device_detail_class_init (VzDeviceDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_device_detail_dispose;
  object_class->get_property = vz_device_detail_get_property;
  object_class->set_property = vz_device_detail_set_property;
  widget_class->map = vz_device_detail_map;
  widget_class->unmap = vz_device_detail_unmap;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DISPLAY] =
    g_param_spec_object ("display", NULL, NULL,
                         VZ_TYPE_DISPLAY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-device-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, header);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, title);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, settings_group);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, location_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, orientation_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, timezone_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, group_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, status_dot);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, status_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, last_seen_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, now_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, resolution_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, identifier_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, cpu_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, memory_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, disk_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, temperature_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_button);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_stack);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_picture);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_error);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, commands_box);
  _vz_device_detail_class_actions_init (widget_class);
  _vz_device_detail_class_playlist_init (widget_class);
  _vz_device_detail_class_screenshot_init (widget_class);
}

static void
vz_device_detail_init (VzDeviceDetail *self)
{
  self->cancellable = g_cancellable_new ();
  self->screenshot_cancellable = g_cancellable_new ();
  self->metrics_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  vz_gui_group_row_show_names (self->group_row);
  vz_playlist_choices_show_names (self->playlist_row);

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "realtime-event::" VZ_SCREENSHOT_READY_EVENT,
                                  G_CALLBACK (_vz_device_detail_on_screenshot_ready), self);

  self->session_signals = g_signal_group_new (VZ_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::role",
                                  G_CALLBACK (_vz_device_detail_refresh), self);

  self->groups_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->groups_signals, "items-changed", G_CALLBACK (on_groups_changed), self);

  self->display_signals = g_signal_group_new (VZ_TYPE_DISPLAY);
  g_signal_group_connect_swapped (self->display_signals, "notify", G_CALLBACK (on_display_notify), self);

  _vz_device_detail_now_init (self);
}

GtkWidget *
vz_device_detail_new (void)
{
  return g_object_new (VZ_TYPE_DEVICE_DETAIL, NULL);
}

VzSyncEngine *
vz_device_detail_get_sync_engine (VzDeviceDetail *self)
{
  g_return_val_if_fail (VZ_IS_DEVICE_DETAIL (self), NULL);

  return self->engine;
}

void
vz_device_detail_set_sync_engine (VzDeviceDetail *self,
                                  VzSyncEngine   *engine)
{
  g_return_if_fail (VZ_IS_DEVICE_DETAIL (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  g_signal_group_set_target (self->engine_signals, engine);
  g_signal_group_set_target (self->session_signals, engine != NULL ? vz_sync_engine_get_session (engine) : NULL);
  g_signal_group_set_target (self->groups_signals, engine != NULL ? vz_sync_engine_get_groups (engine) : NULL);
  g_signal_group_set_target (self->schedules_signals, engine != NULL ? vz_sync_engine_get_schedules (engine) : NULL);

  /* The group row chooses among this engine's groups. */
  self->updating = TRUE;
  g_clear_object (&self->group_choices);
  if (engine != NULL)
    self->group_choices = vz_gui_group_choices_new_full (G_LIST_MODEL (vz_sync_engine_get_groups (engine)),
                                                         _("No group"), _("New Group…"));
  adw_combo_row_set_model (self->group_row, self->group_choices);
  self->updating = FALSE;
  _vz_device_detail_playlist_follow (self, engine);

  _vz_device_detail_refresh (self);
  _vz_device_detail_update_metrics_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

VzDisplay *
vz_device_detail_get_display (VzDeviceDetail *self)
{
  g_return_val_if_fail (VZ_IS_DEVICE_DETAIL (self), NULL);

  return self->display;
}

void
vz_device_detail_set_display (VzDeviceDetail *self,
                              VzDisplay      *display)
{
  g_return_if_fail (VZ_IS_DEVICE_DETAIL (self));
  g_return_if_fail (display == NULL || VZ_IS_DISPLAY (display));

  if (!g_set_object (&self->display, display))
    return;

  g_signal_group_set_target (self->display_signals, display);
  /* A picture or figures on their way belong to the previous screen. */
  _vz_device_detail_reset_screenshot (self);
  _vz_device_detail_reset_metrics (self);

  if (display != NULL)
    {
      /* A new screen means fresh fields, even where the old one was being edited. */
      gtk_editable_set_text (GTK_EDITABLE (self->name_row),
                             vz_display_get_nickname (display) != NULL ? vz_display_get_nickname (display) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->location_row),
                             vz_display_get_location (display) != NULL ? vz_display_get_location (display) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->timezone_row),
                             vz_display_get_timezone (display) != NULL ? vz_display_get_timezone (display) : "");
      _vz_device_detail_refresh (self);
    }
  _vz_device_detail_update_metrics_timer (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
}

GtkWidget *
_vz_device_detail_get_name_row (VzDeviceDetail *self)
{
  return GTK_WIDGET (self->name_row);
}

const char *
_vz_device_detail_get_subtitle (VzDeviceDetail *self)
{
  return adw_window_title_get_subtitle (self->title);
}

GtkWidget *
_vz_device_detail_get_timezone_row (VzDeviceDetail *self)
{
  return GTK_WIDGET (self->timezone_row);
}

const char *
_vz_device_detail_get_figure (VzDeviceDetail *self,
                              const char     *which)
{
  GtkLabel *label = NULL;

  if (g_str_equal (which, "cpu"))
    label = self->cpu_label;
  else if (g_str_equal (which, "memory"))
    label = self->memory_label;
  else if (g_str_equal (which, "disk"))
    label = self->disk_label;
  else if (g_str_equal (which, "temperature"))
    label = self->temperature_label;
  else if (g_str_equal (which, "uptime"))
    label = self->uptime_label;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_label (label);
}

GtkButton *
_vz_device_detail_get_screenshot_button (VzDeviceDetail *self)
{
  return GTK_BUTTON (self->screenshot_button);
}

const char *
_vz_device_detail_get_screenshot_state (VzDeviceDetail *self)
{
  return gtk_stack_get_visible_child_name (self->screenshot_stack);
}

GdkPaintable *
_vz_device_detail_get_screenshot (VzDeviceDetail *self)
{
  return gtk_picture_get_paintable (self->screenshot_picture);
}

const char *
_vz_device_detail_get_screenshot_error (VzDeviceDetail *self)
{
  return gtk_label_get_label (self->screenshot_error);
}
