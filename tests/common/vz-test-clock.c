/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-test-clock"

#include "vz-test-clock.h"

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gint64
vz_test_clock_clear_of_midnight (GTimeZone *zone,
                                 guint      span_s)
{
  for (;;)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (zone);
      g_autoptr(GDateTime) later = g_date_time_add_seconds (now, span_s);
      g_autoptr(GDateTime) day = NULL;
      g_autoptr(GDateTime) next = NULL;
      gboolean passed = FALSE;
      gint64 wait_ms;

      if (g_date_time_get_year (now) == g_date_time_get_year (later) &&
          g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (later))
        return g_date_time_to_unix (now);

      day = g_date_time_new (zone, g_date_time_get_year (now), g_date_time_get_month (now),
                             g_date_time_get_day_of_month (now), 0, 0, 0);
      next = g_date_time_add_days (day, 1);
      wait_ms = g_date_time_difference (next, now) / 1000 + 500;
      g_test_message ("midnight is %" G_GINT64_FORMAT " ms away, nearer than %u s: waiting past it",
                      wait_ms - 500, span_s);
      g_timeout_add ((guint) MAX (wait_ms, 1), set_flag, &passed);
      while (!passed)
        g_main_context_iteration (NULL, TRUE);
    }
}
