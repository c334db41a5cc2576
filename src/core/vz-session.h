/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "vz-api-client.h"

G_BEGIN_DECLS

#define VZ_SESSION_ERROR (vz_session_error_quark ())
GQuark vz_session_error_quark (void);

typedef enum {
  VZ_SESSION_ERROR_NONE_SAVED,  /* no account is saved for that server */
  VZ_SESSION_ERROR_IO,          /* the saved account could not be read or written */
} VzSessionError;

typedef enum {
  VZ_SESSION_STATE_SIGNED_OUT,
  VZ_SESSION_STATE_SAVED,       /* identity restored from the saved account, the
                                 * server has not confirmed it (yet): offline */
  VZ_SESSION_STATE_SIGNED_IN,
} VzSessionState;

#define VZ_TYPE_SESSION_STATE (vz_session_state_get_type ())
GType vz_session_state_get_type (void);

#define VZ_TYPE_SESSION (vz_session_get_type ())
G_DECLARE_FINAL_TYPE (VzSession, vz_session, VZ, SESSION, GObject)

/*
 * VzSession: who is signed in where. Owns the VzApiClient.
 * @server_url is the origin the user typed ("http://127.0.0.1:3000" or
 * "https://vizora.example.com"); the REST base is server_url + "/api/v1" and
 * the realtime origin is server_url unless set_realtime_url() says otherwise
 * (the platform's port 3002 in development).
 *
 * Properties: "server-url" (construct-only), "realtime-url", "api-client",
 * "user-id", "user-email", "user-name" (first + last), "role", "organization-id",
 * "organization-name", "signed-in" (gboolean: state is SIGNED_IN), "state"
 * (VzSessionState), "remember" (gboolean, default FALSE), "keyring-problem"
 * (a sentence saying why the sign-in is kept in memory only, or NULL).
 *
 * Staying signed in: with "remember" set, every successful sign-in or resume,
 * and every token refresh (the refresh cookie rotates), keeps the access
 * token and refresh cookie in the keyring (vz-secret-store.h) and writes who
 * is signed in where (server and realtime url, user, organization; no
 * secret) to vz_session_saved_account_path(): beside the account's outbox,
 * mode 0600, atomically, from a worker thread. Where no keyring can be
 * reached, "keyring-problem" says so and the token stays in memory only.
 * A file of an earlier version that holds the token itself is moved into
 * the keyring when restored, then deleted. Secrets are never logged.
 * logout deletes the file and the keyring's item. restore_saved makes a session from it without the
 * network (state SAVED) so that the sync engine can show the saved fleet and
 * queue changes (the account key, and so the outbox, comes from the restored
 * user id); a resume with the restored token (or the engine, once the server
 * answers a read) makes it SIGNED_IN. A refresh the server refuses makes it
 * SIGNED_OUT.
 */
VzSession   *vz_session_new                   (const char          *server_url);
VzApiClient *vz_session_get_api_client        (VzSession           *self);
const char  *vz_session_get_server_url        (VzSession           *self);
const char  *vz_session_get_realtime_url      (VzSession           *self);
void         vz_session_set_realtime_url      (VzSession           *self,
                                               const char          *url);
const char  *vz_session_get_access_token      (VzSession           *self);
const char  *vz_session_get_user_email        (VzSession           *self);
const char  *vz_session_get_user_name         (VzSession           *self);
const char  *vz_session_get_role              (VzSession           *self);
const char  *vz_session_get_organization_id   (VzSession           *self);
const char  *vz_session_get_organization_name (VzSession           *self);
gboolean     vz_session_get_signed_in         (VzSession           *self);
const char  *vz_session_get_user_id           (VzSession           *self);
VzSessionState vz_session_get_state           (VzSession           *self);
gboolean     vz_session_get_remember          (VzSession           *self);
const char  *vz_session_get_keyring_problem   (VzSession           *self);
void         vz_session_set_remember          (VzSession           *self,
                                               gboolean             remember);

/* <user data dir>/vizora-desktop/accounts/<key>/account-info.json, the folder of
 * vz_outbox_path_for_account ("<server-url> <user-id>"), the key the sync
 * engine uses. */
char        *vz_session_saved_account_path    (const char          *server_url,
                                               const char          *user_id);
/* Writes the account now (whatever "remember" says); completes once the file
 * is durable and the keyring answered. Fails when nobody is signed in, and
 * with a VZ_SECRET_ERROR when the keyring did not take the secret (the
 * session goes on from memory). */
void         vz_session_save_async            (VzSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_save_finish           (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Completes once no write of the account (file and keyring) is under way,
 * at once when none is: what the session wrote is then on disk, so that
 * removing the account's folder cannot race with it. A write that failed
 * is not this call's failure: it only waits. */
void         vz_session_settle_async          (VzSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void         vz_session_settle_finish         (VzSession           *self,
                                               GAsyncResult        *result);
/* Starts reading, in a thread of its own, the saved fleet of the account
 * vz_session_restore_saved_async() will find for the same @server_url and
 * @email, so that its engine's first read of the saved fleet finds it read
 * (vz-snapshot-prefetch.c). Nothing when there is no such account. */
void         vz_session_prefetch_saved_fleet  (const char          *server_url,
                                               const char          *email);
/* Finds the newest saved account for @server_url (NULL: for any server on
 * this computer, as the local fleet server's port changes at each start)
 * and, when @email is given, that person, and returns a new session filled
 * from it, state SAVED, "remember" set: no server, the token from the
 * keyring. finish fails with VZ_SESSION_ERROR_NONE_SAVED when there is none,
 * or when the keyring holds no token for it (or cannot be reached). */
void         vz_session_restore_saved_async   (const char          *server_url,
                                               const char          *email,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
VzSession   *vz_session_restore_saved_finish  (GAsyncResult        *result,
                                               GError             **error);
/* admin and manager may change things; viewer only reads */
gboolean     vz_session_can_write             (VzSession           *self);

/* POST /auth/login, then GET /auth/me. */
void         vz_session_login_async           (VzSession           *self,
                                               const char          *email,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_login_finish          (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Uses an existing access token (VIZORA_TOKEN, or a saved one): GET /auth/me.
 * From state SAVED, a server that cannot be reached (network, timeout, 5xx)
 * fails the call but keeps the restored identity and token. */
void         vz_session_resume_async          (VzSession           *self,
                                               const char          *access_token,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_resume_finish         (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Revokes on the server when it answers; forgets the token and deletes the
 * saved account either way. */
void         vz_session_logout_async          (VzSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_logout_finish         (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
