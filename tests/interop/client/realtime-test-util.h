/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Main-loop waits shared by the realtime client tests. Header-only so that
 * each test stays one executable; each test picks its own time limits. */

#include <glib.h>

static inline gboolean
timeout_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@counter reaches @at_least or @timeout_s pass;
 * says whether it got there. */
static inline gboolean
wait_for_count (guint *counter,
                guint  at_least,
                guint  timeout_s)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, timeout_flag_cb, &timed_out);

  while (*counter < at_least && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *counter >= at_least;
}

/* Asserts that the object behind the weak pointer @weak goes away within
 * @timeout_s: callbacks still due hold references for a few iterations, but
 * after that nothing may keep a stopped client alive. */
static inline void
assert_finalized_within (gpointer *weak,
                         guint     timeout_s)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, timeout_flag_cb, &timed_out);

  while (*weak != NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (*weak);
  g_source_remove (id);
}
