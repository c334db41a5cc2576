/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-playlist-choices.h"
#include "vz-playlist-resource.h"
#include "vz-devices-page-private.h"

/*
 * Assign Playlist… (devices.assign-playlist): one playlist, or none, for
 * every selected screen. It is one change of the screens' currentPlaylistId
 * (vz_sync_engine_update_many_async() beneath): one outbox batch, one toast
 * that says how many screens, one Undo that gives each its own back.
 */

typedef struct {
  VzDevicesPage *self;
  GPtrArray     *ids;      /* of char*, the screens */
  GListModel    *choices;
  AdwComboRow   *row;
} AssignDialog;

static void
assign_dialog_free (gpointer  data,
                    GClosure *closure)
{
  AssignDialog *ad = data;

  g_clear_object (&ad->self);
  g_clear_pointer (&ad->ids, g_ptr_array_unref);
  g_clear_object (&ad->choices);
  g_free (ad);
}

static void
assigned_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VzDevicesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The toast with Undo comes from the engine's "change-queued". */
  if (!vz_sync_engine_assign_playlist_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
on_assign_response (AdwMessageDialog *dialog,
                    const char       *response,
                    AssignDialog     *ad)
{
  VzDevicesPage *self = ad->self;
  guint selected = adw_combo_row_get_selected (ad->row);
  g_autofree char *playlist_id = NULL;
  g_autofree const char **ids = NULL;

  if (!g_str_equal (response, "assign") || self->engine == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;

  playlist_id = vz_playlist_choices_dup_id (ad->choices, selected);
  ids = g_new0 (const char *, ad->ids->len + 1);
  for (guint i = 0; i < ad->ids->len; i++)
    ids[i] = g_ptr_array_index (ad->ids, i);
  vz_sync_engine_assign_playlist_async (self->engine, ids, playlist_id, self->cancellable,
                                        assigned_cb, g_object_ref (self));
}

/* The playlist all of @ids play (NULL: none), or "" when they differ. */
static const char *
common_playlist (VzDevicesPage *self,
                 GPtrArray     *ids)
{
  VzStore *displays = vz_sync_engine_get_displays (self->engine);
  const char *common = NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      VzEntity *display = vz_store_lookup (displays, g_ptr_array_index (ids, i));
      const char *playlist = display != NULL ? vz_display_get_current_playlist_id (VZ_DISPLAY (display)) : NULL;

      if (playlist != NULL && *playlist == '\0')
        playlist = NULL;
      if (i > 0 && g_strcmp0 (common, playlist) != 0)
        return "";
      common = playlist;
    }
  return common;
}

static void
devices_assign_playlist (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *heading = NULL;
  g_autofree char *button = NULL;
  const char *common;
  guint selected;
  GtkWidget *list;
  AssignDialog *ad;
  AdwMessageDialog *dialog;

  if (self->engine == NULL)
    return;

  ad = g_new0 (AssignDialog, 1);
  ad->self = g_object_ref (self);
  ad->ids = _vz_devices_page_collect_selected_ids (self, NULL);
  if (ad->ids->len == 0)
    {
      assign_dialog_free (ad, NULL);
      return;
    }

  ad->choices = vz_playlist_choices_new (G_LIST_MODEL (vz_sync_engine_get_playlists (self->engine)));
  ad->row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ad->row), _("Playlist"));
  vz_playlist_choices_show_names (ad->row);
  adw_combo_row_set_model (ad->row, ad->choices);
  /* What they play now when they all play the same, else the first playlist. */
  common = common_playlist (self, ad->ids);
  selected = common != NULL && *common == '\0' ? GTK_INVALID_LIST_POSITION
                                               : vz_playlist_choices_find (ad->choices, common);
  if (selected == GTK_INVALID_LIST_POSITION)
    selected = g_list_model_get_n_items (ad->choices) > 1 ? 1 : 0;
  adw_combo_row_set_selected (ad->row, selected);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (ad->row));

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Assign a Playlist to %'u Screen",
                                          "Assign a Playlist to %'u Screens", ad->ids->len),
                             ad->ids->len);
  button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Assign to %'u Screen", "_Assign to %'u Screens",
                                         ad->ids->len),
                            ad->ids->len);
  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "The screen switches to the playlist chosen here. Undo gives it its own back.",
                                                   "Each screen switches to the playlist chosen here. Undo gives each its own back.",
                                                   ad->ids->len),
                                      "assign", button, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_extra_child (dialog, list);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_assign_response), ad, assign_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_vz_devices_page_playlist_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "devices.assign-playlist", NULL, devices_assign_playlist);
}
