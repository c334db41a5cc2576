/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-schedules"

#include "config.h"

#include <adwaita.h>

#include "vz-schedule-block.h"
#include "vz-schedule-editor.h"
#include "vz-schedule-resource.h"
#include "vz-schedule-targets.h"
#include "vz-schedules-page.h"
#include "vz-test-clock.h"
#include "vz-test-monitor.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-window.h"
#include "vz-window-private.h"

/*
 * The Schedules page against the real vizora-server, with real pointer and
 * key input (xdotool through Xvfb): Alt+4 opens it; a drag across Monday
 * morning in the week view opens the editor there, which says in words
 * which schedule wins where the new one meets another; its dates are
 * chosen in the calendar pickers by keys and clicks, and an end date before
 * the start is refused; saved, the server holds it and the week marks it
 * as the one that plays; the list narrows by playlist and state; a delete
 * made offline comes back with Undo and never reaches the server.
 */

static char *outbox_root;

typedef struct {
  VzTestServer    *server;
  char            *token;
  VzSyncEngine    *engine;
  VzWindow        *window;
  VzSchedulesPage *page;
  const char      *want;
} Fixture;

/* The schedule named fx->want on the server, or NULL (transfer full). */
static JsonObject *
server_schedule (Fixture *fx)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (fx->server, "GET", "/schedules", fx->token, NULL, 200, &keep);
  JsonArray *rows = json_object_get_array_member (data, "data");

  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "name"), fx->want) == 0)
        return json_object_ref (row);
    }
  return NULL;
}

static gboolean
server_has (gpointer data)
{
  g_autoptr(JsonObject) row = server_schedule (data);

  return row != NULL;
}

static gboolean
server_on_one_day (gpointer data)
{
  g_autoptr(JsonObject) row = server_schedule (data);

  return row != NULL && json_array_get_length (json_object_get_array_member (row, "daysOfWeek")) == 1;
}

static gboolean
server_lacks (gpointer data)
{
  g_autoptr(JsonObject) row = server_schedule (data);

  return row == NULL;
}

/* The week's blocks' labels, "|" between. */
static char *
week_labels (Fixture *fx)
{
  GPtrArray *blocks = vz_schedule_week_get_blocks (vz_schedules_page_get_week (fx->page));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "|" : "",
                            vz_schedule_block_get_label (g_ptr_array_index (blocks, i)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
week_has (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *labels = week_labels (fx);

  return strstr (labels, fx->want) != NULL;
}

static gboolean
week_lacks (gpointer data)
{
  return !week_has (data);
}

static gboolean
editor_open (gpointer data)
{
  return ui_find_toplevel (VZ_TYPE_SCHEDULE_EDITOR) != NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
editor_closed (gpointer data)
{
  return ui_find_toplevel (VZ_TYPE_SCHEDULE_EDITOR) == NULL;
}

static gboolean
shown_count_is (gpointer data)
{
  Fixture *fx = data;

  return g_list_model_get_n_items (vz_schedules_page_get_shown (fx->page)) == GPOINTER_TO_UINT (fx->want);
}

static gboolean
engine_offline (gpointer data)
{
  Fixture *fx = data;

  return vz_sync_engine_get_connection_state (fx->engine) == VZ_CONNECTION_STATE_OFFLINE;
}

/* Undo would bring Breakfast back (the delete is queued). */
static gboolean
undo_deletes (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (vz_sync_engine_get_undo_label (fx->engine), "Deleted “Breakfast”") == 0 &&
         vz_sync_engine_get_can_undo (fx->engine);
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *fx = data;

  return vz_sync_engine_get_pending_count (fx->engine) == 0 &&
         vz_sync_engine_get_connection_state (fx->engine) == VZ_CONNECTION_STATE_ONLINE;
}

static const char *
schedule_id_named (Fixture    *fx,
                   const char *name)
{
  GListModel *store = G_LIST_MODEL (vz_sync_engine_get_schedules (fx->engine));

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(VzSchedule) schedule = g_list_model_get_item (store, i);

      if (g_strcmp0 (vz_schedule_get_name (schedule), name) == 0)
        return g_intern_string (vz_entity_get_id (VZ_ENTITY (schedule)));
    }
  return NULL;
}

/* The first day of the month @calendar shows, as its label. */
static gboolean
is_first_of_month (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "day-number") &&
         !gtk_widget_has_css_class (widget, "other-month") &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), "1") == 0;
}

static gboolean
popover_open (gpointer row)
{
  GtkPopover *popover = gtk_menu_button_get_popover (vz_date_row_get_button (row));

  return gtk_widget_get_mapped (GTK_WIDGET (popover)) &&
         gtk_widget_get_mapped (GTK_WIDGET (vz_date_row_get_calendar (row)));
}

static gboolean
popover_closed (gpointer row)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (vz_date_row_get_button (row))));
}

/* @when moved by @months, as "YYYY-MM-DD"; on its 1st with @first. */
static char *
day_of (GDateTime *when,
        int        months,
        gboolean   first)
{
  g_autoptr(GDateTime) moved = g_date_time_add_months (when, months);
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (moved), g_date_time_get_month (moved),
                                                     first ? 1 : g_date_time_get_day_of_month (moved), 0, 0, 0);

  return g_date_time_format (day, "%Y-%m-%d");
}

/* The dates chosen in the pickers with real clicks and keys: the start a
 * month back (Page Up, Enter), the end first on the 1st of this month (a
 * click on the day), then two months back, before the start (said beside
 * the form, saving blocked), forward again, and "No end date" at last. */
static void
pick_dates (VzScheduleEditor *editor,
            GtkWidget        *save)
{
  VzDateRow *start_row = vz_schedule_editor_get_date_row (editor, FALSE);
  VzDateRow *end_row = vz_schedule_editor_get_date_row (editor, TRUE);
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *today_day = day_of (today, 0, FALSE);
  g_autofree char *month_back = day_of (today, -1, FALSE);
  g_autofree char *first = day_of (today, 0, TRUE);
  g_autofree char *first_back2 = day_of (today, -2, TRUE);
  g_autoptr(GDateTime) start_day = NULL;
  g_autofree char *start_words = NULL;
  GtkWidget *first_label;

  /* A new schedule starts today and has no end. */
  g_assert_cmpstr (vz_date_row_get_date (start_row), ==, today_day);
  g_assert_null (vz_date_row_get_date (end_row));
  g_assert_cmpstr (gtk_menu_button_get_label (vz_date_row_get_button (end_row)), ==, "No end date");

  /* The start by keys alone: Enter on its button opens the calendar. The
   * focus scrolls the form to the dates. */
  g_assert_true (wait_for (is_mapped, vz_date_row_get_button (start_row), 10));
  gtk_widget_grab_focus (GTK_WIDGET (vz_date_row_get_button (start_row)));
  spin (300);
  x_keys (GTK_WINDOW (editor), "Return");
  g_assert_true (wait_for (popover_open, start_row, 10));
  x_keys (GTK_WINDOW (editor), "Page_Up Return");
  g_assert_true (wait_for (popover_closed, start_row, 10));
  g_assert_cmpstr (vz_date_row_get_date (start_row), ==, month_back);
  /* The button says the day the locale's way. */
  start_day = g_date_time_add_months (today, -1);
  start_words = g_date_time_format (start_day, "%x");
  g_assert_cmpstr (gtk_menu_button_get_label (vz_date_row_get_button (start_row)), ==, start_words);

  /* The end by pointer: a click on its button, on "No end date", on a day. */
  gtk_widget_grab_focus (GTK_WIDGET (vz_date_row_get_button (end_row)));
  spin (300);
  x_click (GTK_WIDGET (vz_date_row_get_button (end_row)), NULL, 1);
  g_assert_true (wait_for (popover_open, end_row, 10));
  g_assert_true (gtk_check_button_get_active (vz_date_row_get_none_check (end_row)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (vz_date_row_get_calendar (end_row))));
  x_click (GTK_WIDGET (vz_date_row_get_none_check (end_row)), NULL, 1);
  g_assert_cmpstr (vz_date_row_get_date (end_row), ==, today_day);
  first_label = ui_find_widget (GTK_WIDGET (vz_date_row_get_calendar (end_row)), is_first_of_month, NULL);
  g_assert_nonnull (first_label);
  x_click (first_label, NULL, 1);
  g_assert_cmpstr (vz_date_row_get_date (end_row), ==, first);
  g_assert_cmpstr (vz_schedule_editor_get_problems (editor), ==, "");

  /* Before the start: said beside the form, and it blocks saving. */
  x_keys (GTK_WINDOW (editor), "Page_Up Page_Up");
  g_assert_cmpstr (vz_date_row_get_date (end_row), ==, first_back2);
  g_assert_cmpstr (vz_schedule_editor_get_problems (editor), ==, "The end date is before the start date.");
  g_assert_false (gtk_widget_get_sensitive (save));
  x_keys (GTK_WINDOW (editor), "Page_Down Page_Down Right Left Return");
  g_assert_true (wait_for (popover_closed, end_row, 10));
  g_assert_cmpstr (vz_date_row_get_date (end_row), ==, first);
  g_assert_cmpstr (vz_schedule_editor_get_problems (editor), ==, "");
  g_assert_true (gtk_widget_get_sensitive (save));

  /* And no end again. */
  x_click (GTK_WIDGET (vz_date_row_get_button (end_row)), NULL, 1);
  g_assert_true (wait_for (popover_open, end_row, 10));
  x_click (GTK_WIDGET (vz_date_row_get_none_check (end_row)), NULL, 1);
  g_assert_null (vz_date_row_get_date (end_row));
  x_keys (GTK_WINDOW (editor), "Escape");
  g_assert_true (wait_for (popover_closed, end_row, 10));
  g_assert_cmpstr (gtk_menu_button_get_label (vz_date_row_get_button (end_row)), ==, "No end date");
}

static void
test_schedules_page (void)
{
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  Fixture fixture = { 0 };
  Fixture *fx = &fixture;
  g_autofree char *screen = NULL;
  g_autofree char *breakfast = NULL;
  g_autofree char *lunch = NULL;
  g_autofree char *body = NULL;
  g_autofree char *lunch_schedule = NULL;
  g_autoptr(JsonObject) row = NULL;
  VzScheduleWeek *week;
  VzScheduleEditor *editor;
  GtkWidget *save;
  JsonArray *days;
  double x0, y0, x1, y1;
  guint8 when_days;
  int start, end;
  const char *id;

  fx->server = vz_test_server_start (NULL);
  fx->token = vz_test_server_login (fx->server);
  screen = vz_test_server_pair_screen (fx->server, fx->token, "Lobby", NULL);
  breakfast = vz_test_server_create (fx->server, fx->token, "/playlists", "{\"name\":\"Morning\"}");
  lunch = vz_test_server_create (fx->server, fx->token, "/playlists", "{\"name\":\"Midday\"}");
  body = g_strdup_printf ("{\"name\":\"Lunch\",\"playlistId\":\"%s\",\"displayId\":\"%s\",\"daysOfWeek\":[1,2,3,4,5],"
                          "\"startTime\":600,\"endTime\":840,\"startDate\":\"2020-01-01\",\"priority\":3}",
                          lunch, screen);
  lunch_schedule = vz_test_server_create (fx->server, fx->token, "/schedules", body);

  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_root);
  fx->window = ui_open_window (fx->engine, 1280, 800);
  fx->page = vz_window_get_schedules_page (fx->window);
  week = vz_schedules_page_get_week (fx->page);

  /* Alt+4, a real key press, shows the page. */
  x_keys (GTK_WINDOW (fx->window), "alt+4");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fx->window->content_stack), ==, "schedules");

  /* The screen's week: Lunch on the five weekdays, playing all of its time. */
  fx->want = "Lunch, playlist Midday, Monday 10:00–14:00, priority 3, plays";
  g_assert_true (wait_for (week_has, fx, 30));
  g_assert_cmpuint (vz_schedule_week_get_blocks (week)->len, ==, 5);

  /* A drag across Monday from 08:00 to 12:00 opens the editor there. The
   * editor starts a new schedule today, and the dates picked in it are told
   * from today: all of it happens on one day (local), not across midnight. */
  {
    g_autoptr(GTimeZone) local = g_time_zone_new_local ();

    vz_test_clock_clear_of_midnight (local, 120);
  }
  spin (500);  /* the week scrolls to the working day once it is shown */
  vz_schedule_week_point (week, 0, 8 * 60, &x0, &y0);
  vz_schedule_week_point (week, 0, 12 * 60, &x1, &y1);
  x_drag (GTK_WIDGET (week), x0, y0 + 2, x1, y1 + 2);
  g_assert_true (wait_for (editor_open, NULL, 10));
  editor = VZ_SCHEDULE_EDITOR (ui_find_toplevel (VZ_TYPE_SCHEDULE_EDITOR));
  vz_schedule_editor_get_when (editor, &when_days, &start, &end);
  g_assert_cmpuint (when_days, ==, 1u << 1);
  g_assert_cmpint (start, ==, 8 * 60);
  g_assert_cmpint (end, ==, 12 * 60);
  save = ui_find_action_button (GTK_WIDGET (editor), "editor.save");
  g_assert_nonnull (save);
  /* Unnamed, it cannot be saved yet. */
  g_assert_nonnull (strstr (vz_schedule_editor_get_problems (editor), "Give the schedule a name."));
  g_assert_false (gtk_widget_get_sensitive (save));

  /* Filled in, it says who wins where the two meet, as one types. */
  gtk_editable_set_text (vz_schedule_editor_get_name_entry (editor), "Breakfast");
  adw_combo_row_set_selected (vz_schedule_editor_get_playlist_row (editor),
                              vz_schedule_target_find (adw_combo_row_get_model (vz_schedule_editor_get_playlist_row (editor)),
                                                       breakfast));
  gtk_spin_button_set_value (vz_schedule_editor_get_priority (editor), 5);
  g_assert_cmpstr (vz_schedule_editor_get_conflicts (editor), ==,
                   "Shares time with 1 other schedule:\n"
                   "Monday 10:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)");
  gtk_spin_button_set_value (vz_schedule_editor_get_priority (editor), 1);
  g_assert_cmpstr (vz_schedule_editor_get_conflicts (editor), ==,
                   "Shares time with 1 other schedule:\n"
                   "Monday 10:00–12:00: Lunch (priority 3) wins over Breakfast (priority 1)");
  gtk_spin_button_set_value (vz_schedule_editor_get_priority (editor), 5);

  pick_dates (editor, save);

  /* Saved with a real click: on the server as drawn. */
  g_assert_true (wait_for (is_mapped, save, 10));
  spin (300);
  x_click (save, NULL, 1);
  g_assert_true (wait_for (editor_closed, NULL, 30));
  fx->want = "Breakfast";
  row = server_schedule (fx);
  days = json_object_get_array_member (row, "daysOfWeek");
  g_assert_cmpuint (json_array_get_length (days), ==, 1);
  g_assert_cmpint (json_array_get_int_element (days, 0), ==, 1);
  g_assert_cmpint (json_object_get_int_member (row, "startTime"), ==, 480);
  g_assert_cmpint (json_object_get_int_member (row, "endTime"), ==, 720);
  g_assert_cmpint (json_object_get_int_member (row, "priority"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (row, "displayId"), ==, screen);
  g_assert_cmpstr (json_object_get_string_member (row, "playlistId"), ==, breakfast);

  /* The week: Breakfast plays all of its time; Lunch on Monday only after it. */
  fx->want = "Breakfast, playlist Morning, Monday 08:00–12:00, priority 5, plays";
  g_assert_true (wait_for (week_has, fx, 15));
  fx->want = "Lunch, playlist Midday, Monday 10:00–14:00, priority 3, plays 12:00–14:00";
  g_assert_true (wait_for (week_has, fx, 5));
  g_assert_cmpuint (vz_schedule_week_get_blocks (week)->len, ==, 6);

  /* Opened again from its block, Wednesday added with a click: the change
   * shows at once, reaches the server, and Undo takes it back. */
  gtk_widget_activate_action (GTK_WIDGET (fx->page), "schedules.open", "s", schedule_id_named (fx, "Breakfast"));
  g_assert_true (wait_for (editor_open, NULL, 10));
  editor = VZ_SCHEDULE_EDITOR (ui_find_toplevel (VZ_TYPE_SCHEDULE_EDITOR));
  g_assert_cmpstr (gtk_editable_get_text (vz_schedule_editor_get_name_entry (editor)), ==, "Breakfast");
  g_assert_true (wait_for (is_mapped, vz_schedule_editor_get_day (editor, 3), 10));
  spin (300);
  x_click (GTK_WIDGET (vz_schedule_editor_get_day (editor, 3)), NULL, 1);
  g_assert_true (gtk_toggle_button_get_active (vz_schedule_editor_get_day (editor, 3)));
  g_assert_cmpstr (vz_schedule_editor_get_conflicts (editor), ==,
                   "Shares time with 1 other schedule:\n"
                   "Monday, Wednesday 10:00–12:00: Breakfast (priority 5) wins over Lunch (priority 3)");
  x_click (ui_find_action_button (GTK_WIDGET (editor), "editor.save"), NULL, 1);
  g_assert_true (wait_for (editor_closed, NULL, 10));
  fx->want = "Breakfast, playlist Morning, Wednesday 08:00–12:00, priority 5, plays";
  g_assert_true (wait_for (week_has, fx, 5));
  fx->want = "Breakfast";
  g_assert_true (wait_for (nothing_pending, fx, 15));
  g_clear_pointer (&row, json_object_unref);
  row = server_schedule (fx);
  days = json_object_get_array_member (row, "daysOfWeek");
  g_assert_cmpuint (json_array_get_length (days), ==, 2);
  g_assert_cmpint (json_array_get_int_element (days, 1), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (row, "displayId"), ==, screen);
  gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL);
  fx->want = "Breakfast, playlist Morning, Wednesday";
  g_assert_true (wait_for (week_lacks, fx, 10));
  fx->want = "Breakfast";
  g_assert_true (wait_for (server_on_one_day, fx, 15));

  /* The list, narrowed by playlist and by state. */
  vz_schedules_page_set_view (fx->page, "list");
  fx->want = GUINT_TO_POINTER (2);
  g_assert_true (wait_for (shown_count_is, fx, 5));
  gtk_drop_down_set_selected (vz_schedules_page_get_filter (fx->page, "playlist"),
                              vz_schedule_target_find (gtk_drop_down_get_model (vz_schedules_page_get_filter (fx->page, "playlist")),
                                                       lunch));
  fx->want = GUINT_TO_POINTER (1);
  g_assert_true (wait_for (shown_count_is, fx, 5));
  gtk_drop_down_set_selected (vz_schedules_page_get_filter (fx->page, "playlist"), 0);
  gtk_drop_down_set_selected (vz_schedules_page_get_filter (fx->page, "state"), 2);
  fx->want = GUINT_TO_POINTER (0);
  g_assert_true (wait_for (shown_count_is, fx, 5));
  gtk_drop_down_set_selected (vz_schedules_page_get_filter (fx->page, "state"), 0);
  vz_schedules_page_set_view (fx->page, "week");

  /* Deleted while offline: gone at once; Undo brings it back; the server
   * never loses it. */
  vz_test_monitor_set_available (monitor, FALSE);
  g_assert_true (wait_for (engine_offline, fx, 10));
  id = schedule_id_named (fx, "Breakfast");
  g_assert_nonnull (id);
  gtk_widget_activate_action (GTK_WIDGET (fx->page), "schedules.delete", "s", id);
  fx->want = "Breakfast,";
  g_assert_true (wait_for (week_lacks, fx, 10));
  g_assert_true (wait_for (undo_deletes, fx, 10));
  gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.undo", NULL);
  g_assert_true (wait_for (week_has, fx, 10));
  vz_test_monitor_set_available (monitor, TRUE);
  g_assert_true (wait_for (nothing_pending, fx, 30));
  fx->want = "Breakfast";
  g_assert_true (server_has (fx));

  /* Deleted online: gone from the server too. */
  gtk_widget_activate_action (GTK_WIDGET (fx->page), "schedules.delete", "s", schedule_id_named (fx, "Breakfast"));
  g_assert_true (wait_for (server_lacks, fx, 15));

  ui_close_window (fx->window);
  vz_sync_engine_stop (fx->engine);
  g_clear_object (&fx->engine);
  g_free (fx->token);
  vz_test_server_free (fx->server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  outbox_root = g_dir_make_tmp ("vz-ui-schedules-XXXXXX", NULL);
  g_test_add_func ("/ui/schedules/page", test_schedules_page);
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
