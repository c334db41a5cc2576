/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_TYPE_ACCOUNT (vz_account_get_type ())
G_DECLARE_FINAL_TYPE (VzAccount, vz_account, VZ, ACCOUNT, GObject)

/*
 * VzAccount: one account signed in on this computer, as its saved account
 * file says (vz-session.h): the server, the person and the organization,
 * and the folder that holds the account's outbox, snapshot and that file.
 * No secret: the token is in the keyring.
 *
 * Properties (read-only but "current"): "key" (the folder's name, unique
 * among the accounts), "folder", "server-url", "user-id", "email", "name",
 * "organization-name", "saved-at" (gint64, microseconds since 1970: the
 * last sign-in or token refresh), "current" (gboolean: the account the app
 * shows, set by VzAccountList).
 */
VzAccount  *vz_account_new                   (const char *folder,
                                              const char *server_url,
                                              const char *user_id,
                                              const char *email,
                                              const char *name,
                                              const char *organization_name,
                                              gint64      saved_at);
const char *vz_account_get_key               (VzAccount  *self);
const char *vz_account_get_folder            (VzAccount  *self);
const char *vz_account_get_server_url        (VzAccount  *self);
const char *vz_account_get_user_id           (VzAccount  *self);
const char *vz_account_get_email             (VzAccount  *self);
const char *vz_account_get_name              (VzAccount  *self);
const char *vz_account_get_organization_name (VzAccount  *self);
gint64      vz_account_get_saved_at          (VzAccount  *self);
gboolean    vz_account_get_current           (VzAccount  *self);
void        vz_account_set_current           (VzAccount  *self,
                                              gboolean    current);
/* The server as people say it: its host (and port), "vizora.example.com". */
char       *vz_account_dup_server_name       (VzAccount  *self);
/* Who: the email address, else the name, else the user id. */
const char *vz_account_get_who               (VzAccount  *self);
/* The outbox journal of this account, the one its sync engine opens. */
char       *vz_account_dup_outbox_path       (VzAccount  *self);

G_END_DECLS
