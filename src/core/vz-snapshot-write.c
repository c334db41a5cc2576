/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-memory.h"
#include "vz-snapshot-private.h"

/* ------------------------------------------------------------------------ */
/* Stores → JSON (owning thread: entities are not thread-safe)              */

/*
 * The text is written straight into one GString (VzEntityClass.to_json)
 * instead of through a JsonBuilder node tree: at 10,000 screens that keeps
 * the main thread's share of a save to a few tens of milliseconds
 * (docs/bench-replay.md).
 */

static GString *
build_document (VzSnapshot *self,
                GDateTime  *taken)
{
  g_autofree char *taken_text = g_date_time_format_iso8601 (taken);
  guint n_records = 0;
  GString *out;

  for (guint i = 0; i < self->sections->len; i++)
    n_records += g_list_model_get_n_items (G_LIST_MODEL (((VzSnapshotSection *) g_ptr_array_index (self->sections, i))->store));
  out = g_string_sized_new (256 + (gsize) n_records * 640);

  g_string_append_printf (out, "{\"format\":\"%s\",\"version\":%d,\"savedAt\":",
                          SNAPSHOT_FORMAT, SNAPSHOT_VERSION);
  _vz_json_put_string (out, taken_text);

  for (guint i = 0; i < self->sections->len; i++)
    {
      VzSnapshotSection *section = g_ptr_array_index (self->sections, i);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (section->store));

      g_string_append_printf (out, ",\n\"%s\":[", section->member);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(VzEntity) record = g_list_model_get_item (G_LIST_MODEL (section->store), j);

          if (j > 0)
            g_string_append (out, ",\n");
          vz_entity_to_json (record, out);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}\n");
  return out;
}

/* ------------------------------------------------------------------------ */
/* Writing (worker thread)                                                  */

typedef struct {
  char      *path;
  GString   *document;
  GDateTime *taken;
  GPtrArray *waiters;   /* GTask*: flushes this write answers */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->waiters, g_ptr_array_unref);
  if (data->document != NULL)
    g_string_free (data->document, TRUE);
  g_clear_pointer (&data->taken, g_date_time_unref);
  g_free (data);
}

static gboolean
write_document (const char  *path,
                GString     *document,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                   _("The fleet could not be saved for offline use: the folder %s could not be created (%s)."),
                   dir, g_strerror (saved));
      return FALSE;
    }

  /* CONSISTENT + DURABLE: written to a temporary file, fsync()ed, renamed
   * over the old one (and the folder synced): never half a snapshot. */
  if (!g_file_set_contents_full (path, document->str, (gssize) document->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                   _("The fleet could not be saved for offline use: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;

  gboolean written = write_document (data->path, data->document, &error);

  /* The text of a large fleet is tens of megabytes, wanted no longer. */
  g_string_free (g_steal_pointer (&data->document), TRUE);
  vz_memory_trim ();
  if (written)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void start_save (VzSnapshot *self);

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  VzSnapshot *self = VZ_SNAPSHOT (source);
  g_autoptr(GError) error = NULL;
  SaveData *data = g_task_get_task_data (G_TASK (result));

  self->saving = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    _vz_snapshot_set_saved_at (self, data->taken);
  else
    {
      /* The app works without a snapshot; the next change tries again. */
      g_message ("%s", error->message);
      _vz_snapshot_set_dirty (self, TRUE);
    }
  _vz_snapshot_emit_saved (self, error);

  for (guint i = 0; i < data->waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (data->waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }

  /* A flush asked for during the write gets a write of its own, now;
   * other changes that came in meanwhile wait for the interval. */
  if (self->waiters->len > 0)
    start_save (self);
  else if (self->dirty)
    _vz_snapshot_schedule (self);
}

static void
start_save (VzSnapshot *self)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data = g_new0 (SaveData, 1);

  g_assert (!self->saving);

  data->path = g_strdup (self->path);
  data->taken = g_date_time_new_now_utc ();
  data->document = build_document (self, data->taken);
  data->waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->saving = TRUE;
  self->last_save = g_get_monotonic_time ();
  _vz_snapshot_set_dirty (self, FALSE);

  task = g_task_new (self, NULL, on_saved, NULL);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static gboolean
on_save_timeout (gpointer user_data)
{
  VzSnapshot *self = user_data;

  self->save_source = 0;
  if (self->saving)
    return G_SOURCE_REMOVE;   /* on_saved() re-arms while dirty */
  if (self->dirty)
    start_save (self);
  return G_SOURCE_REMOVE;
}

void
_vz_snapshot_schedule (VzSnapshot *self)
{
  gint64 now, due;

  if (self->save_source != 0 || self->saving || self->paused)
    return;
  now = g_get_monotonic_time ();
  due = self->last_save == 0 ? now : self->last_save + (gint64) self->interval * G_USEC_PER_SEC;
  self->save_source = g_timeout_add (due > now ? (guint) ((due - now) / 1000) : 0, on_save_timeout, self);
  g_source_set_name_by_id (self->save_source, "[vizora] snapshot save");
}

void
vz_snapshot_flush_async (VzSnapshot          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_snapshot_flush_async);

  /* Nothing new (an engine stopped before any read must not replace the
   * last good fleet with an empty one), or the stores show saved data. */
  if ((!self->dirty || self->paused) && !self->saving)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A write under way may have missed the latest changes: this flush waits
   * for a write of its own, started when that one is done. */
  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (!self->saving)
    start_save (self);
}

gboolean
vz_snapshot_flush_finish (VzSnapshot    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
vz_snapshot_save (VzSnapshot  *self,
                  GError     **error)
{
  g_autoptr(GDateTime) taken = NULL;
  GString *document;
  gboolean ok;

  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (!self->saving, FALSE);

  taken = g_date_time_new_now_utc ();
  document = build_document (self, taken);
  ok = write_document (self->path, document, error);
  g_string_free (document, TRUE);
  if (!ok)
    return FALSE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->last_save = g_get_monotonic_time ();
  _vz_snapshot_set_dirty (self, FALSE);
  _vz_snapshot_set_saved_at (self, taken);
  return TRUE;
}

