/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-pending-popover.h"

G_BEGIN_DECLS

/* For tests: what the popover shows, as a person would see it. */
/* "empty" or "list" */
const char  *_vz_pending_popover_get_state        (VzPendingPopover *self);
GtkListView *_vz_pending_popover_get_list_view    (VzPendingPopover *self);
/* "1 Conflict", "3 Changes Waiting", "All Changes Saved"… */
const char  *_vz_pending_popover_get_heading      (VzPendingPopover *self);
/* The availability sentence shown, or NULL when hidden. */
const char  *_vz_pending_popover_get_availability (VzPendingPopover *self);

G_END_DECLS
