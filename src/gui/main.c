/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-desktop"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "vz-application.h"
#include "vz-memory.h"
#include "vz-renderer.h"

VZ_MEMORY_SLICES_FROM_MALLOC_AT_START

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VzApplication) app = NULL;

  vz_memory_use_malloc_for_slices (argv);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  vz_renderer_prepare ();
  app = vz_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
