/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/*
 * Tags of the content library: the list with how much content carries each,
 * creating one (a [local] route: the platform has none), and adding,
 * removing or replacing the tags of many content items at once.
 */

#define TAG_NAME_MAX  50
#define BULK_MAX      100

/* Colours for tags created without one, chosen from the name so that the
 * same name always gets the same colour. */
static const char * const palette[] = {
  "#3B82F6", "#10B981", "#F59E0B", "#EF4444", "#8B5CF6", "#EC4899", "#14B8A6", "#F97316",
};

static void
add_tag (JsonBuilder *builder,
         VzStmt      *stmt)
{
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, 0);
  _vz_builder_add_column_string (builder, "name", stmt, 1);
  _vz_builder_add_column_string (builder, "color", stmt, 2);
  json_builder_set_member_name (builder, "contentCount");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
  json_builder_end_object (builder);
}

#define TAG_SELECT \
  "SELECT t.id, t.name, t.color," \
  " (SELECT COUNT(*) FROM content_tags ct WHERE ct.tag_id = t.id) FROM tags t"

gboolean
_vz_route_tags_list (VzServer   *self,
                     VzRequest  *req,
                     GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;
  stmt = vz_db_prepare (self->db, TAG_SELECT " WHERE t.organization_id = ?1 ORDER BY t.name COLLATE NOCASE, t.id",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->organization_id, -1, SQLITE_TRANSIENT);

  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    add_tag (builder, stmt);
  json_builder_end_array (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

/* "#RGB" or "#RRGGBB", returned upper-case as "#RRGGBB". */
static char *
parse_color (const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if ((len != 4 && len != 7) || text[0] != '#')
    return NULL;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return NULL;
  if (len == 4)
    return g_ascii_strup ((char[]) { '#', text[1], text[1], text[2], text[2], text[3], text[3], '\0' }, -1);
  return g_ascii_strup (text, -1);
}

gboolean
_vz_route_tags_create (VzServer   *self,
                       VzRequest  *req,
                       GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "name", VZ_FIELD_STRING, TRUE, TAG_NAME_MAX },
    { "color", VZ_FIELD_STRING_OR_NULL, FALSE, 16 },
  };
  g_autoptr(VzStmt) existing = NULL;
  g_autoptr(VzStmt) insert = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;
  const char *color_text;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  name = _vz_request_dup_string (req, "name");
  color_text = _vz_json_string (req->body, "color");
  if (color_text != NULL)
    {
      color = parse_color (color_text);
      if (color == NULL)
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                               "color must be a hexadecimal colour such as #3B82F6");
          return FALSE;
        }
    }
  else
    color = g_strdup (palette[g_str_hash (name) % G_N_ELEMENTS (palette)]);

  existing = vz_db_prepare (self->db,
                            "SELECT name FROM tags WHERE organization_id = ?1 AND name = ?2 COLLATE NOCASE",
                            error);
  if (existing == NULL)
    return FALSE;
  sqlite3_bind_text (existing, 1, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (existing, 2, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (existing) == SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                   "A tag named “%s” already exists.", vz_stmt_text (existing, 0));
      return FALSE;
    }
  vz_stmt_release (g_steal_pointer (&existing));

  insert = vz_db_prepare (self->db,
                          "INSERT INTO tags (id, organization_id, name, color, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, color, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 5, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;

  stmt = vz_db_prepare (self->db, TAG_SELECT " WHERE t.id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "The new tag was not found");
      return FALSE;
    }
  add_tag (builder, stmt);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;
}

/* --- bulk ------------------------------------------------------------------ */

typedef enum {
  BULK_ADD,
  BULK_REMOVE,
  BULK_REPLACE,
} BulkOperation;

/* The ids of array member @name (distinct, in order): @min to BULK_MAX
 * non-empty strings of at most 128 bytes. */
static GPtrArray *
id_list (VzRequest   *req,
         const char  *name,
         guint        min,
         GError     **error)
{
  JsonNode *node = json_object_get_member (req->body, name);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;
  guint len;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "%s must be an array", name);
      return NULL;
    }
  array = json_node_get_array (node);
  len = json_array_get_length (array);
  if (len < min)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "%s must contain at least %u elements",
                   name, min);
      return NULL;
    }
  if (len > BULK_MAX)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "%s must contain no more than %u elements",
                   name, BULK_MAX);
      return NULL;
    }
  for (guint i = 0; i < len; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          *(id = json_node_get_string (item)) == '\0' || strlen (id) > 128)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "each value in %s must be a non-empty id",
                       name);
          return NULL;
        }
      if (g_hash_table_add (seen, (gpointer) id))
        g_ptr_array_add (ids, g_strdup (id));
    }
  return g_steal_pointer (&ids);
}

/* NOT_FOUND naming the first id of @ids that is not a row of @sql (id as ?1,
 * organization as ?2). */
static gboolean
check_owned (VzServer    *self,
             VzRequest   *req,
             GPtrArray   *ids,
             const char  *sql,
             const char  *what,
             GError     **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "%s not found: %s", what,
                       (const char *) g_ptr_array_index (ids, i));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
ids_json (GPtrArray *ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (ids, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return _vz_json_to_string (root);
}

/* Applies @operation to one content item; *@changed says whether its tags changed. */
static gboolean
retag (VzServer       *self,
       VzRequest      *req,
       const char     *content_id,
       BulkOperation   operation,
       const char     *tags,
       gboolean       *changed,
       GError        **error)
{
  static const char * const statements[][2] = {
    [BULK_ADD] = {
      "INSERT OR IGNORE INTO content_tags (content_id, tag_id, created_at)"
      " SELECT ?1, value, ?3 FROM json_each(?2)",
      NULL },
    [BULK_REMOVE] = {
      "DELETE FROM content_tags WHERE content_id = ?1 AND tag_id IN (SELECT value FROM json_each(?2))",
      NULL },
    [BULK_REPLACE] = {
      "DELETE FROM content_tags WHERE content_id = ?1 AND tag_id NOT IN (SELECT value FROM json_each(?2))",
      "INSERT OR IGNORE INTO content_tags (content_id, tag_id, created_at)"
      " SELECT ?1, value, ?3 FROM json_each(?2)" },
  };

  *changed = FALSE;
  for (guint i = 0; i < 2 && statements[operation][i] != NULL; i++)
    {
      g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, statements[operation][i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, content_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, tags, -1, SQLITE_TRANSIENT);
      if (sqlite3_bind_parameter_count (stmt) >= 3)
        sqlite3_bind_int64 (stmt, 3, req->now);
      if (!vz_db_step_done (self->db, stmt, error))
        return FALSE;
      *changed = *changed || vz_db_changes (self->db) > 0;
    }
  if (*changed)
    {
      /* A new version of the item: clients that hold the old one see a conflict. */
      g_autoptr(VzStmt) touch = vz_db_prepare (self->db,
                                               "UPDATE content SET updated_at = MAX(?2, updated_at + 1) WHERE id = ?1",
                                               error);

      if (touch == NULL)
        return FALSE;
      sqlite3_bind_text (touch, 1, content_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (touch, 2, req->now);
      if (!vz_db_step_done (self->db, touch, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_vz_route_content_bulk_tags (VzServer   *self,
                             VzRequest  *req,
                             GError    **error)
{
  static const char * const members[] = { "contentIds", "tagIds", "operation", NULL };
  static const char * const operations[] = { "add", "remove", "replace", NULL };
  g_autoptr(GPtrArray) content_ids = NULL;
  g_autoptr(GPtrArray) tag_ids = NULL;
  g_autoptr(GList) names = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *tags = NULL;
  const char *operation_text;
  BulkOperation operation;
  guint changed_count = 0;

  if (req->body == NULL)
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "contentIds should not be empty");
      return FALSE;
    }
  names = json_object_get_members (req->body);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (members, l->data))
      {
        g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "property %s should not exist",
                     (const char *) l->data);
        return FALSE;
      }
  operation_text = _vz_json_string (req->body, "operation");
  if (operation_text == NULL || !g_strv_contains (operations, operation_text))
    {
      g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                           "operation must be one of the following values: add, remove, replace");
      return FALSE;
    }
  operation = g_str_equal (operation_text, "add") ? BULK_ADD
              : g_str_equal (operation_text, "remove") ? BULK_REMOVE : BULK_REPLACE;
  /* Replacing with no tags clears them; adding or removing none means nothing. */
  content_ids = id_list (req, "contentIds", 1, error);
  if (content_ids == NULL)
    return FALSE;
  tag_ids = id_list (req, "tagIds", operation == BULK_REPLACE ? 0 : 1, error);
  if (tag_ids == NULL ||
      !check_owned (self, req, content_ids, "SELECT 1 FROM content WHERE id = ?1 AND organization_id = ?2",
                    "Content", error) ||
      !check_owned (self, req, tag_ids, "SELECT 1 FROM tags WHERE id = ?1 AND organization_id = ?2",
                    "Tag", error))
    return FALSE;
  tags = ids_json (tag_ids);

  if (!vz_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < content_ids->len; i++)
    {
      gboolean changed;

      if (!retag (self, req, g_ptr_array_index (content_ids, i), operation, tags, &changed, error))
        {
          vz_db_rollback (self->db);
          return FALSE;
        }
      changed_count += changed ? 1 : 0;
    }
  if (!vz_db_commit (self->db, error))
    {
      vz_db_rollback (self->db);
      return FALSE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, changed_count);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_array (builder);
  for (guint i = 0; i < content_ids->len; i++)
    {
      JsonNode *item = _vz_server_content_json (self, req->organization_id, g_ptr_array_index (content_ids, i),
                                                error);

      if (item == NULL)
        return FALSE;
      json_builder_add_value (builder, item);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}
