/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_PENDING_POPOVER (vz_pending_popover_get_type ())
G_DECLARE_FINAL_TYPE (VzPendingPopover, vz_pending_popover, VZ, PENDING_POPOVER, GtkPopover)

/*
 * VzPendingPopover: the changes the server has not applied yet, as the
 * header's connection indicator opens them. A list view straight over the
 * engine's outbox (no copy): each row says what the change does, where it
 * is (waiting, sending, failed with the server's sentence, or in conflict
 * with a colleague's value), and offers what can be done about it: Retry and
 * Discard for a failed change, Keep Mine and Keep Theirs for a conflict.
 * The heading follows the counts ("1 Conflict", "2 Changes Failed",
 * "3 Changes Waiting", joined by " · "; "All Changes Saved" when none);
 * the circuit breaker's availability sentence follows it while set.
 *
 * Property: "sync-engine" (VzSyncEngine, nullable).
 * Widget actions (parameter: the mutation id, "s"): pending.retry,
 * pending.discard, pending.keep-mine, pending.keep-theirs.
 */
GtkWidget    *vz_pending_popover_new             (void);
VzSyncEngine *vz_pending_popover_get_sync_engine (VzPendingPopover *self);
void          vz_pending_popover_set_sync_engine (VzPendingPopover *self,
                                                  VzSyncEngine     *engine);

G_END_DECLS
