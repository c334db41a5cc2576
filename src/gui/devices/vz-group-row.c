/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-group-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-group-row.h"

struct _VzGroupRow
{
  AdwEntryRow     parent_instance;

  VzDisplayGroup *group;

  /* template children */
  GtkWidget      *delete_button;
};

G_DEFINE_FINAL_TYPE (VzGroupRow, vz_group_row, ADW_TYPE_ENTRY_ROW)

enum {
  PROP_0,
  PROP_GROUP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_typing (VzGroupRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));
}

static void
update (VzGroupRow *self)
{
  const char *name = vz_display_group_get_name (self->group);
  guint n = vz_display_group_get_display_count (self->group);
  g_autofree char *title = NULL;
  g_autofree char *label = NULL;

  g_assert (VZ_IS_GROUP_ROW (self));

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u screen", "%'u screens", n), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  if (!is_typing (self) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self)), name != NULL ? name : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self), name != NULL ? name : "");

  /* Translators: the delete button of a group, read out by screen readers */
  label = g_strdup_printf (_("Delete “%s”…"), name != NULL ? name : "");
  gtk_widget_set_tooltip_text (self->delete_button, label);
}

static void
on_apply (VzGroupRow *self)
{
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self));

  g_assert (VZ_IS_GROUP_ROW (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "groups.rename", "(ss)",
                              vz_entity_get_id (VZ_ENTITY (self->group)), name);
}

static void
vz_group_row_constructed (GObject *object)
{
  VzGroupRow *self = VZ_GROUP_ROW (object);

  G_OBJECT_CLASS (vz_group_row_parent_class)->constructed (object);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->delete_button), "s",
                                    vz_entity_get_id (VZ_ENTITY (self->group)));
  g_signal_connect_object (self->group, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
vz_group_row_dispose (GObject *object)
{
  VzGroupRow *self = VZ_GROUP_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_GROUP_ROW);
  g_clear_object (&self->group);

  G_OBJECT_CLASS (vz_group_row_parent_class)->dispose (object);
}

static void
vz_group_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VzGroupRow *self = VZ_GROUP_ROW (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_group_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VzGroupRow *self = VZ_GROUP_ROW (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      self->group = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_group_row_class_init (VzGroupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_group_row_constructed;
  object_class->dispose = vz_group_row_dispose;
  object_class->get_property = vz_group_row_get_property;
  object_class->set_property = vz_group_row_set_property;

  properties[PROP_GROUP] =
    g_param_spec_object ("group", NULL, NULL,
                         VZ_TYPE_DISPLAY_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-group-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzGroupRow, delete_button);
  gtk_widget_class_bind_template_callback (widget_class, on_apply);
}

static void
vz_group_row_init (VzGroupRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_group_row_new (VzDisplayGroup *group)
{
  g_return_val_if_fail (VZ_IS_DISPLAY_GROUP (group), NULL);

  return g_object_new (VZ_TYPE_GROUP_ROW, "group", group, NULL);
}

VzDisplayGroup *
vz_group_row_get_group (VzGroupRow *self)
{
  g_return_val_if_fail (VZ_IS_GROUP_ROW (self), NULL);

  return self->group;
}
