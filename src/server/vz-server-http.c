/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "vz-server-health-private.h"
#include "vz-wire-json.h"

/*
 * The REST plumbing of VzServer: one SoupServer handler for /api/v1 that
 * matches the route table, authenticates, checks roles, parses and limits the
 * body, replays Idempotency-Key answers, and turns GErrors into the
 * platform's un-enveloped error bodies. The checks handlers make of a
 * request are in vz-server-validate.c, the clock and JSON helpers in
 * vz-server-text.c, and the handlers in the other vz-server-*.c files.
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
  if (req->disconnected_id == 0)
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
      if (!req->held)
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
  else if (g_str_equal (words[0], "slow"))
    status = VZ_FAULT_SLOW;
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
  g_message ("Ignoring the fault file %s: it should say “503 N”, “500 N”, “drop N” or “slow N” "
             "(optionally followed by GET, POST, PATCH or DELETE), not “%s”.",
             self->fault_file, contents);
}

static gboolean
slow_reply_cb (gpointer user_data)
{
  VzRequest *req = user_data;

  req->held = FALSE;
  /* A handler still at work (paused itself) sends its answer when done. */
  if (!req->disconnected && !req->paused)
    soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
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
  if (self->fault_status == VZ_FAULT_SLOW)
    {
      /* Answered as usual, at once, but sent a second late: a slow network.
       * The answer was written before what happens in that second. */
      _vz_request_pause (req);
      req->paused = FALSE;
      req->held = TRUE;
      g_timeout_add_full (G_PRIORITY_DEFAULT, VZ_FAULT_SLOW_MS, slow_reply_cb, _vz_request_ref (req),
                          (GDestroyNotify) _vz_request_unref);
      return FALSE;
    }
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
