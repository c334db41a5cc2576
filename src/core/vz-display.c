/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "vz-api-error.h"
#include "vz-display.h"
#include "vz-entity-private.h"

G_DEFINE_ENUM_TYPE (VzDisplayStatus, vz_display_status,
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_PAIRING, "pairing"),
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (VZ_DISPLAY_STATUS_IDLE, "idle"))

VzDisplayStatus
vz_display_status_from_string (const char *str)
{
  /* Unknown words map to UNKNOWN rather than an error: a newer server may
   * add states, and one odd status must not make a whole list unreadable. */
  if (str == NULL)
    return VZ_DISPLAY_STATUS_UNKNOWN;
  switch (str[0])
    {
    case 'o':
      if (strcmp (str, "online") == 0)
        return VZ_DISPLAY_STATUS_ONLINE;
      if (strcmp (str, "offline") == 0)
        return VZ_DISPLAY_STATUS_OFFLINE;
      break;
    case 'p':
      if (strcmp (str, "pairing") == 0)
        return VZ_DISPLAY_STATUS_PAIRING;
      break;
    case 'e':
      if (strcmp (str, "error") == 0)
        return VZ_DISPLAY_STATUS_ERROR;
      break;
    case 'i':
      if (strcmp (str, "idle") == 0)
        return VZ_DISPLAY_STATUS_IDLE;
      break;
    default:
      break;
    }
  return VZ_DISPLAY_STATUS_UNKNOWN;
}

const char *
vz_display_status_to_string (VzDisplayStatus status)
{
  switch (status)
    {
    case VZ_DISPLAY_STATUS_ONLINE:  return "online";
    case VZ_DISPLAY_STATUS_OFFLINE: return "offline";
    case VZ_DISPLAY_STATUS_PAIRING: return "pairing";
    case VZ_DISPLAY_STATUS_ERROR:   return "error";
    case VZ_DISPLAY_STATUS_IDLE:    return "idle";
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
vz_display_status_to_label (VzDisplayStatus status)
{
  switch (status)
    {
    case VZ_DISPLAY_STATUS_ONLINE:  return _("Online");
    case VZ_DISPLAY_STATUS_OFFLINE: return _("Offline");
    case VZ_DISPLAY_STATUS_PAIRING: return _("Waiting for pairing");
    case VZ_DISPLAY_STATUS_ERROR:   return _("Error");
    case VZ_DISPLAY_STATUS_IDLE:    return _("Idle");
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return _("Unknown");
    }
}

struct _VzDisplay
{
  VzEntity parent_instance;

  char            *nickname;
  char            *device_identifier;
  char            *description;
  char            *location;
  char            *orientation;
  char            *resolution;
  char            *timezone;
  char            *current_playlist_id;
  char            *created_at;
  char            *paired_at;
  char            *group_id;
  char            *group_name;
  /* Kept verbatim so that an unchanged heartbeat is detected without parsing. */
  char            *last_heartbeat_str;
  GDateTime       *last_heartbeat;
  VzDisplayStatus  status;
  gboolean         is_disabled;
  gdouble          cpu_usage;
  gdouble          memory_usage;
  gdouble          disk_usage;
  gdouble          temperature;
  gint64           uptime;
};

G_DEFINE_FINAL_TYPE (VzDisplay, vz_display, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_NICKNAME,
  PROP_DEVICE_IDENTIFIER,
  PROP_DESCRIPTION,
  PROP_LOCATION,
  PROP_ORIENTATION,
  PROP_RESOLUTION,
  PROP_TIMEZONE,
  PROP_CURRENT_PLAYLIST_ID,
  PROP_CREATED_AT,
  PROP_PAIRED_AT,
  PROP_GROUP_ID,
  PROP_GROUP_NAME,
  PROP_STATUS,
  PROP_LAST_HEARTBEAT,
  PROP_IS_DISABLED,
  PROP_CPU_USAGE,
  PROP_MEMORY_USAGE,
  PROP_DISK_USAGE,
  PROP_TEMPERATURE,
  PROP_UPTIME,
  PROP_DISPLAY_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The plain string members, decoded by one table instead of twelve copies. */
/* Values that many screens repeat (a location, a time zone, a playlist, the
 * moment a batch was paired) are shared strings (vz-entity-private.h). */
typedef struct {
  const char *member;
  guint       prop;
  gsize       offset;
  gboolean    shared;
} StringField;

static const StringField string_fields[] = {
  { "nickname",          PROP_NICKNAME,            G_STRUCT_OFFSET (VzDisplay, nickname),            FALSE },
  { "deviceIdentifier",  PROP_DEVICE_IDENTIFIER,   G_STRUCT_OFFSET (VzDisplay, device_identifier),   FALSE },
  { "description",       PROP_DESCRIPTION,         G_STRUCT_OFFSET (VzDisplay, description),         FALSE },
  { "location",          PROP_LOCATION,            G_STRUCT_OFFSET (VzDisplay, location),            TRUE },
  { "orientation",       PROP_ORIENTATION,         G_STRUCT_OFFSET (VzDisplay, orientation),         TRUE },
  { "resolution",        PROP_RESOLUTION,          G_STRUCT_OFFSET (VzDisplay, resolution),          TRUE },
  { "timezone",          PROP_TIMEZONE,            G_STRUCT_OFFSET (VzDisplay, timezone),            TRUE },
  { "currentPlaylistId", PROP_CURRENT_PLAYLIST_ID, G_STRUCT_OFFSET (VzDisplay, current_playlist_id), TRUE },
  { "createdAt",         PROP_CREATED_AT,          G_STRUCT_OFFSET (VzDisplay, created_at),          TRUE },
  { "pairedAt",          PROP_PAIRED_AT,           G_STRUCT_OFFSET (VzDisplay, paired_at),           TRUE },
};

typedef struct {
  const char *member;
  guint       prop;
  gsize       offset;
} MetricField;

static const MetricField metric_fields[] = {
  { "cpuUsage",    PROP_CPU_USAGE,    G_STRUCT_OFFSET (VzDisplay, cpu_usage) },
  { "memoryUsage", PROP_MEMORY_USAGE, G_STRUCT_OFFSET (VzDisplay, memory_usage) },
  { "diskUsage",   PROP_DISK_USAGE,   G_STRUCT_OFFSET (VzDisplay, disk_usage) },
  { "temperature", PROP_TEMPERATURE,  G_STRUCT_OFFSET (VzDisplay, temperature) },
};

#define STRING_AT(self, offset) ((char **) G_STRUCT_MEMBER_P ((self), (offset)))
#define DOUBLE_AT(self, offset) ((gdouble *) G_STRUCT_MEMBER_P ((self), (offset)))

static void
notify (VzDisplay *self,
        guint      prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
set_last_heartbeat (VzDisplay  *self,
                    const char *value)
{
  GDateTime *parsed = NULL;

  if (g_strcmp0 (self->last_heartbeat_str, value) == 0)
    return FALSE;

  if (value != NULL)
    {
      /* Dates from the contract are UTC; a string without a zone is read as UTC. */
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      parsed = g_date_time_new_from_iso8601 (value, utc);
    }

  _vz_set_shared_string (&self->last_heartbeat_str, value);

  if (parsed == NULL && self->last_heartbeat == NULL)
    return FALSE;
  if (parsed != NULL && self->last_heartbeat != NULL &&
      g_date_time_equal (parsed, self->last_heartbeat))
    {
      g_date_time_unref (parsed);
      return FALSE;
    }

  g_clear_pointer (&self->last_heartbeat, g_date_time_unref);
  self->last_heartbeat = parsed;
  return TRUE;
}

static gboolean
set_double (VzDisplay *self,
            gsize      offset,
            gdouble    value)
{
  gdouble *field = DOUBLE_AT (self, offset);

  /* Exact comparison on purpose: the value comes verbatim from JSON, and
   * any difference a person could see is a real change. Two unknown
   * temperatures (NAN) are the same. */
  if (*field == value || (isnan (*field) && isnan (value)))
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
vz_display_update_from_json (VzEntity    *entity,
                             JsonObject  *obj,
                             GError     **error)
{
  VzDisplay *self = VZ_DISPLAY (entity);
  const char *strings[G_N_ELEMENTS (string_fields)];
  gboolean strings_present[G_N_ELEMENTS (string_fields)];
  gdouble metrics[G_N_ELEMENTS (metric_fields)];
  gboolean metrics_present[G_N_ELEMENTS (metric_fields)];
  const char *status_str = NULL, *last_heartbeat = NULL;
  const char *group_id = NULL, *group_name = NULL;
  gboolean has_status, has_last_heartbeat, has_is_disabled, has_metrics, has_groups = FALSE;
  gboolean has_uptime = FALSE, is_disabled;
  gdouble uptime = -1;
  JsonObject *metrics_obj = NULL;
  JsonArray *groups = NULL;
  const char *old_display_name;
  g_autofree char *old_display_name_copy = NULL;
  gboolean has_groups_member;
  gboolean constructing;

  /* 1. Check every member. */
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (!_vz_json_get_string (obj, string_fields[i].member, N_("screen"), TRUE,
                              &strings_present[i], &strings[i], error))
      return FALSE;

  if (!_vz_json_get_string (obj, "status", N_("screen"), TRUE, &has_status, &status_str, error) ||
      !_vz_json_get_string (obj, "lastHeartbeat", N_("screen"), TRUE, &has_last_heartbeat, &last_heartbeat, error) ||
      !_vz_json_get_boolean (obj, "isDisabled", N_("screen"), &has_is_disabled, &is_disabled, error) ||
      !_vz_json_get_object (obj, "metrics", N_("screen"), &has_metrics, &metrics_obj, error) ||
      !_vz_json_get_array (obj, "groups", N_("screen"), &has_groups_member, &groups, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (metric_fields); i++)
    {
      /* Usage below 0 cannot be, so -1 says "unknown"; a temperature of
       * -1 °C can, so an unknown one is NAN. */
      gdouble unknown = metric_fields[i].prop == PROP_TEMPERATURE ? NAN : -1;

      metrics[i] = unknown;
      metrics_present[i] = FALSE;
      if (metrics_obj != NULL &&
          !_vz_json_get_double (metrics_obj, metric_fields[i].member, N_("screen’s metrics"), unknown,
                                &metrics_present[i], &metrics[i], error))
        return FALSE;
      /* "metrics": null means no heartbeat yet: every figure is unknown. */
      if (has_metrics && metrics_obj == NULL)
        metrics_present[i] = TRUE;
    }
  if (metrics_obj != NULL &&
      !_vz_json_get_double (metrics_obj, "uptime", N_("screen’s metrics"), -1, &has_uptime, &uptime, error))
    return FALSE;
  if (has_metrics && metrics_obj == NULL)
    has_uptime = TRUE;
  /* Whole seconds: a count no gint64 holds (or below zero) is unknown, not
   * a cast with undefined behaviour (found by fuzzing the snapshot). */
  if (!(uptime >= 0 && uptime < 9.2e18))
    uptime = -1;

  /* The detail view names the groups; the first one is the screen's group. */
  if (groups != NULL)
    {
      has_groups = TRUE;
      if (json_array_get_length (groups) > 0)
        {
          JsonNode *first = json_array_get_element (groups, 0);
          JsonObject *group = NULL;
          gboolean present;

          if (!JSON_NODE_HOLDS_OBJECT (first) ||
              !_vz_json_get_object (json_node_get_object (first), "displayGroup", N_("screen’s group"),
                                    &present, &group, error))
            {
              if (error != NULL && *error == NULL)
                g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                                     _("The server sent a screen whose “groups” are not a list of groups."));
              return FALSE;
            }
          if (group != NULL &&
              (!_vz_json_get_string (group, "id", N_("screen group"), TRUE, &present, &group_id, error) ||
               !_vz_json_get_string (group, "name", N_("screen group"), TRUE, &present, &group_name, error)))
            return FALSE;
        }
    }

  /* 2. Apply, notifying only what changed. */
  old_display_name = vz_display_get_display_name (self);
  if (!_vz_entity_is_constructing (entity))
    old_display_name_copy = g_strdup (old_display_name);

  /* Frozen so that a handler of any one notification already sees the whole
   * update (a row bound to "status" reads the new "last-heartbeat" too). */
  constructing = _vz_entity_is_constructing (entity);
  if (!constructing)
    g_object_freeze_notify (G_OBJECT (self));

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (strings_present[i] &&
        (string_fields[i].shared ? _vz_set_shared_string : _vz_set_string) (STRING_AT (self, string_fields[i].offset),
                                                                          strings[i]))
      notify (self, string_fields[i].prop);

  if (has_status)
    {
      VzDisplayStatus status = vz_display_status_from_string (status_str);

      if (status != self->status)
        {
          self->status = status;
          notify (self, PROP_STATUS);
        }
    }
  if (has_last_heartbeat && set_last_heartbeat (self, last_heartbeat))
    notify (self, PROP_LAST_HEARTBEAT);
  if (has_is_disabled && self->is_disabled != is_disabled)
    {
      self->is_disabled = is_disabled;
      notify (self, PROP_IS_DISABLED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (metric_fields); i++)
    if (metrics_present[i] && set_double (self, metric_fields[i].offset, metrics[i]))
      notify (self, metric_fields[i].prop);
  if (has_uptime && self->uptime != (gint64) uptime)
    {
      self->uptime = (gint64) uptime;
      notify (self, PROP_UPTIME);
    }
  if (has_groups)
    vz_display_set_group (self, group_id, group_name);

  if (!constructing)
    {
      if (g_strcmp0 (old_display_name_copy, vz_display_get_display_name (self)) != 0)
        notify (self, PROP_DISPLAY_NAME);
      g_object_thaw_notify (G_OBJECT (self));
    }

  return TRUE;
}

static void
vz_display_finalize (GObject *object)
{
  VzDisplay *self = VZ_DISPLAY (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      if (string_fields[i].shared)
        _vz_clear_shared_string (STRING_AT (self, string_fields[i].offset));
      else
        g_clear_pointer (STRING_AT (self, string_fields[i].offset), g_free);
    }
  _vz_clear_shared_string (&self->group_id);
  _vz_clear_shared_string (&self->group_name);
  _vz_clear_shared_string (&self->last_heartbeat_str);
  g_clear_pointer (&self->last_heartbeat, g_date_time_unref);

  G_OBJECT_CLASS (vz_display_parent_class)->finalize (object);
}

static void
vz_display_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VzDisplay *self = VZ_DISPLAY (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop_id)
      {
        g_value_set_string (value, *STRING_AT (self, string_fields[i].offset));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (metric_fields); i++)
    if (metric_fields[i].prop == prop_id)
      {
        g_value_set_double (value, *DOUBLE_AT (self, metric_fields[i].offset));
        return;
      }

  switch (prop_id)
    {
    case PROP_GROUP_ID:
      g_value_set_string (value, self->group_id);
      break;
    case PROP_GROUP_NAME:
      g_value_set_string (value, self->group_name);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_LAST_HEARTBEAT:
      g_value_set_boxed (value, self->last_heartbeat);
      break;
    case PROP_IS_DISABLED:
      g_value_set_boolean (value, self->is_disabled);
      break;
    case PROP_UPTIME:
      g_value_set_int64 (value, self->uptime);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, vz_display_get_display_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const char *
vz_display_get_title (VzEntity *entity)
{
  return vz_display_get_display_name (VZ_DISPLAY (entity));
}

/* A list item of GET /displays, with the metrics and first group it shows. */
static void
vz_display_to_json (VzEntity *entity,
                    GString  *out)
{
  VzDisplay *self = VZ_DISPLAY (entity);
  g_autofree char *heartbeat = self->last_heartbeat != NULL ? g_date_time_format_iso8601 (self->last_heartbeat) : NULL;

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "nickname", self->nickname);
  _vz_json_put_member (out, "deviceIdentifier", self->device_identifier);
  _vz_json_put_member (out, "description", self->description);
  _vz_json_put_member (out, "location", self->location);
  _vz_json_put_member (out, "orientation", self->orientation);
  _vz_json_put_member (out, "resolution", self->resolution);
  _vz_json_put_member (out, "timezone", self->timezone);
  _vz_json_put_member (out, "status", vz_display_status_to_string (self->status));
  _vz_json_put_member (out, "lastHeartbeat", heartbeat);
  g_string_append (out, self->is_disabled ? ",\"isDisabled\":true" : ",\"isDisabled\":false");
  _vz_json_put_member (out, "currentPlaylistId", self->current_playlist_id);
  _vz_json_put_member (out, "createdAt", self->created_at);
  _vz_json_put_member (out, "pairedAt", self->paired_at);

  g_string_append (out, ",\"metrics\":");
  if (self->cpu_usage != -1 || self->memory_usage != -1 || self->disk_usage != -1 ||
      !isnan (self->temperature) || self->uptime != -1)
    {
      g_string_append_c (out, '{');
      _vz_json_put_number (out, "cpuUsage", self->cpu_usage);
      g_string_append_c (out, ',');
      _vz_json_put_number (out, "memoryUsage", self->memory_usage);
      g_string_append_c (out, ',');
      _vz_json_put_number (out, "diskUsage", self->disk_usage);
      g_string_append_c (out, ',');
      /* -1 °C is a reading: only an unknown temperature is null. */
      if (isnan (self->temperature))
        g_string_append (out, "\"temperature\":null");
      else
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (out, "\"temperature\":%s",
                                  g_ascii_dtostr (buffer, sizeof buffer, self->temperature));
        }
      if (self->uptime >= 0)
        g_string_append_printf (out, ",\"uptime\":%" G_GINT64_FORMAT "}", self->uptime);
      else
        g_string_append (out, ",\"uptime\":null}");
    }
  else
    g_string_append (out, "null");

  g_string_append (out, ",\"groups\":[");
  if (self->group_id != NULL)
    {
      g_string_append (out, "{\"displayGroup\":{\"id\":");
      _vz_json_put_string (out, self->group_id);
      _vz_json_put_member (out, "name", self->group_name);
      g_string_append (out, "}}");
    }
  g_string_append (out, "]}");
}

static void
vz_display_class_init (VzDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_display_finalize;
  object_class->get_property = vz_display_get_property;
  entity_class->update_from_json = vz_display_update_from_json;
  entity_class->get_title = vz_display_get_title;
  entity_class->to_json = vz_display_to_json;

  properties[PROP_NICKNAME] = g_param_spec_string ("nickname", NULL, NULL, NULL, flags);
  properties[PROP_DEVICE_IDENTIFIER] = g_param_spec_string ("device-identifier", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_LOCATION] = g_param_spec_string ("location", NULL, NULL, NULL, flags);
  properties[PROP_ORIENTATION] = g_param_spec_string ("orientation", NULL, NULL, NULL, flags);
  properties[PROP_RESOLUTION] = g_param_spec_string ("resolution", NULL, NULL, NULL, flags);
  properties[PROP_TIMEZONE] = g_param_spec_string ("timezone", NULL, NULL, NULL, flags);
  properties[PROP_CURRENT_PLAYLIST_ID] = g_param_spec_string ("current-playlist-id", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, flags);
  properties[PROP_PAIRED_AT] = g_param_spec_string ("paired-at", NULL, NULL, NULL, flags);
  properties[PROP_GROUP_ID] = g_param_spec_string ("group-id", NULL, NULL, NULL, flags);
  properties[PROP_GROUP_NAME] = g_param_spec_string ("group-name", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, VZ_TYPE_DISPLAY_STATUS, VZ_DISPLAY_STATUS_UNKNOWN, flags);
  properties[PROP_LAST_HEARTBEAT] =
    g_param_spec_boxed ("last-heartbeat", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_IS_DISABLED] = g_param_spec_boolean ("is-disabled", NULL, NULL, FALSE, flags);
  properties[PROP_CPU_USAGE] = g_param_spec_double ("cpu-usage", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  properties[PROP_MEMORY_USAGE] = g_param_spec_double ("memory-usage", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  properties[PROP_DISK_USAGE] = g_param_spec_double ("disk-usage", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  properties[PROP_TEMPERATURE] =
    g_param_spec_double ("temperature", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, -1, flags);
  properties[PROP_UPTIME] = g_param_spec_int64 ("uptime", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_display_init (VzDisplay *self)
{
  self->cpu_usage = -1;
  self->memory_usage = -1;
  self->disk_usage = -1;
  self->temperature = NAN;
  self->uptime = -1;
}

#define GETTER(type, name, field) \
  type vz_display_get_##name (VzDisplay *self) \
  { \
    g_return_val_if_fail (VZ_IS_DISPLAY (self), (type) 0); \
    return self->field; \
  }

GETTER (const char *, nickname, nickname)
GETTER (const char *, device_identifier, device_identifier)
GETTER (const char *, description, description)
GETTER (const char *, location, location)
GETTER (const char *, orientation, orientation)
GETTER (const char *, resolution, resolution)
GETTER (const char *, timezone, timezone)
GETTER (VzDisplayStatus, status, status)
GETTER (GDateTime *, last_heartbeat, last_heartbeat)
GETTER (gboolean, is_disabled, is_disabled)
GETTER (const char *, current_playlist_id, current_playlist_id)
GETTER (const char *, group_id, group_id)
GETTER (const char *, group_name, group_name)
GETTER (gdouble, cpu_usage, cpu_usage)
GETTER (gdouble, memory_usage, memory_usage)
GETTER (gdouble, disk_usage, disk_usage)
GETTER (gdouble, temperature, temperature)
GETTER (gint64, uptime, uptime)

#undef GETTER

const char *
vz_display_get_display_name (VzDisplay *self)
{
  g_return_val_if_fail (VZ_IS_DISPLAY (self), NULL);

  if (self->nickname != NULL && *self->nickname != '\0')
    return self->nickname;
  return self->device_identifier;
}

void
vz_display_apply_status (VzDisplay       *self,
                         VzDisplayStatus  status,
                         const char      *last_seen)
{
  g_return_if_fail (VZ_IS_DISPLAY (self));

  if (self->status != status)
    {
      self->status = status;
      notify (self, PROP_STATUS);
    }
  /* A status without lastSeen keeps the heartbeat we know. */
  if (last_seen != NULL && set_last_heartbeat (self, last_seen))
    notify (self, PROP_LAST_HEARTBEAT);
}

void
vz_display_set_group (VzDisplay  *self,
                      const char *group_id,
                      const char *group_name)
{
  g_return_if_fail (VZ_IS_DISPLAY (self));

  if (_vz_set_shared_string (&self->group_id, group_id))
    notify (self, PROP_GROUP_ID);
  if (_vz_set_shared_string (&self->group_name, group_name))
    notify (self, PROP_GROUP_NAME);
}
