/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_GROUPS_WINDOW (vz_groups_window_get_type ())
G_DECLARE_FINAL_TYPE (VzGroupsWindow, vz_groups_window, VZ, GROUPS_WINDOW, AdwPreferencesWindow)

/*
 * VzGroupsWindow: the organization's screen groups, to make new ones,
 * rename them in place and delete them (after a confirmation that says what
 * happens to their screens and what Undo can do). Renames and deletes go
 * through the engine: shown at once, queued, and undone with the toast's
 * Undo, which is the main window's win.undo.
 *
 * Property: "sync-engine" (construct-only).
 * Widget actions: groups.new, groups.rename ("(ss)": id, name),
 * groups.delete ("s": id), groups.undo.
 */
VzGroupsWindow *vz_groups_window_new (VzSyncEngine *engine,
                                      GtkWindow    *parent);

G_END_DECLS
