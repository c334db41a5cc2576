/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The running test's windows as a screen reader reads them: through AT-SPI,
 * by another process (a11y-tree.py, python3-pyatspi, at A11Y_PYTHON and
 * A11Y_TREE_SCRIPT) on the accessibility bus. Each node of the tree is
 * {"role", "name", "description", "states", "text", "children"}. The test
 * sets GTK_A11Y=atspi before GTK starts.
 */

/* ui_init_x11(), with GTK talking to the accessibility bus (the test
 * environment turns it off for the other tests). */
void        a11y_init             (int         *argc,
                                   char      ***argv);

/* The showing windows' tree; the main loop runs meanwhile, as it is this
 * process that answers. */
JsonNode   *read_tree             (void);

/* Whether @name names something: not empty, and not the type name GTK 4.8
 * gives an accessible without a name ("GtkButton"). */
gboolean    is_real_name          (const char *name);
const char *node_role             (JsonObject *node);
const char *node_name             (JsonObject *node);
gboolean    node_has_state        (JsonObject *node,
                                   const char *state);
JsonArray  *node_children         (JsonObject *node);

typedef gboolean (*NodeMatch) (JsonObject *node, gconstpointer data);
/* The nodes @match accepts in all the windows of @tree, depth first. */
GPtrArray  *window_nodes          (JsonNode      *tree,
                                   NodeMatch      match,
                                   gconstpointer  data);
/* NodeMatches: the role is @data; the name is @data. */
gboolean    has_role              (JsonObject    *node,
                                   gconstpointer  role);
gboolean    is_named              (JsonObject    *node,
                                   gconstpointer  name);
/* The one node with @role and @name; fails the test unless there is one. */
JsonObject *the_node              (JsonNode   *tree,
                                   const char *role,
                                   const char *name);
/* Every name and text under @node, each followed by "|", after a "|". */
char       *words_under           (JsonObject *node);
/* Whether @words (of words_under()) hold @text as one item. */
gboolean    says                  (const char *words,
                                   const char *text);
/* Fails the test, listing them, if any button, toggle, entry, check box,
 * drop-down, menu button, spin button, slider or switch in @tree has no
 * name; @where says what was read ("Devices page"). */
void        assert_controls_named (JsonNode   *tree,
                                   const char *where);

G_END_DECLS
