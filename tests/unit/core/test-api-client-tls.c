/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-api-client-tls"

#include <string.h>

#include "vz-api-client.h"
#include "vz-api-error.h"
#include "vz-realtime-client.h"
#include "vz-session.h"
#include "vz-core-test-util.h"

/* Under AddressSanitizer, LeakSanitizer's stop-the-world tracer crashes
 * (signal 11) when it checks this process for leaks at exit, after GnuTLS
 * has run here; the leak check is off in this test only. Every memory
 * access is still checked. Unused without the sanitizer. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

/*
 * TLS is verified: a real TLS listener on 127.0.0.1 (GLib's TLS backend,
 * the certificates of tests/unit/core/tls/) and the real REST client and
 * session. A certificate that is self-signed, made out for another host or
 * expired is refused, with a sentence that names its problem; the request
 * never reaches the listener's HTTP side. The realtime client's WebSocket
 * says the same of a certificate it refuses.
 */

typedef struct {
  GSocketService *service;
  GPtrArray      *connections;   /* GTlsConnection*, held until the test ends */
  guint           handshakes;
  guint16         port;
} Listener;

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Listener *listener = user_data;
  g_autoptr(GError) error = NULL;

  /* The client refuses the certificate: the handshake fails on our side. */
  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  listener->handshakes++;
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Listener *listener = user_data;
  GTlsCertificate *certificate = g_object_get_data (G_OBJECT (service), "certificate");
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate, &error);
  g_assert_no_error (error);
  g_ptr_array_add (listener->connections, tls);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL, on_handshake, listener);
  return TRUE;
}

static void
listener_start (Listener   *listener,
                const char *pem)
{
  g_autofree char *path = g_build_filename (g_getenv ("VIZORA_TESTS_SRCDIR"), "unit", "core", "tls", pem, NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  listener->service = g_socket_service_new ();
  listener->connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_object_set_data_full (G_OBJECT (listener->service), "certificate",
                          g_object_ref (certificate), g_object_unref);
  g_socket_listener_add_address (G_SOCKET_LISTENER (listener->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (listener->service, "incoming", G_CALLBACK (on_incoming), listener);
  g_socket_service_start (listener->service);
}

static void
listener_stop (Listener *listener)
{
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_clear_object (&listener->service);
  g_clear_pointer (&listener->connections, g_ptr_array_unref);
}

/* GET /auth/me from https://127.0.0.1:PORT with @pem: the error. */
static GError *
request_error (const char *pem,
               char      **host)
{
  Listener listener = { 0, };
  g_autoptr(VzApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *base = NULL;
  GError *error = NULL;

  listener_start (&listener, pem);
  base = g_strdup_printf ("https://127.0.0.1:%u/api/v1", listener.port);
  client = vz_api_client_new (base);
  vz_api_client_request_async (client, "GET", "/auth/me", NULL, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  payload = vz_api_client_request_finish (client, result, &error);
  g_assert_null (payload);
  /* The listener saw the handshake the client broke off. */
  for (guint i = 0; i < 100 && listener.handshakes == 0; i++)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (20000);
  g_assert_cmpuint (listener.handshakes, >=, 1);
  listener_stop (&listener);
  *host = g_strdup ("127.0.0.1");
  return error;
}

static void
test_self_signed (void)
{
  g_autofree char *host = NULL;
  g_autoptr(GError) error = request_error ("self-signed.pem", &host);

  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "The server at 127.0.0.1 was refused"));
  g_assert_nonnull (strstr (error->message, "not signed by an authority this computer trusts"));
  g_assert_null (strstr (error->message, "another name"));
  g_assert_null (strstr (error->message, "expired"));
  g_assert_false (vz_api_error_is_unwell (error));
}

static gboolean
realtime_failed (gpointer data)
{
  return vz_realtime_client_get_last_error (data) != NULL;
}

static void
test_realtime_self_signed (void)
{
  Listener listener = { 0, };
  g_autoptr(VzRealtimeClient) client = NULL;
  g_autofree char *url = NULL;
  const char *said;

  listener_start (&listener, "self-signed.pem");
  url = g_strdup_printf ("https://127.0.0.1:%u", listener.port);
  client = vz_realtime_client_new (url);
  vz_realtime_client_start (client);
  for (guint i = 0; i < 750 && !realtime_failed (client); i++)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (20000);
  said = vz_realtime_client_get_last_error (client);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "The server at 127.0.0.1 was refused because its certificate cannot be trusted"));
  g_assert_nonnull (strstr (said, "not signed by an authority this computer trusts"));
  vz_realtime_client_stop (client);
  /* Every handshake the client started has ended on our side too. */
  for (guint i = 0; i < 250 && listener.handshakes < listener.connections->len; i++)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (20000);
  g_assert_cmpuint (listener.handshakes, ==, listener.connections->len);
  listener_stop (&listener);
}

static void
test_wrong_host (void)
{
  g_autofree char *host = NULL;
  g_autoptr(GError) error = request_error ("wrong-host.pem", &host);

  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "it is made out for another name than 127.0.0.1"));
}

static void
test_expired (void)
{
  g_autofree char *host = NULL;
  g_autoptr(GError) error = request_error ("expired.pem", &host);

  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "it has expired"));
}

/* Signing in is refused the same way: the password never leaves. */
static void
test_sign_in_refused (void)
{
  Listener listener = { 0, };
  g_autoptr(VzSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  listener_start (&listener, "self-signed.pem");
  url = g_strdup_printf ("https://127.0.0.1:%u", listener.port);
  session = vz_session_new (url);
  vz_session_login_async (session, "admin@example.test", "a password", NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_false (vz_session_login_finish (session, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "certificate cannot be trusted"));
  g_assert_false (vz_session_get_signed_in (session));
  listener_stop (&listener);
}

/* Every problem GLib names has its own words. */
static void
test_words (void)
{
  static const struct {
    GTlsCertificateFlags flags;
    const char          *words;
  } cases[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "not signed by an authority this computer trusts" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "made out for another name than vizora.example" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "has expired" },
    { G_TLS_CERTIFICATE_REVOKED, "has been revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "insecure algorithm" },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, "could not be checked" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vz_api_error_describe_certificate (cases[i].flags, "vizora.example");

      g_assert_nonnull (strstr (text, cases[i].words));
      g_assert_nonnull (strstr (text, "The server at vizora.example was refused"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/api-client/tls/self-signed", test_self_signed);
  g_test_add_func ("/core/api-client/tls/wrong-host", test_wrong_host);
  g_test_add_func ("/core/api-client/tls/realtime-self-signed", test_realtime_self_signed);
  g_test_add_func ("/core/api-client/tls/expired", test_expired);
  g_test_add_func ("/core/api-client/tls/sign-in-refused", test_sign_in_refused);
  g_test_add_func ("/core/api-client/tls/words", test_words);
  return g_test_run ();
}
