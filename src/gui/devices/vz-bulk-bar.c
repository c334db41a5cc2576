/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-bulk-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-bulk-bar.h"
#include "vz-gui.h"

/* A singular and plural pair for ngettext, in a table (xgettext: NP_:1,2). */
#define NP_(singular, plural) { singular, plural }

/* The verbs in the order the menu lists them, each with what it says of
 * the count. */
static const struct {
  const char *action;
  const char *forms[2];
} verbs[] = {
  { "devices.reload", NP_ ("Reload %'u Screen", "Reload %'u Screens") },
  { "devices.restart", NP_ ("Restart %'u Screen", "Restart %'u Screens") },
  { "devices.reboot", NP_ ("Reboot %'u Screen…", "Reboot %'u Screens…") },
  { "devices.set-location", NP_ ("Set the Location of %'u Screen…", "Set the Location of %'u Screens…") },
  { "devices.add-to-group", NP_ ("Add %'u Screen to a Group…", "Add %'u Screens to a Group…") },
  { "devices.assign-playlist", NP_ ("Assign a Playlist to %'u Screen…", "Assign a Playlist to %'u Screens…") },
  { "devices.delete", NP_ ("Delete %'u Screen…", "Delete %'u Screens…") },
};

struct _VzBulkBar
{
  GtkWidget     parent_instance;

  guint         count;
  GMenu        *menu;

  /* template children */
  GtkActionBar *action_bar;
  GtkLabel     *count_label;
  GtkWidget    *buttons;
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (VzBulkBar, vz_bulk_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COUNT,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
verb_text (const char *action,
           guint       count)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (verbs[i].action, action))
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, verbs[i].forms[0], verbs[i].forms[1], count), count);
  return NULL;
}

/* Every text that names the count: the label, the buttons' tooltips, the
 * menu's items. */
static void
update_texts (VzBulkBar *self)
{
  g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u selected", "%'u selected", self->count),
                                            self->count);
  g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Actions for %'u Screen",
                                                        "Actions for %'u Screens", self->count),
                                           self->count);

  gtk_label_set_label (self->count_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), more);

  for (GtkWidget *child = gtk_widget_get_first_child (self->buttons);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *action = GTK_IS_ACTIONABLE (child) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (child)) : NULL;
      g_autofree char *text = action != NULL ? verb_text (action, self->count) : NULL;

      gtk_widget_set_tooltip_text (child, text);
    }

  g_menu_remove_all (self->menu);
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_autofree char *text = verb_text (verbs[i].action, self->count);

      g_menu_append (self->menu, text, verbs[i].action);
    }
}

static void
vz_bulk_bar_dispose (GObject *object)
{
  VzBulkBar *self = VZ_BULK_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_BULK_BAR);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (vz_bulk_bar_parent_class)->dispose (object);
}

static void
vz_bulk_bar_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzBulkBar *self = VZ_BULK_BAR (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, vz_bulk_bar_get_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_bulk_bar_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VzBulkBar *self = VZ_BULK_BAR (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      vz_bulk_bar_set_count (self, g_value_get_uint (value));
      break;
    case PROP_REVEALED:
      vz_bulk_bar_set_revealed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_bulk_bar_class_init (VzBulkBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_bulk_bar_dispose;
  object_class->get_property = vz_bulk_bar_get_property;
  object_class->set_property = vz_bulk_bar_set_property;

  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-bulk-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, VzBulkBar, action_bar);
  gtk_widget_class_bind_template_child (widget_class, VzBulkBar, count_label);
  gtk_widget_class_bind_template_child (widget_class, VzBulkBar, buttons);
  gtk_widget_class_bind_template_child (widget_class, VzBulkBar, menu_button);
}

static void
vz_bulk_bar_init (VzBulkBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (self->menu));
  update_texts (self);
}

GtkWidget *
vz_bulk_bar_new (void)
{
  return g_object_new (VZ_TYPE_BULK_BAR, NULL);
}

guint
vz_bulk_bar_get_count (VzBulkBar *self)
{
  g_return_val_if_fail (VZ_IS_BULK_BAR (self), 0);

  return self->count;
}

void
vz_bulk_bar_set_count (VzBulkBar *self,
                       guint      count)
{
  g_return_if_fail (VZ_IS_BULK_BAR (self));

  if (self->count == count)
    return;
  self->count = count;
  update_texts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

gboolean
vz_bulk_bar_get_revealed (VzBulkBar *self)
{
  g_return_val_if_fail (VZ_IS_BULK_BAR (self), FALSE);

  return gtk_action_bar_get_revealed (self->action_bar);
}

void
vz_bulk_bar_set_revealed (VzBulkBar *self,
                          gboolean   revealed)
{
  g_return_if_fail (VZ_IS_BULK_BAR (self));

  revealed = !!revealed;
  if (gtk_action_bar_get_revealed (self->action_bar) == revealed)
    return;
  gtk_action_bar_set_revealed (self->action_bar, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

const char *
vz_bulk_bar_get_label (VzBulkBar *self)
{
  g_return_val_if_fail (VZ_IS_BULK_BAR (self), NULL);

  return gtk_label_get_label (self->count_label);
}

char *
vz_bulk_bar_dup_verb (VzBulkBar  *self,
                      const char *action_name)
{
  g_return_val_if_fail (VZ_IS_BULK_BAR (self), NULL);
  g_return_val_if_fail (action_name != NULL, NULL);

  return verb_text (action_name, self->count);
}
