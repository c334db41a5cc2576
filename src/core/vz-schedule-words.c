/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-words"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-schedule-words.h"

#define WEEKDAYS 0x3e   /* Monday to Friday */
#define WEEKENDS 0x41   /* Saturday and Sunday */

char *
vz_schedule_describe_days (guint8 days)
{
  static const char * const names[7] = {
    N_("Sunday"), N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
  };
  g_autoptr(GString) out = NULL;

  days &= VZ_SCHEDULE_EVERY_DAY;
  if (days == VZ_SCHEDULE_EVERY_DAY)
    return g_strdup (_("Every day"));
  if (days == WEEKDAYS)
    return g_strdup (_("Weekdays"));
  if (days == WEEKENDS)
    return g_strdup (_("Weekends"));
  if (days == 0)
    return g_strdup (_("No day"));

  /* The week from Monday, as people read it. */
  out = g_string_new (NULL);
  for (int i = 1; i <= 7; i++)
    if (days & (1 << (i % 7)))
      {
        if (out->len > 0)
          /* TRANSLATORS: between weekdays in a list: "Monday, Friday" */
          g_string_append (out, _(", "));
        g_string_append (out, _(names[i % 7]));
      }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
vz_schedule_describe_window (int start_minute,
                             int end_minute)
{
  int start = ((start_minute % VZ_SCHEDULE_MINUTES_PER_DAY) + VZ_SCHEDULE_MINUTES_PER_DAY) % VZ_SCHEDULE_MINUTES_PER_DAY;
  int end = ((end_minute % VZ_SCHEDULE_MINUTES_PER_DAY) + VZ_SCHEDULE_MINUTES_PER_DAY) % VZ_SCHEDULE_MINUTES_PER_DAY;

  if (start == end)
    return g_strdup (_("all day"));
  /* TRANSLATORS: a time window, from hours:minutes to hours:minutes */
  return g_strdup_printf (_("%02d:%02d–%02d:%02d"), start / 60, start % 60, end / 60, end % 60);
}

char *
vz_schedule_describe_rule_window (const VzScheduleRule *rule)
{
  g_return_val_if_fail (rule != NULL, NULL);

  if (rule->start_time == VZ_SCHEDULE_NO_TIME || rule->end_time == VZ_SCHEDULE_NO_TIME)
    return g_strdup (_("all day"));
  return vz_schedule_describe_window (rule->start_time, rule->end_time);
}

char *
vz_schedule_describe_overlap (const VzScheduleRule    *proposed,
                              const char              *proposed_name,
                              const VzScheduleOverlap *overlap,
                              const char              *other_name)
{
  g_autofree char *days = NULL;
  g_autofree char *window = NULL;
  const char *winner, *loser;
  int winner_priority, loser_priority;

  g_return_val_if_fail (proposed != NULL && overlap != NULL && overlap->other != NULL, NULL);

  days = vz_schedule_describe_days (overlap->days);
  window = vz_schedule_describe_window (overlap->start_minute, overlap->end_minute);
  if (proposed_name == NULL)
    proposed_name = _("The new schedule");
  if (other_name == NULL)
    other_name = _("another schedule");
  winner = overlap->proposed_wins ? proposed_name : other_name;
  loser = overlap->proposed_wins ? other_name : proposed_name;
  winner_priority = overlap->proposed_wins ? proposed->priority : overlap->other->priority;
  loser_priority = overlap->proposed_wins ? overlap->other->priority : proposed->priority;
  /* TRANSLATORS: "Weekdays 08:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)" */
  return g_strdup_printf (_("%1$s %2$s: %3$s (priority %4$d) wins over %5$s (priority %6$d)"),
                          days, window, winner, winner_priority, loser, loser_priority);
}

char *
vz_schedule_describe_conflict_count (guint n_schedules)
{
  if (n_schedules == 0)
    return g_strdup (_("No other schedule plays there at that time."));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Shares time with %'u other schedule:",
                                       "Shares time with %'u other schedules:", n_schedules),
                          n_schedules);
}
