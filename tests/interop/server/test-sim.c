/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sim"

#include <signal.h>
#include <string.h>

#include "vz-test-server.h"

/*
 * vizora-sim against the real vizora-server: its screens pair, come online
 * (as the REST API reports), answer a screenshot request with a PNG, and go
 * offline when the simulator stops or is killed.
 */

static GSubprocess *
spawn_sim (VzTestServer *server,
           guint         screens,
           guint         unpaired)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = g_strdup_printf ("%u", screens);
  g_autofree char *k = g_strdup_printf ("%u", unpaired);
  const char *argv[] = {
    vz_test_require_bin ("VIZORA_SIM_BIN"), "--server", server->url, "--email", VZ_TEST_EMAIL,
    "--password", VZ_TEST_PASSWORD, "--screens", n, "--unpaired", k, "--seed", "42", NULL
  };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *state = g_build_filename (server->data_dir, "sim-state", NULL);
  GSubprocess *sim;

  /* The simulator keeps its screens' tokens under the user state dir: keep the test's apart. */
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
  sim = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return sim;
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
  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait_check (sim, NULL, &error);
  g_assert_no_error (error);
  wait_for_status (server, token, "offline", 3, 15);
  g_clear_object (&sim);

  /* Started again, it resumes the same three screens instead of pairing new ones. */
  sim = spawn_sim (server, 3, 0);
  wait_for_status (server, token, "online", 3, 30);
  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait_check (sim, NULL, &error);
  g_assert_no_error (error);
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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/online-then-offline", test_screens_online_then_offline);
  g_test_add_func ("/sim/unpaired", test_unpaired_screen_waits_for_a_person);

  return g_test_run ();
}
