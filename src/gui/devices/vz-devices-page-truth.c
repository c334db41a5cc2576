/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-devices-page-private.h"

/*
 * What the page claims, and how sure it is: while the engine is online the
 * rows are live; while it is not, every status is what was last known (the
 * rows, the counts and a banner say so, with the time of the last contact).
 * The counts of online and offline screens, a banner when a large share of
 * the fleet is offline, and the fleet server this app started: a banner
 * while it restarts, and why it stopped when it keeps failing.
 */

/* A banner when at least this many screens, and this share of the fleet,
 * are offline while the page is live. */
#define OUTAGE_MIN_SCREENS  3
#define OUTAGE_MIN_PERCENT  25

static void
set_live (VzDevicesPage *self,
          gboolean       live,
          gint64         last_contact)
{
  if (self->live != live)
    {
      self->live = live;
      _vz_devices_page_notify_truth (self, VZ_DEVICES_PAGE_TRUTH_LIVE);
    }
  if (self->last_contact != last_contact)
    {
      self->last_contact = last_contact;
      _vz_devices_page_notify_truth (self, VZ_DEVICES_PAGE_TRUTH_LAST_CONTACT);
    }
}

static void
set_summary_label (VzDevicesPage *self,
                   const char    *label)
{
  if (g_strcmp0 (self->summary_label, label) == 0)
    return;
  g_free (self->summary_label);
  self->summary_label = g_strdup (label);
  _vz_devices_page_notify_truth (self, VZ_DEVICES_PAGE_TRUTH_SUMMARY_LABEL);
}

/* The summary follows the engine's display store. */
static void
follow_store (VzDevicesPage *self)
{
  VzStore *displays = self->engine != NULL ? vz_sync_engine_get_displays (self->engine) : NULL;
  g_autoptr(VzStore) followed = NULL;

  if (self->summary != NULL)
    g_object_get (self->summary, "store", &followed, NULL);
  if (followed == displays && (self->summary != NULL) == (displays != NULL))
    return;

  g_clear_object (&self->summary);
  if (displays != NULL)
    self->summary = vz_fleet_summary_new (displays);
  g_signal_group_set_target (self->summary_signals, self->summary);
}

/* "10:42" today, "Mar 3, 10:42" before. */
static char *
format_contact_time (gint64 when_us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (when_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    /* Translators: a time of day today, as in "Showing what was known at 10:42" */
    return g_date_time_format (when, _("%H:%M"));
  /* Translators: a day and time, as in "Showing what was known at Mar 3, 10:42" */
  return g_date_time_format (when, _("%b %-d, %H:%M"));
}

static void
update_connection_banner (VzDevicesPage *self,
                          guint          total)
{
  g_autofree char *text = NULL;
  gboolean show;

  /* An offline start shows the saved fleet with the window's own strip
   * about it ("Offline — showing the fleet as of…"). */
  show = self->engine != NULL && !self->live && total > 0 &&
         vz_sync_engine_get_snapshot_time (self->engine) == NULL;
  if (show)
    {
      if (self->last_contact > 0)
        {
          g_autofree char *at = format_contact_time (self->last_contact);

          /* Translators: %s is a time, "10:42" */
          text = g_strdup_printf (_("Cannot reach the server. Showing what was known at %s."), at);
        }
      else
        text = g_strdup (_("Cannot reach the server. Showing what was last known."));
      vz_banner_set_title (self->connection_banner, text);
    }
  vz_banner_set_revealed (self->connection_banner, show);
}

static void
update_outage_banner (VzDevicesPage *self,
                      guint          total,
                      guint          offline)
{
  gboolean show = self->live && offline >= OUTAGE_MIN_SCREENS &&
                  (guint64) offline * 100 >= (guint64) total * OUTAGE_MIN_PERCENT;

  if (show)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%'u of %'u screens is offline.",
                                      "%'u of %'u screens are offline.", offline),
                         offline, total);
      vz_banner_set_title (self->outage_banner, text);
    }
  vz_banner_set_revealed (self->outage_banner, show);
}

void
_vz_devices_page_update_truth (VzDevicesPage *self)
{
  g_autofree char *counts = NULL;
  g_autofree char *label = NULL;
  gboolean live = FALSE;
  gint64 last_contact = 0;
  guint total = 0, online = 0, offline = 0;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  follow_store (self);

  if (self->engine != NULL)
    {
      live = vz_sync_engine_get_connection_state (self->engine) == VZ_CONNECTION_STATE_ONLINE;
      if (!live)
        {
          GDateTime *snapshot = vz_sync_engine_get_snapshot_time (self->engine);

          last_contact = vz_sync_engine_get_last_contact (self->engine);
          if (last_contact == 0 && snapshot != NULL)
            last_contact = g_date_time_to_unix (snapshot) * G_USEC_PER_SEC;
        }
    }
  set_live (self, live, last_contact);

  if (self->summary != NULL)
    {
      total = vz_fleet_summary_get_total (self->summary);
      online = vz_fleet_summary_get_online (self->summary);
      offline = vz_fleet_summary_get_offline (self->summary);
    }
  if (total > 0)
    {
      /* Translators: the fleet's counts, "27 online · 3 offline" */
      counts = g_strdup_printf (_("%'u online · %'u offline"), online, offline);
      /* Translators: the counts while the server cannot be reached */
      label = live ? g_strdup (counts) : g_strdup_printf (_("Last known: %s"), counts);
    }
  set_summary_label (self, label != NULL ? label : "");

  update_connection_banner (self, total);
  update_outage_banner (self, total, offline);
}

static gboolean
truth_idle (gpointer user_data)
{
  VzDevicesPage *self = user_data;

  self->truth_id = 0;
  _vz_devices_page_update_truth (self);
  return G_SOURCE_REMOVE;
}

/* The counts move with every status: a storm of them is shown once per
 * frame (the idle runs before the frame clock's paint), not once per change. */
static void
queue_truth_update (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (self->truth_id == 0)
    self->truth_id = g_idle_add_full (GDK_PRIORITY_REDRAW - 1, truth_idle, self, NULL);
}

static void
update_server_banner (VzDevicesPage *self)
{
  VzLocalServerState state = self->local_server != NULL ?
                             vz_local_server_get_state (self->local_server) :
                             VZ_LOCAL_SERVER_STATE_STOPPED;
  g_autofree char *text = NULL;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (state == VZ_LOCAL_SERVER_STATE_RESTARTING)
    {
      guint attempt = vz_local_server_get_restart_count (self->local_server) + 1;

      text = g_strdup_printf (_("The fleet server on this computer stopped. Starting it again (attempt %'u)…"),
                              attempt);
      vz_banner_set_button_label (self->server_banner, NULL);
    }
  else if (state == VZ_LOCAL_SERVER_STATE_FAILED)
    {
      g_autofree char *output = vz_local_server_dup_error_output (self->local_server);
      const char *last = output != NULL ? strrchr (output, '\n') : NULL;
      const char *dir = vz_local_server_get_data_dir (self->local_server);

      last = last != NULL ? last + 1 : output;
      if (last != NULL && *last != '\0')
        /* Translators: the server's own last words, then the folder of its data */
        text = g_strdup_printf (_("The fleet server on this computer keeps stopping. It said: “%s” Its data is in %s."),
                                last, dir);
      else
        text = g_strdup_printf (_("The fleet server on this computer keeps stopping. Its data is in %s."), dir);
      vz_banner_set_button_label (self->server_banner, _("_Start Again"));
    }

  if (text != NULL)
    vz_banner_set_title (self->server_banner, text);
  vz_banner_set_revealed (self->server_banner, text != NULL);
}

void
_vz_devices_page_reconnect (VzDevicesPage *self)
{
  VzRealtimeClient *realtime;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (self->engine == NULL)
    return;
  /* The link waits out its backoff; a person asking now means now. */
  realtime = vz_sync_engine_get_realtime_client (self->engine);
  if (realtime != NULL && vz_realtime_client_get_state (realtime) != VZ_REALTIME_STATE_CONNECTED &&
      vz_realtime_client_get_state (realtime) != VZ_REALTIME_STATE_AUTH_FAILED)
    {
      vz_realtime_client_stop (realtime);
      vz_realtime_client_start (realtime);
    }
}

static void
devices_restart_server (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  if (self->local_server != NULL)
    vz_local_server_restart (self->local_server);
}

static void
devices_show_offline (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  /* The status dropdown's "Offline" */
  gtk_drop_down_set_selected (self->status_dropdown, 2);
}

void
_vz_devices_page_truth_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "devices.restart-server", NULL, devices_restart_server);
  gtk_widget_class_install_action (widget_class, "devices.show-offline", NULL, devices_show_offline);
}

void
_vz_devices_page_truth_init (VzDevicesPage *self)
{
  self->summary_label = g_strdup ("");

  g_signal_group_connect_swapped (self->engine_signals, "notify::connection-state",
                                  G_CALLBACK (_vz_devices_page_update_truth), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::last-contact",
                                  G_CALLBACK (_vz_devices_page_update_truth), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::snapshot-time",
                                  G_CALLBACK (_vz_devices_page_update_truth), self);

  /* A status change moves the summary's counts at once (O(1)); the page
   * shows them before the next frame. */
  self->summary_signals = g_signal_group_new (VZ_TYPE_FLEET_SUMMARY);
  g_signal_group_connect_swapped (self->summary_signals, "notify::total", G_CALLBACK (queue_truth_update), self);
  g_signal_group_connect_swapped (self->summary_signals, "notify::online", G_CALLBACK (queue_truth_update), self);
  g_signal_group_connect_swapped (self->summary_signals, "notify::offline", G_CALLBACK (queue_truth_update), self);

  self->local_server_signals = g_signal_group_new (VZ_TYPE_LOCAL_SERVER);
  g_signal_group_connect_swapped (self->local_server_signals, "notify::state",
                                  G_CALLBACK (update_server_banner), self);
  g_signal_group_connect_swapped (self->local_server_signals, "notify::restart-count",
                                  G_CALLBACK (update_server_banner), self);
  g_signal_group_connect_swapped (self->local_server_signals, "notify::error-output",
                                  G_CALLBACK (update_server_banner), self);
}

void
_vz_devices_page_truth_dispose (VzDevicesPage *self)
{
  g_clear_handle_id (&self->truth_id, g_source_remove);
  g_clear_object (&self->summary_signals);
  g_clear_object (&self->summary);
  g_clear_object (&self->local_server_signals);
  g_clear_object (&self->local_server);
  g_clear_pointer (&self->summary_label, g_free);
}

gboolean
vz_devices_page_get_live (VzDevicesPage *self)
{
  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), FALSE);

  return self->live;
}

const char *
vz_devices_page_get_summary_label (VzDevicesPage *self)
{
  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), NULL);

  return self->summary_label != NULL ? self->summary_label : "";
}

void
vz_devices_page_set_local_server (VzDevicesPage *self,
                                  VzLocalServer *server)
{
  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));
  g_return_if_fail (server == NULL || VZ_IS_LOCAL_SERVER (server));

  if (!g_set_object (&self->local_server, server))
    return;
  g_signal_group_set_target (self->local_server_signals, server);
  update_server_banner (self);
  _vz_devices_page_update_simulated (self);
}

VzBanner *
_vz_devices_page_get_banner (VzDevicesPage *self,
                             const char    *which)
{
  if (g_str_equal (which, "connection"))
    return self->connection_banner;
  if (g_str_equal (which, "outage"))
    return self->outage_banner;
  if (g_str_equal (which, "server"))
    return self->server_banner;
  g_assert_not_reached ();
}
