/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-cell.h"
#include "vz-gui.h"

struct _VzContentCell
{
  GtkWidget            parent_instance;

  VzContentThumbnails *thumbnails;
  VzContent           *content;
  GSignalGroup        *content_signals;
  GCancellable        *loading;        /* the thumbnail asked for, or NULL */
  char                *shown_url;      /* the thumbnail shown or asked for */

  /* template children */
  GtkWidget           *box;
  GtkStack            *preview_stack;
  GtkImage            *icon;
  GtkPicture          *picture;
  GtkLabel            *name_label;
  GtkImage            *type_icon;
  GtkLabel            *type_label;
  GtkLabel            *archived_label;
};

G_DEFINE_FINAL_TYPE (VzContentCell, vz_content_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTENT,
  PROP_THUMBNAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_bytes (VzContentCell *self,
            GBytes        *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);

  g_assert (VZ_IS_CONTENT_CELL (self));

  if (texture == NULL)
    {
      g_debug ("A thumbnail could not be read: %s", error->message);
      return;
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->preview_stack, "thumbnail");
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VzContentCell) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = vz_content_thumbnails_load_finish (VZ_CONTENT_THUMBNAILS (source), result, &error);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_object (&self->loading);
      return;
    }
  g_clear_object (&self->loading);
  show_bytes (self, bytes);
}

static void
stop_loading (VzContentCell *self)
{
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
}

static void
update_thumbnail (VzContentCell *self)
{
  const char *url = self->content != NULL ? vz_content_get_thumbnail (self->content) : NULL;
  g_autoptr(GBytes) cached = NULL;

  g_assert (VZ_IS_CONTENT_CELL (self));

  if (g_strcmp0 (url, self->shown_url) == 0)
    return;
  stop_loading (self);
  g_free (self->shown_url);
  self->shown_url = g_strdup (url);
  gtk_picture_set_paintable (self->picture, NULL);
  gtk_stack_set_visible_child_name (self->preview_stack, "icon");
  if (url == NULL || self->thumbnails == NULL)
    return;
  if ((cached = vz_content_thumbnails_lookup (self->thumbnails, url)) != NULL)
    {
      show_bytes (self, cached);
      return;
    }
  self->loading = g_cancellable_new ();
  vz_content_thumbnails_load_async (self->thumbnails, url, self->loading, loaded_cb, g_object_ref (self));
}

static void
update (VzContentCell *self)
{
  const char *type = self->content != NULL ? vz_content_get_content_type (self->content) : NULL;
  const char *name = self->content != NULL ? vz_content_get_name (self->content) : "";
  gboolean archived = self->content != NULL && g_strcmp0 (vz_content_get_status (self->content), "archived") == 0;

  g_assert (VZ_IS_CONTENT_CELL (self));

  gtk_image_set_from_icon_name (self->icon, vz_gui_content_type_icon (type));
  gtk_image_set_from_icon_name (self->type_icon, vz_gui_content_type_icon (type));
  gtk_label_set_label (self->type_label, type != NULL ? vz_content_type_to_label (type) : "");
  gtk_label_set_label (self->name_label, name);
  gtk_widget_set_visible (GTK_WIDGET (self->archived_label), archived);
  gtk_widget_set_opacity (GTK_WIDGET (self->preview_stack), archived ? 0.55 : 1.0);
  update_thumbnail (self);
}

VzContent *
vz_content_cell_get_content (VzContentCell *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_CELL (self), NULL);

  return self->content;
}

void
vz_content_cell_set_content (VzContentCell *self,
                             VzContent     *content)
{
  g_return_if_fail (VZ_IS_CONTENT_CELL (self));
  g_return_if_fail (content == NULL || VZ_IS_CONTENT (content));

  if (!g_set_object (&self->content, content))
    return;
  g_signal_group_set_target (self->content_signals, content);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
}

gboolean
vz_content_cell_shows_thumbnail (VzContentCell *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_CELL (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->preview_stack), "thumbnail") == 0 &&
         gtk_picture_get_paintable (self->picture) != NULL;
}

static void
vz_content_cell_dispose (GObject *object)
{
  VzContentCell *self = VZ_CONTENT_CELL (object);

  stop_loading (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_CONTENT_CELL);
  g_clear_object (&self->content_signals);
  g_clear_object (&self->content);
  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->shown_url, g_free);

  G_OBJECT_CLASS (vz_content_cell_parent_class)->dispose (object);
}

static void
vz_content_cell_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzContentCell *self = VZ_CONTENT_CELL (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      g_value_set_object (value, self->content);
      break;
    case PROP_THUMBNAILS:
      g_value_set_object (value, self->thumbnails);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_cell_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzContentCell *self = VZ_CONTENT_CELL (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      vz_content_cell_set_content (self, g_value_get_object (value));
      break;
    case PROP_THUMBNAILS:
      self->thumbnails = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GdkContentProvider *
on_drag_prepare (VzContentCell *self,
                 double         x,
                 double         y,
                 GtkDragSource *source)
{
  g_assert (VZ_IS_CONTENT_CELL (self));

  return self->content != NULL ? gdk_content_provider_new_typed (VZ_TYPE_CONTENT, self->content) : NULL;
}

static void
on_drag_begin (VzContentCell *self,
               GdkDrag       *drag,
               GtkDragSource *source)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self->box));

  g_assert (VZ_IS_CONTENT_CELL (self));

  gtk_drag_source_set_icon (source, paintable, gtk_widget_get_width (GTK_WIDGET (self)) / 2, 0);
}

static void
vz_content_cell_class_init (VzContentCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_content_cell_dispose;
  object_class->get_property = vz_content_cell_get_property;
  object_class->set_property = vz_content_cell_set_property;

  properties[PROP_CONTENT] =
    g_param_spec_object ("content", NULL, NULL, VZ_TYPE_CONTENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAILS] =
    g_param_spec_object ("thumbnails", NULL, NULL, VZ_TYPE_CONTENT_THUMBNAILS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-content-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, box);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, icon);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, picture);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, type_icon);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, type_label);
  gtk_widget_class_bind_template_child (widget_class, VzContentCell, archived_label);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_prepare);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_begin);
}

static void
vz_content_cell_init (VzContentCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->content_signals = g_signal_group_new (VZ_TYPE_CONTENT);
  g_signal_group_connect_swapped (self->content_signals, "notify", G_CALLBACK (update), self);
  update (self);
}

GtkWidget *
vz_content_cell_new (VzContentThumbnails *thumbnails)
{
  g_return_val_if_fail (thumbnails == NULL || VZ_IS_CONTENT_THUMBNAILS (thumbnails), NULL);

  return g_object_new (VZ_TYPE_CONTENT_CELL, "thumbnails", thumbnails, NULL);
}
