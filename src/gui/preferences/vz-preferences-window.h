/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_PREFERENCES_WINDOW (vz_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VzPreferencesWindow, vz_preferences_window, VZ, PREFERENCES_WINDOW, AdwPreferencesWindow)

/*
 * VzPreferencesWindow: the app's Preferences (app.preferences, Ctrl+comma).
 * A template whose pages are its children, each an AdwPreferencesPage with a
 * name: "general" (style, retries, changes made offline) and
 * "notifications" (VzNotificationPreferences: alerts, quiet hours, running
 * in the background) and "accounts" (the app's accounts, each with Switch
 * and Sign Out…, and Add Account…). Every row is bound to its GSettings key
 * (g_settings_bind), so an edit applies at once; there is nothing to save.
 */

/* Shows the Preferences of @parent's window (transient for it, modal),
 * the one already open or a new one, on the page named @page_name (NULL:
 * as it was). Returns it (transfer none). */
VzPreferencesWindow *vz_preferences_window_present (GtkWidget  *parent,
                                                    const char *page_name);

/* Makes the style setting ("style-variant" of @settings: follow, light,
 * dark) the style of the whole app (AdwStyleManager), now and on each
 * change. Called once at startup. */
void                 vz_preferences_follow_style   (GSettings  *settings);

G_END_DECLS
