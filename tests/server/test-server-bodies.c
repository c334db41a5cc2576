/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-bodies"

#include <string.h>

#include "server-test-util.h"

/*
 * Answers to request bodies are always valid UTF-8, whatever the body held.
 * The cases came from the server-body fuzz target (tests/fuzz): json-glib,
 * which read bodies before, echoed a lone surrogate it had decoded to
 * invalid UTF-8 in its error message.
 */

static VzTestServer *shared;
static char *token;
static char *display_id;

/* The raw answer is UTF-8 text, whatever the request held. */
static void
assert_utf8_answer (TestResponse *response)
{
  gsize len;
  const char *text = g_bytes_get_data (response->raw, &len);

  g_assert_true (g_utf8_validate_len (text, len, NULL));
  g_assert_nonnull (response->body);
}

static void
test_lone_surrogate (void)
{
  g_autofree char *path = g_strconcat ("/displays/", display_id, NULL);
  g_autoptr(TestResponse) paired = NULL;
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) malformed = NULL;
  JsonObject *display;

  /* Half of a surrogate pair cannot be stored as it was sent: refused, and
   * the answer does not echo invalid UTF-8. */
  refused = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Lobby \\udc00\"}", -1);
  assert_utf8_answer (refused);
  g_assert_nonnull (strstr (test_expect_error (refused, 400), "surrogate"));

  /* A whole pair is one character. */
  paired = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Lobby \\ud83d\\ude00\"}", -1);
  assert_utf8_answer (paired);
  display = json_node_get_object (test_expect_data (paired, 200));
  g_assert_cmpstr (json_object_get_string_member (display, "nickname"), ==, "Lobby \xf0\x9f\x98\x80");

  /* The fuzz target's input: JSON that does not parse, with a lone surrogate. */
  malformed = test_http (shared, "POST", "/displays/bulk/delete", token, NULL,
                         "{\"displayIds\":[\"0\\udc00 \"displayIds\":[\"0\\udc00 \"]}", -1);
  assert_utf8_answer (malformed);
  g_assert_nonnull (strstr (test_expect_error (malformed, 400), "not valid JSON"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);
  display_id = vz_test_server_pair_screen (shared, token, "Lobby", NULL);

  g_test_add_func ("/server/bodies/lone-surrogate", test_lone_surrogate);
  status = g_test_run ();

  g_free (display_id);
  g_free (token);
  vz_test_server_free (shared);
  return status;
}
