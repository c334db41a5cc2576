/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-accounts"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vz-account-list.h"
#include "vz-account-row.h"
#include "vz-account-switcher.h"
#include "vz-application.h"
#include "devices-test-util.h"
#include "vz-display-resource.h"
#include "vz-outbox.h"
#include "vz-preferences-window.h"
#include "vz-secret-store.h"
#include "vz-sync-engine.h"
#include "vz-test-secret.h"
#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-welcome-page-private.h"
#include "vz-window-private.h"
#include "vz-window.h"

/*
 * Several accounts in the real app, with two real servers on loopback and a
 * private gnome-keyring-daemon (tests/keyring/with-keyring.sh), driven with
 * real clicks under Xvfb: sign in to one fleet, add the other through the
 * sidebar's switcher, switch between them (the Devices page shows only the
 * shown fleet's screens), queue a change while the first server is down
 * and see that the second never gets it and that it is sent once the
 * first account is shown again, then sign out: Cancel keeps everything,
 * Sign Out removes the account's folder and keyring item and shows the
 * other account.
 */

static VzTestServer *first;
static VzTestServer *second;
static char *first_token;
static char *second_token;
static char *lobby_id;
static char *hall_id;

#define LOBBY   "Lobby of the first fleet"
#define HALL    "Hall of the second fleet"
#define RENAMED "Lobby renamed offline"

static VzWindow *
app_window (VzApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (VZ_IS_WINDOW (l->data))
      return l->data;
  g_assert_not_reached ();
}

typedef struct {
  VzWindow   *window;
  const char *url;
  const char *name;
} FleetWanted;

/* The window shows @url's fleet, read from the server, and its only screen @name. */
static gboolean
fleet_of (gpointer data)
{
  FleetWanted *want = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (want->window);
  g_autoptr(GPtrArray) names = NULL;

  if (engine == NULL || !ui_fleet_shown (want->window) ||
      g_strcmp0 (vz_session_get_server_url (vz_sync_engine_get_session (engine)), want->url) != 0)
    return FALSE;
  names = visible_cells (vz_window_get_devices_page (want->window), "vz-cell-name");
  return names->len == 1 && g_strcmp0 (g_ptr_array_index (names, 0), want->name) == 0;
}

static void
wait_fleet (VzWindow   *window,
            const char *url,
            const char *name)
{
  FleetWanted want = { window, url, name };

  if (!wait_for (fleet_of, &want, 40))
    {
      VzSyncEngine *engine = vz_window_get_sync_engine (window);
      g_autoptr(GPtrArray) names = visible_cells (vz_window_get_devices_page (window), "vz-cell-name");

      g_test_message ("Wanted %s at %s; shown: %s, %u names (first %s), welcome page %s: %s",
                      name, url,
                      engine != NULL ? vz_session_get_server_url (vz_sync_engine_get_session (engine)) : "no engine",
                      names->len, names->len > 0 ? (char *) g_ptr_array_index (names, 0) : "-",
                      _vz_welcome_page_get_page (vz_window_get_welcome_page (window)),
                      _vz_welcome_page_get_error (vz_window_get_welcome_page (window)));
      g_assert_not_reached ();
    }
}

static gboolean
choices_up (gpointer data)
{
  VzWindow *window = data;

  return gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_welcome_page (window))) &&
         g_strcmp0 (_vz_welcome_page_get_page (vz_window_get_welcome_page (window)), "choices") == 0;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static char *
server_name (VzTestServer *server)
{
  return g_strdup_printf ("127.0.0.1:%u", server->port);
}

static gboolean
two_accounts (gpointer data)
{
  return g_list_model_get_n_items (data) == 2;
}

static gboolean
popover_placed (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* The sidebar's switcher is closed. */
static gboolean
switcher_closed (gpointer window)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (_vz_window_get_account_button (window))));
}

/* Opens the sidebar's switcher with a click; returns its popover. */
static GtkWidget *
open_switcher (VzWindow *window)
{
  GtkMenuButton *button = _vz_window_get_account_button (window);
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));

  g_assert_true (VZ_IS_ACCOUNT_SWITCHER (popover));
  x_click (GTK_WIDGET (button), NULL, 1);
  g_assert_true (wait_for (popover_placed, popover, 10));
  /* Its opening transition ends before its buttons are where they stay. */
  spin (500);
  return popover;
}

static void
switch_with_switcher (VzWindow     *window,
                      VzTestServer *server)
{
  GtkWidget *popover = open_switcher (window);
  g_autofree char *title = server_name (server);
  GtkWidget *row = ui_find_widget (popover, is_row_titled, title);

  g_assert_nonnull (row);
  g_assert_true (VZ_IS_ACCOUNT_ROW (row));
  x_click (row, NULL, 1);
}

static gboolean
dialog_up (gpointer data)
{
  GtkWidget **out = data;

  *out = ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  return *out != NULL && gtk_widget_get_mapped (*out);
}

static AdwMessageDialog *
wait_dialog (void)
{
  GtkWidget *dialog = NULL;

  g_assert_true (wait_for (dialog_up, &dialog, 10));
  /* Mapped is not yet placed and shown: its buttons take clicks once it is. */
  spin (800);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             char            **out)
{
  g_free (*out);
  *out = g_strdup (response);
}

static gboolean
dialog_gone (gpointer data)
{
  GtkWidget *dialog = ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog == NULL || !gtk_widget_get_mapped (dialog);
}

static gboolean
preferences_up (gpointer data)
{
  GtkWidget *prefs = ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW);

  return prefs != NULL && gtk_widget_get_mapped (prefs);
}

static guint
count_outbox (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);

  g_assert_no_error (error);
  return vz_outbox_get_count (outbox);
}

static gboolean
engine_pending (gpointer data)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (data);

  return engine != NULL && vz_sync_engine_get_pending_count (engine) == 1;
}

static void
renamed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  vz_sync_engine_update_finish (VZ_SYNC_ENGINE (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
folder_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static char *
keyring_lookup (VzTestServer *server,
                const char   *user_id)
{
  return vz_test_secret_tool ("lookup", "server", server->url, "account", user_id,
                              "client", VZ_SECRET_CLIENT_DESKTOP, NULL);
}

static void
accounts_phase (VzApplication *app,
                gpointer       data)
{
  VzWindow *window = app_window (app);
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);
  GListModel *accounts = vz_application_get_accounts (app);
  ServerWanted lobby_renamed = { first, first_token, lobby_id, RENAMED };
  ServerWanted hall_untouched = { second, second_token, hall_id, HALL };
  g_autofree char *first_user = NULL;
  g_autofree char *first_key = NULL;
  g_autofree char *first_folder = NULL;
  g_autofree char *first_outbox = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  GtkWidget *prefs, *row, *button;
  AdwMessageDialog *dialog;
  gboolean renamed = FALSE;
  g_autofree char *response = NULL;
  VzAccount *account;

  /* The first fleet, through the sign-in form. */
  g_assert_true (wait_for (ui_sign_in_form_up, window, 20));
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), VZ_TEST_PASSWORD);
  x_click (GTK_WIDGET (_vz_welcome_page_get_sign_in_button (welcome)), NULL, 1);
  wait_fleet (window, first->url, LOBBY);
  first_user = g_strdup (vz_session_get_user_id (vz_sync_engine_get_session (vz_window_get_sync_engine (window))));
  first_key = vz_account_list_key_for (first->url, first_user);

  /* Add Account… in the switcher: the welcome page, the first account kept. */
  x_click (ui_find_widget (open_switcher (window), is_button_labelled, "_Add Account…"), NULL, 1);
  g_assert_true (wait_for (choices_up, window, 10));
  /* The popover closes and the welcome page fades in first. */
  g_assert_true (wait_for (switcher_closed, window, 10));
  /* Under Xvfb the first click after a popover closes is sometimes taken
   * by the popover's pointer grab ending: the row is clicked again then. */
  for (guint i = 0; i < 3 && !ui_sign_in_form_up (window); i++)
    {
      x_click (ui_find_widget (GTK_WIDGET (welcome), is_row_titled, "Connect to a Vizora Server"), NULL, 1);
      if (!wait_for (ui_sign_in_form_up, window, 3))
        g_test_message ("The click on “Connect to a Vizora Server” did not open the form: again");
    }
  g_assert_true (ui_sign_in_form_up (window));
  /* The page slides in: the button stays put once it has. */
  spin (800);
  gtk_editable_set_text (_vz_welcome_page_get_url_row (welcome), second->url);
  gtk_editable_set_text (_vz_welcome_page_get_email_row (welcome), VZ_TEST_EMAIL);
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), VZ_TEST_PASSWORD);
  x_click (GTK_WIDGET (_vz_welcome_page_get_sign_in_button (welcome)), NULL, 1);
  wait_fleet (window, second->url, HALL);
  g_assert_true (wait_for (two_accounts, accounts, 10));

  /* Back to the first with the switcher: only its screens. */
  switch_with_switcher (window, first);
  wait_fleet (window, first->url, LOBBY);
  account = vz_account_list_lookup (VZ_ACCOUNT_LIST (accounts), first_key);
  g_assert_nonnull (account);
  g_assert_true (vz_account_get_current (account));
  first_folder = g_strdup (vz_account_get_folder (account));
  first_outbox = vz_account_dup_outbox_path (account);

  /* The first server goes down; a rename waits in the first account's outbox. */
  vz_test_server_kill (first);
  json_object_set_string_member (changes, "name", RENAMED);
  vz_sync_engine_update_async (vz_window_get_sync_engine (window), VZ_RESOURCE_DISPLAY, lobby_id, changes, NULL,
                               renamed_cb, &renamed);
  g_assert_true (wait_for (flag_set, &renamed, 10));
  g_assert_true (wait_for (engine_pending, window, 10));

  /* The second account never sends it. */
  switch_with_switcher (window, second);
  wait_fleet (window, second->url, HALL);
  spin (1500);
  g_assert_true (server_has_name (&hall_untouched));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (vz_window_get_sync_engine (window)), ==, 0);
  g_assert_cmpuint (count_outbox (first_outbox), ==, 1);

  /* Sign Out… of the first in Preferences says what is lost; Cancel keeps it all. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (wait_for (preferences_up, NULL, 10));
  prefs = ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "accounts");
  spin (500);
  {
    g_autofree char *title = server_name (first);

    row = ui_find_widget (prefs, is_row_titled, title);
  }
  g_assert_nonnull (row);
  button = ui_find_widget (row, is_button_labelled, "Sign _Out…");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  x_click (button, NULL, 1);
  dialog = wait_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 change made offline has not been sent"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "sign-out"), ==, ADW_RESPONSE_DESTRUCTIVE);
  x_click (ui_find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Cancel"), NULL, 1);
  g_assert_true (wait_for (dialog_gone, NULL, 10));
  spin (300);
  g_assert_true (g_file_test (first_folder, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 2);
  kept = keyring_lookup (first, first_user);
  g_assert_nonnull (kept);

  /* Switch in Preferences, with the first server back: the rename is sent there. */
  vz_test_server_restart (first);
  button = ui_find_widget (row, is_button_labelled, "S_witch");
  x_click (button, NULL, 1);
  wait_fleet (window, first->url, RENAMED);
  g_assert_true (wait_for (server_has_name, &lobby_renamed, 30));
  g_assert_true (server_has_name (&hall_untouched));
  gtk_window_close (GTK_WINDOW (ui_find_toplevel (VZ_TYPE_PREFERENCES_WINDOW)));
  spin (300);

  /* Sign Out… in the switcher, confirmed: the folder and keyring item go,
   * the second account shows. */
  x_click (ui_find_widget (open_switcher (window), is_button_labelled, "_Sign Out…"), NULL, 1);
  dialog = wait_dialog ();
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "offline"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), &response);
  x_click (ui_find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Sign Out"), NULL, 1);
  g_assert_true (wait_for (dialog_gone, NULL, 10));
  g_assert_cmpstr (response, ==, "sign-out");
  if (!wait_for (folder_gone, first_folder, 20))
    {
      g_autoptr(GDir) dir = g_dir_open (first_folder, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        g_test_message ("Still in the folder: %s", name);
      g_assert_not_reached ();
    }
  wait_fleet (window, second->url, HALL);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  g_clear_pointer (&kept, g_free);
  kept = keyring_lookup (first, first_user);
  g_assert_null (kept);
}

static void
test_accounts (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_settings_set_string (settings, "connection-mode", "remote");
  g_settings_set_string (settings, "server-url", first->url);
  g_settings_set_string (settings, "last-email", VZ_TEST_EMAIL);
  app_run (accounts_phase, NULL);
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "last-email");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("vz-test-ui-accounts-XXXXXX", NULL);
  int status;

  /* Saved accounts of this test only. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  ui_init_x11 (&argc, &argv);
  first = vz_test_server_start (NULL);
  second = vz_test_server_start (NULL);
  first_token = vz_test_server_login (first);
  second_token = vz_test_server_login (second);
  lobby_id = vz_test_server_pair_screen (first, first_token, LOBBY, NULL);
  hall_id = vz_test_server_pair_screen (second, second_token, HALL, NULL);

  g_test_add_func ("/ui/accounts/switch-and-sign-out", test_accounts);
  status = g_test_run ();
  vz_test_server_free (first);
  vz_test_server_free (second);
  vz_test_remove_tree (home);
  return status;
}
