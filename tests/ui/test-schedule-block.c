/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-block"

#include <adwaita.h>

#include "vz-schedule-block.h"
#include "vz-ui-test-util.h"

/*
 * A block of the week view as the software (cairo) renderer turns it into
 * pixels: its edge and fill where they belong in every state, the corner
 * pixels left out, translucent colours kept translucent (the pieces must
 * not overlap), the bar along the part that plays, the text inside.
 */

#define WIDTH 60
#define HEIGHT 80
/* Drawn with this much room around the block, to see nothing goes there. */
#define MARGIN 8

typedef struct {
  guchar *pixels;   /* ARGB32, premultiplied */
  gsize   stride;
} Picture;

static gboolean
allocated (gpointer block)
{
  return gtk_widget_get_width (block) == WIDTH && gtk_widget_get_height (block) == HEIGHT;
}

static void
draw (VzBlockState state,
      const char  *markup_title,
      Picture     *picture)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *block = vz_schedule_block_new ();
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  vz_schedule_block_set (VZ_SCHEDULE_BLOCK (block), "s1", markup_title, "Playlist", "08:00–12:00",
                         state == VZ_BLOCK_WINS || state == VZ_BLOCK_WINS_PART ? "Plays" : NULL, "label", 0, state,
                         0.25, 0.5);
  gtk_widget_set_size_request (block, WIDTH, HEIGHT);
  gtk_widget_set_halign (block, GTK_ALIGN_START);
  gtk_widget_set_valign (block, GTK_ALIGN_START);
  gtk_window_set_child (GTK_WINDOW (window), block);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (allocated, block, 10));

  g_assert_true (gsk_renderer_realize (renderer, gtk_native_get_surface (GTK_NATIVE (window)), &error));
  g_assert_no_error (error);
  GTK_WIDGET_GET_CLASS (block)->snapshot (block, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (-MARGIN, -MARGIN, WIDTH + 2 * MARGIN, HEIGHT + 2 * MARGIN));
  gsk_renderer_unrealize (renderer);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, WIDTH + 2 * MARGIN);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, HEIGHT + 2 * MARGIN);
  picture->stride = (WIDTH + 2 * MARGIN) * 4;
  picture->pixels = g_malloc0 (picture->stride * (HEIGHT + 2 * MARGIN));
  gdk_texture_download (texture, picture->pixels, picture->stride);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The pixel at (@x, @y) of the block (-MARGIN to its size + MARGIN),
 * unpremultiplied, as 0–255 values. */
static void
pixel (const Picture *picture,
       int            x,
       int            y,
       int           *r,
       int           *g,
       int           *b,
       int           *a)
{
  guint32 p = *(const guint32 *) (picture->pixels + (y + MARGIN) * picture->stride + (x + MARGIN) * 4);

  *a = (int) (p >> 24);
  *r = *a > 0 ? (int) (((p >> 16) & 0xff) * 255 / *a) : 0;
  *g = *a > 0 ? (int) (((p >> 8) & 0xff) * 255 / *a) : 0;
  *b = *a > 0 ? (int) ((p & 0xff) * 255 / *a) : 0;
}

/* Asserts the colour at (@x, @y) within 3 of each part of @want, alpha 0–1. */
static void
assert_pixel (const Picture *picture,
              int            x,
              int            y,
              const GdkRGBA *want,
              float          alpha)
{
  int r, g, b, a;

  pixel (picture, x, y, &r, &g, &b, &a);
  if (ABS (a - (int) (alpha * 255 + 0.5f)) > 3
      || (a > 0 && (ABS (r - (int) (want->red * 255 + 0.5f)) > 3 || ABS (g - (int) (want->green * 255 + 0.5f)) > 3
                    || ABS (b - (int) (want->blue * 255 + 0.5f)) > 3)))
    g_error ("pixel (%d, %d) is %d,%d,%d alpha %d; expected %.0f,%.0f,%.0f alpha %.0f", x, y, r, g, b, a,
             want->red * 255, want->green * 255, want->blue * 255, alpha * 255);
}

static void
edge_of (const GdkRGBA *fill,
         GdkRGBA       *edge)
{
  *edge = (GdkRGBA) { fill->red * 0.45f, fill->green * 0.45f, fill->blue * 0.45f, 1.f };
}

/* An empty title, so that no text covers the pixels looked at. */
static void
test_block_loses (void)
{
  Picture picture;
  GdkRGBA fill, edge;

  vz_schedule_block_colour (0, &fill);
  edge_of (&fill, &edge);
  draw (VZ_BLOCK_LOSES, "", &picture);
  assert_pixel (&picture, 0, 0, &edge, 0.f);
  assert_pixel (&picture, WIDTH - 1, HEIGHT - 1, &edge, 0.f);
  assert_pixel (&picture, 1, 0, &edge, 1.f);
  assert_pixel (&picture, 0, 1, &edge, 1.f);
  assert_pixel (&picture, WIDTH - 1, HEIGHT / 2, &edge, 1.f);
  assert_pixel (&picture, WIDTH / 2, HEIGHT - 1, &edge, 1.f);
  assert_pixel (&picture, 1, HEIGHT / 2, &fill, 0.6f);
  assert_pixel (&picture, WIDTH - 2, HEIGHT - 2, &fill, 0.6f);
  g_free (picture.pixels);
}

static void
test_block_off (void)
{
  Picture picture;
  GdkRGBA fill, edge;

  vz_schedule_block_colour (0, &fill);
  edge_of (&fill, &edge);
  draw (VZ_BLOCK_OFF, "", &picture);
  /* Half-transparent edges, not drawn twice where the pieces meet. */
  assert_pixel (&picture, 0, 1, &edge, 0.5f);
  assert_pixel (&picture, 1, 0, &edge, 0.5f);
  assert_pixel (&picture, 0, HEIGHT - 2, &edge, 0.5f);
  assert_pixel (&picture, WIDTH - 2, HEIGHT - 1, &edge, 0.5f);
  assert_pixel (&picture, WIDTH / 2, HEIGHT / 2, &fill, 0.35f);
  assert_pixel (&picture, 0, 0, &edge, 0.f);
  g_free (picture.pixels);
}

static void
test_block_wins (void)
{
  Picture picture;
  GdkRGBA fill, dark = { 0.08f, 0.08f, 0.08f, 1.f };

  vz_schedule_block_colour (0, &fill);
  draw (VZ_BLOCK_WINS, "", &picture);
  for (int x = 0; x < 3; x++)
    assert_pixel (&picture, x, HEIGHT - 12, &dark, 1.f);
  assert_pixel (&picture, 3, HEIGHT - 12, &fill, 1.f);
  assert_pixel (&picture, WIDTH - 4, HEIGHT - 12, &fill, 1.f);
  assert_pixel (&picture, WIDTH - 3, HEIGHT - 12, &dark, 1.f);
  assert_pixel (&picture, WIDTH / 2, HEIGHT - 3, &dark, 1.f);
  assert_pixel (&picture, WIDTH / 2, HEIGHT - 4, &fill, 1.f);
  assert_pixel (&picture, 0, 0, &dark, 0.f);
  g_free (picture.pixels);
}

/* The bar marks rows 20–40 (a quarter to half of 80) along the left edge. */
static void
test_block_wins_part (void)
{
  Picture picture;
  GdkRGBA fill, dark = { 0.08f, 0.08f, 0.08f, 1.f };

  vz_schedule_block_colour (0, &fill);
  draw (VZ_BLOCK_WINS_PART, "", &picture);
  assert_pixel (&picture, 4, 19, &fill, 1.f);
  assert_pixel (&picture, 4, 20, &dark, 1.f);
  assert_pixel (&picture, 5, 39, &dark, 1.f);
  assert_pixel (&picture, 6, 30, &fill, 1.f);
  assert_pixel (&picture, 4, 40, &fill, 1.f);
  g_free (picture.pixels);
}

/* The words are drawn, darker than the fill, and only inside the box. */
static void
test_block_text (void)
{
  Picture picture;
  int darker = 0;
  int outside = 0;

  draw (VZ_BLOCK_LOSES, "A name far too long to fit in a block this narrow", &picture);
  for (int y = 1; y < HEIGHT - 1; y++)
    for (int x = 1; x < WIDTH - 1; x++)
      {
        int r, g, b, a;

        pixel (&picture, x, y, &r, &g, &b, &a);
        if (r + g + b < 300 && a > 200)
          darker++;
      }
  for (int y = -MARGIN; y < HEIGHT + MARGIN; y++)
    for (int x = -MARGIN; x < WIDTH + MARGIN; x++)
      {
        int r, g, b, a;

        pixel (&picture, x, y, &r, &g, &b, &a);
        if ((x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) && a > 0)
          outside++;
      }
  g_assert_cmpint (darker, >, 40);
  g_assert_cmpint (outside, ==, 0);
  g_free (picture.pixels);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/schedule-block/loses", test_block_loses);
  g_test_add_func ("/schedule-block/off", test_block_off);
  g_test_add_func ("/schedule-block/wins", test_block_wins);
  g_test_add_func ("/schedule-block/wins-part", test_block_wins_part);
  g_test_add_func ("/schedule-block/text", test_block_text);
  return g_test_run ();
}
