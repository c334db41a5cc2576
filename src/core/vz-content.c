/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-api-error.h"
#include "vz-content.h"
#include "vz-entity-private.h"

struct _VzContent
{
  VzEntity parent_instance;

  char   *name;
  char   *content_type;
  char   *thumbnail;
  char   *status;
  char   *folder_id;
  char   *url;
  char   *mime_type;
  char   *created_at;
  gint64  duration;
  gint64  file_size;
  GStrv   tag_ids;
  GStrv   tag_names;
  GStrv   tag_colors;   /* "" for a tag without a colour */
};

G_DEFINE_FINAL_TYPE (VzContent, vz_content, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NAME,
  PROP_CONTENT_TYPE,
  PROP_THUMBNAIL,
  PROP_STATUS,
  PROP_FOLDER_ID,
  PROP_URL,
  PROP_MIME_TYPE,
  PROP_CREATED_AT,
  PROP_DURATION,
  PROP_FILE_SIZE,
  PROP_TAG_IDS,
  PROP_TAG_NAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const no_tags[] = { NULL };

typedef struct {
  const char *member;
  guint       prop;
  gsize       offset;
} StringField;

static const StringField string_fields[] = {
  { "name",       PROP_NAME,         G_STRUCT_OFFSET (VzContent, name) },
  { "type",       PROP_CONTENT_TYPE, G_STRUCT_OFFSET (VzContent, content_type) },
  { "thumbnail",  PROP_THUMBNAIL,    G_STRUCT_OFFSET (VzContent, thumbnail) },
  { "status",     PROP_STATUS,       G_STRUCT_OFFSET (VzContent, status) },
  { "folderId",   PROP_FOLDER_ID,    G_STRUCT_OFFSET (VzContent, folder_id) },
  { "url",        PROP_URL,          G_STRUCT_OFFSET (VzContent, url) },
  { "mimeType",   PROP_MIME_TYPE,    G_STRUCT_OFFSET (VzContent, mime_type) },
  { "createdAt",  PROP_CREATED_AT,   G_STRUCT_OFFSET (VzContent, created_at) },
};

#define STRING_AT(self, offset) ((char **) G_STRUCT_MEMBER_P ((self), (offset)))

static void
notify (VzContent *self,
        guint      prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
same_strv (GStrv a,
           GStrv b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

/* tags: [{tag{id,name,color}}] as the contract has it, or plain [{id,name,color}]. */
static gboolean
read_tags (JsonArray  *tags,
           GPtrArray  *ids,
           GPtrArray  *names,
           GPtrArray  *colors,
           GError    **error)
{
  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      JsonObject *tag = NULL;
      const char *id, *name, *color;
      gboolean present;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          tag = json_node_get_object (node);
          if (!_vz_json_get_object (tag, "tag", N_("content’s tag"), &present, &tag, error))
            return FALSE;
          if (!present)
            tag = json_node_get_object (node);
        }
      if (tag == NULL)
        {
          g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server sent content whose “tags” are not a list of tags."));
          return FALSE;
        }
      if (!_vz_json_get_string (tag, "id", N_("content’s tag"), FALSE, &present, &id, error) ||
          !_vz_json_get_string (tag, "name", N_("content’s tag"), TRUE, &present, &name, error) ||
          !_vz_json_get_string (tag, "color", N_("content’s tag"), TRUE, &present, &color, error))
        return FALSE;
      if (id == NULL)
        continue;
      g_ptr_array_add (ids, g_strdup (id));
      g_ptr_array_add (names, g_strdup (name != NULL ? name : ""));
      g_ptr_array_add (colors, g_strdup (color != NULL ? color : ""));
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (colors, NULL);
  return TRUE;
}

static gboolean
vz_content_update_from_json (VzEntity    *entity,
                             JsonObject  *obj,
                             GError     **error)
{
  VzContent *self = VZ_CONTENT (entity);
  const char *strings[G_N_ELEMENTS (string_fields)];
  gboolean present[G_N_ELEMENTS (string_fields)];
  gboolean has_duration, has_size, has_tags;
  gint64 duration, size;
  JsonArray *tags = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) colors = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (!_vz_json_get_string (obj, string_fields[i].member, N_("content item"), TRUE,
                              &present[i], &strings[i], error))
      return FALSE;
  if (!_vz_json_get_count (obj, "duration", N_("content item"), &has_duration, &duration, error) ||
      !_vz_json_get_count (obj, "fileSize", N_("content item"), &has_size, &size, error) ||
      !_vz_json_get_array (obj, "tags", N_("content item"), &has_tags, &tags, error))
    return FALSE;
  if (tags != NULL && !read_tags (tags, ids, names, colors, error))
    return FALSE;
  if (duration > G_MAXINT)
    duration = -1;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (present[i] && _vz_set_string (STRING_AT (self, string_fields[i].offset), strings[i]))
      notify (self, string_fields[i].prop);
  if (has_duration && self->duration != duration)
    {
      self->duration = duration;
      notify (self, PROP_DURATION);
    }
  if (has_size && self->file_size != size)
    {
      self->file_size = size;
      notify (self, PROP_FILE_SIZE);
    }
  if (has_tags)
    {
      GStrv new_ids = tags != NULL ? (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE) : NULL;
      GStrv new_names = tags != NULL ? (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE) : NULL;
      gboolean ids_changed = !same_strv (self->tag_ids, new_ids);
      gboolean names_changed = !same_strv (self->tag_names, new_names);

      g_strfreev (self->tag_ids);
      g_strfreev (self->tag_names);
      g_strfreev (self->tag_colors);
      self->tag_ids = new_ids;
      self->tag_names = new_names;
      self->tag_colors = tags != NULL ? (GStrv) g_ptr_array_free (g_steal_pointer (&colors), FALSE) : NULL;
      if (ids_changed)
        notify (self, PROP_TAG_IDS);
      if (names_changed)
        notify (self, PROP_TAG_NAMES);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static const char *
vz_content_get_title (VzEntity *entity)
{
  return VZ_CONTENT (entity)->name;
}

static void
vz_content_to_json (VzEntity *entity,
                    GString  *out)
{
  VzContent *self = VZ_CONTENT (entity);
  const char * const *ids = vz_content_get_tag_ids (self);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    _vz_json_put_member (out, string_fields[i].member, *STRING_AT (self, string_fields[i].offset));
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "duration", (double) self->duration);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "fileSize", (double) self->file_size);
  g_string_append (out, ",\"tags\":[");
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? ",{\"tag\":{\"id\":" : "{\"tag\":{\"id\":");
      _vz_json_put_string (out, ids[i]);
      _vz_json_put_member (out, "name", self->tag_names[i]);
      _vz_json_put_member (out, "color", *self->tag_colors[i] != '\0' ? self->tag_colors[i] : NULL);
      g_string_append (out, "}}");
    }
  g_string_append (out, "]}");
}

static void
vz_content_finalize (GObject *object)
{
  VzContent *self = VZ_CONTENT (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_clear_pointer (STRING_AT (self, string_fields[i].offset), g_free);
  g_clear_pointer (&self->tag_ids, g_strfreev);
  g_clear_pointer (&self->tag_names, g_strfreev);
  g_clear_pointer (&self->tag_colors, g_strfreev);

  G_OBJECT_CLASS (vz_content_parent_class)->finalize (object);
}

static void
vz_content_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VzContent *self = VZ_CONTENT (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop_id)
      {
        g_value_set_string (value, *STRING_AT (self, string_fields[i].offset));
        return;
      }
  switch (prop_id)
    {
    case PROP_DURATION:
      g_value_set_int (value, (gint) self->duration);
      break;
    case PROP_FILE_SIZE:
      g_value_set_int64 (value, self->file_size);
      break;
    case PROP_TAG_IDS:
      g_value_set_boxed (value, vz_content_get_tag_ids (self));
      break;
    case PROP_TAG_NAMES:
      g_value_set_boxed (value, vz_content_get_tag_names (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_class_init (VzContentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_content_finalize;
  object_class->get_property = vz_content_get_property;
  entity_class->update_from_json = vz_content_update_from_json;
  entity_class->get_title = vz_content_get_title;
  entity_class->to_json = vz_content_to_json;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_THUMBNAIL] = g_param_spec_string ("thumbnail", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_FOLDER_ID] = g_param_spec_string ("folder-id", NULL, NULL, NULL, flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  properties[PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, flags);
  properties[PROP_DURATION] = g_param_spec_int ("duration", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_FILE_SIZE] = g_param_spec_int64 ("file-size", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_TAG_IDS] = g_param_spec_boxed ("tag-ids", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_TAG_NAMES] = g_param_spec_boxed ("tag-names", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_content_init (VzContent *self)
{
  self->duration = -1;
  self->file_size = -1;
}

#define GETTER(type, name, field) \
  type vz_content_get_##name (VzContent *self) \
  { \
    g_return_val_if_fail (VZ_IS_CONTENT (self), (type) 0); \
    return self->field; \
  }

GETTER (const char *, name, name)
GETTER (const char *, content_type, content_type)
GETTER (const char *, thumbnail, thumbnail)
GETTER (const char *, status, status)
GETTER (const char *, folder_id, folder_id)
GETTER (const char *, url, url)
GETTER (const char *, mime_type, mime_type)
GETTER (const char *, created_at, created_at)
GETTER (gint, duration, duration)
GETTER (gint64, file_size, file_size)

#undef GETTER

const char * const *
vz_content_get_tag_ids (VzContent *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT (self), no_tags);
  return self->tag_ids != NULL ? (const char * const *) self->tag_ids : no_tags;
}

const char * const *
vz_content_get_tag_names (VzContent *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT (self), no_tags);
  return self->tag_names != NULL ? (const char * const *) self->tag_names : no_tags;
}

const char *
vz_content_get_tag_color (VzContent *self,
                          guint      index)
{
  g_return_val_if_fail (VZ_IS_CONTENT (self), NULL);

  if (self->tag_colors == NULL || index >= g_strv_length (self->tag_colors) || *self->tag_colors[index] == '\0')
    return NULL;
  return self->tag_colors[index];
}

gboolean
vz_content_has_tag (VzContent  *self,
                    const char *tag_id)
{
  g_return_val_if_fail (VZ_IS_CONTENT (self), FALSE);
  g_return_val_if_fail (tag_id != NULL, FALSE);

  return self->tag_ids != NULL && g_strv_contains ((const char * const *) self->tag_ids, tag_id);
}

const char *
vz_content_type_to_label (const char *content_type)
{
  static const struct { const char *word; const char *label; } labels[] = {
    { "image", N_("Image") },
    { "video", N_("Video") },
    { "url",   N_("Web page") },
    { "html",  N_("HTML") },
    { "pdf",   N_("PDF") },
  };

  for (guint i = 0; content_type != NULL && i < G_N_ELEMENTS (labels); i++)
    if (strcmp (labels[i].word, content_type) == 0)
      return _(labels[i].label);
  return content_type != NULL ? content_type : _("Unknown");
}
