/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-vizoractl"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vz-realtime-client.h"
#include "vz-test-process.h"
#include "vz-test-server.h"
#include "vz-test-secret.h"

/* The real vizoractl binary against the real vizora-server. */
static VzTestServer *server;
static char *config_home;
/* VIZORA_PASSWORD for the next runs; never inherited from the caller. */
static const char *password_env;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GSubprocessLauncher *
launcher_for (const char *token_env,
              GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* Saved tokens go to a private folder, never the developer's own. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "VIZORA_SERVER");
  if (token_env != NULL)
    g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", token_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VIZORA_TOKEN");
  if (password_env != NULL)
    g_subprocess_launcher_setenv (launcher, "VIZORA_PASSWORD", password_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VIZORA_PASSWORD");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

static void
run_cli (Run        *run,
         const char *token_env,
         const char *stdin_text,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIZORACTL_BIN"));
  va_start (args, stdin_text);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = launcher_for (token_env, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

/* secret-tool VERB on vizoractl's keyring item for the test server. */
static char *
secret_tool (const char *verb)
{
  return vz_test_secret_tool (verb, "server", server->url, "client", "vizoractl", NULL);
}

/* The token the keyring keeps for the test server, NULL when none. */
static char *
saved_token (void)
{
  g_autofree char *secret = secret_tool ("lookup");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (secret == NULL)
    return NULL;
  g_assert_true (json_parser_load_from_data (parser, secret, -1, NULL));
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "accessToken"));
}

static gboolean
token_saved (void)
{
  g_autofree char *token = saved_token ();

  return token != NULL;
}

static void
forget_saved_token (void)
{
  g_autofree char *out = secret_tool ("clear");

  g_assert_false (token_saved ());
}

/* Whether a file under the config folder is a token file, or holds @token. */
static gboolean
files_hold_token (const char *token)
{
  g_autofree char *dir = g_build_filename (config_home, "vizora", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;

      if (g_str_has_prefix (name, "token-"))
        return TRUE;
      if (token != NULL && g_file_get_contents (path, &text, NULL, NULL) && strstr (text, token) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The file earlier versions kept the token in. */
static char *
plain_token_file (void)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server->url, -1);
  g_autofree char *name = NULL;

  hash[16] = '\0';
  name = g_strdup_printf ("token-%s", hash);
  return g_build_filename (config_home, "vizora", name, NULL);
}

/* ------------------------------------------------------------------------ */

static void
test_usage (void)
{
  g_auto(Run) help = { 0, };
  g_auto(Run) none = { 0, };
  g_auto(Run) unknown = { 0, };
  g_auto(Run) bad_url = { 0, };

  run_cli (&help, NULL, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "login --email EMAIL"));
  g_assert_nonnull (strstr (help.out, "watch [--count N]"));
  g_assert_nonnull (strstr (help.out, "VIZORA_TOKEN"));

  run_cli (&none, NULL, NULL, NULL);
  g_assert_cmpint (none.status, ==, 2);

  run_cli (&unknown, NULL, NULL, "--server", server->url, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "Unknown command"));

  run_cli (&bad_url, NULL, NULL, "--server", "ftp://example.com", "displays", NULL);
  g_assert_cmpint (bad_url.status, ==, 2);
  g_assert_nonnull (strstr (bad_url.err, "must start with http://"));
}

static void
test_not_signed_in (void)
{
  g_auto(Run) run = { 0, };

  forget_saved_token ();
  run_cli (&run, NULL, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "You are not signed in"));
  g_assert_cmpstr (run.out, ==, "");
}

static void
test_login (void)
{
  g_auto(Run) wrong = { 0, };
  g_auto(Run) right = { 0, };
  g_auto(Run) list = { 0, };
  g_autofree char *saved = NULL;

  forget_saved_token ();
  run_cli (&wrong, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL,
           "--password", "not the password", NULL);
  g_assert_cmpint (wrong.status, ==, 3);
  g_assert_nonnull (strstr (wrong.err, "The email address or password is not correct."));
  g_assert_false (token_saved ());

  /* The password on standard input keeps it out of `ps`. */
  run_cli (&right, NULL, VZ_TEST_PASSWORD "\n", "--server", server->url, "login", "--email", VZ_TEST_EMAIL, NULL);
  g_assert_cmpint (right.status, ==, 0);
  g_assert_nonnull (strstr (right.out, "Signed in to"));
  g_assert_nonnull (strstr (right.out, VZ_TEST_EMAIL));

  /* In the keyring, in no file, never echoed. */
  saved = saved_token ();
  g_assert_nonnull (saved);
  g_assert_cmpuint (strlen (saved), >, 10);
  g_assert_false (files_hold_token (saved));
  g_assert_null (strstr (right.out, saved));
  g_assert_null (strstr (right.err, saved));
  g_assert_cmpstr (right.err, ==, "");

  /* The saved token works for the next command. */
  run_cli (&list, NULL, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_cmpstr (list.err, ==, "");
}

/* A token file of an earlier version moves into the keyring at the next
 * command, which uses it, and is deleted. */
static void
test_plain_token_file_moves (void)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *file = plain_token_file ();
  g_autofree char *folder = g_path_get_dirname (file);
  g_autofree char *saved = NULL;
  g_auto(Run) list = { 0, };
  g_auto(Run) again = { 0, };

  forget_saved_token ();
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, token, -1, NULL));

  run_cli (&list, NULL, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  saved = saved_token ();
  g_assert_cmpstr (saved, ==, token);
  g_assert_null (strstr (list.err, token));

  run_cli (&again, NULL, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_false (files_hold_token (token));
}

/* On a session bus without a Secret Service (with-keyring.sh --none): the
 * sign-in works for its run and says on standard error that it is not kept. */
static void
test_no_keyring (void)
{
  g_auto(Run) login = { 0, };
  g_auto(Run) list = { 0, };

  run_cli (&login, NULL, VZ_TEST_PASSWORD "\n", "--server", server->url, "login", "--email", VZ_TEST_EMAIL, NULL);
  g_assert_cmpint (login.status, ==, 0);
  g_assert_nonnull (strstr (login.out, "Signed in to"));
  g_assert_nonnull (strstr (login.err, "No keyring"));
  g_assert_nonnull (strstr (login.err, "The sign-in is not kept"));
  g_assert_false (files_hold_token (NULL));

  run_cli (&list, NULL, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (list.status, ==, 3);
  g_assert_nonnull (strstr (list.err, "No keyring"));
  g_assert_nonnull (strstr (list.err, "You are not signed in"));
}

/* The password from a file or the environment, so that it never has to be on
 * the command line; the file wins over the variable, and no password at all
 * (standard input closed) is a usage error. */
static void
test_login_password_sources (void)
{
  g_autofree char *right_file = g_build_filename (config_home, "right-password", NULL);
  g_autofree char *missing_file = g_build_filename (config_home, "no-such-file", NULL);
  g_auto(Run) from_file = { 0, };
  g_auto(Run) from_env = { 0, };
  g_auto(Run) file_first = { 0, };
  g_auto(Run) missing = { 0, };
  g_auto(Run) none = { 0, };

  g_assert_true (g_file_set_contents (right_file, VZ_TEST_PASSWORD "\n", -1, NULL));

  forget_saved_token ();
  run_cli (&from_file, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL,
           "--password-file", right_file, NULL);
  g_assert_cmpint (from_file.status, ==, 0);
  g_assert_nonnull (strstr (from_file.out, "Signed in to"));
  g_assert_true (token_saved ());

  forget_saved_token ();
  password_env = VZ_TEST_PASSWORD;
  run_cli (&from_env, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL, NULL);
  g_assert_cmpint (from_env.status, ==, 0);
  g_assert_true (token_saved ());

  forget_saved_token ();
  password_env = "not the password";
  run_cli (&file_first, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL,
           "--password-file", right_file, NULL);
  g_assert_cmpint (file_first.status, ==, 0);
  password_env = NULL;

  run_cli (&missing, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL,
           "--password-file", missing_file, NULL);
  g_assert_cmpint (missing.status, ==, 2);
  g_assert_nonnull (strstr (missing.err, "could not be read"));

  forget_saved_token ();
  run_cli (&none, NULL, NULL, "--server", server->url, "login", "--email", VZ_TEST_EMAIL, NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "No password was given."));
  g_assert_false (token_saved ());
  g_unlink (right_file);
}

static void
test_displays (void)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id1 = vz_test_server_pair_screen (server, token, "Window display", NULL);
  g_autofree char *id2 = vz_test_server_pair_screen (server, token, "Menu board", NULL);
  g_auto(Run) json = { 0, };
  g_auto(Run) table = { 0, };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen1 = FALSE, seen2 = FALSE;
  JsonArray *array;

  forget_saved_token ();
  run_cli (&json, token, NULL, "--server", server->url, "displays", "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  root = json_from_string (json.out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (obj, "id");

      seen1 |= g_strcmp0 (id, id1) == 0;
      seen2 |= g_strcmp0 (id, id2) == 0;
    }
  g_assert_true (seen1 && seen2);

  run_cli (&table, token, NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (table.status, ==, 0);
  g_assert_true (g_str_has_prefix (table.out, "NAME"));
  g_assert_nonnull (strstr (table.out, "STATUS"));
  g_assert_nonnull (strstr (table.out, "Window display"));
  g_assert_nonnull (strstr (table.out, "Menu board"));
  g_assert_nonnull (strstr (table.out, id1));
  /* A screen outside every group says so in words, as the app does. */
  {
    const char *line = strstr (table.out, "Window display");
    g_autofree char *row = g_strndup (line, strcspn (line, "\n"));

    g_assert_nonnull (strstr (row, "No group"));
  }
}

static void
test_bad_token (void)
{
  g_auto(Run) run = { 0, };

  run_cli (&run, "forged-token", NULL, "--server", server->url, "displays", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpuint (strlen (run.err), >, 0);
}

static void
test_pair (void)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_auto(Run) paired = { 0, };
  g_auto(Run) again = { 0, };
  g_auto(Run) malformed = { 0, };
  g_auto(Run) unknown = { 0, };
  const char *code;
  guint status;

  status = vz_test_server_request (server, "POST", "/devices/pairing/request", NULL,
                                   "{\"deviceIdentifier\":\"cli-pair-1\"}", &request);
  g_assert_cmpuint (status, ==, 201);
  code = json_object_get_string_member (json_object_get_object_member (json_node_get_object (request), "data"), "code");

  run_cli (&paired, token, NULL, "--server", server->url, "pair", code, "--name", "Kiosk 7", NULL);
  g_assert_cmpint (paired.status, ==, 0);
  g_assert_nonnull (strstr (paired.out, "Paired “Kiosk 7”"));

  /* The server knows it now. */
  g_assert_cmpuint (vz_test_server_request (server, "GET", "/displays?page=1&limit=100", token, NULL, &list), ==, 200);
  {
    g_autofree char *listed = json_to_string (list, FALSE);

    g_assert_nonnull (strstr (listed, "Kiosk 7"));
  }

  /* Used twice: the server's reason, exit 1. */
  run_cli (&again, token, NULL, "--server", server->url, "pair", code, NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_true (g_str_has_prefix (again.err, "vizoractl: "));
  g_assert_cmpuint (strlen (again.err), >, strlen ("vizoractl: \n"));

  /* Not a code at all: caught before asking the server. */
  run_cli (&malformed, token, NULL, "--server", server->url, "pair", "0O1I", NULL);
  g_assert_cmpint (malformed.status, ==, 2);
  g_assert_nonnull (strstr (malformed.err, "6 characters"));

  /* Well-formed but unknown. */
  run_cli (&unknown, token, NULL, "--server", server->url, "pair", "ZZZZZZ", NULL);
  g_assert_cmpint (unknown.status, ==, 1);
}

/* watch: read stdout line by line while the server produces events. */

typedef struct {
  GPtrArray *lines;
  gboolean   eof;
} Lines;

static void
on_line (const char *line,
         gpointer    data)
{
  Lines *lines = data;

  if (line == NULL)
    lines->eof = TRUE;
  else
    g_ptr_array_add (lines->lines, g_strdup (line));
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_lines (Lines *lines,
            guint  n)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  guint waker = g_timeout_add (20, wake, NULL);

  while (lines->lines->len < n && !lines->eof)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
}

static void
test_watch (void)
{
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *device_token = NULL;
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Watched", &device_token);
  g_autoptr(GSubprocessLauncher) launcher = launcher_for (token, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(VzRealtimeClient) screen = NULL;
  g_autoptr(GError) error = NULL;
  Lines lines = { g_ptr_array_new_with_free_func (g_free), FALSE };
  gboolean saw_status = FALSE;

  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VIZORACTL_BIN"),
                                         "--server", server->url, "watch", "--count", "2", NULL);
  g_assert_no_error (error);
  vz_test_read_lines (g_subprocess_get_stdout_pipe (process), on_line, &lines);

  /* The server greets a dashboard with the status batch. */
  wait_lines (&lines, 1);
  g_assert_cmpuint (lines.lines->len, >=, 1);

  /* Then a screen comes online: one more line, and watch exits by itself. */
  screen = vz_realtime_client_new (server->url);
  vz_realtime_client_set_token (screen, device_token);
  vz_realtime_client_start (screen);
  wait_lines (&lines, 2);
  g_assert_cmpuint (lines.lines->len, ==, 2);

  for (guint i = 0; i < lines.lines->len; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (g_ptr_array_index (lines.lines, i), &error);
      JsonObject *obj;
      const char *event;

      g_assert_no_error (error);
      obj = json_node_get_object (node);
      g_assert_true (json_object_has_member (obj, "payload"));
      event = json_object_get_string_member (obj, "event");
      if (i == 0)
        g_assert_cmpstr (event, ==, "device:status:batch");
      if (g_strcmp0 (event, "device:status") == 0)
        {
          JsonObject *payload = json_object_get_object_member (obj, "payload");

          g_assert_cmpstr (json_object_get_string_member (payload, "deviceId"), ==, id);
          g_assert_cmpstr (json_object_get_string_member (payload, "status"), ==, "online");
          saw_status = TRUE;
        }
    }
  g_assert_true (saw_status);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  /* The reader holds &lines until the end of the output. */
  wait_lines (&lines, G_MAXUINT);
  g_assert_true (lines.eof);
  vz_realtime_client_stop (screen);
  g_ptr_array_unref (lines.lines);
}

static void
test_watch_auth_failure (void)
{
  g_auto(Run) run = { 0, };

  g_auto(Run) split = { 0, };

  run_cli (&run, "forged-token", NULL, "--server", server->url, "watch", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "The server refused the sign-in"));
  g_assert_cmpstr (run.out, ==, "");

  /* --realtime-url: the link goes there, not to --server (which is closed). */
  run_cli (&split, "forged-token", NULL, "--server", "http://127.0.0.1:1", "--realtime-url", server->url,
           "watch", NULL);
  g_assert_cmpint (split.status, ==, 3);
  g_assert_nonnull (strstr (split.err, "The server refused the sign-in"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = vz_test_server_start (NULL);
  config_home = g_dir_make_tmp ("vizoractl-test-XXXXXX", NULL);

  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/not-signed-in", test_not_signed_in);
  g_test_add_func ("/cli/login", test_login);
  g_test_add_func ("/cli/login-password-sources", test_login_password_sources);
  g_test_add_func ("/cli/plain-token-file-moves", test_plain_token_file_moves);
  g_test_add_func ("/cli/no-keyring", test_no_keyring);
  g_test_add_func ("/cli/displays", test_displays);
  g_test_add_func ("/cli/bad-token", test_bad_token);
  g_test_add_func ("/cli/pair", test_pair);
  g_test_add_func ("/cli/watch", test_watch);
  g_test_add_func ("/cli/watch-auth-failure", test_watch_auth_failure);

  ret = g_test_run ();

  forget_saved_token ();
  {
    g_autofree char *dir = g_build_filename (config_home, "vizora", NULL);

    g_rmdir (dir);
    g_rmdir (config_home);
  }
  g_free (config_home);
  vz_test_server_free (server);
  return ret;
}
