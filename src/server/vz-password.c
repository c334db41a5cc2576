/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "vz-password.h"
#include "vz-server-error.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

void
vz_random_bytes (guint8 *buffer,
                 gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          /* EINTR is the only error a blocking getrandom() reports on a
           * working kernel; anything else means no safe randomness at all,
           * and handing out predictable tokens would be worse than stopping. */
          if (errno == EINTR)
            continue;
          g_error ("The kernel refused to provide random bytes: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

char *
vz_password_hash (const char  *password,
                  GError     **error)
{
  guint8 entropy[32];
  g_autofree char *setting = NULL;
  struct crypt_data *data;
  char *result;
  char *hash = NULL;

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

  /* struct crypt_data is large (~32 KiB): keep it off the stack. */
  data = g_new0 (struct crypt_data, 1);
  result = crypt_rn (password, setting, data, sizeof *data);
  if (result != NULL && result[0] != '*')
    hash = g_strdup (result);
  explicit_bzero (data, sizeof *data);
  g_free (data);

  if (hash == NULL)
    g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                 "The password could not be hashed.");
  return hash;
}

gboolean
vz_password_verify (const char *password,
                    const char *hash)
{
  struct crypt_data *data;
  const char *result;
  gboolean equal = FALSE;

  if (password == NULL || hash == NULL || !g_str_has_prefix (hash, "$"))
    return FALSE;

  data = g_new0 (struct crypt_data, 1);
  result = crypt_rn (password, hash, data, sizeof *data);
  if (result != NULL && result[0] != '*')
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
  explicit_bzero (data, sizeof *data);
  g_free (data);
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
