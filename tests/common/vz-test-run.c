/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-test-run"

#include <stdarg.h>

#include "vz-test-run.h"

void
vz_test_keep_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
vz_test_wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

void
vz_test_run (VzTestRun           *run,
             GSubprocessLauncher *launcher,
             const char * const  *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

void
vz_test_run_vizoractl_valist (VzTestRun           *run,
                              GSubprocessLauncher *launcher,
                              const char          *server_url,
                              va_list              args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_ptr_array_add (argv, (gpointer) g_getenv ("VIZORACTL_BIN"));
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, (gpointer) server_url);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  vz_test_run (run, launcher, (const char * const *) argv->pdata);
}

void
vz_test_run_vizoractl (VzTestRun  *run,
                       const char *server_url,
                       const char *token,
                       ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  va_list args;

  g_subprocess_launcher_setenv (launcher, "VIZORA_TOKEN", token, TRUE);
  va_start (args, token);
  vz_test_run_vizoractl_valist (run, launcher, server_url, args);
  va_end (args);
}

void
vz_test_run_clear (VzTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}
