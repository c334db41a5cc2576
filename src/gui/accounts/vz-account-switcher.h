/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VZ_TYPE_ACCOUNT_SWITCHER (vz_account_switcher_get_type ())
G_DECLARE_FINAL_TYPE (VzAccountSwitcher, vz_account_switcher, VZ, ACCOUNT_SWITCHER, GtkPopover)

/*
 * VzAccountSwitcher: the sidebar's account popover. It lists every account
 * of this computer (a VzAccountRow each, the current one checked; choosing
 * one runs app.switch-account), then Add Account… (app.add-account) and
 * Sign Out… (app.sign-out, which asks first). It closes once a choice is made.
 *
 * Property: "accounts" (GListModel of VzAccount, nullable).
 */
GListModel *vz_account_switcher_get_accounts (VzAccountSwitcher *self);
void        vz_account_switcher_set_accounts (VzAccountSwitcher *self,
                                              GListModel        *accounts);

G_END_DECLS
