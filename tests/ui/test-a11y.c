/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-a11y"

#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vz-test-server.h"
#include "a11y-test-util.h"
#include "vz-ui-test-util.h"

/*
 * The window as a screen reader reads it: through AT-SPI, by another
 * process (a11y-tree.py, python3-pyatspi) on the accessibility bus that GTK
 * reaches from the test's session bus. Against the real server with three
 * simulated screens (vizora-sim), one of which has gone silent: the Devices
 * page's rows say each screen's name and status in words, the Playlists page
 * names its playlists, the Health page its screens and their state. And no
 * button, toggle, entry, check box, drop-down or menu button on the Devices,
 * Playlists and Health pages (and the others, which the window holds too) is
 * without a name.
 */

typedef struct {
  VzTestServer *server;
  char         *token;
  GSubprocess  *sims[2];
  char         *outbox_dir;
  VzSyncEngine *engine;
  VzWindow     *window;
  /* The screens' names as the server has them, and which went silent. */
  GPtrArray    *names;
  char         *silent_name;
} Fixture;

/* ---- the fleet ---- */

static char *outbox_root;

/* The screens on the server, name → status. */
static GHashTable *
server_screens (Fixture *f)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *data = vz_test_server_data (f->server, "GET", "/displays", f->token, NULL, 200, &keep);
  JsonArray *items = json_object_get_array_member (data, "data");
  GHashTable *screens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *screen = json_array_get_object_element (items, i);

      g_hash_table_insert (screens, g_strdup (json_object_get_string_member (screen, "nickname")),
                           g_strdup (json_object_get_string_member (screen, "status")));
    }
  return screens;
}

typedef struct {
  Fixture *f;
  guint    online;
  guint    offline;
} ServerCounts;

static gboolean
server_counts (gpointer data)
{
  ServerCounts *want = data;
  g_autoptr(GHashTable) screens = server_screens (want->f);
  GHashTableIter iter;
  const char *status;
  guint online = 0, offline = 0;

  g_hash_table_iter_init (&iter, screens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &status))
    {
      online += g_str_equal (status, "online");
      offline += g_str_equal (status, "offline");
    }
  return online == want->online && offline == want->offline;
}

static void
wait_server (Fixture *f,
             guint    online,
             guint    offline)
{
  ServerCounts want = { f, online, offline };

  if (!wait_for (server_counts, &want, 60))
    g_error ("The server never had %u screens online and %u offline", online, offline);
}

typedef struct {
  VzDevicesPage *page;
  guint          online;
  guint          offline;
} PageCounts;

static gboolean
page_counts (gpointer data)
{
  PageCounts *want = data;
  g_autoptr(GPtrArray) statuses = visible_cells (want->page, "vz-cell-status");
  guint online = 0, offline = 0;

  for (guint i = 0; i < statuses->len; i++)
    {
      online += g_str_equal (statuses->pdata[i], "Online");
      offline += g_str_equal (statuses->pdata[i], "Offline");
    }
  return online == want->online && offline == want->offline;
}

/* Three simulated screens: two stay, the third's simulator is gone, so the
 * server has it offline. */
static void
fixture_start (Fixture *f)
{
  g_autoptr(GHashTable) first = NULL;
  g_autoptr(GHashTable) all = NULL;
  GHashTableIter iter;
  const char *name;

  f->server = vz_test_server_start (NULL);
  f->token = vz_test_server_login (f->server);
  f->sims[0] = vz_test_server_start_sim (f->server, "2", "7");
  wait_server (f, 2, 0);
  first = server_screens (f);
  f->sims[1] = vz_test_server_start_sim (f->server, "1", "8");
  wait_server (f, 3, 0);
  all = server_screens (f);
  f->names = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      g_ptr_array_add (f->names, g_strdup (name));
      if (!g_hash_table_contains (first, name))
        f->silent_name = g_strdup (name);
    }
  g_assert_nonnull (f->silent_name);
  g_subprocess_force_exit (f->sims[1]);
  g_clear_object (&f->sims[1]);
  wait_server (f, 2, 1);

  f->engine = ui_start_engine (f->server->url, NULL, outbox_root);
  f->window = ui_open_window (f->engine, 1200, 800);
}

static void
fixture_stop (Fixture *f)
{
  ui_close_window (f->window);
  vz_sync_engine_stop (f->engine);
  g_clear_object (&f->engine);
  for (guint i = 0; i < G_N_ELEMENTS (f->sims); i++)
    if (f->sims[i] != NULL)
      {
        g_subprocess_force_exit (f->sims[i]);
        g_clear_object (&f->sims[i]);
      }
  g_clear_pointer (&f->server, vz_test_server_free);
  g_clear_pointer (&f->names, g_ptr_array_unref);
  g_free (f->silent_name);
  g_free (f->token);
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Shows the sidebar's page @name and reads the window's accessible tree. */
static JsonNode *
read_page (Fixture    *f,
           const char *name,
           GtkWidget  *page)
{

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", name));
  g_assert_true (wait_for (widget_mapped, page, 10));
  spin (500);
  return read_tree ();
}

static void
test_pages (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  const char *playlist_names[] = { "Morning Loop", "Evening News" };
  g_autoptr(JsonNode) devices = NULL;
  g_autoptr(JsonNode) playlists = NULL;
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *screens;
  PageCounts counts;

  fixture_start (f);
  for (guint i = 0; i < G_N_ELEMENTS (playlist_names); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", playlist_names[i]);
      g_autoptr(JsonNode) keep = NULL;

      vz_test_server_data (f->server, "POST", "/playlists", f->token, body, 201, &keep);
    }
  g_assert_true (wait_for (ui_fleet_shown, f->window, 30));
  counts = (PageCounts) { vz_window_get_devices_page (f->window), 2, 1 };
  g_assert_true (wait_for (page_counts, &counts, 30));

  /* Devices: each row is named with its screen's name and status. */
  devices = read_page (f, "devices", GTK_WIDGET (vz_window_get_devices_page (f->window)));
  rows = window_nodes (devices, has_role, "table row");
  for (guint i = 0; i < f->names->len; i++)
    {
      const char *name = f->names->pdata[i];
      const char *status = g_str_equal (name, f->silent_name) ? "Offline" : "Online";
      g_autofree char *row_name = g_strdup_printf ("%s, %s", name, status);
      guint found = 0;

      for (guint r = 0; r < rows->len; r++)
        if (is_named (rows->pdata[r], row_name))
          {
            g_autofree char *words = words_under (rows->pdata[r]);

            found++;
            /* The cells say it too: the status in words, not a dot alone. */
            if (!says (words, name) || !says (words, status))
              g_error ("The row of %s says %s", name, words);
          }
      if (found != 1)
        g_error ("%u rows of the Devices page are named “%s”", found, row_name);
    }
  assert_controls_named (devices, "Devices page");

  /* Playlists: the list names each playlist. */
  playlists = read_page (f, "playlists", GTK_WIDGET (vz_window_get_playlists_page (f->window)));
  {
    g_autofree char *words = words_under (the_node (playlists, "list", "Playlists"));

    for (guint i = 0; i < G_N_ELEMENTS (playlist_names); i++)
      if (!says (words, playlist_names[i]))
        g_error ("The list of playlists does not say “%s”: %s", playlist_names[i], words);
  }
  assert_controls_named (playlists, "Playlists page");

  /* Health: each screen's row says its name and its state in words. */
  health = read_page (f, "health", GTK_WIDGET (vz_window_get_health_page (f->window)));
  screens = node_children (the_node (health, "list", "Screens"));
  for (guint i = 0; i < f->names->len; i++)
    {
      const char *name = f->names->pdata[i];
      gboolean silent = g_str_equal (name, f->silent_name);
      g_autofree char *start = g_strdup_printf ("%s, ", name);
      g_autofree char *offline = g_strdup_printf ("%s, Offline, ", name);
      guint found = 0;

      /* The simulated metrics may make a screen that is online read
       * "Warning" at times; only the silent one is "Offline". */
      for (guint r = 0; r < json_array_get_length (screens); r++)
        {
          JsonObject *row = json_array_get_object_element (screens, r);

          if (has_role (row, "list item") && g_str_has_prefix (node_name (row), start))
            {
              found++;
              if (g_str_has_prefix (node_name (row), offline) != silent)
                g_error ("The Health page names the row of %s “%s”", name, node_name (row));
            }
        }
      if (found != 1)
        g_error ("%u rows of the Health page's screens start with “%s”", found, start);
    }
  assert_controls_named (health, "Health page");

  fixture_stop (f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  a11y_init (&argc, &argv);

  outbox_root = g_dir_make_tmp ("vz-ui-a11y-XXXXXX", NULL);
  g_test_add_func ("/ui/a11y/pages", test_pages);

  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
