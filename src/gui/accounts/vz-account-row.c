/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-account-row"

#include <glib/gi18n.h>

#include "vz-account-row.h"
#include "vz-gui.h"

struct _VzAccountRow
{
  AdwActionRow  parent_instance;

  VzAccount    *account;
  gboolean      buttons;

  /* template children */
  GtkWidget    *current_image;
  GtkWidget    *switch_button;
  GtkWidget    *sign_out_button;
};

G_DEFINE_FINAL_TYPE (VzAccountRow, vz_account_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_BUTTONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_current (VzAccountRow *self)
{
  gboolean current = vz_account_get_current (self->account);

  g_assert (VZ_IS_ACCOUNT_ROW (self));

  gtk_widget_set_visible (self->current_image, current);
  gtk_widget_set_sensitive (self->switch_button, !current);
}

static void
vz_account_row_constructed (GObject *object)
{
  VzAccountRow *self = VZ_ACCOUNT_ROW (object);
  g_autofree char *server = vz_account_dup_server_name (self->account);
  const char *organization = vz_account_get_organization_name (self->account);
  const char *who = vz_account_get_who (self->account);
  g_autofree char *subtitle = NULL;
  GVariant *key = g_variant_new_string (vz_account_get_key (self->account));

  G_OBJECT_CLASS (vz_account_row_parent_class)->constructed (object);

  /* Markup is off: addresses and names are shown as they are. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), server);
  if (organization != NULL && *organization != '\0')
    /* Translators: the person signed in, then their organization */
    subtitle = g_strdup_printf (_("%s · %s"), who, organization);
  else
    subtitle = g_strdup (who);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  gtk_widget_set_visible (self->switch_button, self->buttons);
  gtk_widget_set_visible (self->sign_out_button, self->buttons);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->switch_button), key);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->sign_out_button), key);
  if (!self->buttons)
    {
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "app.switch-account");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self), key);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->switch_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sign_out_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);

  g_signal_connect_object (self->account, "notify::current", G_CALLBACK (update_current), self,
                           G_CONNECT_SWAPPED);
  update_current (self);
}

static void
vz_account_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VzAccountRow *self = VZ_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_BUTTONS:
      g_value_set_boolean (value, self->buttons);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VzAccountRow *self = VZ_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    case PROP_BUTTONS:
      self->buttons = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_row_dispose (GObject *object)
{
  VzAccountRow *self = VZ_ACCOUNT_ROW (object);

  g_clear_object (&self->account);

  G_OBJECT_CLASS (vz_account_row_parent_class)->dispose (object);
}

static void
vz_account_row_class_init (VzAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_account_row_constructed;
  object_class->get_property = vz_account_row_get_property;
  object_class->set_property = vz_account_row_set_property;
  object_class->dispose = vz_account_row_dispose;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, VZ_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUTTONS] =
    g_param_spec_boolean ("buttons", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzAccountRow, current_image);
  gtk_widget_class_bind_template_child (widget_class, VzAccountRow, switch_button);
  gtk_widget_class_bind_template_child (widget_class, VzAccountRow, sign_out_button);
}

static void
vz_account_row_init (VzAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_account_row_new (VzAccount *account,
                    gboolean   buttons)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (account), NULL);

  return g_object_new (VZ_TYPE_ACCOUNT_ROW, "account", account, "buttons", buttons, NULL);
}

VzAccount *
vz_account_row_get_account (VzAccountRow *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT_ROW (self), NULL);
  return self->account;
}
