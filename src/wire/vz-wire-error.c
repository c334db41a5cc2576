/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-wire"

#include "vz-wire-error.h"

G_DEFINE_QUARK (vz-wire-error-quark, vz_wire_error)
