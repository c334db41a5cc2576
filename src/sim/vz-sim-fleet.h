/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-sim-screen.h"

G_BEGIN_DECLS

#define VZ_SIM_ERROR (vz_sim_error_quark ())
GQuark vz_sim_error_quark (void);

typedef enum {
  VZ_SIM_ERROR_SIGN_IN,      /* the admin credentials were refused, or the server was unreachable */
} VzSimError;

#define VZ_TYPE_SIM_FLEET (vz_sim_fleet_get_type ())
G_DECLARE_FINAL_TYPE (VzSimFleet, vz_sim_fleet, VZ, SIM_FLEET, GObject)

/*
 * VzSimFleet: the simulator's N screens and the admin who pairs them.
 * Signs in over REST, lets the screens request pairing codes (a few at a
 * time, so that 500 screens do not storm the server), completes pairing for
 * the automatic ones, prints the codes of the --unpaired ones for a person,
 * and with a churn rate makes screens drop off and return at random.
 * Every screen event is printed as one line on stdout. Device tokens are
 * kept under the user state dir (per organization and seed), so a restarted
 * simulator resumes its screens. One timer drives the whole fleet.
 *
 * Properties (construct-only): "server-url", "email", "password", "screens",
 * "unpaired", "churn" (drops per screen per minute), "seed".
 */
VzSimFleet *vz_sim_fleet_new          (const char           *server_url,
                                       const char           *email,
                                       const char           *password,
                                       guint                 screens,
                                       guint                 unpaired,
                                       double                churn,
                                       guint32               seed);
/* Signs in and starts the screens; finishes once signed in (or not). */
void        vz_sim_fleet_start_async  (VzSimFleet           *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    vz_sim_fleet_start_finish (VzSimFleet           *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Takes every screen off the air (their sockets close). */
void        vz_sim_fleet_stop         (VzSimFleet           *self);
guint       vz_sim_fleet_get_online   (VzSimFleet           *self);
/* Gives the first @count automatic screens @fault (before the start: as
 * they come up); VZ_SIM_FAULT_NONE clears every screen's faults. */
void        vz_sim_fleet_set_fault    (VzSimFleet           *self,
                                       VzSimFault            fault,
                                       guint                 count);
/* Parses "overheat", "disk-full", "cpu-spike", "memory-leak" or "drop",
 * optionally followed by ":COUNT" (default 1); FALSE when it is none. */
gboolean    vz_sim_fault_parse        (const char           *text,
                                       VzSimFault           *fault,
                                       guint                *count);

G_END_DECLS
