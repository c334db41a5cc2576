/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-screen-choice"

#include "config.h"

#include "vz-screen-choice.h"

struct _VzScreenChoice
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *detail;
  gboolean  chosen;
};

G_DEFINE_FINAL_TYPE (VzScreenChoice, vz_screen_choice, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DETAIL,
  PROP_CHOSEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vz_screen_choice_finalize (GObject *object)
{
  VzScreenChoice *self = VZ_SCREEN_CHOICE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->detail);

  G_OBJECT_CLASS (vz_screen_choice_parent_class)->finalize (object);
}

static void
vz_screen_choice_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzScreenChoice *self = VZ_SCREEN_CHOICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_CHOSEN:
      g_value_set_boolean (value, self->chosen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_screen_choice_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzScreenChoice *self = VZ_SCREEN_CHOICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_DETAIL:
      self->detail = g_value_dup_string (value);
      break;
    case PROP_CHOSEN:
      vz_screen_choice_set_chosen (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_screen_choice_class_init (VzScreenChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_screen_choice_finalize;
  object_class->get_property = vz_screen_choice_get_property;
  object_class->set_property = vz_screen_choice_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHOSEN] =
    g_param_spec_boolean ("chosen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_screen_choice_init (VzScreenChoice *self)
{
}

VzScreenChoice *
vz_screen_choice_new (const char *id,
                      const char *name,
                      const char *detail,
                      gboolean    chosen)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (VZ_TYPE_SCREEN_CHOICE,
                       "id", id,
                       "name", name,
                       "detail", detail,
                       "chosen", chosen,
                       NULL);
}

const char *
vz_screen_choice_get_id (VzScreenChoice *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE (self), NULL);

  return self->id;
}

const char *
vz_screen_choice_get_name (VzScreenChoice *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE (self), NULL);

  return self->name;
}

const char *
vz_screen_choice_get_detail (VzScreenChoice *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE (self), NULL);

  return self->detail;
}

gboolean
vz_screen_choice_get_chosen (VzScreenChoice *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE (self), FALSE);

  return self->chosen;
}

void
vz_screen_choice_set_chosen (VzScreenChoice *self,
                             gboolean        chosen)
{
  g_return_if_fail (VZ_IS_SCREEN_CHOICE (self));

  chosen = !!chosen;
  if (self->chosen == chosen)
    return;
  self->chosen = chosen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOSEN]);
}
