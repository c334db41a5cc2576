/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tab-walk-util"

#include "config.h"

#include <adwaita.h>

#include "tab-walk-util.h"
#include "vz-ui-test-util.h"

/* A walk longer than this is lost, not long. */
#define MAX_PRESSES 150
/* How long one key press may take to move the focus on a loaded machine. */
#define KEY_DEADLINE_S 20

/* ---- what there is to reach ---- */

static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

/* Neither @widget nor what holds it keeps the focus out (can-focus). */
static gboolean
focus_allowed (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_can_focus (w))
      return FALSE;
  return gtk_widget_is_sensitive (widget);
}

static gboolean
takes_focus (GtkWidget *widget)
{
  return gtk_widget_get_focusable (widget) && focus_allowed (widget) && is_shown (widget);
}

/* Whether anything under @widget, apart from @list's own rows, takes the
 * focus. */
static gboolean
holds_controls (GtkWidget *widget,
                GtkWidget *list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      gboolean row = gtk_widget_get_parent (child) == list;

      if ((!row && takes_focus (child)) || holds_controls (child, list))
        return TRUE;
    }
  return FALSE;
}

/* Whether @list has items to go to (an empty table has only its titles). */
static gboolean
has_items (GtkWidget *list)
{
  GListModel *model = NULL;

  if (GTK_IS_LIST_BOX (list))
    return gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0) != NULL;
  if (GTK_IS_FLOW_BOX (list))
    return gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (list), 0) != NULL;
  if (GTK_IS_LIST_VIEW (list))
    model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  else if (GTK_IS_COLUMN_VIEW (list))
    model = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (list)));
  else if (GTK_IS_GRID_VIEW (list))
    model = G_LIST_MODEL (gtk_grid_view_get_model (GTK_GRID_VIEW (list)));
  return model != NULL && g_list_model_get_n_items (model) > 0;
}

/* A list box of settings (AdwPreferencesRows, as in a preferences group),
 * where Tab goes from row to row as everywhere in GNOME's settings. */
static gboolean
rows_are_settings (GtkWidget *list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && !ADW_IS_PREFERENCES_ROW (child))
      return FALSE;
  return TRUE;
}

static gboolean
is_item_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) || GTK_IS_COLUMN_VIEW (widget) || GTK_IS_GRID_VIEW (widget))
    return TRUE;
  if (GTK_IS_LIST_BOX (widget))
    return !rows_are_settings (widget);
  return GTK_IS_FLOW_BOX (widget) && !holds_controls (widget, widget);
}

/* The outermost list of items around @widget within @scope (a popover
 * in a list's row is a scope of its own). */
static GtkWidget *
item_list_of (GtkWidget *widget,
              GtkWidget *scope)
{
  GtkWidget *found = NULL;

  /* The outermost: a column view holds a list view of its own. */
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (is_item_list (w))
        found = w;
      if (w == scope)
        break;
    }
  return found;
}

/* The window's own buttons (minimize, close), which GTK keeps out of the
 * Tab order: the window manager's keys do what they do. */
static gboolean
in_window_controls (GtkWidget *widget)
{
  return gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) != NULL;
}

/* What Tab must reach under @widget: each widget that takes the focus
 * outside lists of items, each shown list of items with something
 * focusable; and the lists of items whose rows hold controls, which the
 * arrows reach. */
static void
collect_stops (GtkWidget *widget,
               GPtrArray *controls,
               GPtrArray *lists,
               GPtrArray *row_lists)
{
  if (!gtk_widget_get_mapped (widget) || in_window_controls (widget))
    return;
  if (is_item_list (widget))
    {
      if (is_shown (widget) && focus_allowed (widget) && has_items (widget))
        {
          g_ptr_array_add (lists, widget);
          if (GTK_IS_LIST_BOX (widget) && holds_controls (widget, widget))
            g_ptr_array_add (row_lists, widget);
        }
      return;
    }
  /* A list of settings is no stop of its own: its rows are. */
  if (takes_focus (widget) && !GTK_IS_LIST_BOX (widget))
    g_ptr_array_add (controls, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_stops (child, controls, lists, row_lists);
}

static void
collect_controls (GtkWidget *widget,
                  GPtrArray *controls)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (takes_focus (child))
        g_ptr_array_add (controls, child);
      collect_controls (child, controls);
    }
}

/* "GtkButton “Pair Screen” in VzDevicesPage < GtkBox < GtkBox": the widget
 * with its words, and the widgets around it. */
static char *
describe (GtkWidget *widget)
{
  const char *words = gtk_widget_get_tooltip_text (widget);
  GString *out = g_string_new (G_OBJECT_TYPE_NAME (widget));
  guint n = 0;

  if (words == NULL && GTK_IS_BUTTON (widget))
    words = gtk_button_get_label (GTK_BUTTON (widget));
  if (words == NULL && GTK_IS_BUTTON (widget))
    words = gtk_button_get_icon_name (GTK_BUTTON (widget));
  if (words == NULL && GTK_IS_EDITABLE (widget))
    words = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (words == NULL && ADW_IS_PREFERENCES_ROW (widget))
    words = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  /* The button inside a menu button or a drop-down: the words of that. */
  if (words == NULL && gtk_widget_get_parent (widget) != NULL)
    words = gtk_widget_get_tooltip_text (gtk_widget_get_parent (widget));
  g_string_append_printf (out, " “%s” in", words != NULL ? words : "");
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL && n < 5; w = gtk_widget_get_parent (w), n++)
    g_string_append_printf (out, "%s %s", n > 0 ? " <" : "", G_OBJECT_TYPE_NAME (w));
  return g_string_free (out, FALSE);
}

/* ---- the walks ---- */

gboolean
focus_within (GtkWindow *window,
              GtkWidget *scope)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == scope || gtk_widget_is_ancestor (focus, scope));
}

/* The walk's keys the window has handled: the focus has gone wherever a
 * press takes it once the window has seen the press, as GTK moves the
 * focus while it handles the key. Counted ahead of everything else on
 * the scope's surface (capture phase), whether the focus moves or not. */
static guint keys_seen;

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               user_data)
{
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_ISO_Left_Tab || keyval == GDK_KEY_Right)
    keys_seen++;
  return GDK_EVENT_PROPAGATE;
}

static gboolean
key_seen (gpointer data)
{
  return keys_seen > GPOINTER_TO_UINT (data);
}

/* Presses @key (Tab, Shift+Tab or Right) and returns where the focus is
 * once the window has handled it (NULL: nowhere). */
static GtkWidget *
press (GtkWindow  *window,
       const char *key)
{
  if (!x_key_until (window, key, key_seen, GUINT_TO_POINTER (keys_seen), KEY_DEADLINE_S))
    g_error ("The %s did not get the key %s within %d s (the focus is on %s, the window is %sactive)",
             G_OBJECT_TYPE_NAME (window), key, KEY_DEADLINE_S,
             gtk_root_get_focus (GTK_ROOT (window)) != NULL
             ? G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (window))) : "nothing",
             gtk_window_is_active (window) ? "" : "not ");
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Presses @key until the focus is back where the first press put it; the
 * widgets that had the focus, in turn (new references), the first twice. */
static GPtrArray *
walk (GtkWindow  *window,
      GtkWidget  *scope,
      const char *key,
      const char *what,
      GString    *problems)
{
  GPtrArray *focus = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *first = press (window, key);

  if (first == NULL || !focus_within (window, scope))
    g_error ("%s put the focus %s, not in the %s", key, first != NULL ? G_OBJECT_TYPE_NAME (first) : "nowhere", what);
  g_ptr_array_add (focus, g_object_ref (first));
  do
    {
      GtkWidget *now = press (window, key);

      if (now == NULL || !focus_within (window, scope))
        {
          g_autofree char *from = describe (focus->pdata[focus->len - 1]);

          g_string_append_printf (problems, "\n  %s from the %s put the focus %s, out of the %s", key, from,
                                  now != NULL ? G_OBJECT_TYPE_NAME (now) : "nowhere", what);
          return focus;
        }
      g_ptr_array_add (focus, g_object_ref (now));
    }
  while (focus->pdata[focus->len - 1] != first && focus->len < MAX_PRESSES);
  if (focus->pdata[focus->len - 1] != first)
    {
      g_autofree char *start = describe (first);

      g_string_append_printf (problems, "\n  %s did not come back to the %s in %u presses", key, start, MAX_PRESSES);
    }
  return focus;
}

static gboolean
reached (GtkWidget *target,
         GPtrArray *focus)
{
  for (guint i = 0; i < focus->len; i++)
    if (focus->pdata[i] == target || gtk_widget_is_ancestor (focus->pdata[i], target))
      return TRUE;
  return FALSE;
}

/* The stop a focused widget stands for: its list of items, or itself. */
static GtkWidget *
stop_of (GtkWidget *focus,
         GtkWidget *scope)
{
  GtkWidget *list = item_list_of (focus, scope);

  return list != NULL ? list : focus;
}

/* One press out of a list of items: never two stops in a row within one. */
static void
check_lists_left (GPtrArray  *focus,
                  GtkWidget  *scope,
                  const char *key,
                  GString    *problems)
{
  GtkWidget *run_list = NULL;

  for (guint i = 0; i < focus->len; i++)
    {
      GtkWidget *list = item_list_of (focus->pdata[i], scope);

      if (list != NULL && list == run_list)
        {
          g_autofree char *where = describe (list);

          g_string_append_printf (problems, "\n  %s moved within the %s instead of leaving it", key, where);
        }
      run_list = list;
    }
}

static void
check_reached (GPtrArray  *targets,
               GPtrArray  *focus,
               const char *key,
               GString    *problems)
{
  for (guint i = 0; i < targets->len; i++)
    if (!reached (targets->pdata[i], focus))
      {
        g_autofree char *target = describe (targets->pdata[i]);

        g_string_append_printf (problems, "\n  %s never reaches the %s", key, target);
      }
}

static GtkEventController *
count_keys (GtkWidget *scope)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), NULL);
  /* On the scope's own surface: a popover gets its keys itself. */
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_native (scope)), keys);
  return keys;
}

gboolean
tab_to (GtkWindow *window,
        GtkWidget *target)
{
  GtkEventController *keys = count_keys (target);

  for (guint i = 0; i < MAX_PRESSES && !focus_within (window, target); i++)
    press (window, "Tab");
  gtk_widget_remove_controller (GTK_WIDGET (gtk_widget_get_native (target)), keys);
  return focus_within (window, target);
}

/* The stops one walk made that the other did not. */
static void
check_same_stops (GtkWidget  *scope,
                  GPtrArray  *one,
                  const char *one_key,
                  GPtrArray  *other,
                  const char *other_key,
                  GString    *problems)
{
  g_autoptr(GHashTable) stops = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) told = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < other->len; i++)
    g_hash_table_add (stops, stop_of (other->pdata[i], scope));
  for (guint i = 0; i < one->len; i++)
    {
      GtkWidget *stop = stop_of (one->pdata[i], scope);

      if (!g_hash_table_contains (stops, stop) && g_hash_table_add (told, stop))
        {
          g_autofree char *where = describe (stop);

          g_string_append_printf (problems, "\n  %s reaches the %s, %s does not", one_key, where, other_key);
        }
    }
}

static void
append_path (GString    *out,
             const char *key,
             GPtrArray  *focus)
{
  g_string_append_printf (out, "\n with %s:", key);
  for (guint i = 0; i < focus->len; i++)
    {
      g_autofree char *stop = describe (focus->pdata[i]);

      g_string_append_printf (out, "\n  %s", stop);
    }
}

/* Tab into @list, then Right from the row the focus is on, press by press,
 * reaches each control in that row. */
static void
check_row_controls (GtkWindow *window,
                    GtkWidget *list,
                    GString   *problems)
{
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) focus = g_ptr_array_new ();
  g_autofree char *where = describe (list);
  GtkWidget *row;

  for (guint i = 0; i < MAX_PRESSES && !focus_within (window, list); i++)
    press (window, "Tab");
  if (!focus_within (window, list))
    {
      g_string_append_printf (problems, "\n  Tab never reaches the %s to try its rows' controls", where);
      return;
    }
  row = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  collect_controls (row, controls);
  g_ptr_array_add (focus, gtk_root_get_focus (GTK_ROOT (window)));
  for (guint i = 0; i <= controls->len; i++)
    {
      gboolean all = TRUE;
      GtkWidget *now;

      for (guint j = 0; j < controls->len; j++)
        all = all && reached (controls->pdata[j], focus);
      if (all)
        break;
      now = press (window, "Right");
      if (now == focus->pdata[focus->len - 1] || now == NULL || !gtk_widget_is_ancestor (now, row))
        {
          g_autofree char *from = describe (focus->pdata[focus->len - 1]);

          g_string_append_printf (problems, "\n  Right from the %s put the focus %s, not on the next control of its row",
                                  from, now == NULL ? "nowhere" : now == focus->pdata[focus->len - 1] ? "nowhere else"
                                                                                                       : G_OBJECT_TYPE_NAME (now));
          break;
        }
      g_ptr_array_add (focus, now);
    }
  check_reached (controls, focus, "Right in a row", problems);
  g_test_message ("Right from a row of the %s went through %u controls", where, focus->len - 1);
}

/* What there is to reach stays the same for a second: a page that was
 * just shown may still be filling in (a first playlist chosen, rows
 * bound). */
typedef struct {
  GtkWidget *scope;
  guint      hash;
  gint64     since;
} Settled;

#define SETTLED_US (1000 * G_TIME_SPAN_MILLISECOND)

static gboolean
stops_settled (gpointer data)
{
  Settled *settled = data;
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  g_autoptr(GPtrArray) row_lists = g_ptr_array_new ();
  guint hash = 17;
  gint64 now = g_get_monotonic_time ();

  collect_stops (settled->scope, controls, lists, row_lists);
  for (guint i = 0; i < controls->len; i++)
    hash = hash * 31 + g_direct_hash (controls->pdata[i]);
  for (guint i = 0; i < lists->len; i++)
    hash = hash * 31 + g_direct_hash (lists->pdata[i]);
  if (settled->since == 0 || hash != settled->hash)
    {
      settled->hash = hash;
      settled->since = now;
      return FALSE;
    }
  return now - settled->since >= SETTLED_US;
}

void
tab_walk_check (GtkWindow  *window,
                GtkWidget  *scope,
                const char *what)
{
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  g_autoptr(GPtrArray) row_lists = g_ptr_array_new ();
  g_autoptr(GPtrArray) forward = NULL;
  g_autoptr(GPtrArray) backward = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GString) paths = g_string_new (NULL);
  GtkEventController *keys;

  if (!wait_for (stops_settled, &(Settled) { scope, 0, 0 }, 30))
    g_error ("What there is to reach on the %s kept changing for 30 s", what);
  keys = count_keys (scope);
  forward = walk (window, scope, "Tab", what, problems);
  backward = walk (window, scope, "shift+Tab", what, problems);

  /* What it shows once the walks are done: a page may still have been
   * settling (a first playlist chosen) as they began. */
  collect_stops (scope, controls, lists, row_lists);
  g_assert_cmpuint (controls->len, >, 0);

  check_lists_left (forward, scope, "Tab", problems);
  check_lists_left (backward, scope, "Shift+Tab", problems);
  check_reached (controls, forward, "Tab", problems);
  check_reached (lists, forward, "Tab", problems);
  check_reached (controls, backward, "Shift+Tab", problems);
  check_reached (lists, backward, "Shift+Tab", problems);
  check_same_stops (scope, forward, "Tab", backward, "Shift+Tab", problems);
  check_same_stops (scope, backward, "Shift+Tab", forward, "Tab", problems);
  for (guint i = 0; i < row_lists->len; i++)
    check_row_controls (window, row_lists->pdata[i], problems);
  gtk_widget_remove_controller (GTK_WIDGET (gtk_widget_get_native (scope)), keys);

  append_path (paths, "Tab", forward);
  append_path (paths, "Shift+Tab", backward);
  g_test_message ("%s: %u controls and %u lists (%u with controls in their rows), reached in %u Tab and %u Shift+Tab "
                  "presses:%s", what, controls->len, lists->len, row_lists->len, forward->len, backward->len, paths->str);
  if (problems->len > 0)
    g_error ("On the %s:%s\n(the focus went%s)", what, problems->str, paths->str);
}
