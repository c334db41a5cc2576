/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/*
 * Playlists: their JSON for dashboards and for screens, create, read,
 * rename, replace the items, duplicate, delete (one item at a time and
 * reordering are in vz-server-playlist-items.c). Every change
 * is told to the screens that play the playlist (`playlist:update`) and to
 * the organization's dashboards (`playlist:updated`, see docs/playlists.md).
 */

#define PLAYLIST_COLUMNS \
  "p.id, p.organization_id, p.name, p.description, p.loop, p.is_default, p.created_at, p.updated_at"

enum {
  COL_ID,
  COL_ORGANIZATION,
  COL_NAME,
  COL_DESCRIPTION,
  COL_LOOP,
  COL_DEFAULT,
  COL_CREATED,
  COL_UPDATED,
};

/* Items of one playlist, in order, with what the contract shows of their content. */
#define ITEMS_SQL \
  "SELECT i.id, i.playlist_id, i.content_id, i.position, i.duration," \
  " c.id, c.name, c.type, c.thumbnail, c.duration, c.url, c.mime_type, c.updated_at, c.metadata" \
  " FROM playlist_items i JOIN content c ON c.id = i.content_id" \
  " WHERE i.playlist_id = ?1 ORDER BY i.position, i.id"

enum {
  ITEM_ID,
  ITEM_PLAYLIST,
  ITEM_CONTENT,
  ITEM_POSITION,
  ITEM_DURATION,
  ITEM_C_ID,
  ITEM_C_NAME,
  ITEM_C_TYPE,
  ITEM_C_THUMBNAIL,
  ITEM_C_DURATION,
  ITEM_C_URL,
  ITEM_C_MIME,
  ITEM_C_UPDATED,
  ITEM_C_METADATA,
};

static const VzFieldSpec create_spec[] = {
  { "name", VZ_FIELD_STRING, TRUE, 255 },
  { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 },
  { "loop", VZ_FIELD_BOOLEAN, FALSE, 0 },
  { "isDefault", VZ_FIELD_BOOLEAN, FALSE, 0 },
  { "items", VZ_FIELD_ARRAY, FALSE, 0 },
};

static const VzFieldSpec update_spec[] = {
  { "name", VZ_FIELD_STRING, FALSE, 255 },
  { "description", VZ_FIELD_STRING_OR_NULL, FALSE, 1000 },
  { "loop", VZ_FIELD_BOOLEAN, FALSE, 0 },
  { "isDefault", VZ_FIELD_BOOLEAN, FALSE, 0 },
  { "items", VZ_FIELD_ARRAY, FALSE, 0 },
};

static const VzRowKind playlist_kind = {
  "SELECT " PLAYLIST_COLUMNS " FROM playlists p WHERE p.id = ?1 AND p.organization_id = ?2",
  COL_UPDATED, _vz_is_row_id, "playlist", "Playlist not found",
};

VzStmt *
_vz_select_playlist_for_change (VzServer   *self,
                                VzRequest  *req,
                                GError    **error)
{
  return _vz_select_for_change (self, req, &playlist_kind, error);
}

gboolean
_vz_server_check_playlist (VzServer    *self,
                           const char  *organization_id,
                           const char  *playlist_id,
                           GError     **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &playlist_kind, organization_id, playlist_id, error);

  return stmt != NULL;
}

/* An item's seconds on screen: its own duration, else its content's, else 10. */
static gint64
effective_duration (VzStmt *items)
{
  if (!vz_stmt_is_null (items, ITEM_DURATION))
    return sqlite3_column_int64 (items, ITEM_DURATION);
  if (!vz_stmt_is_null (items, ITEM_C_DURATION))
    return sqlite3_column_int64 (items, ITEM_C_DURATION);
  return VZ_CONTENT_DEFAULT_DURATION;
}

/* One item as the REST answers show it. */
static void
add_item (VzServer    *self,
          JsonBuilder *builder,
          VzStmt      *items)
{
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", items, ITEM_ID);
  _vz_builder_add_column_string (builder, "playlistId", items, ITEM_PLAYLIST);
  _vz_builder_add_column_string (builder, "contentId", items, ITEM_CONTENT);
  json_builder_set_member_name (builder, "order");
  json_builder_add_int_value (builder, sqlite3_column_int64 (items, ITEM_POSITION));
  _vz_builder_add_column_int_or_null (builder, "duration", items, ITEM_DURATION);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", items, ITEM_C_ID);
  _vz_builder_add_column_string (builder, "name", items, ITEM_C_NAME);
  _vz_builder_add_column_string (builder, "type", items, ITEM_C_TYPE);
  _vz_builder_add_column_media_url (self, builder, "thumbnail", items, ITEM_C_THUMBNAIL);
  _vz_builder_add_column_int_or_null (builder, "duration", items, ITEM_C_DURATION);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static gboolean
add_playlist (VzServer    *self,
              JsonBuilder *builder,
              VzStmt      *stmt,
              GError     **error)
{
  g_autoptr(VzStmt) items = NULL;
  const char *id = vz_stmt_text (stmt, COL_ID);
  gint64 total = 0;
  guint count = 0;

  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "organizationId", stmt, COL_ORGANIZATION);
  _vz_builder_add_column_string (builder, "name", stmt, COL_NAME);
  _vz_builder_add_column_string (builder, "description", stmt, COL_DESCRIPTION);
  json_builder_set_member_name (builder, "loop");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_LOOP) != 0);
  json_builder_set_member_name (builder, "isDefault");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_DEFAULT) != 0);
  _vz_builder_add_column_time (builder, "createdAt", stmt, COL_CREATED);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);

  items = vz_db_prepare (self->db, ITEMS_SQL, error);
  if (items == NULL)
    return FALSE;
  sqlite3_bind_text (items, 1, id, -1, SQLITE_TRANSIENT);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  while (sqlite3_step (items) == SQLITE_ROW)
    {
      add_item (self, builder, items);
      total += effective_duration (items);
      count++;
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "itemCount");
  json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "totalDuration");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "_count");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schedules");
  json_builder_add_int_value (builder, _vz_server_count_playlist_schedules (self, id));
  json_builder_end_object (builder);
  return TRUE;
}

JsonNode *
_vz_server_playlist_json (VzServer    *self,
               const char  *organization_id,
               const char  *playlist_id,
               GError     **error)
{
  g_autoptr(VzStmt) stmt = _vz_select_owned_row (self, &playlist_kind, organization_id, playlist_id, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (!add_playlist (self, builder, stmt, error))
    return NULL;
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* When the newest content of the playlist last changed (0: none): a
 * screen's payload changes with it, so its version does too. */
static gint64
newest_content (VzServer   *self,
                const char *playlist_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT MAX(c.updated_at) FROM playlist_items i JOIN content c ON c.id = i.content_id"
                                          " WHERE i.playlist_id = ?1",
                                          &error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, playlist_id, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

/* What a screen is sent: the platform's device payload,
 * {source, version, playlist: {id, name, loopPlaylist, items[]} | null}. */
JsonNode *
_vz_server_device_playlist (VzServer    *self,
                            const char  *organization_id,
                            const char  *playlist_id,
                            GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(VzStmt) items = NULL;
  g_autofree char *version = NULL;

  if (playlist_id != NULL)
    {
      stmt = _vz_select_owned_row (self, &playlist_kind, organization_id, playlist_id, error);
      if (stmt == NULL)
        return NULL;
      version = _vz_format_time (MAX (sqlite3_column_int64 (stmt, COL_UPDATED),
                                      newest_content (self, playlist_id)));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, playlist_id != NULL ? "currentPlaylist" : "none");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, version != NULL ? version : "none");
  json_builder_set_member_name (builder, "playlist");
  if (stmt == NULL)
    {
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      return json_builder_get_root (builder);
    }

  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, COL_ID);
  _vz_builder_add_column_string (builder, "name", stmt, COL_NAME);
  json_builder_set_member_name (builder, "loopPlaylist");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, COL_LOOP) != 0);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, COL_UPDATED);

  items = vz_db_prepare (self->db, ITEMS_SQL, error);
  if (items == NULL)
    return NULL;
  sqlite3_bind_text (items, 1, playlist_id, -1, SQLITE_TRANSIENT);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  while (sqlite3_step (items) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "id", items, ITEM_ID);
      _vz_builder_add_column_string (builder, "contentId", items, ITEM_CONTENT);
      json_builder_set_member_name (builder, "order");
      json_builder_add_int_value (builder, sqlite3_column_int64 (items, ITEM_POSITION));
      /* The seconds the screen shows it, resolved here so every screen agrees. */
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, effective_duration (items));
      json_builder_set_member_name (builder, "content");
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "id", items, ITEM_C_ID);
      _vz_builder_add_column_string (builder, "name", items, ITEM_C_NAME);
      _vz_builder_add_column_string (builder, "type", items, ITEM_C_TYPE);
      _vz_builder_add_column_media_url (self, builder, "url", items, ITEM_C_URL);
      _vz_builder_add_column_media_url (self, builder, "thumbnail", items, ITEM_C_THUMBNAIL);
      _vz_builder_add_column_string (builder, "mimeType", items, ITEM_C_MIME);
      _vz_builder_add_column_int_or_null (builder, "duration", items, ITEM_C_DURATION);
      _vz_builder_add_column_time (builder, "updatedAt", items, ITEM_C_UPDATED);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The screens of the organization that play @playlist_id now: as their own
 * playlist or through a schedule. */
static GPtrArray *
screens_playing (VzServer   *self,
                 const char *organization_id,
                 const char *playlist_id)
{
  return _vz_server_scheduler_screens_playing (self, organization_id, playlist_id);
}

void
_vz_server_send_playlist_to_screens (VzServer   *self,
                                     const char *organization_id,
                                     const char *playlist_id,
                                     GPtrArray  *display_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  if (display_ids->len == 0)
    return;
  payload = _vz_server_device_playlist (self, organization_id, playlist_id, &error);
  if (payload == NULL)
    {
      g_message ("Could not send a playlist to its screens: %s", error->message);
      return;
    }
  for (guint i = 0; i < display_ids->len; i++)
    if (!_vz_server_send_to_device (self, g_ptr_array_index (display_ids, i), "playlist:update", payload))
      g_debug ("Screen %s is not connected; it gets its playlist when it connects",
               (const char *) g_ptr_array_index (display_ids, i));
}

JsonNode *
_vz_server_announce_playlist (VzServer   *self,
                              const char *organization_id,
                              const char *playlist_id,
                              const char *action)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = _vz_format_time (_vz_now_ms ());
  JsonNode *playlist = NULL;

  if (!g_str_equal (action, "deleted"))
    {
      g_autoptr(GPtrArray) screens = screens_playing (self, organization_id, playlist_id);

      _vz_server_send_playlist_to_screens (self, organization_id, playlist_id, screens);
      playlist = _vz_server_playlist_json (self, organization_id, playlist_id, &error);
      if (playlist == NULL)
        g_message ("Could not read a changed playlist: %s", error->message);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "playlistId");
  json_builder_add_string_value (builder, playlist_id);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action);
  if (playlist != NULL)
    {
      json_builder_set_member_name (builder, "playlist");
      json_builder_add_value (builder, json_node_ref (playlist));
    }
  json_builder_set_member_name (builder, "updatedAt");
  json_builder_add_string_value (builder, now);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);
  _vz_server_emit_to_organization (self, organization_id, "playlist:updated", event);
  return playlist;
}

void
_vz_server_playlist_changed (VzServer   *self,
                             const char *organization_id,
                             const char *playlist_id,
                             const char *action)
{
  JsonNode *playlist = _vz_server_announce_playlist (self, organization_id, playlist_id, action);

  g_clear_pointer (&playlist, json_node_unref);
}

GPtrArray *
_vz_server_playlists_using (VzServer    *self,
                            const char  *organization_id,
                            const char  *content_id,
                            GError     **error)
{
  g_autoptr(GPtrArray) playlists = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT DISTINCT i.playlist_id FROM playlist_items i"
                                          " JOIN playlists p ON p.id = i.playlist_id"
                                          " WHERE i.content_id = ?1 AND p.organization_id = ?2",
                                          error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, content_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, organization_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (playlists, g_strdup (vz_stmt_text (stmt, 0)));
  return g_steal_pointer (&playlists);
}

void
_vz_server_content_changed (VzServer   *self,
                            const char *organization_id,
                            const char *content_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) playlists = _vz_server_playlists_using (self, organization_id, content_id, &error);

  if (playlists == NULL)
    {
      g_message ("Could not find the playlists that use changed content: %s", error->message);
      return;
    }
  for (guint i = 0; i < playlists->len; i++)
    _vz_server_playlist_changed (self, organization_id, g_ptr_array_index (playlists, i), "updated");
}

gboolean
_vz_reply_playlist (VzServer   *self,
                    VzRequest  *req,
                    const char *playlist_id,
                    guint       status,
                    GError    **error)
{
  JsonNode *node = _vz_server_playlist_json (self, req->organization_id, playlist_id, error);

  if (node == NULL)
    return FALSE;
  _vz_reply_data (req, status, node);
  return TRUE;
}

gboolean
_vz_reply_announced_playlist (VzServer   *self,
                              VzRequest  *req,
                              const char *playlist_id,
                              const char *action,
                              guint       status,
                              GError    **error)
{
  JsonNode *node = _vz_server_announce_playlist (self, req->organization_id, playlist_id, action);

  if (node == NULL)
    return _vz_reply_playlist (self, req, playlist_id, status, error);
  _vz_reply_data (req, status, node);
  return TRUE;
}

gboolean
_vz_touch_playlist (VzServer    *self,
                VzRequest   *req,
                const char  *playlist_id,
                GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "UPDATE playlists SET updated_at = MAX(?2, updated_at + 1) WHERE id = ?1",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, playlist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, req->now);
  return vz_db_step_done (self->db, stmt, error);
}

/* The content must be the organization's. */
gboolean
_vz_check_playlist_content (VzServer    *self,
               VzRequest   *req,
               const char  *content_id,
               GError     **error)
{
  g_autoptr(VzStmt) stmt = NULL;

  if (!_vz_is_row_id (content_id))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found");
      return FALSE;
    }
  stmt = vz_db_prepare (self->db, "SELECT 1 FROM content WHERE id = ?1 AND organization_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, content_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Content not found: %s", content_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
_vz_insert_playlist_item (VzServer    *self,
             VzRequest   *req,
             const char  *playlist_id,
             const char  *content_id,
             gint64       position,
             gint64       duration,     /* 0: none of its own */
             char       **item_id,
             GError     **error)
{
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *id = g_uuid_string_random ();

  insert = vz_db_prepare (self->db,
                          "INSERT INTO playlist_items (id, playlist_id, content_id, position, duration, created_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, playlist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, content_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 4, position);
  if (duration > 0)
    sqlite3_bind_int64 (insert, 5, duration);
  else
    sqlite3_bind_null (insert, 5);
  sqlite3_bind_int64 (insert, 6, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;
  if (item_id != NULL)
    *item_id = g_steal_pointer (&id);
  return TRUE;
}

/* The "items" member of a create or a PATCH: [{contentId, duration?}], each
 * content the organization's; checked whole before anything is written. */
static gboolean
check_items (VzServer    *self,
             VzRequest   *req,
             JsonArray   *items,
             GError     **error)
{
  guint len = json_array_get_length (items);

  if (len > VZ_PLAYLIST_MAX_ITEMS)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "items must contain no more than %u elements", VZ_PLAYLIST_MAX_ITEMS);
      return FALSE;
    }
  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *content_id = item != NULL ? _vz_json_string (item, "contentId") : NULL;
      g_autoptr(GList) members = NULL;

      if (item == NULL || content_id == NULL)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "items.%u must be an object with a contentId string", i);
          return FALSE;
        }
      members = json_object_get_members (item);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "contentId") && !g_str_equal (l->data, "duration") && !g_str_equal (l->data, "order"))
          {
            g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                         "items.%u.%s should not exist", i, (const char *) l->data);
            return FALSE;
          }
      if (json_object_has_member (item, "duration") && !json_object_get_null_member (item, "duration"))
        {
          gint64 duration;

          if (!_vz_json_integer (json_object_get_member (item, "duration"), "items.duration", 1, VZ_DURATION_MAX,
                                 &duration, error))
            return FALSE;
        }
      if (!_vz_check_playlist_content (self, req, content_id, error))
        return FALSE;
    }
  return TRUE;
}

/* Replaces the playlist's items with @items (already checked), in their order. */
static gboolean
write_items (VzServer    *self,
             VzRequest   *req,
             const char  *playlist_id,
             JsonArray   *items,
             GError     **error)
{
  g_autoptr(VzStmt) clear = vz_db_prepare (self->db, "DELETE FROM playlist_items WHERE playlist_id = ?1", error);

  if (clear == NULL)
    return FALSE;
  sqlite3_bind_text (clear, 1, playlist_id, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, clear, error))
    return FALSE;
  vz_stmt_release (g_steal_pointer (&clear));

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 duration = 0;

      if (json_object_has_member (item, "duration") && !json_object_get_null_member (item, "duration"))
        _vz_json_integer (json_object_get_member (item, "duration"), "duration", 1, VZ_DURATION_MAX, &duration, NULL);
      if (!_vz_insert_playlist_item (self, req, playlist_id, _vz_json_string (item, "contentId"), i, duration, NULL, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_vz_route_playlists_list (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  return _vz_reply_list (self, req,
                         "SELECT COUNT(*) FROM playlists WHERE organization_id = ?1",
                         "SELECT " PLAYLIST_COLUMNS " FROM playlists p WHERE p.organization_id = ?1"
                         " ORDER BY p.created_at DESC, p.id DESC LIMIT ?2 OFFSET ?3",
                         add_playlist, error);
}

gboolean
_vz_route_playlists_get (VzServer   *self,
                         VzRequest  *req,
                         GError    **error)
{
  static const char * const no_keys[] = { NULL };

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  return _vz_reply_playlist (self, req, req->params[0], 200, error);
}

static gboolean
request_boolean (VzRequest  *req,
                 const char *name,
                 gboolean    fallback)
{
  return _vz_request_has_member (req, name) ? json_object_get_boolean_member (req->body, name) : fallback;
}

static gboolean
insert_playlist (VzServer    *self,
                 VzRequest   *req,
                 const char  *id,
                 const char  *name,
                 const char  *description,
                 gboolean     loop,
                 gboolean     is_default,
                 GError     **error)
{
  g_autoptr(VzStmt) insert = vz_db_prepare (self->db,
                                            "INSERT INTO playlists (id, organization_id, name, description, loop,"
                                            " is_default, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                                            error);

  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (insert, 5, loop);
  sqlite3_bind_int (insert, 6, is_default);
  sqlite3_bind_int64 (insert, 7, req->now);
  return vz_db_step_done (self->db, insert, error);
}

gboolean
_vz_route_playlists_create (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  JsonArray *items;

  if (!_vz_request_check_body (req, create_spec, G_N_ELEMENTS (create_spec), error))
    return FALSE;
  name = _vz_request_dup_string (req, "name");
  description = _vz_request_dup_string (req, "description");
  if (*name == '\0')
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "name should not be empty");
      return FALSE;
    }
  items = _vz_request_get_array (req, "items");
  if (items != NULL && !check_items (self, req, items, error))
    return FALSE;

  if (!vz_db_begin (self->db, error))
    return FALSE;
  if (!insert_playlist (self, req, id, name, description, request_boolean (req, "loop", TRUE),
                        request_boolean (req, "isDefault", FALSE), error) ||
      (items != NULL && !write_items (self, req, id, items, error)) ||
      !vz_db_commit (self->db, error))
    goto fail;

  return _vz_reply_announced_playlist (self, req, id, "created", 201, error);

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_playlists_patch (VzServer   *self,
                           VzRequest  *req,
                           GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) update = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_name = NULL;
  g_autofree char *description = NULL;
  gboolean loop, is_default;
  gint64 updated_at;
  gboolean changed = FALSE;
  JsonArray *items;

  if (!_vz_request_check_body (req, update_spec, G_N_ELEMENTS (update_spec), error))
    return FALSE;
  current = _vz_select_for_change (self, req, &playlist_kind, error);
  if (current == NULL)
    return FALSE;
  updated_at = sqlite3_column_int64 (current, COL_UPDATED);
  name = g_strdup (vz_stmt_text (current, COL_NAME));
  description = g_strdup (vz_stmt_text (current, COL_DESCRIPTION));
  loop = sqlite3_column_int (current, COL_LOOP) != 0;
  is_default = sqlite3_column_int (current, COL_DEFAULT) != 0;
  vz_stmt_release (g_steal_pointer (&current));

  if (!_vz_request_patch_name (req, &new_name, error))
    return FALSE;
  items = _vz_request_get_array (req, "items");
  if (items != NULL && !check_items (self, req, items, error))
    return FALSE;
  if (new_name != NULL)
    _vz_apply_change (&name, g_steal_pointer (&new_name), &changed);
  if (_vz_request_has_member (req, "description"))
    _vz_apply_change (&description, _vz_request_dup_string (req, "description"), &changed);
  if (request_boolean (req, "loop", loop) != loop || request_boolean (req, "isDefault", is_default) != is_default)
    changed = TRUE;
  if (items != NULL)
    changed = TRUE;
  if (!changed)
    return _vz_reply_playlist (self, req, req->params[0], 200, error);

  if (!vz_db_begin (self->db, error))
    return FALSE;
  update = vz_db_prepare (self->db,
                          "UPDATE playlists SET name = ?2, description = ?3, loop = ?4, is_default = ?5, updated_at = ?6"
                          " WHERE id = ?1",
                          error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_text (update, 1, req->params[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (update, 3, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (update, 4, request_boolean (req, "loop", loop));
  sqlite3_bind_int (update, 5, request_boolean (req, "isDefault", is_default));
  sqlite3_bind_int64 (update, 6, _vz_next_updated_at (req, updated_at));
  if (!vz_db_step_done (self->db, update, error) ||
      (items != NULL && !write_items (self, req, req->params[0], items, error)) ||
      !vz_db_commit (self->db, error))
    goto fail;

  return _vz_reply_announced_playlist (self, req, req->params[0], "updated", 200, error);

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_playlists_duplicate (VzServer   *self,
                               VzRequest  *req,
                               GError    **error)
{
  g_autoptr(VzStmt) original = NULL;
  g_autoptr(VzStmt) items = NULL;
  g_autofree char *description = NULL;
  gboolean loop;
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) durations = g_ptr_array_new ();   /* seconds as pointers; 0: none of its own */
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;

  original = _vz_select_owned_row (self, &playlist_kind, req->organization_id, req->params[0], error);
  if (original == NULL)
    return FALSE;
  name = g_strdup_printf ("%s (Copy)", vz_stmt_text (original, COL_NAME));
  description = g_strdup (vz_stmt_text (original, COL_DESCRIPTION));
  loop = sqlite3_column_int (original, COL_LOOP) != 0;
  vz_stmt_release (g_steal_pointer (&original));

  if (!vz_db_begin (self->db, error))
    return FALSE;
  if (!insert_playlist (self, req, id, name, description, loop, FALSE, error))
    goto fail;

  /* New item ids; the same content, order and durations. */
  items = vz_db_prepare (self->db,
                         "SELECT content_id, duration FROM playlist_items WHERE playlist_id = ?1 ORDER BY position, id",
                         error);
  if (items == NULL)
    goto fail;
  sqlite3_bind_text (items, 1, req->params[0], -1, SQLITE_TRANSIENT);
  while (sqlite3_step (items) == SQLITE_ROW)
    {
      g_ptr_array_add (contents, g_strdup (vz_stmt_text (items, 0)));
      g_ptr_array_add (durations, GSIZE_TO_POINTER (vz_stmt_is_null (items, 1) ? 0 : sqlite3_column_int64 (items, 1)));
    }
  vz_stmt_release (g_steal_pointer (&items));
  for (guint i = 0; i < contents->len; i++)
    if (!_vz_insert_playlist_item (self, req, id, g_ptr_array_index (contents, i), i,
                      (gint64) GPOINTER_TO_SIZE (g_ptr_array_index (durations, i)), NULL, error))
      goto fail;
  if (!vz_db_commit (self->db, error))
    goto fail;

  return _vz_reply_announced_playlist (self, req, id, "created", 201, error);

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_playlists_delete (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) unassign = NULL;
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 unassigned;

  current = _vz_select_for_change (self, req, &playlist_kind, error);
  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));

  if (!vz_db_begin (self->db, error))
    return FALSE;
  unassign = vz_db_prepare (self->db,
                            "UPDATE displays SET current_playlist_id = NULL, updated_at = MAX(?2, updated_at + 1)"
                            " WHERE current_playlist_id = ?1",
                            error);
  if (unassign == NULL)
    goto fail;
  sqlite3_bind_text (unassign, 1, req->params[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (unassign, 2, req->now);
  if (!vz_db_step_done (self->db, unassign, error))
    goto fail;
  unassigned = vz_db_changes (self->db);
  drop = vz_db_prepare (self->db, "DELETE FROM playlists WHERE id = ?1", error);
  if (drop == NULL)
    goto fail;
  sqlite3_bind_text (drop, 1, req->params[0], -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error) || !vz_db_commit (self->db, error))
    goto fail;

  /* Its schedules went with it and its screens lost it: each screen plays
   * what is left for it (another schedule, or nothing), and is told. */
  _vz_server_scheduler_reload (self);
  _vz_server_playlist_changed (self, req->organization_id, req->params[0], "deleted");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_set_member_name (builder, "unassignedDisplays");
  json_builder_add_int_value (builder, unassigned);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

/* One item of the playlist in req->params[0], as a 201/200 answer with the
 * playlist it is now in ([local] "playlist" member). */
gboolean
_vz_reply_playlist_item (VzServer   *self,
                         VzRequest  *req,
                         const char *item_id,
                         guint       status,
                         JsonNode   *playlist,
                         GError    **error)
{
  g_autoptr(VzStmt) items = vz_db_prepare (self->db, ITEMS_SQL, error);
  g_autoptr(JsonBuilder) builder = NULL;
  JsonNode *item = NULL;

  if (items == NULL)
    {
      g_clear_pointer (&playlist, json_node_unref);
      return FALSE;
    }
  sqlite3_bind_text (items, 1, req->params[0], -1, SQLITE_TRANSIENT);
  while (item == NULL && sqlite3_step (items) == SQLITE_ROW)
    if (g_str_equal (vz_stmt_text (items, ITEM_ID), item_id))
      {
        builder = json_builder_new ();
        add_item (self, builder, items);
        item = json_builder_get_root (builder);
      }
  vz_stmt_release (g_steal_pointer (&items));
  if (item == NULL)
    {
      g_clear_pointer (&playlist, json_node_unref);
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Playlist item not found");
      return FALSE;
    }
  if (playlist == NULL)
    playlist = _vz_server_playlist_json (self, req->organization_id, req->params[0], error);
  if (playlist == NULL)
    {
      json_node_unref (item);
      return FALSE;
    }
  json_object_set_member (json_node_get_object (item), "playlist", playlist);
  _vz_reply_data (req, status, item);
  return TRUE;
}
