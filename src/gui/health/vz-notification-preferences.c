/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-notification-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "vz-gui.h"
#include "vz-notification-preferences.h"

#define SETTINGS_SCHEMA "cloud.vizora.Desktop"

struct _VzNotificationPreferences
{
  AdwPreferencesPage  parent_instance;

  GSettings          *settings;

  AdwComboRow        *severity_row;
  AdwExpanderRow     *quiet_row;
  GtkAdjustment      *start_adjustment;
  GtkAdjustment      *end_adjustment;
  GtkSwitch          *background_switch;
};

G_DEFINE_FINAL_TYPE (VzNotificationPreferences, vz_notification_preferences, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The combo row's items, in order. */
static const char * const severities[] = { "warning", "critical", "none", NULL };

/* The spin buttons hold minutes after midnight and show them as a time. */
static gboolean
on_time_output (GtkSpinButton *spin,
                gpointer       user_data)
{
  int minutes = (int) gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_time_input (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  int hours = 0, minutes = 0;

  if (sscanf (text, "%d:%d", &hours, &minutes) < 1 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
    return GTK_INPUT_ERROR;
  *new_value = hours * 60 + minutes;
  return TRUE;
}

static gboolean
minutes_to_value (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
value_to_minutes (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value), 0, 1439));
}

static void
vz_notification_preferences_constructed (GObject *object)
{
  VzNotificationPreferences *self = VZ_NOTIFICATION_PREFERENCES (object);

  G_OBJECT_CLASS (vz_notification_preferences_parent_class)->constructed (object);

  /* A template child (the app's Preferences window) is made without one. */
  if (self->settings == NULL)
    self->settings = g_settings_new (SETTINGS_SCHEMA);

  vz_gui_bind_choice_row (self->settings, "notify-min-severity", self->severity_row, severities);
  g_settings_bind (self->settings, "quiet-hours-enabled", self->quiet_row, "enable-expansion",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "quiet-hours-start", self->start_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, minutes_to_value, value_to_minutes, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "quiet-hours-end", self->end_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, minutes_to_value, value_to_minutes, NULL, NULL);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
vz_notification_preferences_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  VzNotificationPreferences *self = VZ_NOTIFICATION_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_notification_preferences_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  VzNotificationPreferences *self = VZ_NOTIFICATION_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_notification_preferences_dispose (GObject *object)
{
  VzNotificationPreferences *self = VZ_NOTIFICATION_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_NOTIFICATION_PREFERENCES);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vz_notification_preferences_parent_class)->dispose (object);
}

static void
vz_notification_preferences_class_init (VzNotificationPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_notification_preferences_constructed;
  object_class->dispose = vz_notification_preferences_dispose;
  object_class->get_property = vz_notification_preferences_get_property;
  object_class->set_property = vz_notification_preferences_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-notification-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, VzNotificationPreferences, severity_row);
  gtk_widget_class_bind_template_child (widget_class, VzNotificationPreferences, quiet_row);
  gtk_widget_class_bind_template_child (widget_class, VzNotificationPreferences, start_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzNotificationPreferences, end_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzNotificationPreferences, background_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_time_output);
  gtk_widget_class_bind_template_callback (widget_class, on_time_input);
}

static void
vz_notification_preferences_init (VzNotificationPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The switch libadwaita puts in the row is named after the row. */
  vz_gui_name_inner (GTK_WIDGET (self->quiet_row), GTK_TYPE_SWITCH,
                     adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->quiet_row)));
}

GtkWidget *
vz_notification_preferences_new_for_settings (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VZ_TYPE_NOTIFICATION_PREFERENCES, "settings", settings, NULL);
}

GtkWidget *
vz_notification_preferences_new (void)
{
  return g_object_new (VZ_TYPE_NOTIFICATION_PREFERENCES, NULL);
}
