/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display.h"
#include "vz-store.h"

G_BEGIN_DECLS

#define VZ_TYPE_FLEET_SUMMARY (vz_fleet_summary_get_type ())
G_DECLARE_FINAL_TYPE (VzFleetSummary, vz_fleet_summary, VZ, FLEET_SUMMARY, GObject)

/*
 * VzFleetSummary: how many screens of a store are online, offline and
 * otherwise (pairing, error, idle, unknown), kept up to date as statuses
 * change: O(1) per status change, O(screens) only when screens come or go.
 * The counts are what the store shows; whether that is live or last known
 * is the sync engine's connection state.
 *
 * Properties (read-only, notify on real change): "store" (construct-only),
 * "total", "online", "offline", "other" (guint).
 */
VzFleetSummary *vz_fleet_summary_new         (VzStore        *displays);
guint           vz_fleet_summary_get_total   (VzFleetSummary *self);
guint           vz_fleet_summary_get_online  (VzFleetSummary *self);
guint           vz_fleet_summary_get_offline (VzFleetSummary *self);
guint           vz_fleet_summary_get_other   (VzFleetSummary *self);

G_END_DECLS
