/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_API_ERROR (vz_api_error_quark ())
GQuark vz_api_error_quark (void);

/*
 * Every failure of a REST or realtime call. The GError message is always a
 * sentence a person understands: the server's own message when it sent one
 * (`message` string, or the strings of a `message` array joined), else ours.
 */
typedef enum {
  VZ_API_ERROR_NETWORK,            /* could not reach the server / connection dropped */
  VZ_API_ERROR_TIMEOUT,
  VZ_API_ERROR_INVALID_RESPONSE,   /* body not JSON / wrong shape / too large */
  VZ_API_ERROR_BAD_REQUEST,        /* 400, 413, 422 */
  VZ_API_ERROR_UNAUTHORIZED,       /* 401 after the refresh attempt */
  VZ_API_ERROR_FORBIDDEN,          /* 403 */
  VZ_API_ERROR_NOT_FOUND,          /* 404 */
  VZ_API_ERROR_CONFLICT,           /* 409 */
  VZ_API_ERROR_PRECONDITION_FAILED,/* 412 */
  VZ_API_ERROR_RATE_LIMITED,       /* 429 */
  VZ_API_ERROR_SERVER,             /* 5xx */
  VZ_API_ERROR_AUTH_INVALID,       /* realtime auth_invalid, session:expired */
  VZ_API_ERROR_CIRCUIT_OPEN,       /* reserved for the circuit breaker */
  VZ_API_ERROR_CERTIFICATE,        /* the server's TLS certificate was refused */
} VzApiError;

/* Maps an HTTP status to a VzApiError code (VZ_API_ERROR_SERVER for unknown ≥ 500). */
VzApiError vz_api_error_from_status (guint status);

/*
 * TRUE when @error says the server, or the way to it, is unwell: no answer,
 * a timeout, a 5xx, a 429, an answer that is not the contract's. These count
 * against the circuit breaker; an answer that refuses the request (4xx) says
 * the server is well. A cancelled request says nothing either way (FALSE).
 */
gboolean   vz_api_error_is_unwell   (const GError *error);

/*
 * Why a certificate is refused, in words: one clause per problem @flags
 * names (an authority this computer does not trust, as with a self-signed
 * certificate; made out for another name than @host; expired; not valid
 * yet; revoked; an insecure algorithm), joined into one sentence.
 */
char      *vz_api_error_describe_certificate (GTlsCertificateFlags  flags,
                                              const char           *host);

G_END_DECLS
