/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-locale"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "vz-gui.h"
#include "vz-sync-words.h"
#include "vz-display-resource.h"
#include "vz-devices-page-private.h"
#include "vz-test-server.h"
#include "vz-application.h"
#include "vz-window-private.h"
#include "vz-ui-test-util.h"

/*
 * The app in German (LANGUAGE=de, with the translation this build made from
 * po/de.po): the welcome page, then, signed in to the real server, the
 * sidebar, the Devices page's columns and counts (a plural form) and the
 * About window's server line (a translated format) read in German. With
 * the de_DE.UTF-8 locale (built by localedef into a temporary folder, as
 * the machine may have none installed), numbers are grouped and dates
 * written as in Germany.
 */

static gboolean have_german_locale;

typedef struct {
  VzTestServer *server;
} Fleet;

/* Whether a mapped label (or inscription, as list cells are) under @widget
 * reads @text exactly. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  const char *shown = GTK_IS_LABEL (widget) ? gtk_label_get_text (GTK_LABEL (widget)) :
                      GTK_IS_INSCRIPTION (widget) ? gtk_inscription_get_text (GTK_INSCRIPTION (widget)) : NULL;

  if (shown != NULL && gtk_widget_get_mapped (widget) && g_str_equal (shown, text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelWanted;

static gboolean
label_shown (gpointer data)
{
  LabelWanted *want = data;

  return shows_label (want->root, want->text);
}

static void
assert_shows (GtkWidget  *root,
              const char *text)
{
  LabelWanted want = { root, text };

  if (!wait_for (label_shown, &want, 30))
    g_error ("The window does not show “%s”", text);
}

static void
in_german (VzApplication *app,
           gpointer       data)
{
  Fleet *fleet = data;
  VzWindow *window = VZ_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  GtkWidget *about;
  g_autofree char *server_line = g_strdup_printf ("Server: %s, Version %s", fleet->server->url, PACKAGE_VERSION);

  assert_shows (GTK_WIDGET (window), "Willkommen bei Vizora");
  assert_shows (GTK_WIDGET (window), "Mit einem Vizora-Server verbinden");
  assert_shows (GTK_WIDGET (window), "Bildschirme auf diesem Rechner verwalten");

  g_signal_emit_by_name (vz_window_get_welcome_page (window), "connect-remote",
                         fleet->server->url, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  g_assert_true (wait_for (ui_fleet_shown, window, 30));

  /* The sidebar, the columns and the counts under "Devices". */
  assert_shows (GTK_WIDGET (_vz_window_get_sidebar (window)), "Geräte");
  assert_shows (GTK_WIDGET (_vz_window_get_sidebar (window)), "Wiedergabelisten");
  assert_shows (GTK_WIDGET (_vz_window_get_sidebar (window)), "Inhalte");
  assert_shows (GTK_WIDGET (window), "Zuletzt gesehen");
  assert_shows (GTK_WIDGET (window), "Keine Gruppe");
  assert_shows (GTK_WIDGET (window), "Alle Status");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (wait_for (ui_about_says, server_line, 10));
  about = ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Vizora");
  gtk_window_destroy (GTK_WINDOW (about));
}

static void
test_in_german (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");
  Fleet fleet = { vz_test_server_start (NULL) };
  g_autofree char *token = vz_test_server_login (fleet.server);

  g_free (vz_test_server_pair_screen (fleet.server, token, "Foyer", NULL));
  g_settings_reset (settings, "connection-mode");
  app_run (in_german, &fleet);
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "server-url");
  vz_test_server_free (fleet.server);
}

/* Counts with the thousands grouped, in a translated plural too, and a
 * date older than a month as the German locale writes it. */
static void
test_numbers_and_dates (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) when = g_date_time_new_local (2025, 3, 7, 14, 5, 0);
  g_autofree char *count = NULL;
  g_autofree char *screens = NULL;
  g_autofree char *date = NULL;

  if (!have_german_locale)
    {
      g_test_skip ("localedef could not build the de_DE.UTF-8 locale");
      return;
    }
  count = vz_gui_format_count (10000);
  g_assert_cmpstr (count, ==, "10.000");
  screens = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u screen", "%'u screens", 12345), 12345);
  g_assert_cmpstr (screens, ==, "12.345 Bildschirme");
  date = vz_gui_format_relative_time (when, g_date_time_to_unix (now) * G_USEC_PER_SEC);
  g_assert_cmpstr (date, ==, "07.03.2025");
}

/* 1,500 screens in a window's store (the engine is never started: no server
 * is needed, the store is filled as a full read fills it), all chosen: the
 * bulk bar counts them in German with the thousands grouped, and the
 * changes' line under the title groups its count too. */
static void
test_grouped_in_window (void)
{
  g_autoptr(VzSession) session = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  VzWindow *window;
  VzDevicesPage *page;
  GtkSelectionModel *rows;

  if (!have_german_locale)
    {
      g_test_skip ("localedef could not build the de_DE.UTF-8 locale");
      return;
    }
  session = vz_session_new ("http://127.0.0.1:9");
  engine = vz_sync_engine_new (session);
  objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < 1500; i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
      g_autofree char *name = g_strdup_printf ("Bildschirm %04u", i);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", name);
      json_object_set_string_member (obj, "deviceIdentifier", id);
      json_object_set_string_member (obj, "status", "online");
      json_object_set_string_member (obj, "updatedAt", "2026-01-01T00:00:00.000Z");
      g_ptr_array_add (objects, obj);
    }
  window = ui_open_window (engine, 1200, 800);
  page = vz_window_get_devices_page (window);
  g_assert_true (vz_store_replace_all (vz_sync_engine_get_displays (engine), objects, &error));
  g_assert_no_error (error);
  rows = GTK_SELECTION_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (page)));
  ui_wait_for_rows (page, 1500);
  gtk_selection_model_select_all (rows);
  assert_shows (GTK_WIDGET (_vz_devices_page_get_bulk_bar (page)), "1.500 ausgewählt");

  /* The line the header shows while changes wait. */
  status = vz_words_status_label (_("Offline"), 1234, 0, 2);
  g_assert_cmpstr (status, ==, "Offline · 1.232 ausstehend · 2 Konflikte");

  ui_close_window (window);
}

/* de_DE.UTF-8 made by localedef into @dir (LOCPATH), without root. */
static gboolean
build_german_locale (const char *dir)
{
  g_autofree char *target = g_build_filename (dir, "de_DE.UTF-8", NULL);
  const char *argv[] = { "localedef", "-i", "de_DE", "-f", "UTF-8", target, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &wait_status, &error) ||
      !g_spawn_check_wait_status (wait_status, &error))
    {
      g_test_message ("localedef failed: %s %s", error != NULL ? error->message : "", err != NULL ? err : "");
      return FALSE;
    }
  g_setenv ("LOCPATH", dir, TRUE);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  g_autofree char *locales = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  /* German as a person picks it: de_DE.UTF-8, built here; where that
   * fails, the C locale with UTF-8, which gettext lets LANGUAGE override
   * all the same. */
  locales = g_dir_make_tmp ("vz-ui-locale-XXXXXX", NULL);
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  have_german_locale = build_german_locale (locales) && setlocale (LC_ALL, "") != NULL;
  if (!have_german_locale)
    {
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      g_assert_nonnull (setlocale (LC_ALL, ""));
    }
  /* The translation this build made, not an installed one. */
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpstr (_("Devices"), ==, "Geräte");

  home = ui_own_data_home ("locale");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/locale/german", test_in_german);
  g_test_add_func ("/ui/locale/numbers-and-dates", test_numbers_and_dates);
  g_test_add_func ("/ui/locale/grouped-in-window", test_grouped_in_window);

  status = g_test_run ();
  vz_test_remove_tree (home);
  vz_test_remove_tree (locales);
  return status;
}
