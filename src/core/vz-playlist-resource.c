/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-resource"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-display.h"
#include "vz-content-resource.h"
#include "vz-display-resource.h"
#include "vz-json-private.h"
#include "vz-playlist-moves.h"
#include "vz-playlist-private.h"
#include "vz-playlist-resource.h"
#include "vz-schedule-resource.h"
#include "vz-sync-engine-private.h"
#include "vz-sync-words.h"

/* Items added here carry this until the server names them. */
#define LOCAL_ITEM_PREFIX VZ_PLAYLIST_LOCAL_ITEM_PREFIX

static const VzResourceField playlist_fields[] = {
  { "name", "name", "name", N_("name") },
  { "description", "description", "description", N_("description") },
  { "loop", "loop", "loop", N_("looping") },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* playlist:updated {playlistId, action, playlist?, updatedAt}              */

static VzResourceEventAction
read_playlist_updated (JsonNode    *payload,
                       JsonObject **record,
                       const char **id)
{
  return vz_resource_read_updated_event (payload, "playlistId", "playlist", record, id);
}

static const VzResourceEvent playlist_events[] = {
  { "playlist:updated", NULL, read_playlist_updated },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Edits of the items                                                       */

static JsonArray *
items_of (JsonObject *record)
{
  JsonNode *node = record != NULL ? json_object_get_member (record, "items") : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
find_item (JsonArray  *items,
           const char *item_id,
           guint      *index)
{
  for (guint i = 0; items != NULL && item_id != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (_vz_json_string (item, "id"), item_id) == 0)
        {
          if (index != NULL)
            *index = i;
          return item;
        }
    }
  return NULL;
}

static gboolean
bad_args (GError    **error,
          const char *message)
{
  g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST, message);
  return FALSE;
}

static JsonArray *
moves_of (JsonObject *values)
{
  JsonNode *moves = json_object_get_member (values, "moves");

  return moves != NULL && JSON_NODE_HOLDS_ARRAY (moves) ? json_node_get_array (moves) : NULL;
}

static JsonObject *
moves_values (JsonArray *moves)
{
  JsonObject *values = json_object_new ();

  json_object_set_array_member (values, "moves", moves);
  return values;
}

/* reorder: args {"order": [every item id]} or {"item": id, "position": n};
 * values {"moves": [...]} (vz-playlist-moves.h). */
static gboolean
reorder_build (VzEntity    *record,
               JsonObject  *args,
               JsonObject **changes,
               JsonObject **previous,
               GError     **error)
{
  g_auto(GStrv) current = vz_playlist_dup_item_ids (VZ_PLAYLIST (record));
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  g_autoptr(JsonArray) moves = NULL;
  JsonNode *order = json_object_get_member (args, "order");
  const char *item = _vz_json_string (args, "item");

  if (order != NULL && JSON_NODE_HOLDS_ARRAY (order))
    {
      JsonArray *ids = json_node_get_array (order);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *node = json_array_get_element (ids, i);
          const char *id = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                           ? json_node_get_string (node) : NULL;

          if (id == NULL || !g_strv_contains ((const char * const *) current, id) || !g_hash_table_add (seen, (gpointer) id))
            return bad_args (error, _("The new order must name every item of the playlist exactly once."));
          g_ptr_array_add (wanted, (gpointer) id);
        }
      if (wanted->len != g_strv_length (current))
        return bad_args (error, _("The new order must name every item of the playlist exactly once."));
    }
  else if (item != NULL)
    {
      JsonNode *position = json_object_get_member (args, "position");
      guint from = G_MAXUINT;
      gint64 to;

      for (guint i = 0; current[i] != NULL; i++)
        {
          if (strcmp (current[i], item) == 0)
            from = i;
          else
            g_ptr_array_add (wanted, current[i]);
        }
      if (from == G_MAXUINT)
        return bad_args (error, _("This item is no longer in the playlist."));
      if (position == NULL || !JSON_NODE_HOLDS_VALUE (position) || json_node_get_value_type (position) != G_TYPE_INT64)
        return bad_args (error, _("The item’s new place is missing."));
      to = CLAMP (json_node_get_int (position), 0, (gint64) wanted->len);
      g_ptr_array_insert (wanted, (gint) to, current[from]);
    }
  else
    return bad_args (error, _("The new order is missing."));

  g_ptr_array_add (wanted, NULL);
  moves = vz_playlist_moves_between ((const char * const *) current, (const char * const *) wanted->pdata);
  if (json_array_get_length (moves) == 0)
    {
      *changes = NULL;
      return TRUE;
    }
  *changes = moves_values (g_steal_pointer (&moves));
  *previous = moves_values (vz_playlist_moves_between ((const char * const *) wanted->pdata,
                                                       (const char * const *) current));
  return TRUE;
}

static void
reorder_apply (JsonObject *record,
               JsonObject *values)
{
  JsonArray *moves = moves_of (values);

  if (moves != NULL)
    vz_playlist_moves_apply_to_record (record, moves);
}

static char *
playlist_path (const char *id,
               const char *tail,
               const char *item_id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *escaped_item = item_id != NULL ? g_uri_escape_string (item_id, NULL, FALSE) : NULL;

  if (escaped_item != NULL)
    return g_strdup_printf ("/playlists/%s/%s/%s", escaped, tail, escaped_item);
  return g_strdup_printf ("/playlists/%s/%s", escaped, tail);
}

static void
reorder_show (VzEntity   *record,
              JsonObject *values)
{
  _vz_playlist_apply_moves (VZ_PLAYLIST (record), moves_of (values));
}

static void
add_item_id (JsonArray  *ids,
             const char *item)
{
  if (item != NULL && !g_str_has_prefix (item, LOCAL_ITEM_PREFIX))
    json_array_add_string_element (ids, item);
}

/* POST /playlists/:id/reorder {itemIds}: the whole order, as the playlist
 * will be (items the server has not named yet are not the server's). */
static void
reorder_request (VzEntity    *record,
                 JsonObject  *values,
                 JsonObject  *after,
                 char       **method,
                 char       **path,
                 JsonNode   **body)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonArray *ids = json_array_new ();

  if (after != NULL)
    {
      JsonArray *items = items_of (after);

      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonNode *node = json_array_get_element (items, i);

          add_item_id (ids, JSON_NODE_HOLDS_OBJECT (node) ? _vz_json_string (json_node_get_object (node), "id") : NULL);
        }
    }
  else
    {
      g_auto(GStrv) shown = vz_playlist_dup_item_ids (VZ_PLAYLIST (record));
      g_autoptr(GPtrArray) order = g_ptr_array_new ();

      for (guint i = 0; shown[i] != NULL; i++)
        g_ptr_array_add (order, shown[i]);
      vz_playlist_moves_apply (order, moves_of (values));
      for (guint i = 0; i < order->len; i++)
        add_item_id (ids, g_ptr_array_index (order, i));
    }
  json_object_set_array_member (obj, "itemIds", ids);
  *method = g_strdup ("POST");
  *path = playlist_path (vz_entity_get_id (record), "reorder", NULL);
  *body = json_node_init_object (json_node_alloc (), obj);
}

/*
 * add-item and remove-item undo each other, so they share their values:
 * {"item": {the item as the server lists it}, "index": n} puts an item in,
 * {"remove": id} takes one out.
 */
static gboolean
node_is_item (JsonNode   *node,
              const char *item_id)
{
  return item_id != NULL && g_strcmp0 (_vz_json_string (json_node_get_object (node), "id"), item_id) == 0;
}

static void
items_apply (JsonObject *record,
             JsonObject *values)
{
  g_autoptr(GPtrArray) items = vz_playlist_record_get_items (record);
  JsonObject *item = _vz_json_object (values, "item");
  const char *remove = _vz_json_string (values, "remove");
  JsonNode *at = json_object_get_member (values, "index");
  gboolean changed = FALSE;

  if (items == NULL)
    return;
  for (guint i = items->len; i > 0; i--)
    if (node_is_item (g_ptr_array_index (items, i - 1), remove != NULL ? remove : _vz_json_string (item, "id")))
      {
        /* Removed, or already there: an item is never in twice. */
        if (remove == NULL)
          return;
        g_ptr_array_remove_index (items, i - 1);
        changed = TRUE;
      }
  if (remove == NULL && item != NULL)
    {
      gint64 to = at != NULL && JSON_NODE_HOLDS_VALUE (at) && json_node_get_value_type (at) == G_TYPE_INT64
                  ? CLAMP (json_node_get_int (at), 0, (gint64) items->len) : (gint64) items->len;

      g_ptr_array_insert (items, (gint) to, json_node_init_object (json_node_alloc (), item));
      changed = TRUE;
    }
  if (changed)
    vz_playlist_record_set_items (record, items);
}

static void
items_show (VzEntity   *record,
            JsonObject *values)
{
  JsonObject *item = _vz_json_object (values, "item");
  JsonNode *at = json_object_get_member (values, "index");
  const char *remove = _vz_json_string (values, "remove");

  if (remove != NULL)
    _vz_playlist_remove_item (VZ_PLAYLIST (record), remove);
  else if (item != NULL)
    _vz_playlist_insert_item (VZ_PLAYLIST (record), item,
                              at != NULL && JSON_NODE_HOLDS_VALUE (at) && json_node_get_value_type (at) == G_TYPE_INT64
                              ? json_node_get_int (at) : G_MAXINT64);
}

static void
items_request (VzEntity    *record,
               JsonObject  *values,
               JsonObject  *after,
               char       **method,
               char       **path,
               JsonNode   **body)
{
  const char *id = vz_entity_get_id (record);
  JsonObject *item = _vz_json_object (values, "item");
  const char *remove = _vz_json_string (values, "remove");

  if (remove != NULL)
    {
      *method = g_strdup ("DELETE");
      *path = playlist_path (id, "items", remove);
      *body = NULL;
    }
  else
    {
      g_autoptr(JsonObject) obj = json_object_new ();
      JsonNode *duration = item != NULL ? json_object_get_member (item, "duration") : NULL;

      json_object_set_string_member (obj, "contentId", _vz_json_string (item, "contentId"));
      if (duration != NULL && !JSON_NODE_HOLDS_NULL (duration))
        json_object_set_member (obj, "duration", json_node_copy (duration));
      *method = g_strdup ("POST");
      *path = playlist_path (id, "items", NULL);
      *body = json_node_init_object (json_node_alloc (), obj);
    }
}

/* The moves that take @local_id, appended after the @n items @ids, to
 * place @at (before the item there), and the moves back (both transfer
 * full, as reorder's values). */
static void
moves_to_place (const char * const *ids,
                guint               n,
                const char         *local_id,
                guint               at,
                JsonObject        **moves,
                JsonObject        **back)
{
  g_autoptr(GPtrArray) appended = g_ptr_array_new ();
  g_autoptr(GPtrArray) placed = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      if (i == at)
        g_ptr_array_add (placed, (gpointer) local_id);
      g_ptr_array_add (appended, (gpointer) ids[i]);
      g_ptr_array_add (placed, (gpointer) ids[i]);
    }
  g_ptr_array_add (appended, (gpointer) local_id);
  g_ptr_array_add (appended, NULL);
  g_ptr_array_add (placed, NULL);
  *moves = moves_values (vz_playlist_moves_between ((const char * const *) appended->pdata,
                                                    (const char * const *) placed->pdata));
  *back = moves_values (vz_playlist_moves_between ((const char * const *) placed->pdata,
                                                   (const char * const *) appended->pdata));
}

/* An item put in (add-item's values and what undoes them), @local_id
 * until the server names it, at @index. */
static void
new_item_values (const char  *local_id,
                 const char  *content_id,
                 JsonNode    *duration,
                 JsonObject  *content,
                 gint64       index,
                 JsonObject **changes,
                 JsonObject **previous)
{
  JsonObject *item = json_object_new ();

  json_object_set_string_member (item, "id", local_id);
  json_object_set_string_member (item, "contentId", content_id);
  json_object_set_member (item, "duration", duration != NULL ? json_node_copy (duration) : json_node_new (JSON_NODE_NULL));
  if (content != NULL)
    json_object_set_object_member (item, "content", json_object_ref (content));
  *changes = json_object_new ();
  json_object_set_object_member (*changes, "item", item);
  json_object_set_int_member (*changes, "index", index);
  *previous = json_object_new ();
  json_object_set_string_member (*previous, "remove", local_id);
}

static char *
new_local_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strconcat (LOCAL_ITEM_PREFIX, uuid, NULL);
}

/* add-item: args {"contentId", "duration"?, "content"?: the content record (as JSON)} */
static gboolean
add_build (VzEntity    *record,
           JsonObject  *args,
           JsonObject **changes,
           JsonObject **previous,
           GError     **error)
{
  const char *content_id = _vz_json_string (args, "contentId");
  g_autofree char *local_id = NULL;

  if (content_id == NULL)
    return bad_args (error, _("Choose the content to add."));
  local_id = new_local_id ();
  new_item_values (local_id, content_id, json_object_get_member (args, "duration"), _vz_json_object (args, "content"),
                   vz_playlist_get_item_count (VZ_PLAYLIST (record)), changes, previous);
  return TRUE;
}

/* remove-item: args {"item": id} */
static gboolean
remove_build (VzEntity    *record,
              JsonObject  *args,
              JsonObject **changes,
              JsonObject **previous,
              GError     **error)
{
  const char *item_id = _vz_json_string (args, "item");
  g_autoptr(JsonObject) shown = vz_resource_record_json (record);
  JsonObject *item;
  guint index;

  if ((item = find_item (items_of (shown), item_id, &index)) == NULL)
    return bad_args (error, _("This item is no longer in the playlist."));
  *changes = json_object_new ();
  json_object_set_string_member (*changes, "remove", item_id);
  *previous = json_object_new ();
  json_object_set_object_member (*previous, "item", json_object_ref (item));
  json_object_set_int_member (*previous, "index", index);
  return TRUE;
}

/* item-duration: args and values {"item": id, "duration": seconds} */
static gboolean
duration_build (VzEntity    *record,
                JsonObject  *args,
                JsonObject **changes,
                JsonObject **previous,
                GError     **error)
{
  const char *item_id = _vz_json_string (args, "item");
  JsonNode *duration = json_object_get_member (args, "duration");
  VzPlaylistItem *item = item_id != NULL ? vz_playlist_find_item (VZ_PLAYLIST (record), item_id, NULL) : NULL;
  gint64 seconds;

  if (item == NULL)
    return bad_args (error, _("This item is no longer in the playlist."));
  if (duration == NULL || !JSON_NODE_HOLDS_VALUE (duration) || json_node_get_value_type (duration) != G_TYPE_INT64 ||
      (seconds = json_node_get_int (duration)) < 1 || seconds > 86400)
    return bad_args (error, _("An item plays for 1 second to 24 hours."));
  if (seconds == vz_playlist_item_get_duration (item))
    {
      *changes = NULL;
      return TRUE;
    }
  *changes = json_object_new ();
  json_object_set_string_member (*changes, "item", item_id);
  json_object_set_int_member (*changes, "duration", seconds);
  /* An item without a duration of its own goes back to what it played for. */
  *previous = json_object_new ();
  json_object_set_string_member (*previous, "item", item_id);
  json_object_set_int_member (*previous, "duration", vz_playlist_item_get_effective_duration (item));
  return TRUE;
}

static void
duration_apply (JsonObject *record,
                JsonObject *values)
{
  g_autoptr(GPtrArray) items = vz_playlist_record_get_items (record);
  const char *item_id = _vz_json_string (values, "item");
  JsonNode *duration = json_object_get_member (values, "duration");

  for (guint i = 0; items != NULL && duration != NULL && i < items->len; i++)
    if (node_is_item (g_ptr_array_index (items, i), item_id))
      {
        /* A copy with the new duration; the item it came from stays as it was. */
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (g_ptr_array_index (items, i)));
        while (json_object_iter_next (&iter, &member, &value))
          json_object_set_member (copy, member, json_node_ref (value));
        json_object_set_member (copy, "duration", json_node_copy (duration));
        json_node_unref (g_ptr_array_index (items, i));
        g_ptr_array_index (items, i) = json_node_init_object (json_node_alloc (), copy);
        json_object_unref (copy);
        vz_playlist_record_set_items (record, items);
        return;
      }
}

static void
duration_show (VzEntity   *record,
               JsonObject *values)
{
  JsonNode *duration = json_object_get_member (values, "duration");

  _vz_playlist_set_item_duration (VZ_PLAYLIST (record), _vz_json_string (values, "item"),
                                  duration != NULL && JSON_NODE_HOLDS_VALUE (duration) &&
                                  json_node_get_value_type (duration) == G_TYPE_INT64 ? json_node_get_int (duration) : -1);
}

/* PATCH /playlists/:id/items/:itemId {duration} */
static void
duration_request (VzEntity    *record,
                  JsonObject  *values,
                  JsonObject  *after,
                  char       **method,
                  char       **path,
                  JsonNode   **body)
{
  const char *id = vz_entity_get_id (record);
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonNode *duration = json_object_get_member (values, "duration");

  json_object_set_member (obj, "duration", duration != NULL ? json_node_copy (duration) : json_node_new (JSON_NODE_NULL));
  *method = g_strdup ("PATCH");
  *path = playlist_path (id, "items", _vz_json_string (values, "item"));
  *body = json_node_init_object (json_node_alloc (), obj);
}

/* The id the server gave an item put in: its answer is the item, or the
 * playlist (then the last item of that content is the new one). */
static gboolean
items_named (JsonObject  *values,
             JsonNode    *answer,
             const char **local_id,
             const char **server_id)
{
  JsonObject *item = _vz_json_object (values, "item");
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *content_id = _vz_json_string (item, "contentId");
  JsonArray *items = items_of (obj);

  if (item == NULL || obj == NULL || content_id == NULL)
    return FALSE;
  *local_id = _vz_json_string (item, "id");
  if (g_strcmp0 (_vz_json_string (obj, "contentId"), content_id) == 0)
    *server_id = _vz_json_string (obj, "id");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *listed = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (_vz_json_string (listed, "contentId"), content_id) == 0)
        *server_id = _vz_json_string (listed, "id");
    }
  return *local_id != NULL && *server_id != NULL;
}

/* ------------------------------------------------------------------------ */
/* Content made again after a delete (vz-playlist-private.h)                */

JsonNode *
_vz_playlist_held_content (VzEntity   *playlist,
                           const char *content_id)
{
  GListModel *items = vz_playlist_get_items (VZ_PLAYLIST (playlist));
  guint n = g_list_model_get_n_items (items);
  JsonArray *places = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);
      JsonObject *place;

      if (g_strcmp0 (vz_playlist_item_get_content_id (item), content_id) != 0)
        continue;
      place = json_object_new ();
      json_object_set_int_member (place, "index", i);
      /* An item without a duration of its own comes back with what it
       * played for (the server gives a new item one). */
      json_object_set_int_member (place, "duration", vz_playlist_item_get_effective_duration (item));
      if (places == NULL)
        places = json_array_new ();
      json_array_add_object_element (places, place);
    }
  return places != NULL ? json_node_init_array (json_node_alloc (), places) : NULL;
}

/* @changes and @previous as a step of _vz_playlist_hold_content_again(),
 * both named @edit (taken). */
static void
add_step (JsonArray  *steps,
          const char *edit,
          JsonObject *changes,
          JsonObject *previous)
{
  JsonObject *step = json_object_new ();

  json_object_set_string_member (changes, "edit", edit);
  json_object_set_string_member (previous, "edit", edit);
  json_object_set_string_member (step, "edit", edit);
  json_object_set_object_member (step, "changes", changes);
  json_object_set_object_member (step, "previous", previous);
  json_array_add_object_element (steps, step);
}

/* Each place in order of its index: the server appends the item, then it
 * moves there (as vz_sync_engine_add_playlist_item_at_async() does), so
 * the playlist as it was gets its items back where they were. */
JsonArray *
_vz_playlist_hold_content_again (VzEntity   *playlist,
                                 JsonNode   *held,
                                 const char *new_id,
                                 JsonObject *content)
{
  JsonArray *places = held != NULL && JSON_NODE_HOLDS_ARRAY (held) ? json_node_get_array (held) : NULL;
  g_auto(GStrv) current = vz_playlist_dup_item_ids (VZ_PLAYLIST (playlist));
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *steps = json_array_new ();

  for (guint i = 0; current[i] != NULL; i++)
    g_ptr_array_add (ids, g_strdup (current[i]));
  for (guint i = 0; places != NULL && i < json_array_get_length (places); i++)
    {
      JsonNode *node = json_array_get_element (places, i);
      JsonObject *place = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *index = place != NULL ? json_object_get_member (place, "index") : NULL;
      g_autofree char *local_id = new_local_id ();
      JsonObject *changes, *previous;
      guint at;

      if (index == NULL || !JSON_NODE_HOLDS_VALUE (index) || json_node_get_value_type (index) != G_TYPE_INT64)
        continue;
      at = (guint) CLAMP (json_node_get_int (index), 0, (gint64) ids->len);
      new_item_values (local_id, new_id, json_object_get_member (place, "duration"), content, ids->len,
                       &changes, &previous);
      add_step (steps, VZ_PLAYLIST_EDIT_ADD_ITEM, changes, previous);
      if (at < ids->len)
        {
          moves_to_place ((const char * const *) ids->pdata, ids->len, local_id, at, &changes, &previous);
          add_step (steps, VZ_PLAYLIST_EDIT_REORDER, changes, previous);
        }
      g_ptr_array_insert (ids, (gint) at, g_steal_pointer (&local_id));
    }
  return steps;
}

static const VzResourceEdit playlist_edits[] = {
  { .name = VZ_PLAYLIST_EDIT_REORDER, .build = reorder_build, .apply = reorder_apply, .show = reorder_show,
    .request = reorder_request,
    .read_first = TRUE, .did = N_("Reordered “%s”"), .todo = N_("Reorder “%s”") },
  { .name = VZ_PLAYLIST_EDIT_ADD_ITEM, .build = add_build, .apply = items_apply, .show = items_show, .request = items_request,
    .named = items_named, .did = N_("Added an item to “%s”"), .todo = N_("Add an item to “%s”") },
  { .name = VZ_PLAYLIST_EDIT_REMOVE_ITEM, .build = remove_build, .apply = items_apply, .show = items_show, .request = items_request,
    .named = items_named,
    .admin_only = N_("Only an administrator can remove an item from a playlist. "
                     "Your role (manager) may add items, reorder them and change how long they play."),
    .did = N_("Removed an item from “%s”"), .todo = N_("Remove an item from “%s”") },
  { .name = VZ_PLAYLIST_EDIT_ITEM_DURATION, .build = duration_build, .apply = duration_apply,
    .show = duration_show, .request = duration_request, .did = N_("Changed how long an item of “%s” plays"),
    .todo = N_("Change how long an item of “%s” plays") },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Screens that play it                                                     */

static void
count_screens (VzStore *playlists,
               VzStore *displays)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_displays = g_list_model_get_n_items (G_LIST_MODEL (displays));
  guint n_playlists = g_list_model_get_n_items (G_LIST_MODEL (playlists));

  for (guint i = 0; i < n_displays; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (displays), i);
      const char *id = vz_display_get_current_playlist_id (display);

      if (id != NULL)
        g_hash_table_insert (counts, (gpointer) id,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, id)) + 1));
    }
  for (guint i = 0; i < n_playlists; i++)
    {
      g_autoptr(VzPlaylist) playlist = g_list_model_get_item (G_LIST_MODEL (playlists), i);

      vz_playlist_set_screen_count (playlist, GPOINTER_TO_UINT (g_hash_table_lookup (counts,
                                                                                     vz_entity_get_id (VZ_ENTITY (playlist)))));
    }
}

static const VzResourceDerive playlist_derive = {
  .from = VZ_RESOURCE_DISPLAY,
  .derive = count_screens,
};

/* ------------------------------------------------------------------------ */
/* Made again after a delete                                                */

/* The name, description, looping and items (content and duration, in
 * order); the screens that played it are pointed at it again, and its
 * schedules (which the server deleted with it) are made again. */
static JsonObject *
playlist_restore_body (JsonObject  *saved,
                       GError     **error)
{
  static const char * const members[] = { "name", "description", "loop", NULL };
  JsonArray *items = items_of (saved);
  JsonArray *wanted = json_array_new ();
  JsonObject *body = json_object_new ();

  vz_resource_copy_members (saved, body, members);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *content_id = _vz_json_string (item, "contentId");
      double duration = _vz_json_number (item, "duration");
      JsonObject *one;

      if (content_id == NULL)
        continue;
      one = json_object_new ();
      json_object_set_string_member (one, "contentId", content_id);
      if (duration >= 1)
        json_object_set_int_member (one, "duration", (gint64) duration);
      json_array_add_object_element (wanted, one);
    }
  json_object_set_array_member (body, "items", wanted);
  return body;
}

static const VzResourceReferrer playlist_referrers[] = {
  { VZ_RESOURCE_DISPLAY, "currentPlaylistId", FALSE },
  { VZ_RESOURCE_SCHEDULE, "playlistId", TRUE },
  { NULL }
};

static const VzResourceRestore playlist_restore = {
  .body = playlist_restore_body,
  .referrers = playlist_referrers,
};

const VzResource vz_playlist_resource = {
  .name = VZ_RESOURCE_PLAYLIST,
  .collection = "/playlists",
  .snapshot_member = "playlists",
  .entity_type = vz_playlist_get_type,
  .fields = playlist_fields,
  .events = playlist_events,
  .edits = playlist_edits,
  .derive = &playlist_derive,
  .restore = &playlist_restore,
  .words = &vz_playlist_words,
  .optional = TRUE,
  .admin_delete = TRUE,
};

/* ------------------------------------------------------------------------ */
/* Typed changes                                                            */

VzStore *
vz_sync_engine_get_playlists (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_PLAYLIST);
}

static void
edit (VzSyncEngine        *self,
      const char          *playlist_id,
      const char          *name,
      JsonObject          *args,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  vz_sync_engine_edit_async (self, VZ_RESOURCE_PLAYLIST, playlist_id, name, args, cancellable, callback, user_data);
}

void
vz_sync_engine_reorder_playlist_async (VzSyncEngine        *self,
                                       const char          *playlist_id,
                                       const char * const  *item_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) args = json_object_new ();
  JsonArray *order = json_array_new ();

  g_return_if_fail (item_ids != NULL);

  for (guint i = 0; item_ids[i] != NULL; i++)
    json_array_add_string_element (order, item_ids[i]);
  json_object_set_array_member (args, "order", order);
  edit (self, playlist_id, VZ_PLAYLIST_EDIT_REORDER, args, cancellable, callback, user_data);
}

void
vz_sync_engine_move_playlist_item_async (VzSyncEngine        *self,
                                         const char          *playlist_id,
                                         const char          *item_id,
                                         guint                position,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonObject) args = json_object_new ();

  g_return_if_fail (item_id != NULL);

  json_object_set_string_member (args, "item", item_id);
  json_object_set_int_member (args, "position", position);
  edit (self, playlist_id, VZ_PLAYLIST_EDIT_REORDER, args, cancellable, callback, user_data);
}

/* add-item's args (transfer full). */
static JsonObject *
add_args (VzSyncEngine *self,
          const char   *content_id,
          guint         duration)
{
  JsonObject *args = json_object_new ();
  VzStore *library;
  VzEntity *content;

  json_object_set_string_member (args, "contentId", content_id);
  if (duration > 0)
    json_object_set_int_member (args, "duration", duration);
  /* The row shows the content's name and picture before the server answers. */
  library = vz_sync_engine_get_store (self, VZ_RESOURCE_CONTENT);
  content = library != NULL ? vz_store_lookup (library, content_id) : NULL;
  if (content != NULL)
    json_object_set_object_member (args, "content", vz_resource_record_json (content));
  return args;
}

void
vz_sync_engine_add_playlist_item_async (VzSyncEngine        *self,
                                        const char          *playlist_id,
                                        const char          *content_id,
                                        guint                duration,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(JsonObject) args = NULL;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (content_id != NULL);

  args = add_args (self, content_id, duration);
  edit (self, playlist_id, VZ_PLAYLIST_EDIT_ADD_ITEM, args, cancellable, callback, user_data);
}

void
vz_sync_engine_add_playlist_item_at_async (VzSyncEngine        *self,
                                           const char          *playlist_id,
                                           const char          *content_id,
                                           guint                duration,
                                           guint                position,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(JsonObject) add = NULL;
  g_autoptr(JsonObject) take_out = NULL;
  g_autoptr(JsonObject) moves = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_auto(GStrv) ids = NULL;
  VzStore *playlists;
  VzEntity *record;
  const char *local_id;

  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));
  g_return_if_fail (playlist_id != NULL);
  g_return_if_fail (content_id != NULL);

  args = add_args (self, content_id, duration);
  playlists = vz_sync_engine_get_playlists (self);
  record = playlists != NULL ? vz_store_lookup (playlists, playlist_id) : NULL;
  /* At the end (or a playlist not here, which the engine answers): an add. */
  if (record == NULL || position >= vz_playlist_get_item_count (VZ_PLAYLIST (record)) ||
      !add_build (record, args, &add, &take_out, NULL))
    {
      edit (self, playlist_id, VZ_PLAYLIST_EDIT_ADD_ITEM, args, cancellable, callback, user_data);
      return;
    }

  /* The server appends: the item goes in last, then moves to @position. */
  local_id = _vz_json_string (take_out, "remove");
  ids = vz_playlist_dup_item_ids (VZ_PLAYLIST (record));
  moves_to_place ((const char * const *) ids, g_strv_length (ids), local_id, position, &moves, &back);
  {
    const VzEditStep steps[] = {
      { VZ_PLAYLIST_EDIT_ADD_ITEM, add, take_out },
      { VZ_PLAYLIST_EDIT_REORDER, moves, back },
    };

    vz_sync_engine_edit_steps_async (self, VZ_RESOURCE_PLAYLIST, playlist_id, steps, G_N_ELEMENTS (steps),
                                     cancellable, callback, user_data);
  }
}

void
vz_sync_engine_remove_playlist_item_async (VzSyncEngine        *self,
                                           const char          *playlist_id,
                                           const char          *item_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonObject) args = json_object_new ();

  g_return_if_fail (item_id != NULL);

  json_object_set_string_member (args, "item", item_id);
  edit (self, playlist_id, VZ_PLAYLIST_EDIT_REMOVE_ITEM, args, cancellable, callback, user_data);
}

void
vz_sync_engine_set_playlist_item_duration_async (VzSyncEngine        *self,
                                                 const char          *playlist_id,
                                                 const char          *item_id,
                                                 guint                seconds,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(JsonObject) args = json_object_new ();

  g_return_if_fail (item_id != NULL);

  json_object_set_string_member (args, "item", item_id);
  json_object_set_int_member (args, "duration", seconds);
  edit (self, playlist_id, VZ_PLAYLIST_EDIT_ITEM_DURATION, args, cancellable, callback, user_data);
}

gboolean
vz_sync_engine_playlist_edit_finish (VzSyncEngine  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return vz_sync_engine_edit_finish (self, result, error);
}

void
vz_sync_engine_create_playlist_async (VzSyncEngine        *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (name != NULL);

  json_object_set_string_member (body, "name", name);
  vz_sync_engine_create_async (self, VZ_RESOURCE_PLAYLIST, body, cancellable, callback, user_data);
}

VzPlaylist *
vz_sync_engine_create_playlist_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return (VzPlaylist *) vz_sync_engine_create_finish (self, result, error);
}
