/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-api-error"

#include <gio/gio.h>

#include "vz-api-error.h"

G_DEFINE_QUARK (vz-api-error-quark, vz_api_error)

VzApiError
vz_api_error_from_status (guint status)
{
  switch (status)
    {
    case 400:
    case 413:
    case 422:
      return VZ_API_ERROR_BAD_REQUEST;
    case 401:
      return VZ_API_ERROR_UNAUTHORIZED;
    case 403:
      return VZ_API_ERROR_FORBIDDEN;
    case 404:
      return VZ_API_ERROR_NOT_FOUND;
    case 408:
    case 504:
      return VZ_API_ERROR_TIMEOUT;
    case 409:
      return VZ_API_ERROR_CONFLICT;
    case 412:
      return VZ_API_ERROR_PRECONDITION_FAILED;
    case 429:
      return VZ_API_ERROR_RATE_LIMITED;
    default:
      break;
    }

  if (status >= 500)
    return VZ_API_ERROR_SERVER;
  /* Any other 4xx is still the request's fault, not the network's. */
  if (status >= 400)
    return VZ_API_ERROR_BAD_REQUEST;
  /* 1xx/3xx reaching us means the answer was not what the contract promises. */
  return VZ_API_ERROR_INVALID_RESPONSE;
}

gboolean
vz_api_error_is_unwell (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == VZ_API_ERROR)
    return error->code == VZ_API_ERROR_NETWORK || error->code == VZ_API_ERROR_TIMEOUT ||
           error->code == VZ_API_ERROR_SERVER || error->code == VZ_API_ERROR_RATE_LIMITED ||
           error->code == VZ_API_ERROR_INVALID_RESPONSE;
  return (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED) ||
         error->domain == G_RESOLVER_ERROR;
}
