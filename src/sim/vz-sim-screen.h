/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vz-api-client.h"

G_BEGIN_DECLS

typedef enum {
  VZ_SIM_SCREEN_IDLE,
  VZ_SIM_SCREEN_PAIRING,     /* holds a pairing code, waiting to be paired */
  VZ_SIM_SCREEN_CONNECTING,  /* paired, realtime link not (yet / again) up */
  VZ_SIM_SCREEN_ONLINE,
  VZ_SIM_SCREEN_AWAY,        /* dropped off on purpose (churn, restart) */
  VZ_SIM_SCREEN_STOPPED,
} VzSimScreenState;

/* Ways a screen misbehaves on request, so that each health rule of a server
 * can be seen firing. Flags: a screen can have several at once. */
typedef enum {
  VZ_SIM_FAULT_NONE        = 0,
  VZ_SIM_FAULT_OVERHEAT    = 1 << 0,  /* temperature 85–92 °C */
  VZ_SIM_FAULT_DISK_FULL   = 1 << 1,  /* disk 96.5–99.5 % */
  VZ_SIM_FAULT_CPU_SPIKE   = 1 << 2,  /* CPU 93–99 % */
  VZ_SIM_FAULT_MEMORY_LEAK = 1 << 3,  /* memory 92–98 % */
  VZ_SIM_FAULT_DROP        = 1 << 4,  /* silent: off the air until cleared */
} VzSimFault;

#define VZ_TYPE_SIM_SCREEN_STATE (vz_sim_screen_state_get_type ())
GType vz_sim_screen_state_get_type (void);

#define VZ_TYPE_SIM_SCREEN (vz_sim_screen_get_type ())
G_DECLARE_FINAL_TYPE (VzSimScreen, vz_sim_screen, VZ, SIM_SCREEN, GObject)

/*
 * VzSimScreen: one simulated signage screen speaking the device side of the
 * protocol: asks for a pairing code, polls until paired, connects realtime with
 * its device token, heartbeats (every 15 s, or as the server's nextHeartbeatIn
 * asks) with drifting metrics and the item on screen, plays the playlist the
 * server sends (`playlist:update`) item by item with a `content:impression`
 * for each one shown, acks commands and answers screenshot requests with a
 * rendered PNG.
 *
 * Properties: "name", "device-identifier" (construct-only), "state".
 * Signals:
 *   "report"     (const char *line)  something happened, in plain words
 *   "code-ready" (const char *code)  a pairing code was issued
 *   "paired"     ()                  the device token arrived
 *   "unpaired"   ()                  the server refused or revoked the token;
 *                                    the screen asks for a new code by itself
 *   "code-refused" (const char *why) the server refused to issue a pairing
 *                                    code as a bad request (as it does for a
 *                                    screen it holds as paired already); the
 *                                    screen asks again after a while
 */
/* @realtime_session: the SoupSession (from vz_realtime_client_new_shared_session())
 * that the screen's realtime link shares with the other screens of its thread. */
VzSimScreen      *vz_sim_screen_new            (const char   *server_url,
                                                VzApiClient  *public_api,
                                                GObject      *realtime_session,
                                                const char   *name,
                                                const char   *device_identifier,
                                                guint32       seed);
const char       *vz_sim_screen_get_name       (VzSimScreen  *self);
VzSimScreenState  vz_sim_screen_get_state      (VzSimScreen  *self);
const char       *vz_sim_screen_get_code       (VzSimScreen  *self);
const char       *vz_sim_screen_get_device_identifier (VzSimScreen *self);
const char       *vz_sim_screen_get_device_token      (VzSimScreen *self);
const char       *vz_sim_screen_get_display_id        (VzSimScreen *self);
void              vz_sim_screen_start_pairing  (VzSimScreen  *self);
/* Connects with a token kept from an earlier run instead of pairing again. */
void              vz_sim_screen_resume         (VzSimScreen  *self,
                                                const char   *device_token,
                                                const char   *display_id);
/* How often a screen showing a code checks whether it was paired (default
 * 2 s). A screen whose pairing someone completes and then tells it with
 * poll_now() needs the check only as a fallback. */
void              vz_sim_screen_set_poll_interval (VzSimScreen *self,
                                                   guint        seconds);
/* Checks the pairing status now rather than at the next poll. */
void              vz_sim_screen_poll_now       (VzSimScreen  *self);
/* Drops off for @seconds, then comes back. */
void              vz_sim_screen_go_away        (VzSimScreen  *self,
                                                guint         seconds,
                                                const char   *why);
void              vz_sim_screen_stop           (VzSimScreen  *self);
/* Adds @fault to what the screen does wrong (a reading fault shows in a
 * heartbeat sent at once); VZ_SIM_FAULT_NONE clears them all: readings
 * come back to normal and a dropped screen comes back. */
void              vz_sim_screen_set_fault      (VzSimScreen  *self,
                                                VzSimFault    fault);
VzSimFault        vz_sim_screen_get_faults     (VzSimScreen  *self);
/*
 * Moves the playlist on and sends the heartbeat when they are due. The owner calls
 * this about once a second for all its screens: one timer for the whole fleet
 * instead of one GSource per screen, which every main-loop turn would walk.
 */
void              vz_sim_screen_tick           (VzSimScreen  *self,
                                                gint64        now);

G_END_DECLS
