/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-devices-page-private.h"
#include "vz-location-dialog.h"

/*
 * Choosing screens and acting on all of them. A plain click opens the
 * screen's detail (and leaves only that row selected); Ctrl+click toggles a
 * row and Shift+click extends a range, as GtkMultiSelection does; selection
 * mode (for touch) shows a check box in every row and makes a tap toggle.
 * The bulk bar then names the verbs for the selected screens.
 */

/* Commands are direct requests, one per screen (the wire's targets are a
 * screen, a group or the whole organization); this many at a time. */
#define COMMANDS_IN_FLIGHT 6

/* A singular and plural pair for ngettext, in a table (xgettext: NP_:1,2). */
#define NP_(singular, plural) { singular, plural }

static GQuark list_item_quark;

/* ---- which row a pointer event is on ---- */

/*
 * In GTK 4.8 a column view's cell handles a click on its row as the row
 * does: Ctrl+click then toggled the row twice (no change) and a double
 * click activated it twice. The row alone selects and activates; the cell
 * only shows, and knows its row for the clicks below.
 */
static void
mark_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  gtk_list_item_set_selectable (list_item, FALSE);
  gtk_list_item_set_activatable (list_item, FALSE);
  if (child != NULL)
    g_object_set_qdata (G_OBJECT (child), list_item_quark, list_item);
}

/* The list item of a cell's child, looked for on @widget and two levels
 * down (a row holds cells, a cell holds the child). */
static GtkListItem *
list_item_near (GtkWidget *widget)
{
  GtkListItem *item = g_object_get_qdata (G_OBJECT (widget), list_item_quark);
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (item == NULL && child != NULL)
    item = g_object_get_qdata (G_OBJECT (child), list_item_quark);
  if (item == NULL && child != NULL && gtk_widget_get_first_child (child) != NULL)
    item = g_object_get_qdata (G_OBJECT (gtk_widget_get_first_child (child)), list_item_quark);
  return item;
}

/* The position of the row at @x, @y of the column view, or
 * GTK_INVALID_LIST_POSITION (the header, below the last row). */
static guint
row_at (VzDevicesPage *self,
        double         x,
        double         y)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);

  for (GtkWidget *w = picked; w != NULL && w != view; w = gtk_widget_get_parent (w))
    {
      GtkListItem *item = list_item_near (w);

      if (item != NULL)
        return gtk_list_item_get_position (item);
    }
  return GTK_INVALID_LIST_POSITION;
}

/* ---- clicks ---- */

static void
toggle_row (VzDevicesPage *self,
            guint          position)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);

  if (gtk_selection_model_is_selected (model, position))
    gtk_selection_model_unselect_item (model, position);
  else
    gtk_selection_model_select_item (model, position, FALSE);
}

static void
set_selecting (VzDevicesPage *self,
               gboolean       selecting)
{
  if (self->selecting == selecting)
    return;
  self->selecting = selecting;
  _vz_devices_page_update_state (self);
}

/*
 * Runs before the row's own handling (capture phase). With Ctrl or Shift the
 * row selects as GtkMultiSelection does; in selection mode a plain click
 * toggles the row instead of selecting it alone; otherwise the row selects
 * itself alone and the release opens its detail.
 */
static void
on_row_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  VzDevicesPage   *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint position = row_at (self, x, y);

  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->click_position = GTK_INVALID_LIST_POSITION;
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  if (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK))
    set_selecting (self, TRUE);
  else if (self->selection_mode)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
      toggle_row (self, position);
    }
  else
    {
      set_selecting (self, FALSE);
      self->click_position = position;
    }
}

static void
on_row_click_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   VzDevicesPage   *self)
{
  guint position = self->click_position;

  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->click_position = GTK_INVALID_LIST_POSITION;
  if (position != GTK_INVALID_LIST_POSITION && row_at (self, x, y) == position)
    _vz_devices_page_open_detail (self, position);
}

/* ---- selection mode ---- */

static void
check_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  /* A tap anywhere on the row toggles it (on_row_click_pressed); the box only
   * shows the state, so it takes no clicks or focus of its own. */
  gtk_widget_set_can_target (check, FALSE);
  gtk_widget_set_can_focus (check, FALSE);
  gtk_widget_add_css_class (check, "vz-cell-check");
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Selected"), -1);
  gtk_list_item_set_child (list_item, check);
  gtk_expression_bind (gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "selected"),
                       check, "active", list_item);
}

void
_vz_devices_page_selection_mode_changed (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  /* The mode starts and ends with nothing chosen: the row a plain click
   * picked is the detail pane's, not part of what the mode selects. */
  gtk_column_view_column_set_visible (self->check_column, self->selection_mode);
  self->selecting = self->selection_mode;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  _vz_devices_page_update_state (self);
}

/* ---- the bulk bar ---- */

gboolean
_vz_devices_page_bulk_bar_wanted (VzDevicesPage *self)
{
  /* One row picked by a plain click is the screen in the detail pane, not
   * a selection to act on. */
  return self->selection_mode || self->n_selected > 1 || (self->n_selected == 1 && self->selecting);
}

void
_vz_devices_page_selection_changed (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  if (self->n_selected == 0 && !self->selection_mode)
    self->selecting = FALSE;
  vz_bulk_bar_set_count (self->bulk_bar, self->n_selected);
}

/* ---- commands: reload, restart, reboot ---- */

typedef struct {
  VzDevicesPage *self;
  char          *command;
  GPtrArray     *ids;        /* of char*, the screens it goes to */
  guint          next;       /* the next id to send */
  guint          in_flight;
  guint          sent;
  guint          offline;    /* of those sent: screens not connected when sent, which do not get it */
  guint          failed;
  char          *first_error;
} CommandRun;

static void
command_run_free (CommandRun *run)
{
  g_clear_object (&run->self);
  g_clear_pointer (&run->ids, g_ptr_array_unref);
  g_free (run->command);
  g_free (run->first_error);
  g_free (run);
}

static const struct {
  const char *command;
  const char *sent[2];
} command_words[] = {
  { "reload", NP_ ("Reload sent to %'u screen", "Reload sent to %'u screens") },
  { "restart", NP_ ("Restart sent to %'u screen", "Restart sent to %'u screens") },
  { "reboot", NP_ ("Reboot sent to %'u screen", "Reboot sent to %'u screens") },
};

/* What happened, in one toast: how many screens the command went to, how
 * many of them were not connected (the server keeps no command for later),
 * how many requests failed and the first reason. */
static char *
describe_command_run (CommandRun *run)
{
  GString *text = g_string_new (NULL);
  guint total = run->ids->len;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (command_words); i++)
    if (g_str_equal (command_words[i].command, run->command))
      break;
  g_assert (i < G_N_ELEMENTS (command_words));

  if (run->failed == total)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "The command could not be sent to %'u screen: %s",
                                               "The command could not be sent to %'u screens: %s", total),
                            total, run->first_error);
  else
    {
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, command_words[i].sent[0], command_words[i].sent[1],
                                                 run->sent),
                              run->sent);
      if (run->offline > 0)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                   "; %'u is not connected and does not get it",
                                                   "; %'u are not connected and do not get it", run->offline),
                                run->offline);
      if (run->failed > 0)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "; %'u failed: %s", "; %'u failed: %s",
                                                   run->failed),
                                run->failed, run->first_error);
    }
  return g_string_free (text, FALSE);
}

/* The server hands a command only to the screens connected to it now. */
static gboolean
is_connected (VzDisplay *display)
{
  switch (vz_display_get_status (display))
    {
    case VZ_DISPLAY_STATUS_ONLINE:
    case VZ_DISPLAY_STATUS_IDLE:
    case VZ_DISPLAY_STATUS_ERROR:
      return TRUE;
    case VZ_DISPLAY_STATUS_OFFLINE:
    case VZ_DISPLAY_STATUS_PAIRING:
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return FALSE;
    }
}

static void command_run_next (CommandRun *run);

static void
command_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CommandRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->in_flight--;
  if (!vz_sync_engine_send_command_finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The page is going away: nobody reads the outcome. */
          if (run->in_flight == 0)
            command_run_free (run);
          return;
        }
      run->failed++;
      if (run->first_error == NULL)
        run->first_error = g_strdup (error->message);
    }
  else
    run->sent++;

  command_run_next (run);
}

static void
command_run_next (CommandRun *run)
{
  VzDevicesPage *self = run->self;
  VzStore *displays = self->engine != NULL ? vz_sync_engine_get_displays (self->engine) : NULL;

  while (displays != NULL && run->next < run->ids->len && run->in_flight < COMMANDS_IN_FLIGHT &&
         !g_cancellable_is_cancelled (self->cancellable))
    {
      const char *id = g_ptr_array_index (run->ids, run->next++);
      VzEntity *display = vz_store_lookup (displays, id);

      if (display != NULL && !is_connected (VZ_DISPLAY (display)))
        run->offline++;
      run->in_flight++;
      vz_sync_engine_send_command_async (self->engine, id, run->command, self->cancellable, command_sent_cb, run);
    }

  if (run->in_flight > 0)
    return;
  if (run->next == run->ids->len && run->sent + run->failed == run->ids->len)
    {
      g_autofree char *text = describe_command_run (run);

      vz_gui_toast (GTK_WIDGET (self), text);
    }
  command_run_free (run);
}

static void
send_command (VzDevicesPage *self,
              const char    *command,
              GPtrArray     *ids)
{
  CommandRun *run;

  if (self->engine == NULL || ids->len == 0)
    return;

  run = g_new0 (CommandRun, 1);
  run->self = g_object_ref (self);
  run->command = g_strdup (command);
  run->ids = g_ptr_array_ref (ids);
  command_run_next (run);
}

static void
devices_reload (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autoptr(GPtrArray) ids = _vz_devices_page_collect_selected_ids (self, NULL);

  send_command (self, "reload", ids);
}

static void
devices_restart (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autoptr(GPtrArray) ids = _vz_devices_page_collect_selected_ids (self, NULL);

  send_command (self, "restart", ids);
}

static void
on_reboot_response (AdwMessageDialog *dialog,
                    const char       *response,
                    VzDevicesPage    *self)
{
  GPtrArray *ids = g_object_get_data (G_OBJECT (dialog), "vz-ids");

  if (g_str_equal (response, "reboot"))
    send_command (self, "reboot", ids);
}

static void
devices_reboot (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *first_name = NULL;
  g_autoptr(GPtrArray) ids = _vz_devices_page_collect_selected_ids (self, &first_name);
  g_autofree char *heading = NULL;
  g_autofree char *button = NULL;
  AdwMessageDialog *dialog;
  guint n = ids->len;

  if (n == 0)
    return;

  if (n == 1)
    heading = g_strdup_printf (_("Reboot “%s”?"), first_name);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reboot %'u Screen?", "Reboot %'u Screens?", n), n);
  button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Reboot %'u Screen", "_Reboot %'u Screens", n), n);
  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "The screen goes dark for a minute or two while it starts "
                                                   "again. A screen that is offline now does not get the command.",
                                                   "The screens go dark for a minute or two while they start "
                                                   "again. Screens that are offline now do not get the command.",
                                                   n),
                                      "reboot", button, ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "vz-ids", g_steal_pointer (&ids), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reboot_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Set Location ---- */

static void
location_queued_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VzDevicesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The toast with Undo comes from the engine's "change-queued". */
  if (!vz_sync_engine_update_many_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
on_location_response (VzLocationDialog *dialog,
                      const char       *response,
                      VzDevicesPage    *self)
{
  GPtrArray *ids = g_object_get_data (G_OBJECT (dialog), "vz-ids");
  g_autofree char *location = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autofree const char **id_array = NULL;

  if (!g_str_equal (response, "set") || self->engine == NULL)
    return;

  location = vz_location_dialog_dup_location (dialog);
  changes = json_object_new ();
  if (location != NULL)
    json_object_set_string_member (changes, "location", location);
  else
    json_object_set_null_member (changes, "location");

  id_array = g_new0 (const char *, ids->len + 1);
  for (guint i = 0; i < ids->len; i++)
    id_array[i] = g_ptr_array_index (ids, i);
  vz_sync_engine_update_many_async (self->engine, VZ_RESOURCE_DISPLAY, id_array, changes,
                                    self->cancellable, location_queued_cb, g_object_ref (self));
}

/* The location all of @ids share, or NULL when they differ or have none. */
static const char *
common_location (VzDevicesPage *self,
                 GPtrArray     *ids)
{
  VzStore *displays = vz_sync_engine_get_displays (self->engine);
  const char *common = NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      VzEntity *display = vz_store_lookup (displays, g_ptr_array_index (ids, i));
      const char *location = display != NULL ? vz_display_get_location (VZ_DISPLAY (display)) : NULL;

      if (location == NULL || (common != NULL && !g_str_equal (common, location)))
        return NULL;
      common = location;
    }
  return common;
}

static void
devices_set_location (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autoptr(GPtrArray) ids = NULL;
  VzLocationDialog *dialog;
  GtkRoot *root;

  if (self->engine == NULL)
    return;
  ids = _vz_devices_page_collect_selected_ids (self, NULL);
  if (ids->len == 0)
    return;

  root = gtk_widget_get_root (widget);
  dialog = vz_location_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, ids->len,
                                   common_location (self, ids));
  g_object_set_data_full (G_OBJECT (dialog), "vz-ids", g_steal_pointer (&ids), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_location_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- setup ---- */

void
_vz_devices_page_selection_class_init (GtkWidgetClass *widget_class)
{
  list_item_quark = g_quark_from_static_string ("vz-devices-page-list-item");

  gtk_widget_class_install_action (widget_class, "devices.reload", NULL, devices_reload);
  gtk_widget_class_install_action (widget_class, "devices.restart", NULL, devices_restart);
  gtk_widget_class_install_action (widget_class, "devices.reboot", NULL, devices_reboot);
  gtk_widget_class_install_action (widget_class, "devices.set-location", NULL, devices_set_location);
  gtk_widget_class_install_property_action (widget_class, "devices.selection-mode", "selection-mode");
  gtk_widget_class_bind_template_callback (widget_class, on_row_click_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_click_released);
}

void
_vz_devices_page_selection_init (VzDevicesPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkListItemFactory *factory;

  self->click_position = GTK_INVALID_LIST_POSITION;

  /* Every cell leaves selecting to its row, and knows that row. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      factory = gtk_column_view_column_get_factory (column);
      if (GTK_IS_SIGNAL_LIST_ITEM_FACTORY (factory))
        g_signal_connect (factory, "setup", G_CALLBACK (mark_cell), NULL);
    }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (check_cell_setup), NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (mark_cell), NULL);
  self->check_column = gtk_column_view_column_new (NULL, factory);
  gtk_column_view_column_set_visible (self->check_column, FALSE);
  gtk_column_view_insert_column (self->column_view, 0, self->check_column);
}
