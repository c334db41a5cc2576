/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-schedule-editor-private.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-targets.h"

G_DEFINE_FINAL_TYPE (VzScheduleEditor, vz_schedule_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkToggleButton *
_vz_schedule_editor_day (VzScheduleEditor *self,
                         guint             weekday)
{
  GtkToggleButton *days[7] = { self->day_sun, self->day_mon, self->day_tue, self->day_wed,
                               self->day_thu, self->day_fri, self->day_sat };

  g_assert (weekday < 7);
  return days[weekday];
}

static void
update (VzScheduleEditor *self)
{
  g_autofree char *conflicts = NULL;
  g_autofree char *window = NULL;
  gboolean ok;

  g_assert (VZ_IS_SCHEDULE_EDITOR (self));

  _vz_schedule_editor_read (self);
  ok = self->draft.problems->len == 0;
  gtk_label_set_text (self->problems_label, self->draft.problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), !ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ok && !self->saving && self->engine != NULL);

  window = _vz_schedule_editor_window_words (self);
  adw_expander_row_set_subtitle (self->window_row, window);
  conflicts = _vz_schedule_editor_conflicts (self);
  gtk_label_set_text (self->conflicts_label, conflicts);
}

static void
on_changed (VzScheduleEditor *self)
{
  g_assert (VZ_IS_SCHEDULE_EDITOR (self));

  if (!self->filling)
    update (self);
}

static void
set_window (VzScheduleEditor *self,
            int               start_minute,
            int               end_minute)
{
  gboolean timed = start_minute >= 0 && end_minute >= 0 && start_minute != end_minute;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  adw_expander_row_set_enable_expansion (self->window_row, timed);
  adw_expander_row_set_expanded (self->window_row, timed);
  start = _vz_schedule_format_time (timed ? start_minute : 8 * 60);
  end = _vz_schedule_format_time (timed ? end_minute : 17 * 60);
  gtk_editable_set_text (GTK_EDITABLE (self->start_time_row), start);
  gtk_editable_set_text (GTK_EDITABLE (self->end_time_row), end);
}

static void
set_days (VzScheduleEditor *self,
          guint8            days)
{
  for (guint d = 0; d < 7; d++)
    gtk_toggle_button_set_active (_vz_schedule_editor_day (self, d), (days & (1u << d)) != 0);
}

static void
select_item (AdwComboRow *row,
             GListModel  *model,
             const char  *id)
{
  guint position = vz_schedule_target_find (model, id);

  if (position != GTK_INVALID_LIST_POSITION)
    adw_combo_row_set_selected (row, position);
}

static void
fill (VzScheduleEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  VzSchedule *schedule = self->schedule;

  self->filling = TRUE;
  if (schedule == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Schedule"));
      gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Create"));
      vz_date_row_set_date (self->start_date_row, today);
      set_days (self, 0x3e);
      set_window (self, 8 * 60, 17 * 60);
      gtk_widget_set_visible (self->record_box, FALSE);
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), vz_schedule_get_name (schedule));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), vz_schedule_get_name (schedule));
      select_item (self->playlist_row, self->playlists, vz_schedule_get_playlist_id (schedule));
      select_item (self->target_row, self->targets,
                   vz_schedule_get_display_id (schedule) != NULL ? vz_schedule_get_display_id (schedule)
                                                                 : vz_schedule_get_group_id (schedule));
      set_days (self, vz_schedule_get_days (schedule));
      set_window (self, vz_schedule_get_start_time (schedule), vz_schedule_get_end_time (schedule));
      vz_date_row_set_date (self->start_date_row,
                            vz_schedule_get_start_date (schedule) != NULL ? vz_schedule_get_start_date (schedule) : today);
      vz_date_row_set_date (self->end_date_row, vz_schedule_get_end_date (schedule));
      gtk_spin_button_set_value (self->priority_spin, vz_schedule_get_priority (schedule));
      gtk_switch_set_active (self->active_switch, vz_schedule_get_is_active (schedule));
    }
  self->filling = FALSE;
  update (self);
}

/* ---- saving ---- */

static void
set_time_member (JsonObject *object,
                 const char *member,
                 int         minute)
{
  if (minute == VZ_SCHEDULE_NO_TIME)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, minute);
}

static JsonArray *
days_array (guint8 days)
{
  JsonArray *array = json_array_new ();

  for (guint d = 0; d < 7; d++)
    if (days & (1u << d))
      json_array_add_int_element (array, d);
  return array;
}

static JsonObject *
reference (const char *id,
           const char *name_member,
           const char *name)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, name_member, name);
  return object;
}

/* The weekdays, dates and screen or group, as the "when" edit takes them
 * (with the screen's or group's name when @self is given). */
static JsonObject *
when_args (const VzScheduleDraft *draft,
           VzScheduleEditor      *self)
{
  JsonObject *args = json_object_new ();
  GObject *target = self != NULL ? adw_combo_row_get_selected_item (self->target_row) : NULL;

  if (VZ_IS_DISPLAY (target))
    json_object_set_object_member (args, "display",
                                   reference (draft->display_id, "nickname",
                                              vz_display_get_display_name (VZ_DISPLAY (target))));
  else if (VZ_IS_DISPLAY_GROUP (target))
    json_object_set_object_member (args, "displayGroup",
                                   reference (draft->group_id, "name",
                                              vz_display_group_get_name (VZ_DISPLAY_GROUP (target))));

  json_object_set_array_member (args, "daysOfWeek", days_array (draft->days));
  json_object_set_string_member (args, "startDate", draft->start_date);
  if (draft->end_date != NULL)
    json_object_set_string_member (args, "endDate", draft->end_date);
  else
    json_object_set_null_member (args, "endDate");
  if (draft->display_id != NULL)
    json_object_set_string_member (args, "displayId", draft->display_id);
  else
    json_object_set_string_member (args, "displayGroupId", draft->group_id);
  return args;
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzScheduleEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSchedule) schedule = vz_sync_engine_create_schedule_finish (VZ_SYNC_ENGINE (source), result, &error);

  self->saving = FALSE;
  if (schedule == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->problems_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problems_label), TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, schedule);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_async_result_is_tagged (result, vz_sync_engine_edit_async))
    done = vz_sync_engine_edit_finish (VZ_SYNC_ENGINE (source), result, &error);
  else
    done = vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (!done && parent != NULL)
    vz_gui_toast_error (parent, error);
}

static GtkWidget *
parent_ref (VzScheduleEditor *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  return parent != NULL ? g_object_ref (GTK_WIDGET (parent)) : NULL;
}

/* The fields that changed, as the engine's update takes them. */
static JsonObject *
field_changes (VzScheduleEditor *self)
{
  const VzScheduleDraft *draft = &self->draft;
  VzSchedule *schedule = self->schedule;
  JsonObject *changes = json_object_new ();

  if (g_strcmp0 (draft->name, vz_schedule_get_name (schedule)) != 0)
    json_object_set_string_member (changes, "name", draft->name);
  if (g_strcmp0 (draft->playlist_id, vz_schedule_get_playlist_id (schedule)) != 0)
    json_object_set_string_member (changes, "playlistId", draft->playlist_id);
  if (draft->start_time != vz_schedule_get_start_time (schedule))
    set_time_member (changes, "startTime", draft->start_time);
  if (draft->end_time != vz_schedule_get_end_time (schedule))
    set_time_member (changes, "endTime", draft->end_time);
  if (draft->priority != vz_schedule_get_priority (schedule))
    json_object_set_int_member (changes, "priority", draft->priority);
  if (draft->is_active != vz_schedule_get_is_active (schedule))
    json_object_set_boolean_member (changes, "isActive", draft->is_active);
  return changes;
}

static gboolean
when_changed (VzScheduleEditor *self)
{
  const VzScheduleDraft *draft = &self->draft;
  VzSchedule *schedule = self->schedule;

  return draft->days != vz_schedule_get_days (schedule) ||
         g_strcmp0 (draft->start_date, vz_schedule_get_start_date (schedule)) != 0 ||
         g_strcmp0 (draft->end_date, vz_schedule_get_end_date (schedule)) != 0 ||
         g_strcmp0 (draft->display_id, vz_schedule_get_display_id (schedule)) != 0 ||
         g_strcmp0 (draft->group_id, vz_schedule_get_group_id (schedule)) != 0;
}

static void
editor_save (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VzScheduleEditor *self = VZ_SCHEDULE_EDITOR (widget);
  const VzScheduleDraft *draft = &self->draft;
  const char *id;

  update (self);
  if (self->engine == NULL || self->saving || draft->problems->len > 0)
    return;

  if (self->schedule == NULL)
    {
      g_autoptr(JsonObject) body = when_args (draft, NULL);

      json_object_set_string_member (body, "name", draft->name);
      json_object_set_string_member (body, "playlistId", draft->playlist_id);
      if (draft->start_time != VZ_SCHEDULE_NO_TIME)
        {
          json_object_set_int_member (body, "startTime", draft->start_time);
          json_object_set_int_member (body, "endTime", draft->end_time);
        }
      if (draft->end_date == NULL)
        json_object_remove_member (body, "endDate");
      json_object_set_int_member (body, "priority", draft->priority);
      json_object_set_boolean_member (body, "isActive", draft->is_active);
      self->saving = TRUE;
      gtk_widget_action_set_enabled (widget, "editor.save", FALSE);
      vz_sync_engine_create_schedule_async (self->engine, body, self->cancellable, created_cb, g_object_ref (self));
      return;
    }

  id = vz_entity_get_id (VZ_ENTITY (self->schedule));
  if (when_changed (self))
    {
      g_autoptr(JsonObject) args = when_args (draft, self);

      vz_sync_engine_edit_async (self->engine, VZ_RESOURCE_SCHEDULE, id, VZ_SCHEDULE_EDIT_WHEN, args, NULL, queued_cb,
                                 parent_ref (self));
    }
  {
    g_autoptr(JsonObject) changes = field_changes (self);

    if (json_object_get_size (changes) > 0)
      vz_sync_engine_update_async (self->engine, VZ_RESOURCE_SCHEDULE, id, changes, NULL, queued_cb,
                                   parent_ref (self));
  }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
duplicated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VzScheduleEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzSchedule) schedule = vz_sync_engine_create_schedule_finish (VZ_SYNC_ENGINE (source), result, &error);

  if (schedule == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_text (self->problems_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->problems_label), TRUE);
        }
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, schedule);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
editor_duplicate (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzScheduleEditor *self = VZ_SCHEDULE_EDITOR (widget);

  if (self->engine == NULL || self->schedule == NULL)
    return;
  vz_sync_engine_duplicate_schedule_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->schedule)),
                                           self->cancellable, duplicated_cb, g_object_ref (self));
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_delete_finish (VZ_SYNC_ENGINE (source), result, &error) && parent != NULL)
    vz_gui_toast_error (parent, error);
}

static void
editor_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzScheduleEditor *self = VZ_SCHEDULE_EDITOR (widget);
  const char *ids[2] = { NULL, NULL };

  if (self->engine == NULL || self->schedule == NULL)
    return;
  ids[0] = vz_entity_get_id (VZ_ENTITY (self->schedule));
  vz_sync_engine_delete_async (self->engine, VZ_RESOURCE_SCHEDULE, ids, NULL, deleted_cb, parent_ref (self));
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- the object ---- */

static void
vz_schedule_editor_dispose (GObject *object)
{
  VzScheduleEditor *self = VZ_SCHEDULE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_SCHEDULE_EDITOR);
  g_clear_object (&self->playlists);
  g_clear_object (&self->targets);
  g_clear_object (&self->schedule);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (vz_schedule_editor_parent_class)->dispose (object);
}

static void
vz_schedule_editor_finalize (GObject *object)
{
  VzScheduleEditor *self = VZ_SCHEDULE_EDITOR (object);

  _vz_schedule_draft_clear (&self->draft);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_schedule_editor_parent_class)->finalize (object);
}

static void
vz_schedule_editor_class_init (VzScheduleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_schedule_editor_dispose;
  object_class->finalize = vz_schedule_editor_finalize;

  signals[SIGNAL_CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_SCHEDULE);

  g_type_ensure (VZ_TYPE_DATE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-schedule-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, playlist_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, target_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_mon);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_tue);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_wed);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_thu);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_fri);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_sat);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, day_sun);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, window_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, start_time_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, end_time_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, start_date_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, end_date_row);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, priority_spin);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, active_switch);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, conflicts_label);
  gtk_widget_class_bind_template_child (widget_class, VzScheduleEditor, record_box);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, editor_save);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, editor_duplicate);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, editor_delete);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
vz_schedule_editor_init (VzScheduleEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The switch libadwaita puts in the row is named after the row. */
  vz_gui_name_inner (GTK_WIDGET (self->window_row), GTK_TYPE_SWITCH,
                     adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->window_row)));
  self->filling = FALSE;
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
}

VzScheduleEditor *
vz_schedule_editor_new (GtkWindow    *parent,
                        VzSyncEngine *engine,
                        VzSchedule   *schedule)
{
  VzScheduleEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (schedule == NULL || VZ_IS_SCHEDULE (schedule), NULL);

  self = g_object_new (VZ_TYPE_SCHEDULE_EDITOR, "transient-for", parent, NULL);
  self->engine = g_object_ref (engine);
  self->schedule = schedule != NULL ? g_object_ref (schedule) : NULL;
  self->filling = TRUE;
  self->playlists = vz_schedule_playlists_new (engine, NULL);
  self->targets = vz_schedule_targets_new (engine, NULL);
  adw_combo_row_set_expression (self->playlist_row, vz_schedule_target_expression ());
  adw_combo_row_set_model (self->playlist_row, self->playlists);
  adw_combo_row_set_expression (self->target_row, vz_schedule_target_expression ());
  adw_combo_row_set_model (self->target_row, self->targets);
  fill (self);
  return self;
}

void
vz_schedule_editor_prefill (VzScheduleEditor *self,
                            const char       *display_id,
                            const char       *group_id,
                            guint8            days,
                            int               start_minute,
                            int               end_minute)
{
  g_return_if_fail (VZ_IS_SCHEDULE_EDITOR (self));

  self->filling = TRUE;
  select_item (self->target_row, self->targets, display_id != NULL ? display_id : group_id);
  if (days != 0)
    set_days (self, days);
  set_window (self, start_minute, end_minute);
  self->filling = FALSE;
  update (self);
}

GtkEditable *
vz_schedule_editor_get_name_entry (VzScheduleEditor *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return GTK_EDITABLE (self->name_row);
}

VzDateRow *
vz_schedule_editor_get_date_row (VzScheduleEditor *self,
                                 gboolean          end)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return end ? self->end_date_row : self->start_date_row;
}

GtkSpinButton *
vz_schedule_editor_get_priority (VzScheduleEditor *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return self->priority_spin;
}

GtkToggleButton *
vz_schedule_editor_get_day (VzScheduleEditor *self,
                            guint             weekday)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  g_return_val_if_fail (weekday < 7, NULL);
  return _vz_schedule_editor_day (self, weekday);
}

AdwComboRow *
vz_schedule_editor_get_playlist_row (VzScheduleEditor *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return self->playlist_row;
}

const char *
vz_schedule_editor_get_conflicts (VzScheduleEditor *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return gtk_label_get_text (self->conflicts_label);
}

const char *
vz_schedule_editor_get_problems (VzScheduleEditor *self)
{
  g_return_val_if_fail (VZ_IS_SCHEDULE_EDITOR (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->problems_label)) ? gtk_label_get_text (self->problems_label) : "";
}

void
vz_schedule_editor_get_when (VzScheduleEditor *self,
                             guint8           *days,
                             int              *start_minute,
                             int              *end_minute)
{
  g_return_if_fail (VZ_IS_SCHEDULE_EDITOR (self));

  *days = self->draft.days;
  *start_minute = self->draft.start_time;
  *end_minute = self->draft.end_time;
}
