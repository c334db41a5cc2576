/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-picker.h"
#include "vz-content-resource.h"
#include "vz-gui.h"
#include "vz-playlist-editor-private.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-resource.h"

G_DEFINE_FINAL_TYPE (VzPlaylistEditor, vz_playlist_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_PLAYLIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_header (VzPlaylistEditor *self)
{
  guint items, screens;
  g_autofree char *duration = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *screens_text = NULL;
  g_autofree char *details = NULL;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (self->playlist == NULL)
    return;
  items = vz_playlist_get_item_count (self->playlist);
  duration = vz_gui_format_duration (vz_playlist_get_total_duration (self->playlist));
  screens = vz_playlist_get_screen_count (self->playlist);
  /* Translators: "3 items · 1:30 in all" */
  contents = g_strdup_printf (ngettext ("%'u item · %s in all", "%'u items · %s in all", items), items, duration);
  screens_text = screens == 0 ? g_strdup (_("on no screen")) :
                 /* Translators: the screens a playlist plays on, "on 2 screens" */
                 g_strdup_printf (ngettext ("on %'u screen", "on %'u screens", screens), screens);
  /* Translators: "3 items · 1:30 in all", then "on 2 screens" */
  details = g_strdup_printf (_("%s · %s"), contents, screens_text);
  gtk_label_set_label (self->name_label, vz_playlist_get_name (self->playlist));
  gtk_label_set_label (self->details_label, details);
  self->updating = TRUE;
  gtk_switch_set_active (self->loop_switch, vz_playlist_get_loop (self->playlist));
  self->updating = FALSE;
}

static void
update_empty (VzPlaylistEditor *self)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label),
                          self->playlist != NULL && vz_playlist_get_item_count (self->playlist) == 0);
}

/* ---- the keyboard focus follows a moved item ---- */

static void
stop_following (VzPlaylistEditor *self)
{
  g_clear_pointer (&self->focus_item_id, g_free);
  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
}

/* The first frame scrolls the item's place into sight; the row the list
 * makes for it there takes the focus in a frame after (a few tries: a busy
 * list may need more than one layout). */
static gboolean
focus_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  VzPlaylistEditor *self = user_data;
  GtkWidget *row;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (self->focus_tries++ == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self->list), "list.scroll-to-item", "u", self->focus_position);
      return G_SOURCE_CONTINUE;
    }
  row = vz_playlist_editor_get_row (self, self->focus_position);
  if (row != NULL)
    gtk_widget_grab_focus (row);
  if (row == NULL && self->focus_tries < 10)
    return G_SOURCE_CONTINUE;
  self->focus_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_items_changed (VzPlaylistEditor *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *items)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  update_empty (self);
  /* A move inserts the item at its new place, then removes it from the old
   * one: a removal before the place found shifts it. */
  if (self->focus_tick_id != 0 && self->focus_item_id == NULL && removed > 0 && position < self->focus_position)
    self->focus_position -= MIN (removed, self->focus_position - position);
  if (self->focus_item_id == NULL)
    return;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (vz_playlist_item_get_id (item), self->focus_item_id) != 0)
        continue;
      g_clear_pointer (&self->focus_item_id, g_free);
      self->focus_position = i;
      self->focus_tries = 0;
      if (self->focus_tick_id == 0)
        self->focus_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list), focus_tick, self, NULL);
      return;
    }
}

/* ---- changes through the engine ---- */

static void
edit_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VzPlaylistEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_playlist_edit_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

void
_vz_playlist_editor_move_item (VzPlaylistEditor *self,
                               const char       *item_id,
                               guint             position)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (self->engine == NULL || self->playlist == NULL)
    return;
  stop_following (self);
  self->focus_item_id = g_strdup (item_id);
  vz_sync_engine_move_playlist_item_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->playlist)), item_id,
                                           position, self->cancellable, edit_done_cb, g_object_ref (self));
}

static void
editor_move_item (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *item_id;
  guint position;

  g_variant_get (parameter, "(&su)", &item_id, &position);
  _vz_playlist_editor_move_item (VZ_PLAYLIST_EDITOR (widget), item_id, position);
}

/* The item row the keyboard focus is in, or NULL. The list's own row
 * around it may hold the focus too. */
static GtkWidget *
focused_row (VzPlaylistEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, VZ_TYPE_PLAYLIST_ITEM_ROW) : NULL;

  if (row == NULL && focus != NULL && VZ_IS_PLAYLIST_ITEM_ROW (gtk_widget_get_first_child (focus)))
    row = gtk_widget_get_first_child (focus);
  return row != NULL && gtk_widget_is_ancestor (row, GTK_WIDGET (self->list)) ? row : NULL;
}

/* The keys (Alt+Up/Down/Home/End, Delete) act on the focused item through
 * its row's verbs, the ones its menu names. */
static void
editor_focused_item (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GtkWidget *row = focused_row (VZ_PLAYLIST_EDITOR (widget));

  if (row != NULL)
    gtk_widget_activate_action (row, g_variant_get_string (parameter, NULL), NULL);
}

static void
editor_remove_item (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (widget);

  if (self->engine == NULL || self->playlist == NULL)
    return;
  vz_sync_engine_remove_playlist_item_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->playlist)),
                                             g_variant_get_string (parameter, NULL),
                                             self->cancellable, edit_done_cb, g_object_ref (self));
}

static void
editor_set_duration (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (widget);
  const char *item_id;
  guint seconds;

  if (self->engine == NULL || self->playlist == NULL)
    return;
  g_variant_get (parameter, "(&su)", &item_id, &seconds);
  vz_sync_engine_set_playlist_item_duration_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->playlist)),
                                                   item_id, CLAMP (seconds, 1, 86400),
                                                   self->cancellable, edit_done_cb, g_object_ref (self));
}

/* One change (and one Undo) however it is placed: the engine adds the item
 * and moves it to @position together. */
void
_vz_playlist_editor_add_content (VzPlaylistEditor *self,
                                 VzContent        *content,
                                 guint             position)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  if (self->engine == NULL || self->playlist == NULL)
    return;
  vz_sync_engine_add_playlist_item_at_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->playlist)),
                                             vz_entity_get_id (VZ_ENTITY (content)), 0, position,
                                             self->cancellable, edit_done_cb, g_object_ref (self));
}

static void
on_content_picked (VzPlaylistEditor *self,
                   VzContent        *content)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  _vz_playlist_editor_add_content (self, content, G_MAXUINT);
}

static void
editor_add_content (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (widget);
  VzContentPicker *picker;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->engine == NULL || self->playlist == NULL)
    return;
  picker = vz_content_picker_new (G_LIST_MODEL (vz_sync_engine_get_content (self->engine)),
                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  g_signal_connect_object (picker, "picked", G_CALLBACK (on_content_picked), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
loop_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VzPlaylistEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error) &&
      vz_gui_toast_error (GTK_WIDGET (self), error))
    update_header (self);
}

static void
on_loop_toggled (VzPlaylistEditor *self)
{
  g_autoptr(JsonObject) changes = NULL;
  gboolean loop;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  loop = gtk_switch_get_active (self->loop_switch);
  if (self->updating || self->engine == NULL || self->playlist == NULL ||
      loop == vz_playlist_get_loop (self->playlist))
    return;
  changes = json_object_new ();
  json_object_set_boolean_member (changes, "loop", loop);
  vz_sync_engine_update_async (self->engine, VZ_RESOURCE_PLAYLIST, vz_entity_get_id (VZ_ENTITY (self->playlist)),
                               changes, self->cancellable, loop_done_cb, g_object_ref (self));
}

static void
update_actions (VzPlaylistEditor *self)
{
  gboolean can_edit = self->engine != NULL && self->playlist != NULL &&
                      vz_session_can_write (vz_sync_engine_get_session (self->engine));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-content", can_edit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.move-item", can_edit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.remove-item", can_edit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.set-duration", can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->loop_switch), can_edit);
}

/* ---- object ---- */

static void
vz_playlist_editor_dispose (GObject *object)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  _vz_playlist_editor_stop_dnd (self);
  stop_following (self);
  g_signal_group_set_target (self->playlist_signals, NULL);
  g_signal_group_set_target (self->items_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_EDITOR);
  g_clear_object (&self->playlist);
  g_clear_object (&self->engine);
  _vz_playlist_editor_clear_thumbnails (self);

  G_OBJECT_CLASS (vz_playlist_editor_parent_class)->dispose (object);
}

static void
vz_playlist_editor_finalize (GObject *object)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->playlist_signals);
  g_clear_object (&self->items_signals);

  G_OBJECT_CLASS (vz_playlist_editor_parent_class)->finalize (object);
}

static void
vz_playlist_editor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_PLAYLIST:
      g_value_set_object (value, self->playlist);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_editor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VzPlaylistEditor *self = VZ_PLAYLIST_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_playlist_editor_set_sync_engine (self, g_value_get_object (value));
      break;
    case PROP_PLAYLIST:
      vz_playlist_editor_set_playlist (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_editor_class_init (VzPlaylistEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_PLAYLIST_ITEM_ROW);

  object_class->dispose = vz_playlist_editor_dispose;
  object_class->finalize = vz_playlist_editor_finalize;
  object_class->get_property = vz_playlist_editor_get_property;
  object_class->set_property = vz_playlist_editor_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYLIST] =
    g_param_spec_object ("playlist", NULL, NULL, VZ_TYPE_PLAYLIST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, details_label);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, loop_switch);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, list);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, selection);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistEditor, empty_label);
  gtk_widget_class_bind_template_callback (widget_class, on_loop_toggled);

  gtk_widget_class_install_action (widget_class, "editor.add-content", NULL, editor_add_content);
  gtk_widget_class_install_action (widget_class, "editor.move-item", "(su)", editor_move_item);
  gtk_widget_class_install_action (widget_class, "editor.remove-item", "s", editor_remove_item);
  gtk_widget_class_install_action (widget_class, "editor.set-duration", "(su)", editor_set_duration);
  gtk_widget_class_install_action (widget_class, "editor.focused-item", "s", editor_focused_item);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "editor.focused-item", "s", "row.move-up");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "editor.focused-item", "s",
                                       "row.move-down");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "editor.focused-item", "s",
                                       "row.move-top");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_ALT_MASK, "editor.focused-item", "s",
                                       "row.move-bottom");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "editor.focused-item", "s", "row.remove");
}

static void
vz_playlist_editor_init (VzPlaylistEditor *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->playlist_signals = g_signal_group_new (VZ_TYPE_PLAYLIST);
  g_signal_group_connect_swapped (self->playlist_signals, "notify", G_CALLBACK (update_header), self);
  self->items_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->items_signals, "items-changed", G_CALLBACK (on_items_changed), self);

  _vz_playlist_editor_init_dnd (self);
  update_actions (self);
}

GtkWidget *
vz_playlist_editor_new (void)
{
  return g_object_new (VZ_TYPE_PLAYLIST_EDITOR, NULL);
}

void
vz_playlist_editor_set_sync_engine (VzPlaylistEditor *self,
                                    VzSyncEngine     *engine)
{
  g_return_if_fail (VZ_IS_PLAYLIST_EDITOR (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  _vz_playlist_editor_set_thumbnails (self, engine != NULL ? vz_sync_engine_get_session (engine) : NULL);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

VzPlaylist *
vz_playlist_editor_get_playlist (VzPlaylistEditor *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_EDITOR (self), NULL);

  return self->playlist;
}

void
vz_playlist_editor_set_playlist (VzPlaylistEditor *self,
                                 VzPlaylist       *playlist)
{
  g_return_if_fail (VZ_IS_PLAYLIST_EDITOR (self));
  g_return_if_fail (playlist == NULL || VZ_IS_PLAYLIST (playlist));

  if (!g_set_object (&self->playlist, playlist))
    return;

  _vz_playlist_editor_stop_dnd (self);
  stop_following (self);
  g_signal_group_set_target (self->playlist_signals, playlist);
  g_signal_group_set_target (self->items_signals, playlist != NULL ? vz_playlist_get_items (playlist) : NULL);
  gtk_no_selection_set_model (self->selection, playlist != NULL ? vz_playlist_get_items (playlist) : NULL);
  gtk_stack_set_visible_child_name (self->stack, playlist != NULL ? "playlist" : "none");
  update_header (self);
  update_empty (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYLIST]);
}

GtkListView *
vz_playlist_editor_get_list (VzPlaylistEditor *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_EDITOR (self), NULL);

  return self->list;
}

/**
 * vz_playlist_editor_get_row:
 *
 * Returns: (transfer none) (nullable): the VzPlaylistItemRow that shows the
 *   item at @position now
 */
GtkWidget *
vz_playlist_editor_get_row (VzPlaylistEditor *self,
                            guint             position)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_EDITOR (self), NULL);

  /* The list's children are its rows, each holding one of ours. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && VZ_IS_PLAYLIST_ITEM_ROW (row) &&
          vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row)) != NULL &&
          vz_playlist_item_row_get_position (VZ_PLAYLIST_ITEM_ROW (row)) == position)
        return row;
    }
  return NULL;
}
