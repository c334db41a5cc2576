/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display-group"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-display-group.h"
#include "vz-entity-private.h"

struct _VzDisplayGroup
{
  VzEntity parent_instance;

  char  *name;
  char  *description;
  guint  display_count;
  GStrv  display_ids;
};

G_DEFINE_FINAL_TYPE (VzDisplayGroup, vz_display_group, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_DISPLAY_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const empty_ids[] = { NULL };

static gboolean
vz_display_group_update_from_json (VzEntity    *entity,
                                   JsonObject  *obj,
                                   GError     **error)
{
  VzDisplayGroup *self = VZ_DISPLAY_GROUP (entity);
  const char *name, *description;
  gboolean has_name, has_description, has_count = FALSE, has_displays;
  JsonObject *count_obj = NULL;
  JsonArray *displays = NULL;
  gdouble count = 0;
  g_autoptr(GPtrArray) ids = NULL;
  gboolean present;

  if (!_vz_json_get_string (obj, "name", N_("screen group"), TRUE, &has_name, &name, error) ||
      !_vz_json_get_string (obj, "description", N_("screen group"), TRUE, &has_description, &description, error) ||
      !_vz_json_get_object (obj, "_count", N_("screen group"), &present, &count_obj, error) ||
      !_vz_json_get_array (obj, "displays", N_("screen group"), &has_displays, &displays, error))
    return FALSE;
  if (count_obj != NULL &&
      !_vz_json_get_double (count_obj, "displays", N_("screen group’s count"), 0, &has_count, &count, error))
    return FALSE;
  if (count < 0 || count > G_MAXUINT)
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a screen group with an impossible number of screens."));
      return FALSE;
    }

  if (displays != NULL)
    {
      guint n = json_array_get_length (displays);

      ids = g_ptr_array_new_full (n + 1, g_free);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (displays, i);
          const char *id = NULL;

          /* Both shapes are seen in the wild: [{displayId}] and plain ids. */
          if (JSON_NODE_HOLDS_OBJECT (node))
            {
              if (!_vz_json_get_string (json_node_get_object (node), "displayId", N_("screen group member"),
                                        FALSE, &present, &id, error))
                return FALSE;
            }
          else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            id = json_node_get_string (node);
          else
            {
              g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                   _("The server sent a screen group whose member list is not a list of screens."));
              return FALSE;
            }
          if (id != NULL)
            g_ptr_array_add (ids, g_strdup (id));
        }
      g_ptr_array_add (ids, NULL);
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (has_name && _vz_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (has_description && _vz_set_string (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
  if (ids != NULL)
    {
      g_strfreev (self->display_ids);
      self->display_ids = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
      /* Without a _count the member list is the count. */
      if (!has_count)
        {
          has_count = TRUE;
          count = g_strv_length (self->display_ids);
        }
    }
  else if (has_displays)
    g_clear_pointer (&self->display_ids, g_strfreev);
  if (has_count && self->display_count != (guint) count)
    {
      self->display_count = (guint) count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_COUNT]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

static void
vz_display_group_finalize (GObject *object)
{
  VzDisplayGroup *self = VZ_DISPLAY_GROUP (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->display_ids, g_strfreev);

  G_OBJECT_CLASS (vz_display_group_parent_class)->finalize (object);
}

static void
vz_display_group_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzDisplayGroup *self = VZ_DISPLAY_GROUP (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_DISPLAY_COUNT:
      g_value_set_uint (value, self->display_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const char *
vz_display_group_get_title (VzEntity *entity)
{
  return vz_display_group_get_name (VZ_DISPLAY_GROUP (entity));
}

/* A list item of GET /display-groups, with its members. */
static void
vz_display_group_to_json (VzEntity *entity,
                          GString  *out)
{
  VzDisplayGroup *self = VZ_DISPLAY_GROUP (entity);
  const char * const *ids = vz_display_group_get_display_ids (self);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "name", vz_display_group_get_name (self));
  _vz_json_put_member (out, "description", vz_display_group_get_description (self));
  g_string_append_printf (out, ",\"_count\":{\"displays\":%u},\"displays\":[",
                          vz_display_group_get_display_count (self));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? ",{\"displayId\":" : "{\"displayId\":");
      _vz_json_put_string (out, ids[i]);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
}

static void
vz_display_group_class_init (VzDisplayGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_display_group_finalize;
  object_class->get_property = vz_display_group_get_property;
  entity_class->update_from_json = vz_display_group_update_from_json;
  entity_class->get_title = vz_display_group_get_title;
  entity_class->to_json = vz_display_group_to_json;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_COUNT] = g_param_spec_uint ("display-count", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_display_group_init (VzDisplayGroup *self)
{
}

const char *
vz_display_group_get_name (VzDisplayGroup *self)
{
  g_return_val_if_fail (VZ_IS_DISPLAY_GROUP (self), NULL);
  return self->name;
}

const char *
vz_display_group_get_description (VzDisplayGroup *self)
{
  g_return_val_if_fail (VZ_IS_DISPLAY_GROUP (self), NULL);
  return self->description;
}

guint
vz_display_group_get_display_count (VzDisplayGroup *self)
{
  g_return_val_if_fail (VZ_IS_DISPLAY_GROUP (self), 0);
  return self->display_count;
}

const char * const *
vz_display_group_get_display_ids (VzDisplayGroup *self)
{
  g_return_val_if_fail (VZ_IS_DISPLAY_GROUP (self), empty_ids);
  return self->display_ids != NULL ? (const char * const *) self->display_ids : empty_ids;
}
