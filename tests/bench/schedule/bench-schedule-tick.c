/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-schedule"

/*
 * Schedule evaluator benchmark (docs/bench-schedule.md): the CPU of one
 * minute tick of VzScheduleIndex for a fleet of N screens in 8 time zones
 * with M schedules on screens and groups, over an hour of ticks; and, for
 * comparison, the same decisions made from scratch per screen with
 * vz_schedule_decide().
 * Usage: bench-schedule-tick [--screens N] [--schedules M] [--groups G]
 *                            [--groups-per-screen K] [--group-share PERCENT] [--ticks T]
 */

#include <stdio.h>
#include <stdlib.h>

#include "bench-schedule-util.h"
#include "vz-schedule-index.h"

static VzScheduleRule *
random_rule (GRand *rand,
             guint  serial,
             guint  n_screens,
             guint  n_groups,
             guint  group_share)
{
  g_autofree char *id = g_strdup_printf ("schedule-%u", serial);
  g_autofree char *playlist = g_strdup_printf ("playlist-%u", g_rand_int_range (rand, 0, 200));
  VzScheduleRule *rule = vz_schedule_rule_new (id, playlist);
  guint kind = (guint) g_rand_int_range (rand, 0, 100);

  if ((guint) g_rand_int_range (rand, 0, 100) < group_share)
    {
      g_autofree char *group = g_strdup_printf ("group-%u", g_rand_int_range (rand, 0, (gint32) n_groups));
      vz_schedule_rule_set_group (rule, group);
    }
  else
    {
      g_autofree char *screen = g_strdup_printf ("screen-%u", g_rand_int_range (rand, 0, (gint32) n_screens));
      vz_schedule_rule_set_display (rule, screen);
    }
  rule->days = kind < 50 ? 0x3e : (guint8) g_rand_int_range (rand, 1, 128);
  if (kind % 10 != 0)
    {
      rule->start_time = 15 * g_rand_int_range (rand, 0, 96);
      rule->end_time = (rule->start_time + 30 * g_rand_int_range (rand, 1, 21)) % 1440;
    }
  if (kind % 5 == 1)
    {
      rule->start_day = 20400 + g_rand_int_range (rand, 0, 300);
      rule->end_day = rule->start_day + g_rand_int_range (rand, 0, 120);
    }
  rule->priority = g_rand_int_range (rand, 0, 10);
  rule->created_at = serial;
  rule->is_active = kind % 20 != 7;
  return rule;
}

int
main (int   argc,
      char *argv[])
{
  int n_screens = 10000, n_schedules = 5000, n_groups = 200, groups_per_screen = 1;
  int group_share = 50, n_ticks = 60;
  GOptionEntry entries[] = {
    { "screens", 0, 0, G_OPTION_ARG_INT, &n_screens, "Screens", "N" },
    { "schedules", 0, 0, G_OPTION_ARG_INT, &n_schedules, "Schedules", "M" },
    { "groups", 0, 0, G_OPTION_ARG_INT, &n_groups, "Groups", "G" },
    { "groups-per-screen", 0, 0, G_OPTION_ARG_INT, &groups_per_screen, "Groups each screen is in", "K" },
    { "group-share", 0, 0, G_OPTION_ARG_INT, &group_share, "Percent of schedules on groups", "P" },
    { "ticks", 0, 0, G_OPTION_ARG_INT, &n_ticks, "Minute ticks to time", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the schedule tick");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);
  g_autoptr(VzScheduleIndex) index = vz_schedule_index_new ();
  g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) tzs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_time_zone_unref);
  /* Monday 2026-03-30 06:30 UTC: mornings in Europe, evenings in Asia. */
  gint64 start = 1774852200;
  gint64 t0, build_cost, naive_cost;
  guint changes = 0, naive_scheduled = 0, disagreements = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  n_groups = MAX (n_groups, 1);
  for (guint z = 0; z < G_N_ELEMENTS (bench_zones); z++)
    g_ptr_array_add (tzs, g_time_zone_new_identifier (bench_zones[z]));

  t0 = bench_cpu_usec ();
  for (int i = 0; i < n_screens; i++)
    {
      g_autofree char *id = g_strdup_printf ("screen-%d", i);
      g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);

      vz_schedule_index_set_screen (index, id, bench_zones[i % G_N_ELEMENTS (bench_zones)], "playlist-default");
      for (int k = 0; k < groups_per_screen; k++)
        g_ptr_array_add (groups, g_strdup_printf ("group-%d", (i / 50 + k * 37) % n_groups));
      g_ptr_array_add (groups, NULL);
      vz_schedule_index_set_screen_groups (index, id, (const char * const *) groups->pdata);
    }
  for (int i = 0; i < n_schedules; i++)
    vz_schedule_index_set_rule (index, random_rule (rand, (guint) i, (guint) n_screens,
                                                    (guint) n_groups, (guint) group_share));
  build_cost = bench_cpu_usec () - t0;

  /* The first tick finds what every screen plays; the timed ones follow it. */
  vz_schedule_index_tick (index, start - 60, NULL, NULL);
  for (int i = 0; i < n_ticks; i++)
    {
      gint64 before = bench_cpu_usec ();
      gint64 cost;

      changes += vz_schedule_index_tick (index, start + 60 * i, NULL, NULL);
      cost = bench_cpu_usec () - before;
      g_array_append_val (costs, cost);
    }
  g_array_sort (costs, bench_compare_gint64);

  /* The same decisions from scratch: each screen's rules, one by one. */
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) decided = g_ptr_array_new ();

    for (int i = 0; i < n_screens; i++)
      g_ptr_array_add (ids, g_strdup_printf ("screen-%d", i));
    t0 = bench_cpu_usec ();
    for (int i = 0; i < n_screens; i++)
      {
        g_autoptr(GPtrArray) rules = vz_schedule_index_dup_screen_rules (index, ids->pdata[i]);
        GTimeZone *tz = g_ptr_array_index (tzs, i % G_N_ELEMENTS (bench_zones));

        g_ptr_array_add (decided, (gpointer) vz_schedule_decide (rules, tz, start));
      }
    naive_cost = bench_cpu_usec () - t0;
    for (int i = 0; i < n_screens; i++)
      {
        if (decided->pdata[i] != NULL)
          naive_scheduled++;
        if (vz_schedule_index_decide (index, ids->pdata[i], start) != decided->pdata[i])
          disagreements++;
      }
  }
  if (disagreements > 0)
    {
      g_printerr ("The index and the direct evaluation disagree on %u screens\n", disagreements);
      return 1;
    }

  printf ("screens %d, schedules %d (%d%% on %d groups), %d group(s) per screen, %zu zones\n",
          n_screens, n_schedules, group_share, n_groups, groups_per_screen, G_N_ELEMENTS (bench_zones));
  printf ("index built in %.1f ms of CPU\n", build_cost / 1000.0);
  printf ("tick over %d minutes: median %.2f ms, max %.2f ms of CPU; %u changes in all\n",
          n_ticks, g_array_index (costs, gint64, costs->len / 2) / 1000.0,
          g_array_index (costs, gint64, costs->len - 1) / 1000.0, changes);
  printf ("from scratch per screen (vz_schedule_decide): %.2f ms of CPU; %u screens scheduled\n",
          naive_cost / 1000.0, naive_scheduled);
  return 0;
}
