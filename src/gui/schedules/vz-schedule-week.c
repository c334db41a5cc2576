/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-week"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vz-gui.h"
#include "vz-schedule-record.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-week.h"
#include "vz-schedule-week-layout.h"
#include "vz-schedule-words.h"

#define GUTTER 52.0
#define HEADER 36.0
#define MIN_HOUR 36.0
#define SNAP 15

struct _VzScheduleWeek
{
  GtkWidget      parent_instance;

  VzStore       *schedules;
  char          *display_id;
  GStrv          group_ids;
  GTimeZone     *tz;
  int            offset;
  guint          rebuild_id;
  guint          minute_id;

  GPtrArray     *rules;      /* VzScheduleRule, as laid out */
  VzWeekLayout  *layout;
  GPtrArray     *blocks;     /* VzScheduleBlock, one per piece */
  PangoLayout   *hour_layouts[24];
  PangoLayout   *day_layouts[7];

  GtkAdjustment *vadjustment; /* of the viewport it scrolls in, if any */
  gint32         today;      /* as of the last layout, and its minute */
  int            now_minute;

  /* the drag that makes a new schedule */
  gboolean       dragging;
  double         drag_x, drag_y, drag_dx, drag_dy;
};

G_DEFINE_FINAL_TYPE (VzScheduleWeek, vz_schedule_week, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CREATE_REQUESTED,
  SIGNAL_SCHEDULE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- geometry ---- */

static double
column_width (VzScheduleWeek *self)
{
  return MAX (1.0, (gtk_widget_get_width (GTK_WIDGET (self)) - GUTTER) / 7.0);
}

static double
hour_height (VzScheduleWeek *self)
{
  return MAX (MIN_HOUR, (gtk_widget_get_height (GTK_WIDGET (self)) - HEADER) / 24.0);
}

static double
minute_y (VzScheduleWeek *self,
          int             minute)
{
  return HEADER + minute * hour_height (self) / 60.0;
}

/* The column under @x (clamped to the week) and the minute under @y,
 * rounded to quarter hours. */
static void
cell_at (VzScheduleWeek *self,
         double          x,
         double          y,
         int            *column,
         int            *minute)
{
  int m = (int) lround ((y - HEADER) * 60.0 / hour_height (self) / SNAP) * SNAP;

  *column = CLAMP ((int) floor ((x - GUTTER) / column_width (self)), 0, 6);
  *minute = CLAMP (m, 0, VZ_SCHEDULE_MINUTES_PER_DAY);
}

static gint32
today (VzScheduleWeek *self,
       int            *minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (self->tz);
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);

  if (minute != NULL)
    *minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);
  return (gint32) (g_date_time_to_unix (midnight) / 86400);
}

static gint32
first_day (VzScheduleWeek *self)
{
  return vz_week_monday (today (self, NULL)) + 7 * self->offset;
}

static GDateTime *
day_date (gint32 day)
{
  return g_date_time_new_from_unix_utc ((gint64) day * 86400);
}

/* ---- the blocks ---- */

static guint
colour_of (const char *playlist_id)
{
  return playlist_id != NULL ? g_str_hash (playlist_id) : 0;
}

static char *
weekday_name (gint32 day)
{
  g_autoptr(GDateTime) date = day_date (day);

  return g_date_time_format (date, "%A");
}

static void
describe_piece (VzScheduleWeek    *self,
                const VzWeekPiece *piece,
                VzSchedule        *schedule,
                const VzScheduleRule *rule,
                VzScheduleBlock   *block)
{
  gint32 day = self->layout->first_day + (gint32) piece->column - (piece->continued ? 1 : 0);
  g_autofree char *opens = weekday_name (day);
  g_autofree char *when = vz_schedule_describe_window (piece->open_minute, piece->close_minute);
  g_autofree char *won = NULL;
  g_autofree char *note = NULL;
  g_autofree char *state_words = NULL;
  g_autofree char *label = NULL;
  const char *name = schedule != NULL ? vz_schedule_get_name (schedule) : rule->id;
  const char *playlist = schedule != NULL && vz_schedule_get_playlist_name (schedule) != NULL
                         ? vz_schedule_get_playlist_name (schedule) : rule->playlist_id;
  VzBlockState state;
  double length = piece->end_minute - piece->start_minute;
  double won_from = 0, won_to = 0;
  int now_minute = self->now_minute;
  gboolean playing_now = FALSE;

  if (!rule->is_active)
    {
      state = VZ_BLOCK_OFF;
      note = g_strdup (_("Off"));
      state_words = g_strdup (_("switched off"));
    }
  else if (piece->won_start < 0)
    {
      state = VZ_BLOCK_LOSES;
      state_words = g_strdup (_("does not play: another schedule wins"));
    }
  else if (piece->wins_all)
    {
      state = VZ_BLOCK_WINS;
      note = g_strdup (_("▶ Plays"));
      state_words = g_strdup (_("plays"));
    }
  else
    {
      state = VZ_BLOCK_WINS_PART;
      won = vz_schedule_describe_window (piece->won_start, piece->won_end);
      /* TRANSLATORS: the part of its time a schedule plays, "▶ Plays 10:00–12:00" */
      note = g_strdup_printf (_("▶ Plays %s"), won);
      /* TRANSLATORS: "plays 10:00–12:00" */
      state_words = g_strdup_printf (_("plays %s"), won);
      won_from = (piece->won_start - piece->start_minute) / length;
      won_to = (piece->won_end - piece->start_minute) / length;
    }

  /* What the server said plays now, where the piece holds now. */
  if (schedule != NULL && self->layout->first_day + (gint32) piece->column == self->today &&
      now_minute >= piece->start_minute && now_minute < piece->end_minute &&
      (self->display_id != NULL ? vz_schedule_is_playing_on (schedule, self->display_id)
                                : vz_schedule_get_playing_count (schedule) > 0))
    playing_now = TRUE;
  if (playing_now)
    {
      g_autofree char *words = g_steal_pointer (&state_words);

      g_free (note);
      note = g_strdup (_("▶ Playing now"));
      /* TRANSLATORS: "plays, playing now", "plays 10:00–12:00, playing now" */
      state_words = g_strdup_printf (_("%s, playing now"), words);
    }

  /* TRANSLATORS: a block of the week view read aloud: "Breakfast, playlist
   * Morning, Monday 08:00–12:00, priority 5, plays" */
  label = g_strdup_printf (_("%s, playlist %s, %s %s, priority %d, %s"), name, playlist, opens, when,
                           rule->priority, state_words);
  vz_schedule_block_set (block, rule->id, name, playlist, when, note, label, colour_of (rule->playlist_id), state,
                         won_from, won_to);
}

static void
on_block_activate (VzScheduleWeek  *self,
                   VzScheduleBlock *block)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  g_signal_emit (self, signals[SIGNAL_SCHEDULE_ACTIVATED], 0, vz_schedule_block_get_schedule_id (block));
}

void
vz_schedule_week_rebuild (VzScheduleWeek *self)
{
  g_return_if_fail (VZ_IS_SCHEDULE_WEEK (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_pointer (&self->layout, vz_week_layout_free);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  if (self->schedules != NULL && (self->display_id != NULL || self->group_ids != NULL))
    self->rules = vz_schedule_rules_for_display (self->schedules, self->display_id,
                                                 (const char * const *) self->group_ids);
  else
    self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  self->layout = vz_week_layout_new (self->rules, self->tz, first_day (self));
  self->today = today (self, &self->now_minute);

  while (self->blocks->len > self->layout->pieces->len)
    {
      GtkWidget *block = g_ptr_array_steal_index (self->blocks, self->blocks->len - 1);

      gtk_widget_unparent (block);
    }
  for (guint i = 0; i < self->layout->pieces->len; i++)
    {
      const VzWeekPiece *piece = &g_array_index (self->layout->pieces, VzWeekPiece, i);
      const VzScheduleRule *rule = g_ptr_array_index (self->rules, piece->rule);
      VzSchedule *schedule = vz_store_lookup (self->schedules, rule->id);
      GtkWidget *block;

      if (i == self->blocks->len)
        {
          block = vz_schedule_block_new ();
          gtk_widget_set_parent (block, GTK_WIDGET (self));
          g_signal_connect_object (block, "activate", G_CALLBACK (on_block_activate), self, G_CONNECT_SWAPPED);
          g_ptr_array_add (self->blocks, block);
        }
      block = g_ptr_array_index (self->blocks, i);
      describe_piece (self, piece, schedule, rule, VZ_SCHEDULE_BLOCK (block));
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static gboolean
rebuild_idle (gpointer data)
{
  VzScheduleWeek *self = data;

  self->rebuild_id = 0;
  vz_schedule_week_rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (VzScheduleWeek *self)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_idle, self);
}

static void
follow_schedules (VzScheduleWeek *self,
                  guint           position,
                  guint           removed,
                  guint           added,
                  GListModel     *model)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) schedule = g_list_model_get_item (model, i);

      g_signal_handlers_disconnect_by_func (schedule, queue_rebuild, self);
      g_signal_connect_object (schedule, "notify", G_CALLBACK (queue_rebuild), self, G_CONNECT_SWAPPED);
    }
  if (removed > 0 || added > 0)
    queue_rebuild (self);
}

/* ---- drawing ---- */

static PangoLayout *
text_layout (VzScheduleWeek *self,
             const char     *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  return layout;
}

static void
make_labels (VzScheduleWeek *self)
{
  for (guint h = 0; h < 24; h++)
    if (self->hour_layouts[h] == NULL)
      {
        g_autofree char *text = g_strdup_printf ("%02u:00", h);

        self->hour_layouts[h] = text_layout (self, text);
      }
  for (guint c = 0; c < 7; c++)
    if (self->day_layouts[c] == NULL && self->layout != NULL)
      {
        g_autoptr(GDateTime) date = day_date (self->layout->first_day + (gint32) c);
        /* TRANSLATORS: a day's heading in the week view, "Mon 7"; see g_date_time_format() */
        g_autofree char *text = g_date_time_format (date, _("%a %-d"));

        self->day_layouts[c] = text_layout (self, text);
      }
}

static void
clear_labels (VzScheduleWeek *self)
{
  for (guint h = 0; h < 24; h++)
    g_clear_object (&self->hour_layouts[h]);
  for (guint c = 0; c < 7; c++)
    g_clear_object (&self->day_layouts[c]);
}

/* The days' headings stay at the top of what shows while the hours scroll. */
static void
draw_day_headings (VzScheduleWeek *self,
                   GtkSnapshot    *snapshot,
                   const GdkRGBA  *ink,
                   const GdkRGBA  *line)
{
  double cw = column_width (self);
  float top = self->vadjustment != NULL ? (float) MAX (gtk_adjustment_get_value (self->vadjustment), 0.0) : 0.f;
  GdkRGBA background;

  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)), "view_bg_color", &background))
    gdk_rgba_parse (&background, "#ffffff");
  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, top, gtk_widget_get_width (GTK_WIDGET (self)), HEADER));
  gtk_snapshot_append_color (snapshot, line,
                             &GRAPHENE_RECT_INIT (0, top + HEADER - 1, gtk_widget_get_width (GTK_WIDGET (self)), 1));
  for (guint c = 0; c < 7; c++)
    {
      float x = (float) (GUTTER + c * cw);
      int text_width;

      if (self->day_layouts[c] == NULL)
        continue;
      pango_layout_get_pixel_size (self->day_layouts[c], &text_width, NULL);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + (cw - text_width) / 2, top + 9));
      gtk_snapshot_append_layout (snapshot, self->day_layouts[c], ink);
      gtk_snapshot_restore (snapshot);
    }
}

static void
vz_schedule_week_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (widget);
  double width = gtk_widget_get_width (widget);
  double cw = column_width (self);
  double hh = hour_height (self);
  double bottom = HEADER + 24 * hh;
  GdkRGBA ink, line, faint, tint, now_colour;
  int now_minute = 0;
  gint32 now_day = today (self, &now_minute);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &ink);
  line = (GdkRGBA) { ink.red, ink.green, ink.blue, 0.18f };
  faint = (GdkRGBA) { ink.red, ink.green, ink.blue, 0.07f };
  tint = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 0.08f };
  gdk_rgba_parse (&now_colour, "#e01b24");
  make_labels (self);

  if (self->layout != NULL && now_day >= self->layout->first_day && now_day < self->layout->first_day + 7)
    gtk_snapshot_append_color (snapshot, &tint,
                               &GRAPHENE_RECT_INIT (GUTTER + (now_day - self->layout->first_day) * cw, 0, cw, bottom));
  for (guint h = 0; h <= 24; h++)
    {
      float y = (float) (HEADER + h * hh);

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (GUTTER, y, width - GUTTER, 1));
      if (h < 24)
        {
          gtk_snapshot_append_color (snapshot, &faint,
                                     &GRAPHENE_RECT_INIT (GUTTER, (float) (y + hh / 2), width - GUTTER, 1));
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (4, y + 2));
          gtk_snapshot_append_layout (snapshot, self->hour_layouts[h], &(GdkRGBA) { ink.red, ink.green, ink.blue, 0.6f });
          gtk_snapshot_restore (snapshot);
        }
    }
  for (guint c = 0; c <= 7; c++)
    {
      float x = (float) (GUTTER + c * cw);

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, 0, 1, bottom));
    }

  for (guint i = 0; i < self->blocks->len; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->blocks, i), snapshot);

  if (self->dragging)
    {
      int c0, c1, m0, m1;
      GdkRGBA fill = { 0.21f, 0.52f, 0.89f, 0.3f };

      cell_at (self, self->drag_x, self->drag_y, &c0, &m0);
      cell_at (self, self->drag_x + self->drag_dx, self->drag_y + self->drag_dy, &c1, &m1);
      gtk_snapshot_append_color (snapshot, &fill,
                                 &GRAPHENE_RECT_INIT (GUTTER + MIN (c0, c1) * cw, minute_y (self, MIN (m0, m1)),
                                                      (ABS (c1 - c0) + 1) * cw,
                                                      MAX (2.0, ABS (m1 - m0) * hh / 60.0)));
    }

  draw_day_headings (self, snapshot, &ink, &line);

  if (self->layout != NULL && now_day >= self->layout->first_day && now_day < self->layout->first_day + 7)
    {
      float x = (float) (GUTTER + (now_day - self->layout->first_day) * cw);
      float y = (float) minute_y (self, now_minute);
      GskRoundedRect dot;

      gtk_snapshot_append_color (snapshot, &now_colour, &GRAPHENE_RECT_INIT (x, y - 1, cw, 2));
      gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (x - 4, y - 4, 8, 8), 4);
      gtk_snapshot_push_rounded_clip (snapshot, &dot);
      gtk_snapshot_append_color (snapshot, &now_colour, &dot.bounds);
      gtk_snapshot_pop (snapshot);
    }
}

static void
vz_schedule_week_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) GUTTER + 7 * 56;
      *natural = (int) GUTTER + 7 * 140;
    }
  else
    {
      *minimum = (int) (HEADER + 24 * MIN_HOUR);
      *natural = (int) (HEADER + 24 * 44);
    }
}

static void
vz_schedule_week_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (widget);
  double cw = column_width (self);

  for (guint i = 0; self->layout != NULL && i < self->blocks->len; i++)
    {
      const VzWeekPiece *piece = &g_array_index (self->layout->pieces, VzWeekPiece, i);
      double lane_width = (cw - 4) / MAX (piece->n_lanes, 1);
      double x = GUTTER + piece->column * cw + 2 + piece->lane * lane_width;
      double y = minute_y (self, piece->start_minute);
      double h = minute_y (self, piece->end_minute) - y;
      GtkAllocation box = { (int) x + 1, (int) y + 1, MAX ((int) lane_width - 2, 1), MAX ((int) h - 2, 1) };

      gtk_widget_size_allocate (g_ptr_array_index (self->blocks, i), &box, -1);
    }
}

/* ---- input ---- */

static void
on_drag_begin (VzScheduleWeek *self,
               double          x,
               double          y)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
}

static void
on_drag_update (VzScheduleWeek *self,
                double          dx,
                double          dy)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  self->drag_dx = dx;
  self->drag_dy = dy;
  if (!self->dragging && hypot (dx, dy) >= 6 &&
      self->drag_y > HEADER + (self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0))
    self->dragging = TRUE;
  if (self->dragging)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (VzScheduleWeek *self,
             double          dx,
             double          dy)
{
  int c0, c1, m0, m1;
  guint days = 0;

  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  self->drag_dx = dx;
  self->drag_dy = dy;
  if (!self->dragging)
    {
      /* A click: the block under it opens. */
      GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), self->drag_x, self->drag_y, GTK_PICK_DEFAULT);

      while (picked != NULL && picked != GTK_WIDGET (self) && !VZ_IS_SCHEDULE_BLOCK (picked))
        picked = gtk_widget_get_parent (picked);
      if (picked != NULL && VZ_IS_SCHEDULE_BLOCK (picked))
        on_block_activate (self, VZ_SCHEDULE_BLOCK (picked));
      return;
    }
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->layout == NULL)
    return;

  cell_at (self, self->drag_x, self->drag_y, &c0, &m0);
  cell_at (self, self->drag_x + dx, self->drag_y + dy, &c1, &m1);
  for (int c = MIN (c0, c1); c <= MAX (c0, c1); c++)
    days |= 1u << vz_week_weekday (self->layout->first_day + c);
  if (m1 < m0)
    {
      int swap = m0;

      m0 = m1;
      m1 = swap;
    }
  if (m1 == m0)
    m1 = MIN (m0 + SNAP, VZ_SCHEDULE_MINUTES_PER_DAY);
  if (m0 == VZ_SCHEDULE_MINUTES_PER_DAY)
    m0 -= SNAP;
  g_signal_emit (self, signals[SIGNAL_CREATE_REQUESTED], 0, days, m0, m1 % VZ_SCHEDULE_MINUTES_PER_DAY);
}

static void
on_scrolled (VzScheduleWeek *self)
{
  g_assert (VZ_IS_SCHEDULE_WEEK (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vz_schedule_week_root (GtkWidget *widget)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (widget);
  GtkWidget *viewport;

  GTK_WIDGET_CLASS (vz_schedule_week_parent_class)->root (widget);

  viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);
  if (viewport != NULL)
    {
      g_set_object (&self->vadjustment, gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)));
      if (self->vadjustment != NULL)
        g_signal_connect_object (self->vadjustment, "value-changed", G_CALLBACK (on_scrolled), self,
                                 G_CONNECT_SWAPPED);
    }
}

static void
vz_schedule_week_unroot (GtkWidget *widget)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (widget);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_scrolled, self);
  g_clear_object (&self->vadjustment);

  GTK_WIDGET_CLASS (vz_schedule_week_parent_class)->unroot (widget);
}

/* The line of the current time moves every minute. */
static gboolean
on_minute (gpointer data)
{
  VzScheduleWeek *self = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->minute_id = g_timeout_add_seconds (60 - g_date_time_get_second (now), on_minute, self);
  if (self->layout != NULL && self->layout->first_day != first_day (self))
    vz_schedule_week_rebuild (self);
  else
    queue_rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
vz_schedule_week_dispose (GObject *object)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_handle_id (&self->minute_id, g_source_remove);
  if (self->blocks != NULL)
    {
      for (guint i = 0; i < self->blocks->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->blocks, i));
      g_ptr_array_set_size (self->blocks, 0);
    }
  if (self->schedules != NULL)
    g_signal_handlers_disconnect_by_func (self->schedules, follow_schedules, self);
  g_clear_object (&self->schedules);
  clear_labels (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SCHEDULE_WEEK);

  G_OBJECT_CLASS (vz_schedule_week_parent_class)->dispose (object);
}

static void
vz_schedule_week_finalize (GObject *object)
{
  VzScheduleWeek *self = VZ_SCHEDULE_WEEK (object);

  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->layout, vz_week_layout_free);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->group_ids, g_strfreev);
  g_free (self->display_id);

  G_OBJECT_CLASS (vz_schedule_week_parent_class)->finalize (object);
}

static void
vz_schedule_week_class_init (VzScheduleWeekClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_schedule_week_dispose;
  object_class->finalize = vz_schedule_week_finalize;
  widget_class->snapshot = vz_schedule_week_snapshot;
  widget_class->measure = vz_schedule_week_measure;
  widget_class->size_allocate = vz_schedule_week_size_allocate;
  widget_class->root = vz_schedule_week_root;
  widget_class->unroot = vz_schedule_week_unroot;

  signals[SIGNAL_CREATE_REQUESTED] =
    g_signal_new ("create-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_SCHEDULE_ACTIVATED] =
    g_signal_new ("schedule-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-schedule-week.ui");
  gtk_widget_class_bind_template_callback (widget_class, on_drag_begin);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_update);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_end);
  gtk_widget_class_set_css_name (widget_class, "vz-schedule-week");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vz_schedule_week_init (VzScheduleWeek *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->blocks = g_ptr_array_new ();
  self->tz = g_time_zone_new_utc ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_schedule_rule_free);
  self->layout = vz_week_layout_new (self->rules, self->tz, first_day (self));
  self->minute_id = g_timeout_add_seconds (60 - g_date_time_get_second (now), on_minute, self);
}

GtkWidget *
vz_schedule_week_new (void)
{
  return g_object_new (VZ_TYPE_SCHEDULE_WEEK, NULL);
}

void
vz_schedule_week_set_target (VzScheduleWeek     *self,
                             VzStore            *schedules,
                             const char         *display_id,
                             const char * const *group_ids,
                             const char         *timezone)
{
  g_return_if_fail (VZ_IS_SCHEDULE_WEEK (self));
  g_return_if_fail (schedules == NULL || VZ_IS_STORE (schedules));

  if (self->schedules != schedules)
    {
      if (self->schedules != NULL)
        g_signal_handlers_disconnect_by_func (self->schedules, follow_schedules, self);
      g_set_object (&self->schedules, schedules);
      if (schedules != NULL)
        {
          g_signal_connect_object (schedules, "items-changed", G_CALLBACK (follow_schedules), self,
                                   G_CONNECT_SWAPPED);
          follow_schedules (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (schedules)),
                            G_LIST_MODEL (schedules));
        }
    }
  g_free (self->display_id);
  self->display_id = g_strdup (display_id);
  g_clear_pointer (&self->group_ids, g_strfreev);
  self->group_ids = group_ids != NULL && group_ids[0] != NULL ? g_strdupv ((char **) group_ids) : NULL;
  g_clear_pointer (&self->tz, g_time_zone_unref);
  if (timezone != NULL && *timezone != '\0')
    self->tz = g_time_zone_new_identifier (timezone);
  if (self->tz == NULL)
    self->tz = g_time_zone_new_utc ();
  clear_labels (self);
  vz_schedule_week_rebuild (self);
}

void
vz_schedule_week_set_offset (VzScheduleWeek *self,
                             int             offset)
{
  g_return_if_fail (VZ_IS_SCHEDULE_WEEK (self));

  if (self->offset == offset)
    return;
  self->offset = offset;
  clear_labels (self);
  vz_schedule_week_rebuild (self);
}

int
vz_schedule_week_get_offset (VzScheduleWeek *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_WEEK (self), 0);
  return self->offset;
}

char *
vz_schedule_week_dup_title (VzScheduleWeek *self)
{
  g_autoptr(GDateTime) monday = NULL;
  g_autoptr(GDateTime) sunday = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (VZ_IS_SCHEDULE_WEEK (self), NULL);

  monday = day_date (first_day (self));
  sunday = day_date (first_day (self) + 6);
  /* TRANSLATORS: the first day of the week shown, "7 December"; see g_date_time_format() */
  from = g_date_time_format (monday, _("%-d %B"));
  /* TRANSLATORS: the last day of the week shown, "13 December 2026" */
  to = g_date_time_format (sunday, _("%-d %B %Y"));
  /* TRANSLATORS: the week shown, "7 December – 13 December 2026" */
  return g_strdup_printf (_("%s – %s"), from, to);
}

GPtrArray *
vz_schedule_week_get_blocks (VzScheduleWeek *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_WEEK (self), NULL);
  return self->blocks;
}

void
vz_schedule_week_point (VzScheduleWeek *self,
                        guint           column,
                        int             minute,
                        double         *x,
                        double         *y)
{
  g_return_if_fail (VZ_IS_SCHEDULE_WEEK (self));

  *x = GUTTER + (column + 0.5) * column_width (self);
  *y = minute_y (self, minute);
}
