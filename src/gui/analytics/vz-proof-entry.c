/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-proof-entry"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-proof-entry.h"

struct _VzProofEntry
{
  GObject  parent_instance;

  char    *time;
  char    *screen;
  char    *content;
  char    *duration;
  char    *completion;
};

G_DEFINE_FINAL_TYPE (VzProofEntry, vz_proof_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME,
  PROP_SCREEN,
  PROP_CONTENT,
  PROP_DURATION,
  PROP_COMPLETION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
string_member (JsonObject *obj,
               const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static JsonObject *
object_member (JsonObject *obj,
               const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
number_member (JsonObject *obj,
               const char *member,
               double     *out)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

VzProofEntry *
vz_proof_entry_new_from_json (JsonObject *record)
{
  VzProofEntry *self = g_object_new (VZ_TYPE_PROOF_ENTRY, NULL);
  JsonObject *display = object_member (record, "display");
  const char *stamp = string_member (record, "timestamp");
  const char *screen = string_member (display, "nickname");
  const char *content = string_member (object_member (record, "content"), "name");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = stamp != NULL ? g_date_time_new_from_iso8601 (stamp, utc) : NULL;
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;
  double value;

  /* Translators: a play's time in the proof-of-play table, see strftime */
  self->time = local != NULL ? g_date_time_format (local, _("%e %b %Y %H:%M:%S")) : g_strdup (_("Unknown"));
  if (screen == NULL || *screen == '\0')
    screen = string_member (display, "deviceIdentifier");
  self->screen = g_strdup (screen != NULL ? screen : _("Unknown"));
  self->content = g_strdup (content != NULL ? content : _("Unknown"));
  /* Translators: seconds a content item played, e.g. "10 s" */
  self->duration = number_member (record, "duration", &value) ? g_strdup_printf (_("%'.0f s"), value)
                                                              : g_strdup (_("Unknown"));
  /* Translators: a percentage, e.g. "42 %" */
  self->completion = number_member (record, "completionPercentage", &value) ? g_strdup_printf (_("%.0f %%"), value)
                                                                            : g_strdup (_("Unknown"));
  return self;
}

const char *
vz_proof_entry_get_screen (VzProofEntry *self)
{
  g_return_val_if_fail (VZ_IS_PROOF_ENTRY (self), NULL);
  return self->screen;
}

const char *
vz_proof_entry_get_content (VzProofEntry *self)
{
  g_return_val_if_fail (VZ_IS_PROOF_ENTRY (self), NULL);
  return self->content;
}

static void
vz_proof_entry_finalize (GObject *object)
{
  VzProofEntry *self = VZ_PROOF_ENTRY (object);

  g_free (self->time);
  g_free (self->screen);
  g_free (self->content);
  g_free (self->duration);
  g_free (self->completion);

  G_OBJECT_CLASS (vz_proof_entry_parent_class)->finalize (object);
}

static void
vz_proof_entry_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VzProofEntry *self = VZ_PROOF_ENTRY (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;
    case PROP_SCREEN:
      g_value_set_string (value, self->screen);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content);
      break;
    case PROP_DURATION:
      g_value_set_string (value, self->duration);
      break;
    case PROP_COMPLETION:
      g_value_set_string (value, self->completion);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_proof_entry_class_init (VzProofEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_proof_entry_finalize;
  object_class->get_property = vz_proof_entry_get_property;

  properties[PROP_TIME] = g_param_spec_string ("time", NULL, NULL, NULL, flags);
  properties[PROP_SCREEN] = g_param_spec_string ("screen", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT] = g_param_spec_string ("content", NULL, NULL, NULL, flags);
  properties[PROP_DURATION] = g_param_spec_string ("duration", NULL, NULL, NULL, flags);
  properties[PROP_COMPLETION] = g_param_spec_string ("completion", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_proof_entry_init (VzProofEntry *self)
{
}
