/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-engine"

#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "sync-engine-fixture.h"
#include "vz-test-monitor.h"
#include "vz-core-test-util.h"

/* ------------------------------------------------------------------------ */

static void
test_initial_read (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 150, "Initial");
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);

  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);
  vz_sync_engine_start (fixture->engine);
  g_assert_true (vz_sync_engine_get_loading (fixture->engine));
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_CONNECTING);

  wait_loaded (fixture);
  g_assert_false (vz_sync_engine_get_loading (fixture->engine));
  g_assert_null (vz_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 150);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      VzDisplay *display = vz_store_lookup (displays, ids[i]);
      g_autofree char *name = g_strdup_printf ("Initial %03u", i);

      g_assert_nonnull (display);
      g_assert_cmpstr (vz_display_get_nickname (display), ==, name);
    }

  /* And the realtime link comes up: the header can say "Online". */
  wait_until (fixture, engine_online, 10000);
}

typedef struct {
  Fixture *fixture;
  guint    events;
  gboolean loaded_when_seen;
} EventLog;

static void
on_realtime_event (VzSyncEngine *engine,
                   const char   *name,
                   JsonNode     *payload,
                   EventLog     *log)
{
  if (strcmp (name, "device:status") != 0)
    return;
  log->events++;
  /* Held events are handed on only after the stores were filled. */
  log->loaded_when_seen = vz_sync_engine_get_loaded (engine);
}

static JsonNode *
status_event (const char *id,
              const char *status,
              const char *last_seen)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  json_object_set_string_member (obj, "deviceId", id);
  json_object_set_string_member (obj, "status", status);
  json_object_set_string_member (obj, "lastSeen", last_seen);
  json_object_set_string_member (obj, "timestamp", last_seen);
  return json_node_init_object (json_node_alloc (), obj);
}

static void
test_event_during_read (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 3, "Held");
  VzRealtimeClient *realtime;
  VzStore *displays;
  g_autoptr(JsonNode) first = status_event (ids[1], "error", "2026-11-25T10:00:00.000Z");
  g_autoptr(JsonNode) second = status_event (ids[1], "idle", "2026-11-25T10:00:05.000Z");
  g_autoptr(JsonNode) unknown = status_event ("not-a-known-screen", "online", "2026-11-25T10:00:05.000Z");
  g_autoptr(JsonNode) garbage = json_from_string ("{\"deviceId\":5,\"status\":[]}", NULL);
  EventLog log = { fixture, 0, FALSE };
  VzDisplay *display;

  /* No live link for this one: the server's own status batch on connect
   * would (rightly) override the injected events and race with them. */
  g_clear_object (&fixture->engine);
  vz_session_set_realtime_url (fixture->session, "http://127.0.0.1:1");
  fixture->engine = vz_sync_engine_new (fixture->session);
  realtime = vz_sync_engine_get_realtime_client (fixture->engine);
  displays = vz_sync_engine_get_displays (fixture->engine);

  g_signal_connect (fixture->engine, "realtime-event", G_CALLBACK (on_realtime_event), &log);
  vz_sync_engine_start (fixture->engine);
  g_assert_true (vz_sync_engine_get_loading (fixture->engine));

  /* The client's "event" signal fires while the list read is in flight
   * (nothing has been answered yet: the main loop has not run). The server
   * lists the screen as offline; the later events must win, in order. */
  g_signal_emit_by_name (realtime, "event", "device:status", first, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status", garbage, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status-update", second, (gint64) -1);
  g_assert_cmpuint (log.events, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 0);

  wait_loaded (fixture);
  display = vz_store_lookup (displays, ids[1]);
  g_assert_nonnull (display);
  g_assert_cmpint (vz_display_get_status (display), ==, VZ_DISPLAY_STATUS_IDLE);
  g_assert_cmpint (g_date_time_get_second (vz_display_get_last_heartbeat (display)), ==, 5);
  g_assert_cmpuint (log.events, >=, 2);
  g_assert_true (log.loaded_when_seen);
  /* The other screens keep what the server said. */
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[0])), !=, VZ_DISPLAY_STATUS_IDLE);
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[0])), !=, VZ_DISPLAY_STATUS_ERROR);

  /* Once loaded, an event applies at once. */
  {
    g_autoptr(JsonNode) now = status_event (ids[2], "error", "2026-11-25T11:00:00.000Z");

    g_signal_emit_by_name (realtime, "event", "device:status", now, (gint64) -1);
    g_assert_cmpint (vz_display_get_status (vz_store_lookup (displays, ids[2])), ==, VZ_DISPLAY_STATUS_ERROR);
  }
  /* A malformed batch is skipped without harm. */
  g_signal_emit_by_name (realtime, "event", "device:status:batch", garbage, (gint64) -1);
  g_signal_emit_by_name (realtime, "event", "device:status", unknown, (gint64) -1);
}

typedef struct {
  guint status;
  guint any;
} NotifyCount;

static void
on_display_notify (GObject     *object,
                   GParamSpec  *pspec,
                   NotifyCount *count)
{
  count->any++;
  if (strcmp (pspec->name, "status") == 0)
    count->status++;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static VzDisplay *watched;

static gboolean
watched_online (Fixture *fixture)
{
  return vz_display_get_status (watched) == VZ_DISPLAY_STATUS_ONLINE;
}

static gboolean
watched_offline (Fixture *fixture)
{
  return vz_display_get_status (watched) == VZ_DISPLAY_STATUS_OFFLINE;
}

static void
test_status_in_place (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *device_token = NULL;
  g_autofree char *id = vz_test_server_pair_screen (fixture->server, fixture->token, "Live", &device_token);
  g_autoptr(VzRealtimeClient) screen = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  NotifyCount count = { 0, 0 };
  guint structure_changes = 0;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);

  watched = vz_store_lookup (displays, id);
  g_assert_nonnull (watched);
  g_assert_cmpint (vz_display_get_status (watched), !=, VZ_DISPLAY_STATUS_ONLINE);
  g_object_ref (watched);
  g_signal_connect (watched, "notify", G_CALLBACK (on_display_notify), &count);
  g_signal_connect (displays, "items-changed", G_CALLBACK (on_items_changed), &structure_changes);

  /* The screen itself comes online through the real server. */
  screen = vz_realtime_client_new (fixture->server->url);
  vz_realtime_client_set_token (screen, device_token);
  vz_realtime_client_start (screen);
  wait_until (fixture, watched_online, 10000);

  /* The same object changed in place: the list did not move. */
  g_assert_true (vz_store_lookup (displays, id) == (gpointer) watched);
  g_assert_cmpuint (count.status, ==, 1);
  g_assert_cmpuint (structure_changes, ==, 0);
  g_assert_nonnull (vz_display_get_last_heartbeat (watched));

  /* And offline again when it goes away. */
  vz_realtime_client_stop (screen);
  wait_until (fixture, watched_offline, 10000);
  g_assert_cmpuint (count.status, ==, 2);
  g_assert_cmpuint (structure_changes, ==, 0);

  g_signal_handlers_disconnect_by_data (watched, &count);
  g_signal_handlers_disconnect_by_data (displays, &structure_changes);
  g_clear_object (&watched);
}

static const char *late_id;

static gboolean
late_screen_known (Fixture *fixture)
{
  return vz_store_lookup (vz_sync_engine_get_displays (fixture->engine), late_id) != NULL;
}

static void
test_unknown_screen_rereads (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *device_token = NULL;
  g_autofree char *id = NULL;
  g_autoptr(VzRealtimeClient) screen = NULL;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (fixture->engine))), ==, 0);

  /* Paired behind the engine's back; its first status makes the engine look. */
  id = vz_test_server_pair_screen (fixture->server, fixture->token, "Late", &device_token);
  late_id = id;
  screen = vz_realtime_client_new (fixture->server->url);
  vz_realtime_client_set_token (screen, device_token);
  vz_realtime_client_start (screen);
  wait_until (fixture, late_screen_known, 10000);
  vz_realtime_client_stop (screen);
}

static void
test_stop_and_states (Fixture       *fixture,
                      gconstpointer  data)
{
  g_assert_cmpstr (vz_connection_state_to_label (VZ_CONNECTION_STATE_ONLINE), ==, "Online");
  g_assert_cmpstr (vz_connection_state_to_label (VZ_CONNECTION_STATE_UNAVAILABLE), ==, "Server unavailable");

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);
  vz_sync_engine_stop (fixture->engine);
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);

  /* Started again, it reads and connects again. */
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
}

static void
test_reread_after_reconnect (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  gint64 deadline;

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  wait_until (fixture, engine_online, 10000);

  /* The server goes away; a screen is added behind the engine's back while
   * the link is down (the restarted server sends nothing about it). */
  vz_test_server_kill (fixture->server);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_ONLINE)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_RECONNECTING);
  vz_test_server_restart (fixture->server);
  id = vz_test_server_pair_screen (fixture->server, fixture->token, "Added while away", NULL);
  late_id = id;

  /* Reconnecting re-reads the lists: the screen shows up. */
  wait_until (fixture, late_screen_known, 40000);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpstr (vz_display_get_nickname (vz_store_lookup (displays, id)), ==, "Added while away");
}

static gboolean
reread_landed (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (fixture->engine))) == 150 + 120 - 1;
}

/* A read over records the store holds and new ones, over several pages
 * (each page is decoded as it arrives): the store's records are updated in
 * place, new ones added, deleted ones gone. */
static void
test_reread_pages (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(GStrv) ids = pair_screens (fixture, 150, "Paged");
  g_auto(GStrv) added = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  VzStore *displays = vz_sync_engine_get_displays (fixture->engine);
  g_autofree char *gone = g_strdup_printf ("/displays/%s", ids[7]);

  vz_sync_engine_start (fixture->engine);
  wait_loaded (fixture);
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (held, g_object_ref (vz_store_lookup (displays, ids[i])));
  vz_sync_engine_stop (fixture->engine);

  /* Behind the stopped engine's back: renames, new screens, a delete. */
  for (guint i = 0; ids[i] != NULL; i += 10)
    {
      g_autofree char *path = g_strdup_printf ("/displays/%s", ids[i]);
      g_autofree char *body = g_strdup_printf ("{\"name\":\"Renamed %03u\"}", i);

      g_assert_cmpuint (vz_test_server_request (fixture->server, "PATCH", path, fixture->token, body, NULL), ==, 200);
    }
  added = pair_screens (fixture, 120, "Later");
  g_assert_cmpuint (vz_test_server_request (fixture->server, "DELETE", gone, fixture->token, NULL, NULL), ==, 200);

  /* The read applies all at once: the count says it landed. */
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, reread_landed, 20000);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      VzDisplay *display = vz_store_lookup (displays, ids[i]);
      g_autofree char *name = g_strdup_printf (i % 10 == 0 ? "Renamed %03u" : "Paged %03u", i);

      if (i == 7)
        {
          g_assert_null (display);
          continue;
        }
      g_assert_true (display == g_ptr_array_index (held, i));
      g_assert_cmpstr (vz_display_get_nickname (display), ==, name);
    }
  for (guint i = 0; added[i] != NULL; i++)
    {
      VzDisplay *display = vz_store_lookup (displays, added[i]);
      g_autofree char *name = g_strdup_printf ("Later %03u", i);

      g_assert_nonnull (display);
      g_assert_cmpstr (vz_display_get_nickname (display), ==, name);
    }
}

static gboolean
engine_offline (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_OFFLINE;
}

static void
test_network_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  gint64 started, went_down, contact;

  g_clear_object (&fixture->engine);
  fixture->engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", fixture->session,
                                  "network-monitor", monitor, NULL);
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), ==, 0);
  started = g_get_real_time ();
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), >=, started);

  /* Down: "Offline" at once, before any timeout could notice; what the
   * stores show is as of the moment the engine stopped being online. */
  went_down = g_get_real_time ();
  vz_test_monitor_set_available (monitor, FALSE);
  g_assert_cmpint (vz_sync_engine_get_connection_state (fixture->engine), ==, VZ_CONNECTION_STATE_OFFLINE);
  contact = vz_sync_engine_get_last_contact (fixture->engine);
  g_assert_cmpint (contact, >=, went_down);
  g_assert_cmpint (contact, <=, g_get_real_time ());
  vz_test_spin (200);
  g_assert_true (engine_offline (fixture));
  /* It stays the time of the last contact while nothing answers. */
  g_assert_cmpint (vz_sync_engine_get_last_contact (fixture->engine), ==, contact);

  /* Route changes while down change nothing. */
  vz_test_monitor_set_available (monitor, FALSE);
  g_assert_true (engine_offline (fixture));

  /* Back: online again without waiting out a backoff. */
  vz_test_monitor_set_available (monitor, TRUE);
  wait_until (fixture, engine_online, 5000);
}

static gboolean
engine_unavailable (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) == VZ_CONNECTION_STATE_UNAVAILABLE;
}

static gboolean
session_signed_out (Fixture *fixture)
{
  return !vz_session_get_signed_in (fixture->session);
}

static void
test_refused_token (Fixture       *fixture,
                    gconstpointer  data)
{
  /* A token the server never issued, and no refresh cookie: the engine says
   * the server is unavailable (sign in again) instead of retrying forever. */
  vz_api_client_set_access_token (vz_session_get_api_client (fixture->session), "never-issued");
  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_unavailable, 10000);
  /* The REST side tried one refresh; its refusal signs the session out. */
  wait_until (fixture, session_signed_out, 10000);
  g_assert_true (engine_unavailable (fixture));
  g_assert_false (vz_sync_engine_get_loaded (fixture->engine));
  g_assert_nonnull (vz_sync_engine_get_last_error (fixture->engine));

  /* Signing in again on the same session brings the same engine back. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    vz_session_login_async (fixture->session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
    vz_test_wait_result (&result, 10000);
    g_assert_true (vz_session_login_finish (fixture->session, result, &error));
    g_assert_no_error (error);
  }
  wait_until (fixture, engine_online, 15000);
  g_assert_true (vz_sync_engine_get_loaded (fixture->engine));
  g_assert_null (vz_sync_engine_get_last_error (fixture->engine));
}

static gboolean
engine_not_online (Fixture *fixture)
{
  return vz_sync_engine_get_connection_state (fixture->engine) != VZ_CONNECTION_STATE_ONLINE;
}

static void
count_token_change (VzApiClient *client,
                    guint       *count)
{
  (*count)++;
}

static void
test_expired_token_reconnect (void)
{
  const char *args[] = { "--access-token-ttl", "2", NULL };
  Fixture fixture_storage = { 0, };
  Fixture *fixture = &fixture_storage;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = NULL;
  guint token_changes = 0;

  /* Access tokens live two seconds here; the engine must keep the link up
   * across a server restart by refreshing through REST. */
  fixture->server = vz_test_server_start (args);
  fixture->session = vz_session_new (fixture->server->url);
  vz_session_login_async (fixture->session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  fixture->engine = vz_sync_engine_new (fixture->session);
  g_signal_connect (vz_session_get_api_client (fixture->session), "token-changed",
                    G_CALLBACK (count_token_change), &token_changes);

  vz_sync_engine_start (fixture->engine);
  wait_until (fixture, engine_online, 10000);
  old_token = g_strdup (vz_session_get_access_token (fixture->session));

  vz_test_spin (2500);
  vz_test_server_restart (fixture->server);
  wait_until (fixture, engine_not_online, 10000);
  /* Back online by itself, on a fresh token. */
  wait_until (fixture, engine_online, 30000);
  g_assert_cmpuint (token_changes, >=, 1);
  g_assert_cmpstr (vz_session_get_access_token (fixture->session), !=, old_token);
  g_assert_true (vz_session_get_signed_in (fixture->session));

  fixture->token = NULL;
  fixture_teardown (fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/sync-engine/initial-read", test_initial_read);
  ADD ("/core/sync-engine/event-during-read", test_event_during_read);
  ADD ("/core/sync-engine/status-in-place", test_status_in_place);
  ADD ("/core/sync-engine/unknown-screen-rereads", test_unknown_screen_rereads);
  ADD ("/core/sync-engine/reread-after-reconnect", test_reread_after_reconnect);
  ADD ("/core/sync-engine/reread-pages", test_reread_pages);
  ADD ("/core/sync-engine/network-down", test_network_down);
  ADD ("/core/sync-engine/refused-token", test_refused_token);
  ADD ("/core/sync-engine/stop-and-states", test_stop_and_states);
#undef ADD
  g_test_add_func ("/core/sync-engine/expired-token-reconnect", test_expired_token_reconnect);

  return g_test_run ();
}

