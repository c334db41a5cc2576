/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include <glib/gi18n.h>

#include "vz-device-detail-private.h"
#include "vz-display-group-resource.h"
#include "vz-playlist-resource.h"
#include "vz-schedule-now.h"
#include "vz-schedule-resource.h"

/* "What plays here now": the playlist playing, why, and what comes next,
 * decided by the shared evaluator from the schedules the engine has read. */

void
_vz_device_detail_show_now (VzDeviceDetail *self)
{
  g_autofree char *now = NULL;
  g_autofree char *next = NULL;
  g_autofree char *subtitle = NULL;

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (self->display == NULL || self->engine == NULL)
    return;
  vz_schedule_describe_now (vz_sync_engine_get_schedules (self->engine), vz_sync_engine_get_groups (self->engine),
                            vz_sync_engine_get_playlists (self->engine), self->display,
                            g_get_real_time () / G_USEC_PER_SEC, &now, &next);
  /* TRANSLATORS: what a screen plays, then what it plays next */
  subtitle = g_strdup_printf (_("%s\nNext: %s"), now, next);
  adw_action_row_set_subtitle (self->now_row, subtitle);
}

void
_vz_device_detail_now_init (VzDeviceDetail *self)
{
  g_assert (VZ_IS_DEVICE_DETAIL (self));

  self->schedules_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->schedules_signals, "items-changed",
                                  G_CALLBACK (_vz_device_detail_show_now), self);
  g_signal_group_connect_swapped (self->engine_signals, "realtime-event::schedule:executed",
                                  G_CALLBACK (_vz_device_detail_show_now), self);
}

const char *
_vz_device_detail_get_now (VzDeviceDetail *self)
{
  g_return_val_if_fail (VZ_IS_DEVICE_DETAIL (self), NULL);
  return adw_action_row_get_subtitle (self->now_row);
}
