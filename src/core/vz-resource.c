/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-resource"

#include <string.h>

#include "vz-content-resource.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-notification-resource.h"
#include "vz-playlist-resource.h"
#include "vz-schedule-resource.h"
#include "vz-tag-resource.h"
#include "vz-wire-json.h"
#include "vz-json-private.h"
#include "vz-resource.h"

const VzResource * const *
vz_resource_catalogue (void)
{
  /* Linked kinds first: a screen shows its group's name. */
  static const VzResource * const catalogue[] = {
    &vz_display_group_resource,
    &vz_display_resource,
    &vz_tag_resource,
    &vz_content_resource,
    &vz_playlist_resource,
    &vz_schedule_resource,
    &vz_notification_resource,
    NULL,
  };

  return catalogue;
}

const VzResource *
vz_resource_lookup (const char *name)
{
  const VzResource * const *kinds = vz_resource_catalogue ();

  for (guint i = 0; name != NULL && kinds[i] != NULL; i++)
    if (strcmp (kinds[i]->name, name) == 0)
      return kinds[i];
  return NULL;
}

VzResourceEventAction
vz_resource_read_updated_event (JsonNode    *payload,
                                const char  *id_member,
                                const char  *record_member,
                                JsonObject **record,
                                const char **id)
{
  JsonObject *obj = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  JsonObject *carried = _vz_json_object (obj, record_member);

  *id = _vz_json_string (obj, id_member);
  if (*id == NULL)
    *id = _vz_json_string (carried, "id");
  if (*id == NULL)
    return VZ_RECORD_EVENT_IGNORE;
  if (g_strcmp0 (_vz_json_string (obj, "action"), "deleted") == 0)
    return VZ_RECORD_EVENT_REMOVE;
  if (carried != NULL && g_strcmp0 (_vz_json_string (carried, "id"), *id) == 0)
    {
      *record = carried;
      return VZ_RECORD_EVENT_UPSERT;
    }
  return VZ_RECORD_EVENT_REREAD;
}

const VzResourceField *
vz_resource_find_field (const VzResource *self,
                        const char       *key)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; key != NULL && self->fields[i].key != NULL; i++)
    if (strcmp (self->fields[i].key, key) == 0)
      return &self->fields[i];
  return NULL;
}

const char *
vz_resource_member_for (const VzResource *self,
                        const char       *key)
{
  const VzResourceField *field = vz_resource_find_field (self, key);

  return field != NULL ? field->member : key;
}

char *
vz_resource_item_path (const VzResource *self,
                       const char       *id)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  return g_strdup_printf ("%s/%s", self->collection, escaped);
}

const char *
vz_resource_title (const VzResource *self,
                   VzEntity         *record)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (VZ_IS_ENTITY (record), NULL);

  return vz_entity_get_title (record);
}

const VzResourceEdit *
vz_resource_find_edit (const VzResource *self,
                       const char       *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; name != NULL && self->edits != NULL && self->edits[i].name != NULL; i++)
    if (strcmp (self->edits[i].name, name) == 0)
      return &self->edits[i];
  return NULL;
}

JsonNode *
vz_resource_dup_field_node (const VzResource      *self,
                            const VzResourceField *field,
                            VzEntity              *record)
{
  GParamSpec *pspec;
  g_auto(GValue) value = G_VALUE_INIT;
  gint64 number;

  g_return_val_if_fail (self != NULL && field != NULL, NULL);
  g_return_val_if_fail (VZ_IS_ENTITY (record), NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (record), field->property);
  g_return_val_if_fail (pspec != NULL, NULL);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (record), field->property, &value);
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING:
      return _vz_json_string_node (g_value_get_string (&value));
    case G_TYPE_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), g_value_get_boolean (&value));
    case G_TYPE_INT:
      number = g_value_get_int (&value);
      break;
    case G_TYPE_UINT:
      number = g_value_get_uint (&value);
      break;
    case G_TYPE_INT64:
      number = g_value_get_int64 (&value);
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  return number == -1 ? json_node_new (JSON_NODE_NULL) : json_node_init_int (json_node_alloc (), number);
}

gboolean
vz_resource_field_fits (const VzResource      *self,
                        const VzResourceField *field,
                        VzEntity              *record,
                        JsonNode              *value)
{
  GParamSpec *pspec;
  GType wanted;

  g_return_val_if_fail (self != NULL && field != NULL && value != NULL, FALSE);
  g_return_val_if_fail (VZ_IS_ENTITY (record), FALSE);

  if (JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (record), field->property);
  g_return_val_if_fail (pspec != NULL, FALSE);
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING:
      wanted = G_TYPE_STRING;
      break;
    case G_TYPE_BOOLEAN:
      wanted = G_TYPE_BOOLEAN;
      break;
    default:
      wanted = G_TYPE_INT64;
      break;
    }
  return json_node_get_value_type (value) == wanted;
}

char *
vz_resource_dup_field (const VzResource      *self,
                       const VzResourceField *field,
                       VzEntity              *record)
{
  g_autoptr(JsonNode) node = vz_resource_dup_field_node (self, field, record);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_dup_string (node);
  return json_to_string (node, FALSE);
}

JsonObject *
vz_resource_record_json (VzEntity *record)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VZ_IS_ENTITY (record), NULL);

  /* The wire's parser: json-glib's takes tens of milliseconds for a
   * playlist of 2,000 items. */
  vz_entity_to_json (record, text);
  root = vz_wire_json_parse (text->str, text->len, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_critical ("A record's own JSON does not read back: %s", error != NULL ? error->message : "not an object");
      return json_object_new ();
    }
  return json_object_ref (json_node_get_object (root));
}

gboolean
vz_resource_build_edit (const VzResourceEdit  *edit,
                        VzEntity              *record,
                        JsonObject            *args,
                        JsonObject           **changes,
                        JsonObject           **previous,
                        GError               **error)
{
  g_return_val_if_fail (edit != NULL, FALSE);
  g_return_val_if_fail (VZ_IS_ENTITY (record), FALSE);
  g_return_val_if_fail (args != NULL && changes != NULL && previous != NULL, FALSE);

  *changes = NULL;
  *previous = NULL;
  if (!edit->build (record, args, changes, previous, error))
    return FALSE;
  if (*changes == NULL)
    {
      g_clear_pointer (previous, json_object_unref);
      return TRUE;
    }
  json_object_set_string_member (*changes, "edit", edit->name);
  json_object_set_string_member (*previous, "edit", edit->name);
  return TRUE;
}

void
vz_resource_edit_request (const VzResourceEdit  *edit,
                          VzEntity              *record,
                          JsonObject            *values,
                          char                 **method,
                          char                 **path,
                          JsonNode             **body)
{
  g_return_if_fail (edit != NULL && values != NULL);
  g_return_if_fail (VZ_IS_ENTITY (record));

  edit->request (record, values, NULL, method, path, body);
}

void
vz_resource_copy_members (JsonObject         *from,
                          JsonObject         *to,
                          const char * const *members)
{
  g_return_if_fail (from != NULL && to != NULL && members != NULL);

  for (guint i = 0; members[i] != NULL; i++)
    {
      JsonNode *value = json_object_get_member (from, members[i]);

      if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
        json_object_set_member (to, members[i], json_node_copy (value));
    }
}
