/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-displays"

#include <string.h>

#include "server-test-util.h"

/* Pairing, displays, fleet commands and bad input, against the real vizora-server. */

static VzTestServer *shared;
static char *token;

static char *
request_code (VzTestServer *server,
              const char   *identifier,
              const char   *nickname)
{
  g_autofree char *body = nickname != NULL
    ? g_strdup_printf ("{\"deviceIdentifier\":\"%s\",\"nickname\":\"%s\"}", identifier, nickname)
    : g_strdup_printf ("{\"deviceIdentifier\":\"%s\"}", identifier);
  g_autoptr(TestResponse) response = test_http (server, "POST", "/devices/pairing/request", NULL, NULL, body, -1);
  JsonObject *data = test_expect_object (response, 201);
  const char *code = json_object_get_string_member (data, "code");

  g_assert_cmpuint (strlen (code), ==, 6);
  for (const char *p = code; *p != '\0'; p++)
    g_assert_nonnull (strchr ("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", *p));
  g_assert_cmpint (json_object_get_int_member (data, "expiresInSeconds"), ==, 300);
  g_assert_nonnull (json_object_get_string_member (data, "expiresAt"));
  return g_strdup (code);
}

static TestResponse *
complete (VzTestServer *server,
          const char   *code)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", code);

  return test_http (server, "POST", "/devices/pairing/complete", token, NULL, body, -1);
}

static void
test_pairing_flow (void)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *code = request_code (shared, identifier, "<i>Front</i> desk ");
  g_autofree char *status_path = g_strconcat ("/devices/pairing/status/", code, NULL);
  g_autofree char *lower_path = g_ascii_strdown (status_path, -1);
  g_autoptr(TestResponse) pending = test_http (shared, "GET", status_path, NULL, NULL, NULL, 0);
  g_autoptr(TestResponse) active = test_http (shared, "GET", "/devices/pairing/active", token, NULL, NULL, 0);
  g_autoptr(TestResponse) done = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) paired = NULL;
  g_autoptr(TestResponse) gone = NULL;
  g_autoptr(TestResponse) repeat_request = NULL;
  g_autofree char *repeat_body = NULL;
  JsonObject *display;
  JsonObject *data;
  JsonArray *open;
  gboolean listed = FALSE;

  g_assert_cmpstr (json_object_get_string_member (test_expect_object (pending, 200), "status"), ==, "pending");

  open = json_node_get_array (test_expect_data (active, 200));
  for (guint i = 0; i < json_array_get_length (open); i++)
    {
      JsonObject *item = json_array_get_object_element (open, i);

      if (g_str_equal (json_object_get_string_member (item, "code"), code))
        {
          listed = TRUE;
          /* Tags stripped and trimmed on input, as the platform does. */
          g_assert_cmpstr (json_object_get_string_member (item, "nickname"), ==, "Front desk");
        }
    }
  g_assert_true (listed);

  done = complete (shared, code);
  g_assert_cmpuint (done->status, ==, 201);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (done->body), "success"));
  display = json_object_get_object_member (json_node_get_object (done->body), "display");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (display, "id")));
  g_assert_cmpstr (json_object_get_string_member (display, "nickname"), ==, "Front desk");
  g_assert_cmpstr (json_object_get_string_member (display, "deviceIdentifier"), ==, identifier);
  g_assert_cmpstr (json_object_get_string_member (display, "status"), ==, "pairing");

  /* A used code: 400. */
  again = complete (shared, code);
  g_assert_nonnull (strstr (test_expect_error (again, 400), "already"));

  /* The token is handed out exactly once, also when the code is typed in lower case. */
  paired = test_http (shared, "GET", lower_path, NULL, NULL, NULL, 0);
  data = test_expect_object (paired, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "paired");
  g_assert_cmpstr (json_object_get_string_member (data, "deviceId"), ==, json_object_get_string_member (display, "id"));
  g_assert_cmpuint (strlen (json_object_get_string_member (data, "deviceToken")), >=, 40);
  gone = test_http (shared, "GET", status_path, NULL, NULL, NULL, 0);
  test_expect_error (gone, 404);

  /* A paired screen cannot ask for another code. */
  repeat_body = g_strdup_printf ("{\"deviceIdentifier\":\"%s\"}", identifier);
  repeat_request = test_http (shared, "POST", "/devices/pairing/request", NULL, NULL, repeat_body, -1);
  test_expect_error (repeat_request, 400);
}

static void
test_pairing_unknown_and_expired (void)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *code = request_code (shared, identifier, NULL);
  g_autofree char *sql = g_strdup_printf ("UPDATE pairing_requests SET expires_at = 1 WHERE code = '%s'", code);
  g_autofree char *status_path = g_strconcat ("/devices/pairing/status/", code, NULL);
  const char *bad_codes[] = { "ZZZZZZ", "abc", "O0I1LL", "", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_codes); i++)
    {
      g_autoptr(TestResponse) response = complete (shared, bad_codes[i]);
      test_expect_error (response, *bad_codes[i] == '\0' ? 400 : 404);
    }
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", "/devices/pairing/status/ZZZZZZ", NULL, NULL, NULL, 0);
    test_expect_error (response, 404);
  }

  /* Age the code past its 300 s in the database, as time would. */
  test_db_exec (shared, sql);
  {
    g_autoptr(TestResponse) response = complete (shared, code);
    g_assert_nonnull (strstr (test_expect_error (response, 404), "expired"));
  }
  {
    g_autoptr(TestResponse) response = test_http (shared, "GET", status_path, NULL, NULL, NULL, 0);
    test_expect_error (response, 404);
  }
}

static void
test_pairing_bad_input (void)
{
  struct {
    const char *body;
    guint       status;
  } cases[] = {
    { "{}", 400 },
    { "{\"deviceIdentifier\":42}", 400 },
    { "{\"deviceIdentifier\":\"a\",\"extra\":1}", 400 },
    { "{\"deviceIdentifier\":\"a\",\"metadata\":[1]}", 400 },
    { "not json", 400 },
    { "{\"deviceIdentifier\":\"<b></b>\"}", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = test_http (shared, "POST", "/devices/pairing/request", NULL, NULL,
                                                    cases[i].body, -1);
      test_expect_error (response, cases[i].status);
    }
}

static void
test_pairing_quota (void)
{
  const char * const args[] = { "--max-displays", "1", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autofree char *admin = vz_test_server_login (server);
  g_autofree char *first = NULL;
  g_autofree char *code = NULL;
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autoptr(TestResponse) response = NULL;

  first = vz_test_server_pair_screen (server, admin, "Only one", NULL);
  g_assert_nonnull (first);
  code = request_code (server, identifier, NULL);
  body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  response = test_http (server, "POST", "/devices/pairing/complete", admin, NULL, body, -1);
  g_assert_nonnull (strstr (test_expect_error (response, 403), "limited to 1"));
}

static void
test_list_and_pagination (void)
{
  const char * const no_args[] = { NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (no_args);
  g_autofree char *admin = vz_test_server_login (server);
  g_autoptr(TestResponse) page1 = NULL;
  g_autoptr(TestResponse) page2 = NULL;
  g_autoptr(TestResponse) page9 = NULL;
  g_autoptr(TestResponse) defaults = NULL;
  JsonObject *data, *meta, *item;
  JsonArray *items;
  const char *bad[] = {
    "/displays?page=0", "/displays?page=-1", "/displays?page=abc", "/displays?limit=0",
    "/displays?limit=101", "/displays?limit=1.5", "/displays?status=online", "/displays?search=x",
    "/displays?page=", "/displays/00000000-0000-4000-8000-000000000000?x=1",
  };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);
      gint64 paired;

      g_free (vz_test_server_pair_screen (server, admin, name, NULL));
      /* The server keeps when each was made to the millisecond: two made
       * in the same one would have no newest. */
      paired = g_get_real_time () / 1000;
      while (g_get_real_time () / 1000 <= paired)
        g_usleep (200);
    }

  page1 = test_http (server, "GET", "/displays?page=1&limit=2", admin, NULL, NULL, 0);
  data = test_expect_object (page1, 200);
  meta = json_object_get_object_member (data, "meta");
  g_assert_cmpint (json_object_get_int_member (meta, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (meta, "limit"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (meta, "total"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (meta, "totalPages"), ==, 2);
  items = json_object_get_array_member (data, "data");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);

  /* Every documented member of a list item is there. */
  item = json_array_get_object_element (items, 0);
  {
    const char *members[] = {
      "id", "organizationId", "deviceIdentifier", "nickname", "description", "location", "status",
      "orientation", "resolution", "timezone", "lastHeartbeat", "isDisabled", "currentPlaylistId",
      "createdAt", "updatedAt", "pairedAt", "tags", "metrics",
    };
    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      if (!json_object_has_member (item, members[i]))
        g_error ("display item lacks %s", members[i]);
  }
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (item, "id")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "tags")));
  /* Newest first. */
  g_assert_cmpstr (json_object_get_string_member (item, "nickname"), ==, "Screen 2");

  page2 = test_http (server, "GET", "/displays?page=2&limit=2", admin, NULL, NULL, 0);
  items = json_object_get_array_member (test_expect_object (page2, 200), "data");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "nickname"), ==, "Screen 0");

  page9 = test_http (server, "GET", "/displays?page=9&limit=2", admin, NULL, NULL, 0);
  items = json_object_get_array_member (test_expect_object (page9, 200), "data");
  g_assert_cmpuint (json_array_get_length (items), ==, 0);

  defaults = test_http (server, "GET", "/displays", admin, NULL, NULL, 0);
  meta = json_object_get_object_member (test_expect_object (defaults, 200), "meta");
  g_assert_cmpint (json_object_get_int_member (meta, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (meta, "limit"), ==, 10);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TestResponse) response = test_http (server, "GET", bad[i], admin, NULL, NULL, 0);

      if (response->status != 400)
        g_error ("%s answered %u, not 400", bad[i], response->status);
      test_expect_error (response, 400);
    }
}

static char *
new_display (const char *name)
{
  return vz_test_server_pair_screen (shared, token, name, NULL);
}

static void
test_get_and_bad_ids (void)
{
  g_autofree char *id = new_display ("Detail");
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) response = test_http (shared, "GET", path, token, NULL, NULL, 0);
  JsonObject *data = test_expect_object (response, 200);
  const char *bad_ids[] = {
    "/displays/00000000-0000-4000-8000-000000000000", "/displays/not-a-uuid",
    "/displays/%27%3B%20DROP%20TABLE%20displays%3B--", "/displays/1",
  };

  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "metadata")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (data, "groups")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (data, "schedules")));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       json_object_get_string_member (data, "createdAt"), 0, 0));

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(TestResponse) get = test_http (shared, "GET", bad_ids[i], token, NULL, NULL, 0);
      g_autoptr(TestResponse) patch = test_http (shared, "PATCH", bad_ids[i], token, NULL, "{\"name\":\"x\"}", -1);
      g_autoptr(TestResponse) drop = test_http (shared, "DELETE", bad_ids[i], token, NULL, NULL, 0);

      test_expect_error (get, 404);
      test_expect_error (patch, 404);
      test_expect_error (drop, 404);
    }
}

static void
test_patch (void)
{
  g_autofree char *id = new_display ("Before");
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(TestResponse) noop = NULL;
  JsonObject *data;
  g_autofree char *updated = NULL;

  response = test_http (shared, "PATCH", path, token, NULL,
                        "{\"name\":\"  <script>x</script>Lobby  \",\"location\":\"Floor 2\","
                        "\"orientation\":\"portrait\",\"timezone\":\"Europe/Berlin\",\"description\":null}",
                        -1);
  data = test_expect_object (response, 200);
  g_assert_cmpstr (json_object_get_string_member (data, "nickname"), ==, "xLobby");
  g_assert_cmpstr (json_object_get_string_member (data, "location"), ==, "Floor 2");
  g_assert_cmpstr (json_object_get_string_member (data, "orientation"), ==, "portrait");
  g_assert_cmpstr (json_object_get_string_member (data, "timezone"), ==, "Europe/Berlin");
  g_assert_true (json_object_get_null_member (data, "description"));
  g_assert_true (json_object_has_member (data, "groups"));
  updated = g_strdup (json_object_get_string_member (data, "updatedAt"));

  /* Setting what is already there changes nothing, not even updatedAt. */
  noop = test_http (shared, "PATCH", path, token, NULL, "{\"location\":\"Floor 2\"}", -1);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (noop, 200), "updatedAt"), ==, updated);

  {
    struct {
      const char *body;
      guint status;
      const char *message;
    } cases[] = {
      { "{\"name\":5}", 400, "name must be a string" },
      { "{\"name\":\"\"}", 400, "name should not be empty" },
      { "{\"nickname\":\"x\"}", 400, "property nickname should not exist" },
      { "{\"orientation\":\"sideways\"}", 400, "orientation must be one of" },
      { "{\"timezone\":\"Mars/Olympus\"}", 400, "timezone" },
      { "{\"location\":[]}", 400, "location must be a string" },
      { "{\"currentPlaylistId\":\"nope\"}", 404, "Playlist not found" },
      { "{\"name\":\"ok\"", 400, "not valid JSON" },
      { "[]", 400, "JSON object" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(TestResponse) bad = test_http (shared, "PATCH", path, token, NULL, cases[i].body, -1);
        const char *message;

        message = test_expect_error (bad, cases[i].status);
        if (strstr (message, cases[i].message) == NULL)
          g_error ("case %u: “%s” does not mention “%s”", i, message, cases[i].message);
      }
  }

  {
    g_autofree char *long_name = g_strnfill (256, 'n');
    g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", long_name);
    g_autoptr(TestResponse) bad = test_http (shared, "PATCH", path, token, NULL, body, -1);

    test_expect_error (bad, 400);
  }

  {
    /* Bigger than 1 MiB: 413, announced by Content-Length. */
    gsize size = 1024 * 1024 + 100;
    g_autofree char *big = g_malloc (size + 1);
    g_autoptr(TestResponse) bad = NULL;

    memset (big, ' ', size);
    big[0] = '{';
    big[size - 1] = '}';
    big[size] = '\0';
    bad = test_http (shared, "PATCH", path, token, NULL, big, (gssize) size);
    test_expect_error (bad, 413);
  }
}

/* A chunked body has no Content-Length to refuse up front: still 413. */
static void
test_chunked_too_large (void)
{
  gsize size = 1536 * 1024;
  g_autofree char *big = g_malloc (size);
  g_autofree char *uri = g_strconcat (shared->api_url, "/display-groups", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  memset (big, ' ', size);
  big[0] = '{';
  big[size - 1] = '}';
  stream = g_memory_input_stream_new_from_data (g_steal_pointer (&big), (gssize) size, g_free);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)), ==, SOUP_ENCODING_CHUNKED);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
}

static void
test_if_match (void)
{
  g_autofree char *id = new_display ("Conflicted");
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) get = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_autofree char *base = g_strdup (json_object_get_string_member (test_expect_object (get, 200), "updatedAt"));
  g_autofree char *if_match = test_if_match_header (base);
  const char *headers[] = { if_match, NULL };
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) second = NULL;
  g_autoptr(TestResponse) stale_delete = NULL;
  g_autoptr(TestResponse) fresh_delete = NULL;
  g_autoptr(TestResponse) after = NULL;
  g_autofree char *current = NULL;
  g_autofree char *fresh = NULL;
  const char *fresh_headers[] = { NULL, NULL };

  /* Two edits on the same base, within the same millisecond if the machine is fast. */
  first = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"Mine\"}", -1);
  current = g_strdup (json_object_get_string_member (test_expect_object (first, 200), "updatedAt"));
  g_assert_cmpstr (current, !=, base);
  second = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"Theirs\"}", -1);
  g_assert_nonnull (strstr (test_expect_error (second, 412), "changed"));

  stale_delete = test_http (shared, "DELETE", path, token, headers, NULL, 0);
  test_expect_error (stale_delete, 412);

  fresh = test_if_match_header (current);
  fresh_headers[0] = fresh;
  fresh_delete = test_http (shared, "DELETE", path, token, fresh_headers, NULL, 0);
  g_assert_cmpstr (json_object_get_string_member (test_expect_object (fresh_delete, 200), "id"), ==, id);

  after = test_http (shared, "GET", path, token, NULL, NULL, 0);
  test_expect_error (after, 404);
}

/* An outbox replaying a write it already made (crash before the answer)
 * gets the first answer back, not a 412 from its own earlier write. */
static void
test_idempotent_patch_replay (void)
{
  g_autofree char *id = new_display ("Replayed");
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(TestResponse) get = test_http (shared, "GET", path, token, NULL, NULL, 0);
  g_autofree char *if_match = test_if_match_header (json_object_get_string_member (test_expect_object (get, 200),
                                                                                  "updatedAt"));
  g_autofree char *key = g_strconcat ("Idempotency-Key: ", id, "-rename", NULL);
  const char *headers[] = { if_match, key, NULL };
  g_autoptr(TestResponse) first = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"Once\"}", -1);
  g_autoptr(TestResponse) replay = test_http (shared, "PATCH", path, token, headers, "{\"name\":\"Once\"}", -1);
  const char *stale_only[] = { if_match, NULL };
  g_autoptr(TestResponse) without_key = test_http (shared, "PATCH", path, token, stale_only, "{\"name\":\"Once\"}", -1);

  g_assert_cmpstr (json_object_get_string_member (test_expect_object (replay, 200), "updatedAt"), ==,
                   json_object_get_string_member (test_expect_object (first, 200), "updatedAt"));
  g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replayed"), ==, "true");
  test_expect_error (without_key, 412);
}

static void
test_bulk_delete (void)
{
  g_autofree char *a = new_display ("Bulk A");
  g_autofree char *b = new_display ("Bulk B");
  g_autofree char *body = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\",\"00000000-0000-4000-8000-000000000000\",\"junk\"]}", a, b);
  g_autoptr(TestResponse) response = test_http (shared, "POST", "/displays/bulk/delete", token, NULL, body, -1);
  g_autofree char *path = g_strconcat ("/displays/", a, NULL);
  g_autoptr(TestResponse) gone = NULL;
  g_autoptr(GString) many = g_string_new ("{\"displayIds\":[");

  g_assert_cmpint (json_object_get_int_member (test_expect_object (response, 201), "deleted"), ==, 2);
  gone = test_http (shared, "GET", path, token, NULL, NULL, 0);
  test_expect_error (gone, 404);

  {
    const char *bad[] = {
      "{\"displayIds\":[]}", "{\"displayIds\":\"x\"}", "{\"displayIds\":[1]}", "{}", "{\"ids\":[\"x\"]}",
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(TestResponse) r = test_http (shared, "POST", "/displays/bulk/delete", token, NULL, bad[i], -1);
        test_expect_error (r, 400);
      }
  }

  for (guint i = 0; i < 101; i++)
    g_string_append_printf (many, "%s\"00000000-0000-4000-8000-%012u\"", i > 0 ? "," : "", i);
  g_string_append (many, "]}");
  {
    g_autoptr(TestResponse) r = test_http (shared, "POST", "/displays/bulk/delete", token, NULL, many->str, -1);
    g_assert_nonnull (strstr (test_expect_error (r, 400), "no more than 100"));
  }
}

static void
test_screenshot_and_metrics (void)
{
  g_autofree char *id = new_display ("Camera shy");
  g_autofree char *shot = g_strconcat ("/displays/", id, "/screenshot", NULL);
  g_autofree char *metrics = g_strconcat ("/displays/", id, "/metrics?hours=24", NULL);
  g_autofree char *bad_metrics = g_strconcat ("/displays/", id, "/metrics?hours=0", NULL);
  g_autoptr(TestResponse) request = test_http (shared, "POST", shot, token, NULL, NULL, 0);
  g_autoptr(TestResponse) latest = test_http (shared, "GET", shot, token, NULL, NULL, 0);
  g_autoptr(TestResponse) history = test_http (shared, "GET", metrics, token, NULL, NULL, 0);
  g_autoptr(TestResponse) bad = test_http (shared, "GET", bad_metrics, token, NULL, NULL, 0);
  g_autoptr(TestResponse) unknown = test_http (shared, "POST", "/displays/00000000-0000-4000-8000-000000000000/screenshot",
                                               token, NULL, NULL, 0);
  g_autoptr(TestResponse) media = test_http (shared, "GET", "/media/screenshots/../../vizora.db", NULL, NULL, NULL, 0);

  /* Not connected: 409, the platform's answer for an offline screen. */
  test_expect_error (request, 409);
  g_assert_true (JSON_NODE_HOLDS_NULL (test_expect_data (latest, 200)));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (test_expect_data (history, 200))), ==, 0);
  test_expect_error (bad, 400);
  test_expect_error (unknown, 404);
  g_assert_cmpuint (media->status, ==, 404);
}

static void
test_fleet_commands (void)
{
  g_autofree char *id = new_display ("Commanded");
  g_autofree char *device = g_strdup_printf ("{\"command\":\"reboot\",\"target\":{\"type\":\"device\",\"id\":\"%s\"}}", id);
  g_autoptr(TestResponse) response = test_http (shared, "POST", "/fleet/commands", token, NULL, device, -1);
  JsonObject *data = test_expect_object (response, 201);
  JsonObject *target = json_object_get_object_member (data, "target");
  g_autoptr(TestResponse) org = test_http (shared, "POST", "/fleet/commands", token, NULL,
                                           "{\"command\":\"reload\",\"target\":{\"type\":\"organization\",\"id\":\"mine\"}}", -1);
  JsonObject *org_data = test_expect_object (org, 201);
  struct {
    const char *body;
    guint       status;
  } cases[] = {
    { "{\"command\":\"explode\",\"target\":{\"type\":\"organization\",\"id\":\"o\"}}", 400 },
    { "{\"command\":\"reload\",\"target\":{\"type\":\"planet\",\"id\":\"o\"}}", 400 },
    { "{\"command\":\"reload\",\"target\":{\"type\":\"device\"}}", 400 },
    { "{\"command\":\"reload\",\"target\":\"device\"}", 400 },
    { "{\"command\":\"reload\"}", 400 },
    { "{\"command\":\"reload\",\"target\":{\"type\":\"device\",\"id\":\"00000000-0000-4000-8000-000000000000\"}}", 404 },
    { "{\"command\":\"reload\",\"target\":{\"type\":\"group\",\"id\":\"missing\"}}", 404 },
    { "{\"command\":\"reload\",\"target\":{\"type\":\"organization\",\"id\":\"o\"},\"payload\":{\"x\":1}}", 400 },
    { "{\"command\":\"push_content\",\"target\":{\"type\":\"organization\",\"id\":\"o\"},\"payload\":{\"contentId\":\"c\"}}", 404 },
  };

  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (data, "commandId")));
  g_assert_cmpstr (json_object_get_string_member (data, "command"), ==, "reboot");
  g_assert_cmpstr (json_object_get_string_member (target, "name"), ==, "Commanded");
  g_assert_cmpint (json_object_get_int_member (data, "devicesTargeted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (data, "devicesOnline"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (data, "devicesDelivered"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (org_data, "devicesTargeted"), >=, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) r = test_http (shared, "POST", "/fleet/commands", token, NULL, cases[i].body, -1);

      if (r->status != cases[i].status)
        g_error ("case %u answered %u, not %u", i, r->status, cases[i].status);
      test_expect_error (r, cases[i].status);
    }
}

/* Garbage of every kind on every route: always a 4xx with the error shape, never a 5xx. */
/* Bodies json-glib's lenient parser took: single quotes, a second value
 * after the first, and an escaped NUL that cut a string short. Each is
 * refused on a route that would otherwise accept it, and changes nothing. */
static void
test_strict_json (void)
{
  const char *bad[] = {
    "{'name':'Quoted'}",
    "{\"name\":'Quoted'}",
    "{\"name\":\"First\"} {\"name\":\"Second\"}",
    "{\"name\":\"First\"}{}",
    "{\"name\":\"Cut\\u0000short\"}",
  };
  g_autoptr(TestResponse) created = test_http (shared, "POST", "/display-groups", token, NULL,
                                               "{\"name\":\"Strict\"}", -1);
  g_autofree char *path = g_strdup_printf ("/display-groups/%s",
                                           json_object_get_string_member (test_expect_object (created, 201), "id"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TestResponse) patch = test_http (shared, "PATCH", path, token, NULL, bad[i], -1);
      g_autoptr(TestResponse) login = test_http (shared, "POST", "/auth/login", NULL, NULL, bad[i], -1);
      g_autoptr(TestResponse) pairing = test_http (shared, "POST", "/devices/pairing/request", NULL, NULL, bad[i], -1);
      g_autoptr(TestResponse) after = test_http (shared, "GET", path, token, NULL, NULL, 0);

      if (strstr (test_expect_error (patch, 400), "not valid JSON") == NULL)
        g_error ("%s: %s", bad[i], test_expect_error (patch, 400));
      test_expect_error (login, 400);
      test_expect_error (pairing, 400);
      g_assert_cmpstr (json_object_get_string_member (test_expect_object (after, 200), "name"), ==, "Strict");
    }

  /* The same change, well formed, goes through. */
  {
    g_autoptr(TestResponse) patch = test_http (shared, "PATCH", path, token, NULL, "{\"name\":\"Strict \\u00e9\"}", -1);

    g_assert_cmpstr (json_object_get_string_member (test_expect_object (patch, 200), "name"), ==, "Strict \u00e9");
  }
}

static void
test_garbage_everywhere (void)
{
  const char *routes[][2] = {
    { "POST", "/auth/login" }, { "POST", "/auth/refresh" },
    { "POST", "/devices/pairing/request" }, { "POST", "/devices/pairing/complete" },
    { "GET", "/displays" }, { "PATCH", "/displays/00000000-0000-4000-8000-000000000000" },
    { "POST", "/displays/bulk/delete" }, { "POST", "/displays/bulk/assign-group" },
    { "POST", "/display-groups" }, { "PATCH", "/display-groups/x" }, { "POST", "/display-groups/x/displays" },
    { "DELETE", "/display-groups/x/displays" }, { "POST", "/fleet/commands" },
    { "PUT", "/displays" }, { "GET", "/displays/bulk/delete" },
  };
  const char *bodies[] = {
    "{", "}", "null", "true", "123", "\"s\"", "[{}]", "{\"a\":{\"b\":{\"c\":[[[[[[[[]]]]]]]]}}}",
    "{\"displayIds\":[null]}", "{\"name\":{\"x\":1}}", "{\"code\":null}", "\xff\xfe{}",
    "{\"deviceIdentifier\":\"\\u0000\"}", "{\"name\":\"\\ud800\"}", "{\"command\":\"reload\",\"target\":[]}",
  };

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    for (guint b = 0; b < G_N_ELEMENTS (bodies); b++)
      {
        g_autoptr(TestResponse) response = test_http (shared, routes[r][0], routes[r][1], token, NULL, bodies[b], -1);

        if (response->status < 400 || response->status >= 500)
          {
            /* A GET ignores its body, and a few bodies are valid for some routes. */
            if (response->status < 300 && g_str_equal (routes[r][0], "GET"))
              continue;
            g_error ("%s %s with %s answered %u", routes[r][0], routes[r][1], bodies[b], response->status);
          }
        test_expect_error (response, response->status);
      }

  /* Deep nesting must not overflow a recursive parser's stack. */
  {
    gsize depth = 200000;
    g_autoptr(GString) arrays = g_string_sized_new (depth * 2);
    g_autoptr(GString) objects = g_string_sized_new (depth * 6);

    for (gsize i = 0; i < depth; i++)
      g_string_append_c (arrays, '[');
    for (gsize i = 0; i < depth; i++)
      g_string_append_c (arrays, ']');
    for (gsize i = 0; i < depth / 2; i++)
      g_string_append (objects, "{\"a\":");
    g_string_append_c (objects, '1');
    for (gsize i = 0; i < depth / 2; i++)
      g_string_append_c (objects, '}');

    for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
      {
        g_autoptr(TestResponse) a = test_http (shared, routes[r][0], routes[r][1], token, NULL, arrays->str, -1);
        g_autoptr(TestResponse) o = test_http (shared, routes[r][0], routes[r][1], token, NULL, objects->str, -1);

        g_assert_cmpuint (a->status, >=, 400);
        g_assert_cmpuint (a->status, <, 500);
        g_assert_cmpuint (o->status, >=, 400);
        g_assert_cmpuint (o->status, <, 500);
      }
  }

  /* Still alive and well. */
  {
    g_autoptr(TestResponse) health = test_http (shared, "GET", "/health", NULL, NULL, NULL, 0);
    test_expect_data (health, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  shared = vz_test_server_start (NULL);
  token = vz_test_server_login (shared);

  g_test_add_func ("/server/pairing/flow", test_pairing_flow);
  g_test_add_func ("/server/pairing/unknown-expired", test_pairing_unknown_and_expired);
  g_test_add_func ("/server/pairing/bad-input", test_pairing_bad_input);
  g_test_add_func ("/server/pairing/quota", test_pairing_quota);
  g_test_add_func ("/server/displays/list-pagination", test_list_and_pagination);
  g_test_add_func ("/server/displays/get-bad-ids", test_get_and_bad_ids);
  g_test_add_func ("/server/displays/patch", test_patch);
  g_test_add_func ("/server/displays/chunked-too-large", test_chunked_too_large);
  g_test_add_func ("/server/displays/if-match", test_if_match);
  g_test_add_func ("/server/displays/idempotent-replay", test_idempotent_patch_replay);
  g_test_add_func ("/server/displays/bulk-delete", test_bulk_delete);
  g_test_add_func ("/server/displays/screenshot-metrics", test_screenshot_and_metrics);
  g_test_add_func ("/server/fleet/commands", test_fleet_commands);
  g_test_add_func ("/server/garbage-everywhere", test_garbage_everywhere);
  g_test_add_func ("/server/strict-json", test_strict_json);

  result = g_test_run ();
  g_free (token);
  vz_test_server_free (shared);
  return result;
}
