/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-vizoractl-changes"

#include <glib/gstdio.h>
#include <string.h>

#include "vz-outbox.h"
#include "vz-test-run.h"
#include "vz-test-server.h"

/*
 * vizoractl set / delete / outbox: the real binary against the real server,
 * every change through the account's outbox. (The offline, crash and
 * conflict paths are in tests/integration.)
 */

static VzTestServer *server;
static char *token;
static char *home;

static void
run_cli (VzTestRun  *run,
         const char *server_url,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  va_list args;

  /* The queue and the token stay in the test's folder. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  /* Without a token here, the one "vizoractl login" saved is used. */
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VIZORA_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  va_start (args, server_url);
  vz_test_run_vizoractl_valist (run, launcher, server_url, args);
  va_end (args);
  g_test_message ("→ %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

static JsonObject *
get_display (const char *id,
             guint       expected_status)
{
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(JsonNode) body = NULL;

  g_assert_cmpuint (vz_test_server_request (server, "GET", path, token, NULL, &body), ==, expected_status);
  if (expected_status != 200)
    return NULL;
  return json_object_ref (json_object_get_object_member (json_node_get_object (body), "data"));
}

static void
assert_queue_length (const char *expected)
{
  g_auto(VzTestRun) count = { 0, };

  run_cli (&count, server->url, "outbox", "count", NULL);
  g_assert_cmpint (count.status, ==, 0);
  g_assert_cmpstr (count.out, ==, expected);
}

static void
test_set_by_name (void)
{
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Atrium", NULL);
  g_autoptr(JsonObject) located = NULL;
  g_autoptr(JsonObject) cleared = NULL;
  g_auto(VzTestRun) set = { 0, };
  g_auto(VzTestRun) clear = { 0, };

  run_cli (&set, server->url, "set", "Atrium", "--name", "Atrium West", "--location", "Level 1",
           "--description", "Big wall", NULL);
  g_assert_cmpint (set.status, ==, 0);
  g_assert_cmpstr (set.out, ==, "Changed “Atrium”: name “Atrium West”, location “Level 1”, description “Big wall”.\n");
  located = get_display (id, 200);
  g_assert_cmpstr (json_object_get_string_member (located, "nickname"), ==, "Atrium West");
  g_assert_cmpstr (json_object_get_string_member (located, "location"), ==, "Level 1");
  g_assert_cmpstr (json_object_get_string_member (located, "description"), ==, "Big wall");

  /* By id; an empty location clears it. */
  run_cli (&clear, server->url, "set", id, "--location", "", NULL);
  g_assert_cmpint (clear.status, ==, 0);
  cleared = get_display (id, 200);
  g_assert_true (json_object_get_null_member (cleared, "location"));
  g_assert_cmpstr (json_object_get_string_member (cleared, "nickname"), ==, "Atrium West");
  assert_queue_length ("0\n");
}

static void
test_which_screen (void)
{
  g_autofree char *a = vz_test_server_pair_screen (server, token, "Twin", NULL);
  g_autofree char *b = vz_test_server_pair_screen (server, token, "Twin", NULL);
  g_auto(VzTestRun) ambiguous = { 0, };
  g_auto(VzTestRun) unknown = { 0, };
  g_auto(VzTestRun) unknown_delete = { 0, };

  run_cli (&ambiguous, server->url, "set", "Twin", "--name", "Which?", NULL);
  g_assert_cmpint (ambiguous.status, ==, 1);
  g_assert_nonnull (strstr (ambiguous.err, "2 screens are called “Twin”. Use the screen’s id"));

  run_cli (&unknown, server->url, "set", "Nobody", "--name", "X", NULL);
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "No screen has the name or id “Nobody”."));
  run_cli (&unknown_delete, server->url, "delete", "Nobody", NULL);
  g_assert_cmpint (unknown_delete.status, ==, 1);

  /* Nothing was queued for them. */
  assert_queue_length ("0\n");
}

static void
test_delete (void)
{
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Doomed", NULL);
  g_auto(VzTestRun) del = { 0, };

  run_cli (&del, server->url, "delete", "Doomed", NULL);
  g_assert_cmpint (del.status, ==, 0);
  g_assert_cmpstr (del.out, ==, "Deleted “Doomed”.\n");
  g_assert_null (get_display (id, 404));
  assert_queue_length ("0\n");
}

static void
test_refused_change_stays_queued (void)
{
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Strict", NULL);
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_auto(VzTestRun) set = { 0, };
  g_auto(VzTestRun) list = { 0, };
  g_auto(VzTestRun) discard = { 0, };
  g_auto(VzTestRun) behind = { 0, };
  g_auto(VzTestRun) flush = { 0, };
  g_autoptr(JsonObject) after = NULL;
  g_auto(GStrv) fields = NULL;

  run_cli (&set, server->url, "set", id, "--name", long_name, NULL);
  g_assert_cmpint (set.status, ==, 1);
  g_assert_nonnull (strstr (set.err, "name"));
  g_assert_nonnull (strstr (set.err, "stays in the queue"));

  run_cli (&list, server->url, "outbox", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  fields = g_strsplit (list.out, "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[1], ==, "failed");

  /* A later change of the same screen never overtakes the refused one. */
  run_cli (&behind, server->url, "set", id, "--location", "Vault", NULL);
  g_assert_cmpint (behind.status, ==, 0);
  g_assert_nonnull (strstr (behind.out, "waits behind an earlier change"));
  assert_queue_length ("2\n");

  run_cli (&discard, server->url, "outbox", "discard", fields[0], NULL);
  g_assert_cmpint (discard.status, ==, 0);
  assert_queue_length ("1\n");
  run_cli (&flush, server->url, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);
  g_assert_cmpstr (flush.out, ==, "Sent 1 change.\n");
  assert_queue_length ("0\n");
  after = get_display (id, 200);
  g_assert_cmpstr (json_object_get_string_member (after, "nickname"), ==, "Strict");
  g_assert_cmpstr (json_object_get_string_member (after, "location"), ==, "Vault");
}

static void
test_usage (void)
{
  const char *bad[][4] = {
    { "set", "Atrium", NULL },
    { "set", NULL },
    { "set", "Atrium", "--name", "  " },
    { "delete", NULL },
    { "delete", "a", "b" },
    { "outbox", "frobnicate", NULL },
    { "outbox", "discard", NULL },
    { "outbox", "count", "extra" },
  };
  g_auto(VzTestRun) help = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(VzTestRun) run = { 0, };

      run_cli (&run, server->url, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.err, !=, "");
    }
  run_cli (&help, server->url, "--help", NULL);
  g_assert_nonnull (strstr (help.out, "set DISPLAY"));
  g_assert_nonnull (strstr (help.out, "outbox [list"));
}

static void
test_unknown_server_offline (void)
{
  g_auto(VzTestRun) set = { 0, };
  g_auto(VzTestRun) flush = { 0, };

  /* Nothing listens there, and vizoractl never met it: it says why it cannot queue. */
  run_cli (&set, "http://127.0.0.1:9", "set", "00000000-0000-4000-8000-000000000000", "--name", "X", NULL);
  g_assert_cmpint (set.status, ==, 1);
  g_assert_nonnull (strstr (set.err, "cannot be reached"));
  run_cli (&flush, "http://127.0.0.1:9", "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 1);
}

static void
test_app_holds_the_queue (void)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server->url, -1);
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(VzTestRun) set = { 0, };

  assert_queue_length ("0\n");
  hash[16] = '\0';
  name = g_strdup_printf ("account-%s", hash);
  file = g_build_filename (home, "config", "vizora", name, NULL);
  g_assert_true (g_file_get_contents (file, &path, NULL, NULL));

  /* As the app does while it runs. */
  outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_no_error (error);
  run_cli (&set, server->url, "set", "Atrium West", "--name", "Blocked", NULL);
  g_assert_cmpint (set.status, ==, 1);
  g_assert_nonnull (strstr (set.err, "The Vizora app has this account’s pending changes open"));
}

/* Signed in with "vizoractl login" (no token in the environment, a home of
 * its own), then the server goes away at once: a change by the screen's name
 * is queued, not refused, and lands once when the server is back. */
static void
test_login_then_offline (void)
{
  g_autoptr(VzTestServer) own = vz_test_server_start (NULL);
  g_autofree char *own_token = vz_test_server_login (own);
  g_autofree char *id = vz_test_server_pair_screen (own, own_token, "Kiosk", NULL);
  g_autofree char *own_home = g_dir_make_tmp ("vizoractl-login-XXXXXX", NULL);
  g_autofree char *password_file = g_build_filename (own_home, "password", NULL);
  g_autofree char *url = g_strdup (own->url);
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(JsonNode) body = NULL;
  char *saved_home = home;
  char *saved_token = token;
  g_auto(VzTestRun) login = { 0, };
  g_auto(VzTestRun) set = { 0, };
  g_auto(VzTestRun) count = { 0, };
  g_auto(VzTestRun) flush = { 0, };
  g_auto(VzTestRun) again = { 0, };
  g_auto(VzTestRun) after = { 0, };
  JsonObject *display;

  g_assert_true (g_file_set_contents (password_file, VZ_TEST_PASSWORD, -1, NULL));
  home = own_home;
  token = NULL;

  run_cli (&login, url, "login", "--email", VZ_TEST_EMAIL, "--password-file", password_file, NULL);
  g_assert_cmpint (login.status, ==, 0);

  vz_test_server_kill (own);
  run_cli (&set, url, "set", "Kiosk", "--name", "Kiosk West", NULL);
  g_assert_cmpint (set.status, ==, 0);
  g_assert_nonnull (strstr (set.out, "Queued"));
  run_cli (&count, url, "outbox", "count", NULL);
  g_assert_cmpstr (count.out, ==, "1\n");

  vz_test_server_restart (own);
  /* The account is kept per server address: the server must be back on it. */
  g_assert_cmpstr (own->url, ==, url);
  run_cli (&flush, url, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);
  run_cli (&after, url, "outbox", "count", NULL);
  g_assert_cmpstr (after.out, ==, "0\n");
  /* Once: a second flush has nothing left to send. */
  run_cli (&again, url, "outbox", "flush", NULL);
  g_assert_cmpint (again.status, ==, 0);

  g_assert_cmpuint (vz_test_server_request (own, "GET", path, own_token, NULL, &body), ==, 200);
  display = json_object_get_object_member (json_node_get_object (body), "data");
  g_assert_cmpstr (json_object_get_string_member (display, "nickname"), ==, "Kiosk West");

  home = saved_home;
  token = saved_token;
  vz_test_remove_tree (own_home);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  home = g_dir_make_tmp ("vizoractl-changes-XXXXXX", NULL);
  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);

  g_test_add_func ("/cli/changes/set-by-name", test_set_by_name);
  g_test_add_func ("/cli/changes/which-screen", test_which_screen);
  g_test_add_func ("/cli/changes/delete", test_delete);
  g_test_add_func ("/cli/changes/refused", test_refused_change_stays_queued);
  g_test_add_func ("/cli/changes/usage", test_usage);
  g_test_add_func ("/cli/changes/unknown-server-offline", test_unknown_server_offline);
  g_test_add_func ("/cli/changes/app-holds-the-queue", test_app_holds_the_queue);
  g_test_add_func ("/cli/changes/login-then-offline", test_login_then_offline);
  status = g_test_run ();

  vz_test_server_free (server);
  {
    const char *rm[] = { "rm", "-rf", home, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (home);
  g_free (token);
  return status;
}
