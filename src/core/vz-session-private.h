/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-session.h"

G_BEGIN_DECLS

/*
 * Whether @url names this computer: "localhost" or a loopback address.
 * NULL, an unparsable url or one without a host is not loopback. The session
 * uses it to find a saved sign-in for the local server, the sync engine to
 * tell a local server (no network needed) from a remote one.
 */
gboolean _vz_url_is_loopback (const char *url);

struct _VzSession
{
  GObject      parent_instance;

  char        *server_url;
  char        *realtime_url;
  VzApiClient *api_client;

  char        *user_id;
  char        *user_email;
  char        *user_name;
  char        *role;
  char        *organization_id;
  char        *organization_name;
  VzSessionState state;
  gboolean     remember;

  /* The saved account's writer: one write (or delete) at a time, in order. */
  gboolean     writing;
  gboolean     write_again;
  gboolean     forget;          /* the wanted state on disk is "no file" */
  char        *forget_path;     /* that file, kept past clear_user() */
  char        *forget_server_url; /* and the keyring item's attributes */
  char        *forget_user_id;
  char        *keyring_problem; /* why the sign-in is in memory only, or NULL */
  GPtrArray   *save_waiters;    /* GTask* of save_async, answered when idle */
  GError      *write_error;     /* of the last write, for the waiters */
};

/* The signed-in user's record, as /auth/me or a saved account gives it.
 * Returns FALSE when @user is not a user record at all. */
gboolean  _vz_session_apply_user   (VzSession      *self,
                                    JsonObject     *user);
void      _vz_session_set_state    (VzSession      *self,
                                    VzSessionState  state);
void      _vz_session_set_keyring_problem (VzSession  *self,
                                           const char *problem);

/* The saved account (vz-session-account.c): where it is (NULL before anyone
 * signed in), and a write of what the session holds now (or the file's
 * removal when it should be forgotten), one at a time, in order. */
char     *_vz_session_account_path (VzSession      *self);
void      _vz_session_save_kick    (VzSession      *self);

/* The saved accounts' folder, one folder per account in it
 * (<user data dir>/vizora-desktop/accounts), and the names of the account
 * file in each: VZ_SESSION_ACCOUNT_FILE (no secrets) or, from earlier
 * versions, VZ_SESSION_LEGACY_FILE (with the token). */
#define VZ_SESSION_ACCOUNT_FILE "account-info.json"
#define VZ_SESSION_LEGACY_FILE  "account.json"
char       *_vz_session_accounts_folder (void);
/* The account file at @path checked for its version and members, or NULL. */
JsonObject *_vz_session_read_account    (const char *path,
                                         gboolean    legacy);

G_END_DECLS
