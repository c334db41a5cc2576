/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-simulate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-simulate-dialog.h"

struct _VzSimulateDialog
{
  AdwMessageDialog  parent_instance;

  VzLocalServer    *server;
  GtkWidget        *parent;   /* weak: where the outcome is told */

  /* template children */
  GtkSpinButton    *count_button;
};

G_DEFINE_FINAL_TYPE (VzSimulateDialog, vz_simulate_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_LOCAL_SERVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_response (VzSimulateDialog *self,
             const char       *response)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint screens;

  g_assert (VZ_IS_SIMULATE_DIALOG (self));

  if (!g_str_equal (response, "add") || self->server == NULL)
    return;

  /* A value typed but not yet confirmed counts. */
  gtk_spin_button_update (self->count_button);
  screens = (guint) gtk_spin_button_get_value_as_int (self->count_button);
  if (!vz_local_server_add_simulated_screens (self->server, screens, &error))
    {
      if (self->parent != NULL)
        vz_gui_toast (self->parent, error->message);
      return;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Adding %'u simulated screen: it shows up here once it has paired.",
                                       "Adding %'u simulated screens: they show up here as they pair.",
                                       screens),
                          screens);
  if (self->parent != NULL)
    vz_gui_toast (self->parent, text);
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, screens);
}

static void
vz_simulate_dialog_dispose (GObject *object)
{
  VzSimulateDialog *self = VZ_SIMULATE_DIALOG (object);

  g_clear_object (&self->server);
  g_clear_weak_pointer (&self->parent);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SIMULATE_DIALOG);

  G_OBJECT_CLASS (vz_simulate_dialog_parent_class)->dispose (object);
}

static void
vz_simulate_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VzSimulateDialog *self = VZ_SIMULATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LOCAL_SERVER:
      g_value_set_object (value, self->server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_simulate_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VzSimulateDialog *self = VZ_SIMULATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LOCAL_SERVER:
      self->server = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_simulate_dialog_class_init (VzSimulateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_simulate_dialog_dispose;
  object_class->get_property = vz_simulate_dialog_get_property;
  object_class->set_property = vz_simulate_dialog_set_property;

  properties[PROP_LOCAL_SERVER] =
    g_param_spec_object ("local-server", NULL, NULL,
                         VZ_TYPE_LOCAL_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ADDED] =
    g_signal_new ("added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-simulate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzSimulateDialog, count_button);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
vz_simulate_dialog_init (VzSimulateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzSimulateDialog *
vz_simulate_dialog_new (VzLocalServer *server,
                        GtkWindow     *parent)
{
  VzSimulateDialog *self;

  g_return_val_if_fail (VZ_IS_LOCAL_SERVER (server), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VZ_TYPE_SIMULATE_DIALOG,
                       "local-server", server,
                       "transient-for", parent,
                       NULL);
  g_set_weak_pointer (&self->parent, GTK_WIDGET (parent));
  return self;
}
