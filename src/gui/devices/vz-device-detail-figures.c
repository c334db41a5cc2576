/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-figures.h"
#include "vz-display-health.h"
#include "vz-device-detail-private.h"

/* `device:status` events carry no metrics: while the pane shows a screen it
 * reads the screen again this often, so its figures stay current. */
#define METRICS_INTERVAL_S 15

static char *
format_uptime (gint64 seconds)
{
  gint64 days, hours, minutes;

  if (seconds < 0)
    return g_strdup (_("Unknown"));

  days = seconds / 86400;
  hours = (seconds % 86400) / 3600;
  minutes = (seconds % 3600) / 60;

  if (days > 0)
    {
      g_autofree char *d = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d day", "%'d days", (int) days), (int) days);
      g_autofree char *h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d hour", "%'d hours", (int) hours), (int) hours);
      /* Translators: "3 days, 4 hours" */
      return g_strdup_printf (_("%s, %s"), d, h);
    }
  if (hours > 0)
    {
      g_autofree char *h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d hour", "%'d hours", (int) hours), (int) hours);
      g_autofree char *m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d minute", "%'d minutes", (int) minutes), (int) minutes);
      return g_strdup_printf (_("%s, %s"), h, m);
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d minute", "%'d minutes", (int) minutes), (int) minutes);
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

void
_vz_device_detail_show_figures (VzDeviceDetail *self)
{
  VzDisplay *d = self->display;

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (d == NULL)
    return;
  set_label_take (self->cpu_label, vz_metric_format ("cpuUsage", vz_display_get_cpu_usage (d)));
  set_label_take (self->memory_label, vz_metric_format ("memoryUsage", vz_display_get_memory_usage (d)));
  set_label_take (self->disk_label, vz_metric_format ("diskUsage", vz_display_get_disk_usage (d)));
  set_label_take (self->temperature_label, vz_metric_format ("temperature", vz_display_get_temperature (d)));
  set_label_take (self->uptime_label, format_uptime (vz_display_get_uptime (d)));
}

/* ---- reading them ---- */

static void
figures_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean read = vz_display_figures_read_finish (result, &error);

  /* A read for the previous screen, or for a pane that is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->metrics_in_flight = FALSE;
  /* Offline or refused: the pane keeps the last figures it had, the header
   * already says the connection state. */
  if (!read)
    g_debug ("Screen figures not read: %s", error->message);
}

static void
read_metrics (VzDeviceDetail *self)
{
  if (self->display == NULL || self->engine == NULL || self->metrics_in_flight)
    return;

  self->metrics_in_flight = TRUE;
  vz_display_figures_read_async (vz_sync_engine_get_session (self->engine), self->display,
                                 self->metrics_cancellable, figures_read_cb, g_object_ref (self));
}

static gboolean
metrics_tick (gpointer user_data)
{
  read_metrics (user_data);
  return G_SOURCE_CONTINUE;
}

/* Reads now and then every METRICS_INTERVAL_S while a screen is shown and
 * the pane is on screen. */
void
_vz_device_detail_update_metrics_timer (VzDeviceDetail *self)
{
  gboolean wanted = self->display != NULL && self->engine != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (wanted && self->metrics_id == 0)
    {
      read_metrics (self);
      self->metrics_id = g_timeout_add_seconds (METRICS_INTERVAL_S, metrics_tick, self);
    }
  else if (!wanted)
    g_clear_handle_id (&self->metrics_id, g_source_remove);
}

void
_vz_device_detail_reset_metrics (VzDeviceDetail *self)
{
  g_cancellable_cancel (self->metrics_cancellable);
  g_clear_object (&self->metrics_cancellable);
  self->metrics_cancellable = g_cancellable_new ();
  self->metrics_in_flight = FALSE;
  g_clear_handle_id (&self->metrics_id, g_source_remove);
}
