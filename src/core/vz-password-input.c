/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "vz-password-input.h"

/* More than any password a person types; a longer first line is refused
 * rather than cut. */
#define MAX_PASSWORD_LINE 4096

static char *
first_line (const char  *file,
            GError     **error)
{
  gboolean is_stdin = g_str_equal (file, "-");
  FILE *in = is_stdin ? stdin : fopen (file, "re");
  g_autofree char *line = NULL;
  gsize len;

  if (in == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("The password file %s could not be read: %s."), file, g_strerror (saved));
      return NULL;
    }
  line = g_malloc0 (MAX_PASSWORD_LINE + 1);
  if (fgets (line, MAX_PASSWORD_LINE + 1, in) == NULL)
    line[0] = '\0';
  if (!is_stdin)
    fclose (in);

  len = strlen (line);
  if (len == MAX_PASSWORD_LINE && line[len - 1] != '\n')
    {
      explicit_bzero (line, len);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The first line of the password file %s is too long for a password."), file);
      return NULL;
    }
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  if (len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The password file %s holds no password on its first line."), file);
      return NULL;
    }
  return g_steal_pointer (&line);
}

char *
vz_password_input_read (const char  *file,
                        GError     **error)
{
  const char *env;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (file != NULL)
    return first_line (file, error);

  env = g_getenv ("VIZORA_PASSWORD");
  if (env == NULL || *env == '\0')
    return NULL;
  return g_strdup (env);
}
