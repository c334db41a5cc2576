/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-devices"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "devices-test-util.h"
#include "vz-device-detail-private.h"
#include "vz-display-resource.h"
#include "vz-window-private.h"
#include "vz-test-run.h"

/*
 * What the Devices page's test programs share: finding buttons as a person
 * does, a signed-in engine with a queue of changes in a temporary folder,
 * and a window on it.
 */

typedef gboolean (*ButtonMatch) (GtkWidget  *button,
                                 const char *text);

/* The first button under @widget, depth first, that @matches with @text. */
static GtkWidget *
find_button_where (GtkWidget   *widget,
                   ButtonMatch  matches,
                   const char  *text)
{
  if (GTK_IS_BUTTON (widget) && matches (widget, text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_where (child, matches, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
button_runs_action (GtkWidget  *button,
                    const char *action)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), action) == 0;
}

/* The first button under @widget that runs @action, as a person finds it. */
GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  return find_button_where (widget, button_runs_action, action);
}

gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* The first button under @widget that says @text. */
GtkWidget *
find_button_with_label (GtkWidget  *widget,
                        const char *text)
{
  return find_button_where (widget, has_label, text);
}

/* Clicks the button @label of the pending-changes row of @mutation (the
 * list shows that one row), after checking that it is shown and acts on it. */
void
click_row_button (VzPendingPopover *popover,
                  const char       *label,
                  VzMutation       *mutation)
{
  GtkWidget *button = find_button_with_label (GTK_WIDGET (popover), label);
  GVariant *target;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, vz_mutation_get_id (mutation));
  g_signal_emit_by_name (button, "clicked");
}

void
assert_button_insensitive (GtkWidget  *root,
                           const char *action)
{
  GtkWidget *button = find_button (root, action);

  g_assert_nonnull (button);
  if (gtk_widget_is_sensitive (button))
    g_error ("The button for %s can be pressed by a viewer", action);
}

/* Each test's queue of changes lives in its own folder, removed at exit,
 * never in the account's real one under the user data dir. */
static char *outbox_root;

void
use_temporary_outbox (VzSyncEngine *engine)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("outbox-%u.journal", ++n);
  g_autofree char *path = g_build_filename (outbox_root, name, NULL);

  vz_sync_engine_set_outbox_path (engine, path);
}

VzSyncEngine *
start_engine (VzTestServer *server)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  VzSyncEngine *engine;

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);

  engine = vz_sync_engine_new (session);
  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  return engine;
}

VzWindow *
open_window (VzSyncEngine *engine)
{
  VzWindow *window = vz_window_new (NULL);

  vz_window_set_sync_engine (window, engine);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Destroys the window and proves nothing else holds it. */
void
close_window (VzWindow *window)
{
  ui_close_window (window);
}

gboolean
name_cell_shows (gpointer data)
{
  NameWanted *want = data;
  g_autoptr(GPtrArray) names = visible_cells (want->page, "vz-cell-name");

  return names->len == 1 && g_strcmp0 (g_ptr_array_index (names, 0), want->name) == 0;
}

void
lobby_open (Lobby *lobby)
{
  NameWanted shown = { NULL, "Lobby" };

  lobby->server = vz_test_server_start (NULL);
  lobby->token = vz_test_server_login (lobby->server);
  lobby->id = vz_test_server_pair_screen (lobby->server, lobby->token, "Lobby", NULL);
  lobby->engine = start_engine (lobby->server);
  lobby->window = open_window (lobby->engine);
  lobby->page = vz_window_get_devices_page (lobby->window);
  shown.page = lobby->page;
  g_assert_true (wait_for (name_cell_shows, &shown, 30));
}

/* Closes the window unless the test did (then lobby->window is NULL). */
void
lobby_close (Lobby *lobby)
{
  if (lobby->window != NULL)
    close_window (lobby->window);
  vz_sync_engine_stop (lobby->engine);
  g_clear_object (&lobby->engine);
  g_clear_pointer (&lobby->server, vz_test_server_free);
  g_free (lobby->token);
  g_free (lobby->id);
}

gboolean
server_has_name (gpointer data)
{
  ServerWanted *want = data;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strconcat ("/displays/", want->id, NULL);
  JsonObject *display;

  if (vz_test_server_request (want->server, "GET", path, want->token, NULL, &body) != 200)
    return FALSE;
  display = json_object_get_object_member (json_node_get_object (body), "data");
  return g_strcmp0 (json_object_get_string_member_with_default (display, "nickname", NULL), want->name) == 0;
}

gboolean
store_has_rows (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (data))) == 1;
}

gboolean
engine_can_undo (gpointer data)
{
  return vz_sync_engine_get_can_undo (data);
}

/* How many rows show the "waiting to be saved" pencil. */
guint
count_pending_icons (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, "vz-pending-icon") &&
      gtk_widget_get_visible (widget) && gtk_widget_get_mapped (gtk_widget_get_parent (widget)))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_pending_icons (child);
  return n;
}

void
rename_in_detail (VzDevicesPage *page,
                  const char    *name)
{
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  AdwEntryRow *name_row;

  if (vz_device_detail_get_display (detail) == NULL)
    {
      g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
      spin (300);
    }
  name_row = ADW_ENTRY_ROW (_vz_device_detail_get_name_row (detail));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  g_signal_emit_by_name (name_row, "apply");
}

gboolean
label_says_pending (gpointer data)
{
  VzWindow *window = data;

  return strstr (_vz_window_get_connection_label (window), "1 pending") != NULL;
}

gboolean
label_says_nothing_pending (gpointer data)
{
  VzWindow *window = data;

  return strstr (_vz_window_get_connection_label (window), "pending") == NULL &&
         strstr (_vz_window_get_connection_label (window), "failed") == NULL;
}

void
devices_test_init (int    *argc,
                   char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* One Xvfb may be shared by several test windows; a blinking cursor in an
   * unfocused X window only produces noise. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
}

int
devices_test_run (void)
{
  int status;

  outbox_root = g_dir_make_tmp ("vizora-ui-XXXXXX", NULL);
  g_assert_nonnull (outbox_root);
  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_clear_pointer (&outbox_root, g_free);
  return status;
}
