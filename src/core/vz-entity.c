/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-entity"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-wire-json.h"

typedef struct
{
  char *id;
  char *updated_at;
  guint position_hint;
  /* Set while new_from_json() fills a fresh object: nobody can be listening
   * yet, so the notifications (a real cost for 10,000 records) are skipped. */
  gboolean constructing;
  /* Set by the optimistic layer only: a JSON update never clears them, since
   * the server does not know what is still queued here. */
  gboolean pending;
  gboolean conflict;
} VzEntityPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (VzEntity, vz_entity, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_UPDATED_AT,
  PROP_PENDING,
  PROP_CONFLICT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
wrong_type (const char  *what,
            const char  *member,
            const char  *expected,
            GError     **error)
{
  /* The member name is kept verbatim: it is what a developer greps the
   * server for, and it never carries user data. */
  /* @what arrives untranslated (N_): decoding runs per field of every
   * record, and only this rare path needs the translation. */
  g_set_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
               _("The server sent a %s whose “%s” is not %s."),
               _(what), member, expected);
  return FALSE;
}

gboolean
_vz_json_get_string (JsonObject  *obj,
                     const char  *member,
                     const char  *what,
                     gboolean     nullable,
                     gboolean    *present,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *present = node != NULL;
  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        return wrong_type (what, member, _("text"), error);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (what, member, _("text"), error);
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_vz_json_get_boolean (JsonObject  *obj,
                      const char  *member,
                      const char  *what,
                      gboolean    *present,
                      gboolean    *out,
                      GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *present = node != NULL;
  *out = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (what, member, _("true or false"), error);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_vz_json_get_double (JsonObject  *obj,
                     const char  *member,
                     const char  *what,
                     gdouble      null_value,
                     gboolean    *present,
                     gdouble     *out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  GType type;

  *present = node != NULL;
  *out = null_value;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (what, member, _("a number"), error);
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (gdouble) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return wrong_type (what, member, _("a number"), error);
  return TRUE;
}

gboolean
_vz_json_get_count (JsonObject  *obj,
                    const char  *member,
                    const char  *what,
                    gboolean    *present,
                    gint64      *out,
                    GError     **error)
{
  gdouble value;

  if (!_vz_json_get_double (obj, member, what, -1, present, &value, error))
    return FALSE;
  *out = value >= 0 && value < 9.2e18 ? (gint64) (value + 0.5) : -1;
  return TRUE;
}

gboolean
_vz_json_get_object (JsonObject  *obj,
                     const char  *member,
                     const char  *what,
                     gboolean    *present,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *present = node != NULL;
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (what, member, _("an object"), error);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_vz_json_get_array (JsonObject  *obj,
                    const char  *member,
                    const char  *what,
                    gboolean    *present,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *present = node != NULL;
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (what, member, _("a list"), error);
  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
_vz_set_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
vz_entity_real_update_from_json (VzEntity    *self,
                                 JsonObject  *obj,
                                 GError     **error)
{
  return TRUE;
}

static void
vz_entity_finalize (GObject *object)
{
  VzEntity *self = VZ_ENTITY (object);
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  _vz_clear_shared_string (&priv->updated_at);

  G_OBJECT_CLASS (vz_entity_parent_class)->finalize (object);
}

static void
vz_entity_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzEntity *self = VZ_ENTITY (object);
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_UPDATED_AT:
      g_value_set_string (value, priv->updated_at);
      break;
    case PROP_PENDING:
      g_value_set_boolean (value, priv->pending);
      break;
    case PROP_CONFLICT:
      g_value_set_boolean (value, priv->conflict);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_entity_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzEntity *self = VZ_ENTITY (object);

  switch (prop_id)
    {
    case PROP_UPDATED_AT:
      vz_entity_set_updated_at (self, g_value_get_string (value));
      break;
    case PROP_PENDING:
      vz_entity_set_pending (self, g_value_get_boolean (value));
      break;
    case PROP_CONFLICT:
      vz_entity_set_conflict (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_entity_real_to_json (VzEntity *self,
                        GString  *out)
{
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, priv->id);
  _vz_json_put_member (out, "updatedAt", priv->updated_at);
  g_string_append_c (out, '}');
}

static void
vz_entity_class_init (VzEntityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_entity_finalize;
  object_class->get_property = vz_entity_get_property;
  object_class->set_property = vz_entity_set_property;

  klass->update_from_json = vz_entity_real_update_from_json;
  klass->to_json = vz_entity_real_to_json;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_UPDATED_AT] =
    g_param_spec_string ("updated-at", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONFLICT] =
    g_param_spec_boolean ("conflict", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_entity_init (VzEntity *self)
{
}

const char *
vz_entity_get_id (VzEntity *self)
{
  VzEntityPrivate *priv;

  g_return_val_if_fail (VZ_IS_ENTITY (self), NULL);

  priv = vz_entity_get_instance_private (self);
  return priv->id;
}

const char *
vz_entity_get_updated_at (VzEntity *self)
{
  VzEntityPrivate *priv;

  g_return_val_if_fail (VZ_IS_ENTITY (self), NULL);

  priv = vz_entity_get_instance_private (self);
  return priv->updated_at;
}

void
vz_entity_set_updated_at (VzEntity   *self,
                          const char *updated_at)
{
  VzEntityPrivate *priv;

  g_return_if_fail (VZ_IS_ENTITY (self));

  priv = vz_entity_get_instance_private (self);
  if (_vz_set_shared_string (&priv->updated_at, updated_at) && !priv->constructing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
vz_entity_get_pending (VzEntity *self)
{
  VzEntityPrivate *priv;

  g_return_val_if_fail (VZ_IS_ENTITY (self), FALSE);

  priv = vz_entity_get_instance_private (self);
  return priv->pending;
}

void
vz_entity_set_pending (VzEntity *self,
                       gboolean  pending)
{
  VzEntityPrivate *priv;

  g_return_if_fail (VZ_IS_ENTITY (self));

  priv = vz_entity_get_instance_private (self);
  pending = !!pending;
  if (priv->pending == pending)
    return;
  priv->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

gboolean
vz_entity_get_conflict (VzEntity *self)
{
  VzEntityPrivate *priv;

  g_return_val_if_fail (VZ_IS_ENTITY (self), FALSE);

  priv = vz_entity_get_instance_private (self);
  return priv->conflict;
}

void
vz_entity_set_conflict (VzEntity *self,
                        gboolean  conflict)
{
  VzEntityPrivate *priv;

  g_return_if_fail (VZ_IS_ENTITY (self));

  priv = vz_entity_get_instance_private (self);
  conflict = !!conflict;
  if (priv->conflict == conflict)
    return;
  priv->conflict = conflict;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT]);
}

gboolean
vz_entity_update_from_json (VzEntity    *self,
                            JsonObject  *obj,
                            GError     **error)
{
  VzEntityPrivate *priv;
  const char *id = NULL;
  const char *updated_at = NULL;
  gboolean has_id, has_updated_at;

  g_return_val_if_fail (VZ_IS_ENTITY (self), FALSE);
  g_return_val_if_fail (obj != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = vz_entity_get_instance_private (self);

  /* Everything is checked before anything is applied, so a malformed
   * update never leaves the object half changed. */
  if (!_vz_json_get_string (obj, "id", N_("record"), FALSE, &has_id, &id, error) ||
      !_vz_json_get_string (obj, "updatedAt", N_("record"), TRUE, &has_updated_at, &updated_at, error))
    return FALSE;

  if (has_id && priv->id != NULL && g_strcmp0 (priv->id, id) != 0)
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server answered with a different record than the one asked for."));
      return FALSE;
    }

  if (!VZ_ENTITY_GET_CLASS (self)->update_from_json (self, obj, error))
    return FALSE;

  if (has_id && priv->id == NULL)
    {
      priv->id = g_strdup (id);
      if (!priv->constructing)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }
  if (has_updated_at)
    vz_entity_set_updated_at (self, updated_at);

  return TRUE;
}

VzEntity *
vz_entity_new_from_json (GType        entity_type,
                         JsonObject  *obj,
                         GError     **error)
{
  g_autoptr(VzEntity) entity = NULL;
  VzEntityPrivate *priv;
  JsonNode *id_node;
  gboolean ok;

  g_return_val_if_fail (g_type_is_a (entity_type, VZ_TYPE_ENTITY), NULL);
  g_return_val_if_fail (obj != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  id_node = json_object_get_member (obj, "id");
  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node) ||
      json_node_get_value_type (id_node) != G_TYPE_STRING ||
      *json_node_get_string (id_node) == '\0')
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a record without an id."));
      return NULL;
    }

  entity = g_object_new (entity_type, NULL);
  priv = vz_entity_get_instance_private (entity);
  priv->constructing = TRUE;
  ok = vz_entity_update_from_json (entity, obj, error);
  priv->constructing = FALSE;
  if (!ok)
    return NULL;

  return g_steal_pointer (&entity);
}

guint
_vz_entity_get_position_hint (VzEntity *self)
{
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  return priv->position_hint;
}

void
_vz_entity_set_position_hint (VzEntity *self,
                              guint     position)
{
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  priv->position_hint = position;
}

gboolean
_vz_entity_is_constructing (VzEntity *self)
{
  VzEntityPrivate *priv = vz_entity_get_instance_private (self);

  return priv->constructing;
}

const char *
vz_entity_get_title (VzEntity *self)
{
  VzEntityClass *klass;

  g_return_val_if_fail (VZ_IS_ENTITY (self), NULL);

  klass = VZ_ENTITY_GET_CLASS (self);
  return klass->get_title != NULL ? klass->get_title (self) : NULL;
}

void
vz_entity_to_json (VzEntity *self,
                   GString  *out)
{
  g_return_if_fail (VZ_IS_ENTITY (self));
  g_return_if_fail (out != NULL);

  VZ_ENTITY_GET_CLASS (self)->to_json (self, out);
}

/* The record as vz_entity_to_json() writes it, read back (transfer full). */
JsonObject *
vz_entity_dup_json (VzEntity *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (VZ_IS_ENTITY (self), NULL);

  vz_entity_to_json (self, out);
  node = vz_wire_json_parse (out->str, out->len, NULL);
  g_return_val_if_fail (node != NULL && JSON_NODE_HOLDS_OBJECT (node), json_object_new ());
  return json_object_ref (json_node_get_object (node));
}

void
_vz_json_put_string (GString    *out,
                     const char *value)
{
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

void
_vz_json_put_member (GString    *out,
                     const char *name,
                     const char *value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  _vz_json_put_string (out, value);
}

void
_vz_json_put_number (GString    *out,
                     const char *name,
                     double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "\"%s\":", name);
  if (value == -1 || !isfinite (value))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
}
