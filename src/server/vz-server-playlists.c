/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/* Playlists and their items. */

GPtrArray *
_vz_server_playlists_drop_content (VzServer    *self,
                                   VzRequest   *req,
                                   const char  *content_id,
                                   guint       *removed,
                                   GError     **error)
{
  g_autoptr(GPtrArray) playlists = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VzStmt) select = NULL;
  g_autoptr(VzStmt) drop = NULL;
  int rc;

  *removed = 0;
  select = vz_db_prepare (self->db,
                          "SELECT DISTINCT i.playlist_id FROM playlist_items i"
                          " JOIN playlists p ON p.id = i.playlist_id"
                          " WHERE i.content_id = ?1 AND p.organization_id = ?2",
                          error);
  if (select == NULL)
    return NULL;
  sqlite3_bind_text (select, 1, content_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (select, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    g_ptr_array_add (playlists, g_strdup (vz_stmt_text (select, 0)));
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                   "The server’s database failed while reading playlists: %s",
                   sqlite3_errmsg (vz_db_get_handle (self->db)));
      return NULL;
    }
  vz_stmt_release (g_steal_pointer (&select));

  for (guint i = 0; i < playlists->len; i++)
    {
      const char *playlist_id = g_ptr_array_index (playlists, i);
      g_autoptr(VzStmt) touch = NULL;

      drop = vz_db_prepare (self->db, "DELETE FROM playlist_items WHERE playlist_id = ?1 AND content_id = ?2", error);
      if (drop == NULL)
        return NULL;
      sqlite3_bind_text (drop, 1, playlist_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (drop, 2, content_id, -1, SQLITE_TRANSIENT);
      if (!vz_db_step_done (self->db, drop, error))
        return NULL;
      *removed += (guint) vz_db_changes (self->db);
      vz_stmt_release (g_steal_pointer (&drop));

      touch = vz_db_prepare (self->db, "UPDATE playlists SET updated_at = MAX(?2, updated_at + 1) WHERE id = ?1", error);
      if (touch == NULL)
        return NULL;
      sqlite3_bind_text (touch, 1, playlist_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (touch, 2, req->now);
      if (!vz_db_step_done (self->db, touch, error))
        return NULL;
    }
  return g_steal_pointer (&playlists);
}
