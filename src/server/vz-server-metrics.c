/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-metrics-codec.h"
#include "vz-server-health-private.h"

/*
 * The metrics history of each screen: every heartbeat's readings (at most
 * one every 5 s) for 24 hours, then the averages of 5-minute buckets for 7
 * days, then nothing. Readings are kept in compact chunks
 * (vz-metrics-codec.c): one row per screen and hour of raw points, one row
 * per screen and UTC day of buckets, keyed by a small integer per screen
 * (metric_series) rather than its UUID. Chunks are stored deflated, which
 * takes about a third off the drifting readings of a raw hour.
 *
 * The hour being recorded lives in memory and is written behind (into
 * metric_pending, one row per screen that is rewritten as it grows) with the
 * screen's status once it holds 20 unsaved points (5 minutes of 15-s
 * heartbeats), when it is read, and when the server stops: a crash loses at
 * most those minutes. A finished hour is written once into metric_chunks,
 * which rows only ever join or leave whole, so its pages stay full. Every minute, raw hours older
 * than a day are averaged into their day's buckets and deleted, and days
 * older than a week are dropped.
 *
 * Every chunk, pending or finished, raw or buckets, carries the number of
 * 5-minute windows its points fall in (up), counted as points arrive, which
 * is what availability sums (vz-server-analytics.c): a raw hour's windows
 * are the buckets it becomes, so a day of buckets counts its buckets.
 */

#define RAW            0
#define BUCKETS        1
#define HOUR_S         3600
#define DAY_S          (24 * 3600)
#define BUCKET_S       300
#define MIN_SPACING_MS 5000
#define SAVE_EVERY     20
#define RAW_KEEP_S     DAY_S
#define BUCKETS_KEEP_S (7 * DAY_S)
/* Raw hours turned into buckets per maintenance tick (a day of 10,000
 * screens makes 240,000; ticks are a minute apart). */
#define DOWNSAMPLE_BATCH 2000
#define RANGE_MAX_MS   ((gint64) BUCKETS_KEEP_S * 1000)

typedef struct {
  gint64  start;
  GBytes *samples;
  gint64  up;                     /* 5-minute windows with a point */
} ClosedChunk;

struct _VzMetricsHistory {
  gint64            series;       /* metric_series.key; 0 until known */
  VzMetricsEncoder  current;      /* bytes NULL: no hour open */
  guint             unsaved;      /* points of the current hour not written yet */
  gint64            up;           /* 5-minute windows of the current hour with a point */
  gint64            last_window;  /* start of the window of its last point */
  GArray           *closed;       /* ClosedChunk: hours over, not written yet */
};

static void
closed_chunk_clear (ClosedChunk *chunk)
{
  g_clear_pointer (&chunk->samples, g_bytes_unref);
}

void
_vz_server_metrics_free (VzMetricsHistory *history)
{
  if (history == NULL)
    return;
  vz_metrics_encoder_clear (&history->current);
  g_clear_pointer (&history->closed, g_array_unref);
  g_free (history);
}

static gint64
floor_to (gint64 value,
          gint64 unit)
{
  return value - (((value % unit) + unit) % unit);
}

/* A deflater and an inflater per thread, reset between chunks: setting one
 * up allocates and clears a few hundred kilobytes, which for chunks of a
 * kilobyte cost more than the compression (a third of the CPU of writing
 * the history of 10,000 screens). */
static GPrivate compressor_key = G_PRIVATE_INIT (g_object_unref);
static GPrivate decompressor_key = G_PRIVATE_INIT (g_object_unref);

static GConverter *
thread_converter (GPrivate *key,
                  gboolean  compress)
{
  GConverter *converter = g_private_get (key);

  if (converter == NULL)
    {
      converter = compress ? G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9))
                           : G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
      g_private_set (key, converter);
    }
  else
    g_converter_reset (converter);
  return converter;
}

/* @data deflated (raw deflate), or NULL when that does not make it smaller. */
static GBytes *
deflate_chunk (const guint8 *data,
               gsize         len)
{
  GConverter *compressor = thread_converter (&compressor_key, TRUE);
  gsize size = len + len / 8 + 64;
  g_autofree guint8 *out = g_malloc (size);
  gsize read = 0, written = 0;
  GConverterResult result;

  result = g_converter_convert (compressor, data, len, out, size,
                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
  if (result != G_CONVERTER_FINISHED || written >= len)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&out), written);
}

GBytes *
_vz_server_metrics_chunk_samples (VzStmt *stmt,
                                  int     column,
                                  int     deflated_column)
{
  const guint8 *data = sqlite3_column_blob (stmt, column);
  gsize len = (gsize) sqlite3_column_bytes (stmt, column);
  GConverter *decompressor;
  g_autoptr(GByteArray) out = NULL;
  gsize consumed = 0;

  if (sqlite3_column_int (stmt, deflated_column) == 0)
    return g_bytes_new (data, len);
  decompressor = thread_converter (&decompressor_key, FALSE);
  out = g_byte_array_sized_new (len * 3);
  /* A chunk is at most a few tens of kilobytes: inflate it in steps of 16 KiB. */
  for (;;)
    {
      guint8 buffer[16384];
      gsize read = 0, written = 0;
      GConverterResult result = g_converter_convert (decompressor, data + consumed, len - consumed,
                                                     buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                                     &read, &written, NULL);

      consumed += read;
      g_byte_array_append (out, buffer, written);
      if (result == G_CONVERTER_FINISHED)
        break;
      if (result == G_CONVERTER_ERROR || (read == 0 && written == 0))
        return g_bytes_new (NULL, 0);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The series key of @display_id, made on first use. */
static gint64
series_key (VzServer    *self,
            const char  *display_id,
            GError     **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autoptr(VzStmt) select = NULL;

  insert = vz_db_prepare (self->db, "INSERT OR IGNORE INTO metric_series (display_id) VALUES (?1)", error);
  if (insert == NULL)
    return 0;
  sqlite3_bind_text (insert, 1, display_id, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, insert, error))
    return 0;
  select = vz_db_prepare (self->db, "SELECT key FROM metric_series WHERE display_id = ?1", error);
  if (select == NULL)
    return 0;
  sqlite3_bind_text (select, 1, display_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (select) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "The screen has no metrics series");
      return 0;
    }
  return sqlite3_column_int64 (select, 0);
}

/* Opens the hour @start: continued from storage when this screen already
 * wrote part of it (a restart within the hour). */
static void
open_hour (VzServer         *self,
           VzMetricsHistory *history,
           gint64            start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = NULL;

  vz_metrics_encoder_init (&history->current, start, 1);
  history->unsaved = 0;
  history->up = 0;
  history->last_window = G_MININT64;
  stmt = vz_db_prepare (self->db,
                        "SELECT samples, 0 FROM metric_pending WHERE series = ?1 AND start = ?2",
                        &error);
  if (stmt == NULL)
    {
      g_message ("Could not read the metrics history: %s", error->message);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, history->series);
  sqlite3_bind_int64 (stmt, 2, start);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GBytes) samples = _vz_server_metrics_chunk_samples (stmt, 0, 1);
      g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
      gsize len;
      const guint8 *data = g_bytes_get_data (samples, &len);

      /* The windows it already has count for the hour. */
      if (!vz_metrics_encoder_resume (&history->current, start, 1, data, len) ||
          !vz_metrics_decode (data, len, start, 1, points))
        {
          g_message ("A metrics chunk did not decode; the hour starts again");
          return;
        }
      history->up = vz_metrics_count_windows ((VzMetricsPoint *) (gpointer) points->data, points->len, BUCKET_S);
      if (points->len > 0)
        history->last_window = floor_to (g_array_index (points, VzMetricsPoint, points->len - 1).time, BUCKET_S);
    }
}

void
_vz_server_metrics_record (VzServer      *self,
                           VzDeviceState *state,
                           gint64         now)
{
  VzMetricsHistory *history;
  VzMetricsPoint point = {
    now / 1000, { state->cpu_usage, state->memory_usage, state->disk_usage, state->temperature },
  };
  gint64 hour = floor_to (point.time, HOUR_S);

  if (self->db == NULL || (state->last_sample > 0 && now - state->last_sample < MIN_SPACING_MS))
    return;
  if (state->history == NULL)
    {
      g_autoptr(GError) error = NULL;
      gint64 series = series_key (self, state->id, &error);

      if (series == 0)
        {
          g_message ("Could not start a metrics history: %s", error->message);
          return;
        }
      state->history = g_new0 (VzMetricsHistory, 1);
      state->history->series = series;
      state->history->closed = g_array_new (FALSE, TRUE, sizeof (ClosedChunk));
      g_array_set_clear_func (state->history->closed, (GDestroyNotify) closed_chunk_clear);
    }
  history = state->history;

  if (history->current.bytes == NULL || history->current.start != hour)
    {
      /* The hour is over: written again, whole and deflated. */
      if (history->current.bytes != NULL && history->current.count > 0)
        {
          ClosedChunk chunk = {
            history->current.start,
            g_bytes_new (history->current.bytes->data, history->current.bytes->len),
            history->up,
          };

          g_array_append_val (history->closed, chunk);
        }
      open_hour (self, history, hour);
    }
  if (!vz_metrics_encoder_append (&history->current, &point))
    return;
  if (floor_to (point.time, BUCKET_S) != history->last_window)
    {
      history->last_window = floor_to (point.time, BUCKET_S);
      history->up++;
    }
  state->last_sample = now;
  history->unsaved++;
}

/* Stores a finished chunk, deflated, with its count of windows @up. */
static gboolean
write_chunk (VzServer      *self,
             gint64         series,
             int            resolution,
             gint64         start,
             const guint8  *data,
             gsize          len,
             gint64         up,
             GError       **error)
{
  g_autoptr(VzStmt) upsert = vz_db_prepare (self->db,
                                            "INSERT INTO metric_chunks (series, resolution, start, samples, deflated, up)"
                                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (series, resolution, start)"
                                            " DO UPDATE SET samples = excluded.samples, deflated = excluded.deflated,"
                                            " up = excluded.up",
                                            error);
  g_autoptr(GBytes) deflated = deflate_chunk (data, len);

  if (upsert == NULL)
    return FALSE;
  if (deflated != NULL)
    data = g_bytes_get_data (deflated, &len);
  sqlite3_bind_int64 (upsert, 1, series);
  sqlite3_bind_int (upsert, 2, resolution);
  sqlite3_bind_int64 (upsert, 3, start);
  sqlite3_bind_blob (upsert, 4, data, (int) len, SQLITE_TRANSIENT);
  sqlite3_bind_int (upsert, 5, deflated != NULL);
  sqlite3_bind_int64 (upsert, 6, up);
  return vz_db_step_done (self->db, upsert, error);
}

/* Rewrites the pending (unfinished) hour of @series. */
static gboolean
write_pending (VzServer      *self,
               gint64         series,
               gint64         start,
               const guint8  *data,
               gsize          len,
               gint64         up,
               GError       **error)
{
  g_autoptr(VzStmt) upsert = vz_db_prepare (self->db,
                                            "INSERT INTO metric_pending (series, start, samples, up) VALUES (?1, ?2, ?3, ?4)"
                                            " ON CONFLICT (series) DO UPDATE SET start = excluded.start,"
                                            " samples = excluded.samples, up = excluded.up",
                                            error);

  if (upsert == NULL)
    return FALSE;
  sqlite3_bind_int64 (upsert, 1, series);
  sqlite3_bind_int64 (upsert, 2, start);
  sqlite3_bind_blob (upsert, 3, data, (int) len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (upsert, 4, up);
  return vz_db_step_done (self->db, upsert, error);
}

/* Writes a finished hour into metric_chunks and forgets its pending row. */
static gboolean
finish_hour (VzServer      *self,
             gint64         series,
             gint64         start,
             const guint8  *data,
             gsize          len,
             gint64         up,
             GError       **error)
{
  g_autoptr(VzStmt) remove = NULL;

  if (!write_chunk (self, series, RAW, start, data, len, up, error))
    return FALSE;
  remove = vz_db_prepare (self->db, "DELETE FROM metric_pending WHERE series = ?1 AND start = ?2", error);
  if (remove == NULL)
    return FALSE;
  sqlite3_bind_int64 (remove, 1, series);
  sqlite3_bind_int64 (remove, 2, start);
  return vz_db_step_done (self->db, remove, error);
}

gboolean
_vz_server_metrics_flush (VzServer      *self,
                          VzDeviceState *state,
                          gboolean       force,
                          GError       **error)
{
  VzMetricsHistory *history = state->history;

  if (history == NULL)
    return TRUE;
  for (guint i = 0; i < history->closed->len; i++)
    {
      ClosedChunk *chunk = &g_array_index (history->closed, ClosedChunk, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (chunk->samples, &len);

      if (!finish_hour (self, history->series, chunk->start, data, len, chunk->up, error))
        return FALSE;
    }
  g_array_set_size (history->closed, 0);

  if (history->unsaved == 0 || (!force && history->unsaved < SAVE_EVERY))
    return TRUE;
  if (!write_pending (self, history->series, history->current.start, history->current.bytes->data,
                      history->current.bytes->len, history->up, error))
    return FALSE;
  history->unsaved = 0;
  return TRUE;
}

/* Writes what @states (NULL: every screen) hold unsaved, in one transaction. */
static void
flush_all (VzServer      *self,
           VzDeviceState *only)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  VzDeviceState *state;

  if (self->db == NULL || !vz_db_begin (self->db, &error))
    goto fail;
  if (only != NULL)
    {
      if (!_vz_server_metrics_flush (self, only, TRUE, &error))
        goto fail;
    }
  else
    {
      g_hash_table_iter_init (&iter, self->devices);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
        if (!_vz_server_metrics_flush (self, state, TRUE, &error))
          goto fail;
    }
  if (!vz_db_commit (self->db, &error))
    goto fail;
  return;

fail:
  if (self->db != NULL)
    vz_db_rollback (self->db);
  g_message ("Could not save the metrics history: %s", error != NULL ? error->message : "no database");
}

void
_vz_server_metrics_flush_all (VzServer *self)
{
  if (self->devices != NULL)
    flush_all (self, NULL);
}

/* --- downsampling ------------------------------------------------------- */

/* Adds @buckets (sorted, all of the UTC day @day) to the day's bucket chunk of @series. */
static gboolean
merge_buckets (VzServer    *self,
               gint64       series,
               gint64       day,
               GArray      *buckets,
               GError     **error)
{
  g_autoptr(VzStmt) select = NULL;
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  VzMetricsEncoder encoder = { NULL, };
  gboolean ok;

  select = vz_db_prepare (self->db,
                          "SELECT samples, deflated FROM metric_chunks WHERE series = ?1 AND resolution = 1"
                          " AND start = ?2",
                          error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, series);
  sqlite3_bind_int64 (select, 2, day);
  if (sqlite3_step (select) == SQLITE_ROW)
    {
      g_autoptr(GBytes) samples = _vz_server_metrics_chunk_samples (select, 0, 1);
      gsize len;
      const guint8 *data = g_bytes_get_data (samples, &len);

      if (!vz_metrics_decode (data, len, day, BUCKET_S, merged))
        g_message ("A day of metrics did not decode; it starts again");
    }
  vz_stmt_release (g_steal_pointer (&select));

  /* Buckets come in time order; one already there (an hour downsampled
   * twice) keeps its first value. */
  for (guint i = 0; i < buckets->len; i++)
    {
      VzMetricsPoint *bucket = &g_array_index (buckets, VzMetricsPoint, i);
      guint at = merged->len;

      while (at > 0 && g_array_index (merged, VzMetricsPoint, at - 1).time > bucket->time)
        at--;
      if (at > 0 && g_array_index (merged, VzMetricsPoint, at - 1).time == bucket->time)
        continue;
      g_array_insert_val (merged, at, *bucket);
    }

  vz_metrics_encoder_init (&encoder, day, BUCKET_S);
  for (guint i = 0; i < merged->len; i++)
    vz_metrics_encoder_append (&encoder, &g_array_index (merged, VzMetricsPoint, i));
  /* A bucket is a window with a point. */
  ok = write_chunk (self, series, BUCKETS, day, encoder.bytes->data, encoder.bytes->len, merged->len, error);
  vz_metrics_encoder_clear (&encoder);
  return ok;
}

/* Averages raw hours that ended more than a day before @now_s into buckets
 * and deletes them; returns how many it did. */
static guint
downsample (VzServer  *self,
            gint64     now_s,
            GError   **error)
{
  g_autoptr(VzStmt) select = NULL;
  g_autoptr(GArray) chunks = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));

  select = vz_db_prepare (self->db,
                          "SELECT series, start, samples, deflated FROM metric_chunks WHERE resolution = 0 AND start <= ?1"
                          " ORDER BY start LIMIT ?2",
                          error);
  if (select == NULL)
    return 0;
  sqlite3_bind_int64 (select, 1, now_s - RAW_KEEP_S - HOUR_S);
  sqlite3_bind_int (select, 2, DOWNSAMPLE_BATCH);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      gint64 key[2] = { sqlite3_column_int64 (select, 0), sqlite3_column_int64 (select, 1) };

      g_array_append_val (chunks, key);
      g_ptr_array_add (blobs, _vz_server_metrics_chunk_samples (select, 2, 3));
    }
  vz_stmt_release (g_steal_pointer (&select));

  for (guint i = 0; i < chunks->len; i++)
    {
      gint64 *key = &g_array_index (chunks, gint64, 2 * i);
      g_autoptr(VzStmt) remove = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (blobs, i), &len);

      g_array_set_size (points, 0);
      g_array_set_size (buckets, 0);
      if (!vz_metrics_decode (data, len, key[1], 1, points))
        g_message ("An hour of metrics did not decode; it is dropped");
      vz_metrics_downsample ((VzMetricsPoint *) (gpointer) points->data, points->len, BUCKET_S, buckets);
      /* An hour lies within one UTC day. */
      if (buckets->len > 0 && !merge_buckets (self, key[0], floor_to (key[1], DAY_S), buckets, error))
        return 0;
      remove = vz_db_prepare (self->db,
                              "DELETE FROM metric_chunks WHERE series = ?1 AND resolution = 0 AND start = ?2",
                              error);
      if (remove == NULL)
        return 0;
      sqlite3_bind_int64 (remove, 1, key[0]);
      sqlite3_bind_int64 (remove, 2, key[1]);
      if (!vz_db_step_done (self->db, remove, error))
        return 0;
    }
  return chunks->len;
}

/* Pending hours that are over (their screen fell silent, or the server was
 * stopped across the hour's end) join the finished ones. */
static gboolean
finish_stale_hours (VzServer  *self,
                    gint64     now_s,
                    GError   **error)
{
  g_autoptr(VzStmt) select = NULL;
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64) * 3);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  select = vz_db_prepare (self->db,
                          "SELECT series, start, samples, up FROM metric_pending WHERE start <= ?1 LIMIT ?2",
                          error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, now_s - HOUR_S);
  sqlite3_bind_int (select, 2, DOWNSAMPLE_BATCH);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      gint64 key[3] = { sqlite3_column_int64 (select, 0), sqlite3_column_int64 (select, 1),
                        sqlite3_column_type (select, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (select, 3) };

      g_array_append_val (keys, key);
      g_ptr_array_add (blobs, g_bytes_new (sqlite3_column_blob (select, 2), (gsize) sqlite3_column_bytes (select, 2)));
    }
  vz_stmt_release (g_steal_pointer (&select));
  for (guint i = 0; i < keys->len; i++)
    {
      gint64 *key = &g_array_index (keys, gint64, 3 * i);
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (blobs, i), &len);

      /* A row written before windows were counted is counted now. */
      if (key[2] < 0)
        key[2] = _vz_server_metrics_count_samples (data, len, key[1], 1);
      if (!finish_hour (self, key[0], key[1], data, len, key[2], error))
        return FALSE;
    }
  return TRUE;
}

void
_vz_server_metrics_maintenance (VzServer *self,
                                gint64    now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) prune = NULL;
  gint64 now_s = now / 1000;

  if (self->db == NULL || !vz_db_begin (self->db, &error) || !finish_stale_hours (self, now_s, &error))
    goto fail;
  downsample (self, now_s, &error);
  if (error != NULL)
    goto fail;
  prune = vz_db_prepare (self->db, "DELETE FROM metric_chunks WHERE start < ?1", &error);
  if (prune == NULL)
    goto fail;
  /* A day's buckets go once the whole day is older than the week kept. */
  sqlite3_bind_int64 (prune, 1, now_s - BUCKETS_KEEP_S - DAY_S);
  if (!vz_db_step_done (self->db, prune, &error) || !vz_db_commit (self->db, &error))
    goto fail;
  return;

fail:
  if (self->db != NULL)
    vz_db_rollback (self->db);
  g_message ("Could not downsample the metrics history: %s", error != NULL ? error->message : "no database");
}

/* --- reading ------------------------------------------------------------ */

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  gint64 ta = ((const VzMetricsPoint *) a)->time;
  gint64 tb = ((const VzMetricsPoint *) b)->time;

  return ta < tb ? -1 : ta > tb;
}

/* Appends the points of @series in [@from_s, @to_s] to @points, sorted. */
gboolean
_vz_server_metrics_read (VzServer  *self,
             gint64     series,
             gint64     from_s,
             gint64     to_s,
             gboolean   averaged_raw,
             GArray    *points,
             GError   **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  g_autoptr(GArray) bucketed = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));

  stmt = vz_db_prepare (self->db,
                        "SELECT resolution, start, samples, deflated FROM metric_chunks WHERE series = ?1"
                        " AND ((resolution = 0 AND start BETWEEN ?2 AND ?4) OR (resolution = 1 AND start BETWEEN ?3 AND ?4))"
                        " ORDER BY start, resolution",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, series);
  sqlite3_bind_int64 (stmt, 2, floor_to (from_s, HOUR_S));
  sqlite3_bind_int64 (stmt, 3, floor_to (from_s, DAY_S));
  sqlite3_bind_int64 (stmt, 4, to_s);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean is_raw = sqlite3_column_int (stmt, 0) == RAW;
      g_autoptr(GBytes) samples = _vz_server_metrics_chunk_samples (stmt, 2, 3);
      gsize len;
      const guint8 *data = g_bytes_get_data (samples, &len);

      if (!vz_metrics_decode (data, len, sqlite3_column_int64 (stmt, 1), is_raw ? 1 : BUCKET_S, is_raw ? raw : bucketed))
        g_message ("A metrics chunk did not decode; it is left out");
    }
  vz_stmt_release (g_steal_pointer (&stmt));

  /* The hour being recorded is raw too. */
  stmt = vz_db_prepare (self->db, "SELECT start, samples FROM metric_pending WHERE series = ?1 AND start BETWEEN ?2 AND ?3",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, series);
  sqlite3_bind_int64 (stmt, 2, floor_to (from_s, HOUR_S));
  sqlite3_bind_int64 (stmt, 3, to_s);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      !vz_metrics_decode (sqlite3_column_blob (stmt, 1), (gsize) sqlite3_column_bytes (stmt, 1),
                          sqlite3_column_int64 (stmt, 0), 1, raw))
    g_message ("A metrics chunk did not decode; it is left out");
  g_array_sort (raw, compare_points);

  /* Asked for 5-minute buckets: the raw part is averaged like the rest. */
  if (averaged_raw && raw->len > 0)
    {
      g_autoptr(GArray) averaged = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
      g_autoptr(GArray) inside = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));

      for (guint i = 0; i < raw->len; i++)
        if (g_array_index (raw, VzMetricsPoint, i).time >= from_s && g_array_index (raw, VzMetricsPoint, i).time <= to_s)
          g_array_append_val (inside, g_array_index (raw, VzMetricsPoint, i));
      vz_metrics_downsample ((VzMetricsPoint *) (gpointer) inside->data, inside->len, BUCKET_S, averaged);
      g_array_set_size (raw, 0);
      g_array_append_vals (raw, averaged->data, averaged->len);
    }

  /* Buckets hold older hours than raw chunks: both in time order, buckets first. */
  for (guint pass = 0; pass < 2; pass++)
    {
      GArray *source = pass == 0 ? bucketed : raw;

      for (guint i = 0; i < source->len; i++)
        {
          VzMetricsPoint *point = &g_array_index (source, VzMetricsPoint, i);

          if (point->time >= from_s && point->time <= to_s)
            g_array_append_val (points, *point);
        }
    }
  return TRUE;
}

void
_vz_builder_add_reading (JsonBuilder *builder,
                         const char  *name,
                         double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else if (value == floor (value))
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

/* ?@name as an ISO-8601 time in *@ms; a problem is added when it is not one. */
static gboolean
query_time (VzRequest   *req,
            const char  *name,
            gint64      *ms)
{
  const char *text = g_hash_table_lookup (req->query, name);

  if (text == NULL)
    return FALSE;
  if (!_vz_parse_time (text, ms))
    {
      g_autofree char *problem = g_strdup_printf ("%s must be a valid ISO 8601 date string", name);

      _vz_request_add_problem (req, problem);
      return FALSE;
    }
  return TRUE;
}

gboolean
_vz_route_displays_metrics (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  static const char * const keys[] = { "hours", "from", "to", "resolution", NULL };
  static const char * const resolutions[] = { "raw", "5m", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));
  const char *hours_text;
  const char *resolution;
  VzDeviceState *state;
  gint64 from = 0, to = 0;
  gboolean has_from, has_to;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_request_check_choice (req, "resolution", resolutions, error))
    return FALSE;
  resolution = g_hash_table_lookup (req->query, "resolution");
  hours_text = g_hash_table_lookup (req->query, "hours");
  has_from = query_time (req, "from", &from);
  has_to = query_time (req, "to", &to);
  if (!_vz_request_check_body (req, NULL, 0, error))
    return FALSE;

  if (hours_text != NULL)
    {
      gint64 hours;

      if (g_hash_table_contains (req->query, "from") || g_hash_table_contains (req->query, "to"))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "hours cannot be combined with from or to");
          return FALSE;
        }
      if (!g_ascii_string_to_signed (hours_text, 10, 1, BUCKETS_KEEP_S / HOUR_S, &hours, NULL))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "hours must be a whole number from 1 to %d", BUCKETS_KEEP_S / HOUR_S);
          return FALSE;
        }
      to = req->now;
      from = to - hours * HOUR_S * 1000;
    }
  else
    {
      if (!has_to)
        to = req->now;
      if (!has_from)
        from = to - (gint64) RAW_KEEP_S * 1000;
      if (from > to)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "from must not be after to");
          return FALSE;
        }
      if (to - from > RANGE_MAX_MS)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "from and to must be at most 7 days apart");
          return FALSE;
        }
    }

  if (!_vz_server_check_owned (self, req->organization_id, "displays",
                               _vz_is_uuid (req->params[0]) ? req->params[0] : "", "Display not found", error))
    return FALSE;

  /* What the write-behind still holds belongs in the answer too. */
  state = _vz_server_device_lookup (self, req->params[0]);
  if (state != NULL && state->history != NULL)
    {
      flush_all (self, state);
      if (!_vz_server_metrics_read (self, state->history->series, from / 1000, to / 1000, g_strcmp0 (resolution, "5m") == 0,
                        points, error))
        return FALSE;
    }
  else if (state != NULL)
    {
      g_autoptr(VzStmt) series = vz_db_prepare (self->db, "SELECT key FROM metric_series WHERE display_id = ?1", error);

      if (series == NULL)
        return FALSE;
      sqlite3_bind_text (series, 1, req->params[0], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (series) == SQLITE_ROW &&
          !_vz_server_metrics_read (self, sqlite3_column_int64 (series, 0), from / 1000, to / 1000,
                        g_strcmp0 (resolution, "5m") == 0, points, error))
        return FALSE;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < points->len; i++)
    {
      VzMetricsPoint *point = &g_array_index (points, VzMetricsPoint, i);

      json_builder_begin_object (builder);
      _vz_builder_add_time_or_null (builder, "timestamp", point->time * 1000);
      _vz_builder_add_reading (builder, "cpuUsage", point->readings[0]);
      _vz_builder_add_reading (builder, "memoryUsage", point->readings[1]);
      _vz_builder_add_reading (builder, "diskUsage", point->readings[2]);
      _vz_builder_add_reading (builder, "temperature", point->readings[3]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}
