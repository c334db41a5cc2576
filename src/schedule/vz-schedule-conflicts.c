/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-schedule"

#include "vz-schedule-private.h"

/*
 * Overlaps are found on the wall clock of a week, in minutes after Sunday
 * 00:00 (as the platform's schedulesOverlapInTime does): each selected day
 * gives one window, one past midnight runs into the next day, and Saturday's
 * into Sunday.
 */
#define MINUTES_PER_WEEK (7 * VZ_SCHEDULE_MINUTES_PER_DAY)

typedef struct
{
  int start;
  int end;
} Interval;

static guint
week_intervals (const VzScheduleRule *rule,
                Interval              out[7])
{
  guint n = 0;

  for (int day = 0; day < 7; day++)
    {
      int base = day * VZ_SCHEDULE_MINUTES_PER_DAY;

      if ((rule->days & (1u << day)) == 0)
        continue;
      if (rule->start_time < 0 || rule->end_time < 0 || rule->start_time == rule->end_time)
        out[n] = (Interval){ base, base + VZ_SCHEDULE_MINUTES_PER_DAY };
      else if (rule->start_time < rule->end_time)
        out[n] = (Interval){ base + rule->start_time, base + rule->end_time };
      else
        out[n] = (Interval){ base + rule->start_time,
                             base + VZ_SCHEDULE_MINUTES_PER_DAY + rule->end_time };
      n++;
    }
  return n;
}

static int
interval_compare (gconstpointer a,
                  gconstpointer b)
{
  const Interval *x = a, *y = b;

  return x->start - y->start;
}

/* The shared minutes of two rules' weeks, each starting within the week,
 * with touching pieces joined while they last no more than a day (a window
 * past midnight stays one piece). */
static GArray *
shared_minutes (const VzScheduleRule *a,
                const VzScheduleRule *b)
{
  GArray *shared = g_array_new (FALSE, FALSE, sizeof (Interval));
  Interval ai[7], bi[7];
  guint na = week_intervals (a, ai);
  guint nb = week_intervals (b, bi);

  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      for (int shift = -MINUTES_PER_WEEK; shift <= MINUTES_PER_WEEK; shift += MINUTES_PER_WEEK)
        {
          Interval piece = { MAX (ai[i].start, bi[j].start + shift),
                             MIN (ai[i].end, bi[j].end + shift) };

          if (piece.start >= piece.end)
            continue;
          if (piece.start >= MINUTES_PER_WEEK)
            {
              piece.start -= MINUTES_PER_WEEK;
              piece.end -= MINUTES_PER_WEEK;
            }
          g_array_append_val (shared, piece);
        }
  g_array_sort (shared, interval_compare);

  for (guint i = 0; i + 1 < shared->len;)
    {
      Interval *x = &g_array_index (shared, Interval, i);
      Interval *y = &g_array_index (shared, Interval, i + 1);

      if (x->end == y->start && y->end - x->start <= VZ_SCHEDULE_MINUTES_PER_DAY)
        {
          x->end = y->end;
          g_array_remove_index (shared, i + 1);
        }
      else
        i++;
    }
  if (shared->len > 1)
    {
      Interval *first = &g_array_index (shared, Interval, 0);
      Interval *last = &g_array_index (shared, Interval, shared->len - 1);

      if (last->end == first->start + MINUTES_PER_WEEK
          && first->end + MINUTES_PER_WEEK - last->start <= VZ_SCHEDULE_MINUTES_PER_DAY)
        {
          last->end = first->end + MINUTES_PER_WEEK;
          g_array_remove_index (shared, 0);
        }
    }
  return shared;
}

static int
overlap_compare (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const VzScheduleOverlap *x = a, *y = b;
  int x_day = g_bit_nth_lsf (x->days, -1), y_day = g_bit_nth_lsf (y->days, -1);

  if (x_day != y_day)
    return x_day - y_day;
  if (x->start_minute != y->start_minute)
    return x->start_minute - y->start_minute;
  return x->end_minute - y->end_minute;
}

/* Appends the overlaps with @other, one per wall-clock window, naming the
 * weekdays it starts on. */
static void
add_overlaps (GArray               *overlaps,
              const VzScheduleRule *proposed,
              const VzScheduleRule *other)
{
  g_autoptr(GArray) shared = shared_minutes (proposed, other);
  gboolean proposed_wins = vz_schedule_rule_beats (proposed, other);
  guint first = overlaps->len;

  for (guint i = 0; i < shared->len; i++)
    {
      const Interval *piece = &g_array_index (shared, Interval, i);
      int day = piece->start / VZ_SCHEDULE_MINUTES_PER_DAY;
      int start = piece->start % VZ_SCHEDULE_MINUTES_PER_DAY;
      int end = start + (piece->end - piece->start);
      gboolean joined = FALSE;

      for (guint j = first; j < overlaps->len && !joined; j++)
        {
          VzScheduleOverlap *o = &g_array_index (overlaps, VzScheduleOverlap, j);

          if (o->start_minute == start && o->end_minute == end)
            {
              o->days |= (guint8) (1u << day);
              joined = TRUE;
            }
        }
      if (!joined)
        g_array_append_vals (overlaps,
                             &(VzScheduleOverlap){ other, (guint8) (1u << day), start, end,
                                                   proposed_wins },
                             1);
    }
  if (overlaps->len > first + 1)
    g_qsort_with_data (&g_array_index (overlaps, VzScheduleOverlap, first),
                       (gint) (overlaps->len - first), sizeof (VzScheduleOverlap),
                       overlap_compare, NULL);
}

GArray *
vz_schedule_conflicts (const VzScheduleRule *proposed,
                       GPtrArray            *others)
{
  GArray *overlaps = g_array_new (FALSE, FALSE, sizeof (VzScheduleOverlap));

  g_return_val_if_fail (proposed != NULL, overlaps);
  g_return_val_if_fail (others != NULL, overlaps);

  for (guint i = 0; i < others->len; i++)
    {
      const VzScheduleRule *other = g_ptr_array_index (others, i);

      if (!other->is_active || g_strcmp0 (other->id, proposed->id) == 0)
        continue;
      if (MAX (proposed->start_day, other->start_day) > MIN (proposed->end_day, other->end_day))
        continue;
      add_overlaps (overlaps, proposed, other);
    }
  return overlaps;
}
