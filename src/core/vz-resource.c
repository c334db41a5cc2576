/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-resource"

#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-resource.h"

const VzResource * const *
vz_resource_catalogue (void)
{
  /* Linked kinds first: a screen shows its group's name. */
  static const VzResource * const catalogue[] = {
    &vz_display_group_resource,
    &vz_display_resource,
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

char *
vz_resource_dup_field (const VzResource      *self,
                       const VzResourceField *field,
                       VzEntity              *record)
{
  char *value = NULL;

  g_return_val_if_fail (self != NULL && field != NULL, NULL);
  g_return_val_if_fail (VZ_IS_ENTITY (record), NULL);

  g_object_get (record, field->property, &value, NULL);
  return value;
}
