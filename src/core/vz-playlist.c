/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-playlist.h"
#include "vz-playlist-moves.h"
#include "vz-playlist-private.h"

struct _VzPlaylist
{
  VzEntity parent_instance;

  char       *name;
  char       *description;
  char       *created_at;
  gboolean    loop;
  gboolean    is_default;
  GListStore *items;
  gboolean    has_items;        /* the server listed them at least once */
  guint       item_count;
  guint       total_duration;
  guint       schedule_count;
  guint       screen_count;
};

G_DEFINE_FINAL_TYPE (VzPlaylist, vz_playlist, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_CREATED_AT,
  PROP_LOOP,
  PROP_IS_DEFAULT,
  PROP_ITEMS,
  PROP_ITEM_COUNT,
  PROP_TOTAL_DURATION,
  PROP_SCHEDULE_COUNT,
  PROP_SCREEN_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (VzPlaylist *self,
        guint       prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint (VzPlaylist *self,
          guint      *field,
          guint       value,
          guint       prop)
{
  if (*field == value)
    return;
  *field = value;
  notify (self, prop);
}

static void
set_boolean (VzPlaylist *self,
             gboolean   *field,
             gboolean    value,
             guint       prop)
{
  if (*field == !!value)
    return;
  *field = !!value;
  notify (self, prop);
}

static guint
clamp_count (gint64 value)
{
  return value < 0 ? 0 : (guint) MIN (value, (gint64) G_MAXUINT);
}

static VzPlaylistItem *
item_at (GListModel *model,
         guint       position)
{
  /* The store keeps its own reference: borrowed for the caller. */
  g_autoptr(VzPlaylistItem) item = g_list_model_get_item (model, position);

  return item;
}

/*
 * Moves the item at @from of @store to @to (its index once moved): an
 * insertion at its new place, then the removal of the old one. In that
 * order a list view (GTK 4.8) showing the place gives the new item the row
 * the insertion pushed out of the rows it keeps, at the end of them; the
 * other way round it makes a new row at the item's place, which restyles
 * every row after it.
 */
static void
move_item (GListStore *store,
           guint       from,
           guint       to)
{
  g_autoptr(VzPlaylistItem) moved = g_list_model_get_item (G_LIST_MODEL (store), from);

  if (to > from)
    {
      g_list_store_insert (store, to + 1, moved);
      g_list_store_remove (store, from);
    }
  else
    {
      g_list_store_insert (store, to, moved);
      g_list_store_remove (store, from + 1);
    }
}

/*
 * Makes the items model show @wanted (objects already reused by id) with
 * the fewest changes: the common start and end stay, one item moved is one
 * insertion and one removal, anything else is one splice of the middle.
 */
static void
reconcile (GListStore *store,
           GPtrArray  *wanted)
{
  GListModel *model = G_LIST_MODEL (store);
  guint old_n = g_list_model_get_n_items (model);
  guint new_n = wanted->len;
  guint start = 0, end = 0, old_mid, new_mid;

  while (start < old_n && start < new_n && item_at (model, start) == g_ptr_array_index (wanted, start))
    start++;
  while (end < old_n - start && end < new_n - start &&
         item_at (model, old_n - 1 - end) == g_ptr_array_index (wanted, new_n - 1 - end))
    end++;
  old_mid = old_n - start - end;
  new_mid = new_n - start - end;
  if (old_mid == 0 && new_mid == 0)
    return;

  if (old_mid == new_mid && old_mid >= 2)
    {
      gboolean down = item_at (model, start) == g_ptr_array_index (wanted, start + new_mid - 1);
      gboolean up = item_at (model, start + old_mid - 1) == g_ptr_array_index (wanted, start);

      for (guint i = 0; down && i + 1 < old_mid; i++)
        down = item_at (model, start + 1 + i) == g_ptr_array_index (wanted, start + i);
      for (guint i = 0; up && i + 1 < old_mid; i++)
        up = item_at (model, start + i) == g_ptr_array_index (wanted, start + 1 + i);
      if (down || up)
        {
          move_item (store, down ? start : start + old_mid - 1, down ? start + old_mid - 1 : start);
          return;
        }
    }
  g_list_store_splice (store, start, old_mid, wanted->pdata + start, new_mid);
}

/* @array lists the items shown, in their order and as they are (the
 * answer to our own reorder, say): nothing to decode. */
static gboolean
items_unchanged (VzPlaylist *self,
                 JsonArray  *array)
{
  GListModel *model = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (model);

  if (json_array_get_length (array) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node) || !_vz_playlist_item_matches_json (item_at (model, i),
                                                                             json_node_get_object (node)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_items (VzPlaylist  *self,
            JsonArray   *array,
            GPtrArray   *wanted,
            GError     **error)
{
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) decoded = NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (items_unchanged (self, array))
    {
      for (guint i = 0; i < n_old; i++)
        g_ptr_array_add (wanted, g_list_model_get_item (G_LIST_MODEL (self->items), i));
      return TRUE;
    }
  old = g_hash_table_new (g_str_hash, g_str_equal);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  decoded = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      VzPlaylistItem *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server sent a playlist whose “items” are not a list of items."));
          return FALSE;
        }
      item = _vz_playlist_item_new_from_json (json_node_get_object (node), error);
      if (item == NULL)
        return FALSE;
      /* One item twice is listed once, where it first appears. */
      if (!g_hash_table_add (seen, (gpointer) vz_playlist_item_get_id (item)))
        {
          g_object_unref (item);
          continue;
        }
      g_ptr_array_add (decoded, item);
    }

  /* Everything decoded: now apply, keeping the objects whose id stays. */
  for (guint i = 0; i < n_old; i++)
    {
      VzPlaylistItem *item = item_at (G_LIST_MODEL (self->items), i);

      g_hash_table_insert (old, (gpointer) vz_playlist_item_get_id (item), item);
    }
  for (guint i = 0; i < decoded->len; i++)
    {
      VzPlaylistItem *item = g_ptr_array_index (decoded, i);
      VzPlaylistItem *existing = g_hash_table_lookup (old, vz_playlist_item_get_id (item));

      if (existing != NULL)
        {
          _vz_playlist_item_assign (existing, item);
          g_ptr_array_add (wanted, g_object_ref (existing));
        }
      else
        g_ptr_array_add (wanted, g_object_ref (item));
    }
  return TRUE;
}

static guint
sum_durations (VzPlaylist *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint64 total = 0;

  for (guint i = 0; i < n; i++)
    total += vz_playlist_item_get_effective_duration (item_at (G_LIST_MODEL (self->items), i));
  return (guint) MIN (total, G_MAXUINT);
}

static gboolean
vz_playlist_update_from_json (VzEntity    *entity,
                              JsonObject  *obj,
                              GError     **error)
{
  VzPlaylist *self = VZ_PLAYLIST (entity);
  const char *name, *description, *created_at;
  gboolean has_name, has_description, has_created_at, has_loop, has_default, has_items;
  gboolean has_count, has_total, has_counts, loop, is_default;
  gboolean present;
  gint64 count, total, schedules = -1;
  JsonArray *items = NULL;
  JsonObject *counts = NULL;
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);

  if (!_vz_json_get_string (obj, "name", N_("playlist"), TRUE, &has_name, &name, error) ||
      !_vz_json_get_string (obj, "description", N_("playlist"), TRUE, &has_description, &description, error) ||
      !_vz_json_get_string (obj, "createdAt", N_("playlist"), TRUE, &has_created_at, &created_at, error) ||
      !_vz_json_get_boolean (obj, "loop", N_("playlist"), &has_loop, &loop, error) ||
      !_vz_json_get_boolean (obj, "isDefault", N_("playlist"), &has_default, &is_default, error) ||
      !_vz_json_get_array (obj, "items", N_("playlist"), &has_items, &items, error) ||
      !_vz_json_get_count (obj, "itemCount", N_("playlist"), &has_count, &count, error) ||
      !_vz_json_get_count (obj, "totalDuration", N_("playlist"), &has_total, &total, error) ||
      !_vz_json_get_object (obj, "_count", N_("playlist"), &has_counts, &counts, error))
    return FALSE;
  if (counts != NULL &&
      !_vz_json_get_count (counts, "schedules", N_("playlist’s counts"), &present, &schedules, error))
    return FALSE;
  if (items != NULL && !read_items (self, items, wanted, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (has_name && _vz_set_string (&self->name, name))
    notify (self, PROP_NAME);
  if (has_description && _vz_set_string (&self->description, description))
    notify (self, PROP_DESCRIPTION);
  if (has_created_at && _vz_set_string (&self->created_at, created_at))
    notify (self, PROP_CREATED_AT);
  if (has_loop)
    set_boolean (self, &self->loop, loop, PROP_LOOP);
  if (has_default)
    set_boolean (self, &self->is_default, is_default, PROP_IS_DEFAULT);
  if (counts != NULL && schedules >= 0)
    set_uint (self, &self->schedule_count, clamp_count (schedules), PROP_SCHEDULE_COUNT);

  if (has_items)
    {
      self->has_items = items != NULL;
      reconcile (self->items, wanted);
    }
  /* The items say it best; a record without them (an event) keeps the
   * counts the server computed. */
  if (self->has_items)
    {
      set_uint (self, &self->item_count, g_list_model_get_n_items (G_LIST_MODEL (self->items)), PROP_ITEM_COUNT);
      set_uint (self, &self->total_duration, sum_durations (self), PROP_TOTAL_DURATION);
    }
  else
    {
      if (has_count && count >= 0)
        set_uint (self, &self->item_count, clamp_count (count), PROP_ITEM_COUNT);
      if (has_total && total >= 0)
        set_uint (self, &self->total_duration, clamp_count (total), PROP_TOTAL_DURATION);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static const char *
vz_playlist_get_title (VzEntity *entity)
{
  return VZ_PLAYLIST (entity)->name;
}

static void
vz_playlist_to_json (VzEntity *entity,
                     GString  *out)
{
  VzPlaylist *self = VZ_PLAYLIST (entity);
  GListModel *items = G_LIST_MODEL (self->items);
  const char *id = vz_entity_get_id (entity);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, id);
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "name", self->name);
  _vz_json_put_member (out, "description", self->description);
  _vz_json_put_member (out, "createdAt", self->created_at);
  g_string_append_printf (out, ",\"loop\":%s,\"isDefault\":%s,\"itemCount\":%u,\"totalDuration\":%u"
                          ",\"_count\":{\"schedules\":%u}",
                          self->loop ? "true" : "false", self->is_default ? "true" : "false",
                          self->item_count, self->total_duration, self->schedule_count);
  if (self->has_items)
    {
      g_string_append (out, ",\"items\":[");
      for (guint i = 0; i < g_list_model_get_n_items (items); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          _vz_playlist_item_to_json (item_at (items, i), id, out);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

static void
vz_playlist_finalize (GObject *object)
{
  VzPlaylist *self = VZ_PLAYLIST (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->created_at, g_free);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (vz_playlist_parent_class)->finalize (object);
}

static void
vz_playlist_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzPlaylist *self = VZ_PLAYLIST (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;
    case PROP_IS_DEFAULT:
      g_value_set_boolean (value, self->is_default);
      break;
    case PROP_ITEMS:
      g_value_set_object (value, self->items);
      break;
    case PROP_ITEM_COUNT:
      g_value_set_uint (value, self->item_count);
      break;
    case PROP_TOTAL_DURATION:
      g_value_set_uint (value, self->total_duration);
      break;
    case PROP_SCHEDULE_COUNT:
      g_value_set_uint (value, self->schedule_count);
      break;
    case PROP_SCREEN_COUNT:
      g_value_set_uint (value, self->screen_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_class_init (VzPlaylistClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_playlist_finalize;
  object_class->get_property = vz_playlist_get_property;
  entity_class->update_from_json = vz_playlist_update_from_json;
  entity_class->get_title = vz_playlist_get_title;
  entity_class->to_json = vz_playlist_to_json;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, flags);
  properties[PROP_LOOP] = g_param_spec_boolean ("loop", NULL, NULL, FALSE, flags);
  properties[PROP_IS_DEFAULT] = g_param_spec_boolean ("is-default", NULL, NULL, FALSE, flags);
  properties[PROP_ITEMS] = g_param_spec_object ("items", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_ITEM_COUNT] = g_param_spec_uint ("item-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TOTAL_DURATION] = g_param_spec_uint ("total-duration", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SCHEDULE_COUNT] = g_param_spec_uint ("schedule-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SCREEN_COUNT] = g_param_spec_uint ("screen-count", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_playlist_init (VzPlaylist *self)
{
  self->items = g_list_store_new (VZ_TYPE_PLAYLIST_ITEM);
}

const char *
vz_playlist_get_name (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);
  return self->name;
}

const char *
vz_playlist_get_description (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);
  return self->description;
}

gboolean
vz_playlist_get_loop (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), FALSE);
  return self->loop;
}

gboolean
vz_playlist_get_is_default (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), FALSE);
  return self->is_default;
}

const char *
vz_playlist_get_created_at (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);
  return self->created_at;
}

GListModel *
vz_playlist_get_items (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);
  return G_LIST_MODEL (self->items);
}

guint
vz_playlist_get_item_count (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), 0);
  return self->item_count;
}

guint
vz_playlist_get_total_duration (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), 0);
  return self->total_duration;
}

guint
vz_playlist_get_schedule_count (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), 0);
  return self->schedule_count;
}

guint
vz_playlist_get_screen_count (VzPlaylist *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (self), 0);
  return self->screen_count;
}

void
vz_playlist_set_screen_count (VzPlaylist *self,
                              guint       count)
{
  g_return_if_fail (VZ_IS_PLAYLIST (self));
  set_uint (self, &self->screen_count, count, PROP_SCREEN_COUNT);
}

VzPlaylistItem *
vz_playlist_find_item (VzPlaylist *self,
                       const char *item_id,
                       guint      *position)
{
  GListModel *items;

  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);
  g_return_val_if_fail (item_id != NULL, NULL);

  items = G_LIST_MODEL (self->items);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      VzPlaylistItem *item = item_at (items, i);

      if (g_strcmp0 (vz_playlist_item_get_id (item), item_id) == 0)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

GStrv
vz_playlist_dup_item_ids (VzPlaylist *self)
{
  GListModel *items;
  guint n;
  GStrv ids;

  g_return_val_if_fail (VZ_IS_PLAYLIST (self), NULL);

  items = G_LIST_MODEL (self->items);
  n = g_list_model_get_n_items (items);
  ids = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    ids[i] = g_strdup (vz_playlist_item_get_id (item_at (items, i)));
  return ids;
}

/* ------------------------------------------------------------------------ */
/* Changes in place (vz-playlist-private.h)                                 */

static void
items_changed (VzPlaylist *self)
{
  self->has_items = TRUE;
  set_uint (self, &self->item_count, g_list_model_get_n_items (G_LIST_MODEL (self->items)), PROP_ITEM_COUNT);
  set_uint (self, &self->total_duration, sum_durations (self), PROP_TOTAL_DURATION);
}

/* Items from @start to @end (inclusive) numbered by their place. */
static void
renumber (VzPlaylist *self,
          guint       start,
          guint       end)
{
  for (guint i = start; i <= end && i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    _vz_playlist_item_set_position (item_at (G_LIST_MODEL (self->items), i), i);
}

void
_vz_playlist_apply_moves (VzPlaylist *self,
                          JsonArray  *moves)
{
  g_auto(GStrv) ids = NULL;
  g_autoptr(GPtrArray) order = NULL;

  g_return_if_fail (VZ_IS_PLAYLIST (self));

  ids = vz_playlist_dup_item_ids (self);
  order = g_ptr_array_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (order, ids[i]);
  for (guint i = 0; moves != NULL && i < json_array_get_length (moves); i++)
    {
      JsonNode *node = json_array_get_element (moves, i);
      guint from, to;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !vz_playlist_move_apply_one (order, json_node_get_object (node), &from, &to))
        continue;
      move_item (self->items, from, to);
      renumber (self, MIN (from, to), MAX (from, to));
    }
}

void
_vz_playlist_insert_item (VzPlaylist *self,
                          JsonObject *obj,
                          gint64      index)
{
  g_autoptr(VzPlaylistItem) item = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_return_if_fail (VZ_IS_PLAYLIST (self));

  item = _vz_playlist_item_new_from_json (obj, &error);
  if (item == NULL)
    {
      g_debug ("An item does not fit its playlist: %s", error->message);
      return;
    }
  if (vz_playlist_find_item (self, vz_playlist_item_get_id (item), NULL) != NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  index = CLAMP (index, 0, (gint64) n);
  g_list_store_insert (self->items, (guint) index, item);
  renumber (self, (guint) index, n);
  items_changed (self);
}

void
_vz_playlist_remove_item (VzPlaylist *self,
                          const char *item_id)
{
  guint position;

  g_return_if_fail (VZ_IS_PLAYLIST (self));

  if (item_id == NULL || vz_playlist_find_item (self, item_id, &position) == NULL)
    return;
  g_list_store_remove (self->items, position);
  renumber (self, position, G_MAXUINT);
  items_changed (self);
}

void
_vz_playlist_set_item_duration (VzPlaylist *self,
                                const char *item_id,
                                gint64      duration)
{
  VzPlaylistItem *item;

  g_return_if_fail (VZ_IS_PLAYLIST (self));

  if (item_id == NULL || (item = vz_playlist_find_item (self, item_id, NULL)) == NULL)
    return;
  _vz_playlist_item_set_duration (item, duration);
  items_changed (self);
}
