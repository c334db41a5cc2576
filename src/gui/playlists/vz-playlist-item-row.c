/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-item-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content.h"
#include "vz-gui.h"
#include "vz-playlist-item-row.h"

struct _VzPlaylistItemRow
{
  GtkWidget       parent_instance;

  VzPlaylistItem *item;
  guint           position;
  gboolean        updating;   /* the spin button follows the item, not the user */

  /* template children */
  GtkImage       *type_icon;
  GtkLabel       *name_label;
  GtkLabel       *type_label;
  GtkSpinButton  *duration_button;
};

G_DEFINE_FINAL_TYPE (VzPlaylistItemRow, vz_playlist_item_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (VzPlaylistItemRow *self)
{
  const char *type;
  const char *name;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (self->item == NULL)
    return;
  type = vz_playlist_item_get_content_type (self->item);
  name = vz_playlist_item_get_content_name (self->item);
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
  if (self->updating || self->item == NULL || seconds == vz_playlist_item_get_effective_duration (self->item))
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

  if (self->item == NULL)
    return NULL;
  return gdk_content_provider_new_typed (VZ_TYPE_PLAYLIST_ITEM, self->item);
}

static void
on_drag_begin (VzPlaylistItemRow *self,
               GdkDrag           *drag,
               GtkDragSource     *source)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  g_autoptr(GdkPaintable) picture = NULL;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  /* A still picture: the row itself shows the next item once the list
   * scrolls under the pointer. */
  picture = gdk_paintable_get_current_image (paintable);
  gtk_drag_source_set_icon (source, picture, 0, 0);
}

static void
move_to (VzPlaylistItemRow *self,
         guint              position)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.move-item", "(su)",
                              vz_playlist_item_get_id (self->item), position);
}

/* The focus goes with the item to its new place (the editor sees to it). */
static void
row_move (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);
  guint position = self->position;

  if (self->item == NULL || position == GTK_INVALID_LIST_POSITION)
    return;
  if (g_str_equal (action_name, "row.move-up"))
    {
      if (position > 0)
        move_to (self, position - 1);
    }
  else if (g_str_equal (action_name, "row.move-down"))
    move_to (self, position + 1);
  else if (g_str_equal (action_name, "row.move-top"))
    move_to (self, 0);
  else
    move_to (self, G_MAXUINT32);
}

static void
row_remove (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "editor.remove-item", "s", vz_playlist_item_get_id (self->item));
}

static void
vz_playlist_item_row_dispose (GObject *object)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);
  GtkWidget *child;

  vz_playlist_item_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_ITEM_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

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
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
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
      vz_playlist_item_row_set_item (self, g_value_get_object (value));
      break;
    case PROP_POSITION:
      vz_playlist_item_row_set_position (self, g_value_get_uint (value));
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

  object_class->dispose = vz_playlist_item_row_dispose;
  object_class->get_property = vz_playlist_item_row_get_property;
  object_class->set_property = vz_playlist_item_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, VZ_TYPE_PLAYLIST_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vz-playlist-item");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
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
  self->position = GTK_INVALID_LIST_POSITION;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_playlist_item_row_new (void)
{
  return g_object_new (VZ_TYPE_PLAYLIST_ITEM_ROW, NULL);
}

VzPlaylistItem *
vz_playlist_item_row_get_item (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->item;
}

/**
 * vz_playlist_item_row_set_item:
 * @item: (transfer none) (nullable): the item to show
 */
void
vz_playlist_item_row_set_item (VzPlaylistItemRow *self,
                               VzPlaylistItem    *item)
{
  g_return_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self));
  g_return_if_fail (item == NULL || VZ_IS_PLAYLIST_ITEM (item));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, update, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect_object (item, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

guint
vz_playlist_item_row_get_position (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), GTK_INVALID_LIST_POSITION);

  return self->position;
}

void
vz_playlist_item_row_set_position (VzPlaylistItemRow *self,
                                   guint              position)
{
  g_return_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (self->position == position)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

GtkSpinButton *
vz_playlist_item_row_get_duration_button (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->duration_button;
}
