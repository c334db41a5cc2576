/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

/* vizoractl schedules, schedule check: the schedules, and which of them
 * would win where a new one shares time with them, decided by the same
 * evaluator and told in the same words as the app (vz-schedule-resource.h,
 * vz-schedule-words.h). */

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "vizoractl-private.h"
#include "vz-display-group-resource.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-words.h"
#include "vz-store.h"

/* Every record of @resource into a new store, or NULL once the reason is
 * said; *objects (optional) gets the records as the server sent them. */
static VzStore *
read_kind (Cli              *cli,
           const VzResource *resource,
           GPtrArray       **objects)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  VzStore *store;

  vz_api_client_list_all_async (vz_session_get_api_client (cli->session), resource->collection, NULL,
                                keep_result, &result);
  records = vz_api_client_list_all_finish (vz_session_get_api_client (cli->session), wait_result (&result), &error);
  if (records == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return NULL;
    }
  store = vz_store_new (resource->entity_type ());
  /* Records that do not decode are left out but reported. */
  if (!vz_store_replace_all (store, records, &error))
    g_printerr ("vizoractl: %s\n", error->message);
  if (objects != NULL)
    *objects = g_steal_pointer (&records);
  return store;
}

/* ------------------------------------------------------------------------ */
/* schedules                                                                */

static char *
target_of (VzSchedule *schedule)
{
  if (vz_schedule_get_group_id (schedule) != NULL)
    /* TRANSLATORS: a schedule for a group of screens: "group Lobby screens" */
    return g_strdup_printf (_("group %s"), vz_schedule_get_group_name (schedule) != NULL
                                           ? vz_schedule_get_group_name (schedule)
                                           : vz_schedule_get_group_id (schedule));
  if (vz_schedule_get_display_name (schedule) != NULL)
    return g_strdup (vz_schedule_get_display_name (schedule));
  return g_strdup (vz_schedule_get_display_id (schedule) != NULL ? vz_schedule_get_display_id (schedule) : "");
}

int
cmd_schedules (Cli   *cli,
               int    argc,
               char **argv)
{
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print a JSON array, as the server sent it"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(VzStore) schedules = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *headers[] = { _("NAME"), _("DAYS"), _("TIME"), _("PLAYLIST"), _("FOR"), _("PRIORITY"), _("ACTIVE"),
                            _("ID"), NULL };
  guint n;

  if (!parse_command_options ("schedules", NULL, _("Lists the schedules, highest priority first."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    {
      g_printerr ("vizoractl schedules: %s\n", _("Wrong number of arguments. See “vizoractl --help”."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;
  schedules = read_kind (cli, &vz_schedule_resource, &objects);
  if (schedules == NULL)
    return cli->status;
  if (cli->json)
    {
      print_json_list (objects);
      return EXIT_OK;
    }

  g_ptr_array_add (rows, g_strdupv ((GStrv) headers));
  n = g_list_model_get_n_items (G_LIST_MODEL (schedules));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (schedules), i);
      g_autoptr(VzScheduleRule) rule = vz_schedule_to_rule (schedule);
      const char *playlist = vz_schedule_get_playlist_name (schedule);
      char **row = g_new0 (char *, 9);

      row[0] = g_strdup (vz_schedule_get_name (schedule) != NULL ? vz_schedule_get_name (schedule) : "");
      row[1] = vz_schedule_describe_days (vz_schedule_get_days (schedule));
      row[2] = vz_schedule_describe_rule_window (rule);
      row[3] = g_strdup (playlist != NULL ? playlist : vz_schedule_get_playlist_id (schedule));
      row[4] = target_of (schedule);
      row[5] = g_strdup_printf ("%d", vz_schedule_get_priority (schedule));
      row[6] = g_strdup (vz_schedule_get_is_active (schedule) ? _("yes") : _("no"));
      row[7] = g_strdup (vz_entity_get_id (VZ_ENTITY (schedule)));
      g_ptr_array_add (rows, row);
    }
  print_rows (rows);
  if (n == 0)
    g_print ("%s\n", _("No schedules yet."));
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* schedule check                                                           */

static int
day_of_name (const char *word)
{
  static const char * const names[7] = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                                         "saturday" };
  gsize length = strlen (word);

  for (int d = 0; d < 7; d++)
    if (length >= 3 && g_ascii_strncasecmp (word, names[d], length) == 0)
      return d;
  if (length == 1 && word[0] >= '0' && word[0] <= '6')
    return word[0] - '0';
  return -1;
}

/* "weekdays", "weekends", "every-day", "mon,wed,fri", "1-5", "0,6". */
static gboolean
parse_days (const char *text,
            guint8     *out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint8 days = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *word = g_strstrip (g_ascii_strdown (parts[i], -1));
      char *dash = strchr (word, '-');
      int from, to;

      if (g_str_equal (word, "weekdays"))
        days |= 0x3e;
      else if (g_str_equal (word, "weekends"))
        days |= 0x41;
      else if (g_str_equal (word, "every-day") || g_str_equal (word, "daily") || g_str_equal (word, "all"))
        days |= VZ_SCHEDULE_EVERY_DAY;
      else if (dash != NULL)
        {
          *dash = '\0';
          from = day_of_name (word);
          to = day_of_name (dash + 1);
          if (from < 0 || to < 0)
            return FALSE;
          for (int d = from;; d = (d + 1) % 7)
            {
              days |= 1 << d;
              if (d == to)
                break;
            }
        }
      else if ((from = day_of_name (word)) >= 0)
        days |= 1 << from;
      else
        return FALSE;
    }
  *out = days;
  return days != 0;
}

/* "HH:MM" into minutes after midnight; "24:00" is midnight. */
static gboolean
parse_time (const char *text,
            int        *out)
{
  char *end = NULL;
  gint64 hours, minutes;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  hours = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || *end != ':' || !g_ascii_isdigit (end[1]))
    return FALSE;
  minutes = g_ascii_strtoll (end + 1, &end, 10);
  if (*end != '\0' || minutes < 0 || minutes > 59 || hours < 0 || hours > 24 || (hours == 24 && minutes != 0))
    return FALSE;
  *out = (int) ((hours * 60 + minutes) % VZ_SCHEDULE_MINUTES_PER_DAY);
  return TRUE;
}

static int
usage_error (const char *message)
{
  g_printerr ("vizoractl schedule check: %s\n", message);
  return EXIT_USAGE;
}

static int
schedule_check (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autofree char *display_id = NULL;
  g_autofree char *group_id = NULL;
  g_autofree char *days_text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exclude = NULL;
  int priority = 0;
  GOptionEntry entries[] = {
    { "display", 0, 0, G_OPTION_ARG_STRING, &display_id, N_("The screen it would be for"), "ID" },
    { "group", 0, 0, G_OPTION_ARG_STRING, &group_id, N_("The group it would be for"), "ID" },
    { "days", 0, 0, G_OPTION_ARG_STRING, &days_text,
      N_("Weekdays: weekdays, weekends, every-day, mon,wed,fri, 1-5 (0 = Sunday)"), "DAYS" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Start time (default: all day)"), "HH:MM" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("End time, not included; before the start: past midnight"), "HH:MM" },
    { "priority", 0, 0, G_OPTION_ARG_INT, &priority, N_("Its priority (default 0)"), "N" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Its name, for the sentences"), "NAME" },
    { "exclude", 0, 0, G_OPTION_ARG_STRING, &exclude, N_("A schedule being edited: left out, its age kept"), "ID" },
    { NULL }
  };
  g_autoptr(VzScheduleRule) proposed = NULL;
  g_autoptr(VzStore) schedules = NULL;
  g_autoptr(VzStore) groups = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GArray) overlaps = NULL;
  g_autoptr(GHashTable) counted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *summary = NULL;
  VzSchedule *edited = NULL;

  if (!parse_command_options ("schedule check", NULL,
                              _("Says which schedules a new one would share time with, and which would win."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 1)
    return usage_error (_("Wrong number of arguments. See “vizoractl --help”."));
  if ((display_id == NULL) == (group_id == NULL))
    return usage_error (_("Say either --display ID or --group ID."));

  proposed = vz_schedule_rule_new (exclude != NULL ? exclude : "", NULL);
  if (display_id != NULL)
    vz_schedule_rule_set_display (proposed, display_id);
  else
    vz_schedule_rule_set_group (proposed, group_id);
  if (days_text != NULL && !parse_days (days_text, &proposed->days))
    return usage_error (_("--days takes weekdays, weekends, every-day, day names or numbers 0–6 (0 = Sunday), "
                          "separated by commas, and ranges such as 1-5."));
  if ((from == NULL) != (to == NULL))
    return usage_error (_("Give both --from and --to, or neither for the whole day."));
  if (from != NULL && (!parse_time (from, &proposed->start_time) || !parse_time (to, &proposed->end_time)))
    return usage_error (_("Times are HH:MM, from 00:00 to 24:00."));
  proposed->priority = priority;
  /* A new schedule is the newest: it wins a tie in priority. */
  proposed->created_at = g_get_real_time ();

  if (!require_token (cli))
    return cli->status;
  schedules = read_kind (cli, &vz_schedule_resource, NULL);
  if (schedules == NULL)
    return cli->status;
  groups = read_kind (cli, &vz_display_group_resource, NULL);
  if (groups == NULL)
    return cli->status;
  if (exclude != NULL && (edited = vz_store_lookup (schedules, exclude)) != NULL)
    {
      g_autoptr(VzScheduleRule) before = vz_schedule_to_rule (edited);

      proposed->created_at = before->created_at;
      if (name == NULL)
        name = g_strdup (vz_schedule_get_name (edited));
    }

  others = vz_schedule_rules_reaching (schedules, groups, display_id, group_id);
  overlaps = vz_schedule_conflicts (proposed, others);
  for (guint i = 0; i < overlaps->len; i++)
    g_hash_table_add (counted, g_array_index (overlaps, VzScheduleOverlap, i).other->id);
  summary = vz_schedule_describe_conflict_count (g_hash_table_size (counted));
  g_print ("%s\n", summary);
  for (guint i = 0; i < overlaps->len; i++)
    {
      const VzScheduleOverlap *overlap = &g_array_index (overlaps, VzScheduleOverlap, i);
      VzSchedule *other = vz_store_lookup (schedules, overlap->other->id);
      g_autofree char *line = vz_schedule_describe_overlap (proposed, name, overlap,
                                                            other != NULL ? vz_schedule_get_name (other) : NULL);

      g_print ("  %s\n", line);
    }
  return EXIT_OK;
}

int
cmd_schedule (Cli   *cli,
              int    argc,
              char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "check") == 0)
    return schedule_check (cli, argc - 1, argv + 1);
  g_printerr ("vizoractl schedule: %s\n", _("Say “check --display ID|--group ID …”."));
  return EXIT_USAGE;
}
