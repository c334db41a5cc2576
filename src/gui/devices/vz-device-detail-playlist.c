/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-playlist-choices.h"
#include "vz-playlist-resource.h"
#include "vz-device-detail-private.h"

/*
 * The Playlist row: "No playlist", then the engine's playlists. Choosing
 * one is an optimistic change of the screen's currentPlaylistId (toast and
 * Undo come from the window). When playlists come and go the row's
 * selection would move with the list: that is not the person's choice, so
 * it is set back on the screen's playlist instead of being sent.
 */

static void
assigned_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_assign_playlist_finish (VZ_SYNC_ENGINE (source), result, &error) &&
      vz_gui_toast_error (GTK_WIDGET (self), error))
    _vz_device_detail_refresh (self);
}

static void
on_playlist_selected (VzDeviceDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->playlist_row);
  g_autofree char *playlist_id = NULL;
  const char *current;
  const char *ids[2] = { NULL, NULL };

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (self->updating || self->playlist_choices_changing || self->display == NULL || self->engine == NULL ||
      self->playlist_choices == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;

  playlist_id = vz_playlist_choices_dup_id (self->playlist_choices, selected);
  current = vz_display_get_current_playlist_id (self->display);
  if (g_strcmp0 (playlist_id, current != NULL && *current != '\0' ? current : NULL) == 0)
    return;

  ids[0] = vz_entity_get_id (VZ_ENTITY (self->display));
  vz_sync_engine_assign_playlist_async (self->engine, ids, playlist_id, self->cancellable,
                                        assigned_cb, g_object_ref (self));
}

void
_vz_device_detail_update_playlist_selection (VzDeviceDetail *self)
{
  guint selected;
  gboolean updating;

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (self->display == NULL || self->playlist_choices == NULL)
    return;

  /* A playlist the engine has not read (yet) shows as no choice at all. */
  selected = vz_playlist_choices_find (self->playlist_choices, vz_display_get_current_playlist_id (self->display));
  if (adw_combo_row_get_selected (self->playlist_row) == selected)
    return;
  updating = self->updating;
  self->updating = TRUE;
  adw_combo_row_set_selected (self->playlist_row, selected);
  self->updating = updating;
}

/* Before the row sees the change, and after. */
static void
on_choices_changing (VzDeviceDetail *self)
{
  self->playlist_choices_changing = TRUE;
}

static void
on_choices_changed (VzDeviceDetail *self)
{
  self->playlist_choices_changing = FALSE;
  _vz_device_detail_update_playlist_selection (self);
}

void
_vz_device_detail_playlist_follow (VzDeviceDetail *self,
                                   VzSyncEngine   *engine)
{
  gboolean updating = self->updating;

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  self->updating = TRUE;
  if (self->playlist_choices != NULL)
    g_signal_handlers_disconnect_by_data (self->playlist_choices, self);
  g_clear_object (&self->playlist_choices);
  if (engine != NULL)
    {
      self->playlist_choices = vz_playlist_choices_new (G_LIST_MODEL (vz_sync_engine_get_playlists (engine)));
      /* Connected before the row's own handler, which moves its selection. */
      g_signal_connect_swapped (self->playlist_choices, "items-changed", G_CALLBACK (on_choices_changing), self);
    }
  if (self->playlist_row != NULL)
    adw_combo_row_set_model (self->playlist_row, self->playlist_choices);
  if (self->playlist_choices != NULL)
    g_signal_connect_data (self->playlist_choices, "items-changed", G_CALLBACK (on_choices_changed), self, NULL,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  self->updating = updating;
  _vz_device_detail_update_playlist_selection (self);
}

void
_vz_device_detail_class_playlist_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, playlist_row);
  gtk_widget_class_bind_template_callback (widget_class, on_playlist_selected);
}

AdwComboRow *
_vz_device_detail_get_playlist_row (VzDeviceDetail *self)
{
  return self->playlist_row;
}
