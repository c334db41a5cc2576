/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-application.h"
#include "vz-window.h"

G_BEGIN_DECLS

/* The app's main window, or NULL while it has none. */
VzWindow *_vz_application_get_window  (VzApplication *self);

/* vz-application-actions.c: the app actions that people, the desktop and
 * `gapplication action` call (about, preferences, pair-screen, open-screen,
 * show-alerts), added at startup with the keys of the app's and the
 * window's verbs. */
void      _vz_application_add_actions (VzApplication *self);

G_END_DECLS
