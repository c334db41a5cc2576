/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/*
 * The offline queue's journal: a file of checksummed records, appended and
 * synced by one writer thread per outbox. The outbox (vz-outbox.c) builds
 * the records' payloads on the main thread and hands them over as ops; the
 * loader (vz-outbox-load.c) reads the file back at open.
 */

#define FILE_MAGIC          "VZOUTBOX"
#define FILE_VERSION        1
#define FILE_HEADER_SIZE    16
#define RECORD_HEADER_SIZE  12
/* Far above any real mutation; a length beyond it is damage, not data. */
#define MAX_PAYLOAD         (64u * 1024u * 1024u)

#define REC_ADD     'A'
#define REC_UPDATE  'U'
#define REC_REMOVE  'R'
#define REC_BATCH   'B'   /* holds nested add records: a bulk action lands whole or not at all */
#define REC_FLUSH   0     /* only a marker in the writer's queue, never on disk */

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

typedef enum {
  RECORD_OK,
  RECORD_TORN,   /* runs past the end of the data */
  RECORD_BAD,    /* wrong magic, kind or flags, absurd length, bad CRC */
} VzOutboxRecordStatus;

/* One unit of work for the writer. */
typedef struct {
  char kind;
  char *id;
  GBytes *payload;
  GPtrArray *batch_ids;       /* REC_BATCH: char*, one per nested add */
  GPtrArray *batch_payloads;  /* REC_BATCH: GBytes*, one per nested add */
  GTask *task;         /* enqueue or flush task to complete, or NULL */
  /* Filled by the writer while it lays the batch out. */
  GArray *nested_offsets;     /* gint64 per nested add */
} VzOutboxOp;

typedef struct {
  GMutex lock;
  GCond cond;
  GPtrArray *ops;          /* VzOutboxOp*, guarded by lock */
  gboolean closing;        /* guarded by lock */
  GThread *thread;

  GMainContext *context;   /* where tasks complete */
  GSourceFunc complete;    /* runs there with a VzOutboxCompletion */
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
} VzOutboxJournal;

/* What the writer hands back to the main context once a group of ops is
 * on disk (or failed): the journal's `complete` callback receives it. */
typedef struct {
  GPtrArray *tasks;        /* GTask* in order, maybe none */
  GError *error;           /* this group's write failed */
  GError *flush_error;     /* for flush tasks: a failure since the last flush */
  GWeakRef *owner;         /* shared with the journal across threads (g_atomic_rc_box) */
} VzOutboxCompletion;

VzOutboxRecordStatus _vz_outbox_record_parse_full    (const guint8  *data,
                                                      gsize          len,
                                                      gsize          off,
                                                      gboolean       nested,
                                                      char          *out_kind,
                                                      gsize         *out_payload_len);
VzOutboxRecordStatus _vz_outbox_record_parse         (const guint8  *data,
                                                      gsize          len,
                                                      gsize          off,
                                                      char          *out_kind,
                                                      gsize         *out_payload_len);
gboolean             _vz_outbox_record_valid_after   (const guint8  *data,
                                                      gsize          len,
                                                      gsize          off);

void                 _vz_outbox_op_free              (gpointer       data);

VzOutboxJournal     *_vz_outbox_journal_new          (const char    *path,
                                                      GMainContext  *context,
                                                      gpointer       owner,
                                                      GSourceFunc    complete);
void                 _vz_outbox_journal_start        (VzOutboxJournal *j);
void                 _vz_outbox_journal_push         (VzOutboxJournal *j,
                                                      VzOutboxOp      *op);
void                 _vz_outbox_journal_close        (VzOutboxJournal *j,
                                                      int              lock_fd);
void                 _vz_outbox_journal_free         (VzOutboxJournal *j);
void                 _vz_outbox_journal_wait_closed  (dev_t          dev,
                                                      ino_t          ino);
void                 _vz_outbox_journal_live_add     (VzOutboxJournal *j,
                                                      const char      *id,
                                                      gint64           off,
                                                      guint32          len,
                                                      gboolean         nested);
void                 _vz_outbox_journal_live_update  (VzOutboxJournal *j,
                                                      const char      *id,
                                                      gint64           off,
                                                      guint32          len);
void                 _vz_outbox_journal_live_remove  (VzOutboxJournal *j,
                                                      const char      *id);
gboolean             _vz_outbox_journal_create_file  (const char    *path,
                                                      GError       **error);
gboolean             _vz_outbox_journal_truncate_file (const char   *path,
                                                      gsize          len,
                                                      GError       **error);

G_END_DECLS
