/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's snapshot: the last fleet seen, saved beside the outbox
 * journal while the stores are live, and shown (dated) when the server
 * cannot be read. */

#include "vz-snapshot-private.h"
#include "vz-sync-engine-private.h"

#define properties _vz_sync_engine_properties

void
_vz_sync_engine_snapshot_mark_dirty (VzSyncEngine *self)
{
  /* In-place changes (statuses, renames) never emit items-changed. O(1). */
  if (self->snapshot != NULL)
    vz_snapshot_mark_dirty (self->snapshot);
}

static void
set_snapshot_time (VzSyncEngine *self,
                   GDateTime    *taken)
{
  if (self->snapshot_time == taken ||
      (self->snapshot_time != NULL && taken != NULL && g_date_time_equal (self->snapshot_time, taken)))
    return;
  g_clear_pointer (&self->snapshot_time, g_date_time_unref);
  self->snapshot_time = taken != NULL ? g_date_time_ref (taken) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT_TIME]);
}

static void
snapshot_on_commit (VzSyncEngine *self,
                    VzMutation   *m,
                    gpointer      user_data)
{
  _vz_sync_engine_snapshot_mark_dirty (self);
}

/* The snapshot lives beside the account's outbox journal. */
void
_vz_sync_engine_snapshot_ensure (VzSyncEngine *self)
{
  g_autofree char *path = NULL;

  if (self->snapshot != NULL || self->outbox_path == NULL)
    return;
  path = vz_snapshot_path_beside (self->outbox_path);
  self->snapshot = vz_snapshot_new (path);
  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);

      vz_snapshot_add_store (self->snapshot, kind->resource->snapshot_member, kind->store);
    }
  /* Until a full read lands the stores hold nothing worth saving. */
  vz_snapshot_set_paused (self->snapshot, !self->loaded || self->snapshot_time != NULL);
  if (self->loaded && self->snapshot_time == NULL)
    vz_snapshot_mark_dirty (self->snapshot);
  g_signal_connect (self, "change-committed", G_CALLBACK (snapshot_on_commit), NULL);
}

/* The members of the saved fleet's sections read first (@later FALSE: the
 * kinds a first page shows) or after them. */
static GStrv
snapshot_members (VzSyncEngine *self,
                  gboolean      later)
{
  g_autoptr(GStrvBuilder) members = g_strv_builder_new ();

  for (guint i = 0; i < self->kinds->len; i++)
    {
      const VzResource *resource = ((VzKind *) g_ptr_array_index (self->kinds, i))->resource;

      if (resource->snapshot_later == later)
        g_strv_builder_add (members, resource->snapshot_member);
    }
  return g_strv_builder_end (members);
}

static void on_snapshot_read (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);

static void
snapshot_read_sections (VzSyncEngine *self,
                        gboolean      later)
{
  g_auto(GStrv) members = snapshot_members (self, later);

  if (members[0] == NULL)
    return;
  self->snapshot_reading = TRUE;
  self->snapshot_reading_later = later;
  g_clear_object (&self->snapshot_read);
  self->snapshot_read = g_cancellable_new ();
  vz_snapshot_read_sections_async (self->snapshot, (const char * const *) members, self->snapshot_read,
                                   on_snapshot_read, g_object_ref (self));
}

/* The saved fleet is read in two parts: the kinds a first page shows, then
 * the others (10,000 alerts take as long as 10,000 screens to read), so that
 * the first frame with rows does not wait for records it does not show. */
static void
on_snapshot_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzSyncEngine) self = user_data;
  g_autoptr(GHashTable) saved = NULL;
  g_autoptr(GHashTable) decoded = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GPtrArray **lists = NULL;
  gboolean later = self->snapshot_reading_later;

  self->snapshot_reading = FALSE;
  g_clear_object (&self->snapshot_read);
  taken = vz_snapshot_read_finish (VZ_SNAPSHOT (source), result, &saved, &decoded, &error);
  if (taken == NULL)
    {
      /* A damaged snapshot only costs the offline view. */
      if (!g_error_matches (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s", error->message);
      return;
    }
  /* A live read landed meanwhile: it wins. So does a snapshot saved since
   * the first part was read (by another instance): the parts shown are of
   * one saved fleet. The saved fleet's records are freed as after applying
   * them, off the main loop and given back. */
  if (self->loaded || (later && (self->snapshot_time == NULL || !g_date_time_equal (taken, self->snapshot_time))))
    {
      vz_snapshot_drop_read (g_steal_pointer (&saved), g_steal_pointer (&decoded));
      return;
    }

  /* As a server read is shown, with what is still queued here on top.
   * Records that do not decode are skipped; the kinds of the other part
   * keep their stores. */
  lists = g_new0 (GPtrArray *, self->kinds->len);
  for (guint i = 0; i < self->kinds->len; i++)
    lists[i] = g_hash_table_lookup (saved, ((VzKind *) g_ptr_array_index (self->kinds, i))->resource->snapshot_member);
  _vz_sync_engine_apply_lists (self, lists, decoded);
  vz_snapshot_drop_read (g_steal_pointer (&saved), g_steal_pointer (&decoded));
  set_snapshot_time (self, taken);
  _vz_sync_engine_update_state (self);
  if (!later)
    snapshot_read_sections (self, TRUE);
}

/* The server could not be read: show the last fleet seen, once. */
void
_vz_sync_engine_snapshot_offer (VzSyncEngine *self,
                                const GError *error)
{
  if (self->loaded || self->snapshot_time != NULL || self->snapshot_reading ||
      g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN))
    return;
  _vz_sync_engine_snapshot_ensure (self);
  if (self->snapshot == NULL)
    return;
  snapshot_read_sections (self, FALSE);
}

/* A full read landed: the stores are live again and worth saving. */
void
_vz_sync_engine_snapshot_live (VzSyncEngine *self)
{
  /* A saved fleet read early for this start is not needed now. */
  _vz_snapshot_prefetch_discard ();
  set_snapshot_time (self, NULL);
  _vz_sync_engine_snapshot_ensure (self);
  if (self->snapshot == NULL)
    return;
  vz_snapshot_set_paused (self->snapshot, FALSE);
  vz_snapshot_mark_dirty (self->snapshot);
}

/* Saves what the stores hold now (the document is built before this
 * returns), then stops saving until the next good read. */
void
_vz_sync_engine_snapshot_stop (VzSyncEngine *self)
{
  if (self->snapshot == NULL)
    return;
  vz_snapshot_flush_async (self->snapshot, NULL, NULL, NULL);
  vz_snapshot_set_paused (self->snapshot, TRUE);
}
