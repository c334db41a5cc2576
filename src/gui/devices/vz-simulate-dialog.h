/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-local-server.h"

G_BEGIN_DECLS

#define VZ_TYPE_SIMULATE_DIALOG (vz_simulate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzSimulateDialog, vz_simulate_dialog, VZ, SIMULATE_DIALOG, AdwMessageDialog)

/*
 * VzSimulateDialog: asks how many simulated screens to add to the fleet
 * server on this computer ("add"; 1 to 1000, 5 unless changed) and starts
 * them (vz_local_server_add_simulated_screens: its password never on a
 * command line). What happens is told as a toast in the window the dialog
 * was over.
 *
 * Property: "local-server" (construct-only).
 * Signal: "added" (guint screens): the simulator runs with them.
 */
VzSimulateDialog *vz_simulate_dialog_new (VzLocalServer *server,
                                          GtkWindow     *parent);

G_END_DECLS
