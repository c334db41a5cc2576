/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-mutation"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-mutation.h"

G_DEFINE_QUARK (vz-mutation-error-quark, vz_mutation_error)

G_DEFINE_ENUM_TYPE (VzMutationState, vz_mutation_state,
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_STATE_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_STATE_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_STATE_CONFLICT, "conflict"))

G_DEFINE_ENUM_TYPE (VzMutationOp, vz_mutation_op,
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_UPDATE, "update"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_DELETE, "delete"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_LINK, "link"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_UNLINK, "unlink"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_EDIT, "edit"),
  G_DEFINE_ENUM_VALUE (VZ_MUTATION_OP_CREATE, "create"))

const char *
vz_mutation_op_to_string (VzMutationOp op)
{
  GEnumClass *klass = g_type_class_ref (VZ_TYPE_MUTATION_OP);
  GEnumValue *value = g_enum_get_value (klass, op);

  g_type_class_unref (klass);
  g_return_val_if_fail (value != NULL, NULL);
  return value->value_nick;
}

gboolean
vz_mutation_op_from_string (const char   *str,
                            VzMutationOp *out_op)
{
  static const struct { const char *word; VzMutationOp op; } words[] = {
    { "update", VZ_MUTATION_OP_UPDATE },
    { "delete", VZ_MUTATION_OP_DELETE },
    { "link", VZ_MUTATION_OP_LINK },
    { "unlink", VZ_MUTATION_OP_UNLINK },
    { "edit", VZ_MUTATION_OP_EDIT },
    { "create", VZ_MUTATION_OP_CREATE },
    { "bulk-delete", VZ_MUTATION_OP_DELETE },
    { "join-group", VZ_MUTATION_OP_LINK },
    { "assign-group", VZ_MUTATION_OP_LINK },
    { "leave-group", VZ_MUTATION_OP_UNLINK },
    { "remove-from-group", VZ_MUTATION_OP_UNLINK },
  };

  g_return_val_if_fail (out_op != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (words); i++)
    if (strcmp (str, words[i].word) == 0)
      {
        *out_op = words[i].op;
        return TRUE;
      }
  return FALSE;
}

struct _VzMutation
{
  GObject parent_instance;

  char *id;
  char *entity_kind;
  GStrv entity_ids;
  VzMutationOp operation;
  char *method;
  char *path;
  JsonNode *body;
  char *base_updated_at;
  JsonObject *changes;
  JsonObject *previous;
  char *batch_id;
  gint64 created_at;
  gint64 not_before;
  guint attempts;
  VzMutationState state;
  char *last_error;
};

G_DEFINE_FINAL_TYPE (VzMutation, vz_mutation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ENTITY_KIND,
  PROP_ENTITY_ID,
  PROP_ENTITY_IDS,
  PROP_OPERATION,
  PROP_METHOD,
  PROP_PATH,
  PROP_BODY,
  PROP_BASE_UPDATED_AT,
  PROP_CHANGES,
  PROP_PREVIOUS,
  PROP_BATCH_ID,
  PROP_CREATED_AT,
  PROP_NOT_BEFORE,
  PROP_ATTEMPTS,
  PROP_STATE,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() arrived in GLib 2.76; the floor is 2.74. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
vz_mutation_state_to_string (VzMutationState state)
{
  switch (state)
    {
    case VZ_MUTATION_STATE_QUEUED:   return "queued";
    case VZ_MUTATION_STATE_SENDING:  return "sending";
    case VZ_MUTATION_STATE_FAILED:   return "failed";
    case VZ_MUTATION_STATE_CONFLICT: return "conflict";
    default:
      g_return_val_if_reached ("queued");
    }
}

gboolean
vz_mutation_state_from_string (const char      *str,
                               VzMutationState *out_state)
{
  static const struct { const char *name; VzMutationState state; } names[] = {
    { "queued", VZ_MUTATION_STATE_QUEUED },
    { "sending", VZ_MUTATION_STATE_SENDING },
    { "failed", VZ_MUTATION_STATE_FAILED },
    { "conflict", VZ_MUTATION_STATE_CONFLICT },
  };

  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (str, names[i].name) == 0)
      {
        if (out_state != NULL)
          *out_state = names[i].state;
        return TRUE;
      }
  return FALSE;
}

static void
vz_mutation_finalize (GObject *object)
{
  VzMutation *self = VZ_MUTATION (object);

  g_free (self->id);
  g_free (self->entity_kind);
  g_strfreev (self->entity_ids);
  g_free (self->method);
  g_free (self->path);
  g_clear_pointer (&self->body, json_node_unref);
  g_free (self->base_updated_at);
  g_clear_pointer (&self->changes, json_object_unref);
  g_clear_pointer (&self->previous, json_object_unref);
  g_free (self->batch_id);
  g_free (self->last_error);

  G_OBJECT_CLASS (vz_mutation_parent_class)->finalize (object);
}

static void
vz_mutation_constructed (GObject *object)
{
  VzMutation *self = VZ_MUTATION (object);

  G_OBJECT_CLASS (vz_mutation_parent_class)->constructed (object);

  if (self->id == NULL || self->id[0] == '\0')
    {
      g_free (self->id);
      self->id = g_uuid_string_random ();
    }
  if (self->entity_ids == NULL)
    self->entity_ids = g_new0 (char *, 1);
  if (self->created_at == 0)
    self->created_at = g_get_real_time ();
}

static void
vz_mutation_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzMutation *self = VZ_MUTATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ENTITY_KIND:
      g_value_set_string (value, self->entity_kind);
      break;
    case PROP_ENTITY_ID:
      g_value_set_string (value, vz_mutation_get_entity_id (self));
      break;
    case PROP_ENTITY_IDS:
      g_value_set_boxed (value, self->entity_ids);
      break;
    case PROP_OPERATION:
      g_value_set_enum (value, self->operation);
      break;
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BODY:
      g_value_set_boxed (value, self->body);
      break;
    case PROP_BASE_UPDATED_AT:
      g_value_set_string (value, self->base_updated_at);
      break;
    case PROP_CHANGES:
      g_value_set_boxed (value, self->changes);
      break;
    case PROP_PREVIOUS:
      g_value_set_boxed (value, self->previous);
      break;
    case PROP_BATCH_ID:
      g_value_set_string (value, self->batch_id);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_NOT_BEFORE:
      g_value_set_int64 (value, self->not_before);
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_mutation_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VzMutation *self = VZ_MUTATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_ENTITY_KIND:
      self->entity_kind = g_value_dup_string (value);
      break;
    case PROP_ENTITY_IDS:
      self->entity_ids = g_value_dup_boxed (value);
      break;
    case PROP_OPERATION:
      self->operation = g_value_get_enum (value);
      break;
    case PROP_METHOD:
      self->method = g_value_dup_string (value);
      break;
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_BODY:
      self->body = g_value_dup_boxed (value);
      break;
    case PROP_BASE_UPDATED_AT:
      self->base_updated_at = g_value_dup_string (value);
      break;
    case PROP_CHANGES:
      self->changes = g_value_dup_boxed (value);
      break;
    case PROP_PREVIOUS:
      self->previous = g_value_dup_boxed (value);
      break;
    case PROP_BATCH_ID:
      vz_mutation_set_batch_id (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      self->created_at = g_value_get_int64 (value);
      break;
    case PROP_NOT_BEFORE:
      self->not_before = g_value_get_int64 (value);
      break;
    case PROP_ATTEMPTS:
      vz_mutation_set_attempts (self, g_value_get_uint (value));
      break;
    case PROP_STATE:
      vz_mutation_set_state (self, g_value_get_enum (value));
      break;
    case PROP_LAST_ERROR:
      vz_mutation_set_last_error (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_mutation_class_init (VzMutationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vz_mutation_finalize;
  object_class->constructed = vz_mutation_constructed;
  object_class->get_property = vz_mutation_get_property;
  object_class->set_property = vz_mutation_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, co);
  properties[PROP_ENTITY_KIND] = g_param_spec_string ("entity-kind", NULL, NULL, NULL, co);
  properties[PROP_ENTITY_ID] = g_param_spec_string ("entity-id", NULL, NULL, NULL, ro);
  properties[PROP_ENTITY_IDS] = g_param_spec_boxed ("entity-ids", NULL, NULL, G_TYPE_STRV, co);
  properties[PROP_OPERATION] = g_param_spec_enum ("operation", NULL, NULL, VZ_TYPE_MUTATION_OP,
                                                  VZ_MUTATION_OP_UPDATE, co);
  properties[PROP_METHOD] = g_param_spec_string ("method", NULL, NULL, NULL, co);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, co);
  properties[PROP_BODY] = g_param_spec_boxed ("body", NULL, NULL, JSON_TYPE_NODE, co);
  properties[PROP_BASE_UPDATED_AT] = g_param_spec_string ("base-updated-at", NULL, NULL, NULL, co);
  properties[PROP_CHANGES] = g_param_spec_boxed ("changes", NULL, NULL, JSON_TYPE_OBJECT, co);
  properties[PROP_PREVIOUS] = g_param_spec_boxed ("previous", NULL, NULL, JSON_TYPE_OBJECT, co);
  properties[PROP_BATCH_ID] = g_param_spec_string ("batch-id", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL,
                                                    0, G_MAXINT64, 0, co);
  properties[PROP_NOT_BEFORE] = g_param_spec_int64 ("not-before", NULL, NULL,
                                                    0, G_MAXINT64, 0, co);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL,
                                              VZ_TYPE_MUTATION_STATE,
                                              VZ_MUTATION_STATE_QUEUED, rw);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_mutation_init (VzMutation *self)
{
  self->state = VZ_MUTATION_STATE_QUEUED;
}

VzMutation *
vz_mutation_new (const char *entity_kind,
                 const char *entity_id,
                 VzMutationOp operation,
                 const char *method,
                 const char *path,
                 JsonNode   *body,
                 const char *base_updated_at,
                 JsonObject *changes,
                 JsonObject *previous)
{
  const char *ids[] = { entity_id, NULL };

  g_return_val_if_fail (entity_kind != NULL, NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", entity_kind,
                       "entity-ids", entity_id != NULL ? ids : NULL,
                       "operation", operation,
                       "method", method,
                       "path", path,
                       "body", body,
                       "base-updated-at", base_updated_at,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}

const char *
vz_mutation_get_id (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->id;
}

const char *
vz_mutation_get_entity_kind (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->entity_kind;
}

const char *
vz_mutation_get_entity_id (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->entity_ids != NULL ? self->entity_ids[0] : NULL;
}

const char * const *
vz_mutation_get_entity_ids (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return (const char * const *) self->entity_ids;
}

VzMutationOp
vz_mutation_get_operation (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), VZ_MUTATION_OP_UPDATE);
  return self->operation;
}

const char *
vz_mutation_get_method (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->method;
}

const char *
vz_mutation_get_path (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->path;
}

JsonNode *
vz_mutation_get_body (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->body;
}

const char *
vz_mutation_get_base_updated_at (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->base_updated_at;
}

JsonObject *
vz_mutation_get_changes (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->changes;
}

JsonObject *
vz_mutation_get_previous (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->previous;
}

const char *
vz_mutation_get_batch_id (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->batch_id;
}

gint64
vz_mutation_get_created_at (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), 0);
  return self->created_at;
}

gint64
vz_mutation_get_not_before (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), 0);
  return self->not_before;
}

guint
vz_mutation_get_attempts (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), 0);
  return self->attempts;
}

VzMutationState
vz_mutation_get_state (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), VZ_MUTATION_STATE_QUEUED);
  return self->state;
}

const char *
vz_mutation_get_last_error (VzMutation *self)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  return self->last_error;
}

void
vz_mutation_set_batch_id (VzMutation *self,
                          const char *batch_id)
{
  g_return_if_fail (VZ_IS_MUTATION (self));

  if (set_str (&self->batch_id, batch_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_ID]);
}

void
vz_mutation_set_attempts (VzMutation *self,
                          guint       attempts)
{
  g_return_if_fail (VZ_IS_MUTATION (self));

  if (self->attempts == attempts)
    return;
  self->attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
}

void
vz_mutation_set_state (VzMutation      *self,
                       VzMutationState  state)
{
  g_return_if_fail (VZ_IS_MUTATION (self));
  g_return_if_fail (state <= VZ_MUTATION_STATE_CONFLICT);

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
vz_mutation_set_last_error (VzMutation *self,
                            const char *last_error)
{
  g_return_if_fail (VZ_IS_MUTATION (self));

  if (set_str (&self->last_error, last_error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

gboolean
vz_mutation_touches (VzMutation *self,
                     const char *entity_id)
{
  g_return_val_if_fail (VZ_IS_MUTATION (self), FALSE);
  g_return_val_if_fail (entity_id != NULL, FALSE);

  return g_strv_contains ((const char * const *) self->entity_ids, entity_id);
}

static void
set_optional_string (JsonObject *obj,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, name, value);
}

JsonNode *
vz_mutation_to_json (VzMutation *self)
{
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonArray) ids = NULL;
  JsonNode *node;

  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);

  obj = json_object_new ();
  json_object_set_string_member (obj, "id", self->id);
  json_object_set_string_member (obj, "entityKind", self->entity_kind);

  ids = json_array_sized_new (g_strv_length (self->entity_ids));
  for (guint i = 0; self->entity_ids[i] != NULL; i++)
    json_array_add_string_element (ids, self->entity_ids[i]);
  json_object_set_array_member (obj, "entityIds", g_steal_pointer (&ids));

  json_object_set_string_member (obj, "operation", vz_mutation_op_to_string (self->operation));

  request = json_object_new ();
  json_object_set_string_member (request, "method", self->method);
  json_object_set_string_member (request, "path", self->path);
  if (self->body != NULL)
    json_object_set_member (request, "body", json_node_copy (self->body));
  json_object_set_object_member (obj, "request", g_steal_pointer (&request));

  set_optional_string (obj, "baseUpdatedAt", self->base_updated_at);
  if (self->changes != NULL)
    json_object_set_object_member (obj, "changes", json_object_ref (self->changes));
  if (self->previous != NULL)
    json_object_set_object_member (obj, "previous", json_object_ref (self->previous));
  set_optional_string (obj, "batchId", self->batch_id);
  json_object_set_int_member (obj, "createdAt", self->created_at);
  if (self->not_before != 0)
    json_object_set_int_member (obj, "notBefore", self->not_before);
  json_object_set_int_member (obj, "attempts", self->attempts);
  json_object_set_string_member (obj, "state", vz_mutation_state_to_string (self->state));
  set_optional_string (obj, "lastError", self->last_error);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, g_steal_pointer (&obj));
  return node;
}

/* Every check below names the member, so a damaged journal says where. */
/*
 * Journals of earlier versions wrote a link's shown values as
 * {"groupId": id} (one record) or {"groups": {record id: id}}; today's form
 * is {"links": {record id: id}}.
 */
static void
upgrade_links (JsonObject **values,
               GStrv        entity_ids)
{
  JsonObject *links;
  JsonNode *one;

  if (*values == NULL || json_object_has_member (*values, "links"))
    return;
  if (json_object_has_member (*values, "groups") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (*values, "groups")))
    links = json_object_ref (json_object_get_object_member (*values, "groups"));
  else if ((one = json_object_get_member (*values, "groupId")) != NULL && entity_ids[0] != NULL)
    {
      links = json_object_new ();
      json_object_set_member (links, entity_ids[0], json_node_copy (one));
    }
  else
    return;
  {
    JsonObject *upgraded = json_object_new ();

    json_object_set_object_member (upgraded, "links", links);
    json_object_unref (*values);
    *values = upgraded;
  }
}

static gboolean
invalid (GError     **error,
         const char  *member)
{
  g_set_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID,
               _("A saved change could not be read: its “%s” is missing or has the wrong type."),
               member);
  return FALSE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *member,
            gboolean     optional,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : invalid (error, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, member);
  *out = json_node_get_string (node);
  if (!optional && (*out)[0] == '\0')
    return invalid (error, member);
  return TRUE;
}

static gboolean
get_object (JsonObject  *obj,
            const char  *member,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, member);
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_int (JsonObject  *obj,
         const char  *member,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, member);
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return invalid (error, member);
  return TRUE;
}

/* An integer member that may be missing or null (*out is 0 then). */
static gboolean
get_optional_int (JsonObject  *obj,
                  const char  *member,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  return get_int (obj, member, 0, G_MAXINT64, out, error);
}

VzMutation *
vz_mutation_new_from_json (JsonNode  *node,
                           GError   **error)
{
  JsonObject *obj;
  JsonObject *request;
  JsonObject *changes;
  JsonObject *previous;
  JsonNode *ids_node;
  JsonNode *body;
  JsonArray *ids;
  const char *id, *kind, *operation, *method, *path, *base, *batch, *last_error, *state_str;
  gint64 created_at, not_before, attempts;
  VzMutationState state;
  VzMutationOp op;
  g_autoptr(GStrvBuilder) ids_builder = NULL;
  g_auto(GStrv) entity_ids = NULL;
  VzMutation *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID,
                           _("A saved change could not be read: it is not a JSON object."));
      return NULL;
    }
  obj = json_node_get_object (node);

  if (!get_string (obj, "id", FALSE, &id, error) ||
      !get_string (obj, "entityKind", FALSE, &kind, error) ||
      !get_string (obj, "operation", FALSE, &operation, error) ||
      !get_object (obj, "request", &request, error) ||
      !get_string (obj, "baseUpdatedAt", TRUE, &base, error) ||
      !get_object (obj, "changes", &changes, error) ||
      !get_object (obj, "previous", &previous, error) ||
      !get_string (obj, "batchId", TRUE, &batch, error) ||
      !get_int (obj, "createdAt", 1, G_MAXINT64, &created_at, error) ||
      !get_optional_int (obj, "notBefore", &not_before, error) ||
      !get_int (obj, "attempts", 0, G_MAXUINT, &attempts, error) ||
      !get_string (obj, "state", FALSE, &state_str, error) ||
      !get_string (obj, "lastError", TRUE, &last_error, error))
    return NULL;

  if (request == NULL)
    return (invalid (error, "request"), NULL);
  if (!get_string (request, "method", FALSE, &method, error) ||
      !get_string (request, "path", FALSE, &path, error))
    return NULL;
  body = json_object_get_member (request, "body");

  if (!vz_mutation_state_from_string (state_str, &state))
    return (invalid (error, "state"), NULL);
  if (!vz_mutation_op_from_string (operation, &op))
    return (invalid (error, "operation"), NULL);

  ids_node = json_object_get_member (obj, "entityIds");
  if (ids_node == NULL || !JSON_NODE_HOLDS_ARRAY (ids_node))
    return (invalid (error, "entityIds"), NULL);
  ids = json_node_get_array (ids_node);
  ids_builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonNode *element = json_array_get_element (ids, i);

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING)
        return (invalid (error, "entityIds"), NULL);
      g_strv_builder_add (ids_builder, json_node_get_string (element));
    }
  entity_ids = g_strv_builder_end (ids_builder);

  /* Fields are filled in directly rather than through 16 construct
   * properties: loading a queue of 100,000 changes goes through here. */
  self = g_object_new (VZ_TYPE_MUTATION, "id", id, NULL);
  self->entity_kind = g_strdup (kind);
  g_strfreev (self->entity_ids);
  self->entity_ids = g_steal_pointer (&entity_ids);
  self->operation = op;
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->body = body != NULL ? json_node_copy (body) : NULL;
  self->base_updated_at = g_strdup (base);
  self->changes = changes != NULL ? json_object_ref (changes) : NULL;
  self->previous = previous != NULL ? json_object_ref (previous) : NULL;
  if (op == VZ_MUTATION_OP_LINK || op == VZ_MUTATION_OP_UNLINK)
    {
      upgrade_links (&self->changes, self->entity_ids);
      upgrade_links (&self->previous, self->entity_ids);
    }
  self->batch_id = g_strdup (batch);
  self->created_at = created_at;
  self->not_before = not_before;
  self->attempts = (guint) attempts;
  self->state = state;
  self->last_error = g_strdup (last_error);
  return self;
}

VzMutation *
vz_mutation_new_inverse (VzMutation  *self,
                         const char  *base_updated_at,
                         GError     **error)
{
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) body_node = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (VZ_IS_MUTATION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Undoing a delete would need the server to recreate the entity with its
   * old id and history, which the API does not offer. */
  if (self->operation == VZ_MUTATION_OP_DELETE || g_ascii_strcasecmp (self->method, "DELETE") == 0)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           _("A deletion cannot be undone once the server has carried it out."));
      return NULL;
    }
  /* Links are undone by the opposite request, which the sync engine builds. */
  if (self->operation != VZ_MUTATION_OP_UPDATE)
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           _("This change cannot be undone by sending its values back."));
      return NULL;
    }
  if (self->changes == NULL || json_object_get_size (self->changes) == 0 ||
      (self->body != NULL && !JSON_NODE_HOLDS_OBJECT (self->body)))
    {
      g_set_error_literal (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                           _("This change cannot be undone: it does not say which values it changed."));
      return NULL;
    }

  changes = json_object_new ();
  previous = json_object_new ();
  body = json_object_new ();

  /* Members of the body that were not changes (the id list of a bulk
   * request, say) address the request rather than change data: keep them. */
  if (self->body != NULL)
    {
      json_object_iter_init (&iter, json_node_get_object (self->body));
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (body, member, json_node_copy (value));
    }

  json_object_iter_init (&iter, self->changes);
  while (json_object_iter_next (&iter, &member, &value))
    {
      JsonNode *before = self->previous != NULL
        ? json_object_get_member (self->previous, member) : NULL;

      if (before == NULL)
        {
          g_set_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_NOT_INVERTIBLE,
                       _("This change cannot be undone: the value of “%s” before it is not known."),
                       member);
          return NULL;
        }
      json_object_set_member (changes, member, json_node_copy (before));
      json_object_set_member (previous, member, json_node_copy (value));
      json_object_set_member (body, member, json_node_copy (before));
    }

  body_node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body_node, g_steal_pointer (&body));

  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", self->entity_kind,
                       "entity-ids", self->entity_ids,
                       "operation", self->operation,
                       "method", self->method,
                       "path", self->path,
                       "body", body_node,
                       "base-updated-at", base_updated_at,
                       "changes", changes,
                       "previous", previous,
                       NULL);
}
