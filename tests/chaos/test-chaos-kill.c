/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chaos-kill"

#include <string.h>

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "vz-test-server.h"

/*
 * kill -9 in the middle of a write storm. Writers on threads of their own
 * rename their own screen and create groups, each request under an
 * Idempotency-Key, as fast as the server answers; once enough writes were
 * acknowledged the server process gets SIGKILL while requests are in flight,
 * then starts again on the same data dir. Then:
 *   - PRAGMA integrity_check says ok;
 *   - every write answered 2xx before the kill is there: each screen has the
 *     name of its writer's last acknowledged rename, or of the rename that
 *     was in flight at the kill; each acknowledged group exists, once;
 *   - the Idempotency-Key of every acknowledged write answers the same again
 *     (the key commits with the change), and a write in flight at the kill,
 *     sent again under its key, is applied exactly once.
 * Bounded: at most MAX_REQUESTS per writer, and the storm is killed after
 * KILL_AFTER acknowledged writes or STORM_SECONDS, whichever comes first.
 */

#define N_WRITERS     16
#define MAX_REQUESTS  2000
#define KILL_AFTER    1000
#define STORM_SECONDS 30

typedef struct {
  char *id;
  char *name;
  char *key;
  char *body;      /* the answer's bytes */
} AckedGroup;

static void
acked_group_free (AckedGroup *group)
{
  g_free (group->id);
  g_free (group->name);
  g_free (group->key);
  g_free (group->body);
  g_free (group);
}

typedef struct {
  guint       index;
  char       *display_id;
  GThread    *thread;

  /* the screen's renames */
  char       *acked_name;     /* the last one answered 2xx */
  char       *acked_key;
  char       *inflight_name;  /* sent, no answer (the server died) */
  char       *inflight_key;
  /* the groups */
  GPtrArray  *acked_groups;   /* AckedGroup* */
  char       *inflight_group; /* name */
  char       *inflight_group_key;

  guint       requests;
  char       *unexpected;     /* an answer other than 2xx while the server was up */
} Writer;

static char *api_url;
static char *token;
static gint acked_total;
static gint stop_storm;

static guint
send_write (SoupSession  *session,
            const char   *method,
            const char   *path,
            const char   *key,
            const char   *body,
            GBytes      **answer,
            gboolean     *replayed)
{
  g_autofree char *url = g_strconcat (api_url, path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  *answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (*answer == NULL)
    return 0;
  if (replayed != NULL)
    *replayed = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                         "Idempotent-Replayed"), "true") == 0;
  return soup_message_get_status (msg);
}

static JsonObject *
answer_data (GBytes *answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonNode *data;

  /* A server killed mid-answer may leave an empty body: no data. */
  if (g_bytes_get_size (answer) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  data = json_object_get_member (root, "data");
  return data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_object_ref (json_node_get_object (data)) : NULL;
}

static gboolean
answer_is_whole (GBytes *answer)
{
  g_autoptr(JsonObject) data = answer_data (answer);

  return data != NULL;
}

static gpointer
writer_main (gpointer user_data)
{
  Writer *w = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *patch_path = g_strconcat ("/displays/", w->display_id, NULL);

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 10, NULL);

  for (guint seq = 0; seq < MAX_REQUESTS && !g_atomic_int_get (&stop_storm); seq++)
    {
      g_autoptr(GBytes) answer = NULL;
      g_autofree char *name = NULL;
      g_autofree char *key = NULL;
      g_autofree char *body = NULL;
      gboolean rename = seq % 2 == 0;
      guint status;

      w->requests++;
      name = g_strdup_printf (rename ? "Screen %u.%u" : "Storm group %u.%u", w->index, seq);
      key = g_strdup_printf ("storm-%u-%u", w->index, seq);
      body = g_strdup_printf ("{\"name\":\"%s\"}", name);
      if (rename)
        {
          g_free (w->inflight_name);
          w->inflight_name = g_strdup (name);
          g_free (w->inflight_key);
          w->inflight_key = g_strdup (key);
          status = send_write (session, "PATCH", patch_path, key, body, &answer, NULL);
        }
      else
        {
          g_free (w->inflight_group);
          w->inflight_group = g_strdup (name);
          g_free (w->inflight_group_key);
          w->inflight_group_key = g_strdup (key);
          status = send_write (session, "POST", "/display-groups", key, body, &answer, NULL);
        }

      /* No answer: the server is gone. What was sent stays "in flight". */
      if (status == 0)
        break;
      if (status < 200 || status >= 300)
        {
          w->unexpected = g_strdup_printf ("%s answered %u: %.*s", name, status,
                                           (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
          break;
        }

      /* A 2xx whose body was cut off by the kill is no answer either: what
       * was sent stays "in flight", and the check after the restart decides. */
      if (!answer_is_whole (answer))
        break;

      if (rename)
        {
          g_free (w->acked_name);
          w->acked_name = g_steal_pointer (&w->inflight_name);
          g_free (w->acked_key);
          w->acked_key = g_steal_pointer (&w->inflight_key);
        }
      else
        {
          g_autoptr(JsonObject) data = answer_data (answer);
          AckedGroup *group = g_new0 (AckedGroup, 1);

          group->id = g_strdup (data != NULL ? json_object_get_string_member_with_default (data, "id", NULL) : NULL);
          group->name = g_steal_pointer (&w->inflight_group);
          group->key = g_steal_pointer (&w->inflight_group_key);
          group->body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
          g_ptr_array_add (w->acked_groups, group);
          if (group->id == NULL)
            {
              w->unexpected = g_strdup_printf ("%s was created without an id: %s", group->name, group->body);
              break;
            }
        }
      g_atomic_int_inc (&acked_total);
    }

  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
check_integrity (VzTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "vizora.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *result = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (result, "%s%s", result->len > 0 ? "; " : "", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpstr (result->str, ==, "ok");
  g_string_free (result, TRUE);
}

/* The names of the organization's groups (the list's pages walked through). */
static GHashTable *
group_names (VzTestServer *server)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint page = 1;; page++)
    {
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *path = g_strdup_printf ("/display-groups?page=%u&limit=100", page);
      guint status = vz_test_server_request (server, "GET", path, token, NULL, &body);
      JsonObject *data;
      JsonArray *items;

      g_assert_cmpuint (status, ==, 200);
      data = json_object_get_object_member (json_node_get_object (body), "data");
      items = json_object_get_array_member (data, "data");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          const char *name = json_object_get_string_member (json_array_get_object_element (items, i), "name");

          g_hash_table_insert (counts, g_strdup (name),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
        }
      if (page >= (guint) json_object_get_int_member (json_object_get_object_member (data, "meta"), "totalPages"))
        break;
    }
  return counts;
}

static void
test_kill_during_write_storm (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GHashTable) groups = NULL;
  Writer writers[N_WRITERS] = { { 0, }, };
  gint64 deadline;
  guint in_flight = 0, acked_groups = 0;

  token = vz_test_server_login (server);
  api_url = g_strdup (server->api_url);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_autofree char *nickname = g_strdup_printf ("Screen %u", i);

      writers[i].index = i;
      writers[i].display_id = vz_test_server_pair_screen (server, token, nickname, NULL);
      writers[i].acked_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) acked_group_free);
    }

  g_atomic_int_set (&acked_total, 0);
  g_atomic_int_set (&stop_storm, 0);
  for (guint i = 0; i < N_WRITERS; i++)
    writers[i].thread = g_thread_new ("storm-writer", writer_main, &writers[i]);

  deadline = g_get_monotonic_time () + STORM_SECONDS * G_USEC_PER_SEC;
  while (g_atomic_int_get (&acked_total) < KILL_AFTER && g_get_monotonic_time () < deadline)
    g_usleep (2 * 1000);
  /* SIGKILL, and wait for the process to be gone: nothing is flushed. */
  vz_test_server_kill (server);
  g_atomic_int_set (&stop_storm, 1);
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (writers[i].thread);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      if (writers[i].unexpected != NULL)
        g_error ("writer %u: %s", i, writers[i].unexpected);
      if (writers[i].inflight_name != NULL || writers[i].inflight_group != NULL)
        in_flight++;
    }
  g_test_message ("%d writes acknowledged before the kill, %u writers with one in flight",
                  g_atomic_int_get (&acked_total), in_flight);
  g_assert_cmpint (g_atomic_int_get (&acked_total), >=, KILL_AFTER);
  /* The kill came mid-storm, not after it. */
  g_assert_cmpuint (in_flight, >, 0);

  vz_test_server_restart (server);
  check_integrity (server);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      Writer *w = &writers[i];
      g_autofree char *path = g_strconcat ("/displays/", w->display_id, NULL);
      g_autoptr(JsonNode) body = NULL;
      const char *name;

      /* The last acknowledged rename, or a later one that was in flight. */
      g_assert_cmpuint (vz_test_server_request (server, "GET", path, token, NULL, &body), ==, 200);
      name = json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"), "nickname");
      if (g_strcmp0 (name, w->acked_name) != 0 && g_strcmp0 (name, w->inflight_name) != 0)
        g_error ("screen %u is called “%s”, not “%s” (acknowledged) or “%s” (in flight)",
                 i, name, w->acked_name, w->inflight_name);

      /* Its key answers the same again: it committed with the change. */
      if (w->acked_key != NULL)
        {
          g_autoptr(GBytes) answer = NULL;
          g_autofree char *request = g_strdup_printf ("{\"name\":\"%s\"}", w->acked_name);
          gboolean replayed = FALSE;

          g_assert_cmpuint (send_write (session, "PATCH", path, w->acked_key, request, &answer, &replayed), ==, 200);
          g_assert_true (replayed);
        }
    }

  groups = group_names (server);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      Writer *w = &writers[i];

      for (guint g = 0; g < w->acked_groups->len; g++)
        {
          AckedGroup *group = g_ptr_array_index (w->acked_groups, g);
          g_autoptr(GBytes) answer = NULL;
          g_autofree char *request = g_strdup_printf ("{\"name\":\"%s\"}", group->name);
          gboolean replayed = FALSE;

          if (GPOINTER_TO_UINT (g_hash_table_lookup (groups, group->name)) != 1)
            g_error ("the acknowledged group “%s” is there %u times after the restart", group->name,
                     GPOINTER_TO_UINT (g_hash_table_lookup (groups, group->name)));
          g_assert_cmpuint (send_write (session, "POST", "/display-groups", group->key, request, &answer, &replayed), ==, 201);
          g_assert_true (replayed);
          g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), group->body, strlen (group->body));
          acked_groups++;
        }

      /* A create in flight at the kill, sent again under its key: it lands
       * once, whether or not it had committed. */
      if (w->inflight_group != NULL)
        {
          g_autoptr(GBytes) answer = NULL;
          g_autoptr(GHashTable) after = NULL;
          g_autofree char *request = g_strdup_printf ("{\"name\":\"%s\"}", w->inflight_group);

          g_assert_cmpuint (send_write (session, "POST", "/display-groups", w->inflight_group_key, request, &answer, NULL), ==, 201);
          after = group_names (server);
          g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (after, w->inflight_group)), ==, 1);
        }
    }
  g_test_message ("%u acknowledged groups found once each", acked_groups);
  g_assert_cmpuint (acked_groups, >, 0);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      Writer *w = &writers[i];

      g_free (w->display_id);
      g_free (w->acked_name);
      g_free (w->acked_key);
      g_free (w->inflight_name);
      g_free (w->inflight_key);
      g_free (w->inflight_group);
      g_free (w->inflight_group_key);
      g_ptr_array_unref (w->acked_groups);
    }
  g_clear_pointer (&api_url, g_free);
  g_clear_pointer (&token, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chaos/kill-during-write-storm", test_kill_during_write_storm);
  return g_test_run ();
}
