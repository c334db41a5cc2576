/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "vz-realtime-client.h"
#include "vz-sim-screen.h"

G_BEGIN_DECLS

#define VZ_SIM_HEARTBEAT_INTERVAL_S   15
/* What a server may ask for in nextHeartbeatIn, in seconds. */
#define VZ_SIM_HEARTBEAT_MIN_S        1
#define VZ_SIM_HEARTBEAT_MAX_S        300
#define VZ_SIM_ITEM_DEFAULT_S         10
#define VZ_SIM_PAIRING_POLL_S         2
#define VZ_SIM_RETRY_S                5
#define VZ_SIM_ACK_TIMEOUT_MS         10000
#define VZ_SIM_SCREENSHOT_WIDTH       640
#define VZ_SIM_SCREENSHOT_HEIGHT      360
#define VZ_SIM_APP_VERSION            "vizora-sim " PACKAGE_VERSION

struct _VzSimScreen {
  GObject            parent_instance;

  char              *server_url;
  VzApiClient       *api;            /* public endpoints only: pairing */
  GObject           *realtime_session;
  char              *name;
  char              *device_identifier;
  GRand             *rand;
  guint32            seed;
  VzSimScreenState   state;

  char              *code;
  char              *device_token;
  char              *display_id;
  VzRealtimeClient  *realtime;
  GCancellable      *cancellable;

  gint64             next_beat;      /* monotonic µs of the next heartbeat; 0 when not online */
  guint              poll_id;
  guint              poll_interval;  /* seconds between pairing-status checks */
  guint              retry_id;
  guint              away_id;
  gint64             booted_at;      /* monotonic µs: uptime counts from here */

  /* Drifting metrics, in the units of the heartbeat. */
  double             cpu;
  double             memory;
  double             disk;
  double             temperature;
  double             latency;
  guint              heartbeat_interval;  /* seconds, as the server last asked */
  VzSimFault         faults;

  /* The playlist being played: items, the one on screen, since when. */
  char              *playlist_id;
  char              *content_id;     /* the item on screen, NULL when none */
  GArray            *items;          /* PlayItem */
  guint              item_index;
  gint64             item_started;   /* monotonic µs */
  gboolean           loop;
};

typedef struct {
  char  *content_id;
  guint  duration;                   /* seconds */
} PlayItem;

void         _vz_sim_play_item_clear        (PlayItem    *item);
void         _vz_sim_screen_report          (VzSimScreen *self,
                                             const char  *format,
                                             ...) G_GNUC_PRINTF (2, 3);
char        *_vz_sim_iso_now                (void);
const char  *_vz_sim_object_get_string      (JsonObject  *object,
                                             const char  *member);
JsonObject  *_vz_sim_object_get_object      (JsonObject  *object,
                                             const char  *member);
gboolean     _vz_sim_screen_come_back_cb    (gpointer     user_data);

/* vz-sim-screen-player.c: what an online screen does. */
void         _vz_sim_screen_send_heartbeat  (VzSimScreen *self);
void         _vz_sim_screen_handle_command  (VzSimScreen *self,
                                             JsonObject  *command,
                                             gint64       ack_id);
void         _vz_sim_screen_apply_playlist  (VzSimScreen *self,
                                             JsonObject  *message);
void         _vz_sim_screen_send_screenshot (VzSimScreen *self,
                                             const char  *request_id);

G_END_DECLS
