/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chart"

#include <gtk/gtk.h>
#include <math.h>

#include "vz-chart.h"

/*
 * VzChart keeps its series drawn as a texture between frames: a frame that
 * only moves the read-out reuses it, and whatever changes the drawing (the
 * readings, the axis, the size) draws it again. Its texts are laid out
 * once and kept the same way; "No readings" is for an empty plot only.
 */

static GskRenderNode *
find_texture_node (GskRenderNode *node)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      return node;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        {
          GskRenderNode *found = find_texture_node (gsk_container_node_get_child (node, i));

          if (found != NULL)
            return found;
        }
      return NULL;
    case GSK_TRANSFORM_NODE:
      return find_texture_node (gsk_transform_node_get_child (node));
    default:
      return NULL;
    }
}

/* The series' texture of a snapshot of @chart (a new reference). */
static GdkTexture *
series_of (GtkWidget *chart)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node, *texture_node;
  GdkTexture *texture;

  GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture_node = find_texture_node (node);
  g_assert_nonnull (texture_node);
  texture = g_object_ref (gsk_texture_node_get_texture (texture_node));
  gsk_render_node_unref (node);
  return texture;
}

/* How many pixels of the series' texture are drawn (alpha > 0). */
static guint
drawn_pixels (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guint n = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    n += data[i * 4 + 3] != 0;
  return n;
}

static void
set_week (GtkWidget *chart,
          double     amplitude)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzChartPoint));
  gint64 start = G_GINT64_CONSTANT (1764720000) * G_USEC_PER_SEC;

  for (guint i = 0; i < 7 * 288; i++)
    {
      VzChartPoint p = { start + i * 5 * G_TIME_SPAN_MINUTE, 50 + amplitude * sin (i / 40.0) };

      g_array_append_val (points, p);
    }
  vz_chart_set_points (VZ_CHART (chart), (VzChartPoint *) (void *) points->data, points->len);
}

/* @chart in @window, 600 × 160, shown. */
static void
present_600 (GtkWidget *window,
             GtkWidget *chart)
{
  gtk_widget_set_size_request (chart, 600, 160);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (chart) < 600)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_series_kept (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = vz_chart_new ();
  g_autoptr(GdkTexture) first = NULL, hovered = NULL, flat = NULL, ranged = NULL, wider = NULL;

  vz_chart_set_unit (VZ_CHART (chart), "%");
  set_week (chart, 40);
  present_600 (window, chart);

  first = series_of (chart);
  g_assert_cmpint (gdk_texture_get_width (first), >=, 600);

  /* The read-out moves: the same texture. */
  vz_chart_select (VZ_CHART (chart), 500);
  hovered = series_of (chart);
  g_assert_true (hovered == first);

  /* Other readings: drawn again, and they differ (a flat line covers
   * fewer pixels than a wave). */
  set_week (chart, 0);
  flat = series_of (chart);
  g_assert_true (flat != first);
  g_assert_cmpuint (drawn_pixels (flat), <, drawn_pixels (first));

  /* Another axis, another size: drawn again. */
  vz_chart_set_range (VZ_CHART (chart), 0, 200);
  ranged = series_of (chart);
  g_assert_true (ranged != flat);
  gtk_widget_set_size_request (chart, 700, 160);
  while (gtk_widget_get_width (chart) < 700)
    g_main_context_iteration (NULL, TRUE);
  wider = series_of (chart);
  g_assert_true (wider != ranged);
  g_assert_cmpint (gdk_texture_get_width (wider), >, gdk_texture_get_width (ranged));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  double x, y;
  guint  glyphs;
} Where;

/* Where the text nodes of @node are drawn (Where *, widget coordinates). */
static void
collect_text (GskRenderNode *node,
              double         dx,
              double         dy,
              GArray        *found)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXT_NODE:
      {
        const graphene_point_t *offset = gsk_text_node_get_offset (node);
        Where where = { dx + offset->x, dy + offset->y, gsk_text_node_get_num_glyphs (node) };

        g_array_append_val (found, where);
      }
      break;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_text (gsk_container_node_get_child (node, i), dx, dy, found);
      break;
    case GSK_TRANSFORM_NODE:
      {
        float tx = 0, ty = 0;

        g_assert_cmpint (gsk_transform_get_category (gsk_transform_node_get_transform (node)), >=,
                         GSK_TRANSFORM_CATEGORY_2D_TRANSLATE);
        gsk_transform_to_translate (gsk_transform_node_get_transform (node), &tx, &ty);
        collect_text (gsk_transform_node_get_child (node), dx + tx, dy + ty, found);
      }
      break;
    default:
      break;
    }
}

/* The text nodes of a snapshot of @chart (Where). */
static GArray *
texts_of (GtkWidget *chart)
{
  GArray *texts = g_array_new (FALSE, FALSE, sizeof (Where));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;

  GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  collect_text (node, 0, 0, texts);
  gsk_render_node_unref (node);
  return texts;
}

/* Texts inside the plot of a 600 × 160 line chart (its axis labels are left
 * of it, its title above it). */
static guint
texts_in_plot (GArray *texts)
{
  guint n = 0;

  for (guint i = 0; i < texts->len; i++)
    {
      Where *where = &g_array_index (texts, Where, i);

      n += where->x > 44 + 2 && where->y > 22 + 10 && where->y < 160 - 8;
    }
  return n;
}

/* The most glyphs of a text left of the plot (the axis labels). */
static guint
widest_axis_label (GArray *texts)
{
  guint most = 0;

  for (guint i = 0; i < texts->len; i++)
    if (g_array_index (texts, Where, i).x < 44)
      most = MAX (most, g_array_index (texts, Where, i).glyphs);
  return most;
}

/* "No readings" is written in an empty plot only, and the axis labels kept
 * between frames follow their words. */
static void
test_texts (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = vz_chart_new ();
  g_autoptr(GArray) empty = NULL, week = NULL, hovered = NULL, percent = NULL, degrees = NULL;

  vz_chart_set_title (VZ_CHART (chart), "Temperature");
  vz_chart_set_unit (VZ_CHART (chart), "%");
  vz_chart_set_range (VZ_CHART (chart), 0, 100);
  present_600 (window, chart);

  empty = texts_of (chart);
  g_assert_cmpuint (texts_in_plot (empty), ==, 1);

  set_week (chart, 40);
  week = texts_of (chart);
  g_assert_cmpuint (texts_in_plot (week), ==, 0);
  g_assert_cmpuint (week->len, ==, 4);   /* three axis labels and the title */
  vz_chart_select (VZ_CHART (chart), 500);
  hovered = texts_of (chart);
  g_assert_cmpuint (texts_in_plot (hovered), ==, 0);

  /* "100 %", then "100 °C": one glyph more. */
  percent = texts_of (chart);
  vz_chart_set_unit (VZ_CHART (chart), "°C");
  degrees = texts_of (chart);
  g_assert_cmpuint (widest_axis_label (degrees), ==, widest_axis_label (percent) + 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The texture's columns with anything drawn in them. */
static guint
drawn_columns (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guint n = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  for (int x = 0; x < width; x++)
    for (int y = 0; y < height; y++)
      if (data[((gsize) y * width + x) * 4 + 3] != 0)
        {
          n++;
          break;
        }
  return n;
}

/* Availability of one day: one bar of a bar's width, not the chart's, with
 * its day under it; a week: seven bars, seven days. */
static void
test_bars (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = vz_chart_new ();
  VzChartPoint days[7];
  g_autoptr(GdkTexture) one = NULL, week = NULL;
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (Where));
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  guint below = 0;

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      days[i].time = (G_GINT64_CONSTANT (1764720000) + i * 86400) * G_USEC_PER_SEC;
      days[i].value = 90 + i;
    }
  vz_chart_set_style (VZ_CHART (chart), VZ_CHART_STYLE_BARS);
  vz_chart_set_unit (VZ_CHART (chart), "%");
  vz_chart_set_range (VZ_CHART (chart), 0, 100);
  vz_chart_set_points (VZ_CHART (chart), days, 1);
  present_600 (window, chart);

  one = series_of (chart);
  g_assert_cmpuint (drawn_columns (one), >, 0);
  g_assert_cmpuint (drawn_columns (one), <=, 48 * gtk_widget_get_scale_factor (chart));

  /* Its day is written under the plot (the only text whose baseline is
   * well below the plot's bottom, the axis labels being centred on lines). */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  collect_text (node, 0, 0, texts);
  gsk_render_node_unref (node);
  for (guint i = 0; i < texts->len; i++)
    {
      Where *where = &g_array_index (texts, Where, i);

      if (where->y > 160 - 26 + 10)
        {
          below++;
          /* Under the bar, which stands in the middle of the plot. */
          g_assert_cmpfloat (where->x, >, 44 + (600 - 52) / 2.0 - 60);
          g_assert_cmpfloat (where->x, <, 44 + (600 - 52) / 2.0);
        }
    }
  g_assert_cmpuint (below, ==, 1);

  vz_chart_set_points (VZ_CHART (chart), days, G_N_ELEMENTS (days));
  week = series_of (chart);
  g_assert_cmpuint (drawn_columns (week), >, 6 * drawn_columns (one));
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_array_set_size (texts, 0);
  collect_text (node, 0, 0, texts);
  gsk_render_node_unref (node);
  below = 0;
  for (guint i = 0; i < texts->len; i++)
    below += g_array_index (texts, Where, i).y > 160 - 26 + 10;
  g_assert_cmpuint (below, ==, 7);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/series-kept", test_series_kept);
  g_test_add_func ("/chart/bars", test_bars);
  g_test_add_func ("/chart/texts", test_texts);

  return g_test_run ();
}
