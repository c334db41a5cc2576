/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-display.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_DEVICE_DETAIL (vz_device_detail_get_type ())
G_DECLARE_FINAL_TYPE (VzDeviceDetail, vz_device_detail, VZ, DEVICE_DETAIL, GtkWidget)

/*
 * VzDeviceDetail: one screen: its settings (name, location, orientation,
 * time zone, group), live state and metrics, a screenshot on request and the
 * reload/restart/reboot commands. Every change goes through the sync engine:
 * settings show at once and queue (the window's toasts tell what becomes of
 * them), commands wait for the server and end in a toast that says how it
 * went. While a screen is shown its figures are read again every 15 s, since
 * live status events carry none.
 *
 * Properties: "sync-engine", "display" (VzDisplay, nullable).
 */
GtkWidget    *vz_device_detail_new             (void);
VzSyncEngine *vz_device_detail_get_sync_engine (VzDeviceDetail *self);
void          vz_device_detail_set_sync_engine (VzDeviceDetail *self,
                                                VzSyncEngine   *engine);
VzDisplay    *vz_device_detail_get_display     (VzDeviceDetail *self);
void          vz_device_detail_set_display     (VzDeviceDetail *self,
                                                VzDisplay      *display);

G_END_DECLS
