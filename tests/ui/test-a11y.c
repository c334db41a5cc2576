/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-a11y"

#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vz-test-server.h"
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

/* ---- the accessible tree ---- */

typedef struct {
  GSubprocess *reader;
  char        *out;
  char        *err;
  gboolean     done;
  GError      *error;
} TreeRead;

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  TreeRead *read = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &read->out, &read->err, &read->error);
  read->done = TRUE;
}

static gboolean
tree_read (gpointer data)
{
  return ((TreeRead *) data)->done;
}

/* The showing part of this process's accessible tree, as another process
 * reads it through AT-SPI; the main loop runs meanwhile, since it is this
 * process that answers. */
static JsonNode *
read_tree (void)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  TreeRead read = { 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *tree;

  read.reader = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                  A11Y_PYTHON, A11Y_TREE_SCRIPT, pid, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (read.reader, NULL, NULL, on_read, &read);
  if (!wait_for (tree_read, &read, 120))
    g_error ("The accessible tree was not read within 120 s");
  g_assert_no_error (read.error);
  if (!g_subprocess_get_if_exited (read.reader) || g_subprocess_get_exit_status (read.reader) != 0)
    g_error ("Reading the accessible tree failed: %s", read.err);
  tree = json_from_string (read.out, &error);
  g_assert_no_error (error);
  g_object_unref (read.reader);
  g_free (read.out);
  g_free (read.err);
  return tree;
}

/* ---- reading it ---- */

/* GTK 4.8 names an accessible that has no name of its own after its type
 * ("GtkButton", "GtkImage"): a screen reader says that, and it is as good as
 * no name. */
static gboolean
is_real_name (const char *name)
{
  static GRegex *type_name;

  if (type_name == NULL)
    type_name = g_regex_new ("^(Gtk|Adw|Vz)[A-Z][A-Za-z]*$", G_REGEX_OPTIMIZE, 0, NULL);
  return name != NULL && *name != '\0' && !g_regex_match (type_name, name, 0, NULL);
}

static const char *
node_role (JsonObject *node)
{
  return json_object_get_string_member (node, "role");
}

static const char *
node_name (JsonObject *node)
{
  return json_object_get_string_member (node, "name");
}

static gboolean
node_has_state (JsonObject *node,
                const char *state)
{
  JsonArray *states = json_object_get_array_member (node, "states");

  for (guint i = 0; i < json_array_get_length (states); i++)
    if (g_str_equal (json_array_get_string_element (states, i), state))
      return TRUE;
  return FALSE;
}

static JsonArray *
node_children (JsonObject *node)
{
  return json_object_get_array_member (node, "children");
}

typedef gboolean (*NodeMatch) (JsonObject *node, gconstpointer data);

/* The nodes @match accepts under @node (and itself), depth first. */
static void
find_nodes (JsonObject   *node,
            NodeMatch     match,
            gconstpointer data,
            GPtrArray    *out)
{
  JsonArray *children = node_children (node);

  if (match (node, data))
    g_ptr_array_add (out, node);
  for (guint i = 0; i < json_array_get_length (children); i++)
    find_nodes (json_array_get_object_element (children, i), match, data, out);
}

static GPtrArray *
window_nodes (JsonNode      *tree,
              NodeMatch      match,
              gconstpointer  data)
{
  JsonArray *windows = json_object_get_array_member (json_node_get_object (tree), "windows");
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (windows); i++)
    find_nodes (json_array_get_object_element (windows, i), match, data, out);
  return out;
}

static gboolean
has_role (JsonObject    *node,
          gconstpointer  role)
{
  return g_str_equal (node_role (node), role);
}

static gboolean
is_named (JsonObject    *node,
          gconstpointer  name)
{
  return g_str_equal (node_name (node), name);
}

/* The one node with @role and @name; fails the test unless there is one. */
static JsonObject *
the_node (JsonNode   *tree,
          const char *role,
          const char *name)
{
  g_autoptr(GPtrArray) named = window_nodes (tree, is_named, name);
  JsonObject *found = NULL;

  for (guint i = 0; i < named->len; i++)
    if (has_role (named->pdata[i], role))
      {
        if (found != NULL)
          g_error ("Two %s nodes are named “%s”", role, name);
        found = named->pdata[i];
      }
  if (found == NULL)
    g_error ("No %s node is named “%s”", role, name);
  return found;
}

static void
collect_words (JsonObject *node,
               GString    *out)
{
  JsonArray *children = node_children (node);
  const char *text = json_object_get_string_member (node, "text");

  if (is_real_name (node_name (node)))
    g_string_append_printf (out, "%s|", node_name (node));
  if (text != NULL && *text != '\0')
    g_string_append_printf (out, "%s|", text);
  for (guint i = 0; i < json_array_get_length (children); i++)
    collect_words (json_array_get_object_element (children, i), out);
}

/* Every name and text under @node, each followed by "|". */
static char *
words_under (JsonObject *node)
{
  GString *out = g_string_new ("|");

  collect_words (node, out);
  return g_string_free (out, FALSE);
}

static gboolean
says (const char *words,
      const char *text)
{
  g_autofree char *item = g_strdup_printf ("|%s|", text);

  return strstr (words, item) != NULL;
}

/* ---- the audit ---- */

/* What a person operates, and so must hear named. */
static const char *const control_roles[] = {
  "push button", "toggle button", "check box", "radio button", "combo box", "menu button",
  "entry", "password text", "spin button", "slider", "switch", NULL,
};

static gboolean
is_control (JsonObject *node)
{
  const char *role = node_role (node);

  /* Editable text (AdwEntryRow is a "text" that takes the focus). */
  if (g_str_equal (role, "text"))
    return node_has_state (node, "editable") || node_has_state (node, "focusable");
  return g_strv_contains (control_roles, role);
}

static void
audit_node (JsonObject *node,
            GString    *path,
            gboolean    in_named_combo,
            GString    *unnamed)
{
  JsonArray *children = node_children (node);
  gsize path_len = path->len;
  const char *name = node_name (node);

  g_string_append_printf (path, " > %s “%s”", node_role (node), name);
  /* A drop-down's own button belongs to the drop-down, which is named. */
  if (is_control (node) && !is_real_name (name) && !in_named_combo)
    g_string_append_printf (unnamed, "\n  %s (described as “%s”)", path->str,
                            json_object_get_string_member (node, "description"));
  in_named_combo = in_named_combo || (has_role (node, "combo box") && is_real_name (name));
  for (guint i = 0; i < json_array_get_length (children); i++)
    audit_node (json_array_get_object_element (children, i), path, in_named_combo, unnamed);
  g_string_truncate (path, path_len);
}

/* Fails the test, listing them, if any control in @tree has no name. */
static void
assert_controls_named (JsonNode   *tree,
                       const char *page)
{
  JsonArray *windows = json_object_get_array_member (json_node_get_object (tree), "windows");
  g_autoptr(GString) unnamed = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (windows); i++)
    audit_node (json_array_get_object_element (windows, i), path, FALSE, unnamed);
  if (unnamed->len > 0)
    g_error ("Controls without an accessible name on the %s page:%s", page, unnamed->str);
}

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
  assert_controls_named (devices, "Devices");

  /* Playlists: the list names each playlist. */
  playlists = read_page (f, "playlists", GTK_WIDGET (vz_window_get_playlists_page (f->window)));
  {
    g_autofree char *words = words_under (the_node (playlists, "list", "Playlists"));

    for (guint i = 0; i < G_N_ELEMENTS (playlist_names); i++)
      if (!says (words, playlist_names[i]))
        g_error ("The list of playlists does not say “%s”: %s", playlist_names[i], words);
  }
  assert_controls_named (playlists, "Playlists");

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
  assert_controls_named (health, "Health");

  fixture_stop (f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GTK talks to the accessibility bus (the test environment turns it off
   * for the other tests). */
  g_setenv ("GTK_A11Y", "atspi", TRUE);
  g_unsetenv ("NO_AT_BRIDGE");
  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  ui_init_x11 (&argc, &argv);

  outbox_root = g_dir_make_tmp ("vz-ui-a11y-XXXXXX", NULL);
  g_test_add_func ("/ui/a11y/pages", test_pages);

  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  g_free (outbox_root);
  return status;
}
