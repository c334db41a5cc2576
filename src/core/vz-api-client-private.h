/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "vz-api-client.h"

G_BEGIN_DECLS

/* JSON answers larger than this are refused: no list page of the contract
 * comes near it, and a broken or hostile server must not exhaust memory. */
#define VZ_API_MAX_JSON_BODY (16 * 1024 * 1024)

struct _VzApiClient
{
  GObject        parent_instance;

  char          *base_url;      /* no trailing slash */
  GUri          *base_uri;
  char          *access_token;
  SoupSession   *session;
  guint          max_connections;
  /* Holds the refresh cookie. It is not a session feature: we decide which
   * cookies go out, so the access-token cookie can never be sent back. */
  SoupCookieJar *cookies;

  gboolean       refreshing;
  GPtrArray     *refresh_waiters;  /* GTask* of requests waiting for the refresh */
};

typedef enum {
  KIND_JSON,
  KIND_BYTES,
  KIND_REFRESH,
} RequestKind;

typedef struct {
  RequestKind  kind;
  char        *method;
  char        *uri;
  GBytes      *body;          /* serialized JSON, nullable */
  gboolean     send_token;
  gboolean     retried;       /* a 401 already led to one retry */
  char        *token_used;
  SoupMessage *message;
  GInputStream *stream;
  GByteArray  *buffer;
  gsize        limit;
  GStrv        headers;       /* extra name, value pairs, nullable */
  guint        retry_after;   /* seconds, from the last answer */
  gboolean     replayed;      /* Idempotent-Replayed: true */
  gboolean     over_limit;    /* refused for a body over `limit` */
  VzApiBodyFunc     body_func;   /* a streamed body, made for every attempt */
  VzApiProgressFunc progress;
  gpointer          body_data;
  GDestroyNotify    body_destroy;
  goffset           sent;        /* of the streamed body, this attempt */
  GTlsCertificateFlags tls_errors; /* of a certificate refused, this attempt */
} Request;

void      _vz_api_client_request_free  (Request      *req);
/* Sends the Request that is @task's data (again after a refresh). */
void      _vz_api_client_send_request  (VzApiClient  *self,
                                        GTask        *task);

/* vz-api-client-answers.c */
JsonNode *_vz_api_parse_body           (GByteArray   *buffer,
                                        GError      **error);
GError   *_vz_api_status_error         (guint         status,
                                        const char   *retry_after,
                                        GByteArray   *buffer);
JsonNode *_vz_api_unwrap_envelope      (JsonNode     *root,
                                        GError      **error);

G_END_DECLS
