/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-edit-dialog"

#include "config.h"

#include "vz-content-edit-dialog.h"
#include "vz-gui.h"

struct _VzContentEditDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  AdwEntryRow      *name_row;
  GtkSpinButton    *duration_spin;
};

G_DEFINE_FINAL_TYPE (VzContentEditDialog, vz_content_edit_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_changed (VzContentEditDialog *self)
{
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));

  g_assert (VZ_IS_CONTENT_EDIT_DIALOG (self));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save", *name != '\0');
}

static void
on_response (VzContentEditDialog *self,
             const char          *response)
{
  g_autofree char *name = NULL;

  g_assert (VZ_IS_CONTENT_EDIT_DIALOG (self));

  if (!g_str_equal (response, "save"))
    return;
  name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  gtk_spin_button_update (self->duration_spin);
  if (*name != '\0')
    g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, name,
                   (guint) gtk_spin_button_get_value_as_int (self->duration_spin));
}

static void
vz_content_edit_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_CONTENT_EDIT_DIALOG);

  G_OBJECT_CLASS (vz_content_edit_dialog_parent_class)->dispose (object);
}

static void
vz_content_edit_dialog_class_init (VzContentEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_content_edit_dialog_dispose;

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-content-edit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzContentEditDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzContentEditDialog, duration_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
vz_content_edit_dialog_init (VzContentEditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzContentEditDialog *
vz_content_edit_dialog_new (GtkWindow  *parent,
                            const char *name,
                            guint       duration)
{
  VzContentEditDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VZ_TYPE_CONTENT_EDIT_DIALOG, "transient-for", parent, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  gtk_spin_button_set_value (self->duration_spin, MAX (duration, 1));
  return self;
}

GtkEditable *
vz_content_edit_dialog_get_name (VzContentEditDialog *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_EDIT_DIALOG (self), NULL);

  return GTK_EDITABLE (self->name_row);
}

GtkSpinButton *
vz_content_edit_dialog_get_duration (VzContentEditDialog *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_EDIT_DIALOG (self), NULL);

  return self->duration_spin;
}
