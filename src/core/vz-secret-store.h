/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_SECRET_ERROR (vz_secret_error_quark ())
GQuark vz_secret_error_quark (void);

typedef enum {
  VZ_SECRET_ERROR_UNAVAILABLE,  /* no Secret Service, or no keyring in it */
  VZ_SECRET_ERROR_LOCKED,       /* the keyring is locked and was not unlocked */
  VZ_SECRET_ERROR_FAILED,       /* the keyring refused the item */
} VzSecretError;

/* Which program keeps the secret: the app and vizoractl each keep their own. */
#define VZ_SECRET_CLIENT_DESKTOP   "desktop"
#define VZ_SECRET_CLIENT_VIZORACTL "vizoractl"

/*
 * Sign-in secrets (access token and refresh cookie) in the Secret Service
 * through libsecret, schema "cloud.vizora.Session" with the attributes
 * "server" (the server url, no trailing slash), "account" (the user id) and
 * "client" (VZ_SECRET_CLIENT_*). Inside a Flatpak sandbox libsecret goes
 * through the secret portal by itself.
 *
 * Storing never creates a keyring: where the Secret Service has no default
 * keyring, or its keyring stays locked after the unlock prompt, the store
 * fails with VZ_SECRET_ERROR_UNAVAILABLE or _LOCKED and a sentence that says
 * so. Secrets are never logged. Everything runs on the calling thread's main
 * context through libsecret's asynchronous calls.
 */
void      vz_secret_store_async   (const char          *server_url,
                                   const char          *account,
                                   const char          *client,
                                   const char          *label,
                                   const char          *secret,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean  vz_secret_store_finish  (GAsyncResult        *result,
                                   GError             **error);

/* @account NULL: any account of that server and client. finish returns
 * NULL without an error when there is none. */
void      vz_secret_lookup_async  (const char          *server_url,
                                   const char          *account,
                                   const char          *client,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
char     *vz_secret_lookup_finish (GAsyncResult        *result,
                                   GError             **error);

/* Removes every matching item (@account NULL: all of that server and
 * client); no item is not an error. */
void      vz_secret_clear_async   (const char          *server_url,
                                   const char          *account,
                                   const char          *client,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean  vz_secret_clear_finish  (GAsyncResult        *result,
                                   GError             **error);

/* Frees a secret after wiping it. */
void      vz_secret_free          (char                *secret);

G_END_DECLS
