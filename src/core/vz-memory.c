/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-memory"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#if HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include <gio/gio.h>

#include "vz-memory.h"

/* Set by vz_memory_preinit() before any other code of the process ran. */
static gboolean slices_set_early;

/*
 * Called by the dynamic linker before the constructors of the libraries
 * (VZ_MEMORY_SLICES_FROM_MALLOC_AT_START), so before GLib's first slice:
 * nothing of GLib may be used here that needs GLib set up, only its version
 * numbers and the slice allocator's configuration, which it reads at its
 * first slice. @envp is the environment as the process was given it (the C
 * library does not have it yet).
 */
void
vz_memory_preinit (int    argc,
                   char **argv,
                   char **envp)
{
  if (glib_check_version (2, 76, 0) == NULL)
    return;
  for (char **var = envp; var != NULL && *var != NULL; var++)
    if (strncmp (*var, "G_SLICE=", strlen ("G_SLICE=")) == 0)
      return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_slice_set_config (G_SLICE_CONFIG_ALWAYS_MALLOC, TRUE);
  G_GNUC_END_IGNORE_DEPRECATIONS
  slices_set_early = TRUE;
}

void
vz_memory_use_malloc_for_slices (char **argv)
{
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  if (glib_check_version (2, 76, 0) == NULL || g_getenv ("G_SLICE") != NULL)
    return;

  /* Set before the exec, so that the program started again does not come
   * back here: it sees G_SLICE and goes on. Set too when this process already
   * takes slices from malloc(), for the processes it starts. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  if (slices_set_early)
    return;
  execv ("/proc/self/exe", argv);
  g_debug ("Could not start again with G_SLICE=always-malloc (%s); GLib keeps its slice caches",
           g_strerror (errno));
}

gboolean
vz_memory_trim (void)
{
#if HAVE_MALLOC_TRIM
  gint64 start = g_get_monotonic_time ();
  gboolean released = malloc_trim (0) != 0;

  g_debug ("malloc_trim: %s in %.1f ms", released ? "memory given back" : "nothing to give back",
           (g_get_monotonic_time () - start) / 1000.0);
  return released;
#else
  return FALSE;
#endif
}

static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_boolean (task, vz_memory_trim ());
}

void
vz_memory_trim_in_thread (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, vz_memory_trim_in_thread);
  g_task_run_in_thread (task, trim_thread);
}
