/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-keyboard"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-pair-dialog.h"
#include "vz-playlist-name-dialog.h"
#include "vz-schedule-editor.h"
#include "vz-test-server.h"
#include "vz-window.h"
#include "vz-window-private.h"
#include "vz-welcome-page-private.h"
#include "vz-devices-page-private.h"
#include "vz-ui-test-util.h"

/*
 * The window from the keyboard, with real key presses through the X server:
 * the list of screens is one Tab stop; Escape leads back from the welcome
 * page's forms. And the keys the main menu names are the keys the shortcuts
 * window names, and the keys that work; every key the application
 * (gtk_application_set_accels_for_action()) or the window and its pages
 * (gtk_widget_class_add_binding_action()) bind to one of the app's own
 * actions is in the shortcuts window. In the real app against the real
 * server: Alt+1…6, Ctrl+F on the page shown, each page's "new" from
 * another page, the shortcuts window and Ctrl+Q.
 */

static char *outbox_dir;

static gboolean
focus_within (GtkWindow *window,
              GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static const char *
focus_name (GtkWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing";
}

#define assert_focus_within(window, widget) \
  G_STMT_START { \
    if (!focus_within ((window), (widget))) \
      g_error ("The focus is on %s, not in the %s", focus_name (window), G_OBJECT_TYPE_NAME (widget)); \
  } G_STMT_END

static void
test_list_tab_stop (void)
{
  const char *names[] = { "Atrium", "Boardroom", "Canteen", "Dock", NULL };
  UiFleet fleet = { 0 };
  GtkWindow *window;
  GtkWidget *view;
  GtkWidget *row;

  ui_fleet_open (&fleet, names, outbox_dir);
  window = GTK_WINDOW (fleet.window);
  view = GTK_WIDGET (_vz_devices_page_get_column_view (fleet.page));

  /* Ctrl+F, then Tab past the status filter: into the list. */
  x_keys (window, "ctrl+f");
  assert_focus_within (window, GTK_WIDGET (_vz_devices_page_get_search_entry (fleet.page)));
  x_keys (window, "Tab");
  assert_focus_within (window, GTK_WIDGET (_vz_devices_page_get_status_dropdown (fleet.page)));
  x_keys (window, "Tab");
  assert_focus_within (window, view);

  /* The arrows go from row to row. */
  row = gtk_root_get_focus (GTK_ROOT (window));
  x_keys (window, "Down");
  assert_focus_within (window, view);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) != row);

  /* One Tab leaves the list, whichever row has the focus; Shift+Tab comes
   * back to it, and leaves it backwards in one step too. */
  x_keys (window, "Tab");
  g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (window)));
  if (focus_within (window, view))
    g_error ("Tab moved the focus within the list");
  x_keys (window, "shift+Tab");
  assert_focus_within (window, view);
  x_keys (window, "shift+Tab");
  assert_focus_within (window, GTK_WIDGET (_vz_devices_page_get_status_dropdown (fleet.page)));

  ui_fleet_close (&fleet);
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
is_moving_stack (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget));
}

static gboolean
stacks_settled (gpointer data)
{
  return ui_count_widgets (data, is_moving_stack, NULL) == 0;
}

/* Lets the page slide to the form or back, and says where it is. */
static const char *
settled_page (VzWelcomePage *page)
{
  spin (100);
  g_assert_true (wait_for (stacks_settled, page, 10));
  return _vz_welcome_page_get_page (page);
}

static void
open_form (VzWelcomePage *page,
           const char    *row_title,
           const char    *form)
{
  GtkWidget *row = ui_find_widget (GTK_WIDGET (page), is_row_titled, row_title);

  g_assert_nonnull (row);
  x_click (row, NULL, 1);
  g_assert_cmpstr (settled_page (page), ==, form);
}

static void
test_welcome_escape (void)
{
  VzWindow *window = vz_window_new (NULL);
  VzWelcomePage *page = vz_window_get_welcome_page (window);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (window_mapped, page, 10));
  vz_welcome_page_show_choices (page);
  g_assert_cmpstr (settled_page (page), ==, "choices");

  /* Escape leads back from the sign-in form, also while typing in it. */
  open_form (page, "Connect to a Vizora Server", "sign-in");
  x_click (GTK_WIDGET (_vz_welcome_page_get_url_row (page)), NULL, 1);
  x_keys (GTK_WINDOW (window), "v i z Escape");
  g_assert_cmpstr (settled_page (page), ==, "choices");

  /* From the form for this computer too, and Alt+Left does the same. */
  open_form (page, "Manage Screens on This Computer", "local");
  x_keys (GTK_WINDOW (window), "Escape");
  g_assert_cmpstr (settled_page (page), ==, "choices");
  open_form (page, "Connect to a Vizora Server", "sign-in");
  x_keys (GTK_WINDOW (window), "alt+Left");
  g_assert_cmpstr (settled_page (page), ==, "choices");

  /* Not while what a form started is under way. */
  open_form (page, "Manage Screens on This Computer", "local");
  vz_welcome_page_set_busy (page, TRUE);
  x_keys (GTK_WINDOW (window), "Escape");
  g_assert_cmpstr (settled_page (page), ==, "local");
  vz_welcome_page_set_busy (page, FALSE);

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_assert_released (window);
}

/* ---- the keys the menu and the shortcuts window name ---- */

/* "<Primary>z" and "<Control>Z" are one key. */
static char *
normalize_accel (const char *accel)
{
  guint keyval = 0;
  GdkModifierType mods = 0;

  if (!gtk_accelerator_parse (accel, &keyval, &mods) || keyval == 0)
    g_error ("“%s” is not a key", accel);
  return gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods);
}

/* The keys that run actions in the window: "key action" pairs, and the
 * keys and the actions on their own. */
typedef struct {
  GHashTable *pairs;
  GHashTable *keys;
  GHashTable *actions;
  GHashTable *ours;     /* key → an action of ours it runs (installed by a Vz class) */
} Bound;

static char *
pair (const char *key,
      const char *action)
{
  return g_strconcat (key, " ", action, NULL);
}

/* Whether @widget's class has @name from one of the app's own classes
 * (not from GTK's or libadwaita's). */
static gboolean
is_our_action (GtkWidget  *widget,
               const char *name)
{
  GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (widget);
  const GVariantType *parameter_type;
  const char *property;
  const char *each;
  GType owner;

  /* It sets every out argument, none may be NULL. */
  for (guint i = 0; gtk_widget_class_query_action (klass, i, &owner, &each, &parameter_type, &property); i++)
    if (g_str_equal (each, name))
      return g_str_has_prefix (g_type_name (owner), "Vz");
  return FALSE;
}

/* Adds the named-action key shortcuts of @widget to @data, a Bound. */
static gboolean
add_bound_keys (GtkWidget     *widget,
                gconstpointer  data)
{
  const Bound *bound = data;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          const char *name;
          char *key;

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          key = gtk_accelerator_name (gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))),
                                      gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          g_hash_table_add (bound->pairs, pair (key, name));
          g_hash_table_add (bound->actions, g_strdup (name));
          if (is_our_action (widget, name))
            g_hash_table_replace (bound->ours, g_strdup (key), g_strdup (name));
          g_hash_table_add (bound->keys, key);
        }
    }
  return FALSE;
}

static gboolean
key_runs (const Bound *bound,
          const char  *key,
          const char  *action)
{
  g_autofree char *both = pair (key, action);

  return g_hash_table_contains (bound->pairs, both);
}

static gboolean
is_primary_menu_button (GtkWidget     *widget,
                        gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

/* Adds the actions of @model's items (and of its sections') to @actions:
 * label as shown, without its mnemonic's underscore → action. */
static void
collect_menu_actions (GMenuModel *model,
                      GHashTable *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (section != NULL)
        collect_menu_actions (section, actions);
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label) &&
          g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        {
          g_autoptr(GString) shown = g_string_new (label);

          g_string_replace (shown, "_", "", 1);
          g_hash_table_replace (actions, g_string_free (g_steal_pointer (&shown), FALSE), g_steal_pointer (&action));
        }
    }
}

typedef struct {
  GHashTable *actions;   /* label → action, from the menu's model */
  GHashTable *items;     /* action → the key its button names, "" for none */
} Menu;

/* The menu's buttons know their labels and keys, its model which action
 * goes with a label. */
static gboolean
add_menu_item (GtkWidget     *widget,
               gconstpointer  data)
{
  const Menu *menu = data;
  g_autofree char *text = NULL;
  g_autofree char *accel = NULL;
  const char *action;

  if (!g_type_is_a (G_OBJECT_TYPE (widget), g_type_from_name ("GtkModelButton")))
    return FALSE;
  g_object_get (widget, "text", &text, "accel", &accel, NULL);
  action = text != NULL ? g_hash_table_lookup (menu->actions, text) : NULL;
  if (action != NULL)
    g_hash_table_replace (menu->items, g_strdup (action),
                          accel != NULL && *accel != '\0' ? normalize_accel (accel) : g_strdup (""));
  return TRUE;
}

static gboolean
add_shortcut (GtkWidget     *widget,
              gconstpointer  data)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    g_ptr_array_add ((GPtrArray *) data, widget);
  return FALSE;
}

/* The frequent verbs and their keys, as gtk_accelerator_name() writes them. */
static const struct {
  const char *key;
  const char *action;
} frequent[] = {
  { "<Control>f", "win.search" },
  { "<Control>n", "win.pair" },
  { "<Shift><Control>p", "win.new-playlist" },
  { "<Shift><Control>s", "win.new-schedule" },
  { "<Control>o", "win.upload" },
  { "<Control>z", "win.undo" },
  { "<Shift><Control>z", "win.redo" },
  { "F5", "win.refresh" },
  { "<Control>r", "win.refresh" },
  { "<Alt>1", "win.show-page" },
  { "<Alt>6", "win.show-page" },
  { "<Control>comma", "app.preferences" },
  { "<Control>question", "win.show-help-overlay" },
  { "<Control>q", "app.quit" },
};

static void
check_accels (VzApplication *app,
              gpointer       data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) ours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Bound bound = { pairs, keys, actions, ours };
  g_auto(GStrv) app_actions = NULL;
  g_autoptr(GHashTable) menu_actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) menu_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Menu menu = { menu_actions, menu_items };
  /* key → the action the shortcuts window says it runs, "" when it names none */
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
  GtkShortcutsWindow *overlay;
  GtkWidget *menu_button;
  GtkPopoverMenu *popover;
  GHashTableIter iter;
  gpointer action, key;

  g_assert_true (GTK_IS_APPLICATION_WINDOW (window));
  /* The pages other than Devices are made when first shown: every one, so
   * that the keys their widgets bind are found too. */
  g_assert_nonnull (vz_window_get_playlists_page (VZ_WINDOW (window)));
  g_assert_nonnull (vz_window_get_content_page (VZ_WINDOW (window)));
  g_assert_nonnull (vz_window_get_schedules_page (VZ_WINDOW (window)));
  g_assert_nonnull (vz_window_get_health_page (VZ_WINDOW (window)));
  g_assert_nonnull (vz_window_get_analytics_page (VZ_WINDOW (window)));
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  gtk_window_present (GTK_WINDOW (overlay));
  spin (300);

  ui_count_widgets (GTK_WIDGET (window), add_bound_keys, &bound);
  menu_button = ui_find_widget (GTK_WIDGET (window), is_primary_menu_button, NULL);
  g_assert_nonnull (menu_button);
  popover = GTK_POPOVER_MENU (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  collect_menu_actions (gtk_popover_menu_get_menu_model (popover), menu_actions);
  ui_count_widgets (GTK_WIDGET (popover), add_menu_item, &menu);
  /* Every item with an action has its button. */
  g_assert_cmpuint (g_hash_table_size (menu_items), ==, g_hash_table_size (menu_actions));

  /* The shortcuts window: each key it names works, and does what it says
   * when it says which action. */
  ui_count_widgets (GTK_WIDGET (overlay), add_shortcut, shortcuts);
  g_assert_cmpuint (shortcuts->len, >, 0);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action_name = NULL;
      g_auto(GStrv) named = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "title", &title, "accelerator", &accelerator,
                    "action-name", &action_name, NULL);
      if (accelerator == NULL || *accelerator == '\0')
        g_error ("The shortcuts window names no key for “%s”", title);
      named = g_strsplit (accelerator, " ", -1);
      for (guint k = 0; named[k] != NULL; k++)
        {
          g_autofree char *one = normalize_accel (named[k]);

          if (!g_hash_table_contains (keys, one))
            g_error ("The shortcuts window names %s for “%s”, which does nothing", one, title);
          if (action_name != NULL && !key_runs (&bound, one, action_name))
            g_error ("The shortcuts window names %s for %s, which does not run it", one, action_name);
          g_hash_table_replace (listed, g_steal_pointer (&one), g_strdup (action_name != NULL ? action_name : ""));
        }
    }

  /* And the other way: every key the application has for an action
   * (gtk_application_set_accels_for_action()) is in the shortcuts window,
   * for that action when the window names one... */
  app_actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  g_assert_nonnull (app_actions[0]);
  for (guint i = 0; app_actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), app_actions[i]);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;

      g_assert_true (g_action_parse_detailed_name (app_actions[i], &name, &target, NULL));
      for (guint k = 0; accels[k] != NULL; k++)
        {
          g_autofree char *one = normalize_accel (accels[k]);
          const char *listed_for = g_hash_table_lookup (listed, one);

          g_test_message ("application: %s %s", app_actions[i], one);
          if (listed_for == NULL)
            g_error ("%s runs %s, but the shortcuts window does not name it", one, app_actions[i]);
          if (*listed_for != '\0' && !g_str_equal (listed_for, name))
            g_error ("%s runs %s, but the shortcuts window names it for %s", one, app_actions[i], listed_for);
        }
    }
  /* ... and so is every key of the window and its pages that runs one of
   * their own actions (gtk_widget_class_add_binding_action()). */
  g_hash_table_iter_init (&iter, ours);
  while (g_hash_table_iter_next (&iter, &key, &action))
    {
      g_test_message ("window: %s %s", (char *) key, (char *) action);
      if (!g_hash_table_contains (listed, key))
        g_error ("%s runs %s, but the shortcuts window does not name it", (char *) key, (char *) action);
    }
  /* The keys every frequent verb has. */
  for (guint i = 0; i < G_N_ELEMENTS (frequent); i++)
    if (!key_runs (&bound, frequent[i].key, frequent[i].action))
      g_error ("%s does not run %s", frequent[i].key, frequent[i].action);

  /* The menu: an item names the key of its action when it has one, and
   * the shortcuts window names the same key for the same action. */
  g_hash_table_iter_init (&iter, menu_items);
  while (g_hash_table_iter_next (&iter, &action, &key))
    {
      const char *listed_for;

      g_test_message ("menu: %s %s", (char *) action, (char *) key);
      if (*(char *) key == '\0')
        {
          if (g_hash_table_contains (actions, action))
            g_error ("The menu names no key for %s, which has one", (char *) action);
          continue;
        }
      if (!key_runs (&bound, key, action))
        g_error ("The menu names %s for %s, which does not run it", (char *) key, (char *) action);
      listed_for = g_hash_table_lookup (listed, key);
      if (listed_for == NULL)
        g_error ("The menu names %s for %s; the shortcuts window does not", (char *) key, (char *) action);
      if (*listed_for != '\0' && g_strcmp0 (listed_for, action) != 0)
        g_error ("The menu names %s for %s, the shortcuts window for %s", (char *) key, (char *) action, listed_for);
    }

  gtk_window_close (GTK_WINDOW (overlay));
}

static void
test_menu_and_shortcuts_agree (void)
{
  app_run (check_accels, NULL);
}

/* ---- the verbs' keys, pressed in the real app ---- */

static const char *
shown_page (VzWindow *window)
{
  return gtk_stack_get_visible_child_name (window->content_stack);
}

static gboolean
toplevel_mapped (gpointer type)
{
  GtkWidget *window = ui_find_toplevel ((GType) GPOINTER_TO_SIZE (type));

  return window != NULL && gtk_widget_get_mapped (window);
}

static gboolean
toplevel_gone (gpointer type)
{
  return !toplevel_mapped (type);
}

static gboolean
no_windows (gpointer app)
{
  return gtk_application_get_windows (app) == NULL;
}

/* @keys open a window of @type over @window; Escape closes it again. */
static void
opens (VzWindow   *window,
       const char *keys,
       GType       type)
{
  GtkWidget *opened;

  x_keys (GTK_WINDOW (window), keys);
  if (!wait_for (toplevel_mapped, GSIZE_TO_POINTER (type), 10))
    g_error ("%s opened no %s (the focus was on %s, the page shown %s)", keys, g_type_name (type),
             focus_name (GTK_WINDOW (window)), shown_page (window));
  spin (300);
  opened = ui_find_toplevel (type);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (opened)) == GTK_WINDOW (window));
  x_keys (GTK_WINDOW (opened), "Escape");
  g_assert_true (wait_for (toplevel_gone, GSIZE_TO_POINTER (type), 10));
}

static void
press_verbs (VzApplication *app,
             gpointer       data)
{
  static const char * const pages[] = { "devices", "playlists", "content", "schedules", "health", "analytics" };
  VzWindow *window = VZ_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  GtkWindow *gwindow = GTK_WINDOW (window);

  g_assert_true (wait_for (ui_fleet_shown, window, 30));

  /* Alt+1…6: each page in turn, from wherever the focus is. */
  for (guint i = G_N_ELEMENTS (pages); i > 0; i--)
    {
      g_autofree char *keys = g_strdup_printf ("alt+%u", i);

      x_keys (gwindow, keys);
      g_assert_cmpstr (shown_page (window), ==, pages[i - 1]);
    }

  /* Ctrl+F: the search of the page shown. */
  x_keys (gwindow, "ctrl+f");
  assert_focus_within (gwindow, GTK_WIDGET (_vz_devices_page_get_search_entry (vz_window_get_devices_page (window))));
  x_keys (gwindow, "alt+3 ctrl+f");
  g_assert_cmpstr (shown_page (window), ==, "content");
  assert_focus_within (gwindow, GTK_WIDGET (vz_content_page_get_search (vz_window_get_content_page (window))));
  /* A page without one: Ctrl+F leads to no other page's search. */
  x_keys (gwindow, "alt+2 ctrl+f");
  g_assert_cmpstr (shown_page (window), ==, "playlists");
  g_assert_false (focus_within (gwindow, GTK_WIDGET (vz_content_page_get_search (vz_window_get_content_page (window)))));
  g_assert_false (focus_within (gwindow,
                                GTK_WIDGET (_vz_devices_page_get_search_entry (vz_window_get_devices_page (window)))));

  /* Each page's "new" from another page: the page, then its dialog. */
  x_keys (gwindow, "alt+1");
  opens (window, "ctrl+shift+p", VZ_TYPE_PLAYLIST_NAME_DIALOG);
  g_assert_cmpstr (shown_page (window), ==, "playlists");
  x_keys (gwindow, "alt+1");
  opens (window, "ctrl+shift+s", VZ_TYPE_SCHEDULE_EDITOR);
  g_assert_cmpstr (shown_page (window), ==, "schedules");
  x_keys (gwindow, "alt+1");
  opens (window, "ctrl+o", GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_cmpstr (shown_page (window), ==, "content");
  opens (window, "ctrl+n", VZ_TYPE_PAIR_DIALOG);
  g_assert_cmpstr (shown_page (window), ==, "devices");

  /* The shortcuts window, and Ctrl+Q ends the app. */
  opens (window, "ctrl+question", GTK_TYPE_SHORTCUTS_WINDOW);
  x_keys (gwindow, "ctrl+q");
  g_assert_true (wait_for (no_windows, app, 10));
}

static void
test_verbs_from_keys (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  VzTestServer *server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  const char *args[] = { "--server", server->url, NULL };

  g_free (vz_test_server_pair_screen (server, token, "Atrium", NULL));
  g_setenv ("VIZORA_TOKEN", token, TRUE);
  app_run_full (args, NULL, press_verbs, NULL);
  g_unsetenv ("VIZORA_TOKEN");
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  vz_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/ui/keyboard/list-tab-stop", test_list_tab_stop);
  g_test_add_func ("/ui/keyboard/welcome-escape", test_welcome_escape);
  g_test_add_func ("/ui/keyboard/menu-and-shortcuts-agree", test_menu_and_shortcuts_agree);
  g_test_add_func ("/ui/keyboard/verbs-from-keys", test_verbs_from_keys);

  outbox_dir = g_dir_make_tmp ("vizora-ui-keyboard-XXXXXX", NULL);
  g_assert_nonnull (outbox_dir);
  status = g_test_run ();
  vz_test_remove_tree (outbox_dir);
  g_free (outbox_dir);
  return status;
}
