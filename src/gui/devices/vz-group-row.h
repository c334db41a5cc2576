/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-display-group.h"

G_BEGIN_DECLS

#define VZ_TYPE_GROUP_ROW (vz_group_row_get_type ())
G_DECLARE_FINAL_TYPE (VzGroupRow, vz_group_row, VZ, GROUP_ROW, AdwEntryRow)

/*
 * VzGroupRow: one group in the list of groups, its name editable in place
 * (applied with the row's apply button or Enter: groups.rename) and a
 * button that deletes it (groups.delete). Its title counts its screens.
 * The name follows the group, except while the person is typing in it.
 *
 * Property: "group" (VzDisplayGroup, construct-only).
 */
GtkWidget      *vz_group_row_new       (VzDisplayGroup *group);
VzDisplayGroup *vz_group_row_get_group (VzGroupRow     *self);

G_END_DECLS
