/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Connections to this computer's loopback go direct, never through a proxy:
 * a proxy could not reach our loopback anyway, and asking the system's
 * resolver costs a thread-pool round trip and a URL parse for every new
 * connection (the local server answers each request on a connection of its
 * own, and a simulator opens thousands). */
static inline void
_vz_soup_session_direct_for_loopback (SoupSession *session,
                                      const char  *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = host != NULL ? g_inet_address_new_from_string (host) : NULL;

  if ((address != NULL && g_inet_address_get_is_loopback (address)) ||
      g_strcmp0 (host, "localhost") == 0)
    soup_session_set_proxy_resolver (session, NULL);
}

G_END_DECLS
