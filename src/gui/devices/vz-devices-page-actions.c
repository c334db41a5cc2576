/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-devices-page-private.h"
#include "vz-groups-window.h"
#include "vz-pair-dialog.h"

/* ---- bulk actions ---- */

typedef enum {
  BULK_DELETE,
  BULK_ADD_TO_GROUP,
} BulkKind;

typedef struct {
  VzDevicesPage *self;
  BulkKind       kind;
  GPtrArray     *ids;       /* of char* */
  char          *group_id;
  char          *group_name;
} BulkOp;

static void
bulk_op_free (BulkOp *op)
{
  g_clear_object (&op->self);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_free (op->group_id);
  g_free (op->group_name);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulkOp, bulk_op_free)

/*
 * A bulk action is one call however many screens it names: the engine makes
 * it one outbox batch (several requests past the endpoint's 100 ids) that
 * commits or rolls back as a whole, and one Undo. Its finish only says the
 * action is queued; the toast that says so, with Undo, comes from the
 * engine's "change-queued" through the window, and a refusal from
 * "change-failed". Only a change that could not even be queued is said here.
 */
static void
bulk_queued_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BulkOp) op = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (op->kind == BULK_DELETE)
    ok = vz_sync_engine_delete_displays_finish (VZ_SYNC_ENGINE (source), result, &error);
  else
    ok = vz_sync_engine_add_displays_to_group_finish (VZ_SYNC_ENGINE (source), result, &error);

  if (!ok)
    vz_gui_toast_error (GTK_WIDGET (op->self), error);
}

static void
bulk_send (BulkOp *op)
{
  VzDevicesPage *self = op->self;
  g_autofree const char **ids = g_new0 (const char *, op->ids->len + 1);

  if (self->engine == NULL)
    {
      bulk_op_free (op);
      return;
    }

  for (guint i = 0; i < op->ids->len; i++)
    ids[i] = g_ptr_array_index (op->ids, i);

  if (op->kind == BULK_DELETE)
    vz_sync_engine_delete_displays_async (self->engine, ids, self->cancellable, bulk_queued_cb, op);
  else
    vz_sync_engine_add_displays_to_group_async (self->engine, ids, op->group_id,
                                                self->cancellable, bulk_queued_cb, op);
}

GPtrArray *
_vz_devices_page_collect_selected_ids (VzDevicesPage *self,
                                       char         **first_name)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GtkBitsetIter iter;
  guint position;

  if (first_name != NULL)
    *first_name = NULL;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (display == NULL)
        continue;
      if (first_name != NULL && *first_name == NULL)
        *first_name = g_strdup (vz_display_get_display_name (display));
      g_ptr_array_add (ids, g_strdup (vz_entity_get_id (VZ_ENTITY (display))));
    }

  return ids;
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    BulkOp           *op)
{
  BulkOp *owned;

  if (!g_str_equal (response, "delete"))
    return;

  /* The dialog keeps its copy for the signal's lifetime; the send owns this one. */
  owned = g_new0 (BulkOp, 1);
  owned->self = g_object_ref (op->self);
  owned->kind = BULK_DELETE;
  owned->ids = g_ptr_array_ref (op->ids);

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (op->self->selection));
  bulk_send (owned);
}

static void
bulk_op_closure_free (gpointer  data,
                      GClosure *closure)
{
  bulk_op_free (data);
}

static void
devices_delete (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *first_name = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *button = NULL;
  BulkOp *op;
  AdwMessageDialog *dialog;

  op = g_new0 (BulkOp, 1);
  op->self = g_object_ref (self);
  op->kind = BULK_DELETE;
  op->ids = _vz_devices_page_collect_selected_ids (self, &first_name);

  if (op->ids->len == 0)
    {
      bulk_op_free (op);
      return;
    }

  /* The same count and words as the toast that follows ("Deleted 3
   * screens", with Undo), and what that Undo can do. */
  if (op->ids->len == 1)
    heading = g_strdup_printf (_("Delete “%s”?"), first_name);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %'u screen?", "Delete %'u screens?", op->ids->len),
                               op->ids->len);

  /* The button names what it does, and Enter cancels (no destructive default). */
  button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Delete %'u Screen", "_Delete %'u Screens", op->ids->len),
                            op->ids->len);
  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "A deleted screen stops showing your content. Undo brings it back "
                                                   "until the server has deleted it; after that, it has to be paired again.",
                                                   "Deleted screens stop showing your content. Undo brings them back "
                                                   "until the server has deleted them; after that, they have to be paired again.",
                                                   op->ids->len),
                                      "delete", button, ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response),
                         op, bulk_op_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  BulkOp      *op;
  AdwComboRow *combo;
  AdwEntryRow *name_row;
  GListModel  *groups;   /* live: groups may come and go while the dialog is up */
} GroupDialog;

static void
group_dialog_free (gpointer  data,
                   GClosure *closure)
{
  GroupDialog *gd = data;

  bulk_op_free (gd->op);
  g_clear_object (&gd->groups);
  g_free (gd);
}

static gboolean
group_dialog_wants_new (GroupDialog *gd)
{
  return adw_combo_row_get_selected (gd->combo) >= g_list_model_get_n_items (gd->groups);
}

static void
group_dialog_update (AdwMessageDialog *dialog,
                     GroupDialog      *gd)
{
  gboolean wants_new = group_dialog_wants_new (gd);
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (gd->name_row));

  gtk_widget_set_visible (GTK_WIDGET (gd->name_row), wants_new);
  adw_message_dialog_set_response_enabled (dialog, "add", !wants_new || *name != '\0');
}

static void
on_group_dialog_changed (GtkWidget *widget,
                         gpointer   data)
{
  GtkWidget *dialog = gtk_widget_get_ancestor (widget, ADW_TYPE_MESSAGE_DIALOG);

  if (dialog != NULL)
    group_dialog_update (ADW_MESSAGE_DIALOG (dialog), data);
}

static void
on_group_dialog_selected (GtkWidget  *widget,
                          GParamSpec *pspec,
                          gpointer    data)
{
  on_group_dialog_changed (widget, data);
}

static void
group_created_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BulkOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;

  group = vz_sync_engine_create_group_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (group == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The group “%s” could not be created: %s"),
                                               op->group_name, error->message);
      vz_gui_toast (GTK_WIDGET (op->self), text);
      return;
    }

  op->group_id = g_strdup (vz_entity_get_id (VZ_ENTITY (group)));
  bulk_send (g_steal_pointer (&op));
}

static void
on_group_response (AdwMessageDialog *dialog,
                   const char       *response,
                   GroupDialog      *gd)
{
  VzDevicesPage *self = gd->op->self;
  BulkOp *owned;

  if (!g_str_equal (response, "add"))
    return;

  owned = g_new0 (BulkOp, 1);
  owned->self = g_object_ref (self);
  owned->kind = BULK_ADD_TO_GROUP;
  owned->ids = g_ptr_array_ref (gd->op->ids);

  if (group_dialog_wants_new (gd))
    {
      owned->group_name = vz_gui_editable_dup_stripped (GTK_EDITABLE (gd->name_row));
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      vz_sync_engine_create_group_async (self->engine, owned->group_name, self->cancellable,
                                         group_created_cb, owned);
    }
  else
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_groups (self->engine)),
                                                               adw_combo_row_get_selected (gd->combo));
      if (group == NULL)
        {
          bulk_op_free (owned);
          return;
        }
      owned->group_id = g_strdup (vz_entity_get_id (VZ_ENTITY (group)));
      owned->group_name = g_strdup (vz_display_group_get_name (group));
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      bulk_send (owned);
    }
}

static void
devices_add_to_group (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *heading = NULL;
  GListModel *groups;
  GListModel *choices;
  GtkWidget *list;
  GroupDialog *gd;
  AdwMessageDialog *dialog;

  if (self->engine == NULL)
    return;

  gd = g_new0 (GroupDialog, 1);
  gd->op = g_new0 (BulkOp, 1);
  gd->op->self = g_object_ref (self);
  gd->op->kind = BULK_ADD_TO_GROUP;
  gd->op->ids = _vz_devices_page_collect_selected_ids (self, NULL);
  if (gd->op->ids->len == 0)
    {
      group_dialog_free (gd, NULL);
      return;
    }

  /* The groups as they are now, then a way to make a new one. */
  groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  gd->groups = g_object_ref (groups);
  choices = vz_gui_group_choices_new (groups, _("New Group…"), FALSE);

  gd->combo = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (gd->combo), _("Group"));
  vz_gui_group_row_show_names (gd->combo);
  adw_combo_row_set_model (gd->combo, choices);
  g_object_unref (choices);

  gd->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (gd->name_row), _("New Group Name"));
  adw_entry_row_set_activates_default (gd->name_row, TRUE);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (gd->combo));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (gd->name_row));

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %'u Screen to a Group", "Add %'u Screens to a Group",
                                          gd->op->ids->len),
                             gd->op->ids->len);
  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      _("Groups let you send content and commands to many screens at once."),
                                      "add", _("_Add"), ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_extra_child (dialog, list);

  g_signal_connect (gd->combo, "notify::selected", G_CALLBACK (on_group_dialog_selected), gd);
  g_signal_connect (gd->name_row, "changed", G_CALLBACK (on_group_dialog_changed), gd);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_group_response), gd, group_dialog_free, 0);
  group_dialog_update (dialog, gd);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
devices_pair (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vz_devices_page_pair (VZ_DEVICES_PAGE (widget));
}

static void
devices_retry (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  if (self->engine == NULL)
    return;

  vz_sync_engine_refresh (self->engine);
  _vz_devices_page_reconnect (self);
  _vz_devices_page_update_state (self);
}

static void
devices_close_detail (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  if (self->selection_mode)
    {
      vz_devices_page_set_selection_mode (self, FALSE);
      return;
    }
  _vz_devices_page_show_detail (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}


static void
on_paired (VzDevicesPage *self,
           VzDisplay     *display)
{
  g_autofree char *text = g_strdup_printf (_("“%s” is paired"), vz_display_get_display_name (display));

  vz_gui_toast (GTK_WIDGET (self), text);
}

void
vz_devices_page_pair (VzDevicesPage *self)
{
  VzPairDialog *dialog;
  GtkRoot *root;

  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  if (!_vz_devices_page_can_write (self))
    return;

  dialog = vz_pair_dialog_new (self->engine);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "paired", G_CALLBACK (on_paired), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
vz_devices_page_manage_groups (VzDevicesPage *self)
{
  GtkRoot *root;

  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  if (!_vz_devices_page_can_write (self))
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_window_present (GTK_WINDOW (vz_groups_window_new (self->engine, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL)));
}

void
_vz_devices_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "devices.pair", NULL, devices_pair);
  gtk_widget_class_install_action (widget_class, "devices.delete", NULL, devices_delete);
  gtk_widget_class_install_action (widget_class, "devices.add-to-group", NULL, devices_add_to_group);
  gtk_widget_class_install_action (widget_class, "devices.retry", NULL, devices_retry);
  gtk_widget_class_install_action (widget_class, "devices.close-detail", NULL, devices_close_detail);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "devices.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "devices.close-detail", NULL);
}
