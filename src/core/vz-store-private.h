/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-store.h"

G_BEGIN_DECLS

/* Called by an entity put in @store for its property changes: emitted as
 * @store's "item-notify" when @store is alive and holds @entity. */
void _vz_store_relay_notify (gpointer     store,
                             VzEntity    *entity,
                             guint        n_pspecs,
                             GParamSpec **pspecs);

G_END_DECLS
