/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vz-mutation.h"

G_BEGIN_DECLS

#define VZ_TYPE_UNDO_STACK (vz_undo_stack_get_type ())
G_DECLARE_FINAL_TYPE (VzUndoStack, vz_undo_stack, VZ, UNDO_STACK, GObject)

/*
 * VzUndoStack: the history of a person's changes, newest on top, for Undo
 * (toast and Ctrl+Z). One entry is one user action: a rename, or a bulk
 * action's mutations together. It only remembers; the sync engine decides
 * what undoing an entry means (discard a pending change, queue the inverse
 * of a committed one).
 *
 * Beyond "limit" entries the oldest is forgotten. An entry whose mutation
 * was rolled back or discarded is taken out (forget_mutation()), so Undo
 * never offers to revert something that did not happen.
 *
 * Properties (notify on real change):
 *   "limit"       guint ≥ 1, construct-only, default 100
 *   "can-undo"    gboolean, read-only
 *   "undo-label"  string, read-only, nullable: what the top entry did, in
 *                 words ("Renamed “Lobby” to “Hall”")
 *   "n-entries"   guint, read-only
 */

VzUndoStack *vz_undo_stack_new             (guint         limit);

/* Adds an entry for @mutations (VzMutation*, at least one; the stack keeps
 * references). */
void         vz_undo_stack_push            (VzUndoStack  *self,
                                            GPtrArray    *mutations,
                                            const char   *label);
/* Takes the top entry off: returns its mutations (transfer container) and
 * the label (transfer full, nullable out), or NULL when empty. */
GPtrArray   *vz_undo_stack_pop             (VzUndoStack  *self,
                                            char        **label);
/* The top entry's mutations (transfer none) or NULL. */
GPtrArray   *vz_undo_stack_peek            (VzUndoStack  *self);
/* Drops @mutation_id from whichever entry holds it (an entry left empty
 * goes). TRUE when something was dropped. */
gboolean     vz_undo_stack_forget_mutation (VzUndoStack  *self,
                                            const char   *mutation_id);
void         vz_undo_stack_clear           (VzUndoStack  *self);
/* The label of the entry that holds @mutation_id (transfer none), or NULL. */
const char  *vz_undo_stack_lookup_label    (VzUndoStack  *self,
                                            const char   *mutation_id);
/* Says something new of the entry that holds @mutation_id (that it can no
 * longer be undone). TRUE when an entry holds it. */
gboolean     vz_undo_stack_relabel         (VzUndoStack  *self,
                                            const char   *mutation_id,
                                            const char   *label);

guint        vz_undo_stack_get_limit       (VzUndoStack  *self);
guint        vz_undo_stack_get_n_entries   (VzUndoStack  *self);
gboolean     vz_undo_stack_get_can_undo    (VzUndoStack  *self);
const char  *vz_undo_stack_get_undo_label  (VzUndoStack  *self);

G_END_DECLS
