/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "vz-test-server.h"
#include "vz-test-monitor.h"
#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "test-playlists-util.h"

/*
 * Two people on one playlist: two windows, each with a session, an engine
 * (its own realtime connection and queue of changes) and a network of its
 * own, against one real server. A reorder in one shows in the other; a
 * reorder the first makes while the second's own move waits to be sent
 * (offline) shows in the second as their order, then its move on top, and
 * so it lands on the server and in the first once the second is back.
 */

static gboolean
list_has_playlist (gpointer data)
{
  Fixture *fx = data;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (vz_playlists_page_get_list (fx->page), i)) != NULL; i++)
    if (g_strcmp0 (vz_entity_get_id (VZ_ENTITY (vz_playlist_row_get_playlist (VZ_PLAYLIST_ROW (row)))),
                   fx->playlist_id) == 0)
      return TRUE;
  return FALSE;
}

static void
open_peer (Fixture       *fx,
           VzTestMonitor *monitor,
           const char    *outbox_dir,
           int            x)
{
  g_autofree char *xid = NULL;
  g_autofree char *at = NULL;

  fx->engine = ui_start_engine (fx->server->url, monitor, outbox_dir);
  fx->window = ui_open_window (fx->engine, 620, 700);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  g_assert_true (wait_for (list_has_playlist, fx, 30));
  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "A|B|C|D";
  g_assert_true (wait_for (shown_order_is, fx, 30));
  spin (300);

  /* Side by side (no window manager under Xvfb: the test places them). */
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (fx->window))));
  at = g_strdup_printf ("%d", x);
  {
    const char *args[] = { "windowmove", "--sync", xid, at, "0", NULL };

    pl_xdotool (args);
  }
  spin (300);
}

static gboolean
one_pending (gpointer data)
{
  Fixture *fx = data;

  return vz_sync_engine_get_pending_count (fx->engine) == 1;
}

/* Both windows, and the server, show @order. */
static void
assert_everywhere (Fixture    *one,
                   Fixture    *two,
                   const char *order)
{
  one->want = two->want = order;
  g_assert_true (wait_for (shown_order_is, one, 30));
  g_assert_true (wait_for (shown_order_is, two, 30));
  g_assert_true (wait_for (server_order_is, one, 30));
  g_assert_true (wait_for (nothing_pending, one, 30));
  g_assert_true (wait_for (nothing_pending, two, 30));
}

/* The row in @fx's editor that shows @name. */
static GtkWidget *
row_named (Fixture    *fx,
           const char *name)
{
  GtkWidget *row;

  for (guint i = 0; (row = item_row (fx, i)) != NULL; i++)
    if (g_strcmp0 (vz_playlist_item_get_content_name (vz_playlist_item_row_get_item (VZ_PLAYLIST_ITEM_ROW (row))),
                   name) == 0)
      return row;
  g_error ("No row shows %s", name);
}

static void
test_peers (void)
{
  g_autoptr(VzTestMonitor) monitor_one = vz_test_monitor_new (TRUE);
  g_autoptr(VzTestMonitor) monitor_two = vz_test_monitor_new (TRUE);
  g_autofree char *outbox_two = g_build_filename (outbox_root, "two", NULL);
  Fixture one = { 0 }, two = { 0 };
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  one.server = vz_test_server_start (NULL);
  one.token = vz_test_server_login (one.server);
  a = create_content (&one, "A");
  b = create_content (&one, "B");
  c = create_content (&one, "C");
  d = create_content (&one, "D");
  {
    const char *items[] = { a, b, c, d, NULL };

    one.playlist_id = create_playlist (&one, "Morning", items);
  }
  two.server = one.server;
  two.token = one.token;
  two.playlist_id = one.playlist_id;
  g_assert_cmpint (g_mkdir_with_parents (outbox_two, 0700), ==, 0);
  open_peer (&one, monitor_one, outbox_root, 0);
  open_peer (&two, monitor_two, outbox_two, 650);

  /* A dragged below C in the first window: the second follows. */
  drag_row (&one, row_named (&one, "A"), row_named (&one, "C"), 0.75);
  assert_everywhere (&one, &two, "B|C|A|D");

  /* D to the top with Alt+Home in the second: the first follows. */
  gtk_widget_grab_focus (row_named (&two, "D"));
  spin (200);
  x_keys (GTK_WINDOW (two.window), "alt+Home");
  assert_everywhere (&one, &two, "D|B|C|A");

  /* The second goes offline and moves A to the top: pending there. */
  vz_test_monitor_set_available (monitor_two, FALSE);
  spin (500);
  gtk_widget_grab_focus (row_named (&two, "A"));
  spin (200);
  x_keys (GTK_WINDOW (two.window), "alt+Home");
  two.want = "A|D|B|C";
  g_assert_true (wait_for (shown_order_is, &two, 10));
  /* Counted once it is on disk, a moment after it shows. */
  g_assert_true (wait_for (one_pending, &two, 10));

  /* Meanwhile the first drags D below C: the server has theirs. */
  drag_row (&one, row_named (&one, "D"), row_named (&one, "C"), 0.75);
  one.want = "B|C|D|A";
  g_assert_true (wait_for (shown_order_is, &one, 10));
  g_assert_true (wait_for (server_order_is, &one, 30));
  g_assert_true (wait_for (nothing_pending, &one, 30));
  /* Their playlist:updated reaches the second while its move waits to be
   * sent: it shows their order (B C D A), then its own move (A to the top). */
  two.want = "A|B|C|D";
  g_assert_true (wait_for (shown_order_is, &two, 30));
  g_assert_cmpuint (vz_sync_engine_get_pending_count (two.engine), ==, 1);

  /* Back online, the move lands on the server on their order: the same
   * everywhere. */
  vz_test_monitor_set_available (monitor_two, TRUE);
  assert_everywhere (&one, &two, "A|B|C|D");

  ui_close_window (two.window);
  vz_sync_engine_stop (two.engine);
  g_clear_object (&two.engine);
  one.want = NULL;
  fixture_close (&one);
}

static void
add_tests (void)
{
  g_test_add_func ("/ui/playlists/peers", test_peers);
}

int
main (int   argc,
      char *argv[])
{
  return pl_test_main (argc, argv, "ui-playlists-peers", add_tests);
}
