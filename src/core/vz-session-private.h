/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-session.h"

G_BEGIN_DECLS

/*
 * Whether @url names this computer: "localhost" or a loopback address.
 * NULL, an unparsable url or one without a host is not loopback. The session
 * uses it to find a saved sign-in for the local server, the sync engine to
 * tell a local server (no network needed) from a remote one.
 */
gboolean _vz_url_is_loopback (const char *url);

G_END_DECLS
