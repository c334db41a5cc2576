/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-store"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-store-private.h"

/*
 * Above this many separate runs of removed items, replace_all() announces one
 * combined change instead of one per run: each run costs a pass over the tail
 * of the array, and a view rebuilding a range is cheaper than thousands of
 * small signals.
 */
#define MAX_REMOVAL_RUNS 16

struct _VzStore
{
  GObject     parent_instance;

  GType       entity_type;
  GPtrArray  *items;   /* VzEntity*, owned */
  GHashTable *index;   /* id (borrowed from the entity) → VzEntity* */
};

static void vz_store_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VzStore, vz_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vz_store_list_model_init))

enum {
  PROP_0,
  PROP_ENTITY_TYPE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ITEM_NOTIFY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The stores alive (main thread): an entity's pointer to the store it was
 * put in is only followed when that store still exists. */
static GHashTable *live_stores;

static GType
vz_store_get_item_type (GListModel *model)
{
  return VZ_STORE (model)->entity_type;
}

static guint
vz_store_get_n_items (GListModel *model)
{
  return VZ_STORE (model)->items->len;
}

static gpointer
vz_store_get_item (GListModel *model,
                   guint       position)
{
  VzStore *self = VZ_STORE (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
vz_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vz_store_get_item_type;
  iface->get_n_items = vz_store_get_n_items;
  iface->get_item = vz_store_get_item;
}

static void
items_changed (VzStore *self,
               guint    position,
               guint    removed,
               guint    added)
{
  if (removed == 0 && added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
renumber_from (VzStore *self,
               guint    position)
{
  for (guint i = position; i < self->items->len; i++)
    _vz_entity_set_position_hint (g_ptr_array_index (self->items, i), i);
}

static void
vz_store_finalize (GObject *object)
{
  VzStore *self = VZ_STORE (object);

  g_hash_table_remove (live_stores, self);
  /* The index borrows its keys from the items: drop it first. */
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_store_parent_class)->finalize (object);
}

static void
vz_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VzStore *self = VZ_STORE (object);

  switch (prop_id)
    {
    case PROP_ENTITY_TYPE:
      g_value_set_gtype (value, self->entity_type);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VzStore *self = VZ_STORE (object);

  switch (prop_id)
    {
    case PROP_ENTITY_TYPE:
      self->entity_type = g_value_get_gtype (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_store_class_init (VzStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_store_finalize;
  object_class->get_property = vz_store_get_property;
  object_class->set_property = vz_store_set_property;

  properties[PROP_ENTITY_TYPE] =
    g_param_spec_gtype ("entity-type", NULL, NULL, VZ_TYPE_ENTITY,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VzStore::item-notify:
   * @entity: the item whose property changed
   * @pspec: the property
   *
   * An item's notify, detailed by the property's name ("item-notify::status"):
   * one connection on the store follows a property of all its items.
   */
  signals[ITEM_NOTIFY] =
    g_signal_new ("item-notify", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED | G_SIGNAL_NO_RECURSE | G_SIGNAL_NO_HOOKS,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, VZ_TYPE_ENTITY, G_TYPE_PARAM);

  live_stores = g_hash_table_new (NULL, NULL);
}

static void
vz_store_init (VzStore *self)
{
  self->entity_type = VZ_TYPE_ENTITY;
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (live_stores, self);
}

void
_vz_store_relay_notify (gpointer     store,
                        VzEntity    *entity,
                        guint        n_pspecs,
                        GParamSpec **pspecs)
{
  VzStore *self = store;

  if (!g_hash_table_contains (live_stores, store) ||
      g_hash_table_lookup (self->index, vz_entity_get_id (entity)) != entity)
    return;
  for (guint i = 0; i < n_pspecs; i++)
    g_signal_emit (self, signals[ITEM_NOTIFY], g_param_spec_get_name_quark (pspecs[i]), entity, pspecs[i]);
}

VzStore *
vz_store_new (GType entity_type)
{
  g_return_val_if_fail (g_type_is_a (entity_type, VZ_TYPE_ENTITY), NULL);

  return g_object_new (VZ_TYPE_STORE, "entity-type", entity_type, NULL);
}

GType
vz_store_get_entity_type (VzStore *self)
{
  g_return_val_if_fail (VZ_IS_STORE (self), G_TYPE_INVALID);

  return self->entity_type;
}

gpointer
vz_store_lookup (VzStore    *self,
                 const char *id)
{
  g_return_val_if_fail (VZ_IS_STORE (self), NULL);

  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (self->index, id);
}

static const char *
object_id (JsonObject  *obj,
           GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "id");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a record without an id."));
      return NULL;
    }
  return json_node_get_string (node);
}

static void
append_entity (VzStore  *self,
               VzEntity *entity)
{
  _vz_entity_set_position_hint (entity, self->items->len);
  _vz_entity_set_store (entity, self);
  g_ptr_array_add (self->items, entity);
  g_hash_table_insert (self->index, (gpointer) vz_entity_get_id (entity), entity);
}

gpointer
vz_store_upsert_json (VzStore     *self,
                      JsonObject  *obj,
                      GError     **error)
{
  VzEntity *entity;
  const char *id;

  g_return_val_if_fail (VZ_IS_STORE (self), NULL);
  g_return_val_if_fail (obj != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((id = object_id (obj, error)) == NULL)
    return NULL;

  entity = g_hash_table_lookup (self->index, id);
  if (entity != NULL)
    return vz_entity_update_from_json (entity, obj, error) ? entity : NULL;

  entity = vz_entity_new_from_json (self->entity_type, obj, error);
  if (entity == NULL)
    return NULL;
  append_entity (self, entity);
  items_changed (self, self->items->len - 1, 0, 1);
  return entity;
}

static guint
position_of (VzStore  *self,
             VzEntity *entity)
{
  guint hint = _vz_entity_get_position_hint (entity);
  guint position;

  if (hint < self->items->len && g_ptr_array_index (self->items, hint) == entity)
    return hint;
  /* The hint is maintained on every change; this is only a safety net. */
  if (g_ptr_array_find (self->items, entity, &position))
    return position;
  g_assert_not_reached ();
  return G_MAXUINT;
}

gboolean
vz_store_remove (VzStore    *self,
                 const char *id)
{
  VzEntity *entity;
  guint position;

  g_return_val_if_fail (VZ_IS_STORE (self), FALSE);

  if (id == NULL || (entity = g_hash_table_lookup (self->index, id)) == NULL)
    return FALSE;

  position = position_of (self, entity);
  g_hash_table_remove (self->index, id);
  g_ptr_array_remove_index (self->items, position);
  renumber_from (self, position);
  items_changed (self, position, 1, 0);
  return TRUE;
}

gboolean
vz_store_insert (VzStore  *self,
                 VzEntity *entity,
                 guint     position)
{
  const char *id;

  g_return_val_if_fail (VZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (entity, self->entity_type), FALSE);

  id = vz_entity_get_id (entity);
  g_return_val_if_fail (id != NULL, FALSE);
  if (g_hash_table_contains (self->index, id))
    return FALSE;

  position = MIN (position, self->items->len);
  g_ptr_array_insert (self->items, (gint) position, g_object_ref (entity));
  g_hash_table_insert (self->index, (gpointer) id, entity);
  _vz_entity_set_store (entity, self);
  renumber_from (self, position);
  items_changed (self, position, 0, 1);
  return TRUE;
}

guint
vz_store_get_position (VzStore  *self,
                       VzEntity *entity)
{
  guint hint;

  g_return_val_if_fail (VZ_IS_STORE (self), G_MAXUINT);
  g_return_val_if_fail (VZ_IS_ENTITY (entity), G_MAXUINT);

  if (g_hash_table_lookup (self->index, vz_entity_get_id (entity)) != entity)
    return G_MAXUINT;
  hint = _vz_entity_get_position_hint (entity);
  if (hint < self->items->len && g_ptr_array_index (self->items, hint) == entity)
    return hint;
  return position_of (self, entity);
}

static void
keep_first_error (GError **first,
                  GError  *error,
                  guint   *n_failed)
{
  (*n_failed)++;
  if (*first == NULL)
    *first = error;
  else
    g_error_free (error);
}

gboolean
vz_store_replace_all (VzStore    *self,
                      GPtrArray  *objects,
                      GError    **error)
{
  return vz_store_replace_all_decoded (self, objects, NULL, error);
}

/* Whether @obj holds nothing but a record's "id" and "updatedAt": a
 * stand-in when its entity was decoded ahead (and were it a whole record,
 * its entity would say the same). */
static gboolean
is_stand_in (JsonObject *obj)
{
  guint n = json_object_get_size (obj);

  return n <= 2 && json_object_has_member (obj, "id") &&
         (n == 1 || json_object_has_member (obj, "updatedAt"));
}

GHashTable *
vz_store_decoded_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, (GDestroyNotify) json_object_unref, g_object_unref);
}

/* The stand-in holds what applying a list reads of a record whose entity is
 * at hand: its "id" and "updatedAt" (vz_store_record_whole() gives the rest). */
JsonObject *
vz_store_decode_ahead (GType       entity_type,
                       JsonObject *obj,
                       const char *id,
                       GHashTable *ids,
                       GHashTable *decoded)
{
  VzEntity *entity;
  JsonObject *stub;
  const char *updated_at;

  g_return_val_if_fail (obj != NULL && id != NULL && ids != NULL && decoded != NULL, NULL);

  if (g_hash_table_contains (ids, id))
    return NULL;
  entity = vz_entity_new_from_json (entity_type, obj, NULL);
  if (entity == NULL)
    return NULL;
  stub = json_object_new ();
  json_object_set_string_member (stub, "id", id);
  updated_at = _vz_json_string (obj, "updatedAt");
  if (updated_at != NULL)
    json_object_set_string_member (stub, "updatedAt", updated_at);
  g_hash_table_insert (decoded, json_object_ref (stub), entity);
  g_hash_table_add (ids, (gpointer) _vz_json_string (stub, "id"));
  return stub;
}

JsonObject *
vz_store_record_whole (GHashTable *decoded,
                       JsonObject *obj)
{
  VzEntity *entity;

  g_return_val_if_fail (obj != NULL, NULL);

  entity = decoded != NULL && is_stand_in (obj) ? g_hash_table_lookup (decoded, obj) : NULL;
  return entity != NULL ? vz_entity_dup_json (entity) : json_object_ref (obj);
}

/* Updates @entity from @obj, read whole. */
static gboolean
update_from_record (VzEntity    *entity,
                    GHashTable  *decoded,
                    JsonObject  *obj,
                    GError     **error)
{
  g_autoptr(JsonObject) whole = vz_store_record_whole (decoded, obj);

  return vz_entity_update_from_json (entity, whole, error);
}

/* The entity decoded ahead for @obj, taken out of @decoded (each is used
 * once); when it is not of this store's type or has another id than @id,
 * one decoded now from the record whole. NULL: none was decoded ahead, or
 * (@error set) the record does not decode. */
static VzEntity *
take_decoded (VzStore     *self,
              GHashTable  *decoded,
              JsonObject  *obj,
              const char  *id,
              GError     **error)
{
  g_autoptr(JsonObject) whole = NULL;
  VzEntity *entity;

  if (decoded == NULL || (entity = g_hash_table_lookup (decoded, obj)) == NULL)
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (entity, self->entity_type) && g_strcmp0 (vz_entity_get_id (entity), id) == 0)
    {
      /* The key is @obj itself, which the caller still holds. */
      g_hash_table_steal (decoded, obj);
      json_object_unref (obj);
      return entity;
    }
  whole = vz_store_record_whole (decoded, obj);
  g_hash_table_remove (decoded, obj);
  return vz_entity_new_from_json (self->entity_type, whole, error);
}

gboolean
vz_store_replace_all_decoded (VzStore    *self,
                              GPtrArray  *objects,
                              GHashTable *decoded,
                              GError    **error)
{
  g_autofree guint8 *keep = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GHashTable) pending_index = NULL;
  g_autoptr(GError) first_error = NULL;
  guint n_failed = 0;
  guint n_old, n_runs = 0, first_removed = G_MAXUINT;

  g_return_val_if_fail (VZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (objects != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_old = self->items->len;
  keep = g_malloc0 (MAX (n_old, 1));
  pending = g_ptr_array_new_with_free_func (g_object_unref);
  /* New ids are indexed apart until they are appended, so that lookups made
   * by handlers of the removal signals below never see half-added items. */
  pending_index = g_hash_table_new (g_str_hash, g_str_equal);

  /* 1. Update in place what exists, decode what is new. */
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (objects, i);
      GError *local_error = NULL;
      VzEntity *entity;
      const char *id;

      if (obj == NULL || (id = object_id (obj, &local_error)) == NULL)
        {
          if (local_error != NULL)
            keep_first_error (&first_error, local_error, &n_failed);
          continue;
        }

      entity = g_hash_table_lookup (self->index, id);
      if (entity != NULL)
        {
          /* A record that fails to decode stays as it was: still on the server. */
          keep[position_of (self, entity)] = 1;
          if (!update_from_record (entity, decoded, obj, &local_error))
            keep_first_error (&first_error, local_error, &n_failed);
          continue;
        }

      entity = g_hash_table_lookup (pending_index, id);
      if (entity != NULL)
        {
          /* The same id twice in one list: the later copy wins. */
          if (!update_from_record (entity, decoded, obj, &local_error))
            keep_first_error (&first_error, local_error, &n_failed);
          continue;
        }

      entity = take_decoded (self, decoded, obj, id, &local_error);
      if (entity == NULL && local_error == NULL)
        entity = vz_entity_new_from_json (self->entity_type, obj, &local_error);
      if (entity == NULL)
        {
          keep_first_error (&first_error, local_error, &n_failed);
          continue;
        }
      g_ptr_array_add (pending, entity);
      g_hash_table_insert (pending_index, (gpointer) vz_entity_get_id (entity), entity);
    }
  g_clear_pointer (&pending_index, g_hash_table_unref);

  /* 2. Remove what the server no longer has. */
  for (guint i = 0; i < n_old; i++)
    if (!keep[i] && (i == 0 || keep[i - 1]))
      {
        n_runs++;
        if (first_removed == G_MAXUINT)
          first_removed = i;
      }

  if (n_runs > MAX_REMOVAL_RUNS)
    {
      g_autoptr(GPtrArray) old = self->items;
      guint n_new;

      self->items = g_ptr_array_new_full (n_old + pending->len, g_object_unref);
      for (guint i = 0; i < n_old; i++)
        {
          VzEntity *entity = g_ptr_array_index (old, i);

          if (keep[i])
            {
              _vz_entity_set_position_hint (entity, self->items->len);
              g_ptr_array_add (self->items, entity);
            }
          else
            {
              g_hash_table_remove (self->index, vz_entity_get_id (entity));
              g_object_unref (entity);
            }
        }
      /* Ownership of the kept items moved to the new array. */
      g_ptr_array_set_free_func (old, NULL);

      for (guint i = 0; i < pending->len; i++)
        append_entity (self, g_object_ref (g_ptr_array_index (pending, i)));
      n_new = self->items->len;
      items_changed (self, first_removed, n_old - first_removed, n_new - first_removed);
    }
  else
    {
      guint end = n_old;

      /* From the end, so that earlier positions stay valid for later signals. */
      while (n_runs > 0 && end > 0)
        {
          guint run_end, run_start;

          while (end > 0 && keep[end - 1])
            end--;
          if (end == 0)
            break;
          run_end = end;
          while (end > 0 && !keep[end - 1])
            end--;
          run_start = end;

          for (guint i = run_start; i < run_end; i++)
            g_hash_table_remove (self->index,
                                 vz_entity_get_id (g_ptr_array_index (self->items, i)));
          g_ptr_array_remove_range (self->items, run_start, run_end - run_start);
          renumber_from (self, run_start);
          items_changed (self, run_start, run_end - run_start, 0);
          n_runs--;
        }

      if (pending->len > 0)
        {
          guint position = self->items->len;

          for (guint i = 0; i < pending->len; i++)
            append_entity (self, g_object_ref (g_ptr_array_index (pending, i)));
          items_changed (self, position, 0, pending->len);
        }
    }

  if (first_error != NULL)
    {
      if (n_failed == 1)
        g_propagate_error (error, g_steal_pointer (&first_error));
      else
        g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                     ngettext ("%'u record could not be read: %s",
                               "%'u records could not be read: %s", n_failed),
                     n_failed, first_error->message);
      return FALSE;
    }
  return TRUE;
}

void
vz_store_clear (VzStore *self)
{
  guint n;

  g_return_if_fail (VZ_IS_STORE (self));

  n = self->items->len;
  if (n == 0)
    return;
  g_hash_table_remove_all (self->index);
  g_ptr_array_set_size (self->items, 0);
  items_changed (self, 0, n, 0);
}
