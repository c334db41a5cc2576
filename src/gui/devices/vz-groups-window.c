/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-groups-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-gui.h"
#include "vz-group-name-dialog.h"
#include "vz-group-row.h"
#include "vz-groups-window.h"
#include "vz-groups-window-private.h"

struct _VzGroupsWindow
{
  AdwPreferencesWindow  parent_instance;

  VzSyncEngine         *engine;
  GtkWindow            *parent;        /* weak: its win.undo undoes */
  GCancellable         *cancellable;
  char                 *last_toast;    /* plain text, for tests */

  /* template children */
  GtkListBox           *list;
};

G_DEFINE_FINAL_TYPE (VzGroupsWindow, vz_groups_window, ADW_TYPE_PREFERENCES_WINDOW)

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
  return vz_group_row_new (item);
}

static VzDisplayGroup *
lookup_group (VzGroupsWindow *self,
              const char     *id)
{
  VzEntity *group = vz_store_lookup (vz_sync_engine_get_groups (self->engine), id);

  return VZ_IS_DISPLAY_GROUP (group) ? VZ_DISPLAY_GROUP (group) : NULL;
}

/* ---- toasts: the engine words each change, as in the main window ---- */

static void
on_change_queued (VzGroupsWindow *self,
                  VzMutation     *mutation,
                  const char     *label,
                  VzSyncEngine   *engine)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_assert (VZ_IS_GROUPS_WINDOW (self));

  if (label == NULL || *label == '\0' || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  g_free (self->last_toast);
  self->last_toast = g_strdup (label);
  escaped = g_markup_escape_text (label, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "groups.undo");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
groups_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (widget);

  /* One history of changes: the window's Undo (it says what it undid). */
  if (self->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.undo", NULL);
}

/* ---- verbs ---- */

static void
groups_new (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (vz_group_name_dialog_new (self->engine, GTK_WINDOW (self))));
}

static void
change_queued_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VzGroupsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, vz_sync_engine_update_async))
    ok = vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error);
  else
    ok = vz_sync_engine_delete_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (!ok)
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
groups_rename (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (widget);
  g_autoptr(JsonObject) changes = json_object_new ();
  const char *id;
  const char *name;
  VzDisplayGroup *group;

  g_variant_get (parameter, "(&s&s)", &id, &name);
  group = lookup_group (self, id);
  if (group == NULL || g_strcmp0 (name, vz_display_group_get_name (group)) == 0)
    return;
  if (*name == '\0')
    {
      vz_gui_toast (widget, _("A group needs a name."));
      return;
    }

  json_object_set_string_member (changes, "name", name);
  vz_sync_engine_update_async (self->engine, VZ_RESOURCE_DISPLAY_GROUP, id, changes,
                               self->cancellable, change_queued_cb, g_object_ref (self));
}

static void
on_delete_response (VzGroupsWindow   *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "vz-group-id");

  if (!g_str_equal (response, "delete") || self->engine == NULL)
    return;
  vz_sync_engine_delete_async (self->engine, VZ_RESOURCE_DISPLAY_GROUP, (const char * const[]) { id, NULL },
                               self->cancellable, change_queued_cb, g_object_ref (self));
}

static void
groups_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  VzDisplayGroup *group = lookup_group (self, id);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint n;

  if (group == NULL)
    return;

  /* In the words of the toast that follows ("Deleted 1 group", with Undo),
   * and what that Undo can do. */
  n = vz_display_group_get_display_count (group);
  heading = g_strdup_printf (_("Delete “%s”?"), vz_display_group_get_name (group));
  if (n > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Its %'u screen stays paired and shows “No group”. Undo brings the group "
                                         "back with its screen.",
                                         "Its %'u screens stay paired and show “No group”. Undo brings the group "
                                         "back with its screens.",
                                         n),
                            n);
  else
    body = g_strdup (_("Undo brings the group back."));
  dialog = vz_gui_confirm_dialog_new (widget, heading, body, "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "vz-group-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ---- */

static void
vz_groups_window_constructed (GObject *object)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (object);

  G_OBJECT_CLASS (vz_groups_window_parent_class)->constructed (object);

  gtk_list_box_bind_model (self->list, G_LIST_MODEL (vz_sync_engine_get_groups (self->engine)),
                           create_row, NULL, NULL);
  g_signal_connect_object (self->engine, "change-queued", G_CALLBACK (on_change_queued), self, G_CONNECT_SWAPPED);
}

static void
vz_groups_window_dispose (GObject *object)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_GROUPS_WINDOW);
  g_clear_object (&self->engine);
  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_groups_window_parent_class)->dispose (object);
}

static void
vz_groups_window_finalize (GObject *object)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (object);

  g_free (self->last_toast);

  G_OBJECT_CLASS (vz_groups_window_parent_class)->finalize (object);
}

static void
vz_groups_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (object);

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
vz_groups_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzGroupsWindow *self = VZ_GROUPS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_groups_window_class_init (VzGroupsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_groups_window_constructed;
  object_class->dispose = vz_groups_window_dispose;
  object_class->finalize = vz_groups_window_finalize;
  object_class->get_property = vz_groups_window_get_property;
  object_class->set_property = vz_groups_window_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VZ_TYPE_GROUP_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-groups-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VzGroupsWindow, list);

  gtk_widget_class_install_action (widget_class, "groups.new", NULL, groups_new);
  gtk_widget_class_install_action (widget_class, "groups.rename", "(ss)", groups_rename);
  gtk_widget_class_install_action (widget_class, "groups.delete", "s", groups_delete);
  gtk_widget_class_install_action (widget_class, "groups.undo", NULL, groups_undo);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "groups.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "groups.undo", NULL);
}

static void
vz_groups_window_init (VzGroupsWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_name_inner (GTK_WIDGET (self), GTK_TYPE_SEARCH_ENTRY, _("Search Groups"));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzGroupsWindow *
vz_groups_window_new (VzSyncEngine *engine,
                      GtkWindow    *parent)
{
  VzGroupsWindow *self;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VZ_TYPE_GROUPS_WINDOW,
                       "sync-engine", engine,
                       "transient-for", parent,
                       NULL);
  g_set_weak_pointer (&self->parent, parent);
  return self;
}

/* ---- private, for tests ---- */

GtkListBox *
_vz_groups_window_get_list (VzGroupsWindow *self)
{
  return self->list;
}

const char *
_vz_groups_window_get_last_toast (VzGroupsWindow *self)
{
  return self->last_toast;
}
