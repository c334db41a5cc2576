/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-screen-health-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-health.h"
#include "vz-gui.h"
#include "vz-screen-health-row.h"

struct _VzScreenHealthRow
{
  GtkListBoxRow  parent_instance;

  VzDisplay     *display;

  GtkImage      *level_icon;
  GtkLabel      *name_label;
  GtkLabel      *reason_label;
  GtkLabel      *level_label;
  GtkLabel      *score_label;
};

G_DEFINE_FINAL_TYPE (VzScreenHealthRow, vz_screen_health_row, GTK_TYPE_LIST_BOX_ROW)

const char *
vz_health_level_icon_name (int level)
{
  switch (level)
    {
    case VZ_HEALTH_CRITICAL:
      return "dialog-error-symbolic";
    case VZ_HEALTH_WARNING:
      return "dialog-warning-symbolic";
    case VZ_HEALTH_OFFLINE:
      return "network-offline-symbolic";
    case VZ_HEALTH_OK:
    default:
      return "emblem-ok-symbolic";
    }
}

void
vz_screen_health_row_show (VzScreenHealthRow     *self,
                           const VzDisplayHealth *health)
{
  g_autofree char *score = NULL;
  g_autofree char *accessible = NULL;
  const char *name;

  g_return_if_fail (VZ_IS_SCREEN_HEALTH_ROW (self));
  g_return_if_fail (health != NULL);

  name = vz_display_get_display_name (self->display);
  gtk_image_set_from_icon_name (self->level_icon, vz_health_level_icon_name (health->level));
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->reason_label, health->reason);
  gtk_label_set_label (self->level_label, vz_health_level_to_label (health->level));
  score = g_strdup_printf ("%u", health->score);
  gtk_label_set_label (self->score_label, score);
  /* Translators: a screen's row read aloud: "Lobby, Critical, health score 30: Temperature 86 °C, over 80 °C" */
  accessible = g_strdup_printf (_("%s, %s, health score %u: %s"), name != NULL ? name : "",
                                vz_health_level_to_label (health->level), health->score, health->reason);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_display_changed (VzScreenHealthRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "health.refresh", NULL);
}

static void
vz_screen_health_row_dispose (GObject *object)
{
  VzScreenHealthRow *self = VZ_SCREEN_HEALTH_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SCREEN_HEALTH_ROW);
  g_clear_object (&self->display);

  G_OBJECT_CLASS (vz_screen_health_row_parent_class)->dispose (object);
}

static void
vz_screen_health_row_class_init (VzScreenHealthRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_screen_health_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-screen-health-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzScreenHealthRow, level_icon);
  gtk_widget_class_bind_template_child (widget_class, VzScreenHealthRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzScreenHealthRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VzScreenHealthRow, level_label);
  gtk_widget_class_bind_template_child (widget_class, VzScreenHealthRow, score_label);
}

static void
vz_screen_health_row_init (VzScreenHealthRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_screen_health_row_new (VzDisplay *display)
{
  VzScreenHealthRow *self;

  g_return_val_if_fail (VZ_IS_DISPLAY (display), NULL);

  self = g_object_new (VZ_TYPE_SCREEN_HEALTH_ROW, NULL);
  self->display = g_object_ref (display);
  g_signal_connect_object (display, "notify", G_CALLBACK (on_display_changed), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

VzDisplay *
vz_screen_health_row_get_display (VzScreenHealthRow *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_HEALTH_ROW (self), NULL);
  return self->display;
}
