/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "vz-server-private.h"
#include "vz-wire-json.h"

/*
 * The server's clock, its time stamps and texts, and the JSON helpers its
 * route handlers build answers with.
 */

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
