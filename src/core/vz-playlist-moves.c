/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-moves"

#include <string.h>

#include "vz-json-private.h"
#include "vz-playlist-moves.h"

/* Positions in @seq (indices into @from) of a longest increasing run. */
static GHashTable *
longest_run (const guint *seq,
             guint        n)
{
  g_autofree guint *tails = g_new (guint, n + 1);     /* index into seq */
  g_autofree guint *parent = g_new (guint, n + 1);
  GHashTable *kept = g_hash_table_new (NULL, NULL);
  guint length = 0;

  for (guint i = 0; i < n; i++)
    {
      guint lo = 0, hi = length;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (seq[tails[mid]] < seq[i])
            lo = mid + 1;
          else
            hi = mid;
        }
      parent[i] = lo > 0 ? tails[lo - 1] : G_MAXUINT;
      tails[lo] = i;
      if (lo == length)
        length++;
    }
  for (guint i = length > 0 ? tails[length - 1] : G_MAXUINT; i != G_MAXUINT; i = parent[i])
    g_hash_table_add (kept, GUINT_TO_POINTER (i + 1));
  return kept;
}

JsonArray *
vz_playlist_moves_between (const char * const *from,
                           const char * const *to)
{
  g_autoptr(GHashTable) position = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) kept = NULL;
  g_autoptr(GPtrArray) common = g_ptr_array_new ();
  g_autofree guint *seq = NULL;
  JsonArray *moves = json_array_new ();

  g_return_val_if_fail (from != NULL && to != NULL, moves);

  for (guint i = 0; from[i] != NULL; i++)
    g_hash_table_insert (position, (gpointer) from[i], GUINT_TO_POINTER (i + 1));
  for (guint i = 0; to[i] != NULL; i++)
    if (g_hash_table_contains (position, to[i]))
      g_ptr_array_add (common, (gpointer) to[i]);

  seq = g_new (guint, common->len + 1);
  for (guint i = 0; i < common->len; i++)
    seq[i] = GPOINTER_TO_UINT (g_hash_table_lookup (position, g_ptr_array_index (common, i)));
  kept = longest_run (seq, common->len);

  for (guint i = 0; i < common->len; i++)
    {
      JsonObject *move;

      if (g_hash_table_contains (kept, GUINT_TO_POINTER (i + 1)))
        continue;
      move = json_object_new ();
      json_object_set_string_member (move, "item", g_ptr_array_index (common, i));
      if (i > 0)
        json_object_set_string_member (move, "after", g_ptr_array_index (common, i - 1));
      else
        json_object_set_null_member (move, "after");
      json_object_set_int_member (move, "index", i);
      json_array_add_object_element (moves, move);
    }
  return moves;
}

static gboolean
find (GPtrArray  *order,
      const char *id,
      guint      *index)
{
  for (guint i = 0; i < order->len; i++)
    if (strcmp (g_ptr_array_index (order, i), id) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
vz_playlist_move_apply_one (GPtrArray  *order,
                            JsonObject *move,
                            guint      *from,
                            guint      *to)
{
  const char *item = _vz_json_string (move, "item");
  const char *after = _vz_json_string (move, "after");
  JsonNode *index_node = move != NULL ? json_object_get_member (move, "index") : NULL;
  guint anchor;
  gpointer id;

  g_return_val_if_fail (order != NULL && from != NULL && to != NULL, FALSE);

  if (item == NULL || !find (order, item, from))
    return FALSE;   /* gone since: dropped */
  id = g_ptr_array_steal_index (order, *from);
  if (after == NULL)
    *to = 0;
  else if (find (order, after, &anchor))
    *to = anchor + 1;
  else if (index_node != NULL && JSON_NODE_HOLDS_VALUE (index_node) &&
           json_node_get_value_type (index_node) == G_TYPE_INT64)
    *to = (guint) CLAMP (json_node_get_int (index_node), 0, (gint64) order->len);
  else
    *to = MIN (*from, order->len);
  g_ptr_array_insert (order, *to, id);
  return *to != *from;
}

guint
vz_playlist_moves_apply (GPtrArray *order,
                         JsonArray *moves)
{
  guint changed = 0;

  g_return_val_if_fail (order != NULL, 0);

  for (guint i = 0; moves != NULL && i < json_array_get_length (moves); i++)
    {
      JsonNode *node = json_array_get_element (moves, i);
      guint from, to;

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          vz_playlist_move_apply_one (order, json_node_get_object (node), &from, &to))
        changed++;
    }
  return changed;
}

void
vz_playlist_record_set_items (JsonObject *record,
                              GPtrArray  *items)
{
  JsonArray *array;

  g_return_if_fail (record != NULL && items != NULL);

  array = json_array_sized_new (items->len);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *from = json_node_get_object (g_ptr_array_index (items, i));
      JsonNode *order = json_object_get_member (from, "order");
      JsonObject *copy;
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      /* Items are never changed in place: one already at its place is
       * shared (a move renumbers only the items between its two places). */
      if (order != NULL && JSON_NODE_HOLDS_VALUE (order) && json_node_get_value_type (order) == G_TYPE_INT64 &&
          json_node_get_int (order) == (gint64) i)
        {
          json_array_add_object_element (array, json_object_ref (from));
          continue;
        }
      copy = json_object_new ();
      json_object_iter_init (&iter, from);
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (copy, member, json_node_ref (value));
      json_object_set_int_member (copy, "order", i);
      json_array_add_object_element (array, copy);
    }
  json_object_set_array_member (record, "items", array);
}

GPtrArray *
vz_playlist_record_get_items (JsonObject *record)
{
  JsonNode *items_node = json_object_get_member (record, "items");
  JsonArray *items;
  GPtrArray *out;

  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    return NULL;
  items = json_node_get_array (items_node);
  out = g_ptr_array_new_full (json_array_get_length (items), (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (out, json_node_ref (node));
    }
  return out;
}

void
vz_playlist_moves_apply_to_record (JsonObject *record,
                                   JsonArray  *moves)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_if_fail (record != NULL);

  if ((items = vz_playlist_record_get_items (record)) == NULL)
    return;
  order = g_ptr_array_new ();
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *node = g_ptr_array_index (items, i);
      const char *id = _vz_json_string (json_node_get_object (node), "id");

      if (id == NULL || !g_hash_table_insert (by_id, (gpointer) id, node))
        continue;
      g_ptr_array_add (order, (gpointer) id);
    }
  if (vz_playlist_moves_apply (order, moves) == 0)
    return;

  sorted = g_ptr_array_sized_new (order->len);
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (sorted, g_hash_table_lookup (by_id, g_ptr_array_index (order, i)));
  vz_playlist_record_set_items (record, sorted);
}
