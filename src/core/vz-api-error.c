/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-api-error"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

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

char *
vz_api_error_describe_certificate (GTlsCertificateFlags  flags,
                                   const char           *host)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (problems, g_strdup (_("it is not signed by an authority this computer trusts (a self-signed certificate, for example)")));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (problems, g_strdup_printf (_("it is made out for another name than %s"), host));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (problems, g_strdup (_("it has expired")));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (problems, g_strdup (_("it is not valid yet")));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (problems, g_strdup (_("it has been revoked")));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (problems, g_strdup (_("it uses an insecure algorithm")));
  if (problems->len == 0)
    g_ptr_array_add (problems, g_strdup (_("it could not be checked")));
  g_ptr_array_add (problems, NULL);

  /* "; " between clauses, in every language. */
  joined = g_strjoinv ("; ", (char **) problems->pdata);
  return g_strdup_printf (_("The server at %s was refused because its certificate cannot be trusted: %s. "
                            "If this server is yours, give it a certificate this computer trusts."),
                          host, joined);
}
