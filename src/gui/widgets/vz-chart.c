/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vz-chart.h"

#define PAD_LEFT 44.0
#define PAD_RIGHT 8.0
#define PAD_TOP 22.0
#define PAD_BOTTOM 8.0
/* Bars leave room for their days under them. */
#define PAD_BOTTOM_BARS 26.0
/* The widest a bar gets (a chart of one or two days). */
#define BAR_MAX_WIDTH 48.0
/* Readings further apart than this many times the usual step are a gap. */
#define GAP_FACTOR 3

/* The slots of the text layouts a chart keeps between frames. */
enum {
  LAYOUT_AXIS,                      /* three: the bottom, middle and top of the value axis */
  LAYOUT_CAPTION = LAYOUT_AXIS + 3, /* the title or the read-out */
  LAYOUT_EMPTY,                     /* "No readings" */
  LAYOUT_DAYS                       /* and on: the days under the bars */
};

struct _VzChart
{
  GtkWidget     parent_instance;

  GArray       *points;        /* VzChartPoint */
  char         *title;
  char         *period;
  char         *unit;
  VzChartStyle  style;
  gdouble       minimum;       /* as set; NAN: from the data */
  gdouble       maximum;
  char         *summary;
  char         *readout;
  int           selected;      /* -1: none */
  guint         generation;    /* counts set_points() */

  /* The series drawn once into a texture, reused by every snapshot that
   * draws it the same way (hover and read-out frames, redraws): @drawn
   * says how it was drawn. */
  GdkTexture   *series;
  struct {
    guint       generation;
    int         width, height, scale;
    GdkRGBA     color;
    gdouble     lo, hi;
    gint64      t0, t1;
    VzChartStyle style;
  } drawn;

  /* Text laid out once and kept while its words and the widget's Pango
   * context stay the same (by slot, PangoLayout or NULL); laying out the
   * axis labels again every frame was most of a hover frame's work. */
  GPtrArray    *layouts;
  guint         layouts_serial;  /* of the widget's Pango context */
};

G_DEFINE_FINAL_TYPE (VzChart, vz_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PERIOD,
  PROP_UNIT,
  PROP_STYLE,
  PROP_MINIMUM,
  PROP_MAXIMUM,
  PROP_SUMMARY,
  PROP_READOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (VzChartStyle, vz_chart_style,
  G_DEFINE_ENUM_VALUE (VZ_CHART_STYLE_LINE, "line"),
  G_DEFINE_ENUM_VALUE (VZ_CHART_STYLE_BARS, "bars"))

/* ---- words ---- */

char *
vz_chart_format_value (VzChart *self,
                       gdouble  value)
{
  g_return_val_if_fail (VZ_IS_CHART (self), NULL);

  if (isnan (value))
    return g_strdup (_("Unknown"));
  if (g_strcmp0 (self->unit, "%") == 0)
    /* Translators: a percentage, e.g. "42 %" */
    return g_strdup_printf (_("%.0f %%"), value);
  if (g_strcmp0 (self->unit, "°C") == 0)
    /* Translators: degrees Celsius */
    return g_strdup_printf (_("%.0f °C"), value);
  if (self->unit != NULL && *self->unit != '\0')
    return g_strdup_printf ("%.0f %s", value, self->unit);
  return g_strdup_printf ("%.0f", value);
}

static gint64
span (VzChart *self)
{
  if (self->points->len < 2)
    return 0;
  return g_array_index (self->points, VzChartPoint, self->points->len - 1).time -
         g_array_index (self->points, VzChartPoint, 0).time;
}

static char *
format_time (VzChart *self,
             gint64   time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("");
  if (self->style == VZ_CHART_STYLE_BARS)
    /* Translators: a day in a chart's read-out, see strftime */
    return g_date_time_format (local, _("%e %b"));
  if (span (self) > 36 * G_TIME_SPAN_HOUR)
    /* Translators: a day and time in a chart's read-out, see strftime */
    return g_date_time_format (local, _("%a %H:%M"));
  /* Translators: a time in a chart's read-out, see strftime */
  return g_date_time_format (local, _("%H:%M"));
}

static void
update_accessible (VzChart *self)
{
  g_autofree char *description = NULL;

  if (self->readout != NULL)
    description = g_strconcat (self->readout, ". ", self->summary, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title != NULL ? self->title : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : self->summary,
                                  -1);
}

static void
update_summary (VzChart *self)
{
  const VzChartPoint *low = NULL, *high = NULL, *latest = NULL;
  gdouble sum = 0;
  guint n = 0;
  g_autofree char *name = NULL;

  for (guint i = 0; i < self->points->len; i++)
    {
      const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, i);

      if (isnan (p->value))
        continue;
      if (low == NULL || p->value < low->value)
        low = p;
      if (high == NULL || p->value > high->value)
        high = p;
      latest = p;
      sum += p->value;
      n++;
    }

  /* Translators: "CPU over the last 24 hours" */
  name = g_strdup_printf (C_("chart", "%s %s"), self->title != NULL ? self->title : "",
                          self->period != NULL ? self->period : "");
  g_free (self->summary);
  if (n == 0)
    /* Translators: "CPU over the last 24 hours: no readings" */
    self->summary = g_strdup_printf (_("%s: no readings"), g_strstrip (name));
  else
    {
      g_autofree char *latest_value = vz_chart_format_value (self, latest->value);
      g_autofree char *average = vz_chart_format_value (self, sum / n);
      g_autofree char *low_value = vz_chart_format_value (self, low->value);
      g_autofree char *low_time = format_time (self, low->time);
      g_autofree char *high_value = vz_chart_format_value (self, high->value);
      g_autofree char *high_time = format_time (self, high->time);

      /* Translators: "CPU over the last 24 hours: latest 40 %, average 35 %,
       * lowest 10 % at 03:00, highest 92 % at 14:35" */
      self->summary = g_strdup_printf (_("%s: latest %s, average %s, lowest %s at %s, highest %s at %s"),
                                       g_strstrip (name), latest_value, average, low_value, g_strstrip (low_time),
                                       high_value, g_strstrip (high_time));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
  update_accessible (self);
}

/* ---- scale ---- */

static void
value_range (VzChart *self,
             gdouble *lo,
             gdouble *hi)
{
  gdouble data_lo = INFINITY, data_hi = -INFINITY;

  for (guint i = 0; i < self->points->len; i++)
    {
      gdouble v = g_array_index (self->points, VzChartPoint, i).value;

      if (isnan (v))
        continue;
      data_lo = MIN (data_lo, v);
      data_hi = MAX (data_hi, v);
    }
  if (isinf (data_lo))
    {
      data_lo = 0;
      data_hi = 100;
    }
  *lo = isnan (self->minimum) ? floor (MIN (data_lo, 0)) : self->minimum;
  *hi = isnan (self->maximum) ? ceil (data_hi * 1.1) : self->maximum;
  if (!isnan (self->maximum) && data_hi > *hi)
    *hi = data_hi;
  if (*hi <= *lo)
    *hi = *lo + 1;
}

static void
plot_area (VzChart         *self,
           graphene_rect_t *area)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  graphene_rect_init (area, PAD_LEFT, PAD_TOP,
                      MAX (1.0, width - PAD_LEFT - PAD_RIGHT),
                      MAX (1.0, height - PAD_TOP -
                                (self->style == VZ_CHART_STYLE_BARS ? PAD_BOTTOM_BARS : PAD_BOTTOM)));
}

static void
time_range (VzChart *self,
            gint64  *t0,
            gint64  *t1)
{
  *t0 = self->points->len > 0 ? g_array_index (self->points, VzChartPoint, 0).time : 0;
  *t1 = self->points->len > 0 ? g_array_index (self->points, VzChartPoint, self->points->len - 1).time : 1;
  if (self->style == VZ_CHART_STYLE_BARS)
    *t1 += self->points->len > 1 ? (*t1 - *t0) / (self->points->len - 1) : G_TIME_SPAN_DAY;
  if (*t1 <= *t0)
    *t1 = *t0 + 1;
}

static double
x_of (const graphene_rect_t *area,
      gint64                 t0,
      gint64                 t1,
      gint64                 time)
{
  return area->origin.x + area->size.width * (double) (time - t0) / (double) (t1 - t0);
}

static double
y_of (const graphene_rect_t *area,
      gdouble                lo,
      gdouble                hi,
      gdouble                value)
{
  return area->origin.y + area->size.height * (1.0 - (value - lo) / (hi - lo));
}

/* ---- drawing ---- */

static void
get_colors (VzChart *self,
            GdkRGBA *fg,
            GdkRGBA *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
}

static void
clear_layout (gpointer layout)
{
  g_clear_object (&layout);
}

/* The layout of @text in @slot: the kept one, laid out again only when its
 * words changed; all are made anew when the widget's Pango context changed
 * (font, scale, direction). */
static PangoLayout *
layout_for (VzChart    *self,
            guint       slot,
            const char *text)
{
  guint serial = pango_context_get_serial (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  PangoLayout *layout;

  if (serial != self->layouts_serial)
    {
      g_ptr_array_set_size (self->layouts, 0);
      self->layouts_serial = serial;
    }
  if (slot >= self->layouts->len)
    g_ptr_array_set_size (self->layouts, slot + 1);
  layout = g_ptr_array_index (self->layouts, slot);
  if (layout == NULL)
    self->layouts->pdata[slot] = layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  else if (g_strcmp0 (pango_layout_get_text (layout), text) != 0)
    pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
append_text (VzChart       *self,
             GtkSnapshot   *snapshot,
             guint          slot,
             const char    *text,
             double         x,
             double         y,
             gboolean       right_aligned,
             const GdkRGBA *color)
{
  PangoLayout *layout = layout_for (self, slot, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (right_aligned ? x - width : x, y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_series (VzChart               *self,
             cairo_t               *cr,
             const graphene_rect_t *area,
             gint64                 t0,
             gint64                 t1,
             gdouble                lo,
             gdouble                hi)
{
  guint n = self->points->len;
  gint64 step = n > 1 ? (t1 - t0) / (n - 1) : 0;
  gboolean drawing = FALSE;
  gint64 last = 0;

  if (self->style == VZ_CHART_STYLE_BARS)
    {
      double slot = area->size.width / MAX (n, 1);
      double width = MIN (slot * 0.7, BAR_MAX_WIDTH);

      for (guint i = 0; i < n; i++)
        {
          const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, i);
          double x = x_of (area, t0, t1, p->time), y;

          if (isnan (p->value))
            continue;
          y = y_of (area, lo, hi, p->value);
          cairo_rectangle (cr, x + (slot - width) / 2, y, width, area->origin.y + area->size.height - y);
        }
      cairo_fill (cr);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, i);
      double x, y;

      if (isnan (p->value))
        {
          drawing = FALSE;
          continue;
        }
      x = x_of (area, t0, t1, p->time);
      y = y_of (area, lo, hi, p->value);
      if (drawing && step > 0 && p->time - last > GAP_FACTOR * step * 2)
        drawing = FALSE;
      if (drawing)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      drawing = TRUE;
      last = p->time;
    }
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
}

/* The day of each bar under it, centred; as many as fit side by side. */
static void
append_days (VzChart               *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *area,
             gint64                 t0,
             gint64                 t1,
             const GdkRGBA         *color)
{
  guint n = self->points->len;
  double slot = area->size.width / MAX (n, 1);
  g_autofree char *first = NULL;
  int sample_width;
  guint every;

  if (n == 0)
    return;
  /* The first day, as wide as any, in the first day's slot. */
  first = format_time (self, g_array_index (self->points, VzChartPoint, 0).time);
  pango_layout_get_pixel_size (layout_for (self, LAYOUT_DAYS, g_strstrip (first)), &sample_width, NULL);
  every = MAX ((guint) ceil ((sample_width + 8) / slot), 1);
  for (guint i = 0; i < n; i += every)
    {
      const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, i);
      g_autofree char *day = format_time (self, p->time);
      PangoLayout *layout = layout_for (self, LAYOUT_DAYS + i / every, g_strstrip (day));
      int width, height;

      pango_layout_get_pixel_size (layout, &width, &height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (x_of (area, t0, t1, p->time) + (slot - width) / 2,
                                                    area->origin.y + area->size.height + 4));
      gtk_snapshot_append_layout (snapshot, layout, color);
      gtk_snapshot_restore (snapshot);
    }
}

/* The series as drawn over the whole widget, at its scale: from the cache
 * when nothing that draws it has changed since it was drawn. Stroking a
 * week of readings costs milliseconds; a texture costs a copy. */
static GdkTexture *
series_texture (VzChart       *self,
                const GdkRGBA *color,
                gdouble        lo,
                gdouble        hi,
                gint64         t0,
                gint64         t1)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  graphene_rect_t area;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr(GBytes) bytes = NULL;

  if (self->series != NULL && self->drawn.generation == self->generation && self->drawn.width == width &&
      self->drawn.height == height && self->drawn.scale == scale && gdk_rgba_equal (&self->drawn.color, color) &&
      self->drawn.lo == lo && self->drawn.hi == hi && self->drawn.t0 == t0 && self->drawn.t1 == t1 &&
      self->drawn.style == self->style)
    return self->series;

  plot_area (self, &area);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_rectangle (cr, area.origin.x - 2, area.origin.y - 2, area.size.width + 4, area.size.height + 4);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, color);
  draw_series (self, cr, &area, t0, t1, lo, hi);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * height * scale);
  g_clear_object (&self->series);
  self->series = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                         cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);

  self->drawn.generation = self->generation;
  self->drawn.width = width;
  self->drawn.height = height;
  self->drawn.scale = scale;
  self->drawn.color = *color;
  self->drawn.lo = lo;
  self->drawn.hi = hi;
  self->drawn.t0 = t0;
  self->drawn.t1 = t1;
  self->drawn.style = self->style;
  return self->series;
}

static void
vz_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  VzChart *self = VZ_CHART (widget);
  graphene_rect_t area;
  GdkRGBA fg, accent, grid;
  gdouble lo, hi;
  gint64 t0, t1;

  plot_area (self, &area);
  value_range (self, &lo, &hi);
  time_range (self, &t0, &t1);
  get_colors (self, &fg, &accent);
  grid = fg;
  grid.alpha *= 0.15;

  /* Grid: the bottom, the middle and the top of the value axis. */
  for (guint i = 0; i <= 2; i++)
    {
      gdouble v = lo + (hi - lo) * i / 2.0;
      double y = y_of (&area, lo, hi, v);
      g_autofree char *label = vz_chart_format_value (self, v);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (area.origin.x, y, area.size.width, 1));
      append_text (self, snapshot, LAYOUT_AXIS + i, label, area.origin.x - 6, y, TRUE, &fg);
    }

  if (self->points->len > 0)
    gtk_snapshot_append_texture (snapshot, series_texture (self, &accent, lo, hi, t0, t1),
                                 &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                      gtk_widget_get_height (widget)));
  if (self->points->len == 0)
    append_text (self, snapshot, LAYOUT_EMPTY, _("No readings"), area.origin.x + 8,
                 area.origin.y + area.size.height / 2, FALSE, &fg);
  else if (self->style == VZ_CHART_STYLE_BARS)
    append_days (self, snapshot, &area, t0, t1, &fg);

  if (self->selected >= 0 && (guint) self->selected < self->points->len)
    {
      const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, self->selected);
      double x = x_of (&area, t0, t1, p->time);

      if (self->style == VZ_CHART_STYLE_BARS)
        x += area.size.width / MAX (self->points->len, 1) / 2;
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x, area.origin.y, 1, area.size.height));
      if (!isnan (p->value))
        {
          double y = y_of (&area, lo, hi, p->value);

          gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x - 3, y - 3, 7, 7));
        }
      append_text (self, snapshot, LAYOUT_CAPTION, self->readout, MIN (x + 6, area.origin.x + area.size.width - 120),
                   PAD_TOP / 2, FALSE, &fg);
    }
  else if (self->title != NULL)
    append_text (self, snapshot, LAYOUT_CAPTION, self->title, area.origin.x, PAD_TOP / 2, FALSE, &fg);
}

static void
vz_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 320;
    }
  else
    {
      *minimum = 90;
      *natural = 120;
    }
}

/* ---- the read-out ---- */

void
vz_chart_select (VzChart *self,
                 int      index)
{
  g_autofree char *readout = NULL;

  g_return_if_fail (VZ_IS_CHART (self));

  if (index >= (int) self->points->len)
    index = (int) self->points->len - 1;
  if (index < -1)
    index = -1;
  if (index >= 0)
    {
      const VzChartPoint *p = &g_array_index (self->points, VzChartPoint, index);
      g_autofree char *time = format_time (self, p->time);
      g_autofree char *value = vz_chart_format_value (self, p->value);

      /* Translators: a chart's read-out: "14:35 · 62 °C" */
      readout = g_strdup_printf (_("%s · %s"), g_strstrip (time), value);
    }
  self->selected = index;
  if (g_strcmp0 (readout, self->readout) != 0)
    {
      g_free (self->readout);
      self->readout = g_steal_pointer (&readout);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
      update_accessible (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
nearest (VzChart *self,
         double   x)
{
  graphene_rect_t area;
  gint64 t0, t1, time;
  guint lo = 0, hi;

  if (self->points->len == 0)
    return -1;
  plot_area (self, &area);
  time_range (self, &t0, &t1);
  if (self->style == VZ_CHART_STYLE_BARS)
    x -= area.size.width / MAX (self->points->len, 1) / 2;
  time = t0 + (gint64) ((x - area.origin.x) / area.size.width * (double) (t1 - t0));
  hi = self->points->len - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->points, VzChartPoint, mid).time < time)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0 && time - g_array_index (self->points, VzChartPoint, lo - 1).time <
                g_array_index (self->points, VzChartPoint, lo).time - time)
    lo--;
  return (int) lo;
}

static void
on_motion (VzChart *self,
           double   x,
           double   y)
{
  vz_chart_select (self, nearest (self, x));
}

static void
on_leave (VzChart *self)
{
  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    vz_chart_select (self, -1);
}

static gboolean
on_key_pressed (VzChart         *self,
                guint            keyval,
                guint            keycode,
                GdkModifierType  state)
{
  int n = (int) self->points->len;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      vz_chart_select (self, self->selected < 0 ? n - 1 : MAX (self->selected - 1, 0));
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      vz_chart_select (self, self->selected < 0 ? 0 : MIN (self->selected + 1, n - 1));
      return TRUE;
    case GDK_KEY_Home:
      vz_chart_select (self, 0);
      return TRUE;
    case GDK_KEY_End:
      vz_chart_select (self, n - 1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_focus_leave (VzChart *self)
{
  vz_chart_select (self, -1);
}

/* ---- GObject ---- */

static void
vz_chart_finalize (GObject *object)
{
  VzChart *self = VZ_CHART (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_object (&self->series);
  g_clear_pointer (&self->layouts, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->period, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->readout, g_free);

  G_OBJECT_CLASS (vz_chart_parent_class)->finalize (object);
}

static void
vz_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VzChart *self = VZ_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PERIOD:
      g_value_set_string (value, self->period);
      break;
    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;
    case PROP_STYLE:
      g_value_set_enum (value, self->style);
      break;
    case PROP_MINIMUM:
      g_value_set_double (value, self->minimum);
      break;
    case PROP_MAXIMUM:
      g_value_set_double (value, self->maximum);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_READOUT:
      g_value_set_string (value, self->readout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VzChart *self = VZ_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      vz_chart_set_title (self, g_value_get_string (value));
      break;
    case PROP_PERIOD:
      vz_chart_set_period (self, g_value_get_string (value));
      break;
    case PROP_UNIT:
      vz_chart_set_unit (self, g_value_get_string (value));
      break;
    case PROP_STYLE:
      vz_chart_set_style (self, g_value_get_enum (value));
      break;
    case PROP_MINIMUM:
      vz_chart_set_range (self, g_value_get_double (value), self->maximum);
      break;
    case PROP_MAXIMUM:
      vz_chart_set_range (self, self->minimum, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_chart_class_init (VzChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_chart_finalize;
  object_class->get_property = vz_chart_get_property;
  object_class->set_property = vz_chart_set_property;
  widget_class->snapshot = vz_chart_snapshot;
  widget_class->measure = vz_chart_measure;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_PERIOD] = g_param_spec_string ("period", NULL, NULL, NULL, flags);
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  properties[PROP_STYLE] = g_param_spec_enum ("style", NULL, NULL, VZ_TYPE_CHART_STYLE, VZ_CHART_STYLE_LINE, flags);
  /* -G_MAXDOUBLE: from the data (a NAN default is not a valid GParamSpec). */
  properties[PROP_MINIMUM] = g_param_spec_double ("minimum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, flags);
  properties[PROP_MAXIMUM] = g_param_spec_double ("maximum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_READOUT] = g_param_spec_string ("readout", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vz-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vz_chart_init (VzChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->points = g_array_new (FALSE, FALSE, sizeof (VzChartPoint));
  self->layouts = g_ptr_array_new_with_free_func (clear_layout);
  self->minimum = NAN;
  self->maximum = NAN;
  self->selected = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  update_summary (self);
}

GtkWidget *
vz_chart_new (void)
{
  return g_object_new (VZ_TYPE_CHART, NULL);
}

void
vz_chart_set_points (VzChart            *self,
                     const VzChartPoint *points,
                     guint               n_points)
{
  g_return_if_fail (VZ_IS_CHART (self));
  g_return_if_fail (points != NULL || n_points == 0);

  g_array_set_size (self->points, 0);
  g_array_append_vals (self->points, points, n_points);
  self->generation++;
  self->selected = -1;
  g_clear_pointer (&self->readout, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
vz_chart_get_n_points (VzChart *self)
{
  g_return_val_if_fail (VZ_IS_CHART (self), 0);
  return self->points->len;
}

const char *
vz_chart_get_summary (VzChart *self)
{
  g_return_val_if_fail (VZ_IS_CHART (self), NULL);
  return self->summary;
}

const char *
vz_chart_get_readout (VzChart *self)
{
  g_return_val_if_fail (VZ_IS_CHART (self), NULL);
  return self->readout;
}

static void
set_string (VzChart  *self,
            char    **field,
            const char *value,
            guint     prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vz_chart_set_title (VzChart    *self,
                    const char *title)
{
  g_return_if_fail (VZ_IS_CHART (self));
  set_string (self, &self->title, title, PROP_TITLE);
}

void
vz_chart_set_period (VzChart    *self,
                     const char *period)
{
  g_return_if_fail (VZ_IS_CHART (self));
  set_string (self, &self->period, period, PROP_PERIOD);
}

void
vz_chart_set_unit (VzChart    *self,
                   const char *unit)
{
  g_return_if_fail (VZ_IS_CHART (self));
  set_string (self, &self->unit, unit, PROP_UNIT);
}

void
vz_chart_set_style (VzChart      *self,
                    VzChartStyle  style)
{
  g_return_if_fail (VZ_IS_CHART (self));

  if (self->style == style)
    return;
  self->style = style;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STYLE]);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vz_chart_set_range (VzChart *self,
                    gdouble  minimum,
                    gdouble  maximum)
{
  g_return_if_fail (VZ_IS_CHART (self));

  if (minimum == -G_MAXDOUBLE)
    minimum = NAN;
  if (maximum == -G_MAXDOUBLE)
    maximum = NAN;
  if (!(isnan (self->minimum) && isnan (minimum)) && self->minimum != minimum)
    {
      self->minimum = minimum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINIMUM]);
    }
  if (!(isnan (self->maximum) && isnan (maximum)) && self->maximum != maximum)
    {
      self->maximum = maximum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAXIMUM]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
