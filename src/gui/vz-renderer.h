/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether @gl_renderer (OpenGL's GL_RENDERER string) names a rasterizer
 * that draws on the CPU: Mesa's llvmpipe, softpipe or swrast. */
gboolean    vz_renderer_is_software (const char *gl_renderer);

/* Whether an X server offering @extensions (their names) can only give
 * OpenGL that draws on the CPU: none of DRI3, DRI2 or NVIDIA's GLX. */
gboolean    vz_renderer_x11_gl_is_software (const char * const *extensions);

#ifdef GDK_WINDOWING_X11
struct _XDisplay;
/* The names of the extensions the X server of @xdisplay offers (a Display *
 * of Xlib; transfer full). */
GStrv       vz_renderer_x11_extensions     (struct _XDisplay *xdisplay);
#endif

/*
 * Called before GTK starts (gtk_init(), or the application's startup). On
 * an X server where OpenGL can only draw on the CPU, GDK's OpenGL is turned
 * off, which spares loading Mesa and LLVM at start; vz_renderer_choose()
 * then picks cairo without a probe. Nothing when GSK_RENDERER is set or
 * the display is not X11.
 */
void        vz_renderer_prepare     (void);

/* The GL_RENDERER string of @display's OpenGL, or NULL when it has none
 * (transfer full). Makes a GL context on the calling (main) thread. */
char       *vz_renderer_probe_gl    (GdkDisplay *display);

/*
 * Chooses how the windows of @display are drawn, once per display, before
 * the first window is shown. GTK 4.8 draws with OpenGL wherever OpenGL
 * exists, also where OpenGL itself draws on the CPU (a virtual machine, a
 * remote desktop, Xvfb); there its cairo renderer draws the app's lists in
 * a fraction of the time, as GTK itself does from 4.14 on. A GSK_RENDERER
 * set by the user is left alone. Returns the renderer chosen ("cairo"), or
 * NULL where GTK's own choice stands.
 */
const char *vz_renderer_choose      (GdkDisplay *display);

G_END_DECLS
