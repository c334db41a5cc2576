/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-timer"

#include "vz-timer.h"

typedef struct {
  GString  *order;
  char      name;
  VzTimer  *timer;
  VzTimer  *victim;     /* freed by this timer's function when set */
  guint     rearm_ms;   /* re-armed by its function once when set */
  gint64    fired_at;
} Probe;

static void
probe_cb (gpointer user_data)
{
  Probe *probe = user_data;

  g_assert_false (vz_timer_is_armed (probe->timer));
  g_string_append_c (probe->order, probe->name);
  probe->fired_at = g_get_monotonic_time ();
  if (probe->victim != NULL)
    g_clear_pointer (&probe->victim, vz_timer_free);
  if (probe->rearm_ms > 0)
    {
      vz_timer_arm (probe->timer, probe->rearm_ms);
      probe->rearm_ms = 0;
    }
}

static void
spin_until (GString    *order,
            gsize       len,
            guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (order->len < len)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
    }
}

static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (g_main_context_get_thread_default (), FALSE);
}

/* Deadline order, never early; disarmed timers stay quiet; re-arming moves a
 * timer later (the shared source then wakes early and must not fire it). */
static void
test_order_and_rearm (void)
{
  g_autoptr(GString) order = g_string_new (NULL);
  Probe a = { order, 'a' }, b = { order, 'b' }, c = { order, 'c' }, d = { order, 'd' };
  gint64 start = g_get_monotonic_time ();

  a.timer = vz_timer_new (probe_cb, &a);
  b.timer = vz_timer_new (probe_cb, &b);
  c.timer = vz_timer_new (probe_cb, &c);
  d.timer = vz_timer_new (probe_cb, &d);

  vz_timer_arm (c.timer, 60);
  vz_timer_arm (a.timer, 20);
  vz_timer_arm (b.timer, 40);
  vz_timer_arm (d.timer, 30);
  vz_timer_disarm (d.timer);
  g_assert_false (vz_timer_is_armed (d.timer));
  /* The earliest moves later: the source's wake-up at 20 ms finds nothing due. */
  vz_timer_arm (a.timer, 80);
  g_assert_true (vz_timer_is_armed (a.timer));

  spin_until (order, 3, 5000);
  g_assert_cmpstr (order->str, ==, "bca");
  g_assert_cmpint (b.fired_at - start, >=, 40 * 1000);
  g_assert_cmpint (c.fired_at - start, >=, 60 * 1000);
  g_assert_cmpint (a.fired_at - start, >=, 80 * 1000);

  /* Fired timers do not fire again unless armed again. */
  spin_for (100);
  g_assert_cmpstr (order->str, ==, "bca");

  vz_timer_free (a.timer);
  vz_timer_free (b.timer);
  vz_timer_free (c.timer);
  vz_timer_free (d.timer);
}

/* A function may free another due timer, and re-arm its own. */
static void
test_free_and_rearm_from_callback (void)
{
  g_autoptr(GString) order = g_string_new (NULL);
  Probe a = { order, 'a' }, b = { order, 'b' };

  a.timer = vz_timer_new (probe_cb, &a);
  b.timer = vz_timer_new (probe_cb, &b);
  a.victim = b.timer;
  a.rearm_ms = 10;
  /* Both due in the same turn: a runs first and frees b before it fires. */
  vz_timer_arm (a.timer, 5);
  vz_timer_arm (b.timer, 6);
  g_usleep (20 * 1000);

  spin_until (order, 2, 5000);
  g_assert_cmpstr (order->str, ==, "aa");
  g_assert_null (a.victim);
  vz_timer_free (a.timer);
}

/* The last timer may be freed by its own function. */
static void
self_free_cb (gpointer user_data)
{
  VzTimer **timer = user_data;

  g_clear_pointer (timer, vz_timer_free);
}

static void
test_free_last_from_callback (void)
{
  VzTimer *timer = vz_timer_new (self_free_cb, &timer);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  vz_timer_arm (timer, 5);
  while (timer != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* A timer made in a thread with its own context fires there, not in the
 * default context. */
typedef struct {
  GMainContext *context;
  GString      *order;
} ThreadData;

static gpointer
thread_func (gpointer user_data)
{
  ThreadData *data = user_data;
  Probe t = { data->order, 't' };

  g_main_context_push_thread_default (data->context);
  t.timer = vz_timer_new (probe_cb, &t);
  vz_timer_arm (t.timer, 10);
  spin_until (data->order, 1, 5000);
  vz_timer_free (t.timer);
  g_main_context_pop_thread_default (data->context);
  return NULL;
}

static void
test_per_context (void)
{
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GString) thread_order = g_string_new (NULL);
  ThreadData data = { g_main_context_new (), thread_order };
  Probe m = { order, 'm' };
  GThread *thread;

  m.timer = vz_timer_new (probe_cb, &m);
  vz_timer_arm (m.timer, 200);
  thread = g_thread_new ("timer-test", thread_func, &data);
  g_thread_join (thread);
  g_assert_cmpstr (thread_order->str, ==, "t");
  g_assert_cmpstr (order->str, ==, "");
  spin_until (order, 1, 5000);
  g_assert_cmpstr (order->str, ==, "m");
  vz_timer_free (m.timer);
  g_main_context_unref (data.context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/timer/order-and-rearm", test_order_and_rearm);
  g_test_add_func ("/core/timer/free-and-rearm-from-callback", test_free_and_rearm_from_callback);
  g_test_add_func ("/core/timer/free-last-from-callback", test_free_last_from_callback);
  g_test_add_func ("/core/timer/per-context", test_per_context);
  return g_test_run ();
}
