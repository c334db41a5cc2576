/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-resource.h"

G_BEGIN_DECLS

/* The schedule kind's edits (vz-schedule-edits.c), ended by { NULL }. */
extern const VzResourceEdit _vz_schedule_edits[];

G_END_DECLS
