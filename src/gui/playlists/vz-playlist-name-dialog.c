/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-name-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-playlist-name-dialog.h"

struct _VzPlaylistNameDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  AdwEntryRow      *name_row;
};

G_DEFINE_FINAL_TYPE (VzPlaylistNameDialog, vz_playlist_name_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SIGNAL_NAMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_name_changed (VzPlaylistNameDialog *self)
{
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));

  g_assert (VZ_IS_PLAYLIST_NAME_DIALOG (self));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "create", *name != '\0');
}

static void
on_response (VzPlaylistNameDialog *self,
             const char           *response)
{
  g_autofree char *name = NULL;

  g_assert (VZ_IS_PLAYLIST_NAME_DIALOG (self));

  if (!g_str_equal (response, "create"))
    return;
  name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  if (*name != '\0')
    g_signal_emit (self, signals[SIGNAL_NAMED], 0, name);
}

static void
vz_playlist_name_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_PLAYLIST_NAME_DIALOG);

  G_OBJECT_CLASS (vz_playlist_name_dialog_parent_class)->dispose (object);
}

static void
vz_playlist_name_dialog_class_init (VzPlaylistNameDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_playlist_name_dialog_dispose;

  signals[SIGNAL_NAMED] =
    g_signal_new ("named", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-name-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistNameDialog, name_row);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
vz_playlist_name_dialog_init (VzPlaylistNameDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzPlaylistNameDialog *
vz_playlist_name_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VZ_TYPE_PLAYLIST_NAME_DIALOG, "transient-for", parent, NULL);
}

VzPlaylistNameDialog *
vz_playlist_name_dialog_new_for_rename (GtkWindow  *parent,
                                        const char *name)
{
  VzPlaylistNameDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (VZ_TYPE_PLAYLIST_NAME_DIALOG,
                       "transient-for", parent,
                       "heading", _("Rename Playlist"),
                       "body", _("Screens that play it go on playing it."),
                       NULL);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "create", _("_Rename"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  return self;
}

GtkEditable *
vz_playlist_name_dialog_get_name (VzPlaylistNameDialog *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_NAME_DIALOG (self), NULL);

  return GTK_EDITABLE (self->name_row);
}
