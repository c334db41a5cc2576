/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VZ_SERVER_ERROR (vz_server_error_quark ())
GQuark vz_server_error_quark (void);

/*
 * Errors of the local fleet server. The HTTP-shaped codes are what route
 * handlers return; the dispatcher turns them into the platform's
 * un-enveloped error body with the matching status.
 */
typedef enum {
  VZ_SERVER_ERROR_INVALID,              /* 400 */
  VZ_SERVER_ERROR_UNAUTHORIZED,         /* 401 */
  VZ_SERVER_ERROR_FORBIDDEN,            /* 403 */
  VZ_SERVER_ERROR_NOT_FOUND,            /* 404 */
  VZ_SERVER_ERROR_CONFLICT,             /* 409 */
  VZ_SERVER_ERROR_PRECONDITION_FAILED,  /* 412 */
  VZ_SERVER_ERROR_TOO_LARGE,            /* 413 */
  VZ_SERVER_ERROR_RANGE,                /* 416: a Range outside the file */
  VZ_SERVER_ERROR_RATE_LIMITED,         /* 429 */
  VZ_SERVER_ERROR_FAILED,               /* 500: a bug or the disk, never the peer's input */
  VZ_SERVER_ERROR_DATABASE,             /* the SQLite file cannot be opened or migrated */
  VZ_SERVER_ERROR_LISTEN,               /* the address cannot be bound */
} VzServerError;

guint       vz_server_error_to_status (const GError *error);
/* The HTTP reason phrase used in the "error" member ("Bad Request"…). */
const char *vz_server_status_phrase   (guint         status);

G_END_DECLS
