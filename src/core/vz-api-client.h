/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "vz-api-error.h"

G_BEGIN_DECLS

#define VZ_TYPE_API_CLIENT (vz_api_client_get_type ())
G_DECLARE_FINAL_TYPE (VzApiClient, vz_api_client, VZ, API_CLIENT, GObject)

/*
 * VzApiClient: the REST side of the contract (vizora-api.md).
 * @base_url is the API root, e.g. "http://127.0.0.1:3000/api/v1".
 * Sends `Authorization: Bearer`, unwraps `{"success":true,"data":…}` (and the
 * two documented exceptions), decodes error bodies into VZ_API_ERROR, and on a
 * 401 refreshes the token once (single-flight: concurrent 401s share one
 * refresh) and retries. Emits "token-changed" after a refresh. The token is
 * never logged.
 *
 * Properties: "base-url" (construct-only), "access-token" (read/write),
 * "max-connections" (construct-only: requests in flight at once, default 8).
 * Signals: "token-changed" (), "unauthorized" () — refresh failed, sign in again.
 */
VzApiClient *vz_api_client_new              (const char    *base_url);
const char  *vz_api_client_get_base_url     (VzApiClient   *self);
const char  *vz_api_client_get_access_token (VzApiClient   *self);
void         vz_api_client_set_access_token (VzApiClient   *self,
                                             const char    *token);

/* The refresh cookie (vizora_refresh_token) as a Set-Cookie header value,
 * so a session can outlive the process (VzSession keeps it with the saved
 * account); NULL when there is none. It rotates on every refresh
 * ("token-changed"). Never log it. set() takes such a value back; anything
 * else is ignored. */
char        *vz_api_client_dup_refresh_cookie (VzApiClient *self);
void         vz_api_client_set_refresh_cookie (VzApiClient *self,
                                               const char  *set_cookie);

/*
 * method: "GET", "POST", "PATCH", "DELETE". path is relative to base-url,
 * with query, e.g. "/displays?page=2&limit=100". body may be NULL.
 * finish returns the unwrapped payload (`data`, or for the documented
 * exceptions the whole body) as a new JsonNode.
 */
void         vz_api_client_request_async    (VzApiClient         *self,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonNode    *vz_api_client_request_finish   (VzApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/*
 * As request_async(), with extra request headers: @headers is a
 * NULL-terminated list of name, value pairs (e.g. "Idempotency-Key", id,
 * "If-Match", "\"<updatedAt>\"", NULL), nullable. request_full_finish()
 * also reports, when the pointers are given, the server's `Retry-After`
 * in seconds (0 when absent; success or failure) and whether the answer was
 * replayed from an Idempotency-Key record (`Idempotent-Replayed: true`).
 * request_finish() works on these results too.
 */
void         vz_api_client_request_full_async  (VzApiClient         *self,
                                                const char          *method,
                                                const char          *path,
                                                JsonNode            *body,
                                                const char * const  *headers,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode    *vz_api_client_request_full_finish (VzApiClient         *self,
                                                GAsyncResult        *result,
                                                guint               *retry_after,
                                                gboolean            *replayed,
                                                GError             **error);

/*
 * A request with a streamed body (an upload). @body_func makes the body for
 * each attempt (a 401 sends the request again after the refresh): a stream
 * of *@length bytes (-1: unknown) of *@content_type (transfer full both),
 * or NULL with the reason. @progress (nullable) hears the bytes of the body
 * written so far in this attempt, in the thread-default main context of the
 * caller. @body_destroy frees @body_data once the request is over. @headers
 * (nullable) as for request_full_async(): every attempt sends them. Finish
 * with vz_api_client_request_finish().
 */
typedef GInputStream *(*VzApiBodyFunc)     (gpointer     body_data,
                                            char       **content_type,
                                            goffset     *length,
                                            GError     **error);
typedef void          (*VzApiProgressFunc) (goffset      sent,
                                            gpointer     body_data);

void         vz_api_client_send_stream_async (VzApiClient         *self,
                                              const char          *method,
                                              const char          *path,
                                              VzApiBodyFunc        body_func,
                                              VzApiProgressFunc    progress,
                                              gpointer             body_data,
                                              GDestroyNotify       body_destroy,
                                              const char * const  *headers,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/*
 * Reads every page of a list endpoint (`?page=&limit=100`, several pages in
 * flight at once) and returns a GPtrArray of JsonObject* (element free func
 * json_object_unref), in server order.
 */
void         vz_api_client_list_all_async   (VzApiClient         *self,
                                             const char          *path,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray   *vz_api_client_list_all_finish  (VzApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/*
 * Called on the caller's main context with each page as it is read, in any
 * order, before the next pages are asked for: it may put other objects in
 * the page's slots (the list returned holds what the pages hold then), so
 * that a page's parsed tree is freed as soon as it has been looked at.
 */
typedef void (*VzApiListPageFunc) (GPtrArray *records,
                                   gpointer   user_data);
/* As list_all_async(), with @page_func (nullable) given each page;
 * @page_data must live until the list has been returned. */
void         vz_api_client_list_all_full_async (VzApiClient         *self,
                                                const char          *path,
                                                VzApiListPageFunc    page_func,
                                                gpointer             page_data,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);

/* GET raw bytes (screenshots, thumbnails); @url may be absolute or relative to the server origin. */
void         vz_api_client_get_bytes_async  (VzApiClient         *self,
                                             const char          *url,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* As get_bytes_async(), refusing a body over @max_bytes: by its
 * Content-Length before any of it is read, else as soon as more has
 * arrived. get_bytes_full_finish() tells that refusal (an error, with
 * *over_limit TRUE) from the others; get_bytes_finish() ends it too. */
void         vz_api_client_get_bytes_limited_async (VzApiClient         *self,
                                                    const char          *url,
                                                    gsize                max_bytes,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GBytes      *vz_api_client_get_bytes_finish (VzApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
GBytes      *vz_api_client_get_bytes_full_finish (VzApiClient         *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *over_limit,
                                                  GError             **error);

G_END_DECLS
