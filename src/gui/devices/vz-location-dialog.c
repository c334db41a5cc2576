/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-location-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-location-dialog.h"

struct _VzLocationDialog
{
  AdwMessageDialog  parent_instance;

  char             *current;   /* what all the screens say now; NULL if they differ or have none */

  /* template children */
  AdwEntryRow      *entry;
};

G_DEFINE_FINAL_TYPE (VzLocationDialog, vz_location_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
on_entry_changed (VzLocationDialog *self)
{
  g_autofree char *location = vz_location_dialog_dup_location (self);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "set",
                                           g_strcmp0 (location, self->current) != 0);
}

static void
vz_location_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_LOCATION_DIALOG);

  G_OBJECT_CLASS (vz_location_dialog_parent_class)->dispose (object);
}

static void
vz_location_dialog_finalize (GObject *object)
{
  VzLocationDialog *self = VZ_LOCATION_DIALOG (object);

  g_free (self->current);

  G_OBJECT_CLASS (vz_location_dialog_parent_class)->finalize (object);
}

static void
vz_location_dialog_class_init (VzLocationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_location_dialog_dispose;
  object_class->finalize = vz_location_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-location-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzLocationDialog, entry);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
vz_location_dialog_init (VzLocationDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzLocationDialog *
vz_location_dialog_new (GtkWindow  *parent,
                        guint       count,
                        const char *current)
{
  VzLocationDialog *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VZ_TYPE_LOCATION_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Set the Location of %'u Screen",
                                          "Set the Location of %'u Screens", count),
                             count);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  self->current = current != NULL && *current != '\0' ? g_strdup (current) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), current != NULL ? current : "");
  on_entry_changed (self);
  return self;
}

char *
vz_location_dialog_dup_location (VzLocationDialog *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (VZ_IS_LOCATION_DIALOG (self), NULL);

  text = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->entry));
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

GtkEditable *
vz_location_dialog_get_entry (VzLocationDialog *self)
{
  g_return_val_if_fail (VZ_IS_LOCATION_DIALOG (self), NULL);

  return GTK_EDITABLE (self->entry);
}
