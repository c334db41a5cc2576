/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-download"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vz-content-download.h"
#include "vz-soup-private.h"

typedef struct {
  VzSession    *session;
  SoupSession  *soup;
  SoupMessage  *message;
  GUri         *uri;
  gboolean      authorized;    /* the request carries the session's token */
  gboolean      refreshed;     /* the token was renewed once for it already */
  GFile        *dest;
  GInputStream *body;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->session);
  g_clear_object (&download->soup);
  g_clear_object (&download->message);
  g_clear_pointer (&download->uri, g_uri_unref);
  g_clear_object (&download->dest);
  g_clear_object (&download->body);
  g_free (download);
}

static void
fail (GTask  *task,
      GError *error)
{
  Download *download = g_task_get_task_data (task);

  /* Nothing half-written stays. */
  g_file_delete (download->dest, NULL, NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    {
      fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_replaced (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace_finish (G_FILE (source), result, &error);

  if (out == NULL)
    {
      fail (task, error);
      return;
    }
  g_output_stream_splice_async (G_OUTPUT_STREAM (out), download->body,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_spliced, task);
}

static void send_download (GTask *task);

/* The token had expired: any request through the session's API client
 * renews it (with the refresh cookie); then the file is asked for again. */
static void
on_token_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (answer == NULL)
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("The file could not be fetched: the sign-in has expired (%s)."), error->message));
      return;
    }
  send_download (task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  download->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (download->body == NULL)
    {
      GError *said = g_error_new (error->domain, error->code, _("The file could not be fetched: %s"), error->message);

      g_error_free (error);
      fail (task, said);
      return;
    }
  status = soup_message_get_status (download->message);
  if (status == SOUP_STATUS_UNAUTHORIZED && download->authorized && !download->refreshed)
    {
      download->refreshed = TRUE;
      g_clear_object (&download->body);
      vz_api_client_request_async (vz_session_get_api_client (download->session), "GET", "/auth/me", NULL,
                                   g_task_get_cancellable (task), on_token_checked, task);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("The server did not give the file (HTTP %u)."), status));
      return;
    }
  g_file_replace_async (download->dest, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_replaced, task);
}

static void
send_download (GTask *task)
{
  Download *download = g_task_get_task_data (task);
  const char *token = vz_session_get_access_token (download->session);

  g_clear_object (&download->message);
  download->message = soup_message_new_from_uri ("GET", download->uri);
  if (download->authorized && token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (download->message), "Authorization", bearer);
    }
  soup_session_send_async (download->soup, download->message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                           on_sent, task);
}

void
vz_content_download_async (VzSession           *session,
                           VzContent           *content,
                           GFile               *dest,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  const char *server = vz_session_get_server_url (session);
  const char *type = vz_content_get_content_type (content);
  g_autoptr(GUri) base = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *fallback = NULL;
  const char *url = vz_content_get_url (content);
  Download *download;
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (session));
  g_return_if_fail (VZ_IS_CONTENT (content));
  g_return_if_fail (G_IS_FILE (dest));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_content_download_async);
  if (g_strcmp0 (type, "url") == 0 || g_strcmp0 (type, "html") == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("A web page has no file to download."));
      g_object_unref (task);
      return;
    }
  if (url == NULL)
    url = fallback = g_strdup_printf ("/api/v1/content/%s/file", vz_entity_get_id (VZ_ENTITY (content)));
  if (base != NULL)
    uri = g_uri_parse_relative (base, url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The content’s address is not valid."));
      g_object_unref (task);
      return;
    }

  download = g_new0 (Download, 1);
  download->session = g_object_ref (session);
  download->dest = g_object_ref (dest);
  download->soup = soup_session_new ();
  _vz_soup_session_direct_for_loopback (download->soup, server);
  /* The token goes only to the server it is for, never to a file elsewhere. */
  download->authorized = g_strcmp0 (g_uri_get_host (uri), g_uri_get_host (base)) == 0 &&
                         g_uri_get_port (uri) == g_uri_get_port (base) &&
                         g_strcmp0 (g_uri_get_scheme (uri), g_uri_get_scheme (base)) == 0;
  download->uri = g_steal_pointer (&uri);
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  send_download (task);
}

gboolean
vz_content_download_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
