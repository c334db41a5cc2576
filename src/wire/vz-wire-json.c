/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-wire"

#include "config.h"

#include <string.h>
#include <stdlib.h>
#include <math.h>

#include "vz-wire-error.h"
#include "vz-wire-json.h"

typedef struct {
  const char *p;
  const char *end;
  guint       depth;
  gboolean    no_lone_surrogates;
  GError    **error;
  /* The last string read, NUL-terminated (json-glib copies it anyway): in
   * stack_buf when short and free of escapes, the common case, else in heap. */
  const char *str;
  gsize       str_len;
  char        stack_buf[256];
  GString    *heap;
  /* Streaming (vz_wire_json_parse_streamed): the top-level members whose
   * arrays go element by element to stream_func, and the member whose array
   * is being read now (NULL: none). */
  const char * const     *stream_members;
  VzWireJsonElementFunc   stream_func;
  gpointer                stream_data;
  const char             *streaming;
  /* The top-level members whose arrays are only checked, and whether the
   * value being read is in one of them: then no node is made, and the
   * readers return SKIPPED in place of one. */
  const char * const     *skip_members;
  gboolean                skipping;
} Reader;

/* What a value read while skipping stands as: never dereferenced. */
static const char skipped_value;
#define SKIPPED ((JsonNode *) &skipped_value)

static JsonNode *read_value (Reader *r);

static gboolean
fail (Reader     *r,
      const char *why)
{
  /* The first failure wins: inner errors are more precise than outer ones. */
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, VZ_WIRE_ERROR, VZ_WIRE_ERROR_BAD_JSON,
                 "The message is not valid JSON: %s.", why);
  return FALSE;
}

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Reader   *r,
           gunichar *out)
{
  gunichar v = 0;

  if (r->end - r->p < 4)
    return fail (r, "a \\u escape is cut short");
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (r->p[i]);
      if (h < 0)
        return fail (r, "a \\u escape has a non-hexadecimal digit");
      v = (v << 4) | (gunichar) h;
    }
  r->p += 4;
  *out = v;
  return TRUE;
}

static gboolean
read_string_slow (Reader     *r,
                  const char *start);

/* Reads a string (r->p is just past the opening quote) into r->str. */
static gboolean
read_string (Reader *r)
{
  const char *start = r->p;
  guchar high = 0;

  /* Fast path: plain bytes up to the closing quote, no escapes. */
  while (r->p < r->end)
    {
      guchar c = (guchar) *r->p;
      if (c == '"' || c == '\\' || c < 0x20)
        break;
      high |= c;
      r->p++;
    }
  if (r->p < r->end && *r->p == '"' && (gsize) (r->p - start) < sizeof r->stack_buf)
    {
      gsize len = r->p - start;

      /* Pure ASCII needs no UTF-8 check. */
      if ((high & 0x80) && !g_utf8_validate_len (start, len, NULL))
        return fail (r, "a string is not valid UTF-8");
      memcpy (r->stack_buf, start, len);
      r->stack_buf[len] = '\0';
      r->str = r->stack_buf;
      r->str_len = len;
      r->p++;
      return TRUE;
    }
  r->p = start;
  return read_string_slow (r, start);
}

static gboolean
read_string_slow (Reader     *r,
                  const char *start)
{
  if (r->heap == NULL)
    r->heap = g_string_sized_new (256);
  g_string_truncate (r->heap, 0);

  for (;;)
    {
      start = r->p;
      while (r->p < r->end)
        {
          guchar c = (guchar) *r->p;
          if (c == '"' || c == '\\' || c < 0x20)
            break;
          r->p++;
        }
      if (r->p > start)
        {
          if (!g_utf8_validate_len (start, r->p - start, NULL))
            return fail (r, "a string is not valid UTF-8");
          g_string_append_len (r->heap, start, r->p - start);
        }

      if (r->p >= r->end)
        return fail (r, "a string is not terminated");

      if (*r->p == '"')
        {
          r->p++;
          r->str = r->heap->str;
          r->str_len = r->heap->len;
          return TRUE;
        }
      if ((guchar) *r->p < 0x20)
        return fail (r, "a string contains a raw control character");

      /* Backslash escape. */
      r->p++;
      if (r->p >= r->end)
        return fail (r, "a string ends inside an escape");
      switch (*r->p++)
        {
        case '"':  g_string_append_c (r->heap, '"'); break;
        case '\\': g_string_append_c (r->heap, '\\'); break;
        case '/':  g_string_append_c (r->heap, '/'); break;
        case 'b':  g_string_append_c (r->heap, '\b'); break;
        case 'f':  g_string_append_c (r->heap, '\f'); break;
        case 'n':  g_string_append_c (r->heap, '\n'); break;
        case 'r':  g_string_append_c (r->heap, '\r'); break;
        case 't':  g_string_append_c (r->heap, '\t'); break;
        case 'u':
          {
            gunichar cp;
            gboolean lone = FALSE;

            if (!read_hex4 (r, &cp))
              return FALSE;
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                gunichar lo;

                lone = TRUE;
                if (r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u')
                  {
                    const char *save = r->p;
                    r->p += 2;
                    if (!read_hex4 (r, &lo))
                      return FALSE;
                    if (lo >= 0xDC00 && lo <= 0xDFFF)
                      {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        lone = FALSE;
                      }
                    else
                      r->p = save;
                  }
              }
            else if (cp >= 0xDC00 && cp <= 0xDFFF)
              lone = TRUE;
            else if (cp == 0)
              return fail (r, "a string contains an escaped NUL character");

            /* A lone surrogate is legal JSON (JavaScript strings are UTF-16)
             * but cannot be UTF-8: it becomes U+FFFD rather than an error,
             * unless the caller asked for refusal. */
            if (lone && r->no_lone_surrogates)
              return fail (r, "a string contains a lone UTF-16 surrogate");
            if (lone)
              cp = 0xFFFD;
            g_string_append_unichar (r->heap, cp);
          }
          break;
        default:
          return fail (r, "a string has an unknown escape");
        }
    }
}

static JsonNode *
read_number (Reader *r)
{
  const char *start = r->p;
  gboolean is_int = TRUE;
  JsonNode *node;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end)
    return fail (r, "a number is cut short"), NULL;
  if (*r->p == '0')
    r->p++;
  else if (*r->p >= '1' && *r->p <= '9')
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  else
    return fail (r, "a number has no digits"), NULL;

  if (r->p < r->end && *r->p == '.')
    {
      is_int = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "a number has no digits after its decimal point"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      is_int = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "a number has no digits in its exponent"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  node = json_node_alloc ();
  if (is_int && r->p - start <= 18)
    {
      /* Up to 18 digits always fits in gint64: no overflow checks needed. */
      gint64 v = 0;
      gboolean neg = *start == '-';
      for (const char *q = start + (neg ? 1 : 0); q < r->p; q++)
        v = v * 10 + (*q - '0');
      return json_node_init_int (node, neg ? -v : v);
    }
  else
    {
      /* strtod needs a terminated string, and our input is only length-delimited. */
      char buf[64];
      gsize n = r->p - start;
      g_autofree char *heap = NULL;
      const char *s;
      double d;

      if (n < sizeof buf)
        {
          memcpy (buf, start, n);
          buf[n] = '\0';
          s = buf;
        }
      else
        s = heap = g_strndup (start, n);
      d = g_ascii_strtod (s, NULL);
      if (is_int && d >= -9.2e18 && d <= 9.2e18)
        return json_node_init_int (node, (gint64) d);
      if (!isfinite (d))
        {
          json_node_free (node);
          return fail (r, "a number is out of range"), NULL;
        }
      return json_node_init_double (node, d);
    }
}

static gboolean
expect_word (Reader     *r,
             const char *word,
             gsize       len)
{
  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return fail (r, "it has an unknown literal");
  r->p += len;
  return TRUE;
}

/* An element of the array being streamed goes to its function, not into
 * the array (which stays empty). */
static gboolean
add_element (Reader    *r,
             JsonArray *array,
             JsonNode  *element)
{
  if (r->skipping)
    return TRUE;
  if (r->streaming == NULL || r->depth != 2)
    {
      json_array_add_element (array, element);
      return TRUE;
    }
  return r->stream_func (r->streaming, element, r->stream_data, r->error);
}

/* The node of a container just read: none while skipping. */
static JsonNode *
array_node (Reader    *r,
            JsonArray *array)
{
  return r->skipping ? SKIPPED : json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
read_array (Reader *r)
{
  g_autoptr(JsonArray) array = r->skipping ? NULL : json_array_new ();

  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return array_node (r, array);
    }
  for (;;)
    {
      JsonNode *element = read_value (r);

      if (element == NULL || !add_element (r, array, element))
        return NULL;
      skip_ws (r);
      if (r->p >= r->end)
        return fail (r, "an array is not terminated"), NULL;
      if (*r->p == ',')
        {
          r->p++;
          continue;
        }
      if (*r->p == ']')
        {
          r->p++;
          return array_node (r, array);
        }
      return fail (r, "array elements are not separated by commas"), NULL;
    }
}

/* The entry of @members (nullable) that is @key, or NULL. */
static const char *
named_member (const char * const *members,
              const char         *key)
{
  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    if (strcmp (members[i], key) == 0)
      return members[i];
  return NULL;
}

static JsonNode *
object_node (Reader     *r,
             JsonObject *object)
{
  return r->skipping ? SKIPPED : json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
read_object (Reader *r)
{
  g_autoptr(JsonObject) object = r->skipping ? NULL : json_object_new ();

  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return object_node (r, object);
    }
  for (;;)
    {
      /* Keys are short in practice: keep them on the stack, since reading the
       * member overwrites the string buffer and json-glib copies the key anyway. */
      char key_buf[128];
      g_autofree char *key_heap = NULL;
      const char *key;
      JsonNode *member;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, "an object key is not a string"), NULL;
      r->p++;
      if (!read_string (r))
        return NULL;
      if (r->str_len < sizeof key_buf)
        {
          memcpy (key_buf, r->str, r->str_len + 1);
          key = key_buf;
        }
      else
        key = key_heap = g_strndup (r->str, r->str_len);
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, "an object key is not followed by a colon"), NULL;
      r->p++;
      if (r->depth == 1)
        {
          r->streaming = named_member (r->stream_members, key);
          skip_ws (r);
          r->skipping = r->p < r->end && *r->p == '[' && named_member (r->skip_members, key) != NULL;
        }
      member = read_value (r);
      if (r->depth == 1 && r->skipping && member != NULL)
        /* The document keeps the member, empty. */
        member = json_node_init_array (json_node_alloc (), json_array_new ());
      if (r->depth == 1)
        {
          r->streaming = NULL;
          r->skipping = FALSE;
        }
      if (member == NULL)
        return NULL;
      /* Later duplicates win, as with JSON.parse. */
      if (!r->skipping)
        json_object_set_member (object, key, member);
      skip_ws (r);
      if (r->p >= r->end)
        return fail (r, "an object is not terminated"), NULL;
      if (*r->p == ',')
        {
          r->p++;
          continue;
        }
      if (*r->p == '}')
        {
          r->p++;
          return object_node (r, object);
        }
      return fail (r, "object members are not separated by commas"), NULL;
    }
}

static JsonNode *
read_value (Reader *r)
{
  JsonNode *node;

  skip_ws (r);
  if (r->p >= r->end)
    return fail (r, "it ends where a value was expected"), NULL;

  switch (*r->p)
    {
    case '{':
    case '[':
      if (++r->depth > VZ_WIRE_JSON_MAX_DEPTH)
        return fail (r, "it nests too deeply"), NULL;
      node = *r->p++ == '{' ? read_object (r) : read_array (r);
      r->depth--;
      return node;
    case '"':
      r->p++;
      if (!read_string (r))
        return NULL;
      return r->skipping ? SKIPPED : json_node_init_string (json_node_alloc (), r->str);
    case 't':
      return !expect_word (r, "true", 4) ? NULL : r->skipping ? SKIPPED
                                                              : json_node_init_boolean (json_node_alloc (), TRUE);
    case 'f':
      return !expect_word (r, "false", 5) ? NULL : r->skipping ? SKIPPED
                                                               : json_node_init_boolean (json_node_alloc (), FALSE);
    case 'n':
      return !expect_word (r, "null", 4) ? NULL : r->skipping ? SKIPPED : json_node_init_null (json_node_alloc ());
    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        {
          node = read_number (r);
          if (node == NULL || !r->skipping)
            return node;
          json_node_unref (node);
          return SKIPPED;
        }
      return fail (r, "it has an unexpected character"), NULL;
    }
}

static JsonNode *
parse (const char             *text,
       gsize                   len,
       VzWireJsonFlags         flags,
       const char * const     *stream_members,
       const char * const     *skip_members,
       VzWireJsonElementFunc   stream_func,
       gpointer                stream_data,
       GError                **error)
{
  Reader r;
  JsonNode *node;

  r.p = text;
  r.end = text + len;
  r.depth = 0;
  r.no_lone_surrogates = (flags & VZ_WIRE_JSON_NO_LONE_SURROGATES) != 0;
  r.error = error;
  r.str = NULL;
  r.str_len = 0;
  r.heap = NULL;
  r.stream_members = stream_members;
  r.stream_func = stream_func;
  r.stream_data = stream_data;
  r.streaming = NULL;
  r.skip_members = skip_members;
  r.skipping = FALSE;

  node = read_value (&r);
  if (node != NULL)
    {
      skip_ws (&r);
      if (r.p != r.end)
        {
          g_clear_pointer (&node, json_node_unref);
          fail (&r, "there is text after the value");
        }
    }
  if (r.heap != NULL)
    g_string_free (r.heap, TRUE);
  return node;
}

JsonNode *
vz_wire_json_parse_full (const char      *text,
                         gsize            len,
                         VzWireJsonFlags  flags,
                         GError         **error)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  return parse (text, len, flags, NULL, NULL, NULL, NULL, error);
}

JsonNode *
vz_wire_json_parse_streamed (const char             *text,
                             gsize                   len,
                             const char * const     *members,
                             VzWireJsonElementFunc   func,
                             gpointer                user_data,
                             GError                **error)
{
  return vz_wire_json_parse_streamed_skipping (text, len, members, NULL, func, user_data, error);
}

JsonNode *
vz_wire_json_parse_streamed_skipping (const char             *text,
                                      gsize                   len,
                                      const char * const     *members,
                                      const char * const     *skipped,
                                      VzWireJsonElementFunc   func,
                                      gpointer                user_data,
                                      GError                **error)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (members != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return parse (text, len, VZ_WIRE_JSON_DEFAULT, members, skipped, func, user_data, error);
}

JsonNode *
vz_wire_json_parse (const char  *text,
                    gsize        len,
                    GError     **error)
{
  return vz_wire_json_parse_full (text, len, VZ_WIRE_JSON_DEFAULT, error);
}

void
vz_wire_json_append_string (GString    *out,
                            const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;

  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      guchar c = (guchar) *s;
      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, s - run);
      run = s + 1;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
          break;
        }
    }
  g_string_append_len (out, run, s - run);
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (d))
    {
      /* JSON.stringify does the same with NaN and Infinity. */
      g_string_append (out, "null");
      return;
    }
  /* And it writes -0 as 0, which also reads back as the same value here
   * ("-0" would come back as the integer 0 and encode differently). */
  if (d == 0)
    {
      g_string_append_c (out, '0');
      return;
    }
  /* The shortest precision that reads back the same, so 0.1 stays "0.1". */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (precision == 17 || g_ascii_strtod (buf, NULL) == d)
        break;
    }
  g_string_append (out, buf);
}

void
vz_wire_json_append (GString  *out,
                     JsonNode *node)
{
  g_return_if_fail (out != NULL);

  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          vz_wire_json_append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            vz_wire_json_append (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            vz_wire_json_append_string (out, name);
            g_string_append_c (out, ':');
            vz_wire_json_append (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    default:
      g_string_append (out, "null");
      break;
    }
}
