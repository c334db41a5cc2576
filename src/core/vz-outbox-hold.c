/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox"

/* The outbox's held changes: a change first in line whose not-before time
 * has not come is not sendable yet (a delete waiting out its undo window).
 * One timer, at the earliest of those times, makes them sendable. */

#include "config.h"

#include "vz-outbox-private.h"

static gint64
clock_now (VzOutbox *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

static void
disarm (VzOutbox *self)
{
  if (self->hold_timer != NULL)
    {
      g_source_destroy (self->hold_timer);
      g_clear_pointer (&self->hold_timer, g_source_unref);
    }
  self->hold_due = 0;
}

static gboolean on_hold_timer (gpointer data);

/* The timer at @due (clock µs), unless one comes sooner already. */
static void
arm (VzOutbox *self,
     gint64    due)
{
  gint64 wait_ms;

  if (self->hold_timer != NULL && self->hold_due <= due)
    return;
  disarm (self);
  wait_ms = MAX ((due - clock_now (self) + 999) / 1000, 0);
  self->hold_due = due;
  self->hold_timer = g_timeout_source_new ((guint) MIN (wait_ms, G_MAXUINT));
  g_source_set_static_name (self->hold_timer, "[vizora] outbox hold");
  /* The outbox outlives its timer: finalize destroys it. */
  g_source_set_callback (self->hold_timer, on_hold_timer, self, NULL);
  g_source_attach (self->hold_timer, self->context);
}

gboolean
_vz_outbox_hold (VzOutbox      *self,
                 VzOutboxEntry *entry)
{
  gint64 not_before = vz_mutation_get_not_before (entry->mutation);

  if (not_before == 0 || not_before <= clock_now (self))
    {
      g_hash_table_remove (self->held, entry);
      return FALSE;
    }
  g_hash_table_add (self->held, entry);
  arm (self, not_before);
  return TRUE;
}

void
_vz_outbox_release (VzOutbox      *self,
                    VzOutboxEntry *entry)
{
  g_hash_table_remove (self->held, entry);
  if (g_hash_table_size (self->held) == 0)
    disarm (self);
}

void
vz_outbox_release_due (VzOutbox *self)
{
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (VZ_IS_OUTBOX (self));

  disarm (self);
  /* Looking at one entry again may set the timer for the next. */
  g_hash_table_iter_init (&iter, self->held);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (entries, key);
  for (guint i = 0; i < entries->len; i++)
    {
      VzOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (_vz_outbox_update_sendable (self, entry))
        g_ptr_array_add (now_sendable, g_object_ref (entry->mutation));
    }
  _vz_outbox_emit_sendable (self, now_sendable);
}

static gboolean
on_hold_timer (gpointer data)
{
  VzOutbox *self = data;

  /* release_due() destroys this source: keep it alive until we return. */
  GSource *source = g_source_ref (self->hold_timer);

  vz_outbox_release_due (self);
  g_source_unref (source);
  return G_SOURCE_REMOVE;
}

guint
vz_outbox_get_n_held (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), 0);

  return g_hash_table_size (self->held);
}

void
vz_outbox_set_clock (VzOutbox          *self,
                     VzOutboxClockFunc  func,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  g_return_if_fail (VZ_IS_OUTBOX (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
  vz_outbox_release_due (self);
}

void
_vz_outbox_hold_init (VzOutbox *self)
{
  self->held = g_hash_table_new (NULL, NULL);
}

void
_vz_outbox_hold_clear (VzOutbox *self)
{
  disarm (self);
  g_clear_pointer (&self->held, g_hash_table_unref);
  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock_destroy = NULL;
}
