/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-screen-choice-row"

#include "config.h"

#include "vz-screen-choice-row.h"

struct _VzScreenChoiceRow
{
  GtkWidget       parent_instance;

  VzScreenChoice *choice;
  GBinding       *chosen_binding;

  /* template children */
  GtkCheckButton *check;
  GtkLabel       *name_label;
  GtkLabel       *detail_label;
};

G_DEFINE_FINAL_TYPE (VzScreenChoiceRow, vz_screen_choice_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHOICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vz_screen_choice_row_dispose (GObject *object)
{
  VzScreenChoiceRow *self = VZ_SCREEN_CHOICE_ROW (object);

  vz_screen_choice_row_set_choice (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SCREEN_CHOICE_ROW);

  G_OBJECT_CLASS (vz_screen_choice_row_parent_class)->dispose (object);
}

static void
vz_screen_choice_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VzScreenChoiceRow *self = VZ_SCREEN_CHOICE_ROW (object);

  switch (prop_id)
    {
    case PROP_CHOICE:
      g_value_set_object (value, self->choice);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_screen_choice_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VzScreenChoiceRow *self = VZ_SCREEN_CHOICE_ROW (object);

  switch (prop_id)
    {
    case PROP_CHOICE:
      vz_screen_choice_row_set_choice (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_screen_choice_row_class_init (VzScreenChoiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vz_screen_choice_row_dispose;
  object_class->get_property = vz_screen_choice_row_get_property;
  object_class->set_property = vz_screen_choice_row_set_property;

  properties[PROP_CHOICE] =
    g_param_spec_object ("choice", NULL, NULL, VZ_TYPE_SCREEN_CHOICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-screen-choice-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzScreenChoiceRow, check);
  gtk_widget_class_bind_template_child (widget_class, VzScreenChoiceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzScreenChoiceRow, detail_label);
}

static void
vz_screen_choice_row_init (VzScreenChoiceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VzScreenChoice *
vz_screen_choice_row_get_choice (VzScreenChoiceRow *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE_ROW (self), NULL);

  return self->choice;
}

void
vz_screen_choice_row_set_choice (VzScreenChoiceRow *self,
                                 VzScreenChoice    *choice)
{
  g_return_if_fail (VZ_IS_SCREEN_CHOICE_ROW (self));
  g_return_if_fail (choice == NULL || VZ_IS_SCREEN_CHOICE (choice));

  if (self->choice == choice)
    return;
  g_clear_pointer (&self->chosen_binding, g_binding_unbind);
  g_set_object (&self->choice, choice);
  if (choice != NULL)
    {
      gtk_label_set_label (self->name_label, vz_screen_choice_get_name (choice));
      gtk_label_set_label (self->detail_label, vz_screen_choice_get_detail (choice));
      self->chosen_binding = g_object_bind_property (choice, "chosen", self->check, "active",
                                                     G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOICE]);
}

GtkCheckButton *
vz_screen_choice_row_get_check (VzScreenChoiceRow *self)
{
  g_return_val_if_fail (VZ_IS_SCREEN_CHOICE_ROW (self), NULL);

  return self->check;
}
