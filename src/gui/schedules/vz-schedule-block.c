/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-week"

#include "vz-schedule-block.h"

#include <math.h>

struct _VzScheduleBlock
{
  GtkWidget     parent_instance;

  char         *schedule_id;
  char         *markup;
  char         *label;
  guint         colour;
  VzBlockState  state;
  double        won_from;
  double        won_to;
  PangoLayout  *layout;     /* for the width it was made for */
  int           layout_width;
  int           layout_height;
  gboolean      layout_spills;
};

/* Where the text starts in the box. */
#define TEXT_Y 3

G_DEFINE_FINAL_TYPE (VzScheduleBlock, vz_schedule_block, GTK_TYPE_WIDGET)

enum {
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Light fills, so that dark text reads on every one of them (GNOME's
 * palette, first and second shades). */
static const char * const palette[] = {
  "#99c1f1", "#8ff0a4", "#f9f06b", "#ffbe6f", "#f66151", "#dc8add",
  "#cdab8f", "#62a0ea", "#57e389", "#f8e45c", "#ffa348", "#c061cb",
};
static GdkRGBA fills[G_N_ELEMENTS (palette)];
static GdkRGBA focus_ring;

/* The colours, parsed once rather than at every frame. */
static void
parse_colours (void)
{
  static gsize parsed = 0;

  if (g_once_init_enter (&parsed))
    {
      for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
        gdk_rgba_parse (&fills[i], palette[i]);
      gdk_rgba_parse (&focus_ring, "#1c71d8");
      g_once_init_leave (&parsed, 1);
    }
}

static int
text_x (VzScheduleBlock *self)
{
  return self->state == VZ_BLOCK_WINS_PART ? 9 : 5;
}

void
vz_schedule_block_colour (guint    colour,
                          GdkRGBA *fill)
{
  parse_colours ();
  *fill = fills[colour % G_N_ELEMENTS (fills)];
}

/* The box as rectangles on whole pixels, its corner pixels left out (a
 * rounding of one pixel). A rounded clip or border costs the cairo renderer
 * a path rasterized into a mask for every block, and with 700 blocks that
 * was most of a frame; rectangles are plain fills for every renderer. The
 * pieces do not overlap, so a translucent fill or edge keeps its alpha. */
static void
append_box (GtkSnapshot   *snapshot,
            int            width,
            int            height,
            float          border,
            const GdkRGBA *fill,
            const GdkRGBA *edge)
{
  float inner_width = width - 2 * border;
  float inner_height = height - 2 * border;

  if (inner_width <= 0 || inner_height <= 0)
    {
      gtk_snapshot_append_color (snapshot, edge, &GRAPHENE_RECT_INIT (0, 0, width, height));
      return;
    }
  gtk_snapshot_append_color (snapshot, fill, &GRAPHENE_RECT_INIT (border, border, inner_width, inner_height));
  gtk_snapshot_append_color (snapshot, edge, &GRAPHENE_RECT_INIT (1, 0, width - 2, border));
  gtk_snapshot_append_color (snapshot, edge, &GRAPHENE_RECT_INIT (1, height - border, width - 2, border));
  gtk_snapshot_append_color (snapshot, edge, &GRAPHENE_RECT_INIT (0, 1, border, height - 2));
  gtk_snapshot_append_color (snapshot, edge, &GRAPHENE_RECT_INIT (width - border, 1, border, height - 2));
}

/* Lays the text out for the box's size if it changed; TRUE if its ink
 * goes past the box (only then does it need a clip). */
static gboolean
update_layout (VzScheduleBlock *self,
               int              width,
               int              height)
{
  int text_width = (width - 10) * PANGO_SCALE;

  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_markup (self->layout, self->markup, -1);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      self->layout_width = -1;
    }
  if (self->layout_width != text_width || self->layout_height != height)
    {
      PangoRectangle ink;

      /* Only the lines that fit are laid out (and drawn): the last one
       * that fits ends with an ellipsis. */
      pango_layout_set_width (self->layout, text_width);
      pango_layout_set_height (self->layout, MAX (height - 4, 1) * PANGO_SCALE);
      self->layout_width = text_width;
      self->layout_height = height;
      pango_layout_get_pixel_extents (self->layout, &ink, NULL);
      self->layout_spills = ink.x + text_x (self) < 0 || ink.y + TEXT_Y < 0
                            || ink.x + ink.width + text_x (self) > width || ink.y + ink.height + TEXT_Y > height;
    }
  return self->layout_spills;
}

static void
vz_schedule_block_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  VzScheduleBlock *self = VZ_SCHEDULE_BLOCK (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean wins = self->state == VZ_BLOCK_WINS || self->state == VZ_BLOCK_WINS_PART;
  float border = wins ? 3.f : 1.f;
  GdkRGBA fill, edge, ink = { 0.1f, 0.1f, 0.1f, 1.f };

  if (width <= 0 || height <= 0)
    return;

  vz_schedule_block_colour (self->colour, &fill);
  edge = (GdkRGBA) { fill.red * 0.45f, fill.green * 0.45f, fill.blue * 0.45f, 1.f };
  if (self->state == VZ_BLOCK_OFF)
    {
      fill.alpha = 0.35f;
      ink.alpha = 0.6f;
      edge.alpha = 0.5f;
    }
  else if (self->state == VZ_BLOCK_LOSES)
    fill.alpha = 0.6f;
  if (wins)
    edge = (GdkRGBA) { 0.08f, 0.08f, 0.08f, 1.f };

  append_box (snapshot, width, height, border, &fill, &edge);
  if (self->state == VZ_BLOCK_WINS_PART && width > 2 * border)
    {
      /* A bar along the part that plays, inside the left edge. */
      float from = CLAMP (floorf ((float) (self->won_from * height)), border, height - border);
      float to = CLAMP (ceilf ((float) (self->won_to * height)), border, height - border);

      if (to > from)
        gtk_snapshot_append_color (snapshot, &edge,
                                   &GRAPHENE_RECT_INIT (border, from, MIN (6 - border, width - 2 * border), to - from));
    }

  if (self->markup != NULL && width > 8 && height > 10)
    {
      gboolean clip = update_layout (self, width, height);

      if (clip)
        gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (text_x (self), TEXT_Y));
      gtk_snapshot_append_layout (snapshot, self->layout, &ink);
      gtk_snapshot_restore (snapshot);
      if (clip)
        gtk_snapshot_pop (snapshot);
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GskRoundedRect ring;
      const float widths[4] = { 2, 2, 2, 2 };
      const GdkRGBA colours[4] = { focus_ring, focus_ring, focus_ring, focus_ring };

      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (-2, -2, width + 4, height + 4), 6.f);
      gtk_snapshot_append_border (snapshot, &ring, widths, colours);
    }
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            VzScheduleBlock *self)
{
  g_assert (VZ_IS_SCHEDULE_BLOCK (self));

  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
vz_schedule_block_finalize (GObject *object)
{
  VzScheduleBlock *self = VZ_SCHEDULE_BLOCK (object);

  g_clear_object (&self->layout);
  g_free (self->schedule_id);
  g_free (self->markup);
  g_free (self->label);

  G_OBJECT_CLASS (vz_schedule_block_parent_class)->finalize (object);
}

static void
vz_schedule_block_class_init (VzScheduleBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  parse_colours ();

  object_class->finalize = vz_schedule_block_finalize;
  widget_class->snapshot = vz_schedule_block_snapshot;

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, signals[SIGNAL_ACTIVATE]);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Return, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_KP_Enter, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_space, 0, "activate", NULL);
  gtk_widget_class_set_css_name (widget_class, "vz-schedule-block");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
vz_schedule_block_init (VzScheduleBlock *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);
  /* Presses only take the focus: the week view's drag gesture decides
   * between a click (open) and a drag (a new schedule). */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
vz_schedule_block_new (void)
{
  return g_object_new (VZ_TYPE_SCHEDULE_BLOCK, NULL);
}

void
vz_schedule_block_set (VzScheduleBlock *self,
                       const char      *schedule_id,
                       const char      *title,
                       const char      *subtitle,
                       const char      *when,
                       const char      *note,
                       const char      *label,
                       guint            colour,
                       VzBlockState     state,
                       double           won_from,
                       double           won_to)
{
  g_return_if_fail (VZ_IS_SCHEDULE_BLOCK (self));

  g_free (self->schedule_id);
  self->schedule_id = g_strdup (schedule_id);
  g_free (self->markup);
  if (note != NULL)
    self->markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n%s\n<b>%s</b>", title, subtitle, when, note);
  else
    self->markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n%s", title, subtitle, when);
  g_free (self->label);
  self->label = g_strdup (label);
  self->colour = colour;
  self->state = state;
  self->won_from = won_from;
  self->won_to = won_to;
  g_clear_object (&self->layout);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
vz_schedule_block_get_schedule_id (VzScheduleBlock *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_BLOCK (self), NULL);
  return self->schedule_id;
}

const char *
vz_schedule_block_get_label (VzScheduleBlock *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_BLOCK (self), NULL);
  return self->label;
}

VzBlockState
vz_schedule_block_get_state (VzScheduleBlock *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_BLOCK (self), VZ_BLOCK_LOSES);
  return self->state;
}
