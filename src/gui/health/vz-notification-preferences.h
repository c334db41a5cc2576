/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_NOTIFICATION_PREFERENCES (vz_notification_preferences_get_type ())
G_DECLARE_FINAL_TYPE (VzNotificationPreferences, vz_notification_preferences, VZ, NOTIFICATION_PREFERENCES,
                      AdwPreferencesPage)

/*
 * VzNotificationPreferences: a preferences page (to put in any
 * AdwPreferencesWindow) for the settings of desktop notifications: the
 * least severe alert told ("notify-min-severity"), the quiet hours
 * ("quiet-hours-enabled", "-start", "-end") and running in the background
 * ("run-in-background"). Every row is bound to its key (g_settings_bind):
 * an edit changes the setting at once, a changed setting shows at once.
 *
 * Properties:
 *   "settings"  GSettings of schema cloud.vizora.Desktop, construct-only;
 *               without one (a template child) the page makes its own
 */
GtkWidget *vz_notification_preferences_new (void);
/* The same page on @settings (schema cloud.vizora.Desktop). */
GtkWidget *vz_notification_preferences_new_for_settings (GSettings *settings);

G_END_DECLS
