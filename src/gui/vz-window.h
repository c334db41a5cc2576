/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"
#include "vz-welcome-page.h"
#include "vz-devices-page.h"
#include "vz-playlists-page.h"
#include "vz-schedules-page.h"
#include "vz-content-page.h"
#include "vz-health-page.h"
#include "vz-analytics-page.h"

G_BEGIN_DECLS

#define VZ_TYPE_WINDOW (vz_window_get_type ())
G_DECLARE_FINAL_TYPE (VzWindow, vz_window, VZ, WINDOW, AdwApplicationWindow)

/*
 * VzWindow: the main window. Without a sync engine it shows the welcome page
 * (first run, sign-in); with one it shows the sidebar and the pages, and the
 * header tells the connection state and who is signed in where. Remembers its
 * size in GSettings.
 *
 * Property: "sync-engine" (VzSyncEngine, nullable).
 * Window actions: win.pair (Ctrl+N), win.manage-groups, win.search (Ctrl+F), win.refresh (Ctrl+R).
 */
VzWindow      *vz_window_new               (GtkApplication *application);
VzSyncEngine  *vz_window_get_sync_engine   (VzWindow       *self);
void           vz_window_set_sync_engine   (VzWindow       *self,
                                            VzSyncEngine   *engine);
VzWelcomePage *vz_window_get_welcome_page  (VzWindow       *self);
/* The accounts of this computer (VzAccount items) for the sidebar's switcher. */
void           vz_window_set_accounts      (VzWindow       *self,
                                            GListModel     *accounts);
VzDevicesPage *vz_window_get_devices_page  (VzWindow       *self);
/* The pages other than Devices are made when first shown or asked for here. */
VzPlaylistsPage *vz_window_get_playlists_page (VzWindow    *self);
VzContentPage  *vz_window_get_content_page  (VzWindow     *self);
VzSchedulesPage *vz_window_get_schedules_page (VzWindow    *self);
VzHealthPage   *vz_window_get_health_page   (VzWindow     *self);
VzAnalyticsPage *vz_window_get_analytics_page (VzWindow    *self);
/* Shows the screen @display_id in the Devices page's detail; FALSE when the
 * window shows no fleet or the fleet has no such screen. */
gboolean        vz_window_show_screen       (VzWindow     *self,
                                             const char   *display_id);
/* A spinner with @message while the app starts a server or signs in. */
void           vz_window_show_busy         (VzWindow       *self,
                                            const char     *message);
/* Back to the welcome page (sign-out, or a start that failed). */
void           vz_window_show_welcome      (VzWindow       *self);
void           vz_window_show_toast        (VzWindow       *self,
                                            const char     *title);
void           vz_window_add_toast         (VzWindow       *self,
                                            AdwToast       *toast);

G_END_DECLS
