/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <math.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>

#include "vz-sim-render.h"

static cairo_status_t
write_to_byte_array (void                *closure,
                     const unsigned char *data,
                     unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_centered (cairo_t    *cr,
               const char *text,
               const char *font,
               int         width,
               double      center_y)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  int text_width;
  int text_height;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (width - 40) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  cairo_move_to (cr, 20, center_y - text_height / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

GBytes *
vz_sim_render_screenshot (const char  *name,
                          const char  *detail,
                          int          width,
                          int          height,
                          guint32      hue_seed,
                          GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_pattern_t *gradient;
  GByteArray *png = g_byte_array_new ();
  cairo_status_t status;
  /* Each screen gets its own tint, so screenshots of neighbours differ at a glance. */
  double hue = (hue_seed % 360) / 360.0;
  double r = 0.15 + 0.25 * (0.5 + 0.5 * sin (2 * G_PI * hue));
  double g = 0.15 + 0.25 * (0.5 + 0.5 * sin (2 * G_PI * (hue + 1.0 / 3)));
  double b = 0.25 + 0.25 * (0.5 + 0.5 * sin (2 * G_PI * (hue + 2.0 / 3)));

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);

  gradient = cairo_pattern_create_linear (0, 0, 0, height);
  cairo_pattern_add_color_stop_rgb (gradient, 0, r, g, b);
  cairo_pattern_add_color_stop_rgb (gradient, 1, r * 0.3, g * 0.3, b * 0.3);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_pattern_destroy (gradient);

  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_centered (cr, name, "Sans Bold 34", width, height * 0.45);
  if (detail != NULL)
    {
      cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
      draw_centered (cr, detail, "Sans 14", width, height * 0.68);
    }

  cairo_destroy (cr);
  status = cairo_surface_write_to_png_stream (surface, write_to_byte_array, png);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (png);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not draw the screenshot: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (png);
}
