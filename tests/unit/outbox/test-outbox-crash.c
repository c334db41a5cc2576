/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-outbox-crash"

/*
 * kill -9 in the middle of queueing: a child process (this binary, run with
 * --child JOURNAL) makes 1,000 enqueues, 32 in flight, every fifth one a
 * bulk action of three changes, and prints each id only once its enqueue
 * completed. The parent SIGKILLs it part way, reopens the journal and checks
 * that every reported id is there, in order, once, and that every bulk
 * action is there whole or not at all.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outbox-test-util.h"

#define CHILD_TOTAL 1000
#define CHILD_IN_FLIGHT 32
#define CHILD_BATCH 3

typedef struct {
  VzOutbox *outbox;
  guint started;
  guint done;
  GMainLoop *loop;
} Child;

typedef struct {
  Child *child;
  GPtrArray *ids;
} Call;

static void child_start_one (Child *child);

static void
child_enqueued (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  Child *child = call->child;
  g_autoptr(GError) error = NULL;

  if (call->ids->len > 1 ? !vz_outbox_enqueue_batch_finish (VZ_OUTBOX (source), result, &error)
                         : !vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error))
    {
      g_printerr ("enqueue failed: %s\n", error->message);
      exit (2);
    }
  /* Reported only now, when the change is durable. */
  for (guint i = 0; i < call->ids->len; i++)
    printf ("%s\n", (char *) g_ptr_array_index (call->ids, i));
  fflush (stdout);
  g_ptr_array_unref (call->ids);
  g_free (call);

  child->done++;
  if (child->done == CHILD_TOTAL)
    g_main_loop_quit (child->loop);
  else
    child_start_one (child);
}

static void
child_start_one (Child *child)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *batch_id = NULL;
  guint n;
  Call *call;

  if (child->started == CHILD_TOTAL)
    return;
  n = child->started % 5 == 4 ? CHILD_BATCH : 1;
  if (n > 1)
    batch_id = g_strdup_printf ("batch-%u", child->started);
  call = g_new0 (Call, 1);
  call->child = child;
  call->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entity = g_strdup_printf ("display-%u", (child->started + i) % 50);
      g_autofree char *name = g_strdup_printf ("Screen %u.%u", child->started, i);
      VzMutation *m = test_make_rename (entity, name, "Old");

      vz_mutation_set_batch_id (m, batch_id);
      g_ptr_array_add (mutations, m);
      g_ptr_array_add (call->ids, g_strdup (vz_mutation_get_id (m)));
    }
  child->started++;
  if (n > 1)
    vz_outbox_enqueue_batch_async (child->outbox, mutations, NULL, child_enqueued, call);
  else
    vz_outbox_enqueue_async (child->outbox, g_ptr_array_index (mutations, 0), NULL, child_enqueued, call);
}

static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  Child child = { 0 };

  child.outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  if (child.outbox == NULL)
    {
      g_printerr ("open failed: %s\n", error->message);
      return 2;
    }
  child.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < CHILD_IN_FLIGHT; i++)
    child_start_one (&child);
  g_main_loop_run (child.loop);
  /* Wait to be killed, so that the parent's kill always lands on a live
   * process however fast the disk is. */
  for (;;)
    pause ();
  return 0;
}

static char *self_exe;

static void
kill_and_check (guint kill_after)
{
  g_autofree char *dir = test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "outbox.journal", NULL);
  const char *argv[] = { self_exe, "--child", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) pending = g_string_new (NULL);
  GPid pid;
  int out_fd;
  int status;
  gboolean killed = FALSE;
  VzOutbox *outbox;
  char buf[4096];

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  /* Read ids as they come; kill once enough were reported, then take in
   * whatever it printed before it died: those were reported too. */
  for (;;)
    {
      gssize n = read (out_fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (pending, buf, n);
      for (char *nl; (nl = strchr (pending->str, '\n')) != NULL;)
        {
          g_ptr_array_add (reported, g_strndup (pending->str, nl - pending->str));
          g_string_erase (pending, 0, nl - pending->str + 1);
        }
      if (!killed && reported->len >= kill_after)
        {
          kill (pid, SIGKILL);
          killed = TRUE;
        }
    }
  close (out_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (killed);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (pid);
  /* A half-printed line is not a report. */
  g_assert_cmpuint (reported->len, >=, kill_after);
  g_assert_cmpuint (reported->len, <=, CHILD_TOTAL * CHILD_BATCH);

  /* A torn last record is what a kill can leave: the outbox drops it
   * below warning level, so any warning still fails the test. */
  outbox = test_open (path);

  /* Every reported change is there, in the order reported, and nothing
   * is there twice. More may be there: durable but not yet reported. */
  g_assert_cmpuint (vz_outbox_get_count (outbox), >=, reported->len);
  for (guint i = 0; i < vz_outbox_get_count (outbox); i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);

      g_assert_false (g_hash_table_contains (seen, vz_mutation_get_id (m)));
      g_hash_table_add (seen, (gpointer) vz_mutation_get_id (m));
      if (i < reported->len)
        g_assert_cmpstr (vz_mutation_get_id (m), ==, g_ptr_array_index (reported, i));
    }
  /* Bulk actions are whole or absent, whatever was reported. */
  {
    g_autoptr(GHashTable) batches = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer size;

    for (guint i = 0; i < vz_outbox_get_count (outbox); i++)
      {
        g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), i);
        const char *batch_id = vz_mutation_get_batch_id (m);

        if (batch_id != NULL)
          g_hash_table_insert (batches, (gpointer) batch_id,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (batches, batch_id)) + 1));
      }
    g_assert_cmpuint (g_hash_table_size (batches), >, 0);
    g_hash_table_iter_init (&iter, batches);
    while (g_hash_table_iter_next (&iter, NULL, &size))
      g_assert_cmpuint (GPOINTER_TO_UINT (size), ==, CHILD_BATCH);
  }
  g_test_message ("killed after %u reported: %u reported, %u in the journal",
                  kill_after, reported->len, vz_outbox_get_count (outbox));
  g_hash_table_remove_all (seen);
  test_close (outbox);

  test_rm_rf (dir);
}

static void
test_kill_early (void)
{
  kill_and_check (50);
}

static void
test_kill_middle (void)
{
  kill_and_check (400);
}

static void
test_kill_late (void)
{
  kill_and_check (900);
}

static void
test_kill_random (void)
{
  for (guint i = 0; i < 5; i++)
    kill_and_check (g_test_rand_int_range (1, CHILD_TOTAL - 50));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_strcmp0 (argv[1], "--child") == 0)
    return run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  g_test_add_func ("/outbox/kill-9/early", test_kill_early);
  g_test_add_func ("/outbox/kill-9/middle", test_kill_middle);
  g_test_add_func ("/outbox/kill-9/late", test_kill_late);
  g_test_add_func ("/outbox/kill-9/random", test_kill_random);

  return g_test_run ();
}
