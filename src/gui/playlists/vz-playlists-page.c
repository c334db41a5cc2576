/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlists-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-playlist-name-dialog.h"
#include "vz-playlist-resource.h"
#include "vz-playlist-row.h"
#include "vz-playlist-screens-dialog.h"
#include "vz-playlists-page.h"

struct _VzPlaylistsPage
{
  GtkWidget         parent_instance;

  VzSyncEngine     *engine;
  GCancellable     *cancellable;
  GSignalGroup     *store_signals;

  /* template children */
  AdwLeaflet       *leaflet;
  GtkListBox       *list;
  VzPlaylistEditor *editor;
};

G_DEFINE_FINAL_TYPE (VzPlaylistsPage, vz_playlists_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return vz_playlist_row_new (item);
}

static VzPlaylist *
chosen_playlist (VzPlaylistsPage *self)
{
  return vz_playlist_editor_get_playlist (self->editor);
}

static void
update_actions (VzPlaylistsPage *self)
{
  gboolean can_write = self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playlists.new", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playlists.delete", can_write && chosen_playlist (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playlists.rename", can_write && chosen_playlist (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playlists.duplicate",
                                 can_write && chosen_playlist (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playlists.choose-screens",
                                 can_write && chosen_playlist (self) != NULL);
}

static void
on_row_selected (VzPlaylistsPage *self,
                 GtkListBoxRow   *row)
{
  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  /* A row rebuilt or gone for a moment leaves the editor as it is; a
   * playlist that left the store is handled by on_store_changed(). */
  if (row == NULL)
    return;
  vz_playlist_editor_set_playlist (self->editor, vz_playlist_row_get_playlist (VZ_PLAYLIST_ROW (row)));
  update_actions (self);
}

static void
on_row_activated (VzPlaylistsPage *self,
                  GtkListBoxRow   *row)
{
  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "editor");
}

static GtkListBoxRow *
row_of (VzPlaylistsPage *self,
        const char      *playlist_id)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (g_strcmp0 (vz_entity_get_id (VZ_ENTITY (vz_playlist_row_get_playlist (VZ_PLAYLIST_ROW (row)))),
                   playlist_id) == 0)
      return row;
  return NULL;
}

static void
on_store_changed (VzPlaylistsPage *self)
{
  VzPlaylist *playlist = chosen_playlist (self);
  GtkListBoxRow *row;

  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  if (playlist == NULL)
    return;
  row = row_of (self, vz_entity_get_id (VZ_ENTITY (playlist)));
  if (row == NULL)
    {
      vz_playlist_editor_set_playlist (self->editor, NULL);
      update_actions (self);
    }
  else if (gtk_list_box_get_selected_row (self->list) != row)
    gtk_list_box_select_row (self->list, row);
}

/* ---- new ---- */

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzPlaylistsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = NULL;

  playlist = vz_sync_engine_create_playlist_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (playlist == NULL)
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }
  vz_playlists_page_select (self, vz_entity_get_id (VZ_ENTITY (playlist)));
}

static void
on_named (VzPlaylistsPage *self,
          const char      *name)
{
  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  if (self->engine != NULL)
    vz_sync_engine_create_playlist_async (self->engine, name, self->cancellable, created_cb, g_object_ref (self));
}

static void
playlists_new (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  VzPlaylistNameDialog *dialog = vz_playlist_name_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);

  g_signal_connect_object (dialog, "named", G_CALLBACK (on_named), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- rename ---- */

static void
renamed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzPlaylistsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The toast with Undo comes from the engine's "change-queued". */
  if (!vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
on_renamed (VzPlaylistsPage      *self,
            const char           *name,
            VzPlaylistNameDialog *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "playlist-id");
  VzPlaylist *playlist;
  g_autoptr(JsonObject) changes = NULL;

  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  if (self->engine == NULL || id == NULL)
    return;
  playlist = vz_store_lookup (vz_sync_engine_get_playlists (self->engine), id);
  if (playlist == NULL || g_strcmp0 (vz_playlist_get_name (playlist), name) == 0)
    return;
  changes = json_object_new ();
  json_object_set_string_member (changes, "name", name);
  vz_sync_engine_update_async (self->engine, VZ_RESOURCE_PLAYLIST, id, changes, self->cancellable,
                               renamed_cb, g_object_ref (self));
}

static void
playlists_rename (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);
  VzPlaylist *playlist = chosen_playlist (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  VzPlaylistNameDialog *dialog;

  if (playlist == NULL)
    return;
  dialog = vz_playlist_name_dialog_new_for_rename (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   vz_playlist_get_name (playlist));
  g_object_set_data_full (G_OBJECT (dialog), "playlist-id",
                          g_strdup (vz_entity_get_id (VZ_ENTITY (playlist))), g_free);
  g_signal_connect_object (dialog, "named", G_CALLBACK (on_renamed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- duplicate ---- */

static void
duplicated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VzPlaylistsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzEntity) copy = NULL;
  g_autofree char *text = NULL;

  copy = vz_sync_engine_create_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (copy == NULL)
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }
  vz_playlists_page_select (self, vz_entity_get_id (copy));
  /* Translators: the name of the new copy of a playlist */
  text = g_strdup_printf (_("Made “%s”"), vz_playlist_get_name (VZ_PLAYLIST (copy)));
  vz_gui_toast (GTK_WIDGET (self), text);
}

static void
playlists_duplicate (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);
  VzPlaylist *playlist = chosen_playlist (self);
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) body = NULL;

  if (playlist == NULL || self->engine == NULL)
    return;
  path = g_strdup_printf ("/playlists/%s/duplicate", vz_entity_get_id (VZ_ENTITY (playlist)));
  body = json_object_new ();
  vz_sync_engine_create_at_async (self->engine, VZ_RESOURCE_PLAYLIST, path, body, self->cancellable,
                                  duplicated_cb, g_object_ref (self));
}

/* ---- screens ---- */

static void
playlists_choose_screens (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);
  VzPlaylist *playlist = chosen_playlist (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (playlist == NULL || self->engine == NULL)
    return;
  gtk_window_present (GTK_WINDOW (vz_playlist_screens_dialog_new (self->engine, playlist,
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL)));
}

/* ---- delete ---- */

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzPlaylistsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_delete_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
on_delete_response (VzPlaylistsPage *self,
                    const char      *response,
                    AdwMessageDialog *dialog)
{
  const char *ids[] = { g_object_get_data (G_OBJECT (dialog), "playlist-id"), NULL };

  g_assert (VZ_IS_PLAYLISTS_PAGE (self));

  if (!g_str_equal (response, "delete") || self->engine == NULL || ids[0] == NULL)
    return;
  vz_sync_engine_delete_async (self->engine, VZ_RESOURCE_PLAYLIST, ids, self->cancellable,
                               deleted_cb, g_object_ref (self));
}

static void
playlists_delete (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);
  VzPlaylist *playlist = chosen_playlist (self);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint screens;

  if (playlist == NULL)
    return;
  screens = vz_playlist_get_screen_count (playlist);
  heading = g_strdup_printf (_("Delete “%s”?"), vz_playlist_get_name (playlist));
  if (screens > 0)
    body = g_strdup_printf (ngettext ("%'u screen plays it and will have nothing to play; its schedules go with it. Undo brings the playlist back with its items, schedules and screen.",
                                      "%'u screens play it and will have nothing to play; its schedules go with it. Undo brings the playlist back with its items, schedules and screens.",
                                      screens), screens);
  else
    body = g_strdup (_("No screen plays it; its schedules go with it. Undo brings the playlist back with its items and schedules."));
  dialog = vz_gui_confirm_dialog_new (widget, heading, body, "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "playlist-id",
                          g_strdup (vz_entity_get_id (VZ_ENTITY (playlist))), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
playlists_back (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- object ---- */

static void
vz_playlists_page_dispose (GObject *object)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_signal_group_set_target (self->store_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLISTS_PAGE);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (vz_playlists_page_parent_class)->dispose (object);
}

static void
vz_playlists_page_finalize (GObject *object)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store_signals);

  G_OBJECT_CLASS (vz_playlists_page_parent_class)->finalize (object);
}

static void
vz_playlists_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlists_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VzPlaylistsPage *self = VZ_PLAYLISTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_playlists_page_set_sync_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlists_page_class_init (VzPlaylistsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_PLAYLIST_EDITOR);

  object_class->dispose = vz_playlists_page_dispose;
  object_class->finalize = vz_playlists_page_finalize;
  object_class->get_property = vz_playlists_page_get_property;
  object_class->set_property = vz_playlists_page_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlists-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistsPage, list);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistsPage, editor);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "playlists.new", NULL, playlists_new);
  gtk_widget_class_install_action (widget_class, "playlists.delete", NULL, playlists_delete);
  gtk_widget_class_install_action (widget_class, "playlists.rename", NULL, playlists_rename);
  gtk_widget_class_install_action (widget_class, "playlists.duplicate", NULL, playlists_duplicate);
  gtk_widget_class_install_action (widget_class, "playlists.choose-screens", NULL, playlists_choose_screens);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "playlists.rename", NULL);
  gtk_widget_class_install_action (widget_class, "playlists.back", NULL, playlists_back);
}

static void
vz_playlists_page_init (VzPlaylistsPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_leaflet_pages_first (self->leaflet);
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->list));

  self->store_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "items-changed", G_CALLBACK (on_store_changed), self);
  update_actions (self);
}

GtkWidget *
vz_playlists_page_new (void)
{
  return g_object_new (VZ_TYPE_PLAYLISTS_PAGE, NULL);
}

void
vz_playlists_page_set_sync_engine (VzPlaylistsPage *self,
                                   VzSyncEngine    *engine)
{
  VzStore *store;

  g_return_if_fail (VZ_IS_PLAYLISTS_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  store = engine != NULL ? vz_sync_engine_get_playlists (engine) : NULL;
  vz_playlist_editor_set_playlist (self->editor, NULL);
  vz_playlist_editor_set_sync_engine (self->editor, engine);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (store), store != NULL ? create_row : NULL, self, NULL);
  g_signal_group_set_target (self->store_signals, store);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

void
vz_playlists_page_select (VzPlaylistsPage *self,
                          const char      *playlist_id)
{
  GtkListBoxRow *row;

  g_return_if_fail (VZ_IS_PLAYLISTS_PAGE (self));

  row = playlist_id != NULL ? row_of (self, playlist_id) : NULL;
  if (row == NULL)
    {
      gtk_list_box_unselect_all (self->list);
      vz_playlist_editor_set_playlist (self->editor, NULL);
      update_actions (self);
      return;
    }
  gtk_list_box_select_row (self->list, row);
  adw_leaflet_set_visible_child_name (self->leaflet, "editor");
}

GtkListBox *
vz_playlists_page_get_list (VzPlaylistsPage *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLISTS_PAGE (self), NULL);

  return self->list;
}

VzPlaylistEditor *
vz_playlists_page_get_editor (VzPlaylistsPage *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLISTS_PAGE (self), NULL);

  return self->editor;
}
