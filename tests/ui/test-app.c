/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-app"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

/*
 * The vizora-desktop command line as people and scripts use it: bad values
 * are refused with a sentence and a non-zero status before any window opens.
 */

static const char *app_path;

static void
run (const char * const *args,
     int                 expected_status,
     const char         *expected_in_output)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) app_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, expected_status);
  if (strstr (out, expected_in_output) == NULL && strstr (err, expected_in_output) == NULL)
    g_error ("Expected “%s” in the output of %s; got:\n%s%s", expected_in_output, args[0], out, err);
}

static void
test_version (void)
{
  run ((const char *[]) { "--version", NULL }, 0, PACKAGE_VERSION);
}

static void
test_bad_demo (void)
{
  run ((const char *[]) { "--demo", "20000", NULL }, 2, "--demo takes a number of screens from 0 to 10000");
}

static void
test_bad_server (void)
{
  run ((const char *[]) { "--server", "ftp://example.test", NULL }, 2, "--server needs an address like");
}

static void
test_local_and_server (void)
{
  run ((const char *[]) { "--local", "--server", "http://127.0.0.1:3000", NULL }, 2, "either --local or --server");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  app_path = g_getenv ("VIZORA_DESKTOP_BIN");
  g_assert_nonnull (app_path);

  g_test_add_func ("/ui/app/version", test_version);
  g_test_add_func ("/ui/app/bad-demo", test_bad_demo);
  g_test_add_func ("/ui/app/bad-server", test_bad_server);
  g_test_add_func ("/ui/app/local-and-server", test_local_and_server);

  return g_test_run ();
}
