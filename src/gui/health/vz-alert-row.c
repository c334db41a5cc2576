/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-alert-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-alert-row.h"
#include "vz-gui.h"

struct _VzAlertRow
{
  GtkListBoxRow   parent_instance;

  VzNotification *alert;
  char           *screen_name;

  GtkImage       *severity_icon;
  GtkLabel       *severity_label;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkLabel       *message_label;
  GtkWidget      *read_button;
  GtkWidget      *dismiss_button;
};

G_DEFINE_FINAL_TYPE (VzAlertRow, vz_alert_row, GTK_TYPE_LIST_BOX_ROW)

static char *
format_when (gint64 time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (time == 0)
    return g_strdup (_("Unknown time"));
  utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: the time of an alert today, see strftime */
    return g_date_time_format (local, _("%H:%M"));
  /* Translators: the day and time of an older alert, see strftime */
  return g_date_time_format (local, _("%e %b %H:%M"));
}

static void
update (VzAlertRow *self)
{
  VzSeverity severity = vz_notification_get_severity (self->alert);
  const char *title = vz_notification_get_title (self->alert);
  const char *message = vz_notification_get_message (self->alert);
  gboolean read = vz_notification_get_read (self->alert);
  gboolean resolved = vz_notification_get_resolved (self->alert);
  g_autofree char *when = format_when (vz_notification_get_created_time (self->alert));
  g_autofree char *detail = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *accessible = NULL;

  g_assert (VZ_IS_ALERT_ROW (self));

  gtk_image_set_from_icon_name (self->severity_icon, vz_severity_icon_name (severity));
  gtk_label_set_label (self->severity_label, vz_severity_to_label (severity));
  markup = g_markup_printf_escaped (read ? "%s" : "<b>%s</b>", title != NULL ? title : _("Alert"));
  gtk_label_set_markup (self->title_label, markup);
  if (self->screen_name != NULL && resolved)
    /* Translators: "Lobby · 14:35 · Resolved" */
    detail = g_strdup_printf (_("%s · %s · Resolved"), self->screen_name, g_strstrip (when));
  else if (self->screen_name != NULL)
    /* Translators: "Lobby · 14:35" */
    detail = g_strdup_printf (_("%s · %s"), self->screen_name, g_strstrip (when));
  else if (resolved)
    detail = g_strdup_printf (_("%s · Resolved"), g_strstrip (when));
  else
    detail = g_strdup (g_strstrip (when));
  gtk_label_set_label (self->detail_label, detail);
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
  gtk_widget_set_visible (self->read_button, !read);

  /* Read as one: "Critical: Lobby is overheating, Lobby · 14:35, unread". */
  accessible = g_strdup_printf ("%s: %s, %s%s", vz_severity_to_label (severity), title != NULL ? title : "",
                                detail, read ? "" : _(", unread"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
vz_alert_row_dispose (GObject *object)
{
  VzAlertRow *self = VZ_ALERT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_ALERT_ROW);
  g_clear_object (&self->alert);
  g_clear_pointer (&self->screen_name, g_free);

  G_OBJECT_CLASS (vz_alert_row_parent_class)->dispose (object);
}

static void
vz_alert_row_class_init (VzAlertRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_alert_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-alert-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, severity_icon);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, severity_label);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, read_button);
  gtk_widget_class_bind_template_child (widget_class, VzAlertRow, dismiss_button);
}

static void
vz_alert_row_init (VzAlertRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_alert_row_new (VzNotification *alert,
                  const char     *screen_name)
{
  VzAlertRow *self;
  const char *id;

  g_return_val_if_fail (VZ_IS_NOTIFICATION (alert), NULL);

  self = g_object_new (VZ_TYPE_ALERT_ROW, NULL);
  self->alert = g_object_ref (alert);
  self->screen_name = g_strdup (screen_name);
  id = vz_entity_get_id (VZ_ENTITY (alert));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->read_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->dismiss_button), "s", id);
  g_signal_connect_object (alert, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

VzNotification *
vz_alert_row_get_notification (VzAlertRow *self)
{
  g_return_val_if_fail (VZ_IS_ALERT_ROW (self), NULL);
  return self->alert;
}
