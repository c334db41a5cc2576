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
#include "vz-wire-json.h"

G_DEFINE_QUARK (vz-outbox-error-quark, vz_outbox_error)

G_DEFINE_ENUM_TYPE (VzOutboxRemoval, vz_outbox_removal,
  G_DEFINE_ENUM_VALUE (VZ_OUTBOX_REMOVAL_COMMITTED, "committed"),
  G_DEFINE_ENUM_VALUE (VZ_OUTBOX_REMOVAL_DISCARDED, "discarded"))

#define FILE_MAGIC          "VZOUTBOX"
#define FILE_VERSION        1
#define FILE_HEADER_SIZE    16
#define RECORD_HEADER_SIZE  12
/* Far above any real mutation; a length beyond it is damage, not data. */
#define MAX_PAYLOAD         (64u * 1024u * 1024u)
/* Below this size a journal is never worth rewriting. */
#define COMPACT_MIN_SIZE    (64 * 1024)
/* Keeps one write() from needing a huge buffer during compaction. */
#define COPY_CHUNK          (1024 * 1024)

#define REC_ADD     'A'
#define REC_UPDATE  'U'
#define REC_REMOVE  'R'
#define REC_BATCH   'B'   /* holds nested add records: a bulk action lands whole or not at all */
#define REC_FLUSH   0     /* only a marker in the writer's queue, never on disk */

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

static inline guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static inline void
write_u32 (guint8  *p,
           guint32  v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
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

typedef enum {
  RECORD_OK,
  RECORD_TORN,   /* runs past the end of the data */
  RECORD_BAD,    /* wrong magic, kind or flags, absurd length, bad CRC */
} RecordStatus;

static RecordStatus
parse_record_full (const guint8  *data,
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

static RecordStatus
parse_record (const guint8  *data,
              gsize          len,
              gsize          off,
              char          *out_kind,
              gsize         *out_payload_len)
{
  return parse_record_full (data, len, off, FALSE, out_kind, out_payload_len);
}

/* Whether a whole, checksummed record starts anywhere after @off. JSON text
 * never holds a NUL byte, so the header's zero flags byte cannot be matched
 * inside a payload by accident. */
static gboolean
valid_record_after (const guint8 *data,
                    gsize         len,
                    gsize         off)
{
  for (gsize p = off + 1; p + RECORD_HEADER_SIZE <= len; p++)
    {
      char kind;
      gsize payload_len;

      if (data[p] != MAGIC0 || data[p + 1] != MAGIC1)
        continue;
      if (parse_record (data, len, p, &kind, &payload_len) == RECORD_OK)
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

typedef struct {
  char kind;
  char *id;
  GBytes *payload;
  GPtrArray *batch_ids;       /* REC_BATCH: char*, one per nested add */
  GPtrArray *batch_payloads;  /* REC_BATCH: GBytes*, one per nested add */
  GTask *task;         /* enqueue or flush task to complete, or NULL */
  /* Filled by the writer while it lays the batch out. */
  GArray *nested_offsets;     /* gint64 per nested add */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->id);
  g_clear_pointer (&op->payload, g_bytes_unref);
  g_clear_pointer (&op->batch_ids, g_ptr_array_unref);
  g_clear_pointer (&op->batch_payloads, g_ptr_array_unref);
  g_clear_pointer (&op->nested_offsets, g_array_unref);
  g_clear_object (&op->task);
  g_free (op);
}

typedef struct {
  GMutex lock;
  GCond cond;
  GPtrArray *ops;          /* Op*, guarded by lock */
  gboolean closing;        /* guarded by lock */
  GThread *thread;

  GMainContext *context;   /* where tasks complete */
  /* The VzOutbox, for "journal-error": a shared box, so that the writer
   * hands it on without ever holding a strong reference itself (the last
   * unref, and so finalize, must not happen on the writer thread). */
  GWeakRef *owner;

  /* Owned by the writer thread once it runs. */
  char *path;
  int fd;
  gint64 size;
  GQueue live;             /* LiveRecord*, in queue order */
  GHashTable *live_index;  /* id → GList* in live */
  gint64 live_bytes;
  GError *broken;          /* sticky: after a failed sync the file cannot be trusted */
  GError *unflushed;       /* first failure since the last flush, for the next flush */
  gint64 compact_retry_size; /* after a failed compaction: the size to try again at */

  /* The outbox's lock on the file, handed over when it closes, so that it
   * is released only once the writer has written everything queued. */
  int lock_fd;
  dev_t lock_dev;
  ino_t lock_ino;
} Journal;

/* Journals whose outbox is gone while their writer still writes what was
 * queued. An outbox opening the same file waits for them (two writers on
 * one journal would interleave records), and so does the process at exit. */
static GMutex closing_lock;
static GCond closing_cond;
static GPtrArray *closing_journals;  /* Journal*, guarded by closing_lock */
static pid_t closing_pid;            /* the process whose writers those are */

typedef struct {
  GPtrArray *tasks;        /* GTask* in order, maybe none */
  GError *error;           /* this group's write failed */
  GError *flush_error;     /* for flush tasks: a failure since the last flush */
  GWeakRef *owner;         /* shared with the journal (g_rc_box) */
} Completion;

static void
owner_box_release (GWeakRef *owner)
{
  g_rc_box_release_full (owner, (GDestroyNotify) g_weak_ref_clear);
}

static void
completion_free (gpointer data)
{
  Completion *c = data;

  owner_box_release (c->owner);
  g_clear_error (&c->flush_error);
  g_ptr_array_unref (c->tasks);
  g_clear_error (&c->error);
  g_free (c);
}

static gboolean complete_tasks (gpointer data);

static void
journal_set_io_error (GError     **error,
                      const char  *path,
                      int          errsv)
{
  g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
               _("The change could not be saved on this computer (in “%s”): %s."),
               path, g_strerror (errsv));
}

static void
journal_live_add (Journal    *j,
                  const char *id,
                  gint64      off,
                  guint32     len,
                  gboolean    nested)
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

static void
journal_live_update (Journal    *j,
                     const char *id,
                     gint64      off,
                     guint32     len)
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

static void
journal_live_remove (Journal    *j,
                     const char *id)
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
journal_compact (Journal *j)
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
journal_wants_compaction (Journal *j)
{
  gint64 dead = j->size - FILE_HEADER_SIZE - j->live_bytes;

  return j->broken == NULL && j->fd >= 0 && j->size >= COMPACT_MIN_SIZE &&
         j->size >= j->compact_retry_size && dead > j->live_bytes;
}

static void
journal_process (Journal   *j,
                 GPtrArray *ops)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(GArray) offsets = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ops->len);
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = NULL;
  gboolean has_flush = FALSE;

  for (guint i = 0; i < ops->len; i++)
    {
      Op *op = g_ptr_array_index (ops, i);
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
              Op *op = g_ptr_array_index (ops, i);
              gint64 off = g_array_index (offsets, gint64, i);
              guint32 rec_len = RECORD_HEADER_SIZE + (guint32) (op->payload ? g_bytes_get_size (op->payload) : 0);

              if (op->kind == REC_ADD)
                journal_live_add (j, op->id, off, rec_len, FALSE);
              else if (op->kind == REC_BATCH)
                for (guint k = 0; k < op->batch_ids->len; k++)
                  journal_live_add (j, g_ptr_array_index (op->batch_ids, k),
                                    g_array_index (op->nested_offsets, gint64, k),
                                    RECORD_HEADER_SIZE + (guint32) g_bytes_get_size (g_ptr_array_index (op->batch_payloads, k)),
                                    TRUE);
              else if (op->kind == REC_UPDATE)
                journal_live_update (j, op->id, off, rec_len);
              else if (op->kind == REC_REMOVE)
                journal_live_remove (j, op->id);
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
      Completion *c = g_new0 (Completion, 1);
      GSource *source = g_idle_source_new ();

      c->tasks = tasks != NULL ? tasks : g_ptr_array_new_with_free_func (g_object_unref);
      c->error = g_steal_pointer (&error);
      if (has_flush)
        c->flush_error = g_steal_pointer (&j->unflushed);
      c->owner = g_rc_box_acquire (j->owner);

      /* Not g_main_context_invoke(): with the default context and an idle
       * main thread it would run the callback right here, in this thread. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, complete_tasks, c, completion_free);
      g_source_set_static_name (source, "[vz-outbox] complete");
      g_source_attach (source, j->context);
      g_source_unref (source);
    }

  /* After the tasks are on their way: compaction must not delay them. */
  if (journal_wants_compaction (j))
    journal_compact (j);
}

static void journal_free (Journal *j);

static gpointer
journal_thread (gpointer data)
{
  Journal *j = data;

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
      j->ops = g_ptr_array_new_with_free_func (op_free);
      g_mutex_unlock (&j->lock);

      journal_process (j, ops);
      g_ptr_array_unref (ops);

      g_mutex_lock (&j->lock);
    }
  g_mutex_unlock (&j->lock);

  /* Closed: the journal is this thread's to free (see journal_close()). */
  journal_free (j);
  return NULL;
}

static Journal *
journal_new (const char   *path,
             GMainContext *context,
             gpointer      owner)
{
  Journal *j = g_new0 (Journal, 1);

  j->owner = g_rc_box_new0 (GWeakRef);
  g_weak_ref_init (j->owner, owner);
  g_mutex_init (&j->lock);
  g_cond_init (&j->cond);
  j->ops = g_ptr_array_new_with_free_func (op_free);
  j->context = g_main_context_ref (context);
  j->path = g_strdup (path);
  j->fd = -1;
  j->lock_fd = -1;
  g_queue_init (&j->live);
  j->live_index = g_hash_table_new (g_str_hash, g_str_equal);
  return j;
}

static void
journal_push (Journal *j,
              Op      *op)
{
  g_mutex_lock (&j->lock);
  g_ptr_array_add (j->ops, op);
  if (j->ops->len == 1)
    g_cond_signal (&j->cond);
  g_mutex_unlock (&j->lock);
}

/* Frees a journal whose writer has ended (on the writer, see journal_close())
 * or never started. */
static void
journal_free (Journal *j)
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
      Journal *j = g_ptr_array_index (closing_journals, i);

      if (j->lock_dev == dev && j->lock_ino == ino)
        return TRUE;
    }
  return FALSE;
}

/* Waits until no writer of a closed outbox holds the lock file @dev/@ino. */
static void
journal_wait_closed (dev_t dev,
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
static void
journal_close (Journal *j,
               int      lock_fd)
{
  GThread *thread = g_steal_pointer (&j->thread);
  struct stat st;

  j->lock_fd = lock_fd;
  if (thread == NULL)
    {
      journal_free (j);
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
/* The outbox: main-thread bookkeeping over the journal. */

/* A mutation's place in the queue of one of its entities. */
typedef struct {
  const char *entity_id;    /* owned by the mutation */
  GQueue *queue;
  GList *link;
} EntityLink;

/* One queued mutation as the outbox tracks it. */
typedef struct {
  VzMutation *mutation;
  guint64 seq;              /* queue order, for the sendable set */
  GSequenceIter *iter;      /* position in the model */
  EntityLink *links;        /* one per distinct entity id */
  guint n_entities;
  gboolean sendable;
} Entry;

struct _VzOutbox
{
  GObject parent_instance;

  char *path;
  VzOutboxOpenFlags flags;
  GMainContext *context;
  int lock_fd;

  GSequence *items;         /* Entry*, queue order */
  GHashTable *by_id;        /* id → Entry* */
  GHashTable *by_entity;    /* entity id → GQueue* of Entry* */
  GTree *sendable;          /* Entry* → Entry*, ordered by seq */
  GHashTable *pending_ids;  /* ids of enqueues not yet durable */
  guint64 next_seq;

  Journal *journal;
};

static void vz_outbox_list_model_init (GListModelInterface *iface);
static void vz_outbox_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VzOutbox, vz_outbox, G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vz_outbox_list_model_init)
  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, vz_outbox_initable_init)
  G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, NULL))

enum {
  PROP_0,
  PROP_PATH,
  PROP_FLAGS,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MUTATION_ADDED,
  SIGNAL_MUTATION_REMOVED,
  SIGNAL_MUTATION_STATE_CHANGED,
  SIGNAL_MUTATION_SENDABLE,
  SIGNAL_JOURNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (Entry *entry)
{
  g_object_unref (entry->mutation);
  g_free (entry->links);
  g_free (entry);
}

static int
entry_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Entry *ea = a, *eb = b;

  return ea->seq < eb->seq ? -1 : ea->seq > eb->seq ? 1 : 0;
}

static gboolean
entry_first_in_line (Entry *entry)
{
  for (guint i = 0; i < entry->n_entities; i++)
    if (entry->links[i].link->prev != NULL)
      return FALSE;
  return TRUE;
}

/* Brings entry->sendable and the sendable set up to date. Returns TRUE
 * when the entry just became sendable (the caller emits the signal once
 * its own bookkeeping is done). */
static gboolean
update_sendable (VzOutbox *self,
                 Entry    *entry)
{
  gboolean now = vz_mutation_get_state (entry->mutation) == VZ_MUTATION_STATE_QUEUED &&
                 entry_first_in_line (entry);

  if (now == entry->sendable)
    return FALSE;
  entry->sendable = now;
  if (now)
    g_tree_insert (self->sendable, entry, entry);
  else
    g_tree_remove (self->sendable, entry);
  return now;
}

/* Adds @mutation at the end of the queue without any signal. */
static Entry *
insert_entry (VzOutbox   *self,
              VzMutation *mutation)
{
  const char * const *ids = vz_mutation_get_entity_ids (mutation);
  guint n_ids = g_strv_length ((char **) ids);
  Entry *entry = g_new0 (Entry, 1);

  entry->mutation = g_object_ref (mutation);
  entry->seq = self->next_seq++;
  entry->iter = g_sequence_append (self->items, entry);
  entry->links = g_new0 (EntityLink, MAX (n_ids, 1));
  g_hash_table_insert (self->by_id, (gpointer) vz_mutation_get_id (mutation), entry);

  for (guint i = 0; i < n_ids; i++)
    {
      GQueue *queue;
      gboolean seen = FALSE;

      /* A repeated id would wait behind itself forever. */
      for (guint k = 0; k < i && !seen; k++)
        seen = strcmp (ids[k], ids[i]) == 0;
      if (seen)
        continue;

      queue = g_hash_table_lookup (self->by_entity, ids[i]);
      if (queue == NULL)
        {
          queue = g_queue_new ();
          g_hash_table_insert (self->by_entity, g_strdup (ids[i]), queue);
        }
      g_queue_push_tail (queue, entry);
      entry->links[entry->n_entities].entity_id = ids[i];
      entry->links[entry->n_entities].queue = queue;
      entry->links[entry->n_entities].link = queue->tail;
      entry->n_entities++;
    }

  return entry;
}

/* Takes @entry out of every index; the entries that became first in line
 * for one of its entities are added to @now_sendable. Frees the entry and
 * returns its mutation (transfer full). */
static VzMutation *
unlink_entry (VzOutbox  *self,
              Entry     *entry,
              GPtrArray *now_sendable)
{
  VzMutation *mutation = g_object_ref (entry->mutation);

  g_sequence_remove (entry->iter);
  g_hash_table_remove (self->by_id, vz_mutation_get_id (mutation));
  if (entry->sendable)
    g_tree_remove (self->sendable, entry);

  for (guint i = 0; i < entry->n_entities; i++)
    {
      GQueue *queue = entry->links[i].queue;
      gboolean was_first = entry->links[i].link->prev == NULL;

      g_queue_delete_link (queue, entry->links[i].link);
      if (queue->length == 0)
        g_hash_table_remove (self->by_entity, entry->links[i].entity_id);
      else if (was_first && update_sendable (self, queue->head->data) && now_sendable != NULL)
        g_ptr_array_add (now_sendable, g_object_ref (((Entry *) queue->head->data)->mutation));
    }

  entry_free (entry);
  return mutation;
}

static void
emit_sendable (VzOutbox  *self,
               GPtrArray *now_sendable)
{
  for (guint i = 0; i < now_sendable->len; i++)
    {
      VzMutation *m = g_ptr_array_index (now_sendable, i);

      /* A handler may already have taken an earlier one out. */
      if (g_hash_table_lookup (self->by_id, vz_mutation_get_id (m)) != NULL)
        g_signal_emit (self, signals[SIGNAL_MUTATION_SENDABLE], 0, m);
    }
}

/* ------------------------------------------------------------------------ */
/* Journal records built on the main thread (the mutation is not thread-safe). */

static GBytes *
payload_for_add (VzMutation *mutation)
{
  g_autoptr(JsonNode) node = vz_mutation_to_json (mutation);
  GString *out = g_string_sized_new (512);

  vz_wire_json_append (out, node);
  return g_string_free_to_bytes (out);
}

static GBytes *
payload_for_update (VzMutation *mutation)
{
  GString *out = g_string_sized_new (128);
  const char *last_error = vz_mutation_get_last_error (mutation);

  g_string_append (out, "{\"id\":");
  vz_wire_json_append_string (out, vz_mutation_get_id (mutation));
  g_string_append (out, ",\"state\":\"");
  g_string_append (out, vz_mutation_state_to_string (vz_mutation_get_state (mutation)));
  g_string_append_printf (out, "\",\"attempts\":%u", vz_mutation_get_attempts (mutation));
  if (last_error != NULL)
    {
      g_string_append (out, ",\"lastError\":");
      vz_wire_json_append_string (out, last_error);
    }
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

static GBytes *
payload_for_remove (VzMutation      *mutation,
                    VzOutboxRemoval  why)
{
  GString *out = g_string_sized_new (80);

  g_string_append (out, "{\"id\":");
  vz_wire_json_append_string (out, vz_mutation_get_id (mutation));
  g_string_append (out, why == VZ_OUTBOX_REMOVAL_COMMITTED
                        ? ",\"reason\":\"committed\"}" : ",\"reason\":\"discarded\"}");
  return g_string_free_to_bytes (out);
}

static void
journal_record (VzOutbox   *self,
                char        kind,
                VzMutation *mutation,
                GBytes     *payload,
                GTask      *task)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->id = mutation != NULL ? g_strdup (vz_mutation_get_id (mutation)) : NULL;
  op->payload = payload;
  op->task = task != NULL ? g_object_ref (task) : NULL;
  journal_push (self->journal, op);
}

/* ------------------------------------------------------------------------ */
/* Loading */

typedef struct {
  VzOutbox *self;
  Journal *journal;
  gsize good_end;           /* end of the last record applied */
} Loader;

static gboolean
load_fail (GError     **error,
           const char  *why)
{
  g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, why);
  return FALSE;
}

static gboolean
apply_add (Loader      *loader,
           JsonNode    *node,
           gsize        off,
           guint32      rec_len,
           GError     **error)
{
  g_autoptr(VzMutation) mutation = vz_mutation_new_from_json (node, error);

  if (mutation == NULL)
    return FALSE;
  if (g_hash_table_contains (loader->self->by_id, vz_mutation_get_id (mutation)))
    return load_fail (error, "a change is added twice");

  insert_entry (loader->self, mutation);
  journal_live_add (loader->journal, vz_mutation_get_id (mutation), off, rec_len, FALSE);
  return TRUE;
}

/* A batch is applied whole or not at all: every nested record is checked
 * and parsed before the first one is added. */
static gboolean
apply_batch (Loader        *loader,
             const guint8  *data,
             gsize          off,
             gsize          payload_len,
             GError       **error)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gsize end = off + RECORD_HEADER_SIZE + payload_len;
  gsize p = off + RECORD_HEADER_SIZE;

  while (p < end)
    {
      char kind;
      gsize nested_len;
      g_autoptr(JsonNode) node = NULL;
      VzMutation *mutation;
      guint32 rec_len;

      if (parse_record_full (data, end, p, TRUE, &kind, &nested_len) != RECORD_OK)
        return load_fail (error, "a batch holds a damaged record");
      node = vz_wire_json_parse ((const char *) data + p + RECORD_HEADER_SIZE, nested_len, error);
      if (node == NULL)
        return FALSE;
      mutation = vz_mutation_new_from_json (node, error);
      if (mutation == NULL)
        return FALSE;
      g_ptr_array_add (mutations, mutation);
      if (g_hash_table_contains (loader->self->by_id, vz_mutation_get_id (mutation)) ||
          !g_hash_table_add (ids, (gpointer) vz_mutation_get_id (mutation)))
        return load_fail (error, "a change is added twice");
      rec_len = RECORD_HEADER_SIZE + (guint32) nested_len;
      g_array_append_val (offsets, p);
      g_array_append_val (lengths, rec_len);
      p += rec_len;
    }
  if (mutations->len == 0)
    return load_fail (error, "a batch is empty");

  for (guint i = 0; i < mutations->len; i++)
    {
      VzMutation *mutation = g_ptr_array_index (mutations, i);

      insert_entry (loader->self, mutation);
      journal_live_add (loader->journal, vz_mutation_get_id (mutation),
                        (gint64) g_array_index (offsets, gsize, i),
                        g_array_index (lengths, guint32, i), TRUE);
    }
  return TRUE;
}

/* Updates and removals name a change already loaded by its id. @what says
 * which kind of record it is, for the error. */
static Entry *
named_entry (Loader      *loader,
             JsonNode    *node,
             const char  *what,
             GError     **error)
{
  JsonNode *member;
  Entry *entry;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, "%s is not an object", what);
      return NULL;
    }
  member = json_object_get_member (json_node_get_object (node), "id");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT, "%s has no id", what);
      return NULL;
    }
  entry = g_hash_table_lookup (loader->self->by_id, json_node_get_string (member));
  if (entry == NULL)
    g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT,
                 "%s names a change that is not queued", what);
  return entry;
}

static gboolean
apply_update (Loader      *loader,
              JsonNode    *node,
              gsize        off,
              guint32      rec_len,
              GError     **error)
{
  JsonObject *obj;
  JsonNode *member;
  Entry *entry;
  VzMutationState state;
  const char *last_error = NULL;
  gint64 attempts;

  if ((entry = named_entry (loader, node, "an update", error)) == NULL)
    return FALSE;
  obj = json_node_get_object (node);

  member = json_object_get_member (obj, "state");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING ||
      !vz_mutation_state_from_string (json_node_get_string (member), &state))
    return load_fail (error, "an update has no valid state");

  member = json_object_get_member (obj, "attempts");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_INT64 ||
      (attempts = json_node_get_int (member)) < 0 || attempts > G_MAXUINT)
    return load_fail (error, "an update has no valid attempt count");

  member = json_object_get_member (obj, "lastError");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (json_node_get_value_type (member) != G_TYPE_STRING)
        return load_fail (error, "an update has an error that is not text");
      last_error = json_node_get_string (member);
    }

  vz_mutation_set_state (entry->mutation, state);
  vz_mutation_set_attempts (entry->mutation, (guint) attempts);
  vz_mutation_set_last_error (entry->mutation, last_error);
  journal_live_update (loader->journal, vz_mutation_get_id (entry->mutation), off, rec_len);
  return TRUE;
}

static gboolean
apply_remove (Loader      *loader,
              JsonNode    *node,
              GError     **error)
{
  Entry *entry;
  g_autofree char *id = NULL;

  if ((entry = named_entry (loader, node, "a removal", error)) == NULL)
    return FALSE;

  id = g_strdup (vz_mutation_get_id (entry->mutation));
  g_object_unref (unlink_entry (loader->self, entry, NULL));
  journal_live_remove (loader->journal, id);
  return TRUE;
}

static gboolean
apply_record (Loader        *loader,
              const guint8  *data,
              gsize          off,
              char           kind,
              gsize          payload_len,
              GError       **error)
{
  const char *payload = (const char *) data + off + RECORD_HEADER_SIZE;
  guint32 rec_len = RECORD_HEADER_SIZE + (guint32) payload_len;
  g_autoptr(JsonNode) node = NULL;

  if (kind == REC_BATCH)
    return apply_batch (loader, data, off, payload_len, error);

  node = vz_wire_json_parse (payload, payload_len, error);
  if (node == NULL)
    return FALSE;

  switch (kind)
    {
    case REC_ADD:
      return apply_add (loader, node, off, rec_len, error);
    case REC_UPDATE:
      return apply_update (loader, node, off, rec_len, error);
    case REC_REMOVE:
      return apply_remove (loader, node, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
truncate_file (const char  *path,
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

static gboolean
create_journal (const char  *path,
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

static gboolean
save_damaged_copy (const char    *path,
                   const guint8  *data,
                   gsize          len,
                   char         **out_copy,
                   GError       **error)
{
  g_autofree char *copy = g_strdup_printf ("%s.damaged-%" G_GINT64_FORMAT,
                                           path, g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (copy, (const char *) data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The damaged offline queue “%s” could not be copied aside: %s"),
                   path, local_error->message);
      return FALSE;
    }
  *out_copy = g_steal_pointer (&copy);
  return TRUE;
}

static gboolean
load_journal (VzOutbox      *self,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len;
  gsize off;
  Loader loader = { self, self->journal, FILE_HEADER_SIZE };

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (!create_journal (self->path, error))
        return FALSE;
      self->journal->size = FILE_HEADER_SIZE;
      return TRUE;
    }

  mapped = g_mapped_file_new (self->path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue could not be read: %s"), local_error->message);
      return FALSE;
    }
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  len = g_mapped_file_get_length (mapped);

  /* An empty file is what a crash leaves between creating and renaming
   * on some file systems; it holds nothing to lose. */
  if (len == 0)
    {
      g_clear_pointer (&mapped, g_mapped_file_unref);
      if (!create_journal (self->path, error))
        return FALSE;
      self->journal->size = FILE_HEADER_SIZE;
      return TRUE;
    }
  if (len < FILE_HEADER_SIZE || memcmp (data, FILE_MAGIC, 8) != 0 ||
      read_u32 (data + 8) != FILE_VERSION)
    {
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_AN_OUTBOX,
                   _("The file “%s” is not an offline queue of this version of Vizora."),
                   self->path);
      return FALSE;
    }

  off = FILE_HEADER_SIZE;
  while (off < len)
    {
      char kind = 0;
      gsize payload_len = 0;
      RecordStatus status = parse_record (data, len, off, &kind, &payload_len);

      g_clear_error (&local_error);
      if (status == RECORD_OK &&
          apply_record (&loader, data, off, kind, payload_len, &local_error))
        {
          off += RECORD_HEADER_SIZE + payload_len;
          loader.good_end = off;
          if ((self->next_seq & 0xfff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          continue;
        }

      if (!valid_record_after (data, len, off))
        {
          /* What a crash in the middle of a write leaves behind: expected,
           * so below warning level (damage with whole records after it is
           * not a torn write, and stays a warning or an error below). */
          g_message ("The offline queue %s ended with an incomplete or damaged record "
                     "(an interrupted write); dropped its last %" G_GSIZE_FORMAT " bytes",
                     self->path, len - off);
          g_clear_pointer (&mapped, g_mapped_file_unref);
          if (!truncate_file (self->path, off, error))
            return FALSE;
          break;
        }

      if (self->flags & VZ_OUTBOX_OPEN_SALVAGE)
        {
          g_autofree char *copy = NULL;

          if (!save_damaged_copy (self->path, data, len, &copy, error))
            return FALSE;
          g_warning ("The offline queue %s is damaged at byte %" G_GSIZE_FORMAT "; kept the %u "
                     "changes before it and saved the damaged file as %s",
                     self->path, off, g_sequence_get_length (self->items), copy);
          g_clear_pointer (&mapped, g_mapped_file_unref);
          if (!truncate_file (self->path, off, error))
            return FALSE;
          break;
        }

      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_CORRUPT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The offline queue “%s” is damaged at byte %lu: "
                                "the %u change saved before that point is intact, but what "
                                "follows cannot be read. Nothing was changed on disk.",
                                "The offline queue “%s” is damaged at byte %lu: "
                                "the %u changes saved before that point are intact, but what "
                                "follows cannot be read. Nothing was changed on disk.",
                                g_sequence_get_length (self->items)),
                   /* No G_GSIZE_FORMAT here: xgettext cannot see through it. */
                   self->path, (gulong) off, (guint) g_sequence_get_length (self->items));
      return FALSE;
    }

  self->journal->size = loader.good_end;
  return TRUE;
}

static gboolean
vz_outbox_initable_init_impl (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  VzOutbox *self = VZ_OUTBOX (initable);
  g_autofree char *dir = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *tmp_path = NULL;
  GSequenceIter *iter;
  struct stat lock_st;
  int errsv;

  if (self->path == NULL || self->path[0] == '\0')
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                           _("The offline queue has no file name."));
      return FALSE;
    }
  if (self->journal != NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The folder for the offline queue “%s” could not be created: %s."),
                   dir, g_strerror (errsv));
      return FALSE;
    }

  /* Two writers appending to one journal would interleave records. */
  lock_path = g_strconcat (self->path, ".lock", NULL);
  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue “%s” could not be opened: %s."),
                   self->path, g_strerror (errsv));
      return FALSE;
    }
  /* A closed outbox of this process may still be writing its last records. */
  if (fstat (self->lock_fd, &lock_st) == 0)
    journal_wait_closed (lock_st.st_dev, lock_st.st_ino);
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      errsv = errno;
      close (self->lock_fd);
      self->lock_fd = -1;
      if (errsv == EWOULDBLOCK)
        g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_BUSY,
                             _("The offline queue is in use by another Vizora program "
                               "(the app or vizoractl). Close it and try again."));
      else
        g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                     _("The offline queue “%s” could not be locked: %s."),
                     self->path, g_strerror (errsv));
      return FALSE;
    }

  /* A leftover of a compaction that did not finish; the journal is whole. */
  tmp_path = g_strconcat (self->path, ".tmp", NULL);
  g_unlink (tmp_path);

  self->journal = journal_new (self->path, self->context, self);
  if (!load_journal (self, cancellable, error))
    {
      g_clear_pointer (&self->journal, journal_free);
      return FALSE;
    }

  self->journal->fd = open (self->path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (self->journal->fd < 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue “%s” could not be opened for writing: %s."),
                   self->path, g_strerror (errsv));
      g_clear_pointer (&self->journal, journal_free);
      return FALSE;
    }

  /* Nothing is in flight in a new process: what was being sent when the
   * last one stopped is sent again (the Idempotency-Key makes that safe). */
  for (iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      Entry *entry = g_sequence_get (iter);

      if (vz_mutation_get_state (entry->mutation) == VZ_MUTATION_STATE_SENDING)
        vz_mutation_set_state (entry->mutation, VZ_MUTATION_STATE_QUEUED);
      update_sendable (self, entry);
    }

  self->journal->thread = g_thread_new ("vz-outbox-writer", journal_thread, self->journal);
  return TRUE;
}

static void
vz_outbox_initable_init (GInitableIface *iface)
{
  iface->init = vz_outbox_initable_init_impl;
}

/* ------------------------------------------------------------------------ */
/* GListModel */

static GType
vz_outbox_get_item_type (GListModel *model)
{
  return VZ_TYPE_MUTATION;
}

static guint
vz_outbox_get_n_items (GListModel *model)
{
  return (guint) g_sequence_get_length (VZ_OUTBOX (model)->items);
}

static gpointer
vz_outbox_get_item (GListModel *model,
                    guint       position)
{
  VzOutbox *self = VZ_OUTBOX (model);
  GSequenceIter *iter;

  if (position >= (guint) g_sequence_get_length (self->items))
    return NULL;
  iter = g_sequence_get_iter_at_pos (self->items, (int) position);
  return g_object_ref (((Entry *) g_sequence_get (iter))->mutation);
}

static void
vz_outbox_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vz_outbox_get_item_type;
  iface->get_n_items = vz_outbox_get_n_items;
  iface->get_item = vz_outbox_get_item;
}

/* ------------------------------------------------------------------------ */
/* GObject */

static void
vz_outbox_finalize (GObject *object)
{
  VzOutbox *self = VZ_OUTBOX (object);

  /* The writer goes on with every record still queued and then releases
   * the lock; the main loop does not wait for it. */
  if (self->journal != NULL)
    journal_close (g_steal_pointer (&self->journal), g_steal_fd (&self->lock_fd));
  else if (self->lock_fd >= 0)
    close (self->lock_fd);

  g_tree_unref (self->sendable);
  g_hash_table_unref (self->by_id);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    entry_free (g_sequence_get (iter));
  g_hash_table_unref (self->by_entity);
  g_hash_table_unref (self->pending_ids);
  g_sequence_free (self->items);
  g_main_context_unref (self->context);
  g_free (self->path);

  G_OBJECT_CLASS (vz_outbox_parent_class)->finalize (object);
}

static void
vz_outbox_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzOutbox *self = VZ_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FLAGS:
      g_value_set_uint (value, self->flags);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, vz_outbox_get_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzOutbox *self = VZ_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_class_init (VzOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_outbox_finalize;
  object_class->get_property = vz_outbox_get_property;
  object_class->set_property = vz_outbox_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] =
    g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MUTATION_ADDED] =
    g_signal_new ("mutation-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  signals[SIGNAL_MUTATION_REMOVED] =
    g_signal_new ("mutation-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, VZ_TYPE_MUTATION, VZ_TYPE_OUTBOX_REMOVAL);
  signals[SIGNAL_MUTATION_STATE_CHANGED] =
    g_signal_new ("mutation-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, VZ_TYPE_MUTATION, VZ_TYPE_MUTATION_STATE);
  signals[SIGNAL_MUTATION_SENDABLE] =
    g_signal_new ("mutation-sendable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  signals[SIGNAL_JOURNAL_ERROR] =
    g_signal_new ("journal-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vz_outbox_init (VzOutbox *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->lock_fd = -1;
  self->items = g_sequence_new (NULL);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_entity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_queue_free);
  self->sendable = g_tree_new_full (entry_compare, NULL, NULL, NULL);
  self->pending_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ------------------------------------------------------------------------ */
/* Public API */

VzOutbox *
vz_outbox_new (const char         *path,
               VzOutboxOpenFlags   flags,
               GCancellable       *cancellable,
               GError            **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (VZ_TYPE_OUTBOX, cancellable, error,
                         "path", path,
                         "flags", (guint) flags,
                         NULL);
}

void
vz_outbox_new_async (const char          *path,
                     VzOutboxOpenFlags    flags,
                     int                  io_priority,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* GAsyncInitable's default runs the GInitable init in a worker thread. */
  g_async_initable_new_async (VZ_TYPE_OUTBOX, io_priority, cancellable, callback, user_data,
                              "path", path,
                              "flags", (guint) flags,
                              NULL);
}

VzOutbox *
vz_outbox_new_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_autoptr(GObject) source = NULL;
  GObject *object;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  source = g_async_result_get_source_object (result);
  object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);
  return object != NULL ? VZ_OUTBOX (object) : NULL;
}

char *
vz_outbox_path_for_account (const char *account_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  /* Letters, digits, '-' and '_' pass as they are so the folder stays
   * recognisable; anything else (a '/', "..", an '@') gets a digest. */
  for (const char *p = account_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      {
        key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, account_id, -1);
        break;
      }
  if (key == NULL)
    key = account_id[0] != '\0' && strlen (account_id) <= 128
      ? g_strdup (account_id)
      : g_compute_checksum_for_string (G_CHECKSUM_SHA256, account_id, -1);

  return g_build_filename (g_get_user_data_dir (), "vizora-desktop", "accounts", key,
                           "outbox.journal", NULL);
}

const char *
vz_outbox_get_path (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  return self->path;
}

guint
vz_outbox_get_count (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), 0);
  return (guint) g_sequence_get_length (self->items);
}

VzMutation *
vz_outbox_lookup (VzOutbox   *self,
                  const char *id)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? entry->mutation : NULL;
}

static void
accept_enqueued (VzOutbox   *self,
                 VzMutation *mutation,
                 gboolean    durable,
                 GPtrArray  *added,
                 GPtrArray  *now_sendable)
{
  Entry *entry;

  g_hash_table_remove (self->pending_ids, vz_mutation_get_id (mutation));
  if (!durable)
    return;
  entry = insert_entry (self, mutation);
  g_ptr_array_add (added, g_object_ref (mutation));
  if (update_sendable (self, entry))
    g_ptr_array_add (now_sendable, g_object_ref (mutation));
}

static gboolean
complete_tasks (gpointer data)
{
  Completion *c = data;
  /* Pending tasks hold the outbox; without tasks it may be gone already. */
  g_autoptr(VzOutbox) self = g_weak_ref_get (c->owner);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);
  guint first_pos;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  first_pos = vz_outbox_get_count (self);

  /* Everything is indexed before any signal runs, so handlers see a
   * consistent outbox; one items-changed covers the whole group. */
  for (guint i = 0; i < c->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (c->tasks, i);
      GPtrArray *batch;

      if (g_task_get_source_tag (task) == vz_outbox_enqueue_async)
        accept_enqueued (self, g_task_get_task_data (task), c->error == NULL, added, now_sendable);
      else if (g_task_get_source_tag (task) == vz_outbox_enqueue_batch_async)
        {
          batch = g_task_get_task_data (task);
          for (guint k = 0; k < batch->len; k++)
            accept_enqueued (self, g_ptr_array_index (batch, k), c->error == NULL, added, now_sendable);
        }
    }

  if (added->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), first_pos, 0, added->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
      for (guint i = 0; i < added->len; i++)
        g_signal_emit (self, signals[SIGNAL_MUTATION_ADDED], 0, g_ptr_array_index (added, i));
      emit_sendable (self, now_sendable);
    }

  if (c->error != NULL)
    g_signal_emit (self, signals[SIGNAL_JOURNAL_ERROR], 0, c->error);

  for (guint i = 0; i < c->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (c->tasks, i);
      GError *error = c->error;

      if (error == NULL && g_task_get_source_tag (task) == vz_outbox_flush_async)
        error = c->flush_error;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  return G_SOURCE_REMOVE;
}

/* What enqueueing one change and a batch both refuse before anything is
 * written. @seen, when given, holds the ids of the batch checked so far, so
 * a batch naming one change twice is refused as a duplicate too. */
static gboolean
check_new_change (VzOutbox    *self,
                  VzMutation  *mutation,
                  GHashTable  *seen,
                  GError     **error)
{
  const char *id = vz_mutation_get_id (mutation);

  if (g_hash_table_contains (self->by_id, id) || g_hash_table_contains (self->pending_ids, id) ||
      (seen != NULL && !g_hash_table_add (seen, (gpointer) id)))
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_DUPLICATE,
                           _("This change is already in the offline queue."));
      return FALSE;
    }
  if (vz_mutation_get_state (mutation) != VZ_MUTATION_STATE_QUEUED)
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE,
                           _("Only a new change can be added to the offline queue."));
      return FALSE;
    }
  return TRUE;
}

void
vz_outbox_enqueue_async (VzOutbox            *self,
                         VzMutation          *mutation,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (VZ_IS_MUTATION (mutation));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_enqueue_async);
  g_task_set_task_data (task, g_object_ref (mutation), g_object_unref);
  /* Once written, the change is queued whatever the cancellable says. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!check_new_change (self, mutation, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  id = vz_mutation_get_id (mutation);

  payload = payload_for_add (mutation);
  /* Loading refuses records above the limit as damage: never write one. */
  if (g_bytes_get_size (payload) > MAX_PAYLOAD)
    {
      g_task_return_new_error (task, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_TOO_LARGE,
                               _("This change is too large to be kept in the offline queue."));
      return;
    }

  g_hash_table_add (self->pending_ids, g_strdup (id));
  journal_record (self, REC_ADD, mutation, g_steal_pointer (&payload), task);
}

gboolean
vz_outbox_enqueue_finish (VzOutbox      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_enqueue_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_outbox_enqueue_batch_async (VzOutbox            *self,
                               GPtrArray           *mutations,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_autoptr(GError) error = NULL;
  gsize total = 0;
  GPtrArray *batch;
  Op *op;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (mutations != NULL && mutations->len > 0);
  for (guint i = 0; i < mutations->len; i++)
    g_return_if_fail (VZ_IS_MUTATION (g_ptr_array_index (mutations, i)));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_enqueue_batch_async);
  g_task_set_check_cancellable (task, FALSE);
  batch = g_ptr_array_new_full (mutations->len, g_object_unref);
  for (guint i = 0; i < mutations->len; i++)
    g_ptr_array_add (batch, g_object_ref (g_ptr_array_index (mutations, i)));
  g_task_set_task_data (task, batch, (GDestroyNotify) g_ptr_array_unref);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* All checked before anything is written: the batch goes in whole. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < batch->len; i++)
    {
      if (!check_new_change (self, g_ptr_array_index (batch, i), seen, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  payloads = g_ptr_array_new_full (batch->len, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < batch->len; i++)
    {
      GBytes *payload = payload_for_add (g_ptr_array_index (batch, i));

      total += RECORD_HEADER_SIZE + g_bytes_get_size (payload);
      g_ptr_array_add (payloads, payload);
    }
  /* Loading refuses records above the limit as damage: never write one. */
  if (total > MAX_PAYLOAD)
    {
      g_task_return_new_error (task, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_TOO_LARGE,
                               _("This change is too large to be kept in the offline queue."));
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = REC_BATCH;
  op->batch_ids = g_ptr_array_new_full (batch->len, g_free);
  op->batch_payloads = g_steal_pointer (&payloads);
  for (guint i = 0; i < batch->len; i++)
    {
      VzMutation *mutation = g_ptr_array_index (batch, i);

      g_hash_table_add (self->pending_ids, g_strdup (vz_mutation_get_id (mutation)));
      g_ptr_array_add (op->batch_ids, g_strdup (vz_mutation_get_id (mutation)));
    }
  op->task = g_object_ref (task);
  journal_push (self->journal, op);
}

gboolean
vz_outbox_enqueue_batch_finish (VzOutbox      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_enqueue_batch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_outbox_flush_async (VzOutbox            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_flush_async);
  journal_record (self, REC_FLUSH, NULL, NULL, task);
}

gboolean
vz_outbox_flush_finish (VzOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_flush_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

VzMutation *
vz_outbox_peek_sendable (VzOutbox *self)
{
  GTreeNode *node;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);

  node = g_tree_node_first (self->sendable);
  return node != NULL ? ((Entry *) g_tree_node_value (node))->mutation : NULL;
}

gboolean
vz_outbox_is_sendable (VzOutbox   *self,
                       const char *id)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL && entry->sendable;
}

guint
vz_outbox_get_n_sendable (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), 0);
  return (guint) g_tree_nnodes (self->sendable);
}

static Entry *
lookup_entry (VzOutbox    *self,
              const char  *id,
              GError     **error)
{
  Entry *entry = g_hash_table_lookup (self->by_id, id);

  if (entry == NULL)
    g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_FOUND,
                         _("This change is no longer in the offline queue."));
  return entry;
}

static gboolean
wrong_state (GError     **error,
             const char  *sentence)
{
  g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE, sentence);
  return FALSE;
}

/* Applies a state change in memory, journals it, then tells listeners. */
static void
change_state (VzOutbox        *self,
              Entry           *entry,
              VzMutationState  state,
              guint            attempts,
              const char      *last_error)
{
  VzMutation *mutation = entry->mutation;
  VzMutationState old_state = vz_mutation_get_state (mutation);
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);

  g_object_ref (mutation);
  g_object_freeze_notify (G_OBJECT (mutation));
  vz_mutation_set_state (mutation, state);
  vz_mutation_set_attempts (mutation, attempts);
  vz_mutation_set_last_error (mutation, last_error);
  if (update_sendable (self, entry))
    g_ptr_array_add (now_sendable, g_object_ref (mutation));
  journal_record (self, REC_UPDATE, mutation, payload_for_update (mutation), NULL);

  g_object_thaw_notify (G_OBJECT (mutation));
  if (old_state != state)
    g_signal_emit (self, signals[SIGNAL_MUTATION_STATE_CHANGED], 0, mutation, old_state);
  emit_sendable (self, now_sendable);
  g_object_unref (mutation);
}

static void
remove_entry (VzOutbox        *self,
              Entry           *entry,
              VzOutboxRemoval  why)
{
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VzMutation) mutation = NULL;
  guint position = (guint) g_sequence_iter_get_position (entry->iter);

  mutation = unlink_entry (self, entry, now_sendable);
  journal_record (self, REC_REMOVE, mutation, payload_for_remove (mutation, why), NULL);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
  g_signal_emit (self, signals[SIGNAL_MUTATION_REMOVED], 0, mutation, why);
  emit_sendable (self, now_sendable);
}

gboolean
vz_outbox_mark_sending (VzOutbox    *self,
                        const char  *id,
                        GError     **error)
{
  Entry *entry;
  VzMutationState state;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  state = vz_mutation_get_state (entry->mutation);
  if (state == VZ_MUTATION_STATE_QUEUED && !entry->sendable)
    return wrong_state (error, _("This change has to wait until the earlier changes to the same "
                                 "item have been applied."));
  if (state != VZ_MUTATION_STATE_QUEUED && state != VZ_MUTATION_STATE_SENDING)
    return wrong_state (error, _("This change failed or is in conflict: it has to be retried "
                                 "or discarded first."));

  change_state (self, entry, VZ_MUTATION_STATE_SENDING,
                vz_mutation_get_attempts (entry->mutation) + 1,
                vz_mutation_get_last_error (entry->mutation));
  return TRUE;
}

static Entry *
lookup_sending (VzOutbox    *self,
                const char  *id,
                GError     **error)
{
  Entry *entry = lookup_entry (self, id, error);

  if (entry != NULL && vz_mutation_get_state (entry->mutation) != VZ_MUTATION_STATE_SENDING)
    {
      wrong_state (error, _("This change is not being sent."));
      return NULL;
    }
  return entry;
}

/* A send that ended without committing: the change goes back to the queue or
 * stays as failed or in conflict, keeping the attempts it used. */
static gboolean
end_sending (VzOutbox         *self,
             const char       *id,
             VzMutationState   state,
             const char       *last_error,
             GError          **error)
{
  Entry *entry;

  if ((entry = lookup_sending (self, id, error)) == NULL)
    return FALSE;
  change_state (self, entry, state, vz_mutation_get_attempts (entry->mutation), last_error);
  return TRUE;
}

gboolean
vz_outbox_mark_done (VzOutbox    *self,
                     const char  *id,
                     GError     **error)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_sending (self, id, error)) == NULL)
    return FALSE;
  remove_entry (self, entry, VZ_OUTBOX_REMOVAL_COMMITTED);
  return TRUE;
}

gboolean
vz_outbox_requeue (VzOutbox    *self,
                   const char  *id,
                   const char  *last_error,
                   GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_QUEUED, last_error, error);
}

gboolean
vz_outbox_mark_failed (VzOutbox    *self,
                       const char  *id,
                       const char  *last_error,
                       GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_FAILED, last_error, error);
}

gboolean
vz_outbox_mark_conflict (VzOutbox    *self,
                         const char  *id,
                         const char  *last_error,
                         GError     **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return end_sending (self, id, VZ_MUTATION_STATE_CONFLICT, last_error, error);
}

gboolean
vz_outbox_retry (VzOutbox    *self,
                 const char  *id,
                 GError     **error)
{
  Entry *entry;
  VzMutationState state;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  state = vz_mutation_get_state (entry->mutation);
  /* Asking again for a change that is already waiting is harmless. */
  if (state == VZ_MUTATION_STATE_QUEUED)
    return TRUE;
  if (state == VZ_MUTATION_STATE_SENDING)
    return wrong_state (error, _("This change is being sent right now."));

  change_state (self, entry, VZ_MUTATION_STATE_QUEUED, 0, NULL);
  return TRUE;
}

gboolean
vz_outbox_discard (VzOutbox    *self,
                   const char  *id,
                   GError     **error)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((entry = lookup_entry (self, id, error)) == NULL)
    return FALSE;
  remove_entry (self, entry, VZ_OUTBOX_REMOVAL_DISCARDED);
  return TRUE;
}

GPtrArray *
vz_outbox_list_batch (VzOutbox   *self,
                      const char *batch_id)
{
  GPtrArray *result;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  /* A scan: this runs on a user's undo or rollback, not per event. */
  result = g_ptr_array_new ();
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      Entry *entry = g_sequence_get (iter);

      if (g_strcmp0 (vz_mutation_get_batch_id (entry->mutation), batch_id) == 0)
        g_ptr_array_add (result, entry->mutation);
    }
  return result;
}

VzMutation *
vz_outbox_peek_for_entity (VzOutbox   *self,
                           const char *entity_id)
{
  GQueue *queue;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (entity_id != NULL, NULL);

  queue = g_hash_table_lookup (self->by_entity, entity_id);
  return queue != NULL ? ((Entry *) queue->head->data)->mutation : NULL;
}

GPtrArray *
vz_outbox_list_for_entity (VzOutbox   *self,
                           const char *entity_id)
{
  GPtrArray *result;
  GQueue *queue;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (entity_id != NULL, NULL);

  result = g_ptr_array_new ();
  queue = g_hash_table_lookup (self->by_entity, entity_id);
  if (queue != NULL)
    for (GList *l = queue->head; l != NULL; l = l->next)
      g_ptr_array_add (result, ((Entry *) l->data)->mutation);
  return result;
}
