/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-mutation.h"
#include "vz-resource.h"

G_BEGIN_DECLS

/*
 * The conflict merge (architecture.md, "Conflicts"), one for the app and
 * vizoractl. After a 412 (or a read before writing that found a newer
 * record), @current is the record as the server has it now. A field the
 * change touches is in conflict when the server's value is neither the
 * value the change was based on nor the value the change sets: someone else
 * changed the same field. Fields the change does not touch simply keep the
 * server's value.
 *
 * Returns the server's values of the conflicting fields, keyed by request
 * member ({"name": "Reception"}), plus "updatedAt" from @current when there
 * is a conflict (transfer full; an empty object means: no conflict, send
 * again on @current's updatedAt). Only updates merge field by field: for
 * any other change, or an update that does not know its old values,
 * returns NULL (the caller decides; the engine treats it as mergeable when
 * the record still exists).
 */
/* Two values of a field are the same (a missing member and null alike). */
gboolean    vz_merge_same_value (JsonNode *a,
                                 JsonNode *b);

JsonObject *vz_merge_conflicts (const VzResource *resource,
                                VzMutation       *mutation,
                                JsonObject       *current);

G_END_DECLS
