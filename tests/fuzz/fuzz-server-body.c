/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fuzz-common.h"
#include "vz-server.h"

/*
 * Every request body the fleet server decodes, sent over loopback to a real
 * VzServer (SQLite in a scratch folder) that runs in this process on a
 * thread of its own, so that libFuzzer sees the coverage of the server's
 * decoding and validation and AddressSanitizer watches it.
 *
 * Input: byte 0 picks the route (see routes[]); bit 0 of byte 1 adds an
 * Idempotency-Key; the rest is the body. In the body, @D stands for a real
 * screen's id, @G for a real group's, @C for a fresh pairing code and @E for
 * the administrator's e-mail address, so that the fuzzer gets past "not
 * found" into the code that uses what it sent.
 *
 * Checks: every answer is 2xx or 4xx (never a 5xx, never silence), in the
 * platform's shape: {success: true, …} or {statusCode (the HTTP status),
 * message (text or a list of texts), error}; a change answered 2xx under an
 * Idempotency-Key answers the same again, marked as replayed.
 *
 * Sign-out is left out: with the harness's token it would end the harness's
 * own session, and it decodes no body besides the common JSON check that
 * every route here goes through.
 */

#define ADMIN_EMAIL    "fuzz-admin@example.test"
#define ADMIN_PASSWORD "fuzz admin password, not secret"

typedef enum {
  ROUTE_PUBLIC     = 1 << 0,
  ROUTE_IDEMPOTENT = 1 << 1,
  /* A 2xx answer may have deleted the fixture screen. */
  ROUTE_DELETES    = 1 << 2,
} RouteFlags;

typedef struct {
  const char *method;
  const char *path;
  guint       flags;
} Route;

static const Route routes[] = {
  { "POST",   "/auth/login",                 ROUTE_PUBLIC },
  { "POST",   "/devices/pairing/request",    ROUTE_PUBLIC },
  { "POST",   "/devices/pairing/complete",   ROUTE_IDEMPOTENT },
  { "POST",   "/displays/bulk/delete",       ROUTE_IDEMPOTENT | ROUTE_DELETES },
  { "POST",   "/displays/bulk/assign-group", ROUTE_IDEMPOTENT },
  { "PATCH",  "/displays/@D",                ROUTE_IDEMPOTENT },
  { "POST",   "/displays/@D/screenshot",     ROUTE_IDEMPOTENT },
  { "POST",   "/display-groups",             ROUTE_IDEMPOTENT },
  { "PATCH",  "/display-groups/@G",          ROUTE_IDEMPOTENT },
  { "POST",   "/display-groups/@G/displays", ROUTE_IDEMPOTENT },
  { "DELETE", "/display-groups/@G/displays", ROUTE_IDEMPOTENT },
  { "POST",   "/fleet/commands",             ROUTE_IDEMPOTENT },
};

typedef struct {
  GMutex      lock;
  GCond       cond;
  gboolean    ready;
  char       *url;
  char       *error;
} ServerThread;

static ServerThread server_thread;
static SoupSession *session;
static char *api_url;
static char *token;
static char *display_id;
static char *group_id;
static guint64 key_counter;

static gpointer
server_main (gpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = fuzz_fresh_dir ("server");
  VzServer *server;

  g_main_context_push_thread_default (context);
  server = g_object_new (VZ_TYPE_SERVER,
                         "data-dir", data_dir,
                         "listen-port", 0,
                         "admin-email", ADMIN_EMAIL,
                         "admin-password", ADMIN_PASSWORD,
                         /* No expiry during a run of hours. */
                         "access-token-ttl", (guint) G_MAXINT32,
                         NULL);
  g_mutex_lock (&server_thread.lock);
  if (vz_server_start (server, &error))
    server_thread.url = g_strdup (vz_server_get_url (server));
  else
    server_thread.error = g_strdup (error->message);
  server_thread.ready = TRUE;
  g_cond_signal (&server_thread.cond);
  g_mutex_unlock (&server_thread.lock);

  /* Serves until the process exits. */
  g_main_loop_run (loop);
  return NULL;
}

typedef struct {
  guint     status;
  GBytes   *body;
  gboolean  replayed;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
http (const char *method,
      const char *path,
      gboolean    with_token,
      const char *key,
      const char *body,
      gsize       body_len,
      Answer     *answer)
{
  g_autofree char *url = g_strconcat (api_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *replayed;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (with_token)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer->body = soup_session_send_and_read (session, msg, NULL, &error);
  if (answer->body == NULL)
    g_error ("The server did not answer %s %s: %s", method, path, error->message);
  answer->status = soup_message_get_status (msg);
  replayed = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Idempotent-Replayed");
  answer->replayed = g_strcmp0 (replayed, "true") == 0;
}

/* The answer's JSON object, or an abort naming the request. */
static JsonObject *
answer_object (const char   *what,
               const Answer *answer,
               JsonParser   *parser)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *text = g_bytes_get_data (answer->body, &len);

  if (!json_parser_load_from_data (parser, text, (gssize) len, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_error ("%s answered %u with a body that is not a JSON object: %.*s", what, answer->status, (int) len, text);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
check_answer (const char   *what,
              const Answer *answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  gsize len;
  const char *text = g_bytes_get_data (answer->body, &len);

  if (!((answer->status >= 200 && answer->status < 300) || (answer->status >= 400 && answer->status < 500)))
    g_error ("%s answered %u: %.*s", what, answer->status, (int) len, text);

  root = answer_object (what, answer, parser);
  if (answer->status < 300)
    {
      if (!json_object_get_boolean_member_with_default (root, "success", FALSE))
        g_error ("%s answered %u without success: true: %.*s", what, answer->status, (int) len, text);
    }
  else
    {
      JsonNode *message = json_object_get_member (root, "message");
      gboolean message_ok = message != NULL && json_node_get_value_type (message) == G_TYPE_STRING;

      if (message != NULL && JSON_NODE_HOLDS_ARRAY (message))
        {
          JsonArray *messages = json_node_get_array (message);

          message_ok = json_array_get_length (messages) > 0;
          for (guint i = 0; i < json_array_get_length (messages); i++)
            message_ok = message_ok && json_node_get_value_type (json_array_get_element (messages, i)) == G_TYPE_STRING;
        }
      if (json_object_get_int_member_with_default (root, "statusCode", 0) != answer->status || !message_ok ||
          json_object_get_string_member_with_default (root, "error", NULL) == NULL)
        g_error ("%s answered %u in the wrong shape: %.*s", what, answer->status, (int) len, text);
    }
}

/* data.<member> of a 2xx answer, or data.display.id for pairing. */
static char *
answer_string (const char   *what,
               const Answer *answer,
               const char   *object,
               const char   *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  const char *value;

  if (answer->status < 200 || answer->status >= 300)
    g_error ("%s failed with %u: %.*s", what, answer->status,
             (int) g_bytes_get_size (answer->body), (const char *) g_bytes_get_data (answer->body, NULL));
  root = answer_object (what, answer, parser);
  root = json_object_get_object_member (root, object);
  value = root != NULL ? json_object_get_string_member_with_default (root, member, NULL) : NULL;
  if (value == NULL)
    g_error ("%s answered without %s.%s", what, object, member);
  return g_strdup (value);
}

/* A fresh pairing code, or one that cannot be valid when the server
 * refuses another request right now. Asked for as the administrator, on a
 * screen's behalf, so that the per-client limit of the public route (which
 * the fuzzer's own pairing requests use up) does not apply. */
static char *
fresh_pairing_code (void)
{
  g_autofree char *identifier = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"deviceIdentifier\":\"%s\"}", identifier);
  g_auto(Answer) answer = { 0, };

  http ("POST", "/devices/pairing/request", TRUE, NULL, body, strlen (body), &answer);
  check_answer ("A pairing request", &answer);
  if (answer.status >= 300)
    return g_strdup ("000000");
  return answer_string ("A pairing request", &answer, "data", "code");
}

/* The screen and the group that @D and @G name, the screen in the group. */
static void
make_fixtures (void)
{
  g_autofree char *code = fresh_pairing_code ();
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\",\"nickname\":\"Lobby\"}", code);
  g_auto(Answer) paired = { 0, };
  g_auto(Answer) added = { 0, };

  http ("POST", "/devices/pairing/complete", TRUE, NULL, body, strlen (body), &paired);
  g_free (display_id);
  display_id = answer_string ("Pairing the fixture screen", &paired, "display", "id");

  if (group_id == NULL)
    {
      g_auto(Answer) created = { 0, };
      static const char group[] = "{\"name\":\"Fuzz fixture group\"}";

      http ("POST", "/display-groups", TRUE, NULL, group, strlen (group), &created);
      group_id = answer_string ("Creating the fixture group", &created, "data", "id");
    }

  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", display_id);
  {
    g_autofree char *path = g_strdup_printf ("/display-groups/%s/displays", group_id);

    http ("POST", path, TRUE, NULL, body, strlen (body), &added);
    check_answer ("Adding the fixture screen to its group", &added);
  }
}

static void
setup (void)
{
  g_autofree char *login = NULL;
  g_auto(Answer) answer = { 0, };

  g_mutex_init (&server_thread.lock);
  g_cond_init (&server_thread.cond);
  g_thread_unref (g_thread_new ("fuzz-server", server_main, NULL));
  g_mutex_lock (&server_thread.lock);
  while (!server_thread.ready)
    g_cond_wait (&server_thread.cond, &server_thread.lock);
  g_mutex_unlock (&server_thread.lock);
  if (server_thread.url == NULL)
    g_error ("The server did not start: %s", server_thread.error);

  api_url = g_strconcat (server_thread.url, "/api/v1", NULL);
  session = soup_session_new_with_options ("timeout", 60, "max-conns-per-host", 1, NULL);

  login = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", ADMIN_EMAIL, ADMIN_PASSWORD);
  http ("POST", "/auth/login", FALSE, NULL, login, strlen (login), &answer);
  token = answer_string ("Signing in", &answer, "data", "access_token");
  make_fixtures ();
}

static GString *
expand (const char *text,
        gsize       len)
{
  GString *out = g_string_sized_new (len + 64);
  g_autofree char *code = NULL;

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '@' && i + 1 < len)
        {
          const char *value = NULL;

          switch (text[i + 1])
            {
            case 'D': value = display_id; break;
            case 'G': value = group_id; break;
            case 'E': value = ADMIN_EMAIL; break;
            case 'C':
              if (code == NULL)
                code = fresh_pairing_code ();
              value = code;
              break;
            default: break;
            }
          if (value != NULL)
            {
              g_string_append (out, value);
              i++;
              continue;
            }
        }
      g_string_append_c (out, text[i]);
    }
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gsize ready = 0;
  const Route *route;
  g_autoptr(GString) path = NULL;
  g_autoptr(GString) body = NULL;
  g_autofree char *key = NULL;
  g_autofree char *what = NULL;
  g_auto(Answer) answer = { 0, };

  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);
  if (g_once_init_enter (&ready))
    {
      setup ();
      g_once_init_leave (&ready, 1);
    }
  if (size < 2)
    return 0;

  route = &routes[data[0] % G_N_ELEMENTS (routes)];
  if ((route->flags & ROUTE_IDEMPOTENT) && (data[1] & 1))
    key = g_strdup_printf ("fuzz-%" G_GUINT64_FORMAT, ++key_counter);
  path = expand (route->path, strlen (route->path));
  body = expand ((const char *) data + 2, size - 2);
  what = g_strdup_printf ("%s %s", route->method, route->path);

  http (route->method, path->str, !(route->flags & ROUTE_PUBLIC), key, body->str, body->len, &answer);
  check_answer (what, &answer);

  if (key != NULL && answer.status < 300)
    {
      g_auto(Answer) again = { 0, };

      http (route->method, path->str, TRUE, key, body->str, body->len, &again);
      check_answer (what, &again);
      if (!again.replayed || again.status != answer.status || !g_bytes_equal (again.body, answer.body))
        g_error ("%s with the same Idempotency-Key did not answer the same again (%u, then %u%s)",
                 what, answer.status, again.status, again.replayed ? "" : ", not replayed");
    }

  if ((route->flags & ROUTE_DELETES) && answer.status < 300)
    make_fixtures ();
  return 0;
}
