/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-outbox.h"

G_BEGIN_DECLS

/*
 * Blocks until the writer of every finalized outbox of this process has
 * written what was queued and released its journal. Finalizing does not
 * wait (the main loop must not); this runs at exit, and lets a caller that
 * reads a closed journal's file see it complete.
 */
void _vz_outbox_wait_for_writers (void);

G_END_DECLS
