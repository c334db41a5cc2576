/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-display-figures"

#include "vz-display-figures.h"
#include "vz-session.h"
#include "vz-test-server.h"
#include "vz-core-test-util.h"

static gboolean
read_figures (VzSession  *session,
              VzDisplay  *display,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_display_figures_read_async (session, display, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 20000);
  return vz_display_figures_read_finish (result, error);
}

static VzDisplay *
display_named (const char *id,
               const char *nickname)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(GError) error = NULL;
  VzEntity *display;

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "nickname", nickname);
  json_object_set_string_member (obj, "updatedAt", "2026-01-01T00:00:00.000Z");
  display = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);
  g_assert_no_error (error);
  return VZ_DISPLAY (display);
}

/*
 * A screen heartbeating through vizora-sim: its figures arrive with the read,
 * while a name the person changed (and the server has not) stays.
 */
static void
test_read (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(GSubprocess) sim = vz_test_server_start_sim (server, "1", NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_wait_online_display (server, token);
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(VzDisplay) display = display_named (id, "Renamed here");
  g_autoptr(VzDisplay) missing = display_named ("00000000-0000-4000-8000-000000000000", "Gone");
  g_autoptr(GError) error = NULL;

  vz_api_client_set_access_token (vz_session_get_api_client (session), token);
  g_assert_cmpfloat (vz_display_get_cpu_usage (display), <, 0);
  g_assert_null (vz_display_get_last_heartbeat (display));

  g_assert_true (read_figures (session, display, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (vz_display_get_cpu_usage (display), >=, 0);
  g_assert_cmpfloat (vz_display_get_memory_usage (display), >=, 0);
  g_assert_cmpfloat (vz_display_get_disk_usage (display), >=, 0);
  g_assert_cmpfloat (vz_display_get_temperature (display), >, 0);
  g_assert_cmpint (vz_display_get_uptime (display), >=, 0);
  g_assert_nonnull (vz_display_get_last_heartbeat (display));
  g_assert_cmpint (vz_display_get_status (display), ==, VZ_DISPLAY_STATUS_ONLINE);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Renamed here");

  /* A screen the server does not know: its error, and nothing applied. */
  g_assert_false (read_figures (session, missing, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND);
  g_assert_cmpfloat (vz_display_get_cpu_usage (missing), <, 0);
  g_assert_cmpstr (vz_display_get_nickname (missing), ==, "Gone");

  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/display-figures/read", test_read);

  return g_test_run ();
}
