/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-api-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vz-api-client-private.h"
#include "vz-soup-private.h"
#include "vz-wire-json.h"

/* Screenshots and thumbnails. */
#define MAX_BYTES_BODY  (32 * 1024 * 1024)
#define READ_CHUNK      (64 * 1024)

#define REFRESH_COOKIE  "vizora_refresh_token"
#define AUTH_COOKIE     "vizora_auth_token"

G_DEFINE_FINAL_TYPE (VzApiClient, vz_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_ACCESS_TOKEN,
  PROP_MAX_CONNECTIONS,
  N_PROPS
};

enum {
  TOKEN_CHANGED,
  UNAUTHORIZED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


void
_vz_api_client_request_free (Request *req)
{
  g_free (req->method);
  g_free (req->uri);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->token_used);
  if (req->message != NULL)
    g_signal_handlers_disconnect_by_data (req->message, req);
  g_clear_object (&req->message);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_strfreev (req->headers);
  if (req->body_destroy != NULL)
    req->body_destroy (req->body_data);
  g_free (req);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

static char *
host_for_people (VzApiClient *self)
{
  const char *host = g_uri_get_host (self->base_uri);
  int port = g_uri_get_port (self->base_uri);

  if (host == NULL)
    return g_strdup (self->base_url);
  if (port > 0)
    return g_strdup_printf ("%s:%d", host, port);
  return g_strdup (host);
}

static GError *
transport_error (VzApiClient *self,
                 GError      *error,
                 Request     *req)
{
  g_autofree char *host = host_for_people (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  /* Refused in on_accept_certificate(): say which problems it has. */
  if (req != NULL && req->tls_errors != 0)
    {
      g_autofree char *text = vz_api_error_describe_certificate (req->tls_errors,
                                                                  g_uri_get_host (self->base_uri));

      return g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE, text);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (VZ_API_ERROR, VZ_API_ERROR_TIMEOUT,
                        _("The server at %s did not answer in time."), host);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                        _("The secure connection to %s could not be established: %s."),
                        host, error->message);
  return g_error_new (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                      _("Could not reach the server at %s (%s)."), host, error->message);
}

/* ------------------------------------------------------------------------ */
/* Cookies                                                                  */

static void
store_response_cookies (VzApiClient *self,
                        SoupMessage *message,
                        char       **auth_cookie)
{
  GSList *cookies = soup_cookies_from_response (message);
  GUri *uri = soup_message_get_uri (message);

  for (GSList *l = cookies; l != NULL; l = l->next)
    {
      SoupCookie *cookie = l->data;

      if (g_strcmp0 (soup_cookie_get_name (cookie), AUTH_COOKIE) == 0)
        {
          /* Taken as the new Bearer token, never stored: sending it back
           * would switch on the server's CSRF checks. */
          if (auth_cookie != NULL)
            {
              g_free (*auth_cookie);
              *auth_cookie = g_strdup (soup_cookie_get_value (cookie));
            }
          soup_cookie_free (cookie);
          continue;
        }
      soup_cookie_jar_add_cookie_full (self->cookies, cookie, uri, uri);
    }
  g_slist_free (cookies);
}

static void
attach_request_cookies (VzApiClient *self,
                        SoupMessage *message)
{
  GSList *cookies = soup_cookie_jar_get_cookie_list (self->cookies, soup_message_get_uri (message), TRUE);
  GSList *out = NULL;

  for (GSList *l = cookies; l != NULL; l = l->next)
    if (g_strcmp0 (soup_cookie_get_name (l->data), AUTH_COOKIE) != 0)
      out = g_slist_prepend (out, l->data);
  if (out != NULL)
    soup_cookies_to_request (out, message);
  g_slist_free (out);
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
}

/* ------------------------------------------------------------------------ */
/* Sending and reading                                                      */

static gboolean
is_auth_endpoint (const char *uri)
{
  return strstr (uri, "/auth/login") != NULL || strstr (uri, "/auth/refresh") != NULL;
}

static void finish_request (VzApiClient *self, GTask *task);

static GError *
too_large_error (gsize limit)
{
  g_autofree char *size = g_format_size (limit);

  return g_error_new (VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                      _("The server’s answer was larger than %s, so it was not read."), size);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, transport_error (self, error, req));
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      finish_request (self, g_steal_pointer (&task));
      return;
    }

  if (req->buffer->len + g_bytes_get_size (chunk) > req->limit)
    {
      req->over_limit = TRUE;
      g_task_return_error (task, too_large_error (req->limit));
      return;
    }
  g_byte_array_append (req->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));

  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, g_object_ref (task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  goffset length;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      g_task_return_error (task, transport_error (self, error, req));
      return;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (req->message));
  if (length > 0 && (guint64) length > req->limit)
    {
      req->over_limit = TRUE;
      g_task_return_error (task, too_large_error (req->limit));
      return;
    }

  req->buffer = g_byte_array_sized_new (length > 0 ? (guint) length : 4096);
  /* Taken apart: C leaves argument order open, so the task must not be read
   * in the same call that steals it. */
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, on_read, g_steal_pointer (&task));
}

/* libsoup asks only about a certificate that failed verification: it is
 * refused, never accepted, and the reasons kept for the error. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       Request              *req)
{
  req->tls_errors = errors;
  return FALSE;
}

static void
on_wrote_body_data (SoupMessage *message,
                    guint        chunk,
                    Request     *req)
{
  req->sent += chunk;
  if (req->progress != NULL)
    req->progress (req->sent, req->body_data);
}

/* A streamed body, made afresh for this attempt; FALSE once the task has
 * been answered with the reason it could not be made. */
static gboolean
attach_stream_body (Request *req,
                    GTask   *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *content_type = NULL;
  goffset length = -1;

  stream = req->body_func (req->body_data, &content_type, &length, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return FALSE;
    }
  req->sent = 0;
  soup_message_set_request_body (req->message, content_type, stream, length);
  g_signal_connect (req->message, "wrote-body-data", G_CALLBACK (on_wrote_body_data), req);
  return TRUE;
}

void
_vz_api_client_send_request (VzApiClient *self,
              GTask       *task)
{
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  if (req->message != NULL)
    g_signal_handlers_disconnect_by_data (req->message, req);
  g_clear_object (&req->message);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_clear_pointer (&req->token_used, g_free);

  req->message = soup_message_new (req->method, req->uri);
  if (req->message == NULL)
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                               _("“%s” is not a valid server address."), req->uri);
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_request_headers (req->message);
  soup_message_headers_replace (headers, "Accept",
                                req->kind == KIND_BYTES ? "*/*" : "application/json");
  if (req->send_token && self->access_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
      req->token_used = g_strdup (self->access_token);
    }
  if (req->headers != NULL)
    for (guint i = 0; req->headers[i] != NULL && req->headers[i + 1] != NULL; i += 2)
      soup_message_headers_replace (headers, req->headers[i], req->headers[i + 1]);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->message, "application/json", req->body);
  if (req->body_func != NULL && !attach_stream_body (req, task))
    return;
  attach_request_cookies (self, req->message);
  req->tls_errors = 0;
  g_signal_connect (req->message, "accept-certificate", G_CALLBACK (on_accept_certificate), req);

  soup_session_send_async (self->session, req->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent, task);
}

static void
fail_waiters (VzApiClient *self,
              GError      *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

  self->refresh_waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
on_refresh_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VzApiClient *self = VZ_API_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) waiters = NULL;

  self->refreshing = FALSE;

  if (token == NULL)
    {
      g_autoptr(GError) unauthorized = NULL;

      g_debug ("Token refresh failed: %s", error->message);
      /* Only the server saying no ends the session. A refresh lost to the
       * network fails these requests like any other network error, and the
       * next 401 tries again. */
      if (error->domain != VZ_API_ERROR ||
          error->code == VZ_API_ERROR_NETWORK || error->code == VZ_API_ERROR_TIMEOUT ||
          error->code == VZ_API_ERROR_SERVER || error->code == VZ_API_ERROR_RATE_LIMITED)
        {
          fail_waiters (self, error);
          return;
        }
      unauthorized = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED,
                                          _("Your session has expired. Please sign in again."));
      fail_waiters (self, unauthorized);
      g_signal_emit (self, signals[UNAUTHORIZED], 0);
      return;
    }

  vz_api_client_set_access_token (self, token);
  g_signal_emit (self, signals[TOKEN_CHANGED], 0);

  waiters = g_steal_pointer (&self->refresh_waiters);
  self->refresh_waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    _vz_api_client_send_request (self, g_ptr_array_index (waiters, i));
}

static void
start_refresh (VzApiClient *self)
{
  GTask *task;
  Request *req;

  g_assert (!self->refreshing);
  self->refreshing = TRUE;

  /* Not cancellable by any one caller: it serves every waiting request, and
   * abandoning a rotation half way would revoke the refresh token family. */
  task = g_task_new (self, NULL, on_refresh_done, NULL);
  g_task_set_source_tag (task, start_refresh);
  req = g_new0 (Request, 1);
  req->kind = KIND_REFRESH;
  req->method = g_strdup ("POST");
  req->uri = g_strconcat (self->base_url, "/auth/refresh", NULL);
  req->send_token = TRUE;
  req->retried = TRUE;
  req->limit = VZ_API_MAX_JSON_BODY;
  g_task_set_task_data (task, req, (GDestroyNotify) _vz_api_client_request_free);
  _vz_api_client_send_request (self, task);
}

/* Retry-After is either seconds or an HTTP date; a day caps both, so a
 * confused server cannot park a change for ever. */
static guint
parse_retry_after (const char *value)
{
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoull (value, &end, 10);
      return (guint) MIN (seconds, 86400);
    }
  else
    {
      g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      GTimeSpan span;

      if (when == NULL)
        return 0;
      span = g_date_time_difference (when, now);
      if (span <= 0)
        return 0;
      return (guint) MIN ((span + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 86400);
    }
}

/* The answer's payload (transfer full), or NULL with @error. */
static JsonNode *
parse_answer (GByteArray  *buffer,
              GError     **error)
{
  g_autoptr(JsonNode) root = _vz_api_parse_body (buffer, error);

  return root != NULL ? _vz_api_unwrap_envelope (root, error) : NULL;
}

/* Answers this long (a playlist of 2,000 items is half a megabyte) are read
 * in a worker thread: the nodes are nobody else's until handed over. */
#define PARSE_IN_THREAD_BYTES (64 * 1024)

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *payload = parse_answer (task_data, &error);

  if (payload == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, payload, (GDestroyNotify) json_node_unref);
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *payload = g_task_propagate_pointer (G_TASK (result), &error);

  if (payload == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, payload, (GDestroyNotify) json_node_unref);
}

static void
finish_request (VzApiClient *self,
                GTask       *task)
{
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *response_headers = soup_message_get_response_headers (req->message);
  guint status = soup_message_get_status (req->message);
  g_autofree char *auth_cookie = NULL;

  store_response_cookies (self, req->message, req->kind == KIND_REFRESH ? &auth_cookie : NULL);
  req->retry_after = parse_retry_after (soup_message_headers_get_one (response_headers, "Retry-After"));
  req->replayed = g_strcmp0 (soup_message_headers_get_one (response_headers, "Idempotent-Replayed"), "true") == 0;

  if (req->kind == KIND_REFRESH)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status) && auth_cookie != NULL && *auth_cookie != '\0')
        g_task_return_pointer (task, g_steal_pointer (&auth_cookie), g_free);
      else
        g_task_return_error (task, _vz_api_status_error (status, NULL, req->buffer));
      g_object_unref (task);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && req->send_token && !req->retried &&
      req->token_used != NULL && !is_auth_endpoint (req->uri))
    {
      req->retried = TRUE;
      /* Someone refreshed while this request was under way: just resend. */
      if (g_strcmp0 (req->token_used, self->access_token) != 0)
        {
          _vz_api_client_send_request (self, task);
          return;
        }
      g_ptr_array_add (self->refresh_waiters, task);
      if (!self->refreshing)
        start_refresh (self);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, _vz_api_status_error (status,
                                               soup_message_headers_get_one (response_headers, "Retry-After"),
                                               req->buffer));
      g_object_unref (task);
      return;
    }

  if (req->kind == KIND_BYTES)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&req->buffer)),
                             (GDestroyNotify) g_bytes_unref);
    }
  else if (req->buffer->len == 0)
    {
      /* 204 or an empty 200: there is nothing to unwrap. */
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL), (GDestroyNotify) json_node_unref);
    }
  else if (req->buffer->len >= PARSE_IN_THREAD_BYTES)
    {
      GTask *parsing = g_task_new (self, NULL, on_parsed, task);

      /* The request's task goes on in on_parsed(). */
      g_task_set_source_tag (parsing, parse_in_thread);
      g_task_set_task_data (parsing, g_steal_pointer (&req->buffer), (GDestroyNotify) g_byte_array_unref);
      g_task_run_in_thread (parsing, parse_in_thread);
      g_object_unref (parsing);
      return;
    }
  else
    {
      g_autoptr(GError) error = NULL;
      JsonNode *payload = parse_answer (req->buffer, &error);

      if (payload == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, payload, (GDestroyNotify) json_node_unref);
    }
  g_object_unref (task);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_api_client_constructed (GObject *object)
{
  VzApiClient *self = VZ_API_CLIENT (object);
  g_autofree char *user_agent = g_strdup_printf ("vizora-desktop/%s", PACKAGE_VERSION);

  G_OBJECT_CLASS (vz_api_client_parent_class)->constructed (object);

  /* Trailing slashes would double up with the paths, which start with one. */
  while (self->base_url != NULL && g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->base_uri = g_uri_parse (self->base_url != NULL ? self->base_url : "", G_URI_FLAGS_NONE, NULL);
  if (self->base_uri == NULL)
    self->base_uri = g_uri_build (G_URI_FLAGS_NONE, "http", NULL, "invalid", -1, "/", NULL, NULL);

  self->session = soup_session_new_with_options ("max-conns-per-host", self->max_connections,
                                                 "max-conns", MAX (self->max_connections, 10),
                                                 "timeout", 30,
                                                 "idle-timeout", 60,
                                                 "user-agent", user_agent,
                                                 NULL);
  _vz_soup_session_direct_for_loopback (self->session, self->base_url);
}

static void
vz_api_client_dispose (GObject *object)
{
  VzApiClient *self = VZ_API_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (vz_api_client_parent_class)->dispose (object);
}

static void
vz_api_client_finalize (GObject *object)
{
  VzApiClient *self = VZ_API_CLIENT (object);

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_clear_pointer (&self->access_token, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->cookies);
  g_clear_pointer (&self->refresh_waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_api_client_parent_class)->finalize (object);
}

static void
vz_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VzApiClient *self = VZ_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_ACCESS_TOKEN:
      g_value_set_string (value, self->access_token);
      break;
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_api_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VzApiClient *self = VZ_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_ACCESS_TOKEN:
      vz_api_client_set_access_token (self, g_value_get_string (value));
      break;
    case PROP_MAX_CONNECTIONS:
      self->max_connections = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_api_client_class_init (VzApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vz_api_client_constructed;
  object_class->dispose = vz_api_client_dispose;
  object_class->finalize = vz_api_client_finalize;
  object_class->get_property = vz_api_client_get_property;
  object_class->set_property = vz_api_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCESS_TOKEN] =
    g_param_spec_string ("access-token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Several list pages are read at once: more than libsoup's default two
   * connections to the one host we talk to. */
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 1, 1024, 8,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TOKEN_CHANGED] =
    g_signal_new ("token-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vz_api_client_init (VzApiClient *self)
{
  self->cookies = soup_cookie_jar_new ();
  self->refresh_waiters = g_ptr_array_new ();
}

VzApiClient *
vz_api_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (VZ_TYPE_API_CLIENT, "base-url", base_url, NULL);
}

const char *
vz_api_client_get_base_url (VzApiClient *self)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

const char *
vz_api_client_get_access_token (VzApiClient *self)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);

  return self->access_token;
}

void
vz_api_client_set_access_token (VzApiClient *self,
                                const char  *token)
{
  g_return_if_fail (VZ_IS_API_CLIENT (self));

  if (token != NULL && *token == '\0')
    token = NULL;
  if (g_strcmp0 (self->access_token, token) == 0)
    return;
  g_free (self->access_token);
  self->access_token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESS_TOKEN]);
}

char *
vz_api_client_dup_refresh_cookie (VzApiClient *self)
{
  GSList *cookies;
  char *header = NULL;

  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);

  cookies = soup_cookie_jar_all_cookies (self->cookies);
  for (GSList *l = cookies; l != NULL; l = l->next)
    if (header == NULL && g_strcmp0 (soup_cookie_get_name (l->data), REFRESH_COOKIE) == 0)
      header = soup_cookie_to_set_cookie_header (l->data);
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
  return header;
}

void
vz_api_client_set_refresh_cookie (VzApiClient *self,
                                  const char  *set_cookie)
{
  SoupCookie *cookie;

  g_return_if_fail (VZ_IS_API_CLIENT (self));

  if (set_cookie == NULL || *set_cookie == '\0')
    return;
  /* Parsed against the API's own address, so it goes back only there. */
  cookie = soup_cookie_parse (set_cookie, self->base_uri);
  if (cookie == NULL || g_strcmp0 (soup_cookie_get_name (cookie), REFRESH_COOKIE) != 0)
    {
      g_clear_pointer (&cookie, soup_cookie_free);
      return;
    }
  soup_cookie_jar_add_cookie_full (self->cookies, cookie, self->base_uri, self->base_uri);
}

/* ------------------------------------------------------------------------ */
/* Public requests                                                          */

void
vz_api_client_request_full_async (VzApiClient         *self,
                                  const char          *method,
                                  const char          *path,
                                  JsonNode            *body,
                                  const char * const  *headers,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Request *req;

  g_return_if_fail (VZ_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_api_client_request_async);

  req = g_new0 (Request, 1);
  req->kind = KIND_JSON;
  req->method = g_strdup (method);
  req->uri = g_strconcat (self->base_url, path[0] == '/' ? "" : "/", path, NULL);
  req->send_token = TRUE;
  req->limit = VZ_API_MAX_JSON_BODY;
  req->headers = g_strdupv ((GStrv) headers);
  if (body != NULL)
    {
      GString *json = g_string_new (NULL);

      vz_wire_json_append (json, body);
      req->body = g_string_free_to_bytes (json);
    }
  g_task_set_task_data (task, req, (GDestroyNotify) _vz_api_client_request_free);

  _vz_api_client_send_request (self, task);
}

void
vz_api_client_send_stream_async (VzApiClient         *self,
                                 const char          *method,
                                 const char          *path,
                                 VzApiBodyFunc        body_func,
                                 VzApiProgressFunc    progress,
                                 gpointer             body_data,
                                 GDestroyNotify       body_destroy,
                                 const char * const  *headers,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Request *req;

  g_return_if_fail (VZ_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && body_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_api_client_request_async);

  req = g_new0 (Request, 1);
  req->kind = KIND_JSON;
  req->method = g_strdup (method);
  req->uri = g_strconcat (self->base_url, path[0] == '/' ? "" : "/", path, NULL);
  req->send_token = TRUE;
  req->limit = VZ_API_MAX_JSON_BODY;
  req->body_func = body_func;
  req->progress = progress;
  req->body_data = body_data;
  req->body_destroy = body_destroy;
  req->headers = g_strdupv ((GStrv) headers);
  g_task_set_task_data (task, req, (GDestroyNotify) _vz_api_client_request_free);

  _vz_api_client_send_request (self, task);
}

void
vz_api_client_request_async (VzApiClient         *self,
                             const char          *method,
                             const char          *path,
                             JsonNode            *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  vz_api_client_request_full_async (self, method, path, body, NULL, cancellable, callback, user_data);
}

JsonNode *
vz_api_client_request_full_finish (VzApiClient   *self,
                                   GAsyncResult  *result,
                                   guint         *retry_after,
                                   gboolean      *replayed,
                                   GError       **error)
{
  Request *req;

  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  req = g_task_get_task_data (G_TASK (result));
  if (retry_after != NULL)
    *retry_after = req != NULL ? req->retry_after : 0;
  if (replayed != NULL)
    *replayed = req != NULL && req->replayed;
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
vz_api_client_request_finish (VzApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vz_api_client_get_bytes_async (VzApiClient         *self,
                               const char          *url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  vz_api_client_get_bytes_limited_async (self, url, MAX_BYTES_BODY, cancellable, callback, user_data);
}

void
vz_api_client_get_bytes_limited_async (VzApiClient         *self,
                                       const char          *url,
                                       gsize                max_bytes,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  GTask *task;
  Request *req;

  g_return_if_fail (VZ_IS_API_CLIENT (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (max_bytes > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_api_client_get_bytes_async);

  uri = g_uri_parse_relative (self->base_uri, url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server gave a picture address that cannot be used."));
      g_object_unref (task);
      return;
    }

  req = g_new0 (Request, 1);
  req->kind = KIND_BYTES;
  req->method = g_strdup ("GET");
  req->uri = g_uri_to_string (uri);
  /* The token goes only to our own server, never to a third-party host
   * named in a screenshot URL. */
  req->send_token = g_strcmp0 (g_uri_get_host (uri), g_uri_get_host (self->base_uri)) == 0 &&
                    g_uri_get_port (uri) == g_uri_get_port (self->base_uri) &&
                    g_strcmp0 (g_uri_get_scheme (uri), g_uri_get_scheme (self->base_uri)) == 0;
  req->limit = max_bytes;
  g_task_set_task_data (task, req, (GDestroyNotify) _vz_api_client_request_free);

  _vz_api_client_send_request (self, task);
}

GBytes *
vz_api_client_get_bytes_finish (VzApiClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_api_client_get_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
vz_api_client_get_bytes_full_finish (VzApiClient   *self,
                                     GAsyncResult  *result,
                                     gboolean      *over_limit,
                                     GError       **error)
{
  Request *req;

  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_api_client_get_bytes_async, NULL);

  req = g_task_get_task_data (G_TASK (result));
  if (over_limit != NULL)
    *over_limit = req != NULL && req->over_limit;
  return g_task_propagate_pointer (G_TASK (result), error);
}
