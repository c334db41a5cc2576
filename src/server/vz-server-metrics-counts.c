/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include "vz-metrics-codec.h"
#include "vz-server-health-private.h"

/*
 * The count of 5-minute windows with a heartbeat that every metrics chunk
 * carries (its up column) is written with the chunk (vz-server-metrics.c).
 * Chunks written before the column existed (a database from an older server,
 * or rows put there by other means) have none; they are counted here, a
 * slice of main-loop time at a time at low priority, so that the server
 * keeps answering everything else. An availability request that arrives
 * while chunks are uncounted waits, paused, and is answered when the last
 * one is counted.
 */

#define BUCKET_S   300
/* Main-loop time one slice may take, and the rows read per statement. */
#define SLICE_US   8000
#define BATCH_ROWS 32

gint64
_vz_server_metrics_count_samples (const guint8 *data,
                                  gsize         len,
                                  gint64        start,
                                  guint         step)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzMetricsPoint));

  /* A chunk that does not decode shows no points when read: no windows. */
  if (!vz_metrics_decode (data, len, start, step, points))
    return 0;
  return vz_metrics_count_windows ((VzMetricsPoint *) (gpointer) points->data, points->len, BUCKET_S);
}

/* Counts at most @limit uncounted rows, finished chunks first, in one
 * transaction; returns how many (0: none is left). */
static guint
count_batch (VzServer  *self,
             guint      limit,
             GError   **error)
{
  static const char * const selects[] = {
    "SELECT rowid, start, resolution, samples, deflated FROM metric_chunks WHERE up IS NULL LIMIT ?1",
    "SELECT rowid, start, 0, samples, 0 FROM metric_pending WHERE up IS NULL LIMIT ?1",
  };
  static const char * const updates[] = {
    "UPDATE metric_chunks SET up = ?2 WHERE rowid = ?1",
    "UPDATE metric_pending SET up = ?2 WHERE rowid = ?1",
  };
  g_autoptr(GArray) counted = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);

  if (!vz_db_begin (self->db, error))
    return 0;
  for (guint table = 0; table < G_N_ELEMENTS (selects) && counted->len == 0; table++)
    {
      g_autoptr(VzStmt) select = vz_db_prepare (self->db, selects[table], error);

      if (select == NULL)
        goto fail;
      sqlite3_bind_int (select, 1, (int) limit);
      while (sqlite3_step (select) == SQLITE_ROW)
        {
          g_autoptr(GBytes) samples = _vz_server_metrics_chunk_samples (select, 3, 4);
          gsize len;
          const guint8 *data = g_bytes_get_data (samples, &len);
          guint step = sqlite3_column_int (select, 2) == 0 ? 1 : BUCKET_S;
          gint64 row[2] = {
            sqlite3_column_int64 (select, 0),
            _vz_server_metrics_count_samples (data, len, sqlite3_column_int64 (select, 1), step),
          };

          g_array_append_val (counted, row);
        }
      vz_stmt_release (g_steal_pointer (&select));

      for (guint i = 0; i < counted->len; i++)
        {
          g_autoptr(VzStmt) update = vz_db_prepare (self->db, updates[table], error);
          gint64 *row = &g_array_index (counted, gint64, 2 * i);

          if (update == NULL)
            goto fail;
          sqlite3_bind_int64 (update, 1, row[0]);
          sqlite3_bind_int64 (update, 2, row[1]);
          if (!vz_db_step_done (self->db, update, error))
            goto fail;
        }
    }
  if (!vz_db_commit (self->db, error))
    goto fail;
  return counted->len;

fail:
  vz_db_rollback (self->db);
  return 0;
}

static gboolean
uncounted (VzServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT EXISTS (SELECT 1 FROM metric_chunks WHERE up IS NULL)"
                                          " OR EXISTS (SELECT 1 FROM metric_pending WHERE up IS NULL)",
                                          &error);

  if (stmt == NULL)
    {
      g_message ("Could not look for uncounted metrics: %s", error->message);
      return FALSE;
    }
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
}

/* Answers the availability requests that waited for the counting. */
static void
answer_waiting (VzServer *self)
{
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->counts_waiting);

  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    _vz_server_availability_answer (self, g_ptr_array_index (waiting, i));
}

gboolean
_vz_server_metrics_count_slice (VzServer  *self,
                                GError   **error)
{
  gint64 until = g_get_monotonic_time () + SLICE_US;
  guint counted;

  do
    counted = count_batch (self, BATCH_ROWS, error);
  while (counted > 0 && g_get_monotonic_time () < until);
  return counted > 0;
}

static gboolean
count_slice_cb (gpointer user_data)
{
  VzServer *self = user_data;
  g_autoptr(GError) error = NULL;

  if (_vz_server_metrics_count_slice (self, &error))
    return G_SOURCE_CONTINUE;
  if (error != NULL)
    g_message ("Could not count the windows of the metrics history: %s", error->message);

  /* Done, or a database that fails: waiting requests get what is counted
   * (a later request starts counting again). */
  self->counts_source = 0;
  answer_waiting (self);
  return G_SOURCE_REMOVE;
}

static void
start_counting (VzServer *self)
{
  if (self->counts_source == 0)
    self->counts_source = g_idle_add_full (G_PRIORITY_LOW, count_slice_cb, self, NULL);
}

void
_vz_server_metrics_counts_start (VzServer *self)
{
  if (self->db != NULL && uncounted (self))
    start_counting (self);
}

gboolean
_vz_server_metrics_counts_wait (VzServer  *self,
                                VzRequest *req)
{
  if (self->counts_source == 0 && !uncounted (self))
    return FALSE;
  if (self->counts_waiting == NULL)
    self->counts_waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) _vz_request_unref);
  _vz_request_pause (req);
  g_ptr_array_add (self->counts_waiting, _vz_request_ref (req));
  start_counting (self);
  return TRUE;
}

void
_vz_server_metrics_counts_stop (VzServer *self)
{
  g_clear_handle_id (&self->counts_source, g_source_remove);
  /* The server stops: their connections close without an answer. */
  g_clear_pointer (&self->counts_waiting, g_ptr_array_unref);
}
