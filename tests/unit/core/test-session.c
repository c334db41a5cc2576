/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-session"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vz-secret-store.h"
#include "vz-session.h"
#include "vz-snapshot.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-sync-engine.h"
#include "vz-test-server.h"
#include "vz-test-secret.h"
#include "vz-core-test-util.h"

/*
 * Staying signed in: the saved sign-in against the real server, and an
 * offline start from it that goes online by itself. The token is kept in a
 * real gnome-keyring-daemon on the test's own session bus
 * (tests/keyring/with-keyring.sh), read back with secret-tool; the
 * no-keyring test runs on a bus without any Secret Service.
 */

/* Every log line of the process, to prove the token never appears in one. */
static GString *logged;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (logged, fields[i].value);
        else
          g_string_append_len (logged, fields[i].value, fields[i].length);
        g_string_append_c (logged, '\n');
      }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* What the keyring holds for the app's sign-in, as secret-tool reads it. */
static char *
keyring_lookup (const char *server_url,
                const char *user_id)
{
  return vz_test_secret_tool ("lookup", "server", server_url, "account", user_id,
                              "client", VZ_SECRET_CLIENT_DESKTOP, NULL);
}

static VzSession *
sign_in_full (VzTestServer *server,
              gboolean      remember)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_set_remember (session, remember);
  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&session);
}

static VzSession *
sign_in (VzTestServer *server)
{
  return sign_in_full (server, TRUE);
}

static GError *
login_error (VzTestServer *server,
             const char   *password)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  vz_session_login_async (session, VZ_TEST_EMAIL, password, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_session_login_finish (session, result, &error));
  return error;
}

/* A throttled sign-in says how long to wait, in words, from Retry-After. */
static void
test_sign_in_wait_in_words (void)
{
  const struct {
    const char *first_delay_ms;
    const char *message;
  } cases[] = {
    { "1000", "Too many sign-in attempts. Try again in 1 second." },
    { "45000", "Too many sign-in attempts. Try again in 45 seconds." },
    { "61000", "Too many sign-in attempts. Try again in 2 minutes." },
    { "900000", "Too many sign-in attempts. Try again in 15 minutes." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *limits = g_strconcat ("1,1000,", cases[i].first_delay_ms, NULL);
      const char *args[] = { "--sign-in-limits", limits, NULL };
      g_autoptr(VzTestServer) server = vz_test_server_start (args);
      g_autoptr(GError) wrong = login_error (server, "not the password");
      g_autoptr(GError) waiting = login_error (server, VZ_TEST_PASSWORD);

      g_assert_error (wrong, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
      g_assert_error (waiting, VZ_API_ERROR, VZ_API_ERROR_RATE_LIMITED);
      g_assert_cmpstr (waiting->message, ==, cases[i].message);
    }
}

static void
save (VzSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_save_async (session, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_save_finish (session, result, &error));
  g_assert_no_error (error);
}

static void
on_settled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  vz_session_settle_finish (VZ_SESSION (source), result);
  *(gboolean *) user_data = TRUE;
}

/* Settling waits out a write that is under way: once it answers, the
 * account file is on disk and removing it stays removed. */
static void
test_settle (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSession) session = sign_in (server);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = vz_session_saved_account_path (server->url, vz_session_get_user_id (session));
  gboolean done = FALSE;

  /* Nothing under way: at once. */
  vz_session_settle_async (session, NULL, on_settled, &done);
  g_assert_true (vz_test_wait_for (&done, 1000));

  done = FALSE;
  vz_session_save_async (session, NULL, vz_test_store_result, &result);
  vz_session_settle_async (session, NULL, on_settled, &done);
  g_assert_false (done);
  g_assert_true (vz_test_wait_for (&done, 10000));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (path), ==, 0);
  vz_test_wait_result (&result, 10000);
  vz_test_spin (200);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static VzSession *
restore (const char  *server_url,
         const char  *email,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_session_restore_saved_async (server_url, email, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  return vz_session_restore_saved_finish (result, error);
}

static void
test_save_restore (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSession) session = sign_in (server);
  g_autoptr(VzSession) restored = NULL;
  g_autoptr(VzSession) nobody = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *restored_cookie = NULL;
  g_autofree char *kept = NULL;
  const char *token = vz_session_get_access_token (session);
  GStatBuf st;

  g_assert_nonnull (token);
  save (session);

  path = vz_session_saved_account_path (server->url, vz_session_get_user_id (session));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  /* The token is in the keyring, not in the file, and in no log line. */
  g_assert_null (strstr (text, token));
  kept = keyring_lookup (server->url, vz_session_get_user_id (session));
  g_assert_nonnull (kept);
  g_assert_nonnull (strstr (kept, token));
  g_clear_pointer (&kept, g_free);
  g_assert_null (vz_session_get_keyring_problem (session));
  g_assert_null (strstr (logged->str, token));
  /* Beside the outbox and snapshot of the same account. */
  {
    g_autofree char *snapshot = NULL;
    g_autofree char *account = g_strdup_printf ("%s %s", server->url, vz_session_get_user_id (session));
    g_autofree char *folder = NULL;
    g_autofree char *snapshot_folder = NULL;

    snapshot = vz_snapshot_path_for_account (account);
    folder = g_path_get_dirname (path);
    snapshot_folder = g_path_get_dirname (snapshot);
    g_assert_cmpstr (folder, ==, snapshot_folder);
  }

  /* Restored without the network. */
  vz_test_server_kill (server);
  restored = restore (server->url, VZ_TEST_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_assert_cmpint (vz_session_get_state (restored), ==, VZ_SESSION_STATE_SAVED);
  g_assert_false (vz_session_get_signed_in (restored));
  g_assert_true (vz_session_get_remember (restored));
  g_assert_cmpstr (vz_session_get_server_url (restored), ==, server->url);
  g_assert_cmpstr (vz_session_get_user_id (restored), ==, vz_session_get_user_id (session));
  g_assert_cmpstr (vz_session_get_user_email (restored), ==, vz_session_get_user_email (session));
  g_assert_cmpstr (vz_session_get_user_name (restored), ==, vz_session_get_user_name (session));
  g_assert_cmpstr (vz_session_get_role (restored), ==, vz_session_get_role (session));
  g_assert_cmpstr (vz_session_get_organization_id (restored), ==, vz_session_get_organization_id (session));
  g_assert_cmpstr (vz_session_get_organization_name (restored), ==, vz_session_get_organization_name (session));
  g_assert_cmpstr (vz_session_get_access_token (restored), ==, token);
  cookie = vz_api_client_dup_refresh_cookie (vz_session_get_api_client (session));
  restored_cookie = vz_api_client_dup_refresh_cookie (vz_session_get_api_client (restored));
  g_assert_nonnull (cookie);
  g_assert_cmpstr (restored_cookie, ==, cookie);

  /* A resume that cannot reach the server keeps the restored identity. */
  vz_session_resume_async (restored, vz_session_get_access_token (restored), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_false (vz_session_resume_finish (restored, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpint (vz_session_get_state (restored), ==, VZ_SESSION_STATE_SAVED);
  g_assert_cmpstr (vz_session_get_access_token (restored), ==, token);

  /* Someone else, or another server: nothing saved. */
  nobody = restore (server->url, "someone.else@example.test", &error);
  g_assert_error (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED);
  g_assert_null (nobody);
  g_clear_error (&error);
  nobody = restore ("http://127.0.0.1:1", NULL, &error);
  g_assert_error (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED);
  g_clear_error (&error);

  /* Back online, the saved token works; signing out deletes the file and
   * revokes the token on the server. */
  vz_test_server_restart (server);
  vz_session_resume_async (restored, vz_session_get_access_token (restored), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_true (vz_session_resume_finish (restored, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (vz_session_get_state (restored), ==, VZ_SESSION_STATE_SIGNED_IN);

  vz_session_logout_async (restored, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_true (vz_session_logout_finish (restored, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  for (guint i = 0; i < 100 && g_file_test (path, G_FILE_TEST_EXISTS); i++)
    vz_test_spin (50);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  kept = keyring_lookup (server->url, vz_session_get_user_id (session));
  g_assert_null (kept);
  g_clear_object (&nobody);
  nobody = restore (server->url, NULL, &error);
  g_assert_error (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED);
  g_clear_error (&error);
  g_assert_null (strstr (logged->str, token));
}

static gboolean
engine_online (VzSyncEngine *engine)
{
  return vz_sync_engine_get_loaded (engine) && vz_sync_engine_get_snapshot_time (engine) == NULL &&
         vz_sync_engine_get_pending_count (engine) == 0 &&
         vz_session_get_signed_in (vz_sync_engine_get_session (engine));
}

static gboolean
wait_until (gboolean (*check) (VzSyncEngine *),
            VzSyncEngine *engine,
            guint         seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!check (engine) && g_get_monotonic_time () < end)
    vz_test_spin (50);
  return check (engine);
}

static gboolean
engine_loaded (VzSyncEngine *engine)
{
  return vz_sync_engine_get_loaded (engine) && vz_sync_engine_get_outbox (engine) != NULL;
}

static gboolean
engine_shows_snapshot (VzSyncEngine *engine)
{
  return vz_sync_engine_get_snapshot_time (engine) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) == 1 &&
         vz_sync_engine_get_outbox (engine) != NULL;
}

static void
test_offline_start_goes_online (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSession) session = sign_in (server);
  g_autoptr(VzSession) restored = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *device_token = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *snapshot = NULL;
  VzDisplay *display;

  display_id = vz_test_server_pair_screen (server, vz_session_get_access_token (session), "Lobby", &device_token);
  save (session);

  /* A live run saves the fleet on stop. */
  engine = vz_sync_engine_new (session);
  vz_sync_engine_start (engine);
  g_assert_true (wait_until (engine_loaded, engine, 20));
  snapshot = vz_snapshot_path_beside (vz_sync_engine_get_outbox_path (engine));
  vz_sync_engine_stop (engine);
  g_clear_object (&engine);
  for (guint i = 0; i < 200 && !g_file_test (snapshot, G_FILE_TEST_EXISTS); i++)
    vz_test_spin (50);
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  vz_test_spin (200);

  /* A new start with the server gone: the saved identity opens the saved
   * fleet and takes changes. */
  vz_test_server_kill (server);
  restored = restore (server->url, VZ_TEST_EMAIL, &error);
  g_assert_no_error (error);
  engine = vz_sync_engine_new (restored);
  vz_sync_engine_start (engine);
  g_assert_true (wait_until (engine_shows_snapshot, engine, 20));
  g_assert_cmpint (vz_session_get_state (restored), ==, VZ_SESSION_STATE_SAVED);
  g_assert_cmpstr (vz_sync_engine_get_outbox_path (engine), ==,
                   vz_sync_engine_get_outbox_path (engine));

  json_object_set_string_member (changes, "name", "Hall");
  vz_sync_engine_update_display_async (engine, display_id, changes, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_sync_engine_update_display_finish (engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vz_sync_engine_get_pending_count (engine), ==, 1);
  display = VZ_DISPLAY (vz_store_lookup (vz_sync_engine_get_displays (engine), display_id));
  g_assert_nonnull (display);
  g_assert_cmpstr (vz_display_get_nickname (display), ==, "Hall");

  /* The server comes back: online by itself, the change lands. */
  vz_test_server_restart (server);
  g_assert_true (wait_until (engine_online, engine, 60));
  g_assert_cmpint (vz_session_get_state (restored), ==, VZ_SESSION_STATE_SIGNED_IN);
  {
    g_autofree char *path = g_strdup_printf ("/displays/%s", display_id);
    JsonObject *obj;

    g_assert_cmpuint (vz_test_server_request (server, "GET", path, vz_session_get_access_token (restored),
                                              NULL, &body), ==, 200);
    obj = json_object_get_object_member (json_node_get_object (body), "data");
    g_assert_cmpstr (json_object_get_string_member (obj, "nickname"), ==, "Hall");
  }
  vz_sync_engine_stop (engine);
  vz_test_spin (200);
}

static gboolean
keyring_has_token (VzSyncEngine *engine)
{
  VzSession *session = vz_sync_engine_get_session (engine);
  g_autofree char *kept = keyring_lookup (vz_session_get_server_url (session), vz_session_get_user_id (session));
  const char *token = vz_session_get_access_token (session);

  return token != NULL && kept != NULL && strstr (kept, token) != NULL;
}

static void
test_expired_saved_token (void)
{
  const char *args[] = { "--access-token-ttl", "2", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autoptr(VzSession) session = sign_in (server);
  g_autoptr(VzSession) restored = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = g_strdup (vz_session_get_access_token (session));

  save (session);
  vz_test_server_kill (server);
  g_clear_object (&session);

  /* The saved token expires while the app is closed; the saved refresh
   * cookie gets a new one once the server is back, and that is saved. */
  restored = restore (server->url, NULL, &error);
  g_assert_no_error (error);
  vz_test_spin (2500);
  vz_test_server_restart (server);
  engine = vz_sync_engine_new (restored);
  vz_sync_engine_start (engine);
  g_assert_true (wait_until (engine_online, engine, 30));
  g_assert_cmpstr (vz_session_get_access_token (restored), !=, old_token);
  g_assert_true (wait_until (keyring_has_token, engine, 10));
  g_assert_null (strstr (logged->str, vz_session_get_access_token (restored)));
  vz_sync_engine_stop (engine);
  vz_test_spin (200);
}

static void
test_refused_refresh (void)
{
  const char *args[] = { "--access-token-ttl", "2", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autoptr(VzSession) session = sign_in (server);
  g_autoptr(VzSession) first = NULL;
  g_autoptr(VzSession) stale = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  save (session);
  g_clear_object (&session);
  first = restore (server->url, NULL, &error);
  g_assert_no_error (error);
  stale = restore (server->url, NULL, &error);
  g_assert_no_error (error);
  vz_test_spin (2500);

  /* One copy refreshes (the refresh token rotates)... */
  vz_session_resume_async (first, vz_session_get_access_token (first), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_true (vz_session_resume_finish (first, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* ...so the other one's is a replay: refused for good, signed out, with
   * a sentence to show on the sign-in form. */
  vz_session_resume_async (stale, vz_session_get_access_token (stale), NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_false (vz_session_resume_finish (stale, result, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (error->message);
  g_assert_cmpint (vz_session_get_state (stale), ==, VZ_SESSION_STATE_SIGNED_OUT);
  g_assert_null (vz_session_get_access_token (stale));
}

/* A sign-in saved by an earlier version: account.json with the token in it. */
static char *
write_plain_file (VzSession *session)
{
  g_autofree char *info = vz_session_saved_account_path (vz_session_get_server_url (session),
                                                         vz_session_get_user_id (session));
  g_autofree char *folder = g_path_get_dirname (info);
  g_autofree char *path = g_build_filename (folder, "account.json", NULL);
  g_autofree char *cookie = vz_api_client_dup_refresh_cookie (vz_session_get_api_client (session));
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("{\"version\":1,\"savedAtUs\":%" G_GINT64_FORMAT ","
                          "\"serverUrl\":\"%s\",\"realtimeUrl\":null,"
                          "\"user\":{\"id\":\"%s\",\"email\":\"%s\",\"name\":\"%s\",\"role\":\"%s\"},"
                          "\"organization\":{\"id\":\"%s\",\"name\":\"%s\"},"
                          "\"accessToken\":\"%s\",\"refreshCookie\":\"%s\"}",
                          g_get_real_time (), vz_session_get_server_url (session),
                          vz_session_get_user_id (session), vz_session_get_user_email (session),
                          vz_session_get_user_name (session), vz_session_get_role (session),
                          vz_session_get_organization_id (session), vz_session_get_organization_name (session),
                          vz_session_get_access_token (session), cookie);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_plain_file_moves_to_keyring (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSession) session = sign_in_full (server, FALSE);
  g_autoptr(VzSession) restored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *info = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kept = NULL;
  const char *token = vz_session_get_access_token (session);

  plain = write_plain_file (session);
  info = vz_session_saved_account_path (server->url, vz_session_get_user_id (session));
  g_assert_false (g_file_test (info, G_FILE_TEST_EXISTS));
  g_assert_null (keyring_lookup (server->url, vz_session_get_user_id (session)));

  /* The next start finds it, moves it into the keyring and deletes it. */
  restored = restore (server->url, VZ_TEST_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_session_get_access_token (restored), ==, token);
  save (restored);
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (info, &text, NULL, NULL));
  g_assert_null (strstr (text, token));
  kept = keyring_lookup (server->url, vz_session_get_user_id (session));
  g_assert_nonnull (kept);
  g_assert_nonnull (strstr (kept, token));

  /* From then on it comes from the keyring, and works. */
  g_clear_object (&restored);
  restored = restore (server->url, VZ_TEST_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_session_get_access_token (restored), ==, token);
  vz_session_resume_async (restored, token, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_true (vz_session_resume_finish (restored, result, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (logged->str, token));
}

/* Runs on a session bus with no Secret Service (with-keyring.sh --none). */
static void
test_no_keyring (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSession) session = sign_in_full (server, FALSE);
  g_autoptr(VzSession) nobody = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *info = NULL;
  g_autofree char *text = NULL;
  g_autofree char *token = g_strdup (vz_session_get_access_token (session));

  vz_session_set_remember (session, TRUE);
  vz_session_save_async (session, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_false (vz_session_save_finish (session, result, &error));
  g_assert_error (error, VZ_SECRET_ERROR, VZ_SECRET_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Said in words, and the session goes on from memory. */
  g_assert_nonnull (vz_session_get_keyring_problem (session));
  g_assert_nonnull (strstr (vz_session_get_keyring_problem (session), "No keyring"));
  g_assert_nonnull (strstr (vz_session_get_keyring_problem (session), "kept in memory only"));
  g_assert_cmpstr (vz_session_get_access_token (session), ==, token);
  g_assert_true (vz_session_get_signed_in (session));
  vz_session_resume_async (session, token, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 15000);
  g_assert_true (vz_session_resume_finish (session, result, &error));
  g_assert_no_error (error);

  /* Nothing of the token on disk, so nothing to restore it from. */
  info = vz_session_saved_account_path (server->url, vz_session_get_user_id (session));
  g_assert_true (g_file_get_contents (info, &text, NULL, NULL));
  g_assert_null (strstr (text, token));
  nobody = restore (server->url, VZ_TEST_EMAIL, &error);
  g_assert_error (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED);
  g_assert_null (nobody);
  g_assert_null (strstr (logged->str, token));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;

  /* A data dir of its own: the saved sign-ins found are this test's. */
  home = g_dir_make_tmp ("vz-test-session-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  logged = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/save-restore", test_save_restore);
  g_test_add_func ("/core/session/settle", test_settle);
  g_test_add_func ("/core/session/offline-start-goes-online", test_offline_start_goes_online);
  g_test_add_func ("/core/session/expired-saved-token", test_expired_saved_token);
  g_test_add_func ("/core/session/refused-refresh", test_refused_refresh);
  g_test_add_func ("/core/session/sign-in-wait-in-words", test_sign_in_wait_in_words);
  g_test_add_func ("/core/session/plain-file-moves-to-keyring", test_plain_file_moves_to_keyring);
  g_test_add_func ("/core/session/no-keyring", test_no_keyring);
  return g_test_run ();
}
