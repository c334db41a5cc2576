/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-desktop"

#include "config.h"

#include <epoxy/gl.h>

#include "vz-renderer.h"

#ifdef GDK_WINDOWING_X11
#include <X11/Xlib.h>
#endif

/* GDK's own key: the renderer named there is taken before GSK_RENDERER. */
#define GSK_RENDERER_KEY "gsk-renderer"
#define CHOSEN_KEY       "vz-renderer-chosen"

/* Set by vz_renderer_prepare() when it turned GDK's OpenGL off. */
static gboolean gl_turned_off;
static char *gdk_debug_before;
/* Its X connection, closed once GDK has its own: an X server whose last
 * client leaves starts over (Xvfb takes 0.1 s), and GDK would wait. */
static gpointer prepare_connection;

gboolean
vz_renderer_is_software (const char *gl_renderer)
{
  static const char * const software[] = { "llvmpipe", "softpipe", "swrast", "software rasterizer" };
  g_autofree char *lower = NULL;

  if (gl_renderer == NULL)
    return FALSE;
  lower = g_ascii_strdown (gl_renderer, -1);
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (lower, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
vz_renderer_x11_gl_is_software (const char * const *extensions)
{
  /* Direct rendering on a graphics card needs DRI3 or DRI2 (Mesa's
   * drivers) or NVIDIA's own GLX; without them Mesa draws on the CPU. */
  static const char * const direct[] = { "DRI3", "DRI2", "NV-GLX" };

  g_return_val_if_fail (extensions != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (direct); i++)
    if (g_strv_contains (extensions, direct[i]))
      return FALSE;
  return TRUE;
}

#ifdef GDK_WINDOWING_X11
/* Whether GDK will open its display on X11 (not Wayland). */
static gboolean
uses_x11 (void)
{
  const char *backend = g_getenv ("GDK_BACKEND");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  if (g_getenv ("DISPLAY") == NULL)
    return FALSE;
  if (backend != NULL && *backend != '\0')
    return g_str_equal (backend, "x11");
  return wayland == NULL || *wayland == '\0';
}
#endif

#ifdef GDK_WINDOWING_X11
GStrv
vz_renderer_x11_extensions (Display *xdisplay)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  char **list;
  int n = 0;

  g_return_val_if_fail (xdisplay != NULL, NULL);

  list = XListExtensions (xdisplay, &n);
  for (int i = 0; list != NULL && i < n; i++)
    g_strv_builder_add (names, list[i]);
  if (list != NULL)
    XFreeExtensionList (list);
  return g_strv_builder_end (names);
}
#endif

void
vz_renderer_prepare (void)
{
#ifdef GDK_WINDOWING_X11
  const char *env = g_getenv ("GSK_RENDERER");
  g_auto(GStrv) extensions = NULL;
  Display *xdisplay;

  if ((env != NULL && *env != '\0') || gl_turned_off || !uses_x11 ())
    return;
  /* A connection of its own, before GDK's: a few round trips. */
  xdisplay = XOpenDisplay (NULL);
  if (xdisplay == NULL)
    return;
  extensions = vz_renderer_x11_extensions (xdisplay);
  prepare_connection = xdisplay;
  if (!vz_renderer_x11_gl_is_software ((const char * const *) extensions))
    return;

  /* GDK would load OpenGL (Mesa and LLVM) to open the display, only for
   * its windows to be drawn with cairo: it is turned off while GTK starts,
   * and the setting is put back for programs the app starts. */
  gdk_debug_before = g_strdup (g_getenv ("GDK_DEBUG"));
  if (gdk_debug_before != NULL && *gdk_debug_before != '\0')
    {
      g_autofree char *value = g_strconcat (gdk_debug_before, ",gl-disable", NULL);

      g_setenv ("GDK_DEBUG", value, TRUE);
    }
  else
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  gl_turned_off = TRUE;
#endif
}

char *
vz_renderer_probe_gl (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GLubyte *name;
  char *result;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No OpenGL on this display: %s", error->message);
      return NULL;
    }
  gdk_gl_context_make_current (context);
  name = glGetString (GL_RENDERER);
  result = name != NULL ? g_strdup ((const char *) name) : NULL;
  gdk_gl_context_clear_current ();
  return result;
}

const char *
vz_renderer_choose (GdkDisplay *display)
{
  g_autofree char *gl_renderer = NULL;
  const char *env;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  if (g_object_get_data (G_OBJECT (display), CHOSEN_KEY) != NULL)
    return g_object_get_data (G_OBJECT (display), GSK_RENDERER_KEY);
  g_object_set_data (G_OBJECT (display), CHOSEN_KEY, GINT_TO_POINTER (TRUE));

#ifdef GDK_WINDOWING_X11
  g_clear_pointer (&prepare_connection, XCloseDisplay);
#endif

  env = g_getenv ("GSK_RENDERER");
  if (env != NULL && *env != '\0')
    return NULL;
  if (g_object_get_data (G_OBJECT (display), GSK_RENDERER_KEY) != NULL)
    return NULL;

  if (gl_turned_off)
    {
      if (gdk_debug_before != NULL)
        g_setenv ("GDK_DEBUG", gdk_debug_before, TRUE);
      else
        g_unsetenv ("GDK_DEBUG");
      g_clear_pointer (&gdk_debug_before, g_free);
      g_debug ("This X server offers no direct rendering: windows are drawn with cairo");
      g_object_set_data (G_OBJECT (display), GSK_RENDERER_KEY, (gpointer) "cairo");
      return "cairo";
    }

  gl_renderer = vz_renderer_probe_gl (display);
  if (!vz_renderer_is_software (gl_renderer))
    return NULL;
  g_debug ("OpenGL draws on the CPU here (%s): windows are drawn with cairo", gl_renderer);
  g_object_set_data (G_OBJECT (display), GSK_RENDERER_KEY, (gpointer) "cairo");
  return "cairo";
}
