/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-groups-window.h"

G_BEGIN_DECLS

/* For tests: what the window shows, as a person would see it. */
/* The list of groups: a VzGroupRow per group. */
GtkListBox *_vz_groups_window_get_list       (VzGroupsWindow *self);
/* The text of the newest toast (plain), or NULL. */
const char *_vz_groups_window_get_last_toast (VzGroupsWindow *self);

G_END_DECLS
