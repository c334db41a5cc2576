/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"
#include "vz-local-server.h"

G_BEGIN_DECLS

#define VZ_TYPE_DEVICES_PAGE (vz_devices_page_get_type ())
G_DECLARE_FINAL_TYPE (VzDevicesPage, vz_devices_page, VZ, DEVICES_PAGE, GtkWidget)

/*
 * VzDevicesPage: every screen of the organization in a sortable column view
 * over the sync engine's display store (filtered by search and status, never
 * copied), with multi-selection for bulk actions and a detail pane.
 *
 * Properties: "sync-engine" (VzSyncEngine, nullable), "clock" (gint64, read-only:
 * wall-clock µs, ticks every 10 s while the page is mapped; the bound rows'
 * "Last seen" texts follow it, so they age while on screen), "live"
 * (gboolean), "last-contact" (gint64 µs: the engine's, while not live),
 * "summary-label" (string), "selection-mode" (gboolean: a check box in every
 * row and a tap toggles it, for touch; Escape leaves it).
 * Widget actions: devices.pair, devices.delete, devices.add-to-group,
 * devices.reload, devices.restart, devices.reboot, devices.set-location,
 * devices.assign-playlist
 * (the selected screens), devices.selection-mode, devices.retry,
 * devices.close-detail.
 */
GtkWidget    *vz_devices_page_new             (void);
VzSyncEngine *vz_devices_page_get_sync_engine (VzDevicesPage *self);
void          vz_devices_page_set_sync_engine (VzDevicesPage *self,
                                               VzSyncEngine  *engine);
gint64        vz_devices_page_get_clock       (VzDevicesPage *self);
gboolean      vz_devices_page_get_selection_mode (VzDevicesPage *self);
void          vz_devices_page_set_selection_mode (VzDevicesPage *self,
                                                  gboolean       selection_mode);
void          vz_devices_page_focus_search    (VzDevicesPage *self);
/* TRUE while the engine is online: the rows show live status; otherwise
 * they show what was last known. */
gboolean      vz_devices_page_get_live        (VzDevicesPage *self);
/* "27 online · 3 offline", "Last known: 27 online · 3 offline"; "" without screens. */
const char   *vz_devices_page_get_summary_label (VzDevicesPage *self);
/* The fleet server this app started, when it serves this page: its
 * restarts and failures are told on the page. */
void          vz_devices_page_set_local_server (VzDevicesPage *self,
                                                VzLocalServer *server);
/* Opens the pairing dialog over the page's window. */
void          vz_devices_page_pair            (VzDevicesPage *self);
/* Opens the groups (new, rename, delete) over the page's window. */
void          vz_devices_page_manage_groups   (VzDevicesPage *self);
/* Shows the screen @display_id in the detail pane, whether or not the list
 * shows it now (and chooses its row when it does); FALSE when the fleet has
 * no such screen. */
gboolean      vz_devices_page_show_display    (VzDevicesPage *self,
                                               const char    *display_id);

G_END_DECLS
