/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-desktop"

#include "config.h"

#include <epoxy/gl.h>

#include "vz-renderer.h"

/* GDK's own key: the renderer named there is taken before GSK_RENDERER. */
#define GSK_RENDERER_KEY "gsk-renderer"
#define CHOSEN_KEY       "vz-renderer-chosen"

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

  env = g_getenv ("GSK_RENDERER");
  if (env != NULL && *env != '\0')
    return NULL;
  if (g_object_get_data (G_OBJECT (display), GSK_RENDERER_KEY) != NULL)
    return NULL;

  gl_renderer = vz_renderer_probe_gl (display);
  if (!vz_renderer_is_software (gl_renderer))
    return NULL;
  g_debug ("OpenGL draws on the CPU here (%s): windows are drawn with cairo", gl_renderer);
  g_object_set_data (G_OBJECT (display), GSK_RENDERER_KEY, (gpointer) "cairo");
  return "cairo";
}
