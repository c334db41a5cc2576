/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-now"

#include <glib/gi18n-lib.h>

#include "vz-playlist.h"
#include "vz-schedule-now.h"
#include "vz-schedule-resource.h"

#define LOOK_AHEAD_DAYS 7

static const char *
playlist_name (VzStore    *playlists,
               const char *id)
{
  VzPlaylist *playlist = playlists != NULL && id != NULL ? vz_store_lookup (playlists, id) : NULL;

  if (playlist != NULL && vz_playlist_get_name (playlist) != NULL)
    return vz_playlist_get_name (playlist);
  return id;
}

static const char *
schedule_name (VzStore              *schedules,
               const VzScheduleRule *rule)
{
  VzSchedule *schedule = vz_store_lookup (schedules, rule->id);

  return schedule != NULL && vz_schedule_get_name (schedule) != NULL ? vz_schedule_get_name (schedule) : rule->id;
}

/* "the schedule “Breakfast”" or "the screen’s own playlist" */
static char *
reason (VzStore              *schedules,
        const VzScheduleSpan *span)
{
  if (span->rule != NULL)
    return g_strdup_printf (_("the schedule “%s”"), schedule_name (schedules, span->rule));
  return g_strdup (_("the screen’s own playlist"));
}

void
vz_schedule_describe_now (VzStore   *schedules,
                          VzStore   *groups,
                          VzStore   *playlists,
                          VzDisplay *display,
                          gint64     instant,
                          char     **now,
                          char     **next)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  const char *zone;
  const VzScheduleSpan *span;

  g_return_if_fail (VZ_IS_DISPLAY (display));
  g_return_if_fail (now != NULL && next != NULL);

  zone = vz_display_get_timezone (display);
  if (zone != NULL && *zone != '\0')
    tz = g_time_zone_new_identifier (zone);
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  if (schedules != NULL)
    rules = vz_schedule_rules_reaching (schedules, groups, vz_entity_get_id (VZ_ENTITY (display)), NULL);
  else
    rules = g_ptr_array_new ();
  spans = vz_schedule_spans (rules, vz_display_get_current_playlist_id (display), tz, instant,
                             instant + LOOK_AHEAD_DAYS * 24 * 3600);

  span = &g_array_index (spans, VzScheduleSpan, 0);
  if (span->playlist_id == NULL)
    *now = g_strdup (_("Nothing to play"));
  else if (span->rule != NULL)
    /* TRANSLATORS: "Morning, by the schedule “Breakfast”" */
    *now = g_strdup_printf (_("%s, by the schedule “%s”"), playlist_name (playlists, span->playlist_id),
                            schedule_name (schedules, span->rule));
  else
    /* TRANSLATORS: "Morning, the screen’s own playlist" */
    *now = g_strdup_printf (_("%s, the screen’s own playlist"), playlist_name (playlists, span->playlist_id));

  if (spans->len < 2)
    {
      *next = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "No change in the next %u day",
                                            "No change in the next %u days", LOOK_AHEAD_DAYS),
                               LOOK_AHEAD_DAYS);
      return;
    }
  span = &g_array_index (spans, VzScheduleSpan, 1);
  {
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (span->start);
    g_autoptr(GDateTime) local = NULL;
    g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (instant);
    g_autoptr(GDateTime) here = NULL;
    g_autofree char *when = NULL;
    g_autofree char *why = reason (schedules, span);

    local = g_date_time_to_timezone (start, tz);
    here = g_date_time_to_timezone (today, tz);
    if (g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (here) &&
        g_date_time_get_year (local) == g_date_time_get_year (here))
      when = g_date_time_format (local, "%H:%M");
    else
      /* TRANSLATORS: a weekday and a time, see g_date_time_format() */
      when = g_date_time_format (local, _("%a %H:%M"));
    if (span->playlist_id == NULL)
      /* TRANSLATORS: "Nothing from 18:00 (the schedule “Evening”)" */
      *next = g_strdup_printf (_("Nothing from %s (%s)"), when, why);
    else
      /* TRANSLATORS: "Lunch from 12:00 (the schedule “Lunch”)" */
      *next = g_strdup_printf (_("%s from %s (%s)"), playlist_name (playlists, span->playlist_id), when, why);
  }
}
