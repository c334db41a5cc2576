/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-notification"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-notification.h"

G_DEFINE_ENUM_TYPE (VzSeverity, vz_severity,
  G_DEFINE_ENUM_VALUE (VZ_SEVERITY_INFO, "info"),
  G_DEFINE_ENUM_VALUE (VZ_SEVERITY_WARNING, "warning"),
  G_DEFINE_ENUM_VALUE (VZ_SEVERITY_CRITICAL, "critical"))

VzSeverity
vz_severity_from_string (const char *str)
{
  if (g_strcmp0 (str, "critical") == 0)
    return VZ_SEVERITY_CRITICAL;
  if (g_strcmp0 (str, "warning") == 0)
    return VZ_SEVERITY_WARNING;
  return VZ_SEVERITY_INFO;
}

const char *
vz_severity_to_string (VzSeverity severity)
{
  switch (severity)
    {
    case VZ_SEVERITY_CRITICAL:
      return "critical";
    case VZ_SEVERITY_WARNING:
      return "warning";
    case VZ_SEVERITY_INFO:
    default:
      return "info";
    }
}

const char *
vz_severity_to_label (VzSeverity severity)
{
  switch (severity)
    {
    case VZ_SEVERITY_CRITICAL:
      return _("Critical");
    case VZ_SEVERITY_WARNING:
      return _("Warning");
    case VZ_SEVERITY_INFO:
    default:
      return _("Information");
    }
}

const char *
vz_severity_icon_name (VzSeverity severity)
{
  switch (severity)
    {
    case VZ_SEVERITY_CRITICAL:
      return "dialog-error-symbolic";
    case VZ_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case VZ_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

struct _VzNotification
{
  VzEntity    parent_instance;

  char       *kind;
  char       *title;
  char       *message;
  VzSeverity  severity;
  gboolean    read;
  char       *dismissed_at;
  gboolean    resolved;
  char       *resolved_at;
  char       *device_id;
  char       *metric;
  gdouble     value;
  gdouble     threshold;
  char       *created_at;
  gint64      created_time;
};

G_DEFINE_FINAL_TYPE (VzNotification, vz_notification, VZ_TYPE_ENTITY)

enum {
  PROP_0,
  PROP_KIND,
  PROP_TITLE,
  PROP_MESSAGE,
  PROP_SEVERITY,
  PROP_READ,
  PROP_DISMISSED_AT,
  PROP_DISMISSED,
  PROP_RESOLVED,
  PROP_DEVICE_ID,
  PROP_METRIC,
  PROP_VALUE,
  PROP_THRESHOLD,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (VzNotification *self,
        guint           prop)
{
  if (!_vz_entity_is_constructing (VZ_ENTITY (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Two readings are the same when both are unknown or both are equal. */
static gboolean
set_reading (gdouble *field,
             gdouble  value)
{
  if ((isnan (*field) && isnan (value)) || *field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

/* Metadata is the server's free-form bag: a member of an unexpected type is
 * read as not said, never as a broken notification. */
static gboolean
metadata_true (JsonObject *metadata,
               const char *member)
{
  JsonNode *node = metadata != NULL ? json_object_get_member (metadata, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gint64
parse_time (const char *iso)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) parsed = NULL;

  if (iso == NULL)
    return 0;
  utc = g_time_zone_new_utc ();
  parsed = g_date_time_new_from_iso8601 (iso, utc);
  return parsed != NULL ? (g_date_time_to_unix (parsed) * G_USEC_PER_SEC + g_date_time_get_microsecond (parsed)) : 0;
}

static gboolean
vz_notification_update_from_json (VzEntity    *entity,
                                  JsonObject  *obj,
                                  GError     **error)
{
  VzNotification *self = VZ_NOTIFICATION (entity);
  const char *kind, *title, *message, *severity, *dismissed_at, *created_at;
  gboolean has_kind, has_title, has_message, has_severity, has_read, has_dismissed, has_created, has_metadata;

  gboolean read = FALSE;
  JsonObject *metadata = NULL;

  if (!_vz_json_get_string (obj, "type", N_("notification"), TRUE, &has_kind, &kind, error) ||
      !_vz_json_get_string (obj, "title", N_("notification"), TRUE, &has_title, &title, error) ||
      !_vz_json_get_string (obj, "message", N_("notification"), TRUE, &has_message, &message, error) ||
      !_vz_json_get_string (obj, "severity", N_("notification"), TRUE, &has_severity, &severity, error) ||
      !_vz_json_get_boolean (obj, "read", N_("notification"), &has_read, &read, error) ||
      !_vz_json_get_string (obj, "dismissedAt", N_("notification"), TRUE, &has_dismissed, &dismissed_at, error) ||
      !_vz_json_get_string (obj, "createdAt", N_("notification"), TRUE, &has_created, &created_at, error) ||
      !_vz_json_get_object (obj, "metadata", N_("notification"), &has_metadata, &metadata, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (has_kind && _vz_set_shared_string (&self->kind, kind))
    notify (self, PROP_KIND);
  if (has_title && _vz_set_shared_string (&self->title, title))
    notify (self, PROP_TITLE);
  if (has_message && _vz_set_string (&self->message, message))
    notify (self, PROP_MESSAGE);
  if (has_severity && self->severity != vz_severity_from_string (severity))
    {
      self->severity = vz_severity_from_string (severity);
      notify (self, PROP_SEVERITY);
    }
  if (has_read)
    vz_notification_set_read (self, read);
  if (has_dismissed)
    vz_notification_set_dismissed_at (self, dismissed_at);
  if (has_created && _vz_set_shared_string (&self->created_at, created_at))
    {
      self->created_time = parse_time (created_at);
      notify (self, PROP_CREATED_AT);
    }
  /* Metadata members, too, change only when present (events may be partial). */
  if (metadata != NULL)
    {
      const char *resolved_at = _vz_json_string (metadata, "resolvedAt");

      if (json_object_has_member (metadata, "deviceId") &&
          _vz_set_shared_string (&self->device_id, _vz_json_string (metadata, "deviceId")))
        notify (self, PROP_DEVICE_ID);
      if (json_object_has_member (metadata, "metric") &&
          _vz_set_shared_string (&self->metric, _vz_json_string (metadata, "metric")))
        notify (self, PROP_METRIC);
      if (json_object_has_member (metadata, "value") &&
          set_reading (&self->value, _vz_json_number (metadata, "value")))
        notify (self, PROP_VALUE);
      if (json_object_has_member (metadata, "threshold") &&
          set_reading (&self->threshold, _vz_json_number (metadata, "threshold")))
        notify (self, PROP_THRESHOLD);
      if (json_object_has_member (metadata, "resolvedAt"))
        _vz_set_shared_string (&self->resolved_at, resolved_at);
      if ((json_object_has_member (metadata, "resolved") || json_object_has_member (metadata, "resolvedAt")) &&
          self->resolved != (metadata_true (metadata, "resolved") || self->resolved_at != NULL))
        {
          self->resolved = !self->resolved;
          notify (self, PROP_RESOLVED);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static const char *
vz_notification_get_title_vfunc (VzEntity *entity)
{
  return VZ_NOTIFICATION (entity)->title;
}

static void
vz_notification_to_json (VzEntity *entity,
                         GString  *out)
{
  VzNotification *self = VZ_NOTIFICATION (entity);

  g_string_append (out, "{\"id\":");
  _vz_json_put_string (out, vz_entity_get_id (entity));
  _vz_json_put_member (out, "updatedAt", vz_entity_get_updated_at (entity));
  _vz_json_put_member (out, "type", self->kind);
  _vz_json_put_member (out, "title", self->title);
  _vz_json_put_member (out, "message", self->message);
  _vz_json_put_member (out, "severity", vz_severity_to_string (self->severity));
  g_string_append_printf (out, ",\"read\":%s", self->read ? "true" : "false");
  _vz_json_put_member (out, "dismissedAt", self->dismissed_at);
  _vz_json_put_member (out, "createdAt", self->created_at);
  g_string_append (out, ",\"metadata\":{\"deviceId\":");
  _vz_json_put_string (out, self->device_id);
  _vz_json_put_member (out, "metric", self->metric);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "value", self->value);
  g_string_append_c (out, ',');
  _vz_json_put_number (out, "threshold", self->threshold);
  g_string_append_printf (out, ",\"resolved\":%s", self->resolved ? "true" : "false");
  _vz_json_put_member (out, "resolvedAt", self->resolved_at);
  g_string_append (out, "}}");
}

static void
vz_notification_finalize (GObject *object)
{
  VzNotification *self = VZ_NOTIFICATION (object);

  _vz_clear_shared_string (&self->kind);
  _vz_clear_shared_string (&self->title);
  g_clear_pointer (&self->message, g_free);
  _vz_clear_shared_string (&self->dismissed_at);
  _vz_clear_shared_string (&self->resolved_at);
  _vz_clear_shared_string (&self->device_id);
  _vz_clear_shared_string (&self->metric);
  _vz_clear_shared_string (&self->created_at);

  G_OBJECT_CLASS (vz_notification_parent_class)->finalize (object);
}

static void
vz_notification_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzNotification *self = VZ_NOTIFICATION (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;
    case PROP_READ:
      g_value_set_boolean (value, self->read);
      break;
    case PROP_DISMISSED_AT:
      g_value_set_string (value, self->dismissed_at);
      break;
    case PROP_DISMISSED:
      g_value_set_boolean (value, self->dismissed_at != NULL);
      break;
    case PROP_RESOLVED:
      g_value_set_boolean (value, self->resolved);
      break;
    case PROP_DEVICE_ID:
      g_value_set_string (value, self->device_id);
      break;
    case PROP_METRIC:
      g_value_set_string (value, self->metric);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_notification_class_init (VzNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VzEntityClass *entity_class = VZ_ENTITY_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_notification_finalize;
  object_class->get_property = vz_notification_get_property;
  entity_class->update_from_json = vz_notification_update_from_json;
  entity_class->get_title = vz_notification_get_title_vfunc;
  entity_class->to_json = vz_notification_to_json;

  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_SEVERITY] = g_param_spec_enum ("severity", NULL, NULL, VZ_TYPE_SEVERITY, VZ_SEVERITY_INFO, flags);
  properties[PROP_READ] = g_param_spec_boolean ("read", NULL, NULL, FALSE, flags);
  properties[PROP_DISMISSED_AT] = g_param_spec_string ("dismissed-at", NULL, NULL, NULL, flags);
  properties[PROP_DISMISSED] = g_param_spec_boolean ("dismissed", NULL, NULL, FALSE, flags);
  properties[PROP_RESOLVED] = g_param_spec_boolean ("resolved", NULL, NULL, FALSE, flags);
  properties[PROP_DEVICE_ID] = g_param_spec_string ("device-id", NULL, NULL, NULL, flags);
  properties[PROP_METRIC] = g_param_spec_string ("metric", NULL, NULL, NULL, flags);
  properties[PROP_VALUE] = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_THRESHOLD] = g_param_spec_double ("threshold", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_notification_init (VzNotification *self)
{
  self->value = NAN;
  self->threshold = NAN;
}

#define GETTER(type, name, field) \
  type \
  vz_notification_get_##name (VzNotification *self) \
  { \
    g_return_val_if_fail (VZ_IS_NOTIFICATION (self), (type) 0); \
    return self->field; \
  }

GETTER (const char *, kind, kind)
GETTER (const char *, title, title)
GETTER (const char *, message, message)
GETTER (VzSeverity, severity, severity)
GETTER (gboolean, read, read)
GETTER (gboolean, resolved, resolved)
GETTER (const char *, device_id, device_id)
GETTER (const char *, metric, metric)
GETTER (const char *, created_at, created_at)
GETTER (const char *, dismissed_at, dismissed_at)
GETTER (gint64, created_time, created_time)

gdouble
vz_notification_get_value (VzNotification *self)
{
  g_return_val_if_fail (VZ_IS_NOTIFICATION (self), NAN);
  return self->value;
}

gdouble
vz_notification_get_threshold (VzNotification *self)
{
  g_return_val_if_fail (VZ_IS_NOTIFICATION (self), NAN);
  return self->threshold;
}

gboolean
vz_notification_get_dismissed (VzNotification *self)
{
  g_return_val_if_fail (VZ_IS_NOTIFICATION (self), FALSE);
  return self->dismissed_at != NULL;
}

void
vz_notification_set_read (VzNotification *self,
                          gboolean        read)
{
  g_return_if_fail (VZ_IS_NOTIFICATION (self));

  read = !!read;
  if (self->read == read)
    return;
  self->read = read;
  notify (self, PROP_READ);
}

void
vz_notification_set_dismissed_at (VzNotification *self,
                                  const char     *dismissed_at)
{
  gboolean was_dismissed;

  g_return_if_fail (VZ_IS_NOTIFICATION (self));

  was_dismissed = self->dismissed_at != NULL;
  if (!_vz_set_shared_string (&self->dismissed_at, dismissed_at))
    return;
  notify (self, PROP_DISMISSED_AT);
  if (was_dismissed != (dismissed_at != NULL))
    notify (self, PROP_DISMISSED);
}
