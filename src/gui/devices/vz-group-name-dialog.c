/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-group-name-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-gui.h"
#include "vz-group-name-dialog.h"

struct _VzGroupNameDialog
{
  AdwMessageDialog  parent_instance;

  VzSyncEngine     *engine;
  GtkWidget        *parent;    /* weak: where a refusal is told */

  /* template children */
  AdwEntryRow      *name_row;
};

G_DEFINE_FINAL_TYPE (VzGroupNameDialog, vz_group_name_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_name_changed (VzGroupNameDialog *self)
{
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));

  g_assert (VZ_IS_GROUP_NAME_DIALOG (self));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "create", *name != '\0');
}

typedef struct {
  VzGroupNameDialog *self;
  char              *name;
} Creation;

static void
creation_free (Creation *creation)
{
  g_clear_object (&creation->self);
  g_free (creation->name);
  g_free (creation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Creation, creation_free)

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Creation) creation = user_data;
  VzGroupNameDialog *self = creation->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;

  group = vz_sync_engine_create_group_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (group == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->parent == NULL)
        return;
      text = g_strdup_printf (_("The group “%s” could not be created: %s"), creation->name, error->message);
      vz_gui_toast (self->parent, text);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, group);
}

static void
on_response (VzGroupNameDialog *self,
             const char        *response)
{
  Creation *creation;

  g_assert (VZ_IS_GROUP_NAME_DIALOG (self));

  if (!g_str_equal (response, "create") || self->engine == NULL)
    return;

  creation = g_new0 (Creation, 1);
  /* The dialog closes now; the answer arrives after. */
  creation->self = g_object_ref (self);
  creation->name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  vz_sync_engine_create_group_async (self->engine, creation->name, NULL, created_cb, creation);
}

static void
vz_group_name_dialog_dispose (GObject *object)
{
  VzGroupNameDialog *self = VZ_GROUP_NAME_DIALOG (object);

  g_clear_object (&self->engine);
  g_clear_weak_pointer (&self->parent);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_GROUP_NAME_DIALOG);

  G_OBJECT_CLASS (vz_group_name_dialog_parent_class)->dispose (object);
}

static void
vz_group_name_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VzGroupNameDialog *self = VZ_GROUP_NAME_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_group_name_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VzGroupNameDialog *self = VZ_GROUP_NAME_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_group_name_dialog_class_init (VzGroupNameDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_group_name_dialog_dispose;
  object_class->get_property = vz_group_name_dialog_get_property;
  object_class->set_property = vz_group_name_dialog_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CREATED] =
    g_signal_new ("created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_DISPLAY_GROUP);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-group-name-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzGroupNameDialog, name_row);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
vz_group_name_dialog_init (VzGroupNameDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzGroupNameDialog *
vz_group_name_dialog_new (VzSyncEngine *engine,
                          GtkWindow    *parent)
{
  VzGroupNameDialog *self;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VZ_TYPE_GROUP_NAME_DIALOG,
                       "sync-engine", engine,
                       "transient-for", parent,
                       NULL);
  g_set_weak_pointer (&self->parent, GTK_WIDGET (parent));
  return self;
}
