/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-welcome-page.h"

G_BEGIN_DECLS

/* For tests: the sign-in form as a person fills it in. */
GtkEditable *_vz_welcome_page_get_url_row      (VzWelcomePage *self);
GtkEditable *_vz_welcome_page_get_email_row    (VzWelcomePage *self);
GtkEditable *_vz_welcome_page_get_password_row (VzWelcomePage *self);
GtkButton   *_vz_welcome_page_get_sign_in_button (VzWelcomePage *self);
/* The sentence under the form that is up, NULL when none shows. */
const char  *_vz_welcome_page_get_error        (VzWelcomePage *self);
const char  *_vz_welcome_page_get_page         (VzWelcomePage *self);

/* The "Open Last Known Fleet" button of the form that is up, NULL when not offered. */
GtkButton   *_vz_welcome_page_get_saved_fleet_button (VzWelcomePage *self);
G_END_DECLS
