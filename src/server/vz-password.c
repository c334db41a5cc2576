/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "vz-password.h"
#include "vz-server-error.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

gboolean
vz_random_bytes_try (guint8  *buffer,
                     gsize    length,
                     GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int errsv = errno;

          /* EINTR is the only error a blocking getrandom() reports on a
           * working kernel; anything else means no safe randomness at all. */
          if (errsv == EINTR)
            continue;
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                       "The kernel refused to provide random bytes: %s", g_strerror (errsv));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

void
vz_random_bytes (guint8 *buffer,
                 gsize   length)
{
  g_autoptr(GError) error = NULL;

  /* Handing out predictable tokens would be worse than stopping. */
  if (!vz_random_bytes_try (buffer, length, &error))
    g_error ("%s", error->message);
}

/* crypt_rn() of @password with @setting (a salt or a stored hash) as a
 * newly allocated string, or NULL when it fails. Its work area is large
 * (~32 KiB), so it lives on the heap, and it holds the password: wiped
 * before it is freed. */
static char *
crypt_copy (const char *password,
            const char *setting)
{
  struct crypt_data *data = g_malloc0 (sizeof (struct crypt_data));
  const char *result = crypt_rn (password, setting, data, sizeof (struct crypt_data));
  char *copy = result != NULL && result[0] != '*' ? g_strdup (result) : NULL;

  explicit_bzero (data, sizeof (struct crypt_data));
  g_free (data);
  return copy;
}

char *
vz_password_hash (const char  *password,
                  GError     **error)
{
  guint8 entropy[32];
  g_autofree char *setting = NULL;
  char *hash;

  g_return_val_if_fail (password != NULL, NULL);

  vz_random_bytes (entropy, sizeof entropy);
  /* count 0 lets libxcrypt pick its current default cost for yescrypt. */
  setting = crypt_gensalt_ra ("$y$", 0, (const char *) entropy, sizeof entropy);
  if (setting == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                   "This system’s libxcrypt cannot make yescrypt password hashes.");
      return NULL;
    }

  hash = crypt_copy (password, setting);
  if (hash == NULL)
    g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                 "The password could not be hashed.");
  return hash;
}

gboolean
vz_password_verify (const char *password,
                    const char *hash)
{
  g_autofree char *result = NULL;
  gboolean equal = FALSE;

  if (password == NULL || hash == NULL || !g_str_has_prefix (hash, "$"))
    return FALSE;

  result = crypt_copy (password, hash);
  if (result != NULL)
    {
      gsize a = strlen (result);
      gsize b = strlen (hash);

      if (a == b)
        {
          guint8 diff = 0;

          /* Constant time, so the comparison leaks nothing about the hash. */
          for (gsize i = 0; i < a; i++)
            diff |= (guint8) (result[i] ^ hash[i]);
          equal = (diff == 0);
        }
    }
  return equal;
}

char *
vz_password_generate (guint length)
{
  /* No look-alikes (0/O, 1/l/I): people copy this from admin.txt by hand. */
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const guint n = sizeof alphabet - 1;
  char *out = g_malloc (length + 1);
  guint i = 0;

  while (i < length)
    {
      guint8 byte;

      vz_random_bytes (&byte, 1);
      /* Rejection sampling keeps every character equally likely. */
      if (byte >= 256 - (256 % n))
        continue;
      out[i++] = alphabet[byte % n];
    }
  out[length] = '\0';
  return out;
}

char *
vz_token_generate (void)
{
  guint8 bytes[32];
  g_autofree char *b64 = NULL;
  char *p;

  vz_random_bytes (bytes, sizeof bytes);
  b64 = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);

  /* base64url: tokens travel in cookies and URLs. */
  for (p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return g_steal_pointer (&b64);
}

char *
vz_token_digest (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}
