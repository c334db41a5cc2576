/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "vz-server-error.h"

G_DEFINE_QUARK (vz-server-error-quark, vz_server_error)

guint
vz_server_error_to_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 500);

  if (error->domain != VZ_SERVER_ERROR)
    return 500;

  switch ((VzServerError) error->code)
    {
    case VZ_SERVER_ERROR_INVALID:             return 400;
    case VZ_SERVER_ERROR_UNAUTHORIZED:        return 401;
    case VZ_SERVER_ERROR_FORBIDDEN:           return 403;
    case VZ_SERVER_ERROR_NOT_FOUND:           return 404;
    case VZ_SERVER_ERROR_CONFLICT:            return 409;
    case VZ_SERVER_ERROR_PRECONDITION_FAILED: return 412;
    case VZ_SERVER_ERROR_TOO_LARGE:           return 413;
    case VZ_SERVER_ERROR_RANGE:               return 416;
    case VZ_SERVER_ERROR_RATE_LIMITED:        return 429;
    case VZ_SERVER_ERROR_FAILED:
    case VZ_SERVER_ERROR_DATABASE:
    case VZ_SERVER_ERROR_LISTEN:
    default:
      return 500;
    }
}

const char *
vz_server_status_phrase (guint status)
{
  /* NestJS spells these exactly like this in its error bodies. */
  switch (status)
    {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default:  return "Internal Server Error";
    }
}
