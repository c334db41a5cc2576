/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-screenshot-loader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-screenshot-loader.h"

G_DEFINE_QUARK (vz-screenshot-error-quark, vz_screenshot_error)

static GError *
too_large_error (gsize max_bytes)
{
  g_autofree char *size = g_format_size (max_bytes);

  return g_error_new (VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_TOO_LARGE,
                      _("The screenshot is larger than %s, too large to show."), size);
}

static GError *
not_a_picture_error (void)
{
  return g_error_new_literal (VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_NOT_A_PICTURE,
                              _("The screen sent a screenshot that is not a picture."));
}

static GError *
damaged_error (void)
{
  return g_error_new_literal (VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_NOT_A_PICTURE,
                              _("The screen sent a screenshot that arrived damaged."));
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Padded base64 only: g_base64_decode() skips what it does not know and
 * drops an unpadded tail, so damage would pass as a shorter picture. */
static gboolean
base64_is_valid (const char *text,
                 gsize       length,
                 gsize       padding)
{
  if (length == 0 || length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length - padding; i++)
    if (!is_base64_char (text[i]))
      return FALSE;
  return TRUE;
}

/* data:[<media type>][;base64],<data> (RFC 2397), of an image type. */
static GBytes *
decode_data_url (const char  *url,
                 gsize        max_bytes,
                 GError     **error)
{
  const char *header = url + strlen ("data:");
  const char *comma = strchr (header, ',');
  g_autofree char *media = NULL;
  const char *data;
  gsize length;

  if (comma == NULL)
    {
      g_propagate_error (error, damaged_error ());
      return NULL;
    }

  media = g_ascii_strdown (header, comma - header);
  /* No type at all means text/plain (RFC 2397). */
  if (!g_str_has_prefix (media, "image/"))
    {
      g_propagate_error (error, not_a_picture_error ());
      return NULL;
    }

  data = comma + 1;
  length = strlen (data);
  if (length == 0)
    {
      g_propagate_error (error, not_a_picture_error ());
      return NULL;
    }

  if (g_str_has_suffix (media, ";base64"))
    {
      gsize padding = 0;
      gsize size;
      guchar *decoded;

      /* Four characters carry three bytes, so the size is known from the
       * text alone, before anything is decoded. */
      if (length >= 1 && data[length - 1] == '=')
        padding++;
      if (length >= 2 && data[length - 2] == '=')
        padding++;
      size = length / 4 * 3 - MIN (padding, length / 4 * 3);
      if (size > max_bytes)
        {
          g_propagate_error (error, too_large_error (max_bytes));
          return NULL;
        }
      if (!base64_is_valid (data, length, padding))
        {
          g_propagate_error (error, damaged_error ());
          return NULL;
        }
      decoded = g_base64_decode (data, &size);
      return g_bytes_new_take (decoded, size);
    }
  else
    {
      g_autoptr(GBytes) bytes = NULL;

      /* Percent-encoding makes one byte of at most three characters, and of
       * at least one: the text alone refuses what is surely too large. */
      if (length / 3 > max_bytes)
        {
          g_propagate_error (error, too_large_error (max_bytes));
          return NULL;
        }
      bytes = g_uri_unescape_bytes (data, length, NULL, NULL);
      if (bytes == NULL)
        {
          g_propagate_error (error, damaged_error ());
          return NULL;
        }
      if (g_bytes_get_size (bytes) > max_bytes)
        {
          g_propagate_error (error, too_large_error (max_bytes));
          return NULL;
        }
      return g_steal_pointer (&bytes);
    }
}

typedef struct {
  char  *url;
  gsize  max_bytes;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->url);
  g_free (fetch);
}

/* Base64 of a large picture takes a while to check and decode: a worker
 * thread does it, never the main loop. */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Fetch *fetch = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = decode_data_url (fetch->url, fetch->max_bytes, &error);

  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean over_limit = FALSE;

  bytes = vz_api_client_get_bytes_full_finish (VZ_API_CLIENT (source), result, &over_limit, &error);
  if (bytes == NULL)
    {
      Fetch *fetch = g_task_get_task_data (task);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (over_limit)
        g_task_return_error (task, too_large_error (fetch->max_bytes));
      else
        /* Translators: the second sentence is the server's or the network's */
        g_task_return_new_error (task, VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_DOWNLOAD,
                                 _("The screenshot could not be downloaded. %s"), error->message);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      g_task_return_error (task, not_a_picture_error ());
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

void
vz_screenshot_loader_fetch_async (VzSession           *session,
                                  const char          *url,
                                  gsize                max_bytes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) origin = NULL;
  g_autoptr(GUri) target = NULL;
  g_autofree char *absolute = NULL;
  const char *scheme;
  Fetch *fetch;

  g_return_if_fail (VZ_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (max_bytes > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_screenshot_loader_fetch_async);
  fetch = g_new0 (Fetch, 1);
  fetch->url = g_strdup (url);
  fetch->max_bytes = max_bytes;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if (g_ascii_strncasecmp (url, "data:", strlen ("data:")) == 0)
    {
      g_task_run_in_thread (task, decode_thread);
      return;
    }

  origin = g_uri_parse (vz_session_get_server_url (session), G_URI_FLAGS_NONE, NULL);
  target = origin != NULL ? g_uri_parse_relative (origin, url, G_URI_FLAGS_NONE, NULL)
                          : g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = target != NULL ? g_uri_get_scheme (target) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (target) == NULL || *g_uri_get_host (target) == '\0')
    {
      g_task_return_new_error (task, VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_ADDRESS,
                               _("The screen sent a screenshot address that cannot be opened."));
      return;
    }

  absolute = g_uri_to_string (target);
  vz_api_client_get_bytes_limited_async (vz_session_get_api_client (session), absolute, max_bytes,
                                         cancellable, fetched_cb, g_steal_pointer (&task));
}

GBytes *
vz_screenshot_loader_fetch_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_screenshot_loader_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
