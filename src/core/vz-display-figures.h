/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-display.h"
#include "vz-session.h"

G_BEGIN_DECLS

/*
 * A screen's heartbeat figures (cpu, memory, disk, temperature, uptime),
 * its resolution, last heartbeat and status come with a full read of that
 * one screen (GET /displays/:id), not with the list nor with `device:status`
 * events. read() reads @display again and applies those members only: the
 * others (name, location…) may show a change of the person's the server has
 * not applied yet, and the sync engine alone decides what they show.
 *
 * finish returns FALSE with the VzApiError of the read (offline, refused…),
 * or VZ_API_ERROR_INVALID_RESPONSE when the answer is not a screen; nothing
 * is applied then.
 */
void     vz_display_figures_read_async  (VzSession            *session,
                                         VzDisplay            *display,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean vz_display_figures_read_finish (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
