/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-schedule"

#include "vz-schedule-private.h"

#include <string.h>

/* GDate's Julian day of 1970-01-01. */
#define EPOCH_JULIAN 719163
/* Every UTC offset lies within these bounds, so the instant of a local
 * time L lies within [L - 15 h, L + 13 h]. */
#define OFFSET_MARGIN_EAST (15 * 3600)
#define OFFSET_MARGIN_WEST (13 * 3600)

G_DEFINE_BOXED_TYPE (VzScheduleRule, vz_schedule_rule, vz_schedule_rule_copy, vz_schedule_rule_free)

VzScheduleRule *
vz_schedule_rule_new (const char *id,
                      const char *playlist_id)
{
  VzScheduleRule *rule;

  g_return_val_if_fail (id != NULL, NULL);

  rule = g_new0 (VzScheduleRule, 1);
  rule->id = g_strdup (id);
  rule->playlist_id = g_strdup (playlist_id);
  rule->start_time = VZ_SCHEDULE_NO_TIME;
  rule->end_time = VZ_SCHEDULE_NO_TIME;
  rule->days = VZ_SCHEDULE_EVERY_DAY;
  rule->start_day = VZ_SCHEDULE_NO_START_DAY;
  rule->end_day = VZ_SCHEDULE_NO_END_DAY;
  rule->is_active = TRUE;
  return rule;
}

VzScheduleRule *
vz_schedule_rule_copy (const VzScheduleRule *rule)
{
  VzScheduleRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = g_memdup2 (rule, sizeof *rule);
  copy->id = g_strdup (rule->id);
  copy->playlist_id = g_strdup (rule->playlist_id);
  copy->display_id = g_strdup (rule->display_id);
  copy->group_id = g_strdup (rule->group_id);
  return copy;
}

void
vz_schedule_rule_free (VzScheduleRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->id);
  g_free (rule->playlist_id);
  g_free (rule->display_id);
  g_free (rule->group_id);
  g_free (rule);
}

void
vz_schedule_rule_set_display (VzScheduleRule *rule,
                              const char     *display_id)
{
  g_return_if_fail (rule != NULL);

  g_free (rule->display_id);
  rule->display_id = g_strdup (display_id);
  g_clear_pointer (&rule->group_id, g_free);
}

void
vz_schedule_rule_set_group (VzScheduleRule *rule,
                            const char     *group_id)
{
  g_return_if_fail (rule != NULL);

  g_free (rule->group_id);
  rule->group_id = g_strdup (group_id);
  g_clear_pointer (&rule->display_id, g_free);
}

gboolean
vz_schedule_rule_beats (const VzScheduleRule *a,
                        const VzScheduleRule *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->priority != b->priority)
    return a->priority > b->priority;
  if (a->created_at != b->created_at)
    return a->created_at > b->created_at;
  return strcmp (a->id, b->id) > 0;
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

gboolean
vz_schedule_parse_day (const char *iso,
                       gint32     *out_day)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  guint year, month, day;

  g_return_val_if_fail (out_day != NULL, FALSE);

  if (iso == NULL)
    return FALSE;
  if (strlen (iso) == 10)
    {
      GDate date;

      for (int i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? iso[i] != '-' : !g_ascii_isdigit (iso[i]))
          return FALSE;
      year = (guint) g_ascii_strtoull (iso, NULL, 10);
      month = (guint) g_ascii_strtoull (iso + 5, NULL, 10);
      day = (guint) g_ascii_strtoull (iso + 8, NULL, 10);
      if (year < 1 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
        return FALSE;
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
      *out_day = (gint32) g_date_get_julian (&date) - EPOCH_JULIAN;
      return TRUE;
    }

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return FALSE;
  *out_day = (gint32) floor_div (g_date_time_to_unix (dt), _VZ_SECONDS_PER_DAY);
  return TRUE;
}

char *
vz_schedule_format_day (gint32 day)
{
  GDate date;
  char buf[16];

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day + EPOCH_JULIAN));
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &date);
  return g_strdup (buf);
}

static gint32
offset_at (GTimeZone *tz,
           gint64     instant)
{
  return g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, instant));
}

gint32
_vz_zone_local_day (GTimeZone *tz,
                    gint64     instant)
{
  return (gint32) floor_div (instant + offset_at (tz, instant), _VZ_SECONDS_PER_DAY);
}

void
_vz_zone_day_init (VzZoneDay *zd,
                   GTimeZone *tz,
                   gint32     day)
{
  gint64 midnight = (gint64) day * _VZ_SECONDS_PER_DAY;
  int first, last;

  zd->tz = tz;
  zd->day = day;
  zd->weekday = (guint8) ((day % 7 + 7 + 4) % 7);
  /* Same interval from before this day's first instant to after the next
   * day's last: no offset change can fall inside. */
  first = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, midnight - OFFSET_MARGIN_EAST);
  last = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL,
                                    midnight + 2 * _VZ_SECONDS_PER_DAY + OFFSET_MARGIN_WEST);
  zd->linear = first == last;
  zd->offset = g_time_zone_get_offset (tz, first);
}

/* The instant of local time @local (seconds since 1970-01-01 on the wall
 * clock), across offset changes. */
static gint64
instant_of_local (GTimeZone *tz,
                  gint64     local)
{
  int first = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, local - OFFSET_MARGIN_EAST);
  int last = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, local + OFFSET_MARGIN_WEST);
  gint64 adjusted = local;
  gint64 best = G_MAXINT64;
  int interval;

  for (int i = first; i <= last; i++)
    {
      gint64 candidate = local - g_time_zone_get_offset (tz, i);

      /* The local time exists in interval i: in a repeated hour it exists
       * twice and the earlier instant is taken. */
      if (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, candidate) == i && candidate < best)
        best = candidate;
    }
  if (best != G_MAXINT64)
    return best;

  /* A time the clock skips: GLib moves it to the end of the gap, the first
   * instant after it. */
  interval = g_time_zone_adjust_time (tz, G_TIME_TYPE_STANDARD, &adjusted);
  return adjusted - g_time_zone_get_offset (tz, interval);
}

gint64
_vz_zone_day_instant (const VzZoneDay *zd,
                      int              minute)
{
  gint64 local = (gint64) zd->day * _VZ_SECONDS_PER_DAY + (gint64) minute * 60;

  if (zd->linear)
    return local - zd->offset;
  return instant_of_local (zd->tz, local);
}

static gboolean
rule_is_all_day (const VzScheduleRule *rule)
{
  return rule->start_time < 0 || rule->end_time < 0 || rule->start_time == rule->end_time;
}

gboolean
_vz_rule_window (const VzScheduleRule *rule,
                 const VzZoneDay      *zd,
                 gint64               *out_start,
                 gint64               *out_end)
{
  int start, end;

  if (!rule->is_active || (rule->days & (1u << zd->weekday)) == 0
      || zd->day < rule->start_day || zd->day > rule->end_day)
    return FALSE;

  if (rule_is_all_day (rule))
    {
      start = 0;
      end = VZ_SCHEDULE_MINUTES_PER_DAY;
    }
  else
    {
      start = rule->start_time;
      end = rule->end_time > rule->start_time ? rule->end_time
                                              : rule->end_time + VZ_SCHEDULE_MINUTES_PER_DAY;
    }
  *out_start = _vz_zone_day_instant (zd, start);
  *out_end = _vz_zone_day_instant (zd, end);
  /* A window that lies wholly in a skipped hour is empty. */
  return *out_start < *out_end;
}

/* A window lasts at most a day, so an instant can only be in the window
 * that opened on its own local day or on the day before. */
gboolean
_vz_rule_is_on (const VzScheduleRule *rule,
                const VzZoneDay       days[2],
                gint64                instant)
{
  for (int i = 0; i < 2; i++)
    {
      gint64 start, end;

      if (_vz_rule_window (rule, &days[i], &start, &end) && start <= instant && instant < end)
        return TRUE;
    }
  return FALSE;
}

void
_vz_zone_days_around (VzZoneDay  days[2],
                      GTimeZone *tz,
                      gint64     instant)
{
  gint32 today = _vz_zone_local_day (tz, instant);

  _vz_zone_day_init (&days[0], tz, today - 1);
  _vz_zone_day_init (&days[1], tz, today);
}

gboolean
vz_schedule_rule_is_on (const VzScheduleRule *rule,
                        GTimeZone            *tz,
                        gint64                instant)
{
  VzZoneDay days[2];

  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);

  _vz_zone_days_around (days, tz, instant);
  return _vz_rule_is_on (rule, days, instant);
}

const VzScheduleRule *
vz_schedule_decide (GPtrArray *rules,
                    GTimeZone *tz,
                    gint64     instant)
{
  const VzScheduleRule *best = NULL;
  VzZoneDay days[2];

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  _vz_zone_days_around (days, tz, instant);
  for (guint i = 0; i < rules->len; i++)
    {
      const VzScheduleRule *rule = g_ptr_array_index (rules, i);

      if ((best == NULL || vz_schedule_rule_beats (rule, best)) && _vz_rule_is_on (rule, days, instant))
        best = rule;
    }
  return best;
}

typedef struct
{
  gint64                at;
  const VzScheduleRule *rule;
  gboolean              opens;
} Edge;

static int
edge_compare (gconstpointer a,
              gconstpointer b)
{
  const Edge *x = a, *y = b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  /* Closings first, so a window that ends where another opens is gone. */
  return (int) x->opens - (int) y->opens;
}

static const VzScheduleRule *
best_of (GPtrArray *open)
{
  const VzScheduleRule *best = NULL;

  for (guint i = 0; i < open->len; i++)
    {
      const VzScheduleRule *rule = g_ptr_array_index (open, i);

      if (best == NULL || vz_schedule_rule_beats (rule, best))
        best = rule;
    }
  return best;
}

static void
push_span (GArray               *spans,
           gint64                start,
           gint64                end,
           const VzScheduleRule *rule,
           const char           *default_playlist_id)
{
  VzScheduleSpan span;

  if (start >= end)
    return;
  if (spans->len > 0)
    {
      VzScheduleSpan *last = &g_array_index (spans, VzScheduleSpan, spans->len - 1);

      if (last->rule == rule && last->end == start)
        {
          last->end = end;
          return;
        }
    }
  span.start = start;
  span.end = end;
  span.rule = rule;
  span.playlist_id = rule != NULL ? rule->playlist_id : default_playlist_id;
  g_array_append_val (spans, span);
}

GArray *
vz_schedule_spans (GPtrArray  *rules,
                   const char *default_playlist_id,
                   GTimeZone  *tz,
                   gint64      from,
                   gint64      to)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (VzScheduleSpan));
  const VzScheduleRule *current = NULL;
  gint64 cursor = from;
  gint32 first_day, last_day;

  g_return_val_if_fail (rules != NULL, spans);
  g_return_val_if_fail (tz != NULL, spans);

  if (from >= to)
    return spans;

  first_day = _vz_zone_local_day (tz, from) - 1;
  last_day = _vz_zone_local_day (tz, to - 1);
  for (gint32 day = first_day; day <= last_day; day++)
    {
      VzZoneDay zd;

      _vz_zone_day_init (&zd, tz, day);
      for (guint i = 0; i < rules->len; i++)
        {
          const VzScheduleRule *rule = g_ptr_array_index (rules, i);
          gint64 start, end;

          if (!_vz_rule_window (rule, &zd, &start, &end) || end <= from || start >= to)
            continue;
          g_array_append_vals (edges, &(Edge){ MAX (start, from), rule, TRUE }, 1);
          g_array_append_vals (edges, &(Edge){ MIN (end, to), rule, FALSE }, 1);
        }
    }
  g_array_sort (edges, edge_compare);

  for (guint i = 0; i < edges->len; i++)
    {
      const Edge *edge = &g_array_index (edges, Edge, i);
      const VzScheduleRule *best;

      if (edge->opens)
        g_ptr_array_add (open, (gpointer) edge->rule);
      else
        g_ptr_array_remove_fast (open, (gpointer) edge->rule);

      /* Decide once all the edges at this instant are in. */
      if (i + 1 < edges->len && g_array_index (edges, Edge, i + 1).at == edge->at)
        continue;
      best = best_of (open);
      if (best != current)
        {
          push_span (spans, cursor, edge->at, current, default_playlist_id);
          cursor = edge->at;
          current = best;
        }
    }
  push_span (spans, cursor, to, current, default_playlist_id);
  return spans;
}
