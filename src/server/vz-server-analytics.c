/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-server-health-private.h"

/*
 * Analytics, as the platform's routes: the summary cards, availability per
 * day (the share of 5-minute windows in which each screen sent a heartbeat,
 * from the metrics history, so at most the week it keeps), content
 * performance from impressions, and proof of play (the impressions
 * themselves, filtered, a page at a time or as CSV).
 */

#define DAY_MS              ((gint64) 24 * 3600 * 1000)
#define DAY_S               ((gint64) 24 * 3600)
#define BUCKET_S            300
#define AVAILABILITY_DAYS   7
#define TOP_CONTENT         10
#define POP_LIMIT_MAX       500
#define POP_LIMIT_DEFAULT   50
#define POP_RANGE_MAX_MS    (366 * DAY_MS)
#define CSV_ROWS_MAX        100000

static const char * const ranges[] = { "week", "month", "year", NULL };

/* ?range (default month) in days. */
static gboolean
range_days (VzRequest  *req,
            gint64     *days,
            GError    **error)
{
  static const char * const keys[] = { "range", NULL };
  const char *range;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_request_check_choice (req, "range", ranges, error))
    return FALSE;
  range = g_hash_table_lookup (req->query, "range");
  *days = g_strcmp0 (range, "week") == 0 ? 7 : g_strcmp0 (range, "year") == 0 ? 365 : 30;
  return TRUE;
}

static gint64
count_rows (VzServer    *self,
            const char  *sql,
            const char  *organization_id,
            gint64       since)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, sql, &error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, since);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

gboolean
_vz_route_analytics_summary (VzServer   *self,
                             VzRequest  *req,
                             GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  VzDeviceState *state;
  gint64 days, total = 0, online = 0;

  if (!range_days (req, &days, error))
    return FALSE;

  /* Status is live in memory; the database may be a second behind. */
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    if (g_strcmp0 (state->organization_id, req->organization_id) == 0)
      {
        total++;
        if (g_str_equal (state->status, "online"))
          online++;
      }
  _vz_server_devices_flush (self);

  json_builder_begin_object (builder);
  add_int (builder, "totalDevices", total);
  add_int (builder, "onlineDevices", online);
  add_int (builder, "totalContent",
           count_rows (self, "SELECT COUNT(*) FROM content WHERE organization_id = ?1 AND ?2 = ?2",
                       req->organization_id, 0));
  add_int (builder, "totalPlaylists",
           count_rows (self, "SELECT COUNT(*) FROM playlists WHERE organization_id = ?1 AND ?2 = ?2",
                       req->organization_id, 0));
  /* As the platform counts them: the default playlist, or one with items. */
  add_int (builder, "activePlaylists",
           count_rows (self, "SELECT COUNT(*) FROM playlists p WHERE p.organization_id = ?1 AND ?2 = ?2 AND"
                             " (p.is_default = 1 OR EXISTS (SELECT 1 FROM playlist_items i WHERE i.playlist_id = p.id))",
                       req->organization_id, 0));
  /* The share online now, as on the platform (not a history). */
  json_builder_set_member_name (builder, "uptimePercent");
  json_builder_add_double_value (builder, total > 0 ? round (1000.0 * online / total) / 10 : 0);
  add_int (builder, "totalImpressions",
           count_rows (self, "SELECT COUNT(*) FROM content_impressions WHERE organization_id = ?1 AND played_at >= ?2",
                       req->organization_id, req->now - days * DAY_MS));
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

/*
 * Availability per day counts, for each day, the 5-minute windows in which a
 * screen sent a heartbeat (up) against those the screens existed in
 * (expected). Each chunk of the metrics history carries its count of windows
 * (vz-server-metrics.c), and a chunk lies within one UTC day, so a day's up
 * is the sum of its chunks' counts: the samples are never read here.
 */

gboolean
_vz_server_availability (VzServer    *self,
                         const char  *organization_id,
                         gint64       now_s,
                         guint        n_days,
                         gint64      *up,
                         gint64      *expected,
                         GError     **error)
{
  g_autoptr(VzStmt) screens = NULL;
  g_autoptr(VzStmt) sums = NULL;
  gint64 today = now_s - now_s % DAY_S;
  gint64 first_day = today - (gint64) (n_days - 1) * DAY_S;

  g_assert (n_days >= 1);

  memset (up, 0, n_days * sizeof *up);
  memset (expected, 0, n_days * sizeof *expected);
  _vz_server_metrics_flush_all (self);
  screens = vz_db_prepare (self->db, "SELECT d.created_at FROM displays d WHERE d.organization_id = ?1", error);
  if (screens == NULL)
    return FALSE;
  sqlite3_bind_text (screens, 1, organization_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (screens) == SQLITE_ROW)
    {
      gint64 created = sqlite3_column_int64 (screens, 0) / 1000;

      /* A screen counts for the windows it existed in: from the one it was
       * made in, and today only those begun by now. */
      for (guint d = 0; d < n_days; d++)
        {
          gint64 day = first_day + d * DAY_S;
          gint64 from = MAX (day, created - created % BUCKET_S);
          gint64 to = MIN (day + DAY_S, now_s - now_s % BUCKET_S + BUCKET_S);

          if (to > from)
            expected[d] += (to - from) / BUCKET_S;
        }
    }
  vz_stmt_release (g_steal_pointer (&screens));

  /* Finished chunks (raw hours, days of buckets) and the hours being
   * recorded, of the organization's screens, added to the day they begin
   * in. Grouped here rather than by SQL, whose GROUP BY would sort every
   * row into a temporary tree (three times the time at 10,000 screens). */
  sums = vz_db_prepare (self->db,
                        "SELECT c.start, c.up FROM displays d"
                        " JOIN metric_series s ON s.display_id = d.id JOIN metric_chunks c ON c.series = s.key"
                        " WHERE d.organization_id = ?1 AND c.start BETWEEN ?2 AND ?3"
                        " UNION ALL"
                        " SELECT p.start, p.up FROM displays d"
                        " JOIN metric_series s ON s.display_id = d.id JOIN metric_pending p ON p.series = s.key"
                        " WHERE d.organization_id = ?1 AND p.start BETWEEN ?2 AND ?3",
                        error);
  if (sums == NULL)
    return FALSE;
  sqlite3_bind_text (sums, 1, organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (sums, 2, first_day);
  sqlite3_bind_int64 (sums, 3, now_s);
  while (sqlite3_step (sums) == SQLITE_ROW)
    {
      gint64 d = (sqlite3_column_int64 (sums, 0) - first_day) / DAY_S;

      if (d >= 0 && d < n_days)
        up[d] += sqlite3_column_int64 (sums, 1);
    }
  return TRUE;
}

static gboolean
reply_availability (VzServer   *self,
                    VzRequest  *req,
                    gint64      days,
                    GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 n_days, first_day, now_s = req->now / 1000;
  gint64 up[AVAILABILITY_DAYS];
  gint64 expected[AVAILABILITY_DAYS];  /* 5-minute windows the screens existed in */

  n_days = MIN (days, AVAILABILITY_DAYS);
  first_day = now_s - now_s % DAY_S - (n_days - 1) * DAY_S;
  if (!_vz_server_availability (self, req->organization_id, now_s, (guint) n_days, up, expected, error))
    return FALSE;

  json_builder_begin_array (builder);
  /* Days before the organization had a screen have nothing to say. */
  for (gint64 d = 0; d < n_days; d++)
    {
      gint64 day = first_day + d * DAY_S;
      g_autofree char *date = NULL;

      if (expected[d] == 0)
        continue;
      date = _vz_format_time (day * 1000);
      date[10] = '\0';
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, date);
      json_builder_set_member_name (builder, "availabilityEstimate");
      json_builder_add_double_value (builder, MIN (100, round (1000.0 * up[d] / expected[d]) / 10));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

void
_vz_server_availability_answer (VzServer  *self,
                                VzRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 days;

  if (!range_days (req, &days, &error) || !reply_availability (self, req, days, &error))
    _vz_reply_error (req, error);
}

gboolean
_vz_route_analytics_device_metrics (VzServer   *self,
                                    VzRequest  *req,
                                    GError    **error)
{
  gint64 days;

  if (!range_days (req, &days, error))
    return FALSE;
  /* Chunks from before counts were kept are counted first, in slices. */
  if (_vz_server_metrics_counts_wait (self, req))
    return TRUE;
  return reply_availability (self, req, days, error);
}

gboolean
_vz_route_analytics_content_performance (VzServer   *self,
                                         VzRequest  *req,
                                         GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VzStmt) stmt = NULL;
  gint64 days;

  if (!range_days (req, &days, error))
    return FALSE;
  _vz_server_devices_flush (self);
  stmt = vz_db_prepare (self->db,
                        "SELECT i.content_id, c.name, COUNT(*), AVG(i.completion) FROM content_impressions i"
                        " LEFT JOIN content c ON c.id = i.content_id AND c.organization_id = i.organization_id"
                        " WHERE i.organization_id = ?1 AND i.played_at >= ?2"
                        " GROUP BY i.content_id ORDER BY COUNT(*) DESC, i.content_id LIMIT ?3",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, req->now - days * DAY_MS);
  sqlite3_bind_int (stmt, 3, TOP_CONTENT);
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "contentId", stmt, 0);
      json_builder_set_member_name (builder, "title");
      /* Deleted content keeps its impressions: it is named as the platform does. */
      json_builder_add_string_value (builder, vz_stmt_is_null (stmt, 1) ? "Unknown" : vz_stmt_text (stmt, 1));
      add_int (builder, "impressions", sqlite3_column_int64 (stmt, 2));
      add_int (builder, "averageCompletion",
               vz_stmt_is_null (stmt, 3) ? 0 : (gint64) round (sqlite3_column_double (stmt, 3)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

/* --- proof of play ------------------------------------------------------ */

typedef struct {
  gint64      from;        /* ms, inclusive */
  gint64      to;          /* ms, inclusive */
  const char *display_id;
  const char *content_id;
  const char *playlist_id;
} PopFilters;

/* A date (the whole day) or a time; for the end of a range, a date means
 * up to the end of that day, as the platform's date column does. */
static gboolean
parse_bound (const char *text,
             gboolean    end,
             gint64     *ms)
{
  if (text != NULL && strlen (text) == 10)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

      if (!_vz_parse_time (midnight, ms))
        return FALSE;
      if (end)
        *ms += DAY_MS - 1;
      return TRUE;
    }
  return _vz_parse_time (text, ms);
}

static gboolean
pop_filters (VzRequest   *req,
             gboolean     paged,
             PopFilters  *filters,
             guint       *page,
             guint       *limit,
             GError     **error)
{
  static const char * const paged_keys[] = { "dateFrom", "dateTo", "displayId", "contentId", "playlistId",
                                             "page", "limit", NULL };
  static const char * const csv_keys[] = { "dateFrom", "dateTo", "displayId", "contentId", "playlistId", NULL };
  const char *ids[] = { "displayId", "contentId", "playlistId" };
  const char *from = g_hash_table_lookup (req->query, "dateFrom");
  const char *to = g_hash_table_lookup (req->query, "dateTo");

  if (!_vz_request_check_query (req, paged ? paged_keys : csv_keys, error))
    return FALSE;
  if (paged)
    {
      const char *text = g_hash_table_lookup (req->query, "limit");
      guint64 n = POP_LIMIT_DEFAULT;

      /* Up to 500 a page here, unlike the other lists. */
      if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, POP_LIMIT_MAX, &n, NULL))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "limit must be a whole number from 1 to %d", POP_LIMIT_MAX);
          return FALSE;
        }
      *limit = (guint) n;
      text = g_hash_table_lookup (req->query, "page");
      n = 1;
      if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT32, &n, NULL))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "page must be a whole number from 1");
          return FALSE;
        }
      *page = (guint) n;
    }

  filters->to = req->now;
  if (to != NULL && !parse_bound (to, TRUE, &filters->to))
    _vz_request_add_problem (req, "dateTo must be a valid ISO 8601 date string");
  filters->from = filters->to - 30 * DAY_MS;
  if (from != NULL && !parse_bound (from, FALSE, &filters->from))
    _vz_request_add_problem (req, "dateFrom must be a valid ISO 8601 date string");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const char *id = g_hash_table_lookup (req->query, ids[i]);

      if (id != NULL && !_vz_is_row_id (id))
        {
          g_autofree char *problem = g_strdup_printf ("%s must be an id", ids[i]);

          _vz_request_add_problem (req, problem);
        }
    }
  if (!_vz_request_check_body (req, NULL, 0, error))
    return FALSE;
  if (filters->from > filters->to)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "dateFrom must not be after dateTo");
      return FALSE;
    }
  if (filters->to - filters->from > POP_RANGE_MAX_MS)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "dateFrom and dateTo must be at most 366 days apart");
      return FALSE;
    }
  filters->display_id = g_hash_table_lookup (req->query, "displayId");
  filters->content_id = g_hash_table_lookup (req->query, "contentId");
  filters->playlist_id = g_hash_table_lookup (req->query, "playlistId");
  /* What the write-behind holds is played too. */
  _vz_server_devices_flush (req->server);
  return TRUE;
}

#define POP_FILTER \
  " WHERE i.organization_id = ?1 AND i.played_at BETWEEN ?4 AND ?5" \
  " AND (?6 IS NULL OR i.display_id = ?6) AND (?7 IS NULL OR i.content_id = ?7)" \
  " AND (?8 IS NULL OR i.playlist_id = ?8)"

#define POP_COLUMNS \
  "i.id, i.content_id, i.display_id, i.playlist_id, i.duration, i.completion, i.played_at, c.name," \
  " d.nickname, d.device_identifier"

#define POP_FROM \
  " FROM content_impressions i" \
  " LEFT JOIN content c ON c.id = i.content_id AND c.organization_id = i.organization_id" \
  " LEFT JOIN displays d ON d.id = i.display_id AND d.organization_id = i.organization_id"

static void
bind_pop_filters (VzStmt   *stmt,
                  gpointer  data)
{
  PopFilters *filters = data;

  sqlite3_bind_int64 (stmt, 4, filters->from);
  sqlite3_bind_int64 (stmt, 5, filters->to);
  vz_stmt_bind_text_or_null (stmt, 6, filters->display_id);
  vz_stmt_bind_text_or_null (stmt, 7, filters->content_id);
  vz_stmt_bind_text_or_null (stmt, 8, filters->playlist_id);
}

static void
add_column_reading (JsonBuilder *builder,
                    const char  *name,
                    VzStmt      *stmt,
                    int          column)
{
  _vz_builder_add_reading (builder, name, vz_stmt_is_null (stmt, column) ? NAN : sqlite3_column_double (stmt, column));
}

static gboolean
add_pop_row (VzServer    *self,
             JsonBuilder *builder,
             VzStmt      *stmt,
             GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));

  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  _vz_builder_add_column_string (builder, "contentId", stmt, 1);
  _vz_builder_add_column_string (builder, "displayId", stmt, 2);
  _vz_builder_add_column_string (builder, "playlistId", stmt, 3);
  add_column_reading (builder, "duration", stmt, 4);
  add_column_reading (builder, "completionPercentage", stmt, 5);
  _vz_builder_add_column_time (builder, "timestamp", stmt, 6);

  /* What was played stays on record after the content or the screen went. */
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, 1);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, vz_stmt_is_null (stmt, 7) ? "Unknown" : vz_stmt_text (stmt, 7));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "display");
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, 2);
  _vz_builder_add_column_string (builder, "nickname", stmt, 8);
  json_builder_set_member_name (builder, "deviceIdentifier");
  json_builder_add_string_value (builder, vz_stmt_is_null (stmt, 9) ? "Unknown" : vz_stmt_text (stmt, 9));
  json_builder_end_object (builder);
  return TRUE;
}

gboolean
_vz_route_analytics_proof_of_play (VzServer   *self,
                                   VzRequest  *req,
                                   GError    **error)
{
  PopFilters filters = { 0, };
  guint page = 1, limit = POP_LIMIT_DEFAULT;

  if (!pop_filters (req, TRUE, &filters, &page, &limit, error))
    return FALSE;
  return _vz_reply_rows (self, req, page, limit,
                         "SELECT COUNT(*) FROM content_impressions i" POP_FILTER,
                         "SELECT " POP_COLUMNS POP_FROM POP_FILTER " ORDER BY i.played_at DESC, i.id DESC"
                         " LIMIT ?2 OFFSET ?3",
                         bind_pop_filters, &filters, add_pop_row, error);
}

/* One CSV cell: quoted when it must be (RFC 4180), and a leading = + - @ or
 * tab neutralised with a quote mark so that a spreadsheet shows it as text. */
static void
append_cell (GString    *out,
             const char *value)
{
  gboolean quote;

  if (value == NULL)
    value = "";
  quote = strpbrk (value, "\",\n\r\t") != NULL;
  if (quote)
    g_string_append_c (out, '"');
  if (strchr ("=+-@\t", value[0]) != NULL && value[0] != '\0')
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

static void
append_number_cell (GString *out,
                    VzStmt  *stmt,
                    int      column)
{
  if (!vz_stmt_is_null (stmt, column))
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, sqlite3_column_double (stmt, column)));
    }
}

gboolean
_vz_route_analytics_proof_of_play_csv (VzServer   *self,
                                       VzRequest  *req,
                                       GError    **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  SoupMessageHeaders *headers;
  PopFilters filters = { 0, };
  GString *out;
  gsize len;

  if (!pop_filters (req, FALSE, &filters, NULL, NULL, error))
    return FALSE;
  stmt = vz_db_prepare (self->db,
                        "SELECT " POP_COLUMNS POP_FROM POP_FILTER " ORDER BY i.played_at, i.id LIMIT ?2",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, CSV_ROWS_MAX);
  bind_pop_filters (stmt, &filters);

  out = g_string_new ("timestamp,contentId,contentName,displayId,displayName,playlistId,duration_sec,completion_percent\n");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *time = _vz_format_time (sqlite3_column_int64 (stmt, 6));
      const char *display_name = !vz_stmt_is_null (stmt, 8) ? vz_stmt_text (stmt, 8)
                                 : !vz_stmt_is_null (stmt, 9) ? vz_stmt_text (stmt, 9) : "Unknown";

      append_cell (out, time);
      g_string_append_c (out, ',');
      append_cell (out, vz_stmt_text (stmt, 1));
      g_string_append_c (out, ',');
      append_cell (out, vz_stmt_is_null (stmt, 7) ? "Unknown" : vz_stmt_text (stmt, 7));
      g_string_append_c (out, ',');
      append_cell (out, vz_stmt_text (stmt, 2));
      g_string_append_c (out, ',');
      append_cell (out, display_name);
      g_string_append_c (out, ',');
      append_cell (out, vz_stmt_text (stmt, 3));
      g_string_append_c (out, ',');
      append_number_cell (out, stmt, 4);
      g_string_append_c (out, ',');
      append_number_cell (out, stmt, 5);
      g_string_append_c (out, '\n');
    }

  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Content-Disposition", "attachment; filename=\"proof-of-play.csv\"");
  _vz_server_close_after_reply (req->msg);
  req->reply_status = 200;
  soup_server_message_set_status (req->msg, 200, NULL);
  len = out->len;
  soup_server_message_set_response (req->msg, "text/csv; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), len);
  return TRUE;
}
