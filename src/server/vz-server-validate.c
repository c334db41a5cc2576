/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vz-server-private.h"
#include "vz-wire-json.h"

/*
 * What every route handler checks of a request before it changes anything:
 * the body's members and their types and lengths, the query's parameters,
 * pagination, If-Match, and the owned row a change applies to; and the
 * listing answers built from rows.
 */

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
