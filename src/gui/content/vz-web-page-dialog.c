/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-web-page-dialog"

#include "config.h"

#include "vz-gui.h"
#include "vz-web-page-dialog.h"

struct _VzWebPageDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  AdwEntryRow      *name_row;
  AdwEntryRow      *url_row;
};

G_DEFINE_FINAL_TYPE (VzWebPageDialog, vz_web_page_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_changed (VzWebPageDialog *self)
{
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  g_autofree char *url = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->url_row));

  g_assert (VZ_IS_WEB_PAGE_DIALOG (self));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "add", *name != '\0' && *url != '\0');
}

static void
on_response (VzWebPageDialog *self,
             const char      *response)
{
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;

  g_assert (VZ_IS_WEB_PAGE_DIALOG (self));

  if (!g_str_equal (response, "add"))
    return;
  name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  url = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->url_row));
  if (*name != '\0' && *url != '\0')
    g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, name, url);
}

static void
vz_web_page_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_WEB_PAGE_DIALOG);

  G_OBJECT_CLASS (vz_web_page_dialog_parent_class)->dispose (object);
}

static void
vz_web_page_dialog_class_init (VzWebPageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_web_page_dialog_dispose;

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-web-page-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzWebPageDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzWebPageDialog, url_row);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
vz_web_page_dialog_init (VzWebPageDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzWebPageDialog *
vz_web_page_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VZ_TYPE_WEB_PAGE_DIALOG, "transient-for", parent, NULL);
}

GtkEditable *
vz_web_page_dialog_get_name (VzWebPageDialog *self)
{
  g_return_val_if_fail (VZ_IS_WEB_PAGE_DIALOG (self), NULL);

  return GTK_EDITABLE (self->name_row);
}

GtkEditable *
vz_web_page_dialog_get_url (VzWebPageDialog *self)
{
  g_return_val_if_fail (VZ_IS_WEB_PAGE_DIALOG (self), NULL);

  return GTK_EDITABLE (self->url_row);
}
