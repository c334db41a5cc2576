/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-server-private.h"

/*
 * Impressions: what a screen reports each time it finished showing an item
 * (`content:impression`), kept in content_impressions for proof of play.
 * They are written behind, with the screens' status, once a second: a fleet
 * of thousands of screens must not cost a commit per item shown.
 */

/* How far a screen's clock may be off for its timestamp to be believed. */
#define IMPRESSION_FUTURE_MS  ((gint64) 5 * 60 * 1000)
#define IMPRESSION_PAST_MS    ((gint64) 7 * 24 * 3600 * 1000)
/* Held in memory at most, should the database stay locked. */
#define IMPRESSIONS_PENDING_MAX 100000

typedef struct {
  char   *organization_id;
  char   *display_id;
  char   *content_id;
  char   *playlist_id;
  double  duration;       /* NAN: not reported */
  double  completion;     /* NAN: not reported */
  gint64  played_at;
  gint64  received_at;
} Impression;

static void
impression_free (Impression *impression)
{
  g_free (impression->organization_id);
  g_free (impression->display_id);
  g_free (impression->content_id);
  g_free (impression->playlist_id);
  g_free (impression);
}

/* An optional number member: absent or null is NAN, else within @min..@max. */
static gboolean
optional_number (JsonObject  *payload,
                 const char  *name,
                 double       min,
                 double       max,
                 double      *value,
                 GError     **error)
{
  *value = NAN;
  if (!json_object_has_member (payload, name) || json_object_get_null_member (payload, name))
    return TRUE;
  if (!_vz_json_number (payload, name, value) || *value < min || *value > max)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "%s must be a number from %g to %g.", name, min, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
_vz_server_record_impression (VzServer    *self,
                              const char  *organization_id,
                              const char  *display_id,
                              JsonObject  *payload,
                              GError     **error)
{
  g_autoptr(VzStmt) content = NULL;
  Impression *impression;
  const char *content_id;
  const char *playlist_id;
  const char *timestamp;
  double duration, completion;
  gint64 now = _vz_now_ms ();
  gint64 played_at = now;

  if (payload == NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "The impression must be an object.");
      return FALSE;
    }
  content_id = _vz_json_string (payload, "contentId");
  if (!_vz_is_row_id (content_id))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "contentId must name the content shown.");
      return FALSE;
    }
  playlist_id = _vz_json_string (payload, "playlistId");
  if (json_object_has_member (payload, "playlistId") && !json_object_get_null_member (payload, "playlistId") &&
      !_vz_is_row_id (playlist_id))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "playlistId must be an id.");
      return FALSE;
    }
  if (!optional_number (payload, "duration", 0, VZ_DURATION_MAX, &duration, error) ||
      !optional_number (payload, "completionPercentage", 0, 100, &completion, error))
    return FALSE;
  timestamp = _vz_json_string (payload, "timestamp");
  if (timestamp != NULL &&
      (!_vz_parse_time (timestamp, &played_at) ||
       played_at > now + IMPRESSION_FUTURE_MS || played_at < now - IMPRESSION_PAST_MS))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "timestamp must be an ISO-8601 time within the last week.");
      return FALSE;
    }

  content = vz_db_prepare (self->db, "SELECT 1 FROM content WHERE id = ?1 AND organization_id = ?2", error);
  if (content == NULL)
    return FALSE;
  sqlite3_bind_text (content, 1, content_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (content, 2, organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (content) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found");
      return FALSE;
    }

  if (self->impressions == NULL)
    self->impressions = g_ptr_array_new_with_free_func ((GDestroyNotify) impression_free);
  if (self->impressions->len >= IMPRESSIONS_PENDING_MAX)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                           "The server cannot save impressions at the moment.");
      return FALSE;
    }
  impression = g_new0 (Impression, 1);
  impression->organization_id = g_strdup (organization_id);
  impression->display_id = g_strdup (display_id);
  impression->content_id = g_strdup (content_id);
  impression->playlist_id = g_strdup (playlist_id);
  impression->duration = duration;
  impression->completion = completion;
  impression->played_at = played_at;
  impression->received_at = now;
  g_ptr_array_add (self->impressions, impression);
  _vz_server_schedule_flush (self);
  return TRUE;
}

gboolean
_vz_server_impressions_flush (VzServer  *self,
                              GError   **error)
{
  if (self->impressions == NULL || self->impressions->len == 0)
    return TRUE;

  for (guint i = 0; i < self->impressions->len; i++)
    {
      Impression *impression = g_ptr_array_index (self->impressions, i);
      g_autoptr(VzStmt) insert = vz_db_prepare (self->db,
                                                "INSERT INTO content_impressions (organization_id, display_id, content_id,"
                                                " playlist_id, duration, completion, played_at, received_at)"
                                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                                error);

      if (insert == NULL)
        return FALSE;
      sqlite3_bind_text (insert, 1, impression->organization_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, impression->display_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 3, impression->content_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 4, impression->playlist_id, -1, SQLITE_TRANSIENT);
      vz_stmt_bind_number (insert, 5, impression->duration);
      vz_stmt_bind_number (insert, 6, impression->completion);
      sqlite3_bind_int64 (insert, 7, impression->played_at);
      sqlite3_bind_int64 (insert, 8, impression->received_at);
      if (!vz_db_step_done (self->db, insert, error))
        return FALSE;
    }
  return TRUE;
}

void
_vz_server_impressions_written (VzServer *self)
{
  if (self->impressions != NULL)
    g_ptr_array_set_size (self->impressions, 0);
}

gboolean
_vz_server_impressions_pending (VzServer *self)
{
  return self->impressions != NULL && self->impressions->len > 0;
}
