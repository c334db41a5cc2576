/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-upload-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-upload-row.h"

struct _VzUploadRow
{
  GtkListBoxRow   parent_instance;

  VzUpload       *upload;

  /* template children */
  GtkLabel       *name_label;
  GtkLabel       *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *error_label;
  GtkButton      *retry_button;
  GtkButton      *cancel_button;
};

G_DEFINE_FINAL_TYPE (VzUploadRow, vz_upload_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_UPLOAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (VzUploadRow *self)
{
  VzUploadState state = vz_upload_get_state (self->upload);
  const char *error = vz_upload_get_error (self->upload);
  gboolean failed = state == VZ_UPLOAD_STATE_FAILED;
  const char *close_words;

  g_assert (VZ_IS_UPLOAD_ROW (self));

  gtk_progress_bar_set_fraction (self->progress_bar, vz_upload_get_fraction (self->upload));
  gtk_label_set_label (self->progress_label, vz_upload_get_progress_text (self->upload));
  gtk_label_set_label (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), !failed);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "upload.retry", failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "upload.cancel",
                                 state == VZ_UPLOAD_STATE_SENDING || failed);
  close_words = failed ? _("Dismiss") : _("Cancel Upload");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel_button), close_words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, close_words, -1);
}

static void
upload_cancel (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vz_upload_cancel (VZ_UPLOAD_ROW (widget)->upload);
}

static void
upload_retry (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vz_upload_retry (VZ_UPLOAD_ROW (widget)->upload);
}

static void
vz_upload_row_constructed (GObject *object)
{
  VzUploadRow *self = VZ_UPLOAD_ROW (object);

  G_OBJECT_CLASS (vz_upload_row_parent_class)->constructed (object);

  gtk_label_set_label (self->name_label, vz_upload_get_file_name (self->upload));
  g_signal_connect_object (self->upload, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
vz_upload_row_dispose (GObject *object)
{
  VzUploadRow *self = VZ_UPLOAD_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_UPLOAD_ROW);
  g_clear_object (&self->upload);

  G_OBJECT_CLASS (vz_upload_row_parent_class)->dispose (object);
}

static void
vz_upload_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VzUploadRow *self = VZ_UPLOAD_ROW (object);

  switch (prop_id)
    {
    case PROP_UPLOAD:
      g_value_set_object (value, self->upload);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_upload_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VzUploadRow *self = VZ_UPLOAD_ROW (object);

  switch (prop_id)
    {
    case PROP_UPLOAD:
      self->upload = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_upload_row_class_init (VzUploadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_upload_row_constructed;
  object_class->dispose = vz_upload_row_dispose;
  object_class->get_property = vz_upload_row_get_property;
  object_class->set_property = vz_upload_row_set_property;

  properties[PROP_UPLOAD] =
    g_param_spec_object ("upload", NULL, NULL, VZ_TYPE_UPLOAD,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-upload-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, VzUploadRow, cancel_button);

  gtk_widget_class_install_action (widget_class, "upload.cancel", NULL, upload_cancel);
  gtk_widget_class_install_action (widget_class, "upload.retry", NULL, upload_retry);
}

static void
vz_upload_row_init (VzUploadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_upload_row_new (VzUpload *upload)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (upload), NULL);

  return g_object_new (VZ_TYPE_UPLOAD_ROW, "upload", upload, NULL);
}

VzUpload *
vz_upload_row_get_upload (VzUploadRow *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD_ROW (self), NULL);

  return self->upload;
}
