/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <glib/gstdio.h>

#include <math.h>
#include <string.h>
#include <time.h>

#include "vz-server-health-private.h"
#include "vz-wire-json.h"

/*
 * The REST plumbing of VzServer: one SoupServer handler for /api/v1 that
 * matches the route table, authenticates, checks roles, parses and limits the
 * body, replays Idempotency-Key answers, and turns GErrors into the
 * platform's un-enveloped error bodies. Handlers live in the other
 * vz-server-*.c files.
 */

typedef struct {
  const char  *method;
  const char  *pattern;   /* segments; ":x" matches one non-empty segment */
  VzRouteFunc  func;
  guint        flags;
  gsize        max_body;  /* bytes; a longer body is refused before it is read */
} VzRoute;

/* Request bodies: none for reads, a few fields for most writes (a pairing
 * request's metadata is capped at 2 KiB by its route), up to 100 ids for the
 * list routes. */
#define BODY_NONE    0
#define BODY_SMALL   (16 * 1024)
#define BODY_LIST    (64 * 1024)
/* A playlist's whole item list (VZ_PLAYLIST_MAX_ITEMS ids or items). */
#define BODY_PLAYLIST (512 * 1024)

static const VzRoute routes[] = {
  { "GET",    "health",                       NULL,                             VZ_ROUTE_PUBLIC, BODY_NONE },
  { "POST",   "auth/login",                   _vz_route_auth_login,             VZ_ROUTE_PUBLIC, BODY_SMALL },
  { "POST",   "auth/refresh",                 _vz_route_auth_refresh,           VZ_ROUTE_PUBLIC, BODY_SMALL },
  { "GET",    "auth/me",                      _vz_route_auth_me,                VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "auth/logout",                  _vz_route_auth_logout,            VZ_ROUTE_AUTH, BODY_SMALL },

  { "POST",   "devices/pairing/request",      _vz_route_pairing_request,        VZ_ROUTE_PUBLIC, BODY_SMALL },
  { "GET",    "devices/pairing/status/:code", _vz_route_pairing_status,         VZ_ROUTE_PUBLIC, BODY_NONE },
  { "POST",   "devices/pairing/complete",     _vz_route_pairing_complete,       VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "GET",    "devices/pairing/active",       _vz_route_pairing_active,         VZ_ROUTE_WRITE, BODY_NONE },

  { "GET",    "displays",                     _vz_route_displays_list,          VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "displays/bulk/delete",         _vz_route_displays_bulk_delete,   VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "POST",   "displays/bulk/assign-playlist", _vz_route_displays_bulk_playlist, VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "POST",   "displays/bulk/assign-group",   _vz_route_displays_bulk_group,    VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "GET",    "displays/:id",                 _vz_route_displays_get,           VZ_ROUTE_AUTH, BODY_NONE },
  { "PATCH",  "displays/:id",                 _vz_route_displays_patch,         VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "DELETE", "displays/:id",                 _vz_route_displays_delete,        VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "displays/:id/screenshot",      _vz_route_screenshot_request,     VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "GET",    "displays/:id/screenshot",      _vz_route_screenshot_get,         VZ_ROUTE_AUTH, BODY_NONE },
  { "GET",    "displays/:id/metrics",         _vz_route_displays_metrics,       VZ_ROUTE_AUTH, BODY_NONE },
  { "GET",    "displays/:id/schedule",        _vz_route_displays_schedule,      VZ_ROUTE_AUTH, BODY_NONE },

  { "GET",    "display-groups",               _vz_route_groups_list,            VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "display-groups",               _vz_route_groups_create,          VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "GET",    "display-groups/:id",           _vz_route_groups_get,             VZ_ROUTE_AUTH, BODY_NONE },
  { "PATCH",  "display-groups/:id",           _vz_route_groups_patch,           VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "DELETE", "display-groups/:id",           _vz_route_groups_delete,          VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "display-groups/:id/displays",  _vz_route_groups_add,             VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "DELETE", "display-groups/:id/displays",  _vz_route_groups_remove,          VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },

  { "GET",    "schedules",                    _vz_route_schedules_list,         VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "schedules",                    _vz_route_schedules_create,       VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "schedules/check-conflicts",    _vz_route_schedules_conflicts,    VZ_ROUTE_WRITE, BODY_SMALL },
  { "GET",    "schedules/:id",                _vz_route_schedules_get,          VZ_ROUTE_AUTH, BODY_NONE },
  { "PATCH",  "schedules/:id",                _vz_route_schedules_patch,        VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "DELETE", "schedules/:id",                _vz_route_schedules_delete,       VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "schedules/:id/duplicate",      _vz_route_schedules_duplicate,    VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },

  { "GET",    "content/tags",                 _vz_route_tags_list,              VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "content/upload",               _vz_route_content_upload,         VZ_ROUTE_WRITE | VZ_ROUTE_STREAM | VZ_ROUTE_IDEMPOTENT, VZ_UPLOAD_MAX_BODY },
  { "POST",   "content/bulk/tags",            _vz_route_content_bulk_tags,      VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
  { "POST",   "tags",                         _vz_route_tags_create,            VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "GET",    "content/:id/file",             _vz_route_content_file,           VZ_ROUTE_AUTH | VZ_ROUTE_DEVICE, BODY_NONE },
  { "GET",    "content/:id/thumbnail",        _vz_route_content_thumbnail,      VZ_ROUTE_AUTH | VZ_ROUTE_DEVICE, BODY_NONE },
  { "GET",    "content",                      _vz_route_content_list,           VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "content",                      _vz_route_content_create,         VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "GET",    "content/:id",                  _vz_route_content_get,            VZ_ROUTE_AUTH, BODY_NONE },
  { "PATCH",  "content/:id",                  _vz_route_content_patch,          VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "DELETE", "content/:id",                  _vz_route_content_delete,         VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "content/:id/archive",          _vz_route_content_archive,        VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },

  { "GET",    "playlists",                    _vz_route_playlists_list,         VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "playlists",                    _vz_route_playlists_create,       VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_PLAYLIST },
  { "GET",    "playlists/:id",                _vz_route_playlists_get,          VZ_ROUTE_AUTH, BODY_NONE },
  { "PATCH",  "playlists/:id",                _vz_route_playlists_patch,        VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_PLAYLIST },
  { "DELETE", "playlists/:id",                _vz_route_playlists_delete,       VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "playlists/:id/duplicate",      _vz_route_playlists_duplicate,    VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "POST",   "playlists/:id/reorder",        _vz_route_playlists_reorder,      VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_PLAYLIST },
  { "POST",   "playlists/:id/items",          _vz_route_playlist_items_add,     VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "PATCH",  "playlists/:id/items/:item",    _vz_route_playlist_items_patch,   VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "DELETE", "playlists/:id/items/:item",    _vz_route_playlist_items_delete,  VZ_ROUTE_ADMIN | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },

  { "GET",    "notifications",                _vz_route_notifications_list,     VZ_ROUTE_AUTH, BODY_NONE },
  { "GET",    "notifications/unread-count",   _vz_route_notifications_unread,   VZ_ROUTE_AUTH, BODY_NONE },
  { "POST",   "notifications/read-all",       _vz_route_notifications_read_all, VZ_ROUTE_AUTH | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "PATCH",  "notifications/:id/read",       _vz_route_notifications_read,     VZ_ROUTE_AUTH | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },
  { "PATCH",  "notifications/:id/dismiss",    _vz_route_notifications_dismiss,  VZ_ROUTE_AUTH | VZ_ROUTE_IDEMPOTENT, BODY_SMALL },

  { "GET",    "analytics/summary",            _vz_route_analytics_summary,      VZ_ROUTE_AUTH, BODY_NONE },
  { "GET",    "analytics/device-metrics",     _vz_route_analytics_device_metrics, VZ_ROUTE_WRITE, BODY_NONE },
  { "GET",    "analytics/content-performance", _vz_route_analytics_content_performance, VZ_ROUTE_WRITE, BODY_NONE },
  { "GET",    "analytics/proof-of-play",      _vz_route_analytics_proof_of_play, VZ_ROUTE_WRITE, BODY_NONE },
  { "GET",    "analytics/proof-of-play.csv",  _vz_route_analytics_proof_of_play_csv, VZ_ROUTE_WRITE, BODY_NONE },

  { "POST",   "fleet/commands",               _vz_route_fleet_commands,         VZ_ROUTE_WRITE | VZ_ROUTE_IDEMPOTENT, BODY_LIST },
};

/* --- connections -------------------------------------------------------- */

void
_vz_server_close_after_reply (SoupServerMessage *msg)
{
  /* libsoup 3.2's server never closes an idle keep-alive connection that the
   * client hung up (it stays in CLOSE_WAIT and keeps its descriptor), so a
   * day of clients and simulated screens would exhaust the process's file
   * descriptors. Loopback connections are cheap to open: close after every
   * answer. The realtime hub's WebSockets are not affected. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

/* --- time and text ------------------------------------------------------ */

/* The "clock-file" testing aid of the server that set one, else NULL. */
static char *clock_file;

void
_vz_set_clock_file (const char *path)
{
  g_free (clock_file);
  clock_file = g_strdup (path);
}

gint64
_vz_now_ms (void)
{
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *ahead = NULL;

  if (clock_file != NULL && g_file_get_contents (clock_file, &ahead, NULL, NULL))
    now += g_ascii_strtoll (ahead, NULL, 10);
  return now;
}

char *
_vz_format_time (gint64 ms)
{
  time_t seconds = (time_t) (ms / 1000);
  int millis = (int) (ms % 1000);
  struct tm tm;

  if (millis < 0)
    {
      millis += 1000;
      seconds -= 1;
    }
  gmtime_r (&seconds, &tm);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

gboolean
_vz_parse_time (const char *text,
                gint64     *ms)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;
  *ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

char *
_vz_sanitize_text (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  /* Drop anything that looks like a tag, as the platform's input sanitizer
   * does; a lone '<' (as in "a < b") is kept. */
  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0'; p++)
    {
      if (*p == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
        {
          const char *end = strchr (p, '>');

          if (end != NULL)
            {
              p = end;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  return g_string_free (out, FALSE);
}

gboolean
_vz_is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

/* --- JSON --------------------------------------------------------------- */

gboolean
_vz_is_row_id (const char *id)
{
  return id != NULL && *id != '\0' && strlen (id) <= 128;
}

JsonNode *
_vz_node_from_builder (JsonBuilder *builder)
{
  return json_builder_get_root (builder);
}

void
_vz_builder_add_string_or_null (JsonBuilder *builder,
                                const char  *name,
                                const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
_vz_builder_add_time_or_null (JsonBuilder *builder,
                              const char  *name,
                              gint64       ms)
{
  json_builder_set_member_name (builder, name);
  if (ms > 0)
    {
      g_autofree char *text = _vz_format_time (ms);
      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

void
_vz_builder_add_column_time (JsonBuilder *builder,
                             const char  *name,
                             VzStmt      *stmt,
                             int          column)
{
  _vz_builder_add_time_or_null (builder, name,
                                vz_stmt_is_null (stmt, column) ? 0 : sqlite3_column_int64 (stmt, column));
}

void
_vz_builder_add_column_int_or_null (JsonBuilder *builder,
                                    const char  *name,
                                    VzStmt      *stmt,
                                    int          column)
{
  json_builder_set_member_name (builder, name);
  if (vz_stmt_is_null (stmt, column))
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, column));
}

void
_vz_builder_add_column_string (JsonBuilder *builder,
                               const char  *name,
                               VzStmt      *stmt,
                               int          column)
{
  _vz_builder_add_string_or_null (builder, name, vz_stmt_text (stmt, column));
}

char *
_vz_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

const char *
_vz_json_string (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
_vz_json_number (JsonObject *object,
                 const char *name,
                 double     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*value);
}

JsonObject *
_vz_json_object (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* --- requests ----------------------------------------------------------- */

static void
request_clear (VzRequest *req)
{
  if (req->msg != NULL)
    g_clear_signal_handler (&req->disconnected_id, req->msg);
  g_clear_object (&req->msg);
  g_clear_object (&req->server);
  g_clear_pointer (&req->path, g_free);
  g_clear_pointer (&req->segments, g_strfreev);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body_node, json_node_unref);
  g_clear_pointer (&req->problems, g_ptr_array_unref);
  g_clear_pointer (&req->user_id, g_free);
  g_clear_pointer (&req->organization_id, g_free);
  g_clear_pointer (&req->role, g_free);
  g_clear_pointer (&req->token_digest, g_free);
  g_clear_pointer (&req->session_id, g_free);
  g_clear_pointer (&req->reply_body, g_free);
}

static void
request_disconnected_cb (SoupServerMessage *msg,
                         gpointer           user_data)
{
  VzRequest *req = user_data;

  req->disconnected = TRUE;
}

void
_vz_request_pause (VzRequest *req)
{
  /* The handler is disconnected in request_clear, before the request is freed. */
  req->disconnected_id = g_signal_connect (req->msg, "disconnected", G_CALLBACK (request_disconnected_cb), req);
  req->paused = TRUE;
  soup_server_message_pause (req->msg);
}

VzRequest *
_vz_request_ref (VzRequest *req)
{
  return g_rc_box_acquire (req);
}

void
_vz_request_unref (VzRequest *req)
{
  g_rc_box_release_full (req, (GDestroyNotify) request_clear);
}

guint
_vz_success_status (VzRequest *req)
{
  /* NestJS answers POST with 201 unless a route says otherwise. */
  return g_str_equal (req->method, "POST") ? 201 : 200;
}

static void
reply_text (VzRequest *req,
            guint      status,
            char      *text)   /* transfer full */
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  if (req->disconnected)
    {
      /* Nobody is listening any more; answering a dead message is an error. */
      g_free (text);
      return;
    }
  req->reply_status = status;
  g_free (req->reply_body);
  req->reply_body = g_strdup (text);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  _vz_server_close_after_reply (req->msg);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
  if (req->paused)
    {
      req->paused = FALSE;
      soup_server_message_unpause (req->msg);
    }
}

void
_vz_reply_json (VzRequest *req,
                guint      status,
                JsonNode  *root)
{
  g_autoptr(JsonNode) owned = root;

  reply_text (req, status, _vz_json_to_string (owned));
}

void
_vz_reply_data (VzRequest *req,
                guint      status,
                JsonNode  *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "data");
  if (data != NULL)
    json_builder_add_value (builder, data);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  _vz_reply_json (req, status, json_builder_get_root (builder));
}

void
_vz_reply_page (VzRequest *req,
                JsonNode  *items,
                guint      page,
                guint      limit,
                gint64     total)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_add_value (builder, items);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, page);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, limit);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "totalPages");
  json_builder_add_int_value (builder, (total + limit - 1) / limit);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
}

/* The platform's error body: {statusCode, message (text or list), error}. */
static JsonNode *
error_body_new (guint       status,
                const char *message,
                GPtrArray  *messages)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "statusCode");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "message");
  if (messages != NULL && messages->len > 0)
    {
      json_builder_begin_array (builder);
      for (guint i = 0; i < messages->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (messages, i));
      json_builder_end_array (builder);
    }
  else
    json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, vz_server_status_phrase (status));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
reply_error_status (VzRequest  *req,
                    guint       status,
                    const char *message,
                    GPtrArray  *messages)
{
  _vz_reply_json (req, status, error_body_new (status, message, messages));
}

void
_vz_reply_error (VzRequest    *req,
                 const GError *error)
{
  guint status = vz_server_error_to_status (error);

  if (status == 500)
    {
      /* The peer cannot fix this; keep the details in our log, not theirs. */
      g_message ("%s %s failed: %s", req->method, req->path, error->message);
      reply_error_status (req, 500, "Something went wrong on the server. Try again later.", NULL);
      return;
    }
  if (status == 429)
    {
      const char *retry = g_object_get_data (G_OBJECT (req->msg), "vz-retry-after");

      if (retry != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                      "Retry-After", retry);
    }
  reply_error_status (req, status, error->message,
                      status == 400 ? req->problems : NULL);
}

/* --- validation --------------------------------------------------------- */

static void
add_problem (VzRequest  *req,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (VzRequest  *req,
             const char *format,
             ...)
{
  va_list ap;

  if (req->problems == NULL)
    req->problems = g_ptr_array_new_with_free_func (g_free);
  va_start (ap, format);
  g_ptr_array_add (req->problems, g_strdup_vprintf (format, ap));
  va_end (ap);
}

static gboolean
problems_to_error (VzRequest  *req,
                   GError    **error)
{
  if (req->problems == NULL || req->problems->len == 0)
    return TRUE;
  g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       g_ptr_array_index (req->problems, 0));
  return FALSE;
}

void
_vz_request_add_problem (VzRequest  *req,
                         const char *message)
{
  add_problem (req, "%s", message);
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
check_string_length (VzRequest         *req,
                     const VzFieldSpec *field,
                     JsonNode          *node)
{
  const char *value = json_node_get_string (node);

  if (!g_utf8_validate (value, -1, NULL))
    add_problem (req, "%s must be valid UTF-8 text", field->name);
  else if (field->max_length > 0 && g_utf8_strlen (value, -1) > (glong) field->max_length)
    add_problem (req, "%s must be shorter than or equal to %u characters", field->name, field->max_length);
  else if (field->required)
    {
      g_autofree char *clean = _vz_sanitize_text (value);

      if (*clean == '\0')
        add_problem (req, "%s should not be empty", field->name);
    }
}

gboolean
_vz_request_check_body (VzRequest         *req,
                        const VzFieldSpec *spec,
                        guint              n_spec,
                        GError           **error)
{
  g_autoptr(GList) members = NULL;

  if (req->body == NULL)
    {
      /* No body at all is an empty object: only required members fail. */
      for (guint i = 0; i < n_spec; i++)
        if (spec[i].required)
          add_problem (req, "%s should not be empty", spec[i].name);
      return problems_to_error (req, error);
    }

  members = json_object_get_members (req->body);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < n_spec && !known; i++)
        known = g_str_equal (spec[i].name, l->data);
      if (!known)
        add_problem (req, "property %s should not exist", (const char *) l->data);
    }

  for (guint i = 0; i < n_spec; i++)
    {
      const VzFieldSpec *field = &spec[i];
      JsonNode *node = json_object_get_member (req->body, field->name);

      if (node == NULL)
        {
          if (field->required)
            add_problem (req, "%s should not be empty", field->name);
          continue;
        }

      switch (field->type)
        {
        case VZ_FIELD_STRING_OR_NULL:
          if (JSON_NODE_HOLDS_NULL (node))
            break;
          G_GNUC_FALLTHROUGH;
        case VZ_FIELD_STRING:
          if (!node_is_string (node))
            add_problem (req, "%s must be a string", field->name);
          else
            check_string_length (req, field, node);
          break;

        case VZ_FIELD_BOOLEAN:
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            add_problem (req, "%s must be a boolean value", field->name);
          break;

        case VZ_FIELD_NUMBER:
          if (!JSON_NODE_HOLDS_VALUE (node) ||
              (json_node_get_value_type (node) != G_TYPE_INT64 &&
               json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
              !isfinite (json_node_get_double (node)))
            add_problem (req, "%s must be a number conforming to the specified constraints", field->name);
          break;

        case VZ_FIELD_ANY:
          break;

        case VZ_FIELD_OBJECT:
          if (!JSON_NODE_HOLDS_OBJECT (node))
            add_problem (req, "%s must be an object", field->name);
          break;

        case VZ_FIELD_ARRAY:
          if (!JSON_NODE_HOLDS_ARRAY (node))
            add_problem (req, "%s must be an array", field->name);
          break;

        case VZ_FIELD_STRING_ARRAY:
          if (!JSON_NODE_HOLDS_ARRAY (node))
            add_problem (req, "%s must be an array", field->name);
          else
            {
              JsonArray *array = json_node_get_array (node);
              guint len = json_array_get_length (array);
              gboolean bad = FALSE;

              if (len < 1)
                add_problem (req, "%s must contain at least 1 elements", field->name);
              else if (len > 100)
                add_problem (req, "%s must contain no more than 100 elements", field->name);
              for (guint j = 0; j < len && !bad; j++)
                {
                  JsonNode *item = json_array_get_element (array, j);

                  if (!node_is_string (item) || *json_node_get_string (item) == '\0' ||
                      strlen (json_node_get_string (item)) > 128)
                    {
                      add_problem (req, "each value in %s must be a non-empty id", field->name);
                      bad = TRUE;
                    }
                }
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return problems_to_error (req, error);
}

gboolean
_vz_request_has_member (VzRequest  *req,
                        const char *name)
{
  return req->body != NULL && json_object_has_member (req->body, name);
}

/* NULL when the request came without a body (empty or only white space). */
static JsonNode *
body_member (VzRequest  *req,
             const char *name)
{
  return req->body != NULL ? json_object_get_member (req->body, name) : NULL;
}

char *
_vz_request_dup_string (VzRequest  *req,
                        const char *name)
{
  JsonNode *node = body_member (req, name);

  if (node == NULL || !node_is_string (node))
    return NULL;
  return _vz_sanitize_text (json_node_get_string (node));
}

JsonArray *
_vz_request_get_array (VzRequest  *req,
                       const char *name)
{
  JsonNode *node = body_member (req, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

gboolean
_vz_request_check_query (VzRequest          *req,
                         const char * const *allowed,
                         GError            **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, req->query);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (allowed == NULL || !g_strv_contains (allowed, key))
        add_problem (req, "property %s should not exist", (const char *) key);
    }
  return problems_to_error (req, error);
}

static gboolean
parse_positive (VzRequest  *req,
                const char *name,
                guint       fallback,
                guint       max,
                guint      *out)
{
  const char *text = g_hash_table_lookup (req->query, name);
  gint64 value;

  *out = fallback;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    {
      add_problem (req, "%s must be an integer number", name);
      return FALSE;
    }
  if (value < 1)
    {
      add_problem (req, "%s must not be less than 1", name);
      return FALSE;
    }
  if (max > 0 && value > max)
    {
      add_problem (req, "%s must not be greater than %u", name, max);
      return FALSE;
    }
  /* Pages past the end are answered empty; the cap only keeps OFFSET sane. */
  *out = (guint) MIN (value, (gint64) G_MAXINT32);
  return TRUE;
}

gboolean
_vz_request_check_choice (VzRequest          *req,
                          const char         *name,
                          const char * const *allowed,
                          GError            **error)
{
  const char *value = g_hash_table_lookup (req->query, name);
  g_autofree char *choices = NULL;

  if (value == NULL || g_strv_contains (allowed, value))
    return TRUE;
  choices = g_strjoinv (", ", (char **) allowed);
  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
               "%s must be one of the following values: %s", name, choices);
  return FALSE;
}

gboolean
_vz_request_pagination (VzRequest  *req,
                        guint      *page,
                        guint      *limit,
                        GError    **error)
{
  parse_positive (req, "page", 1, 0, page);
  parse_positive (req, "limit", 10, 100, limit);
  return problems_to_error (req, error);
}

gboolean
_vz_request_check_if_match (VzRequest  *req,
                            gint64      updated_at,
                            const char *what,
                            GError    **error)
{
  const char *header;
  g_autofree char *value = NULL;
  g_autofree char *current = NULL;
  gint64 ms;
  char *p;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "If-Match");
  if (header == NULL)
    return TRUE;

  value = g_strstrip (g_strdup (header));
  if (g_str_equal (value, "*"))
    return TRUE;

  p = value;
  if (g_str_has_prefix (p, "W/"))
    p += 2;
  if (*p == '"')
    {
      gsize len = strlen (p);

      p++;
      if (len >= 2 && p[len - 2] == '"')
        p[len - 2] = '\0';
    }

  current = _vz_format_time (updated_at);
  if (g_str_equal (p, current) || (_vz_parse_time (p, &ms) && ms == updated_at))
    return TRUE;

  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_PRECONDITION_FAILED,
               "The %s was changed by someone else since you loaded it (now at %s).", what, current);
  return FALSE;
}

gint64
_vz_next_updated_at (VzRequest *req,
                     gint64     previous)
{
  return MAX (req->now, previous + 1);
}

void
_vz_apply_change (char     **field,
                  char      *value,
                  gboolean  *changed)
{
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = value;
      *changed = TRUE;
    }
  else
    g_free (value);
}

gboolean
_vz_request_patch_name (VzRequest  *req,
                        char      **name,
                        GError    **error)
{
  *name = NULL;
  if (!_vz_request_has_member (req, "name"))
    return TRUE;
  *name = _vz_request_dup_string (req, "name");
  if (*name == NULL || **name == '\0')
    {
      g_clear_pointer (name, g_free);
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "name should not be empty");
      return FALSE;
    }
  return TRUE;
}

VzStmt *
_vz_select_owned_row (VzServer        *self,
                      const VzRowKind *kind,
                      const char      *organization_id,
                      const char      *id,
                      GError         **error)
{
  VzStmt *stmt;

  if (!kind->valid_id (id))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, kind->not_found);
      return NULL;
    }
  stmt = vz_db_prepare (self->db, kind->select_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      vz_stmt_release (stmt);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, kind->not_found);
      return NULL;
    }
  return stmt;
}

VzStmt *
_vz_select_for_change (VzServer        *self,
                       VzRequest       *req,
                       const VzRowKind *kind,
                       GError         **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, kind, req->organization_id, req->params[0], error);

  if (stmt == NULL)
    return NULL;
  if (!_vz_request_check_if_match (req, sqlite3_column_int64 (stmt, kind->updated_column), kind->what, error))
    return NULL;
  return g_steal_pointer (&stmt);
}

gboolean
_vz_reply_rows (VzServer     *self,
                VzRequest    *req,
                guint         page,
                guint         limit,
                const char   *count_sql,
                const char   *page_sql,
                VzBindFunc    bind,
                gpointer      bind_data,
                VzAddRowFunc  add_row,
                GError      **error)
{
  g_autoptr(VzStmt) count = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 total;

  count = vz_db_prepare (self->db, count_sql, error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_text (count, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  if (bind != NULL)
    bind (count, bind_data);
  total = sqlite3_step (count) == SQLITE_ROW ? sqlite3_column_int64 (count, 0) : 0;

  stmt = vz_db_prepare (self->db, page_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, (int) limit);
  sqlite3_bind_int64 (stmt, 3, ((gint64) page - 1) * limit);
  if (bind != NULL)
    bind (stmt, bind_data);

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      if (!add_row (self, builder, stmt, error))
        return FALSE;
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  _vz_reply_page (req, json_builder_get_root (builder), page, limit, total);
  return TRUE;
}

gboolean
_vz_reply_list (VzServer     *self,
                VzRequest    *req,
                const char   *count_sql,
                const char   *page_sql,
                VzAddRowFunc  add_row,
                GError      **error)
{
  static const char * const keys[] = { "page", "limit", NULL };
  guint page, limit;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_request_pagination (req, &page, &limit, error))
    return FALSE;
  return _vz_reply_rows (self, req, page, limit, count_sql, page_sql, NULL, NULL, add_row, error);
}

/* --- dispatch ----------------------------------------------------------- */

static const VzRoute *
match_route (VzRequest *req,
             gboolean  *path_known)
{
  guint n_segments = g_strv_length (req->segments);

  static GStrv patterns[G_N_ELEMENTS (routes)];
  static gsize patterns_ready = 0;

  /* Split once per process, not once per request. */
  if (g_once_init_enter (&patterns_ready))
    {
      for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
        patterns[i] = g_strsplit (routes[i].pattern, "/", -1);
      g_once_init_leave (&patterns_ready, 1);
    }

  *path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      char **pattern = patterns[i];
      const char *params[VZ_MAX_PARAMS] = { NULL, };
      guint n_params = 0;
      gboolean ok;

      if (g_strv_length (pattern) != n_segments)
        continue;

      ok = TRUE;
      for (guint s = 0; s < n_segments && ok; s++)
        {
          if (pattern[s][0] == ':')
            {
              if (req->segments[s][0] == '\0' || n_params >= VZ_MAX_PARAMS)
                ok = FALSE;
              else
                params[n_params++] = req->segments[s];
            }
          else
            ok = g_str_equal (pattern[s], req->segments[s]);
        }
      if (!ok)
        continue;

      *path_known = TRUE;
      if (!g_str_equal (routes[i].method, req->method))
        continue;

      memcpy (req->params, params, sizeof params);
      return &routes[i];
    }
  return NULL;
}

static gboolean
parse_body (VzRequest  *req,
            GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  const char *data;
  gsize size;

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);

  /* Whitespace-only bodies count as no body, like an empty POST. */
  while (size > 0 && g_ascii_isspace (*data))
    {
      data++;
      size--;
    }
  if (size == 0)
    return TRUE;

  /* The wire reader is strict RFC 8259 (no single quotes, one value, no
   * escaped NUL, valid UTF-8) and refuses nesting beyond
   * VZ_WIRE_JSON_MAX_DEPTH before it could exhaust the stack. What a peer
   * stores must be text: lone surrogates are refused too. */
  root = vz_wire_json_parse_full (data, size, VZ_WIRE_JSON_NO_LONE_SURROGATES, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, local_error->message);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "The request body must be a JSON object.");
      return FALSE;
    }

  req->body_node = g_steal_pointer (&root);
  req->body = json_node_get_object (req->body_node);
  return TRUE;
}

const char *
_vz_request_idempotency_key (VzRequest *req)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                       "Idempotency-Key");
}

/* TRUE when a stored answer was replayed. */
static gboolean
idempotency_replay (VzServer   *self,
                    VzRequest  *req,
                    const char *key,
                    GError    **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  int rc;

  stmt = vz_db_prepare (self->db,
                        "SELECT method, path, status, body FROM idempotency_keys"
                        " WHERE user_id = ?1 AND key = ?2 AND created_at > ?3",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, req->now - VZ_IDEMPOTENCY_TTL_MS);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return FALSE;

  if (!g_str_equal (vz_stmt_text (stmt, 0), req->method) || !g_str_equal (vz_stmt_text (stmt, 1), req->path))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                   "This Idempotency-Key was already used for a different request.");
      return FALSE;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Idempotent-Replayed", "true");
  reply_text (req, (guint) sqlite3_column_int (stmt, 2), g_strdup (vz_stmt_text (stmt, 3)));
  return TRUE;
}

void
_vz_server_idempotency_store (VzServer   *self,
                              VzRequest  *req,
                              const char *key,
                              guint       status,
                              const char *body)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = vz_db_prepare (self->db,
                        "INSERT OR REPLACE INTO idempotency_keys (user_id, key, method, path, status, body, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, req->user_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, req->method, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, req->path, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 5, (int) status);
      sqlite3_bind_text (stmt, 6, body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 7, req->now);
      vz_db_step_done (self->db, stmt, &error);
    }
  /* The answer was already given; losing the key only loses replay. */
  if (error != NULL)
    g_message ("Could not remember an Idempotency-Key: %s", error->message);
}

static void
reply_health (VzRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = _vz_format_time (req->now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, now);
  /* The app's About window names the version of the server it talks to. */
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
}

static gboolean
dispatch (VzServer   *self,
          VzRequest  *req,
          GError    **error)
{
  const VzRoute *route;
  gboolean path_known;
  const char *key = NULL;

  route = match_route (req, &path_known);
  if (route == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND,
                   "Cannot %s %s%s", req->method, VZ_API_PREFIX, req->path);
      return FALSE;
    }

  if (route->func == NULL)
    {
      reply_health (req);
      return TRUE;
    }

  if (!(route->flags & VZ_ROUTE_PUBLIC))
    {
      if (!_vz_server_authenticate_request (self, req, error))
        {
          if (!(route->flags & VZ_ROUTE_DEVICE) || !_vz_server_authenticate_device (self, req))
            return FALSE;
          g_clear_error (error);
        }
      if ((route->flags & (VZ_ROUTE_WRITE | VZ_ROUTE_ADMIN)) && g_str_equal (req->role, "viewer"))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FORBIDDEN,
                       "Your role (viewer) may only look, not change anything.");
          return FALSE;
        }
      if ((route->flags & VZ_ROUTE_ADMIN) && !g_str_equal (req->role, "admin"))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FORBIDDEN,
                       "Only an administrator may delete this.");
          return FALSE;
        }
    }

  /* A streamed body went to the route as it arrived: nothing is gathered. */
  if (!(route->flags & VZ_ROUTE_STREAM) && !parse_body (req, error))
    return FALSE;

  if ((route->flags & VZ_ROUTE_IDEMPOTENT) && (key = _vz_request_idempotency_key (req)) != NULL)
    {
      gboolean replayed;

      if (*key == '\0' || strlen (key) > 255)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "The Idempotency-Key header must be 1 to 255 characters long.");
          return FALSE;
        }
      replayed = idempotency_replay (self, req, key, error);
      if (replayed)
        return TRUE;
      if (error != NULL && *error != NULL)
        return FALSE;
    }

  /* A streamed route answers later, from its own callback: it records the
   * key itself, in the transaction of its change. */
  if (key == NULL || (route->flags & VZ_ROUTE_STREAM))
    return route->func (self, req, error);

  /* The change and the record of its key commit together: a crash between
   * them would otherwise let a replay apply the change a second time. */
  if (!vz_db_begin (self->db, error))
    return FALSE;
  if (!route->func (self, req, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }
  if (req->reply_status >= 200 && req->reply_status < 300)
    _vz_server_idempotency_store (self, req, key, req->reply_status, req->reply_body);
  if (!vz_db_commit (self->db, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }
  return TRUE;
}

/* --- fault injection (testing aid) --------------------------------------- */

/* Reads a fault order from the fault file, if there is one, and removes the
 * file so that the order is carried out once. Bad orders are reported and
 * dropped: a typo in a test must not look like a server failure. */
static void
fault_load (VzServer *self)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) words = NULL;
  guint64 count = 0;
  guint status;

  if (!g_file_get_contents (self->fault_file, &contents, NULL, NULL))
    return;
  g_unlink (self->fault_file);

  words = g_strsplit_set (g_strstrip (contents), " \t\n", -1);
  if ((g_strv_length (words) != 2 && g_strv_length (words) != 3) ||
      !g_ascii_string_to_unsigned (words[1], 10, 1, G_MAXUINT32, &count, NULL))
    goto bad;
  if (g_str_equal (words[0], "503"))
    status = 503;
  else if (g_str_equal (words[0], "500"))
    status = 500;
  else if (g_str_equal (words[0], "drop"))
    status = 0;
  else
    goto bad;

  /* An optional method ("503 5 PATCH") aims the burst at changes only. */
  g_clear_pointer (&self->fault_method, g_free);
  if (words[2] != NULL)
    {
      if (!g_str_equal (words[2], "GET") && !g_str_equal (words[2], "POST") &&
          !g_str_equal (words[2], "PATCH") && !g_str_equal (words[2], "DELETE"))
        goto bad;
      self->fault_method = g_strdup (words[2]);
    }
  self->fault_status = status;
  self->fault_remaining = (guint) count;
  return;

bad:
  g_message ("Ignoring the fault file %s: it should say “503 N”, “500 N” or “drop N” "
             "(optionally followed by GET, POST, PATCH or DELETE), not “%s”.",
             self->fault_file, contents);
}

/* TRUE when the request was answered (or dropped) by an injected fault. */
static gboolean
fault_inject (VzServer  *self,
              VzRequest *req)
{
  if (self->fault_file == NULL || g_str_equal (req->path, "/health"))
    return FALSE;
  if (self->fault_remaining == 0)
    fault_load (self);
  if (self->fault_remaining == 0 ||
      (self->fault_method != NULL && !g_str_equal (self->fault_method, req->method)))
    return FALSE;

  self->fault_remaining--;
  if (self->fault_status == 0)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (req->msg);

      /* The client sees the connection close without an answer, as when a
       * proxy or the server process dies mid-request. */
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      req->disconnected = TRUE;
      return TRUE;
    }

  reply_error_status (req, self->fault_status,
                      self->fault_status == 503
                        ? "The server is temporarily unavailable. Try again later."
                        : "Something went wrong on the server. Try again later.",
                      NULL);
  return TRUE;
}

static void
api_handler (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  VzServer *self = user_data;
  g_autoptr(VzRequest) req = NULL;
  g_autoptr(GError) error = NULL;
  const char *rest;

  if (g_str_has_prefix (path, VZ_API_PREFIX "/media/"))
    {
      _vz_server_serve_media (self, msg, path + strlen (VZ_API_PREFIX "/media/"));
      return;
    }

  req = g_rc_box_new0 (VzRequest);
  req->server = g_object_ref (self);
  req->msg = g_object_ref (msg);
  req->method = soup_server_message_get_method (msg);
  req->now = _vz_now_ms ();
  req->query = query != NULL ? g_hash_table_ref (query)
                             : g_hash_table_new (g_str_hash, g_str_equal);

  rest = g_str_has_prefix (path, VZ_API_PREFIX) ? path + strlen (VZ_API_PREFIX) : path;
  req->path = g_strdup (*rest != '\0' ? rest : "/");
  /* A trailing slash names the same resource. */
  while (strlen (req->path) > 1 && g_str_has_suffix (req->path, "/"))
    req->path[strlen (req->path) - 1] = '\0';
  req->segments = g_strsplit (req->path[0] == '/' ? req->path + 1 : req->path, "/", -1);

  if (fault_inject (self, req))
    return;
  if (!dispatch (self, req, &error))
    _vz_reply_error (req, error);
}

static void
root_health_handler (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  g_autoptr(VzRequest) req = g_rc_box_new0 (VzRequest);

  req->msg = g_object_ref (msg);
  req->method = soup_server_message_get_method (msg);
  req->now = _vz_now_ms ();
  req->path = g_strdup (path);
  if (!g_str_equal (path, "/health"))
    {
      g_autoptr(GError) error = g_error_new (VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND,
                                             "Cannot %s %s", req->method, path);
      _vz_reply_error (req, error);
      return;
    }
  reply_health (req);
}

void
_vz_server_refuse (SoupServerMessage *msg,
                   guint              status,
                   const char        *message)
{
  g_autoptr(JsonNode) node = error_body_new (status, message, NULL);
  g_autofree char *body = _vz_json_to_string (node);

  vz_listener_refuse (msg, status, "application/json; charset=utf-8", body);
}

/* Caps what libsoup reads of the body at @max bytes, or refuses a body to a
 * path that takes none. */
static void
limit_body (SoupServerMessage *msg,
            const char        *path,
            gboolean           known,
            gsize              max)
{
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *too_large = NULL;
  g_autofree char *size = NULL;

  if (!known)
    {
      /* Whatever comes with it, the answer is 404: no need to read it. */
      if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_NONE &&
          (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
           soup_message_headers_get_content_length (headers) > 0))
        {
          g_autofree char *message = g_strdup_printf ("Cannot %s %s", method, path);
          _vz_server_refuse (msg, SOUP_STATUS_NOT_FOUND, message);
        }
      return;
    }

  size = g_format_size (max);
  if (max == 0)
    node = error_body_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "This request takes no body.", NULL);
  else
    {
      g_autofree char *message = g_strdup_printf ("The request body is larger than the %s this request accepts.",
                                                  size);
      node = error_body_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message, NULL);
    }
  too_large = _vz_json_to_string (node);
  vz_listener_limit_body (msg, max, too_large);
}

/* The route a request is for, from its method and path alone (NULL: none). */
static const VzRoute *
route_for (const char *method,
           const char *path,
           gboolean   *path_known)
{
  VzRequest probe = { 0, };
  g_autofree char *rest = NULL;
  g_auto(GStrv) segments = NULL;
  const VzRoute *route;

  rest = g_strdup (g_str_has_prefix (path, VZ_API_PREFIX) ? path + strlen (VZ_API_PREFIX) : path);
  while (strlen (rest) > 1 && g_str_has_suffix (rest, "/"))
    rest[strlen (rest) - 1] = '\0';
  segments = g_strsplit (rest[0] == '/' ? rest + 1 : rest, "/", -1);
  probe.method = method;
  probe.segments = segments;
  route = match_route (&probe, path_known);
  probe.segments = NULL;
  return route;
}

static void
early_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean path_known = FALSE;
  const VzRoute *route;

  if (g_str_has_prefix (path, VZ_API_PREFIX "/media/"))
    {
      limit_body (msg, path, TRUE, BODY_NONE);
      return;
    }
  route = route_for (method, path, &path_known);
  if (route != NULL && (route->flags & VZ_ROUTE_STREAM))
    {
      _vz_server_upload_begin (user_data, msg);
      return;
    }
  /* A known path with another method is answered 404 too, but like a route
   * that takes no body. */
  limit_body (msg, path, path_known, route != NULL ? route->max_body : BODY_NONE);
}

/* /health and every path outside the API take no body. */
static void
root_early_handler (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  limit_body (msg, path, g_str_equal (path, "/health"), BODY_NONE);
}

void
_vz_server_http_attach (VzServer *self)
{
  soup_server_add_early_handler (self->soup, VZ_API_PREFIX, early_handler, self, NULL);
  soup_server_add_handler (self->soup, VZ_API_PREFIX, api_handler, self, NULL);
  soup_server_add_early_handler (self->soup, "/health", root_early_handler, self, NULL);
  soup_server_add_handler (self->soup, "/health", root_health_handler, self, NULL);
  /* Everything else: a JSON 404 that also closes the connection. */
  soup_server_add_early_handler (self->soup, NULL, root_early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, root_health_handler, self, NULL);
}
