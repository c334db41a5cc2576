/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-core"

#include "config.h"

#include "vz-timer.h"

/* The timers of one main context. Only its own thread touches it, apart from
 * the count of timers, which the table's lock guards. */
typedef struct {
  GMainContext *context;
  guint         n_users;     /* timers, plus one while dispatching */
  GSequence    *deadlines;   /* VzTimer*, earliest first */
  GSource      *source;
  gint64        ready_time;  /* what the source was last set to, -1 for never */
} TimerQueue;

typedef struct {
  GSource     parent;
  TimerQueue *queue;
} QueueSource;

struct _VzTimer {
  TimerQueue     *queue;
  gint64          deadline;  /* monotonic µs */
  GSequenceIter  *iter;      /* in queue->deadlines while armed, else NULL */
  VzTimerFunc     func;
  gpointer        user_data;
};

static gboolean queue_dispatch (GSource *source, GSourceFunc callback, gpointer user_data);

static GSourceFuncs queue_funcs = {
  .dispatch = queue_dispatch,
};

static GMutex      queues_lock;
static GHashTable *queues;   /* GMainContext* → TimerQueue* */

static gint
compare_deadlines (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const VzTimer *ta = a;
  const VzTimer *tb = b;

  return (ta->deadline > tb->deadline) - (ta->deadline < tb->deadline);
}

/*
 * The source must never be late, but it may be early: moving it costs a
 * wake-up of the context, so it is moved only to an earlier time. When the
 * earliest deadline moves later (a watchdog re-armed by a ping), the source
 * fires at the old time, finds nothing due and sleeps until the new one.
 */
static void
update_source (TimerQueue *queue,
               gboolean    may_move_later)
{
  gint64 head = -1;

  if (!g_sequence_is_empty (queue->deadlines))
    head = ((VzTimer *) g_sequence_get (g_sequence_get_begin_iter (queue->deadlines)))->deadline;

  if (head == queue->ready_time)
    return;
  if (head != -1 && queue->ready_time != -1 && head > queue->ready_time && !may_move_later)
    return;
  queue->ready_time = head;
  g_source_set_ready_time (queue->source, head);
}

static TimerQueue *
queue_ref_for_thread (void)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  TimerQueue *queue;

  g_mutex_lock (&queues_lock);
  if (queues == NULL)
    queues = g_hash_table_new (NULL, NULL);
  queue = g_hash_table_lookup (queues, context);
  if (queue == NULL)
    {
      queue = g_new0 (TimerQueue, 1);
      queue->context = g_main_context_ref (context);
      queue->deadlines = g_sequence_new (NULL);
      queue->ready_time = -1;
      queue->source = g_source_new (&queue_funcs, sizeof (QueueSource));
      ((QueueSource *) queue->source)->queue = queue;
      g_source_set_static_name (queue->source, "[vizora] timers");
      g_source_attach (queue->source, context);
      g_hash_table_insert (queues, context, queue);
    }
  queue->n_users++;
  g_mutex_unlock (&queues_lock);
  return queue;
}

static void
queue_unref (TimerQueue *queue)
{
  gboolean last;

  g_mutex_lock (&queues_lock);
  last = --queue->n_users == 0;
  if (last)
    g_hash_table_remove (queues, queue->context);
  g_mutex_unlock (&queues_lock);
  if (!last)
    return;

  g_source_destroy (queue->source);
  g_source_unref (queue->source);
  g_sequence_free (queue->deadlines);
  g_main_context_unref (queue->context);
  g_free (queue);
}

static gboolean
queue_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  TimerQueue *queue = ((QueueSource *) source)->queue;
  gint64 now = g_source_get_time (source);
  gboolean last;

  /* Held while the functions run: one of them may free the last timer. */
  g_mutex_lock (&queues_lock);
  queue->n_users++;
  g_mutex_unlock (&queues_lock);

  /* One at a time from the front: a function may arm, disarm or free any timer. */
  while (!g_sequence_is_empty (queue->deadlines))
    {
      GSequenceIter *first = g_sequence_get_begin_iter (queue->deadlines);
      VzTimer *timer = g_sequence_get (first);

      if (timer->deadline > now)
        break;
      g_sequence_remove (first);
      timer->iter = NULL;
      timer->func (timer->user_data);
    }

  g_mutex_lock (&queues_lock);
  last = queue->n_users == 1;
  g_mutex_unlock (&queues_lock);
  if (!last)
    update_source (queue, TRUE);
  queue_unref (queue);
  return G_SOURCE_CONTINUE;
}

VzTimer *
vz_timer_new (VzTimerFunc func,
              gpointer    user_data)
{
  VzTimer *timer;

  g_return_val_if_fail (func != NULL, NULL);

  timer = g_new0 (VzTimer, 1);
  timer->queue = queue_ref_for_thread ();
  timer->func = func;
  timer->user_data = user_data;
  return timer;
}

void
vz_timer_free (VzTimer *timer)
{
  if (timer == NULL)
    return;

  vz_timer_disarm (timer);
  queue_unref (timer->queue);
  g_free (timer);
}

void
vz_timer_arm (VzTimer *timer,
              guint    timeout_ms)
{
  g_return_if_fail (timer != NULL);

  timer->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  if (timer->iter != NULL)
    g_sequence_remove (timer->iter);
  timer->iter = g_sequence_insert_sorted (timer->queue->deadlines, timer, compare_deadlines, NULL);
  update_source (timer->queue, FALSE);
}

void
vz_timer_disarm (VzTimer *timer)
{
  g_return_if_fail (timer != NULL);

  if (timer->iter == NULL)
    return;
  g_sequence_remove (timer->iter);
  timer->iter = NULL;
  /* The source stays where it is: an early wake-up is harmless. */
}

gboolean
vz_timer_is_armed (VzTimer *timer)
{
  g_return_val_if_fail (timer != NULL, FALSE);

  return timer->iter != NULL;
}
