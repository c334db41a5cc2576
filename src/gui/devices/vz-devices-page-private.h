/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-devices-page.h"
#include "vz-device-detail.h"

G_BEGIN_DECLS

/* For tests: what the page shows, as a person would see it. */
GtkColumnView  *_vz_devices_page_get_column_view (VzDevicesPage *self);
/* "loading", "empty", "error", "no-results" or "list" */
const char     *_vz_devices_page_get_state       (VzDevicesPage *self);
GtkWidget      *_vz_devices_page_get_state_widget (VzDevicesPage *self,
                                                   const char    *state);
GtkSearchEntry *_vz_devices_page_get_search_entry (VzDevicesPage *self);
GtkDropDown    *_vz_devices_page_get_status_dropdown (VzDevicesPage *self);
VzDeviceDetail *_vz_devices_page_get_detail      (VzDevicesPage *self);

G_END_DECLS
