/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedules-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-schedule-editor.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-targets.h"
#include "vz-schedule-words.h"
#include "vz-schedules-page.h"

struct _VzSchedulesPage
{
  GtkWidget           parent_instance;

  VzSyncEngine       *engine;
  GCancellable       *cancellable;
  GListModel         *targets;
  GListModel         *filter_targets;
  GListModel         *filter_playlists;
  GtkCustomFilter    *filter;
  GSignalGroup       *groups_signals;
  GSignalGroup       *engine_signals;

  /* template children */
  AdwToastOverlay    *toast_overlay;
  AdwViewStack       *stack;
  GtkDropDown        *target_dropdown;
  GtkLabel           *week_label;
  VzScheduleWeek     *week;
  GtkAdjustment      *week_adjustment;
  gboolean            week_scrolled;
  GtkDropDown        *filter_target;
  GtkDropDown        *filter_playlist;
  GtkDropDown        *filter_state;
  GtkWidget          *open_button;
  GtkWidget          *duplicate_button;
  GtkWidget          *delete_button;
  GtkColumnView      *list_view;
  GtkSingleSelection *selection;
  GtkFilterListModel *filtered;
};

G_DEFINE_FINAL_TYPE (VzSchedulesPage, vz_schedules_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the list's cells ---- */

static char *
schedule_target (GObject    *item,
                 const char *display_name,
                 const char *group_name)
{
  if (display_name != NULL)
    return g_strdup (display_name);
  if (group_name != NULL)
    /* TRANSLATORS: a group of screens in the list of schedules */
    return g_strdup_printf (_("Group: %s"), group_name);
  return g_strdup ("");
}

static char *
schedule_when (GObject *item,
               guint    days,
               int      start_time,
               int      end_time)
{
  g_autofree char *day_words = vz_schedule_describe_days ((guint8) days);
  g_autofree char *window = NULL;

  if (start_time < 0 || end_time < 0 || start_time == end_time)
    window = vz_schedule_describe_window (0, VZ_SCHEDULE_MINUTES_PER_DAY);
  else
    window = vz_schedule_describe_window (start_time, end_time < start_time ? end_time + VZ_SCHEDULE_MINUTES_PER_DAY
                                                                            : end_time);
  /* TRANSLATORS: when a schedule plays, "Weekdays 08:00–12:00" */
  return g_strdup_printf (C_("schedule when", "%s %s"), day_words, window);
}

static char *
schedule_priority (GObject *item,
                   int      priority)
{
  return g_strdup_printf ("%d", priority);
}

static char *
schedule_state (GObject  *item,
                gboolean  is_active,
                guint     playing)
{
  if (!is_active)
    return g_strdup (_("Inactive"));
  if (playing == 0)
    return g_strdup (_("Active"));
  /* TRANSLATORS: an active schedule that plays now on @playing screens */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Playing on %'u screen", "Playing on %'u screens", playing),
                          playing);
}

static char *
target_name (gpointer  unused,
             GObject  *item)
{
  return item != NULL ? vz_schedule_target_name (item) : g_strdup ("");
}

/* ---- filters ---- */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  VzSchedulesPage *self = user_data;
  VzSchedule *schedule = item;
  GObject *target = gtk_drop_down_get_selected_item (self->filter_target);
  GObject *playlist = gtk_drop_down_get_selected_item (self->filter_playlist);
  guint state = gtk_drop_down_get_selected (self->filter_state);
  const char *id;
  gboolean group = FALSE;

  if (target != NULL && (id = vz_schedule_target_id (target, &group)) != NULL &&
      g_strcmp0 (group ? vz_schedule_get_group_id (schedule) : vz_schedule_get_display_id (schedule), id) != 0)
    return FALSE;
  if (playlist != NULL && (id = vz_schedule_target_id (playlist, NULL)) != NULL &&
      g_strcmp0 (vz_schedule_get_playlist_id (schedule), id) != 0)
    return FALSE;
  if ((state == 1 && !vz_schedule_get_is_active (schedule)) || (state == 2 && vz_schedule_get_is_active (schedule)))
    return FALSE;
  return TRUE;
}

static void
on_filter_changed (VzSchedulesPage *self)
{
  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_selection_changed (VzSchedulesPage *self)
{
  VzSchedule *schedule = gtk_single_selection_get_selected_item (self->selection);
  GVariant *target = schedule != NULL ? g_variant_new_string (vz_entity_get_id (VZ_ENTITY (schedule))) : NULL;
  GtkWidget *buttons[3] = { self->open_button, self->duplicate_button, self->delete_button };
  const char *names[3] = { "schedules.open", "schedules.duplicate", "schedules.delete" };

  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  if (target != NULL)
    g_variant_ref_sink (target);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (buttons[i]), target != NULL ? names[i] : NULL);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (buttons[i]), target);
      gtk_widget_set_sensitive (buttons[i], target != NULL);
    }
  g_clear_pointer (&target, g_variant_unref);
}

/* ---- the week ---- */

static void
show_week_title (VzSchedulesPage *self)
{
  g_autofree char *title = vz_schedule_week_dup_title (self->week);

  gtk_label_set_text (self->week_label, title);
}

/* The groups @display_id is in (transfer full, NULL-terminated). */
static GStrv
groups_of (VzSchedulesPage *self,
           const char      *display_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GListModel *groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  guint n = g_list_model_get_n_items (groups);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (groups, i);
      const char * const *members = vz_display_group_get_display_ids (group);

      if (members != NULL && g_strv_contains (members, display_id))
        g_strv_builder_add (builder, vz_entity_get_id (VZ_ENTITY (group)));
    }
  return g_strv_builder_end (builder);
}

static void
on_target_selected (VzSchedulesPage *self)
{
  GObject *item = gtk_drop_down_get_selected_item (self->target_dropdown);
  gboolean group = FALSE;
  const char *id = item != NULL ? vz_schedule_target_id (item, &group) : NULL;

  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  if (self->engine == NULL || id == NULL)
    vz_schedule_week_set_target (self->week, NULL, NULL, NULL, NULL);
  else if (group)
    {
      const char * const ids[] = { id, NULL };

      vz_schedule_week_set_target (self->week, vz_sync_engine_get_schedules (self->engine), NULL, ids, NULL);
    }
  else
    {
      g_auto(GStrv) ids = groups_of (self, id);

      vz_schedule_week_set_target (self->week, vz_sync_engine_get_schedules (self->engine), id,
                                   (const char * const *) ids, vz_display_get_timezone (VZ_DISPLAY (item)));
    }
  show_week_title (self);
}

static gboolean
scroll_week_to_morning (gpointer data)
{
  VzSchedulesPage *self = data;
  double x, midnight, morning;

  /* The days' headings stay drawn over the top of what shows, as high as
   * midnight's row is from the top. */
  vz_schedule_week_point (self->week, 0, 0, &x, &midnight);
  vz_schedule_week_point (self->week, 0, 7 * 60, &x, &morning);
  gtk_adjustment_set_value (self->week_adjustment, morning - midnight - 8);
  return G_SOURCE_REMOVE;
}

/* The week opens on the working day: 07:00 at the top, once it is tall
 * enough to scroll. "changed" comes while the viewport is being allocated:
 * a value set then would move the drawn headings but not the grid under
 * them, so the scroll waits for the allocation to end. */
static void
on_week_adjustment_changed (VzSchedulesPage *self)
{
  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  if (self->week_scrolled ||
      gtk_adjustment_get_upper (self->week_adjustment) <= gtk_adjustment_get_page_size (self->week_adjustment))
    return;
  self->week_scrolled = TRUE;
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, scroll_week_to_morning, g_object_ref (self), g_object_unref);
}

/* ---- opening, making, copying, deleting ---- */

static GtkWindow *
page_window (VzSchedulesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
on_created (VzSchedulesPage *self,
            VzSchedule      *schedule)
{
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  /* TRANSLATORS: a toast after a schedule was made */
  title = g_strdup_printf (_("Created “%s”"), vz_schedule_get_name (schedule));
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "schedules.delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (vz_entity_get_id (VZ_ENTITY (schedule))));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static VzScheduleEditor *
open_editor (VzSchedulesPage *self,
             VzSchedule      *schedule)
{
  VzScheduleEditor *editor = vz_schedule_editor_new (page_window (self), self->engine, schedule);

  g_signal_connect_object (editor, "created", G_CALLBACK (on_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

static void
on_create_requested (VzSchedulesPage *self,
                     guint            days,
                     int              start_minute,
                     int              end_minute)
{
  GObject *item = gtk_drop_down_get_selected_item (self->target_dropdown);
  gboolean group = FALSE;
  const char *id = item != NULL ? vz_schedule_target_id (item, &group) : NULL;
  VzScheduleEditor *editor;

  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  if (self->engine == NULL || !vz_session_can_write (vz_sync_engine_get_session (self->engine)))
    return;
  editor = open_editor (self, NULL);
  vz_schedule_editor_prefill (editor, group ? NULL : id, group ? id : NULL, (guint8) days, start_minute, end_minute);
}

static void
on_schedule_activated (VzSchedulesPage *self,
                       const char      *id)
{
  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "schedules.open", "s", id);
}

static void
on_list_activate (VzSchedulesPage *self,
                  guint            position)
{
  g_autoptr(VzSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  g_assert (VZ_IS_SCHEDULES_PAGE (self));

  if (schedule != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "schedules.open", "s",
                                vz_entity_get_id (VZ_ENTITY (schedule)));
}

static VzSchedule *
lookup (VzSchedulesPage *self,
        GVariant        *parameter)
{
  if (self->engine == NULL)
    return NULL;
  return vz_store_lookup (vz_sync_engine_get_schedules (self->engine), g_variant_get_string (parameter, NULL));
}

static void
schedules_new (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);
  GObject *item = gtk_drop_down_get_selected_item (self->target_dropdown);
  gboolean group = FALSE;
  const char *id = item != NULL ? vz_schedule_target_id (item, &group) : NULL;
  VzScheduleEditor *editor;

  if (self->engine == NULL)
    return;
  editor = open_editor (self, NULL);
  vz_schedule_editor_prefill (editor, group ? NULL : id, group ? id : NULL, 0x3e, 8 * 60, 17 * 60);
}

static void
schedules_open (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);
  VzSchedule *schedule = lookup (self, parameter);

  if (schedule != NULL)
    open_editor (self, schedule);
}

static void
duplicated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VzSchedulesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSchedule) schedule = vz_sync_engine_create_schedule_finish (VZ_SYNC_ENGINE (source), result, &error);

  if (schedule == NULL)
    vz_gui_toast_error (GTK_WIDGET (self), error);
  else
    on_created (self, schedule);
}

static void
schedules_duplicate (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);

  if (lookup (self, parameter) != NULL)
    vz_sync_engine_duplicate_schedule_async (self->engine, g_variant_get_string (parameter, NULL), self->cancellable,
                                             duplicated_cb, g_object_ref (self));
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzSchedulesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_delete_finish (VZ_SYNC_ENGINE (source), result, &error))
    vz_gui_toast_error (GTK_WIDGET (self), error);
}

static void
schedules_delete (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);
  const char *ids[2] = { NULL, NULL };

  if (lookup (self, parameter) == NULL)
    return;
  ids[0] = g_variant_get_string (parameter, NULL);
  vz_sync_engine_delete_async (self->engine, VZ_RESOURCE_SCHEDULE, ids, self->cancellable, deleted_cb,
                               g_object_ref (self));
}

static void
schedules_delete_selected (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);
  VzSchedule *schedule = gtk_single_selection_get_selected_item (self->selection);

  if (schedule != NULL && g_str_equal (adw_view_stack_get_visible_child_name (self->stack), "list"))
    gtk_widget_activate_action (widget, "schedules.delete", "s", vz_entity_get_id (VZ_ENTITY (schedule)));
}

static void
schedules_week (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (widget);
  int offset = vz_schedule_week_get_offset (self->week);

  if (g_str_equal (action_name, "schedules.week-previous"))
    offset--;
  else if (g_str_equal (action_name, "schedules.week-next"))
    offset++;
  else
    offset = 0;
  vz_schedule_week_set_offset (self->week, offset);
  show_week_title (self);
}

static void
update_actions (VzSchedulesPage *self)
{
  gboolean can_write = self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.new", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.duplicate", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedules.delete", can_write);
}

/* ---- the object ---- */

static void
vz_schedules_page_dispose (GObject *object)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SCHEDULES_PAGE);
  g_clear_object (&self->groups_signals);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->targets);
  g_clear_object (&self->filter_targets);
  g_clear_object (&self->filter_playlists);
  g_clear_object (&self->filter);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (vz_schedules_page_parent_class)->dispose (object);
}

static void
vz_schedules_page_finalize (GObject *object)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_schedules_page_parent_class)->finalize (object);
}

static void
vz_schedules_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (object);

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
vz_schedules_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VzSchedulesPage *self = VZ_SCHEDULES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_schedules_page_set_sync_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_schedules_page_class_init (VzSchedulesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_SCHEDULE);
  g_type_ensure (VZ_TYPE_SCHEDULE_WEEK);

  object_class->dispose = vz_schedules_page_dispose;
  object_class->finalize = vz_schedules_page_finalize;
  object_class->get_property = vz_schedules_page_get_property;
  object_class->set_property = vz_schedules_page_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-schedules-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, week_label);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, week);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, week_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, filter_target);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, filter_playlist);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, filter_state);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, duplicate_button);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, selection);
  gtk_widget_class_bind_template_child (widget_class, VzSchedulesPage, filtered);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_target_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_week_adjustment_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_create_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_schedule_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, schedule_target);
  gtk_widget_class_bind_template_callback (widget_class, schedule_when);
  gtk_widget_class_bind_template_callback (widget_class, schedule_priority);
  gtk_widget_class_bind_template_callback (widget_class, schedule_state);
  gtk_widget_class_bind_template_callback (widget_class, target_name);

  gtk_widget_class_install_action (widget_class, "schedules.new", NULL, schedules_new);
  gtk_widget_class_install_action (widget_class, "schedules.open", "s", schedules_open);
  gtk_widget_class_install_action (widget_class, "schedules.duplicate", "s", schedules_duplicate);
  gtk_widget_class_install_action (widget_class, "schedules.delete", "s", schedules_delete);
  gtk_widget_class_install_action (widget_class, "schedules.delete-selected", NULL, schedules_delete_selected);
  gtk_widget_class_install_action (widget_class, "schedules.week-previous", NULL, schedules_week);
  gtk_widget_class_install_action (widget_class, "schedules.week-next", NULL, schedules_week);
  gtk_widget_class_install_action (widget_class, "schedules.week-today", NULL, schedules_week);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "schedules.delete-selected", NULL);
}

static void
vz_schedules_page_init (VzSchedulesPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_name_toast_buttons (self->toast_overlay);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  gtk_filter_list_model_set_filter (self->filtered, GTK_FILTER (self->filter));
  gtk_drop_down_set_expression (self->target_dropdown, vz_schedule_target_expression ());
  gtk_drop_down_set_expression (self->filter_target, vz_schedule_target_expression ());
  gtk_drop_down_set_expression (self->filter_playlist, vz_schedule_target_expression ());
  self->groups_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->groups_signals, "items-changed", G_CALLBACK (on_target_selected), self);
  /* A schedule switched off or given another playlist may leave the list's
   * filter or join it: the filter looks again after every change. */
  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "change-queued", G_CALLBACK (on_filter_changed), self);
  g_signal_group_connect_swapped (self->engine_signals, "change-committed", G_CALLBACK (on_filter_changed), self);
  g_signal_group_connect_swapped (self->engine_signals, "change-failed", G_CALLBACK (on_filter_changed), self);
  show_week_title (self);
  update_actions (self);
}

GtkWidget *
vz_schedules_page_new (void)
{
  return g_object_new (VZ_TYPE_SCHEDULES_PAGE, NULL);
}

void
vz_schedules_page_set_sync_engine (VzSchedulesPage *self,
                                   VzSyncEngine    *engine)
{
  g_return_if_fail (VZ_IS_SCHEDULES_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  g_clear_object (&self->targets);
  g_clear_object (&self->filter_targets);
  g_clear_object (&self->filter_playlists);
  if (engine != NULL)
    {
      self->targets = vz_schedule_targets_new (engine, NULL);
      self->filter_targets = vz_schedule_targets_new (engine, _("All screens and groups"));
      self->filter_playlists = vz_schedule_playlists_new (engine, _("All playlists"));
    }
  g_signal_group_set_target (self->groups_signals, engine != NULL ? vz_sync_engine_get_groups (engine) : NULL);
  g_signal_group_set_target (self->engine_signals, engine);
  gtk_drop_down_set_model (self->target_dropdown, self->targets);
  gtk_drop_down_set_model (self->filter_target, self->filter_targets);
  gtk_drop_down_set_model (self->filter_playlist, self->filter_playlists);
  gtk_filter_list_model_set_model (self->filtered,
                                   engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_schedules (engine)) : NULL);
  on_target_selected (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

void
vz_schedules_page_show_target (VzSchedulesPage *self,
                               const char      *id)
{
  guint position;

  g_return_if_fail (VZ_IS_SCHEDULES_PAGE (self));

  if (self->targets == NULL)
    return;
  position = vz_schedule_target_find (self->targets, id);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_drop_down_set_selected (self->target_dropdown, position);
}

VzScheduleWeek *
vz_schedules_page_get_week (VzSchedulesPage *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULES_PAGE (self), NULL);
  return self->week;
}

GListModel *
vz_schedules_page_get_shown (VzSchedulesPage *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULES_PAGE (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

GtkDropDown *
vz_schedules_page_get_filter (VzSchedulesPage *self,
                              const char      *which)
{
  g_return_val_if_fail (VZ_IS_SCHEDULES_PAGE (self), NULL);

  if (g_strcmp0 (which, "playlist") == 0)
    return self->filter_playlist;
  if (g_strcmp0 (which, "state") == 0)
    return self->filter_state;
  return self->filter_target;
}

void
vz_schedules_page_set_view (VzSchedulesPage *self,
                            const char      *view)
{
  g_return_if_fail (VZ_IS_SCHEDULES_PAGE (self));
  adw_view_stack_set_visible_child_name (self->stack, view);
}
