/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "vz-api-client.h"

G_BEGIN_DECLS

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
 * "organization-name", "signed-in" (gboolean).
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
/* Uses an existing access token (VIZORA_TOKEN, or a saved one): GET /auth/me. */
void         vz_session_resume_async          (VzSession           *self,
                                               const char          *access_token,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_resume_finish         (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void         vz_session_logout_async          (VzSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vz_session_logout_finish         (VzSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
