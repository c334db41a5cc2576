/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-account.h"

G_BEGIN_DECLS

#define VZ_TYPE_ACCOUNT_ROW (vz_account_row_get_type ())
G_DECLARE_FINAL_TYPE (VzAccountRow, vz_account_row, VZ, ACCOUNT_ROW, AdwActionRow)

/*
 * VzAccountRow: one account of this computer: its server as the title, the
 * person (and organization) below, a check mark while it is the current one.
 * Without buttons (the sidebar's switcher) the row itself runs
 * app.switch-account with the account's key; with buttons (Preferences) it
 * offers Switch (app.switch-account, off for the current account) and
 * Sign Out… (app.sign-out-account).
 *
 * Properties (construct-only): "account" (VzAccount), "buttons" (gboolean).
 */
GtkWidget *vz_account_row_new         (VzAccount    *account,
                                       gboolean      buttons);
VzAccount *vz_account_row_get_account (VzAccountRow *self);

G_END_DECLS
