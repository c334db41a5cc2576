/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_APPLICATION (vz_application_get_type ())
G_DECLARE_FINAL_TYPE (VzApplication, vz_application, VZ, APPLICATION, AdwApplication)

/*
 * VzApplication: decides where the fleet is (GSettings "connection-mode",
 * overridden by --local / --server URL / --demo N / --realtime-url URL),
 * owns the session, the sync engine and, for "this computer", the local fleet
 * server, and hands the engine to its one window.
 *
 * Several accounts (vz-application-accounts.c): every account signed in on
 * this computer is listed (vz_application_get_accounts()); app.switch-account
 * (its key) shows another one, app.add-account goes to the welcome page
 * without signing out, app.sign-out and app.sign-out-account (a key) ask,
 * then remove the account's folder and keyring item.
 *
 * App actions: quit (Ctrl+Q); about, preferences (Ctrl+comma),
 * pair-screen, open-screen (a screen id) and show-alerts in
 * vz-application-actions.c. The style setting applies from startup.
 * Stays signed in: a start in remote mode resumes the saved sign-in
 * (vz_session_restore_saved_async()) and, when the server cannot be reached,
 * opens the last known fleet at once; after a failed local start or an
 * unreachable server the welcome page offers "Open Last Known Fleet".
 * VIZORA_TOKEN in the environment signs in with that access token instead of
 * showing the sign-in form (automation).
 */
VzApplication *vz_application_new (void);
/* TRUE while the app holds itself running with no window (the setting
 * "run-in-background", after the last window closed). */
gboolean       vz_application_get_in_background (VzApplication *self);
/* The accounts of this computer, VzAccount items (transfer none). */
GListModel    *vz_application_get_accounts      (VzApplication *self);

G_END_DECLS
