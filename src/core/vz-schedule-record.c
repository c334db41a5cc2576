/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-record"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vz-api-error.h"
#include "vz-entity-private.h"
#include "vz-schedule-record.h"

struct _VzSchedule
{
  VzEntity parent_instance;

  char       *name;
  char       *description;
  char       *playlist_id;
  char       *playlist_name;
  char       *display_id;
  char       *display_name;
  char       *group_id;
  char       *group_name;
  char       *start_date;
  char       *end_date;
  char       *created_at;
  guint8      days;
  int         start_time;
  int         end_time;
  int         priority;
  gboolean    is_active;
  GHashTable *playing_on;   /* display ids */
};

G_DEFINE_FINAL_TYPE (VzSchedule, vz_schedule, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_PLAYLIST_ID,
  PROP_PLAYLIST_NAME,
  PROP_DISPLAY_ID,
  PROP_DISPLAY_NAME,
  PROP_GROUP_ID,
  PROP_GROUP_NAME,
  PROP_DAYS,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_START_DATE,
  PROP_END_DATE,
  PROP_PRIORITY,
  PROP_IS_ACTIVE,
  PROP_CREATED_AT,
  PROP_PLAYING_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (VzSchedule *self,
        guint       prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int (VzSchedule *self,
         int        *field,
         int         value,
         guint       prop)
{
  if (*field == value)
    return;
  *field = value;
  notify (self, prop);
}

static void
set_string (VzSchedule *self,
            char      **field,
            const char *value,
            guint       prop)
{
  if (_vz_set_string (field, value))
    notify (self, prop);
}

static gboolean
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE, message);
  return FALSE;
}

/* A minute of the day, or null: -1. */
static gboolean
read_time (JsonObject  *obj,
           const char  *member,
           gboolean    *present,
           int         *out,
           GError     **error)
{
  gdouble value;

  if (!_vz_json_get_double (obj, member, N_("schedule"), -1, present, &value, error))
    return FALSE;
  if (!*present)
    return TRUE;
  if (value != -1 && (value < 0 || value >= VZ_SCHEDULE_MINUTES_PER_DAY || value != floor (value)))
    return invalid (error, _("The server sent a schedule with a time that is not a minute of the day."));
  *out = (int) value;
  return TRUE;
}

/* A calendar day as "YYYY-MM-DD" (*out NULL: open), from a date or a date-time. */
static gboolean
read_date (JsonObject  *obj,
           const char  *member,
           gboolean    *present,
           char       **out,
           GError     **error)
{
  const char *text;
  gint32 day;

  *out = NULL;
  if (!_vz_json_get_string (obj, member, N_("schedule"), TRUE, present, &text, error))
    return FALSE;
  if (!*present || text == NULL)
    return TRUE;
  if (!vz_schedule_parse_day (text, &day))
    return invalid (error, _("The server sent a schedule with a date that is not a date."));
  *out = vz_schedule_format_day (day);
  return TRUE;
}

static gboolean
read_days (JsonArray  *array,
           guint8     *out,
           GError    **error)
{
  guint8 days = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gint64 day;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          (day = json_node_get_int (node)) < 0 || day > 6)
        return invalid (error, _("The server sent a schedule whose weekdays are not days 0 to 6."));
      days |= 1 << day;
    }
  *out = days;
  return TRUE;
}

/* A reference such as playlist {id, name}: its name, when it is the one @id names. */
static const char *
reference_name (JsonObject *reference,
                const char *name_member)
{
  JsonNode *node = reference != NULL ? json_object_get_member (reference, name_member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
vz_schedule_update_from_json (VzEntity    *entity,
                              JsonObject  *obj,
                              GError     **error)
{
  VzSchedule *self = VZ_SCHEDULE (entity);
  const char *name, *description, *playlist_id, *display_id, *group_id, *created_at;
  gboolean has_name, has_description, has_playlist_id, has_display_id, has_group_id, has_created_at;
  gboolean has_playlist, has_display, has_group, has_days, has_start, has_end, has_start_date, has_end_date;
  gboolean has_priority, has_active, is_active;
  JsonObject *playlist = NULL, *display = NULL, *group = NULL;
  JsonArray *days_array = NULL;
  g_autofree char *start_date = NULL;
  g_autofree char *end_date = NULL;
  int start_time = VZ_SCHEDULE_NO_TIME, end_time = VZ_SCHEDULE_NO_TIME;
  gdouble priority;
  guint8 days = 0;

  if (!_vz_json_get_string (obj, "name", N_("schedule"), TRUE, &has_name, &name, error) ||
      !_vz_json_get_string (obj, "description", N_("schedule"), TRUE, &has_description, &description, error) ||
      !_vz_json_get_string (obj, "playlistId", N_("schedule"), TRUE, &has_playlist_id, &playlist_id, error) ||
      !_vz_json_get_string (obj, "displayId", N_("schedule"), TRUE, &has_display_id, &display_id, error) ||
      !_vz_json_get_string (obj, "displayGroupId", N_("schedule"), TRUE, &has_group_id, &group_id, error) ||
      !_vz_json_get_string (obj, "createdAt", N_("schedule"), TRUE, &has_created_at, &created_at, error) ||
      !_vz_json_get_object (obj, "playlist", N_("schedule"), &has_playlist, &playlist, error) ||
      !_vz_json_get_object (obj, "display", N_("schedule"), &has_display, &display, error) ||
      !_vz_json_get_object (obj, "displayGroup", N_("schedule"), &has_group, &group, error) ||
      !_vz_json_get_array (obj, "daysOfWeek", N_("schedule"), &has_days, &days_array, error) ||
      !read_time (obj, "startTime", &has_start, &start_time, error) ||
      !read_time (obj, "endTime", &has_end, &end_time, error) ||
      !read_date (obj, "startDate", &has_start_date, &start_date, error) ||
      !read_date (obj, "endDate", &has_end_date, &end_date, error) ||
      !_vz_json_get_double (obj, "priority", N_("schedule"), 0, &has_priority, &priority, error) ||
      !_vz_json_get_boolean (obj, "isActive", N_("schedule"), &has_active, &is_active, error))
    return FALSE;
  if (days_array != NULL && !read_days (days_array, &days, error))
    return FALSE;
  if (has_priority && (priority != floor (priority) || priority < G_MININT32 || priority > G_MAXINT32))
    return invalid (error, _("The server sent a schedule with a priority that is not a whole number."));

  g_object_freeze_notify (G_OBJECT (self));
  if (has_name)
    set_string (self, &self->name, name, PROP_NAME);
  if (has_description)
    set_string (self, &self->description, description, PROP_DESCRIPTION);
  if (has_created_at)
    set_string (self, &self->created_at, created_at, PROP_CREATED_AT);
  /* An id that changes without its reference (an optimistic change) keeps
   * no stale name; the reference, when it comes, names it. */
  if (has_playlist_id && g_strcmp0 (playlist_id, self->playlist_id) != 0)
    {
      set_string (self, &self->playlist_id, playlist_id, PROP_PLAYLIST_ID);
      set_string (self, &self->playlist_name, NULL, PROP_PLAYLIST_NAME);
    }
  if (has_display_id && g_strcmp0 (display_id, self->display_id) != 0)
    {
      set_string (self, &self->display_id, display_id, PROP_DISPLAY_ID);
      set_string (self, &self->display_name, NULL, PROP_DISPLAY_NAME);
    }
  if (has_group_id && g_strcmp0 (group_id, self->group_id) != 0)
    {
      set_string (self, &self->group_id, group_id, PROP_GROUP_ID);
      set_string (self, &self->group_name, NULL, PROP_GROUP_NAME);
    }
  if (has_playlist)
    set_string (self, &self->playlist_name, reference_name (playlist, "name"), PROP_PLAYLIST_NAME);
  if (has_display)
    set_string (self, &self->display_name, reference_name (display, "nickname"), PROP_DISPLAY_NAME);
  if (has_group)
    set_string (self, &self->group_name, reference_name (group, "name"), PROP_GROUP_NAME);
  if (has_days && self->days != days)
    {
      self->days = days;
      notify (self, PROP_DAYS);
    }
  if (has_start)
    set_int (self, &self->start_time, start_time, PROP_START_TIME);
  if (has_end)
    set_int (self, &self->end_time, end_time, PROP_END_TIME);
  if (has_start_date)
    set_string (self, &self->start_date, start_date, PROP_START_DATE);
  if (has_end_date)
    set_string (self, &self->end_date, end_date, PROP_END_DATE);
  if (has_priority)
    set_int (self, &self->priority, (int) priority, PROP_PRIORITY);
  if (has_active && self->is_active != !!is_active)
    {
      self->is_active = !!is_active;
      notify (self, PROP_IS_ACTIVE);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static const char *
vz_schedule_get_title (VzEntity *entity)
{
  return VZ_SCHEDULE (entity)->name;
}

static void
put_reference (GString    *out,
               const char *member,
               const char *id,
               const char *name_member,
               const char *name)
{
  g_string_append_printf (out, ",\"%s\":", member);
  if (id == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, id);
  _vz_json_put_member (out, name_member, name);
  g_string_append_c (out, '}');
}

static void
vz_schedule_to_json (VzEntity *entity,
                     GString  *out)
{
  VzSchedule *self = VZ_SCHEDULE (entity);
  gboolean first = TRUE;

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "name", self->name);
  _vz_json_put_member (out, "description", self->description);
  _vz_json_put_member (out, "playlistId", self->playlist_id);
  _vz_json_put_member (out, "displayId", self->display_id);
  _vz_json_put_member (out, "displayGroupId", self->group_id);
  put_reference (out, "playlist", self->playlist_id, "name", self->playlist_name);
  put_reference (out, "display", self->display_id, "nickname", self->display_name);
  put_reference (out, "displayGroup", self->group_id, "name", self->group_name);
  g_string_append (out, ",\"daysOfWeek\":[");
  for (int d = 0; d < 7; d++)
    if (self->days & (1 << d))
      {
        g_string_append_printf (out, first ? "%d" : ",%d", d);
        first = FALSE;
      }
  g_string_append (out, "],");
  _vz_json_put_number (out, "startTime", self->start_time);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "endTime", self->end_time);
  _vz_json_put_member (out, "startDate", self->start_date);
  _vz_json_put_member (out, "endDate", self->end_date);
  g_string_append_printf (out, ",\"priority\":%d,\"isActive\":%s", self->priority, self->is_active ? "true" : "false");
  _vz_json_put_member (out, "createdAt", self->created_at);
  g_string_append_c (out, '}');
}

static void
vz_schedule_finalize (GObject *object)
{
  VzSchedule *self = VZ_SCHEDULE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->playlist_id, g_free);
  g_clear_pointer (&self->playlist_name, g_free);
  g_clear_pointer (&self->display_id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->group_id, g_free);
  g_clear_pointer (&self->group_name, g_free);
  g_clear_pointer (&self->start_date, g_free);
  g_clear_pointer (&self->end_date, g_free);
  g_clear_pointer (&self->created_at, g_free);
  g_clear_pointer (&self->playing_on, g_hash_table_unref);

  G_OBJECT_CLASS (vz_schedule_parent_class)->finalize (object);
}

static void
vz_schedule_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzSchedule *self = VZ_SCHEDULE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_PLAYLIST_ID:
      g_value_set_string (value, self->playlist_id);
      break;
    case PROP_PLAYLIST_NAME:
      g_value_set_string (value, self->playlist_name);
      break;
    case PROP_DISPLAY_ID:
      g_value_set_string (value, self->display_id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_GROUP_ID:
      g_value_set_string (value, self->group_id);
      break;
    case PROP_GROUP_NAME:
      g_value_set_string (value, self->group_name);
      break;
    case PROP_DAYS:
      g_value_set_uint (value, self->days);
      break;
    case PROP_START_TIME:
      g_value_set_int (value, self->start_time);
      break;
    case PROP_END_TIME:
      g_value_set_int (value, self->end_time);
      break;
    case PROP_START_DATE:
      g_value_set_string (value, self->start_date);
      break;
    case PROP_END_DATE:
      g_value_set_string (value, self->end_date);
      break;
    case PROP_PRIORITY:
      g_value_set_int (value, self->priority);
      break;
    case PROP_IS_ACTIVE:
      g_value_set_boolean (value, self->is_active);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    case PROP_PLAYING_COUNT:
      g_value_set_uint (value, g_hash_table_size (self->playing_on));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_schedule_class_init (VzScheduleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_schedule_finalize;
  object_class->get_property = vz_schedule_get_property;
  entity_class->update_from_json = vz_schedule_update_from_json;
  entity_class->get_title = vz_schedule_get_title;
  entity_class->to_json = vz_schedule_to_json;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_PLAYLIST_ID] = g_param_spec_string ("playlist-id", NULL, NULL, NULL, flags);
  properties[PROP_PLAYLIST_NAME] = g_param_spec_string ("playlist-name", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_ID] = g_param_spec_string ("display-id", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_GROUP_ID] = g_param_spec_string ("group-id", NULL, NULL, NULL, flags);
  properties[PROP_GROUP_NAME] = g_param_spec_string ("group-name", NULL, NULL, NULL, flags);
  properties[PROP_DAYS] = g_param_spec_uint ("days", NULL, NULL, 0, VZ_SCHEDULE_EVERY_DAY, 0, flags);
  properties[PROP_START_TIME] = g_param_spec_int ("start-time", NULL, NULL, -1, VZ_SCHEDULE_MINUTES_PER_DAY - 1,
                                                  -1, flags);
  properties[PROP_END_TIME] = g_param_spec_int ("end-time", NULL, NULL, -1, VZ_SCHEDULE_MINUTES_PER_DAY - 1,
                                                -1, flags);
  properties[PROP_START_DATE] = g_param_spec_string ("start-date", NULL, NULL, NULL, flags);
  properties[PROP_END_DATE] = g_param_spec_string ("end-date", NULL, NULL, NULL, flags);
  properties[PROP_PRIORITY] = g_param_spec_int ("priority", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_IS_ACTIVE] = g_param_spec_boolean ("is-active", NULL, NULL, FALSE, flags);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, flags);
  properties[PROP_PLAYING_COUNT] = g_param_spec_uint ("playing-count", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_schedule_init (VzSchedule *self)
{
  self->start_time = VZ_SCHEDULE_NO_TIME;
  self->end_time = VZ_SCHEDULE_NO_TIME;
  self->playing_on = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

#define GETTER(type, field, fallback) \
  type \
  vz_schedule_get_##field (VzSchedule *self) \
  { \
    g_return_val_if_fail (VZ_IS_SCHEDULE (self), fallback); \
    return self->field; \
  }

GETTER (const char *, name, NULL)
GETTER (const char *, description, NULL)
GETTER (const char *, playlist_id, NULL)
GETTER (const char *, playlist_name, NULL)
GETTER (const char *, display_id, NULL)
GETTER (const char *, display_name, NULL)
GETTER (const char *, group_id, NULL)
GETTER (const char *, group_name, NULL)
GETTER (guint8, days, 0)
GETTER (int, start_time, VZ_SCHEDULE_NO_TIME)
GETTER (int, end_time, VZ_SCHEDULE_NO_TIME)
GETTER (const char *, start_date, NULL)
GETTER (const char *, end_date, NULL)
GETTER (int, priority, 0)
GETTER (gboolean, is_active, FALSE)
GETTER (const char *, created_at, NULL)

#undef GETTER

guint
vz_schedule_get_playing_count (VzSchedule *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE (self), 0);
  return g_hash_table_size (self->playing_on);
}

gboolean
vz_schedule_is_playing_on (VzSchedule *self,
                           const char *display_id)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE (self), FALSE);
  return display_id != NULL && g_hash_table_contains (self->playing_on, display_id);
}

void
vz_schedule_set_playing_on (VzSchedule *self,
                            const char *display_id,
                            gboolean    playing)
{
  gboolean changed;

  g_return_if_fail (VZ_IS_SCHEDULE (self));
  g_return_if_fail (display_id != NULL);

  if (playing)
    changed = g_hash_table_add (self->playing_on, g_strdup (display_id));
  else
    changed = g_hash_table_remove (self->playing_on, display_id);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING_COUNT]);
}

VzScheduleRule *
vz_schedule_to_rule (VzSchedule *self)
{
  VzScheduleRule *rule;
  g_autoptr(GDateTime) created = NULL;

  g_return_val_if_fail (VZ_IS_SCHEDULE (self), NULL);

  rule = vz_schedule_rule_new (vz_entity_get_id (VZ_ENTITY (self)), self->playlist_id);
  if (self->group_id != NULL)
    vz_schedule_rule_set_group (rule, self->group_id);
  else if (self->display_id != NULL)
    vz_schedule_rule_set_display (rule, self->display_id);
  rule->days = self->days;
  rule->start_time = self->start_time;
  rule->end_time = self->end_time;
  if (self->start_date == NULL || !vz_schedule_parse_day (self->start_date, &rule->start_day))
    rule->start_day = VZ_SCHEDULE_NO_START_DAY;
  if (self->end_date == NULL || !vz_schedule_parse_day (self->end_date, &rule->end_day))
    rule->end_day = VZ_SCHEDULE_NO_END_DAY;
  rule->priority = self->priority;
  rule->is_active = self->is_active;
  if (self->created_at != NULL)
    created = g_date_time_new_from_iso8601 (self->created_at, NULL);
  if (created != NULL)
    rule->created_at = g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);
  return rule;
}
