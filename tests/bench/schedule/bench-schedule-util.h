/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <time.h>
#include <glib.h>

/* What the two schedule benchmarks share: the zones of their fleets and
 * how they read the CPU time. */

static const char * const bench_zones[] = {
  "UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
  "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo",
};

/* The process's CPU time in microseconds. */
static inline gint64
bench_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static inline int
bench_compare_gint64 (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}
