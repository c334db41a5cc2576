/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-outbox-replay"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-circuit-breaker.h"
#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-mutation.h"
#include "vz-outbox.h"
#include "vz-outbox-sender.h"
#include "vz-retry-policy.h"
#include "vz-snapshot.h"
#include "vz-store.h"
#include "vz-test-server.h"

/* A saved fleet of screens and groups, as the sync engine makes it. */
static VzSnapshot *
fleet_snapshot_new (const char *path,
                    VzStore    *displays,
                    VzStore    *groups)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", groups);
  vz_snapshot_add_store (snapshot, "displays", displays);
  return snapshot;
}


/*
 * The outbox end to end against the real local server: a change made while
 * the server is down lands exactly once when it is back, kill -9 in the
 * middle of queueing loses nothing reported and duplicates nothing, 5xx
 * bursts open the circuit breaker and it recovers, and two people editing one
 * screen end in a conflict that is resolved without losing either change.
 * vizoractl (the real binary) and the real vizora-server throughout.
 */

typedef struct {
  char         *home;       /* XDG_CONFIG_HOME and XDG_DATA_HOME live here */
  VzTestServer *server;
  char         *token;
} Fixture;

static void
remove_tree (const char *path)
{
  const char *rm[] = { "rm", "-rf", path, NULL };

  /* Only folders the test made itself. */
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const char *fault_args[] = { NULL, NULL };
  g_autofree char *flag = NULL;

  fx->home = g_dir_make_tmp ("vizora-replay-XXXXXX", NULL);
  g_assert_nonnull (fx->home);
  if (data != NULL)
    {
      flag = g_strdup_printf ("--fault-file=%s/fault", fx->home);
      fault_args[0] = flag;
    }
  fx->server = vz_test_server_start (data != NULL ? fault_args : NULL);
  fx->token = vz_test_server_login (fx->server);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  vz_test_server_free (fx->server);
  remove_tree (fx->home);
  g_free (fx->home);
  g_free (fx->token);
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* --- running vizoractl --------------------------------------------------- */

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
launcher_for (Fixture          *fx,
              GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_autofree char *config = g_build_filename (fx->home, "config", NULL);
  g_autofree char *data = g_build_filename (fx->home, "data", NULL);

  /* The queue and the saved token go to the test's folder, never the developer's. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", fx->token, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "VIZORA_SERVER");
  /* Its output is what the tests read: no debug chatter in it. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  return launcher;
}

static void
vizoractl (Fixture *fx,
           Run     *run,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIZORACTL_BIN"));
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, fx->server->url);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = launcher_for (fx, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("vizoractl %s → %d\nstdout: %s\nstderr: %s", (const char *) argv->pdata[3],
                  run->status, run->out, run->err);
}

/* The account's queue, where vizoractl (and the app) keep it. */
static char *
account_outbox_path (Fixture *fx)
{
  g_auto(Run) run = { 0, };
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, fx->server->url, -1);
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  char *path = NULL;

  /* One command while online records where the account's queue is. */
  vizoractl (fx, &run, "outbox", "count", NULL);
  g_assert_cmpint (run.status, ==, 0);
  hash[16] = '\0';
  name = g_strdup_printf ("account-%s", hash);
  file = g_build_filename (fx->home, "config", "vizora", name, NULL);
  g_assert_true (g_file_get_contents (file, &path, NULL, NULL));
  g_assert_true (g_str_has_prefix (path, fx->home));
  return path;
}

/* --- the server's side --------------------------------------------------- */

static JsonObject *
get_display (Fixture    *fx,
             const char *id)
{
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(JsonNode) body = NULL;
  guint status = vz_test_server_request (fx->server, "GET", path, fx->token, NULL, &body);

  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (json_object_get_object_member (json_node_get_object (body), "data"));
}

/* How many times the server recorded a change under this key: the change
 * and its key commit in one transaction, so this counts applications. */
static gint64
applications (Fixture    *fx,
              const char *key)
{
  g_autofree char *path = g_build_filename (fx->server->data_dir, "vizora.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM idempotency_keys WHERE key = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static GPtrArray *
queued_ids (Fixture *fx)
{
  g_auto(Run) run = { 0, };
  g_auto(GStrv) lines = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  vizoractl (fx, &run, "outbox", "list", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                                     "id")));
    }
  return ids;
}

/* --- (a) a change made while the server is down lands exactly once ------- */

static void
test_offline_change_applied_once (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fx->server, fx->token, "Lobby", NULL);
  g_autofree char *outbox = account_outbox_path (fx);
  g_auto(Run) set = { 0, };
  g_auto(Run) flush = { 0, };
  g_auto(Run) again = { 0, };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonObject) after = NULL;

  vz_test_server_kill (fx->server);
  vizoractl (fx, &set, "set", id, "--name", "Renamed offline", "--location", "Cellar", NULL);
  g_assert_cmpint (set.status, ==, 0);
  g_assert_nonnull (strstr (set.out, "Queued: the server is not reachable"));
  g_assert_nonnull (strstr (set.out, "vizoractl outbox flush"));

  ids = queued_ids (fx);
  g_assert_cmpuint (ids->len, ==, 1);

  vz_test_server_restart (fx->server);
  g_assert_cmpint (applications (fx, ids->pdata[0]), ==, 0);
  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);
  g_assert_nonnull (strstr (flush.out, "Sent 1 change."));

  after = get_display (fx, id);
  g_assert_cmpstr (json_object_get_string_member (after, "nickname"), ==, "Renamed offline");
  g_assert_cmpstr (json_object_get_string_member (after, "location"), ==, "Cellar");
  g_assert_cmpint (applications (fx, ids->pdata[0]), ==, 1);

  /* Nothing left to send, and nothing sent twice. */
  vizoractl (fx, &again, "outbox", "flush", NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_nonnull (strstr (again.out, "Sent 0 changes."));
  g_assert_cmpint (applications (fx, ids->pdata[0]), ==, 1);
}

/* The first attempt reached the server, but the process died before it saw
 * the answer: the replay gets the first answer back, nothing is applied twice. */
static void
test_crash_between_send_and_ack (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fx->server, fx->token, "Hall", NULL);
  g_autofree char *outbox_path = account_outbox_path (fx);
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(JsonObject) before = get_display (fx, id);
  g_autoptr(JsonObject) landed = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = NULL;
  g_auto(Run) flush = { 0, };

  {
    g_autoptr(VzOutbox) outbox = vz_outbox_new (outbox_path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
    g_autoptr(JsonObject) changes = json_object_new ();
    g_autoptr(JsonObject) previous = json_object_new ();
    g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(VzMutation) m = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *uri = g_strconcat (fx->server->api_url, path, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("PATCH", uri);
    g_autofree char *auth = g_strconcat ("Bearer ", fx->token, NULL);
    g_autofree char *if_match = g_strdup_printf ("\"%s\"", json_object_get_string_member (before, "updatedAt"));
    g_autoptr(GBytes) request = NULL;
    g_autoptr(GBytes) answer = NULL;
    SoupMessageHeaders *headers;

    g_assert_no_error (error);
    json_object_set_string_member (changes, "name", "Hall B");
    json_object_set_string_member (previous, "name", "Hall");
    json_node_set_object (body, changes);
    m = vz_mutation_new ("display", id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                         json_object_get_string_member (before, "updatedAt"), changes, previous);
    mutation_id = g_strdup (vz_mutation_get_id (m));

    vz_outbox_enqueue_async (outbox, m, NULL, keep_result, &result);
    g_assert_true (vz_outbox_enqueue_finish (outbox, wait_result (&result), &error));
    g_assert_nonnull (vz_outbox_lookup (outbox, mutation_id));

    /* The request as the sender makes it; its answer is never recorded. */
    headers = soup_message_get_request_headers (msg);
    soup_message_headers_replace (headers, "Authorization", auth);
    soup_message_headers_replace (headers, "Idempotency-Key", mutation_id);
    soup_message_headers_replace (headers, "If-Match", if_match);
    request = g_bytes_new_static ("{\"name\":\"Hall B\"}", strlen ("{\"name\":\"Hall B\"}"));
    soup_message_set_request_body_from_bytes (msg, "application/json", request);
    answer = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }

  landed = get_display (fx, id);
  g_assert_cmpstr (json_object_get_string_member (landed, "nickname"), ==, "Hall B");

  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);
  g_assert_nonnull (strstr (flush.out, "Sent 1 change."));

  after = get_display (fx, id);
  /* Not applied again: the version is the first application's. */
  g_assert_cmpstr (json_object_get_string_member (after, "updatedAt"), ==,
                   json_object_get_string_member (landed, "updatedAt"));
  g_assert_cmpint (applications (fx, mutation_id), ==, 1);
}

/* --- (b) kill -9 in the middle of queueing 1,000 changes ----------------- */

static char *
enqueue_helper (void)
{
  g_autofree char *dir = g_path_get_dirname (g_getenv ("VIZORACTL_BIN"));

  return g_build_filename (dir, "..", "..", "tests", "integration", "outbox-enqueue", NULL);
}

static void
test_kill9_while_queueing (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *helper = enqueue_helper ();
  g_autofree char *outbox_path = account_outbox_path (fx);
  g_autoptr(GPtrArray) displays = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) reported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after_restart = NULL;
  g_autoptr(GHashTable) last_location = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(Run) flush = { 0, };
  char *line;
  guint position = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Screen %u", i);
      g_ptr_array_add (displays, vz_test_server_pair_screen (fx->server, fx->token, name, NULL));
    }

  g_ptr_array_add (argv, helper);
  g_ptr_array_add (argv, outbox_path);
  g_ptr_array_add (argv, (gpointer) "1000");
  for (guint i = 0; i < displays->len; i++)
    g_ptr_array_add (argv, displays->pdata[i]);
  g_ptr_array_add (argv, NULL);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    /* Paced, so that the kill surely lands mid-run, with writes in flight. */
    g_subprocess_launcher_setenv (launcher, "OUTBOX_ENQUEUE_PACE_MS", "1", TRUE);
    process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  }
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* Kill it in the middle: after 300 reported changes, with more in flight. */
  while (reported->len < 300 && (line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    g_ptr_array_add (reported, line);
  g_assert_no_error (error);
  g_assert_cmpuint (reported->len, ==, 300);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (process));

  /* Lines already in the pipe were reported before the kill too. */
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      if (g_str_has_prefix (line, "done"))
        {
          g_free (line);
          g_test_fail_printf ("the helper finished all 1000 changes before it was killed");
          return;
        }
      g_ptr_array_add (reported, line);
    }
  g_test_message ("%u changes reported durable before kill -9", reported->len);

  /* After the restart (a new process opens the journal): every reported
   * change is queued, in the order reported, none twice. */
  after_restart = queued_ids (fx);
  g_assert_cmpuint (after_restart->len, >=, reported->len);
  g_assert_cmpuint (after_restart->len, <, 1000);
  for (guint i = 0; i < after_restart->len; i++)
    {
      g_assert_false (g_hash_table_contains (seen, after_restart->pdata[i]));
      g_hash_table_add (seen, after_restart->pdata[i]);
    }
  for (guint i = 0; i < reported->len; i++)
    {
      while (position < after_restart->len && !g_str_equal (after_restart->pdata[position], reported->pdata[i]))
        position++;
      if (position == after_restart->len)
        g_error ("reported change %u (%s) is missing or out of order after kill -9", i, (char *) reported->pdata[i]);
    }

  /* What each screen should end up with: its last queued change. */
  {
    g_autoptr(VzOutbox) outbox = vz_outbox_new (outbox_path, VZ_OUTBOX_OPEN_NONE, NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (outbox)); i++)
      {
        g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

        g_hash_table_replace (last_location, g_strdup (vz_mutation_get_entity_id (m)),
                              g_strdup (json_object_get_string_member (vz_mutation_get_changes (m), "location")));
      }
  }

  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);

  for (guint i = 0; i < after_restart->len; i++)
    g_assert_cmpint (applications (fx, after_restart->pdata[i]), ==, 1);
  for (guint i = 0; i < displays->len; i++)
    {
      g_autoptr(JsonObject) d = get_display (fx, displays->pdata[i]);
      g_assert_cmpstr (json_object_get_string_member (d, "location"), ==,
                       g_hash_table_lookup (last_location, displays->pdata[i]));
    }
  {
    g_auto(Run) count = { 0, };

    vizoractl (fx, &count, "outbox", "count", NULL);
    g_assert_cmpstr (count.out, ==, "0\n");
  }
}

/* --- (c) 5xx bursts open the breaker, which recovers ---------------------- */

static gint64 clock_offset;

static gint64
test_clock (gpointer user_data)
{
  return g_get_monotonic_time () + clock_offset;
}

static void
count_added (VzOutbox   *outbox,
             VzMutation *m,
             guint      *counter)
{
  (*counter)++;
}

static void
count_committed (VzOutboxSender *sender,
                 VzMutation     *m,
                 JsonNode       *answer,
                 gboolean        replayed,
                 guint          *counter)
{
  (*counter)++;
}

static void
count_failed (VzOutboxSender *sender,
              VzMutation     *m,
              GError         *error,
              guint          *counter)
{
  (*counter)++;
}

static void
write_fault (Fixture    *fx,
             const char *order)
{
  g_autofree char *path = g_build_filename (fx->home, "fault", NULL);
  g_autofree char *tmp = g_build_filename (fx->home, "fault.tmp", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (tmp, order, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
}

static void
iterate_until (guint *counter,
               guint  target)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*counter < target)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_breaker_on_5xx_burst (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *outbox_path = g_build_filename (fx->home, "breaker", "outbox.journal", NULL);
  g_autoptr(GPtrArray) displays = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VzApiClient) api = vz_api_client_new (fx->server->api_url);
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();
  g_autoptr(VzCircuitBreaker) breaker = vz_circuit_breaker_new ();
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(VzOutboxSender) sender = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *fault = g_build_filename (fx->home, "fault", NULL);
  guint committed = 0, failed = 0, added = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Burst %u", i);
      g_ptr_array_add (displays, vz_test_server_pair_screen (fx->server, fx->token, name, NULL));
    }

  vz_api_client_set_access_token (api, fx->token);
  /* Short waits, so the test takes milliseconds, not the default seconds. */
  vz_retry_policy_set_initial_delay (policy, 0.01);
  vz_retry_policy_set_max_delay (policy, 0.05);
  vz_retry_policy_set_seed (policy, 7);
  clock_offset = 0;
  vz_circuit_breaker_set_clock (breaker, test_clock, NULL, NULL);

  outbox = vz_outbox_new (outbox_path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (outbox, "mutation-added", G_CALLBACK (count_added), &added);
  for (guint i = 0; i < displays->len; i++)
    {
      g_autofree char *path = g_strconcat ("/displays/", (char *) displays->pdata[i], NULL);
      g_autofree char *name = g_strdup_printf ("After burst %u", i);
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(VzMutation) m = NULL;

      json_object_set_string_member (changes, "name", name);
      json_node_set_object (body, changes);
      m = vz_mutation_new ("display", displays->pdata[i], VZ_MUTATION_OP_UPDATE, "PATCH", path, body, NULL, changes, NULL);
      if (i == 0)
        first_id = g_strdup (vz_mutation_get_id (m));
      vz_outbox_enqueue_async (outbox, m, NULL, NULL, NULL);
    }
  iterate_until (&added, 10);

  /* Five 503s in a row: exactly the breaker's threshold. */
  write_fault (fx, "503 5");
  sender = vz_outbox_sender_new (api, outbox, policy, breaker);
  vz_outbox_sender_set_max_in_flight (sender, 1);
  g_signal_connect (sender, "committed", G_CALLBACK (count_committed), &committed);
  g_signal_connect (sender, "failed", G_CALLBACK (count_failed), &failed);
  vz_outbox_sender_set_online (sender, TRUE);

  while (vz_circuit_breaker_get_state (breaker) != VZ_CIRCUIT_STATE_OPEN)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (g_file_test (fault, G_FILE_TEST_EXISTS));
  /* Let the sender settle: the change in hand gives its turn back. */
  while (vz_outbox_sender_get_in_flight (sender) > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Open: calls fail fast, with a sentence that says when it tries again. */
  g_assert_false (vz_circuit_breaker_allow (breaker, &refused));
  g_assert_nonnull (refused);
  g_assert_nonnull (strstr (refused->message, "try again in"));
  g_test_message ("breaker open: %s", refused->message);
  g_assert_cmpuint (committed, ==, 0);
  /* The first change used its three attempts; nothing else was lost. */
  g_assert_cmpuint (failed, ==, 1);
  g_assert_cmpint (vz_mutation_get_state (vz_outbox_lookup (outbox, first_id)), ==, VZ_MUTATION_STATE_FAILED);
  g_assert_nonnull (strstr (vz_mutation_get_last_error (vz_outbox_lookup (outbox, first_id)), "temporarily unavailable"));
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 10);

  /* The burst is over and the cool-down passes: a probe, then the rest. */
  clock_offset = 61 * G_USEC_PER_SEC;
  vz_outbox_sender_kick (sender);
  iterate_until (&committed, 9);
  g_assert_cmpint (vz_circuit_breaker_get_state (breaker), ==, VZ_CIRCUIT_STATE_CLOSED);

  /* The failed one, retried by the user, goes through as well. */
  g_assert_true (vz_outbox_retry (outbox, first_id, &error));
  g_assert_no_error (error);
  vz_outbox_sender_kick (sender);
  iterate_until (&committed, 10);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);

  for (guint i = 0; i < displays->len; i++)
    {
      g_autoptr(JsonObject) d = get_display (fx, displays->pdata[i]);
      g_autofree char *expected = g_strdup_printf ("After burst %u", i);

      g_assert_cmpstr (json_object_get_string_member (d, "nickname"), ==, expected);
    }
  vz_outbox_sender_set_online (sender, FALSE);
}

/* vizoractl meets a 5xx burst: it stops with the breaker's sentence (when it
 * will try again), keeps every change, and a later flush sends them all. */
static void
test_flush_during_5xx_burst (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) displays = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *outbox = account_outbox_path (fx);
  g_auto(Run) first = { 0, };
  g_auto(Run) second = { 0, };

  vz_test_server_kill (fx->server);
  vz_test_server_restart (fx->server);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("Busy %u", i);
      g_ptr_array_add (displays, vz_test_server_pair_screen (fx->server, fx->token, name, NULL));
    }
  vz_test_server_kill (fx->server);
  for (guint i = 0; i < displays->len; i++)
    {
      g_auto(Run) set = { 0, };

      vizoractl (fx, &set, "set", (const char *) displays->pdata[i], "--location", "After the burst", NULL);
      g_assert_cmpint (set.status, ==, 0);
    }
  vz_test_server_restart (fx->server);

  /* Six changes in flight meet seven 503s: the breaker opens (5 in a row). */
  write_fault (fx, "503 7 PATCH");
  vizoractl (fx, &first, "outbox", "flush", NULL);
  g_assert_cmpint (first.status, ==, 1);
  g_assert_nonnull (strstr (first.err, "Sending stopped: The server is not answering. Vizora will try again in"));
  g_assert_nonnull (strstr (first.out, "Sent 0 changes. 6 changes are still queued."));

  /* The burst ends; a new run sends everything (one last 503 is retried). */
  vizoractl (fx, &second, "outbox", "flush", NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_nonnull (strstr (second.out, "Sent 6 changes."));
  for (guint i = 0; i < displays->len; i++)
    {
      g_autoptr(JsonObject) d = get_display (fx, displays->pdata[i]);
      g_assert_cmpstr (json_object_get_string_member (d, "location"), ==, "After the burst");
    }
}

/* --- (d) two people edit the same screen ---------------------------------- */

/* What the app leaves behind: the fleet it last saw, beside the queue. */
static void
save_fleet_as_the_app_would (Fixture    *fx,
                             const char *outbox_path)
{
  g_autoptr(VzApiClient) api = vz_api_client_new (fx->server->api_url);
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = vz_snapshot_path_beside (outbox_path);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  vz_api_client_set_access_token (api, fx->token);
  vz_api_client_list_all_async (api, "/displays", NULL, keep_result, &result);
  items = vz_api_client_list_all_finish (api, wait_result (&result), &error);
  g_assert_no_error (error);
  vz_store_replace_all (displays, items, &error);
  g_assert_no_error (error);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
}

static char *
colleague_edits (Fixture    *fx,
                 const char *id,
                 const char *json)
{
  g_autofree char *path = g_strconcat ("/displays/", id, NULL);
  g_autoptr(JsonNode) body = NULL;

  g_assert_cmpuint (vz_test_server_request (fx->server, "PATCH", path, fx->token, json, &body), ==, 200);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (json_node_get_object (body), "data"),
                                                  "updatedAt"));
}

static void
test_two_people_one_screen (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fx->server, fx->token, "Reception", NULL);
  g_autofree char *other = vz_test_server_pair_screen (fx->server, fx->token, "Kitchen", NULL);
  g_autofree char *outbox_path = account_outbox_path (fx);
  g_autofree char *theirs_at = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_auto(Run) set_name = { 0, };
  g_auto(Run) set_other = { 0, };
  g_auto(Run) flush = { 0, };
  g_auto(Run) list = { 0, };
  g_auto(Run) retry = { 0, };
  g_auto(Run) discard = { 0, };

  save_fleet_as_the_app_would (fx, outbox_path);

  /* Offline, this person renames both screens, by name, from the saved fleet. */
  vz_test_server_kill (fx->server);
  vizoractl (fx, &set_name, "set", "Reception", "--name", "Front desk", NULL);
  g_assert_cmpint (set_name.status, ==, 0);
  g_assert_nonnull (strstr (set_name.out, "Queued"));
  vizoractl (fx, &set_other, "set", "Kitchen", "--name", "Canteen", NULL);
  g_assert_cmpint (set_other.status, ==, 0);
  ids = queued_ids (fx);
  g_assert_cmpuint (ids->len, ==, 2);

  /* Meanwhile a colleague (server back) moves Reception and renames Kitchen. */
  vz_test_server_restart (fx->server);
  g_free (colleague_edits (fx, id, "{\"location\":\"Ground floor\"}"));
  theirs_at = colleague_edits (fx, other, "{\"name\":\"Staff room\"}");

  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 1);
  g_assert_nonnull (strstr (flush.out, "Sent 1 change."));

  /* Different fields: both changes stand. */
  merged = get_display (fx, id);
  g_assert_cmpstr (json_object_get_string_member (merged, "nickname"), ==, "Front desk");
  g_assert_cmpstr (json_object_get_string_member (merged, "location"), ==, "Ground floor");

  /* The same field: nothing is overwritten; the queue says who wants what. */
  theirs = get_display (fx, other);
  g_assert_cmpstr (json_object_get_string_member (theirs, "nickname"), ==, "Staff room");
  g_assert_cmpstr (json_object_get_string_member (theirs, "updatedAt"), ==, theirs_at);
  vizoractl (fx, &list, "outbox", "list", NULL);
  g_assert_nonnull (strstr (list.out, "conflict"));
  g_assert_nonnull (strstr (list.out, "Staff room"));
  g_assert_nonnull (strstr (list.out, "Canteen"));
  g_assert_nonnull (strstr (list.out, ids->pdata[1]));

  /* Keep mine: the person has seen theirs and sends their own on top. */
  vizoractl (fx, &retry, "outbox", "retry", (const char *) ids->pdata[1], NULL);
  g_assert_cmpint (retry.status, ==, 0);
  kept = get_display (fx, other);
  g_assert_cmpstr (json_object_get_string_member (kept, "nickname"), ==, "Canteen");
  g_assert_cmpint (applications (fx, ids->pdata[1]), ==, 1);

  /* Discarding a change that is not there is refused in words. */
  vizoractl (fx, &discard, "outbox", "discard", (const char *) ids->pdata[1], NULL);
  g_assert_cmpint (discard.status, ==, 1);
  g_assert_nonnull (strstr (discard.err, "No queued change"));
}

/* Keep theirs: the conflicting change is discarded and theirs stays. */
static void
test_conflict_keep_theirs (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fx->server, fx->token, "Entrance", NULL);
  g_autofree char *outbox_path = account_outbox_path (fx);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_auto(Run) set = { 0, };
  g_auto(Run) flush = { 0, };
  g_auto(Run) discard = { 0, };
  g_auto(Run) count = { 0, };

  save_fleet_as_the_app_would (fx, outbox_path);
  vz_test_server_kill (fx->server);
  vizoractl (fx, &set, "set", "Entrance", "--location", "North door", NULL);
  g_assert_cmpint (set.status, ==, 0);
  ids = queued_ids (fx);
  vz_test_server_restart (fx->server);
  g_free (colleague_edits (fx, id, "{\"location\":\"South door\"}"));

  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 1);
  g_assert_nonnull (strstr (flush.err, "see “vizoractl outbox list”"));

  vizoractl (fx, &discard, "outbox", "discard", (const char *) ids->pdata[0], NULL);
  g_assert_cmpint (discard.status, ==, 0);
  vizoractl (fx, &count, "outbox", "count", NULL);
  g_assert_cmpstr (count.out, ==, "0\n");
  after = get_display (fx, id);
  g_assert_cmpstr (json_object_get_string_member (after, "location"), ==, "South door");
  g_assert_cmpint (applications (fx, ids->pdata[0]), ==, 0);
}

/* vizoractl keeps the fleet it read, so a script can name a screen while
 * the server is away. */
static void
test_offline_by_name (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *id = vz_test_server_pair_screen (fx->server, fx->token, "Boardroom", NULL);
  g_autofree char *outbox = account_outbox_path (fx);
  g_autoptr(JsonObject) after = NULL;
  g_auto(Run) online = { 0, };
  g_auto(Run) offline = { 0, };
  g_auto(Run) flush = { 0, };

  /* Renamed online: the saved fleet follows the server's answer. */
  vizoractl (fx, &online, "set", "Boardroom", "--name", "Board room", "--description", "Seats 12", NULL);
  g_assert_cmpint (online.status, ==, 0);

  vz_test_server_kill (fx->server);
  vizoractl (fx, &offline, "set", "Board room", "--location", "Top floor", NULL);
  g_assert_cmpint (offline.status, ==, 0);
  g_assert_nonnull (strstr (offline.out, "Queued"));

  vz_test_server_restart (fx->server);
  vizoractl (fx, &flush, "outbox", "flush", NULL);
  g_assert_cmpint (flush.status, ==, 0);
  after = get_display (fx, id);
  g_assert_cmpstr (json_object_get_string_member (after, "location"), ==, "Top floor");
  g_assert_cmpstr (json_object_get_string_member (after, "description"), ==, "Seats 12");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/outbox-integration/offline-change-applied-once", Fixture, NULL,
              fixture_set_up, test_offline_change_applied_once, fixture_tear_down);
  g_test_add ("/outbox-integration/offline-by-name", Fixture, NULL,
              fixture_set_up, test_offline_by_name, fixture_tear_down);
  g_test_add ("/outbox-integration/crash-between-send-and-ack", Fixture, NULL,
              fixture_set_up, test_crash_between_send_and_ack, fixture_tear_down);
  g_test_add ("/outbox-integration/kill-9-while-queueing", Fixture, NULL,
              fixture_set_up, test_kill9_while_queueing, fixture_tear_down);
  g_test_add ("/outbox-integration/breaker-on-5xx-burst", Fixture, "faults",
              fixture_set_up, test_breaker_on_5xx_burst, fixture_tear_down);
  g_test_add ("/outbox-integration/flush-during-5xx-burst", Fixture, "faults",
              fixture_set_up, test_flush_during_5xx_burst, fixture_tear_down);
  g_test_add ("/outbox-integration/two-people-one-screen", Fixture, NULL,
              fixture_set_up, test_two_people_one_screen, fixture_tear_down);
  g_test_add ("/outbox-integration/conflict-keep-theirs", Fixture, NULL,
              fixture_set_up, test_conflict_keep_theirs, fixture_tear_down);
  return g_test_run ();
}
