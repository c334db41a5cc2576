/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-memory.h"
#include "vz-snapshot-private.h"

/*
 * A save never holds the whole text: it is made a chunk at a time and each
 * chunk written before more is made, so a save's memory is a few chunks
 * whatever the size of the fleet (tens of megabytes with the notifications
 * a server keeps).
 *
 * The text is made on the owning thread (entities are not thread-safe),
 * straight into a GString (VzEntityClass.to_json) rather than through a
 * JsonBuilder node tree (docs/bench-replay.md), from the records the stores
 * held when the save started. A worker thread writes it to a new file beside
 * the snapshot, fsync()s it, renames it over the snapshot and syncs the
 * folder: a crash or a failed write leaves the old snapshot or the new one,
 * never half of one.
 *
 * A save holds an flock() on its new file from its creation until it is in
 * place of the snapshot. A process killed mid-save leaves its new file
 * behind, unlocked: the next save (of any process) removes it.
 */

#define CHUNK_BYTES  (256 * 1024)
#define N_BUFFERS    2

/* ------------------------------------------------------------------------ */
/* Stores → JSON text, a chunk at a time (owning thread)                    */

typedef struct {
  char      *taken_text;
  GPtrArray *members;   /* char*, the sections' list members */
  GPtrArray *records;   /* GPtrArray of VzEntity*, one per section */
  guint      section;   /* where the next chunk goes on */
  guint      index;
  gboolean   started;   /* the document's head is made */
  gboolean   opened;    /* the current section's list is opened */
  gboolean   done;      /* the document is complete */
} Serializer;

static void
serializer_free (Serializer *ser)
{
  g_free (ser->taken_text);
  g_ptr_array_unref (ser->members);
  g_ptr_array_unref (ser->records);
  g_free (ser);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Serializer, serializer_free)

/* The records the stores hold now: a store's later changes mark the snapshot
 * dirty for another save, and do not move this one's place in its list. */
static Serializer *
serializer_new (VzSnapshot *self,
                GDateTime  *taken)
{
  Serializer *ser = g_new0 (Serializer, 1);

  ser->taken_text = g_date_time_format_iso8601 (taken);
  ser->members = g_ptr_array_new_with_free_func (g_free);
  ser->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < self->sections->len; i++)
    {
      VzSnapshotSection *section = g_ptr_array_index (self->sections, i);
      GListModel *model = G_LIST_MODEL (section->store);
      guint n = g_list_model_get_n_items (model);
      GPtrArray *records = g_ptr_array_new_full (n, g_object_unref);

      for (guint j = 0; j < n; j++)
        g_ptr_array_add (records, g_list_model_get_item (model, j));
      g_ptr_array_add (ser->members, g_strdup (section->member));
      g_ptr_array_add (ser->records, records);
    }
  return ser;
}

/* Appends the next part of the document to @out, until @out holds
 * CHUNK_BYTES or the document is complete ("done"). */
static void
serializer_fill (Serializer *ser,
                 GString    *out)
{
  if (!ser->started)
    {
      g_string_append_printf (out, "{\"format\":\"%s\",\"version\":%d,\"savedAt\":",
                              SNAPSHOT_FORMAT, SNAPSHOT_VERSION);
      _vz_json_put_string (out, ser->taken_text);
      ser->started = TRUE;
    }
  while (!ser->done && out->len < CHUNK_BYTES)
    {
      GPtrArray *records;

      if (ser->section == ser->records->len)
        {
          g_string_append (out, "}\n");
          ser->done = TRUE;
          break;
        }
      records = g_ptr_array_index (ser->records, ser->section);
      if (!ser->opened)
        {
          g_string_append_printf (out, ",\n\"%s\":[", (const char *) g_ptr_array_index (ser->members, ser->section));
          ser->opened = TRUE;
        }
      if (ser->index < records->len)
        {
          if (ser->index > 0)
            g_string_append (out, ",\n");
          vz_entity_to_json (g_ptr_array_index (records, ser->index), out);
          ser->index++;
        }
      else
        {
          g_string_append_c (out, ']');
          /* Written: the records are not held for the rest of the save. */
          g_ptr_array_set_size (records, 0);
          ser->section++;
          ser->index = 0;
          ser->opened = FALSE;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* The file                                                                 */

typedef struct {
  char          *path;
  char          *tmp_path;   /* the new file, until it is renamed */
  int            fd;
} Writer;

static gboolean
save_failed (GError     **error,
             const char  *why)
{
  g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
               _("The fleet could not be saved for offline use: %s"), why);
  return FALSE;
}

static gboolean
save_failed_errno (GError     **error,
                   const char  *path,
                   int          saved_errno)
{
  g_autofree char *why = NULL;

  /* Translators: the first %s is a file name, the second why, e.g. "No space left on device" */
  why = g_strdup_printf (_("%s could not be written (%s)."), path, g_strerror (saved_errno));
  return save_failed (error, why);
}

/* Closes the file; one not renamed yet is removed, and the snapshot stays
 * as it was. */
static void
writer_clear (Writer *writer)
{
  if (writer->fd >= 0)
    close (writer->fd);
  writer->fd = -1;
  if (writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_clear_pointer (&writer->tmp_path, g_free);
  g_clear_pointer (&writer->path, g_free);
}

/* Whether @name is that of a new file beside the snapshot @base:
 * "<base>." and the six letters or digits g_mkstemp() puts there. */
static gboolean
is_new_file_name (const char *name,
                  const char *base)
{
  gsize n = strlen (base);

  if (strncmp (name, base, n) != 0 || name[n] != '.' || strlen (name + n + 1) != 6)
    return FALSE;
  for (const char *c = name + n + 1; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;
  return TRUE;
}

/* A new file no save holds is left from a save that never ended (its
 * process was killed); one younger than this may be a save's that has not
 * taken its lock yet. */
#define STALE_AFTER_S 30

/* Removes the new files beside @path that saves of earlier processes left.
 * A save under way, in this process or another, holds the lock on its file
 * (a lock taken on another open of the file is refused, in this process
 * too), and that file stays. */
static void
remove_stale_new_files (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *file = NULL;
      struct stat st;
      int fd;

      if (!is_new_file_name (name, base))
        continue;
      file = g_build_filename (dir, name, NULL);
      fd = open (file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_mtime < now - STALE_AFTER_S &&
          flock (fd, LOCK_EX | LOCK_NB) == 0 && g_unlink (file) == 0)
        g_debug ("Removed %s, left by a save that did not end", file);
      close (fd);
    }
}

/* A new file, mode 0600, beside @path (so that it can be renamed over it),
 * locked; the ones earlier processes left are removed first. */
static gboolean
writer_open (Writer      *writer,
             const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  writer->path = g_strdup (path);
  writer->fd = -1;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      writer_clear (writer);
      g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                   _("The fleet could not be saved for offline use: the folder %s could not be created (%s)."),
                   dir, g_strerror (saved));
      return FALSE;
    }
  remove_stale_new_files (path);
  writer->tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  writer->fd = g_mkstemp_full (writer->tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (writer->fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&writer->tmp_path, g_free);
      writer_clear (writer);
      return save_failed_errno (error, path, saved);
    }
  /* Where the file system has no flock(), the save goes on without: no save
   * removes a new file there (the removal takes the lock first). */
  if (flock (writer->fd, LOCK_EX | LOCK_NB) != 0)
    g_debug ("%s is not locked: %s", writer->tmp_path, g_strerror (errno));
  return TRUE;
}

static gboolean
writer_write (Writer      *writer,
              GString     *text,
              GError     **error)
{
  gsize done = 0;

  while (done < text->len)
    {
      gssize n = write (writer->fd, text->str + done, text->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return save_failed_errno (error, writer->path, errno);
      done += (gsize) n;
    }
  return TRUE;
}

/* The folder's entry for the renamed file, on disk too. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("The folder %s was not synced: %s", dir, g_strerror (errno));
  close (fd);
}

/* Durable, then in place of the old snapshot; aborts on failure. */
static gboolean
writer_commit (Writer  *writer,
               GError **error)
{
  int fd = writer->fd;
  int saved = 0;

  writer->fd = -1;
  if (fsync (fd) != 0)
    saved = errno;
  /* Renamed while open: its lock stands until it is the snapshot. */
  if (saved == 0 && g_rename (writer->tmp_path, writer->path) != 0)
    saved = errno;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved != 0)
    {
      save_failed_errno (error, writer->path, saved);
      writer_clear (writer);
      return FALSE;
    }
  g_clear_pointer (&writer->tmp_path, g_free);
  sync_folder (writer->path);
  writer_clear (writer);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* From the owning thread to the writing thread                             */

/*
 * N_BUFFERS buffers go round: the owning thread fills the empty ones and
 * queues them as full; the worker writes a full one, queues it as empty
 * again and asks the owning thread (an idle in its context) to fill it. END
 * queued after the last chunk ends the writing. When a write fails the
 * owning thread makes no more text and queues END at once.
 *
 * The owning thread's main loop makes the text, so a save started as the
 * process ends (the engine saves on stop) would never finish:
 * vz_snapshot_wait_for_saves() makes the rest of it there and then.
 */

typedef struct {
  GAsyncQueue  *full;         /* GString*, then END */
  GAsyncQueue  *empty;        /* GString* */
  GMainContext *context;      /* the owning thread's */
  gint          failed;       /* atomic: the worker gave up */
  Serializer   *serializer;   /* owning thread only; NULL once END is queued */
  gboolean      finished;     /* under saves_lock: the file is written or given up */
} Pipe;

static char end_marker;
#define END ((gpointer) &end_marker)

/* The pipes of the saves under way, for vz_snapshot_wait_for_saves(). */
static GMutex saves_lock;
static GCond saves_cond;
static GPtrArray *saves_in_flight;

static void
buffer_free (gpointer buffer)
{
  if (buffer != END)
    g_string_free (buffer, TRUE);
}

static void
pipe_clear (Pipe *pipe)
{
  g_async_queue_unref (pipe->full);
  g_async_queue_unref (pipe->empty);
  g_main_context_unref (pipe->context);
  g_clear_pointer (&pipe->serializer, serializer_free);
}

static Pipe *
pipe_ref (Pipe *pipe)
{
  return g_atomic_rc_box_acquire (pipe);
}

static void
pipe_unref (gpointer pipe)
{
  g_atomic_rc_box_release_full (pipe, (GDestroyNotify) pipe_clear);
}

static Pipe *
pipe_new (Serializer *serializer)
{
  Pipe *pipe = g_atomic_rc_box_new0 (Pipe);

  pipe->full = g_async_queue_new_full (buffer_free);
  pipe->empty = g_async_queue_new_full (buffer_free);
  pipe->context = g_main_context_ref_thread_default ();
  pipe->serializer = serializer;
  for (guint i = 0; i < N_BUFFERS; i++)
    g_async_queue_push (pipe->empty, g_string_sized_new (CHUNK_BYTES + 4096));
  return pipe;
}

/* Owning thread: the next chunk into @buffer, an empty one. */
static void
pipe_fill_buffer (Pipe    *pipe,
                  GString *buffer)
{
  gboolean failed = g_atomic_int_get (&pipe->failed);

  g_assert (pipe->serializer != NULL);

  if (!failed)
    serializer_fill (pipe->serializer, buffer);
  g_async_queue_push (buffer->len > 0 ? pipe->full : pipe->empty, buffer);
  if (failed || pipe->serializer->done)
    {
      g_clear_pointer (&pipe->serializer, serializer_free);
      g_async_queue_push (pipe->full, END);
    }
}

/* Owning thread: fills the empty buffers. */
static gboolean
pipe_fill (gpointer user_data)
{
  Pipe *pipe = user_data;
  GString *buffer;

  while (pipe->serializer != NULL && (buffer = g_async_queue_try_pop (pipe->empty)) != NULL)
    pipe_fill_buffer (pipe, buffer);
  return G_SOURCE_REMOVE;
}

/* Writing thread: the owning thread is to fill a buffer made empty. */
static void
pipe_ask_fill (Pipe *pipe)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, pipe_fill, pipe_ref (pipe), pipe_unref);
  g_source_set_static_name (source, "[vizora] snapshot text");
  g_source_attach (source, pipe->context);
}

static void
pipe_started (Pipe *pipe)
{
  g_mutex_lock (&saves_lock);
  if (saves_in_flight == NULL)
    saves_in_flight = g_ptr_array_new_with_free_func (pipe_unref);
  g_ptr_array_add (saves_in_flight, pipe_ref (pipe));
  g_mutex_unlock (&saves_lock);
}

static void
pipe_finished (Pipe *pipe)
{
  g_mutex_lock (&saves_lock);
  pipe->finished = TRUE;
  g_ptr_array_remove_fast (saves_in_flight, pipe);
  g_cond_broadcast (&saves_cond);
  g_mutex_unlock (&saves_lock);
}

void
vz_snapshot_wait_for_saves (guint timeout_ms)
{
  g_autoptr(GMainContext) here = g_main_context_ref_thread_default ();
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  g_mutex_lock (&saves_lock);
  for (guint i = 0; saves_in_flight != NULL && i < saves_in_flight->len;)
    {
      Pipe *pipe = pipe_ref (g_ptr_array_index (saves_in_flight, i));

      /* Only this thread may make the text of its own saves. */
      if (pipe->context != here)
        {
          pipe_unref (pipe);
          i++;
          continue;
        }
      g_mutex_unlock (&saves_lock);
      while (pipe->serializer != NULL && g_get_monotonic_time () < deadline)
        {
          GString *buffer = g_async_queue_timeout_pop (pipe->empty, MAX (deadline - g_get_monotonic_time (), 1));

          if (buffer != NULL)
            pipe_fill_buffer (pipe, buffer);
        }
      g_mutex_lock (&saves_lock);
      while (!pipe->finished && g_cond_wait_until (&saves_cond, &saves_lock, deadline))
        ;
      if (!pipe->finished)
        {
          g_debug ("A save of the fleet did not finish in %u ms", timeout_ms);
          pipe_unref (pipe);
          break;
        }
      pipe_unref (pipe);
      i = 0;   /* it left the list */
    }
  g_mutex_unlock (&saves_lock);
}

/* Writing thread: writes what comes until END. */
static gboolean
pipe_write (Pipe        *pipe,
            const char  *path,
            GError     **error)
{
  Writer writer = { NULL, };
  gboolean ok = writer_open (&writer, path, error);
  GString *buffer;

  if (!ok)
    g_atomic_int_set (&pipe->failed, TRUE);
  while ((buffer = g_async_queue_pop (pipe->full)) != END)
    {
      if (ok && !writer_write (&writer, buffer, error))
        {
          ok = FALSE;
          g_atomic_int_set (&pipe->failed, TRUE);
        }
      g_string_truncate (buffer, 0);
      g_async_queue_push (pipe->empty, buffer);
      pipe_ask_fill (pipe);
    }
  if (!ok)
    writer_clear (&writer);
  else
    ok = writer_commit (&writer, error);
  pipe_finished (pipe);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Saving in a worker                                                       */

typedef struct {
  char      *path;
  Pipe      *pipe;
  GDateTime *taken;
  GPtrArray *waiters;   /* GTask*: flushes this write answers */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->waiters, g_ptr_array_unref);
  g_clear_pointer (&data->pipe, pipe_unref);
  g_clear_pointer (&data->taken, g_date_time_unref);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;
  gboolean written = pipe_write (data->pipe, data->path, &error);

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
  data->pipe = pipe_new (serializer_new (self, data->taken));
  /* The first chunks; the worker asks for the others as it writes. */
  pipe_fill (data->pipe);
  pipe_started (data->pipe);
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
  g_autoptr(Serializer) ser = NULL;
  g_autoptr(GString) buffer = NULL;
  Writer writer = { NULL, };

  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (!self->saving, FALSE);

  taken = g_date_time_new_now_utc ();
  ser = serializer_new (self, taken);
  buffer = g_string_sized_new (CHUNK_BYTES + 4096);
  if (!writer_open (&writer, self->path, error))
    return FALSE;
  while (!ser->done)
    {
      g_string_truncate (buffer, 0);
      serializer_fill (ser, buffer);
      if (!writer_write (&writer, buffer, error))
        {
          writer_clear (&writer);
          return FALSE;
        }
    }
  if (!writer_commit (&writer, error))
    return FALSE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->last_save = g_get_monotonic_time ();
  _vz_snapshot_set_dirty (self, FALSE);
  _vz_snapshot_set_saved_at (self, taken);
  return TRUE;
}

