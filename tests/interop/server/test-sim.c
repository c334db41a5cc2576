/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sim"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "vz-test-server.h"

/*
 * vizora-sim against the real vizora-server: its screens pair, come online
 * (as the REST API reports), answer a screenshot request with a PNG, play
 * the playlist they are assigned, and go offline when the simulator stops or
 * is killed; a screen whose token was lost pairs again.
 */

/* @password_option is "--password" or "--password-file" (then @password is
 * the file), or NULL for none; @password_env is VIZORA_PASSWORD, or NULL to
 * leave it unset. */
static GSubprocess *
spawn_sim_full (VzTestServer *server,
                guint         screens,
                guint         unpaired,
                const char   *password_option,
                const char   *password,
                const char   *password_env)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = g_strdup_printf ("%u", screens);
  g_autofree char *k = g_strdup_printf ("%u", unpaired);
  const char *argv[] = {
    vz_test_require_bin ("VIZORA_SIM_BIN"), "--server", server->url, "--email", VZ_TEST_EMAIL,
    "--screens", n, "--unpaired", k, "--seed", "42", password_option, password, NULL
  };
  /* Without a password its complaint is read from stderr. */
  gboolean no_password = password_option == NULL && password_env == NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | (no_password ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0));
  g_autofree char *state = g_build_filename (server->data_dir, "sim-state", NULL);
  GSubprocess *sim;

  /* The simulator keeps its screens' tokens under the user state dir: keep the test's apart. */
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
  if (password_env != NULL)
    g_subprocess_launcher_setenv (launcher, "VIZORA_PASSWORD", password_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VIZORA_PASSWORD");
  sim = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return sim;
}

static GSubprocess *
spawn_sim (VzTestServer *server,
           guint         screens,
           guint         unpaired)
{
  return spawn_sim_full (server, screens, unpaired, "--password", VZ_TEST_PASSWORD, NULL);
}

/* Reads the simulator's lines until one starts with @prefix. */
static void
wait_for_line (GSubprocess *sim,
               const char  *prefix)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  g_autoptr(GError) error = NULL;

  /* The simulator goes on writing: its pipe stays open. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("sim: %s", line);
      if (g_str_has_prefix (line, prefix))
        return;
    }
}

static char *
read_cmdline (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", g_subprocess_get_identifier (process));
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* The arguments are NUL-separated: make it one searchable string. */
  for (gsize i = 0; i < len; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return contents;
}

/* A clean stop: SIGTERM, and the simulator exits 0. */
static void
stop_sim (GSubprocess *sim)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait_check (sim, NULL, &error);
  g_assert_no_error (error);
}

/* Counts the displays by status; returns the total. */
static guint
count_displays (VzTestServer *server,
                const char   *token,
                const char   *status,
                guint        *with_status,
                char        **first_id)
{
  g_autoptr(JsonNode) body = NULL;
  guint http = vz_test_server_request (server, "GET", "/displays?page=1&limit=100", token, NULL, &body);
  JsonArray *items;

  g_assert_cmpuint (http, ==, 200);
  items = json_object_get_array_member (json_object_get_object_member (json_node_get_object (body), "data"), "data");
  *with_status = 0;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "status"), status) == 0)
        (*with_status)++;
      if (first_id != NULL && *first_id == NULL)
        *first_id = g_strdup (json_object_get_string_member (item, "id"));
    }
  return json_array_get_length (items);
}

static void
wait_for_status (VzTestServer *server,
                 const char   *token,
                 const char   *status,
                 guint         expected,
                 guint         timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  guint total = 0;
  guint matching = 0;

  while (g_get_monotonic_time () < deadline)
    {
      total = count_displays (server, token, status, &matching, NULL);
      if (total == expected && matching == expected)
        return;
      g_usleep (200 * 1000);
    }
  g_error ("expected %u displays %s, the server lists %u of which %u are %s",
           expected, status, total, matching, status);
}

static void
test_screens_online_then_offline (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *path = NULL;
  guint online = 0;
  gint64 deadline;
  gboolean got_screenshot = FALSE;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  sim = spawn_sim (server, 3, 0);

  wait_for_status (server, token, "online", 3, 30);
  count_displays (server, token, "online", &online, &display_id);
  g_assert_cmpuint (online, ==, 3);

  /* A screenshot request comes back as the screen's rendered PNG. */
  path = g_strdup_printf ("/displays/%s/screenshot", display_id);
  g_assert_cmpuint (vz_test_server_request (server, "POST", path, token, NULL, NULL) / 100, ==, 2);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!got_screenshot && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) body = NULL;
      JsonNode *data;

      g_assert_cmpuint (vz_test_server_request (server, "GET", path, token, NULL, &body), ==, 200);
      data = json_object_get_member (json_node_get_object (body), "data");
      if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
        {
          JsonObject *shot = json_node_get_object (data);

          g_assert_cmpint (json_object_get_int_member (shot, "width"), ==, 640);
          g_assert_cmpint (json_object_get_int_member (shot, "height"), ==, 360);
          g_assert_nonnull (json_object_get_string_member (shot, "url"));
          got_screenshot = TRUE;
        }
      else
        g_usleep (200 * 1000);
    }
  g_assert_true (got_screenshot);

  /* A clean stop: the simulator exits 0 and every screen goes offline. */
  stop_sim (sim);
  wait_for_status (server, token, "offline", 3, 15);
  g_clear_object (&sim);

  /* Started again, it resumes the same three screens instead of pairing new ones. */
  sim = spawn_sim (server, 3, 0);
  wait_for_status (server, token, "online", 3, 30);
  stop_sim (sim);
}

static void
test_unpaired_screen_waits_for_a_person (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body_text = NULL;
  g_autoptr(JsonNode) body = NULL;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  sim = spawn_sim (server, 1, 1);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));

  /* The simulator prints the code a person would type into the app. */
  while (code == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *colon;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("sim: %s", line);
      if (g_str_has_prefix (line, "pairing code for ") && (colon = strrchr (line, ':')) != NULL)
        code = g_strdup (g_strstrip ((char *) colon + 1));
    }
  g_assert_cmpuint (strlen (code), ==, 6);

  wait_for_status (server, token, "online", 1, 30);

  body_text = g_strdup_printf ("{\"code\":\"%s\",\"nickname\":\"Paired by hand\"}", code);
  g_assert_cmpuint (vz_test_server_request (server, "POST", "/devices/pairing/complete", token, body_text, &body) / 100,
                    ==, 2);
  wait_for_status (server, token, "online", 2, 30);

  /* Killed outright: the server notices the sockets closing. */
  g_subprocess_send_signal (sim, SIGKILL);
  g_subprocess_wait (sim, NULL, NULL);
  wait_for_status (server, token, "offline", 2, 15);
}

/* The simulator's tokens file (one, for the test's organization and seed). */
static char *
sim_tokens_file (VzTestServer *server)
{
  g_autofree char *dir = g_build_filename (server->data_dir, "sim-state", "vizora-sim", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, "-seed42.ini"))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }
  g_assert_nonnull (found);
  return found;
}

/* A screen the server holds as paired while the simulator lost its token (a
 * run that ended before the tokens file was written) is refused a pairing
 * code ("already paired"): the simulator removes its old entry and pairs it
 * again, so that the whole fleet comes online. A clean stop keeps every token. */
static void
test_lost_token_pairs_again (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GKeyFile) tokens = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) screens = NULL;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  sim = spawn_sim (server, 3, 0);
  wait_for_status (server, token, "online", 3, 30);
  stop_sim (sim);
  g_clear_object (&sim);

  path = sim_tokens_file (server);
  g_assert_true (g_key_file_load_from_file (tokens, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  screens = g_key_file_get_groups (tokens, NULL);
  g_assert_cmpuint (g_strv_length (screens), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_key_file_has_key (tokens, screens[i], "token", NULL));
  g_assert_true (g_key_file_remove_group (tokens, screens[1], NULL));
  g_assert_true (g_key_file_save_to_file (tokens, path, &error));
  g_assert_no_error (error);

  sim = spawn_sim (server, 3, 0);
  wait_for_line (sim, "1 screen(s) paired in an earlier run whose tokens were not kept");
  /* Three displays, all online: the old entry went, the screen paired afresh. */
  wait_for_status (server, token, "online", 3, 60);
  stop_sim (sim);

  g_clear_pointer (&tokens, g_key_file_unref);
  tokens = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (tokens, path, G_KEY_FILE_NONE, &error));
  g_assert_true (g_key_file_has_key (tokens, screens[1], "token", NULL));
}

/* The admin password from VIZORA_PASSWORD or --password-file: the screens
 * pair and the password is not on the simulator's command line. Without any
 * password the simulator refuses to start and says how to give one. */
static void
test_password_sources (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *file = NULL;
  g_autofree char *err = NULL;

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);

  sim = spawn_sim_full (server, 1, 0, NULL, NULL, VZ_TEST_PASSWORD);
  wait_for_line (sim, "signed in");
  cmdline = read_cmdline (sim);
  g_assert_null (strstr (cmdline, VZ_TEST_PASSWORD));
  g_assert_null (strstr (cmdline, "--password"));
  wait_for_status (server, token, "online", 1, 30);
  stop_sim (sim);
  g_clear_object (&sim);
  g_clear_pointer (&cmdline, g_free);

  /* A file wins over the variable (here a wrong one). */
  file = g_build_filename (server->data_dir, "admin-password", NULL);
  g_assert_true (g_file_set_contents (file, VZ_TEST_PASSWORD "\n", -1, NULL));
  sim = spawn_sim_full (server, 1, 0, "--password-file", file, "not the password");
  wait_for_line (sim, "signed in");
  cmdline = read_cmdline (sim);
  g_assert_null (strstr (cmdline, VZ_TEST_PASSWORD));
  wait_for_status (server, token, "online", 1, 30);
  stop_sim (sim);
  g_clear_object (&sim);

  sim = spawn_sim_full (server, 1, 0, NULL, NULL, NULL);
  g_subprocess_communicate_utf8 (sim, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (sim));
  g_assert_cmpint (g_subprocess_get_exit_status (sim), ==, 2);
  g_assert_nonnull (strstr (err, "VIZORA_PASSWORD"));
}

/* The content ids of the screen's stored impressions, oldest first, space-separated. */
static char *
impressions_of (VzTestServer *server,
                const char   *display_id,
                const char   *playlist_id)
{
  g_autofree char *path = g_build_filename (server->data_dir, "vizora.db", NULL);
  GString *ids = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT content_id FROM content_impressions"
                                           " WHERE display_id = ?1 AND playlist_id = ?2 AND completion = 100"
                                           " ORDER BY played_at, id", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, playlist_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (ids, FALSE);
}

/* A screen assigned a playlist of two items shows them in turn: its
 * heartbeat names each in its time, and each one shown is an impression. */
static void
test_screen_plays_its_playlist (void)
{
  const char *args[] = { "--heartbeat-interval", "1", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *display_id = NULL;
  g_autofree char *display_path = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *body = NULL;
  g_autofree char *playlist_id = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  const char *last = NULL;
  guint changes = 0;
  gint64 deadline;

  a = g_strdup (json_object_get_string_member (vz_test_server_data (server, "POST", "/content", token,
                                                             "{\"name\":\"First\",\"type\":\"url\","
                                                             "\"url\":\"https://example.com/1\"}", 201, &keep), "id"));
  b = g_strdup (json_object_get_string_member (vz_test_server_data (server, "POST", "/content", token,
                                                             "{\"name\":\"Second\",\"type\":\"html\","
                                                             "\"url\":\"https://example.com/2\"}", 201, &keep), "id"));
  body = g_strdup_printf ("{\"name\":\"Two\",\"items\":[{\"contentId\":\"%s\",\"duration\":3},"
                          "{\"contentId\":\"%s\",\"duration\":3}]}", a, b);
  playlist_id = g_strdup (json_object_get_string_member (vz_test_server_data (server, "POST", "/playlists", token, body, 201, &keep),
                                                         "id"));

  sim = spawn_sim (server, 1, 0);
  wait_for_status (server, token, "online", 1, 30);
  {
    guint online = 0;

    count_displays (server, token, "online", &online, &display_id);
  }
  display_path = g_strconcat ("/displays/", display_id, NULL);
  assign = g_strdup_printf ("{\"currentPlaylistId\":\"%s\"}", playlist_id);
  vz_test_server_data (server, "PATCH", display_path, token, assign, 200, &keep);

  /* Its heartbeats (one a second here) name the first item, then the
   * second, then the first again. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (changes < 3 && g_get_monotonic_time () < deadline)
    {
      JsonObject *display = vz_test_server_data (server, "GET", display_path, token, NULL, 200, &keep);
      JsonNode *current = json_object_get_member (display, "currentContent");
      const char *content_id = NULL;

      if (current != NULL && JSON_NODE_HOLDS_OBJECT (current) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (current), "playlistId", ""),
                     playlist_id) == 0)
        content_id = json_object_get_string_member_with_default (json_node_get_object (current), "contentId", NULL);
      if (content_id != NULL && g_strcmp0 (content_id, last) != 0)
        {
          g_string_append_printf (seen, "%s%s", seen->len > 0 ? " " : "", g_str_equal (content_id, a) ? "a" : "b");
          last = g_str_equal (content_id, a) ? a : b;
          changes++;
        }
      g_usleep (200 * 1000);
    }
  g_assert_cmpstr (seen->str, ==, "a b a");

  /* The server stored an impression for each item shown, in turn. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *expected = g_strdup_printf ("%s %s", a, b);

      g_clear_pointer (&shown, g_free);
      shown = impressions_of (server, display_id, playlist_id);
      if (g_str_has_prefix (shown, expected) || g_get_monotonic_time () > deadline)
        {
          g_assert_true (g_str_has_prefix (shown, expected));
          break;
        }
      g_usleep (200 * 1000);
    }
  stop_sim (sim);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/online-then-offline", test_screens_online_then_offline);
  g_test_add_func ("/sim/unpaired", test_unpaired_screen_waits_for_a_person);
  g_test_add_func ("/sim/lost-token", test_lost_token_pairs_again);
  g_test_add_func ("/sim/password-sources", test_password_sources);
  g_test_add_func ("/sim/plays-playlist", test_screen_plays_its_playlist);

  return g_test_run ();
}
