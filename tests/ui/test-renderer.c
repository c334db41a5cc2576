/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-renderer"

#include <gtk/gtk.h>
#include <gsk/gl/gskglrenderer.h>
#include <string.h>
#include <X11/Xlib.h>

#include "vz-gui.h"
#include "vz-renderer.h"

/*
 * How the app's windows are drawn: with GTK's cairo renderer where OpenGL
 * itself draws on the CPU (Xvfb's Mesa is llvmpipe), with GTK's choice
 * elsewhere, and always with the renderer a user names in GSK_RENDERER.
 * Each case runs in a child process: GTK reads GSK_RENDERER once.
 */

static void
test_software_names (void)
{
  g_assert_true (vz_renderer_is_software ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (vz_renderer_is_software ("softpipe"));
  g_assert_true (vz_renderer_is_software ("Mesa X11 swrast"));
  g_assert_true (vz_renderer_is_software ("Software Rasterizer"));
  g_assert_false (vz_renderer_is_software ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (vz_renderer_is_software ("AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)"));
  g_assert_false (vz_renderer_is_software ("NVIDIA GeForce GTX 1650/PCIe/SSE2"));
  g_assert_false (vz_renderer_is_software (""));
  g_assert_false (vz_renderer_is_software (NULL));
}

/* The X server's extensions tell, before GTK starts, where OpenGL can only
 * be software. */
static void
test_x11_extensions (void)
{
  const char *xvfb[] = { "BIG-REQUESTS", "Composite", "GLX", "RANDR", "XInputExtension", "XTEST", NULL };
  const char *mesa_gpu[] = { "DRI2", "DRI3", "GLX", "Present", "RANDR", NULL };
  const char *dri2_only[] = { "DRI2", "GLX", NULL };
  const char *nvidia[] = { "GLX", "NV-CONTROL", "NV-GLX", "RANDR", NULL };
  const char *none[] = { NULL };

  g_assert_true (vz_renderer_x11_gl_is_software (xvfb));
  g_assert_true (vz_renderer_x11_gl_is_software (none));
  g_assert_false (vz_renderer_x11_gl_is_software (mesa_gpu));
  g_assert_false (vz_renderer_x11_gl_is_software (dri2_only));
  g_assert_false (vz_renderer_x11_gl_is_software (nvidia));
}

/* This test's X server's answer, asked the way the app asks it, on
 * @xdisplay: the caller keeps it open until GDK has its own connection, for
 * an X server whose last client leaves starts over, and a connection asked
 * for meanwhile is refused. */
static gboolean
this_server_gl_is_software (Display *xdisplay)
{
  g_auto(GStrv) extensions = NULL;

  g_assert_nonnull (xdisplay);
  extensions = vz_renderer_x11_extensions (xdisplay);
  return vz_renderer_x11_gl_is_software ((const char * const *) extensions);
}

static gboolean
is_realized (gpointer data)
{
  return gtk_widget_get_realized (data);
}

/* A window of the app's kind, shown; its renderer once it is realized. */
static GType
shown_window_renderer (void)
{
  GtkWidget *window = gtk_window_new ();
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GType type;

  gtk_window_set_default_size (GTK_WINDOW (window), 320, 200);
  gtk_window_present (GTK_WINDOW (window));
  while (!is_realized (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_widget_get_realized (window));
  type = G_OBJECT_TYPE (gtk_native_get_renderer (GTK_NATIVE (window)));
  gtk_window_destroy (GTK_WINDOW (window));
  return type;
}

static void
child_chosen_here (void)
{
  g_autofree char *gl_renderer = NULL;
  const char *chosen;

  gtk_init ();
  gl_renderer = vz_renderer_probe_gl (gdk_display_get_default ());
  if (gl_renderer == NULL)
    {
      g_test_skip ("This display has no OpenGL: GTK draws with cairo by itself");
      return;
    }
  g_test_message ("OpenGL renderer here: %s", gl_renderer);
  vz_gui_init ();
  chosen = vz_renderer_choose (gdk_display_get_default ());
  if (vz_renderer_is_software (gl_renderer))
    {
      g_assert_cmpstr (chosen, ==, "cairo");
      g_assert_true (shown_window_renderer () == GSK_TYPE_CAIRO_RENDERER);
    }
  else
    {
      g_assert_null (chosen);
      g_assert_false (shown_window_renderer () == GSK_TYPE_CAIRO_RENDERER);
    }
  /* Asked again, the same answer without a second probe. */
  g_assert_cmpstr (vz_renderer_choose (gdk_display_get_default ()), ==, chosen);
}

static void
child_user_choice (void)
{
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
  gtk_init ();
  vz_gui_init ();
  g_assert_null (vz_renderer_choose (gdk_display_get_default ()));
  g_assert_true (shown_window_renderer () == GSK_TYPE_GL_RENDERER);
}

static void
child_prepared (void)
{
  Display *xdisplay = XOpenDisplay (NULL);
  gboolean software = this_server_gl_is_software (xdisplay);
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (g_getenv ("GSK_RENDERER"));
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "nograbs");
  g_test_message ("This X server's OpenGL is %s", software ? "software only" : "possibly a graphics card's");
  vz_renderer_prepare ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, software ? "nograbs,gl-disable" : "nograbs");
  gtk_init ();
  XCloseDisplay (xdisplay);
  vz_gui_init ();
  /* The user's own setting is back, for the programs the app starts. */
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "nograbs");
  context = gdk_display_create_gl_context (gdk_display_get_default (), &error);
  if (software)
    {
      /* GDK never loaded OpenGL, and the windows are drawn with cairo. */
      g_assert_null (context);
      g_assert_nonnull (error);
      g_assert_cmpstr (vz_renderer_choose (gdk_display_get_default ()), ==, "cairo");
      g_assert_true (shown_window_renderer () == GSK_TYPE_CAIRO_RENDERER);
    }
  else
    g_assert_no_error (error);
}

static void
run_child (const char *path,
           const char *renderer)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);

  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "GDK_DEBUG", "nograbs", TRUE);
  if (renderer != NULL)
    g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderer, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  child = g_subprocess_launcher_spawn (launcher, &error, self, "-p", path, "--child", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s", output);
  if (!g_subprocess_get_if_exited (child) || g_subprocess_get_exit_status (child) != 0)
    g_error ("%s failed in its own process:\n%s", path, output);
  if (strstr (output, "# SKIP") != NULL)
    g_test_skip ("Skipped in its own process (see its output)");
}

static gboolean child_mode;

static void
test_chosen_here (void)
{
  if (child_mode)
    child_chosen_here ();
  else
    run_child ("/renderer/chosen-here", NULL);
}

static void
test_user_choice (void)
{
  if (child_mode)
    child_user_choice ();
  else
    run_child ("/renderer/user-choice", "gl");
}

static void
test_prepared (void)
{
  if (child_mode)
    child_prepared ();
  else
    run_child ("/renderer/prepared", NULL);
}

int
main (int   argc,
      char *argv[])
{
  int kept = 1;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--child"))
      child_mode = TRUE;
    else
      argv[kept++] = argv[i];
  argv[kept] = NULL;
  argc = kept;
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/renderer/software-names", test_software_names);
  g_test_add_func ("/renderer/chosen-here", test_chosen_here);
  g_test_add_func ("/renderer/user-choice", test_user_choice);
  g_test_add_func ("/renderer/x11-extensions", test_x11_extensions);
  g_test_add_func ("/renderer/prepared", test_prepared);
  return g_test_run ();
}
