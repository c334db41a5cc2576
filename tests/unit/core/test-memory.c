/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-memory"

#include "config.h"

#include <malloc.h>

#include "vz-memory.h"
#include "vz-test-process.h"

/* As the app starts (src/gui/main.c). */
VZ_MEMORY_SLICES_FROM_MALLOC_AT_START

static char **test_argv;

/* AddressSanitizer has an allocator of its own: nothing here is glibc's. */
#if defined(__SANITIZE_ADDRESS__)
static const gboolean under_asan = TRUE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static const gboolean under_asan = TRUE;
#else
static const gboolean under_asan = FALSE;
#endif
#else
static const gboolean under_asan = FALSE;
#endif

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* Slices freed go back to malloc at once (a slice cache would keep them):
 * in a process started with main()'s argv, as the app starts, and without
 * starting it again. */
static void
test_slices_from_malloc (void)
{
  if (under_asan)
    {
      g_test_skip ("AddressSanitizer has an allocator of its own");
      return;
    }
  if (g_test_subprocess ())
    {
      const guint n = 200000;
      g_autofree gpointer *blocks = g_new (gpointer, n);
      gsize before, allocated, freed;

      /* A process started again would run this test from its start with
       * the mark set. */
      g_assert_null (g_getenv ("VZ_TEST_MEMORY_MARK"));
      g_setenv ("VZ_TEST_MEMORY_MARK", "1", TRUE);
      vz_memory_use_malloc_for_slices (test_argv);
      /* The processes it starts take slices from malloc too. */
      if (glib_check_version (2, 76, 0) != NULL)
        g_assert_cmpstr (g_getenv ("G_SLICE"), ==, "always-malloc");

      before = heap_in_use ();
      for (guint i = 0; i < n; i++)
        blocks[i] = g_slice_alloc (40);
      allocated = heap_in_use ();
      for (guint i = 0; i < n; i++)
        g_slice_free1 (40, blocks[i]);
      freed = heap_in_use ();
      g_assert_cmpuint (allocated - before, >=, n * 40);
      /* Back to malloc: at most a little above where it began. */
      g_assert_cmpuint (freed, <, before + (allocated - before) / 10);
      return;
    }

  /* A G_SLICE given to the tests is theirs: the app leaves it alone too. */
  if (g_getenv ("G_SLICE") != NULL && g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0)
    {
      g_test_skip ("G_SLICE is set to something else");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* What a large read freed leaves the process once trimmed. */
static void
test_trim_gives_back (void)
{
  const guint n = 400000;   /* 400,000 blocks of 100 bytes: about 45 MiB with their headers */
  g_autofree gpointer *blocks = g_new (gpointer, n);
  gpointer keep;
  double filled, freed, trimmed;

  if (under_asan)
    {
      g_test_skip ("AddressSanitizer has an allocator of its own");
      return;
    }
  for (guint i = 0; i < n; i++)
    blocks[i] = memset (g_malloc (100), 1, 100);
  /* A block allocated last, still in use, stops the heap's top from
   * shrinking by itself: only a trim gives the pages under it back. */
  keep = g_malloc (100);
  filled = vz_test_rss_mib ();
  for (guint i = 0; i < n; i++)
    g_free (blocks[i]);
  freed = vz_test_rss_mib ();
  g_assert_true (vz_memory_trim ());
  trimmed = vz_test_rss_mib ();
  g_test_message ("RSS filled %.1f MiB, freed %.1f MiB, trimmed %.1f MiB", filled, freed, trimmed);
  g_assert_cmpfloat (freed - trimmed, >, 30);
  g_free (keep);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* g_test_init() takes its own options out of argv: the subprocess starts
   * again with all of them. */
  test_argv = g_strdupv (argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/memory/slices-from-malloc", test_slices_from_malloc);
  g_test_add_func ("/core/memory/trim-gives-back", test_trim_gives_back);
  status = g_test_run ();
  g_strfreev (test_argv);
  return status;
}
