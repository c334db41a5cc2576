/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-item"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-playlist-private.h"

struct _VzPlaylistItem
{
  GObject parent_instance;

  char   *id;
  char   *content_id;
  char   *content_name;
  char   *content_type;
  char   *content_thumbnail;
  gint64  position;
  gint64  duration;
  gint64  content_duration;
};

G_DEFINE_FINAL_TYPE (VzPlaylistItem, vz_playlist_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CONTENT_ID,
  PROP_CONTENT_NAME,
  PROP_CONTENT_TYPE,
  PROP_CONTENT_THUMBNAIL,
  PROP_POSITION,
  PROP_DURATION,
  PROP_CONTENT_DURATION,
  PROP_EFFECTIVE_DURATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  guint prop;
  gsize offset;
} Field;

static const Field string_fields[] = {
  { PROP_ID,                G_STRUCT_OFFSET (VzPlaylistItem, id) },
  { PROP_CONTENT_ID,        G_STRUCT_OFFSET (VzPlaylistItem, content_id) },
  { PROP_CONTENT_NAME,      G_STRUCT_OFFSET (VzPlaylistItem, content_name) },
  { PROP_CONTENT_TYPE,      G_STRUCT_OFFSET (VzPlaylistItem, content_type) },
  { PROP_CONTENT_THUMBNAIL, G_STRUCT_OFFSET (VzPlaylistItem, content_thumbnail) },
};

static const Field count_fields[] = {
  { PROP_POSITION,         G_STRUCT_OFFSET (VzPlaylistItem, position) },
  { PROP_DURATION,         G_STRUCT_OFFSET (VzPlaylistItem, duration) },
  { PROP_CONTENT_DURATION, G_STRUCT_OFFSET (VzPlaylistItem, content_duration) },
};

#define STRING_AT(self, offset) ((char **) G_STRUCT_MEMBER_P ((self), (offset)))
#define COUNT_AT(self, offset) ((gint64 *) G_STRUCT_MEMBER_P ((self), (offset)))

/* One member of a playlist's `items[]` as read (strings borrowed from it). */
typedef struct {
  const char *id;
  const char *content_id;
  const char *name;
  const char *type;
  const char *thumbnail;
  gint64      position;
  gint64      duration;
  gint64      content_duration;
} ItemJson;

static gint64
clamp_count (gint64 value)
{
  return value > G_MAXINT ? -1 : value;
}

static gboolean
read_item (JsonObject  *obj,
           ItemJson    *out,
           GError     **error)
{
  const char *content_id, *nested_id = NULL;
  JsonObject *content = NULL;
  gboolean present;

  *out = (ItemJson) { .position = -1, .duration = -1, .content_duration = -1 };
  if (!_vz_json_get_string (obj, "id", N_("playlist item"), FALSE, &present, &out->id, error) ||
      !_vz_json_get_string (obj, "contentId", N_("playlist item"), TRUE, &present, &content_id, error) ||
      !_vz_json_get_count (obj, "order", N_("playlist item"), &present, &out->position, error) ||
      !_vz_json_get_count (obj, "duration", N_("playlist item"), &present, &out->duration, error) ||
      !_vz_json_get_object (obj, "content", N_("playlist item"), &present, &content, error))
    return FALSE;
  if (content != NULL &&
      (!_vz_json_get_string (content, "id", N_("playlist item’s content"), TRUE, &present, &nested_id, error) ||
       !_vz_json_get_string (content, "name", N_("playlist item’s content"), TRUE, &present, &out->name, error) ||
       !_vz_json_get_string (content, "type", N_("playlist item’s content"), TRUE, &present, &out->type, error) ||
       !_vz_json_get_string (content, "thumbnail", N_("playlist item’s content"), TRUE, &present, &out->thumbnail,
                             error) ||
       !_vz_json_get_count (content, "duration", N_("playlist item’s content"), &present, &out->content_duration,
                            error)))
    return FALSE;
  if (out->id == NULL || *out->id == '\0')
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a playlist item without an id."));
      return FALSE;
    }
  out->content_id = content_id != NULL ? content_id : nested_id;
  out->position = clamp_count (out->position);
  out->duration = clamp_count (out->duration);
  out->content_duration = clamp_count (out->content_duration);
  return TRUE;
}

VzPlaylistItem *
_vz_playlist_item_new_from_json (JsonObject  *obj,
                                 GError     **error)
{
  VzPlaylistItem *self;
  ItemJson read;

  if (!read_item (obj, &read, error))
    return NULL;
  self = g_object_new (VZ_TYPE_PLAYLIST_ITEM, NULL);
  self->id = g_strdup (read.id);
  self->content_id = g_strdup (read.content_id);
  self->content_name = g_strdup (read.name);
  self->content_type = g_strdup (read.type);
  self->content_thumbnail = g_strdup (read.thumbnail);
  self->position = read.position;
  self->duration = read.duration;
  self->content_duration = read.content_duration;
  return self;
}

gboolean
_vz_playlist_item_matches_json (VzPlaylistItem *self,
                                JsonObject     *obj)
{
  ItemJson read;

  g_assert (VZ_IS_PLAYLIST_ITEM (self));

  return read_item (obj, &read, NULL) &&
         g_strcmp0 (self->id, read.id) == 0 &&
         self->position == read.position &&
         self->duration == read.duration &&
         self->content_duration == read.content_duration &&
         g_strcmp0 (self->content_id, read.content_id) == 0 &&
         g_strcmp0 (self->content_name, read.name) == 0 &&
         g_strcmp0 (self->content_type, read.type) == 0 &&
         g_strcmp0 (self->content_thumbnail, read.thumbnail) == 0;
}

void
_vz_playlist_item_assign (VzPlaylistItem *self,
                          VzPlaylistItem *from)
{
  guint old_effective;

  g_assert (VZ_IS_PLAYLIST_ITEM (self));
  g_assert (VZ_IS_PLAYLIST_ITEM (from));

  if (self == from)
    return;
  old_effective = vz_playlist_item_get_effective_duration (self);
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (_vz_set_string (STRING_AT (self, string_fields[i].offset), *STRING_AT (from, string_fields[i].offset)))
      g_object_notify_by_pspec (G_OBJECT (self), properties[string_fields[i].prop]);
  for (guint i = 0; i < G_N_ELEMENTS (count_fields); i++)
    {
      gint64 *field = COUNT_AT (self, count_fields[i].offset);
      gint64 value = *COUNT_AT (from, count_fields[i].offset);

      if (*field != value)
        {
          *field = value;
          g_object_notify_by_pspec (G_OBJECT (self), properties[count_fields[i].prop]);
        }
    }
  if (old_effective != vz_playlist_item_get_effective_duration (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EFFECTIVE_DURATION]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_vz_playlist_item_to_json (VzPlaylistItem *self,
                           const char     *playlist_id,
                           GString        *out)
{
  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, self->id);
  _vz_json_put_member (out, "playlistId", playlist_id);
  _vz_json_put_member (out, "contentId", self->content_id);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "order", (double) self->position);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "duration", (double) self->duration);
  g_string_append (out, ",\"content\":{\"id\":");
  _vz_json_put_string (out, self->content_id);
  _vz_json_put_member (out, "name", self->content_name);
  _vz_json_put_member (out, "type", self->content_type);
  _vz_json_put_member (out, "thumbnail", self->content_thumbnail);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "duration", (double) self->content_duration);
  g_string_append (out, "}}");
}

static void
vz_playlist_item_finalize (GObject *object)
{
  VzPlaylistItem *self = VZ_PLAYLIST_ITEM (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_clear_pointer (STRING_AT (self, string_fields[i].offset), g_free);

  G_OBJECT_CLASS (vz_playlist_item_parent_class)->finalize (object);
}

static void
vz_playlist_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzPlaylistItem *self = VZ_PLAYLIST_ITEM (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop_id)
      {
        g_value_set_string (value, *STRING_AT (self, string_fields[i].offset));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (count_fields); i++)
    if (count_fields[i].prop == prop_id)
      {
        g_value_set_int (value, (gint) *COUNT_AT (self, count_fields[i].offset));
        return;
      }
  if (prop_id == PROP_EFFECTIVE_DURATION)
    g_value_set_uint (value, vz_playlist_item_get_effective_duration (self));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
vz_playlist_item_class_init (VzPlaylistItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_playlist_item_finalize;
  object_class->get_property = vz_playlist_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_ID] = g_param_spec_string ("content-id", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_NAME] = g_param_spec_string ("content-name", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_THUMBNAIL] = g_param_spec_string ("content-thumbnail", NULL, NULL, NULL, flags);
  properties[PROP_POSITION] = g_param_spec_int ("position", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_DURATION] = g_param_spec_int ("duration", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_CONTENT_DURATION] = g_param_spec_int ("content-duration", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_EFFECTIVE_DURATION] =
    g_param_spec_uint ("effective-duration", NULL, NULL, 0, G_MAXUINT, VZ_PLAYLIST_DEFAULT_SECONDS, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_playlist_item_init (VzPlaylistItem *self)
{
  self->position = -1;
  self->duration = -1;
  self->content_duration = -1;
}

#define GETTER(type, name, field) \
  type vz_playlist_item_get_##name (VzPlaylistItem *self) \
  { \
    g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM (self), (type) 0); \
    return (type) self->field; \
  }

GETTER (const char *, id, id)
GETTER (const char *, content_id, content_id)
GETTER (gint, position, position)
GETTER (gint, duration, duration)
GETTER (const char *, content_name, content_name)
GETTER (const char *, content_type, content_type)
GETTER (const char *, content_thumbnail, content_thumbnail)
GETTER (gint, content_duration, content_duration)

#undef GETTER

guint
vz_playlist_item_get_effective_duration (VzPlaylistItem *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM (self), VZ_PLAYLIST_DEFAULT_SECONDS);

  if (self->duration > 0)
    return (guint) self->duration;
  if (self->content_duration > 0)
    return (guint) self->content_duration;
  return VZ_PLAYLIST_DEFAULT_SECONDS;
}

static void
set_count (VzPlaylistItem *self,
           gint64         *field,
           gint64          value,
           guint           prop)
{
  guint old_effective = vz_playlist_item_get_effective_duration (self);

  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  if (old_effective != vz_playlist_item_get_effective_duration (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EFFECTIVE_DURATION]);
}

void
_vz_playlist_item_set_duration (VzPlaylistItem *self,
                                gint64          duration)
{
  g_assert (VZ_IS_PLAYLIST_ITEM (self));
  set_count (self, &self->duration, duration > 0 && duration <= G_MAXINT ? duration : -1, PROP_DURATION);
}

void
_vz_playlist_item_set_position (VzPlaylistItem *self,
                                gint64          position)
{
  g_assert (VZ_IS_PLAYLIST_ITEM (self));
  set_count (self, &self->position, position, PROP_POSITION);
}
