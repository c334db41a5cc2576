/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_TYPE_BACKGROUND_PORTAL (vz_background_portal_get_type ())
G_DECLARE_FINAL_TYPE (VzBackgroundPortal, vz_background_portal, VZ, BACKGROUND_PORTAL, GObject)

/*
 * VzBackgroundPortal: inside a Flatpak sandbox, an app that keeps running
 * with no window needs the desktop's leave (GNOME asks the person once):
 * this asks for it through org.freedesktop.portal.Background
 * (RequestBackground) whenever the setting "run-in-background" is on, at
 * start and when it is turned on. Outside a sandbox (no /.flatpak-info)
 * nothing needs asking and nothing is asked.
 *
 * Property "refusal" (string, read-only, nullable): the sentence that tells
 * the person that running in the background was refused, or could not be
 * asked for; NULL when it was allowed or not asked. It is also logged
 * (g_message) and shown as a toast in the app's window when there is one.
 */
VzBackgroundPortal *vz_background_portal_new         (GApplication       *application,
                                                      GSettings          *settings,
                                                      const char         *info_path);
const char         *vz_background_portal_get_refusal (VzBackgroundPortal *self);
/* Whether the file @info_path (/.flatpak-info in the app) says the app runs
 * inside a Flatpak sandbox. */
gboolean            vz_background_portal_is_sandboxed (const char        *info_path);

G_END_DECLS
