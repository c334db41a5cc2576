/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-realtime-local"

#include <string.h>

#include "vz-realtime-client.h"
#include "vz-test-server.h"

#include "realtime-test-util.h"

/*
 * VzRealtimeClient against our own vizora-server (the other end the app
 * meets): a dashboard signs in with its access token, a paired screen with
 * its device token, and the dashboard sees the screen come online.
 */

#define WAIT_TIMEOUT_S 20

typedef struct {
  guint      connected;
  guint      auth_failed;
  guint      batches;
  GPtrArray *statuses;    /* "deviceId status" */
} Counts;

static gboolean
wait_until (guint *counter,
            guint  at_least)
{
  return wait_for_count (counter, at_least, WAIT_TIMEOUT_S);
}

static void
on_connected (VzRealtimeClient *client,
              Counts           *counts)
{
  counts->connected++;
}

static void
on_auth_failed (VzRealtimeClient *client,
                const char       *message,
                Counts           *counts)
{
  counts->auth_failed++;
}

static void
on_batch (VzRealtimeClient *client,
          const char       *name,
          JsonNode         *payload,
          gint64            ack_id,
          Counts           *counts)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (payload));
  counts->batches++;
}

static void
on_status (VzRealtimeClient *client,
           const char       *name,
           JsonNode         *payload,
           gint64            ack_id,
           Counts           *counts)
{
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (payload));
  object = json_node_get_object (payload);
  g_ptr_array_add (counts->statuses, g_strdup_printf ("%s %s",
                                                      json_object_get_string_member (object, "deviceId"),
                                                      json_object_get_string_member (object, "status")));
}

static VzRealtimeClient *
client_new (VzTestServer *server,
            const char   *token,
            Counts       *counts)
{
  VzRealtimeClient *client = vz_realtime_client_new (server->url);

  vz_realtime_client_set_token (client, token);
  g_signal_connect (client, "connected", G_CALLBACK (on_connected), counts);
  g_signal_connect (client, "auth-failed", G_CALLBACK (on_auth_failed), counts);
  g_signal_connect (client, "event::device:status:batch", G_CALLBACK (on_batch), counts);
  g_signal_connect (client, "event::device:status", G_CALLBACK (on_status), counts);
  return client;
}

static void
client_free (VzRealtimeClient *client)
{
  gpointer weak = client;

  vz_realtime_client_stop (client);
  g_object_add_weak_pointer (weak, &weak);
  g_object_unref (client);
  assert_finalized_within (&weak, 5);
}

static gboolean
has_status (Counts     *counts,
            const char *expected)
{
  for (guint i = 0; i < counts->statuses->len; i++)
    if (g_str_equal (counts->statuses->pdata[i], expected))
      return TRUE;
  return FALSE;
}

static void
test_dashboard_and_screen (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *online = NULL;
  Counts dash = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  Counts screen = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  VzRealtimeClient *dashboard;
  VzRealtimeClient *device;
  gboolean timed_out = FALSE;
  guint id;

  display_id = vz_test_server_pair_screen (server, token, "Lobby", &device_token);
  g_assert_nonnull (display_id);

  dashboard = client_new (server, token, &dash);
  vz_realtime_client_start (dashboard);
  g_assert_true (wait_until (&dash.connected, 1));
  /* The contract: a dashboard gets device:status:batch right after connect. */
  g_assert_true (wait_until (&dash.batches, 1));

  /* The screen connects with its device token; the dashboard sees it online. */
  device = client_new (server, device_token, &screen);
  vz_realtime_client_start (device);
  g_assert_true (wait_until (&screen.connected, 1));
  online = g_strdup_printf ("%s online", display_id);
  id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timeout_flag_cb, &timed_out);
  while (!has_status (&dash, online) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (has_status (&dash, online));
  if (!timed_out)
    g_source_remove (id);

  client_free (device);
  client_free (dashboard);
  g_ptr_array_unref (dash.statuses);
  g_ptr_array_unref (screen.statuses);
}

static void
test_bad_token (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  Counts counts = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  VzRealtimeClient *client = client_new (server, "not-a-token", &counts);

  vz_realtime_client_start (client);
  g_assert_true (wait_until (&counts.auth_failed, 1));
  g_assert_cmpint (vz_realtime_client_get_state (client), ==, VZ_REALTIME_STATE_AUTH_FAILED);
  g_assert_cmpuint (counts.connected, ==, 0);
  client_free (client);
  g_ptr_array_unref (counts.statuses);
}

static void
ack_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  guint *acks = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ack = vz_realtime_client_emit_with_ack_finish (VZ_REALTIME_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ack);
  (*acks)++;
}

/* Two screens' links share one SoupSession: dropping one while the other is
 * still connecting leaves the other's handshake alone (the shared session is
 * not aborted with it), and its link works. */
static void
test_shared_session (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *first_token = NULL;
  g_autofree char *second_token = NULL;
  g_autofree char *first_id = vz_test_server_pair_screen (server, token, "Lobby 1", &first_token);
  g_autofree char *second_id = vz_test_server_pair_screen (server, token, "Lobby 2", &second_token);
  g_autoptr(GObject) session = vz_realtime_client_new_shared_session (server->url, 8);
  Counts first_counts = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  Counts second_counts = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(JsonNode) payload = json_from_string ("{\"uptime\":1}", NULL);
  guint acks = 0;
  VzRealtimeClient *first;
  VzRealtimeClient *second;

  first = g_object_new (VZ_TYPE_REALTIME_CLIENT, "url", server->url, "soup-session", session, NULL);
  second = g_object_new (VZ_TYPE_REALTIME_CLIENT, "url", server->url, "soup-session", session, NULL);
  vz_realtime_client_set_token (first, first_token);
  vz_realtime_client_set_token (second, second_token);
  g_signal_connect (first, "connected", G_CALLBACK (on_connected), &first_counts);
  g_signal_connect (second, "connected", G_CALLBACK (on_connected), &second_counts);
  vz_realtime_client_start (first);
  g_assert_true (wait_until (&first_counts.connected, 1));
  vz_realtime_client_start (second);
  client_free (first);
  g_assert_true (wait_until (&second_counts.connected, 1));
  g_assert_null (vz_realtime_client_get_last_error (second));
  vz_realtime_client_emit_with_ack_async (second, "heartbeat", payload, 10000, NULL, ack_cb, &acks);
  g_assert_true (wait_until (&acks, 1));
  g_assert_cmpint (vz_realtime_client_get_state (second), ==, VZ_REALTIME_STATE_CONNECTED);

  client_free (second);
  g_ptr_array_unref (first_counts.statuses);
  g_ptr_array_unref (second_counts.statuses);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/realtime-local/dashboard-and-screen", test_dashboard_and_screen);
  g_test_add_func ("/realtime-local/bad-token", test_bad_token);
  g_test_add_func ("/realtime-local/shared-session", test_shared_session);

  return g_test_run ();
}
