/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_PAIR_DIALOG (vz_pair_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VzPairDialog, vz_pair_dialog, VZ, PAIR_DIALOG, AdwWindow)

/*
 * VzPairDialog: pairs a screen by the 6-character code it shows. The code
 * field takes only the pairing alphabet (no I, O, 0 or 1), uppercases as
 * typed and says what is wrong with a character the moment it is typed.
 * Failures from the server are explained in words (unknown or expired code,
 * code already used, screen limit reached).
 *
 * Property: "sync-engine" (construct-only).
 * Signal: "paired" (VzDisplay *display) before the dialog closes itself.
 */
VzPairDialog *vz_pair_dialog_new (VzSyncEngine *engine);

/* The pairing alphabet, as the server hands out codes. */
#define VZ_PAIRING_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define VZ_PAIRING_CODE_LENGTH 6

G_END_DECLS
