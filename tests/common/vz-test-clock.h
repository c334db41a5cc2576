/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Keeping a test's part about "today" within one day: a part that reads the
 * date and later asks what the program makes of it must not see the day
 * turn in between, whatever the hour the test runs at.
 */

/* The time now (seconds since the epoch) once the next @span_s seconds lie
 * within one day of @zone: at once, or, when its midnight is nearer than
 * that, just after the midnight (the default main context runs meanwhile). */
gint64      vz_test_clock_clear_of_midnight (GTimeZone *zone,
                                             guint      span_s);

G_END_DECLS
