/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-download.h"
#include "vz-content-preview.h"
#include "vz-gui.h"

struct _VzContentPreview
{
  AdwWindow       parent_instance;

  VzContent      *content;
  GFile          *copy;          /* the downloaded file, removed on close */
  GCancellable   *cancellable;

  /* template children */
  AdwWindowTitle *title;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkPicture     *picture;
  GtkVideo       *video;
  AdwStatusPage  *web_page;
  AdwStatusPage  *error_page;
};

G_DEFINE_FINAL_TYPE (VzContentPreview, vz_content_preview, ADW_TYPE_WINDOW)

static void
show_error (VzContentPreview *self,
            const char       *text)
{
  g_assert (VZ_IS_CONTENT_PREVIEW (self));

  adw_status_page_set_description (self->error_page, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VzContentPreview) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_spinner_stop (self->spinner);
  if (!vz_content_download_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  if (g_strcmp0 (vz_content_get_content_type (self->content), "video") == 0)
    {
      gtk_video_set_file (self->video, self->copy);
      gtk_stack_set_visible_child_name (self->stack, "video");
    }
  else
    {
      gtk_picture_set_file (self->picture, self->copy);
      if (gtk_picture_get_paintable (self->picture) == NULL)
        {
          show_error (self, _("The file is not a picture this computer can show."));
          return;
        }
      gtk_stack_set_visible_child_name (self->stack, "picture");
    }
}

static void
preview_open_in_browser (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VzContentPreview *self = VZ_CONTENT_PREVIEW (widget);

  if (vz_content_get_url (self->content) != NULL)
    gtk_show_uri (GTK_WINDOW (self), vz_content_get_url (self->content), GDK_CURRENT_TIME);
}

static void
start (VzContentPreview *self,
       VzSyncEngine     *engine)
{
  const char *type = vz_content_get_content_type (self->content);
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (VZ_IS_CONTENT_PREVIEW (self));

  adw_window_title_set_title (self->title, vz_content_get_name (self->content));
  adw_window_title_set_subtitle (self->title, vz_content_type_to_label (type));
  if (g_strcmp0 (type, "url") == 0 || g_strcmp0 (type, "html") == 0)
    {
      adw_status_page_set_title (self->web_page, vz_content_get_name (self->content));
      adw_status_page_set_description (self->web_page, vz_content_get_url (self->content));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.open-in-browser",
                                     vz_content_get_url (self->content) != NULL);
      gtk_stack_set_visible_child_name (self->stack, "web");
      return;
    }
  if (g_strcmp0 (type, "image") != 0 && g_strcmp0 (type, "video") != 0)
    {
      show_error (self, _("Only pictures, videos and web pages can be shown here."));
      return;
    }
  self->copy = g_file_new_tmp ("vizora-preview-XXXXXX", &stream, &error);
  if (self->copy == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  vz_content_download_async (vz_sync_engine_get_session (engine), self->content, self->copy, self->cancellable,
                             downloaded_cb, g_object_ref (self));
}

static void
vz_content_preview_dispose (GObject *object)
{
  VzContentPreview *self = VZ_CONTENT_PREVIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->video != NULL)
    gtk_video_set_media_stream (self->video, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_CONTENT_PREVIEW);
  if (self->copy != NULL)
    g_file_delete (self->copy, NULL, NULL);
  g_clear_object (&self->copy);
  g_clear_object (&self->content);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_content_preview_parent_class)->dispose (object);
}

static void
vz_content_preview_class_init (VzContentPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_content_preview_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-content-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, title);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, picture);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, video);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, web_page);
  gtk_widget_class_bind_template_child (widget_class, VzContentPreview, error_page);

  gtk_widget_class_install_action (widget_class, "preview.open-in-browser", NULL, preview_open_in_browser);
}

static void
vz_content_preview_init (VzContentPreview *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_name_media_controls (self->video);
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzContentPreview *
vz_content_preview_new (GtkWindow    *parent,
                        VzSyncEngine *engine,
                        VzContent    *content)
{
  VzContentPreview *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (VZ_IS_CONTENT (content), NULL);

  self = g_object_new (VZ_TYPE_CONTENT_PREVIEW, "transient-for", parent, NULL);
  self->content = g_object_ref (content);
  start (self, engine);
  return self;
}

GtkStack *
vz_content_preview_get_stack (VzContentPreview *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PREVIEW (self), NULL);

  return self->stack;
}

GtkPicture *
vz_content_preview_get_picture (VzContentPreview *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PREVIEW (self), NULL);

  return self->picture;
}

GtkVideo *
vz_content_preview_get_video (VzContentPreview *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PREVIEW (self), NULL);

  return self->video;
}

const char *
vz_content_preview_get_text (VzContentPreview *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PREVIEW (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    return adw_status_page_get_description (self->error_page);
  return adw_status_page_get_description (self->web_page);
}
