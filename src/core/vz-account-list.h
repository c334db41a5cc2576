/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vz-account.h"

G_BEGIN_DECLS

#define VZ_ACCOUNT_ERROR (vz_account_error_quark ())
GQuark vz_account_error_quark (void);

typedef enum {
  VZ_ACCOUNT_ERROR_IN_USE,  /* another program (vizoractl, another app) has its outbox open */
  VZ_ACCOUNT_ERROR_IO,      /* its folder could not be read or removed */
} VzAccountError;

#define VZ_TYPE_ACCOUNT_LIST (vz_account_list_get_type ())
G_DECLARE_FINAL_TYPE (VzAccountList, vz_account_list, VZ, ACCOUNT_LIST, GObject)

/*
 * VzAccountList: a GListModel of VzAccount, every account signed in on this
 * computer. The saved account files are the source of truth: reload reads
 * each account's folder (vz-session.h, vz_session_saved_account_path()) on
 * a worker thread; accounts are sorted by server, then by person.
 *
 * remove deletes an account's folder (its outbox, snapshot and account file,
 * whatever else is in it) and its sign-in in the keyring (the app's item,
 * vz-secret-store.h; vizoractl's own stays). It first takes the outbox's
 * lock, so it fails with VZ_ACCOUNT_ERROR_IN_USE while a sync engine or
 * vizoractl has that outbox open, and waits for the writer of an outbox this
 * process closed a moment ago: stop (vz_sync_engine_stop_async()) and drop
 * the account's engine first.
 *
 * Properties: "current" (VzAccount, read-only, nullable): the account whose
 * key set_current() named, once it is in the list; that account's "current"
 * is TRUE, every other's FALSE.
 */
VzAccountList *vz_account_list_new            (void);
/* The key (the folder's name) of the account saved for this server and user. */
char          *vz_account_list_key_for        (const char           *server_url,
                                               const char           *user_id);
void           vz_account_list_reload_async   (VzAccountList        *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       vz_account_list_reload_finish  (VzAccountList        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* (transfer none) (nullable) */
VzAccount     *vz_account_list_lookup         (VzAccountList        *self,
                                               const char           *key);
/* @key NULL: no current account. */
void           vz_account_list_set_current    (VzAccountList        *self,
                                               const char           *key);
/* (transfer none) (nullable) */
VzAccount     *vz_account_list_get_current    (VzAccountList        *self);
void           vz_account_list_remove_async   (VzAccountList        *self,
                                               VzAccount            *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* TRUE once the folder and the keyring item are gone and the account is
 * out of the list. A keyring that cannot be reached fails with its
 * VZ_SECRET_ERROR after the folder is gone. */
gboolean       vz_account_list_remove_finish  (VzAccountList        *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
