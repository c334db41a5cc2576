/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "test-playlists-util.h"
#include "vz-test-monitor.h"

G_BEGIN_DECLS

/*
 * The second app instance of the Playlists peers test: the test program
 * started again as "PROGRAM --peer URL PLAYLIST-ID OUTBOX-DIR", in a process
 * of its own, with a window, session, engine and realtime link of its own
 * on the same X display and server. It tells on its standard output what
 * its editor shows, and takes commands on its standard input, a line each:
 *
 *   peer → test  "peer PID SESSION-ID"  ready: the playlist in its editor,
 *                                       its realtime link up (the session
 *                                       the server gave that link)
 *                "order A|B|…"          its editor's rows, top to bottom,
 *                                       whenever they change
 *                "pending N"            its changes not yet applied by the
 *                                       server, whenever that changes
 *                "done"                 the last command is carried out
 *   test → peer  "keys NAME KEYS"       the row that shows NAME focused,
 *                                       KEYS pressed (xdotool, x_keys())
 *                "offline", "online"    what its engine's network monitor says
 *                "quit"                 the window closed, the engine
 *                                       stopped, exit 0
 * What else the program writes on its standard output (GLib's log) goes to
 * its standard error. The end of its input ends it as "quit" does.
 */

/* Whether @argv asks for the peer. */
gboolean   peer_wanted      (int                 argc,
                             char               *argv[]);
/* The peer's main(), when peer_wanted(). */
int        peer_main        (int                 argc,
                             char               *argv[]);

/* What both instances do. A window at @x, 0 on an engine of its own signed
 * in to @url (its queue of changes under @outbox_dir, @monitor its
 * network), that shows fx->playlist_id ("A|B|C|D") in its editor, its
 * realtime link up. */
void       open_peer        (Fixture            *fx,
                             const char         *url,
                             VzTestMonitor      *monitor,
                             const char         *outbox_dir,
                             int                 x);
/* @fx's engine's realtime link is up. */
gboolean   realtime_linked  (gpointer            fx);
/* The Engine.IO session the server gave @fx's realtime link (transfer full). */
char      *session_id       (Fixture            *fx);
/* The row in @fx's editor that shows @name. */
GtkWidget *row_named        (Fixture            *fx,
                             const char         *name);

G_END_DECLS
