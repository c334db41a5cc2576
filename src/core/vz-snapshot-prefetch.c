/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <gio/gio.h>

#include "vz-memory.h"
#include "vz-resource.h"
#include "vz-snapshot-private.h"

/*
 * The saved fleet read early: while the app builds its window and asks the
 * keyring for the saved sign-in, a thread of its own reads and decodes the
 * sections of the snapshot the sign-in's engine will ask for first. The
 * engine's read of them (vz_snapshot_read_sections_async()) then takes what
 * was read, or waits for it, instead of reading the file a second time. One early read at a time; one
 * that nobody takes within a minute is dropped.
 */

#define UNCLAIMED_KEPT_S 60

typedef struct {
  gboolean        resolved;   /* which file is known (path NULL: none) */
  char           *path;
  gboolean        done;
  VzSnapshotRead *data;
  GError         *error;
  gboolean        claimed;
  gboolean        discarded;  /* the server's data came first */
  GTask          *waiter;     /* a read that waits for this one */
  GCancellable   *cancellable;   /* cancelled with the waiting read */
  gulong          cancelled_id;  /* on the waiting read's cancellable */
} Prefetch;

static GMutex lock;
static GCond claimed_cond;   /* a read claimed, or an early read done */
static Prefetch *current;

/* The sections a sync engine reads first (its kinds but those whose saved
 * records are read later), and those it then only checks. */
static void
catalogue_sections (GStrv   *members,
                    GType  **types,
                    GStrv   *skipped)
{
  const VzResource * const *catalogue = vz_resource_catalogue ();
  g_autoptr(GStrvBuilder) later = g_strv_builder_new ();
  guint n = 0, n_first = 0;

  while (catalogue[n] != NULL)
    n++;
  *members = g_new0 (char *, n + 1);
  *types = g_new0 (GType, n + 1);
  for (guint i = 0; i < n; i++)
    {
      if (catalogue[i]->snapshot_later)
        {
          g_strv_builder_add (later, catalogue[i]->snapshot_member);
          continue;
        }
      (*members)[n_first] = g_strdup (catalogue[i]->snapshot_member);
      (*types)[n_first++] = catalogue[i]->entity_type ();
    }
  *skipped = n_first < n ? g_strv_builder_end (later) : NULL;
}

static gboolean
same_strv (const char * const *a,
           const char * const *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && g_strv_equal (a, b));
}

/* Whether a reader of @members and @types (a sync engine's sections, in
 * its order), checking @skipped, wants what the early read reads. */
static gboolean
same_sections (const char * const *members,
               const GType        *types,
               const char * const *skipped)
{
  g_auto(GStrv) want_members = NULL;
  g_auto(GStrv) want_skipped = NULL;
  g_autofree GType *want_types = NULL;

  catalogue_sections (&want_members, &want_types, &want_skipped);
  if (!same_strv ((const char * const *) want_members, members) ||
      !same_strv ((const char * const *) want_skipped, skipped))
    return FALSE;
  for (guint i = 0; members[i] != NULL; i++)
    if (want_types[i] != types[i])
      return FALSE;
  return TRUE;
}

static const char *
task_path (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), "path");
}

/* Hands @data (or @error) to @task, in the calling thread. A read that was
 * cancelled meanwhile gets its cancellation, and the fleet is freed here. */
static void
deliver (GTask          *task,
         VzSnapshotRead *data,
         GError         *error)
{
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_pointer (&data, _vz_snapshot_read_free);
      g_clear_error (&error);
      vz_memory_trim ();
      g_task_return_error_if_cancelled (task);
    }
  else if (data != NULL)
    g_task_return_pointer (task, data, (GDestroyNotify) _vz_snapshot_read_free);
  else
    g_task_return_error (task, error);
}

static void
on_waiter_cancelled (GCancellable *waiter_cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

gboolean
_vz_snapshot_prefetch_claim (const char         *path,
                             const char * const *members,
                             const GType        *types,
                             const char * const *skipped,
                             GTask              *task)
{
  VzSnapshotRead *data = NULL;
  GError *error = NULL;

  g_mutex_lock (&lock);
  if (current == NULL || current->claimed || !same_sections (members, types, skipped) ||
      (current->resolved && g_strcmp0 (current->path, path) != 0))
    {
      g_mutex_unlock (&lock);
      return FALSE;
    }
  current->claimed = TRUE;
  if (!current->done)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      current->waiter = g_object_ref (task);
      /* A read no longer wanted stops the early one too. */
      if (cancellable != NULL)
        current->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_waiter_cancelled),
                                                       g_object_ref (current->cancellable), g_object_unref);
      current = NULL;
      g_mutex_unlock (&lock);
      return TRUE;
    }
  data = g_steal_pointer (&current->data);
  error = g_steal_pointer (&current->error);
  current = NULL;
  g_cond_broadcast (&claimed_cond);
  g_mutex_unlock (&lock);

  deliver (task, data, error);
  return TRUE;
}

gpointer
_vz_snapshot_prefetch_begin (void)
{
  Prefetch *prefetch;

  g_mutex_lock (&lock);
  if (current != NULL)
    {
      g_mutex_unlock (&lock);
      return NULL;
    }
  prefetch = current = g_new0 (Prefetch, 1);
  prefetch->cancellable = g_cancellable_new ();
  g_mutex_unlock (&lock);
  return prefetch;
}

void
_vz_snapshot_prefetch_run (gpointer    handle,
                           const char *path)
{
  Prefetch *prefetch = handle;
  g_autoptr(GTask) waiter = NULL;
  g_auto(GStrv) members = NULL;
  g_auto(GStrv) skipped = NULL;
  g_autofree GType *types = NULL;
  VzSnapshotRead *data = NULL;
  GError *error = NULL;
  gboolean wanted;
  gint64 until;

  g_return_if_fail (prefetch != NULL);

  /* The file is known now: a read that waits for another file reads its own. */
  g_mutex_lock (&lock);
  prefetch->resolved = TRUE;
  prefetch->path = g_strdup (path);
  if (prefetch->waiter != NULL && g_strcmp0 (task_path (prefetch->waiter), path) != 0)
    {
      waiter = g_steal_pointer (&prefetch->waiter);
      if (current == prefetch)
        current = NULL;
    }
  /* Taken by a read of another file, this one can no longer be claimed. */
  wanted = !prefetch->claimed || prefetch->waiter != NULL;
  g_mutex_unlock (&lock);
  if (waiter != NULL)
    {
      if (prefetch->cancelled_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (waiter), prefetch->cancelled_id);
      prefetch->cancelled_id = 0;
      _vz_snapshot_read_in_thread (waiter);
      g_clear_object (&waiter);
    }

  if (path != NULL && wanted)
    {
      catalogue_sections (&members, &types, &skipped);
      data = _vz_snapshot_read_document (path, (const char * const *) members, types, (const char * const *) skipped,
                                         prefetch->cancellable, &error);
    }

  g_mutex_lock (&lock);
  prefetch->done = TRUE;
  g_cond_broadcast (&claimed_cond);
  waiter = g_steal_pointer (&prefetch->waiter);
  if (waiter == NULL && !prefetch->claimed && !prefetch->discarded && path != NULL)
    {
      /* Kept for the read that is to come, for a while. */
      prefetch->data = g_steal_pointer (&data);
      prefetch->error = g_steal_pointer (&error);
      until = g_get_monotonic_time () + UNCLAIMED_KEPT_S * G_TIME_SPAN_SECOND;
      while (!prefetch->claimed && !prefetch->discarded && g_cond_wait_until (&claimed_cond, &lock, until))
        ;
      data = g_steal_pointer (&prefetch->data);
      error = g_steal_pointer (&prefetch->error);
    }
  if (current == prefetch)
    current = NULL;
  g_mutex_unlock (&lock);

  if (waiter != NULL)
    {
      if (prefetch->cancelled_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (waiter), prefetch->cancelled_id);
      deliver (waiter, g_steal_pointer (&data), g_steal_pointer (&error));
    }
  g_clear_pointer (&data, _vz_snapshot_read_free);
  /* What this thread read and did not hand over was most of its heap. */
  if (path != NULL && wanted)
    vz_memory_trim ();
  g_clear_error (&error);
  g_object_unref (prefetch->cancellable);
  g_free (prefetch->path);
  g_free (prefetch);
}

gboolean
_vz_snapshot_prefetch_wait_read (guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_mutex_lock (&lock);
  while (current != NULL && !current->done && g_cond_wait_until (&claimed_cond, &lock, until))
    ;
  done = current == NULL || current->done;
  g_mutex_unlock (&lock);
  return done;
}

void
_vz_snapshot_prefetch_discard (void)
{
  g_mutex_lock (&lock);
  if (current != NULL)
    {
      current->discarded = TRUE;
      g_cancellable_cancel (current->cancellable);
      current = NULL;
      g_cond_broadcast (&claimed_cond);
    }
  g_mutex_unlock (&lock);
}
