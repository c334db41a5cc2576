/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-keyring"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-test-secret.h"
#include "vz-application.h"
#include "vz-secret-store.h"
#include "vz-sync-engine.h"
#include "vz-window.h"
#include "vz-welcome-page-private.h"
#include "vz-window-private.h"
#include "vz-ui-test-util.h"

/*
 * The app's sign-in and the keyring, with the real app, server and
 * gnome-keyring-daemon: on a session bus with a private unlocked keyring
 * (tests/keyring/with-keyring.sh) the token goes there and the window says
 * nothing about it; on a bus without any Secret Service the window says in
 * words that the sign-in is kept in memory only, and the fleet works.
 */

static VzTestServer *server;

static gboolean
keyring_strip_shown (gpointer data)
{
  return _vz_window_get_strip (data, "keyring") != NULL;
}

static char *
keyring_lookup (VzSession *session)
{
  return vz_test_secret_tool ("lookup", "server", vz_session_get_server_url (session),
                              "account", vz_session_get_user_id (session),
                              "client", VZ_SECRET_CLIENT_DESKTOP, NULL);
}

static gboolean
keyring_has_token (gpointer data)
{
  VzSession *session = vz_sync_engine_get_session (vz_window_get_sync_engine (data));
  g_autofree char *kept = keyring_lookup (session);

  return kept != NULL && strstr (kept, vz_session_get_access_token (session)) != NULL;
}

static void
sign_in_through_form (VzWindow *window)
{
  ui_sign_in_with_form (window, VZ_TEST_PASSWORD);
  g_assert_true (wait_for (ui_window_signed_in, window, 30));
}

static void
kept_in_keyring (VzApplication *app,
                 gpointer       data)
{
  VzWindow *window = ui_app_window (app);

  sign_in_through_form (window);
  g_assert_true (wait_for (keyring_has_token, window, 10));
  g_assert_true (wait_for (ui_fleet_shown, window, 30));
  g_assert_null (_vz_window_get_strip (window, "keyring"));
}

static void
kept_in_memory (VzApplication *app,
                gpointer       data)
{
  VzWindow *window = ui_app_window (app);
  VzSession *session;
  const char *strip;

  sign_in_through_form (window);
  g_assert_true (wait_for (keyring_strip_shown, window, 10));
  strip = _vz_window_get_strip (window, "keyring");
  g_assert_nonnull (strstr (strip, "No keyring"));
  g_assert_nonnull (strstr (strip, "kept in memory only"));
  /* The fleet works all the same, from the token in memory. */
  g_assert_true (wait_for (ui_fleet_shown, window, 30));
  session = vz_sync_engine_get_session (vz_window_get_sync_engine (window));
  g_assert_nonnull (vz_session_get_access_token (session));
  g_assert_cmpstr (vz_session_get_keyring_problem (session), ==, strip);
}

static void
run_signed_in (AppPhase phase)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_settings_set_string (settings, "connection-mode", "remote");
  g_settings_set_string (settings, "server-url", server->url);
  g_settings_set_string (settings, "last-email", VZ_TEST_EMAIL);
  app_run (phase, NULL);
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "last-email");
}

static void
test_kept_in_keyring (void)
{
  run_signed_in (kept_in_keyring);
}

static void
test_kept_in_memory (void)
{
  run_signed_in (kept_in_memory);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("vz-test-ui-keyring-XXXXXX", NULL);
  g_autofree char *token = NULL;
  int status;

  /* Saved sign-ins of this test only. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  g_free (vz_test_server_pair_screen (server, token, "Lobby", NULL));

  g_test_add_func ("/ui/keyring/kept-in-keyring", test_kept_in_keyring);
  g_test_add_func ("/ui/keyring/kept-in-memory", test_kept_in_memory);
  status = g_test_run ();
  vz_test_server_free (server);
  return status;
}
