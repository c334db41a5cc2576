/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* F_SETPIPE_SZ */
#define G_LOG_DOMAIN "test-outbox-writer"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox-test-util.h"

/*
 * The journal's writer thread when the disk misbehaves: a compaction that
 * fails leaves no descriptor behind, and closing the outbox does not wait
 * for a writer stuck in its I/O.
 *
 * A compaction writes the live records to "<journal>.tmp", syncs it and
 * renames it over the journal. A FIFO in place of that file makes the real
 * fsync() fail (a FIFO cannot be synced: EINVAL) with the test reading what
 * the writer sends into it; without a reader, the writer's open() of it
 * blocks the way a slow disk blocks fdatasync().
 */

typedef struct {
  char *dir;
  char *path;
  char *tmp_path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "outbox.journal", NULL);
  f->tmp_path = g_strconcat (f->path, ".tmp", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_rm_rf (f->dir);
  g_free (f->tmp_path);
  g_free (f->path);
  g_free (f->dir);
}

static guint
count_open_fds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The writer thread closes what it opened a moment after the file on disk
 * shows its work: give it that moment (a leak never settles), then count. */
static guint
settled_open_fds (guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint n;

  while ((n = count_open_fds ()) != expected && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return n;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* A FIFO where the compaction writes its copy, with a reader open so the
 * writer's open() does not wait; returns the reader. */
static int
plant_fifo (Fixture *f)
{
  int fd;

  g_assert_cmpint (mkfifo (f->tmp_path, 0600), ==, 0);
  fd = open (f->tmp_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  /* Room for every live record the copy sends, so the writer never waits. */
  g_assert_cmpint (fcntl (fd, F_SETPIPE_SZ, 1024 * 1024), >=, 1024 * 1024);
  return fd;
}

/* Queues @n renames and commits all but every tenth, which leaves the
 * journal mostly dead records: the writer compacts once it passes 64 KiB.
 * Returns with everything written and any compaction over: the writer
 * answers a flush first and compacts after it, so a second flush, queued
 * behind that compaction, returns only once it has succeeded or failed. */
static void
grow_journal (VzOutbox *outbox,
              guint     round,
              guint     n)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *display = g_strdup_printf ("display-%u-%u", round, i);
      g_autofree char *name = g_strdup_printf ("A name long enough to take some room in the journal, %u/%u", round, i);

      g_ptr_array_add (list, test_make_rename (display, name, "Old"));
    }
  test_enqueue_all (outbox, list);
  for (guint i = 0; i < n; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (list, i));

      if (i % 10 == 0)
        continue;
      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (vz_outbox_mark_done (outbox, id, &error));
    }
  g_assert_no_error (error);
  test_flush (outbox);
  test_flush (outbox);
}

static void
test_failed_compaction_keeps_no_descriptor (Fixture       *f,
                                            gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  guint fds_before;
  gint64 failed_at;
  guint live;
  int reader;

  /* Open whatever GLib opens lazily before counting. */
  grow_journal (outbox, 0, 10);
  reader = plant_fifo (f);
  fds_before = count_open_fds ();

  /* The first compaction fails in fsync(). */
  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_WARNING, "*Could not compact*");
  for (guint round = 1; g_file_test (f->tmp_path, G_FILE_TEST_EXISTS); round++)
    {
      g_assert_cmpuint (round, <, 20);
      grow_journal (outbox, round, 200);
    }
  g_test_assert_expected_messages ();
  failed_at = file_size (f->path);
  g_assert_cmpint (failed_at, >, 64 * 1024);
  g_assert_cmpuint (settled_open_fds (fds_before), ==, fds_before);

  /* Later batches do not retry at once (nor leak anything) ... */
  for (guint round = 100; round < 103; round++)
    {
      grow_journal (outbox, round, 20);
      g_assert_cmpuint (settled_open_fds (fds_before), ==, fds_before);
    }
  g_assert_cmpint (file_size (f->path), >, failed_at);

  /* ... but once the journal has doubled, and that attempt fails again in
   * the same way, it too leaves no descriptor open. */
  g_assert_false (g_file_test (f->tmp_path, G_FILE_TEST_EXISTS));
  close (reader);
  reader = plant_fifo (f);
  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_WARNING, "*Could not compact*");
  for (guint round = 200; g_file_test (f->tmp_path, G_FILE_TEST_EXISTS); round++)
    {
      g_assert_cmpuint (round, <, 220);
      grow_journal (outbox, round, 200);
    }
  g_test_assert_expected_messages ();
  g_assert_cmpuint (settled_open_fds (fds_before), ==, fds_before);
  close (reader);

  /* With a disk that works again, the next attempt compacts. */
  failed_at = file_size (f->path);
  live = vz_outbox_get_count (outbox);
  for (guint round = 300; file_size (f->path) >= failed_at; round++)
    {
      g_assert_cmpuint (round, <, 320);
      grow_journal (outbox, round, 200);
    }
  g_assert_cmpuint (settled_open_fds (fds_before - 1), ==, fds_before - 1);
  g_assert_cmpuint (vz_outbox_get_count (outbox), >, live);
  live = vz_outbox_get_count (outbox);
  test_close (outbox);

  /* Every live change survived the failed attempts and the good one. */
  outbox = test_open (f->path);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, live);
  test_close (outbox);
}

/* Opens the FIFO for reading if the test has not done so by the deadline,
 * so that a close that waits for the writer fails the test instead of
 * hanging it. */
typedef struct {
  GMutex lock;
  GCond cond;
  const char *fifo;
  gboolean stop;       /* guarded by lock */
  gboolean released;   /* guarded by lock */
  int reader;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_mutex_lock (&w->lock);
  while (!w->stop)
    if (!g_cond_wait_until (&w->cond, &w->lock, deadline))
      {
        w->reader = open (w->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        w->released = TRUE;
        break;
      }
  g_mutex_unlock (&w->lock);
  return NULL;
}

static void
test_close_does_not_wait_for_writer (Fixture       *f,
                                     gconstpointer  data)
{
  VzOutbox *outbox = test_open (f->path);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  Watchdog w = { .fifo = f->tmp_path, .reader = -1 };
  GThread *watchdog;
  gboolean released;
  int reader;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *display = g_strdup_printf ("display-%u", i);
      g_autofree char *name = g_strdup_printf ("A name long enough to take some room in the journal, %u", i);

      g_ptr_array_add (list, test_make_rename (display, name, "Old"));
    }
  test_enqueue_all (outbox, list);
  g_assert_cmpint (file_size (f->path), >, 64 * 1024);

  /* Committing all but ten makes the writer compact, into a FIFO nobody
   * reads: it blocks there. Nobody waits for these removals. */
  g_assert_cmpint (mkfifo (f->tmp_path, 0600), ==, 0);
  for (guint i = 10; i < list->len; i++)
    {
      const char *id = vz_mutation_get_id (g_ptr_array_index (list, i));

      g_assert_true (vz_outbox_mark_sending (outbox, id, &error));
      g_assert_true (vz_outbox_mark_done (outbox, id, &error));
    }
  g_assert_no_error (error);

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  watchdog = g_thread_new ("watchdog", watchdog_thread, &w);

  /* Returns at once: the writer is (or soon is) stuck in the compaction,
   * which fails in fsync() once it is let go. */
  g_test_expect_message ("vz-outbox", G_LOG_LEVEL_WARNING, "*Could not compact*");
  g_assert_finalize_object (outbox);

  g_mutex_lock (&w.lock);
  released = w.released;
  w.stop = TRUE;
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (watchdog);
  if (w.reader >= 0)
    close (w.reader);
  g_assert_false (released);

  /* Let the writer go and end. */
  reader = open (f->tmp_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (reader, >=, 0);
  _vz_outbox_wait_for_writers ();
  g_test_assert_expected_messages ();
  close (reader);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);

  /* Everything queued before the close reached the journal: only the ten
   * uncommitted changes are left. */
  outbox = test_open (f->path);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_nonnull (vz_outbox_lookup (outbox, vz_mutation_get_id (g_ptr_array_index (list, i))));
  test_close (outbox);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/outbox/writer/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("failed-compaction-keeps-no-descriptor", test_failed_compaction_keeps_no_descriptor);
  ADD ("close-does-not-wait-for-writer", test_close_does_not_wait_for_writer);

  return g_test_run ();
}
