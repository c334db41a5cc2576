/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/*
 * The items of a playlist: add one, change its duration, remove it, put
 * them in a new order; content that is deleted leaves every playlist. The
 * playlist's version moves with each change, and its screens and dashboards
 * are told (_vz_server_playlist_changed()).
 */

static const VzFieldSpec add_item_spec[] = {
  { "contentId", VZ_FIELD_STRING, TRUE, 128 },
  { "duration", VZ_FIELD_NUMBER, FALSE, 0 },
};

static const VzFieldSpec item_duration_spec[] = {
  { "duration", VZ_FIELD_NUMBER, TRUE, 0 },
};

static const VzFieldSpec reorder_spec[] = {
  { "itemIds", VZ_FIELD_ARRAY, TRUE, 0 },
};

/* The ids of the playlist's items, in order. */
static GPtrArray *
item_ids (VzServer    *self,
          const char  *playlist_id,
          GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db,
                                          "SELECT id FROM playlist_items WHERE playlist_id = ?1 ORDER BY position, id",
                                          error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, playlist_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (vz_stmt_text (stmt, 0)));
  return g_steal_pointer (&ids);
}

/* Writes positions 0..n-1 in the order of @ids. */
static gboolean
write_order (VzServer   *self,
             GPtrArray  *ids,
             GError    **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, "UPDATE playlist_items SET position = ?2 WHERE id = ?1", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, (int) i);
      if (!vz_db_step_done (self->db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Closes the gaps a removal left: positions are 0..n-1 again. */
static gboolean
renumber (VzServer    *self,
          const char  *playlist_id,
          GError     **error)
{
  g_autoptr(GPtrArray) ids = item_ids (self, playlist_id, error);

  return ids != NULL && write_order (self, ids, error);
}

/* Ends a change of the playlist req->params[0] that the caller began:
 * moves its version on, commits, and tells its screens and dashboards.
 * Rolls back when any of it fails. *@playlist gets the playlist as it is
 * now (transfer full; NULL when it could not be read). */
static gboolean
commit_change (VzServer    *self,
               VzRequest   *req,
               const char  *action,
               JsonNode   **playlist,
               GError     **error)
{
  if (!_vz_touch_playlist (self, req, req->params[0], error) || !vz_db_commit (self->db, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }
  *playlist = _vz_server_announce_playlist (self, req->organization_id, req->params[0], action);
  return TRUE;
}

gboolean
_vz_route_playlist_items_add (VzServer   *self,
                              VzRequest  *req,
                              GError    **error)
{
  JsonNode *playlist = NULL;
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(VzStmt) last = NULL;
  g_autofree char *item_id = NULL;
  const char *content_id;
  gint64 duration = VZ_PLAYLIST_ITEM_DEFAULT_DURATION;
  gint64 position;

  if (!_vz_request_check_body (req, add_item_spec, G_N_ELEMENTS (add_item_spec), error) ||
      !_vz_request_integer (req, "duration", 1, VZ_DURATION_MAX, &duration, error))
    return FALSE;
  current = _vz_select_playlist_for_change (self, req, error);
  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));
  content_id = _vz_json_string (req->body, "contentId");
  if (!_vz_check_playlist_content (self, req, content_id, error))
    return FALSE;

  last = vz_db_prepare (self->db,
                        "SELECT COALESCE(MAX(position) + 1, 0), COUNT(*) FROM playlist_items WHERE playlist_id = ?1",
                        error);
  if (last == NULL)
    return FALSE;
  sqlite3_bind_text (last, 1, req->params[0], -1, SQLITE_TRANSIENT);
  if (sqlite3_step (last) != SQLITE_ROW)
    return FALSE;
  position = sqlite3_column_int64 (last, 0);
  if (sqlite3_column_int64 (last, 1) >= VZ_PLAYLIST_MAX_ITEMS)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "A playlist holds at most %u items", VZ_PLAYLIST_MAX_ITEMS);
      return FALSE;
    }
  vz_stmt_release (g_steal_pointer (&last));

  if (!vz_db_begin (self->db, error))
    return FALSE;
  if (!_vz_insert_playlist_item (self, req, req->params[0], content_id, position, duration, &item_id, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }
  if (!commit_change (self, req, "updated", &playlist, error))
    return FALSE;
  return _vz_reply_playlist_item (self, req, item_id, 201, playlist, error);
}

/* A change of the item req->params[1] of the playlist req->params[0]: both
 * must exist (and If-Match name the playlist's version); begins the
 * transaction. */
static gboolean
begin_item_change (VzServer   *self,
                   VzRequest  *req,
                   GError    **error)
{
  g_autoptr(VzStmt) current = _vz_select_playlist_for_change (self, req, error);
  g_autoptr(VzStmt) stmt = NULL;

  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));

  if (req->params[1] == NULL || strlen (req->params[1]) > 128)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Playlist item not found");
      return FALSE;
    }
  stmt = vz_db_prepare (self->db, "SELECT 1 FROM playlist_items WHERE id = ?1 AND playlist_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->params[1], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->params[0], -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Playlist item not found");
      return FALSE;
    }
  vz_stmt_release (g_steal_pointer (&stmt));
  return vz_db_begin (self->db, error);
}

gboolean
_vz_route_playlist_items_patch (VzServer   *self,
                                VzRequest  *req,
                                GError    **error)
{
  JsonNode *playlist = NULL;
  g_autoptr(VzStmt) update = NULL;
  gint64 duration = 0;

  if (!_vz_request_check_body (req, item_duration_spec, G_N_ELEMENTS (item_duration_spec), error) ||
      !_vz_request_integer (req, "duration", 1, VZ_DURATION_MAX, &duration, error))
    return FALSE;
  if (!begin_item_change (self, req, error))
    return FALSE;
  update = vz_db_prepare (self->db, "UPDATE playlist_items SET duration = ?2 WHERE id = ?1 AND duration IS NOT ?2", error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_text (update, 1, req->params[1], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 2, duration);
  if (!vz_db_step_done (self->db, update, error))
    goto fail;
  if (vz_db_changes (self->db) == 0)
    {
      /* The same duration again: nothing changed, the version stays. */
      vz_db_rollback (self->db);
      return _vz_reply_playlist_item (self, req, req->params[1], 200, NULL, error);
    }
  if (!commit_change (self, req, "updated", &playlist, error))
    return FALSE;
  return _vz_reply_playlist_item (self, req, req->params[1], 200, playlist, error);

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_playlist_items_delete (VzServer   *self,
                                 VzRequest  *req,
                                 GError    **error)
{
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *playlist = NULL;

  if (!begin_item_change (self, req, error))
    return FALSE;
  drop = vz_db_prepare (self->db, "DELETE FROM playlist_items WHERE id = ?1", error);
  if (drop == NULL)
    goto fail;
  sqlite3_bind_text (drop, 1, req->params[1], -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error) || !renumber (self, req->params[0], error))
    goto fail;
  if (!commit_change (self, req, "updated", &playlist, error))
    return FALSE;
  if (playlist == NULL)
    playlist = _vz_server_playlist_json (self, req->organization_id, req->params[0], error);
  if (playlist == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->params[1]);
  json_builder_set_member_name (builder, "playlistId");
  json_builder_add_string_value (builder, req->params[0]);
  json_builder_set_member_name (builder, "playlist");
  json_builder_add_value (builder, playlist);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

/* @wanted names every id of @current exactly once: 404 for an id that is not
 * an item of the playlist, 400 for one named twice or one left out. */
static gboolean
check_reorder (JsonArray  *wanted,
               GPtrArray  *current,
               GPtrArray **order,
               GError    **error)
{
  g_autoptr(GHashTable) items = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  guint len = json_array_get_length (wanted);

  for (guint i = 0; i < current->len; i++)
    g_hash_table_add (items, g_ptr_array_index (current, i));

  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (wanted, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "each value in itemIds must be a string");
          return FALSE;
        }
      id = json_node_get_string (node);
      if (!g_hash_table_contains (items, id))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Playlist items not found: %.128s", id);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) id))
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "itemIds names the item %s more than once; name every item of the playlist exactly once", id);
          return FALSE;
        }
      g_ptr_array_add (result, g_strdup (id));
    }
  if (len != current->len)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "itemIds leaves out %u of the playlist’s %u items; name every item exactly once",
                   current->len - len, current->len);
      return FALSE;
    }
  *order = g_steal_pointer (&result);
  return TRUE;
}

gboolean
_vz_route_playlists_reorder (VzServer   *self,
                             VzRequest  *req,
                             GError    **error)
{
  JsonNode *playlist = NULL;
  g_autoptr(VzStmt) current = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) order = NULL;
  JsonArray *wanted;
  gboolean same = TRUE;

  if (!_vz_request_check_body (req, reorder_spec, G_N_ELEMENTS (reorder_spec), error))
    return FALSE;
  wanted = _vz_request_get_array (req, "itemIds");
  if (json_array_get_length (wanted) == 0)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "itemIds must contain at least 1 elements");
      return FALSE;
    }
  current = _vz_select_playlist_for_change (self, req, error);
  if (current == NULL)
    return FALSE;
  vz_stmt_release (g_steal_pointer (&current));
  ids = item_ids (self, req->params[0], error);
  if (ids == NULL || !check_reorder (wanted, ids, &order, error))
    return FALSE;

  for (guint i = 0; i < ids->len && same; i++)
    same = g_str_equal (g_ptr_array_index (ids, i), g_ptr_array_index (order, i));
  if (same)
    return _vz_reply_playlist (self, req, req->params[0], 200, error);

  if (!vz_db_begin (self->db, error))
    return FALSE;
  if (!write_order (self, order, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }
  if (!commit_change (self, req, "reordered", &playlist, error))
    return FALSE;
  if (playlist == NULL)
    return _vz_reply_playlist (self, req, req->params[0], 200, error);
  _vz_reply_data (req, 200, playlist);
  return TRUE;
}

GPtrArray *
_vz_server_playlists_drop_content (VzServer    *self,
                                   VzRequest   *req,
                                   const char  *content_id,
                                   guint       *removed,
                                   GError     **error)
{
  g_autoptr(GPtrArray) playlists = _vz_server_playlists_using (self, req->organization_id, content_id, error);

  *removed = 0;
  if (playlists == NULL)
    return NULL;
  for (guint i = 0; i < playlists->len; i++)
    {
      const char *playlist_id = g_ptr_array_index (playlists, i);
      g_autoptr(VzStmt) drop = vz_db_prepare (self->db,
                                              "DELETE FROM playlist_items WHERE playlist_id = ?1 AND content_id = ?2",
                                              error);

      if (drop == NULL)
        return NULL;
      sqlite3_bind_text (drop, 1, playlist_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (drop, 2, content_id, -1, SQLITE_TRANSIENT);
      if (!vz_db_step_done (self->db, drop, error))
        return NULL;
      *removed += (guint) vz_db_changes (self->db);
      vz_stmt_release (g_steal_pointer (&drop));
      if (!renumber (self, playlist_id, error) || !_vz_touch_playlist (self, req, playlist_id, error))
        return NULL;
    }
  return g_steal_pointer (&playlists);
}

gboolean
_vz_route_displays_bulk_playlist (VzServer   *self,
                                  VzRequest  *req,
                                  GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "displayIds", VZ_FIELD_STRING_ARRAY, TRUE, 0 },
    { "playlistId", VZ_FIELD_STRING_OR_NULL, TRUE, 128 },
  };
  g_autoptr(GPtrArray) screens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *playlist_id = NULL;
  JsonArray *ids;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  playlist_id = _vz_request_dup_string (req, "playlistId");
  if (playlist_id != NULL && !_vz_server_check_playlist (self, req->organization_id, playlist_id, error))
    return FALSE;

  /* All or nothing: every id must name a screen of the organization. */
  ids = _vz_request_get_array (req, "displayIds");
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      const char *id = json_array_get_string_element (ids, i);
      g_autoptr(VzStmt) stmt = NULL;

      if (!g_hash_table_add (seen, (gpointer) id))
        continue;
      if (!_vz_is_uuid (id))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "One or more displays not found");
          return FALSE;
        }
      stmt = vz_db_prepare (self->db, "SELECT 1 FROM displays WHERE id = ?1 AND organization_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "One or more displays not found");
          return FALSE;
        }
      g_ptr_array_add (screens, g_strdup (id));
    }

  if (!vz_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < screens->len; i++)
    {
      g_autoptr(VzStmt) update = vz_db_prepare (self->db,
                                                "UPDATE displays SET current_playlist_id = ?2,"
                                                " updated_at = MAX(?3, updated_at + 1) WHERE id = ?1",
                                                error);

      if (update == NULL)
        goto fail;
      sqlite3_bind_text (update, 1, g_ptr_array_index (screens, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, playlist_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 3, req->now);
      if (!vz_db_step_done (self->db, update, error))
        goto fail;
    }
  if (!vz_db_commit (self->db, error))
    goto fail;

  _vz_server_scheduler_screens_changed (self, (const char * const *) screens->pdata, screens->len);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "updated");
  json_builder_add_int_value (builder, screens->len);
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}
