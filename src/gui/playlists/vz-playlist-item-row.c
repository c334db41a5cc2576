/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-item-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content.h"
#include "vz-duration-popover.h"
#include "vz-gui.h"
#include "vz-playlist-editor-private.h"
#include "vz-playlist-item-row.h"
#include "vz-popover-button.h"

struct _VzPlaylistItemRow
{
  GtkWidget       parent_instance;

  VzPlaylistItem *item;
  guint           position;
  GCancellable   *loading;        /* the thumbnail asked for, or NULL */
  char           *shown_url;      /* the thumbnail shown or asked for */

  const char     *type_icon;      /* drawn on the thumbnail's place while there is none */

  /* template children */
  GtkPicture     *thumbnail;
  GtkInscription *name_text;
  GtkInscription *type_text;
  VzPopoverButton *duration_button;
  VzPopoverButton *menu_button;
  GMenuModel     *row_menu;
};

/* The drag handle before the thumbnail (in its margin), dimmed as a
 * dim-label is; the type's icon on the thumbnail's place. */
#define HANDLE_SIZE 16
#define HANDLE_OPACITY 0.55
#define TYPE_ICON_SIZE 32

G_DEFINE_FINAL_TYPE (VzPlaylistItemRow, vz_playlist_item_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the thumbnail: asked for while the row shows ---- */

static void
stop_loading (VzPlaylistItemRow *self)
{
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
}

static void
show_texture (VzPlaylistItemRow *self,
              GdkTexture        *texture)
{
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
thumbnail_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VzPlaylistItemRow) self = user_data;
  g_autoptr(GdkTexture) texture = _vz_playlist_editor_load_thumbnail_finish (VZ_PLAYLIST_EDITOR (source), result, NULL);

  if (texture == NULL)
    return;  /* cancelled (scrolled away, another item) or not readable: the icon stays */
  g_clear_object (&self->loading);
  show_texture (self, texture);
}

/* Only a row in sight asks (the list keeps rows beyond what shows); the
 * editor keeps what was read, so a row that comes back shows it at once. */
static void
update_thumbnail (VzPlaylistItemRow *self)
{
  const char *url = self->item != NULL ? vz_playlist_item_get_content_thumbnail (self->item) : NULL;
  GtkWidget *editor;
  GdkTexture *cached;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (g_strcmp0 (url, self->shown_url) == 0 && (self->loading != NULL || gtk_picture_get_paintable (self->thumbnail) != NULL))
    return;
  stop_loading (self);
  g_free (self->shown_url);
  self->shown_url = g_strdup (url);
  editor = gtk_widget_get_ancestor (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_EDITOR);
  cached = url != NULL && editor != NULL ? _vz_playlist_editor_lookup_thumbnail (VZ_PLAYLIST_EDITOR (editor), url) : NULL;
  show_texture (self, cached);
  if (url == NULL || editor == NULL || cached != NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->loading = g_cancellable_new ();
  _vz_playlist_editor_load_thumbnail_async (VZ_PLAYLIST_EDITOR (editor), url, self->loading,
                                            thumbnail_loaded_cb, g_object_ref (self));
}

static void
update (VzPlaylistItemRow *self)
{
  const char *type;
  const char *name;
  const char *icon;
  g_autofree char *duration = NULL;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (self->item == NULL)
    return;
  type = vz_playlist_item_get_content_type (self->item);
  name = vz_playlist_item_get_content_name (self->item);
  icon = vz_gui_content_type_icon (type);
  /* The list view gives a row item after item whenever the rows it keeps
   * (up to 200) shift, and a drop shifts them by up to a screenful times
   * 200 / the rows in view. The texts are inscriptions, whose size does not
   * depend on their text, and the row draws the type's icon itself: a row
   * given another item is repainted, not measured and laid out again. */
  if (g_strcmp0 (self->type_icon, icon) != 0)
    {
      self->type_icon = icon;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  gtk_inscription_set_text (self->name_text, name != NULL ? name : _("Unnamed content"));
  gtk_inscription_set_text (self->type_text, type != NULL ? vz_content_type_to_label (type) : "");
  duration = vz_gui_format_duration (vz_playlist_item_get_effective_duration (self->item));
  /* The button keeps the width of seven characters, enough for any
   * duration under ten hours: a new duration is drawn, not measured. */
  vz_popover_button_set_text (self->duration_button, duration);
  if (vz_popover_button_get_popover (self->duration_button) != NULL)
    vz_duration_popover_set_seconds (VZ_DURATION_POPOVER (vz_popover_button_get_popover (self->duration_button)),
                                     vz_playlist_item_get_effective_duration (self->item));
  update_thumbnail (self);
}

/* An item notifies its place after every move; the row shows none of it. */
static void
on_item_notify (VzPlaylistItemRow *self,
                GParamSpec        *pspec)
{
  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (!g_str_equal (pspec->name, "position"))
    update (self);
}

/* ---- the duration editor and the menu, made when first opened ---- */

static void
on_duration_chosen (VzPlaylistItemRow *self,
                    guint              seconds)
{
  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (self->item == NULL || seconds == vz_playlist_item_get_effective_duration (self->item))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.set-duration", "(su)",
                              vz_playlist_item_get_id (self->item), seconds);
}

static GtkPopover *
create_duration_popover (VzPopoverButton *button,
                         gpointer         user_data)
{
  VzPlaylistItemRow *self = user_data;
  GtkWidget *popover = vz_duration_popover_new ();

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  if (self->item != NULL)
    vz_duration_popover_set_seconds (VZ_DURATION_POPOVER (popover), vz_playlist_item_get_effective_duration (self->item));
  g_signal_connect_object (popover, "chosen", G_CALLBACK (on_duration_chosen), self, G_CONNECT_SWAPPED);
  return GTK_POPOVER (popover);
}

static GtkPopover *
create_menu (VzPopoverButton *button,
             gpointer         user_data)
{
  VzPlaylistItemRow *self = user_data;

  g_assert (VZ_IS_PLAYLIST_ITEM_ROW (self));

  return GTK_POPOVER (gtk_popover_menu_new_from_model (self->row_menu));
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

/* The drag handle and the content type's icon are drawn, not widgets: in
 * GTK 4.8 the focus moving from one row to another restyles every widget of
 * the list's 200 rows whose style may depend on an ancestor's state (images
 * and boxes among them), and a new row made among the others restyles all
 * the rows after it, widget by widget. */
static void
vz_playlist_item_row_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);
  graphene_rect_t slot;

  gtk_snapshot_push_opacity (snapshot, HANDLE_OPACITY);
  vz_gui_snapshot_icon (widget, snapshot, "list-drag-handle-symbolic", HANDLE_SIZE, 0,
                        (gtk_widget_get_height (widget) - HANDLE_SIZE) / 2);
  gtk_snapshot_pop (snapshot);
  GTK_WIDGET_CLASS (vz_playlist_item_row_parent_class)->snapshot (widget, snapshot);
  if (self->type_icon != NULL && gtk_picture_get_paintable (self->thumbnail) == NULL &&
      gtk_widget_compute_bounds (GTK_WIDGET (self->thumbnail), widget, &slot))
    vz_gui_snapshot_icon (widget, snapshot, self->type_icon, TYPE_ICON_SIZE,
                          slot.origin.x + (slot.size.width - TYPE_ICON_SIZE) / 2,
                          slot.origin.y + (slot.size.height - TYPE_ICON_SIZE) / 2);
}

/* The list row (the list view's GtkListItemWidget) this row was just put
 * in, made among the list's other rows, gets its style while it is hidden.
 * In GTK 4.8 a CSS node that gets a parent is marked "any parent changed"
 * (a radical change: restyled whatever the style sheets' selectors say),
 * and a node passing changes on to its children passes each shown child's
 * own pending changes on to every sibling after it: a row made among the
 * others would restyle every widget of every row after it from scratch
 * (some 190 rows, 6 styles each). A hidden child passes nothing on, taking
 * its style takes its pending changes away, and showing it again marks the
 * rows after it "a sibling changed", which their styles do not depend on. */
static void
style_new_list_row (GtkWidget *list_row)
{
  GdkRGBA color;

  if (!gtk_widget_get_visible (list_row) || gtk_widget_get_next_sibling (list_row) == NULL)
    return;
  gtk_widget_set_visible (list_row, FALSE);
  gtk_style_context_get_color (gtk_widget_get_style_context (list_row), &color);
  gtk_widget_set_visible (list_row, TRUE);
}

/* The list view puts a row of its own making in its list row as it roots
 * that list row, just after putting the list row among the others. */
static void
vz_playlist_item_row_root (GtkWidget *widget)
{
  GtkWidget *list_row = gtk_widget_get_parent (widget);

  GTK_WIDGET_CLASS (vz_playlist_item_row_parent_class)->root (widget);
  if (list_row != NULL && GTK_IS_LIST_VIEW (gtk_widget_get_parent (list_row)))
    style_new_list_row (list_row);
}

static void
vz_playlist_item_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vz_playlist_item_row_parent_class)->map (widget);
  update_thumbnail (VZ_PLAYLIST_ITEM_ROW (widget));
}

/* Out of sight: a thumbnail not read yet is not waited for. */
static void
vz_playlist_item_row_unmap (GtkWidget *widget)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (widget);

  if (self->loading != NULL)
    {
      stop_loading (self);
      g_clear_pointer (&self->shown_url, g_free);
    }
  GTK_WIDGET_CLASS (vz_playlist_item_row_parent_class)->unmap (widget);
}

static void
vz_playlist_item_row_dispose (GObject *object)
{
  VzPlaylistItemRow *self = VZ_PLAYLIST_ITEM_ROW (object);
  GtkWidget *child;

  vz_playlist_item_row_set_item (self, NULL);
  stop_loading (self);
  g_clear_pointer (&self->shown_url, g_free);
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
  g_type_ensure (VZ_TYPE_POPOVER_BUTTON);

  object_class->dispose = vz_playlist_item_row_dispose;
  object_class->get_property = vz_playlist_item_row_get_property;
  object_class->set_property = vz_playlist_item_row_set_property;
  widget_class->snapshot = vz_playlist_item_row_snapshot;
  widget_class->root = vz_playlist_item_row_root;
  widget_class->map = vz_playlist_item_row_map;
  widget_class->unmap = vz_playlist_item_row_unmap;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, VZ_TYPE_PLAYLIST_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vz-playlist-item");
  /* The row lays its parts out itself (the name over the type beside the
   * thumbnail): a box of its own would be one more widget to style, measure
   * and allocate for each of the list's 200 rows. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_GRID_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-item-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, name_text);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, type_text);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, duration_button);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistItemRow, row_menu);
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
  GtkGridLayout *layout = GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  self->position = GTK_INVALID_LIST_POSITION;
  /* Two rows of the same height: the name ends at the middle, the type starts there. */
  gtk_grid_layout_set_row_homogeneous (layout, TRUE);
  gtk_grid_layout_set_column_spacing (layout, 12);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A popover made up front for each of the list's rows (up to 200) would
   * cost every row its widgets; they are made when first opened. */
  vz_popover_button_set_create_func (self->duration_button, create_duration_popover, self);
  vz_popover_button_set_create_func (self->menu_button, create_menu, self);
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
    g_signal_handlers_disconnect_by_func (self->item, on_item_notify, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect_object (item, "notify", G_CALLBACK (on_item_notify), self, G_CONNECT_SWAPPED);
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

/**
 * vz_playlist_item_row_get_duration_button:
 *
 * Returns: (transfer none): the button that shows the duration and opens
 *   its editor
 */
VzPopoverButton *
vz_playlist_item_row_get_duration_button (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->duration_button;
}

/**
 * vz_playlist_item_row_get_menu_button:
 *
 * Returns: (transfer none): the button that opens the item's menu (its
 *   moves and Remove)
 */
VzPopoverButton *
vz_playlist_item_row_get_menu_button (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  return self->menu_button;
}

/**
 * vz_playlist_item_row_get_duration_editor:
 *
 * Returns: (transfer none) (nullable): the spin button of the duration's
 *   editor, NULL until it was first opened
 */
GtkSpinButton *
vz_playlist_item_row_get_duration_editor (VzPlaylistItemRow *self)
{
  GtkPopover *popover;

  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), NULL);

  popover = vz_popover_button_get_popover (self->duration_button);
  return popover != NULL ? vz_duration_popover_get_spin_button (VZ_DURATION_POPOVER (popover)) : NULL;
}

gboolean
vz_playlist_item_row_shows_thumbnail (VzPlaylistItemRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ITEM_ROW (self), FALSE);

  return gtk_picture_get_paintable (self->thumbnail) != NULL;
}
