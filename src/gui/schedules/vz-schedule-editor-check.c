/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-gui.h"
#include "vz-schedule-editor-private.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-targets.h"
#include "vz-schedule-words.h"

/* The editor's reading of its form: what it says, what is wrong with it,
 * and where it would share time with other schedules. */

char *
_vz_schedule_format_time (int minute)
{
  return g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
}

int
_vz_schedule_parse_time (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end = NULL;
  guint64 hours, minutes;
  const char *colon = strchr (copy, ':');

  if (colon == NULL || colon == copy || strlen (colon + 1) != 2)
    return -1;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 59, &minutes, NULL))
    return -1;
  *(char *) colon = '\0';
  hours = g_ascii_strtoull (copy, &end, 10);
  if (end == NULL || *end != '\0' || strlen (copy) > 2 || hours > 23)
    return -1;
  return (int) (hours * 60 + minutes);
}

void
_vz_schedule_draft_clear (VzScheduleDraft *draft)
{
  g_clear_pointer (&draft->name, g_free);
  g_clear_pointer (&draft->playlist_id, g_free);
  g_clear_pointer (&draft->display_id, g_free);
  g_clear_pointer (&draft->group_id, g_free);
  g_clear_pointer (&draft->start_date, g_free);
  g_clear_pointer (&draft->end_date, g_free);
  if (draft->problems != NULL)
    g_string_free (draft->problems, TRUE);
  draft->problems = NULL;
}

static void
problem (VzScheduleDraft *draft,
         const char      *sentence)
{
  if (draft->problems->len > 0)
    g_string_append_c (draft->problems, '\n');
  g_string_append (draft->problems, sentence);
}

static GObject *
selected (AdwComboRow *row)
{
  return adw_combo_row_get_selected_item (row);
}

/* The row's day: *out a copy (NULL when none), *day its number. */
static void
read_date (VzDateRow  *row,
           char      **out,
           gint32     *day)
{
  const char *date = vz_date_row_get_date (row);

  *out = date != NULL && vz_schedule_parse_day (date, day) ? g_strdup (date) : NULL;
}

void
_vz_schedule_editor_read (VzScheduleEditor *self)
{
  VzScheduleDraft *draft = &self->draft;
  GObject *item;
  gboolean group = FALSE;
  gint32 start_day = 0, end_day = 0;

  g_assert (VZ_IS_SCHEDULE_EDITOR (self));

  _vz_schedule_draft_clear (draft);
  draft->problems = g_string_new (NULL);

  draft->name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  if (*draft->name == '\0')
    problem (draft, _("Give the schedule a name."));

  item = selected (self->playlist_row);
  draft->playlist_id = g_strdup (item != NULL ? vz_schedule_target_id (item, NULL) : NULL);
  if (draft->playlist_id == NULL)
    problem (draft, _("Choose a playlist."));

  item = selected (self->target_row);
  if (item != NULL && vz_schedule_target_id (item, &group) != NULL)
    {
      if (group)
        draft->group_id = g_strdup (vz_schedule_target_id (item, NULL));
      else
        draft->display_id = g_strdup (vz_schedule_target_id (item, NULL));
    }
  else
    problem (draft, _("Choose a screen or a group."));

  draft->days = 0;
  for (guint d = 0; d < 7; d++)
    if (gtk_toggle_button_get_active (_vz_schedule_editor_day (self, d)))
      draft->days |= 1u << d;
  if (draft->days == 0)
    problem (draft, _("Choose at least one day."));

  draft->start_time = draft->end_time = VZ_SCHEDULE_NO_TIME;
  if (adw_expander_row_get_enable_expansion (self->window_row))
    {
      draft->start_time = _vz_schedule_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->start_time_row)));
      draft->end_time = _vz_schedule_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->end_time_row)));
      if (draft->start_time < 0)
        problem (draft, _("The start time is not a time: write it as HH:MM, e.g. 08:00."));
      if (draft->end_time < 0)
        problem (draft, _("The end time is not a time: write it as HH:MM, e.g. 17:30."));
      if (draft->start_time < 0 || draft->end_time < 0)
        draft->start_time = draft->end_time = VZ_SCHEDULE_NO_TIME;
    }

  read_date (self->start_date_row, &draft->start_date, &start_day);
  read_date (self->end_date_row, &draft->end_date, &end_day);
  if (draft->start_date == NULL)
    problem (draft, _("Choose the day the schedule starts."));
  if (draft->start_date != NULL && draft->end_date != NULL && end_day < start_day)
    problem (draft, _("The end date is before the start date."));

  draft->priority = gtk_spin_button_get_value_as_int (self->priority_spin);
  draft->is_active = gtk_switch_get_active (self->active_switch);
}

char *
_vz_schedule_editor_window_words (VzScheduleEditor *self)
{
  const VzScheduleDraft *draft = &self->draft;
  g_autofree char *window = NULL;

  g_assert (VZ_IS_SCHEDULE_EDITOR (self));

  if (draft->start_time == VZ_SCHEDULE_NO_TIME || draft->start_time == draft->end_time)
    return g_strdup (_("All day"));
  if (draft->start_time < draft->end_time)
    return vz_schedule_describe_window (draft->start_time, draft->end_time);
  window = vz_schedule_describe_window (draft->start_time, draft->end_time + VZ_SCHEDULE_MINUTES_PER_DAY);
  /* TRANSLATORS: a window past midnight, "22:00–02:00, into the next day" */
  return g_strdup_printf (_("%s, into the next day"), window);
}

/* The draft as the evaluator's rule, with the age of the schedule it
 * changes (a new one is the newest). */
static VzScheduleRule *
draft_rule (VzScheduleEditor *self)
{
  const VzScheduleDraft *draft = &self->draft;
  g_autoptr(VzScheduleRule) rule = NULL;

  if (self->schedule != NULL)
    rule = vz_schedule_to_rule (self->schedule);
  else
    {
      rule = vz_schedule_rule_new ("", draft->playlist_id);
      rule->created_at = g_get_real_time ();
    }
  g_free (rule->playlist_id);
  rule->playlist_id = g_strdup (draft->playlist_id);
  if (draft->group_id != NULL)
    vz_schedule_rule_set_group (rule, draft->group_id);
  else
    vz_schedule_rule_set_display (rule, draft->display_id);
  rule->days = draft->days;
  rule->start_time = draft->start_time;
  rule->end_time = draft->end_time;
  rule->start_day = VZ_SCHEDULE_NO_START_DAY;
  rule->end_day = VZ_SCHEDULE_NO_END_DAY;
  if (draft->start_date != NULL)
    vz_schedule_parse_day (draft->start_date, &rule->start_day);
  if (draft->end_date != NULL)
    vz_schedule_parse_day (draft->end_date, &rule->end_day);
  rule->priority = draft->priority;
  rule->is_active = TRUE;
  return g_steal_pointer (&rule);
}

char *
_vz_schedule_editor_conflicts (VzScheduleEditor *self)
{
  const VzScheduleDraft *draft = &self->draft;
  g_autoptr(VzScheduleRule) proposed = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GArray) overlaps = NULL;
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *count = NULL;
  const char *name;
  VzStore *schedules;

  g_assert (VZ_IS_SCHEDULE_EDITOR (self));

  if (self->engine == NULL || (draft->display_id == NULL && draft->group_id == NULL))
    return g_strdup (_("Choose a screen or a group to see what else plays there."));
  if (draft->days == 0)
    return g_strdup ("");

  schedules = vz_sync_engine_get_schedules (self->engine);
  proposed = draft_rule (self);
  others = vz_schedule_rules_reaching (schedules, vz_sync_engine_get_groups (self->engine),
                                       draft->display_id, draft->group_id);
  overlaps = vz_schedule_conflicts (proposed, others);
  name = *draft->name != '\0' ? draft->name : _("This schedule");

  for (guint i = 0; i < overlaps->len; i++)
    g_hash_table_add (named, g_array_index (overlaps, VzScheduleOverlap, i).other->id);
  count = vz_schedule_describe_conflict_count (g_hash_table_size (named));
  g_string_append (text, count);
  for (guint i = 0; i < overlaps->len; i++)
    {
      const VzScheduleOverlap *overlap = &g_array_index (overlaps, VzScheduleOverlap, i);
      VzSchedule *other = vz_store_lookup (schedules, overlap->other->id);
      g_autofree char *line = vz_schedule_describe_overlap (proposed, name, overlap,
                                                            other != NULL ? vz_schedule_get_name (other)
                                                                          : overlap->other->id);

      g_string_append_printf (text, "\n%s", line);
    }
  if (!draft->is_active && overlaps->len > 0)
    g_string_append_printf (text, "\n%s", _("While this schedule is off, the others play."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}
