/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-tag"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-tag.h"

struct _VzTag
{
  VzEntity parent_instance;

  char  *name;
  char  *color;
  guint  content_count;
};

G_DEFINE_FINAL_TYPE (VzTag, vz_tag, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NAME,
  PROP_COLOR,
  PROP_CONTENT_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (VzTag *self,
        guint  prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
vz_tag_update_from_json (VzEntity    *entity,
                         JsonObject  *obj,
                         GError     **error)
{
  VzTag *self = VZ_TAG (entity);
  const char *name, *color;
  gboolean has_name, has_color, has_count;
  gdouble count;

  if (!_vz_json_get_string (obj, "name", N_("tag"), TRUE, &has_name, &name, error) ||
      !_vz_json_get_string (obj, "color", N_("tag"), TRUE, &has_color, &color, error) ||
      !_vz_json_get_double (obj, "contentCount", N_("tag"), 0, &has_count, &count, error))
    return FALSE;
  if (count < 0 || count > G_MAXUINT)
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a tag with an impossible number of uses."));
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (has_name && _vz_set_string (&self->name, name))
    notify (self, PROP_NAME);
  if (has_color && _vz_set_string (&self->color, color))
    notify (self, PROP_COLOR);
  if (has_count && self->content_count != (guint) count)
    {
      self->content_count = (guint) count;
      notify (self, PROP_CONTENT_COUNT);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static const char *
vz_tag_get_title (VzEntity *entity)
{
  return VZ_TAG (entity)->name;
}

static void
vz_tag_to_json (VzEntity *entity,
                GString  *out)
{
  VzTag *self = VZ_TAG (entity);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "name", self->name);
  _vz_json_put_member (out, "color", self->color);
  g_string_append_printf (out, ",\"contentCount\":%u}", self->content_count);
}

static void
vz_tag_finalize (GObject *object)
{
  VzTag *self = VZ_TAG (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->color, g_free);

  G_OBJECT_CLASS (vz_tag_parent_class)->finalize (object);
}

static void
vz_tag_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  VzTag *self = VZ_TAG (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;
    case PROP_CONTENT_COUNT:
      g_value_set_uint (value, self->content_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_tag_class_init (VzTagClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_tag_finalize;
  object_class->get_property = vz_tag_get_property;
  entity_class->update_from_json = vz_tag_update_from_json;
  entity_class->get_title = vz_tag_get_title;
  entity_class->to_json = vz_tag_to_json;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_COUNT] = g_param_spec_uint ("content-count", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_tag_init (VzTag *self)
{
}

const char *
vz_tag_get_name (VzTag *self)
{
  g_return_val_if_fail (VZ_IS_TAG (self), NULL);
  return self->name;
}

const char *
vz_tag_get_color (VzTag *self)
{
  g_return_val_if_fail (VZ_IS_TAG (self), NULL);
  return self->color;
}

guint
vz_tag_get_content_count (VzTag *self)
{
  g_return_val_if_fail (VZ_IS_TAG (self), 0);
  return self->content_count;
}
