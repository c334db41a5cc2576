/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-week"

#include "vz-schedule-week-layout.h"

#define DAY_MINUTES VZ_SCHEDULE_MINUTES_PER_DAY

guint
vz_week_weekday (gint32 day)
{
  /* 1970-01-01 was a Thursday (4). */
  return (guint) (((day % 7) + 7 + 4) % 7);
}

gint32
vz_week_monday (gint32 day)
{
  return day - (gint32) ((vz_week_weekday (day) + 6) % 7);
}

static void
add_piece (GArray *pieces,
           guint   rule,
           gint32  column,
           int     start,
           int     end,
           int     open,
           int     close,
           gboolean continued)
{
  VzWeekPiece piece = { 0 };

  if (column < 0 || column > 6 || end <= start)
    return;
  piece.rule = rule;
  piece.column = (guint) column;
  piece.start_minute = start;
  piece.end_minute = end;
  piece.open_minute = open;
  piece.close_minute = close;
  piece.won_start = -1;
  piece.won_end = -1;
  piece.continued = continued;
  g_array_append_val (pieces, piece);
}

/* The pieces of @rule's windows that show in the week of @first_day. */
static void
cut_rule (GArray               *pieces,
          guint                 index,
          const VzScheduleRule *rule,
          gint32                first_day)
{
  gboolean whole = rule->start_time == VZ_SCHEDULE_NO_TIME || rule->end_time == VZ_SCHEDULE_NO_TIME ||
                   rule->start_time == rule->end_time;

  /* The day before the week: its window may run into Monday morning. */
  for (gint32 day = first_day - 1; day < first_day + 7; day++)
    {
      gint32 column = day - first_day;

      if ((rule->days & (1u << vz_week_weekday (day))) == 0 ||
          day < rule->start_day || day > rule->end_day)
        continue;
      if (whole)
        add_piece (pieces, index, column, 0, DAY_MINUTES, 0, DAY_MINUTES, FALSE);
      else if (rule->start_time < rule->end_time)
        add_piece (pieces, index, column, rule->start_time, rule->end_time, rule->start_time, rule->end_time, FALSE);
      else
        {
          int close = rule->end_time + DAY_MINUTES;

          add_piece (pieces, index, column, rule->start_time, DAY_MINUTES, rule->start_time, close, FALSE);
          add_piece (pieces, index, column + 1, 0, rule->end_time, rule->start_time, close, TRUE);
        }
    }
}

static int
compare_pieces (gconstpointer a,
                gconstpointer b)
{
  const VzWeekPiece *pa = a, *pb = b;

  if (pa->column != pb->column)
    return pa->column < pb->column ? -1 : 1;
  if (pa->start_minute != pb->start_minute)
    return pa->start_minute < pb->start_minute ? -1 : 1;
  /* The longer first, so that it takes the leftmost lane. */
  if (pa->end_minute != pb->end_minute)
    return pa->end_minute > pb->end_minute ? -1 : 1;
  return pa->rule < pb->rule ? -1 : pa->rule > pb->rule;
}

/* Lanes: within a cluster of pieces that share time (directly or through
 * others), each piece takes the first lane free at its start. */
static void
assign_lanes (GArray *pieces)
{
  g_autoptr(GArray) lane_ends = g_array_new (FALSE, FALSE, sizeof (int));
  guint cluster_start = 0;
  int cluster_end = -1;
  guint column = G_MAXUINT;

  for (guint i = 0; i <= pieces->len; i++)
    {
      VzWeekPiece *piece = i < pieces->len ? &g_array_index (pieces, VzWeekPiece, i) : NULL;
      guint lane;

      if (piece == NULL || piece->column != column || piece->start_minute >= cluster_end)
        {
          for (guint j = cluster_start; j < i; j++)
            g_array_index (pieces, VzWeekPiece, j).n_lanes = lane_ends->len;
          if (piece == NULL)
            break;
          g_array_set_size (lane_ends, 0);
          cluster_start = i;
          cluster_end = -1;
          column = piece->column;
        }
      for (lane = 0; lane < lane_ends->len; lane++)
        if (g_array_index (lane_ends, int, lane) <= piece->start_minute)
          break;
      if (lane == lane_ends->len)
        g_array_append_val (lane_ends, piece->end_minute);
      else
        g_array_index (lane_ends, int, lane) = piece->end_minute;
      piece->lane = lane;
      cluster_end = MAX (cluster_end, piece->end_minute);
    }
}

/* @instant on the wall clock of @tz: the day since 1970-01-01 and the minute. */
static void
wall_clock (GTimeZone *tz,
            gint64     instant,
            gint32    *day,
            int       *minute)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (local), g_date_time_get_month (local),
                                                       g_date_time_get_day_of_month (local), 0, 0, 0);

  *day = (gint32) (g_date_time_to_unix (midnight) / 86400);
  *minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
}

static gint64
local_midnight (GTimeZone *tz,
                gint32     day)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc ((gint64) day * 86400);
  g_autoptr(GDateTime) local = g_date_time_new (tz, g_date_time_get_year (utc), g_date_time_get_month (utc),
                                                g_date_time_get_day_of_month (utc), 0, 0, 0);

  return g_date_time_to_unix (local);
}

/* Marks the minutes of each piece in which its rule plays, from the
 * evaluator's spans over the week. */
static void
mark_winners (GArray    *pieces,
              GPtrArray *rules,
              GTimeZone *tz,
              gint32     first_day)
{
  g_autoptr(GHashTable) index_of = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) spans = NULL;
  g_autofree int *won_minutes = g_new0 (int, pieces->len + 1);
  /* The pieces of each rule: rule i's are by_rule[first[i]…first[i + 1]). */
  g_autofree guint *first = g_new0 (guint, rules->len + 1);
  g_autofree guint *by_rule = g_new (guint, pieces->len + 1);
  g_autofree guint *fill = g_new0 (guint, rules->len + 1);

  for (guint i = 0; i < rules->len; i++)
    g_hash_table_insert (index_of, g_ptr_array_index (rules, i), GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < pieces->len; i++)
    first[g_array_index (pieces, VzWeekPiece, i).rule + 1]++;
  for (guint r = 0; r < rules->len; r++)
    first[r + 1] += first[r];
  for (guint i = 0; i < pieces->len; i++)
    {
      guint rule = g_array_index (pieces, VzWeekPiece, i).rule;

      by_rule[first[rule] + fill[rule]++] = i;
    }
  spans = vz_schedule_spans (rules, NULL, tz, local_midnight (tz, first_day), local_midnight (tz, first_day + 7));

  for (guint s = 0; s < spans->len; s++)
    {
      const VzScheduleSpan *span = &g_array_index (spans, VzScheduleSpan, s);
      guint rule;
      gint32 start_day, end_day;
      int start_minute, end_minute;

      if (span->rule == NULL)
        continue;
      rule = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, span->rule)) - 1;
      wall_clock (tz, span->start, &start_day, &start_minute);
      wall_clock (tz, span->end, &end_day, &end_minute);
      for (guint k = first[rule]; k < first[rule + 1]; k++)
        {
          guint i = by_rule[k];
          VzWeekPiece *piece = &g_array_index (pieces, VzWeekPiece, i);
          gint32 day = first_day + (gint32) piece->column;
          int from, to;

          if (day < start_day || day > end_day)
            continue;
          from = MAX (piece->start_minute, day == start_day ? start_minute : 0);
          to = MIN (piece->end_minute, day == end_day ? end_minute : DAY_MINUTES);
          if (to <= from)
            continue;
          piece->won_start = piece->won_start < 0 ? from : MIN (piece->won_start, from);
          piece->won_end = MAX (piece->won_end, to);
          won_minutes[i] += to - from;
        }
    }
  for (guint i = 0; i < pieces->len; i++)
    {
      VzWeekPiece *piece = &g_array_index (pieces, VzWeekPiece, i);

      piece->wins_all = won_minutes[i] >= piece->end_minute - piece->start_minute;
    }
}

VzWeekLayout *
vz_week_layout_new (GPtrArray *rules,
                    GTimeZone *tz,
                    gint32     first_day)
{
  VzWeekLayout *layout = g_new0 (VzWeekLayout, 1);

  g_return_val_if_fail (rules != NULL && tz != NULL, layout);

  layout->first_day = first_day;
  layout->pieces = g_array_new (FALSE, FALSE, sizeof (VzWeekPiece));
  for (guint i = 0; i < rules->len; i++)
    cut_rule (layout->pieces, i, g_ptr_array_index (rules, i), first_day);
  g_array_sort (layout->pieces, compare_pieces);
  assign_lanes (layout->pieces);
  mark_winners (layout->pieces, rules, tz, first_day);
  return layout;
}

void
vz_week_layout_free (VzWeekLayout *layout)
{
  if (layout == NULL)
    return;
  g_clear_pointer (&layout->pieces, g_array_unref);
  g_free (layout);
}
