/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VzContentPage's verbs on the selected content: edit its name and
 * duration, tag, archive, restore, delete; each through the sync engine, so
 * each shows at once and offers Undo in a toast. */
#define G_LOG_DOMAIN "vz-content-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-edit-dialog.h"
#include "vz-content-page-private.h"
#include "vz-content-preview.h"
#include "vz-content-resource.h"
#include "vz-gui.h"
#include "vz-playlist-resource.h"
#include "vz-playlist.h"
#include "vz-tag-resource.h"

VzContent *
vz_content_page_get_selected (VzContentPage *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PAGE (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VzContentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The toast with Undo comes from the window ("change-queued"). */
  if (!vz_sync_engine_edit_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
updated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzContentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzContentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_delete_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
on_edit_chosen (VzContentPage *self,
                const char    *name,
                guint          duration)
{
  VzContent *content = vz_content_page_get_selected (self);
  g_autoptr(JsonObject) changes = json_object_new ();

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (content == NULL || self->engine == NULL)
    return;
  if (g_strcmp0 (name, vz_content_get_name (content)) != 0)
    json_object_set_string_member (changes, "name", name);
  if ((gint) duration != vz_content_get_duration (content))
    json_object_set_int_member (changes, "duration", duration);
  if (json_object_get_size (changes) == 0)
    return;
  vz_sync_engine_update_async (self->engine, VZ_RESOURCE_CONTENT, vz_entity_get_id (VZ_ENTITY (content)), changes,
                               self->cancellable, updated_cb, g_object_ref (self));
}

static void
content_edit (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  VzContent *content = vz_content_page_get_selected (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  VzContentEditDialog *dialog;

  if (content == NULL)
    return;
  dialog = vz_content_edit_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       vz_content_get_name (content),
                                       vz_content_get_duration (content) > 0 ? (guint) vz_content_get_duration (content)
                                                                             : 10);
  g_signal_connect_object (dialog, "chosen", G_CALLBACK (on_edit_chosen), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_selected (VzContentPage *self,
               const char    *edit)
{
  VzContent *content = vz_content_page_get_selected (self);
  g_autoptr(JsonObject) args = json_object_new ();

  if (content == NULL || self->engine == NULL)
    return;
  vz_sync_engine_edit_async (self->engine, VZ_RESOURCE_CONTENT, vz_entity_get_id (VZ_ENTITY (content)), edit, args,
                             self->cancellable, queued_cb, g_object_ref (self));
}

static void
content_preview (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  VzContent *content = vz_content_page_get_selected (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (content == NULL || self->engine == NULL)
    return;
  gtk_window_present (GTK_WINDOW (vz_content_preview_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                          self->engine, content)));
}

static void
content_archive (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  edit_selected (VZ_CONTENT_PAGE (widget), VZ_CONTENT_EDIT_ARCHIVE);
}

static void
content_restore (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  edit_selected (VZ_CONTENT_PAGE (widget), VZ_CONTENT_EDIT_RESTORE);
}

/* content.add-tag(s) and content.remove-tag(s): the tag's id. */
static void
content_tag (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  VzContent *content = vz_content_page_get_selected (self);
  const char *ids[] = { g_variant_get_string (parameter, NULL), NULL };

  if (content == NULL || self->engine == NULL)
    return;
  vz_sync_engine_edit_content_tags_async (self->engine, vz_entity_get_id (VZ_ENTITY (content)),
                                          g_str_equal (action_name, "content.add-tag") ? "add" : "remove", ids,
                                          self->cancellable, queued_cb, g_object_ref (self));
}

/* The playlist items that play @content_id, as the stores show them. */
static guint
count_playlist_items (VzContentPage *self,
                      const char    *content_id)
{
  VzStore *playlists = vz_sync_engine_get_playlists (self->engine);
  guint n = 0;

  for (guint i = 0; playlists != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (playlists)); i++)
    {
      g_autoptr(VzPlaylist) playlist = g_list_model_get_item (G_LIST_MODEL (playlists), i);
      GListModel *items = vz_playlist_get_items (playlist);

      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, j);

          n += g_strcmp0 (vz_playlist_item_get_content_id (item), content_id) == 0;
        }
    }
  return n;
}

static void
on_delete_response (VzContentPage    *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "vz-content-id");
  const char *ids[] = { id, NULL };

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (!g_str_equal (response, "delete") || id == NULL || self->engine == NULL)
    return;
  vz_sync_engine_delete_async (self->engine, VZ_RESOURCE_CONTENT, ids, self->cancellable, deleted_cb,
                               g_object_ref (self));
}

static void
content_delete (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzContentPage *self = VZ_CONTENT_PAGE (widget);
  VzContent *content = vz_content_page_get_selected (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint items;

  if (content == NULL || self->engine == NULL)
    return;
  items = count_playlist_items (self, vz_entity_get_id (VZ_ENTITY (content)));
  heading = g_strdup_printf (_("Delete “%s”?"), vz_content_get_name (content));
  if (items > 0)
    body = g_strdup_printf (ngettext ("It plays in %'u playlist item, which is removed with it. "
                                      "Its file leaves the server.",
                                      "It plays in %'u playlist items, which are removed with it. "
                                      "Its file leaves the server.", items), items);
  else
    body = g_strdup (_("No playlist plays it. Its file leaves the server."));
  dialog = vz_gui_confirm_dialog_new (widget, heading, body, "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "vz-content-id", g_strdup (vz_entity_get_id (VZ_ENTITY (content))), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The server answers a delete with how many playlist items went with it. */
static void
on_committed (VzContentPage  *self,
              VzMutation     *m,
              JsonNode       *answer,
              gboolean        replayed,
              VzOutboxSender *sender)
{
  JsonObject *obj = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  gint64 removed;
  g_autofree char *text = NULL;

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (vz_mutation_get_operation (m) != VZ_MUTATION_OP_DELETE ||
      g_strcmp0 (vz_mutation_get_entity_kind (m), VZ_RESOURCE_CONTENT) != 0 ||
      obj == NULL || !json_object_has_member (obj, "removedFromPlaylists"))
    return;
  removed = json_object_get_int_member (obj, "removedFromPlaylists");
  if (removed == 0)
    return;
  text = g_strdup_printf (ngettext ("Deleted, and taken out of %'u playlist item",
                                    "Deleted, and taken out of %'u playlist items", (gulong) removed),
                          (guint) removed);
  vz_gui_toast (GTK_WIDGET (self), text);
}

static void
on_sender_changed (VzContentPage *self)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  g_signal_group_set_target (self->sender_signals,
                             self->engine != NULL ? vz_sync_engine_get_sender (self->engine) : NULL);
}

/* The tags menu of the selected content: "Lobby" checked when it has it. */
static void
update_tags_menu (VzContentPage *self)
{
  VzContent *content = vz_content_page_get_selected (self);
  VzStore *tags = self->engine != NULL ? vz_sync_engine_get_tags (self->engine) : NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  guint n = tags != NULL ? g_list_model_get_n_items (G_LIST_MODEL (tags)) : 0;

  for (guint i = 0; content != NULL && i < n; i++)
    {
      g_autoptr(VzTag) tag = g_list_model_get_item (G_LIST_MODEL (tags), i);
      const char *id = vz_entity_get_id (VZ_ENTITY (tag));
      gboolean has = vz_content_has_tag (content, id);
      g_autofree char *label = g_strdup_printf (has ? _("Remove “%s”") : _("Add “%s”"), vz_tag_get_name (tag));
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, has ? "content.remove-tag" : "content.add-tag", "s", id);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->tags_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->tags_button), n > 0 && content != NULL);
}

void
_vz_content_page_update_selection (VzContentPage *self)
{
  VzContent *content = vz_content_page_get_selected (self);
  gboolean can_write = self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
  gboolean archived = content != NULL && g_strcmp0 (vz_content_get_status (content), "archived") == 0;

  g_signal_group_set_target (self->selected_signals, content);
  gtk_action_bar_set_revealed (self->action_bar, content != NULL);
  gtk_label_set_label (self->selected_label, content != NULL ? vz_content_get_name (content) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->archive_button), !archived);
  gtk_widget_set_visible (GTK_WIDGET (self->restore_button), archived);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.preview", content != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.edit", content != NULL && can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.archive", content != NULL && can_write && !archived);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.restore", content != NULL && can_write && archived);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.delete", content != NULL && can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.add-tag", content != NULL && can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.remove-tag", content != NULL && can_write);
  update_tags_menu (self);
}

void
_vz_content_page_actions_set_engine (VzContentPage *self)
{
  g_signal_group_set_target (self->engine_signals, self->engine);
  g_signal_group_set_target (self->tag_signals, self->engine != NULL ? vz_sync_engine_get_tags (self->engine) : NULL);
  on_sender_changed (self);
  _vz_content_page_update_selection (self);
}

void
_vz_content_page_actions_init (VzContentPage *self)
{
  self->sender_signals = g_signal_group_new (VZ_TYPE_OUTBOX_SENDER);
  g_signal_group_connect_swapped (self->sender_signals, "committed", G_CALLBACK (on_committed), self);
  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify::outbox", G_CALLBACK (on_sender_changed), self);
  /* Changes show in place (no items-changed), and what they change may be
   * what the filters look at (archived, tags): each change queued, landed,
   * undone or refused moves the count. */
  g_signal_group_connect_swapped (self->engine_signals, "notify::pending-count",
                                  G_CALLBACK (_vz_content_page_refilter), self);
  self->tag_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->tag_signals, "items-changed", G_CALLBACK (update_tags_menu), self);
  self->selected_signals = g_signal_group_new (VZ_TYPE_CONTENT);
  g_signal_group_connect_swapped (self->selected_signals, "notify", G_CALLBACK (_vz_content_page_update_selection),
                                  self);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (_vz_content_page_update_selection),
                           self, G_CONNECT_SWAPPED);
}

void
_vz_content_page_actions_dispose (VzContentPage *self)
{
  g_clear_object (&self->sender_signals);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->tag_signals);
  g_clear_object (&self->selected_signals);
}

void
_vz_content_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "content.preview", NULL, content_preview);
  gtk_widget_class_install_action (widget_class, "content.edit", NULL, content_edit);
  gtk_widget_class_install_action (widget_class, "content.archive", NULL, content_archive);
  gtk_widget_class_install_action (widget_class, "content.restore", NULL, content_restore);
  gtk_widget_class_install_action (widget_class, "content.delete", NULL, content_delete);
  gtk_widget_class_install_action (widget_class, "content.add-tag", "s", content_tag);
  gtk_widget_class_install_action (widget_class, "content.remove-tag", "s", content_tag);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "content.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "content.edit", NULL);
}
