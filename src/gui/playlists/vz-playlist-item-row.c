/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-item-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content.h"
#include "vz-gui.h"
#include "vz-playlist-item-row.h"

struct _VzPlaylistItemRow
{
  GtkListBoxRow   parent_instance;

  VzPlaylistItem *item;
  gboolean        updating;   /* the spin button follows the item, not the user */

  /* template children */
  GtkImage       *type_icon;
  GtkLabel       *name_label;
  GtkLabel       *type_label;
  GtkSpinButton  *duration_button;
};

G_DEFINE_FINAL_TYPE (VzPlaylistItemRow, vz_playlist_item_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (VzPlaylistItemRow *self)
{
  const char *type = vz_playlist_item_get_content_type (self->item);
  const char *name = vz_playlist_item_get_content_name (self->item);

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  gtk_image_set_from_icon_name (self->type_icon, vz_gui_content_type_icon (type));
  gtk_label_set_label (self->name_label, name != NULL ? name : _("Unnamed content"));
  gtk_label_set_label (self->type_label, type != NULL ? vz_content_type_to_label (type) : "");
  self->updating = TRUE;
  gtk_spin_button_set_value (self->duration_button, vz_playlist_item_get_effective_duration (self->item));
  self->updating = FALSE;
}

static void
on_duration_changed (VzPlaylistItemRow *self)
{
  guint seconds;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  seconds = (guint) gtk_spin_button_get_value_as_int (self->duration_button);
  if (self->updating || seconds == vz_playlist_item_get_effective_duration (self->item))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.set-duration", "(su)",
                              vz_playlist_item_get_id (self->item), seconds);
}

static GdkContentProvider *
on_drag_prepare (VzPlaylistItemRow *self,
                 double             x,
                 double             y,
                 GtkDragSource     *source)
{
  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  return gdk_content_provider_new_typed (VZ_TYPE_PLAYLIST_ITEM, self->item);
}

static void
on_drag_begin (VzPlaylistItemRow *self,
               GdkDrag           *drag,
               GtkDragSource     *source)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self));

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static void
move_to (VzPlaylistItemRow *self,
         guint              position)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.move-item", "(su)",
                              vz_playlist_item_get_id (self->item), position);
}

static void
row_move (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (index < 0)
    return;
  if (g_str_equal (action_name, "row.move-up"))
    {
      if (index > 0)
        move_to (self, (guint) index - 1);
    }
  else if (g_str_equal (action_name, "row.move-down"))
    move_to (self, (guint) index + 1);
  else if (g_str_equal (action_name, "row.move-top"))
    move_to (self, 0);
  else
    move_to (self, G_MAXUINT32);
  /* The row is built anew where the item lands: the focus goes with it. */
}

static void
row_remove (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);

  gtk_widget_activate_action (widget, "editor.remove-item", "s", vz_playlist_item_get_id (self->item));
}

static void
vz_playlist_item_row_constructed (GObject *object)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);

  G_OBJECT_CLASS (vz_playlist_item_row_parent_class)->constructed (object);

  g_signal_connect_object (self->item, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
vz_playlist_item_row_dispose (GObject *object)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_ITEM_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (vz_playlist_item_row_parent_class)->dispose (object);
}

static void
vz_playlist_item_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_item_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      self->item = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_item_row_class_init (VzPlaylistItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_playlist_item_row_constructed;
  object_class->dispose = vz_playlist_item_row_dispose;
  object_class->get_property = vz_playlist_item_row_get_property;
  object_class->set_property = vz_playlist_item_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, VZ_TYPE_PLAYLIST_ITEM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-item-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, type_icon);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, type_label);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, duration_button);
  gtk_widget_class_bind_template_callback (widget_class, on_duration_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_prepare);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_begin);

  gtk_widget_class_install_action (widget_class, "row.move-up", NULL, row_move);
  gtk_widget_class_install_action (widget_class, "row.move-down", NULL, row_move);
  gtk_widget_class_install_action (widget_class, "row.move-top", NULL, row_move);
  gtk_widget_class_install_action (widget_class, "row.move-bottom", NULL, row_move);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, row_remove);
}

static void
vz_playlist_item_row_init (VzPlaylistItemRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_playlist_item_row_new (VzPlaylistItem *item)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM (item), NULL);

  return g_object_new (VZ_TYPE_PLAYLIST_ITEM_ROW, "item", item, NULL);
}

VzPlaylistItem *
vz_playlist_item_row_get_item (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->item;
}

GtkSpinButton *
vz_playlist_item_row_get_duration_button (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->duration_button;
}
