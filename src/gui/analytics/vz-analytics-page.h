/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_ANALYTICS_PAGE (vz_analytics_page_get_type ())
G_DECLARE_FINAL_TYPE (VzAnalyticsPage, vz_analytics_page, VZ, ANALYTICS_PAGE, GtkWidget)

/*
 * VzAnalyticsPage: the fleet's reports, read when the page shows: summary
 * cards (screens online, uptime, impressions, content, active playlists)
 * for the last week, month or year, the availability per day (VzChart as
 * bars), the content played most, and the proof-of-play table for a range
 * of days, a page at a time, with CSV export through the file chooser.
 *
 * Actions (group "analytics"): show-plays (reads the table for the days
 * typed), previous-page, next-page, export-csv, reload.
 */
GtkWidget    *vz_analytics_page_new             (void);
void          vz_analytics_page_set_sync_engine (VzAnalyticsPage *self,
                                                 VzSyncEngine    *engine);
/* The proof-of-play table's rows (VzProofEntry; transfer none). */
GListModel   *vz_analytics_page_get_plays       (VzAnalyticsPage *self);
/* Saves the proof-of-play CSV of the days shown to @file, as the export
 * does once a file is chosen; a toast tells how it went. */
void          vz_analytics_page_export_to       (VzAnalyticsPage *self,
                                                 GFile           *file);

G_END_DECLS
