/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-playlists"

#include "config.h"

#include <fcntl.h>
#include <gdk/x11/gdkx.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <unistd.h>

#include "vz-playlist-item-row.h"
#include "vz-playlist-row.h"
#include "vz-test-process.h"
#include "playlists-peer.h"

/* ---- what both instances do ---- */

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

gboolean
realtime_linked (gpointer data)
{
  Fixture *fx = data;

  return vz_realtime_client_get_state (vz_sync_engine_get_realtime_client (fx->engine)) ==
         VZ_REALTIME_STATE_CONNECTED;
}

void
open_peer (Fixture       *fx,
           const char    *url,
           VzTestMonitor *monitor,
           const char    *outbox_dir,
           int            x)
{
  g_autofree char *xid = NULL;
  g_autofree char *at = NULL;

  fx->engine = ui_start_engine (url, monitor, outbox_dir);
  fx->window = ui_open_window (fx->engine, 620, 700);
  fx->page = vz_window_get_playlists_page (fx->window);
  fx->editor = vz_playlists_page_get_editor (fx->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-page", "s", "playlists"));
  if (!wait_for (list_has_playlist, fx, 60))
    g_error ("The Playlists page of pid %d does not list the playlist after 60 s", (int) getpid ());
  vz_playlists_page_select (fx->page, fx->playlist_id);
  fx->want = "A|B|C|D";
  if (!wait_for (shown_order_is, fx, 60))
    g_error ("The editor of pid %d does not show A|B|C|D after 60 s", (int) getpid ());
  if (!wait_for (realtime_linked, fx, 60))
    g_error ("The realtime link of pid %d is not up after 60 s", (int) getpid ());

  /* Side by side (no window manager under Xvfb: the test places them). */
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (fx->window))));
  at = g_strdup_printf ("%d", x);
  {
    const char *args[] = { "windowmove", "--sync", xid, at, "0", NULL };

    pl_xdotool (args);
  }
}

char *
session_id (Fixture *fx)
{
  char *id = NULL;

  g_object_get (vz_sync_engine_get_realtime_client (fx->engine), "session-id", &id, NULL);
  return id;
}

GtkWidget *
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


/* ---- the peer: the second instance ---- */

typedef struct {
  Fixture        fx;
  VzTestMonitor *monitor;
  char          *order;    /* as last told */
  guint          pending;  /* as last told, G_MAXUINT: not yet */
  gboolean       quit;
} PeerSide;

/* What the peer tells the test: its standard output as it started. What
 * else writes there (GLib's log, GTK) goes to its standard error. */
static FILE *told;

static void
tell (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static void
tell (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (told, format, args);
  va_end (args);
  fputc ('\n', told);
  fflush (told);
}

/* After every frame drawn and every change of the pending count: what
 * changed since it was last told. */
static void
tell_changes (PeerSide *own)
{
  g_autofree char *order = shown_order (&own->fx);
  guint pending = vz_sync_engine_get_pending_count (own->fx.engine);

  if (g_strcmp0 (order, own->order) != 0)
    {
      tell ("order %s", order);
      g_free (own->order);
      own->order = g_steal_pointer (&order);
    }
  if (pending != own->pending)
    {
      tell ("pending %u", pending);
      own->pending = pending;
    }
}

static void
on_command (const char *line,
            gpointer    data)
{
  PeerSide *own = data;
  g_auto(GStrv) words = NULL;

  /* The end of the input: the test is gone. */
  if (line == NULL)
    {
      own->quit = TRUE;
      return;
    }
  words = g_strsplit (line, " ", 3);
  if (g_str_equal (words[0], "keys") && g_strv_length (words) == 3)
    {
      gtk_widget_grab_focus (row_named (&own->fx, words[1]));
      x_keys (GTK_WINDOW (own->fx.window), words[2]);
    }
  else if (g_str_equal (words[0], "offline") || g_str_equal (words[0], "online"))
    vz_test_monitor_set_available (own->monitor, g_str_equal (words[0], "online"));
  else if (g_str_equal (words[0], "quit"))
    own->quit = TRUE;
  else
    g_error ("The peer does not know the command “%s”", line);
  tell ("done");
}

gboolean
peer_wanted (int   argc,
             char *argv[])
{
  return argc == 5 && g_str_equal (argv[1], "--peer");
}

int
peer_main (int   argc,
           char *argv[])
{
  PeerSide own = { .pending = G_MAXUINT };
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autofree char *id = NULL;
  GdkFrameClock *clock;
  gulong painted, counted;
  int one = 1;

  told = fdopen (fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3), "w");
  g_assert_nonnull (told);
  g_assert_cmpint (dup2 (STDERR_FILENO, STDOUT_FILENO), ==, STDOUT_FILENO);
  ui_init_x11 (&one, &argv);

  own.monitor = vz_test_monitor_new (TRUE);
  own.fx.playlist_id = g_strdup (argv[3]);
  open_peer (&own.fx, argv[2], own.monitor, argv[4], 650);
  id = session_id (&own.fx);
  g_assert_nonnull (id);
  tell ("peer %d %s", (int) getpid (), id);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (own.fx.window));
  painted = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (tell_changes), &own);
  counted = g_signal_connect_swapped (own.fx.engine, "notify::pending-count", G_CALLBACK (tell_changes), &own);
  tell_changes (&own);
  vz_test_read_lines (in, on_command, &own);
  while (!own.quit)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (clock, painted);
  g_signal_handler_disconnect (own.fx.engine, counted);
  ui_close_window (own.fx.window);
  vz_sync_engine_stop (own.fx.engine);
  g_clear_object (&own.fx.engine);
  g_clear_object (&own.monitor);
  g_free (own.fx.playlist_id);
  g_free (own.order);
  fclose (told);
  return 0;
}
