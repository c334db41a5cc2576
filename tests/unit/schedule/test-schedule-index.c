/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "schedule-test-util.h"
#include "vz-schedule-index.h"

typedef struct
{
  GPtrArray *lines;
} Changes;

static void
record_change (const VzScheduleChange *change,
               gpointer                user_data)
{
  Changes *changes = user_data;

  g_ptr_array_add (changes->lines,
                   g_strdup_printf ("%s: %s/%s -> %s/%s", change->display_id,
                                    change->before_schedule_id ? change->before_schedule_id : "-",
                                    change->before_playlist_id ? change->before_playlist_id : "-",
                                    change->schedule_id ? change->schedule_id : "-",
                                    change->playlist_id ? change->playlist_id : "-"));
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
tick (VzScheduleIndex *index,
      const char      *iso)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  Changes changes = { lines };
  guint n;

  n = vz_schedule_index_tick (index, at (iso), record_change, &changes);
  g_assert_cmpuint (n, ==, lines->len);
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("; ", (char **) lines->pdata);
}

#define assert_tick(index, iso, expected) \
  G_STMT_START { \
    g_autofree char *got_ = tick ((index), (iso)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

/* An every-day rule on a group (@group TRUE) or a screen. */
static VzScheduleRule *
target_rule (const char *id,
             const char *playlist_id,
             gboolean    group,
             const char *target_id,
             int         start_time,
             int         end_time,
             int         priority)
{
  VzScheduleRule *rule = rule_new (id, playlist_id, VZ_SCHEDULE_EVERY_DAY, start_time, end_time,
                                   priority);

  if (group)
    vz_schedule_rule_set_group (rule, target_id);
  else
    vz_schedule_rule_set_display (rule, target_id);
  return rule;
}

#define group_rule(id, playlist, group, start, end, prio) \
  target_rule ((id), (playlist), TRUE, (group), (start), (end), (prio))
#define screen_rule(id, playlist, screen, start, end, prio) \
  target_rule ((id), (playlist), FALSE, (screen), (start), (end), (prio))

static void
test_tick_changes (void)
{
  g_autoptr(VzScheduleIndex) index = vz_schedule_index_new ();
  const char *lobby[] = { "lobby", NULL };
  const char *schedule_id = NULL;
  const char *playlist_id = NULL;

  vz_schedule_index_set_screen (index, "tokyo", "Asia/Tokyo", "p-default");
  vz_schedule_index_set_screen (index, "berlin", "Europe/Berlin", NULL);
  vz_schedule_index_set_screen_groups (index, "tokyo", lobby);
  vz_schedule_index_set_screen_groups (index, "berlin", lobby);
  g_assert_cmpuint (vz_schedule_index_get_n_screens (index), ==, 2);
  vz_schedule_index_set_rule (index, group_rule ("morning", "p-morning", "lobby", HM (9, 0),
                                                 HM (12, 0), 1));

  /* 09:00 in Tokyo is 01:00 in Berlin (CEST). */
  assert_tick (index, "2026-06-01T08:59:00+09:00", "");
  assert_tick (index, "2026-06-01T09:00:00+09:00", "tokyo: -/p-default -> morning/p-morning");
  assert_tick (index, "2026-06-01T09:01:00+09:00", "");
  g_assert_true (vz_schedule_index_get_playing (index, "tokyo", &schedule_id, &playlist_id));
  g_assert_cmpstr (schedule_id, ==, "morning");
  g_assert_cmpstr (playlist_id, ==, "p-morning");
  g_assert_true (vz_schedule_index_get_playing (index, "berlin", &schedule_id, &playlist_id));
  g_assert_null (schedule_id);
  g_assert_null (playlist_id);
  g_assert_false (vz_schedule_index_get_playing (index, "nowhere", &schedule_id, &playlist_id));
  assert_tick (index, "2026-06-01T09:00:00+02:00", "berlin: -/- -> morning/p-morning; "
                                                   "tokyo: morning/p-morning -> -/p-default");

  /* The screen's own schedule with a higher priority takes over at once. */
  vz_schedule_index_set_rule (index, screen_rule ("own", "p-own", "berlin", HM (10, 0),
                                                  HM (11, 0), 2));
  assert_tick (index, "2026-06-01T10:00:00+02:00", "berlin: morning/p-morning -> own/p-own");
  g_assert_cmpstr (vz_schedule_index_decide (index, "berlin", at ("2026-06-01T10:30:00+02:00"))->id,
                   ==, "own");
  g_assert_null (vz_schedule_index_decide (index, "nowhere", at ("2026-06-01T10:30:00+02:00")));

  /* A change to a schedule (replaced by id), then its removal. */
  vz_schedule_index_set_rule (index, screen_rule ("own", "p-own2", "berlin", HM (10, 0),
                                                  HM (11, 0), 2));
  assert_tick (index, "2026-06-01T10:01:00+02:00", "berlin: own/p-own -> own/p-own2");
  g_assert_true (vz_schedule_index_remove_rule (index, "own"));
  g_assert_false (vz_schedule_index_remove_rule (index, "own"));
  assert_tick (index, "2026-06-01T10:02:00+02:00", "berlin: own/p-own2 -> morning/p-morning");

  /* Leaving the group, and a new time zone. */
  vz_schedule_index_set_screen_groups (index, "berlin", NULL);
  assert_tick (index, "2026-06-01T10:03:00+02:00", "berlin: morning/p-morning -> -/-");
  vz_schedule_index_set_screen_groups (index, "berlin", lobby);
  vz_schedule_index_set_screen (index, "berlin", "America/Los_Angeles", "p-la");
  assert_tick (index, "2026-06-01T10:04:00+02:00", "berlin: -/- -> -/p-la");

  /* Every rule at once, as a reload does: the screens fall back to their default. */
  assert_tick (index, "2026-06-01T09:59:00+09:00", "tokyo: -/p-default -> morning/p-morning");
  vz_schedule_index_remove_all_rules (index);
  g_assert_null (vz_schedule_index_get_rule (index, "morning"));
  assert_tick (index, "2026-06-01T10:00:00+09:00", "tokyo: morning/p-morning -> -/p-default");
  vz_schedule_index_set_rule (index, group_rule ("morning", "p-morning", "lobby", HM (9, 0),
                                                 HM (12, 0), 1));
  assert_tick (index, "2026-06-01T10:00:00+09:00", "tokyo: -/p-default -> morning/p-morning");
  {
    g_autoptr(GPtrArray) ids = vz_schedule_index_dup_screen_ids (index);

    g_assert_cmpuint (ids->len, ==, 2);
  }

  /* A screen that goes away is not reported. */
  g_assert_true (vz_schedule_index_remove_screen (index, "tokyo"));
  assert_tick (index, "2026-06-01T10:00:00+09:00", "");
}

static void
test_group_winner_per_zone (void)
{
  g_autoptr(VzScheduleIndex) index = vz_schedule_index_new ();
  g_autoptr(GPtrArray) rules = NULL;
  const char *both[] = { "north", "south", NULL };
  const char *north[] = { "north", NULL };
  GTimeZone *tz = NULL;
  const char *default_playlist = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("screen-%u", i);

      vz_schedule_index_set_screen (index, id, i == 2 ? "Mars/Olympus" : "Asia/Kolkata", "p0");
      vz_schedule_index_set_screen_groups (index, id, i == 0 ? both : north);
    }
  vz_schedule_index_set_rule (index, group_rule ("n", "p-north", "north", HM (8, 0), HM (20, 0), 1));
  vz_schedule_index_set_rule (index, group_rule ("s", "p-south", "south", HM (8, 0), HM (20, 0), 4));

  /* 12:00 UTC is 17:30 in Kolkata; the unknown zone is read as UTC. */
  assert_tick (index, "2026-06-01T12:00:00Z", "screen-0: -/p0 -> s/p-south; "
                                              "screen-1: -/p0 -> n/p-north; "
                                              "screen-2: -/p0 -> n/p-north");
  /* 15:00 UTC is 20:30 in Kolkata. */
  assert_tick (index, "2026-06-01T15:00:00Z", "screen-0: s/p-south -> -/p0; "
                                              "screen-1: n/p-north -> -/p0");

  rules = vz_schedule_index_dup_screen_rules (index, "screen-0");
  g_assert_cmpuint (rules->len, ==, 2);
  g_assert_null (vz_schedule_index_dup_screen_rules (index, "screen-9"));
  g_assert_true (vz_schedule_index_lookup_screen (index, "screen-2", &tz, &default_playlist));
  g_assert_cmpint (g_time_zone_get_offset (tz, 0), ==, 0);
  g_assert_cmpstr (default_playlist, ==, "p0");
  g_assert_cmpstr (vz_schedule_index_get_rule (index, "s")->playlist_id, ==, "p-south");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule-index/tick-changes", test_tick_changes);
  g_test_add_func ("/schedule-index/group-winner-per-zone", test_group_winner_per_zone);

  return g_test_run ();
}
