/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-display-group.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_GROUP_NAME_DIALOG (vz_group_name_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzGroupNameDialog, vz_group_name_dialog, VZ, GROUP_NAME_DIALOG, AdwMessageDialog)

/*
 * VzGroupNameDialog: asks for the name of a new group and creates it on the
 * server ("create"; "cancel" does nothing). Create is offered once the name
 * has a character other than white space. A refusal is told as a toast in
 * the window the dialog was over.
 *
 * Property: "sync-engine" (construct-only).
 * Signal: "created" (VzDisplayGroup *group): the server made it; the
 * engine's group store holds it.
 */
VzGroupNameDialog *vz_group_name_dialog_new (VzSyncEngine *engine,
                                             GtkWindow    *parent);

G_END_DECLS
