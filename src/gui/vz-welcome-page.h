/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_WELCOME_PAGE (vz_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (VzWelcomePage, vz_welcome_page, VZ, WELCOME_PAGE, GtkWidget)

/*
 * VzWelcomePage: the first-run choice between a Vizora server and this
 * computer, and the forms behind each. It only collects what the person
 * chose; VzApplication does the connecting and reports back with
 * vz_welcome_page_show_error() or by leaving the page.
 *
 * Signals:
 *   "connect-remote" (const char *server_url, const char *email, const char *password)
 *   "start-local"    (guint demo_screens)   0 for none
 *   "open-saved-fleet" ()  the person chose the last known fleet after a
 *                      failure (see vz_welcome_page_offer_saved_fleet())
 */
void vz_welcome_page_show_choices (VzWelcomePage *self);
/* A Cancel button in the header that goes back to the account shown
 * before (app.cancel-add-account), while another one is being added. */
void vz_welcome_page_set_can_cancel (VzWelcomePage *self,
                                     gboolean       can_cancel);
/* The sign-in form, prefilled (either may be NULL). */
void vz_welcome_page_show_sign_in (VzWelcomePage *self,
                                   const char    *server_url,
                                   const char    *email);
void vz_welcome_page_show_local   (VzWelcomePage *self);
/* What the local form offers: 0 leaves demo screens off. */
void vz_welcome_page_set_demo_screens (VzWelcomePage *self,
                                       guint          screens);
/* Shows @message under the form that is up and ends the busy state. */
void vz_welcome_page_show_error   (VzWelcomePage *self,
                                   const char    *message);
void vz_welcome_page_set_busy     (VzWelcomePage *self,
                                   gboolean       busy);

/* Under the error of the form that is up, an "Open Last Known Fleet" button
 * (the server cannot be reached, a fleet is saved); any new page or error
 * takes it away. */
void vz_welcome_page_offer_saved_fleet (VzWelcomePage *self,
                                        gboolean       offer);

G_END_DECLS
