/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <stdio.h>

#include "fuzz-common.h"

/*
 * Without libFuzzer (a gcc build), a fuzz target runs every file named on
 * the command line, or every file in a folder named there, once: the seed
 * corpus and every input a fuzzer once crashed on stay tested in the normal
 * and sanitizer suites.
 */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  fprintf (stderr, "Running %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  /* A copy of exactly the input's size, so that AddressSanitizer sees a read past it. */
  {
    g_autofree guint8 *exact = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (exact, length);
  }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  guint count = 0;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s FILE-OR-FOLDER…\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          GDir *dir = g_dir_open (argv[i], 0, &error);
          const char *name;

          if (dir == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          while ((name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          g_dir_close (dir);
          g_ptr_array_sort (names, compare_paths);
          /* An empty corpus would make this test pass without testing anything. */
          if (names->len == 0)
            {
              fprintf (stderr, "The corpus %s is empty.\n", argv[i]);
              return 1;
            }
          for (guint j = 0; j < names->len; j++)
            {
              if (!run_file (g_ptr_array_index (names, j)))
                return 1;
              count++;
            }
        }
      else
        {
          if (!run_file (argv[i]))
            return 1;
          count++;
        }
    }
  printf ("%u inputs ran without a finding\n", count);
  return 0;
}
