/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VZ_TYPE_PROOF_ENTRY (vz_proof_entry_get_type ())
G_DECLARE_FINAL_TYPE (VzProofEntry, vz_proof_entry, VZ, PROOF_ENTRY, GObject)

/*
 * VzProofEntry: one play on the proof-of-play table, as words for its
 * columns: "time" (local), "screen", "content", "duration" ("10 s"),
 * "completion" ("100 %"); "Unknown" where the record does not say.
 * Properties are read-only strings.
 */
VzProofEntry *vz_proof_entry_new_from_json (JsonObject   *record);
const char   *vz_proof_entry_get_screen    (VzProofEntry *self);
const char   *vz_proof_entry_get_content   (VzProofEntry *self);

G_END_DECLS
