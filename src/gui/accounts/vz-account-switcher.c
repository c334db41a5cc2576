/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-account-switcher"

#include "vz-account-row.h"
#include "vz-account-switcher.h"
#include "vz-gui.h"

struct _VzAccountSwitcher
{
  GtkPopover  parent_instance;

  GListModel *accounts;

  /* template children */
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (VzAccountSwitcher, vz_account_switcher, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return vz_account_row_new (VZ_ACCOUNT (item), FALSE);
}

static void
on_choice_made (VzAccountSwitcher *self)
{
  g_assert (VZ_IS_ACCOUNT_SWITCHER (self));
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
on_row_activated (VzAccountSwitcher *self,
                  GtkListBoxRow     *row)
{
  g_assert (VZ_IS_ACCOUNT_SWITCHER (self));
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
vz_account_switcher_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VzAccountSwitcher *self = VZ_ACCOUNT_SWITCHER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      g_value_set_object (value, self->accounts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_switcher_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VzAccountSwitcher *self = VZ_ACCOUNT_SWITCHER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      vz_account_switcher_set_accounts (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_switcher_dispose (GObject *object)
{
  VzAccountSwitcher *self = VZ_ACCOUNT_SWITCHER (object);

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_ACCOUNT_SWITCHER);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (vz_account_switcher_parent_class)->dispose (object);
}

static void
vz_account_switcher_class_init (VzAccountSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->get_property = vz_account_switcher_get_property;
  object_class->set_property = vz_account_switcher_set_property;
  object_class->dispose = vz_account_switcher_dispose;

  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-account-switcher.ui");
  gtk_widget_class_bind_template_child (widget_class, VzAccountSwitcher, list);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_made);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
vz_account_switcher_init (VzAccountSwitcher *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GListModel *
vz_account_switcher_get_accounts (VzAccountSwitcher *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT_SWITCHER (self), NULL);
  return self->accounts;
}

void
vz_account_switcher_set_accounts (VzAccountSwitcher *self,
                                  GListModel        *accounts)
{
  g_return_if_fail (VZ_IS_ACCOUNT_SWITCHER (self));
  g_return_if_fail (accounts == NULL || G_IS_LIST_MODEL (accounts));

  if (!g_set_object (&self->accounts, accounts))
    return;
  gtk_list_box_bind_model (self->list, accounts, create_row, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNTS]);
}
