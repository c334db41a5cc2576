/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-devices"

#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-password.h"

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-application.h"
#include "vz-window.h"
#include "vz-devices-page-private.h"
#include "vz-pair-dialog-private.h"
#include "vz-device-detail-private.h"
#include "vz-welcome-page-private.h"
#include "vz-window-private.h"
#include "vz-pending-popover-private.h"
#include "vz-snapshot.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-ui-test-util.h"

/*
 * The Devices page as a person sees it, fed by the real vizora-server and
 * vizora-sim: rows appear with names and "Online", turn "Offline" when the
 * screens go away; the empty state; the pairing dialog's validation and a
 * real pairing through it.
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
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  return find_button_where (widget, button_runs_action, action);
}

static gboolean
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
static GtkWidget *
find_button_with_label (GtkWidget  *widget,
                        const char *text)
{
  return find_button_where (widget, has_label, text);
}

/* Clicks the button @label of the pending-changes row of @mutation (the
 * list shows that one row), after checking that it is shown and acts on it. */
static void
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

static void
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

static void
use_temporary_outbox (VzSyncEngine *engine)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("outbox-%u.journal", ++n);
  g_autofree char *path = g_build_filename (outbox_root, name, NULL);

  vz_sync_engine_set_outbox_path (engine, path);
}

static VzSyncEngine *
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

static VzWindow *
open_window (VzSyncEngine *engine)
{
  VzWindow *window = vz_window_new (NULL);

  vz_window_set_sync_engine (window, engine);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Destroys the window and proves nothing else holds it. */
static void
close_window (VzWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  /* Callbacks of cancelled requests hold a reference until they run. */
  spin (200);
  g_assert_finalize_object (window);
}

/* ---- live status ---- */

typedef struct {
  VzDevicesPage *page;
  const char    *status;   /* every row must say this */
  guint          rows;
} RowsWanted;

static gboolean
rows_show_status (gpointer data)
{
  RowsWanted *want = data;
  g_autoptr(GPtrArray) statuses = visible_cells (want->page, "vz-cell-status");
  g_autoptr(GPtrArray) names = visible_cells (want->page, "vz-cell-name");

  if (statuses->len != want->rows || names->len != want->rows)
    return FALSE;
  for (guint i = 0; i < statuses->len; i++)
    if (g_strcmp0 (g_ptr_array_index (statuses, i), want->status) != 0)
      return FALSE;
  return TRUE;
}

static void
test_live_status (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) store_names = g_ptr_array_new_with_free_func (g_free);
  VzWindow *window;
  VzDevicesPage *page;
  GListModel *displays;
  RowsWanted online = { NULL, "Online", 3 };
  RowsWanted offline = { NULL, "Offline", 3 };

  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  online.page = offline.page = page;

  sim = vz_test_server_start_sim (server, "3", "7");

  /* Three rows, each with a name and "Online" in its status cell. */
  g_assert_true (wait_for (rows_show_status, &online, 60));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "list");
  /* An admin may pair (the viewer test checks the opposite). */
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (window), "win.pair")));

  /* The names on screen are the screens' names, sorted as the Name header says. */
  displays = G_LIST_MODEL (vz_sync_engine_get_displays (engine));
  g_assert_cmpuint (g_list_model_get_n_items (displays), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (displays, i);
      g_assert_nonnull (vz_display_get_display_name (display));
      g_assert_cmpstr (vz_display_get_display_name (display), !=, "");
      g_ptr_array_add (store_names, g_strdup (vz_display_get_display_name (display)));
    }
  g_ptr_array_sort (store_names, (GCompareFunc) g_utf8_collate);
  names = visible_cells (page, "vz-cell-name");
  g_assert_cmpuint (names->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (store_names, g_ptr_array_index (names, i), g_str_equal, NULL));

  /* Showing only offline screens: none yet, and the page says so. */
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 2);
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "no-results");

  /* The screens vanish: they turn up under "Offline" (the filter follows live
   * status changes) and their cells say so, without a reload. */
  g_subprocess_force_exit (sim);
  /* SIGKILL: the screens get no chance to say goodbye. */
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  g_assert_true (wait_for (rows_show_status, &offline, 60));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "list");
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 0);
  g_assert_true (wait_for (rows_show_status, &offline, 10));
  g_assert_cmpuint (g_list_model_get_n_items (displays), ==, 3);

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- sorting ---- */

static VzDisplay *
display_named (const char *id,
               const char *nickname)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(GError) error = NULL;
  VzEntity *display;

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "nickname", nickname);
  json_object_set_string_member (obj, "status", "online");
  json_object_set_string_member (obj, "lastHeartbeat", "2026-01-01T00:00:00.000Z");
  json_object_set_string_member (obj, "updatedAt", "2026-01-01T00:00:00.000Z");
  display = vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);
  g_assert_no_error (error);
  return VZ_DISPLAY (display);
}

/* The names of @model's screens, in its order, joined by "|". */
static char *
names_in_order (GListModel *model)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", vz_display_get_display_name (display));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/*
 * Names sort as people read them ("Lobby 9" before "Lobby 10", case aside,
 * in any script: "écran 3" before "Écran 20"), and screens that tie on status or last seen follow their names, whatever
 * order the store holds them in.
 */
static void
test_sort_order (void)
{
  GtkWidget *page = g_object_ref_sink (vz_devices_page_new ());
  GtkColumnView *column_view = _vz_devices_page_get_column_view (VZ_DEVICES_PAGE (page));
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_autoptr(GListStore) store = g_list_store_new (VZ_TYPE_DISPLAY);
  const char *names[] = { "Écran 20", "Lobby 10", "Lobby 9", "écran 3", "lobby 2", "Lobby 010b" };
  GtkSortListModel *sorted;
  g_autofree char *order = NULL;
  guint sorted_by = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("screen-%u", i);
      g_autoptr(VzDisplay) display = display_named (id, names[i]);

      g_list_store_append (store, display);
    }
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                    g_object_ref (gtk_column_view_get_sorter (column_view)));

  /* By name, the page's first order. */
  order = names_in_order (G_LIST_MODEL (sorted));
  g_assert_cmpstr (order, ==, "lobby 2|Lobby 9|Lobby 10|Lobby 010b|écran 3|Écran 20");

  /* By status and by last seen: all tie, so the name decides. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (g_strcmp0 (title, "Status") != 0 && g_strcmp0 (title, "Last Seen") != 0)
        continue;
      gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);
      g_free (order);
      order = names_in_order (G_LIST_MODEL (sorted));
      g_assert_cmpstr (order, ==, "lobby 2|Lobby 9|Lobby 10|Lobby 010b|écran 3|Écran 20");
      sorted_by++;
    }

  g_assert_cmpuint (sorted_by, ==, 2);

  g_object_unref (sorted);
  g_object_unref (page);
}

/* ---- empty state ---- */

static gboolean
page_in_state (gpointer data)
{
  VzDevicesPage *page = data;

  return g_strcmp0 (_vz_devices_page_get_state (page), g_object_get_data (G_OBJECT (page), "want")) == 0;
}

static void
test_empty_state (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  GtkWidget *empty;

  g_object_set_data (G_OBJECT (page), "want", (gpointer) "empty");
  g_assert_true (wait_for (page_in_state, page, 30));

  empty = _vz_devices_page_get_state_widget (page, "empty");
  g_assert_true (ADW_IS_STATUS_PAGE (empty));
  g_assert_true (gtk_widget_get_mapped (empty));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty)), ==, "No Screens Yet");
  /* The way out of the empty state is right there and works. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.pair", NULL));
  spin (100);

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- error state ---- */

static void
test_error_state (void)
{
  /* Nothing listens on the discard port: the first read cannot succeed. */
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");
  g_autoptr(VzSyncEngine) engine = vz_sync_engine_new (session);
  VzWindow *window;
  VzDevicesPage *page;
  GtkWidget *error_page;
  const char *description;

  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  window = open_window (engine);
  page = vz_window_get_devices_page (window);

  g_object_set_data (G_OBJECT (page), "want", (gpointer) "error");
  g_assert_true (wait_for (page_in_state, page, 30));
  error_page = _vz_devices_page_get_state_widget (page, "error");
  g_assert_true (gtk_widget_get_mapped (error_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (error_page)), ==, "Cannot Load Screens");
  /* The reason in words, as the engine put it. */
  description = adw_status_page_get_description (ADW_STATUS_PAGE (error_page));
  g_assert_nonnull (description);
  g_assert_cmpstr (description, ==, vz_sync_engine_get_last_error (engine));
  /* "Try Again" is there and does something. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.retry", NULL));

  vz_sync_engine_stop (engine);
  close_window (window);
}

/* ---- welcome ---- */

typedef struct {
  char  *url;
  char  *email;
  guint  demo;
  guint  remote_count;
  guint  local_count;
} Chosen;

static void
on_connect_remote (VzWelcomePage *page,
                   const char    *url,
                   const char    *email,
                   const char    *password,
                   Chosen        *chosen)
{
  g_free (chosen->url);
  g_free (chosen->email);
  chosen->url = g_strdup (url);
  chosen->email = g_strdup (email);
  chosen->remote_count++;
}

static void
on_start_local (VzWelcomePage *page,
                guint          demo,
                Chosen        *chosen)
{
  chosen->demo = demo;
  chosen->local_count++;
}

static void
sign_in_with (VzWelcomePage *page,
              const char    *url,
              const char    *email)
{
  vz_welcome_page_show_sign_in (page, NULL, NULL);
  gtk_editable_set_text (_vz_welcome_page_get_url_row (page), url);
  gtk_editable_set_text (_vz_welcome_page_get_email_row (page), email);
  gtk_editable_set_text (_vz_welcome_page_get_password_row (page), "secret");
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (page), "clicked");
}

static void
test_welcome (void)
{
  VzWindow *window = vz_window_new (NULL);
  VzWelcomePage *page = vz_window_get_welcome_page (window);
  Chosen chosen = { NULL, NULL, 0, 0, 0 };

  g_signal_connect (page, "connect-remote", G_CALLBACK (on_connect_remote), &chosen);
  g_signal_connect (page, "start-local", G_CALLBACK (on_start_local), &chosen);
  gtk_window_present (GTK_WINDOW (window));
  vz_welcome_page_show_choices (page);
  g_assert_cmpstr (_vz_welcome_page_get_page (page), ==, "choices");

  /* What people type becomes a server origin. */
  sign_in_with (page, " vizora.example.com/ ", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 1);
  g_assert_cmpstr (chosen.url, ==, "https://vizora.example.com");
  g_assert_cmpstr (chosen.email, ==, "ops@example.com");

  sign_in_with (page, "fleet.lan:3000", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_cmpstr (chosen.url, ==, "http://fleet.lan:3000");

  /* What cannot be a server or an account is said under the form, and nothing is sent. */
  sign_in_with (page, "ftp://files.example.com", "ops@example.com");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_nonnull (strstr (_vz_welcome_page_get_error (page), "server’s address"));

  sign_in_with (page, "https://vizora.example.com", "ops");
  g_assert_cmpuint (chosen.remote_count, ==, 2);
  g_assert_nonnull (strstr (_vz_welcome_page_get_error (page), "email address"));

  /* A failure reported back lands under the same form, in the app's words. */
  vz_welcome_page_show_error (page, "The email address or the password is wrong.");
  g_assert_cmpstr (_vz_welcome_page_get_error (page), ==, "The email address or the password is wrong.");

  /* This computer, with the demo screens chosen last time. */
  vz_welcome_page_set_demo_screens (page, 7);
  vz_welcome_page_show_local (page);
  g_assert_null (_vz_welcome_page_get_error (page));
  g_signal_emit_by_name (find_button_with_label (GTK_WIDGET (page), "Start"), "clicked");
  g_assert_cmpuint (chosen.local_count, ==, 1);
  g_assert_cmpuint (chosen.demo, ==, 7);

  g_free (chosen.url);
  g_free (chosen.email);
  close_window (window);
}

/* ---- window size ---- */

static void
test_window_size (void)
{
  VzWindow *window = vz_window_new (NULL);
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  spin (100);
  /* Closing is when the size is saved. */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  spin (100);
  g_assert_finalize_object (window);

  window = vz_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  /* Without an engine the window welcomes. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (vz_window_get_welcome_page (window))));
  close_window (window);
}

/* ---- pairing ---- */

typedef struct {
  VzPairDialog *dialog;
  VzDisplay    *paired;
} PairWatch;

static void
on_paired (VzPairDialog *dialog,
           VzDisplay    *display,
           PairWatch    *watch)
{
  g_set_object (&watch->paired, display);
}

static gboolean
dialog_has_message (gpointer data)
{
  return _vz_pair_dialog_get_message (data) != NULL;
}

static gboolean
pair_finished (gpointer data)
{
  return ((PairWatch *) data)->paired != NULL;
}

static gboolean
store_has_rows (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (data))) == 1;
}

static char *
request_pairing_code (VzTestServer *server)
{
  g_autoptr(JsonNode) body = NULL;
  JsonObject *data;
  guint status;

  status = vz_test_server_request (server, "POST", "/devices/pairing/request", NULL,
                                   "{\"deviceIdentifier\":\"ui-test-screen-0001\"}", &body);
  g_assert_cmpuint (status, ==, 201);
  data = json_object_get_object_member (json_node_get_object (body), "data");
  return g_strdup (json_object_get_string_member (data, "code"));
}

static void
type_text (AdwEntryRow *row,
           const char  *text)
{
  GtkEditable *editable = GTK_EDITABLE (row);
  int position = gtk_editable_get_position (editable);

  /* Inserting at the cursor is what a keyboard does. */
  position = (int) g_utf8_strlen (gtk_editable_get_text (editable), -1);
  gtk_editable_insert_text (editable, text, -1, &position);
}

static void
test_pair_dialog (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autofree char *code = NULL;
  PairWatch watch = { NULL, NULL };
  VzPairDialog *dialog;
  AdwEntryRow *code_row;

  dialog = vz_pair_dialog_new (engine);
  /* Held here so that its end can be checked after it closes itself. */
  g_object_ref (dialog);
  g_signal_connect (dialog, "paired", G_CALLBACK (on_paired), &watch);
  gtk_window_present (GTK_WINDOW (dialog));
  code_row = _vz_pair_dialog_get_code_row (dialog);

  /* Lowercase is taken as uppercase; a 1 is refused with the reason. */
  type_text (code_row, "ab1");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "AB");
  g_assert_nonnull (_vz_pair_dialog_get_message (dialog));
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "digit 1"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (code_row), "error"));
  g_assert_false (_vz_pair_dialog_can_pair (dialog));

  /* An O is refused too, and so is any symbol. */
  type_text (code_row, "O");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "letter O"));
  type_text (code_row, "#");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "“#”"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "AB");

  /* Good characters clear the complaint; six make the code complete. */
  type_text (code_row, "cd-e2");
  g_assert_null (_vz_pair_dialog_get_message (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "ABCDE2");
  g_assert_true (_vz_pair_dialog_can_pair (dialog));
  type_text (code_row, "Z");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, "ABCDE2");
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "6 characters"));

  /* A code nobody asked for: the real server says 404, the dialog says it in words. */
  gtk_editable_set_text (GTK_EDITABLE (code_row), "");
  type_text (code_row, "ZZZZZZ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL));
  g_assert_true (wait_for (dialog_has_message, dialog, 30));
  g_assert_nonnull (strstr (_vz_pair_dialog_get_message (dialog), "No screen is waiting with the code ZZZZZZ"));
  g_assert_null (watch.paired);

  /* A real screen's code pairs it and the fleet gets it. */
  code = request_pairing_code (server);
  gtk_editable_set_text (GTK_EDITABLE (code_row), "");
  type_text (code_row, code);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_row)), ==, code);
  g_assert_null (_vz_pair_dialog_get_message (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL));
  g_assert_true (wait_for (pair_finished, &watch, 30));
  g_assert_true (wait_for (store_has_rows, engine, 30));
  g_clear_object (&watch.paired);

  /* Pairing closed the dialog; nothing else may keep it. */
  spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_finalize_object (dialog);
  vz_sync_engine_stop (engine);
}

/* ---- detail pane ---- */

typedef struct {
  VzDevicesPage *page;
  const char    *name;
} NameWanted;

static gboolean
name_cell_shows (gpointer data)
{
  NameWanted *want = data;
  g_autoptr(GPtrArray) names = visible_cells (want->page, "vz-cell-name");

  return names->len == 1 && g_strcmp0 (g_ptr_array_index (names, 0), want->name) == 0;
}

/* A server with one screen, "Lobby", and a window that lists it. */
typedef struct {
  VzTestServer  *server;
  char          *token;
  char          *id;
  VzSyncEngine  *engine;
  VzWindow      *window;
  VzDevicesPage *page;
} Lobby;

static void
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
static void
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

typedef struct {
  VzTestServer *server;
  const char   *token;
  const char   *id;
  const char   *name;
} ServerWanted;

static gboolean
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

static void
test_detail_rename (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Lobby Right" };
  ServerWanted on_server = { server, token, id, "Lobby Right" };
  AdwEntryRow *name_row;
  g_autoptr(GPtrArray) groups = NULL;
  gpointer no_group;

  g_assert_true (wait_for (name_cell_shows, &before, 30));

  /* Activating the row opens the pane on that screen. */
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_nonnull (vz_device_detail_get_display (detail));
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (vz_device_detail_get_display (detail))), ==, id);
  spin (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (detail)));

  /* A screen without a group says so in the same words in the list and in the pane. */
  groups = visible_cells (page, "vz-cell-group");
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (groups, 0), ==, "No group");
  no_group = adw_combo_row_get_selected_item (detail->group_row);
  g_assert_true (GTK_IS_STRING_OBJECT (no_group));
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (no_group)), ==, "No group");

  /* Renaming there goes through the engine to the server, and the list cell follows. */
  name_row = ADW_ENTRY_ROW (_vz_device_detail_get_name_row (detail));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Lobby Left");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Lobby Right");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_true (wait_for (name_cell_shows, &after, 30));
  g_assert_true (wait_for (server_has_name, &on_server, 30));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- screenshot ---- */

static gboolean
screenshot_settled (gpointer data)
{
  const char *state = _vz_device_detail_get_screenshot_state (data);

  return g_strcmp0 (state, "picture") == 0 || g_strcmp0 (state, "error") == 0;
}

static void
test_screenshot (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  RowsWanted online = { page, "Online", 1 };
  RowsWanted offline = { page, "Offline", 1 };
  GdkPaintable *picture;

  sim = vz_test_server_start_sim (server, "1", NULL);
  g_assert_true (wait_for (rows_show_status, &online, 60));

  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  spin (300);

  /* Request → spinner → the picture the screen took, shown in the pane. */
  g_signal_emit_by_name (_vz_device_detail_get_screenshot_button (detail), "clicked");
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "waiting");
  g_assert_true (wait_for (screenshot_settled, detail, 40));
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "picture");
  picture = _vz_device_detail_get_screenshot (detail);
  g_assert_nonnull (picture);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (picture), >, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (picture), >, 0);

  /* An offline screen cannot take one: the pane says so in words. */
  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  g_assert_true (wait_for (rows_show_status, &offline, 60));
  g_signal_emit_by_name (_vz_device_detail_get_screenshot_button (detail), "clicked");
  g_assert_true (wait_for (screenshot_settled, detail, 40));
  g_assert_cmpstr (_vz_device_detail_get_screenshot_state (detail), ==, "error");
  g_assert_nonnull (strstr (_vz_device_detail_get_screenshot_error (detail), "offline"));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- figures in the detail pane ---- */

static gboolean
figures_known (gpointer data)
{
  VzDeviceDetail *detail = data;

  return g_strcmp0 (_vz_device_detail_get_figure (detail, "cpu"), "Unknown") != 0 &&
         g_strcmp0 (_vz_device_detail_get_figure (detail, "temperature"), "Unknown") != 0 &&
         g_strcmp0 (_vz_device_detail_get_figure (detail, "uptime"), "Unknown") != 0;
}

static void
test_detail_figures (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  RowsWanted online = { page, "Online", 1 };
  const char *temperature;

  /* The screen arrives after the first read, so the store has no figures
   * for it: live status events carry none. */
  sim = vz_test_server_start_sim (server, "1", NULL);
  g_assert_true (wait_for (rows_show_status, &online, 60));

  /* Opening the pane reads the screen; its heartbeat figures show, in words
   * people read ("42 %", "38 °C"), and keep coming every 15 s. */
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_true (wait_for (figures_known, detail, 40));
  g_assert_true (g_str_has_suffix (_vz_device_detail_get_figure (detail, "cpu"), "%"));
  temperature = _vz_device_detail_get_figure (detail, "temperature");
  g_assert_true (g_str_has_suffix (temperature, "°C"));
  g_assert_false (g_str_has_prefix (temperature, "-"));

  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  close_window (window);
  vz_sync_engine_stop (engine);
}

/* A screen that never sent a heartbeat has no figures: each reads
 * "Unknown", never the -1 that stands for it. */
static void
test_detail_unknown_figures (void)
{
  static const char * const figures[] = { "cpu", "memory", "disk", "temperature", "uptime" };
  Lobby lobby = { NULL };
  VzDeviceDetail *detail;

  lobby_open (&lobby);
  detail = _vz_devices_page_get_detail (lobby.page);
  g_signal_emit_by_name (_vz_devices_page_get_column_view (lobby.page), "activate", 0);
  g_assert_true (vz_device_detail_get_display (detail) != NULL);
  /* The pane's own read of the screen has come back by then. */
  spin (1000);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    g_assert_cmpstr (_vz_device_detail_get_figure (detail, figures[i]), ==, "Unknown");

  lobby_close (&lobby);
}

/* ---- viewer ---- */

#define VIEWER_EMAIL "viewer@example.test"
#define VIEWER_PASSWORD "just looking, thanks"

/* The server has no route to add people yet: the test writes the row the
 * way the server's own first start does, with the server's password hash. */
static void
add_viewer (VzTestServer *server)
{
  g_autofree char *db_path = g_build_filename (server->data_dir, "vizora.db", NULL);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  hash = vz_password_hash (VIEWER_PASSWORD, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name,"
                                       " role, is_active, created_at, updated_at)"
                                       " SELECT ?1, organization_id, ?2, ?3, 'Vera', 'Viewer', 'viewer', 1, ?4, ?4"
                                       " FROM users LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  {
    g_autofree char *id = g_uuid_string_random ();
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  }
  sqlite3_bind_text (stmt, 2, VIEWER_EMAIL, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gboolean
detail_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_viewer (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSession) session = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  NameWanted shown = { NULL, "Lobby Left" };
  VzWindow *window;
  VzDevicesPage *page;
  VzDeviceDetail *detail;
  GtkWidget *name_row;

  add_viewer (server);
  session = vz_session_new (server->url);
  sign_in (session, VIEWER_EMAIL, VIEWER_PASSWORD);
  g_assert_cmpstr (vz_session_get_role (session), ==, "viewer");
  g_assert_false (vz_session_can_write (session));

  engine = vz_sync_engine_new (session);
  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  detail = _vz_devices_page_get_detail (page);
  shown.page = page;
  g_assert_true (wait_for (name_cell_shows, &shown, 30));

  /* A viewer sees everything and can change nothing. */
  assert_button_insensitive (GTK_WIDGET (window), "win.pair");
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (page))));
  spin (50);
  assert_button_insensitive (GTK_WIDGET (page), "devices.delete");
  assert_button_insensitive (GTK_WIDGET (page), "devices.add-to-group");

  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  g_assert_true (wait_for (detail_is_mapped, detail, 10));
  name_row = _vz_device_detail_get_name_row (detail);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Lobby Left");
  g_assert_false (gtk_widget_is_sensitive (name_row));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (_vz_device_detail_get_screenshot_button (detail))));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- bulk actions ---- */

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
groups_show (gpointer data)
{
  NameWanted *want = data;
  g_autoptr(GPtrArray) groups = visible_cells (want->page, "vz-cell-group");

  if (groups->len != 2)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (g_ptr_array_index (groups, i), want->name) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
two_rows (gpointer data)
{
  g_autoptr(GPtrArray) names = visible_cells (data, "vz-cell-name");

  return names->len == 2;
}

static gboolean
page_is_empty (gpointer data)
{
  return g_strcmp0 (_vz_devices_page_get_state (data), "empty") == 0;
}

static gboolean
engine_can_undo (gpointer data)
{
  return vz_sync_engine_get_can_undo (data);
}

/* The toast after an Undo that could not be done: a reason, not "Undone". */
static gboolean
toast_says_cannot (gpointer data)
{
  const char *toast = _vz_window_get_last_toast (data);

  return toast != NULL && !g_str_has_prefix (toast, "Undone") && strstr (toast, "cannot") != NULL;
}

static gboolean
toast_says_deleted_two (gpointer data)
{
  return g_strcmp0 (_vz_window_get_last_toast (data), "Deleted 2 screens") == 0;
}

static gboolean
server_has_no_screens (gpointer data)
{
  ServerWanted *want = data;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *page;

  if (vz_test_server_request (want->server, "GET", "/displays", want->token, NULL, &body) != 200)
    return FALSE;
  page = json_object_get_object_member (json_node_get_object (body), "data");
  return json_array_get_length (json_object_get_array_member (page, "data")) == 0;
}

static void
test_bulk_actions (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id1 = vz_test_server_pair_screen (server, token, "Hall A", NULL);
  g_autofree char *id2 = vz_test_server_pair_screen (server, token, "Hall B", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(JsonNode) body = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  GtkSelectionModel *rows = gtk_column_view_get_model (_vz_devices_page_get_column_view (page));
  NameWanted grouped = { page, "Second Floor" };
  ServerWanted on_server = { server, token, NULL, NULL };
  AdwMessageDialog *dialog;
  GtkWidget *name_row;
  JsonObject *data;

  g_assert_true (wait_for (two_rows, page, 30));

  /* Both screens into a group made on the spot. */
  gtk_selection_model_select_all (rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.add-to-group", NULL));
  spin (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Add 2 Screens to a Group");
  /* No group exists yet, so the dialog offers a new one and waits for a name. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  name_row = find_widget_of_type (adw_message_dialog_get_extra_child (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Second Floor");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  /* What the button does: answer, then close. */
  adw_message_dialog_response (dialog, "add");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (groups_show, &grouped, 30));

  g_assert_cmpuint (vz_test_server_request (server, "GET", "/display-groups", token, NULL, &body), ==, 200);
  data = json_object_get_object_member (json_node_get_object (body), "data");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data, "data")), ==, 1);
  g_clear_pointer (&body, json_node_unref);

  /* Then both deleted, after the confirmation names the count. */
  spin (100);
  gtk_selection_model_select_all (rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "devices.delete", NULL));
  spin (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  /* It asks in the words of the toast that follows, Undo included. */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 2 screens?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Undo brings them back"));
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (toast_says_deleted_two, window, 10));
  /* The rows go at once; the server follows when the queued delete lands. */
  g_assert_true (wait_for (page_is_empty, page, 30));
  g_assert_true (wait_for (server_has_no_screens, &on_server, 30));

  /* A delete that reached the server cannot be taken back; Undo says why. */
  g_assert_true (wait_for (engine_can_undo, engine, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (wait_for (toast_says_cannot, window, 10));
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "empty");

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- changes: pending, undo, offline, refused ---- */

/* How many rows show the "waiting to be saved" pencil. */
static guint
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

typedef struct {
  VzWindow  *window;
  VzDisplay *display;
  char      *queued_label;
  char      *name_when_queued;
  guint      pending_icons_when_queued;
  gboolean   pending_when_queued;
  guint      committed;
  guint      failed;
} ChangeWatch;

static void
on_change_queued (VzSyncEngine *engine,
                  VzMutation   *mutation,
                  const char   *label,
                  ChangeWatch  *watch)
{
  g_autoptr(GPtrArray) names = visible_cells (vz_window_get_devices_page (watch->window), "vz-cell-name");

  /* What the person sees the moment the change is reported queued. */
  g_free (watch->queued_label);
  watch->queued_label = g_strdup (label);
  g_free (watch->name_when_queued);
  watch->name_when_queued = names->len == 1 ? g_strdup (g_ptr_array_index (names, 0)) : NULL;
  watch->pending_icons_when_queued =
    count_pending_icons (GTK_WIDGET (_vz_devices_page_get_column_view (vz_window_get_devices_page (watch->window))));
  watch->pending_when_queued = vz_entity_get_pending (VZ_ENTITY (watch->display));
}

static void
on_change_committed (VzSyncEngine *engine,
                     VzMutation   *mutation,
                     ChangeWatch  *watch)
{
  watch->committed++;
}

static void
on_change_failed (VzSyncEngine *engine,
                  VzMutation   *mutation,
                  GError       *error,
                  ChangeWatch  *watch)
{
  watch->failed++;
}

static void
watch_changes (ChangeWatch  *watch,
               VzSyncEngine *engine)
{
  g_signal_connect (engine, "change-queued", G_CALLBACK (on_change_queued), watch);
  g_signal_connect (engine, "change-committed", G_CALLBACK (on_change_committed), watch);
  g_signal_connect (engine, "change-failed", G_CALLBACK (on_change_failed), watch);
}

static void
unwatch_changes (ChangeWatch  *watch,
                 VzSyncEngine *engine)
{
  g_signal_handlers_disconnect_by_data (engine, watch);
  g_free (watch->queued_label);
  g_free (watch->name_when_queued);
}

static gboolean
change_queued (gpointer data)
{
  return ((ChangeWatch *) data)->queued_label != NULL;
}

static gboolean
committed_and_clear (gpointer data)
{
  ChangeWatch *watch = data;
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (vz_window_get_devices_page (watch->window)));

  return watch->committed > 0 && !vz_entity_get_pending (VZ_ENTITY (watch->display)) && count_pending_icons (view) == 0;
}

static VzDisplay *
first_display (VzSyncEngine *engine)
{
  g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_displays (engine)), 0);

  g_assert_nonnull (display);
  return display;  /* the store keeps it */
}

static void
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

/* The action @accel (e.g. "<Control>z") runs in @widget, from its shortcut
 * controllers, as a key press would find it. */
static char *
action_for_accel (GtkWidget  *widget,
                  const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) &&
              GTK_IS_NAMED_ACTION (action))
            return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }
  return NULL;
}

static void
test_rename_undo (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Lobby Right" };
  ServerWanted renamed = { server, token, id, "Lobby Right" };
  ServerWanted restored = { server, token, id, "Lobby Left" };
  ChangeWatch watch = { window, NULL };

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  watch.display = first_display (engine);
  watch_changes (&watch, engine);
  g_assert_false (vz_sync_engine_get_can_undo (engine));

  /* The moment the rename is queued the row already shows the new name,
   * with the pencil that says it is not saved yet. */
  rename_in_detail (page, "Lobby Right");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (change_queued, &watch, 10));
  g_assert_cmpstr (watch.name_when_queued, ==, "Lobby Right");
  g_assert_true (watch.pending_when_queued);
  g_assert_cmpuint (watch.pending_icons_when_queued, ==, 1);
  /* The toast says what happened, in the engine's words, and offers Undo. */
  g_assert_cmpstr (_vz_window_get_last_toast (window), ==, watch.queued_label);

  /* Saved: the pencil goes, the server has the name. */
  g_assert_true (wait_for (committed_and_clear, &watch, 30));
  g_assert_true (wait_for (server_has_name, &renamed, 10));
  g_assert_true (wait_for (engine_can_undo, engine, 10));

  /* Ctrl+Z: the old name is back on screen at once, then on the server. */
  {
    g_autofree char *action = action_for_accel (GTK_WIDGET (window), "<Control>z");
    g_assert_cmpstr (action, ==, "win.undo");
  }
  watch.committed = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (wait_for (name_cell_shows, &before, 10));
  g_assert_true (wait_for (committed_and_clear, &watch, 30));
  g_assert_true (wait_for (server_has_name, &restored, 10));
  g_assert_nonnull (_vz_window_get_last_toast (window));
  g_assert_true (g_str_has_prefix (_vz_window_get_last_toast (window), "Undone"));

  unwatch_changes (&watch, engine);
  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
label_says_pending (gpointer data)
{
  VzWindow *window = data;

  return strstr (_vz_window_get_connection_label (window), "1 pending") != NULL;
}

static gboolean
label_says_nothing_pending (gpointer data)
{
  VzWindow *window = data;

  return strstr (_vz_window_get_connection_label (window), "pending") == NULL &&
         strstr (_vz_window_get_connection_label (window), "failed") == NULL;
}

static gboolean
engine_not_online (gpointer data)
{
  return vz_sync_engine_get_connection_state (data) != VZ_CONNECTION_STATE_ONLINE;
}

static gboolean
popover_in_state (gpointer data)
{
  VzPendingPopover *popover = data;

  return g_strcmp0 (_vz_pending_popover_get_state (popover), g_object_get_data (G_OBJECT (popover), "want")) == 0;
}

/* The texts of the labels with @css_class in the popover's rows. */
static GPtrArray *
popover_texts (VzPendingPopover *popover,
               const char       *css_class)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (GTK_WIDGET (_vz_pending_popover_get_list_view (popover)), css_class, texts);
  return texts;
}

static void
test_offline_queue (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GPtrArray) descriptions = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autofree char *expected = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  NameWanted before = { page, "Lobby Left" };
  NameWanted after = { page, "Reception" };
  ServerWanted on_server = { server, token, id, "Reception" };
  VzOutbox *outbox;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  /* Nothing waits: the indicator is a label, not a button. */
  g_assert_true (label_says_nothing_pending (window));
  g_assert_false (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));

  /* The server goes away; a rename still shows at once and waits. */
  vz_test_server_kill (server);
  g_assert_true (wait_for (engine_not_online, engine, 30));
  rename_in_detail (page, "Reception");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (label_says_pending, window, 10));
  g_assert_cmpstr (strstr (_vz_window_get_connection_label (window), "Online"), ==, NULL);
  g_assert_true (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));

  /* The popover lists it, in the engine's words. */
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  spin (200);
  outbox = vz_sync_engine_get_outbox (engine);
  g_assert_nonnull (outbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (outbox)), ==, 1);
  {
    g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
    expected = vz_sync_engine_describe_change (engine, m);
  }
  descriptions = popover_texts (popover, "vz-pending-description");
  g_assert_cmpuint (descriptions->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (descriptions, 0), ==, expected);
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_true (g_strcmp0 (g_ptr_array_index (states, 0), "Waiting") == 0 ||
                 g_strcmp0 (g_ptr_array_index (states, 0), "Sending…") == 0);

  /* The server comes back: the change lands, the list says all is saved. */
  vz_test_server_restart (server);
  g_assert_true (wait_for (server_has_name, &on_server, 90));
  g_assert_true (wait_for (label_says_nothing_pending, window, 30));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "empty");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  gtk_popover_popdown (GTK_POPOVER (popover));

  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
change_failed (gpointer data)
{
  return ((ChangeWatch *) data)->failed > 0;
}

static gboolean
change_failed_twice (gpointer data)
{
  return ((ChangeWatch *) data)->failed > 1;
}

static gboolean
timezone_row_reads (gpointer data)
{
  VzDeviceDetail *detail = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (_vz_device_detail_get_timezone_row (detail))),
                    g_object_get_data (G_OBJECT (detail), "want")) == 0;
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *queued = user_data;
  g_autoptr(GError) error = NULL;

  *queued = vz_sync_engine_update_display_finish (VZ_SYNC_ENGINE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_refused_change (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby Left", NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzDeviceDetail *detail = _vz_devices_page_get_detail (page);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  NameWanted before = { page, "Lobby Left" };
  ChangeWatch watch = { window, NULL };
  const char *original;
  const char *toast;
  gboolean queued = FALSE;
  g_autoptr(VzMutation) failed = NULL;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  watch.display = first_display (engine);
  watch_changes (&watch, engine);
  g_signal_emit_by_name (_vz_devices_page_get_column_view (page), "activate", 0);
  spin (300);
  original = vz_display_get_timezone (watch.display);
  g_assert_nonnull (original);

  /* The pane checks what people type; a script or a stale client may not:
   * the engine takes it, the server refuses it. */
  json_object_set_string_member (changes, "timezone", "Mars/Olympus_Mons");
  vz_sync_engine_update_display_async (engine, id, changes, NULL, queued_cb, &queued);
  g_assert_true (wait_for (flag_set, &queued, 10));
  g_assert_true (wait_for (change_failed, &watch, 30));

  /* Rolled back on screen, and the toast says why in the server's words. */
  g_object_set_data_full (G_OBJECT (detail), "want", g_strdup (original), g_free);
  g_assert_true (wait_for (timezone_row_reads, detail, 10));
  g_assert_cmpstr (vz_display_get_timezone (watch.display), ==, original);
  failed = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (engine)), 0);
  g_assert_nonnull (failed);
  g_assert_nonnull (vz_mutation_get_last_error (failed));
  toast = _vz_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_assert_true (g_str_has_prefix (toast, "Couldn’t change the time zone of “Lobby Left”: "));
  g_assert_true (g_str_has_suffix (toast, vz_mutation_get_last_error (failed)));

  /* It stays in the list as failed, with the reason and a way out. */
  g_assert_nonnull (strstr (_vz_window_get_connection_label (window), "1 failed"));
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  spin (200);
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (states, 0), ==, "Failed");
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Change Failed");
  reasons = popover_texts (popover, "vz-pending-reason");
  g_assert_cmpuint (reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==, vz_mutation_get_last_error (failed));

  /* The row offers Retry and Discard, not the ways out of a conflict.
   * Retry sends it again; the server refuses again, in the same words. */
  g_assert_false (gtk_widget_is_visible (find_button_with_label (GTK_WIDGET (popover), "Keep _Mine")));
  click_row_button (popover, "_Retry", failed);
  g_assert_true (wait_for (change_failed_twice, &watch, 30));
  g_assert_cmpstr (vz_display_get_timezone (watch.display), ==, original);

  click_row_button (popover, "_Discard", failed);
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "empty");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  g_assert_true (wait_for (label_says_nothing_pending, window, 10));
  gtk_popover_popdown (GTK_POPOVER (popover));

  unwatch_changes (&watch, engine);
  close_window (window);
  vz_sync_engine_stop (engine);
}

static gboolean
strip_shows_availability (gpointer data)
{
  VzWindow *window = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  /* Every failed read counts towards the circuit breaker; ask again. */
  if (vz_sync_engine_get_availability (engine) == NULL)
    vz_sync_engine_refresh (engine);
  return _vz_window_get_strip (window, "availability") != NULL;
}

static void
test_unavailable (void)
{
  Lobby lobby = { NULL };
  VzSyncEngine *engine;
  VzWindow *window;
  VzPendingPopover *popover;

  lobby_open (&lobby);
  engine = lobby.engine;
  window = lobby.window;
  popover = _vz_window_get_pending_popover (window);
  g_assert_null (_vz_window_get_strip (window, "availability"));

  /* The server stops answering: once the breaker opens, a strip under the
   * header says so and when the app tries again, and so does the list. */
  vz_test_server_kill (lobby.server);
  g_assert_true (wait_for (strip_shows_availability, window, 60));
  g_assert_cmpstr (_vz_window_get_strip (window, "availability"), ==, vz_sync_engine_get_availability (engine));
  /* Nothing waits, yet the indicator opens the list, which explains. */
  g_assert_true (gtk_widget_get_can_target (GTK_WIDGET (_vz_window_get_connection_button (window))));
  gtk_menu_button_popup (_vz_window_get_connection_button (window));
  spin (100);
  g_assert_cmpstr (_vz_pending_popover_get_availability (popover), ==, vz_sync_engine_get_availability (engine));
  g_assert_cmpstr (_vz_pending_popover_get_state (popover), ==, "empty");
  gtk_popover_popdown (GTK_POPOVER (popover));

  lobby_close (&lobby);
}

/* ---- the main menu ---- */

/* The main menu's first line (a box of the window's .ui) names the account. */
static void
test_menu_account (void)
{
  Lobby lobby = { NULL };
  GtkLabel *label;

  lobby_open (&lobby);
  label = _vz_window_get_menu_account_label (lobby.window);
  g_assert_nonnull (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_POPOVER_MENU));
  g_assert_nonnull (strstr (gtk_label_get_label (label), VZ_TEST_EMAIL));

  lobby_close (&lobby);
}

/* ---- a closed window ---- */

static gboolean
engine_online (gpointer data)
{
  return !engine_not_online (data);
}

/*
 * Closing destroys the window, but it lives on while someone holds a
 * reference. From the close on, neither it nor its pages follow the engine:
 * the engine's news would otherwise update widgets without a surface (a
 * tooltip there asks a surface that is gone: Gdk-CRITICAL).
 */
static void
test_closed_window_detaches (void)
{
  Lobby lobby = { NULL };
  g_autofree char *label = NULL;
  VzSyncEngine *engine;
  VzWindow *window;
  VzDevicesPage *page;
  VzPendingPopover *popover;

  lobby_open (&lobby);
  engine = lobby.engine;
  window = g_steal_pointer (&lobby.window);
  page = lobby.page;
  popover = _vz_window_get_pending_popover (window);
  g_assert_true (wait_for (engine_online, engine, 30));
  g_assert_true (vz_devices_page_get_sync_engine (page) == engine);
  g_assert_true (vz_pending_popover_get_sync_engine (popover) == engine);
  label = g_strdup (_vz_window_get_connection_label (window));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (vz_window_get_sync_engine (window) == engine);
  g_assert_null (vz_devices_page_get_sync_engine (page));
  g_assert_null (vz_pending_popover_get_sync_engine (popover));

  /* The engine loses its server and says so; the closed window hears none of it. */
  vz_test_server_kill (lobby.server);
  g_assert_true (wait_for (engine_not_online, engine, 60));
  spin (300);
  g_assert_cmpstr (_vz_window_get_connection_label (window), ==, label);

  g_assert_finalize_object (window);
  lobby_close (&lobby);
}

/* ---- offline start from the saved fleet ---- */

static gboolean
strip_shows_snapshot (gpointer data)
{
  return _vz_window_get_strip (data, "snapshot") != NULL;
}

static gboolean
snapshot_saved (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_offline_start (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(VzSyncEngine) first = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *snapshot = NULL;
  VzWindow *window;
  VzDevicesPage *page;
  NameWanted before = { NULL, "Lobby" };
  NameWanted after = { NULL, "Hall" };
  const char *strip;
  GObjectClass *engine_class;

  /* The engine says when it shows a saved fleet ("snapshot-time"). */
  engine_class = g_type_class_ref (VZ_TYPE_SYNC_ENGINE);
  g_assert_nonnull (g_object_class_find_property (engine_class, "snapshot-time"));
  g_type_class_unref (engine_class);

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);

  /* A first run sees the fleet and keeps it. */
  first = vz_sync_engine_new (session);
  use_temporary_outbox (first);
  journal = g_strdup (vz_sync_engine_get_outbox_path (first));
  snapshot = vz_snapshot_path_beside (journal);
  vz_sync_engine_start (first);
  g_assert_true (wait_for (store_has_rows, first, 30));
  vz_sync_engine_stop (first);
  g_assert_true (wait_for (snapshot_saved, snapshot, 10));
  g_clear_object (&first);

  /* The next start finds no server: it opens with what it saw, says how old
   * that is, and still takes changes. */
  vz_test_server_kill (server);
  engine = vz_sync_engine_new (session);
  vz_sync_engine_set_outbox_path (engine, journal);
  vz_sync_engine_start (engine);
  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  before.page = after.page = page;
  g_assert_true (wait_for (name_cell_shows, &before, 30));
  g_assert_true (wait_for (strip_shows_snapshot, window, 30));
  strip = _vz_window_get_strip (window, "snapshot");
  g_assert_true (g_str_has_prefix (strip, "Offline — showing the fleet as of "));
  g_assert_nonnull (strstr (strip, "(just now)"));

  rename_in_detail (page, "Hall");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (label_says_pending, window, 10));

  close_window (window);
  vz_sync_engine_stop (engine);
}

/* ---- stay signed in: the whole app, started again with the server gone ---- */

static VzWindow *
app_window (VzApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  return VZ_WINDOW (windows->data);
}

static gboolean
window_has_engine (gpointer data)
{
  return vz_window_get_sync_engine (data) != NULL;
}

static gboolean
sign_in_form_up (gpointer data)
{
  return g_strcmp0 (_vz_welcome_page_get_page (vz_window_get_welcome_page (data)), "sign-in") == 0;
}

static gboolean
window_signed_in (gpointer data)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (data);

  return engine != NULL && vz_session_get_signed_in (vz_sync_engine_get_session (engine));
}

static gboolean
strip_gone (gpointer data)
{
  return _vz_window_get_strip (data, "snapshot") == NULL;
}

static gboolean
label_offline_pending (gpointer data)
{
  return g_strcmp0 (_vz_window_get_connection_label (data), "Offline · 1 pending") == 0;
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

typedef struct {
  VzTestServer *server;
  char         *id;
  char         *account;
  char         *snapshot;
} StayData;

static void
stay_first_start (VzApplication *app,
                  gpointer       data)
{
  StayData *stay = data;
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  NameWanted before = { NULL, "Lobby" };
  VzSyncEngine *engine;
  GStatBuf st;

  /* Nothing saved for this server: the form; sign in. */
  g_assert_true (wait_for (sign_in_form_up, window, 20));
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), VZ_TEST_PASSWORD);
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (welcome), "clicked");
  g_assert_true (wait_for (window_has_engine, window, 30));
  engine = vz_window_get_sync_engine (window);
  before.page = vz_window_get_devices_page (window);
  g_assert_true (wait_for (name_cell_shows, &before, 30));

  /* The sign-in is kept in the account's folder, private. */
  stay->account = vz_session_saved_account_path (stay->server->url,
                                                 vz_session_get_user_id (vz_sync_engine_get_session (engine)));
  g_assert_true (wait_for (snapshot_saved, stay->account, 10));
  g_assert_cmpint (g_stat (stay->account, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  stay->snapshot = vz_snapshot_path_beside (vz_sync_engine_get_outbox_path (engine));
}

static void
stay_offline_start (VzApplication *app,
                    gpointer       data)
{
  StayData *stay = data;
  VzWindow *window = app_window (app);
  NameWanted before = { NULL, "Lobby" };
  NameWanted after = { NULL, "Hall" };
  g_autofree char *fresh_token = NULL;
  ServerWanted landed = { stay->server, NULL, stay->id, "Hall" };
  const char *strip;

  /* The server is gone: the window opens with the saved fleet, says how
   * old it is, and takes changes. */
  g_assert_true (wait_for (window_has_engine, window, 30));
  before.page = after.page = vz_window_get_devices_page (window);
  g_assert_true (wait_for (name_cell_shows, &before, 30));
  g_assert_true (wait_for (strip_shows_snapshot, window, 30));
  strip = _vz_window_get_strip (window, "snapshot");
  g_assert_true (g_str_has_prefix (strip, "Offline — showing the fleet as of "));
  /* Its age: seconds old here. */
  g_assert_true (strstr (strip, "(just now)") != NULL || strstr (strip, "ago)") != NULL);
  g_assert_cmpint (vz_session_get_state (vz_sync_engine_get_session (vz_window_get_sync_engine (window))), ==,
                   VZ_SESSION_STATE_SAVED);

  rename_in_detail (after.page, "Hall");
  g_assert_true (wait_for (name_cell_shows, &after, 10));
  g_assert_true (wait_for (label_offline_pending, window, 10));

  /* The server is back: online by itself with the saved token, the change
   * lands and the strip goes. */
  vz_test_server_restart (stay->server);
  g_assert_true (wait_for (label_says_nothing_pending, window, 60));
  g_assert_true (wait_for (strip_gone, window, 30));
  g_assert_true (wait_for (window_signed_in, window, 10));
  fresh_token = vz_test_server_login (stay->server);
  landed.token = fresh_token;
  g_assert_true (wait_for (server_has_name, &landed, 10));

  /* Signing out forgets the saved sign-in. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
  g_assert_true (wait_for (file_gone, stay->account, 10));
}

/* A remote sign-in to stay->server with a paired "Lobby", run once so that
 * the account and the fleet are saved. */
static void
stay_first_run (StayData   *stay,
                GSettings  *settings,
                const char *token)
{
  stay->id = vz_test_server_pair_screen (stay->server, token, "Lobby", NULL);
  g_settings_set_string (settings, "connection-mode", "remote");
  g_settings_set_string (settings, "server-url", stay->server->url);
  g_settings_set_string (settings, "last-email", VZ_TEST_EMAIL);
  g_settings_set_string (settings, "realtime-url", "");
  app_run (stay_first_start, stay);
}

static void
stay_clear (StayData  *stay,
            GSettings *settings)
{
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "last-email");
  g_free (stay->id);
  g_free (stay->account);
  g_free (stay->snapshot);
}

static void
test_stay_signed_in (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  StayData stay = { server, NULL, NULL, NULL };

  stay_first_run (&stay, settings, token);
  /* Stopping saved the fleet. */
  g_assert_true (wait_for (snapshot_saved, stay.snapshot, 10));

  vz_test_server_kill (server);
  app_run (stay_offline_start, &stay);

  stay_clear (&stay, settings);
}

static gboolean
saved_fleet_offered (gpointer data)
{
  return _vz_welcome_page_get_saved_fleet_button (vz_window_get_welcome_page (data)) != NULL;
}

static void
offer_unreachable_sign_in (VzApplication *app,
                           gpointer       data)
{
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  NameWanted before = { NULL, "Lobby" };
  const char *error;

  /* Someone else's sign-in was the last one: the form. The server is down,
   * so signing in cannot work, and the fleet saved for this server and
   * person is offered instead. */
  g_assert_true (wait_for (sign_in_form_up, window, 20));
  g_assert_null (_vz_welcome_page_get_saved_fleet_button (welcome));
  gtk_editable_set_text (_vz_welcome_page_get_email_row (welcome), VZ_TEST_EMAIL);
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), VZ_TEST_PASSWORD);
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (welcome), "clicked");
  g_assert_true (wait_for (saved_fleet_offered, window, 30));
  error = _vz_welcome_page_get_error (welcome);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error, "Cannot reach "));

  g_signal_emit_by_name (_vz_welcome_page_get_saved_fleet_button (welcome), "clicked");
  g_assert_true (wait_for (window_has_engine, window, 10));
  before.page = vz_window_get_devices_page (window);
  g_assert_true (wait_for (name_cell_shows, &before, 30));
  g_assert_true (wait_for (strip_shows_snapshot, window, 30));
  g_assert_cmpint (vz_session_get_state (vz_sync_engine_get_session (vz_window_get_sync_engine (window))), ==,
                   VZ_SESSION_STATE_SAVED);
}

static void
test_offer_saved_fleet (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  StayData stay = { server, NULL, NULL, NULL };

  stay_first_run (&stay, settings, token);
  g_assert_true (wait_for (snapshot_saved, stay.snapshot, 10));

  vz_test_server_kill (server);
  g_settings_set_string (settings, "last-email", "someone.else@example.test");
  app_run (offer_unreachable_sign_in, &stay);

  stay_clear (&stay, settings);
}

static void
refused_saved_sign_in (VzApplication *app,
                       gpointer       data)
{
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  const char *error;

  /* The server answers and refuses the saved sign-in: the form, saying why,
   * with the saved address and email filled in. */
  g_assert_true (wait_for (sign_in_form_up, window, 30));
  error = _vz_welcome_page_get_error (welcome);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_suffix (error, " Changes you made are kept and are sent once you sign in."));
  g_assert_cmpuint (strlen (error), >, strlen (" Changes you made are kept and are sent once you sign in."));
  g_assert_null (vz_window_get_sync_engine (window));
  g_assert_cmpstr (gtk_editable_get_text (_vz_welcome_page_get_email_row (welcome)), ==, VZ_TEST_EMAIL);
}

typedef struct {
  VzWindow   *window;
  const char *text;
} ErrorWanted;

static gboolean
sign_in_error_is (gpointer data)
{
  ErrorWanted *wanted = data;

  return g_strcmp0 (_vz_welcome_page_get_error (vz_window_get_welcome_page (wanted->window)), wanted->text) == 0;
}

static void
throttled_sign_in (VzApplication *app,
                   gpointer       data)
{
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  ErrorWanted wrong = { window, "The email address or the password is wrong." };
  ErrorWanted wait = { window, "Too many sign-in attempts. Try again in 2 minutes." };

  /* A wrong password, then the right one too soon: the form says how long
   * to wait, in words, from the server's Retry-After (120 s here). */
  g_assert_true (wait_for (sign_in_form_up, window, 20));
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), "not the password");
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (welcome), "clicked");
  g_assert_true (wait_for (sign_in_error_is, &wrong, 30));
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), VZ_TEST_PASSWORD);
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (welcome), "clicked");
  g_assert_true (wait_for (sign_in_error_is, &wait, 30));
  g_assert_null (vz_window_get_sync_engine (window));
}

static void
test_throttled_sign_in (void)
{
  const char *args[] = { "--sign-in-limits", "1,1000,120000", NULL };
  g_autoptr(VzTestServer) server = vz_test_server_start (args);
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_settings_set_string (settings, "connection-mode", "remote");
  g_settings_set_string (settings, "server-url", server->url);
  g_settings_set_string (settings, "last-email", VZ_TEST_EMAIL);
  app_run (throttled_sign_in, NULL);
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "last-email");
}

static void
test_refused_saved_sign_in (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  StayData stay = { server, NULL, NULL, NULL };
  JsonObject *obj;

  stay_first_run (&stay, settings, token);

  /* As if the tokens were revoked meanwhile (a password change elsewhere). */
  g_assert_true (json_parser_load_from_file (parser, stay.account, &error));
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (obj, "accessToken", "revoked");
  json_object_set_string_member (obj, "refreshCookie", "vizora_refresh_token=revoked; Path=/");
  text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_true (g_file_set_contents_full (stay.account, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);

  app_run (refused_saved_sign_in, &stay);

  stay_clear (&stay, settings);
}

typedef struct {
  char *snapshot;
  char *url;
  guint n_screens;
} LocalData;

static void
local_first_start (VzApplication *app,
                   gpointer       data)
{
  LocalData *local = data;
  VzWindow *window = app_window (app);
  VzSyncEngine *engine;

  /* --local: the fleet server on this computer starts, the app signs in
   * (its data, and so its screens, outlive test runs). */
  g_assert_true (wait_for (window_has_engine, window, 60));
  engine = vz_window_get_sync_engine (window);
  g_assert_true (wait_for (store_has_rows, engine, 30));
  local->n_screens = g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine)));
  local->url = g_strdup (vz_session_get_server_url (vz_sync_engine_get_session (engine)));
  local->snapshot = vz_snapshot_path_beside (vz_sync_engine_get_outbox_path (engine));
}

static gboolean
local_error_shown (gpointer data)
{
  VzWelcomePage *welcome = vz_window_get_welcome_page (data);

  return g_strcmp0 (_vz_welcome_page_get_page (welcome), "local") == 0 &&
         _vz_welcome_page_get_error (welcome) != NULL &&
         _vz_welcome_page_get_saved_fleet_button (welcome) != NULL;
}

static void
local_cannot_start (VzApplication *app,
                    gpointer       data)
{
  LocalData *local = data;
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  VzSyncEngine *engine;

  /* The server cannot start: why, in words, and the last known fleet. */
  g_assert_true (wait_for (local_error_shown, window, 30));
  g_assert_cmpuint (strlen (_vz_welcome_page_get_error (welcome)), >, 10);
  g_signal_emit_by_name (_vz_welcome_page_get_saved_fleet_button (welcome), "clicked");
  g_assert_true (wait_for (window_has_engine, window, 10));
  engine = vz_window_get_sync_engine (window);
  g_assert_cmpstr (vz_session_get_server_url (vz_sync_engine_get_session (engine)), ==, local->url);
  g_assert_true (wait_for (strip_shows_snapshot, window, 30));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))), ==,
                    local->n_screens);
}

static void
test_local_cannot_start (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autofree char *server_bin = g_strdup (g_getenv ("VIZORA_SERVER_BIN"));
  LocalData local = { NULL, NULL, 0 };

  g_settings_set_string (settings, "connection-mode", "local");
  g_settings_set_uint (settings, "demo-screens", 1);
  app_run (local_first_start, &local);
  g_assert_true (wait_for (snapshot_saved, local.snapshot, 10));

  /* A program that exits at once stands for a server that cannot start. */
  g_setenv ("VIZORA_SERVER_BIN", "/bin/false", TRUE);
  app_run (local_cannot_start, &local);
  g_setenv ("VIZORA_SERVER_BIN", server_bin, TRUE);

  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "demo-screens");
  g_free (local.snapshot);
  g_free (local.url);
}

/* Changes queued in one local session belong to the next one too: the local
 * server comes back on the same address, so the account (its outbox and
 * snapshot) is the same. */
static void
test_local_keeps_port (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  LocalData first = { NULL, NULL, 0 };
  LocalData second = { NULL, NULL, 0 };
  guint16 port = 0;

  g_settings_set_string (settings, "connection-mode", "local");
  g_settings_set_uint (settings, "demo-screens", 1);
  g_settings_reset (settings, "local-port");
  app_run (local_first_start, &first);
  g_settings_get (settings, "local-port", "q", &port);
  g_assert_cmpuint (port, !=, 0);
  app_run (local_first_start, &second);

  g_assert_cmpstr (second.url, ==, first.url);
  g_assert_cmpstr (second.snapshot, ==, first.snapshot);

  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "demo-screens");
  g_settings_reset (settings, "local-port");
  g_free (first.snapshot);
  g_free (first.url);
  g_free (second.snapshot);
  g_free (second.url);
}

static void
silent_server_start (VzApplication *app,
                     gpointer       data)
{
  VzWindow *window = app_window (app);
  NameWanted before = { NULL, "Lobby" };
  gint64 start = g_get_monotonic_time ();

  /* The server's port takes connections and never answers: the saved fleet
   * shows well before the requests' 30 s timeout. */
  g_assert_true (wait_for (window_has_engine, window, 10));
  before.page = vz_window_get_devices_page (window);
  g_assert_true (wait_for (name_cell_shows, &before, 10));
  g_assert_true (wait_for (strip_shows_snapshot, window, 10));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

static void
test_silent_server_start (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  StayData stay = { server, NULL, NULL, NULL };

  stay_first_run (&stay, settings, token);
  g_assert_true (wait_for (snapshot_saved, stay.snapshot, 10));

  vz_test_server_kill (server);
  /* Never accepted: the kernel completes the connections, nobody answers. */
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, server->port);

    g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                  G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  app_run (silent_server_start, &stay);

  g_socket_listener_close (listener);
  stay_clear (&stay, settings);
}

/* ---- conflicts (a second client; this one's network switched off) ---- */

static VzSyncEngine *
start_engine_with_monitor (VzTestServer  *server,
                           VzTestMonitor *monitor)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  VzSyncEngine *engine;

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);

  engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", session, "network-monitor", monitor, NULL);
  use_temporary_outbox (engine);
  vz_sync_engine_start (engine);
  return engine;
}

static gboolean
label_is (gpointer data)
{
  VzWindow *window = data;

  return g_strcmp0 (_vz_window_get_connection_label (window), g_object_get_data (G_OBJECT (window), "want")) == 0;
}

static guint
count_visible_images (GtkWidget  *widget,
                      const char *css_class)
{
  guint n = 0;

  if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, css_class) &&
      gtk_widget_get_visible (widget) && gtk_widget_get_mapped (gtk_widget_get_parent (widget)))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_visible_images (child, css_class);
  return n;
}

static gboolean
entity_in_conflict (gpointer data)
{
  return vz_entity_get_conflict (data);
}

/* Names long enough to need two lines in the list of changes. */
#define MINE "Mine: the big screen above the reception desk in the north building"
#define THEIRS "Theirs: the big screen above the reception desk in the north building"

/* @widget's bounds in @scroller, which must hold them whole. */
static void
assert_inside (GtkWidget *widget,
               GtkWidget *scroller)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_is_visible (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, scroller, &bounds));
  if (bounds.origin.x < 0 || bounds.origin.y < 0 ||
      bounds.origin.x + bounds.size.width > gtk_widget_get_width (scroller) + 0.5 ||
      bounds.origin.y + bounds.size.height > gtk_widget_get_height (scroller) + 0.5)
    g_error ("A %s at %.0f,%.0f %.0fx%.0f is not all shown in the list (%dx%d)",
             G_OBJECT_TYPE_NAME (widget), bounds.origin.x, bounds.origin.y,
             bounds.size.width, bounds.size.height,
             gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
}

/* The labels of @css_class under @widget: whole in @scroller, wrapped onto
 * several lines, given all the height their lines need. Returns how many. */
static guint
assert_labels_wrap (GtkWidget  *widget,
                    const char *css_class,
                    GtkWidget  *scroller)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      int needed = 0;

      assert_inside (widget, scroller);
      g_assert_false (pango_layout_is_ellipsized (layout));
      g_assert_cmpint (pango_layout_get_line_count (layout), >, 1);
      gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget), &needed, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (widget), >=, needed);
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_labels_wrap (child, css_class, scroller);
  return n;
}

/* The one conflict in @popover's list shows Keep Mine and Keep Theirs and
 * its long texts without scrolling, sideways or down. */
static void
assert_conflict_row_fits (VzPendingPopover *popover)
{
  GtkWidget *list = GTK_WIDGET (_vz_pending_popover_get_list_view (popover));
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (list));

  g_assert_nonnull (scroller);
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), <=, gtk_adjustment_get_page_size (vadjustment) + 0.5);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=, gtk_adjustment_get_page_size (hadjustment) + 0.5);
  assert_inside (find_button_with_label (GTK_WIDGET (popover), "Keep _Mine"), scroller);
  assert_inside (find_button_with_label (GTK_WIDGET (popover), "Keep _Theirs"), scroller);
  g_assert_cmpuint (assert_labels_wrap (list, "vz-pending-description", scroller), ==, 1);
  g_assert_cmpuint (assert_labels_wrap (list, "vz-pending-theirs", scroller), ==, 1);
}

static void
test_conflict (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autofree char *token = vz_test_server_login (server);
  g_autofree char *id = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  g_autoptr(VzTestMonitor) monitor = vz_test_monitor_new (TRUE);
  g_autoptr(VzSyncEngine) engine = start_engine_with_monitor (server, monitor);
  g_autoptr(VzSyncEngine) colleague = start_engine (server);
  g_autoptr(JsonObject) theirs = json_object_new ();
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) theirs_texts = NULL;
  g_autoptr(VzMutation) conflict = NULL;
  VzWindow *window = open_window (engine);
  VzDevicesPage *page = vz_window_get_devices_page (window);
  VzPendingPopover *popover = _vz_window_get_pending_popover (window);
  GtkWidget *view = GTK_WIDGET (_vz_devices_page_get_column_view (page));
  NameWanted before = { page, "Lobby" };
  NameWanted mine = { page, MINE };
  ServerWanted kept = { server, token, id, MINE };
  ChangeWatch watch = { window, NULL };
  gboolean queued = FALSE;

  g_assert_true (wait_for (name_cell_shows, &before, 30));
  g_assert_true (wait_for (store_has_rows, colleague, 30));
  watch.display = first_display (engine);

  /* The network goes: the header says so and counts what waits. */
  vz_test_monitor_set_available (monitor, FALSE);
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Offline");
  g_assert_true (wait_for (label_is, window, 10));
  rename_in_detail (page, MINE);
  g_assert_true (wait_for (name_cell_shows, &mine, 10));
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Offline · 1 pending");
  g_assert_true (wait_for (label_is, window, 10));
  g_assert_cmpstr (_vz_device_detail_get_subtitle (_vz_devices_page_get_detail (page)), ==, "Waiting to be saved");
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Change Waiting");

  /* Meanwhile a colleague renames the same screen, and that lands. */
  json_object_set_string_member (theirs, "name", THEIRS);
  vz_sync_engine_update_display_async (colleague, id, theirs, NULL, queued_cb, &queued);
  g_assert_true (wait_for (flag_set, &queued, 10));
  g_assert_true (wait_for (server_has_name, &(ServerWanted) { server, token, id, THEIRS }, 30));

  /* Back online: a conflict, never a silent overwrite. The row keeps my
   * value with a warning; the toast points to the list. */
  vz_test_monitor_set_available (monitor, TRUE);
  g_assert_true (wait_for (entity_in_conflict, watch.display, 30));
  g_assert_cmpstr (vz_display_get_nickname (watch.display), ==, MINE);
  spin (100);
  g_assert_cmpuint (count_visible_images (view, "vz-conflict-icon"), ==, 1);
  g_assert_cmpuint (count_visible_images (view, "vz-pending-icon"), ==, 0);
  g_assert_nonnull (strstr (_vz_window_get_last_toast (window), "Choose which version to keep"));
  g_assert_nonnull (strstr (_vz_device_detail_get_subtitle (_vz_devices_page_get_detail (page)), "someone else"));
  /* The header counts it as a conflict, not as a failure. */
  g_assert_cmpstr (_vz_window_get_connection_label (window), ==, "Online · 1 conflict");

  /* The list shows both sides and the two ways out. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-pending", NULL);
  g_object_set_data (G_OBJECT (popover), "want", (gpointer) "list");
  g_assert_true (wait_for (popover_in_state, popover, 10));
  spin (200);
  states = popover_texts (popover, "vz-pending-state");
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (states, 0), ==, "Conflict");
  theirs_texts = popover_texts (popover, "vz-pending-theirs");
  g_assert_cmpuint (theirs_texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (theirs_texts, 0), ==, "Theirs: name “" THEIRS "”");
  g_assert_false (gtk_widget_is_visible (find_button_with_label (GTK_WIDGET (popover), "_Retry")));
  /* The heading says what waits for the person; the row shows both ways
   * out and all of its words at once. */
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "1 Conflict");
  assert_conflict_row_fits (popover);

  /* Keep mine: the server ends with my name, the warning goes. */
  conflict = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_outbox (engine)), 0);
  click_row_button (popover, "Keep _Mine", conflict);
  g_assert_true (wait_for (server_has_name, &kept, 30));
  g_object_set_data (G_OBJECT (window), "want", (gpointer) "Online");
  g_assert_true (wait_for (label_is, window, 30));
  g_assert_false (vz_entity_get_conflict (VZ_ENTITY (watch.display)));
  g_assert_cmpstr (_vz_pending_popover_get_heading (popover), ==, "All Changes Saved");
  gtk_popover_popdown (GTK_POPOVER (popover));

  close_window (window);
  vz_sync_engine_stop (engine);
  vz_sync_engine_stop (colleague);
}

/* ---- 10,000 screens ---- */

static gboolean
main_context_idle (gpointer data)
{
  /* Everything queued (layout, filtering, rebinding) has run. */
  return !g_main_context_pending (NULL);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
test_ten_thousand (void)
{
  /* No server is needed to measure the page itself: the engine is never
   * started, and its store is filled the way a full read fills it. */
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");
  g_autoptr(VzSyncEngine) engine = vz_sync_engine_new (session);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;
  VzStore *store = vz_sync_engine_get_displays (engine);
  VzWindow *window;
  VzDevicesPage *page;
  GListModel *rows;
  GtkEditable *search;
  g_autoptr(VzDisplay) first = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GPtrArray) names = NULL;
  guint index = 0;
  gint64 start;
  double fill_ms, search_ms, clear_ms, status_ms, live_ms, pending_ms;

  for (guint i = 0; i < 10000; i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
      g_autofree char *name = g_strdup_printf ("Screen %05u", i);
      g_autofree char *ident = g_strdup_printf ("device-%05u", i);
      g_autofree char *location = g_strdup_printf ("Floor %u", i % 40);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", name);
      json_object_set_string_member (obj, "deviceIdentifier", ident);
      json_object_set_string_member (obj, "location", location);
      json_object_set_string_member (obj, "status", i % 10 == 0 ? "offline" : "online");
      json_object_set_string_member (obj, "orientation", "landscape");
      json_object_set_string_member (obj, "timezone", "UTC");
      json_object_set_string_member (obj, "lastHeartbeat", "2026-01-01T00:00:00.000Z");
      json_object_set_string_member (obj, "updatedAt", "2026-01-01T00:00:00.000Z");
      g_ptr_array_add (objects, obj);
    }

  window = open_window (engine);
  page = vz_window_get_devices_page (window);
  rows = G_LIST_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (page)));
  search = GTK_EDITABLE (_vz_devices_page_get_search_entry (page));
  wait_for (main_context_idle, NULL, 5);

  start = g_get_monotonic_time ();
  g_assert_true (vz_store_replace_all (store, objects, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10000);
  g_test_message ("fill sync %.1f ms", ms_since (start));
  wait_for (main_context_idle, NULL, 10);
  fill_ms = ms_since (start);
  g_assert_cmpstr (_vz_devices_page_get_state (page), ==, "list");

  /* A search is a string compare per screen, then only visible rows bind. */
  start = g_get_monotonic_time ();
  gtk_editable_set_text (search, "screen 0999");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10);
  g_test_message ("search sync %.1f ms", ms_since (start));
  wait_for (main_context_idle, NULL, 10);
  search_ms = ms_since (start);

  start = g_get_monotonic_time ();
  gtk_editable_set_text (search, "");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10000);
  g_test_message ("clear sync %.1f ms", ms_since (start));
  wait_for (main_context_idle, NULL, 10);
  clear_ms = ms_since (start);

  /* The status filter: every tenth screen is offline. */
  start = g_get_monotonic_time ();
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 2);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1000);
  wait_for (main_context_idle, NULL, 10);
  status_ms = ms_since (start);
  gtk_drop_down_set_selected (_vz_devices_page_get_status_dropdown (page), 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10000);
  wait_for (main_context_idle, NULL, 10);

  /* A live change to the first row repaints its cell and nothing else. */
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (_vz_devices_page_get_column_view (page))), 0);
  wait_for (main_context_idle, NULL, 10);
  first = g_list_model_get_item (rows, 0);
  g_assert_cmpstr (vz_display_get_display_name (first), ==, "Screen 00000");
  start = g_get_monotonic_time ();
  vz_display_apply_status (first, VZ_DISPLAY_STATUS_ERROR, "2026-01-01T00:01:00.000Z");
  wait_for (main_context_idle, NULL, 10);
  live_ms = ms_since (start);
  /* Name and status cells are collected row by row, so indexes pair up. */
  names = visible_cells (page, "vz-cell-name");
  statuses = visible_cells (page, "vz-cell-status");
  g_assert_cmpuint (names->len, ==, statuses->len);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "Screen 00000", g_str_equal, &index));
  /* The engine never connected: what the rows show is marked as last known. */
  g_assert_cmpstr (g_ptr_array_index (statuses, index), ==, "Error · last known");

  /* A change waiting to be saved marks its row, and only its row. */
  g_assert_cmpuint (count_pending_icons (GTK_WIDGET (_vz_devices_page_get_column_view (page))), ==, 0);
  start = g_get_monotonic_time ();
  vz_entity_set_pending (VZ_ENTITY (first), TRUE);
  wait_for (main_context_idle, NULL, 10);
  pending_ms = ms_since (start);
  g_assert_cmpuint (count_pending_icons (GTK_WIDGET (_vz_devices_page_get_column_view (page))), ==, 1);
  vz_entity_set_pending (VZ_ENTITY (first), FALSE);
  wait_for (main_context_idle, NULL, 10);
  g_assert_cmpuint (count_pending_icons (GTK_WIDGET (_vz_devices_page_get_column_view (page))), ==, 0);

  g_test_message ("10,000 screens: fill %.1f ms, search %.1f ms, clear search %.1f ms, "
                  "status filter %.1f ms, one live status change %.2f ms, one row pending %.2f ms",
                  fill_ms, search_ms, clear_ms, status_ms, live_ms, pending_ms);
  /* The figures are the benchmark's business (docs/benchmarks.md); these
   * bounds are far above them, so that a box loaded with other work passes
   * (one change was seen at 400-500 ms with a load average of 20 on two
   * CPUs) while rebuilding the rows for one change, which takes seconds at
   * 10,000 screens, does not. */
  g_assert_cmpfloat (search_ms, <, 1000);
  g_assert_cmpfloat (live_ms, <, 1000);
  g_assert_cmpfloat (pending_ms, <, 1000);

  g_clear_object (&first);
  close_window (window);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* One Xvfb may be shared by several test windows; a blinking cursor in an
   * unfocused X window only produces noise. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/ui/devices/live-status", test_live_status);
  g_test_add_func ("/ui/devices/empty-state", test_empty_state);
  g_test_add_func ("/ui/devices/sort-order", test_sort_order);
  g_test_add_func ("/ui/devices/error-state", test_error_state);
  g_test_add_func ("/ui/devices/viewer", test_viewer);
  g_test_add_func ("/ui/devices/bulk-actions", test_bulk_actions);
  g_test_add_func ("/ui/window/size", test_window_size);
  g_test_add_func ("/ui/window/welcome", test_welcome);
  g_test_add_func ("/ui/devices/pair-dialog", test_pair_dialog);
  g_test_add_func ("/ui/devices/detail-rename", test_detail_rename);
  g_test_add_func ("/ui/devices/screenshot", test_screenshot);
  g_test_add_func ("/ui/devices/detail-figures", test_detail_figures);
  g_test_add_func ("/ui/devices/detail-unknown-figures", test_detail_unknown_figures);
  g_test_add_func ("/ui/window/closed-window-detaches", test_closed_window_detaches);
  g_test_add_func ("/ui/window/menu-account", test_menu_account);
  g_test_add_func ("/ui/changes/rename-undo", test_rename_undo);
  g_test_add_func ("/ui/changes/offline-queue", test_offline_queue);
  g_test_add_func ("/ui/changes/refused", test_refused_change);
  g_test_add_func ("/ui/changes/conflict", test_conflict);
  g_test_add_func ("/ui/changes/unavailable", test_unavailable);
  g_test_add_func ("/ui/changes/offline-start", test_offline_start);
  g_test_add_func ("/ui/changes/stay-signed-in", test_stay_signed_in);
  g_test_add_func ("/ui/changes/offer-saved-fleet", test_offer_saved_fleet);
  g_test_add_func ("/ui/changes/refused-saved-sign-in", test_refused_saved_sign_in);
  g_test_add_func ("/ui/changes/throttled-sign-in", test_throttled_sign_in);
  g_test_add_func ("/ui/changes/local-cannot-start", test_local_cannot_start);
  g_test_add_func ("/ui/changes/local-keeps-port", test_local_keeps_port);
  g_test_add_func ("/ui/changes/silent-server-start", test_silent_server_start);
  g_test_add_func ("/ui/devices/ten-thousand", test_ten_thousand);

  outbox_root = g_dir_make_tmp ("vizora-ui-XXXXXX", NULL);
  g_assert_nonnull (outbox_root);
  status = g_test_run ();
  remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
