/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-locale"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-application.h"
#include "vz-window-private.h"
#include "vz-ui-test-util.h"

/*
 * The app in German (LANGUAGE=de, with the translation this build made from
 * po/de.po): the welcome page, then, signed in to the real server, the
 * sidebar, the Devices page's columns and counts (a plural form) and the
 * About window's server line (a translated format) read in German.
 */

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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  /* German as a person picks it: de_DE.UTF-8 where that locale is
   * installed; else the C locale with UTF-8, which gettext lets LANGUAGE
   * override all the same. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
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

  status = g_test_run ();
  vz_test_remove_tree (home);
  return status;
}
