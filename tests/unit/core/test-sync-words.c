/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-words"

#include "vz-sync-words.h"

static void
assert_status_label (guint       pending,
                     guint       failed,
                     guint       conflicts,
                     const char *expected)
{
  g_autofree char *label = vz_words_status_label ("Online", pending, failed, conflicts);

  g_assert_cmpstr (label, ==, expected);
}

/*
 * The header counts what waits, what the server refused and what is in
 * conflict, each in its own words; failed changes and conflicts are among
 * the pending ones and are not counted twice.
 */
static void
test_status_label (void)
{
  assert_status_label (0, 0, 0, "Online");
  assert_status_label (3, 0, 0, "Online · 3 pending");
  assert_status_label (2, 1, 0, "Online · 1 pending · 1 failed");
  assert_status_label (2, 0, 1, "Online · 1 pending · 1 conflict");
  assert_status_label (2, 0, 2, "Online · 2 conflicts");
  assert_status_label (4, 1, 2, "Online · 1 pending · 1 failed · 2 conflicts");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/words/status-label", test_status_label);

  return g_test_run ();
}
