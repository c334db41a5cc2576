/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

typedef enum {
  VZ_DISPLAY_STATUS_UNKNOWN,
  VZ_DISPLAY_STATUS_ONLINE,
  VZ_DISPLAY_STATUS_OFFLINE,
  VZ_DISPLAY_STATUS_PAIRING,
  VZ_DISPLAY_STATUS_ERROR,
  VZ_DISPLAY_STATUS_IDLE,
} VzDisplayStatus;

#define VZ_TYPE_DISPLAY_STATUS (vz_display_status_get_type ())
GType vz_display_status_get_type (void);

VzDisplayStatus vz_display_status_from_string (const char      *str);
const char     *vz_display_status_to_string   (VzDisplayStatus  status);
/* Translated, for people: "Online", "Offline", "Waiting for pairing"… */
const char     *vz_display_status_to_label    (VzDisplayStatus  status);

#define VZ_TYPE_DISPLAY (vz_display_get_type ())
G_DECLARE_FINAL_TYPE (VzDisplay, vz_display, VZ, DISPLAY, VzEntity)

/*
 * Properties (all readable, notify only on real change):
 *   "id", "updated-at"       (from VzEntity)
 *   "nickname"               string: the screen's name (PATCH key `name`)
 *   "device-identifier"      string
 *   "description", "location", "orientation", "resolution", "timezone" strings
 *   "status"                 VzDisplayStatus
 *   "last-heartbeat"         GDateTime* (nullable)
 *   "is-disabled"            gboolean
 *   "current-playlist-id"    string (nullable)
 *   "created-at", "paired-at" strings (ISO-8601, nullable)
 *   "group-id", "group-name" strings (nullable): set by the sync engine from the
 *                            display-group store, not from the display JSON
 *   "cpu-usage", "memory-usage", "disk-usage" gdouble, -1 when unknown
 *   "temperature"            gdouble °C, NAN when unknown (-1 °C is a reading)
 *   "uptime"                 gint64 seconds, -1 when unknown
 *   "display-name"           string: nickname, else device identifier (for rows)
 */

const char      *vz_display_get_nickname            (VzDisplay *self);
const char      *vz_display_get_display_name        (VzDisplay *self);
const char      *vz_display_get_device_identifier   (VzDisplay *self);
const char      *vz_display_get_description         (VzDisplay *self);
const char      *vz_display_get_location            (VzDisplay *self);
const char      *vz_display_get_orientation         (VzDisplay *self);
const char      *vz_display_get_resolution          (VzDisplay *self);
const char      *vz_display_get_timezone            (VzDisplay *self);
VzDisplayStatus  vz_display_get_status              (VzDisplay *self);
GDateTime       *vz_display_get_last_heartbeat      (VzDisplay *self);
gboolean         vz_display_get_is_disabled         (VzDisplay *self);
const char      *vz_display_get_current_playlist_id (VzDisplay *self);
const char      *vz_display_get_group_id            (VzDisplay *self);
const char      *vz_display_get_group_name          (VzDisplay *self);
gdouble          vz_display_get_cpu_usage           (VzDisplay *self);
gdouble          vz_display_get_memory_usage        (VzDisplay *self);
gdouble          vz_display_get_disk_usage          (VzDisplay *self);
gdouble          vz_display_get_temperature         (VzDisplay *self);
gint64           vz_display_get_uptime              (VzDisplay *self);

/* Applies a `device:status` event: status plus lastSeen (ISO string, nullable). */
void             vz_display_apply_status            (VzDisplay       *self,
                                                     VzDisplayStatus  status,
                                                     const char      *last_seen);
void             vz_display_set_group               (VzDisplay       *self,
                                                     const char      *group_id,
                                                     const char      *group_name);

G_END_DECLS
