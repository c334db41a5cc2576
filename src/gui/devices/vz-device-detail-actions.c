/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-group-name-dialog.h"
#include "vz-device-detail-private.h"

typedef gboolean (*FinishFunc) (VzSyncEngine  *engine,
                                GAsyncResult  *result,
                                GError       **error);

typedef struct {
  VzDeviceDetail *self;
  FinishFunc      finish;
  char           *success;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->self);
  g_free (change->success);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static Change *
change_new (VzDeviceDetail *self,
            FinishFunc      finish,
            char           *success)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->finish = finish;
  change->success = success;
  return change;
}

static void
change_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;

  if (!change->finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      /* Puts the fields back to what the server has. */
      if (vz_gui_toast_error (GTK_WIDGET (change->self), error))
        _vz_device_detail_refresh (change->self);
      return;
    }

  /* A queued change is told by the window (the engine's "change-queued",
   * with Undo); a direct request (a command) is told here. */
  if (change->success != NULL)
    vz_gui_toast (GTK_WIDGET (change->self), change->success);
}

/* The change shows at once (the engine applies it to the store before it
 * is sent); what happens to it next arrives by the engine's signals. */
static void
update_display (VzDeviceDetail *self,
                const char     *key,
                const char     *value)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, key, value);
  vz_sync_engine_update_display_async (self->engine,
                                       vz_entity_get_id (VZ_ENTITY (self->display)),
                                       changes,
                                       self->cancellable,
                                       change_done_cb,
                                       change_new (self, vz_sync_engine_update_display_finish, NULL));
}

static void
on_name_apply (VzDeviceDetail *self)
{
  g_autofree char *name = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  if (*name == '\0')
    {
      vz_gui_toast (GTK_WIDGET (self), _("A screen needs a name."));
      _vz_device_detail_refresh (self);
      return;
    }
  if (g_strcmp0 (name, vz_display_get_nickname (self->display)) == 0)
    return;

  update_display (self, "name", name);
}

static void
on_location_apply (VzDeviceDetail *self)
{
  g_autofree char *location = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  location = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->location_row));
  if (g_strcmp0 (location, vz_display_get_location (self->display) != NULL
                           ? vz_display_get_location (self->display) : "") == 0)
    return;

  update_display (self, "location", location);
}

static gboolean
timezone_is_valid (const char *identifier)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (identifier == NULL || *identifier == '\0')
    return FALSE;
  tz = g_time_zone_new_identifier (identifier);
  return tz != NULL;
}

static void
on_timezone_changed (VzDeviceDetail *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->timezone_row));

  if (*text == '\0' || timezone_is_valid (text))
    gtk_widget_remove_css_class (GTK_WIDGET (self->timezone_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->timezone_row), "error");
}

static void
on_timezone_apply (VzDeviceDetail *self)
{
  g_autofree char *tz = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  tz = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->timezone_row));
  if (!timezone_is_valid (tz))
    {
      g_autofree char *text = g_strdup_printf (_("“%s” is not a time zone. Use a name like Europe/Berlin or America/New_York."), tz);
      vz_gui_toast (GTK_WIDGET (self), text);
      return;
    }
  if (g_strcmp0 (tz, vz_display_get_timezone (self->display)) == 0)
    return;

  update_display (self, "timezone", tz);
}

static void
on_orientation_selected (VzDeviceDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->orientation_row);

  if (self->updating || self->display == NULL || self->engine == NULL || selected >= VZ_DEVICE_DETAIL_N_ORIENTATIONS)
    return;
  if (g_strcmp0 (_vz_device_detail_orientations[selected], vz_display_get_orientation (self->display)) == 0)
    return;

  update_display (self, "orientation", _vz_device_detail_orientations[selected]);
}

static void
move_to_group (VzDeviceDetail *self,
               const char     *group_id)
{
  if (g_strcmp0 (group_id, vz_display_get_group_id (self->display)) == 0)
    return;

  vz_sync_engine_set_display_group_async (self->engine,
                                          vz_entity_get_id (VZ_ENTITY (self->display)),
                                          group_id,
                                          self->cancellable,
                                          change_done_cb,
                                          change_new (self, vz_sync_engine_set_display_group_finish, NULL));
}

/* The dialog made the group the person named: the screen joins it (the
 * screen the pane showed when "New Group…" was chosen). */
static void
on_new_group_created (VzDeviceDetail *self,
                      VzDisplayGroup *group,
                      gpointer        dialog)
{
  VzDisplay *display = g_object_get_data (G_OBJECT (dialog), "vz-display");

  if (self->engine == NULL || display == NULL || display != self->display)
    return;
  move_to_group (self, vz_entity_get_id (VZ_ENTITY (group)));
}

/* Until the group exists the row shows where the screen is. */
static void
on_new_group_response (VzDeviceDetail *self,
                       const char     *response)
{
  self->updating = TRUE;
  _vz_device_detail_update_group_selection (self);
  self->updating = FALSE;
}

static void
new_group (VzDeviceDetail *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  VzGroupNameDialog *dialog = vz_group_name_dialog_new (self->engine, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);

  g_object_set_data_full (G_OBJECT (dialog), "vz-display", g_object_ref (self->display), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_new_group_response), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_new_group_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* "No group", the groups, then "New Group…". */
static void
on_group_selected (VzDeviceDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->group_row);
  GListModel *groups;
  guint n_groups;
  g_autoptr(VzDisplayGroup) group = NULL;

  if (self->updating || self->display == NULL || self->engine == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;

  groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  n_groups = g_list_model_get_n_items (groups);
  if (selected == 0)
    {
      move_to_group (self, NULL);
      return;
    }
  if (selected > n_groups)
    {
      new_group (self);
      return;
    }
  group = g_list_model_get_item (groups, selected - 1);
  if (group != NULL)
    move_to_group (self, vz_entity_get_id (VZ_ENTITY (group)));
}

static void
send_command (VzDeviceDetail *self,
              const char     *command,
              char           *success)
{
  if (self->display == NULL || self->engine == NULL)
    {
      g_free (success);
      return;
    }

  vz_sync_engine_send_command_async (self->engine,
                                     vz_entity_get_id (VZ_ENTITY (self->display)),
                                     command,
                                     self->cancellable,
                                     change_done_cb,
                                     change_new (self, vz_sync_engine_send_command_finish, success));
}

static void
on_reload_clicked (VzDeviceDetail *self)
{
  if (self->display != NULL)
    send_command (self, "reload",
                  g_strdup_printf (_("“%s” is reloading its content"), vz_display_get_display_name (self->display)));
}

static void
on_restart_clicked (VzDeviceDetail *self)
{
  if (self->display != NULL)
    send_command (self, "restart",
                  g_strdup_printf (_("“%s” is restarting its player"), vz_display_get_display_name (self->display)));
}

static void
on_reboot_response (AdwMessageDialog *dialog,
                    const char       *response,
                    VzDeviceDetail   *self)
{
  VzDisplay *display = g_object_get_data (G_OBJECT (dialog), "vz-display");

  /* The pane may have moved to another screen while the dialog was up. */
  if (!g_str_equal (response, "reboot") || display == NULL || display != self->display)
    return;

  send_command (self, "reboot",
                g_strdup_printf (_("“%s” is rebooting"), vz_display_get_display_name (display)));
}

static void
on_reboot_clicked (VzDeviceDetail *self)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (self->display == NULL)
    return;

  heading = g_strdup_printf (_("Reboot “%s”?"), vz_display_get_display_name (self->display));
  dialog = vz_gui_confirm_dialog_new (GTK_WIDGET (self), heading,
                                      _("The screen goes dark while the device restarts, usually for a minute or two."),
                                      "reboot", _("_Reboot"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "vz-display", g_object_ref (self->display), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reboot_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}


void
_vz_device_detail_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_location_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_orientation_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_group_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_reload_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_restart_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reboot_clicked);
}
