/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-server-private.h"

/*
 * Content records: the library that playlists are made of. This file keeps
 * the rows themselves (list with filters, detail, web pages and HTML by URL,
 * rename, duration, archive, delete); uploaded files add rows through the
 * same table.
 */

#define CONTENT_COLUMNS \
  "c.id, c.organization_id, c.name, c.type, c.url, c.mime_type, c.file_hash, c.file_size," \
  " c.duration, c.thumbnail, c.status, c.folder_id, c.metadata, c.created_at, c.updated_at"

enum {
  COL_ID,
  COL_ORGANIZATION,
  COL_NAME,
  COL_TYPE,
  COL_URL,
  COL_MIME_TYPE,
  COL_FILE_HASH,
  COL_FILE_SIZE,
  COL_DURATION,
  COL_THUMBNAIL,
  COL_STATUS,
  COL_FOLDER,
  COL_METADATA,
  COL_CREATED,
  COL_UPDATED,
};

#define CONTENT_URL_MAX 2048

static const char * const content_types[] = { "image", "video", "url", "html", "pdf", NULL };
static const char * const content_statuses[] = { "active", "archived", NULL };

static const VzFieldSpec create_spec[] = {
  { "name", VZ_FIELD_STRING, TRUE, 255 },
  { "type", VZ_FIELD_STRING, TRUE, 16 },
  { "url", VZ_FIELD_STRING, TRUE, CONTENT_URL_MAX },
  { "duration", VZ_FIELD_NUMBER, FALSE, 0 },
  { "metadata", VZ_FIELD_OBJECT, FALSE, 0 },
};

static const VzFieldSpec update_spec[] = {
  { "name", VZ_FIELD_STRING, FALSE, 255 },
  /* [local]: "active" brings archived content back. */
  { "status", VZ_FIELD_STRING, FALSE, 16 },
  { "url", VZ_FIELD_STRING, FALSE, CONTENT_URL_MAX },
  { "duration", VZ_FIELD_NUMBER, FALSE, 0 },
  { "metadata", VZ_FIELD_OBJECT, FALSE, 0 },
};

static const VzRowKind content_kind = {
  "SELECT " CONTENT_COLUMNS " FROM content c WHERE c.id = ?1 AND c.organization_id = ?2",
  COL_UPDATED, _vz_is_row_id, "content", "Content not found",
};

gboolean
_vz_json_integer (JsonNode    *node,
                  const char  *name,
                  gint64       min,
                  gint64       max,
                  gint64      *value,
                  GError     **error)
{
  double number;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "%s must be an integer number", name);
      return FALSE;
    }
  number = json_node_get_double (node);
  if (!isfinite (number) || number != floor (number))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "%s must be an integer number", name);
      return FALSE;
    }
  if (number < (double) min)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "%s must not be less than %" G_GINT64_FORMAT, name, min);
      return FALSE;
    }
  if (number > (double) max)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "%s must not be greater than %" G_GINT64_FORMAT, name, max);
      return FALSE;
    }
  *value = (gint64) number;
  return TRUE;
}

gboolean
_vz_request_integer (VzRequest   *req,
                     const char  *name,
                     gint64       min,
                     gint64       max,
                     gint64      *value,
                     GError     **error)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, name) : NULL;

  return node == NULL || _vz_json_integer (node, name, min, max, value, error);
}

/* What a screen can open: an absolute http(s) URL with a host. */
static gboolean
check_web_url (const char  *url,
               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url != NULL)
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "url must be a web address starting with http:// or https://");
      return FALSE;
    }
  return TRUE;
}

/* The metadata column as JSON; '{}' when it does not parse. */
static void
add_metadata (JsonBuilder *builder,
              VzStmt      *stmt)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *text = vz_stmt_text (stmt, COL_METADATA);

  json_builder_set_member_name (builder, "metadata");
  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
}

static gboolean
add_content_tags (VzServer    *self,
                  JsonBuilder *builder,
                  const char  *content_id,
                  GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT t.id, t.name, t.color FROM content_tags ct"
                                          " JOIN tags t ON t.id = ct.tag_id"
                                          " WHERE ct.content_id = ?1 ORDER BY t.name, t.id",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, content_id, -1, SQLITE_TRANSIENT);

  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "tag");
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "id", stmt, 0);
      _vz_builder_add_column_string (builder, "name", stmt, 1);
      _vz_builder_add_column_string (builder, "color", stmt, 2);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

static gboolean
add_content (VzServer    *self,
             JsonBuilder *builder,
             VzStmt      *stmt,
             gboolean     detail,
             GError     **error)
{
  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "organizationId", stmt, COL_ORGANIZATION);
  _vz_builder_add_column_string (builder, "name", stmt, COL_NAME);
  _vz_builder_add_column_string (builder, "type", stmt, COL_TYPE);
  _vz_builder_add_column_media_url (self, builder, "thumbnail", stmt, COL_THUMBNAIL);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, COL_DURATION));
  _vz_builder_add_column_int_or_null (builder, "fileSize", stmt, COL_FILE_SIZE);
  _vz_builder_add_column_string (builder, "status", stmt, COL_STATUS);
  _vz_builder_add_column_string (builder, "folderId", stmt, COL_FOLDER);
  _vz_builder_add_column_time (builder, "createdAt", stmt, COL_CREATED);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);
  if (detail)
    {
      _vz_builder_add_column_media_url (self, builder, "url", stmt, COL_URL);
      _vz_builder_add_column_string (builder, "mimeType", stmt, COL_MIME_TYPE);
      _vz_builder_add_column_string (builder, "fileHash", stmt, COL_FILE_HASH);
      add_metadata (builder, stmt);
    }
  return add_content_tags (self, builder, vz_stmt_text (stmt, COL_ID), error);
}

JsonNode *
_vz_server_content_json (VzServer    *self,
                         const char  *organization_id,
                         const char  *content_id,
                         GError     **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &content_kind, organization_id, content_id, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (!add_content (self, builder, stmt, TRUE, error))
    return NULL;
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
reply_content (VzServer   *self,
               VzRequest  *req,
               const char *content_id,
               guint       status,
               GError    **error)
{
  JsonNode *node = _vz_server_content_json (self, req->organization_id, content_id, error);

  if (node == NULL)
    return FALSE;
  _vz_reply_data (req, status, node);
  return TRUE;
}

/* A query value that must be one of @allowed, or absent. */
/* A LIKE pattern that matches @text literally anywhere (escape character '\'). */
static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* ?tagIds=a,b or ?tagIds=a&tagIds=b (the query table keeps the last one, so
 * the comma form is what a client should send): the content must carry every
 * one of them. *@json is a JSON array text for json_each(), NULL when no
 * tag is named. */
static gboolean
tag_ids_json (VzRequest  *req,
              char      **json,
              guint      *n_tags,
              GError    **error)
{
  const char *value = g_hash_table_lookup (req->query, "tagIds");
  g_auto(GStrv) parts = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  *json = NULL;
  *n_tags = 0;
  if (value == NULL)
    return TRUE;
  parts = g_strsplit (value, ",", -1);
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *id = g_strstrip (parts[i]);

      if (*id == '\0')
        continue;
      if (strlen (id) > 128 || *n_tags >= 100)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "tagIds must name at most 100 tags by id");
          return FALSE;
        }
      json_builder_add_string_value (builder, id);
      (*n_tags)++;
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  if (*n_tags > 0)
    *json = _vz_json_to_string (root);
  return TRUE;
}

/* Content filtered by ?type, ?status, ?search (name, any case) and ?tagIds;
 * an absent filter is bound as NULL and matches everything. */
#define CONTENT_FILTER \
  " WHERE c.organization_id = ?1" \
  " AND (?4 IS NULL OR c.type = ?4)" \
  " AND (?5 IS NULL OR c.status = ?5)" \
  " AND (?6 IS NULL OR c.name LIKE ?6 ESCAPE '\\')" \
  " AND (?7 IS NULL OR (SELECT COUNT(DISTINCT ct.tag_id) FROM content_tags ct" \
  "      WHERE ct.content_id = c.id AND ct.tag_id IN (SELECT value FROM json_each(?7))) = ?8)"

typedef struct {
  const char *type;
  const char *status;
  char       *search;
  char       *tags;
  guint       n_tags;
} ContentFilters;

static void
bind_filters (VzStmt   *stmt,
              gpointer  data)
{
  ContentFilters *filters = data;

  sqlite3_bind_text (stmt, 4, filters->type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, filters->status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, filters->search, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, filters->tags, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 8, (int) filters->n_tags);
}

static gboolean
add_content_row (VzServer    *self,
                 JsonBuilder *builder,
                 VzStmt      *stmt,
                 GError     **error)
{
  return add_content (self, builder, stmt, FALSE, error);
}

gboolean
_vz_route_content_list (VzServer   *self,
                        VzRequest  *req,
                        GError    **error)
{
  static const char * const keys[] = { "page", "limit", "type", "status", "search", "tagIds", NULL };
  g_autofree char *search = NULL;
  g_autofree char *tags = NULL;
  const char *search_text;
  ContentFilters filters = { NULL, };
  guint page, limit;

  if (!_vz_request_check_query (req, keys, error) ||
      !_vz_request_pagination (req, &page, &limit, error) ||
      !_vz_request_check_choice (req, "type", content_types, error) ||
      !_vz_request_check_choice (req, "status", content_statuses, error))
    return FALSE;

  search_text = g_hash_table_lookup (req->query, "search");
  if (search_text != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (search_text));

      if (g_utf8_strlen (trimmed, -1) > 120)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "search must be shorter than or equal to 120 characters");
          return FALSE;
        }
      if (*trimmed != '\0')
        search = like_pattern (trimmed);
    }
  if (!tag_ids_json (req, &tags, &filters.n_tags, error))
    return FALSE;

  filters.type = g_hash_table_lookup (req->query, "type");
  filters.status = g_hash_table_lookup (req->query, "status");
  filters.search = search;
  filters.tags = tags;
  return _vz_reply_rows (self, req, page, limit,
                         "SELECT COUNT(*) FROM content c" CONTENT_FILTER,
                         "SELECT " CONTENT_COLUMNS " FROM content c" CONTENT_FILTER
                         " ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3",
                         bind_filters, &filters, add_content_row, error);
}

gboolean
_vz_route_content_get (VzServer   *self,
                       VzRequest  *req,
                       GError    **error)
{
  static const char * const no_keys[] = { NULL };

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  return reply_content (self, req, req->params[0], 200, error);
}

static char *
metadata_text (VzRequest *req)
{
  JsonNode *node = req->body != NULL ? json_object_get_member (req->body, "metadata") : NULL;

  return node != NULL ? _vz_json_to_string (node) : NULL;
}

gboolean
_vz_route_content_create (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;
  g_autofree char *type = NULL;
  g_autofree char *url = NULL;
  g_autofree char *metadata = NULL;
  gint64 duration = VZ_CONTENT_DEFAULT_DURATION;

  if (!_vz_request_check_body (req, create_spec, G_N_ELEMENTS (create_spec), error))
    return FALSE;
  name = _vz_request_dup_string (req, "name");
  type = _vz_request_dup_string (req, "type");
  url = g_strstrip (g_strdup (_vz_json_string (req->body, "url")));
  if (*name == '\0')
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "name should not be empty");
      return FALSE;
    }
  if (!g_strv_contains (content_types, type))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "type must be one of the following values: image, video, url, html, pdf");
      return FALSE;
    }
  if (!g_str_equal (type, "url") && !g_str_equal (type, "html"))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "Content of type %s is added by uploading its file (POST /content/upload); "
                   "this route adds web pages (url) and HTML (html) by address", type);
      return FALSE;
    }
  if (!check_web_url (url, error) ||
      !_vz_request_integer (req, "duration", 1, VZ_DURATION_MAX, &duration, error))
    return FALSE;
  metadata = metadata_text (req);

  insert = vz_db_prepare (self->db,
                          "INSERT INTO content (id, organization_id, name, type, url, mime_type, duration,"
                          " status, metadata, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', COALESCE(?8, '{}'), ?9, ?9)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 5, url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, "text/html", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 7, duration);
  sqlite3_bind_text (insert, 8, metadata, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 9, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;
  return reply_content (self, req, id, 201, error);
}

gboolean
_vz_route_content_patch (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_name = NULL;
  g_autofree char *type = NULL;
  g_autofree char *url = NULL;
  g_autofree char *metadata = NULL;
  g_autofree char *status = NULL;
  gint64 updated_at, duration, new_duration;
  gboolean changed = FALSE;

  if (!_vz_request_check_body (req, update_spec, G_N_ELEMENTS (update_spec), error))
    return FALSE;
  new_duration = -1;
  if (!_vz_request_integer (req, "duration", 1, VZ_DURATION_MAX, &new_duration, error))
    return FALSE;
  current = _vz_select_for_change (self, req, &content_kind, error);
  if (current == NULL)
    return FALSE;
  updated_at = sqlite3_column_int64 (current, COL_UPDATED);
  name = g_strdup (vz_stmt_text (current, COL_NAME));
  type = g_strdup (vz_stmt_text (current, COL_TYPE));
  url = g_strdup (vz_stmt_text (current, COL_URL));
  metadata = g_strdup (vz_stmt_text (current, COL_METADATA));
  duration = sqlite3_column_int64 (current, COL_DURATION);
  status = g_strdup (vz_stmt_text (current, COL_STATUS));
  vz_stmt_release (g_steal_pointer (&current));

  if (_vz_request_has_member (req, "status"))
    {
      const char *new_status = _vz_json_string (req->body, "status");

      if (new_status == NULL || !g_strv_contains (content_statuses, new_status))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "status must be one of the following values: active, archived");
          return FALSE;
        }
      _vz_apply_change (&status, g_strdup (new_status), &changed);
    }

  if (!_vz_request_patch_name (req, &new_name, error))
    return FALSE;
  if (new_name != NULL)
    _vz_apply_change (&name, g_steal_pointer (&new_name), &changed);
  if (_vz_request_has_member (req, "url"))
    {
      g_autofree char *new_url = g_strstrip (g_strdup (_vz_json_string (req->body, "url")));

      if (!g_str_equal (type, "url") && !g_str_equal (type, "html"))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "The address of %s content is its uploaded file and cannot be changed", type);
          return FALSE;
        }
      if (!check_web_url (new_url, error))
        return FALSE;
      _vz_apply_change (&url, g_steal_pointer (&new_url), &changed);
    }
  if (_vz_request_has_member (req, "metadata"))
    _vz_apply_change (&metadata, metadata_text (req), &changed);
  if (new_duration > 0 && new_duration != duration)
    {
      duration = new_duration;
      changed = TRUE;
    }

  if (changed)
    {
      update = vz_db_prepare (self->db,
                              "UPDATE content SET name = ?2, url = ?3, metadata = ?4, duration = ?5, updated_at = ?6,"
                              " status = ?7 WHERE id = ?1",
                              error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 3, url, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 4, metadata, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 5, duration);
      sqlite3_bind_int64 (update, 6, _vz_next_updated_at (req, updated_at));
      sqlite3_bind_text (update, 7, status, -1, SQLITE_TRANSIENT);
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
      /* Its name, address or duration is part of what screens are sent. */
      _vz_server_content_changed (self, req->organization_id, req->params[0]);
    }
  return reply_content (self, req, req->params[0], 200, error);
}

gboolean
_vz_route_content_archive (VzServer   *self,
                           VzRequest  *req,
                           GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) update = NULL;
  gint64 updated_at;
  gboolean archived;

  current = _vz_select_for_change (self, req, &content_kind, error);
  if (current == NULL)
    return FALSE;
  updated_at = sqlite3_column_int64 (current, COL_UPDATED);
  archived = g_strcmp0 (vz_stmt_text (current, COL_STATUS), "archived") == 0;
  vz_stmt_release (g_steal_pointer (&current));

  if (!archived)
    {
      update = vz_db_prepare (self->db, "UPDATE content SET status = 'archived', updated_at = ?2 WHERE id = ?1", error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 2, _vz_next_updated_at (req, updated_at));
      if (!vz_db_step_done (self->db, update, error))
        return FALSE;
    }
  return reply_content (self, req, req->params[0], 200, error);
}

gboolean
_vz_route_content_delete (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) playlists = NULL;
  g_autofree char *file_hash = NULL;
  guint removed = 0;

  current = _vz_select_for_change (self, req, &content_kind, error);
  if (current == NULL)
    return FALSE;
  file_hash = g_strdup (vz_stmt_text (current, COL_FILE_HASH));
  vz_stmt_release (g_steal_pointer (&current));

  if (!vz_db_begin (self->db, error))
    return FALSE;
  playlists = _vz_server_playlists_drop_content (self, req, req->params[0], &removed, error);
  if (playlists == NULL)
    goto fail;
  drop = vz_db_prepare (self->db, "DELETE FROM content WHERE id = ?1 AND organization_id = ?2", error);
  if (drop == NULL)
    goto fail;
  sqlite3_bind_text (drop, 1, req->params[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (drop, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error) || !vz_db_commit (self->db, error))
    goto fail;
  /* The same file may be uploaded as other content: it stays while any uses it. */
  _vz_server_media_release (self, file_hash);
  for (guint i = 0; i < playlists->len; i++)
    _vz_server_playlist_changed (self, req->organization_id, g_ptr_array_index (playlists, i), "updated");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "removedFromPlaylists");
  json_builder_add_int_value (builder, removed);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}
