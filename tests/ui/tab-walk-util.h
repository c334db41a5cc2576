/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Every control reached with the keyboard, with real key presses (xdotool
 * through Xvfb), read in the process: GTK 4.8 tells AT-SPI no "showing"
 * state, and keeps the stale size of a page its stack hides, so through
 * AT-SPI the hidden pages' controls cannot be told from the shown ones.
 *
 * What must be reached under a scope (a window, a dialog, a popover): each
 * mapped, sensitive widget that takes the focus (buttons, toggles, entries,
 * switches, drop-downs, menu buttons and the like), each list. A list of
 * items is one Tab stop: Tab and Shift+Tab leave it at once, whatever row
 * has the focus. Lists of items are the list, column and grid views, the
 * flow boxes whose children hold no control of their own, and the list
 * boxes whose rows are items rather than settings (AdwPreferencesRows, where
 * Tab goes from row to row as everywhere in GNOME); the controls in an
 * item's row are reached with the arrows (Right from the row), not with
 * Tab.
 */

/* Presses Tab until the focus is back where the first press put it, then
 * Shift+Tab the same way, and fails the test, saying what and where, for
 * each control or list under @scope (in @window) that a walk never reached,
 * each list of items that Tab or Shift+Tab moved within instead of leaving
 * it, each stop that one direction reached and the other did not, and each
 * control in a row of such a list that Right from the row does not reach.
 * @what names it in messages ("Health page"). */
void tab_walk_check (GtkWindow  *window,
                     GtkWidget  *scope,
                     const char *what);

/* Presses Tab in @window until the focus is on @target or in it (at most
 * 150 times); returns whether it got there. */
gboolean tab_to         (GtkWindow  *window,
                         GtkWidget  *target);

/* The widget that has the keyboard focus in @window is under @scope. */
gboolean focus_within (GtkWindow *window,
                       GtkWidget *scope);

G_END_DECLS
