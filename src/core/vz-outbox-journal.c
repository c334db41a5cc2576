/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-outbox-private.h"

/* Below this size a journal is never worth rewriting. */
#define COMPACT_MIN_SIZE    (64 * 1024)
/* Keeps one write() from needing a huge buffer during compaction. */
#define COPY_CHUNK          (1024 * 1024)

/* Nested records carry a lowercase magic so that a scan for whole records
 * after damage never mistakes one for a record of its own. */
#define MAGIC0         'V'
#define MAGIC1         'Z'
#define NESTED_MAGIC0  'v'
#define NESTED_MAGIC1  'z'

/* ------------------------------------------------------------------------ */
/* CRC-32 (IEEE 802.3, reflected, as zlib), slice-by-8 so that checking a
 * 100,000-record journal at load costs little next to parsing it. */

static guint32 crc_table[8][256];

static void
crc_init_table (void)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[0][i] = c;
    }
  for (guint32 i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

static guint32
crc32_update (guint32       crc,
              const guint8 *p,
              gsize         len)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      crc_init_table ();
      g_once_init_leave (&initialized, 1);
    }

  crc = ~crc;
  while (len >= 8)
    {
      guint32 a = crc ^ ((guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24);
      guint32 b = (guint32) p[4] | (guint32) p[5] << 8 | (guint32) p[6] << 16 | (guint32) p[7] << 24;

      crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
            crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
            crc_table[3][b & 0xff] ^ crc_table[2][(b >> 8) & 0xff] ^
            crc_table[1][(b >> 16) & 0xff] ^ crc_table[0][b >> 24];
      p += 8;
      len -= 8;
    }
  while (len-- > 0)
    crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static void
append_record_full (GByteArray   *out,
                    char          m0,
                    char          m1,
                    char          kind,
                    const guint8 *payload,
                    gsize         len)
{
  guint8 header[RECORD_HEADER_SIZE] = { (guint8) m0, (guint8) m1, (guint8) kind, 0 };
  guint32 crc;

  write_u32 (header + 4, (guint32) len);
  crc = crc32_update (0, header, 8);
  crc = crc32_update (crc, payload, len);
  write_u32 (header + 8, crc);
  g_byte_array_append (out, header, RECORD_HEADER_SIZE);
  g_byte_array_append (out, payload, len);
}

static void
append_record (GByteArray   *out,
               char          kind,
               const guint8 *payload,
               gsize         len)
{
  append_record_full (out, MAGIC0, MAGIC1, kind, payload, len);
}

VzOutboxRecordStatus
_vz_outbox_record_parse_full (const guint8  *data,
                              gsize          len,
                              gsize          off,
                              gboolean       nested,
                              char          *out_kind,
                              gsize         *out_payload_len)
{
  const guint8 *h = data + off;
  guint8 m0 = nested ? NESTED_MAGIC0 : MAGIC0;
  guint8 m1 = nested ? NESTED_MAGIC1 : MAGIC1;
  gboolean known_kind;
  guint32 payload_len;
  guint32 crc;

  if (len - off < RECORD_HEADER_SIZE)
    {
      /* A short header is torn only if what is there could start a record. */
      if (len - off >= 1 && h[0] != m0)
        return RECORD_BAD;
      return RECORD_TORN;
    }
  known_kind = nested ? h[2] == REC_ADD
                      : (h[2] == REC_ADD || h[2] == REC_UPDATE || h[2] == REC_REMOVE || h[2] == REC_BATCH);
  if (h[0] != m0 || h[1] != m1 || h[3] != 0 || !known_kind)
    return RECORD_BAD;
  payload_len = read_u32 (h + 4);
  if (payload_len > MAX_PAYLOAD)
    return RECORD_BAD;
  if (len - off - RECORD_HEADER_SIZE < payload_len)
    return RECORD_TORN;
  crc = crc32_update (0, h, 8);
  crc = crc32_update (crc, h + RECORD_HEADER_SIZE, payload_len);
  if (crc != read_u32 (h + 8))
    return RECORD_BAD;

  *out_kind = (char) h[2];
  *out_payload_len = payload_len;
  return RECORD_OK;
}

VzOutboxRecordStatus
_vz_outbox_record_parse (const guint8  *data,
                         gsize          len,
                         gsize          off,
                         char          *out_kind,
                         gsize         *out_payload_len)
{
  return _vz_outbox_record_parse_full (data, len, off, FALSE, out_kind, out_payload_len);
}

/* Whether a whole, checksummed record starts anywhere after @off. JSON text
 * never holds a NUL byte, so the header's zero flags byte cannot be matched
 * inside a payload by accident. */
gboolean
_vz_outbox_record_valid_after (const guint8 *data,
                               gsize         len,
                               gsize         off)
{
  for (gsize p = off + 1; p + RECORD_HEADER_SIZE <= len; p++)
    {
      char kind;
      gsize payload_len;

      if (data[p] != MAGIC0 || data[p + 1] != MAGIC1)
        continue;
      if (_vz_outbox_record_parse (data, len, p, &kind, &payload_len) == RECORD_OK)
        return TRUE;
    }
  return FALSE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Reads exactly @len bytes at @off. The journal was measured before the
 * copy, so ending early means it changed or broke under us: EIO then. */
static gboolean
pread_all (int     fd,
           guint8 *buf,
           gsize   len,
           gint64  off)
{
  gsize got = 0;

  while (got < len)
    {
      gssize n = pread (fd, buf + got, len - got, off + (gint64) got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      got += (gsize) n;
    }
  return TRUE;
}

/* A rename is durable only once the directory holding it is synced. */
static gboolean
fsync_parent_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved;
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  saved = errno;
  close (fd);
  errno = saved;
  return ok;
}

/* ------------------------------------------------------------------------ */
/* The writer: one thread owns the journal's file descriptor. */

/* What the writer knows of a live mutation: where its records sit in the
 * file, so compaction copies their bytes verbatim without asking the main
 * thread for anything. Offsets and lengths include the record header. */
typedef struct {
  char *id;
  gint64 add_off;
  guint32 add_len;
  gboolean add_nested; /* the add record sits inside a batch record */
  gint64 upd_off;      /* 0 when no update record */
  guint32 upd_len;
} LiveRecord;

static void
live_record_free (gpointer data)
{
  LiveRecord *rec = data;

  g_free (rec->id);
  g_free (rec);
}

void
_vz_outbox_op_free (gpointer data)
{
  VzOutboxOp *op = data;

  g_free (op->id);
  g_clear_pointer (&op->payload, g_bytes_unref);
  g_clear_pointer (&op->batch_ids, g_ptr_array_unref);
  g_clear_pointer (&op->batch_payloads, g_ptr_array_unref);
  g_clear_pointer (&op->nested_offsets, g_array_unref);
  g_clear_object (&op->task);
  g_free (op);
}

/* Journals whose outbox is gone while their writer still writes what was
 * queued. An outbox opening the same file waits for them (two writers on
 * one journal would interleave records), and so does the process at exit. */
static GMutex closing_lock;
static GCond closing_cond;
static GPtrArray *closing_journals;  /* Journal*, guarded by closing_lock */
static pid_t closing_pid;            /* the process whose writers those are */

static void
owner_box_release (GWeakRef *owner)
{
  g_atomic_rc_box_release_full (owner, (GDestroyNotify) g_weak_ref_clear);
}

static void
completion_free (gpointer data)
{
  VzOutboxCompletion *c = data;

  owner_box_release (c->owner);
  g_clear_error (&c->flush_error);
  g_ptr_array_unref (c->tasks);
  g_clear_error (&c->error);
  g_free (c);
}

static void
journal_set_io_error (GError     **error,
                      const char  *path,
                      int          errsv)
{
  g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
               _("The change could not be saved on this computer (in “%s”): %s."),
               path, g_strerror (errsv));
}

void
_vz_outbox_journal_live_add (VzOutboxJournal *j,
                             const char      *id,
                             gint64           off,
                             guint32          len,
                             gboolean         nested)
{
  LiveRecord *rec = g_new0 (LiveRecord, 1);

  rec->id = g_strdup (id);
  rec->add_off = off;
  rec->add_len = len;
  rec->add_nested = nested;
  g_queue_push_tail (&j->live, rec);
  g_hash_table_replace (j->live_index, rec->id, j->live.tail);
  j->live_bytes += len;
}

void
_vz_outbox_journal_live_update (VzOutboxJournal *j,
                                const char      *id,
                                gint64           off,
                                guint32          len)
{
  GList *link = g_hash_table_lookup (j->live_index, id);
  LiveRecord *rec;

  if (link == NULL)
    return;
  rec = link->data;
  j->live_bytes -= rec->upd_len;
  rec->upd_off = off;
  rec->upd_len = len;
  j->live_bytes += len;
}

void
_vz_outbox_journal_live_remove (VzOutboxJournal *j,
                                const char      *id)
{
  GList *link = g_hash_table_lookup (j->live_index, id);
  LiveRecord *rec;

  if (link == NULL)
    return;
  rec = link->data;
  j->live_bytes -= rec->add_len + rec->upd_len;
  g_hash_table_remove (j->live_index, id);
  g_queue_delete_link (&j->live, link);
  live_record_free (rec);
}

static gboolean
copy_range (int      in_fd,
            int      out_fd,
            gint64   off,
            guint32  len,
            guint8  *buf)
{
  while (len > 0)
    {
      gsize chunk = MIN (len, COPY_CHUNK);

      if (!pread_all (in_fd, buf, chunk, off) || !write_all (out_fd, buf, chunk))
        return FALSE;
      off += (gint64) chunk;
      len -= (guint32) chunk;
    }
  return TRUE;
}

/* Copies a nested add record out of its batch as a record of its own: the
 * magic changes, so the CRC is computed again. */
static gboolean
copy_nested (int      in_fd,
             int      out_fd,
             gint64   off,
             guint32  len)
{
  g_autofree guint8 *rec = g_malloc (len);
  guint32 crc;

  if (!pread_all (in_fd, rec, len, off))
    return FALSE;
  rec[0] = MAGIC0;
  rec[1] = MAGIC1;
  crc = crc32_update (0, rec, 8);
  crc = crc32_update (crc, rec + RECORD_HEADER_SIZE, len - RECORD_HEADER_SIZE);
  write_u32 (rec + 8, crc);
  return write_all (out_fd, rec, len);
}

/* Rewrites the live records into a fresh file and swaps it in. Any failure
 * leaves the old journal in place, which is still complete and valid. */
static void
journal_compact (VzOutboxJournal *j)
{
  g_autofree char *tmp_path = g_strconcat (j->path, ".tmp", NULL);
  g_autofree guint8 *buf = g_malloc (COPY_CHUNK);
  guint8 header[FILE_HEADER_SIZE] = FILE_MAGIC;
  int in_fd = -1, out_fd = -1, new_fd = -1;
  gint64 off = FILE_HEADER_SIZE;
  gboolean closed;
  int errsv;

  write_u32 (header + 8, FILE_VERSION);
  write_u32 (header + 12, 0);

  in_fd = open (j->path, O_RDONLY | O_CLOEXEC);
  out_fd = open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in_fd < 0 || out_fd < 0 || !write_all (out_fd, header, FILE_HEADER_SIZE))
    goto failed;

  /* Records are copied one by one; merging neighbours into one pread()
   * would be faster but compaction runs rarely and off the main thread. */
  for (GList *l = j->live.head; l != NULL; l = l->next)
    {
      LiveRecord *rec = l->data;

      if (rec->add_nested ? !copy_nested (in_fd, out_fd, rec->add_off, rec->add_len)
                          : !copy_range (in_fd, out_fd, rec->add_off, rec->add_len, buf))
        goto failed;
      if (rec->upd_len > 0 && !copy_range (in_fd, out_fd, rec->upd_off, rec->upd_len, buf))
        goto failed;
    }

  if (fsync (out_fd) != 0)
    goto failed;
  closed = close (out_fd) == 0;
  out_fd = -1;
  if (!closed || rename (tmp_path, j->path) != 0)
    goto failed;
  /* From here the new file is the journal, whatever happens next. */
  close (in_fd);
  in_fd = -1;
  fsync_parent_dir (j->path);

  new_fd = open (j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (new_fd < 0)
    {
      errsv = errno;
      journal_set_io_error (&j->broken, j->path, errsv);
      close (j->fd);
      j->fd = -1;
      return;
    }
  close (j->fd);
  j->fd = new_fd;

  /* Only now do the offsets move to the new file: on any failure above they
   * still described the old one, which stayed the journal. */
  for (GList *l = j->live.head; l != NULL; l = l->next)
    {
      LiveRecord *rec = l->data;

      rec->add_off = off;
      rec->add_nested = FALSE;
      off += rec->add_len;
      if (rec->upd_len > 0)
        {
          rec->upd_off = off;
          off += rec->upd_len;
        }
    }
  j->size = off;
  g_debug ("Compacted the offline queue %s to %" G_GINT64_FORMAT " bytes", j->path, off);
  return;

failed:
  errsv = errno;
  if (in_fd >= 0)
    close (in_fd);
  if (out_fd >= 0)
    close (out_fd);
  /* Whatever failed (a full disk, an I/O error) likely fails again: the
   * next attempt waits until the journal has doubled. Said before the
   * copy goes, so that whoever sees it gone has been told why. */
  j->compact_retry_size = j->size * 2;
  g_warning ("Could not compact the offline queue %s: %s", j->path, g_strerror (errsv));
  g_unlink (tmp_path);
}

static gboolean
journal_wants_compaction (VzOutboxJournal *j)
{
  gint64 dead = j->size - FILE_HEADER_SIZE - j->live_bytes;

  return j->broken == NULL && j->fd >= 0 && j->size >= COMPACT_MIN_SIZE &&
         j->size >= j->compact_retry_size && dead > j->live_bytes;
}

static void
journal_process (VzOutboxJournal *j,
                 GPtrArray       *ops)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(GArray) offsets = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ops->len);
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = NULL;
  gboolean has_flush = FALSE;

  for (guint i = 0; i < ops->len; i++)
    {
      VzOutboxOp *op = g_ptr_array_index (ops, i);
      gint64 off = j->size + buf->len;

      has_flush |= op->kind == REC_FLUSH;
      g_array_append_val (offsets, off);
      if (op->kind == REC_BATCH)
        {
          g_autoptr(GByteArray) nested = g_byte_array_new ();

          op->nested_offsets = g_array_sized_new (FALSE, FALSE, sizeof (gint64), op->batch_payloads->len);
          for (guint k = 0; k < op->batch_payloads->len; k++)
            {
              gsize len;
              const guint8 *payload = g_bytes_get_data (g_ptr_array_index (op->batch_payloads, k), &len);
              gint64 nested_off = off + RECORD_HEADER_SIZE + nested->len;

              g_array_append_val (op->nested_offsets, nested_off);
              append_record_full (nested, NESTED_MAGIC0, NESTED_MAGIC1, REC_ADD, payload, len);
            }
          append_record (buf, REC_BATCH, nested->data, nested->len);
        }
      else if (op->kind != REC_FLUSH)
        {
          gsize len;
          const guint8 *payload = g_bytes_get_data (op->payload, &len);

          append_record (buf, op->kind, payload, len);
        }
      if (op->task != NULL)
        {
          if (tasks == NULL)
            tasks = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (tasks, g_steal_pointer (&op->task));
        }
    }

  if (j->broken != NULL)
    error = g_error_copy (j->broken);
  else if (buf->len > 0)
    {
      if (!write_all (j->fd, buf->data, buf->len))
        {
          int errsv = errno;

          journal_set_io_error (&error, j->path, errsv);
          /* Cut off whatever part of the batch made it, so that the next
           * record does not land behind a torn one. */
          if (ftruncate (j->fd, j->size) != 0)
            journal_set_io_error (&j->broken, j->path, errno);
        }
      else if (fdatasync (j->fd) != 0)
        {
          /* After a failed sync the kernel may have dropped the dirty pages:
           * nothing written from now on can be trusted to be complete. */
          journal_set_io_error (&j->broken, j->path, errno);
          error = g_error_copy (j->broken);
        }
      else
        {
          for (guint i = 0; i < ops->len; i++)
            {
              VzOutboxOp *op = g_ptr_array_index (ops, i);
              gint64 off = g_array_index (offsets, gint64, i);
              guint32 rec_len = RECORD_HEADER_SIZE + (guint32) (op->payload ? g_bytes_get_size (op->payload) : 0);

              if (op->kind == REC_ADD)
                _vz_outbox_journal_live_add (j, op->id, off, rec_len, FALSE);
              else if (op->kind == REC_BATCH)
                for (guint k = 0; k < op->batch_ids->len; k++)
                  _vz_outbox_journal_live_add (j, g_ptr_array_index (op->batch_ids, k),
                                               g_array_index (op->nested_offsets, gint64, k),
                                               RECORD_HEADER_SIZE + (guint32) g_bytes_get_size (g_ptr_array_index (op->batch_payloads, k)),
                                               TRUE);
              else if (op->kind == REC_UPDATE)
                _vz_outbox_journal_live_update (j, op->id, off, rec_len);
              else if (op->kind == REC_REMOVE)
                _vz_outbox_journal_live_remove (j, op->id);
            }
          j->size += buf->len;
        }
    }

  if (error != NULL && j->unflushed == NULL)
    j->unflushed = g_error_copy (error);

  /* A failed write is reported even when nobody waits on it (state
   * changes and removals), so the app can say its changes are not saved. */
  if (tasks != NULL || error != NULL)
    {
      VzOutboxCompletion *c = g_new0 (VzOutboxCompletion, 1);
      GSource *source = g_idle_source_new ();

      c->tasks = tasks != NULL ? tasks : g_ptr_array_new_with_free_func (g_object_unref);
      c->error = g_steal_pointer (&error);
      if (has_flush)
        c->flush_error = g_steal_pointer (&j->unflushed);
      c->owner = g_atomic_rc_box_acquire (j->owner);

      /* Not g_main_context_invoke(): with the default context and an idle
       * main thread it would run the callback right here, in this thread. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, j->complete, c, completion_free);
      g_source_set_static_name (source, "[vz-outbox] complete");
      g_source_attach (source, j->context);
      g_source_unref (source);
    }

  /* After the tasks are on their way: compaction must not delay them. */
  if (journal_wants_compaction (j))
    journal_compact (j);
}

static gpointer
journal_thread (gpointer data)
{
  VzOutboxJournal *j = data;

  if (journal_wants_compaction (j))
    journal_compact (j);

  g_mutex_lock (&j->lock);
  for (;;)
    {
      GPtrArray *ops;

      while (j->ops->len == 0 && !j->closing)
        g_cond_wait (&j->cond, &j->lock);
      if (j->ops->len == 0)
        break;
      ops = j->ops;
      j->ops = g_ptr_array_new_with_free_func (_vz_outbox_op_free);
      g_mutex_unlock (&j->lock);

      journal_process (j, ops);
      g_ptr_array_unref (ops);

      g_mutex_lock (&j->lock);
    }
  g_mutex_unlock (&j->lock);

  /* Closed: the journal is this thread's to free (see journal_close()). */
  _vz_outbox_journal_free (j);
  return NULL;
}

VzOutboxJournal *
_vz_outbox_journal_new (const char   *path,
                        GMainContext *context,
                        gpointer      owner,
                        GSourceFunc   complete)
{
  VzOutboxJournal *j = g_new0 (VzOutboxJournal, 1);

  j->complete = complete;

  j->owner = g_atomic_rc_box_new0 (GWeakRef);
  g_weak_ref_init (j->owner, owner);
  g_mutex_init (&j->lock);
  g_cond_init (&j->cond);
  j->ops = g_ptr_array_new_with_free_func (_vz_outbox_op_free);
  j->context = g_main_context_ref (context);
  j->path = g_strdup (path);
  j->fd = -1;
  j->lock_fd = -1;
  g_queue_init (&j->live);
  j->live_index = g_hash_table_new (g_str_hash, g_str_equal);
  return j;
}

void
_vz_outbox_journal_start (VzOutboxJournal *j)
{
  j->thread = g_thread_new ("vz-outbox-writer", journal_thread, j);
}

void
_vz_outbox_journal_push (VzOutboxJournal *j,
                         VzOutboxOp      *op)
{
  g_mutex_lock (&j->lock);
  g_ptr_array_add (j->ops, op);
  if (j->ops->len == 1)
    g_cond_signal (&j->cond);
  g_mutex_unlock (&j->lock);
}

/* Frees a journal whose writer has ended (on the writer, see journal_close())
 * or never started. */
void
_vz_outbox_journal_free (VzOutboxJournal *j)
{
  g_assert (j->thread == NULL);

  if (j->fd >= 0)
    close (j->fd);
  if (j->lock_fd >= 0)
    close (j->lock_fd);
  g_mutex_lock (&closing_lock);
  if (closing_journals != NULL && g_ptr_array_remove_fast (closing_journals, j))
    g_cond_broadcast (&closing_cond);
  g_mutex_unlock (&closing_lock);

  g_ptr_array_unref (j->ops);
  g_main_context_unref (j->context);
  owner_box_release (j->owner);
  g_hash_table_unref (j->live_index);
  g_queue_clear_full (&j->live, live_record_free);
  g_clear_error (&j->broken);
  g_clear_error (&j->unflushed);
  g_free (j->path);
  g_mutex_clear (&j->lock);
  g_cond_clear (&j->cond);
  g_free (j);
}

static gboolean
journal_is_closing (dev_t dev,
                    ino_t ino)
{
  for (guint i = 0; closing_journals != NULL && i < closing_journals->len; i++)
    {
      VzOutboxJournal *j = g_ptr_array_index (closing_journals, i);

      if (j->lock_dev == dev && j->lock_ino == ino)
        return TRUE;
    }
  return FALSE;
}

/* Waits until no writer of a closed outbox holds the lock file @dev/@ino. */
void
_vz_outbox_journal_wait_closed (dev_t dev,
                                ino_t ino)
{
  g_mutex_lock (&closing_lock);
  while (journal_is_closing (dev, ino))
    g_cond_wait (&closing_cond, &closing_lock);
  g_mutex_unlock (&closing_lock);
}

void
_vz_outbox_wait_for_writers (void)
{
  g_mutex_lock (&closing_lock);
  /* A child forked without exec has none of its parent's threads. */
  if (closing_pid == getpid ())
    while (closing_journals->len > 0)
      g_cond_wait (&closing_cond, &closing_lock);
  g_mutex_unlock (&closing_lock);
}

/* Closes the journal without waiting for its writer, which may be inside
 * fdatasync(): the writer writes everything queued, then releases @lock_fd
 * (transfer full) and frees the journal itself. */
void
_vz_outbox_journal_close (VzOutboxJournal *j,
                          int              lock_fd)
{
  GThread *thread = g_steal_pointer (&j->thread);
  struct stat st;

  j->lock_fd = lock_fd;
  if (thread == NULL)
    {
      _vz_outbox_journal_free (j);
      return;
    }

  /* Only journal_wait_closed() reads these: a failed fstat() then lets
   * a new outbox find the lock taken and say so. */
  if (fstat (lock_fd, &st) == 0)
    {
      j->lock_dev = st.st_dev;
      j->lock_ino = st.st_ino;
    }
  g_mutex_lock (&closing_lock);
  if (closing_journals == NULL)
    {
      closing_journals = g_ptr_array_new ();
      closing_pid = getpid ();
      atexit (_vz_outbox_wait_for_writers);
    }
  g_ptr_array_add (closing_journals, j);
  g_mutex_unlock (&closing_lock);

  g_mutex_lock (&j->lock);
  j->closing = TRUE;
  g_cond_signal (&j->cond);
  g_mutex_unlock (&j->lock);
  g_thread_unref (thread);
}

/* ------------------------------------------------------------------------ */
/* The file itself, before the writer runs. */

gboolean
_vz_outbox_journal_create_file (const char  *path,
                                GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".tmp", NULL);
  guint8 header[FILE_HEADER_SIZE] = FILE_MAGIC;
  int fd;
  int errsv;

  write_u32 (header + 8, FILE_VERSION);
  write_u32 (header + 12, 0);

  /* Written aside and renamed, so a crash never leaves a half header. */
  fd = open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0 && write_all (fd, header, sizeof header) && fsync (fd) == 0 &&
      close (fd) == 0 && rename (tmp_path, path) == 0 && fsync_parent_dir (path))
    return TRUE;

  errsv = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
               _("The offline queue “%s” could not be created: %s."),
               path, g_strerror (errsv));
  return FALSE;
}

gboolean
_vz_outbox_journal_truncate_file (const char  *path,
                                  gsize        len,
                                  GError     **error)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  int errsv;

  if (fd >= 0 && ftruncate (fd, (off_t) len) == 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  errsv = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
               _("The offline queue “%s” could not be repaired: %s."),
               path, g_strerror (errsv));
  return FALSE;
}
