/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * The choices the Schedules page offers for "which screen or group", and
 * for "which playlist": the engine's stores, live, with one more item
 * first (@first, e.g. "All screens and groups"; NULL: none), named by
 * vz_schedule_target_name().
 */
GListModel    *vz_schedule_targets_new        (VzSyncEngine *engine,
                                               const char   *first);
GListModel    *vz_schedule_playlists_new      (VzSyncEngine *engine,
                                               const char   *first);
/* "Lobby", "Group: Floor 2", a playlist's name, or the extra item's text. */
char          *vz_schedule_target_name        (GObject      *item);
/* An expression of vz_schedule_target_name() for drop-downs and combo rows. */
GtkExpression *vz_schedule_target_expression  (void);
/* The id of a screen (*group FALSE) or group (*group TRUE), a playlist, or
 * NULL for the extra item. */
const char    *vz_schedule_target_id          (GObject      *item,
                                               gboolean     *group);
/* The position of the screen or group (or playlist) @id in @model, or
 * GTK_INVALID_LIST_POSITION. */
guint          vz_schedule_target_find        (GListModel   *model,
                                               const char   *id);

G_END_DECLS
