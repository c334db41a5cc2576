/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VzContentPage's uploads: the file chooser, files dropped on the page from
 * a file manager, and the list of uploads under way with their progress. */
#define G_LOG_DOMAIN "vz-content-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-page-private.h"
#include "vz-gui.h"
#include "vz-upload-row.h"

static gboolean
find_upload (VzContentPage *self,
             VzUpload      *upload,
             guint         *position)
{
  return g_list_store_find (self->uploads, upload, position);
}

static void
on_upload_state (VzContentPage *self,
                 GParamSpec    *pspec,
                 VzUpload      *upload)
{
  VzUploadState state = vz_upload_get_state (upload);
  guint position;

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (state == VZ_UPLOAD_STATE_DONE)
    {
      g_autofree char *text = g_strdup_printf (_("Uploaded “%s”"),
                                               vz_content_get_name (vz_upload_get_content (upload)));

      vz_gui_toast (GTK_WIDGET (self), text);
    }
  if ((state == VZ_UPLOAD_STATE_DONE || state == VZ_UPLOAD_STATE_CANCELLED) &&
      find_upload (self, upload, &position))
    g_list_store_remove (self->uploads, position);
}

void
vz_content_page_upload_files (VzContentPage *self,
                              GFile * const *files,
                              guint          n_files)
{
  g_return_if_fail (VZ_IS_CONTENT_PAGE (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (self->engine == NULL)
    return;
  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(VzUpload) upload = vz_upload_new (self->engine, files[i]);

      g_signal_connect_object (upload, "notify::state", G_CALLBACK (on_upload_state), self, G_CONNECT_SWAPPED);
      g_list_store_append (self->uploads, upload);
      vz_upload_start (upload);
    }
}

GListModel *
vz_content_page_get_uploads (VzContentPage *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PAGE (self), NULL);

  return G_LIST_MODEL (self->uploads);
}

static void
upload_list (VzContentPage *self,
             GListModel    *files)
{
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (VZ_IS_CONTENT_PAGE (self));

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  vz_content_page_upload_files (self, (GFile * const *) array->pdata, array->len);
}

static void
on_chooser_response (VzContentPage        *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      upload_list (self, files);
    }
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static GtkFileFilter *
media_filter (void)
{
  static const char * const types[] = {
    "image/jpeg", "image/png", "image/gif", "image/webp",
    "video/mp4", "video/webm", "video/quicktime", "application/pdf",
  };
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pictures, videos and PDF documents"));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    gtk_file_filter_add_mime_type (filter, types[i]);
  return filter;
}

/* GTK 4.8 has no GtkFileDialog (4.10): the native chooser is the portal's
 * dialog inside a sandbox and GTK's own outside one. */
static void
content_upload (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) media = media_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Upload Files"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), media);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* content.upload-files(as): the files the chooser gives, by URI; the chooser
 * itself is outside the app's reach (a portal), this is what it leads to. */
static void
content_upload_files (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  g_autofree const char **uris = g_variant_get_strv (parameter, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; uris[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_uri (uris[i]));
  vz_content_page_upload_files (self, (GFile * const *) files->pdata, files->len);
}

static gboolean
on_drop (VzContentPage *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    for (GSList *l = gdk_file_list_get_files (g_value_get_boxed (value)); l != NULL; l = l->next)
      g_ptr_array_add (files, g_object_ref (l->data));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    g_ptr_array_add (files, g_value_dup_object (value));
  if (files->len == 0 || self->engine == NULL ||
      !vz_session_can_write (vz_sync_engine_get_session (self->engine)))
    return FALSE;
  vz_content_page_upload_files (self, (GFile * const *) files->pdata, files->len);
  return TRUE;
}

static GtkWidget *
create_upload_row (gpointer item,
                   gpointer user_data)
{
  return vz_upload_row_new (VZ_UPLOAD (item));
}

static void
on_uploads_changed (VzContentPage *self)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  gtk_revealer_set_reveal_child (self->uploads_revealer,
                                 g_list_model_get_n_items (G_LIST_MODEL (self->uploads)) > 0);
}

void
_vz_content_page_update_upload_actions (VzContentPage *self)
{
  gboolean can_write = self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.upload", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.upload-files", can_write);
}

void
_vz_content_page_upload_init (VzContentPage *self)
{
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  self->uploads = g_list_store_new (VZ_TYPE_UPLOAD);
  gtk_list_box_bind_model (self->uploads_list, G_LIST_MODEL (self->uploads), create_upload_row, NULL, NULL);
  g_signal_connect_object (self->uploads, "items-changed", G_CALLBACK (on_uploads_changed), self, G_CONNECT_SWAPPED);
  gtk_drop_target_set_gtypes (self->drop_target, types, G_N_ELEMENTS (types));
}

void
_vz_content_page_upload_dispose (VzContentPage *self)
{
  for (guint i = 0; self->uploads != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->uploads)); i++)
    {
      g_autoptr(VzUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);

      g_signal_handlers_disconnect_by_data (upload, self);
      vz_upload_cancel (upload);
    }
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->uploads);
}

void
_vz_content_page_class_upload_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_drop);
  gtk_widget_class_install_action (widget_class, "content.upload", NULL, content_upload);
  gtk_widget_class_install_action (widget_class, "content.upload-files", "as", content_upload_files);
}
