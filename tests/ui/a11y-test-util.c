/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "a11y-test-util"

#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "a11y-test-util.h"
#include "vz-ui-test-util.h"

/* ---- the accessible tree ---- */

void
a11y_init (int    *argc,
           char ***argv)
{
  g_setenv ("GTK_A11Y", "atspi", TRUE);
  g_unsetenv ("NO_AT_BRIDGE");
  ui_init_x11 (argc, argv);
}

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
JsonNode *
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
gboolean
is_real_name (const char *name)
{
  static GRegex *type_name;

  if (type_name == NULL)
    type_name = g_regex_new ("^(Gtk|Adw|Vz)[A-Z][A-Za-z]*$", G_REGEX_OPTIMIZE, 0, NULL);
  return name != NULL && *name != '\0' && !g_regex_match (type_name, name, 0, NULL);
}

const char *
node_role (JsonObject *node)
{
  return json_object_get_string_member (node, "role");
}

const char *
node_name (JsonObject *node)
{
  return json_object_get_string_member (node, "name");
}

gboolean
node_has_state (JsonObject *node,
                const char *state)
{
  JsonArray *states = json_object_get_array_member (node, "states");

  for (guint i = 0; i < json_array_get_length (states); i++)
    if (g_str_equal (json_array_get_string_element (states, i), state))
      return TRUE;
  return FALSE;
}

JsonArray *
node_children (JsonObject *node)
{
  return json_object_get_array_member (node, "children");
}

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

GPtrArray *
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

gboolean
has_role (JsonObject    *node,
          gconstpointer  role)
{
  return g_str_equal (node_role (node), role);
}

gboolean
is_named (JsonObject    *node,
          gconstpointer  name)
{
  return g_str_equal (node_name (node), name);
}

/* The one node with @role and @name; fails the test unless there is one. */
JsonObject *
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
char *
words_under (JsonObject *node)
{
  GString *out = g_string_new ("|");

  collect_words (node, out);
  return g_string_free (out, FALSE);
}

gboolean
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
void
assert_controls_named (JsonNode   *tree,
                       const char *where)
{
  JsonArray *windows = json_object_get_array_member (json_node_get_object (tree), "windows");
  g_autoptr(GString) unnamed = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (windows); i++)
    audit_node (json_array_get_object_element (windows, i), path, FALSE, unnamed);
  if (unnamed->len > 0)
    g_error ("Controls without an accessible name in the %s:%s", where, unnamed->str);
}
