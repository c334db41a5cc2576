/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_HEALTH_PAGE (vz_health_page_get_type ())
G_DECLARE_FINAL_TYPE (VzHealthPage, vz_health_page, VZ, HEALTH_PAGE, GtkWidget)

/*
 * VzHealthPage: the fleet's health. The overview counts the screens online,
 * offline, with a warning and critical, lists the alerts (newest first;
 * filtered by severity and unread; mark read, dismiss, mark all read) and
 * the screens from the least healthy, each with its score and the reason.
 * A screen opens its charts of the last 24 hours or 7 days (CPU, memory,
 * disk, temperature: VzChart).
 *
 * Actions (group "health"): read-alert (s), dismiss-alert (s), read-all,
 * show-screen (s), back, show-in-devices, preferences, period (s: "day",
 * the last 24 hours, or "week", the last 7 days: the property "period").
 */
GtkWidget    *vz_health_page_new             (void);
void          vz_health_page_set_sync_engine (VzHealthPage *self,
                                              VzSyncEngine *engine);
VzSyncEngine *vz_health_page_get_sync_engine (VzHealthPage *self);
/* Opens the charts of screen @display_id; FALSE when it is not known. */
gboolean      vz_health_page_show_screen     (VzHealthPage *self,
                                              const char   *display_id);
/* The screen whose charts show, or NULL on the overview. */
const char   *vz_health_page_get_screen_id   (VzHealthPage *self);

G_END_DECLS
